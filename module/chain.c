// SPDX-License-Identifier: GPL-2.0
/*
 * The table of chain kinds: one line per enum hungtask_hop_kind
 * (proto/hungtask.yaml). Everything about a kind is in its own file,
 * chain_KIND.c; the capture, the kmsg record and the netlink messages reach
 * the kinds only through this table (docs/adding-a-chain-kind.md).
 */
#include <linux/build_bug.h>
#include <linux/kernel.h>
#include <linux/module.h>

#include "internal.h"

/* Followers are asked in this order; it is also the order of the enum. */
static const struct hungtask_chain_kind *const hungtask_chain_kinds[] = {
	[HUNGTASK_HOP_KIND_FLUSH_WORK] = &hungtask_chain_kind_flush_work,
	[HUNGTASK_HOP_KIND_WORKER] = &hungtask_chain_kind_worker,
	[HUNGTASK_HOP_KIND_CPU] = &hungtask_chain_kind_cpu,
	[HUNGTASK_HOP_KIND_MUTEX] = &hungtask_chain_kind_mutex,
	[HUNGTASK_HOP_KIND_RWSEM] = &hungtask_chain_kind_rwsem,
	[HUNGTASK_HOP_KIND_SEMAPHORE] = &hungtask_chain_kind_sem,
};
/* A kind added to proto/hungtask.yaml needs its line above. */
static_assert(ARRAY_SIZE(hungtask_chain_kinds) == HUNGTASK_HOP_KINDS);

static const struct hungtask_chain_kind *hungtask_chain_kind_of(const struct hungtask_hop *hop)
{
	return hop->kind < HUNGTASK_HOP_KINDS ? hungtask_chain_kinds[hop->kind] : NULL;
}

/**
 * hungtask_chain_follow() - follow the chain from @t, one hop per step.
 * @ctx: capture context.
 * @t: the victim, valid under rcu_read_lock().
 *
 * Each step asks the followers in table order; the first that explains the
 * task adds its hops and may name the next task, from which the chain goes
 * on across kinds (a mutex owner blocked in flush_work(), its worker, the
 * CPU that worker waits for). The chain ends when none explains a task, when
 * no next task is named, when the chain has HUNGTASK_MAX_HOPS hops, or when
 * the next task is already in the chain: a cycle (a deadlock), marked on the
 * hop that named it (hop->cycle).
 *
 * Context: atomic, under rcu_read_lock().
 */
void hungtask_chain_follow(struct hungtask_ctx *ctx, struct task_struct *t)
{
	struct task_struct *seen[HUNGTASK_MAX_HOPS + 1];
	unsigned int depth, k, nseen = 0;

	for (depth = 0; t && depth < HUNGTASK_MAX_HOPS; depth++) {
		struct task_struct *next = NULL;
		bool explained = false;

		seen[nseen++] = t;
		for (k = 0; k < ARRAY_SIZE(hungtask_chain_kinds) && !explained; k++)
			if (hungtask_chain_kinds[k]->follow)
				explained = hungtask_chain_kinds[k]->follow(ctx, t, &next);
		if (!explained || !next)
			break;
		for (k = 0; k < nseen; k++)
			if (seen[k] == next)
				break;
		if (k < nseen) {
			if (ctx->inc->nr_hops)
				ctx->inc->hops[ctx->inc->nr_hops - 1].cycle = true;
			break;
		}
		t = next;
	}
}

/**
 * hungtask_chain_kmsg() - print hop @i as its kind's "hop" line(s).
 * @b: the record.
 * @i: index of the hop in the chain.
 * @hop: the hop.
 *
 * Context: any.
 */
void hungtask_chain_kmsg(struct hungtask_kmsg_buf *b, unsigned int i,
			 const struct hungtask_hop *hop)
{
	const struct hungtask_chain_kind *kind = hungtask_chain_kind_of(hop);
	char reason[HUNGTASK_REASON_LEN];

	if (!kind)
		return;
	hungtask_kmsg_quote(reason, sizeof(reason), hop->reason);
	kind->kmsg(b, i, hop, reason);
	/* A line of its own: the kind's hop line may be followed by lines of its own. */
	if (hop->cycle)
		hungtask_kmsg_line(b, "cycle hop=%u", i);
}

/**
 * hungtask_chain_kmsg_stacks() - print the stacks of hop @i, if its kind has any.
 * @b: the record.
 * @i: index of the hop in the chain.
 * @hop: the hop.
 *
 * Context: any.
 */
void hungtask_chain_kmsg_stacks(struct hungtask_kmsg_buf *b, unsigned int i,
				const struct hungtask_hop *hop)
{
	const struct hungtask_chain_kind *kind = hungtask_chain_kind_of(hop);

	if (kind && kind->kmsg_stacks)
		kind->kmsg_stacks(b, i, hop);
}

/**
 * hungtask_chain_nl_put() - put (or measure) the kind's own nest of @hop.
 * @w: the writer.
 * @hop: the hop.
 *
 * Context: any.
 * Return: 0, or -EMSGSIZE.
 */
int hungtask_chain_nl_put(struct hungtask_nlw *w, const struct hungtask_hop *hop)
{
	const struct hungtask_chain_kind *kind = hungtask_chain_kind_of(hop);

	return kind ? kind->nl_put(w, hop) : 0;
}

/**
 * hungtask_chain_init() - check the table and init the kinds, in table order.
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL for a hole in the table, or a kind's init error.
 */
int hungtask_chain_init(void)
{
	unsigned int k;
	int ret;

	for (k = 0; k < ARRAY_SIZE(hungtask_chain_kinds); k++) {
		const struct hungtask_chain_kind *kind = hungtask_chain_kinds[k];

		if (!kind || !kind->kmsg || !kind->nl_put) {
			pr_err(HUNGTASK_PR_PREFIX "chain kind %u has no table entry or no kmsg/netlink ops\n",
			       k);
			ret = -EINVAL;
			goto err;
		}
		if (kind->init) {
			ret = kind->init();
			if (ret)
				goto err;
		}
	}
	return 0;

err:
	while (k--)
		if (hungtask_chain_kinds[k]->exit)
			hungtask_chain_kinds[k]->exit();
	return ret;
}

/**
 * hungtask_chain_exit() - exit the kinds, in reverse table order.
 *
 * Context: process context, may sleep. The producers (the hook) must be
 * stopped first.
 */
void hungtask_chain_exit(void)
{
	unsigned int k = ARRAY_SIZE(hungtask_chain_kinds);

	while (k--)
		if (hungtask_chain_kinds[k]->exit)
			hungtask_chain_kinds[k]->exit();
}
