// SPDX-License-Identifier: GPL-2.0
/*
 * LUN replace: synchronous, asynchronous and parked, and the cleanups that
 * drain and free the old per-session LUN state.
 *
 * A replace prepares a new tgt_dev for every session of the group, then,
 * unable to fail any more, stores each into its session's table in place
 * of the old one. From that instant new commands reach the new device; the
 * old tgt_devs are killed and go to a cleanup, which counts the commands
 * still finishing on them. When the last one is done the cleanup's work
 * announces the drain and, unless parked and not yet released, frees the
 * old tgt_devs and lets go of the old device.
 *
 * A cleanup holds a use of the old device (dev->nr_cleanups), which makes
 * deleting that device fail with a message naming the cleanup; it copies
 * the names it reports, so it does not depend on its target or group; and
 * when a session goes away, its old tgt_devs are drained and detached from
 * it but stay with the cleanup. So nothing a cleanup refers to can be
 * freed before it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include "scst_priv.h"

/* Pending cleanups, oldest first (scst_mutex). */
LIST_HEAD(scst_cleanup_list);
static u64 scst_cleanup_last_id;

static void scst_cleanup_free(struct kref *kref)
{
	struct scst_cleanup *cl = container_of(kref, struct scst_cleanup,
					       kref);

	kfree(cl->tgt_name);
	kfree(cl->acg_name);
	kfree(cl->new_dev_name);
	kfree(cl);
}

static void scst_cleanup_put(struct scst_cleanup *cl)
{
	kref_put(&cl->kref, scst_cleanup_free);
}

static int scst_cleanup_put_names(struct sk_buff *skb, struct scst_cleanup *cl)
{
	if (cl->tgt_name && nla_put_string(skb, SCST_A_TARGET, cl->tgt_name))
		return -EMSGSIZE;
	if (cl->acg_name && nla_put_string(skb, SCST_A_GROUP, cl->acg_name))
		return -EMSGSIZE;
	if (nla_put_u32(skb, SCST_A_LUN, cl->lun) ||
	    nla_put_string(skb, SCST_A_OLD_DEVICE, cl->old_dev->name))
		return -EMSGSIZE;
	if (cl->new_dev_name &&
	    nla_put_string(skb, SCST_A_DEVICE, cl->new_dev_name))
		return -EMSGSIZE;
	return 0;
}

/* Announce a step in the life of a cleanup on the events group. */
static void scst_cleanup_event(struct scst_cleanup *cl, u8 state)
{
	struct sk_buff *skb;
	void *hdr;

	skb = scst_event_new(SCST_CMD_CLEANUP_NTF, &hdr);
	if (!skb)
		return;
	if (nla_put_u64_64bit(skb, SCST_A_CLEANUP_ID, cl->id, SCST_A_PAD) ||
	    nla_put_u8(skb, SCST_A_CLEANUP_STATE, state) ||
	    scst_cleanup_put_names(skb, cl))
		goto err;
	if (state == SCST_CLEANUP_DRAINED &&
	    (nla_put_u32(skb, SCST_A_CLEANUP_DRAINED, cl->nr_drained) ||
	     nla_put_u64_64bit(skb, SCST_A_CLEANUP_DRAIN_MS,
			       div_u64(cl->drain_ns, NSEC_PER_MSEC),
			       SCST_A_PAD)))
		goto err;
	scst_event_send(skb, hdr);
	return;
err:
	nlmsg_free(skb);
}

int scst_cleanup_fill(struct sk_buff *skb, struct scst_cleanup *cl)
{
	u64 age = div_u64(ktime_get_ns() - cl->start_ns, NSEC_PER_MSEC);

	lockdep_assert_held(&scst_mutex);
	if (nla_put_u64_64bit(skb, SCST_A_CLEANUP_ID, cl->id, SCST_A_PAD) ||
	    scst_cleanup_put_names(skb, cl) ||
	    nla_put_u8(skb, SCST_A_CLEANUP_STATE, cl->state) ||
	    nla_put_u32(skb, SCST_A_CMDS_INFLIGHT,
			scst_drain_nr_cmds(&cl->drain)) ||
	    nla_put_u64_64bit(skb, SCST_A_CLEANUP_AGE_MS, age, SCST_A_PAD))
		return -EMSGSIZE;
	if (cl->drained &&
	    (nla_put_u32(skb, SCST_A_CLEANUP_DRAINED, cl->nr_drained) ||
	     nla_put_u64_64bit(skb, SCST_A_CLEANUP_DRAIN_MS,
			       div_u64(cl->drain_ns, NSEC_PER_MSEC),
			       SCST_A_PAD)))
		return -EMSGSIZE;
	return 0;
}

/*
 * Queue the cleanup's work, which holds a reference of its own so that a
 * cleanup kicked again while its work runs is not freed under it.
 */
static void scst_cleanup_kick(struct scst_cleanup *cl)
{
	if (cl->on_stack) {
		queue_work(scst_wq, &cl->work);
		return;
	}
	kref_get(&cl->kref);
	if (!queue_work(scst_wq, &cl->work))
		scst_cleanup_put(cl);
}

/* The last old command finished. Any context. */
static void scst_cleanup_drained(struct scst_drain *drain)
{
	scst_cleanup_kick(container_of(drain, struct scst_cleanup, drain));
}

static void scst_cleanup_work(struct work_struct *work)
{
	struct scst_cleanup *cl = container_of(work, struct scst_cleanup, work);
	bool on_stack = cl->on_stack;

	mutex_lock(&scst_mutex);
	/*
	 * Pairs with the release in scst_drain_put(): once the drain is seen
	 * finished, its end_ns and the counts of its tgt_devs are final. The
	 * work also runs on release, possibly before the drain has finished.
	 */
	if (!cl->drained && smp_load_acquire(&cl->drain.finished)) {
		cl->drained = true;
		cl->drain_ns = cl->drain.end_ns - cl->drain.start_ns;
		cl->nr_drained = scst_drain_nr_drained(&cl->drain);
		cl->state = cl->parked && !cl->released ? SCST_CLEANUP_PARKED :
							  SCST_CLEANUP_DRAINED;
		scst_cleanup_event(cl, SCST_CLEANUP_DRAINED);
		scst_changed();
	}
	if (!cl->drained || (cl->parked && !cl->released) || cl->freed_done) {
		mutex_unlock(&scst_mutex);
		goto out;
	}

	cl->freed_done = true;
	scst_drain_free(&cl->drain);
	cl->old_dev->nr_cleanups--;
	if (!list_empty(&cl->entry)) {
		list_del_init(&cl->entry);
		/* The list's reference; the work still holds its own. */
		scst_cleanup_put(cl);
	}
	scst_cleanup_event(cl, SCST_CLEANUP_FREED);
	scst_changed();
	mutex_unlock(&scst_mutex);
	/* For an on-stack cleanup, the waiter may return once this is done. */
	complete_all(&cl->freed);
out:
	if (!on_stack)
		scst_cleanup_put(cl);
}

static void scst_cleanup_init(struct scst_cleanup *cl, bool on_stack)
{
	INIT_LIST_HEAD(&cl->entry);
	scst_drain_init(&cl->drain, scst_cleanup_drained);
	kref_init(&cl->kref);
	init_completion(&cl->freed);
	cl->on_stack = on_stack;
	if (on_stack)
		INIT_WORK_ONSTACK(&cl->work, scst_cleanup_work);
	else
		INIT_WORK(&cl->work, scst_cleanup_work);
}

/* Names are best effort for the fall-back (on-stack) cleanup. */
static int scst_cleanup_names(struct scst_cleanup *cl, struct scst_acg *acg,
			      struct scst_dev_priv *dev)
{
	cl->tgt_name = kstrdup(acg->tgt->name, GFP_KERNEL);
	cl->acg_name = acg->name ? kstrdup(acg->name, GFP_KERNEL) : NULL;
	cl->new_dev_name = kstrdup(dev->name, GFP_KERNEL);
	if (!cl->tgt_name || (acg->name && !cl->acg_name) || !cl->new_dev_name)
		return -ENOMEM;
	return 0;
}

static struct scst_cleanup *scst_cleanup_alloc(struct scst_acg *acg,
					       struct scst_dev_priv *dev)
{
	struct scst_cleanup *cl;

	if (READ_ONCE(scst_fail_cleanup_alloc)) {
		scst_fail_cleanup_alloc--;
		return NULL;
	}
	cl = kzalloc(sizeof(*cl), GFP_KERNEL);
	if (!cl)
		return NULL;
	scst_cleanup_init(cl, false);
	if (scst_cleanup_names(cl, acg, dev)) {
		scst_cleanup_put(cl);
		return NULL;
	}
	return cl;
}

static void scst_replace_event(struct scst_cleanup *cl, bool with_id)
{
	struct sk_buff *skb;
	void *hdr;

	skb = scst_event_new(SCST_CMD_LUN_REPLACE, &hdr);
	if (!skb)
		return;
	if (scst_cleanup_put_names(skb, cl) ||
	    (with_id &&
	     nla_put_u64_64bit(skb, SCST_A_CLEANUP_ID, cl->id, SCST_A_PAD))) {
		nlmsg_free(skb);
		return;
	}
	scst_event_send(skb, hdr);
}

/**
 * scst_lun_replace() - map another device at an existing LUN
 * @acg: the group
 * @lun: the LUN
 * @dev: the new device
 * @read_only: 0 or 1, or -1 to keep the LUN's setting
 * @flags: SCST_REPLACE_F_*
 * @info: the request (for extack)
 * @cleanup_id: set for an async or parked replace
 * @fallback: set when async was asked for but ran synchronously
 *
 * Called with scst_mutex held; a synchronous replace drops it while it
 * waits for the old state to drain and be freed, so that one stuck device
 * does not stop the whole control plane.
 *
 * Return: 0, -ENOENT, -EINVAL (another block size), -ENOMEM (and then
 * nothing changed).
 */
int scst_lun_replace(struct scst_acg *acg, u32 lun, struct scst_dev_priv *dev,
		     int read_only, u32 flags, struct genl_info *info,
		     u64 *cleanup_id, bool *fallback)
{
	struct scst_tgt_dev *td, *old, *tmp;
	struct scst_cleanup stack_cl = { };
	struct scst_sess_priv *sess;
	struct scst_acg_dev *ad;
	struct scst_cleanup *cl;
	bool park, async, ro;
	unsigned long irqf;
	LIST_HEAD(tds);
	int ret;

	lockdep_assert_held(&scst_mutex);
	ad = xa_load(&acg->luns, lun);
	if (!ad) {
		if (acg->name)
			scst_nl_err(info->extack, info->attrs[SCST_A_LUN],
				    "LUN %u does not exist in group '%s' of target '%s'",
				    lun, acg->name, acg->tgt->name);
		else
			scst_nl_err(info->extack, info->attrs[SCST_A_LUN],
				    "LUN %u does not exist in target '%s'",
				    lun, acg->tgt->name);
		return -ENOENT;
	}
	/*
	 * Initiators keep the LUN's block size across a replace: behind a
	 * device of another block size every transfer of theirs would have
	 * the wrong length (Linux's sd retries such a read forever).
	 */
	if (dev->dev.block_shift != ad->dev->dev.block_shift) {
		scst_nl_err(info->extack, info->attrs[SCST_A_DEVICE],
			    "device '%s' has %u-byte blocks and LUN %u's device '%s' %u-byte blocks: initiators cannot follow a block size change; delete the LUN and add it again",
			    dev->name, 1U << dev->dev.block_shift, lun,
			    ad->dev->name, 1U << ad->dev->dev.block_shift);
		return -EINVAL;
	}
	park = (flags & SCST_REPLACE_F_PARK) || scst_park_replace;
	async = park || (flags & SCST_REPLACE_F_ASYNC) || scst_async_replace;
	ro = read_only < 0 ? ad->read_only : read_only;

	cl = scst_cleanup_alloc(acg, dev);
	if (!cl) {
		/* No memory for background work: do it now, and say so. */
		cl = &stack_cl;
		scst_cleanup_init(cl, true);
		scst_cleanup_names(cl, acg, dev);
		*fallback = async;
		async = false;
		park = false;
	}

	list_for_each_entry(sess, &acg->sessions, acg_entry) {
		td = scst_tgt_dev_alloc(sess, dev, lun, ro);
		if (!td) {
			ret = -ENOMEM;
			goto err;
		}
		list_add_tail(&td->drain_entry, &tds);
	}

	/* Commit: nothing below can fail. */
	cl->id = ++scst_cleanup_last_id;
	cl->lun = lun;
	cl->old_dev = ad->dev;
	cl->parked = park;
	cl->state = park ? SCST_CLEANUP_PARKED : SCST_CLEANUP_DRAINING;
	cl->start_ns = ktime_get_ns();

	list_for_each_entry_safe(td, tmp, &tds, drain_entry) {
		list_del_init(&td->drain_entry);
		old = xa_load(&td->sess->luns, lun);
		if (old) {
			/* Pending unit attentions stay with the I_T nexus. */
			spin_lock_irqsave(&old->lock, irqf);
			memcpy(td->ua, old->ua, sizeof(td->ua));
			td->nr_ua = old->nr_ua;
			spin_unlock_irqrestore(&old->lock, irqf);
		}
		if (!(flags & SCST_REPLACE_F_NO_UA)) {
			scst_ua_add_locked(td, SCST_SK_UNIT_ATTENTION,
					   0x3f, 0x03);
			/* CAPACITY DATA HAS CHANGED: initiators re-read it. */
			if (dev->dev.nr_blocks != ad->dev->dev.nr_blocks)
				scst_ua_add_locked(td, SCST_SK_UNIT_ATTENTION,
						   0x2a, 0x09);
		}
		scst_tgt_dev_link(td);
		/* The slot is occupied: storing cannot allocate. */
		old = xa_store(&td->sess->luns, lun, td, GFP_KERNEL);
		if (old && !WARN_ON(xa_is_err(old)))
			scst_tgt_dev_retire(old, &cl->drain);
	}
	ad->dev->nr_luns--;
	ad->dev->nr_cleanups++;
	ad->dev = dev;
	ad->read_only = ro;
	dev->nr_luns++;
	if (!cl->on_stack)
		list_add_tail(&cl->entry, &scst_cleanup_list);
	scst_changed();

	scst_replace_event(cl, async);
	scst_cleanup_event(cl, SCST_CLEANUP_REPLACED);
	if (park)
		scst_cleanup_event(cl, SCST_CLEANUP_PARKED);
	scst_drain_start(&cl->drain);

	if (async) {
		*cleanup_id = cl->id;
		return 0;
	}

	if (cl->on_stack) {
		mutex_unlock(&scst_mutex);
		scst_wait_long(&cl->freed);
		flush_work(&cl->work);
		destroy_work_on_stack(&cl->work);
		mutex_lock(&scst_mutex);
		kfree(cl->tgt_name);
		kfree(cl->acg_name);
		kfree(cl->new_dev_name);
		return 0;
	}

	kref_get(&cl->kref);
	mutex_unlock(&scst_mutex);
	ret = wait_for_completion_killable(&cl->freed);
	mutex_lock(&scst_mutex);
	/* Killed while waiting: the cleanup carries on in the background. */
	if (ret)
		*cleanup_id = cl->id;
	scst_cleanup_put(cl);
	return 0;

err:
	list_for_each_entry_safe(td, tmp, &tds, drain_entry) {
		list_del(&td->drain_entry);
		percpu_ref_exit(&td->ref);
		kfree(td);
	}
	if (cl->on_stack) {
		destroy_work_on_stack(&cl->work);
		kfree(cl->tgt_name);
		kfree(cl->acg_name);
		kfree(cl->new_dev_name);
	} else {
		scst_cleanup_put(cl);
	}
	return ret;
}

/**
 * scst_cleanup_release() - let parked cleanups free the old state
 * @id: the cleanup, unless @all
 * @all: every parked cleanup
 * @extack: for errors
 *
 * A cleanup released before its drain finishes frees the old state as
 * soon as it does. Releasing a cleanup that is not parked changes nothing.
 *
 * Return: 0 or -ENOENT.
 */
int scst_cleanup_release(u64 id, bool all, struct netlink_ext_ack *extack)
{
	struct scst_cleanup *cl;
	bool found = false;

	lockdep_assert_held(&scst_mutex);
	list_for_each_entry(cl, &scst_cleanup_list, entry) {
		if (!all && cl->id != id)
			continue;
		found = true;
		if (cl->parked && !cl->released) {
			cl->released = true;
			if (cl->drained)
				scst_cleanup_kick(cl);
		}
	}
	if (!all && !found) {
		scst_nl_err(extack, NULL, "cleanup %llu does not exist", id);
		return -ENOENT;
	}
	scst_changed();
	return 0;
}

void scst_cleanup_release_all(void)
{
	scst_cleanup_release(0, true, NULL);
}

struct scst_cleanup *scst_cleanup_find_by_dev(struct scst_dev_priv *dev)
{
	struct scst_cleanup *cl;

	lockdep_assert_held(&scst_mutex);
	list_for_each_entry(cl, &scst_cleanup_list, entry)
		if (cl->old_dev == dev)
			return cl;
	return NULL;
}

/*
 * Module unload: release whatever is parked and let the work free it.
 * Every cleanup holds a device, which pins its handler module, which
 * depends on this one, so normally the list is empty already.
 */
void scst_cleanup_exit(void)
{
	mutex_lock(&scst_mutex);
	scst_cleanup_release_all();
	mutex_unlock(&scst_mutex);
	flush_workqueue(scst_wq);
	WARN_ON(!list_empty(&scst_cleanup_list));
}
