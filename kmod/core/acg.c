// SPDX-License-Identifier: GPL-2.0
/*
 * Access control groups, initiator patterns, LUNs and the per-session LUN
 * tables (tgt_devs) built from them.
 *
 * Every change here first allocates everything it needs (new tgt_devs and
 * reserved slots in the sessions' tables), then commits without being able
 * to fail, so a failed request leaves the configuration as it was.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/string.h>
#include "scst_priv.h"

/* ---- tgt_devs ---------------------------------------------------------- */

static void scst_drain_put(struct scst_drain *drain)
{
	if (atomic_dec_and_test(&drain->pending)) {
		drain->end_ns = ktime_get_ns();
		/* Pairs with the acquire in scst_cleanup_work(). */
		smp_store_release(&drain->finished, true);
		drain->fn(drain);
	}
}

/*
 * Every command admitted before the kill has finished. Any context (this
 * runs from the last percpu_ref_put(), possibly in interrupt context).
 */
static void scst_tgt_dev_release(struct percpu_ref *ref)
{
	struct scst_tgt_dev *td = container_of(ref, struct scst_tgt_dev, ref);
	struct scst_sess_priv *sess = td->sess;
	struct scst_drain *drain = td->drain;

	/*
	 * Once counted down, the session's unregistration and the drain's
	 * owner may free what they wait for: touch nothing afterwards.
	 */
	if (sess && atomic_dec_and_test(&sess->nr_live_tds))
		wake_up_all(&scst_wait);
	scst_drain_put(drain);
}

struct scst_tgt_dev *scst_tgt_dev_alloc(struct scst_sess_priv *sess,
					struct scst_dev_priv *dev, u32 lun,
					bool read_only)
{
	struct scst_tgt_dev *td;

	td = kzalloc(sizeof(*td), GFP_KERNEL);
	if (!td)
		return NULL;
	if (percpu_ref_init(&td->ref, scst_tgt_dev_release, 0, GFP_KERNEL)) {
		kfree(td);
		return NULL;
	}
	td->sess = sess;
	td->dev = dev;
	td->lun = lun;
	td->read_only = read_only;
	spin_lock_init(&td->lock);
	INIT_LIST_HEAD(&td->cmds);
	INIT_LIST_HEAD(&td->sess_entry);
	INIT_LIST_HEAD(&td->dev_entry);
	INIT_LIST_HEAD(&td->drain_entry);
	return td;
}

/* Free a tgt_dev that was never linked (undo of a preparation). */
static void scst_tgt_dev_discard(struct scst_tgt_dev *td)
{
	percpu_ref_exit(&td->ref);
	kfree(td);
}

/* Make a prepared tgt_dev known to its session and device. */
void scst_tgt_dev_link(struct scst_tgt_dev *td)
{
	lockdep_assert_held(&scst_mutex);
	list_add_tail_rcu(&td->sess_entry, &td->sess->tgt_devs);
	list_add_tail_rcu(&td->dev_entry, &td->dev->tgt_devs);
	atomic_inc(&td->sess->nr_live_tds);
}

static void scst_tgt_dev_free_rcu(struct rcu_head *head)
{
	struct scst_tgt_dev *td = container_of(head, struct scst_tgt_dev, rcu);

	percpu_ref_exit(&td->ref);
	kfree(td);
}

/*
 * Free a released tgt_dev. Task management and capacity changes walk the
 * session's and device's lists under RCU, hence the grace period.
 */
void scst_tgt_dev_free(struct scst_tgt_dev *td)
{
	lockdep_assert_held(&scst_mutex);
	if (td->sess)
		list_del_rcu(&td->sess_entry);
	list_del_rcu(&td->dev_entry);
	call_rcu(&td->rcu, scst_tgt_dev_free_rcu);
}

static void scst_drain_complete(struct scst_drain *drain)
{
	complete(&drain->done);
}

void scst_drain_init(struct scst_drain *drain,
		     void (*fn)(struct scst_drain *drain))
{
	atomic_set(&drain->pending, 1);
	INIT_LIST_HEAD(&drain->tgt_devs);
	drain->fn = fn ? fn : scst_drain_complete;
	drain->finished = false;
	drain->start_ns = 0;
	drain->end_ns = 0;
	init_completion(&drain->done);
}

/*
 * Queue a tgt_dev, already removed from its session's table, for retiring.
 * Nothing happens to it until scst_drain_start().
 */
void scst_tgt_dev_retire(struct scst_tgt_dev *td, struct scst_drain *drain)
{
	lockdep_assert_held(&scst_mutex);
	td->drain = drain;
	list_add_tail(&td->drain_entry, &drain->tgt_devs);
}

/*
 * Kill every queued tgt_dev: new commands can no longer pin it, and the
 * release callback fires once those in flight are done. The lookup that
 * could still find it is gone already (removed from the table before the
 * kill), so a submitter that fails percpu_ref_tryget_live() simply looks
 * again and finds the new state.
 */
void scst_drain_start(struct scst_drain *drain)
{
	struct scst_tgt_dev *td;

	lockdep_assert_held(&scst_mutex);
	drain->start_ns = ktime_get_ns();
	list_for_each_entry(td, &drain->tgt_devs, drain_entry)
		atomic_inc(&drain->pending);
	list_for_each_entry(td, &drain->tgt_devs, drain_entry) {
		spin_lock_irq(&td->lock);
		td->killed = true;
		spin_unlock_irq(&td->lock);
		percpu_ref_kill(&td->ref);
	}
	/* Drop the bias taken by scst_drain_init(). */
	scst_drain_put(drain);
}

/* Free the tgt_devs of a finished drain. */
void scst_drain_free(struct scst_drain *drain)
{
	struct scst_tgt_dev *td, *tmp;

	lockdep_assert_held(&scst_mutex);
	list_for_each_entry_safe(td, tmp, &drain->tgt_devs, drain_entry) {
		list_del(&td->drain_entry);
		scst_tgt_dev_free(td);
	}
}

/*
 * Wait for a drain started under scst_mutex and free its tgt_devs. Used by
 * LUN delete and group changes: the handler completes commands without
 * ever taking scst_mutex, so waiting with it held cannot deadlock.
 */
void scst_drain_wait_free(struct scst_drain *drain)
{
	lockdep_assert_held(&scst_mutex);
	scst_wait_long(&drain->done);
	scst_drain_free(drain);
}

unsigned int scst_drain_nr_drained(struct scst_drain *drain)
{
	struct scst_tgt_dev *td;
	unsigned int n = 0;

	list_for_each_entry(td, &drain->tgt_devs, drain_entry)
		n += READ_ONCE(td->nr_drained);
	return n;
}

unsigned int scst_drain_nr_cmds(struct scst_drain *drain)
{
	struct scst_tgt_dev *td;
	unsigned int n = 0;

	list_for_each_entry(td, &drain->tgt_devs, drain_entry)
		n += READ_ONCE(td->nr_cmds);
	return n;
}

/* ---- groups and initiator patterns ------------------------------------- */

const char *scst_acg_name(const struct scst_acg *acg)
{
	return acg->name;
}

struct scst_acg *scst_acg_alloc(struct scst_tgt_priv *tgt, const char *name)
{
	struct scst_acg *acg;

	acg = kzalloc(sizeof(*acg), GFP_KERNEL);
	if (!acg)
		return NULL;
	if (name) {
		acg->name = kstrdup(name, GFP_KERNEL);
		if (!acg->name) {
			kfree(acg);
			return NULL;
		}
	}
	acg->tgt = tgt;
	INIT_LIST_HEAD(&acg->entry);
	INIT_LIST_HEAD(&acg->acns);
	INIT_LIST_HEAD(&acg->sessions);
	xa_init(&acg->luns);
	return acg;
}

/* Free a group without sessions, dropping its LUNs. */
void scst_acg_free(struct scst_acg *acg)
{
	struct scst_acn *acn, *tmp;
	struct scst_acg_dev *ad;
	unsigned long lun;

	lockdep_assert_held(&scst_mutex);
	WARN_ON(!list_empty(&acg->sessions));
	xa_for_each(&acg->luns, lun, ad) {
		ad->dev->nr_luns--;
		kfree(ad);
	}
	xa_destroy(&acg->luns);
	list_for_each_entry_safe(acn, tmp, &acg->acns, entry)
		kfree(acn);
	kfree(acg->name);
	kfree(acg);
}

struct scst_acg *scst_acg_find(struct scst_tgt_priv *tgt, const char *name)
{
	struct scst_acg *acg;

	lockdep_assert_held(&scst_mutex);
	if (!name)
		return tgt->default_acg;
	list_for_each_entry(acg, &tgt->acgs, entry)
		if (!strcmp(acg->name, name))
			return acg;
	return NULL;
}

bool scst_acg_find_dev(struct scst_acg *acg, struct scst_dev_priv *dev,
		       unsigned long *lun)
{
	struct scst_acg_dev *ad;
	unsigned long i;

	xa_for_each(&acg->luns, i, ad) {
		if (ad->dev == dev) {
			*lun = i;
			return true;
		}
	}
	return false;
}

/* Shell-style match of '*' (any run) and '?' (any one byte). */
static bool scst_wildcard_match(const char *pat, const char *str)
{
	const char *star = NULL, *retry = NULL;

	while (*str) {
		if (*pat == '*') {
			star = ++pat;
			retry = str;
		} else if (*pat == '?' || *pat == *str) {
			pat++;
			str++;
		} else if (star) {
			pat = star;
			str = ++retry;
		} else {
			return false;
		}
	}
	while (*pat == '*')
		pat++;
	return !*pat;
}

/*
 * A group matches an initiator when one of its plain patterns matches and
 * none of its negated ('!') patterns does; negated patterns only carve
 * exceptions out of the plain ones, so a group without a plain pattern
 * matches nobody.
 */
static bool scst_acg_matches(struct scst_acg *acg, const char *initiator)
{
	bool matched = false;
	struct scst_acn *acn;

	list_for_each_entry(acn, &acg->acns, entry) {
		if (acn->pattern[0] == '!') {
			if (scst_wildcard_match(acn->pattern + 1, initiator))
				return false;
		} else if (!matched) {
			matched = scst_wildcard_match(acn->pattern, initiator);
		}
	}
	return matched;
}

struct scst_acg *scst_acg_for_initiator(struct scst_tgt_priv *tgt,
					const char *initiator)
{
	struct scst_acg *acg;

	lockdep_assert_held(&scst_mutex);
	list_for_each_entry(acg, &tgt->acgs, entry)
		if (scst_acg_matches(acg, initiator))
			return acg;
	return tgt->default_acg;
}

/* ---- per-session LUN tables ---------------------------------------------- */

/*
 * Remember, for an initiator that may keep its disk at @lun, which device
 * the session had there. Best effort: without the memory, a LUN mapped
 * again only raises POWER ON OCCURRED.
 */
static void scst_sess_lun_unmapped(struct scst_sess_priv *sess, u32 lun,
				   struct scst_dev_priv *dev)
{
	struct scst_lun_past *past, *old;

	past = kmalloc(sizeof(*past), GFP_KERNEL | __GFP_NOWARN);
	if (!past)
		return;
	past->dev_serial = dev->serial;
	past->nr_blocks = dev->dev.nr_blocks;
	past->block_shift = dev->dev.block_shift;
	old = xa_store(&sess->unmapped, lun, past, GFP_KERNEL | __GFP_NOWARN);
	kfree(xa_is_err(old) ? past : old);
}

/*
 * @td takes over a LUN number behind which its session had @serial, of
 * @nr_blocks blocks of 1 << @block_shift bytes: another device also raises
 * INQUIRY DATA HAS CHANGED and, with another capacity or block size,
 * CAPACITY DATA HAS CHANGED, on which initiators read them again (Linux's
 * sd does; without it, sd would address the new device in the old one's
 * blocks).
 */
static void scst_tgt_dev_ua_was(struct scst_tgt_dev *td, u64 serial,
				u64 nr_blocks, unsigned int block_shift)
{
	const struct scst_dev *dev = &td->dev->dev;

	if (serial != td->dev->serial)
		scst_ua_add_locked(td, SCST_SK_UNIT_ATTENTION, 0x3f, 0x03);
	if (nr_blocks != dev->nr_blocks || block_shift != dev->block_shift)
		scst_ua_add_locked(td, SCST_SK_UNIT_ATTENTION, 0x2a, 0x09);
}

/* The same, for what the session had before it lost the LUN. */
static void scst_tgt_dev_ua_past(struct scst_tgt_dev *td,
				 const struct scst_lun_past *past)
{
	if (past)
		scst_tgt_dev_ua_was(td, past->dev_serial, past->nr_blocks,
				    past->block_shift);
}

/* @td is in its session's table: the LUN is no longer unmapped there. */
static void scst_sess_lun_mapped(struct scst_tgt_dev *td)
{
	kfree(xa_erase(&td->sess->unmapped, td->lun));
}

/*
 * Allocate a tgt_dev of @sess for every LUN of @acg and reserve their slots
 * in the session's table, so that committing cannot fail. The new tgt_devs
 * start with unit attention @asc/@ascq, and with those of a LUN whose
 * device changed for the session (scst_tgt_dev_ua_was()), whether the
 * session has the LUN now or had it before it was taken away.
 */
static int scst_sess_prep(struct scst_sess_priv *sess, struct scst_acg *acg,
			  struct list_head *tds, u8 asc, u8 ascq)
{
	struct scst_tgt_dev *td, *tmp, *old;
	struct scst_acg_dev *ad;
	unsigned long lun;

	xa_for_each(&acg->luns, lun, ad) {
		td = scst_tgt_dev_alloc(sess, ad->dev, lun, ad->read_only);
		if (!td)
			goto err;
		list_add_tail(&td->drain_entry, tds);
		if (xa_reserve(&sess->luns, lun, GFP_KERNEL))
			goto err;
		scst_ua_add_locked(td, SCST_SK_UNIT_ATTENTION, asc, ascq);
		old = xa_load(&sess->luns, lun);
		if (old)
			scst_tgt_dev_ua_was(td, old->dev->serial,
					    old->dev->dev.nr_blocks,
					    old->dev->dev.block_shift);
		else
			scst_tgt_dev_ua_past(td, xa_load(&sess->unmapped, lun));
	}
	return 0;

err:
	list_for_each_entry_safe(td, tmp, tds, drain_entry) {
		list_del(&td->drain_entry);
		xa_release(&sess->luns, td->lun);
		scst_tgt_dev_discard(td);
	}
	return -ENOMEM;
}

static void scst_sess_prep_undo(struct scst_sess_priv *sess,
				struct list_head *tds)
{
	struct scst_tgt_dev *td, *tmp;

	list_for_each_entry_safe(td, tmp, tds, drain_entry) {
		list_del(&td->drain_entry);
		xa_release(&sess->luns, td->lun);
		scst_tgt_dev_discard(td);
	}
}

/*
 * Switch @sess to @acg with the tgt_devs prepared in @tds; the old ones go
 * to @drain. The I/O path sees each LUN change atomically: a command finds
 * either the old tgt_dev (and finishes on it) or the new one.
 */
static void scst_sess_commit(struct scst_sess_priv *sess, struct scst_acg *acg,
			     struct list_head *tds, struct scst_drain *drain)
{
	struct scst_tgt_dev *td, *old, *tmp;
	unsigned long lun;

	lockdep_assert_held(&scst_mutex);
	xa_for_each(&sess->luns, lun, old) {
		if (xa_load(&acg->luns, lun))
			continue;
		xa_erase(&sess->luns, lun);
		scst_sess_lun_unmapped(sess, lun, old->dev);
		scst_tgt_dev_retire(old, drain);
	}
	list_for_each_entry_safe(td, tmp, tds, drain_entry) {
		list_del_init(&td->drain_entry);
		scst_sess_lun_mapped(td);
		scst_tgt_dev_link(td);
		/* The slot is reserved or occupied: this cannot allocate. */
		old = xa_store(&sess->luns, td->lun, td, GFP_KERNEL);
		if (WARN_ON(xa_is_err(old)))
			continue;
		if (old)
			scst_tgt_dev_retire(old, drain);
	}
	if (sess->acg != acg) {
		if (sess->acg)
			list_del(&sess->acg_entry);
		list_add_tail(&sess->acg_entry, &acg->sessions);
		sess->acg = acg;
	}
}

/*
 * Build the LUN table of a new session. POWER ON, RESET OR BUS DEVICE RESET
 * OCCURRED is pending on every LUN.
 */
int scst_sess_attach(struct scst_sess_priv *sess)
{
	struct scst_acg *acg;
	struct scst_drain drain;
	LIST_HEAD(tds);
	int ret;

	lockdep_assert_held(&scst_mutex);
	acg = scst_acg_for_initiator(sess->tgt, sess->sess.initiator);
	ret = scst_sess_prep(sess, acg, &tds, 0x29, 0x00);
	if (ret)
		return ret;
	scst_drain_init(&drain, NULL);
	scst_sess_commit(sess, acg, &tds, &drain);
	WARN_ON(!list_empty(&drain.tgt_devs));
	return 0;
}

/*
 * Take every LUN away from a session that is going away and queue its
 * tgt_devs on @drain; the caller starts and waits for it.
 */
void scst_sess_detach(struct scst_sess_priv *sess, struct scst_drain *drain)
{
	struct scst_tgt_dev *td;
	unsigned long lun;

	lockdep_assert_held(&scst_mutex);
	xa_for_each(&sess->luns, lun, td) {
		xa_erase(&sess->luns, lun);
		scst_tgt_dev_retire(td, drain);
	}
	if (sess->acg) {
		list_del(&sess->acg_entry);
		sess->acg = NULL;
	}
}

struct scst_sess_plan {
	struct scst_sess_priv	*sess;
	struct scst_acg		*acg;
	struct list_head	tds;
};

/*
 * After a change of groups or initiator patterns, move every session of
 * @tgt whose initiator now matches another group. Either every session
 * moves or (on -ENOMEM) none does.
 */
static int scst_tgt_reassign(struct scst_tgt_priv *tgt)
{
	struct scst_sess_plan *plans;
	struct scst_sess_priv *sess;
	struct scst_drain drain;
	unsigned int n = 0, i;
	int ret = 0;

	lockdep_assert_held(&scst_mutex);
	if (!tgt->nr_sessions)
		return 0;
	plans = kcalloc(tgt->nr_sessions, sizeof(*plans), GFP_KERNEL);
	if (!plans)
		return -ENOMEM;

	list_for_each_entry(sess, &tgt->sessions, tgt_entry) {
		struct scst_acg *acg;

		if (sess->dying || n == tgt->nr_sessions)
			continue;
		acg = scst_acg_for_initiator(tgt, sess->sess.initiator);
		if (acg == sess->acg)
			continue;
		plans[n].sess = sess;
		plans[n].acg = acg;
		INIT_LIST_HEAD(&plans[n].tds);
		ret = scst_sess_prep(sess, acg, &plans[n].tds, 0x3f, 0x0e);
		if (ret)
			goto undo;
		n++;
	}

	scst_drain_init(&drain, NULL);
	for (i = 0; i < n; i++) {
		scst_sess_commit(plans[i].sess, plans[i].acg, &plans[i].tds,
				 &drain);
		scst_ua_sess_luns_changed(plans[i].sess);
	}
	scst_drain_start(&drain);
	scst_drain_wait_free(&drain);
	for (i = 0; i < n; i++)
		scst_sess_luns_changed(plans[i].sess);
	kfree(plans);
	return 0;

undo:
	while (n--)
		scst_sess_prep_undo(plans[n].sess, &plans[n].tds);
	kfree(plans);
	return ret;
}

int scst_acg_add(struct scst_tgt_priv *tgt, const char *name,
		 struct netlink_ext_ack *extack)
{
	struct scst_acg *acg;

	lockdep_assert_held(&scst_mutex);
	if (scst_acg_find(tgt, name)) {
		scst_nl_err(extack, NULL,
			    "group '%s' already exists in target '%s'",
			    name, tgt->name);
		return -EEXIST;
	}
	acg = scst_acg_alloc(tgt, name);
	if (!acg)
		return -ENOMEM;
	/* No pattern yet, so no session moves to it. */
	list_add_tail(&acg->entry, &tgt->acgs);
	scst_changed();
	return 0;
}

int scst_acg_del(struct scst_acg *acg, struct netlink_ext_ack *extack)
{
	struct scst_tgt_priv *tgt = acg->tgt;
	struct list_head *prev = acg->entry.prev;
	int ret;

	lockdep_assert_held(&scst_mutex);
	list_del(&acg->entry);
	ret = scst_tgt_reassign(tgt);
	if (ret) {
		list_add(&acg->entry, prev);
		return ret;
	}
	scst_acg_free(acg);
	scst_changed();
	return 0;
}

static struct scst_acn *scst_acn_find(struct scst_acg *acg,
				      const char *pattern)
{
	struct scst_acn *acn;

	list_for_each_entry(acn, &acg->acns, entry)
		if (!strcmp(acn->pattern, pattern))
			return acn;
	return NULL;
}

int scst_acn_add(struct scst_acg *acg, const char *pattern,
		 struct netlink_ext_ack *extack)
{
	struct scst_tgt_priv *tgt = acg->tgt;
	size_t len = strlen(pattern) + 1;
	struct scst_acg *other;
	struct scst_acn *acn;
	int ret;

	lockdep_assert_held(&scst_mutex);
	/* A pattern belongs to one group of a target. */
	list_for_each_entry(other, &tgt->acgs, entry) {
		if (scst_acn_find(other, pattern)) {
			scst_nl_err(extack, NULL,
				    "initiator '%s' is already in group '%s' of target '%s'",
				    pattern, other->name, tgt->name);
			return -EEXIST;
		}
	}
	acn = kmalloc(struct_size(acn, pattern, len), GFP_KERNEL);
	if (!acn)
		return -ENOMEM;
	memcpy(acn->pattern, pattern, len);
	list_add_tail(&acn->entry, &acg->acns);
	ret = scst_tgt_reassign(tgt);
	if (ret) {
		list_del(&acn->entry);
		kfree(acn);
		return ret;
	}
	scst_changed();
	return 0;
}

int scst_acn_del(struct scst_acg *acg, const char *pattern,
		 struct netlink_ext_ack *extack)
{
	struct scst_acn *acn = scst_acn_find(acg, pattern);
	struct list_head *prev;
	int ret;

	lockdep_assert_held(&scst_mutex);
	if (!acn) {
		scst_nl_err(extack, NULL,
			    "initiator '%s' is not in group '%s' of target '%s'",
			    pattern, acg->name, acg->tgt->name);
		return -ENOENT;
	}
	prev = acn->entry.prev;
	list_del(&acn->entry);
	ret = scst_tgt_reassign(acg->tgt);
	if (ret) {
		list_add(&acn->entry, prev);
		return ret;
	}
	kfree(acn);
	scst_changed();
	return 0;
}

int scst_acn_move(struct scst_acg *acg, const char *pattern,
		  struct scst_acg *to, struct netlink_ext_ack *extack)
{
	struct scst_acn *acn = scst_acn_find(acg, pattern);
	struct list_head *prev;
	int ret;

	lockdep_assert_held(&scst_mutex);
	if (!acn) {
		scst_nl_err(extack, NULL,
			    "initiator '%s' is not in group '%s' of target '%s'",
			    pattern, acg->name, acg->tgt->name);
		return -ENOENT;
	}
	if (to == acg)
		return 0;
	prev = acn->entry.prev;
	list_move_tail(&acn->entry, &to->acns);
	ret = scst_tgt_reassign(acg->tgt);
	if (ret) {
		list_move(&acn->entry, prev);
		return ret;
	}
	scst_changed();
	return 0;
}

int scst_acn_clear(struct scst_acg *acg, struct netlink_ext_ack *extack)
{
	struct scst_acn *acn, *tmp;
	LIST_HEAD(old);
	int ret;

	lockdep_assert_held(&scst_mutex);
	list_splice_init(&acg->acns, &old);
	ret = scst_tgt_reassign(acg->tgt);
	if (ret) {
		list_splice(&old, &acg->acns);
		return ret;
	}
	list_for_each_entry_safe(acn, tmp, &old, entry)
		kfree(acn);
	scst_changed();
	return 0;
}

/* ---- LUNs ----------------------------------------------------------------- */

static void scst_lun_err_group(struct netlink_ext_ack *extack, const char *what,
			       struct scst_acg *acg, u32 lun)
{
	if (acg->name)
		scst_nl_err(extack, NULL, "LUN %u %s in group '%s' of target '%s'",
			    lun, what, acg->name, acg->tgt->name);
	else
		scst_nl_err(extack, NULL, "LUN %u %s in target '%s'", lun, what,
			    acg->tgt->name);
}

/* Tell every session of @acg that its LUN inventory changed. */
void scst_acg_luns_changed(struct scst_acg *acg)
{
	struct scst_sess_priv *sess;

	list_for_each_entry(sess, &acg->sessions, acg_entry)
		scst_sess_luns_changed(sess);
}

int scst_lun_add(struct scst_acg *acg, u32 lun, struct scst_dev_priv *dev,
		 bool read_only, struct netlink_ext_ack *extack)
{
	struct scst_sess_priv *sess;
	struct scst_tgt_dev *td, *tmp;
	struct scst_acg_dev *ad;
	LIST_HEAD(tds);
	int ret;

	lockdep_assert_held(&scst_mutex);
	if (xa_load(&acg->luns, lun)) {
		scst_lun_err_group(extack, "already exists", acg, lun);
		return -EEXIST;
	}
	ad = kzalloc(sizeof(*ad), GFP_KERNEL);
	if (!ad)
		return -ENOMEM;
	ad->acg = acg;
	ad->lun = lun;
	ad->read_only = read_only;
	ad->dev = dev;
	ret = xa_reserve(&acg->luns, lun, GFP_KERNEL);
	if (ret)
		goto err_free;

	list_for_each_entry(sess, &acg->sessions, acg_entry) {
		ret = -ENOMEM;
		td = scst_tgt_dev_alloc(sess, dev, lun, read_only);
		if (!td)
			goto err_tds;
		list_add_tail(&td->drain_entry, &tds);
		ret = xa_reserve(&sess->luns, lun, GFP_KERNEL);
		if (ret)
			goto err_tds;
	}

	/* Commit: nothing below can fail. */
	xa_store(&acg->luns, lun, ad, GFP_KERNEL);
	list_for_each_entry_safe(td, tmp, &tds, drain_entry) {
		list_del_init(&td->drain_entry);
		scst_ua_sess_luns_changed(td->sess);
		scst_ua_add_locked(td, SCST_SK_UNIT_ATTENTION, 0x29, 0x00);
		scst_tgt_dev_ua_past(td, xa_load(&td->sess->unmapped, lun));
		scst_sess_lun_mapped(td);
		scst_tgt_dev_link(td);
		xa_store(&td->sess->luns, lun, td, GFP_KERNEL);
	}
	dev->nr_luns++;
	acg->nr_luns++;
	scst_changed();
	scst_acg_luns_changed(acg);
	return 0;

err_tds:
	list_for_each_entry_safe(td, tmp, &tds, drain_entry) {
		list_del(&td->drain_entry);
		xa_release(&td->sess->luns, lun);
		scst_tgt_dev_discard(td);
	}
	xa_release(&acg->luns, lun);
err_free:
	kfree(ad);
	return ret;
}

/* Remove LUN @lun of @acg from the group and its sessions, onto @drain. */
static void scst_lun_unmap(struct scst_acg *acg, struct scst_acg_dev *ad,
			   struct scst_drain *drain)
{
	struct scst_sess_priv *sess;
	struct scst_tgt_dev *td;

	xa_erase(&acg->luns, ad->lun);
	list_for_each_entry(sess, &acg->sessions, acg_entry) {
		td = xa_erase(&sess->luns, ad->lun);
		if (!td)
			continue;
		scst_sess_lun_unmapped(sess, ad->lun, ad->dev);
		scst_tgt_dev_retire(td, drain);
	}
	ad->dev->nr_luns--;
	acg->nr_luns--;
}

int scst_lun_del(struct scst_acg *acg, u32 lun, struct netlink_ext_ack *extack)
{
	struct scst_sess_priv *sess;
	struct scst_acg_dev *ad;
	struct scst_drain drain;

	lockdep_assert_held(&scst_mutex);
	ad = xa_load(&acg->luns, lun);
	if (!ad) {
		scst_lun_err_group(extack, "does not exist", acg, lun);
		return -ENOENT;
	}
	scst_drain_init(&drain, NULL);
	scst_lun_unmap(acg, ad, &drain);
	list_for_each_entry(sess, &acg->sessions, acg_entry)
		scst_ua_sess_luns_changed(sess);
	scst_changed();
	scst_drain_start(&drain);
	scst_drain_wait_free(&drain);
	kfree(ad);
	scst_acg_luns_changed(acg);
	return 0;
}

int scst_lun_clear(struct scst_acg *acg, struct netlink_ext_ack *extack)
{
	struct scst_sess_priv *sess;
	struct scst_acg_dev *ad;
	struct scst_drain drain;
	unsigned long lun;

	lockdep_assert_held(&scst_mutex);
	if (!acg->nr_luns)
		return 0;
	scst_drain_init(&drain, NULL);
	xa_for_each(&acg->luns, lun, ad) {
		scst_lun_unmap(acg, ad, &drain);
		kfree(ad);
	}
	list_for_each_entry(sess, &acg->sessions, acg_entry)
		scst_ua_sess_luns_changed(sess);
	scst_changed();
	scst_drain_start(&drain);
	scst_drain_wait_free(&drain);
	scst_acg_luns_changed(acg);
	return 0;
}
