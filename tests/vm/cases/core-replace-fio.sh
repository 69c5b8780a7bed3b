#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 200 LUN replaces (60 in the suite's lighter form, SCST_CHECK_LIGHT=1, which
# tests/vm/suite uses on all kernels but the last) back and forth between
# two paths to the same storage
# (two dm devices over one loop device, vdisk_blockio on each), alternately
# synchronous and asynchronous, under fio with crc32c verification: no I/O
# error, no verification error, and every cleanup is freed.
# vm-timeout: 1200
# vm-smp: 2
set -eu
. "$(dirname "$0")/core-lib.sh"

modprobe loop
modprobe dm-mod
core_load
modprobe scst_vdisk
modprobe scst_local

truncate -s 64M /tmp/store.img
loopdev=$(losetup -f --show /tmp/store.img)
dmsetup create scst-q0 --table "0 131072 linear $loopdev 0"
dmsetup create scst-q1 --table "0 131072 linear $loopdev 0"
dmsetup mknodes

nl device-new '{"handler": "vdisk_blockio", "device": "q0", "dev-filename": "/dev/mapper/scst-q0"}' >/dev/null
nl device-new '{"handler": "vdisk_blockio", "device": "q1", "dev-filename": "/dev/mapper/scst-q1"}' >/dev/null
nl target-new '{"driver": "scst_local", "target": "t0"}' >/dev/null
nl lun-new '{"target": "t0", "lun": 0, "device": "q0"}' >/dev/null
nl session-new '{"target": "t0", "initiator": "iqn.fio", "session": "s"}' >/dev/null
host=$(nl_dump session-get | jq -r '.[0]."scsi-host"')
sd=$(wait_disk "$host" 0)
say "fio on $sd"

fio_start "$sd" 900

# The suite's lighter form (SCST_CHECK_LIGHT) does 60.
n=${REPLACES:-200}
[ -z "${SCST_CHECK_LIGHT:-}" ] || n=${REPLACES:-60}
async=0
t0=$(date +%s)
for i in $(seq 1 "$n"); do
	dev=q$((i % 2))
	if [ $((i % 2)) = 0 ]; then flags='["async"]'; else flags='[]'; fi
	r=$(nl lun-replace "{\"target\": \"t0\", \"lun\": 0, \"device\": \"$dev\", \"replace-flags\": $flags}")
	if [ "$flags" != '[]' ]; then
		# The reply is compact JSON; jq would cost a second or two a
		# replace under emulation.
		[[ $r =~ \"cleanup-id\":[0-9]+ ]] || die "async replace without a cleanup id: $r"
		async=$((async + 1))
	fi
	fio_running
done
say "$n replaces done ($async async) in $(( $(date +%s) - t0 ))s"
wait_until 60 cleanups_gone || die "cleanups left: $(nl_dump cleanup-get)"

fio_finish "$sd"
# The LUN's one disk stays through every replace: no I/O error anywhere.
dmesg | grep -qi "I/O error" && die "I/O errors in the kernel log: $(dmesg | grep -i 'I/O error' | head)"
# Every replace was announced, and every cleanup went all the way.
expect generation-moved "$([ "$(nl global-get | jq .generation)" -gt "$n" ] && echo yes)" yes

nl target-del '{"target": "t0"}' >/dev/null
core_finish
dmsetup remove scst-q0
dmsetup remove scst-q1
losetup -d "$loopdev"
