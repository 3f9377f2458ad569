// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink attribute writer (struct hungtask_nlw, internal.h): one code
 * path that measures a message exactly and then fills it. netlink.c frames
 * the messages with it; each chain kind puts its own nest with it.
 */
#include <linux/kallsyms.h>
#include <net/netlink.h>

#include "internal.h"

/**
 * hungtask_w_put() - put (or measure) one attribute of @len bytes.
 * @w: the writer.
 * @type: the attribute type.
 * @len: bytes of @data.
 * @data: the payload.
 *
 * Context: any (it allocates nothing; the caller sized the skb).
 * Return: 0, or -EMSGSIZE.
 */
int hungtask_w_put(struct hungtask_nlw *w, int type, size_t len, const void *data)
{
	if (!w->skb) {
		w->size += nla_total_size(len);
		return 0;
	}
	return nla_put(w->skb, type, len, data);
}

/**
 * hungtask_w_u8() - put (or measure) a u8 attribute.
 * @w: the writer.
 * @type: the attribute type.
 * @v: the value.
 *
 * Context: any (it allocates nothing; the caller sized the skb).
 * Return: 0, or -EMSGSIZE.
 */
int hungtask_w_u8(struct hungtask_nlw *w, int type, u8 v)
{
	return hungtask_w_put(w, type, sizeof(v), &v);
}

/**
 * hungtask_w_u32() - put (or measure) a u32 attribute.
 * @w: the writer.
 * @type: the attribute type.
 * @v: the value.
 *
 * Context: any (it allocates nothing; the caller sized the skb).
 * Return: 0, or -EMSGSIZE.
 */
int hungtask_w_u32(struct hungtask_nlw *w, int type, u32 v)
{
	return hungtask_w_put(w, type, sizeof(v), &v);
}

/**
 * hungtask_w_s32() - put (or measure) an s32 attribute.
 * @w: the writer.
 * @type: the attribute type.
 * @v: the value.
 *
 * Context: any (it allocates nothing; the caller sized the skb).
 * Return: 0, or -EMSGSIZE.
 */
int hungtask_w_s32(struct hungtask_nlw *w, int type, s32 v)
{
	return hungtask_w_put(w, type, sizeof(v), &v);
}

/**
 * hungtask_w_u64() - put (or measure) a u64 or s64 attribute, 64-bit aligned
 * with the set's pad attribute @pad when needed.
 * @w: the writer.
 * @type: the attribute type.
 * @v: the value.
 * @pad: the pad attribute of the set.
 *
 * Context: any (it allocates nothing; the caller sized the skb).
 * Return: 0, or -EMSGSIZE.
 */
int hungtask_w_u64(struct hungtask_nlw *w, int type, u64 v, int pad)
{
	if (!w->skb) {
		w->size += nla_total_size_64bit(sizeof(v));
		return 0;
	}
	return nla_put_u64_64bit(w->skb, type, v, pad);
}

/**
 * hungtask_w_str() - put (or measure) a NUL-terminated string attribute.
 * @w: the writer.
 * @type: the attribute type.
 * @str: the string.
 *
 * Context: any (it allocates nothing; the caller sized the skb).
 * Return: 0, or -EMSGSIZE.
 */
int hungtask_w_str(struct hungtask_nlw *w, int type, const char *str)
{
	return hungtask_w_put(w, type, strlen(str) + 1, str);
}

/**
 * hungtask_w_sym() - put (or measure) @addr as "%pS" or "%ps" (@fmt) text; the
 * text is rendered once per pass, on the stack.
 * @w: the writer.
 * @type: the attribute type.
 * @fmt: "%pS" or "%ps".
 * @addr: the kernel address.
 *
 * Context: any (it allocates nothing; the caller sized the skb).
 * Return: 0, or -EMSGSIZE.
 */
int hungtask_w_sym(struct hungtask_nlw *w, int type, const char *fmt, unsigned long addr)
{
	char sym[KSYM_SYMBOL_LEN];

	snprintf(sym, sizeof(sym), fmt, (void *)addr);
	return hungtask_w_str(w, type, sym);
}

/**
 * hungtask_w_nest() - open a nest; *@nest is NULL when measuring (hungtask_w_end()
 * accepts that).
 * @w: the writer.
 * @type: the attribute type.
 * @nest: set to the open nest, or NULL when measuring.
 *
 * Context: any (it allocates nothing; the caller sized the skb).
 * Return: 0, or -EMSGSIZE.
 */
int hungtask_w_nest(struct hungtask_nlw *w, int type, struct nlattr **nest)
{
	*nest = NULL;
	if (!w->skb) {
		w->size += nla_total_size(0);
		return 0;
	}
	*nest = nla_nest_start(w->skb, type);
	return *nest ? 0 : -EMSGSIZE;
}

/**
 * hungtask_w_end() - close the nest @nest, or cancel it when @err is set.
 * @w: the writer.
 * @nest: from hungtask_w_nest().
 * @err: nonzero when something in the nest failed.
 *
 * Context: any (it allocates nothing; the caller sized the skb).
 * Return: 0, or -EMSGSIZE.
 */
int hungtask_w_end(struct hungtask_nlw *w, struct nlattr *nest, int err)
{
	if (nest) {
		if (err)
			nla_nest_cancel(w->skb, nest);
		else
			nla_nest_end(w->skb, nest);
	}
	return err ? -EMSGSIZE : 0;
}

/**
 * hungtask_put_task() - put (or measure) a task snapshot as the nest @attr.
 * @w: the writer.
 * @attr: the nest attribute type.
 * @t: the snapshot.
 *
 * Context: any (it allocates nothing; the caller sized the skb).
 * Return: 0, or -EMSGSIZE.
 */
int hungtask_put_task(struct hungtask_nlw *w, int attr, const struct hungtask_task_snap *t)
{
	struct nlattr *nest;
	int err = hungtask_w_nest(w, attr, &nest);

	if (err)
		return err;
	err = hungtask_w_u32(w, HUNGTASK_A_TASK_PID, t->pid) ||
	      hungtask_w_u32(w, HUNGTASK_A_TASK_TGID, t->tgid) ||
	      hungtask_w_str(w, HUNGTASK_A_TASK_COMM, t->comm) ||
	      hungtask_w_u8(w, HUNGTASK_A_TASK_STATE, t->state) ||
	      hungtask_w_u32(w, HUNGTASK_A_TASK_FLAGS, t->flags) ||
	      hungtask_w_u32(w, HUNGTASK_A_TASK_CPU, t->cpu) ||
	      hungtask_w_u8(w, HUNGTASK_A_TASK_ON_CPU, !!t->on_cpu) ||
	      hungtask_w_u8(w, HUNGTASK_A_TASK_ON_RQ, !!t->on_rq) ||
	      hungtask_w_u32(w, HUNGTASK_A_TASK_POLICY, t->policy) ||
	      hungtask_w_s32(w, HUNGTASK_A_TASK_PRIO, t->prio) ||
	      hungtask_w_u8(w, HUNGTASK_A_TASK_KTHREAD, t->kthread) ||
	      hungtask_w_u64(w, HUNGTASK_A_TASK_RUNTIME_NS, t->sum_exec_runtime,
			     HUNGTASK_A_TASK_PAD) ||
	      hungtask_w_u64(w, HUNGTASK_A_TASK_SINCE_ARRIVAL_NS, t->since_arrival_ns,
			     HUNGTASK_A_TASK_PAD) ||
	      hungtask_w_u64(w, HUNGTASK_A_TASK_QUEUED_NS, t->queued_ns, HUNGTASK_A_TASK_PAD) ||
	      hungtask_w_u64(w, HUNGTASK_A_TASK_RUN_DELAY_NS, t->run_delay_ns,
			     HUNGTASK_A_TASK_PAD) ||
	      hungtask_w_u64(w, HUNGTASK_A_TASK_NVCSW, t->nvcsw, HUNGTASK_A_TASK_PAD) ||
	      hungtask_w_u64(w, HUNGTASK_A_TASK_NIVCSW, t->nivcsw, HUNGTASK_A_TASK_PAD) ||
	      (t->threadfn &&
	       (hungtask_w_u64(w, HUNGTASK_A_TASK_THREADFN, t->threadfn, HUNGTASK_A_TASK_PAD) ||
		hungtask_w_sym(w, HUNGTASK_A_TASK_THREADFN_SYM, "%ps", t->threadfn)));
	return hungtask_w_end(w, nest, err);
}

/**
 * hungtask_put_stack() - put (or measure) a stack as the nest @attr, one frame
 * nest per frame.
 * @w: the writer.
 * @attr: the nest attribute type.
 * @st: the frames.
 *
 * Context: any (it allocates nothing; the caller sized the skb).
 * Return: 0, or -EMSGSIZE.
 */
int hungtask_put_stack(struct hungtask_nlw *w, int attr, const struct hungtask_stack *st)
{
	struct nlattr *nest;
	unsigned int i;
	int err = hungtask_w_nest(w, attr, &nest);

	if (err)
		return err;
	for (i = 0; i < st->nr && i < HUNGTASK_MAX_FRAMES && !err; i++) {
		struct nlattr *frame;

		err = hungtask_w_nest(w, HUNGTASK_A_STACK_FRAME, &frame);
		if (err)
			break;
		err = hungtask_w_u64(w, HUNGTASK_A_FRAME_ADDR, st->frames[i], HUNGTASK_A_FRAME_PAD) ||
		      hungtask_w_sym(w, HUNGTASK_A_FRAME_SYM, "%pS", st->frames[i]);
		err = hungtask_w_end(w, frame, err);
	}
	return hungtask_w_end(w, nest, err);
}
