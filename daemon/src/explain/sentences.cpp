// The explainer's sentences: numbers in words, what a wait is and what to do about it,
// the facts of the evidence, the headline and the next steps.  Hop facts come from
// facts.hpp; nothing here reads a hop's fields.
#include "explain/sentences.hpp"

#include <cstdio>

#include "explain/explain.hpp"
#include "model/frames.hpp"

namespace hungtask::explainer {

// ------------------------------------------------------------------------------- words

std::string secs(double ns) {
    char buf[48];
    std::snprintf(buf, sizeof(buf), "%.1f s", ns / 1e9);
    return buf;
}

std::string count(int64_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string policy_name(int64_t p) {
    switch (p) {
        case 0:
            return "SCHED_OTHER";
        case 1:
            return "SCHED_FIFO";
        case 2:
            return "SCHED_RR";
        case 3:
            return "SCHED_BATCH";
        case 5:
            return "SCHED_IDLE";
        case 6:
            return "SCHED_DEADLINE";
        default:
            return "policy " + std::to_string(p);
    }
}

// ------------------------------------------------------------------------------- waits

// "a mutex", "an RCU grace period", ...: what the wait is for.
std::string wait_words(Wait w) {
    switch (w) {
        case Wait::mutex:
            return "a mutex";
        case Wait::rwsem:
            return "a read-write semaphore";
        case Wait::semaphore:
            return "a semaphore";
        case Wait::completion:
            return "a completion";
        case Wait::flush_work:
            return "a work item to finish";
        case Wait::io:
            return "I/O to complete";
        case Wait::rcu:
            return "an RCU grace period";
        case Wait::sleep:
            return "a timed sleep to end";
        case Wait::none:
            break;
    }
    return "something hungtask does not recognise";
}

// Why hungtask cannot go further than this wait (for `unknown`).
std::string wait_not_followed(Wait w) {
    switch (w) {
        case Wait::mutex:
            return "no verified mutex hop names its owner (the lock was not proven from the stack)";
        case Wait::rwsem:
            return "hungtask does not follow rwsem owners yet";
        case Wait::semaphore:
            return "the kernel does not record semaphore owners (hungtask cannot follow them)";
        case Wait::completion:
            return "a completion does not record who will complete it (hungtask cannot follow "
                   "it)";
        case Wait::flush_work:
            return "hungtask.ko captured no chain for this flush";
        case Wait::io:
            return "hungtask does not follow I/O to the device yet";
        case Wait::rcu:
            return "hungtask does not follow RCU grace periods";
        case Wait::sleep:
            return "the task sleeps on a timer, possibly in a loop waiting for a condition";
        case Wait::none:
            break;
    }
    return "hungtask has no rule for this kind of wait";
}

// What the operator can do about a wait hungtask does not follow.
std::string wait_next_step(Wait w, const std::string& victim_pid) {
    std::string stack = "cat /proc/" + victim_pid + "/stack shows where it waits now";
    switch (w) {
        case Wait::mutex:
        case Wait::rwsem:
            return "While it hangs, echo w > /proc/sysrq-trigger lists every blocked task with "
                   "its stack: the lock's owner is usually among them (or in the output of "
                   "echo l > /proc/sysrq-trigger, if it runs). On a kernel with CONFIG_LOCKDEP, "
                   "echo d > /proc/sysrq-trigger lists the held locks and their holders.";
        case Wait::semaphore:
        case Wait::completion:
            return "While it hangs, echo w > /proc/sysrq-trigger lists every blocked task with "
                   "its stack; look for the task that should release the semaphore or complete "
                   "the completion, in the code around the waiting function.";
        case Wait::flush_work:
            return "While it hangs, echo t > /proc/sysrq-trigger prints every task and the busy "
                   "workqueues and worker pools (a large output): it shows which work runs or "
                   "waits, and on which CPU.";
        case Wait::io:
            return "Check the devices: grep . /sys/class/block/*/inflight shows the requests "
                   "each driver has not completed; look for I/O errors or timeouts in the "
                   "kernel log.";
        case Wait::rcu:
            return "Look in the kernel log for an RCU stall warning (\"rcu: INFO: ... detected "
                   "stalls\"): it names the CPUs or tasks holding up the grace period. On a "
                   "kernel without preemption, one kernel loop without cond_resched() on any "
                   "CPU delays every grace period; echo l > /proc/sysrq-trigger shows what each "
                   "CPU runs.";
        case Wait::sleep:
            return "Read the code around the sleeping function for the condition it polls; " +
                   stack + ".";
        case Wait::none:
            break;
    }
    return "While it hangs, " + stack +
           ", and echo w > /proc/sysrq-trigger lists every blocked task with its stack.";
}

// ---------------------------------------------------------------------- victim and hops

std::string victim_name(const Incident& in) {
    return in.victims.empty() ? std::string("the victim") : victim_task(in).name();
}

// acme_sync_write [acme_drv] (system call write)."
std::string victim_fact(const Incident& in) {
    const Victim& v = in.victims[0];
    std::string s = victim_task(in).name();
    if (in.trigger == Trigger::cpu_hog)  // the hog sampler's: blocked_s is its hold
        s += v.blocked_s ? " has held its CPU without a context switch for more than " +
                               std::to_string(*v.blocked_s) + " s"
                         : std::string(" holds its CPU");
    else
        s += v.blocked_s ? " has been blocked for more than " + std::to_string(*v.blocked_s) + " s"
                         : std::string(" is blocked");
    if (auto where = blocked_in(v))
        s += " in " + *where;
    auto site = wait_site(v.stack);
    if (site.caller)
        s += ", called from " + site.caller->text();
    if (v.syscall)
        s += " (system call " + *v.syscall + ")";
    return s + ".";
}

std::vector<std::string> start_evidence(const Incident& in) {
    std::vector<std::string> e;
    if (!in.victims.empty())
        e.push_back(victim_fact(in));
    return e;
}

// "hop 3 cpu": the hop's place in the chain (1-based, as the report numbers it) and kind.
std::string hop_label(const Incident& in, const Hop& h) {
    return "hop " + std::to_string(size_t(&h - in.chain.data()) + 1) + " " + hop_kind_name(h);
}

std::string verified_words(const Incident& in, const Hop& h) {
    return "(" + hop_label(in, h) + ", " + (hop_verified(h) ? "verified" : "not verified") + ")";
}

// One clause per hop for the summary of an unproven chain.
std::string hop_clause(const Hop& h) {
    switch (hop_kind(h)) {
        case HopKind::flush_work: {
            std::string s = "waits in flush_work() for " +
                            flush_target_function(h).value_or("an unknown function");
            if (auto m = flush_target_module(h))
                s += " [" + *m + "]";
            return s + " (" + flush_target_state(h).value_or("state unknown") + ")";
        }
        case HopKind::worker: {
            Task t = worker_task(h).value_or(Task{});
            return std::string(worker_runs_target(h) == true ? "the worker running it"
                                                             : "the worker that must run it") +
                   " is " + t.name() + " in state " + t.state.value_or("?");
        }
        case HopKind::cpu: {
            auto cpu = hop_cpu(h);
            std::string s = "CPU " + (cpu ? std::to_string(*cpu) : std::string("?"));
            auto hog = cpu_holder(h);
            return hog ? s + " runs " + hog->name() : s + " (no holder captured)";
        }
        case HopKind::mutex: {
            auto o = mutex_owner(h);
            std::string s = "waits in mutex_lock() for " +
                            mutex_lock_sym(h).value_or(mutex_lock_addr(h).value_or("a mutex"));
            return o ? s + " owned by " + o->name() + " in state " + o->state.value_or("?")
                     : s + " (owner not proven)";
        }
        case HopKind::rwsem: {
            std::string s = "waits in " + lock_call(h) + " for rw_semaphore " +
                            lock_sym_of(h).value_or(lock_addr_of(h).value_or("?"));
            if (auto o = lock_owner(h))
                return s + " owned by " + o->name() + " in state " + o->state.value_or("?");
            s += ", owned by readers";
            if (auto n = rwsem_readers(h); n && *n > 0)
                s += " (" + std::to_string(*n) + ")";
            if (auto r = rwsem_last_reader(h))
                s += "; the kernel keeps only the last reader to take it, " + r->name() +
                     ", which may have released it";
            return s + " (holder not proven)";
        }
        case HopKind::semaphore: {
            std::string s = "waits in down() for semaphore " +
                            lock_sym_of(h).value_or(lock_addr_of(h).value_or("?"));
            s += " (count " + (sem_count(h) ? std::to_string(*sem_count(h)) : std::string("?"));
            if (auto w = lock_waiters(h))
                s += ", " + std::to_string(*w) + (*w == 1 ? " waiter" : " waiters");
            s += ")";
            auto others = sem_other_waiters(h);
            if (!others.empty()) {
                s += ", with";
                for (size_t i = 0; i < others.size(); i++)
                    s += (i ? ", " : " ") + others[i];
            }
            return s + "; the kernel records no holder of a semaphore";
        }
        case HopKind::other:
            break;
    }
    return "a " + hop_kind_name(h) + " hop";
}

// ------------------------------------------------------------------------- flush waits

// "acme_sync_work [acme_drv]": the flushed work item's function.
std::string work_target(const Hop& f) {
    std::string s = flush_target_function(f).value_or("an unknown function");
    if (auto m = flush_target_module(f))
        s += " [" + *m + "]";
    return s;
}

// "It waits for work item acme_sync_work [acme_drv], queued but not started, on workqueue
// events in pool 2 of CPU 1 (hop 1 flush_work, verified)."
std::string flush_fact(const Incident& in, const Hop& f) {
    auto pool_cpu = flush_pool_cpu(f);
    std::string state = flush_target_state(f).value_or("state unknown");
    std::string s = "It waits for work item " + work_target(f);
    s += state == "pending"   ? ", queued but not started,"
         : state == "running" ? ", which is running,"
                              : " (" + state + "),";
    s += " on workqueue " + flush_workqueue(f).value_or("?");
    if (pool_cpu && *pool_cpu >= 0)
        s += " in pool " + std::to_string(flush_pool_id(f).value_or(-1)) + " of CPU " +
             std::to_string(*pool_cpu);
    return s + " " + verified_words(in, f) + ".";
}

// ------------------------------------------------------------------------- cpu holders

// "lo_poll (pid 116) has been on CPU 1 for 6.3 s, with 1 voluntary switch since it
// started (hop 3 cpu, verified by IPI on that CPU)."
std::string cpu_fact(const Incident& in, const CpuHold& c) {
    std::string cpu_s = "CPU " + std::to_string(c.cpu);
    std::string s = c.hog.name();
    s += c.hog.since_arrival_ns ? " has been on " + cpu_s + " for " + secs(*c.hog.since_arrival_ns)
                                : " is on " + cpu_s + " (for how long is not known)";
    if (c.hog.nvcsw)
        s += ", with " + count(*c.hog.nvcsw, "voluntary switch", "voluntary switches") +
             " since it started";
    s += " (" + hop_label(in, *c.hop) + ", verified";
    if (c.source == "ipi")
        s += " by IPI on that CPU";
    else if (c.source == "walk")
        s += "; found from the runqueue, not seen by IPI";
    return s + ").";
}

void cpu_details(const CpuHold& c, std::vector<std::string>& e) {
    std::string cpu_s = "CPU " + std::to_string(c.cpu);
    if (!c.stack.empty())
        e.push_back("The stack taken on " + cpu_s + " shows it in " + c.stack.front() + ".");
    else if (auto note = cpu_stack_note(*c.hop))
        e.push_back("No stack was taken on " + cpu_s + ": " + *note + ".");
    if (real_time(c.hog))
        e.push_back(c.hog.short_name() + " runs with the real-time policy " +
                    policy_name(*c.hog.policy) + ", ahead of every normal task on its CPU.");
    auto runq = cpu_runq(*c.hop);
    if (runq && !runq->empty()) {
        std::string s;
        size_t shown = 0;
        for (const auto& w : *runq) {
            if (shown == 5)
                break;
            s += (shown++ ? ", " : "") + w.name();
        }
        int64_t total = cpu_runq_total(*c.hop).value_or(int64_t(runq->size()));
        if (total > int64_t(shown))
            s += " and " + std::to_string(total - int64_t(shown)) + " more";
        e.push_back(count(total, "task waits", "tasks wait") + " in " + cpu_s +
                    "'s runqueue: " + s + ".");
    }
}

std::optional<std::string> watchdog_step(const Host& h) {
    if (!h.watchdog || *h.watchdog != 0)
        return std::nullopt;
    std::string held = h.watchdog_thresh ? std::to_string(2 * *h.watchdog_thresh) +
                                               " s (twice kernel.watchdog_thresh)"
                                         : "twice kernel.watchdog_thresh seconds";
    return "Enable the soft-lockup watchdog (sysctl kernel.watchdog=1; remove nowatchdog from "
           "the kernel command line to keep it after a reboot): a CPU held for more than " +
           held + " is then reported as a soft lockup, with the holder's stack, while it happens.";
}

// What to do about a task holding a CPU.
std::string hog_fix_step(const CpuHold& c, const Culprit& who, const Host& host,
                         const std::string& subject) {
    std::string cpu_s = "CPU " + std::to_string(c.cpu);
    std::string name = c.hog.short_name();
    std::string pid = c.hog.pid ? std::to_string(*c.hog.pid) : "PID";
    std::string in_fn = who.function && *who.function != name ? " (in " + *who.function + ")" : "";
    if (!subject.empty()) {
        name = subject;
        in_fn.clear();
    }
    std::string why;
    if (real_time(c.hog)) {
        why = " runs with the real-time policy " + policy_name(*c.hog.policy) +
              " and does not sleep: it keeps normal tasks, kworkers included, off " + cpu_s +
              "; it must sleep or block between polls";
    } else if (host.preemption == "none" || host.preemption == "voluntary") {
        std::string model = "preempt=" + *host.preemption;
        why = " stays on " + cpu_s + " without yielding; on a kernel without full preemption (" +
              model + "), a kernel loop must call cond_resched() or sleep";
    } else if (host.preemption) {
        std::string model = "preempt=" + *host.preemption;
        why = " stays on " + cpu_s + " although the kernel is preemptible (" + model +
              "): it probably runs with preemption or interrupts disabled (a spinlock held, "
              "preempt_disable())";
    } else {
        why = " stays on " + cpu_s + " without yielding; a kernel loop must call cond_resched() " +
              "or sleep unless the kernel is fully preemptible";
    }
    if (who.module)
        return "Report to the maintainer of " + *who.module + ": " + name + in_fn + why + ".";
    if (c.hog.kthread != true && !who.function) {
        if (real_time(c.hog))
            return name + " (pid " + pid + ") is a user-space task with the real-time policy " +
                   policy_name(*c.hog.policy) + ": make it sleep between polls, or run it as " +
                   "SCHED_OTHER (chrt -o -p 0 " + pid + ").";
        return "Find out why " + name + " (pid " + pid + ") keeps " + cpu_s + ": chrt -p " + pid +
               " shows its scheduling policy, and perf top -C " + std::to_string(c.cpu) +
               " shows where the CPU spends its time.";
    }
    return "Report to your kernel's maintainers (core kernel code, no module): " + name + in_fn +
           why + ".";
}

std::string hog_capture_step(const CpuHold& c) {
    std::string n = std::to_string(c.cpu);
    std::string cpu_s = "CPU " + n;
    return "While it happens: echo l > /proc/sysrq-trigger prints a backtrace of every active " +
           std::string("CPU (") + cpu_s + " shows where " + c.hog.short_name() +
           " runs), and perf top -C " + n + " shows where " + cpu_s + " spends its time.";
}

// "Root cause: lo_vendor's lo_poll." for module code: the module's own thread by its name,
// else the module's function the task runs (a kworker's work, a process's ioctl).
// "Cause: ..." for core kernel or user space code, where the task, not a vendor's module,
// is what the operator can act on.
std::string blame_headline(const Task& hog, const Culprit& c, int64_t cpu) {
    if (c.module) {
        bool own_thread = hog.kthread == true && hog.module == c.module;
        return "Root cause: " + *c.module + "'s " +
               (own_thread ? hog.short_name() : c.function.value_or(hog.short_name())) + ".";
    }
    std::string s = "Cause: " + hog.name();
    if (hog.kthread == false && !c.function)
        s += ", a user-space task,";
    else if (c.function && *c.function != hog.short_name())
        s += " in " + *c.function;
    return s + " holds CPU " + std::to_string(cpu) + ".";
}

// "CPU 1 is held by lo_poll (pid 116) in lo_poll [lo_vendor], on the CPU for 6.3 s (1
// voluntary switch since it started)"
std::string held_by(const CpuHold& c, const Culprit& who) {
    std::string s = "CPU " + std::to_string(c.cpu) + " is held by " + c.hog.name();
    if (who.function)
        s += " in " + who.function.value() + (who.module ? " [" + *who.module + "]" : "");
    if (c.hog.since_arrival_ns)
        s += ", on the CPU for " + secs(*c.hog.since_arrival_ns);
    if (c.hog.nvcsw)
        s += " (" + count(*c.hog.nvcsw, "voluntary switch", "voluntary switches") +
             " since it started)";
    return s;
}

}  // namespace hungtask::explainer

namespace hungtask {

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

}  // namespace hungtask
