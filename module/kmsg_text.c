// SPDX-License-Identifier: GPL-2.0
/*
 * The lines of a kmsg record (format: kmsg.c): "hungtask: v2 seq=N " and
 * key=value text, a line that does not fit dropped whole; quoting, symbols,
 * and the keys common to several records (a task, a stack). kmsg.c frames
 * the record with them; each chain kind prints its own lines with them.
 */
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "internal.h"

/**
 * hungtask_kmsg_quote() - make a string safe to print inside double quotes.
 * @dst: the result.
 * @len: bytes of @dst.
 * @src: the string.
 *
 * Context: any. Return: @dst.
 */
const char *hungtask_kmsg_quote(char *dst, size_t len, const char *src)
{
	size_t i;

	for (i = 0; i + 1 < len && src[i]; i++)
		dst[i] = (src[i] == '"' || src[i] == '\\' || src[i] < 0x20 || src[i] > 0x7e) ?
				 '?' : src[i];
	dst[i] = '\0';
	return dst;
}

/* Append to the current line; a line that does not fit is dropped whole. */
static __printf(2, 0) void hungtask_kmsg_vadd(struct hungtask_kmsg_buf *b, const char *fmt, va_list args)
{
	size_t room;
	int n;

	if (b->dropped)
		return;
	room = b->cap - b->len;
	n = vsnprintf(b->text + b->len, room, fmt, args);
	if (n < 0 || n + 1 >= room || b->len + n - b->line >= HUNGTASK_KMSG_LINE_MAX) {
		b->len = b->line;	/* also removes what vsnprintf wrote */
		b->dropped = true;
		b->truncated = true;
		return;
	}
	b->len += n;
}

/**
 * hungtask_kmsg_add() - append key=value text to the current line of @b.
 * @b: the record.
 * @fmt: printf format of the text, then its arguments.
 *
 * Context: any.
 */
void hungtask_kmsg_add(struct hungtask_kmsg_buf *b, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	hungtask_kmsg_vadd(b, fmt, args);
	va_end(args);
}

/**
 * hungtask_kmsg_close() - end the current line of @b with its '\n'.
 * @b: the record.
 *
 * Context: any.
 */
void hungtask_kmsg_close(struct hungtask_kmsg_buf *b)
{
	/* vadd keeps one byte free for this '\n'. */
	if (!b->dropped && b->len > b->line)
		b->text[b->len++] = '\n';
}

/**
 * hungtask_kmsg_line() - start a record line "hungtask: v2 seq=N " + @fmt.
 * @b: the record.
 * @fmt: printf format of the rest of the line, then its arguments.
 *
 * Context: any.
 */
void hungtask_kmsg_line(struct hungtask_kmsg_buf *b, const char *fmt, ...)
{
	va_list args;

	hungtask_kmsg_close(b);
	b->line = b->len;
	b->dropped = false;
	hungtask_kmsg_add(b, HUNGTASK_PR_PREFIX "v%d seq=%llu ", HUNGTASK_KMSG_VERSION, b->seq);
	va_start(args, fmt);
	hungtask_kmsg_vadd(b, fmt, args);
	va_end(args);
}

/**
 * hungtask_kmsg_symbol() - append key="symbol+off/size [module]" for @addr.
 * @b: the record.
 * @key: the key.
 * @addr: a kernel text address.
 *
 * The symbol is bounded and quoted here, so a long name cannot cut a line.
 * Context: any.
 */
void hungtask_kmsg_symbol(struct hungtask_kmsg_buf *b, const char *key, unsigned long addr)
{
	char sym[HUNGTASK_KMSG_SYM_LEN], q[HUNGTASK_KMSG_SYM_LEN];

	snprintf(sym, sizeof(sym), "%pS", (void *)addr);
	hungtask_kmsg_add(b, " %s=\"%s\"", key, hungtask_kmsg_quote(q, sizeof(q), sym));
}

/**
 * hungtask_kmsg_task() - append the keys of a task snapshot to the current line.
 * @b: the record.
 * @s: the snapshot.
 *
 * Context: any.
 */
void hungtask_kmsg_task(struct hungtask_kmsg_buf *b, const struct hungtask_task_snap *s)
{
	char comm[TASK_COMM_LEN], fn[HUNGTASK_KMSG_SYM_LEN], q[HUNGTASK_KMSG_SYM_LEN];

	snprintf(fn, sizeof(fn), "%ps", (void *)s->threadfn);
	hungtask_kmsg_add(b, " pid=%d tgid=%d comm=\"%s\" state=%c flags=0x%x cpu=%d on_cpu=%d on_rq=%d policy=%d prio=%d kthread=%d runtime_ns=%llu since_arrival_ns=%llu queued_ns=%llu run_delay_ns=%llu nvcsw=%lu nivcsw=%lu fn=\"%s\"",
	  s->pid, s->tgid, hungtask_kmsg_quote(comm, sizeof(comm), s->comm), s->state, s->flags,
	  s->cpu, s->on_cpu, s->on_rq, s->policy, s->prio, s->kthread, s->sum_exec_runtime,
	  s->since_arrival_ns, s->queued_ns, s->run_delay_ns, s->nvcsw, s->nivcsw,
	  hungtask_kmsg_quote(q, sizeof(q), fn));
}

/**
 * hungtask_kmsg_stack() - print a stack as "<head> i=<first> fn=<list>" lines.
 * @b: the record.
 * @head: record name and keys before i=, e.g. "vstack" or "hogstack hop=2".
 * @st: the frames.
 *
 * Frames that do not fit the record are left out (the end line then says
 * truncated=1); a frame is never cut.
 * Context: any.
 */
void hungtask_kmsg_stack(struct hungtask_kmsg_buf *b, const char *head,
			 const struct hungtask_stack *st)
{
	char sym[HUNGTASK_KMSG_SYM_LEN], q[HUNGTASK_KMSG_SYM_LEN];
	bool open = false;
	unsigned int i;

	for (i = 0; i < st->nr && i < HUNGTASK_MAX_FRAMES; i++) {
		size_t need;

		snprintf(sym, sizeof(sym), "%pS", (void *)st->frames[i]);
		hungtask_kmsg_quote(q, sizeof(q), sym);
		need = strlen(q) + 3;	/* ,"q" */
		if (open && b->len + need - b->line >= HUNGTASK_KMSG_LINE_MAX)
			open = false;
		if (!open) {
			/* A new line must hold its head and this frame in the record. */
			if (b->len + 64 + strlen(head) + need >= b->cap) {
				b->truncated = true;
				break;
			}
			hungtask_kmsg_line(b, "%s i=%u fn=\"%s\"", head, i, q);
			if (b->dropped)
				break;
			open = true;
			continue;
		}
		if (b->len + need + 1 >= b->cap) {
			b->truncated = true;
			break;
		}
		hungtask_kmsg_add(b, ",\"%s\"", q);
	}
}
