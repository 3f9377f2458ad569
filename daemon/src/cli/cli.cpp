#include "cli/cli.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <ctime>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <sstream>
#include <utility>

#include "cli/time_range.hpp"
#include "decode/kernel_log.hpp"
#include "ingest/pipeline.hpp"
#include "model/coalesce.hpp"
#include "model/iso_time.hpp"
#include "report/html.hpp"
#include "report/redact.hpp"
#include "report/related.hpp"
#include "report/report.hpp"
#include "report/terminal.hpp"
#include "store/store.hpp"

namespace hungtask {

namespace {

constexpr const char* kVersion = "0.1.0";

const char* kExitCodes =
    "Exit status:\n"
    "  0  success\n"
    "  1  nothing found, or no such incident, and nothing else (the message goes to\n"
    "     stderr)\n"
    "  2  usage error, permission denied, unsupported format (a store of another\n"
    "     format, a file that is not an export), or an I/O error (unreadable input,\n"
    "     store not writable, standard output not writable); one line on stderr\n"
    "     names the path and the reason\n";

const char* kTopUsage =
    "Usage: hungtaskd COMMAND [OPTIONS]\n"
    "\n"
    "Explains hung tasks: who is stuck, on what, and why.\n"
    "\n"
    "Commands:\n"
    "  run        the service: receive the module's incidents, store them, ack them\n"
    "  scan-log   find incidents in kernel log files (console, dmesg, /dev/kmsg,\n"
    "             pstore, journalctl -k)\n"
    "  report     show stored incidents (after a reboot too)\n"
    "  explain    render an exported JSON report (report --json) as text, offline\n"
    "\n"
    "Quick start: explain a dmesg or console log from any host:\n"
    "  hungtaskd scan-log FILE | hungtaskd explain -\n"
    "\n"
    "Run 'hungtaskd COMMAND --help' for a command's options.  --version (also\n"
    "after a command) prints the version.\n";

const char* kRunUsage =
    "Usage: hungtaskd run [--state-dir DIR] [--boot-id ID] [--kmsg PATH [--oneshot]]\n"
    "                     [--keep N] [--keep-bytes N] [--event-buffer BYTES]\n"
    "                     [--journal | --no-journal] [--metrics-dir DIR]\n"
    "\n"
    "The service.  By default it receives hungtask.ko's incidents over generic\n"
    "netlink (family \"hungtask\", group \"events\"; needs CAP_NET_ADMIN): on start\n"
    "and after any gap, overrun or module reload it fetches what it missed from\n"
    "the module's ring by seq; it stores each incident durably, then acks it so\n"
    "the module can reuse the slot.  If the module is not loaded it waits for it.\n"
    "Memory stays bounded under an event storm: the event socket's buffer is\n"
    "fixed, and what overflows it is fetched again.\n"
    "\n"
    "With --kmsg it follows a kernel log instead (the kernel's own hung-task\n"
    "reports and the module's kmsg records), for hosts without the module.\n"
    "\n"
    "Logs one line per stored incident to stderr with its verdict and culprit,\n"
    "prefixed <3> (err) when a culprit is named and <4> (warning) for an unknown\n"
    "cause, so 'journalctl -p err' shows the explained ones; under systemd (or\n"
    "with --journal) each new incident is instead one structured journal entry\n"
    "(MESSAGE_ID 8ad697a72c4e45e99ad9d4db6bdd40b4; PRIORITY as above; fields\n"
    "VERDICT, CULPRIT, CULPRIT_MODULE, FINGERPRINT, INCIDENT_ID, SEQ, ...).  Stops\n"
    "cleanly on SIGTERM or SIGINT.  Sends READY=1, STATUS= and, with WatchdogSec=,\n"
    "WATCHDOG=1 to $NOTIFY_SOCKET when set (systemd Type=notify).\n"
    "\n"
    "Options:\n"
    "  --state-dir DIR  incident store (default /var/lib/hungtaskd)\n"
    "  --boot-id ID     boot id to record when the source has none (default\n"
    "                   /proc/sys/kernel/random/boot_id)\n"
    "  --kmsg PATH      follow this kernel log instead of netlink (e.g. /dev/kmsg;\n"
    "                   a regular file is followed like tail -f)\n"
    "  --oneshot        with --kmsg: stop at the end of what the log holds now\n"
    "  --keep N         keep at most N incidents (default 1000); the oldest are\n"
    "                   pruned, with a log line naming them\n"
    "  --keep-bytes N   keep at most N bytes of records (default 67108864)\n"
    "  --event-buffer BYTES\n"
    "                   receive buffer of the event socket (default 1048576; the\n"
    "                   kernel doubles it).  Smaller means less memory and more\n"
    "                   dumps after overruns; nothing is lost either way\n"
    "  --journal        send each new incident to the journal as a structured\n"
    "                   entry (default: when $JOURNAL_STREAM is set, i.e. under\n"
    "                   systemd)\n"
    "  --no-journal     never send journal entries; log lines go to stderr only\n"
    "  --metrics-dir DIR\n"
    "                   write Prometheus metrics to DIR/hungtaskd.prom for\n"
    "                   node_exporter's textfile collector (the packaged unit uses\n"
    "                   /var/lib/prometheus/node-exporter)\n";

const char* kScanUsage =
    "Usage: hungtaskd scan-log [--store] [--state-dir DIR] [--boot-id ID]\n"
    "                          [--boot-time TIME] FILE|DIR...\n"
    "\n"
    "Parses kernel log files (serial console, dmesg, a /dev/kmsg dump, pstore\n"
    "dmesg-ramoops, journalctl -k; FILE '-' is standard input) and prints the\n"
    "incidents as a JSON array, or with --store adds them to the store (scanning\n"
    "a file again does not duplicate them).  A directory means every file under\n"
    "it, e.g. /sys/fs/pstore or systemd-pstore's archive /var/lib/systemd/pstore.\n"
    "\n"
    "Options:\n"
    "  --store          add to the store instead of printing JSON\n"
    "  --state-dir DIR  incident store (default /var/lib/hungtaskd)\n"
    "  --boot-id ID     the boot the log comes from (default: unknown, recorded\n"
    "                   as null)\n"
    "  --boot-time TIME when that boot started (local time, or with a zone, or\n"
    "                   @UNIX): console lines' printk times then give the\n"
    "                   detection time.  A log's own 'rtc_cmos ...: setting\n"
    "                   system clock to' line does too\n"
    "\n"
    "A file of a directory that cannot be read is reported on stderr and skipped;\n"
    "the others are imported.  Files named on the command line must all be\n"
    "readable.  Timestamps of journalctl -k (-o short, short-precise, short-iso,\n"
    "short-iso-precise), dmesg -T and dmesg --time-format iso lines become the\n"
    "incident's detection time.\n";

const char* kReportUsage =
    "Usage: hungtaskd report [--json] [--state-dir DIR] [--since TIME]\n"
    "                        [--until TIME] [--verdict KIND] [--module NAME]\n"
    "                        [--trigger KIND] [-b [BOOT]] [--utc] [--no-pager]\n"
    "                        [--redact] [ID | --last]\n"
    "       hungtaskd report --html FILE [--state-dir DIR] [filters] [--redact]\n"
    "                        [ID | --last]\n"
    "\n"
    "Without ID, lists stored incidents, newest first (by detection time; an\n"
    "incident imported from a log without one counts from the time it was stored,\n"
    "marked '*').  The NOTE column marks panics and repeats (x3: reported three\n"
    "times).  With ID (or --last, the newest shown by the list), shows that\n"
    "incident in full: verdict, victim, stack, chain and host.\n"
    "\n"
    "Options:\n"
    "  --json           print the JSON array of incident records instead of text\n"
    "  --state-dir DIR  incident store (default /var/lib/hungtaskd)\n"
    "  --since TIME     only incidents at or after TIME, --until at or before it.\n"
    "  --until TIME     TIME as journalctl takes it: 2025-11-25,\n"
    "                   '2025-11-25 06:51:00', 2025-11-25T06:51:00+01:00, 06:51\n"
    "                   (today), now, today, yesterday, -2h, -1d12h, '30 min ago',\n"
    "                   @UNIXTIME.  Times without a zone are local (UTC with\n"
    "                   --utc).  Incidents of unknown time are left out\n"
    "  --verdict KIND   only this verdict (runqueue_starvation, cpu_hog,\n"
    "                   lock_chain, deadlock, io_wait, unknown); repeat or use\n"
    "                   commas for several\n"
    "  --module NAME    only incidents whose culprit is in module NAME ('-' or\n"
    "                   'kernel': culprits in the core kernel or user space)\n"
    "  --trigger KIND   only this trigger (hung_task, cpu_hog, soft_lockup, panic)\n"
    "  -b, --boot [BOOT]\n"
    "                   only one boot: 0 (default) the newest boot in the store,\n"
    "                   -1 the one before, 1 the oldest, 2 the second oldest; or a\n"
    "                   boot id or a prefix of one (8 hex digits or more)\n"
    "  --utc            show times in UTC (default: the local time zone)\n"
    "  --no-pager       never page (by default long output on a terminal goes\n"
    "                   through $PAGER, else 'less -FRX')\n"
    "  --last           the newest incident (after the filters)\n"
    "  --html FILE      write one incident (ID, or the newest) as a self-contained\n"
    "                   HTML page: the chain as a graph, with the evidence and next\n"
    "                   steps beside it\n"
    "  --redact         replace kernel addresses, host names and paths under /home\n"
    "                   and /root with stable placeholders (<addr-1>, <host-1>,\n"
    "                   <path-1>)\n"
    "\n"
    "Text is wrapped at the terminal's width ($COLUMNS, else the terminal's, else\n"
    "80 columns when not a terminal) and coloured only on a terminal, never when\n"
    "NO_COLOR is set.  The list keeps one incident per row; when the row is wider\n"
    "than that, the BOOT column goes first (the ID starts with the boot), then\n"
    "each row takes a second, indented line 'culprit C / victim V' (narrower\n"
    "still, ' / at TIME' too).  A pid, a function name or a stack frame is never\n"
    "cut or split.\n";

const char* kExplainUsage =
    "Usage: hungtaskd explain [--utc] [--no-pager] [--redact] FILE\n"
    "\n"
    "Renders a JSON array of incidents, as 'hungtaskd report --json' and\n"
    "'hungtaskd scan-log' print it, or one record file of a store\n"
    "(STATE_DIR/incidents/ID.json), as text.  Needs no store and no access to the\n"
    "host it came from.  FILE '-' is standard input.  Chains captured by\n"
    "hungtask.ko are explained again with this binary's rules; when that changes\n"
    "the verdict, a note says what the record held.  Text is wrapped and coloured\n"
    "as by report.\n"
    "\n"
    "Options:\n"
    "  --utc       show times in UTC (default: the local time zone)\n"
    "  --no-pager  never page (by default long output on a terminal goes through\n"
    "              $PAGER, else 'less -FRX')\n"
    "  --redact    replace kernel addresses, host names and home paths with\n"
    "              placeholders\n";

class ArgReader {
  public:
    explicit ArgReader(const std::vector<std::string>& args, size_t start)
        : args_(args), i_(start) {}
    bool done() const { return i_ >= args_.size(); }
    const std::string& peek() const { return args_[i_]; }
    std::string next() { return args_[i_++]; }

    // "--name VALUE" or "--name=VALUE"; nullopt if the current arg is not --name.
    Result<std::optional<std::string>> value_of(const std::string& name) {
        const std::string& a = args_[i_];
        if (a == name) {
            if (i_ + 1 >= args_.size())
                return Error{"option needs a value", name};
            i_ += 2;
            return std::optional<std::string>(args_[i_ - 1]);
        }
        if (a.starts_with(name + "=")) {
            i_++;
            return std::optional<std::string>(a.substr(name.size() + 1));
        }
        return std::optional<std::string>();
    }

  private:
    const std::vector<std::string>& args_;
    size_t i_;
};

bool valid_boot_id(const std::string& id) {
    if (id.empty() || id.size() > 64)
        return false;
    for (char c : id) {
        if (!std::isxdigit(static_cast<unsigned char>(c)) && c != '-')
            return false;
    }
    return true;
}

bool wants_version(const std::vector<std::string>& args) {
    for (const auto& a : args) {
        if (a == "--version")
            return true;
    }
    return false;
}

bool wants_help(const std::vector<std::string>& args) {
    for (const auto& a : args) {
        if (a == "--help" || a == "-h")
            return true;
    }
    return false;
}

// Consumes a value option into `dst` when the current arg is `name`.
#define TAKE(name, dst)            \
    {                              \
        auto v = r.value_of(name); \
        if (!v)                    \
            return v.error();      \
        if (*v) {                  \
            (dst) = **v;           \
            continue;              \
        }                          \
    }

Result<CliCommand> parse_run(ArgReader r) {
    CliCommand c;
    c.kind = CliCommand::Kind::run;
    std::optional<std::string> boot, event_buffer, keep, keep_bytes;
    while (!r.done()) {
        TAKE("--state-dir", c.run.state_dir);
        TAKE("--kmsg", c.run.kmsg_path);
        TAKE("--event-buffer", event_buffer);
        TAKE("--keep", keep);
        TAKE("--keep-bytes", keep_bytes);
        TAKE("--boot-id", boot);
        // [packaging] sinks: journal entries and the Prometheus textfile.
        TAKE("--metrics-dir", c.run.sinks.metrics_dir);
        std::string a = r.next();
        if (a == "--oneshot") {
            c.run.oneshot = true;
            continue;
        }
        if (a == "--journal" || a == "--no-journal") {  // [packaging]
            c.run.sinks.journal = a == "--journal";
            continue;
        }
        return Error{a.starts_with("-") ? "unknown option" : "unexpected argument", a};
    }
    if (boot && !valid_boot_id(*boot))
        return Error{"not a boot id (hex digits and '-')", "--boot-id"};
    c.run.boot_id = boot;
    if (c.run.state_dir.empty())
        return Error{"must not be empty", "--state-dir"};
    if (c.run.kmsg_path && c.run.kmsg_path->empty())
        return Error{"must not be empty", "--kmsg"};
    if (c.run.sinks.metrics_dir && c.run.sinks.metrics_dir->empty())  // [packaging]
        return Error{"must not be empty", "--metrics-dir"};
    // A decimal count within [lo, hi].
    auto count = [](const std::string& v, unsigned long long lo, unsigned long long hi,
                    const char* opt) -> Result<unsigned long long> {
        char* end = nullptr;
        errno = 0;
        unsigned long long n = std::strtoull(v.c_str(), &end, 10);
        if (v.empty() || v[0] == '-' || *end || errno || n < lo || n > hi)
            return Error{
                "must be a number from " + std::to_string(lo) + " to " + std::to_string(hi), opt};
        return n;
    };
    if (event_buffer) {
        auto v = count(*event_buffer, 4096, 256ull << 20, "--event-buffer");
        if (!v)
            return v.error();
        c.run.event_buffer = int(*v);
    }
    if (keep) {
        auto v = count(*keep, 1, 1000000, "--keep");
        if (!v)
            return v.error();
        c.run.limits.max_records = size_t(*v);
    }
    if (keep_bytes) {
        auto v = count(*keep_bytes, 65536, 1ull << 40, "--keep-bytes");
        if (!v)
            return v.error();
        c.run.limits.max_bytes = *v;
    }
    if (c.run.oneshot && !c.run.kmsg_path)
        return Error{"only with --kmsg (the netlink service runs until stopped)", "--oneshot"};
    return c;
}

Result<CliCommand> parse_scan(ArgReader r) {
    CliCommand c;
    c.kind = CliCommand::Kind::scan_log;
    bool only_files = false;
    std::optional<std::string> boot_time;
    while (!r.done()) {
        if (!only_files) {
            TAKE("--state-dir", c.state_dir);
            TAKE("--boot-id", c.boot_id);
            TAKE("--boot-time", boot_time);
        }
        std::string a = r.next();
        if (!only_files && a == "--store") {
            c.store = true;
            continue;
        }
        if (!only_files && a == "--") {
            only_files = true;
            continue;
        }
        if (!only_files && a.size() > 1 && a[0] == '-')
            return Error{"unknown option", a};
        c.files.push_back(a);
    }
    if (c.files.empty())
        return Error{"no log file given (use '-' for standard input)", "scan-log"};
    if (boot_time) {
        c.boot_time = parse_time_spec(*boot_time, int64_t(::time(nullptr)), false);
        if (!c.boot_time)
            return Error{
                "not a time (e.g. '2025-11-25 06:40:00', 2025-11-25T06:40:00Z, "
                "@1764052800): " +
                    *boot_time,
                "--boot-time"};
    }
    if (c.boot_id && !valid_boot_id(*c.boot_id))
        return Error{"not a boot id (hex digits and '-')", "--boot-id"};
    if (c.state_dir.empty())
        return Error{"must not be empty", "--state-dir"};
    return c;
}

// "a,b" -> {"a", "b"}, appended to `into`.
void split_list(const std::string& v, std::vector<std::string>& into) {
    size_t i = 0;
    while (i <= v.size()) {
        size_t c = v.find(',', i);
        if (c == std::string::npos)
            c = v.size();
        if (c > i)
            into.push_back(v.substr(i, c - i));
        i = c + 1;
    }
}

bool is_boot_arg(const std::string& a) {
    if (a.empty())
        return false;
    size_t i = (a[0] == '-' || a[0] == '+') ? 1 : 0;
    if (i < a.size() && a.find_first_not_of("0123456789", i) == std::string::npos)
        return true;
    return a.size() >= 8 && valid_boot_id(a);
}

// The output flags report and explain share: --redact, --utc, --no-pager.
bool take_output_flag(const std::string& a, CliCommand& c) {
    if (a == "--redact")
        c.redact = true;
    else if (a == "--utc")
        c.utc = true;
    else if (a == "--no-pager")
        c.no_pager = true;
    else
        return false;
    return true;
}

Result<CliCommand> parse_report(ArgReader r) {
    CliCommand c;
    c.kind = CliCommand::Kind::report;
    std::optional<std::string> since, until;
    while (!r.done()) {
        TAKE("--state-dir", c.state_dir);
        TAKE("--since", since);
        TAKE("--html", c.html);
        TAKE("--until", until);
        bool listed = false;
        for (auto [name, into] :
             {std::pair{"--verdict", &c.verdicts}, std::pair{"--module", &c.modules},
              std::pair{"--trigger", &c.triggers}}) {
            auto v = r.value_of(name);
            if (!v)
                return v.error();
            if (*v) {
                split_list(**v, *into);
                listed = true;
                break;
            }
        }
        if (listed)
            continue;
        std::string a = r.next();
        if (take_output_flag(a, c))
            continue;
        if (a == "--json") {
            c.json = true;
            continue;
        }
        if (a == "--last") {
            c.last = true;
            continue;
        }
        if (a == "-b" || a == "--boot") {
            c.boot = "0";
            if (!r.done() && is_boot_arg(r.peek()))
                c.boot = r.next();
            continue;
        }
        if (a.starts_with("--boot=")) {
            c.boot = a.substr(7);
            if (!is_boot_arg(*c.boot))
                return Error{"not a boot offset (0, -1, 2) or boot id: " + *c.boot, "--boot"};
            continue;
        }
        if (a.starts_with("-b") && is_boot_arg(a.substr(2))) {
            c.boot = a.substr(2);
            continue;
        }
        if (a.starts_with("-"))
            return Error{"unknown option", a};
        if (c.id)
            return Error{"only one incident id may be given", a};
        c.id = a;
    }
    if (c.id && c.last)
        return Error{"give an incident id or --last, not both", "--last"};
    if (c.html && c.json)
        return Error{"give --json or --html, not both", "--html"};
    if (c.html && c.html->empty())
        return Error{"must not be empty", "--html"};
    for (const auto& v : c.verdicts) {
        if (!verdict_kind_from_string(v))
            return Error{
                "unknown verdict (runqueue_starvation, lock_chain, deadlock, cpu_hog, "
                "io_wait, unknown): " +
                    v,
                "--verdict"};
    }
    for (const auto& t : c.triggers) {
        if (!trigger_from_string(t))
            return Error{"unknown trigger (hung_task, cpu_hog, soft_lockup, panic): " + t,
                         "--trigger"};
    }
    int64_t now = int64_t(::time(nullptr));
    if (since) {
        c.since = parse_time_spec(*since, now, c.utc);
        if (!c.since)
            return Error{
                "not a time (e.g. 2025-11-25T06:51:00Z, '2025-11-25 06:51', -2h, "
                "yesterday): " +
                    *since,
                "--since"};
    }
    if (until) {
        c.until = parse_time_spec(*until, now, c.utc);
        if (!c.until)
            return Error{
                "not a time (e.g. 2025-11-25T06:51:00Z, '2025-11-25 06:51', -2h, "
                "today): " +
                    *until,
                "--until"};
    }
    if (c.state_dir.empty())
        return Error{"must not be empty", "--state-dir"};
    return c;
}

Result<CliCommand> parse_explain(ArgReader r) {
    CliCommand c;
    c.kind = CliCommand::Kind::explain;
    while (!r.done()) {
        std::string a = r.next();
        if (take_output_flag(a, c))
            continue;
        if (a.size() > 1 && a[0] == '-')
            return Error{"unknown option", a};
        c.files.push_back(a);
    }
    if (c.files.size() != 1)
        return Error{"needs exactly one FILE", "explain"};
    return c;
}

#undef TAKE

std::string errno_text(int e) {
    return std::strerror(e);
}

// Kernel logs and exports are far smaller; this bounds what a wrong path (a /proc file
// that never ends) can cost.
constexpr size_t kMaxInput = size_t(1) << 30;

// Reads FILE or, for "-", all of `in`.  A directory, a FIFO and a /proc file are read
// the way they allow; every failure names the path and the reason.
Result<std::string> read_input(const std::string& path, std::istream& in) {
    if (path == "-") {
        std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (in.bad())
            return Error{"cannot read standard input", "-"};
        return data;
    }
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return Error{"cannot open: " + errno_text(errno), path};
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        int e = errno;
        ::close(fd);
        return Error{"cannot stat: " + errno_text(e), path};
    }
    if (S_ISDIR(st.st_mode)) {
        ::close(fd);
        return Error{"is a directory (give a file, or scan-log DIR)", path};
    }
    // A character device (/dev/kmsg) is read up to what it holds now, not followed.
    const bool chr = S_ISCHR(st.st_mode);
    if (chr)
        (void)::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    std::string data;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && chr && errno == EPIPE)
            continue;  // /dev/kmsg: records overwritten while reading; go on
        if (n < 0 && chr && errno == EAGAIN)
            break;
        if (n < 0) {
            int e = errno;
            ::close(fd);
            return Error{"read error: " + errno_text(e), path};
        }
        if (n == 0)
            break;
        if (data.size() + size_t(n) > kMaxInput) {
            ::close(fd);
            return Error{"larger than 1 GiB: not a kernel log or an export", path};
        }
        data.append(buf, size_t(n));
    }
    ::close(fd);
    return data;
}

// A directory stands for the regular, non-empty files under it, recursively, in path
// order: pstore (/sys/fs/pstore) and systemd-pstore's archive
// (/var/lib/systemd/pstore/ID/dmesg.txt).  Symbolic links are not followed, so /proc
// and /sys trees end.  A subdirectory that cannot be listed is reported to `err` and
// skipped.
std::vector<std::string> expand_dir(const std::string& dir, std::ostream& err) {
    namespace fs = std::filesystem;
    std::vector<std::string> files;
    std::vector<fs::path> todo{fs::path(dir)};
    while (!todo.empty()) {
        fs::path d = todo.back();
        todo.pop_back();
        std::error_code ec;
        fs::directory_iterator it(d, ec), end;
        if (ec) {
            err << "hungtaskd: warning: skipping " << d.string()
                << ": cannot list: " << ec.message() << "\n";
            continue;
        }
        for (; !ec && it != end; it.increment(ec)) {
            std::error_code sec;
            auto st = it->symlink_status(sec);
            if (sec)
                continue;
            if (fs::is_directory(st))
                todo.push_back(it->path());
            else if (fs::is_regular_file(st) && it->file_size(sec) > 0 && !sec)
                files.push_back(it->path().string());
        }
        if (ec)
            err << "hungtaskd: warning: " << d.string() << ": listing stopped: " << ec.message()
                << "\n";
    }
    std::sort(files.begin(), files.end());
    return files;
}

int cmd_scan(const CliCommand& c, std::istream& in, std::ostream& out, std::ostream& err) {
    // Read everything first: a missing file must not leave a half-done --store.  Files
    // named on the command line must be readable; a bad file found in a directory is
    // reported and skipped.
    std::vector<std::pair<std::string, std::string>> inputs;
    for (const auto& a : c.files) {
        struct stat st {};
        if (a != "-" && ::stat(a.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
            for (const auto& f : expand_dir(a, err)) {
                auto data = read_input(f, in);
                if (!data) {
                    err << "hungtaskd: warning: skipping " << data.error().to_string() << "\n";
                    continue;
                }
                inputs.emplace_back(f, std::move(data).value());
            }
            continue;
        }
        auto data = read_input(a, in);
        if (!data) {
            err << "hungtaskd: error: " << data.error().to_string() << "\n";
            return kExitError;
        }
        inputs.emplace_back(a, std::move(data).value());
    }
    std::vector<Incident> found;
    for (const auto& [name, text] : inputs) {
        LogContext ctx{"log:" + (name == "-" ? std::string("stdin") : name), c.boot_id,
                       c.boot_time ? std::optional<double>(double(*c.boot_time)) : std::nullopt};
        auto incidents = parse_kernel_log(text, ctx);
        found.insert(found.end(), incidents.begin(), incidents.end());
    }
    auto nothing = [&] {
        err << "hungtaskd: no incidents found in";
        for (const auto& f : c.files)
            err << " " << (f == "-" ? std::string("standard input") : f);
        err << "\n";
    };
    // Each file numbered its incidents from 1; number them across all files.
    std::map<std::string, uint64_t> next;
    for (auto& incident : found) {
        std::string prefix = boot_prefix(incident.boot_id);
        incident.seq = ++next[prefix];
        incident.id = prefix + "-" + std::to_string(incident.seq);
    }
    // The log says all there is: no live host facts (it may come from another boot).
    Pipeline pipeline(nullptr, IngestHost{});
    if (!c.store) {
        for (auto& incident : found)
            incident = pipeline.prepare(std::move(incident), Origin::log_file);
        // In log order, which is also seq order.
        out << dump_json(to_json(found)) << "\n";
        if (found.empty())
            nothing();
        return found.empty() ? kExitNotFound : kExitOk;
    }
    auto store = Store::open(c.state_dir, err);
    if (!store) {
        err << "hungtaskd: error: " << store.error().to_string() << "\n";
        return kExitError;
    }
    pipeline = Pipeline(&*store, IngestHost{});
    for (auto& incident : found) {
        auto r = pipeline.ingest(incident, Origin::log_file);
        if (!r) {
            err << "hungtaskd: error: " << r.error().to_string() << "\n";
            return kExitError;
        }
        const char* what = r->kind == UpsertKind::created   ? "stored"
                           : r->kind == UpsertKind::updated ? "updated"
                                                            : "already stored";
        out << what << " " << r->incident.id << ": " << r->incident.verdict.summary << "\n";
    }
    if (found.empty())
        nothing();
    return found.empty() ? kExitNotFound : kExitOk;
}

// Where text goes: standard output is looked at only when `out` is std::cout.
Terminal terminal_of(const std::ostream& out) {
    if (&out == &std::cout)
        return detect_terminal(STDOUT_FILENO);
    return Terminal{};
}

// Writes `text` to `out`, or through the pager on a terminal.
void emit(const std::string& text, std::ostream& out, const Terminal& term, bool no_pager) {
    if (!no_pager && show_in_pager(text, term))
        return;
    out << text;
}

// Whether `dir` holds a store: nullopt when there is none (nothing found), an Error for
// what makes it unreadable (permission, not a directory), true when FORMAT exists.
Result<bool> store_present(const std::string& dir) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) {
        if (errno == ENOENT)
            return false;
        return Error{"cannot stat: " + errno_text(errno), dir};
    }
    if (!S_ISDIR(st.st_mode))
        return Error{"not a directory", dir};
    std::string fmt = dir + "/FORMAT";
    if (::access(fmt.c_str(), F_OK) != 0) {
        if (errno == ENOENT)
            return false;
        return Error{"cannot read: " + errno_text(errno), dir};
    }
    int fd = ::open(fmt.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return Error{"cannot read: " + errno_text(errno), fmt};
    ::close(fd);
    return true;
}

// Boots of `incidents` ordered oldest first (by their oldest incident), for -b N.
std::vector<std::string> boot_order(const std::vector<Incident>& incidents,
                                    const std::map<std::string, std::string>& stored_at) {
    std::map<std::string, int64_t> first;
    for (const auto& in : incidents) {
        if (!in.boot_id)
            continue;
        int64_t t = incident_time(in, stored_at).value_or(INT64_MAX);
        auto [it, fresh] = first.emplace(*in.boot_id, t);
        if (!fresh)
            it->second = std::min(it->second, t);
    }
    std::vector<std::pair<int64_t, std::string>> v;
    v.reserve(first.size());
    for (const auto& [b, t] : first)
        v.emplace_back(t, b);
    std::sort(v.begin(), v.end());
    std::vector<std::string> out;
    out.reserve(v.size());
    for (auto& p : v)
        out.push_back(p.second);
    return out;
}

// The boot id -b means, or an Error.
Result<std::string> resolve_boot(const std::string& spec, const std::vector<std::string>& boots) {
    bool numeric = !spec.empty() &&
                   spec.find_first_not_of("0123456789", (spec[0] == '-' || spec[0] == '+')) ==
                       std::string::npos &&
                   spec.size() < 10;
    if (numeric) {
        long n = std::strtol(spec.c_str(), nullptr, 10);
        long count = long(boots.size());
        long idx = n <= 0 ? count - 1 + n : n - 1;
        if (idx < 0 || idx >= count)
            return Error{"no such boot in the store (it holds " + std::to_string(count) + " boot" +
                             (count == 1 ? "" : "s") + ")",
                         "-b " + spec};
        return boots[size_t(idx)];
    }
    std::string match;
    for (const auto& b : boots) {
        if (b.starts_with(spec)) {
            if (!match.empty())
                return Error{"ambiguous boot id prefix", "-b " + spec};
            match = b;
        }
    }
    if (match.empty())
        return Error{"no incident of this boot in the store", "-b " + spec};
    return match;
}

bool culprit_module_matches(const Incident& in, const std::vector<std::string>& modules) {
    std::optional<std::string> mod;
    if (in.verdict.culprit)
        mod = in.verdict.culprit->module;
    for (const auto& m : modules) {
        if (mod ? *mod == m : (m == "-" || m == "kernel"))
            return true;
    }
    return false;
}

bool listed(const std::vector<std::string>& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

int cmd_report(const CliCommand& c, std::ostream& out, std::ostream& err) {
    auto present = store_present(c.state_dir);
    if (!present) {
        err << "hungtaskd: error: " << present.error().to_string() << "\n";
        return kExitError;
    }
    if (!*present) {
        err << "hungtaskd: no incidents recorded: no incident store in " << c.state_dir << "\n";
        if (c.json && !c.id && !c.last)
            out << "[]\n";
        return kExitNotFound;
    }
    auto store = Store::open_existing(c.state_dir, err);
    if (!store) {
        err << "hungtaskd: error: " << store.error().to_string() << "\n";
        return kExitError;
    }
    if (store->records().empty() && store->skipped() > 0) {
        err << "hungtaskd: error: " << c.state_dir << ": every record is unreadable ("
            << store->skipped() << " skipped, named above)\n";
        return kExitError;
    }
    std::map<std::string, std::string> stored_at;
    for (const auto& rec : store->records()) {
        if (!rec.stored_at.empty())
            stored_at[rec.incident.id] = rec.stored_at;
    }
    std::vector<Incident> all = store->incidents();
    link_related(all);  // before filtering: a related incident may lie outside the filters
    std::optional<std::string> boot;
    if (c.boot) {
        auto b = resolve_boot(*c.boot, boot_order(all, stored_at));
        if (!b) {
            err << "hungtaskd: " << b.error().to_string() << "\n";
            if (c.json && !c.id && !c.last)
                out << "[]\n";
            return kExitNotFound;
        }
        boot = *b;
    }
    std::vector<Incident> incidents;
    for (auto& in : all) {
        if (c.since || c.until) {
            auto t = incident_time(in, stored_at);
            if (!t || (c.since && *t < *c.since) || (c.until && *t > *c.until))
                continue;
        }
        if (!c.verdicts.empty() && !listed(c.verdicts, to_string(in.verdict.kind)))
            continue;
        if (!c.triggers.empty() && !listed(c.triggers, to_string(in.trigger)))
            continue;
        if (!c.modules.empty() && !culprit_module_matches(in, c.modules))
            continue;
        if (boot && in.boot_id != boot)
            continue;
        incidents.push_back(std::move(in));
    }
    incidents = newest_first(std::move(incidents), stored_at);
    if (c.redact) {
        Redactor redactor(local_hostnames());  // one for the whole output: stable names
        for (auto& in : incidents)
            in = redactor.incident(in);
    }
    if (c.html) {
        const Incident* pick = incidents.empty() ? nullptr : &incidents.front();
        for (const auto& in : incidents)
            if (c.id && in.id == *c.id)
                pick = &in;
        if (!pick || (c.id && pick->id != *c.id)) {
            err << "hungtaskd: " << (c.id ? "no such incident: " + *c.id : "no incidents stored")
                << "\n";
            return kExitNotFound;
        }
        std::ofstream f(*c.html, std::ios::binary | std::ios::trunc);
        if (f)
            write_html(f, *pick);
        if (f)
            f.flush();
        if (!f) {
            err << "hungtaskd: error: " << *c.html << ": cannot write\n";
            return kExitError;
        }
        out << "wrote " << *c.html << " (incident " << pick->id << ")\n";
        return kExitOk;
    }
    Terminal term = terminal_of(out);
    std::ostringstream text;
    std::unique_ptr<ReportWriter> w;
    if (c.json)
        w = std::make_unique<JsonReport>(text);
    else
        w = std::make_unique<TextReport>(text,
                                         TextOptions{term.width, c.utc, term.color, stored_at});
    bool filtered = c.since || c.until || c.boot || !c.verdicts.empty() || !c.triggers.empty() ||
                    !c.modules.empty();
    if (c.id || c.last) {
        const Incident* pick = nullptr;
        if (c.last && !incidents.empty())
            pick = &incidents.front();
        for (const auto& in : incidents) {
            if (c.id && in.id == *c.id)
                pick = &in;
        }
        if (!pick) {
            err << "hungtaskd: "
                << (c.id ? "no such incident: " + *c.id : std::string("no incidents stored"))
                << (filtered ? " (with these filters)" : "") << "\n";
            return kExitNotFound;
        }
        w->write_incident(*pick);
        emit(text.str(), out, term, c.no_pager || c.json);
        return kExitOk;
    }
    if (incidents.empty()) {
        if (c.json)
            w->write_list(incidents);
        out << text.str();
        err << "hungtaskd: no incidents stored";
        if (c.since)
            err << " since " << display_time(*c.since, c.utc);
        if (c.until)
            err << " until " << display_time(*c.until, c.utc);
        if (filtered && !c.since && !c.until)
            err << " (with these filters)";
        err << "\n";
        return kExitNotFound;
    }
    w->write_list(incidents);
    emit(text.str(), out, term, c.no_pager || c.json);
    return kExitOk;
}

int cmd_explain(const CliCommand& c, std::istream& in, std::ostream& final_out, std::ostream& err) {
    const std::string& path = c.files[0];
    auto data = read_input(path, in);
    if (!data) {
        err << "hungtaskd: error: " << data.error().to_string() << "\n";
        return kExitError;
    }
    // One record file of a store ({"format":1,"stored_at":...,"incident":{...}}) is an
    // export of one incident.
    std::string text_in = std::move(data).value();
    {
        Json j = Json::parse(text_in.begin(), text_in.end(), nullptr, false);
        if (!j.is_discarded() && j.is_object() && j.contains("incident") && j.contains("format"))
            text_in = "[" + j["incident"].dump() + "]";
    }
    auto incidents = incidents_from_text(text_in, path == "-" ? "stdin" : path);
    if (!incidents) {
        err << "hungtaskd: error: " << incidents.error().to_string() << "\n";
        return kExitError;
    }
    if (incidents->empty()) {
        err << "hungtaskd: no incidents in " << (path == "-" ? "standard input" : path) << "\n";
        return kExitNotFound;
    }
    Terminal term = terminal_of(final_out);
    std::ostringstream page;
    std::ostream& out = page;  // everything below goes to the page, shown at the end
    TextReport text(out, TextOptions{term.width, c.utc, term.color, {}});
    Pipeline pipeline(nullptr, IngestHost{});  // explain only: nothing is stored
    std::optional<Redactor> redactor;
    if (c.redact)
        redactor.emplace(local_hostnames());
    auto ordered = newest_first(*incidents);
    link_related(ordered);
    bool first = true;
    for (auto incident : ordered) {
        if (!first)
            out << "\n" << std::string(std::min<size_t>(78, term.width), '-') << "\n\n";
        first = false;
        // A chain captured by hungtask.ko is explained again with this binary's rules (an
        // export from an older daemon gets today's answer); kernel-only incidents keep
        // theirs.
        std::optional<std::string> was;
        Verdict stored = incident.verdict;
        incident = pipeline.prepare(std::move(incident), Origin::export_record);
        if (incident.verdict.kind != stored.kind || incident.verdict.culprit != stored.culprit)
            was = std::string(to_string(stored.kind));
        if (redactor)
            incident = redactor->incident(incident);
        text.write_incident(incident);
        if (was) {
            out << "\n";
            wrap_words(out,
                       "Note: the verdict above comes from this hungtaskd's rules; the record's "
                       "own verdict was " +
                           *was + ".",
                       0, "      ", term.width);
        }
    }
    emit(page.str(), final_out, term, c.no_pager);
    return kExitOk;
}

}  // namespace

std::string usage_text(const std::string& topic) {
    std::string body = topic == "run"        ? kRunUsage
                       : topic == "scan-log" ? kScanUsage
                       : topic == "report"   ? kReportUsage
                       : topic == "explain"  ? kExplainUsage
                                             : kTopUsage;
    return body + "\n" + kExitCodes;
}

Result<CliCommand> parse_cli(const std::vector<std::string>& args) {
    if (args.empty())
        return Error{"no command given", ""};
    const std::string& cmd = args[0];
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
        CliCommand c;
        c.kind = CliCommand::Kind::help;
        if (cmd == "help" && args.size() > 1)
            c.help_topic = args[1];
        return c;
    }
    if (cmd == "--version") {
        CliCommand c;
        c.kind = CliCommand::Kind::version;
        return c;
    }
    bool known = cmd == "run" || cmd == "scan-log" || cmd == "report" || cmd == "explain";
    if (!known)
        return Error{"unknown command", cmd};
    if (wants_help(args)) {
        CliCommand c;
        c.kind = CliCommand::Kind::help;
        c.help_topic = cmd;
        return c;
    }
    if (wants_version(args)) {
        CliCommand c;
        c.kind = CliCommand::Kind::version;
        return c;
    }
    ArgReader r(args, 1);
    if (cmd == "run")
        return parse_run(r);
    if (cmd == "scan-log")
        return parse_scan(r);
    if (cmd == "report")
        return parse_report(r);
    return parse_explain(r);
}

int run_cli(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
            std::ostream& err) {
    auto parsed = parse_cli(args);
    if (!parsed) {
        err << "hungtaskd: error: " << parsed.error().to_string() << "\n";
        std::string topic = args.empty() ? "" : args[0];
        bool known =
            topic == "run" || topic == "scan-log" || topic == "report" || topic == "explain";
        err << "Try 'hungtaskd " << (known ? topic + " " : "") << "--help'.\n";
        return kExitError;
    }
    const CliCommand& c = *parsed;
    int rc = kExitError;
    switch (c.kind) {
        case CliCommand::Kind::help:
            out << usage_text(c.help_topic);
            rc = kExitOk;
            break;
        case CliCommand::Kind::version:
            out << "hungtaskd " << kVersion << "\n";
            rc = kExitOk;
            break;
        case CliCommand::Kind::run:
            return run_daemon(c.run, err);
        case CliCommand::Kind::scan_log:
            rc = cmd_scan(c, in, out, err);
            break;
        case CliCommand::Kind::report:
            rc = cmd_report(c, out, err);
            break;
        case CliCommand::Kind::explain:
            rc = cmd_explain(c, in, out, err);
            break;
    }
    // An export cut short (a full disk, a closed pipe) must not look like success.
    errno = 0;
    out.flush();
    if (!out) {
        int e = errno;
        err << "hungtaskd: error: standard output: write failed"
            << (e ? std::string(": ") + std::strerror(e) : std::string()) << "\n";
        return kExitError;
    }
    return rc;
}

}  // namespace hungtask
