# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the scst_local VM cases (sourced, not run: the suite skips
# *-lib.sh). A case sources this file, builds a configuration with scstctl,
# checks real outcomes on the SCSI disks the sessions show, and ends with
# local_finish, which removes the configuration and unloads the modules so
# that the harness sees any leak in the kernel log.

SCSTCTL=${SCSTCTL:-$PWD/scstctl/scstctl}
export PATH=$PATH:/usr/sbin:/sbin

local_case=${0##*/}

die() {
	echo "$local_case: FAIL: $*" >&2
	exit 1
}

say() {
	echo "$local_case: $*"
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

# local_host TARGET INITIATOR: the SCSI host number of the session, from the
# attributes scst_local gives each host; empty if there is none.
local_host() {
	local h
	for h in /sys/class/scsi_host/host*; do
		[ -r "$h/target_name" ] || continue
		[ "$(cat "$h/target_name")" = "$1" ] || continue
		[ "$(cat "$h/initiator_name")" = "$2" ] || continue
		echo "${h##*/host}"
		return 0
	done
	return 1
}

# scsi_lun LUN: the midlayer's number for a LUN: the LUN itself below 256
# (peripheral device addressing), 0x4000 | LUN above (flat space).
scsi_lun() {
	if [ "$1" -lt 256 ]; then echo "$1"; else echo $((0x4000 | $1)); fi
}

# local_disk HOST LUN: the block device name (sdX) of that LUN, if any.
local_disk() {
	local d
	for d in /sys/bus/scsi/devices/"$1":0:0:"$(scsi_lun "$2")"/block/*; do
		[ -e "$d" ] || return 1
		[ -b "/dev/${d##*/}" ] || return 1
		echo "${d##*/}"
		return 0
	done
	return 1
}

local_has_disk() {
	local_disk "$1" "$2" >/dev/null
}

local_no_disk() {
	[ ! -e "/sys/bus/scsi/devices/$1:0:0:$(scsi_lun "$2")" ]
}

local_no_host() {
	[ ! -e "/sys/class/scsi_host/host$1" ]
}

# wait_disk HOST LUN: wait for the disk and print its name.
wait_disk() {
	wait_until 30 local_has_disk "$1" "$2" ||
		die "no disk for LUN $2 on host $1 after 30 s"
	local_disk "$1" "$2"
}

# wait_host TARGET INITIATOR: wait for the session's host and print its number.
wait_host() {
	wait_until 30 local_host "$1" "$2" >/dev/null ||
		die "no SCSI host for session $2 of $1 after 30 s"
	local_host "$1" "$2"
}

inq_vendor() {
	sg_inq "/dev/$1" | sed -n 's/^ *Vendor identification: *//p' | sed 's/ *$//'
}

inq_product() {
	sg_inq "/dev/$1" | sed -n 's/^ *Product identification: *//p' | sed 's/ *$//'
}

inq_serial() {
	sg_vpd -p sn "/dev/$1" | sed -n 's/^ *Unit serial number: *//p' | sed 's/ *$//'
}

# Remove the configuration, unload every module, and check that they went.
local_finish() {
	trap - EXIT
	"$SCSTCTL" config clear || die "scstctl config clear failed"
	modprobe -r scst_local scst_vdisk scst || die "modprobe -r failed"
	for m in scst_local scst_vdisk scst; do
		[ ! -e "/sys/module/$m" ] || die "module $m is still loaded"
	done
	say "ok"
}

# On failure: show what the kernel said, and try to leave nothing behind.
local_on_exit() {
	local rc=$?
	[ $rc = 0 ] && return
	echo "$local_case: failed (status $rc); last kernel messages:" >&2
	dmesg | tail -n 40 >&2
	# A case may undo what would block the teardown (a suspended device).
	if declare -F local_case_cleanup >/dev/null; then
		local_case_cleanup
	fi
	"$SCSTCTL" config clear >/dev/null 2>&1
	modprobe -r scst_local scst_vdisk scst >/dev/null 2>&1
	exit $rc
}

local_start() {
	[ -x "$SCSTCTL" ] || die "$SCSTCTL is not built (run make)"
	trap local_on_exit EXIT
	modprobe scst || die "cannot load scst"
	modprobe scst_vdisk || die "cannot load scst_vdisk"
	modprobe scst_local "$@" || die "cannot load scst_local"
}
