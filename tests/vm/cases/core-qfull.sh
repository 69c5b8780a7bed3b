#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The core running out of room for a LUN's commands: the global
# lun_queue_depth bounds the commands one session has in flight on one LUN,
# and a command beyond it ends at once with TASK SET FULL, is counted for
# the session and never reaches the handler.
#
# - The setting: default, set and read back through scstctl, its bounds
#   refused by the kernel (extack naming the attribute) and by scstctl,
#   unprivileged callers refused, kept by config save.
# - Exact behaviour, with a raw iSCSI initiator and a suspended
#   device-mapper device under vdisk_blockio: depth+6 reads give exactly 6
#   TASK SET FULL, the others wait and complete with GOOD after the resume;
#   with no limit, nothing is refused.
# - Linux as the initiator (scst_local): fio with crc32c verification at a
#   queue depth far beyond the limit finishes without an I/O error, and the
#   session counted the TASK SET FULL that the SCSI midlayer retried.
# vm-timeout: 600
# vm-batch: local
set -eu
. "$(dirname "$0")/iscsi-lib.sh"

T=iqn.2026-11.org.example:raw
modprobe loop
modprobe dm-mod
iscsi_start
modprobe scst_local || die "cannot load scst_local"

cleanup_dm() {
	dmsetup resume scst-q 2>/dev/null || true
}

qdepth() {
	"$SCSTCTL" -j global show | jq '.lun_queue_depth'
}

say "the setting"
[ "$(qdepth)" = 0 ] || die "lun_queue_depth is $(qdepth) by default, not 0 (no limit)"
sc global set lun_queue_depth 8
[ "$(qdepth)" = 8 ] || die "lun_queue_depth reads $(qdepth) after setting 8"
# Out of range: refused by the kernel, naming the attribute ...
if "$YNL" --do global-set --json '{"lun-queue-depth": 65536}' >/tmp/ynl.out 2>&1; then
	die "the kernel accepted lun-queue-depth 65536"
fi
grep -q "lun-queue-depth" /tmp/ynl.out ||
	{ cat /tmp/ynl.out; die "the error does not name lun-queue-depth"; }
# ... and by scstctl with a sentence; neither changes the setting.
if "$SCSTCTL" global set lun_queue_depth 65536 2>/tmp/sc.err; then
	die "scstctl accepted lun_queue_depth 65536"
fi
grep -q "lun_queue_depth takes a number from 0 (no limit) to 65535" /tmp/sc.err ||
	{ cat /tmp/sc.err; die "scstctl's message is not clear"; }
if setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$SCSTCTL" global set lun_queue_depth 1 2>/tmp/sc.err; then
	die "an unprivileged caller changed lun_queue_depth"
fi
grep -qi "permission\|not permitted\|privilege" /tmp/sc.err ||
	{ cat /tmp/sc.err; die "the unprivileged refusal does not say why"; }
[ "$(qdepth)" = 8 ] || die "a refused change moved lun_queue_depth to $(qdepth)"
"$SCSTCTL" config save /tmp/q.conf || die "config save failed"
grep -qx "lun_queue_depth 8" /tmp/q.conf ||
	{ cat /tmp/q.conf; die "config save does not keep lun_queue_depth"; }

say "iSCSI: reads beyond the depth on a suspended device"
truncate -s 64M /tmp/q.img
loopdev=$(losetup -f --show /tmp/q.img)
dmsetup create scst-q --table "0 131072 linear $loopdev 0"
dmsetup mknodes
trap 'cleanup_dm; iscsi_on_exit' EXIT
sc device add q handler vdisk_blockio filename /dev/mapper/scst-q
sc target add $T driver iscsi
sc lun add $T 0 q
sc target set $T enabled on
raw_qfull() {	# DEPTH
	dmsetup suspend --nolockfs --noflush scst-q
	python3 "$ICLIENT" qfull --target $T --depth "$1" --resume scst-q \
		--scstctl "$SCSTCTL" || die "raw test 'qfull' at depth $1 failed"
}
sc global set lun_queue_depth 4
raw_qfull 4
sc global set lun_queue_depth 0
raw_qfull 0
wait_until 30 test -z "$("$SCSTCTL" session show $T)" ||
	die "the raw session is still there"

say "scst_local: fio far beyond the depth"
sc global set lun_queue_depth 2
sc device add n handler vdisk_nullio size 64M
truncate -s 64M /tmp/qf.img
sc device add f handler vdisk_fileio filename /tmp/qf.img
sc target add lt driver scst_local
sc lun add lt 0 f
sc session add lt iqn.local:q name s
host=$("$SCSTCTL" -j session show lt | jq -r '.[0].scsi_host')
wait_until 60 test -n "$(ls /sys/class/scsi_host/host$host/device/target$host:0:0/$host:0:0:0/block 2>/dev/null)" ||
	die "no disk for LUN 0 of host $host"
sd=$(ls "/sys/class/scsi_host/host$host/device/target$host:0:0/$host:0:0:0/block")
dmesg -C
fio --name=q --filename=/dev/$sd --direct=1 --ioengine=libaio --iodepth=32 \
	--numjobs=2 --offset_increment=16M --size=16M --rw=randwrite \
	--bsrange=4k-64k --verify=crc32c --verify_fatal=1 --randrepeat=1 \
	>/tmp/fio-q.log 2>&1 ||
	{ tail -20 /tmp/fio-q.log; die "fio with verification failed at lun_queue_depth 2"; }
grep -q "err= 0" /tmp/fio-q.log || { tail -20 /tmp/fio-q.log; die "fio reported errors"; }
tsf=$("$SCSTCTL" -j session show lt | jq '.[0].task_set_full')
[ "$tsf" -gt 0 ] || die "fio at queue depth 32 met no TASK SET FULL (count $tsf)"
! dmesg | grep -E "I/O error|critical" ||
	die "the kernel logged errors for TASK SET FULL"
say "fio: $tsf commands answered TASK SET FULL, retried by the midlayer, data verified"

sc global set lun_queue_depth 0
cleanup_dm
sc config clear
modprobe -r scst_local || die "cannot unload scst_local"
dmsetup remove scst-q
losetup -d "$loopdev"
iscsi_finish
