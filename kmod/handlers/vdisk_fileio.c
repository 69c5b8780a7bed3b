// SPDX-License-Identifier: GPL-2.0
/*
 * vdisk_fileio: a regular file, or a block device node, through the VFS.
 *
 * Data moves with ->read_iter/->write_iter over an ITER_BVEC iov_iter built
 * from the command's scatterlist. With o_direct the file is opened O_DIRECT
 * and the kiocb carries ki_complete, so the file system submits the I/O and
 * returns -EIOCBQUEUED; the command completes from the I/O completion and
 * no thread waits for it. Buffered I/O completes synchronously.
 *
 * Both run in the submitting context. Where that context must not wait for
 * I/O (vdisk_can_wait()), the attempt is made with IOCB_NOWAIT on files
 * that support it: direct I/O is still submitted, page cache hits are
 * still served, and whatever would have waited continues on the workqueue.
 * Files without FMODE_NOWAIT go to the workqueue straight away then.
 *
 * FUA and write_through set IOCB_DSYNC on the kiocb, so they apply per
 * command and write_through can change at run time.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/falloc.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include "vdisk.h"

static void vdisk_fileio_start(struct vdisk_io *io, bool nowait);

static void vdisk_fileio_retry(struct work_struct *work)
{
	vdisk_fileio_start(container_of(work, struct vdisk_io, work), false);
}

static void vdisk_fileio_complete(struct kiocb *iocb, long ret)
{
	struct vdisk_io *io = container_of(iocb, struct vdisk_io, iocb);
	size_t left = io->len - io->done_bytes;
	int err = 0;

	/*
	 * An attempt that must not wait stops where it would have: finish
	 * the rest where waiting is allowed.
	 */
	if (io->nowait && (ret == -EAGAIN || ret == -EOPNOTSUPP ||
			   (ret >= 0 && ret < left))) {
		if (ret > 0)
			io->done_bytes += ret;
		queue_work(vdisk_wq, &io->work);
		return;
	}
	if (ret < 0)
		err = ret;
	else if (ret != left)
		/* Short: the file ended (shrunk under us) or the store filled. */
		err = io->write ? -ENOSPC : -EIO;
	if (io->bvec != io->inline_bvec)
		kfree(io->bvec);
	io->done(io, err);
}

/*
 * The file system may complete an asynchronous kiocb before its
 * ->read_iter or ->write_iter returns -EIOCBQUEUED, and may still read the
 * kiocb until it returns (ext4 does, for file_accessed()): the attempt
 * finishes once both the completion and the submitter are done with it.
 */
static void vdisk_fileio_put(struct vdisk_io *io)
{
	if (atomic_dec_and_test(&io->refs))
		vdisk_fileio_complete(&io->iocb, io->result);
}

static void vdisk_fileio_end_io(struct kiocb *iocb, long ret)
{
	struct vdisk_io *io = container_of(iocb, struct vdisk_io, iocb);

	io->result = ret;
	vdisk_fileio_put(io);
}

/* Describe the first io->len bytes of io->sg as bio_vecs. */
static int vdisk_fileio_map(struct vdisk_io *io)
{
	struct scatterlist *sg;
	size_t left = io->len;
	unsigned int n = 0, cap = VDISK_INLINE_BVECS;

	io->bvec = io->inline_bvec;
	for (sg = io->sg; left; sg = sg_next(sg)) {
		if (n == cap) {
			/* Count what is left, then move to a larger array. */
			struct scatterlist *s = sg;
			size_t l = left;
			struct bio_vec *bv;

			while (l) {
				l -= min_t(size_t, l, s->length);
				s = sg_next(s);
				cap++;
			}
			bv = kmalloc_array(cap, sizeof(*bv), GFP_NOIO);
			if (!bv)
				return -ENOMEM;
			memcpy(bv, io->bvec, n * sizeof(*bv));
			io->bvec = bv;
		}
		io->bvec[n].bv_page = sg_page(sg);
		io->bvec[n].bv_offset = sg->offset;
		io->bvec[n].bv_len = min_t(size_t, left, sg->length);
		left -= io->bvec[n].bv_len;
		n++;
	}
	io->nr_bvec = n;
	return 0;
}

static ssize_t vdisk_fileio_rw(struct vdisk_io *io)
{
	struct file *file = io->vdev->file;
	struct iov_iter iter;

	iov_iter_bvec(&iter, io->write ? ITER_SOURCE : ITER_DEST, io->bvec,
		      io->nr_bvec, io->len);
	iov_iter_advance(&iter, io->done_bytes);
	if (io->write)
		return file->f_op->write_iter(&io->iocb, &iter);
	return file->f_op->read_iter(&io->iocb, &iter);
}

/* Transfer what is left of @io, with IOCB_NOWAIT if @nowait. */
static void vdisk_fileio_start(struct vdisk_io *io, bool nowait)
{
	struct kiocb *iocb = &io->iocb;
	ssize_t ret;

	init_sync_kiocb(iocb, io->vdev->file);
	iocb->ki_pos = io->pos + io->done_bytes;
	if (io->write && io->fua)
		iocb->ki_flags |= IOCB_DSYNC;
	if (nowait)
		iocb->ki_flags |= IOCB_NOWAIT;
	if (io->buffered)
		iocb->ki_flags &= ~IOCB_DIRECT;
	if (iocb->ki_flags & IOCB_DIRECT) {
		iocb->ki_complete = vdisk_fileio_end_io;
		atomic_set(&io->refs, 2);
	}
	io->nowait = nowait;

	ret = vdisk_fileio_rw(io);
	if (ret == -EIOCBQUEUED) {
		vdisk_fileio_put(io);
		return;
	}
	/* Anything else: the file system will not call ki_complete. */
	if (ret == -EINVAL && (iocb->ki_flags & IOCB_DIRECT)) {
		/*
		 * The buffer or range does not meet the file system's direct
		 * I/O alignment (a 512-byte device on a 4 KiB-sector store):
		 * serve this command through the page cache instead.
		 */
		io->buffered = true;
		vdisk_fileio_start(io, nowait);
		return;
	}
	vdisk_fileio_complete(iocb, ret);
}

static void vdisk_fileio_submit(struct vdisk_io *io, bool can_wait)
{
	int err;

	err = vdisk_fileio_map(io);
	if (err) {
		io->done(io, err);
		return;
	}
	io->done_bytes = 0;
	io->buffered = false;
	INIT_WORK(&io->work, vdisk_fileio_retry);
	if (can_wait)
		vdisk_fileio_start(io, false);
	else if (io->vdev->file->f_mode & FMODE_NOWAIT)
		/* O_DIRECT submits and returns; page cache hits are served. */
		vdisk_fileio_start(io, true);
	else
		queue_work(vdisk_wq, &io->work);
}

/*
 * Can holes be punched? Try one past the end of the file, which changes
 * no data, and see whether the file system knows the operation.
 */
static bool vdisk_fileio_can_punch(struct file *file)
{
	loff_t end = round_up(i_size_read(file_inode(file)), PAGE_SIZE);

	if (!file->f_op->fallocate || !(file->f_mode & FMODE_WRITE))
		return false;
	return vfs_fallocate(file, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			     end, PAGE_SIZE) == 0;
}

static int vdisk_fileio_open(struct vdisk_dev *vdev,
			     const struct scst_dev_params *p,
			     struct netlink_ext_ack *extack)
{
	int flags = O_LARGEFILE | (p->read_only ? O_RDONLY : O_RDWR);
	struct inode *inode;
	struct file *file;
	umode_t mode;

	if (p->o_direct)
		flags |= O_DIRECT;
	file = filp_open(p->filename, flags, 0);
	if (IS_ERR(file)) {
		switch (PTR_ERR(file)) {
		case -ENOENT:
			NL_SET_ERR_MSG(extack, "filename: no such file");
			break;
		case -EACCES:
		case -EPERM:
			NL_SET_ERR_MSG(extack, "filename: permission denied");
			break;
		case -EROFS:
			NL_SET_ERR_MSG(extack,
				       "filename: read-only file system (set read_only)");
			break;
		case -EINVAL:
			if (p->o_direct)
				NL_SET_ERR_MSG(extack,
					       "o_direct: the file system does not support O_DIRECT");
			else
				NL_SET_ERR_MSG(extack, "filename: cannot be opened");
			break;
		default:
			NL_SET_ERR_MSG(extack, "filename: cannot be opened");
			break;
		}
		return PTR_ERR(file);
	}

	mode = file_inode(file)->i_mode;
	inode = file->f_mapping->host;
	if (S_ISBLK(mode)) {
		vdev->bdev = I_BDEV(inode);
		vdev->can_unmap = (file->f_mode & FMODE_WRITE) &&
				  bdev_write_zeroes_sectors(vdev->bdev);
		vdev->default_rotational = !bdev_nonrot(vdev->bdev);
	} else if (S_ISREG(mode)) {
		struct block_device *sb_bdev = inode->i_sb->s_bdev;

		vdev->can_unmap = vdisk_fileio_can_punch(file);
		vdev->default_rotational = sb_bdev && !bdev_nonrot(sb_bdev);
	} else {
		NL_SET_ERR_MSG(extack,
			       "filename: not a regular file or a block device");
		fput(file);
		return -EINVAL;
	}
	if (!file->f_op->read_iter || !file->f_op->write_iter) {
		NL_SET_ERR_MSG(extack, "filename: the file does not support I/O");
		fput(file);
		return -EINVAL;
	}
	/* Punched holes and zeroed ranges read back as zeros. */
	vdev->lbprz = true;
	vdev->file = file;
	vdev->capacity = i_size_read(inode);
	return 0;
}

static void vdisk_fileio_close(struct vdisk_dev *vdev)
{
	fput(vdev->file);
	vdev->file = NULL;
}

static int vdisk_fileio_resize(struct vdisk_dev *vdev, u64 size,
			       u64 *capacity, struct netlink_ext_ack *extack)
{
	u64 cur = i_size_read(vdev->file->f_mapping->host);
	int err;

	if (size > cur) {
		if (vdev->bdev) {
			NL_SET_ERR_MSG(extack,
				       "size: larger than the block device (grow it, then set size 0 to re-read)");
			return -EINVAL;
		}
		if (!(vdev->file->f_mode & FMODE_WRITE)) {
			NL_SET_ERR_MSG(extack,
				       "size: the backing file is open read-only and cannot grow");
			return -EROFS;
		}
		err = vfs_truncate(&vdev->file->f_path, size);
		if (err) {
			NL_SET_ERR_MSG(extack,
				       "size: cannot extend the backing file");
			return err;
		}
	}
	*capacity = size ? size : cur;
	return 0;
}

static int vdisk_fileio_flush(struct vdisk_dev *vdev, loff_t pos, loff_t len)
{
	return vfs_fsync_range(vdev->file, pos, len ? pos + len - 1 : LLONG_MAX,
			       1);
}

static int vdisk_fileio_unmap(struct vdisk_dev *vdev, loff_t pos, loff_t len)
{
	return vfs_fallocate(vdev->file,
			     FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, pos, len);
}

static int vdisk_fileio_write_zeroes(struct vdisk_dev *vdev, loff_t pos,
				     loff_t len)
{
	return vfs_fallocate(vdev->file,
			     FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, pos, len);
}

/*
 * Provisioning status from SEEK_DATA/SEEK_HOLE. Block device nodes do not
 * know holes: everything is mapped there.
 */
static int vdisk_fileio_lba_status(struct vdisk_dev *vdev, loff_t pos,
				   loff_t end, loff_t *len, bool *deallocated)
{
	unsigned int bs = vdisk_block_size(vdev);
	loff_t data, hole;

	if (vdev->bdev)
		return -EOPNOTSUPP;
	data = vfs_llseek(vdev->file, pos, SEEK_DATA);
	if (data == -ENXIO)
		data = end;
	else if (data < 0)
		return data;
	/* Blocks entirely inside the hole are deallocated. */
	if (round_down(min(data, end), bs) > pos) {
		*deallocated = true;
		*len = round_down(min(data, end), bs) - pos;
		return 0;
	}
	hole = vfs_llseek(vdev->file, pos, SEEK_HOLE);
	if (hole < 0)
		return hole;
	/* A block with any data in it is mapped. */
	*deallocated = false;
	*len = max_t(loff_t, round_up(min(hole, end), bs), pos + bs) - pos;
	return 0;
}

const struct vdisk_backend vdisk_fileio_backend = {
	.ops = {
		.name		= "vdisk_fileio",
		.owner		= THIS_MODULE,
		.create_params	= VDISK_CREATE_PARAMS |
				  SCST_DEVP_BIT(FILENAME) |
				  SCST_DEVP_BIT(O_DIRECT),
		.runtime_params	= VDISK_RUNTIME_PARAMS,
		.attach		= vdisk_attach,
		.detach		= vdisk_detach,
		.set_params	= vdisk_set_params,
		.exec		= vdisk_exec,
	},
	.open		= vdisk_fileio_open,
	.close		= vdisk_fileio_close,
	.resize		= vdisk_fileio_resize,
	.submit		= vdisk_fileio_submit,
	.flush		= vdisk_fileio_flush,
	.unmap		= vdisk_fileio_unmap,
	.write_zeroes	= vdisk_fileio_write_zeroes,
	.lba_status	= vdisk_fileio_lba_status,
};
