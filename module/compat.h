/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hungtask: the kernel-version differences between 6.1 and 6.12, and only
 * them, as static inline helpers.
 */
#ifndef HUNGTASK_COMPAT_H
#define HUNGTASK_COMPAT_H

#include <linux/version.h>
#include <linux/workqueue.h>

/* work_struct.data, while queued, holds the pool_workqueue pointer. */
static inline unsigned long hungtask_work_data_pwq(unsigned long data)
{
	if (!(data & WORK_STRUCT_PWQ))
		return 0;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
	return data & WORK_STRUCT_PWQ_MASK;
#else
	return data & WORK_STRUCT_WQ_DATA_MASK;
#endif
}

/* stack_trace_save_tsk() is exported from 6.12 on Debian; 6.1 needs a lookup. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define HUNGTASK_STACK_TRACE_SAVE_TSK_EXPORTED 1
#else
#define HUNGTASK_STACK_TRACE_SAVE_TSK_EXPORTED 0
#endif

/*
 * An isolated CPU: isolcpus= (HK_TYPE_DOMAIN) or nohz_full= (HK_TYPE_TICK).
 * The hk_type names are the same in 6.1 and 6.12 (upstream renames them
 * later); cpu_is_isolated() tests both on either kernel, and on 6.12 also
 * CPUs of an isolated cpuset partition (cpuset_cpu_is_isolated()), which 6.1
 * cannot create.
 */
#include <linux/sched/isolation.h>

static inline bool hungtask_cpu_isolated(int cpu)
{
	return cpu_is_isolated(cpu);
}

/* The parsed attributes of a dump request: genl_dumpit_info() changed in 6.2. */
#include <net/genetlink.h>

static inline struct nlattr **hungtask_dump_attrs(struct netlink_callback *cb)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/*
 * Joining "events" needs CAP_NET_ADMIN: events carry kernel addresses.
 * GENL_MCAST_CAP_NET_ADMIN came with 6.7 and was backported (Debian 6.1.192
 * has it). A kernel without it gets no family bind hook on 6.1 either, so the
 * module refuses to build there rather than publish addresses to anyone.
 */
#ifndef GENL_MCAST_CAP_NET_ADMIN
#error "this kernel lacks GENL_MCAST_CAP_NET_ADMIN: events could not be restricted"
#endif

#endif /* HUNGTASK_COMPAT_H */
