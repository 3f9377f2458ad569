// SPDX-License-Identifier: GPL-2.0
/*
 * ht_deep: a hung task with a deep stack of long symbol names, for the
 * netlink selftest's largest-incident test (with hungtask's TEST ONLY
 * fault_fill_max) and for the "no event for a dropped incident" test.
 * write(2) of "S" to /proc/ht_deep recurses DEPTH frames through one
 * function with a 286-character name, then sleeps S seconds in D state
 * (msleep), long enough for the hung-task detector (timeout 5 s here).
 */
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/uaccess.h>

#define HT_DEEP_DEPTH 40

static noinline int ht_deep_a_frame_with_a_long_name_a_frame_with_a_long_name_a_frame_with_a_long_name_a_frame_with_a_long_name_a_frame_with_a_long_name_a_frame_with_a_long_name_a_frame_with_a_long_name_a_frame_with_a_long_name_a_frame_with_a_long_name_a_frame_with_a_long_name_a_frame_with_a_long_name_end(int depth, unsigned int ms)
{
	volatile int here = depth;	/* used after the call: no tail call */
	int ret;

	if (depth <= 0) {
		msleep(ms);
		return 0;
	}
	ret = ht_deep_a_frame_with_a_long_name_a_frame_with_a_long_name_a_frame_with_a_long_name_a_frame_with_a_long_name_a_frame_with_a_long_name_a_frame_with_a_long_name_a_frame_with_a_long_name_a_frame_with_a_long_name_a_frame_with_a_long_name_a_frame_with_a_long_name_a_frame_with_a_long_name_end(depth - 1, ms);
	return ret + here;
}

static ssize_t ht_deep_write(struct file *file, const char __user *buf, size_t len, loff_t *pos)
{
	unsigned int s;

	if (kstrtouint_from_user(buf, len, 10, &s) || s > 60)
		return -EINVAL;
	ht_deep_a_frame_with_a_long_name_a_frame_with_a_long_name_a_frame_with_a_long_name_a_frame_with_a_long_name_a_frame_with_a_long_name_a_frame_with_a_long_name_a_frame_with_a_long_name_a_frame_with_a_long_name_a_frame_with_a_long_name_a_frame_with_a_long_name_a_frame_with_a_long_name_end(HT_DEEP_DEPTH, s * 1000);
	return len;
}

static const struct proc_ops ht_deep_ops = {
	.proc_write = ht_deep_write,
};

static struct proc_dir_entry *ht_deep_entry;

static int __init ht_deep_init(void)
{
	ht_deep_entry = proc_create("ht_deep", 0200, NULL, &ht_deep_ops);
	return ht_deep_entry ? 0 : -ENOMEM;
}

static void __exit ht_deep_exit(void)
{
	proc_remove(ht_deep_entry);
}

module_init(ht_deep_init);
module_exit(ht_deep_exit);
MODULE_DESCRIPTION("test: a hung task with a deep stack of long symbol names");
MODULE_LICENSE("GPL");
