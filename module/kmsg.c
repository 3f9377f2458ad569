// SPDX-License-Identifier: GPL-2.0
/*
 * The kmsg record of an incident: what survives into dmesg, pstore,
 * netconsole and vmcore-dmesg when nothing else does.
 *
 * Format, version 1 (parsed by hungtaskd's kmsg reader):
 *   hungtask: v1 seq=<n> <record> key=value ...
 * one line per record; values with spaces are double-quoted, quotes and
 * backslashes inside are never printed (replaced by '?'). Records, in order:
 *   begin, victim, vstack (one per frame), hop (one per hop; hop lines of a
 *   cpu hop are followed by its hogstack and runq lines), host, end.
 * Symbols are printed with %pS ("func+0x1/0x2 [module]"). Unknown numbers
 * are -1. Readers must ignore keys they do not know.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/math64.h>
#include <linux/printk.h>
#include <linux/sched/clock.h>

#include "internal.h"


/* How each kind of hop prints itself: one line here per kind. */
static const struct hungtask_hop_ops *const hungtask_hop_ops[HUNGTASK_HOP_KINDS] = {
	[HUNGTASK_HOP_KIND_FLUSH_WORK] = &hungtask_hop_flush_work_ops,
	[HUNGTASK_HOP_KIND_WORKER] = &hungtask_hop_worker_ops,
	[HUNGTASK_HOP_KIND_CPU] = &hungtask_hop_cpu_ops,
};

/**
 * hungtask_kmsg_quote() - make a string safe to print inside double quotes.
 *
 * Context: any. Return: @dst.
 */
const char *hungtask_kmsg_quote(char *dst, size_t len, const char *src)
{
	size_t i;

	for (i = 0; i + 1 < len && src[i]; i++)
		dst[i] = (src[i] == '"' || src[i] == '\\' || src[i] < 0x20 || src[i] > 0x7e) ?
				 '?' : src[i];
	dst[i] = '\0';
	return dst;
}

/* Context: any (printk). */
void hungtask_kmsg_task(u64 seq, const char *rec, const struct hungtask_task_snap *s)
{
	char comm[TASK_COMM_LEN];

	HUNGTASK_KMSG(seq, "%s pid=%d tgid=%d comm=\"%s\" state=%c flags=0x%x cpu=%d on_cpu=%d on_rq=%d policy=%d prio=%d kthread=%d runtime_ns=%llu since_arrival_ns=%llu queued_ns=%llu run_delay_ns=%llu nvcsw=%lu nivcsw=%lu fn=\"%ps\"",
	  rec, s->pid, s->tgid, hungtask_kmsg_quote(comm, sizeof(comm), s->comm), s->state, s->flags,
	  s->cpu, s->on_cpu, s->on_rq, s->policy, s->prio, s->kthread, s->sum_exec_runtime,
	  s->since_arrival_ns, s->queued_ns, s->run_delay_ns, s->nvcsw, s->nivcsw,
	  (void *)s->threadfn);
}

/* Context: any (printk). */
void hungtask_kmsg_stack(u64 seq, const char *rec, const struct hungtask_stack *st)
{
	unsigned int i;

	for (i = 0; i < st->nr; i++)
		HUNGTASK_KMSG(seq, "%s i=%u fn=\"%pS\"", rec, i, (void *)st->frames[i]);
}

static void hungtask_emit_hop(u64 seq, unsigned int i, const struct hungtask_hop *hop)
{
	const struct hungtask_hop_ops *ops =
		hop->kind < HUNGTASK_HOP_KINDS ? hungtask_hop_ops[hop->kind] : NULL;
	char reason[HUNGTASK_REASON_LEN];

	if (!ops)
		return;
	hungtask_kmsg_quote(reason, sizeof(reason), hop->reason);
	ops->emit(seq, i, hop, reason);
}

/* The syscall ABI as the kmsg record names it ("-" for no syscall). */
static const char *hungtask_abi_name(const struct hungtask_incident *inc)
{
	if (inc->syscall_nr < 0)
		return "-";
	switch (inc->syscall_abi) {
	case HUNGTASK_SYSCALL_ABI_IA32:
		return "ia32";
	case HUNGTASK_SYSCALL_ABI_X32:
		return "x32";
	default:
		return "x86_64";
	}
}

/**
 * hungtask_kmsg_emit() - print the incident as versioned kmsg records.
 *
 * Context: any (printk).
 */
void hungtask_kmsg_emit(const struct hungtask_incident *inc)
{
	const struct hungtask_host *h = &inc->host;
	char path[HUNGTASK_PATH_LEN], cgroup[HUNGTASK_CGROUP_LEN];
	u64 seq = inc->seq;
	unsigned int i;

	HUNGTASK_KMSG(seq, "begin trigger=hung_task boot=%s time_ns=%llu capture_ns=%llu victim_ns=%llu tasks_walked=%u walk_truncated=%d",
	  hungtask_boot_id, inc->detected_ns, inc->capture_ns, inc->victim_ns, inc->tasks_walked,
	  inc->walk_truncated);
	hungtask_kmsg_task(seq, "victim", &inc->victim);
	HUNGTASK_KMSG(seq, "syscall blocked_s=%lu nr=%ld abi=%s args=0x%lx,0x%lx,0x%lx,0x%lx,0x%lx,0x%lx path=\"%s\" cgroup=\"%s\"",
	  inc->blocked_s, inc->syscall_nr, hungtask_abi_name(inc), inc->syscall_args[0], inc->syscall_args[1],
	  inc->syscall_args[2], inc->syscall_args[3], inc->syscall_args[4], inc->syscall_args[5],
	  hungtask_kmsg_quote(path, sizeof(path), inc->path), hungtask_kmsg_quote(cgroup, sizeof(cgroup), inc->cgroup));
	hungtask_kmsg_stack(seq, "vstack", &inc->victim_stack);
	if (inc->stack_note[0]) {
		char note[HUNGTASK_REASON_LEN];

		HUNGTASK_KMSG(seq, "stack_note text=\"%s\"",
			      hungtask_kmsg_quote(note, sizeof(note), inc->stack_note));
	}
	for (i = 0; i < inc->nr_hops; i++)
		hungtask_emit_hop(seq, i, &inc->hops[i]);
	HUNGTASK_KMSG(seq, "host release=\"%s\" preempt=%s watchdog=%ld softlockup_panic=%ld watchdog_thresh=%ld hung_task_timeout_secs=%ld hung_task_panic=%ld taint=0x%lx sysctl_age_ms=%llu oot=\"%s\"",
	  h->release, h->preempt, h->watchdog, h->softlockup_panic, h->watchdog_thresh,
	  h->hung_task_timeout_secs, h->hung_task_panic, h->taint,
	  div_u64(local_clock() - h->refreshed_ns, NSEC_PER_MSEC), h->oot_modules);
	HUNGTASK_KMSG(seq, "end hops=%u", inc->nr_hops);
}
