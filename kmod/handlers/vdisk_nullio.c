// SPDX-License-Identifier: GPL-2.0
/*
 * vdisk_nullio: no backing store. Reads return zeros, writes are
 * discarded, and every command completes in the submitting context (the
 * command code tests VDISK_BE_NULL and never calls submit/flush/unmap).
 * Useful to measure the target stack without any storage behind it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "vdisk.h"

/* What size defaults to when not given: 1 TiB. */
#define VDISK_NULLIO_DEFAULT_SIZE	BIT_ULL(40)

static int vdisk_nullio_open(struct vdisk_dev *vdev,
			     const struct scst_dev_params *p,
			     struct netlink_ext_ack *extack)
{
	vdev->capacity = p->mask & SCST_DEVP_BIT(SIZE) ?
			 p->size : VDISK_NULLIO_DEFAULT_SIZE;
	vdev->can_unmap = true;
	vdev->lbprz = true;
	vdev->default_rotational = false;
	return 0;
}

static void vdisk_nullio_close(struct vdisk_dev *vdev)
{
}

/* Any size goes; 0 keeps the current one. */
static int vdisk_nullio_resize(struct vdisk_dev *vdev, u64 size,
			       u64 *capacity, struct netlink_ext_ack *extack)
{
	*capacity = size ? size : vdev->capacity;
	return 0;
}

const struct vdisk_backend vdisk_nullio_backend = {
	.ops = {
		.name		= "vdisk_nullio",
		.owner		= THIS_MODULE,
		.create_params	= VDISK_CREATE_PARAMS | SCST_DEVP_BIT(SIZE),
		.runtime_params	= VDISK_RUNTIME_PARAMS |
				  SCST_DEVP_BIT(READ_ONLY),
		.attach		= vdisk_attach,
		.detach		= vdisk_detach,
		.set_params	= vdisk_set_params,
		.exec		= vdisk_exec,
	},
	.flags		= VDISK_BE_NULL,
	.open		= vdisk_nullio_open,
	.close		= vdisk_nullio_close,
	.resize		= vdisk_nullio_resize,
};
