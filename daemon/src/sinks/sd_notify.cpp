#include "sinks/sd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace hungtask {

Result<bool> sd_notify(const std::string& state) {
    const char* path = std::getenv("NOTIFY_SOCKET");
    if (!path || !*path)
        return false;
    struct sockaddr_un addr {};
    addr.sun_family = AF_UNIX;
    size_t len = std::strlen(path);
    if ((path[0] != '/' && path[0] != '@') || len >= sizeof addr.sun_path)
        return Error{"unsupported socket address", "NOTIFY_SOCKET"};
    std::memcpy(addr.sun_path, path, len);
    if (path[0] == '@')
        addr.sun_path[0] = '\0';  // abstract namespace
    socklen_t alen = socklen_t(offsetof(struct sockaddr_un, sun_path) + len);
    int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return Error{std::string("socket failed: ") + std::strerror(errno), "NOTIFY_SOCKET"};
    ssize_t n = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                         reinterpret_cast<struct sockaddr*>(&addr), alen);
    int err = errno;
    ::close(fd);
    if (n < 0)
        return Error{std::string("sendto failed: ") + std::strerror(err), path};
    return true;
}

Watchdog Watchdog::from_env() {
    const char* usec = std::getenv("WATCHDOG_USEC");
    if (!usec || !*usec)
        return Watchdog();
    if (const char* pid = std::getenv("WATCHDOG_PID"); pid && *pid) {
        char* end = nullptr;
        long long p = std::strtoll(pid, &end, 10);
        if (*end != '\0' || p != static_cast<long long>(::getpid()))
            return Watchdog();  // meant for another process (e.g. our parent)
    }
    char* end = nullptr;
    unsigned long long us = std::strtoull(usec, &end, 10);
    if (*end != '\0' || us == 0)
        return Watchdog();
    return Watchdog(double(us) / 2e6);
}

int Watchdog::timeout_ms(double now, int cap_ms) const {
    if (!enabled() || !next_)
        return enabled() ? 0 : cap_ms;
    double ms = (*next_ - now) * 1000.0;
    return std::clamp(int(ms), 0, cap_ms);
}

void Watchdog::tick(double now, std::ostream& err) {
    if (!enabled() || (next_ && now < *next_))
        return;
    next_ = now + interval_s_;
    auto r = sd_notify("WATCHDOG=1");
    if (!r) {
        std::string e = r.error().to_string();
        if (e != last_error_)
            err << "hungtaskd: warning: sd_notify: " << e << "\n";
        last_error_ = e;
    } else {
        last_error_.clear();
    }
}

}  // namespace hungtask
