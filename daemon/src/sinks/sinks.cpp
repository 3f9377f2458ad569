#include "sinks/sinks.hpp"

#include <ctime>

#include <cstdlib>

#include "cli/daemon.hpp"
#include "ingest/pipeline.hpp"
#include "sinks/journal.hpp"

namespace hungtask {

IncidentSinks::IncidentSinks(const SinkOptions& opts, const Store* store, std::string source,
                             std::ostream& err)
    : opts_(opts),
      journal_(opts.journal.value_or(std::getenv("JOURNAL_STREAM") != nullptr)),
      store_(store),
      err_(&err),
      watchdog_(Watchdog::from_env()) {
    health_.source = std::move(source);
    health_.start_time = int64_t(::time(nullptr));
}

void IncidentSinks::warn(std::string& last, const std::string& e) {
    if (e != last)
        *err_ << "hungtaskd: warning: " << e << "\n";
    last = e;
}

void IncidentSinks::ready(const std::string& status) {
    if (auto n = sd_notify("READY=1"); !n)
        *err_ << "hungtaskd: warning: sd_notify: " << n.error().to_string() << "\n";
    (void)sd_notify("STATUS=" + status);
    if (watchdog_.enabled())
        *err_ << "hungtaskd: systemd watchdog: pinging every " << watchdog_.interval_s() << " s\n";
    write_metrics_file();
    tick();
}

bool IncidentSinks::stored(const Incident& in, bool created) {
    bool journaled = false;
    if (created) {
        stored_++;
        if (journal_) {
            auto s = journal_send(journal_entry(in, incident_log_line(in, "stored")),
                                  opts_.journal_socket);
            if (!s)
                warn(last_journal_error_, "journal: " + s.error().to_string());
            else
                last_journal_error_.clear();
            journaled = bool(s);
        }
        (void)sd_notify("STATUS=" + std::to_string(stored_) +
                        " incident(s) stored since start; last " + in.id + " (" +
                        std::string(to_string(in.verdict.kind)) + ")");
    }
    write_metrics_file();
    return journaled;
}

void IncidentSinks::store_error(const std::string&) {
    health_.store_errors++;
    health_.last_store_error_time = int64_t(::time(nullptr));
    write_metrics_file();
}

void IncidentSinks::tick(const ModuleStatus* module, const NetlinkCounters* netlink) {
    watchdog_.tick(monotonic_clock_seconds(), *err_);
    if (module)
        module_ = module;
    if (netlink)
        netlink_ = netlink;
    if (module || netlink)
        write_metrics_file();  // unchanged text is not rewritten
}

int IncidentSinks::timeout_ms(int cap_ms) const {
    return watchdog_.timeout_ms(monotonic_clock_seconds(), cap_ms);
}

void IncidentSinks::stopping() {
    health_.up = false;
    write_metrics_file();
    if (auto n = sd_notify("STOPPING=1"); !n)
        *err_ << "hungtaskd: warning: sd_notify: " << n.error().to_string() << "\n";
}

void IncidentSinks::write_metrics_file() {
    if (!opts_.metrics_dir)
        return;
    std::string text = metrics_text(store_ ? store_->incidents() : std::vector<Incident>{}, module_,
                                    netlink_, health_);
    if (text == last_metrics_)
        return;
    if (auto s = write_metrics(*opts_.metrics_dir, text); !s) {
        warn(last_metrics_error_, "metrics: " + s.error().to_string());
        return;
    }
    last_metrics_error_.clear();
    last_metrics_ = text;
}

}  // namespace hungtask
