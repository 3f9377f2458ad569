#include "sinks/metrics.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>
#include <tuple>

#include "model/iso_time.hpp"

namespace hungtask {

namespace {

// Label values: backslash, double quote and newline escaped (exposition format).
std::string label(const std::string& v) {
    std::string s;
    for (char c : v) {
        if (c == '\\' || c == '"')
            s += '\\', s += c;
        else if (c == '\n')
            s += "\\n";
        else
            s += c;
    }
    return s;
}

void head(std::string& out, const char* name, const char* type, const char* help) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

void sample(std::string& out, const char* name, uint64_t v, const std::string& labels = "") {
    out += name;
    if (!labels.empty())
        out += "{" + labels + "}";
    out += " " + std::to_string(v) + "\n";
}

void metric(std::string& out, const char* name, const char* type, const char* help, uint64_t v) {
    head(out, name, type, help);
    sample(out, name, v);
}

}  // namespace

std::optional<int64_t> incident_unix_time(const Incident& in) {
    if (!in.detected_at)
        return std::nullopt;
    auto iso = normalize_iso8601(*in.detected_at);
    if (!iso)
        return std::nullopt;
    struct tm tm {};
    if (!strptime(iso->c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm))
        return std::nullopt;
    return int64_t(timegm(&tm));
}

std::string metrics_text(const std::vector<Incident>& incidents, const ModuleStatus* module,
                         const NetlinkCounters* netlink, const DaemonHealth& health) {
    std::string out;
    std::map<std::tuple<std::string, std::string, std::string>, uint64_t> by;
    std::optional<int64_t> last;
    for (const Incident& in : incidents) {
        std::string mod =
            in.verdict.culprit && in.verdict.culprit->module ? *in.verdict.culprit->module : "";
        by[{std::string(to_string(in.trigger)), std::string(to_string(in.verdict.kind)), mod}]++;
        if (auto t = incident_unix_time(in); t && (!last || *t > *last))
            last = t;
    }
    head(out, "hungtaskd_stored_incidents", "gauge",
         "Incidents in the store, by trigger, verdict and culprit module (empty: core "
         "kernel, user space or no proven culprit).");
    for (const auto& [k, n] : by) {
        sample(out, "hungtaskd_stored_incidents", n,
               "trigger=\"" + label(std::get<0>(k)) + "\",verdict=\"" + label(std::get<1>(k)) +
                   "\",culprit_module=\"" + label(std::get<2>(k)) + "\"");
    }
    if (last)
        metric(out, "hungtaskd_last_incident_timestamp_seconds", "gauge",
               "Detection time of the newest stored incident (unix seconds).", uint64_t(*last));
    if (module) {
        metric(out, "hungtask_module_captured_total", "counter",
               "Incidents the module captured since it was loaded.", module->captured);
        metric(out, "hungtask_module_coalesced_total", "counter",
               "Repeated reports the module folded into an existing incident.", module->coalesced);
        head(out, "hungtask_module_dropped_total", "counter",
             "Incidents the module could not keep: ring full of unacked ones, or busy.");
        sample(out, "hungtask_module_dropped_total", module->dropped_full, "reason=\"ring_full\"");
        sample(out, "hungtask_module_dropped_total", module->dropped_busy, "reason=\"busy\"");
        metric(out, "hungtask_module_events_reduced_total", "counter",
               "Events too large for one message, sent reduced and fetched by dump.",
               module->events_reduced);
        metric(out, "hungtask_module_listeners_failed_total", "counter",
               "Event multicasts that failed.", module->listeners_failed);
        metric(out, "hungtask_module_ring_used", "gauge", "Ring slots holding unacked incidents.",
               module->ring_fill);
        metric(out, "hungtask_module_ring_slots", "gauge", "Ring slots (ring_slots parameter).",
               module->ring_size);
        metric(out, "hungtask_module_last_seq", "gauge", "Newest incident seq in the module.",
               module->last_seq);
    }
    if (netlink) {
        head(out, "hungtaskd_netlink_received_total", "counter",
             "Incidents received from the module, by how.");
        sample(out, "hungtaskd_netlink_received_total", netlink->events, "how=\"event\"");
        sample(out, "hungtaskd_netlink_received_total", netlink->dumped, "how=\"dump\"");
        metric(out, "hungtaskd_netlink_acked_total", "counter",
               "Acks the module accepted (incidents durable in the store).", netlink->acked);
        metric(out, "hungtaskd_netlink_overruns_total", "counter",
               "Event socket overruns (recovered by dump).", netlink->overruns);
        metric(out, "hungtaskd_netlink_gaps_total", "counter",
               "Events out of sequence (recovered by dump).", netlink->gaps);
        metric(out, "hungtaskd_netlink_malformed_total", "counter",
               "Messages that failed to decode.", netlink->malformed);
    }
    head(out, "hungtaskd_up", "gauge",
         "1 while hungtaskd runs (0 written at a clean stop), by incident source.");
    sample(out, "hungtaskd_up", health.up ? 1 : 0, "source=\"" + label(health.source) + "\"");
    metric(out, "hungtaskd_store_errors_total", "counter",
           "Incidents the store could not write (retried; netlink ones stay unacked).",
           health.store_errors);
    if (health.last_store_error_time)
        metric(out, "hungtaskd_last_store_error_timestamp_seconds", "gauge",
               "Time of the last store write error (unix seconds).",
               uint64_t(*health.last_store_error_time));
    if (health.start_time)
        metric(out, "hungtaskd_start_time_seconds", "gauge",
               "When this hungtaskd process started (unix seconds).", uint64_t(*health.start_time));
    return out;
}

Status write_metrics(const std::string& dir, const std::string& text) {
    // node_exporter reads only *.prom: the temporary name is never half-read.
    std::string path = dir + "/" + kMetricsFile;
    std::string tmp = dir + "/." + kMetricsFile + "." + std::to_string(::getpid());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return Error{std::string("cannot create: ") + std::strerror(errno), tmp};
    size_t off = 0;
    while (off < text.size()) {
        ssize_t n = ::write(fd, text.data() + off, text.size() - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            return Error{std::string("write failed: ") + std::strerror(e), tmp};
        }
        off += size_t(n);
    }
    if (::close(fd) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        return Error{std::string("close failed: ") + std::strerror(e), tmp};
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        return Error{std::string("rename failed: ") + std::strerror(e), path};
    }
    return Ok{};
}

}  // namespace hungtask
