// SPDX-License-Identifier: GPL-2.0
/*
 * Capture: one incident from one hung task, inside the detector's own pass.
 *
 * Runs in khungtaskd under rcu_read_lock(): it never sleeps, allocates
 * nothing, never prints, and its work is bounded (stack scans by THREAD_SIZE,
 * task walks by HUNGTASK_MAX_WALK, the chain by HUNGTASK_MAX_HOPS, the IPI
 * wait by a timeout). The incident is built in a static scratch record,
 * committed to the ring, staged for the kernel log (printed later, in
 * process context) and announced on netlink.
 *
 * Storms: the detector reports every hung task on every pass. A report of a
 * known episode costs one hash lookup. New episodes get at most
 * captures_per_scan full captures per detector pass; the others are counted
 * as deferred and captured in a later pass, when the detector reports them
 * again. The time this probe spends per pass is therefore bounded by
 * captures_per_scan captures plus one lookup per hung task.
 *
 * Many victims of one cause (coalesce.c) make one incident: a victim in a
 * live incident's chain joins it before any capture; one whose first hop
 * waits on the same object joins it after its capture. The incidents that
 * gained victims are sent again, with a new seq, when the next pass begins
 * (at most ring_slots of them).
 */
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "internal.h"

static unsigned int captures_per_scan = 16;
module_param(captures_per_scan, uint, 0444);
MODULE_PARM_DESC(captures_per_scan,
		 "full captures per hung-task detector pass (1..1024); more new hung tasks are deferred to later passes");

/*
 * hungtask_capture_lock protects hungtask_scratch, hungtask_pass and
 * hungtask_cstats. Captures only trylock it: a second capture that finds it
 * busy is dropped and counted, never waits (the detector reports the task
 * again in its next pass). The status reader takes it with interrupts on, so
 * that a stack IPI the capture waits for still reaches the reader's CPU.
 */
static DEFINE_SPINLOCK(hungtask_capture_lock);

/* The detector pass being served: see hungtask_same_pass(). */
static struct {
	pid_t detector;			/* pid of the task running the detector */
	unsigned long detector_nvcsw;	/* its voluntary switches at the pass */
	u32 gen;			/* pass number, 1 for the first */
	unsigned int captures;		/* full captures in this pass */
	unsigned int reports;		/* reports in this pass */
	u64 ns;				/* time spent in the probe in this pass */
} hungtask_pass;
static struct hungtask_capture_stats hungtask_cstats;
static atomic64_t hungtask_reports = ATOMIC64_INIT(0);

/* Switches (config-set over netlink); read without a lock, each on its own. */
bool hungtask_cfg_capture = true;
bool hungtask_cfg_kmsg = true;
static struct hungtask_incident hungtask_scratch;

/*
 * Is this report part of the detector pass we saw last? khungtaskd sleeps
 * (schedule_timeout_interruptible() in watchdog(), kernel/hung_task.c, 6.1
 * and 6.12) between passes and never sleeps voluntarily within one: the
 * lock breaks of a long pass are cond_resched(), an involuntary switch. So
 * the reporting task and its voluntary switch count name the pass.
 */
static bool hungtask_same_pass(struct task_struct *detector)
{
	return hungtask_pass.gen && hungtask_pass.detector == detector->pid &&
	       hungtask_pass.detector_nvcsw == READ_ONCE(detector->nvcsw);
}

/*
 * Send again the incidents that victims joined (hungtask_ring_next_update()):
 * the full event, and in the kernel log the whole record when the incident
 * was replaced, one "update" line otherwise. Caller holds
 * hungtask_capture_lock (the scratch record).
 */
static void hungtask_send_updates(void)
{
	struct hungtask_incident *inc = &hungtask_scratch;
	bool whole;

	while (hungtask_ring_next_update(inc, &whole)) {
		if (READ_ONCE(hungtask_cfg_kmsg)) {
			if (whole)
				hungtask_kmsg_stage(inc);
			else
				hungtask_kmsg_stage_update(inc);
		}
		hungtask_nl_notify(inc);
	}
}

static void hungtask_pass_begin(struct task_struct *detector)
{
	hungtask_send_updates();
	hungtask_pass.detector = detector->pid;
	hungtask_pass.detector_nvcsw = READ_ONCE(detector->nvcsw);
	hungtask_pass.gen++;
	hungtask_pass.captures = 0;
	hungtask_pass.reports = 0;
	hungtask_pass.ns = 0;
	hungtask_cstats.passes++;
}

/* Capture one new episode into the scratch record and hand it on. */
static void hungtask_capture_one(struct task_struct *victim, unsigned long switch_count)
{
	struct hungtask_incident *inc = &hungtask_scratch;
	struct hungtask_ctx ctx = { .inc = inc };
	u64 t0 = ktime_get_ns();
	bool stored;
	int ret;

	memset(inc, 0, sizeof(*inc));
	inc->trigger = HUNGTASK_TRIGGER_HUNG_TASK;
	inc->detected_ns = ktime_get_real_ns();
	inc->switch_count = switch_count;

	rcu_read_lock();
	hungtask_victim_snap(&ctx, victim);
	inc->victim_ns = ktime_get_ns() - t0;
	hungtask_chain_follow(&ctx, victim);
	rcu_read_unlock();
	hungtask_host_snap(&inc->host);
	inc->capture_ns = ktime_get_ns() - t0;
	hungtask_cstats.capture_ns_max = max(hungtask_cstats.capture_ns_max, inc->capture_ns);

	hungtask_coalesce_prepare(inc);
	ret = hungtask_ring_commit(inc, hungtask_pass.gen);
	/* Joined: the incident it joined is sent again at the next pass. */
	if (ret == HUNGTASK_COMMIT_JOINED)
		return;
	stored = !ret;
	if (READ_ONCE(hungtask_cfg_kmsg))
		hungtask_kmsg_stage(inc);
	/* An event promises a dumpable, ackable incident: only for a stored one. */
	if (stored)
		hungtask_nl_notify(inc);
}

/**
 * hungtask_capture_hung() - capture the incident of a hung task.
 * @victim: the task the detector reports, valid under rcu_read_lock().
 *
 * A known episode is only counted; a new one is captured while this pass's
 * budget lasts, and deferred to a later pass otherwise.
 *
 * Context: atomic (trace point probe in khungtaskd, rcu_read_lock() held);
 * does not sleep, does not print.
 */
void hungtask_capture_hung(struct task_struct *victim)
{
	unsigned long switch_count = victim->nvcsw + victim->nivcsw;
	u64 t0;

	atomic64_inc(&hungtask_reports);
	if (!READ_ONCE(hungtask_cfg_capture))
		return;
	if (!spin_trylock(&hungtask_capture_lock)) {
		hungtask_ring_count_busy();
		return;
	}
	t0 = ktime_get_ns();
	if (!hungtask_same_pass(current))
		hungtask_pass_begin(current);
	hungtask_pass.reports++;
	if (hungtask_ring_episode(victim, switch_count, hungtask_pass.gen,
				  hungtask_pass.captures < captures_per_scan) ==
	    HUNGTASK_EPISODE_NEW) {
		hungtask_pass.captures++;
		hungtask_capture_one(victim, switch_count);
	}
	hungtask_pass.ns += ktime_get_ns() - t0;
	hungtask_cstats.pass_ns_max = max(hungtask_cstats.pass_ns_max, hungtask_pass.ns);
	hungtask_cstats.pass_reports_max = max(hungtask_cstats.pass_reports_max,
					       (u64)hungtask_pass.reports);
	spin_unlock(&hungtask_capture_lock);
}

/**
 * hungtask_capture_stats() - per-pass costs, for the status output.
 * @st: filled with a copy of the counters.
 *
 * Context: process context (not in IRQ: the lock is taken with interrupts
 * on); spins while a capture runs (bounded by the capture, IPI wait included).
 */
void hungtask_capture_stats(struct hungtask_capture_stats *st)
{
	spin_lock(&hungtask_capture_lock);
	*st = hungtask_cstats;
	st->reports = atomic64_read(&hungtask_reports);
	st->captures_per_scan = captures_per_scan;
	spin_unlock(&hungtask_capture_lock);
}

/**
 * hungtask_capture_init() - check the capture's module parameters.
 *
 * The capture has nothing to undo at unload: it has no exit.
 * Context: process context.
 * Return: 0, or -EINVAL.
 */
int hungtask_capture_init(void)
{
	if (captures_per_scan < 1 || captures_per_scan > 1024) {
		pr_err(HUNGTASK_PR_PREFIX "captures_per_scan=%u out of range 1..1024\n",
		       captures_per_scan);
		return -EINVAL;
	}
	return 0;
}

/**
 * hungtask_capture_file() - file an incident captured outside the probe.
 * @inc: the incident (the hog sampler's cpu_hog); its seq is set here.
 *
 * Commits it to the ring, stages its kmsg record and announces it, as a
 * capture does, under the capture lock (the kmsg record has one scratch
 * buffer). A hung-task report that finds the lock taken meanwhile is
 * counted busy and captured at the detector's next pass.
 * Context: process context (takes the capture lock, interrupts on).
 */
void hungtask_capture_file(struct hungtask_incident *inc)
{
	bool stored;

	spin_lock(&hungtask_capture_lock);
	stored = !hungtask_ring_commit(inc, hungtask_pass.gen);
	if (READ_ONCE(hungtask_cfg_kmsg))
		hungtask_kmsg_stage(inc);
	if (stored)
		hungtask_nl_notify(inc);
	spin_unlock(&hungtask_capture_lock);
}
