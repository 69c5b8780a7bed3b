/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface of the SCSI target core (scst.ko) to device handlers and
 * target drivers.
 *
 * A target driver receives commands from initiators over some transport,
 * fills in a struct scst_cmd (which it owns: usually embedded in its own
 * per-command structure), and calls scst_cmd_submit(). The core finds the
 * logical unit, handles what belongs to it (REPORT LUNS, REQUEST SENSE,
 * unit attentions, reservations, LUNs that do not exist) and passes the rest
 * to the device handler's exec(). The handler finishes the command with
 * scst_cmd_done(), from any context; the core then calls the driver's
 * cmd_done(), which sends status, sense and data back to the initiator.
 */
#ifndef _SCST_H
#define _SCST_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/netlink.h>
#include <uapi/linux/scst.h>

#define SCST_MAX_CDB_SIZE	32
#define SCST_SENSE_BUFFERSIZE	96

/* SPC-4 protocol identifiers, as TransportIDs carry them (7.6.4). */
#define SCST_PROTO_ISCSI	0x5
#define SCST_PROTO_SAS		0x6
/* Longest TransportID a driver may report: an iSCSI name and ISID. */
#define SCST_TRANSPORT_ID_MAX	268

/* SAM status codes. */
#define SCST_STATUS_GOOD			0x00
#define SCST_STATUS_CHECK_CONDITION		0x02
#define SCST_STATUS_BUSY			0x08
#define SCST_STATUS_RESERVATION_CONFLICT	0x18
#define SCST_STATUS_TASK_SET_FULL		0x28
#define SCST_STATUS_TASK_ABORTED		0x40

/* Sense keys. */
#define SCST_SK_NO_SENSE	0x0
#define SCST_SK_NOT_READY	0x2
#define SCST_SK_MEDIUM_ERROR	0x3
#define SCST_SK_HARDWARE_ERROR	0x4
#define SCST_SK_ILLEGAL_REQUEST	0x5
#define SCST_SK_UNIT_ATTENTION	0x6
#define SCST_SK_DATA_PROTECT	0x7
#define SCST_SK_ABORTED_COMMAND	0xb
#define SCST_SK_MISCOMPARE	0xe

struct scst_session;
struct scst_tgt;
struct scst_dev;
struct scst_tgt_dev;

/**
 * enum scst_data_dir - data direction as the transport announced it
 */
enum scst_data_dir {
	SCST_DATA_NONE,
	SCST_DATA_READ,		/* target to initiator (Data-In) */
	SCST_DATA_WRITE,	/* initiator to target (Data-Out) */
};

/**
 * struct scst_cmd - one SCSI command
 *
 * Owned and allocated by the target driver (embed it: scst_local keeps it in
 * the scsi_cmnd's private area, so the fast path allocates nothing). Before
 * scst_cmd_submit() the driver calls scst_cmd_init() and fills the fields of
 * the first block. From submit until the driver's cmd_done() the core and
 * the handler own it.
 *
 * @sess: the I_T nexus the command came in on
 * @lun: LUN number as decoded by the transport (0..SCST_LUN_MAX)
 * @tag: task tag, unique per session while the command is in flight
 * @cdb: command descriptor block; @cdb_len bytes are valid
 * @data_dir: data direction the transport expects
 * @expected_len: expected data transfer length from the transport
 * @sg: data buffer of @expected_len bytes (NULL if none)
 * @sg_cnt: entries in @sg
 * @atomic: set by the driver when scst_cmd_submit() is called from a context
 *	that cannot sleep; the handler then must not sleep in exec() and
 *	defers blocking work to a workqueue
 *
 * @status: SAM status, set by the core or the handler
 * @sense: sense data (fixed format), @sense_len bytes valid
 * @resid: residual count; @resid_over tells overflow from underflow
 *	(RFC 7143 11.4.5.1, SAM-5 5.4.3): underflow when less was transferred
 *	than @expected_len, overflow when the CDB asked for more than
 *	@expected_len
 * @data_len: bytes actually transferred (Data-In or Data-Out)
 *
 * @tgt_dev: the per-session LUN state; set by the core at submit
 * @dev: the device (tgt_dev's device), for the handler; NULL when the core
 *	answers the command itself
 * @lun_read_only: set by the core at submit when the LUN is mapped
 *	read-only, so that the handler reports write protection (MODE SENSE
 *	WP and SWP) and refuses writes; cleared by scst_cmd_init()
 * @hpriv: for the handler
 * @dpriv: for the target driver
 */
struct scst_cmd {
	struct scst_session	*sess;
	u64			lun;
	u64			tag;
	u8			cdb[SCST_MAX_CDB_SIZE];
	u8			cdb_len;
	enum scst_data_dir	data_dir;
	u32			expected_len;
	struct scatterlist	*sg;
	unsigned int		sg_cnt;
	bool			atomic;

	u8			status;
	bool			resid_over;
	u8			sense_len;
	bool			lun_read_only;
	u8			sense[SCST_SENSE_BUFFERSIZE];
	u32			resid;
	u32			data_len;

	struct scst_tgt_dev	*tgt_dev;
	struct scst_dev		*dev;
	void			*hpriv;
	void			*dpriv;

	/* Core-private from here on. */
	struct list_head	inflight_entry;
	unsigned long		flags;
	u64			start_ns;
};

/**
 * struct scst_dev_params - attributes of a device
 * @mask: which fields are given (bit SCST_DEVP_x set: field x present)
 *
 * The core fills this from netlink attributes, rejects the fields the
 * handler does not accept, and passes it to the handler. Strings are
 * NUL-terminated; @filename is owned by the structure (kfree'd by
 * scst_dev_params_free()).
 */
enum scst_devp {
	SCST_DEVP_FILENAME,
	SCST_DEVP_SIZE,
	SCST_DEVP_BLOCKSIZE,
	SCST_DEVP_READ_ONLY,
	SCST_DEVP_WRITE_THROUGH,
	SCST_DEVP_NV_CACHE,
	SCST_DEVP_O_DIRECT,
	SCST_DEVP_THIN_PROVISIONED,
	SCST_DEVP_ROTATIONAL,
	SCST_DEVP_VENDOR,
	SCST_DEVP_PRODUCT,
	SCST_DEVP_REVISION,
	SCST_DEVP_T10_DEV_ID,
	SCST_DEVP_USN,
	SCST_DEVP_NAA_ID,
	SCST_DEVP_EUI64_ID,
	__SCST_DEVP_MAX
};

#define SCST_DEVP_BIT(x)	(1ULL << SCST_DEVP_##x)

struct scst_dev_params {
	u64	mask;
	char	*filename;
	u64	size;
	u32	blocksize;
	bool	read_only;
	bool	write_through;
	bool	nv_cache;
	bool	o_direct;
	bool	thin_provisioned;
	bool	rotational;
	char	vendor[8 + 1];
	char	product[16 + 1];
	char	revision[4 + 1];
	char	t10_dev_id[64 + 1];
	char	usn[64 + 1];
	u8	naa_id[16];
	u64	eui64_id;
};

void scst_dev_params_free(struct scst_dev_params *p);

/**
 * struct scst_handler_ops - a device handler (device type)
 * @name: handler name, unique ("vdisk_fileio")
 * @owner: THIS_MODULE; the core holds a reference while devices exist
 * @create_params: SCST_DEVP_BIT()s accepted by attach()
 * @runtime_params: SCST_DEVP_BIT()s accepted by set_params()
 * @attach: open the backing store for a new device. @p holds what the
 *	user gave; the handler validates it (naming the field in @extack on
 *	error), fills defaults, and stores the effective values in
 *	dev->params (which the core reports in listings). Process context,
 *	config mutex held.
 * @detach: release the backing store; no command is in flight any more.
 * @set_params: change run-time attributes (only bits of @runtime_params are
 *	set in @p->mask). Either every change is applied or none. A size
 *	change calls scst_dev_capacity_changed().
 * @exec: execute @cmd (never called for commands the core answers). Must
 *	end, now or later and from any context, in scst_cmd_done(). When
 *	cmd->atomic is set it must not sleep.
 * @abort: optional: try to hurry an aborted command (it must still end in
 *	scst_cmd_done()). Called with a spinlock held, interrupts off, while
 *	the command is still in flight: must not sleep.
 */
struct scst_handler_ops {
	const char	*name;
	struct module	*owner;
	u64		create_params;
	u64		runtime_params;

	int	(*attach)(struct scst_dev *dev, struct scst_dev_params *p,
			  struct netlink_ext_ack *extack);
	void	(*detach)(struct scst_dev *dev);
	int	(*set_params)(struct scst_dev *dev, struct scst_dev_params *p,
			      struct netlink_ext_ack *extack);
	void	(*exec)(struct scst_cmd *cmd);
	void	(*abort)(struct scst_cmd *cmd);
};

/**
 * struct scst_dev - a device (one instance of a handler)
 * @name: device name
 * @handler: its handler
 * @params: effective attributes, maintained by the handler
 * @block_shift: log2 of the logical block size
 * @nr_blocks: capacity in logical blocks
 * @hpriv: for the handler
 *
 * The rest of the structure is the core's.
 */
struct scst_dev {
	const char			*name;
	const struct scst_handler_ops	*handler;
	struct scst_dev_params		params;
	unsigned int			block_shift;
	u64				nr_blocks;
	void				*hpriv;
};

/**
 * struct scst_driver_ops - a target driver (transport)
 * @name: driver name, unique ("scst_local")
 * @owner: THIS_MODULE; the core holds a reference while targets exist
 * @target_add: set up a new target (tgt->name is set). Optional.
 * @target_del: tear a target down; the core has closed its sessions.
 * @target_enable: start or stop accepting logins. Optional.
 * @session_add: create a session on @tgt for @initiator, for drivers whose
 *	sessions are made by configuration (scst_local); it calls
 *	scst_session_register(). Optional.
 * @session_close: force-close @sess. The driver stops submitting, and
 *	calls scst_session_unregister() (possibly later, from another context).
 * @cmd_done: @cmd is finished: send its status, sense and data. Called from
 *	any context, possibly inside scst_cmd_submit(), and possibly with
 *	interrupts off under a backing device's locks (a block device ending
 *	a flush sequence): a driver that would complete into another block
 *	layer queue from here defers that (scst_local does). If
 *	scst_cmd_aborted(cmd), the command was aborted by task management and
 *	its outcome must not be reported as success.
 * @luns_changed: the LUNs visible to @sess changed (added or removed). The
 *	driver may rescan (scst_local) or send an asynchronous event (iSCSI).
 *	Process context. Optional.
 * @session_host_no: optional: the SCSI host number for listings
 *	(scst_local), or a negative number if there is none.
 * @session_transport_id: optional: write the TransportID (SPC-4 7.6.4) of
 *	@sess's initiator port into @buf (at most @len bytes, @len being at
 *	least SCST_TRANSPORT_ID_MAX); return its length or -errno. Persistent
 *	reservations name initiators by it, and listings show it.
 * @target_stop: optional: @tgt is being deleted. Called without the core's
 *	mutex, once scst_session_register() for @tgt fails with -ENODEV and
 *	before the core closes the existing sessions. The driver stops its
 *	logins to @tgt and returns when none of its threads is inside
 *	scst_session_register() for @tgt any more. Drivers whose sessions come
 *	from the network need it: target_del() runs under the core's mutex,
 *	so it cannot wait for a login blocked on that mutex, and @tgt is freed
 *	right after target_del() returns.
 *
 * Driver-specific parameters ("key=value" strings, see the uapi header):
 * @driver_params: NULL-terminated list of the keys driver_set_param()
 *	accepts, or NULL
 * @target_params: NULL-terminated list of the keys target_set_param()
 *	accepts (SCST_A_RUNTIME_ATTR of the driver's listing), or NULL
 * @driver_set_param: with @check, validate one SCST_A_DRIVER_PARAM and
 *	change nothing; without, apply it. 0 or -errno with @extack set. The
 *	core checks every parameter of a request before it applies the
 *	first, so that a request refused for its content changes nothing;
 *	only what cannot be known before trying (a port in use) may fail
 *	after earlier parameters were applied.
 * @target_set_param: the same for one SCST_A_TARGET_PARAM of @tgt
 * @driver_fill_params: add the driver's SCST_A_DRIVER_PARAM attributes to a
 *	listing; 0 or -EMSGSIZE
 * @target_fill_params: add @tgt's SCST_A_TARGET_PARAM attributes (never a
 *	secret); 0 or -EMSGSIZE
 * @session_fill_params: add @sess's SCST_A_SESSION_PARAM attributes; 0 or
 *	-EMSGSIZE
 * These are called with the core's mutex held (a session listed is not yet
 * unregistered) and must not call back into the core. All are optional.
 */
struct scst_driver_ops {
	const char	*name;
	struct module	*owner;

	int	(*target_add)(struct scst_tgt *tgt,
			      struct netlink_ext_ack *extack);
	void	(*target_del)(struct scst_tgt *tgt);
	int	(*target_enable)(struct scst_tgt *tgt, bool enable,
				 struct netlink_ext_ack *extack);
	int	(*session_add)(struct scst_tgt *tgt, const char *initiator,
			       const char *name, struct netlink_ext_ack *extack);
	void	(*session_close)(struct scst_session *sess);
	void	(*cmd_done)(struct scst_cmd *cmd);
	void	(*luns_changed)(struct scst_session *sess);
	int	(*session_host_no)(struct scst_session *sess);
	int	(*session_transport_id)(struct scst_session *sess, u8 *buf,
					size_t len);
	void	(*target_stop)(struct scst_tgt *tgt);

	const char * const	*driver_params;
	const char * const	*target_params;
	int	(*driver_set_param)(const char *param, bool check,
				    struct netlink_ext_ack *extack);
	int	(*target_set_param)(struct scst_tgt *tgt, const char *param,
				    bool check, struct netlink_ext_ack *extack);
	int	(*driver_fill_params)(struct sk_buff *skb);
	int	(*target_fill_params)(struct scst_tgt *tgt, struct sk_buff *skb);
	int	(*session_fill_params)(struct scst_session *sess,
				       struct sk_buff *skb);
};

/**
 * struct scst_tgt - one target (port) of a driver
 * @name: target name
 * @driver: its driver
 * @rel_tgt_id: relative target port identifier (1..65535)
 * @dpriv: for the driver
 */
struct scst_tgt {
	const char			*name;
	const struct scst_driver_ops	*driver;
	u16				rel_tgt_id;
	void				*dpriv;
};

/**
 * struct scst_session - an I_T nexus
 * @tgt: its target
 * @initiator: initiator port name
 * @name: session name, unique in the target
 * @dpriv: for the driver
 */
struct scst_session {
	struct scst_tgt	*tgt;
	const char	*initiator;
	const char	*name;
	void		*dpriv;
};

enum scst_tmf {
	SCST_TMF_ABORT_TASK,
	SCST_TMF_ABORT_TASK_SET,
	SCST_TMF_CLEAR_TASK_SET,
	SCST_TMF_LUN_RESET,
	SCST_TMF_TARGET_RESET,
	SCST_TMF_NEXUS_LOSS,
};

/* Task management response (SAM-5 7.10). */
enum scst_tmf_resp {
	SCST_TMF_COMPLETE,
	SCST_TMF_REJECTED,
	SCST_TMF_FAILED,
	SCST_TMF_INCORRECT_LUN,
	SCST_TMF_TASK_DOES_NOT_EXIST,
};

/* Registration. The ops tables must stay valid until unregistered. */
int scst_handler_register(const struct scst_handler_ops *ops);
void scst_handler_unregister(const struct scst_handler_ops *ops);
int scst_driver_register(const struct scst_driver_ops *ops);
void scst_driver_unregister(const struct scst_driver_ops *ops);

/*
 * Sessions. scst_session_register() chooses the session's group from the
 * initiator name and may sleep; it returns the session or an ERR_PTR()
 * (never NULL); @name may be NULL (the core derives a unique one from the
 * initiator name). scst_session_unregister() aborts what is still in flight
 * (I_T nexus loss), waits for it, and frees the session; the driver must
 * not submit on it any more. The core calls session_add(), session_close()
 * and luns_changed() without holding its configuration mutex, so they may
 * call scst_session_register()/scst_session_unregister() directly (but
 * luns_changed() must not unregister the session it was called for).
 * target_add(), target_del() and target_enable() are called with that mutex
 * held and must not call back into the core.
 */
struct scst_session *scst_session_register(struct scst_tgt *tgt,
					   const char *initiator,
					   const char *name, void *dpriv);
void scst_session_unregister(struct scst_session *sess);

/* Commands. */
void scst_cmd_init(struct scst_cmd *cmd, struct scst_session *sess);
void scst_cmd_submit(struct scst_cmd *cmd);
void scst_cmd_done(struct scst_cmd *cmd);
bool scst_cmd_aborted(const struct scst_cmd *cmd);

/*
 * Task management, process context; waits until the affected commands have
 * finished. @cmd names the task for ABORT TASK (NULL for the others).
 */
enum scst_tmf_resp scst_tmf(struct scst_session *sess, enum scst_tmf fn,
			    u64 lun, struct scst_cmd *cmd);

/* Helpers for handlers: the one place where sense data is built. */
void scst_cmd_set_sense(struct scst_cmd *cmd, u8 key, u8 asc, u8 ascq);
void scst_cmd_set_sense_info(struct scst_cmd *cmd, u8 key, u8 asc, u8 ascq,
			     u32 info);
/* ILLEGAL REQUEST, INVALID FIELD IN CDB, pointing at @byte (bit @bit). */
void scst_cmd_set_invalid_field(struct scst_cmd *cmd, u16 byte, int bit);

/*
 * Copy a response of @len bytes to the command's buffer, transferring at most
 * @alloc_len (from the CDB) and at most expected_len; sets data_len and the
 * residual.
 */
void scst_cmd_copy_to_buf(struct scst_cmd *cmd, const void *buf, u32 len,
			  u32 alloc_len);
/* Copy up to @len bytes of Data-Out into @buf; returns bytes copied. */
u32 scst_cmd_copy_from_buf(struct scst_cmd *cmd, void *buf, u32 len);
/*
 * Record that the CDB implies @cdb_len bytes of data; the core computes
 * data_len and the residual against expected_len (SAM-5 5.4.3). Returns the
 * number of bytes that may be transferred (min of the two).
 */
u32 scst_cmd_set_transfer_len(struct scst_cmd *cmd, u32 cdb_len);

/* Device events raised by handlers. */
void scst_dev_capacity_changed(struct scst_dev *dev);

/* The relative target port of a command, for VPD page 0x83. */
static inline u16 scst_cmd_rel_tgt_id(const struct scst_cmd *cmd)
{
	return cmd->sess->tgt->rel_tgt_id;
}

#endif /* _SCST_H */
