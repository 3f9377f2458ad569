// SPDX-License-Identifier: GPL-2.0
/*
 * rdr_drv: an rw_semaphore owned by readers; the kernel does not record
 * which readers hold it.
 *   rdr_lock: kthread rdr_a takes it for read and sleeps holding it; then
 *     kthread rdr_b takes it for read and releases it at once, and sleeps
 *     (not holding it). The kernel's owner word now names rdr_b, the last
 *     reader, which does not hold the lock: the stale case. A writer of
 *     /proc/rdr_w then blocks in down_write() behind the reader (D), and a
 *     writer of /proc/rdr_r in down_read() behind that writer (D).
 * Nothing in the kernel's data proves which reader holds the lock: the honest
 * answer names no culprit. The readers let go after hold_s seconds or at rmmod.
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/rwsem.h>

static int hold_s = 60;
module_param(hold_s, int, 0444);
MODULE_PARM_DESC(hold_s, "seconds the holders sleep with the locks held");

static DECLARE_RWSEM(rdr_lock);
static DECLARE_COMPLETION(rdr_a_held);
static DECLARE_COMPLETION(rdr_b_done);
static struct task_struct *rdr_a, *rdr_b;
static struct proc_dir_entry *rdr_w_entry, *rdr_r_entry;

static void rdr_sleep(void)
{
	unsigned long end = jiffies + hold_s * HZ;

	while (!kthread_should_stop() && time_before(jiffies, end))
		msleep_interruptible(1000);
}

static void rdr_park(void)
{
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
}

static noinline void rdr_read_and_sleep(void)
{
	down_read(&rdr_lock);
	complete(&rdr_a_held);
	rdr_sleep();
	up_read(&rdr_lock);
}

static int rdr_a_thread(void *unused)
{
	rdr_read_and_sleep();
	rdr_park();
	return 0;
}

static noinline void rdr_read_briefly(void)
{
	down_read(&rdr_lock);
	up_read(&rdr_lock);
	complete(&rdr_b_done);
	rdr_sleep();
}

static int rdr_b_thread(void *unused)
{
	rdr_read_briefly();
	rdr_park();
	return 0;
}

static noinline void rdr_w_apply(void)
{
	down_write(&rdr_lock);
	up_write(&rdr_lock);
}

static noinline void rdr_r_apply(void)
{
	down_read(&rdr_lock);
	up_read(&rdr_lock);
}

static ssize_t rdr_w_write(struct file *f, const char __user *b, size_t len, loff_t *pos)
{
	rdr_w_apply();
	return len;
}

static ssize_t rdr_r_write(struct file *f, const char __user *b, size_t len, loff_t *pos)
{
	rdr_r_apply();
	return len;
}

static const struct proc_ops rdr_w_ops = { .proc_write = rdr_w_write };
static const struct proc_ops rdr_r_ops = { .proc_write = rdr_r_write };

static void rdr_stop(struct task_struct **k)
{
	if (!IS_ERR_OR_NULL(*k))
		kthread_stop(*k);
	*k = NULL;
}

static void __exit rdr_exit(void)
{
	rdr_stop(&rdr_a);
	rdr_stop(&rdr_b);
	proc_remove(rdr_w_entry);
	proc_remove(rdr_r_entry);
}

static int __init rdr_init(void)
{
	rdr_a = kthread_run(rdr_a_thread, NULL, "rdr_a");
	if (IS_ERR(rdr_a))
		return PTR_ERR(rdr_a);
	wait_for_completion(&rdr_a_held);
	rdr_b = kthread_run(rdr_b_thread, NULL, "rdr_b");
	if (IS_ERR(rdr_b)) {
		rdr_stop(&rdr_a);
		return PTR_ERR(rdr_b);
	}
	wait_for_completion(&rdr_b_done);
	rdr_w_entry = proc_create("rdr_w", 0200, NULL, &rdr_w_ops);
	rdr_r_entry = proc_create("rdr_r", 0200, NULL, &rdr_r_ops);
	pr_info("rdr_drv: rdr_a holds rdr_lock for read, rdr_b took and released it\n");
	return 0;
}

module_init(rdr_init);
module_exit(rdr_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hungtask test: an rw_semaphore owned by readers (stale last reader)");
