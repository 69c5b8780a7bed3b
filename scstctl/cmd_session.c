// SPDX-License-Identifier: GPL-2.0-only
/* scstctl session */
#include <inttypes.h>
#include <string.h>

#include "scstctl.h"

/* The TransportID in hex: JSON only, it would crowd the text line. */
static void print_transport_id(const uint8_t *tid, size_t len)
{
	char hex[2 * 512 + 1];
	size_t i;

	if (len > 512)
		len = 512;
	for (i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", tid[i]);
	hex[2 * len] = '\0';
	print_string(PRINT_JSON, "transport_id", NULL, hex);
}

int cmd_session_add(struct cli *cli, int argc, char **argv)
{
	const char *name = NULL;
	int ret;

	if (argc != 2 && argc != 4)
		return cli_usage(cli, "a target and an initiator name are needed");
	if (argc == 4) {
		if (strcmp(argv[2], "name"))
			return cli_usage(cli, "unexpected argument '%s'", argv[2]);
		name = argv[3];
	}
	if (!cli_ctx(cli))
		return EXIT_ERR;
	ret = scst_session_add(cli->ctx, argv[0], argv[1], name);
	return ret ? cli_fail(cli, ret) : EXIT_OK;
}

int cmd_session_del(struct cli *cli, int argc, char **argv)
{
	int ret;

	if (argc != 2)
		return cli_usage(cli, "a target and a session name are needed");
	if (!cli_ctx(cli))
		return EXIT_ERR;
	ret = scst_session_del(cli->ctx, argv[0], argv[1]);
	return ret ? cli_fail(cli, ret) : EXIT_OK;
}

int cmd_session_show(struct cli *cli, int argc, char **argv)
{
	struct scst_session **ss;
	int i, n;

	if (argc > 1)
		return cli_usage(cli, "unexpected argument '%s'", argv[1]);
	if (!cli_ctx(cli))
		return EXIT_ERR;
	n = scst_session_list(cli->ctx, argc ? argv[0] : NULL, &ss);
	if (n < 0)
		return cli_fail(cli, n);
	print_open_array(NULL);
	for (i = 0; i < n; i++) {
		print_open_object(NULL);
		print_string(PRINT_ANY, "target", "%s", ss[i]->target);
		print_string(PRINT_ANY, "name", " session %s", ss[i]->name);
		if (ss[i]->initiator)
			print_string(PRINT_ANY, "initiator", " initiator %s",
				     ss[i]->initiator);
		if (ss[i]->group)
			print_string(PRINT_ANY, "group", " group %s",
				     ss[i]->group);
		print_uint(PRINT_ANY, "cmds_inflight", " inflight %u",
			   ss[i]->cmds_inflight);
		if (ss[i]->task_set_full)
			print_u64(PRINT_FP, NULL, " task_set_full %" PRIu64,
				  ss[i]->task_set_full);
		print_u64(PRINT_JSON, "task_set_full", NULL,
			  ss[i]->task_set_full);
		if (ss[i]->transport_id)
			print_transport_id(ss[i]->transport_id,
					   ss[i]->transport_id_len);
		if (ss[i]->scsi_host >= 0)
			print_int(PRINT_ANY, "scsi_host", " host %lld",
				  (long long)ss[i]->scsi_host);
		cli_print_params(ss[i]->params);
		print_close_object();
		print_nl();
	}
	print_close_array();
	scst_session_list_free(ss);
	return EXIT_OK;
}
