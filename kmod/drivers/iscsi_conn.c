// SPDX-License-Identifier: GPL-2.0
/*
 * iscsi_scst: connections and tasks, their creation and their end.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/idr.h>
#include <linux/kthread.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <net/sock.h>
#include <net/tcp.h>
#include "iscsi.h"

/* Connections not yet released; unload waits for zero. */
atomic_t iscst_nr_conns = ATOMIC_INIT(0);
/* Every connection, for unload and target deletion (iscst_mutex). */
static LIST_HEAD(iscst_conn_list);
/* TSIHs of the sessions alive, unique across targets. */
static DEFINE_IDA(iscst_tsih_ida);
static struct kmem_cache *iscst_cmd_cache;
static atomic_t iscst_conn_ids = ATOMIC_INIT(0);

/* ---- tasks ---------------------------------------------------------------- */

struct iscst_cmd *iscst_cmd_alloc(struct iscst_conn *conn, u8 kind)
{
	struct iscst_cmd *cmd;

	cmd = kmem_cache_zalloc(iscst_cmd_cache, GFP_KERNEL);
	if (!cmd)
		return NULL;
	cmd->conn = conn;
	cmd->kind = kind;
	refcount_set(&cmd->ref, 1);
	INIT_LIST_HEAD(&cmd->tx_entry);
	INIT_HLIST_NODE(&cmd->hnode);
	return cmd;
}

static void iscst_cmd_free_buf(struct iscst_cmd *cmd)
{
	u32 i;

	for (i = 0; i < cmd->nr_pages; i++)
		__free_page(cmd->bvec[i].bv_page);
	if (cmd->sg != cmd->inline_sg)
		kfree(cmd->sg);
	cmd->sg = NULL;
	cmd->bvec = NULL;
	cmd->nr_pages = 0;
}

/**
 * iscst_cmd_alloc_buf() - give a task a data buffer of @len bytes
 * @cmd: the task
 * @len: expected data transfer length
 *
 * Whole pages, so that Data-In can hand them to TCP and Data-Out can be
 * received into them; described twice, as a scatterlist for the core and
 * as bio_vecs for the socket.
 */
int iscst_cmd_alloc_buf(struct iscst_cmd *cmd, u32 len)
{
	u32 n = DIV_ROUND_UP(len, PAGE_SIZE), i;
	struct scatterlist *sg;
	struct bio_vec *bvec;

	if (!len)
		return 0;
	if (n <= ARRAY_SIZE(cmd->inline_sg)) {
		sg = cmd->inline_sg;
		bvec = cmd->inline_bvec;
	} else {
		sg = kmalloc_array(n, sizeof(*sg) + sizeof(*bvec), GFP_KERNEL);
		if (!sg)
			return -ENOMEM;
		bvec = (struct bio_vec *)(sg + n);
	}
	sg_init_table(sg, n);
	cmd->sg = sg;
	cmd->bvec = bvec;
	for (i = 0; i < n; i++) {
		struct page *page = alloc_page(GFP_KERNEL);

		if (!page) {
			iscst_cmd_free_buf(cmd);
			return -ENOMEM;
		}
		bvec_set_page(&bvec[i], page, PAGE_SIZE, 0);
		sg_set_page(&sg[i], page, min_t(u32, PAGE_SIZE,
						len - i * PAGE_SIZE), 0);
		cmd->nr_pages++;
	}
	cmd->buf_len = len;
	return 0;
}

void iscst_cmd_unhash(struct iscst_cmd *cmd)
{
	struct iscst_conn *conn = cmd->conn;

	spin_lock(&conn->cmd_lock);
	if (cmd->hashed) {
		hash_del(&cmd->hnode);
		cmd->hashed = false;
	}
	spin_unlock(&conn->cmd_lock);
}

static void iscst_cmd_free(struct iscst_cmd *cmd)
{
	struct iscst_conn *conn = cmd->conn;

	iscst_cmd_unhash(cmd);
	/* A logout waits for the session's tasks to be answered. */
	if (cmd->kind == ISCST_CMD_SCSI && atomic_dec_and_test(&conn->nr_cmds))
		wake_up_all(&conn->tmf_wait);
	/* A task that took a CmdSN gives its slot of the window back. */
	if (cmd->window)
		atomic_inc(&conn->max_cmd_sn);
	iscst_cmd_free_buf(cmd);
	kfree(cmd->data);
	if (cmd->r2t)
		iscst_cmd_put(cmd->r2t);
	kmem_cache_free(iscst_cmd_cache, cmd);
}

/* Process context only: freeing takes the task table's lock. */
void iscst_cmd_put(struct iscst_cmd *cmd)
{
	if (refcount_dec_and_test(&cmd->ref))
		iscst_cmd_free(cmd);
}

struct iscst_cmd *iscst_cmd_find_get(struct iscst_conn *conn, u32 itt)
{
	struct iscst_cmd *cmd;

	spin_lock(&conn->cmd_lock);
	hash_for_each_possible(conn->cmd_hash, cmd, hnode, itt) {
		if (cmd->itt == itt && refcount_inc_not_zero(&cmd->ref)) {
			spin_unlock(&conn->cmd_lock);
			return cmd;
		}
	}
	spin_unlock(&conn->cmd_lock);
	return NULL;
}

int iscst_cmds_init(void)
{
	iscst_cmd_cache = KMEM_CACHE(iscst_cmd, 0);
	return iscst_cmd_cache ? 0 : -ENOMEM;
}

void iscst_cmds_exit(void)
{
	kmem_cache_destroy(iscst_cmd_cache);
	ida_destroy(&iscst_tsih_ida);
}

/* ---- connections ---------------------------------------------------------- */

/**
 * iscst_conn_close() - start closing a connection
 * @conn: the connection (the caller holds a reference)
 *
 * Shuts the socket down so that both threads fail out of their socket
 * calls; the receive thread then tears the connection down. Idempotent.
 */
void iscst_conn_close(struct iscst_conn *conn)
{
	if (test_and_set_bit(ISCST_CONN_CLOSING, &conn->flags))
		return;
	kernel_sock_shutdown(conn->sock, SHUT_RDWR);
	wake_up(&conn->tx_wait);
	wake_up_all(&conn->tmf_wait);
}

static void iscst_conn_release_work(struct work_struct *work)
{
	struct iscst_conn *conn = container_of(work, struct iscst_conn,
					       release_work);

	/* The receive thread has returned, or is about to. */
	kthread_stop(conn->rx_thread);
	put_task_struct(conn->rx_thread);
	sock_release(conn->sock);
	kfree(conn->text_buf);
	kfree(conn->initiator);
	kfree(conn->sess_name);
	/* Force close may still be looking at it: see iscst_session_close(). */
	kfree_rcu(conn, rcu);
	if (atomic_dec_and_test(&iscst_nr_conns))
		wake_up_var(&iscst_nr_conns);
}

static void iscst_conn_release(struct kref *kref)
{
	struct iscst_conn *conn = container_of(kref, struct iscst_conn, kref);

	queue_work(iscst_wq, &conn->release_work);
}

void iscst_conn_put(struct iscst_conn *conn)
{
	kref_put(&conn->kref, iscst_conn_release);
}

/* Where a session's state ends; runs in the receive thread. */
static void iscst_conn_teardown(struct iscst_conn *conn)
{
	struct scst_session *sess = conn->sess;
	struct iscst_tgt *tgt = conn->tgt;

	iscst_conn_close(conn);

	/* Task management uses the core session: let it finish first. */
	wait_event(conn->tmf_wait, !atomic_read(&conn->nr_tmfs));
	/* Tasks still waiting for Data-Out never reach the core. */
	iscst_rx_abort_waiting(conn);

	if (conn->tx_thread) {
		kthread_stop(conn->tx_thread);
		put_task_struct(conn->tx_thread);
		conn->tx_thread = NULL;
	}

	if (sess) {
		/*
		 * Force close and listings find the connection through the
		 * session; from here on they find nothing.
		 */
		WRITE_ONCE(sess->dpriv, NULL);
		/* I_T nexus loss: aborts and waits for all tasks in flight. */
		scst_session_unregister(sess);
		conn->sess = NULL;
	}
	/* Responses of aborted tasks and PDUs queued since: drop them. */
	iscst_tx_drain(conn);

	mutex_lock(&iscst_mutex);
	list_del_init(&conn->tgt_entry);
	list_del_init(&conn->entry);
	mutex_unlock(&iscst_mutex);
	/* A login reinstating this session waits for it to be gone. */
	wake_up_all(&iscst_sess_wait);

	if (conn->tsih)
		ida_free(&iscst_tsih_ida, conn->tsih);
	if (tgt) {
		conn->tgt = NULL;
		iscst_tgt_put(tgt);
	}
}

/*
 * TSIHs go round: a reinstated session gets a TSIH other than the one of
 * the session it replaces, so that late PDUs of the old one cannot be
 * taken for the new one's.
 */
int iscst_tsih_alloc(void)
{
	static unsigned int next = 1;
	unsigned int from = READ_ONCE(next);
	int ret;

	ret = ida_alloc_range(&iscst_tsih_ida, from, U16_MAX, GFP_KERNEL);
	if (ret == -ENOSPC && from > 1)
		ret = ida_alloc_range(&iscst_tsih_ida, 1, from - 1, GFP_KERNEL);
	if (ret > 0)
		WRITE_ONCE(next, ret == U16_MAX ? 1 : ret + 1);
	return ret;
}

static int iscst_rx_thread(void *arg)
{
	struct iscst_conn *conn = arg;
	unsigned int noio;

	/*
	 * The initiator may be this very host, writing back its page cache
	 * through us: memory reclaim from here must not wait for that I/O.
	 */
	noio = memalloc_noio_save();
	if (!iscst_login(conn))
		iscst_rx_loop(conn);
	iscst_conn_teardown(conn);
	memalloc_noio_restore(noio);
	/* The release work reaps this thread with kthread_stop(). */
	iscst_conn_put(conn);
	return 0;
}

/**
 * iscst_conn_create() - a new connection for an accepted socket
 * @sock: the socket; owned by the connection on success
 * @data_ready: the listening socket's original sk_data_ready
 *
 * Return: 0 or -errno (the caller then releases @sock).
 */
int iscst_conn_create(struct socket *sock, void (*data_ready)(struct sock *sk))
{
	struct sock *sk = sock->sk;
	struct iscst_conn *conn;
	int ret;

	conn = kzalloc(sizeof(*conn), GFP_KERNEL);
	if (!conn)
		return -ENOMEM;
	kref_init(&conn->kref);
	conn->sock = sock;
	INIT_LIST_HEAD(&conn->entry);
	INIT_LIST_HEAD(&conn->tgt_entry);
	spin_lock_init(&conn->cmd_lock);
	hash_init(conn->cmd_hash);
	spin_lock_init(&conn->tx_lock);
	INIT_LIST_HEAD(&conn->tx_list);
	init_waitqueue_head(&conn->tx_wait);
	mutex_init(&conn->send_lock);
	init_waitqueue_head(&conn->tmf_wait);
	init_completion(&conn->logout_done);
	INIT_WORK(&conn->release_work, iscst_conn_release_work);
	conn->nop_ttt = ISCST_RSVD_TAG;
	conn->state = ISCST_CONN_LOGIN;

	ret = kernel_getsockname(sock, (struct sockaddr *)&conn->local);
	if (ret >= 0)
		ret = kernel_getpeername(sock, (struct sockaddr *)&conn->peer);
	if (ret < 0)
		goto err_free;
	/*
	 * An accepted socket inherits the listener's callbacks: give it back
	 * the stock one, or readers would never be woken.
	 */
	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = NULL;
	sk->sk_data_ready = data_ready;
	write_unlock_bh(&sk->sk_callback_lock);
	tcp_sock_set_nodelay(sk);
	sock_set_keepalive(sk);

	conn->rx_thread = kthread_create(iscst_rx_thread, conn, "iscsi_rx/%u",
					 atomic_inc_return(&iscst_conn_ids));
	if (IS_ERR(conn->rx_thread)) {
		ret = PTR_ERR(conn->rx_thread);
		goto err_free;
	}
	get_task_struct(conn->rx_thread);

	atomic_inc(&iscst_nr_conns);
	mutex_lock(&iscst_mutex);
	list_add_tail(&conn->entry, &iscst_conn_list);
	mutex_unlock(&iscst_mutex);
	wake_up_process(conn->rx_thread);
	pr_debug("connection from %pISpc to %pISpc\n", &conn->peer, &conn->local);
	return 0;

err_free:
	kfree(conn);
	return ret;
}

/*
 * Close the connections to @tgt: all of them, or only those still logging
 * in. Called with iscst_mutex held.
 */
void iscst_tgt_close_conns(struct iscst_tgt *tgt, bool logins_only)
{
	struct iscst_conn *conn;

	lockdep_assert_held(&iscst_mutex);
	list_for_each_entry(conn, &iscst_conn_list, entry) {
		if (conn->tgt != tgt)
			continue;
		if (logins_only && READ_ONCE(conn->state) != ISCST_CONN_LOGIN)
			continue;
		iscst_conn_close(conn);
	}
}

/* Unload: close every connection and wait until all are released. */
void iscst_conns_close_all(void)
{
	struct iscst_conn *conn;

	mutex_lock(&iscst_mutex);
	list_for_each_entry(conn, &iscst_conn_list, entry)
		iscst_conn_close(conn);
	mutex_unlock(&iscst_mutex);
	wait_var_event(&iscst_nr_conns, !atomic_read(&iscst_nr_conns));
}

#define iscst_sess_param_put(skb, ...) \
	iscst_param_put(skb, SCST_A_SESSION_PARAM, __VA_ARGS__)

static const char *iscst_yes_no(bool b)
{
	return b ? "Yes" : "No";
}

/* The SCST_A_SESSION_PARAM attributes of a session (under RCU). */
int iscst_conn_params_fill(struct iscst_conn *conn, struct sk_buff *skb)
{
	const struct iscst_params *p = &conn->p;
	char peer[64], local[64];

	iscst_addr_format(peer, sizeof(peer), &conn->peer, true);
	iscst_addr_format(local, sizeof(local), &conn->local, true);
	if (iscst_sess_param_put(skb, "initiator_address=%s", peer) ||
	    iscst_sess_param_put(skb, "portal=%s", local) ||
	    iscst_sess_param_put(skb, "isid=0x%6phN", conn->isid) ||
	    iscst_sess_param_put(skb, "tsih=%u", conn->tsih) ||
	    iscst_sess_param_put(skb, "HeaderDigest=%s",
				 iscst_digest_name(p->hdigest)) ||
	    iscst_sess_param_put(skb, "DataDigest=%s",
				 iscst_digest_name(p->ddigest)) ||
	    iscst_sess_param_put(skb, "MaxRecvDataSegmentLength=%u",
				 p->max_recv_dsl) ||
	    iscst_sess_param_put(skb, "MaxXmitDataSegmentLength=%u",
				 p->max_xmit_dsl) ||
	    iscst_sess_param_put(skb, "MaxBurstLength=%u", p->max_burst) ||
	    iscst_sess_param_put(skb, "FirstBurstLength=%u", p->first_burst) ||
	    iscst_sess_param_put(skb, "InitialR2T=%s",
				 iscst_yes_no(p->initial_r2t)) ||
	    iscst_sess_param_put(skb, "ImmediateData=%s",
				 iscst_yes_no(p->immediate_data)) ||
	    iscst_sess_param_put(skb, "MaxOutstandingR2T=%u", p->max_r2t) ||
	    iscst_sess_param_put(skb, "DataPDUInOrder=%s",
				 iscst_yes_no(p->data_pdu_in_order)) ||
	    iscst_sess_param_put(skb, "DataSequenceInOrder=%s",
				 iscst_yes_no(p->data_seq_in_order)) ||
	    iscst_sess_param_put(skb, "DefaultTime2Wait=%u", p->time2wait) ||
	    iscst_sess_param_put(skb, "DefaultTime2Retain=%u",
				 p->time2retain) ||
	    iscst_sess_param_put(skb, "ErrorRecoveryLevel=%u", p->erl) ||
	    iscst_sess_param_put(skb, "MaxConnections=%u", p->max_conns))
		return -EMSGSIZE;
	return 0;
}
