// SPDX-License-Identifier: GPL-2.0
/*
 * iscsi_scst: CHAP (RFC 1994 as RFC 7143 12.1.3 uses it), one-way and
 * mutual, with the hash functions of the kernel's crypto API.
 *
 * The target sends CHAP_I (an identifier) and CHAP_C (a random challenge);
 * the initiator answers CHAP_N (an IncomingUser name) and CHAP_R = H(I | secret
 * | C). For mutual CHAP the initiator also sends its own CHAP_I and CHAP_C,
 * and the target answers with its OutgoingUser name and secret. Binary
 * values are hex ("0x...") or base64 ("0b...").
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "iscsi.h"

#define ISCST_CHAP_MAX_BIN	128
#define ISCST_CHAP_SECRET_MIN	12	/* 96 bits, RFC 7143 12.1.3 */
#define ISCST_CHAP_SECRET_MAX	255

struct iscst_chap_alg {
	u8		code;		/* CHAP_A value (IANA) */
	const char	*hash;		/* crypto API name */
	u32		len;		/* digest length */
};

/* In the target's order of preference; the initiator's order wins. */
static const struct iscst_chap_alg iscst_chap_algs[] = {
	{ 7, "sha256", 32 },
	{ 6, "sha1", 20 },
	{ 5, "md5", 16 },
};

struct iscst_chap {
	const struct iscst_chap_alg	*alg;
	u8				id;
	u8				challenge[ISCST_CHAP_MAX_BIN];
	u32				challenge_len;
};

struct iscst_chap *iscst_chap_new(void)
{
	return kzalloc(sizeof(struct iscst_chap), GFP_KERNEL);
}

void iscst_chap_free(struct iscst_chap *chap)
{
	kfree_sensitive(chap);
}

void iscst_chap_user_free(struct iscst_chap_user *user)
{
	if (!user)
		return;
	kfree(user->name);
	kfree_sensitive(user->secret);
	kfree(user);
}

/*
 * "NAME SECRET" gives a new account in @user; "NAME" alone gives only
 * @name (an account to remove).
 */
int iscst_chap_user_parse(const char *value, struct iscst_chap_user **user,
			  char **name, struct netlink_ext_ack *extack)
{
	const char *sp = strchr(value, ' ');
	size_t nlen = sp ? sp - value : strlen(value);
	struct iscst_chap_user *u;
	const char *p;

	*user = NULL;
	*name = NULL;
	if (!nlen || nlen > 255) {
		NL_SET_ERR_MSG(extack, "a CHAP user name has 1 to 255 bytes");
		return -EINVAL;
	}
	for (p = value; p < value + nlen; p++) {
		if (*p <= ' ' || *p >= 0x7f) {
			NL_SET_ERR_MSG(extack, "a CHAP user name is printable, without white space");
			return -EINVAL;
		}
	}
	if (!sp) {
		*name = kstrndup(value, nlen, GFP_KERNEL);
		return *name ? 0 : -ENOMEM;
	}
	p = sp + 1;
	if (strlen(p) < ISCST_CHAP_SECRET_MIN ||
	    strlen(p) > ISCST_CHAP_SECRET_MAX) {
		NL_SET_ERR_MSG(extack, "a CHAP secret has 12 to 255 bytes (RFC 7143 wants at least 96 bits)");
		return -EINVAL;
	}
	u = kzalloc(sizeof(*u), GFP_KERNEL);
	if (!u)
		return -ENOMEM;
	u->name = kstrndup(value, nlen, GFP_KERNEL);
	u->secret = kstrdup(p, GFP_KERNEL);
	if (!u->name || !u->secret) {
		iscst_chap_user_free(u);
		return -ENOMEM;
	}
	INIT_LIST_HEAD(&u->entry);
	u->secret_len = strlen(p);
	*user = u;
	return 0;
}

/* ---- encodings ------------------------------------------------------------ */

static int iscst_b64_val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decode a "0x" hex or "0b" base64 value; returns its length or -EINVAL. */
static int iscst_chap_decode(const char *s, u8 *out, size_t size)
{
	size_t len, n = 0;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X' && s[1] != 'b' &&
			    s[1] != 'B'))
		return -EINVAL;
	len = strlen(s + 2);
	if (s[1] == 'x' || s[1] == 'X') {
		const char *p = s + 2;

		/* An odd number of digits has an implied leading zero. */
		if (len & 1) {
			int v = hex_to_bin(*p);

			if (v < 0 || !size)
				return -EINVAL;
			out[n++] = v;
			p++;
			len--;
		}
		if (!len || n + len / 2 > size || hex2bin(out + n, p, len / 2))
			return -EINVAL;
		return n + len / 2;
	}
	{
		const char *p = s + 2;
		u32 acc = 0;
		int bits = 0;

		for (; *p && *p != '='; p++) {
			int v = iscst_b64_val(*p);

			if (v < 0)
				return -EINVAL;
			acc = (acc << 6) | v;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				if (n == size)
					return -EINVAL;
				out[n++] = acc >> bits;
			}
		}
		return n ? n : -EINVAL;
	}
}

static int iscst_chap_encode(char *buf, size_t size, const u8 *bin, u32 len)
{
	if (size < 2 + 2 * len + 1)
		return -ENOSPC;
	buf[0] = '0';
	buf[1] = 'x';
	bin2hex(buf + 2, bin, len);
	buf[2 + 2 * len] = 0;
	return 0;
}

/* ---- the exchange --------------------------------------------------------- */

/* The algorithm with CHAP_A code @code, if the kernel can compute it. */
static const struct iscst_chap_alg *iscst_chap_alg_find(unsigned int code)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(iscst_chap_algs); i++) {
		const struct iscst_chap_alg *a = &iscst_chap_algs[i];

		if (a->code == code && crypto_has_shash(a->hash, 0, 0))
			return a;
	}
	return NULL;
}

/* Choose CHAP_A from the initiator's list; returns its code or -EINVAL. */
int iscst_chap_algorithm(struct iscst_chap *chap, const char *list)
{
	const char *p = list;

	while (*p) {
		const char *end = strchrnul(p, ',');
		const struct iscst_chap_alg *a;
		unsigned int v;
		char num[8];

		if (end - p > 0 && end - p < sizeof(num)) {
			memcpy(num, p, end - p);
			num[end - p] = 0;
			if (!kstrtouint(num, 10, &v)) {
				a = iscst_chap_alg_find(v);
				if (a) {
					chap->alg = a;
					return v;
				}
			}
		}
		p = *end ? end + 1 : end;
	}
	return -EINVAL;
}

/* Write "CHAP_A=..", "CHAP_I=..", "CHAP_C=.." (NUL-separated); returns bytes. */
int iscst_chap_challenge(struct iscst_chap *chap, char *buf, size_t size)
{
	char hex[2 * ISCST_CHAP_MAX_BIN + 3];
	int len;

	chap->id = get_random_u32() & 0xff;
	/* As long as the digest, and never shorter than 16 bytes. */
	chap->challenge_len = max_t(u32, chap->alg->len, 16);
	get_random_bytes(chap->challenge, chap->challenge_len);
	if (iscst_chap_encode(hex, sizeof(hex), chap->challenge,
			      chap->challenge_len))
		return -ENOSPC;
	len = snprintf(buf, size, "CHAP_A=%u%cCHAP_I=%u%cCHAP_C=%s",
		       chap->alg->code, 0, chap->id, 0, hex);
	if (len >= size)
		return -ENOSPC;
	return len + 1;
}

static int iscst_chap_hash(const struct iscst_chap_alg *alg, u8 id,
			   const u8 *secret, u32 secret_len, const u8 *chal,
			   u32 chal_len, u8 *out)
{
	struct crypto_shash *tfm;
	int ret;

	tfm = crypto_alloc_shash(alg->hash, 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	{
		SHASH_DESC_ON_STACK(desc, tfm);

		desc->tfm = tfm;
		ret = crypto_shash_init(desc) ?:
		      crypto_shash_update(desc, &id, 1) ?:
		      crypto_shash_update(desc, secret, secret_len) ?:
		      crypto_shash_update(desc, chal, chal_len) ?:
		      crypto_shash_final(desc, out);
		shash_desc_zero(desc);
	}
	crypto_free_shash(tfm);
	return ret;
}

/**
 * iscst_chap_verify() - check the initiator's CHAP_N and CHAP_R
 * @chap: the exchange, after iscst_chap_challenge()
 * @tgt: whose IncomingUser accounts apply
 * @name: CHAP_N
 * @response: CHAP_R
 *
 * Return: 0 if an account of that name has the secret that gives
 * @response, -EACCES if not, another -errno on failure.
 */
int iscst_chap_verify(struct iscst_chap *chap, struct iscst_tgt *tgt,
		      const char *name, const char *response)
{
	u8 resp[ISCST_CHAP_MAX_BIN], want[ISCST_CHAP_MAX_BIN];
	struct iscst_chap_user *user;
	int len, ret = -EACCES;

	if (!chap->alg || !chap->challenge_len)
		return -EACCES;
	len = iscst_chap_decode(response, resp, sizeof(resp));
	if (len != chap->alg->len)
		return -EACCES;

	mutex_lock(&tgt->cfg_lock);
	list_for_each_entry(user, &tgt->in_users, entry) {
		if (strcmp(user->name, name))
			continue;
		ret = iscst_chap_hash(chap->alg, chap->id, user->secret,
				      user->secret_len, chap->challenge,
				      chap->challenge_len, want);
		if (!ret && crypto_memneq(want, resp, len))
			ret = -EACCES;
		break;
	}
	mutex_unlock(&tgt->cfg_lock);
	memzero_explicit(want, sizeof(want));
	return ret;
}

/**
 * iscst_chap_mutual() - answer the initiator's challenge
 * @chap: the exchange
 * @tgt: whose OutgoingUser account answers
 * @id: the initiator's CHAP_I
 * @challenge: the initiator's CHAP_C
 * @buf: receives "CHAP_N=..", "CHAP_R=.." (NUL-separated)
 * @size: of @buf
 *
 * A challenge equal to the target's own is refused: answering it would let
 * an initiator that knows no secret reflect the target's response back.
 *
 * Return: bytes written, -EACCES if the target has no OutgoingUser or the
 * challenge is not acceptable, another -errno on failure.
 */
int iscst_chap_mutual(struct iscst_chap *chap, struct iscst_tgt *tgt,
		      const char *id, const char *challenge, char *buf,
		      size_t size)
{
	u8 chal[ISCST_CHAP_MAX_BIN], resp[ISCST_CHAP_MAX_BIN];
	char hex[2 * ISCST_CHAP_MAX_BIN + 3];
	unsigned int idv;
	int clen, len, ret;

	if (kstrtouint(id, 0, &idv) || idv > 255)
		return -EACCES;
	clen = iscst_chap_decode(challenge, chal, sizeof(chal));
	if (clen < 1)
		return -EACCES;
	if (clen == chap->challenge_len &&
	    !memcmp(chal, chap->challenge, clen))
		return -EACCES;

	mutex_lock(&tgt->cfg_lock);
	if (!tgt->out_user) {
		mutex_unlock(&tgt->cfg_lock);
		return -EACCES;
	}
	ret = iscst_chap_hash(chap->alg, idv, tgt->out_user->secret,
			      tgt->out_user->secret_len, chal, clen, resp);
	if (!ret)
		ret = iscst_chap_encode(hex, sizeof(hex), resp, chap->alg->len);
	if (!ret) {
		len = snprintf(buf, size, "CHAP_N=%s%cCHAP_R=%s",
			       tgt->out_user->name, 0, hex);
		ret = len >= size ? -ENOSPC : len + 1;
	}
	mutex_unlock(&tgt->cfg_lock);
	memzero_explicit(resp, sizeof(resp));
	return ret;
}
