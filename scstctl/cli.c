// SPDX-License-Identifier: GPL-2.0-only
/*
 * Command-line front end: global options, the table of objects and verbs,
 * unique-prefix lookup, and how errors reach the user.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scstctl.h"

static const struct cli_verb global_verbs[] = {
	{ "show", cmd_global_show, "" },
	{ "set", cmd_global_set,
	  "[async_lun_replace on|off] [park_lun_replace on|off] [lun_queue_depth N]" },
	{ NULL, NULL, NULL }
};

static const struct cli_verb handler_verbs[] = {
	{ "show", cmd_handler_show, "" },
	{ NULL, NULL, NULL }
};

static const struct cli_verb device_verbs[] = {
	{ "add", cmd_device_add, "NAME handler HANDLER [ATTR VALUE]..." },
	{ "del", cmd_device_del, "NAME" },
	{ "set", cmd_device_set, "NAME ATTR VALUE [ATTR VALUE]..." },
	{ "show", cmd_device_show, "[NAME]" },
	{ NULL, NULL, NULL }
};

static const struct cli_verb driver_verbs[] = {
	{ "set", cmd_driver_set, "DRIVER KEY=VALUE..." },
	{ "show", cmd_driver_show, "" },
	{ NULL, NULL, NULL }
};

static const struct cli_verb target_verbs[] = {
	{ "add", cmd_target_add, "TARGET driver DRIVER" },
	{ "del", cmd_target_del, "TARGET" },
	{ "set", cmd_target_set,
	  "TARGET [enabled on|off] [KEY=VALUE]..." },
	{ "show", cmd_target_show, "[TARGET]" },
	{ NULL, NULL, NULL }
};

static const struct cli_verb group_verbs[] = {
	{ "add", cmd_group_add, "TARGET GROUP" },
	{ "del", cmd_group_del, "TARGET GROUP" },
	{ "show", cmd_group_show, "[TARGET]" },
	{ NULL, NULL, NULL }
};

static const struct cli_verb initiator_verbs[] = {
	{ "add", cmd_initiator_add, "TARGET GROUP PATTERN" },
	{ "del", cmd_initiator_del, "TARGET GROUP PATTERN" },
	{ "move", cmd_initiator_move, "TARGET GROUP PATTERN NEWGROUP" },
	{ "clear", cmd_initiator_clear, "TARGET GROUP" },
	{ "show", cmd_initiator_show, "[TARGET]" },
	{ NULL, NULL, NULL }
};

static const struct cli_verb lun_verbs[] = {
	{ "add", cmd_lun_add,
	  "TARGET [group GROUP] LUN DEVICE [read_only on|off]" },
	{ "del", cmd_lun_del, "TARGET [group GROUP] LUN" },
	{ "replace", cmd_lun_replace,
	  "TARGET [group GROUP] LUN DEVICE [--async] [--park] [--no-ua] [--wait[=SECONDS]]" },
	{ "clear", cmd_lun_clear, "TARGET [group GROUP]" },
	{ "show", cmd_lun_show, "[TARGET [group GROUP]]" },
	{ NULL, NULL, NULL }
};

static const struct cli_verb session_verbs[] = {
	{ "add", cmd_session_add, "TARGET INITIATOR [name NAME]" },
	{ "del", cmd_session_del, "TARGET SESSION" },
	{ "show", cmd_session_show, "[TARGET]" },
	{ NULL, NULL, NULL }
};

static const struct cli_verb cleanup_verbs[] = {
	{ "show", cmd_cleanup_show, "" },
	{ "list", cmd_cleanup_show, "" },
	{ "release", cmd_cleanup_release, "ID|all" },
	{ NULL, NULL, NULL }
};

static const struct cli_verb config_verbs[] = {
	{ "show", cmd_config_show, "" },
	{ "load", cmd_config_load, "[--dry-run] FILE" },
	{ "save", cmd_config_save, "[FILE]" },
	{ "clear", cmd_config_clear, "[--dry-run]" },
	{ "check", cmd_config_check, "FILE" },
	{ NULL, NULL, NULL }
};

const struct cli_object cli_objects[] = {
	{ "global", global_verbs, NULL, NULL },
	{ "handler", handler_verbs, NULL, NULL },
	{ "device", device_verbs, NULL, NULL },
	{ "driver", driver_verbs, NULL, NULL },
	{ "target", target_verbs, NULL, NULL },
	{ "group", group_verbs, NULL, NULL },
	{ "initiator", initiator_verbs, NULL, NULL },
	{ "lun", lun_verbs, NULL, NULL },
	{ "session", session_verbs, NULL, NULL },
	{ "cleanup", cleanup_verbs, NULL, NULL },
	{ "monitor", NULL, cmd_monitor, "" },
	{ "config", config_verbs, NULL, NULL },
	{ NULL, NULL, NULL, NULL }
};

void cli_msg(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("scstctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage_object(FILE *f, const struct cli_object *obj)
{
	const struct cli_verb *v;

	if (!obj->verbs) {
		fprintf(f, "       scstctl %s%s%s\n", obj->name,
			*obj->usage ? " " : "", obj->usage);
		return;
	}
	for (v = obj->verbs; v->name; v++)
		fprintf(f, "       scstctl %s %s%s%s\n", obj->name, v->name,
			*v->usage ? " " : "", v->usage);
}

static void usage_all(FILE *f)
{
	const struct cli_object *obj;

	fputs("usage: scstctl [-j|--json] [-p|--pretty] OBJECT [VERB] [ARGS]\n"
	      "       scstctl -h|--help | -V|--version\n", f);
	for (obj = cli_objects; obj->name; obj++)
		usage_object(f, obj);
	fputs("OBJECT and VERB may be abbreviated to a unique prefix; "
	      "without VERB, show is meant.\n", f);
}

int cli_usage(struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("scstctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cli && cli->obj && cli->verb)
		fprintf(stderr, "usage: scstctl %s %s%s%s\n", cli->obj->name,
			cli->verb->name, *cli->verb->usage ? " " : "",
			cli->verb->usage);
	else if (cli && cli->obj) {
		fputs("usage:\n", stderr);
		usage_object(stderr, cli->obj);
	}
	return EXIT_USAGE;
}

struct scst_ctx *cli_ctx(struct cli *cli)
{
	int err;

	if (cli->ctx)
		return cli->ctx;
	err = scst_ctx_new(&cli->ctx);
	if (err == -EPROTONOSUPPORT)
		cli_msg("the scst kernel module is not loaded (modprobe scst)");
	else if (err)
		cli_msg("cannot talk to the kernel: %s", scst_strerror(err));
	return cli->ctx;
}

int cli_fail(struct cli *cli, int err)
{
	const char *msg = cli->ctx ? scst_ctx_errmsg(cli->ctx) : "";

	if (err == -EPERM && (!cli->ctx || !scst_ctx_errmsg_from_kernel(cli->ctx)))
		cli_msg("permission denied: changing the configuration needs root (CAP_NET_ADMIN)");
	else if (msg && *msg)
		cli_msg("%s", msg);
	else
		cli_msg("%s", scst_strerror(err));
	return EXIT_ERR;
}

int cli_lookup(const char *word, const char *const *names, size_t stride,
	       const char **ambiguous_with)
{
	size_t len = strlen(word);
	int found = -1, i;
	const char *const *p;

	*ambiguous_with = NULL;
	if (!len)
		return -ENOENT;
	for (i = 0, p = names; *p;
	     i++, p = (const char *const *)((const char *)p + stride)) {
		if (!strcmp(*p, word))
			return i;
		if (!strncmp(*p, word, len)) {
			if (found >= 0) {
				*ambiguous_with = *p;
				return -EEXIST;
			}
			found = i;
		}
	}
	return found >= 0 ? found : -ENOENT;
}

int cli_parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	if (v > max)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

int cli_parse_lun(const char *s, uint32_t *out)
{
	return cli_parse_u32(s, SCST_LUN_MAX, out);
}

int cli_parse_onoff(struct cli *cli, const char *what, const char *s,
		    bool *out)
{
	if (!s)
		return cli_usage(cli, "%s needs a value (on or off)", what);
	if (scst_parse_bool(s, out))
		return cli_usage(cli, "%s takes on or off, not '%s'", what, s);
	return EXIT_OK;
}

int cli_check_param(struct cli *cli, const char *s)
{
	const char *eq = strchr(s, '=');

	/* Quote no more than a key: a mistyped value may be a secret. */
	if (!eq)
		return cli_usage(cli, "'%.*s' is not KEY=VALUE",
				 (int)strcspn(s, " \t"), s);
	if (eq == s)
		return cli_usage(cli, "a parameter has no key before '='");
	return EXIT_OK;
}

static const struct option cli_options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "pretty", no_argument, NULL, 'p' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* Every name that @word is a prefix of, for an "ambiguous" message. */
static int cli_ambiguous(struct cli *cli, const char *word,
			 const char *const *names, size_t stride,
			 const char *what)
{
	char list[256] = "";
	size_t len = strlen(word), used = 0;
	const char *const *p;

	for (p = names; *p; p = (const char *const *)((const char *)p + stride)) {
		if (strncmp(*p, word, len))
			continue;
		used += snprintf(list + used, used < sizeof(list) ?
				 sizeof(list) - used : 0, "%s%s",
				 used ? ", " : "", *p);
	}
	return cli_usage(cli, "'%s' is an ambiguous %s: %s", word, what, list);
}

static int cli_dispatch(struct cli *cli, int argc, char **argv)
{
	const struct cli_object *obj;
	const char *other;
	int i;

	if (argc < 1) {
		usage_all(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[0], "help")) {
		usage_all(stdout);
		return EXIT_OK;
	}
	i = cli_lookup(argv[0], &cli_objects[0].name, sizeof(cli_objects[0]),
		       &other);
	if (i == -EEXIST)
		return cli_ambiguous(cli, argv[0], &cli_objects[0].name,
				     sizeof(cli_objects[0]), "object");
	if (i < 0)
		return cli_usage(cli, "unknown object '%s'; see scstctl -h",
				 argv[0]);
	obj = &cli_objects[i];
	cli->obj = obj;
	argc--;
	argv++;

	if (!obj->verbs)
		return obj->fn(cli, argc, argv);

	if (argc > 0 && (!strcmp(argv[0], "help") || !strcmp(argv[0], "-h") ||
			 !strcmp(argv[0], "--help"))) {
		fputs("usage:\n", stdout);
		usage_object(stdout, obj);
		return EXIT_OK;
	}
	if (argc == 0) {
		i = cli_lookup("show", &obj->verbs[0].name,
			       sizeof(obj->verbs[0]), &other);
	} else {
		i = cli_lookup(argv[0], &obj->verbs[0].name,
			       sizeof(obj->verbs[0]), &other);
		if (i == -EEXIST)
			return cli_ambiguous(cli, argv[0], &obj->verbs[0].name,
					     sizeof(obj->verbs[0]), "verb");
		if (i < 0)
			return cli_usage(cli, "%s has no verb '%s'", obj->name,
					 argv[0]);
		argc--;
		argv++;
	}
	cli->verb = &obj->verbs[i];
	return cli->verb->fn(cli, argc, argv);
}

int scstctl_main(int argc, char **argv)
{
	struct cli cli = { 0 };
	int c, ret;

	/* Options come before OBJECT; what follows belongs to the verb. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+jphV", cli_options, NULL)) != -1) {
		switch (c) {
		case 'j':
			cli.json = true;
			break;
		case 'p':
			cli.pretty = true;
			break;
		case 'h':
			usage_all(stdout);
			return EXIT_OK;
		case 'V':
			printf("scstctl %s\n", SCSTCTL_VERSION);
			return EXIT_OK;
		default:
			return cli_usage(NULL, "unknown option '%s'; see scstctl -h",
					 argv[optind - 1]);
		}
	}
	/* -p alone means pretty JSON. */
	if (cli.pretty)
		cli.json = true;
	print_init(stdout, cli.json, cli.pretty);
	ret = cli_dispatch(&cli, argc - optind, argv + optind);
	print_finish();
	scst_ctx_free(cli.ctx);
	if (ret == EXIT_OK && (ferror(stdout) || fflush(stdout))) {
		cli_msg("cannot write the output: %s", strerror(errno));
		ret = EXIT_ERR;
	}
	return ret;
}
