// SPDX-License-Identifier: GPL-2.0
/*
 * irqoff_drv: three driver work items that hold their CPU in three ways.
 * A write(2) to /proc/irqoff_<name> queues that work item on its CPU and
 * waits for it with flush_work(), so the writer sleeps in D state (a write
 * to /proc/irqoff_busy_flush only flushes):
 *   irqs_off  on irq_cpu:   busy-waits irq_ms with local interrupts disabled
 *                           (a bounded hard lockup: the CPU answers no IPI)
 *   busy      on busy_cpu:  busy-waits busy_ms with interrupts on, never
 *                           yielding (preempt=none)
 *   yield     on yield_cpu: loops for yield_ms calling cond_resched(), never
 *                           sleeping, at nice 19: the flusher waits, the CPU
 *                           is shared (and left mostly to the others)
 * Busy-waits read ktime_get_ns() (the clocksource), not jiffies, which are
 * only as good as the CPU that keeps them, nor mdelay(), whose TSC under
 * QEMU's TCG runs at another rate than the wall clock.
 */
#include <linux/irqflags.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/sched/prio.h>
#include <linux/workqueue.h>

static int irq_cpu = 1, busy_cpu = 2, yield_cpu;
static int irq_ms = 40000, busy_ms = 60000, yield_ms = 30000;
module_param(irq_cpu, int, 0444);
module_param(busy_cpu, int, 0444);
module_param(yield_cpu, int, 0444);
module_param(irq_ms, int, 0444);
module_param(busy_ms, int, 0444);
module_param(yield_ms, int, 0444);

/* The yield work runs on its own CPU-intensive workqueue: it must not hold up the pool. */
static struct workqueue_struct *irqoff_yield_wq;
static struct proc_dir_entry *irqoff_entries[4];

static noinline void irqoff_spin_irqs_off(struct work_struct *work)
{
	u64 end = ktime_get_ns() + (u64)irq_ms * NSEC_PER_MSEC;
	unsigned long flags;

	pr_info("irqoff_drv: CPU %d: interrupts off for %d ms\n", raw_smp_processor_id(), irq_ms);
	local_irq_save(flags);
	while (ktime_get_ns() < end)
		cpu_relax();
	local_irq_restore(flags);
	pr_info("irqoff_drv: CPU %d: interrupts on again\n", raw_smp_processor_id());
}

static noinline void irqoff_spin_busy(struct work_struct *work)
{
	u64 end = ktime_get_ns() + (u64)busy_ms * NSEC_PER_MSEC;

	pr_info("irqoff_drv: CPU %d: busy for %d ms\n", raw_smp_processor_id(), busy_ms);
	while (ktime_get_ns() < end)
		cpu_relax();
	pr_info("irqoff_drv: CPU %d: busy wait over\n", raw_smp_processor_id());
}

static noinline void irqoff_spin_yield(struct work_struct *work)
{
	u64 end = ktime_get_ns() + (u64)yield_ms * NSEC_PER_MSEC;

	pr_info("irqoff_drv: CPU %d: yielding loop for %d ms\n", raw_smp_processor_id(), yield_ms);
	set_user_nice(current, MAX_NICE);
	while (ktime_get_ns() < end) {
		cpu_relax();
		cond_resched();
	}
	set_user_nice(current, 0);
	pr_info("irqoff_drv: CPU %d: yielding loop over\n", raw_smp_processor_id());
}

static DECLARE_WORK(irqoff_irqs_work, irqoff_spin_irqs_off);
static DECLARE_WORK(irqoff_busy_work, irqoff_spin_busy);
static DECLARE_WORK(irqoff_yield_work, irqoff_spin_yield);

static ssize_t irqoff_irqs_write(struct file *f, const char __user *b, size_t len, loff_t *pos)
{
	queue_work_on(irq_cpu, system_wq, &irqoff_irqs_work);
	flush_work(&irqoff_irqs_work);
	return len;
}

static ssize_t irqoff_busy_write(struct file *f, const char __user *b, size_t len, loff_t *pos)
{
	queue_work_on(busy_cpu, system_wq, &irqoff_busy_work);
	flush_work(&irqoff_busy_work);
	return len;
}

static ssize_t irqoff_busy_flush_write(struct file *f, const char __user *b, size_t len,
				       loff_t *pos)
{
	flush_work(&irqoff_busy_work);
	return len;
}

static ssize_t irqoff_yield_write(struct file *f, const char __user *b, size_t len, loff_t *pos)
{
	queue_work_on(yield_cpu, irqoff_yield_wq, &irqoff_yield_work);
	flush_work(&irqoff_yield_work);
	return len;
}

static const struct proc_ops irqoff_irqs_ops = { .proc_write = irqoff_irqs_write };
static const struct proc_ops irqoff_busy_ops = { .proc_write = irqoff_busy_write };
static const struct proc_ops irqoff_busy_flush_ops = { .proc_write = irqoff_busy_flush_write };
static const struct proc_ops irqoff_yield_ops = { .proc_write = irqoff_yield_write };

static void irqoff_remove(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(irqoff_entries); i++)
		proc_remove(irqoff_entries[i]);
}

static int __init irqoff_init(void)
{
	irqoff_yield_wq = alloc_workqueue("irqoff_yield", WQ_CPU_INTENSIVE, 0);
	if (!irqoff_yield_wq)
		return -ENOMEM;
	irqoff_entries[0] = proc_create("irqoff_irqs", 0200, NULL, &irqoff_irqs_ops);
	irqoff_entries[1] = proc_create("irqoff_busy", 0200, NULL, &irqoff_busy_ops);
	irqoff_entries[2] = proc_create("irqoff_yield", 0200, NULL, &irqoff_yield_ops);
	irqoff_entries[3] = proc_create("irqoff_busy_flush", 0200, NULL, &irqoff_busy_flush_ops);
	if (!irqoff_entries[0] || !irqoff_entries[1] || !irqoff_entries[2] || !irqoff_entries[3]) {
		irqoff_remove();
		destroy_workqueue(irqoff_yield_wq);
		return -ENOMEM;
	}
	return 0;
}

static void __exit irqoff_exit(void)
{
	irqoff_remove();
	flush_work(&irqoff_irqs_work);
	flush_work(&irqoff_busy_work);
	destroy_workqueue(irqoff_yield_wq);
}

module_init(irqoff_init);
module_exit(irqoff_exit);
MODULE_DESCRIPTION("test: work items that hold their CPU with interrupts off, busy, or yielding");
MODULE_LICENSE("GPL");
