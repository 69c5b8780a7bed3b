// SPDX-License-Identifier: GPL-2.0
/*
 * scst_local: a target driver whose sessions are local SCSI hosts.
 *
 * Each session of a target is a Scsi_Host on this machine, so the LUNs the
 * core exports to that session appear as SCSI disks (/dev/sdX). The SCSI
 * midlayer is the initiator: queuecommand() hands a scsi_cmnd to the core as
 * a struct scst_cmd living in the scsi_cmnd's private area (nothing is
 * allocated per command), and the core's cmd_done() completes it.
 *
 * Lifetimes: a session's state (struct scst_local_sess) is the hostdata of
 * its Scsi_Host and is freed with it. A session is torn down from a work
 * item (scsi_remove_host() waits for in-flight commands, which may take as
 * long as the backing store does); the target waits for all its sessions'
 * teardowns in target_del(). The core holds a reference on this module while
 * targets exist, so no session can outlive the module.
 *
 * Error handling: the midlayer owns a command once it has timed out, and may
 * reuse the scsi_cmnd (for a retry or an error-handler command) as soon as
 * our EH handler returns. The per-command state below decides, with one
 * cmpxchg, whether cmd_done() or the error handler reports the command, and
 * the EH handlers wait until the core has given every command they claimed
 * back, so a scsi_cmnd is never reused while the core still holds it.
 *
 * Use: targets and sessions are made over the netlink family
 * (`scstctl target add T driver scst_local`, `scstctl session add T
 * INITIATOR`). Each host shows target_name, initiator_name, session_name and
 * sas_address in /sys/class/scsi_host/hostN/. The module creates no target
 * by itself: the core offers drivers no call for that, and such a target
 * would pin the module (the core holds a driver's module while it has
 * targets).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/bitmap.h>
#include <linux/blk-mq.h>
#include <linux/cpumask.h>
#include <linux/device.h>
#include <linux/mutex.h>
#include <linux/ratelimit.h>
#include <linux/rcupdate.h>
#include <linux/siphash.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/wait_bit.h>
#include <linux/workqueue.h>
#ifdef HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif
#include <scsi/scsi.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_eh.h>
#include <scsi/scsi_host.h>
#include <scst.h>

static unsigned int scst_local_nr_hw_queues;
module_param_named(nr_hw_queues, scst_local_nr_hw_queues, uint, 0444);
MODULE_PARM_DESC(nr_hw_queues,
		 "hardware queues per SCSI host (0 = one per online CPU)");

static unsigned int scst_local_can_queue = 256;
module_param_named(can_queue, scst_local_can_queue, uint, 0444);
MODULE_PARM_DESC(can_queue, "commands in flight per hardware queue (default 256)");

static unsigned int scst_local_cmd_per_lun = 128;
module_param_named(cmd_per_lun, scst_local_cmd_per_lun, uint, 0444);
MODULE_PARM_DESC(cmd_per_lun, "initial queue depth of each LUN (default 128)");

static bool scst_local_blocking = true;
module_param_named(blocking, scst_local_blocking, bool, 0444);
MODULE_PARM_DESC(blocking,
		 "let queuecommand sleep, so handlers may execute commands in the submitting context (kernels with queuecommand_may_block only; default on)");

/* Longest REPORT LUNS answer: the header and SCST_LUN_MAX + 1 entries. */
#define SCST_LOCAL_REPORT_LUNS_MAX	(8 + 8 * (SCST_LUN_MAX + 1))
/* Tag of the internal REPORT LUNS: above every blk_mq_unique_tag(). */
#define SCST_LOCAL_INTERNAL_TAG		BIT_ULL(63)
/* How often a waiting error handler says that it still waits. */
#define SCST_LOCAL_EH_WAIT_REPORT	(60 * HZ)

/* Session teardowns and LUN scans; they sleep for as long as I/O does. */
static struct workqueue_struct *scst_local_wq;
/* Completions the core reports with interrupts off (see cmd_done()). */
static struct workqueue_struct *scst_local_done_wq;
/* Parent of every Scsi_Host: /sys/devices/scst_local. */
static struct device *scst_local_root;

/**
 * struct scst_local_tgt - per-target state
 * @tgt: the core's target
 * @lock: protects @sessions
 * @sessions: scst_local_sess.entry of the sessions not yet torn down
 * @nr_sessions: sessions whose teardown has not finished; target_del()
 *	waits for zero (wait_var_event, so a teardown may signal after the
 *	target has been freed)
 */
struct scst_local_tgt {
	struct scst_tgt		*tgt;
	struct mutex		lock;		/* protects sessions */
	struct list_head	sessions;
	atomic_t		nr_sessions;
};

/**
 * struct scst_local_sess - per-session state; the hostdata of its Scsi_Host
 * @shost: the SCSI host
 * @sess: the core's session, valid from registration until the teardown
 * @ltgt: the target
 * @entry: in ltgt->sessions
 * @sas_addr: SAS address derived from the initiator name
 * @atomic: submit commands with cmd->atomic set (queuecommand cannot sleep)
 * @lock: protects @added and @closing against queueing the works
 * @added: scsi_add_host() is done; scans and the teardown may run
 * @closing: the teardown has started; no scan may be queued any more
 * @scan_work: brings the host's SCSI devices in line with the LUNs the core
 *	reports
 * @close_work: tears the session down
 * @eh_wait: the error handler waits here for commands it claimed
 */
struct scst_local_sess {
	struct Scsi_Host	*shost;
	struct scst_session	*sess;
	struct scst_local_tgt	*ltgt;
	struct list_head	entry;
	u64			sas_addr;
	bool			atomic;

	spinlock_t		lock;		/* added, closing vs. the works */
	bool			added;
	bool			closing;
	struct work_struct	scan_work;
	struct work_struct	close_work;
	wait_queue_head_t	eh_wait;
};

/*
 * Who reports a command. queuecommand() sets CORE. Then exactly one of two
 * transitions wins: cmd_done() moves CORE -> COMPLETING and calls
 * scsi_done(); or the error handler, for a command the midlayer has timed
 * out, moves CORE -> EH, after which cmd_done() only moves EH -> EH_DONE and
 * wakes the handler, which then hands the scsi_cmnd back to the midlayer.
 * IDLE is a private area that was never submitted.
 */
enum {
	SCST_LOCAL_CMD_IDLE,
	SCST_LOCAL_CMD_CORE,
	SCST_LOCAL_CMD_COMPLETING,
	SCST_LOCAL_CMD_EH,
	SCST_LOCAL_CMD_EH_DONE,
};

/**
 * struct scst_local_cmd - the private area of a scsi_cmnd
 * @cmd: the command as the core sees it
 * @scmd: the SCSI command; NULL for an internal command
 * @state: SCST_LOCAL_CMD_*
 * @done_work: reports the command when cmd_done() cannot do it in place
 */
struct scst_local_cmd {
	struct scst_cmd		cmd;
	struct scsi_cmnd	*scmd;
	int			state;
	struct work_struct	done_work;
};

/* A command the driver itself sends to the core (REPORT LUNS). */
struct scst_local_icmd {
	struct scst_local_cmd	lcmd;
	struct completion	done;
};

static struct scsi_host_template scst_local_template;

/* Whether queuecommand() may sleep, which decides cmd->atomic. */
static bool scst_local_may_block(void)
{
#ifdef HAVE_QUEUECOMMAND_MAY_BLOCK
	return scst_local_template.queuecommand_may_block;
#else
	return false;
#endif
}

static inline struct scst_local_sess *scst_local_shost_sess(struct Scsi_Host *shost)
{
	return shost_priv(shost);
}

/*
 * LUN numbers. The core numbers LUNs 0..SCST_LUN_MAX; the midlayer's u64
 * is the 8-byte LUN structure read two bytes per level (scsilun_to_int()).
 * LUNs below 256 use peripheral device addressing (the midlayer's number is
 * the LUN), the others flat space addressing (0x4000 | LUN), as SAM-5
 * 4.7.7 suggests. Anything else is no LUN the core knows.
 */
static inline u64 scst_local_lun_from_scsi(u64 lun)
{
	if (lun < 256)
		return lun;
	if ((lun & ~0x3fffULL) == 0x4000)
		return lun & 0x3fff;
	return U64_MAX;
}

static inline u64 scst_local_lun_to_scsi(u64 lun)
{
	return lun < 256 ? lun : 0x4000 | lun;
}

/* SAS address of an initiator name: NAA 3h (locally assigned), 60 bits of hash. */
static u64 scst_local_sas_address(const char *initiator)
{
	/* Fixed, so that an initiator keeps its address across reboots. */
	static const siphash_key_t key = {
		{ 0x7363737420736173ULL, 0x2061646472657373ULL }
	};

	return (3ULL << 60) |
	       (siphash(initiator, strlen(initiator), &key) & GENMASK_ULL(59, 0));
}

static void scst_local_sess_rescan(struct scst_local_sess *lsess)
{
	unsigned long flags;

	spin_lock_irqsave(&lsess->lock, flags);
	if (lsess->added && !lsess->closing)
		queue_work(scst_local_wq, &lsess->scan_work);
	spin_unlock_irqrestore(&lsess->lock, flags);
}

/* The fast path. */

static int scst_local_queuecommand(struct Scsi_Host *shost,
				   struct scsi_cmnd *scmd)
{
	struct scst_local_sess *lsess = scst_local_shost_sess(shost);
	struct scst_local_cmd *lcmd = scsi_cmd_priv(scmd);
	struct scst_cmd *cmd = &lcmd->cmd;

	if (unlikely(scmd->cmd_len > SCST_MAX_CDB_SIZE))
		goto fail;

	scst_cmd_init(cmd, lsess->sess);
	cmd->lun = scst_local_lun_from_scsi(scmd->device->lun);
	cmd->tag = blk_mq_unique_tag(scsi_cmd_to_rq(scmd));
	memcpy(cmd->cdb, scmd->cmnd, scmd->cmd_len);
	cmd->cdb_len = scmd->cmd_len;
	switch (scmd->sc_data_direction) {
	case DMA_FROM_DEVICE:
		cmd->data_dir = SCST_DATA_READ;
		break;
	case DMA_TO_DEVICE:
		cmd->data_dir = SCST_DATA_WRITE;
		break;
	case DMA_NONE:
		cmd->data_dir = SCST_DATA_NONE;
		break;
	default:
		goto fail;
	}
	cmd->expected_len = scsi_bufflen(scmd);
	cmd->sg = scsi_sglist(scmd);
	cmd->sg_cnt = scsi_sg_count(scmd);
	cmd->atomic = lsess->atomic;
	lcmd->scmd = scmd;
	WRITE_ONCE(lcmd->state, SCST_LOCAL_CMD_CORE);

	scst_cmd_submit(cmd);
	return 0;

fail:
	scmd->result = DID_ERROR << 16;
	scsi_done(scmd);
	return 0;
}

static void scst_local_icmd_done(struct scst_local_cmd *lcmd)
{
	complete(&container_of(lcmd, struct scst_local_icmd, lcmd)->done);
}

/* Fixed-format sense: REPORTED LUNS DATA HAS CHANGED (3F/0E). */
static bool scst_local_sense_luns_changed(const struct scst_cmd *cmd)
{
	return cmd->sense_len >= 14 && (cmd->sense[0] & 0x7e) == 0x70 &&
	       (cmd->sense[2] & 0xf) == SCST_SK_UNIT_ATTENTION &&
	       cmd->sense[12] == 0x3f && cmd->sense[13] == 0x0e;
}

/*
 * A read or write of the page cache or a file system that moved part of a
 * logical block, as the initiator counts them: the device behind the LUN
 * has another block size than the disk the initiator probed (a LUN deleted
 * and mapped again to another device before its rescan, until sd reads the
 * capacity again on the core's unit attentions). sd would requeue
 * the rest of such a request forever, and a probe waiting on it holds the
 * device lock that the rescan needs; an error is retried a few times and
 * then fails the request instead.
 */
static bool scst_local_resid_misaligned(struct scsi_cmnd *scmd,
					const struct scst_cmd *cmd)
{
	static DEFINE_RATELIMIT_STATE(rs, DEFAULT_RATELIMIT_INTERVAL,
				      DEFAULT_RATELIMIT_BURST);
	unsigned int bs = scmd->device->sector_size;

	/* A 512-byte disk gets whole blocks of any block size. */
	if (likely(!cmd->resid || cmd->resid_over || cmd->status) ||
	    blk_rq_is_passthrough(scsi_cmd_to_rq(scmd)) || bs <= 512 ||
	    !(cmd->resid & (bs - 1)))
		return false;
	if (__ratelimit(&rs))
		scmd_printk(KERN_WARNING, scmd,
			    "the target moved %u of %u bytes, not whole %u-byte blocks: the LUN's device changed under this disk\n",
			    scsi_bufflen(scmd) - cmd->resid, scsi_bufflen(scmd),
			    bs);
	return true;
}

static void scst_local_cmd_report(struct scst_local_cmd *lcmd)
{
	struct scst_cmd *cmd = &lcmd->cmd;
	struct scsi_cmnd *scmd = lcmd->scmd;
	struct scst_local_sess *lsess;

	/*
	 * The RCU read-side section lets the error handler wait, with
	 * synchronize_rcu(), for a completion that won the race below but
	 * still writes to the scsi_cmnd; and lets the teardown wait for the
	 * wake_up() of a completion that lost it.
	 */
	rcu_read_lock();
	if (unlikely(cmpxchg(&lcmd->state, SCST_LOCAL_CMD_CORE,
			     SCST_LOCAL_CMD_COMPLETING) != SCST_LOCAL_CMD_CORE)) {
		/* The error handler owns the scsi_cmnd: only tell it. */
		lsess = scst_local_shost_sess(scmd->device->host);
		/* Our last touch of the command: the EH may reuse it after. */
		smp_store_release(&lcmd->state, SCST_LOCAL_CMD_EH_DONE);
		wake_up(&lsess->eh_wait);
		rcu_read_unlock();
		return;
	}

	if (unlikely(scst_cmd_aborted(cmd))) {
		/*
		 * Aborted by task management the midlayer did not ask for (a
		 * reset through another path, a LUN replaced): TASK ABORTED
		 * makes the midlayer retry.
		 */
		scmd->result = SAM_STAT_TASK_ABORTED;
	} else {
		scmd->result = cmd->status;
		if (unlikely(cmd->sense_len)) {
			memcpy(scmd->sense_buffer, cmd->sense,
			       min_t(unsigned int, cmd->sense_len,
				     SCSI_SENSE_BUFFERSIZE));
			if (scst_local_sense_luns_changed(cmd))
				scst_local_sess_rescan(scst_local_shost_sess(scmd->device->host));
		}
		/* Linux knows only underflow: on overflow the buffer is full. */
		scsi_set_resid(scmd, cmd->resid_over ? 0 : cmd->resid);
		if (unlikely(scst_local_resid_misaligned(scmd, cmd)))
			scmd->result = DID_ERROR << 16;
	}
	scsi_done(scmd);
	rcu_read_unlock();
}

static void scst_local_cmd_done_work(struct work_struct *work)
{
	scst_local_cmd_report(container_of(work, struct scst_local_cmd, done_work));
}

/*
 * The core may finish a command from a backing device's completion with
 * interrupts off, under that device's locks: a block device ending a flush
 * sequence holds its flush-queue lock there. scsi_done() would then run
 * the initiator's whole completion (and its own request queue's locks of
 * the same classes) inside it, so such completions are reported from a
 * work item. Until the work runs, the command counts as held by the core
 * for the error handler, as it should.
 */
static void scst_local_cmd_done(struct scst_cmd *cmd)
{
	struct scst_local_cmd *lcmd = container_of(cmd, struct scst_local_cmd, cmd);

	if (unlikely(!lcmd->scmd)) {
		scst_local_icmd_done(lcmd);
		return;
	}
	if (irqs_disabled()) {
		queue_work(scst_local_done_wq, &lcmd->done_work);
		return;
	}
	scst_local_cmd_report(lcmd);
}

static int scst_local_init_cmd_priv(struct Scsi_Host *shost,
				    struct scsi_cmnd *scmd)
{
	struct scst_local_cmd *lcmd = scsi_cmd_priv(scmd);

	/*
	 * Having this callback also spares every command the midlayer's
	 * memset of the private area: queuecommand() sets what it needs.
	 */
	lcmd->state = SCST_LOCAL_CMD_IDLE;
	INIT_WORK(&lcmd->done_work, scst_local_cmd_done_work);
	return 0;
}

/* Error handling. */

struct scst_local_eh_scan {
	struct scsi_device	*sdev;		/* NULL: the whole host */
	bool			claim;
	bool			sync_rcu;	/* a completion may still run */
	unsigned int		pending;	/* claimed, still in the core */
};

/*
 * Take a command the midlayer owns away from the completion path. Returns
 * true when the core still holds it, i.e. the caller must wait for it.
 */
static bool scst_local_cmd_claim(struct scst_local_cmd *lcmd, bool *sync_rcu)
{
	switch (cmpxchg(&lcmd->state, SCST_LOCAL_CMD_CORE, SCST_LOCAL_CMD_EH)) {
	case SCST_LOCAL_CMD_CORE:
	case SCST_LOCAL_CMD_EH:
		return true;
	case SCST_LOCAL_CMD_COMPLETING:
		*sync_rcu = true;
		return false;
	default:
		return false;
	}
}

/* Whether the core still holds a command the error handler claimed. */
static bool scst_local_cmd_held(struct scst_local_cmd *lcmd)
{
	/* Pairs with the release in cmd_done(): its writes are done. */
	return smp_load_acquire(&lcmd->state) == SCST_LOCAL_CMD_EH;
}

static bool scst_local_eh_scan_one(struct scsi_cmnd *scmd, void *data)
{
	struct scst_local_eh_scan *scan = data;
	struct scst_local_cmd *lcmd = scsi_cmd_priv(scmd);

	if (scan->sdev && scmd->device != scan->sdev)
		return true;
	if (scan->claim) {
		/*
		 * Only commands the midlayer has timed out belong to the
		 * error handler (on a reset through the ioctl others are in
		 * flight; the core completes those as aborted).
		 */
		if (test_bit(SCMD_STATE_COMPLETE, &scmd->state))
			scst_local_cmd_claim(lcmd, &scan->sync_rcu);
		return true;
	}
	if (scst_local_cmd_held(lcmd))
		scan->pending++;
	return true;
}

static unsigned int scst_local_eh_pending(struct Scsi_Host *shost,
					  struct scsi_device *sdev)
{
	struct scst_local_eh_scan scan = { .sdev = sdev };

	scsi_host_busy_iter(shost, scst_local_eh_scan_one, &scan);
	return scan.pending;
}

/*
 * Wait until the core has given back every command the error handler
 * claimed on @sdev (or on the host). A command stuck below the handler
 * holds the error handler until it returns; the wait does not count as a
 * hung task, and says so in the log once a minute.
 */
static void scst_local_eh_wait(struct scst_local_sess *lsess,
			       struct scsi_device *sdev, bool sync_rcu)
{
	struct Scsi_Host *shost = lsess->shost;
	unsigned int n;

	while (!wait_event_idle_timeout(lsess->eh_wait,
					!scst_local_eh_pending(shost, sdev),
					SCST_LOCAL_EH_WAIT_REPORT)) {
		n = scst_local_eh_pending(shost, sdev);
		if (n)
			shost_printk(KERN_INFO, shost,
				     "error handler waits for %u command(s) held by the target core\n",
				     n);
	}
	if (sync_rcu)
		synchronize_rcu();
}

static const char *const scst_local_tmf_resp_names[] = {
	[SCST_TMF_COMPLETE]		= "complete",
	[SCST_TMF_REJECTED]		= "rejected",
	[SCST_TMF_FAILED]		= "failed",
	[SCST_TMF_INCORRECT_LUN]	= "incorrect LUN",
	[SCST_TMF_TASK_DOES_NOT_EXIST]	= "task does not exist",
};

static const char *scst_local_tmf_resp_name(enum scst_tmf_resp resp)
{
	if (resp < ARRAY_SIZE(scst_local_tmf_resp_names) &&
	    scst_local_tmf_resp_names[resp])
		return scst_local_tmf_resp_names[resp];
	return "unknown";
}

static int scst_local_eh_abort(struct scsi_cmnd *scmd)
{
	struct scst_local_sess *lsess = scst_local_shost_sess(scmd->device->host);
	struct scst_local_cmd *lcmd = scsi_cmd_priv(scmd);
	enum scst_tmf_resp resp;
	bool sync_rcu = false;

	if (!scst_local_cmd_claim(lcmd, &sync_rcu)) {
		/* The core had finished it already. */
		if (sync_rcu)
			synchronize_rcu();
		return SUCCESS;
	}

	scmd_printk(KERN_INFO, scmd, "timed out, ABORT TASK (tag %#llx)\n",
		    lcmd->cmd.tag);
	resp = scst_tmf(lsess->sess, SCST_TMF_ABORT_TASK, lcmd->cmd.lun,
			&lcmd->cmd);
	if (resp != SCST_TMF_COMPLETE && resp != SCST_TMF_TASK_DOES_NOT_EXIST)
		scmd_printk(KERN_INFO, scmd, "ABORT TASK: %s\n",
			    scst_local_tmf_resp_name(resp));

	/*
	 * Whatever the answer, the scsi_cmnd goes back to the midlayer only
	 * once the core has let go of it; then the abort has succeeded.
	 */
	while (!wait_event_idle_timeout(lsess->eh_wait,
					!scst_local_cmd_held(lcmd),
					SCST_LOCAL_EH_WAIT_REPORT))
		scmd_printk(KERN_INFO, scmd,
			    "abort waits for the command held by the target core\n");
	return SUCCESS;
}

/* LUN RESET or TARGET RESET for the timed-out commands in @sdev's scope. */
static int scst_local_eh_reset(struct scsi_cmnd *scmd, struct scsi_device *sdev,
			       enum scst_tmf fn)
{
	struct Scsi_Host *shost = scmd->device->host;
	struct scst_local_sess *lsess = scst_local_shost_sess(shost);
	struct scst_local_eh_scan scan = { .sdev = sdev, .claim = true };
	enum scst_tmf_resp resp;
	u64 lun = sdev ? scst_local_lun_from_scsi(sdev->lun) : 0;

	scsi_host_busy_iter(shost, scst_local_eh_scan_one, &scan);
	resp = scst_tmf(lsess->sess, fn, lun, NULL);
	scst_local_eh_wait(lsess, sdev, scan.sync_rcu);
	if (resp != SCST_TMF_COMPLETE) {
		/* Not scmd_printk(): a reset ioctl's scmd has no request queue. */
		sdev_printk(KERN_INFO, scmd->device, "%s: %s\n",
			    fn == SCST_TMF_LUN_RESET ? "LUN RESET" : "TARGET RESET",
			    scst_local_tmf_resp_name(resp));
		return FAILED;
	}
	return SUCCESS;
}

static int scst_local_eh_device_reset(struct scsi_cmnd *scmd)
{
	return scst_local_eh_reset(scmd, scmd->device, SCST_TMF_LUN_RESET);
}

static int scst_local_eh_target_reset(struct scsi_cmnd *scmd)
{
	return scst_local_eh_reset(scmd, NULL, SCST_TMF_TARGET_RESET);
}

/* The "bus" of a host leads to one target port. */
static int scst_local_eh_bus_reset(struct scsi_cmnd *scmd)
{
	return scst_local_eh_reset(scmd, NULL, SCST_TMF_TARGET_RESET);
}

/*
 * A host is one I_T nexus to one target: resetting it is a TARGET RESET,
 * and since every command has been given back when it returns, the host is
 * usable again whatever the core answered.
 */
static int scst_local_eh_host_reset(struct scsi_cmnd *scmd)
{
	scst_local_eh_reset(scmd, NULL, SCST_TMF_TARGET_RESET);
	return SUCCESS;
}

/* Host attributes: which nexus this host is. */

static ssize_t sas_address_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct scst_local_sess *lsess = scst_local_shost_sess(class_to_shost(dev));

	return sysfs_emit(buf, "0x%016llx\n", lsess->sas_addr);
}
static DEVICE_ATTR_RO(sas_address);

static ssize_t initiator_name_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct scst_local_sess *lsess = scst_local_shost_sess(class_to_shost(dev));

	return sysfs_emit(buf, "%s\n", lsess->sess->initiator);
}
static DEVICE_ATTR_RO(initiator_name);

static ssize_t target_name_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct scst_local_sess *lsess = scst_local_shost_sess(class_to_shost(dev));

	return sysfs_emit(buf, "%s\n", lsess->sess->tgt->name);
}
static DEVICE_ATTR_RO(target_name);

static ssize_t session_name_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct scst_local_sess *lsess = scst_local_shost_sess(class_to_shost(dev));

	return sysfs_emit(buf, "%s\n", lsess->sess->name ?: "");
}
static DEVICE_ATTR_RO(session_name);

static struct attribute *scst_local_host_attrs[] = {
	&dev_attr_sas_address.attr,
	&dev_attr_initiator_name.attr,
	&dev_attr_target_name.attr,
	&dev_attr_session_name.attr,
	NULL
};
ATTRIBUTE_GROUPS(scst_local_host);

/* Not const: queuecommand_may_block follows a module parameter. */
static struct scsi_host_template scst_local_template = {
	.module			= THIS_MODULE,
	.name			= "scst_local",
	.proc_name		= "scst_local",
	.queuecommand		= scst_local_queuecommand,
	.eh_abort_handler	= scst_local_eh_abort,
	.eh_device_reset_handler = scst_local_eh_device_reset,
	.eh_target_reset_handler = scst_local_eh_target_reset,
	.eh_bus_reset_handler	= scst_local_eh_bus_reset,
	.eh_host_reset_handler	= scst_local_eh_host_reset,
	.change_queue_depth	= scsi_change_queue_depth,
	/* No bus to settle after a reset. */
	.skip_settle_delay	= 1,
	.init_cmd_priv		= scst_local_init_cmd_priv,
	.this_id		= -1,
	/*
	 * Segments never cross a page, so handlers may map one page per
	 * scatterlist entry; 256 of them carry max_sectors.
	 */
	.sg_tablesize		= 256,
	.max_sectors		= 2048,
	.dma_boundary		= PAGE_SIZE - 1,
	.max_segment_size	= PAGE_SIZE,
	.cmd_size		= sizeof(struct scst_local_cmd),
	.shost_groups		= scst_local_host_groups,
};

/* LUN scanning. */

/*
 * Ask the core, as the session's initiator, which LUNs it sees: REPORT LUNS
 * (SELECT REPORT 0) to LUN 0, which the core answers whether or not LUN 0
 * exists. Sets a bit in @luns for each reported LUN.
 */
static int scst_local_report_luns(struct scst_local_sess *lsess,
				  unsigned long *luns)
{
	struct scst_local_icmd *icmd;
	struct scst_cmd *cmd;
	struct scatterlist sg;
	u32 len = 4096, list_len, i, n;
	__be32 alloc_len;
	unsigned int tries = 0;
	u8 *buf;
	int err;

	icmd = kzalloc(sizeof(*icmd), GFP_KERNEL);
	if (!icmd)
		return -ENOMEM;
again:
	buf = kzalloc(len, GFP_KERNEL);
	if (!buf) {
		err = -ENOMEM;
		goto free_icmd;
	}

	cmd = &icmd->lcmd.cmd;
	init_completion(&icmd->done);
	scst_cmd_init(cmd, lsess->sess);
	cmd->lun = 0;
	/* One scan per session at a time (one work item): the tag is unique. */
	cmd->tag = SCST_LOCAL_INTERNAL_TAG;
	memset(cmd->cdb, 0, sizeof(cmd->cdb));
	cmd->cdb[0] = REPORT_LUNS;
	alloc_len = cpu_to_be32(len);
	memcpy(&cmd->cdb[6], &alloc_len, sizeof(alloc_len));
	cmd->cdb_len = 12;
	cmd->data_dir = SCST_DATA_READ;
	cmd->expected_len = len;
	sg_init_one(&sg, buf, len);
	cmd->sg = &sg;
	cmd->sg_cnt = 1;
	cmd->atomic = false;
	scst_cmd_submit(cmd);
	wait_for_completion(&icmd->done);

	if (cmd->status == SCST_STATUS_CHECK_CONDITION &&
	    cmd->sense_len >= 3 &&
	    (cmd->sense[2] & 0xf) == SCST_SK_UNIT_ATTENTION && ++tries < 4) {
		/* A unit attention for this nexus; it is reported once. */
		kfree(buf);
		goto again;
	}
	if (cmd->status != SCST_STATUS_GOOD || scst_cmd_aborted(cmd) ||
	    cmd->data_len < 8) {
		shost_printk(KERN_ERR, lsess->shost,
			     "REPORT LUNS failed: status 0x%x, sense key 0x%x, %u bytes\n",
			     cmd->status,
			     cmd->sense_len >= 3 ? cmd->sense[2] & 0xf : 0,
			     cmd->data_len);
		err = -EIO;
		goto free_buf;
	}

	list_len = be32_to_cpup((__be32 *)buf);
	if (list_len > len - 8 && len < SCST_LOCAL_REPORT_LUNS_MAX &&
	    ++tries < 4) {
		/* The list grew past our buffer: ask again with room for it. */
		len = min_t(u32, list_len + 8, SCST_LOCAL_REPORT_LUNS_MAX);
		kfree(buf);
		goto again;
	}

	n = min(list_len, cmd->data_len - 8) / 8;
	for (i = 0; i < n; i++) {
		struct scsi_lun *entry = (struct scsi_lun *)&buf[8 + 8 * i];
		u64 lun = scst_local_lun_from_scsi(scsilun_to_int(entry));

		if (lun <= SCST_LUN_MAX)
			__set_bit(lun, luns);
	}
	err = 0;
free_buf:
	kfree(buf);
free_icmd:
	kfree(icmd);
	return err;
}

/*
 * Remove the SCSI devices of LUNs the core no longer reports, then add the
 * missing ones. A LUN that stays (replaced by another device, say) keeps its
 * disk; the core tells the initiator with a unit attention.
 */
static void scst_local_sess_scan(struct scst_local_sess *lsess)
{
	struct Scsi_Host *shost = lsess->shost;
	struct scsi_device *sdev;
	unsigned long *luns;
	unsigned long lun;
	int err;

	luns = bitmap_zalloc(SCST_LUN_MAX + 1, GFP_KERNEL);
	if (!luns)
		return;
	if (scst_local_report_luns(lsess, luns))
		goto out;

restart:
	shost_for_each_device(sdev, shost) {
		u64 l = scst_local_lun_from_scsi(sdev->lun);

		if (l <= SCST_LUN_MAX && test_bit(l, luns))
			continue;
		/* Leaving the loop early keeps the reference we need. */
		sdev_printk(KERN_INFO, sdev, "LUN is gone, removing\n");
		scsi_remove_device(sdev);
		scsi_device_put(sdev);
		goto restart;
	}

	for_each_set_bit(lun, luns, SCST_LUN_MAX + 1) {
		u64 slun = scst_local_lun_to_scsi(lun);

		sdev = scsi_device_lookup(shost, 0, 0, slun);
		if (sdev) {
			scsi_device_put(sdev);
			continue;
		}
		err = scsi_add_device(shost, 0, 0, slun);
		if (err)
			shost_printk(KERN_INFO, shost,
				     "LUN %lu is reported but cannot be added: %d\n",
				     lun, err);
	}
out:
	bitmap_free(luns);
}

static void scst_local_scan_work(struct work_struct *work)
{
	scst_local_sess_scan(container_of(work, struct scst_local_sess,
					  scan_work));
}

/* Sessions. */

/*
 * Tear a session down: no scan may run, the host goes (which waits for its
 * commands, however long they take), then the core's session. The hostdata
 * is freed by the last scsi_host_put().
 */
static void scst_local_close_work(struct work_struct *work)
{
	struct scst_local_sess *lsess =
		container_of(work, struct scst_local_sess, close_work);
	struct scst_local_tgt *ltgt = lsess->ltgt;

	cancel_work_sync(&lsess->scan_work);
	scsi_remove_host(lsess->shost);
	scst_session_unregister(lsess->sess);
	/* A late cmd_done() may still be inside its RCU section. */
	synchronize_rcu();

	mutex_lock(&ltgt->lock);
	list_del(&lsess->entry);
	mutex_unlock(&ltgt->lock);
	scsi_host_put(lsess->shost);

	/* After this the target may be freed: only its address is used. */
	if (atomic_dec_and_test(&ltgt->nr_sessions))
		wake_up_var(&ltgt->nr_sessions);
}

/*
 * Start the teardown once; later calls do nothing. The session is known to
 * the core from scst_session_register() on, before its host is added: a
 * close asked for meanwhile is started by session_add() once it is.
 */
static void scst_local_sess_close_start(struct scst_local_sess *lsess)
{
	bool start;

	spin_lock_irq(&lsess->lock);
	start = !lsess->closing && lsess->added;
	lsess->closing = true;
	spin_unlock_irq(&lsess->lock);
	if (start)
		queue_work(scst_local_wq, &lsess->close_work);
}

static int scst_local_session_add(struct scst_tgt *tgt, const char *initiator,
				  const char *name,
				  struct netlink_ext_ack *extack)
{
	struct scst_local_tgt *ltgt = tgt->dpriv;
	struct scst_local_sess *lsess;
	struct scst_session *sess;
	struct Scsi_Host *shost;
	bool closing;
	int err;

	shost = scsi_host_alloc(&scst_local_template, sizeof(*lsess));
	if (!shost) {
		NL_SET_ERR_MSG_MOD(extack, "cannot allocate a SCSI host");
		return -ENOMEM;
	}
	shost->max_id = 1;
	shost->max_channel = 0;
	/* Room for flat space addressed LUNs (0x4000 | LUN). */
	shost->max_lun = 0x8000;
	shost->max_cmd_len = SCST_MAX_CDB_SIZE;
	shost->nr_hw_queues = scst_local_nr_hw_queues ?: num_online_cpus();
	shost->can_queue = scst_local_can_queue;
	shost->cmd_per_lun = min(scst_local_cmd_per_lun, scst_local_can_queue);

	lsess = scst_local_shost_sess(shost);
	lsess->shost = shost;
	lsess->ltgt = ltgt;
	INIT_LIST_HEAD(&lsess->entry);
	lsess->sas_addr = scst_local_sas_address(initiator);
	lsess->atomic = !scst_local_may_block();
	spin_lock_init(&lsess->lock);
	INIT_WORK(&lsess->scan_work, scst_local_scan_work);
	INIT_WORK(&lsess->close_work, scst_local_close_work);
	init_waitqueue_head(&lsess->eh_wait);

	sess = scst_session_register(tgt, initiator, name, lsess);
	if (IS_ERR_OR_NULL(sess)) {
		err = sess ? PTR_ERR(sess) : -ENOMEM;
		NL_SET_ERR_MSG_MOD(extack, "cannot register the session");
		goto put_host;
	}
	lsess->sess = sess;

	err = scsi_add_host(shost, scst_local_root);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "cannot add the SCSI host");
		goto unregister;
	}

	atomic_inc(&ltgt->nr_sessions);
	mutex_lock(&ltgt->lock);
	list_add_tail(&lsess->entry, &ltgt->sessions);
	mutex_unlock(&ltgt->lock);

	spin_lock_irq(&lsess->lock);
	lsess->added = true;
	closing = lsess->closing;
	spin_unlock_irq(&lsess->lock);
	if (closing)
		queue_work(scst_local_wq, &lsess->close_work);
	else
		scst_local_sess_rescan(lsess);
	return 0;

unregister:
	/* Not added: no scan and no teardown was queued; none will be. */
	spin_lock_irq(&lsess->lock);
	lsess->closing = true;
	spin_unlock_irq(&lsess->lock);
	scst_session_unregister(sess);
put_host:
	scsi_host_put(shost);
	return err;
}

static void scst_local_session_close(struct scst_session *sess)
{
	scst_local_sess_close_start(sess->dpriv);
}

static void scst_local_luns_changed(struct scst_session *sess)
{
	scst_local_sess_rescan(sess->dpriv);
}

static int scst_local_session_host_no(struct scst_session *sess)
{
	struct scst_local_sess *lsess = sess->dpriv;

	return lsess->shost->host_no;
}

/* A SAS initiator port: format 00b, the SAS address at bytes 4-11. */
static int scst_local_session_transport_id(struct scst_session *sess,
					   u8 *buf, size_t len)
{
	struct scst_local_sess *lsess = sess->dpriv;

	if (len < 24)
		return -ENOSPC;
	memset(buf, 0, 24);
	buf[0] = SCST_PROTO_SAS;
	put_unaligned_be64(lsess->sas_addr, buf + 4);
	return 24;
}

/* Targets. */

static int scst_local_target_add(struct scst_tgt *tgt,
				 struct netlink_ext_ack *extack)
{
	struct scst_local_tgt *ltgt;

	ltgt = kzalloc(sizeof(*ltgt), GFP_KERNEL);
	if (!ltgt)
		return -ENOMEM;
	ltgt->tgt = tgt;
	mutex_init(&ltgt->lock);
	INIT_LIST_HEAD(&ltgt->sessions);
	atomic_set(&ltgt->nr_sessions, 0);
	tgt->dpriv = ltgt;
	return 0;
}

static void scst_local_target_del(struct scst_tgt *tgt)
{
	struct scst_local_tgt *ltgt = tgt->dpriv;
	struct scst_local_sess *lsess;

	/* The core has closed the sessions; close any it did not know of. */
	mutex_lock(&ltgt->lock);
	list_for_each_entry(lsess, &ltgt->sessions, entry)
		scst_local_sess_close_start(lsess);
	mutex_unlock(&ltgt->lock);

	wait_var_event(&ltgt->nr_sessions, !atomic_read(&ltgt->nr_sessions));
	mutex_destroy(&ltgt->lock);
	kfree(ltgt);
}

static const struct scst_driver_ops scst_local_ops = {
	.name			= "scst_local",
	.owner			= THIS_MODULE,
	.target_add		= scst_local_target_add,
	.target_del		= scst_local_target_del,
	.session_add		= scst_local_session_add,
	.session_close		= scst_local_session_close,
	.cmd_done		= scst_local_cmd_done,
	.luns_changed		= scst_local_luns_changed,
	.session_host_no	= scst_local_session_host_no,
	.session_transport_id	= scst_local_session_transport_id,
};

static int __init scst_local_init(void)
{
	int err;

	if (scst_local_can_queue < 1 || scst_local_cmd_per_lun < 1) {
		pr_err("can_queue and cmd_per_lun must be positive\n");
		return -EINVAL;
	}
#ifdef HAVE_QUEUECOMMAND_MAY_BLOCK
	scst_local_template.queuecommand_may_block = scst_local_blocking;
#endif

	scst_local_wq = alloc_workqueue("scst_local", WQ_UNBOUND, 0);
	if (!scst_local_wq)
		return -ENOMEM;
	/* On the I/O path: it must make progress under memory pressure. */
	scst_local_done_wq = alloc_workqueue("scst_local_done",
					     WQ_HIGHPRI | WQ_MEM_RECLAIM, 0);
	if (!scst_local_done_wq) {
		err = -ENOMEM;
		goto destroy_wq;
	}

	scst_local_root = root_device_register("scst_local");
	if (IS_ERR(scst_local_root)) {
		err = PTR_ERR(scst_local_root);
		goto destroy_done_wq;
	}

	err = scst_driver_register(&scst_local_ops);
	if (err)
		goto unregister_root;
	return 0;

unregister_root:
	root_device_unregister(scst_local_root);
destroy_done_wq:
	destroy_workqueue(scst_local_done_wq);
destroy_wq:
	destroy_workqueue(scst_local_wq);
	return err;
}

static void __exit scst_local_exit(void)
{
	/* No target exists any more: the core held this module until then. */
	scst_driver_unregister(&scst_local_ops);
	root_device_unregister(scst_local_root);
	/* Empty: every SCSI host, and so every command, is gone. */
	destroy_workqueue(scst_local_done_wq);
	destroy_workqueue(scst_local_wq);
}

module_init(scst_local_init);
module_exit(scst_local_exit);
MODULE_LICENSE("GPL");
MODULE_VERSION(SCST_VERSION);
MODULE_DESCRIPTION("SCST target driver exporting LUNs as local SCSI disks");
