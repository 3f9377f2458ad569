// SPDX-License-Identifier: GPL-2.0
/*
 * The victim: who is stuck, since when, in which syscall, on which path.
 */
#include <linux/cgroup.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/pid.h>
#include <linux/sched/task_stack.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/ptrace.h>
#include <asm/syscall.h>
#include <asm/unistd.h>

#include "internal.h"

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
static int hungtask_path_arg_x86_64(long nr)
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

/* The same for an ia32 (i386 table) syscall. */
static int hungtask_path_arg_ia32(long nr)
{
	switch (nr) {
	case 5: case 8: case 9: case 10: case 11: case 12: case 14: case 15: case 16:
	case 18: case 22: case 30: case 33: case 38: case 39: case 40: case 52: case 61:
	case 84: case 85: case 87: case 92: case 99: case 106: case 107: case 115:
	case 182: case 193: case 195: case 196: case 198: case 212: case 217: case 268:
	case 271:
		return 0;	/* open creat link unlink execve chdir mknod chmod lchown
				 * oldstat umount utime access rename mkdir rmdir umount2
				 * chroot oldlstat readlink swapon truncate statfs stat
				 * lstat swapoff chown truncate64 stat64 lstat64 lchown32
				 * chown32 pivot_root statfs64 utimes */
	case 21: case 83:
		return 1;	/* mount(dev, dir), symlink(target, linkpath) */
	case 295: case 296: case 297: case 298: case 299: case 300: case 301: case 302:
	case 303: case 305: case 306: case 307: case 320: case 353: case 358: case 383:
	case 437: case 439:
		return 1;	/* the *at() family, execveat, statx, openat2, faccessat2 */
	case 304:
		return 2;	/* symlinkat(target, newdfd, linkpath) */
	default:
		return -1;
	}
}

/* The same for an x32 syscall (number without __X32_SYSCALL_BIT). */
static int hungtask_path_arg_x32(long nr)
{
	switch (nr) {
	case 520:
		return 0;	/* execve */
	case 545:
		return 1;	/* execveat */
	default:
		/* Below 512 x32 shares the x86_64 numbers. */
		return nr < 512 ? hungtask_path_arg_x86_64(nr) : -1;
	}
}

static int hungtask_path_arg(enum hungtask_syscall_abi abi, long nr)
{
	switch (abi) {
	case HUNGTASK_SYSCALL_ABI_X86_64:
		break;
	case HUNGTASK_SYSCALL_ABI_IA32:
		return hungtask_path_arg_ia32(nr);
	case HUNGTASK_SYSCALL_ABI_X32:
		return hungtask_path_arg_x32(nr);
	}
	return hungtask_path_arg_x86_64(nr);
}

/*
 * The ABI of the syscall a blocked user task is in, from its saved state:
 * TS_COMPAT is set at a 32-bit syscall entry and cleared only on the way
 * back to user mode (arch_exit_to_user_mode_prepare()); x32 syscalls enter
 * the 64-bit path with __X32_SYSCALL_BIT in the number (orig_ax). Both
 * facts, and syscall_get_arguments() choosing the registers by TS_COMPAT,
 * are the same on 6.1 and 6.12.
 */
static enum hungtask_syscall_abi hungtask_syscall_abi(struct task_struct *t,
						      const struct pt_regs *regs)
{
	if (IS_ENABLED(CONFIG_IA32_EMULATION) && (READ_ONCE(t->thread_info.status) & TS_COMPAT))
		return HUNGTASK_SYSCALL_ABI_IA32;
	if (regs->orig_ax & __X32_SYSCALL_BIT)
		return HUNGTASK_SYSCALL_ABI_X32;
	return HUNGTASK_SYSCALL_ABI_X86_64;
}

static void hungtask_cgroup_of(struct task_struct *t, char *out, size_t len)
{
	struct cgroup *cgrp = task_dfl_cgroup(t);

	if (!cgrp || cgroup_path(cgrp, out, len) < 0)
		out[0] = '\0';
}

/**
 * hungtask_victim_snap() - snapshot the hung task itself.
 * @ctx: the capture in progress; its incident receives the snapshot.
 * @victim: the hung task.
 *
 * Context: atomic, under rcu_read_lock().
 */
void hungtask_victim_snap(struct hungtask_ctx *ctx, struct task_struct *victim)
{
	struct hungtask_incident *inc = ctx->inc;
	struct pt_regs regs;
	const char *why;
	int arg;

	hungtask_snap_task(victim, &inc->victim);
	inc->blocked_s = (jiffies - READ_ONCE(victim->last_switch_time)) / HZ;
	hungtask_stack_of(victim, &inc->victim_stack, &why);
	if (why)
		hungtask_stack_note(ctx, victim, why);
	hungtask_cgroup_of(victim, inc->cgroup, sizeof(inc->cgroup));

	inc->syscall_nr = -1;
	if (victim->flags & PF_KTHREAD)
		return;
	if (copy_from_kernel_nofault(&regs, task_pt_regs(victim), sizeof(regs)))
		return;
	/* -1: not in a syscall (e.g. a page fault); it also has the x32 bit set. */
	if ((long)regs.orig_ax < 0)
		return;
	inc->syscall_abi = hungtask_syscall_abi(victim, &regs);
	switch (inc->syscall_abi) {
	case HUNGTASK_SYSCALL_ABI_IA32:
		inc->syscall_nr = (int)regs.orig_ax;	/* as syscall_32_enter() takes it */
		break;
	case HUNGTASK_SYSCALL_ABI_X32:
		inc->syscall_nr = (long)(regs.orig_ax & ~__X32_SYSCALL_BIT);
		break;
	case HUNGTASK_SYSCALL_ABI_X86_64:
		inc->syscall_nr = (long)regs.orig_ax;
		break;
	}
	/* ia32: bx, cx, dx, si, di, bp; x86_64 and x32: di, si, dx, r10, r8, r9. */
	syscall_get_arguments(victim, &regs, inc->syscall_args);
	arg = hungtask_path_arg(inc->syscall_abi, inc->syscall_nr);
	if (arg >= 0 && inc->syscall_args[arg]) {
		struct hungtask_path_search ps = {
			.uarg = inc->syscall_args[arg], .out = inc->path, .len = sizeof(inc->path),
		};

		hungtask_stack_scan(victim, hungtask_filename_matches, &ps, &why);
		if (why) {
			inc->path[0] = '\0';
			hungtask_stack_note(ctx, victim, why);
		}
	}
}
