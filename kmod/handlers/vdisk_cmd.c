// SPDX-License-Identifier: GPL-2.0
/*
 * The command table and the dispatcher.
 *
 * vdisk_ops[] is the only list of what the device server implements: the
 * dispatcher executes exactly its entries, REPORT SUPPORTED OPERATION
 * CODES lists exactly its entries (with their CDB usage data), and the
 * usage data is also what the dispatcher checks CDBs against, so a bit the
 * listing says is ignored can never be silently ignored.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include "vdisk.h"

/*
 * Usage data helpers. For commands with service actions, byte 1 holds the
 * service action itself (SPC-5 6.35.3), which also lets the CDB check pass
 * exactly that value. The control byte is checked for NACA/LINK only.
 */
#define CTL	0x00

/* Service actions of SERVICE ACTION IN (16) and MAINTENANCE IN. */
#define SAI_READ_CAPACITY16		0x10
#define SAI_GET_LBA_STATUS		0x12
#define MI_REPORT_SUPPORTED_OPCODES	0x0c

/* DPO and FUA in byte 1 */
#define DPO_FUA		0x18
/* DPO and BYTCHK (two bits) in byte 1 */
#define DPO_BYTCHK	0x16

const struct vdisk_op vdisk_ops[] = {
	/* SPC */
	{	/* TEST UNIT READY */
		.opcode = 0x00, .cdb_len = 6,
		.usage = { 0x00, 0, 0, 0, 0, CTL },
		.exec = vdisk_spc_test_unit_ready,
	},
	{	/* REQUEST SENSE */
		.opcode = 0x03, .cdb_len = 6,
		.flags = VDISK_OP_CORE | VDISK_OP_DATA_IN,
		.usage = { 0x03, 0x01, 0, 0, 0xff, CTL },
	},
	{	/* INQUIRY */
		.opcode = 0x12, .cdb_len = 6,
		.flags = VDISK_OP_DATA_IN,
		.usage = { 0x12, 0x01, 0xff, 0xff, 0xff, CTL },
		.exec = vdisk_spc_inquiry,
	},
	{	/* MODE SELECT (6) */
		.opcode = 0x15, .cdb_len = 6,
		.flags = VDISK_OP_DATA_OUT,
		.usage = { 0x15, 0x11, 0, 0, 0xff, CTL },
		.exec = vdisk_spc_mode_select,
	},
	{	/* RESERVE (6) */
		.opcode = 0x16, .cdb_len = 6,
		.flags = VDISK_OP_CORE,
		.usage = { 0x16, 0, 0, 0, 0, CTL },
	},
	{	/* RELEASE (6) */
		.opcode = 0x17, .cdb_len = 6,
		.flags = VDISK_OP_CORE,
		.usage = { 0x17, 0, 0, 0, 0, CTL },
	},
	{	/* MODE SENSE (6) */
		.opcode = 0x1a, .cdb_len = 6,
		.flags = VDISK_OP_DATA_IN,
		.usage = { 0x1a, 0x08, 0xff, 0xff, 0xff, CTL },
		.exec = vdisk_spc_mode_sense,
	},
	{	/* MODE SELECT (10) */
		.opcode = 0x55, .cdb_len = 10,
		.flags = VDISK_OP_DATA_OUT,
		.usage = { 0x55, 0x11, 0, 0, 0, 0, 0, 0xff,
			   0xff, CTL },
		.exec = vdisk_spc_mode_select,
	},
	{	/* RESERVE (10) */
		.opcode = 0x56, .cdb_len = 10,
		.flags = VDISK_OP_CORE,
		.usage = { 0x56, 0, 0, 0, 0, 0, 0, 0,
			   0, CTL },
	},
	{	/* RELEASE (10) */
		.opcode = 0x57, .cdb_len = 10,
		.flags = VDISK_OP_CORE,
		.usage = { 0x57, 0, 0, 0, 0, 0, 0, 0,
			   0, CTL },
	},
	{	/* MODE SENSE (10) */
		.opcode = 0x5a, .cdb_len = 10,
		.flags = VDISK_OP_DATA_IN,
		.usage = { 0x5a, 0x18, 0xff, 0xff, 0, 0, 0, 0xff,
			   0xff, CTL },
		.exec = vdisk_spc_mode_sense,
	},
	{	/* REPORT LUNS */
		.opcode = 0xa0, .cdb_len = 12,
		.flags = VDISK_OP_CORE | VDISK_OP_DATA_IN,
		.usage = { 0xa0, 0, 0xff, 0, 0, 0, 0xff, 0xff,
			   0xff, 0xff, 0, CTL },
	},
	{	/* REPORT SUPPORTED OPERATION CODES */
		.opcode = 0xa3, .sa = MI_REPORT_SUPPORTED_OPCODES, .cdb_len = 12,
		.flags = VDISK_OP_SA | VDISK_OP_DATA_IN,
		.usage = { 0xa3, MI_REPORT_SUPPORTED_OPCODES, 0x87, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 0, CTL },
		.exec = vdisk_spc_report_opcodes,
	},

	/* SBC */
	{	/* START STOP UNIT */
		.opcode = 0x1b, .cdb_len = 6,
		.flags = VDISK_OP_BLOCKING,
		.usage = { 0x1b, 0x01, 0, 0, 0x05, CTL },
		.exec = vdisk_spc_start_stop,
	},
	{	/* READ CAPACITY (10) */
		.opcode = 0x25, .cdb_len = 10,
		.flags = VDISK_OP_DATA_IN,
		.usage = { 0x25, 0, 0, 0, 0, 0, 0, 0,
			   0, CTL },
		.exec = vdisk_sbc_read_capacity10,
	},
	{	/* READ CAPACITY (16) */
		.opcode = 0x9e, .sa = SAI_READ_CAPACITY16, .cdb_len = 16,
		.flags = VDISK_OP_SA | VDISK_OP_DATA_IN,
		.usage = { 0x9e, SAI_READ_CAPACITY16, 0, 0, 0, 0, 0, 0,
			   0, 0, 0xff, 0xff, 0xff, 0xff, 0, CTL },
		.exec = vdisk_sbc_read_capacity16,
	},
	{	/* GET LBA STATUS */
		.opcode = 0x9e, .sa = SAI_GET_LBA_STATUS, .cdb_len = 16,
		.flags = VDISK_OP_SA | VDISK_OP_DATA_IN | VDISK_OP_BLOCKING,
		.usage = { 0x9e, SAI_GET_LBA_STATUS, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, CTL },
		.supported = vdisk_thin,
		.exec = vdisk_sbc_get_lba_status,
	},
	{	/* READ (6) */
		.opcode = 0x08, .cdb_len = 6,
		.flags = VDISK_OP_DATA_IN,
		.usage = { 0x08, 0x1f, 0xff, 0xff, 0xff, CTL },
		.exec = vdisk_sbc_rw,
	},
	{	/* READ (10) */
		.opcode = 0x28, .cdb_len = 10,
		.flags = VDISK_OP_DATA_IN,
		.usage = { 0x28, DPO_FUA, 0xff, 0xff, 0xff, 0xff, 0, 0xff,
			   0xff, CTL },
		.exec = vdisk_sbc_rw,
	},
	{	/* READ (12) */
		.opcode = 0xa8, .cdb_len = 12,
		.flags = VDISK_OP_DATA_IN,
		.usage = { 0xa8, DPO_FUA, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 0, CTL },
		.exec = vdisk_sbc_rw,
	},
	{	/* READ (16) */
		.opcode = 0x88, .cdb_len = 16,
		.flags = VDISK_OP_DATA_IN,
		.usage = { 0x88, DPO_FUA, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, CTL },
		.exec = vdisk_sbc_rw,
	},
	{	/* WRITE (6) */
		.opcode = 0x0a, .cdb_len = 6,
		.flags = VDISK_OP_WRITE | VDISK_OP_DATA_OUT,
		.usage = { 0x0a, 0x1f, 0xff, 0xff, 0xff, CTL },
		.exec = vdisk_sbc_rw,
	},
	{	/* WRITE (10) */
		.opcode = 0x2a, .cdb_len = 10,
		.flags = VDISK_OP_WRITE | VDISK_OP_DATA_OUT,
		.usage = { 0x2a, DPO_FUA, 0xff, 0xff, 0xff, 0xff, 0, 0xff,
			   0xff, CTL },
		.exec = vdisk_sbc_rw,
	},
	{	/* WRITE (12) */
		.opcode = 0xaa, .cdb_len = 12,
		.flags = VDISK_OP_WRITE | VDISK_OP_DATA_OUT,
		.usage = { 0xaa, DPO_FUA, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 0, CTL },
		.exec = vdisk_sbc_rw,
	},
	{	/* WRITE (16) */
		.opcode = 0x8a, .cdb_len = 16,
		.flags = VDISK_OP_WRITE | VDISK_OP_DATA_OUT,
		.usage = { 0x8a, DPO_FUA, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, CTL },
		.exec = vdisk_sbc_rw,
	},
	{	/* VERIFY (10) */
		.opcode = 0x2f, .cdb_len = 10,
		.flags = VDISK_OP_DATA_OUT | VDISK_OP_BLOCKING,
		.usage = { 0x2f, DPO_BYTCHK, 0xff, 0xff, 0xff, 0xff, 0, 0xff,
			   0xff, CTL },
		.exec = vdisk_sbc_verify,
	},
	{	/* VERIFY (16) */
		.opcode = 0x8f, .cdb_len = 16,
		.flags = VDISK_OP_DATA_OUT | VDISK_OP_BLOCKING,
		.usage = { 0x8f, DPO_BYTCHK, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, CTL },
		.exec = vdisk_sbc_verify,
	},
	{	/* WRITE AND VERIFY (10) */
		.opcode = 0x2e, .cdb_len = 10,
		.flags = VDISK_OP_WRITE | VDISK_OP_DATA_OUT | VDISK_OP_BLOCKING,
		.usage = { 0x2e, DPO_BYTCHK, 0xff, 0xff, 0xff, 0xff, 0, 0xff,
			   0xff, CTL },
		.exec = vdisk_sbc_write_verify,
	},
	{	/* WRITE AND VERIFY (12) */
		.opcode = 0xae, .cdb_len = 12,
		.flags = VDISK_OP_WRITE | VDISK_OP_DATA_OUT | VDISK_OP_BLOCKING,
		.usage = { 0xae, DPO_BYTCHK, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 0, CTL },
		.exec = vdisk_sbc_write_verify,
	},
	{	/* WRITE AND VERIFY (16) */
		.opcode = 0x8e, .cdb_len = 16,
		.flags = VDISK_OP_WRITE | VDISK_OP_DATA_OUT | VDISK_OP_BLOCKING,
		.usage = { 0x8e, DPO_BYTCHK, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, CTL },
		.exec = vdisk_sbc_write_verify,
	},
	{	/* SYNCHRONIZE CACHE (10) */
		.opcode = 0x35, .cdb_len = 10,
		.flags = VDISK_OP_BLOCKING,
		.usage = { 0x35, 0x02, 0xff, 0xff, 0xff, 0xff, 0, 0xff,
			   0xff, CTL },
		.exec = vdisk_sbc_sync_cache,
	},
	{	/* SYNCHRONIZE CACHE (16) */
		.opcode = 0x91, .cdb_len = 16,
		.flags = VDISK_OP_BLOCKING,
		.usage = { 0x91, 0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, CTL },
		.exec = vdisk_sbc_sync_cache,
	},
	{	/* UNMAP */
		.opcode = 0x42, .cdb_len = 10,
		.flags = VDISK_OP_WRITE | VDISK_OP_DATA_OUT | VDISK_OP_BLOCKING,
		.usage = { 0x42, 0, 0, 0, 0, 0, 0, 0xff,
			   0xff, CTL },
		.supported = vdisk_thin,
		.exec = vdisk_sbc_unmap,
	},
	{	/* WRITE SAME (10) */
		.opcode = 0x41, .cdb_len = 10,
		.flags = VDISK_OP_WRITE | VDISK_OP_DATA_OUT | VDISK_OP_BLOCKING,
		.usage = { 0x41, 0x08, 0xff, 0xff, 0xff, 0xff, 0, 0xff,
			   0xff, CTL },
		.exec = vdisk_sbc_write_same,
	},
	{	/* WRITE SAME (16) */
		.opcode = 0x93, .cdb_len = 16,
		.flags = VDISK_OP_WRITE | VDISK_OP_DATA_OUT | VDISK_OP_BLOCKING,
		.usage = { 0x93, 0x09, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, CTL },
		.exec = vdisk_sbc_write_same,
	},
	{	/* COMPARE AND WRITE */
		.opcode = 0x89, .cdb_len = 16,
		.flags = VDISK_OP_WRITE | VDISK_OP_DATA_OUT | VDISK_OP_BLOCKING,
		.usage = { 0x89, DPO_FUA, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			   0xff, 0xff, 0, 0, 0, 0xff, 0, CTL },
		.exec = vdisk_sbc_compare_write,
	},
};

const unsigned int vdisk_nr_ops = ARRAY_SIZE(vdisk_ops);

/*
 * First table entry of each opcode (entries of one opcode are adjacent).
 * Built once at module init; read-only afterwards.
 */
static const struct vdisk_op *vdisk_op_index[256];

void vdisk_ops_init(void)
{
	int i;

	for (i = vdisk_nr_ops - 1; i >= 0; i--)
		vdisk_op_index[vdisk_ops[i].opcode] = &vdisk_ops[i];
}

bool vdisk_op_supported(const struct vdisk_op *op,
			const struct vdisk_dev *vdev)
{
	return !op->supported || op->supported(vdev);
}

/*
 * Find the entry for @opcode (and @sa, for opcodes with service actions).
 * *@sa_unknown tells "opcode known, service action not" apart from "opcode
 * unknown" for the sense data.
 */
const struct vdisk_op *vdisk_op_find(u8 opcode, u16 sa, bool *sa_unknown)
{
	const struct vdisk_op *op = vdisk_op_index[opcode];
	const struct vdisk_op *end = vdisk_ops + vdisk_nr_ops;

	*sa_unknown = false;
	if (!op || !(op->flags & VDISK_OP_SA))
		return op;
	for (; op < end && op->opcode == opcode; op++)
		if (op->sa == sa)
			return op;
	*sa_unknown = true;
	return NULL;
}

/*
 * Reject any bit the table does not list as used. The control byte's
 * vendor-specific bits (7:6) are ignored; NACA and LINK are refused since
 * neither ACA nor linked commands are supported.
 */
static bool vdisk_cdb_check(struct scst_cmd *cmd, const struct vdisk_op *op)
{
	unsigned int i, last = op->cdb_len - 1;

	for (i = 1; i < last; i++) {
		u8 bad = cmd->cdb[i] & ~op->usage[i];

		if (bad) {
			scst_cmd_set_invalid_field(cmd, i, fls(bad) - 1);
			return false;
		}
	}
	if (cmd->cdb[last] & 0x3f & ~op->usage[last]) {
		scst_cmd_set_invalid_field(cmd, last,
					   fls(cmd->cdb[last] & 0x3f) - 1);
		return false;
	}
	return true;
}

static void vdisk_cmd_deferred(struct work_struct *work)
{
	struct vdisk_cmd *vc = container_of(work, struct vdisk_cmd, work);
	struct scst_cmd *cmd = vc->cmd;
	const struct vdisk_op *op = vc->op;

	kmem_cache_free(vdisk_cmd_cache, vc);
	op->exec(cmd, vdisk_dev(cmd));
}

/* Run @op for @cmd in process context. */
void vdisk_cmd_defer(struct scst_cmd *cmd, struct vdisk_dev *vdev,
		     const struct vdisk_op *op)
{
	struct vdisk_cmd *vc;

	vc = kmem_cache_alloc(vdisk_cmd_cache,
			      cmd->atomic ? GFP_ATOMIC : GFP_NOIO);
	if (!vc) {
		cmd->status = SCST_STATUS_BUSY;
		scst_cmd_done(cmd);
		return;
	}
	vc->cmd = cmd;
	vc->op = op;
	INIT_WORK(&vc->work, vdisk_cmd_deferred);
	queue_work(vdisk_wq, &vc->work);
}

/* The exec() of all three handlers. */
void vdisk_exec(struct scst_cmd *cmd)
{
	struct vdisk_dev *vdev = vdisk_dev(cmd);
	const struct vdisk_op *op;
	bool sa_unknown;
	u16 sa = cmd->cdb[1] & 0x1f;

	op = vdisk_op_find(cmd->cdb[0], sa, &sa_unknown);
	if (op && (op->flags & VDISK_OP_CORE)) {
		/* The core answers these itself; it should not pass them on. */
		pr_warn_once("opcode 0x%02x reached the handler\n", op->opcode);
		op = NULL;
	}
	if (op && !vdisk_op_supported(op, vdev)) {
		sa_unknown = op->flags & VDISK_OP_SA;
		op = NULL;
	}
	if (!op) {
		if (sa_unknown)
			scst_cmd_set_invalid_field(cmd, 1, 4);
		else
			scst_cmd_set_sense(cmd, SCST_SK_ILLEGAL_REQUEST,
					   VDISK_ASC_INVALID_OPCODE, 0);
		goto done;
	}
	if (cmd->cdb_len < op->cdb_len) {
		scst_cmd_set_sense(cmd, SCST_SK_ILLEGAL_REQUEST,
				   VDISK_ASC_INVALID_FIELD_CDB, 0);
		goto done;
	}
	if (!vdisk_cdb_check(cmd, op))
		goto done;
	/*
	 * A transport that announces the opposite data direction: INVALID
	 * FIELD IN COMMAND INFORMATION UNIT, as nothing sensible can move.
	 */
	if (cmd->expected_len &&
	    ((cmd->data_dir == SCST_DATA_WRITE &&
	      (op->flags & VDISK_OP_DATA_IN)) ||
	     (cmd->data_dir == SCST_DATA_READ &&
	      (op->flags & VDISK_OP_DATA_OUT)))) {
		scst_cmd_set_sense(cmd, SCST_SK_ILLEGAL_REQUEST, 0x0e, 0x03);
		goto done;
	}
	if ((op->flags & VDISK_OP_WRITE) && vdisk_read_only(cmd, vdev)) {
		vdisk_set_write_protected(cmd);
		goto done;
	}
	/*
	 * Commands that wait for the backing store (flushes, UNMAP, WRITE
	 * SAME over large ranges, COMPARE AND WRITE) run on the workqueue
	 * even when the submitter could sleep: they are rare, may take long,
	 * and must not hold up the submitting context (for scst_local, the
	 * dispatch of its hardware queue) meanwhile. READ and WRITE stay in
	 * the submitting context.
	 */
	if ((op->flags & VDISK_OP_BLOCKING) && !vdisk_is_null(vdev)) {
		vdisk_cmd_defer(cmd, vdev, op);
		return;
	}
	op->exec(cmd, vdev);
	return;

done:
	scst_cmd_done(cmd);
}
