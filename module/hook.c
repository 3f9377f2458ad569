// SPDX-License-Identifier: GPL-2.0
/*
 * The hook: a probe on the sched_process_hang trace point.
 *
 * The trace point is not exported as a symbol, so it is found by name with
 * for_each_kernel_tracepoint(). It fires in khungtaskd under
 * rcu_read_lock(), before the panic decision and before any printing, for
 * every hung task on every scan. The probe must not sleep and must stay
 * bounded.
 */
#include <linux/atomic.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "internal.h"

static struct tracepoint *hungtask_tp;

static bool fault_no_hook;
module_param(fault_no_hook, bool, 0444);
HUNGTASK_FAULT_PARM_DESC(fault_no_hook, "behave as on a kernel without sched_process_hang");
static atomic64_t hungtask_hits = ATOMIC64_INIT(0);

static void hungtask_find_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, fault_no_hook ? "hungtask_fault_no_hook" : "sched_process_hang"))
		*(struct tracepoint **)priv = tp;
}

/* Trace point probe: atomic context (khungtaskd, under rcu_read_lock()). */
static void hungtask_probe(void *data, struct task_struct *victim)
{
	atomic64_inc(&hungtask_hits);
	hungtask_capture_hung(victim);
}

/**
 * hungtask_hook_init() - attach the probe to sched_process_hang.
 *
 * Context: process context, may sleep.
 * Return: 0 on success; -ENOENT when the kernel has no such trace point
 * (CONFIG_DETECT_HUNG_TASK off or a renamed event), or the errno of
 * tracepoint_probe_register().
 */
int hungtask_hook_init(void)
{
	int ret;

	hungtask_tp = NULL;
	for_each_kernel_tracepoint(hungtask_find_tp, &hungtask_tp);
	if (!hungtask_tp) {
		pr_err(HUNGTASK_PR_PREFIX
		       "trace point sched_process_hang not found: this kernel has no hung-task detector hook (CONFIG_DETECT_HUNG_TASK?), refusing to load%s\n",
		       fault_no_hook ? " (fault_no_hook)" : "");
		return -ENOENT;
	}
	ret = tracepoint_probe_register(hungtask_tp, hungtask_probe, NULL);
	if (ret)
		pr_err(HUNGTASK_PR_PREFIX "cannot attach to sched_process_hang: %d\n", ret);
	return ret;
}

/**
 * hungtask_hook_exit() - detach the probe and wait for running probes.
 *
 * Context: process context, sleeps in tracepoint_synchronize_unregister().
 */
void hungtask_hook_exit(void)
{
	tracepoint_probe_unregister(hungtask_tp, hungtask_probe, NULL);
	tracepoint_synchronize_unregister();
}

