// SPDX-License-Identifier: GPL-2.0
/*
 * Runqueue starvation: a task that is runnable but not running -> its CPU
 * -> the task holding that CPU, with a stack taken on that CPU, and the
 * other tasks waiting in its runqueue (the seed case's `runq` step).
 *
 * Tasks are found by walking all threads under RCU: the one with on_cpu on
 * that CPU holds it, those with on_rq && !on_cpu wait. The holder's stack is
 * taken by an asynchronous IPI to that CPU, waited for at most
 * HUNGTASK_IPI_WAIT_US: a CPU that does not answer (interrupts off) costs a
 * bounded wait and a note, never a hang.
 */
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/smp.h>
#include <linux/stacktrace.h>
#include <linux/string.h>

#include "hungtask.h"

#define HUNGTASK_IPI_WAIT_US 50000
#define HUNGTASK_MAX_WALK 200000

/*
 * IPI state. hungtask_ipi_busy is set by the sender and cleared by the
 * handler, which alone writes hungtask_ipi_stack while it is set; the
 * csd is not reused before the handler ran.
 */
static call_single_data_t hungtask_csd;
static atomic_t hungtask_ipi_busy = ATOMIC_INIT(0);
static struct hungtask_stack hungtask_ipi_stack;

static void hungtask_ipi_handler(void *info)
{
	hungtask_ipi_stack.nr =
		stack_trace_save(hungtask_ipi_stack.frames, HUNGTASK_MAX_FRAMES, 0);
	atomic_set_release(&hungtask_ipi_busy, 0);
}

static void hungtask_hog_stack(struct hungtask_hop_cpu *c)
{
	unsigned int waited;
	int this_cpu;
	u64 t0;

	if (atomic_cmpxchg(&hungtask_ipi_busy, 0, 1)) {
		c->hog_stack_note = "an earlier stack IPI is still unanswered";
		return;
	}
	this_cpu = get_cpu();
	if (c->cpu == this_cpu || !cpu_online(c->cpu)) {
		put_cpu();
		atomic_set(&hungtask_ipi_busy, 0);
		c->hog_stack_note = "CPU is this CPU or offline";
		return;
	}
	if (smp_call_function_single_async(c->cpu, &hungtask_csd)) {
		put_cpu();
		atomic_set(&hungtask_ipi_busy, 0);
		c->hog_stack_note = "IPI could not be sent";
		return;
	}
	put_cpu();
	t0 = ktime_get_ns();
	for (waited = 0; waited < HUNGTASK_IPI_WAIT_US; waited += 10) {
		if (!atomic_read_acquire(&hungtask_ipi_busy)) {
			c->hog_stack = hungtask_ipi_stack;
			c->ipi_ns = ktime_get_ns() - t0;
			return;
		}
		udelay(10);
	}
	c->ipi_ns = ktime_get_ns() - t0;
	c->hog_stack_note = "CPU did not answer the stack IPI in time (interrupts off?)";
}

static bool hungtask_follow_starved(struct hungtask_ctx *ctx, struct task_struct *t,
				    struct task_struct **next)
{
	struct task_struct *p, *q, *hog = NULL;
	struct hungtask_hop_cpu *c;
	struct hungtask_hop *hop;
	unsigned int walked = 0;

	if (task_state_to_char(t) != 'R' || !READ_ONCE(t->on_rq) || READ_ONCE(t->on_cpu))
		return false;
	hop = hungtask_hop_add(ctx, HUNGTASK_HOP_CPU);
	if (!hop)
		return false;
	c = &hop->cpu;
	c->cpu = task_cpu(t);
	for_each_process_thread(p, q) {
		if (++walked > HUNGTASK_MAX_WALK) {
			ctx->inc->walk_truncated = true;
			break;
		}
		if (task_cpu(q) != c->cpu)
			continue;
		if (READ_ONCE(q->on_cpu)) {
			hog = q;
			continue;
		}
		if (!READ_ONCE(q->on_rq) || task_state_to_char(q) != 'R')
			continue;
		if (c->nr_runq < HUNGTASK_MAX_RUNQ) {
			typeof(c->runq[0]) *w = &c->runq[c->nr_runq++];
			u64 now = sched_clock_cpu(c->cpu), queued = READ_ONCE(q->sched_info.last_queued);

			w->pid = q->pid;
			get_task_comm(w->comm, q);
			w->state = task_state_to_char(q);
			w->queued_ns = queued && now > queued ? now - queued : 0;
		}
		c->runq_total++;
	}
	ctx->inc->tasks_walked += walked;
	if (!hog) {
		/* The CPU runs its idle task (not in the task list) or switches. */
		hungtask_reason(hop, "no task found on the CPU (idle, or switching)");
		return true;
	}
	c->have_hog = true;
	hungtask_snap_task(ctx, hog, &c->hog);
	hungtask_hog_stack(c);
	hop->verified = true;
	*next = NULL;
	return true;
}

const struct hungtask_follower hungtask_follow_runq = {
	.name = "runq",
	.follow = hungtask_follow_starved,
};

int hungtask_chain_cpu_init(void)
{
	INIT_CSD(&hungtask_csd, hungtask_ipi_handler, NULL);
	return 0;
}

/* Context: process context; waits for an IPI still in flight (uses the csd). */
void hungtask_chain_cpu_exit(void)
{
	bool warned = false;

	while (atomic_read(&hungtask_ipi_busy)) {
		if (!warned)
			pr_warn(HUNGTASK_PR_PREFIX "waiting for an unanswered stack IPI before unloading\n");
		warned = true;
		msleep(10);
	}
}
