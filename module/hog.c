// SPDX-License-Identifier: GPL-2.0
/*
 * The per-CPU hog sampler: an hrtimer on each CPU, independent of
 * kernel.watchdog and of khungtaskd (which a hog can starve), notices a task
 * that holds its CPU longer than hog_threshold_ms without a context switch
 * while other tasks wait on that CPU, and files a cpu_hog incident.
 *
 * The timer runs in hard IRQ context on the CPU it samples, so `current` is
 * the task it interrupted: no other task's memory is read there, and the
 * interrupted stack is the stack of the IRQ itself (stack_trace_save(), as
 * chain_cpu.c's stack IPI does). A task holds the CPU without a switch while
 * its nvcsw + nivcsw (counted by __schedule() at every switch-out) stay the
 * same; the hold started at its sched_info.last_arrival (set at its
 * switch-in). Other tasks wait when the runqueue holds more than the running
 * task: !single_task_running() (rq->nr_running != 1, read on this CPU). The
 * idle task never counts, a hold shorter than the threshold never counts.
 *
 * Per tick the timer does O(1) work and takes no lock. Only when it reports
 * does it copy the task and its stack into this CPU's hand-over slot and
 * queue one work item (system_unbound_wq: never the hogged CPU's pool), which
 * builds the incident (the waiting tasks come from chain_cpu.c's bounded walk)
 * and files it through capture.c (ring, kmsg, netlink). A hog is reported
 * when its hold first passes the threshold, again each time it has doubled
 * (3 s, 6 s, 12 s, ... with the defaults), and once more when it ends (the
 * task switched, or the CPU went idle), with how long it held the CPU.
 *
 * CPU hotplug: timers run on the CPUs online at load. A timer that finds
 * itself on another CPU (its CPU went offline, the hrtimer migrated) stops.
 */
#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/hrtimer.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sched/stat.h>
#include <linux/smp.h>
#include <linux/stacktrace.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "internal.h"

/* The timer's own frames (hog.c, hrtimer core, IRQ entry) come first: at most this many. */
#define HUNGTASK_HOG_IRQ_FRAMES_MAX 12

/* Read by the timers, set by the parameters and by netlink config-set (netlink.c). */
unsigned int hungtask_hog_period_ms = HUNGTASK_HOG_PERIOD_DEFAULT;
unsigned int hungtask_hog_threshold_ms = HUNGTASK_HOG_THRESHOLD_DEFAULT;

static int hungtask_hog_param_set(const char *val, const struct kernel_param *kp)
{
	bool period = kp->arg == &hungtask_hog_period_ms;
	unsigned int v;
	int ret;

	ret = kstrtouint(val, 0, &v);
	if (ret)
		return ret;
	if (period ? !hungtask_hog_period_valid(v) : !hungtask_hog_threshold_valid(v))
		return -EINVAL;
	WRITE_ONCE(*(unsigned int *)kp->arg, v);
	return 0;
}

static const struct kernel_param_ops hungtask_hog_param_ops = {
	.set = hungtask_hog_param_set,
	.get = param_get_uint,
};
module_param_cb(hog_period_ms, &hungtask_hog_param_ops, &hungtask_hog_period_ms, 0644);
__MODULE_PARM_TYPE(hog_period_ms, "uint");
MODULE_PARM_DESC(hog_period_ms, "period of the per-CPU hog sampler in ms: 10..60000 (default 1000)");
module_param_cb(hog_threshold_ms, &hungtask_hog_param_ops, &hungtask_hog_threshold_ms, 0644);
__MODULE_PARM_TYPE(hog_threshold_ms, "uint");
MODULE_PARM_DESC(hog_threshold_ms,
		 "report a task holding its CPU this long without a context switch while others wait (cpu_hog incident), in ms: 0 (off) or 1..3600000 (default 3000)");

enum hungtask_hog_phase {
	HUNGTASK_HOG_FIRST,	/* the hold passed the threshold */
	HUNGTASK_HOG_AGAIN,	/* the hold doubled since the last report */
	HUNGTASK_HOG_END,	/* the task switched or the CPU went idle */
};

/* What the timer hands to the work item: copied, never a pointer to a task. */
struct hungtask_hog_report {
	enum hungtask_hog_phase phase;
	int cpu;
	unsigned int nr;	/* the report's number in this hold, 1 for the first */
	u64 held_ns;		/* hold so far; for END: until it was last seen holding */
	u64 real_ns;		/* ktime_get_real_ns() of the report */
	struct hungtask_task_snap snap;
	struct hungtask_stack stack;
};

/*
 * One CPU's sampler. Everything but busy/rep/stats is touched only by this
 * CPU's timer callback. rep belongs to the timer while busy == 0 and to the
 * work item while busy == 1 (release/acquire on busy hands it over).
 */
struct hungtask_hog_cpu {
	struct hrtimer timer;
	int cpu;
	bool started;
	/* the task being watched: compared, never dereferenced */
	const struct task_struct *task;
	pid_t pid;
	unsigned long switches;
	u64 start_ns;		/* local_clock() time the hold began */
	u64 last_ns;		/* last tick that saw it holding */
	u64 next_held_ns;	/* report again once the hold reaches this */
	unsigned int reports;	/* reports of this hold */
	struct hungtask_hog_report last;	/* the last report, for the END record */
	atomic_t busy;
	struct hungtask_hog_report rep;
	/* cost of the callback; read racily by the status reader */
	u64 ticks, tick_ns_sum, tick_ns_max;
	u64 filed, skipped_busy;
};

static struct hungtask_hog_cpu __percpu *hungtask_hog_cpus;
static struct hungtask_incident hungtask_hog_scratch;	/* only the work item uses it */
static void hungtask_hog_work_fn(struct work_struct *work);
static DECLARE_WORK(hungtask_hog_work, hungtask_hog_work_fn);

/* Hand @phase over to the work item. Context: this CPU's timer (hard IRQ). */
static bool hungtask_hog_hand(struct hungtask_hog_cpu *hc, enum hungtask_hog_phase phase,
			      u64 held_ns)
{
	if (atomic_read(&hc->busy)) {
		hc->skipped_busy++;
		return false;
	}
	if (phase != HUNGTASK_HOG_END) {
		hungtask_snap_task(current, &hc->last.snap);
		hc->last.stack.nr = stack_trace_save(hc->last.stack.frames, HUNGTASK_MAX_FRAMES, 0);
		hc->last.nr = hc->reports + 1;
	}
	hc->last.phase = phase;
	hc->last.cpu = hc->cpu;
	hc->last.held_ns = held_ns;
	hc->last.real_ns = ktime_get_real_ns();
	hc->rep = hc->last;
	atomic_set_release(&hc->busy, 1);
	queue_work(system_unbound_wq, &hungtask_hog_work);
	return true;
}

/*
 * The watched hold is over. Return false when its END record could not be
 * handed over yet (the slot is busy): the next tick tries again.
 */
static bool hungtask_hog_over(struct hungtask_hog_cpu *hc)
{
	if (hc->reports && !hungtask_hog_hand(hc, HUNGTASK_HOG_END, hc->last_ns - hc->start_ns))
		return false;
	hc->task = NULL;
	hc->pid = 0;
	hc->reports = 0;
	return true;
}

static void hungtask_hog_sample(struct hungtask_hog_cpu *hc, u64 threshold_ns)
{
	struct task_struct *t = current;
	unsigned long switches;
	u64 now = local_clock(), held;

	if (is_idle_task(t)) {
		hungtask_hog_over(hc);
		return;
	}
	switches = READ_ONCE(t->nvcsw) + READ_ONCE(t->nivcsw);
	if (t != hc->task || t->pid != hc->pid || switches != hc->switches) {
		u64 arrival = READ_ONCE(t->sched_info.last_arrival);

		if (!hungtask_hog_over(hc))
			return;
		hc->task = t;
		hc->pid = t->pid;
		hc->switches = switches;
		/* sched_info times are this CPU's rq clock (sched_clock_cpu). */
		hc->start_ns = arrival && arrival <= now ? arrival : now;
	}
	hc->last_ns = now;
	held = now - hc->start_ns;
	if (held < threshold_ns || (hc->reports && held < hc->next_held_ns))
		return;
	if (single_task_running())
		return;		/* nobody waits behind it */
	if (hungtask_hog_hand(hc, hc->reports ? HUNGTASK_HOG_AGAIN : HUNGTASK_HOG_FIRST, held)) {
		hc->reports++;
		hc->next_held_ns = held * 2;
	}
}

static enum hrtimer_restart hungtask_hog_tick(struct hrtimer *timer)
{
	struct hungtask_hog_cpu *hc = container_of(timer, struct hungtask_hog_cpu, timer);
	unsigned int threshold_ms = READ_ONCE(hungtask_hog_threshold_ms);
	u64 t0 = ktime_get_ns(), cost;

	if (hc->cpu != smp_processor_id())
		return HRTIMER_NORESTART;
	if (threshold_ms)
		hungtask_hog_sample(hc, (u64)threshold_ms * NSEC_PER_MSEC);
	else
		hungtask_hog_over(hc);
	cost = ktime_get_ns() - t0;
	hc->ticks++;
	hc->tick_ns_sum += cost;
	if (cost > hc->tick_ns_max)
		hc->tick_ns_max = cost;
	hrtimer_forward_now(timer, ms_to_ktime(READ_ONCE(hungtask_hog_period_ms)));
	return HRTIMER_RESTART;
}

/*
 * Cut the timer interrupt's own frames from a stack the timer took: what ran
 * when it fired starts after the x86 IRQ entry stub (asm_sysvec_*,
 * asm_common_interrupt). No stub among the first frames: the stack is kept
 * whole. Return false when nothing follows the stub: the interrupted context
 * was user space. Context: process context (symbol lookup).
 */
static bool hungtask_hog_cut_irq(struct hungtask_stack *st)
{
	char name[KSYM_SYMBOL_LEN];
	unsigned int i, from = 0;

	for (i = 0; i < min_t(unsigned int, st->nr, HUNGTASK_HOG_IRQ_FRAMES_MAX); i++) {
		sprint_symbol_no_offset(name, st->frames[i]);
		if (str_has_prefix(name, "asm_sysvec_") || str_has_prefix(name, "asm_common_interrupt"))
			from = i + 1;
	}
	if (!from)
		return true;
	memmove(st->frames, st->frames + from, (st->nr - from) * sizeof(st->frames[0]));
	st->nr -= from;
	return st->nr > 0;
}

/* Build the incident of one report and file it. Context: the work item. */
static void hungtask_hog_file(const struct hungtask_hog_report *rep)
{
	struct hungtask_incident *inc = &hungtask_hog_scratch;
	struct hungtask_ctx ctx = { .inc = inc };
	struct hungtask_hop_cpu *c;
	struct hungtask_hop *hop;
	u64 t0 = ktime_get_ns();
	u64 held_ms = div_u64(rep->held_ns, NSEC_PER_MSEC);

	memset(inc, 0, sizeof(*inc));
	inc->trigger = HUNGTASK_TRIGGER_CPU_HOG;
	/* Its one subject is the hog; it never coalesces (ring.c), so no sample. */
	inc->victim_count = 1;
	inc->detected_ns = rep->real_ns;
	inc->victim = rep->snap;
	inc->victim_stack = rep->stack;
	if (!hungtask_hog_cut_irq(&inc->victim_stack))
		strscpy(inc->stack_note, "the timer interrupted the hog in user space: no kernel stack",
			sizeof(inc->stack_note));
	inc->switch_count = rep->snap.nvcsw + rep->snap.nivcsw;
	inc->blocked_s = div_u64(rep->held_ns, NSEC_PER_SEC);
	inc->syscall_nr = -1;
	hop = hungtask_hop_add(&ctx, HUNGTASK_HOP_KIND_CPU);
	c = &hop->cpu;
	c->cpu = rep->cpu;
	c->have_hog = true;
	c->hog = rep->snap;
	c->hog_stack = inc->victim_stack;
	c->hog_source = "ipi";	/* current of that CPU, read on it in interrupt context */
	hop->verified = true;
	if (rep->phase == HUNGTASK_HOG_END) {
		snprintf(hop->reason, sizeof(hop->reason),
			 "hog sampler: ended: held CPU %d for %llu.%03llu s without a switch, %u report(s)",
			 rep->cpu, held_ms / 1000, held_ms % 1000, rep->nr);
	} else {
		snprintf(hop->reason, sizeof(hop->reason),
			 "hog sampler: report %u: held CPU %d for %llu.%03llu s without a switch, tasks waiting",
			 rep->nr, rep->cpu, held_ms / 1000, held_ms % 1000);
		rcu_read_lock();
		hungtask_cpu_runq_walk(&ctx, c);
		rcu_read_unlock();
	}
	hungtask_host_snap(&inc->host);
	inc->capture_ns = ktime_get_ns() - t0;
	hungtask_capture_file(inc);
}

static void hungtask_hog_work_fn(struct work_struct *work)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct hungtask_hog_cpu *hc = per_cpu_ptr(hungtask_hog_cpus, cpu);

		if (!atomic_read_acquire(&hc->busy))
			continue;
		hungtask_hog_file(&hc->rep);
		hc->filed++;
		atomic_set_release(&hc->busy, 0);
	}
}

/* Runs on each CPU (on_each_cpu()): a pinned timer starts on the CPU that starts it. */
static void hungtask_hog_start(void *unused)
{
	struct hungtask_hog_cpu *hc = this_cpu_ptr(hungtask_hog_cpus);

	hc->cpu = smp_processor_id();
	hrtimer_init(&hc->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD);
	hc->timer.function = hungtask_hog_tick;
	WRITE_ONCE(hc->started, true);
	hrtimer_start(&hc->timer, ms_to_ktime(READ_ONCE(hungtask_hog_period_ms)),
		      HRTIMER_MODE_REL_PINNED_HARD);
}

/**
 * hungtask_hog_stats() - the sampler's cost and counts, summed over CPUs.
 * @st: filled. Racy reads of per-CPU counters: a status, not an account.
 *
 * Context: any.
 */
void hungtask_hog_stats(struct hungtask_hog_stats *st)
{
	int cpu;

	memset(st, 0, sizeof(*st));
	st->period_ms = READ_ONCE(hungtask_hog_period_ms);
	st->threshold_ms = READ_ONCE(hungtask_hog_threshold_ms);
	if (!hungtask_hog_cpus)
		return;
	for_each_possible_cpu(cpu) {
		const struct hungtask_hog_cpu *hc = per_cpu_ptr(hungtask_hog_cpus, cpu);

		if (!READ_ONCE(hc->started))
			continue;
		st->cpus++;
		st->ticks += READ_ONCE(hc->ticks);
		st->tick_ns_sum += READ_ONCE(hc->tick_ns_sum);
		st->tick_ns_max = max(st->tick_ns_max, READ_ONCE(hc->tick_ns_max));
		st->filed += READ_ONCE(hc->filed);
		st->skipped_busy += READ_ONCE(hc->skipped_busy);
	}
}

/**
 * hungtask_hog_init() - start the sampler on every online CPU.
 *
 * Context: process context, may sleep. Call after the ring, kmsg and netlink
 * are up: a report may be filed right away.
 * Return: 0, or -ENOMEM.
 */
int hungtask_hog_init(void)
{
	hungtask_hog_cpus = alloc_percpu(struct hungtask_hog_cpu);
	if (!hungtask_hog_cpus)
		return -ENOMEM;
	cpus_read_lock();
	on_each_cpu(hungtask_hog_start, NULL, 1);
	cpus_read_unlock();
	return 0;
}

/**
 * hungtask_hog_exit() - stop every timer, then the work item.
 *
 * Timers first (hrtimer_cancel() waits for a running callback), so that no
 * work is queued after cancel_work_sync(), which waits for the last report.
 * Context: process context, sleeps.
 */
void hungtask_hog_exit(void)
{
	int cpu;

	if (!hungtask_hog_cpus)
		return;
	for_each_possible_cpu(cpu) {
		struct hungtask_hog_cpu *hc = per_cpu_ptr(hungtask_hog_cpus, cpu);

		if (READ_ONCE(hc->started))
			hrtimer_cancel(&hc->timer);
	}
	cancel_work_sync(&hungtask_hog_work);
	free_percpu(hungtask_hog_cpus);
	hungtask_hog_cpus = NULL;
}
