// SPDX-License-Identifier: GPL-2.0
/*
 * rw_semaphore chains (issue 11 item 2; docs/design-locks.md 5): a task
 * blocked in down_read()/down_write() -> the rw_semaphore -> its owner.
 *
 * The waiter is found as for a mutex (chain_mutex.c, hungtask_waiter_find()):
 * the task's own rwsem_waiter on its stack, linked in the lock's wait_list.
 * The type proof is the frame holding it: rwsem_down_read_slowpath() or
 * rwsem_down_write_slowpath(), both calibrated at load by a kthread of ours
 * blocked behind our own down_write() (a mutex_waiter or semaphore_waiter
 * looks the same from the stack).
 *
 * The owner (kernel/locking/rwsem.c, 6.1 and 6.12): a writer sets
 * sem->owner = current and clears it on release, so with
 * count & RWSEM_WRITER_LOCKED the owner word (flag bits masked) is the
 * writer, followed like a mutex owner once it is proven a live task. Every
 * reader that takes the lock writes itself into sem->owner with
 * RWSEM_READER_OWNED and nothing clears it on up_read() (no
 * CONFIG_DEBUG_RWSEMS): with readers owning, the word is only the last
 * reader to take the lock, which may have released it long ago. Nothing in
 * the kernel's data says which readers hold it (no lockdep), so such a hop
 * names the last reader, says that it may be stale, is not verified and
 * names no next task: no culprit.
 */
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "internal.h"

/* kernel/locking/rwsem.c 6.1 and 6.12 (private): the owner and count bits. */
#define HUNGTASK_RWSEM_READER_OWNED 0x1UL
#define HUNGTASK_RWSEM_OWNER_FLAGS 0x3UL
#define HUNGTASK_RWSEM_WRITER_LOCKED 0x1UL
#define HUNGTASK_RWSEM_FLAG_WAITERS 0x2UL
#define HUNGTASK_RWSEM_READER_SHIFT 8
#define HUNGTASK_RWSEM_READFAIL (1UL << (BITS_PER_LONG - 1))

static void hungtask_rwsem_shape(struct hungtask_waiter_shape *sh)
{
	const struct hungtask_layout *l = &hungtask_layout;

	*sh = (struct hungtask_waiter_shape){
		.waiter_list = l->rwaiter_list, .waiter_task = l->rwaiter_task,
		.waiter_ww_ctx = -1, .lock_wait_list = l->rwsem_wait_list,
		.lock_words = { l->rwsem_count, l->rwsem_owner },
	};
}

static bool hungtask_in(unsigned long ip, unsigned long fn, unsigned long size)
{
	return fn && ip >= fn && ip < fn + size;
}

static bool hungtask_follow_rwsem(struct hungtask_ctx *ctx, struct task_struct *t,
				  struct task_struct **next)
{
	const struct hungtask_layout *l = &hungtask_layout;
	struct hungtask_waiter_shape sh;
	struct hungtask_mutex_wait mw;
	struct hungtask_hop_rwsem *r;
	struct hungtask_hop *hop;
	struct task_struct *o;
	unsigned long count, owner;
	const char *why = NULL;
	bool write;

	if (task_state_to_char(t) == 'R' || !hungtask_layout_on(HUNGTASK_LAYOUT_RWSEM) ||
	    !l->rwsem_read_fn || !l->rwsem_write_fn)
		return false;
	hungtask_rwsem_shape(&sh);
	if (!hungtask_waiter_find(t, &sh, &mw, &why)) {
		if (why)
			hungtask_stack_note(ctx, t, why);
		return false;
	}
	write = hungtask_in(mw.frame_ip, l->rwsem_write_fn, l->rwsem_write_fn_size);
	/* Not an rwsem wait (a mutex or semaphore waiter looks the same): not ours. */
	if (!write && !hungtask_in(mw.frame_ip, l->rwsem_read_fn, l->rwsem_read_fn_size))
		return false;
	hop = hungtask_hop_add(ctx, HUNGTASK_HOP_KIND_RWSEM);
	if (!hop)
		return false;
	r = &hop->rwsem;
	r->lock = mw.lock;
	r->write = write;
	r->waiters = mw.waiters;
	r->position = mw.position;
	hungtask_lock_sym(r->lock_sym, sizeof(r->lock_sym), mw.lock);
	if (mw.why) {
		hungtask_reason(hop, mw.why);
		return true;
	}
	count = mw.word[0];
	owner = mw.word[1];
	r->count = count;
	r->owner_flags = owner & HUNGTASK_RWSEM_OWNER_FLAGS;
	if (!(count & HUNGTASK_RWSEM_FLAG_WAITERS)) {
		hungtask_reason(hop, "the lock has waiters but its count lacks the waiters flag");
		return true;
	}
	o = hungtask_live_task(owner & ~HUNGTASK_RWSEM_OWNER_FLAGS);
	if (!(count & HUNGTASK_RWSEM_WRITER_LOCKED)) {
		r->readers = (count & ~HUNGTASK_RWSEM_READFAIL) >> HUNGTASK_RWSEM_READER_SHIFT;
		if (!r->readers) {
			hungtask_reason(hop, "the lock is free (being handed to a waiter)");
			return true;
		}
		/* Readers own it: the owner word is only the last reader, maybe stale. */
		if ((owner & HUNGTASK_RWSEM_READER_OWNED) && o) {
			r->last_reader = true;
			r->have_owner = true;
			hungtask_snap_task(o, &r->owner);
			hungtask_lock_owner_detail(o, &r->owner_stack, &r->owner_stack_note,
						   &r->owner_offcpu_ns);
		}
		/* Both under HUNGTASK_REASON_LEN. */
		hungtask_reason(hop, r->last_reader ?
			"readers own it; the kernel keeps only the last reader, who may have released it" :
			"readers own it; the kernel records no live reader: no holder proven");
		return true;
	}
	if (owner & HUNGTASK_RWSEM_READER_OWNED) {
		hungtask_reason(hop, "writer-locked but the owner word says reader-owned (changing)");
		return true;
	}
	if (!o) {
		hungtask_reason(hop, "the owner word names no live task (writer not yet recorded, or exited holding the lock?)");
		return true;
	}
	r->have_owner = true;
	hungtask_snap_task(o, &r->owner);
	hungtask_lock_owner_detail(o, &r->owner_stack, &r->owner_stack_note, &r->owner_offcpu_ns);
	hop->verified = true;
	*next = o;
	return true;
}

static void hungtask_rwsem_kmsg(struct hungtask_kmsg_buf *b, unsigned int i,
				const struct hungtask_hop *hop, const char *reason)
{
	const struct hungtask_hop_rwsem *r = &hop->rwsem;
	char sym[sizeof(r->lock_sym)], note[HUNGTASK_REASON_LEN];

	hungtask_kmsg_line(b, "hop i=%u kind=rwsem verified=%d lock=%p lock_sym=\"%s\" write=%d count=%lx owner_flags=%u readers=%u waiters=%u position=%u last_reader=%d have_owner=%d owner_offcpu_ns=%llu stack_note=\"%s\" reason=\"%s\"",
			   i, hop->verified, (void *)r->lock,
			   hungtask_kmsg_quote(sym, sizeof(sym), r->lock_sym), r->write, r->count,
			   r->owner_flags, r->readers, r->waiters, r->position, r->last_reader,
			   r->have_owner, r->owner_offcpu_ns,
			   hungtask_kmsg_quote(note, sizeof(note), r->owner_stack_note ?: ""), reason);
	if (r->have_owner) {
		hungtask_kmsg_line(b, "owner hop=%u", i);
		hungtask_kmsg_task(b, &r->owner);
	}
}

static void hungtask_rwsem_kmsg_stacks(struct hungtask_kmsg_buf *b, unsigned int i,
				       const struct hungtask_hop *hop)
{
	char head[32];

	if (!hop->rwsem.have_owner || !hop->rwsem.owner_stack.nr)
		return;
	snprintf(head, sizeof(head), "ownerstack hop=%u", i);
	hungtask_kmsg_stack(b, head, &hop->rwsem.owner_stack);
}

static int hungtask_rwsem_nl_put(struct hungtask_nlw *w, const struct hungtask_hop *hop)
{
	const struct hungtask_hop_rwsem *r = &hop->rwsem;
	struct nlattr *nest;
	int err = hungtask_w_nest(w, HUNGTASK_A_HOP_RWSEM, &nest);

	if (err)
		return err;
	err = hungtask_w_u64(w, HUNGTASK_A_HOP_RWSEM_LOCK, r->lock, HUNGTASK_A_HOP_RWSEM_PAD) ||
	      (r->lock_sym[0] && hungtask_w_str(w, HUNGTASK_A_HOP_RWSEM_LOCK_SYM, r->lock_sym)) ||
	      hungtask_w_u8(w, HUNGTASK_A_HOP_RWSEM_WRITE, r->write) ||
	      hungtask_w_u64(w, HUNGTASK_A_HOP_RWSEM_COUNT, r->count, HUNGTASK_A_HOP_RWSEM_PAD) ||
	      hungtask_w_u32(w, HUNGTASK_A_HOP_RWSEM_OWNER_FLAGS, r->owner_flags) ||
	      hungtask_w_u32(w, HUNGTASK_A_HOP_RWSEM_READERS, r->readers) ||
	      hungtask_w_u32(w, HUNGTASK_A_HOP_RWSEM_WAITERS, r->waiters) ||
	      hungtask_w_u32(w, HUNGTASK_A_HOP_RWSEM_POSITION, r->position) ||
	      hungtask_w_u8(w, HUNGTASK_A_HOP_RWSEM_LAST_READER, r->last_reader) ||
	      (r->have_owner && hungtask_put_task(w, HUNGTASK_A_HOP_RWSEM_OWNER, &r->owner)) ||
	      (r->have_owner && r->owner_stack.nr &&
	       hungtask_put_stack(w, HUNGTASK_A_HOP_RWSEM_OWNER_STACK, &r->owner_stack)) ||
	      (r->owner_stack_note &&
	       hungtask_w_str(w, HUNGTASK_A_HOP_RWSEM_OWNER_STACK_NOTE, r->owner_stack_note)) ||
	      hungtask_w_u64(w, HUNGTASK_A_HOP_RWSEM_OWNER_OFFCPU_NS, r->owner_offcpu_ns,
			     HUNGTASK_A_HOP_RWSEM_PAD);
	return hungtask_w_end(w, nest, err);
}

/*
 * Calibration (docs/design-locks.md 4.3): we hold our rwsem for write; a
 * kthread blocks in down_write() on it, then another in down_read(). The
 * frame holding each one's waiter gives the write and the read wait function.
 */
struct hungtask_rwsem_calib {
	struct rw_semaphore sem;
	bool read;
};

static void hungtask_rwsem_block(void *arg)
{
	struct hungtask_rwsem_calib *rc = arg;

	if (rc->read) {
		down_read(&rc->sem);
		up_read(&rc->sem);
	} else {
		down_write(&rc->sem);
		up_write(&rc->sem);
	}
}

static void hungtask_rwsem_calibrate_one(bool read, unsigned long *fn, unsigned long *size)
{
	struct hungtask_waiter_shape sh;
	struct hungtask_rwsem_calib rc = { .read = read };
	struct hungtask_wait_calib c = { .shape = &sh, .block = hungtask_rwsem_block, .arg = &rc };
	struct task_struct *k;

	hungtask_rwsem_shape(&sh);
	init_rwsem(&rc.sem);
	c.lock = (unsigned long)&rc.sem;
	down_write(&rc.sem);
	k = hungtask_wait_calib_begin(&c);
	/* The waiter must see us as the writer owner, with the waiters flag. */
	if (!c.why && ((c.mw.word[0] & 3UL) != 3UL ||
		       (c.mw.word[1] & ~HUNGTASK_RWSEM_OWNER_FLAGS) != (unsigned long)current))
		c.why = "calibration: the count or owner word does not say we hold it for write";
	up_write(&rc.sem);
	hungtask_wait_calib_end(k);
	if (c.why) {
		hungtask_layout_off(HUNGTASK_LAYOUT_RWSEM, "%s (%s)", c.why,
				    read ? "down_read" : "down_write");
		return;
	}
	*fn = c.fn;
	*size = c.fn_size;
	pr_info(HUNGTASK_PR_PREFIX "layout: rwsem %s calibrated: the blocked kthread's waiter is linked in our rw_semaphore, owner us; its frame is %s\n",
		read ? "read" : "write", c.sym);
}

static int hungtask_rwsem_kind_init(void)
{
	struct hungtask_layout *l = &hungtask_layout;

	if (!hungtask_layout_on(HUNGTASK_LAYOUT_RWSEM))
		return 0;
	hungtask_rwsem_calibrate_one(false, &l->rwsem_write_fn, &l->rwsem_write_fn_size);
	if (hungtask_layout_on(HUNGTASK_LAYOUT_RWSEM))
		hungtask_rwsem_calibrate_one(true, &l->rwsem_read_fn, &l->rwsem_read_fn_size);
	if (hungtask_layout_on(HUNGTASK_LAYOUT_RWSEM) &&
	    hungtask_in(l->rwsem_read_fn, l->rwsem_write_fn, l->rwsem_write_fn_size))
		hungtask_layout_off(HUNGTASK_LAYOUT_RWSEM,
				    "calibration: down_read and down_write wait in the same function");
	if (!hungtask_layout_on(HUNGTASK_LAYOUT_RWSEM))
		pr_warn(HUNGTASK_PR_PREFIX "layout: rwsem hops off: %s\n",
			hungtask_layout.why[HUNGTASK_LAYOUT_RWSEM]);
	return 0;
}

const struct hungtask_chain_kind hungtask_chain_kind_rwsem = {
	.init = hungtask_rwsem_kind_init,
	.follow = hungtask_follow_rwsem,
	.kmsg = hungtask_rwsem_kmsg,
	.kmsg_stacks = hungtask_rwsem_kmsg_stacks,
	.nl_put = hungtask_rwsem_nl_put,
};
