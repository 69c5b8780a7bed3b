#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scstctl config: a file loaded twice changes nothing the second time;
# save -> clear -> load -> save gives the same file; loading an edited
# file changes only what was edited, while fio (with crc32c verification)
# keeps running without an error on a LUN the edit did not touch; an edit
# that changes a LUN's block size maps it again, and its disk follows.
# vm-timeout: 400
# vm-batch: cli
set -eu
. "$(dirname "$0")/cli-lib.sh"

S=$SCSTCTL
local_start

truncate -s 64M /tmp/cfg-f0.img
cat >/tmp/a.conf <<'EOF'
# scst.conf of the test
async_lun_replace 0
park_lun_replace 0

HANDLER vdisk_fileio {
	DEVICE f0 {
		filename /tmp/cfg-f0.img
		usn SN-F0
	}
}

HANDLER vdisk_nullio {
	DEVICE n1 {
		size_mb 16
		usn SN-N1
	}
	DEVICE n2 {
		size 16M
		usn SN-N2
	}
	DEVICE n3 {
		size 32M
		blocksize 4096
		usn SN-N3
	}
}

TARGET_DRIVER scst_local {
	TARGET t0 {
		enabled 1
		LUN 0 f0
		LUN 1 n1
		GROUP ro {
			LUN 0 n3 {
				read_only 1
			}
			INITIATOR iqn.2024-01.cfg:ro*
		}
		session h0 iqn.2024-01.cfg:h0
	}
	TARGET t1 {
		enabled 0
	}
}
EOF

sc config check /tmp/a.conf
out=$(scj config load /tmp/a.conf)
[ "$(printf '%s' "$out" | jq length)" -gt 10 ] || die "first load did little: $out"
jq_is "$(scj device show n3)" .blocksize 4096
jq_is "$(scj lun show t0 group ro)" '.[0].read_only' true
jq_is "$(scj target show t1)" .enabled false

# The same file again: nothing to do.
jq_is "$(scj config load /tmp/a.conf)" length 0
jq_is "$(scj config load --dry-run /tmp/a.conf)" length 0

# save -> clear -> load -> save: the same file.
sc config save /tmp/s1.conf
sc config clear
jq_is "$(scj device)" length 0
jq_is "$(scj target)" length 0
sc config load /tmp/s1.conf
sc config save /tmp/s2.conf
cmp /tmp/s1.conf /tmp/s2.conf || { diff -u /tmp/s1.conf /tmp/s2.conf; die "save after load differs"; }
jq_is "$(scj config load /tmp/s1.conf)" length 0
say "save -> clear -> load -> save: identical ($(wc -l </tmp/s1.conf) lines)"

# The edited file swaps LUN 1 to n2 and adds LUN 2; LUN 0 is not touched.
host=$(wait_host t0 iqn.2024-01.cfg:h0)
disk0=$(wait_disk "$host" 0)
[ "$(inq_serial "$disk0")" = SN-F0 ] || die "LUN 0 is not f0"
disk1=$(wait_disk "$host" 1)
[ "$(inq_serial "$disk1")" = SN-N1 ] || die "LUN 1 is not n1"
sed -e 's/^\t\tLUN 1 n1$/\t\tLUN 1 n2\n\t\tLUN 2 n1/' /tmp/s1.conf >/tmp/b.conf
grep -q 'LUN 2 n1' /tmp/b.conf || die "the edit did not apply: $(cat /tmp/b.conf)"

echo none >"/sys/block/$disk0/queue/scheduler" 2>/dev/null || true
fio --name=untouched --filename="/dev/$disk0" --direct=1 --rw=randwrite \
	--bs=4k --iodepth=8 --ioengine=libaio --size=32M --time_based \
	--runtime=15 --verify=crc32c --do_verify=1 --verify_fatal=1 \
	--output=/tmp/fio.out >/dev/null 2>&1 &
fio_pid=$!
sleep 4
kill -0 $fio_pid 2>/dev/null || die "fio is not running: $(cat /tmp/fio.out)"
plan=$(scj config load /tmp/b.conf)
jq_is "$plan" 'join(";")' 'lun replace t0 1 n2;lun add t0 2 n1'
rc=0
wait $fio_pid || rc=$?
[ $rc = 0 ] || die "fio on the untouched LUN failed ($rc): $(cat /tmp/fio.out)"
grep -q 'err= 0' /tmp/fio.out || die "fio reports errors: $(cat /tmp/fio.out)"
[ "$(wait_disk "$host" 0)" = "$disk0" ] || die "LUN 0 is another disk now"
[ "$(inq_serial "$disk1")" = SN-N2 ] || die "LUN 1 is not n2 after the load"
[ "$(inq_serial "$(wait_disk "$host" 2)")" = SN-N1 ] || die "LUN 2 is not n1"
jq_is "$(scj config load /tmp/b.conf)" length 0
say "edited load: only LUN 1 and 2 changed; fio on LUN 0 ran through"

# A block size change cannot be a replace: the load deletes LUN 2 and adds
# it again with n3's 4096-byte blocks. Whether scst_local's rescan comes
# between the two (a new disk) or after both (the disk stays), the disk at
# LUN 2 ends with n3's blocks and size and reads work: a disk that stayed
# learns them from the unit attentions of a LUN mapped again.
sed -e 's/^\t\tLUN 2 n1$/\t\tLUN 2 n3/' /tmp/b.conf >/tmp/c.conf
plan=$(scj config load /tmp/c.conf)
jq_is "$plan" 'join(";")' 'lun del t0 2;lun add t0 2 n3'
lun2_is_n3() {
	local d
	d=$(local_disk "$host" 2) || return 1
	timeout 20 dd if="/dev/$d" of=/dev/null bs=4096 count=4 iflag=direct \
		2>/dev/null || true
	[ "$(cat "/sys/block/$d/queue/logical_block_size")" = 4096 ] &&
		[ "$(blockdev --getsize64 "/dev/$d")" = $((32 << 20)) ]
}
wait_until 30 lun2_is_n3 || die "the disk at LUN 2 did not get n3's 4096-byte blocks and 32 MiB"
disk2=$(wait_disk "$host" 2)
[ "$(inq_serial "$disk2")" = SN-N3 ] || die "LUN 2 is not n3 after the load"
dd if="/dev/$disk2" of=/dev/null bs=4096 count=64 iflag=direct 2>/dev/null ||
	die "reading $disk2 (LUN 2, n3) fails"
say "block size change by load: LUN 2 deleted and added again, $disk2 has n3's blocks"

local_finish
