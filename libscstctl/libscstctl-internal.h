/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Private to the library: the netlink request engine shared by every
 * object file, logging, and allocation helpers.
 */
#ifndef LIBSCSTCTL_INTERNAL_H
#define LIBSCSTCTL_INTERNAL_H

#include <syslog.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>

#include "libscstctl.h"

#define SCST_EXPORT	__attribute__((visibility("default")))
#define SCST_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* How many times a listing is restarted when changes tear it. */
#define SCST_DUMP_RETRIES	8

#define SCST_ERRMSG_MAX		512

struct scst_req;

/* Builds the request of one dump attempt. */
typedef int (*scst_build_fn)(struct nl_msg *msg, const void *arg);

/*
 * Called for every reply message of a request. @tb holds the attributes
 * parsed with the family policy (the last one of each type); @nlh gives
 * access to repeated attributes. Return 0 or -errno (the request then
 * fails with it once the kernel's reply has been read to its end).
 */
typedef int (*scst_parse_fn)(struct scst_ctx *ctx, struct nlattr **tb,
			     struct nlmsghdr *nlh, void *arg);

struct scst_req {
	uint32_t	seq;
	struct nl_msg	*msg;		/* the request, to locate extack offsets */
	bool		done;
	bool		intr;		/* a part carried NLM_F_DUMP_INTR */
	int		error;		/* kernel's -errno */
	int		parse_error;	/* first failure of @parse */
	scst_parse_fn	parse;
	void		*arg;
};

struct scst_ctx {
	struct nl_sock	*sk;
	struct nl_cb	*cb;
	int		family;

	scst_log_fn	log_fn;
	void		*log_data;
	int		log_priority;

	/* Only meaningful during scst_request(). */
	struct scst_req	*req;

	char		errmsg[SCST_ERRMSG_MAX];
	bool		errmsg_kernel;
	int		err_attr;
};

void scst_log(const struct scst_ctx *ctx, int priority, const char *file,
	      int line, const char *fn, const char *fmt, ...) SCST_PRINTF(6, 7);

#define scst_dbg(ctx, ...) \
	scst_log(ctx, LOG_DEBUG, __FILE__, __LINE__, __func__, __VA_ARGS__)
#define scst_err(ctx, ...) \
	scst_log(ctx, LOG_ERR, __FILE__, __LINE__, __func__, __VA_ARGS__)

int scst_nl_errno(int nlerr);

void scst_set_errmsg(struct scst_ctx *ctx, const char *fmt, ...)
	SCST_PRINTF(2, 3);
void scst_clear_error(struct scst_ctx *ctx);
int scst_fail(struct scst_ctx *ctx, int err, const char *fmt, ...)
	SCST_PRINTF(3, 4);

struct nl_msg *scst_msg_new(struct scst_ctx *ctx, uint8_t cmd, int flags);
int scst_msg_strs(struct scst_ctx *ctx, uint8_t cmd, int flags,
		  struct nl_msg **msgp, ...);
int scst_need(struct scst_ctx *ctx, const char *name, const char *what);
int scst_request(struct scst_ctx *ctx, struct nl_msg *msg,
		 scst_parse_fn parse, void *arg);

/* Forgets what a torn dump attempt collected. */
typedef void (*scst_reset_fn)(void *arg);

int scst_dump(struct scst_ctx *ctx, uint8_t cmd, scst_build_fn build,
	      const void *build_arg, scst_parse_fn parse,
	      scst_reset_fn reset, void *arg);

/* Attribute policy of replies and events. */
extern const struct nla_policy scst_policy[SCST_A_MAX + 1];

int scst_put_str(struct nl_msg *msg, int type, const char *s);
int scst_put_opt_str(struct nl_msg *msg, int type, const char *s);

/* Longest "key=value" parameter, without its NUL (the kernel's bound). */
#define SCST_PARAM_MAX		4095

/*
 * Checks every "key=value" of @params and adds each as an attribute of
 * @type to @msg; on failure @msg is freed and scst_ctx_errmsg() names
 * the offending parameter.
 */
int scst_params_put(struct scst_ctx *ctx, struct nl_msg *msg, int type,
		    const char *const *params);

char *scst_attr_strdup(const struct nlattr *nla);
int scst_dup_opt(struct nlattr **tb, int type, char **out);
int scst_collect_strings(struct nlmsghdr *nlh, int type, char ***out);
void scst_strv_free(char **v);

/* A growing NULL-terminated array of pointers. */
struct scst_vec {
	void	**v;
	size_t	n;
	size_t	cap;
};

int scst_vec_push(struct scst_vec *vec, void *p);
void **scst_vec_take(struct scst_vec *vec);

typedef void (*scst_free_fn)(void *);
void scst_vec_clear(struct scst_vec *vec, scst_free_fn free_fn);
void scst_array_free(void **v, scst_free_fn free_fn);

/* Makes one element of a listing from one reply message. */
typedef int (*scst_from_tb_fn)(struct nlattr **tb, struct nlmsghdr *nlh,
			       void **out);

/*
 * A listing: dump @cmd (filtered by what @build puts in the request), turn
 * every reply into an element, and return the NULL-terminated array in
 * *@out and the count, or -errno.
 */
int scst_list(struct scst_ctx *ctx, uint8_t cmd, scst_build_fn build,
	      const void *build_arg, scst_from_tb_fn from_tb,
	      scst_free_fn free_fn, void ***out);

/* Dump filters: a target name and, with it, optionally a group name. */
struct scst_filter {
	const char	*target;
	const char	*group;
};

int scst_filter_build(struct nl_msg *msg, const void *arg);

/* A do request answered by exactly one object. */
int scst_get_one(struct scst_ctx *ctx, struct nl_msg *msg,
		 scst_from_tb_fn from_tb, scst_free_fn free_fn, void **out);

int scst_dev_attrs_put(struct scst_ctx *ctx, struct nl_msg *msg,
		       const struct scst_dev_attrs *attrs);
/* Fills @attrs from a reply; its strings are allocated (free them with
 * scst_dev_attrs_release()). */
int scst_dev_attrs_from_tb(struct nlattr **tb, struct scst_dev_attrs *attrs);
void scst_dev_attrs_release(struct scst_dev_attrs *attrs);

#endif /* LIBSCSTCTL_INTERNAL_H */
