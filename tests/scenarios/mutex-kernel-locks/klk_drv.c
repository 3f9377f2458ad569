// SPDX-License-Identifier: GPL-2.0
/*
 * klk_drv: a driver whose kthread takes two locks of the kernel itself, not
 * of this module, and then sleeps holding them:
 *   rtnl_lock()          -> rtnl_mutex (net/core/rtnetlink.c, static mutex)
 *   lock_system_sleep()  -> system_transition_mutex (kernel/power/main.c)
 * Both are exported helpers that call plain mutex_lock() on 6.1 and 6.12.
 * Ordinary commands then block in mutex_lock() (state D): "ifconfig lo up"
 * (SIOCSIFFLAGS: dev_ioctl() -> rtnl_lock()) and a write to /sys/power/disk
 * (disk_store() -> lock_system_sleep()). The culprit is the owner in the
 * function that sleeps with the locks held, klk_hold_and_sleep(), of this
 * module. The holder sleeps interruptibly (never reported itself) and lets
 * go after hold_s seconds or at rmmod, so the guest can shut down.
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <linux/suspend.h>

static int hold_s = 60;
module_param(hold_s, int, 0444);
MODULE_PARM_DESC(hold_s, "seconds the holder sleeps with the kernel's locks held");

static DECLARE_COMPLETION(klk_held);
static struct task_struct *klk_holder;

static noinline void klk_hold_and_sleep(void)
{
	unsigned long end = jiffies + hold_s * HZ;
	unsigned int sleep_flags;

	rtnl_lock();
	sleep_flags = lock_system_sleep();
	pr_info("klk_drv: %s[%d] holds rtnl_mutex and system_transition_mutex, sleeps %d s\n",
		current->comm, current->pid, hold_s);
	complete(&klk_held);
	while (!kthread_should_stop() && time_before(jiffies, end))
		msleep_interruptible(1000);
	unlock_system_sleep(sleep_flags);
	rtnl_unlock();
	pr_info("klk_drv: kernel locks released\n");
}

static int klk_holder_thread(void *unused)
{
	klk_hold_and_sleep();
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

static int __init klk_init(void)
{
	klk_holder = kthread_run(klk_holder_thread, NULL, "klk_holder");
	if (IS_ERR(klk_holder))
		return PTR_ERR(klk_holder);
	wait_for_completion(&klk_held);
	return 0;
}

static void __exit klk_exit(void)
{
	kthread_stop(klk_holder);
}

module_init(klk_init);
module_exit(klk_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hungtask test: a kthread sleeps holding kernel mutexes ordinary commands need");
