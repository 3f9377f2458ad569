#include "decode/kernel_log.hpp"

#include <cmath>

#include "decode/log_text.hpp"
#include "model/coalesce.hpp"
#include "model/iso_time.hpp"

namespace hungtask {

using namespace log_text;

namespace {

// Reports printed at most this long before the panic line belong to the khungtaskd pass
// that called panic("hung_task: blocked tasks").
constexpr double kPanicPassWindowS = 2.0;
// A timestamp this far behind the previous one means the log restarted: a new boot.
constexpr double kBootRestartS = 10.0;

// drivers/rtc/class.c (rtc_hctosys): "rtc_cmos 00:05: setting system clock to
// 2026-11-25T07:03:45 UTC (1795590225)": the Unix time in parentheses.
std::optional<double> rtc_clock_set(std::string_view msg) {
    size_t k = msg.find(": setting system clock to ");
    if (k == std::string_view::npos)
        return std::nullopt;
    size_t open = msg.find(" UTC (", k);
    if (open == std::string_view::npos)
        return std::nullopt;
    size_t b = open + 6, e = msg.find(')', b);
    if (e == std::string_view::npos)
        return std::nullopt;
    auto n = parse_int<int64_t>(msg.substr(b, e - b));
    if (!n)
        return std::nullopt;
    return double(*n);
}

}  // namespace

KernelLogFeeder::KernelLogFeeder(LogContext ctx)
    : ctx_(std::move(ctx)), boot_wall_(ctx_.boot_time) {}

std::optional<std::string> KernelLogFeeder::wall_of(const LogLine& line) const {
    std::optional<double> w = line.wall;
    if (!w && line.ts && boot_wall_)
        w = *boot_wall_ + *line.ts;
    if (!w || !std::isfinite(*w) || *w < 0 || *w > 253402300799.0)
        return std::nullopt;
    return iso8601_utc(int64_t(*w));
}

void KernelLogFeeder::start_new_boot() {
    boot_ordinal_++;
    boot_ = BootFacts{};
    boot_has_lines_ = false;
    last_report_ts_.reset();
    boot_wall_.reset();  // --boot-time names the first boot of the log only
}

std::vector<Incident> KernelLogFeeder::complete_report() {
    std::vector<Incident> changed;
    if (!pending_)
        return changed;
    HungTaskReport r = std::move(*pending_);
    pending_.reset();
    std::optional<std::string> wall = std::move(pending_wall_);
    pending_wall_.reset();
    finish_report(r);

    Incident in;
    in.boot_id = ctx_.boot_id;
    in.trigger = Trigger::hung_task;
    in.source = ctx_.source;
    in.first_seen_uptime_s = r.ts;
    in.last_seen_uptime_s = r.ts;
    in.detected_at = wall;
    in.host = host_from_boot_facts(boot_);
    if (r.release)
        in.host.kernel_release = r.release;
    in.host.taint = r.taint;
    in.victims.push_back(std::move(r.victim));

    // Coalescing: the kernel re-reports a still-blocked task on every pass.
    const Victim& v = in.victims[0];
    std::string key = std::to_string(boot_ordinal_) + "|" + std::to_string(v.pid) + "|" + v.comm;
    auto it = by_key_.find(key);
    // repeats counts the detector's reports, the kernel's own after its first: a module
    // record is a capture, not a report (v2 prints it later, before or after the
    // kernel's report of the same pass).
    bool first_report = kernel_reported_.insert(key).second;
    if (it == by_key_.end()) {
        in.seq = next_seq_++;
        in.id = boot_prefix(ctx_.boot_id) + "-" + std::to_string(in.seq);
        by_key_[key] = incidents_.size();
        incidents_.push_back(in);
        changed.push_back(incidents_.back());
    } else {
        Incident& ex = incidents_[it->second];
        Incident merged = merge_incident(ex, in);
        merged.repeats = first_report ? ex.repeats : ex.repeats + 1;
        merged.last_seen_uptime_s = r.ts ? r.ts : ex.last_seen_uptime_s;
        ex = std::move(merged);
        changed.push_back(ex);
    }
    if (r.ts)
        last_report_ts_ = r.ts;
    return changed;
}

std::vector<Incident> KernelLogFeeder::on_panic(const LogLine& line) {
    std::vector<Incident> changed;
    std::string prefix = std::to_string(boot_ordinal_) + "|";
    bool any = false;
    for (auto& [key, idx] : by_key_) {
        if (!key.starts_with(prefix))
            continue;
        Incident& in = incidents_[idx];
        if (in.trigger != Trigger::hung_task || in.panicked)
            continue;
        bool in_pass = true;
        if (line.ts && in.last_seen_uptime_s)
            in_pass = *in.last_seen_uptime_s >= *line.ts - kPanicPassWindowS;
        if (!in_pass)
            continue;
        in.panicked = true;
        changed.push_back(in);
        any = true;
    }
    if (!any) {
        // The panic survived (pstore, serial tail) but the reports did not.
        std::string key = prefix + "panic";
        if (by_key_.count(key))
            return changed;
        Incident in;
        in.boot_id = ctx_.boot_id;
        in.trigger = Trigger::panic;
        in.source = ctx_.source;
        in.panicked = true;
        in.first_seen_uptime_s = line.ts;
        in.last_seen_uptime_s = line.ts;
        in.detected_at = wall_of(line);
        in.host = host_from_boot_facts(boot_);
        in.seq = next_seq_++;
        in.id = boot_prefix(ctx_.boot_id) + "-" + std::to_string(in.seq);
        by_key_[key] = incidents_.size();
        incidents_.push_back(in);
        changed.push_back(in);
    }
    return changed;
}

std::vector<Incident> KernelLogFeeder::on_module_incident(Incident in) {
    std::vector<Incident> changed;
    if (!in.boot_id)
        in.boot_id = ctx_.boot_id;
    in.source = ctx_.source;
    if (auto first = module_first_seq(in)) {
        // A coalesced incident sent again (module/coalesce.c): the one first sent as
        // first_seq by the same module instance in this boot takes the newer view.
        auto seq = module_seq(in);
        for (auto it = incidents_.rbegin(); seq && *seq != *first && it != incidents_.rend();
             ++it) {
            if (module_first_seq(*it) != first ||
                it->capture.value("instance_id", Json()) != in.capture.value("instance_id", Json()))
                continue;
            Incident merged = merge_incident(*it, in);
            merged.id = it->id;
            merged.seq = it->seq;
            *it = std::move(merged);
            changed.push_back(*it);
            return changed;
        }
    }
    if (in.victims.empty())
        return changed;
    const Victim& v = in.victims[0];
    std::string key = std::to_string(boot_ordinal_) + "|" + std::to_string(v.pid) + "|" + v.comm;
    auto it = by_key_.find(key);
    if (it == by_key_.end()) {
        in.seq = next_seq_++;
        in.id = boot_prefix(in.boot_id) + "-" + std::to_string(in.seq);
        by_key_[key] = incidents_.size();
        incidents_.push_back(std::move(in));
        changed.push_back(incidents_.back());
    } else {
        // The module came after the kernel's first report (loaded late): its chain wins.
        Incident& ex = incidents_[it->second];
        Incident merged = merge_incident(in, ex);
        merged.id = ex.id;
        merged.seq = ex.seq;
        merged.repeats = ex.repeats;
        ex = std::move(merged);
        changed.push_back(ex);
    }
    return changed;
}

std::vector<Incident> KernelLogFeeder::handle_idle_line(const LogLine& line) {
    std::vector<Incident> changed;
    std::string_view msg = line.msg;
    if (msg.find(kModuleRecordPrefix) != std::string_view::npos) {
        if (auto in = module_records_.push(msg))
            return on_module_incident(std::move(*in));
        return changed;
    }
    if (auto victim = match_info_line(msg)) {
        pending_ = HungTaskReport{};
        pending_->victim = std::move(*victim);
        pending_->ts = line.ts;
        pending_wall_ = wall_of(line);
        return changed;
    }
    std::string_view t = trim(msg);
    if (t.starts_with("Kernel panic - not syncing: hung_task")) {
        return on_panic(line);
    }
    note_boot_facts(boot_, std::string(t));
    return changed;
}

std::vector<Incident> KernelLogFeeder::push_line(std::string_view raw) {
    LogLine line = classify_line(raw, prev_was_kmsg_);
    if (line.form == LogLine::Form::skip)
        return {};
    prev_was_kmsg_ = line.form == LogLine::Form::kmsg;
    if (line.kernel_prefixed)
        seen_kernel_prefix_ = true;

    // New boot: the banner, or the clock jumped back (a reboot inside one serial log).
    bool banner = trim_left(line.msg).starts_with("Linux version ");
    bool clock_reset = line.ts && last_ts_ && *line.ts + kBootRestartS < *last_ts_;
    std::vector<Incident> changed;
    if ((banner && boot_has_lines_) || clock_reset) {
        changed = flush();
        start_new_boot();
    }
    boot_has_lines_ = true;
    if (line.ts)
        last_ts_ = line.ts;
    if (line.ts && line.wall)
        boot_wall_ = *line.wall - *line.ts;
    else if (auto rtc = line.ts ? rtc_clock_set(line.msg) : std::nullopt)
        boot_wall_ = *rtc - *line.ts;

    if (pending_) {
        // The module's records are printed from another CPU (v2): one may land inside
        // the kernel's report without ending it.
        if (line.msg.find(kModuleRecordPrefix) != std::string::npos) {
            if (auto in = module_records_.push(line.msg)) {
                auto done = on_module_incident(std::move(*in));
                changed.insert(changed.end(), done.begin(), done.end());
            }
            return changed;
        }
        if (absorb_report_line(*pending_, line)) {
            if (trim(line.msg) == "</TASK>") {
                auto done = complete_report();
                changed.insert(changed.end(), done.begin(), done.end());
            }
            return changed;
        }
        if (!line.kernel_prefixed && seen_kernel_prefix_) {
            // User space output interleaved on the console: not the kernel's.
            noise_lines_++;
            return changed;
        }
        auto done = complete_report();
        changed.insert(changed.end(), done.begin(), done.end());
    }
    auto more = handle_idle_line(line);
    changed.insert(changed.end(), more.begin(), more.end());
    return changed;
}

std::vector<Incident> KernelLogFeeder::flush() {
    return complete_report();
}

std::vector<Incident> parse_kernel_log(std::string_view text, const LogContext& ctx) {
    KernelLogFeeder feeder(ctx);
    size_t start = 0;
    while (start < text.size()) {
        size_t nl = text.find('\n', start);
        if (nl == std::string_view::npos)
            nl = text.size();
        (void)feeder.push_line(text.substr(start, nl - start));
        start = nl + 1;
    }
    (void)feeder.flush();
    return feeder.incidents();
}

}  // namespace hungtask
