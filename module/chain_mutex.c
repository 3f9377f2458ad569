// SPDX-License-Identifier: GPL-2.0
/*
 * mutex chains (issue 11; docs/design-locks.md): a task blocked in
 * mutex_lock() -> the mutex -> its owner.
 *
 * STATE: groundwork only. This file has the finder (the blocked task's own
 * mutex_waiter on its stack, the lock whose wait_list holds it, the owner
 * word) and layout.c runs it at load on a mutex and a kthread of its own
 * (the calibration). It is not a chain kind yet: no follower, no hop, no
 * proto entry. Before it may be one, the type proof of design-locks.md 4.3
 * is needed (an rwsem_waiter or semaphore_waiter looks the same from the
 * stack), then the owner's liveness check, the hop, kmsg and netlink.
 *
 * mutex_waiter (kernel/locking/mutex.h, private) is a local of
 * __mutex_lock_common() on the waiter's stack: { list, task, ww_ctx }. Only
 * the waiter unlinks it, after it wakes; so while the task sleeps at the
 * same switch count, its node stays linked in the mutex's wait_list. Every
 * read here is nofault and runs inside hungtask_stack_scan()'s callback, so
 * the scan's re-check (the task still blocked, same switch count) covers all
 * of them: a task that woke meanwhile discards the whole result.
 */
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poison.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/unwind.h>

#include "internal.h"

/* kernel/locking/mutex.c:68-72 (6.1 and 6.12): MUTEX_FLAG_WAITERS/HANDOFF/PICKUP. */
#define HUNGTASK_MUTEX_FLAG_WAITERS 0x01UL
#define HUNGTASK_MUTEX_FLAGS 0x07UL

static bool hungtask_read_ul(unsigned long addr, unsigned long *v)
{
	return addr && !copy_from_kernel_nofault(v, (void *)addr, sizeof(*v));
}

/* Is list node @n a mutex_waiter on its own task's stack (else: the list head)? */
static bool hungtask_node_is_waiter(unsigned long n, unsigned long *task)
{
	const struct hungtask_layout *l = &hungtask_layout;
	unsigned long stack;

	if (!hungtask_read_ul(n - l->mwaiter_list + l->mwaiter_task, task) || !*task ||
	    !hungtask_read_ul(*task + offsetof(struct task_struct, stack), &stack) || !stack)
		return false;
	return n >= stack && n < stack + THREAD_SIZE;
}

/* next->prev must be the node itself: the list did not change under us. */
static bool hungtask_node_next(unsigned long n, unsigned long *next)
{
	unsigned long back;

	if (!hungtask_read_ul(n + offsetof(struct list_head, next), next) ||
	    *next == (unsigned long)LIST_POISON1 ||
	    !hungtask_read_ul(*next + offsetof(struct list_head, prev), &back))
		return false;
	return back == n;
}

struct hungtask_mutex_search {
	struct task_struct *t;
	struct hungtask_mutex_wait *mw;
};

/* A word equal to the task pointer may be its waiter's .task: check and walk. */
static bool hungtask_mutex_word(unsigned long addr, unsigned long word, void *arg)
{
	const struct hungtask_layout *l = &hungtask_layout;
	struct hungtask_mutex_search *s = arg;
	struct hungtask_mutex_wait *mw = s->mw;
	unsigned long node, n, next, prev, task, head = 0;
	unsigned int steps, heads = 0, after_head = 0, waiters = 0;

	if (word != (unsigned long)s->t)
		return false;
	node = addr - l->mwaiter_task + l->mwaiter_list;
	/* A finished waiter is poisoned by list_del(); a random word fails the links. */
	if (!hungtask_node_next(node, &next) ||
	    !hungtask_read_ul(node + offsetof(struct list_head, prev), &prev) ||
	    !hungtask_node_next(prev, &n) || n != node)
		return false;
	memset(mw, 0, sizeof(*mw));
	mw->waiter = node - l->mwaiter_list;
	hungtask_read_ul(mw->waiter + l->mwaiter_ww_ctx, &mw->ww_ctx);
	for (n = next, steps = 0; n != node; n = next, steps++) {
		if (steps >= HUNGTASK_MUTEX_WALK_MAX) {
			mw->why = "wait list longer than the walk bound";
			return true;
		}
		if (hungtask_node_is_waiter(n, &task)) {
			waiters++;
			if (heads)
				after_head++;
		} else {
			heads++;
			head = n;
		}
		if (!hungtask_node_next(n, &next)) {
			mw->why = "wait list changed during the walk";
			return true;
		}
	}
	mw->waiters = waiters + 1;
	mw->position = after_head + 1;
	if (heads != 1) {
		mw->why = heads ? "several nodes of the wait list could be its head" :
				  "no node of the wait list is a lock's head";
		return true;
	}
	mw->lock = head - l->mutex_wait_list;
	if (!hungtask_read_ul(mw->lock + l->mutex_owner, &mw->owner_word)) {
		mw->why = "the lock's owner word is not readable";
		return true;
	}
	if (!(mw->owner_word & HUNGTASK_MUTEX_FLAG_WAITERS))
		mw->why = "the lock has waiters but its owner word lacks the waiters flag";
	else if (!(mw->owner_word & ~HUNGTASK_MUTEX_FLAGS))
		mw->why = "the lock has no owner (being released or handed over)";
	return true;
}

/**
 * hungtask_mutex_find() - the mutex @t waits on, from its own mutex_waiter.
 * @t: a blocked task, valid under rcu_read_lock().
 * @mw: filled when a linked waiter of @t was found; @mw->why says what did
 *	not hold (then @mw->lock or the owner must not be trusted).
 * @why: set when the stack was not scanned or the scan was discarded.
 *
 * Does not prove that the waiter is a mutex's (see the file comment), nor
 * that the owner is a live task.
 *
 * Context: atomic allowed, under rcu_read_lock().
 * Return: true when a linked waiter of @t was found and the scan held.
 */
bool hungtask_mutex_find(struct task_struct *t, struct hungtask_mutex_wait *mw, const char **why)
{
	struct hungtask_mutex_search s = { .t = t, .mw = mw };

	memset(mw, 0, sizeof(*mw));
	if (!hungtask_layout_on(HUNGTASK_LAYOUT_MUTEX)) {
		*why = "mutex layout off";
		return false;
	}
	return hungtask_stack_scan(t, hungtask_mutex_word, &s, why) != 0;
}

/**
 * hungtask_mutex_owner() - the task in a mutex owner word, flag bits masked.
 * @owner_word: the value of struct mutex.owner.
 *
 * Context: any. Return: the pointer; not proven to be a live task.
 */
unsigned long hungtask_mutex_owner(unsigned long owner_word)
{
	return owner_word & ~HUNGTASK_MUTEX_FLAGS;
}

/**
 * hungtask_frame_ip_holding() - the ip of @t's stack frame that holds @addr.
 * @t: a blocked task whose stack cannot go away meanwhile (the caller's
 *	kthread; a capture must add the begin/end re-check of task.c).
 * @addr: an address on @t's stack (a local of some function).
 *
 * Walks @t's frames with the ORC unwinder (not stack_trace_save_tsk(),
 * which omits __sched functions, i.e. the whole lock path): a local of the
 * function at frame k lies in [sp_k, sp_k+1).
 *
 * Context: process or atomic; bounded (HUNGTASK_MAX_FRAMES * 2 frames).
 * Return: the frame's ip, or 0 when no frame holds @addr.
 */
unsigned long hungtask_frame_ip_holding(struct task_struct *t, unsigned long addr)
{
	struct unwind_state state;
	unsigned long ip = 0, sp = 0;
	unsigned int n = 0;

	for (unwind_start(&state, t, NULL, NULL); !unwind_done(&state);
	     unwind_next_frame(&state)) {
		if (ip && addr >= sp && addr < state.sp)
			return ip;
		if (++n > HUNGTASK_MAX_FRAMES * 2)
			break;
		ip = unwind_get_return_address(&state);
		sp = state.sp;
	}
	return 0;
}
