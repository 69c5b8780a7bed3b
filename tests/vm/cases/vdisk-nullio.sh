#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vdisk_nullio through scst_local: INQUIRY and the VPD pages (identifiers
# derived stably from the device name), READ CAPACITY, the caching and
# control mode pages (WCE follows write_through both ways, SWP and WP for a
# read-only device), REPORT SUPPORTED OPERATION CODES listing exactly what
# is executed, the right sense for wrong input, zeros on read, I/O at both
# block sizes, and resizing with its unit attention.
# vm-timeout: 600
set -eu
. "$(dirname "$0")/vdisk-lib.sh"

vdisk_start

sc device add n512 handler vdisk_nullio size 64M
sc device add n4k handler vdisk_nullio size 256M blocksize 4096 \
	vendor VTEST product NULL4K revision 9.9 usn SERIAL-4K t10_dev_id T10-4K
d=$(vdisk_lun 0 n512)
d4=$(vdisk_lun 1 n4k)
say "n512 is $d, n4k is $d4"

# ---- INQUIRY -------------------------------------------------------------
[ "$(inq_vendor "$d")" = SCST_NUL ] || die "default vendor is '$(inq_vendor "$d")'"
[ "$(inq_product "$d")" = n512 ] || die "default product is '$(inq_product "$d")'"
[ "$(inq_vendor "$d4")" = VTEST ] || die "vendor is not VTEST"
[ "$(inq_product "$d4")" = NULL4K ] || die "product is not NULL4K"
sg_inq "/dev/$d4" | grep -q "Product revision level: 9.9" || die "revision is not 9.9"
inq=$(sg_inq "/dev/$d")
echo "$inq" | grep -q "PDT=0" || die "not a direct-access device"
echo "$inq" | grep -q "version=0x06" || die "not SPC-4"
echo "$inq" | grep -q "HiSUP=1" || die "HiSUP not set"
echo "$inq" | grep -q "CmdQue=1" || die "CmdQue not set"
# A page code without EVPD is an invalid field.
expect_sense "Illegal Request" "Invalid field in cdb" \
	sg_raw -r 96 "/dev/$d" 12 00 80 00 60 00

# ---- VPD pages -----------------------------------------------------------
pages=$(sg_vpd -p 0 -r "/dev/$d" | bytes | tail -n +5 | tr '\n' ' ')
[ "$pages" = "0 128 131 176 177 178 " ] || die "supported VPD pages: $pages"
expect_sense "Illegal Request" "Invalid field in cdb" \
	sg_raw -r 252 "/dev/$d" 12 01 89 00 fc 00

sn=$(inq_serial "$d")
[[ $sn =~ ^[0-9a-f]{16}$ ]] || die "default serial '$sn' is not 16 hex digits"
[ "$(inq_serial "$d4")" = SERIAL-4K ] || die "serial is not SERIAL-4K"

# Device identification: T10 vendor id, NAA 6, EUI-64, relative target
# port and target port name.
di=$(sg_vpd -p di "/dev/$d")
echo "$di" | grep -q "vendor specific: n512" || echo "$di" | grep -q "n512" ||
	die "no T10 vendor id with the device name"
naa=$(echo "$di" | grep -o '0x6[0-9a-f]\{31\}' | head -n1)
[ -n "$naa" ] || { echo "$di" >&2; die "no NAA 6 designator"; }
echo "$di" | grep -qi "EUI-64" || { echo "$di" >&2; die "no EUI-64 designator"; }
echo "$di" | grep -qi "Relative target port" || { echo "$di" >&2; die "no relative target port"; }
echo "$di" | grep -q "$VDISK_TGT" || { echo "$di" >&2; die "no target port name"; }
sg_vpd -p di "/dev/$d4" | grep -q "T10-4K" || die "t10_dev_id T10-4K not reported"
naa4=$(sg_vpd -p di "/dev/$d4" | grep -o '0x6[0-9a-f]\{31\}' | head -n1)
[ "$naa" != "$naa4" ] || die "two devices share the NAA identifier $naa"
say "n512: serial $sn, NAA $naa"

# Same name, same identity: delete and re-create the device.
vdisk_unlun 0
sc device del n512
sc device add n512 handler vdisk_nullio size 64M
d=$(vdisk_lun 0 n512)
[ "$(inq_serial "$d")" = "$sn" ] || die "serial changed after re-creating n512"
naa2=$(sg_vpd -p di "/dev/$d" | grep -o '0x6[0-9a-f]\{31\}' | head -n1)
[ "$naa2" = "$naa" ] || die "NAA changed after re-creating n512: $naa2"
# Given identifiers win.
sc device add nid handler vdisk_nullio size 1M \
	naa_id 60123456789abcdef0123456789abcde eui64_id 0x0011223344556677
di=$(vdisk_lun 2 nid)
sg_vpd -p di "/dev/$di" | grep -q '0x60123456789abcdef0123456789abcde' ||
	die "given naa_id not reported"
sg_vpd -p di "/dev/$di" | grep -qi '0x0011223344556677' ||
	die "given eui64_id not reported"
vdisk_unlun 2
sc device del nid

# Block limits, characteristics, provisioning.
bl=$(sg_vpd -p bl -r "/dev/$d" | bytes | tr '\n' ' ')
set -- $bl
[ "$5" = 1 ] || die "WSNZ not set in the block limits page"
[ "$6" = 255 ] || die "maximum COMPARE AND WRITE length is $6"
sg_vpd -p bdc "/dev/$d" | grep -qi "Non-rotating" || die "nullio is not non-rotating"
lbp=$(sg_vpd -p lbpv -r "/dev/$d" | bytes | sed -n 6p)
[ "$lbp" = 0 ] || die "a non-thin device reports LBP bits $lbp"

# ---- READ CAPACITY -------------------------------------------------------
sg_readcap "/dev/$d" | grep -q "Number of logical blocks=131072" ||
	die "READ CAPACITY(10) of n512 is wrong"
sg_readcap --long "/dev/$d4" | grep -q "Number of logical blocks=65536" ||
	die "READ CAPACITY(16) of n4k is wrong"
sg_readcap --long "/dev/$d4" | grep -q "Logical block length=4096" ||
	die "n4k does not have 4096-byte blocks"
sg_readcap --long "/dev/$d" | grep -q "lbpme=0" || die "non-thin device reports lbpme"
[ "$(blockdev --getss "/dev/$d4")" = 4096 ] || die "the initiator does not see 4096"

# ---- mode pages ----------------------------------------------------------
wce() { echo $(( $(mode_byte "$1" 8 2) & 4 )); }
[ "$(wce "$d")" = 4 ] || die "WCE is not set with write_through off"
sc device set n512 write_through on
[ "$(wce "$d")" = 0 ] || die "WCE is still set with write_through on"
# MODE SELECT from the initiator: sd writes the caching page.
echo "write back" >"/sys/class/scsi_disk/$VDISK_HOST:0:0:0/cache_type" ||
	die "the initiator cannot set write back"
[ "$(dev_attr n512 write_through)" = false ] ||
	die "MODE SELECT WCE=1 did not turn write_through off"
[ "$(wce "$d")" = 4 ] || die "WCE not set after MODE SELECT"
echo "write through" >"/sys/class/scsi_disk/$VDISK_HOST:0:0:0/cache_type"
[ "$(dev_attr n512 write_through)" = true ] ||
	die "MODE SELECT WCE=0 did not turn write_through on"
sg_modes -p 0x3f "/dev/$d" | grep -qi "Caching" || die "all pages lack the caching page"
sg_modes -p 0x3f "/dev/$d" | grep -qi "Control" || die "all pages lack the control page"
expect_sense "Illegal Request" "Saving parameters not supported" \
	sg_raw -r 252 "/dev/$d" 1a 00 c8 00 fc 00
expect_sense "Illegal Request" "Invalid field in cdb" \
	sg_raw -r 252 "/dev/$d" 1a 00 19 00 fc 00

# ---- read-only device ----------------------------------------------------
sc device set n512 read_only on
[ $(( $(mode_byte "$d" 0x0a 4) & 8 )) = 8 ] || die "SWP not set for a read-only device"
dsp=$(sg_modes -6 -d -r -p 0x0a "/dev/$d" | bytes | sed -n 3p)
[ $(( dsp & 128 )) = 128 ] || die "WP not set in the mode parameter header"
expect_sense "Data Protect" "Write protected" \
	sg_raw -s 512 -i /dev/zero "/dev/$d" 2a 00 00 00 00 00 00 00 01 00
expect_sense "Data Protect" "Write protected" \
	sg_raw "/dev/$d" 93 01 00 00 00 00 00 00 00 00 00 00 00 01 00 00
sc device set n512 read_only off
[ $(( $(mode_byte "$d" 0x0a 4) & 8 )) = 0 ] || die "SWP still set"

# ---- wrong input ---------------------------------------------------------
expect_sense "Illegal Request" "Logical block address out of range" \
	sg_raw -r 512 "/dev/$d" 28 00 00 02 00 00 00 00 01 00
expect_sense "Illegal Request" "Logical block address out of range" \
	sg_raw -s 1024 -i /dev/zero "/dev/$d" 8a 00 00 00 00 00 00 01 ff ff 00 00 00 02 00 00
expect_sense "Illegal Request" "Invalid field in cdb" \
	sg_raw -r 512 "/dev/$d" 28 20 00 00 00 00 00 00 01 00
expect_sense "Illegal Request" "Invalid field in cdb" \
	sg_raw "/dev/$d" 2f 20 00 00 00 00 00 00 01 00
expect_sense "Illegal Request" "Invalid command operation code" \
	sg_raw "/dev/$d" c5 00 00 00 00 00
expect_sense "Illegal Request" "Invalid field in cdb" \
	sg_raw -r 32 "/dev/$d" 9e 11 00 00 00 00 00 00 00 00 00 00 00 20 00 00
# WRITE SAME of zero blocks (WSNZ) and GET LBA STATUS on a thick device.
expect_sense "Illegal Request" "Invalid field in cdb" \
	sg_raw "/dev/$d" 93 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00
expect_sense "Illegal Request" "Invalid field in cdb" \
	sg_raw -r 24 "/dev/$d" 9e 12 00 00 00 00 00 00 00 00 00 00 00 18 00 00
expect_sense "Illegal Request" "Invalid command operation code" \
	sg_raw -s 24 -i /dev/zero "/dev/$d" 42 00 00 00 00 00 00 00 18 00

# ---- REPORT SUPPORTED OPERATION CODES --------------------------------------
# The list, as "op" or "op/sa" in hex.
opcodes() {
	sg_opcodes -r "/dev/$1" | bytes | tail -n +5 | paste -d' ' - - - - - - - - |
	while read -r op _ sa1 sa2 _ flags _ _; do
		if [ $(( flags & 1 )) = 1 ]; then
			printf '%02x/%02x\n' "$op" $(( sa1 * 256 + sa2 ))
		else
			printf '%02x\n' "$op"
		fi
	done | sort | tr '\n' ' '
}
thick="00 03 08 0a 12 15 16 17 1a 1b 25 28 2a 2e 2f 35 41 55 56 57 5a 88 89 8a 8e 8f 91 93 9e/10 a0 a3/0c a8 aa ae "
got=$(opcodes "$d")
[ "$got" = "$thick" ] || die "opcodes of a thick device: '$got'"

# Every listed command is executed (never INVALID COMMAND OPERATION CODE),
# and commands not listed are refused as unknown.
cdb_for() {	# op[/sa] -> an all-zero CDB of the right length
	local op=${1%/*} sa= len
	[ "$1" != "$op" ] && sa=${1#*/}
	case $(( 0x$op >> 5 )) in
	0) len=6 ;; 1|2) len=10 ;; 4) len=16 ;; 5) len=12 ;; *) len=16 ;;
	esac
	printf '%s' "$op"
	if [ -n "$sa" ]; then printf ' %s' "$sa"; len=$((len - 1)); fi
	for _ in $(seq 2 "$len"); do printf ' 00'; done
}
for op in $got; do
	# shellcheck disable=SC2046
	out=$(sg_raw -C 1 "/dev/$d" $(cdb_for "$op") 2>&1) || true
	if echo "$out" | grep -qi "Invalid command operation code"; then
		die "listed opcode $op is not executed"
	fi
done
for op in 04 1e 34 37 3b 3c 5e 5f 7f 83 84 8b 9c; do
	# shellcheck disable=SC2046
	expect_sense "Illegal Request" "Invalid command operation code" \
		sg_raw -C 1 "/dev/$d" $(cdb_for "$op")
done
# One command: supported, with its CDB usage data.
sg_opcodes --op=0x89 "/dev/$d" | grep -qi "supported" || die "RSOC one-command for 0x89"
sg_opcodes --op=0x89 "/dev/$d" | grep -qi "not supported" && die "0x89 reported as not supported"
sg_opcodes --op=0x42 "/dev/$d" | grep -qi "not supported" ||
	die "UNMAP reported as supported on a thick device"

# A thin device lists UNMAP and GET LBA STATUS too.
sc device add nthin handler vdisk_nullio size 16M thin_provisioned on
dt=$(vdisk_lun 2 nthin)
thin=$(echo "$thick 42 9e/12" | tr ' ' '\n' | sed '/^$/d' | sort | tr '\n' ' ')
got=$(opcodes "$dt")
[ "$got" = "$thin" ] || die "opcodes of a thin device: '$got'"
sg_readcap --long "/dev/$dt" | grep -q "lbpme=1, lbprz=1" || die "thin nullio: lbpme/lbprz"
[ "$(sg_vpd -p lbpv -r "/dev/$dt" | bytes | sed -n 6p)" = $((128 + 64 + 32 + 4)) ] ||
	die "thin nullio: LBP VPD bits"
sg_unmap --force --lba=0 --num=64 "/dev/$dt" || die "UNMAP on thin nullio failed"
sg_get_lba_status "/dev/$dt" >/dev/null || die "GET LBA STATUS on thin nullio failed"

# ---- data ----------------------------------------------------------------
# nullio reads zeros whatever was written.
dd if=/dev/urandom of=/tmp/rnd bs=64k count=4 status=none
dd if=/tmp/rnd of="/dev/$d" bs=64k count=4 oflag=direct status=none || die "write failed"
dd if="/dev/$d" bs=64k count=4 iflag=direct status=none | cmp -s - <(head -c 262144 /dev/zero) ||
	die "nullio did not read back zeros"
# COMPARE AND WRITE against zeros: equal data passes, other data miscompares
# at its first non-zero byte.
head -c 1024 /dev/zero >/tmp/caw
sg_compare_and_write --in=/tmp/caw --lba=5 --num=1 --xferlen=1024 "/dev/$d" ||
	die "COMPARE AND WRITE of zeros against zeros failed"
{ head -c 100 /dev/zero; printf '\001'; head -c 923 /dev/zero; } >/tmp/caw
expect_sense "Miscompare" "Miscompare during verify" \
	sg_raw -s 1024 -i /tmp/caw "/dev/$d" 89 00 00 00 00 00 00 00 00 05 00 00 00 01 00 00
echo "$LAST_SENSE" | grep -qiE "info.*(0x64|100)" || die "miscompare offset is not 100: $LAST_SENSE"

for disk in "$d" "$d4"; do
	bs=$(blockdev --getss "/dev/$disk")
	fio --name=nullio --filename="/dev/$disk" --direct=1 --ioengine=libaio \
		--iodepth=32 --rw=randrw --bsrange="$bs"-64k --size=32M \
		--verify=pattern --verify_pattern=0x00 --do_verify=1 \
		--verify_fatal=1 --verify_state_save=0 --eta=never --output=/tmp/fio.out ||
		{ cat /tmp/fio.out >&2; die "fio on $disk failed"; }
	grep -q "err= 0" /tmp/fio.out || { cat /tmp/fio.out >&2; die "fio errors on $disk"; }
done
say "fio passed at 512 and 4096"

# ---- resize ---------------------------------------------------------------
sc device set n512 size 128M
expect_sense "Unit Attention" "Capacity data has changed" sg_raw "/dev/$d" 00 00 00 00 00 00
sg_readcap "/dev/$d" | grep -q "Number of logical blocks=262144" || die "grow to 128M not seen"
sc device set n512 size 32M
sg_raw "/dev/$d" 00 00 00 00 00 00 >/dev/null 2>&1 || true
sg_readcap "/dev/$d" | grep -q "Number of logical blocks=65536" || die "shrink to 32M not seen"
[ "$(dev_attr n512 size)" = $((32 << 20)) ] || die "scstctl reports size $(dev_attr n512 size)"
out=$("$SCSTCTL" device set n512 size 1000 2>&1) && die "size 1000 was accepted"
echo "$out" | grep -q "size" || die "the error does not name size: $out"

# ---- attributes refused at create ------------------------------------------
out=$("$SCSTCTL" device add bad handler vdisk_nullio size 1M naa_id \
	50123456789abcdef0123456789abcde 2>&1) && die "an NAA 5 id was accepted"
echo "$out" | grep -q "naa_id" || die "the error does not name naa_id: $out"
out=$("$SCSTCTL" device add bad handler vdisk_nullio size 1000 2>&1) &&
	die "size 1000 was accepted at create"
echo "$out" | grep -q "size" || die "the error does not name size: $out"
out=$("$SCSTCTL" device add bad handler vdisk_nullio filename /tmp/x 2>&1) &&
	die "nullio accepted a filename"

vdisk_finish
