// SPDX-License-Identifier: GPL-2.0
// Wedges the guest: a non-yielding kthread on every CPU (preempt=none).
// The bench must end with a timeout message and exit 2, never hang.
#include <linux/kthread.h>
#include <linux/module.h>
static int wedge_spin(void *arg)
{
	for (;;)
		cpu_relax();
	return 0;
}
static int __init wedge_init(void)
{
	int cpu;
	for_each_online_cpu(cpu) {
		struct task_struct *t = kthread_create(wedge_spin, NULL, "wedge/%d", cpu);
		if (IS_ERR(t))
			return PTR_ERR(t);
		kthread_bind(t, cpu);
		wake_up_process(t);
	}
	return 0;
}
module_init(wedge_init);
MODULE_LICENSE("GPL");
