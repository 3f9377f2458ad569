// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/hungtask/status: the ring counters and which hop kinds
 * the private layouts allow (layout.c), for tests and for a look by hand
 * (root only, like debugfs itself). The netlink family is the interface for
 * programs.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#include "internal.h"

static struct dentry *hungtask_debugfs_dir;

static int hungtask_status_show(struct seq_file *m, void *v)
{
	const struct hungtask_layout *l = &hungtask_layout;
	struct hungtask_counters c;
	unsigned int k;

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
	/* "layout KIND on" or "layout KIND off WHY": which hop kinds are followed. */
	for (k = 0; k < HUNGTASK_LAYOUT_KINDS; k++)
		seq_printf(m, "layout %s %s%s%s\n", hungtask_layout_kind_name(k),
			   l->on[k] ? "on" : "off", l->on[k] ? "" : " ", l->on[k] ? "" : l->why[k]);
	seq_printf(m, "layout_source btf_types=%u calibrated_cpu=%d\n", l->btf_types,
		   l->calibrated_cpu);
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
