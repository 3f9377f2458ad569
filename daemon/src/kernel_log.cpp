#include "kernel_log.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "coalesce.hpp"
#include "syscalls.hpp"

namespace hungtask {

namespace {

// Reports printed at most this long before the panic line belong to the khungtaskd pass
// that called panic("hung_task: blocked tasks").
constexpr double kPanicPassWindowS = 2.0;
// A timestamp this far behind the previous one means the log restarted: a new boot.
constexpr double kBootRestartS = 10.0;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_hex(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

std::string_view trim_left(std::string_view s) {
    size_t i = s.find_first_not_of(" \t");
    return i == std::string_view::npos ? std::string_view{} : s.substr(i);
}

std::string_view trim(std::string_view s) {
    s = trim_left(s);
    size_t e = s.find_last_not_of(" \t");
    return e == std::string_view::npos ? std::string_view{} : s.substr(0, e + 1);
}

template <typename T>
std::optional<T> parse_int(std::string_view s, int base = 10) {
    T v{};
    if (s.empty())
        return std::nullopt;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
    if (ec != std::errc() || p != s.data() + s.size())
        return std::nullopt;
    return v;
}

// "[%5lu.%06lu]" at `pos`: returns the seconds and the index just past ']'.
std::optional<std::pair<double, size_t>> match_timestamp(std::string_view s, size_t pos) {
    if (pos >= s.size() || s[pos] != '[')
        return std::nullopt;
    size_t i = pos + 1;
    while (i < s.size() && s[i] == ' ')
        i++;
    size_t int_start = i;
    while (i < s.size() && is_digit(s[i]))
        i++;
    if (i == int_start || i - int_start > 12 || i >= s.size() || s[i] != '.')
        return std::nullopt;
    size_t frac_start = ++i;
    while (i < s.size() && is_digit(s[i]))
        i++;
    if (i - frac_start != 6 || i >= s.size() || s[i] != ']')
        return std::nullopt;
    auto secs = parse_int<uint64_t>(s.substr(int_start, frac_start - 1 - int_start));
    auto usecs = parse_int<uint64_t>(s.substr(frac_start, 6));
    if (!secs || !usecs)
        return std::nullopt;
    return std::pair{double(*secs) + double(*usecs) / 1e6, i + 1};
}

// Optional CONFIG_PRINTK_CALLER field after the timestamp: "[  T123]" or "[    C1]".
size_t skip_caller(std::string_view s, size_t pos) {
    if (pos >= s.size() || s[pos] != '[')
        return pos;
    size_t i = pos + 1;
    while (i < s.size() && s[i] == ' ')
        i++;
    if (i >= s.size() || (s[i] != 'T' && s[i] != 'C'))
        return pos;
    size_t d = ++i;
    while (i < s.size() && is_digit(s[i]))
        i++;
    if (i == d || i >= s.size() || s[i] != ']')
        return pos;
    i++;
    return (i < s.size() && s[i] == ' ') ? i + 1 : i;
}

bool is_pstore_header(std::string_view s) {
    // fs/pstore/platform.c: "%s#%d Part%u\n" with the kmsg_dump_reason_str() word.
    size_t hash = s.find('#');
    if (hash == std::string_view::npos || hash == 0 || hash > 10)
        return false;
    for (size_t i = 0; i < hash; i++) {
        if (!std::isalpha(static_cast<unsigned char>(s[i])))
            return false;
    }
    size_t i = hash + 1, d = i;
    while (i < s.size() && is_digit(s[i]))
        i++;
    if (i == d || s.substr(i, 5) != " Part")
        return false;
    i += 5;
    d = i;
    while (i < s.size() && is_digit(s[i]))
        i++;
    return i > d && i == s.size();
}

// "Nov 25 06:51:00 host kernel: " (syslog / journalctl -k short format).
std::optional<size_t> match_journal_prefix(std::string_view s) {
    if (s.size() < 16 || !std::isupper(static_cast<unsigned char>(s[0])) || s[3] != ' ' ||
        s[6] != ' ' || s[9] != ':' || s[12] != ':' || s[15] != ' ')
        return std::nullopt;
    size_t k = s.find(" kernel: ", 15);
    if (k == std::string_view::npos || s.find(' ', 16) != k)
        return std::nullopt;
    return k + 9;
}

bool is_kmsg_dict_line(std::string_view s) {
    // " SUBSYSTEM=pci" / " DEVICE=+pci:0000:00:01.0"
    if (s.size() < 3 || s[0] != ' ')
        return false;
    size_t eq = s.find('=');
    if (eq == std::string_view::npos || eq < 2)
        return false;
    for (size_t i = 1; i < eq; i++) {
        char c = s[i];
        if (!(std::isupper(static_cast<unsigned char>(c)) || is_digit(c) || c == '_'))
            return false;
    }
    return true;
}

// A stack line as printed by printk_stack_address(): "[? ]sym+0xoff/0xsize[ [mod]]" or a
// bare address when the symbol is unknown.
bool is_frame(std::string_view t) {
    if (t.starts_with("? "))
        t.remove_prefix(2);
    if (t.starts_with("0x")) {
        return t.size() > 2 && std::all_of(t.begin() + 2, t.end(), is_hex);
    }
    size_t plus = t.find("+0x");
    if (plus == std::string_view::npos || plus == 0)
        return false;
    for (size_t i = 0; i < plus; i++) {
        char c = t[i];
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '$'))
            return false;
    }
    size_t i = plus + 3, d = i;
    while (i < t.size() && is_hex(t[i]))
        i++;
    if (i == d || t.substr(i, 3) != "/0x")
        return false;
    i += 3;
    d = i;
    while (i < t.size() && is_hex(t[i]))
        i++;
    if (i == d)
        return false;
    if (i == t.size())
        return true;
    // " [module]" or " [module build_id]"
    return t.substr(i, 2) == " [" && t.back() == ']';
}

bool is_stack_marker(std::string_view t) {
    // " <TASK>", " </TASK>", " <IRQ>", " <NMI>", " <SOFTIRQ>", " <#DF>", " <EOE>" ...
    if (t.size() < 3 || t.front() != '<' || t.back() != '>')
        return false;
    std::string_view in = t.substr(1, t.size() - 2);
    if (in.starts_with('/'))
        in.remove_prefix(1);
    return !in.empty() && std::all_of(in.begin(), in.end(), [](char c) {
        return std::isupper(static_cast<unsigned char>(c)) || is_digit(c) || c == '_' || c == '#';
    });
}

bool is_register_line(std::string_view t) {
    static constexpr std::string_view kRegs[] = {
        "RIP: ", "RSP: ", "RAX: ", "RDX: ", "RBP: ", "R10: ",  "R13: ", "Code: ",
        "FS: ",  "CS: ",  "CR2: ", "DR0: ", "DR3: ", "PKRU: ", "EIP: ", "ORIG_RAX: "};
    for (auto r : kRegs) {
        if (t.starts_with(r))
            return true;
    }
    return false;
}

// "INFO: task %s:%d blocked for more than %ld seconds."
std::optional<Victim> match_info_line(std::string_view msg) {
    static constexpr std::string_view kHead = "INFO: task ";
    static constexpr std::string_view kMid = " blocked for more than ";
    size_t h = msg.find(kHead);
    if (h == std::string_view::npos)
        return std::nullopt;
    std::string_view rest = msg.substr(h + kHead.size());
    size_t mid = rest.rfind(kMid);
    if (mid == std::string_view::npos)
        return std::nullopt;
    std::string_view who = rest.substr(0, mid);
    size_t colon = who.rfind(':');
    if (colon == std::string_view::npos)
        return std::nullopt;
    auto pid = parse_int<int64_t>(who.substr(colon + 1));
    if (!pid || *pid < 0)
        return std::nullopt;
    std::string_view tail = rest.substr(mid + kMid.size());
    size_t i = 0;
    while (i < tail.size() && is_digit(tail[i]))
        i++;
    if (i == 0 || !tail.substr(i).starts_with(" seconds"))
        return std::nullopt;
    Victim v;
    v.pid = *pid;
    v.comm = std::string(who.substr(0, colon));
    v.blocked_s = parse_int<int64_t>(tail.substr(0, i));
    return v;
}

// "      Not tainted 6.1.0-56-amd64 #1 Debian 6.1.192-2"
// "      Tainted: G           OE      6.12.117+deb12-amd64 #1 Debian 6.12.117-1~deb12u1"
// print_tainted() gives one column per taint bit (' ' when clear, 'G' standing in for a
// clear 'P'), then the release and the version: upstream "#1" (cut at its first space),
// Debian "#1 Debian <package version>".
bool match_taint_line(std::string_view msg, std::optional<std::string>& release,
                      std::optional<std::string>& taint) {
    std::string_view t = trim_left(msg);
    if (t.size() == msg.size())
        return false;  // the kernel indents this line by six spaces
    if (t.starts_with("Not tainted "))
        t.remove_prefix(12);
    else if (t.starts_with("Tainted: "))
        t.remove_prefix(9);
    else
        return false;
    std::string flags;
    while (!t.empty()) {
        t = trim_left(t);
        std::string_view tok = t.substr(0, t.find(' '));
        t.remove_prefix(tok.size());
        if (tok.empty())
            break;
        if (is_digit(tok[0])) {
            // Releases start with a digit; taint letters never do.
            release = std::string(tok);
            taint = flags;
            return true;
        }
        for (char c : tok) {
            if (!std::isupper(static_cast<unsigned char>(c)))
                return false;
            if (c != 'G')
                flags.push_back(c);
        }
    }
    return false;
}

// "task:%-15.15s state:%c stack:... pid:... [tgid:...] ppid:... flags:..."
bool match_task_line(std::string_view msg, Victim& v) {
    if (!msg.starts_with("task:"))
        return false;
    std::string_view rest = msg.substr(5);
    // The comm is padded to 15 columns with spaces ("%-15.15s").
    size_t st = rest.find(" state:");
    if (st == std::string_view::npos)
        return false;
    std::string comm(trim(rest.substr(0, st)));
    std::string_view fields = rest.substr(st + 1);
    std::optional<int64_t> pid, tgid, ppid;
    std::optional<std::string> state;
    while (!fields.empty()) {
        fields = trim_left(fields);
        size_t sp = fields.find(' ');
        std::string_view tok = fields.substr(0, sp);
        fields = sp == std::string_view::npos ? std::string_view{} : fields.substr(sp);
        size_t c = tok.find(':');
        if (c == std::string_view::npos)
            continue;
        std::string_view k = tok.substr(0, c), val = tok.substr(c + 1);
        if (k == "state" && !val.empty())
            state = std::string(val.substr(0, 1));
        else if (k == "pid")
            pid = parse_int<int64_t>(val);
        else if (k == "tgid")
            tgid = parse_int<int64_t>(val);
        else if (k == "ppid")
            ppid = parse_int<int64_t>(val);
    }
    if (!pid || *pid != v.pid)
        return false;  // another task's line: not ours
    if (comm != v.comm && !v.comm.starts_with(comm))
        return false;
    v.state = state;
    v.tgid = tgid;
    v.ppid = ppid;
    return true;
}

}  // namespace

LogLine classify_line(std::string_view raw, bool prev_was_kmsg) {
    LogLine out;
    std::string s;
    s.reserve(raw.size());
    for (char c : raw) {
        if (c != '\r' && c != '\n' && c != '\0')
            s.push_back(c);
    }
    // Serial noise can break UTF-8; records must stay valid JSON text.
    s = sanitize_utf8(s);
    std::string_view v(s);

    if (prev_was_kmsg && is_kmsg_dict_line(v)) {
        out.form = LogLine::Form::skip;
        return out;
    }
    if (is_pstore_header(v)) {
        out.form = LogLine::Form::skip;
        return out;
    }
    // /dev/kmsg: "prio,seq,usec,flags[,more];message"
    {
        size_t i = 0, field = 0;
        uint64_t vals[3] = {0, 0, 0};
        bool ok = true;
        while (field < 3) {
            size_t d = i;
            while (i < v.size() && is_digit(v[i]))
                i++;
            if (i == d || i - d > 20 || i >= v.size() || v[i] != ',') {
                ok = false;
                break;
            }
            auto n = parse_int<uint64_t>(v.substr(d, i - d));
            if (!n) {
                ok = false;
                break;
            }
            vals[field++] = *n;
            i++;
        }
        size_t semi = ok ? v.find(';', i) : std::string_view::npos;
        if (ok && semi != std::string_view::npos && semi - i < 32) {
            out.form = LogLine::Form::kmsg;
            out.level = int(vals[0] & 7);
            out.ts = double(vals[2]) / 1e6;
            out.msg = std::string(v.substr(semi + 1));
            out.kernel_prefixed = true;
            return out;
        }
    }
    size_t pos = 0;
    // pstore / syslog level "<3>"
    if (v.size() > 2 && v[0] == '<') {
        size_t i = 1;
        while (i < v.size() && is_digit(v[i]))
            i++;
        if (i > 1 && i < v.size() && v[i] == '>' && i <= 4) {
            out.level = int(parse_int<int>(v.substr(1, i - 1)).value_or(0) & 7);
            out.form = LogLine::Form::pstore;
            out.kernel_prefixed = true;
            pos = i + 1;
        }
    }
    if (auto ts = match_timestamp(v, pos)) {
        out.ts = ts->first;
        pos = ts->second;
        if (pos < v.size() && v[pos] == ' ')
            pos++;
        pos = skip_caller(v, pos);
        if (out.form != LogLine::Form::pstore)
            out.form = LogLine::Form::console;
        out.kernel_prefixed = true;
        out.msg = std::string(v.substr(pos));
        return out;
    }
    if (out.form == LogLine::Form::pstore) {
        out.msg = std::string(v.substr(pos));
        return out;
    }
    if (auto j = match_journal_prefix(v)) {
        out.form = LogLine::Form::journal;
        out.kernel_prefixed = true;
        out.msg = std::string(v.substr(*j));
        return out;
    }
    // Serial garbage in front of a console line: "login: [   12.345678] INFO: task ..."
    for (size_t b = v.find('['); b != std::string_view::npos; b = v.find('[', b + 1)) {
        if (auto ts = match_timestamp(v, b)) {
            out.ts = ts->first;
            size_t p = ts->second;
            if (p < v.size() && v[p] == ' ')
                p++;
            out.form = LogLine::Form::console;
            out.kernel_prefixed = true;
            out.msg = std::string(v.substr(skip_caller(v, p)));
            return out;
        }
    }
    out.form = LogLine::Form::plain;
    out.msg = s;
    return out;
}

KernelLogFeeder::KernelLogFeeder(LogContext ctx) : ctx_(std::move(ctx)) {}

void KernelLogFeeder::start_new_boot() {
    boot_ordinal_++;
    boot_ = BootFacts{};
    boot_has_lines_ = false;
    last_report_ts_.reset();
}

void KernelLogFeeder::note_boot_facts(const std::string& msg) {
    // Boot-time evidence of the configuration.  A sysctl written later in the boot can
    // change these; the live daemon reads /proc/sys at detection time instead.
    if (msg.starts_with("Linux version ")) {
        std::string_view r = std::string_view(msg).substr(14);
        boot_.release = std::string(r.substr(0, r.find(' ')));
        return;
    }
    if (msg.starts_with("Dynamic Preempt: ")) {
        std::string_view m = trim(std::string_view(msg).substr(17));
        boot_.preemption = std::string(m.substr(0, m.find(' ')));
        return;
    }
    if (msg.starts_with("Kernel command line: ")) {
        std::string_view rest = std::string_view(msg).substr(21);
        while (!rest.empty()) {
            rest = trim_left(rest);
            size_t sp = rest.find(' ');
            std::string_view tok = rest.substr(0, sp);
            rest = sp == std::string_view::npos ? std::string_view{} : rest.substr(sp);
            size_t eq = tok.find('=');
            std::string_view k = tok.substr(0, eq);
            std::string_view val = eq == std::string_view::npos ? "" : tok.substr(eq + 1);
            auto num = parse_int<int64_t>(val);
            if (k == "nowatchdog")
                boot_.watchdog = 0;
            else if (k == "preempt" && !val.empty())
                boot_.preemption = std::string(val);
            else if ((k == "hung_task_panic" || k == "sysctl.kernel.hung_task_panic") && num)
                boot_.hung_task_panic = num;
            else if ((k == "softlockup_panic" || k == "sysctl.kernel.softlockup_panic") && num)
                boot_.softlockup_panic = num;
            else if (k == "sysctl.kernel.hung_task_timeout_secs" && num)
                boot_.hung_task_timeout_secs = num;
            else if (k == "sysctl.kernel.watchdog" && num)
                boot_.watchdog = num;
        }
    }
}

bool KernelLogFeeder::absorb_report_line(const LogLine& line) {
    PendingReport& r = *pending_;
    std::string_view msg = line.msg;
    std::string_view t = trim(msg);
    if (t.empty())
        return !line.kernel_prefixed;  // a blank console line inside the report
    if (match_taint_line(msg, r.release, r.taint))
        return true;
    if (t.starts_with("\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\""))
        return true;
    if (t.starts_with("Blocked by coredump."))
        return true;
    if (match_task_line(t, r.victim))
        return true;
    if (t.starts_with("Workqueue: ")) {
        r.victim.workqueue = std::string(trim(t.substr(11)));
        return true;
    }
    if (t.starts_with("Stopper: "))
        return true;
    if (t == "Call Trace:") {
        r.saw_trace = true;
        return true;
    }
    if (is_stack_marker(t))
        return true;
    if (is_frame(t)) {
        if (t.starts_with("? "))
            r.victim.stack_unreliable.emplace_back(t.substr(2));
        else
            r.victim.stack.emplace_back(t);
        return true;
    }
    if (is_register_line(t)) {
        if (t.starts_with("RIP: ")) {
            std::string_view cs = t.substr(5, t.find(':', 5) - 5);
            if (cs.size() == 4 && std::all_of(cs.begin(), cs.end(), is_hex))
                r.rip_cs = std::string(cs);
        }
        if (size_t o = t.find("ORIG_RAX: "); o != std::string_view::npos) {
            std::string_view hex = t.substr(o + 10, 16);
            if (auto n = parse_int<uint64_t>(hex, 16))
                r.orig_rax = int64_t(*n);
        }
        return true;
    }
    return false;
}

std::vector<Incident> KernelLogFeeder::complete_report() {
    std::vector<Incident> changed;
    if (!pending_)
        return changed;
    PendingReport r = std::move(*pending_);
    pending_.reset();

    // ORIG_RAX is the syscall number only for a 64-bit user frame (CS 0x33); a compat
    // task (CS 0x23) uses the i386 table, so fall back to the entry frame there.
    if (r.rip_cs && *r.rip_cs == "0033" && r.orig_rax) {
        if (auto name = x86_64_syscall_name(*r.orig_rax))
            r.victim.syscall = std::string(*name);
    }
    if (!r.victim.syscall)
        r.victim.syscall = syscall_from_stack(r.victim.stack);

    Incident in;
    in.boot_id = ctx_.boot_id;
    in.trigger = Trigger::hung_task;
    in.source = ctx_.source;
    in.first_seen_uptime_s = r.ts;
    in.last_seen_uptime_s = r.ts;
    in.host.kernel_release = r.release ? r.release : boot_.release;
    in.host.taint = r.taint;
    in.host.preemption = boot_.preemption;
    in.host.watchdog = boot_.watchdog;
    in.host.softlockup_panic = boot_.softlockup_panic;
    in.host.hung_task_timeout_secs = boot_.hung_task_timeout_secs;
    in.host.hung_task_panic = boot_.hung_task_panic;
    in.victims.push_back(std::move(r.victim));

    // Coalescing: the kernel re-reports a still-blocked task on every pass.
    const Victim& v = in.victims[0];
    std::string key = std::to_string(boot_ordinal_) + "|" + std::to_string(v.pid) + "|" + v.comm;
    auto it = by_key_.find(key);
    // repeats counts the detector's reports, the kernel's own after its first: a module
    // record is a capture, not a report (v2 prints it later, before or after the
    // kernel's report of the same pass).
    bool first_report = kernel_reported_.insert(key).second;
    if (it == by_key_.end()) {
        in.seq = next_seq_++;
        in.id = boot_prefix(ctx_.boot_id) + "-" + std::to_string(in.seq);
        by_key_[key] = incidents_.size();
        incidents_.push_back(in);
        changed.push_back(incidents_.back());
    } else {
        Incident& ex = incidents_[it->second];
        Incident merged = merge_incident(ex, in);
        merged.repeats = first_report ? ex.repeats : ex.repeats + 1;
        merged.last_seen_uptime_s = r.ts ? r.ts : ex.last_seen_uptime_s;
        ex = std::move(merged);
        changed.push_back(ex);
    }
    if (r.ts)
        last_report_ts_ = r.ts;
    return changed;
}

std::vector<Incident> KernelLogFeeder::on_panic(const LogLine& line) {
    std::vector<Incident> changed;
    std::string prefix = std::to_string(boot_ordinal_) + "|";
    bool any = false;
    for (auto& [key, idx] : by_key_) {
        if (!key.starts_with(prefix))
            continue;
        Incident& in = incidents_[idx];
        if (in.trigger != Trigger::hung_task || in.panicked)
            continue;
        bool in_pass = true;
        if (line.ts && in.last_seen_uptime_s)
            in_pass = *in.last_seen_uptime_s >= *line.ts - kPanicPassWindowS;
        if (!in_pass)
            continue;
        in.panicked = true;
        changed.push_back(in);
        any = true;
    }
    if (!any) {
        // The panic survived (pstore, serial tail) but the reports did not.
        std::string key = prefix + "panic";
        if (by_key_.count(key))
            return changed;
        Incident in;
        in.boot_id = ctx_.boot_id;
        in.trigger = Trigger::panic;
        in.source = ctx_.source;
        in.panicked = true;
        in.first_seen_uptime_s = line.ts;
        in.last_seen_uptime_s = line.ts;
        in.host.kernel_release = boot_.release;
        in.host.preemption = boot_.preemption;
        in.host.watchdog = boot_.watchdog;
        in.host.softlockup_panic = boot_.softlockup_panic;
        in.host.hung_task_timeout_secs = boot_.hung_task_timeout_secs;
        in.host.hung_task_panic = boot_.hung_task_panic;
        in.seq = next_seq_++;
        in.id = boot_prefix(ctx_.boot_id) + "-" + std::to_string(in.seq);
        by_key_[key] = incidents_.size();
        incidents_.push_back(in);
        changed.push_back(in);
    }
    return changed;
}

std::vector<Incident> KernelLogFeeder::on_module_incident(Incident in) {
    std::vector<Incident> changed;
    if (!in.boot_id)
        in.boot_id = ctx_.boot_id;
    in.source = ctx_.source;
    if (in.victims.empty())
        return changed;
    const Victim& v = in.victims[0];
    std::string key = std::to_string(boot_ordinal_) + "|" + std::to_string(v.pid) + "|" + v.comm;
    auto it = by_key_.find(key);
    if (it == by_key_.end()) {
        in.seq = next_seq_++;
        in.id = boot_prefix(in.boot_id) + "-" + std::to_string(in.seq);
        by_key_[key] = incidents_.size();
        incidents_.push_back(std::move(in));
        changed.push_back(incidents_.back());
    } else {
        // The module came after the kernel's first report (loaded late): its chain wins.
        Incident& ex = incidents_[it->second];
        Incident merged = merge_incident(in, ex);
        merged.id = ex.id;
        merged.seq = ex.seq;
        merged.repeats = ex.repeats;
        ex = std::move(merged);
        changed.push_back(ex);
    }
    return changed;
}

std::vector<Incident> KernelLogFeeder::handle_idle_line(const LogLine& line) {
    std::vector<Incident> changed;
    std::string_view msg = line.msg;
    if (msg.find(kModuleRecordPrefix) != std::string_view::npos) {
        if (auto in = module_records_.push(msg))
            return on_module_incident(std::move(*in));
        return changed;
    }
    if (auto victim = match_info_line(msg)) {
        pending_ = PendingReport{};
        pending_->victim = std::move(*victim);
        pending_->ts = line.ts;
        return changed;
    }
    std::string_view t = trim(msg);
    if (t.starts_with("Kernel panic - not syncing: hung_task")) {
        return on_panic(line);
    }
    note_boot_facts(std::string(t));
    return changed;
}

std::vector<Incident> KernelLogFeeder::push_line(std::string_view raw) {
    LogLine line = classify_line(raw, prev_was_kmsg_);
    if (line.form == LogLine::Form::skip)
        return {};
    prev_was_kmsg_ = line.form == LogLine::Form::kmsg;
    if (line.kernel_prefixed)
        seen_kernel_prefix_ = true;

    // New boot: the banner, or the clock jumped back (a reboot inside one serial log).
    bool banner = trim_left(line.msg).starts_with("Linux version ");
    bool clock_reset = line.ts && last_ts_ && *line.ts + kBootRestartS < *last_ts_;
    std::vector<Incident> changed;
    if ((banner && boot_has_lines_) || clock_reset) {
        changed = flush();
        start_new_boot();
    }
    boot_has_lines_ = true;
    if (line.ts)
        last_ts_ = line.ts;

    if (pending_) {
        // The module's records are printed from another CPU (v2): one may land inside
        // the kernel's report without ending it.
        if (line.msg.find(kModuleRecordPrefix) != std::string::npos) {
            if (auto in = module_records_.push(line.msg)) {
                auto done = on_module_incident(std::move(*in));
                changed.insert(changed.end(), done.begin(), done.end());
            }
            return changed;
        }
        if (absorb_report_line(line)) {
            if (trim(line.msg) == "</TASK>") {
                auto done = complete_report();
                changed.insert(changed.end(), done.begin(), done.end());
            }
            return changed;
        }
        if (!line.kernel_prefixed && seen_kernel_prefix_) {
            // User space output interleaved on the console: not the kernel's.
            noise_lines_++;
            return changed;
        }
        auto done = complete_report();
        changed.insert(changed.end(), done.begin(), done.end());
    }
    auto more = handle_idle_line(line);
    changed.insert(changed.end(), more.begin(), more.end());
    return changed;
}

std::vector<Incident> KernelLogFeeder::flush() {
    return complete_report();
}

std::vector<Incident> parse_kernel_log(std::string_view text, const LogContext& ctx) {
    KernelLogFeeder feeder(ctx);
    size_t start = 0;
    while (start < text.size()) {
        size_t nl = text.find('\n', start);
        if (nl == std::string_view::npos)
            nl = text.size();
        (void)feeder.push_line(text.substr(start, nl - start));
        start = nl + 1;
    }
    (void)feeder.flush();
    return feeder.incidents();
}

}  // namespace hungtask
