// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only module: loading it leaks one allocation, so that make
 * check-debug can prove that kmemleak's findings fail a run. Never
 * installed.
 */
#include <linux/module.h>
#include <linux/slab.h>

static int __init scst_selftest_leak_init(void)
{
	void *p = kmalloc(200, GFP_KERNEL);

	/* Forget it: only kmemleak will know. */
	pr_info("scst_selftest_leak: leaked %s\n", p ? "200 bytes" : "nothing");
	return 0;
}

static void __exit scst_selftest_leak_exit(void)
{
}

module_init(scst_selftest_leak_init);
module_exit(scst_selftest_leak_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Leaks memory (harness self-test)");
