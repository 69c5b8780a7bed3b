// SPDX-License-Identifier: GPL-2.0
/*
 * vdisk_blockio: a block device through bios.
 *
 * The device is opened exclusively. Each transfer becomes as few bios as
 * the scatterlist allows, all submitted under one plug; io->pending counts
 * them (plus one held while submitting) and the last end_io completes the
 * command, in whatever context the block layer calls it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/file.h>
#include <linux/fs.h>
#include "vdisk.h"

static void vdisk_blockio_put(struct vdisk_io *io)
{
	if (atomic_dec_and_test(&io->pending))
		io->done(io, io->error);
}

static void vdisk_blockio_end_io(struct bio *bio)
{
	struct vdisk_io *io = bio->bi_private;

	/* Keep the first error; any error fails the whole command. */
	if (bio->bi_status)
		cmpxchg(&io->error, 0, blk_status_to_errno(bio->bi_status));
	bio_put(bio);
	vdisk_blockio_put(io);
}

/* Never waits for its bios: fine whether or not the caller may wait. */
static void vdisk_blockio_submit(struct vdisk_io *io, bool can_wait)
{
	struct block_device *bdev = io->vdev->bdev;
	blk_opf_t opf = REQ_OP_READ;
	struct scatterlist *sg;
	struct bio *bio = NULL;
	struct blk_plug plug;
	size_t done = 0;
	unsigned int left_sgs = sg_nents(io->sg);

	if (io->write) {
		opf = REQ_OP_WRITE | REQ_SYNC | REQ_IDLE;
		if (io->fua)
			opf |= REQ_FUA;
	}
	atomic_set(&io->pending, 1);
	io->error = 0;

	blk_start_plug(&plug);
	for (sg = io->sg; done < io->len; sg = sg_next(sg), left_sgs--) {
		unsigned int len = min_t(size_t, sg->length, io->len - done);
		unsigned int off = sg->offset;
		struct page *page = sg_page(sg);

		while (len) {
			unsigned int added;

			if (!bio) {
				bio = bio_alloc(bdev,
						min_t(unsigned int, left_sgs,
						      BIO_MAX_VECS),
						opf, GFP_NOIO);
				bio->bi_iter.bi_sector =
					(io->pos + done) >> SECTOR_SHIFT;
				bio->bi_end_io = vdisk_blockio_end_io;
				bio->bi_private = io;
				atomic_inc(&io->pending);
			}
			added = bio_add_page(bio, page, len, off);
			if (!added) {
				submit_bio(bio);
				bio = NULL;
				continue;
			}
			len -= added;
			off += added;
			done += added;
		}
	}
	if (bio)
		submit_bio(bio);
	blk_finish_plug(&plug);
	vdisk_blockio_put(io);
}

static int vdisk_blockio_open(struct vdisk_dev *vdev,
			      const struct scst_dev_params *p,
			      struct netlink_ext_ack *extack)
{
	int flags = O_LARGEFILE | O_EXCL | (p->read_only ? O_RDONLY : O_RDWR);
	struct file *file;

	file = filp_open(p->filename, flags, 0);
	if (IS_ERR(file)) {
		switch (PTR_ERR(file)) {
		case -ENOENT:
		case -ENXIO:
		case -ENODEV:
			NL_SET_ERR_MSG(extack, "filename: no such block device");
			break;
		case -EBUSY:
			NL_SET_ERR_MSG(extack,
				       "filename: the block device is in use (mounted or claimed)");
			break;
		case -EACCES:
		case -EPERM:
		case -EROFS:
			NL_SET_ERR_MSG(extack,
				       "filename: cannot be opened for writing (set read_only)");
			break;
		default:
			NL_SET_ERR_MSG(extack, "filename: cannot be opened");
			break;
		}
		return PTR_ERR(file);
	}
	if (!S_ISBLK(file_inode(file)->i_mode)) {
		NL_SET_ERR_MSG(extack, "filename: not a block device");
		fput(file);
		return -ENOTBLK;
	}
	vdev->file = file;
	vdev->bdev = I_BDEV(file->f_mapping->host);
	vdev->capacity = bdev_nr_bytes(vdev->bdev);
	vdev->can_unmap = bdev_max_discard_sectors(vdev->bdev) &&
			  !p->read_only;
	/* A discarded range reads back as whatever the device chooses. */
	vdev->lbprz = false;
	vdev->default_rotational = !bdev_nonrot(vdev->bdev);
	return 0;
}

static void vdisk_blockio_close(struct vdisk_dev *vdev)
{
	fput(vdev->file);
	vdev->file = NULL;
	vdev->bdev = NULL;
}

static int vdisk_blockio_resize(struct vdisk_dev *vdev, u64 size,
				u64 *capacity, struct netlink_ext_ack *extack)
{
	u64 cur = bdev_nr_bytes(vdev->bdev);

	if (size > cur) {
		NL_SET_ERR_MSG(extack,
			       "size: larger than the block device (grow it, then set size 0 to re-read)");
		return -EINVAL;
	}
	*capacity = size ? size : cur;
	return 0;
}

static int vdisk_blockio_flush(struct vdisk_dev *vdev, loff_t pos, loff_t len)
{
	return blkdev_issue_flush(vdev->bdev);
}

static int vdisk_blockio_unmap(struct vdisk_dev *vdev, loff_t pos, loff_t len)
{
	return blkdev_issue_discard(vdev->bdev, pos >> SECTOR_SHIFT,
				    len >> SECTOR_SHIFT, GFP_KERNEL);
}

/* Falls back to writing zero pages itself where WRITE ZEROES is missing. */
static int vdisk_blockio_write_zeroes(struct vdisk_dev *vdev, loff_t pos,
				      loff_t len)
{
	return blkdev_issue_zeroout(vdev->bdev, pos >> SECTOR_SHIFT,
				    len >> SECTOR_SHIFT, GFP_KERNEL,
				    BLKDEV_ZERO_NOUNMAP);
}

const struct vdisk_backend vdisk_blockio_backend = {
	.ops = {
		.name		= "vdisk_blockio",
		.owner		= THIS_MODULE,
		.create_params	= VDISK_CREATE_PARAMS |
				  SCST_DEVP_BIT(FILENAME),
		.runtime_params	= VDISK_RUNTIME_PARAMS,
		.attach		= vdisk_attach,
		.detach		= vdisk_detach,
		.set_params	= vdisk_set_params,
		.exec		= vdisk_exec,
	},
	.open		= vdisk_blockio_open,
	.close		= vdisk_blockio_close,
	.resize		= vdisk_blockio_resize,
	.submit		= vdisk_blockio_submit,
	.flush		= vdisk_blockio_flush,
	.unmap		= vdisk_blockio_unmap,
	.write_zeroes	= vdisk_blockio_write_zeroes,
};
