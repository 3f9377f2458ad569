// SPDX-License-Identifier: GPL-2.0
/*
 * acme_drv: the look-alike of the seed case's innocent driver. It queues a
 * work item on a chosen CPU and waits for it with flush_work(), as
 * cgroup_rmdir() did in the seed case:
 *   - write(2) to /proc/acme_sync  (a syscall without a path argument)
 *   - open(2) of /proc/acme_open   (a path syscall ending in a flush)
 * The caller sleeps in D state until a kworker of that CPU has run the work.
 * With slow_ms > 0 the work itself sleeps that long, so a second flusher
 * finds it running (the barrier then sits on the executing worker).
 * With spin_ms > 0 the work busy-waits that long without cond_resched(): the
 * work item itself then holds its CPU (a buggy driver's own work).
 */
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/workqueue.h>

static int cpu = 1;
module_param(cpu, int, 0444);
MODULE_PARM_DESC(cpu, "CPU whose per-CPU pool runs the work");

static int slow_ms;
module_param(slow_ms, int, 0444);
MODULE_PARM_DESC(slow_ms, "milliseconds the work sleeps while running");

static int spin_ms;
module_param(spin_ms, int, 0444);
MODULE_PARM_DESC(spin_ms, "milliseconds the work busy-waits while running, never yielding");

static struct proc_dir_entry *acme_sync_entry, *acme_open_entry;

static noinline void acme_sync_work(struct work_struct *work)
{
	pr_info("acme_drv: sync work runs on CPU %d\n", raw_smp_processor_id());
	if (slow_ms)
		msleep(slow_ms);
	if (spin_ms) {
		unsigned long end = jiffies + msecs_to_jiffies(spin_ms);

		while (time_before(jiffies, end))
			cpu_relax();
	}
}

static DECLARE_WORK(acme_work, acme_sync_work);

static noinline void acme_sync(void)
{
	queue_work_on(cpu, system_wq, &acme_work);
	flush_work(&acme_work);
}

static ssize_t acme_sync_write(struct file *file, const char __user *buf, size_t len,
			       loff_t *pos)
{
	acme_sync();
	return len;
}

static int acme_sync_open(struct inode *inode, struct file *file)
{
	acme_sync();
	return 0;
}

static const struct proc_ops acme_sync_ops = {
	.proc_write = acme_sync_write,
};

static const struct proc_ops acme_open_ops = {
	.proc_open = acme_sync_open,
};

static int __init acme_init(void)
{
	acme_sync_entry = proc_create("acme_sync", 0200, NULL, &acme_sync_ops);
	acme_open_entry = proc_create("acme_open", 0400, NULL, &acme_open_ops);
	if (!acme_sync_entry || !acme_open_entry) {
		proc_remove(acme_sync_entry);
		proc_remove(acme_open_entry);
		return -ENOMEM;
	}
	return 0;
}

static void __exit acme_exit(void)
{
	proc_remove(acme_open_entry);
	proc_remove(acme_sync_entry);
	flush_work(&acme_work);
}

module_init(acme_init);
module_exit(acme_exit);
MODULE_DESCRIPTION("seed look-alike: innocent driver that flushes a per-CPU work");
MODULE_LICENSE("GPL");
