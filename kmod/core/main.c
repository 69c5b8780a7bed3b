// SPDX-License-Identifier: GPL-2.0
/*
 * SCSI target core: module parameters, global state, init and exit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include "scst_priv.h"

/* See scst_priv.h for what this mutex protects. */
DEFINE_MUTEX(scst_mutex);

/* Bumped on every configuration change; never 0, so dumps can check it. */
u32 scst_generation = 1;

/* Cleanup work and session notifications; flushed at exit. */
struct workqueue_struct *scst_wq;

/*
 * Woken whenever a session goes away, a target loses a user, a tgt_dev is
 * released or an aborted command finishes. Waiters re-check their condition.
 */
DECLARE_WAIT_QUEUE_HEAD(scst_wait);

static bool async_lun_replace;
module_param(async_lun_replace, bool, 0444);
MODULE_PARM_DESC(async_lun_replace,
		 "Boot default of the global async_lun_replace setting: LUN replace returns at once and drains the old state in the background (default: off)");

static bool park_lun_replace;
module_param(park_lun_replace, bool, 0444);
MODULE_PARM_DESC(park_lun_replace,
		 "Boot default of the global park_lun_replace setting: keep the old state of a replaced LUN until released (default: off)");

/* The run-time values of the two settings above (scst_mutex). */
static unsigned int lun_queue_depth;
module_param(lun_queue_depth, uint, 0444);
MODULE_PARM_DESC(lun_queue_depth,
		 "Boot default of the global lun_queue_depth setting: commands one session may have in flight on one LUN before further ones get TASK SET FULL (default: 0, no limit)");

bool scst_async_replace;
bool scst_park_replace;
unsigned int scst_lun_queue_depth;

/*
 * Test aid: make the next N allocations of a LUN-replace cleanup fail, to
 * exercise the fall-back to a synchronous replace.
 */
unsigned int scst_fail_cleanup_alloc;
module_param_named(fail_cleanup_alloc, scst_fail_cleanup_alloc, uint, 0644);
MODULE_PARM_DESC(fail_cleanup_alloc,
		 "Testing: fail the next N cleanup allocations of async LUN replace (default: 0)");

/**
 * scst_name_check() - validate an object name
 * @name: NUL-terminated, at most SCST_NAME_MAX - 1 bytes (the policy checked
 *	the length)
 * @any_printable: initiator patterns and session names may contain '/'
 *
 * Return: 0, or -EINVAL for an empty name or a forbidden byte.
 */
int scst_name_check(const char *name, bool any_printable)
{
	const char *p;

	if (!*name)
		return -EINVAL;
	for (p = name; *p; p++) {
		unsigned char c = *p;

		if (c <= ' ' || c >= 0x7f)
			return -EINVAL;
		if (c == '/' && !any_printable)
			return -EINVAL;
	}
	return p - name < SCST_NAME_MAX ? 0 : -EINVAL;
}

static int __init scst_init(void)
{
	int ret;

	scst_async_replace = async_lun_replace;
	scst_park_replace = park_lun_replace;
	if (lun_queue_depth > SCST_QUEUE_DEPTH_MAX) {
		pr_err("lun_queue_depth=%u is above the highest, %u\n",
		       lun_queue_depth, SCST_QUEUE_DEPTH_MAX);
		return -EINVAL;
	}
	scst_lun_queue_depth = lun_queue_depth;

	scst_wq = alloc_workqueue("scst", WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	if (!scst_wq)
		return -ENOMEM;

	ret = scst_netlink_init();
	if (ret)
		goto err_wq;

	pr_info("version %s loaded (async_lun_replace=%d park_lun_replace=%d lun_queue_depth=%u)\n",
		SCST_VERSION, scst_async_replace, scst_park_replace,
		scst_lun_queue_depth);
	return 0;

err_wq:
	destroy_workqueue(scst_wq);
	return ret;
}

/*
 * Handlers and drivers depend on this module, and their devices and targets
 * pin them, so nothing but pending cleanups can be left here; they are
 * released, drained and freed before the workqueue goes.
 */
static void __exit scst_exit(void)
{
	scst_netlink_exit();
	scst_cleanup_exit();
	scst_tgt_exit();
	flush_workqueue(scst_wq);
	destroy_workqueue(scst_wq);
	/* tgt_devs and sessions are freed by RCU callbacks. */
	rcu_barrier();
	pr_info("unloaded\n");
}

module_init(scst_init);
module_exit(scst_exit);
MODULE_LICENSE("GPL");
MODULE_VERSION(SCST_VERSION);
MODULE_DESCRIPTION("SCSI target core");
MODULE_ALIAS_GENL_FAMILY(SCST_FAMILY_NAME);
