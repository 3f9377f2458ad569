// SPDX-License-Identifier: GPL-2.0
/*
 * sem_drv: a semaphore whose holder the kernel does not record. Kthread
 * sem_holder takes sem_cfg_sem with down() and sleeps holding it (state S);
 * writers of /proc/sem_cfg then block in down() (D). struct semaphore has no
 * holder field on 6.1 and 6.12, so nothing in the kernel's data says who holds
 * it: the honest answer names the lock, its count and its waiters, and no
 * culprit. The holder lets go after hold_s seconds or at rmmod.
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/semaphore.h>

static int hold_s = 60;
module_param(hold_s, int, 0444);
MODULE_PARM_DESC(hold_s, "seconds the holder sleeps with the semaphore held");

static struct semaphore sem_cfg_sem;	/* sema_init() in sem_init: DEFINE_SEMAPHORE differs */
static DECLARE_COMPLETION(sem_held);
static struct task_struct *sem_holder;
static struct proc_dir_entry *sem_cfg_entry;

static noinline void sem_take_and_sleep(void)
{
	unsigned long end = jiffies + hold_s * HZ;

	down(&sem_cfg_sem);
	complete(&sem_held);
	while (!kthread_should_stop() && time_before(jiffies, end))
		msleep_interruptible(1000);
	up(&sem_cfg_sem);
}

static int sem_holder_thread(void *unused)
{
	sem_take_and_sleep();
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

static noinline void sem_cfg_apply(void)
{
	down(&sem_cfg_sem);
	up(&sem_cfg_sem);
}

static ssize_t sem_cfg_write(struct file *f, const char __user *b, size_t len, loff_t *pos)
{
	sem_cfg_apply();
	return len;
}

static const struct proc_ops sem_cfg_ops = { .proc_write = sem_cfg_write };

static int __init sem_init(void)
{
	sema_init(&sem_cfg_sem, 1);
	sem_holder = kthread_run(sem_holder_thread, NULL, "sem_holder");
	if (IS_ERR(sem_holder))
		return PTR_ERR(sem_holder);
	wait_for_completion(&sem_held);
	sem_cfg_entry = proc_create("sem_cfg", 0200, NULL, &sem_cfg_ops);
	return 0;
}

static void __exit sem_exit(void)
{
	kthread_stop(sem_holder);
	proc_remove(sem_cfg_entry);
}

module_init(sem_init);
module_exit(sem_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hungtask test: a kthread sleeps holding a semaphore, which records no holder");
