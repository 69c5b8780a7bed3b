/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * scstctl: objects and verbs, and what every command file shares.
 */
#ifndef SCSTCTL_H
#define SCSTCTL_H

#include <stdbool.h>
#include <stdint.h>

#include "libscstctl.h"
#include "print.h"

#define EXIT_OK		0
#define EXIT_ERR	1
#define EXIT_USAGE	2

struct cli;

struct cli_verb {
	const char	*name;
	int		(*fn)(struct cli *cli, int argc, char **argv);
	const char	*usage;		/* arguments, after "OBJECT VERB" */
};

struct cli_object {
	const char		*name;
	const struct cli_verb	*verbs;	/* NULL: @fn takes every argument */
	int			(*fn)(struct cli *cli, int argc, char **argv);
	const char		*usage;	/* arguments when @verbs is NULL */
};

struct cli {
	bool				json;
	bool				pretty;
	struct scst_ctx			*ctx;
	const struct cli_object		*obj;
	const struct cli_verb		*verb;
};

extern const struct cli_object cli_objects[];

int scstctl_main(int argc, char **argv);

/* The connection, opened on first use; NULL after the error is printed. */
struct scst_ctx *cli_ctx(struct cli *cli);

/* Print "scstctl: ..." on stderr. */
void cli_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A usage error: the message, then the usage of the current verb. */
int cli_usage(struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A failed library call: the kernel's or the library's sentence. */
int cli_fail(struct cli *cli, int err);

/* Unique-prefix lookup in an array of names ending with NULL. */
int cli_lookup(const char *word, const char *const *names, size_t stride,
	       const char **ambiguous_with);

int cli_parse_u32(const char *s, uint32_t max, uint32_t *out);
int cli_parse_lun(const char *s, uint32_t *out);
int cli_parse_onoff(struct cli *cli, const char *what, const char *s,
		    bool *out);

/* A "KEY=VALUE" driver or target parameter; a usage error when it is not. */
int cli_check_param(struct cli *cli, const char *s);

/* Device attributes: printing with their JSON type. */
void cli_print_dev_attrs(const struct scst_dev_attrs *attrs);
/*
 * Driver, target and session parameters: in JSON always an array of
 * "key=value" strings (a key may repeat), in text " params: k=v ..." and
 * nothing when there are none.
 */
void cli_print_params(char **params);

/* Verbs, one file per object family. */
int cmd_global_show(struct cli *cli, int argc, char **argv);
int cmd_global_set(struct cli *cli, int argc, char **argv);
int cmd_handler_show(struct cli *cli, int argc, char **argv);
int cmd_driver_set(struct cli *cli, int argc, char **argv);
int cmd_driver_show(struct cli *cli, int argc, char **argv);
int cmd_device_add(struct cli *cli, int argc, char **argv);
int cmd_device_del(struct cli *cli, int argc, char **argv);
int cmd_device_set(struct cli *cli, int argc, char **argv);
int cmd_device_show(struct cli *cli, int argc, char **argv);
int cmd_target_add(struct cli *cli, int argc, char **argv);
int cmd_target_del(struct cli *cli, int argc, char **argv);
int cmd_target_set(struct cli *cli, int argc, char **argv);
int cmd_target_show(struct cli *cli, int argc, char **argv);
int cmd_group_add(struct cli *cli, int argc, char **argv);
int cmd_group_del(struct cli *cli, int argc, char **argv);
int cmd_group_show(struct cli *cli, int argc, char **argv);
int cmd_initiator_add(struct cli *cli, int argc, char **argv);
int cmd_initiator_del(struct cli *cli, int argc, char **argv);
int cmd_initiator_move(struct cli *cli, int argc, char **argv);
int cmd_initiator_clear(struct cli *cli, int argc, char **argv);
int cmd_initiator_show(struct cli *cli, int argc, char **argv);
int cmd_lun_add(struct cli *cli, int argc, char **argv);
int cmd_lun_del(struct cli *cli, int argc, char **argv);
int cmd_lun_replace(struct cli *cli, int argc, char **argv);
int cmd_lun_clear(struct cli *cli, int argc, char **argv);
int cmd_lun_show(struct cli *cli, int argc, char **argv);
int cmd_session_add(struct cli *cli, int argc, char **argv);
int cmd_session_del(struct cli *cli, int argc, char **argv);
int cmd_session_show(struct cli *cli, int argc, char **argv);
int cmd_cleanup_show(struct cli *cli, int argc, char **argv);
int cmd_cleanup_release(struct cli *cli, int argc, char **argv);
int cmd_monitor(struct cli *cli, int argc, char **argv);
int cmd_config_load(struct cli *cli, int argc, char **argv);
int cmd_config_save(struct cli *cli, int argc, char **argv);
int cmd_config_clear(struct cli *cli, int argc, char **argv);
int cmd_config_check(struct cli *cli, int argc, char **argv);
int cmd_config_show(struct cli *cli, int argc, char **argv);

#endif /* SCSTCTL_H */
