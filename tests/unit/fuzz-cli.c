// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for scstctl's command line: the input, split at
 * newlines and NULs, is the argument list given to scstctl_main(). Every
 * library call that would reach the kernel is replaced (--wrap) by a fake
 * that answers from a small invented configuration, so that each verb
 * runs to its end, printers and "config load" plans included; the files
 * "config" reads come from memory and nothing is ever written to disk.
 *
 * Besides crashes, leaks and undefined behaviour, these count as findings
 * (abort):
 *   - an exit status other than 0, 1 or 2;
 *   - a usage error (exit 2) after a request that changes something;
 *   - a connection or event subscription left open;
 *   - a request the library would be wrong to get: a LUN above
 *     SCST_LUN_MAX, unknown device attribute bits or replace flags, a
 *     device attribute string missing, a parameter that is not KEY=VALUE.
 * Leading arguments "@fail", "@perm", "@noctx", "@empty" and "@listfail"
 * make the fakes fail in those ways (and are not passed on).
 *
 *	make -C tests/unit fuzz-cli [FUZZ_TIME=60]
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "scstctl.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_ARGS	64

static struct {
	bool		fail;		/* requests fail, with a kernel message */
	bool		perm;		/* requests fail with EPERM, no message */
	bool		noctx;		/* the module is not loaded */
	bool		empty;		/* lists are empty */
	bool		listfail;	/* lists fail */
	bool		in_cli;		/* file calls are redirected */
	bool		from_kernel;
	int		ctx_open;
	int		ev_open;
	int		changes;	/* requests that change something */
	unsigned int	ev_next;
	uint64_t	cleanup_id;
	char		errmsg[256];
} fz;

static int fake_ctx, fake_events, null_fd = -1;

#define FAKE_CTX	((struct scst_ctx *)&fake_ctx)
#define FAKE_EVENTS	((struct scst_events *)&fake_events)

static void check(bool ok)
{
	if (!ok)
		abort();
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	check(p != NULL);
	return p;
}

/* A NULL-terminated copy of @v (NULL-terminated too). */
static char **xstrv(const char *const *v)
{
	size_t n = 0, i;
	char **r;

	while (v && v[n])
		n++;
	r = calloc(n + 1, sizeof(*r));
	check(r != NULL);
	for (i = 0; i < n; i++)
		r[i] = xstrdup(v[i]);
	return r;
}

static void *xarray(size_t n)
{
	void **v = calloc(n + 1, sizeof(*v));

	check(v != NULL);
	return v;
}

static void set_err(bool from_kernel, const char *msg)
{
	fz.from_kernel = from_kernel;
	snprintf(fz.errmsg, sizeof(fz.errmsg), "%s", msg);
}

/* Every string the CLI hands over must be readable to its end. */
static void touch(const char *s)
{
	if (s)
		check(strlen(s) < (1U << 20));
}

/* What the real library answers for a missing name. */
static int need(const char *name, const char *what)
{
	char msg[64];

	touch(name);
	if (name && *name)
		return 0;
	snprintf(msg, sizeof(msg), "a %s name is needed", what);
	set_err(false, msg);
	return -EINVAL;
}

/* The answer to a request that changes something. */
static int change(void)
{
	fz.changes++;
	if (fz.perm) {
		set_err(false, "");
		return -EPERM;
	}
	if (fz.fail) {
		set_err(true, "device 'd9' is used by LUN 3 of target 't\"0'");
		return -EBUSY;
	}
	return 0;
}

static int list_answer(void)
{
	if (fz.perm) {
		set_err(false, "");
		return -EPERM;
	}
	if (fz.listfail) {
		set_err(true, "target 'nosuch' does not exist");
		return -ENOENT;
	}
	return 0;
}

static void check_params(const char *const *params)
{
	const char *const *p;

	check(params != NULL);
	for (p = params; *p; p++) {
		const char *eq = strchr(*p, '=');

		check(eq && eq != *p);
	}
}

static void check_attrs(const struct scst_dev_attrs *a)
{
	static const unsigned int strs[] = {
		SCST_DEV_ATTR_FILENAME, SCST_DEV_ATTR_VENDOR,
		SCST_DEV_ATTR_PRODUCT, SCST_DEV_ATTR_REVISION,
		SCST_DEV_ATTR_T10_DEV_ID, SCST_DEV_ATTR_USN,
	};
	char buf[256];
	unsigned int i;

	if (!a)
		return;
	check(!(a->mask >> __SCST_DEV_ATTR_MAX));
	for (i = 0; i < ARRAY_SIZE(strs); i++) {
		const char *s = NULL;

		if (!(a->mask & SCST_DEV_ATTR_BIT(strs[i])))
			continue;
		switch (strs[i]) {
		case SCST_DEV_ATTR_FILENAME:
			s = a->filename;
			break;
		case SCST_DEV_ATTR_VENDOR:
			s = a->vendor;
			break;
		case SCST_DEV_ATTR_PRODUCT:
			s = a->product;
			break;
		case SCST_DEV_ATTR_REVISION:
			s = a->revision;
			break;
		case SCST_DEV_ATTR_T10_DEV_ID:
			s = a->t10_dev_id;
			break;
		default:
			s = a->usn;
			break;
		}
		check(s != NULL);
		touch(s);
	}
	/* Whatever was parsed formats back. */
	for (i = 0; i < __SCST_DEV_ATTR_MAX; i++)
		if (a->mask & SCST_DEV_ATTR_BIT(i))
			check(scst_dev_attrs_format(a, i, buf, sizeof(buf)) >= 0);
}

/* ---- the invented configuration --------------------------------------- */

static const char *const nullio_create[] = {
	"size", "blocksize", "read_only", "rotational", "vendor", "product",
	"naa_id", NULL,
};
static const char *const nullio_runtime[] = { "size", "read_only", NULL };
static const char *const fileio_create[] = {
	"filename", "blocksize", "read_only", "o_direct", "nv_cache",
	"thin_provisioned", "t10_dev_id", "usn", "eui64_id", NULL,
};
static const char *const fileio_runtime[] = {
	"size", "write_through", "nv_cache", NULL,
};
static const char *const iscsi_driver_keys[] = { "portals", NULL };
static const char *const iscsi_target_keys[] = {
	"enabled", "IncomingUser", "OutgoingUser", "HeaderDigest",
	"MaxBurstLength", NULL,
};
static const char *const iscsi_params[] = {
	"portals=0.0.0.0:3260,[::]:3260", NULL,
};
static const char *const tgt1_params[] = {
	"IncomingUser=joe", "IncomingUser=ann", "HeaderDigest=CRC32C,None",
	NULL,
};
static const char *const local_keys[] = { "enabled", NULL };
static const char *const g0_inis[] = {
	"iqn.2026-11.org.example:*", "!iqn.2026-11.org.example:bad", NULL,
};
static const char *const g1_inis[] = { "we\"ird\\pat\x01tern", NULL };
static const char *const sess_params[] = {
	"HeaderDigest=None", "MaxRecvDataSegmentLength=262144", NULL,
};

#define TGT0	"t0"
#define TGT1	"iqn.2026-11.org.example:t1"
#define WEIRD	"we\"ird\\na\tme\xc3\xa9\x7f"

int __wrap_scst_ctx_new(struct scst_ctx **ctxp);
int __wrap_scst_ctx_new(struct scst_ctx **ctxp)
{
	if (fz.noctx) {
		*ctxp = NULL;
		return -EPROTONOSUPPORT;
	}
	fz.ctx_open++;
	*ctxp = FAKE_CTX;
	return 0;
}

void __wrap_scst_ctx_free(struct scst_ctx *ctx);
void __wrap_scst_ctx_free(struct scst_ctx *ctx)
{
	if (!ctx)
		return;
	check(ctx == FAKE_CTX);
	fz.ctx_open--;
}

const char *__wrap_scst_ctx_errmsg(const struct scst_ctx *ctx);
const char *__wrap_scst_ctx_errmsg(const struct scst_ctx *ctx)
{
	check(ctx == FAKE_CTX);
	return fz.errmsg;
}

bool __wrap_scst_ctx_errmsg_from_kernel(const struct scst_ctx *ctx);
bool __wrap_scst_ctx_errmsg_from_kernel(const struct scst_ctx *ctx)
{
	check(ctx == FAKE_CTX);
	return fz.from_kernel;
}

int __wrap_scst_global_get(struct scst_ctx *ctx, struct scst_global **gp);
int __wrap_scst_global_get(struct scst_ctx *ctx, struct scst_global **gp)
{
	struct scst_global *g;
	int err = list_answer();

	check(ctx == FAKE_CTX);
	if (err)
		return err;
	g = calloc(1, sizeof(*g));
	check(g != NULL);
	g->mask = SCST_GLOBAL_VERSION | SCST_GLOBAL_GENERATION |
		  SCST_GLOBAL_ASYNC_LUN_REPLACE | SCST_GLOBAL_PARK_LUN_REPLACE |
		  (fz.empty ? 0 : SCST_GLOBAL_LUN_QUEUE_DEPTH);
	g->version = xstrdup("0.2.0");
	g->generation = 42;
	g->async_lun_replace = true;
	g->lun_queue_depth = 64;
	*gp = g;
	return 0;
}

int __wrap_scst_global_set(struct scst_ctx *ctx, const struct scst_global *g);
int __wrap_scst_global_set(struct scst_ctx *ctx, const struct scst_global *g)
{
	check(ctx == FAKE_CTX);
	check(!(g->mask & ~(SCST_GLOBAL_ASYNC_LUN_REPLACE |
			    SCST_GLOBAL_PARK_LUN_REPLACE |
			    SCST_GLOBAL_LUN_QUEUE_DEPTH)));
	if (!g->mask) {
		set_err(false, "no global setting to change");
		return -EINVAL;
	}
	return change();
}

static struct scst_handler *handler(const char *name, const char *const *c,
				    const char *const *r)
{
	struct scst_handler *h = calloc(1, sizeof(*h));

	check(h != NULL);
	h->name = xstrdup(name);
	h->create_attrs = xstrv(c);
	h->runtime_attrs = xstrv(r);
	return h;
}

int __wrap_scst_handler_list(struct scst_ctx *ctx, struct scst_handler ***out);
int __wrap_scst_handler_list(struct scst_ctx *ctx, struct scst_handler ***out)
{
	struct scst_handler **v;
	int err = list_answer();

	check(ctx == FAKE_CTX);
	if (err)
		return err;
	v = xarray(3);
	*out = v;
	if (fz.empty)
		return 0;
	v[0] = handler("vdisk_nullio", nullio_create, nullio_runtime);
	v[1] = handler("vdisk_fileio", fileio_create, fileio_runtime);
	/* A handler that does not describe itself. */
	v[2] = handler("vdisk_blockio", NULL, NULL);
	return 3;
}

static struct scst_driver *driver(const char *name, const char *const *c,
				  const char *const *r, const char *const *p)
{
	struct scst_driver *d = calloc(1, sizeof(*d));

	check(d != NULL);
	d->name = xstrdup(name);
	d->create_attrs = xstrv(c);
	d->runtime_attrs = xstrv(r);
	d->params = xstrv(p);
	return d;
}

int __wrap_scst_driver_list(struct scst_ctx *ctx, struct scst_driver ***out);
int __wrap_scst_driver_list(struct scst_ctx *ctx, struct scst_driver ***out)
{
	struct scst_driver **v;
	int err = list_answer();

	check(ctx == FAKE_CTX);
	if (err)
		return err;
	v = xarray(2);
	*out = v;
	if (fz.empty)
		return 0;
	v[0] = driver("scst_local", NULL, local_keys, NULL);
	v[1] = driver("iscsi", iscsi_driver_keys, iscsi_target_keys,
		      iscsi_params);
	return 2;
}

int __wrap_scst_driver_set_params(struct scst_ctx *ctx, const char *driver,
				  const char *const *params);
int __wrap_scst_driver_set_params(struct scst_ctx *ctx, const char *driver,
				  const char *const *params)
{
	check(ctx == FAKE_CTX);
	check_params(params);
	return need(driver, "driver") ?: change();
}

static struct scst_device *device(int i)
{
	struct scst_device *d = calloc(1, sizeof(*d));
	struct scst_dev_attrs *a;

	check(d != NULL);
	a = &d->attrs;
	switch (i) {
	case 0:
		d->name = xstrdup("d0");
		d->handler = xstrdup("vdisk_nullio");
		d->users = 2;
		a->mask = SCST_DEV_ATTR_BIT(SCST_DEV_ATTR_SIZE) |
			  SCST_DEV_ATTR_BIT(SCST_DEV_ATTR_BLOCKSIZE) |
			  SCST_DEV_ATTR_BIT(SCST_DEV_ATTR_READ_ONLY) |
			  SCST_DEV_ATTR_BIT(SCST_DEV_ATTR_NAA_ID);
		a->size = 1ULL << 30;
		a->blocksize = 4096;
		a->read_only = true;
		a->naa_id[0] = 0x60;
		break;
	case 1:
		d->name = xstrdup(WEIRD);
		d->handler = xstrdup("vdisk_fileio");
		a->mask = SCST_DEV_ATTR_BIT(SCST_DEV_ATTR_FILENAME) |
			  SCST_DEV_ATTR_BIT(SCST_DEV_ATTR_SIZE) |
			  SCST_DEV_ATTR_BIT(SCST_DEV_ATTR_VENDOR) |
			  SCST_DEV_ATTR_BIT(SCST_DEV_ATTR_T10_DEV_ID) |
			  SCST_DEV_ATTR_BIT(SCST_DEV_ATTR_EUI64_ID);
		a->filename = xstrdup("/srv/with space/\"d1\".img");
		a->size = 12345 * 512ULL;
		a->vendor = xstrdup("ACME");
		a->t10_dev_id = xstrdup("id with\ttab");
		a->eui64_id = UINT64_MAX;
		break;
	default:
		/* A device of a handler that is not loaded any more. */
		d->name = xstrdup("d2");
		d->handler = xstrdup("vdisk_mystery");
		d->users = UINT32_MAX;
		break;
	}
	return d;
}

static const char *const device_names[] = { "d0", WEIRD, "d2" };

int __wrap_scst_device_list(struct scst_ctx *ctx, struct scst_device ***out);
int __wrap_scst_device_list(struct scst_ctx *ctx, struct scst_device ***out)
{
	struct scst_device **v;
	int err = list_answer(), i;

	check(ctx == FAKE_CTX);
	if (err)
		return err;
	v = xarray(3);
	*out = v;
	if (fz.empty)
		return 0;
	for (i = 0; i < 3; i++)
		v[i] = device(i);
	return 3;
}

int __wrap_scst_device_get(struct scst_ctx *ctx, const char *name,
			   struct scst_device **out);
int __wrap_scst_device_get(struct scst_ctx *ctx, const char *name,
			   struct scst_device **out)
{
	int err = need(name, "device") ?: list_answer();
	unsigned int i;

	check(ctx == FAKE_CTX);
	if (err)
		return err;
	for (i = 0; !fz.empty && i < ARRAY_SIZE(device_names); i++) {
		if (!strcmp(name, device_names[i])) {
			*out = device(i);
			return 0;
		}
	}
	set_err(true, "device does not exist");
	return -ENOENT;
}

int __wrap_scst_device_add(struct scst_ctx *ctx, const char *name,
			   const char *handler, const struct scst_dev_attrs *a);
int __wrap_scst_device_add(struct scst_ctx *ctx, const char *name,
			   const char *handler, const struct scst_dev_attrs *a)
{
	check(ctx == FAKE_CTX);
	check_attrs(a);
	return need(name, "device") ?: need(handler, "handler") ?: change();
}

int __wrap_scst_device_set(struct scst_ctx *ctx, const char *name,
			   const struct scst_dev_attrs *a);
int __wrap_scst_device_set(struct scst_ctx *ctx, const char *name,
			   const struct scst_dev_attrs *a)
{
	check(ctx == FAKE_CTX);
	check(a != NULL);
	check_attrs(a);
	return need(name, "device") ?: change();
}

int __wrap_scst_device_del(struct scst_ctx *ctx, const char *name);
int __wrap_scst_device_del(struct scst_ctx *ctx, const char *name)
{
	check(ctx == FAKE_CTX);
	return need(name, "device") ?: change();
}

static struct scst_target *target(int i)
{
	struct scst_target *t = calloc(1, sizeof(*t));

	check(t != NULL);
	t->name = xstrdup(i ? TGT1 : TGT0);
	t->driver = xstrdup(i ? "iscsi" : "scst_local");
	t->enabled = !i;
	t->rel_tgt_id = i + 1;
	t->nr_sessions = 1;
	t->params = xstrv(i ? tgt1_params : NULL);
	return t;
}

int __wrap_scst_target_list(struct scst_ctx *ctx, struct scst_target ***out);
int __wrap_scst_target_list(struct scst_ctx *ctx, struct scst_target ***out)
{
	struct scst_target **v;
	int err = list_answer();

	check(ctx == FAKE_CTX);
	if (err)
		return err;
	v = xarray(2);
	*out = v;
	if (fz.empty)
		return 0;
	v[0] = target(0);
	v[1] = target(1);
	return 2;
}

int __wrap_scst_target_get(struct scst_ctx *ctx, const char *name,
			   struct scst_target **out);
int __wrap_scst_target_get(struct scst_ctx *ctx, const char *name,
			   struct scst_target **out)
{
	int err = need(name, "target") ?: list_answer();

	check(ctx == FAKE_CTX);
	if (err)
		return err;
	if (!fz.empty && (!strcmp(name, TGT0) || !strcmp(name, TGT1))) {
		*out = target(!strcmp(name, TGT1));
		return 0;
	}
	set_err(true, "target does not exist");
	return -ENOENT;
}

int __wrap_scst_target_add(struct scst_ctx *ctx, const char *name,
			   const char *driver);
int __wrap_scst_target_add(struct scst_ctx *ctx, const char *name,
			   const char *driver)
{
	check(ctx == FAKE_CTX);
	return need(name, "target") ?: need(driver, "driver") ?: change();
}

int __wrap_scst_target_del(struct scst_ctx *ctx, const char *name);
int __wrap_scst_target_del(struct scst_ctx *ctx, const char *name)
{
	check(ctx == FAKE_CTX);
	return need(name, "target") ?: change();
}

int __wrap_scst_target_enable(struct scst_ctx *ctx, const char *name,
			      bool enabled);
int __wrap_scst_target_enable(struct scst_ctx *ctx, const char *name,
			      bool enabled)
{
	check(ctx == FAKE_CTX);
	(void)enabled;
	return need(name, "target") ?: change();
}

int __wrap_scst_target_set_params(struct scst_ctx *ctx, const char *name,
				  const char *const *params);
int __wrap_scst_target_set_params(struct scst_ctx *ctx, const char *name,
				  const char *const *params)
{
	check(ctx == FAKE_CTX);
	check_params(params);
	return need(name, "target") ?: change();
}

static struct scst_group *group(int i)
{
	struct scst_group *g = calloc(1, sizeof(*g));

	check(g != NULL);
	g->target = xstrdup(i == 2 ? TGT1 : TGT0);
	g->name = xstrdup(i == 0 ? "g0" : i == 1 ? "g 1" : "g2");
	g->initiators = xstrv(i == 0 ? g0_inis : i == 1 ? g1_inis : NULL);
	return g;
}

static bool match(const char *filter, const char *name)
{
	return !filter || !strcmp(filter, name);
}

int __wrap_scst_group_list(struct scst_ctx *ctx, const char *tgt,
			   struct scst_group ***out);
int __wrap_scst_group_list(struct scst_ctx *ctx, const char *tgt,
			   struct scst_group ***out)
{
	struct scst_group **v;
	int err = list_answer(), i, n = 0;

	check(ctx == FAKE_CTX);
	touch(tgt);
	if (err)
		return err;
	v = xarray(3);
	*out = v;
	for (i = 0; !fz.empty && i < 3; i++)
		if (match(tgt, i == 2 ? TGT1 : TGT0))
			v[n++] = group(i);
	return n;
}

int __wrap_scst_group_add(struct scst_ctx *ctx, const char *t, const char *g);
int __wrap_scst_group_add(struct scst_ctx *ctx, const char *t, const char *g)
{
	check(ctx == FAKE_CTX);
	return need(t, "target") ?: need(g, "group") ?: change();
}

int __wrap_scst_group_del(struct scst_ctx *ctx, const char *t, const char *g);
int __wrap_scst_group_del(struct scst_ctx *ctx, const char *t, const char *g)
{
	check(ctx == FAKE_CTX);
	return need(t, "target") ?: need(g, "group") ?: change();
}

int __wrap_scst_initiator_add(struct scst_ctx *ctx, const char *t,
			      const char *g, const char *p);
int __wrap_scst_initiator_add(struct scst_ctx *ctx, const char *t,
			      const char *g, const char *p)
{
	check(ctx == FAKE_CTX);
	return need(t, "target") ?: need(g, "group") ?:
	       need(p, "initiator") ?: change();
}

int __wrap_scst_initiator_del(struct scst_ctx *ctx, const char *t,
			      const char *g, const char *p);
int __wrap_scst_initiator_del(struct scst_ctx *ctx, const char *t,
			      const char *g, const char *p)
{
	check(ctx == FAKE_CTX);
	return need(t, "target") ?: need(g, "group") ?:
	       need(p, "initiator") ?: change();
}

int __wrap_scst_initiator_move(struct scst_ctx *ctx, const char *t,
			       const char *g, const char *p, const char *ng);
int __wrap_scst_initiator_move(struct scst_ctx *ctx, const char *t,
			       const char *g, const char *p, const char *ng)
{
	check(ctx == FAKE_CTX);
	return need(t, "target") ?: need(g, "group") ?:
	       need(p, "initiator") ?: need(ng, "group") ?: change();
}

int __wrap_scst_initiator_clear(struct scst_ctx *ctx, const char *t,
				const char *g);
int __wrap_scst_initiator_clear(struct scst_ctx *ctx, const char *t,
				const char *g)
{
	check(ctx == FAKE_CTX);
	return need(t, "target") ?: need(g, "group") ?: change();
}

static struct scst_lun *lun(int i)
{
	struct scst_lun *l = calloc(1, sizeof(*l));

	check(l != NULL);
	l->target = xstrdup(i == 2 ? TGT1 : TGT0);
	l->group = i == 1 ? xstrdup("g0") : NULL;
	l->lun = i == 2 ? SCST_LUN_MAX : i;
	l->device = xstrdup(i == 2 ? WEIRD : "d0");
	l->read_only = i == 1;
	return l;
}

int __wrap_scst_lun_list(struct scst_ctx *ctx, const char *t, const char *g,
			 struct scst_lun ***out);
int __wrap_scst_lun_list(struct scst_ctx *ctx, const char *t, const char *g,
			 struct scst_lun ***out)
{
	struct scst_lun **v;
	int err = list_answer(), i, n = 0;

	check(ctx == FAKE_CTX);
	touch(t);
	touch(g);
	check(t || !g);
	if (err)
		return err;
	v = xarray(3);
	*out = v;
	for (i = 0; !fz.empty && i < 3; i++)
		if (match(t, i == 2 ? TGT1 : TGT0) &&
		    (!g || (i == 1 && !strcmp(g, "g0"))))
			v[n++] = lun(i);
	return n;
}

int __wrap_scst_lun_add(struct scst_ctx *ctx, const char *t, const char *g,
			uint32_t l, const char *d, bool ro);
int __wrap_scst_lun_add(struct scst_ctx *ctx, const char *t, const char *g,
			uint32_t l, const char *d, bool ro)
{
	check(ctx == FAKE_CTX);
	check(l <= SCST_LUN_MAX);
	touch(g);
	(void)ro;
	return need(t, "target") ?: need(d, "device") ?: change();
}

int __wrap_scst_lun_del(struct scst_ctx *ctx, const char *t, const char *g,
			uint32_t l);
int __wrap_scst_lun_del(struct scst_ctx *ctx, const char *t, const char *g,
			uint32_t l)
{
	check(ctx == FAKE_CTX);
	check(l <= SCST_LUN_MAX);
	touch(g);
	return need(t, "target") ?: change();
}

int __wrap_scst_lun_replace(struct scst_ctx *ctx, const char *t,
			    const char *g, uint32_t l, const char *d,
			    unsigned int flags, uint64_t *id, bool *fallback);
int __wrap_scst_lun_replace(struct scst_ctx *ctx, const char *t,
			    const char *g, uint32_t l, const char *d,
			    unsigned int flags, uint64_t *id, bool *fallback)
{
	int err;

	check(ctx == FAKE_CTX);
	check(l <= SCST_LUN_MAX);
	check(!(flags & ~(SCST_REPLACE_ASYNC | SCST_REPLACE_PARK |
			  SCST_REPLACE_NO_UA)));
	touch(g);
	err = need(t, "target") ?: need(d, "device") ?: change();
	if (err)
		return err;
	/* Async or parked: a cleanup id; sometimes the fallback instead. */
	fz.cleanup_id = flags & (SCST_REPLACE_ASYNC | SCST_REPLACE_PARK) ?
			100 + l : 0;
	*fallback = fz.cleanup_id && l % 3 == 1;
	if (*fallback)
		fz.cleanup_id = 0;
	*id = fz.cleanup_id;
	return 0;
}

int __wrap_scst_lun_clear(struct scst_ctx *ctx, const char *t, const char *g);
int __wrap_scst_lun_clear(struct scst_ctx *ctx, const char *t, const char *g)
{
	check(ctx == FAKE_CTX);
	touch(g);
	return need(t, "target") ?: change();
}

static struct scst_session *session(int i)
{
	struct scst_session *s = calloc(1, sizeof(*s));

	check(s != NULL);
	s->target = xstrdup(i ? TGT1 : TGT0);
	s->name = xstrdup(i ? "iqn.2026-11.org.example:host,i,0x23d000000,1" :
			  "s0");
	s->initiator = xstrdup(i ? "iqn.2026-11.org.example:host" :
			       "iqn.2026-11.org.example:local");
	s->group = i ? NULL : xstrdup("g0");
	s->cmds_inflight = 3;
	s->scsi_host = i ? -1 : 7;
	s->params = xstrv(i ? sess_params : NULL);
	s->task_set_full = i;
	return s;
}

int __wrap_scst_session_list(struct scst_ctx *ctx, const char *t,
			     struct scst_session ***out);
int __wrap_scst_session_list(struct scst_ctx *ctx, const char *t,
			     struct scst_session ***out)
{
	struct scst_session **v;
	int err = list_answer(), i, n = 0;

	check(ctx == FAKE_CTX);
	touch(t);
	if (err)
		return err;
	v = xarray(2);
	*out = v;
	for (i = 0; !fz.empty && i < 2; i++)
		if (match(t, i ? TGT1 : TGT0))
			v[n++] = session(i);
	return n;
}

int __wrap_scst_session_add(struct scst_ctx *ctx, const char *t,
			    const char *ini, const char *name);
int __wrap_scst_session_add(struct scst_ctx *ctx, const char *t,
			    const char *ini, const char *name)
{
	check(ctx == FAKE_CTX);
	touch(name);
	return need(t, "target") ?: need(ini, "initiator") ?: change();
}

int __wrap_scst_session_del(struct scst_ctx *ctx, const char *t,
			    const char *name);
int __wrap_scst_session_del(struct scst_ctx *ctx, const char *t,
			    const char *name)
{
	check(ctx == FAKE_CTX);
	return need(t, "target") ?: need(name, "session") ?: change();
}

int __wrap_scst_cleanup_list(struct scst_ctx *ctx, struct scst_cleanup ***out);
int __wrap_scst_cleanup_list(struct scst_ctx *ctx, struct scst_cleanup ***out)
{
	struct scst_cleanup **v;
	int err = list_answer(), i;

	check(ctx == FAKE_CTX);
	if (err)
		return err;
	v = xarray(2);
	*out = v;
	if (fz.empty)
		return 0;
	for (i = 0; i < 2; i++) {
		struct scst_cleanup *c = calloc(1, sizeof(*c));

		check(c != NULL);
		c->id = 17 + i;
		c->target = xstrdup(TGT0);
		c->group = i ? xstrdup("g0") : NULL;
		c->lun = i;
		c->old_device = xstrdup(i ? WEIRD : "d2");
		c->device = i ? xstrdup("d0") : NULL;
		c->state = i ? SCST_CLEANUP_PARKED : 77;
		c->cmds_inflight = 5;
		c->age_ms = 1234;
		c->drained = i;
		c->nr_drained = 9;
		c->drain_ms = 2;
		v[i] = c;
	}
	return 2;
}

int __wrap_scst_cleanup_release(struct scst_ctx *ctx, uint64_t id);
int __wrap_scst_cleanup_release(struct scst_ctx *ctx, uint64_t id)
{
	check(ctx == FAKE_CTX);
	(void)id;
	return change();
}

int __wrap_scst_cleanup_release_all(struct scst_ctx *ctx);
int __wrap_scst_cleanup_release_all(struct scst_ctx *ctx)
{
	check(ctx == FAKE_CTX);
	return change();
}

/* ---- events ----------------------------------------------------------------- */

int __wrap_scst_event_open(struct scst_ctx *ctx, struct scst_events **evs);
int __wrap_scst_event_open(struct scst_ctx *ctx, struct scst_events **evs)
{
	int err = list_answer();

	check(ctx == FAKE_CTX);
	if (err)
		return err;
	fz.ev_open++;
	fz.ev_next = 0;
	*evs = FAKE_EVENTS;
	return 0;
}

void __wrap_scst_event_close(struct scst_events *evs);
void __wrap_scst_event_close(struct scst_events *evs)
{
	if (!evs)
		return;
	check(evs == FAKE_EVENTS);
	fz.ev_open--;
}

int __wrap_scst_event_fd(const struct scst_events *evs);
int __wrap_scst_event_fd(const struct scst_events *evs)
{
	check(evs == FAKE_EVENTS);
	return null_fd;
}

/*
 * A few events of every shape, then an error that ends the monitor's loop
 * (the fake never answers "nothing yet", so nobody ever waits in poll()).
 */
int __wrap_scst_event_read(struct scst_events *evs,
			   const struct scst_event **evp);
int __wrap_scst_event_read(struct scst_events *evs,
			   const struct scst_event **evp)
{
	static struct scst_event ev;

	check(evs == FAKE_EVENTS);
	memset(&ev, 0, sizeof(ev));
	*evp = &ev;
	switch (fz.ev_next++) {
	case 0:
		ev.cmd = SCST_CMD_DEVICE_NEW;
		ev.handler = "vdisk_nullio";
		ev.device = WEIRD;
		return 1;
	case 1:
		if (fz.fail) {
			set_err(false, "events were lost: the receive buffer overflowed");
			return -ENOBUFS;
		}
		ev.cmd = SCST_CMD_GLOBAL_SET;
		ev.mask = SCST_EV_ASYNC_LUN_REPLACE | SCST_EV_PARK_LUN_REPLACE |
			  SCST_EV_GENERATION | SCST_EV_LUN_QUEUE_DEPTH;
		ev.generation = 7;
		return 1;
	case 2:
		ev.cmd = SCST_CMD_SESSION_NEW;
		ev.target = TGT0;
		ev.session = "s0";
		ev.initiator = "iqn.x";
		ev.mask = SCST_EV_SCSI_HOST;
		ev.scsi_host = 3;
		return 1;
	case 3:
		ev.cmd = SCST_CMD_CLEANUP_NTF;
		ev.mask = SCST_EV_CLEANUP_ID | SCST_EV_CLEANUP_STATE |
			  SCST_EV_DRAINED | SCST_EV_DRAIN_MS | SCST_EV_LUN;
		ev.cleanup_id = fz.cleanup_id;
		ev.cleanup_state = SCST_CLEANUP_DRAINED;
		ev.target = TGT0;
		ev.old_device = "d0";
		ev.drained = 4;
		return 1;
	case 4:
		ev.cmd = SCST_CMD_CLEANUP_NTF;
		ev.mask = SCST_EV_CLEANUP_ID | SCST_EV_CLEANUP_STATE;
		ev.cleanup_id = fz.cleanup_id;
		ev.cleanup_state = fz.fail ? 99 : SCST_CLEANUP_FREED;
		return 1;
	case 5:
		ev.cmd = 250;
		ev.mask = UINT32_MAX & ~(SCST_EV_CLEANUP_ID);
		ev.target = "";
		return 1;
	}
	set_err(false, "the event socket went away");
	return -ECONNRESET;
}

/* ---- files: read from memory, never written ------------------------------- */

FILE *__real_fopen(const char *path, const char *mode);
int __real_mkstemp(char *tmpl);
int __real_rename(const char *from, const char *to);
int __real_unlink(const char *path);

/*
 * What "config load|check FILE" reads: a path with "bad", "empty" or
 * "dangling" in it gets the file of that kind, one with "nosuch" none,
 * any other the first.
 */
static const char *const conf_files[] = {
	"# scst.conf as scstctl config save writes it\n"
	"async_lun_replace 1\n"
	"HANDLER vdisk_nullio {\n"
	"\tDEVICE d0 {\n\t\tsize 1G\n\t\tread_only 1\n\t}\n"
	"\tDEVICE new {\n\t\tsize 4096\n\t}\n"
	"}\n"
	"HANDLER vdisk_fileio {\n"
	"\tDEVICE \"we\\\"ird\" {\n\t\tfilename /srv/x.img\n\t}\n"
	"}\n"
	"TARGET_DRIVER iscsi {\n"
	"\tportals 127.0.0.1:3260\n"
	"\tTARGET iqn.2026-11.org.example:t1 {\n"
	"\t\tenabled 1\n\t\tIncomingUser \"joe 12charsecret\"\n"
	"\t\tLUN 0 d0\n"
	"\t\tGROUP g0 {\n\t\t\tLUN 1 new\n\t\t\tINITIATOR iqn.x:*\n\t\t}\n"
	"\t}\n"
	"}\n"
	"TARGET_DRIVER scst_local {\n"
	"\tTARGET t0 {\n\t\tLUN 16383 d0 {\n\t\t\tread_only 1\n\t\t}\n"
	"\t\tsession s1 iqn.2026-11.org.example:local\n\t}\n"
	"}\n",
	"HANDLER vdisk_nullio {\n\tDEVICE d {\n\t\tsizee 1G\n\t}\n}\n",
	"",
	"TARGET_DRIVER scst_local {\n\tTARGET t0 {\n\t\tLUN 0 nosuch\n\t}\n}\n",
};

FILE *__wrap_fopen(const char *path, const char *mode);
FILE *__wrap_fopen(const char *path, const char *mode)
{
	const char *text;

	if (!fz.in_cli)
		return __real_fopen(path, mode);
	touch(path);
	if (strcmp(mode, "r")) {
		errno = EACCES;
		return NULL;
	}
	if (strstr(path, "nosuch")) {
		errno = ENOENT;
		return NULL;
	}
	text = conf_files[strstr(path, "bad") ? 1 : strstr(path, "empty") ? 2 :
			  strstr(path, "dangling") ? 3 : 0];
	/* fmemopen() wants a buffer of at least a byte. */
	return fmemopen((void *)text, strlen(text) + !*text, "r");
}

int __wrap_mkstemp(char *tmpl);
int __wrap_mkstemp(char *tmpl)
{
	size_t n;

	if (!fz.in_cli)
		return __real_mkstemp(tmpl);
	n = strlen(tmpl);
	check(n >= 6 && !strcmp(tmpl + n - 6, "XXXXXX"));
	memcpy(tmpl + n - 6, "fuzzed", 6);
	if (fz.fail) {
		errno = EROFS;
		return -1;
	}
	return memfd_create("scstctl-save", MFD_CLOEXEC);
}

int __wrap_rename(const char *from, const char *to);
int __wrap_rename(const char *from, const char *to)
{
	if (!fz.in_cli)
		return __real_rename(from, to);
	touch(from);
	touch(to);
	return 0;
}

int __wrap_unlink(const char *path);
int __wrap_unlink(const char *path)
{
	if (!fz.in_cli)
		return __real_unlink(path);
	touch(path);
	return 0;
}

/* ---- the target ------------------------------------------------------------------ */

static struct sigaction saved_int, saved_term;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* "config load -" reads standard input: let it be empty. */
	if (!freopen("/dev/null", "r", stdin))
		abort();
	null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	check(null_fd >= 0);
	/* The monitor takes SIGINT and SIGTERM: give them back after it. */
	sigaction(SIGINT, NULL, &saved_int);
	sigaction(SIGTERM, NULL, &saved_term);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 2];
	int argc = 0, ret, i;
	size_t start = 0, pos;

	memset(&fz, 0, sizeof(fz));
	argv[argc++] = xstrdup("scstctl");
	/* Arguments end at a newline or a NUL; each in its own allocation. */
	for (pos = 0; pos <= size && argc <= MAX_ARGS; pos++) {
		char *a;

		if (pos < size && data[pos] != '\n' && data[pos] != '\0')
			continue;
		if (pos == size && pos == start)
			break;
		a = malloc(pos - start + 1);
		check(a != NULL);
		memcpy(a, data + start, pos - start);
		a[pos - start] = '\0';
		start = pos + 1;
		/* Leading "@word" arguments steer the fakes. */
		if (argc == 1 && a[0] == '@') {
			fz.fail |= !strcmp(a, "@fail");
			fz.perm |= !strcmp(a, "@perm");
			fz.noctx |= !strcmp(a, "@noctx");
			fz.empty |= !strcmp(a, "@empty");
			fz.listfail |= !strcmp(a, "@listfail");
			if (!strcmp(a, "@fail") || !strcmp(a, "@perm") ||
			    !strcmp(a, "@noctx") || !strcmp(a, "@empty") ||
			    !strcmp(a, "@listfail")) {
				free(a);
				continue;
			}
		}
		argv[argc++] = a;
	}
	argv[argc] = NULL;

	clearerr(stdin);
	fz.in_cli = true;
	ret = scstctl_main(argc, argv);
	fz.in_cli = false;
	fflush(stdout);
	fflush(stderr);
	clearerr(stdout);
	sigaction(SIGINT, &saved_int, NULL);
	sigaction(SIGTERM, &saved_term, NULL);

	check(ret == EXIT_OK || ret == EXIT_ERR || ret == EXIT_USAGE);
	check(ret != EXIT_USAGE || !fz.changes);
	check(!fz.ctx_open && !fz.ev_open);
	for (i = 0; i < argc; i++)
		free(argv[i]);
	return 0;
}
