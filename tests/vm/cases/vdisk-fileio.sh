#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vdisk_fileio through scst_local, on files in tmpfs and (o_direct) on
# ext4: data integrity at both block sizes (fio with crc32c, a file system
# with a copy and fsck), data landing where the LBA says, UNMAP and WRITE
# SAME with UNMAP punching holes in the file, GET LBA STATUS, COMPARE AND
# WRITE and VERIFY with their miscompare offsets, transfer lengths shorter
# than the CDB, resizing, and a backing file that shrinks under the device.
# vm-timeout: 900
set -eu
. "$(dirname "$0")/vdisk-lib.sh"

vdisk_start

truncate -s 64M /tmp/f512.img
truncate -s 64M /tmp/f4k.img
sc device add f512 handler vdisk_fileio filename /tmp/f512.img
sc device add f4k handler vdisk_fileio filename /tmp/f4k.img blocksize 4096
d=$(vdisk_lun 0 f512)
d4=$(vdisk_lun 1 f4k)
say "f512 is $d, f4k is $d4"

[ "$(inq_vendor "$d")" = SCST_FIO ] || die "fileio vendor is '$(inq_vendor "$d")'"
[ "$(dev_attr f512 thin_provisioned)" = true ] ||
	die "a tmpfs file is not thin provisioned by default"
sg_readcap --long "/dev/$d" | grep -q "lbpme=1, lbprz=1" || die "lbpme/lbprz of a thin file"
sg_readcap --long "/dev/$d4" | grep -q "Logical block length=4096" || die "f4k block size"

# ---- data integrity --------------------------------------------------------
fio_verify "$d" 512
fio_verify "$d4" 4k
fs_check "$d"
fs_check "$d4"
say "fio and ext4 passed at 512 and 4096"

# What the initiator writes at an LBA is in the file at LBA * block size.
dd if=/dev/urandom of=/tmp/rnd bs=4k count=1 status=none
dd if=/tmp/rnd of="/dev/$d" bs=512 seek=1000 count=8 oflag=direct status=none
cmp -s <(dd if=/tmp/f512.img bs=512 skip=1000 count=8 status=none) /tmp/rnd ||
	die "data written at LBA 1000 is not at offset 512000 of the file"
dd if=/tmp/rnd of="/dev/$d4" bs=4k seek=77 count=1 oflag=direct status=none
cmp -s <(dd if=/tmp/f4k.img bs=4k skip=77 count=1 status=none) /tmp/rnd ||
	die "data written at 4k LBA 77 is not at offset 77*4096 of the file"

# ---- UNMAP, WRITE SAME, GET LBA STATUS ----------------------------------
dd if=/dev/urandom of="/dev/$d" bs=1M count=16 oflag=direct status=none
before=$(stat -c %b /tmp/f512.img)
sg_unmap --force --lba=0 --num=16384 "/dev/$d" || die "UNMAP failed"
after=$(stat -c %b /tmp/f512.img)
say "UNMAP of 8 MiB: $before -> $after allocated 512-byte blocks"
[ $((before - after)) -ge 16384 ] || die "UNMAP did not free 8 MiB in the file"
cmp -s <(dd if="/dev/$d" bs=1M count=8 iflag=direct status=none) <(head -c 8M /dev/zero) ||
	die "unmapped blocks do not read as zeros"

# GET LBA STATUS from LBA 0: deallocated up to 16384, then mapped.
sg_raw -r 56 -o /tmp/lbas "/dev/$d" 9e 12 00 00 00 00 00 00 00 00 00 00 00 38 00 00 \
	>/dev/null 2>&1 || die "GET LBA STATUS failed"
set -- $(bytes </tmp/lbas | tr '\n' ' ')
shift 8
lba=$(( $1 << 56 | $2 << 48 | $3 << 40 | $4 << 32 | $5 << 24 | $6 << 16 | $7 << 8 | $8 ))
cnt=$(( $9 << 24 | ${10} << 16 | ${11} << 8 | ${12} ))
[ "$lba" = 0 ] && [ "$cnt" = 16384 ] && [ "${13}" = 1 ] ||
	die "first LBA status descriptor: lba $lba count $cnt status ${13}"
[ "${29}" = 0 ] || die "the second descriptor (after the hole) is not mapped"
sg_get_lba_status --lba=0 "/dev/$d" >/dev/null || die "sg_get_lba_status failed"

# WRITE SAME(16) with UNMAP and zeros punches holes as well.
before=$(stat -c %b /tmp/f512.img)
sg_write_same --16 --unmap --lba=16384 --num=8192 "/dev/$d" || die "WRITE SAME UNMAP failed"
after=$(stat -c %b /tmp/f512.img)
[ $((before - after)) -ge 8192 ] || die "WRITE SAME UNMAP did not free space ($before -> $after)"
# Linux's own discard path (UNMAP from blkdev_issue_discard).
dd if=/dev/urandom of="/dev/$d4" bs=1M count=8 oflag=direct status=none
before=$(stat -c %b /tmp/f4k.img)
blkdiscard -o 0 -l 8M "/dev/$d4" || die "blkdiscard failed"
after=$(stat -c %b /tmp/f4k.img)
[ $((before - after)) -ge 16384 ] || die "blkdiscard did not free space ($before -> $after)"

# WRITE SAME without UNMAP writes the block everywhere.
dd if=/dev/urandom of=/tmp/blk bs=512 count=1 status=none
sg_write_same --in=/tmp/blk --lba=40000 --num=100 "/dev/$d" || die "WRITE SAME failed"
for i in 0 50 99; do
	cmp -s <(dd if=/tmp/f512.img bs=512 skip=$((40000 + i)) count=1 status=none) /tmp/blk ||
		die "WRITE SAME: block $((40000 + i)) differs"
done
cmp -s <(dd if=/tmp/f512.img bs=512 skip=40100 count=1 status=none) /tmp/blk &&
	die "WRITE SAME wrote past its range"

# ---- COMPARE AND WRITE -----------------------------------------------------
dd if=/dev/urandom of=/tmp/A bs=512 count=1 status=none
cp /tmp/A /tmp/B
printf '\x5a' | dd of=/tmp/B bs=1 seek=37 conv=notrunc status=none
cmp -s /tmp/A /tmp/B && die "A and B must differ"
dd if=/tmp/A of="/dev/$d" bs=512 seek=500 count=1 oflag=direct status=none
cat /tmp/A /tmp/B >/tmp/AB
sg_compare_and_write --in=/tmp/AB --lba=500 --num=1 --xferlen=1024 "/dev/$d" ||
	die "COMPARE AND WRITE with matching data failed"
cmp -s <(dd if=/tmp/f512.img bs=512 skip=500 count=1 status=none) /tmp/B ||
	die "COMPARE AND WRITE did not write"
# The medium now holds B: comparing against A miscompares at byte 37, and
# nothing is written.
dd if=/dev/urandom of=/tmp/C bs=512 count=1 status=none
cat /tmp/A /tmp/C >/tmp/AC
set +e
sg_compare_and_write --in=/tmp/AC --lba=500 --num=1 --xferlen=1024 "/dev/$d" >/dev/null 2>&1
rc=$?
set -e
[ $rc = 14 ] || die "sg_compare_and_write exit $rc on miscompare, not 14"
expect_sense "Miscompare" "Miscompare during verify" \
	sg_raw -s 1024 -i /tmp/AC "/dev/$d" 89 00 00 00 00 00 00 00 01 f4 00 00 00 01 00 00
echo "$LAST_SENSE" | grep -qiE "info.*(0x25|37)" || die "miscompare offset is not 37: $LAST_SENSE"
cmp -s <(dd if=/tmp/f512.img bs=512 skip=500 count=1 status=none) /tmp/B ||
	die "a miscompared COMPARE AND WRITE changed the block"
# Without the whole Data-Out buffer nothing is compared or written.
expect_sense "Illegal Request" "Invalid field in command information unit" \
	sg_raw -s 512 -i /tmp/AC "/dev/$d" 89 00 00 00 00 00 00 00 01 f4 00 00 00 01 00 00
cmp -s <(dd if=/tmp/f512.img bs=512 skip=500 count=1 status=none) /tmp/B ||
	die "a short COMPARE AND WRITE changed the block"

# ---- VERIFY, WRITE AND VERIFY -------------------------------------------
sg_verify --lba=500 --count=1 "/dev/$d" || die "VERIFY (BYTCHK=0) failed"
sg_verify --ebytchk=1 --in=/tmp/B --ndo=512 --lba=500 --count=1 "/dev/$d" ||
	die "VERIFY with matching data failed"
set +e
sg_verify --ebytchk=1 --in=/tmp/A --ndo=512 --lba=500 --count=1 "/dev/$d" >/dev/null 2>&1
rc=$?
set -e
[ $rc = 14 ] || die "sg_verify exit $rc on miscompare, not 14"
expect_sense "Miscompare" "Miscompare during verify" \
	sg_raw -s 512 -i /tmp/A "/dev/$d" 2f 02 00 00 01 f4 00 00 01 00
echo "$LAST_SENSE" | grep -qiE "info.*(0x25|37)" || die "VERIFY miscompare offset: $LAST_SENSE"
expect_sense "Illegal Request" "Invalid field in cdb" \
	sg_raw -s 512 -i /tmp/A "/dev/$d" 2f 22 00 00 01 f4 00 00 01 00
# BYTCHK=11b: one block compared with each of the range.
sg_write_same --in=/tmp/blk --lba=600 --num=4 "/dev/$d"
sg_raw -s 512 -i /tmp/blk "/dev/$d" 2f 06 00 00 02 58 00 00 04 00 2>&1 |
	grep -q "Sense" && die "VERIFY BYTCHK=11b of identical blocks failed"
sg_write_verify --lba=610 --num=1 --in=/tmp/A --bytchk=1 "/dev/$d" ||
	die "WRITE AND VERIFY failed"
cmp -s <(dd if=/tmp/f512.img bs=512 skip=610 count=1 status=none) /tmp/A ||
	die "WRITE AND VERIFY did not write"

# ---- transfer lengths ---------------------------------------------------
# WRITE(10) of 4 blocks at 700 with only 1024 bytes sent: 2 blocks are
# written, the others keep their data. With 700 bytes, only one block.
sg_write_same --in=/tmp/blk --lba=700 --num=4 "/dev/$d"
sg_raw -s 1024 -i /tmp/AB "/dev/$d" 2a 00 00 00 02 bc 00 00 04 00 >/dev/null 2>&1 || true
cmp -s <(dd if=/tmp/f512.img bs=512 skip=700 count=2 status=none) /tmp/AB ||
	die "the blocks that were sent were not written"
for i in 702 703; do
	cmp -s <(dd if=/tmp/f512.img bs=512 skip=$i count=1 status=none) /tmp/blk ||
		die "block $i was written though its data never came"
done
sg_write_same --in=/tmp/blk --lba=700 --num=4 "/dev/$d"
sg_raw -s 700 -i /tmp/AB "/dev/$d" 2a 00 00 00 02 bc 00 00 04 00 >/dev/null 2>&1 || true
cmp -s <(dd if=/tmp/f512.img bs=512 skip=700 count=1 status=none) /tmp/A ||
	die "the one whole block sent was not written"
cmp -s <(dd if=/tmp/f512.img bs=512 skip=701 count=1 status=none) /tmp/blk ||
	die "a partial block was written"
# A read that the expected length cuts inside a block returns what fits.
dd if=/tmp/A of="/dev/$d" bs=512 seek=700 count=1 oflag=direct status=none
dd if=/tmp/B of="/dev/$d" bs=512 seek=701 count=1 oflag=direct status=none
rm -f /tmp/part
sg_raw -r 700 -o /tmp/part "/dev/$d" 28 00 00 00 02 bc 00 00 02 00 >/dev/null 2>&1 || true
[ "$(stat -c %s /tmp/part)" = 700 ] || die "a 700-byte read returned $(stat -c %s /tmp/part) bytes"
cmp -s /tmp/part <(head -c 700 /tmp/AB) || die "a 700-byte read returned wrong data"

# ---- SYNCHRONIZE CACHE ------------------------------------------------------
sg_sync "/dev/$d" || die "SYNCHRONIZE CACHE(10) failed"
sg_sync --16 --lba=100 --count=100 "/dev/$d" || die "SYNCHRONIZE CACHE(16) failed"
expect_sense "Illegal Request" "Logical block address out of range" \
	sg_raw "/dev/$d" 91 00 00 00 00 00 00 02 00 00 00 00 00 01 00 00

# ---- resize and a shrinking file ------------------------------------------
sc device set f512 size 96M
[ "$(stat -c %s /tmp/f512.img)" = $((96 << 20)) ] || die "the file was not extended to 96M"
expect_sense "Unit Attention" "Capacity data has changed" sg_raw "/dev/$d" 00 00 00 00 00 00
sg_readcap "/dev/$d" | grep -q "Number of logical blocks=196608" || die "capacity after size 96M"
truncate -s 128M /tmp/f512.img
sc device set f512 size 0
sg_raw "/dev/$d" 00 00 00 00 00 00 >/dev/null 2>&1 || true
sg_readcap "/dev/$d" | grep -q "Number of logical blocks=262144" || die "size 0 did not re-read 128M"
out=$("$SCSTCTL" device set f512 size 32M 2>&1) && die "shrinking was accepted"
echo "$out" | grep -q "size" || die "the error does not name size: $out"
# The file shrinks behind the device's back: reads past its end fail.
truncate -s 16M /tmp/f512.img
expect_sense "Medium Error" "Unrecovered read error" \
	sg_raw -r 512 "/dev/$d" 28 00 00 01 00 00 00 00 01 00
truncate -s 128M /tmp/f512.img

# ---- o_direct ---------------------------------------------------------------
# tmpfs has O_DIRECT only since 6.6: either it works or the error says so.
if out=$("$SCSTCTL" device add ftmp handler vdisk_fileio filename /tmp/f4k.img \
	o_direct on 2>&1); then
	sc device del ftmp
else
	echo "$out" | grep -q "o_direct" || die "o_direct refusal does not name o_direct: $out"
fi
modprobe brd rd_nr=1 rd_size=262144 || die "cannot load brd"
mkfs.ext4 -q -F /dev/ram0
mkdir -p /tmp/ext
mount /dev/ram0 /tmp/ext
truncate -s 64M /tmp/ext/fd.img
sc device add fd handler vdisk_fileio filename /tmp/ext/fd.img o_direct on
[ "$(dev_attr fd o_direct)" = true ] || die "o_direct is not on"
dd2=$(vdisk_lun 2 fd)
fio_verify "$dd2" 512
fs_check "$dd2"
dd if=/dev/urandom of="/dev/$dd2" bs=1M count=8 oflag=direct status=none
sync
before=$(stat -c %b /tmp/ext/fd.img)
sg_unmap --force --lba=0 --num=16384 "/dev/$dd2" || die "UNMAP on ext4 failed"
after=$(stat -c %b /tmp/ext/fd.img)
[ $((before - after)) -ge 16384 ] || die "UNMAP on ext4 did not free space ($before -> $after)"
vdisk_unlun 2
sc device del fd
umount /tmp/ext
rmmod brd

vdisk_finish
rm -f /tmp/f512.img /tmp/f4k.img
