// SPDX-License-Identifier: GPL-2.0-only
/*
 * scstctl's command line: objects and verbs by unique prefix, usage errors
 * (exit 2), errors from the library (exit 1, one sentence on stderr), the
 * parsing of sizes, booleans and LUNs, and the JSON printer. The library
 * calls the CLI makes are replaced (--wrap) by recorders.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "scstctl.h"

/* ---- recorders of library calls ---------------------------------------- */

static struct {
	char			fn[64];
	char			s[6][300];	/* string arguments, "(null)" */
	uint64_t		u;		/* lun, id, flags ... */
	unsigned int		flags;
	uint32_t		n;		/* a count: lun_queue_depth */
	bool			b;
	struct scst_dev_attrs	attrs;
	char			vendor[32];
	int			calls;
	/* What the next call returns, and the message it leaves. */
	int			ret;
	int			ctx_ret;
	char			errmsg[256];
	bool			from_kernel;
} rec;

static int fake_ctx;

static void record(const char *fn, int n, ...)
{
	va_list ap;
	int i;

	snprintf(rec.fn, sizeof(rec.fn), "%s", fn);
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		const char *s = va_arg(ap, const char *);

		snprintf(rec.s[i], sizeof(rec.s[i]), "%s", s ? s : "(null)");
	}
	va_end(ap);
	rec.calls++;
}

int __wrap_scst_ctx_new(struct scst_ctx **ctxp);
int __wrap_scst_ctx_new(struct scst_ctx **ctxp)
{
	*ctxp = rec.ctx_ret ? NULL : (struct scst_ctx *)&fake_ctx;
	return rec.ctx_ret;
}

void __wrap_scst_ctx_free(struct scst_ctx *ctx);
void __wrap_scst_ctx_free(struct scst_ctx *ctx)
{
	assert_true(!ctx || ctx == (struct scst_ctx *)&fake_ctx);
}

const char *__wrap_scst_ctx_errmsg(const struct scst_ctx *ctx);
const char *__wrap_scst_ctx_errmsg(const struct scst_ctx *ctx)
{
	(void)ctx;
	return rec.errmsg;
}

bool __wrap_scst_ctx_errmsg_from_kernel(const struct scst_ctx *ctx);
bool __wrap_scst_ctx_errmsg_from_kernel(const struct scst_ctx *ctx)
{
	(void)ctx;
	return rec.from_kernel;
}

int __wrap_scst_global_get(struct scst_ctx *ctx, struct scst_global **g);
int __wrap_scst_global_get(struct scst_ctx *ctx, struct scst_global **g)
{
	(void)ctx;
	record("global_get", 0);
	*g = calloc(1, sizeof(**g));
	(*g)->mask = SCST_GLOBAL_VERSION | SCST_GLOBAL_ASYNC_LUN_REPLACE |
		     SCST_GLOBAL_PARK_LUN_REPLACE;
	(*g)->version = strdup("0.1.0");
	(*g)->async_lun_replace = true;
	return rec.ret;
}

int __wrap_scst_global_set(struct scst_ctx *ctx, const struct scst_global *g);
int __wrap_scst_global_set(struct scst_ctx *ctx, const struct scst_global *g)
{
	(void)ctx;
	record("global_set", 0);
	rec.u = g->mask;
	rec.b = g->mask & SCST_GLOBAL_ASYNC_LUN_REPLACE ? g->async_lun_replace :
							 g->park_lun_replace;
	rec.n = g->lun_queue_depth;
	return rec.ret;
}

static void record_attrs(const struct scst_dev_attrs *a)
{
	rec.attrs = a ? *a : (struct scst_dev_attrs){ 0 };
	/* The strings point into argv, which the test owns: copy. */
	if (a && (a->mask & SCST_DEV_ATTR_BIT(SCST_DEV_ATTR_VENDOR)))
		snprintf(rec.vendor, sizeof(rec.vendor), "%s", a->vendor);
	rec.attrs.vendor = NULL;
	rec.attrs.filename = NULL;
}

int __wrap_scst_device_add(struct scst_ctx *ctx, const char *name,
			   const char *handler, const struct scst_dev_attrs *a);
int __wrap_scst_device_add(struct scst_ctx *ctx, const char *name,
			   const char *handler, const struct scst_dev_attrs *a)
{
	(void)ctx;
	record("device_add", 2, name, handler);
	record_attrs(a);
	return rec.ret;
}

int __wrap_scst_device_set(struct scst_ctx *ctx, const char *name,
			   const struct scst_dev_attrs *a);
int __wrap_scst_device_set(struct scst_ctx *ctx, const char *name,
			   const struct scst_dev_attrs *a)
{
	(void)ctx;
	record("device_set", 1, name);
	record_attrs(a);
	return rec.ret;
}

int __wrap_scst_device_del(struct scst_ctx *ctx, const char *name);
int __wrap_scst_device_del(struct scst_ctx *ctx, const char *name)
{
	(void)ctx;
	record("device_del", 1, name);
	return rec.ret;
}

int __wrap_scst_device_list(struct scst_ctx *ctx, struct scst_device ***out);
int __wrap_scst_device_list(struct scst_ctx *ctx, struct scst_device ***out)
{
	struct scst_device **v = calloc(3, sizeof(*v));

	(void)ctx;
	record("device_list", 0);
	v[0] = calloc(1, sizeof(**v));
	v[0]->name = strdup("we\"ird\\na\tme");
	v[0]->handler = strdup("vdisk_nullio");
	v[0]->attrs.mask = SCST_DEV_ATTR_BIT(SCST_DEV_ATTR_SIZE) |
			   SCST_DEV_ATTR_BIT(SCST_DEV_ATTR_READ_ONLY);
	v[0]->attrs.size = 1024;
	v[1] = calloc(1, sizeof(**v));
	v[1]->name = strdup("d2");
	v[1]->handler = strdup("vdisk_fileio");
	v[1]->users = 3;
	*out = v;
	return 2;
}

int __wrap_scst_lun_add(struct scst_ctx *ctx, const char *target,
			const char *group, uint32_t lun, const char *device,
			bool read_only);
int __wrap_scst_lun_add(struct scst_ctx *ctx, const char *target,
			const char *group, uint32_t lun, const char *device,
			bool read_only)
{
	(void)ctx;
	record("lun_add", 3, target, group, device);
	rec.u = lun;
	rec.b = read_only;
	return rec.ret;
}

int __wrap_scst_lun_del(struct scst_ctx *ctx, const char *target,
			const char *group, uint32_t lun);
int __wrap_scst_lun_del(struct scst_ctx *ctx, const char *target,
			const char *group, uint32_t lun)
{
	(void)ctx;
	record("lun_del", 2, target, group);
	rec.u = lun;
	return rec.ret;
}

int __wrap_scst_lun_replace(struct scst_ctx *ctx, const char *target,
			    const char *group, uint32_t lun, const char *device,
			    unsigned int flags, uint64_t *id, bool *fallback);
int __wrap_scst_lun_replace(struct scst_ctx *ctx, const char *target,
			    const char *group, uint32_t lun, const char *device,
			    unsigned int flags, uint64_t *id, bool *fallback)
{
	(void)ctx;
	record("lun_replace", 3, target, group, device);
	rec.u = lun;
	rec.flags = flags;
	*id = flags & SCST_REPLACE_ASYNC ? 17 : 0;
	*fallback = false;
	return rec.ret;
}

int __wrap_scst_lun_list(struct scst_ctx *ctx, const char *target,
			 const char *group, struct scst_lun ***out);
int __wrap_scst_lun_list(struct scst_ctx *ctx, const char *target,
			 const char *group, struct scst_lun ***out)
{
	(void)ctx;
	record("lun_list", 2, target, group);
	*out = calloc(1, sizeof(**out));
	return 0;
}

int __wrap_scst_cleanup_release(struct scst_ctx *ctx, uint64_t id);
int __wrap_scst_cleanup_release(struct scst_ctx *ctx, uint64_t id)
{
	(void)ctx;
	record("cleanup_release", 0);
	rec.u = id;
	return rec.ret;
}

int __wrap_scst_cleanup_release_all(struct scst_ctx *ctx);
int __wrap_scst_cleanup_release_all(struct scst_ctx *ctx)
{
	(void)ctx;
	record("cleanup_release_all", 0);
	return rec.ret;
}

int __wrap_scst_target_add(struct scst_ctx *ctx, const char *name,
			   const char *driver);
int __wrap_scst_target_add(struct scst_ctx *ctx, const char *name,
			   const char *driver)
{
	(void)ctx;
	record("target_add", 2, name, driver);
	return rec.ret;
}

int __wrap_scst_target_enable(struct scst_ctx *ctx, const char *name,
			      bool enabled);
int __wrap_scst_target_enable(struct scst_ctx *ctx, const char *name,
			      bool enabled)
{
	(void)ctx;
	record("target_enable", 1, name);
	rec.b = enabled;
	return rec.ret;
}

/* The parameters of the last *_set_params call, joined with '|'. */
static char params_seen[1024];

static void record_params(const char *const *params)
{
	size_t used = 0;

	params_seen[0] = '\0';
	for (; params && *params; params++)
		used += snprintf(params_seen + used, sizeof(params_seen) - used,
				 "%s%s", used ? "|" : "", *params);
}

int __wrap_scst_driver_set_params(struct scst_ctx *ctx, const char *driver,
				  const char *const *params);
int __wrap_scst_driver_set_params(struct scst_ctx *ctx, const char *driver,
				  const char *const *params)
{
	(void)ctx;
	record("driver_set_params", 1, driver);
	record_params(params);
	return rec.ret;
}

int __wrap_scst_target_set_params(struct scst_ctx *ctx, const char *name,
				  const char *const *params);
int __wrap_scst_target_set_params(struct scst_ctx *ctx, const char *name,
				  const char *const *params)
{
	(void)ctx;
	record("target_set_params", 1, name);
	record_params(params);
	return rec.ret;
}

int __wrap_scst_target_get(struct scst_ctx *ctx, const char *name,
			   struct scst_target **tp);
int __wrap_scst_target_get(struct scst_ctx *ctx, const char *name,
			   struct scst_target **tp)
{
	struct scst_target *t = calloc(1, sizeof(*t));

	(void)ctx;
	record("target_get", 1, name);
	assert_non_null(t);
	t->name = strdup(name);
	t->driver = strdup("iscsi");
	t->enabled = true;
	t->rel_tgt_id = 1;
	t->params = calloc(4, sizeof(*t->params));
	assert_non_null(t->params);
	/* scst_local lists none; iscsi lists a repeated key. */
	if (strcmp(name, "plain")) {
		t->params[0] = strdup("IncomingUser=joe");
		t->params[1] = strdup("IncomingUser=ann");
		t->params[2] = strdup("HeaderDigest=CRC32C,None");
	}
	*tp = t;
	return rec.ret;
}

int __wrap_scst_session_add(struct scst_ctx *ctx, const char *target,
			    const char *initiator, const char *name);
int __wrap_scst_session_add(struct scst_ctx *ctx, const char *target,
			    const char *initiator, const char *name)
{
	(void)ctx;
	record("session_add", 3, target, initiator, name);
	return rec.ret;
}

int __wrap_scst_initiator_move(struct scst_ctx *ctx, const char *target,
			       const char *group, const char *pattern,
			       const char *new_group);
int __wrap_scst_initiator_move(struct scst_ctx *ctx, const char *target,
			       const char *group, const char *pattern,
			       const char *new_group)
{
	(void)ctx;
	record("initiator_move", 4, target, group, pattern, new_group);
	return rec.ret;
}

/* ---- running scstctl ------------------------------------------------------ */

static char out[16384], err[16384];

static void slurp(FILE *f, char *buf, size_t len)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* scstctl ARGS... (NULL-terminated): exit status; output in out/err. */
static int run(const char *arg, ...)
{
	char *argv[32];
	int argc = 0, ret, saved_out, saved_err;
	FILE *fo = tmpfile(), *fe = tmpfile();
	va_list ap;

	assert_non_null(fo);
	assert_non_null(fe);
	argv[argc++] = "scstctl";
	va_start(ap, arg);
	for (; arg; arg = va_arg(ap, const char *))
		argv[argc++] = (char *)arg;
	va_end(ap);
	argv[argc] = NULL;

	rec.calls = 0;
	rec.fn[0] = '\0';
	fflush(stdout);
	fflush(stderr);
	saved_out = dup(1);
	saved_err = dup(2);
	dup2(fileno(fo), 1);
	dup2(fileno(fe), 2);
	ret = scstctl_main(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	slurp(fo, out, sizeof(out));
	slurp(fe, err, sizeof(err));
	return ret;
}

static int reset(void **state)
{
	(void)state;
	memset(&rec, 0, sizeof(rec));
	return 0;
}

#define assert_contains(hay, needle)					\
	do {								\
		if (!strstr((hay), (needle)))				\
			fail_msg("\"%s\" does not contain \"%s\"",	\
				 (hay), (needle));			\
	} while (0)

/* ---- tests ----------------------------------------------------------------- */

static void test_options(void **state)
{
	(void)state;
	assert_int_equal(run("-V", NULL), EXIT_OK);
	assert_string_equal(out, "scstctl 9.8.7\n");
	assert_int_equal(run("--version", NULL), EXIT_OK);
	assert_int_equal(run("-h", NULL), EXIT_OK);
	assert_contains(out, "usage: scstctl [-j|--json] [-p|--pretty] OBJECT [VERB] [ARGS]");
	assert_contains(out, "scstctl lun replace TARGET [group GROUP] LUN DEVICE");
	assert_int_equal(run("help", NULL), EXIT_OK);
	assert_int_equal(run(NULL), EXIT_USAGE);
	assert_int_equal(run("-x", "global", NULL), EXIT_USAGE);
	assert_string_equal(err, "scstctl: unknown option '-x'; see scstctl -h\n");
	assert_int_equal(rec.calls, 0);
}

static void test_objects_and_prefixes(void **state)
{
	(void)state;
	assert_int_equal(run("frobnicate", NULL), EXIT_USAGE);
	assert_contains(err, "unknown object 'frobnicate'");
	assert_int_equal(run("d", NULL), EXIT_USAGE);
	assert_contains(err, "'d' is an ambiguous object: device, driver");
	/* "glob s" could be show or set. */
	assert_int_equal(run("glob", "s", NULL), EXIT_USAGE);
	assert_contains(err, "ambiguous verb: show, set");
	assert_int_equal(run("global", "explode", NULL), EXIT_USAGE);
	assert_contains(err, "global has no verb 'explode'");
	assert_int_equal(rec.calls, 0);

	/* Unique prefixes of both, and no verb meaning show. */
	assert_int_equal(run("glob", "sh", NULL), EXIT_OK);
	assert_string_equal(rec.fn, "global_get");
	assert_int_equal(run("dev", NULL), EXIT_OK);
	assert_string_equal(rec.fn, "device_list");
	assert_int_equal(run("devi", "a", "d1", "handler", "vdisk_nullio", NULL),
			 EXIT_OK);
	assert_string_equal(rec.fn, "device_add");
	assert_int_equal(run("clean", "rel", "all", NULL), EXIT_OK);
	assert_string_equal(rec.fn, "cleanup_release_all");
	/* "list" is the name for cleanup show. */
	assert_int_equal(run("device", "help", NULL), EXIT_OK);
	assert_contains(out, "scstctl device add NAME handler HANDLER [ATTR VALUE]...");
}

static void test_device_add_values(void **state)
{
	(void)state;
	assert_int_equal(run("device", "add", "d1", "handler", "vdisk_nullio",
			     "size", "1G", "read_only", "on", "blocksize",
			     "4096", "vendor", "ACME", NULL), EXIT_OK);
	assert_string_equal(rec.fn, "device_add");
	assert_string_equal(rec.s[0], "d1");
	assert_string_equal(rec.s[1], "vdisk_nullio");
	assert_int_equal(rec.attrs.mask,
			 SCST_DEV_ATTR_BIT(SCST_DEV_ATTR_SIZE) |
			 SCST_DEV_ATTR_BIT(SCST_DEV_ATTR_READ_ONLY) |
			 SCST_DEV_ATTR_BIT(SCST_DEV_ATTR_BLOCKSIZE) |
			 SCST_DEV_ATTR_BIT(SCST_DEV_ATTR_VENDOR));
	assert_int_equal(rec.attrs.size, 1ULL << 30);
	assert_true(rec.attrs.read_only);
	assert_int_equal(rec.attrs.blocksize, 4096);
	assert_string_equal(rec.vendor, "ACME");

	assert_int_equal(run("device", "set", "d1", "size", "512M",
			     "write_through", "0", NULL), EXIT_OK);
	assert_string_equal(rec.fn, "device_set");
	assert_int_equal(rec.attrs.size, 512ULL << 20);
	assert_false(rec.attrs.write_through);
}

static void test_usage_errors(void **state)
{
	static const struct {
		const char	*argv[10];
		const char	*says;
	} cases[] = {
		{ { "device", "add", "d1", NULL }, "needs a name and a handler" },
		{ { "device", "add", "d1", "hand", "x", NULL }, "needs a name and a handler" },
		{ { "device", "add", "d1", "handler", "h", "size", NULL },
		  "device attribute 'size' needs a value" },
		{ { "device", "add", "d1", "handler", "h", "size", "1.5G", NULL },
		  "invalid value '1.5G' for size" },
		{ { "device", "add", "d1", "handler", "h", "size", "12Q", NULL },
		  "invalid value '12Q' for size" },
		{ { "device", "add", "d1", "handler", "h", "blocksz", "512", NULL },
		  "unknown device attribute 'blocksz'" },
		{ { "device", "add", "d1", "handler", "h", "blocksize", "1000", NULL },
		  "value '1000' of blocksize is out of range" },
		{ { "device", "add", "d1", "handler", "h", "read_only", "maybe", NULL },
		  "invalid value 'maybe' for read_only" },
		{ { "device", "del", NULL }, "which device?" },
		{ { "device", "show", "a", "b", NULL }, "unexpected argument 'b'" },
		{ { "global", "set", NULL }, "nothing to set" },
		{ { "global", "set", "async_lun_replace", NULL },
		  "async_lun_replace needs a value (on or off)" },
		{ { "global", "set", "async_lun_replace", "perhaps", NULL },
		  "async_lun_replace takes on or off, not 'perhaps'" },
		{ { "global", "set", "lun_queue_depth", NULL },
		  "lun_queue_depth needs a number" },
		{ { "global", "set", "lun_queue_depth", "70000", NULL },
		  "lun_queue_depth takes a number from 0 (no limit) to 65535, not '70000'" },
		{ { "global", "set", "colour", "on", NULL },
		  "unknown global setting 'colour'" },
		{ { "target", "add", "t1", NULL }, "needs a name and a driver" },
		{ { "target", "set", "t1", "enabled", NULL }, "enabled needs a value" },
		{ { "target", "set", "t1", "colour", "red", NULL },
		  "unknown target setting 'colour'" },
		{ { "target", "set", "t1", "=CRC32C", NULL },
		  "a parameter has no key before '='" },
		{ { "target", "set", "t1", "enabled", "on", "enabled", "off", NULL },
		  "enabled is given twice" },
		{ { "target", "set", "t1", "enabled", "on", "HeaderDigest", NULL },
		  "unknown target setting 'HeaderDigest' (parameters are KEY=VALUE)" },
		{ { "driver", "set", NULL }, "a driver name and parameters are needed" },
		{ { "driver", "set", "iscsi", NULL }, "which parameters?" },
		{ { "driver", "set", "iscsi", "portals=1.2.3.4", "portals", NULL },
		  "'portals' is not KEY=VALUE" },
		{ { "lun", "add", "t1", "16384", "d1", NULL }, "LUN 16384 is above 16383" },
		{ { "lun", "add", "t1", "x", "d1", NULL }, "'x' is not a LUN number" },
		{ { "lun", "add", "t1", "-1", "d1", NULL }, "'-1' is not a LUN number" },
		{ { "lun", "add", "t1", "group", NULL }, "group needs a name" },
		{ { "lun", "add", "t1", "0", NULL }, "a LUN number and a device" },
		{ { "lun", "add", "t1", "0", "d1", "read_only", "2", NULL },
		  "read_only takes on or off, not '2'" },
		{ { "lun", "replace", "t1", "0", "d1", "--wait=abc", NULL },
		  "--wait takes a number of seconds, not 'abc'" },
		{ { "lun", "replace", "t1", "0", "d1", "--later", NULL },
		  "unknown option '--later'" },
		{ { "lun", "del", "t1", NULL }, "which LUN?" },
		{ { "cleanup", "release", "x1", NULL }, "'x1' is not a cleanup id" },
		{ { "cleanup", "release", NULL }, "which cleanup" },
		{ { "session", "add", "t1", NULL }, "a target and an initiator name" },
		{ { "initiator", "move", "t", "g", "p", NULL }, "the new group" },
		{ { "config", "check", NULL }, "which file?" },
		{ { "monitor", "now", NULL }, "unexpected argument 'now'" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *const *a = cases[i].argv;
		int ret = run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7],
			      NULL);

		if (ret != EXIT_USAGE)
			fail_msg("case %zu (%s %s): exit %d, not 2", i, a[0],
				 a[1], ret);
		if (strncmp(err, "scstctl: ", 9) || !strstr(err, cases[i].says))
			fail_msg("case %zu: stderr \"%s\" lacks \"%s\"", i, err,
				 cases[i].says);
		/* A usage error never reaches the kernel. */
		if (rec.calls)
			fail_msg("case %zu called %s", i, rec.fn);
	}
}

static void test_lun_verbs(void **state)
{
	(void)state;
	assert_int_equal(run("lun", "add", "t1", "group", "g1", "3", "d1",
			     "read_only", "yes", NULL), EXIT_OK);
	assert_string_equal(rec.fn, "lun_add");
	assert_string_equal(rec.s[0], "t1");
	assert_string_equal(rec.s[1], "g1");
	assert_string_equal(rec.s[2], "d1");
	assert_int_equal(rec.u, 3);
	assert_true(rec.b);

	assert_int_equal(run("lun", "add", "t1", "0x10", "d1", NULL), EXIT_OK);
	assert_string_equal(rec.s[1], "(null)");
	assert_int_equal(rec.u, 16);
	assert_false(rec.b);

	assert_int_equal(run("lun", "replace", "t1", "--park", "0", "d2",
			     "--async", "--no-ua", NULL), EXIT_OK);
	assert_string_equal(rec.fn, "lun_replace");
	assert_int_equal(rec.flags, SCST_REPLACE_ASYNC | SCST_REPLACE_PARK |
			 SCST_REPLACE_NO_UA);
	assert_string_equal(out, "cleanup 17\n");
	assert_int_equal(run("-j", "lun", "rep", "t1", "0", "d2", NULL), EXIT_OK);
	assert_int_equal(rec.flags, 0);
	assert_string_equal(out, "{\"cleanup_id\":null,\"sync_fallback\":false}\n");

	assert_int_equal(run("lun", "del", "t1", "group", "g", "7", NULL), EXIT_OK);
	assert_string_equal(rec.fn, "lun_del");
	assert_int_equal(rec.u, 7);

	assert_int_equal(run("lun", "show", "t1", "group", "g", NULL), EXIT_OK);
	assert_string_equal(rec.fn, "lun_list");
	assert_string_equal(rec.s[1], "g");

	assert_int_equal(run("cleanup", "release", "42", NULL), EXIT_OK);
	assert_string_equal(rec.fn, "cleanup_release");
	assert_int_equal(rec.u, 42);
}

static void test_other_verbs(void **state)
{
	(void)state;
	assert_int_equal(run("global", "set", "park_lun_replace", "on", NULL),
			 EXIT_OK);
	assert_string_equal(rec.fn, "global_set");
	assert_int_equal(rec.u, SCST_GLOBAL_PARK_LUN_REPLACE);
	assert_true(rec.b);
	assert_int_equal(run("global", "set", "lun_queue_depth", "16",
			     "async_lun_replace", "off", NULL), EXIT_OK);
	assert_string_equal(rec.fn, "global_set");
	assert_int_equal(rec.u, SCST_GLOBAL_LUN_QUEUE_DEPTH |
				SCST_GLOBAL_ASYNC_LUN_REPLACE);
	assert_int_equal(rec.n, 16);
	assert_false(rec.b);
	assert_int_equal(run("target", "add", "t1", "driver", "scst_local", NULL),
			 EXIT_OK);
	assert_string_equal(rec.s[1], "scst_local");
	assert_int_equal(run("target", "set", "t1", "enabled", "off", NULL), EXIT_OK);
	assert_string_equal(rec.fn, "target_enable");
	assert_false(rec.b);
	assert_int_equal(run("session", "add", "t1", "iqn.x:1", "name", "s1", NULL),
			 EXIT_OK);
	assert_string_equal(rec.s[1], "iqn.x:1");
	assert_string_equal(rec.s[2], "s1");
	assert_int_equal(run("session", "add", "t1", "iqn.x:1", NULL), EXIT_OK);
	assert_string_equal(rec.s[2], "(null)");
	assert_int_equal(run("init", "move", "t", "g", "iqn.*", "h", NULL), EXIT_OK);
	assert_string_equal(rec.fn, "initiator_move");
	assert_string_equal(rec.s[3], "h");
}

static void test_param_verbs(void **state)
{
	(void)state;
	assert_int_equal(run("driver", "set", "iscsi",
			     "portals=10.0.0.1:3260,[::1]:3260", "x=", NULL),
			 EXIT_OK);
	assert_string_equal(rec.fn, "driver_set_params");
	assert_string_equal(rec.s[0], "iscsi");
	assert_string_equal(params_seen, "portals=10.0.0.1:3260,[::1]:3260|x=");

	/* Parameters are set before the target is enabled, in one order. */
	assert_int_equal(run("target", "set", "t1", "HeaderDigest=CRC32C",
			     "enabled", "on", "IncomingUser=joe 0123456789ab",
			     NULL), EXIT_OK);
	assert_int_equal(rec.calls, 2);
	assert_string_equal(rec.fn, "target_enable");
	assert_true(rec.b);
	assert_string_equal(params_seen,
			    "HeaderDigest=CRC32C|IncomingUser=joe 0123456789ab");

	/* Parameters alone leave the enabled state alone. */
	assert_int_equal(run("tar", "set", "t1", "MaxBurstLength=65536", NULL),
			 EXIT_OK);
	assert_int_equal(rec.calls, 1);
	assert_string_equal(rec.fn, "target_set_params");
	assert_string_equal(params_seen, "MaxBurstLength=65536");

	/* A refused parameter: the kernel's sentence, exit 1, no enable. */
	rec.ret = -EINVAL;
	rec.from_kernel = true;
	snprintf(rec.errmsg, sizeof(rec.errmsg),
		 "driver 'iscsi' has no target parameter 'Colour'");
	assert_int_equal(run("target", "set", "t1", "Colour=red", "enabled",
			     "on", NULL), EXIT_ERR);
	assert_int_equal(rec.calls, 1);
	assert_string_equal(rec.fn, "target_set_params");
	assert_string_equal(err,
		"scstctl: driver 'iscsi' has no target parameter 'Colour'\n");

	/* A mistyped parameter never shows what may be a secret. */
	rec.ret = 0;
	assert_int_equal(run("target", "set", "t1", "IncomingUser joe s3cret-s3cret",
			     NULL), EXIT_USAGE);
	assert_contains(err, "unknown target setting 'IncomingUser'");
	assert_null(strstr(err, "s3cret"));
	assert_int_equal(rec.calls, 0);
}

static void test_params_output(void **state)
{
	(void)state;
	assert_int_equal(run("-j", "target", "show", "t1", NULL), EXIT_OK);
	assert_string_equal(out,
		"{\"name\":\"t1\",\"driver\":\"iscsi\",\"enabled\":true,"
		"\"rel_tgt_id\":1,\"sessions\":0,\"params\":"
		"[\"IncomingUser=joe\",\"IncomingUser=ann\","
		"\"HeaderDigest=CRC32C,None\"]}\n");
	assert_int_equal(run("target", "show", "t1", NULL), EXIT_OK);
	assert_string_equal(out,
		"t1 driver iscsi enabled on rel_tgt_id 1 sessions 0 params: "
		"IncomingUser=joe IncomingUser=ann HeaderDigest=CRC32C,None\n");
	/* None: an empty array, and nothing in text. */
	assert_int_equal(run("-j", "target", "show", "plain", NULL), EXIT_OK);
	assert_contains(out, "\"params\":[]}");
	assert_int_equal(run("target", "show", "plain", NULL), EXIT_OK);
	assert_string_equal(out,
		"plain driver iscsi enabled on rel_tgt_id 1 sessions 0\n");
}

static void test_library_errors(void **state)
{
	(void)state;
	/* The kernel's sentence, as is. */
	rec.ret = -ENOENT;
	rec.from_kernel = true;
	strcpy(rec.errmsg, "device 'd9' does not exist");
	assert_int_equal(run("device", "del", "d9", NULL), EXIT_ERR);
	assert_string_equal(err, "scstctl: device 'd9' does not exist\n");
	assert_string_equal(out, "");

	/* No permission and no explanation. */
	rec.ret = -EPERM;
	rec.from_kernel = false;
	rec.errmsg[0] = '\0';
	assert_int_equal(run("device", "del", "d9", NULL), EXIT_ERR);
	assert_contains(err, "permission denied");

	/* The module is not loaded. */
	rec.ret = 0;
	rec.ctx_ret = -EPROTONOSUPPORT;
	assert_int_equal(run("global", "show", NULL), EXIT_ERR);
	assert_string_equal(err, "scstctl: the scst kernel module is not loaded (modprobe scst)\n");
	assert_int_equal(rec.calls, 0);
}

static void test_json_output(void **state)
{
	(void)state;
	assert_int_equal(run("-j", "device", "show", NULL), EXIT_OK);
	assert_string_equal(out,
		"[{\"name\":\"we\\\"ird\\\\na\\tme\",\"handler\":\"vdisk_nullio\","
		"\"users\":0,\"size\":1024,\"read_only\":false},"
		"{\"name\":\"d2\",\"handler\":\"vdisk_fileio\",\"users\":3}]\n");
	/* The same fields in text. */
	assert_int_equal(run("device", "show", NULL), EXIT_OK);
	assert_string_equal(out,
		"we\"ird\\na\tme handler vdisk_nullio users 0 size 1024 read_only off\n"
		"d2 handler vdisk_fileio users 3\n");
	assert_int_equal(run("-p", "global", NULL), EXIT_OK);
	assert_string_equal(out,
		"{\n"
		"  \"version\": \"0.1.0\",\n"
		"  \"async_lun_replace\": true,\n"
		"  \"park_lun_replace\": false\n"
		"}\n");
	assert_int_equal(run("-j", "lun", "show", NULL), EXIT_OK);
	assert_string_equal(out, "[]\n");
}

static void test_printer(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	print_init(f, true, false);
	print_open_object(NULL);
	print_string(PRINT_ANY, "s", "%s", "\x01\x1f\x7f\xc3\xa9");
	print_open_array("a");
	print_uint(PRINT_ANY, NULL, "%u", 1);
	print_open_object(NULL);
	print_close_object();
	print_close_array();
	print_string(PRINT_FP, "text_only", "%s", "x");
	print_null(PRINT_ANY, "n", "-");
	/* Left open on purpose: finishing closes it. */
	print_finish();
	fclose(f);
	assert_string_equal(buf,
		"{\"s\":\"\\u0001\\u001f\\u007f\xc3\xa9\",\"a\":[1,{}],\"n\":null}\n");
	free(buf);
}

static void test_config_check(void **state)
{
	char path[] = "/tmp/scstctl-test-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	(void)state;
	fputs("HANDLER vdisk_nullio {\n\tDEVICE d {\n\t\tsize 1G\n\t}\n}\n", f);
	fclose(f);
	assert_int_equal(run("config", "check", path, NULL), EXIT_OK);
	assert_string_equal(out, "1 devices, 0 targets: ok\n");
	f = fopen(path, "w");
	fputs("HANDLER vdisk_nullio {\n\tDEVICE d {\n\t\tsizee 1G\n\t}\n}\n", f);
	fclose(f);
	assert_int_equal(run("config", "check", path, NULL), EXIT_ERR);
	assert_contains(err, ":3: handler vdisk_nullio has no attribute 'sizee'\n");
	assert_int_equal(strncmp(err, "scstctl: /tmp/scstctl-test-", 27), 0);
	/* No kernel was asked. */
	assert_int_equal(rec.calls, 0);
	unlink(path);
	assert_int_equal(run("config", "check", path, NULL), EXIT_ERR);
	assert_contains(err, "cannot open the file: No such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_options, reset),
		cmocka_unit_test_setup(test_objects_and_prefixes, reset),
		cmocka_unit_test_setup(test_device_add_values, reset),
		cmocka_unit_test_setup(test_usage_errors, reset),
		cmocka_unit_test_setup(test_lun_verbs, reset),
		cmocka_unit_test_setup(test_other_verbs, reset),
		cmocka_unit_test_setup(test_param_verbs, reset),
		cmocka_unit_test_setup(test_params_output, reset),
		cmocka_unit_test_setup(test_library_errors, reset),
		cmocka_unit_test_setup(test_json_output, reset),
		cmocka_unit_test_setup(test_printer, reset),
		cmocka_unit_test_setup(test_config_check, reset),
	};

	return cmocka_run_group_tests_name("scstctl command line", tests, NULL, NULL);
}
