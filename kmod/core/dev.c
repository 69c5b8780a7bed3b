// SPDX-License-Identifier: GPL-2.0
/*
 * Device handlers and devices.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/stringhash.h>
#include "scst_priv.h"

/* Both protected by scst_mutex. */
LIST_HEAD(scst_handler_list);
LIST_HEAD(scst_dev_list);
static DEFINE_HASHTABLE(scst_dev_hash, 10);
/* The last device serial given out (scst_mutex). */
static u64 scst_dev_serial;

/* Attribute names as listed in SCST_A_CREATE_ATTR / SCST_A_RUNTIME_ATTR. */
const char *const scst_devp_names[__SCST_DEVP_MAX] = {
	[SCST_DEVP_FILENAME]		= "filename",
	[SCST_DEVP_SIZE]		= "size",
	[SCST_DEVP_BLOCKSIZE]		= "blocksize",
	[SCST_DEVP_READ_ONLY]		= "read_only",
	[SCST_DEVP_WRITE_THROUGH]	= "write_through",
	[SCST_DEVP_NV_CACHE]		= "nv_cache",
	[SCST_DEVP_O_DIRECT]		= "o_direct",
	[SCST_DEVP_THIN_PROVISIONED]	= "thin_provisioned",
	[SCST_DEVP_ROTATIONAL]		= "rotational",
	[SCST_DEVP_VENDOR]		= "vendor",
	[SCST_DEVP_PRODUCT]		= "product",
	[SCST_DEVP_REVISION]		= "revision",
	[SCST_DEVP_T10_DEV_ID]		= "t10_dev_id",
	[SCST_DEVP_USN]			= "usn",
	[SCST_DEVP_NAA_ID]		= "naa_id",
	[SCST_DEVP_EUI64_ID]		= "eui64_id",
};

static u32 scst_name_hash(const char *name)
{
	return full_name_hash(NULL, name, strlen(name));
}

struct scst_handler *scst_handler_find(const char *name)
{
	struct scst_handler *h;

	lockdep_assert_held(&scst_mutex);
	list_for_each_entry(h, &scst_handler_list, entry)
		if (!strcmp(h->ops->name, name))
			return h;
	return NULL;
}

/**
 * scst_handler_register() - make a device handler available
 * @ops: the handler; must stay valid until scst_handler_unregister()
 *
 * Return: 0, -EINVAL for an incomplete ops table, -EEXIST if a handler of
 * that name is registered, -ENOMEM.
 */
int scst_handler_register(const struct scst_handler_ops *ops)
{
	struct scst_handler *h;
	int ret = 0;

	if (!ops->name || scst_name_check(ops->name, false) || !ops->attach ||
	    !ops->exec ||
	    (ops->create_params | ops->runtime_params) >> __SCST_DEVP_MAX) {
		pr_err("handler '%s': invalid ops table\n",
		       ops->name ? ops->name : "(null)");
		return -EINVAL;
	}
	if (ops->runtime_params && !ops->set_params) {
		pr_err("handler '%s': runtime parameters without set_params\n",
		       ops->name);
		return -EINVAL;
	}

	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	h->ops = ops;

	mutex_lock(&scst_mutex);
	if (scst_handler_find(ops->name)) {
		pr_err("handler '%s' is already registered\n", ops->name);
		ret = -EEXIST;
		kfree(h);
	} else {
		list_add_tail(&h->entry, &scst_handler_list);
		scst_changed();
		pr_info("handler '%s' registered\n", ops->name);
	}
	mutex_unlock(&scst_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(scst_handler_register);

/**
 * scst_handler_unregister() - remove a device handler
 * @ops: as registered
 *
 * Its devices pin the handler's module, so none can be left when the module
 * unregisters from its exit function.
 */
void scst_handler_unregister(const struct scst_handler_ops *ops)
{
	struct scst_handler *h;

	mutex_lock(&scst_mutex);
	h = scst_handler_find(ops->name);
	if (!WARN_ON(!h || h->ops != ops)) {
		WARN_ON(h->nr_devs);
		list_del(&h->entry);
		scst_changed();
		kfree(h);
		pr_info("handler '%s' unregistered\n", ops->name);
	}
	mutex_unlock(&scst_mutex);
}
EXPORT_SYMBOL_GPL(scst_handler_unregister);

void scst_dev_params_free(struct scst_dev_params *p)
{
	kfree(p->filename);
	p->filename = NULL;
}
EXPORT_SYMBOL_GPL(scst_dev_params_free);

struct scst_dev_priv *scst_dev_find(const char *name)
{
	struct scst_dev_priv *dev;

	lockdep_assert_held(&scst_mutex);
	hash_for_each_possible(scst_dev_hash, dev, hnode, scst_name_hash(name))
		if (!strcmp(dev->name, name))
			return dev;
	return NULL;
}

/**
 * scst_dev_create() - create a device on a handler
 * @h: the handler
 * @name: a unique, checked name
 * @p: the attributes the user gave (only bits the handler accepts); the
 *	caller frees it
 * @extack: for the handler's complaints
 *
 * Return: the device, or an ERR_PTR().
 */
struct scst_dev_priv *scst_dev_create(struct scst_handler *h, const char *name,
				      struct scst_dev_params *p,
				      struct netlink_ext_ack *extack)
{
	size_t len = strlen(name) + 1;
	struct scst_dev_priv *dev;
	int ret;

	lockdep_assert_held(&scst_mutex);

	dev = kzalloc(struct_size(dev, name, len), GFP_KERNEL);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	memcpy(dev->name, name, len);
	dev->dev.name = dev->name;
	dev->dev.handler = h->ops;
	dev->handler = h;
	dev->serial = ++scst_dev_serial;
	INIT_LIST_HEAD(&dev->tgt_devs);

	/* A device pins its handler's module until it is deleted. */
	if (!try_module_get(h->ops->owner)) {
		NL_SET_ERR_MSG(extack, "handler is being unloaded");
		ret = -ENODEV;
		goto err_free;
	}

	ret = h->ops->attach(&dev->dev, p, extack);
	if (ret)
		goto err_put;

	hash_add(scst_dev_hash, &dev->hnode, scst_name_hash(dev->name));
	list_add_tail(&dev->entry, &scst_dev_list);
	h->nr_devs++;
	scst_changed();
	return dev;

err_put:
	module_put(h->ops->owner);
err_free:
	scst_dev_params_free(&dev->dev.params);
	kfree(dev);
	return ERR_PTR(ret);
}

/**
 * scst_dev_destroy() - delete a device nobody uses
 * @dev: the device
 * @extack: names who still uses it
 *
 * Deleting a device that pending cleanups of an async LUN replace hold is
 * refused (rather than deferred): the caller releases or waits for those
 * cleanups first. That way the delete never hangs and nothing is left
 * behind half-deleted.
 *
 * Return: 0 or -EBUSY.
 */
int scst_dev_destroy(struct scst_dev_priv *dev, struct netlink_ext_ack *extack)
{
	struct scst_handler *h = dev->handler;

	lockdep_assert_held(&scst_mutex);

	if (dev->nr_luns) {
		struct scst_tgt_priv *tgt;
		struct scst_acg *acg;
		unsigned long lun;

		/* Name one user; there may be more. */
		list_for_each_entry(tgt, &scst_tgt_list, entry) {
			acg = tgt->default_acg;
			if (scst_acg_find_dev(acg, dev, &lun))
				goto found;
			list_for_each_entry(acg, &tgt->acgs, entry)
				if (scst_acg_find_dev(acg, dev, &lun))
					goto found;
		}
		scst_nl_err(extack, NULL, "device '%s' is used by %u LUNs",
			    dev->name, dev->nr_luns);
		return -EBUSY;
found:
		scst_nl_err(extack, NULL,
			    "device '%s' is used by LUN %lu of target '%s'%s%s",
			    dev->name, lun, tgt->name,
			    acg->name ? " group " : "",
			    acg->name ? acg->name : "");
		return -EBUSY;
	}
	if (dev->nr_cleanups) {
		struct scst_cleanup *cl = scst_cleanup_find_by_dev(dev);

		if (cl)
			scst_nl_err(extack, NULL,
				    "device '%s' is held by pending cleanup %llu of an async LUN replace; release it first",
				    dev->name, cl->id);
		else
			scst_nl_err(extack, NULL,
				    "device '%s' is held by a LUN replace in progress",
				    dev->name);
		return -EBUSY;
	}
	if (!list_empty(&dev->tgt_devs)) {
		scst_nl_err(extack, NULL,
			    "device '%s' still has commands of closing sessions",
			    dev->name);
		return -EBUSY;
	}

	hash_del(&dev->hnode);
	list_del(&dev->entry);
	h->nr_devs--;
	scst_changed();

	if (h->ops->detach)
		h->ops->detach(&dev->dev);
	scst_dev_params_free(&dev->dev.params);
	module_put(h->ops->owner);
	kfree(dev);
	return 0;
}

/**
 * scst_dev_capacity_changed() - report a new capacity to every initiator
 * @dev: the device, whose nr_blocks and block_shift are already updated
 *
 * Raises CAPACITY DATA HAS CHANGED on every I_T nexus that sees the device.
 * Any context.
 */
void scst_dev_capacity_changed(struct scst_dev *dev)
{
	struct scst_dev_priv *d = to_dev_priv(dev);
	struct scst_tgt_dev *td;

	rcu_read_lock();
	list_for_each_entry_rcu(td, &d->tgt_devs, dev_entry)
		scst_ua_add(td, SCST_SK_UNIT_ATTENTION, 0x2a, 0x09);
	rcu_read_unlock();
}
EXPORT_SYMBOL_GPL(scst_dev_capacity_changed);
