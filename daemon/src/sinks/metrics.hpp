// Prometheus metrics as a textfile for node_exporter's textfile collector: DIR/hungtaskd.prom,
// replaced atomically (written to a temporary name node_exporter ignores, then renamed).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/incident.hpp"
#include "model/result.hpp"
#include "sources/netlink_source.hpp"

namespace hungtask {

inline constexpr const char* kDefaultMetricsDir = "/var/lib/prometheus/node-exporter";
inline constexpr const char* kMetricsFile = "hungtaskd.prom";

struct DaemonHealth {
    bool up = true;
    std::string source;                            // "netlink" or "kmsg"
    uint64_t store_errors = 0;                     // incidents the store could not write
    std::optional<int64_t> last_store_error_time;  // unix seconds
    std::optional<int64_t> start_time;             // unix seconds
};

// The exposition text: stored incidents by trigger, verdict and culprit module, the time
// of the newest one, the module's ring counters (when `module` is set: netlink mode,
// after a status-get), the daemon's netlink counters, and its health.
std::string metrics_text(const std::vector<Incident>& incidents, const ModuleStatus* module,
                         const NetlinkCounters* netlink, const DaemonHealth& health);

// Writes `text` to DIR/hungtaskd.prom atomically.
Status write_metrics(const std::string& dir, const std::string& text);

// detected_at as unix seconds, nullopt when unknown or malformed.
std::optional<int64_t> incident_unix_time(const Incident& incident);

}  // namespace hungtask
