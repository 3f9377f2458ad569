#include "cli/daemon.hpp"

#include <poll.h>
#include <csignal>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <ctime>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>

#include "decode/kernel_log.hpp"
#include "ingest/pipeline.hpp"
#include "model/coalesce.hpp"
#include "model/frames.hpp"
#include "report/report.hpp"
#include "sinks/sinks.hpp"
#include "sources/host.hpp"
#include "sources/kmsg_source.hpp"
#include "sources/netlink_source.hpp"

namespace hungtask {

namespace {

// Blocks SIGTERM/SIGINT for the run loop and delivers them through a signalfd; the old
// mask comes back on destruction.
class SignalFd {
  public:
    SignalFd() {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        if (pthread_sigmask(SIG_BLOCK, &set, &old_) == 0)
            fd_ = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    }
    ~SignalFd() {
        if (fd_ >= 0)
            ::close(fd_);
        pthread_sigmask(SIG_SETMASK, &old_, nullptr);
    }
    int fd() const { return fd_; }
    bool got_signal() {
        struct signalfd_siginfo si {};
        return ::read(fd_, &si, sizeof si) == sizeof si;
    }

  private:
    int fd_ = -1;
    sigset_t old_{};
};

}  // namespace

std::string incident_log_line(const Incident& in, const char* verb) {
    // journald reads a "<N>" prefix as the line's syslog priority (SyslogLevelPrefix=, on
    // by default): err (3) when a culprit is named, warning (4) when the cause is unknown.
    const bool named = in.verdict.culprit.has_value() && in.verdict.kind != VerdictKind::unknown;
    std::string s = std::string(named ? "<3>" : "<4>") + "hungtaskd: " + verb + " incident " +
                    in.id + ": " + std::string(to_string(in.verdict.kind)) +
                    (named ? ", culprit " + culprit_text(in.verdict.culprit) : "") + "; " +
                    std::string(to_string(in.trigger));
    if (!in.victims.empty()) {
        const Victim& v = in.victims[0];
        s += ": " + v.comm + " (pid " + std::to_string(v.pid) + ") blocked";
        if (v.blocked_s)
            s += " for more than " + std::to_string(*v.blocked_s) + " s";
        if (auto b = blocked_in(v))
            s += " in " + *b;
        if (v.syscall)
            s += " (" + *v.syscall + ")";
    }
    if (in.repeats > 1)
        s += ", reported " + std::to_string(in.repeats) + " times";
    if (in.panicked)
        s += ", kernel panicked";
    return s;
}

namespace {

// The netlink service loop: the module's events, its dump by seq, acks after storing.
int run_netlink(const RunOptions& opts, Store& store, std::ostream& err) {
    NetlinkSource::Options nopts;
    nopts.event_rcvbuf = opts.event_buffer;
    auto opened = NetlinkSource::open(err, nopts);
    if (!opened) {
        err << "hungtaskd: error: " << opened.error().to_string() << "\n";
        return 2;
    }
    std::unique_ptr<NetlinkSource> source = std::move(opened).value();
    SignalFd signals;
    if (signals.fd() < 0) {
        err << "hungtaskd: error: cannot set up signal handling: " << std::strerror(errno) << "\n";
        return 2;
    }
    std::optional<std::string> own_boot =
        opts.boot_id ? opts.boot_id : read_boot_id(opts.host_root);
    Pipeline pipeline(&store, IngestHost{opts.host_root, own_boot, {}, {}});
    IncidentSinks sinks(opts.sinks, &store, "netlink", err);  // [packaging] journal, metrics, watchdog
    NetlinkSource::Sink sink = [&](const Incident& got) {
        Incident in = got;
        auto r = pipeline.ingest(in, Origin::netlink);
        if (!r) {
            err << "hungtaskd: error: storing incident seq " << got.seq << ": "
                << r.error().to_string() << " (left unacked in the module; will retry)\n";
            sinks.store_error(r.error().to_string());
            return false;
        }
        if (r->kind != UpsertKind::unchanged &&
            !sinks.stored(r->incident, r->kind == UpsertKind::created))
            err << incident_log_line(r->incident,
                                     r->kind == UpsertKind::created ? "stored" : "updated")
                << "\n";
        return true;  // durable: the source acks it to the module
    };
    // A failing sync is retried every second; the same error is logged once.
    std::string last_error;
    auto do_sync = [&]() -> bool {
        if (auto s = source->sync(sink); !s) {
            std::string e = s.error().to_string();
            if (e != last_error)
                err << "hungtaskd: error: " << e
                    << (source->permission_denied() ? "\n" : " (will retry)\n");
            last_error = e;
            return false;
        }
        if (!last_error.empty())
            err << "hungtaskd: recovered: the module answers again\n";
        last_error.clear();
        return true;
    };
    do_sync();
    if (source->permission_denied())
        return 2;
    sinks.ready("receiving hungtask events over generic netlink");
    sinks.tick(source->last_status() ? &*source->last_status() : nullptr, &source->counters());
    err << "hungtaskd: receiving hungtask events over generic netlink, state in " << opts.state_dir
        << "\n";

    int rc = 0;
    bool stop = false;
    double next_status = monotonic_clock_seconds() + opts.status_interval_ms / 1000.0;
    while (!stop) {
        struct pollfd fds[2] = {{signals.fd(), POLLIN, 0}, {source->fd(), POLLIN, 0}};
        double now = monotonic_clock_seconds();
        int timeout = source->needs_sync() ? 1000 : int((next_status - now) * 1000);
        timeout = sinks.timeout_ms(std::max(timeout, 0));
        int n = ::poll(fds, 2, std::max(timeout, 0));
        if (n < 0 && errno != EINTR) {
            err << "hungtaskd: error: poll: " << std::strerror(errno) << "\n";
            rc = 2;
            break;
        }
        if (n > 0 && (fds[0].revents & POLLIN) && signals.got_signal()) {
            stop = true;
            break;
        }
        if (n > 0 && (fds[1].revents & (POLLIN | POLLERR))) {
            if (auto s = source->pump(sink); !s) {
                err << "hungtaskd: error: " << s.error().to_string() << "\n";
                rc = 2;
                break;
            }
        }
        now = monotonic_clock_seconds();
        if (source->needs_sync() || now >= next_status) {
            // Periodic status: catches notifications the module could not send.
            do_sync();
            if (source->permission_denied()) {
                rc = 2;
                break;
            }
            next_status = now + opts.status_interval_ms / 1000.0;
        }
        sinks.tick(source->last_status() ? &*source->last_status() : nullptr, &source->counters());
    }
    const NetlinkCounters& c = source->counters();
    err << "hungtaskd: stopping (events " << c.events << ", dumped " << c.dumped << ", acked "
        << c.acked << ", overruns " << c.overruns << ", gaps " << c.gaps << ", malformed "
        << c.malformed << ")\n";
    sinks.stopping();
    return rc;
}

}  // namespace

int run_daemon(const RunOptions& opts, std::ostream& err) {
    auto store = Store::open(opts.state_dir, err, opts.limits);
    if (!store) {
        err << "hungtaskd: error: " << store.error().to_string() << "\n";
        return 2;
    }
    if (!opts.kmsg_path)
        return run_netlink(opts, *store, err);
    const std::string& kmsg_path = *opts.kmsg_path;
    if (struct stat st{}; ::stat(kmsg_path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        err << "hungtaskd: error: " << kmsg_path << ": is a directory, not a kernel log\n";
        return 2;
    }
    std::optional<std::string> boot_id = opts.boot_id;
    if (!boot_id) {
        boot_id = read_boot_id(opts.host_root);
        if (!boot_id)
            err << "hungtaskd: warning: boot id unreadable; incidents get a null boot_id\n";
    }
    std::string source_name = kmsg_path == "/dev/kmsg" ? "kmsg" : "kmsg:" + kmsg_path;
    auto opened = KmsgSource::open(kmsg_path, LogContext{source_name, boot_id}, err);
    if (!opened) {
        err << "hungtaskd: error: " << opened.error().to_string() << "\n";
        return 2;
    }
    std::unique_ptr<KmsgSource> source = std::move(opened).value();
    SignalFd signals;
    if (signals.fd() < 0) {
        err << "hungtaskd: error: cannot set up signal handling: " << std::strerror(errno) << "\n";
        return 2;
    }

    Pipeline pipeline(&*store, IngestHost{opts.host_root, boot_id, {}, {}});
    IncidentSinks sinks(opts.sinks, &*store, "kmsg", err);  // [packaging] journal, metrics, watchdog
    // Incidents whose write failed (disk full, ...), retried on every loop turn.
    std::map<std::string, Incident> retry;
    auto persist = [&](std::vector<Incident> batch) {
        for (auto& [key, in] : retry)
            batch.push_back(in);
        retry.clear();
        for (Incident in : batch) {
            // Acked (the kmsg cursor) only when the store changed.
            auto ack = [&](const UpsertResult& r) {
                if (r.kind != UpsertKind::unchanged)
                    source->acknowledge(r.incident);
            };
            auto r = pipeline.ingest(in, Origin::kmsg, ack);
            if (!r) {
                err << "hungtaskd: error: storing incident: " << r.error().to_string()
                    << " (will retry)\n";
                sinks.store_error(r.error().to_string());
                retry[incident_key(in)] = in;
                continue;
            }
            if (r->kind == UpsertKind::unchanged ||
                sinks.stored(r->incident, r->kind == UpsertKind::created))
                continue;
            err << incident_log_line(r->incident,
                                     r->kind == UpsertKind::created ? "stored" : "updated")
                << "\n";
        }
    };

    sinks.ready("following " + kmsg_path);
    err << "hungtaskd: following " << kmsg_path << ", state in " << opts.state_dir << "\n";

    int rc = 0;
    bool stop = false;
    while (!stop) {
        auto got = source->read_available();
        if (!got) {
            err << "hungtaskd: error: " << got.error().to_string() << "\n";
            rc = 2;
            break;
        }
        persist(std::move(got).value());
        if (opts.oneshot && source->at_end()) {
            persist(source->on_idle());
            break;
        }
        // A regular file never blocks in poll(): wait on the timer alone (tail -f).
        struct pollfd fds[2] = {{signals.fd(), POLLIN, 0}, {source->fd(), POLLIN, 0}};
        nfds_t nfds = source->is_regular_file() ? 1 : 2;
        int timeout = source->report_pending() ? opts.idle_flush_ms : 1000;
        int n = ::poll(fds, nfds, sinks.timeout_ms(timeout));
        if (n < 0 && errno != EINTR) {
            err << "hungtaskd: error: poll: " << std::strerror(errno) << "\n";
            rc = 2;
            break;
        }
        if (n > 0 && (fds[0].revents & POLLIN) && signals.got_signal())
            stop = true;
        if (n == 0)
            persist(source->on_idle());
        sinks.tick();
    }
    if (stop) {
        persist(source->on_idle());
        err << "hungtaskd: stopping\n";
    }
    sinks.stopping();
    return rc;
}

}  // namespace hungtask
