#include "explain.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string_view>

namespace hungtask {

const Json& json_at(const Json& obj, const char* key) {
    static const Json kNull;
    if (!obj.is_object())
        return kNull;
    auto it = obj.find(key);
    return it == obj.end() ? kNull : *it;
}

std::optional<std::string> json_str(const Json& obj, const char* key) {
    const Json& v = json_at(obj, key);
    if (!v.is_string() || v.get_ref<const std::string&>().empty())
        return std::nullopt;
    return v.get<std::string>();
}

std::optional<int64_t> json_int(const Json& obj, const char* key) {
    const Json& v = json_at(obj, key);
    if (v.is_number_unsigned())
        return v.get<uint64_t>() <= uint64_t(INT64_MAX) ? std::optional<int64_t>(v.get<int64_t>())
                                                        : std::nullopt;
    if (v.is_number_integer())
        return v.get<int64_t>();
    return std::nullopt;
}

std::optional<double> json_num(const Json& obj, const char* key) {
    const Json& v = json_at(obj, key);
    if (!v.is_number())
        return std::nullopt;
    return v.get<double>();
}

std::optional<bool> json_bool(const Json& obj, const char* key) {
    const Json& v = json_at(obj, key);
    if (!v.is_boolean())
        return std::nullopt;
    return v.get<bool>();
}

std::vector<std::string> json_strings(const Json& obj, const char* key) {
    std::vector<std::string> out;
    const Json& v = json_at(obj, key);
    if (!v.is_array())
        return out;
    for (const auto& item : v) {
        if (item.is_string())
            out.push_back(item.get<std::string>());
    }
    return out;
}

namespace {

// ------------------------------------------------------------------------------- words

std::string secs(double ns) {
    char buf[48];
    std::snprintf(buf, sizeof(buf), "%.1f s", ns / 1e9);
    return buf;
}

std::string count(int64_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

// ------------------------------------------------------------------------------ stacks

// One printed frame, "acme_ioctl+0x33/0x60 [acme_drv]" -> {acme_ioctl, acme_drv}.
struct Frame {
    std::string function;
    std::optional<std::string> module;
    std::string printed;  // as the stack shows it, offsets included

    std::string text() const { return module ? function + " [" + *module + "]" : function; }
};

std::optional<Frame> frame_of(std::string_view printed) {
    size_t start = printed.find_first_not_of(' ');
    if (start == std::string_view::npos || printed.substr(start).starts_with("? "))
        return std::nullopt;  // "? " frames are stale stack words, not calls
    std::string fn = frame_function(printed);
    if (fn.empty() || fn.starts_with("0x"))
        return std::nullopt;
    return Frame{fn, frame_module(printed), std::string(printed.substr(start))};
}

// What a sleeping task waits for, as its stack's wait primitives say.
enum class Wait { none, mutex, rwsem, semaphore, completion, flush_work, io, rcu, sleep };

Wait wait_kind(std::string_view fn) {
    auto any_prefix = [&](std::initializer_list<std::string_view> ps) {
        return std::any_of(ps.begin(), ps.end(),
                           [&](std::string_view p) { return fn.starts_with(p); });
    };
    auto any_of = [&](std::initializer_list<std::string_view> names) {
        return std::find(names.begin(), names.end(), fn) != names.end();
    };
    if (any_prefix({"mutex_lock", "__mutex_lock", "rt_mutex", "__rt_mutex", "rtlock_"}))
        return Wait::mutex;
    if (any_prefix(
            {"down_read", "down_write", "__down_read", "__down_write", "rwsem_down_", "rwbase_"}))
        return Wait::rwsem;
    if (any_of({"down", "down_interruptible", "down_killable", "down_timeout", "__down",
                "__down_common", "__down_interruptible", "__down_killable", "__down_timeout"}))
        return Wait::semaphore;
    if (any_prefix({"wait_for_completion"}) || any_of({"__wait_for_common", "wait_for_common",
                                                       "do_wait_for_common", "wait_for_common_io"}))
        return Wait::completion;
    if (any_of({"__flush_work", "flush_work", "flush_delayed_work", "flush_rcu_work",
                "__flush_workqueue", "flush_workqueue", "drain_workqueue", "__cancel_work_sync",
                "__cancel_work_timer", "cancel_work_sync", "cancel_delayed_work_sync"}))
        return Wait::flush_work;
    if (any_prefix({"io_schedule", "folio_wait", "__folio_lock", "wait_on_page", "__lock_page",
                    "wait_on_buffer", "__wait_on_buffer", "bit_wait_io", "blk_mq_",
                    "submit_bio_wait", "blk_execute_rq", "jbd2_", "filemap_fdatawait",
                    "__filemap_fdatawait"}))
        return Wait::io;
    if (any_prefix({"synchronize_rcu", "synchronize_srcu", "__synchronize_srcu", "__wait_rcu_gp",
                    "wait_rcu_gp", "rcu_barrier", "synchronize_sched"}))
        return Wait::rcu;
    if (any_of({"msleep", "msleep_interruptible", "ssleep", "usleep_range_state", "usleep_range",
                "fsleep", "do_nanosleep", "hrtimer_nanosleep", "common_nsleep"}))
        return Wait::sleep;
    return Wait::none;
}

// Where a stack waits: the wait primitive (outermost frame of it, the call its caller made)
// and the caller.  Without a primitive, `caller` is where the task sits.
struct WaitSite {
    Wait wait = Wait::none;
    std::string primitive;
    std::optional<Frame> caller;
};

WaitSite wait_site(const std::vector<std::string>& stack) {
    WaitSite s;
    for (const auto& printed : stack) {
        auto f = frame_of(printed);
        if (!f || is_scheduling_frame(f->function))
            continue;
        Wait w = wait_kind(f->function);
        // A completion is how flush_work, synchronize_rcu, submit_bio_wait ... wait: the
        // frame above it says what for.
        bool same_wait =
            w != Wait::none && (s.wait == Wait::none || s.wait == w || s.wait == Wait::completion);
        if (!same_wait) {
            s.caller = *f;
            return s;
        }
        s.wait = w;
        s.primitive = f->function;
    }
    return s;
}

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
            return "hungtask does not follow mutex owners yet";
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

Task task_of(const Json& j) {
    Task t;
    t.pid = json_int(j, "pid");
    t.comm = json_str(j, "comm");
    t.state = json_str(j, "state");
    t.function = json_str(j, "function");
    t.module = json_str(j, "module");
    t.cpu = json_int(j, "cpu");
    t.policy = json_int(j, "policy");
    t.nvcsw = json_int(j, "nvcsw");
    t.kthread = json_bool(j, "kthread");
    t.on_cpu = json_bool(j, "on_cpu");
    t.on_rq = json_bool(j, "on_rq");
    t.since_arrival_ns = json_num(j, "since_arrival_ns");
    t.queued_ns = json_num(j, "queued_ns");
    t.stack = json_strings(j, "stack");
    return t;
}

Task task_of(const std::optional<HopTask>& t) {
    Task k;
    if (!t)
        return k;
    k.pid = t->pid;
    k.comm = t->comm;
    k.state = t->state;
    k.function = t->function;
    k.module = t->module;
    k.cpu = t->cpu;
    k.policy = t->policy;
    k.nvcsw = t->nvcsw;
    k.kthread = t->kthread;
    k.on_cpu = t->on_cpu;
    k.on_rq = t->on_rq;
    if (t->since_arrival_ns)
        k.since_arrival_ns = double(*t->since_arrival_ns);
    if (t->queued_ns)
        k.queued_ns = double(*t->queued_ns);
    return k;
}

Task task_of(const RunqEntry& e) {
    Task k;
    k.pid = e.pid;
    k.comm = e.comm;
    k.state = e.state;
    if (e.queued_ns)
        k.queued_ns = double(*e.queued_ns);
    return k;
}

// A hop of a known kind, typed; every fact unknown when the hop is of another kind.
template <class K>
const K& hop_body(const Hop& h) {
    static const K kNone{};
    const K* k = h.as<K>();
    return k ? *k : kNone;
}

// The members of a hop of a kind the daemon has no type for (the lock and io shapes).
const Json& raw_fields(const Hop& h) {
    static const Json kNone;
    const UnknownHop* u = h.as<UnknownHop>();
    return u ? u->fields : kNone;
}

Task victim_task(const Incident& in) {
    Task t;
    if (in.victims.empty())
        return t;
    const Victim& v = in.victims[0];
    t.pid = v.pid;
    t.comm = v.comm;
    t.state = v.state;
    t.cpu = v.cpu;
    t.stack = v.stack;
    return t;
}

std::string victim_name(const Incident& in) {
    return in.victims.empty() ? std::string("the victim") : victim_task(in).name();
}

// The code a task is in, to blame: the innermost frame of a module (modules are what a
// vendor ships and an operator can report), else the innermost frame, past scheduler and
// wait primitives; else its kthread function.  hungtask's own frames (an IPI stack whose
// interrupt frames were not cut) are never the answer.
std::optional<Frame> code_frame(const Task& t) {
    std::vector<std::string> stack = t.stack;
    trim_ipi_frames(stack);
    std::optional<Frame> first;
    for (const auto& printed : stack) {
        auto f = frame_of(printed);
        if (!f || is_scheduling_frame(f->function) || wait_kind(f->function) != Wait::none ||
            f->module == "hungtask")
            continue;
        if (f->module)
            return f;
        if (!first)
            first = f;
    }
    if (t.function && (!first || t.module))
        return Frame{*t.function, t.module, *t.function};
    return first;
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

bool real_time(const Task& t) {
    return t.policy && (*t.policy == 1 || *t.policy == 2 || *t.policy == 6);
}

// ----------------------------------------------------------------------- rule plumbing

// Why a rule that recognised the chain's shape would not blame, and what to do about it.
struct Refusal {
    std::string why;
    std::string next_step;
};
using Refusals = std::vector<Refusal>;

using Rule = std::optional<Verdict> (*)(const Incident&, Refusals&);

bool is_lock_kind(const std::string& kind) {
    return kind == "mutex" || kind == "rwsem" || kind == "semaphore";
}

Wait lock_wait(const std::string& kind) {
    return kind == "rwsem" ? Wait::rwsem : kind == "semaphore" ? Wait::semaphore : Wait::mutex;
}

std::string hop_ref(const Incident& in, const Hop& h) {
    size_t i = size_t(&h - in.chain.data());
    return "hop " + std::to_string(i + 1) + " (" + h.kind() + ")";
}

const char* kCaptureStep =
    "While it happens again, capture what the module could not link: echo w > "
    "/proc/sysrq-trigger lists the blocked tasks with their stacks and echo l > "
    "/proc/sysrq-trigger shows what every CPU runs.";

// Every hop in [0, upto) verified; otherwise a refusal quoting the module's reason.
bool verified_upto(const Incident& in, size_t upto, Refusals& refusals) {
    for (size_t i = 0; i < upto && i < in.chain.size(); i++) {
        const Hop& h = in.chain[i];
        if (h.verified)
            continue;
        refusals.push_back({hop_ref(in, h) + " is not verified: " +
                                h.reason.value_or("the module gave no reason"),
                            kCaptureStep});
        return false;
    }
    return true;
}

std::string lock_name(const Hop& h) {
    if (auto sym = json_str(raw_fields(h), "lock_symbol"))
        return h.kind() + " " + *sym;
    if (auto addr = json_str(raw_fields(h), "lock"))
        return h.kind() + " at " + *addr;
    return h.kind() + " (address unknown)";
}

std::optional<std::string> module_of_wait(const Task& waiter) {
    auto site = wait_site(waiter.stack);
    return site.caller ? site.caller->module : std::nullopt;
}

// "acme-sync (pid 122) has been blocked for more than 10 s in flush_work, called from
// acme_sync_write [acme_drv] (system call write)."
std::string victim_fact(const Incident& in) {
    const Victim& v = in.victims[0];
    std::string s = victim_task(in).name();
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
    return "hop " + std::to_string(size_t(&h - in.chain.data()) + 1) + " " + h.kind();
}

std::string verified_words(const Incident& in, const Hop& h) {
    return "(" + hop_label(in, h) + ", " + (h.verified ? "verified" : "not verified") + ")";
}

// ------------------------------------------------------------------------- cpu holders

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
                                std::optional<int64_t> expected_cpu, Refusals& refusals) {
    CpuHold c;
    c.hop = &h;
    const CpuHop& body = hop_body<CpuHop>(h);
    auto cpu = body.cpu;
    if (!cpu || *cpu < 0) {
        refusals.push_back({hop_ref(in, h) + " does not say which CPU it looked at", kCaptureStep});
        return std::nullopt;
    }
    c.cpu = *cpu;
    std::string cpu_s = "CPU " + std::to_string(c.cpu);
    if (expected_cpu && *expected_cpu >= 0 && *expected_cpu != c.cpu) {
        refusals.push_back({hop_ref(in, h) + " looked at " + cpu_s + " but the waiting task " +
                                "needs CPU " + std::to_string(*expected_cpu) +
                                ", so the link is not proven",
                            kCaptureStep});
        return std::nullopt;
    }
    if (!body.hog) {
        std::string why = hop_ref(in, h) + " names no task holding " + cpu_s;
        if (auto note = body.stack_note)
            why += " (" + *note + ")";
        refusals.push_back({why, kCaptureStep});
        return std::nullopt;
    }
    c.hog = task_of(body.hog);
    c.stack = body.hog_stack;
    trim_ipi_frames(c.stack);
    c.hog.stack = c.stack;
    c.source = body.hog_source;
    if (c.hog.idle()) {
        refusals.push_back({cpu_s + " was idle (" + c.hog.short_name() +
                                ") when hungtask looked: no task held it, so the wait for it "
                                "is not explained by a CPU holder",
                            kCaptureStep});
        return std::nullopt;
    }
    if (!c.hog.pid || *c.hog.pid <= 0) {
        refusals.push_back(
            {hop_ref(in, h) + " does not give the pid of the task on " + cpu_s, kCaptureStep});
        return std::nullopt;
    }
    if (c.hog.cpu && *c.hog.cpu != c.cpu) {
        refusals.push_back({"the task named as " + cpu_s + "'s holder, " + c.hog.name() +
                                ", was on CPU " + std::to_string(*c.hog.cpu) +
                                ", so the link is not proven",
                            kCaptureStep});
        return std::nullopt;
    }
    if (waiter && c.hog.same_task(*waiter)) {
        refusals.push_back({"the task on " + cpu_s + " is " + waiter->name() +
                                " itself: it runs rather than waits for the CPU, and its stack "
                                "does not show what it was asked to run",
                            "While it happens, echo l > /proc/sysrq-trigger shows where " +
                                waiter->short_name() + " runs on " + cpu_s + "."});
        return std::nullopt;
    }
    return c;
}

Culprit culprit_of(const Task& t) {
    Culprit c;
    c.pid = t.pid;
    c.comm = t.comm;
    if (auto f = code_frame(t)) {
        c.function = f->function;
        c.module = f->module;
    }
    return c;
}

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
    else if (auto note = hop_body<CpuHop>(*c.hop).stack_note)
        e.push_back("No stack was taken on " + cpu_s + ": " + *note + ".");
    if (real_time(c.hog))
        e.push_back(c.hog.short_name() + " runs with the real-time policy " +
                    policy_name(*c.hog.policy) + ", ahead of every normal task on its CPU.");
    const std::vector<RunqEntry>& runq = hop_body<CpuHop>(*c.hop).runq;
    if (!runq.empty()) {
        std::string s;
        size_t shown = 0;
        for (const auto& w : runq) {
            if (shown == 5)
                break;
            s += (shown++ ? ", " : "") + task_of(w).name();
        }
        int64_t total = hop_body<CpuHop>(*c.hop).runq_total.value_or(int64_t(runq.size()));
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
                         const std::string& subject = "") {
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

// -------------------------------------------------------------------------- lock walks

struct LockLink {
    const Hop* hop = nullptr;
    Task waiter;
    Task owner;
};

// The chain's leading lock hops, read.  `cycle_to` is set when the last link's owner is a
// task already in the chain: the index into `tasks` (0 = victim, i + 1 = owner of link i).
struct LockWalk {
    std::vector<LockLink> links;
    size_t tail = 0;  // index of the first hop after the lock hops
    std::optional<size_t> cycle_to;
    std::vector<Task> tasks() const {
        std::vector<Task> t;
        if (!links.empty())
            t.push_back(links[0].waiter);
        for (const auto& l : links)
            t.push_back(l.owner);
        return t;
    }
};

// nullopt without a refusal when the chain does not start with a lock hop; with one when a
// lock hop does not prove its link (unverified, owner unknown).
std::optional<LockWalk> walk_locks(const Incident& in, Refusals& refusals) {
    if (in.chain.empty() || !is_lock_kind(in.chain[0].kind()))
        return std::nullopt;
    LockWalk w;
    Task waiter = victim_task(in);
    std::vector<Task> seen{waiter};  // seen[k] is LockWalk::tasks()[k]
    size_t i = 0;
    for (; i < in.chain.size() && is_lock_kind(in.chain[i].kind()); i++) {
        const Hop& h = in.chain[i];
        if (!verified_upto(in, i + 1, refusals))
            return std::nullopt;
        const Json& owner = json_at(raw_fields(h), "owner");
        Task o = task_of(owner);
        if (!owner.is_object() || !o.pid || *o.pid <= 0) {
            std::string why = "the owner of " + lock_name(h) + " is not known";
            if (h.kind() == "semaphore")
                why += " (the kernel does not record semaphore owners)";
            else if (auto reason = h.reason)
                why += " (" + *reason + ")";
            refusals.push_back({why, wait_next_step(lock_wait(h.kind()), "PID")});
            return std::nullopt;
        }
        w.links.push_back({&h, waiter, o});
        for (size_t k = 0; k < seen.size() && !w.cycle_to; k++) {
            if (seen[k].same_task(o))
                w.cycle_to = k;
        }
        if (w.cycle_to) {
            i++;
            break;
        }
        seen.push_back(o);
        waiter = o;
    }
    w.tail = i;
    return w;
}

// "acme-sync (pid 300) waits for mutex acme_lock [acme_drv], taken from acme_ioctl [acme_drv];
// it is held by acme-ctl (pid 301), state D (hop 1 (mutex), verified)."
std::string lock_fact(const Incident& in, const LockLink& l) {
    std::string s = l.waiter.name() + " waits for " + lock_name(*l.hop);
    if (auto mode = json_str(raw_fields(*l.hop), "mode"))
        s += " (for " + *mode + ")";
    auto site = wait_site(l.waiter.stack);
    if (site.caller)
        s += ", taken from " + site.caller->text();
    s += "; it is held by " + l.owner.name();
    if (l.owner.state)
        s += ", state " + *l.owner.state;
    return s + " " + verified_words(in, *l.hop) + ".";
}

std::string lock_path(const LockWalk& w, size_t upto) {
    std::string s;
    for (size_t i = 0; i < upto && i < w.links.size(); i++) {
        const LockLink& l = w.links[i];
        s += (i ? ", which waits for " : " waits for ") + lock_name(*l.hop) + " held by " +
             l.owner.name();
    }
    return s;
}

// ------------------------------------------------------------------------- flush waits

// "acme_sync_work [acme_drv]": the flushed work item's function.
std::string work_target(const Hop& f) {
    const FlushWorkHop& fw = hop_body<FlushWorkHop>(f);
    std::string s = fw.target_function.value_or("an unknown function");
    if (auto m = fw.target_module)
        s += " [" + *m + "]";
    return s;
}

// "It waits for work item acme_sync_work [acme_drv], queued but not started, on workqueue
// events in pool 2 of CPU 1 (hop 1 flush_work, verified)."
std::string flush_fact(const Incident& in, const Hop& f) {
    const FlushWorkHop& fw = hop_body<FlushWorkHop>(f);
    auto pool_cpu = fw.pool_cpu;
    std::string state = fw.target_state.value_or("state unknown");
    std::string s = "It waits for work item " + work_target(f);
    s += state == "pending"   ? ", queued but not started,"
         : state == "running" ? ", which is running,"
                              : " (" + state + "),";
    s += " on workqueue " + fw.workqueue.value_or("?");
    if (pool_cpu && *pool_cpu >= 0)
        s += " in pool " + std::to_string(fw.pool_id.value_or(-1)) + " of CPU " +
             std::to_string(*pool_cpu);
    return s + " " + verified_words(in, f) + ".";
}

// ------------------------------------------------------------------------------- rules

// deadlock: lock hops whose owners come back to a task already in the chain.
std::optional<Verdict> rule_deadlock(const Incident& in, Refusals& refusals) {
    auto w = walk_locks(in, refusals);
    if (!w || !w->cycle_to)
        return std::nullopt;
    if (w->tail != in.chain.size()) {
        refusals.push_back({"the chain goes on after its lock hops come back to " +
                                w->links.back().owner.name() + ", which no rule expects",
                            kCaptureStep});
        return std::nullopt;
    }
    std::vector<Task> tasks = w->tasks();
    size_t first = *w->cycle_to;             // the task the cycle starts and ends at
    size_t last_link = w->links.size() - 1;  // the link closing the cycle
    // Members: tasks[first..last_link]; member tasks[i] waits for links[i], held by
    // tasks[i + 1] (tasks[last_link + 1] is tasks[first] again).
    std::vector<Task> members(tasks.begin() + long(first), tasks.begin() + long(last_link) + 1);
    // The task closing the cycle appears twice; either appearance may carry its stack.
    if (members[0].stack.empty())
        members[0].stack = tasks[last_link + 1].stack;

    Verdict v;
    v.kind = VerdictKind::deadlock;
    v.confidence = Confidence::high;
    v.evidence = start_evidence(in);
    for (const auto& l : w->links)
        v.evidence.push_back(lock_fact(in, l));

    std::vector<std::optional<Frame>> sites;
    for (const auto& m : members)
        sites.push_back(wait_site(m.stack).caller);
    bool all_sites = std::all_of(sites.begin(), sites.end(), [](const auto& s) { return s; });
    std::optional<std::string> one_module;
    if (all_sites && sites[0]->module &&
        std::all_of(sites.begin(), sites.end(),
                    [&](const auto& s) { return s->module == sites[0]->module; }))
        one_module = sites[0]->module;
    if (!all_sites) {
        v.confidence = Confidence::medium;
        v.evidence.push_back(
            "Confidence is medium: the stack of a task in the cycle does not show where it "
            "takes its lock.");
    }

    std::string cycle;
    for (size_t i = first; i <= last_link; i++) {
        const LockLink& l = w->links[i];
        cycle += (i == first ? l.waiter.name() + " waits for " : ", which waits for ") +
                 lock_name(*l.hop) + " held by " + l.owner.name();
    }
    std::string s;
    std::vector<std::string> site_names;  // distinct, functions only when one module
    for (const auto& site : sites) {
        std::string n = !site ? "" : one_module ? site->function : site->text();
        if (!n.empty() && std::find(site_names.begin(), site_names.end(), n) == site_names.end())
            site_names.push_back(n);
    }
    std::string sites_text;
    for (size_t i = 0; i < site_names.size(); i++)
        sites_text += (i == 0 ? "" : i + 1 == site_names.size() ? " and " : ", ") + site_names[i];
    std::string order =
        members.size() == 2 ? "in opposite orders (ABBA)" : "in orders that form a cycle";
    if (members.size() == 1) {
        const LockLink& l = w->links[last_link];
        s = "Deadlock: " + l.owner.name() + " waits for " + lock_name(*l.hop) +
            ", which it holds itself.";
        Culprit c;
        c.pid = l.owner.pid;
        c.comm = l.owner.comm;
        if (sites[0]) {
            c.function = sites[0]->function;
            c.module = sites[0]->module;
        }
        v.culprit = c;
        v.next_steps.push_back(
            (c.module ? "Report to the maintainer of " + *c.module + ": " : std::string()) +
            (c.function ? *c.function : l.owner.short_name()) + " takes " + lock_name(*l.hop) +
            " while already holding it (recursive locking); the stack above shows the path.");
    } else {
        s = "Deadlock: " + std::to_string(members.size()) + " tasks wait for each other's locks.";
        if (one_module) {
            v.culprit = Culprit{std::nullopt, std::nullopt, std::nullopt, one_module};
            s += " Every task of the cycle takes its lock in " + *one_module +
                 "'s code: the lock-order inversion is there.";
            v.next_steps.push_back("Report to the maintainer of " + *one_module + ": " +
                                   sites_text + (site_names.size() == 1 ? " takes" : " take") +
                                   " these locks " + order +
                                   ", a lock-order inversion; the chain above shows every lock "
                                   "and its holder.");
        } else {
            v.next_steps.push_back(
                "Report the lock-order inversion (locks taken " + order +
                "), with the chain above, to the maintainers of the code taking these locks" +
                (sites_text.empty() ? std::string() : ": " + sites_text) + ".");
        }
        s += " " + cycle + ".";
    }
    if (first > 0)
        s += " " + victim_name(in) + lock_path(*w, first) + ", which is in the cycle.";
    v.summary = s;
    v.evidence.push_back("The chain comes back to " + tasks[first].name() + ": " +
                         count(int64_t(members.size()), "task", "tasks") + " and " +
                         count(int64_t(members.size()), "lock", "locks") + " form a cycle.");
    v.next_steps.push_back(
        "Run the workload on a kernel with lockdep (CONFIG_PROVE_LOCKING=y): it reports such "
        "an inversion as soon as both lock orders have happened once, before anything hangs.");
    // State D is also a killable sleep (TASK_KILLABLE); only stacks without a killable or
    // interruptible lock call say the sleep is for good.
    bool stuck = std::all_of(members.begin(), members.end(), [](const Task& t) {
        return t.state == "D" && !t.stack.empty() &&
               std::none_of(t.stack.begin(), t.stack.end(), [](const std::string& f) {
                   return f.find("killable") != std::string::npos ||
                          f.find("interruptible") != std::string::npos;
               });
    });
    if (stuck)
        v.next_steps.push_back(
            "The tasks of the cycle sleep uninterruptibly (state D, no killable lock call on "
            "their stacks): they will not wake up, kill cannot free them, and recovery needs a "
            "reboot.");
    return v;
}

// runqueue_starvation: flush_work -> worker -> cpu, or lock hops -> cpu held by another task.
std::optional<Verdict> rule_runqueue_starvation(const Incident& in, Refusals& refusals) {
    const std::vector<Hop>& ch = in.chain;
    Verdict v;
    v.kind = VerdictKind::runqueue_starvation;
    v.evidence = start_evidence(in);
    Task waiter;  // the task that cannot get its CPU
    std::optional<int64_t> need_cpu;
    bool cross_checked = false;
    std::string path;  // the summary's account of the chain up to the CPU
    std::optional<std::string> victim_module;
    size_t cpu_at = 0;

    if (!ch.empty() && ch[0].kind() == "flush_work") {
        const Hop& f = ch[0];
        if (!verified_upto(in, 1, refusals))
            return std::nullopt;
        std::string target = work_target(f);
        victim_module = hop_body<FlushWorkHop>(f).target_module;
        auto pool_cpu = hop_body<FlushWorkHop>(f).pool_cpu;
        v.evidence.push_back(flush_fact(in, f));
        if (ch.size() < 2 || ch[1].kind() != "worker") {
            refusals.push_back({"the chain ends at the flush_work hop: the worker that must run " +
                                    target + " was not found",
                                wait_next_step(Wait::flush_work, "PID")});
            return std::nullopt;
        }
        const Hop& wk = ch[1];
        if (!verified_upto(in, 2, refusals))
            return std::nullopt;
        const WorkerHop& wbody = hop_body<WorkerHop>(wk);
        waiter = task_of(wbody.task);
        if (!wbody.task || !waiter.pid) {
            refusals.push_back({hop_ref(in, wk) + " names no worker task", kCaptureStep});
            return std::nullopt;
        }
        bool runs = wbody.runs_target.value_or(false);
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
        path = victim_name(in) + " is blocked in flush_work() waiting for " + target;
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
        cpu_at = 2;
    } else {
        auto w = walk_locks(in, refusals);
        if (!w || w->cycle_to || w->tail >= ch.size() || ch[w->tail].kind() != "cpu")
            return std::nullopt;
        waiter = w->links.back().owner;
        const Hop& c = ch[w->tail];
        auto hog = task_of(hop_body<CpuHop>(c).hog);
        if (hog.same_task(waiter))
            return std::nullopt;  // the owner runs: lock_chain's case
        if (waiter.state != "R") {
            refusals.push_back(
                {"the lock owner " + waiter.name() + " is in state " +
                     waiter.state.value_or("unknown") + ", not waiting for a CPU",
                 wait_next_step(Wait::none, waiter.pid ? std::to_string(*waiter.pid) : "PID")});
            return std::nullopt;
        }
        for (const auto& l : w->links)
            v.evidence.push_back(lock_fact(in, l));
        path = victim_name(in) + lock_path(*w, w->links.size()) + ", which is runnable";
        if (waiter.queued_ns)
            path += " but has waited " + secs(*waiter.queued_ns);
        victim_module = module_of_wait(w->links[0].waiter);
        need_cpu = waiter.cpu;
        cross_checked = waiter.cpu.has_value();
        cpu_at = w->tail;
    }

    if (cpu_at >= ch.size() || ch[cpu_at].kind() != "cpu") {
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

// lock_chain: lock hops to an owner that is not itself waiting on a followed lock.
std::optional<Verdict> rule_lock_chain(const Incident& in, Refusals& refusals) {
    auto w = walk_locks(in, refusals);
    if (!w || w->cycle_to)
        return std::nullopt;
    const LockLink& last = w->links.back();
    Task owner = last.owner;
    std::optional<CpuHold> hold;
    if (w->tail < in.chain.size()) {
        const Hop& t = in.chain[w->tail];
        if (t.kind() != "cpu" || w->tail + 1 != in.chain.size()) {
            if (t.kind() != "io" && t.kind() != "cpu")
                refusals.push_back({"the chain goes on after its lock hops with " + hop_ref(in, t) +
                                        ", which no rule reads",
                                    kCaptureStep});
            return std::nullopt;
        }
        if (!task_of(hop_body<CpuHop>(t).hog).same_task(owner))
            return std::nullopt;  // another task holds the owner's CPU: runqueue_starvation
        if (!verified_upto(in, in.chain.size(), refusals))
            return std::nullopt;
        hold = cpu_hold(in, t, nullptr, owner.cpu, refusals);
        if (!hold)
            return std::nullopt;
        // Where it runs, as the stack taken on its CPU shows: fresher than a walk's.
        if (!hold->stack.empty())
            owner.stack = hold->stack;
        if (!owner.since_arrival_ns)
            owner.since_arrival_ns = hold->hog.since_arrival_ns;
    }

    Verdict v;
    v.kind = VerdictKind::lock_chain;
    v.evidence = start_evidence(in);
    for (const auto& l : w->links)
        v.evidence.push_back(lock_fact(in, l));
    Culprit c = culprit_of(owner);
    v.culprit = c;
    std::string lock = lock_name(*last.hop);
    std::string where = c.function ? *c.function + (c.module ? " [" + *c.module + "]" : "")
                                   : std::string("code hungtask could not see");
    WaitSite own = wait_site(owner.stack);
    bool running = hold.has_value() || (owner.state == "R" && owner.on_cpu == true);
    std::string doing;
    v.confidence = Confidence::high;
    if (owner.state == "R" && !running) {
        doing = "is runnable in " + where + " but not on a CPU";
        v.confidence = Confidence::medium;
        v.evidence.push_back("Confidence is medium: " + owner.name() +
                             " is runnable but not on a CPU, and what keeps it off one was not "
                             "captured.");
    } else if (running) {
        doing = "runs in " + where;
        if (hold)
            doing += " on CPU " + std::to_string(hold->cpu);
        if (owner.since_arrival_ns)
            doing += " (on the CPU for " + secs(*owner.since_arrival_ns) + ")";
        if (hold)
            v.evidence.push_back(cpu_fact(in, *hold));
    } else if (own.wait == Wait::none || own.wait == Wait::sleep) {
        doing = own.wait == Wait::sleep ? "sleeps (" + own.primitive + ") in " + where
                                        : "sleeps in " + where;
        if (owner.state)
            doing += " (state " + *owner.state + ")";
        if (!c.function) {
            v.confidence = Confidence::medium;
            v.evidence.push_back(
                "Confidence is medium: the owner's stack was not captured, so "
                "where it holds the lock is not known.");
        }
    } else {
        doing = "itself waits for " + wait_words(own.wait) + " (" + own.primitive + ") in " + where;
        v.confidence = Confidence::medium;
        v.evidence.push_back("Confidence is medium: " + owner.name() + " itself waits for " +
                             wait_words(own.wait) + " (" + own.primitive +
                             "), which the chain does not follow; that wait may be the real "
                             "cause.");
    }
    if (own.wait != Wait::none && own.caller)
        v.evidence.push_back(owner.short_name() + "'s stack shows it in " + own.primitive +
                             ", called from " + own.caller->printed + ".");
    else if (auto f = code_frame(owner); f && !owner.stack.empty())
        v.evidence.push_back(owner.short_name() + "'s stack shows it in " + f->printed + ".");

    std::string s =
        c.module ? "Root cause: " + *c.module + "'s " + c.function.value_or(owner.short_name()) +
                       ", in " + owner.name() + ", holds " + lock + "."
                 : "Cause: " + owner.name() + (c.function ? " in " + *c.function : std::string()) +
                       " holds " + lock + ".";
    auto victim_module = module_of_wait(w->links[0].waiter);
    if (c.module && victim_module && *victim_module != *c.module)
        s += " " + *victim_module + " is a victim, not the cause.";
    s += " " + victim_name(in) + lock_path(*w, w->links.size()) + ", which " + doing + ".";
    v.summary = s;

    std::string pid = owner.pid ? std::to_string(*owner.pid) : "PID";
    std::string holds = owner.short_name() + " holds " + lock + " while it " + doing;
    v.next_steps.push_back(c.module ? "Report to the maintainer of " + *c.module + ": " + holds +
                                          ", and every task needing the lock waits behind it."
                                    : "Find out why " + owner.short_name() + " (pid " + pid +
                                          ") keeps " + lock + ": " + holds + "; cat /proc/" + pid +
                                          "/stack shows where it is now.");
    if (own.wait != Wait::none && own.wait != Wait::sleep && owner.state != "R")
        v.next_steps.push_back(owner.short_name() + " itself waits for " + wait_words(own.wait) +
                               ": " + wait_next_step(own.wait, pid));
    v.next_steps.push_back(
        "On a kernel with CONFIG_LOCKDEP, echo d > /proc/sysrq-trigger lists every held lock "
        "and its holder; echo w > /proc/sysrq-trigger lists the tasks waiting.");
    return v;
}

// io_wait: [lock hops ->] io hop.
std::optional<Verdict> rule_io_wait(const Incident& in, Refusals& refusals) {
    std::optional<LockWalk> w;
    size_t at = 0;
    if (!in.chain.empty() && is_lock_kind(in.chain[0].kind())) {
        w = walk_locks(in, refusals);
        if (!w || w->cycle_to)
            return std::nullopt;
        at = w->tail;
    }
    if (at >= in.chain.size() || in.chain[at].kind() != "io" || at + 1 != in.chain.size())
        return std::nullopt;
    if (!verified_upto(in, in.chain.size(), refusals))
        return std::nullopt;
    const Hop& io = in.chain[at];
    auto device = json_str(raw_fields(io), "device");
    if (!device) {
        refusals.push_back(
            {hop_ref(in, io) + " does not name the device", wait_next_step(Wait::io, "PID")});
        return std::nullopt;
    }
    auto inflight = json_int(raw_fields(io), "inflight");
    auto age = json_num(raw_fields(io), "oldest_request_age_ns");
    auto module = json_str(raw_fields(io), "module");
    auto driver = json_str(raw_fields(io), "driver");
    if (!driver)
        driver = module;
    std::string check = "Check the device: cat /sys/class/block/" + *device +
                        "/inflight shows the reads and writes its driver has not completed; "
                        "look for I/O errors or timeouts for " +
                        *device + " in the kernel log.";
    if (inflight && *inflight == 0) {
        refusals.push_back({"no request is in flight on " + *device +
                                " at the driver: the wait is not for the device",
                            check});
        return std::nullopt;
    }

    Verdict v;
    v.kind = VerdictKind::io_wait;
    v.confidence = inflight && age ? Confidence::high : Confidence::medium;
    v.evidence = start_evidence(in);
    if (w) {
        for (const auto& l : w->links)
            v.evidence.push_back(lock_fact(in, l));
    }
    Task waiter = w ? w->links.back().owner : victim_task(in);
    std::string drv =
        driver ? "driver " + *driver +
                     (module && *module != *driver ? " [" + *module + "]" : std::string())
               : std::string("its driver");
    std::string req = inflight ? count(*inflight, "request", "requests") + " in flight"
                               : std::string("requests in flight (how many is not known)");
    if (age)
        req += ", the oldest for " + secs(*age);
    v.evidence.push_back(waiter.name() + " waits for I/O on " + *device + " (" + drv + "): " + req +
                         " " + verified_words(in, io) + ".");
    if (v.confidence == Confidence::medium)
        v.evidence.push_back(
            "Confidence is medium: the number or the age of the requests in "
            "flight is not known.");
    if (module)
        v.culprit = Culprit{std::nullopt, std::nullopt, std::nullopt, module};

    std::string s =
        "Root cause: I/O on " + *device + " does not complete (" + drv + ", " + req + ").";
    s += " " + victim_name(in);
    if (w)
        s += lock_path(*w, w->links.size()) + ", which waits for that I/O.";
    else
        s += " waits for that I/O.";
    v.summary = s;

    v.next_steps.push_back(check);
    v.next_steps.push_back(
        (module ? "Report to the maintainer of " + *module + ", or check the device's health: "
                : std::string("Check the device's health and its driver: ")) +
        (age ? "the oldest request to " + *device + " has been in flight for " + secs(*age)
             : "requests to " + *device + " do not complete") +
        ".");
    return v;
}

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

// cpu_hog: a task holding its CPU is the cause itself.  Either the trigger says so (a
// per-CPU sampler's report: trigger cpu_hog with a verified cpu hop whose hog is a real
// task), or the flushed work item runs on its CPU and never yields: flush_work -> worker
// (runs the target, state R) -> cpu whose holder is that worker and whose stack, taken on
// the CPU, is in the target function.
std::optional<Verdict> rule_cpu_hog(const Incident& in, Refusals& refusals) {
    const std::vector<Hop>& ch = in.chain;
    if (in.trigger == Trigger::cpu_hog) {
        auto it = std::find_if(ch.begin(), ch.end(), [](const Hop& h) { return h.kind() == "cpu"; });
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

    if (ch.size() != 3 || ch[0].kind() != "flush_work" || ch[1].kind() != "worker" ||
        ch[2].kind() != "cpu" || !verified_upto(in, ch.size(), refusals))
        return std::nullopt;
    Task worker = task_of(hop_body<WorkerHop>(ch[1]).task);
    auto target = hop_body<FlushWorkHop>(ch[0]).target_function;
    if (hop_body<WorkerHop>(ch[1]).runs_target != true || worker.state != "R" || !target ||
        !task_of(hop_body<CpuHop>(ch[2]).hog).same_task(worker))
        return std::nullopt;
    std::optional<int64_t> need_cpu = worker.cpu;
    if (auto pool_cpu = hop_body<FlushWorkHop>(ch[0]).pool_cpu; pool_cpu && *pool_cpu >= 0)
        need_cpu = pool_cpu;
    auto hold = cpu_hold(in, ch[2], nullptr, need_cpu, refusals);
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
    evidence.push_back(flush_fact(in, ch[0]));
    evidence.push_back(worker.name() + " runs that work and is on " + cpu_s + ", in state R " +
                       verified_words(in, ch[1]) + ".");
    std::string path = victim_name(in) + " is blocked in flush_work() waiting for " +
                       work_target(ch[0]) + ", which does not finish: ";
    return cpu_hog_verdict(in, *hold, std::move(evidence), path, "the work item " + *target);
}

struct NamedRule {
    const char* name;
    Rule explain;
};

// Tried in order; the first verdict wins.  deadlock before lock_chain (a cycle is also a
// chain of locks); the others match disjoint shapes.
constexpr NamedRule kRules[] = {
    {"deadlock", rule_deadlock},     {"runqueue_starvation", rule_runqueue_starvation},
    {"lock_chain", rule_lock_chain}, {"io_wait", rule_io_wait},
    {"cpu_hog", rule_cpu_hog},
};

// --------------------------------------------------------------------------- fallback

// One clause per hop for the summary of an unproven chain.
std::string hop_clause(const Hop& h) {
    const Json& f = raw_fields(h);
    if (const auto* fw = h.as<FlushWorkHop>()) {
        std::string s = "waits in flush_work() for " +
                        fw->target_function.value_or("an unknown function");
        if (auto m = fw->target_module)
            s += " [" + *m + "]";
        return s + " (" + fw->target_state.value_or("state unknown") + ")";
    }
    if (const auto* wk = h.as<WorkerHop>()) {
        Task t = task_of(wk->task);
        return std::string(wk->runs_target == true ? "the worker running it"
                                                   : "the worker that must run it") +
               " is " + t.name() + " in state " + t.state.value_or("?");
    }
    if (const auto* c = h.as<CpuHop>()) {
        auto cpu = c->cpu;
        std::string s = "CPU " + (cpu ? std::to_string(*cpu) : std::string("?"));
        return c->hog ? s + " runs " + task_of(c->hog).name() : s + " (no holder captured)";
    }
    if (is_lock_kind(h.kind())) {
        const Json& owner = json_at(f, "owner");
        return "waits for " + lock_name(h) +
               (owner.is_object() ? " held by " + task_of(owner).name() : " (owner unknown)");
    }
    if (h.kind() == "io")
        return "waits for I/O on " + json_str(f, "device").value_or("an unnamed device");
    return "a " + h.kind() + " hop";
}

Verdict explain_unknown(const Incident& in, const Refusals& refusals) {
    Verdict v;
    v.kind = VerdictKind::unknown;
    v.confidence = Confidence::low;
    v.evidence = start_evidence(in);
    std::string who = victim_name(in);
    std::string pid = in.victims.empty() ? "PID" : std::to_string(in.victims[0].pid);
    WaitSite site = in.victims.empty() ? WaitSite{} : wait_site(in.victims[0].stack);

    if (in.chain.empty()) {
        std::string s = who + " is blocked";
        if (!in.victims.empty()) {
            if (auto where = blocked_in(in.victims[0]))
                s += " in " + *where;
        }
        if (site.wait != Wait::none) {
            s += ": it waits for " + wait_words(site.wait) + " (" + site.primitive + ")";
            if (site.caller)
                s += (site.wait == Wait::mutex || site.wait == Wait::rwsem ||
                              site.wait == Wait::semaphore
                          ? " taken from "
                          : " called from ") +
                     site.caller->text();
        }
        s += "; " + wait_not_followed(site.wait) + ", so no cause is proven.";
        v.summary = s;
        v.evidence.push_back("hungtask.ko captured no chain from " + who + " to a cause.");
        v.next_steps.push_back(wait_next_step(site.wait, pid));
        return v;
    }

    std::string s = who;
    for (size_t i = 0; i < in.chain.size(); i++) {
        const Hop& h = in.chain[i];
        s += (i ? "; " : " ") + hop_clause(h);
        std::string fact = "Hop " + std::to_string(i + 1) + " " + h.kind() + ", ";
        fact += h.verified ? "verified"
                           : "not verified (" +
                                 h.reason.value_or("no reason given") + ")";
        v.evidence.push_back(fact + ": " + hop_clause(h) + ".");
    }
    s += "; no cause is proven";
    if (!refusals.empty())
        s += ": " + refusals.front().why;
    else
        s += ": hungtask has no rule for a chain of this shape";
    v.summary = s + ".";
    for (size_t i = 1; i < refusals.size(); i++) {
        bool repeated = std::any_of(refusals.begin(), refusals.begin() + long(i),
                                    [&](const Refusal& r) { return r.why == refusals[i].why; });
        if (!repeated)
            v.evidence.push_back("Also: " + refusals[i].why + ".");
    }
    if (!refusals.empty() && !refusals.front().next_step.empty())
        v.next_steps.push_back(refusals.front().next_step);
    else
        v.next_steps.push_back(wait_next_step(site.wait, pid));
    return v;
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
    Refusals refusals;
    for (const auto& rule : kRules) {
        try {
            if (auto v = rule.explain(in, refusals))
                return *v;
        } catch (const std::exception&) {
            // A rule that cannot read a record blames nobody; the next one may.
        }
    }
    try {
        return explain_unknown(in, refusals);
    } catch (const std::exception&) {
        Verdict v;
        v.kind = VerdictKind::unknown;
        v.confidence = Confidence::low;
        v.summary = "The captured chain could not be read, so no cause is proven.";
        return v;
    }
}

}  // namespace hungtask
