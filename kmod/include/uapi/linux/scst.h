/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * The "scst" generic-netlink family: configuration of the SCSI target.
 *
 * kmod/include/uapi/scst.yaml is the machine-readable description of this
 * family; this header must match it.
 *
 * Objects and how each is named
 * -----------------------------
 * Every object is named by exactly one attribute (or a short tuple):
 *
 *   handler    SCST_A_HANDLER            ("vdisk_fileio", "vdisk_blockio", ...)
 *   device     SCST_A_DEVICE             (unique across handlers)
 *   driver     SCST_A_DRIVER             ("scst_local", "iscsi")
 *   target     SCST_A_TARGET             (unique across drivers; the
 *                                        driver is named only at creation)
 *   group      SCST_A_TARGET + SCST_A_GROUP
 *   initiator  group + SCST_A_INITIATOR  (a pattern: '*', '?', leading '!')
 *   LUN        target [+ SCST_A_GROUP] + SCST_A_LUN; without SCST_A_GROUP
 *              the target's default group is meant
 *   session    SCST_A_TARGET + SCST_A_SESSION
 *   cleanup    SCST_A_CLEANUP_ID
 *
 * Names are NUL-terminated strings of 1..SCST_NAME_MAX-1 printable bytes
 * with no '/' and no white space (initiator patterns and session names may
 * contain any printable byte except white space).
 *
 * Commands
 * --------
 * SCST_CMD_GLOBAL_GET (do)      -> SCST_A_VERSION, SCST_A_GENERATION,
 *                                  SCST_A_ASYNC_LUN_REPLACE,
 *                                  SCST_A_PARK_LUN_REPLACE,
 *                                  SCST_A_LUN_QUEUE_DEPTH
 * SCST_CMD_GLOBAL_SET (do)      <- SCST_A_ASYNC_LUN_REPLACE,
 *                                  SCST_A_PARK_LUN_REPLACE,
 *                                  SCST_A_LUN_QUEUE_DEPTH
 *                                  (turning park off releases every parked
 *                                  cleanup; a lower queue depth leaves the
 *                                  commands already in flight alone)
 * SCST_CMD_HANDLER_GET (dump)   -> SCST_A_HANDLER, SCST_A_CREATE_ATTR*,
 *                                  SCST_A_RUNTIME_ATTR*
 * SCST_CMD_DEVICE_NEW (do)      <- SCST_A_HANDLER, SCST_A_DEVICE, SCST_A_DEV_*
 * SCST_CMD_DEVICE_DEL (do)      <- SCST_A_DEVICE
 * SCST_CMD_DEVICE_SET (do)      <- SCST_A_DEVICE, SCST_A_DEV_* (run-time ones)
 * SCST_CMD_DEVICE_GET (do/dump) -> SCST_A_HANDLER, SCST_A_DEVICE, SCST_A_DEV_*
 * SCST_CMD_DRIVER_GET (dump)    -> SCST_A_DRIVER, SCST_A_CREATE_ATTR*,
 *                                  SCST_A_RUNTIME_ATTR*
 * SCST_CMD_TARGET_NEW (do)      <- SCST_A_DRIVER, SCST_A_TARGET
 * SCST_CMD_TARGET_DEL (do)      <- target (live sessions are closed)
 * SCST_CMD_TARGET_SET (do)      <- target, SCST_A_TARGET_ENABLED
 * SCST_CMD_TARGET_GET (do/dump) -> target, SCST_A_DRIVER, SCST_A_TARGET_ENABLED,
 *                                  SCST_A_REL_TGT_ID, SCST_A_NR_SESSIONS
 * SCST_CMD_GROUP_NEW/DEL (do)   <- group
 * SCST_CMD_GROUP_GET (dump)     <- optional target filter
 *                               -> group, SCST_A_INITIATOR*
 * SCST_CMD_INITIATOR_ADD/DEL    <- group, SCST_A_INITIATOR
 * SCST_CMD_INITIATOR_MOVE       <- group, SCST_A_INITIATOR, SCST_A_NEW_GROUP
 * SCST_CMD_INITIATOR_CLEAR      <- group
 * SCST_CMD_LUN_NEW (do)         <- LUN, SCST_A_DEVICE, SCST_A_LUN_READ_ONLY
 * SCST_CMD_LUN_DEL (do)         <- LUN
 * SCST_CMD_LUN_REPLACE (do)     <- LUN, SCST_A_DEVICE, SCST_A_REPLACE_FLAGS
 *                               -> SCST_A_CLEANUP_ID (async/park),
 *                                  SCST_A_SYNC_FALLBACK (async was asked but
 *                                  the background work could not be set up;
 *                                  the replace ran synchronously)
 * SCST_CMD_LUN_CLEAR (do)       <- target [+ group]
 * SCST_CMD_LUN_GET (dump)       <- optional target [+ group] filter
 *                               -> LUN, SCST_A_DEVICE, SCST_A_LUN_READ_ONLY
 * SCST_CMD_SESSION_NEW (do)     <- target, SCST_A_INITIATOR [, SCST_A_SESSION]
 *                                  (only drivers whose sessions are made by
 *                                  configuration, such as scst_local)
 * SCST_CMD_SESSION_DEL (do)     <- session (force close)
 * SCST_CMD_SESSION_GET (dump)   -> session, SCST_A_INITIATOR, SCST_A_GROUP,
 *                                  SCST_A_CMDS_INFLIGHT, SCST_A_SCSI_HOST,
 *                                  SCST_A_TASK_SET_FULL, SCST_A_TRANSPORT_ID
 *                                  (how SCSI names the initiator port: SAS
 *                                  address for scst_local, iSCSI name and
 *                                  ISID for iSCSI)
 * SCST_CMD_CLEANUP_GET (dump)   -> SCST_A_CLEANUP_ID, LUN, SCST_A_OLD_DEVICE,
 *                                  SCST_A_CLEANUP_STATE, SCST_A_CMDS_INFLIGHT,
 *                                  SCST_A_CLEANUP_AGE_MS
 * SCST_CMD_CLEANUP_RELEASE (do) <- SCST_A_CLEANUP_ID or SCST_A_CLEANUP_ALL
 * SCST_CMD_DRIVER_SET (do)      <- SCST_A_DRIVER, SCST_A_DRIVER_PARAM*
 *
 * Driver-specific parameters
 * --------------------------
 * What only one transport knows (iSCSI portals, CHAP accounts, negotiation
 * limits) travels as "key=value" strings, one attribute per parameter, so
 * that the family needs no attribute per transport feature:
 *
 *   SCST_A_DRIVER_PARAM   DRIVER_SET sets them, DRIVER_GET lists them
 *   SCST_A_TARGET_PARAM   TARGET_SET sets them (with or without
 *                         SCST_A_TARGET_ENABLED), TARGET_GET lists them
 *   SCST_A_SESSION_PARAM  SESSION_GET lists them (negotiated values)
 *
 * The key is everything before the first '='. The driver checks the keys
 * and values of every parameter of a request before it applies the first,
 * in request order; a refused one (whose attribute the extack names) leaves
 * everything as it was. Only a failure that cannot be foreseen (a portal's
 * port in use) can stop a request after earlier parameters were applied.
 * DRIVER_GET's
 * SCST_A_CREATE_ATTR / SCST_A_RUNTIME_ATTR name the keys a driver accepts.
 * Secrets are never listed.
 *
 * Dumps are consistency-checked: when the configuration changes between two
 * parts of a dump, the part carries NLM_F_DUMP_INTR and the caller retries.
 *
 * Every command that changes something needs CAP_NET_ADMIN.
 *
 * Queueing
 * --------
 * SCST_A_LUN_QUEUE_DEPTH bounds the commands one session may have in
 * flight on one LUN. A command beyond the bound is not queued: it ends at
 * once with status TASK SET FULL (SAM-5), which initiators answer by
 * retrying later with a lower queue depth, and is counted in the session's
 * SCST_A_TASK_SET_FULL. A command that finds its LUN in the middle of a
 * change ends with BUSY and is retried the same way.
 *
 * Events
 * ------
 * Members of the SCST_MCGRP_EVENTS group receive, for every change, a
 * message whose command is the one that made it (SCST_CMD_DEVICE_NEW,
 * SCST_CMD_LUN_DEL, ...) and whose attributes name the object. Sessions
 * that log in or out are announced as SCST_CMD_SESSION_NEW/DEL. The life of
 * an async replace is announced with SCST_CMD_CLEANUP_NTF carrying
 * SCST_A_CLEANUP_ID, SCST_A_CLEANUP_STATE and, once drained,
 * SCST_A_CLEANUP_DRAINED and SCST_A_CLEANUP_DRAIN_MS.
 *
 * Errors
 * ------
 * A failed request returns -errno in the netlink error message together with
 * an extack message naming the problem and, where there is one, the
 * offending attribute. A failed request changes nothing.
 */
#ifndef _UAPI_LINUX_SCST_H
#define _UAPI_LINUX_SCST_H

#define SCST_FAMILY_NAME	"scst"
#define SCST_FAMILY_VERSION	1
#define SCST_MCGRP_EVENTS	"events"

/* Longest name, including the terminating NUL. */
#define SCST_NAME_MAX		256
/* Highest LUN number (flat space addressing). */
#define SCST_LUN_MAX		16383
/* Highest SCST_A_LUN_QUEUE_DEPTH. */
#define SCST_QUEUE_DEPTH_MAX	65535

enum scst_nl_cmd {
	SCST_CMD_UNSPEC,
	SCST_CMD_GLOBAL_GET,
	SCST_CMD_GLOBAL_SET,
	SCST_CMD_HANDLER_GET,
	SCST_CMD_DEVICE_NEW,
	SCST_CMD_DEVICE_DEL,
	SCST_CMD_DEVICE_SET,
	SCST_CMD_DEVICE_GET,
	SCST_CMD_DRIVER_GET,
	SCST_CMD_TARGET_NEW,
	SCST_CMD_TARGET_DEL,
	SCST_CMD_TARGET_SET,
	SCST_CMD_TARGET_GET,
	SCST_CMD_GROUP_NEW,
	SCST_CMD_GROUP_DEL,
	SCST_CMD_GROUP_GET,
	SCST_CMD_INITIATOR_ADD,
	SCST_CMD_INITIATOR_DEL,
	SCST_CMD_INITIATOR_MOVE,
	SCST_CMD_INITIATOR_CLEAR,
	SCST_CMD_LUN_NEW,
	SCST_CMD_LUN_DEL,
	SCST_CMD_LUN_REPLACE,
	SCST_CMD_LUN_CLEAR,
	SCST_CMD_LUN_GET,
	SCST_CMD_SESSION_NEW,
	SCST_CMD_SESSION_DEL,
	SCST_CMD_SESSION_GET,
	SCST_CMD_CLEANUP_GET,
	SCST_CMD_CLEANUP_RELEASE,
	SCST_CMD_CLEANUP_NTF,
	SCST_CMD_DRIVER_SET,

	__SCST_CMD_MAX,
	SCST_CMD_MAX = __SCST_CMD_MAX - 1
};

enum scst_nl_attr {
	SCST_A_UNSPEC,
	SCST_A_PAD,

	/* global */
	SCST_A_VERSION,			/* string */
	SCST_A_GENERATION,		/* u32: bumped by every change */
	SCST_A_ASYNC_LUN_REPLACE,	/* u8 0/1 */
	SCST_A_PARK_LUN_REPLACE,	/* u8 0/1 */

	/* object names */
	SCST_A_HANDLER,			/* string */
	SCST_A_DEVICE,			/* string */
	SCST_A_DRIVER,			/* string */
	SCST_A_TARGET,			/* string */
	SCST_A_GROUP,			/* string */
	SCST_A_INITIATOR,		/* string */
	SCST_A_NEW_GROUP,		/* string */
	SCST_A_LUN,			/* u32, 0..SCST_LUN_MAX */
	SCST_A_SESSION,			/* string */
	SCST_A_OLD_DEVICE,		/* string */

	/* handler and driver descriptions */
	SCST_A_CREATE_ATTR,		/* string, multi: accepted at create */
	SCST_A_RUNTIME_ATTR,		/* string, multi: settable later */

	/* device attributes (handler-dependent) */
	SCST_A_DEV_FILENAME,		/* string */
	SCST_A_DEV_SIZE,		/* u64, bytes */
	SCST_A_DEV_BLOCKSIZE,		/* u32: 512 or 4096 */
	SCST_A_DEV_READ_ONLY,		/* u8 0/1 */
	SCST_A_DEV_WRITE_THROUGH,	/* u8 0/1 */
	SCST_A_DEV_NV_CACHE,		/* u8 0/1 */
	SCST_A_DEV_O_DIRECT,		/* u8 0/1 */
	SCST_A_DEV_THIN_PROVISIONED,	/* u8 0/1 */
	SCST_A_DEV_ROTATIONAL,		/* u8 0/1 */
	SCST_A_DEV_VENDOR,		/* string, at most 8 bytes */
	SCST_A_DEV_PRODUCT,		/* string, at most 16 bytes */
	SCST_A_DEV_REVISION,		/* string, at most 4 bytes */
	SCST_A_DEV_T10_DEV_ID,		/* string, at most 64 bytes */
	SCST_A_DEV_USN,			/* string, at most 64 bytes */
	SCST_A_DEV_NAA_ID,		/* binary, 16 bytes (NAA 6) */
	SCST_A_DEV_EUI64_ID,		/* u64 */
	SCST_A_DEV_USERS,		/* u32, read-only: LUNs and cleanups using it */

	/* targets */
	SCST_A_TARGET_ENABLED,		/* u8 0/1 */
	SCST_A_REL_TGT_ID,		/* u32, read-only */
	SCST_A_NR_SESSIONS,		/* u32, read-only */

	/* LUNs */
	SCST_A_LUN_READ_ONLY,		/* u8 0/1 */
	SCST_A_REPLACE_FLAGS,		/* u32, enum scst_replace_flags */
	SCST_A_SYNC_FALLBACK,		/* flag */

	/* sessions */
	SCST_A_CMDS_INFLIGHT,		/* u32 */
	SCST_A_SCSI_HOST,		/* u32: host number (scst_local) */

	/* cleanups of async LUN replace */
	SCST_A_CLEANUP_ID,		/* u64 */
	SCST_A_CLEANUP_ALL,		/* flag */
	SCST_A_CLEANUP_STATE,		/* u8, enum scst_cleanup_state */
	SCST_A_CLEANUP_AGE_MS,		/* u64 */
	SCST_A_CLEANUP_DRAINED,		/* u32: commands that drained */
	SCST_A_CLEANUP_DRAIN_MS,	/* u64: how long the drain took */

	/* driver-specific parameters, "key=value" strings (see above) */
	SCST_A_DRIVER_PARAM,		/* string, multi: driver-wide */
	SCST_A_TARGET_PARAM,		/* string, multi: per target */
	SCST_A_SESSION_PARAM,		/* string, multi, read-only: per session */

	/* queueing (see "Queueing" above) */
	SCST_A_LUN_QUEUE_DEPTH,		/* u32, 0 = no limit */
	SCST_A_TASK_SET_FULL,		/* u64, read-only, per session */

	/* sessions (continued) */
	SCST_A_TRANSPORT_ID,		/* binary, read-only: the initiator
					 * port's TransportID (SPC-4 7.6.4)
					 */

	__SCST_A_MAX,
	SCST_A_MAX = __SCST_A_MAX - 1
};

enum scst_replace_flags {
	/* Return at once; drain and free in the background. */
	SCST_REPLACE_F_ASYNC = 1U << 0,
	/* Like ASYNC, but keep the old state until released. */
	SCST_REPLACE_F_PARK = 1U << 1,
	/* Do not raise INQUIRY DATA HAS CHANGED. */
	SCST_REPLACE_F_NO_UA = 1U << 2,

	__SCST_REPLACE_F_ALL = SCST_REPLACE_F_ASYNC | SCST_REPLACE_F_PARK |
			       SCST_REPLACE_F_NO_UA
};

enum scst_cleanup_state {
	SCST_CLEANUP_DRAINING,	/* old commands still in flight */
	SCST_CLEANUP_PARKED,	/* drained (or draining) and held until released */
	SCST_CLEANUP_DRAINED,	/* every old command has finished */
	SCST_CLEANUP_FREED,	/* the old state is gone (event only) */
	SCST_CLEANUP_REPLACED,	/* the new mapping is live (event only) */
};

#endif /* _UAPI_LINUX_SCST_H */
