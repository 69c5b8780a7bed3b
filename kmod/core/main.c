// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/module.h>
#include <scst.h>

static int __init scst_init(void)
{
	pr_info("version %s\n", SCST_VERSION);
	return 0;
}

static void __exit scst_exit(void)
{
}

module_init(scst_init);
module_exit(scst_exit);
MODULE_LICENSE("GPL");
MODULE_VERSION(SCST_VERSION);
MODULE_DESCRIPTION("SCSI target core");
