// SPDX-License-Identifier: GPL-2.0-only
/*
 * scst.conf, in the grammar SCST's scstadmin reads and writes:
 *
 *	async_lun_replace 0
 *	HANDLER vdisk_fileio {
 *		DEVICE disk1 {
 *			filename /srv/disk1.img
 *		}
 *	}
 *	TARGET_DRIVER scst_local {
 *		TARGET local {
 *			enabled 1
 *			LUN 0 disk1 [read_only 1]
 *			GROUP hosts {
 *				LUN 0 disk2
 *				INITIATOR iqn.1993-08.org.debian:*
 *			}
 *			session host1 iqn.1993-08.org.debian:01:host1
 *		}
 *	}
 *	TARGET_DRIVER iscsi {
 *		portals 0.0.0.0:3260
 *		TARGET iqn.2024-01.example:t1 {
 *			IncomingUser "joe 0123456789ab"
 *			HeaderDigest CRC32C
 *		}
 *	}
 *
 * Parsing goes in two steps: a lexer and a generic tree of statements
 * ("words on a line, optionally followed by a { block }"), then the
 * interpretation of that tree. Every message carries FILE:LINE.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

/* Largest configuration file read (a sanity bound, not a design limit). */
#define CFG_FILE_MAX	(64 << 20)
/* Deeper nesting than TARGET_DRIVER/TARGET/GROUP/LUN is an error anyway. */
#define CFG_DEPTH_MAX	16
/* Stop collecting messages after this many. */
#define CFG_ERRORS_MAX	50

/* ---- small helpers ----------------------------------------------------- */

/* Appends a zeroed element of @size to *@v; NULL when out of memory. */
static void *grow(void *vp, size_t *n, size_t size)
{
	void **v = vp;
	char *nv;

	nv = realloc(*v, (*n + 1) * size);
	if (!nv)
		return NULL;
	*v = nv;
	memset(nv + *n * size, 0, size);
	return nv + (*n)++ * size;
}

static int errors_add(struct cfg_errors *errs, const char *file, int line,
		      const char *fmt, va_list ap)
{
	char msg[512], *full, **v;
	int n;

	if (errs->n >= CFG_ERRORS_MAX)
		return 0;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (line > 0)
		n = asprintf(&full, "%s:%d: %s", file, line, msg);
	else
		n = asprintf(&full, "%s: %s", file, msg);
	if (n < 0)
		return -ENOMEM;
	v = realloc(errs->msgs, (errs->n + 1) * sizeof(*v));
	if (!v) {
		free(full);
		return -ENOMEM;
	}
	errs->msgs = v;
	errs->msgs[errs->n++] = full;
	return 0;
}

void config_errors_free(struct cfg_errors *errs)
{
	size_t i;

	for (i = 0; i < errs->n; i++)
		free(errs->msgs[i]);
	free(errs->msgs);
	errs->msgs = NULL;
	errs->n = 0;
}

/* ---- handlers known without asking the kernel ------------------------- */

#define B(x)	SCST_DEV_ATTR_BIT(SCST_DEV_ATTR_##x)
#define VDISK_COMMON	(B(BLOCKSIZE) | B(READ_ONLY) | B(WRITE_THROUGH) | \
			 B(NV_CACHE) | B(THIN_PROVISIONED) | B(ROTATIONAL) | \
			 B(VENDOR) | B(PRODUCT) | B(REVISION) | \
			 B(T10_DEV_ID) | B(USN) | B(NAA_ID) | B(EUI64_ID))

#define VDISK_RUNTIME	(B(SIZE) | B(WRITE_THROUGH) | B(NV_CACHE) | B(ROTATIONAL))

/* What kmod/handlers registers; the kernel's own list wins when loaded. */
static struct cfg_handler builtin_handler_v[] = {
	{ "vdisk_blockio", VDISK_COMMON | B(FILENAME), VDISK_RUNTIME },
	{ "vdisk_fileio", VDISK_COMMON | B(FILENAME) | B(O_DIRECT),
	  VDISK_RUNTIME },
	{ "vdisk_nullio", VDISK_COMMON | B(SIZE), VDISK_RUNTIME | B(READ_ONLY) },
};

/* What kmod/drivers registers: keys of driver and target parameters. */
static const char *const builtin_no_keys[] = { NULL };
static const char *const builtin_iscsi_driver_keys[] = { "portals", NULL };
static const char *const builtin_iscsi_target_keys[] = {
	"IncomingUser", "OutgoingUser", "HeaderDigest", "DataDigest",
	"InitialR2T", "ImmediateData", "MaxRecvDataSegmentLength",
	"MaxXmitDataSegmentLength", "MaxBurstLength", "FirstBurstLength",
	"QueuedCommands", "NopInInterval", "NopInTimeout", NULL
};

static const struct cfg_driver_keys builtin_driver_v[] = {
	{ "iscsi", builtin_iscsi_driver_keys, builtin_iscsi_target_keys },
	{ "scst_local", builtin_no_keys, builtin_no_keys },
};

static const struct cfg_handlers builtin_handlers = {
	builtin_handler_v,
	sizeof(builtin_handler_v) / sizeof(builtin_handler_v[0]),
	builtin_driver_v,
	sizeof(builtin_driver_v) / sizeof(builtin_driver_v[0]),
};

const struct cfg_handlers *config_builtin_handlers(void)
{
	return &builtin_handlers;
}

const struct cfg_handler *config_find_handler(const struct cfg_handlers *h,
					      const char *name)
{
	size_t i;

	for (i = 0; h && i < h->n; i++)
		if (!strcmp(h->v[i].name, name))
			return &h->v[i];
	return NULL;
}

const struct cfg_driver_keys *config_find_driver(const struct cfg_handlers *h,
						 const char *name)
{
	size_t i;

	for (i = 0; h && i < h->ndrivers; i++)
		if (!strcmp(h->drivers[i].name, name))
			return &h->drivers[i];
	return NULL;
}

static bool has_key(const char *const *keys, const char *key)
{
	for (; keys && *keys; keys++)
		if (!strcmp(*keys, key))
			return true;
	return false;
}

bool config_driver_has_sessions(const char *driver)
{
	return driver && !strcmp(driver, "scst_local");
}

static struct cfg_group *find_group_rw(struct cfg_target *t, const char *name)
{
	size_t i;

	if (!name)
		return &t->dflt;
	for (i = 0; i < t->ngroups; i++)
		if (!strcmp(t->groups[i].name, name))
			return &t->groups[i];
	return NULL;
}

/* ---- lexer ------------------------------------------------------------ */

enum tok { T_WORD, T_NL, T_OPEN, T_CLOSE, T_EOF, T_ERR };

struct lexer {
	const char		*p;
	const char		*end;
	int			line;
	int			tok_line;
	char			*word;		/* T_WORD: owned by the caller */
	const char		*file;
	struct cfg_errors	*errs;
	int			err;
};

static int lex_error(struct lexer *lx, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int lex_error(struct lexer *lx, int line, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = errors_add(lx->errs, lx->file, line, fmt, ap);
	va_end(ap);
	lx->err = err ? err : -EINVAL;
	return T_ERR;
}

static bool is_delim(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f' || c == '{' || c == '}' || c == '"';
}

static enum tok lex_quoted(struct lexer *lx)
{
	char *buf, *o;

	buf = malloc(lx->end - lx->p + 1);
	if (!buf) {
		lx->err = -ENOMEM;
		return T_ERR;
	}
	o = buf;
	lx->p++;
	while (lx->p < lx->end && *lx->p != '"') {
		if (*lx->p == '\n')
			break;
		if (*lx->p == '\\' && lx->p + 1 < lx->end &&
		    (lx->p[1] == '"' || lx->p[1] == '\\'))
			lx->p++;
		*o++ = *lx->p++;
	}
	if (lx->p >= lx->end || *lx->p != '"') {
		free(buf);
		return lex_error(lx, lx->tok_line, "a quoted string is not closed on its line");
	}
	lx->p++;
	*o = '\0';
	lx->word = buf;
	return T_WORD;
}

static enum tok lex(struct lexer *lx)
{
	const char *start;

	lx->word = NULL;
	for (;;) {
		while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' ||
					   *lx->p == '\r' || *lx->p == '\v' ||
					   *lx->p == '\f'))
			lx->p++;
		if (lx->p < lx->end && *lx->p == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
		}
		break;
	}
	lx->tok_line = lx->line;
	if (lx->p >= lx->end)
		return T_EOF;
	switch (*lx->p) {
	case '\n':
		lx->p++;
		lx->line++;
		return T_NL;
	case '{':
		lx->p++;
		return T_OPEN;
	case '}':
		lx->p++;
		return T_CLOSE;
	case '"':
		return lex_quoted(lx);
	case '\0':
		return lex_error(lx, lx->line, "the file contains a NUL byte");
	}
	start = lx->p;
	while (lx->p < lx->end && !is_delim(*lx->p)) {
		if (*lx->p == '\0')
			return lex_error(lx, lx->line, "the file contains a NUL byte");
		lx->p++;
	}
	lx->word = strndup(start, lx->p - start);
	if (!lx->word) {
		lx->err = -ENOMEM;
		return T_ERR;
	}
	return T_WORD;
}

/* ---- statement tree ---------------------------------------------------- */

struct node {
	char		**w;
	size_t		nw;
	int		line;
	bool		block;
	struct node	*kids;
	size_t		nkids;
};

static void node_free(struct node *n)
{
	size_t i;

	for (i = 0; i < n->nw; i++)
		free(n->w[i]);
	free(n->w);
	for (i = 0; i < n->nkids; i++)
		node_free(&n->kids[i]);
	free(n->kids);
}

static int parse_block(struct lexer *lx, struct node *blk, bool top,
		       int open_line, int depth)
{
	ssize_t cur = -1;	/* statement being collected, index in kids */
	struct node *n;
	char **w;
	int err;

	if (depth > CFG_DEPTH_MAX) {
		lex_error(lx, open_line, "blocks are nested too deeply");
		return lx->err;
	}
	for (;;) {
		switch (lex(lx)) {
		case T_ERR:
			return lx->err;
		case T_WORD:
			if (cur < 0) {
				n = grow(&blk->kids, &blk->nkids, sizeof(*n));
				if (!n) {
					free(lx->word);
					return -ENOMEM;
				}
				n->line = lx->tok_line;
				cur = blk->nkids - 1;
			}
			n = &blk->kids[cur];
			if (n->block) {
				/* "} word": a new statement after a block. */
				n = grow(&blk->kids, &blk->nkids, sizeof(*n));
				if (!n) {
					free(lx->word);
					return -ENOMEM;
				}
				n->line = lx->tok_line;
				cur = blk->nkids - 1;
			}
			w = realloc(n->w, (n->nw + 1) * sizeof(*w));
			if (!w) {
				free(lx->word);
				return -ENOMEM;
			}
			n->w = w;
			n->w[n->nw++] = lx->word;
			break;
		case T_NL:
			cur = -1;
			break;
		case T_OPEN:
			if (cur < 0) {
				/* A '{' alone on its line opens the block of
				 * the statement above it. */
				if (blk->nkids && !blk->kids[blk->nkids - 1].block)
					cur = blk->nkids - 1;
				else {
					lex_error(lx, lx->tok_line, "'{' without a keyword before it");
					return lx->err;
				}
			}
			n = &blk->kids[cur];
			if (n->block) {
				lex_error(lx, lx->tok_line, "a second '{' for '%s'", n->w[0]);
				return lx->err;
			}
			n->block = true;
			err = parse_block(lx, n, false, lx->tok_line, depth + 1);
			if (err)
				return err;
			break;
		case T_CLOSE:
			if (top) {
				lex_error(lx, lx->tok_line, "'}' without a matching '{'");
				return lx->err;
			}
			return 0;
		case T_EOF:
			if (!top) {
				lex_error(lx, open_line, "the '{' on this line is never closed");
				return lx->err;
			}
			return 0;
		}
	}
}

/* ---- interpretation ---------------------------------------------------- */

struct pctx {
	const char			*file;
	struct cfg_errors		*errs;
	struct scst_config		*cfg;
	const struct cfg_handlers	*handlers;
	int				nerr;
	int				err;	/* -ENOMEM */
};

static void perr(struct pctx *pc, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void perr(struct pctx *pc, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (errors_add(pc->errs, pc->file, line, fmt, ap))
		pc->err = -ENOMEM;
	va_end(ap);
	pc->nerr++;
}

static char *pdup(struct pctx *pc, const char *s)
{
	char *d = strdup(s);

	if (!d)
		pc->err = -ENOMEM;
	return d;
}

/* Object names: what the kernel accepts, checked early for a line number. */
static bool check_name(struct pctx *pc, const struct node *n,
		       const char *what, const char *name, bool slash_ok)
{
	const char *p;

	if (strlen(name) >= SCST_NAME_MAX) {
		perr(pc, n->line, "the %s name '%.32s...' is longer than %d bytes",
		     what, name, SCST_NAME_MAX - 1);
		return false;
	}
	for (p = name; *p; p++) {
		if (!isprint((unsigned char)*p) || isspace((unsigned char)*p) ||
		    (*p == '/' && !slash_ok)) {
			perr(pc, n->line, "the %s name '%s' contains '%c', which names cannot",
			     what, name, isprint((unsigned char)*p) ? *p : '?');
			return false;
		}
	}
	return true;
}

/* "key value" with nothing else; reports what is wrong. */
static bool want_kv(struct pctx *pc, const struct node *n, const char *where)
{
	if (n->block) {
		perr(pc, n->line, "'%s' in %s takes a value, not a block",
		     n->w[0], where);
		return false;
	}
	if (n->nw != 2) {
		perr(pc, n->line, n->nw < 2 ? "'%s' in %s needs a value" :
		     "'%s' in %s takes one value", n->w[0], where);
		return false;
	}
	return true;
}

static bool parse_bool_value(struct pctx *pc, const struct node *n,
			     const char *what, const char *s, bool *out)
{
	if (scst_parse_bool(s, out)) {
		perr(pc, n->line, "%s takes 0 or 1, not '%s'", what, s);
		return false;
	}
	return true;
}

/* SCST's names of vdisk attributes, and their names here. */
static const struct {
	const char	*scst;
	const char	*ours;
	bool		mib;		/* value in MiB */
} attr_aliases[] = {
	{ "size_mb", "size", true },
	{ "t10_vend_id", "vendor", false },
	{ "prod_id", "product", false },
	{ "prod_rev_lvl", "revision", false },
};

static void parse_device(struct pctx *pc, const struct node *n,
			 const char *handler, const struct cfg_handler *h)
{
	struct cfg_device *dev;
	struct cfg_kv *kv;
	size_t i, j;
	char where[SCST_NAME_MAX + 16];

	if (n->nw != 2) {
		perr(pc, n->line, n->nw < 2 ? "DEVICE needs a name" :
		     "DEVICE takes one name; a block of attributes follows it in { }");
		return;
	}
	if (!check_name(pc, n, "device", n->w[1], false))
		return;
	for (i = 0; i < pc->cfg->ndevices; i++) {
		if (!strcmp(pc->cfg->devices[i].name, n->w[1])) {
			perr(pc, n->line, "device %s is defined twice (first on line %d)",
			     n->w[1], pc->cfg->devices[i].line);
			return;
		}
	}
	dev = grow(&pc->cfg->devices, &pc->cfg->ndevices, sizeof(*dev));
	if (!dev) {
		pc->err = -ENOMEM;
		return;
	}
	dev->line = n->line;
	dev->name = pdup(pc, n->w[1]);
	dev->handler = pdup(pc, handler);
	snprintf(where, sizeof(where), "device %s", n->w[1]);

	for (i = 0; i < n->nkids; i++) {
		const struct node *a = &n->kids[i];
		const char *key = a->w[0], *value;
		char mib[32];
		int attr, err;

		if (!a->nw)
			continue;
		if (!want_kv(pc, a, where))
			continue;
		value = a->w[1];
		for (j = 0; j < sizeof(attr_aliases) / sizeof(attr_aliases[0]); j++) {
			if (strcmp(key, attr_aliases[j].scst))
				continue;
			key = attr_aliases[j].ours;
			if (attr_aliases[j].mib) {
				snprintf(mib, sizeof(mib), "%sM", value);
				value = mib;
			}
			break;
		}
		attr = scst_dev_attr_by_name(key);
		if (attr < 0 || (h && !((h->create | h->runtime) &
					SCST_DEV_ATTR_BIT(attr)))) {
			perr(pc, a->line, "handler %s has no attribute '%s'",
			     handler, a->w[0]);
			continue;
		}
		for (j = 0; j < dev->nattrs; j++) {
			if (!strcmp(dev->attrs[j].key, key)) {
				perr(pc, a->line, "attribute %s of device %s is given twice (first on line %d)",
				     key, n->w[1], dev->attrs[j].line);
				break;
			}
		}
		if (j < dev->nattrs)
			continue;
		kv = grow(&dev->attrs, &dev->nattrs, sizeof(*kv));
		if (!kv) {
			pc->err = -ENOMEM;
			return;
		}
		kv->line = a->line;
		kv->key = pdup(pc, key);
		kv->value = pdup(pc, value);
		if (pc->err)
			return;
		err = scst_dev_attrs_parse(&dev->parsed, kv->key, kv->value);
		if (err == -ERANGE)
			perr(pc, a->line, "value '%s' of %s is out of range",
			     a->w[1], a->w[0]);
		else if (err)
			perr(pc, a->line, "'%s' is not a valid value for %s",
			     a->w[1], a->w[0]);
	}
	if (h && (h->create & B(FILENAME)) && !(dev->parsed.mask & B(FILENAME)))
		perr(pc, n->line, "device %s needs a filename (handler %s)",
		     n->w[1], handler);
}

static void parse_handler(struct pctx *pc, const struct node *n)
{
	const struct cfg_handler *h = NULL;
	size_t i;

	if (n->nw != 2 || !n->block) {
		perr(pc, n->line, "HANDLER takes a name and a { } block of DEVICEs");
		return;
	}
	if (pc->handlers) {
		h = config_find_handler(pc->handlers, n->w[1]);
		if (!h) {
			perr(pc, n->line, "there is no handler '%s' (is its module loaded?)",
			     n->w[1]);
			return;
		}
	}
	for (i = 0; i < n->nkids; i++) {
		const struct node *k = &n->kids[i];

		if (!k->nw)
			continue;
		if (strcmp(k->w[0], "DEVICE")) {
			perr(pc, k->line, "'%s' is not allowed in HANDLER %s (only DEVICE)",
			     k->w[0], n->w[1]);
			continue;
		}
		parse_device(pc, k, n->w[1], h);
	}
}

/* LUN n device [read_only v] [{ read_only v }] */
static void parse_lun(struct pctx *pc, const struct node *n,
		      struct cfg_target *t, struct cfg_group *g)
{
	struct cfg_lun *l;
	unsigned long v;
	char *end;
	bool ro = false;
	size_t i;

	if (n->nw != 3 && n->nw != 5) {
		perr(pc, n->line, "LUN takes a number and a device name (and optionally read_only 0|1)");
		return;
	}
	errno = 0;
	v = strtoul(n->w[1], &end, 10);
	if (!isdigit((unsigned char)n->w[1][0]) || *end || errno) {
		perr(pc, n->line, "'%s' is not a LUN number", n->w[1]);
		return;
	}
	if (v > SCST_LUN_MAX) {
		perr(pc, n->line, "LUN %lu is above the highest LUN, %d", v,
		     SCST_LUN_MAX);
		return;
	}
	if (!check_name(pc, n, "device", n->w[2], false))
		return;
	if (n->nw == 5) {
		if (strcmp(n->w[3], "read_only")) {
			perr(pc, n->line, "LUN has no attribute '%s'", n->w[3]);
			return;
		}
		if (!parse_bool_value(pc, n, "read_only", n->w[4], &ro))
			return;
	}
	for (i = 0; i < n->nkids; i++) {
		const struct node *a = &n->kids[i];

		if (!a->nw)
			continue;
		if (strcmp(a->w[0], "read_only")) {
			perr(pc, a->line, "LUN has no attribute '%s'", a->w[0]);
			continue;
		}
		if (want_kv(pc, a, "LUN"))
			parse_bool_value(pc, a, "read_only", a->w[1], &ro);
	}
	for (i = 0; i < g->nluns; i++) {
		if (g->luns[i].lun == v) {
			perr(pc, n->line, "LUN %lu of %s%s%s %s is defined twice (first on line %d)",
			     v, g->name ? "group " : "target", g->name ? g->name : "",
			     g->name ? " of target" : "", t->name, g->luns[i].line);
			return;
		}
	}
	l = grow(&g->luns, &g->nluns, sizeof(*l));
	if (!l) {
		pc->err = -ENOMEM;
		return;
	}
	l->lun = (uint32_t)v;
	l->device = pdup(pc, n->w[2]);
	l->read_only = ro;
	l->line = n->line;
}

static void parse_group(struct pctx *pc, const struct node *n,
			struct cfg_target *t)
{
	struct cfg_group *g;
	struct cfg_kv *kv;
	size_t i, j, k;

	if (n->nw != 2) {
		perr(pc, n->line, "GROUP takes a name and a { } block");
		return;
	}
	if (!check_name(pc, n, "group", n->w[1], false))
		return;
	for (i = 0; i < t->ngroups; i++) {
		if (!strcmp(t->groups[i].name, n->w[1])) {
			perr(pc, n->line, "group %s of target %s is defined twice (first on line %d)",
			     n->w[1], t->name, t->groups[i].line);
			return;
		}
	}
	g = grow(&t->groups, &t->ngroups, sizeof(*g));
	if (!g) {
		pc->err = -ENOMEM;
		return;
	}
	g->name = pdup(pc, n->w[1]);
	g->line = n->line;
	for (i = 0; i < n->nkids && !pc->err; i++) {
		const struct node *s = &n->kids[i];

		if (!s->nw)
			continue;
		if (!strcmp(s->w[0], "LUN")) {
			parse_lun(pc, s, t, g);
			continue;
		}
		if (strcmp(s->w[0], "INITIATOR")) {
			perr(pc, s->line, "'%s' is not allowed in GROUP %s (only LUN and INITIATOR)",
			     s->w[0], g->name);
			continue;
		}
		if (s->nw != 2 || s->block) {
			perr(pc, s->line, "INITIATOR takes one name pattern");
			continue;
		}
		if (!check_name(pc, s, "initiator", s->w[1], true))
			continue;
		/* A pattern may be in one group of a target only. */
		for (j = 0; j < t->ngroups; j++) {
			for (k = 0; k < t->groups[j].ninits; k++) {
				if (strcmp(t->groups[j].inits[k].key, s->w[1]))
					continue;
				perr(pc, s->line, "initiator %s is already in group %s of target %s (line %d)",
				     s->w[1], t->groups[j].name, t->name,
				     t->groups[j].inits[k].line);
				goto next;
			}
		}
		kv = grow(&g->inits, &g->ninits, sizeof(*kv));
		if (!kv) {
			pc->err = -ENOMEM;
			return;
		}
		kv->key = pdup(pc, s->w[1]);
		kv->line = s->line;
next:
		;
	}
}

/*
 * A driver or target parameter: "key value", the value one word (quoted
 * when it holds blanks, as SCST writes IncomingUser "joe secret"). Keys
 * may repeat (one IncomingUser line per account). A driver whose keys are
 * known gets unknown ones refused here, with a line number; the others
 * are for the kernel to refuse.
 */
static void parse_param(struct pctx *pc, const struct node *n,
			const char *const *keys, const char *what,
			const char *name, struct cfg_kv **v, size_t *nv)
{
	char where[SCST_NAME_MAX + 16];
	struct cfg_kv *kv;

	if ((keys && !has_key(keys, n->w[0])) || strchr(n->w[0], '=')) {
		perr(pc, n->line, "%s %s has no attribute '%s'", what, name,
		     n->w[0]);
		return;
	}
	snprintf(where, sizeof(where), "%s %s", what, name);
	if (!want_kv(pc, n, where))
		return;
	kv = grow(v, nv, sizeof(*kv));
	if (!kv) {
		pc->err = -ENOMEM;
		return;
	}
	kv->key = pdup(pc, n->w[0]);
	kv->value = pdup(pc, n->w[1]);
	kv->line = n->line;
}

static void parse_session(struct pctx *pc, const struct node *n,
			  struct cfg_target *t)
{
	const char *name, *initiator;
	struct cfg_session *s;
	size_t i;

	if (!config_driver_has_sessions(t->driver)) {
		perr(pc, n->line, "sessions of %s targets are made by logins, not by configuration",
		     t->driver);
		return;
	}
	if (n->block || (!strcmp(n->w[0], "session") && n->nw != 3) ||
	    (!strcmp(n->w[0], "session_name") && n->nw != 2)) {
		perr(pc, n->line, !strcmp(n->w[0], "session") ?
		     "session takes a name and an initiator name" :
		     "session_name takes one name");
		return;
	}
	name = n->w[1];
	initiator = n->nw == 3 ? n->w[2] : n->w[1];
	if (!check_name(pc, n, "session", name, true) ||
	    !check_name(pc, n, "initiator", initiator, true))
		return;
	for (i = 0; i < t->nsessions; i++) {
		if (!strcmp(t->sessions[i].name, name)) {
			perr(pc, n->line, "session %s of target %s is defined twice (first on line %d)",
			     name, t->name, t->sessions[i].line);
			return;
		}
	}
	s = grow(&t->sessions, &t->nsessions, sizeof(*s));
	if (!s) {
		pc->err = -ENOMEM;
		return;
	}
	s->name = pdup(pc, name);
	s->initiator = pdup(pc, initiator);
	s->line = n->line;
}

static void parse_target(struct pctx *pc, const struct node *n,
			 const char *driver)
{
	const struct cfg_driver_keys *dk = config_find_driver(pc->handlers,
							      driver);
	struct cfg_target *t;
	size_t i;

	if (n->nw != 2) {
		perr(pc, n->line, "TARGET takes one name");
		return;
	}
	if (!check_name(pc, n, "target", n->w[1], false))
		return;
	for (i = 0; i < pc->cfg->ntargets; i++) {
		if (!strcmp(pc->cfg->targets[i].name, n->w[1])) {
			perr(pc, n->line, "target %s is defined twice (first on line %d)",
			     n->w[1], pc->cfg->targets[i].line);
			return;
		}
	}
	t = grow(&pc->cfg->targets, &pc->cfg->ntargets, sizeof(*t));
	if (!t) {
		pc->err = -ENOMEM;
		return;
	}
	t->name = pdup(pc, n->w[1]);
	t->driver = pdup(pc, driver);
	t->line = n->line;
	if (pc->err)
		return;
	for (i = 0; i < n->nkids && !pc->err; i++) {
		const struct node *s = &n->kids[i];
		char where[SCST_NAME_MAX + 16];

		if (!s->nw)
			continue;
		snprintf(where, sizeof(where), "target %s", t->name);
		if (!strcmp(s->w[0], "LUN")) {
			parse_lun(pc, s, t, &t->dflt);
		} else if (!strcmp(s->w[0], "GROUP")) {
			parse_group(pc, s, t);
		} else if (!strcmp(s->w[0], "session") ||
			   !strcmp(s->w[0], "session_name")) {
			parse_session(pc, s, t);
		} else if (!strcmp(s->w[0], "enabled")) {
			if (want_kv(pc, s, where) &&
			    parse_bool_value(pc, s, "enabled", s->w[1], &t->enabled))
				t->has_enabled = true;
		} else if (!strcmp(s->w[0], "rel_tgt_id")) {
			/* Assigned by the kernel; accepted from SCST files. */
			want_kv(pc, s, where);
		} else {
			parse_param(pc, s, dk ? dk->target_keys : NULL,
				    "target", t->name, &t->params, &t->nparams);
		}
	}
}

static void parse_driver(struct pctx *pc, const struct node *n)
{
	const struct cfg_driver_keys *dk;
	struct cfg_driver *d;
	size_t i;

	if (n->nw != 2 || !n->block) {
		perr(pc, n->line, "TARGET_DRIVER takes a name and a { } block of TARGETs");
		return;
	}
	if (!check_name(pc, n, "driver", n->w[1], false))
		return;
	dk = config_find_driver(pc->handlers, n->w[1]);
	d = config_add_driver(pc->cfg, n->w[1]);
	if (!d) {
		pc->err = -ENOMEM;
		return;
	}
	if (!d->line)
		d->line = n->line;
	for (i = 0; i < n->nkids && !pc->err; i++) {
		const struct node *k = &n->kids[i];
		char where[SCST_NAME_MAX + 16];

		if (!k->nw)
			continue;
		snprintf(where, sizeof(where), "driver %s", n->w[1]);
		if (!strcmp(k->w[0], "TARGET"))
			parse_target(pc, k, n->w[1]);
		else if (!strcmp(k->w[0], "enabled"))
			/* SCST's driver switch; drivers here are always on. */
			want_kv(pc, k, where);
		else
			parse_param(pc, k, dk ? dk->driver_keys : NULL,
				    "driver", n->w[1], &d->params, &d->nparams);
	}
}

static void parse_global(struct pctx *pc, const struct node *n)
{
	bool v;

	if (!strcmp(n->w[0], "async_lun_replace") ||
	    !strcmp(n->w[0], "park_lun_replace")) {
		if (!want_kv(pc, n, "the global settings") ||
		    !parse_bool_value(pc, n, n->w[0], n->w[1], &v))
			return;
		if (n->w[0][0] == 'a') {
			pc->cfg->has_async = true;
			pc->cfg->async_lun_replace = v;
		} else {
			pc->cfg->has_park = true;
			pc->cfg->park_lun_replace = v;
		}
		return;
	}
	if (!strcmp(n->w[0], "lun_queue_depth")) {
		unsigned long d;
		char *end;

		if (!want_kv(pc, n, "the global settings"))
			return;
		errno = 0;
		d = strtoul(n->w[1], &end, 10);
		if (!isdigit((unsigned char)n->w[1][0]) || *end || errno ||
		    d > SCST_QUEUE_DEPTH_MAX) {
			perr(pc, n->line, "lun_queue_depth takes a number from 0 (no limit) to %d, not '%s'",
			     SCST_QUEUE_DEPTH_MAX, n->w[1]);
			return;
		}
		pc->cfg->has_qdepth = true;
		pc->cfg->lun_queue_depth = d;
		return;
	}
	perr(pc, n->line, "unknown keyword '%s'", n->w[0]);
}

/* Cross-references, once everything is read. */
static void check_refs(struct pctx *pc)
{
	struct scst_config *cfg = pc->cfg;
	size_t i, j, k;

	for (i = 0; i < cfg->ntargets; i++) {
		struct cfg_target *t = &cfg->targets[i];

		for (j = 0; j <= t->ngroups; j++) {
			struct cfg_group *g = j ? &t->groups[j - 1] : &t->dflt;

			for (k = 0; k < g->nluns; k++) {
				size_t d;

				for (d = 0; d < cfg->ndevices; d++)
					if (!strcmp(cfg->devices[d].name,
						    g->luns[k].device))
						break;
				if (d == cfg->ndevices)
					perr(pc, g->luns[k].line,
					     "LUN %u uses device %s, which is not defined in this file",
					     g->luns[k].lun, g->luns[k].device);
			}
		}
	}
}

void config_init(struct scst_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
}

static void kvs_free(struct cfg_kv *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].value);
	}
	free(v);
}

static void group_free(struct cfg_group *g)
{
	size_t i;

	free(g->name);
	for (i = 0; i < g->nluns; i++)
		free(g->luns[i].device);
	free(g->luns);
	for (i = 0; i < g->ninits; i++) {
		free(g->inits[i].key);
		free(g->inits[i].value);
	}
	free(g->inits);
}

void config_free(struct scst_config *cfg)
{
	size_t i, j;

	for (i = 0; i < cfg->ndevices; i++) {
		struct cfg_device *d = &cfg->devices[i];

		free(d->name);
		free(d->handler);
		for (j = 0; j < d->nattrs; j++) {
			free(d->attrs[j].key);
			free(d->attrs[j].value);
		}
		free(d->attrs);
	}
	free(cfg->devices);
	for (i = 0; i < cfg->ntargets; i++) {
		struct cfg_target *t = &cfg->targets[i];

		free(t->name);
		free(t->driver);
		group_free(&t->dflt);
		for (j = 0; j < t->ngroups; j++)
			group_free(&t->groups[j]);
		free(t->groups);
		for (j = 0; j < t->nsessions; j++) {
			free(t->sessions[j].name);
			free(t->sessions[j].initiator);
		}
		free(t->sessions);
		kvs_free(t->params, t->nparams);
	}
	free(cfg->targets);
	for (i = 0; i < cfg->ndrivers; i++) {
		free(cfg->drivers[i].name);
		kvs_free(cfg->drivers[i].params, cfg->drivers[i].nparams);
	}
	free(cfg->drivers);
	config_init(cfg);
}

int config_parse(const char *text, size_t len, const char *filename,
		 const struct cfg_handlers *handlers, struct scst_config *cfg,
		 struct cfg_errors *errs)
{
	struct lexer lx = {
		.p = text, .end = text + len, .line = 1, .file = filename,
		.errs = errs,
	};
	struct pctx pc = {
		.file = filename, .errs = errs, .cfg = cfg,
		.handlers = handlers,
	};
	struct node root = { 0 };
	size_t i;
	int err;

	config_init(cfg);
	err = parse_block(&lx, &root, true, 0, 0);
	if (err)
		goto out;
	for (i = 0; i < root.nkids && !pc.err; i++) {
		const struct node *n = &root.kids[i];

		if (!n->nw)
			continue;
		if (!strcmp(n->w[0], "HANDLER"))
			parse_handler(&pc, n);
		else if (!strcmp(n->w[0], "TARGET_DRIVER"))
			parse_driver(&pc, n);
		else if (n->block)
			perr(&pc, n->line, "unknown block '%s'", n->w[0]);
		else
			parse_global(&pc, n);
	}
	if (!pc.err)
		check_refs(&pc);
	err = pc.err ? pc.err : pc.nerr ? -EINVAL : 0;
out:
	node_free(&root);
	if (err)
		config_free(cfg);
	return err;
}

static int errors_addf(struct cfg_errors *errs, const char *file, int line,
		       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int errors_addf(struct cfg_errors *errs, const char *file, int line,
		       const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = errors_add(errs, file, line, fmt, ap);
	va_end(ap);
	return err ? err : -EINVAL;
}

/* The whole of @f; -errno on failure. */
static int read_all(FILE *f, char **bufp, size_t *lenp)
{
	size_t len = 0, cap = 0, n;
	char *buf = NULL, *nb;

	do {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 65536;
			if (cap > CFG_FILE_MAX + 65536) {
				free(buf);
				return -EFBIG;
			}
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		free(buf);
		return -EIO;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

int config_parse_file(const char *path, const struct cfg_handlers *handlers,
		      struct scst_config *cfg, struct cfg_errors *errs)
{
	bool is_stdin = !strcmp(path, "-");
	char *buf;
	size_t len;
	FILE *f;
	int err;

	config_init(cfg);
	f = is_stdin ? stdin : fopen(path, "r");
	if (!f)
		return errors_addf(errs, path, 0, "cannot open the file: %s",
				   strerror(errno));
	err = read_all(f, &buf, &len);
	if (!is_stdin)
		fclose(f);
	if (err == -ENOMEM)
		return err;
	if (err)
		return errors_addf(errs, path, 0, "cannot read the file: %s",
				   strerror(-err));
	err = config_parse(buf, len, is_stdin ? "<stdin>" : path, handlers,
			   cfg, errs);
	free(buf);
	return err;
}

/* ---- building by hand --------------------------------------------------- */

struct cfg_device *config_add_device(struct scst_config *cfg,
				     const char *name, const char *handler)
{
	struct cfg_device *d;

	d = grow(&cfg->devices, &cfg->ndevices, sizeof(*d));
	if (!d)
		return NULL;
	d->name = strdup(name);
	d->handler = strdup(handler);
	if (!d->name || !d->handler)
		return NULL;
	return d;
}

int config_device_set_attr(struct cfg_device *dev, const char *key,
			   const char *value)
{
	struct cfg_kv *kv;
	int attr, err;
	size_t i;

	attr = scst_dev_attr_by_name(key);
	if (attr < 0)
		return -ENOENT;
	for (i = 0; i < dev->nattrs; i++)
		if (!strcmp(dev->attrs[i].key, key))
			return -EEXIST;
	kv = grow(&dev->attrs, &dev->nattrs, sizeof(*kv));
	if (!kv)
		return -ENOMEM;
	kv->key = strdup(key);
	kv->value = strdup(value);
	if (!kv->key || !kv->value)
		return -ENOMEM;
	err = scst_dev_attrs_parse(&dev->parsed, kv->key, kv->value);
	return err;
}

struct cfg_target *config_add_target(struct scst_config *cfg,
				     const char *name, const char *driver)
{
	struct cfg_target *t;

	t = grow(&cfg->targets, &cfg->ntargets, sizeof(*t));
	if (!t)
		return NULL;
	t->name = strdup(name);
	t->driver = strdup(driver ? driver : "");
	if (!t->name || !t->driver)
		return NULL;
	return t;
}

struct cfg_group *config_add_group(struct cfg_target *t, const char *name)
{
	struct cfg_group *g;

	g = grow(&t->groups, &t->ngroups, sizeof(*g));
	if (!g)
		return NULL;
	g->name = strdup(name);
	return g->name ? g : NULL;
}

int config_add_lun(struct cfg_target *t, const char *group, uint32_t lun,
		   const char *device, bool read_only)
{
	struct cfg_group *g = find_group_rw(t, group);
	struct cfg_lun *l;

	if (!g) {
		g = config_add_group(t, group);
		if (!g)
			return -ENOMEM;
	}
	l = grow(&g->luns, &g->nluns, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->lun = lun;
	l->read_only = read_only;
	l->device = strdup(device ? device : "");
	return l->device ? 0 : -ENOMEM;
}

int config_add_initiator(struct cfg_group *g, const char *pattern)
{
	struct cfg_kv *kv;

	kv = grow(&g->inits, &g->ninits, sizeof(*kv));
	if (!kv)
		return -ENOMEM;
	kv->key = strdup(pattern);
	return kv->key ? 0 : -ENOMEM;
}

int config_add_session(struct cfg_target *t, const char *name,
		       const char *initiator)
{
	struct cfg_session *s;

	s = grow(&t->sessions, &t->nsessions, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->name = strdup(name);
	s->initiator = strdup(initiator ? initiator : name);
	return s->name && s->initiator ? 0 : -ENOMEM;
}

struct cfg_driver *config_add_driver(struct scst_config *cfg,
				     const char *name)
{
	struct cfg_driver *d;
	size_t i;

	for (i = 0; i < cfg->ndrivers; i++)
		if (!strcmp(cfg->drivers[i].name, name))
			return &cfg->drivers[i];
	d = grow(&cfg->drivers, &cfg->ndrivers, sizeof(*d));
	if (!d)
		return NULL;
	d->name = strdup(name);
	if (!d->name) {
		cfg->ndrivers--;
		return NULL;
	}
	return d;
}

static int add_param(struct cfg_kv **v, size_t *n, const char *param)
{
	const char *eq = strchr(param, '=');
	struct cfg_kv *kv;

	if (!eq || eq == param)
		return -EINVAL;
	kv = grow(v, n, sizeof(*kv));
	if (!kv)
		return -ENOMEM;
	kv->key = strndup(param, eq - param);
	kv->value = strdup(eq + 1);
	if (!kv->key || !kv->value) {
		free(kv->key);
		free(kv->value);
		(*n)--;
		return -ENOMEM;
	}
	return 0;
}

int config_driver_add_param(struct cfg_driver *d, const char *param)
{
	return add_param(&d->params, &d->nparams, param);
}

int config_target_add_param(struct cfg_target *t, const char *param)
{
	return add_param(&t->params, &t->nparams, param);
}

/* ---- writing ------------------------------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_device(const void *a, const void *b)
{
	const struct cfg_device *x = *(const struct cfg_device *const *)a;
	const struct cfg_device *y = *(const struct cfg_device *const *)b;
	int r = strcmp(x->handler, y->handler);

	return r ? r : strcmp(x->name, y->name);
}

static int cmp_target(const void *a, const void *b)
{
	const struct cfg_target *x = *(const struct cfg_target *const *)a;
	const struct cfg_target *y = *(const struct cfg_target *const *)b;
	int r = strcmp(x->driver, y->driver);

	return r ? r : strcmp(x->name, y->name);
}

static int cmp_driver(const void *a, const void *b)
{
	return strcmp((*(const struct cfg_driver *const *)a)->name,
		      (*(const struct cfg_driver *const *)b)->name);
}

static int cmp_group(const void *a, const void *b)
{
	return strcmp((*(const struct cfg_group *const *)a)->name,
		      (*(const struct cfg_group *const *)b)->name);
}

static int cmp_lun(const void *a, const void *b)
{
	uint32_t x = (*(const struct cfg_lun *const *)a)->lun;
	uint32_t y = (*(const struct cfg_lun *const *)b)->lun;

	return x < y ? -1 : x > y;
}

static int cmp_session(const void *a, const void *b)
{
	return strcmp((*(const struct cfg_session *const *)a)->name,
		      (*(const struct cfg_session *const *)b)->name);
}

/* Pointers to the @n elements of @base, sorted; NULL when out of memory. */
static const void **sorted(const void *base, size_t n, size_t size,
			   int (*cmp)(const void *, const void *))
{
	const void **v = calloc(n + 1, sizeof(*v));
	size_t i;

	if (!v)
		return NULL;
	for (i = 0; i < n; i++)
		v[i] = (const char *)base + i * size;
	qsort(v, n, sizeof(*v), cmp);
	return v;
}

/* A value as one word the lexer reads back unchanged. */
static void write_word(FILE *f, const char *s)
{
	const char *p;
	bool quote = !*s;

	for (p = s; *p && !quote; p++)
		if (is_delim(*p) || *p == '#' || !isprint((unsigned char)*p))
			quote = true;
	if (!quote) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (p = s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fputc('\\', f);
		fputc(*p, f);
	}
	fputc('"', f);
}

static int write_luns(FILE *f, const struct cfg_group *g, const char *indent)
{
	const struct cfg_lun **l;
	size_t i;

	l = (const struct cfg_lun **)sorted(g->luns, g->nluns, sizeof(*g->luns),
					     cmp_lun);
	if (!l)
		return -ENOMEM;
	for (i = 0; i < g->nluns; i++) {
		fprintf(f, "%sLUN %u ", indent, l[i]->lun);
		write_word(f, l[i]->device);
		if (l[i]->read_only)
			fputs(" read_only 1", f);
		fputc('\n', f);
	}
	free(l);
	return 0;
}

/* "key value" lines, in the order given (a key may repeat). */
static void write_params(FILE *f, const struct cfg_kv *v, size_t n,
			 const char *indent)
{
	size_t i;

	for (i = 0; i < n; i++) {
		fputs(indent, f);
		write_word(f, v[i].key);
		fputc(' ', f);
		write_word(f, v[i].value);
		fputc('\n', f);
	}
}

static int write_target(FILE *f, const struct cfg_target *t)
{
	const struct cfg_group **g = NULL;
	const struct cfg_session **s = NULL;
	char **inits = NULL;
	size_t i, j;
	int err = -ENOMEM;

	fputs("\tTARGET ", f);
	write_word(f, t->name);
	fputs(" {\n", f);
	if (t->has_enabled)
		fprintf(f, "\t\tenabled %d\n", t->enabled ? 1 : 0);
	write_params(f, t->params, t->nparams, "\t\t");
	if (t->dflt.nluns) {
		fputc('\n', f);
		if (write_luns(f, &t->dflt, "\t\t"))
			goto out;
	}
	g = (const struct cfg_group **)sorted(t->groups, t->ngroups,
					       sizeof(*t->groups), cmp_group);
	if (!g)
		goto out;
	for (i = 0; i < t->ngroups; i++) {
		fputs("\n\t\tGROUP ", f);
		write_word(f, g[i]->name);
		fputs(" {\n", f);
		if (write_luns(f, g[i], "\t\t\t"))
			goto out;
		free(inits);
		inits = calloc(g[i]->ninits + 1, sizeof(*inits));
		if (!inits)
			goto out;
		for (j = 0; j < g[i]->ninits; j++)
			inits[j] = g[i]->inits[j].key;
		qsort(inits, g[i]->ninits, sizeof(*inits), cmp_str);
		if (g[i]->nluns && g[i]->ninits)
			fputc('\n', f);
		for (j = 0; j < g[i]->ninits; j++) {
			fputs("\t\t\tINITIATOR ", f);
			write_word(f, inits[j]);
			fputc('\n', f);
		}
		fputs("\t\t}\n", f);
	}
	s = (const struct cfg_session **)sorted(t->sessions, t->nsessions,
						 sizeof(*t->sessions),
						 cmp_session);
	if (!s)
		goto out;
	if (t->nsessions)
		fputc('\n', f);
	for (i = 0; i < t->nsessions; i++) {
		fputs("\t\tsession ", f);
		write_word(f, s[i]->name);
		fputc(' ', f);
		write_word(f, s[i]->initiator);
		fputc('\n', f);
	}
	fputs("\t}\n", f);
	err = 0;
out:
	free(inits);
	free(g);
	free(s);
	return err;
}

int config_write(FILE *f, const struct scst_config *cfg,
		 const struct cfg_handlers *handlers)
{
	const struct cfg_device **d = NULL;
	const struct cfg_target **t = NULL;
	const struct cfg_driver **drv = NULL;
	const char *prev = NULL;
	char buf[4096];
	size_t i, j;
	bool first;
	int err = -ENOMEM;

	fputs("# SCST configuration, written by scstctl config save.\n"
	      "# Load it with: scstctl config load FILE\n", f);
	if (cfg->has_async || cfg->has_park || cfg->has_qdepth)
		fputc('\n', f);
	if (cfg->has_async)
		fprintf(f, "async_lun_replace %d\n", cfg->async_lun_replace);
	if (cfg->has_park)
		fprintf(f, "park_lun_replace %d\n", cfg->park_lun_replace);
	if (cfg->has_qdepth)
		fprintf(f, "lun_queue_depth %u\n", cfg->lun_queue_depth);

	d = (const struct cfg_device **)sorted(cfg->devices, cfg->ndevices,
						sizeof(*cfg->devices),
						cmp_device);
	if (!d)
		goto out;
	for (i = 0; i < cfg->ndevices; i++) {
		const struct cfg_handler *h =
			config_find_handler(handlers, d[i]->handler);
		uint64_t settable = h ? h->create | h->runtime : ~0ULL;
		unsigned int a;

		if (!prev || strcmp(prev, d[i]->handler)) {
			if (prev)
				fputs("}\n", f);
			fputs("\nHANDLER ", f);
			write_word(f, d[i]->handler);
			fputs(" {\n", f);
			prev = d[i]->handler;
		} else {
			fputc('\n', f);
		}
		fputs("\tDEVICE ", f);
		write_word(f, d[i]->name);
		fputs(" {\n", f);
		for (a = 0; a < __SCST_DEV_ATTR_MAX; a++) {
			if (!(settable & SCST_DEV_ATTR_BIT(a)) ||
			    scst_dev_attrs_format(&d[i]->parsed, a, buf,
						  sizeof(buf)) < 0)
				continue;
			fprintf(f, "\t\t%s ", scst_dev_attr_name(a));
			write_word(f, buf);
			fputc('\n', f);
		}
		fputs("\t}\n", f);
	}
	if (prev)
		fputs("}\n", f);

	t = (const struct cfg_target **)sorted(cfg->targets, cfg->ntargets,
						sizeof(*cfg->targets),
						cmp_target);
	if (!t)
		goto out;
	drv = (const struct cfg_driver **)sorted(cfg->drivers, cfg->ndrivers,
						  sizeof(*cfg->drivers),
						  cmp_driver);
	if (!drv)
		goto out;
	/*
	 * A TARGET_DRIVER block for every driver with parameters or targets,
	 * by name: merge the two sorted lists.
	 */
	for (i = 0, j = 0; i < cfg->ndrivers || j < cfg->ntargets; ) {
		const struct cfg_driver *dp = NULL;
		const char *name;

		if (i < cfg->ndrivers &&
		    (j == cfg->ntargets || strcmp(drv[i]->name, t[j]->driver) <= 0))
			dp = drv[i++];
		name = dp ? dp->name : t[j]->driver;
		if (dp && !dp->nparams &&
		    (j == cfg->ntargets || strcmp(name, t[j]->driver)))
			continue;	/* nothing to write for it */
		fputs("\nTARGET_DRIVER ", f);
		write_word(f, name);
		fputs(" {\n", f);
		if (dp)
			write_params(f, dp->params, dp->nparams, "\t");
		for (first = true; j < cfg->ntargets &&
		     !strcmp(t[j]->driver, name); j++, first = false) {
			if (!first || (dp && dp->nparams))
				fputc('\n', f);
			if (write_target(f, t[j]))
				goto out;
		}
		fputs("}\n", f);
	}
	err = ferror(f) ? -EIO : 0;
out:
	free(d);
	free(t);
	free(drv);
	return err;
}

/* ---- difference --------------------------------------------------------- */

static const struct cfg_device *find_device(const struct scst_config *cfg,
					    const char *name)
{
	size_t i;

	for (i = 0; i < cfg->ndevices; i++)
		if (!strcmp(cfg->devices[i].name, name))
			return &cfg->devices[i];
	return NULL;
}

static const struct cfg_target *find_target(const struct scst_config *cfg,
					    const char *name)
{
	size_t i;

	for (i = 0; cfg && i < cfg->ntargets; i++)
		if (!strcmp(cfg->targets[i].name, name))
			return &cfg->targets[i];
	return NULL;
}

static const struct cfg_group *find_group(const struct cfg_target *t,
					  const char *name)
{
	size_t i;

	if (!t)
		return NULL;
	if (!name)
		return &t->dflt;
	for (i = 0; i < t->ngroups; i++)
		if (!strcmp(t->groups[i].name, name))
			return &t->groups[i];
	return NULL;
}

static const struct cfg_lun *find_lun(const struct cfg_group *g, uint32_t lun)
{
	size_t i;

	for (i = 0; g && i < g->nluns; i++)
		if (g->luns[i].lun == lun)
			return &g->luns[i];
	return NULL;
}

/* The group of @t holding initiator pattern @pattern, or NULL. */
static const struct cfg_group *find_init(const struct cfg_target *t,
					 const char *pattern)
{
	size_t i, j;

	for (i = 0; t && i < t->ngroups; i++)
		for (j = 0; j < t->groups[i].ninits; j++)
			if (!strcmp(t->groups[i].inits[j].key, pattern))
				return &t->groups[i];
	return NULL;
}

static const struct cfg_session *find_session(const struct cfg_target *t,
					      const char *name)
{
	size_t i;

	for (i = 0; t && i < t->nsessions; i++)
		if (!strcmp(t->sessions[i].name, name))
			return &t->sessions[i];
	return NULL;
}

struct differ {
	struct cfg_plan			*plan;
	const struct cfg_handlers	*handlers;
	const struct scst_config	*want;
	const struct scst_config	*have;
	/* Devices of @have deleted and made again, by index. */
	bool				*recreate;
	int				err;
};

static struct cfg_op *op_add(struct differ *df, enum cfg_op_kind kind)
{
	struct cfg_op *op;

	if (df->err)
		return NULL;
	op = grow(&df->plan->ops, &df->plan->nops, sizeof(*op));
	if (!op) {
		df->err = -ENOMEM;
		return NULL;
	}
	op->kind = kind;
	return op;
}

static bool recreated(const struct differ *df, const char *device)
{
	const struct cfg_device *d = find_device(df->have, device);

	return d && df->recreate[d - df->have->devices];
}

/* A device's logical block size in @cfg: the one it gives, else 512. */
static uint32_t dev_blocksize(const struct scst_config *cfg, const char *name)
{
	const struct cfg_device *d = find_device(cfg, name);

	if (d && (d->parsed.mask & SCST_DEV_ATTR_BIT(SCST_DEV_ATTR_BLOCKSIZE)))
		return d->parsed.blocksize;
	return 512;
}

/* Attributes @w gives that @h does not have with the same value. */
static uint64_t dev_changed(const struct cfg_device *w,
			    const struct cfg_device *h)
{
	char a[4096], b[4096];
	uint64_t changed = 0;
	unsigned int i;

	for (i = 0; i < __SCST_DEV_ATTR_MAX; i++) {
		if (!(w->parsed.mask & SCST_DEV_ATTR_BIT(i)))
			continue;
		if (scst_dev_attrs_format(&w->parsed, i, a, sizeof(a)) < 0 ||
		    scst_dev_attrs_format(&h->parsed, i, b, sizeof(b)) < 0 ||
		    strcmp(a, b))
			changed |= SCST_DEV_ATTR_BIT(i);
	}
	return changed;
}

static void diff_devices(struct differ *df)
{
	const struct scst_config *want = df->want, *have = df->have;
	struct cfg_op *op;
	size_t i;

	for (i = 0; i < want->ndevices; i++) {
		const struct cfg_device *w = &want->devices[i];
		const struct cfg_device *h = find_device(have, w->name);
		const struct cfg_handler *hd =
			config_find_handler(df->handlers, w->handler);
		uint64_t create = hd ? hd->create : ~0ULL;
		uint64_t runtime = hd ? hd->runtime : 0;
		uint64_t changed;

		if (h && !strcmp(h->handler, w->handler)) {
			changed = dev_changed(w, h);
			if (!changed)
				continue;
			if (!(changed & ~runtime)) {
				op = op_add(df, CFG_OP_DEVICE_SET);
				if (op) {
					op->name = w->name;
					op->dev = w;
					op->attrs = changed;
				}
				continue;
			}
		}
		if (h) {
			/* A new handler, or something only creation sets. */
			df->recreate[h - have->devices] = true;
			op = op_add(df, CFG_OP_DEVICE_DEL);
			if (op) {
				op->name = h->name;
				op->flag = true;
			}
		}
		op = op_add(df, CFG_OP_DEVICE_ADD);
		if (op) {
			op->name = w->name;
			op->arg = w->handler;
			op->dev = w;
			op->attrs = w->parsed.mask & create;
		}
		if (w->parsed.mask & ~create) {
			op = op_add(df, CFG_OP_DEVICE_SET);
			if (op) {
				op->name = w->name;
				op->dev = w;
				op->attrs = w->parsed.mask & ~create;
			}
		}
	}
	for (i = 0; i < have->ndevices; i++) {
		if (find_device(want, have->devices[i].name))
			continue;
		/* Last, once no LUN uses it any more. */
		op = op_add(df, CFG_OP_DEVICE_DEL);
		if (op)
			op->name = have->devices[i].name;
	}
}

static void diff_luns(struct differ *df, const struct cfg_target *wt,
		      const struct cfg_group *wg, const struct cfg_group *hg)
{
	const char *gname = wg ? wg->name : hg->name;
	struct cfg_op *op;
	size_t i;

	for (i = 0; wg && i < wg->nluns; i++) {
		const struct cfg_lun *w = &wg->luns[i];
		const struct cfg_lun *h = find_lun(hg, w->lun);
		enum cfg_op_kind kind = CFG_OP_LUN_ADD;

		/*
		 * A replace keeps the LUN under the initiators; the kernel
		 * refuses one to a device of another block size, which they
		 * could not follow: such a LUN is deleted and added again.
		 */
		if (h && !recreated(df, h->device) &&
		    h->read_only == w->read_only &&
		    dev_blocksize(df->have, h->device) ==
		    dev_blocksize(df->want, w->device)) {
			/* Unchanged LUNs are not touched at all. */
			if (!strcmp(h->device, w->device))
				continue;
			/* Another device: swap it under the running I/O. */
			kind = CFG_OP_LUN_REPLACE;
		} else if (h) {
			op = op_add(df, CFG_OP_LUN_DEL);
			if (op) {
				op->target = wt->name;
				op->group = gname;
				op->lun = h->lun;
			}
		}
		op = op_add(df, kind);
		if (op) {
			op->target = wt->name;
			op->group = gname;
			op->lun = w->lun;
			op->arg = w->device;
			op->flag = w->read_only;
		}
	}
	for (i = 0; hg && i < hg->nluns; i++) {
		if (find_lun(wg, hg->luns[i].lun))
			continue;
		op = op_add(df, CFG_OP_LUN_DEL);
		if (op) {
			op->target = wt->name;
			op->group = gname;
			op->lun = hg->luns[i].lun;
		}
	}
}

static bool has_param(const struct cfg_kv *v, size_t n,
		      const struct cfg_kv *p)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i].key, p->key) && !strcmp(v[i].value, p->value))
			return true;
	return false;
}

/*
 * Parameters of @want that @have does not list as they are, one operation
 * each. A value holding a secret is never listed as it was set, so it is
 * set again on every load: the kernel cannot tell whether it changed.
 */
static void diff_params(struct differ *df, enum cfg_op_kind kind,
			const char *name, const struct cfg_kv *want,
			size_t nwant, const struct cfg_kv *have, size_t nhave)
{
	struct cfg_op *op;
	size_t i;

	for (i = 0; i < nwant; i++) {
		if (has_param(have, nhave, &want[i]))
			continue;
		op = op_add(df, kind);
		if (!op)
			return;
		if (kind == CFG_OP_DRIVER_SET)
			op->name = name;
		else
			op->target = name;
		op->param = &want[i];
	}
}

static const struct cfg_driver *find_driver(const struct scst_config *cfg,
					    const char *name)
{
	size_t i;

	for (i = 0; i < cfg->ndrivers; i++)
		if (!strcmp(cfg->drivers[i].name, name))
			return &cfg->drivers[i];
	return NULL;
}

static void diff_target(struct differ *df, const struct cfg_target *wt,
			const struct cfg_target *ht)
{
	struct cfg_op *op;
	size_t i, j;

	if (!ht) {
		op = op_add(df, CFG_OP_TARGET_ADD);
		if (op) {
			op->target = wt->name;
			op->arg = wt->driver;
		}
	}
	for (i = 0; ht && i < ht->ngroups; i++) {
		if (find_group(wt, ht->groups[i].name))
			continue;
		op = op_add(df, CFG_OP_GROUP_DEL);
		if (op) {
			op->target = wt->name;
			op->group = ht->groups[i].name;
		}
	}
	for (i = 0; i < wt->ngroups; i++) {
		if (find_group(ht, wt->groups[i].name))
			continue;
		op = op_add(df, CFG_OP_GROUP_ADD);
		if (op) {
			op->target = wt->name;
			op->group = wt->groups[i].name;
		}
	}

	/* Initiators: move between kept groups, else delete and add. */
	for (i = 0; ht && i < ht->ngroups; i++) {
		const struct cfg_group *hg = &ht->groups[i];

		if (!find_group(wt, hg->name))
			continue;	/* gone with its group */
		for (j = 0; j < hg->ninits; j++) {
			if (find_init(wt, hg->inits[j].key))
				continue;
			op = op_add(df, CFG_OP_INITIATOR_DEL);
			if (op) {
				op->target = wt->name;
				op->group = hg->name;
				op->name = hg->inits[j].key;
			}
		}
	}
	for (i = 0; i < wt->ngroups; i++) {
		const struct cfg_group *wg = &wt->groups[i];

		for (j = 0; j < wg->ninits; j++) {
			const struct cfg_group *hg = find_init(ht, wg->inits[j].key);

			if (hg && !strcmp(hg->name, wg->name))
				continue;
			if (hg && find_group(wt, hg->name)) {
				op = op_add(df, CFG_OP_INITIATOR_MOVE);
				if (op) {
					op->target = wt->name;
					op->group = hg->name;
					op->name = wg->inits[j].key;
					op->arg = wg->name;
				}
				continue;
			}
			op = op_add(df, CFG_OP_INITIATOR_ADD);
			if (op) {
				op->target = wt->name;
				op->group = wg->name;
				op->name = wg->inits[j].key;
			}
		}
	}

	/* LUNs of the default group, then of every kept or new group. */
	diff_luns(df, wt, &wt->dflt, ht ? &ht->dflt : NULL);
	for (i = 0; i < wt->ngroups; i++)
		diff_luns(df, wt, &wt->groups[i],
			  find_group(ht, wt->groups[i].name));

	/* Before it is enabled, so that the first login finds its accounts. */
	diff_params(df, CFG_OP_TARGET_SET, wt->name, wt->params, wt->nparams,
		    ht ? ht->params : NULL, ht ? ht->nparams : 0);

	/* A new target starts in the driver's default state, whatever it is. */
	if (wt->has_enabled &&
	    (!ht || !ht->has_enabled || ht->enabled != wt->enabled)) {
		op = op_add(df, CFG_OP_TARGET_ENABLE);
		if (op) {
			op->target = wt->name;
			op->flag = wt->enabled;
		}
	}

	if (!config_driver_has_sessions(wt->driver))
		return;
	for (i = 0; ht && i < ht->nsessions; i++) {
		const struct cfg_session *ws = find_session(wt, ht->sessions[i].name);

		if (ws && !strcmp(ws->initiator, ht->sessions[i].initiator))
			continue;
		op = op_add(df, CFG_OP_SESSION_DEL);
		if (op) {
			op->target = wt->name;
			op->name = ht->sessions[i].name;
		}
	}
	for (i = 0; i < wt->nsessions; i++) {
		const struct cfg_session *hs = find_session(ht, wt->sessions[i].name);

		if (hs && !strcmp(hs->initiator, wt->sessions[i].initiator))
			continue;
		op = op_add(df, CFG_OP_SESSION_ADD);
		if (op) {
			op->target = wt->name;
			op->name = wt->sessions[i].name;
			op->arg = wt->sessions[i].initiator;
		}
	}
}

/* Position of an operation in the plan; see enum cfg_op_kind. */
static int op_phase(const struct cfg_op *op)
{
	/* Devices made again go early; unused ones after LUNs let go. */
	if (op->kind == CFG_OP_DEVICE_DEL && !op->flag)
		return CFG_OP_SESSION_ADD + 1;
	return op->kind;
}

int config_diff(const struct scst_config *want, const struct scst_config *have,
		const struct cfg_handlers *handlers, struct cfg_plan *plan)
{
	struct differ df = {
		.plan = plan, .handlers = handlers, .want = want, .have = have,
	};
	struct cfg_op *sorted_ops;
	struct cfg_op *op;
	size_t i, n;
	int phase, last;

	plan->ops = NULL;
	plan->nops = 0;
	df.recreate = calloc(have->ndevices + 1, sizeof(*df.recreate));
	if (!df.recreate)
		return -ENOMEM;

	if ((want->has_async && (!have->has_async ||
				 want->async_lun_replace != have->async_lun_replace)) ||
	    (want->has_park && (!have->has_park ||
				want->park_lun_replace != have->park_lun_replace)) ||
	    (want->has_qdepth && (!have->has_qdepth ||
				  want->lun_queue_depth != have->lun_queue_depth))) {
		op = op_add(&df, CFG_OP_GLOBAL_SET);
		if (op)
			op->global = want;
	}

	for (i = 0; i < want->ndrivers; i++) {
		const struct cfg_driver *wd = &want->drivers[i];
		const struct cfg_driver *hd = find_driver(have, wd->name);

		diff_params(&df, CFG_OP_DRIVER_SET, wd->name, wd->params,
			    wd->nparams, hd ? hd->params : NULL,
			    hd ? hd->nparams : 0);
	}

	diff_devices(&df);

	for (i = 0; i < have->ntargets; i++) {
		const struct cfg_target *ht = &have->targets[i];
		const struct cfg_target *wt = find_target(want, ht->name);

		if (wt && !strcmp(wt->driver, ht->driver))
			continue;
		op = op_add(&df, CFG_OP_TARGET_DEL);
		if (op)
			op->target = ht->name;
	}
	for (i = 0; i < want->ntargets; i++) {
		const struct cfg_target *wt = &want->targets[i];
		const struct cfg_target *ht = find_target(have, wt->name);

		if (ht && strcmp(ht->driver, wt->driver))
			ht = NULL;
		diff_target(&df, wt, ht);
	}
	free(df.recreate);
	if (df.err) {
		config_plan_free(plan);
		return df.err;
	}

	/* Stable bucket order by phase. */
	n = plan->nops;
	sorted_ops = malloc((n + 1) * sizeof(*sorted_ops));
	if (!sorted_ops) {
		config_plan_free(plan);
		return -ENOMEM;
	}
	last = CFG_OP_SESSION_ADD + 1;
	for (phase = 0, n = 0; phase <= last; phase++)
		for (i = 0; i < plan->nops; i++)
			if (op_phase(&plan->ops[i]) == phase)
				sorted_ops[n++] = plan->ops[i];
	free(plan->ops);
	plan->ops = sorted_ops;
	return 0;
}

void config_plan_free(struct cfg_plan *plan)
{
	free(plan->ops);
	plan->ops = NULL;
	plan->nops = 0;
}

void config_op_describe(const struct cfg_op *op, char *buf, size_t len)
{
	char grp[SCST_NAME_MAX + 8] = "";
	char attrs[512] = "";
	char qd[32];
	size_t used = 0;
	unsigned int a;
	int shown = 0;
	const char *more = "";

	if (op->param) {
		shown = (int)strcspn(op->param->value, " \t");
		if (op->param->value[shown])
			more = " ...";
	}

	if (op->group)
		snprintf(grp, sizeof(grp), " group %s", op->group);
	if (op->dev) {
		for (a = 0; a < __SCST_DEV_ATTR_MAX && used < sizeof(attrs); a++)
			if (op->attrs & SCST_DEV_ATTR_BIT(a))
				used += snprintf(attrs + used, sizeof(attrs) - used,
						 " %s", scst_dev_attr_name(a));
	}
	switch (op->kind) {
	case CFG_OP_SESSION_DEL:
		snprintf(buf, len, "session del %s %s", op->target, op->name);
		break;
	case CFG_OP_LUN_DEL:
		snprintf(buf, len, "lun del %s%s %u", op->target, grp, op->lun);
		break;
	case CFG_OP_INITIATOR_DEL:
		snprintf(buf, len, "initiator del %s %s %s", op->target,
			 op->group, op->name);
		break;
	case CFG_OP_GROUP_DEL:
		snprintf(buf, len, "group del %s %s", op->target, op->group);
		break;
	case CFG_OP_TARGET_DEL:
		snprintf(buf, len, "target del %s", op->target);
		break;
	case CFG_OP_DEVICE_DEL:
		snprintf(buf, len, "device del %s", op->name);
		break;
	case CFG_OP_GLOBAL_SET:
		snprintf(qd, sizeof(qd), " lun_queue_depth %u",
			 op->global->lun_queue_depth);
		snprintf(buf, len, "global set%s%s%s%s%s",
			 op->global->has_async ? " async_lun_replace " : "",
			 op->global->has_async ?
			 (op->global->async_lun_replace ? "on" : "off") : "",
			 op->global->has_park ? " park_lun_replace " : "",
			 op->global->has_park ?
			 (op->global->park_lun_replace ? "on" : "off") : "",
			 op->global->has_qdepth ? qd : "");
		break;
	case CFG_OP_DEVICE_ADD:
		snprintf(buf, len, "device add %s handler %s%s", op->name,
			 op->arg, attrs);
		break;
	case CFG_OP_DEVICE_SET:
		snprintf(buf, len, "device set %s%s", op->name, attrs);
		break;
	case CFG_OP_TARGET_ADD:
		snprintf(buf, len, "target add %s driver %s", op->target,
			 op->arg);
		break;
	case CFG_OP_GROUP_ADD:
		snprintf(buf, len, "group add %s %s", op->target, op->group);
		break;
	case CFG_OP_INITIATOR_MOVE:
		snprintf(buf, len, "initiator move %s %s %s %s", op->target,
			 op->group, op->name, op->arg);
		break;
	case CFG_OP_INITIATOR_ADD:
		snprintf(buf, len, "initiator add %s %s %s", op->target,
			 op->group, op->name);
		break;
	case CFG_OP_LUN_REPLACE:
		snprintf(buf, len, "lun replace %s%s %u %s", op->target, grp,
			 op->lun, op->arg);
		break;
	case CFG_OP_LUN_ADD:
		snprintf(buf, len, "lun add %s%s %u %s%s", op->target, grp,
			 op->lun, op->arg, op->flag ? " read_only on" : "");
		break;
	case CFG_OP_DRIVER_SET:
		snprintf(buf, len, "driver set %s %s=%.*s%s", op->name,
			 op->param->key, shown, op->param->value, more);
		break;
	case CFG_OP_TARGET_SET:
		snprintf(buf, len, "target set %s %s=%.*s%s", op->target,
			 op->param->key, shown, op->param->value, more);
		break;
	case CFG_OP_TARGET_ENABLE:
		snprintf(buf, len, "target set %s enabled %s", op->target,
			 op->flag ? "on" : "off");
		break;
	case CFG_OP_SESSION_ADD:
		snprintf(buf, len, "session add %s %s name %s", op->target,
			 op->arg, op->name);
		break;
	}
}
