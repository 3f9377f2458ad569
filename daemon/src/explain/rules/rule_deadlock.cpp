// deadlock: the chain returns to a task already in it (the module marks the hop that
// closes the cycle).  The verdict lists the members and the locks, and blames the code
// that closes the cycle: where the task waiting at the closing hop asked for the lock.
#include "explain/facts.hpp"
#include "explain/rules/rules.hpp"
#include "explain/sentences.hpp"

namespace hungtask::explainer {

namespace {

std::string lock_text(const Hop& h) {
    if (auto s = lock_sym_of(h)) {
        auto f = frame_of(*s);
        return f ? f->text() : *s;
    }
    return lock_addr_of(h).value_or("a " + lock_type(h));
}

}  // namespace

// The task a hop leads to: a lock's owner, a worker; nullopt for other hops.
static std::optional<Task> next_task(const Hop& h) {
    if (owner_lock_hop(h))
        return lock_owner(h);
    if (hop_kind(h) == HopKind::worker)
        return worker_task(h);
    return std::nullopt;
}

std::optional<Verdict> rule_deadlock(const Incident& in, Refusals& refusals) {
    const std::vector<Hop>& ch = in.chain;
    if (ch.empty())
        return std::nullopt;
    const size_t last = ch.size() - 1;
    const Hop& close = ch[last];
    auto closer = next_task(close);  // the task the closing hop leads back to

    // The members in chain order: the victim, then each task a hop leads to.
    Task victim = victim_task(in);
    std::vector<Task> members{victim};
    std::vector<std::string> locks;
    std::optional<Task> waiter = victim;  // the task waiting at the current hop
    for (size_t i = 0; i < last; i++) {
        if (owner_lock_hop(ch[i]))
            locks.push_back(lock_text(ch[i]));
        if (auto n = next_task(ch[i])) {
            members.push_back(*n);
            waiter = n;
        }
    }
    if (owner_lock_hop(close))
        locks.push_back(lock_text(close));
    bool returns = false;
    for (const Task& m : members)
        returns = returns || (closer && closer->real() && m.same_task(*closer));
    // The module marks the closing hop (lock hops carry the mark to the daemon); a chain
    // whose last hop leads to one of its own tasks is a cycle the same way.
    if (hop_cycle(close) != true && !returns)
        return std::nullopt;
    if (!verified_upto(in, ch.size(), refusals))
        return std::nullopt;
    if (!returns) {
        refusals.push_back({hop_ref(in, close) + " is marked as closing a cycle, but the task it "
                                                 "leads to is not one of the chain's",
                            kCaptureStep});
        return std::nullopt;
    }
    for (size_t i = 0; i <= last; i++) {
        HopKind k = hop_kind(ch[i]);
        if (k != HopKind::mutex && k != HopKind::rwsem && k != HopKind::flush_work &&
            k != HopKind::worker) {
            refusals.push_back({"the cycle goes through " + hop_ref(in, ch[i]) +
                                    ", which the deadlock rule does not read",
                                kCaptureStep});
            return std::nullopt;
        }
    }

    // The code that closes the cycle: where the waiter at the closing hop waits.  A
    // worker's stack is not captured: for a lock a worker waits on, the work item it runs
    // (verified: it runs the flushed target) is that code.
    std::optional<Frame> closing_code;
    std::string what;  // what the waiter waits for at the closing hop
    if (owner_lock_hop(close)) {
        what = lock_text(close) + ", held by " + closer->name();
        if (last >= 2 && hop_kind(ch[last - 1]) == HopKind::worker &&
            worker_runs_target(ch[last - 1]) == true) {
            if (auto fn = flush_target_function(ch[last - 2]))
                closing_code = Frame{*fn, flush_target_module(ch[last - 2]), *fn};
        } else if (waiter) {
            closing_code = code_frame(*waiter);
        }
    } else {  // a worker: the waiter flushes a work item that worker runs
        std::string target = last >= 1 ? work_target(ch[last - 1]) : std::string("a work item");
        what = target + ", run by " + closer->name();
        if (waiter)
            closing_code = code_frame(*waiter);
    }
    if (!waiter || !closing_code) {
        refusals.push_back(
            {"where the cycle closes is not known (the waiting task's stack "
             "was not captured)",
             kCaptureStep});
        return std::nullopt;
    }

    Verdict v;
    v.kind = VerdictKind::deadlock;
    Culprit c;
    c.pid = waiter->pid;
    c.comm = waiter->comm;
    c.function = closing_code->function;
    c.module = closing_code->module;
    v.culprit = c;
    v.confidence = Confidence::high;
    v.evidence = start_evidence(in);
    for (const Hop& h : ch)
        v.evidence.push_back("It " + hop_clause(h) + " " + verified_words(in, h) + ".");
    std::string names, lock_list;
    for (size_t i = 0; i < members.size(); i++)
        names += (i ? ", " : "") + members[i].name();
    for (size_t i = 0; i < locks.size(); i++)
        lock_list += (i ? ", " : "") + locks[i];
    std::string code = closing_code->text();
    v.evidence.push_back(closer->name() + " is already in the chain: the chain is a cycle (" +
                         verified_words(in, close) + ").");
    if (members.size() == 1)
        v.summary = "Deadlock: " + victim.name() + " waits for " + lock_list +
                    ", which it holds itself; it asked for it again in " + code + ".";
    else
        v.summary = "Deadlock between " + names +
                    (lock_list.empty() ? std::string() : " over " + lock_list) + ": " +
                    waiter->name() + " waits in " + code + " for " + what +
                    ", which waits (through the chain) for " + waiter->short_name() + ".";
    v.next_steps.push_back("Fix " + code + ": it must not wait for " + what +
                           " while the chain's tasks hold what it needs (take the locks in "
                           "one order, or do not flush or lock under a lock the other side "
                           "takes).");
    v.next_steps.push_back(
        "A deadlock does not resolve itself: the tasks stay blocked until "
        "reboot.");
    return v;
}

}  // namespace hungtask::explainer
