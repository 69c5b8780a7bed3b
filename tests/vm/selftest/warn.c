// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only module: loading it makes the kernel WARN, so that the VM
 * harness can prove it fails a run whose kernel log shows a warning.
 * Never installed.
 */
#include <linux/module.h>
#include <linux/bug.h>

static int __init scst_selftest_warn_init(void)
{
	WARN(1, "scst_selftest_warn: deliberate warning\n");
	return 0;
}

static void __exit scst_selftest_warn_exit(void)
{
}

module_init(scst_selftest_warn_init);
module_exit(scst_selftest_warn_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Makes the kernel WARN (harness self-test)");
