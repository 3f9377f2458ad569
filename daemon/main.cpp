// hungtaskd: all logic lives in the hungtask library (src/); this only hands over argv.
#include <iostream>
#include <string>
#include <vector>

#include "cli/cli.hpp"

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    return hungtask::run_cli(args, std::cin, std::cout, std::cerr);
}
