// SPDX-License-Identifier: GPL-2.0
// A reproducer whose module refuses to load: the bench must say so.
#include <linux/module.h>
static int __init refuse_init(void) { return -ENODEV; }
module_init(refuse_init);
MODULE_LICENSE("GPL");
