// SPDX-License-Identifier: GPL-2.0
/*
 * ht-nlfuzz [-s SEED] [-n COUNT]: send COUNT random and malformed generic
 * netlink messages to the "hungtask" family (raw AF_NETLINK, no libnl), then
 * check that the family still answers a well-formed status request and dump.
 *
 * Messages: random command numbers (mostly the family's own, also 0, EVENT
 * and 7..255), do and dump flags on every command, random extra flags, bad
 * genl versions, truncated and overlong nlmsg_len, headers cut short,
 * attributes of every type 0..40 with wrong, zero and oversized lengths,
 * nla_len past the message end, NLA_F_NESTED garbage nested a few levels,
 * non-terminated and overlong boot ids, config values in and out of range,
 * valid acks of random seqs, several messages in one send, and sockets
 * closed in the middle of a dump. The seed is printed; the same seed sends
 * the same messages.
 *
 * As root: the config is read before the run and written back after it (a
 * valid config-set may switch capture off), and must read back the same.
 * Unprivileged (no CAP_NET_ADMIN, e.g. under ht-nobody): every admin
 * operation (incident-get, ack, config-set) sent alone with a well-formed
 * header must fail with EPERM, none may succeed, and joining the "events"
 * group must fail with EPERM.
 *
 * Prints "ht-nlfuzz: ..." lines, the last one "ht-nlfuzz: PASS ..." or
 * "ht-nlfuzz: FAIL ...". Exit 0 on PASS, 1 on FAIL, 2 on a setup error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../../proto/hungtask.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static uint64_t rng;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}

static unsigned int below(unsigned int n)
{
	return n ? (unsigned int)(rnd() % n) : 0;
}

static int fam_id, events_grp;
static char boot_id[64];
static int privileged;

static int nl_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	int one = 1, big = 1 << 20;

	if (fd < 0) {
		perror("ht-nlfuzz: socket");
		exit(2);
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	return fd;
}

/*
 * Messages are cut at MSG_MAX; the slack after it takes the headers that
 * begin() and a nest write at an offset that reached the cut.
 */
#define MSG_MAX 70000

struct msgbuf {
	unsigned char b[MSG_MAX + 64];
	size_t len;
};

static void put(struct msgbuf *m, const void *p, size_t n)
{
	if (m->len >= MSG_MAX)
		return;
	if (m->len + n > MSG_MAX)
		n = MSG_MAX - m->len;
	if (n)
		memcpy(m->b + m->len, p, n);
	m->len += n;
}

static void put_attr(struct msgbuf *m, uint16_t type, const void *p, uint16_t n)
{
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + n), .nla_type = type };
	static const unsigned char pad[4];

	put(m, &a, sizeof(a));
	put(m, p, n);
	put(m, pad, NLA_ALIGN(n) - n);
}

static size_t begin(struct msgbuf *m, uint16_t type, uint16_t flags, uint32_t seq, uint8_t cmd)
{
	struct nlmsghdr h = { .nlmsg_type = type, .nlmsg_flags = flags, .nlmsg_seq = seq };
	struct genlmsghdr g = { .cmd = cmd, .version = HUNGTASK_FAMILY_VERSION };
	size_t at = m->len;

	put(m, &h, sizeof(h));
	put(m, &g, sizeof(g));
	return at;
}

static void end(struct msgbuf *m, size_t at)
{
	((struct nlmsghdr *)(m->b + at))->nlmsg_len = (uint32_t)(m->len - at);
}

/* One request, one reply or error: returns the error (0 for a reply). */
typedef int (*reply_fn)(struct nlmsghdr *h, void *arg);

static int xfer(int fd, struct msgbuf *m, uint32_t seq, reply_fn fn, void *arg)
{
	static unsigned char rb[1 << 16];
	int err = 1;

	if (send(fd, m->b, m->len, 0) < 0)
		return -errno;
	while (err == 1) {
		ssize_t n = recv(fd, rb, sizeof(rb), 0);
		struct nlmsghdr *h;

		if (n < 0)
			return -errno;
		for (h = (struct nlmsghdr *)rb; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				err = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
				break;
			}
			if (h->nlmsg_type == NLMSG_DONE) {
				err = 0;
				break;
			}
			if (fn && fn(h, arg))
				err = -EPROTO;
			if (!(h->nlmsg_flags & NLM_F_MULTI) && err == 1)
				err = 0;
		}
	}
	return err;
}

static struct nlattr *attr_first(struct nlmsghdr *h, int *rem)
{
	*rem = (int)h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	return (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
}

#define for_attrs(a, h, rem) \
	for (a = attr_first(h, &rem); rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem; \
	     rem -= NLA_ALIGN(a->nla_len), a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
#define ADATA(a) ((void *)((char *)(a) + NLA_HDRLEN))

static int family_reply(struct nlmsghdr *h, void *arg)
{
	struct nlattr *a, *g, *ga;
	int rem, grem, garem;

	(void)arg;
	for_attrs(a, h, rem) {
		if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
			fam_id = *(uint16_t *)ADATA(a);
		if ((a->nla_type & NLA_TYPE_MASK) != CTRL_ATTR_MCAST_GROUPS)
			continue;
		grem = a->nla_len - NLA_HDRLEN;
		for (g = ADATA(a); grem >= NLA_HDRLEN && g->nla_len >= NLA_HDRLEN && g->nla_len <= grem;
		     grem -= NLA_ALIGN(g->nla_len), g = (struct nlattr *)((char *)g + NLA_ALIGN(g->nla_len))) {
			int id = -1, match = 0;

			garem = g->nla_len - NLA_HDRLEN;
			for (ga = ADATA(g); garem >= NLA_HDRLEN && ga->nla_len >= NLA_HDRLEN && ga->nla_len <= garem;
			     garem -= NLA_ALIGN(ga->nla_len), ga = (struct nlattr *)((char *)ga + NLA_ALIGN(ga->nla_len))) {
				if (ga->nla_type == CTRL_ATTR_MCAST_GRP_ID)
					id = (int)*(uint32_t *)ADATA(ga);
				if (ga->nla_type == CTRL_ATTR_MCAST_GRP_NAME &&
				    !strcmp(ADATA(ga), HUNGTASK_MCGRP_EVENTS))
					match = 1;
			}
			if (match)
				events_grp = id;
		}
	}
	return 0;
}

struct config {
	int capture, kmsg;
	long long walk;
};

static int config_reply(struct nlmsghdr *h, void *arg)
{
	struct config *c = arg;
	struct nlattr *a;
	int rem;

	for_attrs(a, h, rem) {
		switch (a->nla_type) {
		case HUNGTASK_A_CONFIG_CAPTURE_ENABLED: c->capture = *(uint8_t *)ADATA(a); break;
		case HUNGTASK_A_CONFIG_KMSG_ENABLED: c->kmsg = *(uint8_t *)ADATA(a); break;
		case HUNGTASK_A_CONFIG_RUNQ_WALK_MAX: c->walk = *(uint32_t *)ADATA(a); break;
		}
	}
	return 0;
}

struct status {
	int version;
	uint64_t captured, last_seq;
};

static int status_reply(struct nlmsghdr *h, void *arg)
{
	struct status *s = arg;
	struct nlattr *a;
	int rem;

	for_attrs(a, h, rem) {
		switch (a->nla_type) {
		case HUNGTASK_A_STATUS_PROTOCOL_VERSION: s->version = (int)*(uint32_t *)ADATA(a); break;
		case HUNGTASK_A_STATUS_BOOT_ID:
			snprintf(boot_id, sizeof(boot_id), "%.*s", a->nla_len - NLA_HDRLEN, (char *)ADATA(a));
			break;
		case HUNGTASK_A_STATUS_CAPTURED: memcpy(&s->captured, ADATA(a), 8); break;
		case HUNGTASK_A_STATUS_LAST_SEQ: memcpy(&s->last_seq, ADATA(a), 8); break;
		}
	}
	return 0;
}

static int count_reply(struct nlmsghdr *h, void *arg)
{
	if (h->nlmsg_type == fam_id)
		++*(int *)arg;
	return 0;
}

static uint32_t seqno = 1;

static int request(int fd, uint8_t cmd, uint16_t flags, reply_fn fn, void *arg, struct msgbuf *attrs)
{
	static struct msgbuf m;
	uint32_t seq = seqno++;
	size_t at;

	m.len = 0;
	at = begin(&m, (uint16_t)fam_id, NLM_F_REQUEST | NLM_F_ACK | flags, seq, cmd);
	if (attrs)
		put(&m, attrs->b, attrs->len);
	end(&m, at);
	return xfer(fd, &m, seq, fn, arg);
}

static void resolve(int fd)
{
	static struct msgbuf m;
	uint32_t seq = seqno++;
	size_t at;
	int err;

	m.len = 0;
	at = begin(&m, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, seq, CTRL_CMD_GETFAMILY);
	((struct genlmsghdr *)(m.b + at + NLMSG_HDRLEN))->version = 1;
	put_attr(&m, CTRL_ATTR_FAMILY_NAME, HUNGTASK_FAMILY_NAME, sizeof(HUNGTASK_FAMILY_NAME));
	end(&m, at);
	err = xfer(fd, &m, seq, family_reply, NULL);
	if (err || !fam_id) {
		printf("ht-nlfuzz: FAIL family %s not found (%s)\n", HUNGTASK_FAMILY_NAME, strerror(-err));
		exit(2);
	}
}

/* Random attribute payloads. */
static void rand_bytes(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)rnd();
}

static void rand_attr(struct msgbuf *m, int depth)
{
	unsigned char data[600];
	uint16_t type, n;
	uint64_t v = rnd();

	switch (below(12)) {
	case 0: /* a type of this family's policies, an exact size */
	case 1:
		type = (uint16_t)(1 + below(4));
		n = (uint16_t)(below(3) == 0 ? 1 : below(2) ? 4 : 8);
		put_attr(m, type, &v, n);
		return;
	case 2: /* a boot id: real, wrong, non-terminated, overlong */
		type = HUNGTASK_A_INCIDENT_BOOT_ID;
		switch (below(4)) {
		case 0: put_attr(m, type, boot_id, (uint16_t)(strlen(boot_id) + 1)); return;
		case 1: put_attr(m, type, boot_id, (uint16_t)strlen(boot_id)); return;
		case 2: memset(data, 'a', sizeof(data)); put_attr(m, type, data, (uint16_t)(37 + below(500))); return;
		default: rand_bytes(data, 40); put_attr(m, type, data, (uint16_t)below(40)); return;
		}
	case 3: /* nested garbage */
		if (depth < 4) {
			size_t at = m->len;
			struct nlattr a = { .nla_type = (uint16_t)(NLA_F_NESTED | below(8)) };

			put(m, &a, sizeof(a));
			for (unsigned int i = below(4); i; i--)
				rand_attr(m, depth + 1);
			a.nla_len = (uint16_t)(m->len - at);
			memcpy(m->b + at, &a.nla_len, sizeof(a.nla_len));
			return;
		}
		/* fall through */
	case 4: /* any type, flag bits included, any length */
		type = (uint16_t)(below(41) | (below(4) == 0 ? NLA_F_NET_BYTEORDER : 0) |
				  (below(4) == 0 ? NLA_F_NESTED : 0));
		n = (uint16_t)below(below(8) == 0 ? sizeof(data) : 17);
		rand_bytes(data, n);
		put_attr(m, type, data, n);
		return;
	case 5: { /* nla_len lies: shorter than the header, or past the end */
		struct nlattr a = { .nla_len = (uint16_t)(below(2) ? below(NLA_HDRLEN) : 64 + below(4000)),
				    .nla_type = (uint16_t)below(8) };

		put(m, &a, sizeof(a));
		put(m, &v, below(9));
		return;
	}
	case 6: { /* config values in and out of range */
		uint32_t w = below(2) ? (uint32_t)below(3) : (uint32_t)rnd();

		if (below(2))
			w = (uint32_t)(1 + below(1000000));
		put_attr(m, (uint16_t)(HUNGTASK_A_CONFIG_CAPTURE_ENABLED + below(3)), &w,
			 below(3) ? 4 : 1);
		return;
	}
	case 7: { /* seq values an ack or dump takes */
		uint64_t s = below(2) ? below(20) : rnd();

		put_attr(m, below(2) ? HUNGTASK_A_INCIDENT_SEQ : HUNGTASK_A_INCIDENT_FROM_SEQ, &s, 8);
		return;
	}
	case 8: /* zero-length attribute */
		put_attr(m, (uint16_t)below(41), NULL, 0);
		return;
	case 9: /* oversized: a big attribute */
		n = (uint16_t)(1000 + below(30000));
		{
			static unsigned char big[32000];

			big[below(sizeof(big))] = (unsigned char)rnd();
			put_attr(m, (uint16_t)below(41), big, n);
		}
		return;
	default: /* several in a row */
		for (unsigned int i = 1 + below(3); i; i--)
			rand_attr(m, depth + 1 > 4 ? 4 : depth + 1);
		return;
	}
}

static int is_admin(uint8_t cmd)
{
	return cmd == HUNGTASK_CMD_INCIDENT_GET || cmd == HUNGTASK_CMD_ACK || cmd == HUNGTASK_CMD_CONFIG_SET;
}

/* Per seq sent alone and well-formed to an admin op: the error we expect. */
struct sent {
	uint32_t seq;
	uint8_t cmd;
	uint8_t expect_eperm;
	uint8_t request;	/* NLM_F_REQUEST to the family: genetlink acts on it */
	uint8_t answered;
};

static struct sent sent[8];
static int nsent;
static long errs[160], replies, expected_eperm, got_eperm, admin_accepted, missing, recv_errors;
static long unexpected_mcast;

static void drain(int fd)
{
	static unsigned char rb[1 << 17];

	for (;;) {
		ssize_t n = recv(fd, rb, sizeof(rb), MSG_DONTWAIT);
		struct nlmsghdr *h;

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			recv_errors++;
			if (errno == ENOBUFS)
				continue;
			return;
		}
		for (h = (struct nlmsghdr *)rb; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			int i, err = 0, is_err = h->nlmsg_type == NLMSG_ERROR;

			if (is_err) {
				err = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
				if (-err >= 0 && -err < 160)
					errs[-err]++;
			} else if (h->nlmsg_type != NLMSG_DONE) {
				replies++;
			}
			if (h->nlmsg_seq == 0 && h->nlmsg_pid == 0 && !is_err && h->nlmsg_type == fam_id)
				unexpected_mcast++;
			for (i = 0; i < nsent; i++) {
				if (sent[i].seq != h->nlmsg_seq)
					continue;
				sent[i].answered = 1;
				if (!privileged && sent[i].request && is_admin(sent[i].cmd) && (!is_err || err == 0))
					admin_accepted++;
				if (sent[i].expect_eperm && is_err && err == -EPERM)
					got_eperm++;
			}
		}
	}
}

static void fuzz_one(int fd)
{
	static struct msgbuf m;
	int batch = below(6) == 0 ? 2 + (int)below(3) : 1;

	m.len = 0;
	nsent = 0;
	for (int i = 0; i < batch && m.len + 1024 < MSG_MAX; i++) {
		uint8_t cmd;
		uint16_t flags = NLM_F_REQUEST, type = (uint16_t)fam_id;
		uint32_t seq = seqno++;
		int wellformed = 1;
		size_t at;

		switch (below(10)) {
		case 0: cmd = (uint8_t)rnd(); break;
		case 1: cmd = below(2) ? 0 : HUNGTASK_CMD_EVENT; break;
		default: cmd = (uint8_t)(HUNGTASK_CMD_INCIDENT_GET + below(5)); break;
		}
		/* do or dump, whatever the op has */
		if (below(2))
			flags |= NLM_F_DUMP;
		if (below(2))
			flags |= NLM_F_ACK;
		if (below(8) == 0) {
			flags ^= (uint16_t)rnd();
			wellformed = 0;
		}
		if (below(40) == 0) {
			type = (uint16_t)below(NLMSG_MIN_TYPE);
			wellformed = 0;
		}
		at = begin(&m, type, flags, seq, cmd);
		if (below(10) == 0)
			((struct genlmsghdr *)(m.b + at + NLMSG_HDRLEN))->version = (uint8_t)rnd();
		for (unsigned int k = below(4); k; k--)
			rand_attr(&m, 0);
		end(&m, at);
		switch (below(12)) {
		case 0: /* nlmsg_len too short: cut inside the headers or an attribute */
			((struct nlmsghdr *)(m.b + at))->nlmsg_len = (uint32_t)below((unsigned int)(m.len - at));
			wellformed = 0;
			break;
		case 1: /* nlmsg_len past what is sent */
			((struct nlmsghdr *)(m.b + at))->nlmsg_len += 1 + below(5000);
			wellformed = 0;
			break;
		case 2: /* the bytes themselves cut short */
			m.len = at + below((unsigned int)(m.len - at));
			wellformed = 0;
			break;
		}
		if (m.len - at < NLMSG_HDRLEN + GENL_HDRLEN)
			wellformed = 0;
		if (nsent < (int)(sizeof(sent) / sizeof(sent[0]))) {
			int do_op = cmd == HUNGTASK_CMD_ACK || cmd == HUNGTASK_CMD_CONFIG_SET;
			int dump = (flags & NLM_F_DUMP) == NLM_F_DUMP;

			sent[nsent].seq = seq;
			sent[nsent].cmd = cmd;
			sent[nsent].answered = 0;
			sent[nsent].request = (flags & NLM_F_REQUEST) && type == fam_id;
			/* alone, well-formed, the op kind it has: EPERM before anything */
			sent[nsent].expect_eperm = !privileged && batch == 1 && wellformed &&
						   is_admin(cmd) && (cmd == HUNGTASK_CMD_INCIDENT_GET ? dump : do_op && !dump);
			expected_eperm += sent[nsent].expect_eperm;
			nsent++;
		}
		/* NLMSG_ALIGN the next one */
		while (m.len % 4)
			m.b[m.len++] = 0;
	}
	if (send(fd, m.b, m.len, 0) < 0 && errno != ENOBUFS) {
		if (errno < 160)
			errs[errno]++;
	}
	drain(fd);
	for (int i = 0; i < nsent; i++)
		if (sent[i].expect_eperm && !sent[i].answered)
			missing++;
}

static const char *ename(int e)
{
	static char b[16];

	switch (e) {
	case 0: return "0";
	case EPERM: return "EPERM";
	case EINVAL: return "EINVAL";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ERANGE: return "ERANGE";
	case ENOENT: return "ENOENT";
	case ESTALE: return "ESTALE";
	case EBUSY: return "EBUSY";
	case EMSGSIZE: return "EMSGSIZE";
	case E2BIG: return "E2BIG";
	case ENOBUFS: return "ENOBUFS";
	case EFAULT: return "EFAULT";
	case ENODATA: return "ENODATA";
	}
	snprintf(b, sizeof(b), "E%d", e);
	return b;
}

int main(int argc, char **argv)
{
	unsigned long long seed = (unsigned long long)time(NULL) ^ (unsigned long long)getpid() << 16;
	long count = 10000;
	struct config before = { -1, -1, -1 }, after = { -1, -1, -1 };
	struct status st = { 0 };
	int opt, fd, err, fails = 0, incidents = 0, join = 0;
	char why[512] = "";

	while ((opt = getopt(argc, argv, "s:n:")) != -1) {
		switch (opt) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'n': count = strtol(optarg, NULL, 0); break;
		default:
			fprintf(stderr, "usage: ht-nlfuzz [-s SEED] [-n COUNT]\n");
			return 2;
		}
	}
	rng = seed ? seed : 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = nl_open();
	resolve(fd);
	err = request(fd, HUNGTASK_CMD_STATUS_GET, 0, status_reply, &st, NULL);
	if (err) {
		printf("ht-nlfuzz: FAIL status-get before the run: %s\n", strerror(-err));
		return 2;
	}
	err = request(fd, HUNGTASK_CMD_CONFIG_GET, 0, config_reply, &before, NULL);
	if (err) {
		printf("ht-nlfuzz: FAIL config-get before the run: %s\n", strerror(-err));
		return 2;
	}
	/* CAP_NET_ADMIN decides; a config-set of the current values tells. */
	{
		struct msgbuf a = { .len = 0 };
		uint8_t c = (uint8_t)before.capture;

		put_attr(&a, HUNGTASK_A_CONFIG_CAPTURE_ENABLED, &c, 1);
		err = request(fd, HUNGTASK_CMD_CONFIG_SET, 0, NULL, NULL, &a);
		privileged = err == 0;
		if (err && err != -EPERM) {
			printf("ht-nlfuzz: FAIL config-set of the current value: %s\n", strerror(-err));
			return 2;
		}
	}
	if (events_grp > 0) {
		join = setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &events_grp, sizeof(events_grp)) ? errno : 0;
	}
	printf("ht-nlfuzz: seed %llu, %ld messages to family %d (uid %d, %s), boot id %s\n", seed, count, fam_id,
	       (int)getuid(), privileged ? "CAP_NET_ADMIN" : "no CAP_NET_ADMIN", boot_id);
	if (!privileged && join != EPERM) {
		fails++;
		snprintf(why + strlen(why), sizeof(why) - strlen(why), " joining the events group: %s, wanted EPERM;",
			 join ? strerror(join) : "allowed");
	}
	if (privileged && join) {
		fails++;
		snprintf(why + strlen(why), sizeof(why) - strlen(why), " root cannot join the events group: %s;",
			 strerror(join));
	}
	if (!privileged && join == 0)
		setsockopt(fd, SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, &events_grp, sizeof(events_grp));
	/* Root stays out of the group during the fuzz: events are not what we read. */
	if (privileged)
		setsockopt(fd, SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, &events_grp, sizeof(events_grp));

	for (long i = 0; i < count; i++) {
		fuzz_one(fd);
		/* Now and then close the socket, possibly in the middle of a dump. */
		if (below(200) == 0) {
			close(fd);
			fd = nl_open();
		}
	}
	close(fd);
	fd = nl_open();

	printf("ht-nlfuzz: answers:");
	for (int e = 0; e < 160; e++)
		if (errs[e])
			printf(" %s=%ld", ename(e), errs[e]);
	printf(" replies=%ld recv_errors=%ld\n", replies, recv_errors);
	if (!privileged) {
		printf("ht-nlfuzz: unprivileged: %ld well-formed admin requests sent alone, %ld refused with EPERM, %ld unanswered; admin requests accepted: %ld\n",
		       expected_eperm, got_eperm, missing, admin_accepted);
		if (got_eperm != expected_eperm || admin_accepted || expected_eperm == 0) {
			fails++;
			snprintf(why + strlen(why), sizeof(why) - strlen(why),
				 " admin ops: %ld/%ld EPERM, %ld accepted;", got_eperm, expected_eperm, admin_accepted);
		}
	}
	if (unexpected_mcast) {
		fails++;
		snprintf(why + strlen(why), sizeof(why) - strlen(why), " %ld multicast events received;",
			 unexpected_mcast);
	}

	/* Root: put the config back; it must read back as it was. */
	if (privileged) {
		struct msgbuf a = { .len = 0 };
		uint8_t c = (uint8_t)before.capture, k = (uint8_t)before.kmsg;
		uint32_t w = (uint32_t)before.walk;

		put_attr(&a, HUNGTASK_A_CONFIG_CAPTURE_ENABLED, &c, 1);
		put_attr(&a, HUNGTASK_A_CONFIG_KMSG_ENABLED, &k, 1);
		put_attr(&a, HUNGTASK_A_CONFIG_RUNQ_WALK_MAX, &w, 4);
		err = request(fd, HUNGTASK_CMD_CONFIG_SET, 0, NULL, NULL, &a);
		if (err) {
			fails++;
			snprintf(why + strlen(why), sizeof(why) - strlen(why), " config-set after: %s;", strerror(-err));
		}
	}
	err = request(fd, HUNGTASK_CMD_CONFIG_GET, 0, config_reply, &after, NULL);
	if (err || after.capture != before.capture || after.kmsg != before.kmsg || after.walk != before.walk) {
		fails++;
		snprintf(why + strlen(why), sizeof(why) - strlen(why),
			 " config after (%s): capture %d kmsg %d walk %lld, before %d %d %lld;",
			 err ? strerror(-err) : "ok", after.capture, after.kmsg, after.walk, before.capture,
			 before.kmsg, before.walk);
	}
	memset(&st, 0, sizeof(st));
	err = request(fd, HUNGTASK_CMD_STATUS_GET, 0, status_reply, &st, NULL);
	if (err || st.version != HUNGTASK_FAMILY_VERSION) {
		fails++;
		snprintf(why + strlen(why), sizeof(why) - strlen(why), " status after: %s, protocol %d;",
			 err ? strerror(-err) : "ok", st.version);
	}
	if (privileged) {
		err = request(fd, HUNGTASK_CMD_INCIDENT_GET, NLM_F_DUMP, count_reply, &incidents, NULL);
		if (err) {
			fails++;
			snprintf(why + strlen(why), sizeof(why) - strlen(why), " incident dump after: %s;",
				 strerror(-err));
		}
	}
	printf("ht-nlfuzz: after: status protocol %d, captured %llu, config capture %d kmsg %d runq_walk_max %lld%s%d incidents dumped\n",
	       st.version, (unsigned long long)st.captured, after.capture, after.kmsg, after.walk,
	       privileged ? ", " : ", (no dump unprivileged) ", incidents);
	close(fd);
	if (fails) {
		printf("ht-nlfuzz: FAIL seed %llu:%s\n", seed, why);
		return 1;
	}
	printf("ht-nlfuzz: PASS seed %llu, %ld messages (%s)\n", seed, count,
	       privileged ? "root" : "unprivileged");
	return 0;
}
