// What `hungtaskd run` tells the rest of the host besides the store: systemd (READY,
// STATUS, the watchdog), the journal (one structured entry per new incident) and
// Prometheus (a textfile).  daemon.cpp calls these hooks; each sink logs its own
// errors to `err`, once per distinct error, and never stops the service.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "sinks/metrics.hpp"
#include "sinks/sd_notify.hpp"
#include "store/store.hpp"

namespace hungtask {

struct SinkOptions {
    // Structured journal entries: auto (when $JOURNAL_STREAM says stderr goes to the
    // journal, i.e. under systemd), or forced on (--journal) or off (--no-journal).
    std::optional<bool> journal;
    std::string journal_socket;              // "" = $HUNGTASK_JOURNAL_SOCKET or the default
    std::optional<std::string> metrics_dir;  // --metrics-dir DIR; unset = no metrics file
};

class IncidentSinks {
  public:
    IncidentSinks(const SinkOptions& opts, const Store* store, std::string source,
                  std::ostream& err);

    // The service is ready (after the first sync): READY=1, STATUS=, metrics.
    void ready(const std::string& status);
    // An incident was stored (`created`) or updated.  New ones go to the journal.
    // Returns true when the journal entry carries the incident's log line, so the
    // caller does not log it to stderr again (which would be a second journal entry).
    bool stored(const Incident& incident, bool created);
    void store_error(const std::string& what);
    // Called every loop turn: watchdog pings and, when the module's status changed,
    // the metrics file.  `module`/`netlink` may be null (kmsg mode).
    void tick(const ModuleStatus* module = nullptr, const NetlinkCounters* netlink = nullptr);
    // Longest poll() sleep before tick() must run again.
    int timeout_ms(int cap_ms) const;
    // Clean stop: STOPPING=1 and hungtaskd_up 0.
    void stopping();

  private:
    void write_metrics_file();
    void warn(std::string& last, const std::string& e);

    SinkOptions opts_;
    bool journal_;
    const Store* store_;
    std::ostream* err_;
    Watchdog watchdog_;
    DaemonHealth health_;
    const ModuleStatus* module_ = nullptr;
    const NetlinkCounters* netlink_ = nullptr;
    uint64_t stored_ = 0;
    std::string last_metrics_, last_journal_error_, last_metrics_error_;
};

}  // namespace hungtask
