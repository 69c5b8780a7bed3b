// SPDX-License-Identifier: GPL-2.0-only
/* scstctl lun | cleanup */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scstctl.h"

/* TARGET [group GROUP]: how many words it took, or -1 on a usage error. */
static int parse_target_group(struct cli *cli, int argc, char **argv,
			      const char **target, const char **group)
{
	*target = NULL;
	*group = NULL;
	if (argc < 1) {
		cli_usage(cli, "which target?");
		return -1;
	}
	*target = argv[0];
	if (argc >= 2 && !strcmp(argv[1], "group")) {
		if (argc < 3) {
			cli_usage(cli, "group needs a name");
			return -1;
		}
		*group = argv[2];
		return 3;
	}
	return 1;
}

static int parse_lun_arg(struct cli *cli, const char *s, uint32_t *lun)
{
	int err = cli_parse_lun(s, lun);

	if (err == -ERANGE)
		return cli_usage(cli, "LUN %s is above %u", s, SCST_LUN_MAX);
	if (err)
		return cli_usage(cli, "'%s' is not a LUN number", s);
	return EXIT_OK;
}

int cmd_lun_add(struct cli *cli, int argc, char **argv)
{
	const char *target, *group;
	bool read_only = false;
	uint32_t lun;
	int i, ret;

	i = parse_target_group(cli, argc, argv, &target, &group);
	if (i < 0)
		return EXIT_USAGE;
	if (argc - i < 2)
		return cli_usage(cli, "a LUN number and a device are needed");
	ret = parse_lun_arg(cli, argv[i], &lun);
	if (ret)
		return ret;
	if (argc - i > 2) {
		if (strcmp(argv[i + 2], "read_only"))
			return cli_usage(cli, "unexpected argument '%s'",
					 argv[i + 2]);
		if (argc - i > 4)
			return cli_usage(cli, "too many arguments");
		ret = cli_parse_onoff(cli, "read_only",
				      argc - i > 3 ? argv[i + 3] : NULL,
				      &read_only);
		if (ret)
			return ret;
	}
	if (!cli_ctx(cli))
		return EXIT_ERR;
	ret = scst_lun_add(cli->ctx, target, group, lun, argv[i + 1],
			   read_only);
	return ret ? cli_fail(cli, ret) : EXIT_OK;
}

int cmd_lun_del(struct cli *cli, int argc, char **argv)
{
	const char *target, *group;
	uint32_t lun;
	int i, ret;

	i = parse_target_group(cli, argc, argv, &target, &group);
	if (i < 0)
		return EXIT_USAGE;
	if (argc - i != 1)
		return cli_usage(cli, argc - i ? "too many arguments" :
				 "which LUN?");
	ret = parse_lun_arg(cli, argv[i], &lun);
	if (ret)
		return ret;
	if (!cli_ctx(cli))
		return EXIT_ERR;
	ret = scst_lun_del(cli->ctx, target, group, lun);
	return ret ? cli_fail(cli, ret) : EXIT_OK;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Wait for the cleanup @id to be freed (or, when @parked, to have drained,
 * since a parked cleanup is not freed before it is released).
 */
static int wait_cleanup(struct cli *cli, struct scst_events *evs, uint64_t id,
			bool parked, long timeout_s)
{
	int64_t deadline = timeout_s >= 0 ? now_ms() + timeout_s * 1000 : -1;
	const struct scst_event *ev;
	struct pollfd pfd = { .fd = scst_event_fd(evs), .events = POLLIN };
	int ret;

	for (;;) {
		int wait_ms = -1;

		while ((ret = scst_event_read(evs, &ev)) > 0) {
			if (ev->cmd != SCST_CMD_CLEANUP_NTF ||
			    !(ev->mask & SCST_EV_CLEANUP_ID) ||
			    ev->cleanup_id != id ||
			    !(ev->mask & SCST_EV_CLEANUP_STATE))
				continue;
			if (ev->cleanup_state == SCST_CLEANUP_FREED)
				return EXIT_OK;
			if (parked && (ev->cleanup_state == SCST_CLEANUP_DRAINED ||
				       (ev->mask & SCST_EV_DRAINED)))
				return EXIT_OK;
		}
		if (ret < 0)
			return cli_fail(cli, ret);
		if (deadline >= 0) {
			int64_t left = deadline - now_ms();

			if (left <= 0) {
				cli_msg("cleanup %" PRIu64 " did not %s within %ld seconds",
					id, parked ? "drain" : "finish", timeout_s);
				return EXIT_ERR;
			}
			wait_ms = (int)(left > 60000 ? 60000 : left);
		}
		if (poll(&pfd, 1, wait_ms) < 0 && errno != EINTR) {
			cli_msg("cannot wait for events: %s", strerror(errno));
			return EXIT_ERR;
		}
	}
}

int cmd_lun_replace(struct cli *cli, int argc, char **argv)
{
	const char *pos[8], *target = NULL, *group = NULL;
	struct scst_events *evs = NULL;
	unsigned int flags = 0;
	bool wait = false, fallback;
	long timeout = -1;
	uint64_t id;
	uint32_t lun;
	int npos = 0, i, ret;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--async")) {
			flags |= SCST_REPLACE_ASYNC;
		} else if (!strcmp(argv[i], "--park")) {
			flags |= SCST_REPLACE_PARK;
		} else if (!strcmp(argv[i], "--no-ua")) {
			flags |= SCST_REPLACE_NO_UA;
		} else if (!strcmp(argv[i], "--wait")) {
			wait = true;
		} else if (!strncmp(argv[i], "--wait=", 7)) {
			char *end;

			wait = true;
			errno = 0;
			timeout = strtol(argv[i] + 7, &end, 10);
			if (errno || *end || end == argv[i] + 7 || timeout < 0)
				return cli_usage(cli, "--wait takes a number of seconds, not '%s'",
						 argv[i] + 7);
		} else if (argv[i][0] == '-' && argv[i][1] == '-') {
			return cli_usage(cli, "unknown option '%s'", argv[i]);
		} else if (npos < (int)(sizeof(pos) / sizeof(pos[0]))) {
			pos[npos++] = argv[i];
		} else {
			return cli_usage(cli, "too many arguments");
		}
	}
	i = parse_target_group(cli, npos, (char **)pos, &target, &group);
	if (i < 0)
		return EXIT_USAGE;
	if (npos - i != 2)
		return cli_usage(cli, npos - i < 2 ?
				 "a LUN number and a device are needed" :
				 "too many arguments");
	ret = parse_lun_arg(cli, pos[i], &lun);
	if (ret)
		return ret;
	if (!cli_ctx(cli))
		return EXIT_ERR;
	/* Subscribe before replacing, so no event of this cleanup is missed. */
	if (wait) {
		ret = scst_event_open(cli->ctx, &evs);
		if (ret)
			return cli_fail(cli, ret);
	}
	ret = scst_lun_replace(cli->ctx, target, group, lun, pos[i + 1], flags,
			       &id, &fallback);
	if (ret) {
		scst_event_close(evs);
		return cli_fail(cli, ret);
	}
	if (fallback)
		cli_msg("warning: the background cleanup could not be set up; the LUN was replaced synchronously");
	print_open_object(NULL);
	if (id)
		print_u64(PRINT_ANY, "cleanup_id", "cleanup %" PRIu64 "\n", id);
	else
		print_null(PRINT_JSON, "cleanup_id", NULL);
	print_onoff(PRINT_JSON, "sync_fallback", NULL, fallback);
	print_close_object();
	ret = EXIT_OK;
	if (wait && id)
		ret = wait_cleanup(cli, evs, id, flags & SCST_REPLACE_PARK,
				   timeout);
	scst_event_close(evs);
	return ret;
}

int cmd_lun_clear(struct cli *cli, int argc, char **argv)
{
	const char *target, *group;
	int i, ret;

	i = parse_target_group(cli, argc, argv, &target, &group);
	if (i < 0)
		return EXIT_USAGE;
	if (argc > i)
		return cli_usage(cli, "unexpected argument '%s'", argv[i]);
	if (!cli_ctx(cli))
		return EXIT_ERR;
	ret = scst_lun_clear(cli->ctx, target, group);
	return ret ? cli_fail(cli, ret) : EXIT_OK;
}

int cmd_lun_show(struct cli *cli, int argc, char **argv)
{
	const char *target = NULL, *group = NULL;
	struct scst_lun **luns;
	int i, n;

	if (argc > 0) {
		i = parse_target_group(cli, argc, argv, &target, &group);
		if (i < 0)
			return EXIT_USAGE;
		if (argc > i)
			return cli_usage(cli, "unexpected argument '%s'", argv[i]);
	}
	if (!cli_ctx(cli))
		return EXIT_ERR;
	n = scst_lun_list(cli->ctx, target, group, &luns);
	if (n < 0)
		return cli_fail(cli, n);
	print_open_array(NULL);
	for (i = 0; i < n; i++) {
		print_open_object(NULL);
		print_string(PRINT_ANY, "target", "%s", luns[i]->target);
		if (luns[i]->group)
			print_string(PRINT_ANY, "group", " group %s",
				     luns[i]->group);
		print_uint(PRINT_ANY, "lun", " lun %u", luns[i]->lun);
		print_string(PRINT_ANY, "device", " device %s",
			     luns[i]->device);
		print_onoff(PRINT_ANY, "read_only", " read_only %s",
			    luns[i]->read_only);
		print_close_object();
		print_nl();
	}
	print_close_array();
	scst_lun_list_free(luns);
	return EXIT_OK;
}

int cmd_cleanup_show(struct cli *cli, int argc, char **argv)
{
	struct scst_cleanup **cs;
	int i, n;

	if (argc > 0)
		return cli_usage(cli, "unexpected argument '%s'", argv[0]);
	if (!cli_ctx(cli))
		return EXIT_ERR;
	n = scst_cleanup_list(cli->ctx, &cs);
	if (n < 0)
		return cli_fail(cli, n);
	print_open_array(NULL);
	for (i = 0; i < n; i++) {
		print_open_object(NULL);
		print_u64(PRINT_ANY, "id", "cleanup %" PRIu64, cs[i]->id);
		if (cs[i]->target)
			print_string(PRINT_ANY, "target", " target %s",
				     cs[i]->target);
		if (cs[i]->group)
			print_string(PRINT_ANY, "group", " group %s",
				     cs[i]->group);
		print_uint(PRINT_ANY, "lun", " lun %u", cs[i]->lun);
		if (cs[i]->old_device)
			print_string(PRINT_ANY, "old_device", " old_device %s",
				     cs[i]->old_device);
		print_string(PRINT_ANY, "state", " state %s",
			     scst_cleanup_state_name(cs[i]->state));
		print_uint(PRINT_ANY, "cmds_inflight", " inflight %u",
			   cs[i]->cmds_inflight);
		print_u64(PRINT_ANY, "age_ms", " age_ms %" PRIu64,
			  cs[i]->age_ms);
		if (cs[i]->device)
			print_string(PRINT_ANY, "device", " device %s",
				     cs[i]->device);
		print_onoff(PRINT_JSON, "drained", NULL, cs[i]->drained);
		if (cs[i]->drained) {
			print_uint(PRINT_ANY, "nr_drained", " drained %u",
				   cs[i]->nr_drained);
			print_u64(PRINT_ANY, "drain_ms", " drain_ms %" PRIu64,
				  cs[i]->drain_ms);
		}
		print_close_object();
		print_nl();
	}
	print_close_array();
	scst_cleanup_list_free(cs);
	return EXIT_OK;
}

int cmd_cleanup_release(struct cli *cli, int argc, char **argv)
{
	unsigned long long id = 0;
	char *end;
	int ret;

	if (argc != 1)
		return cli_usage(cli, argc ? "too many arguments" :
				 "which cleanup (an id or all)?");
	if (strcmp(argv[0], "all")) {
		errno = 0;
		id = strtoull(argv[0], &end, 0);
		if (errno || *end || end == argv[0] || argv[0][0] == '-')
			return cli_usage(cli, "'%s' is not a cleanup id", argv[0]);
	}
	if (!cli_ctx(cli))
		return EXIT_ERR;
	if (!strcmp(argv[0], "all"))
		ret = scst_cleanup_release_all(cli->ctx);
	else
		ret = scst_cleanup_release(cli->ctx, id);
	return ret ? cli_fail(cli, ret) : EXIT_OK;
}
