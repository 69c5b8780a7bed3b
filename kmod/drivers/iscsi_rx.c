// SPDX-License-Identifier: GPL-2.0
/*
 * iscsi_scst: the receive side of full feature phase.
 *
 * The receive thread reads one PDU at a time: header (and AHS), header
 * digest, then the data segment straight to where it belongs (a task's
 * buffer for immediate data and Data-Out, a small buffer otherwise), and
 * its digest. A write is submitted to the core only once all of its data is
 * in (immediate, unsolicited, then solicited by one R2T at a time); reads
 * and commands without data are submitted at once. The core may complete a
 * command inside scst_cmd_submit(); the response is queued to the send
 * thread either way.
 *
 * Errors: anything that breaks the framing or the rules of the data
 * transfer (a bad digest, a DataSN or offset out of sequence, more data
 * than allowed, a PDU too long) is a protocol error at ErrorRecoveryLevel 0
 * (RFC 7143 7.1.4, 7.4): the connection is closed, and with it the session,
 * whose tasks are aborted. Nothing else is affected. Requests that are well
 * formed but not supported get a Reject.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <net/sock.h>
#ifdef HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif
#include "iscsi.h"

/* Reject reasons of RFC 7143 11.17.1 that iscsi_proto.h names otherwise. */
#define ISCST_REASON_INVALID_PDU_FIELD	0x09
#define ISCST_REASON_WAITING_FOR_LOGOUT	0x0c

#define iscst_proto_err(conn, fmt, ...)					\
	pr_warn_ratelimited("%s: protocol error, closing the connection: " fmt "\n", \
			    (conn)->sess_name ?: "discovery", ##__VA_ARGS__)

/* ---- data segments -------------------------------------------------------- */

/* Padding and data digest after @len bytes whose CRC so far is @crc. */
static int iscst_rx_tail(struct iscst_conn *conn, u32 len, u32 crc)
{
	u32 pad = iscst_pad4(len);
	u8 tail[8] = { };
	int ret;

	if (!pad && !conn->p.ddigest)
		return 0;
	ret = iscst_recv_kvec(conn, tail, pad + (conn->p.ddigest ? 4 : 0));
	if (ret)
		return ret;
	if (!conn->p.ddigest)
		return 0;
	crc = iscst_crc32c(crc, tail, pad);
	if (get_unaligned_le32(tail + pad) != ~crc) {
		iscst_proto_err(conn, "data digest error");
		return -EBADMSG;
	}
	return 0;
}

/* Receive a data segment of @len bytes into @buf. */
static int iscst_rx_data_kbuf(struct iscst_conn *conn, void *buf, u32 len)
{
	int ret;

	if (!len)
		return 0;
	ret = iscst_recv_kvec(conn, buf, len);
	if (ret)
		return ret;
	return iscst_rx_tail(conn, len, conn->p.ddigest ?
			     iscst_crc32c(~0U, buf, len) : 0);
}

/* Receive a data segment into a task's buffer at @off. */
static int iscst_rx_data_task(struct iscst_conn *conn, struct iscst_cmd *cmd,
			      u32 off, u32 len)
{
	int ret;

	if (!len)
		return 0;
	ret = iscst_recv_bvec(conn, cmd->bvec, cmd->nr_pages, off, len);
	if (ret)
		return ret;
	return iscst_rx_tail(conn, len, conn->p.ddigest ?
			     iscst_crc32c_bvec(~0U, cmd->bvec, off, len) : 0);
}

/* Read a data segment nobody wants (digest still checked). */
static int iscst_rx_data_drop(struct iscst_conn *conn, u32 len)
{
	void *buf;
	int ret;

	if (!len)
		return 0;
	if (!conn->p.ddigest)
		return iscst_recv_discard(conn, len + iscst_pad4(len));
	buf = kvmalloc(len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = iscst_rx_data_kbuf(conn, buf, len);
	kvfree(buf);
	return ret;
}

/* Receive a data segment into a new buffer (NUL-terminated for text). */
static int iscst_rx_data_alloc(struct iscst_conn *conn, u32 len, void **out)
{
	void *buf;
	int ret;

	*out = NULL;
	buf = kvmalloc(len + 1, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = iscst_rx_data_kbuf(conn, buf, len);
	if (ret) {
		kvfree(buf);
		return ret;
	}
	((char *)buf)[len] = 0;
	*out = buf;
	return 0;
}

/* ---- CmdSN ---------------------------------------------------------------- */

/*
 * Admit a request by its CmdSN. Non-immediate requests must come in order
 * (one connection per session, over TCP, they cannot be out of order);
 * those outside the window are silently ignored (RFC 7143 4.2.2.1).
 * Returns 1 to admit (and *@window says whether it took a slot), 0 to
 * ignore, -EPROTO to close.
 */
static int iscst_rx_cmdsn(struct iscst_conn *conn, const struct iscsi_hdr *hdr,
			  bool *window)
{
	/* Every request has its CmdSN at offset 24. */
	u32 sn = get_unaligned_be32((const u8 *)hdr + 24);
	u32 max = atomic_read(&conn->max_cmd_sn);

	*window = false;
	if (hdr->opcode & ISCSI_OP_IMMEDIATE)
		return 1;
	if (sn == conn->exp_cmd_sn) {
		WRITE_ONCE(conn->exp_cmd_sn, sn + 1);
		*window = true;
		return 1;
	}
	if (iscst_sn_before(sn, conn->exp_cmd_sn) || iscst_sn_before(max, sn)) {
		pr_debug("CmdSN %u outside [%u, %u]: ignored\n", sn,
			 conn->exp_cmd_sn, max);
		return 0;
	}
	iscst_proto_err(conn, "CmdSN %u, expected %u", sn, conn->exp_cmd_sn);
	return -EPROTO;
}

/* ---- SCSI commands and their data ---------------------------------------- */

static u64 iscst_lun_decode(const u8 *l)
{
	if (memchr_inv(l + 2, 0, 6))
		return U64_MAX;
	switch (l[0] >> 6) {
	case 0:		/* peripheral device addressing */
		return l[0] ? U64_MAX : l[1];
	case 1:		/* flat space addressing */
		return ((l[0] & 0x3f) << 8) | l[1];
	default:
		return U64_MAX;
	}
}

static void iscst_cmd_submit(struct iscst_cmd *cmd)
{
	cmd->state = ISCST_CS_EXEC;
	cmd->scmd.data_len = 0;
	/* The receive side's reference is the core's from here on. */
	scst_cmd_submit(&cmd->scmd);
}

/* Finish a task here, without the core: CHECK CONDITION or BUSY. */
static void iscst_cmd_fail(struct iscst_cmd *cmd, u8 status, u8 key, u8 asc,
			   u8 ascq)
{
	cmd->state = ISCST_CS_EXEC;
	if (status == SCST_STATUS_CHECK_CONDITION)
		scst_cmd_set_sense(&cmd->scmd, key, asc, ascq);
	else
		cmd->scmd.status = status;
	cmd->scmd.data_len = 0;
	cmd->scmd.resid = cmd->scmd.expected_len;
	cmd->scmd.resid_over = false;
	iscst_cmd_done(&cmd->scmd);
}

static u32 iscst_next_ttt(struct iscst_conn *conn)
{
	u32 ttt = conn->next_ttt++;

	if (ttt == ISCST_RSVD_TAG)
		ttt = conn->next_ttt++;
	return ttt;
}

/* Ask for the next burst of a write's data. */
static int iscst_r2t_send(struct iscst_cmd *cmd)
{
	struct iscst_conn *conn = cmd->conn;
	struct iscsi_r2t_rsp *hdr;
	struct iscst_cmd *r2t;

	r2t = iscst_cmd_alloc(conn, ISCST_CMD_R2T);
	if (!r2t)
		return -ENOMEM;
	cmd->r2t_open = true;
	cmd->r2t_off = cmd->received;
	cmd->r2t_len = min(cmd->scmd.expected_len - cmd->received,
			   conn->p.max_burst);
	cmd->r2t_ttt = iscst_next_ttt(conn);
	cmd->r2t_sn = 0;

	hdr = (struct iscsi_r2t_rsp *)r2t->bhs;
	hdr->opcode = ISCSI_OP_R2T;
	hdr->flags = ISCSI_FLAG_CMD_FINAL;
	memcpy(&hdr->lun, cmd->lun_raw, sizeof(hdr->lun));
	hdr->itt = (__force itt_t)cpu_to_be32(cmd->itt);
	hdr->ttt = cpu_to_be32(cmd->r2t_ttt);
	hdr->r2tsn = cpu_to_be32(cmd->r2t_seq++);
	hdr->data_offset = cpu_to_be32(cmd->r2t_off);
	hdr->data_length = cpu_to_be32(cmd->r2t_len);
	refcount_inc(&cmd->ref);
	r2t->r2t = cmd;
	iscst_tx_queue(conn, r2t);
	return 0;
}

/* A write's data moved on: submit it, or ask for more. */
static int iscst_cmd_data_progress(struct iscst_cmd *cmd)
{
	if (cmd->unsol_open || cmd->r2t_open)
		return 0;
	if (cmd->received == cmd->scmd.expected_len) {
		iscst_cmd_submit(cmd);
		return 0;
	}
	return iscst_r2t_send(cmd);
}

static int iscst_rx_scsi_cmd(struct iscst_conn *conn)
{
	struct iscsi_scsi_req *req = (struct iscsi_scsi_req *)conn->rx_hdr;
	u32 dlen = ntoh24(req->dlength);
	u32 edtl = be32_to_cpu(req->data_length);
	u32 itt = be32_to_cpu((__force __be32)req->itt);
	bool rd = req->flags & ISCSI_FLAG_CMD_READ;
	bool wr = req->flags & ISCSI_FLAG_CMD_WRITE;
	bool final = req->flags & ISCSI_FLAG_CMD_FINAL;
	struct iscst_cmd *cmd, *dup;
	struct scst_cmd *scmd;
	u8 cdb_len = ISCSI_CDB_SIZE;
	bool window;
	int ret;

	if (conn->discovery) {
		iscst_send_reject(conn, conn->rx_hdr, ISCSI_REASON_PROTOCOL_ERROR);
		return iscst_rx_data_drop(conn, dlen);
	}
	ret = iscst_rx_cmdsn(conn, (struct iscsi_hdr *)req, &window);
	if (ret <= 0)
		return ret ? ret : iscst_rx_data_drop(conn, dlen);

	if (!wr && (dlen || !final)) {
		iscst_proto_err(conn, "data with a command that writes none");
		return -EPROTO;
	}
	if (wr && (dlen > edtl || (dlen && !conn->p.immediate_data) ||
		   dlen > conn->p.first_burst ||
		   (!final && conn->p.initial_r2t))) {
		iscst_proto_err(conn, "immediate or unsolicited data not allowed (%u of %u)",
				dlen, edtl);
		return -EPROTO;
	}
	dup = iscst_cmd_find_get(conn, itt);
	if (dup) {
		iscst_cmd_put(dup);
		iscst_proto_err(conn, "task tag 0x%x in use", itt);
		return -EPROTO;
	}

	cmd = iscst_cmd_alloc(conn, ISCST_CMD_SCSI);
	if (!cmd)
		return -ENOMEM;
	atomic_inc(&conn->nr_cmds);
	cmd->window = window;
	cmd->itt = itt;
	memcpy(cmd->lun_raw, &req->lun, sizeof(cmd->lun_raw));
	scmd = &cmd->scmd;
	scst_cmd_init(scmd, conn->sess);
	scmd->dpriv = cmd;
	scmd->lun = iscst_lun_decode(cmd->lun_raw);
	scmd->tag = itt;
	memcpy(scmd->cdb, req->cdb, ISCSI_CDB_SIZE);
	scmd->expected_len = rd || wr ? edtl : 0;
	scmd->data_dir = wr ? SCST_DATA_WRITE : rd ? SCST_DATA_READ :
			      SCST_DATA_NONE;

	spin_lock(&conn->cmd_lock);
	hash_add(conn->cmd_hash, &cmd->hnode, itt);
	cmd->hashed = true;
	spin_unlock(&conn->cmd_lock);

	if (req->hlength) {
		struct iscsi_ecdb_ahdr *ahs = (struct iscsi_ecdb_ahdr *)
					      (conn->rx_hdr + ISCST_BHS_LEN);
		u16 alen = be16_to_cpu(ahs->ahslength);

		/* Only an extended CDB, and the AHS must hold it. */
		if (ahs->ahstype != ISCSI_AHSTYPE_CDB || alen < 1 ||
		    alen + 3 > req->hlength * 4 ||
		    ISCSI_CDB_SIZE + alen - 1 > SCST_MAX_CDB_SIZE) {
			iscst_cmd_fail(cmd, SCST_STATUS_CHECK_CONDITION,
				       SCST_SK_ILLEGAL_REQUEST, 0x24, 0);
			return iscst_rx_data_drop(conn, dlen);
		}
		memcpy(scmd->cdb + ISCSI_CDB_SIZE, ahs->ecdb, alen - 1);
		cdb_len += alen - 1;
	}
	scmd->cdb_len = cdb_len;

	if (rd && wr) {
		/* Bidirectional commands are not supported. */
		iscst_cmd_fail(cmd, SCST_STATUS_CHECK_CONDITION,
			       SCST_SK_ILLEGAL_REQUEST, 0x24, 0);
		return iscst_rx_data_drop(conn, dlen);
	}
	if (scmd->expected_len > ISCST_MAX_XFER) {
		iscst_cmd_fail(cmd, SCST_STATUS_CHECK_CONDITION,
			       SCST_SK_ILLEGAL_REQUEST, 0x24, 0);
		return iscst_rx_data_drop(conn, dlen);
	}
	if (iscst_cmd_alloc_buf(cmd, scmd->expected_len)) {
		iscst_cmd_fail(cmd, SCST_STATUS_BUSY, 0, 0, 0);
		return iscst_rx_data_drop(conn, dlen);
	}
	scmd->sg = cmd->sg;
	scmd->sg_cnt = cmd->nr_pages;

	if (!wr) {
		iscst_cmd_submit(cmd);
		return 0;
	}
	ret = iscst_rx_data_task(conn, cmd, 0, dlen);
	if (ret)
		return ret;
	cmd->received = dlen;
	if (!final) {
		cmd->unsol_end = min(conn->p.first_burst, edtl);
		if (cmd->received == cmd->unsol_end) {
			iscst_proto_err(conn, "F bit clear, but no room for unsolicited data");
			return -EPROTO;
		}
		cmd->unsol_open = true;
	}
	return iscst_cmd_data_progress(cmd);
}

static int iscst_rx_data_out(struct iscst_conn *conn)
{
	struct iscsi_data *hdr = (struct iscsi_data *)conn->rx_hdr;
	u32 dlen = ntoh24(hdr->dlength);
	u32 itt = be32_to_cpu((__force __be32)hdr->itt);
	u32 ttt = be32_to_cpu(hdr->ttt);
	u32 sn = be32_to_cpu(hdr->datasn);
	u32 off = be32_to_cpu(hdr->offset);
	bool final = hdr->flags & ISCSI_FLAG_CMD_FINAL;
	struct iscst_cmd *cmd;
	int ret = -EPROTO;

	cmd = iscst_cmd_find_get(conn, itt);
	if (!cmd || cmd->state != ISCST_CS_NEW) {
		/*
		 * Data for a task that was aborted (or never was): the
		 * initiator may still be finishing a sequence, drop it.
		 */
		if (cmd)
			iscst_cmd_put(cmd);
		return iscst_rx_data_drop(conn, dlen);
	}

	if (ttt == ISCST_RSVD_TAG) {
		if (!cmd->unsol_open) {
			iscst_proto_err(conn, "unsolicited Data-Out not expected (itt 0x%x)",
					itt);
			goto out;
		}
		if (sn != cmd->unsol_sn) {
			iscst_proto_err(conn, "DataSN %u, expected %u (itt 0x%x)",
					sn, cmd->unsol_sn, itt);
			goto out;
		}
		if (off != cmd->received || off + dlen > cmd->unsol_end) {
			iscst_proto_err(conn, "unsolicited data at %u+%u, expected %u..%u",
					off, dlen, cmd->received, cmd->unsol_end);
			goto out;
		}
		cmd->unsol_sn++;
	} else {
		if (!cmd->r2t_open || ttt != cmd->r2t_ttt) {
			iscst_proto_err(conn, "Data-Out with unknown TTT 0x%x (itt 0x%x)",
					ttt, itt);
			goto out;
		}
		if (sn != cmd->r2t_sn) {
			iscst_proto_err(conn, "DataSN %u, expected %u (itt 0x%x)",
					sn, cmd->r2t_sn, itt);
			goto out;
		}
		if (off != cmd->received ||
		    off + dlen > cmd->r2t_off + cmd->r2t_len) {
			iscst_proto_err(conn, "solicited data at %u+%u, expected %u..%u",
					off, dlen, cmd->received,
					cmd->r2t_off + cmd->r2t_len);
			goto out;
		}
		cmd->r2t_sn++;
	}

	ret = iscst_rx_data_task(conn, cmd, off, dlen);
	if (ret)
		goto out;
	cmd->received += dlen;

	if (ttt == ISCST_RSVD_TAG) {
		if (final || cmd->received == cmd->unsol_end) {
			if (!final) {
				iscst_proto_err(conn, "unsolicited data without the F bit at its end");
				ret = -EPROTO;
				goto out;
			}
			cmd->unsol_open = false;
		}
	} else if (final) {
		if (cmd->received != cmd->r2t_off + cmd->r2t_len) {
			iscst_proto_err(conn, "F bit before the end of the R2T's data");
			ret = -EPROTO;
			goto out;
		}
		cmd->r2t_open = false;
	}
	ret = iscst_cmd_data_progress(cmd);
out:
	iscst_cmd_put(cmd);
	return ret;
}

/*
 * Drop tasks still receiving their data, for which @match says so: they
 * never reached the core, and never answer. Later Data-Out for them finds
 * no task and is dropped.
 */
static unsigned int iscst_abort_waiting(struct iscst_conn *conn,
					bool (*match)(struct iscst_cmd *, u64),
					u64 arg)
{
	struct iscst_cmd *cmd, *tmp;
	struct hlist_node *n;
	unsigned int bkt, nr = 0;
	LIST_HEAD(list);

	spin_lock(&conn->cmd_lock);
	hash_for_each_safe(conn->cmd_hash, bkt, n, cmd, hnode) {
		if (cmd->state != ISCST_CS_NEW || (match && !match(cmd, arg)))
			continue;
		hash_del(&cmd->hnode);
		cmd->hashed = false;
		WRITE_ONCE(cmd->aborted, true);
		list_add_tail(&cmd->tx_entry, &list);
	}
	spin_unlock(&conn->cmd_lock);
	list_for_each_entry_safe(cmd, tmp, &list, tx_entry) {
		list_del_init(&cmd->tx_entry);
		iscst_cmd_put(cmd);
		nr++;
	}
	return nr;
}

static bool iscst_match_lun(struct iscst_cmd *cmd, u64 lun)
{
	return cmd->scmd.lun == lun;
}

static bool iscst_match_itt(struct iscst_cmd *cmd, u64 itt)
{
	return cmd->itt == itt;
}

void iscst_rx_abort_waiting(struct iscst_conn *conn)
{
	iscst_abort_waiting(conn, NULL, 0);
}

/* ---- task management ------------------------------------------------------ */

struct iscst_tmf {
	struct work_struct	work;
	struct iscst_conn	*conn;
	struct iscst_cmd	*rsp;
	struct iscst_cmd	*task;
	enum scst_tmf		fn;
	u64			lun;
	bool			task_gone_ok;
};

static u8 iscst_tmf_response(enum scst_tmf_resp resp)
{
	switch (resp) {
	case SCST_TMF_COMPLETE:
		return ISCSI_TMF_RSP_COMPLETE;
	case SCST_TMF_TASK_DOES_NOT_EXIST:
		return ISCSI_TMF_RSP_NO_TASK;
	case SCST_TMF_INCORRECT_LUN:
		return ISCSI_TMF_RSP_NO_LUN;
	default:
		return ISCSI_TMF_RSP_REJECTED;
	}
}

static void iscst_tmf_queue_rsp(struct iscst_conn *conn, struct iscst_cmd *rsp,
				u8 response)
{
	((struct iscsi_tm_rsp *)rsp->bhs)->response = response;
	iscst_tx_queue(conn, rsp);
}

/* Task management waits for the tasks it aborts: not in the receive thread. */
static void iscst_tmf_work(struct work_struct *work)
{
	struct iscst_tmf *tmf = container_of(work, struct iscst_tmf, work);
	struct iscst_conn *conn = tmf->conn;
	enum scst_tmf_resp resp;

	resp = scst_tmf(conn->sess, tmf->fn, tmf->lun,
			tmf->task ? &tmf->task->scmd : NULL);
	/* The task finished before it could be aborted: nothing to abort. */
	if (resp == SCST_TMF_TASK_DOES_NOT_EXIST && tmf->task_gone_ok)
		resp = SCST_TMF_COMPLETE;
	iscst_tmf_queue_rsp(conn, tmf->rsp, iscst_tmf_response(resp));
	if (tmf->task)
		iscst_cmd_put(tmf->task);
	kfree(tmf);
	if (atomic_dec_and_test(&conn->nr_tmfs))
		wake_up_all(&conn->tmf_wait);
}

static int iscst_rx_tmf(struct iscst_conn *conn)
{
	struct iscsi_tm *req = (struct iscsi_tm *)conn->rx_hdr;
	u32 dlen = ntoh24(req->dlength);
	u8 func = ISCSI_TM_FUNC_VALUE(req);
	u32 itt = be32_to_cpu((__force __be32)req->itt);
	u32 rtt = be32_to_cpu((__force __be32)req->rtt);
	u64 lun = iscst_lun_decode((const u8 *)&req->lun);
	struct iscst_cmd *rsp, *task = NULL;
	struct iscsi_tm_rsp *hdr;
	struct iscst_tmf *tmf;
	enum scst_tmf fn;
	bool window;
	int ret;

	ret = iscst_rx_data_drop(conn, dlen);
	if (ret)
		return ret;
	if (conn->discovery) {
		iscst_send_reject(conn, conn->rx_hdr, ISCSI_REASON_PROTOCOL_ERROR);
		return 0;
	}
	ret = iscst_rx_cmdsn(conn, (struct iscsi_hdr *)req, &window);
	if (ret <= 0)
		return ret;

	rsp = iscst_pdu_new(conn, ISCSI_OP_SCSI_TMFUNC_RSP, itt, NULL, 0);
	if (!rsp)
		return -ENOMEM;
	rsp->window = window;
	hdr = (struct iscsi_tm_rsp *)rsp->bhs;
	hdr->flags = ISCSI_FLAG_CMD_FINAL;

	switch (func) {
	case ISCSI_TM_FUNC_ABORT_TASK:
		fn = SCST_TMF_ABORT_TASK;
		task = iscst_cmd_find_get(conn, rtt);
		if (!task) {
			u32 ref = be32_to_cpu(req->refcmdsn);
			u32 sn = be32_to_cpu(req->cmdsn);

			/*
			 * RFC 7143 11.6.1: a task whose command was never
			 * received, but whose CmdSN lies in the window and
			 * before this request's, counts as received and
			 * aborted. A task already answered does not exist.
			 */
			iscst_tmf_queue_rsp(conn, rsp,
					    !iscst_sn_before(ref, conn->exp_cmd_sn) &&
					    iscst_sn_before(ref, sn) ?
					    ISCSI_TMF_RSP_COMPLETE :
					    ISCSI_TMF_RSP_NO_TASK);
			return 0;
		}
		if (task->state == ISCST_CS_NEW) {
			/* Still waiting for Data-Out: it dies here. */
			iscst_cmd_put(task);
			iscst_abort_waiting(conn, iscst_match_itt, rtt);
			iscst_tmf_queue_rsp(conn, rsp, ISCSI_TMF_RSP_COMPLETE);
			return 0;
		}
		lun = task->scmd.lun;
		break;
	case ISCSI_TM_FUNC_ABORT_TASK_SET:
		fn = SCST_TMF_ABORT_TASK_SET;
		iscst_abort_waiting(conn, iscst_match_lun, lun);
		break;
	case ISCSI_TM_FUNC_CLEAR_TASK_SET:
		fn = SCST_TMF_CLEAR_TASK_SET;
		iscst_abort_waiting(conn, iscst_match_lun, lun);
		break;
	case ISCSI_TM_FUNC_LOGICAL_UNIT_RESET:
		fn = SCST_TMF_LUN_RESET;
		iscst_abort_waiting(conn, iscst_match_lun, lun);
		break;
	case ISCSI_TM_FUNC_TARGET_COLD_RESET:
		/* A cold reset also ends the session (RFC 7143 11.5.1). */
		rsp->close_after = true;
		fallthrough;
	case ISCSI_TM_FUNC_TARGET_WARM_RESET:
		fn = SCST_TMF_TARGET_RESET;
		lun = 0;
		iscst_abort_waiting(conn, NULL, 0);
		break;
	case ISCSI_TM_FUNC_TASK_REASSIGN:
		iscst_tmf_queue_rsp(conn, rsp, ISCSI_TMF_RSP_NO_FAILOVER);
		return 0;
	default:
		iscst_tmf_queue_rsp(conn, rsp, ISCSI_TMF_RSP_NOT_SUPPORTED);
		return 0;
	}

	tmf = kzalloc(sizeof(*tmf), GFP_KERNEL);
	if (!tmf) {
		if (task)
			iscst_cmd_put(task);
		iscst_tmf_queue_rsp(conn, rsp, ISCSI_TMF_RSP_REJECTED);
		return 0;
	}
	INIT_WORK(&tmf->work, iscst_tmf_work);
	tmf->conn = conn;
	tmf->rsp = rsp;
	tmf->task = task;
	tmf->fn = fn;
	tmf->lun = lun;
	tmf->task_gone_ok = !!task;
	atomic_inc(&conn->nr_tmfs);
	queue_work(iscst_wq, &tmf->work);
	return 0;
}

/* ---- NOP-Out, Text, Logout ------------------------------------------------ */

static int iscst_rx_nop_out(struct iscst_conn *conn)
{
	struct iscsi_nopout *req = (struct iscsi_nopout *)conn->rx_hdr;
	u32 dlen = ntoh24(req->dlength);
	u32 itt = be32_to_cpu((__force __be32)req->itt);
	struct iscsi_nopin *hdr;
	struct iscst_cmd *rsp;
	bool window;
	void *data;
	int ret;

	if (itt == ISCST_RSVD_TAG) {
		/* An answer to our ping, or a bare CmdSN update: no reply. */
		return iscst_rx_data_drop(conn, dlen);
	}
	ret = iscst_rx_data_alloc(conn, dlen, &data);
	if (ret)
		return ret;
	ret = iscst_rx_cmdsn(conn, (struct iscsi_hdr *)req, &window);
	if (ret <= 0) {
		kvfree(data);
		return ret;
	}
	/* The ping's data comes back, as much as the initiator takes. */
	dlen = min(dlen, conn->p.max_xmit_dsl);
	rsp = iscst_pdu_new(conn, ISCSI_OP_NOOP_IN, itt, NULL, 0);
	if (!rsp) {
		kvfree(data);
		return -ENOMEM;
	}
	if (dlen) {
		rsp->data = kmemdup(data, dlen, GFP_KERNEL);
		if (!rsp->data) {
			kvfree(data);
			iscst_cmd_put(rsp);
			return -ENOMEM;
		}
		rsp->data_len = dlen;
	}
	kvfree(data);
	rsp->window = window;
	hdr = (struct iscsi_nopin *)rsp->bhs;
	hdr->flags = ISCSI_FLAG_CMD_FINAL;
	memcpy(&hdr->lun, &req->lun, sizeof(hdr->lun));
	hdr->ttt = cpu_to_be32(ISCST_RSVD_TAG);
	iscst_tx_queue(conn, rsp);
	return 0;
}

/* Queue the next piece of the pending Text response. */
static int iscst_text_send_piece(struct iscst_conn *conn, u32 itt, bool window)
{
	u32 len = min(conn->text_len - conn->text_off, conn->p.max_xmit_dsl);
	bool last = conn->text_off + len == conn->text_len;
	struct iscsi_text_rsp *hdr;
	struct iscst_cmd *rsp;

	rsp = iscst_pdu_new(conn, ISCSI_OP_TEXT_RSP, itt, NULL, 0);
	if (!rsp)
		return -ENOMEM;
	if (len) {
		rsp->data = kmemdup(conn->text_buf + conn->text_off, len,
				    GFP_KERNEL);
		if (!rsp->data) {
			iscst_cmd_put(rsp);
			return -ENOMEM;
		}
		rsp->data_len = len;
	}
	rsp->window = window;
	hdr = (struct iscsi_text_rsp *)rsp->bhs;
	if (last) {
		hdr->flags = ISCSI_FLAG_CMD_FINAL;
		hdr->ttt = cpu_to_be32(ISCST_RSVD_TAG);
	} else {
		hdr->flags = ISCSI_FLAG_TEXT_CONTINUE;
		conn->text_ttt = iscst_next_ttt(conn);
		hdr->ttt = cpu_to_be32(conn->text_ttt);
	}
	conn->text_off += len;
	if (last) {
		kfree(conn->text_buf);
		conn->text_buf = NULL;
	}
	iscst_tx_queue(conn, rsp);
	return 0;
}

static int iscst_rx_text(struct iscst_conn *conn)
{
	struct iscsi_text *req = (struct iscsi_text *)conn->rx_hdr;
	u32 dlen = ntoh24(req->dlength);
	u32 itt = be32_to_cpu((__force __be32)req->itt);
	u32 ttt = be32_to_cpu(req->ttt);
	char *data, *p, *end, *out = NULL;
	u32 out_len = 0, size = 0;
	bool window;
	int ret;

	ret = iscst_rx_data_alloc(conn, dlen, (void **)&data);
	if (ret)
		return ret;
	ret = iscst_rx_cmdsn(conn, (struct iscsi_hdr *)req, &window);
	if (ret <= 0)
		goto out;
	if (req->flags & ISCSI_FLAG_TEXT_CONTINUE) {
		/* Requests longer than one PDU are not needed for SendTargets. */
		iscst_send_reject(conn, conn->rx_hdr, ISCSI_REASON_CMD_NOT_SUPPORTED);
		ret = 0;
		goto out;
	}
	if (ttt != ISCST_RSVD_TAG) {
		/* The initiator asks for the rest of a long response. */
		if (!conn->text_buf || ttt != conn->text_ttt) {
			iscst_send_reject(conn, conn->rx_hdr,
					  ISCST_REASON_INVALID_PDU_FIELD);
			ret = 0;
			goto out;
		}
		ret = iscst_text_send_piece(conn, itt, window);
		goto out;
	}
	kfree(conn->text_buf);
	conn->text_buf = NULL;

	for (p = data, end = data + dlen; p < end; p += strnlen(p, end - p) + 1) {
		char *eq = strnchr(p, end - p, '=');
		u32 n;

		if (!*p)
			continue;
		if (!eq)
			break;
		*eq = 0;
		if (!strcmp(p, "SendTargets")) {
			char *st;
			u32 st_len;

			ret = iscst_text_sendtargets(conn, eq + 1, &st, &st_len);
			if (ret)
				goto out;
			if (out_len + st_len > size) {
				char *grown = krealloc(out, out_len + st_len + 256,
						       GFP_KERNEL);

				if (!grown) {
					kfree(st);
					ret = -ENOMEM;
					goto out;
				}
				out = grown;
				size = out_len + st_len + 256;
			}
			memcpy(out + out_len, st, st_len);
			out_len += st_len;
			kfree(st);
		} else {
			n = strlen(p) + sizeof("=NotUnderstood");
			if (out_len + n > size) {
				char *grown = krealloc(out, out_len + n + 256,
						       GFP_KERNEL);

				if (!grown) {
					ret = -ENOMEM;
					goto out;
				}
				out = grown;
				size = out_len + n + 256;
			}
			out_len += sprintf(out + out_len, "%s=NotUnderstood", p) + 1;
		}
		*eq = '=';
	}
	conn->text_buf = out;
	conn->text_len = out_len;
	conn->text_off = 0;
	out = NULL;
	ret = iscst_text_send_piece(conn, itt, window);
out:
	kfree(out);
	kvfree(data);
	return ret;
}

static int iscst_rx_logout(struct iscst_conn *conn)
{
	struct iscsi_logout *req = (struct iscsi_logout *)conn->rx_hdr;
	u32 dlen = ntoh24(req->dlength);
	u32 itt = be32_to_cpu((__force __be32)req->itt);
	u8 reason = req->flags & ISCSI_FLAG_LOGOUT_REASON_MASK;
	struct iscsi_logout_rsp *hdr;
	struct iscst_cmd *rsp;
	bool window;
	int ret;

	ret = iscst_rx_data_drop(conn, dlen);
	if (ret)
		return ret;
	ret = iscst_rx_cmdsn(conn, (struct iscsi_hdr *)req, &window);
	if (ret <= 0)
		return ret;

	/*
	 * With one connection per session every reason ends the session.
	 * Writes still waiting for data will not get it any more; tasks the
	 * core has finish and are answered before the Logout Response.
	 */
	WRITE_ONCE(conn->state, ISCST_CONN_LOGOUT);
	iscst_abort_waiting(conn, NULL, 0);
	/* Responses this thread queued go out while it waits. */
	wake_up(&conn->tx_wait);
	wait_event(conn->tmf_wait, !atomic_read(&conn->nr_cmds) ||
		   iscst_conn_closing(conn));

	rsp = iscst_pdu_new(conn, ISCSI_OP_LOGOUT_RSP, itt, NULL, 0);
	if (!rsp)
		return -ENOMEM;
	rsp->window = window;
	rsp->close_after = true;
	hdr = (struct iscsi_logout_rsp *)rsp->bhs;
	hdr->flags = ISCSI_FLAG_CMD_FINAL;
	hdr->response = (reason != ISCSI_LOGOUT_REASON_CLOSE_SESSION &&
			 be16_to_cpu(req->cid) != conn->cid) ?
			ISCSI_LOGOUT_CID_NOT_FOUND : ISCSI_LOGOUT_SUCCESS;
	iscst_tx_queue(conn, rsp);
	wake_up(&conn->tx_wait);
	pr_debug("%s: logout (reason %u)\n", conn->sess_name ?: "discovery",
		 reason);
	/* The send thread closes the connection once the response is out. */
	wait_for_completion(&conn->logout_done);
	return -ECONNRESET;
}

/* ---- the loop ------------------------------------------------------------- */

static int iscst_rx_pdu(struct iscst_conn *conn)
{
	struct iscsi_hdr *hdr = (struct iscsi_hdr *)conn->rx_hdr;
	u32 hlen, dlen;
	u8 op;
	int ret;

	ret = iscst_recv_kvec(conn, hdr, ISCST_BHS_LEN);
	if (ret)
		return ret;
	hlen = ISCST_BHS_LEN + hdr->hlength * 4;
	if (hlen > ISCST_BHS_LEN) {
		ret = iscst_recv_kvec(conn, conn->rx_hdr + ISCST_BHS_LEN,
				      hlen - ISCST_BHS_LEN);
		if (ret)
			return ret;
	}
	if (conn->p.hdigest) {
		u8 *dg = conn->rx_hdr + hlen;

		ret = iscst_recv_kvec(conn, dg, ISCST_DIGEST_LEN);
		if (ret)
			return ret;
		if (get_unaligned_le32(dg) != ~iscst_crc32c(~0U, conn->rx_hdr, hlen)) {
			iscst_proto_err(conn, "header digest error");
			return -EBADMSG;
		}
	}
	WRITE_ONCE(conn->last_rx, jiffies);

	dlen = ntoh24(hdr->dlength);
	op = hdr->opcode & ISCSI_OPCODE_MASK;
	pr_debug("%s: rx op 0x%02x flags 0x%02x itt 0x%x dlen %u\n",
		 conn->sess_name ?: "discovery", hdr->opcode, hdr->flags,
		 be32_to_cpu((__force __be32)hdr->itt), dlen);
	if (dlen > conn->p.max_recv_dsl) {
		iscst_proto_err(conn, "data segment of %u bytes, at most %u allowed (opcode 0x%02x)",
				dlen, conn->p.max_recv_dsl, op);
		return -EPROTO;
	}
	if (READ_ONCE(conn->state) == ISCST_CONN_LOGOUT) {
		iscst_send_reject(conn, conn->rx_hdr, ISCST_REASON_WAITING_FOR_LOGOUT);
		return iscst_rx_data_drop(conn, dlen);
	}

	switch (op) {
	case ISCSI_OP_SCSI_CMD:
		return iscst_rx_scsi_cmd(conn);
	case ISCSI_OP_SCSI_DATA_OUT:
		return iscst_rx_data_out(conn);
	case ISCSI_OP_NOOP_OUT:
		return iscst_rx_nop_out(conn);
	case ISCSI_OP_SCSI_TMFUNC:
		return iscst_rx_tmf(conn);
	case ISCSI_OP_TEXT:
		return iscst_rx_text(conn);
	case ISCSI_OP_LOGOUT:
		return iscst_rx_logout(conn);
	case ISCSI_OP_LOGIN:
		iscst_send_reject(conn, conn->rx_hdr, ISCSI_REASON_PROTOCOL_ERROR);
		return iscst_rx_data_drop(conn, dlen);
	default:
		/* SNACK (ErrorRecoveryLevel 0), vendor opcodes, the unknown. */
		iscst_send_reject(conn, conn->rx_hdr, ISCSI_REASON_CMD_NOT_SUPPORTED);
		return iscst_rx_data_drop(conn, dlen);
	}
}

/* Full feature phase: until the connection fails or logs out. */
int iscst_rx_loop(struct iscst_conn *conn)
{
	struct sock *sk = conn->sock->sk;
	int ret;

	do {
		/*
		 * Before waiting for input, send what was completed (or
		 * queued) here; while input is pending, keep reading so
		 * that responses go out in batches.
		 */
		if (!list_empty_careful(&conn->tx_list) &&
		    skb_queue_empty_lockless(&sk->sk_receive_queue))
			iscst_tx_flush_rx(conn);
		ret = iscst_rx_pdu(conn);
	} while (!ret && !iscst_conn_closing(conn));
	if (ret && ret != -ECONNRESET && !iscst_conn_closing(conn))
		pr_debug("%s: receive ended: %d\n",
			 conn->sess_name ?: "discovery", ret);
	return ret;
}
