// The facts the explainer draws from an incident: hops read through named accessors, the
// tasks they name, where a stack waits, the code a task is in, and the CPU holder.
//
// The accessors below are the only code that reads a Hop's kind and fields (in facts.cpp);
// rules (rules/) and sentences (sentences.hpp) use them and the types here, never
// Hop::fields.  Each accessor takes any input: a missing or wrong-typed fact gives
// nullopt / empty, never an exception.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/incident.hpp"

namespace hungtask::explainer {

// ------------------------------------------------------------------------------- tasks

// A task as a hop describes it (TASK in explain.hpp); every fact may be missing.
struct Task {
    std::optional<int64_t> pid;
    std::optional<std::string> comm, state, function, module;
    std::optional<int64_t> cpu, policy, nvcsw;
    std::optional<bool> kthread, on_cpu, on_rq;
    std::optional<double> since_arrival_ns, queued_ns;
    std::vector<std::string> stack;

    std::string name() const {
        std::string s = comm.value_or("a task of unknown name");
        s += pid ? " (pid " + std::to_string(*pid) + ")" : " (pid unknown)";
        return s;
    }
    std::string short_name() const { return comm.value_or(pid ? std::to_string(*pid) : "?"); }
    // pid 0 is the idle task (swapper/N); its name is the only other mark a record keeps.
    bool idle() const { return (pid && *pid == 0) || (comm && comm->starts_with("swapper")); }
    bool real() const { return pid && *pid > 0 && !idle(); }
    bool same_task(const Task& o) const { return pid && o.pid && *pid == *o.pid; }
};

// ------------------------------------------------------------------------- hop accessors

// The hop kinds the explainer has rules for; `other` is any other kind (a newer module's).
enum class HopKind { flush_work, worker, cpu, mutex, rwsem, semaphore, other };

HopKind hop_kind(const Hop& h);
std::string hop_kind_name(const Hop& h);       // as the record names it, for messages
bool hop_verified(const Hop& h);
std::optional<std::string> hop_reason(const Hop& h);  // why the module did not verify it

// flush_work: the work item the task waits for, and its pool.
std::optional<std::string> flush_target_function(const Hop& h);
std::optional<std::string> flush_target_module(const Hop& h);
std::optional<std::string> flush_target_state(const Hop& h);  // "pending", "running", ...
std::optional<std::string> flush_workqueue(const Hop& h);
std::optional<int64_t> flush_pool_cpu(const Hop& h);  // -1: an unbound pool
std::optional<int64_t> flush_pool_id(const Hop& h);

// worker: the kworker that runs, or must run, the work.
std::optional<Task> worker_task(const Hop& h);  // nullopt: the hop names no task
std::optional<bool> worker_runs_target(const Hop& h);

// cpu: the CPU the chain ends on and the task holding it.
std::optional<int64_t> hop_cpu(const Hop& h);
std::optional<Task> cpu_holder(const Hop& h);                // nullopt: no holder captured
std::vector<std::string> cpu_holder_stack(const Hop& h);     // taken on the CPU
std::optional<std::string> cpu_holder_source(const Hop& h);  // "ipi", "walk", "none"
std::optional<std::string> cpu_stack_note(const Hop& h);     // why no stack was taken
std::optional<std::vector<Task>> cpu_runq(const Hop& h);     // nullopt: no runqueue list
std::optional<int64_t> cpu_runq_total(const Hop& h);

// mutex: the lock a task waits on in mutex_lock() and its owner (a live task).
std::optional<std::string> mutex_lock_sym(const Hop& h);  // "%pS" of a static lock
std::optional<std::string> mutex_lock_addr(const Hop& h);
std::optional<Task> mutex_owner(const Hop& h);  // with its stack; nullopt: none proven
std::optional<int64_t> mutex_owner_offcpu_ns(const Hop& h);
std::optional<std::string> mutex_owner_stack_note(const Hop& h);
std::optional<int64_t> mutex_waiters(const Hop& h);
// The hop's next task is already in the chain: it closes a cycle (read on lock hops).
std::optional<bool> hop_cycle(const Hop& h);

// Lock hops with an owner (mutex, rwsem): the same facts for either kind.
bool owner_lock_hop(const Hop& h);                 // a mutex or rwsem hop
std::string lock_call(const Hop& h);               // "mutex_lock()", "down_write()", ...
std::string lock_type(const Hop& h);               // "mutex", "rw_semaphore", "semaphore"
std::optional<std::string> lock_sym_of(const Hop& h);
std::optional<std::string> lock_addr_of(const Hop& h);
std::optional<Task> lock_owner(const Hop& h);  // mutex owner or rwsem writer; never a reader
std::optional<int64_t> lock_owner_offcpu_ns(const Hop& h);
std::optional<std::string> lock_owner_stack_note(const Hop& h);
std::optional<int64_t> lock_waiters(const Hop& h);
// rwsem owned by readers: the last reader to take it (not proven to hold it), the count.
std::optional<Task> rwsem_last_reader(const Hop& h);
std::optional<int64_t> rwsem_readers(const Hop& h);
// semaphore: its count and the other waiters' names ("comm (pid N)").
std::optional<int64_t> sem_count(const Hop& h);
std::vector<std::string> sem_other_waiters(const Hop& h);

// ------------------------------------------------------------------------------ stacks

// One printed frame, "acme_ioctl+0x33/0x60 [acme_drv]" -> {acme_ioctl, acme_drv}.
struct Frame {
    std::string function;
    std::optional<std::string> module;
    std::string printed;  // as the stack shows it, offsets included

    std::string text() const { return module ? function + " [" + *module + "]" : function; }
};

std::optional<Frame> frame_of(std::string_view printed);

// What a sleeping task waits for, as its stack's wait primitives say.
enum class Wait { none, mutex, rwsem, semaphore, completion, flush_work, io, rcu, sleep };

Wait wait_kind(std::string_view fn);

// Where a stack waits: the wait primitive (outermost frame of it, the call its caller made)
// and the caller.  Without a primitive, `caller` is where the task sits.
struct WaitSite {
    Wait wait = Wait::none;
    std::string primitive;
    std::optional<Frame> caller;
};

WaitSite wait_site(const std::vector<std::string>& stack);

// The victim (the first one) as a Task; an empty Task without victims.
Task victim_task(const Incident& in);

// The code a task is in, to blame: the innermost frame of a module (modules are what a
// vendor ships and an operator can report), else the innermost frame, past scheduler and
// wait primitives; else its kthread function.  hungtask's own frames (an IPI stack whose
// interrupt frames were not cut) are never the answer.
std::optional<Frame> code_frame(const Task& t);

// SCHED_FIFO, SCHED_RR or SCHED_DEADLINE.
bool real_time(const Task& t);

// The task as a culprit: its pid, name and the code it is in (code_frame).
Culprit culprit_of(const Task& t);

// ------------------------------------------------------------------------- chain links

// Why a rule that recognised the chain's shape would not blame, and what to do about it.
struct Refusal {
    std::string why;
    std::string next_step;
};
using Refusals = std::vector<Refusal>;

// The next step when the module could not link a hop.
inline constexpr const char* kCaptureStep =
    "While it happens again, capture what the module could not link: echo w > "
    "/proc/sysrq-trigger lists the blocked tasks with their stacks and echo l > "
    "/proc/sysrq-trigger shows what every CPU runs.";

// "hop 2 (worker)": the hop's place in the chain (1-based) and kind, for refusals.
std::string hop_ref(const Incident& in, const Hop& h);

// Every hop in [0, upto) verified; otherwise a refusal quoting the module's reason.
bool verified_upto(const Incident& in, size_t upto, Refusals& refusals);

// A cpu hop read: which CPU, who holds it, where it runs.
struct CpuHold {
    const Hop* hop = nullptr;
    int64_t cpu = -1;
    Task hog;
    std::vector<std::string> stack;  // taken on the CPU, interrupt frames cut
    std::optional<std::string> source;
};

// Reads `h` as the CPU that `waiter` needs; refuses (nullopt) when it names no real holder,
// names the waiter itself, or looks at another CPU than `expected_cpu`.
std::optional<CpuHold> cpu_hold(const Incident& in, const Hop& h, const Task* waiter,
                                std::optional<int64_t> expected_cpu, Refusals& refusals);

}  // namespace hungtask::explainer
