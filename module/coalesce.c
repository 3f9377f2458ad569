// SPDX-License-Identifier: GPL-2.0
/*
 * Coalescing: many victims behind one cause make one incident.
 *
 * Two victims share a cause when
 *  - their first hops wait on the same kernel object: the same mutex (its
 *    address) or the same flushed work item (the target work_struct). The
 *    rest of the chain starts at that object, so it is the same for both;
 *  - or one is a task of the other's chain (a mutex owner, a worker, a CPU
 *    hog that is itself hung): its own chain is a part of the other's.
 * A chain that closes a cycle (a deadlock) joins others only by its first
 * hop's object: every member of a cycle is in every other member's chain,
 * and which of them the detector reports first decides nothing.
 *
 * An incident names at most HUNGTASK_MAX_SAMPLE joined victims (pid, comm)
 * and counts all of them (victim_count). These are pure functions of
 * incidents the capture path owns: no locks, no reads of kernel memory.
 */
#include <linux/string.h>

#include "internal.h"

/* The task a hop names as the next one of the chain, 0 when none. */
static pid_t hungtask_hop_member(const struct hungtask_hop *hop)
{
	switch (hop->kind) {
	case HUNGTASK_HOP_KIND_MUTEX:
		return hop->mutex.have_owner ? hop->mutex.owner.pid : 0;
	case HUNGTASK_HOP_KIND_WORKER:
		return hop->worker.task.pid;
	case HUNGTASK_HOP_KIND_CPU:
		return hop->cpu.have_hog ? hop->cpu.hog.pid : 0;
	case HUNGTASK_HOP_KIND_FLUSH_WORK:
		return hop->flush.target_running ? hop->flush.executing_pid : 0;
	default:
		return 0;
	}
}

/*
 * The object the first hop waits on. Only verified hops: an unverified
 * mutex hop may name a lock the victim does not wait on.
 */
static unsigned long hungtask_hop_cause(const struct hungtask_hop *hop)
{
	if (!hop->verified)
		return 0;
	switch (hop->kind) {
	case HUNGTASK_HOP_KIND_MUTEX:
		return hop->mutex.lock;
	case HUNGTASK_HOP_KIND_FLUSH_WORK:
		return hop->flush.target;
	default:
		return 0;
	}
}

/**
 * hungtask_coalesce_prepare() - derive the coalescing keys of a captured incident.
 * @inc: the incident, its chain followed; it is its own only victim so far.
 *
 * Context: any; bounded by HUNGTASK_MAX_HOPS.
 */
void hungtask_coalesce_prepare(struct hungtask_incident *inc)
{
	unsigned int i, n = 0;

	inc->victim_count = 1;
	inc->nr_sample = 0;
	inc->cause = inc->nr_hops ? hungtask_hop_cause(&inc->hops[0]) : 0;
	inc->cause_kind = inc->nr_hops ? inc->hops[0].kind : 0;
	inc->has_cycle = false;
	for (i = 0; i < inc->nr_hops && i < HUNGTASK_MAX_HOPS; i++) {
		pid_t pid = hungtask_hop_member(&inc->hops[i]);

		if (inc->hops[i].cycle)
			inc->has_cycle = true;
		if (pid > 0 && pid != inc->victim.pid && n < HUNGTASK_MAX_HOPS)
			inc->members[n++] = pid;
	}
	inc->nr_members = n;
}

/**
 * hungtask_coalesce_member() - is @pid a task of @inc's chain (not a cycle)?
 * @inc: a prepared incident.
 * @pid: a task the detector reports.
 *
 * Context: any. Return: true when @pid should join @inc.
 */
bool hungtask_coalesce_member(const struct hungtask_incident *inc, pid_t pid)
{
	unsigned int i;

	if (inc->has_cycle)
		return false;
	for (i = 0; i < inc->nr_members; i++)
		if (inc->members[i] == pid)
			return true;
	return false;
}

/**
 * hungtask_coalesce_same_cause() - do @a and @b wait on the same object first?
 * @a: a prepared incident.
 * @b: another one.
 *
 * Context: any. Return: true when both first hops wait on one object.
 */
bool hungtask_coalesce_same_cause(const struct hungtask_incident *a,
				  const struct hungtask_incident *b)
{
	return a->cause && a->cause == b->cause && a->cause_kind == b->cause_kind;
}

/**
 * hungtask_coalesce_add() - count one more victim of @inc's cause.
 * @inc: the incident it joins.
 * @pid: the joining victim.
 * @comm: its comm (copied; TASK_COMM_LEN at most).
 *
 * The first HUNGTASK_MAX_SAMPLE joined victims are named, all are counted.
 * Context: any.
 */
void hungtask_coalesce_add(struct hungtask_incident *inc, pid_t pid, const char *comm)
{
	if (inc->victim_count < U32_MAX)
		inc->victim_count++;
	if (inc->nr_sample >= HUNGTASK_MAX_SAMPLE)
		return;
	inc->sample[inc->nr_sample].pid = pid;
	strscpy(inc->sample[inc->nr_sample].comm, comm, TASK_COMM_LEN);
	inc->nr_sample++;
}

/**
 * hungtask_coalesce_absorb() - @inc replaces @old, whose victim is in @inc's chain.
 * @inc: the new incident (a longer chain that contains @old's victim).
 * @old: the incident it replaces; its victims become @inc's joined ones.
 *
 * @inc keeps @old's first_seq, so that user space updates the incident it
 * stored for it instead of storing a second one.
 * Context: any.
 */
void hungtask_coalesce_absorb(struct hungtask_incident *inc, const struct hungtask_incident *old)
{
	unsigned int i;

	inc->first_seq = old->first_seq;
	hungtask_coalesce_add(inc, old->victim.pid, old->victim.comm);
	for (i = 0; i < old->nr_sample; i++)
		hungtask_coalesce_add(inc, old->sample[i].pid, old->sample[i].comm);
	/* The joined victims of @old beyond its sample are counted, not named. */
	inc->victim_count += old->victim_count - 1 - old->nr_sample;
}
