// The kernel log as an incident source: /dev/kmsg (one record per read, EPIPE when the
// ring overran our position) or a regular file (read like `tail -f`, for tests and
// replay).  Lines go through the KernelLogFeeder.
#pragma once

#include <ostream>
#include <string>

#include "sources/incident_source.hpp"
#include "decode/kernel_log.hpp"

namespace hungtask {

class KmsgSource : public IncidentSource {
  public:
    // Opens `path` non-blocking, positioned at the oldest record still in the ring.
    static Result<std::unique_ptr<KmsgSource>> open(const std::string& path, LogContext ctx,
                                                    std::ostream& log);
    ~KmsgSource() override;
    KmsgSource(const KmsgSource&) = delete;
    KmsgSource& operator=(const KmsgSource&) = delete;

    std::string name() const override { return path_; }
    int fd() const override { return fd_; }
    Result<std::vector<Incident>> read_available() override;
    std::vector<Incident> on_idle() override;
    bool at_end() const override { return caught_up_; }

    bool is_regular_file() const { return regular_; }
    uint64_t overruns() const { return overruns_; }
    bool report_pending() const { return feeder_.report_pending(); }

  private:
    KmsgSource(int fd, std::string path, bool regular, LogContext ctx, std::ostream& log);
    void feed(std::string_view chunk, std::vector<Incident>& out);

    int fd_;
    std::string path_;
    bool regular_;
    KernelLogFeeder feeder_;
    std::ostream* log_;
    std::string partial_;  // a regular file's last line without its '\n' yet
    bool caught_up_ = false;
    uint64_t overruns_ = 0;
};

}  // namespace hungtask
