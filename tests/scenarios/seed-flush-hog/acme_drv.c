// SPDX-License-Identifier: GPL-2.0
/*
 * acme_drv: the look-alike of the seed case's innocent driver. Writing to
 * /proc/acme_sync queues a work item on a chosen CPU and waits for it with
 * flush_work(), as cgroup_rmdir() did in the seed case. The writer sleeps in
 * D state until a kworker of that CPU runs the work.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/workqueue.h>

static int cpu = 1;
module_param(cpu, int, 0444);
MODULE_PARM_DESC(cpu, "CPU whose per-CPU pool runs the work");

static struct proc_dir_entry *acme_entry;

static noinline void acme_sync_work(struct work_struct *work)
{
	pr_info("acme_drv: sync work ran on CPU %d\n", raw_smp_processor_id());
}

static DECLARE_WORK(acme_work, acme_sync_work);
static DEFINE_MUTEX(acme_lock); /* serialises writers of acme_work */

static ssize_t acme_sync_write(struct file *file, const char __user *buf, size_t len,
			       loff_t *pos)
{
	mutex_lock(&acme_lock);
	queue_work_on(cpu, system_wq, &acme_work);
	flush_work(&acme_work);
	mutex_unlock(&acme_lock);
	return len;
}

static const struct proc_ops acme_ops = {
	.proc_write = acme_sync_write,
};

static int __init acme_init(void)
{
	acme_entry = proc_create("acme_sync", 0200, NULL, &acme_ops);
	return acme_entry ? 0 : -ENOMEM;
}

static void __exit acme_exit(void)
{
	proc_remove(acme_entry);
	flush_work(&acme_work);
}

module_init(acme_init);
module_exit(acme_exit);
MODULE_DESCRIPTION("seed look-alike: innocent driver that flushes a per-CPU work");
MODULE_LICENSE("GPL");
