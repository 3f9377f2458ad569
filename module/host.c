// SPDX-License-Identifier: GPL-2.0
/*
 * Host context of an incident: what the kernel was configured to do. The
 * seed case's last clue was kernel.watchdog=0.
 *
 * The sysctls are read from procfs by a refresher (process context, on the
 * unbound workqueue so that a hogged CPU cannot starve it): at load and
 * every host_refresh_s seconds. The capture
 * path only copies the cached values (with their age), so it needs no
 * private kernel symbol and never sleeps.
 */
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/panic.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/utsname.h>
#include <linux/workqueue.h>
#include <asm/pgtable_types.h>

#include "internal.h"

static unsigned int host_refresh_s = 5;
module_param(host_refresh_s, uint, 0444);
MODULE_PARM_DESC(host_refresh_s, "seconds between re-reads of the host sysctls (1..3600)");

#define HUNGTASK_MAX_MODULES 4096

/* hungtask_host_lock protects hungtask_host_cache. */
static DEFINE_SPINLOCK(hungtask_host_lock);
static struct hungtask_host hungtask_host_cache = {
	.watchdog = -1, .softlockup_panic = -1, .watchdog_thresh = -1,
	.hung_task_timeout_secs = -1, .hung_task_panic = -1,
};
static struct delayed_work hungtask_host_work;
static bool hungtask_host_stopping;

static ssize_t hungtask_read_file(const char *path, char *buf, size_t len)
{
	struct file *f;
	loff_t pos = 0;
	ssize_t n, total = 0;

	f = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	while (total < (ssize_t)len - 1) {
		n = kernel_read(f, buf + total, len - 1 - total, &pos);
		if (n <= 0)
			break;
		total += n;
	}
	filp_close(f, NULL);
	buf[total] = '\0';
	return total;
}

static long hungtask_read_sysctl(const char *name)
{
	char path[64], buf[32];
	long v;

	snprintf(path, sizeof(path), "/proc/sys/kernel/%s", name);
	if (hungtask_read_file(path, buf, sizeof(buf)) <= 0 || kstrtol(strim(buf), 10, &v))
		return -1;
	return v;
}

/*
 * Out-of-tree modules, walking the RCU-protected module list from our own
 * entry. The list head `modules` is not exported and is not a module: it
 * lives in the kernel image, while every struct module lives in module
 * memory, so a node outside [MODULES_VADDR, MODULES_END) is the head.
 */
static void hungtask_oot_modules(char *out, size_t len)
{
	struct list_head *pos;
	unsigned int n = 0;
	size_t used = 0;

	out[0] = '\0';
	rcu_read_lock();
	for (pos = rcu_dereference(list_next_rcu(&THIS_MODULE->list));
	     pos != &THIS_MODULE->list && n < HUNGTASK_MAX_MODULES;
	     pos = rcu_dereference(list_next_rcu(pos)), n++) {
		struct module *mod = list_entry(pos, struct module, list);
		int w;

		if ((unsigned long)pos < MODULES_VADDR || (unsigned long)pos >= MODULES_END)
			continue;
		if (READ_ONCE(mod->state) == MODULE_STATE_UNFORMED ||
		    !(READ_ONCE(mod->taints) & (1UL << TAINT_OOT_MODULE)))
			continue;
		w = snprintf(out + used, len - used, "%s%s", used ? "," : "", mod->name);
		if (w < 0 || used + w >= len)
			break;
		used += w;
	}
	rcu_read_unlock();
}

static void hungtask_host_refresh(struct work_struct *work)
{
	struct hungtask_host fresh = {};

	fresh.watchdog = hungtask_read_sysctl("watchdog");
	fresh.softlockup_panic = hungtask_read_sysctl("softlockup_panic");
	fresh.watchdog_thresh = hungtask_read_sysctl("watchdog_thresh");
	fresh.hung_task_timeout_secs = hungtask_read_sysctl("hung_task_timeout_secs");
	fresh.hung_task_panic = hungtask_read_sysctl("hung_task_panic");
	fresh.refreshed_ns = local_clock();

	spin_lock_bh(&hungtask_host_lock);
	hungtask_host_cache.watchdog = fresh.watchdog;
	hungtask_host_cache.softlockup_panic = fresh.softlockup_panic;
	hungtask_host_cache.watchdog_thresh = fresh.watchdog_thresh;
	hungtask_host_cache.hung_task_timeout_secs = fresh.hung_task_timeout_secs;
	hungtask_host_cache.hung_task_panic = fresh.hung_task_panic;
	hungtask_host_cache.refreshed_ns = fresh.refreshed_ns;
	if (!READ_ONCE(hungtask_host_stopping))
		queue_delayed_work(system_unbound_wq, &hungtask_host_work, host_refresh_s * HZ);
	spin_unlock_bh(&hungtask_host_lock);
}

static const char *hungtask_preempt_model(void)
{
	if (preempt_model_none())
		return "none";
	if (preempt_model_voluntary())
		return "voluntary";
	if (preempt_model_full())
		return "full";
	return "unknown";
}

/**
 * hungtask_host_init() - first read of the host context, then keep it fresh.
 *
 * Context: process context, may sleep.
 * Return: 0, or -EINVAL for a bad host_refresh_s.
 */
int hungtask_host_init(void)
{
	if (host_refresh_s < 1 || host_refresh_s > 3600) {
		pr_err(HUNGTASK_PR_PREFIX "host_refresh_s=%u out of range 1..3600\n", host_refresh_s);
		return -EINVAL;
	}
	INIT_DELAYED_WORK(&hungtask_host_work, hungtask_host_refresh);
	hungtask_host_stopping = false;
	hungtask_host_refresh(&hungtask_host_work.work);
	return 0;
}

/* Context: process context, waits for a running refresh. */
void hungtask_host_exit(void)
{
	spin_lock_bh(&hungtask_host_lock);
	hungtask_host_stopping = true;
	spin_unlock_bh(&hungtask_host_lock);
	cancel_delayed_work_sync(&hungtask_host_work);
}

/**
 * hungtask_host_snap() - record the host context.
 * @host: filled with the cached host context.
 *
 * Context: atomic allowed (copies the cache under a spinlock).
 */
void hungtask_host_snap(struct hungtask_host *host)
{
	unsigned int bit;

	spin_lock_bh(&hungtask_host_lock);
	*host = hungtask_host_cache;
	spin_unlock_bh(&hungtask_host_lock);
	strscpy(host->release, init_utsname()->release, sizeof(host->release));
	host->preempt = hungtask_preempt_model();
	hungtask_oot_modules(host->oot_modules, sizeof(host->oot_modules));
	host->taint = 0;
	for (bit = 0; bit < TAINT_FLAGS_COUNT && bit < BITS_PER_LONG; bit++)
		if (test_taint(bit))
			host->taint |= 1UL << bit;
}
