// The commands that read and show incidents: scan-log, report and explain (run is
// cli/daemon.hpp).  Each returns its exit code (cli/cli.hpp).
#pragma once

#include <iosfwd>

#include "cli/args.hpp"

namespace hungtask {

// scan-log FILE|DIR...: the incidents as JSON, or --store.  `in` backs FILE "-".
int cmd_scan(const CliCommand& c, std::istream& in, std::ostream& out, std::ostream& err);
// report: the list, one incident, --json or --html.
int cmd_report(const CliCommand& c, std::ostream& out, std::ostream& err);
// explain FILE: an export (or one store record) as text.
int cmd_explain(const CliCommand& c, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace hungtask
