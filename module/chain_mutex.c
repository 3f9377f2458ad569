// SPDX-License-Identifier: GPL-2.0
/*
 * mutex chains (issue 11; docs/design-locks.md): a task blocked in
 * mutex_lock() -> the mutex -> its owner.
 *
 * The finder (the blocked task's own mutex_waiter on its stack, the lock
 * whose wait_list holds it, the owner word) also serves layout.c's
 * calibration at load. The follower adds a hop only with the type proof
 * (design-locks.md 4.2 step 2: the frame holding the waiter is the mutex
 * wait function calibrated at load; an rwsem_waiter or semaphore_waiter
 * looks the same from the stack) and names the owner only when the owner
 * word is a live task (pid lookup). The chain then goes on from the owner.
 *
 * mutex_waiter (kernel/locking/mutex.h, private) is a local of
 * __mutex_lock_common() on the waiter's stack: { list, task, ww_ctx }. Only
 * the waiter unlinks it, after it wakes; so while the task sleeps at the
 * same switch count, its node stays linked in the mutex's wait_list. Every
 * read here is nofault and runs inside hungtask_stack_scan()'s callback, so
 * the scan's re-check (the task still blocked, same switch count) covers all
 * of them: a task that woke meanwhile discards the whole result.
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kallsyms.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/poison.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sched/task_stack.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/unwind.h>

#include "internal.h"

/* kernel/locking/mutex.c:68-72 (6.1 and 6.12): MUTEX_FLAG_WAITERS/HANDOFF/PICKUP. */
#define HUNGTASK_MUTEX_FLAG_WAITERS 0x01UL
#define HUNGTASK_MUTEX_FLAG_PICKUP 0x04UL
#define HUNGTASK_MUTEX_FLAGS 0x07UL

static bool hungtask_read_ul(unsigned long addr, unsigned long *v)
{
	return addr && !copy_from_kernel_nofault(v, (void *)addr, sizeof(*v));
}

/* Is list node @n a waiter on its own task's stack (else: the list head)? */
static bool hungtask_node_is_waiter(unsigned long n, const struct hungtask_waiter_shape *sh,
				    unsigned long *task)
{
	unsigned long stack;

	if (!hungtask_read_ul(n - sh->waiter_list + sh->waiter_task, task) || !*task ||
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
	const struct hungtask_waiter_shape *shape;
	struct hungtask_mutex_wait *mw;
};

/*
 * A word equal to the task pointer may be its waiter's .task: check and walk.
 * The waiter's shape (its list and task offsets, the lock's list head and the
 * lock words to read) says which kind of lock; the walk is the same for the
 * mutex, rwsem and semaphore waiters (docs/design-locks.md 2, 5, 6).
 */
static bool hungtask_mutex_word(unsigned long addr, unsigned long word, void *arg)
{
	struct hungtask_mutex_search *s = arg;
	const struct hungtask_waiter_shape *sh = s->shape;
	struct hungtask_mutex_wait *mw = s->mw;
	unsigned long node, n, next, prev, task, head = 0;
	unsigned int steps, heads = 0, after_head = 0, waiters = 0, k;

	if (word != (unsigned long)s->t)
		return false;
	node = addr - sh->waiter_task + sh->waiter_list;
	/* A finished waiter is poisoned by list_del(); a random word fails the links. */
	if (!hungtask_node_next(node, &next) ||
	    !hungtask_read_ul(node + offsetof(struct list_head, prev), &prev) ||
	    !hungtask_node_next(prev, &n) || n != node)
		return false;
	memset(mw, 0, sizeof(*mw));
	mw->waiter = node - sh->waiter_list;
	if (sh->waiter_ww_ctx >= 0)
		hungtask_read_ul(mw->waiter + sh->waiter_ww_ctx, &mw->ww_ctx);
	/*
	 * The type proof's half that needs the stack: which function's frame
	 * holds the waiter. Inside the scan, so its re-check covers the unwind.
	 */
	mw->frame_ip = hungtask_frame_ip_holding(s->t, mw->waiter);
	for (n = next, steps = 0; n != node; n = next, steps++) {
		if (steps >= HUNGTASK_MUTEX_WALK_MAX) {
			mw->why = "wait list longer than the walk bound";
			return true;
		}
		if (hungtask_node_is_waiter(n, sh, &task)) {
			/* The first few others, in walk order (from the task, wrapping). */
			if (mw->nr_others < HUNGTASK_LOCK_WAITERS_MAX)
				mw->others[mw->nr_others++] = task;
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
	mw->lock = head - sh->lock_wait_list;
	for (k = 0; k < ARRAY_SIZE(sh->lock_words); k++)
		if (sh->lock_words[k] >= 0 &&
		    !hungtask_read_ul(mw->lock + sh->lock_words[k], &mw->word[k])) {
			mw->why = "the lock's words are not readable";
			return true;
		}
	return true;
}

/**
 * hungtask_waiter_find() - the lock @t waits on, from its own waiter.
 * @t: a blocked task, valid under rcu_read_lock().
 * @shape: the waiter's and the lock's offsets (layout.c, from BTF).
 * @mw: filled when a linked waiter of @t was found; @mw->why says what did
 *	not hold (then @mw->lock and @mw->word must not be trusted).
 * @why: set when the stack was not scanned or the scan was discarded.
 *
 * Does not prove which kind of lock the waiter belongs to (the caller checks
 * @mw->frame_ip against its calibrated wait function), nor any owner.
 *
 * Context: atomic allowed, under rcu_read_lock().
 * Return: true when a linked waiter of @t was found and the scan held.
 */
bool hungtask_waiter_find(struct task_struct *t, const struct hungtask_waiter_shape *shape,
			  struct hungtask_mutex_wait *mw, const char **why)
{
	struct hungtask_mutex_search s = { .t = t, .shape = shape, .mw = mw };

	memset(mw, 0, sizeof(*mw));
	return hungtask_stack_scan(t, hungtask_mutex_word, &s, why) != 0;
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
	const struct hungtask_layout *l = &hungtask_layout;
	const struct hungtask_waiter_shape shape = {
		.waiter_list = l->mwaiter_list, .waiter_task = l->mwaiter_task,
		.waiter_ww_ctx = l->mwaiter_ww_ctx, .lock_wait_list = l->mutex_wait_list,
		.lock_words = { l->mutex_owner, -1 },
	};

	memset(mw, 0, sizeof(*mw));
	if (!hungtask_layout_on(HUNGTASK_LAYOUT_MUTEX)) {
		*why = "mutex layout off";
		return false;
	}
	if (!hungtask_waiter_find(t, &shape, mw, why))
		return false;
	mw->owner_word = mw->word[0];
	if (mw->why)
		return true;
	if (!(mw->owner_word & HUNGTASK_MUTEX_FLAG_WAITERS))
		mw->why = "the lock has waiters but its owner word lacks the waiters flag";
	else if (!(mw->owner_word & ~HUNGTASK_MUTEX_FLAGS))
		mw->why = "the lock has no owner (being released or handed over)";
	return true;
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

/**
 * hungtask_live_task() - a word that should be a task pointer, proven live.
 * @p: the word (a lock's owner with its flag bits masked).
 *
 * Its pid (read nofault: the word may be anything) looked up must give it
 * back. Under rcu_read_lock() the task found stays valid for the capture
 * (design-locks.md 3).
 *
 * Context: under rcu_read_lock().
 * Return: the task, or NULL when @p is not a live task.
 */
struct task_struct *hungtask_live_task(unsigned long p)
{
	pid_t pid;

	if (!p || copy_from_kernel_nofault(&pid, &((struct task_struct *)p)->pid, sizeof(pid)) ||
	    pid <= 0)
		return NULL;
	return pid_task(find_pid_ns(pid, &init_pid_ns), PIDTYPE_PID) == (void *)p ?
		       (struct task_struct *)p : NULL;
}

static bool hungtask_is_mutex_wait(unsigned long ip)
{
	const struct hungtask_layout *l = &hungtask_layout;

	return l->mutex_wait_fn && ip >= l->mutex_wait_fn &&
	       ip < l->mutex_wait_fn + l->mutex_wait_fn_size;
}

/**
 * hungtask_lock_owner_detail() - a lock owner's stack and time off CPU.
 * @o: a live task (hungtask_live_task()).
 * @stack: filled with its stack when it is blocked.
 * @note: set to why there is no stack.
 * @offcpu_ns: how long it has been off CPU; 0 when it runs or is not known.
 *
 * Context: atomic, under rcu_read_lock().
 */
void hungtask_lock_owner_detail(struct task_struct *o, struct hungtask_stack *stack,
				const char **note, u64 *offcpu_ns)
{
	u64 now, start;

	if (READ_ONCE(o->on_cpu) || task_state_to_char(o) == 'R') {
		*note = "the owner is runnable or running: the next hop says where";
		return;
	}
	hungtask_stack_of(o, stack, note);
	/*
	 * se.exec_start is the rq task clock of its last update_curr(), i.e.
	 * when it left the CPU (fair.c 6.1:895, 6.12:1159); no IRQ time
	 * accounting on these kernels, so it compares with sched_clock_cpu().
	 */
	now = sched_clock_cpu(task_cpu(o));
	start = READ_ONCE(o->se.exec_start);
	*offcpu_ns = start && now > start ? now - start : 0;
}

/*
 * "name+off/size [mod]" of a data symbol -> "name [mod]" at offset 0, else
 * "name+off [mod]": the size kallsyms gives a module's data symbol is not
 * meaningful (seen in the guests: "mtx_cfg_lock+0x0/0xffffffffffffefe0").
 */
static void hungtask_lock_sym_fmt(char *dst, size_t len, const char *sym, unsigned long lock)
{
	const char *slash = strchr(sym, '/');
	const char *mod = strchr(sym, ' ');

	if (strstr(sym, "+0x0/")) {
		snprintf(dst, len, "%ps", (void *)lock);
		return;
	}
	if (!slash) {
		strscpy(dst, sym, len);
		return;
	}
	snprintf(dst, len, "%.*s%s", (int)(slash - sym), sym, mod && mod > slash ? mod : "");
}

/**
 * hungtask_lock_sym() - the symbol of a lock, "" for a heap lock.
 * @dst: where it goes.
 * @len: its size.
 * @lock: the lock's address.
 *
 * Context: any.
 */
void hungtask_lock_sym(char *dst, size_t len, unsigned long lock)
{
	char sym[KSYM_SYMBOL_LEN];

	dst[0] = 0;
	if (!lock)
		return;
	/* A static lock has a symbol; a heap lock prints as a bare address: none. */
	snprintf(sym, sizeof(sym), "%pS", (void *)lock);
	if (strncmp(sym, "0x", 2))
		hungtask_lock_sym_fmt(dst, len, sym, lock);
}

static bool hungtask_follow_mutex(struct hungtask_ctx *ctx, struct task_struct *t,
				  struct task_struct **next)
{
	struct hungtask_mutex_wait mw;
	struct hungtask_hop_mutex *m;
	struct hungtask_hop *hop;
	struct task_struct *o;
	const char *why = NULL;

	if (task_state_to_char(t) == 'R' || !hungtask_layout_on(HUNGTASK_LAYOUT_MUTEX) ||
	    !hungtask_layout.mutex_wait_fn)
		return false;
	if (!hungtask_mutex_find(t, &mw, &why)) {
		if (why)
			hungtask_stack_note(ctx, t, why);
		return false;
	}
	/* Not a mutex wait (an rwsem or semaphore waiter looks the same): not ours. */
	if (!hungtask_is_mutex_wait(mw.frame_ip))
		return false;
	hop = hungtask_hop_add(ctx, HUNGTASK_HOP_KIND_MUTEX);
	if (!hop)
		return false;
	m = &hop->mutex;
	m->lock = mw.lock;
	m->owner_flags = mw.owner_word & HUNGTASK_MUTEX_FLAGS;
	m->waiters = mw.waiters;
	m->position = mw.position;
	m->ww = mw.ww_ctx != 0;
	hungtask_lock_sym(m->lock_sym, sizeof(m->lock_sym), mw.lock);
	if (mw.why) {
		hungtask_reason(hop, mw.why);
		return true;
	}
	o = hungtask_live_task(hungtask_mutex_owner(mw.owner_word));
	if (!o) {
		hungtask_reason(hop, "the owner word names no live task (exited holding the lock?)");
		return true;
	}
	m->have_owner = true;
	hungtask_snap_task(o, &m->owner);
	if (o == t && (mw.owner_word & HUNGTASK_MUTEX_FLAG_PICKUP)) {
		hungtask_reason(hop, "the lock was just handed to this task; it has not run yet");
		return true;
	}
	hungtask_lock_owner_detail(o, &m->owner_stack, &m->owner_stack_note, &m->owner_offcpu_ns);
	hop->verified = true;
	*next = o;
	return true;
}

/*
 * kmsg: the hop line; the owner on a line of its own ("owner hop=<i>", a
 * task's keys), its stack after the chain ("ownerstack hop=<i> i= fn=").
 */
static void hungtask_mutex_kmsg(struct hungtask_kmsg_buf *b, unsigned int i,
				const struct hungtask_hop *hop, const char *reason)
{
	const struct hungtask_hop_mutex *m = &hop->mutex;
	char sym[sizeof(m->lock_sym)], note[HUNGTASK_REASON_LEN];

	hungtask_kmsg_line(b, "hop i=%u kind=mutex verified=%d lock=%p lock_sym=\"%s\" owner_flags=%u waiters=%u position=%u ww=%d have_owner=%d owner_offcpu_ns=%llu stack_note=\"%s\" reason=\"%s\"",
			   i, hop->verified, (void *)m->lock,
			   hungtask_kmsg_quote(sym, sizeof(sym), m->lock_sym), m->owner_flags,
			   m->waiters, m->position, m->ww, m->have_owner, m->owner_offcpu_ns,
			   hungtask_kmsg_quote(note, sizeof(note), m->owner_stack_note ?: ""), reason);
	if (m->have_owner) {
		hungtask_kmsg_line(b, "owner hop=%u", i);
		hungtask_kmsg_task(b, &m->owner);
	}
}

static void hungtask_mutex_kmsg_stacks(struct hungtask_kmsg_buf *b, unsigned int i,
				       const struct hungtask_hop *hop)
{
	char head[32];

	if (!hop->mutex.have_owner || !hop->mutex.owner_stack.nr)
		return;
	snprintf(head, sizeof(head), "ownerstack hop=%u", i);
	hungtask_kmsg_stack(b, head, &hop->mutex.owner_stack);
}

static int hungtask_mutex_nl_put(struct hungtask_nlw *w, const struct hungtask_hop *hop)
{
	const struct hungtask_hop_mutex *m = &hop->mutex;
	struct nlattr *nest;
	int err = hungtask_w_nest(w, HUNGTASK_A_HOP_MUTEX, &nest);

	if (err)
		return err;
	err = hungtask_w_u64(w, HUNGTASK_A_HOP_MUTEX_LOCK, m->lock, HUNGTASK_A_HOP_MUTEX_PAD) ||
	      (m->lock_sym[0] && hungtask_w_str(w, HUNGTASK_A_HOP_MUTEX_LOCK_SYM, m->lock_sym)) ||
	      hungtask_w_u32(w, HUNGTASK_A_HOP_MUTEX_OWNER_FLAGS, m->owner_flags) ||
	      hungtask_w_u32(w, HUNGTASK_A_HOP_MUTEX_WAITERS, m->waiters) ||
	      hungtask_w_u32(w, HUNGTASK_A_HOP_MUTEX_POSITION, m->position) ||
	      hungtask_w_u8(w, HUNGTASK_A_HOP_MUTEX_WW, m->ww) ||
	      (m->have_owner && hungtask_put_task(w, HUNGTASK_A_HOP_MUTEX_OWNER, &m->owner)) ||
	      (m->have_owner && m->owner_stack.nr &&
	       hungtask_put_stack(w, HUNGTASK_A_HOP_MUTEX_OWNER_STACK, &m->owner_stack)) ||
	      (m->owner_stack_note &&
	       hungtask_w_str(w, HUNGTASK_A_HOP_MUTEX_OWNER_STACK_NOTE, m->owner_stack_note)) ||
	      hungtask_w_u64(w, HUNGTASK_A_HOP_MUTEX_OWNER_OFFCPU_NS, m->owner_offcpu_ns,
			     HUNGTASK_A_HOP_MUTEX_PAD);
	return hungtask_w_end(w, nest, err);
}

/*
 * Mutex calibration (docs/design-locks.md 4.3): a kthread of ours blocks in
 * mutex_lock() on a mutex we hold; the finder above must find, on
 * its stack, its waiter linked into that mutex's wait_list, the mutex
 * itself, us as the owner, one waiter. Anything else switches mutex hops off.
 * It runs as the kind's init, after the layout is resolved (main.c order).
 */
#define HUNGTASK_MCALIB_POLLS 1000	/* msleep(1) each: a few seconds at most */

struct hungtask_mcalib {
	struct mutex m;
	struct completion started;
};

static int hungtask_mcalib_fn(void *arg)
{
	struct hungtask_mcalib *c = arg;

	complete(&c->started);
	mutex_lock(&c->m);
	mutex_unlock(&c->m);
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

static void hungtask_mutex_calibrate(void)
{
	unsigned long ip = 0, off, size;
	char sym[KSYM_SYMBOL_LEN] = "";
	struct hungtask_mutex_wait mw = {};
	struct hungtask_mcalib c;
	char *plus;
	struct task_struct *k;
	const char *why = NULL;
	unsigned int polls;
	bool found = false;

	mutex_init(&c.m);
	init_completion(&c.started);
	mutex_lock(&c.m);
	k = kthread_run(hungtask_mcalib_fn, &c, "hungtask_mcalib");
	if (IS_ERR(k)) {
		mutex_unlock(&c.m);
		hungtask_layout_off(HUNGTASK_LAYOUT_MUTEX, "calibration: no kthread (%ld)",
				    PTR_ERR(k));
		return;
	}
	wait_for_completion(&c.started);
	/* We sleep here, so it stops spinning on us and sleeps in the mutex. */
	for (polls = 0; polls < HUNGTASK_MCALIB_POLLS; polls++) {
		if (READ_ONCE(k->__state) == TASK_UNINTERRUPTIBLE && !READ_ONCE(k->on_cpu) &&
		    !list_empty(&c.m.wait_list)) {
			rcu_read_lock();
			found = hungtask_mutex_find(k, &mw, &why);
			rcu_read_unlock();
			if (found || !why)
				break;
		}
		msleep(1);
	}
	/* The function whose frame holds the waiter: the mutex wait (design-locks.md 4.3). */
	if (found && !mw.why)
		ip = hungtask_frame_ip_holding(k, mw.waiter);
	if (ip) {
		sprint_symbol(sym, ip);
		plus = strrchr(sym, '+');
		if (plus && sscanf(plus, "+%lx/%lx", &off, &size) == 2 && off < size) {
			hungtask_layout.mutex_wait_fn = ip - off;
			hungtask_layout.mutex_wait_fn_size = size;
		}
	}
	mutex_unlock(&c.m);
	kthread_stop(k);
	if (!found)
		hungtask_layout_off(HUNGTASK_LAYOUT_MUTEX,
				    "calibration: no waiter of our blocked kthread found on its stack%s%s",
				    why ? ": " : "", why ?: "");
	else if (mw.why)
		hungtask_layout_off(HUNGTASK_LAYOUT_MUTEX, "calibration: %s", mw.why);
	else if (mw.lock != (unsigned long)&c.m)
		hungtask_layout_off(HUNGTASK_LAYOUT_MUTEX,
				    "calibration: the waiter's list head is not our mutex");
	else if (hungtask_mutex_owner(mw.owner_word) != (unsigned long)current)
		hungtask_layout_off(HUNGTASK_LAYOUT_MUTEX,
				    "calibration: the owner word does not name us");
	else if (mw.waiters != 1 || mw.position != 1 || mw.ww_ctx)
		hungtask_layout_off(HUNGTASK_LAYOUT_MUTEX,
				    "calibration: %u waiters, position %u, ww_ctx %s; expected 1, 1, none",
				    mw.waiters, mw.position, mw.ww_ctx ? "set" : "none");
	else if (!hungtask_layout.mutex_wait_fn)
		hungtask_layout_off(HUNGTASK_LAYOUT_MUTEX,
				    "calibration: no frame of the blocked kthread holds its waiter (ip %lx)",
				    ip);
	else
		pr_info(HUNGTASK_PR_PREFIX "layout: mutex calibrated: the blocked kthread's waiter is linked in our mutex, owner us, after %u polls; its frame is %s\n",
			polls, sym);
}

/*
 * The same calibration for the other lock kinds (rwsem, semaphore): a
 * kthread of ours blocks on a lock the caller holds; its waiter must be found
 * on its stack, linked in that lock, and the frame holding it gives the text
 * range of the kind's wait function (docs/design-locks.md 4.3).
 */
static int hungtask_wait_calib_fn(void *arg)
{
	struct hungtask_wait_calib *c = arg;

	complete(&c->started);
	c->block(c->arg);
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

/**
 * hungtask_wait_calib_begin() - start a kthread that blocks on a held lock and find it.
 * @c: what to block on (@c->block, @c->arg, @c->shape, @c->lock); on return
 *	@c->why is NULL and @c->fn/@c->fn_size/@c->sym/@c->mw are set, or
 *	@c->why says what did not hold.
 *
 * The caller holds the lock, releases it after this returns, then calls
 * hungtask_wait_calib_end() on the result.
 *
 * Context: process context, may sleep (a few seconds at most).
 * Return: the kthread, or NULL when none could start (@c->why says so).
 */
struct task_struct *hungtask_wait_calib_begin(struct hungtask_wait_calib *c)
{
	unsigned long ip = 0, off, size;
	struct task_struct *k;
	const char *why = NULL;
	unsigned int polls;
	bool found = false;
	char *plus;

	init_completion(&c->started);
	c->why = NULL;
	c->fn = c->fn_size = 0;
	c->sym[0] = 0;
	k = kthread_run(hungtask_wait_calib_fn, c, "hungtask_calib");
	if (IS_ERR(k)) {
		c->why = "calibration: no kthread";
		return NULL;
	}
	wait_for_completion(&c->started);
	for (polls = 0; polls < HUNGTASK_MCALIB_POLLS; polls++) {
		if (READ_ONCE(k->__state) == TASK_UNINTERRUPTIBLE && !READ_ONCE(k->on_cpu)) {
			rcu_read_lock();
			found = hungtask_waiter_find(k, c->shape, &c->mw, &why);
			rcu_read_unlock();
			if (found)
				break;
		}
		msleep(1);
	}
	if (found && !c->mw.why)
		ip = hungtask_frame_ip_holding(k, c->mw.waiter);
	if (ip) {
		sprint_symbol(c->sym, ip);
		plus = strrchr(c->sym, '+');
		if (plus && sscanf(plus, "+%lx/%lx", &off, &size) == 2 && off < size) {
			c->fn = ip - off;
			c->fn_size = size;
		}
	}
	if (!found)
		c->why = "calibration: no waiter of our blocked kthread found on its stack";
	else if (c->mw.why)
		c->why = c->mw.why;
	else if (c->mw.lock != c->lock)
		c->why = "calibration: the waiter's list head is not our lock";
	else if (c->mw.waiters != 1 || c->mw.position != 1)
		c->why = "calibration: not the only waiter at position 1";
	else if (!c->fn)
		c->why = "calibration: no frame of the blocked kthread holds its waiter";
	return k;
}

/**
 * hungtask_wait_calib_end() - stop the kthread of hungtask_wait_calib_begin().
 * @k: its result; NULL is allowed. The lock must have been released.
 *
 * Context: process context, may sleep.
 */
void hungtask_wait_calib_end(struct task_struct *k)
{
	if (k)
		kthread_stop(k);
}

/* The kind's init: calibrate when the layout left mutex hops on; never fails the load. */
static int hungtask_mutex_kind_init(void)
{
	if (!hungtask_layout_on(HUNGTASK_LAYOUT_MUTEX))
		return 0;
	hungtask_mutex_calibrate();
	if (!hungtask_layout_on(HUNGTASK_LAYOUT_MUTEX))
		pr_warn(HUNGTASK_PR_PREFIX "layout: mutex hops off: %s\n",
			hungtask_layout.why[HUNGTASK_LAYOUT_MUTEX]);
	return 0;
}

const struct hungtask_chain_kind hungtask_chain_kind_mutex = {
	.init = hungtask_mutex_kind_init,
	.follow = hungtask_follow_mutex,
	.kmsg = hungtask_mutex_kmsg,
	.kmsg_stacks = hungtask_mutex_kmsg_stacks,
	.nl_put = hungtask_mutex_nl_put,
};
