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

#endif /* HUNGTASK_COMPAT_H */
