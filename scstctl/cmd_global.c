// SPDX-License-Identifier: GPL-2.0-only
/* scstctl global show | set */
#include <string.h>

#include "scstctl.h"

int cmd_global_show(struct cli *cli, int argc, char **argv)
{
	struct scst_global *g;
	int err;

	(void)argv;
	if (argc > 0)
		return cli_usage(cli, "unexpected argument '%s'", argv[0]);
	if (!cli_ctx(cli))
		return EXIT_ERR;
	err = scst_global_get(cli->ctx, &g);
	if (err)
		return cli_fail(cli, err);

	print_open_object(NULL);
	if (g->mask & SCST_GLOBAL_VERSION)
		print_string(PRINT_ANY, "version", "version %s\n", g->version);
	if (g->mask & SCST_GLOBAL_GENERATION)
		print_uint(PRINT_ANY, "generation", "generation %u\n",
			   g->generation);
	if (g->mask & SCST_GLOBAL_ASYNC_LUN_REPLACE)
		print_onoff(PRINT_ANY, "async_lun_replace",
			    "async_lun_replace %s\n", g->async_lun_replace);
	if (g->mask & SCST_GLOBAL_PARK_LUN_REPLACE)
		print_onoff(PRINT_ANY, "park_lun_replace",
			    "park_lun_replace %s\n", g->park_lun_replace);
	if (g->mask & SCST_GLOBAL_LUN_QUEUE_DEPTH)
		print_uint(PRINT_ANY, "lun_queue_depth",
			   "lun_queue_depth %u\n", g->lun_queue_depth);
	print_close_object();
	scst_global_free(g);
	return EXIT_OK;
}

int cmd_global_set(struct cli *cli, int argc, char **argv)
{
	struct scst_global g = { 0 };
	bool v;
	int i, ret;

	if (argc == 0)
		return cli_usage(cli, "nothing to set");
	for (i = 0; i < argc; i += 2) {
		bool async = !strcmp(argv[i], "async_lun_replace");

		if (!strcmp(argv[i], "lun_queue_depth")) {
			if (i + 1 >= argc)
				return cli_usage(cli, "lun_queue_depth needs a number");
			if (cli_parse_u32(argv[i + 1], SCST_QUEUE_DEPTH_MAX,
					  &g.lun_queue_depth))
				return cli_usage(cli, "lun_queue_depth takes a number from 0 (no limit) to %u, not '%s'",
						 SCST_QUEUE_DEPTH_MAX, argv[i + 1]);
			g.mask |= SCST_GLOBAL_LUN_QUEUE_DEPTH;
			continue;
		}
		if (!async && strcmp(argv[i], "park_lun_replace"))
			return cli_usage(cli, "unknown global setting '%s'",
					 argv[i]);
		ret = cli_parse_onoff(cli, argv[i],
				      i + 1 < argc ? argv[i + 1] : NULL, &v);
		if (ret)
			return ret;
		if (async) {
			g.async_lun_replace = v;
			g.mask |= SCST_GLOBAL_ASYNC_LUN_REPLACE;
		} else {
			g.park_lun_replace = v;
			g.mask |= SCST_GLOBAL_PARK_LUN_REPLACE;
		}
	}
	if (!cli_ctx(cli))
		return EXIT_ERR;
	ret = scst_global_set(cli->ctx, &g);
	return ret ? cli_fail(cli, ret) : EXIT_OK;
}
