// SPDX-License-Identifier: LGPL-2.1-or-later
/* Handlers, drivers and devices. */
#include <errno.h>
#include <stdlib.h>

#include "libscstctl-internal.h"

static void scst_handler_free(void *obj)
{
	struct scst_handler *h = obj;

	if (!h)
		return;
	free(h->name);
	scst_strv_free(h->create_attrs);
	scst_strv_free(h->runtime_attrs);
	free(h);
}

static int scst_handler_from_tb(struct nlattr **tb, struct nlmsghdr *nlh,
				void **out)
{
	struct scst_handler *h;
	int err = -ENOMEM;

	if (!tb[SCST_A_HANDLER])
		return -EPROTO;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->name = scst_attr_strdup(tb[SCST_A_HANDLER]);
	if (!h->name)
		goto err;
	err = scst_collect_strings(nlh, SCST_A_CREATE_ATTR, &h->create_attrs);
	if (err)
		goto err;
	err = scst_collect_strings(nlh, SCST_A_RUNTIME_ATTR, &h->runtime_attrs);
	if (err)
		goto err;
	*out = h;
	return 0;
err:
	scst_handler_free(h);
	return err;
}

SCST_EXPORT int scst_handler_list(struct scst_ctx *ctx,
				  struct scst_handler ***handlersp)
{
	return scst_list(ctx, SCST_CMD_HANDLER_GET, NULL, NULL,
			 scst_handler_from_tb, scst_handler_free,
			 (void ***)handlersp);
}

SCST_EXPORT void scst_handler_list_free(struct scst_handler **handlers)
{
	scst_array_free((void **)handlers, scst_handler_free);
}

static void scst_driver_free(void *obj)
{
	struct scst_driver *d = obj;

	if (!d)
		return;
	free(d->name);
	scst_strv_free(d->create_attrs);
	scst_strv_free(d->runtime_attrs);
	scst_strv_free(d->params);
	free(d);
}

static int scst_driver_from_tb(struct nlattr **tb, struct nlmsghdr *nlh,
			       void **out)
{
	struct scst_driver *d;
	int err = -ENOMEM;

	if (!tb[SCST_A_DRIVER])
		return -EPROTO;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->name = scst_attr_strdup(tb[SCST_A_DRIVER]);
	if (!d->name)
		goto err;
	err = scst_collect_strings(nlh, SCST_A_CREATE_ATTR, &d->create_attrs);
	if (!err)
		err = scst_collect_strings(nlh, SCST_A_RUNTIME_ATTR,
					   &d->runtime_attrs);
	if (!err)
		err = scst_collect_strings(nlh, SCST_A_DRIVER_PARAM, &d->params);
	if (err)
		goto err;
	*out = d;
	return 0;
err:
	scst_driver_free(d);
	return err;
}

SCST_EXPORT int scst_driver_list(struct scst_ctx *ctx,
				 struct scst_driver ***driversp)
{
	return scst_list(ctx, SCST_CMD_DRIVER_GET, NULL, NULL,
			 scst_driver_from_tb, scst_driver_free,
			 (void ***)driversp);
}

SCST_EXPORT void scst_driver_list_free(struct scst_driver **drivers)
{
	scst_array_free((void **)drivers, scst_driver_free);
}

SCST_EXPORT int scst_driver_set_params(struct scst_ctx *ctx,
				       const char *driver,
				       const char *const *params)
{
	struct nl_msg *msg;
	int err;

	err = scst_need(ctx, driver, "driver");
	if (!err)
		err = scst_msg_strs(ctx, SCST_CMD_DRIVER_SET, 0, &msg,
				    SCST_A_DRIVER, driver, 0);
	if (!err)
		err = scst_params_put(ctx, msg, SCST_A_DRIVER_PARAM, params);
	if (err)
		return err;
	return scst_request(ctx, msg, NULL, NULL);
}

/* Devices */

SCST_EXPORT void scst_device_free(struct scst_device *device)
{
	if (!device)
		return;
	free(device->name);
	free(device->handler);
	scst_dev_attrs_release(&device->attrs);
	free(device);
}

static void scst_device_free_obj(void *obj)
{
	scst_device_free(obj);
}

static int scst_device_from_tb(struct nlattr **tb, struct nlmsghdr *nlh,
			       void **out)
{
	struct scst_device *dev;
	int err = -ENOMEM;

	(void)nlh;
	if (!tb[SCST_A_DEVICE])
		return -EPROTO;
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->name = scst_attr_strdup(tb[SCST_A_DEVICE]);
	if (!dev->name)
		goto err;
	err = scst_dup_opt(tb, SCST_A_HANDLER, &dev->handler);
	if (err)
		goto err;
	if (tb[SCST_A_DEV_USERS])
		dev->users = nla_get_u32(tb[SCST_A_DEV_USERS]);
	err = scst_dev_attrs_from_tb(tb, &dev->attrs);
	if (err)
		goto err;
	*out = dev;
	return 0;
err:
	scst_device_free(dev);
	return err;
}

SCST_EXPORT int scst_device_list(struct scst_ctx *ctx,
				 struct scst_device ***devicesp)
{
	return scst_list(ctx, SCST_CMD_DEVICE_GET, NULL, NULL,
			 scst_device_from_tb, scst_device_free_obj,
			 (void ***)devicesp);
}

SCST_EXPORT void scst_device_list_free(struct scst_device **devices)
{
	scst_array_free((void **)devices, scst_device_free_obj);
}

/* A request naming one device. */
static int scst_device_msg(struct scst_ctx *ctx, uint8_t cmd, const char *name,
			   struct nl_msg **msgp)
{
	int err = scst_need(ctx, name, "device");

	if (err)
		return err;
	return scst_msg_strs(ctx, cmd, 0, msgp, SCST_A_DEVICE, name, 0);
}

SCST_EXPORT int scst_device_get(struct scst_ctx *ctx, const char *name,
				struct scst_device **devicep)
{
	struct nl_msg *msg;

	int err;

	*devicep = NULL;
	err = scst_device_msg(ctx, SCST_CMD_DEVICE_GET, name, &msg);
	if (err)
		return err;
	return scst_get_one(ctx, msg, scst_device_from_tb,
			    scst_device_free_obj, (void **)devicep);
}

SCST_EXPORT int scst_device_add(struct scst_ctx *ctx, const char *name,
				const char *handler,
				const struct scst_dev_attrs *attrs)
{
	struct nl_msg *msg;
	int err;

	err = scst_need(ctx, handler, "handler");
	if (err)
		return err;
	err = scst_device_msg(ctx, SCST_CMD_DEVICE_NEW, name, &msg);
	if (err)
		return err;
	err = scst_put_str(msg, SCST_A_HANDLER, handler);
	if (err) {
		nlmsg_free(msg);
		return scst_fail(ctx, err, "the request is too large");
	}
	err = scst_dev_attrs_put(ctx, msg, attrs);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return scst_request(ctx, msg, NULL, NULL);
}

SCST_EXPORT int scst_device_del(struct scst_ctx *ctx, const char *name)
{
	struct nl_msg *msg;
	int err;

	err = scst_device_msg(ctx, SCST_CMD_DEVICE_DEL, name, &msg);
	if (err)
		return err;
	return scst_request(ctx, msg, NULL, NULL);
}

SCST_EXPORT int scst_device_set(struct scst_ctx *ctx, const char *name,
				const struct scst_dev_attrs *attrs)
{
	struct nl_msg *msg;
	int err;

	if (!attrs || !attrs->mask)
		return scst_fail(ctx, -EINVAL, "no device attribute to change");
	err = scst_device_msg(ctx, SCST_CMD_DEVICE_SET, name, &msg);
	if (err)
		return err;
	err = scst_dev_attrs_put(ctx, msg, attrs);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return scst_request(ctx, msg, NULL, NULL);
}
