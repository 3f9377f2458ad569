// Command-line interface: command dispatch and exit codes, kept out of main.cpp so that
// tests drive it with argument vectors and string streams.  The arguments are
// cli/args.hpp, the input files cli/input.hpp, the commands cli/commands.hpp.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "cli/daemon.hpp"
#include "model/result.hpp"

namespace hungtask {

// Runs the command line `args` (without argv[0]).  `in` backs FILE "-".
int run_cli(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
            std::ostream& err);

}  // namespace hungtask
