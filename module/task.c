// SPDX-License-Identifier: GPL-2.0
/*
 * What every chain kind uses: a task's snapshot, its kernel stack (read or
 * scanned word by word, only while it is blocked), and the hops of the
 * incident being captured (append one, note why it is not verified).
 */
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/pid.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "internal.h"

/**
 * hungtask_snap_task() - copy what explains a task's scheduling state.
 * @t: a task, valid under rcu_read_lock().
 * @snap: filled.
 *
 * Context: atomic, under rcu_read_lock(), or in IRQ context for current.
 */
void hungtask_snap_task(struct task_struct *t, struct hungtask_task_snap *snap)
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
 * @ctx: capture context.
 * @kind: the kind of the hop.
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
 * @hop: the hop.
 * @why: the reason.
 *
 * Context: any.
 */
void hungtask_reason(struct hungtask_hop *hop, const char *why)
{
	if (!hop->reason[0])
		strscpy(hop->reason, why, sizeof(hop->reason));
}

/*
 * Other tasks' stacks. A task's stack is read only while the task is off
 * CPU and blocked, and the read counts only if the task is still off CPU, in
 * the same state and at the same context-switch count afterwards: a task
 * that woke (or ran and blocked again, or exited) during the read may have
 * rewritten or freed what was read. This is a seqcount-style check with the
 * switch count as the sequence: a task's last switch (TASK_DEAD) increments
 * it before finish_task_switch() frees the stack, so an unchanged count after
 * the read also proves the stack was not freed and reused meanwhile. The
 * stack of a task on a CPU is never read here: it comes by IPI, on that CPU
 * (chain_cpu.c), or not at all.
 *
 * Where put_task_stack() can be called (it is not exported; symbols.c
 * resolves it and checks its ENDBR), the stack is also pinned with
 * try_get_task_stack() for the read. Where it cannot (a sealed function on
 * IBT kernels), the check above is what makes the read sound.
 */
static unsigned int fault_wake_scanned;
module_param(fault_wake_scanned, uint, 0644);
HUNGTASK_FAULT_PARM_DESC(fault_wake_scanned,
	"wake the task whose stack is being scanned, during the scan, this many times");

struct hungtask_stack_read {
	unsigned long switch_count;
	unsigned int state;
	bool pinned;
};

static unsigned long hungtask_switch_count(struct task_struct *t)
{
	return READ_ONCE(t->nvcsw) + READ_ONCE(t->nivcsw);
}

/* Before a read: NULL when @t may be read, else why not. */
static const char *hungtask_stack_begin(struct task_struct *t, struct hungtask_stack_read *r)
{
	r->pinned = false;
	r->switch_count = hungtask_switch_count(t);
	r->state = READ_ONCE(t->__state);
	smp_rmb();	/* count and state before on_cpu: pairs with the switch */
	if (READ_ONCE(t->on_cpu) || t == current)
		return "running on a CPU: its stack is not read from here";
	if (r->state == TASK_RUNNING)
		return "runnable, not blocked: its stack is not read";
	if (hungtask_syms.put_task_stack) {
		if (!try_get_task_stack(t))
			return "has exited: no stack";
		r->pinned = true;
	}
	return NULL;
}

/* After a read: NULL when it holds, else why it was discarded. */
static const char *hungtask_stack_end(struct task_struct *t, struct hungtask_stack_read *r)
{
	smp_rmb();	/* the stack reads before the re-check */
	if (r->pinned)
		hungtask_syms.put_task_stack(t);
	if (READ_ONCE(t->on_cpu) || READ_ONCE(t->__state) != r->state ||
	    hungtask_switch_count(t) != r->switch_count)
		return "woke or ran during the stack read: result discarded";
	return NULL;
}

/**
 * hungtask_stack_of() - the kernel stack trace of a blocked task.
 * @t: the task, valid under rcu_read_lock().
 * @st: filled; empty when the trace was refused or discarded.
 * @why: set to why it was refused or discarded, else NULL.
 *
 * Context: atomic; uses the unwinder on a blocked task's stack.
 */
void hungtask_stack_of(struct task_struct *t, struct hungtask_stack *st, const char **why)
{
	struct hungtask_stack_read r;

	st->nr = 0;
	*why = NULL;
	if (!hungtask_syms.stack_trace_save_tsk)
		return;
	*why = hungtask_stack_begin(t, &r);
	if (*why)
		return;
	/* It pins the stack itself (try_get_task_stack/put_task_stack). */
	st->nr = hungtask_syms.stack_trace_save_tsk(t, st->frames, HUNGTASK_MAX_FRAMES, 0);
	*why = hungtask_stack_end(t, &r);
	if (*why)
		st->nr = 0;
}

/**
 * hungtask_stack_scan() - visit the words of a blocked task's kernel stack.
 * @t: the task, valid under rcu_read_lock().
 * @match: called for each word, from the saved sp to the top of the stack,
 *	with the word's address and value; returns true to stop.
 * @arg: passed to @match.
 * @why: set to why the scan was refused or its result discarded, else NULL.
 *
 * Reads the stack fault-safely, in chunks, and never beyond THREAD_SIZE;
 * only while @t is blocked and off CPU (see above). @match must not trust
 * what it sees before this returns: a discarded scan returns 0.
 *
 * Context: atomic allowed.
 * Return: the address of the word @match stopped at, or 0.
 */
unsigned long hungtask_stack_scan(struct task_struct *t,
				  bool (*match)(unsigned long addr, unsigned long word, void *arg),
				  void *arg, const char **why)
{
	struct hungtask_stack_read r;
	unsigned long words[32];
	unsigned long base, sp, addr, found = 0;
	unsigned int i;

	*why = hungtask_stack_begin(t, &r);
	if (*why)
		return 0;
	base = (unsigned long)task_stack_page(t);
	sp = READ_ONCE(t->thread.sp);
	if (!base || sp < base || sp >= base + THREAD_SIZE)
		goto out;
	for (addr = sp & ~(sizeof(long) - 1); addr < base + THREAD_SIZE && !found;
	     addr += sizeof(words)) {
		size_t chunk = min_t(size_t, sizeof(words), base + THREAD_SIZE - addr);

		if (copy_from_kernel_nofault(words, (void *)addr, chunk))
			break;
		for (i = 0; i < chunk / sizeof(long); i++) {
			if (match(addr + i * sizeof(long), words[i], arg)) {
				found = addr + i * sizeof(long);
				break;
			}
		}
	}
out:
	/* Test only: a wake-up between the read and its check must be caught. */
	if (unlikely(READ_ONCE(fault_wake_scanned))) {
		WRITE_ONCE(fault_wake_scanned, fault_wake_scanned - 1);
		wake_up_process(t);
	}
	*why = hungtask_stack_end(t, &r);
	return *why ? 0 : found;
}

/*
 * Test only: writing a pid to fault_scan_pid runs the stack scanner on that
 * task at once (process context) and prints what it did, so that a test can
 * point it at a task running on a CPU and see it refuse.
 */
static bool hungtask_count_word(unsigned long addr, unsigned long word, void *arg)
{
	(*(unsigned long *)arg)++;
	return false;
}

static int hungtask_fault_scan_set(const char *val, const struct kernel_param *kp)
{
	unsigned long words = 0;
	struct task_struct *t;
	const char *why;
	int pid, ret;

	ret = kstrtoint(val, 0, &pid);
	if (ret)
		return ret;
	rcu_read_lock();
	t = pid_task(find_vpid(pid), PIDTYPE_PID);
	if (!t) {
		rcu_read_unlock();
		return -ESRCH;
	}
	hungtask_stack_scan(t, hungtask_count_word, &words, &why);
	if (why)
		pr_info(HUNGTASK_PR_PREFIX "fault_scan_pid: %s[%d] on CPU %d not scanned: %s\n",
			t->comm, pid, task_cpu(t), why);
	else
		pr_info(HUNGTASK_PR_PREFIX "fault_scan_pid: %s[%d] scanned: %lu words\n",
			t->comm, pid, words);
	rcu_read_unlock();
	return param_set_int(val, kp);
}

static const struct kernel_param_ops hungtask_fault_scan_ops = {
	.set = hungtask_fault_scan_set,
	.get = param_get_int,
};

static int fault_scan_pid;
module_param_cb(fault_scan_pid, &hungtask_fault_scan_ops, &fault_scan_pid, 0644);
HUNGTASK_FAULT_PARM_DESC(fault_scan_pid,
	"on write, scan this task's stack now and print whether it was refused");

/**
 * hungtask_stack_note() - say in the incident why a task's stack was not used.
 * @ctx: capture context.
 * @t: the task.
 * @why: the reason from hungtask_stack_of() or hungtask_stack_scan().
 *
 * The first note wins. Context: any.
 */
void hungtask_stack_note(struct hungtask_ctx *ctx, struct task_struct *t, const char *why)
{
	char *note = ctx->inc->stack_note;

	if (!note[0])
		snprintf(note, sizeof(ctx->inc->stack_note), "%s[%d]: %s", t->comm, t->pid, why);
}
