// SPDX-License-Identifier: MIT
/*
 * What an HA orchestrator does at failover, with libscstctl:
 *
 *   1. subscribe to events (before changing anything, so none is missed);
 *   2. swap the device behind a LUN asynchronously, parking the cleanup of
 *      the old one (the commands still in flight on it finish there);
 *   3. wait, in a poll loop, until the old device's commands have drained;
 *   4. release the parked cleanup once the cluster allows it;
 *   5. wait for the event saying the old state is freed.
 *
 * usage: orchestrator [-t SECONDS] TARGET LUN NEW_DEVICE [GROUP]
 *
 * Prints one line per step and exits 0 when the cleanup was freed, 1 on
 * an error or a timeout, 2 on a usage error.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libscstctl.h>

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Poll until an event for cleanup @id reaches one of the states in @want
 * (a bit mask of 1 << enum scst_cleanup_state), or the deadline passes.
 * Returns the state reached, or -errno (-ETIMEDOUT).
 */
static int wait_cleanup(struct scst_ctx *ctx, struct scst_events *evs,
			uint64_t id, unsigned int want, int64_t deadline)
{
	struct pollfd pfd = { .fd = scst_event_fd(evs), .events = POLLIN };
	const struct scst_event *ev;
	int ret;

	for (;;) {
		while ((ret = scst_event_read(evs, &ev)) > 0) {
			if (ev->cmd != SCST_CMD_CLEANUP_NTF ||
			    !(ev->mask & SCST_EV_CLEANUP_ID) ||
			    ev->cleanup_id != id ||
			    !(ev->mask & SCST_EV_CLEANUP_STATE))
				continue;
			printf("event: cleanup %" PRIu64 " %s", id,
			       scst_cleanup_state_name(ev->cleanup_state));
			if (ev->mask & SCST_EV_DRAINED)
				printf(" drained %u", ev->drained);
			if (ev->mask & SCST_EV_DRAIN_MS)
				printf(" in %" PRIu64 " ms", ev->drain_ms);
			putchar('\n');
			fflush(stdout);
			/* A parked cleanup that drained says so with the
			 * drained count while it stays parked. */
			if (want & (1U << ev->cleanup_state))
				return (int)ev->cleanup_state;
			if ((want & (1U << SCST_CLEANUP_DRAINED)) &&
			    (ev->mask & SCST_EV_DRAINED))
				return SCST_CLEANUP_DRAINED;
		}
		if (ret < 0) {
			fprintf(stderr, "orchestrator: %s\n",
				scst_ctx_errmsg(ctx));
			if (ret != -ENOBUFS)
				return ret;
		}
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
		if (poll(&pfd, 1, (int)(deadline - now_ms())) < 0 &&
		    errno != EINTR)
			return -errno;
	}
}

/* 1 when cleanup @id has drained, 0 when not yet, -ENOENT when gone. */
static int cleanup_drained(struct scst_ctx *ctx, uint64_t id)
{
	struct scst_cleanup **cs;
	int n, i, ret = -ENOENT;

	n = scst_cleanup_list(ctx, &cs);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++)
		if (cs[i]->id == id)
			ret = cs[i]->drained;
	scst_cleanup_list_free(cs);
	return ret;
}

int main(int argc, char **argv)
{
	const char *target, *device, *group = NULL;
	struct scst_events *evs = NULL;
	struct scst_ctx *ctx = NULL;
	int timeout_s = 60, opt, ret, status = 1;
	bool fallback;
	uint64_t id;
	unsigned long lun;
	char *end;

	while ((opt = getopt(argc, argv, "t:")) != -1) {
		if (opt != 't')
			goto usage;
		timeout_s = atoi(optarg);
	}
	if (argc - optind < 3 || argc - optind > 4)
		goto usage;
	target = argv[optind];
	lun = strtoul(argv[optind + 1], &end, 10);
	if (*end || end == argv[optind + 1])
		goto usage;
	device = argv[optind + 2];
	if (argc - optind == 4)
		group = argv[optind + 3];

	ret = scst_ctx_new(&ctx);
	if (ret) {
		fprintf(stderr, "orchestrator: %s\n", scst_strerror(ret));
		return 1;
	}
	ret = scst_event_open(ctx, &evs);
	if (ret) {
		fprintf(stderr, "orchestrator: %s\n", scst_ctx_errmsg(ctx));
		goto out;
	}

	ret = scst_lun_replace(ctx, target, group, (uint32_t)lun, device,
			       SCST_REPLACE_ASYNC | SCST_REPLACE_PARK, &id,
			       &fallback);
	if (ret) {
		fprintf(stderr, "orchestrator: %s\n", scst_ctx_errmsg(ctx));
		goto out;
	}
	if (fallback || !id) {
		/* Nothing is left to release: the replace was synchronous. */
		printf("replaced synchronously\n");
		status = 0;
		goto out;
	}
	printf("replaced: cleanup %" PRIu64 " parked\n", id);
	fflush(stdout);

	/*
	 * The drained event may come any time after the replace; it is
	 * queued on our socket, which was open before. The listing says
	 * the same, for an orchestrator that restarted in between.
	 */
	ret = wait_cleanup(ctx, evs, id, 1U << SCST_CLEANUP_DRAINED,
			   now_ms() + timeout_s * 1000LL);
	if (ret == -ETIMEDOUT && cleanup_drained(ctx, id) == 1)
		ret = SCST_CLEANUP_DRAINED;
	if (ret < 0) {
		fprintf(stderr, "orchestrator: cleanup %" PRIu64 " did not drain: %s\n",
			id, strerror(-ret));
		goto out;
	}
	printf("drained: releasing cleanup %" PRIu64 "\n", id);
	fflush(stdout);

	ret = scst_cleanup_release(ctx, id);
	if (ret) {
		fprintf(stderr, "orchestrator: %s\n", scst_ctx_errmsg(ctx));
		goto out;
	}
	ret = wait_cleanup(ctx, evs, id, 1U << SCST_CLEANUP_FREED,
			   now_ms() + timeout_s * 1000LL);
	if (ret < 0) {
		fprintf(stderr, "orchestrator: cleanup %" PRIu64 " was not freed: %s\n",
			id, strerror(-ret));
		goto out;
	}
	if (cleanup_drained(ctx, id) != -ENOENT) {
		fprintf(stderr, "orchestrator: cleanup %" PRIu64 " is still listed after it was freed\n",
			id);
		goto out;
	}
	printf("freed: cleanup %" PRIu64 "\n", id);
	status = 0;
out:
	scst_event_close(evs);
	scst_ctx_free(ctx);
	return status;

usage:
	fprintf(stderr, "usage: orchestrator [-t SECONDS] TARGET LUN NEW_DEVICE [GROUP]\n");
	return 2;
}
