// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Device attributes: one table gives each its name, netlink attribute,
 * value kind and place in struct scst_dev_attrs, so parsing, formatting,
 * sending and receiving cannot drift apart.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libscstctl-internal.h"

enum scst_attr_kind {
	SCST_K_STR,
	SCST_K_SIZE,
	SCST_K_BLOCKSIZE,
	SCST_K_BOOL,
	SCST_K_NAA,
	SCST_K_HEX64,
};

struct scst_dev_attr_desc {
	const char		*name;
	int			nla;
	enum scst_attr_kind	kind;
	size_t			off;
	size_t			maxlen;	/* strings: longest value in bytes */
};

#define DA(id, n, a, k, field, max)					\
	[SCST_DEV_ATTR_##id] = { n, SCST_A_DEV_##a, SCST_K_##k,		\
				 offsetof(struct scst_dev_attrs, field), max }

static const struct scst_dev_attr_desc scst_dev_attr_desc[__SCST_DEV_ATTR_MAX] = {
	DA(FILENAME, "filename", FILENAME, STR, filename, 4095),
	DA(SIZE, "size", SIZE, SIZE, size, 0),
	DA(BLOCKSIZE, "blocksize", BLOCKSIZE, BLOCKSIZE, blocksize, 0),
	DA(READ_ONLY, "read_only", READ_ONLY, BOOL, read_only, 0),
	DA(WRITE_THROUGH, "write_through", WRITE_THROUGH, BOOL, write_through, 0),
	DA(NV_CACHE, "nv_cache", NV_CACHE, BOOL, nv_cache, 0),
	DA(O_DIRECT, "o_direct", O_DIRECT, BOOL, o_direct, 0),
	DA(THIN_PROVISIONED, "thin_provisioned", THIN_PROVISIONED, BOOL,
	   thin_provisioned, 0),
	DA(ROTATIONAL, "rotational", ROTATIONAL, BOOL, rotational, 0),
	DA(VENDOR, "vendor", VENDOR, STR, vendor, 8),
	DA(PRODUCT, "product", PRODUCT, STR, product, 16),
	DA(REVISION, "revision", REVISION, STR, revision, 4),
	DA(T10_DEV_ID, "t10_dev_id", T10_DEV_ID, STR, t10_dev_id, 64),
	DA(USN, "usn", USN, STR, usn, 64),
	DA(NAA_ID, "naa_id", NAA_ID, NAA, naa_id, 0),
	DA(EUI64_ID, "eui64_id", EUI64_ID, HEX64, eui64_id, 0),
};

#define FIELD(attrs, d, type) ((type *)((char *)(attrs) + (d)->off))
#define CFIELD(attrs, d, type) \
	((const type *)((const char *)(attrs) + (d)->off))

SCST_EXPORT const char *scst_dev_attr_name(unsigned int attr)
{
	return attr < __SCST_DEV_ATTR_MAX ? scst_dev_attr_desc[attr].name : NULL;
}

SCST_EXPORT int scst_dev_attr_by_name(const char *name)
{
	int i;

	for (i = 0; i < __SCST_DEV_ATTR_MAX; i++)
		if (!strcmp(scst_dev_attr_desc[i].name, name))
			return i;
	return -ENOENT;
}

static int scst_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Exactly @n bytes as 2*@n hex digits, with an optional 0x. */
static int scst_parse_hex(const char *s, uint8_t *out, size_t n)
{
	size_t i;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (strlen(s) != 2 * n)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		int hi = scst_hexval((unsigned char)s[2 * i]);
		int lo = scst_hexval((unsigned char)s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

SCST_EXPORT int scst_dev_attrs_parse(struct scst_dev_attrs *attrs,
				     const char *name, const char *value)
{
	const struct scst_dev_attr_desc *d;
	uint8_t raw[8];
	uint64_t v;
	bool b;
	int attr, err;
	size_t i;

	attr = scst_dev_attr_by_name(name);
	if (attr < 0)
		return attr;
	if (!value)
		return -EINVAL;
	d = &scst_dev_attr_desc[attr];
	switch (d->kind) {
	case SCST_K_STR:
		if (!*value)
			return -EINVAL;
		if (d->maxlen && strlen(value) > d->maxlen)
			return -ERANGE;
		*FIELD(attrs, d, const char *) = value;
		break;
	case SCST_K_SIZE:
		err = scst_parse_size(value, &v);
		if (err)
			return err;
		*FIELD(attrs, d, uint64_t) = v;
		break;
	case SCST_K_BLOCKSIZE:
		err = scst_parse_size(value, &v);
		if (err)
			return err;
		if (v != 512 && v != 4096)
			return -ERANGE;
		*FIELD(attrs, d, uint32_t) = (uint32_t)v;
		break;
	case SCST_K_BOOL:
		err = scst_parse_bool(value, &b);
		if (err)
			return err;
		*FIELD(attrs, d, bool) = b;
		break;
	case SCST_K_NAA:
		err = scst_parse_hex(value, FIELD(attrs, d, uint8_t), 16);
		if (err)
			return err;
		break;
	case SCST_K_HEX64:
		err = scst_parse_hex(value, raw, 8);
		if (err)
			return err;
		for (v = 0, i = 0; i < 8; i++)
			v = v << 8 | raw[i];
		*FIELD(attrs, d, uint64_t) = v;
		break;
	}
	attrs->mask |= SCST_DEV_ATTR_BIT(attr);
	return 0;
}

SCST_EXPORT int scst_dev_attrs_format(const struct scst_dev_attrs *attrs,
				      unsigned int attr, char *buf, size_t len)
{
	const struct scst_dev_attr_desc *d;
	const uint8_t *naa;
	int n = 0, i;

	if (attr >= __SCST_DEV_ATTR_MAX ||
	    !(attrs->mask & SCST_DEV_ATTR_BIT(attr)))
		return -ENOENT;
	d = &scst_dev_attr_desc[attr];
	switch (d->kind) {
	case SCST_K_STR:
		return snprintf(buf, len, "%s", *CFIELD(attrs, d, const char *) ?
				*CFIELD(attrs, d, const char *) : "");
	case SCST_K_SIZE:
		return snprintf(buf, len, "%" PRIu64, *CFIELD(attrs, d, uint64_t));
	case SCST_K_BLOCKSIZE:
		return snprintf(buf, len, "%" PRIu32, *CFIELD(attrs, d, uint32_t));
	case SCST_K_BOOL:
		return snprintf(buf, len, "%d", *CFIELD(attrs, d, bool) ? 1 : 0);
	case SCST_K_NAA:
		naa = CFIELD(attrs, d, uint8_t);
		for (i = 0; i < 16; i++) {
			int r = snprintf(len > (size_t)n ? buf + n : NULL,
					 len > (size_t)n ? len - n : 0,
					 "%02x", naa[i]);
			n += r;
		}
		return n;
	case SCST_K_HEX64:
		return snprintf(buf, len, "0x%016" PRIx64,
				*CFIELD(attrs, d, uint64_t));
	}
	return -ENOENT;
}

int scst_dev_attrs_put(struct scst_ctx *ctx, struct nl_msg *msg,
		       const struct scst_dev_attrs *attrs)
{
	const struct scst_dev_attr_desc *d;
	int i, ret = 0;

	if (!attrs)
		return 0;
	if (attrs->mask & ~(SCST_DEV_ATTR_BIT(__SCST_DEV_ATTR_MAX) - 1))
		return scst_fail(ctx, -EINVAL, "unknown device attribute in the mask");
	for (i = 0; i < __SCST_DEV_ATTR_MAX && !ret; i++) {
		if (!(attrs->mask & SCST_DEV_ATTR_BIT(i)))
			continue;
		d = &scst_dev_attr_desc[i];
		switch (d->kind) {
		case SCST_K_STR:
			if (!*CFIELD(attrs, d, const char *))
				return scst_fail(ctx, -EINVAL,
						 "device attribute '%s' has no value",
						 d->name);
			ret = nla_put_string(msg, d->nla,
					     *CFIELD(attrs, d, const char *));
			break;
		case SCST_K_SIZE:
		case SCST_K_HEX64:
			ret = nla_put_u64(msg, d->nla, *CFIELD(attrs, d, uint64_t));
			break;
		case SCST_K_BLOCKSIZE:
			ret = nla_put_u32(msg, d->nla, *CFIELD(attrs, d, uint32_t));
			break;
		case SCST_K_BOOL:
			ret = nla_put_u8(msg, d->nla, *CFIELD(attrs, d, bool));
			break;
		case SCST_K_NAA:
			ret = nla_put(msg, d->nla, 16, CFIELD(attrs, d, uint8_t));
			break;
		}
	}
	if (ret < 0)
		return scst_fail(ctx, -EMSGSIZE, "the request is too large");
	return 0;
}

int scst_dev_attrs_from_tb(struct nlattr **tb, struct scst_dev_attrs *attrs)
{
	const struct scst_dev_attr_desc *d;
	struct nlattr *nla;
	char *s;
	int i;

	memset(attrs, 0, sizeof(*attrs));
	for (i = 0; i < __SCST_DEV_ATTR_MAX; i++) {
		d = &scst_dev_attr_desc[i];
		nla = tb[d->nla];
		if (!nla)
			continue;
		switch (d->kind) {
		case SCST_K_STR:
			s = scst_attr_strdup(nla);
			if (!s)
				return -ENOMEM;
			*FIELD(attrs, d, const char *) = s;
			break;
		case SCST_K_SIZE:
		case SCST_K_HEX64:
			*FIELD(attrs, d, uint64_t) = nla_get_u64(nla);
			break;
		case SCST_K_BLOCKSIZE:
			*FIELD(attrs, d, uint32_t) = nla_get_u32(nla);
			break;
		case SCST_K_BOOL:
			*FIELD(attrs, d, bool) = !!nla_get_u8(nla);
			break;
		case SCST_K_NAA:
			memcpy(FIELD(attrs, d, uint8_t), nla_data(nla), 16);
			break;
		}
		attrs->mask |= SCST_DEV_ATTR_BIT(i);
	}
	return 0;
}

void scst_dev_attrs_release(struct scst_dev_attrs *attrs)
{
	const struct scst_dev_attr_desc *d;
	int i;

	for (i = 0; i < __SCST_DEV_ATTR_MAX; i++) {
		d = &scst_dev_attr_desc[i];
		if (d->kind == SCST_K_STR) {
			free((void *)*FIELD(attrs, d, const char *));
			*FIELD(attrs, d, const char *) = NULL;
		}
	}
}
