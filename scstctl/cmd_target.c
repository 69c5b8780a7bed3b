// SPDX-License-Identifier: GPL-2.0-only
/* scstctl target | group | initiator */
#include <stdlib.h>
#include <string.h>

#include "scstctl.h"

static void print_target(const struct scst_target *t)
{
	print_open_object(NULL);
	print_string(PRINT_ANY, "name", "%s", t->name);
	if (t->driver)
		print_string(PRINT_ANY, "driver", " driver %s", t->driver);
	print_onoff(PRINT_ANY, "enabled", " enabled %s", t->enabled);
	print_uint(PRINT_ANY, "rel_tgt_id", " rel_tgt_id %u", t->rel_tgt_id);
	print_uint(PRINT_ANY, "sessions", " sessions %u", t->nr_sessions);
	cli_print_params(t->params);
	print_close_object();
	print_nl();
}

int cmd_target_add(struct cli *cli, int argc, char **argv)
{
	int ret;

	if (argc != 3 || strcmp(argv[1], "driver"))
		return cli_usage(cli, "a target needs a name and a driver");
	if (!cli_ctx(cli))
		return EXIT_ERR;
	ret = scst_target_add(cli->ctx, argv[0], argv[2]);
	return ret ? cli_fail(cli, ret) : EXIT_OK;
}

int cmd_target_del(struct cli *cli, int argc, char **argv)
{
	int ret;

	if (argc != 1)
		return cli_usage(cli, argc ? "too many arguments" :
				 "which target?");
	if (!cli_ctx(cli))
		return EXIT_ERR;
	ret = scst_target_del(cli->ctx, argv[0]);
	return ret ? cli_fail(cli, ret) : EXIT_OK;
}

/*
 * "enabled on|off" and KEY=VALUE parameters in any order. The parameters
 * are set first, so that a target being enabled already has them (CHAP
 * accounts, portals) when the first login comes.
 */
int cmd_target_set(struct cli *cli, int argc, char **argv)
{
	const char **params;
	bool enabled, has_enabled = false;
	int i, n = 0, ret;

	if (argc < 2)
		return cli_usage(cli, "a target name and a setting are needed");
	params = calloc(argc, sizeof(*params));
	if (!params) {
		cli_msg("out of memory");
		return EXIT_ERR;
	}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "enabled")) {
			if (has_enabled) {
				ret = cli_usage(cli, "enabled is given twice");
				goto out;
			}
			ret = cli_parse_onoff(cli, "enabled",
					      i + 1 < argc ? argv[i + 1] : NULL,
					      &enabled);
			if (ret)
				goto out;
			has_enabled = true;
			i++;
			continue;
		}
		if (!strchr(argv[i], '=')) {
			ret = cli_usage(cli, "unknown target setting '%.*s' (parameters are KEY=VALUE)",
					(int)strcspn(argv[i], " \t"), argv[i]);
			goto out;
		}
		ret = cli_check_param(cli, argv[i]);
		if (ret)
			goto out;
		params[n++] = argv[i];
	}
	ret = EXIT_ERR;
	if (!cli_ctx(cli))
		goto out;
	ret = n ? scst_target_set_params(cli->ctx, argv[0], params) : 0;
	if (!ret && has_enabled)
		ret = scst_target_enable(cli->ctx, argv[0], enabled);
	ret = ret ? cli_fail(cli, ret) : EXIT_OK;
out:
	free(params);
	return ret;
}

int cmd_target_show(struct cli *cli, int argc, char **argv)
{
	struct scst_target **ts, *t;
	int n, i;

	if (argc > 1)
		return cli_usage(cli, "unexpected argument '%s'", argv[1]);
	if (!cli_ctx(cli))
		return EXIT_ERR;
	if (argc == 1) {
		n = scst_target_get(cli->ctx, argv[0], &t);
		if (n)
			return cli_fail(cli, n);
		print_target(t);
		scst_target_free(t);
		return EXIT_OK;
	}
	n = scst_target_list(cli->ctx, &ts);
	if (n < 0)
		return cli_fail(cli, n);
	print_open_array(NULL);
	for (i = 0; i < n; i++)
		print_target(ts[i]);
	print_close_array();
	scst_target_list_free(ts);
	return EXIT_OK;
}

int cmd_group_add(struct cli *cli, int argc, char **argv)
{
	int ret;

	if (argc != 2)
		return cli_usage(cli, "a target and a group name are needed");
	if (!cli_ctx(cli))
		return EXIT_ERR;
	ret = scst_group_add(cli->ctx, argv[0], argv[1]);
	return ret ? cli_fail(cli, ret) : EXIT_OK;
}

int cmd_group_del(struct cli *cli, int argc, char **argv)
{
	int ret;

	if (argc != 2)
		return cli_usage(cli, "a target and a group name are needed");
	if (!cli_ctx(cli))
		return EXIT_ERR;
	ret = scst_group_del(cli->ctx, argv[0], argv[1]);
	return ret ? cli_fail(cli, ret) : EXIT_OK;
}

static int list_groups(struct cli *cli, int argc, char **argv,
		       struct scst_group ***gs)
{
	int n;

	if (argc > 1) {
		cli_usage(cli, "unexpected argument '%s'", argv[1]);
		return -1;
	}
	if (!cli_ctx(cli))
		return -2;
	n = scst_group_list(cli->ctx, argc ? argv[0] : NULL, gs);
	if (n < 0) {
		cli_fail(cli, n);
		return -2;
	}
	return n;
}

int cmd_group_show(struct cli *cli, int argc, char **argv)
{
	struct scst_group **gs;
	char **ini;
	int n, i;

	n = list_groups(cli, argc, argv, &gs);
	if (n < 0)
		return n == -1 ? EXIT_USAGE : EXIT_ERR;
	print_open_array(NULL);
	for (i = 0; i < n; i++) {
		print_open_object(NULL);
		print_string(PRINT_ANY, "target", "%s", gs[i]->target);
		print_string(PRINT_ANY, "name", " group %s", gs[i]->name);
		print_open_array("initiators");
		print_text(" initiators");
		if (!gs[i]->initiators || !gs[i]->initiators[0])
			print_text(" -");
		for (ini = gs[i]->initiators; ini && *ini; ini++)
			print_string(PRINT_ANY, NULL, " %s", *ini);
		print_close_array();
		print_close_object();
		print_nl();
	}
	print_close_array();
	scst_group_list_free(gs);
	return EXIT_OK;
}

int cmd_initiator_show(struct cli *cli, int argc, char **argv)
{
	struct scst_group **gs;
	char **ini;
	int n, i;

	n = list_groups(cli, argc, argv, &gs);
	if (n < 0)
		return n == -1 ? EXIT_USAGE : EXIT_ERR;
	print_open_array(NULL);
	for (i = 0; i < n; i++) {
		for (ini = gs[i]->initiators; ini && *ini; ini++) {
			print_open_object(NULL);
			print_string(PRINT_ANY, "target", "%s", gs[i]->target);
			print_string(PRINT_ANY, "group", " group %s",
				     gs[i]->name);
			print_string(PRINT_ANY, "initiator", " initiator %s",
				     *ini);
			print_close_object();
			print_nl();
		}
	}
	print_close_array();
	scst_group_list_free(gs);
	return EXIT_OK;
}

int cmd_initiator_add(struct cli *cli, int argc, char **argv)
{
	int ret;

	if (argc != 3)
		return cli_usage(cli, "a target, a group and a pattern are needed");
	if (!cli_ctx(cli))
		return EXIT_ERR;
	ret = scst_initiator_add(cli->ctx, argv[0], argv[1], argv[2]);
	return ret ? cli_fail(cli, ret) : EXIT_OK;
}

int cmd_initiator_del(struct cli *cli, int argc, char **argv)
{
	int ret;

	if (argc != 3)
		return cli_usage(cli, "a target, a group and a pattern are needed");
	if (!cli_ctx(cli))
		return EXIT_ERR;
	ret = scst_initiator_del(cli->ctx, argv[0], argv[1], argv[2]);
	return ret ? cli_fail(cli, ret) : EXIT_OK;
}

int cmd_initiator_move(struct cli *cli, int argc, char **argv)
{
	int ret;

	if (argc != 4)
		return cli_usage(cli, "a target, a group, a pattern and the new group are needed");
	if (!cli_ctx(cli))
		return EXIT_ERR;
	ret = scst_initiator_move(cli->ctx, argv[0], argv[1], argv[2],
				  argv[3]);
	return ret ? cli_fail(cli, ret) : EXIT_OK;
}

int cmd_initiator_clear(struct cli *cli, int argc, char **argv)
{
	int ret;

	if (argc != 2)
		return cli_usage(cli, "a target and a group are needed");
	if (!cli_ctx(cli))
		return EXIT_ERR;
	ret = scst_initiator_clear(cli->ctx, argv[0], argv[1]);
	return ret ? cli_fail(cli, ret) : EXIT_OK;
}
