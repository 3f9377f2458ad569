#include "cli/input.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <istream>
#include <iterator>
#include <ostream>

namespace hungtask {

std::string errno_text(int e) {
    return std::strerror(e);
}

// Kernel logs and exports are far smaller; this bounds what a wrong path (a /proc file
// that never ends) can cost.
namespace {
constexpr size_t kMaxInput = size_t(1) << 30;

}  // namespace

Result<std::string> read_input(const std::string& path, std::istream& in) {
    if (path == "-") {
        std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (in.bad())
            return Error{"cannot read standard input", "-"};
        return data;
    }
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return Error{"cannot open: " + errno_text(errno), path};
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        int e = errno;
        ::close(fd);
        return Error{"cannot stat: " + errno_text(e), path};
    }
    if (S_ISDIR(st.st_mode)) {
        ::close(fd);
        return Error{"is a directory (give a file, or scan-log DIR)", path};
    }
    // A character device (/dev/kmsg) is read up to what it holds now, not followed.
    const bool chr = S_ISCHR(st.st_mode);
    if (chr)
        (void)::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    std::string data;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && chr && errno == EPIPE)
            continue;  // /dev/kmsg: records overwritten while reading; go on
        if (n < 0 && chr && errno == EAGAIN)
            break;
        if (n < 0) {
            int e = errno;
            ::close(fd);
            return Error{"read error: " + errno_text(e), path};
        }
        if (n == 0)
            break;
        if (data.size() + size_t(n) > kMaxInput) {
            ::close(fd);
            return Error{"larger than 1 GiB: not a kernel log or an export", path};
        }
        data.append(buf, size_t(n));
    }
    ::close(fd);
    return data;
}

std::vector<std::string> expand_dir(const std::string& dir, std::ostream& err) {
    namespace fs = std::filesystem;
    std::vector<std::string> files;
    std::vector<fs::path> todo{fs::path(dir)};
    while (!todo.empty()) {
        fs::path d = todo.back();
        todo.pop_back();
        std::error_code ec;
        fs::directory_iterator it(d, ec), end;
        if (ec) {
            err << "hungtaskd: warning: skipping " << d.string()
                << ": cannot list: " << ec.message() << "\n";
            continue;
        }
        for (; !ec && it != end; it.increment(ec)) {
            std::error_code sec;
            auto st = it->symlink_status(sec);
            if (sec)
                continue;
            if (fs::is_directory(st))
                todo.push_back(it->path());
            else if (fs::is_regular_file(st) && it->file_size(sec) > 0 && !sec)
                files.push_back(it->path().string());
        }
        if (ec)
            err << "hungtaskd: warning: " << d.string() << ": listing stopped: " << ec.message()
                << "\n";
    }
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace hungtask
