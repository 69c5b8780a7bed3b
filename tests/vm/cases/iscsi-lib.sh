# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the iSCSI VM cases (sourced, not run: the suite skips
# *-lib.sh). The initiator is open-iscsi over loopback: iscsid runs by hand
# (there is no systemd in the VM) with its configuration in the VM's
# writable /etc/iscsi. A case configures the target with scstctl, logs in
# with iscsiadm, checks real outcomes on the disks, and ends with
# iscsi_finish, which logs out, removes the configuration and unloads the
# modules so that the harness sees any leak or warning in the kernel log.

SCSTCTL=${SCSTCTL:-$PWD/scstctl/scstctl}
YNL=${YNL:-$PWD/tools/ynl}
ICLIENT=${ICLIENT:-$PWD/tests/vm/cases/iscsi_client.py}
export PATH=$PATH:/usr/sbin:/sbin

iscsi_case=${0##*/}
. "$(dirname "${BASH_SOURCE[0]}")/initiator-lib.sh"

die() {
	echo "$iscsi_case: FAIL: $*" >&2
	exit 1
}

say() {
	echo "$iscsi_case: $*"
}

# Run scstctl; any failure fails the case.
sc() {
	"$SCSTCTL" "$@" || die "scstctl $* failed with status $?"
}

# wait_until SECONDS CMD...: poll CMD every 0.2 s until it succeeds.
wait_until() {
	local limit=$1 i=0
	shift
	while ! "$@" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt $((limit * 5)) ] || return 1
		sleep 0.2
	done
}

# tgt_param TARGET KEY=VALUE...: set iSCSI target parameters
# (SCST_A_TARGET_PARAM of SCST_CMD_TARGET_SET). scstctl, not the YNL
# client: that costs seconds a call under emulation (core-objects covers
# the family through it).
tgt_param() {
	local t=$1
	shift
	"$SCSTCTL" target set "$t" "$@" >/tmp/sc.out 2>&1 ||
		{ cat /tmp/sc.out; die "setting target parameters $* of $t failed"; }
}

# tgt_param_fails TARGET KEY=VALUE: the parameter must be refused.
tgt_param_fails() {
	! "$SCSTCTL" target set "$1" "$2" >/dev/null 2>&1 ||
		die "target parameter '$2' was accepted"
}

# tgt_params TARGET: the target's parameters, one "key=value" a line.
tgt_params() {
	"$SCSTCTL" -j target show "$1" | jq -r '.params[]?'
}

# sess_params TARGET: "session key=value" lines of every session's parameters.
sess_params() {
	"$SCSTCTL" -j session show "$1" | jq -r '.[] | .name as $s | .params[]? | "\($s) \(.)"'
}

# Start iscsid with INITIATOR as this host's InitiatorName.
iscsi_start_initiator() {
	initiator_start "${1:-iqn.2026-11.org.example:vm-initiator}" \
		"node.session.err_timeo.abort_timeout = 15
node.session.err_timeo.lu_reset_timeout = 20
node.session.initial_login_retry_max = 2" || die "cannot start the initiator"
}

# iscsi_discover PORTAL: SendTargets discovery; prints "portal,tpgt iqn" lines.
iscsi_discover() {
	iscsiadm -m discovery -t sendtargets -p "$1" ||
		die "discovery at $1 failed"
}

# iscsi_node TARGET PORTAL NAME VALUE: set a node record parameter.
iscsi_node() {
	iscsiadm -m node -T "$1" -p "$2" -o update -n "$3" -v "$4" >/dev/null ||
		die "cannot set $3=$4 for $1"
}

iscsi_login() {
	iscsiadm -m node -T "$1" -p "$2" --login >/dev/null ||
		die "login to $1 at $2 failed"
}

# iscsi_login_fails TARGET PORTAL: the login must be refused.
iscsi_login_fails() {
	! iscsiadm -m node -T "$1" -p "$2" --login >/dev/null 2>&1 ||
		die "login to $1 at $2 succeeded but must not"
}

iscsi_logout() {
	iscsiadm -m node -T "$1" -p "$2" --logout >/dev/null ||
		die "logout from $1 failed"
}

# iscsi_luns TARGET: the LUNs the session's SCSI host has, sorted.
iscsi_luns() {
	local h d
	h=$(iscsi_host "$1") || return 1
	for d in /sys/bus/scsi/devices/"$h":0:0:*; do
		[ -e "$d/block" ] || continue
		echo "${d##*:}"
	done | sort -n | tr '\n' ' '
}

iscsi_has_disk() {
	iscsi_disk "$1" "$2" >/dev/null
}

# wait_disk TARGET LUN: wait for the disk and print its name.
wait_disk() {
	wait_until 60 iscsi_has_disk "$1" "$2" ||
		die "no disk for LUN $2 of $1 after 60 s"
	local d
	d=$(iscsi_disk "$1" "$2")
	echo none >"/sys/block/$d/queue/scheduler" 2>/dev/null || true
	echo "$d"
}

iscsi_no_session() {
	! iscsi_host "$1" >/dev/null
}

# fio_verify DISK [SIZE] [EXTRA...]: random writes of mixed sizes verified
# with crc32c (written, then read back in a second pass).
fio_verify() {
	local d=$1 size=${2:-16M} common
	shift 2 || shift $#
	common="--filename=/dev/$d --direct=1 --ioengine=libaio --iodepth=16
		--bsrange=4k-256k --size=$size --verify=crc32c --verify_fatal=1
		--randrepeat=1 --norandommap $*"
	# shellcheck disable=SC2086
	fio --name=w --rw=randwrite $common >/tmp/fio-w.log 2>&1 ||
		{ tail -20 /tmp/fio-w.log; die "fio randwrite with verify failed on $d"; }
	# shellcheck disable=SC2086
	fio --name=w --rw=randwrite --verify_only $common >/tmp/fio-r.log 2>&1 ||
		{ tail -20 /tmp/fio-r.log; die "fio verify pass failed on $d"; }
	grep -q "err= 0" /tmp/fio-r.log ||
		{ tail -20 /tmp/fio-r.log; die "fio reported errors on $d"; }
}

# Log out everywhere, remove the configuration, unload, check it is gone.
iscsi_finish() {
	trap - EXIT
	iscsiadm -m node --logoutall=all >/dev/null 2>&1 || true
	initiator_stop
	"$SCSTCTL" config clear || die "scstctl config clear failed"
	modprobe -r iscsi_scst scst_vdisk scst || die "modprobe -r failed"
	for m in iscsi_scst scst_vdisk scst; do
		[ ! -e "/sys/module/$m" ] || die "module $m is still loaded"
	done
	say "ok"
}

iscsi_on_exit() {
	local rc=$?
	set +e
	[ $rc = 0 ] && return
	echo "$iscsi_case: failed (status $rc); last kernel messages:" >&2
	dmesg | tail -n 40 >&2
	[ -s /tmp/iscsid.log ] && tail -n 20 /tmp/iscsid.log >&2
	iscsiadm -m node --logoutall=all >/dev/null 2>&1
	initiator_stop
	"$SCSTCTL" config clear >/dev/null 2>&1
	modprobe -r iscsi_scst scst_vdisk scst >/dev/null 2>&1
	exit $rc
}

# iscsi_start [iscsi_scst PARAMS...]: load the target side.
iscsi_start() {
	[ -x "$SCSTCTL" ] || die "$SCSTCTL is not built (run make)"
	trap iscsi_on_exit EXIT
	modprobe scst || die "cannot load scst"
	modprobe scst_vdisk || die "cannot load scst_vdisk"
	modprobe iscsi_scst "$@" || die "cannot load iscsi_scst"
}
