// SPDX-License-Identifier: GPL-2.0
/*
 * storm_drv: many tasks hung at once. At load it starts nr kernel threads
 * ("storm/N") that each wait, uninterruptibly, for a completion that only
 * the module's unload completes: the hung-task detector reports every one of
 * them on every pass once hung_task_timeout_secs has passed.
 */
#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>

static int nr = 2000;
module_param(nr, int, 0444);
MODULE_PARM_DESC(nr, "threads that hang at once (1..20000)");

static DECLARE_COMPLETION(storm_release);
static struct task_struct **storm_tasks;
static int storm_started;

static noinline void storm_wait(void)
{
	wait_for_completion(&storm_release);
}

static int storm_thread(void *arg)
{
	storm_wait();
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

static void storm_stop(void)
{
	int i;

	complete_all(&storm_release);
	for (i = 0; i < storm_started; i++) {
		kthread_stop(storm_tasks[i]);
		put_task_struct(storm_tasks[i]);
	}
	kvfree(storm_tasks);
}

static int __init storm_init(void)
{
	struct task_struct *t;

	if (nr < 1 || nr > 20000)
		return -EINVAL;
	storm_tasks = kvcalloc(nr, sizeof(*storm_tasks), GFP_KERNEL);
	if (!storm_tasks)
		return -ENOMEM;
	for (storm_started = 0; storm_started < nr; storm_started++) {
		t = kthread_run(storm_thread, NULL, "storm/%d", storm_started);
		if (IS_ERR(t)) {
			pr_err("storm_drv: thread %d: %ld\n", storm_started, PTR_ERR(t));
			storm_stop();
			return PTR_ERR(t);
		}
		get_task_struct(t);
		storm_tasks[storm_started] = t;
	}
	pr_info("storm_drv: %d threads waiting uninterruptibly\n", nr);
	return 0;
}

static void __exit storm_exit(void)
{
	storm_stop();
}

module_init(storm_init);
module_exit(storm_exit);
MODULE_DESCRIPTION("test: many tasks hung at once");
MODULE_LICENSE("GPL");
