// SPDX-License-Identifier: GPL-2.0
/*
 * iscsi_scst: the send side of full feature phase.
 *
 * Everything the target sends after login goes through one queue per
 * connection, emptied by the connection's send thread: the core's
 * cmd_done() (any context) and the receive thread only queue. The queue
 * keeps its order, so a task's response always precedes the response of a
 * task management function queued after it, and the Logout Response comes
 * after the responses of the session's tasks.
 *
 * StatSN, ExpCmdSN and MaxCmdSN are filled in when a PDU is sent. A task's
 * slot of the CmdSN window is given back just before its response goes out,
 * so the response itself already opens the window again.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kthread.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <net/sock.h>
#ifdef HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif
#include "iscsi.h"

/* NOP-In pings take tags from their own range; R2Ts use the lower half. */
#define ISCST_NOP_TTT_BASE	0x80000000U

/*
 * Queue a PDU. The receive thread sends what it queued itself before it
 * waits for more input (iscst_rx_loop()), so only other contexts need to
 * wake the send thread.
 */
void iscst_tx_queue(struct iscst_conn *conn, struct iscst_cmd *cmd)
{
	unsigned long flags;

	spin_lock_irqsave(&conn->tx_lock, flags);
	list_add_tail(&cmd->tx_entry, &conn->tx_list);
	spin_unlock_irqrestore(&conn->tx_lock, flags);
	if (current != conn->rx_thread)
		wake_up(&conn->tx_wait);
}

/* The core finished a task (any context): its response is to be sent. */
void iscst_cmd_done(struct scst_cmd *scmd)
{
	struct iscst_cmd *cmd = iscst_cmd_of(scmd);

	cmd->state = ISCST_CS_DONE;
	iscst_tx_queue(cmd->conn, cmd);
}

/* Drop what is queued and was not sent (teardown; nothing sends any more). */
void iscst_tx_drain(struct iscst_conn *conn)
{
	struct iscst_cmd *cmd, *tmp;
	LIST_HEAD(list);

	spin_lock_irq(&conn->tx_lock);
	list_splice_init(&conn->tx_list, &list);
	spin_unlock_irq(&conn->tx_lock);
	list_for_each_entry_safe(cmd, tmp, &list, tx_entry) {
		list_del_init(&cmd->tx_entry);
		iscst_cmd_put(cmd);
	}
}

/**
 * iscst_pdu_new() - a PDU to queue
 * @conn: its connection
 * @opcode: target opcode
 * @itt: Initiator Task Tag, or ISCST_RSVD_TAG
 * @data: data segment (kmalloc'd, owned by the PDU from here), or NULL
 * @data_len: its length
 *
 * The PDU consumes a StatSN when sent, unless the caller says otherwise.
 */
struct iscst_cmd *iscst_pdu_new(struct iscst_conn *conn, u8 opcode, u32 itt,
				void *data, u32 data_len)
{
	struct iscst_cmd *pdu;

	pdu = iscst_cmd_alloc(conn, ISCST_CMD_PDU);
	if (!pdu) {
		kfree(data);
		return NULL;
	}
	pdu->bhs[0] = opcode;
	put_unaligned_be32(itt, pdu->bhs + 16);
	pdu->data = data;
	pdu->data_len = data_len;
	pdu->advance_sn = true;
	return pdu;
}

/* Reject (RFC 7143 11.17): the offending header comes back as data. */
void iscst_send_reject(struct iscst_conn *conn, const u8 *hdr, u8 reason)
{
	struct iscsi_reject *rej;
	struct iscst_cmd *pdu;
	void *data;

	pr_info_ratelimited("%s: rejecting PDU 0x%02x, reason 0x%02x\n",
			    conn->sess_name ?: "discovery", hdr[0], reason);
	data = kmemdup(hdr, ISCST_BHS_LEN, GFP_KERNEL);
	if (!data)
		return;
	pdu = iscst_pdu_new(conn, ISCSI_OP_REJECT, ISCST_RSVD_TAG, data,
			    ISCST_BHS_LEN);
	if (!pdu)
		return;
	rej = (struct iscsi_reject *)pdu->bhs;
	rej->flags = ISCSI_FLAG_CMD_FINAL;
	rej->reason = reason;
	iscst_tx_queue(conn, pdu);
}

/*
 * The LUNs of a session changed: an Async Message with the unit attention
 * REPORTED LUNS DATA HAS CHANGED, on which initiators rescan.
 */
void iscst_luns_changed(struct scst_session *sess)
{
	struct iscst_conn *conn = READ_ONCE(sess->dpriv);
	struct iscsi_async *hdr;
	struct iscst_cmd *pdu;
	u8 *data;

	if (!conn || READ_ONCE(conn->state) != ISCST_CONN_FFP ||
	    iscst_conn_closing(conn))
		return;
	data = kzalloc(2 + 18, GFP_KERNEL);
	if (!data)
		return;
	put_unaligned_be16(18, data);
	data[2] = 0x70;
	data[2 + 2] = SCST_SK_UNIT_ATTENTION;
	data[2 + 7] = 10;
	data[2 + 12] = 0x3f;
	data[2 + 13] = 0x0e;
	pdu = iscst_pdu_new(conn, ISCSI_OP_ASYNC_EVENT, ISCST_RSVD_TAG, data,
			    2 + 18);
	if (!pdu)
		return;
	hdr = (struct iscsi_async *)pdu->bhs;
	hdr->flags = ISCSI_FLAG_CMD_FINAL;
	hdr->async_event = ISCSI_ASYNC_MSG_SCSI_EVENT;
	iscst_tx_queue(conn, pdu);
}

/* ---- sending -------------------------------------------------------------- */

static void iscst_tx_set_sn(struct iscst_conn *conn, u8 *bhs, bool advance)
{
	put_unaligned_be32(advance ? conn->stat_sn++ : conn->stat_sn, bhs + 24);
	put_unaligned_be32(READ_ONCE(conn->exp_cmd_sn), bhs + 28);
	put_unaligned_be32(atomic_read(&conn->max_cmd_sn), bhs + 32);
}

/* Header (with its digest) of a PDU whose data segment is @dlen bytes. */
static int iscst_tx_hdr(struct iscst_conn *conn, u8 *bhs, u32 dlen, bool more)
{
	struct kvec vec[2] = { { .iov_base = bhs, .iov_len = ISCST_BHS_LEN } };
	__le32 dg;

	hton24((bhs + 5), dlen);
	if (conn->p.hdigest) {
		dg = cpu_to_le32(~iscst_crc32c(~0U, bhs, ISCST_BHS_LEN));
		vec[1].iov_base = &dg;
		vec[1].iov_len = sizeof(dg);
	}
	return iscst_send_kvec(conn, vec, conn->p.hdigest ? 2 : 1, more);
}

/* Padding and digest after a data segment whose CRC so far is @crc. */
static int iscst_tx_tail(struct iscst_conn *conn, u32 len, u32 crc, bool more)
{
	u8 tail[8] = { };
	u32 pad = iscst_pad4(len);
	struct kvec vec = { .iov_base = tail };

	if (conn->p.ddigest) {
		crc = iscst_crc32c(crc, tail, pad);
		put_unaligned_le32(~crc, tail + pad);
		vec.iov_len = pad + 4;
	} else {
		vec.iov_len = pad;
	}
	if (!vec.iov_len)
		return 0;
	return iscst_send_kvec(conn, &vec, 1, more);
}

static bool iscst_tx_has_tail(struct iscst_conn *conn, u32 len)
{
	return conn->p.ddigest || iscst_pad4(len);
}

/* A prepared PDU: header and a kernel buffer. */
static int iscst_tx_pdu(struct iscst_conn *conn, struct iscst_cmd *pdu,
			bool more)
{
	struct kvec vec = { .iov_base = pdu->data, .iov_len = pdu->data_len };
	int ret;

	ret = iscst_tx_hdr(conn, pdu->bhs, pdu->data_len,
			   more || pdu->data_len);
	if (ret || !pdu->data_len)
		return ret;
	ret = iscst_send_kvec(conn, &vec, 1,
			      more || iscst_tx_has_tail(conn, pdu->data_len));
	if (ret)
		return ret;
	return iscst_tx_tail(conn, pdu->data_len,
			     conn->p.ddigest ? iscst_crc32c(~0U, pdu->data,
							    pdu->data_len) : 0,
			     more);
}

/*
 * Data-In, in PDUs of at most MaxRecvDataSegmentLength and sequences of at
 * most MaxBurstLength, the pages going to TCP without a copy. With
 * @collapse the last PDU carries the status (RFC 7143 11.7.4).
 */
static int iscst_tx_datain(struct iscst_conn *conn, struct iscst_cmd *cmd,
			   u32 len, bool collapse, u8 rflags, bool more)
{
	struct scst_cmd *scmd = &cmd->scmd;
	u32 off = 0;
	int ret;

	while (off < len) {
		u32 burst_end = (off / conn->p.max_burst + 1) * conn->p.max_burst;
		u32 seg = min3(len - off, conn->p.max_xmit_dsl, burst_end - off);
		bool last = off + seg == len;
		struct iscsi_data_rsp hdr = { };
		bool pmore = !last || more;

		hdr.opcode = ISCSI_OP_SCSI_DATA_IN;
		if (last || off + seg == burst_end)
			hdr.flags = ISCSI_FLAG_CMD_FINAL;
		hdr.itt = (__force itt_t)cpu_to_be32(cmd->itt);
		hdr.ttt = cpu_to_be32(ISCST_RSVD_TAG);
		hdr.datasn = cpu_to_be32(cmd->data_sn++);
		hdr.offset = cpu_to_be32(off);
		if (last && collapse) {
			hdr.flags |= ISCSI_FLAG_DATA_STATUS | rflags;
			hdr.cmd_status = scmd->status;
			hdr.residual_count = cpu_to_be32(scmd->resid);
			iscst_tx_set_sn(conn, (u8 *)&hdr, true);
		} else {
			/* StatSN is reserved without the S bit. */
			iscst_tx_set_sn(conn, (u8 *)&hdr, false);
			hdr.statsn = 0;
		}
		ret = iscst_tx_hdr(conn, (u8 *)&hdr, seg, true);
		if (ret)
			return ret;
		ret = iscst_send_bvec(conn, cmd->bvec, cmd->nr_pages, off, seg,
				      pmore || iscst_tx_has_tail(conn, seg));
		if (ret)
			return ret;
		ret = iscst_tx_tail(conn, seg, conn->p.ddigest ?
				    iscst_crc32c_bvec(~0U, cmd->bvec, off, seg) : 0,
				    pmore);
		if (ret)
			return ret;
		off += seg;
	}
	return 0;
}

/* The end of a SCSI task: Data-In and status, or nothing if aborted. */
static int iscst_tx_scsi(struct iscst_conn *conn, struct iscst_cmd *cmd,
			 bool more)
{
	struct scst_cmd *scmd = &cmd->scmd;
	struct iscsi_scsi_rsp *rsp;
	u32 datain = 0;
	u8 rflags = 0;
	bool collapse;
	int ret;

	/* Aborted tasks are not answered (RFC 7143 4.2.3.3, 11.5.1). */
	if (READ_ONCE(cmd->aborted) || scst_cmd_aborted(scmd))
		return 0;

	/* Its CmdSN slot is free as of this response. */
	if (cmd->window) {
		cmd->window = false;
		atomic_inc(&conn->max_cmd_sn);
	}
	if (scmd->resid)
		rflags = scmd->resid_over ? ISCSI_FLAG_CMD_OVERFLOW :
					    ISCSI_FLAG_CMD_UNDERFLOW;
	if (scmd->data_dir == SCST_DATA_READ)
		datain = min(scmd->data_len, cmd->buf_len);
	/* Sense data needs a SCSI Response PDU. */
	collapse = datain && !scmd->sense_len;

	if (datain) {
		ret = iscst_tx_datain(conn, cmd, datain, collapse, rflags,
				      more || !collapse);
		if (ret || collapse)
			return ret;
	}

	rsp = (struct iscsi_scsi_rsp *)cmd->bhs;
	memset(rsp, 0, sizeof(*rsp));
	rsp->opcode = ISCSI_OP_SCSI_CMD_RSP;
	rsp->flags = ISCSI_FLAG_CMD_FINAL | rflags;
	rsp->response = ISCSI_STATUS_CMD_COMPLETED;
	rsp->cmd_status = scmd->status;
	rsp->itt = (__force itt_t)cpu_to_be32(cmd->itt);
	rsp->exp_datasn = cpu_to_be32(cmd->data_sn);
	rsp->residual_count = cpu_to_be32(scmd->resid);
	iscst_tx_set_sn(conn, cmd->bhs, true);
	if (scmd->sense_len) {
		u32 slen = min_t(u32, scmd->sense_len, SCST_SENSE_BUFFERSIZE);

		/* Sense Length, then the sense data (RFC 7143 11.4.7.2). */
		cmd->data = kmalloc(2 + slen, GFP_KERNEL);
		if (cmd->data) {
			put_unaligned_be16(slen, cmd->data);
			memcpy(cmd->data + 2, scmd->sense, slen);
			cmd->data_len = 2 + slen;
		}
	}
	return iscst_tx_pdu(conn, cmd, more);
}

static int iscst_tx_r2t(struct iscst_conn *conn, struct iscst_cmd *r2t,
			bool more)
{
	/* The task may have been aborted since the R2T was queued. */
	if (READ_ONCE(r2t->r2t->aborted))
		return 0;
	iscst_tx_set_sn(conn, r2t->bhs, false);
	return iscst_tx_hdr(conn, r2t->bhs, 0, more);
}

static int iscst_tx_one(struct iscst_conn *conn, struct iscst_cmd *cmd,
			bool more)
{
	int ret;

	pr_debug("%s: tx kind %u itt 0x%x more %d\n",
		 conn->sess_name ?: "discovery", cmd->kind, cmd->itt, more);
	switch (cmd->kind) {
	case ISCST_CMD_SCSI:
		ret = iscst_tx_scsi(conn, cmd, more);
		break;
	case ISCST_CMD_R2T:
		ret = iscst_tx_r2t(conn, cmd, more);
		break;
	default:
		if (cmd->window) {
			cmd->window = false;
			atomic_inc(&conn->max_cmd_sn);
		}
		iscst_tx_set_sn(conn, cmd->bhs, cmd->advance_sn);
		ret = iscst_tx_pdu(conn, cmd, more && !cmd->close_after);
		if (!ret && cmd->close_after) {
			/* Logout, cold reset: the connection ends here. */
			complete_all(&conn->logout_done);
			iscst_conn_close(conn);
		}
		break;
	}
	iscst_cmd_put(cmd);
	return ret;
}

/* Keepalive: ping a silent initiator, and give up if it stays silent. */
static void iscst_tx_nop(struct iscst_conn *conn, bool *pending, u32 *seq)
{
	unsigned long last = READ_ONCE(conn->last_rx), now = jiffies;
	struct iscsi_nopin hdr = { };

	if (*pending) {
		/*
		 * Any PDU since the ping shows the initiator alive; an answer
		 * within the same jiffy counts too.
		 */
		if (time_after_eq(last, conn->nop_sent)) {
			*pending = false;
		} else if (time_after(now, conn->nop_sent +
				      conn->nop_timeout * HZ)) {
			pr_warn("%s: no answer to NOP-In for %u s, closing the connection\n",
				conn->sess_name ?: "discovery", conn->nop_timeout);
			iscst_conn_close(conn);
		}
		return;
	}
	if (!time_after(now, last + conn->nop_interval * HZ))
		return;
	hdr.opcode = ISCSI_OP_NOOP_IN;
	hdr.flags = ISCSI_FLAG_CMD_FINAL;
	hdr.itt = RESERVED_ITT;
	hdr.ttt = cpu_to_be32(ISCST_NOP_TTT_BASE | ((*seq)++ & ~ISCST_NOP_TTT_BASE));
	/* A ping of the target's does not consume a StatSN. */
	iscst_tx_set_sn(conn, (u8 *)&hdr, false);
	conn->nop_sent = now;
	*pending = true;
	if (iscst_tx_hdr(conn, (u8 *)&hdr, 0, false))
		iscst_conn_close(conn);
}

/* Bytes a queued item puts on the wire, roughly (for the receive side). */
static u32 iscst_tx_size(struct iscst_cmd *cmd)
{
	u32 n = ISCST_BHS_LEN + 2 * ISCST_DIGEST_LEN + 4;

	if (cmd->kind == ISCST_CMD_SCSI) {
		if (cmd->scmd.data_dir == SCST_DATA_READ)
			n += cmd->scmd.data_len +
			     (cmd->scmd.data_len / cmd->conn->p.max_xmit_dsl + 1) *
			     (ISCST_BHS_LEN + 2 * ISCST_DIGEST_LEN + 4);
		n += ISCST_BHS_LEN + SCST_SENSE_BUFFERSIZE;
	} else {
		n += cmd->data_len;
	}
	return n;
}

/*
 * Send what is queued, in order; called with send_lock held. From the
 * receive thread (@from_rx) it sends only what fits in the socket's free
 * space, so that it never blocks on a peer that does not read, and leaves
 * the rest to the send thread.
 */
static void iscst_tx_flush(struct iscst_conn *conn, bool from_rx)
{
	struct sock *sk = conn->sock->sk;
	bool pushed = true;

	lockdep_assert_held(&conn->send_lock);
	for (;;) {
		struct iscst_cmd *cmd;
		bool more;

		spin_lock_irq(&conn->tx_lock);
		cmd = list_first_entry_or_null(&conn->tx_list, struct iscst_cmd,
					       tx_entry);
		if (cmd && from_rx && iscst_tx_size(cmd) > sk_stream_wspace(sk)) {
			spin_unlock_irq(&conn->tx_lock);
			wake_up(&conn->tx_wait);
			break;
		}
		if (cmd)
			list_del_init(&cmd->tx_entry);
		more = !list_empty(&conn->tx_list);
		spin_unlock_irq(&conn->tx_lock);
		if (!cmd)
			break;
		/* More to send right away: let TCP fill its segments. */
		if (iscst_tx_one(conn, cmd, more)) {
			iscst_conn_close(conn);
			return;
		}
		pushed = !more;
		if (iscst_conn_closing(conn))
			return;
	}
	/* The last PDU went out with MSG_MORE, and nothing followed it. */
	if (!pushed)
		tcp_sock_set_cork(sk, false);
}

/*
 * The receive thread answers what it just submitted itself, when the core
 * completed it inline: no hand-off to the send thread on that path.
 */
void iscst_tx_flush_rx(struct iscst_conn *conn)
{
	if (!mutex_trylock(&conn->send_lock)) {
		/* The send thread is at it and will see the queue. */
		wake_up(&conn->tx_wait);
		return;
	}
	iscst_tx_flush(conn, true);
	mutex_unlock(&conn->send_lock);
}

int iscst_tx_thread(void *arg)
{
	struct iscst_conn *conn = arg;
	bool nop_pending = false;
	u32 nop_seq = 0;
	unsigned int noio;

	noio = memalloc_noio_save();
	while (!kthread_should_stop()) {
		long timeout = conn->nop_interval ? HZ : MAX_SCHEDULE_TIMEOUT;

		wait_event_interruptible_timeout(conn->tx_wait,
						 !list_empty_careful(&conn->tx_list) ||
						 iscst_conn_closing(conn) ||
						 kthread_should_stop(), timeout);
		if (iscst_conn_closing(conn)) {
			/* The teardown drops what is queued; wait for it. */
			complete_all(&conn->logout_done);
			set_current_state(TASK_INTERRUPTIBLE);
			if (!kthread_should_stop())
				schedule();
			__set_current_state(TASK_RUNNING);
			continue;
		}
		mutex_lock(&conn->send_lock);
		iscst_tx_flush(conn, false);
		if (conn->nop_interval && !iscst_conn_closing(conn))
			iscst_tx_nop(conn, &nop_pending, &nop_seq);
		mutex_unlock(&conn->send_lock);
	}
	complete_all(&conn->logout_done);
	memalloc_noio_restore(noio);
	return 0;
}
