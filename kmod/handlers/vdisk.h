/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scst_vdisk: SCSI block devices (SBC) backed by a file, a block device or
 * nothing at all. Private header shared by the files of the module.
 *
 * vdisk_main.c     registration, attach/detach, attributes, module init/exit
 * vdisk_cmd.c      the command table and the dispatcher
 * vdisk_spc.c      primary commands (INQUIRY, MODE SENSE/SELECT, RSOC ...)
 * vdisk_sbc.c      block commands (READ/WRITE, UNMAP, COMPARE AND WRITE ...)
 * vdisk_lock.c     the range lock that makes COMPARE AND WRITE atomic
 * vdisk_fileio.c   backend: a file (or block device) through the VFS
 * vdisk_blockio.c  backend: a block device through bios
 * vdisk_nullio.c   backend: no storage
 */
#ifndef _VDISK_H
#define _VDISK_H

#include <linux/blkdev.h>
#include <linux/bvec.h>
#include <linux/sched.h>
#include <linux/fs.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#ifdef HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif
#include <scst.h>

/*
 * Limits advertised in the Block Limits VPD page. Requests above them are
 * rejected with INVALID FIELD IN CDB (or in the parameter list), so they
 * are promises, not hints.
 */
#define VDISK_MAX_CAW_BLOCKS		255	/* the CDB field is one byte */
#define VDISK_MAX_UNMAP_BLOCKS		0x4000000U
#define VDISK_MAX_UNMAP_DESCRIPTORS	256
#define VDISK_MAX_WS_BLOCKS		0x4000000U
/* Internal buffer for VERIFY, WRITE SAME and friends (bytes). */
#define VDISK_CHUNK_SIZE		(1024 * 1024)

/* bio_vecs kept inside the per-command state; larger lists are allocated. */
#define VDISK_INLINE_BVECS		8

/* Range lock: the LBA space is cut into 1 MiB regions hashed on buckets. */
#define VDISK_RL_BUCKETS		64
#define VDISK_RL_REGION_SHIFT		20

struct vdisk_dev;
struct vdisk_io;

/**
 * struct vdisk_backend - one handler: its ops table for the core and the
 *	backing-store operations used by the command code
 * @ops: what is registered with the core
 * @flags: VDISK_BE_*
 * @open: open the backing store named by @p, set vdev->capacity (bytes) and
 *	the capabilities (can_unmap, lbprz, default_rotational). Process
 *	context.
 * @close: release the backing store.
 * @resize: apply a size change (see vdisk_main.c for the semantics);
 *	returns the new capacity in bytes through @capacity.
 * @submit: start the data transfer described by @io; completes by calling
 *	io->done, possibly before returning, possibly from interrupt context.
 *	Process context. Unless @can_wait, the backend must not wait for I/O
 *	(see vdisk_can_wait()) and hands what would wait to the workqueue.
 * @flush: write back volatile caches for [pos, pos + len) (len 0: all).
 * @unmap: deallocate [pos, pos + len); reads return zeros afterwards when
 *	vdev->lbprz.
 * @write_zeroes: zero [pos, pos + len) and keep it allocated; -EOPNOTSUPP
 *	lets the caller write zeros itself.
 * @lba_status: provisioning status of the extent that starts at @pos: its
 *	length in bytes and whether it is deallocated.
 */
struct vdisk_backend {
	struct scst_handler_ops	ops;
	unsigned int		flags;

	int	(*open)(struct vdisk_dev *vdev, const struct scst_dev_params *p,
			struct netlink_ext_ack *extack);
	void	(*close)(struct vdisk_dev *vdev);
	int	(*resize)(struct vdisk_dev *vdev, u64 size, u64 *capacity,
			  struct netlink_ext_ack *extack);
	void	(*submit)(struct vdisk_io *io, bool can_wait);
	int	(*flush)(struct vdisk_dev *vdev, loff_t pos, loff_t len);
	int	(*unmap)(struct vdisk_dev *vdev, loff_t pos, loff_t len);
	int	(*write_zeroes)(struct vdisk_dev *vdev, loff_t pos, loff_t len);
	int	(*lba_status)(struct vdisk_dev *vdev, loff_t pos, loff_t end,
			      loff_t *len, bool *deallocated);
};

/* No backing store: every command completes in the submitting context. */
#define VDISK_BE_NULL		BIT(0)

/**
 * struct vdisk_bucket - one bucket of the range lock
 * @lock: protects @writers and @exclusive; taken from I/O completion
 *	(interrupt) context, hence the _irq variants
 * @writers: writes in flight in the regions of this bucket
 * @exclusive: a COMPARE AND WRITE owns the bucket (or waits for the writers
 *	to drain); new writes wait
 * @wq: where writers and COMPARE AND WRITE wait for each other
 */
struct vdisk_bucket {
	spinlock_t		lock;		/* protects @writers, @exclusive */
	unsigned int		writers;
	bool			exclusive;
	wait_queue_head_t	wq;
} ____cacheline_aligned_in_smp;

/**
 * struct vdisk_dev - handler state of one device (scst_dev::hpriv)
 * @dev: the core's device
 * @be: its backend
 * @file: backing file (fileio; blockio keeps its block device file here)
 * @bdev: block device (blockio, or fileio on a block device node)
 * @capacity: size of the backing store in bytes when last looked at
 * @can_unmap: the backing store can deallocate (punch holes, discard)
 * @lbprz: deallocated blocks read back as zeros
 * @default_rotational: what rotational defaults to for this store
 * @buckets: the range lock (vdisk_lock.c)
 */
struct vdisk_dev {
	struct scst_dev			*dev;
	const struct vdisk_backend	*be;
	struct file			*file;
	struct block_device		*bdev;
	u64				capacity;
	bool				can_unmap;
	bool				lbprz;
	bool				default_rotational;
	struct vdisk_bucket		buckets[VDISK_RL_BUCKETS];
};

/**
 * struct vdisk_io - one transfer between a scatterlist and the backing store
 * @vdev: the device
 * @sg: data buffer; @len bytes are used from its start
 * @pos: byte offset in the backing store
 * @len: bytes to transfer
 * @write: direction
 * @fua: write through to stable storage
 * @done: completion, called exactly once with 0 or -errno
 * @iocb, @bvec, @inline_bvec, @nr_bvec: fileio: the kiocb and the data as
 *	bio_vecs
 * @done_bytes: fileio: bytes already transferred by an earlier attempt
 * @nowait: fileio: this attempt runs with IOCB_NOWAIT
 * @buffered: fileio: go through the page cache although the file is open
 *	O_DIRECT (the request does not meet the direct I/O alignment)
 * @work: fileio: continues in the workqueue what would have waited
 * @pending, @error: blockio: bios in flight (+1 while submitting), the
 *	first error
 */
struct vdisk_io {
	struct vdisk_dev	*vdev;
	struct scatterlist	*sg;
	loff_t			pos;
	size_t			len;
	bool			write;
	bool			fua;
	void			(*done)(struct vdisk_io *io, int err);
	union {
		struct {
			struct kiocb		iocb;
			struct bio_vec		*bvec;
			struct bio_vec		inline_bvec[VDISK_INLINE_BVECS];
			unsigned int		nr_bvec;
			size_t			done_bytes;
			bool			nowait;
			bool			buffered;
			struct work_struct	work;
			/* async attempt: submitter's + completion's */
			atomic_t		refs;
			long			result;
		};
		struct {
			atomic_t	pending;
			int		error;
		};
	};
};

struct vdisk_op;

/**
 * struct vdisk_cmd - per-command state of the handler (from a kmem_cache)
 * @cmd: the core's command
 * @op: its entry in the command table
 * @work: for running in process context when the command arrived in a
 *	context that cannot sleep
 * @rl_mask: range-lock buckets held by a write (0: none)
 * @io: the data transfer
 */
struct vdisk_cmd {
	struct scst_cmd		*cmd;
	const struct vdisk_op	*op;
	struct work_struct	work;
	u64			rl_mask;
	struct vdisk_io		io;
};

/* Flags of a command table entry. */
#define VDISK_OP_SA		BIT(0)	/* opcode has service actions */
#define VDISK_OP_CORE		BIT(1)	/* answered by the core, listed only */
#define VDISK_OP_WRITE		BIT(2)	/* modifies the medium */
#define VDISK_OP_BLOCKING	BIT(3)	/* exec() may sleep */
#define VDISK_OP_DATA_IN	BIT(4)	/* transfers data to the initiator */
#define VDISK_OP_DATA_OUT	BIT(5)	/* transfers data from the initiator */

/**
 * struct vdisk_op - one command the device server implements
 * @opcode, @sa: operation code and (with VDISK_OP_SA) service action
 * @cdb_len: CDB length
 * @flags: VDISK_OP_*
 * @usage: CDB usage data as REPORT SUPPORTED OPERATION CODES returns it;
 *	the dispatcher also rejects any CDB bit outside it
 * @supported: NULL, or whether @vdev implements the command (it is then
 *	both listed and executed only where this says so)
 * @exec: run the command; ends in scst_cmd_done(). Called from the
 *	workqueue when VDISK_OP_BLOCKING is set (unless the device is nullio,
 *	which never blocks), else in the submitting context.
 */
struct vdisk_op {
	u8	opcode;
	u16	sa;
	u8	cdb_len;
	u8	flags;
	u8	usage[16];
	bool	(*supported)(const struct vdisk_dev *vdev);
	void	(*exec)(struct scst_cmd *cmd, struct vdisk_dev *vdev);
};

/* Attributes every handler takes at create time and at run time. */
#define VDISK_CREATE_PARAMS	(SCST_DEVP_BIT(BLOCKSIZE) |		\
				 SCST_DEVP_BIT(READ_ONLY) |		\
				 SCST_DEVP_BIT(WRITE_THROUGH) |		\
				 SCST_DEVP_BIT(NV_CACHE) |		\
				 SCST_DEVP_BIT(THIN_PROVISIONED) |	\
				 SCST_DEVP_BIT(ROTATIONAL) |		\
				 SCST_DEVP_BIT(VENDOR) |		\
				 SCST_DEVP_BIT(PRODUCT) |		\
				 SCST_DEVP_BIT(REVISION) |		\
				 SCST_DEVP_BIT(T10_DEV_ID) |		\
				 SCST_DEVP_BIT(USN) |			\
				 SCST_DEVP_BIT(NAA_ID) |		\
				 SCST_DEVP_BIT(EUI64_ID))
#define VDISK_RUNTIME_PARAMS	(SCST_DEVP_BIT(SIZE) |			\
				 SCST_DEVP_BIT(WRITE_THROUGH) |		\
				 SCST_DEVP_BIT(NV_CACHE) |		\
				 SCST_DEVP_BIT(ROTATIONAL))

/* vdisk_main.c */
int vdisk_attach(struct scst_dev *dev, struct scst_dev_params *p,
		 struct netlink_ext_ack *extack);
void vdisk_detach(struct scst_dev *dev);
int vdisk_set_params(struct scst_dev *dev, struct scst_dev_params *p,
		     struct netlink_ext_ack *extack);
extern struct workqueue_struct *vdisk_wq;
extern struct kmem_cache *vdisk_cmd_cache;
extern const struct vdisk_backend vdisk_fileio_backend;
extern const struct vdisk_backend vdisk_blockio_backend;
extern const struct vdisk_backend vdisk_nullio_backend;
void vdisk_exec(struct scst_cmd *cmd);
void vdisk_set_write_through(struct vdisk_dev *vdev, bool on);

/* vdisk_cmd.c */
extern const struct vdisk_op vdisk_ops[];
extern const unsigned int vdisk_nr_ops;
void vdisk_ops_init(void);
bool vdisk_op_supported(const struct vdisk_op *op,
			const struct vdisk_dev *vdev);
const struct vdisk_op *vdisk_op_find(u8 opcode, u16 sa, bool *sa_unknown);
void vdisk_cmd_defer(struct scst_cmd *cmd, struct vdisk_dev *vdev,
		     const struct vdisk_op *op);

/* vdisk_spc.c */
void vdisk_spc_test_unit_ready(struct scst_cmd *cmd, struct vdisk_dev *vdev);
void vdisk_spc_inquiry(struct scst_cmd *cmd, struct vdisk_dev *vdev);
void vdisk_spc_mode_sense(struct scst_cmd *cmd, struct vdisk_dev *vdev);
void vdisk_spc_mode_select(struct scst_cmd *cmd, struct vdisk_dev *vdev);
void vdisk_spc_start_stop(struct scst_cmd *cmd, struct vdisk_dev *vdev);
void vdisk_spc_report_opcodes(struct scst_cmd *cmd, struct vdisk_dev *vdev);

/* vdisk_sbc.c */
void vdisk_sbc_rw(struct scst_cmd *cmd, struct vdisk_dev *vdev);
void vdisk_sbc_read_capacity10(struct scst_cmd *cmd, struct vdisk_dev *vdev);
void vdisk_sbc_read_capacity16(struct scst_cmd *cmd, struct vdisk_dev *vdev);
void vdisk_sbc_get_lba_status(struct scst_cmd *cmd, struct vdisk_dev *vdev);
void vdisk_sbc_sync_cache(struct scst_cmd *cmd, struct vdisk_dev *vdev);
void vdisk_sbc_verify(struct scst_cmd *cmd, struct vdisk_dev *vdev);
void vdisk_sbc_write_verify(struct scst_cmd *cmd, struct vdisk_dev *vdev);
void vdisk_sbc_unmap(struct scst_cmd *cmd, struct vdisk_dev *vdev);
void vdisk_sbc_write_same(struct scst_cmd *cmd, struct vdisk_dev *vdev);
void vdisk_sbc_compare_write(struct scst_cmd *cmd, struct vdisk_dev *vdev);
void vdisk_sbc_set_io_error(struct scst_cmd *cmd, int err, bool write);
bool vdisk_thin(const struct vdisk_dev *vdev);

/* vdisk_lock.c */
void vdisk_rl_init(struct vdisk_dev *vdev);
u64 vdisk_rl_mask(loff_t pos, loff_t len);
void vdisk_rl_write_lock(struct vdisk_dev *vdev, u64 mask);
bool vdisk_rl_write_trylock(struct vdisk_dev *vdev, u64 mask);
void vdisk_rl_write_unlock(struct vdisk_dev *vdev, u64 mask);
void vdisk_rl_excl_lock(struct vdisk_dev *vdev, u64 mask);
void vdisk_rl_excl_unlock(struct vdisk_dev *vdev, u64 mask);

/* Sense codes used in several places. */
#define VDISK_ASC_INVALID_OPCODE	0x20
#define VDISK_ASC_LBA_OUT_OF_RANGE	0x21
#define VDISK_ASC_INVALID_FIELD_CDB	0x24
#define VDISK_ASC_INVALID_FIELD_PARAM	0x26
#define VDISK_ASC_PARAM_LIST_LENGTH	0x1a
#define VDISK_ASC_WRITE_PROTECTED	0x27
#define VDISK_ASC_MISCOMPARE		0x1d
#define VDISK_ASC_SAVING_NOT_SUPPORTED	0x39

static inline struct vdisk_dev *vdisk_dev(const struct scst_cmd *cmd)
{
	return cmd->dev->hpriv;
}

static inline unsigned int vdisk_block_size(const struct vdisk_dev *vdev)
{
	return 1U << vdev->dev->block_shift;
}

static inline u64 vdisk_nr_blocks(const struct vdisk_dev *vdev)
{
	return READ_ONCE(vdev->dev->nr_blocks);
}

static inline bool vdisk_is_null(const struct vdisk_dev *vdev)
{
	return vdev->be->flags & VDISK_BE_NULL;
}

/* Writes are refused when the device or the LUN is read-only. */
static inline bool vdisk_read_only(const struct scst_cmd *cmd,
				   const struct vdisk_dev *vdev)
{
	return READ_ONCE(vdev->dev->params.read_only) || cmd->lun_read_only;
}

/* The volatile cache is in use: FUA and SYNCHRONIZE CACHE must reach it. */
static inline bool vdisk_cache_volatile(const struct vdisk_dev *vdev)
{
	return !READ_ONCE(vdev->dev->params.nv_cache);
}

/*
 * May the submitting context wait for I/O? Not in atomic context, and not
 * while it is inside a bio submission (current->bio_list set: scst_local's
 * queuecommand reached straight from submit_bio): bios submitted from there
 * are only queued until that submission returns, so waiting for them, or
 * for anything that waits for them, never ends.
 */
static inline bool vdisk_can_wait(const struct scst_cmd *cmd)
{
	return !cmd->atomic && !current->bio_list;
}

/*
 * Backing I/O started in the submitting context goes into a plug of its
 * own. scst_local's queuecommand runs from the initiator's plug flush
 * (blk_finish_plug() of an io_submit() batch or a jbd2 commit, in the same
 * task), and a request added to the plug that is being flushed corrupts its
 * accounting: the flush empties the list but keeps the count, and the next
 * request added to that plug dereferences an empty list. The outer plug is
 * set aside with preemption off, because on kernels that cache a time stamp
 * in the plug (PF_BLOCK_TS), a task switch with the flag set and no plug
 * dereferences current->plug; the flag is cleared with the outer plug set
 * aside, so that the inner plug takes a fresh time stamp.
 */
struct vdisk_plug {
	struct blk_plug	plug;
	struct blk_plug	*outer;
};

static inline void vdisk_plug_start(struct vdisk_plug *p)
{
	preempt_disable();
	p->outer = current->plug;
	current->plug = NULL;
#ifdef PF_BLOCK_TS
	current->flags &= ~PF_BLOCK_TS;
#endif
	blk_start_plug(&p->plug);
	preempt_enable();
}

/* Flushes what was plugged, then puts the outer plug back. */
static inline void vdisk_plug_finish(struct vdisk_plug *p)
{
	blk_finish_plug(&p->plug);
	/* blk_finish_plug() leaves no plug and, with PF_BLOCK_TS, no flag. */
	current->plug = p->outer;
}

/* Allocations in the submitting context follow the same rule. */
static inline gfp_t vdisk_gfp(const struct scst_cmd *cmd)
{
	if (cmd->atomic)
		return GFP_ATOMIC;
	return current->bio_list ? GFP_NOIO : GFP_KERNEL;
}

/* Is [lba, lba + n) inside the device? */
static inline bool vdisk_lba_ok(const struct vdisk_dev *vdev, u64 lba, u64 n)
{
	u64 nr = vdisk_nr_blocks(vdev);

	return lba <= nr && n <= nr - lba;
}

static inline void vdisk_set_lba_out_of_range(struct scst_cmd *cmd)
{
	scst_cmd_set_sense(cmd, SCST_SK_ILLEGAL_REQUEST,
			   VDISK_ASC_LBA_OUT_OF_RANGE, 0);
}

static inline void vdisk_set_write_protected(struct scst_cmd *cmd)
{
	scst_cmd_set_sense(cmd, SCST_SK_DATA_PROTECT,
			   VDISK_ASC_WRITE_PROTECTED, 0);
}

static inline void vdisk_set_invalid_param(struct scst_cmd *cmd)
{
	scst_cmd_set_sense(cmd, SCST_SK_ILLEGAL_REQUEST,
			   VDISK_ASC_INVALID_FIELD_PARAM, 0);
}

/* Helpers shared by the command code (vdisk_sbc.c). */
int vdisk_io_sync(struct vdisk_dev *vdev, struct scatterlist *sg, loff_t pos,
		  size_t len, bool write, bool fua);

/**
 * struct vdisk_buf - a kernel buffer usable both linearly and as a
 *	scatterlist, for commands that read or build data themselves
 */
struct vdisk_buf {
	void			*data;
	size_t			len;
	struct sg_table		sgt;
};

int vdisk_buf_alloc(struct vdisk_buf *b, size_t len);
void vdisk_buf_free(struct vdisk_buf *b);

#endif /* _VDISK_H */
