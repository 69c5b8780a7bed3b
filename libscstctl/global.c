// SPDX-License-Identifier: LGPL-2.1-or-later
/* Global settings. */
#include <errno.h>
#include <stdlib.h>

#include "libscstctl-internal.h"

static int scst_global_parse(struct scst_ctx *ctx, struct nlattr **tb,
			     struct nlmsghdr *nlh, void *arg)
{
	struct scst_global *g = arg;

	(void)ctx;
	(void)nlh;
	if (tb[SCST_A_VERSION] && !g->version) {
		g->version = scst_attr_strdup(tb[SCST_A_VERSION]);
		if (!g->version)
			return -ENOMEM;
		g->mask |= SCST_GLOBAL_VERSION;
	}
	if (tb[SCST_A_GENERATION]) {
		g->generation = nla_get_u32(tb[SCST_A_GENERATION]);
		g->mask |= SCST_GLOBAL_GENERATION;
	}
	if (tb[SCST_A_ASYNC_LUN_REPLACE]) {
		g->async_lun_replace = !!nla_get_u8(tb[SCST_A_ASYNC_LUN_REPLACE]);
		g->mask |= SCST_GLOBAL_ASYNC_LUN_REPLACE;
	}
	if (tb[SCST_A_PARK_LUN_REPLACE]) {
		g->park_lun_replace = !!nla_get_u8(tb[SCST_A_PARK_LUN_REPLACE]);
		g->mask |= SCST_GLOBAL_PARK_LUN_REPLACE;
	}
	if (tb[SCST_A_LUN_QUEUE_DEPTH]) {
		g->lun_queue_depth = nla_get_u32(tb[SCST_A_LUN_QUEUE_DEPTH]);
		g->mask |= SCST_GLOBAL_LUN_QUEUE_DEPTH;
	}
	return 0;
}

SCST_EXPORT int scst_global_get(struct scst_ctx *ctx,
				struct scst_global **globalp)
{
	struct scst_global *g;
	struct nl_msg *msg;
	int err;

	*globalp = NULL;
	g = calloc(1, sizeof(*g));
	if (!g)
		return scst_fail(ctx, -ENOMEM, "out of memory");
	msg = scst_msg_new(ctx, SCST_CMD_GLOBAL_GET, 0);
	if (!msg) {
		free(g);
		return -ENOMEM;
	}
	err = scst_request(ctx, msg, scst_global_parse, g);
	if (err) {
		scst_global_free(g);
		return err;
	}
	*globalp = g;
	return 0;
}

SCST_EXPORT void scst_global_free(struct scst_global *global)
{
	if (!global)
		return;
	free(global->version);
	free(global);
}

SCST_EXPORT int scst_global_set(struct scst_ctx *ctx,
				const struct scst_global *global)
{
	const uint32_t settable = SCST_GLOBAL_ASYNC_LUN_REPLACE |
				  SCST_GLOBAL_PARK_LUN_REPLACE |
				  SCST_GLOBAL_LUN_QUEUE_DEPTH;
	struct nl_msg *msg;
	int ret = 0;

	if (!(global->mask & settable))
		return scst_fail(ctx, -EINVAL, "no global setting to change");
	msg = scst_msg_new(ctx, SCST_CMD_GLOBAL_SET, 0);
	if (!msg)
		return -ENOMEM;
	if (global->mask & SCST_GLOBAL_ASYNC_LUN_REPLACE)
		ret = nla_put_u8(msg, SCST_A_ASYNC_LUN_REPLACE,
				 global->async_lun_replace);
	if (!ret && (global->mask & SCST_GLOBAL_PARK_LUN_REPLACE))
		ret = nla_put_u8(msg, SCST_A_PARK_LUN_REPLACE,
				 global->park_lun_replace);
	if (!ret && (global->mask & SCST_GLOBAL_LUN_QUEUE_DEPTH))
		ret = nla_put_u32(msg, SCST_A_LUN_QUEUE_DEPTH,
				  global->lun_queue_depth);
	if (ret < 0) {
		nlmsg_free(msg);
		return scst_fail(ctx, -EMSGSIZE, "the request is too large");
	}
	return scst_request(ctx, msg, NULL, NULL);
}
