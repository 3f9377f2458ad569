// SPDX-License-Identifier: GPL-2.0
/*
 * mfh_drv: a driver whose sync path holds its configuration mutex while it
 * flushes a work item queued on a chosen CPU (mfh_sync_locked(), /proc/mfh_sync);
 * its configuration path takes the same mutex (mfh_cfg_apply(), /proc/mfh_cfg).
 * With that CPU hogged by another module's kthread, the chain of a
 * configuration writer is: mutex (owner: the sync writer) -> flush_work ->
 * worker -> cpu (the hog). Issue 11 item 4: many hops, across kinds.
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/workqueue.h>

static int cpu = 1;
module_param(cpu, int, 0444);
MODULE_PARM_DESC(cpu, "CPU whose per-CPU workqueue runs the work");

static DEFINE_MUTEX(mfh_cfg_lock);

static noinline void mfh_sync_work(struct work_struct *w)
{
}
static DECLARE_WORK(mfh_work, mfh_sync_work);

static noinline void mfh_sync_locked(void)
{
	mutex_lock(&mfh_cfg_lock);
	queue_work_on(cpu, system_wq, &mfh_work);
	flush_work(&mfh_work);
	mutex_unlock(&mfh_cfg_lock);
}

static ssize_t mfh_sync_write(struct file *f, const char __user *buf, size_t len, loff_t *pos)
{
	mfh_sync_locked();
	return len;
}

static noinline void mfh_cfg_apply(void)
{
	mutex_lock(&mfh_cfg_lock);
	mutex_unlock(&mfh_cfg_lock);
}

static ssize_t mfh_cfg_write(struct file *f, const char __user *buf, size_t len, loff_t *pos)
{
	mfh_cfg_apply();
	return len;
}

static const struct proc_ops mfh_sync_ops = { .proc_write = mfh_sync_write };
static const struct proc_ops mfh_cfg_ops = { .proc_write = mfh_cfg_write };
static struct proc_dir_entry *mfh_sync_entry, *mfh_cfg_entry;

static int __init mfh_init(void)
{
	mfh_sync_entry = proc_create("mfh_sync", 0200, NULL, &mfh_sync_ops);
	mfh_cfg_entry = proc_create("mfh_cfg", 0200, NULL, &mfh_cfg_ops);
	if (!mfh_sync_entry || !mfh_cfg_entry) {
		proc_remove(mfh_sync_entry);
		proc_remove(mfh_cfg_entry);
		return -ENOMEM;
	}
	return 0;
}

static void __exit mfh_exit(void)
{
	proc_remove(mfh_sync_entry);
	proc_remove(mfh_cfg_entry);
	flush_work(&mfh_work);
}

module_init(mfh_init);
module_exit(mfh_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hungtask test: a mutex held across a flush_work() behind a CPU hog");
