// runqueue_starvation: the worker that must run the flushed work is runnable, and another
// task holds its CPU (explain.hpp describes the rule).
#include "explain/facts.hpp"
#include "explain/rules/rules.hpp"
#include "explain/sentences.hpp"

namespace hungtask::explainer {

namespace {

// Confidence in a CPU holder as the reason `waiter` does not run, with the facts that lower
// it added to the evidence.
Confidence hold_confidence(const CpuHold& c, const Task& waiter, bool cpu_cross_checked,
                           std::vector<std::string>& e) {
    Confidence conf = Confidence::high;
    std::string hog = c.hog.short_name();
    if (c.source != "ipi" && c.hog.on_cpu != true) {
        e.push_back("Confidence is medium: " + hog +
                    " was not seen on the CPU itself (no IPI, on_cpu not set).");
        conf = Confidence::medium;
    }
    if (c.hog.since_arrival_ns && waiter.queued_ns) {
        if (*c.hog.since_arrival_ns >= *waiter.queued_ns) {
            e.push_back(hog + " has held CPU " + std::to_string(c.cpu) + " for the whole time " +
                        waiter.short_name() + " has waited for it (" +
                        secs(*c.hog.since_arrival_ns) + " on the CPU, " + secs(*waiter.queued_ns) +
                        " waiting).");
        } else {
            e.push_back("Confidence is medium: " + hog + " has been on CPU " +
                        std::to_string(c.cpu) + " for " + secs(*c.hog.since_arrival_ns) +
                        ", less than the " + secs(*waiter.queued_ns) + " " + waiter.short_name() +
                        " has waited: other tasks held the CPU before it.");
            conf = Confidence::medium;
        }
    } else {
        e.push_back("Confidence is medium: how long " + hog + " has held the CPU, or how long " +
                    waiter.short_name() + " has waited, is not known.");
        conf = Confidence::medium;
    }
    if (!cpu_cross_checked) {
        e.push_back("Confidence is medium: which CPU " + waiter.short_name() +
                    " needs is not known, so the CPU was not cross-checked.");
        conf = Confidence::medium;
    }
    return conf;
}

// The leading mutex hops of a chain (the victim waits on a lock whose owner is followed).
size_t lock_prefix(const std::vector<Hop>& ch) {
    size_t n = 0;
    while (n < ch.size() && hop_kind(ch[n]) == HopKind::mutex && hop_cycle(ch[n]) != true)
        n++;
    return n;
}

std::string lock_text(const Hop& h) {
    if (auto s = mutex_lock_sym(h)) {
        auto f = frame_of(*s);
        return f ? f->text() : *s;
    }
    return mutex_lock_addr(h).value_or("a mutex");
}

std::string lock_fact(const Incident& in, const Hop& h) {
    auto o = mutex_owner(h);
    return "A task of the chain waits in mutex_lock() for " + lock_text(h) + ", owned by " +
           (o ? o->name() : std::string("?")) + " " + verified_words(in, h) + ".";
}

// "acme-cfg (pid 7) waits for mutex L, owned by O; O" (base lock hops), else the victim.
std::string lock_path(const Incident& in, size_t base) {
    if (!base)
        return victim_name(in);
    std::string s = victim_name(in);
    for (size_t i = 0; i < base; i++) {
        auto o = mutex_owner(in.chain[i]);
        s += " waits for mutex " + lock_text(in.chain[i]) + ", owned by " +
             (o ? o->name() : std::string("?")) + ";";
        s += i + 1 < base ? " that owner" : " " + (o ? o->short_name() : std::string("it"));
    }
    return s;
}

// mutex... -> cpu: the last owner is runnable and another task holds its CPU.
std::optional<Verdict> owner_starved(const Incident& in, size_t base, Refusals& refusals) {
    const std::vector<Hop>& ch = in.chain;
    if (!verified_upto(in, ch.size(), refusals))
        return std::nullopt;
    if (base + 1 != ch.size()) {
        refusals.push_back({"the chain goes on after the cpu hop (" + hop_ref(in, ch[base + 1]) +
                                "), which no rule expects",
                            kCaptureStep});
        return std::nullopt;
    }
    auto owner = mutex_owner(ch[base - 1]);
    if (!owner || !owner->real() || owner->state != "R")
        return std::nullopt;
    auto hold = cpu_hold(in, ch[base], &*owner, owner->cpu, refusals);
    if (!hold)
        return std::nullopt;  // a running owner (the holder itself) is cpu_hog's
    Verdict v;
    v.kind = VerdictKind::runqueue_starvation;
    v.evidence = start_evidence(in);
    for (size_t i = 0; i < base; i++)
        v.evidence.push_back(lock_fact(in, ch[i]));
    std::string wfact = owner->name() + " is runnable (state R";
    if (owner->on_cpu == false)
        wfact += ", not on a CPU";
    v.evidence.push_back(wfact + ") but does not run.");
    Culprit c = culprit_of(hold->hog);
    v.culprit = c;
    v.evidence.push_back(cpu_fact(in, *hold));
    cpu_details(*hold, v.evidence);
    v.confidence = hold_confidence(*hold, *owner, owner->cpu.has_value(), v.evidence);
    v.summary = blame_headline(hold->hog, c, hold->cpu) + " " + lock_path(in, base) +
                " is runnable but cannot run; " + held_by(*hold, c) + ".";
    v.next_steps.push_back(hog_fix_step(*hold, c, in.host));
    if (auto step = watchdog_step(in.host))
        v.next_steps.push_back(*step);
    v.next_steps.push_back(hog_capture_step(*hold));
    return v;
}

}  // namespace

// runqueue_starvation: flush_work -> worker -> cpu held by another task; or a lock owner
// that waits for its CPU: mutex... -> cpu, mutex... -> flush_work -> worker -> cpu.
std::optional<Verdict> rule_runqueue_starvation(const Incident& in, Refusals& refusals) {
    const std::vector<Hop>& ch = in.chain;
    const size_t base = lock_prefix(ch);  // verified-or-not mutex hops before the rest
    if (base == ch.size())
        return std::nullopt;
    if (base && hop_kind(ch[base]) == HopKind::cpu)
        return owner_starved(in, base, refusals);
    if (hop_kind(ch[base]) != HopKind::flush_work)
        return std::nullopt;
    Verdict v;
    v.kind = VerdictKind::runqueue_starvation;
    v.evidence = start_evidence(in);
    Task waiter;  // the task that cannot get its CPU
    std::optional<int64_t> need_cpu;
    bool cross_checked = false;
    std::string path;  // the summary's account of the chain up to the CPU
    std::optional<std::string> victim_module;

    if (base) {
        if (!verified_upto(in, base, refusals))
            return std::nullopt;
        for (size_t i = 0; i < base; i++)
            v.evidence.push_back(lock_fact(in, ch[i]));
    }
    const Hop& f = ch[base];
    if (!verified_upto(in, base + 1, refusals))
        return std::nullopt;
    std::string target = work_target(f);
    victim_module = flush_target_module(f);
    auto pool_cpu = flush_pool_cpu(f);
    v.evidence.push_back(flush_fact(in, f));
    if (ch.size() < base + 2 || hop_kind(ch[base + 1]) != HopKind::worker) {
        refusals.push_back({"the chain ends at the flush_work hop: the worker that must run " +
                                target + " was not found",
                            wait_next_step(Wait::flush_work, "PID")});
        return std::nullopt;
    }
    const Hop& wk = ch[base + 1];
    if (!verified_upto(in, base + 2, refusals))
        return std::nullopt;
    auto task = worker_task(wk);
    waiter = task.value_or(Task{});
    if (!task || !waiter.pid) {
        refusals.push_back({hop_ref(in, wk) + " names no worker task", kCaptureStep});
        return std::nullopt;
    }
    bool runs = worker_runs_target(wk).value_or(false);
    if (waiter.state != "R") {
        std::string pid = std::to_string(*waiter.pid);
        refusals.push_back(
            {waiter.state ? "the worker sleeps (state " + *waiter.state +
                                ") rather than waiting for a CPU, and hungtask does not "
                                "follow what it waits for"
                          : "the worker's state is not known",
             "While it hangs, cat /proc/" + pid + "/stack shows what " + waiter.short_name() +
                 " waits for" + (runs ? " while it runs the work item." : ".")});
        return std::nullopt;
    }
    std::string wfact = waiter.name() + (runs ? " runs that work" : " must run that work") +
                        ": it is runnable (state R";
    if (waiter.on_rq == true)
        wfact += ", on a runqueue";
    if (waiter.on_cpu == false)
        wfact += ", not on a CPU";
    wfact += ")";
    if (waiter.queued_ns)
        wfact += " and has waited " + secs(*waiter.queued_ns) + " for a CPU";
    v.evidence.push_back(wfact + " " + verified_words(in, wk) + ".");
    path = lock_path(in, base) + " is blocked in flush_work() waiting for " + target;
    if (pool_cpu && *pool_cpu >= 0)
        path += " on CPU " + std::to_string(*pool_cpu);
    path += "; " + waiter.name() + ", which must run it, is runnable";
    if (waiter.queued_ns)
        path += " but has waited " + secs(*waiter.queued_ns);
    if (pool_cpu && *pool_cpu >= 0)
        need_cpu = pool_cpu;
    if (waiter.cpu) {
        if (need_cpu && *need_cpu != *waiter.cpu) {
            refusals.push_back({"the worker " + waiter.name() + " is on CPU " +
                                    std::to_string(*waiter.cpu) + ", not the pool's CPU " +
                                    std::to_string(*need_cpu),
                                kCaptureStep});
            return std::nullopt;
        }
        need_cpu = waiter.cpu;
    }
    cross_checked = need_cpu.has_value();

    const size_t cpu_at = base + 2;  // flush_work, worker, then the CPU the worker waits for
    if (cpu_at >= ch.size() || hop_kind(ch[cpu_at]) != HopKind::cpu) {
        refusals.push_back({waiter.name() + " is runnable but the chain ends before the CPU " +
                                "it waits for: the task holding that CPU was not captured",
                            kCaptureStep});
        return std::nullopt;
    }
    if (cpu_at + 1 != ch.size()) {
        refusals.push_back({"the chain goes on after the cpu hop (" + hop_ref(in, ch[cpu_at + 1]) +
                                "), which no rule expects",
                            kCaptureStep});
        return std::nullopt;
    }
    if (!verified_upto(in, ch.size(), refusals))
        return std::nullopt;
    auto hold = cpu_hold(in, ch[cpu_at], &waiter, need_cpu, refusals);
    if (!hold)
        return std::nullopt;

    Culprit c = culprit_of(hold->hog);
    v.culprit = c;
    v.evidence.push_back(cpu_fact(in, *hold));
    cpu_details(*hold, v.evidence);
    v.confidence = hold_confidence(*hold, waiter, cross_checked, v.evidence);

    std::string s = blame_headline(hold->hog, c, hold->cpu);
    if (c.module && victim_module && *victim_module != *c.module)
        s += " " + *victim_module + " is a victim, not the cause.";
    s += " " + path + "; " + held_by(*hold, c) + ".";
    v.summary = s;

    v.next_steps.push_back(hog_fix_step(*hold, c, in.host));
    if (auto step = watchdog_step(in.host))
        v.next_steps.push_back(*step);
    v.next_steps.push_back(hog_capture_step(*hold));
    return v;
}

}  // namespace hungtask::explainer
