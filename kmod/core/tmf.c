// SPDX-License-Identifier: GPL-2.0
/*
 * Unit attentions, SPC-2 reservations and task management.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <scsi/scsi_proto.h>
#include "scst_priv.h"

/* ---- unit attentions ------------------------------------------------------- */

/*
 * Queue a unit attention on @td, whose lock the caller holds (or which no
 * one else can see yet). An identical pending one is not queued twice; a
 * reset supersedes everything pending (SAM-5 5.14); when the queue is full
 * the newest is dropped.
 */
void scst_ua_add_locked(struct scst_tgt_dev *td, u8 key, u8 asc, u8 ascq)
{
	unsigned int i;

	if (td->killed)
		return;
	if (asc == 0x29)
		td->nr_ua = 0;
	for (i = 0; i < td->nr_ua; i++)
		if (td->ua[i].asc == asc && td->ua[i].ascq == ascq)
			return;
	if (td->nr_ua == SCST_MAX_UA)
		return;
	td->ua[td->nr_ua++] = (struct scst_ua){ key, asc, ascq };
}

void scst_ua_add(struct scst_tgt_dev *td, u8 key, u8 asc, u8 ascq)
{
	unsigned long flags;

	spin_lock_irqsave(&td->lock, flags);
	scst_ua_add_locked(td, key, asc, ascq);
	spin_unlock_irqrestore(&td->lock, flags);
}

/* REPORTED LUNS DATA HAS CHANGED on every LUN of a session. */
void scst_ua_sess_luns_changed(struct scst_sess_priv *sess)
{
	struct scst_tgt_dev *td;
	unsigned long lun;

	lockdep_assert_held(&scst_mutex);
	xa_for_each(&sess->luns, lun, td)
		scst_ua_add(td, SCST_SK_UNIT_ATTENTION, 0x3f, 0x0e);
}

/* Commands that neither report nor clear a pending unit attention. */
bool scst_ua_exempt(u8 opcode)
{
	return opcode == INQUIRY || opcode == REPORT_LUNS ||
	       opcode == REQUEST_SENSE;
}

/* ---- SPC-2 reservations ------------------------------------------------------ */

/*
 * Commands another I_T nexus may still send to a reserved logical unit
 * (SPC-2 5.5.1, SBC-2 table 3).
 */
static bool scst_res_allowed(const u8 *cdb)
{
	switch (cdb[0]) {
	case INQUIRY:
	case REPORT_LUNS:
	case REQUEST_SENSE:
	case RELEASE:
	case RELEASE_10:
	case LOG_SENSE:
	case READ_CAPACITY:
		return true;
	case SERVICE_ACTION_IN_16:
		return (cdb[1] & 0x1f) == SAI_READ_CAPACITY_16;
	default:
		return false;
	}
}

bool scst_res_conflict(struct scst_cmd *cmd)
{
	void *holder = READ_ONCE(cmd->tgt_dev->dev->res_holder);

	return holder && holder != cmd->sess && !scst_res_allowed(cmd->cdb);
}

/* RESERVE(6) and RESERVE(10): whole logical unit, no third party. */
void scst_cmd_reserve(struct scst_cmd *cmd)
{
	struct scst_dev_priv *dev = cmd->tgt_dev->dev;
	void *holder;

	if (cmd->cdb[0] == RESERVE_10 && (cmd->cdb[1] & 0x12)) {
		/* 3RDPTY and LONGID: third-party reservations. */
		scst_cmd_set_invalid_field(cmd, 1, cmd->cdb[1] & 0x10 ? 4 : 1);
		return;
	}
	if (cmd->cdb[0] == RESERVE && (cmd->cdb[1] & 0x01)) {
		/* Extent reservations are obsolete. */
		scst_cmd_set_invalid_field(cmd, 1, 0);
		return;
	}
	holder = cmpxchg(&dev->res_holder, NULL, (void *)cmd->sess);
	if (holder && holder != cmd->sess)
		cmd->status = SCST_STATUS_RESERVATION_CONFLICT;
}

/* RELEASE(6) and RELEASE(10): a release by a non-holder does nothing. */
void scst_cmd_release(struct scst_cmd *cmd)
{
	struct scst_dev_priv *dev = cmd->tgt_dev->dev;

	cmpxchg(&dev->res_holder, (void *)cmd->sess, NULL);
}

/* The session goes away: so does every reservation it holds. */
void scst_res_release_sess(struct scst_sess_priv *sess)
{
	struct scst_tgt_dev *td;

	lockdep_assert_held(&scst_mutex);
	list_for_each_entry(td, &sess->tgt_devs, sess_entry)
		cmpxchg(&td->dev->res_holder, (void *)&sess->sess, NULL);
}

/* ---- aborting commands ---------------------------------------------------- */

/*
 * Mark the commands of @td (all, or only @only) aborted and give the
 * handler a chance to hurry them. handler->abort() runs under td->lock:
 * the command cannot finish meanwhile, and the handler must not sleep.
 */
static unsigned int scst_td_abort(struct scst_tgt_dev *td,
				  struct scst_cmd *only)
{
	const struct scst_handler_ops *h = td->dev->dev.handler;
	struct scst_cmd *cmd;
	unsigned long flags;
	unsigned int n = 0;

	spin_lock_irqsave(&td->lock, flags);
	list_for_each_entry(cmd, &td->cmds, inflight_entry) {
		if (only && cmd != only)
			continue;
		if (test_and_set_bit(SCST_CMDF_ABORTED, &cmd->flags))
			continue;
		td->nr_aborted++;
		n++;
		if (h->abort)
			h->abort(cmd);
	}
	spin_unlock_irqrestore(&td->lock, flags);
	return n;
}

static bool scst_td_abort_done(struct scst_tgt_dev *td)
{
	return !READ_ONCE(td->nr_aborted);
}

/* Pinned tgt_devs that task management works on. */
struct scst_td_set {
	unsigned int		n;
	unsigned int		max;
	struct scst_tgt_dev	**tds;
};

static void scst_td_set_add(struct scst_td_set *set, struct scst_tgt_dev *td)
{
	unsigned int i;

	if (set->n == set->max)
		return;
	for (i = 0; i < set->n; i++)
		if (set->tds[i] == td)
			return;
	/* Fails only once released: then nothing is in flight on it. */
	if (percpu_ref_tryget(&td->ref))
		set->tds[set->n++] = td;
}

static void scst_td_set_put(struct scst_td_set *set)
{
	unsigned int i;

	for (i = 0; i < set->n; i++)
		percpu_ref_put(&set->tds[i]->ref);
	kfree(set->tds);
}

static int scst_td_set_alloc(struct scst_td_set *set, unsigned int max)
{
	set->n = 0;
	set->max = max;
	set->tds = kcalloc(max ? max : 1, sizeof(*set->tds), GFP_KERNEL);
	return set->tds ? 0 : -ENOMEM;
}

static unsigned int scst_count_sess_tds(struct scst_sess_priv *sess)
{
	struct scst_tgt_dev *td;
	unsigned int n = 0;

	rcu_read_lock();
	list_for_each_entry_rcu(td, &sess->tgt_devs, sess_entry)
		n++;
	rcu_read_unlock();
	return n;
}

/*
 * The tgt_devs of @sess for @lun: the current one and any that cleanups of
 * an async replace still drain. With @all, every tgt_dev of the session.
 */
static int scst_td_set_sess(struct scst_td_set *set, struct scst_sess_priv *sess,
			    u32 lun, bool all)
{
	struct scst_tgt_dev *td;

	/* Some slack for tgt_devs added between counting and walking. */
	if (scst_td_set_alloc(set, scst_count_sess_tds(sess) + 16))
		return -ENOMEM;
	rcu_read_lock();
	list_for_each_entry_rcu(td, &sess->tgt_devs, sess_entry)
		if (all || td->lun == lun)
			scst_td_set_add(set, td);
	rcu_read_unlock();
	return 0;
}

/* Every tgt_dev, of every session, on the devices of @devs. */
static int scst_td_set_devs(struct scst_td_set *set, struct scst_td_set *devs)
{
	struct scst_tgt_dev *td;
	unsigned int i, n = 0;

	rcu_read_lock();
	for (i = 0; i < devs->n; i++)
		list_for_each_entry_rcu(td, &devs->tds[i]->dev->tgt_devs,
					dev_entry)
			n++;
	rcu_read_unlock();
	if (scst_td_set_alloc(set, n + 16))
		return -ENOMEM;
	rcu_read_lock();
	for (i = 0; i < devs->n; i++)
		list_for_each_entry_rcu(td, &devs->tds[i]->dev->tgt_devs,
					dev_entry)
			scst_td_set_add(set, td);
	rcu_read_unlock();
	return 0;
}

static void scst_td_set_wait(struct scst_td_set *set)
{
	unsigned int i;

	for (i = 0; i < set->n; i++)
		scst_wait_event_long(scst_td_abort_done(set->tds[i]));
}

/*
 * LOGICAL UNIT RESET of the devices in @devs (TARGET RESET: all of the
 * session's): abort every command of every I_T nexus, drop the SPC-2
 * reservation and raise a reset unit attention everywhere (SAM-5 6.3.3).
 */
static enum scst_tmf_resp scst_tmf_reset(struct scst_td_set *devs)
{
	struct scst_td_set all;
	unsigned int i;

	if (scst_td_set_devs(&all, devs))
		return SCST_TMF_FAILED;
	for (i = 0; i < all.n; i++)
		scst_td_abort(all.tds[i], NULL);
	for (i = 0; i < devs->n; i++)
		WRITE_ONCE(devs->tds[i]->dev->res_holder, NULL);
	for (i = 0; i < all.n; i++)
		scst_ua_add(all.tds[i], SCST_SK_UNIT_ATTENTION, 0x29, 0x00);
	scst_td_set_wait(&all);
	scst_td_set_put(&all);
	return SCST_TMF_COMPLETE;
}

/**
 * scst_tmf() - task management function
 * @s: the I_T nexus it came in on
 * @fn: the function
 * @lun: the LUN (ignored by TARGET RESET and NEXUS LOSS)
 * @cmd: the task, for ABORT TASK
 *
 * Marks the affected commands aborted (each then completes with
 * scst_cmd_aborted() true and never as a success), asks the handler to
 * hurry them, and waits until every one of them has gone back to the
 * driver. CLEAR TASK SET aborts the commands of every I_T nexus on the
 * logical unit (one shared task set), ABORT TASK SET those of this one.
 * Process context.
 *
 * Return: the task management response.
 */
enum scst_tmf_resp scst_tmf(struct scst_session *s, enum scst_tmf fn,
			    u64 lun, struct scst_cmd *cmd)
{
	struct scst_sess_priv *sess = to_sess_priv(s);
	enum scst_tmf_resp resp = SCST_TMF_COMPLETE;
	struct scst_td_set set, devs;
	struct scst_tgt_dev *cur;
	unsigned int i, n = 0;

	might_sleep();

	if (fn == SCST_TMF_TARGET_RESET || fn == SCST_TMF_NEXUS_LOSS) {
		if (scst_td_set_sess(&set, sess, 0, true))
			return SCST_TMF_FAILED;
		if (fn == SCST_TMF_TARGET_RESET) {
			resp = scst_tmf_reset(&set);
		} else {
			for (i = 0; i < set.n; i++) {
				scst_td_abort(set.tds[i], NULL);
				cmpxchg(&set.tds[i]->dev->res_holder,
					(void *)s, NULL);
			}
			scst_td_set_wait(&set);
		}
		scst_td_set_put(&set);
		return resp;
	}

	if (fn == SCST_TMF_ABORT_TASK && !cmd)
		return SCST_TMF_REJECTED;
	if (lun > SCST_LUN_MAX)
		return SCST_TMF_INCORRECT_LUN;

	if (scst_td_set_sess(&set, sess, lun, false))
		return SCST_TMF_FAILED;

	rcu_read_lock();
	cur = xa_load(&sess->luns, lun);
	rcu_read_unlock();
	if (!set.n || (!cur && fn != SCST_TMF_ABORT_TASK)) {
		scst_td_set_put(&set);
		return fn == SCST_TMF_ABORT_TASK ? SCST_TMF_TASK_DOES_NOT_EXIST :
						   SCST_TMF_INCORRECT_LUN;
	}

	switch (fn) {
	case SCST_TMF_ABORT_TASK:
		for (i = 0; i < set.n && !n; i++)
			n = scst_td_abort(set.tds[i], cmd);
		if (!n)
			resp = SCST_TMF_TASK_DOES_NOT_EXIST;
		scst_td_set_wait(&set);
		break;
	case SCST_TMF_ABORT_TASK_SET:
		for (i = 0; i < set.n; i++)
			scst_td_abort(set.tds[i], NULL);
		scst_td_set_wait(&set);
		break;
	case SCST_TMF_CLEAR_TASK_SET:
		if (scst_td_set_devs(&devs, &set)) {
			resp = SCST_TMF_FAILED;
			break;
		}
		for (i = 0; i < devs.n; i++) {
			struct scst_tgt_dev *td = devs.tds[i];

			/* Others learn that their commands are gone. */
			if (scst_td_abort(td, NULL) && td->sess != sess)
				scst_ua_add(td, SCST_SK_UNIT_ATTENTION,
					    0x2f, 0x00);
		}
		scst_td_set_wait(&devs);
		scst_td_set_put(&devs);
		break;
	case SCST_TMF_LUN_RESET:
		resp = scst_tmf_reset(&set);
		break;
	default:
		resp = SCST_TMF_REJECTED;
		break;
	}
	scst_td_set_put(&set);
	return resp;
}
EXPORT_SYMBOL_GPL(scst_tmf);

/*
 * I_T nexus loss at unregistration: mark everything of @sess aborted. The
 * caller waits, without scst_mutex, for the tgt_devs to be released.
 */
void scst_tmf_nexus_loss(struct scst_sess_priv *sess)
{
	struct scst_tgt_dev *td;

	lockdep_assert_held(&scst_mutex);
	list_for_each_entry(td, &sess->tgt_devs, sess_entry)
		scst_td_abort(td, NULL);
}
