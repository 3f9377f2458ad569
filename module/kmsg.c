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

#include "hungtask.h"

#define P(seq, fmt, ...) \
	pr_info(HUNGTASK_PR_PREFIX "v%d seq=%llu " fmt "\n", HUNGTASK_KMSG_VERSION, seq, ##__VA_ARGS__)

static const char *const hungtask_hop_names[HUNGTASK_HOP_KINDS] = {
	[HUNGTASK_HOP_FLUSH_WORK] = "flush_work",
	[HUNGTASK_HOP_WORKER] = "worker",
	[HUNGTASK_HOP_CPU] = "cpu",
};

/* Make a string safe to print inside double quotes. */
static const char *hungtask_q(char *dst, size_t len, const char *src)
{
	size_t i;

	for (i = 0; i + 1 < len && src[i]; i++)
		dst[i] = (src[i] == '"' || src[i] == '\\' || src[i] < 0x20 || src[i] > 0x7e) ?
				 '?' : src[i];
	dst[i] = '\0';
	return dst;
}

static void hungtask_emit_task(u64 seq, const char *rec, const struct hungtask_task_snap *s)
{
	char comm[TASK_COMM_LEN];

	P(seq, "%s pid=%d tgid=%d comm=\"%s\" state=%c flags=0x%x cpu=%d on_cpu=%d on_rq=%d policy=%d prio=%d kthread=%d runtime_ns=%llu since_arrival_ns=%llu queued_ns=%llu run_delay_ns=%llu nvcsw=%lu nivcsw=%lu fn=\"%ps\"",
	  rec, s->pid, s->tgid, hungtask_q(comm, sizeof(comm), s->comm), s->state, s->flags,
	  s->cpu, s->on_cpu, s->on_rq, s->policy, s->prio, s->kthread, s->sum_exec_runtime,
	  s->since_arrival_ns, s->queued_ns, s->run_delay_ns, s->nvcsw, s->nivcsw,
	  (void *)s->threadfn);
}

static void hungtask_emit_stack(u64 seq, const char *rec, const struct hungtask_stack *st)
{
	unsigned int i;

	for (i = 0; i < st->nr; i++)
		P(seq, "%s i=%u fn=\"%pS\"", rec, i, (void *)st->frames[i]);
}

static void hungtask_emit_hop(u64 seq, unsigned int i, const struct hungtask_hop *hop)
{
	char reason[HUNGTASK_REASON_LEN];
	const char *name = hungtask_hop_names[hop->kind];
	unsigned int r;

	hungtask_q(reason, sizeof(reason), hop->reason);
	switch (hop->kind) {
	case HUNGTASK_HOP_FLUSH_WORK: {
		const struct hungtask_hop_flush_work *f = &hop->flush;

		P(seq, "hop i=%u kind=%s verified=%d barrier=%px pwq=%px pool=%px pool_cpu=%d pool_id=%d wq=\"%s\" target=%px target_state=%s executing_pid=%d reason=\"%s\" target_fn=\"%pS\"",
		  i, name, hop->verified, (void *)f->barrier, (void *)f->pwq, (void *)f->pool,
		  f->pool_cpu, f->pool_id, f->wq_name, (void *)f->target,
		  f->target_running ? "running" : (f->target ? "pending" : "unknown"),
		  f->executing_pid, reason, (void *)f->target_func);
		break;
	}
	case HUNGTASK_HOP_WORKER:
		P(seq, "hop i=%u kind=%s verified=%d pool_member=%d reason=\"%s\"", i, name,
		  hop->verified, hop->worker.pool_member_verified, reason);
		hungtask_emit_task(seq, "worker", &hop->worker.task);
		break;
	case HUNGTASK_HOP_CPU: {
		const struct hungtask_hop_cpu *c = &hop->cpu;

		P(seq, "hop i=%u kind=%s verified=%d cpu=%d have_hog=%d hog_source=%s runq_total=%u runq_walked=%u runq_truncated=%d ipi_ns=%llu stack_note=\"%s\" reason=\"%s\"",
		  i, name, hop->verified, c->cpu, c->have_hog, c->hog_source ?: "none", c->runq_total, c->runq_walked, c->runq_truncated,
		  c->ipi_ns, c->hog_stack_note ?: "", reason);
		if (c->have_hog) {
			hungtask_emit_task(seq, "hog", &c->hog);
			hungtask_emit_stack(seq, "hogstack", &c->hog_stack);
		}
		for (r = 0; r < c->nr_runq; r++) {
			char comm[TASK_COMM_LEN];

			P(seq, "runq pid=%d comm=\"%s\" state=%c queued_ns=%llu", c->runq[r].pid,
			  hungtask_q(comm, sizeof(comm), c->runq[r].comm), c->runq[r].state,
			  c->runq[r].queued_ns);
		}
		break;
	}
	default:
		break;
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

	P(seq, "begin trigger=hung_task boot=%s time_ns=%llu capture_ns=%llu victim_ns=%llu tasks_walked=%u walk_truncated=%d",
	  hungtask_boot_id, inc->detected_ns, inc->capture_ns, inc->victim_ns, inc->tasks_walked,
	  inc->walk_truncated);
	hungtask_emit_task(seq, "victim", &inc->victim);
	P(seq, "syscall blocked_s=%lu nr=%ld args=0x%lx,0x%lx,0x%lx,0x%lx,0x%lx,0x%lx path=\"%s\" cgroup=\"%s\"",
	  inc->blocked_s, inc->syscall_nr, inc->syscall_args[0], inc->syscall_args[1],
	  inc->syscall_args[2], inc->syscall_args[3], inc->syscall_args[4], inc->syscall_args[5],
	  hungtask_q(path, sizeof(path), inc->path), hungtask_q(cgroup, sizeof(cgroup), inc->cgroup));
	hungtask_emit_stack(seq, "vstack", &inc->victim_stack);
	for (i = 0; i < inc->nr_hops; i++)
		hungtask_emit_hop(seq, i, &inc->hops[i]);
	P(seq, "host release=\"%s\" preempt=%s watchdog=%ld softlockup_panic=%ld watchdog_thresh=%ld hung_task_timeout_secs=%ld hung_task_panic=%ld taint=0x%lx sysctl_age_ms=%llu oot=\"%s\"",
	  h->release, h->preempt, h->watchdog, h->softlockup_panic, h->watchdog_thresh,
	  h->hung_task_timeout_secs, h->hung_task_panic, h->taint,
	  div_u64(local_clock() - h->refreshed_ns, NSEC_PER_MSEC), h->oot_modules);
	P(seq, "end hops=%u", inc->nr_hops);
}
