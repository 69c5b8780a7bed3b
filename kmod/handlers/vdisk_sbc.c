// SPDX-License-Identifier: GPL-2.0
/*
 * Block commands (SBC-4): READ, WRITE, VERIFY, WRITE AND VERIFY, WRITE SAME,
 * UNMAP, COMPARE AND WRITE, SYNCHRONIZE CACHE, READ CAPACITY and GET LBA
 * STATUS, on top of the backend operations of struct vdisk_backend.
 *
 * READ and WRITE are the fast path: one vdisk_cmd from a kmem_cache, the
 * backend submits asynchronously (bios, O_DIRECT kiocbs) from the
 * submitting context, and the command completes from the backend's
 * completion. Only what would have to wait there (see vdisk_can_wait())
 * goes to the workqueue. nullio completes inline. The other commands are
 * rare, run on the workqueue (the dispatcher defers them), and use
 * synchronous backend calls.
 *
 * Transfer lengths (SAM-5 5.4.3, RFC 7143 11.4.5): the core computes the
 * residual from what the CDB implies against the expected length; a read
 * transfers what fits, a write stores only whole blocks among those the
 * CDB names and never more than the initiator sent.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include "vdisk.h"

bool vdisk_thin(const struct vdisk_dev *vdev)
{
	return READ_ONCE(vdev->dev->params.thin_provisioned);
}

/* Sense data for an error of the backing store: never success. */
void vdisk_sbc_set_io_error(struct scst_cmd *cmd, int err, bool write)
{
	switch (err) {
	case -ENOSPC:
	case -EDQUOT:
		/* SPACE ALLOCATION FAILED WRITE PROTECT */
		scst_cmd_set_sense(cmd, SCST_SK_DATA_PROTECT,
				   VDISK_ASC_WRITE_PROTECTED, 0x07);
		break;
	case -EROFS:
		vdisk_set_write_protected(cmd);
		break;
	case -ENOMEM:
	case -EAGAIN:
		cmd->status = SCST_STATUS_BUSY;
		break;
	default:
		if (write)	/* WRITE ERROR */
			scst_cmd_set_sense(cmd, SCST_SK_MEDIUM_ERROR, 0x0c, 0);
		else		/* UNRECOVERED READ ERROR */
			scst_cmd_set_sense(cmd, SCST_SK_MEDIUM_ERROR, 0x11, 0);
		break;
	}
}

/*
 * Allocations of the commands that run on the workqueue, except for
 * nullio, which runs them in the submitting context.
 */
static gfp_t vdisk_slow_gfp(const struct scst_cmd *cmd,
			    const struct vdisk_dev *vdev)
{
	return vdisk_is_null(vdev) ? vdisk_gfp(cmd) : GFP_KERNEL;
}

static bool vdisk_write_fua(const struct vdisk_dev *vdev, bool fua_bit)
{
	return vdisk_cache_volatile(vdev) &&
	       (fua_bit || READ_ONCE(vdev->dev->params.write_through));
}

/* Buffers for commands that move data themselves. */

int vdisk_buf_alloc(struct vdisk_buf *b, size_t len)
{
	struct scatterlist *sg;
	unsigned int i, npages;
	size_t off, left;
	int err;

	b->len = len;
	b->data = kvmalloc(len, GFP_KERNEL);
	if (!b->data)
		return -ENOMEM;
	off = offset_in_page(b->data);
	npages = DIV_ROUND_UP(off + len, PAGE_SIZE);
	err = sg_alloc_table(&b->sgt, npages, GFP_KERNEL);
	if (err) {
		kvfree(b->data);
		return err;
	}
	left = len;
	for_each_sg(b->sgt.sgl, sg, npages, i) {
		void *addr = b->data + (len - left);
		size_t n = min_t(size_t, left, PAGE_SIZE - off);
		struct page *page = is_vmalloc_addr(addr) ?
				    vmalloc_to_page(addr) : virt_to_page(addr);

		sg_set_page(sg, page, n, off);
		left -= n;
		off = 0;
	}
	return 0;
}

void vdisk_buf_free(struct vdisk_buf *b)
{
	sg_free_table(&b->sgt);
	kvfree(b->data);
}

struct vdisk_sync_io {
	struct vdisk_io		io;
	struct completion	done;
	int			err;
};

static void vdisk_sync_io_done(struct vdisk_io *io, int err)
{
	struct vdisk_sync_io *s = container_of(io, struct vdisk_sync_io, io);

	s->err = err;
	complete(&s->done);
}

/* Synchronous transfer, process context. */
int vdisk_io_sync(struct vdisk_dev *vdev, struct scatterlist *sg, loff_t pos,
		  size_t len, bool write, bool fua)
{
	struct vdisk_sync_io *s;
	int err;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	init_completion(&s->done);
	s->io.vdev = vdev;
	s->io.sg = sg;
	s->io.pos = pos;
	s->io.len = len;
	s->io.write = write;
	s->io.fua = fua;
	s->io.done = vdisk_sync_io_done;
	vdev->be->submit(&s->io, true);
	wait_for_completion(&s->done);
	err = s->err;
	kfree(s);
	return err;
}

static int vdisk_buf_io(struct vdisk_dev *vdev, struct vdisk_buf *b,
			loff_t pos, size_t len, bool write, bool fua)
{
	int err;

	if (write)
		flush_kernel_vmap_range(b->data, len);
	err = vdisk_io_sync(vdev, b->sgt.sgl, pos, len, write, fua);
	if (!write)
		invalidate_kernel_vmap_range(b->data, len);
	return err;
}

/*
 * Compare @len bytes of @sg, from byte @skip on, with @buf (with zeros if
 * @buf is NULL). Returns the offset of the first difference, or -1.
 */
static s64 vdisk_sg_cmp(struct scatterlist *sg, unsigned int nents,
			size_t skip, const u8 *buf, size_t len)
{
	struct sg_mapping_iter m;
	size_t done = 0;
	s64 diff = -1;

	sg_miter_start(&m, sg, nents, SG_MITER_ATOMIC | SG_MITER_FROM_SG);
	if (!sg_miter_skip(&m, skip))
		goto out;
	while (done < len && sg_miter_next(&m)) {
		size_t n = min_t(size_t, m.length, len - done);
		const u8 *a = m.addr;
		size_t i;

		if (!buf) {
			const u8 *nz = memchr_inv(a, 0, n);

			if (nz) {
				diff = done + (nz - a);
				break;
			}
		} else if (memcmp(a, buf + done, n)) {
			for (i = 0; a[i] == buf[done + i]; i++)
				;
			diff = done + i;
			break;
		}
		done += n;
	}
out:
	sg_miter_stop(&m);
	return diff;
}

static void vdisk_set_miscompare(struct scst_cmd *cmd, u64 offset)
{
	scst_cmd_set_sense_info(cmd, SCST_SK_MISCOMPARE, VDISK_ASC_MISCOMPARE,
				0, min_t(u64, offset, U32_MAX));
}

/* LBA and block count of the READ/WRITE/VERIFY families. */
static void vdisk_decode_lba(const u8 *cdb, u64 *lba, u32 *n)
{
	switch (cdb[0] >> 5) {
	case 0:		/* 6-byte CDB */
		*lba = get_unaligned_be24(cdb + 1) & 0x1fffff;
		*n = cdb[4] ? cdb[4] : 256;
		break;
	case 1:		/* 10-byte */
	case 2:
		*lba = get_unaligned_be32(cdb + 2);
		*n = get_unaligned_be16(cdb + 7);
		break;
	case 5:		/* 12-byte */
		*lba = get_unaligned_be32(cdb + 2);
		*n = get_unaligned_be32(cdb + 6);
		break;
	default:	/* 16-byte */
		*lba = get_unaligned_be64(cdb + 2);
		*n = get_unaligned_be32(cdb + 10);
		break;
	}
}

/* Bytes the CDB implies, clamped to what the core's u32 can carry. */
static u32 vdisk_cdb_bytes(const struct vdisk_dev *vdev, u64 blocks)
{
	return min_t(u64, blocks << vdev->dev->block_shift, U32_MAX);
}

/* READ and WRITE */

static void vdisk_rw_done(struct vdisk_io *io, int err)
{
	struct vdisk_cmd *vc = container_of(io, struct vdisk_cmd, io);
	struct scst_cmd *cmd = vc->cmd;

	if (vc->rl_mask)
		vdisk_rl_write_unlock(io->vdev, vc->rl_mask);
	if (err)
		vdisk_sbc_set_io_error(cmd, err, io->write);
	kmem_cache_free(vdisk_cmd_cache, vc);
	scst_cmd_done(cmd);
}

static void vdisk_rw_start(struct vdisk_cmd *vc, bool can_wait)
{
	struct vdisk_io *io = &vc->io;

	if (io->write) {
		vc->rl_mask = vdisk_rl_mask(io->pos, io->len);
		if (can_wait) {
			vdisk_rl_write_lock(io->vdev, vc->rl_mask);
		} else if (!vdisk_rl_write_trylock(io->vdev, vc->rl_mask)) {
			/* A COMPARE AND WRITE holds the range: wait elsewhere. */
			vc->rl_mask = 0;
			queue_work(vdisk_wq, &vc->work);
			return;
		}
	}
	if (current->plug) {
		struct vdisk_plug plug;

		vdisk_plug_start(&plug);
		io->vdev->be->submit(io, can_wait);
		vdisk_plug_finish(&plug);
		return;
	}
	io->vdev->be->submit(io, can_wait);
}

static void vdisk_rw_work(struct work_struct *work)
{
	vdisk_rw_start(container_of(work, struct vdisk_cmd, work), true);
}

/*
 * A read whose transfer ends inside a block (the expected length cut it):
 * read whole blocks into a buffer and copy what fits. Process context.
 */
static void vdisk_sbc_read_partial(struct scst_cmd *cmd,
				   struct vdisk_dev *vdev)
{
	unsigned int shift = vdev->dev->block_shift;
	struct vdisk_buf b;
	u64 lba;
	u32 n, len;
	int err;

	vdisk_decode_lba(cmd->cdb, &lba, &n);
	len = scst_cmd_set_transfer_len(cmd, vdisk_cdb_bytes(vdev, n));
	err = vdisk_buf_alloc(&b, round_up(len, 1U << shift));
	if (err)
		goto fail;
	err = vdisk_buf_io(vdev, &b, lba << shift, b.len, false, false);
	if (!err)
		sg_copy_from_buffer(cmd->sg, cmd->sg_cnt, b.data, len);
	vdisk_buf_free(&b);
fail:
	if (err)
		vdisk_sbc_set_io_error(cmd, err, false);
	scst_cmd_done(cmd);
}

static const struct vdisk_op vdisk_read_partial_op = {
	.exec = vdisk_sbc_read_partial,
};

void vdisk_sbc_rw(struct scst_cmd *cmd, struct vdisk_dev *vdev)
{
	u8 opcode = cmd->cdb[0];
	bool write = opcode == 0x0a || opcode == 0x2a || opcode == 0xaa ||
		     opcode == 0x8a;
	unsigned int shift = vdev->dev->block_shift;
	struct vdisk_cmd *vc;
	u32 n, xfer, len;
	u64 lba;

	vdisk_decode_lba(cmd->cdb, &lba, &n);
	if (!vdisk_lba_ok(vdev, lba, n)) {
		vdisk_set_lba_out_of_range(cmd);
		goto done;
	}
	xfer = scst_cmd_set_transfer_len(cmd, vdisk_cdb_bytes(vdev, n));
	len = write ? round_down(xfer, 1U << shift) : xfer;
	if (!len || !cmd->sg)
		goto done;

	if (vdisk_is_null(vdev)) {
		if (!write)
			sg_zero_buffer(cmd->sg, cmd->sg_cnt, len, 0);
		goto done;
	}
	if (len & ((1U << shift) - 1)) {
		/* Rare, and it waits for its read: always on the workqueue. */
		vdisk_cmd_defer(cmd, vdev, &vdisk_read_partial_op);
		return;
	}

	vc = kmem_cache_alloc(vdisk_cmd_cache,
			      cmd->atomic ? GFP_ATOMIC : GFP_NOIO);
	if (!vc) {
		cmd->status = SCST_STATUS_BUSY;
		goto done;
	}
	vc->cmd = cmd;
	vc->rl_mask = 0;
	vc->io.vdev = vdev;
	vc->io.sg = cmd->sg;
	vc->io.pos = lba << shift;
	vc->io.len = len;
	vc->io.write = write;
	vc->io.fua = write && vdisk_write_fua(vdev, opcode != 0x0a &&
					      (cmd->cdb[1] & 0x08));
	vc->io.done = vdisk_rw_done;
	INIT_WORK(&vc->work, vdisk_rw_work);
	if (cmd->atomic)
		queue_work(vdisk_wq, &vc->work);
	else
		vdisk_rw_start(vc, vdisk_can_wait(cmd));
	return;

done:
	scst_cmd_done(cmd);
}

/* READ CAPACITY, GET LBA STATUS */

void vdisk_sbc_read_capacity10(struct scst_cmd *cmd, struct vdisk_dev *vdev)
{
	u64 nr = vdisk_nr_blocks(vdev);
	u8 buf[8];

	put_unaligned_be32(min_t(u64, nr ? nr - 1 : 0, 0xffffffff), buf);
	put_unaligned_be32(vdisk_block_size(vdev), buf + 4);
	scst_cmd_copy_to_buf(cmd, buf, sizeof(buf), sizeof(buf));
	scst_cmd_done(cmd);
}

void vdisk_sbc_read_capacity16(struct scst_cmd *cmd, struct vdisk_dev *vdev)
{
	unsigned int shift = vdev->dev->block_shift;
	u64 nr = vdisk_nr_blocks(vdev);
	u8 buf[32];

	memset(buf, 0, sizeof(buf));
	put_unaligned_be64(nr ? nr - 1 : 0, buf);
	put_unaligned_be32(1U << shift, buf + 8);
	/* Report 4 KiB physical blocks so initiators align to pages. */
	buf[13] = shift < 12 ? 12 - shift : 0;
	if (vdisk_thin(vdev))
		buf[14] = 0x80 | (vdev->lbprz ? 0x40 : 0);	/* LBPME, LBPRZ */
	scst_cmd_copy_to_buf(cmd, buf, sizeof(buf),
			     get_unaligned_be32(cmd->cdb + 10));
	scst_cmd_done(cmd);
}

#define LBA_STATUS_MAX_DESCRIPTORS	64

void vdisk_sbc_get_lba_status(struct scst_cmd *cmd, struct vdisk_dev *vdev)
{
	unsigned int shift = vdev->dev->block_shift;
	u64 lba = get_unaligned_be64(cmd->cdb + 2);
	u32 alloc_len = get_unaligned_be32(cmd->cdb + 10);
	u64 nr = vdisk_nr_blocks(vdev);
	unsigned int max, i;
	u8 *buf, *d;

	if (lba >= nr) {
		vdisk_set_lba_out_of_range(cmd);
		goto done;
	}
	max = clamp_t(u32, alloc_len >= 8 ? (alloc_len - 8) / 16 : 0, 1,
		      LBA_STATUS_MAX_DESCRIPTORS);
	buf = kzalloc(8 + 16 * max, vdisk_slow_gfp(cmd, vdev));
	if (!buf) {
		cmd->status = SCST_STATUS_BUSY;
		goto done;
	}
	for (i = 0, d = buf + 8; i < max && lba < nr; i++, d += 16) {
		bool dealloc = vdisk_is_null(vdev);
		loff_t len = (loff_t)(nr - lba) << shift;
		u64 blocks;

		if (vdev->be->lba_status &&
		    vdev->be->lba_status(vdev, lba << shift, nr << shift,
					 &len, &dealloc)) {
			len = (loff_t)(nr - lba) << shift;
			dealloc = false;
		}
		blocks = clamp_t(u64, (u64)len >> shift, 1, U32_MAX);
		blocks = min(blocks, nr - lba);
		put_unaligned_be64(lba, d);
		put_unaligned_be32(blocks, d + 8);
		d[12] = dealloc ? 0x01 : 0x00;
		lba += blocks;
	}
	put_unaligned_be32(d - buf - 4, buf);
	scst_cmd_copy_to_buf(cmd, buf, d - buf, alloc_len);
	kfree(buf);
done:
	scst_cmd_done(cmd);
}

/* SYNCHRONIZE CACHE */

void vdisk_sbc_sync_cache(struct scst_cmd *cmd, struct vdisk_dev *vdev)
{
	unsigned int shift = vdev->dev->block_shift;
	u64 lba;
	u32 n;
	int err;

	if (cmd->cdb[0] == 0x35) {
		lba = get_unaligned_be32(cmd->cdb + 2);
		n = get_unaligned_be16(cmd->cdb + 7);
	} else {
		lba = get_unaligned_be64(cmd->cdb + 2);
		n = get_unaligned_be32(cmd->cdb + 10);
	}
	scst_cmd_set_transfer_len(cmd, 0);
	if (!vdisk_lba_ok(vdev, lba, n)) {
		vdisk_set_lba_out_of_range(cmd);
		goto done;
	}
	if (vdisk_is_null(vdev) || !vdisk_cache_volatile(vdev))
		goto done;
	/* IMMED is accepted; status is returned once the cache is written. */
	err = vdev->be->flush(vdev, lba << shift, (loff_t)n << shift);
	if (err)
		vdisk_sbc_set_io_error(cmd, err, true);
done:
	scst_cmd_done(cmd);
}

/* VERIFY, WRITE AND VERIFY */

/*
 * Read [pos, pos + len) back and compare it with the Data-Out buffer:
 * @bytchk 1 compares with the buffer from offset 0, 3 compares every block
 * with the buffer's first block, 0 only checks that the blocks are
 * readable. @cmp_len limits how much of the buffer may be used (the
 * initiator may have sent less than the CDB implies). Returns 0, a
 * backend error, or 1 with the sense set on miscompare.
 */
static int vdisk_verify_range(struct scst_cmd *cmd, struct vdisk_dev *vdev,
			      loff_t pos, u64 len, int bytchk, u64 cmp_len)
{
	unsigned int bs = vdisk_block_size(vdev);
	struct vdisk_buf b;
	u64 off = 0;
	int err;

	err = vdisk_buf_alloc(&b, min_t(u64, len, VDISK_CHUNK_SIZE));
	if (err)
		return err;
	while (off < len) {
		size_t n = min_t(u64, len - off, b.len);
		s64 diff = -1;

		err = vdisk_buf_io(vdev, &b, pos + off, n, false, false);
		if (err)
			break;
		if (bytchk == 1 && off < cmp_len) {
			diff = vdisk_sg_cmp(cmd->sg, cmd->sg_cnt, off, b.data,
					    min_t(u64, n, cmp_len - off));
			if (diff >= 0)
				diff += off;
		} else if (bytchk == 3 && cmp_len >= bs) {
			size_t blk;

			for (blk = 0; blk < n && diff < 0; blk += bs) {
				diff = vdisk_sg_cmp(cmd->sg, cmd->sg_cnt, 0,
						    b.data + blk, bs);
				if (diff >= 0)
					diff += off + blk;
			}
		}
		if (diff >= 0) {
			vdisk_set_miscompare(cmd, diff);
			err = 1;
			break;
		}
		off += n;
	}
	vdisk_buf_free(&b);
	return err;
}

void vdisk_sbc_verify(struct scst_cmd *cmd, struct vdisk_dev *vdev)
{
	unsigned int shift = vdev->dev->block_shift;
	int bytchk = (cmd->cdb[1] >> 1) & 3;
	u64 lba, cmp_len = 0;
	u32 n;
	int err;

	vdisk_decode_lba(cmd->cdb, &lba, &n);
	if (bytchk == 2) {
		scst_cmd_set_invalid_field(cmd, 1, 2);
		goto done;
	}
	if (!vdisk_lba_ok(vdev, lba, n)) {
		vdisk_set_lba_out_of_range(cmd);
		goto done;
	}
	if (bytchk == 1)
		cmp_len = scst_cmd_set_transfer_len(cmd,
						    vdisk_cdb_bytes(vdev, n));
	else if (bytchk == 3)
		cmp_len = scst_cmd_set_transfer_len(cmd, n ? 1U << shift : 0);
	else
		scst_cmd_set_transfer_len(cmd, 0);
	if (!cmd->sg)
		cmp_len = 0;
	/* Only whole blocks are compared. */
	cmp_len = round_down(cmp_len, 1U << shift);
	if (!n)
		goto done;

	if (vdisk_is_null(vdev)) {
		/* The medium reads as zeros. */
		s64 diff = -1;

		if (bytchk == 1 || (bytchk == 3 && cmp_len))
			diff = vdisk_sg_cmp(cmd->sg, cmd->sg_cnt, 0, NULL,
					    cmp_len);
		if (diff >= 0)
			vdisk_set_miscompare(cmd, diff);
		goto done;
	}
	err = vdisk_verify_range(cmd, vdev, lba << shift, (u64)n << shift,
				 bytchk, cmp_len);
	if (err < 0)
		vdisk_sbc_set_io_error(cmd, err, false);
done:
	scst_cmd_done(cmd);
}

void vdisk_sbc_write_verify(struct scst_cmd *cmd, struct vdisk_dev *vdev)
{
	unsigned int shift = vdev->dev->block_shift;
	int bytchk = (cmd->cdb[1] >> 1) & 3;
	u32 n, xfer, len;
	loff_t pos;
	u64 lba, mask;
	int err;

	vdisk_decode_lba(cmd->cdb, &lba, &n);
	if (bytchk > 1) {
		scst_cmd_set_invalid_field(cmd, 1, 2);
		goto done;
	}
	if (!vdisk_lba_ok(vdev, lba, n)) {
		vdisk_set_lba_out_of_range(cmd);
		goto done;
	}
	xfer = scst_cmd_set_transfer_len(cmd, vdisk_cdb_bytes(vdev, n));
	len = round_down(xfer, 1U << shift);
	/* nullio discards what is written: there is nothing to verify. */
	if (!len || !cmd->sg || vdisk_is_null(vdev))
		goto done;

	pos = lba << shift;
	mask = vdisk_rl_mask(pos, len);
	vdisk_rl_write_lock(vdev, mask);
	/* The verification must see the medium, not a volatile cache. */
	err = vdisk_io_sync(vdev, cmd->sg, pos, len, true,
			    vdisk_cache_volatile(vdev));
	if (!err)
		err = vdisk_verify_range(cmd, vdev, pos, len, bytchk, len);
	vdisk_rl_write_unlock(vdev, mask);
	if (err < 0)
		vdisk_sbc_set_io_error(cmd, err, true);
done:
	scst_cmd_done(cmd);
}

/* UNMAP, WRITE SAME */

void vdisk_sbc_unmap(struct scst_cmd *cmd, struct vdisk_dev *vdev)
{
	unsigned int shift = vdev->dev->block_shift;
	u32 plen = get_unaligned_be16(cmd->cdb + 7);
	u32 got, bd_len, count, i;
	u64 mask = 0;
	u8 *buf, *d;
	int err = 0;

	scst_cmd_set_transfer_len(cmd, plen);
	if (!plen)
		goto done;
	buf = kmalloc(plen, vdisk_slow_gfp(cmd, vdev));
	if (!buf) {
		cmd->status = SCST_STATUS_BUSY;
		goto done;
	}
	got = cmd->sg ? scst_cmd_copy_from_buf(cmd, buf, plen) : 0;
	if (got < 8) {
		scst_cmd_set_sense(cmd, SCST_SK_ILLEGAL_REQUEST,
				   VDISK_ASC_PARAM_LIST_LENGTH, 0);
		goto out;
	}
	bd_len = min(get_unaligned_be16(buf + 2), got - 8);
	count = bd_len / 16;
	if (count > VDISK_MAX_UNMAP_DESCRIPTORS) {
		vdisk_set_invalid_param(cmd);
		goto out;
	}
	/* Check every descriptor before touching anything. */
	for (i = 0, d = buf + 8; i < count; i++, d += 16) {
		u64 lba = get_unaligned_be64(d);
		u32 n = get_unaligned_be32(d + 8);

		if (n > VDISK_MAX_UNMAP_BLOCKS) {
			vdisk_set_invalid_param(cmd);
			goto out;
		}
		if (!vdisk_lba_ok(vdev, lba, n)) {
			vdisk_set_lba_out_of_range(cmd);
			goto out;
		}
		mask |= vdisk_rl_mask(lba << shift, (loff_t)n << shift);
	}
	if (vdisk_is_null(vdev))
		goto out;

	vdisk_rl_write_lock(vdev, mask);
	for (i = 0, d = buf + 8; i < count && !err; i++, d += 16) {
		u64 lba = get_unaligned_be64(d);
		u32 n = get_unaligned_be32(d + 8);

		if (n)
			err = vdev->be->unmap(vdev, lba << shift,
					      (loff_t)n << shift);
	}
	vdisk_rl_write_unlock(vdev, mask);
	if (err)
		vdisk_sbc_set_io_error(cmd, err, true);
out:
	kfree(buf);
done:
	scst_cmd_done(cmd);
}

/* Write the block in @blk over [pos, pos + len) in chunks. */
static int vdisk_write_pattern(struct vdisk_dev *vdev, const u8 *blk,
			       loff_t pos, u64 len)
{
	unsigned int bs = vdisk_block_size(vdev);
	bool fua = vdisk_write_fua(vdev, false);
	struct vdisk_buf b;
	size_t off;
	u64 done = 0;
	int err;

	err = vdisk_buf_alloc(&b, min_t(u64, len, VDISK_CHUNK_SIZE));
	if (err)
		return err;
	for (off = 0; off < b.len; off += bs)
		memcpy(b.data + off, blk, bs);
	while (done < len && !err) {
		size_t n = min_t(u64, len - done, b.len);

		err = vdisk_buf_io(vdev, &b, pos + done, n, true, fua);
		done += n;
	}
	vdisk_buf_free(&b);
	return err;
}

void vdisk_sbc_write_same(struct scst_cmd *cmd, struct vdisk_dev *vdev)
{
	bool sixteen = cmd->cdb[0] == 0x93;
	bool unmap = cmd->cdb[1] & 0x08;
	bool ndob = sixteen && (cmd->cdb[1] & 0x01);
	unsigned int shift = vdev->dev->block_shift, bs = 1U << shift;
	unsigned int n_byte = sixteen ? 10 : 7;
	loff_t pos, len;
	u64 lba, mask;
	u32 n, got;
	u8 *blk;
	bool zero;
	int err = -EOPNOTSUPP;

	if (sixteen) {
		lba = get_unaligned_be64(cmd->cdb + 2);
		n = get_unaligned_be32(cmd->cdb + 10);
	} else {
		lba = get_unaligned_be32(cmd->cdb + 2);
		n = get_unaligned_be16(cmd->cdb + 7);
	}
	/* WSNZ is set: zero blocks is not "up to the end of the medium". */
	if (!n || n > VDISK_MAX_WS_BLOCKS) {
		scst_cmd_set_invalid_field(cmd, n_byte, 7);
		goto done;
	}
	if (!vdisk_lba_ok(vdev, lba, n)) {
		vdisk_set_lba_out_of_range(cmd);
		goto done;
	}
	blk = kzalloc(bs, vdisk_slow_gfp(cmd, vdev));
	if (!blk) {
		cmd->status = SCST_STATUS_BUSY;
		goto done;
	}
	if (!ndob) {
		got = scst_cmd_set_transfer_len(cmd, bs);
		if (got < bs || !cmd->sg) {
			/* The block to write did not come: write nothing. */
			scst_cmd_set_sense(cmd, SCST_SK_ILLEGAL_REQUEST,
					   0x0e, 0x03);
			goto out;
		}
		scst_cmd_copy_from_buf(cmd, blk, bs);
	} else {
		scst_cmd_set_transfer_len(cmd, 0);
	}
	if (vdisk_is_null(vdev))
		goto out;

	zero = !memchr_inv(blk, 0, bs);
	pos = lba << shift;
	len = (loff_t)n << shift;
	mask = vdisk_rl_mask(pos, len);
	vdisk_rl_write_lock(vdev, mask);
	/*
	 * Zeros with UNMAP on a thin device deallocate: they then read back
	 * as zeros where LBPRZ says so (fileio), as the store chooses where
	 * it does not (blockio, where initiators use this as a discard).
	 * Other zeros may still be written quickly, keeping the blocks
	 * allocated; anything else is written block by block.
	 */
	if (zero && unmap && vdisk_thin(vdev))
		err = vdev->be->unmap(vdev, pos, len);
	else if (zero && vdev->be->write_zeroes)
		err = vdev->be->write_zeroes(vdev, pos, len);
	if (err == -EOPNOTSUPP)
		err = vdisk_write_pattern(vdev, blk, pos, len);
	else if (!err && vdisk_write_fua(vdev, false))
		err = vdev->be->flush(vdev, pos, len);
	vdisk_rl_write_unlock(vdev, mask);
	if (err)
		vdisk_sbc_set_io_error(cmd, err, true);
out:
	kfree(blk);
done:
	scst_cmd_done(cmd);
}

/* COMPARE AND WRITE */

void vdisk_sbc_compare_write(struct scst_cmd *cmd, struct vdisk_dev *vdev)
{
	unsigned int shift = vdev->dev->block_shift;
	u64 lba = get_unaligned_be64(cmd->cdb + 2);
	u32 n = cmd->cdb[13];
	u32 half = n << shift;
	struct vdisk_buf b;
	loff_t pos;
	u64 mask;
	s64 diff;
	int err;

	if (!vdisk_lba_ok(vdev, lba, n)) {
		vdisk_set_lba_out_of_range(cmd);
		goto done;
	}
	if (scst_cmd_set_transfer_len(cmd, 2 * half) < 2 * half ||
	    (n && !cmd->sg)) {
		/* Without both halves nothing may be compared or written. */
		scst_cmd_set_sense(cmd, SCST_SK_ILLEGAL_REQUEST, 0x0e, 0x03);
		goto done;
	}
	if (!n)
		goto done;

	if (vdisk_is_null(vdev)) {
		diff = vdisk_sg_cmp(cmd->sg, cmd->sg_cnt, 0, NULL, half);
		if (diff >= 0)
			vdisk_set_miscompare(cmd, diff);
		goto done;
	}

	err = vdisk_buf_alloc(&b, half);
	if (err)
		goto fail;
	pos = lba << shift;
	mask = vdisk_rl_mask(pos, half);
	vdisk_rl_excl_lock(vdev, mask);
	err = vdisk_buf_io(vdev, &b, pos, half, false, false);
	if (err) {
		vdisk_rl_excl_unlock(vdev, mask);
		vdisk_buf_free(&b);
		vdisk_sbc_set_io_error(cmd, err, false);
		goto done;
	}
	diff = vdisk_sg_cmp(cmd->sg, cmd->sg_cnt, 0, b.data, half);
	if (diff >= 0) {
		vdisk_set_miscompare(cmd, diff);
	} else {
		sg_pcopy_to_buffer(cmd->sg, cmd->sg_cnt, b.data, half, half);
		err = vdisk_buf_io(vdev, &b, pos, half, true,
				   vdisk_write_fua(vdev, cmd->cdb[1] & 0x08));
	}
	vdisk_rl_excl_unlock(vdev, mask);
	vdisk_buf_free(&b);
fail:
	if (err)
		vdisk_sbc_set_io_error(cmd, err, true);
done:
	scst_cmd_done(cmd);
}
