// SPDX-License-Identifier: GPL-2.0
/*
 * The kmsg record of an incident: what survives into dmesg, pstore,
 * netconsole and vmcore-dmesg when nothing else does.
 *
 * Format, version 2 (parsed by hungtaskd's kmsg reader; version 1 had one
 * line per stack frame, a line per runqueue entry and raw %px addresses):
 *   hungtask: v2 seq=<n> <record> key=value ...
 * one line per record, each shorter than HUNGTASK_KMSG_LINE_MAX (printk
 * keeps 992 bytes of a line on 6.1 and 1024 on 6.12). Values with spaces
 * are double-quoted; quotes, backslashes and control characters inside are
 * never printed (replaced by '?'). A list is comma-separated: a,b,c or
 * "a","b". Records, in order:
 *   begin, victim, syscall,
 *   hop (one per hop, with the lines of its own its kind adds; each kind's
 *        lines are described in its file, chain_KIND.c),
 *   vstack i=<first> fn=<list>, then the hops' stacks, as their kinds print
 *        them: <record> hop=<i> i=<first> fn=<list>
 *        (several lines when a stack does not fit one; i is the index of the
 *        line's first frame, so a line printed twice changes nothing),
 *   end (hops, truncated, and the host's keys).
 * The chain comes before the stacks: when a record does not fit
 * HUNGTASK_KMSG_REC_MAX, stack frames go first and the end line says
 * truncated=1. Symbols are printed with %pS ("func+0x1/0x2 [module]"),
 * kernel addresses only hashed (%p). Unknown numbers are -1. Readers must
 * ignore keys they do not know.
 *
 * When: never in the probe. The capture formats the record into a staging
 * FIFO (atomic context, no printk) if the volume budget allows, and a work
 * item on system_unbound_wq prints it in process context. A panic notifier
 * prints what is still pending, bounded, before kmsg_dump() hands the log
 * to pstore.
 *
 * Volume: a token bucket of kmsg_budget_bytes that refills at
 * kmsg_budget_bytes per kmsg_budget_window_s. Over any interval of t
 * seconds the module prints at most kmsg_budget_bytes * (1 + t / window)
 * bytes of records (16 KiB, plus 16 KiB per 10 minutes, by default: an
 * eighth of Debian's 128 KiB log buffer), so the kernel's own hung-task
 * report, printed in the same detector pass, is not pushed out of the log
 * buffer by ours. Records over the budget are not printed, only counted
 * (kmsg_suppressed); the next record printed says how many were left out.
 * The incident itself still goes to the ring and to netlink.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/math64.h>
#include <linux/notifier.h>
#include <linux/panic_notifier.h>
#include <linux/printk.h>
#include <linux/sched/clock.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "internal.h"

static unsigned int kmsg_budget_bytes = 16384;
module_param(kmsg_budget_bytes, uint, 0444);
MODULE_PARM_DESC(kmsg_budget_bytes,
		 "kmsg record bytes printed in a burst, and per kmsg_budget_window_s (4096..1048576)");

static unsigned int kmsg_budget_window_s = 600;
module_param(kmsg_budget_window_s, uint, 0444);
MODULE_PARM_DESC(kmsg_budget_window_s, "seconds in which the kmsg budget refills (1..86400)");

static bool fault_kmsg_hold;
module_param(fault_kmsg_hold, bool, 0444);
HUNGTASK_FAULT_PARM_DESC(fault_kmsg_hold,
		 "keep staged kmsg records unprinted until a panic (proves the panic notifier)");

/* Records staged, not yet printed; each at most HUNGTASK_KMSG_REC_MAX bytes. */
#define HUNGTASK_KMSG_SLOTS 8
/* Room the end line (host keys) keeps in every record. */
#define HUNGTASK_KMSG_END_RESERVE 640
/*
 * At panic, at most this many bytes of pending records are printed (whole
 * records, oldest first; the oldest always fits, a record is at most
 * HUNGTASK_KMSG_REC_MAX). pstore's dmesg dump keeps the tail of the log
 * (kmsg_bytes, 10 KiB by default): what we print after the kernel's report
 * must leave room for that report and the panic message (6 KiB here).
 */
#define HUNGTASK_KMSG_PANIC_BYTES 4096

struct hungtask_kmsg_rec {
	u64 seq;
	unsigned int len;	/* bytes of text: lines, each ending in '\n' */
	unsigned int done;	/* bytes of it already printed */
	char text[HUNGTASK_KMSG_REC_MAX];
};

/*
 * hungtask_kmsg_lock protects the FIFO (slots, head, count), the token
 * bucket and the counters. It is never held across printk() except by the
 * panic notifier, which only trylocks it.
 */
static DEFINE_SPINLOCK(hungtask_kmsg_lock);
static struct hungtask_kmsg_rec hungtask_kmsg_fifo[HUNGTASK_KMSG_SLOTS];
static unsigned int hungtask_kmsg_head;
static unsigned int hungtask_kmsg_count;
static u64 hungtask_kmsg_tokens;
static u64 hungtask_kmsg_refill_ms;	/* local_clock() in ms of the last refill */
static u64 hungtask_kmsg_left_out;	/* suppressed since the last staged record */
static struct hungtask_kmsg_stats hungtask_kmsg_st;

/* The record being formatted; the callers serialize (hungtask_capture_lock). */
static struct hungtask_kmsg_rec hungtask_kmsg_scratch;

static void hungtask_kmsg_print_fn(struct work_struct *work);
static DECLARE_WORK(hungtask_kmsg_work, hungtask_kmsg_print_fn);

/* The syscall ABI as the kmsg record names it ("-" for no syscall). */
static const char *hungtask_abi_name(const struct hungtask_incident *inc)
{
	if (inc->syscall_nr < 0)
		return "-";
	switch (inc->syscall_abi) {
	case HUNGTASK_SYSCALL_ABI_X86_64:
		break;
	case HUNGTASK_SYSCALL_ABI_IA32:
		return "ia32";
	case HUNGTASK_SYSCALL_ABI_X32:
		return "x32";
	}
	return "x86_64";
}

/*
 * The coalescing keys of one line: "first_seq=N instance=HEX count=K
 * sample="pid:comm",..." (coalesce.c). At most HUNGTASK_MAX_SAMPLE names:
 * about 280 bytes.
 */
static void hungtask_kmsg_victims(struct hungtask_kmsg_buf *b, const struct hungtask_incident *inc)
{
	char comm[TASK_COMM_LEN];
	unsigned int i;

	hungtask_kmsg_add(b, " first_seq=%llu instance=%016llx count=%u sample=", inc->first_seq,
			  inc->instance_id, inc->victim_count);
	if (!inc->nr_sample)
		hungtask_kmsg_add(b, "\"\"");
	for (i = 0; i < inc->nr_sample && i < HUNGTASK_MAX_SAMPLE; i++)
		hungtask_kmsg_add(b, "%s\"%d:%s\"", i ? "," : "", inc->sample[i].pid,
				  hungtask_kmsg_quote(comm, sizeof(comm), inc->sample[i].comm));
}

/*
 * An incident sent again because victims joined it: one line,
 * "update first_seq=N count=K sample=...", whose seq is the update's.
 */
static void hungtask_kmsg_format_update(const struct hungtask_incident *inc,
					struct hungtask_kmsg_rec *rec)
{
	struct hungtask_kmsg_buf b = {
		.text = rec->text,
		.cap = sizeof(rec->text),
		.seq = inc->seq,
	};

	hungtask_kmsg_line(&b, "update");
	hungtask_kmsg_victims(&b, inc);
	hungtask_kmsg_close(&b);
	rec->seq = inc->seq;
	rec->len = b.len;
	rec->done = 0;
}

/* Format @inc as a v2 record into @rec. Context: any; does not print. */
static void hungtask_kmsg_format(const struct hungtask_incident *inc, struct hungtask_kmsg_rec *rec,
				 u64 left_out)
{
	const struct hungtask_host *h = &inc->host;
	char path[HUNGTASK_PATH_LEN], cgroup[HUNGTASK_CGROUP_LEN];
	char release[sizeof(h->release)], oot[HUNGTASK_OOT_LEN];
	struct hungtask_kmsg_buf b = {
		.text = rec->text,
		.cap = sizeof(rec->text) - HUNGTASK_KMSG_END_RESERVE,
		.seq = inc->seq,
	};
	unsigned int i;

	if (left_out) {
		/* Not a record line: readers skip it; people read it. */
		b.line = b.len;
		hungtask_kmsg_add(&b, HUNGTASK_PR_PREFIX "kmsg budget: %llu record(s) before seq %llu were not printed (budget %u bytes per %u s); netlink and the daemon have them",
				  left_out, inc->seq, kmsg_budget_bytes, kmsg_budget_window_s);
	}
	hungtask_kmsg_line(&b, "begin trigger=%s boot=%s time_ns=%llu capture_ns=%llu victim_ns=%llu tasks_walked=%u walk_truncated=%d",
	  inc->trigger == HUNGTASK_TRIGGER_CPU_HOG ? "cpu_hog" : "hung_task",
	  hungtask_boot_id, inc->detected_ns, inc->capture_ns, inc->victim_ns, inc->tasks_walked,
	  inc->walk_truncated);
	hungtask_kmsg_line(&b, "victim");
	hungtask_kmsg_task(&b, &inc->victim);
	hungtask_kmsg_line(&b, "victims");
	hungtask_kmsg_victims(&b, inc);
	hungtask_kmsg_line(&b, "syscall blocked_s=%lu nr=%ld abi=%s args=0x%lx,0x%lx,0x%lx,0x%lx,0x%lx,0x%lx path=\"%s\" cgroup=\"%s\"",
	  inc->blocked_s, inc->syscall_nr, hungtask_abi_name(inc), inc->syscall_args[0],
	  inc->syscall_args[1], inc->syscall_args[2], inc->syscall_args[3], inc->syscall_args[4],
	  inc->syscall_args[5], hungtask_kmsg_quote(path, sizeof(path), inc->path),
	  hungtask_kmsg_quote(cgroup, sizeof(cgroup), inc->cgroup));
	if (inc->stack_note[0]) {
		char note[HUNGTASK_REASON_LEN];

		hungtask_kmsg_line(&b, "stack_note text=\"%s\"",
				   hungtask_kmsg_quote(note, sizeof(note), inc->stack_note));
	}
	for (i = 0; i < inc->nr_hops; i++)
		hungtask_chain_kmsg(&b, i, &inc->hops[i]);
	hungtask_kmsg_stack(&b, "vstack", &inc->victim_stack);
	for (i = 0; i < inc->nr_hops; i++)
		hungtask_chain_kmsg_stacks(&b, i, &inc->hops[i]);

	/* The end line has its own reserve: it is always there. */
	b.cap = sizeof(rec->text);
	hungtask_kmsg_line(&b, "end hops=%u truncated=%d release=\"%s\" preempt=%s watchdog=%ld softlockup_panic=%ld watchdog_thresh=%ld hung_task_timeout_secs=%ld hung_task_panic=%ld taint=0x%lx sysctl_age_ms=%llu oot=\"%s\"",
	  inc->nr_hops, b.truncated, hungtask_kmsg_quote(release, sizeof(release), h->release),
	  h->preempt ?: "unknown", h->watchdog, h->softlockup_panic, h->watchdog_thresh,
	  h->hung_task_timeout_secs, h->hung_task_panic, h->taint,
	  div_u64(local_clock() - h->refreshed_ns, NSEC_PER_MSEC),
	  hungtask_kmsg_quote(oot, sizeof(oot), h->oot_modules));
	hungtask_kmsg_close(&b);
	rec->seq = inc->seq;
	rec->len = b.len;
	rec->done = 0;
}

/* Refill the token bucket. Caller holds hungtask_kmsg_lock. */
static void hungtask_kmsg_refill(void)
{
	u64 now_ms = div_u64(local_clock(), NSEC_PER_MSEC);
	u64 window_ms = (u64)kmsg_budget_window_s * MSEC_PER_SEC;
	u64 elapsed = now_ms - hungtask_kmsg_refill_ms;

	if (elapsed > window_ms)
		elapsed = window_ms;
	hungtask_kmsg_tokens += div64_u64(elapsed * kmsg_budget_bytes, window_ms);
	if (hungtask_kmsg_tokens > kmsg_budget_bytes)
		hungtask_kmsg_tokens = kmsg_budget_bytes;
	hungtask_kmsg_refill_ms = now_ms;
}

static bool hungtask_kmsg_stage_rec(const struct hungtask_incident *inc, bool update);

/**
 * hungtask_kmsg_stage() - format the record of @inc for printing later.
 * @inc: a committed incident (it has its seq).
 *
 * Does not print: the record goes to the staging FIFO when the volume budget
 * and a free slot allow, and a work item prints it in process context.
 * Otherwise it is counted as suppressed.
 *
 * Context: atomic allowed (the probe); callers serialize (they hold
 * hungtask_capture_lock), because the record is formatted in one scratch
 * buffer.
 * Return: true when staged.
 */
bool hungtask_kmsg_stage(const struct hungtask_incident *inc)
{
	return hungtask_kmsg_stage_rec(inc, false);
}

/**
 * hungtask_kmsg_stage_update() - stage the one-line update record of @inc.
 * @inc: an incident sent again with more victims (hungtask_ring_next_update()).
 *
 * Within the same budget as hungtask_kmsg_stage(), and with its context.
 * Return: true when staged.
 */
bool hungtask_kmsg_stage_update(const struct hungtask_incident *inc)
{
	return hungtask_kmsg_stage_rec(inc, true);
}

static bool hungtask_kmsg_stage_rec(const struct hungtask_incident *inc, bool update)
{
	struct hungtask_kmsg_rec *rec = &hungtask_kmsg_scratch;
	unsigned long flags;
	bool staged = false;
	u64 left_out;

	spin_lock_irqsave(&hungtask_kmsg_lock, flags);
	hungtask_kmsg_refill();
	left_out = hungtask_kmsg_left_out;
	/* Cheap refusals first: no formatting when the record cannot go out. */
	if (hungtask_kmsg_count == HUNGTASK_KMSG_SLOTS || !hungtask_kmsg_tokens) {
		hungtask_kmsg_left_out++;
		hungtask_kmsg_st.suppressed++;
		spin_unlock_irqrestore(&hungtask_kmsg_lock, flags);
		return false;
	}
	spin_unlock_irqrestore(&hungtask_kmsg_lock, flags);

	if (update) {
		hungtask_kmsg_format_update(inc, rec);
		left_out = 0;	/* its note goes with the next full record */
	} else {
		hungtask_kmsg_format(inc, rec, left_out);
	}

	spin_lock_irqsave(&hungtask_kmsg_lock, flags);
	if (hungtask_kmsg_count < HUNGTASK_KMSG_SLOTS && hungtask_kmsg_tokens >= rec->len) {
		struct hungtask_kmsg_rec *slot = &hungtask_kmsg_fifo[(hungtask_kmsg_head +
								      hungtask_kmsg_count) %
								     HUNGTASK_KMSG_SLOTS];

		slot->seq = rec->seq;
		slot->len = rec->len;
		slot->done = 0;
		memcpy(slot->text, rec->text, rec->len);
		hungtask_kmsg_count++;
		hungtask_kmsg_tokens -= rec->len;
		hungtask_kmsg_left_out -= min(hungtask_kmsg_left_out, left_out);
		hungtask_kmsg_st.staged++;
		hungtask_kmsg_st.bytes += rec->len;
		staged = true;
	} else {
		hungtask_kmsg_left_out++;
		hungtask_kmsg_st.suppressed++;
	}
	spin_unlock_irqrestore(&hungtask_kmsg_lock, flags);
	if (staged)
		queue_work(system_unbound_wq, &hungtask_kmsg_work);
	return staged;
}

/*
 * The printer. One line at a time: copy it under the lock, print it without
 * the lock, then mark it done if nobody (the panic notifier) did meanwhile.
 * A panic between the print and the mark prints that line once more, which
 * readers tolerate (a line printed twice changes nothing).
 * Context: process (work item; never runs concurrently with itself).
 */
static void hungtask_kmsg_print_fn(struct work_struct *work)
{
	static char line[HUNGTASK_KMSG_LINE_MAX + 1];

	if (fault_kmsg_hold)
		return;
	for (;;) {
		struct hungtask_kmsg_rec *rec;
		unsigned long flags;
		unsigned int done, n;
		const char *nl;
		u64 seq;

		spin_lock_irqsave(&hungtask_kmsg_lock, flags);
		if (!hungtask_kmsg_count) {
			spin_unlock_irqrestore(&hungtask_kmsg_lock, flags);
			return;
		}
		rec = &hungtask_kmsg_fifo[hungtask_kmsg_head];
		seq = rec->seq;
		done = rec->done;
		nl = memchr(rec->text + done, '\n', rec->len - done);
		n = nl ? nl - (rec->text + done) : rec->len - done;
		n = min_t(unsigned int, n, HUNGTASK_KMSG_LINE_MAX);
		memcpy(line, rec->text + done, n);
		line[n] = '\0';
		spin_unlock_irqrestore(&hungtask_kmsg_lock, flags);

		pr_info("%s\n", line);

		spin_lock_irqsave(&hungtask_kmsg_lock, flags);
		rec = &hungtask_kmsg_fifo[hungtask_kmsg_head];
		if (hungtask_kmsg_count && rec->seq == seq && rec->done == done) {
			rec->done = min(rec->len, done + n + 1);
			if (rec->done == rec->len) {
				hungtask_kmsg_head = (hungtask_kmsg_head + 1) % HUNGTASK_KMSG_SLOTS;
				hungtask_kmsg_count--;
				hungtask_kmsg_st.printed++;
			}
		}
		spin_unlock_irqrestore(&hungtask_kmsg_lock, flags);
		cond_resched();
	}
}

/* Whether @rec is a cpu_hog record (its begin line says trigger=cpu_hog). */
static bool hungtask_kmsg_rec_is_hog(const struct hungtask_kmsg_rec *rec)
{
	static const char key[] = " trigger=cpu_hog ";
	const char *nl = memchr(rec->text, '\n', rec->len);
	unsigned int first = nl ? nl - rec->text : rec->len;

	return strnstr(rec->text, key, first) != NULL;
}

/*
 * Panic: print the records still pending, so that pstore keeps them.
 *
 * panic() runs the panic notifiers before kmsg_dump(KMSG_DUMP_PANIC) hands
 * the log to pstore, on 6.1 and 6.12 alike (kernel/panic.c). With
 * crash_kexec_post_notifiers off and a crash kernel loaded, __crash_kexec()
 * comes first and this never runs; vmcore then holds the module's ring.
 * The other CPUs are stopped by then: if one of them held our lock, the
 * records cannot be read safely, and we say so instead.
 * Context: panic (one CPU, interrupts off); bounded by
 * HUNGTASK_KMSG_PANIC_BYTES.
 */
static int hungtask_kmsg_panic(struct notifier_block *nb, unsigned long event, void *msg)
{
	unsigned int budget = HUNGTASK_KMSG_PANIC_BYTES, left = 0, i;
	unsigned long flags;
	int pass;

	if (!spin_trylock_irqsave(&hungtask_kmsg_lock, flags)) {
		pr_info(HUNGTASK_PR_PREFIX "panic: pending kmsg records not printed: their lock is held by a stopped CPU\n");
		return NOTIFY_DONE;
	}
	/*
	 * Hung-task records first, then the hog sampler's (each pass oldest
	 * first): a hung-task panic's own victim and chain matter most, and the
	 * hog's early report may otherwise take the whole budget.
	 */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < hungtask_kmsg_count; i++) {
			struct hungtask_kmsg_rec *rec =
				&hungtask_kmsg_fifo[(hungtask_kmsg_head + i) % HUNGTASK_KMSG_SLOTS];
			unsigned int rest = rec->len - rec->done;

			if (!rest || hungtask_kmsg_rec_is_hog(rec) != (pass == 1) || rest > budget)
				continue;
			while (rec->done < rec->len) {
				const char *p = rec->text + rec->done;
				const char *nl = memchr(p, '\n', rec->len - rec->done);
				unsigned int n = nl ? nl - p : rec->len - rec->done;

				pr_info("%.*s\n", (int)n, p);
				rec->done = min(rec->len, rec->done + n + 1);
			}
			budget -= rest;
			hungtask_kmsg_st.printed++;
			hungtask_kmsg_st.panic_printed++;
		}
	}
	/* Nothing runs after a panic: the queue is only counted, not compacted. */
	for (i = 0; i < hungtask_kmsg_count; i++)
		if (hungtask_kmsg_fifo[(hungtask_kmsg_head + i) % HUNGTASK_KMSG_SLOTS].done <
		    hungtask_kmsg_fifo[(hungtask_kmsg_head + i) % HUNGTASK_KMSG_SLOTS].len)
			left++;
	spin_unlock_irqrestore(&hungtask_kmsg_lock, flags);
	if (left)
		pr_info(HUNGTASK_PR_PREFIX "panic: %u pending kmsg record(s) not printed, to leave pstore room for the kernel's own report\n",
			left);
	return NOTIFY_DONE;
}

static struct notifier_block hungtask_kmsg_panic_nb = {
	.notifier_call = hungtask_kmsg_panic,
};

/**
 * hungtask_kmsg_stats() - the kmsg counters, for the status output.
 * @st: filled with a copy of the counters.
 *
 * Context: any.
 */
void hungtask_kmsg_stats(struct hungtask_kmsg_stats *st)
{
	unsigned long flags;

	spin_lock_irqsave(&hungtask_kmsg_lock, flags);
	hungtask_kmsg_refill();
	*st = hungtask_kmsg_st;
	st->pending = hungtask_kmsg_count;
	st->tokens = hungtask_kmsg_tokens;
	st->budget_bytes = kmsg_budget_bytes;
	st->budget_window_s = kmsg_budget_window_s;
	spin_unlock_irqrestore(&hungtask_kmsg_lock, flags);
}

/**
 * hungtask_kmsg_init() - check the budget and register the panic notifier.
 *
 * Context: process context.
 * Return: 0, or -EINVAL for a budget out of range.
 */
int hungtask_kmsg_init(void)
{
	if (kmsg_budget_bytes < 4096 || kmsg_budget_bytes > 1048576 ||
	    kmsg_budget_window_s < 1 || kmsg_budget_window_s > 86400) {
		pr_err(HUNGTASK_PR_PREFIX "kmsg_budget_bytes=%u (4096..1048576) or kmsg_budget_window_s=%u (1..86400) out of range\n",
		       kmsg_budget_bytes, kmsg_budget_window_s);
		return -EINVAL;
	}
	hungtask_kmsg_tokens = kmsg_budget_bytes;
	hungtask_kmsg_refill_ms = div_u64(local_clock(), NSEC_PER_MSEC);
	atomic_notifier_chain_register(&panic_notifier_list, &hungtask_kmsg_panic_nb);
	return 0;
}

/**
 * hungtask_kmsg_exit() - print what is pending and unregister the notifier.
 *
 * Call after the hook is gone (nothing stages any more).
 * Context: process context; sleeps while the printer finishes.
 */
void hungtask_kmsg_exit(void)
{
	flush_work(&hungtask_kmsg_work);
	atomic_notifier_chain_unregister(&panic_notifier_list, &hungtask_kmsg_panic_nb);
}
