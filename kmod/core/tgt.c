// SPDX-License-Identifier: GPL-2.0
/*
 * Target drivers, targets and sessions.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/idr.h>
#include <linux/slab.h>
#include <linux/stringhash.h>
#include "scst_priv.h"

/* All protected by scst_mutex. */
LIST_HEAD(scst_driver_list);
LIST_HEAD(scst_tgt_list);
static DEFINE_HASHTABLE(scst_tgt_hash, 10);
static DEFINE_IDA(scst_rel_tgt_ida);

static u32 scst_name_hash(const char *name)
{
	return full_name_hash(NULL, name, strlen(name));
}

/* ---- drivers -------------------------------------------------------------- */

struct scst_driver *scst_driver_find(const char *name)
{
	struct scst_driver *drv;

	lockdep_assert_held(&scst_mutex);
	list_for_each_entry(drv, &scst_driver_list, entry)
		if (!strcmp(drv->ops->name, name))
			return drv;
	return NULL;
}

/**
 * scst_driver_register() - make a target driver available
 * @ops: the driver; must stay valid until scst_driver_unregister()
 *
 * Return: 0, -EINVAL for an incomplete ops table, -EEXIST, -ENOMEM.
 */
int scst_driver_register(const struct scst_driver_ops *ops)
{
	struct scst_driver *drv;
	int ret = 0;

	if (!ops->name || scst_name_check(ops->name, false) || !ops->cmd_done) {
		pr_err("driver '%s': invalid ops table\n",
		       ops->name ? ops->name : "(null)");
		return -EINVAL;
	}
	drv = kzalloc(sizeof(*drv), GFP_KERNEL);
	if (!drv)
		return -ENOMEM;
	drv->ops = ops;

	mutex_lock(&scst_mutex);
	if (scst_driver_find(ops->name)) {
		pr_err("driver '%s' is already registered\n", ops->name);
		kfree(drv);
		ret = -EEXIST;
	} else {
		list_add_tail(&drv->entry, &scst_driver_list);
		scst_changed();
		pr_info("driver '%s' registered\n", ops->name);
	}
	mutex_unlock(&scst_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(scst_driver_register);

/**
 * scst_driver_unregister() - remove a target driver
 * @ops: as registered
 *
 * Targets pin the driver's module, so none is left by the time its exit
 * function gets here.
 */
void scst_driver_unregister(const struct scst_driver_ops *ops)
{
	struct scst_driver *drv;

	mutex_lock(&scst_mutex);
	drv = scst_driver_find(ops->name);
	if (!WARN_ON(!drv || drv->ops != ops)) {
		WARN_ON(drv->nr_tgts);
		list_del(&drv->entry);
		scst_changed();
		kfree(drv);
		pr_info("driver '%s' unregistered\n", ops->name);
	}
	mutex_unlock(&scst_mutex);
}
EXPORT_SYMBOL_GPL(scst_driver_unregister);

/* ---- targets -------------------------------------------------------------- */

struct scst_tgt_priv *scst_tgt_find(const char *name)
{
	struct scst_tgt_priv *tgt;

	lockdep_assert_held(&scst_mutex);
	hash_for_each_possible(scst_tgt_hash, tgt, hnode, scst_name_hash(name))
		if (!strcmp(tgt->name, name))
			return tgt;
	return NULL;
}

struct scst_tgt_priv *scst_tgt_create(struct scst_driver *drv,
				      const char *name,
				      struct netlink_ext_ack *extack)
{
	const struct scst_driver_ops *ops = drv->ops;
	size_t len = strlen(name) + 1;
	struct scst_tgt_priv *tgt;
	int ret;

	lockdep_assert_held(&scst_mutex);

	tgt = kzalloc(struct_size(tgt, name, len), GFP_KERNEL);
	if (!tgt)
		return ERR_PTR(-ENOMEM);
	memcpy(tgt->name, name, len);
	tgt->tgt.name = tgt->name;
	tgt->tgt.driver = ops;
	tgt->driver = drv;
	INIT_LIST_HEAD(&tgt->acgs);
	INIT_LIST_HEAD(&tgt->sessions);
	/* A driver that cannot be switched on and off is always on. */
	tgt->enabled = !ops->target_enable;

	ret = -ENOMEM;
	tgt->default_acg = scst_acg_alloc(tgt, NULL);
	if (!tgt->default_acg)
		goto err_free;

	ret = ida_alloc_range(&scst_rel_tgt_ida, 1, U16_MAX, GFP_KERNEL);
	if (ret < 0) {
		NL_SET_ERR_MSG(extack, "no relative target port id left");
		goto err_acg;
	}
	tgt->tgt.rel_tgt_id = ret;

	/* A target pins its driver's module until it is deleted. */
	ret = -ENODEV;
	if (!try_module_get(ops->owner)) {
		NL_SET_ERR_MSG(extack, "driver is being unloaded");
		goto err_ida;
	}

	if (ops->target_add) {
		ret = ops->target_add(&tgt->tgt, extack);
		if (ret)
			goto err_put;
	}

	hash_add(scst_tgt_hash, &tgt->hnode, scst_name_hash(tgt->name));
	list_add_tail(&tgt->entry, &scst_tgt_list);
	drv->nr_tgts++;
	scst_changed();
	return tgt;

err_put:
	module_put(ops->owner);
err_ida:
	ida_free(&scst_rel_tgt_ida, tgt->tgt.rel_tgt_id);
err_acg:
	scst_acg_free(tgt->default_acg);
err_free:
	kfree(tgt);
	return ERR_PTR(ret);
}

/**
 * scst_tgt_destroy() - delete a target, closing its sessions
 * @tgt: the target
 * @extack: for errors
 *
 * Called with scst_mutex held; drops it while the driver closes the
 * sessions (the driver calls scst_session_unregister(), which takes it).
 * Meanwhile @deleting keeps every other request away from the target.
 *
 * Return: 0, or -EBUSY if another request is deleting it already.
 */
int scst_tgt_destroy(struct scst_tgt_priv *tgt, struct netlink_ext_ack *extack)
{
	const struct scst_driver_ops *ops = tgt->driver->ops;
	struct scst_sess_priv *sess;
	struct scst_acg *acg, *tmp;

	lockdep_assert_held(&scst_mutex);
	if (tgt->deleting) {
		scst_nl_err(extack, NULL, "target '%s' is being deleted",
			    tgt->name);
		return -EBUSY;
	}
	tgt->deleting = true;

	/*
	 * From here on scst_session_register() fails for the target; let a
	 * driver whose logins come from the network stop them and wait for
	 * those already inside (they block on scst_mutex).
	 */
	if (ops->target_stop) {
		mutex_unlock(&scst_mutex);
		ops->target_stop(&tgt->tgt);
		mutex_lock(&scst_mutex);
	}

	for (;;) {
		bool found = false;

		list_for_each_entry(sess, &tgt->sessions, tgt_entry) {
			if (!sess->closing && !sess->dying) {
				found = true;
				break;
			}
		}
		if (!found)
			break;
		sess->closing = true;
		kref_get(&sess->kref);
		mutex_unlock(&scst_mutex);
		if (ops->session_close)
			ops->session_close(&sess->sess);
		else
			pr_warn("target '%s': driver '%s' cannot close session '%s'\n",
				tgt->name, ops->name, sess->sess.name);
		mutex_lock(&scst_mutex);
		scst_sess_put(sess);
	}

	mutex_unlock(&scst_mutex);
	scst_wait_event_long(!READ_ONCE(tgt->nr_busy));
	mutex_lock(&scst_mutex);

	if (ops->target_del)
		ops->target_del(&tgt->tgt);

	list_for_each_entry_safe(acg, tmp, &tgt->acgs, entry) {
		list_del(&acg->entry);
		scst_acg_free(acg);
	}
	scst_acg_free(tgt->default_acg);
	hash_del(&tgt->hnode);
	list_del(&tgt->entry);
	tgt->driver->nr_tgts--;
	scst_changed();
	ida_free(&scst_rel_tgt_ida, tgt->tgt.rel_tgt_id);
	module_put(ops->owner);
	kfree(tgt);
	return 0;
}

int scst_tgt_enable(struct scst_tgt_priv *tgt, bool enable,
		    struct netlink_ext_ack *extack)
{
	const struct scst_driver_ops *ops = tgt->driver->ops;
	int ret;

	lockdep_assert_held(&scst_mutex);
	if (tgt->enabled == enable)
		return 0;
	if (ops->target_enable) {
		ret = ops->target_enable(&tgt->tgt, enable, extack);
		if (ret)
			return ret;
	}
	tgt->enabled = enable;
	scst_changed();
	return 0;
}

void scst_tgt_exit(void)
{
	WARN_ON(!list_empty(&scst_tgt_list));
	WARN_ON(!list_empty(&scst_driver_list));
	WARN_ON(!list_empty(&scst_handler_list));
	WARN_ON(!list_empty(&scst_dev_list));
	ida_destroy(&scst_rel_tgt_ida);
}

/* ---- sessions ------------------------------------------------------------- */

struct scst_sess_priv *scst_sess_find(struct scst_tgt_priv *tgt,
				      const char *name)
{
	struct scst_sess_priv *sess;

	lockdep_assert_held(&scst_mutex);
	list_for_each_entry(sess, &tgt->sessions, tgt_entry)
		if (!sess->dying && !strcmp(sess->sess.name, name))
			return sess;
	return NULL;
}

static void scst_sess_release(struct kref *kref)
{
	struct scst_sess_priv *sess = container_of(kref, struct scst_sess_priv,
						   kref);
	struct scst_lun_past *past;
	unsigned long lun;

	xa_destroy(&sess->luns);
	xa_for_each(&sess->unmapped, lun, past)
		kfree(past);
	xa_destroy(&sess->unmapped);
	kfree(sess->sess.initiator);
	kfree(sess->sess.name);
	/* Task management may still look at td->sess under RCU. */
	kfree_rcu(sess, rcu);
}

void scst_sess_put(struct scst_sess_priv *sess)
{
	kref_put(&sess->kref, scst_sess_release);
}

static void scst_sess_luns_changed_work(struct work_struct *work)
{
	struct scst_sess_priv *sess = container_of(work, struct scst_sess_priv,
						   luns_changed_work);
	const struct scst_driver_ops *ops = sess->tgt->driver->ops;

	if (!READ_ONCE(sess->closing) && !READ_ONCE(sess->dying))
		ops->luns_changed(&sess->sess);
	scst_sess_put(sess);
}

/*
 * Tell the driver, from process context and without scst_mutex (a rescan
 * sends commands), that the LUNs of @sess changed.
 */
void scst_sess_luns_changed(struct scst_sess_priv *sess)
{
	if (!sess->tgt->driver->ops->luns_changed || sess->dying)
		return;
	kref_get(&sess->kref);
	if (!queue_work(scst_wq, &sess->luns_changed_work))
		scst_sess_put(sess);
}

unsigned int scst_sess_nr_cmds(struct scst_sess_priv *sess)
{
	struct scst_tgt_dev *td;
	unsigned int n = 0;

	lockdep_assert_held(&scst_mutex);
	list_for_each_entry(td, &sess->tgt_devs, sess_entry)
		n += READ_ONCE(td->nr_cmds);
	return n;
}

static void scst_sess_event(u8 cmd, struct scst_sess_priv *sess)
{
	struct sk_buff *skb;
	void *hdr;

	skb = scst_event_new(cmd, &hdr);
	if (!skb)
		return;
	if (nla_put_string(skb, SCST_A_TARGET, sess->tgt->name) ||
	    nla_put_string(skb, SCST_A_SESSION, sess->sess.name) ||
	    nla_put_string(skb, SCST_A_INITIATOR, sess->sess.initiator)) {
		nlmsg_free(skb);
		return;
	}
	scst_event_send(skb, hdr);
}

/* A session name unique in the target, from the initiator's name. */
static char *scst_sess_make_name(struct scst_tgt_priv *tgt,
				 const char *initiator)
{
	unsigned int i;
	char *name;

	if (!scst_sess_find(tgt, initiator))
		return kstrdup(initiator, GFP_KERNEL);
	for (i = 2; ; i++) {
		name = kasprintf(GFP_KERNEL, "%s#%u", initiator, i);
		if (!name || !scst_sess_find(tgt, name))
			return name;
		kfree(name);
	}
}

/**
 * scst_session_register() - a new I_T nexus
 * @tgt: the target it logged in to
 * @initiator: initiator port name
 * @name: session name, unique in the target; NULL to derive one from
 *	@initiator
 * @dpriv: for the driver
 *
 * The session sees the LUNs of the first group of @tgt whose initiator
 * patterns match @initiator, else those of the default group, each with
 * a POWER ON, RESET OR BUS DEVICE RESET OCCURRED unit attention pending.
 * Process context.
 *
 * Return: the session or an ERR_PTR(): -EINVAL for a bad name, -EEXIST if
 * @name is taken, -ENODEV if the target is being deleted, -ENOMEM.
 */
struct scst_session *scst_session_register(struct scst_tgt *tgt,
					   const char *initiator,
					   const char *name, void *dpriv)
{
	struct scst_tgt_priv *t = to_tgt_priv(tgt);
	struct scst_sess_priv *sess;
	int ret;

	might_sleep();
	if (!initiator || scst_name_check(initiator, true) ||
	    (name && scst_name_check(name, true)))
		return ERR_PTR(-EINVAL);

	sess = kzalloc(sizeof(*sess), GFP_KERNEL);
	if (!sess)
		return ERR_PTR(-ENOMEM);
	sess->sess.initiator = kstrdup(initiator, GFP_KERNEL);
	if (!sess->sess.initiator) {
		kfree(sess);
		return ERR_PTR(-ENOMEM);
	}
	sess->sess.tgt = tgt;
	sess->sess.dpriv = dpriv;
	sess->tgt = t;
	INIT_LIST_HEAD(&sess->tgt_entry);
	INIT_LIST_HEAD(&sess->acg_entry);
	INIT_LIST_HEAD(&sess->tgt_devs);
	xa_init(&sess->luns);
	xa_init(&sess->unmapped);
	INIT_WORK(&sess->luns_changed_work, scst_sess_luns_changed_work);
	kref_init(&sess->kref);

	mutex_lock(&scst_mutex);
	ret = -ENODEV;
	if (t->deleting)
		goto err_unlock;
	ret = -EEXIST;
	if (name && scst_sess_find(t, name))
		goto err_unlock;
	ret = -ENOMEM;
	sess->sess.name = name ? kstrdup(name, GFP_KERNEL) :
				 scst_sess_make_name(t, initiator);
	if (!sess->sess.name)
		goto err_unlock;
	ret = scst_sess_attach(sess);
	if (ret)
		goto err_unlock;

	list_add_tail(&sess->tgt_entry, &t->sessions);
	t->nr_sessions++;
	t->nr_busy++;
	scst_changed();
	scst_sess_event(SCST_CMD_SESSION_NEW, sess);
	mutex_unlock(&scst_mutex);
	pr_debug("target '%s': session '%s' (%s) registered\n", t->name,
		 sess->sess.name, initiator);
	return &sess->sess;

err_unlock:
	mutex_unlock(&scst_mutex);
	scst_sess_put(sess);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(scst_session_register);

/**
 * scst_session_unregister() - end an I_T nexus
 * @s: the session; the driver submits nothing more on it
 *
 * Aborts every command still in flight (I_T nexus loss), releases the
 * session's reservations, waits until the handler has finished every
 * command and the driver got its cmd_done(), and frees the session. Old
 * LUN state that pending cleanups of async replaces hold for this session
 * is drained too, and then stays with its cleanup. Process context; must
 * not be called from luns_changed().
 */
void scst_session_unregister(struct scst_session *s)
{
	struct scst_sess_priv *sess = to_sess_priv(s);
	struct scst_tgt_priv *tgt = sess->tgt;
	struct scst_tgt_dev *td, *tmp;
	struct scst_drain drain;

	might_sleep();
	scst_drain_init(&drain, NULL);

	mutex_lock(&scst_mutex);
	sess->dying = true;
	scst_sess_detach(sess, &drain);
	scst_res_release_sess(sess);
	scst_tmf_nexus_loss(sess);
	scst_drain_start(&drain);
	scst_changed();
	mutex_unlock(&scst_mutex);

	if (cancel_work_sync(&sess->luns_changed_work))
		scst_sess_put(sess);

	/*
	 * Every tgt_dev of the session is killed now, its own and those that
	 * cleanups hold; wait until all of them are released.
	 */
	scst_wait_event_long(!atomic_read(&sess->nr_live_tds));
	scst_wait_long(&drain.done);

	mutex_lock(&scst_mutex);
	scst_drain_free(&drain);
	/* What is left belongs to cleanups: they outlive the session. */
	list_for_each_entry_safe(td, tmp, &sess->tgt_devs, sess_entry) {
		list_del_rcu(&td->sess_entry);
		WRITE_ONCE(td->sess, NULL);
	}
	list_del(&sess->tgt_entry);
	tgt->nr_sessions--;
	tgt->nr_busy--;
	scst_changed();
	scst_sess_event(SCST_CMD_SESSION_DEL, sess);
	WRITE_ONCE(sess->gone, true);
	mutex_unlock(&scst_mutex);
	wake_up_all(&scst_wait);

	pr_debug("target '%s': session '%s' unregistered\n", tgt->name,
		 sess->sess.name);
	scst_sess_put(sess);
}
EXPORT_SYMBOL_GPL(scst_session_unregister);

/**
 * scst_sess_add() - ask a driver to create a session (SCST_CMD_SESSION_NEW)
 * @tgt: the target
 * @initiator: initiator name
 * @name: session name or NULL
 * @extack: for errors
 *
 * Called with scst_mutex held; drops it around the driver's session_add(),
 * which registers the session. The target stays because deleting it waits
 * for @nr_busy.
 */
int scst_sess_add(struct scst_tgt_priv *tgt, const char *initiator,
		  const char *name, struct netlink_ext_ack *extack)
{
	const struct scst_driver_ops *ops = tgt->driver->ops;
	int ret;

	lockdep_assert_held(&scst_mutex);
	if (!ops->session_add) {
		scst_nl_err(extack, NULL,
			    "driver '%s' does not create sessions by configuration",
			    ops->name);
		return -EOPNOTSUPP;
	}
	if (name && scst_sess_find(tgt, name)) {
		scst_nl_err(extack, NULL,
			    "session '%s' already exists in target '%s'", name,
			    tgt->name);
		return -EEXIST;
	}
	tgt->nr_busy++;
	mutex_unlock(&scst_mutex);
	ret = ops->session_add(&tgt->tgt, initiator, name, extack);
	mutex_lock(&scst_mutex);
	tgt->nr_busy--;
	wake_up_all(&scst_wait);
	return ret;
}

/**
 * scst_sess_close() - force a session closed (SCST_CMD_SESSION_DEL)
 * @sess: the session
 * @extack: for errors
 *
 * Called with scst_mutex held; drops it while the driver closes the
 * session and until the session is unregistered.
 */
int scst_sess_close(struct scst_sess_priv *sess,
		    struct netlink_ext_ack *extack)
{
	const struct scst_driver_ops *ops = sess->tgt->driver->ops;
	bool call = false;

	lockdep_assert_held(&scst_mutex);
	if (!sess->closing) {
		if (!ops->session_close) {
			scst_nl_err(extack, NULL,
				    "driver '%s' cannot close sessions",
				    ops->name);
			return -EOPNOTSUPP;
		}
		sess->closing = true;
		call = true;
	}
	kref_get(&sess->kref);
	mutex_unlock(&scst_mutex);
	if (call)
		ops->session_close(&sess->sess);
	scst_wait_event_long(READ_ONCE(sess->gone));
	mutex_lock(&scst_mutex);
	scst_sess_put(sess);
	return 0;
}
