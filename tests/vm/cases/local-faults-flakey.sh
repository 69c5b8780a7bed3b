#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vdisk_blockio over a device-mapper "flakey" device, under verified I/O
# through scst_local. While the device is down, reads and writes through
# the disk fail (ENODATA and EIO: the block layer's errnos for a medium
# error and a write error), the target answers MEDIUM ERROR (unrecovered
# read error / write error) and the kernel logs that sense for the disk;
# with error_writes only writes fail. While it flaps, fio (crc32c) goes on
# through the errors and never reads a block back wrong, and every write
# ackcheck.py saw acknowledged reads back afterwards; once the device is
# up, fio's verified I/O passes again.
# vm-timeout: 480
# vm-batch: faults
set -eu
. "$(dirname "$0")/faults-lib.sh"

export DM_DISABLE_UDEV=1
fl=scst-flakey
flo=""

local_case_cleanup() {
	dmsetup resume $fl 2>/dev/null || true
}

vdisk_start
modprobe loop || die "cannot load loop"
modprobe dm-mod || die "cannot load dm-mod"
modprobe dm-flakey || die "cannot load dm-flakey"

truncate -s 64M /tmp/flakey.img
flo=$(losetup -f --show /tmp/flakey.img)
sectors=$(blockdev --getsz "$flo")

# flakey UP DOWN [FEATURE...]: switch the device to a new flakey table,
# up for UP seconds then down for DOWN, counted from now. "1 0" is always
# up, "0 1" always down.
flakey() {
	local t="0 $sectors flakey $flo 0 $1 $2"
	shift 2
	[ $# = 0 ] || t="$t $# $*"
	dmsetup load $fl --table "$t" || die "dmsetup load '$t' failed"
	dmsetup resume $fl || die "dmsetup resume $fl failed"
}

dmsetup create $fl --table "0 $sectors flakey $flo 0 1 0" || die "dmsetup create failed"
[ -b /dev/mapper/$fl ] || die "no /dev/mapper/$fl"
sc device add fdev handler vdisk_blockio filename /dev/mapper/$fl
d=$(vdisk_lun 0 fdev)
say "blockio over dm-flakey: $d"

# Bytes 0-16M belong to fio, 16M-32M to ackcheck.
fio_verify "$d" 4k
out=$(ack init "$d" /tmp/fl.st --chunks 256 --offset $((16 << 20))) || die "ackcheck init failed"
say "up: fio verified, pattern written ($out)"

say "down: all I/O fails"
flakey 0 1
dmesg -C
out=$(dd if=/dev/zero of="/dev/$d" bs=64k count=1 seek=4 oflag=direct 2>&1) &&
	die "a write succeeded while the device is down"
echo "$out" | grep -q "Input/output error" || die "the failed write did not say EIO: $out"
out=$(dd if="/dev/$d" of=/dev/null bs=64k count=1 skip=4 iflag=direct 2>&1) &&
	die "a read succeeded while the device is down"
# A MEDIUM ERROR on a read reaches the reader as ENODATA (BLK_STS_MEDIUM).
echo "$out" | grep -q "No data available" || die "the failed read did not say ENODATA: $out"
klog_disk "$d" "Sense Key : Medium Error" ||
	die "no MEDIUM ERROR sense logged for $d: $(dmesg | tail -n 20)"
klog_disk "$d" "Add. Sense: Write error" || die "no WRITE ERROR logged for $d: $(dmesg | tail -n 20)"
klog_disk "$d" "Add. Sense: Unrecovered read error" ||
	die "no UNRECOVERED READ ERROR logged for $d: $(dmesg | tail -n 20)"
expect_sense "Medium Error" "Unrecovered read error" \
	sg_raw -r 4096 "/dev/$d" 28 00 00 00 00 40 00 00 08 00
expect_sense "Medium Error" "Write error" \
	sg_raw -s 4096 -i /dev/zero "/dev/$d" 2a 00 00 00 00 40 00 00 08 00
out=$(ack write "$d" /tmp/fl.st --count 16 --expect-errno EIO) || die "ackcheck write: $out"
[ "$(word acked "$out")" = 0 ] || die "writes were acknowledged while the device is down: $out"
[ "$(word errors "$out")" = EIO:16 ] || die "down: want 16 EIO, got: $out"
if fio --name=down --filename="/dev/$d" --direct=1 --ioengine=libaio --iodepth=8 \
	--rw=randwrite --bs=4k --size=4M --verify=crc32c --eta=never \
	>/tmp/fio-down.log 2>&1; then
	die "fio succeeded while the device is down: $(cat /tmp/fio-down.log)"
fi
grep -q "Input/output error" /tmp/fio-down.log || die "fio did not see EIO: $(cat /tmp/fio-down.log)"

say "down with error_writes: reads work, writes fail"
flakey 0 1 error_writes
out=$(ack verify "$d" /tmp/fl.st) || die "reads while only writes fail: $out"
out=$(ack write "$d" /tmp/fl.st --count 16 --expect-errno EIO) || die "ackcheck write: $out"
[ "$(word acked "$out")" = 0 ] || die "writes were acknowledged with error_writes: $out"
out=$(ack verify "$d" /tmp/fl.st) || die "after failed writes: $out"

flaps=0
for feat in "" error_writes; do
	say "flapping (up 2 s, down 1 s${feat:+, $feat})"
	# shellcheck disable=SC2086
	flakey 2 1 $feat
	# fio writes 2 x 4 MiB, going on past I/O errors (--continue_on_error),
	# and reads back and checks what it logged as written every 16 writes
	# (verify_backlog); a block that reads back wrong stops it
	# (verify_fatal: error 84, EILSEQ). Across errors fio checks part of
	# its blocks, and at times none (after some write errors it skips its
	# verification reads, even with error_writes): ackcheck.py is what
	# checks every acknowledged write.
	fio --name=flap --filename="/dev/$d" --direct=1 --ioengine=psync \
		--numjobs=2 --size=4M --offset_increment=8M --group_reporting \
		--rw=randwrite --bs=4k --verify=crc32c --verify_fatal=1 \
		--verify_backlog=16 --verify_state_save=0 --continue_on_error=io \
		--rate_iops=100 \
		--eta=never --output-format=json --output=/tmp/fio-flap.json \
		2>/tmp/fio-flap.err &
	fpid=$!
	out=$(ack write "$d" /tmp/fl.st --seconds 10 --expect-errno EIO) || die "ackcheck write: $out"
	say "  ackcheck.py: $out"
	[ "$(word acked "$out")" -gt 0 ] || die "no write was acknowledged while flapping"
	[ "$(word failed "$out")" -gt 0 ] || die "no write failed while flapping: no fault injected"
	flaps=$((flaps + $(word failed "$out")))
	# While reads fail too, a read of fio's verification phase may meet
	# the device down: fio then stops that job with the read's error
	# (ENODATA) and exits non-zero; that is the fault injected, not a
	# fault of the target. With error_writes reads always work, and fio
	# must end well.
	frc=0
	wait $fpid || frc=$?
	fj=$(sed -n '/^{/,$p' /tmp/fio-flap.json)
	# With --continue_on_error, "error" is the first error fio went past.
	ferr=$(echo "$fj" | jq '.jobs[0].error')
	fn=$(echo "$fj" | jq '.jobs[0].total_err')
	fw=$(echo "$fj" | jq '.jobs[0].write.io_bytes')
	fv=$(echo "$fj" | jq '.jobs[0].read.io_bytes')
	say "  fio: $fn I/O errors (first: $ferr), $((fw >> 10)) KiB written, $((fv >> 10)) KiB verified"
	grep -Eqi "$FIO_BAD" /tmp/fio-flap.err && die "fio: verification failed: $(cat /tmp/fio-flap.err)"
	case $ferr in 5|61) ;; *) die "fio's first error is $ferr, not EIO or ENODATA: $(cat /tmp/fio-flap.err)" ;; esac
	[ "$fn" -gt 0 ] || die "fio saw no error while flapping"
	[ "$fw" -gt 0 ] || die "fio wrote nothing while flapping"
	if [ $frc != 0 ]; then
		[ -z "$feat" ] && grep -q "No data available: read" /tmp/fio-flap.err ||
			die "fio failed while flapping (exit $frc): $(cat /tmp/fio-flap.err)"
		say "  fio stopped at a read that met the device down (exit $frc)"
	fi
	flakey 1 0
	out=$(ack verify "$d" /tmp/fl.st) || die "acknowledged data after flapping: $out"
	say "  up: $out"
	[ "$(word exact "$out")" -gt 0 ] || die "no chunk holds an acknowledged write"
done

say "up: verified I/O passes again"
fio_verify "$d" 4k
out=$(ack write "$d" /tmp/fl.st --count 32) || die "writes after the flapping: $out"
out=$(ack verify "$d" /tmp/fl.st) || die "after the flapping: $out"
[ "$(cat "/sys/block/$d/device/state")" = running ] || die "$d is $(cat "/sys/block/$d/device/state")"
say "flakey: $flaps writes failed while flapping, all acknowledged data intact"

vdisk_unlun 0
sc device del fdev
dmsetup remove $fl
losetup -d "$flo"
rm -f /tmp/flakey.img

vdisk_finish
