// Command-line arguments: the usage texts and the parsing of each command's options
// into a CliCommand (cli/cli.hpp runs it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/daemon.hpp"
#include "model/result.hpp"

namespace hungtask {

inline constexpr const char* kVersion = "0.1.0";

// Exit codes, documented in --help and the README.
inline constexpr int kExitOk = 0;
inline constexpr int kExitNotFound = 1;  // nothing found / no such incident, nothing else
inline constexpr int kExitError = 2;     // usage, permission, unsupported format, I/O error

struct CliCommand {
    enum class Kind { help, version, run, scan_log, report, explain };
    Kind kind = Kind::help;
    std::string help_topic;  // command whose --help was asked ("" = top level)

    RunOptions run;  // run

    std::string state_dir = kDefaultStateDir;  // scan-log --store, report
    bool store = false;                        // scan-log
    std::optional<std::string> boot_id;        // scan-log
    std::optional<int64_t> boot_time;          // scan-log --boot-time, Unix seconds
    std::vector<std::string> files;            // scan-log FILE..., explain FILE

    bool json = false;                 // report
    std::optional<int64_t> since;      // report --since, Unix seconds
    std::optional<int64_t> until;      // report --until, Unix seconds
    std::optional<std::string> id;     // report ID
    bool last = false;                 // report --last
    bool redact = false;               // report, explain --redact (report/redact.hpp)
    std::optional<std::string> html;   // report --html FILE (report/html.hpp)
    std::vector<std::string> verdicts;  // report --verdict (any of)
    std::vector<std::string> modules;   // report --module (culprit module, any of)
    std::vector<std::string> triggers;  // report --trigger (any of)
    std::optional<std::string> boot;    // report -b: "0", "-1", "2" or a boot id (prefix)
    bool utc = false;                   // report, explain: times in UTC (else local)
    bool no_pager = false;              // report, explain
};

// The command line `args` (without argv[0]), checked.
Result<CliCommand> parse_cli(const std::vector<std::string>& args);

// --help of `topic` (a command, or "" for the top level), the exit codes included.
std::string usage_text(const std::string& topic);

}  // namespace hungtask
