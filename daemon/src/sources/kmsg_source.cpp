#include "sources/kmsg_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace hungtask {

KmsgSource::KmsgSource(int fd, std::string path, bool regular, LogContext ctx, std::ostream& log)
    : fd_(fd), path_(std::move(path)), regular_(regular), feeder_(std::move(ctx)), log_(&log) {}

KmsgSource::~KmsgSource() {
    if (fd_ >= 0)
        ::close(fd_);
}

Result<std::unique_ptr<KmsgSource>> KmsgSource::open(const std::string& path, LogContext ctx,
                                                     std::ostream& log) {
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return Error{std::string("cannot open: ") + std::strerror(errno), path};
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        int err = errno;
        ::close(fd);
        return Error{std::string("cannot stat: ") + std::strerror(err), path};
    }
    return std::unique_ptr<KmsgSource>(
        new KmsgSource(fd, path, S_ISREG(st.st_mode), std::move(ctx), log));
}

void KmsgSource::feed(std::string_view chunk, std::vector<Incident>& out) {
    partial_.append(chunk);
    size_t start = 0;
    for (;;) {
        size_t nl = partial_.find('\n', start);
        if (nl == std::string::npos)
            break;
        auto changed = feeder_.push_line(std::string_view(partial_).substr(start, nl - start));
        out.insert(out.end(), changed.begin(), changed.end());
        start = nl + 1;
    }
    partial_.erase(0, start);
    // A record without a newline cannot come from /dev/kmsg; bound a runaway file line.
    if (partial_.size() > (1u << 20))
        partial_.clear();
}

Result<std::vector<Incident>> KmsgSource::read_available() {
    std::vector<Incident> out;
    // /dev/kmsg returns one record per read() and EINVAL when the buffer is smaller than
    // the record; 16 KiB holds the largest (CONSOLE_EXT_LOG_MAX is 8 KiB).
    char buf[16384];
    for (int budget = 4096; budget > 0; budget--) {
        ssize_t n = ::read(fd_, buf, sizeof buf);
        if (n > 0) {
            caught_up_ = false;
            feed(std::string_view(buf, size_t(n)), out);
            continue;
        }
        if (n == 0) {  // end of a regular file
            caught_up_ = true;
            break;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN) {
            caught_up_ = true;
            break;
        }
        if (errno == EPIPE) {
            // The ring overwrote records we had not read yet; the next read continues at
            // the oldest record still there.  A report may have lost lines.
            overruns_++;
            *log_ << "hungtaskd: kmsg: records lost to a ring buffer overrun (" << overruns_
                  << " so far); continuing\n";
            auto done = feeder_.flush();
            out.insert(out.end(), done.begin(), done.end());
            continue;
        }
        return Error{std::string("read failed: ") + std::strerror(errno), path_};
    }
    return out;
}

std::vector<Incident> KmsgSource::on_idle() {
    std::vector<Incident> out;
    if (caught_up_ && !partial_.empty()) {
        auto changed = feeder_.push_line(partial_);
        out.insert(out.end(), changed.begin(), changed.end());
        partial_.clear();
    }
    auto done = feeder_.flush();
    out.insert(out.end(), done.begin(), done.end());
    return out;
}

}  // namespace hungtask
