// SPDX-License-Identifier: GPL-2.0
/*
 * dl_drv: three deadlocks, each started by a write to its own /proc file
 * (issue 11 item 5); the scenarios deadlock-abba, deadlock-self and
 * deadlock-flush-under-lock each start one, and in their shared boot (group
 * locks) share one loaded instance:
 *  - /proc/dl_ab and /proc/dl_ba: ABBA. The dl_ab writer takes dl_lock_a,
 *    the dl_ba writer dl_lock_b; each then waits for the other's first lock
 *    (dl_ab_take_b(), dl_ba_take_a()).
 *  - /proc/dl_self: the writer takes dl_lock_s and, in dl_self_relock(),
 *    takes it again.
 *  - /proc/dl_flush: the writer takes dl_lock_f, queues dl_fwork (which
 *    takes dl_lock_f too), waits until it runs, then flush_work()s it in
 *    dl_flush_under_lock(): the work item executes and is blocked on the lock
 *    its flusher holds.
 * Nothing is ever released: the module cannot be unloaded (no exit).
 */
#include <linux/completion.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/workqueue.h>

static DEFINE_MUTEX(dl_lock_a);
static DEFINE_MUTEX(dl_lock_b);
static DEFINE_MUTEX(dl_lock_s);
static DEFINE_MUTEX(dl_lock_f);
static DECLARE_COMPLETION(dl_a_held);
static DECLARE_COMPLETION(dl_b_held);
static DECLARE_COMPLETION(dl_fwork_started);
/* Written after each lock call, so that no caller is a tail call (it keeps its frame). */
static int dl_reached;

static noinline void dl_ab_take_b(void)
{
	mutex_lock(&dl_lock_b);
	WRITE_ONCE(dl_reached, 1);
}

static noinline void dl_ba_take_a(void)
{
	mutex_lock(&dl_lock_a);
	WRITE_ONCE(dl_reached, 1);
}

static ssize_t dl_ab_write(struct file *f, const char __user *buf, size_t len, loff_t *pos)
{
	mutex_lock(&dl_lock_a);
	complete(&dl_a_held);
	wait_for_completion(&dl_b_held);
	dl_ab_take_b();
	return len;
}

static ssize_t dl_ba_write(struct file *f, const char __user *buf, size_t len, loff_t *pos)
{
	mutex_lock(&dl_lock_b);
	complete(&dl_b_held);
	wait_for_completion(&dl_a_held);
	dl_ba_take_a();
	return len;
}

static noinline void dl_self_relock(void)
{
	mutex_lock(&dl_lock_s);
	WRITE_ONCE(dl_reached, 1);
}

static ssize_t dl_self_write(struct file *f, const char __user *buf, size_t len, loff_t *pos)
{
	mutex_lock(&dl_lock_s);
	dl_self_relock();
	return len;
}

static noinline void dl_fwork_fn(struct work_struct *w)
{
	complete(&dl_fwork_started);
	mutex_lock(&dl_lock_f);
	mutex_unlock(&dl_lock_f);
}
static DECLARE_WORK(dl_fwork, dl_fwork_fn);

static noinline void dl_flush_under_lock(void)
{
	flush_work(&dl_fwork);
	WRITE_ONCE(dl_reached, 1);
}

static ssize_t dl_flush_write(struct file *f, const char __user *buf, size_t len, loff_t *pos)
{
	mutex_lock(&dl_lock_f);
	schedule_work(&dl_fwork);
	wait_for_completion(&dl_fwork_started);
	dl_flush_under_lock();
	return len;
}

static const struct proc_ops dl_ab_ops = { .proc_write = dl_ab_write };
static const struct proc_ops dl_ba_ops = { .proc_write = dl_ba_write };
static const struct proc_ops dl_self_ops = { .proc_write = dl_self_write };
static const struct proc_ops dl_flush_ops = { .proc_write = dl_flush_write };

static int __init dl_init(void)
{
	if (!proc_create("dl_ab", 0200, NULL, &dl_ab_ops) ||
	    !proc_create("dl_ba", 0200, NULL, &dl_ba_ops) ||
	    !proc_create("dl_self", 0200, NULL, &dl_self_ops) ||
	    !proc_create("dl_flush", 0200, NULL, &dl_flush_ops))
		return -ENOMEM;
	return 0;
}

module_init(dl_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hungtask test: ABBA, self and flush-under-lock deadlocks");
