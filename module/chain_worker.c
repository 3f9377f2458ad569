// SPDX-License-Identifier: GPL-2.0
/*
 * The worker hop: the kworker of a pool that runs, or should run, the work
 * a flush_work() waits for. It has no follower of its own: the flush_work
 * follower (chain_flush.c) finds the pool's worker and adds this hop, and the
 * chain goes on from that worker's task.
 */
#include <linux/sched.h>

#include "internal.h"

/**
 * hungtask_worker_hop_add() - append a worker hop for the kworker @t.
 * @ctx: capture context.
 * @t: a worker of the pool (PF_WQ_WORKER, its struct worker's pool checked by
 *	the caller), valid under rcu_read_lock().
 * @runs_target: it executes the target (or an earlier instance of it) now.
 *
 * The caller notes why the hop is not verified and sets hop->verified.
 * Context: atomic, under rcu_read_lock().
 * Return: the hop, or NULL when the chain is full.
 */
struct hungtask_hop *hungtask_worker_hop_add(struct hungtask_ctx *ctx, struct task_struct *t,
					     bool runs_target)
{
	struct hungtask_hop *hop = hungtask_hop_add(ctx, HUNGTASK_HOP_KIND_WORKER);

	if (!hop)
		return NULL;
	hungtask_snap_task(t, &hop->worker.task);
	hop->worker.pool_member_verified = true;
	hop->worker.runs_target = runs_target;
	return hop;
}

/* kmsg: one "hop" line that carries the worker task's keys. */
static void hungtask_worker_kmsg(struct hungtask_kmsg_buf *b, unsigned int i,
				 const struct hungtask_hop *hop, const char *reason)
{
	hungtask_kmsg_line(b, "hop i=%u kind=worker verified=%d pool_member=%d runs_target=%d reason=\"%s\"",
			   i, hop->verified, hop->worker.pool_member_verified,
			   hop->worker.runs_target, reason);
	hungtask_kmsg_task(b, &hop->worker.task);
}

static int hungtask_worker_nl_put(struct hungtask_nlw *w, const struct hungtask_hop *hop)
{
	const struct hungtask_hop_worker *wk = &hop->worker;
	struct nlattr *nest;
	int err = hungtask_w_nest(w, HUNGTASK_A_HOP_WORKER, &nest);

	if (err)
		return err;
	err = hungtask_put_task(w, HUNGTASK_A_HOP_WORKER_TASK, &wk->task) ||
	      hungtask_w_u8(w, HUNGTASK_A_HOP_WORKER_POOL_MEMBER, wk->pool_member_verified) ||
	      hungtask_w_u8(w, HUNGTASK_A_HOP_WORKER_RUNS_TARGET, wk->runs_target);
	return hungtask_w_end(w, nest, err);
}

const struct hungtask_chain_kind hungtask_chain_kind_worker = {
	.kmsg = hungtask_worker_kmsg,
	.nl_put = hungtask_worker_nl_put,
};
