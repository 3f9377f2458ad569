// SPDX-License-Identifier: GPL-2.0
/*
 * Runqueue starvation: a task that is runnable but not running -> its CPU
 * -> the task holding that CPU, with a stack taken on that CPU, and the
 * other tasks waiting in its runqueue (the seed case's `runq` step).
 * A runnable task that is itself on its CPU (a kworker whose work item
 * never yields) gets the same hop: the holder is then that task, and the
 * stack says where it runs.
 *
 * The holder is identified on the CPU itself: an asynchronous IPI runs a
 * handler there, where `current` is the interrupted task, and takes its
 * snapshot and stack. The wait for it is bounded by HUNGTASK_IPI_WAIT_US: a
 * CPU that does not answer (interrupts off) costs a bounded wait and a note,
 * never a hang, and the holder is then taken from the task walk
 * (on_cpu && task_cpu == cpu). Waiting tasks come from a walk of all threads
 * under RCU (on_rq && !on_cpu), bounded by runq_walk_max; it runs while the
 * IPI is in flight.
 */
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/smp.h>
#include <linux/stacktrace.h>
#include <linux/string.h>

#include "internal.h"

#define HUNGTASK_IPI_WAIT_US 50000

unsigned int hungtask_runq_walk_max = 4096;
module_param_named(runq_walk_max, hungtask_runq_walk_max, uint, 0644);
MODULE_PARM_DESC(runq_walk_max, "threads examined for a CPU's waiting tasks, per capture");

/*
 * IPI state. hungtask_ipi_busy is set by the sender and cleared by the
 * handler, which alone writes hungtask_ipi_hog/stack while it is set; the csd
 * is not reused before the handler ran.
 */
static call_single_data_t hungtask_csd;
static atomic_t hungtask_ipi_busy = ATOMIC_INIT(0);
static struct hungtask_task_snap hungtask_ipi_hog;
static bool hungtask_ipi_idle;
static struct hungtask_stack hungtask_ipi_stack;

/* Runs on the starved CPU, in IRQ context: current is the CPU's holder. */
static void hungtask_ipi_handler(void *info)
{
	hungtask_ipi_idle = is_idle_task(current);
	hungtask_snap_task(NULL, current, &hungtask_ipi_hog);
	hungtask_ipi_stack.nr =
		stack_trace_save(hungtask_ipi_stack.frames, HUNGTASK_MAX_FRAMES, 0);
	atomic_set_release(&hungtask_ipi_busy, 0);
}

/* Return true when the IPI is on its way; otherwise *note says why not. */
static bool hungtask_ipi_send(int cpu, const char **note)
{
	int this_cpu;

	if (atomic_cmpxchg(&hungtask_ipi_busy, 0, 1)) {
		*note = "an earlier stack IPI is still unanswered";
		return false;
	}
	this_cpu = get_cpu();
	if (cpu == this_cpu || !cpu_online(cpu)) {
		put_cpu();
		atomic_set(&hungtask_ipi_busy, 0);
		*note = "CPU is this CPU or offline";
		return false;
	}
	if (smp_call_function_single_async(cpu, &hungtask_csd)) {
		put_cpu();
		atomic_set(&hungtask_ipi_busy, 0);
		*note = "IPI could not be sent";
		return false;
	}
	put_cpu();
	return true;
}

static bool hungtask_ipi_wait(struct hungtask_hop_cpu *c, u64 sent_ns)
{
	unsigned int waited;

	for (waited = 0; waited < HUNGTASK_IPI_WAIT_US; waited += 10) {
		if (!atomic_read_acquire(&hungtask_ipi_busy)) {
			c->ipi_ns = ktime_get_ns() - sent_ns;
			return true;
		}
		udelay(10);
	}
	c->ipi_ns = ktime_get_ns() - sent_ns;
	c->hog_stack_note = "CPU did not answer the stack IPI in time (interrupts off?)";
	return false;
}

static struct task_struct *hungtask_walk_runq(struct hungtask_ctx *ctx, struct hungtask_hop_cpu *c)
{
	struct task_struct *p, *q, *holder = NULL;
	u64 now = sched_clock_cpu(c->cpu);
	unsigned int walked = 0;

	for_each_process_thread(p, q) {
		u64 queued;

		if (++walked > READ_ONCE(hungtask_runq_walk_max)) {
			c->runq_truncated = true;
			break;
		}
		if (task_cpu(q) != c->cpu)
			continue;
		if (READ_ONCE(q->on_cpu)) {
			holder = q;
			continue;
		}
		if (!READ_ONCE(q->on_rq) || task_state_to_char(q) != 'R')
			continue;
		c->runq_total++;
		if (c->nr_runq >= HUNGTASK_MAX_RUNQ)
			continue;
		queued = READ_ONCE(q->sched_info.last_queued);
		c->runq[c->nr_runq].pid = q->pid;
		strscpy(c->runq[c->nr_runq].comm, q->comm, TASK_COMM_LEN);
		c->runq[c->nr_runq].state = 'R';
		c->runq[c->nr_runq].queued_ns = queued && now > queued ? now - queued : 0;
		c->nr_runq++;
	}
	c->runq_walked = walked;
	ctx->inc->tasks_walked += walked;
	return holder;
}

static bool hungtask_follow_starved(struct hungtask_ctx *ctx, struct task_struct *t,
				    struct task_struct **next)
{
	struct task_struct *holder;
	struct hungtask_hop_cpu *c;
	struct hungtask_hop *hop;
	bool ipi;
	u64 sent;

	if (task_state_to_char(t) != 'R' || (!READ_ONCE(t->on_rq) && !READ_ONCE(t->on_cpu)))
		return false;
	hop = hungtask_hop_add(ctx, HUNGTASK_HOP_KIND_CPU);
	if (!hop)
		return false;
	c = &hop->cpu;
	c->cpu = task_cpu(t);
	sent = ktime_get_ns();
	ipi = hungtask_ipi_send(c->cpu, &c->hog_stack_note);
	holder = hungtask_walk_runq(ctx, c);
	if (ipi && hungtask_ipi_wait(c, sent)) {
		if (hungtask_ipi_idle) {
			hungtask_reason(hop, "the CPU runs its idle task: nothing holds it now");
			return true;
		}
		c->hog = hungtask_ipi_hog;
		c->hog_stack = hungtask_ipi_stack;
		c->hog_source = "ipi";
	} else if (holder) {
		hungtask_snap_task(ctx, holder, &c->hog);
		c->hog_source = "walk";
	} else {
		hungtask_reason(hop, "no task found on the CPU (idle, switching, or walk truncated)");
		return true;
	}
	c->have_hog = true;
	hop->verified = true;
	*next = NULL;
	return true;
}

const struct hungtask_follower hungtask_follow_runq = {
	.name = "runq",
	.follow = hungtask_follow_starved,
};

/* The runqueue goes on the hop line as runq_* lists; the hog on a line of its own. */
static void hungtask_emit_cpu(struct hungtask_kmsg_buf *b, unsigned int i,
			      const struct hungtask_hop *hop, const char *reason)
{
	const struct hungtask_hop_cpu *c = &hop->cpu;
	char comm[TASK_COMM_LEN];
	unsigned int r, nr = min_t(unsigned int, c->nr_runq, HUNGTASK_MAX_RUNQ);

	hungtask_kmsg_line(b, "hop i=%u kind=cpu verified=%d cpu=%d have_hog=%d hog_source=%s runq_total=%u runq_walked=%u runq_truncated=%d ipi_ns=%llu stack_note=\"%s\" reason=\"%s\"",
			   i, hop->verified, c->cpu, c->have_hog, c->hog_source ?: "none",
			   c->runq_total, c->runq_walked, c->runq_truncated, c->ipi_ns,
			   c->hog_stack_note ?: "", reason);
	if (nr) {
		for (r = 0; r < nr; r++)
			hungtask_kmsg_add(b, "%s%d", r ? "," : " runq_pid=", c->runq[r].pid);
		for (r = 0; r < nr; r++)
			hungtask_kmsg_add(b, "%s%c", r ? "," : " runq_state=", c->runq[r].state);
		for (r = 0; r < nr; r++)
			hungtask_kmsg_add(b, "%s%llu", r ? "," : " runq_queued_ns=",
					  c->runq[r].queued_ns);
		for (r = 0; r < nr; r++)
			hungtask_kmsg_add(b, "%s\"%s\"", r ? "," : " runq_comm=",
					  hungtask_kmsg_quote(comm, sizeof(comm), c->runq[r].comm));
	}
	if (c->have_hog) {
		hungtask_kmsg_line(b, "hog hop=%u", i);
		hungtask_kmsg_task(b, &c->hog);
	}
}

static void hungtask_emit_cpu_stacks(struct hungtask_kmsg_buf *b, unsigned int i,
				     const struct hungtask_hop *hop)
{
	char head[32];

	if (!hop->cpu.have_hog)
		return;
	snprintf(head, sizeof(head), "hogstack hop=%u", i);
	hungtask_kmsg_stack(b, head, &hop->cpu.hog_stack);
}

const struct hungtask_hop_ops hungtask_hop_cpu_ops = {
	.emit = hungtask_emit_cpu,
	.emit_stacks = hungtask_emit_cpu_stacks,
};

int hungtask_chain_cpu_init(void)
{
	INIT_CSD(&hungtask_csd, hungtask_ipi_handler, NULL);
	return 0;
}

/* Context: process context; waits for an IPI still in flight (it uses the csd). */
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
