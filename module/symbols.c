// SPDX-License-Identifier: GPL-2.0
/*
 * Symbols the kernel does not export, resolved once at load.
 *
 * Addresses come from a kprobe registered on the symbol and removed at once
 * (kallsyms_lookup_name() is not exported, and on 6.12 its ENDBR is sealed,
 * so it cannot be called through a pointer). On x86 kernels built with
 * CONFIG_X86_KERNEL_IBT every indirect call must land on an ENDBR64; objtool
 * seals (overwrites with a NOP) the ENDBR of functions whose address is never
 * taken. A function without ENDBR at its entry is therefore never called
 * through a pointer here: the feature that needs it is reported unavailable.
 * QEMU/TCG does not enforce IBT, so hungtask_endbr_ok() is what keeps a real
 * IBT machine from a #CP fault, and the VM test checks its verdicts.
 */
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include <asm/pgtable.h>

#include "compat.h"
#include "internal.h"

struct hungtask_syms hungtask_syms;

static char *fault_seal;
module_param(fault_seal, charp, 0444);
HUNGTASK_FAULT_PARM_DESC(fault_seal, "treat this function as if its ENDBR were sealed");

#define HUNGTASK_ENDBR64 0xfa1e0ff3U	/* f3 0f 1e fa, little endian */

static bool hungtask_is_endbr(unsigned long addr)
{
	u32 insn;

	if (copy_from_kernel_nofault(&insn, (void *)addr, sizeof(insn)))
		return false;
	return insn == HUNGTASK_ENDBR64;
}

/**
 * hungtask_endbr_ok() - may @addr be the target of an indirect call?
 * @addr: entry of a kernel function.
 *
 * Context: any.
 * Return: true on kernels without IBT, or when @addr starts with ENDBR64.
 */
bool hungtask_endbr_ok(unsigned long addr)
{
	if (!IS_ENABLED(CONFIG_X86_KERNEL_IBT))
		return true;
	return hungtask_is_endbr(addr);
}

/*
 * Is @addr in an executable kernel mapping? Kernel and module text are
 * mapped without NX, data and rodata with it. lookup_address() walks
 * init_mm's page tables without locks (it is what set_memory_*() use); the
 * entry it finds is read with copy_from_kernel_nofault() like any memory we
 * do not own.
 */
static bool hungtask_is_exec_mapping(unsigned long addr)
{
	unsigned int level;
	pte_t *ptep, pte;

	ptep = lookup_address(addr, &level);
	if (!ptep || copy_from_kernel_nofault(&pte, ptep, sizeof(pte)))
		return false;
	return pte_present(pte) && pte_exec(pte);
}

/**
 * hungtask_is_func_entry() - is @addr the entry of a kernel function?
 * @addr: a value read from kernel memory, e.g. a work_struct's func.
 *
 * kallsyms also knows data symbols (CONFIG_KALLSYMS_ALL, on in Debian), and
 * resolves any address inside a symbol, so a name alone proves nothing: the
 * address must be the symbol's start ("+0x0/" in sprint_symbol()'s
 * "name+0xoff/0xsize [module]") and lie in executable kernel or module text.
 *
 * Context: any (no locks taken, nothing sleeps).
 * Return: true when @addr is a text symbol at offset 0.
 */
bool hungtask_is_func_entry(unsigned long addr)
{
	char sym[KSYM_SYMBOL_LEN];
	const char *off;

	if (!addr)
		return false;
	sprint_symbol(sym, addr);
	off = strchr(sym, '+');
	if (!off || strncmp(off, "+0x0/", 5))
		return false;
	return hungtask_is_exec_mapping(addr);
}

/*
 * Show, on this very kernel, which values count as a function entry: the VM
 * test reads this line.
 */
static void hungtask_text_selfcheck(void)
{
	unsigned long core = hungtask_syms.wq_barrier_func;
	unsigned long mod = (unsigned long)hungtask_endbr_ok;

#define HUNGTASK_YN(x) ((x) ? "yes" : "no")
	pr_info(HUNGTASK_PR_PREFIX "text self-check: core entry %s, core entry+1 %s, core data %s, module entry %s, module entry+1 %s, module data %s\n",
		HUNGTASK_YN(core && hungtask_is_func_entry(core)),
		HUNGTASK_YN(core && hungtask_is_func_entry(core + 1)),
		HUNGTASK_YN(hungtask_is_func_entry((unsigned long)&system_wq)),
		HUNGTASK_YN(hungtask_is_func_entry(mod)),
		HUNGTASK_YN(hungtask_is_func_entry(mod + 1)),
		HUNGTASK_YN(hungtask_is_func_entry((unsigned long)&hungtask_syms)));
#undef HUNGTASK_YN
}

/* A function we will call indirectly: resolve, then check its entry. */
static unsigned long __maybe_unused hungtask_callable(const char *name, unsigned long addr)
{
	bool sealed = fault_seal && !strcmp(fault_seal, name);

	if (!addr) {
		pr_warn(HUNGTASK_PR_PREFIX "symbol %s not found\n", name);
		return 0;
	}
	if (sealed || !hungtask_endbr_ok(addr)) {
		pr_warn(HUNGTASK_PR_PREFIX
			"%s at %pS has no ENDBR at its entry%s: not calling it (IBT would fault)\n",
			name, (void *)addr, sealed ? " (fault_seal)" : "");
		return 0;
	}
	pr_info(HUNGTASK_PR_PREFIX "callable %s at %pS: %s\n", name, (void *)addr,
		IS_ENABLED(CONFIG_X86_KERNEL_IBT) ? "ENDBR present" : "kernel without IBT");
	return addr;
}

/*
 * The entry of a function, found through a kprobe on it (kallsyms resolves
 * the name; the probe is removed at once). With IBT the kprobe is placed
 * after the entry's ENDBR, or after the NOP that sealed it (6.12's
 * is_endbr() accepts both), so step back over either.
 */
#define HUNGTASK_ENDBR_POISON 0x001f0f66U	/* osp nopl (%rax): a sealed ENDBR */

static unsigned long hungtask_kprobe_lookup(const char *name)
{
	struct kprobe kp = { .symbol_name = name };
	unsigned long addr;
	u32 insn;

	if (register_kprobe(&kp))
		return 0;
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	if (IS_ENABLED(CONFIG_X86_KERNEL_IBT) &&
	    !copy_from_kernel_nofault(&insn, (void *)(addr - 4), sizeof(insn)) &&
	    (insn == HUNGTASK_ENDBR64 || insn == HUNGTASK_ENDBR_POISON))
		addr -= 4;
	return addr;
}

/*
 * On IBT kernels, show that the entry check tells a sealed function from a
 * callable one on this very kernel: wq_barrier_func is address-taken (it
 * keeps its ENDBR), kallsyms_lookup_name is only called directly (sealed on
 * Debian 6.12). The VM test reads this line.
 */
static void hungtask_ibt_selfcheck(void)
{
	unsigned long taken = hungtask_kprobe_lookup("wq_barrier_func");
	unsigned long direct = hungtask_kprobe_lookup("kallsyms_lookup_name");

	if (!IS_ENABLED(CONFIG_X86_KERNEL_IBT))
		return;
	pr_info(HUNGTASK_PR_PREFIX "ibt self-check: wq_barrier_func %s, kallsyms_lookup_name %s\n",
		taken && hungtask_endbr_ok(taken) ? "has ENDBR (callable)" : "has no ENDBR",
		direct && !hungtask_endbr_ok(direct) ? "is sealed (refused)" : "has ENDBR");
}

/**
 * hungtask_symbols_init() - resolve the functions the capture path needs.
 *
 * Nothing here is fatal: a missing stack_trace_save_tsk leaves victim
 * stacks empty (and says so), a missing wq_barrier_func makes flush_work
 * hops unavailable. Data the module needs (sysctls, module taints) comes
 * from procfs and notifiers instead of private symbols, see host.c.
 *
 * Context: process context (registers kprobes), may sleep.
 * Return: 0.
 */
int hungtask_symbols_init(void)
{
#if HUNGTASK_STACK_TRACE_SAVE_TSK_EXPORTED
	if (fault_seal && !strcmp(fault_seal, "stack_trace_save_tsk"))
		pr_warn(HUNGTASK_PR_PREFIX "stack_trace_save_tsk (fault_seal): not calling it\n");
	else
		hungtask_syms.stack_trace_save_tsk = stack_trace_save_tsk;
#else
	hungtask_syms.stack_trace_save_tsk = (void *)hungtask_callable(
		"stack_trace_save_tsk", hungtask_kprobe_lookup("stack_trace_save_tsk"));
#endif
	/*
	 * Not exported: without it other tasks' stacks are read unpinned, and
	 * only the switch-count check of task.c makes those reads sound.
	 */
	hungtask_syms.put_task_stack = (void *)hungtask_callable(
		"put_task_stack", hungtask_kprobe_lookup("put_task_stack"));
	if (!hungtask_syms.put_task_stack)
		pr_info(HUNGTASK_PR_PREFIX "stacks of other tasks are read unpinned, checked by their switch count\n");
	hungtask_ibt_selfcheck();
	/* Compared with stack words, never called. */
	hungtask_syms.wq_barrier_func = hungtask_kprobe_lookup("wq_barrier_func");
	if (!hungtask_syms.wq_barrier_func)
		pr_warn(HUNGTASK_PR_PREFIX "wq_barrier_func not found: flush_work chains unavailable\n");
	else
		pr_info(HUNGTASK_PR_PREFIX "wq_barrier_func at %pS\n",
			(void *)hungtask_syms.wq_barrier_func);
	hungtask_text_selfcheck();
	return 0;
}

void hungtask_symbols_exit(void)
{
	memset(&hungtask_syms, 0, sizeof(hungtask_syms));
}
