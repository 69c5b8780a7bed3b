# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the vdisk handler VM cases (sourced, not run). On top of
# local-lib.sh: one scst_local target "vt" with one session, whose LUNs
# appear as /dev/sdX, and checks of SCSI answers as sg3_utils decode them.
#
#   vdisk_start                 load the modules, make target and session
#   vdisk_lun LUN DEV [ARGS]    map DEV at LUN, print the disk name (sdX)
#   vdisk_unlun LUN             unmap LUN, wait for its disk to go
#   expect_sense KEY ASC CMD... CMD must fail and print that sense
#   mode_byte DISK PAGE OFF     byte OFF of mode page PAGE (current values)
#   fio_verify DISK BS ...      write and verify random data (crc32c)
#   fs_check DISK               mkfs.ext4, copy files, remount, compare, fsck
#   vdisk_finish                remove everything, unload, check for leaks

. "$(dirname "$0")/local-lib.sh"

VDISK_TGT=vt
VDISK_INI=iqn.2024-01.test:vdisk
VDISK_HOST=

vdisk_start() {
	local_start
	sc target add "$VDISK_TGT" driver scst_local
	sc session add "$VDISK_TGT" "$VDISK_INI"
	VDISK_HOST=$(wait_host "$VDISK_TGT" "$VDISK_INI")
}

# A LUN change leaves REPORTED LUNS DATA HAS CHANGED pending on every LUN
# of the session: consume it, so that checks see the answer to their own
# command.
vdisk_clear_ua() {
	local b i
	for b in /sys/bus/scsi/devices/"$VDISK_HOST":0:0:*/block/*; do
		[ -e "$b" ] || continue
		for i in 1 2 3; do
			sg_turs "/dev/${b##*/}" >/dev/null 2>&1 && break
		done
	done
}

vdisk_lun() {
	local lun=$1 dev=$2 disk
	shift 2
	sc lun add "$VDISK_TGT" "$lun" "$dev" "$@"
	# Callers run this in $(...), where set -e does not reach: exit.
	disk=$(wait_disk "$VDISK_HOST" "$lun") || exit 1
	vdisk_clear_ua
	echo "$disk"
}

vdisk_unlun() {
	sc lun del "$VDISK_TGT" "$1"
	wait_until 30 local_no_disk "$VDISK_HOST" "$1" ||
		die "LUN $1 is still there after lun del"
	vdisk_clear_ua
}

# expect_sense KEY ASC CMD...: CMD (sg_raw, sg_verify ...) must not succeed
# and must report sense key KEY and additional sense ASC, both as sg3_utils
# print them ("Illegal Request", "Logical block address out of range").
expect_sense() {
	local key=$1 asc=$2 out
	shift 2
	if out=$("$@" 2>&1); then
		# sg_raw exits 0 after a CHECK CONDITION it decoded.
		echo "$out" | grep -q "Sense key" || die "'$*' succeeded; expected $key, $asc"
	fi
	echo "$out" | grep -qi "Sense key: *$key" ||
		die "'$*': expected sense key '$key', got: $(echo "$out" | grep -i -m2 'sense' | tr '\n' ' ')"
	echo "$out" | grep -qi "$asc" ||
		die "'$*': expected '$asc', got: $(echo "$out" | grep -i -m3 'sense' | tr '\n' ' ')"
	LAST_SENSE=$out
}

# Bytes of a raw binary stream as decimal numbers, one per line.
bytes() {
	od -An -tu1 -v | tr -s ' ' '\n' | sed '/^$/d'
}

# mode_byte DISK PAGE OFF: byte OFF of the current mode page PAGE, read with
# MODE SENSE(6) without block descriptors (the page follows the 4-byte
# header).
mode_byte() {
	sg_modes -6 -d -r -p "$2" "/dev/$1" | bytes | sed -n "$(( 5 + $3 ))p"
}

# fio_verify DISK BS [FIO ARGS]: random writes of BS..64k blocks with crc32c
# checksums in every block, read back and verified; any mismatch fails.
fio_verify() {
	local disk=$1 bs=$2
	shift 2
	fio --name=verify --filename="/dev/$disk" --direct=1 \
		--ioengine=libaio --iodepth=16 --rw=randwrite \
		--bsrange="$bs"-64k --size=16M --verify=crc32c --do_verify=1 \
		--verify_fatal=1 --verify_state_save=0 --eta=never --output=/tmp/fio.out "$@" ||
		{ cat /tmp/fio.out >&2; die "fio verify on $disk failed"; }
	grep -q "err= 0" /tmp/fio.out || { cat /tmp/fio.out >&2; die "fio on $disk reported errors"; }
}

# fs_check DISK: a file system on the disk survives a copy, a remount and
# fsck.
fs_check() {
	local disk=$1 src=/lib/modules/$(uname -r)/kernel/drivers/scsi
	mkfs.ext4 -q -F "/dev/$disk" || die "mkfs.ext4 on $disk failed"
	mkdir -p /tmp/vdisk-mnt
	mount "/dev/$disk" /tmp/vdisk-mnt || die "mount $disk failed"
	cp -a "$src" /tmp/vdisk-mnt/copy || die "copy to $disk failed"
	umount /tmp/vdisk-mnt
	echo 3 >/proc/sys/vm/drop_caches
	mount "/dev/$disk" /tmp/vdisk-mnt || die "second mount of $disk failed"
	diff -r "$src" /tmp/vdisk-mnt/copy >/dev/null ||
		die "files copied to $disk differ after a remount"
	umount /tmp/vdisk-mnt
	e2fsck -f -n "/dev/$disk" >/tmp/fsck.out 2>&1 ||
		{ cat /tmp/fsck.out >&2; die "fsck of $disk found errors"; }
}

# dev_attr DEV ATTR: an attribute of a device as scstctl reports it (JSON).
dev_attr() {
	"$SCSTCTL" -j device show "$1" | jq -r ".$2"
}

vdisk_finish() {
	local_finish
}
