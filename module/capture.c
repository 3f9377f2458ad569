// SPDX-License-Identifier: GPL-2.0
/*
 * Capture: one incident from one hung task, inside the detector's own pass.
 *
 * Runs in khungtaskd under rcu_read_lock(): it never sleeps, allocates
 * nothing and its work is bounded (stack scans by THREAD_SIZE, task walks by
 * HUNGTASK_MAX_WALK, the chain by HUNGTASK_MAX_HOPS, the IPI wait by a
 * timeout). The incident is built in a static scratch record, committed to
 * the ring and printed to the kernel log.
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

/*
 * hungtask_capture_lock protects hungtask_scratch. Only trylock is used: a
 * second capture that finds it busy is dropped and counted, never waits.
 */
static DEFINE_SPINLOCK(hungtask_capture_lock);

/* Switches (config-set over netlink); read without a lock, each on its own. */
bool hungtask_cfg_capture = true;
bool hungtask_cfg_kmsg = true;
static struct hungtask_incident hungtask_scratch;

static const struct hungtask_follower *const hungtask_followers[] = {
	&hungtask_follow_flush_work,
	&hungtask_follow_runq,
};

/**
 * hungtask_snap_task() - copy what explains a task's scheduling state.
 * @ctx: capture context.
 * @t: a task, valid under rcu_read_lock().
 * @snap: filled.
 *
 * Context: atomic, under rcu_read_lock(), or in IRQ context for current.
 */
void hungtask_snap_task(struct hungtask_ctx *ctx, struct task_struct *t,
			struct hungtask_task_snap *snap)
{
	u64 now, arrival, queued;

	memset(snap, 0, sizeof(*snap));
	snap->pid = t->pid;
	snap->tgid = t->tgid;
	/* No task_lock(): this also runs in IRQ context (the stack IPI). */
	strscpy(snap->comm, t->comm, sizeof(snap->comm));
	snap->state = task_state_to_char(t);
	snap->flags = READ_ONCE(t->flags);
	snap->cpu = task_cpu(t);
	snap->on_cpu = READ_ONCE(t->on_cpu);
	snap->on_rq = READ_ONCE(t->on_rq);
	snap->policy = READ_ONCE(t->policy);
	snap->prio = READ_ONCE(t->prio);
	snap->kthread = snap->flags & PF_KTHREAD;
	if (snap->kthread)
		snap->threadfn = (unsigned long)kthread_func(t);
	snap->sum_exec_runtime = READ_ONCE(t->se.sum_exec_runtime);
	snap->nvcsw = READ_ONCE(t->nvcsw);
	snap->nivcsw = READ_ONCE(t->nivcsw);
	/* sched_info times are the rq clock of the task's CPU. */
	now = sched_clock_cpu(snap->cpu);
	arrival = READ_ONCE(t->sched_info.last_arrival);
	queued = READ_ONCE(t->sched_info.last_queued);
	snap->since_arrival_ns = arrival && now > arrival ? now - arrival : 0;
	snap->queued_ns = queued && now > queued ? now - queued : 0;
	snap->run_delay_ns = READ_ONCE(t->sched_info.run_delay);
}

/**
 * hungtask_hop_add() - append a hop to the chain of the incident.
 *
 * Context: any.
 * Return: the zeroed hop, or NULL when the chain is full.
 */
struct hungtask_hop *hungtask_hop_add(struct hungtask_ctx *ctx, enum hungtask_hop_kind kind)
{
	struct hungtask_incident *inc = ctx->inc;
	struct hungtask_hop *hop;

	if (inc->nr_hops >= HUNGTASK_MAX_HOPS)
		return NULL;
	hop = &inc->hops[inc->nr_hops++];
	memset(hop, 0, sizeof(*hop));
	hop->kind = kind;
	return hop;
}

/**
 * hungtask_reason() - note why a hop is not verified (the first reason wins).
 *
 * Context: any.
 */
void hungtask_reason(struct hungtask_hop *hop, const char *why)
{
	if (!hop->reason[0])
		strscpy(hop->reason, why, sizeof(hop->reason));
}

static void hungtask_follow_chain(struct hungtask_ctx *ctx, struct task_struct *t)
{
	unsigned int depth, i;

	for (depth = 0; t && depth < HUNGTASK_MAX_HOPS; depth++) {
		struct task_struct *next = NULL;
		bool explained = false;

		for (i = 0; i < ARRAY_SIZE(hungtask_followers) && !explained; i++)
			explained = hungtask_followers[i]->follow(ctx, t, &next);
		if (!explained || next == t)
			break;
		t = next;
	}
}

/**
 * hungtask_capture_hung() - capture the incident of a hung task.
 * @victim: the task the detector reports, valid under rcu_read_lock().
 *
 * Context: atomic (trace point probe in khungtaskd, rcu_read_lock() held);
 * does not sleep.
 */
void hungtask_capture_hung(struct task_struct *victim)
{
	unsigned long switch_count = victim->nvcsw + victim->nivcsw;
	struct hungtask_incident *inc = &hungtask_scratch;
	struct hungtask_ctx ctx = { .inc = inc };
	bool stored;
	u64 t0;

	if (!READ_ONCE(hungtask_cfg_capture))
		return;
	if (hungtask_ring_coalesce(victim->pid, switch_count))
		return;
	if (!spin_trylock(&hungtask_capture_lock)) {
		hungtask_ring_count_busy();
		return;
	}
	t0 = ktime_get_ns();
	memset(inc, 0, sizeof(*inc));
	inc->trigger = HUNGTASK_TRIGGER_HUNG_TASK;
	inc->detected_ns = ktime_get_real_ns();
	inc->switch_count = switch_count;

	rcu_read_lock();
	hungtask_victim_snap(&ctx, victim);
	inc->victim_ns = ktime_get_ns() - t0;
	hungtask_follow_chain(&ctx, victim);
	rcu_read_unlock();
	hungtask_host_snap(&inc->host);
	inc->capture_ns = ktime_get_ns() - t0;

	stored = !hungtask_ring_commit(inc);
	if (READ_ONCE(hungtask_cfg_kmsg))
		hungtask_kmsg_emit(inc);
	/* An event promises a dumpable, ackable incident: only for a stored one. */
	if (stored)
		hungtask_nl_notify(inc);
	spin_unlock(&hungtask_capture_lock);
}

int hungtask_capture_init(void)
{
	return hungtask_chain_cpu_init();
}

void hungtask_capture_exit(void)
{
	hungtask_chain_cpu_exit();
}
