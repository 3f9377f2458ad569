#include "decode/hung_task_report.hpp"

#include <algorithm>
#include <cctype>

#include "decode/log_text.hpp"
#include "decode/syscalls.hpp"

namespace hungtask {

namespace {

using namespace log_text;

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

bool absorb_report_line(HungTaskReport& r, const LogLine& line) {
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

void finish_report(HungTaskReport& r) {
    // ORIG_RAX is the syscall number only for a 64-bit user frame (CS 0x33); a compat
    // task (CS 0x23) uses the i386 table, so fall back to the entry frame there.
    if (r.rip_cs && *r.rip_cs == "0033" && r.orig_rax) {
        if (auto name = x86_64_syscall_name(*r.orig_rax))
            r.victim.syscall = std::string(*name);
    }
    if (!r.victim.syscall)
        r.victim.syscall = syscall_from_stack(r.victim.stack);
}

}  // namespace hungtask
