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

namespace {

std::optional<uint64_t> capture_seq(const Incident& in, const char* key) {
    if (!in.capture.is_object() || !in.capture.contains(key))
        return std::nullopt;
    const Json& v = in.capture[key];
    if (v.is_number_unsigned())
        return v.get<uint64_t>();
    if (v.is_number_integer() && v.get<int64_t>() > 0)
        return uint64_t(v.get<int64_t>());
    return std::nullopt;
}

}  // namespace

std::optional<uint64_t> module_first_seq(const Incident& in) {
    return capture_seq(in, "first_seq");
}

std::optional<uint64_t> module_seq(const Incident& in) {
    return capture_seq(in, "module_seq");
}

std::optional<std::string> module_instance(const Incident& in) {
    if (in.capture.contains("instance_id") && in.capture["instance_id"].is_string())
        return in.capture["instance_id"].get<std::string>();
    return std::nullopt;
}

std::string victim_key(const Incident& in) {
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

std::string incident_key(const Incident& in) {
    std::string key = std::string(to_string(in.trigger)) + "|";
    // hungtask.ko's incidents: its sequence space and the seq it first sent it under
    // (updates of a coalesced incident keep it, even when its victim changed).
    auto first = module_first_seq(in);
    if (first && in.boot_id && in.capture.contains("instance_id") &&
        in.capture["instance_id"].is_string())
        return key + "boot=" + *in.boot_id + "|instance=" +
               in.capture["instance_id"].get<std::string>() + "|first_seq=" +
               std::to_string(*first);
    return victim_key(in);
}

Incident merge_incident(const Incident& existing, const Incident& update) {
    auto old_seq = module_seq(existing);
    auto new_seq = module_seq(update);
    // Seqs compare only within one module instance: a reloaded module counts anew.
    if (module_first_seq(update) && old_seq && new_seq && *new_seq > *old_seq &&
        module_instance(existing) == module_instance(update)) {
        // A later send of a coalesced incident (module/coalesce.c): its victims, chain
        // and verdict are the newest view; the stored record keeps its id and seq.
        if (update.victims.empty()) {  // a kmsg "update" line: the counts only
            Incident out = existing;
            out.capture["module_seq"] = *new_seq;
            if (update.victim_count &&
                (!out.victim_count || *update.victim_count >= *out.victim_count)) {
                out.victim_count = update.victim_count;
                out.victim_sample = update.victim_sample;
            }
            return out;
        }
        Incident out = update;
        out.id = existing.id;
        out.seq = existing.seq;
        if (!out.boot_id)
            out.boot_id = existing.boot_id;
        out.detected_at = existing.detected_at ? existing.detected_at : update.detected_at;
        out.repeats = std::max(existing.repeats, update.repeats);
        out.panicked = existing.panicked || update.panicked;
        if (existing.victim_count && out.victim_count)
            out.victim_count = std::max(*existing.victim_count, *out.victim_count);
        out.related = existing.related;
        return out;
    }
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
    if (update.victim_count && (!out.victim_count || *update.victim_count > *out.victim_count)) {
        out.victim_count = update.victim_count;
        out.victim_sample = update.victim_sample;
    }
    fill(out.victim_sample, update.victim_sample);
    return out;
}

}  // namespace hungtask
