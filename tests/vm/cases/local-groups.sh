#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scst_local: two sessions of one target, with initiator names that fall in
# different groups, see different LUNs; moving LUNs in one group changes
# only that session's disks; a session moved to a group whose LUN has a
# device of another size and block size keeps its disk, which follows;
# deleting the target with both sessions open removes both hosts.
# vm-timeout: 300
# vm-batch: local
set -eu
. "$(dirname "$0")/local-lib.sh"

local_start

sc device add da handler vdisk_nullio size 8M usn SN-A
sc device add db handler vdisk_nullio size 12M usn SN-B
sc device add dc handler vdisk_nullio size 4M usn SN-C
sc target add tg driver scst_local
sc group add tg ga
sc group add tg gb
sc initiator add tg ga 'iqn.2024-01.test:a*'
sc initiator add tg gb 'iqn.2024-01.test:b*'
sc lun add tg group ga 0 da
sc lun add tg group gb 0 db
sc lun add tg group gb 2 dc

sc session add tg iqn.2024-01.test:a1
sc session add tg iqn.2024-01.test:b1
ha=$(wait_host tg iqn.2024-01.test:a1)
hb=$(wait_host tg iqn.2024-01.test:b1)
[ "$ha" != "$hb" ] || die "both sessions on host$ha"

a0=$(wait_disk "$ha" 0)
b0=$(wait_disk "$hb" 0)
b2=$(wait_disk "$hb" 2)
[ "$(inq_serial "$a0")" = SN-A ] || die "session a, LUN 0 is not device da"
[ "$(inq_serial "$b0")" = SN-B ] || die "session b, LUN 0 is not device db"
[ "$(inq_serial "$b2")" = SN-C ] || die "session b, LUN 2 is not device dc"
[ "$(blockdev --getsize64 "/dev/$a0")" = $((8 << 20)) ] || die "$a0 has the wrong size"
[ "$(blockdev --getsize64 "/dev/$b0")" = $((12 << 20)) ] || die "$b0 has the wrong size"
sleep 1
local_no_disk "$ha" 2 || die "session a sees LUN 2 of group gb"
say "a: host$ha LUN 0 = $a0; b: host$hb LUN 0 = $b0, LUN 2 = $b2"

# The two SAS addresses differ (they come from the initiator names).
[ "$(cat /sys/class/scsi_host/host$ha/sas_address)" != \
  "$(cat /sys/class/scsi_host/host$hb/sas_address)" ] || die "same SAS address"

# A LUN added to group ga appears on session a only.
sc lun add tg group ga 5 dc
wait_disk "$ha" 5 >/dev/null
sleep 1
local_no_disk "$hb" 5 || die "session b sees LUN 5 of group ga"

# Deleting LUN 2 of gb removes b's disk and leaves a's alone.
sc lun del tg group gb 2
wait_until 30 local_no_disk "$hb" 2 || die "session b still has LUN 2"
local_has_disk "$ha" 5 || die "session a lost LUN 5"
local_has_disk "$ha" 0 || die "session a lost LUN 0"

# A third session in the default group sees nothing, but has a host.
sc session add tg iqn.2024-01.test:other
hc=$(wait_host tg iqn.2024-01.test:other)
sleep 2
[ -z "$(ls -d /sys/bus/scsi/devices/"$hc":0:0:* 2>/dev/null)" ] ||
	die "the session in the default group sees LUNs"

# Session a moves to a group whose LUN 0 is a device of another size and
# block size, and back: its disk stays, and learns both each time (the
# core sends INQUIRY DATA and CAPACITY DATA HAS CHANGED, and sd reads
# them again), so that reads keep working.
blocks_are() {	# DISK BYTES: the disk's logical block size is BYTES
	[ "$(cat "/sys/block/$1/queue/logical_block_size")" = "$2" ]
}
read_works() {	# DISK: a direct read of its first 16 KiB succeeds
	timeout 20 dd if="/dev/$1" of=/dev/null bs=4096 count=4 iflag=direct \
		2>/dev/null
}
learned() {	# DISK BYTES: after a read, the disk has BYTES-byte blocks
	read_works "$1" || true
	blocks_are "$1" "$2"
}
sc device add dk handler vdisk_nullio size 16M blocksize 4096 usn SN-K
sc group add tg gk
sc lun add tg group gk 0 dk
blocks_are "$a0" 512 || die "$a0 does not have 512-byte blocks"
sc initiator move tg ga 'iqn.2024-01.test:a*' gk
wait_until 30 learned "$a0" 4096 || die "$a0 did not learn the 4096-byte blocks of dk"
[ "$(blockdev --getsize64 "/dev/$a0")" = $((16 << 20)) ] || die "$a0 does not have dk's size"
[ "$(inq_serial "$a0")" = SN-K ] || die "session a, LUN 0 is not device dk"
read_works "$a0" || die "reading $a0 after the move to gk failed"
sc initiator move tg gk 'iqn.2024-01.test:a*' ga
wait_until 30 learned "$a0" 512 || die "$a0 did not learn the 512-byte blocks of da"
[ "$(blockdev --getsize64 "/dev/$a0")" = $((8 << 20)) ] || die "$a0 does not have da's size"
read_works "$a0" || die "reading $a0 after the move back failed"
say "session a moved to 4096-byte blocks and back: $a0 followed"

# Deleting the target closes all three sessions.
sc target del tg
for h in $ha $hb $hc; do
	wait_until 30 local_no_host "$h" || die "host$h is still there after target del"
done
say "target deleted, hosts gone"

local_finish
