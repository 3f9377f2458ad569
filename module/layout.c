// SPDX-License-Identifier: GPL-2.0
/*
 * Private kernel layouts, resolved once at load, in this file only.
 *
 * The chain code reads structures that are not in the headers (struct
 * worker, pool_workqueue, worker_pool, workqueue_struct, wq_barrier,
 * mutex_waiter) and checks public ones it depends on (struct mutex). Their
 * offsets come from the running kernel's own BTF: /sys/kernel/btf/vmlinux,
 * the kernel's .BTF section as the kernel exports it (the in-kernel BTF API,
 * btf_find_by_name_kind() and bpf_get_btf_vmlinux(), is not exported on 6.1
 * or 6.12; only btf_type_by_id() is, and it needs a struct btf we cannot
 * get). A small bounded parser below finds a struct by name and a member's
 * offset and size. Then a calibration confirms the offsets against objects
 * the module creates itself: a work item on its own workqueue, run by a
 * kworker, checked from inside that kworker.
 *
 * Each hop kind has its own layout (enum hungtask_layout_kind). A kind whose
 * layout is not found, is ambiguous, or disagrees with the calibration is
 * switched off: the chain code never follows it, dmesg and the status file
 * say which kind and why. Nothing is guessed.
 *
 * BTF format (include/uapi/linux/btf.h): a header, then a type section of
 * struct btf_type records, each followed by kind-specific data, with type
 * ids counted from 1; then a string section of NUL-terminated names.
 */
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/kallsyms.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/semaphore.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include <uapi/linux/btf.h>

#include "compat.h"
#include "internal.h"

struct hungtask_layout hungtask_layout __ro_after_init;

static char *fault_layout;
module_param(fault_layout, charp, 0444);
HUNGTASK_FAULT_PARM_DESC(fault_layout,
		 "shift the BTF offset of STRUCT.MEMBER by one word, as if the layout were wrong");

#define HUNGTASK_BTF_PATH "/sys/kernel/btf/vmlinux"
#define HUNGTASK_BTF_MAX_SIZE (64 << 20)	/* Debian's vmlinux BTF is ~6 MiB */
#define HUNGTASK_BTF_MAX_DEPTH 32		/* typedef/modifier chains, nesting */
#define HUNGTASK_CALIB_WQ "hungtask_layout"
#define HUNGTASK_CALIB_TIMEOUT (5 * HZ)

static const char *const hungtask_layout_kind_names[HUNGTASK_LAYOUT_KINDS] = {
	[HUNGTASK_LAYOUT_FLUSH_WORK] = "flush_work",
	[HUNGTASK_LAYOUT_WORKER] = "worker",
	[HUNGTASK_LAYOUT_WQ_NAME] = "wq_name",
	[HUNGTASK_LAYOUT_MUTEX] = "mutex",
	[HUNGTASK_LAYOUT_RWSEM] = "rwsem",
	[HUNGTASK_LAYOUT_SEMAPHORE] = "semaphore",
};

/**
 * hungtask_layout_kind_name() - name of a layout kind, as dmesg and status print it.
 * @kind: the kind.
 *
 * Context: any.
 * Return: a static string.
 */
const char *hungtask_layout_kind_name(enum hungtask_layout_kind kind)
{
	return kind < HUNGTASK_LAYOUT_KINDS ? hungtask_layout_kind_names[kind] : "?";
}

/* The BTF blob, read from the file, and an index of its types by id. */
struct hungtask_btf {
	u8 *data;
	const u8 *types;
	u32 types_len;
	const char *strs;
	u32 strs_len;
	u32 *index;		/* index[id - 1]: offset of type id in types */
	u32 nr_types;
};

/* What one private member the module reads must look like. */
struct hungtask_member_spec {
	const char *strct;
	const char *member;
	enum hungtask_layout_kind kind;
	unsigned int *off;	/* where the offset goes */
	unsigned int size;	/* required size in bytes; 0: recorded in *size_out */
	unsigned int *size_out;
	int mirror;		/* our mirror's offset of it, or -1 */
};

#define L (&hungtask_layout)
static const struct hungtask_member_spec hungtask_members[] = {
	{ "worker", "current_work", HUNGTASK_LAYOUT_WORKER, &L->worker_current_work,
	  sizeof(void *), NULL, -1 },
	{ "worker", "current_func", HUNGTASK_LAYOUT_WORKER, &L->worker_current_func,
	  sizeof(void *), NULL, -1 },
	{ "worker", "current_pwq", HUNGTASK_LAYOUT_WORKER, &L->worker_current_pwq,
	  sizeof(void *), NULL, -1 },
	{ "worker", "scheduled", HUNGTASK_LAYOUT_WORKER, &L->worker_scheduled,
	  sizeof(struct list_head), NULL, -1 },
	{ "worker", "pool", HUNGTASK_LAYOUT_WORKER, &L->worker_pool, sizeof(void *), NULL, -1 },
	{ "pool_workqueue", "pool", HUNGTASK_LAYOUT_FLUSH_WORK, &L->pwq_pool, sizeof(void *),
	  NULL, -1 },
	{ "worker_pool", "lock", HUNGTASK_LAYOUT_FLUSH_WORK, &L->pool_lock, 0,
	  &L->pool_lock_size, -1 },
	{ "worker_pool", "cpu", HUNGTASK_LAYOUT_FLUSH_WORK, &L->pool_cpu, sizeof(int), NULL, -1 },
	{ "worker_pool", "id", HUNGTASK_LAYOUT_FLUSH_WORK, &L->pool_id, sizeof(int), NULL, -1 },
	{ "wq_barrier", "work", HUNGTASK_LAYOUT_FLUSH_WORK, &L->barrier_work,
	  sizeof(struct work_struct), NULL, offsetof(struct hungtask_wq_barrier, work) },
	{ "wq_barrier", "done", HUNGTASK_LAYOUT_FLUSH_WORK, &L->barrier_done,
	  sizeof(struct completion), NULL, offsetof(struct hungtask_wq_barrier, done) },
	{ "wq_barrier", "task", HUNGTASK_LAYOUT_FLUSH_WORK, &L->barrier_task, sizeof(void *),
	  NULL, offsetof(struct hungtask_wq_barrier, task) },
	{ "pool_workqueue", "wq", HUNGTASK_LAYOUT_WQ_NAME, &L->pwq_wq, sizeof(void *), NULL, -1 },
	{ "workqueue_struct", "name", HUNGTASK_LAYOUT_WQ_NAME, &L->wq_name, 0, &L->wq_name_len,
	  -1 },
	/* struct mutex is public: BTF must agree with the headers the module was built with. */
	{ "mutex", "owner", HUNGTASK_LAYOUT_MUTEX, &L->mutex_owner, sizeof(atomic_long_t), NULL,
	  offsetof(struct mutex, owner) },
	{ "mutex", "wait_list", HUNGTASK_LAYOUT_MUTEX, &L->mutex_wait_list,
	  sizeof(struct list_head), NULL, offsetof(struct mutex, wait_list) },
	/* kernel/locking/mutex.h (private): the waiter on a blocked task's stack. */
	{ "mutex_waiter", "list", HUNGTASK_LAYOUT_MUTEX, &L->mwaiter_list,
	  sizeof(struct list_head), NULL, -1 },
	{ "mutex_waiter", "task", HUNGTASK_LAYOUT_MUTEX, &L->mwaiter_task, sizeof(void *), NULL,
	  -1 },
	{ "mutex_waiter", "ww_ctx", HUNGTASK_LAYOUT_MUTEX, &L->mwaiter_ww_ctx, sizeof(void *),
	  NULL, -1 },
	/* struct rw_semaphore (public) and rwsem_waiter (kernel/locking/rwsem.c, private). */
	{ "rw_semaphore", "count", HUNGTASK_LAYOUT_RWSEM, &L->rwsem_count, sizeof(atomic_long_t),
	  NULL, offsetof(struct rw_semaphore, count) },
	{ "rw_semaphore", "owner", HUNGTASK_LAYOUT_RWSEM, &L->rwsem_owner, sizeof(atomic_long_t),
	  NULL, offsetof(struct rw_semaphore, owner) },
	{ "rw_semaphore", "wait_list", HUNGTASK_LAYOUT_RWSEM, &L->rwsem_wait_list,
	  sizeof(struct list_head), NULL, offsetof(struct rw_semaphore, wait_list) },
	{ "rwsem_waiter", "list", HUNGTASK_LAYOUT_RWSEM, &L->rwaiter_list,
	  sizeof(struct list_head), NULL, -1 },
	{ "rwsem_waiter", "task", HUNGTASK_LAYOUT_RWSEM, &L->rwaiter_task, sizeof(void *), NULL,
	  -1 },
	/* struct semaphore (public) and semaphore_waiter (kernel/locking/semaphore.c, private). */
	{ "semaphore", "count", HUNGTASK_LAYOUT_SEMAPHORE, &L->sem_count, sizeof(unsigned int),
	  NULL, offsetof(struct semaphore, count) },
	{ "semaphore", "wait_list", HUNGTASK_LAYOUT_SEMAPHORE, &L->sem_wait_list,
	  sizeof(struct list_head), NULL, offsetof(struct semaphore, wait_list) },
	{ "semaphore_waiter", "list", HUNGTASK_LAYOUT_SEMAPHORE, &L->swaiter_list,
	  sizeof(struct list_head), NULL, -1 },
	{ "semaphore_waiter", "task", HUNGTASK_LAYOUT_SEMAPHORE, &L->swaiter_task, sizeof(void *),
	  NULL, -1 },
};

/* Structs whose size bounds the reads: every member read lies inside. */
static const struct {
	const char *strct;
	unsigned int *size;
} hungtask_structs[] = {
	{ "worker", &L->worker_size },
	{ "pool_workqueue", &L->pwq_size },
	{ "worker_pool", &L->pool_size },
	{ "workqueue_struct", &L->wq_size },
	{ "wq_barrier", &L->barrier_size },
	{ "mutex", &L->mutex_size },
	{ "mutex_waiter", &L->mwaiter_size },
	{ "rw_semaphore", &L->rwsem_size },
	{ "rwsem_waiter", &L->rwaiter_size },
	{ "semaphore", &L->sem_size },
	{ "semaphore_waiter", &L->swaiter_size },
};
#undef L

/**
 * hungtask_layout_off() - switch hops of @kind off, keeping the first reason.
 * @kind: the layout kind.
 * @fmt: printf format of the reason (shown in the status file and dmesg).
 *
 * Context: load time (process context).
 */
__printf(2, 3) void hungtask_layout_off(enum hungtask_layout_kind kind, const char *fmt, ...)
{
	va_list ap;

	if (!hungtask_layout.on[kind])
		return;		/* keep the first reason */
	hungtask_layout.on[kind] = false;
	va_start(ap, fmt);
	vsnprintf(hungtask_layout.why[kind], sizeof(hungtask_layout.why[kind]), fmt, ap);
	va_end(ap);
}

static void hungtask_layout_all_off(const char *why)
{
	unsigned int k;

	for (k = 0; k < HUNGTASK_LAYOUT_KINDS; k++)
		hungtask_layout_off(k, "%s", why);
}

/* Bytes of kind-specific data after a btf_type, or -1 for a kind we do not know. */
static long hungtask_btf_extra(const struct btf_type *t)
{
	u32 vlen = BTF_INFO_VLEN(t->info);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return (long)vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return (long)vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return (long)vlen * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return (long)vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_ENUM64:
		return (long)vlen * sizeof(struct btf_enum64);
	default:
		return -1;
	}
}

/* One pass over the type section: count (index == NULL) or fill the index. */
static int hungtask_btf_walk(struct hungtask_btf *b, u32 *index, u32 *count)
{
	u32 pos = 0, n = 0;

	while (pos < b->types_len) {
		const struct btf_type *t = (const void *)(b->types + pos);
		long extra;

		if (b->types_len - pos < sizeof(*t))
			return -EINVAL;
		extra = hungtask_btf_extra(t);
		if (extra < 0 || b->types_len - pos - sizeof(*t) < (u32)extra)
			return -EINVAL;
		if (index) {
			if (n >= b->nr_types)
				return -EINVAL;
			index[n] = pos;
		}
		n++;
		pos += sizeof(*t) + extra;
	}
	*count = n;
	return 0;
}

static int hungtask_btf_parse(struct hungtask_btf *b, size_t size)
{
	const struct btf_header *h = (const void *)b->data;
	u64 body;
	u32 n;
	int ret;

	if (size < sizeof(*h) || h->magic != BTF_MAGIC || h->version != BTF_VERSION ||
	    h->hdr_len < sizeof(*h) || h->hdr_len > size)
		return -EINVAL;
	body = size - h->hdr_len;
	if ((u64)h->type_off + h->type_len > body || (u64)h->str_off + h->str_len > body ||
	    (h->hdr_len + h->type_off) % 4 || !h->str_len)
		return -EINVAL;
	b->types = b->data + h->hdr_len + h->type_off;
	b->types_len = h->type_len;
	b->strs = (const char *)b->data + h->hdr_len + h->str_off;
	b->strs_len = h->str_len;
	if (b->strs[b->strs_len - 1] != '\0')
		return -EINVAL;
	ret = hungtask_btf_walk(b, NULL, &n);
	if (ret)
		return ret;
	if (!n)
		return -EINVAL;
	b->index = kvmalloc_array(n, sizeof(*b->index), GFP_KERNEL);
	if (!b->index)
		return -ENOMEM;
	b->nr_types = n;
	return hungtask_btf_walk(b, b->index, &n);
}

static const struct btf_type *hungtask_btf_type(const struct hungtask_btf *b, u32 id)
{
	if (!id || id > b->nr_types)
		return NULL;
	return (const void *)(b->types + b->index[id - 1]);
}

/* The name at @off, or NULL; the section ends in NUL, so strcmp() stays inside. */
static const char *hungtask_btf_name(const struct hungtask_btf *b, u32 off)
{
	return off < b->strs_len ? b->strs + off : NULL;
}

/* Skip typedefs and qualifiers. */
static const struct btf_type *hungtask_btf_resolve(const struct hungtask_btf *b, u32 id)
{
	const struct btf_type *t = hungtask_btf_type(b, id);
	unsigned int depth;

	for (depth = 0; t && depth < HUNGTASK_BTF_MAX_DEPTH; depth++) {
		switch (BTF_INFO_KIND(t->info)) {
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			t = hungtask_btf_type(b, t->type);
			continue;
		default:
			return t;
		}
	}
	return NULL;
}

/* Size in bytes of type @id, or 0 when it has none we can tell. */
static u64 hungtask_btf_size(const struct hungtask_btf *b, u32 id, unsigned int depth)
{
	const struct btf_type *t = hungtask_btf_resolve(b, id);
	const struct btf_array *a;

	if (!t || depth > HUNGTASK_BTF_MAX_DEPTH)
		return 0;
	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_FLOAT:
		return t->size;
	case BTF_KIND_PTR:
		return sizeof(void *);
	case BTF_KIND_ARRAY: {
		u64 elem;

		a = (const void *)(t + 1);
		elem = hungtask_btf_size(b, a->type, depth + 1);
		return elem <= U32_MAX ? elem * a->nelems : 0;
	}
	default:
		return 0;
	}
}

/*
 * Member @name of struct/union @st, also inside anonymous members: its
 * btf_member (offset in bits from the outer struct in *bits), or NULL.
 * Bitfields are refused: the module reads whole bytes.
 */
static const struct btf_member *hungtask_btf_member(const struct hungtask_btf *b,
						    const struct btf_type *st, const char *name,
						    u32 base_bits, u32 *bits, unsigned int depth)
{
	const struct btf_member *m = (const void *)(st + 1);
	bool kflag = BTF_INFO_KFLAG(st->info);
	u32 i, vlen = BTF_INFO_VLEN(st->info);

	if (depth > 4)
		return NULL;
	for (i = 0; i < vlen; i++) {
		u32 off = kflag ? BTF_MEMBER_BIT_OFFSET(m[i].offset) : m[i].offset;
		u32 bf = kflag ? BTF_MEMBER_BITFIELD_SIZE(m[i].offset) : 0;
		const char *n = hungtask_btf_name(b, m[i].name_off);
		const struct btf_type *mt;

		if (!n)
			continue;
		if (!strcmp(n, name)) {
			if (bf || off % 8)
				return NULL;
			*bits = base_bits + off;
			return hungtask_btf_type(b, m[i].type) ? &m[i] : NULL;
		}
		if (*n)
			continue;
		mt = hungtask_btf_resolve(b, m[i].type);
		if (mt && (BTF_INFO_KIND(mt->info) == BTF_KIND_STRUCT ||
			   BTF_INFO_KIND(mt->info) == BTF_KIND_UNION)) {
			const struct btf_member *r =
				hungtask_btf_member(b, mt, name, base_bits + off, bits, depth + 1);

			if (r)
				return r;
		}
	}
	return NULL;
}

/*
 * The one struct named @name that has a member @member (several structs may
 * share a name across the kernel): its id, 0 when none, -1 when ambiguous.
 */
static long hungtask_btf_struct(const struct hungtask_btf *b, const char *name, const char *member)
{
	long found = 0;
	u32 id, bits;

	for (id = 1; id <= b->nr_types; id++) {
		const struct btf_type *t = hungtask_btf_type(b, id);
		const char *n;

		if (BTF_INFO_KIND(t->info) != BTF_KIND_STRUCT)
			continue;
		n = hungtask_btf_name(b, t->name_off);
		if (!n || strcmp(n, name))
			continue;
		if (member && !hungtask_btf_member(b, t, member, 0, &bits, 0))
			continue;
		if (found)
			return -1;
		found = id;
	}
	return found;
}

/* workqueue_struct.name must be a char array: its length, or 0. */
static u32 hungtask_btf_char_array(const struct hungtask_btf *b, u32 id)
{
	const struct btf_type *t = hungtask_btf_resolve(b, id);
	const struct btf_type *elem;
	const struct btf_array *a;

	if (!t || BTF_INFO_KIND(t->info) != BTF_KIND_ARRAY)
		return 0;
	a = (const void *)(t + 1);
	elem = hungtask_btf_resolve(b, a->type);
	if (!elem || BTF_INFO_KIND(elem->info) != BTF_KIND_INT || elem->size != 1)
		return 0;
	return a->nelems;
}

static bool hungtask_fault_layout(const struct hungtask_member_spec *s)
{
	size_t n = strlen(s->strct);

	return fault_layout && !strncmp(fault_layout, s->strct, n) && fault_layout[n] == '.' &&
	       !strcmp(fault_layout + n + 1, s->member);
}

static void hungtask_layout_from_btf(const struct hungtask_btf *b)
{
	long ids[ARRAY_SIZE(hungtask_structs)] = {};
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(hungtask_members); i++) {
		const struct hungtask_member_spec *s = &hungtask_members[i];
		const struct btf_member *m;
		const struct btf_type *st;
		unsigned int strct_size;
		u64 size;
		long id;
		u32 bits;

		for (j = 0; j < ARRAY_SIZE(hungtask_structs); j++)
			if (!strcmp(hungtask_structs[j].strct, s->strct))
				break;
		if (WARN_ON_ONCE(j == ARRAY_SIZE(hungtask_structs)))
			continue;
		/* Several structs may share a name: the one with this member, and only one. */
		id = hungtask_btf_struct(b, s->strct, s->member);
		if (id <= 0 || (ids[j] && ids[j] != id)) {
			hungtask_layout_off(s->kind, "%s.%s %s in BTF", s->strct, s->member,
					    id ? "is ambiguous" : "not found");
			continue;
		}
		ids[j] = id;
		st = hungtask_btf_type(b, id);
		strct_size = st->size;
		*hungtask_structs[j].size = strct_size;
		m = hungtask_btf_member(b, st, s->member, 0, &bits, 0);
		*s->off = bits / 8;
		if (hungtask_fault_layout(s))
			*s->off += sizeof(long);
		size = hungtask_btf_size(b, m->type, 0);
		if (s->size_out)
			*s->size_out = size;
		if (s->off == &hungtask_layout.wq_name && !hungtask_btf_char_array(b, m->type)) {
			hungtask_layout_off(s->kind, "%s.%s is not a char array in BTF", s->strct,
					    s->member);
			continue;
		}
		if (!size || (s->size && size != s->size)) {
			hungtask_layout_off(s->kind, "%s.%s is %llu bytes in BTF, expected %u",
					    s->strct, s->member, size, s->size);
			continue;
		}
		if (*s->off + size > strct_size) {
			hungtask_layout_off(s->kind, "%s.%s at %u+%llu lies outside its %u bytes",
					    s->strct, s->member, *s->off, size, strct_size);
			continue;
		}
		if (s->mirror >= 0 && *s->off != s->mirror)
			hungtask_layout_off(s->kind, "%s.%s at %u in BTF, our mirror has %d",
					    s->strct, s->member, *s->off, s->mirror);
	}
	if (hungtask_layout.mutex_size != sizeof(struct mutex))
		hungtask_layout_off(HUNGTASK_LAYOUT_MUTEX,
				    "struct mutex is %u bytes in BTF, %zu in the headers",
				    hungtask_layout.mutex_size, sizeof(struct mutex));
	if (hungtask_layout.rwsem_size != sizeof(struct rw_semaphore))
		hungtask_layout_off(HUNGTASK_LAYOUT_RWSEM,
				    "struct rw_semaphore is %u bytes in BTF, %zu in the headers",
				    hungtask_layout.rwsem_size, sizeof(struct rw_semaphore));
	if (hungtask_layout.sem_size != sizeof(struct semaphore))
		hungtask_layout_off(HUNGTASK_LAYOUT_SEMAPHORE,
				    "struct semaphore is %u bytes in BTF, %zu in the headers",
				    hungtask_layout.sem_size, sizeof(struct semaphore));
	if (hungtask_layout.barrier_size != sizeof(struct hungtask_wq_barrier))
		hungtask_layout_off(HUNGTASK_LAYOUT_FLUSH_WORK,
				    "struct wq_barrier is %u bytes in BTF, our mirror %zu",
				    hungtask_layout.barrier_size, sizeof(struct hungtask_wq_barrier));
}

/* Read the kernel's BTF through its sysfs file (process context, may sleep). */
static int hungtask_btf_read(struct hungtask_btf *b, size_t *size)
{
	struct file *f;
	loff_t pos = 0;
	ssize_t n;
	int ret = 0;

	f = filp_open(HUNGTASK_BTF_PATH, O_RDONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	*size = i_size_read(file_inode(f));
	if (!*size || *size > HUNGTASK_BTF_MAX_SIZE) {
		ret = -EFBIG;
		goto out;
	}
	b->data = kvmalloc(*size, GFP_KERNEL);
	if (!b->data) {
		ret = -ENOMEM;
		goto out;
	}
	while (pos < *size) {
		n = kernel_read(f, b->data + pos, *size - pos, &pos);
		if (n <= 0) {
			ret = n ? n : -EIO;
			break;
		}
	}
out:
	filp_close(f, NULL);
	return ret;
}

/*
 * Calibration: a work item on our own workqueue, queued on one CPU, checks
 * from inside its kworker that each offset finds what the kernel must have
 * there. While it runs, a second work queued on the same CPU stays pending
 * (the pool's running worker is busy), so its data is the pwq.
 */
struct hungtask_calib {
	struct work_struct work;
	struct work_struct probe;
	struct workqueue_struct *wq;
	struct completion ran;
	int cpu;
};

static bool hungtask_calib_read(unsigned long addr, void *out, size_t size)
{
	return addr && !copy_from_kernel_nofault(out, (void *)addr, size);
}

static void hungtask_calib_probe_fn(struct work_struct *work)
{
}

static void hungtask_calib_fn(struct work_struct *work)
{
	struct hungtask_calib *c = container_of(work, struct hungtask_calib, work);
	struct hungtask_layout *l = &hungtask_layout;
	unsigned long running_pool_id, pwq = 0, pool = 0, worker, v, sched[2];
	char name[sizeof(HUNGTASK_CALIB_WQ)];
	int i32;

	/* While it executes, work.data holds the pool id (set_work_pool_and_clear_pending). */
	running_pool_id = atomic_long_read(&work->data) >> WORK_OFFQ_POOL_SHIFT;
	worker = (current->flags & PF_WQ_WORKER) ? (unsigned long)kthread_data(current) : 0;
	if (queue_work_on(c->cpu, c->wq, &c->probe))
		pwq = hungtask_work_data_pwq(atomic_long_read(&c->probe.data));
	if (!worker || !pwq) {
		unsigned int k;

		/* The workqueue kinds come first in the enum; the lock kinds do not depend on this. */
		for (k = 0; k < HUNGTASK_LAYOUT_MUTEX; k++)
			hungtask_layout_off(k, "calibration: no worker or no pending probe work");
		goto out;
	}

	if (!hungtask_calib_read(pwq + l->pwq_pool, &pool, sizeof(pool)) ||
	    !hungtask_calib_read(pool + l->pool_id, &i32, sizeof(i32)) || i32 != running_pool_id)
		hungtask_layout_off(HUNGTASK_LAYOUT_FLUSH_WORK,
				    "calibration: pool_workqueue.pool and worker_pool.id do not give the running work's pool");
	else if (!hungtask_calib_read(pool + l->pool_cpu, &i32, sizeof(i32)) || i32 != c->cpu)
		hungtask_layout_off(HUNGTASK_LAYOUT_FLUSH_WORK,
				    "calibration: worker_pool.cpu is not the CPU the work was queued on");

	if (!hungtask_calib_read(worker + l->worker_current_work, &v, sizeof(v)) ||
	    v != (unsigned long)work)
		hungtask_layout_off(HUNGTASK_LAYOUT_WORKER,
				    "calibration: worker.current_work is not the running work");
	else if (!hungtask_calib_read(worker + l->worker_current_func, &v, sizeof(v)) ||
		 v != (unsigned long)hungtask_calib_fn)
		hungtask_layout_off(HUNGTASK_LAYOUT_WORKER,
				    "calibration: worker.current_func is not the running function");
	else if (!hungtask_calib_read(worker + l->worker_current_pwq, &v, sizeof(v)) || v != pwq)
		hungtask_layout_off(HUNGTASK_LAYOUT_WORKER,
				    "calibration: worker.current_pwq is not the work's pwq");
	else if (!hungtask_calib_read(worker + l->worker_pool, &v, sizeof(v)) || v != pool)
		hungtask_layout_off(HUNGTASK_LAYOUT_WORKER,
				    "calibration: worker.pool is not the pool of the running work");
	/* One work runs, none is scheduled behind it: an empty list points to itself. */
	else if (!hungtask_calib_read(worker + l->worker_scheduled, sched, sizeof(sched)) ||
		 sched[0] != worker + l->worker_scheduled || sched[1] != sched[0])
		hungtask_layout_off(HUNGTASK_LAYOUT_WORKER,
				    "calibration: worker.scheduled is not an empty list");

	if (!hungtask_calib_read(pwq + l->pwq_wq, &v, sizeof(v)) || v != (unsigned long)c->wq)
		hungtask_layout_off(HUNGTASK_LAYOUT_WQ_NAME,
				    "calibration: pool_workqueue.wq is not the work's workqueue");
	else if (l->wq_name_len < sizeof(name) ||
		 !hungtask_calib_read(v + l->wq_name, name, sizeof(name)) ||
		 memcmp(name, HUNGTASK_CALIB_WQ, sizeof(name)))
		hungtask_layout_off(HUNGTASK_LAYOUT_WQ_NAME,
				    "calibration: workqueue_struct.name is not the workqueue's name");
out:
	complete(&c->ran);
}

/* Returns the CPU it ran on, or -1 when it did not run in time (offsets stay BTF-only). */
static int hungtask_calibrate(void)
{
	struct hungtask_calib c = { .cpu = raw_smp_processor_id() };
	bool ran;

	c.wq = alloc_workqueue(HUNGTASK_CALIB_WQ, 0, 0);
	if (!c.wq)
		return -1;
	init_completion(&c.ran);
	INIT_WORK_ONSTACK(&c.work, hungtask_calib_fn);
	INIT_WORK_ONSTACK(&c.probe, hungtask_calib_probe_fn);
	queue_work_on(c.cpu, c.wq, &c.work);
	ran = wait_for_completion_timeout(&c.ran, HUNGTASK_CALIB_TIMEOUT);
	/* Not started yet: cancelled, never runs. Running: finishes at once. */
	cancel_work_sync(&c.work);
	ran = ran || completion_done(&c.ran);
	destroy_workqueue(c.wq);	/* drains the probe */
	destroy_work_on_stack(&c.probe);
	destroy_work_on_stack(&c.work);
	return ran ? c.cpu : -1;
}

/**
 * hungtask_layout_on() - may the chain code follow hops of @kind?
 * @kind: the layout kind.
 *
 * Context: any.
 * Return: true when the layout of @kind was resolved and confirmed at load.
 */
bool hungtask_layout_on(enum hungtask_layout_kind kind)
{
	return kind < HUNGTASK_LAYOUT_KINDS && hungtask_layout.on[kind];
}

/**
 * hungtask_layout_init() - resolve and confirm the private layouts.
 *
 * Never fails the load: a kind that cannot be confirmed is switched off and
 * dmesg says which and why.
 *
 * Context: process context (reads a file, runs a work item), may sleep.
 * Return: 0.
 */
int hungtask_layout_init(void)
{
	struct hungtask_btf b = {};
	u64 start = ktime_get_ns();
	unsigned int k;
	size_t size = 0;
	int ret, cpu = -1;

	for (k = 0; k < HUNGTASK_LAYOUT_KINDS; k++)
		hungtask_layout.on[k] = true;
	ret = hungtask_btf_read(&b, &size);
	if (!ret)
		ret = hungtask_btf_parse(&b, size);
	if (ret) {
		hungtask_layout_all_off("the kernel's BTF (" HUNGTASK_BTF_PATH ") is not usable");
		pr_warn(HUNGTASK_PR_PREFIX "layout: BTF at %s not usable (%d)\n", HUNGTASK_BTF_PATH,
			ret);
	} else {
		hungtask_layout_from_btf(&b);
		for (k = 0; k < HUNGTASK_LAYOUT_KINDS; k++)
			if (hungtask_layout.on[k])
				break;
		if (k < HUNGTASK_LAYOUT_KINDS)
			cpu = hungtask_calibrate();
	}
	kvfree(b.index);
	kvfree(b.data);
	hungtask_layout.btf_types = b.nr_types;
	hungtask_layout.calibrated_cpu = cpu;

	pr_info(HUNGTASK_PR_PREFIX "layout: BTF %zu bytes, %u types, %s, in %llu ms; worker size=%u current_work=%u current_func=%u current_pwq=%u scheduled=%u pool=%u; pool_workqueue pool=%u wq=%u; worker_pool lock=%u+%u cpu=%u id=%u; workqueue_struct name=%u[%u]\n",
		size, b.nr_types, cpu >= 0 ? "calibrated" : "not calibrated (work did not run in time)",
		(ktime_get_ns() - start) / NSEC_PER_MSEC,
		hungtask_layout.worker_size, hungtask_layout.worker_current_work,
		hungtask_layout.worker_current_func, hungtask_layout.worker_current_pwq,
		hungtask_layout.worker_scheduled, hungtask_layout.worker_pool,
		hungtask_layout.pwq_pool, hungtask_layout.pwq_wq, hungtask_layout.pool_lock,
		hungtask_layout.pool_lock_size, hungtask_layout.pool_cpu, hungtask_layout.pool_id,
		hungtask_layout.wq_name, hungtask_layout.wq_name_len);
	pr_info(HUNGTASK_PR_PREFIX "layout: mutex size=%u owner=%u wait_list=%u; mutex_waiter size=%u list=%u task=%u ww_ctx=%u\n",
		hungtask_layout.mutex_size, hungtask_layout.mutex_owner,
		hungtask_layout.mutex_wait_list, hungtask_layout.mwaiter_size,
		hungtask_layout.mwaiter_list, hungtask_layout.mwaiter_task,
		hungtask_layout.mwaiter_ww_ctx);
	for (k = 0; k < HUNGTASK_LAYOUT_KINDS; k++)
		if (!hungtask_layout.on[k])
			pr_warn(HUNGTASK_PR_PREFIX "layout: %s hops off: %s%s%s%s\n",
				hungtask_layout_kind_name(k), hungtask_layout.why[k],
				fault_layout ? " (fault_layout=" : "", fault_layout ?: "",
				fault_layout ? ")" : "");
	return 0;
}

void hungtask_layout_exit(void)
{
}
