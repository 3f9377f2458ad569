// SPDX-License-Identifier: GPL-2.0
/*
 * flush_work chains: a task waiting in flush_work() -> the work it flushes
 * -> the worker pool -> the kworker that must run it.
 *
 * flush_work() puts a struct wq_barrier (private to kernel/workqueue.c) on
 * the caller's stack: { struct work_struct work; struct completion done;
 * struct task_struct *task; }, with work.func == wq_barrier_func, and queues
 * it right behind the target work (target pending: the barrier's list
 * predecessor is the target) or on the executing worker's scheduled list
 * (target running). work.data of a queued work is the pool_workqueue, whose
 * first member is the worker_pool, which starts { raw_spinlock_t lock; int
 * cpu; int node; int id; }. These layouts are mirrored below, read only with
 * copy_from_kernel_nofault(), and each hop records whether its run-time
 * checks held.
 */
#include <linux/completion.h>
#include <linux/kallsyms.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "internal.h"

/* Mirrors of private layouts; see the comment at the top. */
struct hungtask_wq_barrier {
	struct work_struct work;
	struct completion done;
	struct task_struct *task;
};

struct hungtask_pool_head {
	raw_spinlock_t lock;
	int cpu;
	int node;
	int id;
};

/*
 * struct worker starts { union { list_head entry; hlist_node hentry; };
 * work_struct *current_work; work_func_t current_func; pool_workqueue
 * *current_pwq; } from 6.1 to 6.12. The rest (scheduled list, pool pointer)
 * moves between versions, so it is only searched within the first bytes.
 */
struct hungtask_worker_head {
	struct list_head entry;
	struct work_struct *current_work;
	work_func_t current_func;
	void *current_pwq;
};
#define HUNGTASK_WORKER_SCAN 256

#define HUNGTASK_MAX_WALK 200000

static const struct {
	struct workqueue_struct **wq;
	const char *name;
} hungtask_system_wqs[] = {
	{ &system_wq, "events" },
	{ &system_highpri_wq, "events_highpri" },
	{ &system_long_wq, "events_long" },
	{ &system_unbound_wq, "events_unbound" },
	{ &system_freezable_wq, "events_freezable" },
	{ &system_power_efficient_wq, "events_power_efficient" },
	{ &system_freezable_power_efficient_wq, "events_freezable_power_efficient" },
};

static bool hungtask_is_text(unsigned long addr)
{
	char sym[KSYM_SYMBOL_LEN];

	if (!addr)
		return false;
	sprint_symbol(sym, addr);
	return strncmp(sym, "0x", 2) != 0;
}

/* A live barrier of @t: its task is @t, not completed, and still queued. */
static bool barrier_matches(const struct hungtask_wq_barrier *b, struct task_struct *t)
{
	return b->task == t && !b->done.done &&
	       hungtask_work_data_pwq(atomic_long_read(&b->work.data));
}

struct hungtask_barrier_search {
	struct task_struct *t;
	struct hungtask_wq_barrier *out;
	bool saw_stale;
};

/* A word equal to wq_barrier_func is a barrier's work.func: is it @t's live one? */
static bool hungtask_barrier_word(unsigned long addr, unsigned long word, void *arg)
{
	struct hungtask_barrier_search *bs = arg;
	unsigned long b = addr - offsetof(struct work_struct, func);

	if (word != hungtask_syms.wq_barrier_func)
		return false;
	if (copy_from_kernel_nofault(bs->out, (void *)b, sizeof(*bs->out)))
		return false;
	if (barrier_matches(bs->out, bs->t))
		return true;
	bs->saw_stale = true;
	return false;
}

/* The live barrier on @t's stack, or 0; *saw_stale: a dead one was seen. */
static unsigned long hungtask_find_barrier(struct task_struct *t, struct hungtask_wq_barrier *out,
					   bool *saw_stale)
{
	struct hungtask_barrier_search bs = { .t = t, .out = out };
	unsigned long word;

	*saw_stale = false;
	if (!hungtask_syms.wq_barrier_func)
		return 0;
	word = hungtask_stack_scan(t, hungtask_barrier_word, &bs);
	*saw_stale = bs.saw_stale;
	return word ? word - offsetof(struct work_struct, func) : 0;
}

static void hungtask_wq_name(unsigned long pwq, struct hungtask_hop_flush_work *f)
{
	struct workqueue_struct *wq;
	unsigned int i;

	if (copy_from_kernel_nofault(&wq, (void *)(pwq + sizeof(void *)), sizeof(wq)))
		return;
	for (i = 0; i < ARRAY_SIZE(hungtask_system_wqs); i++)
		if (wq && wq == *hungtask_system_wqs[i].wq)
			strscpy(f->wq_name, hungtask_system_wqs[i].name, sizeof(f->wq_name));
}

/* Workers of the pool: a PF_WQ_WORKER task whose struct worker points to it. */
struct hungtask_pool_scan {
	struct task_struct *executing;	/* running case: worker executing the target */
	struct task_struct *busy_same;	/* a worker executing the target right now */
	struct task_struct *runnable;	/* woken, waiting for its CPU */
	struct task_struct *any;	/* some member of the pool */
	unsigned int members;
};

static bool hungtask_worker_of_pool(struct task_struct *t, unsigned long pool,
				    unsigned long *worker_out)
{
	unsigned long words[HUNGTASK_WORKER_SCAN / sizeof(long)];
	unsigned long worker;
	unsigned int i;

	if (!(READ_ONCE(t->flags) & PF_WQ_WORKER))
		return false;
	worker = (unsigned long)kthread_data(t);
	if (!worker || copy_from_kernel_nofault(words, (void *)worker, sizeof(words)))
		return false;
	*worker_out = worker;
	for (i = sizeof(struct hungtask_worker_head) / sizeof(long); i < ARRAY_SIZE(words); i++)
		if (words[i] == pool)
			return true;
	return false;
}

static void hungtask_scan_pool(struct hungtask_ctx *ctx, const struct hungtask_hop_flush_work *f,
			       unsigned long barrier_prev, struct hungtask_pool_scan *ps)
{
	struct task_struct *t;
	unsigned int walked = 0;

	memset(ps, 0, sizeof(*ps));
	/* kworkers are single-threaded processes: walking leaders finds them all. */
	for_each_process(t) {
		struct hungtask_worker_head head;
		unsigned long worker;

		if (++walked > HUNGTASK_MAX_WALK) {
			ctx->inc->walk_truncated = true;
			break;
		}
		if (f->pool_cpu >= 0 && task_cpu(t) != f->pool_cpu)
			continue;
		if (!hungtask_worker_of_pool(t, f->pool, &worker))
			continue;
		ps->members++;
		ps->any = ps->any ?: t;
		if (copy_from_kernel_nofault(&head, (void *)worker, sizeof(head)))
			continue;
		/* Running target: the barrier hangs off this worker's scheduled list. */
		if (head.current_pwq == (void *)f->pwq && barrier_prev >= worker &&
		    barrier_prev < worker + HUNGTASK_WORKER_SCAN)
			ps->executing = t;
		if (f->target && head.current_work == (struct work_struct *)f->target)
			ps->busy_same = t;
		if (task_state_to_char(t) == 'R' && READ_ONCE(t->on_rq) && !READ_ONCE(t->on_cpu))
			ps->runnable = ps->runnable ?: t;
	}
	ctx->inc->tasks_walked += walked;
}

static bool hungtask_follow_flush(struct hungtask_ctx *ctx, struct task_struct *t,
				  struct task_struct **next)
{
	struct hungtask_wq_barrier barrier;
	struct hungtask_pool_head pool;
	struct hungtask_pool_scan ps;
	struct hungtask_hop_flush_work *f;
	struct hungtask_hop *hop, *whop;
	struct work_struct target;
	struct task_struct *worker_task;
	unsigned long b, pwq, prev;
	bool stale;

	if (task_state_to_char(t) != 'D')
		return false;
	b = hungtask_find_barrier(t, &barrier, &stale);
	if (!b) {
		if (!stale)
			return false;
		/* A barrier of this task, completed or not queued: say so, stop. */
		hop = hungtask_hop_add(ctx, HUNGTASK_HOP_KIND_FLUSH_WORK);
		if (hop)
			hungtask_reason(hop, "wq_barrier on stack is not live (completed or not queued)");
		return hop != NULL;
	}
	hop = hungtask_hop_add(ctx, HUNGTASK_HOP_KIND_FLUSH_WORK);
	if (!hop)
		return false;
	f = &hop->flush;
	f->barrier = b;
	f->pool_cpu = -1;
	f->pool_id = -1;
	pwq = hungtask_work_data_pwq(atomic_long_read(&barrier.work.data));
	f->pwq = pwq;
	if (copy_from_kernel_nofault(&f->pool, (void *)pwq, sizeof(f->pool)) ||
	    copy_from_kernel_nofault(&pool, (void *)f->pool, sizeof(pool))) {
		hungtask_reason(hop, "pool_workqueue or worker_pool not readable");
		return true;
	}
	if (pool.cpu < -1 || pool.cpu >= (int)nr_cpu_ids || pool.id < 0) {
		hungtask_reason(hop, "worker_pool head fails the cpu/id range check");
		return true;
	}
	f->pool_cpu = pool.cpu;
	f->pool_id = pool.id;
	hungtask_wq_name(pwq, f);

	/* Pending target: the barrier's predecessor, queued on the same pwq. */
	prev = (unsigned long)barrier.work.entry.prev;
	f->target = prev - offsetof(struct work_struct, entry);
	if (!copy_from_kernel_nofault(&target, (void *)f->target, sizeof(target)) &&
	    hungtask_work_data_pwq(atomic_long_read(&target.data)) == pwq &&
	    hungtask_is_text((unsigned long)target.func)) {
		f->target_func = (unsigned long)target.func;
	} else {
		f->target = 0;
	}

	hungtask_scan_pool(ctx, f, prev, &ps);
	if (!f->target && ps.executing) {
		struct hungtask_worker_head head;

		f->target_running = true;
		f->executing_pid = ps.executing->pid;
		if (!copy_from_kernel_nofault(&head, kthread_data(ps.executing), sizeof(head))) {
			f->target = (unsigned long)head.current_work;
			f->target_func = (unsigned long)head.current_func;
			if (!copy_from_kernel_nofault(&target, head.current_work, sizeof(target)) &&
			    target.func != head.current_func)
				hungtask_reason(hop, "executing worker's current_func disagrees with the work");
		}
	}
	if (!f->target)
		hungtask_reason(hop, "target work neither queued before the barrier nor executing");
	hop->verified = !hop->reason[0];

	/*
	 * Who must run it: the worker executing it; for a pending target that
	 * is also running (queued again while it ran), the worker running its
	 * earlier instance, since a work item never runs twice at once;
	 * otherwise the pool's woken worker.
	 */
	if (f->target_running)
		worker_task = ps.executing;
	else if (ps.busy_same)
		worker_task = ps.busy_same;
	else
		worker_task = ps.runnable ?: ps.any;
	if (!worker_task)
		return true;
	whop = hungtask_hop_add(ctx, HUNGTASK_HOP_KIND_WORKER);
	if (!whop)
		return true;
	hungtask_snap_task(ctx, worker_task, &whop->worker.task);
	whop->worker.pool_member_verified = true;
	whop->worker.runs_target = f->target_running || ps.busy_same;
	if (!whop->worker.runs_target && !ps.runnable)
		hungtask_reason(whop, "no worker of the pool is runnable; showing a member");
	whop->verified = !whop->reason[0];
	*next = worker_task;
	return true;
}

const struct hungtask_follower hungtask_follow_flush_work = {
	.name = "flush_work",
	.follow = hungtask_follow_flush,
};

/* Addresses are hashed (%p): the kernel log is readable beyond netlink's privileged readers. */
static void hungtask_emit_flush_work(struct hungtask_kmsg_buf *b, unsigned int i,
				     const struct hungtask_hop *hop, const char *reason)
{
	const struct hungtask_hop_flush_work *f = &hop->flush;
	char wq[HUNGTASK_NAME_LEN];

	hungtask_kmsg_line(b, "hop i=%u kind=flush_work verified=%d barrier=%p pwq=%p pool=%p pool_cpu=%d pool_id=%d wq=\"%s\" target=%p target_state=%s executing_pid=%d reason=\"%s\"",
			   i, hop->verified, (void *)f->barrier, (void *)f->pwq, (void *)f->pool,
			   f->pool_cpu, f->pool_id, hungtask_kmsg_quote(wq, sizeof(wq), f->wq_name),
			   (void *)f->target,
			   f->target_running ? "running" : (f->target ? "pending" : "unknown"),
			   f->executing_pid, reason);
	hungtask_kmsg_symbol(b, "target_fn", f->target_func);
}

static void hungtask_emit_worker(struct hungtask_kmsg_buf *b, unsigned int i,
				 const struct hungtask_hop *hop, const char *reason)
{
	hungtask_kmsg_line(b, "hop i=%u kind=worker verified=%d pool_member=%d runs_target=%d reason=\"%s\"",
			   i, hop->verified, hop->worker.pool_member_verified,
			   hop->worker.runs_target, reason);
	hungtask_kmsg_task(b, &hop->worker.task);
}

const struct hungtask_hop_ops hungtask_hop_flush_work_ops = {
	.emit = hungtask_emit_flush_work,
};

const struct hungtask_hop_ops hungtask_hop_worker_ops = {
	.emit = hungtask_emit_worker,
};
