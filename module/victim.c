// SPDX-License-Identifier: GPL-2.0
/*
 * The victim: who is stuck, since when, in which syscall, on which path.
 */
#include <linux/cgroup.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/sched/task_stack.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/ptrace.h>

#include "internal.h"

/**
 * hungtask_stack_of() - the kernel stack of a task that is not running.
 *
 * Context: atomic; uses the unwinder on a sleeping task's stack.
 */
void hungtask_stack_of(struct task_struct *t, struct hungtask_stack *st)
{
	st->nr = 0;
	if (hungtask_syms.stack_trace_save_tsk)
		st->nr = hungtask_syms.stack_trace_save_tsk(t, st->frames, HUNGTASK_MAX_FRAMES, 0);
}

/**
 * hungtask_stack_scan() - visit the words of a sleeping task's kernel stack.
 * @t: the task, not running (its saved sp is meaningful).
 * @match: called for each word, from the saved sp to the top of the stack,
 *	with the word's address and value; returns true to stop.
 * @arg: passed to @match.
 *
 * Reads the stack fault-safely, in chunks, and never beyond THREAD_SIZE.
 *
 * Context: atomic allowed.
 * Return: the address of the word @match stopped at, or 0.
 */
unsigned long hungtask_stack_scan(struct task_struct *t,
				  bool (*match)(unsigned long addr, unsigned long word, void *arg),
				  void *arg)
{
	unsigned long base = (unsigned long)task_stack_page(t);
	unsigned long sp = READ_ONCE(t->thread.sp);
	unsigned long words[32];
	unsigned long addr;
	unsigned int i;

	if (!base || sp < base || sp >= base + THREAD_SIZE)
		return 0;
	for (addr = sp & ~(sizeof(long) - 1); addr < base + THREAD_SIZE; addr += sizeof(words)) {
		size_t chunk = min_t(size_t, sizeof(words), base + THREAD_SIZE - addr);

		if (copy_from_kernel_nofault(words, (void *)addr, chunk))
			return 0;
		for (i = 0; i < chunk / sizeof(long); i++)
			if (match(addr + i * sizeof(long), words[i], arg))
				return addr + i * sizeof(long);
	}
	return 0;
}

struct hungtask_path_search {
	unsigned long uarg;
	char *out;
	size_t len;
};

/*
 * The kernel keeps its own copy of a path argument in a struct filename
 * (getname()), whose uptr is the user pointer the syscall got. A pointer to it
 * sits on the victim's stack. getname() puts the struct at the start of a
 * PATH_MAX names_cache object, so it is page aligned (names too long for that
 * live elsewhere and are not searched). Every read is fault-safe; a match is
 * checked, never assumed.
 */
static bool hungtask_filename_matches(unsigned long addr, unsigned long word, void *arg)
{
	struct hungtask_path_search *ps = arg;
	struct filename fn;
	size_t got;

	if (word & ~PAGE_MASK || !virt_addr_valid((void *)word))
		return false;
	if (copy_from_kernel_nofault(&fn, (void *)word, sizeof(fn)))
		return false;
	if ((unsigned long)fn.uptr != ps->uarg || !fn.name)
		return false;
	/* Read the name in small pieces: it may end near a page end. */
	for (got = 0; got < ps->len - 1; got += 16) {
		size_t n = min_t(size_t, 16, ps->len - 1 - got);

		if (copy_from_kernel_nofault(ps->out + got, fn.name + got, n))
			break;
		if (memchr(ps->out + got, '\0', n))
			break;
	}
	ps->out[ps->len - 1] = '\0';
	return ps->out[0] != '\0';
}

/*
 * Which argument of an x86_64 syscall is a path (the first path, for the
 * two-path ones): -1 when none. Only these get the stack search.
 */
static int hungtask_path_arg(long nr)
{
	switch (nr) {
	case 2: case 4: case 6: case 21: case 59: case 76: case 80: case 82: case 83:
	case 84: case 85: case 86: case 87: case 89: case 90: case 92: case 94:
	case 132: case 133: case 137: case 155: case 161: case 166: case 167: case 168:
		return 0;	/* open stat lstat access execve truncate chdir rename mkdir
				 * rmdir creat link unlink readlink chmod chown lchown utime
				 * mknod statfs pivot_root chroot umount2 swapon swapoff */
	case 88: case 165:
		return 1;	/* symlink(target, linkpath), mount(dev, dir) */
	case 257: case 258: case 259: case 260: case 261: case 262: case 263: case 264:
	case 265: case 267: case 268: case 269: case 280: case 316: case 322: case 332:
	case 437: case 439:
		return 1;	/* the *at() family, execveat, statx, openat2, faccessat2 */
	case 266:
		return 2;	/* symlinkat(target, newdfd, linkpath) */
	default:
		return -1;
	}
}

static void hungtask_cgroup_of(struct task_struct *t, char *out, size_t len)
{
	struct cgroup *cgrp = task_dfl_cgroup(t);

	if (!cgrp || cgroup_path(cgrp, out, len) < 0)
		out[0] = '\0';
}

/**
 * hungtask_victim_snap() - snapshot the hung task itself.
 *
 * Context: atomic, under rcu_read_lock().
 */
void hungtask_victim_snap(struct hungtask_ctx *ctx, struct task_struct *victim)
{
	struct hungtask_incident *inc = ctx->inc;
	struct pt_regs regs;
	int arg;

	hungtask_snap_task(ctx, victim, &inc->victim);
	inc->blocked_s = (jiffies - READ_ONCE(victim->last_switch_time)) / HZ;
	hungtask_stack_of(victim, &inc->victim_stack);
	hungtask_cgroup_of(victim, inc->cgroup, sizeof(inc->cgroup));

	inc->syscall_nr = -1;
	if (victim->flags & PF_KTHREAD)
		return;
	if (copy_from_kernel_nofault(&regs, task_pt_regs(victim), sizeof(regs)))
		return;
	inc->syscall_nr = (long)regs.orig_ax;
	inc->syscall_args[0] = regs.di;
	inc->syscall_args[1] = regs.si;
	inc->syscall_args[2] = regs.dx;
	inc->syscall_args[3] = regs.r10;
	inc->syscall_args[4] = regs.r8;
	inc->syscall_args[5] = regs.r9;
	arg = hungtask_path_arg(inc->syscall_nr);
	if (arg >= 0 && inc->syscall_args[arg]) {
		struct hungtask_path_search ps = {
			.uarg = inc->syscall_args[arg], .out = inc->path, .len = sizeof(inc->path),
		};

		hungtask_stack_scan(victim, hungtask_filename_matches, &ps);
	}
}
