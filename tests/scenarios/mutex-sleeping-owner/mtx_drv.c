// SPDX-License-Identifier: GPL-2.0
/*
 * mtx_drv: a driver whose kthread takes its configuration mutex and then
 * sleeps holding it (msleep_interruptible(): TASK_INTERRUPTIBLE, so the
 * owner itself is never reported by the hung-task detector). A writer of
 * /proc/mtx_cfg then blocks in mutex_lock() on the same mutex, in D state.
 * The culprit is the owner in the function that sleeps with the lock held,
 * mtx_hold_and_sleep(), of this module.
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>

static int hold_s = 120;
module_param(hold_s, int, 0444);
MODULE_PARM_DESC(hold_s, "seconds the holder sleeps with the mutex held");

static DEFINE_MUTEX(mtx_cfg_lock);
static DECLARE_COMPLETION(mtx_held);
static struct task_struct *mtx_holder;
static struct proc_dir_entry *mtx_cfg_entry;

static noinline void mtx_hold_and_sleep(void)
{
	mutex_lock(&mtx_cfg_lock);
	pr_info("mtx_drv: %s[%d] holds mtx_cfg_lock, sleeps %d s\n", current->comm,
		current->pid, hold_s);
	complete(&mtx_held);
	msleep_interruptible(hold_s * 1000);
	mutex_unlock(&mtx_cfg_lock);
	pr_info("mtx_drv: mtx_cfg_lock released\n");
}

static int mtx_holder_thread(void *unused)
{
	mtx_hold_and_sleep();
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

static noinline void mtx_cfg_apply(void)
{
	mutex_lock(&mtx_cfg_lock);
	mutex_unlock(&mtx_cfg_lock);
}

static ssize_t mtx_cfg_write(struct file *file, const char __user *buf, size_t len, loff_t *pos)
{
	mtx_cfg_apply();
	return len;
}

static const struct proc_ops mtx_cfg_ops = {
	.proc_write = mtx_cfg_write,
};

static int __init mtx_init(void)
{
	mtx_holder = kthread_run(mtx_holder_thread, NULL, "mtx_holder");
	if (IS_ERR(mtx_holder))
		return PTR_ERR(mtx_holder);
	wait_for_completion(&mtx_held);
	mtx_cfg_entry = proc_create("mtx_cfg", 0200, NULL, &mtx_cfg_ops);
	if (!mtx_cfg_entry) {
		kthread_stop(mtx_holder);
		return -ENOMEM;
	}
	return 0;
}

static void __exit mtx_exit(void)
{
	proc_remove(mtx_cfg_entry);
	kthread_stop(mtx_holder);
}

module_init(mtx_init);
module_exit(mtx_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hungtask test: a kthread sleeps holding a mutex another task needs");
