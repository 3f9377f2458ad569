// Command-line interface: argument parsing and command dispatch, kept out of main.cpp
// so that tests drive it with argument vectors and string streams.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "cli/daemon.hpp"
#include "model/result.hpp"

namespace hungtask {

// Exit codes, documented in --help.
inline constexpr int kExitOk = 0;
inline constexpr int kExitNotFound = 1;  // nothing found / no such incident
inline constexpr int kExitError = 2;     // usage or I/O error

struct CliCommand {
    enum class Kind { help, version, run, scan_log, report, explain };
    Kind kind = Kind::help;
    std::string help_topic;  // command whose --help was asked ("" = top level)

    RunOptions run;  // run

    std::string state_dir = kDefaultStateDir;  // scan-log --store, report
    bool store = false;                        // scan-log
    std::optional<std::string> boot_id;        // scan-log
    std::vector<std::string> files;            // scan-log FILE..., explain FILE

    bool json = false;                 // report
    std::optional<std::string> since;  // report, canonical ISO 8601
    std::optional<std::string> id;     // report ID
    bool last = false;                 // report --last
    bool redact = false;               // report, explain --redact (report/redact.hpp)
    std::optional<std::string> html;   // report --html FILE (report/html.hpp)
};

Result<CliCommand> parse_cli(const std::vector<std::string>& args);

// Runs the command line `args` (without argv[0]).  `in` backs FILE "-".
int run_cli(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
            std::ostream& err);

std::string usage_text(const std::string& topic);

}  // namespace hungtask
