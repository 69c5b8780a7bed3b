/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private structures of the SCSI target core.
 *
 * Locking, once for the whole module:
 *
 * - scst_mutex serialises the control path: every list, hash and table of
 *   handlers, devices, drivers, targets, groups, initiator patterns, LUNs,
 *   sessions and cleanups is changed only with it held, and so is
 *   scst_generation. Netlink requests take it for their whole duration,
 *   except where they call a driver back (session_add, session_close) or
 *   wait for an async replace, which they do unlocked.
 *
 * - The I/O path takes no global lock. A command finds its per-session LUN
 *   state (tgt_dev) in the session's xarray under RCU and pins it with
 *   percpu_ref_tryget_live(); the tgt_dev's spinlock protects its list of
 *   commands in flight (for task management) and its unit attentions.
 *
 * - Retiring a tgt_dev (LUN delete, replace, session end) is: remove it from
 *   the session's table, percpu_ref_kill() it, and wait for the release
 *   callback, which fires once every command admitted before the kill has
 *   finished. The memory is freed after an RCU grace period (call_rcu), since
 *   task management walks the lists of tgt_devs under RCU.
 */
#ifndef _SCST_PRIV_H
#define _SCST_PRIV_H

#include <linux/hashtable.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu-refcount.h>
#include <linux/rculist.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/genetlink.h>
#include <scst.h>

/* scst_cmd.flags */
enum {
	SCST_CMDF_ABORTED,	/* task management aborted it */
	SCST_CMDF_QUEUED,	/* on its tgt_dev's list of commands */
};

#define SCST_MAX_UA		8

struct scst_ua {
	u8 key, asc, ascq;
};

/* A registered device handler. */
struct scst_handler {
	const struct scst_handler_ops	*ops;
	struct list_head		entry;		/* scst_handler_list */
	unsigned int			nr_devs;
};

/* A registered target driver. */
struct scst_driver {
	const struct scst_driver_ops	*ops;
	struct list_head		entry;		/* scst_driver_list */
	unsigned int			nr_tgts;
};

/**
 * struct scst_dev_priv - the core's view of a device
 * @dev: what handlers see
 * @handler: its handler (holds a reference on the handler's module)
 * @hnode: in scst_dev_hash, by name
 * @entry: in scst_dev_list, in creation order (for dumps)
 * @nr_luns: LUNs that map the device
 * @nr_cleanups: pending LUN-replace cleanups that still hold it
 * @tgt_devs: every tgt_dev on the device, including those of pending
 *	cleanups; written under scst_mutex, read under RCU (task management,
 *	capacity changes)
 * @res_holder: session holding the SPC-2 reservation, or NULL; compared,
 *	never dereferenced, and cleared when that session goes away
 * @serial: unique among the devices since the core was loaded: tells a
 *	device from a later one with the same name (or address)
 */
struct scst_dev_priv {
	struct scst_dev		dev;
	struct scst_handler	*handler;
	struct hlist_node	hnode;
	struct list_head	entry;
	unsigned int		nr_luns;
	unsigned int		nr_cleanups;
	struct list_head	tgt_devs;
	void			*res_holder;
	u64			serial;
	char			name[];
};

/**
 * struct scst_tgt_priv - the core's view of a target
 * @default_acg: group of sessions whose initiator matches no named group
 * @acgs: named groups, in creation order (the first match wins)
 * @sessions: registered sessions
 * @nr_busy: sessions plus session_add() calls in progress; target deletion
 *	waits for it to reach zero
 * @deleting: set once deletion started: no new session, no new change
 */
struct scst_tgt_priv {
	struct scst_tgt		tgt;
	struct scst_driver	*driver;
	struct hlist_node	hnode;
	struct list_head	entry;
	struct scst_acg		*default_acg;
	struct list_head	acgs;
	struct list_head	sessions;
	unsigned int		nr_sessions;
	unsigned int		nr_busy;
	bool			enabled;
	bool			deleting;
	char			name[];
};

/* An initiator-name pattern of a group. */
struct scst_acn {
	struct list_head	entry;		/* acg->acns, in order */
	char			pattern[];
};

/**
 * struct scst_acg - access control group: initiators and the LUNs they see
 * @name: NULL for the target's default group
 * @luns: LUN number -> struct scst_acg_dev; changed under scst_mutex
 * @sessions: sessions currently using the group
 */
struct scst_acg {
	struct scst_tgt_priv	*tgt;
	char			*name;
	struct list_head	entry;		/* tgt->acgs */
	struct list_head	acns;
	struct xarray		luns;
	unsigned int		nr_luns;
	struct list_head	sessions;
};

/* A LUN: (group, number) -> device. */
struct scst_acg_dev {
	struct scst_acg		*acg;
	u32			lun;
	bool			read_only;
	struct scst_dev_priv	*dev;
};

struct scst_drain;

/**
 * struct scst_tgt_dev - one LUN as one session sees it
 * @ref: commands in flight; killed when the tgt_dev leaves the session's
 *	LUN table, released when the last of them has finished
 * @sess: the session; NULL once the session is gone while a cleanup still
 *	holds the tgt_dev
 * @dev: the device (the tgt_dev holds a use of it through its LUN or
 *	its cleanup)
 * @lock: protects @cmds, @nr_cmds, @nr_aborted, @nr_drained, @killed, @ua
 * @cmds: commands in flight
 * @nr_drained: commands that finished after @killed was set
 * @drain: whom to tell when @ref is released
 * @sess_entry: in sess->tgt_devs (RCU list, scst_mutex for writers)
 * @dev_entry: in dev->tgt_devs (RCU list, scst_mutex for writers)
 * @drain_entry: on the list of the drain or cleanup retiring it
 */
struct scst_tgt_dev {
	struct percpu_ref	ref;
	struct scst_sess_priv	*sess;
	struct scst_dev_priv	*dev;
	u32			lun;
	bool			read_only;

	spinlock_t		lock;		/* protects @cmds .. @ua */
	struct list_head	cmds;
	unsigned int		nr_cmds;
	unsigned int		nr_aborted;
	unsigned int		nr_drained;
	bool			killed;
	u8			nr_ua;
	struct scst_ua		ua[SCST_MAX_UA];

	struct scst_drain	*drain;
	struct list_head	sess_entry;
	struct list_head	dev_entry;
	struct list_head	drain_entry;
	struct rcu_head		rcu;
};

/*
 * What a session last had behind a LUN that was then taken away from it: an
 * initiator may still hold a disk there, and must learn, when the LUN comes
 * back, whether it is another device or has another size.
 */
struct scst_lun_past {
	u64			dev_serial;
	u64			nr_blocks;
	unsigned int		block_shift;
};

/**
 * struct scst_sess_priv - the core's view of a session
 * @luns: LUN number -> struct scst_tgt_dev, read under RCU by the I/O path
 * @tgt_devs: every tgt_dev of the session, including those that pending
 *	cleanups hold (RCU list, scst_mutex for writers)
 * @nr_live_tds: tgt_devs of the session not yet released; unregistering
 *	waits for zero
 * @unmapped: LUN number -> struct scst_lun_past, for each LUN taken from
 *	the session and not mapped again yet (scst_mutex)
 * @kref: keeps the structure while the core calls the driver about it
 * @closing: session_close() was called (or is about to be)
 * @dying: scst_session_unregister() has started
 * @gone: unregistered; only references keep the memory
 */
struct scst_sess_priv {
	struct scst_session	sess;
	struct scst_tgt_priv	*tgt;
	struct scst_acg		*acg;
	struct list_head	tgt_entry;	/* tgt->sessions */
	struct list_head	acg_entry;	/* acg->sessions */
	struct xarray		luns;
	struct xarray		unmapped;
	struct list_head	tgt_devs;
	atomic_t		nr_live_tds;
	atomic64_t		nr_task_set_full;
	struct work_struct	luns_changed_work;
	struct kref		kref;
	bool			closing;
	bool			dying;
	bool			gone;
	struct rcu_head		rcu;
};

/*
 * A set of tgt_devs being retired together. @pending counts those not yet
 * released; @fn runs (from any context) when it reaches zero.
 */
struct scst_drain {
	atomic_t		pending;
	struct list_head	tgt_devs;
	void			(*fn)(struct scst_drain *drain);
	struct completion	done;
	bool			finished;
	u64			start_ns;
	u64			end_ns;
};

/**
 * struct scst_cleanup - the old state of a replaced LUN
 * @id: cleanup id, unique for the module's lifetime
 * @drain: the old tgt_devs, one per session of the group
 * @old_dev: the device the LUN mapped before (a use is held on it)
 * @tgt_name, @acg_name, @lun, @new_dev_name: what was replaced, copied so the
 *	cleanup does not depend on the target or group surviving it
 * @state: enum scst_cleanup_state, as listed
 * @parked: hold the old state until released
 * @drained: every old command has finished (set by the work)
 * @released: a parked cleanup was released
 * @freed_done: the old state is freed
 * @on_stack: the fall-back of a replace that could not allocate one
 * @work: runs when the drain completes, and on release
 * @kref: one for the list, one for a waiting synchronous replace
 * @freed: completed once the old state is gone
 */
struct scst_cleanup {
	u64			id;
	struct list_head	entry;		/* scst_cleanup_list */
	struct scst_drain	drain;
	struct scst_dev_priv	*old_dev;
	char			*tgt_name;
	char			*acg_name;
	char			*new_dev_name;
	u32			lun;
	u8			state;
	bool			parked;
	bool			drained;
	bool			released;
	bool			freed_done;
	bool			on_stack;
	u64			start_ns;
	u64			drain_ns;
	unsigned int		nr_drained;
	struct work_struct	work;
	struct kref		kref;
	struct completion	freed;
};

/* main.c */
extern struct mutex scst_mutex;
extern u32 scst_generation;
extern struct workqueue_struct *scst_wq;
extern wait_queue_head_t scst_wait;
extern bool scst_async_replace;
extern bool scst_park_replace;
/* SCST_A_LUN_QUEUE_DEPTH; read locklessly on the command path. */
extern unsigned int scst_lun_queue_depth;
extern unsigned int scst_fail_cleanup_alloc;

static inline void scst_changed(void)
{
	lockdep_assert_held(&scst_mutex);
	WRITE_ONCE(scst_generation, scst_generation + 1);
}

int scst_name_check(const char *name, bool any_printable);

/*
 * Wait for something that may take as long as a stuck backing device (a
 * drain): uninterruptibly, but waking up now and then so that the hung
 * task detector does not mistake it for a deadlock.
 */
static inline void scst_wait_long(struct completion *c)
{
	while (!wait_for_completion_timeout(c, 10 * HZ))
		;
}

#define scst_wait_event_long(cond)					\
	do {								\
		while (!wait_event_timeout(scst_wait, (cond), 10 * HZ))	\
			;						\
	} while (0)

/* netlink.c */
int scst_netlink_init(void);
void scst_netlink_exit(void);
struct sk_buff *scst_event_new(u8 cmd, void **hdr);
void scst_event_send(struct sk_buff *skb, void *hdr);
void scst_nl_err(struct netlink_ext_ack *extack, const struct nlattr *attr,
		 const char *fmt, ...) __printf(3, 4);

/* dev.c */
extern struct list_head scst_handler_list;
extern struct list_head scst_dev_list;
struct scst_handler *scst_handler_find(const char *name);
struct scst_dev_priv *scst_dev_find(const char *name);
struct scst_dev_priv *scst_dev_create(struct scst_handler *h, const char *name,
				      struct scst_dev_params *p,
				      struct netlink_ext_ack *extack);
int scst_dev_destroy(struct scst_dev_priv *dev, struct netlink_ext_ack *extack);
void scst_dev_put_use(struct scst_dev_priv *dev);
extern const char *const scst_devp_names[__SCST_DEVP_MAX];

static inline struct scst_dev_priv *to_dev_priv(struct scst_dev *dev)
{
	return container_of(dev, struct scst_dev_priv, dev);
}

/* tgt.c */
extern struct list_head scst_driver_list;
extern struct list_head scst_tgt_list;
struct scst_driver *scst_driver_find(const char *name);
struct scst_tgt_priv *scst_tgt_find(const char *name);
struct scst_tgt_priv *scst_tgt_create(struct scst_driver *drv,
				      const char *name,
				      struct netlink_ext_ack *extack);
int scst_tgt_destroy(struct scst_tgt_priv *tgt, struct netlink_ext_ack *extack);
int scst_tgt_enable(struct scst_tgt_priv *tgt, bool enable,
		    struct netlink_ext_ack *extack);
struct scst_sess_priv *scst_sess_find(struct scst_tgt_priv *tgt,
				      const char *name);
int scst_sess_add(struct scst_tgt_priv *tgt, const char *initiator,
		  const char *name, struct netlink_ext_ack *extack);
int scst_sess_close(struct scst_sess_priv *sess,
		    struct netlink_ext_ack *extack);
void scst_sess_put(struct scst_sess_priv *sess);
unsigned int scst_sess_nr_cmds(struct scst_sess_priv *sess);
void scst_sess_luns_changed(struct scst_sess_priv *sess);
void scst_tgt_exit(void);

static inline struct scst_tgt_priv *to_tgt_priv(struct scst_tgt *tgt)
{
	return container_of(tgt, struct scst_tgt_priv, tgt);
}

static inline struct scst_sess_priv *to_sess_priv(struct scst_session *s)
{
	return container_of(s, struct scst_sess_priv, sess);
}

/* acg.c */
struct scst_acg *scst_acg_alloc(struct scst_tgt_priv *tgt, const char *name);
void scst_acg_free(struct scst_acg *acg);
struct scst_acg *scst_acg_find(struct scst_tgt_priv *tgt, const char *name);
int scst_acg_add(struct scst_tgt_priv *tgt, const char *name,
		 struct netlink_ext_ack *extack);
int scst_acg_del(struct scst_acg *acg, struct netlink_ext_ack *extack);
int scst_acn_add(struct scst_acg *acg, const char *pattern,
		 struct netlink_ext_ack *extack);
int scst_acn_del(struct scst_acg *acg, const char *pattern,
		 struct netlink_ext_ack *extack);
int scst_acn_move(struct scst_acg *acg, const char *pattern,
		  struct scst_acg *to, struct netlink_ext_ack *extack);
int scst_acn_clear(struct scst_acg *acg, struct netlink_ext_ack *extack);
struct scst_acg *scst_acg_for_initiator(struct scst_tgt_priv *tgt,
					const char *initiator);
int scst_lun_add(struct scst_acg *acg, u32 lun, struct scst_dev_priv *dev,
		 bool read_only, struct netlink_ext_ack *extack);
int scst_lun_del(struct scst_acg *acg, u32 lun, struct netlink_ext_ack *extack);
int scst_lun_clear(struct scst_acg *acg, struct netlink_ext_ack *extack);
int scst_sess_attach(struct scst_sess_priv *sess);
void scst_sess_detach(struct scst_sess_priv *sess, struct scst_drain *drain);
struct scst_tgt_dev *scst_tgt_dev_alloc(struct scst_sess_priv *sess,
					struct scst_dev_priv *dev, u32 lun,
					bool read_only);
void scst_tgt_dev_link(struct scst_tgt_dev *td);
void scst_tgt_dev_free(struct scst_tgt_dev *td);
void scst_tgt_dev_retire(struct scst_tgt_dev *td, struct scst_drain *drain);
void scst_drain_init(struct scst_drain *drain,
		     void (*fn)(struct scst_drain *drain));
void scst_drain_start(struct scst_drain *drain);
void scst_drain_wait_free(struct scst_drain *drain);
void scst_drain_free(struct scst_drain *drain);
unsigned int scst_drain_nr_drained(struct scst_drain *drain);
unsigned int scst_drain_nr_cmds(struct scst_drain *drain);
void scst_acg_luns_changed(struct scst_acg *acg);
const char *scst_acg_name(const struct scst_acg *acg);
bool scst_acg_find_dev(struct scst_acg *acg, struct scst_dev_priv *dev,
		       unsigned long *lun);

/* cmd.c */
void scst_cmd_complete(struct scst_cmd *cmd);

/* tmf.c */
void scst_ua_add(struct scst_tgt_dev *td, u8 key, u8 asc, u8 ascq);
void scst_ua_add_locked(struct scst_tgt_dev *td, u8 key, u8 asc, u8 ascq);
void scst_ua_sess_luns_changed(struct scst_sess_priv *sess);
bool scst_ua_exempt(u8 opcode);
void scst_res_release_sess(struct scst_sess_priv *sess);
void scst_tmf_nexus_loss(struct scst_sess_priv *sess);
void scst_cmd_reserve(struct scst_cmd *cmd);
void scst_cmd_release(struct scst_cmd *cmd);
bool scst_res_conflict(struct scst_cmd *cmd);

/* replace.c */
extern struct list_head scst_cleanup_list;
int scst_lun_replace(struct scst_acg *acg, u32 lun, struct scst_dev_priv *dev,
		     int read_only, u32 flags, struct genl_info *info,
		     u64 *cleanup_id, bool *fallback);
int scst_cleanup_release(u64 id, bool all, struct netlink_ext_ack *extack);
void scst_cleanup_release_all(void);
void scst_cleanup_exit(void);
int scst_cleanup_fill(struct sk_buff *skb, struct scst_cleanup *cl);
struct scst_cleanup *scst_cleanup_find_by_dev(struct scst_dev_priv *dev);

#endif /* _SCST_PRIV_H */
