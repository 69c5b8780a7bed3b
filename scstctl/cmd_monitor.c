// SPDX-License-Identifier: GPL-2.0-only
/* scstctl monitor: print events until interrupted. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "scstctl.h"

static volatile sig_atomic_t monitor_stop;

static void monitor_signal(int sig)
{
	(void)sig;
	monitor_stop = 1;
}

static void print_event(const struct scst_event *ev)
{
	static const struct {
		const char	*key;
		size_t		off;
	} names[] = {
		{ "handler", offsetof(struct scst_event, handler) },
		{ "device", offsetof(struct scst_event, device) },
		{ "driver", offsetof(struct scst_event, driver) },
		{ "target", offsetof(struct scst_event, target) },
		{ "group", offsetof(struct scst_event, group) },
		{ "initiator", offsetof(struct scst_event, initiator) },
		{ "new_group", offsetof(struct scst_event, new_group) },
		{ "session", offsetof(struct scst_event, session) },
		{ "old_device", offsetof(struct scst_event, old_device) },
	};
	char fmt[32];
	size_t i;

	print_open_object(NULL);
	print_string(PRINT_ANY, "event", "%s", scst_cmd_name(ev->cmd));
	if (ev->mask & SCST_EV_CLEANUP_ID)
		print_u64(PRINT_ANY, "cleanup_id", " id %" PRIu64,
			  ev->cleanup_id);
	if (ev->mask & SCST_EV_CLEANUP_STATE)
		print_string(PRINT_ANY, "state", " state %s",
			     scst_cleanup_state_name(ev->cleanup_state));
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = *(const char *const *)((const char *)ev +
						       names[i].off);

		if (!v)
			continue;
		snprintf(fmt, sizeof(fmt), " %s %%s", names[i].key);
		print_string(PRINT_ANY, names[i].key, fmt, v);
	}
	if (ev->mask & SCST_EV_LUN)
		print_uint(PRINT_ANY, "lun", " lun %u", ev->lun);
	if (ev->mask & SCST_EV_READ_ONLY)
		print_onoff(PRINT_ANY, "read_only", " read_only %s",
			    ev->read_only);
	if (ev->mask & SCST_EV_ENABLED)
		print_onoff(PRINT_ANY, "enabled", " enabled %s", ev->enabled);
	if (ev->mask & SCST_EV_ASYNC_LUN_REPLACE)
		print_onoff(PRINT_ANY, "async_lun_replace",
			    " async_lun_replace %s", ev->async_lun_replace);
	if (ev->mask & SCST_EV_PARK_LUN_REPLACE)
		print_onoff(PRINT_ANY, "park_lun_replace",
			    " park_lun_replace %s", ev->park_lun_replace);
	if (ev->mask & SCST_EV_LUN_QUEUE_DEPTH)
		print_uint(PRINT_ANY, "lun_queue_depth", " lun_queue_depth %u",
			   ev->lun_queue_depth);
	if (ev->mask & SCST_EV_DRAINED)
		print_uint(PRINT_ANY, "drained", " drained %u", ev->drained);
	if (ev->mask & SCST_EV_DRAIN_MS)
		print_u64(PRINT_ANY, "drain_ms", " drain_ms %" PRIu64,
			  ev->drain_ms);
	if (ev->mask & SCST_EV_SCSI_HOST)
		print_uint(PRINT_ANY, "scsi_host", " host %u", ev->scsi_host);
	if (ev->mask & SCST_EV_GENERATION)
		print_uint(PRINT_ANY, "generation", " generation %u",
			   ev->generation);
	print_close_object();
	print_nl();
	/* One JSON text per line, so readers can parse as they go. */
	if (print_is_json())
		print_finish();
	fflush(stdout);
}

int cmd_monitor(struct cli *cli, int argc, char **argv)
{
	const struct scst_event *ev;
	struct scst_events *evs;
	struct sigaction sa;
	struct pollfd pfd;
	int ret;

	if (argc > 0)
		return cli_usage(cli, "unexpected argument '%s'", argv[0]);
	if (!cli_ctx(cli))
		return EXIT_ERR;
	ret = scst_event_open(cli->ctx, &evs);
	if (ret)
		return cli_fail(cli, ret);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = monitor_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* Let a reader of a pipe see each event at once. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	pfd.fd = scst_event_fd(evs);
	pfd.events = POLLIN;
	ret = EXIT_OK;
	while (!monitor_stop) {
		int n;

		while ((n = scst_event_read(evs, &ev)) > 0)
			print_event(ev);
		if (n == -ENOBUFS) {
			cli_msg("warning: %s", scst_ctx_errmsg(cli->ctx));
			continue;
		}
		if (n < 0) {
			ret = cli_fail(cli, n);
			break;
		}
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR) {
			cli_msg("cannot wait for events: %s", strerror(errno));
			ret = EXIT_ERR;
			break;
		}
	}
	scst_event_close(evs);
	return ret;
}
