// SPDX-License-Identifier: GPL-2.0
/*
 * scst_vdisk: registration of the three handlers, device attach/detach and
 * attributes, module init/exit.
 *
 * Attributes (struct scst_dev_params). At create time every handler takes
 * blocksize (512 or 4096, default 512), read_only, write_through, nv_cache,
 * thin_provisioned, rotational, vendor, product, revision, t10_dev_id, usn,
 * naa_id and eui64_id; fileio and blockio take filename (an absolute path,
 * required), fileio o_direct, nullio size (default 1 TiB). At run time all
 * take size, write_through, nv_cache and rotational; nullio also read_only.
 *
 * Defaults: thin_provisioned is on when the backing store can deallocate
 * (hole punching for files, discard for blockio, WRITE ZEROES for fileio on
 * a block device) and off for nullio; rotational follows the backing block
 * device; vendor is SCST_FIO / SCST_BIO / SCST_NUL, product the first 16
 * bytes of the device name, revision the module version, t10_dev_id the
 * device name. usn, naa_id and eui64_id are derived from a hash of the
 * device name only, so a device re-created under the same name (after a
 * reboot, on another node of a cluster) keeps its identity.
 *
 * size at run time: 0 re-reads the size of the backing file or device (after
 * it was grown outside); a value sets the capacity to that many bytes (a
 * multiple of blocksize). A backing file is extended to it if shorter; a
 * block device must be at least that large. Shrinking a device that has a
 * backing store is refused, since it would cut off data an initiator may
 * still use; nullio can shrink. Every capacity change raises CAPACITY DATA
 * HAS CHANGED on the I_T nexuses that see the device.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/ctype.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "vdisk.h"

struct workqueue_struct *vdisk_wq;
struct kmem_cache *vdisk_cmd_cache;

static unsigned int company_id = 0x0a0000;
module_param(company_id, uint, 0444);
MODULE_PARM_DESC(company_id,
		 "IEEE company identifier (OUI/CID, 24 bits) in the NAA and EUI-64 identifiers derived from device names");

static const struct vdisk_backend *const vdisk_backends[] = {
	&vdisk_fileio_backend,
	&vdisk_blockio_backend,
	&vdisk_nullio_backend,
};

static const struct vdisk_backend *vdisk_backend_of(struct scst_dev *dev)
{
	return container_of(dev->handler, struct vdisk_backend, ops);
}

void vdisk_set_write_through(struct vdisk_dev *vdev, bool on)
{
	WRITE_ONCE(vdev->dev->params.write_through, on);
}

/* 64-bit FNV-1a: stable across builds, boots and architectures. */
static u64 vdisk_hash(const char *s, u64 basis)
{
	u64 h = basis;

	while (*s) {
		h ^= (u8)*s++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

#define VDISK_HASH_BASIS	0xcbf29ce484222325ULL
#define VDISK_HASH_BASIS2	0x84222325cbf29ce4ULL

/* NAA 6: NAA | company id (24) | vendor specific (36) | extension (64). */
static void vdisk_derive_naa(const char *name, u8 *naa)
{
	u64 vs = vdisk_hash(name, VDISK_HASH_BASIS) & ((1ULL << 36) - 1);
	u64 ext = vdisk_hash(name, VDISK_HASH_BASIS2);
	u32 cid = company_id & 0xffffff;

	naa[0] = 0x60 | (cid >> 20);
	naa[1] = cid >> 12;
	naa[2] = cid >> 4;
	naa[3] = ((cid & 0xf) << 4) | (vs >> 32);
	put_unaligned_be32(vs, naa + 4);
	put_unaligned_be64(ext, naa + 8);
}

static bool vdisk_printable(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

static const char *vdisk_default_vendor(const struct vdisk_backend *be)
{
	if (be == &vdisk_fileio_backend)
		return "SCST_FIO";
	if (be == &vdisk_blockio_backend)
		return "SCST_BIO";
	return "SCST_NUL";
}

/* Checks of values that do not depend on the backing store. */
static int vdisk_params_check(const struct scst_dev_params *p,
			      struct netlink_ext_ack *extack)
{
	u64 m = p->mask;

	if ((m & SCST_DEVP_BIT(BLOCKSIZE)) &&
	    p->blocksize != 512 && p->blocksize != 4096) {
		NL_SET_ERR_MSG(extack, "blocksize: must be 512 or 4096");
		return -EINVAL;
	}
	if ((m & SCST_DEVP_BIT(FILENAME)) &&
	    (!p->filename || p->filename[0] != '/')) {
		NL_SET_ERR_MSG(extack, "filename: must be an absolute path");
		return -EINVAL;
	}
	if ((m & SCST_DEVP_BIT(VENDOR)) &&
	    (!p->vendor[0] || !vdisk_printable(p->vendor))) {
		NL_SET_ERR_MSG(extack, "vendor: must be 1-8 printable ASCII characters");
		return -EINVAL;
	}
	if ((m & SCST_DEVP_BIT(PRODUCT)) &&
	    (!p->product[0] || !vdisk_printable(p->product))) {
		NL_SET_ERR_MSG(extack, "product: must be 1-16 printable ASCII characters");
		return -EINVAL;
	}
	if ((m & SCST_DEVP_BIT(REVISION)) &&
	    (!p->revision[0] || !vdisk_printable(p->revision))) {
		NL_SET_ERR_MSG(extack, "revision: must be 1-4 printable ASCII characters");
		return -EINVAL;
	}
	if ((m & SCST_DEVP_BIT(T10_DEV_ID)) &&
	    (!p->t10_dev_id[0] || !vdisk_printable(p->t10_dev_id))) {
		NL_SET_ERR_MSG(extack, "t10_dev_id: must be 1-64 printable ASCII characters");
		return -EINVAL;
	}
	if ((m & SCST_DEVP_BIT(USN)) &&
	    (!p->usn[0] || !vdisk_printable(p->usn))) {
		NL_SET_ERR_MSG(extack, "usn: must be 1-64 printable ASCII characters");
		return -EINVAL;
	}
	if ((m & SCST_DEVP_BIT(NAA_ID)) && (p->naa_id[0] >> 4) != 6) {
		NL_SET_ERR_MSG(extack,
			       "naa_id: must be an NAA 6 (IEEE Registered Extended) identifier");
		return -EINVAL;
	}
	if ((m & SCST_DEVP_BIT(EUI64_ID)) && !p->eui64_id) {
		NL_SET_ERR_MSG(extack, "eui64_id: must not be zero");
		return -EINVAL;
	}
	return 0;
}

/* Copy a string attribute if given, else the default. */
static void vdisk_param_str(char *dst, size_t size, const char *given,
			    bool has, const char *def)
{
	strscpy(dst, has ? given : def, size);
}

static void vdisk_default_revision(char *rev, size_t size)
{
	const char *v = SCST_VERSION;
	size_t n = 0;

	/* "1.2.3" -> "123": the digits of the module version. */
	for (; *v && n < size - 1; v++)
		if (isdigit(*v))
			rev[n++] = *v;
	rev[n] = '\0';
	if (!n)
		strscpy(rev, "0", size);
}

int vdisk_attach(struct scst_dev *dev, struct scst_dev_params *p,
		 struct netlink_ext_ack *extack)
{
	const struct vdisk_backend *be = vdisk_backend_of(dev);
	struct scst_dev_params eff = { };
	struct vdisk_dev *vdev;
	unsigned int shift;
	char hex[17];
	u64 m = p->mask;
	int err;

	err = vdisk_params_check(p, extack);
	if (err)
		return err;
	if ((be->ops.create_params & SCST_DEVP_BIT(FILENAME)) &&
	    !(m & SCST_DEVP_BIT(FILENAME))) {
		NL_SET_ERR_MSG(extack, "filename: required");
		return -EINVAL;
	}

	eff.blocksize = m & SCST_DEVP_BIT(BLOCKSIZE) ? p->blocksize : 512;
	shift = ilog2(eff.blocksize);
	if ((m & SCST_DEVP_BIT(SIZE)) &&
	    (!p->size || p->size & (eff.blocksize - 1))) {
		NL_SET_ERR_MSG(extack,
			       "size: must be a non-zero multiple of blocksize");
		return -EINVAL;
	}

	vdev = kzalloc(sizeof(*vdev), GFP_KERNEL);
	if (!vdev)
		return -ENOMEM;
	vdev->dev = dev;
	vdev->be = be;
	vdisk_rl_init(vdev);

	eff.read_only = m & SCST_DEVP_BIT(READ_ONLY) && p->read_only;
	eff.o_direct = m & SCST_DEVP_BIT(O_DIRECT) && p->o_direct;
	/* The backend sees the effective open flags. */
	p->read_only = eff.read_only;
	p->o_direct = eff.o_direct;
	err = be->open(vdev, p, extack);
	if (err)
		goto err_free;

	if (vdev->bdev && eff.blocksize < bdev_logical_block_size(vdev->bdev)) {
		NL_SET_ERR_MSG(extack,
			       "blocksize: smaller than the logical block size of the block device");
		err = -EINVAL;
		goto err_close;
	}
	if (!(vdev->capacity >> shift)) {
		if (be->flags & VDISK_BE_NULL)
			NL_SET_ERR_MSG(extack, "size: smaller than one block");
		else
			NL_SET_ERR_MSG(extack,
				       "filename: the backing store is smaller than one block");
		err = -EINVAL;
		goto err_close;
	}
	if (m & SCST_DEVP_BIT(THIN_PROVISIONED)) {
		if (p->thin_provisioned && !vdev->can_unmap) {
			NL_SET_ERR_MSG(extack,
				       "thin_provisioned: the backing store cannot deallocate (no hole punching or discard, or opened read-only)");
			err = -EOPNOTSUPP;
			goto err_close;
		}
		eff.thin_provisioned = p->thin_provisioned;
	} else {
		eff.thin_provisioned = vdev->can_unmap &&
				       !(be->flags & VDISK_BE_NULL);
	}
	eff.rotational = m & SCST_DEVP_BIT(ROTATIONAL) ?
			 p->rotational : vdev->default_rotational;
	eff.write_through = m & SCST_DEVP_BIT(WRITE_THROUGH) &&
			    p->write_through;
	eff.nv_cache = m & SCST_DEVP_BIT(NV_CACHE) && p->nv_cache;

	vdisk_param_str(eff.vendor, sizeof(eff.vendor), p->vendor,
			m & SCST_DEVP_BIT(VENDOR), vdisk_default_vendor(be));
	vdisk_param_str(eff.product, sizeof(eff.product), p->product,
			m & SCST_DEVP_BIT(PRODUCT), dev->name);
	if (m & SCST_DEVP_BIT(REVISION))
		strscpy(eff.revision, p->revision, sizeof(eff.revision));
	else
		vdisk_default_revision(eff.revision, sizeof(eff.revision));
	vdisk_param_str(eff.t10_dev_id, sizeof(eff.t10_dev_id), p->t10_dev_id,
			m & SCST_DEVP_BIT(T10_DEV_ID), dev->name);
	snprintf(hex, sizeof(hex), "%016llx",
		 vdisk_hash(dev->name, VDISK_HASH_BASIS));
	vdisk_param_str(eff.usn, sizeof(eff.usn), p->usn,
			m & SCST_DEVP_BIT(USN), hex);
	if (m & SCST_DEVP_BIT(NAA_ID))
		memcpy(eff.naa_id, p->naa_id, sizeof(eff.naa_id));
	else
		vdisk_derive_naa(dev->name, eff.naa_id);
	eff.eui64_id = m & SCST_DEVP_BIT(EUI64_ID) ? p->eui64_id :
		       ((u64)(company_id & 0xffffff) << 40) |
		       (vdisk_hash(dev->name, VDISK_HASH_BASIS2) &
			((1ULL << 40) - 1));

	if (m & SCST_DEVP_BIT(FILENAME)) {
		eff.filename = kstrdup(p->filename, GFP_KERNEL);
		if (!eff.filename) {
			err = -ENOMEM;
			goto err_close;
		}
	}
	eff.mask = be->ops.create_params | be->ops.runtime_params;
	eff.size = round_down(vdev->capacity, eff.blocksize);

	/* The core frees dev->params (and its filename) after detach. */
	scst_dev_params_free(&dev->params);
	dev->params = eff;
	dev->block_shift = shift;
	dev->nr_blocks = vdev->capacity >> shift;
	dev->hpriv = vdev;
	return 0;

err_close:
	be->close(vdev);
err_free:
	kfree(vdev);
	return err;
}

void vdisk_detach(struct scst_dev *dev)
{
	struct vdisk_dev *vdev = dev->hpriv;

	vdev->be->close(vdev);
	dev->hpriv = NULL;
	kfree(vdev);
}

/*
 * Run-time changes. Everything is checked first; the resize, the only step
 * that can fail once started, comes before the infallible assignments, so
 * that either all changes apply or none does.
 */
int vdisk_set_params(struct scst_dev *dev, struct scst_dev_params *p,
		     struct netlink_ext_ack *extack)
{
	struct vdisk_dev *vdev = dev->hpriv;
	unsigned int shift = dev->block_shift;
	u64 m = p->mask, cap, cur = dev->nr_blocks << shift;
	int err;

	err = vdisk_params_check(p, extack);
	if (err)
		return err;

	if (m & SCST_DEVP_BIT(SIZE)) {
		if (p->size & ((1ULL << shift) - 1)) {
			NL_SET_ERR_MSG(extack,
				       "size: must be a multiple of blocksize");
			return -EINVAL;
		}
		if (p->size && p->size < cur && !vdisk_is_null(vdev)) {
			NL_SET_ERR_MSG(extack,
				       "size: shrinking a device with a backing store is not supported");
			return -EINVAL;
		}
		err = vdev->be->resize(vdev, p->size, &cap, extack);
		if (err)
			return err;
		if (!(cap >> shift)) {
			NL_SET_ERR_MSG(extack,
				       "size: the backing store is smaller than one block");
			return -EINVAL;
		}
		vdev->capacity = cap;
		cap = round_down(cap, 1ULL << shift);
		if (cap != cur) {
			WRITE_ONCE(dev->nr_blocks, cap >> shift);
			WRITE_ONCE(dev->params.size, cap);
			scst_dev_capacity_changed(dev);
		}
	}
	if (m & SCST_DEVP_BIT(READ_ONLY))
		WRITE_ONCE(dev->params.read_only, p->read_only);
	if (m & SCST_DEVP_BIT(WRITE_THROUGH))
		vdisk_set_write_through(vdev, p->write_through);
	if (m & SCST_DEVP_BIT(NV_CACHE))
		WRITE_ONCE(dev->params.nv_cache, p->nv_cache);
	if (m & SCST_DEVP_BIT(ROTATIONAL))
		WRITE_ONCE(dev->params.rotational, p->rotational);
	return 0;
}

static int __init vdisk_init(void)
{
	int i, err;

	vdisk_ops_init();
	vdisk_cmd_cache = KMEM_CACHE(vdisk_cmd, 0);
	if (!vdisk_cmd_cache)
		return -ENOMEM;
	/* On the I/O path, hence able to make progress under reclaim. */
	vdisk_wq = alloc_workqueue("scst_vdisk", WQ_MEM_RECLAIM, 0);
	if (!vdisk_wq) {
		err = -ENOMEM;
		goto err_cache;
	}
	for (i = 0; i < ARRAY_SIZE(vdisk_backends); i++) {
		err = scst_handler_register(&vdisk_backends[i]->ops);
		if (err)
			goto err_unregister;
	}
	return 0;

err_unregister:
	while (--i >= 0)
		scst_handler_unregister(&vdisk_backends[i]->ops);
	destroy_workqueue(vdisk_wq);
err_cache:
	kmem_cache_destroy(vdisk_cmd_cache);
	return err;
}

static void __exit vdisk_exit(void)
{
	int i;

	for (i = ARRAY_SIZE(vdisk_backends) - 1; i >= 0; i--)
		scst_handler_unregister(&vdisk_backends[i]->ops);
	destroy_workqueue(vdisk_wq);
	kmem_cache_destroy(vdisk_cmd_cache);
}

module_init(vdisk_init);
module_exit(vdisk_exit);
MODULE_LICENSE("GPL");
MODULE_VERSION(SCST_VERSION);
MODULE_DESCRIPTION("SCSI target virtual disk handlers: vdisk_fileio, vdisk_blockio, vdisk_nullio");
MODULE_ALIAS("scst-handler-vdisk_fileio");
MODULE_ALIAS("scst-handler-vdisk_blockio");
MODULE_ALIAS("scst-handler-vdisk_nullio");
