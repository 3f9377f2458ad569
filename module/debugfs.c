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
	struct hungtask_capture_stats cs;
	struct hungtask_kmsg_stats ks;
	struct hungtask_counters c;
	struct hungtask_hog_stats hs;
	unsigned int k;

	hungtask_ring_counters(&c);
	hungtask_capture_stats(&cs);
	hungtask_kmsg_stats(&ks);
	seq_printf(m, "kmsg_version %d\n", HUNGTASK_KMSG_VERSION);
	seq_printf(m, "boot_id %s\n", hungtask_boot_id);
	seq_printf(m, "captured %llu\n", c.captured);
	seq_printf(m, "coalesced %llu\n", c.coalesced);
	seq_printf(m, "joined %llu\n", c.joined);
	seq_printf(m, "updates %llu\n", c.updates);
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
	/* Storms: every detector report is counted once in exactly one of captured,
	 * dropped_full, coalesced, deferred, untracked and dropped_busy. */
	seq_printf(m, "reports %llu\n", cs.reports);
	seq_printf(m, "deferred %llu\n", c.deferred);
	seq_printf(m, "untracked %llu\n", c.untracked);
	seq_printf(m, "episodes %u\n", c.episodes);
	seq_printf(m, "episode_slots %u\n", c.episode_slots);
	seq_printf(m, "passes %llu\n", cs.passes);
	seq_printf(m, "captures_per_scan %u\n", cs.captures_per_scan);
	seq_printf(m, "capture_ns_max %llu\n", cs.capture_ns_max);
	seq_printf(m, "pass_ns_max %llu\n", cs.pass_ns_max);
	seq_printf(m, "pass_reports_max %llu\n", cs.pass_reports_max);
	seq_printf(m, "kmsg_staged %llu\n", ks.staged);
	seq_printf(m, "kmsg_printed %llu\n", ks.printed);
	seq_printf(m, "kmsg_panic_printed %llu\n", ks.panic_printed);
	seq_printf(m, "kmsg_suppressed %llu\n", ks.suppressed);
	seq_printf(m, "kmsg_pending %u\n", ks.pending);
	seq_printf(m, "kmsg_bytes %llu\n", ks.bytes);
	seq_printf(m, "kmsg_budget_left %llu\n", ks.tokens);
	seq_printf(m, "kmsg_budget %u bytes per %u s\n", ks.budget_bytes, ks.budget_window_s);
	hungtask_hog_stats(&hs);
	/* The sampler's cost per timer tick (hard IRQ), measured with ktime. */
	seq_printf(m, "hog period_ms=%u threshold_ms=%u cpus=%u ticks=%llu tick_ns_avg=%llu tick_ns_max=%llu filed=%llu skipped_busy=%llu\n",
		   hs.period_ms, hs.threshold_ms, hs.cpus, hs.ticks,
		   hs.ticks ? div64_u64(hs.tick_ns_sum, hs.ticks) : 0, hs.tick_ns_max, hs.filed,
		   hs.skipped_busy);
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
