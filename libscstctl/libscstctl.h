/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libscstctl - configure the SCSI target subsystem over its "scst"
 * generic-netlink family.
 *
 * Conventions, common to every function below:
 *
 * - A struct scst_ctx is one netlink socket plus the state of the last
 *   error. Use one context per thread; contexts share nothing.
 * - Functions that can fail return 0 (or a count) on success and a negative
 *   errno on failure. After a failure, scst_ctx_errmsg() gives one sentence
 *   describing it: the kernel's extended-ack message when the kernel sent
 *   one, otherwise a message composed by the library.
 * - Errors every call that talks to the kernel may return, besides those
 *   listed per function: -ENOMEM, -EPERM (the caller lacks CAP_NET_ADMIN;
 *   every call that changes something needs it), -EINVAL (a name or value
 *   the kernel rejected), -EIO/-EPROTO (a malformed reply), -EAGAIN (a
 *   listing was torn by concurrent changes too many times in a row).
 * - Names are NUL-terminated strings of 1..SCST_NAME_MAX-1 bytes.
 * - Listings return a NULL-terminated array of pointers to structures the
 *   library allocated; free it with the matching *_list_free(). Structures
 *   may grow at their end in later versions: never allocate, copy by value
 *   or take the size of a structure the library returns.
 * - Input structures (struct scst_global, struct scst_dev_attrs) carry a
 *   mask saying which fields are set; the library reads no field whose bit
 *   is clear, so a program built against an older header stays compatible.
 * - The library never prints. Diagnostics go to the log function, if one
 *   is set.
 */
#ifndef LIBSCSTCTL_H
#define LIBSCSTCTL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/scst.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct scst_ctx - a connection to the "scst" family (opaque)
 */
struct scst_ctx;

/**
 * scst_ctx_new() - open a connection to the kernel
 * @ctxp: where to store the new context
 *
 * Opens a generic-netlink socket and resolves the "scst" family.
 *
 * Return: 0, or -EPROTONOSUPPORT when the family is not registered (the
 * scst module is not loaded), -ENOMEM, or another -errno from socket().
 * On failure *@ctxp is NULL; no context exists to ask for a message, so
 * scst_strerror() describes the error.
 *
 * Since: 0.1.0
 */
int scst_ctx_new(struct scst_ctx **ctxp);

/**
 * scst_ctx_free() - close the connection and free the context
 * @ctx: context, or NULL
 *
 * Since: 0.1.0
 */
void scst_ctx_free(struct scst_ctx *ctx);

/**
 * scst_ctx_errmsg() - describe the last error of @ctx
 * @ctx: context
 *
 * Return: one sentence (no trailing newline) about the last failed call on
 * @ctx: the kernel's extended-ack text when there was one, otherwise a
 * message of the library. An empty string when no call has failed yet.
 * The string belongs to @ctx and is valid until the next call on it.
 *
 * Since: 0.1.0
 */
const char *scst_ctx_errmsg(const struct scst_ctx *ctx);

/**
 * scst_ctx_errmsg_from_kernel() - whether the last message came from the kernel
 * @ctx: context
 *
 * Return: true when scst_ctx_errmsg() is the kernel's extended-ack text,
 * false when the library composed it.
 *
 * Since: 0.1.0
 */
bool scst_ctx_errmsg_from_kernel(const struct scst_ctx *ctx);

/**
 * scst_ctx_err_attr() - the attribute the kernel blamed for the last error
 * @ctx: context
 *
 * Return: the SCST_A_* type of the request attribute the kernel's
 * extended ack pointed at, or 0 when it pointed at none.
 *
 * Since: 0.1.0
 */
int scst_ctx_err_attr(const struct scst_ctx *ctx);

/**
 * scst_strerror() - a sentence for an error of scst_ctx_new()
 * @err: negative errno returned by scst_ctx_new()
 *
 * Return: a static string, e.g. "the scst kernel module is not loaded"
 * for -EPROTONOSUPPORT, else strerror(-@err).
 *
 * Since: 0.1.0
 */
const char *scst_strerror(int err);

/**
 * typedef scst_log_fn - a log function
 * @data: the pointer given to scst_ctx_set_log_fn()
 * @priority: syslog priority (LOG_ERR .. LOG_DEBUG)
 * @file: source file of the library
 * @line: source line
 * @fn: function name
 * @format: printf format
 * @args: arguments
 */
typedef void (*scst_log_fn)(void *data, int priority, const char *file,
			    int line, const char *fn, const char *format,
			    va_list args);

/**
 * scst_ctx_set_log_fn() - route the library's diagnostics
 * @ctx: context
 * @fn: log function, or NULL to drop every message (the default)
 * @data: passed to @fn
 *
 * Since: 0.1.0
 */
void scst_ctx_set_log_fn(struct scst_ctx *ctx, scst_log_fn fn, void *data);

/**
 * scst_ctx_set_log_priority() - set the highest priority passed to the log
 * @ctx: context
 * @priority: syslog priority; messages above it are dropped (default
 *	LOG_ERR)
 *
 * Since: 0.1.0
 */
void scst_ctx_set_log_priority(struct scst_ctx *ctx, int priority);

/**
 * scst_library_version() - version of the library
 *
 * Return: a static string such as "0.1.0".
 *
 * Since: 0.1.0
 */
const char *scst_library_version(void);

/* ------------------------------------------------------------------ */
/* Value helpers                                                       */

/**
 * scst_parse_bool() - parse a boolean
 * @s: "on", "off", "1", "0", "yes", "no", "true" or "false"
 * @out: where to store the value
 *
 * Return: 0, or -EINVAL.
 *
 * Since: 0.1.0
 */
int scst_parse_bool(const char *s, bool *out);

/**
 * scst_parse_size() - parse a size in bytes
 * @s: decimal (or 0x hexadecimal) number with an optional suffix K, M, G,
 *	T or P (powers of 1024; "KiB", "MB" and the like are accepted too)
 * @out: where to store the value
 *
 * Return: 0, -EINVAL for a malformed number, -ERANGE on overflow.
 *
 * Since: 0.1.0
 */
int scst_parse_size(const char *s, uint64_t *out);

/**
 * scst_cmd_name() - short name of a command of the family
 * @cmd: SCST_CMD_*
 *
 * Return: a static string such as "device_new" or "cleanup", or
 * "unknown".
 *
 * Since: 0.1.0
 */
const char *scst_cmd_name(unsigned int cmd);

/**
 * scst_cleanup_state_name() - name of a cleanup state
 * @state: enum scst_cleanup_state
 *
 * Return: "draining", "parked", "drained", "freed", "replaced" or "unknown".
 *
 * Since: 0.1.0
 */
const char *scst_cleanup_state_name(unsigned int state);

/* ------------------------------------------------------------------ */
/* Global settings                                                     */

#define SCST_GLOBAL_VERSION		(1U << 0)
#define SCST_GLOBAL_GENERATION		(1U << 1)
#define SCST_GLOBAL_ASYNC_LUN_REPLACE	(1U << 2)
#define SCST_GLOBAL_PARK_LUN_REPLACE	(1U << 3)
#define SCST_GLOBAL_LUN_QUEUE_DEPTH	(1U << 4)	/* since 0.2.0 */

/**
 * struct scst_global - global settings
 * @mask: SCST_GLOBAL_* bits of the fields that are valid (output) or are
 *	to be changed (input)
 * @version: version of the kernel module (output only)
 * @generation: configuration generation, bumped by every change (output
 *	only)
 * @async_lun_replace: LUN replace is asynchronous unless asked otherwise
 * @park_lun_replace: asynchronous LUN replace parks its cleanup
 * @lun_queue_depth: commands one session may have in flight on one LUN
 *	before further ones get TASK SET FULL; 0 is no limit (since 0.2.0;
 *	read only when SCST_GLOBAL_LUN_QUEUE_DEPTH is in @mask)
 */
struct scst_global {
	uint32_t	mask;
	char		*version;
	uint32_t	generation;
	bool		async_lun_replace;
	bool		park_lun_replace;
	uint32_t	lun_queue_depth;
};

/**
 * scst_global_get() - read the global settings
 * @ctx: context
 * @globalp: where to store a structure to free with scst_global_free()
 *
 * Return: 0 or -errno.
 *
 * Since: 0.1.0
 */
int scst_global_get(struct scst_ctx *ctx, struct scst_global **globalp);

/**
 * scst_global_free() - free what scst_global_get() returned
 * @global: structure, or NULL
 *
 * Since: 0.1.0
 */
void scst_global_free(struct scst_global *global);

/**
 * scst_global_set() - change global settings
 * @ctx: context
 * @global: settings; only SCST_GLOBAL_ASYNC_LUN_REPLACE,
 *	SCST_GLOBAL_PARK_LUN_REPLACE and SCST_GLOBAL_LUN_QUEUE_DEPTH of
 *	@global->mask are used
 *
 * Turning park_lun_replace off releases every parked cleanup.
 *
 * Return: 0, -EINVAL when @global->mask selects nothing settable, or
 * -errno.
 *
 * Since: 0.1.0
 */
int scst_global_set(struct scst_ctx *ctx, const struct scst_global *global);

/* ------------------------------------------------------------------ */
/* Handlers and drivers                                                */

/**
 * struct scst_handler - a device handler (device type)
 * @name: "vdisk_fileio", "vdisk_blockio", "vdisk_nullio", ...
 * @create_attrs: NULL-terminated names of the attributes accepted when a
 *	device is created
 * @runtime_attrs: NULL-terminated names of the attributes that can be
 *	changed later
 */
struct scst_handler {
	char	*name;
	char	**create_attrs;
	char	**runtime_attrs;
};

/**
 * scst_handler_list() - list the registered device handlers
 * @ctx: context
 * @handlersp: where to store a NULL-terminated array to free with
 *	scst_handler_list_free()
 *
 * Return: the number of handlers, or -errno.
 *
 * Since: 0.1.0
 */
int scst_handler_list(struct scst_ctx *ctx, struct scst_handler ***handlersp);

/**
 * scst_handler_list_free() - free what scst_handler_list() returned
 * @handlers: array, or NULL
 *
 * Since: 0.1.0
 */
void scst_handler_list_free(struct scst_handler **handlers);

/**
 * struct scst_driver - a target driver (transport)
 * @name: "scst_local", "iscsi", ...
 * @create_attrs: NULL-terminated keys of the driver's own parameters (see
 *	scst_driver_set_params())
 * @runtime_attrs: NULL-terminated names of what can be set on its targets:
 *	"enabled" and the keys of its target parameters (see
 *	scst_target_set_params())
 * @params: NULL-terminated current driver parameters, "key=value" (never
 *	a secret); empty for a driver that has none (since 0.2.0)
 */
struct scst_driver {
	char	*name;
	char	**create_attrs;
	char	**runtime_attrs;
	char	**params;
};

/**
 * scst_driver_list() - list the registered target drivers
 * @ctx: context
 * @driversp: where to store a NULL-terminated array to free with
 *	scst_driver_list_free()
 *
 * Return: the number of drivers, or -errno.
 *
 * Since: 0.1.0
 */
int scst_driver_list(struct scst_ctx *ctx, struct scst_driver ***driversp);

/**
 * scst_driver_list_free() - free what scst_driver_list() returned
 * @drivers: array, or NULL
 *
 * Since: 0.1.0
 */
void scst_driver_list_free(struct scst_driver **drivers);

/*
 * Driver and target parameters
 *
 * What only one transport knows (iSCSI portals, CHAP accounts, negotiation
 * limits) is set as "key=value" strings: the key is everything before the
 * first '=', the value everything after it (it may be empty and may contain
 * '=' and blanks). Which keys a driver accepts is listed by
 * scst_driver_list(); the driver checks the keys and values of all the
 * parameters of one call before it applies any, in order, so a call refused
 * for a bad key or value changes nothing. Only what cannot be known before
 * trying (a portal's port in use) can fail after earlier parameters were
 * applied. Secrets (CHAP secrets) are accepted but
 * never listed back.
 */

/**
 * scst_driver_set_params() - set parameters of a target driver
 * @ctx: context
 * @driver: driver name
 * @params: NULL-terminated "key=value" strings, at least one, each of at
 *	most 4095 bytes, e.g. "portals=0.0.0.0:3260"
 *
 * Nothing is sent when a parameter is malformed (no '=', an empty key, too
 * long); scst_ctx_errmsg() then names it.
 *
 * Return: 0, -EINVAL (a malformed parameter, none given, or a key or value
 * the driver refused; scst_ctx_err_attr() is then SCST_A_DRIVER_PARAM),
 * -ERANGE (a parameter too long), -ENOENT (no such driver), -EOPNOTSUPP
 * (the driver takes no parameters), or -errno.
 *
 * Since: 0.2.0
 */
int scst_driver_set_params(struct scst_ctx *ctx, const char *driver,
			   const char *const *params);

/* ------------------------------------------------------------------ */
/* Devices                                                             */

/**
 * enum scst_dev_attr - attributes of a device
 *
 * Which ones a handler accepts at creation and later is listed by
 * scst_handler_list(). Their names (scst_dev_attr_name()) are those of
 * the scstctl command line and of scst.conf.
 */
enum scst_dev_attr {
	SCST_DEV_ATTR_FILENAME,
	SCST_DEV_ATTR_SIZE,
	SCST_DEV_ATTR_BLOCKSIZE,
	SCST_DEV_ATTR_READ_ONLY,
	SCST_DEV_ATTR_WRITE_THROUGH,
	SCST_DEV_ATTR_NV_CACHE,
	SCST_DEV_ATTR_O_DIRECT,
	SCST_DEV_ATTR_THIN_PROVISIONED,
	SCST_DEV_ATTR_ROTATIONAL,
	SCST_DEV_ATTR_VENDOR,
	SCST_DEV_ATTR_PRODUCT,
	SCST_DEV_ATTR_REVISION,
	SCST_DEV_ATTR_T10_DEV_ID,
	SCST_DEV_ATTR_USN,
	SCST_DEV_ATTR_NAA_ID,
	SCST_DEV_ATTR_EUI64_ID,
	__SCST_DEV_ATTR_MAX
};

#define SCST_DEV_ATTR_BIT(a)	(UINT64_C(1) << (a))

/**
 * struct scst_dev_attrs - attribute values of a device
 * @mask: SCST_DEV_ATTR_BIT()s of the fields that are set
 * @filename: backing file or block device
 * @size: size in bytes (vdisk_nullio, or to grow a file)
 * @blocksize: logical block size, 512 or 4096
 * @read_only: the device rejects writes
 * @write_through: no write-back caching
 * @nv_cache: the backing store has a non-volatile cache
 * @o_direct: open the backing file with O_DIRECT
 * @thin_provisioned: report and honour UNMAP
 * @rotational: report a rotating medium
 * @vendor: T10 vendor identification, at most 8 bytes
 * @product: product identification, at most 16 bytes
 * @revision: product revision, at most 4 bytes
 * @t10_dev_id: T10 vendor-specific device identifier, at most 64 bytes
 * @usn: unit serial number, at most 64 bytes
 * @naa_id: NAA 6 identifier
 * @eui64_id: EUI-64 identifier
 *
 * In input, strings are referenced, not copied; in a struct scst_device
 * they belong to the device structure.
 */
struct scst_dev_attrs {
	uint64_t	mask;
	const char	*filename;
	uint64_t	size;
	uint32_t	blocksize;
	bool		read_only;
	bool		write_through;
	bool		nv_cache;
	bool		o_direct;
	bool		thin_provisioned;
	bool		rotational;
	const char	*vendor;
	const char	*product;
	const char	*revision;
	const char	*t10_dev_id;
	const char	*usn;
	uint8_t		naa_id[16];
	uint64_t	eui64_id;
};

/**
 * scst_dev_attr_name() - name of a device attribute
 * @attr: enum scst_dev_attr
 *
 * Return: a static string ("filename", "size", ...) or NULL.
 *
 * Since: 0.1.0
 */
const char *scst_dev_attr_name(unsigned int attr);

/**
 * scst_dev_attr_by_name() - look a device attribute up by name
 * @name: attribute name
 *
 * Return: the enum scst_dev_attr value, or -ENOENT.
 *
 * Since: 0.1.0
 */
int scst_dev_attr_by_name(const char *name);

/**
 * scst_dev_attrs_parse() - set one attribute from its text form
 * @attrs: attributes to update; the bit of the attribute is set
 * @name: attribute name
 * @value: text value (booleans as in scst_parse_bool(), sizes as in
 *	scst_parse_size(), naa_id as 32 hex digits, eui64_id as 16); string
 *	values are referenced, not copied
 *
 * Return: 0, -ENOENT for an unknown attribute name, -EINVAL for a
 * malformed value, -ERANGE for a value out of range (too long a string,
 * a block size other than 512 or 4096).
 *
 * Since: 0.1.0
 */
int scst_dev_attrs_parse(struct scst_dev_attrs *attrs, const char *name,
			 const char *value);

/**
 * scst_dev_attrs_format() - text form of one attribute
 * @attrs: attributes
 * @attr: enum scst_dev_attr
 * @buf: output buffer
 * @len: size of @buf
 *
 * Booleans are written "0"/"1", sizes in bytes, so that
 * scst_dev_attrs_parse() reads back the same value.
 *
 * Return: the length of the text (as snprintf(); truncated if >= @len),
 * or -ENOENT when @attr is not set in @attrs->mask or unknown.
 *
 * Since: 0.1.0
 */
int scst_dev_attrs_format(const struct scst_dev_attrs *attrs,
			  unsigned int attr, char *buf, size_t len);

/**
 * struct scst_device - a device as the kernel reports it
 * @name: device name
 * @handler: handler name
 * @users: LUNs and pending cleanups using the device
 * @attrs: effective attribute values; @attrs.mask says which ones the
 *	handler reports
 */
struct scst_device {
	char			*name;
	char			*handler;
	uint32_t		users;
	struct scst_dev_attrs	attrs;
};

/**
 * scst_device_add() - create a device
 * @ctx: context
 * @name: new device name (unique across handlers)
 * @handler: handler name
 * @attrs: creation attributes, or NULL
 *
 * Return: 0, -EEXIST when the name is taken, -ENOENT when the handler
 * does not exist, -EINVAL when the handler rejects an attribute, or -errno
 * from opening the backing store.
 *
 * Since: 0.1.0
 */
int scst_device_add(struct scst_ctx *ctx, const char *name,
		    const char *handler, const struct scst_dev_attrs *attrs);

/**
 * scst_device_del() - delete a device
 * @ctx: context
 * @name: device name
 *
 * Return: 0, -ENOENT when there is no such device, -EBUSY when a LUN or a
 * pending cleanup still uses it, or -errno.
 *
 * Since: 0.1.0
 */
int scst_device_del(struct scst_ctx *ctx, const char *name);

/**
 * scst_device_set() - change run-time attributes of a device
 * @ctx: context
 * @name: device name
 * @attrs: attributes to change (every one or none is applied)
 *
 * Return: 0, -ENOENT, -EINVAL (an attribute the handler cannot change),
 * or -errno.
 *
 * Since: 0.1.0
 */
int scst_device_set(struct scst_ctx *ctx, const char *name,
		    const struct scst_dev_attrs *attrs);

/**
 * scst_device_get() - read one device
 * @ctx: context
 * @name: device name
 * @devicep: where to store a structure to free with scst_device_free()
 *
 * Return: 0, -ENOENT, or -errno.
 *
 * Since: 0.1.0
 */
int scst_device_get(struct scst_ctx *ctx, const char *name,
		    struct scst_device **devicep);

/**
 * scst_device_free() - free one device structure
 * @device: structure, or NULL
 *
 * Since: 0.1.0
 */
void scst_device_free(struct scst_device *device);

/**
 * scst_device_list() - list every device
 * @ctx: context
 * @devicesp: where to store a NULL-terminated array to free with
 *	scst_device_list_free()
 *
 * Return: the number of devices, or -errno.
 *
 * Since: 0.1.0
 */
int scst_device_list(struct scst_ctx *ctx, struct scst_device ***devicesp);

/**
 * scst_device_list_free() - free what scst_device_list() returned
 * @devices: array, or NULL
 *
 * Since: 0.1.0
 */
void scst_device_list_free(struct scst_device **devices);

/* ------------------------------------------------------------------ */
/* Targets                                                             */

/**
 * struct scst_target - a target (a port of a driver)
 * @name: target name (unique across drivers)
 * @driver: driver name
 * @enabled: accepting logins
 * @rel_tgt_id: relative target port identifier
 * @nr_sessions: sessions currently open
 * @params: NULL-terminated current target parameters, "key=value" (never
 *	a secret); empty for a driver that has none (since 0.2.0)
 */
struct scst_target {
	char		*name;
	char		*driver;
	bool		enabled;
	uint32_t	rel_tgt_id;
	uint32_t	nr_sessions;
	char		**params;
};

/**
 * scst_target_add() - create a target
 * @ctx: context
 * @name: new target name
 * @driver: driver name
 *
 * Return: 0, -EEXIST, -ENOENT (no such driver), or -errno.
 *
 * Since: 0.1.0
 */
int scst_target_add(struct scst_ctx *ctx, const char *name,
		    const char *driver);

/**
 * scst_target_del() - delete a target, closing its sessions
 * @ctx: context
 * @name: target name
 *
 * Return: 0, -ENOENT, or -errno.
 *
 * Since: 0.1.0
 */
int scst_target_del(struct scst_ctx *ctx, const char *name);

/**
 * scst_target_enable() - enable or disable a target
 * @ctx: context
 * @name: target name
 * @enabled: accept logins or not
 *
 * Return: 0, -ENOENT, or -errno.
 *
 * Since: 0.1.0
 */
int scst_target_enable(struct scst_ctx *ctx, const char *name, bool enabled);

/**
 * scst_target_set_params() - set parameters of a target
 * @ctx: context
 * @name: target name
 * @params: NULL-terminated "key=value" strings, at least one, each of at
 *	most 4095 bytes, e.g. "HeaderDigest=CRC32C" or
 *	"IncomingUser=joe 12charsecret" (see "Driver and target parameters"
 *	above)
 *
 * Nothing is sent when a parameter is malformed (no '=', an empty key, too
 * long); scst_ctx_errmsg() then names it. Whether the target is enabled
 * does not change.
 *
 * Return: 0, -EINVAL (a malformed parameter, none given, or a key or value
 * the driver refused; scst_ctx_err_attr() is then SCST_A_TARGET_PARAM),
 * -ERANGE (a parameter too long or a value out of the driver's range),
 * -ENOENT (no such target), -EOPNOTSUPP (the driver takes no target
 * parameters), or -errno.
 *
 * Since: 0.2.0
 */
int scst_target_set_params(struct scst_ctx *ctx, const char *name,
			   const char *const *params);

/**
 * scst_target_get() - read one target
 * @ctx: context
 * @name: target name
 * @targetp: where to store a structure to free with scst_target_free()
 *
 * Return: 0, -ENOENT, or -errno.
 *
 * Since: 0.1.0
 */
int scst_target_get(struct scst_ctx *ctx, const char *name,
		    struct scst_target **targetp);

/**
 * scst_target_free() - free one target structure
 * @target: structure, or NULL
 *
 * Since: 0.1.0
 */
void scst_target_free(struct scst_target *target);

/**
 * scst_target_list() - list every target
 * @ctx: context
 * @targetsp: where to store a NULL-terminated array to free with
 *	scst_target_list_free()
 *
 * Return: the number of targets, or -errno.
 *
 * Since: 0.1.0
 */
int scst_target_list(struct scst_ctx *ctx, struct scst_target ***targetsp);

/**
 * scst_target_list_free() - free what scst_target_list() returned
 * @targets: array, or NULL
 *
 * Since: 0.1.0
 */
void scst_target_list_free(struct scst_target **targets);

/* ------------------------------------------------------------------ */
/* Access-control groups and initiators                                */

/**
 * struct scst_group - an access-control group of a target
 * @target: target name
 * @name: group name
 * @initiators: NULL-terminated initiator name patterns ('*', '?', a
 *	leading '!' negates)
 */
struct scst_group {
	char	*target;
	char	*name;
	char	**initiators;
};

/**
 * scst_group_add() - create a group
 * @ctx: context
 * @target: target name
 * @group: new group name
 *
 * Return: 0, -EEXIST, -ENOENT (no such target), or -errno.
 *
 * Since: 0.1.0
 */
int scst_group_add(struct scst_ctx *ctx, const char *target,
		   const char *group);

/**
 * scst_group_del() - delete a group with its LUNs and initiators
 * @ctx: context
 * @target: target name
 * @group: group name
 *
 * Return: 0, -ENOENT, or -errno.
 *
 * Since: 0.1.0
 */
int scst_group_del(struct scst_ctx *ctx, const char *target,
		   const char *group);

/**
 * scst_group_list() - list groups
 * @ctx: context
 * @target: only the groups of this target, or NULL for every target
 * @groupsp: where to store a NULL-terminated array to free with
 *	scst_group_list_free()
 *
 * Return: the number of groups, -ENOENT (no such target), or -errno.
 *
 * Since: 0.1.0
 */
int scst_group_list(struct scst_ctx *ctx, const char *target,
		    struct scst_group ***groupsp);

/**
 * scst_group_list_free() - free what scst_group_list() returned
 * @groups: array, or NULL
 *
 * Since: 0.1.0
 */
void scst_group_list_free(struct scst_group **groups);

/**
 * scst_initiator_add() - add an initiator name pattern to a group
 * @ctx: context
 * @target: target name
 * @group: group name
 * @pattern: initiator name pattern
 *
 * Return: 0, -EEXIST (the pattern is in a group of this target already),
 * -ENOENT, or -errno.
 *
 * Since: 0.1.0
 */
int scst_initiator_add(struct scst_ctx *ctx, const char *target,
		       const char *group, const char *pattern);

/**
 * scst_initiator_del() - remove an initiator name pattern from a group
 * @ctx: context
 * @target: target name
 * @group: group name
 * @pattern: initiator name pattern
 *
 * Return: 0, -ENOENT, or -errno.
 *
 * Since: 0.1.0
 */
int scst_initiator_del(struct scst_ctx *ctx, const char *target,
		       const char *group, const char *pattern);

/**
 * scst_initiator_move() - move an initiator name pattern to another group
 * @ctx: context
 * @target: target name
 * @group: group now holding @pattern
 * @pattern: initiator name pattern
 * @new_group: group to move it to
 *
 * Return: 0, -ENOENT, or -errno.
 *
 * Since: 0.1.0
 */
int scst_initiator_move(struct scst_ctx *ctx, const char *target,
			const char *group, const char *pattern,
			const char *new_group);

/**
 * scst_initiator_clear() - remove every initiator pattern of a group
 * @ctx: context
 * @target: target name
 * @group: group name
 *
 * Return: 0, -ENOENT, or -errno.
 *
 * Since: 0.1.0
 */
int scst_initiator_clear(struct scst_ctx *ctx, const char *target,
			 const char *group);

/* ------------------------------------------------------------------ */
/* LUNs                                                                */

/**
 * struct scst_lun - a LUN of a group
 * @target: target name
 * @group: group name, or NULL for the target's default group
 * @lun: LUN number
 * @device: device name
 * @read_only: the LUN is read-only
 */
struct scst_lun {
	char		*target;
	char		*group;
	uint32_t	lun;
	char		*device;
	bool		read_only;
};

/**
 * scst_lun_add() - map a device at a LUN
 * @ctx: context
 * @target: target name
 * @group: group name, or NULL for the default group
 * @lun: LUN number, 0..SCST_LUN_MAX
 * @device: device name
 * @read_only: map read-only
 *
 * Return: 0, -EEXIST (the LUN is mapped), -ENOENT, -ERANGE, or -errno.
 *
 * Since: 0.1.0
 */
int scst_lun_add(struct scst_ctx *ctx, const char *target, const char *group,
		 uint32_t lun, const char *device, bool read_only);

/**
 * scst_lun_del() - unmap a LUN
 * @ctx: context
 * @target: target name
 * @group: group name, or NULL for the default group
 * @lun: LUN number
 *
 * Return: 0, -ENOENT, or -errno.
 *
 * Since: 0.1.0
 */
int scst_lun_del(struct scst_ctx *ctx, const char *target, const char *group,
		 uint32_t lun);

/* Flags of scst_lun_replace(). */
/* Return at once; the old state drains and is freed in the background. */
#define SCST_REPLACE_ASYNC	(1U << 0)
/* Like SCST_REPLACE_ASYNC, but keep the old state until released. */
#define SCST_REPLACE_PARK	(1U << 1)
/* Do not raise the INQUIRY DATA HAS CHANGED unit attention. */
#define SCST_REPLACE_NO_UA	(1U << 2)

/**
 * scst_lun_replace() - map another device at a mapped LUN
 * @ctx: context
 * @target: target name
 * @group: group name, or NULL for the default group
 * @lun: LUN number
 * @device: new device name
 * @flags: SCST_REPLACE_* flags; without SCST_REPLACE_ASYNC or
 *	SCST_REPLACE_PARK the kernel's global settings decide
 * @cleanup_id: optional: receives the id of the background cleanup of an
 *	async or parked replace, 0 when there is none
 * @sync_fallback: optional: set to true when async was asked but the
 *	kernel could not set the background work up and replaced
 *	synchronously
 *
 * New commands go to @device at once. Without async, the call returns once
 * the commands in flight on the old device have finished and its
 * per-session state is freed; with async it returns at once and the
 * cleanup is announced on the events group (see scst_event_open()); with
 * park the old state is kept until scst_cleanup_release().
 *
 * Return: 0, -ENOENT (no such LUN or device), -EINVAL (unknown flag), or
 * -errno. A failed replace leaves the old mapping in place.
 *
 * Since: 0.1.0
 */
int scst_lun_replace(struct scst_ctx *ctx, const char *target,
		     const char *group, uint32_t lun, const char *device,
		     unsigned int flags, uint64_t *cleanup_id,
		     bool *sync_fallback);

/**
 * scst_lun_clear() - unmap every LUN of a group
 * @ctx: context
 * @target: target name
 * @group: group name, or NULL for the default group
 *
 * Return: 0, -ENOENT, or -errno.
 *
 * Since: 0.1.0
 */
int scst_lun_clear(struct scst_ctx *ctx, const char *target,
		   const char *group);

/**
 * scst_lun_list() - list LUNs
 * @ctx: context
 * @target: only this target's LUNs, or NULL for every target
 * @group: with @target: only this group's LUNs, or NULL for every group
 * @lunsp: where to store a NULL-terminated array to free with
 *	scst_lun_list_free()
 *
 * Return: the number of LUNs, -ENOENT, or -errno.
 *
 * Since: 0.1.0
 */
int scst_lun_list(struct scst_ctx *ctx, const char *target, const char *group,
		  struct scst_lun ***lunsp);

/**
 * scst_lun_list_free() - free what scst_lun_list() returned
 * @luns: array, or NULL
 *
 * Since: 0.1.0
 */
void scst_lun_list_free(struct scst_lun **luns);

/* ------------------------------------------------------------------ */
/* Sessions                                                            */

/**
 * struct scst_session - a session (I_T nexus)
 * @target: target name
 * @name: session name
 * @initiator: initiator name
 * @group: group the session's initiator matched, or NULL for the default
 * @cmds_inflight: commands in flight
 * @scsi_host: SCSI host number (scst_local), or -1
 * @params: NULL-terminated "key=value" strings the driver reports, such as
 *	the values an iSCSI login negotiated; read-only, empty for a driver
 *	that reports none (since 0.2.0)
 * @task_set_full: commands of the session answered TASK SET FULL because
 *	of the lun_queue_depth setting (since 0.2.0)
 * @transport_id: the initiator port's TransportID (SPC-4 7.6.4), as
 *	persistent reservations name it, or NULL if the driver reports none
 *	(since 0.2.0)
 * @transport_id_len: its length in bytes
 */
struct scst_session {
	char		*target;
	char		*name;
	char		*initiator;
	char		*group;
	uint32_t	cmds_inflight;
	int64_t		scsi_host;
	char		**params;
	uint64_t	task_set_full;
	uint8_t		*transport_id;
	size_t		transport_id_len;
};

/**
 * scst_session_add() - open a session (drivers such as scst_local)
 * @ctx: context
 * @target: target name
 * @initiator: initiator name
 * @name: session name, or NULL to let the driver choose (the initiator
 *	name)
 *
 * Return: 0, -EEXIST, -ENOENT, -EOPNOTSUPP (the driver makes its sessions
 * from logins), or -errno.
 *
 * Since: 0.1.0
 */
int scst_session_add(struct scst_ctx *ctx, const char *target,
		     const char *initiator, const char *name);

/**
 * scst_session_del() - force a session closed
 * @ctx: context
 * @target: target name
 * @name: session name
 *
 * Return: 0, -ENOENT, or -errno.
 *
 * Since: 0.1.0
 */
int scst_session_del(struct scst_ctx *ctx, const char *target,
		     const char *name);

/**
 * scst_session_list() - list sessions
 * @ctx: context
 * @target: only this target's sessions, or NULL for every target
 * @sessionsp: where to store a NULL-terminated array to free with
 *	scst_session_list_free()
 *
 * Return: the number of sessions, -ENOENT, or -errno.
 *
 * Since: 0.1.0
 */
int scst_session_list(struct scst_ctx *ctx, const char *target,
		      struct scst_session ***sessionsp);

/**
 * scst_session_list_free() - free what scst_session_list() returned
 * @sessions: array, or NULL
 *
 * Since: 0.1.0
 */
void scst_session_list_free(struct scst_session **sessions);

/* ------------------------------------------------------------------ */
/* Cleanups of asynchronous LUN replace                                */

/**
 * struct scst_cleanup - a pending cleanup
 * @id: cleanup id
 * @target: target of the replaced LUN
 * @group: its group, or NULL for the default group
 * @lun: LUN number
 * @old_device: the device that was replaced
 * @state: enum scst_cleanup_state
 * @cmds_inflight: commands still in flight on the old device
 * @age_ms: milliseconds since the replace
 * @device: the device now at the LUN, or NULL
 * @drained: every old command has finished (a parked cleanup stays in
 *	state SCST_CLEANUP_PARKED until released)
 * @nr_drained: with @drained: how many commands drained
 * @drain_ms: with @drained: how long the drain took
 */
struct scst_cleanup {
	uint64_t	id;
	char		*target;
	char		*group;
	uint32_t	lun;
	char		*old_device;
	unsigned int	state;
	uint32_t	cmds_inflight;
	uint64_t	age_ms;
	char		*device;
	bool		drained;
	uint32_t	nr_drained;
	uint64_t	drain_ms;
};

/**
 * scst_cleanup_list() - list pending cleanups
 * @ctx: context
 * @cleanupsp: where to store a NULL-terminated array to free with
 *	scst_cleanup_list_free()
 *
 * Return: the number of cleanups, or -errno.
 *
 * Since: 0.1.0
 */
int scst_cleanup_list(struct scst_ctx *ctx, struct scst_cleanup ***cleanupsp);

/**
 * scst_cleanup_list_free() - free what scst_cleanup_list() returned
 * @cleanups: array, or NULL
 *
 * Since: 0.1.0
 */
void scst_cleanup_list_free(struct scst_cleanup **cleanups);

/**
 * scst_cleanup_release() - release one parked cleanup
 * @ctx: context
 * @id: cleanup id
 *
 * The old state is freed once its commands have drained.
 *
 * Return: 0, -ENOENT, or -errno.
 *
 * Since: 0.1.0
 */
int scst_cleanup_release(struct scst_ctx *ctx, uint64_t id);

/**
 * scst_cleanup_release_all() - release every parked cleanup
 * @ctx: context
 *
 * Return: 0 or -errno.
 *
 * Since: 0.1.0
 */
int scst_cleanup_release_all(struct scst_ctx *ctx);

/* ------------------------------------------------------------------ */
/* Events                                                              */

/**
 * struct scst_events - a socket subscribed to the events group (opaque)
 */
struct scst_events;

/* Bits of struct scst_event's mask: which numeric fields are present. */
#define SCST_EV_LUN			(1U << 0)
#define SCST_EV_CLEANUP_ID		(1U << 1)
#define SCST_EV_CLEANUP_STATE		(1U << 2)
#define SCST_EV_DRAINED			(1U << 3)
#define SCST_EV_DRAIN_MS		(1U << 4)
#define SCST_EV_ENABLED			(1U << 5)
#define SCST_EV_READ_ONLY		(1U << 6)
#define SCST_EV_ASYNC_LUN_REPLACE	(1U << 7)
#define SCST_EV_PARK_LUN_REPLACE	(1U << 8)
#define SCST_EV_GENERATION		(1U << 9)
#define SCST_EV_SCSI_HOST		(1U << 10)
#define SCST_EV_LUN_QUEUE_DEPTH		(1U << 11)	/* since 0.2.0 */

/**
 * struct scst_event - one event
 * @cmd: the SCST_CMD_* that made the change (SCST_CMD_DEVICE_NEW, ...),
 *	or SCST_CMD_CLEANUP_NTF for the life of an async replace
 * @mask: SCST_EV_* bits of the numeric fields present
 * @handler: object names, NULL when absent
 * @device: (see @handler)
 * @driver: (see @handler)
 * @target: (see @handler)
 * @group: (see @handler)
 * @initiator: (see @handler)
 * @new_group: (see @handler)
 * @session: (see @handler)
 * @old_device: (see @handler)
 * @lun: LUN number
 * @cleanup_id: cleanup id
 * @cleanup_state: enum scst_cleanup_state
 * @drained: commands that drained
 * @drain_ms: how long the drain took, in milliseconds
 * @enabled: target enabled
 * @read_only: LUN read-only
 * @async_lun_replace: global setting
 * @park_lun_replace: global setting
 * @generation: configuration generation
 * @scsi_host: SCSI host number of a session
 * @lun_queue_depth: global setting (since 0.2.0)
 */
struct scst_event {
	unsigned int	cmd;
	uint32_t	mask;
	const char	*handler;
	const char	*device;
	const char	*driver;
	const char	*target;
	const char	*group;
	const char	*initiator;
	const char	*new_group;
	const char	*session;
	const char	*old_device;
	uint32_t	lun;
	uint64_t	cleanup_id;
	unsigned int	cleanup_state;
	uint32_t	drained;
	uint64_t	drain_ms;
	bool		enabled;
	bool		read_only;
	bool		async_lun_replace;
	bool		park_lun_replace;
	uint32_t	generation;
	uint32_t	scsi_host;
	uint32_t	lun_queue_depth;
};

/**
 * scst_event_open() - subscribe to configuration events
 * @ctx: context, used to resolve the group and to report errors; it must
 *	outlive the returned object and be used from the same thread
 * @eventsp: where to store the subscription
 *
 * Opens a separate, non-blocking socket joined to the "events" group. Open
 * it before making the changes whose events you wait for.
 *
 * Return: 0, -EPROTONOSUPPORT when the kernel has no events group, or
 * -errno.
 *
 * Since: 0.1.0
 */
int scst_event_open(struct scst_ctx *ctx, struct scst_events **eventsp);

/**
 * scst_event_close() - unsubscribe and free
 * @events: subscription, or NULL
 *
 * Since: 0.1.0
 */
void scst_event_close(struct scst_events *events);

/**
 * scst_event_fd() - the file descriptor to poll for POLLIN
 * @events: subscription
 *
 * Return: a file descriptor owned by @events.
 *
 * Since: 0.1.0
 */
int scst_event_fd(const struct scst_events *events);

/**
 * scst_event_read() - take the next pending event
 * @events: subscription
 * @eventp: receives a pointer to the event, owned by @events and valid
 *	until the next call on @events
 *
 * Never blocks. Call it until it returns 0 after each POLLIN.
 *
 * Return: 1 when *@eventp was set, 0 when no event is pending, -ENOBUFS
 * when the kernel dropped events because they were not read fast enough
 * (resynchronise by listing; later events are delivered normally), or
 * -errno.
 *
 * Since: 0.1.0
 */
int scst_event_read(struct scst_events *events,
		    const struct scst_event **eventp);

#ifdef __cplusplus
}
#endif

#endif /* LIBSCSTCTL_H */
