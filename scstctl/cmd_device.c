// SPDX-License-Identifier: GPL-2.0-only
/* scstctl handler | driver | device */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "scstctl.h"

static void print_strv(const char *key, const char *label, char **v)
{
	print_open_array(key);
	print_text(" %s", label);
	if (!v || !*v)
		print_text(" -");
	for (; v && *v; v++)
		print_string(PRINT_ANY, NULL, " %s", *v);
	print_close_array();
}

void cli_print_params(char **params)
{
	print_open_array("params");
	if (params && *params)
		print_text(" params:");
	for (; params && *params; params++)
		print_string(PRINT_ANY, NULL, " %s", *params);
	print_close_array();
}

int cmd_handler_show(struct cli *cli, int argc, char **argv)
{
	struct scst_handler **h;
	int n, i;

	if (argc > 0)
		return cli_usage(cli, "unexpected argument '%s'", argv[0]);
	if (!cli_ctx(cli))
		return EXIT_ERR;
	n = scst_handler_list(cli->ctx, &h);
	if (n < 0)
		return cli_fail(cli, n);
	print_open_array(NULL);
	for (i = 0; i < n; i++) {
		print_open_object(NULL);
		print_string(PRINT_ANY, "name", "%s", h[i]->name);
		print_strv("create_attrs", "create:", h[i]->create_attrs);
		print_strv("runtime_attrs", "runtime:", h[i]->runtime_attrs);
		print_close_object();
		print_nl();
	}
	print_close_array();
	scst_handler_list_free(h);
	return EXIT_OK;
}

int cmd_driver_show(struct cli *cli, int argc, char **argv)
{
	struct scst_driver **d;
	int n, i;

	if (argc > 0)
		return cli_usage(cli, "unexpected argument '%s'", argv[0]);
	if (!cli_ctx(cli))
		return EXIT_ERR;
	n = scst_driver_list(cli->ctx, &d);
	if (n < 0)
		return cli_fail(cli, n);
	print_open_array(NULL);
	for (i = 0; i < n; i++) {
		print_open_object(NULL);
		print_string(PRINT_ANY, "name", "%s", d[i]->name);
		print_strv("create_attrs", "create:", d[i]->create_attrs);
		print_strv("runtime_attrs", "runtime:", d[i]->runtime_attrs);
		cli_print_params(d[i]->params);
		print_close_object();
		print_nl();
	}
	print_close_array();
	scst_driver_list_free(d);
	return EXIT_OK;
}

int cmd_driver_set(struct cli *cli, int argc, char **argv)
{
	int i, ret;

	if (argc < 2)
		return cli_usage(cli, argc ? "which parameters?" :
				 "a driver name and parameters are needed");
	for (i = 1; i < argc; i++) {
		ret = cli_check_param(cli, argv[i]);
		if (ret)
			return ret;
	}
	if (!cli_ctx(cli))
		return EXIT_ERR;
	ret = scst_driver_set_params(cli->ctx, argv[0],
				     (const char *const *)argv + 1);
	return ret ? cli_fail(cli, ret) : EXIT_OK;
}

void cli_print_dev_attrs(const struct scst_dev_attrs *a)
{
	char buf[4096], fmt[64];
	unsigned int i;

	for (i = 0; i < __SCST_DEV_ATTR_MAX; i++) {
		const char *name = scst_dev_attr_name(i);

		if (!(a->mask & SCST_DEV_ATTR_BIT(i)))
			continue;
		switch (i) {
		case SCST_DEV_ATTR_SIZE:
			snprintf(fmt, sizeof(fmt), " %s %%" PRIu64, name);
			print_u64(PRINT_ANY, name, fmt, a->size);
			break;
		case SCST_DEV_ATTR_BLOCKSIZE:
			snprintf(fmt, sizeof(fmt), " %s %%u", name);
			print_uint(PRINT_ANY, name, fmt, a->blocksize);
			break;
		case SCST_DEV_ATTR_READ_ONLY:
		case SCST_DEV_ATTR_WRITE_THROUGH:
		case SCST_DEV_ATTR_NV_CACHE:
		case SCST_DEV_ATTR_O_DIRECT:
		case SCST_DEV_ATTR_THIN_PROVISIONED:
		case SCST_DEV_ATTR_ROTATIONAL:
			snprintf(fmt, sizeof(fmt), " %s %%s", name);
			scst_dev_attrs_format(a, i, buf, sizeof(buf));
			print_onoff(PRINT_ANY, name, fmt, buf[0] == '1');
			break;
		default:
			snprintf(fmt, sizeof(fmt), " %s %%s", name);
			scst_dev_attrs_format(a, i, buf, sizeof(buf));
			print_string(PRINT_ANY, name, fmt, buf);
			break;
		}
	}
}

static void print_device(const struct scst_device *d)
{
	print_open_object(NULL);
	print_string(PRINT_ANY, "name", "%s", d->name);
	if (d->handler)
		print_string(PRINT_ANY, "handler", " handler %s", d->handler);
	print_uint(PRINT_ANY, "users", " users %u", d->users);
	cli_print_dev_attrs(&d->attrs);
	print_close_object();
	print_nl();
}

/* ATTR VALUE pairs into @attrs; a usage error names the offender. */
static int parse_dev_attrs(struct cli *cli, int argc, char **argv,
			   struct scst_dev_attrs *attrs)
{
	int i, err;

	for (i = 0; i < argc; i += 2) {
		if (scst_dev_attr_by_name(argv[i]) < 0)
			return cli_usage(cli, "unknown device attribute '%s'",
					 argv[i]);
		if (i + 1 >= argc)
			return cli_usage(cli, "device attribute '%s' needs a value",
					 argv[i]);
		err = scst_dev_attrs_parse(attrs, argv[i], argv[i + 1]);
		if (err == -ERANGE)
			return cli_usage(cli, "value '%s' of %s is out of range",
					 argv[i + 1], argv[i]);
		if (err)
			return cli_usage(cli, "invalid value '%s' for %s",
					 argv[i + 1], argv[i]);
	}
	return EXIT_OK;
}

int cmd_device_add(struct cli *cli, int argc, char **argv)
{
	struct scst_dev_attrs attrs = { 0 };
	int ret;

	if (argc < 3 || strcmp(argv[1], "handler"))
		return cli_usage(cli, "a device needs a name and a handler");
	ret = parse_dev_attrs(cli, argc - 3, argv + 3, &attrs);
	if (ret)
		return ret;
	if (!cli_ctx(cli))
		return EXIT_ERR;
	ret = scst_device_add(cli->ctx, argv[0], argv[2], &attrs);
	return ret ? cli_fail(cli, ret) : EXIT_OK;
}

int cmd_device_del(struct cli *cli, int argc, char **argv)
{
	int ret;

	if (argc != 1)
		return cli_usage(cli, argc ? "too many arguments" :
				 "which device?");
	if (!cli_ctx(cli))
		return EXIT_ERR;
	ret = scst_device_del(cli->ctx, argv[0]);
	return ret ? cli_fail(cli, ret) : EXIT_OK;
}

int cmd_device_set(struct cli *cli, int argc, char **argv)
{
	struct scst_dev_attrs attrs = { 0 };
	int ret;

	if (argc < 3)
		return cli_usage(cli, "a device name and at least one attribute are needed");
	ret = parse_dev_attrs(cli, argc - 1, argv + 1, &attrs);
	if (ret)
		return ret;
	if (!cli_ctx(cli))
		return EXIT_ERR;
	ret = scst_device_set(cli->ctx, argv[0], &attrs);
	return ret ? cli_fail(cli, ret) : EXIT_OK;
}

int cmd_device_show(struct cli *cli, int argc, char **argv)
{
	struct scst_device **devs, *dev;
	int n, i;

	if (argc > 1)
		return cli_usage(cli, "unexpected argument '%s'", argv[1]);
	if (!cli_ctx(cli))
		return EXIT_ERR;
	if (argc == 1) {
		n = scst_device_get(cli->ctx, argv[0], &dev);
		if (n)
			return cli_fail(cli, n);
		print_device(dev);
		scst_device_free(dev);
		return EXIT_OK;
	}
	n = scst_device_list(cli->ctx, &devs);
	if (n < 0)
		return cli_fail(cli, n);
	print_open_array(NULL);
	for (i = 0; i < n; i++)
		print_device(devs[i]);
	print_close_array();
	scst_device_list_free(devs);
	return EXIT_OK;
}
