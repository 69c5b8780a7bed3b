#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The initiator's block plug: scst_local runs commands from the initiator's
# plug flush (io_submit of a batch, a jbd2 commit), and the handler submits
# backing I/O in that same task. That I/O must not go into the plug being
# flushed. Batched O_DIRECT I/O (io_submit of 16 at once is plugged), and
# ext4 with fsync-heavy writers, on vdisk_blockio over a loop device and on
# vdisk_fileio with o_direct over a file on ext4 on a loop device (whose
# direct I/O also goes through the submitting task's plug). Every workload
# verifies its data; the harness fails the run on any oops or warning.
# vm-timeout: 900
# vm-smp: 2
set -eu
. "$(dirname "$0")/vdisk-lib.sh"

vdisk_start
modprobe loop || die "cannot load loop"

truncate -s 160M /tmp/pb.img
lb=$(losetup -f --show /tmp/pb.img)
truncate -s 200M /tmp/pext.img
lext=$(losetup -f --show /tmp/pext.img)
mkfs.ext4 -q -F "$lext" || die "mkfs.ext4 on $lext failed"
mkdir -p /tmp/pext
mount "$lext" /tmp/pext || die "mount $lext failed"
truncate -s 160M /tmp/pext/pf.img

sc device add pb handler vdisk_blockio filename "$lb"
sc device add pf handler vdisk_fileio filename /tmp/pext/pf.img o_direct on
db=$(vdisk_lun 0 pb)
df=$(vdisk_lun 1 pf)
say "blockio on $lb is $db; fileio o_direct on ext4 over $lext is $df"

# Batched submissions: io_submit() of more than two iocbs runs under a plug.
# A batch larger than the plug (32 or 64 requests) makes it flush in the
# middle of the batch and then take more requests: what the handler left in
# that plug during the flush corrupts it. Whether the count left behind
# trips the block layer depends on the batch size: try several.
batched() {	# disk batch
	fio --name=batch --filename="/dev/$1" --direct=1 --ioengine=libaio \
		--iodepth=128 --iodepth_batch_submit="$2" --iodepth_batch_complete_min=16 \
		--rw=randrw --bs=4k --size=8M --numjobs=4 --offset_increment=32M \
		--verify=crc32c --do_verify=1 --verify_fatal=1 --verify_state_save=0 \
		--eta=never --output="/tmp/batch-$1.out" ||
		{ cat "/tmp/batch-$1.out" >&2; die "batched fio on $1 failed"; }
	grep -q "err= 0" "/tmp/batch-$1.out" ||
		{ cat "/tmp/batch-$1.out" >&2; die "batched fio on $1 reported errors"; }
}

# ext4 on the disk: jbd2 commits flush their plug into scst_local, and
# writers with frequent fsync keep the journal busy.
journal() {	# disk
	local mnt=/tmp/pmnt-$1
	mkfs.ext4 -q -F "/dev/$1" || die "mkfs.ext4 on $1 failed"
	mkdir -p "$mnt"
	mount "/dev/$1" "$mnt" || die "mount $1 failed"
	fio --name=journal --directory="$mnt" --ioengine=psync --rw=randwrite \
		--bs=4k --size=8M --numjobs=4 --fsync=4 --verify=crc32c \
		--do_verify=1 --verify_fatal=1 --verify_state_save=0 --eta=never \
		--output="/tmp/journal-$1.out" ||
		{ cat "/tmp/journal-$1.out" >&2; die "fsync writers on $1 failed"; }
	grep -q "err= 0" "/tmp/journal-$1.out" ||
		{ cat "/tmp/journal-$1.out" >&2; die "fsync writers on $1 reported errors"; }
	umount "$mnt"
	e2fsck -f -n "/dev/$1" >"/tmp/fsck-$1.out" 2>&1 ||
		{ cat "/tmp/fsck-$1.out" >&2; die "fsck of $1 found errors"; }
}

# The suite's lighter form (SCST_CHECK_LIGHT) tries two batch sizes.
batches="64 48 100"
[ -z "${SCST_CHECK_LIGHT:-}" ] || batches="64 100"
for batch in $batches; do
	batched "$db" $batch & p1=$!
	batched "$df" $batch & p2=$!
	wait $p1 || die "batched I/O on $db failed (batches of $batch)"
	wait $p2 || die "batched I/O on $df failed (batches of $batch)"
done
journal "$db" & p1=$!
journal "$df" & p2=$!
wait $p1 || die "ext4 on $db failed"
wait $p2 || die "ext4 on $df failed"
say "batched O_DIRECT and ext4 with fsync passed on both"

vdisk_unlun 0
vdisk_unlun 1
sc device del pb
sc device del pf
vdisk_finish
umount /tmp/pext
losetup -d "$lb"
losetup -d "$lext"
rm -f /tmp/pb.img /tmp/pext.img
say "plugged submissions passed"
