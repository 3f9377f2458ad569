// SPDX-License-Identifier: GPL-2.0
/*
 * rws_drv: a driver whose kthread rws_holder takes two rw_semaphores for
 * write and sleeps holding them (state S, never reported itself):
 *   rws_lock        - this module's own rw_semaphore;
 *   the i_rwsem of the directory named by the dir= parameter (inode_lock(),
 *                   the kernel's own VFS lock).
 * Victims then block on them in D state: writers of /proc/rws_w
 * (down_write()) and /proc/rws_r (down_read()) on rws_lock, and ordinary
 * commands in the directory: "mkdir DIR/x" (filename_create(): inode_lock() of
 * the directory, a writer) and "ls DIR/y" (lookup_slow():
 * inode_lock_shared(), a reader). The culprit is the owner in the function
 * that sleeps with the locks held, rws_hold_and_sleep(), of this module. It
 * lets go after hold_s seconds or at rmmod.
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/proc_fs.h>
#include <linux/rwsem.h>

static int hold_s = 60;
module_param(hold_s, int, 0444);
MODULE_PARM_DESC(hold_s, "seconds the holder sleeps with the locks held");
static char *dir;
module_param(dir, charp, 0444);
MODULE_PARM_DESC(dir, "a directory whose i_rwsem the holder takes for write");

static DECLARE_RWSEM(rws_lock);
static DECLARE_COMPLETION(rws_held);
static struct task_struct *rws_holder;
static struct proc_dir_entry *rws_w_entry, *rws_r_entry;
static struct path rws_dir;
static bool rws_have_dir;

static noinline void rws_hold_and_sleep(void)
{
	unsigned long end = jiffies + hold_s * HZ;

	down_write(&rws_lock);
	if (rws_have_dir)
		inode_lock(d_inode(rws_dir.dentry));
	pr_info("rws_drv: %s[%d] holds rws_lock%s for write, sleeps %d s\n", current->comm,
		current->pid, rws_have_dir ? " and the directory's i_rwsem" : "", hold_s);
	complete(&rws_held);
	while (!kthread_should_stop() && time_before(jiffies, end))
		msleep_interruptible(1000);
	if (rws_have_dir)
		inode_unlock(d_inode(rws_dir.dentry));
	up_write(&rws_lock);
	pr_info("rws_drv: locks released\n");
}

static int rws_holder_thread(void *unused)
{
	rws_hold_and_sleep();
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

static noinline void rws_w_apply(void)
{
	down_write(&rws_lock);
	up_write(&rws_lock);
}

static noinline void rws_r_apply(void)
{
	down_read(&rws_lock);
	up_read(&rws_lock);
}

static ssize_t rws_w_write(struct file *file, const char __user *buf, size_t len, loff_t *pos)
{
	rws_w_apply();
	return len;
}

static ssize_t rws_r_write(struct file *file, const char __user *buf, size_t len, loff_t *pos)
{
	rws_r_apply();
	return len;
}

static const struct proc_ops rws_w_ops = { .proc_write = rws_w_write };
static const struct proc_ops rws_r_ops = { .proc_write = rws_r_write };

static int __init rws_init(void)
{
	int ret;

	if (dir) {
		ret = kern_path(dir, LOOKUP_DIRECTORY, &rws_dir);
		if (ret)
			return ret;
		rws_have_dir = true;
	}
	rws_w_entry = proc_create("rws_w", 0200, NULL, &rws_w_ops);
	rws_r_entry = proc_create("rws_r", 0200, NULL, &rws_r_ops);
	rws_holder = kthread_run(rws_holder_thread, NULL, "rws_holder");
	if (IS_ERR(rws_holder)) {
		proc_remove(rws_w_entry);
		proc_remove(rws_r_entry);
		if (rws_have_dir)
			path_put(&rws_dir);
		return PTR_ERR(rws_holder);
	}
	wait_for_completion(&rws_held);
	return 0;
}

static void __exit rws_exit(void)
{
	kthread_stop(rws_holder);
	proc_remove(rws_w_entry);
	proc_remove(rws_r_entry);
	if (rws_have_dir)
		path_put(&rws_dir);
}

module_init(rws_init);
module_exit(rws_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hungtask test: a kthread sleeps holding rw_semaphores (its own and a directory's i_rwsem)");
