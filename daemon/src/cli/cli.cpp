#include "cli/cli.hpp"

#include <cerrno>
#include <cstring>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/fd_out.hpp"

namespace hungtask {

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
        if (const auto* fd_out = dynamic_cast<const FdOutBuf*>(out.rdbuf()); fd_out && fd_out->error())
            e = fd_out->error();
        err << "hungtaskd: error: standard output: write failed"
            << (e ? std::string(": ") + std::strerror(e) : std::string()) << "\n";
        return kExitError;
    }
    return rc;
}

}  // namespace hungtask
