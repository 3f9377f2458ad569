#include "explain.hpp"

#include <cstdio>

namespace hungtask {
namespace {

std::string seconds(const Json& ns) {
    if (!ns.is_number())
        return "?";
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.1f s", ns.get<double>() / 1e9);
    return buf;
}

std::string str_or(const Json& j, const char* key, const char* dflt) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : dflt;
}

std::string task_name(const Json& t) {
    std::string s = str_or(t, "comm", "?");
    if (t.contains("pid") && t["pid"].is_number())
        s += " (pid " + std::to_string(t["pid"].get<int64_t>()) + ")";
    return s;
}

std::string symbol(const Json& fn, const Json& mod) {
    if (!fn.is_string())
        return "?";
    std::string s = fn.get<std::string>();
    if (mod.is_string())
        s += " [" + mod.get<std::string>() + "]";
    return s;
}

const Hop* find_hop(const Incident& in, const char* kind) {
    for (const auto& h : in.chain)
        if (h.kind == kind)
            return &h;
    return nullptr;
}

bool all_verified(const Incident& in) {
    for (const auto& h : in.chain)
        if (!h.verified)
            return false;
    return !in.chain.empty();
}

}  // namespace

std::vector<std::string> host_implications(const Host& h) {
    std::vector<std::string> out;
    if (h.watchdog && *h.watchdog == 0)
        out.push_back(
            "soft-lockup watchdog disabled (kernel.watchdog=0), so no soft-lockup report "
            "preceded this hang");
    if (h.preemption && *h.preemption == "none")
        out.push_back(
            "kernel code is not preempted (preempt=none): a kernel loop without "
            "cond_resched() keeps its CPU");
    if (h.hung_task_panic && *h.hung_task_panic != 0)
        out.push_back("kernel.hung_task_panic is set: the host panics on this report");
    return out;
}

Verdict explain_verdict(const Incident& in) {
    Verdict v;
    const Victim* victim = in.victims.empty() ? nullptr : &in.victims[0];
    const Hop* cpu = find_hop(in, "cpu");
    const Hop* flush = find_hop(in, "flush_work");
    const Hop* worker = find_hop(in, "worker");
    std::string who = victim ? victim->comm + " (pid " + std::to_string(victim->pid) + ")"
                             : std::string("the victim");

    if (cpu && all_verified(in) && cpu->fields.contains("hog") && cpu->fields["hog"].is_object()) {
        const Json& hog = cpu->fields["hog"];
        const Json& hs = cpu->fields.contains("hog_stack") ? cpu->fields["hog_stack"] : Json();
        Culprit c;
        if (hog["pid"].is_number())
            c.pid = hog["pid"].get<int64_t>();
        if (hog["comm"].is_string())
            c.comm = hog["comm"].get<std::string>();
        if (hog["function"].is_string()) {
            c.function = hog["function"].get<std::string>();
            if (hog["module"].is_string())
                c.module = hog["module"].get<std::string>();
        } else if (hs.is_array() && !hs.empty()) {
            c.function = frame_function(hs[0].get<std::string>());
            c.module = frame_module(hs[0].get<std::string>());
        }
        v.kind = VerdictKind::runqueue_starvation;
        std::string cpu_no = cpu->fields["cpu"].is_number()
                                 ? std::to_string(cpu->fields["cpu"].get<int64_t>())
                                 : "?";
        std::string s = who + " is blocked";
        if (flush) {
            const Json& f = flush->fields;
            s += " in flush_work() waiting for " +
                 symbol(f["target_function"], f["target_module"]) + " on CPU " + cpu_no;
        }
        if (worker && worker->fields["task"].is_object()) {
            const Json& w = worker->fields["task"];
            s += "; " + task_name(w) + ", which must run it, is runnable but has waited " +
                 seconds(w["queued_ns"]);
        }
        s += "; CPU " + cpu_no + " is held by " + task_name(hog);
        if (c.function)
            s += " in " + *c.function + (c.module ? " [" + *c.module + "]" : "");
        s += ", on the CPU for " + seconds(hog["since_arrival_ns"]);
        if (hog["nvcsw"].is_number())
            s += " with " + std::to_string(hog["nvcsw"].get<int64_t>()) + " voluntary switch" +
                 (hog["nvcsw"].get<int64_t>() == 1 ? "" : "es");
        s += ".";
        if (c.module) {
            s += " Root cause: " + *c.module + "'s " + c.comm.value_or("thread") + ".";
            std::string victim_mod;
            if (flush && flush->fields["target_module"].is_string())
                victim_mod = flush->fields["target_module"].get<std::string>();
            if (!victim_mod.empty() && victim_mod != *c.module)
                s += " " + victim_mod + " is a victim, not the cause.";
        }
        v.summary = s;
        v.culprit = c;
        return v;
    }
    v.kind = VerdictKind::unknown;
    std::string s = who + " is blocked";
    if (victim && in.chain.empty()) {
        if (auto where = blocked_in(*victim))
            s += " in " + *where;
        v.summary = s +
                    "; hungtask captured it but has no rule for this kind of wait (it follows "
                    "flush_work waits so far), so no cause is proven.";
        return v;
    }
    if (flush) {
        const Json& f = flush->fields;
        s += " in flush_work() waiting for " + symbol(f["target_function"], f["target_module"]) +
             " (" + str_or(f, "target_state", "state unknown") + ")";
    }
    if (worker && worker->fields["task"].is_object()) {
        const Json& w = worker->fields["task"];
        s += "; the worker that must run it is " + task_name(w) + " in state " +
             str_or(w, "state", "?");
    }
    s += "; no cause was proven";
    for (const auto& h : in.chain)
        if (!h.verified && h.fields.contains("reason") && h.fields["reason"].is_string()) {
            s += " (" + h.kind + ": " + h.fields["reason"].get<std::string>() + ")";
            break;
        }
    v.summary = s + ".";
    return v;
}

}  // namespace hungtask
