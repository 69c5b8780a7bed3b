// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Events: a second socket, joined to the family's "events" multicast
 * group, that the caller polls. Each datagram is parsed into queued
 * struct scst_event and handed out one at a time.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netlink/genl/ctrl.h>

#include "libscstctl-internal.h"

struct scst_events {
	struct scst_ctx		*ctx;
	struct nl_sock		*sk;
	struct nl_cb		*cb;
	/* Parsed, not yet handed out; @head is the next to hand out. */
	struct scst_vec		queue;
	size_t			head;
	/* Handed out last; freed by the next scst_event_read(). */
	struct scst_event	*cur;
	int			parse_error;
};

static void scst_event_free(void *obj)
{
	struct scst_event *ev = obj;

	if (!ev)
		return;
	free((void *)ev->handler);
	free((void *)ev->device);
	free((void *)ev->driver);
	free((void *)ev->target);
	free((void *)ev->group);
	free((void *)ev->initiator);
	free((void *)ev->new_group);
	free((void *)ev->session);
	free((void *)ev->old_device);
	free(ev);
}

static int scst_event_str(struct nlattr **tb, int type, const char **out)
{
	char *s;
	int err = scst_dup_opt(tb, type, &s);

	*out = s;
	return err;
}

static int scst_event_from_msg(struct nlmsghdr *nlh, struct scst_event **out)
{
	static const struct {
		int	type;
		size_t	off;
	} strs[] = {
		{ SCST_A_HANDLER, offsetof(struct scst_event, handler) },
		{ SCST_A_DEVICE, offsetof(struct scst_event, device) },
		{ SCST_A_DRIVER, offsetof(struct scst_event, driver) },
		{ SCST_A_TARGET, offsetof(struct scst_event, target) },
		{ SCST_A_GROUP, offsetof(struct scst_event, group) },
		{ SCST_A_INITIATOR, offsetof(struct scst_event, initiator) },
		{ SCST_A_NEW_GROUP, offsetof(struct scst_event, new_group) },
		{ SCST_A_SESSION, offsetof(struct scst_event, session) },
		{ SCST_A_OLD_DEVICE, offsetof(struct scst_event, old_device) },
	};
	struct nlattr *tb[SCST_A_MAX + 1];
	struct genlmsghdr *ghdr = nlmsg_data(nlh);
	struct scst_event *ev;
	size_t i;
	int err;

	err = genlmsg_parse(nlh, 0, tb, SCST_A_MAX, scst_policy);
	if (err < 0)
		return -EPROTO;
	ev = calloc(1, sizeof(*ev));
	if (!ev)
		return -ENOMEM;
	ev->cmd = ghdr->cmd;
	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		err = scst_event_str(tb, strs[i].type,
				     (const char **)((char *)ev + strs[i].off));
		if (err) {
			scst_event_free(ev);
			return err;
		}
	}
	if (tb[SCST_A_LUN]) {
		ev->lun = nla_get_u32(tb[SCST_A_LUN]);
		ev->mask |= SCST_EV_LUN;
	}
	if (tb[SCST_A_CLEANUP_ID]) {
		ev->cleanup_id = nla_get_u64(tb[SCST_A_CLEANUP_ID]);
		ev->mask |= SCST_EV_CLEANUP_ID;
	}
	if (tb[SCST_A_CLEANUP_STATE]) {
		ev->cleanup_state = nla_get_u8(tb[SCST_A_CLEANUP_STATE]);
		ev->mask |= SCST_EV_CLEANUP_STATE;
	}
	if (tb[SCST_A_CLEANUP_DRAINED]) {
		ev->drained = nla_get_u32(tb[SCST_A_CLEANUP_DRAINED]);
		ev->mask |= SCST_EV_DRAINED;
	}
	if (tb[SCST_A_CLEANUP_DRAIN_MS]) {
		ev->drain_ms = nla_get_u64(tb[SCST_A_CLEANUP_DRAIN_MS]);
		ev->mask |= SCST_EV_DRAIN_MS;
	}
	if (tb[SCST_A_TARGET_ENABLED]) {
		ev->enabled = !!nla_get_u8(tb[SCST_A_TARGET_ENABLED]);
		ev->mask |= SCST_EV_ENABLED;
	}
	if (tb[SCST_A_LUN_READ_ONLY]) {
		ev->read_only = !!nla_get_u8(tb[SCST_A_LUN_READ_ONLY]);
		ev->mask |= SCST_EV_READ_ONLY;
	}
	if (tb[SCST_A_ASYNC_LUN_REPLACE]) {
		ev->async_lun_replace = !!nla_get_u8(tb[SCST_A_ASYNC_LUN_REPLACE]);
		ev->mask |= SCST_EV_ASYNC_LUN_REPLACE;
	}
	if (tb[SCST_A_PARK_LUN_REPLACE]) {
		ev->park_lun_replace = !!nla_get_u8(tb[SCST_A_PARK_LUN_REPLACE]);
		ev->mask |= SCST_EV_PARK_LUN_REPLACE;
	}
	if (tb[SCST_A_GENERATION]) {
		ev->generation = nla_get_u32(tb[SCST_A_GENERATION]);
		ev->mask |= SCST_EV_GENERATION;
	}
	if (tb[SCST_A_SCSI_HOST]) {
		ev->scsi_host = nla_get_u32(tb[SCST_A_SCSI_HOST]);
		ev->mask |= SCST_EV_SCSI_HOST;
	}
	if (tb[SCST_A_LUN_QUEUE_DEPTH]) {
		ev->lun_queue_depth = nla_get_u32(tb[SCST_A_LUN_QUEUE_DEPTH]);
		ev->mask |= SCST_EV_LUN_QUEUE_DEPTH;
	}
	*out = ev;
	return 0;
}

static int scst_event_valid_cb(struct nl_msg *msg, void *arg)
{
	struct scst_events *evs = arg;
	struct scst_event *ev;
	int err;

	err = scst_event_from_msg(nlmsg_hdr(msg), &ev);
	if (!err) {
		err = scst_vec_push(&evs->queue, ev);
		if (err)
			scst_event_free(ev);
	}
	if (err && !evs->parse_error)
		evs->parse_error = err;
	return NL_OK;
}

/* Multicast messages are not answers to anything we sent. */
static int scst_event_seq_cb(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

SCST_EXPORT int scst_event_open(struct scst_ctx *ctx,
				struct scst_events **eventsp)
{
	struct scst_events *evs;
	int grp, err;

	*eventsp = NULL;
	scst_clear_error(ctx);
	evs = calloc(1, sizeof(*evs));
	if (!evs)
		return scst_fail(ctx, -ENOMEM, "out of memory");
	evs->ctx = ctx;
	evs->sk = nl_socket_alloc();
	evs->cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!evs->sk || !evs->cb) {
		err = scst_fail(ctx, -ENOMEM, "out of memory");
		goto err;
	}
	err = genl_connect(evs->sk);
	if (err < 0) {
		err = scst_nl_errno(err);
		scst_set_errmsg(ctx, "cannot open a netlink socket: %s",
				strerror(-err));
		goto err;
	}
	grp = genl_ctrl_resolve_grp(evs->sk, SCST_FAMILY_NAME,
				    SCST_MCGRP_EVENTS);
	if (grp < 0) {
		err = scst_nl_errno(grp);
		if (err == -ENOENT)
			err = -EPROTONOSUPPORT;
		scst_set_errmsg(ctx, "cannot find the scst events group: %s",
				scst_strerror(err));
		goto err;
	}
	err = nl_socket_add_membership(evs->sk, grp);
	if (err < 0) {
		err = scst_nl_errno(err);
		scst_set_errmsg(ctx, "cannot join the scst events group: %s",
				strerror(-err));
		goto err;
	}
	/* Bursts of events (a configuration load) must not overflow. */
	nl_socket_set_buffer_size(evs->sk, 4 << 20, 0);
	err = nl_socket_set_nonblocking(evs->sk);
	if (err < 0) {
		err = scst_nl_errno(err);
		scst_set_errmsg(ctx, "cannot make the event socket non-blocking");
		goto err;
	}
	nl_cb_set(evs->cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, scst_event_seq_cb, evs);
	nl_cb_set(evs->cb, NL_CB_VALID, NL_CB_CUSTOM, scst_event_valid_cb, evs);
	*eventsp = evs;
	return 0;

err:
	scst_event_close(evs);
	return err;
}

SCST_EXPORT void scst_event_close(struct scst_events *events)
{
	if (!events)
		return;
	scst_event_free(events->cur);
	while (events->head < events->queue.n)
		scst_event_free(events->queue.v[events->head++]);
	free(events->queue.v);
	if (events->cb)
		nl_cb_put(events->cb);
	if (events->sk)
		nl_socket_free(events->sk);
	free(events);
}

SCST_EXPORT int scst_event_fd(const struct scst_events *events)
{
	return nl_socket_get_fd(events->sk);
}

/* Read one datagram into the queue; 0 when none is pending. */
static int scst_event_fill(struct scst_events *evs)
{
	struct scst_ctx *ctx = evs->ctx;
	ssize_t n;
	int err;

	/*
	 * Peek first: an overrun is reported once, as ENOBUFS from the next
	 * receive, and libnl would fold it into a generic out-of-memory.
	 */
	n = recv(nl_socket_get_fd(evs->sk), NULL, 0,
		 MSG_PEEK | MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 0;
		err = -errno;
		if (err == -ENOBUFS)
			return scst_fail(ctx, err,
					 "events were lost because they were not read in time");
		return scst_fail(ctx, err, "cannot read events: %s",
				 strerror(-err));
	}
	evs->parse_error = 0;
	err = scst_nl_errno(nl_recvmsgs(evs->sk, evs->cb));
	if (err < 0 && err != -EAGAIN)
		return scst_fail(ctx, err, "cannot read events: %s",
				 strerror(-err));
	if (evs->parse_error)
		return scst_fail(ctx, evs->parse_error,
				 "cannot parse an event: %s",
				 strerror(-evs->parse_error));
	return 1;
}

SCST_EXPORT int scst_event_read(struct scst_events *events,
				const struct scst_event **eventp)
{
	int err;

	*eventp = NULL;
	scst_event_free(events->cur);
	events->cur = NULL;
	scst_clear_error(events->ctx);

	while (events->head >= events->queue.n) {
		events->head = 0;
		events->queue.n = 0;
		err = scst_event_fill(events);
		if (err <= 0)
			return err;
	}
	events->cur = events->queue.v[events->head++];
	*eventp = events->cur;
	return 1;
}
