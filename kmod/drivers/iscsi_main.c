// SPDX-License-Identifier: GPL-2.0
/*
 * iscsi_scst: module parameters, the driver's ops table, targets and their
 * parameters.
 *
 * Configuration goes through the core's netlink family only: targets are
 * created with the driver name "iscsi"; the driver parameter "portals" and
 * the per-target parameters below travel as "key=value" strings
 * (SCST_A_DRIVER_PARAM, SCST_A_TARGET_PARAM). A new target does not accept
 * logins until it is enabled, so that its LUNs and groups can be set up
 * first.
 *
 * Access control is the core's: a session sees the LUNs of the first group
 * whose initiator patterns match its InitiatorName, else those of the
 * target's default group (which may have none). Login itself is refused
 * only by CHAP.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/netlink.h>
#ifdef HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif
#include "iscsi.h"

static char *iscst_portals_param = "0.0.0.0:3260,[::]:3260";
module_param_named(portals, iscst_portals_param, charp, 0444);
MODULE_PARM_DESC(portals,
		 "portals to listen on at load, comma-separated address:port or [v6address]:port (default 0.0.0.0:3260,[::]:3260); the driver parameter \"portals\" changes them at run time");

/* See iscsi.h for what it protects. */
DEFINE_MUTEX(iscst_mutex);
LIST_HEAD(iscst_tgt_list);
/* Logins waiting for a reinstated session to be gone wait here. */
DECLARE_WAIT_QUEUE_HEAD(iscst_sess_wait);
/* Accepting, task management and releasing connections. */
struct workqueue_struct *iscst_wq;

const struct iscst_tgt_cfg iscst_cfg_default = {
	.hdigest	= ISCST_DIGEST_NONE | ISCST_DIGEST_CRC32C,
	.ddigest	= ISCST_DIGEST_NONE | ISCST_DIGEST_CRC32C,
	.max_recv_dsl	= 256 * 1024,
	.max_xmit_dsl	= 256 * 1024,
	.max_burst	= 1024 * 1024,
	.first_burst	= 256 * 1024,
	.max_r2t	= 1,
	.initial_r2t	= false,
	.immediate_data	= true,
	.queued_cmds	= 128,
	.nop_interval	= 30,
	.nop_timeout	= 30,
};

const char *iscst_digest_name(bool crc)
{
	return crc ? "CRC32C" : "None";
}

/* ---- targets -------------------------------------------------------------- */

static void iscst_tgt_free(struct iscst_tgt *tgt)
{
	struct iscst_chap_user *user, *tmp;

	list_for_each_entry_safe(user, tmp, &tgt->in_users, entry) {
		list_del(&user->entry);
		iscst_chap_user_free(user);
	}
	iscst_chap_user_free(tgt->out_user);
	kfree(tgt);
}

void iscst_tgt_put(struct iscst_tgt *tgt)
{
	if (refcount_dec_and_test(&tgt->ref))
		iscst_tgt_free(tgt);
}

/**
 * iscst_tgt_find_get() - look a target up for a login
 * @name: TargetName
 * @enabled: set to whether it accepts logins
 *
 * Return: the target with a reference and a login counted in @nr_logins
 * (drop both with iscst_tgt_login_done() and iscst_tgt_put()), or NULL.
 */
struct iscst_tgt *iscst_tgt_find_get(const char *name, bool *enabled)
{
	struct iscst_tgt *tgt;

	mutex_lock(&iscst_mutex);
	list_for_each_entry(tgt, &iscst_tgt_list, entry) {
		if (!tgt->deleting && !strcmp(tgt->tgt->name, name)) {
			refcount_inc(&tgt->ref);
			atomic_inc(&tgt->nr_logins);
			*enabled = tgt->enabled;
			mutex_unlock(&iscst_mutex);
			return tgt;
		}
	}
	mutex_unlock(&iscst_mutex);
	return NULL;
}

/* A login that held @tgt since iscst_tgt_find_get() no longer registers. */
void iscst_tgt_login_done(struct iscst_tgt *tgt)
{
	if (atomic_dec_and_test(&tgt->nr_logins))
		wake_up_var(&tgt->nr_logins);
}

static bool iscst_name_valid(const char *name)
{
	size_t len = strlen(name);

	/* RFC 7143 4.2.7.1: at most 223 bytes, iqn., eui. or naa. format. */
	if (len > 223)
		return false;
	return !strncasecmp(name, "iqn.", 4) || !strncasecmp(name, "eui.", 4) ||
	       !strncasecmp(name, "naa.", 4);
}

static int iscst_target_add(struct scst_tgt *stgt,
			    struct netlink_ext_ack *extack)
{
	struct iscst_tgt *tgt;

	if (!iscst_name_valid(stgt->name)) {
		NL_SET_ERR_MSG(extack,
			       "an iSCSI target name is an iqn., eui. or naa. name of at most 223 bytes");
		return -EINVAL;
	}
	tgt = kzalloc(sizeof(*tgt), GFP_KERNEL);
	if (!tgt)
		return -ENOMEM;
	tgt->tgt = stgt;
	refcount_set(&tgt->ref, 1);
	atomic_set(&tgt->nr_logins, 0);
	mutex_init(&tgt->cfg_lock);
	tgt->cfg = iscst_cfg_default;
	INIT_LIST_HEAD(&tgt->in_users);
	INIT_LIST_HEAD(&tgt->conns);
	stgt->dpriv = tgt;

	mutex_lock(&iscst_mutex);
	list_add_tail(&tgt->entry, &iscst_tgt_list);
	mutex_unlock(&iscst_mutex);
	return 0;
}

/*
 * Stop logins to a target being deleted and wait until none of them can
 * still call scst_session_register() for it.
 */
static void iscst_target_stop(struct scst_tgt *stgt)
{
	struct iscst_tgt *tgt = stgt->dpriv;

	mutex_lock(&iscst_mutex);
	if (!tgt->deleting) {
		tgt->deleting = true;
		list_del_init(&tgt->entry);
	}
	iscst_tgt_close_conns(tgt, true);
	mutex_unlock(&iscst_mutex);
	wait_var_event(&tgt->nr_logins, !atomic_read(&tgt->nr_logins));
}

/*
 * Called with the core's mutex held, after its sessions are unregistered.
 * Connections still tearing down hold references, so the structure goes
 * with the last of them.
 */
static void iscst_target_del(struct scst_tgt *stgt)
{
	struct iscst_tgt *tgt = stgt->dpriv;

	mutex_lock(&iscst_mutex);
	if (!tgt->deleting) {
		tgt->deleting = true;
		list_del_init(&tgt->entry);
	}
	iscst_tgt_close_conns(tgt, false);
	mutex_unlock(&iscst_mutex);
	stgt->dpriv = NULL;
	iscst_tgt_put(tgt);
}

static int iscst_target_enable(struct scst_tgt *stgt, bool enable,
			       struct netlink_ext_ack *extack)
{
	struct iscst_tgt *tgt = stgt->dpriv;

	mutex_lock(&iscst_mutex);
	tgt->enabled = enable;
	mutex_unlock(&iscst_mutex);
	return 0;
}

/* ---- target parameters ---------------------------------------------------- */

static const struct iscst_num_param {
	const char	*name;
	size_t		off;
	u32		min;
	u32		max;
} iscst_num_params[] = {
	{ "MaxRecvDataSegmentLength",
	  offsetof(struct iscst_tgt_cfg, max_recv_dsl), 512, 16777215 },
	{ "MaxXmitDataSegmentLength",
	  offsetof(struct iscst_tgt_cfg, max_xmit_dsl), 512, 16777215 },
	{ "MaxBurstLength", offsetof(struct iscst_tgt_cfg, max_burst),
	  512, 16777215 },
	{ "FirstBurstLength", offsetof(struct iscst_tgt_cfg, first_burst),
	  512, 16777215 },
	{ "QueuedCommands", offsetof(struct iscst_tgt_cfg, queued_cmds),
	  1, 1024 },
	{ "NopInInterval", offsetof(struct iscst_tgt_cfg, nop_interval),
	  0, 3600 },
	{ "NopInTimeout", offsetof(struct iscst_tgt_cfg, nop_timeout),
	  1, 3600 },
};

static const char * const iscst_target_param_names[] = {
	"IncomingUser", "OutgoingUser", "HeaderDigest", "DataDigest",
	"InitialR2T", "ImmediateData", "MaxRecvDataSegmentLength",
	"MaxXmitDataSegmentLength", "MaxBurstLength", "FirstBurstLength",
	"QueuedCommands", "NopInInterval", "NopInTimeout", NULL
};

static const char * const iscst_driver_param_names[] = { "portals", NULL };

static int iscst_parse_digest(const char *value, u8 *mask)
{
	char *dup, *p, *tok;
	u8 m = 0;

	dup = kstrdup(value, GFP_KERNEL);
	if (!dup)
		return -ENOMEM;
	p = dup;
	while ((tok = strsep(&p, ","))) {
		if (!strcmp(tok, "None"))
			m |= ISCST_DIGEST_NONE;
		else if (!strcmp(tok, "CRC32C"))
			m |= ISCST_DIGEST_CRC32C;
		else
			m = 0xff;
	}
	kfree(dup);
	if (!m || m == 0xff)
		return -EINVAL;
	*mask = m;
	return 0;
}

static int iscst_parse_bool(const char *value, bool *b)
{
	if (!strcmp(value, "Yes"))
		*b = true;
	else if (!strcmp(value, "No"))
		*b = false;
	else
		return kstrtobool(value, b);
	return 0;
}

/*
 * IncomingUser: "NAME SECRET" adds the account or changes its secret,
 * "NAME" removes it, "" removes them all. OutgoingUser: "NAME SECRET" sets
 * the one account, "" removes it.
 */
static int iscst_tgt_set_user(struct iscst_tgt *tgt, bool incoming,
			      const char *value, bool check,
			      struct netlink_ext_ack *extack)
{
	struct iscst_chap_user *user = NULL, *old, *tmp;
	char *name = NULL;
	int ret;

	lockdep_assert_held(&tgt->cfg_lock);
	if (!*value) {
		if (check)
			return 0;
		if (incoming) {
			list_for_each_entry_safe(old, tmp, &tgt->in_users, entry) {
				list_del(&old->entry);
				iscst_chap_user_free(old);
			}
		} else {
			iscst_chap_user_free(tgt->out_user);
			tgt->out_user = NULL;
		}
		return 0;
	}
	ret = iscst_chap_user_parse(value, &user, &name, extack);
	if (ret)
		return ret;
	if (!incoming) {
		if (!user) {
			NL_SET_ERR_MSG(extack, "OutgoingUser wants \"NAME SECRET\" or nothing");
			kfree(name);
			return -EINVAL;
		}
		if (check) {
			iscst_chap_user_free(user);
			return 0;
		}
		iscst_chap_user_free(tgt->out_user);
		tgt->out_user = user;
		return 0;
	}
	if (check) {
		iscst_chap_user_free(user);
		kfree(name);
		return 0;
	}
	list_for_each_entry_safe(old, tmp, &tgt->in_users, entry) {
		if (!strcmp(old->name, user ? user->name : name)) {
			list_del(&old->entry);
			iscst_chap_user_free(old);
		}
	}
	if (user)
		list_add_tail(&user->entry, &tgt->in_users);
	kfree(name);
	return 0;
}

static int iscst_target_set_param(struct scst_tgt *stgt, const char *param,
				  bool check, struct netlink_ext_ack *extack)
{
	struct iscst_tgt *tgt = stgt->dpriv;
	struct iscst_tgt_cfg cfg;
	char *dup, *key, *value;
	bool found = false;
	unsigned int i;
	int ret = 0;

	dup = kstrdup(param, GFP_KERNEL);
	if (!dup)
		return -ENOMEM;
	value = strchr(dup, '=');
	if (!value) {
		NL_SET_ERR_MSG(extack, "a target parameter is \"key=value\"");
		kfree(dup);
		return -EINVAL;
	}
	*value++ = 0;
	key = dup;

	mutex_lock(&tgt->cfg_lock);
	cfg = tgt->cfg;
	if (!strcmp(key, "IncomingUser") || !strcmp(key, "OutgoingUser")) {
		ret = iscst_tgt_set_user(tgt, key[0] == 'I', value, check,
					 extack);
		goto out;
	} else if (!strcmp(key, "HeaderDigest")) {
		ret = iscst_parse_digest(value, &cfg.hdigest);
	} else if (!strcmp(key, "DataDigest")) {
		ret = iscst_parse_digest(value, &cfg.ddigest);
	} else if (!strcmp(key, "InitialR2T")) {
		ret = iscst_parse_bool(value, &cfg.initial_r2t);
	} else if (!strcmp(key, "ImmediateData")) {
		ret = iscst_parse_bool(value, &cfg.immediate_data);
	} else {
		for (i = 0; i < ARRAY_SIZE(iscst_num_params); i++) {
			const struct iscst_num_param *np = &iscst_num_params[i];
			u32 v;

			if (strcmp(key, np->name))
				continue;
			found = true;
			ret = kstrtou32(value, 0, &v);
			if (!ret && (v < np->min || v > np->max))
				ret = -ERANGE;
			if (!ret)
				*(u32 *)((u8 *)&cfg + np->off) = v;
			break;
		}
		if (!found) {
			NL_SET_ERR_MSG(extack, "unknown iSCSI target parameter");
			ret = -EINVAL;
			goto out;
		}
	}
	if (ret) {
		NL_SET_ERR_MSG(extack, "invalid value for this iSCSI target parameter");
		goto out;
	}
	/*
	 * New values apply to the sessions that log in afterwards. A
	 * FirstBurstLength above MaxBurstLength is not refused here (one
	 * parameter is set at a time); a login never offers more than
	 * MaxBurstLength.
	 */
	if (!check)
		tgt->cfg = cfg;
out:
	mutex_unlock(&tgt->cfg_lock);
	kfree(dup);
	return ret;
}

/* One "key=value" string attribute of @type (SCST_A_*_PARAM). */
int iscst_param_put(struct sk_buff *skb, int type, const char *fmt, ...)
{
	char buf[320];
	va_list args;

	va_start(args, fmt);
	vsnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	return nla_put_string(skb, type, buf);
}

#define iscst_put_param(skb, ...) \
	iscst_param_put(skb, SCST_A_TARGET_PARAM, __VA_ARGS__)

static int iscst_digest_fill(struct sk_buff *skb, const char *key, u8 mask)
{
	return iscst_put_param(skb, "%s=%s", key,
			       mask == ISCST_DIGEST_NONE ? "None" :
			       mask == ISCST_DIGEST_CRC32C ? "CRC32C" :
			       "CRC32C,None");
}

/* Secrets are never listed, only the account names. */
static int iscst_target_fill_params(struct scst_tgt *stgt, struct sk_buff *skb)
{
	struct iscst_tgt *tgt = stgt->dpriv;
	struct iscst_chap_user *user;
	struct iscst_tgt_cfg *cfg = &tgt->cfg;
	unsigned int i;
	int ret = 0;

	mutex_lock(&tgt->cfg_lock);
	list_for_each_entry(user, &tgt->in_users, entry) {
		ret = iscst_put_param(skb, "IncomingUser=%s", user->name);
		if (ret)
			goto out;
	}
	if (tgt->out_user) {
		ret = iscst_put_param(skb, "OutgoingUser=%s",
				      tgt->out_user->name);
		if (ret)
			goto out;
	}
	ret = iscst_digest_fill(skb, "HeaderDigest", cfg->hdigest) ?:
	      iscst_digest_fill(skb, "DataDigest", cfg->ddigest) ?:
	      iscst_put_param(skb, "InitialR2T=%s",
			      cfg->initial_r2t ? "Yes" : "No") ?:
	      iscst_put_param(skb, "ImmediateData=%s",
			      cfg->immediate_data ? "Yes" : "No");
	for (i = 0; !ret && i < ARRAY_SIZE(iscst_num_params); i++) {
		const struct iscst_num_param *np = &iscst_num_params[i];

		ret = iscst_put_param(skb, "%s=%u", np->name,
				      *(u32 *)((u8 *)cfg + np->off));
	}
out:
	mutex_unlock(&tgt->cfg_lock);
	return ret ? -EMSGSIZE : 0;
}

static int iscst_driver_set_param(const char *param, bool check,
				  struct netlink_ext_ack *extack)
{
	if (!strncmp(param, "portals=", 8))
		return check ? iscst_portals_check(param + 8, extack) :
			       iscst_portals_set(param + 8, extack);
	NL_SET_ERR_MSG(extack, "unknown iscsi driver parameter (known: portals)");
	return -EINVAL;
}

static int iscst_driver_fill_params(struct sk_buff *skb)
{
	return iscst_portals_fill(skb) ? -EMSGSIZE : 0;
}

/* ---- sessions ------------------------------------------------------------- */

/*
 * Force close. The connection may be tearing down concurrently: its
 * teardown clears sess->dpriv before unregistering and frees the
 * connection only after an RCU grace period, so what is read here under
 * RCU is either NULL or still allocated.
 */
static void iscst_session_close(struct scst_session *sess)
{
	struct iscst_conn *conn;

	rcu_read_lock();
	conn = READ_ONCE(sess->dpriv);
	if (conn && !kref_get_unless_zero(&conn->kref))
		conn = NULL;
	rcu_read_unlock();
	if (!conn)
		return;
	iscst_conn_close(conn);
	iscst_conn_put(conn);
}

static int iscst_session_fill_params(struct scst_session *sess,
				     struct sk_buff *skb)
{
	struct iscst_conn *conn;
	int ret = 0;

	rcu_read_lock();
	conn = READ_ONCE(sess->dpriv);
	if (conn)
		ret = iscst_conn_params_fill(conn, skb);
	rcu_read_unlock();
	return ret;
}

/*
 * An iSCSI initiator port is its name and ISID: TransportID format 01b,
 * whose text, "name,i,0xISID", is the session's name. NUL-terminated and
 * padded to a multiple of 4, at least 24 bytes in all (SPC-4 7.6.4.6).
 */
static int iscst_session_transport_id(struct scst_session *sess, u8 *buf,
				      size_t len)
{
	size_t n = strlen(sess->name) + 1;
	size_t total = max_t(size_t, ALIGN(4 + n, 4), 24);

	if (total > len)
		return -ENOSPC;
	memset(buf, 0, total);
	buf[0] = 0x40 | SCST_PROTO_ISCSI;
	put_unaligned_be16(total - 4, buf + 2);
	memcpy(buf + 4, sess->name, n);
	return total;
}

static const struct scst_driver_ops iscst_driver_ops = {
	.name			= ISCST_DRIVER_NAME,
	.owner			= THIS_MODULE,
	.target_add		= iscst_target_add,
	.target_del		= iscst_target_del,
	.target_enable		= iscst_target_enable,
	.target_stop		= iscst_target_stop,
	.session_close		= iscst_session_close,
	.cmd_done		= iscst_cmd_done,
	.luns_changed		= iscst_luns_changed,
	.driver_params		= iscst_driver_param_names,
	.target_params		= iscst_target_param_names,
	.driver_set_param	= iscst_driver_set_param,
	.target_set_param	= iscst_target_set_param,
	.driver_fill_params	= iscst_driver_fill_params,
	.target_fill_params	= iscst_target_fill_params,
	.session_fill_params	= iscst_session_fill_params,
	.session_transport_id	= iscst_session_transport_id,
};

static int __init iscst_init(void)
{
	int ret;

	ret = iscst_cmds_init();
	if (ret)
		return ret;
	ret = -ENOMEM;
	iscst_wq = alloc_workqueue("iscsi_scst", WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	if (!iscst_wq)
		goto err_cmds;
	ret = scst_driver_register(&iscst_driver_ops);
	if (ret)
		goto err_wq;
	ret = iscst_portals_init(iscst_portals_param);
	if (ret)
		goto err_driver;
	pr_info("version %s loaded\n", SCST_VERSION);
	return 0;

err_driver:
	scst_driver_unregister(&iscst_driver_ops);
err_wq:
	destroy_workqueue(iscst_wq);
err_cmds:
	iscst_cmds_exit();
	return ret;
}

/*
 * Targets pin the module, so none is left; what may be is connections that
 * belong to no target yet (logins, discovery sessions).
 */
static void __exit iscst_exit(void)
{
	iscst_portals_exit();
	iscst_conns_close_all();
	scst_driver_unregister(&iscst_driver_ops);
	destroy_workqueue(iscst_wq);
	/* Connections are freed after a grace period. */
	rcu_barrier();
	iscst_cmds_exit();
	pr_info("unloaded\n");
}

module_init(iscst_init);
module_exit(iscst_exit);
MODULE_LICENSE("GPL");
MODULE_VERSION(SCST_VERSION);
MODULE_DESCRIPTION("iSCSI target driver for the SCSI target core");
MODULE_SOFTDEP("pre: crc32c");
