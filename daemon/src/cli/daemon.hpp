// `hungtaskd run`: receive hungtask.ko's incidents over generic netlink (the default), or
// follow a kernel log (--kmsg), store each incident durably, ack it to the module, and
// log one line per stored incident.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "model/result.hpp"
#include "sinks/sd_notify.hpp"
#include "sinks/sinks.hpp"
#include "store/store.hpp"

namespace hungtask {

struct RunOptions {
    std::string state_dir = kDefaultStateDir;
    // Unset: the module's netlink family.  Set: follow this kernel log instead (the
    // kernel's own hung-task reports and the module's kmsg records).
    std::optional<std::string> kmsg_path;
    std::optional<std::string> boot_id;  // default: /proc/sys/kernel/random/boot_id
    bool oneshot = false;                // stop once the log is read to its current end
    std::string host_root;               // prefix for /proc and /sys (tests)
    int idle_flush_ms = 1000;            // a report with no new line for this long is complete
    int status_interval_ms = 10000;
    int event_buffer = 1 << 20;          // netlink: receive buffer of the event socket      // netlink: how often the module's status is checked
    StoreLimits limits;
    SinkOptions sinks;  // [packaging] --journal/--no-journal, --metrics-dir
};

// Runs until SIGTERM/SIGINT (or the end of input with `oneshot`).  Returns the exit code:
// 0 on a clean stop, 2 when the store or the log cannot be opened or read.
int run_daemon(const RunOptions& opts, std::ostream& err);

// One log line for a stored incident with its verdict and culprit and a syslog priority
// prefix, e.g. "<3>hungtaskd: stored incident 1a2b3c4d-1: runqueue_starvation, culprit
// lo_poll[96] in lo_poll_fn [lo_vendor]; hung_task: acme-sync (pid 123) blocked for more
// than 5 s in flush_work (fsync)"; "<4>" and no culprit for an unknown cause.
std::string incident_log_line(const Incident& incident, const char* verb);

}  // namespace hungtask
