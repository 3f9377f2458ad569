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

#include <linux/completion.h>
#include <linux/kallsyms.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <linux/workqueue.h>

/* The protocol's enums (trigger, hop kind, ...), generated from proto/hungtask.yaml. */
#include "hungtask.h"

#define HUNGTASK_PR_PREFIX "hungtask: "
/* Fault-injection module parameters are for tests: modinfo must say so. */
#define HUNGTASK_FAULT_PARM_DESC(name, desc) \
	MODULE_PARM_DESC(name, "TEST ONLY (fault injection, never set in production): " desc)
/* kmsg record: "hungtask: v2 seq=N <kind> key=value..." (parsed by hungtaskd). */
#define HUNGTASK_KMSG_VERSION 2

#define HUNGTASK_MAX_FRAMES 32
#define HUNGTASK_MAX_HOPS 8
#define HUNGTASK_MAX_RUNQ 8
#define HUNGTASK_REASON_LEN 96
#define HUNGTASK_LOCK_WAITERS_MAX 8	/* other waiters a lock search lists */
#define HUNGTASK_NAME_LEN 32
#define HUNGTASK_PATH_LEN 256
#define HUNGTASK_CGROUP_LEN 128
#define HUNGTASK_OOT_LEN 256
#define HUNGTASK_MAX_SAMPLE 8	/* joined victims named in an incident (coalesce.c) */

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

/* chain_mutex.c: a task in mutex_lock() -> the mutex -> its owner. */
struct hungtask_hop_mutex {
	unsigned long lock;
	unsigned int owner_flags;	/* mutex.owner & 0x7 */
	unsigned int waiters;
	unsigned int position;
	bool ww;
	bool have_owner;		/* owner proven live (pid lookup) */
	char lock_sym[64];		/* %pS of a static lock, "" for a heap lock */
	struct hungtask_task_snap owner;
	struct hungtask_stack owner_stack;
	const char *owner_stack_note;	/* why there is no owner_stack */
	u64 owner_offcpu_ns;		/* 0: running or not known */
};

/* chain_rwsem.c: a task in down_read()/down_write() -> the rw_semaphore -> its owner. */
struct hungtask_hop_rwsem {
	unsigned long lock;
	unsigned long count;		/* rw_semaphore.count */
	unsigned int owner_flags;	/* rw_semaphore.owner & 0x3 */
	unsigned int readers;		/* count >> 8 when readers own it */
	unsigned int waiters;
	unsigned int position;
	bool write;			/* waits in down_write() */
	bool last_reader;		/* owner is the last reader: not proven to hold it */
	bool have_owner;		/* owner proven live (pid lookup) */
	char lock_sym[64];
	struct hungtask_task_snap owner;
	struct hungtask_stack owner_stack;
	const char *owner_stack_note;
	u64 owner_offcpu_ns;
};

/* chain_sem.c: a task in down() -> the semaphore (no holder recorded). */
struct hungtask_hop_sem {
	unsigned long lock;
	unsigned int count;
	unsigned int waiters;
	unsigned int position;
	unsigned int nr_others;		/* other waiters listed below, in list order */
	char lock_sym[64];
	struct {
		pid_t pid;
		char comm[TASK_COMM_LEN];
	} others[HUNGTASK_LOCK_WAITERS_MAX];
};

struct hungtask_hop {
	enum hungtask_hop_kind kind;
	bool verified;
	bool cycle;	/* its next task is already in the chain: a deadlock closes here */
	char reason[HUNGTASK_REASON_LEN];	/* why not verified, or a note */
	union {
		struct hungtask_hop_flush_work flush;
		struct hungtask_hop_worker worker;
		struct hungtask_hop_cpu cpu;
		struct hungtask_hop_mutex mutex;
		struct hungtask_hop_rwsem rwsem;
		struct hungtask_hop_sem sem;
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
	long syscall_nr;	/* -1: kernel thread or unknown; else a number of syscall_abi */
	enum hungtask_syscall_abi syscall_abi;
	unsigned long syscall_args[6];
	char path[HUNGTASK_PATH_LEN];		/* path argument, "" when none */
	char cgroup[HUNGTASK_CGROUP_LEN];
	char stack_note[HUNGTASK_REASON_LEN];	/* why a stack was not read, "" when all were */
	unsigned int nr_hops;
	struct hungtask_hop hops[HUNGTASK_MAX_HOPS];
	struct hungtask_host host;
	unsigned int tasks_walked;
	bool walk_truncated;
	/* Coalescing (coalesce.c): one incident for many victims of one cause. */
	u64 first_seq;		/* seq it was first stored under; updates keep it */
	u32 victim_count;	/* victims behind this cause, the victim above included */
	unsigned int nr_sample;	/* joined victims named below (bound HUNGTASK_MAX_SAMPLE) */
	struct {
		pid_t pid;
		char comm[TASK_COMM_LEN];
	} sample[HUNGTASK_MAX_SAMPLE];
	unsigned long cause;	/* first hop's object (lock, flushed work); 0: none */
	enum hungtask_hop_kind cause_kind;
	bool has_cycle;		/* a hop closes a cycle: members are not joined */
	unsigned int nr_members;	/* tasks of the chain after the victim */
	pid_t members[HUNGTASK_MAX_HOPS];
};

/* Capture context: the incident being filled. */
struct hungtask_ctx {
	struct hungtask_incident *inc;
};

/* hook.c: the sched_process_hang trace point. */
int hungtask_hook_init(void);
void hungtask_hook_exit(void);

/* symbols.c: symbols the kernel does not export, resolved at load. */
struct hungtask_syms {
	unsigned int (*stack_trace_save_tsk)(struct task_struct *task, unsigned long *store,
					     unsigned int size, unsigned int skipnr);
	unsigned long wq_barrier_func;
	void (*put_task_stack)(struct task_struct *t);	/* NULL: stacks are not pinned */
};
extern struct hungtask_syms hungtask_syms;
int hungtask_symbols_init(void);
void hungtask_symbols_exit(void);
bool hungtask_endbr_ok(unsigned long addr);
bool hungtask_is_func_entry(unsigned long addr);

/*
 * layout.c: private kernel layouts, resolved at load from the running
 * kernel's BTF and confirmed by calibration. Each hop kind that reads a
 * private structure has a layout kind; one that is off is never followed.
 */
enum hungtask_layout_kind {
	HUNGTASK_LAYOUT_FLUSH_WORK,	/* wq_barrier, pool_workqueue.pool, worker_pool.cpu/id */
	HUNGTASK_LAYOUT_WORKER,		/* struct worker: current_*, scheduled, pool */
	HUNGTASK_LAYOUT_WQ_NAME,	/* pool_workqueue.wq, workqueue_struct.name */
	HUNGTASK_LAYOUT_MUTEX,		/* struct mutex owner/wait_list, struct mutex_waiter */
	HUNGTASK_LAYOUT_RWSEM,		/* struct rw_semaphore count/owner/wait_list, rwsem_waiter */
	HUNGTASK_LAYOUT_SEMAPHORE,	/* struct semaphore count/wait_list, semaphore_waiter */
	HUNGTASK_LAYOUT_KINDS,
};

/*
 * flush_work() puts this on the flusher's stack (kernel/workqueue.c, private);
 * all its members have public types, so it is mirrored, and the mirror is
 * checked against BTF at load.
 */
struct hungtask_wq_barrier {
	struct work_struct work;
	struct completion done;
	struct task_struct *task;
};

/* Byte offsets and sizes; read-only after load, valid when their kind is on. */
struct hungtask_layout {
	bool on[HUNGTASK_LAYOUT_KINDS];
	char why[HUNGTASK_LAYOUT_KINDS][HUNGTASK_REASON_LEN];	/* why a kind is off */
	unsigned int btf_types;		/* types in the kernel's BTF; 0: not read */
	int calibrated_cpu;		/* CPU the calibration ran on; -1: it did not */
	unsigned int worker_size, worker_current_work, worker_current_func;
	unsigned int worker_current_pwq, worker_scheduled, worker_pool;
	unsigned int pwq_size, pwq_pool, pwq_wq;
	unsigned int pool_size, pool_lock, pool_lock_size, pool_cpu, pool_id;
	unsigned int wq_size, wq_name, wq_name_len;
	unsigned int barrier_size, barrier_work, barrier_done, barrier_task;
	/* docs/design-locks.md: struct mutex is public (checked against BTF), mutex_waiter not. */
	unsigned int mutex_size, mutex_owner, mutex_wait_list;
	unsigned int mwaiter_size, mwaiter_list, mwaiter_task, mwaiter_ww_ctx;
	unsigned long mutex_wait_fn, mutex_wait_fn_size;	/* text holding the waiter's frame */
	/* design-locks.md 5, 6: rw_semaphore and semaphore public, their waiters not. */
	unsigned int rwsem_size, rwsem_count, rwsem_owner, rwsem_wait_list;
	unsigned int rwaiter_size, rwaiter_list, rwaiter_task;
	unsigned long rwsem_read_fn, rwsem_read_fn_size, rwsem_write_fn, rwsem_write_fn_size;
	unsigned int sem_size, sem_count, sem_wait_list;
	unsigned int swaiter_size, swaiter_list, swaiter_task;
	unsigned long sem_wait_fn, sem_wait_fn_size;
};
extern struct hungtask_layout hungtask_layout;

/*
 * chain_mutex.c (docs/design-locks.md): the mutex a blocked task waits on,
 * found from its own mutex_waiter (the follower and layout.c's calibration).
 */
#define HUNGTASK_MUTEX_WALK_MAX 1024	/* wait-list nodes walked per search */
struct hungtask_mutex_wait {
	unsigned long waiter;		/* the task's struct mutex_waiter */
	unsigned long ww_ctx;		/* its ww_ctx: non-zero for a ww_mutex wait */
	unsigned long lock;		/* struct mutex whose wait_list holds it, or 0 */
	unsigned long owner_word;	/* mutex.owner, flag bits included */
	unsigned int waiters;		/* on the list, the task included */
	unsigned int position;		/* 1: the first waiter */
	unsigned long frame_ip;		/* ip of the frame holding the waiter, 0: none */
	unsigned long word[2];		/* the lock's words (shape.lock_words) */
	unsigned long others[HUNGTASK_LOCK_WAITERS_MAX];	/* other waiting tasks, in walk order */
	unsigned int nr_others;
	const char *why;		/* what did not hold; NULL: all did */
};
/* Where a kind's waiter and lock keep what the walk needs (offsets; -1: none). */
struct hungtask_waiter_shape {
	unsigned int waiter_list, waiter_task;
	int waiter_ww_ctx;
	unsigned int lock_wait_list;
	int lock_words[2];		/* read into hungtask_mutex_wait.word[] */
};
bool hungtask_waiter_find(struct task_struct *t, const struct hungtask_waiter_shape *shape,
			  struct hungtask_mutex_wait *mw, const char **why);
bool hungtask_mutex_find(struct task_struct *t, struct hungtask_mutex_wait *mw, const char **why);
unsigned long hungtask_mutex_owner(unsigned long owner_word);
unsigned long hungtask_frame_ip_holding(struct task_struct *t, unsigned long addr);
struct task_struct *hungtask_live_task(unsigned long p);
void hungtask_lock_owner_detail(struct task_struct *o, struct hungtask_stack *stack,
				const char **note, u64 *offcpu_ns);
void hungtask_lock_sym(char *dst, size_t len, unsigned long lock);
/* The load-time calibration of a lock kind's wait function (chain_mutex.c). */
struct hungtask_wait_calib {
	const struct hungtask_waiter_shape *shape;
	void (*block)(void *arg);	/* run by the kthread: blocks on the held lock */
	void *arg;
	unsigned long lock;
	struct completion started;
	struct hungtask_mutex_wait mw;
	unsigned long fn, fn_size;	/* the wait function's text */
	char sym[KSYM_SYMBOL_LEN];
	const char *why;
};
struct task_struct *hungtask_wait_calib_begin(struct hungtask_wait_calib *c);
void hungtask_wait_calib_end(struct task_struct *k);

int hungtask_layout_init(void);
void hungtask_layout_exit(void);
bool hungtask_layout_on(enum hungtask_layout_kind kind);
__printf(2, 3) void hungtask_layout_off(enum hungtask_layout_kind kind, const char *fmt, ...);
const char *hungtask_layout_kind_name(enum hungtask_layout_kind kind);

/* ring.c: the incident ring and the episode table. */
int hungtask_ring_init(void);
void hungtask_ring_exit(void);
/* What to do with a detector report (hungtask_ring_episode()). */
enum hungtask_episode_verdict {
	HUNGTASK_EPISODE_KNOWN,		/* a repeat of a captured episode: counted */
	HUNGTASK_EPISODE_NEW,		/* new, and reserved: capture it now */
	HUNGTASK_EPISODE_DEFERRED,	/* new, over this pass's budget: a later pass */
	HUNGTASK_EPISODE_UNTRACKED,	/* new, but the table is full of live episodes */
	HUNGTASK_EPISODE_JOINED,	/* new, a task in a live incident's chain: joined it */
};
enum hungtask_episode_verdict hungtask_ring_episode(struct task_struct *victim,
						    unsigned long switch_count, u32 pass,
						    bool may_capture);
/* hungtask_ring_commit(): stored as a new incident, joined an incident, or dropped. */
#define HUNGTASK_COMMIT_JOINED 1
int hungtask_ring_commit(struct hungtask_incident *inc, u32 pass);
bool hungtask_ring_next_update(struct hungtask_incident *out, bool *whole);
struct hungtask_counters {
	u64 captured;
	u64 coalesced;
	u64 dropped_full;
	u64 dropped_busy;
	u64 deferred;	/* reports of new episodes left for a later pass (budget) */
	u64 untracked;	/* reports of new episodes not captured: episode table full */
	u64 joined;	/* victims joined into a live incident of the same cause */
	u64 updates;	/* incidents sent again (new seq) with more victims */
	u32 episodes;	/* episode table entries in use */
	u32 episode_slots;
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
void hungtask_capture_hung(struct task_struct *victim);
struct hungtask_capture_stats {
	u64 reports;		/* detector reports seen by the probe */
	u64 passes;		/* detector passes with at least one report */
	u64 capture_ns_max;	/* longest single capture */
	u64 pass_ns_max;	/* most time spent in the probe in one pass */
	u64 pass_reports_max;	/* most reports in one pass */
	unsigned int captures_per_scan;
};
void hungtask_capture_stats(struct hungtask_capture_stats *st);

/* task.c: what every chain kind uses (task snapshot, stacks, hops). */
void hungtask_snap_task(struct task_struct *t, struct hungtask_task_snap *snap);
unsigned long hungtask_stack_scan(struct task_struct *t,
				  bool (*match)(unsigned long addr, unsigned long word, void *arg),
				  void *arg, const char **why);
void hungtask_stack_of(struct task_struct *t, struct hungtask_stack *st, const char **why);
void hungtask_stack_note(struct hungtask_ctx *ctx, struct task_struct *t, const char *why);
struct hungtask_hop *hungtask_hop_add(struct hungtask_ctx *ctx, enum hungtask_hop_kind kind);
void hungtask_reason(struct hungtask_hop *hop, const char *why);

/* coalesce.c: which victims share one incident. */
void hungtask_coalesce_prepare(struct hungtask_incident *inc);
bool hungtask_coalesce_member(const struct hungtask_incident *inc, pid_t pid);
bool hungtask_coalesce_same_cause(const struct hungtask_incident *a,
				  const struct hungtask_incident *b);
void hungtask_coalesce_add(struct hungtask_incident *inc, pid_t pid, const char *comm);
void hungtask_coalesce_absorb(struct hungtask_incident *inc, const struct hungtask_incident *old);

/* victim.c */
void hungtask_victim_snap(struct hungtask_ctx *ctx, struct task_struct *victim);

/* host.c */
int hungtask_host_init(void);
void hungtask_host_exit(void);
void hungtask_host_snap(struct hungtask_host *host);

/*
 * nlw.c: the netlink attribute writer. With an skb it puts the attributes;
 * without one it only adds up the bytes they take, so that one code path
 * both measures a message exactly and fills it: a message is measured, an
 * skb of that size is allocated, then it is filled. Each returns 0, or
 * -EMSGSIZE (a nest: the error it was ended with).
 */
struct nlattr;
struct sk_buff;
struct hungtask_nlw {
	struct sk_buff *skb;	/* NULL: measure only */
	size_t size;		/* measure: bytes of the attributes so far */
};
int hungtask_w_put(struct hungtask_nlw *w, int type, size_t len, const void *data);
int hungtask_w_u8(struct hungtask_nlw *w, int type, u8 v);
int hungtask_w_u32(struct hungtask_nlw *w, int type, u32 v);
int hungtask_w_s32(struct hungtask_nlw *w, int type, s32 v);
int hungtask_w_u64(struct hungtask_nlw *w, int type, u64 v, int pad);
int hungtask_w_str(struct hungtask_nlw *w, int type, const char *str);
int hungtask_w_sym(struct hungtask_nlw *w, int type, const char *fmt, unsigned long addr);
int hungtask_w_nest(struct hungtask_nlw *w, int type, struct nlattr **nest);
int hungtask_w_end(struct hungtask_nlw *w, struct nlattr *nest, int err);
int hungtask_put_task(struct hungtask_nlw *w, int attr, const struct hungtask_task_snap *t);
int hungtask_put_stack(struct hungtask_nlw *w, int attr, const struct hungtask_stack *st);

/* netlink.c: the generic netlink family. */
int hungtask_nl_init(void);
void hungtask_nl_exit(void);
void hungtask_nl_notify(const struct hungtask_incident *inc);

/* debugfs.c */
void hungtask_debugfs_init(void);
void hungtask_debugfs_exit(void);

/* kmsg.c: the versioned kmsg record, staged in the probe, printed later. */
#define HUNGTASK_KMSG_REC_MAX 4096	/* bytes of one record, all lines */
#define HUNGTASK_KMSG_LINE_MAX 900	/* bytes of one line, prefix included */
#define HUNGTASK_KMSG_SYM_LEN 160	/* bytes of one printed symbol */
/* A record being formatted: lines of text, each ending in '\n'. */
struct hungtask_kmsg_buf {
	char *text;
	size_t len;
	size_t cap;		/* the lines being added must stay below this */
	size_t line;		/* start of the current line */
	u64 seq;
	bool dropped;		/* the current line did not fit and was removed */
	bool truncated;		/* something was left out of the record */
};
struct hungtask_kmsg_stats {
	u64 staged;		/* records formatted for printing */
	u64 printed;		/* records printed completely */
	u64 panic_printed;	/* of which: by the panic notifier */
	u64 suppressed;		/* records not printed: over the budget or no slot */
	u64 bytes;		/* bytes of records staged */
	u64 tokens;		/* budget left now, in bytes */
	unsigned int pending;
	unsigned int budget_bytes;
	unsigned int budget_window_s;
};
int hungtask_kmsg_init(void);
void hungtask_kmsg_exit(void);
bool hungtask_kmsg_stage(const struct hungtask_incident *inc);
bool hungtask_kmsg_stage_update(const struct hungtask_incident *inc);
void hungtask_kmsg_stats(struct hungtask_kmsg_stats *st);

/* kmsg_text.c: the lines of a kmsg record, and the keys common to them. */
const char *hungtask_kmsg_quote(char *dst, size_t len, const char *src);
void hungtask_kmsg_close(struct hungtask_kmsg_buf *b);
__printf(2, 3) void hungtask_kmsg_line(struct hungtask_kmsg_buf *b, const char *fmt, ...);
__printf(2, 3) void hungtask_kmsg_add(struct hungtask_kmsg_buf *b, const char *fmt, ...);
void hungtask_kmsg_symbol(struct hungtask_kmsg_buf *b, const char *key, unsigned long addr);
void hungtask_kmsg_task(struct hungtask_kmsg_buf *b, const struct hungtask_task_snap *s);
void hungtask_kmsg_stack(struct hungtask_kmsg_buf *b, const char *head,
			 const struct hungtask_stack *st);

/*
 * chain.c: the table of chain kinds, one entry per enum hungtask_hop_kind
 * (proto/hungtask.yaml). Each kind's file (chain_KIND.c) owns everything
 * about it: how it follows a task, its kmsg line and its netlink nest.
 * capture.c, kmsg.c and netlink.c only go through the table.
 */
struct hungtask_chain_kind {
	/*
	 * Optional (NULL: another kind's follower adds these hops). Return
	 * true when it explained @t; *next is the task to follow, or NULL.
	 * Followers are asked in the order of the table.
	 */
	bool (*follow)(struct hungtask_ctx *ctx, struct task_struct *t, struct task_struct **next);
	/* Format hop @i as one "hop" line (+ lines of its own); @reason is quoted. */
	void (*kmsg)(struct hungtask_kmsg_buf *b, unsigned int i, const struct hungtask_hop *hop,
		     const char *reason);
	/* Optional: its stacks, after the whole chain (they are cut first). */
	void (*kmsg_stacks)(struct hungtask_kmsg_buf *b, unsigned int i,
			    const struct hungtask_hop *hop);
	/* Put (or measure) the kind's own nest of a hop. */
	int (*nl_put)(struct hungtask_nlw *w, const struct hungtask_hop *hop);
	/* Optional: at load and unload (process context). */
	int (*init)(void);
	void (*exit)(void);
};
extern const struct hungtask_chain_kind hungtask_chain_kind_flush_work;	/* chain_flush.c */
extern const struct hungtask_chain_kind hungtask_chain_kind_worker;	/* chain_worker.c */
extern const struct hungtask_chain_kind hungtask_chain_kind_cpu;		/* chain_cpu.c */
extern const struct hungtask_chain_kind hungtask_chain_kind_mutex;	/* chain_mutex.c */
extern const struct hungtask_chain_kind hungtask_chain_kind_rwsem;	/* chain_rwsem.c */
extern const struct hungtask_chain_kind hungtask_chain_kind_sem;		/* chain_sem.c */
int hungtask_chain_init(void);
void hungtask_chain_exit(void);
void hungtask_chain_follow(struct hungtask_ctx *ctx, struct task_struct *t);
void hungtask_chain_kmsg(struct hungtask_kmsg_buf *b, unsigned int i,
			 const struct hungtask_hop *hop);
void hungtask_chain_kmsg_stacks(struct hungtask_kmsg_buf *b, unsigned int i,
				const struct hungtask_hop *hop);
int hungtask_chain_nl_put(struct hungtask_nlw *w, const struct hungtask_hop *hop);

/* chain_worker.c: the worker hop, added by the flush_work follower. */
struct hungtask_hop *hungtask_worker_hop_add(struct hungtask_ctx *ctx, struct task_struct *t,
					     bool runs_target);

/* chain_cpu.c */
extern unsigned int hungtask_runq_walk_max;
void hungtask_cpu_fill_max(struct hungtask_hop *hop, unsigned int i,
			   const struct hungtask_incident *inc);
/* runq_walk_max bounds: the module parameter and the netlink policy (as proto/hungtask.yaml). */
#define HUNGTASK_RUNQ_WALK_MIN 1
#define HUNGTASK_RUNQ_WALK_MAX 1000000
#define HUNGTASK_RUNQ_WALK_DEFAULT 65536

/* chain_cpu.c: the waiting tasks of a cpu hop (the hog sampler's incidents). */
void hungtask_cpu_runq_walk(struct hungtask_ctx *ctx, struct hungtask_hop_cpu *c);

/* capture.c: file an incident built outside the detector's probe (the hog sampler). */
void hungtask_capture_file(struct hungtask_incident *inc);

/*
 * hog.c: the per-CPU hog sampler (cpu_hog incidents). Its bounds are the
 * module parameters' and the netlink policy's (as proto/hungtask.yaml).
 */
#define HUNGTASK_HOG_PERIOD_MIN 10
#define HUNGTASK_HOG_PERIOD_MAX 60000
#define HUNGTASK_HOG_PERIOD_DEFAULT 1000
#define HUNGTASK_HOG_THRESHOLD_MAX 3600000
#define HUNGTASK_HOG_THRESHOLD_DEFAULT 3000
static inline bool hungtask_hog_period_valid(unsigned int ms)
{
	return ms >= HUNGTASK_HOG_PERIOD_MIN && ms <= HUNGTASK_HOG_PERIOD_MAX;
}

static inline bool hungtask_hog_threshold_valid(unsigned int ms)
{
	return ms <= HUNGTASK_HOG_THRESHOLD_MAX;
}

struct hungtask_hog_stats {
	unsigned int period_ms, threshold_ms;
	unsigned int cpus;	/* CPUs with a sampler */
	u64 ticks, tick_ns_sum, tick_ns_max;	/* timer callbacks and their cost */
	u64 filed;		/* cpu_hog incidents filed (reports and ends) */
	u64 skipped_busy;	/* reports put off a tick: the CPU's slot was busy */
};
int hungtask_hog_init(void);
void hungtask_hog_exit(void);
extern unsigned int hungtask_hog_period_ms;
extern unsigned int hungtask_hog_threshold_ms;
void hungtask_hog_stats(struct hungtask_hog_stats *st);

#endif /* HUNGTASK_INTERNAL_H */
