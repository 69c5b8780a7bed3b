#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# COMPARE AND WRITE is atomic: four initiator processes increment a counter
# kept in one block with COMPARE AND WRITE (read it, then compare-and-write
# old -> old + 1, retry on miscompare) while fio writes the neighbouring
# blocks of the same region. The device is blockio on a dm-delay target
# that holds every read and write for 30 ms, so a COMPARE AND WRITE that
# let another write in between its read and its write would lose
# increments: the counter must end at exactly 4 x 8 (4 x 4 in the
# suite's lighter form).
# vm-timeout: 600
# vm-smp: 2
set -eu
. "$(dirname "$0")/vdisk-lib.sh"

export DM_DISABLE_UDEV=1
vdisk_start
modprobe loop
modprobe dm-delay || die "cannot load dm-delay"

truncate -s 16M /tmp/caw.img
lo=$(losetup -f --show /tmp/caw.img)
echo "0 32768 delay $lo 0 30" | dmsetup create vdcaw || die "dmsetup create failed"
sc device add caw handler vdisk_blockio filename /dev/mapper/vdcaw
d=$(vdisk_lun 0 caw)

blk() { printf '%-511s\n' "$1"; }	# the counter as one 512-byte block
counter() {
	dd if="/dev/$d" bs=512 skip=100 count=1 iflag=direct status=none | tr -d ' \n'
}
blk 0 >/tmp/c0
dd if=/tmp/c0 of="/dev/$d" bs=512 seek=100 count=1 oflag=direct status=none

# Increments per worker; the suite's lighter form (SCST_CHECK_LIGHT) does 4.
per=8
[ -z "${SCST_CHECK_LIGHT:-}" ] || per=4

worker() {
	local done=0 tries=0 cur rc
	while [ $done -lt $per ]; do
		tries=$((tries + 1))
		[ $tries -lt 2000 ] || { echo "worker $1: too many retries" >&2; return 1; }
		cur=$(counter)
		{ blk "$cur"; blk $((cur + 1)); } >"/tmp/caw.$1"
		rc=0
		sg_compare_and_write --in="/tmp/caw.$1" --lba=100 --num=1 \
			--xferlen=1024 "/dev/$d" >/dev/null 2>&1 || rc=$?
		case $rc in
		0) done=$((done + 1)) ;;
		14) ;;		# miscompare: somebody else was first
		*) echo "worker $1: sg_compare_and_write exit $rc" >&2; return 1 ;;
		esac
	done
	echo "worker $1: $tries attempts"
}

# Writes to blocks 0-99 and 101-2047 (the same 1 MiB region) meanwhile.
fio --name=noise --filename="/dev/$d" --direct=1 --ioengine=libaio \
	--iodepth=4 --rw=randwrite --bs=512 --size=50k --time_based \
	--runtime=600 --eta=never --output=/tmp/noise1.out &
noise1=$!
fio --name=noise --filename="/dev/$d" --direct=1 --ioengine=libaio \
	--iodepth=4 --rw=randwrite --bs=512 --offset=51712 --size=996k \
	--time_based --runtime=600 --eta=never --output=/tmp/noise2.out &
noise2=$!

pids=""
for w in 1 2 3 4; do
	worker $w &
	pids="$pids $!"
done
failed=0
for p in $pids; do
	wait "$p" || failed=1
done
kill "$noise1" "$noise2" 2>/dev/null || true
wait "$noise1" "$noise2" 2>/dev/null || true
[ $failed = 0 ] || die "a worker failed"

n=$(counter)
say "counter is $n"
[ "$n" = $((4 * per)) ] || die "the counter is $n, not $((4 * per)): an increment was lost"

vdisk_finish
dmsetup remove vdcaw
losetup -d "$lo"
rm -f /tmp/caw.img
