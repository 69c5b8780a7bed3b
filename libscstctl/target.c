// SPDX-License-Identifier: LGPL-2.1-or-later
/* Targets, access-control groups and initiator patterns. */
#include <errno.h>
#include <stdlib.h>

#include "libscstctl-internal.h"

SCST_EXPORT void scst_target_free(struct scst_target *target)
{
	if (!target)
		return;
	free(target->name);
	free(target->driver);
	scst_strv_free(target->params);
	free(target);
}

static void scst_target_free_obj(void *obj)
{
	scst_target_free(obj);
}

static int scst_target_from_tb(struct nlattr **tb, struct nlmsghdr *nlh,
			       void **out)
{
	struct scst_target *t;
	int err = -ENOMEM;

	if (!tb[SCST_A_TARGET])
		return -EPROTO;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->name = scst_attr_strdup(tb[SCST_A_TARGET]);
	if (!t->name)
		goto err;
	err = scst_dup_opt(tb, SCST_A_DRIVER, &t->driver);
	if (!err)
		err = scst_collect_strings(nlh, SCST_A_TARGET_PARAM, &t->params);
	if (err)
		goto err;
	if (tb[SCST_A_TARGET_ENABLED])
		t->enabled = !!nla_get_u8(tb[SCST_A_TARGET_ENABLED]);
	if (tb[SCST_A_REL_TGT_ID])
		t->rel_tgt_id = nla_get_u32(tb[SCST_A_REL_TGT_ID]);
	if (tb[SCST_A_NR_SESSIONS])
		t->nr_sessions = nla_get_u32(tb[SCST_A_NR_SESSIONS]);
	*out = t;
	return 0;
err:
	scst_target_free(t);
	return err;
}

SCST_EXPORT int scst_target_add(struct scst_ctx *ctx, const char *name,
				const char *driver)
{
	struct nl_msg *msg;
	int err;

	err = scst_need(ctx, name, "target");
	if (!err)
		err = scst_need(ctx, driver, "driver");
	if (!err)
		err = scst_msg_strs(ctx, SCST_CMD_TARGET_NEW, 0, &msg,
				    SCST_A_DRIVER, driver,
				    SCST_A_TARGET, name, 0);
	if (err)
		return err;
	return scst_request(ctx, msg, NULL, NULL);
}

SCST_EXPORT int scst_target_del(struct scst_ctx *ctx, const char *name)
{
	struct nl_msg *msg;
	int err;

	err = scst_need(ctx, name, "target");
	if (!err)
		err = scst_msg_strs(ctx, SCST_CMD_TARGET_DEL, 0, &msg,
				    SCST_A_TARGET, name, 0);
	if (err)
		return err;
	return scst_request(ctx, msg, NULL, NULL);
}

/* A TARGET_SET request for target @name, in *@msgp. */
static int scst_target_set_msg(struct scst_ctx *ctx, const char *name,
			       struct nl_msg **msgp)
{
	int err = scst_need(ctx, name, "target");

	if (err)
		return err;
	return scst_msg_strs(ctx, SCST_CMD_TARGET_SET, 0, msgp,
			     SCST_A_TARGET, name, 0);
}

SCST_EXPORT int scst_target_enable(struct scst_ctx *ctx, const char *name,
				   bool enabled)
{
	struct nl_msg *msg;
	int err;

	err = scst_target_set_msg(ctx, name, &msg);
	if (err)
		return err;
	if (nla_put_u8(msg, SCST_A_TARGET_ENABLED, enabled) < 0) {
		nlmsg_free(msg);
		return scst_fail(ctx, -EMSGSIZE, "the request is too large");
	}
	return scst_request(ctx, msg, NULL, NULL);
}

SCST_EXPORT int scst_target_set_params(struct scst_ctx *ctx, const char *name,
				       const char *const *params)
{
	struct nl_msg *msg;
	int err;

	err = scst_target_set_msg(ctx, name, &msg);
	if (!err)
		err = scst_params_put(ctx, msg, SCST_A_TARGET_PARAM, params);
	if (err)
		return err;
	return scst_request(ctx, msg, NULL, NULL);
}

SCST_EXPORT int scst_target_get(struct scst_ctx *ctx, const char *name,
				struct scst_target **targetp)
{
	struct nl_msg *msg;
	int err;

	*targetp = NULL;
	err = scst_need(ctx, name, "target");
	if (!err)
		err = scst_msg_strs(ctx, SCST_CMD_TARGET_GET, 0, &msg,
				    SCST_A_TARGET, name, 0);
	if (err)
		return err;
	return scst_get_one(ctx, msg, scst_target_from_tb,
			    scst_target_free_obj, (void **)targetp);
}

SCST_EXPORT int scst_target_list(struct scst_ctx *ctx,
				 struct scst_target ***targetsp)
{
	return scst_list(ctx, SCST_CMD_TARGET_GET, NULL, NULL,
			 scst_target_from_tb, scst_target_free_obj,
			 (void ***)targetsp);
}

SCST_EXPORT void scst_target_list_free(struct scst_target **targets)
{
	scst_array_free((void **)targets, scst_target_free_obj);
}

/* Groups */

static void scst_group_free(void *obj)
{
	struct scst_group *g = obj;

	if (!g)
		return;
	free(g->target);
	free(g->name);
	scst_strv_free(g->initiators);
	free(g);
}

static int scst_group_from_tb(struct nlattr **tb, struct nlmsghdr *nlh,
			      void **out)
{
	struct scst_group *g;
	int err = -ENOMEM;

	if (!tb[SCST_A_TARGET] || !tb[SCST_A_GROUP])
		return -EPROTO;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->target = scst_attr_strdup(tb[SCST_A_TARGET]);
	g->name = scst_attr_strdup(tb[SCST_A_GROUP]);
	if (!g->target || !g->name)
		goto err;
	err = scst_collect_strings(nlh, SCST_A_INITIATOR, &g->initiators);
	if (err)
		goto err;
	*out = g;
	return 0;
err:
	scst_group_free(g);
	return err;
}

static int scst_group_msg(struct scst_ctx *ctx, uint8_t cmd,
			  const char *target, const char *group,
			  struct nl_msg **msgp)
{
	int err;

	err = scst_need(ctx, target, "target");
	if (!err)
		err = scst_need(ctx, group, "group");
	if (!err)
		err = scst_msg_strs(ctx, cmd, 0, msgp, SCST_A_TARGET, target,
				    SCST_A_GROUP, group, 0);
	return err;
}

SCST_EXPORT int scst_group_add(struct scst_ctx *ctx, const char *target,
			       const char *group)
{
	struct nl_msg *msg;
	int err;

	err = scst_group_msg(ctx, SCST_CMD_GROUP_NEW, target, group, &msg);
	if (err)
		return err;
	return scst_request(ctx, msg, NULL, NULL);
}

SCST_EXPORT int scst_group_del(struct scst_ctx *ctx, const char *target,
			       const char *group)
{
	struct nl_msg *msg;
	int err;

	err = scst_group_msg(ctx, SCST_CMD_GROUP_DEL, target, group, &msg);
	if (err)
		return err;
	return scst_request(ctx, msg, NULL, NULL);
}

SCST_EXPORT int scst_group_list(struct scst_ctx *ctx, const char *target,
				struct scst_group ***groupsp)
{
	struct scst_filter f = { .target = target };

	return scst_list(ctx, SCST_CMD_GROUP_GET, scst_filter_build, &f,
			 scst_group_from_tb, scst_group_free,
			 (void ***)groupsp);
}

SCST_EXPORT void scst_group_list_free(struct scst_group **groups)
{
	scst_array_free((void **)groups, scst_group_free);
}

/* Initiators */

static int scst_initiator_request(struct scst_ctx *ctx, uint8_t cmd,
				  const char *target, const char *group,
				  const char *pattern, const char *new_group)
{
	struct nl_msg *msg;
	int err;

	err = scst_need(ctx, target, "target");
	if (!err)
		err = scst_need(ctx, group, "group");
	if (!err && cmd != SCST_CMD_INITIATOR_CLEAR)
		err = scst_need(ctx, pattern, "initiator");
	if (!err && cmd == SCST_CMD_INITIATOR_MOVE)
		err = scst_need(ctx, new_group, "new group");
	if (!err)
		err = scst_msg_strs(ctx, cmd, 0, &msg, SCST_A_TARGET, target,
				    SCST_A_GROUP, group,
				    SCST_A_INITIATOR, pattern,
				    SCST_A_NEW_GROUP, new_group, 0);
	if (err)
		return err;
	return scst_request(ctx, msg, NULL, NULL);
}

SCST_EXPORT int scst_initiator_add(struct scst_ctx *ctx, const char *target,
				   const char *group, const char *pattern)
{
	return scst_initiator_request(ctx, SCST_CMD_INITIATOR_ADD, target,
				      group, pattern, NULL);
}

SCST_EXPORT int scst_initiator_del(struct scst_ctx *ctx, const char *target,
				   const char *group, const char *pattern)
{
	return scst_initiator_request(ctx, SCST_CMD_INITIATOR_DEL, target,
				      group, pattern, NULL);
}

SCST_EXPORT int scst_initiator_move(struct scst_ctx *ctx, const char *target,
				    const char *group, const char *pattern,
				    const char *new_group)
{
	return scst_initiator_request(ctx, SCST_CMD_INITIATOR_MOVE, target,
				      group, pattern, new_group);
}

SCST_EXPORT int scst_initiator_clear(struct scst_ctx *ctx, const char *target,
				     const char *group)
{
	return scst_initiator_request(ctx, SCST_CMD_INITIATOR_CLEAR, target,
				      group, NULL, NULL);
}
