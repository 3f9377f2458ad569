#include "cli/args.hpp"

#include <ctime>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <utility>

#include "cli/time_range.hpp"
#include "model/incident.hpp"

namespace hungtask {

namespace {

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

}  // namespace hungtask
