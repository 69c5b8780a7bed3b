#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vdisk_blockio through scst_local, on loop devices over tmpfs files and on
# a device-mapper error target: data integrity at both block sizes (fio
# with crc32c, ext4 with a copy and fsck), exclusive opening, UNMAP and
# WRITE SAME with UNMAP discarding (the loop's backing file loses its
# blocks), COMPARE AND WRITE, resizing, and I/O errors of the backing device
# reported as MEDIUM ERROR, never as success.
# vm-timeout: 900
set -eu
. "$(dirname "$0")/vdisk-lib.sh"

export DM_DISABLE_UDEV=1

vdisk_start
modprobe loop || die "cannot load loop"
modprobe dm-mod || die "cannot load dm-mod"

truncate -s 96M /tmp/b512.img
truncate -s 64M /tmp/b4k.img
l512=$(losetup -f --show /tmp/b512.img)
l4k=$(losetup -f --show --sector-size 4096 /tmp/b4k.img)
say "loop devices $l512 (512) and $l4k (4096)"

out=$("$SCSTCTL" device add bad handler vdisk_blockio filename "$l4k" 2>&1) &&
	die "512-byte blocks on a 4096-byte device were accepted"
echo "$out" | grep -q "blocksize" || die "the error does not name blocksize: $out"
sc device add b512 handler vdisk_blockio filename "$l512"
sc device add b4k handler vdisk_blockio filename "$l4k" blocksize 4096
out=$("$SCSTCTL" device add bad handler vdisk_blockio filename "$l512" 2>&1) &&
	die "a block device in use was opened twice"
echo "$out" | grep -q "filename" || die "the error does not name filename: $out"
out=$("$SCSTCTL" device add bad handler vdisk_blockio filename /tmp/b4k.img 2>&1) &&
	die "a regular file was accepted by blockio"
echo "$out" | grep -q "filename" || die "the error does not name filename: $out"

d=$(vdisk_lun 0 b512)
d4=$(vdisk_lun 1 b4k)
say "b512 is $d, b4k is $d4"
[ "$(inq_vendor "$d")" = SCST_BIO ] || die "blockio vendor is '$(inq_vendor "$d")'"
[ "$(dev_attr b512 thin_provisioned)" = true ] || die "a loop device is not thin by default"
sg_readcap --long "/dev/$d" | grep -q "lbpme=1, lbprz=0" || die "lbpme/lbprz of blockio"
[ "$(blockdev --getsize64 "/dev/$d")" = $((96 << 20)) ] || die "size of b512"
[ "$(blockdev --getss "/dev/$d4")" = 4096 ] || die "block size of b4k"

# ---- data integrity ------------------------------------------------------
fio_verify "$d" 512
fio_verify "$d4" 4k
fs_check "$d"
fs_check "$d4"
say "fio and ext4 passed at 512 and 4096"

dd if=/dev/urandom of=/tmp/rnd bs=4k count=1 status=none
dd if=/tmp/rnd of="/dev/$d" bs=512 seek=3000 count=8 oflag=direct status=none
cmp -s <(dd if="$l512" bs=512 skip=3000 count=8 iflag=direct status=none) /tmp/rnd ||
	die "data written at LBA 3000 is not at sector 3000 of the device"

# ---- UNMAP, WRITE SAME ---------------------------------------------------
dd if=/dev/urandom of="/dev/$d" bs=1M count=16 oflag=direct status=none
before=$(stat -c %b /tmp/b512.img)
sg_unmap --force --lba=0 --num=16384 "/dev/$d" || die "UNMAP failed"
after=$(stat -c %b /tmp/b512.img)
say "UNMAP of 8 MiB: $before -> $after allocated blocks in the loop's file"
[ $((before - after)) -ge 16384 ] || die "UNMAP did not discard"
before=$after
sg_write_same --16 --unmap --lba=16384 --num=8192 "/dev/$d" || die "WRITE SAME UNMAP failed"
after=$(stat -c %b /tmp/b512.img)
[ $((before - after)) -ge 8192 ] || die "WRITE SAME UNMAP did not discard ($before -> $after)"
cmp -s <(dd if="/dev/$d" bs=1M skip=8 count=4 iflag=direct status=none) <(head -c 4M /dev/zero) ||
	die "WRITE SAME UNMAP of zeros does not read back zeros"
dd if=/dev/urandom of=/tmp/blk bs=512 count=1 status=none
sg_write_same --in=/tmp/blk --lba=40000 --num=64 "/dev/$d" || die "WRITE SAME failed"
cmp -s <(dd if="$l512" bs=512 skip=40063 count=1 iflag=direct status=none) /tmp/blk ||
	die "WRITE SAME did not write its last block"

# ---- COMPARE AND WRITE -----------------------------------------------------
dd if=/dev/urandom of=/tmp/A bs=512 count=1 status=none
dd if=/dev/urandom of=/tmp/B bs=512 count=1 status=none
dd if=/tmp/A of="/dev/$d" bs=512 seek=500 count=1 oflag=direct status=none
cat /tmp/A /tmp/B >/tmp/AB
sg_compare_and_write --in=/tmp/AB --lba=500 --num=1 --xferlen=1024 "/dev/$d" ||
	die "COMPARE AND WRITE failed"
cmp -s <(dd if="$l512" bs=512 skip=500 count=1 iflag=direct status=none) /tmp/B ||
	die "COMPARE AND WRITE did not write"
expect_sense "Miscompare" "Miscompare during verify" \
	sg_raw -s 1024 -i /tmp/AB "/dev/$d" 89 00 00 00 00 00 00 00 01 f4 00 00 00 01 00 00
cmp -s <(dd if="$l512" bs=512 skip=500 count=1 iflag=direct status=none) /tmp/B ||
	die "a miscompared COMPARE AND WRITE wrote"
sg_sync "/dev/$d" || die "SYNCHRONIZE CACHE failed"

# ---- resize -------------------------------------------------------------------
out=$("$SCSTCTL" device set b512 size 200M 2>&1) && die "a size beyond the device was accepted"
echo "$out" | grep -q "size" || die "the error does not name size: $out"
truncate -s 128M /tmp/b512.img
losetup -c "$l512"
sc device set b512 size 0
expect_sense "Unit Attention" "Capacity data has changed" sg_raw "/dev/$d" 00 00 00 00 00 00
sg_readcap "/dev/$d" | grep -q "Number of logical blocks=262144" || die "size 0 did not re-read 128M"

# ---- backing device errors -------------------------------------------------
truncate -s 8M /tmp/blin.img
llin=$(losetup -f --show /tmp/blin.img)
printf '0 8192 linear %s 0\n8192 8192 error\n' "$llin" | dmsetup create vderr ||
	die "dmsetup create failed"
[ -b /dev/mapper/vderr ] || die "no /dev/mapper/vderr"
sc device add berr handler vdisk_blockio filename /dev/mapper/vderr
# Thin by default exactly when the device can discard: dm's error target
# cannot before 6.5 or so, and can since, so ask the kernel.
dm=dm-$(dmsetup info -c --noheadings -o minor vderr | tr -d ' ')
discard=$(cat "/sys/block/$dm/queue/discard_max_bytes") || die "no $dm in /sys/block"
if [ "$discard" -gt 0 ]; then want=true; else want=false; fi
[ "$(dev_attr berr thin_provisioned)" = "$want" ] ||
	die "thin_provisioned of a dm device is not $want, as its discard support says"
de=$(vdisk_lun 2 berr)
sg_raw -r 512 "/dev/$de" 28 00 00 00 00 00 00 00 01 00 2>&1 | grep -q "Sense" &&
	die "a read of the linear part failed"
expect_sense "Medium Error" "Unrecovered read error" \
	sg_raw -r 512 "/dev/$de" 28 00 00 00 20 00 00 00 01 00
expect_sense "Medium Error" "Unrecovered read error" \
	sg_raw -r 4096 "/dev/$de" 28 00 00 00 1f fc 00 00 08 00
expect_sense "Medium Error" "Write error" \
	sg_raw -s 512 -i /dev/zero "/dev/$de" 2a 00 00 00 20 00 00 00 01 00
dd if="/dev/$de" of=/dev/null bs=512 skip=8192 count=1 iflag=direct status=none 2>/dev/null &&
	die "a read through the disk of the error target succeeded"
vdisk_unlun 2
sc device del berr
dmsetup remove vderr
losetup -d "$llin"

vdisk_finish
losetup -d "$l512"
losetup -d "$l4k"
rm -f /tmp/b512.img /tmp/b4k.img /tmp/blin.img
