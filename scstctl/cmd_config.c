// SPDX-License-Identifier: GPL-2.0-only
/* scstctl config load | save | clear | check | show */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "config.h"
#include "scstctl.h"

/*
 * What the kernel's handlers and drivers accept, with names kept alive in
 * @list and @drivers.
 */
struct kernel_handlers {
	struct cfg_handlers	h;
	struct scst_handler	**list;
	struct scst_driver	**drivers;
	struct cfg_driver_keys	*keys;
};

static uint64_t attr_mask(char **names)
{
	uint64_t mask = 0;
	int a;

	for (; names && *names; names++) {
		a = scst_dev_attr_by_name(*names);
		if (a >= 0)
			mask |= SCST_DEV_ATTR_BIT(a);
	}
	return mask;
}

static void kernel_handlers_put(struct kernel_handlers *kh)
{
	free(kh->h.v);
	scst_handler_list_free(kh->list);
	free(kh->keys);
	scst_driver_list_free(kh->drivers);
}

static int kernel_handlers_get(struct cli *cli, struct kernel_handlers *kh)
{
	const struct cfg_handler *builtin;
	int n, i;

	memset(kh, 0, sizeof(*kh));
	n = scst_handler_list(cli->ctx, &kh->list);
	if (n < 0)
		return cli_fail(cli, n);
	kh->h.v = calloc(n + 1, sizeof(*kh->h.v));
	if (!kh->h.v)
		goto nomem;
	for (i = 0; i < n; i++) {
		struct cfg_handler *h = &kh->h.v[kh->h.n++];

		h->name = kh->list[i]->name;
		h->create = attr_mask(kh->list[i]->create_attrs);
		h->runtime = attr_mask(kh->list[i]->runtime_attrs);
		/* A kernel that does not describe its handlers. */
		builtin = config_find_handler(config_builtin_handlers(), h->name);
		if (!h->create && !h->runtime && builtin) {
			h->create = builtin->create;
			h->runtime = builtin->runtime;
		}
	}

	/*
	 * A driver lists the keys of its own parameters as create attributes
	 * and those of its targets' as run-time ones ("enabled" among them,
	 * which the parser takes before any parameter).
	 */
	n = scst_driver_list(cli->ctx, &kh->drivers);
	if (n < 0) {
		kernel_handlers_put(kh);
		return cli_fail(cli, n);
	}
	kh->keys = calloc(n + 1, sizeof(*kh->keys));
	if (!kh->keys)
		goto nomem;
	for (i = 0; i < n; i++) {
		kh->keys[i].name = kh->drivers[i]->name;
		kh->keys[i].driver_keys =
			(const char *const *)kh->drivers[i]->create_attrs;
		kh->keys[i].target_keys =
			(const char *const *)kh->drivers[i]->runtime_attrs;
	}
	kh->h.drivers = kh->keys;
	kh->h.ndrivers = n;
	return EXIT_OK;

nomem:
	kernel_handlers_put(kh);
	cli_msg("out of memory");
	return EXIT_ERR;
}

static int nomem(void)
{
	cli_msg("out of memory");
	return EXIT_ERR;
}

/* The running configuration, in the shape of a parsed file. */
static int running_get(struct cli *cli, const struct cfg_handlers *hs,
		       struct scst_config *cfg)
{
	struct scst_driver **drvs = NULL;
	struct scst_device **devs = NULL;
	struct scst_target **tgts = NULL;
	struct scst_group **grps = NULL;
	struct scst_lun **luns = NULL;
	struct scst_session **sess = NULL;
	struct scst_global *g = NULL;
	int n, i, ret = EXIT_ERR, err;
	char buf[4096];
	char **ini;

	config_init(cfg);
	err = scst_global_get(cli->ctx, &g);
	if (err)
		return cli_fail(cli, err);
	cfg->has_async = g->mask & SCST_GLOBAL_ASYNC_LUN_REPLACE;
	cfg->async_lun_replace = g->async_lun_replace;
	cfg->has_park = g->mask & SCST_GLOBAL_PARK_LUN_REPLACE;
	cfg->park_lun_replace = g->park_lun_replace;
	cfg->has_qdepth = g->mask & SCST_GLOBAL_LUN_QUEUE_DEPTH;
	cfg->lun_queue_depth = g->lun_queue_depth;
	scst_global_free(g);

	n = scst_driver_list(cli->ctx, &drvs);
	if (n < 0)
		return cli_fail(cli, n);
	for (i = 0; i < n; i++) {
		struct cfg_driver *d;

		if (!drvs[i]->params || !drvs[i]->params[0])
			continue;
		d = config_add_driver(cfg, drvs[i]->name);
		if (!d)
			goto nomem;
		for (ini = drvs[i]->params; *ini; ini++) {
			err = config_driver_add_param(d, *ini);
			if (err == -ENOMEM)
				goto nomem;
		}
	}

	n = scst_device_list(cli->ctx, &devs);
	if (n < 0) {
		ret = cli_fail(cli, n);
		goto out;
	}
	for (i = 0; i < n; i++) {
		const struct cfg_handler *h =
			config_find_handler(hs, devs[i]->handler ?
					    devs[i]->handler : "");
		uint64_t settable = h ? h->create | h->runtime : ~0ULL;
		struct cfg_device *d;
		unsigned int a;

		d = config_add_device(cfg, devs[i]->name,
				      devs[i]->handler ? devs[i]->handler : "");
		if (!d)
			goto nomem;
		for (a = 0; a < __SCST_DEV_ATTR_MAX; a++) {
			if (!(settable & SCST_DEV_ATTR_BIT(a)) ||
			    scst_dev_attrs_format(&devs[i]->attrs, a, buf,
						  sizeof(buf)) < 0)
				continue;
			err = config_device_set_attr(d, scst_dev_attr_name(a), buf);
			if (err == -ENOMEM)
				goto nomem;
		}
	}

	n = scst_target_list(cli->ctx, &tgts);
	if (n < 0) {
		ret = cli_fail(cli, n);
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct cfg_target *t = config_add_target(cfg, tgts[i]->name,
							 tgts[i]->driver);

		if (!t)
			goto nomem;
		t->has_enabled = true;
		t->enabled = tgts[i]->enabled;
		for (ini = tgts[i]->params; ini && *ini; ini++) {
			err = config_target_add_param(t, *ini);
			if (err == -ENOMEM)
				goto nomem;
		}
	}

	n = scst_group_list(cli->ctx, NULL, &grps);
	if (n < 0) {
		ret = cli_fail(cli, n);
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct cfg_target *t = NULL;
		struct cfg_group *grp;
		size_t k;

		for (k = 0; k < cfg->ntargets; k++)
			if (!strcmp(cfg->targets[k].name, grps[i]->target))
				t = &cfg->targets[k];
		if (!t)
			continue;	/* made between two listings */
		grp = config_add_group(t, grps[i]->name);
		if (!grp)
			goto nomem;
		for (ini = grps[i]->initiators; ini && *ini; ini++)
			if (config_add_initiator(grp, *ini))
				goto nomem;
	}

	n = scst_lun_list(cli->ctx, NULL, NULL, &luns);
	if (n < 0) {
		ret = cli_fail(cli, n);
		goto out;
	}
	for (i = 0; i < n; i++) {
		size_t k;

		for (k = 0; k < cfg->ntargets; k++)
			if (!strcmp(cfg->targets[k].name, luns[i]->target))
				break;
		if (k == cfg->ntargets)
			continue;
		if (config_add_lun(&cfg->targets[k], luns[i]->group,
				   luns[i]->lun, luns[i]->device,
				   luns[i]->read_only))
			goto nomem;
	}

	n = scst_session_list(cli->ctx, NULL, &sess);
	if (n < 0) {
		ret = cli_fail(cli, n);
		goto out;
	}
	for (i = 0; i < n; i++) {
		size_t k;

		for (k = 0; k < cfg->ntargets; k++)
			if (!strcmp(cfg->targets[k].name, sess[i]->target))
				break;
		/* Logins are not configuration. */
		if (k == cfg->ntargets ||
		    !config_driver_has_sessions(cfg->targets[k].driver))
			continue;
		if (config_add_session(&cfg->targets[k], sess[i]->name,
				       sess[i]->initiator))
			goto nomem;
	}
	ret = EXIT_OK;
	goto out;
nomem:
	ret = nomem();
out:
	scst_driver_list_free(drvs);
	scst_device_list_free(devs);
	scst_target_list_free(tgts);
	scst_group_list_free(grps);
	scst_lun_list_free(luns);
	scst_session_list_free(sess);
	if (ret)
		config_free(cfg);
	return ret;
}

/*
 * Device attributes of @op that differ from what the kernel has now; 1
 * when there are none (a device just made may already have them).
 */
static int device_set(struct cli *cli, const struct cfg_op *op)
{
	struct scst_dev_attrs attrs = op->dev->parsed;
	struct scst_device *cur;
	char a[4096], b[4096];
	unsigned int i;
	int err;

	attrs.mask &= op->attrs;
	err = scst_device_get(cli->ctx, op->name, &cur);
	if (err)
		return err;
	for (i = 0; i < __SCST_DEV_ATTR_MAX; i++) {
		if (!(attrs.mask & SCST_DEV_ATTR_BIT(i)))
			continue;
		if (scst_dev_attrs_format(&attrs, i, a, sizeof(a)) >= 0 &&
		    scst_dev_attrs_format(&cur->attrs, i, b, sizeof(b)) >= 0 &&
		    !strcmp(a, b))
			attrs.mask &= ~SCST_DEV_ATTR_BIT(i);
	}
	scst_device_free(cur);
	if (!attrs.mask)
		return 1;
	return scst_device_set(cli->ctx, op->name, &attrs);
}

/* One "key=value" parameter of @op. */
static int param_set(struct cli *cli, const struct cfg_op *op)
{
	const char *params[2] = { NULL, NULL };
	char *p;
	int err;

	if (asprintf(&p, "%s=%s", op->param->key, op->param->value) < 0)
		return -ENOMEM;
	params[0] = p;
	if (op->kind == CFG_OP_DRIVER_SET)
		err = scst_driver_set_params(cli->ctx, op->name, params);
	else
		err = scst_target_set_params(cli->ctx, op->target, params);
	free(p);
	return err;
}

/* One operation: 0, 1 when nothing was left to do, or -errno. */
static int op_apply(struct cli *cli, const struct cfg_op *op)
{
	struct scst_ctx *ctx = cli->ctx;
	struct scst_dev_attrs attrs;
	struct scst_global g;

	switch (op->kind) {
	case CFG_OP_SESSION_DEL:
		return scst_session_del(ctx, op->target, op->name);
	case CFG_OP_LUN_DEL:
		return scst_lun_del(ctx, op->target, op->group, op->lun);
	case CFG_OP_INITIATOR_DEL:
		return scst_initiator_del(ctx, op->target, op->group, op->name);
	case CFG_OP_GROUP_DEL:
		return scst_group_del(ctx, op->target, op->group);
	case CFG_OP_TARGET_DEL:
		return scst_target_del(ctx, op->target);
	case CFG_OP_DEVICE_DEL:
		return scst_device_del(ctx, op->name);
	case CFG_OP_GLOBAL_SET:
		memset(&g, 0, sizeof(g));
		if (op->global->has_async) {
			g.mask |= SCST_GLOBAL_ASYNC_LUN_REPLACE;
			g.async_lun_replace = op->global->async_lun_replace;
		}
		if (op->global->has_park) {
			g.mask |= SCST_GLOBAL_PARK_LUN_REPLACE;
			g.park_lun_replace = op->global->park_lun_replace;
		}
		if (op->global->has_qdepth) {
			g.mask |= SCST_GLOBAL_LUN_QUEUE_DEPTH;
			g.lun_queue_depth = op->global->lun_queue_depth;
		}
		return scst_global_set(ctx, &g);
	case CFG_OP_DEVICE_ADD:
		attrs = op->dev->parsed;
		attrs.mask &= op->attrs;
		return scst_device_add(ctx, op->name, op->arg, &attrs);
	case CFG_OP_DEVICE_SET:
		return device_set(cli, op);
	case CFG_OP_TARGET_ADD:
		return scst_target_add(ctx, op->target, op->arg);
	case CFG_OP_GROUP_ADD:
		return scst_group_add(ctx, op->target, op->group);
	case CFG_OP_INITIATOR_MOVE:
		return scst_initiator_move(ctx, op->target, op->group, op->name,
					   op->arg);
	case CFG_OP_INITIATOR_ADD:
		return scst_initiator_add(ctx, op->target, op->group, op->name);
	case CFG_OP_LUN_REPLACE:
		return scst_lun_replace(ctx, op->target, op->group, op->lun,
					op->arg, 0, NULL, NULL);
	case CFG_OP_LUN_ADD:
		return scst_lun_add(ctx, op->target, op->group, op->lun,
				    op->arg, op->flag);
	case CFG_OP_DRIVER_SET:
	case CFG_OP_TARGET_SET:
		return param_set(cli, op);
	case CFG_OP_TARGET_ENABLE:
		return scst_target_enable(ctx, op->target, op->flag);
	case CFG_OP_SESSION_ADD:
		return scst_session_add(ctx, op->target, op->arg, op->name);
	}
	return -EINVAL;
}

/*
 * Run (or with @dry_run only print) the plan that turns @have into @want,
 * printing each operation applied.
 */
static int plan_run(struct cli *cli, const struct scst_config *want,
		    const struct scst_config *have,
		    const struct cfg_handlers *hs, bool dry_run)
{
	struct cfg_plan plan;
	char desc[1024];
	size_t i;
	int err, ret = EXIT_OK;

	err = config_diff(want, have, hs, &plan);
	if (err)
		return nomem();
	print_open_array(NULL);
	for (i = 0; i < plan.nops; i++) {
		config_op_describe(&plan.ops[i], desc, sizeof(desc));
		if (!dry_run) {
			err = op_apply(cli, &plan.ops[i]);
			if (err > 0)
				continue;	/* nothing was left to do */
			if (err) {
				const char *msg = scst_ctx_errmsg(cli->ctx);

				cli_msg("'%s' failed: %s", desc,
					msg && *msg ? msg : scst_strerror(err));
				ret = EXIT_ERR;
				break;
			}
		}
		print_string(PRINT_ANY, NULL, "%s\n", desc);
	}
	print_close_array();
	config_plan_free(&plan);
	return ret;
}

static int print_errors(struct cfg_errors *errs, int err)
{
	size_t i;

	if (err == -ENOMEM && !errs->n)
		return nomem();
	for (i = 0; i < errs->n; i++)
		cli_msg("%s", errs->msgs[i]);
	config_errors_free(errs);
	return EXIT_ERR;
}

int cmd_config_check(struct cli *cli, int argc, char **argv)
{
	struct cfg_errors errs = { 0 };
	struct scst_config cfg;
	int err;

	if (argc != 1)
		return cli_usage(cli, argc ? "too many arguments" :
				 "which file?");
	err = config_parse_file(argv[0], config_builtin_handlers(), &cfg,
				&errs);
	if (err)
		return print_errors(&errs, err);
	print_open_object(NULL);
	print_uint(PRINT_ANY, "devices", "%u devices, ", (unsigned int)cfg.ndevices);
	print_uint(PRINT_ANY, "targets", "%u targets: ", (unsigned int)cfg.ntargets);
	print_string(PRINT_ANY, "result", "%s\n", "ok");
	print_close_object();
	config_free(&cfg);
	return EXIT_OK;
}

int cmd_config_load(struct cli *cli, int argc, char **argv)
{
	struct cfg_errors errs = { 0 };
	struct scst_config want, have;
	struct kernel_handlers kh;
	const char *file = NULL;
	bool dry_run = false;
	int i, err, ret;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-n") || !strcmp(argv[i], "--dry-run"))
			dry_run = true;
		else if (!file)
			file = argv[i];
		else
			return cli_usage(cli, "too many arguments");
	}
	if (!file)
		return cli_usage(cli, "which file?");
	if (!cli_ctx(cli))
		return EXIT_ERR;
	ret = kernel_handlers_get(cli, &kh);
	if (ret)
		return ret;
	err = config_parse_file(file, &kh.h, &want, &errs);
	if (err) {
		kernel_handlers_put(&kh);
		return print_errors(&errs, err);
	}
	ret = running_get(cli, &kh.h, &have);
	if (!ret) {
		ret = plan_run(cli, &want, &have, &kh.h, dry_run);
		config_free(&have);
	}
	config_free(&want);
	kernel_handlers_put(&kh);
	return ret;
}

int cmd_config_clear(struct cli *cli, int argc, char **argv)
{
	struct scst_config empty, have;
	struct kernel_handlers kh;
	bool dry_run = false;
	int ret;

	if (argc == 1 && (!strcmp(argv[0], "-n") || !strcmp(argv[0], "--dry-run")))
		dry_run = true;
	else if (argc > 0)
		return cli_usage(cli, "unexpected argument '%s'", argv[0]);
	if (!cli_ctx(cli))
		return EXIT_ERR;
	ret = kernel_handlers_get(cli, &kh);
	if (ret)
		return ret;
	config_init(&empty);
	ret = running_get(cli, &kh.h, &have);
	if (!ret) {
		ret = plan_run(cli, &empty, &have, &kh.h, dry_run);
		config_free(&have);
	}
	kernel_handlers_put(&kh);
	return ret;
}

/* Write to a temporary file next to @path and rename it into place. */
static int save_to(const char *path,
		   const struct scst_config *cfg, const struct cfg_handlers *hs)
{
	char *tmp;
	FILE *f;
	int fd, err;

	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return nomem();
	fd = mkstemp(tmp);
	if (fd < 0) {
		cli_msg("cannot write %s: %s", path, strerror(errno));
		free(tmp);
		return EXIT_ERR;
	}
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		err = -errno;
		goto fail;
	}
	fchmod(fd, 0644);
	err = config_write(f, cfg, hs);
	if (fflush(f) || fsync(fd))
		err = err ? err : -errno;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		goto fail;
	free(tmp);
	return EXIT_OK;
fail:
	unlink(tmp);
	free(tmp);
	cli_msg("cannot write %s: %s", path, strerror(-err));
	return EXIT_ERR;
}

int cmd_config_save(struct cli *cli, int argc, char **argv)
{
	struct scst_config have;
	struct kernel_handlers kh;
	int ret, err;

	if (argc > 1)
		return cli_usage(cli, "too many arguments");
	if (cli->json)
		return cli_usage(cli, "the configuration file format has no JSON form");
	if (!cli_ctx(cli))
		return EXIT_ERR;
	ret = kernel_handlers_get(cli, &kh);
	if (ret)
		return ret;
	ret = running_get(cli, &kh.h, &have);
	if (!ret) {
		if (argc == 1 && strcmp(argv[0], "-")) {
			ret = save_to(argv[0], &have, &kh.h);
		} else {
			err = config_write(stdout, &have, &kh.h);
			if (err) {
				cli_msg("cannot write the configuration: %s",
					strerror(-err));
				ret = EXIT_ERR;
			}
		}
		config_free(&have);
	}
	kernel_handlers_put(&kh);
	return ret;
}

int cmd_config_show(struct cli *cli, int argc, char **argv)
{
	if (argc > 0)
		return cli_usage(cli, "unexpected argument '%s'", argv[0]);
	return cmd_config_save(cli, 0, argv);
}
