#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scst_local and the SCSI error handler: a command stuck below
# vdisk_blockio (its device-mapper device is suspended) times out after the
# disk's SCSI timeout, the error handler aborts it through the core's task
# management and waits until it comes back; once the device is resumed the
# command is retried, the I/O completes, and the disk keeps working. Then a
# session is deleted while a command is stuck, which must wait for the
# resume and not hang or leak.
# vm-timeout: 400
# vm-batch: local
set -eu
. "$(dirname "$0")/local-lib.sh"

loopdev=""
dm=scst_local_eh

# On failure, never leave the device suspended: the teardown would wait.
local_case_cleanup() {
	dmsetup resume $dm 2>/dev/null || true
}

local_start

modprobe loop
modprobe dm_mod
truncate -s 64M /tmp/eh.img
loopdev=$(losetup -f --show /tmp/eh.img)
sectors=$(blockdev --getsz "$loopdev")
dmsetup create $dm --table "0 $sectors linear $loopdev 0"
# No udev in the VM: name the node the kernel created.
dmdev=/dev/$(dmsetup info -c --noheadings -o blkdevname $dm | tr -d ' ')
[ -b "$dmdev" ] || die "no block device for $dm ($dmdev)"

sc device add deh handler vdisk_blockio filename "$dmdev" usn SN-EH
sc target add te driver scst_local
sc lun add te 0 deh
sc session add te iqn.2024-01.test:eh
host=$(wait_host te iqn.2024-01.test:eh)
disk=$(wait_disk "$host" 0)
sdev=/sys/block/$disk/device

# Known data in block 100, written through the disk.
head -c 4096 /dev/urandom >/tmp/eh.blk
dd if=/tmp/eh.blk of="/dev/$disk" bs=4096 seek=100 oflag=direct conv=notrunc status=none
echo 3 >"$sdev/timeout"
tmo0=$(cat "$sdev/iotmo_cnt")

# stuck_io: a direct read of block 100 that cannot finish while suspended.
stuck_read() {
	dd if="/dev/$disk" of=/tmp/eh.out bs=4096 skip=100 count=1 iflag=direct status=none
}

dmsetup suspend $dm
stuck_read &
ddpid=$!
# Let the command time out (3 s) and the error handler start the abort.
sleep 8
kill -0 $ddpid 2>/dev/null || die "dd finished while the device was suspended"
tmo1=$(cat "$sdev/iotmo_cnt")
[ $((tmo1)) -gt $((tmo0)) ] || die "the command did not time out ($tmo0 -> $tmo1)"
# The error handler is waiting for the command, not giving up on the disk.
[ "$(cat "$sdev/state")" = running ] || die "device state is $(cat "$sdev/state")"
say "command timed out and is being aborted; resuming"

dmsetup resume $dm
wait_until 60 sh -c "! kill -0 $ddpid" || die "dd still blocked 60 s after resume"
wait $ddpid || die "the read failed after the abort and resume"
cmp /tmp/eh.out /tmp/eh.blk || die "the read after abort returned wrong data"
[ "$(cat "$sdev/state")" = running ] || die "device state is $(cat "$sdev/state") after recovery"
dmesg | grep -q "timed out, ABORT TASK" ||
	die "the error handler did not abort through scst_local"
say "aborted command retried and completed"

# The disk keeps working: write and read another block.
head -c 65536 /dev/urandom >/tmp/eh.blk2
dd if=/tmp/eh.blk2 of="/dev/$disk" bs=65536 seek=10 oflag=direct conv=notrunc status=none ||
	die "write after recovery failed"
dd if="/dev/$disk" of=/tmp/eh.out2 bs=65536 skip=10 count=1 iflag=direct status=none ||
	die "read after recovery failed"
cmp /tmp/eh.out2 /tmp/eh.blk2 || die "data after recovery differ"

# A stuck write, aborted the same way.
dmsetup suspend $dm
dd if=/tmp/eh.blk of="/dev/$disk" bs=4096 seek=200 oflag=direct conv=notrunc status=none &
ddpid=$!
sleep 8
kill -0 $ddpid 2>/dev/null || die "the write finished while the device was suspended"
dmsetup resume $dm
wait_until 60 sh -c "! kill -0 $ddpid" || die "the write still blocked after resume"
wait $ddpid || die "the write failed after the abort and resume"
dd if="/dev/$disk" of=/tmp/eh.out3 bs=4096 skip=200 count=1 iflag=direct status=none
cmp /tmp/eh.out3 /tmp/eh.blk || die "the aborted and retried write did not land"
say "aborted write retried and completed"

# Delete the session while a command is stuck: the deletion waits for the
# device, and completes once it is resumed.
dmsetup suspend $dm
stuck_read &
ddpid=$!
sleep 1
"$SCSTCTL" session del te iqn.2024-01.test:eh &
delpid=$!
sleep 6
kill -0 $delpid 2>/dev/null || say "(session del returned while the command was stuck)"
dmsetup resume $dm
wait_until 60 sh -c "! kill -0 $delpid" || die "session del still blocked after resume"
wait $delpid || die "session del failed"
wait_until 60 sh -c "! kill -0 $ddpid" || die "dd still blocked after the session went"
wait $ddpid || true
wait_until 30 local_no_host "$host" || die "host$host is still there"
say "session deleted with a stuck command"

local_finish
dmsetup remove $dm
losetup -d "$loopdev"
