#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fio with crc32c verification through the whole pipeline (scst_local,
# core, vdisk_fileio) while LUNs are added to and removed from the same
# session beside it: no I/O error, no verification error; the midlayer sees
# the LUNs come and go.
# vm-timeout: 900
set -eu
. "$(dirname "$0")/core-lib.sh"

core_load
modprobe scst_vdisk
modprobe scst_local

truncate -s 64M /tmp/fio.img
nl device-new '{"handler": "vdisk_fileio", "device": "f0", "dev-filename": "/tmp/fio.img"}' >/dev/null
for i in 1 2 3 4; do
	nl device-new "{\"handler\": \"vdisk_nullio\", \"device\": \"n$i\"}" >/dev/null
done
nl target-new '{"driver": "scst_local", "target": "t0"}' >/dev/null
nl lun-new '{"target": "t0", "lun": 0, "device": "f0"}' >/dev/null
nl session-new '{"target": "t0", "initiator": "iqn.fio", "session": "s"}' >/dev/null
host=$(nl_dump session-get | jq -r '.[0]."scsi-host"')
sd=$(wait_disk "$host" 0)
say "fio on $sd"

fio --name=verify --filename="$sd" --direct=1 --ioengine=libaio --iodepth=16 \
	--rw=randwrite --bs=4k --size=48M --verify=crc32c --verify_backlog=256 \
	--verify_fatal=1 --verify_state_save=0 --rate_iops=${FIO_RATE:-200} \
	--time_based --runtime=600 --output=/tmp/fio.out &
fio_pid=$!
sleep 5

rounds=${LUN_ROUNDS:-40}
t0=$(date +%s)
for r in $(seq 1 "$rounds"); do
	for i in 1 2 3 4; do
		nl lun-new "{\"target\": \"t0\", \"lun\": $i, \"device\": \"n$i\"}" >/dev/null
	done
	if [ "$r" = 1 ]; then
		wait_until 60 disk "$host" 4 >/dev/null || die "added LUN 4 did not show up"
	fi
	for i in 1 2 3 4; do
		nl lun-del "{\"target\": \"t0\", \"lun\": $i}" >/dev/null
	done
	kill -0 "$fio_pid" 2>/dev/null || die "fio stopped early: $(cat /tmp/fio.out)"
done
wait_until 60 sh -c "! ls /sys/bus/scsi/devices/$host:*:*:4 >/dev/null 2>&1" ||
	die "removed LUN 4 is still there"
say "$rounds rounds of 4 LUN adds and deletes done in $(( $(date +%s) - t0 ))s"

fio_stop "$fio_pid" /tmp/fio.out
grep -q "err= 0" /tmp/fio.out || die "fio reports errors: $(cat /tmp/fio.out)"
grep -qi "verify" /tmp/fio.out && grep -i "bad\|mismatch" /tmp/fio.out &&
	die "verification errors: $(cat /tmp/fio.out)"
# Only the disk under fio counts: a churned LUN can be deleted while Linux
# still reads its partition table, and those reads rightly fail.
dmesg | grep -qi "I/O error, dev ${sd#/dev/}," &&
	die "I/O errors on $sd in the kernel log: $(dmesg | grep -i 'I/O error' | head)"
say "fio: $(grep -o 'write: IOPS=[^,]*' /tmp/fio.out | head -1)"

core_finish
