// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/hungtask/status: the ring counters, for tests and for
 * a look by hand (root only, like debugfs itself). The netlink family is the
 * interface for programs.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#include "internal.h"

static struct dentry *hungtask_debugfs_dir;

static int hungtask_status_show(struct seq_file *m, void *v)
{
	struct hungtask_counters c;

	hungtask_ring_counters(&c);
	seq_printf(m, "kmsg_version %d\n", HUNGTASK_KMSG_VERSION);
	seq_printf(m, "boot_id %s\n", hungtask_boot_id);
	seq_printf(m, "captured %llu\n", c.captured);
	seq_printf(m, "coalesced %llu\n", c.coalesced);
	seq_printf(m, "dropped_full %llu\n", c.dropped_full);
	seq_printf(m, "dropped_busy %llu\n", c.dropped_busy);
	seq_printf(m, "ring_fill %u\n", c.ring_fill);
	seq_printf(m, "ring_size %u\n", c.ring_size);
	seq_printf(m, "unacked %u\n", c.unacked);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hungtask_status);

/* Context: process context. Debugfs failures are not fatal (it may be off). */
void hungtask_debugfs_init(void)
{
	hungtask_debugfs_dir = debugfs_create_dir("hungtask", NULL);
	debugfs_create_file("status", 0400, hungtask_debugfs_dir, NULL, &hungtask_status_fops);
}

void hungtask_debugfs_exit(void)
{
	debugfs_remove_recursive(hungtask_debugfs_dir);
	hungtask_debugfs_dir = NULL;
}
