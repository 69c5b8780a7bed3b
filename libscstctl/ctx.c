// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The context and the request engine: one generic-netlink socket, requests
 * answered by an ack, a reply plus an ack, or a (possibly torn and retried)
 * dump; errors with the kernel's extended-ack message.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>

#include "libscstctl-internal.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

const struct nla_policy scst_policy[SCST_A_MAX + 1] = {
	[SCST_A_VERSION]		= { .type = NLA_STRING },
	[SCST_A_GENERATION]		= { .type = NLA_U32 },
	[SCST_A_ASYNC_LUN_REPLACE]	= { .type = NLA_U8 },
	[SCST_A_PARK_LUN_REPLACE]	= { .type = NLA_U8 },
	[SCST_A_HANDLER]		= { .type = NLA_STRING },
	[SCST_A_DEVICE]			= { .type = NLA_STRING },
	[SCST_A_DRIVER]			= { .type = NLA_STRING },
	[SCST_A_TARGET]			= { .type = NLA_STRING },
	[SCST_A_GROUP]			= { .type = NLA_STRING },
	[SCST_A_INITIATOR]		= { .type = NLA_STRING },
	[SCST_A_NEW_GROUP]		= { .type = NLA_STRING },
	[SCST_A_LUN]			= { .type = NLA_U32 },
	[SCST_A_SESSION]		= { .type = NLA_STRING },
	[SCST_A_OLD_DEVICE]		= { .type = NLA_STRING },
	[SCST_A_CREATE_ATTR]		= { .type = NLA_STRING },
	[SCST_A_RUNTIME_ATTR]		= { .type = NLA_STRING },
	[SCST_A_DEV_FILENAME]		= { .type = NLA_STRING },
	[SCST_A_DEV_SIZE]		= { .type = NLA_U64 },
	[SCST_A_DEV_BLOCKSIZE]		= { .type = NLA_U32 },
	[SCST_A_DEV_READ_ONLY]		= { .type = NLA_U8 },
	[SCST_A_DEV_WRITE_THROUGH]	= { .type = NLA_U8 },
	[SCST_A_DEV_NV_CACHE]		= { .type = NLA_U8 },
	[SCST_A_DEV_O_DIRECT]		= { .type = NLA_U8 },
	[SCST_A_DEV_THIN_PROVISIONED]	= { .type = NLA_U8 },
	[SCST_A_DEV_ROTATIONAL]		= { .type = NLA_U8 },
	[SCST_A_DEV_VENDOR]		= { .type = NLA_STRING },
	[SCST_A_DEV_PRODUCT]		= { .type = NLA_STRING },
	[SCST_A_DEV_REVISION]		= { .type = NLA_STRING },
	[SCST_A_DEV_T10_DEV_ID]		= { .type = NLA_STRING },
	[SCST_A_DEV_USN]		= { .type = NLA_STRING },
	[SCST_A_DEV_NAA_ID]		= { .type = NLA_UNSPEC, .minlen = 16 },
	[SCST_A_DEV_EUI64_ID]		= { .type = NLA_U64 },
	[SCST_A_DEV_USERS]		= { .type = NLA_U32 },
	[SCST_A_TARGET_ENABLED]		= { .type = NLA_U8 },
	[SCST_A_REL_TGT_ID]		= { .type = NLA_U32 },
	[SCST_A_NR_SESSIONS]		= { .type = NLA_U32 },
	[SCST_A_LUN_READ_ONLY]		= { .type = NLA_U8 },
	[SCST_A_REPLACE_FLAGS]		= { .type = NLA_U32 },
	[SCST_A_SYNC_FALLBACK]		= { .type = NLA_FLAG },
	[SCST_A_CMDS_INFLIGHT]		= { .type = NLA_U32 },
	[SCST_A_SCSI_HOST]		= { .type = NLA_U32 },
	[SCST_A_CLEANUP_ID]		= { .type = NLA_U64 },
	[SCST_A_CLEANUP_ALL]		= { .type = NLA_FLAG },
	[SCST_A_CLEANUP_STATE]		= { .type = NLA_U8 },
	[SCST_A_CLEANUP_AGE_MS]		= { .type = NLA_U64 },
	[SCST_A_CLEANUP_DRAINED]	= { .type = NLA_U32 },
	[SCST_A_CLEANUP_DRAIN_MS]	= { .type = NLA_U64 },
	[SCST_A_DRIVER_PARAM]		= { .type = NLA_STRING },
	[SCST_A_TARGET_PARAM]		= { .type = NLA_STRING },
	[SCST_A_SESSION_PARAM]		= { .type = NLA_STRING },
	[SCST_A_LUN_QUEUE_DEPTH]	= { .type = NLA_U32 },
	[SCST_A_TASK_SET_FULL]		= { .type = NLA_U64 },
	[SCST_A_TRANSPORT_ID]		= { .type = NLA_UNSPEC },
};

/*
 * libnl reports its own failures as NLE_* codes; the library's callers get
 * errno values. This is the only place that translates.
 */
int scst_nl_errno(int nlerr)
{
	static const int map[] = {
		[NLE_SUCCESS]		= 0,
		[NLE_FAILURE]		= EIO,
		[NLE_INTR]		= EINTR,
		[NLE_BAD_SOCK]		= EBADF,
		[NLE_AGAIN]		= EAGAIN,
		[NLE_NOMEM]		= ENOMEM,
		[NLE_EXIST]		= EEXIST,
		[NLE_INVAL]		= EINVAL,
		[NLE_RANGE]		= ERANGE,
		[NLE_MSGSIZE]		= EMSGSIZE,
		[NLE_OPNOTSUPP]		= EOPNOTSUPP,
		[NLE_AF_NOSUPPORT]	= EAFNOSUPPORT,
		[NLE_OBJ_NOTFOUND]	= ENOENT,
		[NLE_NOATTR]		= ENODATA,
		[NLE_MISSING_ATTR]	= EINVAL,
		[NLE_AF_MISMATCH]	= EINVAL,
		[NLE_SEQ_MISMATCH]	= EPROTO,
		[NLE_MSG_OVERFLOW]	= EOVERFLOW,
		[NLE_MSG_TRUNC]		= EMSGSIZE,
		[NLE_NOADDR]		= EADDRNOTAVAIL,
		[NLE_SRCRT_NOSUPPORT]	= EOPNOTSUPP,
		[NLE_MSG_TOOSHORT]	= EPROTO,
		[NLE_MSGTYPE_NOSUPPORT]	= EPROTO,
		[NLE_OBJ_MISMATCH]	= EINVAL,
		[NLE_NOCACHE]		= ENOENT,
		[NLE_BUSY]		= EBUSY,
		[NLE_PROTO_MISMATCH]	= EPROTONOSUPPORT,
		[NLE_NOACCESS]		= EACCES,
		[NLE_PERM]		= EPERM,
		[NLE_PKTLOC_FILE]	= ENOENT,
		[NLE_PARSE_ERR]		= EPROTO,
		[NLE_NODEV]		= ENODEV,
		[NLE_IMMUTABLE]		= EPERM,
		[NLE_DUMP_INTR]		= EAGAIN,
		[NLE_ATTRSIZE]		= ERANGE,
	};
	unsigned int i = nlerr < 0 ? -nlerr : nlerr;

	if (i == 0)
		return 0;
	if (i >= sizeof(map) / sizeof(map[0]) || !map[i])
		return -EIO;
	return -map[i];
}

void scst_log(const struct scst_ctx *ctx, int priority, const char *file,
	      int line, const char *fn, const char *fmt, ...)
{
	va_list ap;

	if (!ctx || !ctx->log_fn || priority > ctx->log_priority)
		return;
	va_start(ap, fmt);
	ctx->log_fn(ctx->log_data, priority, file, line, fn, fmt, ap);
	va_end(ap);
}

void scst_clear_error(struct scst_ctx *ctx)
{
	ctx->errmsg[0] = '\0';
	ctx->errmsg_kernel = false;
	ctx->err_attr = 0;
}

void scst_set_errmsg(struct scst_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->errmsg, sizeof(ctx->errmsg), fmt, ap);
	va_end(ap);
	ctx->errmsg_kernel = false;
}

int scst_fail(struct scst_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->errmsg, sizeof(ctx->errmsg), fmt, ap);
	va_end(ap);
	ctx->errmsg_kernel = false;
	scst_dbg(ctx, "%s", ctx->errmsg);
	return err;
}

SCST_EXPORT const char *scst_library_version(void)
{
	return SCST_LIB_VERSION;
}

SCST_EXPORT const char *scst_strerror(int err)
{
	if (err == -EPROTONOSUPPORT)
		return "the scst kernel module is not loaded";
	return strerror(err < 0 ? -err : err);
}

SCST_EXPORT const char *scst_ctx_errmsg(const struct scst_ctx *ctx)
{
	return ctx->errmsg;
}

SCST_EXPORT bool scst_ctx_errmsg_from_kernel(const struct scst_ctx *ctx)
{
	return ctx->errmsg_kernel;
}

SCST_EXPORT int scst_ctx_err_attr(const struct scst_ctx *ctx)
{
	return ctx->err_attr;
}

SCST_EXPORT void scst_ctx_set_log_fn(struct scst_ctx *ctx, scst_log_fn fn,
				     void *data)
{
	ctx->log_fn = fn;
	ctx->log_data = data;
}

SCST_EXPORT void scst_ctx_set_log_priority(struct scst_ctx *ctx, int priority)
{
	ctx->log_priority = priority;
}

/* The type of the request attribute that starts at @offs, or 0. */
static int scst_attr_at(const struct nl_msg *msg, uint32_t offs)
{
	struct nlmsghdr *hdr = nlmsg_hdr((struct nl_msg *)msg);
	struct genlmsghdr *ghdr = nlmsg_data(hdr);
	struct nlattr *nla;
	int rem;

	nla_for_each_attr(nla, genlmsg_attrdata(ghdr, 0),
			  genlmsg_attrlen(ghdr, 0), rem) {
		if ((uint32_t)((char *)nla - (char *)hdr) == offs)
			return nla_type(nla);
	}
	return 0;
}

/*
 * Extended-ack TLVs follow the payload at @off of an NLMSG_ERROR or
 * NLMSG_DONE message when the kernel set NLM_F_ACK_TLVS.
 */
static void scst_parse_extack(struct scst_ctx *ctx, struct nlmsghdr *nlh,
			      int off)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	int len = nlmsg_datalen(nlh) - off;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || len <= 0)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlmsg_data(nlh) + off), len,
		      NULL) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG] && nla_len(tb[NLMSGERR_ATTR_MSG]) > 0) {
		nla_strlcpy(ctx->errmsg, tb[NLMSGERR_ATTR_MSG],
			    sizeof(ctx->errmsg));
		ctx->errmsg_kernel = ctx->errmsg[0] != '\0';
	}
	if (tb[NLMSGERR_ATTR_OFFS] && nla_len(tb[NLMSGERR_ATTR_OFFS]) >= 4 &&
	    ctx->req && ctx->req->msg)
		ctx->err_attr = scst_attr_at(ctx->req->msg,
					     nla_get_u32(tb[NLMSGERR_ATTR_OFFS]));
	if (tb[NLMSGERR_ATTR_MISS_TYPE] &&
	    nla_len(tb[NLMSGERR_ATTR_MISS_TYPE]) >= 4)
		ctx->err_attr = nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
}

/* Replies to an earlier, abandoned request must not be taken for ours. */
static int scst_seq_cb(struct nl_msg *msg, void *arg)
{
	struct scst_ctx *ctx = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	if (!ctx->req || nlh->nlmsg_seq != ctx->req->seq) {
		scst_dbg(ctx, "skipping a stale message (seq %u)",
			 nlh->nlmsg_seq);
		return NL_SKIP;
	}
	return NL_OK;
}

static int scst_intr_cb(struct nl_msg *msg, void *arg)
{
	struct scst_ctx *ctx = arg;

	(void)msg;
	ctx->req->intr = true;
	return NL_OK;
}

static int scst_valid_cb(struct nl_msg *msg, void *arg)
{
	struct scst_ctx *ctx = arg;
	struct scst_req *req = ctx->req;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[SCST_A_MAX + 1];
	int err;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		req->intr = true;
	/* Keep reading to the end even after a failure, so no part of the
	 * reply is left behind in the socket. */
	if (!req->parse || req->parse_error)
		return NL_OK;
	err = genlmsg_parse(nlh, 0, tb, SCST_A_MAX, scst_policy);
	if (err < 0) {
		req->parse_error = -EPROTO;
		scst_err(ctx, "malformed reply: %s", nl_geterror(err));
		return NL_OK;
	}
	err = req->parse(ctx, tb, nlh, req->arg);
	if (err)
		req->parse_error = err;
	return NL_OK;
}

static int scst_finish_cb(struct nl_msg *msg, void *arg)
{
	struct scst_ctx *ctx = arg;
	struct scst_req *req = ctx->req;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		req->intr = true;
	if (nlmsg_datalen(nlh) >= (int)sizeof(int)) {
		int err;

		memcpy(&err, nlmsg_data(nlh), sizeof(err));
		if (err < 0) {
			req->error = err;
			scst_parse_extack(ctx, nlh, NLMSG_ALIGN(sizeof(int)));
		}
	}
	req->done = true;
	return NL_STOP;
}

static int scst_ack_cb(struct nl_msg *msg, void *arg)
{
	struct scst_ctx *ctx = arg;

	(void)msg;
	ctx->req->done = true;
	return NL_STOP;
}

static int scst_error_cb(struct sockaddr_nl *nla, struct nlmsgerr *e,
			 void *arg)
{
	struct scst_ctx *ctx = arg;
	/* libnl hands over the payload; the header sits right before it. */
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	int off = sizeof(*e);

	(void)nla;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	ctx->req->error = e->error;
	scst_parse_extack(ctx, nlh, NLMSG_ALIGN(off));
	ctx->req->done = true;
	return NL_STOP;
}

/*
 * What a request was about, to make a sentence of an error the kernel did
 * not explain.
 */
static const struct {
	const char	*what;
	int		name_attr;
} scst_cmd_desc[SCST_CMD_MAX + 1] = {
	[SCST_CMD_GLOBAL_GET]		= { "read the global settings", 0 },
	[SCST_CMD_GLOBAL_SET]		= { "change the global settings", 0 },
	[SCST_CMD_HANDLER_GET]		= { "list handlers", 0 },
	[SCST_CMD_DEVICE_NEW]		= { "create device", SCST_A_DEVICE },
	[SCST_CMD_DEVICE_DEL]		= { "delete device", SCST_A_DEVICE },
	[SCST_CMD_DEVICE_SET]		= { "change device", SCST_A_DEVICE },
	[SCST_CMD_DEVICE_GET]		= { "read device", SCST_A_DEVICE },
	[SCST_CMD_DRIVER_GET]		= { "list drivers", 0 },
	[SCST_CMD_TARGET_NEW]		= { "create target", SCST_A_TARGET },
	[SCST_CMD_TARGET_DEL]		= { "delete target", SCST_A_TARGET },
	[SCST_CMD_TARGET_SET]		= { "change target", SCST_A_TARGET },
	[SCST_CMD_TARGET_GET]		= { "read target", SCST_A_TARGET },
	[SCST_CMD_GROUP_NEW]		= { "create group", SCST_A_GROUP },
	[SCST_CMD_GROUP_DEL]		= { "delete group", SCST_A_GROUP },
	[SCST_CMD_GROUP_GET]		= { "list groups", 0 },
	[SCST_CMD_INITIATOR_ADD]	= { "add initiator", SCST_A_INITIATOR },
	[SCST_CMD_INITIATOR_DEL]	= { "delete initiator", SCST_A_INITIATOR },
	[SCST_CMD_INITIATOR_MOVE]	= { "move initiator", SCST_A_INITIATOR },
	[SCST_CMD_INITIATOR_CLEAR]	= { "clear the initiators of group", SCST_A_GROUP },
	[SCST_CMD_LUN_NEW]		= { "add a LUN to target", SCST_A_TARGET },
	[SCST_CMD_LUN_DEL]		= { "delete a LUN of target", SCST_A_TARGET },
	[SCST_CMD_LUN_REPLACE]		= { "replace a LUN of target", SCST_A_TARGET },
	[SCST_CMD_LUN_CLEAR]		= { "clear the LUNs of target", SCST_A_TARGET },
	[SCST_CMD_LUN_GET]		= { "list LUNs", 0 },
	[SCST_CMD_SESSION_NEW]		= { "create a session on target", SCST_A_TARGET },
	[SCST_CMD_SESSION_DEL]		= { "delete session", SCST_A_SESSION },
	[SCST_CMD_SESSION_GET]		= { "list sessions", 0 },
	[SCST_CMD_CLEANUP_GET]		= { "list cleanups", 0 },
	[SCST_CMD_CLEANUP_RELEASE]	= { "release cleanups", 0 },
	[SCST_CMD_DRIVER_SET]		= { "change driver", SCST_A_DRIVER },
};

static void scst_explain(struct scst_ctx *ctx, const struct nl_msg *msg,
			 int err)
{
	struct nlmsghdr *hdr = nlmsg_hdr((struct nl_msg *)msg);
	struct genlmsghdr *ghdr = nlmsg_data(hdr);
	const char *what = NULL, *name = NULL;
	struct nlattr *nla;
	int rem;

	if (ghdr->cmd <= SCST_CMD_MAX)
		what = scst_cmd_desc[ghdr->cmd].what;
	if (!what)
		what = "carry out the request";
	if (ghdr->cmd <= SCST_CMD_MAX && scst_cmd_desc[ghdr->cmd].name_attr) {
		nla_for_each_attr(nla, genlmsg_attrdata(ghdr, 0),
				  genlmsg_attrlen(ghdr, 0), rem) {
			if (nla_type(nla) == scst_cmd_desc[ghdr->cmd].name_attr) {
				name = nla_data(nla);
				break;
			}
		}
	}
	if (name)
		scst_set_errmsg(ctx, "cannot %s '%.*s': %s", what,
				SCST_NAME_MAX, name, strerror(-err));
	else
		scst_set_errmsg(ctx, "cannot %s: %s", what, strerror(-err));
}

/*
 * Send @msg (consumed) and read every message of the answer: an ack, an
 * error, a reply followed by an ack, or the parts of a dump up to
 * NLMSG_DONE. The outcome is in @req.
 */
static int scst_run(struct scst_ctx *ctx, struct nl_msg *msg,
		    struct scst_req *req)
{
	int ret, err = 0;

	scst_clear_error(ctx);
	req->msg = msg;
	ret = nl_send_auto(ctx->sk, msg);
	if (ret < 0) {
		err = scst_nl_errno(ret);
		scst_set_errmsg(ctx, "cannot send the request: %s",
				strerror(-err));
		goto out;
	}
	req->seq = nlmsg_hdr(msg)->nlmsg_seq;
	ctx->req = req;
	while (!req->done) {
		ret = nl_recvmsgs(ctx->sk, ctx->cb);
		if (ret < 0 && !req->done) {
			err = scst_nl_errno(ret);
			scst_set_errmsg(ctx, "cannot read the kernel's answer: %s",
					strerror(-err));
			break;
		}
	}
	ctx->req = NULL;
	if (!err && req->error) {
		err = req->error;
		if (!ctx->errmsg_kernel)
			scst_explain(ctx, msg, err);
	}
	if (!err && req->parse_error) {
		err = req->parse_error;
		if (!ctx->errmsg[0])
			scst_set_errmsg(ctx, "cannot read the kernel's answer: %s",
					strerror(-err));
	}
out:
	req->msg = NULL;
	nlmsg_free(msg);
	return err;
}

int scst_request(struct scst_ctx *ctx, struct nl_msg *msg,
		 scst_parse_fn parse, void *arg)
{
	struct scst_req req = { .parse = parse, .arg = arg };

	return scst_run(ctx, msg, &req);
}

int scst_dump(struct scst_ctx *ctx, uint8_t cmd, scst_build_fn build,
	      const void *build_arg, scst_parse_fn parse,
	      scst_reset_fn reset, void *arg)
{
	int attempt, err;

	for (attempt = 0; attempt < SCST_DUMP_RETRIES; attempt++) {
		struct scst_req req = { .parse = parse, .arg = arg };
		struct nl_msg *msg;

		msg = scst_msg_new(ctx, cmd, NLM_F_DUMP);
		if (!msg)
			return -ENOMEM;
		if (build) {
			err = build(msg, build_arg);
			if (err) {
				nlmsg_free(msg);
				return scst_fail(ctx, err,
						 "cannot build the request: %s",
						 strerror(-err));
			}
		}
		err = scst_run(ctx, msg, &req);
		if (err)
			return err;
		if (!req.intr)
			return 0;
		scst_dbg(ctx, "listing torn by a concurrent change, retrying");
		if (reset)
			reset(arg);
	}
	return scst_fail(ctx, -EAGAIN,
			 "the configuration kept changing while it was listed; try again");
}

struct nl_msg *scst_msg_new(struct scst_ctx *ctx, uint8_t cmd, int flags)
{
	struct nl_msg *msg;

	/* Room for a full path name and every attribute of a device. */
	msg = nlmsg_alloc_size(16384);
	if (!msg) {
		scst_set_errmsg(ctx, "out of memory");
		return NULL;
	}
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, ctx->family, 0,
			 flags, cmd, SCST_FAMILY_VERSION)) {
		nlmsg_free(msg);
		scst_set_errmsg(ctx, "out of memory");
		return NULL;
	}
	return msg;
}

SCST_EXPORT int scst_ctx_new(struct scst_ctx **ctxp)
{
	struct scst_ctx *ctx;
	int one = 1;
	int err;

	*ctxp = NULL;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->log_priority = LOG_ERR;

	ctx->sk = nl_socket_alloc();
	if (!ctx->sk) {
		err = -ENOMEM;
		goto err_free;
	}
	err = genl_connect(ctx->sk);
	if (err < 0) {
		err = scst_nl_errno(err);
		goto err_free;
	}
	/*
	 * Extended acks carry the kernel's explanation of an error; capped
	 * acks spare echoing our request back. Kernels without them still
	 * work, with less precise messages.
	 */
	setsockopt(nl_socket_get_fd(ctx->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(ctx->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));

	ctx->family = genl_ctrl_resolve(ctx->sk, SCST_FAMILY_NAME);
	if (ctx->family < 0) {
		err = scst_nl_errno(ctx->family);
		/* No such family: the module is not loaded (and could not be). */
		if (err == -ENOENT)
			err = -EPROTONOSUPPORT;
		goto err_free;
	}

	ctx->cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!ctx->cb) {
		err = -ENOMEM;
		goto err_free;
	}
	nl_cb_set(ctx->cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, scst_seq_cb, ctx);
	nl_cb_set(ctx->cb, NL_CB_VALID, NL_CB_CUSTOM, scst_valid_cb, ctx);
	nl_cb_set(ctx->cb, NL_CB_FINISH, NL_CB_CUSTOM, scst_finish_cb, ctx);
	nl_cb_set(ctx->cb, NL_CB_ACK, NL_CB_CUSTOM, scst_ack_cb, ctx);
	nl_cb_set(ctx->cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, scst_intr_cb, ctx);
	nl_cb_err(ctx->cb, NL_CB_CUSTOM, scst_error_cb, ctx);

	*ctxp = ctx;
	return 0;

err_free:
	scst_ctx_free(ctx);
	return err;
}

SCST_EXPORT void scst_ctx_free(struct scst_ctx *ctx)
{
	if (!ctx)
		return;
	if (ctx->cb)
		nl_cb_put(ctx->cb);
	if (ctx->sk)
		nl_socket_free(ctx->sk);
	free(ctx);
}

/*
 * A request carrying string attributes given as (type, value) pairs ending
 * with type 0; a NULL value is left out.
 */
int scst_msg_strs(struct scst_ctx *ctx, uint8_t cmd, int flags,
		  struct nl_msg **msgp, ...)
{
	struct nl_msg *msg;
	va_list ap;
	int type;

	*msgp = NULL;
	msg = scst_msg_new(ctx, cmd, flags);
	if (!msg)
		return -ENOMEM;
	va_start(ap, msgp);
	while ((type = va_arg(ap, int)) != 0) {
		const char *s = va_arg(ap, const char *);

		if (s && nla_put_string(msg, type, s) < 0) {
			va_end(ap);
			nlmsg_free(msg);
			return scst_fail(ctx, -EMSGSIZE, "a name is too long");
		}
	}
	va_end(ap);
	*msgp = msg;
	return 0;
}

int scst_need(struct scst_ctx *ctx, const char *name, const char *what)
{
	if (!name || !*name)
		return scst_fail(ctx, -EINVAL, "a %s name is needed", what);
	if (strlen(name) >= SCST_NAME_MAX)
		return scst_fail(ctx, -ENAMETOOLONG,
				 "the %s name is longer than %d bytes", what,
				 SCST_NAME_MAX - 1);
	return 0;
}
