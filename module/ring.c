// SPDX-License-Identifier: GPL-2.0
/*
 * The incident ring: a fixed, preallocated array of incidents with
 * monotonically increasing sequence numbers, and the episode table that
 * keeps one incident per hang episode.
 *
 * Drop policy: an incident stays in the ring until the daemon acknowledges
 * it. When every slot holds an unacknowledged incident, the new incident is
 * dropped (counted in dropped_full): the first incidents of a storm are the
 * ones that hold the root cause. The kmsg record is staged either way (within
 * the kmsg budget, see kmsg.c).
 */
#include <linux/fs.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "internal.h"

static unsigned int ring_slots = 16;
module_param(ring_slots, uint, 0444);
MODULE_PARM_DESC(ring_slots, "incidents kept until acknowledged (1..256)");

static unsigned int episode_slots = 16384;
module_param(episode_slots, uint, 0444);
MODULE_PARM_DESC(episode_slots,
		 "hang episodes remembered (1024..1048576); more than the tasks that can hang at once");

/* Coalescing on (default): victims of one cause join one incident (coalesce.c). Off,
 * every hung task makes its own incident with its own chain, as before coalescing.
 */
static bool coalesce = true;
module_param(coalesce, bool, 0644);
MODULE_PARM_DESC(coalesce,
		 "victims of one cause (same lock or flushed work, or a task of a live chain) join one incident (default Y); N: one incident per hung task");

/*
 * The episode table: one entry per task the detector reported, keyed by pid,
 * found through a hash (O(1)). An episode is a hang of one task that has not
 * switched since: pid + switch count. The detector reports every hung task
 * on every pass, and each report marks its entry seen in that pass. An entry
 * not seen in the last two passes belongs to a task that no longer hangs
 * (or is gone), and is the only kind ever reused: when the table is full of
 * live episodes, a new one is counted as untracked and not captured, so an
 * episode is never captured twice. 32 bytes per slot: 512 KiB by default.
 */
struct hungtask_slot {
	bool used;
	bool acked;
	bool dirty;	/* victims joined since it was last sent: an update is due */
	bool replaced;	/* its incident was replaced (coalesce.c absorb) since then */
	u32 live;	/* the last detector pass that reported one of its victims */
	struct hungtask_incident inc;
};

#define HUNGTASK_EP_NONE U32_MAX
#define HUNGTASK_EP_RECLAIM_SCAN 64	/* entries looked at per reclaim */

struct hungtask_episode {
	pid_t pid;			/* 0: never used */
	u32 next;			/* next entry of the same hash chain */
	u32 seen;			/* the last detector pass that reported it */
	unsigned long switch_count;
	u64 seq;			/* its incident's first_seq; 0 while being captured */
};

/* hungtask_ring_lock protects the slots, the episodes, next_seq and counters. */
static DEFINE_SPINLOCK(hungtask_ring_lock);
static struct hungtask_slot *hungtask_slots;
static struct hungtask_episode *hungtask_episodes;
static u32 *hungtask_episode_hash;	/* chain heads, 1 << hungtask_episode_bits */
static unsigned int hungtask_episode_bits;
static u32 hungtask_episode_used;	/* entries [0, used) have been handed out */
static u32 hungtask_episode_hand;	/* where the next reclaim scan starts */
static u64 hungtask_next_seq = 1;
static unsigned int hungtask_generation;	/* bumped on every change of the slots */
static struct hungtask_counters hungtask_ctr;

char hungtask_boot_id[37] = "unknown";

/*
 * Chosen at load, never 0: seq restarts at 1 when the module is loaded again
 * in the same boot, and readers tell the two sequence spaces apart by it.
 */
u64 hungtask_instance_id __read_mostly;

/* Test-only fault knobs (writable by root at run time; see the modinfo text). */
static bool fault_ring_full;
module_param(fault_ring_full, bool, 0600);
HUNGTASK_FAULT_PARM_DESC(fault_ring_full,
		 "store no incident, as if the ring were full of unacked ones");

static bool fault_fill_max;
module_param(fault_fill_max, bool, 0600);
HUNGTASK_FAULT_PARM_DESC(fault_fill_max,
		 "the next hung-task incident of a user task is blown up to the largest the encoding allows (every hop a CPU hop with the victim's stack, full runqueues, every string at its limit); cleared once used");

static void hungtask_read_boot_id(void)
{
	struct file *f;
	char buf[40] = {};
	loff_t pos = 0;
	ssize_t n;

	f = filp_open("/proc/sys/kernel/random/boot_id", O_RDONLY, 0);
	if (IS_ERR(f))
		return;
	n = kernel_read(f, buf, sizeof(buf) - 1, &pos);
	filp_close(f, NULL);
	if (n >= 36) {
		memcpy(hungtask_boot_id, buf, 36);
		hungtask_boot_id[36] = '\0';
	}
}

static int hungtask_episodes_init(void)
{
	u32 i;

	if (episode_slots < 1024 || episode_slots > 1048576) {
		pr_err(HUNGTASK_PR_PREFIX "episode_slots=%u out of range 1024..1048576\n",
		       episode_slots);
		return -EINVAL;
	}
	hungtask_episode_bits = order_base_2(episode_slots);
	hungtask_episodes = vzalloc(array_size(episode_slots, sizeof(*hungtask_episodes)));
	hungtask_episode_hash = vmalloc(array_size(1U << hungtask_episode_bits, sizeof(u32)));
	if (!hungtask_episodes || !hungtask_episode_hash) {
		vfree(hungtask_episode_hash);
		vfree(hungtask_episodes);
		return -ENOMEM;
	}
	for (i = 0; i < (1U << hungtask_episode_bits); i++)
		hungtask_episode_hash[i] = HUNGTASK_EP_NONE;
	hungtask_ctr.episode_slots = episode_slots;
	return 0;
}

static void hungtask_episodes_exit(void)
{
	vfree(hungtask_episode_hash);
	vfree(hungtask_episodes);
	hungtask_episode_hash = NULL;
	hungtask_episodes = NULL;
}

/**
 * hungtask_ring_init() - allocate the ring and the episode table, read the boot id.
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL for a bad ring_slots or episode_slots, -ENOMEM.
 */
int hungtask_ring_init(void)
{
	int ret;

	if (ring_slots < 1 || ring_slots > 256) {
		pr_err(HUNGTASK_PR_PREFIX "ring_slots=%u out of range 1..256\n", ring_slots);
		return -EINVAL;
	}
	hungtask_slots = vzalloc(array_size(ring_slots, sizeof(*hungtask_slots)));
	if (!hungtask_slots)
		return -ENOMEM;
	ret = hungtask_episodes_init();
	if (ret) {
		vfree(hungtask_slots);
		hungtask_slots = NULL;
		return ret;
	}
	hungtask_ctr.ring_size = ring_slots;
	hungtask_read_boot_id();
	do {
		hungtask_instance_id = get_random_u64();
	} while (!hungtask_instance_id);
	return 0;
}

void hungtask_ring_exit(void)
{
	hungtask_episodes_exit();
	vfree(hungtask_slots);
	hungtask_slots = NULL;
}

static struct hungtask_slot *hungtask_slot_of(u64 seq)
{
	unsigned int i;

	for (i = 0; i < ring_slots; i++)
		if (hungtask_slots[i].used && hungtask_slots[i].inc.seq == seq)
			return &hungtask_slots[i];
	return NULL;
}

/* The slot of the incident first stored as @first (updates keep first_seq). */
static struct hungtask_slot *hungtask_slot_of_first(u64 first)
{
	unsigned int i;

	for (i = 0; i < ring_slots; i++)
		if (hungtask_slots[i].used && hungtask_slots[i].inc.first_seq == first)
			return &hungtask_slots[i];
	return NULL;
}

/* A victim of it was reported in this pass or the one before: the hang goes on. */
static bool hungtask_slot_live(const struct hungtask_slot *s, u32 pass)
{
	return s->used && pass - s->live < 2;
}

/*
 * The live incident whose chain holds @pid, or NULL. O(ring_slots *
 * HUNGTASK_MAX_HOPS). Caller holds hungtask_ring_lock.
 */
static struct hungtask_slot *hungtask_slot_with_member(pid_t pid, u32 pass)
{
	unsigned int i;

	for (i = 0; i < ring_slots; i++)
		if (hungtask_slot_live(&hungtask_slots[i], pass) &&
		    hungtask_coalesce_member(&hungtask_slots[i].inc, pid))
			return &hungtask_slots[i];
	return NULL;
}

/* @s gained a victim: due for an update (hungtask_ring_next_update()). */
static void hungtask_slot_joined(struct hungtask_slot *s, u32 pass)
{
	s->dirty = true;
	s->live = pass;
	hungtask_ctr.joined++;
	hungtask_generation++;
}

static u32 *hungtask_episode_head(pid_t pid)
{
	return &hungtask_episode_hash[hash_32((u32)pid, hungtask_episode_bits)];
}

/* The entry of @pid, or NULL. Caller holds hungtask_ring_lock. */
static struct hungtask_episode *hungtask_episode_find(pid_t pid)
{
	u32 i;

	for (i = *hungtask_episode_head(pid); i != HUNGTASK_EP_NONE; i = hungtask_episodes[i].next)
		if (hungtask_episodes[i].pid == pid)
			return &hungtask_episodes[i];
	return NULL;
}

/* Not reported in this pass nor the one before: that task no longer hangs. */
static bool hungtask_episode_stale(const struct hungtask_episode *e, u32 pass)
{
	return pass - e->seen >= 2;
}

/*
 * A free entry for @pid, linked into its chain: a never used one, or a stale
 * one found within HUNGTASK_EP_RECLAIM_SCAN entries of the clock hand.
 * NULL when the table holds only live episodes there. Caller holds
 * hungtask_ring_lock.
 */
static struct hungtask_episode *hungtask_episode_alloc(pid_t pid, u32 pass)
{
	struct hungtask_episode *e = NULL;
	unsigned int n;
	u32 *link;

	if (hungtask_episode_used < episode_slots) {
		e = &hungtask_episodes[hungtask_episode_used++];
	} else {
		for (n = 0; n < HUNGTASK_EP_RECLAIM_SCAN && !e; n++) {
			struct hungtask_episode *c = &hungtask_episodes[hungtask_episode_hand];

			hungtask_episode_hand = (hungtask_episode_hand + 1) % episode_slots;
			if (hungtask_episode_stale(c, pass))
				e = c;
		}
		if (!e)
			return NULL;
		/* Unlink it from the chain of its old pid. */
		for (link = hungtask_episode_head(e->pid); *link != HUNGTASK_EP_NONE;
		     link = &hungtask_episodes[*link].next) {
			if (&hungtask_episodes[*link] == e) {
				*link = e->next;
				break;
			}
		}
	}
	e->pid = pid;
	link = hungtask_episode_head(pid);
	e->next = *link;
	*link = e - hungtask_episodes;
	return e;
}

/**
 * hungtask_ring_episode() - what to do with one detector report.
 * @victim: the hung task (valid under rcu_read_lock()).
 * @switch_count: its nvcsw + nivcsw now.
 * @pass: the detector pass (hungtask_capture_hung() numbers them).
 * @may_capture: this pass's capture budget is not used up.
 *
 * The detector reports a hung task again on every scan. A report of the same
 * pid with the same switch count is the same episode: count it, capture
 * nothing. A new episode is reserved (its entry holds it from now on, so it
 * is captured once) when @may_capture, and deferred otherwise: the detector
 * reports it again in its next pass. A new episode of a task that is in the
 * chain of a live incident (a mutex owner that is itself hung) joins that
 * incident without a capture, whatever the budget.
 *
 * Context: any (takes hungtask_ring_lock with irqs off); O(1) plus
 * O(ring_slots * HUNGTASK_MAX_HOPS) for a new episode.
 * Return: the verdict; HUNGTASK_EPISODE_NEW means capture it now.
 */
enum hungtask_episode_verdict hungtask_ring_episode(struct task_struct *victim,
						    unsigned long switch_count, u32 pass,
						    bool may_capture)
{
	enum hungtask_episode_verdict v;
	pid_t pid = victim->pid;
	struct hungtask_episode *e;
	struct hungtask_slot *slot;
	unsigned long flags;

	spin_lock_irqsave(&hungtask_ring_lock, flags);
	e = hungtask_episode_find(pid);
	if (e && e->switch_count == switch_count) {
		e->seen = pass;
		slot = e->seq ? hungtask_slot_of_first(e->seq) : NULL;
		if (slot) {
			/* Repeats count the detector's reports of the incident's own victim. */
			if (slot->inc.victim.pid == pid)
				slot->inc.repeats++;
			slot->live = pass;
			hungtask_generation++;
		}
		hungtask_ctr.coalesced++;
		v = HUNGTASK_EPISODE_KNOWN;
	} else if (READ_ONCE(coalesce) && (slot = hungtask_slot_with_member(pid, pass)) &&
		   (e || (e = hungtask_episode_alloc(pid, pass)))) {
		e->switch_count = switch_count;
		e->seen = pass;
		e->seq = slot->inc.first_seq;
		hungtask_coalesce_add(&slot->inc, pid, victim->comm);
		hungtask_slot_joined(slot, pass);
		v = HUNGTASK_EPISODE_JOINED;
	} else if (!may_capture) {
		hungtask_ctr.deferred++;
		v = HUNGTASK_EPISODE_DEFERRED;
	} else if (!e && !(e = hungtask_episode_alloc(pid, pass))) {
		hungtask_ctr.untracked++;
		v = HUNGTASK_EPISODE_UNTRACKED;
	} else {
		e->switch_count = switch_count;
		e->seen = pass;
		e->seq = 0;
		v = HUNGTASK_EPISODE_NEW;
	}
	spin_unlock_irqrestore(&hungtask_ring_lock, flags);
	return v;
}

static void hungtask_fill_str(char *dst, size_t size, char c)
{
	memset(dst, c, size - 1);
	dst[size - 1] = '\0';
}

/*
 * fault_fill_max: make @inc the largest incident the encoding can carry, so
 * that a test sends it through the event and the dump paths. Frames and
 * kthread functions are copies of the victim's own (real) frames; counts and
 * strings are at their limits. The victim's identity and stack stay real.
 */
static void hungtask_fault_fill(struct hungtask_incident *inc)
{
	unsigned long frame = inc->victim_stack.nr ? inc->victim_stack.frames[0] : _RET_IP_;
	unsigned int i;

	for (i = inc->victim_stack.nr; i < HUNGTASK_MAX_FRAMES; i++)
		inc->victim_stack.frames[i] = frame;
	inc->victim_stack.nr = HUNGTASK_MAX_FRAMES;
	if (inc->syscall_nr < 0)
		inc->syscall_nr = 0;
	hungtask_fill_str(inc->path, sizeof(inc->path), 'p');
	hungtask_fill_str(inc->cgroup, sizeof(inc->cgroup), 'c');
	hungtask_fill_str(inc->host.oot_modules, sizeof(inc->host.oot_modules), 'm');
	hungtask_fill_str(inc->host.release, sizeof(inc->host.release), 'r');
	inc->victim.threadfn = frame;
	/* The largest hop the encoding carries: a cpu hop with all it can hold. */
	for (i = 0; i < HUNGTASK_MAX_HOPS; i++)
		hungtask_cpu_fill_max(&inc->hops[i], i, inc);
	inc->nr_hops = HUNGTASK_MAX_HOPS;
}

/**
 * hungtask_ring_commit() - give @inc a sequence number and store it.
 * @inc: the captured incident; copied, the caller keeps ownership.
 * @pass: the detector pass it was captured in (hungtask_capture_hung()).
 *
 * The episode (reserved by hungtask_ring_episode()) is remembered even when
 * the ring is full, so that the detector's repeats of a dropped incident are
 * not captured again.
 *
 * Coalescing first (coalesce.c): when a live incident has the same cause
 * (its first hop waits on the same object) or holds @inc's victim in its
 * chain, @inc's victim joins it; when @inc's chain holds a live incident's
 * victim, @inc replaces that incident's content (keeping its first_seq). In
 * both cases no slot is taken, and the joined incident is sent again, with a
 * new seq, at the next hungtask_ring_next_update().
 *
 * Context: any (takes hungtask_ring_lock with irqs off); the coalescing look
 * is O(ring_slots * HUNGTASK_MAX_HOPS).
 * Return: 0 when stored, HUNGTASK_COMMIT_JOINED when joined into (or
 * replacing) a stored incident, -ENOSPC when dropped because the ring is full.
 */
int hungtask_ring_commit(struct hungtask_incident *inc, u32 pass)
{
	struct hungtask_slot *slot = NULL;
	struct hungtask_episode *e;
	unsigned long flags;
	unsigned int i;
	int ret = 0;

	/*
	 * Only a user task's hung-task incident takes it (the test's victim is
	 * one): the hog sampler's reports of a hog that lasts (hog.c) or a
	 * kthread hung meanwhile would otherwise use it up first.
	 */
	if (inc->trigger == HUNGTASK_TRIGGER_HUNG_TASK && !inc->victim.kthread &&
	    READ_ONCE(fault_fill_max)) {
		WRITE_ONCE(fault_fill_max, false);
		hungtask_fault_fill(inc);
	}
	spin_lock_irqsave(&hungtask_ring_lock, flags);
	e = hungtask_episode_find(inc->victim.pid);
	if (e && e->switch_count != inc->switch_count)
		e = NULL;
	for (i = 0; i < ring_slots; i++) {
		struct hungtask_slot *s = &hungtask_slots[i];

		/* A hog sampler's report (hog.c) is an early warning, not a victim:
		 * it neither joins a hung-task incident nor absorbs one.
		 */
		if (!READ_ONCE(coalesce) || !hungtask_slot_live(s, pass) ||
		    inc->trigger == HUNGTASK_TRIGGER_CPU_HOG ||
		    s->inc.trigger == HUNGTASK_TRIGGER_CPU_HOG)
			continue;
		if (hungtask_coalesce_same_cause(&s->inc, inc) ||
		    hungtask_coalesce_member(&s->inc, inc->victim.pid)) {
			hungtask_coalesce_add(&s->inc, inc->victim.pid, inc->victim.comm);
		} else if (hungtask_coalesce_member(inc, s->inc.victim.pid)) {
			u64 seq = s->inc.seq;

			hungtask_coalesce_absorb(inc, &s->inc);
			inc->seq = seq;
			inc->instance_id = hungtask_instance_id;
			inc->repeats += s->inc.repeats;
			s->inc = *inc;
			s->replaced = true;
		} else {
			continue;
		}
		if (e)
			e->seq = s->inc.first_seq;
		hungtask_slot_joined(s, pass);
		spin_unlock_irqrestore(&hungtask_ring_lock, flags);
		return HUNGTASK_COMMIT_JOINED;
	}
	inc->seq = hungtask_next_seq++;
	inc->first_seq = inc->seq;
	inc->instance_id = hungtask_instance_id;
	if (e)
		e->seq = inc->seq;

	for (i = 0; i < ring_slots && !READ_ONCE(fault_ring_full); i++) {
		struct hungtask_slot *s = &hungtask_slots[i];

		if (!s->used) {
			slot = s;
			break;
		}
		if (s->acked && (!slot || s->inc.seq < slot->inc.seq))
			slot = s;
	}
	if (slot) {
		if (!slot->used)
			hungtask_ctr.ring_fill++;
		slot->used = true;
		slot->acked = false;
		slot->dirty = false;
		slot->replaced = false;
		slot->live = pass;
		slot->inc = *inc;
		hungtask_ctr.captured++;
		hungtask_generation++;
	} else {
		hungtask_ctr.dropped_full++;
		ret = -ENOSPC;
	}
	spin_unlock_irqrestore(&hungtask_ring_lock, flags);
	return ret;
}

/**
 * hungtask_ring_next_update() - the next incident due to be sent again.
 * @out: filled with the incident under its new seq.
 * @whole: set when its content was replaced (not only its victims counted).
 *
 * An incident that victims joined since it was last sent takes a new seq
 * (its slot is unacked again; first_seq stays), so that user space, which
 * reads the ring by seq, sees it again and updates what it stored. Callers
 * loop until it returns false: at most ring_slots incidents.
 *
 * Context: any (takes hungtask_ring_lock with irqs off).
 * Return: true when @out holds one.
 */
bool hungtask_ring_next_update(struct hungtask_incident *out, bool *whole)
{
	unsigned long flags;
	unsigned int i;
	bool found = false;

	spin_lock_irqsave(&hungtask_ring_lock, flags);
	for (i = 0; i < ring_slots && !found; i++) {
		struct hungtask_slot *s = &hungtask_slots[i];

		if (!s->used || !s->dirty)
			continue;
		s->inc.seq = hungtask_next_seq++;
		s->acked = false;
		s->dirty = false;
		*whole = s->replaced;
		s->replaced = false;
		*out = s->inc;
		hungtask_ctr.updates++;
		hungtask_generation++;
		found = true;
	}
	spin_unlock_irqrestore(&hungtask_ring_lock, flags);
	return found;
}

void hungtask_ring_counters(struct hungtask_counters *c)
{
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&hungtask_ring_lock, flags);
	*c = hungtask_ctr;
	c->episodes = hungtask_episode_used;
	c->unacked = 0;
	for (i = 0; hungtask_slots && i < ring_slots; i++)
		if (hungtask_slots[i].used && !hungtask_slots[i].acked)
			c->unacked++;
	spin_unlock_irqrestore(&hungtask_ring_lock, flags);
}

void hungtask_ring_count_busy(void)
{
	unsigned long flags;

	spin_lock_irqsave(&hungtask_ring_lock, flags);
	hungtask_ctr.dropped_busy++;
	spin_unlock_irqrestore(&hungtask_ring_lock, flags);
}

/**
 * hungtask_ring_get_from() - copy the oldest incident with seq >= @seq.
 * @seq: lowest sequence number wanted.
 * @out: filled on success.
 *
 * Context: any (takes hungtask_ring_lock with irqs off).
 * Return: 0, or -ENOENT when the ring holds no such incident.
 */
int hungtask_ring_get_from(u64 seq, struct hungtask_incident *out)
{
	struct hungtask_slot *best = NULL;
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&hungtask_ring_lock, flags);
	for (i = 0; i < ring_slots; i++) {
		struct hungtask_slot *s = &hungtask_slots[i];

		if (s->used && s->inc.seq >= seq && (!best || s->inc.seq < best->inc.seq))
			best = s;
	}
	if (best)
		*out = best->inc;
	spin_unlock_irqrestore(&hungtask_ring_lock, flags);
	return best ? 0 : -ENOENT;
}

/**
 * hungtask_ring_ack() - the daemon stored incident @seq durably.
 * @seq: the incident's sequence number, as sent to the daemon.
 *
 * Its slot may now be reused (acked slots are reused oldest first).
 *
 * Context: any. Return: 0, or -ENOENT when no slot holds @seq.
 */
int hungtask_ring_ack(u64 seq)
{
	struct hungtask_slot *slot;
	unsigned long flags;

	spin_lock_irqsave(&hungtask_ring_lock, flags);
	slot = hungtask_slot_of(seq);
	if (slot && !slot->acked) {
		slot->acked = true;
		hungtask_generation++;
	}
	spin_unlock_irqrestore(&hungtask_ring_lock, flags);
	return slot ? 0 : -ENOENT;
}

/* Context: any. Lowest and highest seq in the ring; 0, 0 when empty. */
void hungtask_ring_seq_range(u64 *first, u64 *last)
{
	unsigned long flags;
	unsigned int i;

	*first = 0;
	*last = 0;
	spin_lock_irqsave(&hungtask_ring_lock, flags);
	for (i = 0; i < ring_slots; i++) {
		const struct hungtask_slot *s = &hungtask_slots[i];

		if (!s->used)
			continue;
		if (!*first || s->inc.seq < *first)
			*first = s->inc.seq;
		if (s->inc.seq > *last)
			*last = s->inc.seq;
	}
	spin_unlock_irqrestore(&hungtask_ring_lock, flags);
}

/* Context: any. Changes whenever the ring's content changes (dump consistency). */
unsigned int hungtask_ring_generation(void)
{
	unsigned long flags;
	unsigned int gen;

	spin_lock_irqsave(&hungtask_ring_lock, flags);
	gen = hungtask_generation;
	spin_unlock_irqrestore(&hungtask_ring_lock, flags);
	return gen ?: 1;	/* cb->seq 0 disables the check */
}
