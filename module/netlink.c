// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "hungtask" (proto/hungtask.yaml): incidents as
 * multicast events and as a resumable dump of the ring, acks, config and
 * status. The ops table is hand-written: YNL's kernel output needs split ops,
 * which 6.1 lacks. resv_start_op is 0, so every operation is validated
 * strictly: unknown attributes and trailing data are refused.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "compat.h"
#include "internal.h"

/*
 * An event is sent whole when its skb stays a slab allocation (kmalloc-8k at
 * most, never a direct page-allocator call from khungtaskd); a larger
 * incident goes out as a reduced event and the reader dumps it.
 */
#define HUNGTASK_NL_EVENT_MAX SKB_WITH_OVERHEAD(2 * PAGE_SIZE)

static struct genl_family hungtask_nl_family __ro_after_init;

static atomic64_t hungtask_listeners_failed = ATOMIC64_INIT(0);
static atomic64_t hungtask_events_reduced = ATOMIC64_INIT(0);

static int hungtask_put_hop(struct hungtask_nlw *w, const struct hungtask_hop *hop)
{
	struct nlattr *nest;
	int err = hungtask_w_nest(w, HUNGTASK_A_INCIDENT_HOP, &nest);

	if (err)
		return err;
	err = hungtask_w_u32(w, HUNGTASK_A_HOP_KIND, hop->kind) ||
	      hungtask_w_u8(w, HUNGTASK_A_HOP_VERIFIED, hop->verified) ||
	      (hop->reason[0] && hungtask_w_str(w, HUNGTASK_A_HOP_REASON, hop->reason)) ||
	      (hop->cycle && hungtask_w_u8(w, HUNGTASK_A_HOP_CYCLE, 1));
	if (!err)
		err = hungtask_chain_nl_put(w, hop);
	return hungtask_w_end(w, nest, err);
}

static int hungtask_put_host(struct hungtask_nlw *w, const struct hungtask_host *h)
{
	struct nlattr *nest;
	int err = hungtask_w_nest(w, HUNGTASK_A_INCIDENT_HOST, &nest);

	if (err)
		return err;
	err = hungtask_w_str(w, HUNGTASK_A_HOST_RELEASE, h->release) ||
	      hungtask_w_str(w, HUNGTASK_A_HOST_PREEMPT, h->preempt ?: "unknown") ||
	      hungtask_w_s32(w, HUNGTASK_A_HOST_WATCHDOG, h->watchdog) ||
	      hungtask_w_s32(w, HUNGTASK_A_HOST_SOFTLOCKUP_PANIC, h->softlockup_panic) ||
	      hungtask_w_s32(w, HUNGTASK_A_HOST_WATCHDOG_THRESH, h->watchdog_thresh) ||
	      hungtask_w_u64(w, HUNGTASK_A_HOST_HUNG_TASK_TIMEOUT_SECS, h->hung_task_timeout_secs,
			     HUNGTASK_A_HOST_PAD) ||
	      hungtask_w_s32(w, HUNGTASK_A_HOST_HUNG_TASK_PANIC, h->hung_task_panic) ||
	      hungtask_w_u64(w, HUNGTASK_A_HOST_TAINT, h->taint, HUNGTASK_A_HOST_PAD) ||
	      hungtask_w_str(w, HUNGTASK_A_HOST_OOT_MODULES, h->oot_modules);
	return hungtask_w_end(w, nest, err);
}

/*
 * One incident as the attributes of one message. @reduced: only the
 * attributes that identify it (an event too large to send whole). The caller
 * cancels the message on error.
 */
static int hungtask_fill_incident(struct hungtask_nlw *w, const struct hungtask_incident *inc,
				  bool reduced)
{
	unsigned int i;

	if (hungtask_w_u64(w, HUNGTASK_A_INCIDENT_SEQ, inc->seq, HUNGTASK_A_INCIDENT_PAD) ||
	    hungtask_w_str(w, HUNGTASK_A_INCIDENT_BOOT_ID, hungtask_boot_id) ||
	    hungtask_w_u64(w, HUNGTASK_A_INCIDENT_INSTANCE_ID, inc->instance_id,
			   HUNGTASK_A_INCIDENT_PAD) ||
	    hungtask_w_u64(w, HUNGTASK_A_INCIDENT_DETECTED_NS, inc->detected_ns,
			   HUNGTASK_A_INCIDENT_PAD) ||
	    hungtask_w_u32(w, HUNGTASK_A_INCIDENT_TRIGGER, inc->trigger) ||
	    hungtask_w_u32(w, HUNGTASK_A_INCIDENT_REPEATS, inc->repeats) ||
	    hungtask_put_task(w, HUNGTASK_A_INCIDENT_VICTIM, &inc->victim))
		return -EMSGSIZE;
	if (reduced)
		return hungtask_w_u8(w, HUNGTASK_A_INCIDENT_REDUCED, 1) ? -EMSGSIZE : 0;
	if (hungtask_w_u64(w, HUNGTASK_A_INCIDENT_CAPTURE_NS, inc->capture_ns,
			   HUNGTASK_A_INCIDENT_PAD) ||
	    hungtask_w_u64(w, HUNGTASK_A_INCIDENT_VICTIM_NS, inc->victim_ns,
			   HUNGTASK_A_INCIDENT_PAD) ||
	    hungtask_w_u64(w, HUNGTASK_A_INCIDENT_BLOCKED_S, inc->blocked_s,
			   HUNGTASK_A_INCIDENT_PAD) ||
	    hungtask_put_stack(w, HUNGTASK_A_INCIDENT_VICTIM_STACK, &inc->victim_stack) ||
	    hungtask_w_u64(w, HUNGTASK_A_INCIDENT_SYSCALL_NR, inc->syscall_nr,
			   HUNGTASK_A_INCIDENT_PAD) ||
	    (inc->path[0] && hungtask_w_str(w, HUNGTASK_A_INCIDENT_PATH, inc->path)) ||
	    (inc->cgroup[0] && hungtask_w_str(w, HUNGTASK_A_INCIDENT_CGROUP, inc->cgroup)) ||
	    hungtask_w_u32(w, HUNGTASK_A_INCIDENT_TASKS_WALKED, inc->tasks_walked) ||
	    hungtask_w_u8(w, HUNGTASK_A_INCIDENT_WALK_TRUNCATED, inc->walk_truncated) ||
	    hungtask_w_u64(w, HUNGTASK_A_INCIDENT_FIRST_SEQ, inc->first_seq,
			   HUNGTASK_A_INCIDENT_PAD) ||
	    hungtask_w_u32(w, HUNGTASK_A_INCIDENT_VICTIM_COUNT, inc->victim_count))
		return -EMSGSIZE;
	for (i = 0; i < inc->nr_sample && i < HUNGTASK_MAX_SAMPLE; i++) {
		struct nlattr *nest;
		int err;

		err = hungtask_w_nest(w, HUNGTASK_A_INCIDENT_VICTIM_SAMPLE, &nest);
		if (!err)
			err = hungtask_w_u32(w, HUNGTASK_A_TASK_PID, inc->sample[i].pid) ?:
			      hungtask_w_str(w, HUNGTASK_A_TASK_COMM, inc->sample[i].comm);
		if (hungtask_w_end(w, nest, err))
			return -EMSGSIZE;
	}
	if (inc->syscall_nr >= 0)
		for (i = 0; i < ARRAY_SIZE(inc->syscall_args); i++)
			if (hungtask_w_u64(w, HUNGTASK_A_INCIDENT_SYSCALL_ARG,
					   inc->syscall_args[i], HUNGTASK_A_INCIDENT_PAD))
				return -EMSGSIZE;
	if ((inc->syscall_nr >= 0 &&
	     hungtask_w_u32(w, HUNGTASK_A_INCIDENT_SYSCALL_ABI, inc->syscall_abi)) ||
	    (inc->stack_note[0] &&
	     hungtask_w_str(w, HUNGTASK_A_INCIDENT_STACK_NOTE, inc->stack_note)))
		return -EMSGSIZE;
	for (i = 0; i < inc->nr_hops && i < HUNGTASK_MAX_HOPS; i++)
		if (hungtask_put_hop(w, &inc->hops[i]))
			return -EMSGSIZE;
	return hungtask_put_host(w, &inc->host);
}

/* Exact size of the attributes of @inc as hungtask_fill_incident() puts them. */
static size_t hungtask_incident_size(const struct hungtask_incident *inc, bool reduced)
{
	struct hungtask_nlw w = {};

	hungtask_fill_incident(&w, inc, reduced);
	return w.size;
}

/**
 * hungtask_nl_notify() - multicast an incident to the "events" group.
 * @inc: the incident, stored in the ring (with its seq).
 *
 * Skips everything when nobody listens. The message is measured first and
 * its skb allocated at exactly that size with GFP_NOWAIT | __GFP_NOWARN:
 * no reclaim, no emergency reserves, no warning. An incident whose event
 * would exceed HUNGTASK_NL_EVENT_MAX goes out reduced (status
 * events-reduced); the reader dumps it. Failures other than "no listener"
 * are counted (status listeners-failed); a reader recovers the incident
 * with a dump.
 *
 * Context: atomic (the trace point probe); does not sleep.
 */
void hungtask_nl_notify(const struct hungtask_incident *inc)
{
	struct hungtask_nlw w = {};
	bool reduced = false;
	size_t size;
	void *hdr;
	int ret;

	if (!genl_has_listeners(&hungtask_nl_family, &init_net, 0))
		return;
	size = hungtask_incident_size(inc, false);
	if (nlmsg_total_size(genlmsg_total_size(size)) > HUNGTASK_NL_EVENT_MAX) {
		reduced = true;
		size = hungtask_incident_size(inc, true);
		atomic64_inc(&hungtask_events_reduced);
	}
	w.skb = genlmsg_new(size, GFP_NOWAIT | __GFP_NOWARN);
	if (!w.skb)
		goto err_count;
	hdr = genlmsg_put(w.skb, 0, 0, &hungtask_nl_family, 0, HUNGTASK_CMD_EVENT);
	if (!hdr || hungtask_fill_incident(&w, inc, reduced)) {
		nlmsg_free(w.skb);
		goto err_count;
	}
	genlmsg_end(w.skb, hdr);
	ret = genlmsg_multicast(&hungtask_nl_family, w.skb, 0, 0, GFP_NOWAIT | __GFP_NOWARN);
	if (ret && ret != -ESRCH)
		goto err_count;
	return;

err_count:
	atomic64_inc(&hungtask_listeners_failed);
}

/*
 * Dump of the ring from a sequence number. cb->args[0] is the next seq to
 * send. .start sizes every skb of the dump for the largest incident it will
 * return (cb->min_dump_alloc; NLMSG_GOODSIZE would not hold a large one), so
 * every incident present when the dump starts fits an skb of its own.
 */
static int hungtask_nl_incident_dump_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = hungtask_dump_attrs(cb);
	struct hungtask_incident *inc;
	size_t largest = 0;
	u64 next;

	next = attrs[HUNGTASK_A_INCIDENT_FROM_SEQ] ?
		       nla_get_u64(attrs[HUNGTASK_A_INCIDENT_FROM_SEQ]) : 0;
	cb->args[0] = next;
	inc = kmalloc(sizeof(*inc), GFP_KERNEL);
	if (!inc)
		return -ENOMEM;
	while (!hungtask_ring_get_from(next, inc)) {
		largest = max(largest, hungtask_incident_size(inc, false));
		next = inc->seq + 1;
	}
	kfree(inc);
	cb->min_dump_alloc = nlmsg_total_size(genlmsg_total_size(largest));
	return 0;
}

static int hungtask_nl_incident_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct hungtask_nlw w = { .skb = skb };
	struct hungtask_incident *inc;
	u64 next = cb->args[0];

	inc = kmalloc(sizeof(*inc), GFP_KERNEL);
	if (!inc)
		return -ENOMEM;
	/* The ring generation: a dump that spans a change is flagged NLM_F_DUMP_INTR. */
	cb->seq = hungtask_ring_generation();
	while (!hungtask_ring_get_from(next, inc)) {
		void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
					&hungtask_nl_family, NLM_F_MULTI, HUNGTASK_CMD_INCIDENT_GET);

		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (hungtask_fill_incident(&w, inc, false)) {
			genlmsg_cancel(skb, hdr);
			/*
			 * Not even an empty skb holds it: it was stored after
			 * .start sized the dump. Never fail on it (every retry
			 * would fail the same way): end the dump flagged
			 * interrupted (NLM_F_DUMP_INTR on NLMSG_DONE), so the
			 * reader runs it again and .start sizes that one for it.
			 */
			if (!skb->len)
				cb->prev_seq = cb->seq + 1 ?: 1;
			break;
		}
		genlmsg_end(skb, hdr);
		next = inc->seq + 1;
	}
	cb->args[0] = next;
	kfree(inc);
	return skb->len;
}

static int hungtask_nl_ack(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *seq = info->attrs[HUNGTASK_A_INCIDENT_SEQ];
	struct nlattr *boot = info->attrs[HUNGTASK_A_INCIDENT_BOOT_ID];
	int ret;

	if (!seq || !boot) {
		NL_SET_ERR_MSG_MOD(info->extack, "ack needs seq and boot-id");
		return -EINVAL;
	}
	if (nla_strcmp(boot, hungtask_boot_id)) {
		NL_SET_ERR_MSG_ATTR(info->extack, boot, "boot-id is not this boot's");
		return -ESTALE;
	}
	ret = hungtask_ring_ack(nla_get_u64(seq));
	if (ret == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, seq, "no incident with this seq in the ring");
	return ret;
}

static int hungtask_nl_reply(struct genl_info *info, u8 cmd,
			     int (*fill)(struct sk_buff *skb))
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	void *hdr;

	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &hungtask_nl_family, 0, cmd);
	if (!hdr || fill(msg)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int hungtask_fill_status(struct sk_buff *msg)
{
	struct hungtask_counters c;
	u64 first, last;

	hungtask_ring_counters(&c);
	hungtask_ring_seq_range(&first, &last);
	return nla_put_u32(msg, HUNGTASK_A_STATUS_PROTOCOL_VERSION, HUNGTASK_FAMILY_VERSION) ||
	       nla_put_string(msg, HUNGTASK_A_STATUS_BOOT_ID, hungtask_boot_id) ||
	       nla_put_u64_64bit(msg, HUNGTASK_A_STATUS_FIRST_SEQ, first, HUNGTASK_A_STATUS_PAD) ||
	       nla_put_u64_64bit(msg, HUNGTASK_A_STATUS_LAST_SEQ, last, HUNGTASK_A_STATUS_PAD) ||
	       nla_put_u64_64bit(msg, HUNGTASK_A_STATUS_CAPTURED, c.captured,
				 HUNGTASK_A_STATUS_PAD) ||
	       nla_put_u64_64bit(msg, HUNGTASK_A_STATUS_COALESCED, c.coalesced,
				 HUNGTASK_A_STATUS_PAD) ||
	       nla_put_u64_64bit(msg, HUNGTASK_A_STATUS_DROPPED_FULL, c.dropped_full,
				 HUNGTASK_A_STATUS_PAD) ||
	       nla_put_u64_64bit(msg, HUNGTASK_A_STATUS_DROPPED_BUSY, c.dropped_busy,
				 HUNGTASK_A_STATUS_PAD) ||
	       nla_put_u32(msg, HUNGTASK_A_STATUS_RING_FILL, c.ring_fill) ||
	       nla_put_u32(msg, HUNGTASK_A_STATUS_RING_SIZE, c.ring_size) ||
	       nla_put_u64_64bit(msg, HUNGTASK_A_STATUS_LISTENERS_FAILED,
				 atomic64_read(&hungtask_listeners_failed), HUNGTASK_A_STATUS_PAD) ||
	       nla_put_u64_64bit(msg, HUNGTASK_A_STATUS_INSTANCE_ID, hungtask_instance_id,
				 HUNGTASK_A_STATUS_PAD) ||
	       nla_put_u64_64bit(msg, HUNGTASK_A_STATUS_EVENTS_REDUCED,
				 atomic64_read(&hungtask_events_reduced), HUNGTASK_A_STATUS_PAD) ?
		       -EMSGSIZE : 0;
}

static int hungtask_nl_status_get(struct sk_buff *skb, struct genl_info *info)
{
	return hungtask_nl_reply(info, HUNGTASK_CMD_STATUS_GET, hungtask_fill_status);
}

static int hungtask_nl_put_hog(struct sk_buff *msg)
{
	return nla_put_u32(msg, HUNGTASK_A_CONFIG_HOG_PERIOD_MS,
			   READ_ONCE(hungtask_hog_period_ms)) ||
	       nla_put_u32(msg, HUNGTASK_A_CONFIG_HOG_THRESHOLD_MS,
			   READ_ONCE(hungtask_hog_threshold_ms));
}

static int hungtask_fill_config(struct sk_buff *msg)
{
	return nla_put_u8(msg, HUNGTASK_A_CONFIG_CAPTURE_ENABLED, READ_ONCE(hungtask_cfg_capture)) ||
	       nla_put_u8(msg, HUNGTASK_A_CONFIG_KMSG_ENABLED, READ_ONCE(hungtask_cfg_kmsg)) ||
	       nla_put_u32(msg, HUNGTASK_A_CONFIG_RUNQ_WALK_MAX, READ_ONCE(hungtask_runq_walk_max)) ||
	       hungtask_nl_put_hog(msg) ?
		       -EMSGSIZE : 0;
}

static int hungtask_nl_config_get(struct sk_buff *skb, struct genl_info *info)
{
	return hungtask_nl_reply(info, HUNGTASK_CMD_CONFIG_GET, hungtask_fill_config);
}

static int hungtask_nl_config_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;

	if (a[HUNGTASK_A_CONFIG_CAPTURE_ENABLED])
		WRITE_ONCE(hungtask_cfg_capture, nla_get_u8(a[HUNGTASK_A_CONFIG_CAPTURE_ENABLED]));
	if (a[HUNGTASK_A_CONFIG_KMSG_ENABLED])
		WRITE_ONCE(hungtask_cfg_kmsg, nla_get_u8(a[HUNGTASK_A_CONFIG_KMSG_ENABLED]));
	if (a[HUNGTASK_A_CONFIG_RUNQ_WALK_MAX])
		WRITE_ONCE(hungtask_runq_walk_max, nla_get_u32(a[HUNGTASK_A_CONFIG_RUNQ_WALK_MAX]));
	/* The hog sampler's timers read these at their next tick (hog.c). */
	if (a[HUNGTASK_A_CONFIG_HOG_PERIOD_MS])
		WRITE_ONCE(hungtask_hog_period_ms, nla_get_u32(a[HUNGTASK_A_CONFIG_HOG_PERIOD_MS]));
	if (a[HUNGTASK_A_CONFIG_HOG_THRESHOLD_MS])
		WRITE_ONCE(hungtask_hog_threshold_ms,
			   nla_get_u32(a[HUNGTASK_A_CONFIG_HOG_THRESHOLD_MS]));
	return 0;
}

/* Per-operation policies; attributes not listed are refused (strict). */
static const struct nla_policy hungtask_dump_policy[HUNGTASK_A_INCIDENT_FROM_SEQ + 1] = {
	[HUNGTASK_A_INCIDENT_FROM_SEQ] = { .type = NLA_U64 },
};

static const struct nla_policy hungtask_ack_policy[HUNGTASK_A_INCIDENT_BOOT_ID + 1] = {
	[HUNGTASK_A_INCIDENT_SEQ] = { .type = NLA_U64 },
	[HUNGTASK_A_INCIDENT_BOOT_ID] = { .type = NLA_NUL_STRING, .len = HUNGTASK_BOOT_ID_LEN },
};

/* Not const: 6.1's NLA_POLICY_FULL_RANGE() takes a non-const pointer. */
static struct netlink_range_validation hungtask_walk_range __ro_after_init = {
	.min = HUNGTASK_RUNQ_WALK_MIN,
	.max = HUNGTASK_RUNQ_WALK_MAX,
};

static struct netlink_range_validation hungtask_hog_period_range __ro_after_init = {
	.min = HUNGTASK_HOG_PERIOD_MIN,
	.max = HUNGTASK_HOG_PERIOD_MAX,
};

static struct netlink_range_validation hungtask_hog_threshold_range __ro_after_init = {
	.min = 0,
	.max = HUNGTASK_HOG_THRESHOLD_MAX,
};

static const struct nla_policy hungtask_config_policy[HUNGTASK_A_CONFIG_MAX + 1] = {
	[HUNGTASK_A_CONFIG_CAPTURE_ENABLED] = NLA_POLICY_MAX(NLA_U8, 1),
	[HUNGTASK_A_CONFIG_KMSG_ENABLED] = NLA_POLICY_MAX(NLA_U8, 1),
	[HUNGTASK_A_CONFIG_RUNQ_WALK_MAX] = NLA_POLICY_FULL_RANGE(NLA_U32, &hungtask_walk_range),
	[HUNGTASK_A_CONFIG_HOG_PERIOD_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &hungtask_hog_period_range),
	[HUNGTASK_A_CONFIG_HOG_THRESHOLD_MS] = NLA_POLICY_FULL_RANGE(NLA_U32,
								   &hungtask_hog_threshold_range),
};

/*
 * Operations without request attributes: every attribute is refused. genetlink
 * skips parsing when maxattr is 0, so the policy has one rejecting entry
 * (like 6.12's genl_policy_reject_all); higher types fail the strict max check.
 */
static const struct nla_policy hungtask_none_policy[2] = {
	[1] = { .type = NLA_REJECT },
};

static const struct genl_ops hungtask_nl_ops[] = {
	{
		.cmd = HUNGTASK_CMD_INCIDENT_GET,
		.start = hungtask_nl_incident_dump_start,
		.dumpit = hungtask_nl_incident_dump,
		.policy = hungtask_dump_policy,
		.maxattr = ARRAY_SIZE(hungtask_dump_policy) - 1,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = HUNGTASK_CMD_ACK,
		.doit = hungtask_nl_ack,
		.policy = hungtask_ack_policy,
		.maxattr = ARRAY_SIZE(hungtask_ack_policy) - 1,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = HUNGTASK_CMD_CONFIG_GET,
		.doit = hungtask_nl_config_get,
		.policy = hungtask_none_policy,
		.maxattr = ARRAY_SIZE(hungtask_none_policy) - 1,
	},
	{
		.cmd = HUNGTASK_CMD_CONFIG_SET,
		.doit = hungtask_nl_config_set,
		.policy = hungtask_config_policy,
		.maxattr = HUNGTASK_A_CONFIG_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = HUNGTASK_CMD_STATUS_GET,
		.doit = hungtask_nl_status_get,
		.policy = hungtask_none_policy,
		.maxattr = ARRAY_SIZE(hungtask_none_policy) - 1,
	},
};

static const struct genl_multicast_group hungtask_nl_mcgrps[] = {
	{ .name = HUNGTASK_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_NET_ADMIN },
};

static struct genl_family hungtask_nl_family __ro_after_init = {
	.name = HUNGTASK_FAMILY_NAME,
	.version = HUNGTASK_FAMILY_VERSION,
	.module = THIS_MODULE,
	.ops = hungtask_nl_ops,
	.n_ops = ARRAY_SIZE(hungtask_nl_ops),
	.resv_start_op = 0,	/* strict validation for every operation */
	.mcgrps = hungtask_nl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(hungtask_nl_mcgrps),
};

/**
 * hungtask_nl_init() - register the "hungtask" family.
 *
 * Context: process context, may sleep.
 * Return: 0 or the errno of genl_register_family() (-EEXIST: another module
 * owns the name).
 */
int hungtask_nl_init(void)
{
	return genl_register_family(&hungtask_nl_family);
}

/* Context: process context. The producers (the hook) must be stopped first. */
void hungtask_nl_exit(void)
{
	genl_unregister_family(&hungtask_nl_family);
}
