// cpu_hog: a task holding its CPU is itself the cause (explain.hpp describes the rule).
#include <algorithm>

#include "explain/facts.hpp"
#include "explain/rules/rules.hpp"
#include "explain/sentences.hpp"
#include "model/frames.hpp"

namespace hungtask::explainer {

namespace {

// The verdict of a CPU held by the task that is itself the cause; `subject` names what runs
// ("the work item acme_sync_work"), empty for the task by its name.
Verdict cpu_hog_verdict(const Incident& in, const CpuHold& hold, std::vector<std::string> evidence,
                        const std::string& path, const std::string& subject) {
    Verdict v;
    v.kind = VerdictKind::cpu_hog;
    Culprit c = culprit_of(hold.hog);
    v.culprit = c;
    v.evidence = std::move(evidence);
    v.evidence.push_back(cpu_fact(in, hold));
    cpu_details(hold, v.evidence);
    v.confidence = Confidence::high;
    if (hold.source != "ipi" && hold.hog.on_cpu != true) {
        v.confidence = Confidence::medium;
        v.evidence.push_back("Confidence is medium: " + hold.hog.short_name() +
                             " was not seen on the CPU itself (no IPI, on_cpu not set).");
    }
    if (!hold.hog.since_arrival_ns) {
        v.confidence = Confidence::medium;
        v.evidence.push_back("Confidence is medium: how long it has held the CPU is not known.");
    }
    v.summary = blame_headline(hold.hog, c, hold.cpu) + " " + path + held_by(hold, c) + ".";
    v.next_steps.push_back(hog_fix_step(hold, c, in.host, subject));
    if (auto step = watchdog_step(in.host))
        v.next_steps.push_back(*step);
    v.next_steps.push_back(hog_capture_step(hold));
    return v;
}

}  // namespace

// cpu_hog: a task holding its CPU is the cause itself.  Either the trigger says so (a
// per-CPU sampler's report: trigger cpu_hog with a verified cpu hop whose hog is a real
// task), or the flushed work item runs on its CPU and never yields: flush_work -> worker
// (runs the target, state R) -> cpu whose holder is that worker and whose stack, taken on
// the CPU, is in the target function.
std::optional<Verdict> rule_cpu_hog(const Incident& in, Refusals& refusals) {
    const std::vector<Hop>& ch = in.chain;
    if (in.trigger == Trigger::cpu_hog) {
        auto it = std::find_if(ch.begin(), ch.end(),
                               [](const Hop& h) { return hop_kind(h) == HopKind::cpu; });
        if (it == ch.end()) {
            refusals.push_back({"the cpu_hog report has no cpu hop", kCaptureStep});
            return std::nullopt;
        }
        if (!verified_upto(in, size_t(it - ch.begin()) + 1, refusals))
            return std::nullopt;
        auto hold = cpu_hold(in, *it, nullptr, std::nullopt, refusals);
        if (!hold)
            return std::nullopt;
        return cpu_hog_verdict(in, *hold, start_evidence(in), "", "");
    }

    // Leading mutex hops: the victim waits on a lock whose (last) owner is followed on.
    size_t base = 0;
    while (base < ch.size() && hop_kind(ch[base]) == HopKind::mutex && hop_cycle(ch[base]) != true)
        base++;
    if (base && base + 1 == ch.size() && hop_kind(ch[base]) == HopKind::cpu) {
        // mutex... -> cpu whose holder is the owner itself: the owner runs and never lets go.
        if (!verified_upto(in, ch.size(), refusals))
            return std::nullopt;
        auto owner = mutex_owner(ch[base - 1]);
        if (!owner || !owner->real() ||
            !cpu_holder(ch[base]).value_or(Task{}).same_task(*owner))
            return std::nullopt;
        auto hold = cpu_hold(in, ch[base], nullptr, owner->cpu, refusals);
        if (!hold)
            return std::nullopt;
        std::vector<std::string> evidence = start_evidence(in);
        std::string path = victim_name(in);
        for (size_t i = 0; i < base; i++) {
            auto o = mutex_owner(ch[i]);
            auto sym = mutex_lock_sym(ch[i]);
            auto f = sym ? frame_of(*sym) : std::nullopt;
            std::string lock = f ? f->text() : sym.value_or(mutex_lock_addr(ch[i]).value_or("?"));
            evidence.push_back("A task of the chain waits in mutex_lock() for " + lock +
                               ", owned by " + (o ? o->name() : std::string("?")) + " " +
                               verified_words(in, ch[i]) + ".");
            path += " waits for mutex " + lock + ", owned by " +
                    (o ? o->name() : std::string("?")) + (i + 1 < base ? "; that owner" : "; ");
        }
        path += "the owner runs and does not release it: ";
        return cpu_hog_verdict(in, *hold, std::move(evidence), path, "");
    }
    if (ch.size() != base + 3 || hop_kind(ch[base]) != HopKind::flush_work ||
        hop_kind(ch[base + 1]) != HopKind::worker || hop_kind(ch[base + 2]) != HopKind::cpu ||
        !verified_upto(in, ch.size(), refusals))
        return std::nullopt;
    Task worker = worker_task(ch[base + 1]).value_or(Task{});
    auto target = flush_target_function(ch[base]);
    if (worker_runs_target(ch[base + 1]) != true || worker.state != "R" || !target ||
        !cpu_holder(ch[base + 2]).value_or(Task{}).same_task(worker))
        return std::nullopt;
    std::optional<int64_t> need_cpu = worker.cpu;
    if (auto pool_cpu = flush_pool_cpu(ch[base]); pool_cpu && *pool_cpu >= 0)
        need_cpu = pool_cpu;
    auto hold = cpu_hold(in, ch[base + 2], nullptr, need_cpu, refusals);
    if (!hold)
        return std::nullopt;
    std::string cpu_s = "CPU " + std::to_string(hold->cpu);
    bool in_target = std::any_of(hold->stack.begin(), hold->stack.end(),
                                 [&](const auto& f) { return frame_function(f) == *target; });
    if (!in_target) {
        refusals.push_back({"the stack taken on " + cpu_s + " does not show the flushed work " +
                                *target + ", so what " + worker.short_name() + " runs is not known",
                            hog_capture_step(*hold)});
        return std::nullopt;
    }
    std::vector<std::string> evidence = start_evidence(in);
    evidence.push_back(flush_fact(in, ch[base]));
    evidence.push_back(worker.name() + " runs that work and is on " + cpu_s + ", in state R " +
                       verified_words(in, ch[base + 1]) + ".");
    std::string path = (base ? "a lock owner of the chain" : victim_name(in)) +
                       " is blocked in flush_work() waiting for " + work_target(ch[base]) +
                       ", which does not finish: ";
    return cpu_hog_verdict(in, *hold, std::move(evidence), path, "the work item " + *target);
}

}  // namespace hungtask::explainer
