#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tearing down under verified I/O through scst_local. fio writes and checks
# (crc32c) random blocks on a vdisk_fileio LUN while ackcheck.py writes
# self-describing chunks on a vdisk_blockio LUN, and meanwhile:
#  - the modules are asked to unload: scst_vdisk is refused while its
#    devices exist, scst_local while its targets do, scst while either is
#    loaded; the I/O does not notice (no error, everything verified);
#  - the session is deleted (scstctl session del);
#  - the target is deleted (scstctl target del);
#  - the whole configuration is cleared (scstctl config clear); then
#    scst_vdisk unloads, and scst still refuses while scst_local is loaded.
# Each time the disks vanish: fio and the writer end with I/O errors, not
# a hang and never a verification error; once the configuration is made
# again, every acknowledged write reads back. At the end everything
# unloads (the harness checks the kernel log for leaks and warnings).
# vm-timeout: 600
# vm-batch: faults
set -eu
. "$(dirname "$0")/faults-lib.sh"

T=tt
INI=iqn.2024-01.test:faults
# What a write to a disk that went away may fail with: an error of the
# command in flight, or of the gone device; ENOSPC once the disk's size is
# 0 (blkdev_write_iter() refuses writes past the end so).
GONE="EIO ENXIO ENODEV ENOLINK ENOSPC"

local_start
modprobe loop || die "cannot load loop"
truncate -s 64M /tmp/td-file.img /tmp/td-blk.img
lo=$(losetup -f --show /tmp/td-blk.img)

add_devices() {
	sc device add tdf handler vdisk_fileio filename /tmp/td-file.img
	sc device add tdb handler vdisk_blockio filename "$lo"
}

add_target() {
	sc target add $T driver scst_local
	sc lun add $T 0 tdf
	sc lun add $T 1 tdb
}

add_session() {
	sc session add $T $INI
	host=$(wait_host $T $INI)
	dfio=$(wait_disk "$host" 0)
	dack=$(wait_disk "$host" 1)
}

# start_io NAME [ACKCHECK WRITE ARGS]: fio on LUN 0, the writer on LUN 1.
start_io() {
	local name=$1
	shift
	rm -f /tmp/ack.stop /tmp/ack.ready
	ack write "$dack" /tmp/td.st --pause 20 --stop-file /tmp/ack.stop \
		--ready-file /tmp/ack.ready "$@" >"/tmp/ack-$name.out" 2>&1 &
	ack_pid=$!
	fio_bg "$name" "$dfio"
	wait_until 60 test -e /tmp/ack.ready ||
		die "the writer did not start: $(cat "/tmp/ack-$name.out")"
	sleep 2
}

# check_acked: every acknowledged write of the writer reads back.
check_acked() {
	local out
	out=$(ack verify "$dack" /tmp/td.st) || die "acknowledged data: $out"
	[ "$(word exact "$out")" -gt 0 ] || die "no chunk holds an acknowledged write: $out"
	say "  $out"
}

# vanish NAME CMD...: under I/O, CMD makes the disks go away.
vanish() {
	local name=$1 out rc=0
	shift
	# shellcheck disable=SC2086
	start_io "$name" --stop-on-error --expect-errno $GONE
	"$@" || die "'$*' failed under I/O"
	wait_until 30 local_no_host "$host" || die "host$host is still there after '$*'"
	fio_failed "$name"
	wait_until 60 sh -c "! kill -0 $ack_pid" || die "the writer still runs 60 s after '$*'"
	wait "$ack_pid" || rc=$?
	out=$(cat "/tmp/ack-$name.out")
	[ $rc = 0 ] || die "the writer failed: $out"
	[ "$(word acked "$out")" -gt 0 ] || die "the writer had no write acknowledged: $out"
	[ "$(word failed "$out")" -ge 1 ] || die "the writer saw no error: $out"
	say "$name: writer $out"
	acked=$((acked + $(word acked "$out")))
	faults=$((faults + 1))
}

add_devices
add_target
add_session
out=$(ack init "$dack" /tmp/td.st --chunks 256) || die "ackcheck init: $out"
acked=0
faults=0

say "unloading modules under I/O"
start_io unload
for m in scst_vdisk scst_local scst; do
	out=$(modprobe -r $m 2>&1) && die "modprobe -r $m succeeded under I/O"
	echo "$out" | grep -q "in use" || die "modprobe -r $m: $out"
	[ -e /sys/module/$m ] || die "$m is gone"
done
out=$(rmmod scst 2>&1) && die "rmmod scst succeeded under I/O"
[ -e /sys/module/scst ] || die "scst is gone"
sleep 3
fio_ok unload
touch /tmp/ack.stop
wait "$ack_pid" || die "the writer failed: $(cat /tmp/ack-unload.out)"
out=$(cat /tmp/ack-unload.out)
[ "$(word failed "$out")" = 0 ] || die "writes failed while unloads were refused: $out"
acked=$((acked + $(word acked "$out")))
check_acked
say "unloads refused, I/O verified: fio $(grep -o 'write: IOPS=[^,]*' /tmp/fio-unload.log)"

say "session del under I/O"
vanish session-del sc session del $T $INI
add_session
check_acked

say "target del under I/O"
vanish target-del sc target del $T
add_target
add_session
check_acked

say "config clear under I/O"
vanish config-clear sc config clear
[ "$("$SCSTCTL" -j device show | jq length)" = 0 ] || die "devices left after config clear"
# Nothing holds the handler module now, while it and the driver hold scst.
out=$(modprobe -r scst 2>&1) && die "modprobe -r scst succeeded with scst_vdisk and scst_local loaded"
echo "$out" | grep -q "in use" || die "modprobe -r scst: $out"
modprobe -r scst_vdisk || die "scst_vdisk cannot be unloaded after config clear"
[ ! -e /sys/module/scst_vdisk ] || die "scst_vdisk is still loaded"
[ -e /sys/module/scst ] || die "scst went with scst_vdisk"
modprobe scst_vdisk || die "cannot load scst_vdisk again"
add_devices
add_target
add_session
check_acked
say "$faults teardowns under I/O, $acked writes acknowledged, all read back"

local_finish
losetup -d "$lo"
rm -f /tmp/td-file.img /tmp/td-blk.img
