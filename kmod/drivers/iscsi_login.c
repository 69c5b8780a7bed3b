// SPDX-License-Identifier: GPL-2.0
/*
 * iscsi_scst: the login phase (RFC 7143 6, 11.12, 11.13, 13) and
 * SendTargets.
 *
 * The receive thread of a new connection runs the login synchronously: it
 * reads a Login Request, answers it, and so on until both sides move to
 * full feature phase or the login fails. The target never offers keys of
 * its own (it only answers, and declares its MaxRecvDataSegmentLength), so
 * it never needs an extra round trip; what it answers follows the result
 * functions of RFC 7143 13 and the target's limits.
 *
 * Security: a normal session must authenticate with CHAP when the target
 * has IncomingUser accounts; otherwise AuthMethod=None is chosen. Discovery
 * sessions do not authenticate.
 *
 * Session reinstatement: a login with TSIH 0 and the ISID of a live session
 * of the same initiator to the same target closes that session and waits
 * until it is gone (its tasks aborted) before registering the new one.
 * Adding connections to a session is refused (MaxConnections=1).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kthread.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/sock.h>
#include "iscsi.h"

#define ISCST_LOGIN_TIMEOUT	(30 * HZ)

#define ISCST_STAGE_SECURITY	0
#define ISCST_STAGE_OPERATIONAL	1
#define ISCST_STAGE_FFP		3

/* Login status: class << 8 | detail. */
#define ISCST_LS(cls, detail)	(ISCSI_STATUS_CLS_##cls << 8 | \
				 ISCSI_LOGIN_STATUS_##detail)
#define ISCST_LS_OK		0

enum iscst_chap_state {
	ISCST_CHAP_OFF,
	ISCST_CHAP_WAIT_A,	/* AuthMethod=CHAP chosen: CHAP_A next */
	ISCST_CHAP_WAIT_R,	/* challenge sent: CHAP_N and CHAP_R next */
	ISCST_CHAP_DONE,
};

/**
 * struct iscst_login - the state of one login
 * @conn: the connection logging in
 * @tgt: the target (normal sessions), with a reference and a login count
 * @cfg: the target's limits (a copy, taken when the target was found)
 * @p: the parameters being negotiated
 * @stage: the stage the next request must be in; U8_MAX before the first
 * @auth_needed: the target wants CHAP
 * @auth_done: the security stage is complete
 * @chap_state: enum iscst_chap_state
 * @chap: the CHAP exchange
 * @mrdsl_declared: MaxRecvDataSegmentLength was sent to the initiator
 * @tpgt_sent: TargetPortalGroupTag was sent
 * @text, @text_len: the request's keys, gathered over C-bit PDUs
 * @rsp, @rsp_len: the response's keys
 * @status: the login status to answer with (ISCST_LS())
 * @chap_n, @chap_r, @chap_i, @chap_c: CHAP keys of the current request
 */
struct iscst_login {
	struct iscst_conn	*conn;
	struct iscst_tgt	*tgt;
	struct iscst_tgt_cfg	cfg;
	struct iscst_params	p;
	u8			stage;
	bool			auth_needed;
	bool			auth_done;
	u8			chap_state;
	struct iscst_chap	*chap;
	bool			mrdsl_declared;
	bool			tpgt_sent;
	bool			login_counted;
	u32			itt;
	u32			cmd_sn;
	char			*text;
	u32			text_len;
	char			*rsp;
	u32			rsp_len;
	u16			status;
	const char		*chap_n;
	const char		*chap_r;
	const char		*chap_i;
	const char		*chap_c;
};

/* The defaults of RFC 7143 13, before anything is negotiated. */
static void iscst_params_init(struct iscst_params *p)
{
	*p = (struct iscst_params){
		.max_recv_dsl		= ISCST_LOGIN_DSL,
		.max_xmit_dsl		= ISCST_LOGIN_DSL,
		.max_burst		= 262144,
		.first_burst		= 65536,
		.max_r2t		= 1,
		.initial_r2t		= true,
		.immediate_data		= true,
		.data_pdu_in_order	= true,
		.data_seq_in_order	= true,
		.time2wait		= 2,
		.time2retain		= 20,
		.erl			= 0,
		.max_conns		= 1,
	};
}

static __printf(3, 4) void iscst_login_add(struct iscst_login *l,
					   const char *key, const char *fmt, ...)
{
	u32 room = ISCST_LOGIN_DSL - l->rsp_len;
	va_list args;
	int n;

	n = snprintf(l->rsp + l->rsp_len, room, "%s=", key);
	if (n >= room)
		goto overflow;
	va_start(args, fmt);
	n += vsnprintf(l->rsp + l->rsp_len + n, room - n, fmt, args);
	va_end(args);
	if (n >= room)
		goto overflow;
	l->rsp_len += n + 1;
	return;
overflow:
	/* Answers are short; this means a flood of keys. */
	l->status = ISCST_LS(TARGET_ERR, NO_RESOURCES);
}

static void iscst_login_add_raw(struct iscst_login *l, const char *keys,
				u32 len)
{
	if (l->rsp_len + len > ISCST_LOGIN_DSL) {
		l->status = ISCST_LS(TARGET_ERR, NO_RESOURCES);
		return;
	}
	memcpy(l->rsp + l->rsp_len, keys, len);
	l->rsp_len += len;
}

static bool iscst_list_has(const char *list, const char *val)
{
	size_t n = strlen(val);
	const char *p = list;

	while (*p) {
		const char *end = strchrnul(p, ',');

		if (end - p == n && !memcmp(p, val, n))
			return true;
		p = *end ? end + 1 : end;
	}
	return false;
}

static int iscst_parse_num(const char *val, u32 min, u32 max, u32 *out)
{
	u32 v;

	/* Decimal, or "0x" hex (RFC 7143 6.1). */
	if (kstrtou32(val, 0, &v) || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int iscst_parse_yesno(const char *val, bool *out)
{
	if (!strcmp(val, "Yes"))
		*out = true;
	else if (!strcmp(val, "No"))
		*out = false;
	else
		return -EINVAL;
	return 0;
}

/* HeaderDigest/DataDigest: the initiator's first choice the target accepts. */
static void iscst_login_digest(struct iscst_login *l, const char *key,
			       const char *val, u8 mask, bool *result)
{
	const char *p = val;

	while (*p) {
		const char *end = strchrnul(p, ',');

		if (end - p == 4 && !memcmp(p, "None", 4) &&
		    (mask & ISCST_DIGEST_NONE)) {
			*result = false;
			iscst_login_add(l, key, "None");
			return;
		}
		if (end - p == 6 && !memcmp(p, "CRC32C", 6) &&
		    (mask & ISCST_DIGEST_CRC32C)) {
			*result = true;
			iscst_login_add(l, key, "CRC32C");
			return;
		}
		p = *end ? end + 1 : end;
	}
	iscst_login_add(l, key, "Reject");
}

/* Keys that make no sense in a discovery session (RFC 7143 13). */
static const char * const iscst_normal_only_keys[] = {
	"InitialR2T", "ImmediateData", "MaxBurstLength", "FirstBurstLength",
	"MaxOutstandingR2T", "MaxConnections", "DataPDUInOrder",
	"DataSequenceInOrder",
};

/* One operational key; the answer goes into the response. */
static void iscst_login_op_key(struct iscst_login *l, const char *key,
			       const char *val)
{
	struct iscst_params *p = &l->p;
	const struct iscst_tgt_cfg *cfg = &l->cfg;
	unsigned int i;
	bool b;
	u32 v;

	/* Answers to offers the target never made carry no proposal. */
	if (!strcmp(val, "NotUnderstood") || !strcmp(val, "Irrelevant") ||
	    !strcmp(val, "Reject"))
		return;

	if (l->conn->discovery) {
		for (i = 0; i < ARRAY_SIZE(iscst_normal_only_keys); i++) {
			if (!strcmp(key, iscst_normal_only_keys[i])) {
				iscst_login_add(l, key, "Irrelevant");
				return;
			}
		}
	}

	if (!strcmp(key, "HeaderDigest")) {
		iscst_login_digest(l, key, val, cfg->hdigest, &p->hdigest);
	} else if (!strcmp(key, "DataDigest")) {
		iscst_login_digest(l, key, val, cfg->ddigest, &p->ddigest);
	} else if (!strcmp(key, "MaxRecvDataSegmentLength")) {
		/* Declarative: how much the initiator takes per PDU. */
		if (iscst_parse_num(val, 512, 16777215, &v))
			iscst_login_add(l, key, "Reject");
		else
			p->max_xmit_dsl = min(v, cfg->max_xmit_dsl);
	} else if (!strcmp(key, "MaxBurstLength")) {
		if (iscst_parse_num(val, 512, 16777215, &v)) {
			iscst_login_add(l, key, "Reject");
		} else {
			p->max_burst = min(v, cfg->max_burst);
			iscst_login_add(l, key, "%u", p->max_burst);
		}
	} else if (!strcmp(key, "FirstBurstLength")) {
		if (iscst_parse_num(val, 512, 16777215, &v)) {
			iscst_login_add(l, key, "Reject");
		} else {
			p->first_burst = min3(v, cfg->first_burst, cfg->max_burst);
			iscst_login_add(l, key, "%u", p->first_burst);
		}
	} else if (!strcmp(key, "InitialR2T")) {
		if (iscst_parse_yesno(val, &b)) {
			iscst_login_add(l, key, "Reject");
		} else {
			/* Result function OR. */
			p->initial_r2t = b || cfg->initial_r2t;
			iscst_login_add(l, key, p->initial_r2t ? "Yes" : "No");
		}
	} else if (!strcmp(key, "ImmediateData")) {
		if (iscst_parse_yesno(val, &b)) {
			iscst_login_add(l, key, "Reject");
		} else {
			/* Result function AND. */
			p->immediate_data = b && cfg->immediate_data;
			iscst_login_add(l, key, p->immediate_data ? "Yes" : "No");
		}
	} else if (!strcmp(key, "MaxOutstandingR2T")) {
		if (iscst_parse_num(val, 1, 65535, &v)) {
			iscst_login_add(l, key, "Reject");
		} else {
			p->max_r2t = min(v, cfg->max_r2t);
			iscst_login_add(l, key, "%u", p->max_r2t);
		}
	} else if (!strcmp(key, "DataPDUInOrder") ||
		   !strcmp(key, "DataSequenceInOrder")) {
		/*
		 * Result function OR, and the target wants Yes: data of a
		 * task arrives in order, which is what lets it go straight
		 * into the buffer.
		 */
		if (iscst_parse_yesno(val, &b))
			iscst_login_add(l, key, "Reject");
		else
			iscst_login_add(l, key, "Yes");
	} else if (!strcmp(key, "DefaultTime2Wait")) {
		if (iscst_parse_num(val, 0, 3600, &v)) {
			iscst_login_add(l, key, "Reject");
		} else {
			p->time2wait = max(v, 2U);
			iscst_login_add(l, key, "%u", p->time2wait);
		}
	} else if (!strcmp(key, "DefaultTime2Retain")) {
		if (iscst_parse_num(val, 0, 3600, &v)) {
			iscst_login_add(l, key, "Reject");
		} else {
			/* Nothing of a failed session is kept (ERL 0). */
			p->time2retain = 0;
			iscst_login_add(l, key, "0");
		}
	} else if (!strcmp(key, "ErrorRecoveryLevel")) {
		if (iscst_parse_num(val, 0, 2, &v)) {
			iscst_login_add(l, key, "Reject");
		} else {
			p->erl = 0;
			iscst_login_add(l, key, "0");
		}
	} else if (!strcmp(key, "MaxConnections")) {
		if (iscst_parse_num(val, 1, 65535, &v)) {
			iscst_login_add(l, key, "Reject");
		} else {
			p->max_conns = 1;
			iscst_login_add(l, key, "1");
		}
	} else if (!strcmp(key, "IFMarker") || !strcmp(key, "OFMarker")) {
		/* Markers are gone from RFC 7143; result function AND. */
		iscst_login_add(l, key, "No");
	} else if (!strcmp(key, "IFMarkInt") || !strcmp(key, "OFMarkInt")) {
		iscst_login_add(l, key, "Irrelevant");
	} else if (!strcmp(key, "TargetAlias") || !strcmp(key, "TargetAddress") ||
		   !strcmp(key, "TargetPortalGroupTag")) {
		/* Only a target sends these. */
		iscst_login_add(l, key, "Reject");
	} else {
		iscst_login_add(l, key, "NotUnderstood");
	}
}

/* One key of the security stage. */
static void iscst_login_sec_key(struct iscst_login *l, const char *key,
				const char *val)
{
	char buf[320];
	int ret;

	if (!strcmp(key, "AuthMethod")) {
		if (l->chap_state != ISCST_CHAP_OFF || l->auth_done) {
			l->status = ISCST_LS(INITIATOR_ERR, INIT_ERR);
		} else if (l->auth_needed && iscst_list_has(val, "CHAP")) {
			iscst_login_add(l, key, "CHAP");
			l->chap_state = ISCST_CHAP_WAIT_A;
		} else if (!l->auth_needed && iscst_list_has(val, "None")) {
			iscst_login_add(l, key, "None");
			l->auth_done = true;
		} else {
			iscst_login_add(l, key, "Reject");
			l->status = ISCST_LS(INITIATOR_ERR, AUTH_FAILED);
		}
	} else if (!strcmp(key, "CHAP_A")) {
		if (l->chap_state != ISCST_CHAP_WAIT_A) {
			l->status = ISCST_LS(INITIATOR_ERR, INIT_ERR);
			return;
		}
		if (iscst_chap_algorithm(l->chap, val) < 0) {
			iscst_login_add(l, key, "Reject");
			l->status = ISCST_LS(INITIATOR_ERR, AUTH_FAILED);
			return;
		}
		ret = iscst_chap_challenge(l->chap, buf, sizeof(buf));
		if (ret < 0) {
			l->status = ISCST_LS(TARGET_ERR, TARGET_ERROR);
			return;
		}
		iscst_login_add_raw(l, buf, ret);
		l->chap_state = ISCST_CHAP_WAIT_R;
	} else if (!strcmp(key, "CHAP_N")) {
		l->chap_n = val;
	} else if (!strcmp(key, "CHAP_R")) {
		l->chap_r = val;
	} else if (!strcmp(key, "CHAP_I")) {
		l->chap_i = val;
	} else if (!strcmp(key, "CHAP_C")) {
		l->chap_c = val;
	} else {
		iscst_login_op_key(l, key, val);
	}
}

/* After the keys of a security-stage request: finish CHAP if it is due. */
static void iscst_login_chap_finish(struct iscst_login *l)
{
	struct iscst_conn *conn = l->conn;
	char buf[320];
	int ret;

	if (!l->chap_n && !l->chap_r && !l->chap_i && !l->chap_c)
		return;
	if (l->chap_state != ISCST_CHAP_WAIT_R || !l->chap_n || !l->chap_r) {
		l->status = ISCST_LS(INITIATOR_ERR, AUTH_FAILED);
		return;
	}
	ret = iscst_chap_verify(l->chap, l->tgt, l->chap_n, l->chap_r);
	if (ret) {
		pr_info("%s: CHAP authentication of '%s' (user '%s') failed\n",
			l->tgt->tgt->name, conn->initiator, l->chap_n);
		l->status = ISCST_LS(INITIATOR_ERR, AUTH_FAILED);
		return;
	}
	if (l->chap_i || l->chap_c) {
		if (!l->chap_i || !l->chap_c) {
			l->status = ISCST_LS(INITIATOR_ERR, AUTH_FAILED);
			return;
		}
		ret = iscst_chap_mutual(l->chap, l->tgt, l->chap_i, l->chap_c,
					buf, sizeof(buf));
		if (ret < 0) {
			pr_info("%s: mutual CHAP with '%s' refused (no OutgoingUser, or a reflected challenge)\n",
				l->tgt->tgt->name, conn->initiator);
			l->status = ISCST_LS(INITIATOR_ERR, AUTH_FAILED);
			return;
		}
		iscst_login_add_raw(l, buf, ret);
	}
	l->chap_state = ISCST_CHAP_DONE;
	l->auth_done = true;
}

/* Look a key up in the request text; returns its value or NULL. */
static const char *iscst_text_find(const char *text, u32 len, const char *key)
{
	size_t klen = strlen(key);
	const char *p = text, *end = text + len;

	while (p < end) {
		size_t n = strnlen(p, end - p);

		if (n > klen && !memcmp(p, key, klen) && p[klen] == '=')
			return p + klen + 1;
		p += n + 1;
	}
	return NULL;
}

/* The first request: who logs in, to what, and for which kind of session. */
static void iscst_login_first(struct iscst_login *l, struct iscsi_login_req *req)
{
	struct iscst_conn *conn = l->conn;
	const char *name, *type, *target;
	bool enabled;

	if (req->min_version > ISCSI_DRAFT20_VERSION) {
		l->status = ISCST_LS(INITIATOR_ERR, NO_VERSION);
		return;
	}
	name = iscst_text_find(l->text, l->text_len, "InitiatorName");
	type = iscst_text_find(l->text, l->text_len, "SessionType");
	target = iscst_text_find(l->text, l->text_len, "TargetName");
	if (!name || !*name || strlen(name) > 223) {
		l->status = ISCST_LS(INITIATOR_ERR, MISSING_FIELDS);
		return;
	}
	conn->initiator = kstrdup(name, GFP_KERNEL);
	if (!conn->initiator) {
		l->status = ISCST_LS(TARGET_ERR, NO_RESOURCES);
		return;
	}
	if (type && strcmp(type, "Normal")) {
		if (strcmp(type, "Discovery")) {
			l->status = ISCST_LS(INITIATOR_ERR, NO_SESSION_TYPE);
			return;
		}
		conn->discovery = true;
	}
	if (req->tsih) {
		/* A connection for an existing session: MaxConnections=1. */
		l->status = conn->discovery ? ISCST_LS(INITIATOR_ERR, NO_SESSION) :
			    ISCST_LS(INITIATOR_ERR, CONN_ADD_FAILED);
		return;
	}
	if (conn->discovery) {
		l->cfg = iscst_cfg_default;
		return;
	}
	if (!target) {
		l->status = ISCST_LS(INITIATOR_ERR, MISSING_FIELDS);
		return;
	}
	l->tgt = iscst_tgt_find_get(target, &enabled);
	if (!l->tgt) {
		pr_info("login of '%s' to unknown target '%s'\n", name, target);
		l->status = ISCST_LS(INITIATOR_ERR, TGT_NOT_FOUND);
		return;
	}
	l->login_counted = true;
	/* The teardown drops the connection's reference. */
	refcount_inc(&l->tgt->ref);
	conn->tgt = l->tgt;
	if (!enabled) {
		l->status = ISCST_LS(TARGET_ERR, SVC_UNAVAILABLE);
		return;
	}
	mutex_lock(&l->tgt->cfg_lock);
	l->cfg = l->tgt->cfg;
	l->auth_needed = !list_empty(&l->tgt->in_users);
	mutex_unlock(&l->tgt->cfg_lock);
}

/* Process the keys of a complete request (all its C-bit PDUs). */
static void iscst_login_keys(struct iscst_login *l, u8 csg)
{
	const char *p = l->text, *end = l->text + l->text_len;

	l->chap_n = NULL;
	l->chap_r = NULL;
	l->chap_i = NULL;
	l->chap_c = NULL;
	while (p < end && !l->status) {
		size_t n = strnlen(p, end - p);
		char *eq;

		if (!n) {
			p++;
			continue;
		}
		eq = memchr(p, '=', n);
		if (!eq || eq == p) {
			l->status = ISCST_LS(INITIATOR_ERR, INIT_ERR);
			break;
		}
		*eq = 0;
		if (!strcmp(p, "InitiatorName") || !strcmp(p, "InitiatorAlias") ||
		    !strcmp(p, "TargetName") || !strcmp(p, "SessionType")) {
			/* Declarations of the first request. */
		} else if (csg == ISCST_STAGE_SECURITY) {
			iscst_login_sec_key(l, p, eq + 1);
		} else if (!strcmp(p, "AuthMethod") || !strncmp(p, "CHAP_", 5)) {
			l->status = ISCST_LS(INITIATOR_ERR, INIT_ERR);
		} else {
			iscst_login_op_key(l, p, eq + 1);
		}
		*eq = '=';
		p += n + 1;
	}
	if (csg == ISCST_STAGE_SECURITY && !l->status)
		iscst_login_chap_finish(l);
}

/* A normal session is about to enter full feature phase: register it. */
static void iscst_login_register(struct iscst_login *l)
{
	struct iscst_conn *conn = l->conn, *old, *found;
	struct iscst_tgt *tgt = l->tgt;
	struct scst_session *sess;
	int tsih;

	/* Reinstatement: the same I_T nexus replaces its old session. */
	for (;;) {
		found = NULL;
		mutex_lock(&iscst_mutex);
		if (tgt->deleting) {
			mutex_unlock(&iscst_mutex);
			l->status = ISCST_LS(INITIATOR_ERR, TGT_REMOVED);
			return;
		}
		list_for_each_entry(old, &tgt->conns, tgt_entry) {
			if (!memcmp(old->isid, conn->isid, sizeof(conn->isid)) &&
			    !strcmp(old->initiator, conn->initiator)) {
				found = old;
				iscst_conn_close(old);
				break;
			}
		}
		mutex_unlock(&iscst_mutex);
		if (!found)
			break;
		pr_info("%s: reinstating session %s,i,0x%6phN\n", tgt->tgt->name,
			conn->initiator, conn->isid);
		/* Its teardown unlinks it and wakes us; a closed login gives up. */
		wait_event(iscst_sess_wait, list_empty_careful(&found->tgt_entry) ||
			   iscst_conn_closing(conn));
		if (iscst_conn_closing(conn)) {
			l->status = ISCST_LS(TARGET_ERR, SVC_UNAVAILABLE);
			return;
		}
	}

	tsih = iscst_tsih_alloc();
	if (tsih < 0) {
		l->status = ISCST_LS(TARGET_ERR, NO_RESOURCES);
		return;
	}
	conn->tsih = tsih;
	conn->sess_name = kasprintf(GFP_KERNEL, "%s,i,0x%6phN",
				    conn->initiator, conn->isid);
	if (!conn->sess_name) {
		l->status = ISCST_LS(TARGET_ERR, NO_RESOURCES);
		return;
	}
	/* Listings read the parameters through the session. */
	conn->p = l->p;
	sess = scst_session_register(tgt->tgt, conn->initiator, conn->sess_name,
				     conn);
	/* target_stop() may proceed: this login is past the core. */
	iscst_tgt_login_done(tgt);
	l->login_counted = false;
	if (IS_ERR(sess)) {
		pr_info("%s: cannot register session %s: %ld\n", tgt->tgt->name,
			conn->sess_name, PTR_ERR(sess));
		l->status = PTR_ERR(sess) == -ENODEV ?
			    ISCST_LS(INITIATOR_ERR, TGT_REMOVED) :
			    ISCST_LS(TARGET_ERR, NO_RESOURCES);
		return;
	}
	conn->sess = sess;
	mutex_lock(&iscst_mutex);
	list_add_tail(&conn->tgt_entry, &tgt->conns);
	mutex_unlock(&iscst_mutex);
}

int iscst_send_login_rsp(struct iscst_conn *conn, struct iscsi_login_rsp *rsp,
			 const void *data, u32 len)
{
	static const u8 pad[4];
	struct kvec vec[3] = {
		{ .iov_base = rsp, .iov_len = ISCST_BHS_LEN },
		{ .iov_base = (void *)data, .iov_len = len },
		{ .iov_base = (void *)pad, .iov_len = iscst_pad4(len) },
	};

	hton24(rsp->dlength, len);
	return iscst_send_kvec(conn, vec, 3, false);
}

static int iscst_login_respond(struct iscst_login *l, u8 csg, bool transit,
			       u8 nsg, bool final)
{
	struct iscst_conn *conn = l->conn;
	struct iscsi_login_rsp rsp = { };
	u32 depth = conn->discovery ? 1 : l->cfg.queued_cmds;

	rsp.opcode = ISCSI_OP_LOGIN_RSP;
	rsp.flags = csg << 2;
	if (transit && !l->status)
		rsp.flags |= ISCSI_FLAG_LOGIN_TRANSIT | nsg;
	rsp.max_version = ISCSI_DRAFT20_VERSION;
	rsp.active_version = ISCSI_DRAFT20_VERSION;
	memcpy(rsp.isid, conn->isid, sizeof(rsp.isid));
	if (final && !l->status)
		rsp.tsih = cpu_to_be16(conn->tsih);
	rsp.itt = (__force itt_t)cpu_to_be32(l->itt);
	rsp.statsn = cpu_to_be32(conn->stat_sn++);
	rsp.exp_cmdsn = cpu_to_be32(l->cmd_sn);
	rsp.max_cmdsn = cpu_to_be32(l->cmd_sn + depth - 1);
	rsp.status_class = l->status >> 8;
	rsp.status_detail = l->status & 0xff;
	pr_debug("%pISpc: Login Response flags 0x%02x, status 0x%04x, %u bytes\n",
		 &conn->peer, rsp.flags, l->status, l->status ? 0 : l->rsp_len);
	return iscst_send_login_rsp(conn, &rsp, l->status ? NULL : l->rsp,
				    l->status ? 0 : l->rsp_len);
}

/* Read one Login Request PDU; its data is appended to @l->text. */
static int iscst_login_recv(struct iscst_login *l, struct iscsi_login_req *req)
{
	struct iscst_conn *conn = l->conn;
	u32 dlen, padded;
	int ret;

	ret = iscst_recv_kvec(conn, req, ISCST_BHS_LEN);
	if (ret)
		return ret;
	if ((req->opcode & ISCSI_OPCODE_MASK) != ISCSI_OP_LOGIN || req->hlength) {
		pr_info_ratelimited("connection from %pISpc: PDU 0x%02x during login\n",
				    &conn->peer, req->opcode);
		return -EPROTO;
	}
	dlen = ntoh24(req->dlength);
	padded = dlen + iscst_pad4(dlen);
	if (dlen > ISCST_LOGIN_DSL || l->text_len + padded > ISCST_TEXT_MAX) {
		pr_info_ratelimited("connection from %pISpc: login data too long\n",
				    &conn->peer);
		return -EPROTO;
	}
	ret = iscst_recv_kvec(conn, l->text + l->text_len, padded);
	if (ret)
		return ret;
	l->text_len += dlen;
	pr_debug("%pISpc: Login Request flags 0x%02x, %u bytes\n", &conn->peer,
		 req->flags, dlen);
	return 0;
}

/**
 * iscst_login() - run the login phase of a new connection
 * @conn: the connection
 *
 * Return: 0 when the connection is in full feature phase with its send
 * thread running, -errno when it must be closed.
 */
int iscst_login(struct iscst_conn *conn)
{
	struct iscsi_login_req *req = (struct iscsi_login_req *)conn->rx_hdr;
	struct sock *sk = conn->sock->sk;
	struct iscst_login *l;
	bool first = true, first_pdu = true, transit, final = false;
	u8 csg, nsg;
	int ret;

	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return -ENOMEM;
	l->conn = conn;
	l->text = kmalloc(ISCST_TEXT_MAX + 1, GFP_KERNEL);
	l->rsp = kmalloc(ISCST_LOGIN_DSL, GFP_KERNEL);
	l->chap = iscst_chap_new();
	ret = -ENOMEM;
	if (!l->text || !l->rsp || !l->chap)
		goto out;
	iscst_params_init(&l->p);
	l->stage = U8_MAX;
	conn->stat_sn = get_random_u32();

	/* A peer that stops talking during login is dropped. */
	WRITE_ONCE(sk->sk_rcvtimeo, ISCST_LOGIN_TIMEOUT);

	for (;;) {
		ret = iscst_login_recv(l, req);
		if (ret)
			goto out;
		csg = ISCSI_LOGIN_CURRENT_STAGE(req->flags);
		nsg = ISCSI_LOGIN_NEXT_STAGE(req->flags);
		transit = req->flags & ISCSI_FLAG_LOGIN_TRANSIT;
		l->status = ISCST_LS_OK;
		l->rsp_len = 0;

		if (first_pdu) {
			memcpy(conn->isid, req->isid, sizeof(conn->isid));
			conn->cid = be16_to_cpu(req->cid);
			l->cmd_sn = be32_to_cpu(req->cmdsn);
			first_pdu = false;
		} else if (memcmp(req->isid, conn->isid, sizeof(conn->isid)) ||
			   be16_to_cpu(req->cid) != conn->cid ||
			   (req->tsih && !first)) {
			l->status = ISCST_LS(INITIATOR_ERR, INIT_ERR);
		}
		l->itt = be32_to_cpu((__force __be32)req->itt);

		/* More of this request's text follows: acknowledge, gather. */
		if (!l->status && (req->flags & ISCSI_FLAG_LOGIN_CONTINUE)) {
			if (transit) {
				l->status = ISCST_LS(INITIATOR_ERR, INIT_ERR);
			} else {
				ret = iscst_login_respond(l, csg, false, 0, false);
				if (ret)
					goto out;
				continue;
			}
		}
		/* The first complete request says who logs in, to what. */
		if (first && !l->status)
			iscst_login_first(l, req);

		if (!l->status) {
			bool ok_stage = csg == ISCST_STAGE_SECURITY ||
					csg == ISCST_STAGE_OPERATIONAL;

			if (!ok_stage || (l->stage != U8_MAX && csg != l->stage) ||
			    (transit && (nsg <= csg || nsg == 2)))
				l->status = ISCST_LS(INITIATOR_ERR, INIT_ERR);
			else if (csg == ISCST_STAGE_OPERATIONAL &&
				 l->auth_needed && !l->auth_done)
				/* Skipping the security stage: CHAP is required. */
				l->status = ISCST_LS(INITIATOR_ERR, AUTH_FAILED);
		}
		if (!l->status)
			iscst_login_keys(l, csg);

		if (!l->status && !l->tpgt_sent && !conn->discovery) {
			iscst_login_add(l, "TargetPortalGroupTag", "%u",
					ISCST_TPGT);
			l->tpgt_sent = true;
		}
		/* The security stage ends only once authentication has. */
		if (transit && csg == ISCST_STAGE_SECURITY && !l->auth_done) {
			if (l->auth_needed)
				transit = false;
			else
				l->auth_done = true;
		}
		if (!l->status && !l->mrdsl_declared &&
		    csg == ISCST_STAGE_OPERATIONAL) {
			/*
			 * Only in the operational stage: initiators refuse
			 * operational keys in a security-stage response.
			 */
			l->p.max_recv_dsl = l->cfg.max_recv_dsl;
			iscst_login_add(l, "MaxRecvDataSegmentLength", "%u",
					l->p.max_recv_dsl);
			l->mrdsl_declared = true;
		}
		final = !l->status && transit && nsg == ISCST_STAGE_FFP;
		if (final && !conn->discovery)
			iscst_login_register(l);

		ret = iscst_login_respond(l, csg, transit, nsg, final);
		if (ret)
			goto out;
		if (l->status) {
			pr_info("login of '%s' from %pISpc refused: status 0x%04x\n",
				conn->initiator ? conn->initiator : "?",
				&conn->peer, l->status);
			ret = -EACCES;
			goto out;
		}
		first = false;
		l->text_len = 0;
		l->stage = transit ? nsg : csg;
		if (final)
			break;
	}

	/* A session that never declared it gets the default 8192. */
	if (!l->mrdsl_declared)
		l->p.max_recv_dsl = ISCST_LOGIN_DSL;
	/*
	 * Keys the initiator did not propose keep their RFC defaults, which
	 * may exceed the target's limits: R2Ts and Data-In sequences may
	 * always be shorter than MaxBurstLength, so use the smaller value.
	 */
	l->p.max_burst = min(l->p.max_burst, l->cfg.max_burst);
	l->p.first_burst = min(l->p.first_burst, l->p.max_burst);
	conn->p = l->p;
	conn->nop_interval = l->cfg.nop_interval;
	conn->nop_timeout = l->cfg.nop_timeout;
	conn->exp_cmd_sn = l->cmd_sn;
	atomic_set(&conn->max_cmd_sn, l->cmd_sn +
		   (conn->discovery ? 1 : l->cfg.queued_cmds) - 1);
	WRITE_ONCE(sk->sk_rcvtimeo, MAX_SCHEDULE_TIMEOUT);

	conn->tx_thread = kthread_create(iscst_tx_thread, conn, "iscsi_tx/%u",
					 conn->tsih);
	if (IS_ERR(conn->tx_thread)) {
		ret = PTR_ERR(conn->tx_thread);
		conn->tx_thread = NULL;
		goto out;
	}
	get_task_struct(conn->tx_thread);
	WRITE_ONCE(conn->state, ISCST_CONN_FFP);
	conn->last_rx = jiffies;
	wake_up_process(conn->tx_thread);
	if (conn->discovery)
		pr_debug("discovery session from %pISpc\n", &conn->peer);
	else
		pr_info("%s: session %s (tsih %u) logged in from %pISpc\n",
			conn->tgt->tgt->name, conn->sess_name, conn->tsih,
			&conn->peer);
	ret = 0;
out:
	if (l->login_counted)
		iscst_tgt_login_done(l->tgt);
	if (l->tgt)
		iscst_tgt_put(l->tgt);
	iscst_chap_free(l->chap);
	kfree(l->rsp);
	kfree(l->text);
	kfree(l);
	return ret;
}

/* ---- SendTargets ---------------------------------------------------------- */

/**
 * iscst_text_sendtargets() - the answer to a SendTargets key
 * @conn: the connection it came on
 * @what: "All" (discovery sessions), a target name, or "" (this session's
 *	target)
 * @out: receives a kmalloc'd buffer of NUL-terminated keys
 * @out_len: its length
 *
 * Lists enabled targets with the addresses they are reached at.
 */
int iscst_text_sendtargets(struct iscst_conn *conn, const char *what,
			   char **out, u32 *out_len)
{
	size_t size = ISCST_TEXT_MAX, len = 0;
	struct iscst_tgt *tgt;
	char *buf, *addrs;
	int alen;

	buf = kmalloc(size, GFP_KERNEL);
	addrs = kmalloc(4096, GFP_KERNEL);
	if (!buf || !addrs) {
		kfree(buf);
		kfree(addrs);
		return -ENOMEM;
	}
	alen = iscst_portals_list(addrs, 4096, &conn->local);

	mutex_lock(&iscst_mutex);
	list_for_each_entry(tgt, &iscst_tgt_list, entry) {
		const char *name = tgt->tgt->name;

		if (!tgt->enabled || tgt->deleting)
			continue;
		if (!strcmp(what, "All")) {
			if (!conn->discovery)
				continue;
		} else if (*what) {
			if (strcmp(what, name))
				continue;
		} else if (tgt != conn->tgt) {
			continue;
		}
		if (len + strlen(name) + 12 + alen > size)
			break;
		len += sprintf(buf + len, "TargetName=%s", name) + 1;
		memcpy(buf + len, addrs, alen);
		len += alen;
	}
	mutex_unlock(&iscst_mutex);
	kfree(addrs);
	*out = buf;
	*out_len = len;
	return 0;
}
