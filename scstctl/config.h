/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * scst.conf: parsing, validation, writing, and the difference between two
 * configurations as an ordered list of operations. Nothing here talks to
 * the kernel, so all of it can be unit-tested and fuzzed.
 */
#ifndef SCSTCTL_CONFIG_H
#define SCSTCTL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "libscstctl.h"

/* A "key value" line, as written (after alias translation of the key). */
struct cfg_kv {
	char	*key;
	char	*value;
	int	line;
};

struct cfg_device {
	char			*name;
	char			*handler;
	int			line;
	struct cfg_kv		*attrs;
	size_t			nattrs;
	/* @attrs parsed; its strings point into @attrs. */
	struct scst_dev_attrs	parsed;
};

struct cfg_lun {
	uint32_t	lun;
	char		*device;
	bool		read_only;
	int		line;
};

struct cfg_group {
	char		*name;		/* NULL: the target's default group */
	int		line;
	struct cfg_lun	*luns;
	size_t		nluns;
	struct cfg_kv	*inits;		/* key: initiator pattern */
	size_t		ninits;
};

struct cfg_session {
	char	*name;
	char	*initiator;
	int	line;
};

struct cfg_target {
	char			*name;
	char			*driver;
	int			line;
	bool			has_enabled;
	bool			enabled;
	/* Target parameters, "key value" lines, in file order. */
	struct cfg_kv		*params;
	size_t			nparams;
	struct cfg_group	dflt;
	struct cfg_group	*groups;
	size_t			ngroups;
	struct cfg_session	*sessions;
	size_t			nsessions;
};

/* A TARGET_DRIVER block's own "key value" lines: driver parameters. */
struct cfg_driver {
	char		*name;
	int		line;
	struct cfg_kv	*params;
	size_t		nparams;
};

struct scst_config {
	bool			has_async;
	bool			async_lun_replace;
	bool			has_park;
	bool			park_lun_replace;
	bool			has_qdepth;
	uint32_t		lun_queue_depth;
	struct cfg_device	*devices;
	size_t			ndevices;
	struct cfg_target	*targets;
	size_t			ntargets;
	/* Drivers with parameters (targets name their driver themselves). */
	struct cfg_driver	*drivers;
	size_t			ndrivers;
};

/* What a handler accepts: SCST_DEV_ATTR_BIT()s. */
struct cfg_handler {
	const char	*name;
	uint64_t	create;
	uint64_t	runtime;
};

/*
 * What a target driver accepts: the keys of its own parameters and of its
 * targets' (NULL-terminated), as DRIVER_GET lists them.
 */
struct cfg_driver_keys {
	const char		*name;
	const char *const	*driver_keys;
	const char *const	*target_keys;
};

/*
 * What the kernel accepts, from its listings or built in. A driver missing
 * from @drivers gets its parameters checked by the kernel only.
 */
struct cfg_handlers {
	struct cfg_handler		*v;
	size_t				n;
	const struct cfg_driver_keys	*drivers;
	size_t				ndrivers;
};

/* Diagnostics, each "FILE:LINE: sentence". */
struct cfg_errors {
	char	**msgs;
	size_t	n;
};

void config_init(struct scst_config *cfg);
void config_free(struct scst_config *cfg);
void config_errors_free(struct cfg_errors *errs);

/*
 * Parse @len bytes of @text. @filename prefixes every message. Return 0,
 * or -EINVAL with at least one message in @errs (-ENOMEM without).
 */
int config_parse(const char *text, size_t len, const char *filename,
		 const struct cfg_handlers *handlers, struct scst_config *cfg,
		 struct cfg_errors *errs);
int config_parse_file(const char *path, const struct cfg_handlers *handlers,
		      struct scst_config *cfg, struct cfg_errors *errs);

/*
 * Building a configuration by hand (from the kernel's listings, or in
 * tests). Returned pointers stay valid until the next addition to the
 * same array. NULL or -ENOMEM when out of memory.
 */
struct cfg_device *config_add_device(struct scst_config *cfg,
				     const char *name, const char *handler);
/* -ENOENT unknown attribute, -EINVAL/-ERANGE bad value. */
int config_device_set_attr(struct cfg_device *dev, const char *key,
			   const char *value);
struct cfg_target *config_add_target(struct scst_config *cfg,
				     const char *name, const char *driver);
struct cfg_group *config_add_group(struct cfg_target *t, const char *name);
/* @group NULL: the default group; a named group is made when missing. */
int config_add_lun(struct cfg_target *t, const char *group, uint32_t lun,
		   const char *device, bool read_only);
int config_add_initiator(struct cfg_group *g, const char *pattern);
int config_add_session(struct cfg_target *t, const char *name,
		       const char *initiator);
/* The block of @name, made when missing. */
struct cfg_driver *config_add_driver(struct scst_config *cfg,
				     const char *name);
/* @param is "key=value", as the kernel lists it; -EINVAL without '='. */
int config_driver_add_param(struct cfg_driver *d, const char *param);
int config_target_add_param(struct cfg_target *t, const char *param);

/* The handlers built into this release, used when the kernel is not asked. */
const struct cfg_handlers *config_builtin_handlers(void);
const struct cfg_handler *config_find_handler(const struct cfg_handlers *h,
					      const char *name);
const struct cfg_driver_keys *config_find_driver(const struct cfg_handlers *h,
						 const char *name);

/*
 * Write @cfg in canonical form: sorted, every value normalised, so that
 * two equal configurations give identical files. Device attributes are
 * written when @handlers says they can be set.
 */
int config_write(FILE *f, const struct scst_config *cfg,
		 const struct cfg_handlers *handlers);

/* Operations of a load, in the order they must run. */
enum cfg_op_kind {
	CFG_OP_SESSION_DEL,
	CFG_OP_LUN_DEL,
	CFG_OP_INITIATOR_DEL,
	CFG_OP_GROUP_DEL,
	CFG_OP_TARGET_DEL,
	CFG_OP_DEVICE_DEL,
	CFG_OP_GLOBAL_SET,
	CFG_OP_DRIVER_SET,
	CFG_OP_DEVICE_ADD,
	CFG_OP_DEVICE_SET,
	CFG_OP_TARGET_ADD,
	CFG_OP_GROUP_ADD,
	CFG_OP_INITIATOR_MOVE,
	CFG_OP_INITIATOR_ADD,
	CFG_OP_LUN_REPLACE,
	CFG_OP_LUN_ADD,
	CFG_OP_TARGET_SET,
	CFG_OP_TARGET_ENABLE,
	CFG_OP_SESSION_ADD,
};

/*
 * One operation. Strings point into the configurations given to
 * config_diff(), which must outlive the plan.
 *   device ops:    name, arg = handler, dev (attributes), attrs (mask)
 *   target ops:    target, arg = driver, flag = enabled
 *   group ops:     target, group
 *   initiator ops: target, group, name = pattern, arg = new group
 *   LUN ops:       target, group (NULL: default), lun, arg = device,
 *                  flag = read_only
 *   session ops:   target, name, arg = initiator
 *   global set:    global = the wanted configuration
 *   driver set:    name = driver, param (one parameter)
 *   target set:    target, param (one parameter)
 */
struct cfg_op {
	enum cfg_op_kind		kind;
	const char			*target;
	const char			*group;
	const char			*name;
	const char			*arg;
	uint32_t			lun;
	bool				flag;
	uint64_t			attrs;
	const struct cfg_device		*dev;
	const struct scst_config	*global;
	const struct cfg_kv		*param;
};

struct cfg_plan {
	struct cfg_op	*ops;
	size_t		nops;
};

/*
 * What turns @have into @want. Sessions are only managed for targets of
 * drivers whose sessions come from configuration (scst_local): logins of
 * other drivers are left alone. A driver or target parameter is set
 * unless @have lists the same key with the same value; parameters @want
 * does not mention are left alone (the kernel has no way to unset one,
 * and their defaults are the driver's).
 */
int config_diff(const struct scst_config *want, const struct scst_config *have,
		const struct cfg_handlers *handlers, struct cfg_plan *plan);
void config_plan_free(struct cfg_plan *plan);
/*
 * One line describing @op, as "device add disk1 handler vdisk_nullio". Of a
 * parameter value, only what comes before its first blank is shown: the
 * rest may be a CHAP secret.
 */
void config_op_describe(const struct cfg_op *op, char *buf, size_t len);

/* Whether sessions of targets of @driver are made by configuration. */
bool config_driver_has_sessions(const char *driver);

#endif /* SCSTCTL_CONFIG_H */
