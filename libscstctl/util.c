// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Helpers: attribute (de)serialisation, growing arrays, value parsing and
 * the names of commands and states.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "libscstctl-internal.h"

int scst_put_str(struct nl_msg *msg, int type, const char *s)
{
	if (!s)
		return -EINVAL;
	return nla_put_string(msg, type, s) < 0 ? -EMSGSIZE : 0;
}

int scst_put_opt_str(struct nl_msg *msg, int type, const char *s)
{
	return s ? scst_put_str(msg, type, s) : 0;
}

/*
 * The kernel checks keys and values; what is checked here is only what
 * makes a string no parameter at all, so that such a request is never
 * sent and the message names the string rather than an attribute offset.
 */
int scst_params_put(struct scst_ctx *ctx, struct nl_msg *msg, int type,
		    const char *const *params)
{
	const char *const *p;
	const char *eq;
	int err, shown;

	if (!params || !*params) {
		err = scst_fail(ctx, -EINVAL, "no parameter to set");
		goto err;
	}
	for (p = params; *p; p++) {
		/* Messages quote the key only: the value may be a secret. */
		eq = strchr(*p, '=');
		shown = (int)(eq ? (size_t)(eq - *p) : strcspn(*p, " \t"));
		if (shown > 64)
			shown = 64;
		if (!eq) {
			err = scst_fail(ctx, -EINVAL,
					"parameter '%.*s' is not key=value",
					shown, *p);
			goto err;
		}
		if (eq == *p) {
			err = scst_fail(ctx, -EINVAL,
					"a parameter has no key before '='");
			goto err;
		}
		if (strlen(*p) > SCST_PARAM_MAX) {
			err = scst_fail(ctx, -ERANGE,
					"parameter '%.*s' is longer than %d bytes",
					shown, *p, SCST_PARAM_MAX);
			goto err;
		}
		if (nla_put_string(msg, type, *p) < 0) {
			err = scst_fail(ctx, -EMSGSIZE,
					"the parameters do not fit in one request");
			goto err;
		}
	}
	return 0;
err:
	nlmsg_free(msg);
	return err;
}

/* The policy made sure the attribute is NUL-terminated. */
char *scst_attr_strdup(const struct nlattr *nla)
{
	return strdup(nla_data(nla));
}

int scst_dup_opt(struct nlattr **tb, int type, char **out)
{
	*out = NULL;
	if (!tb[type])
		return 0;
	*out = scst_attr_strdup(tb[type]);
	return *out ? 0 : -ENOMEM;
}

int scst_vec_push(struct scst_vec *vec, void *p)
{
	if (vec->n + 2 > vec->cap) {
		size_t cap = vec->cap ? vec->cap * 2 : 8;
		void **v = realloc(vec->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		vec->v = v;
		vec->cap = cap;
	}
	vec->v[vec->n++] = p;
	vec->v[vec->n] = NULL;
	return 0;
}

/* Hands the NULL-terminated array over (an empty one when nothing was
 * pushed) and leaves @vec empty. */
void **scst_vec_take(struct scst_vec *vec)
{
	void **v = vec->v;

	if (!v)
		v = calloc(1, sizeof(*v));
	vec->v = NULL;
	vec->n = 0;
	vec->cap = 0;
	return v;
}

void scst_strv_free(char **v)
{
	char **p;

	if (!v)
		return;
	for (p = v; *p; p++)
		free(*p);
	free(v);
}

/* Every occurrence of a repeated string attribute, in order. */
int scst_collect_strings(struct nlmsghdr *nlh, int type, char ***out)
{
	struct genlmsghdr *ghdr = nlmsg_data(nlh);
	struct scst_vec vec = { 0 };
	struct nlattr *nla;
	int rem, err;

	nla_for_each_attr(nla, genlmsg_attrdata(ghdr, 0),
			  genlmsg_attrlen(ghdr, 0), rem) {
		const char *s = nla_data(nla);
		char *dup;

		if (nla_type(nla) != type)
			continue;
		if (nla_len(nla) < 1 || s[nla_len(nla) - 1] != '\0') {
			err = -EPROTO;
			goto err;
		}
		dup = strdup(s);
		if (!dup) {
			err = -ENOMEM;
			goto err;
		}
		err = scst_vec_push(&vec, dup);
		if (err) {
			free(dup);
			goto err;
		}
	}
	*out = (char **)scst_vec_take(&vec);
	return *out ? 0 : -ENOMEM;

err:
	scst_strv_free((char **)vec.v);
	return err;
}

SCST_EXPORT int scst_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "on", "1", "yes", "true", "y" };
	static const char *const no[] = { "off", "0", "no", "false", "n" };
	size_t i;

	if (!s)
		return -EINVAL;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

SCST_EXPORT int scst_parse_size(const char *s, uint64_t *out)
{
	static const char units[] = "KMGTP";
	unsigned long long v;
	const char *u;
	char *end;
	int shift = 0;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno == ERANGE)
		return -ERANGE;
	if (end == s)
		return -EINVAL;
	if (*end) {
		u = strchr(units, toupper((unsigned char)*end));
		if (!u)
			return -EINVAL;
		shift = 10 * (int)(u - units + 1);
		end++;
		/* "K", "KB", "KiB" all mean 1024 here. */
		if (!strcasecmp(end, "ib") || !strcasecmp(end, "b"))
			end += strlen(end);
		if (*end)
			return -EINVAL;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = (uint64_t)v << shift;
	return 0;
}

SCST_EXPORT const char *scst_cmd_name(unsigned int cmd)
{
	static const char *const names[] = {
		[SCST_CMD_GLOBAL_GET]		= "global_get",
		[SCST_CMD_GLOBAL_SET]		= "global_set",
		[SCST_CMD_HANDLER_GET]		= "handler_get",
		[SCST_CMD_DEVICE_NEW]		= "device_new",
		[SCST_CMD_DEVICE_DEL]		= "device_del",
		[SCST_CMD_DEVICE_SET]		= "device_set",
		[SCST_CMD_DEVICE_GET]		= "device_get",
		[SCST_CMD_DRIVER_GET]		= "driver_get",
		[SCST_CMD_TARGET_NEW]		= "target_new",
		[SCST_CMD_TARGET_DEL]		= "target_del",
		[SCST_CMD_TARGET_SET]		= "target_set",
		[SCST_CMD_TARGET_GET]		= "target_get",
		[SCST_CMD_GROUP_NEW]		= "group_new",
		[SCST_CMD_GROUP_DEL]		= "group_del",
		[SCST_CMD_GROUP_GET]		= "group_get",
		[SCST_CMD_INITIATOR_ADD]	= "initiator_add",
		[SCST_CMD_INITIATOR_DEL]	= "initiator_del",
		[SCST_CMD_INITIATOR_MOVE]	= "initiator_move",
		[SCST_CMD_INITIATOR_CLEAR]	= "initiator_clear",
		[SCST_CMD_LUN_NEW]		= "lun_new",
		[SCST_CMD_LUN_DEL]		= "lun_del",
		[SCST_CMD_LUN_REPLACE]		= "lun_replace",
		[SCST_CMD_LUN_CLEAR]		= "lun_clear",
		[SCST_CMD_LUN_GET]		= "lun_get",
		[SCST_CMD_SESSION_NEW]		= "session_new",
		[SCST_CMD_SESSION_DEL]		= "session_del",
		[SCST_CMD_SESSION_GET]		= "session_get",
		[SCST_CMD_CLEANUP_GET]		= "cleanup_get",
		[SCST_CMD_CLEANUP_RELEASE]	= "cleanup_release",
		[SCST_CMD_CLEANUP_NTF]		= "cleanup",
		[SCST_CMD_DRIVER_SET]		= "driver_set",
	};

	if (cmd < sizeof(names) / sizeof(names[0]) && names[cmd])
		return names[cmd];
	return "unknown";
}

SCST_EXPORT const char *scst_cleanup_state_name(unsigned int state)
{
	static const char *const names[] = {
		[SCST_CLEANUP_DRAINING]	= "draining",
		[SCST_CLEANUP_PARKED]	= "parked",
		[SCST_CLEANUP_DRAINED]	= "drained",
		[SCST_CLEANUP_FREED]	= "freed",
		[SCST_CLEANUP_REPLACED]	= "replaced",
	};

	if (state < sizeof(names) / sizeof(names[0]) && names[state])
		return names[state];
	return "unknown";
}

void scst_vec_clear(struct scst_vec *vec, scst_free_fn free_fn)
{
	size_t i;

	for (i = 0; i < vec->n; i++)
		free_fn(vec->v[i]);
	free(vec->v);
	vec->v = NULL;
	vec->n = 0;
	vec->cap = 0;
}

void scst_array_free(void **v, scst_free_fn free_fn)
{
	void **p;

	if (!v)
		return;
	for (p = v; *p; p++)
		free_fn(*p);
	free(v);
}

struct scst_collect {
	struct scst_vec	vec;
	scst_from_tb_fn	from_tb;
	scst_free_fn	free_fn;
	bool		one;
};

static int scst_collect_parse(struct scst_ctx *ctx, struct nlattr **tb,
			      struct nlmsghdr *nlh, void *arg)
{
	struct scst_collect *c = arg;
	void *obj;
	int err;

	(void)ctx;
	if (c->one && c->vec.n)
		return -EPROTO;
	err = c->from_tb(tb, nlh, &obj);
	if (err)
		return err;
	err = scst_vec_push(&c->vec, obj);
	if (err)
		c->free_fn(obj);
	return err;
}

static void scst_collect_reset(void *arg)
{
	struct scst_collect *c = arg;

	scst_vec_clear(&c->vec, c->free_fn);
}

int scst_list(struct scst_ctx *ctx, uint8_t cmd, scst_build_fn build,
	      const void *build_arg, scst_from_tb_fn from_tb,
	      scst_free_fn free_fn, void ***out)
{
	struct scst_collect c = { .from_tb = from_tb, .free_fn = free_fn };
	int err;

	*out = NULL;
	err = scst_dump(ctx, cmd, build, build_arg, scst_collect_parse,
			scst_collect_reset, &c);
	if (err) {
		scst_vec_clear(&c.vec, free_fn);
		return err;
	}
	err = (int)c.vec.n;
	*out = scst_vec_take(&c.vec);
	if (!*out)
		return scst_fail(ctx, -ENOMEM, "out of memory");
	return err;
}

int scst_get_one(struct scst_ctx *ctx, struct nl_msg *msg,
		 scst_from_tb_fn from_tb, scst_free_fn free_fn, void **out)
{
	struct scst_collect c = {
		.from_tb = from_tb, .free_fn = free_fn, .one = true,
	};
	int err;

	*out = NULL;
	err = scst_request(ctx, msg, scst_collect_parse, &c);
	if (!err && c.vec.n != 1)
		err = scst_fail(ctx, -EPROTO, "the kernel's answer is empty");
	if (err) {
		scst_vec_clear(&c.vec, free_fn);
		return err;
	}
	*out = c.vec.v[0];
	free(c.vec.v);
	return 0;
}

int scst_filter_build(struct nl_msg *msg, const void *arg)
{
	const struct scst_filter *f = arg;
	int err;

	err = scst_put_opt_str(msg, SCST_A_TARGET, f->target);
	if (!err && f->target)
		err = scst_put_opt_str(msg, SCST_A_GROUP, f->group);
	return err;
}
