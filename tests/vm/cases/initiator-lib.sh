# SPDX-License-Identifier: GPL-2.0
#
# open-iscsi as the VM's iSCSI initiator, and where its disks are, for
# iscsi-lib.sh, the soak and the benchmark (sourced, not run: the suite
# skips *-lib.sh). There is no
# systemd in the VM: iscsid runs by hand, its configuration and node
# records in the VM's writable /etc/iscsi and /var/lib/iscsi. Uses nothing
# of the file that sources it.

iscsid_pid=""

# initiator_start NAME [CONF]: load iscsi_tcp and start iscsid with
# InitiatorName NAME. CONF is more lines for iscsid.conf, after the
# timeouts every user shares (a lost connection is given 20 s to come
# back before its commands fail). On failure, says why on stderr and
# returns 1.
initiator_start() {
	local i
	mkdir -p /etc/iscsi /var/lib/iscsi/nodes /var/lib/iscsi/send_targets \
		/var/lib/iscsi/ifaces /run/lock/iscsi
	echo "InitiatorName=$1" >/etc/iscsi/initiatorname.iscsi
	{
		echo "node.startup = manual"
		echo "node.session.timeo.replacement_timeout = 20"
		echo "node.conn[0].timeo.login_timeout = 15"
		echo "node.conn[0].timeo.noop_out_interval = 5"
		echo "node.conn[0].timeo.noop_out_timeout = 10"
		[ -z "${2:-}" ] || printf '%s\n' "$2"
	} >/etc/iscsi/iscsid.conf
	modprobe iscsi_tcp || { echo "cannot load iscsi_tcp" >&2; return 1; }
	setsid iscsid -f </dev/null >/tmp/iscsid.log 2>&1 &
	iscsid_pid=$!
	# Ready once it listens on its (abstract) control socket.
	for i in $(seq 150); do
		grep -q ISCSIADM_ABSTRACT_NAMESPACE /proc/net/unix && return 0
		if ! kill -0 "$iscsid_pid" 2>/dev/null; then
			cat /tmp/iscsid.log >&2
			echo "iscsid exited" >&2
			iscsid_pid=""
			return 1
		fi
		sleep 0.2
	done
	echo "iscsid does not listen after 30 s" >&2
	return 1
}

# initiator_stop: stop iscsid, if it runs (sessions stay in the kernel).
initiator_stop() {
	[ -n "$iscsid_pid" ] || return 0
	kill "$iscsid_pid" 2>/dev/null
	wait "$iscsid_pid" 2>/dev/null
	iscsid_pid=""
}

# iscsi_host TARGET: the SCSI host number of the session to TARGET.
iscsi_host() {
	local s p
	for s in /sys/class/iscsi_session/session*; do
		[ -r "$s/targetname" ] || continue
		[ "$(cat "$s/targetname")" = "$1" ] || continue
		p=$(readlink -f "$s")
		p=${p%%/session*}
		echo "${p##*/host}"
		return 0
	done
	return 1
}

# scsi_lun LUN: the midlayer's number for a LUN.
scsi_lun() {
	if [ "$1" -lt 256 ]; then echo "$1"; else echo $((0x4000 | $1)); fi
}

# iscsi_disk TARGET LUN: the block device (sdX) of that LUN of the session.
iscsi_disk() {
	local h d
	h=$(iscsi_host "$1") || return 1
	for d in /sys/bus/scsi/devices/"$h":0:0:"$(scsi_lun "$2")"/block/*; do
		[ -e "$d" ] || return 1
		[ -b "/dev/${d##*/}" ] || return 1
		echo "${d##*/}"
		return 0
	done
	return 1
}
