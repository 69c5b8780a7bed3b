// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ctlbench NLUNS: the control-path benchmark through libscstctl in one
 * process. Creates NLUNS / 10 vdisk_nullio devices and as many scst_local
 * targets, maps ten LUNs in each target (all on that target's device),
 * lists every LUN, then clears the LUNs and deletes the targets and the
 * devices. Prints one line per step: "step objects seconds".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libscstctl.h"

#define LUNS_PER_TARGET	10

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int fail(struct scst_ctx *ctx, const char *what, int err)
{
	const char *msg = scst_ctx_errmsg(ctx);

	fprintf(stderr, "ctlbench: %s: %s\n", what,
		msg && *msg ? msg : scst_strerror(err));
	return 1;
}

static void report(const char *step, unsigned int n, double t0)
{
	printf("%s %u %.3f\n", step, n, now() - t0);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct scst_dev_attrs attrs = {
		.mask = SCST_DEV_ATTR_BIT(SCST_DEV_ATTR_SIZE),
		.size = 64 << 20,
	};
	unsigned int nluns, ntgt, i, l, n;
	struct scst_lun **luns;
	struct scst_ctx *ctx;
	char name[32], dev[32];
	double t0;
	int err;

	if (argc != 2 || !(nluns = strtoul(argv[1], NULL, 10)) ||
	    nluns % LUNS_PER_TARGET) {
		fprintf(stderr, "usage: ctlbench NLUNS (a multiple of %d)\n",
			LUNS_PER_TARGET);
		return 2;
	}
	ntgt = nluns / LUNS_PER_TARGET;
	err = scst_ctx_new(&ctx);
	if (err) {
		fprintf(stderr, "ctlbench: %s\n", scst_strerror(err));
		return 1;
	}

	t0 = now();
	for (i = 0; i < ntgt; i++) {
		snprintf(dev, sizeof(dev), "bd%u", i);
		err = scst_device_add(ctx, dev, "vdisk_nullio", &attrs);
		if (err)
			return fail(ctx, "device add", err);
	}
	report("devices", ntgt, t0);

	t0 = now();
	for (i = 0; i < ntgt; i++) {
		snprintf(name, sizeof(name), "bt%u", i);
		err = scst_target_add(ctx, name, "scst_local");
		if (err)
			return fail(ctx, "target add", err);
	}
	report("targets", ntgt, t0);

	t0 = now();
	for (i = 0; i < ntgt; i++) {
		snprintf(name, sizeof(name), "bt%u", i);
		snprintf(dev, sizeof(dev), "bd%u", i);
		for (l = 0; l < LUNS_PER_TARGET; l++) {
			err = scst_lun_add(ctx, name, NULL, l, dev, false);
			if (err)
				return fail(ctx, "lun add", err);
		}
	}
	report("luns", nluns, t0);

	t0 = now();
	err = scst_lun_list(ctx, NULL, NULL, &luns);
	if (err < 0)
		return fail(ctx, "lun list", err);
	n = err;
	scst_lun_list_free(luns);
	report("list", n, t0);
	if (n != nluns) {
		fprintf(stderr, "ctlbench: listed %u LUNs, not %u\n", n, nluns);
		return 1;
	}

	t0 = now();
	for (i = 0; i < ntgt; i++) {
		snprintf(name, sizeof(name), "bt%u", i);
		err = scst_lun_clear(ctx, name, NULL);
		if (!err)
			err = scst_target_del(ctx, name);
		if (err)
			return fail(ctx, "clear", err);
	}
	for (i = 0; i < ntgt; i++) {
		snprintf(dev, sizeof(dev), "bd%u", i);
		err = scst_device_del(ctx, dev);
		if (err)
			return fail(ctx, "device del", err);
	}
	report("clear", nluns, t0);
	scst_ctx_free(ctx);
	return 0;
}
