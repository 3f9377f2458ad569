// SPDX-License-Identifier: GPL-2.0
/*
 * lo_vendor: the look-alike of the seed case's culprit. A "polling" kernel
 * thread bound to one CPU that spins without cond_resched(). On a kernel that
 * does not preempt kernel code (preempt=none) nothing else runs on that CPU
 * while it spins: the CPU's kworkers starve.
 *
 * It spins for spin_s seconds and then behaves, so that the guest recovers
 * before the RCU stall detector (21 s on Debian) would fire.
 */
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>

static int cpu = 1;
module_param(cpu, int, 0444);
MODULE_PARM_DESC(cpu, "CPU the polling thread is bound to");

static int spin_s = 16;
module_param(spin_s, int, 0444);
MODULE_PARM_DESC(spin_s, "seconds to spin without yielding");

static bool preempt_off;
module_param(preempt_off, bool, 0444);
MODULE_PARM_DESC(preempt_off, "spin with preemption disabled (stalls RCU grace periods)");

static struct task_struct *lo_task;

static noinline int lo_poll(void *arg)
{
	unsigned long end = jiffies + spin_s * HZ;

	pr_info("lo_vendor: lo_poll spinning on CPU %d for %d s\n", cpu, spin_s);
	/* The bug: a busy poll with no cond_resched(). */
	if (preempt_off)
		preempt_disable();
	while (time_before(jiffies, end) && !kthread_should_stop())
		cpu_relax();
	if (preempt_off)
		preempt_enable();
	pr_info("lo_vendor: lo_poll stopped spinning\n");
	while (!kthread_should_stop())
		msleep_interruptible(100);
	return 0;
}

static int __init lo_vendor_init(void)
{
	lo_task = kthread_create(lo_poll, NULL, "lo_poll");
	if (IS_ERR(lo_task))
		return PTR_ERR(lo_task);
	kthread_bind(lo_task, cpu);
	wake_up_process(lo_task);
	return 0;
}

static void __exit lo_vendor_exit(void)
{
	kthread_stop(lo_task);
}

module_init(lo_vendor_init);
module_exit(lo_vendor_exit);
MODULE_DESCRIPTION("seed look-alike: CPU-hogging kernel thread");
MODULE_LICENSE("GPL");
