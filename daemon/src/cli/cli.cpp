#include "cli/cli.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <sstream>

#include "decode/kernel_log.hpp"
#include "ingest/pipeline.hpp"
#include "model/coalesce.hpp"
#include "model/iso_time.hpp"
#include "report/report.hpp"
#include "store/store.hpp"

namespace hungtask {

namespace {

constexpr const char* kVersion = "0.1.0";

const char* kExitCodes =
    "Exit status:\n"
    "  0  success\n"
    "  1  nothing found, or no such incident\n"
    "  2  usage error, or an I/O error (unreadable file, store not writable, ...)\n";

const char* kTopUsage =
    "Usage: hungtaskd COMMAND [OPTIONS]\n"
    "\n"
    "Explains hung tasks: who is stuck, on what, and why.\n"
    "\n"
    "Commands:\n"
    "  run        the service: receive the module's incidents, store them, ack them\n"
    "  scan-log   find incidents in kernel log files (console, dmesg, /dev/kmsg, pstore)\n"
    "  report     show stored incidents (after a reboot too)\n"
    "  explain    render an exported JSON report (report --json) as text, offline\n"
    "\n"
    "Run 'hungtaskd COMMAND --help' for a command's options.  --version prints the version.\n";

const char* kRunUsage =
    "Usage: hungtaskd run [--state-dir DIR] [--boot-id ID] [--kmsg PATH [--oneshot]]\n"
    "                     [--journal | --no-journal] [--metrics-dir DIR]\n"
    "\n"
    "The service.  By default it receives hungtask.ko's incidents over generic netlink\n"
    "(family \"hungtask\", group \"events\"; needs CAP_NET_ADMIN): on start and after any\n"
    "gap, overrun or module reload it fetches what it missed from the module's ring by\n"
    "seq; it stores each incident durably, then acks it so the module can reuse the slot.\n"
    "If the module is not loaded it waits for it.  Memory stays bounded under an event\n"
    "storm: the event socket's buffer is fixed, and what overflows it is fetched again.\n"
    "\n"
    "With --kmsg it follows a kernel log instead (the kernel's own hung-task reports and\n"
    "the module's kmsg records), for hosts without the module.\n"
    "\n"
    "Logs one line per stored incident to stderr; under systemd (or with --journal)\n"
    "each new incident is instead one structured journal entry (MESSAGE_ID\n"
    "8ad697a72c4e45e99ad9d4db6bdd40b4; fields VERDICT, CULPRIT, CULPRIT_MODULE,\n"
    "FINGERPRINT, INCIDENT_ID, SEQ, ...).  Stops cleanly on SIGTERM or SIGINT.  Sends\n"
    "READY=1, STATUS= and, with WatchdogSec=, WATCHDOG=1 to $NOTIFY_SOCKET when set\n"
    "(systemd Type=notify).\n"
    "\n"
    "Options:\n"
    "  --state-dir DIR  incident store (default /var/lib/hungtaskd)\n"
    "  --boot-id ID     boot id to record when the source has none (default\n"
    "                   /proc/sys/kernel/random/boot_id)\n"
    "  --kmsg PATH      follow this kernel log instead of netlink (e.g. /dev/kmsg; a\n"
    "                   regular file is followed like tail -f)\n"
    "  --oneshot        with --kmsg: stop at the end of what the log holds now\n"
    "  --keep N         keep at most N incidents (default 1000); the oldest are pruned,\n"
    "                   with a log line naming them\n"
    "  --keep-bytes N   keep at most N bytes of records (default 67108864)\n"
    "  --event-buffer BYTES\n"
    "                   receive buffer of the event socket (default 1048576; the kernel\n"
    "                   doubles it).  Smaller means less memory and more dumps after\n"
    "                   overruns; nothing is lost either way\n"
    "  --journal        send each new incident to the journal as a structured entry\n"
    "                   (default: when $JOURNAL_STREAM is set, i.e. under systemd)\n"
    "  --no-journal     never send journal entries; log lines go to stderr only\n"
    "  --metrics-dir DIR\n"
    "                   write Prometheus metrics to DIR/hungtaskd.prom for\n"
    "                   node_exporter's textfile collector (the packaged unit uses\n"
    "                   /var/lib/prometheus/node-exporter)\n";

const char* kScanUsage =
    "Usage: hungtaskd scan-log [--store] [--state-dir DIR] [--boot-id ID] FILE|DIR...\n"
    "\n"
    "Parses kernel log files (serial console, dmesg, a /dev/kmsg dump, pstore\n"
    "dmesg-ramoops, journalctl -k; FILE '-' is standard input) and prints the incidents\n"
    "as a JSON array, or with --store adds them to the store (scanning a file again does\n"
    "not duplicate them).  A directory means every file under it, e.g. /sys/fs/pstore or\n"
    "systemd-pstore's archive /var/lib/systemd/pstore.\n"
    "\n"
    "Options:\n"
    "  --store          add to the store instead of printing JSON\n"
    "  --state-dir DIR  incident store (default /var/lib/hungtaskd)\n"
    "  --boot-id ID     the boot the log comes from (default: unknown, recorded as null)\n";

const char* kReportUsage =
    "Usage: hungtaskd report [--json] [--state-dir DIR] [--since TIME] [ID | --last]\n"
    "\n"
    "Without ID, lists stored incidents, newest first.  With ID (or --last, the newest),\n"
    "shows that incident in full: verdict, victim, stack, chain and host.\n"
    "\n"
    "Options:\n"
    "  --json           print the JSON array of incident records instead of text\n"
    "  --state-dir DIR  incident store (default /var/lib/hungtaskd)\n"
    "  --since TIME     only incidents detected at or after TIME (ISO 8601 UTC, e.g.\n"
    "                   2025-11-25 or 2025-11-25T06:51:00Z); incidents of unknown time\n"
    "                   are left out\n"
    "  --last           the newest incident\n";

const char* kExplainUsage =
    "Usage: hungtaskd explain FILE\n"
    "\n"
    "Renders a JSON array of incidents, as 'hungtaskd report --json' prints it, as text.\n"
    "Needs no store and no access to the host it came from.  FILE '-' is standard input.\n"
    "Chains captured by hungtask.ko are explained again with this binary's rules; when\n"
    "that changes the verdict, a note says what the record held.\n";

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
    while (!r.done()) {
        if (!only_files) {
            TAKE("--state-dir", c.state_dir);
            TAKE("--boot-id", c.boot_id);
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
    if (c.boot_id && !valid_boot_id(*c.boot_id))
        return Error{"not a boot id (hex digits and '-')", "--boot-id"};
    if (c.state_dir.empty())
        return Error{"must not be empty", "--state-dir"};
    return c;
}

Result<CliCommand> parse_report(ArgReader r) {
    CliCommand c;
    c.kind = CliCommand::Kind::report;
    std::optional<std::string> since;
    while (!r.done()) {
        TAKE("--state-dir", c.state_dir);
        TAKE("--since", since);
        std::string a = r.next();
        if (a == "--json") {
            c.json = true;
            continue;
        }
        if (a == "--last") {
            c.last = true;
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
    if (since) {
        c.since = normalize_iso8601(*since);
        if (!c.since)
            return Error{"not an ISO 8601 time (e.g. 2025-11-25T06:51:00Z): " + *since, "--since"};
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
        if (a.size() > 1 && a[0] == '-')
            return Error{"unknown option", a};
        c.files.push_back(a);
    }
    if (c.files.size() != 1)
        return Error{"needs exactly one FILE", "explain"};
    return c;
}

#undef TAKE

// Reads FILE or, for "-", all of `in`.
Result<std::string> read_input(const std::string& path, std::istream& in) {
    if (path == "-") {
        std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (in.bad())
            return Error{"cannot read standard input", "-"};
        return data;
    }
    std::ifstream f(path, std::ios::binary);
    if (!f)
        return Error{"cannot open (missing or unreadable)", path};
    std::string data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (f.bad())
        return Error{"read error", path};
    return data;
}

// A directory stands for the regular files under it, recursively, in path order: pstore
// (/sys/fs/pstore) and systemd-pstore's archive (/var/lib/systemd/pstore/ID/dmesg.txt).
Result<std::vector<std::string>> expand_inputs(const std::vector<std::string>& args) {
    namespace fs = std::filesystem;
    std::vector<std::string> out;
    for (const auto& a : args) {
        std::error_code ec;
        if (a == "-" || !fs::is_directory(a, ec)) {
            out.push_back(a);
            continue;
        }
        std::vector<std::string> files;
        for (auto it = fs::recursive_directory_iterator(a, ec); !ec && it != fs::end(it);
             it.increment(ec)) {
            if (it->is_regular_file(ec))
                files.push_back(it->path().string());
        }
        if (ec)
            return Error{"cannot list the directory: " + ec.message(), a};
        std::sort(files.begin(), files.end());
        out.insert(out.end(), files.begin(), files.end());
    }
    return out;
}

int cmd_scan(const CliCommand& c, std::istream& in, std::ostream& out, std::ostream& err) {
    // Read everything first: a missing file must not leave a half-done --store.
    std::vector<std::pair<std::string, std::string>> inputs;
    auto files = expand_inputs(c.files);
    if (!files) {
        err << "hungtaskd: error: " << files.error().to_string() << "\n";
        return kExitError;
    }
    for (const auto& f : *files) {
        auto data = read_input(f, in);
        if (!data) {
            err << "hungtaskd: error: " << data.error().to_string() << "\n";
            return kExitError;
        }
        inputs.emplace_back(f, std::move(data).value());
    }
    std::vector<Incident> found;
    for (const auto& [name, text] : inputs) {
        LogContext ctx{"log:" + (name == "-" ? std::string("stdin") : name), c.boot_id};
        auto incidents = parse_kernel_log(text, ctx);
        found.insert(found.end(), incidents.begin(), incidents.end());
    }
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
        out << "no incidents found\n";
    return found.empty() ? kExitNotFound : kExitOk;
}

int cmd_report(const CliCommand& c, std::ostream& out, std::ostream& err) {
    auto store = Store::open_existing(c.state_dir, err);
    if (!store) {
        err << "hungtaskd: no incidents recorded: " << store.error().to_string() << "\n";
        if (c.json && !c.id && !c.last)
            out << "[]\n";
        return kExitNotFound;
    }
    std::vector<Incident> incidents;
    for (auto& in : store->incidents()) {
        if (c.since && (!in.detected_at || normalize_iso8601(*in.detected_at) < c.since))
            continue;
        incidents.push_back(std::move(in));
    }
    incidents = newest_first(std::move(incidents));
    std::unique_ptr<ReportWriter> w;
    if (c.json)
        w = std::make_unique<JsonReport>(out);
    else
        w = std::make_unique<TextReport>(out);
    if (c.id || c.last) {
        const Incident* pick = nullptr;
        if (c.last && !incidents.empty())
            pick = &incidents.front();
        for (const auto& in : incidents) {
            if (c.id && in.id == *c.id)
                pick = &in;
        }
        if (!pick) {
            err << "hungtaskd: " << (c.id ? "no such incident: " + *c.id : "no incidents stored")
                << "\n";
            return kExitNotFound;
        }
        w->write_incident(*pick);
        return kExitOk;
    }
    if (incidents.empty()) {
        if (c.json)
            w->write_list(incidents);
        else
            out << "no incidents stored" << (c.since ? " since " + *c.since : "") << "\n";
        return kExitNotFound;
    }
    w->write_list(incidents);
    return kExitOk;
}

int cmd_explain(const CliCommand& c, std::istream& in, std::ostream& out, std::ostream& err) {
    const std::string& path = c.files[0];
    auto data = read_input(path, in);
    if (!data) {
        err << "hungtaskd: error: " << data.error().to_string() << "\n";
        return kExitError;
    }
    auto incidents = incidents_from_text(*data, path == "-" ? "stdin" : path);
    if (!incidents) {
        err << "hungtaskd: error: " << incidents.error().to_string() << "\n";
        return kExitError;
    }
    if (incidents->empty()) {
        out << "no incidents in " << path << "\n";
        return kExitNotFound;
    }
    TextReport text(out);
    Pipeline pipeline(nullptr, IngestHost{});  // explain only: nothing is stored
    bool first = true;
    for (auto incident : newest_first(*incidents)) {
        if (!first)
            out << "\n" << std::string(78, '-') << "\n\n";
        first = false;
        // A chain captured by hungtask.ko is explained again with this binary's rules (an
        // export from an older daemon gets today's answer); kernel-only incidents keep
        // theirs.
        std::optional<std::string> was;
        Verdict stored = incident.verdict;
        incident = pipeline.prepare(std::move(incident), Origin::export_record);
        if (incident.verdict.kind != stored.kind || incident.verdict.culprit != stored.culprit)
            was = std::string(to_string(stored.kind));
        text.write_incident(incident);
        if (was)
            out << "\nNote: the verdict above comes from this hungtaskd's rules; the record's own "
                   "verdict was "
                << *was << ".\n";
    }
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
    switch (c.kind) {
        case CliCommand::Kind::help:
            out << usage_text(c.help_topic);
            return kExitOk;
        case CliCommand::Kind::version:
            out << "hungtaskd " << kVersion << "\n";
            return kExitOk;
        case CliCommand::Kind::run:
            return run_daemon(c.run, err);
        case CliCommand::Kind::scan_log:
            return cmd_scan(c, in, out, err);
        case CliCommand::Kind::report:
            return cmd_report(c, out, err);
        case CliCommand::Kind::explain:
            return cmd_explain(c, in, out, err);
    }
    return kExitError;
}

}  // namespace hungtask
