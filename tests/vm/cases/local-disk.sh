#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scst_local: a session of a target is a SCSI host, and its LUN a disk with
# the size, vendor and serial number of the device; LUNs added and deleted
# later appear and disappear without a rescan; a replaced LUN keeps its
# disk; deleting the session removes the host.
# vm-timeout: 300
# vm-smp: 2
set -eu
. "$(dirname "$0")/local-lib.sh"

local_start

sc device add d0 handler vdisk_nullio size 64M blocksize 512 \
	vendor LOCALTST product DISK0 usn SN-D0
sc device add d1 handler vdisk_nullio size 32M blocksize 4096 usn SN-D1
sc device add d2 handler vdisk_nullio size 16M usn SN-D2
sc target add tl driver scst_local
sc lun add tl 0 d0
sc session add tl iqn.2024-01.test:host1

host=$(wait_host tl iqn.2024-01.test:host1)
disk=$(wait_disk "$host" 0)
say "session is host$host, LUN 0 is $disk"

size=$(blockdev --getsize64 "/dev/$disk")
[ "$size" = $((64 * 1024 * 1024)) ] || die "LUN 0 has $size bytes, not 64 MiB"
[ "$(blockdev --getss "/dev/$disk")" = 512 ] || die "LUN 0 block size is not 512"
v=$(inq_vendor "$disk")
[ "$v" = LOCALTST ] || die "vendor is '$v', not LOCALTST"
p=$(inq_product "$disk")
[ "$p" = DISK0 ] || die "product is '$p', not DISK0"
s=$(inq_serial "$disk")
[ "$s" = SN-D0 ] || die "serial is '$s', not SN-D0"

# The host as the block layer sees it: deep queues, several hardware queues
# when there are several CPUs.
qd=$(cat "/sys/block/$disk/device/queue_depth")
[ "$qd" -ge 64 ] || die "queue depth $qd < 64"
nq=$(ls -d "/sys/block/$disk/mq/"* | wc -l)
ncpu=$(nproc)
if [ "$ncpu" -gt 1 ] && [ "$nq" -lt 2 ]; then
	die "$nq hardware queue(s) with $ncpu CPUs"
fi
say "queue depth $qd, $nq hardware queues"

# Identity of the nexus: a SAS address derived from the initiator name.
sas=$(cat "/sys/class/scsi_host/host$host/sas_address")
[[ $sas =~ ^0x3[0-9a-f]{15}$ ]] || die "bad SAS address '$sas'"
[ "$(cat "/sys/class/scsi_host/host$host/proc_name")" = scst_local ] ||
	die "host$host is not an scst_local host"
# The same address in the session's TransportID (SPC-4: SAS, protocol 6h,
# address at bytes 4-11, 24 bytes), as persistent reservations name it.
tid=$("$SCSTCTL" -j session show tl | jq -r --argjson h "$host" \
	'.[] | select(.scsi_host == $h) | .transport_id')
[ "$tid" = "06000000${sas#0x}000000000000000000000000" ] ||
	die "TransportID '$tid' is not SAS address $sas"

# The core lists the session with its SCSI host number.
"$SCSTCTL" -j session show tl | jq -e --argjson h "$host" \
	'[.. | objects | select(has("scsi_host")) | .scsi_host] | index($h) != null' \
	>/dev/null || die "scstctl session show does not report host $host"

# I/O through the disk.
dd if=/dev/zero of="/dev/$disk" bs=64k count=16 oflag=direct status=none ||
	die "write to $disk failed"
dd if="/dev/$disk" of=/dev/null bs=64k count=16 iflag=direct status=none ||
	die "read from $disk failed"

# A second LUN appears without a manual rescan, and the first stays.
sc lun add tl 1 d1
disk1=$(wait_disk "$host" 1)
[ "$(blockdev --getsize64 "/dev/$disk1")" = $((32 * 1024 * 1024)) ] ||
	die "LUN 1 has the wrong size"
[ "$(blockdev --getss "/dev/$disk1")" = 4096 ] || die "LUN 1 block size is not 4096"
[ "$(inq_serial "$disk1")" = SN-D1 ] || die "LUN 1 has the wrong serial"
[ "$(local_disk "$host" 0)" = "$disk" ] || die "LUN 0 changed its disk"
say "LUN 1 appeared as $disk1"

# A LUN above 255 (flat space addressing) works as well.
sc lun add tl 300 d2
disk300=$(wait_disk "$host" 300)
[ "$(inq_serial "$disk300")" = SN-D2 ] || die "LUN 300 has the wrong serial"
sc lun del tl 300
wait_until 30 local_no_disk "$host" 300 || die "LUN 300 is still there"

# Deleting a LUN removes its disk.
sc lun del tl 1
wait_until 30 local_no_disk "$host" 1 || die "LUN 1 is still there after lun del"
[ ! -e "/sys/block/$disk1" ] || die "$disk1 is still there"
say "LUN 1 is gone"

# Replacing a LUN keeps the disk; the new device answers on it.
sc lun replace tl 0 d2
sleep 2
[ "$(local_disk "$host" 0)" = "$disk" ] || die "LUN 0 lost its disk on replace"
# The first command after the replace may see the unit attention.
sg_turs "/dev/$disk" >/dev/null 2>&1 || true
s=$(inq_serial "$disk")
[ "$s" = SN-D2 ] || die "after replace, LUN 0 serial is '$s', not SN-D2"
say "LUN 0 replaced, still $disk"

# Deleting the session removes its host and disks.
sc session del tl iqn.2024-01.test:host1
wait_until 30 local_no_host "$host" || die "host$host is still there"
[ ! -e "/sys/block/$disk" ] || die "$disk is still there"
say "session deleted, host$host gone"

local_finish
