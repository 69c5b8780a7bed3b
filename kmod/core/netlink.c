// SPDX-License-Identifier: GPL-2.0
/*
 * The "scst" generic-netlink family: policies, operations, dumps, events.
 * kmod/include/uapi/linux/scst.h documents the protocol.
 *
 * Every operation takes scst_mutex for its whole duration (the few that
 * call a driver back or wait for a drain drop it inside, see tgt.c and
 * replace.c). Dumps take it for each part and carry a cursor in cb->args;
 * scst_generation, bumped by every change, tells genl_dump_check_consistent()
 * when the configuration changed between two parts.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/limits.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include "scst_priv.h"

static struct genl_family scst_genl_family;

/* ---- errors ----------------------------------------------------------------- */

/*
 * An extack message is a pointer, read when the ack is built after the
 * operation returned. Since 6.2 the request carries an 80-byte buffer for
 * it; a longer message (names make them long), and every message before
 * 6.2, goes to a ring of slots long enough that a slot is not reused
 * before its ack has gone out.
 */
#define SCST_ERRMSG_SLOTS	64
#define SCST_ERRMSG_LEN		192
static char scst_errmsg_ring[SCST_ERRMSG_SLOTS][SCST_ERRMSG_LEN];
static atomic_t scst_errmsg_next = ATOMIC_INIT(0);

/**
 * scst_nl_err() - set a formatted extack message
 * @extack: may be NULL
 * @attr: the offending attribute, or NULL
 * @fmt: message, naming the object
 */
void scst_nl_err(struct netlink_ext_ack *extack, const struct nlattr *attr,
		 const char *fmt, ...)
{
	char *buf = NULL;
	va_list ap;

	if (!extack)
		return;
#ifdef HAVE_EXTACK_MSG_BUF
	va_start(ap, fmt);
	if (vsnprintf(extack->_msg_buf, sizeof(extack->_msg_buf), fmt, ap) <
	    (int)sizeof(extack->_msg_buf))
		buf = extack->_msg_buf;
	va_end(ap);
#endif
	if (!buf) {
		buf = scst_errmsg_ring[(unsigned int)atomic_inc_return(&scst_errmsg_next) %
				       SCST_ERRMSG_SLOTS];
		va_start(ap, fmt);
		vsnprintf(buf, SCST_ERRMSG_LEN, fmt, ap);
		va_end(ap);
	}
	extack->_msg = buf;
	if (attr)
		extack->bad_attr = attr;
}

/* ---- policies --------------------------------------------------------------- */

#define SCST_POL_NAME	{ .type = NLA_NUL_STRING, .len = SCST_NAME_MAX - 1 }
#define SCST_POL_BOOL	NLA_POLICY_MAX(NLA_U8, 1)
/* A driver parameter, "key=value". */
#define SCST_POL_PARAM	{ .type = NLA_NUL_STRING, .len = 4095 }

#define SCST_POL_DEV_ATTRS						\
	[SCST_A_DEV_FILENAME]	= { .type = NLA_NUL_STRING,		\
				    .len = PATH_MAX - 1 },		\
	[SCST_A_DEV_SIZE]	= { .type = NLA_U64 },			\
	[SCST_A_DEV_BLOCKSIZE]	= { .type = NLA_U32 },			\
	[SCST_A_DEV_READ_ONLY]	= SCST_POL_BOOL,			\
	[SCST_A_DEV_WRITE_THROUGH] = SCST_POL_BOOL,			\
	[SCST_A_DEV_NV_CACHE]	= SCST_POL_BOOL,			\
	[SCST_A_DEV_O_DIRECT]	= SCST_POL_BOOL,			\
	[SCST_A_DEV_THIN_PROVISIONED] = SCST_POL_BOOL,			\
	[SCST_A_DEV_ROTATIONAL]	= SCST_POL_BOOL,			\
	[SCST_A_DEV_VENDOR]	= { .type = NLA_NUL_STRING, .len = 8 },	\
	[SCST_A_DEV_PRODUCT]	= { .type = NLA_NUL_STRING, .len = 16 }, \
	[SCST_A_DEV_REVISION]	= { .type = NLA_NUL_STRING, .len = 4 },	\
	[SCST_A_DEV_T10_DEV_ID]	= { .type = NLA_NUL_STRING, .len = 64 }, \
	[SCST_A_DEV_USN]	= { .type = NLA_NUL_STRING, .len = 64 }, \
	[SCST_A_DEV_NAA_ID]	= NLA_POLICY_EXACT_LEN(16),		\
	[SCST_A_DEV_EUI64_ID]	= { .type = NLA_U64 }

/*
 * One policy entry per attribute, shared by the per-operation policies
 * below; an operation's policy lists only what it accepts, so anything
 * else is rejected by strict validation.
 */
#define SCST_POL_ENTRY_HANDLER \
	[SCST_A_HANDLER] = SCST_POL_NAME
#define SCST_POL_ENTRY_DEVICE \
	[SCST_A_DEVICE] = SCST_POL_NAME
#define SCST_POL_ENTRY_DRIVER \
	[SCST_A_DRIVER] = SCST_POL_NAME
#define SCST_POL_ENTRY_TARGET \
	[SCST_A_TARGET] = SCST_POL_NAME
#define SCST_POL_ENTRY_GROUP \
	[SCST_A_GROUP] = SCST_POL_NAME
#define SCST_POL_ENTRY_INITIATOR \
	[SCST_A_INITIATOR] = SCST_POL_NAME
#define SCST_POL_ENTRY_NEW_GROUP \
	[SCST_A_NEW_GROUP] = SCST_POL_NAME
#define SCST_POL_ENTRY_SESSION \
	[SCST_A_SESSION] = SCST_POL_NAME
#define SCST_POL_ENTRY_LUN \
	[SCST_A_LUN] = NLA_POLICY_MAX(NLA_U32, SCST_LUN_MAX)

/* Beyond the s16 that NLA_POLICY_MAX holds (not const: 6.1 wants it so). */
static struct netlink_range_validation scst_queue_depth_range __ro_after_init = {
	.max = SCST_QUEUE_DEPTH_MAX,
};

static const struct nla_policy scst_global_set_policy[SCST_A_MAX + 1] = {
	[SCST_A_ASYNC_LUN_REPLACE] = SCST_POL_BOOL,
	[SCST_A_PARK_LUN_REPLACE] = SCST_POL_BOOL,
	[SCST_A_LUN_QUEUE_DEPTH] = NLA_POLICY_FULL_RANGE(NLA_U32,
						 &scst_queue_depth_range),
};

static const struct nla_policy scst_device_new_policy[SCST_A_MAX + 1] = {
	SCST_POL_ENTRY_HANDLER,
	SCST_POL_ENTRY_DEVICE,
	SCST_POL_DEV_ATTRS,
};

static const struct nla_policy scst_device_set_policy[SCST_A_MAX + 1] = {
	SCST_POL_ENTRY_DEVICE,
	SCST_POL_DEV_ATTRS,
};

static const struct nla_policy scst_device_policy[SCST_A_MAX + 1] = {
	SCST_POL_ENTRY_DEVICE,
};

static const struct nla_policy scst_target_new_policy[SCST_A_MAX + 1] = {
	SCST_POL_ENTRY_DRIVER,
	SCST_POL_ENTRY_TARGET,
};

static const struct nla_policy scst_target_policy[SCST_A_MAX + 1] = {
	SCST_POL_ENTRY_TARGET,
};

static const struct nla_policy scst_target_set_policy[SCST_A_MAX + 1] = {
	SCST_POL_ENTRY_TARGET,
	[SCST_A_TARGET_ENABLED] = SCST_POL_BOOL,
	[SCST_A_TARGET_PARAM] = SCST_POL_PARAM,
};

static const struct nla_policy scst_driver_set_policy[SCST_A_MAX + 1] = {
	SCST_POL_ENTRY_DRIVER,
	[SCST_A_DRIVER_PARAM] = SCST_POL_PARAM,
};

static const struct nla_policy scst_group_policy[SCST_A_MAX + 1] = {
	SCST_POL_ENTRY_TARGET,
	SCST_POL_ENTRY_GROUP,
};

static const struct nla_policy scst_initiator_policy[SCST_A_MAX + 1] = {
	SCST_POL_ENTRY_TARGET,
	SCST_POL_ENTRY_GROUP,
	SCST_POL_ENTRY_INITIATOR,
};

static const struct nla_policy scst_initiator_move_policy[SCST_A_MAX + 1] = {
	SCST_POL_ENTRY_TARGET,
	SCST_POL_ENTRY_GROUP,
	SCST_POL_ENTRY_INITIATOR,
	SCST_POL_ENTRY_NEW_GROUP,
};

static const struct nla_policy scst_lun_new_policy[SCST_A_MAX + 1] = {
	SCST_POL_ENTRY_TARGET,
	SCST_POL_ENTRY_GROUP,
	SCST_POL_ENTRY_LUN,
	SCST_POL_ENTRY_DEVICE,
	[SCST_A_LUN_READ_ONLY] = SCST_POL_BOOL,
};

static const struct nla_policy scst_lun_del_policy[SCST_A_MAX + 1] = {
	SCST_POL_ENTRY_TARGET,
	SCST_POL_ENTRY_GROUP,
	SCST_POL_ENTRY_LUN,
};

static const struct nla_policy scst_lun_replace_policy[SCST_A_MAX + 1] = {
	SCST_POL_ENTRY_TARGET,
	SCST_POL_ENTRY_GROUP,
	SCST_POL_ENTRY_LUN,
	SCST_POL_ENTRY_DEVICE,
	[SCST_A_LUN_READ_ONLY] = SCST_POL_BOOL,
	[SCST_A_REPLACE_FLAGS] = NLA_POLICY_MASK(NLA_U32, __SCST_REPLACE_F_ALL),
};

static const struct nla_policy scst_session_new_policy[SCST_A_MAX + 1] = {
	SCST_POL_ENTRY_TARGET,
	SCST_POL_ENTRY_INITIATOR,
	SCST_POL_ENTRY_SESSION,
};

static const struct nla_policy scst_session_del_policy[SCST_A_MAX + 1] = {
	SCST_POL_ENTRY_TARGET,
	SCST_POL_ENTRY_SESSION,
};

static const struct nla_policy scst_cleanup_release_policy[SCST_A_MAX + 1] = {
	[SCST_A_CLEANUP_ID] = { .type = NLA_U64 },
	[SCST_A_CLEANUP_ALL] = { .type = NLA_FLAG },
};

/* ---- request helpers ---------------------------------------------------------- */

static struct nlattr **scst_dump_attrs(struct netlink_callback *cb)
{
#ifdef HAVE_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/* A required attribute: NULL with "missing attribute" if absent. */
static bool scst_nl_required(struct genl_info *info, int type)
{
	return !GENL_REQ_ATTR_CHECK(info, type);
}

/* The name of an object to create, checked against the naming rules. */
static const char *scst_nl_new_name(struct genl_info *info, int type,
				    const char *what, bool any_printable)
{
	const char *name;

	if (!scst_nl_required(info, type))
		return ERR_PTR(-EINVAL);
	name = nla_data(info->attrs[type]);
	if (scst_name_check(name, any_printable)) {
		scst_nl_err(info->extack, info->attrs[type],
			    any_printable ?
			    "invalid %s name '%s': empty or not printable, or has white space" :
			    "invalid %s name '%s': empty, not printable, or has '/' or white space",
			    what, name);
		return ERR_PTR(-EINVAL);
	}
	return name;
}

static struct scst_dev_priv *scst_nl_dev(struct genl_info *info, int type)
{
	struct scst_dev_priv *dev;
	const char *name;

	if (!scst_nl_required(info, type))
		return ERR_PTR(-EINVAL);
	name = nla_data(info->attrs[type]);
	dev = scst_dev_find(name);
	if (!dev) {
		scst_nl_err(info->extack, info->attrs[type],
			    "device '%s' does not exist", name);
		return ERR_PTR(-ENOENT);
	}
	return dev;
}

static struct scst_tgt_priv *scst_nl_tgt(struct netlink_ext_ack *extack,
					 struct nlattr *attr)
{
	struct scst_tgt_priv *tgt;
	const char *name = nla_data(attr);

	tgt = scst_tgt_find(name);
	if (!tgt) {
		scst_nl_err(extack, attr, "target '%s' does not exist", name);
		return ERR_PTR(-ENOENT);
	}
	if (tgt->deleting) {
		scst_nl_err(extack, attr, "target '%s' is being deleted", name);
		return ERR_PTR(-EBUSY);
	}
	return tgt;
}

static struct scst_tgt_priv *scst_nl_req_tgt(struct genl_info *info)
{
	if (!scst_nl_required(info, SCST_A_TARGET))
		return ERR_PTR(-EINVAL);
	return scst_nl_tgt(info->extack, info->attrs[SCST_A_TARGET]);
}

/* The group named by @type (absent: the default group unless @named). */
static struct scst_acg *scst_nl_acg(struct netlink_ext_ack *extack,
				    struct nlattr **attrs,
				    struct scst_tgt_priv *tgt, int type)
{
	struct scst_acg *acg;

	if (!attrs[type])
		return tgt->default_acg;
	acg = scst_acg_find(tgt, nla_data(attrs[type]));
	if (!acg) {
		scst_nl_err(extack, attrs[type],
			    "group '%s' does not exist in target '%s'",
			    (char *)nla_data(attrs[type]), tgt->name);
		return ERR_PTR(-ENOENT);
	}
	return acg;
}

static struct scst_acg *scst_nl_named_acg(struct genl_info *info,
					  struct scst_tgt_priv *tgt, int type)
{
	if (!scst_nl_required(info, type))
		return ERR_PTR(-EINVAL);
	return scst_nl_acg(info->extack, info->attrs, tgt, type);
}

/* ---- events ------------------------------------------------------------------- */

/*
 * Start an event message, or return NULL when nobody listens (or there is
 * no memory: events are a notification, the change itself stands).
 */
struct sk_buff *scst_event_new(u8 cmd, void **hdr)
{
	struct sk_buff *skb;

	if (!genl_has_listeners(&scst_genl_family, &init_net, 0))
		return NULL;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return NULL;
	*hdr = genlmsg_put(skb, 0, 0, &scst_genl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

void scst_event_send(struct sk_buff *skb, void *hdr)
{
	genlmsg_end(skb, hdr);
	genlmsg_multicast(&scst_genl_family, skb, 0, 0, GFP_KERNEL);
}

/*
 * Announce a change made by request @info: the event carries the request's
 * command and the attributes of @types that name the object.
 */
static void scst_event_req(struct genl_info *info, const int *types,
			   unsigned int n)
{
	struct sk_buff *skb;
	unsigned int i;
	void *hdr;

	skb = scst_event_new(info->genlhdr->cmd, &hdr);
	if (!skb)
		return;
	for (i = 0; i < n; i++) {
		struct nlattr *a = info->attrs[types[i]];

		if (a && nla_put(skb, types[i], nla_len(a), nla_data(a))) {
			nlmsg_free(skb);
			return;
		}
	}
	scst_event_send(skb, hdr);
}

#define scst_event(info, ...)						\
	do {								\
		static const int __t[] = { __VA_ARGS__ };		\
		scst_event_req(info, __t, ARRAY_SIZE(__t));		\
	} while (0)

/* ---- global -------------------------------------------------------------------- */

static int scst_fill_global(struct sk_buff *skb)
{
	if (nla_put_string(skb, SCST_A_VERSION, SCST_VERSION) ||
	    nla_put_u32(skb, SCST_A_GENERATION, scst_generation) ||
	    nla_put_u8(skb, SCST_A_ASYNC_LUN_REPLACE, scst_async_replace) ||
	    nla_put_u8(skb, SCST_A_PARK_LUN_REPLACE, scst_park_replace) ||
	    nla_put_u32(skb, SCST_A_LUN_QUEUE_DEPTH, scst_lun_queue_depth))
		return -EMSGSIZE;
	return 0;
}

/* Reply to @info with one object filled by @fill. */
static int scst_reply(struct genl_info *info, u8 cmd,
		      int (*fill)(struct sk_buff *skb, void *obj), void *obj)
{
	struct sk_buff *skb;
	void *hdr;
	int ret;

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put_reply(skb, info, &scst_genl_family, 0, cmd);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto err;
	}
	ret = fill(skb, obj);
	if (ret)
		goto err;
	genlmsg_end(skb, hdr);
	return genlmsg_reply(skb, info);
err:
	nlmsg_free(skb);
	return ret;
}

static int scst_fill_global_obj(struct sk_buff *skb, void *unused)
{
	return scst_fill_global(skb);
}

static int scst_nl_global_get(struct sk_buff *skb, struct genl_info *info)
{
	int ret;

	mutex_lock(&scst_mutex);
	ret = scst_reply(info, SCST_CMD_GLOBAL_GET, scst_fill_global_obj, NULL);
	mutex_unlock(&scst_mutex);
	return ret;
}

static int scst_nl_global_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;

	mutex_lock(&scst_mutex);
	if (attrs[SCST_A_ASYNC_LUN_REPLACE])
		scst_async_replace = nla_get_u8(attrs[SCST_A_ASYNC_LUN_REPLACE]);
	if (attrs[SCST_A_PARK_LUN_REPLACE]) {
		bool park = nla_get_u8(attrs[SCST_A_PARK_LUN_REPLACE]);

		/* Leaving park mode releases everything parked. */
		if (scst_park_replace && !park)
			scst_cleanup_release_all();
		scst_park_replace = park;
	}
	if (attrs[SCST_A_LUN_QUEUE_DEPTH])
		WRITE_ONCE(scst_lun_queue_depth,
			   nla_get_u32(attrs[SCST_A_LUN_QUEUE_DEPTH]));
	scst_changed();
	scst_event(info, SCST_A_ASYNC_LUN_REPLACE, SCST_A_PARK_LUN_REPLACE,
		   SCST_A_LUN_QUEUE_DEPTH);
	mutex_unlock(&scst_mutex);
	return 0;
}

/* ---- handlers and drivers -------------------------------------------------------- */

static int scst_put_attr_names(struct sk_buff *skb, int type, u64 mask)
{
	unsigned int i;

	for (i = 0; i < __SCST_DEVP_MAX; i++)
		if ((mask & BIT_ULL(i)) &&
		    nla_put_string(skb, type, scst_devp_names[i]))
			return -EMSGSIZE;
	return 0;
}

static int scst_fill_handler(struct sk_buff *skb, struct scst_handler *h)
{
	if (nla_put_string(skb, SCST_A_HANDLER, h->ops->name) ||
	    scst_put_attr_names(skb, SCST_A_CREATE_ATTR, h->ops->create_params) ||
	    scst_put_attr_names(skb, SCST_A_RUNTIME_ATTR, h->ops->runtime_params))
		return -EMSGSIZE;
	return 0;
}

static int scst_put_keys(struct sk_buff *skb, int type,
			 const char * const *keys)
{
	for (; keys && *keys; keys++)
		if (nla_put_string(skb, type, *keys))
			return -EMSGSIZE;
	return 0;
}

/*
 * A driver lists the keys of its driver-wide parameters as create
 * attributes, and "enabled" plus the keys of its target parameters as
 * run-time attributes, then the current driver-wide values.
 */
static int scst_fill_driver(struct sk_buff *skb, struct scst_driver *drv)
{
	const struct scst_driver_ops *ops = drv->ops;

	if (nla_put_string(skb, SCST_A_DRIVER, ops->name) ||
	    scst_put_keys(skb, SCST_A_CREATE_ATTR, ops->driver_params) ||
	    nla_put_string(skb, SCST_A_RUNTIME_ATTR, "enabled") ||
	    scst_put_keys(skb, SCST_A_RUNTIME_ATTR, ops->target_params))
		return -EMSGSIZE;
	if (ops->driver_fill_params && ops->driver_fill_params(skb))
		return -EMSGSIZE;
	return 0;
}

/*
 * One pass over the "key=value" attributes of @type, in request order,
 * through @set (driver or target), stopping at the first refused. The key
 * must be one the driver lists in @keys.
 */
static int scst_nl_params_pass(struct genl_info *info, int type,
			       const struct scst_driver_ops *ops,
			       const char * const *keys, const char *what,
			       int (*set)(void *obj, const char *param,
					  bool check,
					  struct netlink_ext_ack *extack),
			       void *obj, bool check)
{
	const struct nlattr *a;
	int rem, ret;

	nla_for_each_attr(a, genlmsg_data(info->genlhdr),
			  genlmsg_len(info->genlhdr), rem) {
		const char *param = nla_data(a);
		const char * const *k;
		const char *eq;

		if (nla_type(a) != type)
			continue;
		eq = strchr(param, '=');
		for (k = keys; eq && k && *k; k++)
			if (strlen(*k) == eq - param &&
			    !strncmp(*k, param, eq - param))
				break;
		if (!eq || eq == param || !k || !*k) {
			scst_nl_err(info->extack, a,
				    "driver '%s' has no %s parameter '%.*s'",
				    ops->name, what,
				    eq ? (int)(eq - param) : (int)strlen(param),
				    param);
			return -EINVAL;
		}
		if (!set) {
			scst_nl_err(info->extack, a,
				    "driver '%s' takes no %s parameters",
				    ops->name, what);
			return -EOPNOTSUPP;
		}
		ret = set(obj, param, check, info->extack);
		if (ret) {
			NL_SET_BAD_ATTR(info->extack, a);
			if (!info->extack->_msg)
				scst_nl_err(info->extack, a,
					    "driver '%s' refused %s parameter '%.*s'",
					    ops->name, what, (int)(eq - param),
					    param);
			return ret;
		}
	}
	return 0;
}

/*
 * Check every parameter of the request, then apply them: a request refused
 * for what it says changes nothing. Sets *@applied when the second pass
 * started (something may have changed even if it then failed).
 */
static int scst_nl_apply_params(struct genl_info *info, int type,
				const struct scst_driver_ops *ops,
				const char * const *keys, const char *what,
				int (*set)(void *obj, const char *param,
					   bool check,
					   struct netlink_ext_ack *extack),
				void *obj, bool *applied)
{
	int ret;

	*applied = false;
	ret = scst_nl_params_pass(info, type, ops, keys, what, set, obj, true);
	if (ret)
		return ret;
	*applied = true;
	return scst_nl_params_pass(info, type, ops, keys, what, set, obj,
				   false);
}

static int scst_driver_set_param(void *obj, const char *param, bool check,
				 struct netlink_ext_ack *extack)
{
	const struct scst_driver_ops *ops = obj;

	return ops->driver_set_param(param, check, extack);
}

static int scst_target_set_param(void *obj, const char *param, bool check,
				 struct netlink_ext_ack *extack)
{
	struct scst_tgt_priv *tgt = obj;

	return tgt->driver->ops->target_set_param(&tgt->tgt, param, check,
						  extack);
}

static int scst_nl_driver_set(struct sk_buff *skb, struct genl_info *info)
{
	const struct scst_driver_ops *ops;
	struct scst_driver *drv;
	const char *name;
	bool applied;
	int ret;

	if (!scst_nl_required(info, SCST_A_DRIVER))
		return -EINVAL;
	name = nla_data(info->attrs[SCST_A_DRIVER]);
	mutex_lock(&scst_mutex);
	drv = scst_driver_find(name);
	if (!drv) {
		scst_nl_err(info->extack, info->attrs[SCST_A_DRIVER],
			    "driver '%s' is not loaded", name);
		ret = -ENOENT;
		goto out;
	}
	ops = drv->ops;
	ret = scst_nl_apply_params(info, SCST_A_DRIVER_PARAM, ops,
				   ops->driver_params, "driver",
				   ops->driver_set_param ?
				   scst_driver_set_param : NULL, (void *)ops,
				   &applied);
	if (applied) {
		/* Even if one failed after others were applied. */
		scst_changed();
		/* Parameters may hold secrets: the event names the driver. */
		scst_event(info, SCST_A_DRIVER);
	}
out:
	mutex_unlock(&scst_mutex);
	return ret;
}

/*
 * Dump helpers: start a message, and check that the configuration did not
 * change since the previous part of this dump.
 */
static void *scst_dump_put(struct sk_buff *skb, struct netlink_callback *cb,
			   u8 cmd)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &scst_genl_family, NLM_F_MULTI, cmd);
	if (hdr)
		genl_dump_check_consistent(cb, hdr);
	return hdr;
}

static void scst_dump_begin(struct netlink_callback *cb)
{
	mutex_lock(&scst_mutex);
	cb->seq = scst_generation;
}

static int scst_dump_start(struct netlink_callback *cb)
{
	memset(cb->args, 0, sizeof(cb->args));
	return 0;
}

static int scst_nl_handler_dump(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct scst_handler *h;
	long idx = 0;
	void *hdr;

	scst_dump_begin(cb);
	list_for_each_entry(h, &scst_handler_list, entry) {
		if (idx < cb->args[0]) {
			idx++;
			continue;
		}
		hdr = scst_dump_put(skb, cb, SCST_CMD_HANDLER_GET);
		if (!hdr)
			break;
		if (scst_fill_handler(skb, h)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		idx++;
	}
	cb->args[0] = idx;
	mutex_unlock(&scst_mutex);
	return skb->len;
}

static int scst_nl_driver_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct scst_driver *drv;
	long idx = 0;
	void *hdr;

	scst_dump_begin(cb);
	list_for_each_entry(drv, &scst_driver_list, entry) {
		if (idx < cb->args[0]) {
			idx++;
			continue;
		}
		hdr = scst_dump_put(skb, cb, SCST_CMD_DRIVER_GET);
		if (!hdr)
			break;
		if (scst_fill_driver(skb, drv)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		idx++;
	}
	cb->args[0] = idx;
	mutex_unlock(&scst_mutex);
	return skb->len;
}

/* ---- devices ----------------------------------------------------------------------- */

/*
 * Turn SCST_A_DEV_* attributes into @p, accepting only the fields of
 * @accepted. The DEV attributes are in the order of enum scst_devp.
 */
static int scst_nl_dev_params(struct genl_info *info, struct scst_handler *h,
			      u64 accepted, bool create,
			      struct scst_dev_params *p)
{
	unsigned int i;

	BUILD_BUG_ON(SCST_A_DEV_EUI64_ID - SCST_A_DEV_FILENAME !=
		     SCST_DEVP_EUI64_ID);
	memset(p, 0, sizeof(*p));
	for (i = 0; i < __SCST_DEVP_MAX; i++) {
		struct nlattr *a = info->attrs[SCST_A_DEV_FILENAME + i];

		if (!a)
			continue;
		if (!(accepted & BIT_ULL(i))) {
			scst_nl_err(info->extack, a,
				    create ? "handler '%s' does not accept attribute '%s'" :
					     "attribute '%s' of handler '%s' cannot be changed",
				    create ? h->ops->name : scst_devp_names[i],
				    create ? scst_devp_names[i] : h->ops->name);
			goto err;
		}
		p->mask |= BIT_ULL(i);
		switch (i) {
		case SCST_DEVP_FILENAME:
			if (!nla_len(a) || !*(char *)nla_data(a)) {
				scst_nl_err(info->extack, a, "empty filename");
				goto err;
			}
			kfree(p->filename);
			p->filename = kstrdup(nla_data(a), GFP_KERNEL);
			if (!p->filename) {
				scst_dev_params_free(p);
				return -ENOMEM;
			}
			break;
		case SCST_DEVP_SIZE:
			p->size = nla_get_u64(a);
			break;
		case SCST_DEVP_BLOCKSIZE:
			p->blocksize = nla_get_u32(a);
			break;
		case SCST_DEVP_READ_ONLY:
			p->read_only = nla_get_u8(a);
			break;
		case SCST_DEVP_WRITE_THROUGH:
			p->write_through = nla_get_u8(a);
			break;
		case SCST_DEVP_NV_CACHE:
			p->nv_cache = nla_get_u8(a);
			break;
		case SCST_DEVP_O_DIRECT:
			p->o_direct = nla_get_u8(a);
			break;
		case SCST_DEVP_THIN_PROVISIONED:
			p->thin_provisioned = nla_get_u8(a);
			break;
		case SCST_DEVP_ROTATIONAL:
			p->rotational = nla_get_u8(a);
			break;
		case SCST_DEVP_VENDOR:
			nla_strscpy(p->vendor, a, sizeof(p->vendor));
			break;
		case SCST_DEVP_PRODUCT:
			nla_strscpy(p->product, a, sizeof(p->product));
			break;
		case SCST_DEVP_REVISION:
			nla_strscpy(p->revision, a, sizeof(p->revision));
			break;
		case SCST_DEVP_T10_DEV_ID:
			nla_strscpy(p->t10_dev_id, a, sizeof(p->t10_dev_id));
			break;
		case SCST_DEVP_USN:
			nla_strscpy(p->usn, a, sizeof(p->usn));
			break;
		case SCST_DEVP_NAA_ID:
			nla_memcpy(p->naa_id, a, sizeof(p->naa_id));
			break;
		case SCST_DEVP_EUI64_ID:
			p->eui64_id = nla_get_u64(a);
			break;
		}
		/* Identification strings go into INQUIRY data: ASCII only. */
		if (i >= SCST_DEVP_VENDOR && i <= SCST_DEVP_USN) {
			const char *s = nla_data(a);

			for (; *s; s++) {
				if (*s < 0x20 || *s > 0x7e) {
					scst_nl_err(info->extack, a,
						    "attribute '%s' must be printable ASCII",
						    scst_devp_names[i]);
					goto err;
				}
			}
		}
	}
	return 0;
err:
	scst_dev_params_free(p);
	return -EINVAL;
}

static int scst_fill_dev(struct sk_buff *skb, struct scst_dev_priv *d)
{
	const struct scst_dev_params *p = &d->dev.params;
	u64 mask = d->handler->ops->create_params |
		   d->handler->ops->runtime_params | p->mask;

	if (nla_put_string(skb, SCST_A_HANDLER, d->handler->ops->name) ||
	    nla_put_string(skb, SCST_A_DEVICE, d->name) ||
	    nla_put_u32(skb, SCST_A_DEV_USERS, d->nr_luns + d->nr_cleanups))
		return -EMSGSIZE;

#define PUT_IF(bit, expr) \
	do { if ((mask & BIT_ULL(SCST_DEVP_##bit)) && (expr)) return -EMSGSIZE; } while (0)
	PUT_IF(FILENAME, p->filename &&
	       nla_put_string(skb, SCST_A_DEV_FILENAME, p->filename));
	PUT_IF(SIZE, nla_put_u64_64bit(skb, SCST_A_DEV_SIZE,
				       p->size ? p->size :
				       d->dev.nr_blocks << d->dev.block_shift,
				       SCST_A_PAD));
	PUT_IF(BLOCKSIZE, nla_put_u32(skb, SCST_A_DEV_BLOCKSIZE,
				      p->blocksize ? p->blocksize :
				      1U << d->dev.block_shift));
	PUT_IF(READ_ONLY, nla_put_u8(skb, SCST_A_DEV_READ_ONLY, p->read_only));
	PUT_IF(WRITE_THROUGH, nla_put_u8(skb, SCST_A_DEV_WRITE_THROUGH,
					 p->write_through));
	PUT_IF(NV_CACHE, nla_put_u8(skb, SCST_A_DEV_NV_CACHE, p->nv_cache));
	PUT_IF(O_DIRECT, nla_put_u8(skb, SCST_A_DEV_O_DIRECT, p->o_direct));
	PUT_IF(THIN_PROVISIONED, nla_put_u8(skb, SCST_A_DEV_THIN_PROVISIONED,
					    p->thin_provisioned));
	PUT_IF(ROTATIONAL, nla_put_u8(skb, SCST_A_DEV_ROTATIONAL,
				      p->rotational));
	PUT_IF(VENDOR, nla_put_string(skb, SCST_A_DEV_VENDOR, p->vendor));
	PUT_IF(PRODUCT, nla_put_string(skb, SCST_A_DEV_PRODUCT, p->product));
	PUT_IF(REVISION, nla_put_string(skb, SCST_A_DEV_REVISION, p->revision));
	PUT_IF(T10_DEV_ID, nla_put_string(skb, SCST_A_DEV_T10_DEV_ID,
					  p->t10_dev_id));
	PUT_IF(USN, nla_put_string(skb, SCST_A_DEV_USN, p->usn));
	PUT_IF(NAA_ID, nla_put(skb, SCST_A_DEV_NAA_ID, sizeof(p->naa_id),
			       p->naa_id));
	PUT_IF(EUI64_ID, nla_put_u64_64bit(skb, SCST_A_DEV_EUI64_ID,
					   p->eui64_id, SCST_A_PAD));
#undef PUT_IF
	return 0;
}

static int scst_fill_dev_obj(struct sk_buff *skb, void *obj)
{
	return scst_fill_dev(skb, obj);
}

static int scst_nl_device_new(struct sk_buff *skb, struct genl_info *info)
{
	struct scst_dev_params p;
	struct scst_dev_priv *dev;
	struct scst_handler *h;
	const char *name, *hname;
	int ret;

	if (!scst_nl_required(info, SCST_A_HANDLER))
		return -EINVAL;
	name = scst_nl_new_name(info, SCST_A_DEVICE, "device", false);
	if (IS_ERR(name))
		return PTR_ERR(name);
	hname = nla_data(info->attrs[SCST_A_HANDLER]);

	mutex_lock(&scst_mutex);
	h = scst_handler_find(hname);
	if (!h) {
		scst_nl_err(info->extack, info->attrs[SCST_A_HANDLER],
			    "handler '%s' is not loaded", hname);
		ret = -ENOENT;
		goto out;
	}
	if (scst_dev_find(name)) {
		scst_nl_err(info->extack, info->attrs[SCST_A_DEVICE],
			    "device '%s' already exists", name);
		ret = -EEXIST;
		goto out;
	}
	ret = scst_nl_dev_params(info, h, h->ops->create_params, true, &p);
	if (ret)
		goto out;
	dev = scst_dev_create(h, name, &p, info->extack);
	scst_dev_params_free(&p);
	if (IS_ERR(dev)) {
		ret = PTR_ERR(dev);
		goto out;
	}
	scst_event(info, SCST_A_HANDLER, SCST_A_DEVICE);
out:
	mutex_unlock(&scst_mutex);
	return ret;
}

static int scst_nl_device_del(struct sk_buff *skb, struct genl_info *info)
{
	struct scst_dev_priv *dev;
	int ret;

	mutex_lock(&scst_mutex);
	dev = scst_nl_dev(info, SCST_A_DEVICE);
	if (IS_ERR(dev)) {
		ret = PTR_ERR(dev);
		goto out;
	}
	ret = scst_dev_destroy(dev, info->extack);
	if (ret)
		NL_SET_BAD_ATTR(info->extack, info->attrs[SCST_A_DEVICE]);
	else
		scst_event(info, SCST_A_DEVICE);
out:
	mutex_unlock(&scst_mutex);
	return ret;
}

static int scst_nl_device_set(struct sk_buff *skb, struct genl_info *info)
{
	const struct scst_handler_ops *ops;
	struct scst_dev_params p;
	struct scst_dev_priv *dev;
	int ret;

	mutex_lock(&scst_mutex);
	dev = scst_nl_dev(info, SCST_A_DEVICE);
	if (IS_ERR(dev)) {
		ret = PTR_ERR(dev);
		goto out;
	}
	ops = dev->handler->ops;
	ret = scst_nl_dev_params(info, dev->handler, ops->runtime_params,
				 false, &p);
	if (ret)
		goto out;
	if (!p.mask)
		goto out;
	ret = ops->set_params(&dev->dev, &p, info->extack);
	scst_dev_params_free(&p);
	if (!ret) {
		scst_changed();
		scst_event(info, SCST_A_DEVICE, SCST_A_DEV_FILENAME,
			   SCST_A_DEV_SIZE, SCST_A_DEV_BLOCKSIZE,
			   SCST_A_DEV_READ_ONLY, SCST_A_DEV_WRITE_THROUGH,
			   SCST_A_DEV_NV_CACHE, SCST_A_DEV_O_DIRECT,
			   SCST_A_DEV_THIN_PROVISIONED, SCST_A_DEV_ROTATIONAL,
			   SCST_A_DEV_VENDOR, SCST_A_DEV_PRODUCT,
			   SCST_A_DEV_REVISION, SCST_A_DEV_T10_DEV_ID,
			   SCST_A_DEV_USN, SCST_A_DEV_NAA_ID,
			   SCST_A_DEV_EUI64_ID);
	}
out:
	mutex_unlock(&scst_mutex);
	return ret;
}

static int scst_nl_device_get(struct sk_buff *skb, struct genl_info *info)
{
	struct scst_dev_priv *dev;
	int ret;

	mutex_lock(&scst_mutex);
	dev = scst_nl_dev(info, SCST_A_DEVICE);
	if (IS_ERR(dev))
		ret = PTR_ERR(dev);
	else
		ret = scst_reply(info, SCST_CMD_DEVICE_GET, scst_fill_dev_obj,
				 dev);
	mutex_unlock(&scst_mutex);
	return ret;
}

static int scst_nl_device_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct scst_dev_priv *dev;
	long idx = 0;
	void *hdr;

	scst_dump_begin(cb);
	list_for_each_entry(dev, &scst_dev_list, entry) {
		if (idx < cb->args[0]) {
			idx++;
			continue;
		}
		hdr = scst_dump_put(skb, cb, SCST_CMD_DEVICE_GET);
		if (!hdr)
			break;
		if (scst_fill_dev(skb, dev)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		idx++;
	}
	cb->args[0] = idx;
	mutex_unlock(&scst_mutex);
	return skb->len;
}

/* ---- targets ------------------------------------------------------------------------ */

static int scst_fill_tgt(struct sk_buff *skb, struct scst_tgt_priv *tgt)
{
	const struct scst_driver_ops *ops = tgt->driver->ops;

	if (nla_put_string(skb, SCST_A_TARGET, tgt->name) ||
	    nla_put_string(skb, SCST_A_DRIVER, ops->name) ||
	    nla_put_u8(skb, SCST_A_TARGET_ENABLED, tgt->enabled) ||
	    nla_put_u32(skb, SCST_A_REL_TGT_ID, tgt->tgt.rel_tgt_id) ||
	    nla_put_u32(skb, SCST_A_NR_SESSIONS, tgt->nr_sessions))
		return -EMSGSIZE;
	if (ops->target_fill_params && ops->target_fill_params(&tgt->tgt, skb))
		return -EMSGSIZE;
	return 0;
}

static int scst_fill_tgt_obj(struct sk_buff *skb, void *obj)
{
	return scst_fill_tgt(skb, obj);
}

static int scst_nl_target_new(struct sk_buff *skb, struct genl_info *info)
{
	struct scst_tgt_priv *tgt;
	struct scst_driver *drv;
	const char *name, *dname;
	int ret = 0;

	if (!scst_nl_required(info, SCST_A_DRIVER))
		return -EINVAL;
	name = scst_nl_new_name(info, SCST_A_TARGET, "target", false);
	if (IS_ERR(name))
		return PTR_ERR(name);
	dname = nla_data(info->attrs[SCST_A_DRIVER]);

	mutex_lock(&scst_mutex);
	drv = scst_driver_find(dname);
	if (!drv) {
		scst_nl_err(info->extack, info->attrs[SCST_A_DRIVER],
			    "driver '%s' is not loaded", dname);
		ret = -ENOENT;
		goto out;
	}
	tgt = scst_tgt_find(name);
	if (tgt) {
		scst_nl_err(info->extack, info->attrs[SCST_A_TARGET],
			    "target '%s' already exists (driver '%s')", name,
			    tgt->driver->ops->name);
		ret = -EEXIST;
		goto out;
	}
	tgt = scst_tgt_create(drv, name, info->extack);
	if (IS_ERR(tgt)) {
		ret = PTR_ERR(tgt);
		goto out;
	}
	scst_event(info, SCST_A_DRIVER, SCST_A_TARGET);
out:
	mutex_unlock(&scst_mutex);
	return ret;
}

static int scst_nl_target_del(struct sk_buff *skb, struct genl_info *info)
{
	struct scst_tgt_priv *tgt;
	int ret;

	mutex_lock(&scst_mutex);
	tgt = scst_nl_req_tgt(info);
	if (IS_ERR(tgt)) {
		ret = PTR_ERR(tgt);
		goto out;
	}
	ret = scst_tgt_destroy(tgt, info->extack);
	if (!ret)
		scst_event(info, SCST_A_TARGET);
out:
	mutex_unlock(&scst_mutex);
	return ret;
}

static int scst_nl_target_set(struct sk_buff *skb, struct genl_info *info)
{
	const struct scst_driver_ops *ops;
	struct scst_tgt_priv *tgt;
	bool applied;
	int ret = 0;

	mutex_lock(&scst_mutex);
	tgt = scst_nl_req_tgt(info);
	if (IS_ERR(tgt)) {
		ret = PTR_ERR(tgt);
		goto out;
	}
	ops = tgt->driver->ops;
	ret = scst_nl_apply_params(info, SCST_A_TARGET_PARAM, ops,
				   ops->target_params, "target",
				   ops->target_set_param ?
				   scst_target_set_param : NULL, tgt,
				   &applied);
	if (ret) {
		if (applied)
			scst_changed();
		goto out;
	}
	if (info->attrs[SCST_A_TARGET_ENABLED]) {
		ret = scst_tgt_enable(tgt,
				      nla_get_u8(info->attrs[SCST_A_TARGET_ENABLED]),
				      info->extack);
		if (ret) {
			NL_SET_BAD_ATTR(info->extack,
					info->attrs[SCST_A_TARGET_ENABLED]);
			goto out;
		}
	}
	scst_changed();
	/* Parameters may hold secrets: not in the event. */
	scst_event(info, SCST_A_TARGET, SCST_A_TARGET_ENABLED);
out:
	mutex_unlock(&scst_mutex);
	return ret;
}

static int scst_nl_target_get(struct sk_buff *skb, struct genl_info *info)
{
	struct scst_tgt_priv *tgt;
	int ret;

	mutex_lock(&scst_mutex);
	tgt = scst_nl_req_tgt(info);
	if (IS_ERR(tgt))
		ret = PTR_ERR(tgt);
	else
		ret = scst_reply(info, SCST_CMD_TARGET_GET, scst_fill_tgt_obj,
				 tgt);
	mutex_unlock(&scst_mutex);
	return ret;
}

static int scst_nl_target_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct scst_tgt_priv *tgt;
	long idx = 0;
	void *hdr;

	scst_dump_begin(cb);
	list_for_each_entry(tgt, &scst_tgt_list, entry) {
		if (idx < cb->args[0]) {
			idx++;
			continue;
		}
		hdr = scst_dump_put(skb, cb, SCST_CMD_TARGET_GET);
		if (!hdr)
			break;
		if (scst_fill_tgt(skb, tgt)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		idx++;
	}
	cb->args[0] = idx;
	mutex_unlock(&scst_mutex);
	return skb->len;
}

/*
 * Dumps that can be limited to one target (and group): check the filter in
 * the first part, so that a missing target is an error rather than an
 * empty list. (Not in .start: before 6.2 its extack message is lost.)
 * cb->args[4] remembers that it was checked.
 */
static int scst_dump_check_filter(struct netlink_callback *cb)
{
	struct nlattr **attrs = scst_dump_attrs(cb);
	struct scst_tgt_priv *tgt;

	lockdep_assert_held(&scst_mutex);
	if (cb->args[4])
		return 0;
	cb->args[4] = 1;
	if (!attrs[SCST_A_TARGET]) {
		if (attrs[SCST_A_GROUP]) {
			NL_SET_ERR_MSG_ATTR(cb->extack, attrs[SCST_A_GROUP],
					    "a group filter needs a target");
			return -EINVAL;
		}
		return 0;
	}
	tgt = scst_nl_tgt(cb->extack, attrs[SCST_A_TARGET]);
	if (IS_ERR(tgt))
		return PTR_ERR(tgt);
	if (attrs[SCST_A_GROUP]) {
		struct scst_acg *acg = scst_nl_acg(cb->extack, attrs, tgt,
						   SCST_A_GROUP);

		if (IS_ERR(acg))
			return PTR_ERR(acg);
	}
	return 0;
}

/*
 * Iterate over the targets a dump covers, from cursor cb->args[0]: every
 * target, or the one named by the filter (which may have gone meanwhile).
 */
static struct scst_tgt_priv *scst_dump_tgt(struct netlink_callback *cb,
					   struct scst_tgt_priv *prev)
{
	struct nlattr **attrs = scst_dump_attrs(cb);
	struct scst_tgt_priv *tgt;
	long idx = 0;

	if (attrs[SCST_A_TARGET]) {
		if (prev || cb->args[0])
			return NULL;
		return scst_tgt_find(nla_data(attrs[SCST_A_TARGET]));
	}
	if (prev)
		return list_is_last(&prev->entry, &scst_tgt_list) ? NULL :
		       list_next_entry(prev, entry);
	list_for_each_entry(tgt, &scst_tgt_list, entry)
		if (idx++ == cb->args[0])
			return tgt;
	return NULL;
}

/* Move the target cursor on, resetting the cursors below it. */
static void scst_dump_next_tgt(struct netlink_callback *cb)
{
	cb->args[0]++;
	cb->args[1] = 0;
	cb->args[2] = 0;
}

/* ---- groups and initiators ---------------------------------------------------------- */

static int scst_fill_acg(struct sk_buff *skb, struct scst_acg *acg)
{
	struct scst_acn *acn;

	if (nla_put_string(skb, SCST_A_TARGET, acg->tgt->name) ||
	    nla_put_string(skb, SCST_A_GROUP, acg->name))
		return -EMSGSIZE;
	list_for_each_entry(acn, &acg->acns, entry)
		if (nla_put_string(skb, SCST_A_INITIATOR, acn->pattern))
			return -EMSGSIZE;
	return 0;
}

static int scst_nl_group_new(struct sk_buff *skb, struct genl_info *info)
{
	struct scst_tgt_priv *tgt;
	const char *name;
	int ret;

	name = scst_nl_new_name(info, SCST_A_GROUP, "group", false);
	if (IS_ERR(name))
		return PTR_ERR(name);
	mutex_lock(&scst_mutex);
	tgt = scst_nl_req_tgt(info);
	if (IS_ERR(tgt)) {
		ret = PTR_ERR(tgt);
		goto out;
	}
	ret = scst_acg_add(tgt, name, info->extack);
	if (ret)
		NL_SET_BAD_ATTR(info->extack, info->attrs[SCST_A_GROUP]);
	else
		scst_event(info, SCST_A_TARGET, SCST_A_GROUP);
out:
	mutex_unlock(&scst_mutex);
	return ret;
}

static int scst_nl_group_del(struct sk_buff *skb, struct genl_info *info)
{
	struct scst_tgt_priv *tgt;
	struct scst_acg *acg;
	int ret;

	mutex_lock(&scst_mutex);
	tgt = scst_nl_req_tgt(info);
	if (IS_ERR(tgt)) {
		ret = PTR_ERR(tgt);
		goto out;
	}
	acg = scst_nl_named_acg(info, tgt, SCST_A_GROUP);
	if (IS_ERR(acg)) {
		ret = PTR_ERR(acg);
		goto out;
	}
	ret = scst_acg_del(acg, info->extack);
	if (!ret)
		scst_event(info, SCST_A_TARGET, SCST_A_GROUP);
out:
	mutex_unlock(&scst_mutex);
	return ret;
}

static int scst_nl_group_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	int ret;
	struct scst_tgt_priv *tgt = NULL;
	struct scst_acg *acg;
	long idx;
	void *hdr;

	scst_dump_begin(cb);
	ret = scst_dump_check_filter(cb);
	if (ret) {
		mutex_unlock(&scst_mutex);
		return ret;
	}
	while ((tgt = scst_dump_tgt(cb, tgt))) {
		idx = 0;
		list_for_each_entry(acg, &tgt->acgs, entry) {
			if (idx < cb->args[1]) {
				idx++;
				continue;
			}
			hdr = scst_dump_put(skb, cb, SCST_CMD_GROUP_GET);
			if (!hdr)
				goto full;
			if (scst_fill_acg(skb, acg)) {
				genlmsg_cancel(skb, hdr);
				goto full;
			}
			genlmsg_end(skb, hdr);
			cb->args[1] = ++idx;
		}
		scst_dump_next_tgt(cb);
	}
full:
	mutex_unlock(&scst_mutex);
	return skb->len;
}

/* Target and named group of an initiator request. */
static struct scst_acg *scst_nl_ini_acg(struct genl_info *info)
{
	struct scst_tgt_priv *tgt = scst_nl_req_tgt(info);

	if (IS_ERR(tgt))
		return ERR_CAST(tgt);
	return scst_nl_named_acg(info, tgt, SCST_A_GROUP);
}

static int scst_nl_initiator_add(struct sk_buff *skb, struct genl_info *info)
{
	struct scst_acg *acg;
	const char *pattern;
	int ret;

	pattern = scst_nl_new_name(info, SCST_A_INITIATOR, "initiator", true);
	if (IS_ERR(pattern))
		return PTR_ERR(pattern);
	mutex_lock(&scst_mutex);
	acg = scst_nl_ini_acg(info);
	if (IS_ERR(acg)) {
		ret = PTR_ERR(acg);
		goto out;
	}
	ret = scst_acn_add(acg, pattern, info->extack);
	if (ret)
		NL_SET_BAD_ATTR(info->extack, info->attrs[SCST_A_INITIATOR]);
	else
		scst_event(info, SCST_A_TARGET, SCST_A_GROUP, SCST_A_INITIATOR);
out:
	mutex_unlock(&scst_mutex);
	return ret;
}

static int scst_nl_initiator_del(struct sk_buff *skb, struct genl_info *info)
{
	struct scst_acg *acg;
	int ret;

	if (!scst_nl_required(info, SCST_A_INITIATOR))
		return -EINVAL;
	mutex_lock(&scst_mutex);
	acg = scst_nl_ini_acg(info);
	if (IS_ERR(acg)) {
		ret = PTR_ERR(acg);
		goto out;
	}
	ret = scst_acn_del(acg, nla_data(info->attrs[SCST_A_INITIATOR]),
			   info->extack);
	if (ret)
		NL_SET_BAD_ATTR(info->extack, info->attrs[SCST_A_INITIATOR]);
	else
		scst_event(info, SCST_A_TARGET, SCST_A_GROUP, SCST_A_INITIATOR);
out:
	mutex_unlock(&scst_mutex);
	return ret;
}

static int scst_nl_initiator_move(struct sk_buff *skb, struct genl_info *info)
{
	struct scst_acg *acg, *to;
	int ret;

	if (!scst_nl_required(info, SCST_A_INITIATOR))
		return -EINVAL;
	mutex_lock(&scst_mutex);
	acg = scst_nl_ini_acg(info);
	if (IS_ERR(acg)) {
		ret = PTR_ERR(acg);
		goto out;
	}
	to = scst_nl_named_acg(info, acg->tgt, SCST_A_NEW_GROUP);
	if (IS_ERR(to)) {
		ret = PTR_ERR(to);
		goto out;
	}
	ret = scst_acn_move(acg, nla_data(info->attrs[SCST_A_INITIATOR]), to,
			    info->extack);
	if (ret)
		NL_SET_BAD_ATTR(info->extack, info->attrs[SCST_A_INITIATOR]);
	else
		scst_event(info, SCST_A_TARGET, SCST_A_GROUP, SCST_A_INITIATOR,
			   SCST_A_NEW_GROUP);
out:
	mutex_unlock(&scst_mutex);
	return ret;
}

static int scst_nl_initiator_clear(struct sk_buff *skb, struct genl_info *info)
{
	struct scst_acg *acg;
	int ret;

	mutex_lock(&scst_mutex);
	acg = scst_nl_ini_acg(info);
	if (IS_ERR(acg)) {
		ret = PTR_ERR(acg);
		goto out;
	}
	ret = scst_acn_clear(acg, info->extack);
	if (!ret)
		scst_event(info, SCST_A_TARGET, SCST_A_GROUP);
out:
	mutex_unlock(&scst_mutex);
	return ret;
}

/* ---- LUNs ------------------------------------------------------------------------------ */

/* Target and group (default if not named) of a LUN request. */
static struct scst_acg *scst_nl_lun_acg(struct genl_info *info)
{
	struct scst_tgt_priv *tgt = scst_nl_req_tgt(info);

	if (IS_ERR(tgt))
		return ERR_CAST(tgt);
	return scst_nl_acg(info->extack, info->attrs, tgt, SCST_A_GROUP);
}

static int scst_nl_lun_new(struct sk_buff *skb, struct genl_info *info)
{
	struct scst_dev_priv *dev;
	struct scst_acg *acg;
	bool ro = false;
	int ret;

	if (!scst_nl_required(info, SCST_A_LUN))
		return -EINVAL;
	if (info->attrs[SCST_A_LUN_READ_ONLY])
		ro = nla_get_u8(info->attrs[SCST_A_LUN_READ_ONLY]);
	mutex_lock(&scst_mutex);
	acg = scst_nl_lun_acg(info);
	if (IS_ERR(acg)) {
		ret = PTR_ERR(acg);
		goto out;
	}
	dev = scst_nl_dev(info, SCST_A_DEVICE);
	if (IS_ERR(dev)) {
		ret = PTR_ERR(dev);
		goto out;
	}
	ret = scst_lun_add(acg, nla_get_u32(info->attrs[SCST_A_LUN]), dev, ro,
			   info->extack);
	if (ret)
		NL_SET_BAD_ATTR(info->extack, info->attrs[SCST_A_LUN]);
	else
		scst_event(info, SCST_A_TARGET, SCST_A_GROUP, SCST_A_LUN,
			   SCST_A_DEVICE, SCST_A_LUN_READ_ONLY);
out:
	mutex_unlock(&scst_mutex);
	return ret;
}

static int scst_nl_lun_del(struct sk_buff *skb, struct genl_info *info)
{
	struct scst_acg *acg;
	int ret;

	if (!scst_nl_required(info, SCST_A_LUN))
		return -EINVAL;
	mutex_lock(&scst_mutex);
	acg = scst_nl_lun_acg(info);
	if (IS_ERR(acg)) {
		ret = PTR_ERR(acg);
		goto out;
	}
	ret = scst_lun_del(acg, nla_get_u32(info->attrs[SCST_A_LUN]),
			   info->extack);
	if (ret)
		NL_SET_BAD_ATTR(info->extack, info->attrs[SCST_A_LUN]);
	else
		scst_event(info, SCST_A_TARGET, SCST_A_GROUP, SCST_A_LUN);
out:
	mutex_unlock(&scst_mutex);
	return ret;
}

static int scst_nl_lun_replace(struct sk_buff *skb, struct genl_info *info)
{
	struct scst_dev_priv *dev;
	struct sk_buff *rep;
	struct scst_acg *acg;
	bool fallback = false;
	u64 cleanup_id = 0;
	int ro = -1, ret;
	u32 flags = 0;
	void *hdr;

	if (!scst_nl_required(info, SCST_A_LUN))
		return -EINVAL;
	if (info->attrs[SCST_A_LUN_READ_ONLY])
		ro = nla_get_u8(info->attrs[SCST_A_LUN_READ_ONLY]);
	if (info->attrs[SCST_A_REPLACE_FLAGS])
		flags = nla_get_u32(info->attrs[SCST_A_REPLACE_FLAGS]);

	/* Allocate the reply first: past the swap, nothing may fail. */
	rep = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!rep)
		return -ENOMEM;
	hdr = genlmsg_put_reply(rep, info, &scst_genl_family, 0,
				SCST_CMD_LUN_REPLACE);
	if (!hdr) {
		nlmsg_free(rep);
		return -EMSGSIZE;
	}

	mutex_lock(&scst_mutex);
	acg = scst_nl_lun_acg(info);
	if (IS_ERR(acg)) {
		ret = PTR_ERR(acg);
		goto err;
	}
	dev = scst_nl_dev(info, SCST_A_DEVICE);
	if (IS_ERR(dev)) {
		ret = PTR_ERR(dev);
		goto err;
	}
	ret = scst_lun_replace(acg, nla_get_u32(info->attrs[SCST_A_LUN]), dev,
			       ro, flags, info, &cleanup_id, &fallback);
	mutex_unlock(&scst_mutex);
	if (ret) {
		nlmsg_free(rep);
		return ret;
	}
	if ((cleanup_id &&
	     nla_put_u64_64bit(rep, SCST_A_CLEANUP_ID, cleanup_id, SCST_A_PAD)) ||
	    (fallback && nla_put_flag(rep, SCST_A_SYNC_FALLBACK))) {
		/* Cannot happen with a fresh NLMSG_GOODSIZE message. */
		nlmsg_free(rep);
		return 0;
	}
	genlmsg_end(rep, hdr);
	return genlmsg_reply(rep, info);

err:
	mutex_unlock(&scst_mutex);
	nlmsg_free(rep);
	return ret;
}

static int scst_nl_lun_clear(struct sk_buff *skb, struct genl_info *info)
{
	struct scst_acg *acg;
	int ret;

	mutex_lock(&scst_mutex);
	acg = scst_nl_lun_acg(info);
	if (IS_ERR(acg)) {
		ret = PTR_ERR(acg);
		goto out;
	}
	ret = scst_lun_clear(acg, info->extack);
	if (!ret)
		scst_event(info, SCST_A_TARGET, SCST_A_GROUP);
out:
	mutex_unlock(&scst_mutex);
	return ret;
}

static int scst_fill_lun(struct sk_buff *skb, struct scst_acg *acg,
			 struct scst_acg_dev *ad)
{
	if (nla_put_string(skb, SCST_A_TARGET, acg->tgt->name) ||
	    (acg->name && nla_put_string(skb, SCST_A_GROUP, acg->name)) ||
	    nla_put_u32(skb, SCST_A_LUN, ad->lun) ||
	    nla_put_string(skb, SCST_A_DEVICE, ad->dev->name) ||
	    nla_put_u8(skb, SCST_A_LUN_READ_ONLY, ad->read_only))
		return -EMSGSIZE;
	return 0;
}

/* The group at index @idx of a target: 0 is the default group. */
static struct scst_acg *scst_tgt_acg_at(struct scst_tgt_priv *tgt, long idx)
{
	struct scst_acg *acg;

	if (!idx)
		return tgt->default_acg;
	list_for_each_entry(acg, &tgt->acgs, entry)
		if (!--idx)
			return acg;
	return NULL;
}

/*
 * Cursor: args[0] target, args[1] group (0 = default), args[2] the next
 * LUN number to report.
 */
static int scst_nl_lun_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	int ret;
	struct nlattr **attrs = scst_dump_attrs(cb);
	struct scst_tgt_priv *tgt = NULL;
	struct scst_acg_dev *ad;
	struct scst_acg *acg;
	unsigned long lun;
	void *hdr;

	scst_dump_begin(cb);
	ret = scst_dump_check_filter(cb);
	if (ret) {
		mutex_unlock(&scst_mutex);
		return ret;
	}
	while ((tgt = scst_dump_tgt(cb, tgt))) {
		for (;;) {
			if (attrs[SCST_A_GROUP]) {
				acg = cb->args[1] ? NULL :
				      scst_acg_find(tgt, nla_data(attrs[SCST_A_GROUP]));
			} else {
				acg = scst_tgt_acg_at(tgt, cb->args[1]);
			}
			if (!acg)
				break;
			lun = cb->args[2];
			xa_for_each_start(&acg->luns, lun, ad, cb->args[2]) {
				hdr = scst_dump_put(skb, cb, SCST_CMD_LUN_GET);
				if (!hdr)
					goto full;
				if (scst_fill_lun(skb, acg, ad)) {
					genlmsg_cancel(skb, hdr);
					goto full;
				}
				genlmsg_end(skb, hdr);
				cb->args[2] = lun + 1;
			}
			cb->args[1]++;
			cb->args[2] = 0;
		}
		scst_dump_next_tgt(cb);
	}
full:
	mutex_unlock(&scst_mutex);
	return skb->len;
}

/* ---- sessions --------------------------------------------------------------------------- */

static int scst_fill_sess(struct sk_buff *skb, struct scst_sess_priv *sess)
{
	const struct scst_driver_ops *ops = sess->tgt->driver->ops;

	if (nla_put_string(skb, SCST_A_TARGET, sess->tgt->name) ||
	    nla_put_string(skb, SCST_A_SESSION, sess->sess.name) ||
	    nla_put_string(skb, SCST_A_INITIATOR, sess->sess.initiator) ||
	    (sess->acg && sess->acg->name &&
	     nla_put_string(skb, SCST_A_GROUP, sess->acg->name)) ||
	    nla_put_u32(skb, SCST_A_CMDS_INFLIGHT, scst_sess_nr_cmds(sess)) ||
	    nla_put_u64_64bit(skb, SCST_A_TASK_SET_FULL,
			      atomic64_read(&sess->nr_task_set_full),
			      SCST_A_PAD))
		return -EMSGSIZE;
	if (ops->session_host_no) {
		int host = ops->session_host_no(&sess->sess);

		if (host >= 0 && nla_put_u32(skb, SCST_A_SCSI_HOST, host))
			return -EMSGSIZE;
	}
	if (ops->session_transport_id) {
		u8 tid[SCST_TRANSPORT_ID_MAX];
		int n = ops->session_transport_id(&sess->sess, tid, sizeof(tid));

		if (n > 0 && nla_put(skb, SCST_A_TRANSPORT_ID, n, tid))
			return -EMSGSIZE;
	}
	if (ops->session_fill_params &&
	    ops->session_fill_params(&sess->sess, skb))
		return -EMSGSIZE;
	return 0;
}

static int scst_nl_session_new(struct sk_buff *skb, struct genl_info *info)
{
	struct scst_tgt_priv *tgt;
	const char *ini, *name = NULL;
	int ret;

	ini = scst_nl_new_name(info, SCST_A_INITIATOR, "initiator", true);
	if (IS_ERR(ini))
		return PTR_ERR(ini);
	if (info->attrs[SCST_A_SESSION]) {
		name = scst_nl_new_name(info, SCST_A_SESSION, "session", true);
		if (IS_ERR(name))
			return PTR_ERR(name);
	}
	mutex_lock(&scst_mutex);
	tgt = scst_nl_req_tgt(info);
	if (IS_ERR(tgt)) {
		ret = PTR_ERR(tgt);
		goto out;
	}
	/* The session announces itself when it registers. */
	ret = scst_sess_add(tgt, ini, name, info->extack);
	if (ret && info->extack && !info->extack->_msg)
		scst_nl_err(info->extack, NULL,
			    "driver '%s' could not create the session on target '%s'",
			    tgt->driver->ops->name, tgt->name);
out:
	mutex_unlock(&scst_mutex);
	return ret;
}

static int scst_nl_session_del(struct sk_buff *skb, struct genl_info *info)
{
	struct scst_sess_priv *sess;
	struct scst_tgt_priv *tgt;
	const char *name;
	int ret;

	if (!scst_nl_required(info, SCST_A_SESSION))
		return -EINVAL;
	name = nla_data(info->attrs[SCST_A_SESSION]);
	mutex_lock(&scst_mutex);
	tgt = scst_nl_req_tgt(info);
	if (IS_ERR(tgt)) {
		ret = PTR_ERR(tgt);
		goto out;
	}
	sess = scst_sess_find(tgt, name);
	if (!sess) {
		scst_nl_err(info->extack, info->attrs[SCST_A_SESSION],
			    "session '%s' does not exist in target '%s'",
			    name, tgt->name);
		ret = -ENOENT;
		goto out;
	}
	/* The session announces its end when it unregisters. */
	ret = scst_sess_close(sess, info->extack);
out:
	mutex_unlock(&scst_mutex);
	return ret;
}

static int scst_nl_session_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	int ret;
	struct scst_tgt_priv *tgt = NULL;
	struct scst_sess_priv *sess;
	long idx;
	void *hdr;

	scst_dump_begin(cb);
	ret = scst_dump_check_filter(cb);
	if (ret) {
		mutex_unlock(&scst_mutex);
		return ret;
	}
	while ((tgt = scst_dump_tgt(cb, tgt))) {
		idx = 0;
		list_for_each_entry(sess, &tgt->sessions, tgt_entry) {
			if (idx < cb->args[1]) {
				idx++;
				continue;
			}
			hdr = scst_dump_put(skb, cb, SCST_CMD_SESSION_GET);
			if (!hdr)
				goto full;
			if (scst_fill_sess(skb, sess)) {
				genlmsg_cancel(skb, hdr);
				goto full;
			}
			genlmsg_end(skb, hdr);
			cb->args[1] = ++idx;
		}
		scst_dump_next_tgt(cb);
	}
full:
	mutex_unlock(&scst_mutex);
	return skb->len;
}

/* ---- cleanups ------------------------------------------------------------------------------ */

static int scst_nl_cleanup_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct scst_cleanup *cl;
	long idx = 0;
	void *hdr;

	scst_dump_begin(cb);
	list_for_each_entry(cl, &scst_cleanup_list, entry) {
		if (idx < cb->args[0]) {
			idx++;
			continue;
		}
		hdr = scst_dump_put(skb, cb, SCST_CMD_CLEANUP_GET);
		if (!hdr)
			break;
		if (scst_cleanup_fill(skb, cl)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		idx++;
	}
	cb->args[0] = idx;
	mutex_unlock(&scst_mutex);
	return skb->len;
}

static int scst_nl_cleanup_release(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	bool all = attrs[SCST_A_CLEANUP_ALL];
	u64 id = 0;
	int ret;

	if (all == !!attrs[SCST_A_CLEANUP_ID]) {
		NL_SET_ERR_MSG(info->extack,
			       "give either a cleanup id or the 'all' flag");
		NL_SET_BAD_ATTR(info->extack, attrs[SCST_A_CLEANUP_ID]);
		return -EINVAL;
	}
	if (!all)
		id = nla_get_u64(attrs[SCST_A_CLEANUP_ID]);
	mutex_lock(&scst_mutex);
	ret = scst_cleanup_release(id, all, info->extack);
	if (ret)
		NL_SET_BAD_ATTR(info->extack, attrs[SCST_A_CLEANUP_ID]);
	else
		scst_event(info, SCST_A_CLEANUP_ID, SCST_A_CLEANUP_ALL);
	mutex_unlock(&scst_mutex);
	return ret;
}

/* ---- the family ----------------------------------------------------------------------------- */

/* Operations without a policy accept no attribute at all. */
#define SCST_OP_DO(c, fn, pol, fl)					\
	{ .cmd = (c), .doit = (fn), .policy = (pol),			\
	  .maxattr = SCST_A_MAX, .flags = (fl) }
#define SCST_OP_DO_NOATTR(c, fn)					\
	{ .cmd = (c), .doit = (fn) }
#define SCST_OP_DUMP(c, st, fn, pol)					\
	{ .cmd = (c), .start = (st), .dumpit = (fn), .policy = (pol),	\
	  .maxattr = SCST_A_MAX }
#define SCST_OP_DUMP_NOATTR(c, st, fn)					\
	{ .cmd = (c), .start = (st), .dumpit = (fn) }

static const struct genl_ops scst_genl_ops[] = {
	SCST_OP_DO_NOATTR(SCST_CMD_GLOBAL_GET, scst_nl_global_get),
	SCST_OP_DO(SCST_CMD_GLOBAL_SET, scst_nl_global_set,
		   scst_global_set_policy, GENL_ADMIN_PERM),
	SCST_OP_DUMP_NOATTR(SCST_CMD_HANDLER_GET, scst_dump_start,
			    scst_nl_handler_dump),
	SCST_OP_DO(SCST_CMD_DEVICE_NEW, scst_nl_device_new,
		   scst_device_new_policy, GENL_ADMIN_PERM),
	SCST_OP_DO(SCST_CMD_DEVICE_DEL, scst_nl_device_del,
		   scst_device_policy, GENL_ADMIN_PERM),
	SCST_OP_DO(SCST_CMD_DEVICE_SET, scst_nl_device_set,
		   scst_device_set_policy, GENL_ADMIN_PERM),
	{
		.cmd = SCST_CMD_DEVICE_GET,
		.doit = scst_nl_device_get,
		.start = scst_dump_start,
		.dumpit = scst_nl_device_dump,
		.policy = scst_device_policy,
		.maxattr = SCST_A_MAX,
	},
	SCST_OP_DUMP_NOATTR(SCST_CMD_DRIVER_GET, scst_dump_start,
			    scst_nl_driver_dump),
	SCST_OP_DO(SCST_CMD_TARGET_NEW, scst_nl_target_new,
		   scst_target_new_policy, GENL_ADMIN_PERM),
	SCST_OP_DO(SCST_CMD_TARGET_DEL, scst_nl_target_del,
		   scst_target_policy, GENL_ADMIN_PERM),
	SCST_OP_DO(SCST_CMD_TARGET_SET, scst_nl_target_set,
		   scst_target_set_policy, GENL_ADMIN_PERM),
	{
		.cmd = SCST_CMD_TARGET_GET,
		.doit = scst_nl_target_get,
		.start = scst_dump_start,
		.dumpit = scst_nl_target_dump,
		.policy = scst_target_policy,
		.maxattr = SCST_A_MAX,
	},
	SCST_OP_DO(SCST_CMD_GROUP_NEW, scst_nl_group_new, scst_group_policy,
		   GENL_ADMIN_PERM),
	SCST_OP_DO(SCST_CMD_GROUP_DEL, scst_nl_group_del, scst_group_policy,
		   GENL_ADMIN_PERM),
	SCST_OP_DUMP(SCST_CMD_GROUP_GET, scst_dump_start,
		     scst_nl_group_dump, scst_target_policy),
	SCST_OP_DO(SCST_CMD_INITIATOR_ADD, scst_nl_initiator_add,
		   scst_initiator_policy, GENL_ADMIN_PERM),
	SCST_OP_DO(SCST_CMD_INITIATOR_DEL, scst_nl_initiator_del,
		   scst_initiator_policy, GENL_ADMIN_PERM),
	SCST_OP_DO(SCST_CMD_INITIATOR_MOVE, scst_nl_initiator_move,
		   scst_initiator_move_policy, GENL_ADMIN_PERM),
	SCST_OP_DO(SCST_CMD_INITIATOR_CLEAR, scst_nl_initiator_clear,
		   scst_group_policy, GENL_ADMIN_PERM),
	SCST_OP_DO(SCST_CMD_LUN_NEW, scst_nl_lun_new, scst_lun_new_policy,
		   GENL_ADMIN_PERM),
	SCST_OP_DO(SCST_CMD_LUN_DEL, scst_nl_lun_del, scst_lun_del_policy,
		   GENL_ADMIN_PERM),
	SCST_OP_DO(SCST_CMD_LUN_REPLACE, scst_nl_lun_replace,
		   scst_lun_replace_policy, GENL_ADMIN_PERM),
	SCST_OP_DO(SCST_CMD_LUN_CLEAR, scst_nl_lun_clear, scst_group_policy,
		   GENL_ADMIN_PERM),
	SCST_OP_DUMP(SCST_CMD_LUN_GET, scst_dump_start,
		     scst_nl_lun_dump, scst_group_policy),
	SCST_OP_DO(SCST_CMD_SESSION_NEW, scst_nl_session_new,
		   scst_session_new_policy, GENL_ADMIN_PERM),
	SCST_OP_DO(SCST_CMD_SESSION_DEL, scst_nl_session_del,
		   scst_session_del_policy, GENL_ADMIN_PERM),
	SCST_OP_DUMP(SCST_CMD_SESSION_GET, scst_dump_start,
		     scst_nl_session_dump, scst_target_policy),
	SCST_OP_DUMP_NOATTR(SCST_CMD_CLEANUP_GET, scst_dump_start,
			    scst_nl_cleanup_dump),
	SCST_OP_DO(SCST_CMD_CLEANUP_RELEASE, scst_nl_cleanup_release,
		   scst_cleanup_release_policy, GENL_ADMIN_PERM),
	SCST_OP_DO(SCST_CMD_DRIVER_SET, scst_nl_driver_set,
		   scst_driver_set_policy, GENL_ADMIN_PERM),
};

static const struct genl_multicast_group scst_mcgrps[] = {
	{ .name = SCST_MCGRP_EVENTS },
};

static struct genl_family scst_genl_family __ro_after_init = {
	.name		= SCST_FAMILY_NAME,
	.version	= SCST_FAMILY_VERSION,
	.maxattr	= SCST_A_MAX,
	.module		= THIS_MODULE,
	.ops		= scst_genl_ops,
	.n_ops		= ARRAY_SIZE(scst_genl_ops),
	/*
	 * Every operation is new: strict validation, reserved header fields
	 * checked, no attribute accepted by an operation without a policy.
	 */
	.resv_start_op	= 0,
	/*
	 * Every operation takes scst_mutex itself, and a synchronous LUN
	 * replace drops it while it waits for a stuck device: without
	 * parallel_ops genetlink's own mutex would stay held meanwhile, and
	 * every generic-netlink family of the system would wait with it.
	 */
	.parallel_ops	= true,
	.mcgrps		= scst_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(scst_mcgrps),
};

int __init scst_netlink_init(void)
{
	return genl_register_family(&scst_genl_family);
}

void scst_netlink_exit(void)
{
	genl_unregister_family(&scst_genl_family);
}
