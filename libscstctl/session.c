// SPDX-License-Identifier: LGPL-2.1-or-later
/* Sessions. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libscstctl-internal.h"

static void scst_session_free(void *obj)
{
	struct scst_session *s = obj;

	if (!s)
		return;
	free(s->target);
	free(s->name);
	free(s->initiator);
	free(s->group);
	scst_strv_free(s->params);
	free(s->transport_id);
	free(s);
}

static int scst_session_from_tb(struct nlattr **tb, struct nlmsghdr *nlh,
				void **out)
{
	struct scst_session *s;
	int err = -ENOMEM;

	if (!tb[SCST_A_TARGET] || !tb[SCST_A_SESSION])
		return -EPROTO;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->target = scst_attr_strdup(tb[SCST_A_TARGET]);
	s->name = scst_attr_strdup(tb[SCST_A_SESSION]);
	if (!s->target || !s->name)
		goto err;
	err = scst_dup_opt(tb, SCST_A_INITIATOR, &s->initiator);
	if (!err)
		err = scst_dup_opt(tb, SCST_A_GROUP, &s->group);
	if (!err)
		err = scst_collect_strings(nlh, SCST_A_SESSION_PARAM, &s->params);
	if (err)
		goto err;
	if (tb[SCST_A_CMDS_INFLIGHT])
		s->cmds_inflight = nla_get_u32(tb[SCST_A_CMDS_INFLIGHT]);
	if (tb[SCST_A_TASK_SET_FULL])
		s->task_set_full = nla_get_u64(tb[SCST_A_TASK_SET_FULL]);
	s->scsi_host = tb[SCST_A_SCSI_HOST] ?
		(int64_t)nla_get_u32(tb[SCST_A_SCSI_HOST]) : -1;
	if (tb[SCST_A_TRANSPORT_ID] && nla_len(tb[SCST_A_TRANSPORT_ID]) > 0) {
		s->transport_id_len = nla_len(tb[SCST_A_TRANSPORT_ID]);
		s->transport_id = malloc(s->transport_id_len);
		if (!s->transport_id) {
			err = -ENOMEM;
			goto err;
		}
		memcpy(s->transport_id, nla_data(tb[SCST_A_TRANSPORT_ID]),
		       s->transport_id_len);
	}
	*out = s;
	return 0;
err:
	scst_session_free(s);
	return err;
}

SCST_EXPORT int scst_session_add(struct scst_ctx *ctx, const char *target,
				 const char *initiator, const char *name)
{
	struct nl_msg *msg;
	int err;

	err = scst_need(ctx, target, "target");
	if (!err)
		err = scst_need(ctx, initiator, "initiator");
	if (!err && name)
		err = scst_need(ctx, name, "session");
	if (!err)
		err = scst_msg_strs(ctx, SCST_CMD_SESSION_NEW, 0, &msg,
				    SCST_A_TARGET, target,
				    SCST_A_INITIATOR, initiator,
				    SCST_A_SESSION, name, 0);
	if (err)
		return err;
	return scst_request(ctx, msg, NULL, NULL);
}

SCST_EXPORT int scst_session_del(struct scst_ctx *ctx, const char *target,
				 const char *name)
{
	struct nl_msg *msg;
	int err;

	err = scst_need(ctx, target, "target");
	if (!err)
		err = scst_need(ctx, name, "session");
	if (!err)
		err = scst_msg_strs(ctx, SCST_CMD_SESSION_DEL, 0, &msg,
				    SCST_A_TARGET, target,
				    SCST_A_SESSION, name, 0);
	if (err)
		return err;
	return scst_request(ctx, msg, NULL, NULL);
}

SCST_EXPORT int scst_session_list(struct scst_ctx *ctx, const char *target,
				  struct scst_session ***sessionsp)
{
	struct scst_filter f = { .target = target };

	return scst_list(ctx, SCST_CMD_SESSION_GET, scst_filter_build, &f,
			 scst_session_from_tb, scst_session_free,
			 (void ***)sessionsp);
}

SCST_EXPORT void scst_session_list_free(struct scst_session **sessions)
{
	scst_array_free((void **)sessions, scst_session_free);
}
