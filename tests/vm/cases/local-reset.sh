#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scst_local and resets asked for by user space (sg_reset: LUN, target, bus
# and host reset) while fio writes and verifies at queue depth 32: the
# resets map onto the core's task management, which aborts the commands in
# flight; those come back to the midlayer as TASK ABORTED and are retried,
# so every reset succeeds and fio verifies all its data.
# vm-timeout: 400
# vm-batch: local
set -eu
. "$(dirname "$0")/local-lib.sh"

local_start

truncate -s 96M /tmp/reset.img
sc device add dr handler vdisk_fileio filename /tmp/reset.img usn SN-R
sc target add tr driver scst_local
sc lun add tr 0 dr
sc session add tr iqn.2024-01.test:reset
host=$(wait_host tr iqn.2024-01.test:reset)
disk=$(wait_disk "$host" 0)

fio --name=v --filename=/dev/$disk --direct=1 --ioengine=libaio \
	--iodepth=32 --rw=randwrite --bs=4k --size=40M --numjobs=2 \
	--offset_increment=40M --verify=crc32c --verify_fatal=1 \
	--group_reporting >/tmp/fio-reset.log 2>&1 &
fpid=$!

n=0
while kill -0 $fpid 2>/dev/null; do
	for r in -d -t -b -H; do
		sg_reset $r "/dev/$disk" || die "sg_reset $r failed"
		n=$((n + 1))
		sleep 0.5
	done
done
wait $fpid || { cat /tmp/fio-reset.log; die "fio failed across resets"; }
grep -q "err= 0" /tmp/fio-reset.log || { cat /tmp/fio-reset.log; die "fio reported errors"; }
[ $n -ge 8 ] || die "only $n resets happened while fio ran"
[ "$(cat "/sys/block/$disk/device/state")" = running ] || die "device not running"
say "$n resets during fio, data verified"

# Resets with nothing in flight, and the disk still answers.
for r in -d -t -b -H; do
	sg_reset $r "/dev/$disk" || die "idle sg_reset $r failed"
done
dd if="/dev/$disk" of=/dev/null bs=1M count=4 iflag=direct status=none ||
	die "read after resets failed"

local_finish
