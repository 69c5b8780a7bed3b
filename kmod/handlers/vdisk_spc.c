// SPDX-License-Identifier: GPL-2.0
/*
 * Primary commands (SPC-5): INQUIRY and its VPD pages, MODE SENSE and MODE
 * SELECT, REPORT SUPPORTED OPERATION CODES, TEST UNIT READY, and START STOP
 * UNIT (SBC, but it has nothing to do with blocks).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/string.h>
#include "vdisk.h"

/* Version descriptors: SAM-5, SPC-4, SBC-3. */
static const u16 vdisk_version_descriptors[] = { 0x00a0, 0x0460, 0x04c0 };

#define VDISK_STD_INQUIRY_LEN	96

void vdisk_spc_test_unit_ready(struct scst_cmd *cmd, struct vdisk_dev *vdev)
{
	scst_cmd_set_transfer_len(cmd, 0);
	scst_cmd_done(cmd);
}

/* Copy @src into a fixed-width, space-padded ASCII field. */
static void vdisk_put_ascii(u8 *dst, const char *src, size_t width)
{
	size_t n = strnlen(src, width);

	memcpy(dst, src, n);
	memset(dst + n, ' ', width - n);
}

static u32 vdisk_inquiry_std(struct vdisk_dev *vdev, u8 *buf)
{
	const struct scst_dev_params *p = &vdev->dev->params;
	unsigned int i;

	memset(buf, 0, VDISK_STD_INQUIRY_LEN);
	buf[0] = 0x00;			/* connected, direct access block device */
	buf[2] = 0x06;			/* SPC-4 */
	buf[3] = 0x12;			/* HISUP, response data format 2 */
	buf[4] = VDISK_STD_INQUIRY_LEN - 5;
	buf[7] = 0x02;			/* CMDQUE */
	vdisk_put_ascii(buf + 8, p->vendor, 8);
	vdisk_put_ascii(buf + 16, p->product, 16);
	vdisk_put_ascii(buf + 32, p->revision, 4);
	for (i = 0; i < ARRAY_SIZE(vdisk_version_descriptors); i++)
		put_unaligned_be16(vdisk_version_descriptors[i],
				   buf + 58 + 2 * i);
	return VDISK_STD_INQUIRY_LEN;
}

static const u8 vdisk_vpd_pages[] = { 0x00, 0x80, 0x83, 0xb0, 0xb1, 0xb2 };

static u32 vdisk_vpd_supported(struct vdisk_dev *vdev, u8 *buf)
{
	buf[3] = ARRAY_SIZE(vdisk_vpd_pages);
	memcpy(buf + 4, vdisk_vpd_pages, sizeof(vdisk_vpd_pages));
	return 4 + sizeof(vdisk_vpd_pages);
}

static u32 vdisk_vpd_serial(struct vdisk_dev *vdev, u8 *buf)
{
	size_t n = strlen(vdev->dev->params.usn);

	buf[3] = n;
	memcpy(buf + 4, vdev->dev->params.usn, n);
	return 4 + n;
}

/* Designator header: code set, association, type, length. */
static u8 *vdisk_designator(u8 *p, u8 code_set, u8 assoc, u8 type, u8 len)
{
	p[0] = code_set;
	p[1] = (assoc << 4) | type;
	p[2] = 0;
	p[3] = len;
	return p + 4;
}

#define DESIG_BINARY	1
#define DESIG_ASCII	2
#define DESIG_UTF8	3
#define ASSOC_LU	0
#define ASSOC_PORT	1
#define TYPE_T10	1
#define TYPE_EUI64	2
#define TYPE_NAA	3
#define TYPE_REL_PORT	4
#define TYPE_NAME	8

/*
 * Device identification: the logical unit by T10 vendor ID, NAA and EUI-64,
 * the target port by relative port identifier and SCSI name string.
 */
static u32 vdisk_vpd_devid(struct scst_cmd *cmd, struct vdisk_dev *vdev,
			   u8 *buf)
{
	const struct scst_dev_params *p = &vdev->dev->params;
	const char *tgt_name = cmd->sess->tgt->name;
	u8 *d = buf + 4;
	size_t n;

	n = strlen(p->t10_dev_id);
	d = vdisk_designator(d, DESIG_ASCII, ASSOC_LU, TYPE_T10, 8 + n);
	vdisk_put_ascii(d, p->vendor, 8);
	memcpy(d + 8, p->t10_dev_id, n);
	d += 8 + n;

	d = vdisk_designator(d, DESIG_BINARY, ASSOC_LU, TYPE_NAA, 16);
	memcpy(d, p->naa_id, 16);
	d += 16;

	d = vdisk_designator(d, DESIG_BINARY, ASSOC_LU, TYPE_EUI64, 8);
	put_unaligned_be64(p->eui64_id, d);
	d += 8;

	d = vdisk_designator(d, DESIG_BINARY, ASSOC_PORT, TYPE_REL_PORT, 4);
	put_unaligned_be16(0, d);
	put_unaligned_be16(scst_cmd_rel_tgt_id(cmd), d + 2);
	d += 4;

	/* NUL-terminated, padded to a multiple of 4, at most 252 bytes. */
	n = min_t(size_t, strlen(tgt_name), 251);
	d = vdisk_designator(d, DESIG_UTF8, ASSOC_PORT, TYPE_NAME,
			     round_up(n + 1, 4));
	memset(d, 0, round_up(n + 1, 4));
	memcpy(d, tgt_name, n);
	d += round_up(n + 1, 4);

	put_unaligned_be16(d - buf - 4, buf + 2);
	return d - buf;
}

static u32 vdisk_vpd_block_limits(struct vdisk_dev *vdev, u8 *buf)
{
	unsigned int shift = vdev->dev->block_shift;
	u32 gran = shift < 12 ? 1U << (12 - shift) : 1;

	put_unaligned_be16(0x3c, buf + 2);
	buf[4] = 0x01;				/* WSNZ */
	buf[5] = VDISK_MAX_CAW_BLOCKS;
	put_unaligned_be16(gran, buf + 6);	/* optimal granularity */
	if (vdisk_thin(vdev)) {
		put_unaligned_be32(VDISK_MAX_UNMAP_BLOCKS, buf + 20);
		put_unaligned_be32(VDISK_MAX_UNMAP_DESCRIPTORS, buf + 24);
		put_unaligned_be32(gran, buf + 28);
		buf[32] = 0x80;			/* UGAVALID, alignment 0 */
	}
	put_unaligned_be64(VDISK_MAX_WS_BLOCKS, buf + 36);
	return 4 + 0x3c;
}

static u32 vdisk_vpd_characteristics(struct vdisk_dev *vdev, u8 *buf)
{
	put_unaligned_be16(0x3c, buf + 2);
	/* 1: non-rotating medium; 0: rotation rate not reported */
	put_unaligned_be16(READ_ONCE(vdev->dev->params.rotational) ? 0 : 1,
			   buf + 4);
	return 4 + 0x3c;
}

static u32 vdisk_vpd_provisioning(struct vdisk_dev *vdev, u8 *buf)
{
	put_unaligned_be16(4, buf + 2);
	if (vdisk_thin(vdev)) {
		/* LBPU, LBPWS, LBPWS10, LBPRZ */
		buf[5] = 0xe0 | (vdev->lbprz ? 0x04 : 0);
		buf[6] = 0x02;			/* thin provisioned */
	}
	return 8;
}

#define VDISK_VPD_MAX	512

void vdisk_spc_inquiry(struct scst_cmd *cmd, struct vdisk_dev *vdev)
{
	u32 alloc_len = get_unaligned_be16(cmd->cdb + 3);
	u8 page = cmd->cdb[2];
	u8 *buf;
	u32 len;

	buf = kzalloc(VDISK_VPD_MAX, vdisk_gfp(cmd));
	if (!buf) {
		cmd->status = SCST_STATUS_BUSY;
		goto done;
	}
	if (!(cmd->cdb[1] & 0x01)) {
		if (page) {
			scst_cmd_set_invalid_field(cmd, 2, 7);
			goto out;
		}
		len = vdisk_inquiry_std(vdev, buf);
		goto copy;
	}

	buf[0] = 0x00;
	buf[1] = page;
	switch (page) {
	case 0x00:
		len = vdisk_vpd_supported(vdev, buf);
		break;
	case 0x80:
		len = vdisk_vpd_serial(vdev, buf);
		break;
	case 0x83:
		len = vdisk_vpd_devid(cmd, vdev, buf);
		break;
	case 0xb0:
		len = vdisk_vpd_block_limits(vdev, buf);
		break;
	case 0xb1:
		len = vdisk_vpd_characteristics(vdev, buf);
		break;
	case 0xb2:
		len = vdisk_vpd_provisioning(vdev, buf);
		break;
	default:
		scst_cmd_set_invalid_field(cmd, 2, 7);
		goto out;
	}
copy:
	scst_cmd_copy_to_buf(cmd, buf, len, alloc_len);
out:
	kfree(buf);
done:
	scst_cmd_done(cmd);
}

/* MODE SENSE / MODE SELECT */

#define MODE_PC_CURRENT		0
#define MODE_PC_CHANGEABLE	1
#define MODE_PC_DEFAULT		2
#define MODE_PC_SAVED		3

#define CACHING_PAGE		0x08
#define CACHING_PAGE_LEN	0x12
#define CONTROL_PAGE		0x0a
#define CONTROL_PAGE_LEN	0x0a
#define ALL_PAGES		0x3f

static u32 vdisk_caching_page(struct vdisk_dev *vdev, u8 *p, int pc)
{
	memset(p, 0, 2 + CACHING_PAGE_LEN);
	p[0] = CACHING_PAGE;
	p[1] = CACHING_PAGE_LEN;
	switch (pc) {
	case MODE_PC_CURRENT:
		if (!READ_ONCE(vdev->dev->params.write_through))
			p[2] |= 0x04;		/* WCE */
		break;
	case MODE_PC_CHANGEABLE:
		p[2] |= 0x04;
		break;
	case MODE_PC_DEFAULT:
		p[2] |= 0x04;			/* write-back by default */
		break;
	}
	return 2 + CACHING_PAGE_LEN;
}

static u32 vdisk_control_page(struct scst_cmd *cmd, struct vdisk_dev *vdev,
			      u8 *p, int pc)
{
	memset(p, 0, 2 + CONTROL_PAGE_LEN);
	p[0] = CONTROL_PAGE;
	p[1] = CONTROL_PAGE_LEN;
	if (pc == MODE_PC_CHANGEABLE)
		return 2 + CONTROL_PAGE_LEN;
	p[2] = 0x02;		/* GLTSD: no log parameters are saved */
	p[3] = 0x10;		/* queue algorithm modifier 1: unrestricted */
	if (vdisk_read_only(cmd, vdev))
		p[4] = 0x08;	/* SWP */
	return 2 + CONTROL_PAGE_LEN;
}

void vdisk_spc_mode_sense(struct scst_cmd *cmd, struct vdisk_dev *vdev)
{
	bool ten = cmd->cdb[0] == 0x5a;
	bool dbd = cmd->cdb[1] & 0x08;
	bool llbaa = ten && (cmd->cdb[1] & 0x10);
	int pc = cmd->cdb[2] >> 6;
	u8 page = cmd->cdb[2] & 0x3f;
	u8 subpage = cmd->cdb[3];
	u32 alloc_len = ten ? get_unaligned_be16(cmd->cdb + 7) : cmd->cdb[4];
	u64 nr_blocks = vdisk_nr_blocks(vdev);
	u8 buf[8 + 16 + 2 + CACHING_PAGE_LEN + 2 + CONTROL_PAGE_LEN];
	u32 hdr = ten ? 8 : 4, len, bd_len = 0;

	if (pc == MODE_PC_SAVED) {
		scst_cmd_set_sense(cmd, SCST_SK_ILLEGAL_REQUEST,
				   VDISK_ASC_SAVING_NOT_SUPPORTED, 0);
		goto done;
	}
	if (page != ALL_PAGES && page != CACHING_PAGE && page != CONTROL_PAGE) {
		scst_cmd_set_invalid_field(cmd, 2, 5);
		goto done;
	}
	/* No page has subpages: only "subpage 0" and "all subpages". */
	if (subpage != 0x00 && subpage != 0xff) {
		scst_cmd_set_invalid_field(cmd, 3, 7);
		goto done;
	}

	memset(buf, 0, sizeof(buf));
	len = hdr;
	if (!dbd) {
		if (llbaa) {
			buf[4] |= 0x01;		/* LONGLBA */
			put_unaligned_be64(nr_blocks, buf + len);
			put_unaligned_be32(vdisk_block_size(vdev), buf + len + 12);
			bd_len = 16;
		} else {
			put_unaligned_be32(min_t(u64, nr_blocks, 0xffffffff),
					   buf + len);
			put_unaligned_be24(vdisk_block_size(vdev), buf + len + 5);
			bd_len = 8;
		}
		len += bd_len;
	}
	if (page == CACHING_PAGE || page == ALL_PAGES)
		len += vdisk_caching_page(vdev, buf + len, pc);
	if (page == CONTROL_PAGE || page == ALL_PAGES)
		len += vdisk_control_page(cmd, vdev, buf + len, pc);

	/* device-specific parameter: WP, DPOFUA */
	if (ten) {
		put_unaligned_be16(len - 2, buf);
		buf[3] = 0x10 | (vdisk_read_only(cmd, vdev) ? 0x80 : 0);
		put_unaligned_be16(bd_len, buf + 6);
	} else {
		buf[0] = len - 1;
		buf[2] = 0x10 | (vdisk_read_only(cmd, vdev) ? 0x80 : 0);
		buf[3] = bd_len;
	}
	scst_cmd_copy_to_buf(cmd, buf, len, alloc_len);
done:
	scst_cmd_done(cmd);
}

/*
 * Check one page of a MODE SELECT parameter list against the current
 * values: only bits the changeable mask allows may differ. Returns the new
 * WCE through @wce for the caching page.
 */
static bool vdisk_mode_select_page(struct scst_cmd *cmd,
				   struct vdisk_dev *vdev, const u8 *p,
				   bool *wce)
{
	u8 cur[2 + CACHING_PAGE_LEN], chg[2 + CACHING_PAGE_LEN];
	u32 len, i;

	switch (p[0] & 0x3f) {
	case CACHING_PAGE:
		len = vdisk_caching_page(vdev, cur, MODE_PC_CURRENT);
		vdisk_caching_page(vdev, chg, MODE_PC_CHANGEABLE);
		break;
	case CONTROL_PAGE:
		len = vdisk_control_page(cmd, vdev, cur, MODE_PC_CURRENT);
		vdisk_control_page(cmd, vdev, chg, MODE_PC_CHANGEABLE);
		break;
	default:
		return false;
	}
	if (p[1] != len - 2)
		return false;
	/* Byte 0: PS is reserved in MODE SELECT, SPF must match (zero). */
	if ((p[0] & 0x7f) != cur[0])
		return false;
	for (i = 2; i < len; i++)
		if ((p[i] ^ cur[i]) & ~chg[i])
			return false;
	if ((p[0] & 0x3f) == CACHING_PAGE)
		*wce = p[2] & 0x04;
	return true;
}

#define VDISK_MODE_SELECT_MAX	512

void vdisk_spc_mode_select(struct scst_cmd *cmd, struct vdisk_dev *vdev)
{
	bool ten = cmd->cdb[0] == 0x55;
	u32 plen = ten ? get_unaligned_be16(cmd->cdb + 7) : cmd->cdb[4];
	u32 hdr = ten ? 8 : 4, bd_len, off;
	bool wce = !READ_ONCE(vdev->dev->params.write_through);
	u8 *buf;

	if (!(cmd->cdb[1] & 0x10)) {		/* PF: only the SPC page format */
		scst_cmd_set_invalid_field(cmd, 1, 4);
		goto done;
	}
	if (cmd->cdb[1] & 0x01) {		/* SP: nothing can be saved */
		scst_cmd_set_invalid_field(cmd, 1, 0);
		goto done;
	}
	scst_cmd_set_transfer_len(cmd, plen);
	if (!plen)
		goto done;
	if (plen < hdr || plen > VDISK_MODE_SELECT_MAX) {
		scst_cmd_set_sense(cmd, SCST_SK_ILLEGAL_REQUEST,
				   VDISK_ASC_PARAM_LIST_LENGTH, 0);
		goto done;
	}
	buf = kzalloc(plen, vdisk_gfp(cmd));
	if (!buf) {
		cmd->status = SCST_STATUS_BUSY;
		goto done;
	}
	if (scst_cmd_copy_from_buf(cmd, buf, plen) < plen) {
		scst_cmd_set_sense(cmd, SCST_SK_ILLEGAL_REQUEST,
				   VDISK_ASC_PARAM_LIST_LENGTH, 0);
		goto out;
	}

	bd_len = ten ? get_unaligned_be16(buf + 6) : buf[3];
	if (hdr + bd_len > plen || buf[ten ? 2 : 1])	/* medium type */
		goto invalid;
	if (bd_len) {
		u64 nr = vdisk_nr_blocks(vdev), blocks;
		bool longlba = ten && (buf[4] & 0x01);
		u32 bs;

		if (bd_len != (longlba ? 16 : 8))
			goto invalid;
		if (longlba) {
			blocks = get_unaligned_be64(buf + hdr);
			bs = get_unaligned_be32(buf + hdr + 12);
		} else {
			blocks = get_unaligned_be32(buf + hdr);
			bs = get_unaligned_be24(buf + hdr + 5);
			if (nr > 0xffffffff && blocks == 0xffffffff)
				blocks = nr;
		}
		/* Neither the capacity nor the block size change this way. */
		if (bs != vdisk_block_size(vdev) || (blocks && blocks != nr))
			goto invalid;
	}
	for (off = hdr + bd_len; off < plen; off += 2 + buf[off + 1]) {
		if (off + 2 > plen || off + 2 + buf[off + 1] > plen) {
			scst_cmd_set_sense(cmd, SCST_SK_ILLEGAL_REQUEST,
					   VDISK_ASC_PARAM_LIST_LENGTH, 0);
			goto out;
		}
		if (!vdisk_mode_select_page(cmd, vdev, buf + off, &wce))
			goto invalid;
	}
	/* Everything checked: apply. */
	vdisk_set_write_through(vdev, !wce);
	goto out;

invalid:
	vdisk_set_invalid_param(cmd);
out:
	kfree(buf);
done:
	scst_cmd_done(cmd);
}

/*
 * START STOP UNIT: the medium is always ready; stopping writes the cache
 * back unless NO_FLUSH is set, as a disk spinning down would.
 */
void vdisk_spc_start_stop(struct scst_cmd *cmd, struct vdisk_dev *vdev)
{
	bool start = cmd->cdb[4] & 0x01, no_flush = cmd->cdb[4] & 0x04;
	int err;

	scst_cmd_set_transfer_len(cmd, 0);
	if (!start && !no_flush && !vdisk_is_null(vdev) &&
	    vdisk_cache_volatile(vdev)) {
		err = vdev->be->flush(vdev, 0, 0);
		if (err)
			vdisk_sbc_set_io_error(cmd, err, true);
	}
	scst_cmd_done(cmd);
}

/* REPORT SUPPORTED OPERATION CODES */

#define RSOC_ALL		0
#define RSOC_ONE		1
#define RSOC_ONE_SA		2
#define RSOC_ONE_MAYBE_SA	3

#define RSOC_TIMEOUTS_LEN	12

static u8 *vdisk_rsoc_timeouts(u8 *p)
{
	/* Descriptor length 0x0a; nominal and recommended: not specified. */
	memset(p, 0, RSOC_TIMEOUTS_LEN);
	put_unaligned_be16(0x0a, p);
	return p + RSOC_TIMEOUTS_LEN;
}

static u32 vdisk_rsoc_all(struct vdisk_dev *vdev, u8 *buf, bool rctd)
{
	u8 *p = buf + 4;
	unsigned int i;

	for (i = 0; i < vdisk_nr_ops; i++) {
		const struct vdisk_op *op = &vdisk_ops[i];

		if (!vdisk_op_supported(op, vdev))
			continue;
		memset(p, 0, 8);
		p[0] = op->opcode;
		put_unaligned_be16(op->sa, p + 2);
		p[5] = (rctd ? 0x02 : 0) | (op->flags & VDISK_OP_SA ? 0x01 : 0);
		put_unaligned_be16(op->cdb_len, p + 6);
		p += 8;
		if (rctd)
			p = vdisk_rsoc_timeouts(p);
	}
	put_unaligned_be32(p - buf - 4, buf);
	return p - buf;
}

void vdisk_spc_report_opcodes(struct scst_cmd *cmd, struct vdisk_dev *vdev)
{
	bool rctd = cmd->cdb[2] & 0x80;
	u8 options = cmd->cdb[2] & 0x07;
	u8 opcode = cmd->cdb[3];
	u16 sa = get_unaligned_be16(cmd->cdb + 4);
	u32 alloc_len = get_unaligned_be32(cmd->cdb + 6);
	const struct vdisk_op *op;
	size_t size = 4 + vdisk_nr_ops * (8 + RSOC_TIMEOUTS_LEN);
	bool sa_unknown, has_sa;
	unsigned int i;
	u8 *buf, *p;
	u32 len;

	buf = kzalloc(size, vdisk_gfp(cmd));
	if (!buf) {
		cmd->status = SCST_STATUS_BUSY;
		goto done;
	}

	if (options == RSOC_ALL) {
		len = vdisk_rsoc_all(vdev, buf, rctd);
		goto copy;
	}
	if (options > RSOC_ONE_MAYBE_SA) {
		scst_cmd_set_invalid_field(cmd, 2, 2);
		goto out;
	}

	/* Does the requested opcode use service actions at all? */
	has_sa = false;
	for (i = 0; i < vdisk_nr_ops; i++)
		if (vdisk_ops[i].opcode == opcode &&
		    (vdisk_ops[i].flags & VDISK_OP_SA))
			has_sa = true;
	if ((options == RSOC_ONE && has_sa) ||
	    (options == RSOC_ONE_SA && !has_sa)) {
		scst_cmd_set_invalid_field(cmd, 2, 2);
		goto out;
	}

	op = vdisk_op_find(opcode, has_sa ? sa : 0, &sa_unknown);
	if (op && !vdisk_op_supported(op, vdev))
		op = NULL;
	p = buf;
	if (!op) {
		p[1] = 0x01;			/* not supported */
		len = 4;
		goto copy;
	}
	p[1] = (rctd ? 0x80 : 0) | 0x03;	/* CTDP, supported per standard */
	put_unaligned_be16(op->cdb_len, p + 2);
	memcpy(p + 4, op->usage, op->cdb_len);
	p += 4 + op->cdb_len;
	if (rctd)
		p = vdisk_rsoc_timeouts(p);
	len = p - buf;
copy:
	scst_cmd_copy_to_buf(cmd, buf, len, alloc_len);
out:
	kfree(buf);
done:
	scst_cmd_done(cmd);
}
