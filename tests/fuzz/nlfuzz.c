// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz: fuzz the "scst" generic-netlink family from inside the test VM
 * (tests/vm/cases/nl-fuzz.sh runs it; make builds it into build/tests/).
 *
 *   nlfuzz [--seconds N] [--count N] [--seed S] [--sweep N] [--jobs N] [--trace]
 *   nlfuzz --unpriv <OPS        OPS: tests/fuzz/spec-ops.py SPEC
 *
 * Fuzz mode sends random and mutated messages to the family: every command
 * number, attribute trees of random types, wrong lengths, strings without
 * their NUL, truncated messages and attribute headers, nested garbage, odd
 * names and huge values, random netlink flags, several messages in one
 * send, dumps left half-read and sockets closed in the middle of a dump.
 * Between them it makes valid changes kept in a model (names that start
 * with "nlfzm-", which no fuzz message ever contains) and checks that each
 * gets the answer the model predicts. Objects the fuzz messages create are
 * swept (dumped and deleted) every --sweep iterations. At the end the
 * dumps must show exactly the model's objects; everything is removed and
 * the figures printed. The seed is printed first: --seed and --count
 * replay a run (--trace prints every fuzz message in hex on stderr).
 * --jobs N adds N - 1 processes that send fuzz messages at the same time,
 * for the races between requests; such a run cannot be replayed exactly.
 *
 * Filenames of fuzz messages are limited to harmless paths: /dev/null,
 * /dev/nullb0, files under /tmp/nlfuzz and paths that do not exist.
 *
 * --unpriv reads the operations of the YNL spec, drops every privilege and
 * checks that each operation the spec marks admin-perm is refused with
 * EPERM while every other one (reads) works, and that nothing changed.
 *
 * Exit status: 0 when every check held, 1 otherwise, 2 for usage errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <linux/scst.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Model names start with MPFX; no fuzz message contains MTAG anywhere. */
#define MPFX		"nlfzm-"
#define MTAG		"nlfzm"
#define MTAG_LEN	5

#define MB_MAX		(128 * 1024)
#define RX_MAX		(128 * 1024)

/* ---- options, figures, failures -------------------------------------- */

static struct {
	unsigned int	seconds;
	uint64_t	count;
	uint64_t	seed;
	unsigned int	sweep_every;
	unsigned int	jobs;
	bool		trace;
} opt = { .seconds = 60, .sweep_every = 1500, .jobs = 1 };

enum kind {
	K_TAME,		/* well-formed, on a few names: builds up objects */
	K_STRUCT,	/* a command with attributes of the right kinds */
	K_RANDOM,	/* attributes of random types and payloads */
	K_NESTED,	/* nested garbage */
	K_TRUNC,	/* truncated message or attribute headers */
	K_FLIP,		/* a structured message with flipped bytes */
	K_HEADER,	/* odd genl header, message type, flags, sequence */
	K_HUGE,		/* one oversized attribute */
	K_MULTI,	/* several messages in one send */
	K_DUMP,		/* a dump, read fully, half-read or abandoned */
	__K_MAX
};

static const char *const kind_names[__K_MAX] = {
	"tame", "struct", "random-attrs", "nested", "truncated", "bit-flips",
	"odd-header", "oversized", "multi", "dump",
};

static const char *const cmd_names[] = {
	"unspec", "global-get", "global-set", "handler-get", "device-new",
	"device-del", "device-set", "device-get", "driver-get", "target-new",
	"target-del", "target-set", "target-get", "group-new", "group-del",
	"group-get", "initiator-add", "initiator-del", "initiator-move",
	"initiator-clear", "lun-new", "lun-del", "lun-replace", "lun-clear",
	"lun-get", "session-new", "session-del", "session-get", "cleanup-get",
	"cleanup-release", "cleanup-ntf", "driver-set",
};

static const char *cmd_name(unsigned int cmd)
{
	static char buf[16];

	if (cmd < ARRAY_SIZE(cmd_names))
		return cmd_names[cmd];
	snprintf(buf, sizeof(buf), "cmd-%u", cmd);
	return buf;
}

#define ERRNO_MAX	256

/* Only counters: the helpers' figures are added up field by field. */
static struct figures {
	uint64_t	iters;
	uint64_t	kind[__K_MAX];
	uint64_t	sends;
	uint64_t	nlmsgs;
	uint64_t	send_err[ERRNO_MAX];
	uint64_t	recv_err[ERRNO_MAX];
	uint64_t	err[ERRNO_MAX];
	uint64_t	acks;
	uint64_t	acks_ignored;	/* of messages the family never saw */
	uint64_t	ok_by_cmd[256];
	uint64_t	replies;
	uint64_t	dumps_done;
	uint64_t	dump_err[ERRNO_MAX];
	uint64_t	dump_intr;
	uint64_t	dumps_left;
	uint64_t	socks_closed;
	uint64_t	truncated;
	uint64_t	overruns;
	uint64_t	sanitized;
	uint64_t	events;
	uint64_t	ev_overruns;
	uint64_t	created[256];	/* by event command, fuzz objects */
	uint64_t	model_ops;
	uint64_t	model_errs;	/* expected errors among them */
	uint64_t	model_checks;
	uint64_t	sweeps;
	uint64_t	swept_targets;
	uint64_t	swept_devices;
	uint64_t	sweep_conflicts;
	uint64_t	procs;
} fig;

/* Helpers sending fuzz messages meanwhile: sweeps may meet their changes. */
static unsigned int helpers_alive;

static unsigned int failures;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void fail(const char *fmt, ...)
{
	va_list ap;

	failures++;
	fprintf(stderr, "nlfuzz: FAIL (iteration %" PRIu64 "): ", fig.iters);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("nlfuzz: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static const char *errname(int e)
{
	const char *n = strerrorname_np(e);
	static char buf[4][24];
	static unsigned int slot;

	if (n)
		return n;
	n = buf[slot++ % ARRAY_SIZE(buf)];
	snprintf((char *)n, sizeof(buf[0]), "errno-%d", e);
	return n;
}

static void count_errno(uint64_t *tab, int e)
{
	tab[e > 0 && e < ERRNO_MAX ? e : 0]++;
}

/* ---- random numbers ---------------------------------------------------- */

static uint64_t rng;

/* splitmix64: small, fast, and a seed replays the whole run. */
static uint64_t rnd64(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rnd(uint32_t n)
{
	return n ? (uint32_t)(rnd64() % n) : 0;
}

static bool chance(unsigned int pct)
{
	return rnd(100) < pct;
}

#define PICK(a)		((a)[rnd(ARRAY_SIZE(a))])

/* ---- message building ---------------------------------------------------- */

struct mb {
	size_t		len;
	unsigned char	d[MB_MAX];
};

static uint16_t family;
static uint32_t mcgrp;
static uint32_t seq_next = 1;

static void *mb_room(struct mb *m, size_t n)
{
	void *p;

	if (m->len + NLMSG_ALIGN(n) > MB_MAX)
		return NULL;
	p = m->d + m->len;
	memset(p, 0, NLMSG_ALIGN(n));
	m->len += NLMSG_ALIGN(n);
	return p;
}

/* Start a message; the offset it returns goes to mb_end(). */
static size_t mb_begin(struct mb *m, uint16_t type, uint16_t flags,
		       uint8_t cmd)
{
	size_t off = m->len;
	struct nlmsghdr *nlh = mb_room(m, NLMSG_HDRLEN);
	struct genlmsghdr *g = mb_room(m, GENL_HDRLEN);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq_next++;
	g->cmd = cmd;
	g->version = SCST_FAMILY_VERSION;
	return off;
}

static void mb_end(struct mb *m, size_t off)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)(m->d + off);

	nlh->nlmsg_len = m->len - off;
}

static struct nlmsghdr *mb_nlh(struct mb *m, size_t off)
{
	return (struct nlmsghdr *)(m->d + off);
}

/* Append an attribute; nla_len says @len even when it does not fit 16 bits. */
static struct nlattr *mb_attr(struct mb *m, uint16_t type, const void *data,
			      size_t len)
{
	struct nlattr *a;

	if (m->len + NLA_ALIGN(NLA_HDRLEN + len) > MB_MAX)
		return NULL;
	a = mb_room(m, NLA_HDRLEN + len);
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	if (len)
		memcpy((unsigned char *)a + NLA_HDRLEN, data, len);
	return a;
}

static size_t mb_nest_begin(struct mb *m, uint16_t type)
{
	size_t off = m->len;

	mb_attr(m, type | NLA_F_NESTED, NULL, 0);
	return off;
}

static void mb_nest_end(struct mb *m, size_t off)
{
	struct nlattr *a = (struct nlattr *)(m->d + off);

	a->nla_len = (uint16_t)(m->len - off);
}

static void mb_str(struct mb *m, uint16_t type, const char *s)
{
	mb_attr(m, type, s, strlen(s) + 1);
}

static void mb_u8(struct mb *m, uint16_t type, uint8_t v)
{
	mb_attr(m, type, &v, 1);
}

static void mb_u32(struct mb *m, uint16_t type, uint32_t v)
{
	mb_attr(m, type, &v, 4);
}

static void mb_u64(struct mb *m, uint16_t type, uint64_t v)
{
	mb_attr(m, type, &v, 8);
}

static void mb_flag(struct mb *m, uint16_t type)
{
	mb_attr(m, type, NULL, 0);
}

/* ---- attributes of received messages ----------------------------------- */

/* Walk the attributes of @p (@len bytes) the way the kernel does. */
#define for_each_attr(a, p, len, rem)					\
	for ((a) = (const struct nlattr *)(p), (rem) = (long)(len);	\
	     (rem) >= (long)NLA_HDRLEN && (a)->nla_len >= NLA_HDRLEN &&	\
	     (a)->nla_len <= (rem);					\
	     (rem) -= NLA_ALIGN((a)->nla_len),				\
	     (a) = (const struct nlattr *)((const char *)(a) +		\
					   NLA_ALIGN((a)->nla_len)))

static const void *nla_data(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

static size_t nla_plen(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

/* The last attribute of @type, or NULL. */
static const struct nlattr *attr_get(const void *p, size_t len, int type)
{
	const struct nlattr *a, *found = NULL;
	long rem;

	for_each_attr(a, p, len, rem)
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			found = a;
	return found;
}

/* A string attribute, or "" when absent or not terminated. */
static const char *attr_str(const void *p, size_t len, int type)
{
	const struct nlattr *a = attr_get(p, len, type);

	if (!a || !nla_plen(a) ||
	    !memchr(nla_data(a), '\0', nla_plen(a)))
		return "";
	return nla_data(a);
}

static uint64_t attr_uint(const void *p, size_t len, int type)
{
	const struct nlattr *a = attr_get(p, len, type);
	uint64_t v = 0;

	if (!a)
		return UINT64_MAX;
	switch (nla_plen(a)) {
	case 1:
		return *(const uint8_t *)nla_data(a);
	case 2:
		return *(const uint16_t *)nla_data(a);
	case 4:
		return *(const uint32_t *)nla_data(a);
	case 8:
		memcpy(&v, nla_data(a), 8);
		return v;
	}
	return UINT64_MAX;
}

/* ---- sockets ------------------------------------------------------------- */

static int nl_socket(bool cap_ack, int rcvbuf)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd, one = 1;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		die("netlink socket: %s", strerror(errno));
	/* A port id of its own: broadcasts skip port id 0. */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("netlink bind: %s", strerror(errno));
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (cap_ack)
		setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one,
			   sizeof(one));
	if (rcvbuf &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	return fd;
}

static unsigned char rxbuf[RX_MAX];

/* The error and extack message of an NLMSG_ERROR. */
static int nl_error(const struct nlmsghdr *nlh, char *msg, size_t msglen)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t off;
	const struct nlattr *a;

	if (msg)
		msg[0] = '\0';
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
		return -EPROTO;
	if (msg && (nlh->nlmsg_flags & NLM_F_ACK_TLVS)) {
		off = NLMSG_LENGTH(sizeof(*e));
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
		if (off < nlh->nlmsg_len) {
			a = attr_get((const char *)nlh + off,
				     nlh->nlmsg_len - off, NLMSGERR_ATTR_MSG);
			if (a && nla_plen(a))
				snprintf(msg, msglen, "%.*s",
					 (int)nla_plen(a), (const char *)nla_data(a));
		}
	}
	return e->error;
}

/* The error and extack message of an NLMSG_DONE that ends a dump. */
static int nl_done_error(const struct nlmsghdr *nlh, char *msg, size_t msglen)
{
	const struct nlattr *a;
	size_t off = NLMSG_LENGTH(sizeof(int));

	msg[0] = '\0';
	if (nlh->nlmsg_len < off)
		return 0;
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && off < nlh->nlmsg_len) {
		a = attr_get((const char *)nlh + off, nlh->nlmsg_len - off,
			     NLMSGERR_ATTR_MSG);
		if (a && nla_plen(a))
			snprintf(msg, msglen, "%.*s", (int)nla_plen(a),
				 (const char *)nla_data(a));
	}
	return *(const int *)NLMSG_DATA(nlh);
}

/* ---- requests of the model (blocking, checked) --------------------------- */

static int msock = -1;

struct reply {
	int		err;
	char		msg[256];
	size_t		len;		/* attributes of the reply, if any */
	unsigned char	attrs[32768];
};

static struct mb req;

/* Start a model request: the attributes follow with mb_*(). */
static void rq(uint8_t cmd)
{
	req.len = 0;
	mb_begin(&req, family, NLM_F_REQUEST | NLM_F_ACK, cmd);
}

static void rq_send(int fd, uint16_t flags)
{
	struct nlmsghdr *nlh = mb_nlh(&req, 0);

	nlh->nlmsg_flags = flags;
	mb_end(&req, 0);
	if (send(fd, req.d, req.len, 0) < 0)
		die("send: %s", strerror(errno));
}

static ssize_t rx(int fd, int flags)
{
	ssize_t n;

	do {
		n = recv(fd, rxbuf, sizeof(rxbuf), flags | MSG_TRUNC);
	} while (n < 0 && errno == EINTR);
	if (n > (ssize_t)sizeof(rxbuf))
		die("a reply of %zd bytes does not fit", n);
	return n;
}

/* Send the request made with rq() on @fd and wait for its answer. */
static int rq_do_on(int fd, struct reply *r)
{
	uint32_t seq = mb_nlh(&req, 0)->nlmsg_seq;
	struct nlmsghdr *nlh;
	ssize_t n;
	int len;

	r->len = 0;
	r->msg[0] = '\0';
	rq_send(fd, NLM_F_REQUEST | NLM_F_ACK);
	for (;;) {
		n = rx(fd, 0);
		if (n < 0) {
			if (errno == EAGAIN)
				die("no answer to %s within 120 s",
				    cmd_name(((struct genlmsghdr *)
					      (req.d + NLMSG_HDRLEN))->cmd));
			die("recv: %s", strerror(errno));
		}
		len = n;
		for (nlh = (struct nlmsghdr *)rxbuf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				r->err = nl_error(nlh, r->msg, sizeof(r->msg));
				return r->err;
			}
			if (nlh->nlmsg_type == family &&
			    nlh->nlmsg_len >= NLMSG_LENGTH(GENL_HDRLEN)) {
				r->len = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
				if (r->len > sizeof(r->attrs))
					r->len = sizeof(r->attrs);
				memcpy(r->attrs, (char *)NLMSG_DATA(nlh) + GENL_HDRLEN,
				       r->len);
			}
		}
	}
}

static struct reply rep;

static int rq_do(void)
{
	return rq_do_on(msock, &rep);
}

/* The objects of a dump: each a length and the attributes. */
struct dump {
	size_t		n;
	size_t		len;
	size_t		cap;
	unsigned char	*buf;
	int		err;
	char		msg[256];
};

static void dump_add(struct dump *d, const void *p, size_t len)
{
	uint32_t l = len;

	if (d->len + 4 + len > d->cap) {
		d->cap = (d->len + 4 + len) * 2;
		d->buf = realloc(d->buf, d->cap);
		if (!d->buf)
			die("out of memory");
	}
	memcpy(d->buf + d->len, &l, 4);
	memcpy(d->buf + d->len + 4, p, len);
	d->len += 4 + len;
	d->n++;
}

#define for_each_obj(d, p, l, off)					\
	for ((off) = 0;							\
	     (off) < (d)->len &&					\
	     ((l) = *(uint32_t *)((d)->buf + (off)),			\
	      (p) = (d)->buf + (off) + 4, 1);				\
	     (off) += 4 + (l))

static void dump_free(struct dump *d)
{
	free(d->buf);
	memset(d, 0, sizeof(*d));
}

/*
 * Run the dump made with rq() on @fd: 0 with the objects in @d, or the
 * error. A dump torn by a change (NLM_F_DUMP_INTR) is run again.
 */
static int rq_dump_on(int fd, struct dump *d)
{
	struct nlmsghdr *nlh;
	bool intr;
	uint32_t seq;
	int tries;
	ssize_t n;
	int len;

	memset(d, 0, sizeof(*d));
	for (tries = 0; tries < 20; tries++) {
		d->n = d->len = 0;
		intr = false;
		mb_nlh(&req, 0)->nlmsg_seq = seq_next++;
		seq = mb_nlh(&req, 0)->nlmsg_seq;
		rq_send(fd, NLM_F_REQUEST | NLM_F_DUMP);
		for (;;) {
			n = rx(fd, 0);
			if (n < 0)
				die("dump: recv: %s", strerror(errno));
			len = n;
			for (nlh = (struct nlmsghdr *)rxbuf; NLMSG_OK(nlh, len);
			     nlh = NLMSG_NEXT(nlh, len)) {
				if (nlh->nlmsg_seq != seq)
					continue;
				if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
					intr = true;
				if (nlh->nlmsg_type == NLMSG_ERROR) {
					d->err = nl_error(nlh, d->msg,
							  sizeof(d->msg));
					return d->err;
				}
				if (nlh->nlmsg_type == NLMSG_DONE) {
					d->err = nl_done_error(nlh, d->msg,
							       sizeof(d->msg));
					goto done;
				}
				if (nlh->nlmsg_type == family &&
				    nlh->nlmsg_len >= NLMSG_LENGTH(GENL_HDRLEN))
					dump_add(d, (char *)NLMSG_DATA(nlh) +
						 GENL_HDRLEN,
						 nlh->nlmsg_len -
						 NLMSG_LENGTH(GENL_HDRLEN));
			}
		}
done:
		if (d->err || !intr)
			return d->err;
	}
	die("a dump was torn by changes 20 times in a row");
}

static int rq_dump(struct dump *d)
{
	return rq_dump_on(msock, d);
}

/* Ask the controller for the family's id and its events group. */
static void resolve_family(void)
{
	const struct nlattr *a, *g, *ga;
	struct nlmsghdr *nlh;
	long rem, grem;
	int len;
	int fd = nl_socket(true, 0);
	ssize_t n;

	req.len = 0;
	mb_begin(&req, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK,
		 CTRL_CMD_GETFAMILY);
	((struct genlmsghdr *)(req.d + NLMSG_HDRLEN))->version = 1;
	mb_str(&req, CTRL_ATTR_FAMILY_NAME, SCST_FAMILY_NAME);
	rq_send(fd, NLM_F_REQUEST);
	n = rx(fd, 0);
	if (n < 0)
		die("genl controller: %s", strerror(errno));
	len = n;
	for (nlh = (struct nlmsghdr *)rxbuf; NLMSG_OK(nlh, len);
	     nlh = NLMSG_NEXT(nlh, len)) {
		const char *p = (char *)NLMSG_DATA(nlh) + GENL_HDRLEN;
		size_t plen;

		if (nlh->nlmsg_type == NLMSG_ERROR)
			die("family '%s' not found: %s (is scst loaded?)",
			    SCST_FAMILY_NAME, strerror(-nl_error(nlh, NULL, 0)));
		if (nlh->nlmsg_type != GENL_ID_CTRL)
			continue;
		plen = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
		family = (uint16_t)attr_uint(p, plen, CTRL_ATTR_FAMILY_ID);
		a = attr_get(p, plen, CTRL_ATTR_MCAST_GROUPS);
		if (!a)
			continue;
		for_each_attr(g, nla_data(a), nla_plen(a), rem) {
			const char *name = "";

			for_each_attr(ga, nla_data(g), nla_plen(g), grem)
				if (ga->nla_type == CTRL_ATTR_MCAST_GRP_NAME)
					name = nla_data(ga);
			if (!strcmp(name, SCST_MCGRP_EVENTS))
				mcgrp = (uint32_t)attr_uint(nla_data(g),
							    nla_plen(g),
							    CTRL_ATTR_MCAST_GRP_ID);
		}
	}
	close(fd);
	if (!family)
		die("no id for family '%s'", SCST_FAMILY_NAME);
}

/* ---- the model --------------------------------------------------------------- */

#define M_DEVS	6
#define M_TGTS	3
#define M_GRPS	3	/* named groups per target; index 0 is the default */
#define M_SESS	2
#define M_LUNS	6

static const char *const m_pat[] = {
	MPFX "i0", MPFX "i1", MPFX "i*", "!" MPFX "i1", MPFX "i?",
	"*" MPFX "i2",
};
#define M_PATS	ARRAY_SIZE(m_pat)

static const char *const m_ini[] = {
	MPFX "i0", MPFX "i1", MPFX "i2", MPFX "i10",
};

static const uint32_t m_lun[M_LUNS] = { 0, 1, 5, 255, 256, SCST_LUN_MAX };

struct m_dev {
	bool		on;
	uint64_t	size;
	bool		ro;
	unsigned int	users;
};

struct m_grp {
	bool		on;
	unsigned int	order;		/* creation order of named groups */
	bool		pat[M_PATS];
	int		dev[M_LUNS];	/* -1: no LUN */
	bool		ro[M_LUNS];
};

struct m_tgt {
	bool		on;
	struct m_grp	grp[M_GRPS + 1];
	bool		sess[M_SESS];
	int		ini[M_SESS];
};

static struct m_dev mdev[M_DEVS];
static struct m_tgt mtgt[M_TGTS];
static unsigned int m_order;

static char *mname(const char *what, int i)
{
	static char buf[8][32];
	static unsigned int slot;
	char *b = buf[slot++ % ARRAY_SIZE(buf)];

	snprintf(b, sizeof(buf[0]), MPFX "%s%d", what, i);
	return b;
}

static bool is_model(const char *name)
{
	return !strncmp(name, MPFX, strlen(MPFX));
}

/* Does the model agree with the kernel's answer? */
static bool m_expect(const char *what, int got, int want)
{
	fig.model_ops++;
	if (got == want) {
		if (want)
			fig.model_errs++;
		return true;
	}
	fail("%s: the kernel answered %s, the model expected %s%s%s", what,
	     got ? errname(-got) : "success",
	     want ? errname(-want) : "success",
	     rep.msg[0] ? "; extack: " : "", rep.msg);
	return false;
}

static void m_grp_clear(struct m_grp *g)
{
	int l;

	memset(g, 0, sizeof(*g));
	for (l = 0; l < M_LUNS; l++)
		g->dev[l] = -1;
}

/* The LUNs of a group go: their devices lose a user each. */
static void m_grp_drop_luns(struct m_grp *g)
{
	int l;

	for (l = 0; l < M_LUNS; l++) {
		if (g->dev[l] >= 0)
			mdev[g->dev[l]].users--;
		g->dev[l] = -1;
	}
}

static void m_tgt_clear(struct m_tgt *t)
{
	int g;

	for (g = 0; g <= M_GRPS; g++) {
		m_grp_drop_luns(&t->grp[g]);
		m_grp_clear(&t->grp[g]);
	}
	memset(t, 0, sizeof(*t));
	for (g = 0; g <= M_GRPS; g++)
		m_grp_clear(&t->grp[g]);
}

/* Shell-style '*' and '?' match, written independently of the kernel's. */
static bool wild_match(const char *p, const char *s)
{
	if (!*p)
		return !*s;
	if (*p == '*')
		return wild_match(p + 1, s) || (*s && wild_match(p, s + 1));
	if (*s && (*p == '?' || *p == *s))
		return wild_match(p + 1, s + 1);
	return false;
}

static bool m_grp_matches(const struct m_grp *g, const char *ini)
{
	bool plain = false;
	unsigned int p;

	for (p = 0; p < M_PATS; p++) {
		if (!g->pat[p])
			continue;
		if (m_pat[p][0] == '!') {
			if (wild_match(m_pat[p] + 1, ini))
				return false;
		} else if (wild_match(m_pat[p], ini)) {
			plain = true;
		}
	}
	return plain;
}

/* The group a session of @t with initiator @ini uses: 0 is the default. */
static int m_sess_group(const struct m_tgt *t, const char *ini)
{
	unsigned int best = 0, order = UINT32_MAX;
	int g;

	for (g = 1; g <= M_GRPS; g++)
		if (t->grp[g].on && t->grp[g].order < order &&
		    m_grp_matches(&t->grp[g], ini)) {
			best = g;
			order = t->grp[g].order;
		}
	return best;
}

static void m_put_group(int g)
{
	if (g)
		mb_str(&req, SCST_A_GROUP, mname("g", g));
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * How long a cleanup may take to drain: its commands are the midlayer's
 * scans, done in milliseconds, but a host running other VMs beside this one
 * can slow it many times.
 */
#define CLEANUP_WAIT_S 60

/* After a replace that left a cleanup: release it if parked, wait it out. */
static void m_wait_cleanup(uint64_t id)
{
	struct dump d;
	const unsigned char *p;
	uint32_t l;
	size_t off;
	double t0 = now();
	bool found;

	while (now() - t0 < CLEANUP_WAIT_S) {
		rq(SCST_CMD_CLEANUP_GET);
		if (rq_dump(&d)) {
			fail("cleanup-get: %s", errname(-d.err));
			return;
		}
		found = false;
		for_each_obj(&d, p, l, off) {
			if (attr_uint(p, l, SCST_A_CLEANUP_ID) != id)
				continue;
			found = true;
			if (attr_uint(p, l, SCST_A_CLEANUP_STATE) ==
			    SCST_CLEANUP_PARKED) {
				int ret;

				rq(SCST_CMD_CLEANUP_RELEASE);
				mb_u64(&req, SCST_A_CLEANUP_ID, id);
				ret = rq_do();
				/* A helper may have released it meanwhile. */
				if (helpers_alive && ret == -ENOENT)
					ret = 0;
				m_expect("cleanup-release", ret, 0);
			}
		}
		dump_free(&d);
		if (!found)
			return;
		usleep(20000);
	}
	fail("cleanup %" PRIu64 " of a model replace did not finish in %d s",
	     id, CLEANUP_WAIT_S);
}

static void m_device_new(void)
{
	int d = rnd(M_DEVS);
	uint64_t size = (uint64_t)(1 + rnd(64)) << 20;
	bool ro = chance(20);

	rq(SCST_CMD_DEVICE_NEW);
	mb_str(&req, SCST_A_HANDLER, "vdisk_nullio");
	mb_str(&req, SCST_A_DEVICE, mname("d", d));
	mb_u64(&req, SCST_A_DEV_SIZE, size);
	if (ro)
		mb_u8(&req, SCST_A_DEV_READ_ONLY, 1);
	if (m_expect("device-new", rq_do(), mdev[d].on ? -EEXIST : 0) &&
	    !mdev[d].on) {
		mdev[d].on = true;
		mdev[d].size = size;
		mdev[d].ro = ro;
		mdev[d].users = 0;
	}
}

static void m_device_del(void)
{
	int d = rnd(M_DEVS);
	int want = !mdev[d].on ? -ENOENT : mdev[d].users ? -EBUSY : 0;

	rq(SCST_CMD_DEVICE_DEL);
	mb_str(&req, SCST_A_DEVICE, mname("d", d));
	if (m_expect("device-del", rq_do(), want) && !want)
		mdev[d].on = false;
}

static void m_device_set(void)
{
	int d = rnd(M_DEVS);
	uint64_t size = (uint64_t)(1 + rnd(64)) << 20;
	bool ro = chance(50), set_size = chance(50);

	rq(SCST_CMD_DEVICE_SET);
	mb_str(&req, SCST_A_DEVICE, mname("d", d));
	if (set_size)
		mb_u64(&req, SCST_A_DEV_SIZE, size);
	else
		mb_u8(&req, SCST_A_DEV_READ_ONLY, ro);
	if (m_expect("device-set", rq_do(), mdev[d].on ? 0 : -ENOENT) &&
	    mdev[d].on) {
		if (set_size)
			mdev[d].size = size;
		else
			mdev[d].ro = ro;
	}
}

static void m_device_get(void)
{
	int d = rnd(M_DEVS);
	const void *p = rep.attrs;

	rq(SCST_CMD_DEVICE_GET);
	mb_str(&req, SCST_A_DEVICE, mname("d", d));
	if (!m_expect("device-get", rq_do(), mdev[d].on ? 0 : -ENOENT) ||
	    !mdev[d].on)
		return;
	fig.model_checks++;
	if (strcmp(attr_str(p, rep.len, SCST_A_DEVICE), mname("d", d)) ||
	    strcmp(attr_str(p, rep.len, SCST_A_HANDLER), "vdisk_nullio") ||
	    attr_uint(p, rep.len, SCST_A_DEV_USERS) != mdev[d].users ||
	    attr_uint(p, rep.len, SCST_A_DEV_SIZE) != mdev[d].size ||
	    attr_uint(p, rep.len, SCST_A_DEV_READ_ONLY) != mdev[d].ro)
		fail("device-get %s: handler '%s' users %" PRIu64 " size %"
		     PRIu64 " read_only %" PRIu64
		     "; the model has users %u size %" PRIu64 " read_only %d",
		     mname("d", d), attr_str(p, rep.len, SCST_A_HANDLER),
		     attr_uint(p, rep.len, SCST_A_DEV_USERS),
		     attr_uint(p, rep.len, SCST_A_DEV_SIZE),
		     attr_uint(p, rep.len, SCST_A_DEV_READ_ONLY),
		     mdev[d].users, mdev[d].size, mdev[d].ro);
}

static void m_target_new(void)
{
	int t = rnd(M_TGTS);

	rq(SCST_CMD_TARGET_NEW);
	mb_str(&req, SCST_A_DRIVER, "scst_local");
	mb_str(&req, SCST_A_TARGET, mname("t", t));
	if (m_expect("target-new", rq_do(), mtgt[t].on ? -EEXIST : 0) &&
	    !mtgt[t].on) {
		m_tgt_clear(&mtgt[t]);
		mtgt[t].on = true;
	}
}

static void m_target_del(void)
{
	int t = rnd(M_TGTS);

	rq(SCST_CMD_TARGET_DEL);
	mb_str(&req, SCST_A_TARGET, mname("t", t));
	if (m_expect("target-del", rq_do(), mtgt[t].on ? 0 : -ENOENT) &&
	    mtgt[t].on)
		m_tgt_clear(&mtgt[t]);
}

static void m_target_get(void)
{
	int t = rnd(M_TGTS), s;
	unsigned int nr = 0;

	rq(SCST_CMD_TARGET_GET);
	mb_str(&req, SCST_A_TARGET, mname("t", t));
	if (!m_expect("target-get", rq_do(), mtgt[t].on ? 0 : -ENOENT) ||
	    !mtgt[t].on)
		return;
	fig.model_checks++;
	for (s = 0; s < M_SESS; s++)
		nr += mtgt[t].sess[s];
	if (strcmp(attr_str(rep.attrs, rep.len, SCST_A_DRIVER), "scst_local") ||
	    attr_uint(rep.attrs, rep.len, SCST_A_NR_SESSIONS) != nr ||
	    attr_uint(rep.attrs, rep.len, SCST_A_TARGET_ENABLED) != 1)
		fail("target-get %s: driver '%s' sessions %" PRIu64
		     " enabled %" PRIu64 "; the model has %u sessions",
		     mname("t", t),
		     attr_str(rep.attrs, rep.len, SCST_A_DRIVER),
		     attr_uint(rep.attrs, rep.len, SCST_A_NR_SESSIONS),
		     attr_uint(rep.attrs, rep.len, SCST_A_TARGET_ENABLED), nr);
}

static void m_group_new(void)
{
	int t = rnd(M_TGTS), g = 1 + rnd(M_GRPS);
	struct m_grp *mg = &mtgt[t].grp[g];
	int want = !mtgt[t].on ? -ENOENT : mg->on ? -EEXIST : 0;

	rq(SCST_CMD_GROUP_NEW);
	mb_str(&req, SCST_A_TARGET, mname("t", t));
	mb_str(&req, SCST_A_GROUP, mname("g", g));
	if (m_expect("group-new", rq_do(), want) && !want) {
		m_grp_clear(mg);
		mg->on = true;
		mg->order = ++m_order;
	}
}

static void m_group_del(void)
{
	int t = rnd(M_TGTS), g = 1 + rnd(M_GRPS);
	struct m_grp *mg = &mtgt[t].grp[g];
	int want = !mtgt[t].on || !mg->on ? -ENOENT : 0;

	rq(SCST_CMD_GROUP_DEL);
	mb_str(&req, SCST_A_TARGET, mname("t", t));
	mb_str(&req, SCST_A_GROUP, mname("g", g));
	if (m_expect("group-del", rq_do(), want) && !want) {
		m_grp_drop_luns(mg);
		m_grp_clear(mg);
	}
}

/* The named group of @t holding pattern @p, or 0. */
static int m_pat_group(const struct m_tgt *t, int p)
{
	int g;

	for (g = 1; g <= M_GRPS; g++)
		if (t->grp[g].on && t->grp[g].pat[p])
			return g;
	return 0;
}

static void m_initiator(void)
{
	int t = rnd(M_TGTS), g = 1 + rnd(M_GRPS), p = rnd(M_PATS);
	int ng = 1 + rnd(M_GRPS), op = rnd(10), want;
	struct m_tgt *mt = &mtgt[t];
	struct m_grp *mg = &mt->grp[g];
	uint8_t cmd;

	cmd = op < 4 ? SCST_CMD_INITIATOR_ADD : op < 7 ? SCST_CMD_INITIATOR_DEL :
	      op < 9 ? SCST_CMD_INITIATOR_MOVE : SCST_CMD_INITIATOR_CLEAR;
	rq(cmd);
	mb_str(&req, SCST_A_TARGET, mname("t", t));
	mb_str(&req, SCST_A_GROUP, mname("g", g));
	if (cmd != SCST_CMD_INITIATOR_CLEAR)
		mb_str(&req, SCST_A_INITIATOR, m_pat[p]);
	if (cmd == SCST_CMD_INITIATOR_MOVE)
		mb_str(&req, SCST_A_NEW_GROUP, mname("g", ng));

	if (!mt->on || !mg->on)
		want = -ENOENT;
	else if (cmd == SCST_CMD_INITIATOR_ADD)
		want = m_pat_group(mt, p) ? -EEXIST : 0;
	else if (cmd == SCST_CMD_INITIATOR_MOVE && !mt->grp[ng].on)
		want = -ENOENT;
	else if (cmd != SCST_CMD_INITIATOR_CLEAR && !mg->pat[p])
		want = -ENOENT;
	else
		want = 0;
	if (!m_expect(cmd_name(cmd), rq_do(), want) || want)
		return;
	switch (cmd) {
	case SCST_CMD_INITIATOR_ADD:
		mg->pat[p] = true;
		break;
	case SCST_CMD_INITIATOR_DEL:
		mg->pat[p] = false;
		break;
	case SCST_CMD_INITIATOR_MOVE:
		mg->pat[p] = false;
		mt->grp[ng].pat[p] = true;
		break;
	default:
		memset(mg->pat, 0, sizeof(mg->pat));
		break;
	}
}

static void m_lun_new(void)
{
	int t = rnd(M_TGTS), g = rnd(M_GRPS + 1), l = rnd(M_LUNS);
	int d = rnd(M_DEVS), want;
	bool ro = chance(30);
	struct m_grp *mg = &mtgt[t].grp[g];

	rq(SCST_CMD_LUN_NEW);
	mb_str(&req, SCST_A_TARGET, mname("t", t));
	m_put_group(g);
	mb_u32(&req, SCST_A_LUN, m_lun[l]);
	mb_str(&req, SCST_A_DEVICE, mname("d", d));
	if (ro || chance(50))
		mb_u8(&req, SCST_A_LUN_READ_ONLY, ro);
	if (!mtgt[t].on || (g && !mg->on) || !mdev[d].on)
		want = -ENOENT;
	else
		want = mg->dev[l] >= 0 ? -EEXIST : 0;
	if (m_expect("lun-new", rq_do(), want) && !want) {
		mg->dev[l] = d;
		mg->ro[l] = ro;
		mdev[d].users++;
	}
}

static void m_lun_del(void)
{
	int t = rnd(M_TGTS), g = rnd(M_GRPS + 1), l = rnd(M_LUNS), want;
	struct m_grp *mg = &mtgt[t].grp[g];

	rq(SCST_CMD_LUN_DEL);
	mb_str(&req, SCST_A_TARGET, mname("t", t));
	m_put_group(g);
	mb_u32(&req, SCST_A_LUN, m_lun[l]);
	want = !mtgt[t].on || (g && !mg->on) || mg->dev[l] < 0 ? -ENOENT : 0;
	if (m_expect("lun-del", rq_do(), want) && !want) {
		mdev[mg->dev[l]].users--;
		mg->dev[l] = -1;
	}
}

static void m_lun_replace(void)
{
	static const uint32_t flags[] = {
		0, SCST_REPLACE_F_ASYNC, SCST_REPLACE_F_PARK,
		SCST_REPLACE_F_NO_UA, SCST_REPLACE_F_ASYNC | SCST_REPLACE_F_NO_UA,
	};
	int t = rnd(M_TGTS), g = rnd(M_GRPS + 1), l = rnd(M_LUNS);
	int d = rnd(M_DEVS), ro = rnd(3) - 1, want;
	struct m_grp *mg = &mtgt[t].grp[g];
	uint64_t id;

	rq(SCST_CMD_LUN_REPLACE);
	mb_str(&req, SCST_A_TARGET, mname("t", t));
	m_put_group(g);
	mb_u32(&req, SCST_A_LUN, m_lun[l]);
	mb_str(&req, SCST_A_DEVICE, mname("d", d));
	if (ro >= 0)
		mb_u8(&req, SCST_A_LUN_READ_ONLY, ro);
	if (chance(70))
		mb_u32(&req, SCST_A_REPLACE_FLAGS, PICK(flags));
	if (!mtgt[t].on || (g && !mg->on) || !mdev[d].on || mg->dev[l] < 0)
		want = -ENOENT;
	else
		want = 0;
	if (!m_expect("lun-replace", rq_do(), want) || want)
		return;
	id = attr_uint(rep.attrs, rep.len, SCST_A_CLEANUP_ID);
	mdev[mg->dev[l]].users--;
	mg->dev[l] = d;
	if (ro >= 0)
		mg->ro[l] = ro;
	mdev[d].users++;
	if (id != UINT64_MAX)
		m_wait_cleanup(id);
}

static void m_lun_clear(void)
{
	int t = rnd(M_TGTS), g = rnd(M_GRPS + 1), want;
	struct m_grp *mg = &mtgt[t].grp[g];

	rq(SCST_CMD_LUN_CLEAR);
	mb_str(&req, SCST_A_TARGET, mname("t", t));
	m_put_group(g);
	want = !mtgt[t].on || (g && !mg->on) ? -ENOENT : 0;
	if (m_expect("lun-clear", rq_do(), want) && !want)
		m_grp_drop_luns(mg);
}

static void m_session_new(void)
{
	int t = rnd(M_TGTS), s = rnd(M_SESS), i = rnd(ARRAY_SIZE(m_ini));
	int want = !mtgt[t].on ? -ENOENT : mtgt[t].sess[s] ? -EEXIST : 0;

	rq(SCST_CMD_SESSION_NEW);
	mb_str(&req, SCST_A_TARGET, mname("t", t));
	mb_str(&req, SCST_A_INITIATOR, m_ini[i]);
	mb_str(&req, SCST_A_SESSION, mname("s", s));
	if (m_expect("session-new", rq_do(), want) && !want) {
		mtgt[t].sess[s] = true;
		mtgt[t].ini[s] = i;
	}
}

static void m_session_del(void)
{
	int t = rnd(M_TGTS), s = rnd(M_SESS);
	int want = !mtgt[t].on || !mtgt[t].sess[s] ? -ENOENT : 0;

	rq(SCST_CMD_SESSION_DEL);
	mb_str(&req, SCST_A_TARGET, mname("t", t));
	mb_str(&req, SCST_A_SESSION, mname("s", s));
	if (m_expect("session-del", rq_do(), want) && !want)
		mtgt[t].sess[s] = false;
}

/* Requests the model refuses: bad names in its own name space. */
static void m_invalid(void)
{
	switch (rnd(3)) {
	case 0:
		rq(SCST_CMD_DEVICE_NEW);
		mb_str(&req, SCST_A_HANDLER, "vdisk_nullio");
		mb_str(&req, SCST_A_DEVICE, MPFX "bad name");
		break;
	case 1:
		rq(SCST_CMD_TARGET_NEW);
		mb_str(&req, SCST_A_DRIVER, "scst_local");
		mb_str(&req, SCST_A_TARGET, MPFX "bad/name");
		break;
	default:
		rq(SCST_CMD_LUN_NEW);
		mb_str(&req, SCST_A_TARGET, mname("t", 0));
		mb_str(&req, SCST_A_DEVICE, mname("d", 0));
		break;
	}
	m_expect("invalid request", rq_do(), -EINVAL);
}

static int group_index(const char *name)
{
	int g;

	if (!*name)
		return 0;
	for (g = 1; g <= M_GRPS; g++)
		if (!strcmp(name, mname("g", g)))
			return g;
	return -1;
}

/* Compare the groups, LUNs and sessions of target @t with the kernel's. */
static void m_check_target(int t)
{
	bool seen_grp[M_GRPS + 1] = { false }, seen_pat[M_GRPS + 1][M_PATS];
	bool seen_lun[M_GRPS + 1][M_LUNS], seen_sess[M_SESS] = { false };
	const struct m_tgt *mt = &mtgt[t];
	const unsigned char *p;
	const struct nlattr *a;
	struct dump d;
	size_t off;
	uint32_t len;
	long rem;
	int g, l, s, want;
	unsigned int i;

	memset(seen_pat, 0, sizeof(seen_pat));
	memset(seen_lun, 0, sizeof(seen_lun));
	want = mt->on ? 0 : -ENOENT;
	fig.model_checks++;

	rq(SCST_CMD_GROUP_GET);
	mb_str(&req, SCST_A_TARGET, mname("t", t));
	if (!m_expect("group-get dump", rq_dump(&d), want) || want) {
		dump_free(&d);
		return;
	}
	for_each_obj(&d, p, len, off) {
		g = group_index(attr_str(p, len, SCST_A_GROUP));
		if (g <= 0 || !mt->grp[g].on || seen_grp[g]) {
			fail("group-get %s: unexpected group '%s'",
			     mname("t", t), attr_str(p, len, SCST_A_GROUP));
			continue;
		}
		seen_grp[g] = true;
		for_each_attr(a, p, len, rem) {
			if (a->nla_type != SCST_A_INITIATOR)
				continue;
			for (i = 0; i < M_PATS; i++)
				if (!strcmp(nla_data(a), m_pat[i]))
					break;
			if (i == M_PATS || !mt->grp[g].pat[i] || seen_pat[g][i])
				fail("group-get %s: group %s has pattern '%s'",
				     mname("t", t), mname("g", g),
				     (const char *)nla_data(a));
			else
				seen_pat[g][i] = true;
		}
	}
	dump_free(&d);
	for (g = 1; g <= M_GRPS; g++) {
		if (mt->grp[g].on != seen_grp[g])
			fail("group-get %s: group %s missing", mname("t", t),
			     mname("g", g));
		for (i = 0; i < M_PATS && seen_grp[g]; i++)
			if (mt->grp[g].pat[i] != seen_pat[g][i])
				fail("group-get %s: group %s lacks pattern '%s'",
				     mname("t", t), mname("g", g), m_pat[i]);
	}

	rq(SCST_CMD_LUN_GET);
	mb_str(&req, SCST_A_TARGET, mname("t", t));
	if (!m_expect("lun-get dump", rq_dump(&d), 0))
		goto out;
	for_each_obj(&d, p, len, off) {
		uint64_t lun = attr_uint(p, len, SCST_A_LUN);
		const char *dev = attr_str(p, len, SCST_A_DEVICE);

		g = group_index(attr_str(p, len, SCST_A_GROUP));
		for (l = 0; l < M_LUNS; l++)
			if (m_lun[l] == lun)
				break;
		if (g < 0 || l == M_LUNS || mt->grp[g].dev[l] < 0 ||
		    seen_lun[g][l] ||
		    strcmp(dev, mname("d", mt->grp[g].dev[l])) ||
		    attr_uint(p, len, SCST_A_LUN_READ_ONLY) != mt->grp[g].ro[l]) {
			fail("lun-get %s: unexpected LUN %" PRIu64
			     " group '%s' device '%s' read_only %" PRIu64,
			     mname("t", t), lun,
			     attr_str(p, len, SCST_A_GROUP), dev,
			     attr_uint(p, len, SCST_A_LUN_READ_ONLY));
			continue;
		}
		seen_lun[g][l] = true;
	}
	dump_free(&d);
	for (g = 0; g <= M_GRPS; g++)
		for (l = 0; l < M_LUNS; l++)
			if ((mt->grp[g].dev[l] >= 0) != seen_lun[g][l])
				fail("lun-get %s: LUN %u of group %d missing",
				     mname("t", t), m_lun[l], g);

	rq(SCST_CMD_SESSION_GET);
	mb_str(&req, SCST_A_TARGET, mname("t", t));
	if (!m_expect("session-get dump", rq_dump(&d), 0))
		goto out;
	for_each_obj(&d, p, len, off) {
		const char *name = attr_str(p, len, SCST_A_SESSION);
		const char *ini = attr_str(p, len, SCST_A_INITIATOR);

		for (s = 0; s < M_SESS; s++)
			if (!strcmp(name, mname("s", s)))
				break;
		if (s == M_SESS || !mt->sess[s] || seen_sess[s] ||
		    strcmp(ini, m_ini[mt->ini[s]])) {
			fail("session-get %s: unexpected session '%s' of '%s'",
			     mname("t", t), name, ini);
			continue;
		}
		seen_sess[s] = true;
		g = m_sess_group(mt, ini);
		if (group_index(attr_str(p, len, SCST_A_GROUP)) != g)
			fail("session-get %s: session %s (%s) is in group '%s', the model says %s",
			     mname("t", t), name, ini,
			     attr_str(p, len, SCST_A_GROUP),
			     g ? mname("g", g) : "the default group");
	}
	for (s = 0; s < M_SESS; s++)
		if (mt->sess[s] != seen_sess[s])
			fail("session-get %s: session %s missing",
			     mname("t", t), mname("s", s));
out:
	dump_free(&d);
}

/* Every model device and target, and no other with the model's prefix. */
static void m_check_lists(void)
{
	bool seen_d[M_DEVS] = { false }, seen_t[M_TGTS] = { false };
	const unsigned char *p;
	struct dump d;
	uint32_t len;
	size_t off;
	int i;

	fig.model_checks++;
	rq(SCST_CMD_DEVICE_GET);
	if (!m_expect("device-get dump", rq_dump(&d), 0))
		goto out;
	for_each_obj(&d, p, len, off) {
		const char *name = attr_str(p, len, SCST_A_DEVICE);

		if (!is_model(name))
			continue;
		for (i = 0; i < M_DEVS; i++)
			if (!strcmp(name, mname("d", i)))
				break;
		if (i == M_DEVS || !mdev[i].on || seen_d[i]) {
			fail("device-get dump: unexpected device '%s'", name);
			continue;
		}
		seen_d[i] = true;
		if (attr_uint(p, len, SCST_A_DEV_USERS) != mdev[i].users)
			fail("device-get dump: %s has %" PRIu64 " users, the model %u",
			     name, attr_uint(p, len, SCST_A_DEV_USERS),
			     mdev[i].users);
	}
	for (i = 0; i < M_DEVS; i++)
		if (mdev[i].on != seen_d[i])
			fail("device-get dump: device %s missing", mname("d", i));
	dump_free(&d);

	rq(SCST_CMD_TARGET_GET);
	if (!m_expect("target-get dump", rq_dump(&d), 0))
		goto out;
	for_each_obj(&d, p, len, off) {
		const char *name = attr_str(p, len, SCST_A_TARGET);

		if (!is_model(name))
			continue;
		for (i = 0; i < M_TGTS; i++)
			if (!strcmp(name, mname("t", i)))
				break;
		if (i == M_TGTS || !mtgt[i].on || seen_t[i])
			fail("target-get dump: unexpected target '%s'", name);
		else
			seen_t[i] = true;
	}
	for (i = 0; i < M_TGTS; i++)
		if (mtgt[i].on != seen_t[i])
			fail("target-get dump: target %s missing", mname("t", i));
out:
	dump_free(&d);
}

static void model_op(void)
{
	switch (rnd(22)) {
	case 0: case 1:
		m_device_new();
		break;
	case 2:
		m_device_del();
		break;
	case 3:
		m_device_set();
		break;
	case 4:
		m_device_get();
		break;
	case 5:
		m_target_new();
		break;
	case 6:
		if (chance(40))
			m_target_del();
		break;
	case 7:
		m_target_get();
		break;
	case 8: case 9:
		m_group_new();
		break;
	case 10:
		m_group_del();
		break;
	case 11: case 12:
		m_initiator();
		break;
	case 13: case 14:
		m_lun_new();
		break;
	case 15:
		m_lun_del();
		break;
	case 16:
		m_lun_replace();
		break;
	case 17:
		if (chance(30))
			m_lun_clear();
		break;
	case 18:
		m_session_new();
		break;
	case 19:
		m_session_del();
		break;
	case 20:
		m_check_target(rnd(M_TGTS));
		break;
	default:
		if (chance(50))
			m_invalid();
		else
			m_check_lists();
		break;
	}
}

/* ---- sweeping what the fuzz messages made -------------------------------- */

static bool cleanups_gone(void)
{
	struct dump d;
	bool empty;

	rq(SCST_CMD_CLEANUP_GET);
	if (rq_dump(&d)) {
		fail("cleanup-get: %s", errname(-d.err));
		return true;
	}
	empty = !d.n;
	dump_free(&d);
	return empty;
}

/*
 * Delete every target and device that is not the model's, with valid
 * requests that must succeed, and put the global settings back.
 */
static void sweep(void)
{
	const unsigned char *p;
	struct dump d;
	uint32_t len;
	size_t off;
	double t0;
	int i, ret;

	fig.sweeps++;
	rq(SCST_CMD_TARGET_GET);
	if (rq_dump(&d)) {
		fail("sweep: target-get: %s", errname(-d.err));
		return;
	}
	for_each_obj(&d, p, len, off) {
		const char *name = attr_str(p, len, SCST_A_TARGET);

		if (is_model(name))
			continue;
		rq(SCST_CMD_TARGET_DEL);
		mb_str(&req, SCST_A_TARGET, name);
		ret = rq_do();
		if (!ret)
			fig.swept_targets++;
		else if (helpers_alive && (ret == -ENOENT || ret == -EBUSY))
			fig.sweep_conflicts++;
		else
			fail("sweep: target-del '%s': %s (%s)", name,
			     errname(-ret), rep.msg);
	}
	dump_free(&d);

	rq(SCST_CMD_CLEANUP_RELEASE);
	mb_flag(&req, SCST_A_CLEANUP_ALL);
	ret = rq_do();
	if (ret)
		fail("sweep: cleanup-release all: %s (%s)", errname(-ret),
		     rep.msg);
	t0 = now();
	for (i = 0; !cleanups_gone(); i++) {
		/* A helper's replaces may go on leaving cleanups. */
		if (helpers_alive && i == 5)
			break;
		if (now() - t0 >= CLEANUP_WAIT_S) {
			fail("sweep: cleanups still pending after %d s",
			     CLEANUP_WAIT_S);
			break;
		}
		usleep(20000);
	}

	rq(SCST_CMD_DEVICE_GET);
	if (rq_dump(&d)) {
		fail("sweep: device-get: %s", errname(-d.err));
		return;
	}
	for_each_obj(&d, p, len, off) {
		const char *name = attr_str(p, len, SCST_A_DEVICE);

		if (is_model(name))
			continue;
		/* The old state of a finished replace may still be going. */
		for (i = 0; i < (helpers_alive ? 5 : 500); i++) {
			rq(SCST_CMD_DEVICE_DEL);
			mb_str(&req, SCST_A_DEVICE, name);
			ret = rq_do();
			if (ret != -EBUSY)
				break;
			usleep(20000);
		}
		if (!ret)
			fig.swept_devices++;
		else if (helpers_alive && (ret == -ENOENT || ret == -EBUSY))
			fig.sweep_conflicts++;
		else
			fail("sweep: device-del '%s': %s (%s)", name,
			     errname(-ret), rep.msg);
	}
	dump_free(&d);

	rq(SCST_CMD_GLOBAL_SET);
	mb_u8(&req, SCST_A_ASYNC_LUN_REPLACE, 0);
	mb_u8(&req, SCST_A_PARK_LUN_REPLACE, 0);
	ret = rq_do();
	if (ret)
		fail("sweep: global-set: %s (%s)", errname(-ret), rep.msg);
	m_check_lists();
}

/* ---- events ------------------------------------------------------------------ */

static int esock = -1;

static bool has_tag(const void *p, size_t len)
{
	return memmem(p, len, MTAG, MTAG_LEN) != NULL;
}

/* Count the objects fuzz messages created, from the events they caused. */
static void events_drain(void)
{
	struct nlmsghdr *nlh;
	ssize_t n;
	int len;

	if (esock < 0)
		return;
	for (;;) {
		n = rx(esock, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == ENOBUFS) {
				fig.ev_overruns++;
				continue;
			}
			return;
		}
		len = n;
		for (nlh = (struct nlmsghdr *)rxbuf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			const struct genlmsghdr *g = NLMSG_DATA(nlh);

			if (nlh->nlmsg_type != family ||
			    nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
				continue;
			fig.events++;
			if (!has_tag(g, nlh->nlmsg_len - NLMSG_HDRLEN))
				fig.created[g->cmd]++;
		}
	}
}

/* ---- values for fuzz messages ------------------------------------------------- */

/* What an attribute holds, for making values of the right (or wrong) kind. */
enum vt {
	VT_ANY,
	VT_NAME, VT_HANDLER, VT_DRIVER, VT_PATTERN, VT_FILE, VT_PARAM,
	VT_ID4, VT_ID8, VT_ID16, VT_ID64, VT_STR,
	VT_BOOL, VT_U8, VT_U32, VT_LUN, VT_BLOCKSIZE, VT_FLAGS,
	VT_U64, VT_SIZE, VT_CLEANUP, VT_FLAG, VT_NAA,
	__VT_MAX
};

static const uint8_t attr_vt[SCST_A_MAX + 1] = {
	[SCST_A_VERSION] = VT_STR,
	[SCST_A_GENERATION] = VT_U32,
	[SCST_A_ASYNC_LUN_REPLACE] = VT_BOOL,
	[SCST_A_PARK_LUN_REPLACE] = VT_BOOL,
	[SCST_A_HANDLER] = VT_HANDLER,
	[SCST_A_DEVICE] = VT_NAME,
	[SCST_A_DRIVER] = VT_DRIVER,
	[SCST_A_TARGET] = VT_NAME,
	[SCST_A_GROUP] = VT_NAME,
	[SCST_A_INITIATOR] = VT_PATTERN,
	[SCST_A_NEW_GROUP] = VT_NAME,
	[SCST_A_LUN] = VT_LUN,
	[SCST_A_SESSION] = VT_PATTERN,
	[SCST_A_OLD_DEVICE] = VT_NAME,
	[SCST_A_CREATE_ATTR] = VT_STR,
	[SCST_A_RUNTIME_ATTR] = VT_STR,
	[SCST_A_DEV_FILENAME] = VT_FILE,
	[SCST_A_DEV_SIZE] = VT_SIZE,
	[SCST_A_DEV_BLOCKSIZE] = VT_BLOCKSIZE,
	[SCST_A_DEV_READ_ONLY] = VT_BOOL,
	[SCST_A_DEV_WRITE_THROUGH] = VT_BOOL,
	[SCST_A_DEV_NV_CACHE] = VT_BOOL,
	[SCST_A_DEV_O_DIRECT] = VT_BOOL,
	[SCST_A_DEV_THIN_PROVISIONED] = VT_BOOL,
	[SCST_A_DEV_ROTATIONAL] = VT_BOOL,
	[SCST_A_DEV_VENDOR] = VT_ID8,
	[SCST_A_DEV_PRODUCT] = VT_ID16,
	[SCST_A_DEV_REVISION] = VT_ID4,
	[SCST_A_DEV_T10_DEV_ID] = VT_ID64,
	[SCST_A_DEV_USN] = VT_ID64,
	[SCST_A_DEV_NAA_ID] = VT_NAA,
	[SCST_A_DEV_EUI64_ID] = VT_U64,
	[SCST_A_DEV_USERS] = VT_U32,
	[SCST_A_TARGET_ENABLED] = VT_BOOL,
	[SCST_A_REL_TGT_ID] = VT_U32,
	[SCST_A_NR_SESSIONS] = VT_U32,
	[SCST_A_LUN_READ_ONLY] = VT_BOOL,
	[SCST_A_REPLACE_FLAGS] = VT_FLAGS,
	[SCST_A_SYNC_FALLBACK] = VT_FLAG,
	[SCST_A_CMDS_INFLIGHT] = VT_U32,
	[SCST_A_SCSI_HOST] = VT_U32,
	[SCST_A_CLEANUP_ID] = VT_CLEANUP,
	[SCST_A_CLEANUP_ALL] = VT_FLAG,
	[SCST_A_CLEANUP_STATE] = VT_U8,
	[SCST_A_CLEANUP_AGE_MS] = VT_U64,
	[SCST_A_CLEANUP_DRAINED] = VT_U32,
	[SCST_A_CLEANUP_DRAIN_MS] = VT_U64,
	[SCST_A_DRIVER_PARAM] = VT_PARAM,
	[SCST_A_TARGET_PARAM] = VT_PARAM,
	[SCST_A_SESSION_PARAM] = VT_PARAM,
};

/* What each command takes: the first @nreq usually, the others sometimes. */
struct cmd_attrs {
	uint8_t	nreq;
	uint8_t	attr[20];
};

#define DEV_ATTRS							\
	SCST_A_DEV_FILENAME, SCST_A_DEV_SIZE, SCST_A_DEV_BLOCKSIZE,	\
	SCST_A_DEV_READ_ONLY, SCST_A_DEV_WRITE_THROUGH,			\
	SCST_A_DEV_NV_CACHE, SCST_A_DEV_O_DIRECT,			\
	SCST_A_DEV_THIN_PROVISIONED, SCST_A_DEV_ROTATIONAL,		\
	SCST_A_DEV_VENDOR, SCST_A_DEV_PRODUCT, SCST_A_DEV_REVISION,	\
	SCST_A_DEV_T10_DEV_ID, SCST_A_DEV_USN, SCST_A_DEV_NAA_ID,	\
	SCST_A_DEV_EUI64_ID

static const struct cmd_attrs cmd_attrs[] = {
	[SCST_CMD_GLOBAL_SET] = { 0, { SCST_A_ASYNC_LUN_REPLACE,
				       SCST_A_PARK_LUN_REPLACE } },
	[SCST_CMD_DEVICE_NEW] = { 2, { SCST_A_HANDLER, SCST_A_DEVICE,
				       DEV_ATTRS } },
	[SCST_CMD_DEVICE_DEL] = { 1, { SCST_A_DEVICE } },
	[SCST_CMD_DEVICE_SET] = { 1, { SCST_A_DEVICE, DEV_ATTRS } },
	[SCST_CMD_DEVICE_GET] = { 1, { SCST_A_DEVICE } },
	[SCST_CMD_TARGET_NEW] = { 2, { SCST_A_DRIVER, SCST_A_TARGET } },
	[SCST_CMD_TARGET_DEL] = { 1, { SCST_A_TARGET } },
	[SCST_CMD_TARGET_SET] = { 1, { SCST_A_TARGET, SCST_A_TARGET_ENABLED,
				       SCST_A_TARGET_PARAM,
				       SCST_A_TARGET_PARAM } },
	[SCST_CMD_TARGET_GET] = { 1, { SCST_A_TARGET } },
	[SCST_CMD_GROUP_NEW] = { 2, { SCST_A_TARGET, SCST_A_GROUP } },
	[SCST_CMD_GROUP_DEL] = { 2, { SCST_A_TARGET, SCST_A_GROUP } },
	[SCST_CMD_GROUP_GET] = { 0, { SCST_A_TARGET } },
	[SCST_CMD_INITIATOR_ADD] = { 3, { SCST_A_TARGET, SCST_A_GROUP,
					  SCST_A_INITIATOR } },
	[SCST_CMD_INITIATOR_DEL] = { 3, { SCST_A_TARGET, SCST_A_GROUP,
					  SCST_A_INITIATOR } },
	[SCST_CMD_INITIATOR_MOVE] = { 4, { SCST_A_TARGET, SCST_A_GROUP,
					   SCST_A_INITIATOR,
					   SCST_A_NEW_GROUP } },
	[SCST_CMD_INITIATOR_CLEAR] = { 2, { SCST_A_TARGET, SCST_A_GROUP } },
	[SCST_CMD_LUN_NEW] = { 3, { SCST_A_TARGET, SCST_A_LUN, SCST_A_DEVICE,
				    SCST_A_GROUP, SCST_A_LUN_READ_ONLY } },
	[SCST_CMD_LUN_DEL] = { 2, { SCST_A_TARGET, SCST_A_LUN,
				    SCST_A_GROUP } },
	[SCST_CMD_LUN_REPLACE] = { 3, { SCST_A_TARGET, SCST_A_LUN,
					SCST_A_DEVICE, SCST_A_GROUP,
					SCST_A_LUN_READ_ONLY,
					SCST_A_REPLACE_FLAGS } },
	[SCST_CMD_LUN_CLEAR] = { 1, { SCST_A_TARGET, SCST_A_GROUP } },
	[SCST_CMD_LUN_GET] = { 0, { SCST_A_TARGET, SCST_A_GROUP } },
	[SCST_CMD_SESSION_NEW] = { 2, { SCST_A_TARGET, SCST_A_INITIATOR,
					SCST_A_SESSION } },
	[SCST_CMD_SESSION_DEL] = { 2, { SCST_A_TARGET, SCST_A_SESSION } },
	[SCST_CMD_SESSION_GET] = { 0, { SCST_A_TARGET } },
	[SCST_CMD_CLEANUP_RELEASE] = { 0, { SCST_A_CLEANUP_ID,
					    SCST_A_CLEANUP_ALL } },
	[SCST_CMD_CLEANUP_NTF] = { 0, { SCST_A_CLEANUP_ID,
					SCST_A_CLEANUP_STATE, SCST_A_TARGET,
					SCST_A_LUN } },
	[SCST_CMD_DRIVER_SET] = { 1, { SCST_A_DRIVER, SCST_A_DRIVER_PARAM,
				       SCST_A_DRIVER_PARAM,
				       SCST_A_DRIVER_PARAM } },
};

/* What tame messages do: mostly make things, then change and remove them. */
static const uint8_t tame_cmds[] = {
	SCST_CMD_DEVICE_NEW, SCST_CMD_DEVICE_NEW, SCST_CMD_DEVICE_NEW,
	SCST_CMD_TARGET_NEW, SCST_CMD_TARGET_NEW, SCST_CMD_TARGET_NEW,
	SCST_CMD_GROUP_NEW, SCST_CMD_GROUP_NEW, SCST_CMD_INITIATOR_ADD,
	SCST_CMD_INITIATOR_ADD, SCST_CMD_LUN_NEW, SCST_CMD_LUN_NEW,
	SCST_CMD_LUN_NEW, SCST_CMD_LUN_NEW, SCST_CMD_SESSION_NEW,
	SCST_CMD_SESSION_NEW, SCST_CMD_LUN_REPLACE, SCST_CMD_LUN_REPLACE,
	SCST_CMD_TARGET_SET, SCST_CMD_DEVICE_SET, SCST_CMD_INITIATOR_MOVE,
	SCST_CMD_INITIATOR_DEL, SCST_CMD_INITIATOR_CLEAR, SCST_CMD_LUN_DEL,
	SCST_CMD_LUN_CLEAR, SCST_CMD_GROUP_DEL, SCST_CMD_SESSION_DEL,
	SCST_CMD_DEVICE_DEL, SCST_CMD_TARGET_DEL, SCST_CMD_CLEANUP_RELEASE,
	SCST_CMD_GLOBAL_SET, SCST_CMD_DRIVER_SET, SCST_CMD_DEVICE_GET,
	SCST_CMD_TARGET_GET,
};

static const uint8_t dump_cmds[] = {
	SCST_CMD_HANDLER_GET, SCST_CMD_DEVICE_GET, SCST_CMD_DRIVER_GET,
	SCST_CMD_TARGET_GET, SCST_CMD_GROUP_GET, SCST_CMD_LUN_GET,
	SCST_CMD_SESSION_GET, SCST_CMD_CLEANUP_GET,
};

/*
 * Names fuzz messages use: a small pool (so that they find what earlier
 * ones made), then everything odd. iSCSI wants iqn./eui./naa. names.
 */
static const char *const fz_names[] = {
	"fz0", "fz1", "fz2", "fz3", "iqn.2026-11.org.example:fz0",
	"iqn.2026-11.org.example:fz1", "eui.0123456789ABCDEF", "naa.fz",
};

/* Tame messages use fewer names, so that they meet what they made. */
static const char *const tame_names[] = {
	"fz0", "fz1", "fz2", "iqn.2026-11.org.example:fz0", "eui.0123456789ABCDEF",
};

/*
 * Set while a tame message is built: every value well-formed and of the
 * right kind, so that it gets past the policies and reaches the objects.
 */
static bool tame;

static const char *const odd_names[] = {
	"\xff", "a\nb", "a/b", "a b", " ", "\t", "/", "fz0\x7f", "fz\xc3\xa9",
	"%s%s%n", "..", ".", "*", "?", "!", "!*", "-", "\\", "fz0\r", "\x01",
	"fz0 ", " fz0", "fz0\n",
};

static const char *const fz_patterns[] = {
	"fzi0", "fzi1", "fzi*", "*", "?", "!fzi1", "!*", "fz?", "!", "**",
	"iqn.2026-11.org.example:host", "fzi0/x",
};

static const char nullb[] = "/dev/nullb0";

/* Backing files a fuzz message may name: nothing real is ever written. */
static const char *const fz_files[] = {
	"/dev/null", "/tmp/nlfuzz/disk.img", "/tmp/nlfuzz/small.img",
	"/tmp/nlfuzz", "/tmp/nlfuzz/none", "/nonexistent-nlfuzz/x", nullb,
	"/tmp/nlfuzz/disk.img/", "/dev/null/x", "relative.img", "",
};

#define SAFE_PREFIX	"/nonexistent-nlfuzz/"

static bool file_safe(const char *s, size_t len)
{
	size_t i;

	if (!memchr(s, '\0', len))
		return true;	/* the policy refuses it */
	if (s[0] != '/')
		return true;	/* the handler refuses relative paths */
	if (!strncmp(s, SAFE_PREFIX, strlen(SAFE_PREFIX)))
		return true;
	for (i = 0; i < ARRAY_SIZE(fz_files); i++)
		if (!strcmp(s, fz_files[i]))
			return true;
	return false;
}

static char text[8192];

static size_t fill_printable(char *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		t[i] = 0x21 + rnd(0x5e);
	t[n] = '\0';
	return n;
}

/* A name's text (no NUL counted), usually one of the pool. */
static size_t gen_name(char *t)
{
	static const size_t lens[] = {
		254, 255, 256, 257, 300, 1000, 4095, 4096, 5000,
	};
	size_t n, i;
	unsigned int r = rnd(100);

	if (tame)
		return strlen(strcpy(t, PICK(tame_names)));
	if (r < 55)
		return strlen(strcpy(t, PICK(fz_names)));
	if (r < 60) {
		t[0] = '\0';
		return 0;
	}
	if (r < 72)
		return strlen(strcpy(t, PICK(odd_names)));
	if (r < 80) {
		n = PICK(lens);
		if (chance(50)) {
			memset(t, 'x', n);
			t[n] = '\0';
			return n;
		}
		return fill_printable(t, n);
	}
	if (r < 88)
		return fill_printable(t, 1 + rnd(40));
	if (r < 94) {
		n = 1 + rnd(40);
		for (i = 0; i < n; i++)
			t[i] = 1 + rnd(255);
		t[n] = '\0';
		return n;
	}
	n = strlen(strcpy(t, PICK(fz_names)));
	t[n++] = PICK(odd_names)[0];
	t[n] = '\0';
	return n;
}

static size_t gen_param(char *t)
{
	static const char *const fixed[] = {
		"portals=", "portals=127.0.0.1", "portals=127.0.0.1:0",
		"portals=127.0.0.1:99999", "portals=[::1]:3261",
		"portals=127.0.0.1:3262,[::1]:3262", "portals=garbage",
		"portals=127.0.0.1:3263,127.0.0.1:3263", "portals=[::1",
		"IncomingUser=fzuser fzsecret-12345", "IncomingUser=",
		"IncomingUser=fzuser", "IncomingUser=fzuser short",
		"OutgoingUser=fzout fzsecret-67890", "OutgoingUser=",
		"HeaderDigest=CRC32C,None", "HeaderDigest=None",
		"DataDigest=CRC32C", "HeaderDigest=MD5", "InitialR2T=Yes",
		"ImmediateData=No", "ImmediateData=Maybe",
		"MaxRecvDataSegmentLength=512", "MaxBurstLength=16777216",
		"FirstBurstLength=0", "QueuedCommands=0", "QueuedCommands=2048",
		"NopInInterval=-1", "NopInTimeout=4294967296", "=x", "noeq",
		"Colour=red", "portals", "MaxXmitDataSegmentLength=99999999999",
	};
	size_t n;

	if (tame || chance(80))
		return strlen(strcpy(t, PICK(fixed)));
	if (chance(50)) {
		n = sprintf(t, "portals=127.0.0.1:%u", 3260 + rnd(40));
		return n;
	}
	n = strlen(strcpy(t, chance(50) ? "MaxBurstLength=" : "IncomingUser="));
	if (chance(50))
		return n + sprintf(t + n, "%" PRIu64, rnd64() >> rnd(64));
	return n + fill_printable(t + n, rnd(chance(10) ? 4000 : 40));
}

static size_t gen_id(char *t, size_t max)
{
	size_t n;

	if (tame)
		return fill_printable(t, 1 + rnd(max));
	switch (rnd(6)) {
	case 0:
		t[0] = '\0';
		return 0;
	case 1:
		n = max + 1 + rnd(4);
		break;
	case 2:
		n = strlen(strcpy(t, PICK(odd_names)));
		return n;
	default:
		n = 1 + rnd(max);
		break;
	}
	return fill_printable(t, n);
}

/* The payload of a string attribute: usually @t and its NUL. */
static size_t str_payload(unsigned char *p, const char *t, size_t n)
{
	unsigned int r = rnd(100);
	size_t i, extra;

	memcpy(p, t, n);
	if (tame || r < 80) {
		p[n] = '\0';
		return n + 1;
	}
	if (r < 86)
		return n;	/* no NUL */
	if (r < 89)
		return 0;
	if (r < 94) {
		p[n] = '\0';
		extra = 1 + rnd(8);
		for (i = 0; i < extra; i++)
			p[n + 1 + i] = rnd(256);
		return n + 1 + extra;
	}
	if (n) {
		p[rnd(n)] = '\0';	/* a NUL inside */
		p[n] = '\0';
		return n + 1;
	}
	p[0] = '\0';
	return 1;
}

/* An integer, usually of @width bytes, sometimes of another length. */
static size_t int_payload(unsigned char *p, size_t width, uint64_t v)
{
	static const size_t lens[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 16 };
	size_t n = width;

	if (!tame && chance(10))
		n = PICK(lens);
	memset(p, 0, 16);
	memcpy(p, &v, n < 8 ? n : 8);
	return n;
}

static uint64_t gen_u64(void)
{
	static const uint64_t odd[] = {
		0, 1, 511, 512, 4096, UINT32_MAX, (uint64_t)UINT32_MAX + 1,
		INT64_MAX, 1ULL << 63, UINT64_MAX, UINT64_MAX - 511,
		UINT64_MAX & ~4095ULL, 1ULL << 40, 1ULL << 50,
	};

	return chance(60) ? PICK(odd) : rnd64() >> rnd(64);
}

/* The payload of a value of kind @vt into @p (at least 8200 bytes). */
static size_t gen_value(unsigned char *p, int vt)
{
	static const uint32_t luns[] = {
		0, 1, 2, 7, 255, 256, 16383, 16384, 0x4000, 0x7fffffff,
		0x80000000, UINT32_MAX,
	};
	static const uint32_t bss[] = {
		512, 4096, 512, 4096, 0, 1, 511, 513, 1024, 2048, 8192, 65536,
		1U << 31, UINT32_MAX,
	};
	static const uint32_t rflags[] = {
		0, 1, 2, 3, 4, 5, 6, 7, 8, 0x10, 1U << 31, UINT32_MAX,
	};
	size_t n, i;

	if (tame) {
		switch (vt) {
		case VT_HANDLER:
			n = strlen(strcpy(text, PICK(((const char *const[]){
				"vdisk_nullio", "vdisk_nullio", "vdisk_nullio",
				"vdisk_fileio", "vdisk_fileio", "vdisk_blockio" }))));
			return str_payload(p, text, n);
		case VT_DRIVER:
			n = strlen(strcpy(text, chance(70) ? "scst_local" : "iscsi"));
			return str_payload(p, text, n);
		case VT_FILE:
			n = strlen(strcpy(text, PICK(((const char *const[]){
				"/tmp/nlfuzz/disk.img", "/tmp/nlfuzz/disk.img",
				"/tmp/nlfuzz/small.img", nullb, "/dev/null" }))));
			return str_payload(p, text, n);
		case VT_BOOL:
			return int_payload(p, 1, rnd(2));
		case VT_LUN:
			return int_payload(p, 4, PICK(luns) & 0x3fff);
		case VT_BLOCKSIZE:
			return int_payload(p, 4, chance(50) ? 512 : 4096);
		case VT_FLAGS:
			return int_payload(p, 4, rnd(8));
		case VT_SIZE:
			return int_payload(p, 8, (uint64_t)(1 + rnd(256))
					   << (12 + rnd(10)));
		case VT_CLEANUP:
			return int_payload(p, 8, rnd(20));
		case VT_FLAG:
			return 0;
		case VT_NAA:
			for (i = 0; i < 16; i++)
				p[i] = rnd(256);
			p[0] = 0x60 | (p[0] & 0x0f);
			return 16;
		}
	}
	switch (vt) {
	case VT_NAME:
	case VT_STR:
		n = gen_name(text);
		return str_payload(p, text, n);
	case VT_HANDLER: {
		static const char *const h[] = {
			"vdisk_nullio", "vdisk_nullio", "vdisk_nullio",
			"vdisk_fileio", "vdisk_blockio", "vdisk_nullio\n",
			"VDISK_NULLIO", "vdisk",
		};

		if (chance(85))
			n = strlen(strcpy(text, PICK(h)));
		else
			n = gen_name(text);
		return str_payload(p, text, n);
	}
	case VT_DRIVER: {
		static const char *const d[] = {
			"scst_local", "scst_local", "iscsi", "iscsi_scst",
			"scst_local ", "ISCSI",
		};

		if (chance(85))
			n = strlen(strcpy(text, PICK(d)));
		else
			n = gen_name(text);
		return str_payload(p, text, n);
	}
	case VT_PATTERN:
		if (chance(60))
			n = strlen(strcpy(text, PICK(fz_patterns)));
		else
			n = gen_name(text);
		return str_payload(p, text, n);
	case VT_FILE:
		if (chance(85)) {
			n = strlen(strcpy(text, PICK(fz_files)));
		} else {
			n = strlen(strcpy(text, SAFE_PREFIX));
			n += gen_name(text + n);
		}
		return str_payload(p, text, n);
	case VT_PARAM:
		n = gen_param(text);
		return str_payload(p, text, n);
	case VT_ID4:
		return str_payload(p, text, gen_id(text, 4));
	case VT_ID8:
		return str_payload(p, text, gen_id(text, 8));
	case VT_ID16:
		return str_payload(p, text, gen_id(text, 16));
	case VT_ID64:
		return str_payload(p, text, gen_id(text, 64));
	case VT_BOOL:
		return int_payload(p, 1, chance(80) ? rnd(2) :
				   PICK(((const uint8_t[]){ 2, 0x7f, 0x80, 0xff })));
	case VT_U8:
		return int_payload(p, 1, rnd(256));
	case VT_U32:
		return int_payload(p, 4, (uint32_t)gen_u64());
	case VT_LUN:
		return int_payload(p, 4, chance(80) ? PICK(luns) :
				   (uint32_t)rnd64());
	case VT_BLOCKSIZE:
		return int_payload(p, 4, chance(90) ? PICK(bss) :
				   (uint32_t)rnd64());
	case VT_FLAGS:
		return int_payload(p, 4, PICK(rflags));
	case VT_U64:
		return int_payload(p, 8, gen_u64());
	case VT_SIZE:
		return int_payload(p, 8, chance(50) ?
				   (uint64_t)(1 + rnd(256)) << (9 + rnd(14)) :
				   gen_u64());
	case VT_CLEANUP:
		return int_payload(p, 8, chance(60) ? rnd(20) : gen_u64());
	case VT_FLAG:
		return chance(90) ? 0 : int_payload(p, 1 + rnd(8), rnd64());
	case VT_NAA:
		n = chance(90) ? 16 : PICK(((const size_t[]){ 0, 8, 15, 17, 32 }));
		for (i = 0; i < n; i++)
			p[i] = rnd(256);
		if (n && chance(70))
			p[0] = 0x60 | (p[0] & 0x0f);
		return n;
	default:
		n = chance(90) ? rnd(20) : rnd(600);
		for (i = 0; i < n; i++)
			p[i] = rnd(256);
		return n;
	}
}

static unsigned char vbuf[70000];

/* An attribute of @type, usually with a value of its kind. */
static void put_fuzz_attr(struct mb *m, uint16_t type)
{
	unsigned int t = type & NLA_TYPE_MASK;
	int vt = t <= SCST_A_MAX ? attr_vt[t] : VT_ANY;
	size_t n;

	if (!tame && chance(8))
		vt = rnd(__VT_MAX);	/* a value of the wrong kind */
	if (vt == VT_ANY && t <= SCST_A_MAX && chance(70))
		vt = PICK(((const int[]){ VT_U8, VT_U32, VT_U64, VT_STR }));
	n = gen_value(vbuf, vt);
	mb_attr(m, type, vbuf, n);
}

static uint16_t random_type(void)
{
	if (chance(90))
		return rnd(SCST_A_MAX + 4);
	return PICK(((const uint16_t[]){ 0, SCST_A_PAD, SCST_A_MAX + 1, 255,
					 256, 0x3fff }));
}

static void put_nested(struct mb *m, int depth)
{
	size_t off = mb_nest_begin(m, random_type());
	int i, n = rnd(5);

	for (i = 0; i < n; i++) {
		if (depth < 4 && chance(30))
			put_nested(m, depth + 1);
		else
			put_fuzz_attr(m, random_type() |
				      (chance(5) ? NLA_F_NET_BYTEORDER : 0));
	}
	mb_nest_end(m, off);
}

static uint8_t random_cmd(void)
{
	if (chance(88))
		return 1 + rnd(SCST_CMD_MAX);
	return PICK(((const uint8_t[]){ 0, SCST_CMD_MAX + 1, SCST_CMD_MAX + 2,
					64, 127, 128, 200, 255 }));
}

static uint16_t random_flags(bool dump)
{
	static const uint16_t extra[] = {
		NLM_F_ECHO, NLM_F_ROOT, NLM_F_MATCH, NLM_F_ATOMIC,
		NLM_F_REPLACE, NLM_F_EXCL, NLM_F_CREATE, NLM_F_APPEND,
		NLM_F_MULTI, NLM_F_DUMP_INTR, NLM_F_DUMP_FILTERED,
		NLM_F_NONREC, NLM_F_CAPPED, NLM_F_ACK_TLVS,
	};
	unsigned int r = rnd(100);
	uint16_t f;

	if (!dump && r >= 85 && r < 90)
		return rnd(65536);
	if (dump)
		f = NLM_F_REQUEST | NLM_F_DUMP;
	else if (r < 75)
		f = NLM_F_REQUEST | NLM_F_ACK;
	else if (r < 85)
		f = NLM_F_REQUEST;
	else
		f = NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP;
	if (chance(15))
		f |= PICK(extra);
	if (chance(3))
		f &= ~NLM_F_REQUEST;
	return f;
}

/* A command with attributes of the right kinds, mostly. */
static void build_struct(struct mb *m, uint8_t cmd, uint16_t flags)
{
	const struct cmd_attrs *ca = cmd < ARRAY_SIZE(cmd_attrs) ?
				     &cmd_attrs[cmd] : NULL;
	size_t off = mb_begin(m, family, flags, cmd);
	unsigned int i, n;

	for (i = 0; ca && i < ARRAY_SIZE(ca->attr) && ca->attr[i]; i++) {
		if (!chance(i < ca->nreq ? (tame ? 100 : 90) :
			    (tame ? 12 : 25)))
			continue;
		put_fuzz_attr(m, ca->attr[i]);
		if (!tame && chance(4))
			put_fuzz_attr(m, ca->attr[i]);	/* twice */
	}
	if (tame) {
		mb_end(m, off);
		return;
	}
	if (chance(15)) {
		n = 1 + rnd(3);
		for (i = 0; i < n; i++)
			put_fuzz_attr(m, random_type());
	}
	if (chance(3))
		put_nested(m, 0);
	mb_end(m, off);
}

static void build_random(struct mb *m)
{
	size_t off = mb_begin(m, family, random_flags(false), random_cmd());
	unsigned int i, n = rnd(9);

	for (i = 0; i < n; i++) {
		uint16_t type = random_type();
		size_t len = chance(90) ? rnd(40) : rnd(3000);
		size_t j;

		if (chance(5))
			type |= NLA_F_NESTED;
		if (chance(5))
			type |= NLA_F_NET_BYTEORDER;
		for (j = 0; j < len; j++)
			vbuf[j] = rnd(256);
		mb_attr(m, type, vbuf, len);
	}
	mb_end(m, off);
}

static void build_nested(struct mb *m)
{
	uint8_t cmd = random_cmd();
	size_t off = mb_begin(m, family, random_flags(false), cmd);
	int i, n = 1 + rnd(3);

	for (i = 0; i < n; i++) {
		if (chance(60))
			put_nested(m, 0);
		else
			put_fuzz_attr(m, random_type());
	}
	mb_end(m, off);
}

/* The last top-level attribute of the message at @off, or NULL. */
static struct nlattr *last_attr(struct mb *m, size_t off)
{
	struct nlattr *a = NULL;
	size_t pos = off + NLMSG_HDRLEN + GENL_HDRLEN;

	while (pos + NLA_HDRLEN <= m->len) {
		a = (struct nlattr *)(m->d + pos);
		if (a->nla_len < NLA_HDRLEN)
			break;
		pos += NLA_ALIGN(a->nla_len);
	}
	return a;
}

/* Truncate a message (or its attributes); returns the bytes to send. */
static size_t build_trunc(struct mb *m, bool alone)
{
	size_t off = m->len, len;
	struct nlmsghdr *nlh;
	struct nlattr *a;

	build_struct(m, random_cmd(), random_flags(false));
	if (chance(50))
		put_fuzz_attr(m, random_type());
	mb_end(m, off);
	nlh = mb_nlh(m, off);
	len = m->len - off;
	a = last_attr(m, off);
	switch (rnd(alone ? 9 : 7)) {
	case 0:		/* shorter nlmsg_len, cutting into attributes */
		nlh->nlmsg_len = NLMSG_HDRLEN + rnd(len - NLMSG_HDRLEN + 1);
		break;
	case 1:		/* longer nlmsg_len than what is sent */
		nlh->nlmsg_len = len + 1 + rnd(200);
		break;
	case 2:		/* the last attribute reaches past the end */
		if (a)
			a->nla_len += 1 + rnd(300);
		break;
	case 3:		/* an attribute shorter than its header */
		if (a)
			a->nla_len = rnd(NLA_HDRLEN);
		break;
	case 4:		/* a partial genl header */
		nlh->nlmsg_len = NLMSG_HDRLEN + rnd(GENL_HDRLEN);
		break;
	case 5:		/* an attribute length one short: a string loses its NUL */
		if (a && a->nla_len > NLA_HDRLEN)
			a->nla_len--;
		break;
	case 6:		/* an absurd attribute length */
		if (a)
			a->nla_len = 0xffff - rnd(8);
		break;
	case 7:		/* fewer bytes than nlmsg_len says */
		return off + rnd(len);
	default:	/* less than a netlink header */
		return off + rnd(NLMSG_HDRLEN);
	}
	return m->len;
}

static void build_flip(struct mb *m)
{
	size_t off = m->len, len, pos;
	int i, n = 1 + rnd(8);

	build_struct(m, random_cmd(), random_flags(false));
	len = m->len - off;
	for (i = 0; i < n; i++) {
		pos = off + 4 + rnd(len - 4);
		switch (rnd(3)) {
		case 0:
			m->d[pos] ^= 1 << rnd(8);
			break;
		case 1:
			m->d[pos] = PICK(((const uint8_t[]){ 0, 0xff, 0x7f, 0x80,
							     0x20, 0x0a }));
			break;
		default:
			m->d[pos] = rnd(256);
			break;
		}
	}
	if (chance(10))
		mb_nlh(m, off)->nlmsg_len ^= 1 << rnd(12);
}

static void build_header(struct mb *m)
{
	size_t off = m->len;
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	build_struct(m, random_cmd(), random_flags(false));
	nlh = mb_nlh(m, off);
	g = NLMSG_DATA(nlh);
	switch (rnd(6)) {
	case 0:
		g->version = rnd(256);
		break;
	case 1:
		g->reserved = 1 + rnd(65535);
		break;
	case 2:		/* control messages: NOOP, ERROR, DONE, OVERRUN ... */
		nlh->nlmsg_type = rnd(NLMSG_MIN_TYPE);
		break;
	case 3:
		nlh->nlmsg_pid = rnd64();
		nlh->nlmsg_seq = rnd64();
		break;
	case 4:
		nlh->nlmsg_flags = rnd(65536);
		break;
	default:
		nlh->nlmsg_type = family;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
		break;
	}
}

static void build_huge(struct mb *m)
{
	static const uint16_t types[] = {
		SCST_A_DEVICE, SCST_A_TARGET, SCST_A_INITIATOR,
		SCST_A_DRIVER_PARAM, SCST_A_TARGET_PARAM, SCST_A_DEV_FILENAME,
		SCST_A_HANDLER, SCST_A_DEV_VENDOR, SCST_A_DEV_NAA_ID,
		SCST_A_LUN, SCST_A_DEV_SIZE,
	};
	static const uint8_t cmds[] = {
		SCST_CMD_DEVICE_NEW, SCST_CMD_TARGET_NEW, SCST_CMD_DRIVER_SET,
		SCST_CMD_TARGET_SET, SCST_CMD_INITIATOR_ADD, SCST_CMD_LUN_NEW,
		SCST_CMD_SESSION_NEW,
	};
	size_t off = mb_begin(m, family, NLM_F_REQUEST | NLM_F_ACK, PICK(cmds));
	uint16_t type = PICK(types);
	size_t n = PICK(((const size_t[]){ 4096, 4097, 8192, 16384, 65000,
					   65531 }));
	size_t pfx = 0;

	if (type == SCST_A_DEV_FILENAME)
		pfx = strlen(strcpy((char *)vbuf, SAFE_PREFIX));
	if (n > sizeof(vbuf))
		n = sizeof(vbuf) - 1;
	memset(vbuf + pfx, 'a' + rnd(26), n - pfx);
	vbuf[n - 1] = chance(70) ? '\0' : 'z';
	mb_str(m, SCST_A_HANDLER, "vdisk_nullio");
	mb_attr(m, type, vbuf, n);
	mb_end(m, off);
}

/*
 * The last safety net before a send: no model name, no other family, and
 * no backing file outside the harmless ones, as the kernel would read the
 * messages and their top-level attributes.
 */
static void sanitize(unsigned char *buf, size_t len)
{
	unsigned char *p, *end = buf + len;
	const struct nlmsghdr *nlh;
	size_t rem = len, msglen;

	while ((p = memmem(buf, end - buf, MTAG, MTAG_LEN))) {
		*p = 'N';
		fig.sanitized++;
	}
	while (rem >= NLMSG_HDRLEN) {
		struct nlmsghdr *h = (struct nlmsghdr *)(end - rem);
		struct nlattr *a;
		long arem;

		nlh = h;
		if (nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > rem)
			break;
		if (h->nlmsg_type >= NLMSG_MIN_TYPE && h->nlmsg_type != family) {
			h->nlmsg_type = family;
			fig.sanitized++;
		}
		if (nlh->nlmsg_len >= NLMSG_LENGTH(GENL_HDRLEN)) {
			for (a = (struct nlattr *)((char *)NLMSG_DATA(h) +
						   GENL_HDRLEN),
			     arem = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
			     arem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
			     a->nla_len <= arem;
			     arem -= NLA_ALIGN(a->nla_len),
			     a = (struct nlattr *)((char *)a +
						   NLA_ALIGN(a->nla_len))) {
				if ((a->nla_type & NLA_TYPE_MASK) !=
				    SCST_A_DEV_FILENAME ||
				    file_safe(nla_data(a), nla_plen(a)))
					continue;
				a->nla_type = SCST_A_UNSPEC;
				fig.sanitized++;
			}
		}
		msglen = NLMSG_ALIGN(nlh->nlmsg_len);
		if (msglen > rem)
			msglen = rem;
		rem -= msglen;
	}
}

/* ---- sending fuzz messages ----------------------------------------------------- */

#define FSOCKS		4

static int fsock[FSOCKS] = { -1, -1, -1, -1 };
static uint8_t seq_cmd[4096];

/* Recent fuzz messages, shown when a check fails. */
#define RECENT		6
static struct {
	uint64_t	iter;
	int		kind;
	size_t		len;
	unsigned char	d[512];
} recent[RECENT];
static unsigned int recent_next;

static void hexdump(FILE *f, const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		fprintf(f, "%02x%s", p[i], (i + 1) % 32 ? "" : "\n  ");
	fputc('\n', f);
}

static void show_recent(void)
{
	unsigned int i, k;

	fprintf(stderr, "nlfuzz: the last fuzz messages before it (hex):\n");
	for (i = 0; i < RECENT; i++) {
		k = (recent_next + i) % RECENT;
		if (!recent[k].len)
			continue;
		fprintf(stderr, "  iteration %" PRIu64 ", %s, %zu bytes:\n  ",
			recent[k].iter, kind_names[recent[k].kind],
			recent[k].len);
		hexdump(stderr, recent[k].d,
			recent[k].len < sizeof(recent[k].d) ?
			recent[k].len : sizeof(recent[k].d));
	}
}

static void fsock_open(int i)
{
	fsock[i] = nl_socket(chance(50), 0);
}

static void fsock_close(int i)
{
	close(fsock[i]);
	fsock[i] = -1;
}

/* Count what came back on @fd; @parts limits the reads (0: all). */
static void drain(int fd, unsigned int parts)
{
	const struct nlmsghdr *orig;
	struct nlmsghdr *nlh;
	unsigned int reads = 0;
	ssize_t n;
	int len;
	int e;

	while (!parts || reads < parts) {
		n = recv(fd, rxbuf, sizeof(rxbuf), MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0) {
			if (errno == ENOBUFS) {
				fig.overruns++;
				continue;
			}
			if (errno != EAGAIN && errno != EINTR)
				count_errno(fig.recv_err, errno);
			return;
		}
		reads++;
		if (n > (ssize_t)sizeof(rxbuf)) {
			fig.truncated++;
			n = sizeof(rxbuf);
		}
		len = n;
		for (nlh = (struct nlmsghdr *)rxbuf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				fig.dump_intr++;
			switch (nlh->nlmsg_type) {
			case NLMSG_ERROR:
				e = -nl_error(nlh, NULL, 0);
				if (e) {
					count_errno(fig.err, e);
					break;
				}
				fig.acks++;
				/*
				 * What was not a request of the family (no
				 * NLM_F_REQUEST, a control message) is
				 * acknowledged without being looked at.
				 */
				orig = &((const struct nlmsgerr *)
					 NLMSG_DATA(nlh))->msg;
				if (orig->nlmsg_type == family &&
				    (orig->nlmsg_flags & NLM_F_REQUEST) &&
				    orig->nlmsg_len >= NLMSG_LENGTH(GENL_HDRLEN))
					fig.ok_by_cmd[seq_cmd[orig->nlmsg_seq %
							      ARRAY_SIZE(seq_cmd)]]++;
				else
					fig.acks_ignored++;
				break;
			case NLMSG_DONE:
				fig.dumps_done++;
				if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)) &&
				    *(int *)NLMSG_DATA(nlh))
					count_errno(fig.dump_err,
						    -*(int *)NLMSG_DATA(nlh));
				break;
			default:
				fig.replies++;
				break;
			}
		}
	}
	if (parts && reads >= parts)
		fig.dumps_left++;
}

static void note_seqs(const unsigned char *buf, size_t size)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	/* Signed: NLMSG_NEXT() may step past the end of a fuzz message. */
	int len = size;

	for (; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
		fig.nlmsgs++;
		if (nlh->nlmsg_len >= NLMSG_LENGTH(GENL_HDRLEN))
			seq_cmd[nlh->nlmsg_seq % ARRAY_SIZE(seq_cmd)] =
				((const struct genlmsghdr *)NLMSG_DATA(nlh))->cmd;
	}
}

static struct mb fm;

static void fuzz_send(int kind, size_t len, unsigned int parts, bool close_after)
{
	int s = rnd(FSOCKS);
	struct nlmsghdr *nlh;
	unsigned int k;

	if (fsock[s] < 0)
		fsock_open(s);
	sanitize(fm.d, len);
	fig.kind[kind]++;
	fig.sends++;
	note_seqs(fm.d, len);
	k = recent_next++ % RECENT;
	recent[k].iter = fig.iters;
	recent[k].kind = kind;
	recent[k].len = len;
	memcpy(recent[k].d, fm.d, len < sizeof(recent[k].d) ?
	       len : sizeof(recent[k].d));
	if (opt.trace) {
		nlh = (struct nlmsghdr *)fm.d;
		fprintf(stderr, "iteration %" PRIu64 " %s cmd %s, %zu bytes:\n  ",
			fig.iters, kind_names[kind],
			len >= NLMSG_LENGTH(GENL_HDRLEN) ?
			cmd_name(((struct genlmsghdr *)NLMSG_DATA(nlh))->cmd) :
			"-", len);
		hexdump(stderr, fm.d, len);
		fflush(stderr);
	}
	if (send(fsock[s], fm.d, len, 0) < 0)
		count_errno(fig.send_err, errno);
	drain(fsock[s], parts);
	if (close_after) {
		fig.socks_closed++;
		fsock_close(s);
	}
}

/* How often each kind of fuzz message is sent, in percent. */
static const uint8_t kind_weight[__K_MAX] = {
	[K_TAME] = 20, [K_STRUCT] = 20, [K_RANDOM] = 8, [K_NESTED] = 5,
	[K_TRUNC] = 9, [K_FLIP] = 8, [K_HEADER] = 6, [K_HUGE] = 3,
	[K_MULTI] = 9, [K_DUMP] = 12,
};

static void build_multi(struct mb *m)
{
	int i, n = 2 + rnd(6);

	for (i = 0; i < n; i++) {
		switch (rnd(6)) {
		case 0:
			build_random(m);
			break;
		case 1:
			build_trunc(m, false);
			break;
		case 2:
			build_struct(m, PICK(dump_cmds), random_flags(true));
			break;
		case 3:
			build_header(m);
			break;
		default:
			build_struct(m, random_cmd(), random_flags(false));
			break;
		}
	}
}

static void fuzz_one(void)
{
	unsigned int r = rnd(100), parts = 0;
	bool close_after = false;
	size_t len;
	int kind;

	for (kind = 0; kind < __K_MAX - 1; kind++) {
		if (r < kind_weight[kind])
			break;
		r -= kind_weight[kind];
	}
	fm.len = 0;
	switch (kind) {
	case K_TAME:
		tame = true;
		build_struct(&fm, PICK(tame_cmds), NLM_F_REQUEST | NLM_F_ACK);
		tame = false;
		break;
	case K_STRUCT:
		build_struct(&fm, random_cmd(), random_flags(false));
		break;
	case K_RANDOM:
		build_random(&fm);
		break;
	case K_NESTED:
		build_nested(&fm);
		break;
	case K_TRUNC:
		fuzz_send(kind, build_trunc(&fm, true), 0, false);
		return;
	case K_FLIP:
		build_flip(&fm);
		break;
	case K_HEADER:
		build_header(&fm);
		break;
	case K_HUGE:
		build_huge(&fm);
		break;
	case K_MULTI:
		build_multi(&fm);
		len = fm.len;
		if (chance(10))
			len -= rnd(len);	/* the last one cut short */
		fuzz_send(kind, len, 0, false);
		return;
	default:
		build_struct(&fm, chance(85) ? PICK(dump_cmds) : random_cmd(),
			     random_flags(true));
		r = rnd(100);
		if (r < 25) {
			parts = 1;	/* half-read: the next use reads on */
		} else if (r < 40) {
			parts = 1;
			close_after = true;
		} else if (r < 45) {
			close_after = true;
		}
		break;
	}
	fuzz_send(kind, fm.len, parts, close_after);
}

/* ---- running -------------------------------------------------------------------- */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void print_errnos(const char *title, const uint64_t *tab)
{
	int e;
	bool any = false;

	printf("%s:", title);
	for (e = 1; e < ERRNO_MAX; e++) {
		if (!tab[e])
			continue;
		printf(" %s %" PRIu64, errname(e), tab[e]);
		any = true;
	}
	if (tab[0])
		printf(" other %" PRIu64, tab[0]);
	printf("%s\n", any || tab[0] ? "" : " none");
}

static void print_figures(double secs)
{
	static const struct {
		uint8_t		cmd;
		const char	*what;
	} created[] = {
		{ SCST_CMD_DEVICE_NEW, "devices" },
		{ SCST_CMD_TARGET_NEW, "targets" },
		{ SCST_CMD_GROUP_NEW, "groups" },
		{ SCST_CMD_INITIATOR_ADD, "initiators" },
		{ SCST_CMD_LUN_NEW, "LUNs" },
		{ SCST_CMD_SESSION_NEW, "sessions" },
		{ SCST_CMD_LUN_REPLACE, "LUN replaces" },
		{ SCST_CMD_DEVICE_SET, "device changes" },
		{ SCST_CMD_TARGET_SET, "target changes" },
		{ SCST_CMD_DRIVER_SET, "driver changes" },
	};
	unsigned int i;

	printf("nlfuzz: seed %" PRIu64 ", %" PRIu64 " iterations in %.1f s by %"
	       PRIu64 " processes\n", opt.seed, fig.iters, secs, fig.procs);
	printf("fuzz sends by kind:");
	for (i = 0; i < __K_MAX; i++)
		printf(" %s %" PRIu64, kind_names[i], fig.kind[i]);
	printf("\nfuzz messages: %" PRIu64 " netlink messages in %" PRIu64
	       " sends (%.0f/s)\n", fig.nlmsgs, fig.sends, fig.nlmsgs / secs);
	print_errnos("send errors", fig.send_err);
	print_errnos("receive errors", fig.recv_err);
	printf("answers: %" PRIu64 " acks (%" PRIu64 " of non-requests), %"
	       PRIu64 " replies, %" PRIu64
	       " dumps done, %" PRIu64 " dumps left half-read, %" PRIu64
	       " sockets closed after a send, %" PRIu64 " DUMP_INTR, %" PRIu64
	       " overruns, %" PRIu64 " truncated\n", fig.acks,
	       fig.acks_ignored, fig.replies,
	       fig.dumps_done, fig.dumps_left, fig.socks_closed, fig.dump_intr,
	       fig.overruns, fig.truncated);
	print_errnos("errors by errno", fig.err);
	print_errnos("dump errors by errno", fig.dump_err);
	printf("accepted (ack 0) by command:");
	for (i = 0; i < 256; i++)
		if (fig.ok_by_cmd[i])
			printf(" %s %" PRIu64, cmd_name(i), fig.ok_by_cmd[i]);
	printf("\nmade by fuzz messages (from %" PRIu64 " events, %" PRIu64
	       " overruns):", fig.events, fig.ev_overruns);
	for (i = 0; i < ARRAY_SIZE(created); i++)
		printf(" %s %" PRIu64, created[i].what,
		       fig.created[created[i].cmd]);
	printf("\nmodel: %" PRIu64 " valid requests (%" PRIu64
	       " expected errors), %" PRIu64 " checks; %" PRIu64
	       " sweeps deleted %" PRIu64 " targets and %" PRIu64
	       " devices (%" PRIu64 " raced with helpers); %" PRIu64
	       " fuzz bytes sanitized\n",
	       fig.model_ops, fig.model_errs, fig.model_checks, fig.sweeps,
	       fig.swept_targets, fig.swept_devices, fig.sweep_conflicts,
	       fig.sanitized);
}

/* Remove the model's objects with valid requests, and check nothing is left. */
static void teardown(void)
{
	struct dump d;
	int i, ret;

	for (i = 0; i < M_TGTS; i++) {
		if (!mtgt[i].on)
			continue;
		rq(SCST_CMD_TARGET_DEL);
		mb_str(&req, SCST_A_TARGET, mname("t", i));
		if (m_expect("target-del", rq_do(), 0))
			m_tgt_clear(&mtgt[i]);
	}
	for (i = 0; i < M_DEVS; i++) {
		if (!mdev[i].on)
			continue;
		rq(SCST_CMD_DEVICE_DEL);
		mb_str(&req, SCST_A_DEVICE, mname("d", i));
		ret = rq_do();
		if (m_expect("device-del", ret, 0))
			mdev[i].on = false;
	}
	rq(SCST_CMD_DEVICE_GET);
	if (!rq_dump(&d) && d.n)
		fail("%zu devices left after the teardown", d.n);
	dump_free(&d);
	rq(SCST_CMD_TARGET_GET);
	if (!rq_dump(&d) && d.n)
		fail("%zu targets left after the teardown", d.n);
	dump_free(&d);
}

static void setup_sockets(void)
{
	struct timeval tv = { .tv_sec = 120 };

	resolve_family();
	msock = nl_socket(true, 1 << 20);
	setsockopt(msock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

static struct {
	pid_t	pid;
	int	fd;
} helper[16];

/*
 * A helper: fuzz messages only, on its own sockets and random stream,
 * until the deadline; then its figures go to the parent through @fd.
 */
static void helper_run(unsigned int idx, int fd, double t0)
{
	const char *p = (const char *)&fig;
	size_t done = 0;
	ssize_t n;
	int i;

	close(msock);
	close(esock);
	memset(&fig, 0, sizeof(fig));
	fig.procs = 1;
	rng = opt.seed + idx * 0x632be59bd9b4e019ULL;
	while (!stop && now() - t0 < opt.seconds &&
	       (!opt.count || fig.iters < opt.count)) {
		fig.iters++;
		fuzz_one();
	}
	for (i = 0; i < FSOCKS; i++)
		if (fsock[i] >= 0)
			fsock_close(i);
	while (done < sizeof(fig)) {
		n = write(fd, p + done, sizeof(fig) - done);
		if (n <= 0)
			_exit(1);
		done += n;
	}
	_exit(0);
}

static void helpers_start(double t0)
{
	unsigned int i;
	int pfd[2];

	for (i = 1; i < opt.jobs; i++) {
		if (pipe(pfd))
			die("pipe: %s", strerror(errno));
		fflush(stdout);
		helper[i].pid = fork();
		if (helper[i].pid < 0)
			die("fork: %s", strerror(errno));
		if (!helper[i].pid) {
			close(pfd[0]);
			helper_run(i, pfd[1], t0);
		}
		close(pfd[1]);
		helper[i].fd = pfd[0];
		helpers_alive++;
	}
}

/* Wait for the helpers (stopping them first if @early), add up figures. */
static void helpers_finish(bool early)
{
	struct figures h;
	uint64_t *sum = (uint64_t *)&fig, *add = (uint64_t *)&h;
	unsigned int i;
	size_t done, k;
	ssize_t n;
	int status;

	_Static_assert(sizeof(h) % sizeof(uint64_t) == 0,
		       "struct figures holds counters only");
	for (i = 1; i < opt.jobs; i++) {
		if (early)
			kill(helper[i].pid, SIGTERM);
		for (done = 0; done < sizeof(h); done += n) {
			n = read(helper[i].fd, (char *)&h + done,
				 sizeof(h) - done);
			if (n <= 0)
				break;
		}
		close(helper[i].fd);
		if (waitpid(helper[i].pid, &status, 0) < 0 ||
		    !WIFEXITED(status) || WEXITSTATUS(status) ||
		    done != sizeof(h)) {
			fail("helper %u (pid %d) died (status 0x%x)", i,
			     helper[i].pid, status);
			continue;
		}
		for (k = 0; k < sizeof(h) / sizeof(uint64_t); k++)
			sum[k] += add[k];
	}
	helpers_alive = 0;
}

static int run_fuzz(void)
{
	double t0 = now(), next_report = t0 + 10, t;
	int i;

	setup_sockets();
	esock = nl_socket(true, 8 << 20);
	if (!mcgrp ||
	    setsockopt(esock, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &mcgrp,
		       sizeof(mcgrp)))
		die("cannot join the events group");
	for (i = 0; i < M_TGTS; i++)
		m_tgt_clear(&mtgt[i]);
	mkdir("/tmp/nlfuzz", 0755);
	if (chdir("/tmp/nlfuzz"))
		die("chdir /tmp/nlfuzz: %s", strerror(errno));

	printf("nlfuzz: seed %" PRIu64 " (replay: --seed %" PRIu64
	       "), %u s, family %u, events group %u\n", opt.seed, opt.seed,
	       opt.seconds, family, mcgrp);
	fflush(stdout);
	sweep();
	/* The sweep's global-set is announced: the listener must hear it. */
	usleep(100000);
	events_drain();
	if (!fig.events)
		die("no event heard on the events group");
	fig.procs = 1;
	helpers_start(t0);
	while (!stop && !failures) {
		t = now();
		if (t - t0 >= opt.seconds || (opt.count && fig.iters >= opt.count))
			break;
		if (t >= next_report) {
			printf("nlfuzz: %.0f s, %" PRIu64 " iterations, %" PRIu64
			       " messages\n", t - t0, fig.iters, fig.nlmsgs);
			fflush(stdout);
			next_report += 10;
		}
		fig.iters++;
		if (chance(8))
			model_op();
		else
			fuzz_one();
		events_drain();
		if (!(fig.iters % opt.sweep_every))
			sweep();
	}
	if (failures)
		show_recent();
	for (i = 0; i < FSOCKS; i++)
		if (fsock[i] >= 0)
			fsock_close(i);
	helpers_finish(stop || failures);
	t = now() - t0;
	sweep();
	for (i = 0; i < M_TGTS; i++)
		m_check_target(i);
	m_check_lists();
	teardown();
	events_drain();
	print_figures(t);
	if (failures)
		printf("nlfuzz: %u failures (seed %" PRIu64 ")\n", failures,
		       opt.seed);
	else
		printf("nlfuzz: ok\n");
	return failures ? 1 : 0;
}

/* ---- unprivileged callers ------------------------------------------------------ */

struct spec_attr {
	char		name[48];
	unsigned int	id;
	char		type[16];
};

struct spec_op {
	char		name[48];
	unsigned int	cmd;
	bool		admin, has_do, has_dump;
	unsigned int	ndo, ndump;
	struct spec_attr do_attr[24], dump_attr[24];
};

static struct spec_op ops[64];
static unsigned int nops;

/* The lines of tests/fuzz/spec-ops.py. */
static void read_ops(FILE *f)
{
	char line[512], what[16], name[48], type[16];
	unsigned int a, b, c, d, id;
	struct spec_op *op = NULL;
	struct spec_attr *sa;

	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "op %47s %u %u %u %u", name, &a, &b, &c, &d) == 5) {
			if (nops == ARRAY_SIZE(ops))
				die("too many operations");
			op = &ops[nops++];
			memset(op, 0, sizeof(*op));
			strcpy(op->name, name);
			op->cmd = a;
			op->admin = b;
			op->has_do = c;
			op->has_dump = d;
		} else if (op && sscanf(line, "attr %15s %47s %u %15s", what, name,
					&id, type) == 4) {
			if (!strcmp(what, "do") && op->ndo < ARRAY_SIZE(op->do_attr))
				sa = &op->do_attr[op->ndo++];
			else if (!strcmp(what, "dump") &&
				 op->ndump < ARRAY_SIZE(op->dump_attr))
				sa = &op->dump_attr[op->ndump++];
			else
				die("bad line: %s", line);
			strcpy(sa->name, name);
			sa->id = id;
			strcpy(sa->type, type);
		} else if (line[0] != '#' && line[0] != '\n') {
			die("bad line in the operation list: %s", line);
		}
	}
}

/*
 * Values for the attributes of the requests: they name objects that exist,
 * so that each request would change something if it were let through.
 */
static void put_up_attr(const struct spec_attr *sa)
{
	static const struct {
		const char	*name;
		const char	*value;
	} names[] = {
		{ "handler", "vdisk_nullio" },
		{ "device", MPFX "ud1" },
		{ "driver", "scst_local" },
		{ "target", MPFX "ut0" },
		{ "group", MPFX "ug0" },
		{ "new-group", MPFX "ug0" },
		{ "initiator", MPFX "ui0" },
		{ "session", MPFX "us0" },
		{ "old-device", MPFX "ud0" },
		{ "dev-filename", "/dev/null" },
		{ "dev-vendor", "NLFUZZ" },
		{ "driver-param", "portals=127.0.0.1:3299" },
		{ "target-param", "HeaderDigest=None" },
	};
	static const uint8_t naa[16] = { 0x60, 1, 2, 3 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(sa->name, names[i].name)) {
			mb_str(&req, sa->id, names[i].value);
			return;
		}
	if (!strcmp(sa->type, "string"))
		mb_str(&req, sa->id, MPFX "x");
	else if (!strcmp(sa->type, "u8"))
		mb_u8(&req, sa->id, 1);
	else if (!strcmp(sa->type, "u32"))
		mb_u32(&req, sa->id, 0);
	else if (!strcmp(sa->type, "u64"))
		mb_u64(&req, sa->id, !strcmp(sa->name, "cleanup-id") ? 1 :
		       1 << 20);
	else if (!strcmp(sa->type, "flag"))
		mb_flag(&req, sa->id);
	else if (!strcmp(sa->type, "binary"))
		mb_attr(&req, sa->id, naa, sizeof(naa));
	else
		die("attribute %s has a type I do not know: %s", sa->name,
		    sa->type);
}

static int up_request(int fd, const struct spec_op *op, bool dump,
		      bool with_attrs, struct dump *d)
{
	const struct spec_attr *sa = dump ? op->dump_attr : op->do_attr;
	unsigned int i, n = dump ? op->ndump : op->ndo;

	rq(op->cmd);
	for (i = 0; with_attrs && i < n; i++)
		put_up_attr(&sa[i]);
	if (dump)
		return rq_dump_on(fd, d);
	return rq_do_on(fd, &rep);
}

/* Everything a configuration holds, as text, to compare before and after. */
static void snapshot(char *buf, size_t size)
{
	static const uint8_t cmds[] = {
		SCST_CMD_DEVICE_GET, SCST_CMD_TARGET_GET, SCST_CMD_GROUP_GET,
		SCST_CMD_LUN_GET, SCST_CMD_SESSION_GET, SCST_CMD_CLEANUP_GET,
		SCST_CMD_DRIVER_GET,
	};
	const unsigned char *p;
	const struct nlattr *a;
	size_t used = 0, off, j;
	struct dump d;
	unsigned int i;
	uint32_t len;
	long rem;

	buf[0] = '\0';
	rq(SCST_CMD_GLOBAL_GET);
	if (rq_do())
		die("global-get: %s", errname(-rep.err));
	used += snprintf(buf + used, size - used,
			 "generation %" PRIu64 " async %" PRIu64 " park %" PRIu64 "\n",
			 attr_uint(rep.attrs, rep.len, SCST_A_GENERATION),
			 attr_uint(rep.attrs, rep.len, SCST_A_ASYNC_LUN_REPLACE),
			 attr_uint(rep.attrs, rep.len, SCST_A_PARK_LUN_REPLACE));
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		rq(cmds[i]);
		if (rq_dump(&d))
			die("%s dump: %s", cmd_name(cmds[i]), errname(-d.err));
		for_each_obj(&d, p, len, off) {
			used += snprintf(buf + used, size - used, "%s:",
					 cmd_name(cmds[i]));
			for_each_attr(a, p, len, rem) {
				/* What running sessions change by themselves. */
				if (cmds[i] == SCST_CMD_SESSION_GET &&
				    (a->nla_type == SCST_A_CMDS_INFLIGHT ||
				     a->nla_type > SCST_A_SESSION_PARAM))
					continue;
				if (used + 3 * nla_plen(a) + 16 >= size)
					die("the configuration is too big to compare");
				used += snprintf(buf + used, size - used, " %u=",
						 a->nla_type);
				for (j = 0; j < nla_plen(a); j++)
					used += snprintf(buf + used, size - used,
							 "%02x",
							 ((const unsigned char *)
							  nla_data(a))[j]);
			}
			used += snprintf(buf + used, size - used, "\n");
		}
		dump_free(&d);
	}
}

static void up_setup(void)
{
	static const struct {
		uint8_t		cmd;
		const char	*a[4][2];
	} steps[] = {
		{ SCST_CMD_DEVICE_NEW, { { "h", "vdisk_nullio" },
					 { "d", MPFX "ud0" } } },
		{ SCST_CMD_DEVICE_NEW, { { "h", "vdisk_nullio" },
					 { "d", MPFX "ud1" } } },
		{ SCST_CMD_TARGET_NEW, { { "r", "scst_local" },
					 { "t", MPFX "ut0" } } },
		{ SCST_CMD_GROUP_NEW, { { "t", MPFX "ut0" },
					{ "g", MPFX "ug0" } } },
		{ SCST_CMD_INITIATOR_ADD, { { "t", MPFX "ut0" },
					    { "g", MPFX "ug0" },
					    { "i", MPFX "ui0" } } },
		{ SCST_CMD_LUN_NEW, { { "t", MPFX "ut0" }, { "d", MPFX "ud0" },
				      { "l", "0" } } },
		{ SCST_CMD_SESSION_NEW, { { "t", MPFX "ut0" },
					  { "i", MPFX "ui9" },
					  { "s", MPFX "us0" } } },
	};
	unsigned int i, j;
	int ret;

	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		rq(steps[i].cmd);
		for (j = 0; j < 4 && steps[i].a[j][0]; j++) {
			const char *v = steps[i].a[j][1];

			switch (steps[i].a[j][0][0]) {
			case 'h':
				mb_str(&req, SCST_A_HANDLER, v);
				break;
			case 'd':
				mb_str(&req, SCST_A_DEVICE, v);
				break;
			case 'r':
				mb_str(&req, SCST_A_DRIVER, v);
				break;
			case 't':
				mb_str(&req, SCST_A_TARGET, v);
				break;
			case 'g':
				mb_str(&req, SCST_A_GROUP, v);
				break;
			case 'i':
				mb_str(&req, SCST_A_INITIATOR, v);
				break;
			case 's':
				mb_str(&req, SCST_A_SESSION, v);
				break;
			case 'l':
				mb_u32(&req, SCST_A_LUN, atoi(v));
				break;
			}
		}
		ret = rq_do();
		if (ret)
			die("setup: %s: %s (%s)", cmd_name(steps[i].cmd),
			    errname(-ret), rep.msg);
	}
}

static void drop_privileges(void)
{
	char line[256];
	FILE *f;

	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534))
		die("cannot drop privileges: %s", strerror(errno));
	if (!geteuid() || !getegid())
		die("still root after dropping privileges");
	f = fopen("/proc/self/status", "r");
	if (!f)
		die("/proc/self/status: %s", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "CapEff:", 7) &&
		    strtoull(line + 7, NULL, 16))
			die("capabilities left after dropping privileges: %s",
			    line);
	fclose(f);
}

/* In the child, without privileges: every operation of the spec. */
static int up_child(int inherited)
{
	unsigned int i, admin = 0, reads = 0, bad = 0;
	struct dump d;
	int fd, ret, pass;

	drop_privileges();
	fd = nl_socket(true, 1 << 20);
	for (i = 0; i < nops; i++) {
		const struct spec_op *op = &ops[i];

		if (!op->has_do && !op->has_dump)
			continue;	/* an event */
		if (op->admin)
			admin++;
		else
			reads++;
		for (pass = 0; pass < 3; pass++) {
			/*
			 * 0: with attributes, 1: without (a read may then
			 * miss a required one, but is not refused for want
			 * of privileges), 2: on a socket opened as root
			 */
			int s = pass == 2 ? inherited : fd;
			const char *how = pass == 0 ? "" : pass == 1 ?
					  " (no attributes)" :
					  " (socket opened as root)";

			if (op->has_do) {
				ret = up_request(s, op, false, pass != 1, NULL);
				if (op->admin ? ret != -EPERM :
				    pass == 1 ? ret == -EPERM : ret != 0) {
					bad++;
					printf("FAIL unprivileged %s do%s: %s%s%s, want %s\n",
					       op->name, how,
					       ret ? errname(-ret) : "success",
					       rep.msg[0] ? "; " : "", rep.msg,
					       op->admin ? "EPERM" : "success");
				} else if (!pass) {
					printf("ok   %-16s do    %s\n", op->name,
					       op->admin ? "refused (EPERM)" :
					       "allowed");
				}
			}
			if (op->has_dump) {
				ret = up_request(s, op, true, pass != 1, &d);
				if (op->admin ? ret != -EPERM :
				    pass == 1 ? ret == -EPERM : ret != 0) {
					bad++;
					printf("FAIL unprivileged %s dump%s: %s%s%s, want %s\n",
					       op->name, how,
					       ret ? errname(-ret) : "success",
					       d.msg[0] ? "; " : "", d.msg,
					       op->admin ? "EPERM" : "success");
				} else if (!pass) {
					printf("ok   %-16s dump  %s (%zu objects)\n",
					       op->name,
					       op->admin ? "refused (EPERM)" :
					       "allowed", d.n);
				}
				dump_free(&d);
			}
		}
	}
	printf("unprivileged: %u operations need CAP_NET_ADMIN, %u do not; %u failures\n",
	       admin, reads, bad);
	if (!admin || !reads) {
		printf("FAIL the operation list has no %s operation\n",
		       admin ? "read" : "admin-perm");
		bad++;
	}
	fflush(stdout);
	return bad ? 1 : 0;
}

static int run_unpriv(void)
{
	static char before[1 << 20], after[1 << 20];
	int inherited, status, fails = 0;
	pid_t pid;

	read_ops(stdin);
	if (!nops)
		die("no operations on standard input");
	setup_sockets();
	up_setup();
	snapshot(before, sizeof(before));
	/* A socket opened with privileges, used without them. */
	inherited = nl_socket(true, 1 << 20);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid)
		_exit(up_child(inherited));
	close(inherited);
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fails++;
	snapshot(after, sizeof(after));
	if (strcmp(before, after)) {
		printf("FAIL the configuration changed under unprivileged requests:\n"
		       "--- before\n%s--- after\n%s", before, after);
		fails++;
	}
	rq(SCST_CMD_TARGET_DEL);
	mb_str(&req, SCST_A_TARGET, MPFX "ut0");
	if (rq_do())
		die("cleanup: target-del: %s", rep.msg);
	rq(SCST_CMD_DEVICE_DEL);
	mb_str(&req, SCST_A_DEVICE, MPFX "ud0");
	if (rq_do())
		die("cleanup: device-del: %s", rep.msg);
	rq(SCST_CMD_DEVICE_DEL);
	mb_str(&req, SCST_A_DEVICE, MPFX "ud1");
	if (rq_do())
		die("cleanup: device-del: %s", rep.msg);
	printf("nlfuzz: unprivileged callers: %s\n", fails ? "FAILED" : "ok");
	return fails ? 1 : 0;
}

/* ---- main ------------------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr,
		"usage: nlfuzz [--seconds N] [--count N] [--seed S] [--sweep N] [--jobs N] [--trace]\n"
		"       nlfuzz --unpriv <OPS   (OPS from tests/fuzz/spec-ops.py)\n");
	exit(2);
}

static uint64_t number(const char *s)
{
	char *end;
	uint64_t v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || !*s || *end)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "seconds", required_argument, NULL, 't' },
		{ "count", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "sweep", required_argument, NULL, 'w' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "trace", no_argument, NULL, 'x' },
		{ "unpriv", no_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	struct sigaction sa = { .sa_handler = on_signal };
	bool unpriv = false, seeded = false;
	int c;

	while ((c = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (c) {
		case 't':
			opt.seconds = number(optarg);
			break;
		case 'n':
			opt.count = number(optarg);
			break;
		case 's':
			opt.seed = number(optarg);
			seeded = true;
			break;
		case 'w':
			opt.sweep_every = number(optarg);
			if (!opt.sweep_every)
				usage();
			break;
		case 'j':
			opt.jobs = number(optarg);
			if (!opt.jobs || opt.jobs > ARRAY_SIZE(helper))
				usage();
			break;
		case 'x':
			opt.trace = true;
			break;
		case 'u':
			unpriv = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (!seeded) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		opt.seed = (uint64_t)ts.tv_sec * 1000003 ^ ts.tv_nsec ^
			   (uint64_t)getpid() << 32;
	}
	rng = opt.seed;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	return unpriv ? run_unpriv() : run_fuzz();
}
