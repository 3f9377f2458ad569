// SPDX-License-Identifier: GPL-2.0
/*
 * semaphore chains (issue 11 item 3; docs/design-locks.md 6): a task blocked
 * in down() -> the semaphore. The chain ends there: struct semaphore has no
 * holder field on 6.1 and 6.12 (upstream's last_holder is 6.16+), so the hop
 * reports the lock, its count and its waiters, and names no next task.
 *
 * The waiter is found as for a mutex (chain_mutex.c, hungtask_waiter_find()):
 * the task's own semaphore_waiter on its stack, linked in the semaphore's
 * wait_list; the type proof is the frame holding it, __down() (with
 * ___down_common() inlined), calibrated at load by a kthread of ours in
 * down() on a semaphore of count 0. __up() unlinks the first waiter itself
 * before waking it, so a linked waiter of a still-blocked task is current.
 */
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/semaphore.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "internal.h"

static void hungtask_sem_shape(struct hungtask_waiter_shape *sh)
{
	const struct hungtask_layout *l = &hungtask_layout;

	/*
	 * lock_words[0] reads the 8 bytes at semaphore.count: the unsigned int
	 * count is its low half on x86-64 (little endian).
	 */
	*sh = (struct hungtask_waiter_shape){
		.waiter_list = l->swaiter_list, .waiter_task = l->swaiter_task,
		.waiter_ww_ctx = -1, .lock_wait_list = l->sem_wait_list,
		.lock_words = { l->sem_count, -1 },
	};
}

static bool hungtask_follow_sem(struct hungtask_ctx *ctx, struct task_struct *t,
				struct task_struct **next)
{
	const struct hungtask_layout *l = &hungtask_layout;
	struct hungtask_waiter_shape sh;
	struct hungtask_mutex_wait mw;
	struct hungtask_hop_sem *s;
	struct hungtask_hop *hop;
	const char *why = NULL;
	unsigned int k;

	if (task_state_to_char(t) == 'R' || !hungtask_layout_on(HUNGTASK_LAYOUT_SEMAPHORE) ||
	    !l->sem_wait_fn)
		return false;
	hungtask_sem_shape(&sh);
	if (!hungtask_waiter_find(t, &sh, &mw, &why)) {
		if (why)
			hungtask_stack_note(ctx, t, why);
		return false;
	}
	/* Not a semaphore wait (a mutex or rwsem waiter looks the same): not ours. */
	if (mw.frame_ip < l->sem_wait_fn || mw.frame_ip >= l->sem_wait_fn + l->sem_wait_fn_size)
		return false;
	hop = hungtask_hop_add(ctx, HUNGTASK_HOP_KIND_SEMAPHORE);
	if (!hop)
		return false;
	s = &hop->sem;
	s->lock = mw.lock;
	s->waiters = mw.waiters;
	s->position = mw.position;
	hungtask_lock_sym(s->lock_sym, sizeof(s->lock_sym), mw.lock);
	if (mw.why) {
		hungtask_reason(hop, mw.why);
		return true;
	}
	s->count = (unsigned int)mw.word[0];
	/* The others, read nofault: they were classified as waiters on their own stacks. */
	for (k = 0; k < mw.nr_others; k++) {
		struct task_struct *o = (struct task_struct *)mw.others[k];

		if (copy_from_kernel_nofault(&s->others[s->nr_others].pid, &o->pid, sizeof(o->pid)) ||
		    copy_from_kernel_nofault(s->others[s->nr_others].comm, o->comm,
					     sizeof(o->comm)))
			continue;
		s->others[s->nr_others].comm[TASK_COMM_LEN - 1] = 0;
		s->nr_others++;
	}
	hop->verified = true;
	hungtask_reason(hop, "the kernel records no holder of a semaphore");
	return true;
}

static void hungtask_sem_kmsg(struct hungtask_kmsg_buf *b, unsigned int i,
			      const struct hungtask_hop *hop, const char *reason)
{
	const struct hungtask_hop_sem *s = &hop->sem;
	char sym[sizeof(s->lock_sym)], comm[TASK_COMM_LEN * 2];
	unsigned int k;

	hungtask_kmsg_line(b, "hop i=%u kind=semaphore verified=%d lock=%p lock_sym=\"%s\" count=%u waiters=%u position=%u reason=\"%s\"",
			   i, hop->verified, (void *)s->lock,
			   hungtask_kmsg_quote(sym, sizeof(sym), s->lock_sym), s->count, s->waiters,
			   s->position, reason);
	for (k = 0; k < s->nr_others; k++)
		hungtask_kmsg_line(b, "semwaiter hop=%u pid=%d comm=\"%s\"", i, s->others[k].pid,
				   hungtask_kmsg_quote(comm, sizeof(comm), s->others[k].comm));
}

static int hungtask_sem_nl_put(struct hungtask_nlw *w, const struct hungtask_hop *hop)
{
	const struct hungtask_hop_sem *s = &hop->sem;
	struct nlattr *nest, *one;
	unsigned int k;
	int err = hungtask_w_nest(w, HUNGTASK_A_HOP_SEMAPHORE, &nest);

	if (err)
		return err;
	err = hungtask_w_u64(w, HUNGTASK_A_HOP_SEMAPHORE_LOCK, s->lock,
			     HUNGTASK_A_HOP_SEMAPHORE_PAD) ||
	      (s->lock_sym[0] && hungtask_w_str(w, HUNGTASK_A_HOP_SEMAPHORE_LOCK_SYM, s->lock_sym)) ||
	      hungtask_w_u32(w, HUNGTASK_A_HOP_SEMAPHORE_COUNT, s->count) ||
	      hungtask_w_u32(w, HUNGTASK_A_HOP_SEMAPHORE_WAITERS, s->waiters) ||
	      hungtask_w_u32(w, HUNGTASK_A_HOP_SEMAPHORE_POSITION, s->position);
	for (k = 0; !err && k < s->nr_others; k++) {
		err = hungtask_w_nest(w, HUNGTASK_A_HOP_SEMAPHORE_WAITER_PIDS, &one);
		if (err)
			break;
		err = hungtask_w_u32(w, HUNGTASK_A_SEM_WAITER_PID, s->others[k].pid) ||
		      hungtask_w_str(w, HUNGTASK_A_SEM_WAITER_COMM, s->others[k].comm);
		err = hungtask_w_end(w, one, err);
	}
	return hungtask_w_end(w, nest, err);
}

/* Calibration (docs/design-locks.md 4.3): a kthread in down() on our semaphore of count 0. */
static void hungtask_sem_block(void *arg)
{
	struct semaphore *sem = arg;

	down(sem);
	up(sem);
}

static int hungtask_sem_kind_init(void)
{
	struct hungtask_layout *l = &hungtask_layout;
	struct hungtask_waiter_shape sh;
	struct semaphore sem;
	struct hungtask_wait_calib c = { .shape = &sh, .block = hungtask_sem_block, .arg = &sem };
	struct task_struct *k;

	if (!hungtask_layout_on(HUNGTASK_LAYOUT_SEMAPHORE))
		return 0;
	hungtask_sem_shape(&sh);
	sema_init(&sem, 0);
	c.lock = (unsigned long)&sem;
	k = hungtask_wait_calib_begin(&c);
	if (!c.why && (unsigned int)c.mw.word[0] != 0)
		c.why = "calibration: the semaphore's count is not 0";
	up(&sem);
	hungtask_wait_calib_end(k);
	if (c.why) {
		hungtask_layout_off(HUNGTASK_LAYOUT_SEMAPHORE, "%s", c.why);
		pr_warn(HUNGTASK_PR_PREFIX "layout: semaphore hops off: %s\n",
			hungtask_layout.why[HUNGTASK_LAYOUT_SEMAPHORE]);
		return 0;
	}
	l->sem_wait_fn = c.fn;
	l->sem_wait_fn_size = c.fn_size;
	pr_info(HUNGTASK_PR_PREFIX "layout: semaphore calibrated: the blocked kthread's waiter is linked in our semaphore; its frame is %s\n",
		c.sym);
	return 0;
}

const struct hungtask_chain_kind hungtask_chain_kind_sem = {
	.init = hungtask_sem_kind_init,
	.follow = hungtask_follow_sem,
	.kmsg = hungtask_sem_kmsg,
	.nl_put = hungtask_sem_nl_put,
};
