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
 * snapshot and stack. Only such a holder makes the hop verified. The wait
 * for it is bounded by HUNGTASK_IPI_WAIT_US: a CPU that does not answer
 * (interrupts off) costs one bounded wait and a note, never a hang, and the
 * holder is then taken from the task walk (on_cpu && task_cpu == cpu), an
 * unverified hop. Waiting tasks come from a walk of all threads under RCU
 * (on_rq && !on_cpu), bounded by runq_walk_max; it runs while the IPI is in
 * flight.
 *
 * No IPI goes to the capturing CPU itself (it runs the detector, khungtaskd,
 * which is never the holder), nor to an isolated CPU (isolcpus=, nohz_full=)
 * unless ipi_isolated_cpus=1; the hop's stack note says why there is no stack.
 */
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/smp.h>
#include <linux/stacktrace.h>
#include <linux/string.h>

#include "compat.h"
#include "internal.h"

/*
 * A CPU answers an IPI within microseconds unless its interrupts are off;
 * a virtual CPU may wait for its host thread to run. 50 ms proved too short
 * under QEMU TCG on a loaded host (IPIs to CPUs with interrupts on timed
 * out, in seed-like scenarios). The wait is paid once per unanswering CPU:
 * its slot then stays busy until it answers.
 */
#define HUNGTASK_IPI_WAIT_US 200000

/*
 * runq_walk_max: threads examined per cpu hop, with preemption off. The
 * default covers every thread of a host with 50,000 of them; the README
 * states the measured cost (seed-10k-threads: at most 6.2 us per thread
 * under QEMU TCG, so about 0.41 s for 65,536 threads there).
 * It is set at load, through sysfs (both checked here) or by netlink
 * config-set, whose policy checks the same HUNGTASK_RUNQ_WALK_MIN/MAX.
 */
unsigned int hungtask_runq_walk_max = HUNGTASK_RUNQ_WALK_DEFAULT;

static bool hungtask_runq_walk_max_valid(unsigned int v)
{
	return v >= HUNGTASK_RUNQ_WALK_MIN && v <= HUNGTASK_RUNQ_WALK_MAX;
}

static int hungtask_runq_walk_max_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;
	int ret;

	ret = kstrtouint(val, 0, &v);
	if (ret)
		return ret;
	if (!hungtask_runq_walk_max_valid(v)) {
		pr_warn_ratelimited(HUNGTASK_PR_PREFIX "runq_walk_max=%u refused: the range is %u..%u\n",
				    v, HUNGTASK_RUNQ_WALK_MIN, HUNGTASK_RUNQ_WALK_MAX);
		return -EINVAL;
	}
	WRITE_ONCE(*(unsigned int *)kp->arg, v);
	return 0;
}

static const struct kernel_param_ops hungtask_runq_walk_max_ops = {
	.set = hungtask_runq_walk_max_set,
	.get = param_get_uint,
};
module_param_cb(runq_walk_max, &hungtask_runq_walk_max_ops, &hungtask_runq_walk_max, 0644);
__MODULE_PARM_TYPE(runq_walk_max, "uint");
MODULE_PARM_DESC(runq_walk_max,
		 "threads examined for a CPU's waiting tasks, per capture, preemption off: 1..1000000 (default 65536: every thread of a host with 50,000; measured at most 6.2 us per thread under QEMU TCG, see README)");

static bool hungtask_ipi_isolated_cpus;
module_param_named(ipi_isolated_cpus, hungtask_ipi_isolated_cpus, bool, 0644);
MODULE_PARM_DESC(ipi_isolated_cpus,
		 "also send the stack IPI to isolated CPUs (isolcpus=, nohz_full=, isolated cpuset partitions); default off");

/*
 * The stack IPI state of one target CPU. busy is set by the sender
 * (0 -> 1) and cleared by the handler, which alone writes idle/hog/stack
 * while it is set; the csd is never reused before its handler ran. Captures
 * are serialized (capture.c's lock), so a slot has one reader, which reads
 * it only after it saw busy == 0 (acquire). A CPU that never answers keeps
 * only its own slot busy: the other CPUs still get stack IPIs.
 */
struct hungtask_ipi_slot {
	call_single_data_t csd;
	atomic_t busy;
	bool idle;
	struct hungtask_task_snap hog;
	struct hungtask_stack stack;
};

/* Allocated at init, freed at exit (after every handler ran, see there). */
static struct hungtask_ipi_slot __percpu *hungtask_ipi_slots;

/*
 * Runs on the target CPU in IRQ context (or from the idle loop), interrupts
 * off: current is the CPU's holder.
 *
 * The sender took a module reference for this IPI, so rmmod fails with
 * EWOULDBLOCK while it is pending, and the handler drops it last. After
 * module_put() the module may be unloaded at once; what remains of this
 * function is its return, in module text. That text stays mapped: the async
 * csd was unlocked before this function was called (kernel/smp.c), the
 * handler touches no module data after module_put(), and free_module()
 * (kernel/module/main.c, 6.1 and 6.12) calls synchronize_rcu() before it
 * frees the module's memory. synchronize_rcu() waits for every region with
 * interrupts off, such as this handler's; hungtask_cpu_exit() relies
 * on the same rule before it frees the slots.
 */
static void hungtask_ipi_handler(void *info)
{
	struct hungtask_ipi_slot *slot = info;

	slot->idle = is_idle_task(current);
	hungtask_snap_task(current, &slot->hog);
	slot->stack.nr = stack_trace_save(slot->stack.frames, HUNGTASK_MAX_FRAMES, 0);
	atomic_set_release(&slot->busy, 0);
	module_put(THIS_MODULE);
}

/*
 * Send the stack IPI to @cpu. Return its slot when the IPI is on its way;
 * otherwise NULL, and *note says why there will be no stack.
 * Context: atomic, preemption off (the capture holds its spinlock).
 */
static struct hungtask_ipi_slot *hungtask_ipi_send(int cpu, const char **note)
{
	struct hungtask_ipi_slot *slot;

	if (cpu == smp_processor_id()) {
		*note = "this CPU runs the capture (khungtaskd): no stack IPI to itself";
		return NULL;
	}
	if (!cpu_online(cpu)) {
		*note = "CPU is offline";
		return NULL;
	}
	if (hungtask_cpu_isolated(cpu) && !READ_ONCE(hungtask_ipi_isolated_cpus)) {
		*note = "CPU is isolated (isolcpus/nohz_full): no stack IPI unless ipi_isolated_cpus=1";
		return NULL;
	}
	slot = per_cpu_ptr(hungtask_ipi_slots, cpu);
	if (atomic_cmpxchg(&slot->busy, 0, 1)) {
		*note = "an earlier stack IPI to this CPU is still unanswered (interrupts off?)";
		return NULL;
	}
	if (!try_module_get(THIS_MODULE)) {
		atomic_set(&slot->busy, 0);
		*note = "module is unloading: no stack IPI";
		return NULL;
	}
	if (smp_call_function_single_async(cpu, &slot->csd)) {
		module_put(THIS_MODULE);
		atomic_set(&slot->busy, 0);
		*note = "IPI could not be sent";
		return NULL;
	}
	return slot;
}

/*
 * Wait for the handler, at most HUNGTASK_IPI_WAIT_US from now (the task walk
 * that ran meanwhile does not count). The bound is on the clock, not on a
 * count of udelay()s, which can run several times too long (TCG).
 */
static bool hungtask_ipi_wait(struct hungtask_ipi_slot *slot, struct hungtask_hop_cpu *c,
			      u64 sent_ns)
{
	u64 start = ktime_get_ns(), now = start;

	for (;;) {
		if (!atomic_read_acquire(&slot->busy)) {
			c->ipi_ns = now - sent_ns;
			return true;
		}
		if (now - start >= HUNGTASK_IPI_WAIT_US * NSEC_PER_USEC) {
			c->ipi_ns = now - sent_ns;
			break;
		}
		udelay(10);
		now = ktime_get_ns();
	}
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
			/* On the capturing CPU, current is the detector: never the holder. */
			if (q != current)
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

/**
 * hungtask_cpu_runq_walk() - fill @c's waiting tasks (runq) for its CPU @c->cpu.
 * @ctx: capture context (counts the tasks walked).
 * @c: the cpu hop; its cpu is set.
 *
 * The same bounded walk as a followed cpu hop's (runq_walk_max).
 * Context: under rcu_read_lock(); does not sleep.
 */
void hungtask_cpu_runq_walk(struct hungtask_ctx *ctx, struct hungtask_hop_cpu *c)
{
	hungtask_walk_runq(ctx, c);
}

static bool hungtask_follow_starved(struct hungtask_ctx *ctx, struct task_struct *t,
				    struct task_struct **next)
{
	struct hungtask_ipi_slot *slot;
	struct task_struct *holder;
	struct hungtask_hop_cpu *c;
	struct hungtask_hop *hop;
	u64 sent;

	if (task_state_to_char(t) != 'R' || (!READ_ONCE(t->on_rq) && !READ_ONCE(t->on_cpu)))
		return false;
	hop = hungtask_hop_add(ctx, HUNGTASK_HOP_KIND_CPU);
	if (!hop)
		return false;
	c = &hop->cpu;
	c->cpu = task_cpu(t);
	sent = ktime_get_ns();
	slot = hungtask_ipi_send(c->cpu, &c->hog_stack_note);
	holder = hungtask_walk_runq(ctx, c);
	if (slot && hungtask_ipi_wait(slot, c, sent)) {
		if (slot->idle) {
			hungtask_reason(hop, "the CPU runs its idle task: nothing holds it now");
			return true;
		}
		c->hog = slot->hog;
		c->hog_stack = slot->stack;
		c->hog_source = "ipi";
		hop->verified = true;
	} else if (holder) {
		hungtask_snap_task(holder, &c->hog);
		c->hog_source = "walk";
		hungtask_reason(hop, "holder seen only by the task walk (on_cpu), not on the CPU by IPI");
	} else if (c->cpu == smp_processor_id()) {
		hungtask_reason(hop, "the CPU runs the capture (khungtaskd); the task it displaced is not known");
		return true;
	} else {
		hungtask_reason(hop, "no task found on the CPU (idle, switching, or walk truncated)");
		return true;
	}
	c->have_hog = true;
	*next = NULL;
	return true;
}

/*
 * kmsg: the runqueue goes on the hop line as runq_* lists (runq_pid,
 * runq_state, runq_queued_ns, runq_comm); the hog on a line of its own,
 * "hog hop=<i>" with a task's keys, and its stack after the chain, as
 * "hogstack hop=<i> i=<first> fn=<list>" lines.
 */
static void hungtask_cpu_kmsg(struct hungtask_kmsg_buf *b, unsigned int i,
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

static void hungtask_cpu_kmsg_stacks(struct hungtask_kmsg_buf *b, unsigned int i,
				     const struct hungtask_hop *hop)
{
	char head[32];

	if (!hop->cpu.have_hog)
		return;
	snprintf(head, sizeof(head), "hogstack hop=%u", i);
	hungtask_kmsg_stack(b, head, &hop->cpu.hog_stack);
}

static int hungtask_put_runq(struct hungtask_nlw *w, const struct hungtask_hop_cpu *c,
			     unsigned int r)
{
	struct nlattr *nest;
	int err = hungtask_w_nest(w, HUNGTASK_A_HOP_CPU_RUNQ, &nest);

	if (err)
		return err;
	err = hungtask_w_u32(w, HUNGTASK_A_RUNQ_ENTRY_PID, c->runq[r].pid) ||
	      hungtask_w_str(w, HUNGTASK_A_RUNQ_ENTRY_COMM, c->runq[r].comm) ||
	      hungtask_w_u8(w, HUNGTASK_A_RUNQ_ENTRY_STATE, c->runq[r].state) ||
	      hungtask_w_u64(w, HUNGTASK_A_RUNQ_ENTRY_QUEUED_NS, c->runq[r].queued_ns,
			     HUNGTASK_A_RUNQ_ENTRY_PAD);
	return hungtask_w_end(w, nest, err);
}

static int hungtask_cpu_nl_put(struct hungtask_nlw *w, const struct hungtask_hop *hop)
{
	const struct hungtask_hop_cpu *c = &hop->cpu;
	u32 source = HUNGTASK_HOG_SOURCE_NONE;
	struct nlattr *nest;
	unsigned int r;
	int err = hungtask_w_nest(w, HUNGTASK_A_HOP_CPU, &nest);

	if (err)
		return err;
	if (c->hog_source)
		source = !strcmp(c->hog_source, "ipi") ? HUNGTASK_HOG_SOURCE_IPI :
							 HUNGTASK_HOG_SOURCE_WALK;
	err = hungtask_w_u32(w, HUNGTASK_A_HOP_CPU_CPU, c->cpu) ||
	      hungtask_w_u32(w, HUNGTASK_A_HOP_CPU_HOG_SOURCE, source) ||
	      (c->have_hog && hungtask_put_task(w, HUNGTASK_A_HOP_CPU_HOG, &c->hog)) ||
	      (c->have_hog && hungtask_put_stack(w, HUNGTASK_A_HOP_CPU_HOG_STACK, &c->hog_stack)) ||
	      (c->hog_stack_note &&
	       hungtask_w_str(w, HUNGTASK_A_HOP_CPU_STACK_NOTE, c->hog_stack_note)) ||
	      hungtask_w_u64(w, HUNGTASK_A_HOP_CPU_IPI_NS, c->ipi_ns, HUNGTASK_A_HOP_CPU_PAD) ||
	      hungtask_w_u32(w, HUNGTASK_A_HOP_CPU_RUNQ_TOTAL, c->runq_total) ||
	      hungtask_w_u32(w, HUNGTASK_A_HOP_CPU_RUNQ_WALKED, c->runq_walked) ||
	      hungtask_w_u8(w, HUNGTASK_A_HOP_CPU_RUNQ_TRUNCATED, c->runq_truncated);
	for (r = 0; r < c->nr_runq && r < HUNGTASK_MAX_RUNQ && !err; r++)
		err = hungtask_put_runq(w, c, r);
	return hungtask_w_end(w, nest, err);
}

/**
 * hungtask_cpu_fill_max() - make @hop the largest cpu hop (fault_fill_max).
 * @hop: the hop to fill.
 * @i: its index in the chain (its CPU number).
 * @inc: the incident; its victim is the hog, its victim stack the hog's stack.
 *
 * Test only (ring.c's fault_fill_max): counts and strings at their limits.
 * Context: any.
 */
void hungtask_cpu_fill_max(struct hungtask_hop *hop, unsigned int i,
			   const struct hungtask_incident *inc)
{
	struct hungtask_hop_cpu *c = &hop->cpu;
	unsigned int r;

	memset(hop, 0, sizeof(*hop));
	hop->kind = HUNGTASK_HOP_KIND_CPU;
	memset(hop->reason, 'n', sizeof(hop->reason) - 1);
	c->cpu = i;
	c->have_hog = true;
	c->hog = inc->victim;
	c->hog_stack = inc->victim_stack;
	c->hog_stack_note = "fault_fill_max: a test-only incident";
	c->hog_source = "walk";
	c->nr_runq = HUNGTASK_MAX_RUNQ;
	c->runq_total = HUNGTASK_MAX_RUNQ;
	c->runq_walked = HUNGTASK_MAX_RUNQ;
	for (r = 0; r < HUNGTASK_MAX_RUNQ; r++) {
		c->runq[r].pid = inc->victim.pid;
		memset(c->runq[r].comm, 'q', sizeof(c->runq[r].comm) - 1);
		c->runq[r].state = 'R';
	}
}

/**
 * hungtask_cpu_init() - allocate the per-CPU stack IPI slots.
 *
 * Context: process context, may sleep.
 * Return: 0, or -ENOMEM.
 */
static int hungtask_cpu_init(void)
{
	int cpu;

	hungtask_ipi_slots = alloc_percpu(struct hungtask_ipi_slot);
	if (!hungtask_ipi_slots)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct hungtask_ipi_slot *slot = per_cpu_ptr(hungtask_ipi_slots, cpu);

		INIT_CSD(&slot->csd, hungtask_ipi_handler, slot);
		atomic_set(&slot->busy, 0);
	}
	return 0;
}

/**
 * hungtask_cpu_exit() - free the per-CPU stack IPI slots.
 *
 * Never waits for an IPI: module exit runs only once the module's reference
 * count is zero, and every pending stack IPI holds a reference, so every
 * handler has run its module_put(). synchronize_rcu() then waits until the
 * last handler has left its interrupts-off region, so that no CPU still
 * refers to a slot (see hungtask_ipi_handler()).
 *
 * Context: process context, sleeps in synchronize_rcu().
 */
static void hungtask_cpu_exit(void)
{
	synchronize_rcu();
	free_percpu(hungtask_ipi_slots);
	hungtask_ipi_slots = NULL;
}

const struct hungtask_chain_kind hungtask_chain_kind_cpu = {
	.follow = hungtask_follow_starved,
	.kmsg = hungtask_cpu_kmsg,
	.kmsg_stacks = hungtask_cpu_kmsg_stacks,
	.nl_put = hungtask_cpu_nl_put,
	.init = hungtask_cpu_init,
	.exit = hungtask_cpu_exit,
};
