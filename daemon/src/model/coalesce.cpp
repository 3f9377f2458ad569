#include "model/coalesce.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace hungtask {

std::string boot_prefix(const std::optional<std::string>& boot_id) {
    if (!boot_id)
        return "noboot";
    std::string p;
    for (char c : *boot_id) {
        if (std::isxdigit(static_cast<unsigned char>(c)))
            p.push_back(char(std::tolower(static_cast<unsigned char>(c))));
        if (p.size() == 8)
            break;
    }
    return p.empty() ? "noboot" : p;
}

std::string incident_key(const Incident& in) {
    std::string key = std::string(to_string(in.trigger)) + "|";
    if (in.boot_id) {
        key += "boot=" + *in.boot_id;
    } else {
        char ts[64] = "?";
        if (in.first_seen_uptime_s)
            std::snprintf(ts, sizeof ts, "%.6f", *in.first_seen_uptime_s);
        key += "release=" + in.host.kernel_release.value_or("?") + "|first=" + ts;
    }
    if (!in.victims.empty())
        key += "|pid=" + std::to_string(in.victims[0].pid) + "|comm=" + in.victims[0].comm;
    return key;
}

Incident merge_incident(const Incident& existing, const Incident& update) {
    Incident out = existing;
    out.repeats = std::max(existing.repeats, update.repeats);
    out.panicked = existing.panicked || update.panicked;
    if (!out.first_seen_uptime_s ||
        (update.first_seen_uptime_s && *update.first_seen_uptime_s < *out.first_seen_uptime_s))
        out.first_seen_uptime_s = update.first_seen_uptime_s;
    if (!out.last_seen_uptime_s ||
        (update.last_seen_uptime_s && *update.last_seen_uptime_s > *out.last_seen_uptime_s))
        out.last_seen_uptime_s = update.last_seen_uptime_s;
    if (!out.detected_at)
        out.detected_at = update.detected_at;
    auto fill = [](auto& dst, const auto& src) {
        if (!dst)
            dst = src;
    };
    for (size_t i = 0; i < update.victims.size(); i++) {
        if (i >= out.victims.size()) {
            out.victims.push_back(update.victims[i]);
            continue;
        }
        Victim& v = out.victims[i];
        const Victim& u = update.victims[i];
        if (u.blocked_s && (!v.blocked_s || *u.blocked_s > *v.blocked_s))
            v.blocked_s = u.blocked_s;
        if (v.stack.empty() && !u.stack.empty()) {
            v.stack = u.stack;
            v.stack_unreliable = u.stack_unreliable;
        }
        fill(v.state, u.state);
        fill(v.syscall, u.syscall);
        fill(v.tgid, u.tgid);
        fill(v.ppid, u.ppid);
        fill(v.workqueue, u.workqueue);
        fill(v.path, u.path);
        fill(v.cgroup, u.cgroup);
        fill(v.cpu, u.cpu);
        fill(v.syscall_abi, u.syscall_abi);
    }
    if (out.capture.is_null())
        out.capture = update.capture;
    // A later report may carry a chain or verdict the first one lacked.
    if (out.chain.empty() && !update.chain.empty())
        out.chain = update.chain;
    // The hog sampler reports one hold again as it grows and once when it ends
    // (module/hog.c): the newest report's notes say how long it has held the CPU, or that
    // it ended and how long it lasted; the first report's waiting tasks stay.
    if (update.trigger == Trigger::cpu_hog && update.seq > existing.seq &&
        update.chain.size() == out.chain.size()) {
        for (size_t i = 0; i < out.chain.size(); i++)
            if (update.chain[i].reason && update.chain[i].kind() == out.chain[i].kind())
                out.chain[i].reason = update.chain[i].reason;
    }
    if (out.verdict.kind == VerdictKind::unknown && update.verdict.kind != VerdictKind::unknown)
        out.verdict = update.verdict;
    else if (out.verdict.kind == update.verdict.kind && !update.verdict.summary.empty()) {
        // The summary and its evidence and advice describe one explanation: take them
        // together, never a summary of one with the evidence of another.
        out.verdict.summary = update.verdict.summary;
        out.verdict.confidence = update.verdict.confidence;
        out.verdict.evidence = update.verdict.evidence;
        out.verdict.next_steps = update.verdict.next_steps;
    }
    fill(out.host.kernel_release, update.host.kernel_release);
    fill(out.host.preemption, update.host.preemption);
    fill(out.host.watchdog, update.host.watchdog);
    fill(out.host.softlockup_panic, update.host.softlockup_panic);
    fill(out.host.hung_task_timeout_secs, update.host.hung_task_timeout_secs);
    fill(out.host.hung_task_panic, update.host.hung_task_panic);
    fill(out.host.watchdog_thresh, update.host.watchdog_thresh);
    fill(out.host.taint, update.host.taint);
    fill(out.host.out_of_tree_modules, update.host.out_of_tree_modules);
    return out;
}

}  // namespace hungtask
