// Standard output as a stream that remembers why a write failed.  std::cout over stdio
// loses errno: a write that fails in the middle of a long export (ENOSPC on a full disk,
// EPIPE) is seen only at the end, when errno says something else.  main() puts this
// buffer under std::cout, and run_cli() names the saved error in its one line.
#pragma once

#include <cerrno>
#include <cstddef>
#include <streambuf>

#include <unistd.h>

namespace hungtask {

class FdOutBuf : public std::streambuf {
public:
    explicit FdOutBuf(int fd) : fd_(fd) { setp(buf_, buf_ + sizeof(buf_)); }
    FdOutBuf(const FdOutBuf&) = delete;
    FdOutBuf& operator=(const FdOutBuf&) = delete;
    ~FdOutBuf() override { (void)drain(); }

    // errno of the first write that failed, 0 while none has.
    int error() const { return err_; }

protected:
    int_type overflow(int_type ch) override {
        if (drain() != 0)
            return traits_type::eof();
        if (!traits_type::eq_int_type(ch, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(ch);
            pbump(1);
        }
        return traits_type::not_eof(ch);
    }
    int sync() override { return drain(); }

private:
    // Writes what is buffered; after a failure the rest is dropped (the stream is bad).
    int drain() {
        const char* p = pbase();
        int rc = 0;
        while (p < pptr()) {
            ssize_t n = ::write(fd_, p, static_cast<size_t>(pptr() - p));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                if (err_ == 0)
                    err_ = n < 0 ? errno : EIO;
                rc = -1;
                break;
            }
            p += n;
        }
        setp(buf_, buf_ + sizeof(buf_));
        return rc;
    }

    int fd_;
    int err_ = 0;
    char buf_[1 << 16];
};

}  // namespace hungtask
