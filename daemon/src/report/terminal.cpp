#include "report/terminal.hpp"

#include <csignal>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace hungtask {

Terminal detect_terminal(int fd) {
    Terminal t;
    t.tty = ::isatty(fd) == 1;
    struct winsize ws {};
    if (t.tty && ::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
        t.width = ws.ws_col;
        if (ws.ws_row > 0)
            t.rows = ws.ws_row;
    }
    if (const char* c = std::getenv("COLUMNS")) {
        char* end = nullptr;
        long n = std::strtol(c, &end, 10);
        if (*c && !*end && n >= 20 && n <= 1000)
            t.width = size_t(n);
    }
    const char* term = std::getenv("TERM");
    const char* no_color = std::getenv("NO_COLOR");
    t.color = t.tty && !(no_color && *no_color) && !(term && std::strcmp(term, "dumb") == 0);
    t.width = std::clamp<size_t>(t.width, 40, 1000);
    return t;
}

bool show_in_pager(const std::string& text, const Terminal& term) {
    if (!term.tty)
        return false;
    size_t lines = size_t(std::count(text.begin(), text.end(), '\n'));
    if (lines < term.rows)
        return false;
    const char* pager = std::getenv("PAGER");
    std::string cmd = (pager && *pager) ? pager : "less -FRX";
    if (cmd == "cat")
        return false;
    ::setenv("LESS", std::getenv("LESS") ? std::getenv("LESS") : "FRX", 0);
    std::fflush(stdout);
    // $PAGER is a shell command line by convention (git and journalctl run it the same way).
    FILE* p = ::popen(cmd.c_str(), "w");  // NOLINT(cert-env33-c)
    if (!p)
        return false;
    // The pager may quit early (q): writes then fail with EPIPE, which is not an error.
    struct sigaction ign {
    }, old{};
    ign.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ign, &old);
    std::fwrite(text.data(), 1, text.size(), p);
    int status = ::pclose(p);
    ::sigaction(SIGPIPE, &old, nullptr);
    // 127: the shell did not find the pager; the caller prints instead.
    return !(WIFEXITED(status) && WEXITSTATUS(status) == 127);
}

}  // namespace hungtask
