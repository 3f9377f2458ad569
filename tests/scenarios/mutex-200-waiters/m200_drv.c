// SPDX-License-Identifier: GPL-2.0
/*
 * m200_drv: many victims behind one cause (issue 11 item 6). A kthread
 * takes the driver's state mutex and sleeps holding it
 * (msleep_interruptible(): TASK_INTERRUPTIBLE, so the owner is never
 * reported itself); every writer of /proc/m200_state then blocks in
 * mutex_lock() on the same mutex, in D state. The culprit of all of them is
 * the owner in m200_hold_and_sleep(), of this module.
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>

static int hold_s = 150;
module_param(hold_s, int, 0444);
MODULE_PARM_DESC(hold_s, "seconds the holder sleeps with the mutex held");

static DEFINE_MUTEX(m200_state_lock);
static DECLARE_COMPLETION(m200_held);
static struct task_struct *m200_holder;
static struct proc_dir_entry *m200_entry;

static noinline void m200_hold_and_sleep(void)
{
	mutex_lock(&m200_state_lock);
	complete(&m200_held);
	msleep_interruptible(hold_s * 1000);
	mutex_unlock(&m200_state_lock);
}

static int m200_holder_thread(void *unused)
{
	m200_hold_and_sleep();
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

static noinline void m200_state_update(void)
{
	mutex_lock(&m200_state_lock);
	mutex_unlock(&m200_state_lock);
}

static ssize_t m200_write(struct file *file, const char __user *buf, size_t len, loff_t *pos)
{
	m200_state_update();
	return len;
}

static const struct proc_ops m200_ops = {
	.proc_write = m200_write,
};

static int __init m200_init(void)
{
	m200_holder = kthread_run(m200_holder_thread, NULL, "m200_holder");
	if (IS_ERR(m200_holder))
		return PTR_ERR(m200_holder);
	wait_for_completion(&m200_held);
	m200_entry = proc_create("m200_state", 0200, NULL, &m200_ops);
	if (!m200_entry) {
		kthread_stop(m200_holder);
		return -ENOMEM;
	}
	return 0;
}

static void __exit m200_exit(void)
{
	proc_remove(m200_entry);
	kthread_stop(m200_holder);
}

module_init(m200_init);
module_exit(m200_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hungtask test: 200 writers block on a mutex whose owner sleeps");
