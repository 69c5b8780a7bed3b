// SPDX-License-Identifier: GPL-2.0-only
/*
 * scst.conf: parsing good and malformed files (every message carries
 * FILE:LINE), canonical writing, and the plan a load computes.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"

static const char good_conf[] =
	"# A configuration using most of the grammar.\n"
	"async_lun_replace 1\n"
	"park_lun_replace off\n"
	"lun_queue_depth 48\n"
	"HANDLER vdisk_nullio {\n"
	"\tDEVICE null1 {\n"
	"\t\tsize 1G\n"
	"\t\tblocksize 4096   # trailing comment\n"
	"\t}\n"
	"\tDEVICE null2\n"
	"\tDEVICE null3 {\n"
	"\t\tsize_mb 100\n"
	"\t\tprod_id \"My Disk\"\n"
	"\t}\n"
	"}\n"
	"HANDLER vdisk_fileio\n"
	"{\n"
	"\tDEVICE file1 {\n"
	"\t\tfilename /srv/file1.img\n"
	"\t\tnv_cache 1\n"
	"\t}\n"
	"}\n"
	"TARGET_DRIVER scst_local {\n"
	"\tTARGET local {\n"
	"\t\tenabled 1\n"
	"\t\trel_tgt_id 1\n"
	"\t\tLUN 0 null1\n"
	"\t\tLUN 1 null2 read_only 1\n"
	"\t\tLUN 2 null3 {\n"
	"\t\t\tread_only 0\n"
	"\t\t}\n"
	"\t\tGROUP hosts {\n"
	"\t\t\tLUN 0 file1\n"
	"\t\t\tINITIATOR iqn.1993-08.org.debian:*\n"
	"\t\t\tINITIATOR !iqn.1993-08.org.debian:bad\n"
	"\t\t}\n"
	"\t\tsession host1 iqn.1993-08.org.debian:01:host1\n"
	"\t\tsession_name host2\n"
	"\t}\n"
	"}\n"
	"TARGET_DRIVER iscsi {\n"
	"\tenabled 1\n"
	"\tTARGET iqn.2024-01.test:tgt {\n"
	"\t\tLUN 0 null1\n"
	"\t}\n"
	"}\n";

static int parse(const char *text, struct scst_config *cfg,
		 struct cfg_errors *errs)
{
	return config_parse(text, strlen(text), "test.conf",
			    config_builtin_handlers(), cfg, errs);
}

static const struct cfg_target *target(const struct scst_config *c,
				       const char *name)
{
	size_t i;

	for (i = 0; i < c->ntargets; i++)
		if (!strcmp(c->targets[i].name, name))
			return &c->targets[i];
	fail_msg("no target %s", name);
	return NULL;
}

static const struct cfg_device *device(const struct scst_config *c,
				       const char *name)
{
	size_t i;

	for (i = 0; i < c->ndevices; i++)
		if (!strcmp(c->devices[i].name, name))
			return &c->devices[i];
	fail_msg("no device %s", name);
	return NULL;
}

static void test_parse_good(void **state)
{
	struct cfg_errors errs = { 0 };
	struct scst_config cfg;
	const struct cfg_target *t;
	const struct cfg_device *d;

	(void)state;
	assert_int_equal(parse(good_conf, &cfg, &errs), 0);
	assert_int_equal(errs.n, 0);
	assert_true(cfg.has_async && cfg.async_lun_replace);
	assert_true(cfg.has_park && !cfg.park_lun_replace);
	assert_true(cfg.has_qdepth);
	assert_int_equal(cfg.lun_queue_depth, 48);
	assert_int_equal(cfg.ndevices, 4);

	d = device(&cfg, "null1");
	assert_string_equal(d->handler, "vdisk_nullio");
	assert_int_equal(d->parsed.size, 1ULL << 30);
	assert_int_equal(d->parsed.blocksize, 4096);
	assert_int_equal(d->line, 6);
	d = device(&cfg, "null3");
	/* SCST's names become ours. */
	assert_int_equal(d->parsed.size, 100ULL << 20);
	assert_string_equal(d->parsed.product, "My Disk");
	d = device(&cfg, "file1");
	assert_string_equal(d->handler, "vdisk_fileio");
	assert_string_equal(d->parsed.filename, "/srv/file1.img");
	assert_true(d->parsed.nv_cache);

	assert_int_equal(cfg.ntargets, 2);
	t = target(&cfg, "local");
	assert_string_equal(t->driver, "scst_local");
	assert_true(t->has_enabled && t->enabled);
	assert_int_equal(t->dflt.nluns, 3);
	assert_int_equal(t->dflt.luns[1].lun, 1);
	assert_true(t->dflt.luns[1].read_only);
	assert_false(t->dflt.luns[2].read_only);
	assert_int_equal(t->ngroups, 1);
	assert_string_equal(t->groups[0].name, "hosts");
	assert_int_equal(t->groups[0].nluns, 1);
	assert_int_equal(t->groups[0].ninits, 2);
	assert_string_equal(t->groups[0].inits[1].key,
			    "!iqn.1993-08.org.debian:bad");
	assert_int_equal(t->nsessions, 2);
	assert_string_equal(t->sessions[0].initiator,
			    "iqn.1993-08.org.debian:01:host1");
	/* session_name: the initiator is the session's name. */
	assert_string_equal(t->sessions[1].name, "host2");
	assert_string_equal(t->sessions[1].initiator, "host2");
	t = target(&cfg, "iqn.2024-01.test:tgt");
	assert_string_equal(t->driver, "iscsi");
	assert_false(t->has_enabled);
	config_free(&cfg);
}

/* Malformed files: every message has the right line and says why. */
static const struct {
	const char	*text;
	int		line;
	const char	*says;
} bad[] = {
	{ "HANDLER vdisk_fileio {\n\tDEVICE d {\n\t\tfilename /x\n\t\tblocksz 512\n\t}\n}\n",
	  4, "handler vdisk_fileio has no attribute 'blocksz'" },
	{ "HANDLER vdisk_nullio {\n\tDEVICE d {\n\t\tsize 1X\n\t}\n}\n",
	  3, "'1X' is not a valid value for size" },
	{ "HANDLER vdisk_nullio {\n\tDEVICE d {\n\t\tblocksize 1000\n\t}\n}\n",
	  3, "out of range" },
	{ "HANDLER vdisk_nullio {\n\tDEVICE d {\n\t\tvendor ABCDEFGHIJ\n\t}\n}\n",
	  3, "out of range" },
	{ "HANDLER vdisk_nullio {\n\tDEVICE d {\n\t\tsize\n\t}\n}\n",
	  3, "'size' in device d needs a value" },
	{ "HANDLER vdisk_nullio {\n\tDEVICE d {\n\t\tsize 1G\n\t\tsize 2G\n\t}\n}\n",
	  4, "given twice (first on line 3)" },
	{ "HANDLER vdisk_fileio {\n\tDEVICE d\n}\n",
	  2, "device d needs a filename" },
	{ "HANDLER vdisk_nullio {\n\tDEVICE d\n\tDEVICE d\n}\n",
	  3, "device d is defined twice (first on line 2)" },
	{ "HANDLER nosuch {\n\tDEVICE d\n}\n",
	  1, "there is no handler 'nosuch'" },
	{ "HANDLER vdisk_nullio {\n\tLUN 0 d\n}\n",
	  2, "'LUN' is not allowed in HANDLER vdisk_nullio" },
	{ "HANDLER vdisk_nullio {\n\tDEVICE a/b\n}\n",
	  2, "contains '/'" },
	{ "HANDLER vdisk_nullio {\n\tDEVICE d\n", 1, "never closed" },
	{ "HANDLER vdisk_nullio {\n\tDEVICE d\n}\n}\n", 4, "'}' without a matching '{'" },
	{ "\n\n{\n", 3, "'{' without a keyword" },
	{ "threads 4\n", 1, "unknown keyword 'threads'" },
	{ "async_lun_replace maybe\n", 1, "takes 0 or 1, not 'maybe'" },
	{ "async_lun_replace 1 2\n", 1, "takes one value" },
	{ "lun_queue_depth 65536\n", 1,
	  "lun_queue_depth takes a number from 0 (no limit) to 65535, not '65536'" },
	{ "lun_queue_depth -1\n", 1, "not '-1'" },
	{ "lun_queue_depth 4k\n", 1, "not '4k'" },
	{ "lun_queue_depth\n", 1, "'lun_queue_depth' in the global settings needs a value" },
	{ "TARGET_DRIVER scst_local {\n\tTARGET t {\n\t\tLUN x d\n\t}\n}\n",
	  3, "'x' is not a LUN number" },
	{ "TARGET_DRIVER scst_local {\n\tTARGET t {\n\t\tLUN 16384 d\n\t}\n}\n",
	  3, "above the highest LUN" },
	{ "TARGET_DRIVER scst_local {\n\tTARGET t {\n\t\tLUN 0\n\t}\n}\n",
	  3, "LUN takes a number and a device name" },
	{ "HANDLER vdisk_nullio {\n\tDEVICE d\n}\nTARGET_DRIVER scst_local {\n\tTARGET t {\n\t\tLUN 0 d\n\t\tLUN 0 d\n\t}\n}\n",
	  7, "defined twice (first on line 6)" },
	{ "TARGET_DRIVER scst_local {\n\tTARGET t {\n\n\t\tLUN 1 ghost\n\t}\n}\n",
	  4, "uses device ghost, which is not defined" },
	{ "TARGET_DRIVER scst_local {\n\tTARGET t {\n\t\tLUN 0 d read_write 1\n\t}\n}\n",
	  3, "LUN has no attribute 'read_write'" },
	{ "TARGET_DRIVER scst_local {\n\tTARGET t {\n\t\tGROUP g {\n\t\t\tINITIATOR a\n\t\t}\n\t\tGROUP h {\n\t\t\tINITIATOR a\n\t\t}\n\t}\n}\n",
	  7, "initiator a is already in group g of target t (line 4)" },
	{ "TARGET_DRIVER scst_local {\n\tTARGET t {\n\t\tGROUP g {\n\t\t\tDEVICE x\n\t\t}\n\t}\n}\n",
	  4, "'DEVICE' is not allowed in GROUP g" },
	{ "TARGET_DRIVER iscsi {\n\tTARGET t {\n\t\tsession s iqn.x\n\t}\n}\n",
	  3, "sessions of iscsi targets are made by logins" },
	{ "TARGET_DRIVER scst_local {\n\tTARGET t {\n\t\tsession s\n\t}\n}\n",
	  3, "session takes a name and an initiator name" },
	{ "TARGET_DRIVER scst_local {\n\tTARGET t {\n\t\tenabled yes please\n\t}\n}\n",
	  3, "takes one value" },
	{ "TARGET_DRIVER scst_local {\n\tTARGET t {\n\t\tcolor blue\n\t}\n}\n",
	  3, "target t has no attribute 'color'" },
	{ "TARGET_DRIVER scst_local {\n\tTARGET t\n}\nTARGET_DRIVER iscsi {\n\tTARGET t\n}\n",
	  5, "target t is defined twice (first on line 2)" },
	{ "TARGET_DRIVER scst_local {\n\tfoo 1\n}\n", 2,
	  "driver scst_local has no attribute 'foo'" },
	{ "HANDLER vdisk_nullio {\n\tDEVICE \"unterminated\n}\n", 2,
	  "quoted string is not closed" },
	{ "FOO bar {\n}\n", 1, "unknown block 'FOO'" },
	/* Parameters: keys the driver does not list, values, line numbers. */
	{ "TARGET_DRIVER iscsi {\n\tportals 0.0.0.0:3260\n\n\tfoo 1\n}\n", 4,
	  "driver iscsi has no attribute 'foo'" },
	{ "TARGET_DRIVER iscsi {\n\tTARGET t {\n\t\tHeaderDigest CRC32C\n"
	  "\t\tColour red\n\t}\n}\n", 4, "target t has no attribute 'Colour'" },
	{ "TARGET_DRIVER iscsi {\n\tTARGET t {\n\t\tIncomingUser joe 0123456789ab\n"
	  "\t}\n}\n", 3, "'IncomingUser' in target t takes one value" },
	{ "TARGET_DRIVER iscsi {\n\tTARGET t {\n\t\tHeaderDigest\n\t}\n}\n", 3,
	  "'HeaderDigest' in target t needs a value" },
	{ "TARGET_DRIVER iscsi {\n\tportals {\n\t}\n}\n", 2,
	  "'portals' in driver iscsi takes a value, not a block" },
	{ "TARGET_DRIVER other {\n\tTARGET t {\n\t\t\"a=b\" 1\n\t}\n}\n", 3,
	  "target t has no attribute 'a=b'" },
	{ "HANDLER vdisk_nullio {\n\tDEVICE d {\n\t\tsize 1G {\n\t\t}\n\t}\n}\n",
	  3, "takes a value, not a block" },
};

static void test_parse_bad(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cfg_errors errs = { 0 };
		struct scst_config cfg;
		char prefix[32];

		if (parse(bad[i].text, &cfg, &errs) != -EINVAL)
			fail_msg("case %zu was accepted", i);
		if (errs.n < 1)
			fail_msg("case %zu has no message", i);
		snprintf(prefix, sizeof(prefix), "test.conf:%d: ", bad[i].line);
		if (strncmp(errs.msgs[0], prefix, strlen(prefix)) ||
		    !strstr(errs.msgs[0], bad[i].says))
			fail_msg("case %zu: got \"%s\", want \"%s...%s\"", i,
				 errs.msgs[0], prefix, bad[i].says);
		/* Nothing is kept from a file with errors. */
		assert_int_equal(cfg.ndevices, 0);
		assert_int_equal(cfg.ntargets, 0);
		config_errors_free(&errs);
	}
}

static void test_parse_nul_byte(void **state)
{
	static const char text[] = "async_lun_replace 1\nasync\0_lun 1\n";
	struct cfg_errors errs = { 0 };
	struct scst_config cfg;

	(void)state;
	assert_int_equal(config_parse(text, sizeof(text) - 1, "test.conf",
				      NULL, &cfg, &errs), -EINVAL);
	assert_string_equal(errs.msgs[0], "test.conf:2: the file contains a NUL byte");
	config_errors_free(&errs);
}

static void test_parse_many_errors(void **state)
{
	struct cfg_errors errs = { 0 };
	struct scst_config cfg;

	(void)state;
	/* Every error is reported, each with its line. */
	assert_int_equal(parse("a 1\nb 2\n\nc 3\n", &cfg, &errs), -EINVAL);
	assert_int_equal(errs.n, 3);
	assert_string_equal(errs.msgs[0], "test.conf:1: unknown keyword 'a'");
	assert_string_equal(errs.msgs[1], "test.conf:2: unknown keyword 'b'");
	assert_string_equal(errs.msgs[2], "test.conf:4: unknown keyword 'c'");
	config_errors_free(&errs);
}

static char *write_str(const struct scst_config *cfg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(config_write(f, cfg, config_builtin_handlers()), 0);
	fclose(f);
	return buf;
}

static void test_write_round_trip(void **state)
{
	struct cfg_errors errs = { 0 };
	struct scst_config a, b;
	char *first, *second;

	(void)state;
	assert_int_equal(parse(good_conf, &a, &errs), 0);
	first = write_str(&a);
	assert_int_equal(parse(first, &b, &errs), 0);
	second = write_str(&b);
	assert_string_equal(first, second);
	/* Canonical: sorted, normalised values, quoted where needed. */
	assert_non_null(strstr(first, "\t\tsize 1073741824\n"));
	assert_non_null(strstr(first, "\t\tproduct \"My Disk\"\n"));
	assert_non_null(strstr(first, "\t\tLUN 1 null2 read_only 1\n"));
	assert_non_null(strstr(first, "\t\tsession host2 host2\n"));
	assert_true(strstr(first, "TARGET_DRIVER iscsi") <
		    strstr(first, "TARGET_DRIVER scst_local"));
	assert_true(strstr(first, "HANDLER vdisk_fileio") <
		    strstr(first, "HANDLER vdisk_nullio"));
	/* Nothing changes between the two. */
	{
		struct cfg_plan plan;

		assert_int_equal(config_diff(&a, &b, config_builtin_handlers(),
					     &plan), 0);
		assert_int_equal(plan.nops, 0);
		config_plan_free(&plan);
	}
	free(first);
	free(second);
	config_free(&a);
	config_free(&b);
}

static const char params_conf[] =
	"TARGET_DRIVER iscsi {\n"
	"\tenabled 1\n"
	"\tportals 0.0.0.0:3260,[::]:3260\n"
	"\tTARGET iqn.2024-01.test:t1 {\n"
	"\t\tenabled 1\n"
	"\t\tIncomingUser \"joe 0123456789ab\"\n"
	"\t\tIncomingUser \"ann 0123456789cd\"\n"
	"\t\tHeaderDigest CRC32C\n"
	"\t\tOutgoingUser \"\"\n"
	"\t}\n"
	"}\n"
	/* A driver this release does not know: its keys are the kernel's to check. */
	"TARGET_DRIVER future {\n"
	"\tknob 7\n"
	"}\n";

static void test_parse_params(void **state)
{
	struct cfg_errors errs = { 0 };
	struct scst_config cfg;
	const struct cfg_target *t;

	(void)state;
	assert_int_equal(parse(params_conf, &cfg, &errs), 0);
	assert_int_equal(cfg.ndrivers, 2);
	assert_string_equal(cfg.drivers[0].name, "iscsi");
	assert_int_equal(cfg.drivers[0].nparams, 1);
	assert_string_equal(cfg.drivers[0].params[0].key, "portals");
	assert_string_equal(cfg.drivers[0].params[0].value,
			    "0.0.0.0:3260,[::]:3260");
	assert_int_equal(cfg.drivers[0].params[0].line, 3);
	assert_string_equal(cfg.drivers[1].params[0].key, "knob");

	t = target(&cfg, "iqn.2024-01.test:t1");
	assert_true(t->has_enabled && t->enabled);
	/* In file order; a key may repeat; a value may be empty. */
	assert_int_equal(t->nparams, 4);
	assert_string_equal(t->params[0].key, "IncomingUser");
	assert_string_equal(t->params[0].value, "joe 0123456789ab");
	assert_string_equal(t->params[1].value, "ann 0123456789cd");
	assert_string_equal(t->params[2].key, "HeaderDigest");
	assert_int_equal(t->params[2].line, 8);
	assert_string_equal(t->params[3].value, "");
	config_free(&cfg);
}

static void test_params_write(void **state)
{
	struct cfg_errors errs = { 0 };
	struct scst_config a, b;
	struct cfg_target *t;
	struct cfg_driver *d;
	char *first, *second;

	(void)state;
	/* The kernel's listing: secrets are not in it. */
	config_init(&a);
	d = config_add_driver(&a, "iscsi");
	assert_non_null(d);
	assert_int_equal(config_driver_add_param(d, "portals=10.0.0.1:3260"), 0);
	/* A driver with no parameters and no targets writes no block. */
	assert_non_null(config_add_driver(&a, "scst_local"));
	t = config_add_target(&a, "iqn.t", "iscsi");
	assert_non_null(t);
	assert_int_equal(config_target_add_param(t, "IncomingUser=joe"), 0);
	assert_int_equal(config_target_add_param(t, "HeaderDigest=CRC32C,None"), 0);
	assert_int_equal(config_target_add_param(t, "OutgoingUser="), 0);
	assert_int_equal(config_target_add_param(t, "no equals sign"), -EINVAL);
	assert_int_equal(config_target_add_param(t, "=x"), -EINVAL);

	first = write_str(&a);
	assert_string_equal(first,
		"# SCST configuration, written by scstctl config save.\n"
		"# Load it with: scstctl config load FILE\n"
		"\n"
		"TARGET_DRIVER iscsi {\n"
		"\tportals 10.0.0.1:3260\n"
		"\n"
		"\tTARGET iqn.t {\n"
		"\t\tIncomingUser joe\n"
		"\t\tHeaderDigest CRC32C,None\n"
		"\t\tOutgoingUser \"\"\n"
		"\t}\n"
		"}\n");
	assert_int_equal(parse(first, &b, &errs), 0);
	second = write_str(&b);
	assert_string_equal(first, second);
	free(first);
	free(second);
	config_free(&a);
	config_free(&b);
}

/* ---- plans ------------------------------------------------------------- */

/* The plan from @have_text to @want_text, one line per operation. */
static char *plan_of(const char *have_text, const char *want_text)
{
	struct cfg_errors errs = { 0 };
	struct scst_config want, have;
	struct cfg_plan plan;
	char *out = NULL, line[1024];
	size_t len = 0, i;
	FILE *f;

	if (parse(have_text, &have, &errs) || parse(want_text, &want, &errs))
		fail_msg("%s", errs.msgs[0]);
	assert_int_equal(config_diff(&want, &have, config_builtin_handlers(),
				     &plan), 0);
	f = open_memstream(&out, &len);
	for (i = 0; i < plan.nops; i++) {
		config_op_describe(&plan.ops[i], line, sizeof(line));
		fprintf(f, "%s\n", line);
	}
	fclose(f);
	config_plan_free(&plan);
	config_free(&want);
	config_free(&have);
	return out;
}

#define BASE_DEVICES							\
	"HANDLER vdisk_nullio {\n"					\
	"\tDEVICE a {\n\t\tsize 1G\n\t}\n"				\
	"\tDEVICE b {\n\t\tsize 1G\n\t}\n"				\
	"}\n"

static const char base[] =
	BASE_DEVICES
	"TARGET_DRIVER scst_local {\n"
	"\tTARGET t {\n"
	"\t\tenabled 1\n"
	"\t\tLUN 0 a\n"
	"\t\tLUN 1 b\n"
	"\t\tGROUP g {\n\t\t\tINITIATOR i1\n\t\t}\n"
	"\t\tGROUP h {\n\t\t}\n"
	"\t\tsession s1 i1\n"
	"\t}\n"
	"}\n";

static void expect_plan(const char *have, const char *want, const char *ops)
{
	char *p = plan_of(have, want);

	if (strcmp(p, ops))
		fail_msg("plan:\n%s\nwanted:\n%s", p, ops);
	free(p);
}

static void test_diff_nothing(void **state)
{
	(void)state;
	expect_plan(base, base, "");
}

static void test_diff_replace_only_changed_lun(void **state)
{
	(void)state;
	/* LUN 1 now shows a; LUN 0 is not touched at all. */
	expect_plan(base,
		    BASE_DEVICES
		    "TARGET_DRIVER scst_local {\n\tTARGET t {\n\t\tenabled 1\n"
		    "\t\tLUN 0 a\n\t\tLUN 1 a\n"
		    "\t\tGROUP g {\n\t\t\tINITIATOR i1\n\t\t}\n\t\tGROUP h {\n\t\t}\n"
		    "\t\tsession s1 i1\n\t}\n}\n",
		    "lun replace t 1 a\n");
}

static void test_diff_replace_other_blocksize(void **state)
{
	(void)state;
	/* LUN 1 moves to a device of 4096-byte blocks: initiators could not
	 * follow a replace, so the LUN goes and comes back. */
	expect_plan(base,
		    BASE_DEVICES
		    "HANDLER vdisk_fileio {\n"
		    "\tDEVICE f {\n\t\tfilename /tmp/f.img\n\t\tblocksize 4096\n\t}\n"
		    "}\n"
		    "TARGET_DRIVER scst_local {\n\tTARGET t {\n\t\tenabled 1\n"
		    "\t\tLUN 0 a\n\t\tLUN 1 f\n"
		    "\t\tGROUP g {\n\t\t\tINITIATOR i1\n\t\t}\n\t\tGROUP h {\n\t\t}\n"
		    "\t\tsession s1 i1\n\t}\n}\n",
		    "lun del t 1\n"
		    "device add f handler vdisk_fileio filename blocksize\n"
		    "lun add t 1 f\n");
}

static void test_diff_add_remove(void **state)
{
	(void)state;
	/* Device b goes (after the LUN using it), c comes with a new LUN. */
	expect_plan(base,
		    "HANDLER vdisk_nullio {\n"
		    "\tDEVICE a {\n\t\tsize 1G\n\t}\n"
		    "\tDEVICE c {\n\t\tsize 2G\n\t}\n"
		    "}\n"
		    "TARGET_DRIVER scst_local {\n\tTARGET t {\n\t\tenabled 1\n"
		    "\t\tLUN 0 a\n\t\tLUN 5 c read_only 1\n"
		    "\t\tGROUP g {\n\t\t\tINITIATOR i1\n\t\t}\n\t\tGROUP h {\n\t\t}\n"
		    "\t\tsession s1 i1\n\t}\n}\n",
		    "lun del t 1\n"
		    "device add c handler vdisk_nullio size\n"
		    "lun add t 5 c read_only on\n"
		    "device del b\n");
}

static void test_diff_device_attrs(void **state)
{
	(void)state;
	/* size is settable at run time on nullio: changed in place. */
	expect_plan(base,
		    "HANDLER vdisk_nullio {\n"
		    "\tDEVICE a {\n\t\tsize 2G\n\t}\n"
		    "\tDEVICE b {\n\t\tsize 1G\n\t}\n"
		    "}\n"
		    "TARGET_DRIVER scst_local {\n\tTARGET t {\n\t\tenabled 1\n"
		    "\t\tLUN 0 a\n\t\tLUN 1 b\n"
		    "\t\tGROUP g {\n\t\t\tINITIATOR i1\n\t\t}\n\t\tGROUP h {\n\t\t}\n"
		    "\t\tsession s1 i1\n\t}\n}\n",
		    "device set a size\n");
	/* blocksize only at creation: the device is made again, and the LUN
	 * that used it is removed first and mapped again after. */
	expect_plan(base,
		    "HANDLER vdisk_nullio {\n"
		    "\tDEVICE a {\n\t\tsize 1G\n\t\tblocksize 4096\n\t}\n"
		    "\tDEVICE b {\n\t\tsize 1G\n\t}\n"
		    "}\n"
		    "TARGET_DRIVER scst_local {\n\tTARGET t {\n\t\tenabled 1\n"
		    "\t\tLUN 0 a\n\t\tLUN 1 b\n"
		    "\t\tGROUP g {\n\t\t\tINITIATOR i1\n\t\t}\n\t\tGROUP h {\n\t\t}\n"
		    "\t\tsession s1 i1\n\t}\n}\n",
		    "lun del t 0\n"
		    "device del a\n"
		    "device add a handler vdisk_nullio size blocksize\n"
		    "lun add t 0 a\n");
}

static void test_diff_groups_initiators_sessions(void **state)
{
	(void)state;
	/* i1 moves from g to h (both kept), h gets a LUN, g a new pattern,
	 * the session gets another initiator, the target is disabled. */
	expect_plan(base,
		    BASE_DEVICES
		    "TARGET_DRIVER scst_local {\n\tTARGET t {\n\t\tenabled 0\n"
		    "\t\tLUN 0 a\n\t\tLUN 1 b\n"
		    "\t\tGROUP g {\n\t\t\tINITIATOR i2\n\t\t}\n"
		    "\t\tGROUP h {\n\t\t\tLUN 3 b\n\t\t\tINITIATOR i1\n\t\t}\n"
		    "\t\tsession s1 i9\n\t}\n}\n",
		    "session del t s1\n"
		    "initiator move t g i1 h\n"
		    "initiator add t g i2\n"
		    "lun add t group h 3 b\n"
		    "target set t enabled off\n"
		    "session add t i9 name s1\n");
	/* Group g goes with what it holds; its pattern is added to h. */
	expect_plan(base,
		    BASE_DEVICES
		    "TARGET_DRIVER scst_local {\n\tTARGET t {\n\t\tenabled 1\n"
		    "\t\tLUN 0 a\n\t\tLUN 1 b\n"
		    "\t\tGROUP h {\n\t\t\tINITIATOR i1\n\t\t}\n"
		    "\t\tsession s1 i1\n\t}\n}\n",
		    "group del t g\n"
		    "initiator add t h i1\n");
}

static void test_diff_target_driver_change(void **state)
{
	(void)state;
	/* Another driver: the target is made again with everything in it;
	 * its sessions are logins now, not configuration. */
	expect_plan(base,
		    BASE_DEVICES
		    "TARGET_DRIVER iscsi {\n\tTARGET t {\n"
		    "\t\tLUN 0 a\n\t}\n}\n",
		    "target del t\n"
		    "target add t driver iscsi\n"
		    "lun add t 0 a\n");
}

static void test_diff_clear_and_global(void **state)
{
	(void)state;
	/* Loading an empty file removes everything, targets before the
	 * devices their LUNs use. */
	expect_plan(base, "async_lun_replace 1\nlun_queue_depth 0\n",
		    "target del t\n"
		    "global set async_lun_replace on lun_queue_depth 0\n"
		    "device del a\n"
		    "device del b\n");
	/* From nothing: creation order. */
	expect_plan("", base,
		    "device add a handler vdisk_nullio size\n"
		    "device add b handler vdisk_nullio size\n"
		    "target add t driver scst_local\n"
		    "group add t g\n"
		    "group add t h\n"
		    "initiator add t g i1\n"
		    "lun add t 0 a\n"
		    "lun add t 1 b\n"
		    "target set t enabled on\n"
		    "session add t i1 name s1\n");
}

#define ISCSI_HAVE							\
	"TARGET_DRIVER iscsi {\n"						\
	"\tportals 0.0.0.0:3260\n"					\
	"\tTARGET t {\n"							\
	"\t\tenabled 1\n"						\
	"\t\tIncomingUser joe\n"						\
	"\t\tHeaderDigest None\n"					\
	"\t\tMaxBurstLength 262144\n"					\
	"\t}\n"								\
	"}\n"

static void test_diff_params(void **state)
{
	(void)state;
	/* What the kernel lists as it is wanted is not touched. */
	expect_plan(ISCSI_HAVE,
		    "TARGET_DRIVER iscsi {\n\tportals 0.0.0.0:3260\n"
		    "\tTARGET t {\n\t\tenabled 1\n\t\tIncomingUser joe\n"
		    "\t\tHeaderDigest None\n\t}\n}\n", "");
	/*
	 * A changed value is set; one the file does not mention is left
	 * alone; a secret is set again (never shown), as the kernel cannot
	 * list it to compare.
	 */
	expect_plan(ISCSI_HAVE,
		    "TARGET_DRIVER iscsi {\n\tportals 10.0.0.1:3260\n"
		    "\tTARGET t {\n\t\tenabled 0\n"
		    "\t\tIncomingUser \"joe 0123456789ab\"\n"
		    "\t\tHeaderDigest CRC32C\n\t}\n}\n",
		    "driver set iscsi portals=10.0.0.1:3260\n"
		    "target set t IncomingUser=joe ...\n"
		    "target set t HeaderDigest=CRC32C\n"
		    "target set t enabled off\n");
	/* A new target gets its parameters after its LUNs, before enabled. */
	expect_plan("",
		    BASE_DEVICES
		    "TARGET_DRIVER iscsi {\n\tTARGET n {\n\t\tenabled 1\n"
		    "\t\tLUN 0 a\n\t\tDataDigest CRC32C\n\t}\n}\n",
		    "device add a handler vdisk_nullio size\n"
		    "device add b handler vdisk_nullio size\n"
		    "target add n driver iscsi\n"
		    "lun add n 0 a\n"
		    "target set n DataDigest=CRC32C\n"
		    "target set n enabled on\n");
	/* Clearing leaves driver parameters alone. */
	expect_plan(ISCSI_HAVE, "", "target del t\n");
}

static void test_build_by_hand(void **state)
{
	struct cfg_errors errs = { 0 };
	struct scst_config built, parsed;
	struct cfg_device *d;
	struct cfg_target *t;
	struct cfg_plan plan;

	(void)state;
	/* What cmd_config.c does with the kernel's listings. */
	config_init(&built);
	d = config_add_device(&built, "a", "vdisk_nullio");
	assert_non_null(d);
	assert_int_equal(config_device_set_attr(d, "size", "1073741824"), 0);
	assert_int_equal(config_device_set_attr(d, "nope", "1"), -ENOENT);
	d = config_add_device(&built, "b", "vdisk_nullio");
	assert_int_equal(config_device_set_attr(d, "size", "1073741824"), 0);
	t = config_add_target(&built, "t", "scst_local");
	t->has_enabled = true;
	t->enabled = true;
	assert_int_equal(config_add_lun(t, NULL, 1, "b", false), 0);
	assert_int_equal(config_add_lun(t, NULL, 0, "a", false), 0);
	assert_int_equal(config_add_initiator(config_add_group(t, "g"), "i1"), 0);
	assert_int_equal(config_add_lun(t, "h", 9, "a", true), 0);
	assert_int_equal(config_add_session(t, "s1", "i1"), 0);

	assert_int_equal(parse(base, &parsed, &errs), 0);
	assert_int_equal(config_diff(&parsed, &built, config_builtin_handlers(),
				     &plan), 0);
	assert_int_equal(plan.nops, 1);
	assert_int_equal(plan.ops[0].kind, CFG_OP_LUN_DEL);
	assert_string_equal(plan.ops[0].group, "h");
	assert_int_equal(plan.ops[0].lun, 9);
	config_plan_free(&plan);
	config_free(&parsed);
	config_free(&built);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_nul_byte),
		cmocka_unit_test(test_parse_many_errors),
		cmocka_unit_test(test_write_round_trip),
		cmocka_unit_test(test_diff_nothing),
		cmocka_unit_test(test_diff_replace_only_changed_lun),
		cmocka_unit_test(test_diff_replace_other_blocksize),
		cmocka_unit_test(test_diff_add_remove),
		cmocka_unit_test(test_diff_device_attrs),
		cmocka_unit_test(test_diff_groups_initiators_sessions),
		cmocka_unit_test(test_diff_target_driver_change),
		cmocka_unit_test(test_diff_clear_and_global),
		cmocka_unit_test(test_build_by_hand),
		cmocka_unit_test(test_parse_params),
		cmocka_unit_test(test_params_write),
		cmocka_unit_test(test_diff_params),
	};

	return cmocka_run_group_tests_name("scst.conf", tests, NULL, NULL);
}
