// SPDX-License-Identifier: GPL-2.0-only
/*
 * libscstctl against a mocked netlink layer. The linker's --wrap replaces
 * the libnl calls that would reach the kernel: requests are captured as
 * bytes when sent, and replies are queued datagrams that the real
 * nl_recvmsgs() parses and dispatches to the library's callbacks, so the
 * whole receive path (sequence checks, multi-part dumps, NLM_F_DUMP_INTR,
 * errors and extended acks) runs as it does against a kernel.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "libscstctl-internal.h"

#define FAMILY	0x42
#define MCGRP	7

/* ---- the mock --------------------------------------------------------- */

#define MAX_SENT	32
#define MAX_QUEUED	64

static struct {
	int		family;		/* what genl_ctrl_resolve() returns */
	/* Requests, as sent. */
	unsigned char	*sent[MAX_SENT];
	size_t		nsent;
	/* Datagrams to hand out, in order. */
	unsigned char	*dgram[MAX_QUEUED];
	size_t		dlen[MAX_QUEUED];
	size_t		nq, next;
	/* A reply builder, run at send time (it needs the sequence number). */
	void		(*responder)(const struct nlmsghdr *req, int nth);
	int		nreq;
	int		recv_ret;	/* for the event socket's peek */
} mock;

static void mock_reset(void)
{
	size_t i;

	for (i = 0; i < mock.nsent; i++)
		free(mock.sent[i]);
	for (i = 0; i < mock.nq; i++)
		free(mock.dgram[i]);
	memset(&mock, 0, sizeof(mock));
	mock.family = FAMILY;
}

int __wrap_genl_connect(struct nl_sock *sk);
int __wrap_genl_connect(struct nl_sock *sk)
{
	(void)sk;
	return 0;
}

int __wrap_genl_ctrl_resolve(struct nl_sock *sk, const char *name);
int __wrap_genl_ctrl_resolve(struct nl_sock *sk, const char *name)
{
	(void)sk;
	assert_string_equal(name, "scst");
	return mock.family;
}

int __wrap_genl_ctrl_resolve_grp(struct nl_sock *sk, const char *family,
				 const char *grp);
int __wrap_genl_ctrl_resolve_grp(struct nl_sock *sk, const char *family,
				 const char *grp)
{
	(void)sk;
	assert_string_equal(family, "scst");
	assert_string_equal(grp, "events");
	return mock.family < 0 ? mock.family : MCGRP;
}

int __wrap_nl_socket_add_membership(struct nl_sock *sk, int group);
int __wrap_nl_socket_add_membership(struct nl_sock *sk, int group)
{
	(void)sk;
	assert_int_equal(group, MCGRP);
	return 0;
}

/* There is no socket (genl_connect() is mocked): nothing to set. */
int __wrap_nl_socket_set_nonblocking(const struct nl_sock *sk);
int __wrap_nl_socket_set_nonblocking(const struct nl_sock *sk)
{
	(void)sk;
	return 0;
}

int __wrap_nl_send_auto(struct nl_sock *sk, struct nl_msg *msg);
int __wrap_nl_send_auto(struct nl_sock *sk, struct nl_msg *msg)
{
	struct nlmsghdr *nlh;

	nl_complete_msg(sk, msg);
	nlh = nlmsg_hdr(msg);
	assert_true(mock.nsent < MAX_SENT);
	mock.sent[mock.nsent] = malloc(nlh->nlmsg_len);
	assert_non_null(mock.sent[mock.nsent]);
	memcpy(mock.sent[mock.nsent++], nlh, nlh->nlmsg_len);
	if (mock.responder)
		mock.responder(nlh, mock.nreq++);
	return (int)nlh->nlmsg_len;
}

static int mock_recv(struct nl_sock *sk, struct sockaddr_nl *nla,
		     unsigned char **buf, struct ucred **creds)
{
	(void)sk;
	*creds = NULL;
	if (mock.next >= mock.nq)
		return -NLE_AGAIN;
	memset(nla, 0, sizeof(*nla));
	nla->nl_family = AF_NETLINK;
	*buf = malloc(mock.dlen[mock.next]);
	assert_non_null(*buf);
	memcpy(*buf, mock.dgram[mock.next], mock.dlen[mock.next]);
	return (int)mock.dlen[mock.next++];
}

int __real_nl_recvmsgs(struct nl_sock *sk, struct nl_cb *cb);
int __wrap_nl_recvmsgs(struct nl_sock *sk, struct nl_cb *cb);
int __wrap_nl_recvmsgs(struct nl_sock *sk, struct nl_cb *cb)
{
	nl_cb_overwrite_recv(cb, mock_recv);
	return __real_nl_recvmsgs(sk, cb);
}

ssize_t __wrap_recv(int fd, void *buf, size_t len, int flags);
ssize_t __wrap_recv(int fd, void *buf, size_t len, int flags)
{
	(void)fd;
	(void)buf;
	(void)len;
	(void)flags;
	if (mock.recv_ret < 0) {
		errno = -mock.recv_ret;
		return -1;
	}
	if (mock.next >= mock.nq) {
		errno = EAGAIN;
		return -1;
	}
	return (ssize_t)mock.dlen[mock.next];
}

/* Queue one datagram made of the messages given, ending with NULL. */
static void queue(struct nl_msg *first, ...)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	struct nl_msg *m;
	va_list ap;

	va_start(ap, first);
	for (m = first; m; m = va_arg(ap, struct nl_msg *)) {
		struct nlmsghdr *h = nlmsg_hdr(m);
		size_t l = NLMSG_ALIGN(h->nlmsg_len);

		buf = realloc(buf, len + l);
		assert_non_null(buf);
		memset(buf + len, 0, l);
		memcpy(buf + len, h, h->nlmsg_len);
		len += l;
		nlmsg_free(m);
	}
	va_end(ap);
	assert_true(mock.nq < MAX_QUEUED);
	mock.dgram[mock.nq] = buf;
	mock.dlen[mock.nq++] = len;
}

/* A generic-netlink message answering @req. */
static struct nl_msg *reply(const struct nlmsghdr *req, uint8_t cmd, int flags)
{
	struct nl_msg *m = nlmsg_alloc();

	assert_non_null(m);
	assert_non_null(genlmsg_put(m, req ? req->nlmsg_pid : 0,
				    req ? req->nlmsg_seq : 0, FAMILY, 0, flags,
				    cmd, 1));
	return m;
}

static struct nl_msg *ack_msg(const struct nlmsghdr *req, int error,
			      const char *text, int bad_attr_off)
{
	struct nl_msg *m;
	struct nlmsgerr e;
	int flags = NLM_F_CAPPED;

	if (text || bad_attr_off)
		flags |= NLM_F_ACK_TLVS;
	m = nlmsg_alloc_simple(NLMSG_ERROR, flags);
	assert_non_null(m);
	nlmsg_hdr(m)->nlmsg_seq = req->nlmsg_seq;
	nlmsg_hdr(m)->nlmsg_pid = req->nlmsg_pid;
	memset(&e, 0, sizeof(e));
	e.error = error;
	memcpy(&e.msg, req, sizeof(e.msg));
	assert_int_equal(nlmsg_append(m, &e, sizeof(e), NLMSG_ALIGNTO), 0);
	if (text)
		assert_int_equal(nla_put_string(m, NLMSGERR_ATTR_MSG, text), 0);
	if (bad_attr_off)
		assert_int_equal(nla_put_u32(m, NLMSGERR_ATTR_OFFS,
					     (uint32_t)bad_attr_off), 0);
	return m;
}

static struct nl_msg *done_msg(const struct nlmsghdr *req, int error,
			       const char *text, int flags)
{
	struct nl_msg *m;

	if (text)
		flags |= NLM_F_ACK_TLVS;
	m = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI | flags);
	assert_non_null(m);
	nlmsg_hdr(m)->nlmsg_seq = req->nlmsg_seq;
	nlmsg_hdr(m)->nlmsg_pid = req->nlmsg_pid;
	assert_int_equal(nlmsg_append(m, &error, sizeof(error), NLMSG_ALIGNTO), 0);
	if (text)
		assert_int_equal(nla_put_string(m, NLMSGERR_ATTR_MSG, text), 0);
	return m;
}

/* The attributes of sent request @i. */
static struct genlmsghdr *sent_parse(size_t i, struct nlattr **tb)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)mock.sent[i];

	assert_true(i < mock.nsent);
	assert_int_equal(nlh->nlmsg_type, FAMILY);
	assert_int_equal(nla_parse(tb, SCST_A_MAX,
				   genlmsg_attrdata(nlmsg_data(nlh), 0),
				   genlmsg_attrlen(nlmsg_data(nlh), 0), NULL), 0);
	return nlmsg_data(nlh);
}

/* Offset of attribute @type in sent request @i, as an extack names it. */
static int sent_attr_offset(size_t i, int type)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)mock.sent[i];
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct nlattr *nla;
	int rem;

	nla_for_each_attr(nla, genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), rem)
		if (nla_type(nla) == type)
			return (int)((char *)nla - (char *)nlh);
	fail_msg("attribute %d not in the request", type);
	return 0;
}

static int setup(void **state)
{
	struct scst_ctx *ctx;

	mock_reset();
	assert_int_equal(scst_ctx_new(&ctx), 0);
	*state = ctx;
	return 0;
}

static int teardown(void **state)
{
	scst_ctx_free(*state);
	mock_reset();
	return 0;
}

/* ---- tests --------------------------------------------------------------- */

static void test_ctx_no_module(void **state)
{
	struct scst_ctx *ctx = (void *)1;

	(void)state;
	mock_reset();
	mock.family = -NLE_OBJ_NOTFOUND;
	assert_int_equal(scst_ctx_new(&ctx), -EPROTONOSUPPORT);
	assert_null(ctx);
	assert_string_equal(scst_strerror(-EPROTONOSUPPORT),
			    "the scst kernel module is not loaded");
}

static void global_get_responder(const struct nlmsghdr *req, int nth)
{
	struct nl_msg *m = reply(req, SCST_CMD_GLOBAL_GET, 0);

	(void)nth;
	nla_put_string(m, SCST_A_VERSION, "1.2.3");
	nla_put_u32(m, SCST_A_GENERATION, 77);
	nla_put_u8(m, SCST_A_ASYNC_LUN_REPLACE, 1);
	nla_put_u8(m, SCST_A_PARK_LUN_REPLACE, 0);
	nla_put_u32(m, SCST_A_LUN_QUEUE_DEPTH, 32);
	/* An attribute from a newer kernel must be ignored. */
	nla_put_u32(m, SCST_A_MAX + 5, 1);
	queue(m, NULL);
	queue(ack_msg(req, 0, NULL, 0), NULL);
}

static void test_global_get(void **state)
{
	struct scst_ctx *ctx = *state;
	struct nlattr *tb[SCST_A_MAX + 1];
	struct scst_global *g;
	struct genlmsghdr *gh;

	mock.responder = global_get_responder;
	assert_int_equal(scst_global_get(ctx, &g), 0);
	assert_int_equal(mock.nsent, 1);
	gh = sent_parse(0, tb);
	assert_int_equal(gh->cmd, SCST_CMD_GLOBAL_GET);
	assert_false(((struct nlmsghdr *)mock.sent[0])->nlmsg_flags & NLM_F_DUMP);
	assert_string_equal(g->version, "1.2.3");
	assert_int_equal(g->generation, 77);
	assert_true(g->async_lun_replace);
	assert_false(g->park_lun_replace);
	assert_int_equal(g->lun_queue_depth, 32);
	assert_int_equal(g->mask, SCST_GLOBAL_VERSION | SCST_GLOBAL_GENERATION |
			 SCST_GLOBAL_ASYNC_LUN_REPLACE |
			 SCST_GLOBAL_PARK_LUN_REPLACE |
			 SCST_GLOBAL_LUN_QUEUE_DEPTH);
	scst_global_free(g);
}

static void ack_responder(const struct nlmsghdr *req, int nth)
{
	(void)nth;
	queue(ack_msg(req, 0, NULL, 0), NULL);
}

static void test_global_set(void **state)
{
	struct scst_ctx *ctx = *state;
	struct scst_global g = { .mask = SCST_GLOBAL_PARK_LUN_REPLACE,
				 .park_lun_replace = true,
				 .async_lun_replace = true };
	struct nlattr *tb[SCST_A_MAX + 1];

	mock.responder = ack_responder;
	assert_int_equal(scst_global_set(ctx, &g), 0);
	assert_int_equal(sent_parse(0, tb)->cmd, SCST_CMD_GLOBAL_SET);
	/* Only what the mask selects is sent. */
	assert_null(tb[SCST_A_ASYNC_LUN_REPLACE]);
	assert_non_null(tb[SCST_A_PARK_LUN_REPLACE]);
	assert_int_equal(nla_get_u8(tb[SCST_A_PARK_LUN_REPLACE]), 1);
	assert_true(((struct nlmsghdr *)mock.sent[0])->nlmsg_flags & NLM_F_ACK);

	g.mask = SCST_GLOBAL_VERSION;
	assert_int_equal(scst_global_set(ctx, &g), -EINVAL);
	assert_int_equal(mock.nsent, 1);
}

static void test_device_add_message(void **state)
{
	struct scst_ctx *ctx = *state;
	struct nlattr *tb[SCST_A_MAX + 1];
	struct scst_dev_attrs a = { 0 };
	static const uint8_t naa[16] = { 0x60, 1, 2, 3, 4, 5, 6, 7, 8, 9,
					 10, 11, 12, 13, 14, 15 };

	assert_int_equal(scst_dev_attrs_parse(&a, "size", "2G"), 0);
	assert_int_equal(scst_dev_attrs_parse(&a, "blocksize", "4096"), 0);
	assert_int_equal(scst_dev_attrs_parse(&a, "read_only", "yes"), 0);
	assert_int_equal(scst_dev_attrs_parse(&a, "vendor", "ACME"), 0);
	assert_int_equal(scst_dev_attrs_parse(&a, "naa_id",
			 "600102030405060708090a0b0c0d0e0f"), 0);
	mock.responder = ack_responder;
	assert_int_equal(scst_device_add(ctx, "disk1", "vdisk_nullio", &a), 0);
	assert_int_equal(sent_parse(0, tb)->cmd, SCST_CMD_DEVICE_NEW);
	assert_string_equal(nla_data(tb[SCST_A_DEVICE]), "disk1");
	assert_string_equal(nla_data(tb[SCST_A_HANDLER]), "vdisk_nullio");
	assert_int_equal(nla_get_u64(tb[SCST_A_DEV_SIZE]), 2ULL << 30);
	assert_int_equal(nla_len(tb[SCST_A_DEV_BLOCKSIZE]), 4);
	assert_int_equal(nla_get_u32(tb[SCST_A_DEV_BLOCKSIZE]), 4096);
	assert_int_equal(nla_len(tb[SCST_A_DEV_READ_ONLY]), 1);
	assert_int_equal(nla_get_u8(tb[SCST_A_DEV_READ_ONLY]), 1);
	assert_string_equal(nla_data(tb[SCST_A_DEV_VENDOR]), "ACME");
	assert_int_equal(nla_len(tb[SCST_A_DEV_NAA_ID]), 16);
	assert_memory_equal(nla_data(tb[SCST_A_DEV_NAA_ID]), naa, 16);
	/* Nothing that was not asked for. */
	assert_null(tb[SCST_A_DEV_FILENAME]);
	assert_null(tb[SCST_A_DEV_NV_CACHE]);

	/* A request the library can refuse is never sent. */
	assert_int_equal(scst_device_add(ctx, "", "vdisk_nullio", NULL), -EINVAL);
	assert_int_equal(scst_device_add(ctx, "d", NULL, NULL), -EINVAL);
	assert_int_equal(mock.nsent, 1);
	assert_string_equal(scst_ctx_errmsg(ctx), "a handler name is needed");
}

static void extack_responder(const struct nlmsghdr *req, int nth)
{
	(void)nth;
	/* The header is copied first, so the offset can be computed on the
	 * captured request. */
	queue(ack_msg(req, -ENOENT, "device 'disk9' does not exist",
		      sent_attr_offset(mock.nsent - 1, SCST_A_DEVICE)), NULL);
}

static void test_extack(void **state)
{
	struct scst_ctx *ctx = *state;

	mock.responder = extack_responder;
	assert_int_equal(scst_device_del(ctx, "disk9"), -ENOENT);
	assert_string_equal(scst_ctx_errmsg(ctx), "device 'disk9' does not exist");
	assert_true(scst_ctx_errmsg_from_kernel(ctx));
	assert_int_equal(scst_ctx_err_attr(ctx), SCST_A_DEVICE);
}

static void plain_error_responder(const struct nlmsghdr *req, int nth)
{
	(void)nth;
	queue(ack_msg(req, -EBUSY, NULL, 0), NULL);
}

static void test_error_without_extack(void **state)
{
	struct scst_ctx *ctx = *state;

	mock.responder = plain_error_responder;
	assert_int_equal(scst_device_del(ctx, "disk1"), -EBUSY);
	assert_false(scst_ctx_errmsg_from_kernel(ctx));
	assert_string_equal(scst_ctx_errmsg(ctx),
			    "cannot delete device 'disk1': Device or resource busy");
	assert_int_equal(scst_ctx_err_attr(ctx), 0);

	/* The next success clears the message. */
	mock.responder = ack_responder;
	assert_int_equal(scst_device_del(ctx, "disk1"), 0);
	assert_string_equal(scst_ctx_errmsg(ctx), "");
}

static struct nl_msg *device_msg(const struct nlmsghdr *req, const char *name,
				 int flags)
{
	struct nl_msg *m = reply(req, SCST_CMD_DEVICE_GET, NLM_F_MULTI | flags);

	nla_put_string(m, SCST_A_DEVICE, name);
	nla_put_string(m, SCST_A_HANDLER, "vdisk_nullio");
	nla_put_u64(m, SCST_A_DEV_SIZE, 1ULL << 20);
	nla_put_u8(m, SCST_A_DEV_READ_ONLY, 0);
	nla_put_u32(m, SCST_A_DEV_USERS, 2);
	return m;
}

/* Three devices over two datagrams, then DONE in a third. */
static void dump_responder(const struct nlmsghdr *req, int nth)
{
	(void)nth;
	queue(device_msg(req, "d0", 0), device_msg(req, "d1", 0), NULL);
	queue(device_msg(req, "d2", 0), NULL);
	queue(done_msg(req, 0, NULL, 0), NULL);
}

static void test_dump_multipart(void **state)
{
	struct scst_ctx *ctx = *state;
	struct scst_device **devs;

	mock.responder = dump_responder;
	assert_int_equal(scst_device_list(ctx, &devs), 3);
	assert_true(((struct nlmsghdr *)mock.sent[0])->nlmsg_flags & NLM_F_DUMP);
	assert_string_equal(devs[0]->name, "d0");
	assert_string_equal(devs[1]->name, "d1");
	assert_string_equal(devs[2]->name, "d2");
	assert_null(devs[3]);
	assert_string_equal(devs[2]->handler, "vdisk_nullio");
	assert_int_equal(devs[2]->users, 2);
	assert_int_equal(devs[2]->attrs.size, 1 << 20);
	assert_int_equal(devs[2]->attrs.mask, SCST_DEV_ATTR_BIT(SCST_DEV_ATTR_SIZE) |
			 SCST_DEV_ATTR_BIT(SCST_DEV_ATTR_READ_ONLY));
	scst_device_list_free(devs);
}

/* The first attempt is torn, the second is clean. */
static void intr_once_responder(const struct nlmsghdr *req, int nth)
{
	if (nth == 0) {
		queue(device_msg(req, "old0", 0), NULL);
		queue(device_msg(req, "old1", NLM_F_DUMP_INTR), NULL);
		queue(done_msg(req, 0, NULL, NLM_F_DUMP_INTR), NULL);
		return;
	}
	queue(device_msg(req, "new0", 0), done_msg(req, 0, NULL, 0), NULL);
}

static void test_dump_intr_retry(void **state)
{
	struct scst_ctx *ctx = *state;
	struct scst_device **devs;

	mock.responder = intr_once_responder;
	assert_int_equal(scst_device_list(ctx, &devs), 1);
	assert_int_equal(mock.nsent, 2);
	/* Nothing of the torn attempt is kept. */
	assert_string_equal(devs[0]->name, "new0");
	assert_null(devs[1]);
	scst_device_list_free(devs);
}

static void intr_always_responder(const struct nlmsghdr *req, int nth)
{
	(void)nth;
	queue(device_msg(req, "x", NLM_F_DUMP_INTR), NULL);
	queue(done_msg(req, 0, NULL, 0), NULL);
}

static void test_dump_intr_gives_up(void **state)
{
	struct scst_ctx *ctx = *state;
	struct scst_device **devs = (void *)1;

	mock.responder = intr_always_responder;
	assert_int_equal(scst_device_list(ctx, &devs), -EAGAIN);
	assert_null(devs);
	assert_int_equal(mock.nsent, SCST_DUMP_RETRIES);
	assert_non_null(strstr(scst_ctx_errmsg(ctx), "kept changing"));
}

static void dump_error_responder(const struct nlmsghdr *req, int nth)
{
	(void)nth;
	queue(done_msg(req, -ENOENT, "target 'tX' does not exist", 0), NULL);
}

static void test_dump_error(void **state)
{
	struct scst_ctx *ctx = *state;
	struct nlattr *tb[SCST_A_MAX + 1];
	struct scst_lun **luns;

	mock.responder = dump_error_responder;
	assert_int_equal(scst_lun_list(ctx, "tX", "g1", &luns), -ENOENT);
	assert_string_equal(scst_ctx_errmsg(ctx), "target 'tX' does not exist");
	assert_int_equal(sent_parse(0, tb)->cmd, SCST_CMD_LUN_GET);
	assert_string_equal(nla_data(tb[SCST_A_TARGET]), "tX");
	assert_string_equal(nla_data(tb[SCST_A_GROUP]), "g1");
}

static void test_dump_filter_without_target(void **state)
{
	struct scst_ctx *ctx = *state;
	struct nlattr *tb[SCST_A_MAX + 1];
	struct scst_lun **luns;

	mock.responder = dump_error_responder;
	scst_lun_list(ctx, NULL, "g1", &luns);
	/* A group means nothing without its target: not sent. */
	sent_parse(0, tb);
	assert_null(tb[SCST_A_TARGET]);
	assert_null(tb[SCST_A_GROUP]);
}

static void replace_responder(const struct nlmsghdr *req, int nth)
{
	struct nl_msg *m = reply(req, SCST_CMD_LUN_REPLACE, 0);

	(void)nth;
	nla_put_u64(m, SCST_A_CLEANUP_ID, 7);
	nla_put_flag(m, SCST_A_SYNC_FALLBACK);
	queue(m, NULL);
	queue(ack_msg(req, 0, NULL, 0), NULL);
}

static void test_lun_replace(void **state)
{
	struct scst_ctx *ctx = *state;
	struct nlattr *tb[SCST_A_MAX + 1];
	bool fallback = false;
	uint64_t id = 0;

	mock.responder = replace_responder;
	assert_int_equal(scst_lun_replace(ctx, "t1", NULL, 3, "d2",
					  SCST_REPLACE_ASYNC | SCST_REPLACE_PARK |
					  SCST_REPLACE_NO_UA, &id, &fallback), 0);
	assert_int_equal(id, 7);
	assert_true(fallback);
	assert_int_equal(sent_parse(0, tb)->cmd, SCST_CMD_LUN_REPLACE);
	assert_string_equal(nla_data(tb[SCST_A_TARGET]), "t1");
	assert_null(tb[SCST_A_GROUP]);
	assert_int_equal(nla_get_u32(tb[SCST_A_LUN]), 3);
	assert_string_equal(nla_data(tb[SCST_A_DEVICE]), "d2");
	assert_int_equal(nla_get_u32(tb[SCST_A_REPLACE_FLAGS]),
			 SCST_REPLACE_F_ASYNC | SCST_REPLACE_F_PARK |
			 SCST_REPLACE_F_NO_UA);

	/* Without flags, the kernel's global settings decide. */
	assert_int_equal(scst_lun_replace(ctx, "t1", "g", 3, "d2", 0, NULL,
					  NULL), 0);
	sent_parse(1, tb);
	assert_null(tb[SCST_A_REPLACE_FLAGS]);
	assert_string_equal(nla_data(tb[SCST_A_GROUP]), "g");

	/* Unknown flags and LUNs out of range are refused before sending. */
	assert_int_equal(scst_lun_replace(ctx, "t1", NULL, 3, "d2", 1U << 9,
					  &id, NULL), -EINVAL);
	assert_int_equal(id, 0);
	assert_int_equal(scst_lun_replace(ctx, "t1", NULL, SCST_LUN_MAX + 1,
					  "d2", 0, NULL, NULL), -ERANGE);
	assert_int_equal(mock.nsent, 2);
}

/* A late answer to an abandoned request must not be taken for ours. */
static void stale_responder(const struct nlmsghdr *req, int nth)
{
	struct nlmsghdr old = *req;

	(void)nth;
	old.nlmsg_seq--;
	queue(ack_msg(&old, -EIO, "stale", 0), NULL);
	queue(ack_msg(req, 0, NULL, 0), NULL);
}

static void test_stale_reply_skipped(void **state)
{
	struct scst_ctx *ctx = *state;

	mock.responder = stale_responder;
	assert_int_equal(scst_target_del(ctx, "t1"), 0);
	assert_string_equal(scst_ctx_errmsg(ctx), "");
}

static void test_cleanup_release(void **state)
{
	struct scst_ctx *ctx = *state;
	struct nlattr *tb[SCST_A_MAX + 1];

	mock.responder = ack_responder;
	assert_int_equal(scst_cleanup_release(ctx, 0x1234567890ULL), 0);
	assert_int_equal(scst_cleanup_release_all(ctx), 0);
	assert_int_equal(sent_parse(0, tb)->cmd, SCST_CMD_CLEANUP_RELEASE);
	assert_int_equal(nla_get_u64(tb[SCST_A_CLEANUP_ID]), 0x1234567890ULL);
	assert_null(tb[SCST_A_CLEANUP_ALL]);
	sent_parse(1, tb);
	assert_non_null(tb[SCST_A_CLEANUP_ALL]);
	assert_null(tb[SCST_A_CLEANUP_ID]);
}

static void group_responder(const struct nlmsghdr *req, int nth)
{
	struct nl_msg *m = reply(req, SCST_CMD_GROUP_GET, NLM_F_MULTI);

	(void)nth;
	nla_put_string(m, SCST_A_TARGET, "t1");
	nla_put_string(m, SCST_A_GROUP, "g1");
	nla_put_string(m, SCST_A_INITIATOR, "iqn.a:*");
	nla_put_string(m, SCST_A_INITIATOR, "!iqn.a:b");
	queue(m, done_msg(req, 0, NULL, 0), NULL);
}

static void test_group_list_repeated_attr(void **state)
{
	struct scst_ctx *ctx = *state;
	struct scst_group **g;

	mock.responder = group_responder;
	assert_int_equal(scst_group_list(ctx, "t1", &g), 1);
	assert_string_equal(g[0]->initiators[0], "iqn.a:*");
	assert_string_equal(g[0]->initiators[1], "!iqn.a:b");
	assert_null(g[0]->initiators[2]);
	scst_group_list_free(g);
}

static void bad_reply_responder(const struct nlmsghdr *req, int nth)
{
	struct nl_msg *m = reply(req, SCST_CMD_TARGET_GET, NLM_F_MULTI);

	(void)nth;
	/* A string without its NUL: the policy rejects it. */
	nla_put(m, SCST_A_TARGET, 3, "abc");
	queue(m, done_msg(req, 0, NULL, 0), NULL);
	/* Whatever came after must have been read: the next request works. */
}

static void test_malformed_reply(void **state)
{
	struct scst_ctx *ctx = *state;
	struct scst_target **t;

	mock.responder = bad_reply_responder;
	assert_int_equal(scst_target_list(ctx, &t), -EPROTO);
	assert_int_equal(mock.next, mock.nq);
	mock.responder = ack_responder;
	assert_int_equal(scst_target_enable(ctx, "t", true), 0);
}

static void test_nle_errno(void **state)
{
	(void)state;
	assert_int_equal(scst_nl_errno(0), 0);
	assert_int_equal(scst_nl_errno(-NLE_NOMEM), -ENOMEM);
	assert_int_equal(scst_nl_errno(-NLE_AGAIN), -EAGAIN);
	assert_int_equal(scst_nl_errno(-NLE_OBJ_NOTFOUND), -ENOENT);
	assert_int_equal(scst_nl_errno(-NLE_PERM), -EPERM);
	assert_int_equal(scst_nl_errno(-NLE_DUMP_INTR), -EAGAIN);
	assert_int_equal(scst_nl_errno(-NLE_SEQ_MISMATCH), -EPROTO);
	assert_int_equal(scst_nl_errno(-12345), -EIO);
}

static void test_events(void **state)
{
	struct scst_ctx *ctx = *state;
	const struct scst_event *ev;
	struct scst_events *evs;
	struct nl_msg *m;

	assert_int_equal(scst_event_open(ctx, &evs), 0);
	assert_int_equal(scst_event_read(evs, &ev), 0);

	m = reply(NULL, SCST_CMD_CLEANUP_NTF, 0);
	nla_put_u64(m, SCST_A_CLEANUP_ID, 9);
	nla_put_u8(m, SCST_A_CLEANUP_STATE, SCST_CLEANUP_DRAINED);
	nla_put_u32(m, SCST_A_CLEANUP_DRAINED, 5);
	nla_put_u64(m, SCST_A_CLEANUP_DRAIN_MS, 1500);
	nla_put_string(m, SCST_A_TARGET, "t1");
	nla_put_u32(m, SCST_A_LUN, 0);
	nla_put_string(m, SCST_A_OLD_DEVICE, "d1");
	queue(m, NULL);
	m = reply(NULL, SCST_CMD_DEVICE_NEW, 0);
	nla_put_string(m, SCST_A_DEVICE, "d3");
	nla_put_string(m, SCST_A_HANDLER, "vdisk_fileio");
	queue(m, NULL);

	assert_int_equal(scst_event_read(evs, &ev), 1);
	assert_int_equal(ev->cmd, SCST_CMD_CLEANUP_NTF);
	assert_int_equal(ev->cleanup_id, 9);
	assert_int_equal(ev->cleanup_state, SCST_CLEANUP_DRAINED);
	assert_int_equal(ev->drained, 5);
	assert_int_equal(ev->drain_ms, 1500);
	assert_string_equal(ev->target, "t1");
	assert_string_equal(ev->old_device, "d1");
	assert_null(ev->device);
	assert_true(ev->mask & SCST_EV_LUN);
	assert_true(ev->mask & SCST_EV_DRAINED);
	assert_false(ev->mask & SCST_EV_ENABLED);
	assert_string_equal(scst_cmd_name(ev->cmd), "cleanup");

	assert_int_equal(scst_event_read(evs, &ev), 1);
	assert_int_equal(ev->cmd, SCST_CMD_DEVICE_NEW);
	assert_string_equal(ev->device, "d3");
	assert_int_equal(ev->mask, 0);
	assert_int_equal(scst_event_read(evs, &ev), 0);

	/* Overrun is reported, once, as -ENOBUFS. */
	mock.recv_ret = -ENOBUFS;
	assert_int_equal(scst_event_read(evs, &ev), -ENOBUFS);
	assert_non_null(strstr(scst_ctx_errmsg(ctx), "lost"));
	mock.recv_ret = 0;
	assert_int_equal(scst_event_read(evs, &ev), 0);
	scst_event_close(evs);
}

static void test_value_parsing(void **state)
{
	struct scst_dev_attrs a = { 0 };
	char buf[64];
	uint64_t v;
	bool b;

	(void)state;
	assert_int_equal(scst_parse_size("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(scst_parse_size("512", &v), 0);
	assert_int_equal(v, 512);
	assert_int_equal(scst_parse_size("4K", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(scst_parse_size("10m", &v), 0);
	assert_int_equal(v, 10ULL << 20);
	assert_int_equal(scst_parse_size("1GiB", &v), 0);
	assert_int_equal(v, 1ULL << 30);
	assert_int_equal(scst_parse_size("2T", &v), 0);
	assert_int_equal(v, 2ULL << 40);
	assert_int_equal(scst_parse_size("0x10", &v), 0);
	assert_int_equal(v, 16);
	assert_int_equal(scst_parse_size("", &v), -EINVAL);
	assert_int_equal(scst_parse_size("-1", &v), -EINVAL);
	assert_int_equal(scst_parse_size("1.5G", &v), -EINVAL);
	assert_int_equal(scst_parse_size("1X", &v), -EINVAL);
	assert_int_equal(scst_parse_size("1KK", &v), -EINVAL);
	assert_int_equal(scst_parse_size("99999999999999999999", &v), -ERANGE);
	assert_int_equal(scst_parse_size("17000000P", &v), -ERANGE);

	assert_int_equal(scst_parse_bool("on", &b), 0);
	assert_true(b);
	assert_int_equal(scst_parse_bool("No", &b), 0);
	assert_false(b);
	assert_int_equal(scst_parse_bool("1", &b), 0);
	assert_true(b);
	assert_int_equal(scst_parse_bool("2", &b), -EINVAL);
	assert_int_equal(scst_parse_bool("", &b), -EINVAL);

	assert_int_equal(scst_dev_attrs_parse(&a, "blocksz", "512"), -ENOENT);
	assert_int_equal(scst_dev_attrs_parse(&a, "blocksize", "1000"), -ERANGE);
	assert_int_equal(scst_dev_attrs_parse(&a, "vendor", "TOO-LONG-X"), -ERANGE);
	assert_int_equal(scst_dev_attrs_parse(&a, "eui64_id", "0x12"), -EINVAL);
	assert_int_equal(scst_dev_attrs_parse(&a, "eui64_id",
					      "0x0011223344556677"), 0);
	assert_int_equal(a.eui64_id, 0x0011223344556677ULL);
	assert_int_equal(a.mask, SCST_DEV_ATTR_BIT(SCST_DEV_ATTR_EUI64_ID));
	assert_int_equal(scst_dev_attrs_format(&a, SCST_DEV_ATTR_EUI64_ID, buf,
					       sizeof(buf)), 18);
	assert_string_equal(buf, "0x0011223344556677");
	assert_int_equal(scst_dev_attrs_format(&a, SCST_DEV_ATTR_SIZE, buf,
					       sizeof(buf)), -ENOENT);
	assert_int_equal(scst_dev_attrs_parse(&a, "thin_provisioned", "on"), 0);
	scst_dev_attrs_format(&a, SCST_DEV_ATTR_THIN_PROVISIONED, buf, sizeof(buf));
	assert_string_equal(buf, "1");
	assert_string_equal(scst_dev_attr_name(SCST_DEV_ATTR_T10_DEV_ID),
			    "t10_dev_id");
	assert_null(scst_dev_attr_name(__SCST_DEV_ATTR_MAX));
	assert_string_equal(scst_cleanup_state_name(SCST_CLEANUP_PARKED), "parked");
	assert_string_equal(scst_cleanup_state_name(99), "unknown");
}

/* Every string attribute of @type in sent request @i, in order. */
static size_t sent_strings(size_t i, int type, const char **out, size_t max)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)mock.sent[i];
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct nlattr *nla;
	size_t n = 0;
	int rem;

	nla_for_each_attr(nla, genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), rem)
		if (nla_type(nla) == type && n < max)
			out[n++] = nla_data(nla);
	return n;
}

static void test_driver_set_params(void **state)
{
	struct scst_ctx *ctx = *state;
	static const char *const params[] = {
		"portals=10.0.0.1:3260,[::1]:3261", "x=", "k=a=b c", NULL
	};
	struct nlattr *tb[SCST_A_MAX + 1];
	const char *got[8];

	mock.responder = ack_responder;
	assert_int_equal(scst_driver_set_params(ctx, "iscsi", params), 0);
	assert_int_equal(sent_parse(0, tb)->cmd, SCST_CMD_DRIVER_SET);
	assert_string_equal(nla_data(tb[SCST_A_DRIVER]), "iscsi");
	assert_true(((struct nlmsghdr *)mock.sent[0])->nlmsg_flags & NLM_F_ACK);
	/* One attribute per parameter, in the caller's order, as given. */
	assert_int_equal(sent_strings(0, SCST_A_DRIVER_PARAM, got, 8), 3);
	assert_string_equal(got[0], "portals=10.0.0.1:3260,[::1]:3261");
	assert_string_equal(got[1], "x=");
	assert_string_equal(got[2], "k=a=b c");
	assert_null(tb[SCST_A_TARGET_PARAM]);
}

static void test_target_set_params(void **state)
{
	struct scst_ctx *ctx = *state;
	static const char *const params[] = {
		"HeaderDigest=CRC32C", "IncomingUser=joe 0123456789ab",
		"MaxBurstLength=65536", NULL
	};
	struct nlattr *tb[SCST_A_MAX + 1];
	const char *got[8];

	mock.responder = ack_responder;
	assert_int_equal(scst_target_set_params(ctx, "iqn.t", params), 0);
	assert_int_equal(sent_parse(0, tb)->cmd, SCST_CMD_TARGET_SET);
	assert_string_equal(nla_data(tb[SCST_A_TARGET]), "iqn.t");
	/* Setting parameters leaves the enabled state alone. */
	assert_null(tb[SCST_A_TARGET_ENABLED]);
	assert_int_equal(sent_strings(0, SCST_A_TARGET_PARAM, got, 8), 3);
	assert_string_equal(got[0], "HeaderDigest=CRC32C");
	assert_string_equal(got[1], "IncomingUser=joe 0123456789ab");
	assert_string_equal(got[2], "MaxBurstLength=65536");
	assert_int_equal(sent_strings(0, SCST_A_DRIVER_PARAM, got, 8), 0);
}

static void test_params_refused_locally(void **state)
{
	struct scst_ctx *ctx = *state;
	static const char *const no_eq[] = { "a=1", "IncomingUser joe secret",
					     NULL };
	static const char *const no_key[] = { "=1", NULL };
	static const char *const none[] = { NULL };
	static const char *long_one[] = { NULL, NULL };
	char *big;

	mock.responder = ack_responder;
	assert_int_equal(scst_target_set_params(ctx, "t", no_eq), -EINVAL);
	/* The key is named, never what follows it (it may be a secret). */
	assert_string_equal(scst_ctx_errmsg(ctx),
			    "parameter 'IncomingUser' is not key=value");
	assert_int_equal(scst_driver_set_params(ctx, "iscsi", no_key), -EINVAL);
	assert_string_equal(scst_ctx_errmsg(ctx),
			    "a parameter has no key before '='");
	assert_int_equal(scst_driver_set_params(ctx, "iscsi", none), -EINVAL);
	assert_string_equal(scst_ctx_errmsg(ctx), "no parameter to set");
	assert_int_equal(scst_target_set_params(ctx, "t", NULL), -EINVAL);
	assert_int_equal(scst_driver_set_params(ctx, "", no_key), -EINVAL);
	assert_string_equal(scst_ctx_errmsg(ctx), "a driver name is needed");

	big = malloc(4097);
	assert_non_null(big);
	memset(big, 'v', 4096);
	memcpy(big, "key=", 4);
	big[4096] = '\0';
	long_one[0] = big;
	assert_int_equal(scst_target_set_params(ctx, "t", long_one), -ERANGE);
	assert_string_equal(scst_ctx_errmsg(ctx),
			    "parameter 'key' is longer than 4095 bytes");
	/* 4095 bytes is the kernel's limit, and fits. */
	big[4095] = '\0';
	assert_int_equal(scst_target_set_params(ctx, "t", long_one), 0);
	free(big);
	assert_int_equal(mock.nsent, 1);
}

static void param_refused_responder(const struct nlmsghdr *req, int nth)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)mock.sent[mock.nsent - 1];
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct nlattr *nla;
	int rem, n = 0, off = 0;

	(void)nth;
	/* The kernel points at the second parameter. */
	nla_for_each_attr(nla, genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), rem)
		if (nla_type(nla) == SCST_A_TARGET_PARAM && ++n == 2)
			off = (int)((char *)nla - (char *)nlh);
	queue(ack_msg(req, -EINVAL,
		      "invalid value for this iSCSI target parameter", off),
	      NULL);
}

static void test_params_refused_by_kernel(void **state)
{
	struct scst_ctx *ctx = *state;
	static const char *const params[] = {
		"InitialR2T=Yes", "MaxBurstLength=1", NULL
	};

	mock.responder = param_refused_responder;
	assert_int_equal(scst_target_set_params(ctx, "t", params), -EINVAL);
	assert_string_equal(scst_ctx_errmsg(ctx),
			    "invalid value for this iSCSI target parameter");
	assert_true(scst_ctx_errmsg_from_kernel(ctx));
	assert_int_equal(scst_ctx_err_attr(ctx), SCST_A_TARGET_PARAM);
}

static void error_no_extack_responder(const struct nlmsghdr *req, int nth)
{
	(void)nth;
	queue(ack_msg(req, -ENOENT, NULL, 0), NULL);
}

static void test_driver_set_params_no_extack(void **state)
{
	struct scst_ctx *ctx = *state;
	static const char *const params[] = { "portals=", NULL };

	mock.responder = error_no_extack_responder;
	assert_int_equal(scst_driver_set_params(ctx, "nodrv", params), -ENOENT);
	assert_string_equal(scst_ctx_errmsg(ctx),
			    "cannot change driver 'nodrv': No such file or directory");
}

static void params_list_responder(const struct nlmsghdr *req, int nth)
{
	struct genlmsghdr *g = nlmsg_data(req);
	struct nl_msg *m, *m2;

	(void)nth;
	switch (g->cmd) {
	case SCST_CMD_DRIVER_GET:
		m = reply(req, SCST_CMD_DRIVER_GET, NLM_F_MULTI);
		nla_put_string(m, SCST_A_DRIVER, "iscsi");
		nla_put_string(m, SCST_A_CREATE_ATTR, "portals");
		nla_put_string(m, SCST_A_DRIVER_PARAM,
			       "portals=0.0.0.0:3260,[::]:3260");
		nla_put_string(m, SCST_A_RUNTIME_ATTR, "enabled");
		nla_put_string(m, SCST_A_RUNTIME_ATTR, "IncomingUser");
		m2 = reply(req, SCST_CMD_DRIVER_GET, NLM_F_MULTI);
		nla_put_string(m2, SCST_A_DRIVER, "scst_local");
		queue(m, m2, done_msg(req, 0, NULL, 0), NULL);
		break;
	case SCST_CMD_TARGET_GET:
		m = reply(req, SCST_CMD_TARGET_GET, 0);
		nla_put_string(m, SCST_A_TARGET, "iqn.t");
		nla_put_string(m, SCST_A_DRIVER, "iscsi");
		nla_put_string(m, SCST_A_TARGET_PARAM, "IncomingUser=joe");
		nla_put_u8(m, SCST_A_TARGET_ENABLED, 1);
		nla_put_string(m, SCST_A_TARGET_PARAM, "IncomingUser=ann");
		nla_put_string(m, SCST_A_TARGET_PARAM, "HeaderDigest=CRC32C,None");
		queue(m, ack_msg(req, 0, NULL, 0), NULL);
		break;
	case SCST_CMD_SESSION_GET:
		m = reply(req, SCST_CMD_SESSION_GET, NLM_F_MULTI);
		nla_put_string(m, SCST_A_TARGET, "iqn.t");
		nla_put_string(m, SCST_A_SESSION, "iqn.i");
		nla_put_string(m, SCST_A_SESSION_PARAM, "HeaderDigest=None");
		nla_put_string(m, SCST_A_SESSION_PARAM, "MaxBurstLength=262144");
		nla_put_u64(m, SCST_A_TASK_SET_FULL, 1ULL << 33);
		nla_put(m, SCST_A_TRANSPORT_ID, 6, "\x06\0\0\0\xab\xcd");
		queue(m, done_msg(req, 0, NULL, 0), NULL);
		break;
	default:
		fail_msg("unexpected command %d", g->cmd);
	}
}

static void test_params_listed(void **state)
{
	struct scst_ctx *ctx = *state;
	struct scst_driver **d;
	struct scst_target *t;
	struct scst_session **s;

	mock.responder = params_list_responder;
	assert_int_equal(scst_driver_list(ctx, &d), 2);
	assert_string_equal(d[0]->name, "iscsi");
	assert_string_equal(d[0]->create_attrs[0], "portals");
	assert_null(d[0]->create_attrs[1]);
	assert_string_equal(d[0]->runtime_attrs[1], "IncomingUser");
	assert_string_equal(d[0]->params[0], "portals=0.0.0.0:3260,[::]:3260");
	assert_null(d[0]->params[1]);
	/* A driver without parameters has an empty list, not NULL. */
	assert_non_null(d[1]->params);
	assert_null(d[1]->params[0]);
	scst_driver_list_free(d);

	assert_int_equal(scst_target_get(ctx, "iqn.t", &t), 0);
	assert_true(t->enabled);
	assert_string_equal(t->params[0], "IncomingUser=joe");
	assert_string_equal(t->params[1], "IncomingUser=ann");
	assert_string_equal(t->params[2], "HeaderDigest=CRC32C,None");
	assert_null(t->params[3]);
	scst_target_free(t);

	assert_int_equal(scst_session_list(ctx, NULL, &s), 1);
	assert_string_equal(s[0]->params[0], "HeaderDigest=None");
	assert_string_equal(s[0]->params[1], "MaxBurstLength=262144");
	assert_null(s[0]->params[2]);
	assert_true(s[0]->task_set_full == 1ULL << 33);
	assert_int_equal(s[0]->transport_id_len, 6);
	assert_memory_equal(s[0]->transport_id, "\x06\0\0\0\xab\xcd", 6);
	scst_session_list_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctx_no_module),
		cmocka_unit_test_setup_teardown(test_global_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_global_set, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_add_message, setup, teardown),
		cmocka_unit_test_setup_teardown(test_extack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_without_extack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump_multipart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump_intr_retry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump_intr_gives_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump_filter_without_target, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lun_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_reply_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cleanup_release, setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_list_repeated_attr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_reply, setup, teardown),
		cmocka_unit_test(test_nle_errno),
		cmocka_unit_test_setup_teardown(test_events, setup, teardown),
		cmocka_unit_test(test_value_parsing),
		cmocka_unit_test_setup_teardown(test_driver_set_params, setup, teardown),
		cmocka_unit_test_setup_teardown(test_target_set_params, setup, teardown),
		cmocka_unit_test_setup_teardown(test_params_refused_locally, setup, teardown),
		cmocka_unit_test_setup_teardown(test_params_refused_by_kernel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_set_params_no_extack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_params_listed, setup, teardown),
	};

	return cmocka_run_group_tests_name("libscstctl netlink", tests, NULL, NULL);
}
