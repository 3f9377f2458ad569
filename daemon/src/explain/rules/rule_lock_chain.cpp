// lock_chain: the victim waits on a mutex or an rw_semaphore held for write (through
// verified lock hops) whose owner sleeps holding it; the owner, in the function that sleeps
// with the lock held, is the cause.  An rwsem owned by readers names no holder (the kernel
// keeps only the last reader, maybe stale: the hop is not verified) and a semaphore records
// none: both are refused with what is known, for an honest unknown.
// An owner that runs or waits for a CPU is followed by the module into a cpu hop and left
// to the cpu rules; an owner in a wait no kind follows is refused (an honest unknown).
#include "explain/facts.hpp"
#include "explain/rules/rules.hpp"
#include "explain/sentences.hpp"

namespace hungtask::explainer {

namespace {

std::string lock_name(const Hop& h) {
    if (auto s = lock_sym_of(h)) {
        auto f = frame_of(*s);
        return lock_type(h) + " " + (f ? f->text() : *s);
    }
    if (auto a = lock_addr_of(h))
        return "the " + lock_type(h) + " at " + *a;
    return "a " + lock_type(h);
}

}  // namespace

std::optional<Verdict> rule_lock_chain(const Incident& in, Refusals& refusals) {
    const std::vector<Hop>& ch = in.chain;
    if (!ch.empty() && hop_kind(ch.back()) == HopKind::semaphore && hop_verified(ch.back())) {
        // No holder field on these kernels (upstream's last_holder is 6.16+).
        refusals.push_back({"the kernel records no holder of a semaphore, so none can be named",
                            "While it hangs, look for the task that took " + lock_name(ch.back()) +
                                " with down() and has not called up(): its code path is the "
                                "cause (echo w > /proc/sysrq-trigger lists blocked tasks)."});
        return std::nullopt;
    }
    if (ch.empty() || !owner_lock_hop(ch[0]))
        return std::nullopt;
    size_t n = 0;
    while (n < ch.size() && owner_lock_hop(ch[n]))
        n++;
    if (n != ch.size())
        return std::nullopt;  // the chain goes on from an owner: the next hop's rule decides
    if (!verified_upto(in, n, refusals))
        return std::nullopt;
    const Hop& last = ch[n - 1];
    auto owner = lock_owner(last);
    if (!owner || !owner->real()) {
        refusals.push_back({hop_ref(in, last) + " names no owner task", kCaptureStep});
        return std::nullopt;
    }
    Task victim = victim_task(in);
    for (const Hop& h : ch) {
        auto o = lock_owner(h);
        if (o && (o->same_task(victim) || (&h != &last && o->same_task(*owner)))) {
            refusals.push_back(
                {"the lock owners come back to a task already in the chain "
                 "(a deadlock), which no rule explains yet",
                 kCaptureStep});
            return std::nullopt;
        }
    }
    std::string pid = owner->pid ? std::to_string(*owner->pid) : "PID";
    if (owner->state == "R" || owner->on_cpu == true) {
        refusals.push_back({"the owner " + owner->name() +
                                " is runnable or running, but the chain has no cpu hop for it",
                            kCaptureStep});
        return std::nullopt;
    }
    if (owner->stack.empty()) {
        refusals.push_back(
            {"the owner " + owner->name() + "'s stack was not captured" +
                 (lock_owner_stack_note(last) ? " (" + *lock_owner_stack_note(last) + ")"
                                              : std::string()),
             "While it hangs, cat /proc/" + pid + "/stack shows where " + owner->short_name() +
                 " waits."});
        return std::nullopt;
    }
    WaitSite site = wait_site(owner->stack);
    if (site.wait != Wait::sleep && site.wait != Wait::none) {
        refusals.push_back({"the owner " + owner->name() + " waits for " + wait_words(site.wait) +
                                ", which hungtask does not follow: " + wait_not_followed(site.wait),
                            wait_next_step(site.wait, pid)});
        return std::nullopt;
    }
    Culprit c = culprit_of(*owner);
    if (!c.function) {
        refusals.push_back({"where the owner " + owner->name() + " sleeps is not known",
                            "While it hangs, cat /proc/" + pid + "/stack shows where " +
                                owner->short_name() + " sleeps."});
        return std::nullopt;
    }
    Verdict v;
    v.kind = VerdictKind::lock_chain;
    v.culprit = c;
    v.evidence = start_evidence(in);
    std::string fn = c.module ? *c.function + " [" + *c.module + "]" : *c.function;
    std::string lock = lock_name(last);
    auto off = lock_owner_offcpu_ns(last);
    std::string slept = off && *off > 0 ? " for " + secs(double(*off)) : "";
    for (const Hop& h : ch) {
        auto o = lock_owner(h);
        std::string e = (&h == &ch[0] ? victim_name(in) : std::string("The owner before it")) +
                        " waits in " + lock_call(h) + " for " + lock_name(h) + ", owned by " +
                        (o ? o->name() : std::string("?"));
        if (auto w = lock_waiters(h); w && *w > 1)
            e += " (" + std::to_string(*w) + " tasks wait on it)";
        v.evidence.push_back(e + " " + verified_words(in, h) + ".");
    }
    v.evidence.push_back(
        owner->name() + " is not on a CPU (state " + owner->state.value_or("?") +
        ") and has been off CPU" + (slept.empty() ? " for an unknown time" : slept) +
        "; it sleeps in " + (site.caller ? site.caller->text() : fn) +
        (site.primitive.empty() ? "" : " (" + site.primitive + ")") + " while it holds the lock.");
    v.confidence = Confidence::high;
    if (slept.empty()) {
        v.confidence = Confidence::medium;
        v.evidence.push_back("Confidence is medium: how long the owner has slept is not known.");
    }
    v.summary = owner->name() + " holds " + lock + " and sleeps in " + fn +
                (slept.empty() ? "" : " (asleep" + slept + ")") + "; " + victim_name(in) +
                " waits for that lock in " + lock_call(ch[0]) +
                (n > 1 ? " through " + std::to_string(n) + " lock hops" : std::string()) + ".";
    v.next_steps.push_back("Fix " + fn +
                           ": it must not sleep (or wait without a bound) while it "
                           "holds " +
                           lock + "; release the lock before sleeping.");
    v.next_steps.push_back("While it hangs, cat /proc/" + pid + "/stack shows where " +
                           owner->short_name() + " sleeps.");
    return v;
}

}  // namespace hungtask::explainer
