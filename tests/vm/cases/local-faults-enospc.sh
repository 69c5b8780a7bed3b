#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vdisk_fileio on a sparse file in a small file system, under verified I/O
# through scst_local: a tmpfs (buffered I/O) and an ext4 on a loop device
# (o_direct). Once the file system is full, writes that need space fail
# with DATA PROTECT, SPACE ALLOCATION FAILED WRITE PROTECT (27/07), which
# Linux turns into ENOSPC, never success; writes over blocks that have
# space still work; after space is freed (a file removed, or blocks
# discarded through the disk), writes work, and the data written before
# reads back.
# vm-timeout: 480
# vm-batch: faults
set -eu
. "$(dirname "$0")/faults-lib.sh"

elo=""

# On failure: the files must be closed before their file systems go.
local_case_cleanup() {
	"$SCSTCTL" config clear >/dev/null 2>&1
	umount /tmp/small-tmpfs /tmp/small-ext4 2>/dev/null || true
	[ -z "$elo" ] || losetup -d "$elo" 2>/dev/null || true
}

vdisk_start
modprobe loop || die "cannot load loop"

# enospc DIR LUN [ATTR VALUE]...: DIR is a small, empty file system; a
# 64 MiB sparse file in it is exported at LUN.
enospc() {
	local dir=$1 lun=$2 dev=full$2 disk out
	shift 2
	truncate -s 64M "$dir/disk.img"
	sc device add "$dev" handler vdisk_fileio filename "$dir/disk.img" "$@"
	disk=$(vdisk_lun "$lun" "$dev")
	[ "$(dev_attr "$dev" thin_provisioned)" = true ] || die "$dev is not thin"

	# 8 MiB of pattern at the start, 8 MiB of fio at 16M: both allocated.
	out=$(ack init "$disk" "$dir.st" --chunks 128) || die "ackcheck init on $disk failed"
	fio_verify "$disk" 4k --offset=16M --size=8M
	dd if=/dev/zero of="$dir/filler" bs=1M 2>/dev/null &&
		die "$dir did not fill up"
	sync
	say "$dir full: $(df -k "$dir" | tail -n 1 | awk '{ print $4 }') KiB free"

	dmesg -C
	out=$(dd if=/dev/urandom of="/dev/$disk" bs=64k count=1 seek=512 oflag=direct 2>&1) &&
		die "a write that needs space succeeded on a full file system"
	echo "$out" | grep -q "No space left on device" ||
		die "the write that needs space did not fail with ENOSPC: $out"
	klog_disk "$disk" "Sense Key : Data Protect" ||
		die "no DATA PROTECT sense logged for $disk: $(dmesg | tail -n 20)"
	klog_disk "$disk" "Space allocation failed write protect" ||
		die "no SPACE ALLOCATION FAILED WRITE PROTECT logged for $disk: $(dmesg | tail -n 20)"
	# WRITE(10) of 8 blocks at LBA 0x10000 (32 MiB).
	expect_sense "Data Protect" "Space allocation failed write protect" \
		sg_raw -s 4096 -i /dev/zero "/dev/$disk" 2a 00 00 01 00 00 00 00 08 00
	if fio --name=full --filename="/dev/$disk" --direct=1 --ioengine=libaio \
		--iodepth=8 --rw=randwrite --bs=16k --offset=32M --size=8M \
		--verify=crc32c --eta=never >/tmp/fio-full.log 2>&1; then
		die "fio succeeded on a full file system: $(cat /tmp/fio-full.log)"
	fi
	grep -q "No space left on device" /tmp/fio-full.log ||
		die "fio did not see ENOSPC: $(cat /tmp/fio-full.log)"
	# Blocks that have their space take writes still, and reads of holes
	# read zeros.
	out=$(ack write "$disk" "$dir.st" --count 64) || die "overwrite on a full file system: $out"
	out=$(ack verify "$disk" "$dir.st") || die "data on a full file system: $out"
	cmp -s <(dd if="/dev/$disk" bs=64k skip=800 count=16 iflag=direct status=none) \
		<(head -c 1M /dev/zero) || die "a hole does not read zeros"

	say "$dir: space freed by removing a file"
	rm "$dir/filler"
	sync
	dd if=/dev/urandom of="/dev/$disk" bs=64k count=1 seek=512 oflag=direct status=none ||
		die "a write failed after space was freed"
	fio_verify "$disk" 4k --offset=32M --size=8M

	say "$dir: space freed by a discard through the disk"
	dd if=/dev/zero of="$dir/filler" bs=1M 2>/dev/null && die "$dir did not fill up again"
	sync
	dd if=/dev/zero of="/dev/$disk" bs=64k count=1 seek=768 oflag=direct status=none 2>/dev/null &&
		die "a write that needs space succeeded on a full file system (again)"
	blkdiscard -o $((32 << 20)) -l $((8 << 20)) "/dev/$disk" || die "discard failed"
	sync
	fio_verify "$disk" 4k --offset=48M --size=4M
	out=$(ack verify "$disk" "$dir.st") || die "data after space was freed: $out"
	say "$dir: $out"

	vdisk_unlun "$lun"
	sc device del "$dev"
	rm -f "$dir/filler" "$dir/disk.img"
}

mkdir -p /tmp/small-tmpfs
mount -t tmpfs -o size=28m scst-small /tmp/small-tmpfs || die "cannot mount a small tmpfs"
enospc /tmp/small-tmpfs 1
umount /tmp/small-tmpfs

truncate -s 40M /tmp/small-ext4.img
elo=$(losetup -f --show /tmp/small-ext4.img)
mkfs.ext4 -q -m 0 -O ^has_journal "$elo" || die "mkfs.ext4 failed"
mkdir -p /tmp/small-ext4
mount "$elo" /tmp/small-ext4 || die "cannot mount the small ext4"
enospc /tmp/small-ext4 2 o_direct on
umount /tmp/small-ext4
losetup -d "$elo"
rm -f /tmp/small-ext4.img

vdisk_finish
