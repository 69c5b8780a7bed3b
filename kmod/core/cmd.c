// SPDX-License-Identifier: GPL-2.0
/*
 * The command pipeline: LUN lookup, what the core answers itself (REPORT
 * LUNS, REQUEST SENSE, unit attentions, reservations, LUNs that do not
 * exist), and the sense and buffer helpers handlers use.
 *
 * Nothing here sleeps or takes a global lock: scst_cmd_submit() may run in
 * atomic context and on every CPU at once.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/scatterlist.h>
#ifdef HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif
#include <scsi/scsi_proto.h>
#include "scst_priv.h"

/* ---- sense and buffers ------------------------------------------------------ */

/**
 * scst_cmd_set_sense_info() - CHECK CONDITION with fixed-format sense data
 * @cmd: the command
 * @key: sense key
 * @asc: additional sense code
 * @ascq: its qualifier
 * @info: INFORMATION field; marked valid when non-zero
 */
void scst_cmd_set_sense_info(struct scst_cmd *cmd, u8 key, u8 asc, u8 ascq,
			     u32 info)
{
	u8 *s = cmd->sense;

	memset(s, 0, 18);
	s[0] = 0x70;
	if (info) {
		s[0] |= 0x80;
		put_unaligned_be32(info, &s[3]);
	}
	s[2] = key & 0x0f;
	s[7] = 10;
	s[12] = asc;
	s[13] = ascq;
	cmd->sense_len = 18;
	cmd->status = SCST_STATUS_CHECK_CONDITION;
}
EXPORT_SYMBOL_GPL(scst_cmd_set_sense_info);

void scst_cmd_set_sense(struct scst_cmd *cmd, u8 key, u8 asc, u8 ascq)
{
	scst_cmd_set_sense_info(cmd, key, asc, ascq, 0);
}
EXPORT_SYMBOL_GPL(scst_cmd_set_sense);

/**
 * scst_cmd_set_invalid_field() - ILLEGAL REQUEST, INVALID FIELD IN CDB
 * @cmd: the command
 * @byte: offending CDB byte
 * @bit: offending bit in it, or -1 if the whole byte
 *
 * With the sense-key specific field pointer (SPC-5 4.4.2.2).
 */
void scst_cmd_set_invalid_field(struct scst_cmd *cmd, u16 byte, int bit)
{
	u8 *s = cmd->sense;

	scst_cmd_set_sense(cmd, SCST_SK_ILLEGAL_REQUEST, 0x24, 0x00);
	s[15] = 0x80 | 0x40;	/* SKSV, C/D: in the CDB */
	if (bit >= 0 && bit < 8)
		s[15] |= 0x08 | bit;	/* BPV */
	put_unaligned_be16(byte, &s[16]);
}
EXPORT_SYMBOL_GPL(scst_cmd_set_invalid_field);

static u32 scst_cmd_buflen(struct scst_cmd *cmd)
{
	return cmd->sg ? cmd->expected_len : 0;
}

/*
 * Copy @len bytes of Data-In at offset @off of the command's buffer,
 * bounded by the buffer.
 */
static void scst_cmd_pcopy(struct scst_cmd *cmd, const void *buf, u32 len,
			   u32 off)
{
	u32 max = scst_cmd_buflen(cmd);

	if (off >= max)
		return;
	len = min(len, max - off);
	sg_pcopy_from_buffer(cmd->sg, cmd->sg_cnt, buf, len, off);
}

/*
 * Account a Data-In transfer: the response has @avail bytes, the CDB allows
 * @alloc_len; what the transport expects limits what is sent, and the
 * difference is the residual (SAM-5 5.4.3, RFC 7143 11.4.5.1).
 */
static void scst_cmd_set_datain(struct scst_cmd *cmd, u32 avail, u32 alloc_len)
{
	u32 want = min(avail, alloc_len);

	if (want > cmd->expected_len) {
		cmd->data_len = cmd->expected_len;
		cmd->resid = want - cmd->expected_len;
		cmd->resid_over = true;
	} else {
		cmd->data_len = want;
		cmd->resid = cmd->expected_len - want;
		cmd->resid_over = false;
	}
}

void scst_cmd_copy_to_buf(struct scst_cmd *cmd, const void *buf, u32 len,
			  u32 alloc_len)
{
	scst_cmd_set_datain(cmd, len, alloc_len);
	if (cmd->data_len)
		scst_cmd_pcopy(cmd, buf, cmd->data_len, 0);
}
EXPORT_SYMBOL_GPL(scst_cmd_copy_to_buf);

u32 scst_cmd_copy_from_buf(struct scst_cmd *cmd, void *buf, u32 len)
{
	len = min(len, scst_cmd_buflen(cmd));
	if (!len)
		return 0;
	return sg_pcopy_to_buffer(cmd->sg, cmd->sg_cnt, buf, len, 0);
}
EXPORT_SYMBOL_GPL(scst_cmd_copy_from_buf);

u32 scst_cmd_set_transfer_len(struct scst_cmd *cmd, u32 cdb_len)
{
	if (cdb_len > cmd->expected_len) {
		cmd->resid = cdb_len - cmd->expected_len;
		cmd->resid_over = true;
		cmd->data_len = cmd->expected_len;
	} else {
		cmd->resid = cmd->expected_len - cdb_len;
		cmd->resid_over = false;
		cmd->data_len = cdb_len;
	}
	return cmd->data_len;
}
EXPORT_SYMBOL_GPL(scst_cmd_set_transfer_len);

/* ---- commands the core answers ---------------------------------------------- */

/* REPORT LUNS (SPC-5 6.33), written straight into the buffer. */
static void scst_cmd_report_luns(struct scst_cmd *cmd,
				 struct scst_sess_priv *sess)
{
	u32 alloc_len = get_unaligned_be32(&cmd->cdb[6]);
	u8 select = cmd->cdb[2];
	struct scst_tgt_dev *td;
	unsigned long lun;
	u32 off = 8, n = 0;
	u8 hdr[8] = { };

	if (alloc_len < 16) {
		scst_cmd_set_invalid_field(cmd, 6, -1);
		return;
	}
	if (select != 0x00 && select != 0x01 && select != 0x02) {
		scst_cmd_set_invalid_field(cmd, 2, -1);
		return;
	}

	/* No well-known logical units: SELECT REPORT 01h lists none. */
	if (select != 0x01) {
		rcu_read_lock();
		xa_for_each(&sess->luns, lun, td) {
			u8 ent[8] = { };

			if (lun < 256) {
				ent[1] = lun;		/* peripheral device */
			} else {
				ent[0] = 0x40 | (lun >> 8);	/* flat space */
				ent[1] = lun & 0xff;
			}
			if (off < alloc_len)
				scst_cmd_pcopy(cmd, ent,
					       min_t(u32, 8, alloc_len - off),
					       off);
			off += 8;
			n++;
		}
		rcu_read_unlock();
	}
	put_unaligned_be32(n * 8, hdr);
	scst_cmd_pcopy(cmd, hdr, min_t(u32, 8, alloc_len), 0);
	scst_cmd_set_datain(cmd, off, alloc_len);
}

/*
 * REQUEST SENSE (SPC-5 6.39): a pending unit attention is reported (and
 * cleared) as parameter data; else NO SENSE, or LOGICAL UNIT NOT SUPPORTED
 * for a LUN that does not exist.
 */
static void scst_cmd_request_sense(struct scst_cmd *cmd,
				   struct scst_tgt_dev *td)
{
	u8 buf[18] = { 0x70, 0, 0, 0, 0, 0, 0, 10 };
	struct scst_ua ua = { };
	unsigned long flags;

	if (cmd->cdb[1] & 0x01) {
		/* DESC: only fixed format is implemented. */
		scst_cmd_set_invalid_field(cmd, 1, 0);
		return;
	}
	if (!td) {
		ua = (struct scst_ua){ SCST_SK_ILLEGAL_REQUEST, 0x25, 0x00 };
	} else {
		spin_lock_irqsave(&td->lock, flags);
		if (td->nr_ua) {
			ua = td->ua[0];
			memmove(&td->ua[0], &td->ua[1],
				--td->nr_ua * sizeof(td->ua[0]));
		}
		spin_unlock_irqrestore(&td->lock, flags);
	}
	buf[2] = ua.key;
	buf[12] = ua.asc;
	buf[13] = ua.ascq;
	scst_cmd_copy_to_buf(cmd, buf, sizeof(buf), cmd->cdb[4]);
}

/*
 * INQUIRY to a LUN that does not exist: peripheral qualifier 3, device type
 * 1Fh (SPC-5 6.7.2), standard data or an empty VPD page.
 */
static void scst_cmd_inquiry_no_lun(struct scst_cmd *cmd)
{
	u16 alloc_len = get_unaligned_be16(&cmd->cdb[3]);
	u8 buf[36] = { };

	buf[0] = 0x7f;
	if (cmd->cdb[1] & 0x01) {
		buf[1] = cmd->cdb[2];
		scst_cmd_copy_to_buf(cmd, buf, 4, alloc_len);
		return;
	}
	if (cmd->cdb[2]) {
		scst_cmd_set_invalid_field(cmd, 2, -1);
		return;
	}
	buf[2] = 0x06;		/* SPC-4 */
	buf[3] = 0x02;		/* response data format */
	buf[4] = sizeof(buf) - 5;
	memcpy(&buf[8], "SCST    ", 8);
	memcpy(&buf[16], "NO LUN          ", 16);
	memcpy(&buf[32], "0001", 4);
	scst_cmd_copy_to_buf(cmd, buf, sizeof(buf), alloc_len);
}

static void scst_cmd_no_lun(struct scst_cmd *cmd, struct scst_sess_priv *sess)
{
	switch (cmd->cdb[0]) {
	case INQUIRY:
		scst_cmd_inquiry_no_lun(cmd);
		break;
	case REPORT_LUNS:
		scst_cmd_report_luns(cmd, sess);
		break;
	case REQUEST_SENSE:
		scst_cmd_request_sense(cmd, NULL);
		break;
	default:
		scst_cmd_set_sense(cmd, SCST_SK_ILLEGAL_REQUEST, 0x25, 0x00);
		break;
	}
}

/* Commands that change the medium (DATA PROTECT on a read-only LUN). */
static bool scst_cdb_writes(const u8 *cdb)
{
	switch (cdb[0]) {
	case WRITE_6:
	case WRITE_10:
	case WRITE_12:
	case WRITE_16:
	case WRITE_VERIFY:
	case WRITE_VERIFY_12:
	case WRITE_VERIFY_16:
	case WRITE_SAME:
	case WRITE_SAME_16:
	case WRITE_LONG:
	case UNMAP:
	case COMPARE_AND_WRITE:
	case FORMAT_UNIT:
	case 0x8b:	/* ORWRITE(16) */
	case 0x9c:	/* WRITE ATOMIC(16) */
	case XDWRITEREAD_10:
		return true;
	case SERVICE_ACTION_OUT_16:
		return (cdb[1] & 0x1f) == 0x11;	/* WRITE LONG(16) */
	case VARIABLE_LENGTH_CMD: {
		u16 sa = get_unaligned_be16(&cdb[8]);

		return sa == WRITE_32 || sa == 0x000c || sa == 0x000d ||
		       sa == 0x000e;	/* WRITE, WRITE AND VERIFY, WRITE SAME, ORWRITE (32) */
	}
	default:
		return false;
	}
}

/* ---- the pipeline ------------------------------------------------------------ */

/**
 * scst_cmd_init() - prepare a command for submission
 * @cmd: the command
 * @sess: the session it came in on
 *
 * Clears everything but @dpriv (which the driver may have set before) and
 * the sense buffer (valid only up to sense_len).
 */
void scst_cmd_init(struct scst_cmd *cmd, struct scst_session *sess)
{
	memset(cmd, 0, offsetof(struct scst_cmd, sense));
	cmd->resid = 0;
	cmd->data_len = 0;
	cmd->tgt_dev = NULL;
	cmd->dev = NULL;
	cmd->hpriv = NULL;
	cmd->flags = 0;
	cmd->start_ns = 0;
	INIT_LIST_HEAD(&cmd->inflight_entry);
	cmd->sess = sess;
}
EXPORT_SYMBOL_GPL(scst_cmd_init);

bool scst_cmd_aborted(const struct scst_cmd *cmd)
{
	return test_bit(SCST_CMDF_ABORTED, &cmd->flags);
}
EXPORT_SYMBOL_GPL(scst_cmd_aborted);

/*
 * Find and pin the tgt_dev for the command's LUN. A tgt_dev that is being
 * retired fails the tryget only after the session's table points elsewhere
 * (removal precedes the kill), so looking again finds the current state.
 */
static struct scst_tgt_dev *scst_tgt_dev_get(struct scst_sess_priv *sess,
					     u64 lun)
{
	struct scst_tgt_dev *td;
	int tries;

	if (lun > SCST_LUN_MAX)
		return NULL;
	rcu_read_lock();
	for (tries = 0; tries < 3; tries++) {
		td = xa_load(&sess->luns, lun);
		if (!td || percpu_ref_tryget_live(&td->ref))
			break;
		td = ERR_PTR(-EAGAIN);
	}
	rcu_read_unlock();
	return td;
}

/**
 * scst_cmd_submit() - hand a command to the core
 * @cmd: initialised with scst_cmd_init() and filled in by the driver
 *
 * Any context (see cmd->atomic). The command ends, maybe before this
 * returns, in the driver's cmd_done().
 */
void scst_cmd_submit(struct scst_cmd *cmd)
{
	struct scst_sess_priv *sess = to_sess_priv(cmd->sess);
	struct scst_tgt_dev *td;
	struct scst_ua ua;
	unsigned long flags;
	bool have_ua = false;
	unsigned int depth;
	u8 op = cmd->cdb[0];

	/*
	 * SCSI-2 put the LUN in bits 7-5 of CDB byte 1, which SPC made
	 * reserved in every 6-byte command; Linux still does so in its first
	 * INQUIRY to a LUN of a target it knows nothing about yet. Drop the
	 * field when it names the LUN the command is for anyway.
	 */
	if (unlikely(cmd->cdb[1] & 0xe0) && op < 0x20 && cmd->lun < 8 &&
	    cmd->cdb[1] >> 5 == cmd->lun)
		cmd->cdb[1] &= 0x1f;

	td = scst_tgt_dev_get(sess, cmd->lun);
	if (!td) {
		scst_cmd_no_lun(cmd, sess);
		scst_cmd_done(cmd);
		return;
	}
	if (IS_ERR(td)) {
		/* The LUN keeps changing under us: let the initiator retry. */
		cmd->status = SCST_STATUS_BUSY;
		scst_cmd_done(cmd);
		return;
	}

	cmd->tgt_dev = td;
	cmd->dev = &td->dev->dev;

	spin_lock_irqsave(&td->lock, flags);
	depth = READ_ONCE(scst_lun_queue_depth);
	if (unlikely(depth && td->nr_cmds >= depth)) {
		/*
		 * At least one command of this nexus is in the task set, so
		 * TASK SET FULL rather than BUSY (SAM-5 5.3.1); a pending
		 * unit attention waits for a command that gets in.
		 */
		spin_unlock_irqrestore(&td->lock, flags);
		atomic64_inc(&sess->nr_task_set_full);
		cmd->status = SCST_STATUS_TASK_SET_FULL;
		goto done;
	}
	list_add_tail(&cmd->inflight_entry, &td->cmds);
	__set_bit(SCST_CMDF_QUEUED, &cmd->flags);
	td->nr_cmds++;
	if (unlikely(td->nr_ua) && !scst_ua_exempt(op)) {
		ua = td->ua[0];
		memmove(&td->ua[0], &td->ua[1],
			--td->nr_ua * sizeof(td->ua[0]));
		have_ua = true;
	}
	spin_unlock_irqrestore(&td->lock, flags);

	if (unlikely(have_ua)) {
		scst_cmd_set_sense(cmd, ua.key, ua.asc, ua.ascq);
		goto done;
	}

	switch (op) {
	case REPORT_LUNS:
		scst_cmd_report_luns(cmd, sess);
		goto done;
	case REQUEST_SENSE:
		scst_cmd_request_sense(cmd, td);
		goto done;
	}

	if (unlikely(READ_ONCE(td->dev->res_holder)) && scst_res_conflict(cmd)) {
		cmd->status = SCST_STATUS_RESERVATION_CONFLICT;
		goto done;
	}

	switch (op) {
	case RESERVE:
	case RESERVE_10:
		scst_cmd_reserve(cmd);
		goto done;
	case RELEASE:
	case RELEASE_10:
		scst_cmd_release(cmd);
		goto done;
	}

	/* The handler reports the protection (MODE SENSE WP and SWP). */
	cmd->lun_read_only = td->read_only;
	if (td->read_only && scst_cdb_writes(cmd->cdb)) {
		scst_cmd_set_sense(cmd, SCST_SK_DATA_PROTECT, 0x27, 0x00);
		goto done;
	}

	td->dev->dev.handler->exec(cmd);
	return;

done:
	scst_cmd_done(cmd);
}
EXPORT_SYMBOL_GPL(scst_cmd_submit);

/**
 * scst_cmd_done() - a command is finished
 * @cmd: the command; status, sense and data are set
 *
 * Any context. An aborted command is reported as TASK ABORTED whatever the
 * handler set, so it never reaches the initiator as a success.
 */
void scst_cmd_done(struct scst_cmd *cmd)
{
	struct scst_tgt_dev *td = cmd->tgt_dev;
	const struct scst_driver_ops *drv = cmd->sess->tgt->driver;
	unsigned long flags;
	bool aborted = false;

	if (td && test_bit(SCST_CMDF_QUEUED, &cmd->flags)) {
		spin_lock_irqsave(&td->lock, flags);
		list_del_init(&cmd->inflight_entry);
		__clear_bit(SCST_CMDF_QUEUED, &cmd->flags);
		td->nr_cmds--;
		if (td->killed)
			td->nr_drained++;
		if (test_bit(SCST_CMDF_ABORTED, &cmd->flags)) {
			td->nr_aborted--;
			aborted = true;
		}
		spin_unlock_irqrestore(&td->lock, flags);
	}
	if (aborted) {
		cmd->status = SCST_STATUS_TASK_ABORTED;
		cmd->sense_len = 0;
	}

	drv->cmd_done(cmd);

	/* After cmd_done(), the command is the driver's again. */
	if (aborted)
		wake_up_all(&scst_wait);
	if (td)
		percpu_ref_put(&td->ref);
}
EXPORT_SYMBOL_GPL(scst_cmd_done);
