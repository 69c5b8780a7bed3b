/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iscsi_scst: an iSCSI target (RFC 7143) on the SCSI target core.
 *
 * Objects and their lifetimes
 * ---------------------------
 * portal   a listening TCP socket (address:port). Its sk_data_ready queues
 *          accept work, which makes one connection per accepted socket.
 * target   one core target of driver "iscsi", named by its IQN; holds the
 *          negotiation limits and the CHAP accounts.
 * conn     one TCP connection. With MaxConnections=1 a normal session has
 *          exactly one connection, so the session's state (ISID, TSIH,
 *          CmdSN window, negotiated parameters, core session) lives in the
 *          connection too. A connection has its own receive thread (which
 *          logs in, then reads PDUs and submits commands) and, once in full
 *          feature phase, its own send thread (which writes every PDU the
 *          target sends); nothing on the data path is shared between
 *          connections.
 * cmd      one task or one PDU to send: a SCSI command (with its struct
 *          scst_cmd and data buffer), or a prepared response (NOP-In, Text,
 *          Task Management, Logout, Reject, Async Message).
 *
 * A connection ends in its receive thread (iscst_conn_teardown()): it stops
 * the send thread, aborts what waits for Data-Out, unregisters the core
 * session (which aborts and waits for what is in flight), frees the rest,
 * and queues the release of the connection, which reaps the thread. Closing
 * from elsewhere (force close, target delete, reinstatement, module unload,
 * protocol errors found by the send thread) only shuts the socket down, so
 * the receive thread wakes up and does the rest.
 *
 * Locks
 * -----
 * iscst_mutex     the target list, each target's connection list and
 *                 enabled/deleting state, the portal list, the global
 *                 connection list.
 * tgt->cfg_lock   a target's parameters and CHAP accounts.
 * conn->cmd_lock  the connection's table of tasks by Initiator Task Tag.
 * conn->tx_lock   the connection's send queue; taken from cmd_done(), in
 *                 any context, hence irqsave.
 * conn->send_lock the socket's send side and StatSN (a mutex: sending
 *                 sleeps).
 */
#ifndef _ISCSI_SCST_H
#define _ISCSI_SCST_H

#include <linux/bvec.h>
#include <linux/hashtable.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/refcount.h>
#include <linux/scatterlist.h>
#include <linux/socket.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <scsi/iscsi_proto.h>
#include <scst.h>

#define ISCST_DRIVER_NAME	"iscsi"
/* One target portal group per target: every portal serves every target. */
#define ISCST_TPGT		1
#define ISCST_BHS_LEN		48
#define ISCST_DIGEST_LEN	4
/* TotalAHSLength is one byte of 4-byte words. */
#define ISCST_AHS_MAX		(255 * 4)
/* Longest text (login keys, Text requests) gathered over C-bit PDUs. */
#define ISCST_TEXT_MAX		(64 * 1024)
/* Data segment of a PDU other than SCSI data, before negotiation. */
#define ISCST_LOGIN_DSL		8192
/* Largest data buffer of one command. */
#define ISCST_MAX_XFER		(64U << 20)
#define ISCST_RSVD_TAG		0xffffffffU

/* Bits of the digest masks in struct iscst_tgt_cfg. */
#define ISCST_DIGEST_NONE	BIT(0)
#define ISCST_DIGEST_CRC32C	BIT(1)

/**
 * struct iscst_tgt_cfg - what a target offers or accepts in negotiation
 * @hdigest: acceptable HeaderDigest values (ISCST_DIGEST_*)
 * @ddigest: acceptable DataDigest values
 * @max_recv_dsl: MaxRecvDataSegmentLength declared by the target
 * @max_xmit_dsl: cap on the data segments the target sends
 * @max_burst: MaxBurstLength offered
 * @first_burst: FirstBurstLength offered
 * @max_r2t: MaxOutstandingR2T offered
 * @initial_r2t: InitialR2T offered
 * @immediate_data: ImmediateData offered
 * @queued_cmds: commands per session the CmdSN window admits
 * @nop_interval: seconds of silence before a NOP-In ping (0: never)
 * @nop_timeout: seconds to wait for the ping's answer
 */
struct iscst_tgt_cfg {
	u8	hdigest;
	u8	ddigest;
	u32	max_recv_dsl;
	u32	max_xmit_dsl;
	u32	max_burst;
	u32	first_burst;
	u32	max_r2t;
	bool	initial_r2t;
	bool	immediate_data;
	u32	queued_cmds;
	u32	nop_interval;
	u32	nop_timeout;
};

/* A CHAP account: a user name and its secret. */
struct iscst_chap_user {
	struct list_head	entry;		/* tgt->in_users */
	char			*name;
	u8			*secret;
	u32			secret_len;
};

/**
 * struct iscst_tgt - an iSCSI target
 * @tgt: the core's target
 * @entry: in iscst_tgt_list
 * @enabled: logins accepted (iscst_mutex)
 * @deleting: target_stop() or target_del() started (iscst_mutex)
 * @conns: connections that logged in to it (iscst_mutex)
 * @ref: the target list's reference and one per connection using it; the
 *	structure may outlive the core's target by the teardown of its last
 *	connections
 * @nr_logins: logins that may still call scst_session_register() for it;
 *	target_stop() waits for zero
 * @cfg_lock: protects @cfg, @in_users and @out_user
 * @in_users: accounts initiators authenticate with (IncomingUser); CHAP is
 *	required when there is at least one
 * @out_user: the account the target authenticates with in mutual CHAP
 *	(OutgoingUser), or NULL
 */
struct iscst_tgt {
	struct scst_tgt		*tgt;
	struct list_head	entry;
	bool			enabled;
	bool			deleting;
	struct list_head	conns;
	refcount_t		ref;
	atomic_t		nr_logins;

	struct mutex		cfg_lock;	/* protects @cfg .. @out_user */
	struct iscst_tgt_cfg	cfg;
	struct list_head	in_users;
	struct iscst_chap_user	*out_user;
};

/**
 * struct iscst_params - the negotiated parameters of a connection/session
 * @max_recv_dsl: largest data segment the target accepts
 * @max_xmit_dsl: largest data segment the target sends (the initiator's
 *	MaxRecvDataSegmentLength, capped by the target's limit)
 */
struct iscst_params {
	bool	hdigest;
	bool	ddigest;
	u32	max_recv_dsl;
	u32	max_xmit_dsl;
	u32	max_burst;
	u32	first_burst;
	u32	max_r2t;
	bool	initial_r2t;
	bool	immediate_data;
	bool	data_pdu_in_order;
	bool	data_seq_in_order;
	u32	time2wait;
	u32	time2retain;
	u32	erl;
	u32	max_conns;
};

enum iscst_conn_state {
	ISCST_CONN_LOGIN,
	ISCST_CONN_FFP,		/* full feature phase */
	ISCST_CONN_LOGOUT,	/* logout answered; no new tasks */
};

/* struct iscst_conn.flags */
enum {
	ISCST_CONN_CLOSING,	/* the socket is (being) shut down */
	ISCST_CONN_TX_DONE,	/* the send thread finished the logout */
};

/**
 * struct iscst_conn - a connection, and the session it carries
 * @kref: the receive thread's reference plus temporary ones (force close,
 *	deletion, unload); the last put queues @release_work
 * @sock: the TCP socket; shut down to close, released in the teardown
 * @local, @peer: socket addresses, for SendTargets and listings
 * @rx_thread, @tx_thread: the connection's threads (a reference on each
 *	task is held until it is reaped)
 * @entry: in iscst_conn_list
 * @tgt_entry: in tgt->conns once the login registered a session
 * @tgt: the target logged in to (NULL for discovery); holds a use
 * @sess: the core's session, from registration until the teardown
 * @state: enum iscst_conn_state; written by the receive thread
 * @flags: ISCST_CONN_*
 * @discovery: SessionType=Discovery
 * @initiator: InitiatorName
 * @sess_name: core session name: the iSCSI initiator port name
 * @isid, @tsih, @cid: the session's identifiers
 * @p: negotiated parameters
 * @exp_cmd_sn: next expected CmdSN (receive thread)
 * @max_cmd_sn: end of the CmdSN window; moves as tasks are freed
 * @stat_sn: next StatSN (the login, then the send thread)
 * @next_ttt: next Target Transfer Tag (receive thread)
 * @cmd_lock: protects @cmd_hash
 * @cmd_hash: SCSI tasks by Initiator Task Tag
 * @nr_cmds: SCSI tasks alive (for logout)
 * @tx_lock: protects @tx_list
 * @tx_list: PDUs to send, in order
 * @tx_wait: the send thread waits here
 * @send_lock: serialises writing to the socket and @stat_sn: the send
 *	thread, and the receive thread sending what it just completed
 * @last_rx: jiffies of the last PDU received (for NOP-In)
 * @nop_ttt: tag of the outstanding NOP-In ping, or ISCST_RSVD_TAG
 * @nop_sent: when it was sent
 * @nr_tmfs: task management functions running in the work queue
 * @logout_done: the send thread sent the Logout Response
 * @release_work: reaps the threads and frees the connection
 * @rcu: force close may look at a connection being freed (see
 *	iscst_session_close())
 */
struct iscst_conn {
	struct kref		kref;
	struct socket		*sock;
	struct sockaddr_storage	local;
	struct sockaddr_storage	peer;
	struct task_struct	*rx_thread;
	struct task_struct	*tx_thread;
	struct list_head	entry;
	struct list_head	tgt_entry;
	struct iscst_tgt	*tgt;
	struct scst_session	*sess;
	int			state;
	unsigned long		flags;
	bool			discovery;
	char			*initiator;
	char			*sess_name;
	u8			isid[6];
	u16			tsih;
	u16			cid;
	struct iscst_params	p;
	u32			nop_interval;
	u32			nop_timeout;

	u32			exp_cmd_sn;
	atomic_t		max_cmd_sn;
	u32			stat_sn;
	u32			next_ttt;

	spinlock_t		cmd_lock;	/* protects @cmd_hash */
	DECLARE_HASHTABLE(cmd_hash, 7);
	atomic_t		nr_cmds;

	spinlock_t		tx_lock;	/* protects @tx_list */
	struct list_head	tx_list;
	wait_queue_head_t	tx_wait;
	struct mutex		send_lock;	/* serialises socket writes, @stat_sn */

	unsigned long		last_rx;
	u32			nop_ttt;
	unsigned long		nop_sent;

	atomic_t		nr_tmfs;
	wait_queue_head_t	tmf_wait;
	struct completion	logout_done;

	/* Text response being sent in pieces (receive thread). */
	char			*text_buf;
	u32			text_len;
	u32			text_off;
	u32			text_ttt;

	/* Receive buffer of the current PDU header. */
	u8			rx_hdr[ISCST_BHS_LEN + ISCST_AHS_MAX +
				       ISCST_DIGEST_LEN];

	struct work_struct	release_work;
	struct rcu_head		rcu;
};

enum iscst_cmd_kind {
	ISCST_CMD_SCSI,		/* a SCSI task */
	ISCST_CMD_PDU,		/* a prepared PDU: @bhs and @data */
	ISCST_CMD_R2T,		/* an R2T of @task (send side only) */
};

enum iscst_cmd_state {
	ISCST_CS_NEW,		/* receiving its data */
	ISCST_CS_EXEC,		/* submitted to the core */
	ISCST_CS_DONE,		/* finished: response queued */
};

/**
 * struct iscst_cmd - a task, or a PDU to send
 * @scmd: the core's command (SCSI tasks)
 * @conn: the connection
 * @tx_entry: in conn->tx_list
 * @hnode: in conn->cmd_hash (SCSI tasks, until freed)
 * @ref: the receive side's reference until submission or abort, the
 *	core's while submitted, the send queue's while queued, and task
 *	management's while it looks at the task
 * @kind: enum iscst_cmd_kind
 * @state: enum iscst_cmd_state (SCSI tasks)
 * @aborted: aborted by the driver before submission (no response)
 * @hashed: in @conn->cmd_hash
 * @window: consumed a CmdSN; freeing it widens the window
 * @itt: Initiator Task Tag
 * @lun_raw: the LUN field as received (echoed in R2Ts)
 * @sg, @bvec, @nr_pages, @buf_len: the data buffer: pages described both
 *	for the core (@sg) and for the socket (@bvec)
 * @received: bytes of write data received, all from offset 0
 * @unsol_end: offset where unsolicited data must end
 * @unsol_sn: next DataSN of the unsolicited sequence
 * @unsol_open: unsolicited Data-Out expected (F bit not yet seen)
 * @r2t_open: an R2T is outstanding: [@r2t_off, @r2t_off + @r2t_len) with
 *	@r2t_ttt, next DataSN @r2t_sn
 * @r2t_seq: next R2TSN
 * @data_sn: Data-In PDUs sent (ExpDataSN of the response)
 * @r2t: for ISCST_CMD_R2T, the task the R2T belongs to
 * @bhs: for ISCST_CMD_PDU, the header to send
 * @data, @data_len: for ISCST_CMD_PDU, the data segment (kfree'd)
 * @advance_sn: for ISCST_CMD_PDU, the PDU consumes a StatSN
 * @close_after: for ISCST_CMD_PDU, close the connection once it is sent
 */
struct iscst_cmd {
	struct scst_cmd		scmd;
	struct iscst_conn	*conn;
	struct list_head	tx_entry;
	struct hlist_node	hnode;
	refcount_t		ref;
	u8			kind;
	u8			state;
	bool			aborted;
	bool			hashed;
	bool			window;
	u32			itt;
	u8			lun_raw[8];

	struct scatterlist	*sg;
	struct bio_vec		*bvec;
	u32			nr_pages;
	u32			buf_len;
	struct scatterlist	inline_sg[2];
	struct bio_vec		inline_bvec[2];

	u32			received;
	u32			unsol_end;
	u32			unsol_sn;
	bool			unsol_open;
	bool			r2t_open;
	u32			r2t_off;
	u32			r2t_len;
	u32			r2t_ttt;
	u32			r2t_sn;
	u32			r2t_seq;
	u32			data_sn;

	struct iscst_cmd	*r2t;
	u8			bhs[ISCST_BHS_LEN];
	void			*data;
	u32			data_len;
	bool			advance_sn;
	bool			close_after;
};

/* iscsi_main.c */
extern struct mutex iscst_mutex;
extern struct list_head iscst_tgt_list;
extern struct workqueue_struct *iscst_wq;
extern const struct iscst_tgt_cfg iscst_cfg_default;
struct iscst_tgt *iscst_tgt_find_get(const char *name, bool *enabled);
void iscst_tgt_put(struct iscst_tgt *tgt);
void iscst_tgt_login_done(struct iscst_tgt *tgt);
const char *iscst_digest_name(bool crc);
__printf(3, 4) int iscst_param_put(struct sk_buff *skb, int type,
				   const char *fmt, ...);

/* iscsi_portal.c */
int iscst_portals_init(const char *spec);
void iscst_portals_exit(void);
int iscst_portals_check(const char *spec, struct netlink_ext_ack *extack);
int iscst_portals_set(const char *spec, struct netlink_ext_ack *extack);
int iscst_portals_fill(struct sk_buff *skb);
int iscst_portals_list(char *buf, size_t size, const struct sockaddr_storage *local);
int iscst_addr_format(char *buf, size_t size, const struct sockaddr_storage *ss,
		      bool port);

/* iscsi_conn.c */
extern atomic_t iscst_nr_conns;
extern wait_queue_head_t iscst_sess_wait;
int iscst_tsih_alloc(void);
int iscst_conn_create(struct socket *sock,
		      void (*data_ready)(struct sock *sk));
void iscst_conn_close(struct iscst_conn *conn);
void iscst_conn_put(struct iscst_conn *conn);
void iscst_conns_close_all(void);
void iscst_tgt_close_conns(struct iscst_tgt *tgt, bool logins_only);
struct iscst_cmd *iscst_cmd_alloc(struct iscst_conn *conn, u8 kind);
void iscst_cmd_put(struct iscst_cmd *cmd);
int iscst_cmd_alloc_buf(struct iscst_cmd *cmd, u32 len);
struct iscst_cmd *iscst_cmd_find_get(struct iscst_conn *conn, u32 itt);
void iscst_cmd_unhash(struct iscst_cmd *cmd);
int iscst_conn_params_fill(struct iscst_conn *conn, struct sk_buff *skb);
int iscst_cmds_init(void);
void iscst_cmds_exit(void);

/* iscsi_net.c */
int iscst_recv_kvec(struct iscst_conn *conn, void *buf, size_t len);
int iscst_recv_bvec(struct iscst_conn *conn, struct bio_vec *bvec,
		    u32 nr, u32 off, u32 len);
int iscst_send_kvec(struct iscst_conn *conn, struct kvec *vec, int nr,
		    bool more);
int iscst_send_bvec(struct iscst_conn *conn, struct bio_vec *bvec, u32 nr,
		    u32 off, u32 len, bool more);
u32 iscst_crc32c(u32 crc, const void *buf, size_t len);
u32 iscst_crc32c_bvec(u32 crc, struct bio_vec *bvec, u32 off, u32 len);
int iscst_recv_discard(struct iscst_conn *conn, u32 len);

/* iscsi_login.c */
int iscst_login(struct iscst_conn *conn);
int iscst_text_sendtargets(struct iscst_conn *conn, const char *what,
			   char **out, u32 *out_len);

/* iscsi_chap.c */
struct iscst_chap;
struct iscst_chap *iscst_chap_new(void);
void iscst_chap_free(struct iscst_chap *chap);
int iscst_chap_algorithm(struct iscst_chap *chap, const char *list);
int iscst_chap_challenge(struct iscst_chap *chap, char *buf, size_t size);
int iscst_chap_verify(struct iscst_chap *chap, struct iscst_tgt *tgt,
		      const char *name, const char *response);
int iscst_chap_mutual(struct iscst_chap *chap, struct iscst_tgt *tgt,
		      const char *id, const char *challenge, char *buf,
		      size_t size);
int iscst_chap_user_parse(const char *value, struct iscst_chap_user **user,
			  char **name, struct netlink_ext_ack *extack);
void iscst_chap_user_free(struct iscst_chap_user *user);

/* iscsi_rx.c */
int iscst_rx_loop(struct iscst_conn *conn);
void iscst_rx_abort_waiting(struct iscst_conn *conn);
int iscst_tmf_init(void);

/* iscsi_tx.c */
int iscst_tx_thread(void *arg);
void iscst_tx_queue(struct iscst_conn *conn, struct iscst_cmd *cmd);
void iscst_tx_drain(struct iscst_conn *conn);
void iscst_tx_flush_rx(struct iscst_conn *conn);
void iscst_cmd_done(struct scst_cmd *scmd);
int iscst_send_login_rsp(struct iscst_conn *conn, struct iscsi_login_rsp *rsp,
			 const void *data, u32 len);
struct iscst_cmd *iscst_pdu_new(struct iscst_conn *conn, u8 opcode,
				u32 itt, void *data, u32 data_len);
void iscst_send_reject(struct iscst_conn *conn, const u8 *hdr, u8 reason);
void iscst_luns_changed(struct scst_session *sess);

static inline u32 iscst_pad4(u32 len)
{
	return (4 - (len & 3)) & 3;
}

/* Serial number arithmetic (RFC 1982), for CmdSN and friends. */
static inline bool iscst_sn_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

static inline bool iscst_conn_closing(struct iscst_conn *conn)
{
	return test_bit(ISCST_CONN_CLOSING, &conn->flags);
}

static inline struct iscst_cmd *iscst_cmd_of(struct scst_cmd *scmd)
{
	return container_of(scmd, struct iscst_cmd, scmd);
}

#endif /* _ISCSI_SCST_H */
