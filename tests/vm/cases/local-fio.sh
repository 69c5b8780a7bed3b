#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scst_local under load: fio random writes and reads, verified with crc32c,
# through disks backed by vdisk_fileio (a file on tmpfs) and vdisk_blockio
# (a loop device), at queue depth 32 over two jobs; then sessions and a
# target deleted while fio is running, which must end fio's I/O with
# errors, not hang, and leave nothing behind.
# vm-timeout: 600
# vm-smp: 2
set -eu
. "$(dirname "$0")/local-lib.sh"

loopdev=""
cleanup_loop() {
	[ -z "$loopdev" ] || losetup -d "$loopdev" 2>/dev/null || true
}

local_start

modprobe loop
truncate -s 64M /tmp/fileio.img
truncate -s 64M /tmp/blockio.img
loopdev=$(losetup -f --show /tmp/blockio.img)

sc device add df handler vdisk_fileio filename /tmp/fileio.img usn SN-F
sc device add dbk handler vdisk_blockio filename "$loopdev" usn SN-BK
sc device add dn handler vdisk_nullio size 1G usn SN-N
sc target add tf driver scst_local
sc lun add tf 0 df
sc lun add tf 1 dbk
sc lun add tf 2 dn
sc session add tf iqn.2024-01.test:fio
host=$(wait_host tf iqn.2024-01.test:fio)
dfile=$(wait_disk "$host" 0)
dblk=$(wait_disk "$host" 1)
dnull=$(wait_disk "$host" 2)
for d in $dfile $dblk $dnull; do
	echo none >"/sys/block/$d/queue/scheduler" 2>/dev/null || true
done

# fio_verify DISK: random writes then, in a second run, random reads of the
# same blocks, both checking crc32c headers.
fio_verify() {
	local d=$1 common
	common="--filename=/dev/$d --direct=1 --ioengine=libaio --iodepth=32
		--bs=4k --size=12M --numjobs=2 --offset_increment=24M
		--verify=crc32c --verify_fatal=1 --randrepeat=1 --group_reporting"
	# shellcheck disable=SC2086
	fio --name=w-$d --rw=randwrite $common >/tmp/fio-w-$d.log 2>&1 ||
		{ cat /tmp/fio-w-$d.log; die "fio randwrite with verify failed on $d"; }
	# shellcheck disable=SC2086
	fio --name=w-$d --rw=randwrite --verify_only $common >/tmp/fio-r-$d.log 2>&1 ||
		{ cat /tmp/fio-r-$d.log; die "fio verify-only read failed on $d"; }
	grep -q "err= 0" /tmp/fio-r-$d.log || { cat /tmp/fio-r-$d.log; die "fio reported errors on $d"; }
	say "fio write+verify ok on $d"
}

fio_verify "$dfile"
fio_verify "$dblk"

# Verification must be able to fail: bytes changed behind the disk's back
# are caught.
dd if=/dev/urandom of=/tmp/fileio.img bs=4k count=2048 conv=notrunc status=none
echo 3 >/proc/sys/vm/drop_caches
if fio --name=w-$dfile --rw=randwrite --verify_only --filename=/dev/$dfile \
	--direct=1 --ioengine=libaio --iodepth=32 --bs=4k --size=12M \
	--numjobs=2 --offset_increment=24M --verify=crc32c --verify_fatal=1 \
	--randrepeat=1 --group_reporting >/tmp/fio-bad.log 2>&1; then
	die "fio verification did not notice overwritten data"
fi
say "fio notices corrupted data"

# Plain random reads at depth 32 on nullio.
fio --name=rr --filename=/dev/$dnull --direct=1 --ioengine=libaio \
	--iodepth=32 --rw=randread --bs=4k --runtime=5 --time_based \
	--numjobs=2 --group_reporting >/tmp/fio-rr.log 2>&1 ||
	{ cat /tmp/fio-rr.log; die "fio randread failed on $dnull"; }
say "nullio randread: $(grep -o 'IOPS=[^,]*' /tmp/fio-rr.log | head -n 1)"

# The module is pinned while a target exists.
if modprobe -r scst_local 2>/dev/null; then
	die "scst_local was unloaded with a target configured"
fi

# Delete the session under load: fio ends (with I/O errors), nothing hangs.
fio --name=load --filename=/dev/$dnull --direct=1 --ioengine=libaio \
	--iodepth=32 --rw=randrw --bs=4k --runtime=60 --time_based \
	--numjobs=2 >/tmp/fio-load.log 2>&1 &
fpid=$!
sleep 3
kill -0 $fpid 2>/dev/null || die "fio stopped early"
sc session del tf iqn.2024-01.test:fio
wait_until 30 local_no_host "$host" || die "host$host is still there"
wait_until 30 sh -c "! kill -0 $fpid" || die "fio still runs after the session went"
wait $fpid && die "fio succeeded on a disk that went away" || true
say "session deleted under load"

# Delete the target under load, with two sessions.
sc session add tf iqn.2024-01.test:fio1
sc session add tf iqn.2024-01.test:fio2
h1=$(wait_host tf iqn.2024-01.test:fio1)
h2=$(wait_host tf iqn.2024-01.test:fio2)
n1=$(wait_disk "$h1" 2)
n2=$(wait_disk "$h2" 2)
pids=""
for d in $n1 $n2; do
	fio --name=load --filename=/dev/$d --direct=1 --ioengine=libaio \
		--iodepth=32 --rw=randread --bs=4k --runtime=60 --time_based \
		>/tmp/fio-load-$d.log 2>&1 &
	pids="$pids $!"
done
sleep 3
sc target del tf
for h in $h1 $h2; do
	wait_until 30 local_no_host "$h" || die "host$h is still there"
done
for p in $pids; do
	wait_until 30 sh -c "! kill -0 $p" || die "fio still runs after the target went"
done
say "target deleted under load"

local_finish
cleanup_loop
