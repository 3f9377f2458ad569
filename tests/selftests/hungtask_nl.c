// SPDX-License-Identifier: GPL-2.0
/*
 * hungtask_nl: kselftest of the "hungtask" generic netlink family
 * (proto/hungtask.yaml, proto/README.md), run in a guest of the VM bench
 * with hungtask.ko loaded (tests/selftests/nl-scenario, tools/selftest).
 *
 * Raw NETLINK_GENERIC sockets and a small attribute builder/parser of our
 * own (no libnl), so that it links statically for the busybox guest.
 *
 * The tests run in file order and share the kernel's state: the event test
 * triggers the seed look-alike (HUNGTASK_NL_TRIGGER, default "sh ./trigger"
 * in the current directory), and the dump and ack tests after it rely on the
 * incident it produced. unload_while_subscribed comes last; it unloads and
 * reloads hungtask.ko (HUNGTASK_KO, default /hungtask/hungtask.ko).
 *
 * Build: gcc -static -I<linux-source>/tools/testing/selftests -I proto ...
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/types.h>

#include "hungtask.h"
#include "kselftest_harness.h"

/* Older uAPI headers may lack some of these. */
#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NLM_F_CAPPED
#define NLM_F_CAPPED 0x100
#endif
#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS 0x200
#endif
#define HT_NLMSGERR_ATTR_MSG 1
#define HT_NLMSGERR_ATTR_OFFS 2
#define HT_NLMSGERR_ATTR_MISS_TYPE 5

#define NOBODY 65534
#define RX_SIZE (256 * 1024)
#define TX_SIZE 4096
#define REPLY_TIMEOUT_MS 10000
#define EVENT_WAIT_S 60
#define SEED_VICTIM "acme-sync"
#define MAX_INCIDENTS 1024

/* ------------------------------------------------------------------ */
/* Small helpers                                                        */

static void __attribute__((constructor)) line_buffered_stdout(void)
{
	/* The TAP goes to a file in the guest: keep it in order with stderr. */
	setvbuf(stdout, NULL, _IOLBF, 0);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The running kernel's boot id, without the newline; 0 or -errno. */
static int read_boot_id(char *out, size_t size)
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
	size_t n;

	if (!f)
		return -errno;
	if (!fgets(out, size, f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	n = strlen(out);
	while (n && (out[n - 1] == '\n' || out[n - 1] == ' '))
		out[--n] = '\0';
	return 0;
}

static const char *ko_path(void)
{
	const char *p = getenv("HUNGTASK_KO");

	return p && *p ? p : "/hungtask/hungtask.ko";
}

static bool module_loaded(void)
{
	struct stat st;

	return stat("/sys/module/hungtask", &st) == 0;
}

/* ------------------------------------------------------------------ */
/* Message builder                                                      */

struct msgbuf {
	union {
		struct nlmsghdr nlh;
		char buf[TX_SIZE];
	};
};

static struct nlmsghdr *msg_start(struct msgbuf *m, uint16_t type, uint16_t flags,
				  uint8_t cmd, uint8_t version)
{
	struct genlmsghdr *g;

	memset(m, 0, sizeof(*m));
	m->nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m->nlh.nlmsg_type = type;
	m->nlh.nlmsg_flags = NLM_F_REQUEST | flags;
	g = NLMSG_DATA(&m->nlh);
	g->cmd = cmd;
	g->version = version;
	return &m->nlh;
}

static struct nlattr *msg_tail(struct nlmsghdr *nlh)
{
	return (struct nlattr *)((char *)nlh + NLMSG_ALIGN(nlh->nlmsg_len));
}

static struct nlattr *put_attr(struct nlmsghdr *nlh, uint16_t type, const void *data,
			       size_t len)
{
	struct nlattr *a = msg_tail(nlh);
	size_t total = NLMSG_ALIGN(nlh->nlmsg_len) + NLA_ALIGN(NLA_HDRLEN + len);

	if (total > TX_SIZE) {
		fprintf(stderr, "# hungtask_nl: request too large\n");
		abort();
	}
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	memset((char *)a + NLA_HDRLEN + len, 0, NLA_ALIGN(a->nla_len) - a->nla_len);
	nlh->nlmsg_len = total;
	return a;
}

static void put_u8(struct nlmsghdr *nlh, uint16_t type, uint8_t v)
{
	put_attr(nlh, type, &v, sizeof(v));
}

static void put_u32(struct nlmsghdr *nlh, uint16_t type, uint32_t v)
{
	put_attr(nlh, type, &v, sizeof(v));
}

static void put_u64(struct nlmsghdr *nlh, uint16_t type, uint64_t v)
{
	put_attr(nlh, type, &v, sizeof(v));
}

static void put_str(struct nlmsghdr *nlh, uint16_t type, const char *s)
{
	put_attr(nlh, type, s, strlen(s) + 1);
}

/* ------------------------------------------------------------------ */
/* Attribute parser                                                     */

static const void *nla_payload(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

static int nla_plen(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

/*
 * Fill tb[0..maxtype] with the last attribute of each type (types above
 * maxtype are skipped: readers ignore what they do not know). Returns the
 * number of attributes, or -1 when the stream is malformed.
 */
static int parse_attrs(const void *data, int len, const struct nlattr **tb, int maxtype)
{
	const struct nlattr *a = data;
	int n = 0;

	if (tb)
		memset(tb, 0, sizeof(*tb) * (maxtype + 1));
	while (len >= NLA_HDRLEN) {
		int type = a->nla_type & NLA_TYPE_MASK;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return -1;
		if (tb && type <= maxtype)
			tb[type] = a;
		n++;
		if (NLA_ALIGN(a->nla_len) >= len)
			return n;
		len -= NLA_ALIGN(a->nla_len);
		a = (const struct nlattr *)((const char *)a + NLA_ALIGN(a->nla_len));
	}
	return len ? -1 : n;
}

#define for_each_nested(pos, nest, rem)                                          \
	for (pos = nla_payload(nest), rem = nla_plen(nest);                      \
	     rem >= NLA_HDRLEN && pos->nla_len >= NLA_HDRLEN && pos->nla_len <= rem; \
	     rem -= NLA_ALIGN(pos->nla_len),                                     \
	     pos = (const struct nlattr *)((const char *)pos + NLA_ALIGN(pos->nla_len)))

static bool get_u8(const struct nlattr *a, uint8_t *v)
{
	if (!a || nla_plen(a) != 1)
		return false;
	*v = *(const uint8_t *)nla_payload(a);
	return true;
}

static bool get_u16(const struct nlattr *a, uint16_t *v)
{
	if (!a || nla_plen(a) != 2)
		return false;
	memcpy(v, nla_payload(a), 2);
	return true;
}

static bool get_u32(const struct nlattr *a, uint32_t *v)
{
	if (!a || nla_plen(a) != 4)
		return false;
	memcpy(v, nla_payload(a), 4);
	return true;
}

static bool get_u64(const struct nlattr *a, uint64_t *v)
{
	if (!a || nla_plen(a) != 8)
		return false;
	memcpy(v, nla_payload(a), 8);
	return true;
}

/* A NUL-terminated string attribute; false when absent or unterminated. */
static bool get_str(const struct nlattr *a, char *out, size_t size)
{
	const char *s;
	int len;

	if (!a)
		return false;
	s = nla_payload(a);
	len = nla_plen(a);
	if (len < 1 || !memchr(s, '\0', len))
		return false;
	snprintf(out, size, "%s", s);
	return true;
}

/* ------------------------------------------------------------------ */
/* Sockets, requests, acks                                              */

static char rxbuf[RX_SIZE] __attribute__((aligned(8)));
static uint32_t next_seq = 1000;

struct nl_ack {
	int error;		/* 0 or -errno, from NLMSG_ERROR or NLMSG_DONE */
	bool got;		/* an ERROR or DONE message arrived */
	bool tlvs;		/* NLM_F_ACK_TLVS was set */
	char msg[256];		/* NLMSGERR_ATTR_MSG, "" when none */
	int miss_type;		/* NLMSGERR_ATTR_MISS_TYPE, -1 when none */
	int offs;		/* NLMSGERR_ATTR_OFFS, -1 when none */
};

static int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1;
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	/* Optional: keep error messages short (the request is not echoed). */
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	return fd;
}

static void parse_ext_ack(const struct nlmsghdr *nlh, size_t payload, struct nl_ack *ack)
{
	const struct nlattr *tb[HT_NLMSGERR_ATTR_MISS_TYPE + 1];
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(payload);
	uint32_t v;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off >= nlh->nlmsg_len)
		return;
	ack->tlvs = true;
	if (parse_attrs((const char *)nlh + off, nlh->nlmsg_len - off, tb,
			HT_NLMSGERR_ATTR_MISS_TYPE) < 0)
		return;
	get_str(tb[HT_NLMSGERR_ATTR_MSG], ack->msg, sizeof(ack->msg));
	if (get_u32(tb[HT_NLMSGERR_ATTR_MISS_TYPE], &v))
		ack->miss_type = v;
	if (get_u32(tb[HT_NLMSGERR_ATTR_OFFS], &v))
		ack->offs = v;
}

static void parse_error_msg(const struct nlmsghdr *nlh, struct nl_ack *ack)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t payload = sizeof(*e);

	ack->got = true;
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(int))) {
		ack->error = -EBADMSG;
		return;
	}
	ack->error = e->error;
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		payload += e->msg.nlmsg_len - NLMSG_HDRLEN;
	parse_ext_ack(nlh, payload, ack);
}

static void parse_done_msg(const struct nlmsghdr *nlh, struct nl_ack *ack)
{
	int err = 0;

	ack->got = true;
	if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
		memcpy(&err, NLMSG_DATA(nlh), sizeof(int));
	ack->error = err;
	parse_ext_ack(nlh, sizeof(int), ack);
}

typedef void (*nl_cb)(const struct nlmsghdr *nlh, void *ctx);

/*
 * Send the request and read replies with its seq until its NLMSG_ERROR (a
 * do with NLM_F_ACK) or NLMSG_DONE (a dump); cb sees every other reply.
 * Returns ack->error (0 or -errno from the kernel), or a local -errno
 * (-ETIMEDOUT when no answer came within REPLY_TIMEOUT_MS).
 */
static int nl_transact(int fd, struct nlmsghdr *req, nl_cb cb, void *ctx, struct nl_ack *ack)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct nl_ack local;
	int64_t deadline;
	uint32_t seq;

	if (!ack)
		ack = &local;
	memset(ack, 0, sizeof(*ack));
	ack->miss_type = -1;
	ack->offs = -1;
	seq = req->nlmsg_seq = ++next_seq;
	if (sendto(fd, req, req->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;

	deadline = now_ms() + REPLY_TIMEOUT_MS;
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t left = deadline - now_ms();
		struct nlmsghdr *nlh;
		ssize_t n;
		int len;

		if (left <= 0)
			return -ETIMEDOUT;
		n = poll(&pfd, 1, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -ETIMEDOUT;
		n = recv(fd, rxbuf, sizeof(rxbuf), MSG_TRUNC);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		if ((size_t)n > sizeof(rxbuf))
			return -EMSGSIZE;
		len = n;
		for (nlh = (struct nlmsghdr *)rxbuf; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_seq != seq)
				continue; /* a multicast event or a stale reply */
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				parse_error_msg(nlh, ack);
				return ack->error;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				parse_done_msg(nlh, ack);
				return ack->error;
			}
			if (cb)
				cb(nlh, ctx);
		}
	}
}

/* The genl payload (attributes) of a family message. */
static const void *genl_attrs(const struct nlmsghdr *nlh, int *len)
{
	*len = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	return (const char *)NLMSG_DATA(nlh) + GENL_HDRLEN;
}

static uint8_t genl_cmd(const struct nlmsghdr *nlh)
{
	return ((const struct genlmsghdr *)NLMSG_DATA(nlh))->cmd;
}

/* ------------------------------------------------------------------ */
/* CTRL: family resolution                                              */

#define MAX_OPS 32

struct family_info {
	bool ok;
	uint16_t id;
	uint32_t version;
	bool has_events;
	uint32_t events_grp;
	int n_groups;
	bool has_op[MAX_OPS];
	uint32_t op_flags[MAX_OPS];
};

static void family_cb(const struct nlmsghdr *nlh, void *ctx)
{
	struct family_info *fi = ctx;
	const struct nlattr *tb[CTRL_ATTR_MAX + 1], *pos;
	const void *attrs;
	int len, rem;

	if (nlh->nlmsg_type != GENL_ID_CTRL)
		return;
	attrs = genl_attrs(nlh, &len);
	if (parse_attrs(attrs, len, tb, CTRL_ATTR_MAX) < 0)
		return;
	fi->ok = get_u16(tb[CTRL_ATTR_FAMILY_ID], &fi->id);
	get_u32(tb[CTRL_ATTR_VERSION], &fi->version);
	if (tb[CTRL_ATTR_MCAST_GROUPS]) {
		for_each_nested(pos, tb[CTRL_ATTR_MCAST_GROUPS], rem) {
			const struct nlattr *g[CTRL_ATTR_MCAST_GRP_MAX + 1];
			char name[GENL_NAMSIZ + 1] = "";
			uint32_t id;

			if (parse_attrs(nla_payload(pos), nla_plen(pos), g, CTRL_ATTR_MCAST_GRP_MAX) < 0)
				continue;
			fi->n_groups++;
			if (get_str(g[CTRL_ATTR_MCAST_GRP_NAME], name, sizeof(name)) &&
			    get_u32(g[CTRL_ATTR_MCAST_GRP_ID], &id) &&
			    !strcmp(name, HUNGTASK_MCGRP_EVENTS)) {
				fi->has_events = true;
				fi->events_grp = id;
			}
		}
	}
	if (tb[CTRL_ATTR_OPS]) {
		for_each_nested(pos, tb[CTRL_ATTR_OPS], rem) {
			const struct nlattr *o[CTRL_ATTR_OP_MAX + 1];
			uint32_t id, flags = 0;

			if (parse_attrs(nla_payload(pos), nla_plen(pos), o, CTRL_ATTR_OP_MAX) < 0)
				continue;
			if (!get_u32(o[CTRL_ATTR_OP_ID], &id) || id >= MAX_OPS)
				continue;
			get_u32(o[CTRL_ATTR_OP_FLAGS], &flags);
			fi->has_op[id] = true;
			fi->op_flags[id] |= flags;
		}
	}
}

/* 0 and *fi filled, or -errno (-ENOENT: no such family). */
static int resolve_family(int fd, const char *name, struct family_info *fi)
{
	struct msgbuf m;
	struct nlmsghdr *nlh;
	int err;

	memset(fi, 0, sizeof(*fi));
	nlh = msg_start(&m, GENL_ID_CTRL, NLM_F_ACK, CTRL_CMD_GETFAMILY, 2);
	put_str(nlh, CTRL_ATTR_FAMILY_NAME, name);
	err = nl_transact(fd, nlh, family_cb, fi, NULL);
	if (err)
		return err;
	return fi->ok ? 0 : -EBADMSG;
}

static int join_group(int fd, uint32_t grp)
{
	if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)) < 0)
		return -errno;
	return 0;
}

/* ------------------------------------------------------------------ */
/* hungtask requests                                                    */

struct status {
	bool has[HUNGTASK_A_STATUS_MAX + 1];
	bool bad_len;	/* an attribute with the wrong payload size */
	uint32_t version;
	char boot_id[64];
	uint64_t first_seq, last_seq, captured, coalesced, dropped_full, dropped_busy,
		listeners_failed, instance_id, events_reduced;
	uint32_t ring_fill, ring_size;
	int replies;
};

static void status_cb(const struct nlmsghdr *nlh, void *ctx)
{
	const struct nlattr *tb[HUNGTASK_A_STATUS_MAX + 1];
	struct status *st = ctx;
	const void *attrs;
	int len, i;

	st->replies++;
	attrs = genl_attrs(nlh, &len);
	if (parse_attrs(attrs, len, tb, HUNGTASK_A_STATUS_MAX) < 0) {
		st->bad_len = true;
		return;
	}
	for (i = 1; i <= HUNGTASK_A_STATUS_MAX; i++)
		st->has[i] = tb[i] != NULL;
#define U64(attr, field) \
	if (tb[attr] && !get_u64(tb[attr], &st->field)) st->bad_len = true
#define U32(attr, field) \
	if (tb[attr] && !get_u32(tb[attr], &st->field)) st->bad_len = true
	U32(HUNGTASK_A_STATUS_PROTOCOL_VERSION, version);
	U64(HUNGTASK_A_STATUS_FIRST_SEQ, first_seq);
	U64(HUNGTASK_A_STATUS_LAST_SEQ, last_seq);
	U64(HUNGTASK_A_STATUS_CAPTURED, captured);
	U64(HUNGTASK_A_STATUS_COALESCED, coalesced);
	U64(HUNGTASK_A_STATUS_DROPPED_FULL, dropped_full);
	U64(HUNGTASK_A_STATUS_DROPPED_BUSY, dropped_busy);
	U64(HUNGTASK_A_STATUS_LISTENERS_FAILED, listeners_failed);
	U64(HUNGTASK_A_STATUS_INSTANCE_ID, instance_id);
	U64(HUNGTASK_A_STATUS_EVENTS_REDUCED, events_reduced);
	U32(HUNGTASK_A_STATUS_RING_FILL, ring_fill);
	U32(HUNGTASK_A_STATUS_RING_SIZE, ring_size);
#undef U64
#undef U32
	if (tb[HUNGTASK_A_STATUS_BOOT_ID] &&
	    !get_str(tb[HUNGTASK_A_STATUS_BOOT_ID], st->boot_id, sizeof(st->boot_id)))
		st->bad_len = true;
}

static int get_status(int fd, uint16_t fam, struct status *st, struct nl_ack *ack)
{
	struct msgbuf m;

	memset(st, 0, sizeof(*st));
	return nl_transact(fd, msg_start(&m, fam, NLM_F_ACK, HUNGTASK_CMD_STATUS_GET,
					 HUNGTASK_FAMILY_VERSION),
			   status_cb, st, ack);
}

struct config {
	bool has_capture, has_kmsg, has_runq, bad_len;
	uint8_t capture, kmsg;
	uint32_t runq;
	int replies;
};

static void config_cb(const struct nlmsghdr *nlh, void *ctx)
{
	const struct nlattr *tb[HUNGTASK_A_CONFIG_MAX + 1];
	struct config *c = ctx;
	const void *attrs;
	int len;

	c->replies++;
	attrs = genl_attrs(nlh, &len);
	if (parse_attrs(attrs, len, tb, HUNGTASK_A_CONFIG_MAX) < 0) {
		c->bad_len = true;
		return;
	}
	c->has_capture = get_u8(tb[HUNGTASK_A_CONFIG_CAPTURE_ENABLED], &c->capture);
	c->has_kmsg = get_u8(tb[HUNGTASK_A_CONFIG_KMSG_ENABLED], &c->kmsg);
	c->has_runq = get_u32(tb[HUNGTASK_A_CONFIG_RUNQ_WALK_MAX], &c->runq);
}

static int get_config(int fd, uint16_t fam, struct config *c, struct nl_ack *ack)
{
	struct msgbuf m;

	memset(c, 0, sizeof(*c));
	return nl_transact(fd, msg_start(&m, fam, NLM_F_ACK, HUNGTASK_CMD_CONFIG_GET,
					 HUNGTASK_FAMILY_VERSION),
			   config_cb, c, ack);
}

static int set_runq_walk_max(int fd, uint16_t fam, uint32_t v, struct nl_ack *ack)
{
	struct msgbuf m;
	struct nlmsghdr *nlh;

	nlh = msg_start(&m, fam, NLM_F_ACK, HUNGTASK_CMD_CONFIG_SET, HUNGTASK_FAMILY_VERSION);
	put_u32(nlh, HUNGTASK_A_CONFIG_RUNQ_WALK_MAX, v);
	return nl_transact(fd, nlh, NULL, NULL, ack);
}

/* ACK; with_seq/boot_id NULL leave the attribute out. */
static int send_ack(int fd, uint16_t fam, bool with_seq, uint64_t seq, const char *boot_id,
		    struct nl_ack *ack)
{
	struct msgbuf m;
	struct nlmsghdr *nlh;

	nlh = msg_start(&m, fam, NLM_F_ACK, HUNGTASK_CMD_ACK, HUNGTASK_FAMILY_VERSION);
	if (with_seq)
		put_u64(nlh, HUNGTASK_A_INCIDENT_SEQ, seq);
	if (boot_id)
		put_str(nlh, HUNGTASK_A_INCIDENT_BOOT_ID, boot_id);
	return nl_transact(fd, nlh, NULL, NULL, ack);
}

/* ------------------------------------------------------------------ */
/* Incidents (dump replies and events)                                  */

struct incident {
	uint8_t cmd;
	bool malformed;		/* bad attribute stream or payload size */
	bool has_seq, has_boot_id, has_detected, has_trigger, has_victim, has_host;
	bool has_instance, reduced;
	uint64_t seq, detected_ns, instance_id;
	uint32_t len;		/* nlmsg_len of the message */
	char boot_id[64];
	uint32_t trigger;
	uint32_t pid;
	char comm[32];
	uint8_t state;
	int frames, frames_addr, frames_sym;
	int hops, hops_bad_kind;
};

static void parse_task(const struct nlattr *nest, struct incident *in)
{
	const struct nlattr *tb[HUNGTASK_A_TASK_MAX + 1];

	if (parse_attrs(nla_payload(nest), nla_plen(nest), tb, HUNGTASK_A_TASK_MAX) < 0) {
		in->malformed = true;
		return;
	}
	if ((tb[HUNGTASK_A_TASK_PID] && !get_u32(tb[HUNGTASK_A_TASK_PID], &in->pid)) ||
	    (tb[HUNGTASK_A_TASK_COMM] &&
	     !get_str(tb[HUNGTASK_A_TASK_COMM], in->comm, sizeof(in->comm))) ||
	    (tb[HUNGTASK_A_TASK_STATE] && !get_u8(tb[HUNGTASK_A_TASK_STATE], &in->state)))
		in->malformed = true;
}

static void parse_stack(const struct nlattr *nest, struct incident *in)
{
	const struct nlattr *pos;
	int rem;

	if (parse_attrs(nla_payload(nest), nla_plen(nest), NULL, 0) < 0) {
		in->malformed = true;
		return;
	}
	for_each_nested(pos, nest, rem) {
		const struct nlattr *f[HUNGTASK_A_FRAME_MAX + 1];
		char sym[256];
		uint64_t addr;

		if ((pos->nla_type & NLA_TYPE_MASK) != HUNGTASK_A_STACK_FRAME)
			continue;
		in->frames++;
		if (parse_attrs(nla_payload(pos), nla_plen(pos), f, HUNGTASK_A_FRAME_MAX) < 0) {
			in->malformed = true;
			continue;
		}
		if (get_u64(f[HUNGTASK_A_FRAME_ADDR], &addr) && addr)
			in->frames_addr++;
		if (get_str(f[HUNGTASK_A_FRAME_SYM], sym, sizeof(sym)) && sym[0])
			in->frames_sym++;
	}
}

static void parse_incident(const struct nlmsghdr *nlh, struct incident *in)
{
	const struct nlattr *tb[HUNGTASK_A_INCIDENT_MAX + 1], *a;
	const void *attrs;
	int len;

	memset(in, 0, sizeof(*in));
	in->cmd = genl_cmd(nlh);
	attrs = genl_attrs(nlh, &len);
	if (len < 0 || parse_attrs(attrs, len, tb, HUNGTASK_A_INCIDENT_MAX) < 0) {
		in->malformed = true;
		return;
	}
	in->has_seq = get_u64(tb[HUNGTASK_A_INCIDENT_SEQ], &in->seq);
	in->has_boot_id = get_str(tb[HUNGTASK_A_INCIDENT_BOOT_ID], in->boot_id,
				  sizeof(in->boot_id));
	in->has_detected = get_u64(tb[HUNGTASK_A_INCIDENT_DETECTED_NS], &in->detected_ns);
	in->has_trigger = get_u32(tb[HUNGTASK_A_INCIDENT_TRIGGER], &in->trigger);
	in->has_host = tb[HUNGTASK_A_INCIDENT_HOST] != NULL;
	in->len = nlh->nlmsg_len;
	in->has_instance = get_u64(tb[HUNGTASK_A_INCIDENT_INSTANCE_ID], &in->instance_id);
	if (tb[HUNGTASK_A_INCIDENT_REDUCED]) {
		uint8_t r = 0;

		if (!get_u8(tb[HUNGTASK_A_INCIDENT_REDUCED], &r))
			in->malformed = true;
		in->reduced = r == 1;
	}
	if ((tb[HUNGTASK_A_INCIDENT_SEQ] && !in->has_seq) ||
	    (tb[HUNGTASK_A_INCIDENT_BOOT_ID] && !in->has_boot_id) ||
	    (tb[HUNGTASK_A_INCIDENT_DETECTED_NS] && !in->has_detected) ||
	    (tb[HUNGTASK_A_INCIDENT_TRIGGER] && !in->has_trigger))
		in->malformed = true;
	if (tb[HUNGTASK_A_INCIDENT_VICTIM]) {
		in->has_victim = true;
		parse_task(tb[HUNGTASK_A_INCIDENT_VICTIM], in);
	}
	if (tb[HUNGTASK_A_INCIDENT_VICTIM_STACK])
		parse_stack(tb[HUNGTASK_A_INCIDENT_VICTIM_STACK], in);

	/* hop is a multi-attr: walk the top level again. */
	for (a = attrs; len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len;
	     len -= NLA_ALIGN(a->nla_len),
	     a = (const struct nlattr *)((const char *)a + NLA_ALIGN(a->nla_len))) {
		const struct nlattr *h[HUNGTASK_A_HOP_MAX + 1];
		uint32_t kind;

		if ((a->nla_type & NLA_TYPE_MASK) != HUNGTASK_A_INCIDENT_HOP)
			continue;
		in->hops++;
		if (parse_attrs(nla_payload(a), nla_plen(a), h, HUNGTASK_A_HOP_MAX) < 0 ||
		    !get_u32(h[HUNGTASK_A_HOP_KIND], &kind) || kind > HUNGTASK_HOP_KIND_MAX)
			in->hops_bad_kind++;
		if (NLA_ALIGN(a->nla_len) >= len)
			break;
	}
}

struct incident_list {
	int n;			/* incidents seen (all of them) */
	int stored;		/* of which kept in v[] */
	int non_incident_cmd;	/* replies whose genl cmd is not INCIDENT_GET */
	int malformed;
	bool increasing;	/* every seq greater than the one before */
	bool any_seed;		/* one of them has the seed's victim */
	uint64_t first, last, prev;
	struct incident v[MAX_INCIDENTS];
};

static void dump_cb(const struct nlmsghdr *nlh, void *ctx)
{
	struct incident_list *l = ctx;
	struct incident in;

	parse_incident(nlh, &in);
	if (in.cmd != HUNGTASK_CMD_INCIDENT_GET)
		l->non_incident_cmd++;
	if (in.malformed || !in.has_seq)
		l->malformed++;
	if (!l->n)
		l->first = in.seq;
	else if (in.seq <= l->prev)
		l->increasing = false;
	l->prev = l->last = in.seq;
	if (!strcmp(in.comm, SEED_VICTIM))
		l->any_seed = true;
	if (l->stored < MAX_INCIDENTS)
		l->v[l->stored++] = in;
	l->n++;
}

/* Dump with from-seq (or without the attribute); the list is heap-allocated. */
static int dump_incidents(int fd, uint16_t fam, bool with_from, uint64_t from,
			  struct incident_list **out, struct nl_ack *ack)
{
	struct incident_list *l = calloc(1, sizeof(*l));
	struct msgbuf m;
	struct nlmsghdr *nlh;

	if (!l)
		return -ENOMEM;
	l->increasing = true;
	*out = l;
	nlh = msg_start(&m, fam, NLM_F_DUMP, HUNGTASK_CMD_INCIDENT_GET, HUNGTASK_FAMILY_VERSION);
	if (with_from)
		put_u64(nlh, HUNGTASK_A_INCIDENT_FROM_SEQ, from);
	return nl_transact(fd, nlh, dump_cb, l, ack);
}

/* ------------------------------------------------------------------ */
/* Dropping privileges                                                  */

struct unpriv_result {
	int stage;	/* how far the child got; see the step functions */
	int err;	/* result of the step that ended it (0 or -errno) */
	int status_err;	/* status-get as the unprivileged user (control) */
	unsigned long long capeff;
};

/* The effective capability set (capget(2), no /proc needed); ~0 on error. */
static unsigned long long read_capeff(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};

	if (syscall(SYS_capget, &hdr, data))
		return ~0ULL;
	return (unsigned long long)data[1].effective << 32 | data[0].effective;
}

enum {
	STAGE_DROP = 1,		/* setgroups/setresgid/setresuid failed */
	STAGE_CAPS,		/* capabilities still there after the drop */
	STAGE_SOCKET,		/* opening the socket failed */
	STAGE_RESOLVE,		/* family resolution failed */
	STAGE_OP,		/* the privileged operation ran: err is its result */
};

typedef int (*unpriv_op)(int fd, const struct family_info *fi);

/*
 * Fork; the child drops to uid/gid 65534 with setresuid(), which clears
 * every capability, opens its own socket (the kernel checks the opener's
 * credentials too), checks status-get works, then runs op. The parent
 * waits and returns what the child reported.
 */
static int run_unprivileged(unpriv_op op, struct unpriv_result *r)
{
	int p[2], status;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	if (pipe(p))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		struct unpriv_result res = { .stage = STAGE_DROP };
		struct family_info fi;
		struct status st;
		int fd;

		close(p[0]);
		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY)) {
			res.err = -errno;
			goto out;
		}
		res.stage = STAGE_CAPS;
		res.capeff = read_capeff();
		if (res.capeff != 0)
			goto out;
		res.stage = STAGE_SOCKET;
		fd = nl_open();
		if (fd < 0) {
			res.err = fd;
			goto out;
		}
		res.stage = STAGE_RESOLVE;
		res.err = resolve_family(fd, HUNGTASK_FAMILY_NAME, &fi);
		if (res.err)
			goto out;
		res.status_err = get_status(fd, fi.id, &st, NULL);
		res.stage = STAGE_OP;
		res.err = op(fd, &fi);
out:
		if (write(p[1], &res, sizeof(res)) != sizeof(res))
			_exit(2);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], r, sizeof(*r)) != sizeof(*r))
		r->stage = 0;
	close(p[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return -ECHILD;
	return r->stage ? 0 : -EPIPE;
}

/* ------------------------------------------------------------------ */
/* The fixture: one request socket, the family resolved, the boot id    */

FIXTURE(hungtask)
{
	int fd;
	struct family_info fi;
	uint16_t fam;
	char boot_id[64];
};

FIXTURE_SETUP(hungtask)
{
	int err;

	self->fd = nl_open();
	ASSERT_LE(0, self->fd) TH_LOG("cannot open a NETLINK_GENERIC socket: %s",
				       strerror(-self->fd));
	ASSERT_EQ(0, read_boot_id(self->boot_id, sizeof(self->boot_id)));
	ASSERT_EQ((size_t)HUNGTASK_BOOT_ID_LEN, strlen(self->boot_id));
	err = resolve_family(self->fd, HUNGTASK_FAMILY_NAME, &self->fi);
	ASSERT_EQ(0, err) TH_LOG("family \"%s\" does not resolve: %s (is hungtask.ko loaded?)",
				 HUNGTASK_FAMILY_NAME, strerror(-err));
	self->fam = self->fi.id;
}

FIXTURE_TEARDOWN(hungtask)
{
	if (self->fd >= 0)
		close(self->fd);
	/* Never leave the guest without the module, whatever failed. */
	if (!module_loaded()) {
		char cmd[512];

		snprintf(cmd, sizeof(cmd), "insmod %s", ko_path());
		if (system(cmd))
			fprintf(stderr, "# teardown: '%s' failed\n", cmd);
	}
}

/* Latest status, asserted to be there. */
#define STATUS_OR_FAIL(st)                                                        \
	do {                                                                      \
		int __err = get_status(self->fd, self->fam, &(st), NULL);         \
		ASSERT_EQ(0, __err) TH_LOG("status-get: %s", strerror(-__err));   \
	} while (0)

/* ------------------------------------------------------------------ */
/* Tests, in the order they run                                         */

TEST_F(hungtask, family_and_group_resolve)
{
	struct family_info fi;

	/* The fixture resolved it already; resolve again and look closer. */
	ASSERT_EQ(0, resolve_family(self->fd, HUNGTASK_FAMILY_NAME, &fi));
	EXPECT_GE(fi.id, GENL_MIN_ID);
	EXPECT_EQ(self->fam, fi.id);
	ASSERT_TRUE(fi.has_events) TH_LOG("no multicast group \"%s\" (%d groups)",
					  HUNGTASK_MCGRP_EVENTS, fi.n_groups);
	EXPECT_NE(0U, fi.events_grp);
	EXPECT_EQ(1, fi.n_groups);
	TH_LOG("family %s id %u version %u, group %s id %u", HUNGTASK_FAMILY_NAME, fi.id,
	       fi.version, HUNGTASK_MCGRP_EVENTS, fi.events_grp);

	/* A family that does not exist is ENOENT (names fit GENL_NAMSIZ). */
	EXPECT_EQ(-ENOENT, resolve_family(self->fd, "hungtask-none", &fi));
}

TEST_F(hungtask, ops_advertise_permissions)
{
	const struct family_info *fi = &self->fi;

	/* CTRL lists each op with its flags: the permission table of the README. */
	ASSERT_TRUE(fi->has_op[HUNGTASK_CMD_INCIDENT_GET]);
	ASSERT_TRUE(fi->has_op[HUNGTASK_CMD_ACK]);
	ASSERT_TRUE(fi->has_op[HUNGTASK_CMD_CONFIG_GET]);
	ASSERT_TRUE(fi->has_op[HUNGTASK_CMD_CONFIG_SET]);
	ASSERT_TRUE(fi->has_op[HUNGTASK_CMD_STATUS_GET]);
	EXPECT_TRUE(!!(fi->op_flags[HUNGTASK_CMD_INCIDENT_GET] & GENL_CMD_CAP_DUMP));
	EXPECT_TRUE(!!(fi->op_flags[HUNGTASK_CMD_INCIDENT_GET] & GENL_ADMIN_PERM));
	EXPECT_TRUE(!!(fi->op_flags[HUNGTASK_CMD_ACK] & GENL_CMD_CAP_DO));
	EXPECT_TRUE(!!(fi->op_flags[HUNGTASK_CMD_ACK] & GENL_ADMIN_PERM));
	EXPECT_TRUE(!!(fi->op_flags[HUNGTASK_CMD_CONFIG_SET] & GENL_ADMIN_PERM));
	EXPECT_TRUE(!!(fi->op_flags[HUNGTASK_CMD_STATUS_GET] & GENL_CMD_CAP_DO));
	EXPECT_FALSE(!!(fi->op_flags[HUNGTASK_CMD_STATUS_GET] & GENL_ADMIN_PERM));
	/* EVENT is a notification, not a request. */
	EXPECT_FALSE(fi->has_op[HUNGTASK_CMD_EVENT] &&
		     (fi->op_flags[HUNGTASK_CMD_EVENT] & (GENL_CMD_CAP_DO | GENL_CMD_CAP_DUMP)));
}

TEST_F(hungtask, status_reports_version_and_boot_id)
{
	struct nl_ack ack;
	struct status st;
	int i;

	ASSERT_EQ(0, get_status(self->fd, self->fam, &st, &ack));
	ASSERT_EQ(1, st.replies);
	EXPECT_FALSE(st.bad_len);
	ASSERT_TRUE(st.has[HUNGTASK_A_STATUS_PROTOCOL_VERSION]);
	EXPECT_EQ((uint32_t)HUNGTASK_FAMILY_VERSION, st.version);
	ASSERT_TRUE(st.has[HUNGTASK_A_STATUS_BOOT_ID]);
	EXPECT_EQ((size_t)HUNGTASK_BOOT_ID_LEN, strlen(st.boot_id));
	EXPECT_STREQ(self->boot_id, st.boot_id);
	for (i = HUNGTASK_A_STATUS_FIRST_SEQ; i <= HUNGTASK_A_STATUS_EVENTS_REDUCED; i++)
		EXPECT_TRUE(st.has[i]) TH_LOG("status attribute %d missing", i);
	/* The module instance: random at load, never 0 (a reload is visible). */
	EXPECT_NE(0ULL, (unsigned long long)st.instance_id);
	TH_LOG("instance id %016llx", (unsigned long long)st.instance_id);
	EXPECT_LT(0U, st.ring_size);
	EXPECT_LE(st.ring_fill, st.ring_size);
	EXPECT_LE(st.first_seq, st.last_seq);
	if (st.ring_fill == 0) {
		EXPECT_EQ(0ULL, (unsigned long long)st.first_seq);
	} else {
		EXPECT_LT(0ULL, (unsigned long long)st.first_seq);
		EXPECT_EQ(st.ring_fill, st.last_seq - st.first_seq + 1);
	}
	EXPECT_LE(st.last_seq, st.captured);
	TH_LOG("seq %llu..%llu, fill %u/%u, captured %llu coalesced %llu dropped %llu/%llu "
	       "listeners_failed %llu",
	       (unsigned long long)st.first_seq, (unsigned long long)st.last_seq, st.ring_fill,
	       st.ring_size, (unsigned long long)st.captured, (unsigned long long)st.coalesced,
	       (unsigned long long)st.dropped_full, (unsigned long long)st.dropped_busy,
	       (unsigned long long)st.listeners_failed);
}

TEST_F_TIMEOUT(hungtask, event_arrives_for_the_seed, EVENT_WAIT_S + 30)
{
	const char *trigger = getenv("HUNGTASK_NL_TRIGGER");
	int rcvbuf = 4 << 20, ev, err, rc, events = 0;
	struct incident in, seed;
	bool found = false;
	int64_t deadline;
	struct status st;

	ev = nl_open();
	ASSERT_LE(0, ev);
	setsockopt(ev, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	/* Subscribe first, then trigger: the event cannot be missed. */
	err = join_group(ev, self->fi.events_grp);
	ASSERT_EQ(0, err) TH_LOG("joining \"events\" as root: %s", strerror(-err));
	STATUS_OR_FAIL(st);

	if (!trigger || !*trigger) {
		trigger = "sh ./trigger";
		ASSERT_EQ(0, access("./trigger", R_OK))
			TH_LOG("no ./trigger here: run from the scenario directory or set "
			       "HUNGTASK_NL_TRIGGER");
	}
	rc = system(trigger);
	ASSERT_EQ(0, rc) TH_LOG("'%s' failed: status %#x", trigger, rc);

	deadline = now_ms() + EVENT_WAIT_S * 1000;
	while (!found) {
		struct pollfd pfd = { .fd = ev, .events = POLLIN };
		int64_t left = deadline - now_ms();
		struct nlmsghdr *nlh;
		ssize_t n;
		int len;

		if (left <= 0)
			break;
		n = poll(&pfd, 1, left);
		if (n <= 0)
			continue;
		n = recv(ev, rxbuf, sizeof(rxbuf), MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0) {
			if (errno == ENOBUFS)
				TH_LOG("events socket overran (ENOBUFS)");
			continue;
		}
		ASSERT_LE(n, (ssize_t)sizeof(rxbuf));
		len = n;
		for (nlh = (struct nlmsghdr *)rxbuf; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_type != self->fam)
				continue;
			parse_incident(nlh, &in);
			events++;
			TH_LOG("event cmd %u seq %llu trigger %u victim %u '%s' state %c, %d frames, "
			       "%d hops", in.cmd, (unsigned long long)in.seq, in.trigger, in.pid,
			       in.comm, in.state ? in.state : '?', in.frames, in.hops);
			EXPECT_EQ(HUNGTASK_CMD_EVENT, in.cmd);
			EXPECT_FALSE(in.malformed);
			if (!found && in.cmd == HUNGTASK_CMD_EVENT && !strcmp(in.comm, SEED_VICTIM)) {
				seed = in;
				found = true;
			}
		}
	}
	close(ev);
	ASSERT_TRUE(found) TH_LOG("no event for victim '%s' within %d s (%d other events)",
				  SEED_VICTIM, EVENT_WAIT_S, events);
	ASSERT_TRUE(seed.has_seq);
	ASSERT_LT(0ULL, (unsigned long long)seed.seq);
	EXPECT_LT(st.last_seq, seed.seq);
	ASSERT_TRUE(seed.has_boot_id);
	ASSERT_STREQ(self->boot_id, seed.boot_id);
	EXPECT_TRUE(seed.has_instance);
	EXPECT_EQ(st.instance_id, seed.instance_id);
	EXPECT_FALSE(seed.reduced);
	TH_LOG("seed event: %u bytes", seed.len);
	EXPECT_TRUE(seed.has_detected);
	EXPECT_TRUE(seed.has_host);
	ASSERT_TRUE(seed.has_trigger);
	EXPECT_EQ((uint32_t)HUNGTASK_TRIGGER_HUNG_TASK, seed.trigger);
	EXPECT_LT(0U, seed.pid);
	EXPECT_EQ('D', seed.state);
	EXPECT_LT(0, seed.frames);
	EXPECT_EQ(seed.frames, seed.frames_addr);
	EXPECT_LT(0, seed.frames_sym);
	EXPECT_LT(0, seed.hops);
	EXPECT_EQ(0, seed.hops_bad_kind);

	/* The ring holds it now. */
	STATUS_OR_FAIL(st);
	EXPECT_LE(seed.seq, st.last_seq);
	EXPECT_LE(st.first_seq, seed.seq);
}

TEST_F(hungtask, dump_from_zero)
{
	struct incident_list *l, *all = NULL;
	struct status before, after;
	struct nl_ack ack;
	int err, i;

	STATUS_OR_FAIL(before);
	ASSERT_LT(0ULL, (unsigned long long)before.last_seq) TH_LOG("no incident in the ring: did the event test run?");
	err = dump_incidents(self->fd, self->fam, true, 0, &l, &ack);
	ASSERT_EQ(0, err) TH_LOG("dump from 0: %s (extack '%s')", strerror(-err), ack.msg);
	STATUS_OR_FAIL(after);
	TH_LOG("dump from 0: %d incidents, seq %llu..%llu; ring %llu..%llu", l->n,
	       (unsigned long long)l->first, (unsigned long long)l->last,
	       (unsigned long long)before.first_seq, (unsigned long long)before.last_seq);
	ASSERT_LE(1, l->n);
	EXPECT_EQ(0, l->malformed);
	EXPECT_EQ(0, l->non_incident_cmd);
	EXPECT_TRUE(l->increasing);
	EXPECT_LE(1ULL, (unsigned long long)l->first);
	EXPECT_LE(before.last_seq, l->last);
	EXPECT_LE(l->last, after.last_seq);
	EXPECT_TRUE(l->any_seed) TH_LOG("no incident with victim '%s' in the dump", SEED_VICTIM);
	for (i = 0; i < l->stored; i++) {
		EXPECT_TRUE(l->v[i].has_boot_id);
		EXPECT_STREQ(self->boot_id, l->v[i].boot_id);
		EXPECT_TRUE(l->v[i].has_instance);
		EXPECT_EQ(before.instance_id, l->v[i].instance_id);
		EXPECT_FALSE(l->v[i].reduced);
	}
	/* Without from-seq: the same incidents, oldest first. */
	err = dump_incidents(self->fd, self->fam, false, 0, &all, &ack);
	EXPECT_EQ(0, err) TH_LOG("dump without from-seq: %s (extack '%s')", strerror(-err),
				 ack.msg);
	if (!err) {
		EXPECT_LE(1, all->n);
		EXPECT_TRUE(all->increasing);
		EXPECT_EQ(l->first, all->first);
	}
	free(all);
	free(l);
}

TEST_F(hungtask, dump_from_middle)
{
	struct incident_list *l;
	struct status st, st2;
	uint64_t mid;
	int err, i;

	STATUS_OR_FAIL(st);
	ASSERT_LT(0ULL, (unsigned long long)st.last_seq) TH_LOG("no incident in the ring: did the event test run?");

	/* From the last seq: that one (and nothing older). */
	err = dump_incidents(self->fd, self->fam, true, st.last_seq, &l, NULL);
	ASSERT_EQ(0, err);
	ASSERT_LE(1, l->n);
	EXPECT_EQ(st.last_seq, l->first);
	EXPECT_TRUE(l->increasing);
	for (i = 0; i < l->stored; i++)
		EXPECT_LE(st.last_seq, l->v[i].seq);
	free(l);

	/* From the middle of the ring, when it holds several. */
	mid = st.first_seq + (st.last_seq - st.first_seq) / 2;
	err = dump_incidents(self->fd, self->fam, true, mid, &l, NULL);
	ASSERT_EQ(0, err);
	ASSERT_LE(1, l->n);
	EXPECT_EQ(mid, l->first);
	EXPECT_TRUE(l->increasing);
	for (i = 0; i < l->stored; i++)
		EXPECT_LE(mid, l->v[i].seq);
	free(l);

	/* From last + 1: nothing, unless an incident was stored meanwhile. */
	err = dump_incidents(self->fd, self->fam, true, st.last_seq + 1, &l, NULL);
	ASSERT_EQ(0, err);
	STATUS_OR_FAIL(st2);
	if (st2.last_seq == st.last_seq) {
		EXPECT_EQ(0, l->n);
	} else {
		TH_LOG("incidents %llu..%llu arrived during the test",
		       (unsigned long long)st.last_seq + 1, (unsigned long long)st2.last_seq);
	}
	EXPECT_LE((uint64_t)l->n, st2.last_seq - st.last_seq);
	for (i = 0; i < l->stored; i++)
		EXPECT_LT(st.last_seq, l->v[i].seq);
	free(l);

	/* Far beyond the end: nothing at all. */
	err = dump_incidents(self->fd, self->fam, true, st2.last_seq + 1000000, &l, NULL);
	ASSERT_EQ(0, err);
	EXPECT_EQ(0, l->n);
	free(l);
}

TEST_F(hungtask, ack_known_seq_ok)
{
	struct nl_ack ack;
	struct status st;
	int err;

	STATUS_OR_FAIL(st);
	ASSERT_LT(0ULL, (unsigned long long)st.last_seq) TH_LOG("no incident in the ring: did the event test run?");
	err = send_ack(self->fd, self->fam, true, st.last_seq, self->boot_id, &ack);
	ASSERT_EQ(0, err) TH_LOG("ack %llu: %s (extack '%s')", (unsigned long long)st.last_seq,
				 strerror(-err), ack.msg);
	ASSERT_TRUE(ack.got);
	/* Acking twice is harmless. */
	err = send_ack(self->fd, self->fam, true, st.last_seq, self->boot_id, &ack);
	EXPECT_EQ(0, err) TH_LOG("second ack: %s (extack '%s')", strerror(-err), ack.msg);
	/* An acked incident stays readable until it is overwritten. */
	{
		struct incident_list *l;

		ASSERT_EQ(0, dump_incidents(self->fd, self->fam, true, st.last_seq, &l, NULL));
		EXPECT_LE(1, l->n);
		EXPECT_EQ(st.last_seq, l->first);
		free(l);
	}
}

TEST_F(hungtask, ack_stale_boot_id_is_estale)
{
	char other[64];
	struct nl_ack ack;
	struct status st;
	int err;

	STATUS_OR_FAIL(st);
	ASSERT_LT(0ULL, (unsigned long long)st.last_seq);
	/* A well-formed boot id of another boot: flip the first hex digit. */
	snprintf(other, sizeof(other), "%s", self->boot_id);
	other[0] = other[0] == '0' ? '1' : '0';
	err = send_ack(self->fd, self->fam, true, st.last_seq, other, &ack);
	EXPECT_EQ(-ESTALE, err) TH_LOG("ack with boot id %s: %s (extack '%s')", other,
				       strerror(-err), ack.msg);
}

TEST_F(hungtask, ack_unknown_seq_is_enoent_with_extack)
{
	struct nl_ack ack;
	struct status st;
	int err;

	STATUS_OR_FAIL(st);
	err = send_ack(self->fd, self->fam, true, st.last_seq + 1000000, self->boot_id, &ack);
	ASSERT_EQ(-ENOENT, err) TH_LOG("ack of unknown seq: %s (extack '%s')", strerror(-err),
				       ack.msg);
	EXPECT_TRUE(ack.tlvs);
	EXPECT_NE(0, ack.msg[0]) TH_LOG("ENOENT without an extack message");
	TH_LOG("extack: '%s'", ack.msg);
	/* Seq 0 is never an incident. */
	err = send_ack(self->fd, self->fam, true, 0, self->boot_id, &ack);
	EXPECT_EQ(-ENOENT, err) TH_LOG("ack of seq 0: %s (extack '%s')", strerror(-err), ack.msg);
}

/* EINVAL with extack that names the problem: a message or the missing type. */
static bool names_missing(const struct nl_ack *ack, int type)
{
	if (ack->miss_type >= 0)
		return ack->miss_type == type;
	return ack->msg[0] != '\0';
}

TEST_F(hungtask, ack_missing_seq_is_einval_with_extack)
{
	struct nl_ack ack;
	int err;

	err = send_ack(self->fd, self->fam, false, 0, self->boot_id, &ack);
	ASSERT_EQ(-EINVAL, err) TH_LOG("ack without seq: %s (extack '%s')", strerror(-err),
				       ack.msg);
	EXPECT_TRUE(ack.tlvs);
	EXPECT_TRUE(names_missing(&ack, HUNGTASK_A_INCIDENT_SEQ))
		TH_LOG("extack msg '%s' miss_type %d", ack.msg, ack.miss_type);
	TH_LOG("extack: '%s' (miss_type %d)", ack.msg, ack.miss_type);
}

TEST_F(hungtask, ack_missing_boot_id_is_einval_with_extack)
{
	struct nl_ack ack;
	struct status st;
	int err;

	STATUS_OR_FAIL(st);
	err = send_ack(self->fd, self->fam, true, st.last_seq, NULL, &ack);
	ASSERT_EQ(-EINVAL, err) TH_LOG("ack without boot id: %s (extack '%s')", strerror(-err),
				       ack.msg);
	EXPECT_TRUE(ack.tlvs);
	EXPECT_TRUE(names_missing(&ack, HUNGTASK_A_INCIDENT_BOOT_ID))
		TH_LOG("extack msg '%s' miss_type %d", ack.msg, ack.miss_type);
	TH_LOG("extack: '%s' (miss_type %d)", ack.msg, ack.miss_type);
}

TEST_F(hungtask, ack_oversized_boot_id_fails)
{
	char longer[128];
	struct nl_ack ack;
	struct status st;
	int err;

	STATUS_OR_FAIL(st);
	ASSERT_LT(0ULL, (unsigned long long)st.last_seq);
	/* The real boot id with one more character: 37 > max-len 36. */
	snprintf(longer, sizeof(longer), "%s0", self->boot_id);
	err = send_ack(self->fd, self->fam, true, st.last_seq, longer, &ack);
	ASSERT_NE(0, err) TH_LOG("a %zu-char boot id was accepted", strlen(longer));
	EXPECT_TRUE(err == -ERANGE || err == -EINVAL)
		TH_LOG("oversized boot id: %s (extack '%s')", strerror(-err), ack.msg);
	/* Much longer: the same. */
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	err = send_ack(self->fd, self->fam, true, st.last_seq, longer, &ack);
	EXPECT_TRUE(err == -ERANGE || err == -EINVAL)
		TH_LOG("127-char boot id: %s (extack '%s')", strerror(-err), ack.msg);
}

TEST_F(hungtask, unknown_attribute_is_rejected)
{
	struct config before, after;
	struct nl_ack ack;
	struct status st;
	struct msgbuf m;
	struct nlmsghdr *nlh;
	int err;

	STATUS_OR_FAIL(st);
	ASSERT_LT(0ULL, (unsigned long long)st.last_seq);

	/* ack: a valid request plus a type beyond the incident set. */
	nlh = msg_start(&m, self->fam, NLM_F_ACK, HUNGTASK_CMD_ACK, HUNGTASK_FAMILY_VERSION);
	put_u64(nlh, HUNGTASK_A_INCIDENT_SEQ, st.last_seq);
	put_str(nlh, HUNGTASK_A_INCIDENT_BOOT_ID, self->boot_id);
	put_u32(nlh, HUNGTASK_A_INCIDENT_MAX + 5, 1);
	err = nl_transact(self->fd, nlh, NULL, NULL, &ack);
	EXPECT_EQ(-EINVAL, err) TH_LOG("ack + type %d: %s (extack '%s')",
				       HUNGTASK_A_INCIDENT_MAX + 5, strerror(-err), ack.msg);

	/* ack: an attribute of the set that is not one of ack's requests. */
	nlh = msg_start(&m, self->fam, NLM_F_ACK, HUNGTASK_CMD_ACK, HUNGTASK_FAMILY_VERSION);
	put_u64(nlh, HUNGTASK_A_INCIDENT_SEQ, st.last_seq);
	put_str(nlh, HUNGTASK_A_INCIDENT_BOOT_ID, self->boot_id);
	put_u32(nlh, HUNGTASK_A_INCIDENT_TRIGGER, 0);
	err = nl_transact(self->fd, nlh, NULL, NULL, &ack);
	EXPECT_EQ(-EINVAL, err) TH_LOG("ack + trigger: %s (extack '%s')", strerror(-err),
				       ack.msg);

	/* dump: from-seq plus an unknown type. */
	nlh = msg_start(&m, self->fam, NLM_F_DUMP, HUNGTASK_CMD_INCIDENT_GET,
			HUNGTASK_FAMILY_VERSION);
	put_u64(nlh, HUNGTASK_A_INCIDENT_FROM_SEQ, 0);
	put_u32(nlh, HUNGTASK_A_INCIDENT_MAX + 5, 1);
	err = nl_transact(self->fd, nlh, NULL, NULL, &ack);
	EXPECT_EQ(-EINVAL, err) TH_LOG("dump + unknown type: %s (extack '%s')", strerror(-err),
				       ack.msg);

	/* config-set: a valid change plus an unknown type changes nothing. */
	ASSERT_EQ(0, get_config(self->fd, self->fam, &before, NULL));
	ASSERT_TRUE(before.has_runq);
	nlh = msg_start(&m, self->fam, NLM_F_ACK, HUNGTASK_CMD_CONFIG_SET,
			HUNGTASK_FAMILY_VERSION);
	put_u32(nlh, HUNGTASK_A_CONFIG_RUNQ_WALK_MAX, before.runq == 7 ? 8 : 7);
	put_u32(nlh, HUNGTASK_A_CONFIG_MAX + 5, 1);
	err = nl_transact(self->fd, nlh, NULL, NULL, &ack);
	EXPECT_EQ(-EINVAL, err) TH_LOG("config-set + unknown type: %s (extack '%s')",
				       strerror(-err), ack.msg);
	ASSERT_EQ(0, get_config(self->fd, self->fam, &after, NULL));
	EXPECT_EQ(before.runq, after.runq);
	if (after.runq != before.runq)
		set_runq_walk_max(self->fd, self->fam, before.runq, NULL);
}

TEST_F(hungtask, get_ops_reject_attributes)
{
	struct config c;
	struct nl_ack ack;
	struct status st;
	struct msgbuf m;
	struct nlmsghdr *nlh;
	int err;

	/*
	 * status-get and config-get have no request attributes, so any
	 * attribute is one their policy does not list: rejected (README: "Any
	 * other attribute in a request is rejected"), with no reply.
	 */
	nlh = msg_start(&m, self->fam, NLM_F_ACK, HUNGTASK_CMD_STATUS_GET,
			HUNGTASK_FAMILY_VERSION);
	put_u32(nlh, HUNGTASK_A_STATUS_MAX + 5, 1);
	memset(&st, 0, sizeof(st));
	err = nl_transact(self->fd, nlh, status_cb, &st, &ack);
	EXPECT_EQ(-EINVAL, err) TH_LOG("status-get + type %d: %s, %d replies (extack '%s')",
				       HUNGTASK_A_STATUS_MAX + 5, strerror(-err), st.replies,
				       ack.msg);
	EXPECT_EQ(0, st.replies);

	nlh = msg_start(&m, self->fam, NLM_F_ACK, HUNGTASK_CMD_CONFIG_GET,
			HUNGTASK_FAMILY_VERSION);
	put_u32(nlh, HUNGTASK_A_CONFIG_RUNQ_WALK_MAX, 5);
	memset(&c, 0, sizeof(c));
	err = nl_transact(self->fd, nlh, config_cb, &c, &ack);
	EXPECT_EQ(-EINVAL, err) TH_LOG("config-get + runq-walk-max: %s, %d replies (extack '%s')",
				       strerror(-err), c.replies, ack.msg);
	EXPECT_EQ(0, c.replies);
}

TEST_F(hungtask, config_get_set_roundtrip)
{
	struct config old, c;
	struct nl_ack ack;
	struct msgbuf m;
	struct nlmsghdr *nlh;
	uint32_t want;
	int err;

	err = get_config(self->fd, self->fam, &old, &ack);
	ASSERT_EQ(0, err) TH_LOG("config-get: %s (extack '%s')", strerror(-err), ack.msg);
	ASSERT_EQ(1, old.replies);
	EXPECT_FALSE(old.bad_len);
	ASSERT_TRUE(old.has_capture);
	ASSERT_TRUE(old.has_kmsg);
	ASSERT_TRUE(old.has_runq);
	EXPECT_LE(old.capture, 1);
	EXPECT_LE(old.kmsg, 1);
	EXPECT_LE(1U, old.runq);
	TH_LOG("config: capture %u kmsg %u runq-walk-max %u", old.capture, old.kmsg, old.runq);

	want = old.runq == 37 ? 38 : 37;
	err = set_runq_walk_max(self->fd, self->fam, want, &ack);
	ASSERT_EQ(0, err) TH_LOG("config-set runq-walk-max %u: %s (extack '%s')", want,
				 strerror(-err), ack.msg);
	ASSERT_EQ(0, get_config(self->fd, self->fam, &c, NULL));
	EXPECT_EQ(want, c.runq);
	/* Absent attributes are left unchanged. */
	EXPECT_EQ(old.capture, c.capture);
	EXPECT_EQ(old.kmsg, c.kmsg);

	/* The booleans round-trip too (written with their current values). */
	nlh = msg_start(&m, self->fam, NLM_F_ACK, HUNGTASK_CMD_CONFIG_SET,
			HUNGTASK_FAMILY_VERSION);
	put_u8(nlh, HUNGTASK_A_CONFIG_CAPTURE_ENABLED, old.capture);
	put_u8(nlh, HUNGTASK_A_CONFIG_KMSG_ENABLED, old.kmsg);
	EXPECT_EQ(0, nl_transact(self->fd, nlh, NULL, NULL, &ack));

	/* Out of range: rejected, the value stays. */
	err = set_runq_walk_max(self->fd, self->fam, 0, &ack);
	EXPECT_TRUE(err == -EINVAL || err == -ERANGE)
		TH_LOG("runq-walk-max 0: %s (extack '%s')", strerror(-err), ack.msg);
	nlh = msg_start(&m, self->fam, NLM_F_ACK, HUNGTASK_CMD_CONFIG_SET,
			HUNGTASK_FAMILY_VERSION);
	put_u8(nlh, HUNGTASK_A_CONFIG_CAPTURE_ENABLED, 2);
	err = nl_transact(self->fd, nlh, NULL, NULL, &ack);
	EXPECT_TRUE(err == -EINVAL || err == -ERANGE)
		TH_LOG("capture-enabled 2: %s (extack '%s')", strerror(-err), ack.msg);
	ASSERT_EQ(0, get_config(self->fd, self->fam, &c, NULL));
	EXPECT_EQ(want, c.runq);
	EXPECT_EQ(old.capture, c.capture);

	/* Restore. */
	err = set_runq_walk_max(self->fd, self->fam, old.runq, &ack);
	ASSERT_EQ(0, err);
	ASSERT_EQ(0, get_config(self->fd, self->fam, &c, NULL));
	EXPECT_EQ(old.runq, c.runq);
}

TEST_F(hungtask, config_runq_walk_max_upper_bound)
{
	struct config old, c;
	struct nl_ack ack;
	int err;

	/* runq-walk-max is 1..1000000: a walk per CPU hop must stay bounded. */
	ASSERT_EQ(0, get_config(self->fd, self->fam, &old, NULL));
	ASSERT_TRUE(old.has_runq);
	err = set_runq_walk_max(self->fd, self->fam, 1000000, &ack);
	EXPECT_EQ(0, err) TH_LOG("runq-walk-max 1000000: %s (extack '%s')", strerror(-err),
				 ack.msg);
	err = set_runq_walk_max(self->fd, self->fam, 1000001, &ack);
	EXPECT_TRUE(err == -EINVAL || err == -ERANGE)
		TH_LOG("runq-walk-max 1000001: %s (extack '%s')", strerror(-err), ack.msg);
	err = set_runq_walk_max(self->fd, self->fam, UINT32_MAX, &ack);
	EXPECT_TRUE(err == -EINVAL || err == -ERANGE)
		TH_LOG("runq-walk-max %u: %s (extack '%s')", UINT32_MAX, strerror(-err), ack.msg);
	/* Restore, whatever happened. */
	ASSERT_EQ(0, set_runq_walk_max(self->fd, self->fam, old.runq, NULL));
	ASSERT_EQ(0, get_config(self->fd, self->fam, &c, NULL));
	EXPECT_EQ(old.runq, c.runq);
}

static uint32_t unpriv_runq_target;

static int op_config_set(int fd, const struct family_info *fi)
{
	return set_runq_walk_max(fd, fi->id, unpriv_runq_target, NULL);
}

static int op_join_events(int fd, const struct family_info *fi)
{
	if (!fi->has_events)
		return -ENOENT;
	return join_group(fd, fi->events_grp);
}

static int op_dump(int fd, const struct family_info *fi)
{
	struct incident_list *l;
	int err = dump_incidents(fd, fi->id, true, 0, &l, NULL);

	free(l);
	return err;
}

static char unpriv_boot_id[64];	/* read by the parent, before the drop */

static int op_ack(int fd, const struct family_info *fi)
{
	return send_ack(fd, fi->id, true, 1, unpriv_boot_id, NULL);
}

static void log_unpriv(struct __test_metadata *_metadata, const char *what,
		       const struct unpriv_result *r)
{
	TH_LOG("%s as uid %d: stage %d, result %d (%s), status-get %d, CapEff %llx", what,
	       NOBODY, r->stage, r->err, strerror(-r->err), r->status_err, r->capeff);
}

TEST_F(hungtask, unprivileged_config_set_is_eperm)
{
	struct unpriv_result r;
	struct config before, after;

	ASSERT_EQ(0, get_config(self->fd, self->fam, &before, NULL));
	ASSERT_TRUE(before.has_runq);
	unpriv_runq_target = before.runq == 41 ? 42 : 41;
	ASSERT_EQ(0, run_unprivileged(op_config_set, &r));
	log_unpriv(_metadata, "config-set", &r);
	ASSERT_EQ(STAGE_OP, r.stage);
	/* Control: the unprivileged socket reaches the family at all. */
	EXPECT_EQ(0, r.status_err);
	ASSERT_EQ(-EPERM, r.err);
	ASSERT_EQ(0, get_config(self->fd, self->fam, &after, NULL));
	EXPECT_EQ(before.runq, after.runq);
	if (after.runq != before.runq)
		set_runq_walk_max(self->fd, self->fam, before.runq, NULL);
}

TEST_F(hungtask, unprivileged_cannot_join_events)
{
	struct unpriv_result r;

	ASSERT_EQ(0, run_unprivileged(op_join_events, &r));
	log_unpriv(_metadata, "join events", &r);
	ASSERT_EQ(STAGE_OP, r.stage);
	EXPECT_EQ(0, r.status_err);
	ASSERT_EQ(-EPERM, r.err);
}

TEST_F(hungtask, unprivileged_dump_and_ack_are_eperm)
{
	struct unpriv_result r;

	ASSERT_EQ(0, run_unprivileged(op_dump, &r));
	log_unpriv(_metadata, "dump", &r);
	ASSERT_EQ(STAGE_OP, r.stage);
	EXPECT_EQ(0, r.status_err);
	EXPECT_EQ(-EPERM, r.err);

	snprintf(unpriv_boot_id, sizeof(unpriv_boot_id), "%s", self->boot_id);
	ASSERT_EQ(0, run_unprivileged(op_ack, &r));
	log_unpriv(_metadata, "ack", &r);
	ASSERT_EQ(STAGE_OP, r.stage);
	EXPECT_EQ(-EPERM, r.err);
}

/* ------------------------------------------------------------------ */
/* Test-only fault knobs and the ht_deep victim (tests/selftests/nl-scenario) */

#define PARAM_DIR "/sys/module/hungtask/parameters/"

static int write_param(const char *name, const char *val)
{
	char path[256];
	int fd, err = 0;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		err = -errno;
	close(fd);
	return err;
}

/* A new hung task named @comm: ht_deep sleeps @secs s in D state, 40 frames deep. */
static int start_deep_victim(const char *comm, int secs)
{
	char cmd[256];

	if (access("/proc/ht_deep", F_OK) && system("insmod ./ht_deep.ko"))
		return -ENOENT;
	snprintf(cmd, sizeof(cmd), "ht-write -n %s /proc/ht_deep %d </dev/null >/dev/null 2>&1 &",
		 comm, secs);
	return system(cmd) ? -EIO : 0;
}

struct event_wait {
	const char *comm;	/* the victim to wait for */
	bool found;
	struct incident in;
	int events;		/* all events seen */
};

/* Read events until one for w->comm (or, with stop_on_found false, until the deadline). */
static void wait_events(int ev, uint16_t fam, struct event_wait *w, int64_t deadline,
			bool stop_on_found)
{
	while (!(stop_on_found && w->found)) {
		struct pollfd pfd = { .fd = ev, .events = POLLIN };
		int64_t left = deadline - now_ms();
		struct nlmsghdr *nlh;
		ssize_t n;
		int len;

		if (left <= 0)
			break;
		if (poll(&pfd, 1, left) <= 0)
			continue;
		n = recv(ev, rxbuf, sizeof(rxbuf), MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0 || n > (ssize_t)sizeof(rxbuf))
			continue;
		len = n;
		for (nlh = (struct nlmsghdr *)rxbuf; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
			struct incident in;

			if (nlh->nlmsg_type != fam)
				continue;
			parse_incident(nlh, &in);
			w->events++;
			if (!w->found && !strcmp(in.comm, w->comm)) {
				w->in = in;
				w->found = true;
			}
		}
	}
}

static int set_kmsg(int fd, uint16_t fam, uint8_t on)
{
	struct msgbuf m;
	struct nlmsghdr *nlh;

	nlh = msg_start(&m, fam, NLM_F_ACK, HUNGTASK_CMD_CONFIG_SET, HUNGTASK_FAMILY_VERSION);
	put_u8(nlh, HUNGTASK_A_CONFIG_KMSG_ENABLED, on);
	return nl_transact(fd, nlh, NULL, NULL, NULL);
}

/*
 * Before no_event_for_a_dropped_incident: on 6.1 the module captured that test's
 * victim again once its ring took incidents again, and that capture took
 * fault_fill_max before ht-max (its event and dump had no hops).
 */
TEST_F_TIMEOUT(hungtask, largest_incident_event_and_dump, 120)
{
	struct event_wait w = { .comm = "ht-max" };
	struct incident_list *l = NULL;
	struct config cfg;
	struct status st, st2;
	struct nl_ack ack;
	int rcvbuf = 4 << 20, ev, err;

	/* fault_fill_max (TEST ONLY): the next stored incident is the largest possible. */
	ASSERT_EQ(0, access(PARAM_DIR "fault_fill_max", W_OK))
		TH_LOG("no test-only knob fault_fill_max in " PARAM_DIR);
	ASSERT_EQ(0, get_config(self->fd, self->fam, &cfg, NULL));
	/* Its kmsg record would be hundreds of lines on the serial console. */
	ASSERT_EQ(0, set_kmsg(self->fd, self->fam, 0));
	ev = nl_open();
	ASSERT_LE(0, ev);
	setsockopt(ev, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	ASSERT_EQ(0, join_group(ev, self->fi.events_grp));
	STATUS_OR_FAIL(st);
	ASSERT_EQ(0, write_param("fault_fill_max", "1"));
	/*
	 * Its own incident, not a join (module/coalesce.c): an earlier test's victim may
	 * still wait in ht_deep on the same objects, and ht-max would then only raise that
	 * incident's victim count (seen on 6.12: no event for ht-max).
	 */
	ASSERT_EQ(0, write_param("coalesce", "N"));
	err = start_deep_victim(w.comm, 9);
	if (!err)
		wait_events(ev, self->fam, &w, now_ms() + 40000, true);
	write_param("coalesce", "Y");
	write_param("fault_fill_max", "0");
	set_kmsg(self->fd, self->fam, cfg.kmsg);
	close(ev);
	ASSERT_EQ(0, err) TH_LOG("cannot start the ht_deep victim: %s", strerror(-err));
	STATUS_OR_FAIL(st2);
	TH_LOG("status: last seq %llu, events-reduced %llu -> %llu, listeners-failed %llu -> %llu",
	       (unsigned long long)st2.last_seq, (unsigned long long)st.events_reduced,
	       (unsigned long long)st2.events_reduced, (unsigned long long)st.listeners_failed,
	       (unsigned long long)st2.listeners_failed);

	/* The event path: an event, reduced since the whole incident is too large. */
	EXPECT_TRUE(w.found) TH_LOG("no event for %s within 40 s (%d other events)", w.comm,
				    w.events);
	if (w.found) {
		TH_LOG("event seq %llu: %u bytes, reduced %d, %d hops",
		       (unsigned long long)w.in.seq, w.in.len, w.in.reduced, w.in.hops);
		EXPECT_FALSE(w.in.malformed);
		EXPECT_TRUE(w.in.reduced);
		EXPECT_TRUE(w.in.has_instance);
		EXPECT_EQ(st.instance_id, w.in.instance_id);
	} else {
		/* Without an event, the dump part still runs on the newest incident. */
		w.in.seq = st2.last_seq;
	}
	EXPECT_LT(st.events_reduced, st2.events_reduced);

	/* The dump path: the whole incident, in one message far above NLMSG_GOODSIZE. */
	err = dump_incidents(self->fd, self->fam, true, w.in.seq, &l, &ack);
	ASSERT_EQ(0, err) TH_LOG("dump from %llu: %s (extack '%s')", (unsigned long long)w.in.seq,
				 strerror(-err), ack.msg);
	ASSERT_LE(1, l->n);
	EXPECT_EQ(w.in.seq, l->v[0].seq);
	TH_LOG("dumped seq %llu: %u bytes, %d hops, %d victim frames (%d symbolized)",
	       (unsigned long long)l->v[0].seq, l->v[0].len, l->v[0].hops, l->v[0].frames,
	       l->v[0].frames_sym);
	EXPECT_FALSE(l->v[0].malformed);
	EXPECT_FALSE(l->v[0].reduced);
	EXPECT_STREQ(w.comm, l->v[0].comm);
	EXPECT_EQ(8, l->v[0].hops);
	EXPECT_EQ(0, l->v[0].hops_bad_kind);
	EXPECT_EQ(32, l->v[0].frames);
	EXPECT_EQ(32, l->v[0].frames_sym);
	/* More than netlink_dump() allocates unless told (max_recvmsg_len <= 32 KiB). */
	EXPECT_LT(32768U, l->v[0].len);
	free(l);

	/* Dumps from the start go through it: nothing after it is ever blocked. */
	err = dump_incidents(self->fd, self->fam, true, 0, &l, &ack);
	EXPECT_EQ(0, err) TH_LOG("dump from 0: %s (extack '%s')", strerror(-err), ack.msg);
	if (!err) {
		EXPECT_EQ(0, l->malformed);
		EXPECT_TRUE(l->increasing);
		EXPECT_LE(w.in.seq, l->last);
	}
	free(l);
	/* Ack it, as the daemon does: the ring must never be stuck on it. */
	err = send_ack(self->fd, self->fam, true, w.in.seq, self->boot_id, &ack);
	EXPECT_EQ(0, err) TH_LOG("ack %llu: %s", (unsigned long long)w.in.seq, strerror(-err));
}

TEST_F_TIMEOUT(hungtask, no_event_for_a_dropped_incident, 90)
{
	struct event_wait w = { .comm = "ht-full" };
	struct status before, st;
	int64_t deadline;
	int rcvbuf = 4 << 20, ev, err;
	bool dropped = false;

	/* fault_ring_full (TEST ONLY): the ring refuses every incident. */
	ASSERT_EQ(0, access(PARAM_DIR "fault_ring_full", W_OK))
		TH_LOG("no test-only knob fault_ring_full in " PARAM_DIR);
	ev = nl_open();
	ASSERT_LE(0, ev);
	setsockopt(ev, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	ASSERT_EQ(0, join_group(ev, self->fi.events_grp));
	STATUS_OR_FAIL(before);
	ASSERT_EQ(0, write_param("fault_ring_full", "1"));
	err = start_deep_victim(w.comm, 9);
	/* Until the detector reported it and the module dropped it (bounded). */
	deadline = now_ms() + 40000;
	while (!err && !dropped && now_ms() < deadline) {
		wait_events(ev, self->fam, &w, now_ms() + 500, false);
		if (get_status(self->fd, self->fam, &st, NULL) == 0)
			dropped = st.dropped_full > before.dropped_full;
	}
	/* An event would follow its capture at once: give it a little more time. */
	wait_events(ev, self->fam, &w, now_ms() + 2000, false);
	write_param("fault_ring_full", "0");
	close(ev);
	ASSERT_EQ(0, err) TH_LOG("cannot start the ht_deep victim: %s", strerror(-err));
	ASSERT_TRUE(dropped) TH_LOG("no incident dropped within 40 s (dropped_full %llu)",
				    (unsigned long long)before.dropped_full);
	TH_LOG("dropped_full %llu -> %llu, %d events meanwhile",
	       (unsigned long long)before.dropped_full, (unsigned long long)st.dropped_full,
	       w.events);
	/* The incident is not in the ring: no event may announce it. */
	EXPECT_FALSE(w.found) TH_LOG("an event announced seq %llu of victim %s, which the ring "
				     "did not store", (unsigned long long)w.in.seq, w.comm);
	EXPECT_EQ(before.last_seq, st.last_seq);
}

TEST_F_TIMEOUT(hungtask, unload_while_subscribed, 90)
{
	struct family_info fi;
	struct status st;
	char cmd[512];
	int ev, err, rc, drained = 0;
	uint64_t old_instance;
	int64_t t0;

	STATUS_OR_FAIL(st);
	old_instance = st.instance_id;
	ev = nl_open();
	ASSERT_LE(0, ev);
	ASSERT_EQ(0, join_group(ev, self->fi.events_grp));

	t0 = now_ms();
	rc = system("rmmod hungtask");
	ASSERT_EQ(0, rc) TH_LOG("rmmod hungtask: status %#x", rc);
	TH_LOG("rmmod took %lld ms", (long long)(now_ms() - t0));
	ASSERT_FALSE(module_loaded());

	/* The subscribed socket neither hangs nor breaks: poll, then drain. */
	for (;;) {
		struct pollfd pfd = { .fd = ev, .events = POLLIN };
		ssize_t n;

		n = poll(&pfd, 1, 1000);
		ASSERT_LE(0, n);
		if (n == 0)
			break;
		EXPECT_FALSE(pfd.revents & (POLLERR | POLLNVAL));
		n = recv(ev, rxbuf, sizeof(rxbuf), MSG_DONTWAIT);
		if (n < 0) {
			ASSERT_TRUE(errno == EAGAIN || errno == ENOBUFS)
				TH_LOG("recv after unload: %s", strerror(errno));
		}
		ASSERT_GT(100, ++drained) TH_LOG("the socket keeps delivering after unload");
	}
	TH_LOG("%d reads drained after unload", drained);

	/* The family is gone: resolution and requests to its old id fail. */
	EXPECT_EQ(-ENOENT, resolve_family(self->fd, HUNGTASK_FAMILY_NAME, &fi));
	err = get_status(self->fd, self->fam, &st, NULL);
	EXPECT_NE(0, err);
	EXPECT_EQ(0, st.replies);

	snprintf(cmd, sizeof(cmd), "insmod %s", ko_path());
	rc = system(cmd);
	ASSERT_EQ(0, rc) TH_LOG("'%s': status %#x", cmd, rc);
	err = resolve_family(self->fd, HUNGTASK_FAMILY_NAME, &fi);
	ASSERT_EQ(0, err) TH_LOG("after reload: %s", strerror(-err));
	ASSERT_TRUE(fi.has_events);
	err = get_status(self->fd, fi.id, &st, NULL);
	ASSERT_EQ(0, err);
	EXPECT_STREQ(self->boot_id, st.boot_id);
	/* Same boot id, seq from 1 again: only the instance id tells them apart. */
	EXPECT_NE(0ULL, (unsigned long long)st.instance_id);
	EXPECT_NE(old_instance, st.instance_id)
		TH_LOG("instance id %016llx before and after the reload",
		       (unsigned long long)old_instance);
	/* The old socket subscribes again to the new group. */
	EXPECT_EQ(0, join_group(ev, fi.events_grp));
	close(ev);
}

TEST_HARNESS_MAIN
