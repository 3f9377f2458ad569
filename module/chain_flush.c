// SPDX-License-Identifier: GPL-2.0
/*
 * flush_work chains: a task waiting in flush_work() -> the work it flushes
 * -> the worker pool -> the kworker that must run it (a worker hop,
 * chain_worker.c; the chain goes on from that kworker).
 *
 * flush_work() puts a struct wq_barrier (private to kernel/workqueue.c) on
 * the caller's stack: { struct work_struct work; struct completion done;
 * struct task_struct *task; }, with work.func == wq_barrier_func, and
 * insert_wq_barrier() queues it right behind the target work (target pending:
 * in front of target->entry.next) or at the head of the executing worker's
 * scheduled list (target running: in front of worker->scheduled.next). Each
 * newer flusher of the same target therefore goes in front of the older
 * ones: walking entry.prev from a barrier passes the newer flushers'
 * barriers before it reaches the target or the list head. work.data of a
 * queued work is the pool_workqueue, which points to the worker_pool and the
 * workqueue. The offsets into these private structs come from layout.c (BTF
 * of the running kernel, confirmed at load); a hop kind whose layout is off
 * is not followed. Every read goes through
 * copy_from_kernel_nofault(), and each hop records whether its run-time
 * checks held.
 */
#include <linux/completion.h>
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

/* The fields of a worker_pool and a struct worker we read (offsets: layout.c). */
struct hungtask_pool_head {
	int cpu;
	int id;
};

struct hungtask_worker_head {
	struct work_struct *current_work;
	work_func_t current_func;
	void *current_pwq;
};

#define HUNGTASK_MAX_WALK 200000

/* Newer flushers' barriers stepped over before giving up on the target. */
#define HUNGTASK_MAX_NEWER_BARRIERS 64

/* Context: any. Return: 0, or -EFAULT when a field is not readable. */
static int hungtask_read_pool_head(unsigned long pool, struct hungtask_pool_head *head)
{
	const struct hungtask_layout *l = &hungtask_layout;

	if (copy_from_kernel_nofault(&head->cpu, (void *)(pool + l->pool_cpu), sizeof(head->cpu)) ||
	    copy_from_kernel_nofault(&head->id, (void *)(pool + l->pool_id), sizeof(head->id)))
		return -EFAULT;
	return 0;
}

/* Context: any. Return: 0, or -EFAULT when a field is not readable. */
static int hungtask_read_worker_head(unsigned long worker, struct hungtask_worker_head *head)
{
	const struct hungtask_layout *l = &hungtask_layout;

	if (!worker ||
	    copy_from_kernel_nofault(&head->current_work, (void *)(worker + l->worker_current_work),
				     sizeof(head->current_work)) ||
	    copy_from_kernel_nofault(&head->current_func, (void *)(worker + l->worker_current_func),
				     sizeof(head->current_func)) ||
	    copy_from_kernel_nofault(&head->current_pwq, (void *)(worker + l->worker_current_pwq),
				     sizeof(head->current_pwq)))
		return -EFAULT;
	return 0;
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

/*
 * The live barrier on @t's stack, or 0; *saw_stale: a dead one was seen;
 * *why: the stack was not scanned, or the scan was discarded.
 */
static unsigned long hungtask_find_barrier(struct task_struct *t, struct hungtask_wq_barrier *out,
					   bool *saw_stale, const char **why)
{
	struct hungtask_barrier_search bs = { .t = t, .out = out };
	unsigned long word;

	*saw_stale = false;
	*why = NULL;
	if (!hungtask_syms.wq_barrier_func)
		return 0;
	word = hungtask_stack_scan(t, hungtask_barrier_word, &bs, why);
	*saw_stale = bs.saw_stale;
	return word ? word - offsetof(struct work_struct, func) : 0;
}

/* The name of any workqueue: pwq->wq->name, bounded by the array and our field. */
static void hungtask_wq_name(unsigned long pwq, struct hungtask_hop_flush_work *f)
{
	const struct hungtask_layout *l = &hungtask_layout;
	size_t len = min_t(size_t, l->wq_name_len, sizeof(f->wq_name) - 1);
	char name[sizeof(f->wq_name)];
	unsigned long wq;

	if (!hungtask_layout_on(HUNGTASK_LAYOUT_WQ_NAME))
		return;
	if (copy_from_kernel_nofault(&wq, (void *)(pwq + l->pwq_wq), sizeof(wq)) || !wq ||
	    copy_from_kernel_nofault(name, (void *)(wq + l->wq_name), len))
		return;
	name[len] = '\0';
	strscpy(f->wq_name, name, sizeof(f->wq_name));
}

/*
 * Where the walk back from our barrier over newer barriers ended: at the
 * pending target, or at a node that is neither a barrier nor a work of this
 * pwq, which must then be the head of the executing worker's scheduled list.
 */
struct hungtask_barrier_walk {
	unsigned long target;		/* the pending target work, or 0 */
	unsigned long target_func;
	unsigned long head;		/* else the list head the walk reached, or 0 */
	unsigned int newer;		/* newer barriers stepped over */
	const char *why;		/* set when the walk could not finish */
};

/*
 * A node of the list is a newer flusher's barrier of the same target when
 * its func is wq_barrier_func and it is queued on the same pwq (the running
 * case queues barriers on worker->current_pwq, the pwq our barrier holds).
 * Every node read must link back to the one after it (node->next), or the
 * list changed under us, or the walk left it: then nothing is claimed.
 */
static void hungtask_walk_barriers(unsigned long b, const struct hungtask_wq_barrier *barrier,
				   unsigned long pwq, struct hungtask_barrier_walk *w)
{
	unsigned long next = b + offsetof(struct work_struct, entry);
	unsigned long node = (unsigned long)barrier->work.entry.prev;
	struct work_struct work;
	unsigned long data_pwq;

	memset(w, 0, sizeof(*w));
	for (;;) {
		unsigned long wa = node - offsetof(struct work_struct, entry);

		if (copy_from_kernel_nofault(&work, (void *)wa, sizeof(work))) {
			w->why = "list node before the barrier unreadable";
			return;
		}
		if ((unsigned long)work.entry.next != next) {
			w->why = "work list links disagree (prev->next is not the barrier)";
			return;
		}
		data_pwq = hungtask_work_data_pwq(atomic_long_read(&work.data));
		if ((unsigned long)work.func == hungtask_syms.wq_barrier_func && data_pwq == pwq) {
			if (w->newer == HUNGTASK_MAX_NEWER_BARRIERS) {
				w->why = "more than 64 newer flushers' barriers before ours";
				return;
			}
			w->newer++;
			next = node;
			node = (unsigned long)work.entry.prev;
			continue;
		}
		if (data_pwq == pwq && hungtask_is_func_entry((unsigned long)work.func)) {
			w->target = wa;
			w->target_func = (unsigned long)work.func;
		} else {
			w->head = node;
		}
		return;
	}
}

/* Workers of the pool: a PF_WQ_WORKER task whose struct worker points to it. */
struct hungtask_pool_scan {
	struct task_struct *executing;	/* running case: worker executing the target */
	struct task_struct *busy_same;	/* a worker executing the target right now */
	struct task_struct *runnable;	/* woken, waiting for its CPU */
	struct task_struct *any;	/* some member of the pool */
	unsigned int executing_candidates;	/* workers that could hold the list head */
};

static bool hungtask_worker_of_pool(struct task_struct *t, unsigned long pool,
				    unsigned long *worker_out)
{
	unsigned long worker, worker_pool;

	if (!(READ_ONCE(t->flags) & PF_WQ_WORKER))
		return false;
	worker = (unsigned long)kthread_data(t);
	if (!worker || copy_from_kernel_nofault(&worker_pool,
						(void *)(worker + hungtask_layout.worker_pool),
						sizeof(worker_pool)))
		return false;
	*worker_out = worker;
	return worker_pool == pool;
}

static void hungtask_scan_pool(struct hungtask_ctx *ctx, const struct hungtask_hop_flush_work *f,
			       unsigned long list_head, struct hungtask_pool_scan *ps)
{
	struct task_struct *t;
	unsigned int walked = 0;

	memset(ps, 0, sizeof(*ps));
	if (!hungtask_layout_on(HUNGTASK_LAYOUT_WORKER))
		return;
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
		ps->any = ps->any ?: t;
		if (hungtask_read_worker_head(worker, &head))
			continue;
		/* Running target: the barriers hang off this worker's scheduled list. */
		if (head.current_pwq == (void *)f->pwq &&
		    list_head == worker + hungtask_layout.worker_scheduled) {
			ps->executing = t;
			ps->executing_candidates++;
		}
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
	struct hungtask_barrier_walk walk;
	struct hungtask_wq_barrier barrier;
	struct hungtask_pool_head pool;
	struct hungtask_pool_scan ps;
	struct hungtask_hop_flush_work *f;
	struct hungtask_hop *hop, *whop;
	struct work_struct target;
	struct task_struct *worker_task;
	unsigned long b, pwq;
	const char *why;
	bool stale;

	if (task_state_to_char(t) != 'D' || !hungtask_layout_on(HUNGTASK_LAYOUT_FLUSH_WORK))
		return false;
	b = hungtask_find_barrier(t, &barrier, &stale, &why);
	if (why) {
		/*
		 * Nothing read from its stack holds (it woke, or runs): say why
		 * and end the chain here; no other follower may guess on.
		 */
		hungtask_stack_note(ctx, t, why);
		*next = NULL;
		return true;
	}
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
	if (copy_from_kernel_nofault(&f->pool, (void *)(pwq + hungtask_layout.pwq_pool),
				     sizeof(f->pool)) ||
	    hungtask_read_pool_head(f->pool, &pool)) {
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

	/*
	 * Pending target: the first node before our barrier, past the newer
	 * flushers' barriers, queued on the same pwq. Running target: that
	 * node is the executing worker's scheduled list head.
	 */
	hungtask_walk_barriers(b, &barrier, pwq, &walk);
	f->target = walk.target;
	f->target_func = walk.target_func;

	if (!hungtask_layout_on(HUNGTASK_LAYOUT_WORKER))
		hungtask_reason(hop, "worker layout off: running target and worker not followed");
	hungtask_scan_pool(ctx, f, walk.head, &ps);
	if (walk.why) {
		hungtask_reason(hop, walk.why);
	} else if (!f->target && ps.executing_candidates > 1) {
		hungtask_reason(hop, "several workers of the pool could hold the barrier list");
	} else if (!f->target && ps.executing) {
		struct hungtask_worker_head head;

		f->target_running = true;
		f->executing_pid = ps.executing->pid;
		if (!hungtask_read_worker_head((unsigned long)kthread_data(ps.executing), &head)) {
			f->target = (unsigned long)head.current_work;
			f->target_func = (unsigned long)head.current_func;
			if (!copy_from_kernel_nofault(&target, head.current_work, sizeof(target)) &&
			    target.func != head.current_func)
				hungtask_reason(hop, "executing worker's current_func disagrees with the work");
			else if (!hungtask_is_func_entry(f->target_func))
				hungtask_reason(hop, "executing worker's current_func is no function entry");
		}
	}
	if (!f->target && !hop->reason[0])
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
	whop = hungtask_worker_hop_add(ctx, worker_task, f->target_running || ps.busy_same);
	if (!whop)
		return true;
	if (!f->target)
		hungtask_reason(whop, "target unknown: a member of the pool, not proven to be the one to run it");
	else if (!whop->worker.runs_target && !ps.runnable)
		hungtask_reason(whop, "no worker of the pool is runnable; showing a member");
	whop->verified = !whop->reason[0];
	*next = worker_task;
	return true;
}

/* Addresses are hashed (%p): the kernel log is readable beyond netlink's privileged readers. */
static void hungtask_flush_work_kmsg(struct hungtask_kmsg_buf *b, unsigned int i,
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

static int hungtask_flush_work_nl_put(struct hungtask_nlw *w, const struct hungtask_hop *hop)
{
	const struct hungtask_hop_flush_work *f = &hop->flush;
	struct nlattr *nest;
	int err = hungtask_w_nest(w, HUNGTASK_A_HOP_FLUSH_WORK, &nest);

	if (err)
		return err;
	err = hungtask_w_u64(w, HUNGTASK_A_HOP_FLUSH_WORK_BARRIER, f->barrier,
			     HUNGTASK_A_HOP_FLUSH_WORK_PAD) ||
	      hungtask_w_u64(w, HUNGTASK_A_HOP_FLUSH_WORK_PWQ, f->pwq,
			     HUNGTASK_A_HOP_FLUSH_WORK_PAD) ||
	      hungtask_w_u64(w, HUNGTASK_A_HOP_FLUSH_WORK_POOL, f->pool,
			     HUNGTASK_A_HOP_FLUSH_WORK_PAD) ||
	      hungtask_w_s32(w, HUNGTASK_A_HOP_FLUSH_WORK_POOL_CPU, f->pool_cpu) ||
	      hungtask_w_s32(w, HUNGTASK_A_HOP_FLUSH_WORK_POOL_ID, f->pool_id) ||
	      hungtask_w_str(w, HUNGTASK_A_HOP_FLUSH_WORK_WQ_NAME, f->wq_name) ||
	      hungtask_w_u64(w, HUNGTASK_A_HOP_FLUSH_WORK_TARGET, f->target,
			     HUNGTASK_A_HOP_FLUSH_WORK_PAD) ||
	      hungtask_w_u64(w, HUNGTASK_A_HOP_FLUSH_WORK_TARGET_FUNC, f->target_func,
			     HUNGTASK_A_HOP_FLUSH_WORK_PAD) ||
	      hungtask_w_sym(w, HUNGTASK_A_HOP_FLUSH_WORK_TARGET_SYM, "%pS", f->target_func) ||
	      hungtask_w_u32(w, HUNGTASK_A_HOP_FLUSH_WORK_TARGET_STATE,
			     f->target_running ? HUNGTASK_TARGET_STATE_RUNNING :
			     f->target ? HUNGTASK_TARGET_STATE_PENDING :
					 HUNGTASK_TARGET_STATE_UNKNOWN) ||
	      hungtask_w_u32(w, HUNGTASK_A_HOP_FLUSH_WORK_EXECUTING_PID, f->executing_pid);
	return hungtask_w_end(w, nest, err);
}

const struct hungtask_chain_kind hungtask_chain_kind_flush_work = {
	.follow = hungtask_follow_flush,
	.kmsg = hungtask_flush_work_kmsg,
	.nl_put = hungtask_flush_work_nl_put,
};
