// SPDX-License-Identifier: GPL-2.0
/*
 * hungtask.ko: explain hung tasks at the moment the kernel detects them.
 */
#include <linux/module.h>

#include "hungtask.h"

static int __init hungtask_init(void)
{
	int ret;

	ret = hungtask_hook_init();
	if (ret)
		return ret;
	pr_info(HUNGTASK_PR_PREFIX "loaded, watching sched_process_hang\n");
	return 0;
}

static void __exit hungtask_exit(void)
{
	hungtask_hook_exit();
	pr_info(HUNGTASK_PR_PREFIX "unloaded after %llu hung-task reports\n",
		hungtask_hook_hits());
}

module_init(hungtask_init);
module_exit(hungtask_exit);
MODULE_DESCRIPTION("hungtask: capture why a task hangs, at detection time");
MODULE_AUTHOR("hungtask developers");
MODULE_LICENSE("GPL");
