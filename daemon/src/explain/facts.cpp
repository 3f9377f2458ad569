// The facts the explainer draws from a chain: hops read through named accessors, tasks,
// stacks and the CPU holder.  This file is the only place that reads a Hop's kind and
// fields (see facts.hpp); rules and sentences use what it returns.
#include "explain/facts.hpp"

#include <algorithm>
#include <initializer_list>

#include "explain/explain.hpp"
#include "model/frames.hpp"

namespace hungtask::explainer {

// ------------------------------------------------------------------------- hop accessors
//
// The only code that reads a Hop's kind and typed body (hops/).  The hop types were
// validated where they were decoded; a fact a record lacks is nullopt / empty here.

HopKind hop_kind(const Hop& h) {
    struct Kind {
        HopKind operator()(const FlushWorkHop&) const { return HopKind::flush_work; }
        HopKind operator()(const WorkerHop&) const { return HopKind::worker; }
        HopKind operator()(const CpuHop&) const { return HopKind::cpu; }
        HopKind operator()(const MutexHop&) const { return HopKind::mutex; }
        HopKind operator()(const RwsemHop&) const { return HopKind::rwsem; }
        HopKind operator()(const SemaphoreHop&) const { return HopKind::semaphore; }
        HopKind operator()(const UnknownHop&) const { return HopKind::other; }
    };
    return std::visit(Kind{}, h.body);
}

std::string hop_kind_name(const Hop& h) {
    return h.kind();
}

bool hop_verified(const Hop& h) {
    return h.verified;
}

std::optional<std::string> hop_reason(const Hop& h) {
    return h.reason;
}

namespace {

// A task as a hop describes it (TASK in explain.hpp).
Task task_of(const HopTask& t) {
    Task k;
    k.pid = t.pid;
    k.comm = t.comm;
    k.state = t.state;
    k.function = t.function;
    k.module = t.module;
    k.cpu = t.cpu;
    k.policy = t.policy;
    k.nvcsw = t.nvcsw;
    k.kthread = t.kthread;
    k.on_cpu = t.on_cpu;
    k.on_rq = t.on_rq;
    if (t.since_arrival_ns)
        k.since_arrival_ns = double(*t.since_arrival_ns);
    if (t.queued_ns)
        k.queued_ns = double(*t.queued_ns);
    return k;
}

std::optional<Task> task_of(const std::optional<HopTask>& t) {
    if (!t)
        return std::nullopt;
    return task_of(*t);
}

Task task_of(const RunqEntry& r) {
    Task k;
    k.pid = r.pid;
    k.comm = r.comm;
    k.state = r.state;
    if (r.queued_ns)
        k.queued_ns = double(*r.queued_ns);
    return k;
}

}  // namespace

std::optional<std::string> flush_target_function(const Hop& h) {
    const auto* f = h.as<FlushWorkHop>();
    return f ? f->target_function : std::nullopt;
}

std::optional<std::string> flush_target_module(const Hop& h) {
    const auto* f = h.as<FlushWorkHop>();
    return f ? f->target_module : std::nullopt;
}

std::optional<std::string> flush_target_state(const Hop& h) {
    const auto* f = h.as<FlushWorkHop>();
    return f ? f->target_state : std::nullopt;
}

std::optional<std::string> flush_workqueue(const Hop& h) {
    const auto* f = h.as<FlushWorkHop>();
    return f ? f->workqueue : std::nullopt;
}

std::optional<int64_t> flush_pool_cpu(const Hop& h) {
    const auto* f = h.as<FlushWorkHop>();
    return f ? f->pool_cpu : std::nullopt;
}

std::optional<int64_t> flush_pool_id(const Hop& h) {
    const auto* f = h.as<FlushWorkHop>();
    return f ? f->pool_id : std::nullopt;
}

std::optional<Task> worker_task(const Hop& h) {
    const auto* w = h.as<WorkerHop>();
    return w ? task_of(w->task) : std::nullopt;
}

std::optional<bool> worker_runs_target(const Hop& h) {
    const auto* w = h.as<WorkerHop>();
    return w ? w->runs_target : std::nullopt;
}

std::optional<int64_t> hop_cpu(const Hop& h) {
    const auto* c = h.as<CpuHop>();
    return c ? c->cpu : std::nullopt;
}

std::optional<Task> cpu_holder(const Hop& h) {
    const auto* c = h.as<CpuHop>();
    return c ? task_of(c->hog) : std::nullopt;
}

std::optional<std::string> mutex_lock_sym(const Hop& h) {
    const auto* m = h.as<MutexHop>();
    return m ? m->lock_sym : std::nullopt;
}

std::optional<std::string> mutex_lock_addr(const Hop& h) {
    const auto* m = h.as<MutexHop>();
    return m ? m->lock : std::nullopt;
}

std::optional<Task> mutex_owner(const Hop& h) {
    const auto* m = h.as<MutexHop>();
    if (!m || !m->owner)
        return std::nullopt;
    Task t = task_of(*m->owner);
    t.stack = m->owner_stack;
    return t;
}

std::optional<int64_t> mutex_owner_offcpu_ns(const Hop& h) {
    const auto* m = h.as<MutexHop>();
    return m ? m->owner_offcpu_ns : std::nullopt;
}

std::optional<std::string> mutex_owner_stack_note(const Hop& h) {
    const auto* m = h.as<MutexHop>();
    return m ? m->owner_stack_note : std::nullopt;
}

std::optional<int64_t> mutex_waiters(const Hop& h) {
    const auto* m = h.as<MutexHop>();
    return m ? m->waiters : std::nullopt;
}

std::optional<bool> hop_cycle(const Hop& h) {
    if (const auto* r = h.as<RwsemHop>())
        return r->cycle;
    const auto* m = h.as<MutexHop>();
    return m ? m->cycle : std::nullopt;
}

bool owner_lock_hop(const Hop& h) {
    return h.as<MutexHop>() || h.as<RwsemHop>();
}

std::string lock_call(const Hop& h) {
    if (const auto* r = h.as<RwsemHop>())
        return r->write == true ? "down_write()" : r->write == false ? "down_read()" : "down_*()";
    if (h.as<SemaphoreHop>())
        return "down()";
    return "mutex_lock()";
}

std::string lock_type(const Hop& h) {
    if (h.as<RwsemHop>())
        return "rw_semaphore";
    if (h.as<SemaphoreHop>())
        return "semaphore";
    return "mutex";
}

std::optional<std::string> lock_sym_of(const Hop& h) {
    if (const auto* r = h.as<RwsemHop>())
        return r->lock_sym;
    if (const auto* s = h.as<SemaphoreHop>())
        return s->lock_sym;
    return mutex_lock_sym(h);
}

std::optional<std::string> lock_addr_of(const Hop& h) {
    if (const auto* r = h.as<RwsemHop>())
        return r->lock;
    if (const auto* s = h.as<SemaphoreHop>())
        return s->lock;
    return mutex_lock_addr(h);
}

std::optional<Task> lock_owner(const Hop& h) {
    const auto* r = h.as<RwsemHop>();
    if (!r)
        return mutex_owner(h);
    if (!r->owner || r->last_reader != false)
        return std::nullopt;  // a reader (or not said) is never an owner here
    Task t = task_of(*r->owner);
    t.stack = r->owner_stack;
    return t;
}

std::optional<int64_t> lock_owner_offcpu_ns(const Hop& h) {
    if (const auto* r = h.as<RwsemHop>())
        return r->owner_offcpu_ns;
    return mutex_owner_offcpu_ns(h);
}

std::optional<std::string> lock_owner_stack_note(const Hop& h) {
    if (const auto* r = h.as<RwsemHop>())
        return r->owner_stack_note;
    return mutex_owner_stack_note(h);
}

std::optional<int64_t> lock_waiters(const Hop& h) {
    if (const auto* r = h.as<RwsemHop>())
        return r->waiters;
    if (const auto* s = h.as<SemaphoreHop>())
        return s->waiters;
    return mutex_waiters(h);
}

std::optional<Task> rwsem_last_reader(const Hop& h) {
    const auto* r = h.as<RwsemHop>();
    if (!r || !r->owner || r->last_reader != true)
        return std::nullopt;
    Task t = task_of(*r->owner);
    t.stack = r->owner_stack;
    return t;
}

std::optional<int64_t> rwsem_readers(const Hop& h) {
    const auto* r = h.as<RwsemHop>();
    return r ? r->readers : std::nullopt;
}

std::optional<int64_t> sem_count(const Hop& h) {
    const auto* s = h.as<SemaphoreHop>();
    return s ? s->count : std::nullopt;
}

std::vector<std::string> sem_other_waiters(const Hop& h) {
    std::vector<std::string> out;
    if (const auto* s = h.as<SemaphoreHop>())
        for (const auto& w : s->other_waiters)
            out.push_back(w.comm.value_or("?") + " (pid " +
                          (w.pid ? std::to_string(*w.pid) : std::string("?")) + ")");
    return out;
}

std::vector<std::string> cpu_holder_stack(const Hop& h) {
    const auto* c = h.as<CpuHop>();
    return c ? c->hog_stack : std::vector<std::string>{};
}

std::optional<std::string> cpu_holder_source(const Hop& h) {
    const auto* c = h.as<CpuHop>();
    return c ? c->hog_source : std::nullopt;
}

std::optional<std::string> cpu_stack_note(const Hop& h) {
    const auto* c = h.as<CpuHop>();
    return c ? c->stack_note : std::nullopt;
}

std::optional<std::vector<Task>> cpu_runq(const Hop& h) {
    const auto* c = h.as<CpuHop>();
    if (!c)
        return std::nullopt;
    std::vector<Task> out;
    for (const auto& r : c->runq)
        out.push_back(task_of(r));
    return out;
}

std::optional<int64_t> cpu_runq_total(const Hop& h) {
    const auto* c = h.as<CpuHop>();
    return c ? c->runq_total : std::nullopt;
}

// ------------------------------------------------------------------------------ stacks

std::optional<Frame> frame_of(std::string_view printed) {
    size_t start = printed.find_first_not_of(' ');
    if (start == std::string_view::npos || printed.substr(start).starts_with("? "))
        return std::nullopt;  // "? " frames are stale stack words, not calls
    std::string fn = frame_function(printed);
    if (fn.empty() || fn.starts_with("0x"))
        return std::nullopt;
    return Frame{fn, frame_module(printed), std::string(printed.substr(start))};
}

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

// ------------------------------------------------------------------------------- tasks

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

bool real_time(const Task& t) {
    return t.policy && (*t.policy == 1 || *t.policy == 2 || *t.policy == 6);
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

// ------------------------------------------------------------------------- chain links

std::string hop_ref(const Incident& in, const Hop& h) {
    size_t i = size_t(&h - in.chain.data());
    return "hop " + std::to_string(i + 1) + " (" + hop_kind_name(h) + ")";
}

// Every hop in [0, upto) verified; otherwise a refusal quoting the module's reason.
bool verified_upto(const Incident& in, size_t upto, Refusals& refusals) {
    for (size_t i = 0; i < upto && i < in.chain.size(); i++) {
        const Hop& h = in.chain[i];
        if (hop_verified(h))
            continue;
        refusals.push_back({hop_ref(in, h) + " is not verified: " +
                                hop_reason(h).value_or("the module gave no reason"),
                            kCaptureStep});
        return false;
    }
    return true;
}

// Reads `h` as the CPU that `waiter` needs; refuses (nullopt) when it names no real holder,
// names the waiter itself, or looks at another CPU than `expected_cpu`.
std::optional<CpuHold> cpu_hold(const Incident& in, const Hop& h, const Task* waiter,
                                std::optional<int64_t> expected_cpu, Refusals& refusals) {
    CpuHold c;
    c.hop = &h;
    auto cpu = hop_cpu(h);
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
    auto hog = cpu_holder(h);
    if (!hog) {
        std::string why = hop_ref(in, h) + " names no task holding " + cpu_s;
        if (auto note = cpu_stack_note(h))
            why += " (" + *note + ")";
        refusals.push_back({why, kCaptureStep});
        return std::nullopt;
    }
    c.hog = *hog;
    c.stack = cpu_holder_stack(h);
    trim_ipi_frames(c.stack);
    c.hog.stack = c.stack;
    c.source = cpu_holder_source(h);
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

}  // namespace hungtask::explainer
