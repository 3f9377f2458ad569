// SPDX-License-Identifier: GPL-2.0
/*
 * acme_multi: acme_drv (tests/scenarios/common) adapted to several flushers
 * of one work item. Three work items, each with its own function, so that a
 * report naming the wrong one shows:
 *   /proc/acme_a -> acme_a_work, queued on CPU cpu_ab
 *   /proc/acme_b -> acme_b_work, queued on CPU cpu_ab
 *   /proc/acme_c -> acme_c_work, queued on CPU cpu_c; it sleeps slow_c_ms
 * A write of "sync" queues the work and flushes it, "queue" only queues it,
 * "flush" only flushes it (a flusher of a running work must not queue it
 * again, or its barrier would follow the new pending instance instead).
 * Every flusher of one item adds a wq_barrier right behind the work (or at
 * the head of the executing worker's scheduled list), in front of the older
 * flushers' barriers.
 */
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

static int cpu_ab = 1;
module_param(cpu_ab, int, 0444);
MODULE_PARM_DESC(cpu_ab, "CPU whose per-CPU pool runs works A and B");

static int cpu_c;
module_param(cpu_c, int, 0444);
MODULE_PARM_DESC(cpu_c, "CPU whose per-CPU pool runs work C");

static int slow_c_ms = 30000;
module_param(slow_c_ms, int, 0444);
MODULE_PARM_DESC(slow_c_ms, "milliseconds work C sleeps while running");

static noinline void acme_a_work(struct work_struct *work)
{
	pr_info("acme_multi: work A runs on CPU %d\n", raw_smp_processor_id());
}

static noinline void acme_b_work(struct work_struct *work)
{
	pr_info("acme_multi: work B runs on CPU %d\n", raw_smp_processor_id());
}

static noinline void acme_c_work(struct work_struct *work)
{
	pr_info("acme_multi: work C runs on CPU %d, sleeping %d ms\n", raw_smp_processor_id(),
		slow_c_ms);
	msleep(slow_c_ms);
}

static DECLARE_WORK(acme_a, acme_a_work);
static DECLARE_WORK(acme_b, acme_b_work);
static DECLARE_WORK(acme_c, acme_c_work);

static noinline ssize_t acme_multi_write(struct work_struct *work, int cpu, const char __user *buf,
				size_t len)
{
	char cmd[8] = "";

	if (copy_from_user(cmd, buf, min(len, sizeof(cmd) - 1)))
		return -EFAULT;
	if (!strncmp(cmd, "sync", 4) || !strncmp(cmd, "queue", 5))
		queue_work_on(cpu, system_wq, work);
	if (!strncmp(cmd, "sync", 4) || !strncmp(cmd, "flush", 5))
		flush_work(work);
	return len;
}

static ssize_t acme_a_write(struct file *file, const char __user *buf, size_t len, loff_t *pos)
{
	return acme_multi_write(&acme_a, cpu_ab, buf, len);
}

static ssize_t acme_b_write(struct file *file, const char __user *buf, size_t len, loff_t *pos)
{
	return acme_multi_write(&acme_b, cpu_ab, buf, len);
}

static ssize_t acme_c_write(struct file *file, const char __user *buf, size_t len, loff_t *pos)
{
	return acme_multi_write(&acme_c, cpu_c, buf, len);
}

static const struct proc_ops acme_a_ops = { .proc_write = acme_a_write };
static const struct proc_ops acme_b_ops = { .proc_write = acme_b_write };
static const struct proc_ops acme_c_ops = { .proc_write = acme_c_write };

static struct proc_dir_entry *acme_a_entry, *acme_b_entry, *acme_c_entry;

static void acme_multi_remove(void)
{
	proc_remove(acme_c_entry);
	proc_remove(acme_b_entry);
	proc_remove(acme_a_entry);
}

static int __init acme_multi_init(void)
{
	acme_a_entry = proc_create("acme_a", 0200, NULL, &acme_a_ops);
	acme_b_entry = proc_create("acme_b", 0200, NULL, &acme_b_ops);
	acme_c_entry = proc_create("acme_c", 0200, NULL, &acme_c_ops);
	if (!acme_a_entry || !acme_b_entry || !acme_c_entry) {
		acme_multi_remove();
		return -ENOMEM;
	}
	return 0;
}

static void __exit acme_multi_exit(void)
{
	acme_multi_remove();
	flush_work(&acme_a);
	flush_work(&acme_b);
	flush_work(&acme_c);
}

module_init(acme_multi_init);
module_exit(acme_multi_exit);
MODULE_DESCRIPTION("several flushers of one work item, pending and running");
MODULE_LICENSE("GPL");
