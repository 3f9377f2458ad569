/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hungtask: internal interfaces of the module, one prototype section per file.
 *
 * An incident is a fixed-size record: everything the capture path finds is
 * copied into it, so that nothing in it points to memory that may go away.
 * Kernel addresses are kept raw and symbolized when printed.
 */
#ifndef HUNGTASK_INTERNAL_H
#define HUNGTASK_INTERNAL_H

#include <linux/sched.h>
#include <linux/types.h>

/* The protocol's enums (trigger, hop kind, ...), generated from proto/hungtask.yaml. */
#include "hungtask.h"

#define HUNGTASK_PR_PREFIX "hungtask: "
/* kmsg record: "hungtask: v1 seq=N <kind> key=value..." (parsed by hungtaskd). */
#define HUNGTASK_KMSG_VERSION 1

#define HUNGTASK_MAX_FRAMES 32
#define HUNGTASK_MAX_HOPS 8
#define HUNGTASK_MAX_RUNQ 8
#define HUNGTASK_REASON_LEN 96
#define HUNGTASK_NAME_LEN 32
#define HUNGTASK_PATH_LEN 256
#define HUNGTASK_CGROUP_LEN 128
#define HUNGTASK_OOT_LEN 256

/* What a task looked like at capture time. Times are in ns. */
struct hungtask_task_snap {
	pid_t pid;
	pid_t tgid;
	char comm[TASK_COMM_LEN];
	char state;		/* task_state_to_char() */
	unsigned int flags;	/* PF_* */
	int cpu;		/* task_cpu() */
	int on_cpu;
	int on_rq;
	int policy;
	int prio;
	bool kthread;
	unsigned long threadfn;	/* kthread function, 0 when unknown */
	u64 sum_exec_runtime;
	u64 since_arrival_ns;	/* now - sched_info.last_arrival */
	u64 queued_ns;		/* now - sched_info.last_queued, 0 when not queued */
	u64 run_delay_ns;
	unsigned long nvcsw;
	unsigned long nivcsw;
};

struct hungtask_stack {
	unsigned int nr;
	unsigned long frames[HUNGTASK_MAX_FRAMES];
};

#define HUNGTASK_HOP_KINDS __HUNGTASK_HOP_KIND_MAX

struct hungtask_hop_flush_work {
	unsigned long barrier;
	unsigned long pwq;
	unsigned long pool;
	int pool_cpu;		/* -1: unbound pool */
	int pool_id;
	char wq_name[HUNGTASK_NAME_LEN]; /* "" when not known */
	unsigned long target;	/* the flushed work_struct */
	unsigned long target_func;
	bool target_running;	/* executing now (barrier on worker->scheduled) */
	pid_t executing_pid;	/* running case: the worker executing it */
};

struct hungtask_hop_worker {
	struct hungtask_task_snap task;
	bool pool_member_verified;
	bool runs_target;	/* it executes the target (or its earlier instance) now */
};

struct hungtask_hop_cpu {
	int cpu;
	bool have_hog;
	struct hungtask_task_snap hog;
	struct hungtask_stack hog_stack;	/* taken on that CPU by IPI */
	const char *hog_stack_note;		/* why there is no stack */
	u64 ipi_ns;				/* time waited for the stack IPI */
	const char *hog_source;		/* "ipi" (current on that CPU) or "walk" */
	unsigned int nr_runq;
	unsigned int runq_total;
	unsigned int runq_walked;
	bool runq_truncated;		/* runq_walk_max reached */
	struct {
		pid_t pid;
		char comm[TASK_COMM_LEN];
		char state;
		u64 queued_ns;
	} runq[HUNGTASK_MAX_RUNQ];
};

struct hungtask_hop {
	enum hungtask_hop_kind kind;
	bool verified;
	char reason[HUNGTASK_REASON_LEN];	/* why not verified, or a note */
	union {
		struct hungtask_hop_flush_work flush;
		struct hungtask_hop_worker worker;
		struct hungtask_hop_cpu cpu;
	};
};

/* Host context; -1 means unknown (symbol not resolved). */
struct hungtask_host {
	char release[65];
	const char *preempt;
	long watchdog;
	long softlockup_panic;
	long watchdog_thresh;
	long hung_task_timeout_secs;
	long hung_task_panic;
	unsigned long taint;
	char oot_modules[HUNGTASK_OOT_LEN];
	u64 refreshed_ns;	/* local_clock() of the sysctl read */
};

struct hungtask_incident {
	u64 seq;
	u64 instance_id;	/* hungtask_instance_id, set by hungtask_ring_commit() */
	u64 detected_ns;	/* ktime_get_real_ns() */
	u64 capture_ns;		/* time spent capturing, measured here */
	u64 victim_ns;		/* of which: the victim snapshot */
	u32 repeats;		/* further detector reports of the same episode */
	enum hungtask_trigger trigger;
	struct hungtask_task_snap victim;
	unsigned long switch_count;	/* nvcsw + nivcsw: the episode key */
	unsigned long blocked_s;
	struct hungtask_stack victim_stack;
	long syscall_nr;	/* -1: kernel thread or unknown */
	unsigned long syscall_args[6];
	char path[HUNGTASK_PATH_LEN];		/* path argument, "" when none */
	char cgroup[HUNGTASK_CGROUP_LEN];
	unsigned int nr_hops;
	struct hungtask_hop hops[HUNGTASK_MAX_HOPS];
	struct hungtask_host host;
	unsigned int tasks_walked;
	bool walk_truncated;
};

/* Capture context: the incident being filled and the clock of this pass. */
struct hungtask_ctx {
	struct hungtask_incident *inc;
	u64 now_ns;		/* sched_clock_cpu() of this CPU, for sched_info ages */
};

/* hook.c: the sched_process_hang trace point. */
int hungtask_hook_init(void);
void hungtask_hook_exit(void);

/* symbols.c: symbols the kernel does not export, resolved at load. */
struct hungtask_syms {
	unsigned int (*stack_trace_save_tsk)(struct task_struct *task, unsigned long *store,
					     unsigned int size, unsigned int skipnr);
	unsigned long wq_barrier_func;
};
extern struct hungtask_syms hungtask_syms;
int hungtask_symbols_init(void);
void hungtask_symbols_exit(void);
bool hungtask_endbr_ok(unsigned long addr);

/* ring.c: the incident ring and the episode table. */
int hungtask_ring_init(void);
void hungtask_ring_exit(void);
bool hungtask_ring_coalesce(pid_t pid, unsigned long switch_count);
int hungtask_ring_commit(struct hungtask_incident *inc);
struct hungtask_counters {
	u64 captured;
	u64 coalesced;
	u64 dropped_full;
	u64 dropped_busy;
	u32 ring_fill;
	u32 ring_size;
	u32 unacked;	/* slots holding an incident user space has not acked */
};
void hungtask_ring_counters(struct hungtask_counters *c);
void hungtask_ring_count_busy(void);
int hungtask_ring_get_from(u64 seq, struct hungtask_incident *out);
int hungtask_ring_ack(u64 seq);
void hungtask_ring_seq_range(u64 *first, u64 *last);
unsigned int hungtask_ring_generation(void);
extern char hungtask_boot_id[37];
extern u64 hungtask_instance_id;

/* capture.c: one incident from one hung task; switches set over netlink. */
extern bool hungtask_cfg_capture;
extern bool hungtask_cfg_kmsg;
int hungtask_capture_init(void);
void hungtask_capture_exit(void);
void hungtask_capture_hung(struct task_struct *victim);
void hungtask_snap_task(struct hungtask_ctx *ctx, struct task_struct *t,
			struct hungtask_task_snap *snap);
struct hungtask_hop *hungtask_hop_add(struct hungtask_ctx *ctx, enum hungtask_hop_kind kind);
void hungtask_reason(struct hungtask_hop *hop, const char *why);

/*
 * Chain followers: each explains why a task waits and may name the next task
 * to follow. A new kind of hop is one more file with one more follower.
 */
struct hungtask_follower {
	const char *name;
	/* Return true when it explained @t; *next is the task to follow, or NULL. */
	bool (*follow)(struct hungtask_ctx *ctx, struct task_struct *t, struct task_struct **next);
};
extern const struct hungtask_follower hungtask_follow_flush_work;	/* chain_flush.c */
extern const struct hungtask_follower hungtask_follow_runq;		/* chain_cpu.c */
extern unsigned int hungtask_runq_walk_max;				/* chain_cpu.c */
int hungtask_chain_cpu_init(void);
void hungtask_chain_cpu_exit(void);

/* victim.c */
unsigned long hungtask_stack_scan(struct task_struct *t,
				  bool (*match)(unsigned long addr, unsigned long word, void *arg),
				  void *arg);
void hungtask_victim_snap(struct hungtask_ctx *ctx, struct task_struct *victim);
void hungtask_stack_of(struct task_struct *t, struct hungtask_stack *st);

/* host.c */
int hungtask_host_init(void);
void hungtask_host_exit(void);
void hungtask_host_snap(struct hungtask_host *host);

/* netlink.c: the generic netlink family. */
int hungtask_nl_init(void);
void hungtask_nl_exit(void);
void hungtask_nl_notify(const struct hungtask_incident *inc);

/* debugfs.c */
void hungtask_debugfs_init(void);
void hungtask_debugfs_exit(void);

/* kmsg.c: the versioned kmsg record; each kind of hop prints its own line(s). */
#define HUNGTASK_KMSG(seq, fmt, ...)                                                  \
	pr_info(HUNGTASK_PR_PREFIX "v%d seq=%llu " fmt "\n", HUNGTASK_KMSG_VERSION, seq, \
		##__VA_ARGS__)
struct hungtask_hop_ops {
	/* Print hop @i of incident @seq; @reason is already quoted. Context: any. */
	void (*emit)(u64 seq, unsigned int i, const struct hungtask_hop *hop, const char *reason);
};
extern const struct hungtask_hop_ops hungtask_hop_flush_work_ops;	/* chain_flush.c */
extern const struct hungtask_hop_ops hungtask_hop_worker_ops;		/* chain_flush.c */
extern const struct hungtask_hop_ops hungtask_hop_cpu_ops;		/* chain_cpu.c */
void hungtask_kmsg_emit(const struct hungtask_incident *inc);
const char *hungtask_kmsg_quote(char *dst, size_t len, const char *src);
void hungtask_kmsg_task(u64 seq, const char *rec, const struct hungtask_task_snap *s);
void hungtask_kmsg_stack(u64 seq, const char *rec, const struct hungtask_stack *st);

#endif /* HUNGTASK_INTERNAL_H */
