// SPDX-License-Identifier: LGPL-2.1-or-later
/* LUNs, LUN replace and the cleanups it leaves behind. */
#include <errno.h>
#include <stdlib.h>

#include "libscstctl-internal.h"

static void scst_lun_free(void *obj)
{
	struct scst_lun *l = obj;

	if (!l)
		return;
	free(l->target);
	free(l->group);
	free(l->device);
	free(l);
}

static int scst_lun_from_tb(struct nlattr **tb, struct nlmsghdr *nlh,
			    void **out)
{
	struct scst_lun *l;
	int err = -ENOMEM;

	(void)nlh;
	if (!tb[SCST_A_TARGET] || !tb[SCST_A_LUN])
		return -EPROTO;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->target = scst_attr_strdup(tb[SCST_A_TARGET]);
	if (!l->target)
		goto err;
	err = scst_dup_opt(tb, SCST_A_GROUP, &l->group);
	if (!err)
		err = scst_dup_opt(tb, SCST_A_DEVICE, &l->device);
	if (err)
		goto err;
	l->lun = nla_get_u32(tb[SCST_A_LUN]);
	if (tb[SCST_A_LUN_READ_ONLY])
		l->read_only = !!nla_get_u8(tb[SCST_A_LUN_READ_ONLY]);
	*out = l;
	return 0;
err:
	scst_lun_free(l);
	return err;
}

/* A request naming a LUN: target [+ group] + number [+ device]. */
static int scst_lun_msg(struct scst_ctx *ctx, uint8_t cmd, const char *target,
			const char *group, uint32_t lun, const char *device,
			struct nl_msg **msgp)
{
	int err;

	err = scst_need(ctx, target, "target");
	if (!err && group)
		err = scst_need(ctx, group, "group");
	if (!err && cmd != SCST_CMD_LUN_DEL)
		err = scst_need(ctx, device, "device");
	if (err)
		return err;
	if (lun > SCST_LUN_MAX)
		return scst_fail(ctx, -ERANGE, "LUN %u is above %u", lun,
				 SCST_LUN_MAX);
	err = scst_msg_strs(ctx, cmd, 0, msgp, SCST_A_TARGET, target,
			    SCST_A_GROUP, group, SCST_A_DEVICE, device, 0);
	if (err)
		return err;
	if (nla_put_u32(*msgp, SCST_A_LUN, lun) < 0) {
		nlmsg_free(*msgp);
		*msgp = NULL;
		return scst_fail(ctx, -EMSGSIZE, "the request is too large");
	}
	return 0;
}

SCST_EXPORT int scst_lun_add(struct scst_ctx *ctx, const char *target,
			     const char *group, uint32_t lun,
			     const char *device, bool read_only)
{
	struct nl_msg *msg;
	int err;

	err = scst_lun_msg(ctx, SCST_CMD_LUN_NEW, target, group, lun, device,
			   &msg);
	if (err)
		return err;
	if (nla_put_u8(msg, SCST_A_LUN_READ_ONLY, read_only) < 0) {
		nlmsg_free(msg);
		return scst_fail(ctx, -EMSGSIZE, "the request is too large");
	}
	return scst_request(ctx, msg, NULL, NULL);
}

SCST_EXPORT int scst_lun_del(struct scst_ctx *ctx, const char *target,
			     const char *group, uint32_t lun)
{
	struct nl_msg *msg;
	int err;

	err = scst_lun_msg(ctx, SCST_CMD_LUN_DEL, target, group, lun, NULL,
			   &msg);
	if (err)
		return err;
	return scst_request(ctx, msg, NULL, NULL);
}

struct scst_replace_reply {
	uint64_t	cleanup_id;
	bool		sync_fallback;
};

static int scst_replace_parse(struct scst_ctx *ctx, struct nlattr **tb,
			      struct nlmsghdr *nlh, void *arg)
{
	struct scst_replace_reply *r = arg;

	(void)ctx;
	(void)nlh;
	if (tb[SCST_A_CLEANUP_ID])
		r->cleanup_id = nla_get_u64(tb[SCST_A_CLEANUP_ID]);
	if (tb[SCST_A_SYNC_FALLBACK])
		r->sync_fallback = true;
	return 0;
}

SCST_EXPORT int scst_lun_replace(struct scst_ctx *ctx, const char *target,
				 const char *group, uint32_t lun,
				 const char *device, unsigned int flags,
				 uint64_t *cleanup_id, bool *sync_fallback)
{
	const unsigned int known = SCST_REPLACE_ASYNC | SCST_REPLACE_PARK |
				   SCST_REPLACE_NO_UA;
	struct scst_replace_reply reply = { 0 };
	struct nl_msg *msg;
	uint32_t wire = 0;
	int err;

	if (cleanup_id)
		*cleanup_id = 0;
	if (sync_fallback)
		*sync_fallback = false;
	if (flags & ~known)
		return scst_fail(ctx, -EINVAL, "unknown LUN replace flags 0x%x",
				 flags & ~known);
	/* The library's names are its own ABI; the wire bits are the uapi's. */
	if (flags & SCST_REPLACE_ASYNC)
		wire |= SCST_REPLACE_F_ASYNC;
	if (flags & SCST_REPLACE_PARK)
		wire |= SCST_REPLACE_F_PARK;
	if (flags & SCST_REPLACE_NO_UA)
		wire |= SCST_REPLACE_F_NO_UA;

	err = scst_lun_msg(ctx, SCST_CMD_LUN_REPLACE, target, group, lun,
			   device, &msg);
	if (err)
		return err;
	/* Without flags the kernel's global settings decide. */
	if (wire && nla_put_u32(msg, SCST_A_REPLACE_FLAGS, wire) < 0) {
		nlmsg_free(msg);
		return scst_fail(ctx, -EMSGSIZE, "the request is too large");
	}
	err = scst_request(ctx, msg, scst_replace_parse, &reply);
	if (err)
		return err;
	if (cleanup_id)
		*cleanup_id = reply.cleanup_id;
	if (sync_fallback)
		*sync_fallback = reply.sync_fallback;
	return 0;
}

SCST_EXPORT int scst_lun_clear(struct scst_ctx *ctx, const char *target,
			       const char *group)
{
	struct nl_msg *msg;
	int err;

	err = scst_need(ctx, target, "target");
	if (!err && group)
		err = scst_need(ctx, group, "group");
	if (!err)
		err = scst_msg_strs(ctx, SCST_CMD_LUN_CLEAR, 0, &msg,
				    SCST_A_TARGET, target,
				    SCST_A_GROUP, group, 0);
	if (err)
		return err;
	return scst_request(ctx, msg, NULL, NULL);
}

SCST_EXPORT int scst_lun_list(struct scst_ctx *ctx, const char *target,
			      const char *group, struct scst_lun ***lunsp)
{
	struct scst_filter f = { .target = target, .group = group };

	return scst_list(ctx, SCST_CMD_LUN_GET, scst_filter_build, &f,
			 scst_lun_from_tb, scst_lun_free, (void ***)lunsp);
}

SCST_EXPORT void scst_lun_list_free(struct scst_lun **luns)
{
	scst_array_free((void **)luns, scst_lun_free);
}

/* Cleanups */

static void scst_cleanup_free(void *obj)
{
	struct scst_cleanup *c = obj;

	if (!c)
		return;
	free(c->target);
	free(c->group);
	free(c->old_device);
	free(c->device);
	free(c);
}

static int scst_cleanup_from_tb(struct nlattr **tb, struct nlmsghdr *nlh,
				void **out)
{
	struct scst_cleanup *c;
	int err;

	(void)nlh;
	if (!tb[SCST_A_CLEANUP_ID])
		return -EPROTO;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->id = nla_get_u64(tb[SCST_A_CLEANUP_ID]);
	err = scst_dup_opt(tb, SCST_A_TARGET, &c->target);
	if (!err)
		err = scst_dup_opt(tb, SCST_A_GROUP, &c->group);
	if (!err)
		err = scst_dup_opt(tb, SCST_A_OLD_DEVICE, &c->old_device);
	if (!err)
		err = scst_dup_opt(tb, SCST_A_DEVICE, &c->device);
	if (err) {
		scst_cleanup_free(c);
		return err;
	}
	if (tb[SCST_A_LUN])
		c->lun = nla_get_u32(tb[SCST_A_LUN]);
	if (tb[SCST_A_CLEANUP_STATE])
		c->state = nla_get_u8(tb[SCST_A_CLEANUP_STATE]);
	if (tb[SCST_A_CMDS_INFLIGHT])
		c->cmds_inflight = nla_get_u32(tb[SCST_A_CMDS_INFLIGHT]);
	if (tb[SCST_A_CLEANUP_AGE_MS])
		c->age_ms = nla_get_u64(tb[SCST_A_CLEANUP_AGE_MS]);
	if (tb[SCST_A_CLEANUP_DRAINED]) {
		c->drained = true;
		c->nr_drained = nla_get_u32(tb[SCST_A_CLEANUP_DRAINED]);
	}
	if (tb[SCST_A_CLEANUP_DRAIN_MS])
		c->drain_ms = nla_get_u64(tb[SCST_A_CLEANUP_DRAIN_MS]);
	*out = c;
	return 0;
}

SCST_EXPORT int scst_cleanup_list(struct scst_ctx *ctx,
				  struct scst_cleanup ***cleanupsp)
{
	return scst_list(ctx, SCST_CMD_CLEANUP_GET, NULL, NULL,
			 scst_cleanup_from_tb, scst_cleanup_free,
			 (void ***)cleanupsp);
}

SCST_EXPORT void scst_cleanup_list_free(struct scst_cleanup **cleanups)
{
	scst_array_free((void **)cleanups, scst_cleanup_free);
}

SCST_EXPORT int scst_cleanup_release(struct scst_ctx *ctx, uint64_t id)
{
	struct nl_msg *msg;

	msg = scst_msg_new(ctx, SCST_CMD_CLEANUP_RELEASE, 0);
	if (!msg)
		return -ENOMEM;
	if (nla_put_u64(msg, SCST_A_CLEANUP_ID, id) < 0) {
		nlmsg_free(msg);
		return scst_fail(ctx, -EMSGSIZE, "the request is too large");
	}
	return scst_request(ctx, msg, NULL, NULL);
}

SCST_EXPORT int scst_cleanup_release_all(struct scst_ctx *ctx)
{
	struct nl_msg *msg;

	msg = scst_msg_new(ctx, SCST_CMD_CLEANUP_RELEASE, 0);
	if (!msg)
		return -ENOMEM;
	if (nla_put_flag(msg, SCST_A_CLEANUP_ALL) < 0) {
		nlmsg_free(msg);
		return scst_fail(ctx, -EMSGSIZE, "the request is too large");
	}
	return scst_request(ctx, msg, NULL, NULL);
}
