// hungtaskd: all logic lives in the hungtask library (src/); this only hands over argv.
#include <iostream>
#include <string>
#include <vector>

#include <unistd.h>

#include "cli/cli.hpp"
#include "cli/fd_out.hpp"

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    // std::cout writes through a buffer that keeps the errno of a failed write.
    hungtask::FdOutBuf out_buf(STDOUT_FILENO);
    std::streambuf* old = std::cout.rdbuf(&out_buf);
    int rc = hungtask::run_cli(args, std::cin, std::cout, std::cerr);
    std::cout.flush();
    std::cout.rdbuf(old);
    return rc;
}
