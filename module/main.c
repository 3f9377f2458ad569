// SPDX-License-Identifier: GPL-2.0
/*
 * hungtask.ko: explain hung tasks at the moment the kernel detects them.
 */
#include <linux/module.h>

#include "internal.h"

static int __init hungtask_init(void)
{
	int ret;

	/* Kbuild refuses to build for RT; this catches a build that bypassed it. */
	if (IS_ENABLED(CONFIG_PREEMPT_RT)) {
		pr_err(HUNGTASK_PR_PREFIX "PREEMPT_RT kernels are not supported yet: refusing to load\n");
		return -EOPNOTSUPP;
	}
	ret = hungtask_symbols_init();
	if (ret)
		return ret;
	ret = hungtask_layout_init();
	if (ret)
		goto err_symbols;
	ret = hungtask_ring_init();
	if (ret)
		goto err_layout;
	ret = hungtask_host_init();
	if (ret)
		goto err_ring;
	ret = hungtask_chain_init();
	if (ret)
		goto err_host;
	ret = hungtask_capture_init();	/* checks only: it has no exit */
	if (ret)
		goto err_chain;
	ret = hungtask_kmsg_init();
	if (ret)
		goto err_chain;
	ret = hungtask_nl_init();
	if (ret)
		goto err_kmsg;
	hungtask_debugfs_init();
	/* The producers go last: the hog sampler, then the hook. */
	ret = hungtask_hog_init();
	if (ret)
		goto err_netlink;
	ret = hungtask_hook_init();
	if (ret)
		goto err_hog;
	pr_info(HUNGTASK_PR_PREFIX "loaded (kmsg format v%d), watching sched_process_hang\n",
		HUNGTASK_KMSG_VERSION);
	return 0;

err_hog:
	hungtask_hog_exit();
err_netlink:
	hungtask_debugfs_exit();
	hungtask_nl_exit();
err_kmsg:
	hungtask_kmsg_exit();
err_chain:
	hungtask_chain_exit();
err_host:
	hungtask_host_exit();
err_ring:
	hungtask_ring_exit();
err_layout:
	hungtask_layout_exit();
err_symbols:
	hungtask_symbols_exit();
	return ret;
}

static void __exit hungtask_exit(void)
{
	struct hungtask_counters c;

	/* Stop the producers first: no capture runs after this returns. */
	hungtask_hook_exit();
	hungtask_hog_exit();
	hungtask_ring_counters(&c);
	hungtask_debugfs_exit();
	hungtask_nl_exit();
	hungtask_kmsg_exit();
	hungtask_chain_exit();
	hungtask_host_exit();
	hungtask_ring_exit();
	hungtask_layout_exit();
	hungtask_symbols_exit();
	pr_info(HUNGTASK_PR_PREFIX "unloaded: captured=%llu coalesced=%llu dropped_full=%llu dropped_busy=%llu\n",
		c.captured, c.coalesced, c.dropped_full, c.dropped_busy);
}

module_init(hungtask_init);
module_exit(hungtask_exit);
MODULE_DESCRIPTION("hungtask: capture why a task hangs, at detection time");
MODULE_AUTHOR("hungtask developers");
MODULE_LICENSE("GPL");
