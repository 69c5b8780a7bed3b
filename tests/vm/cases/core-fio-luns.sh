#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fio with crc32c verification through the whole pipeline (scst_local,
# core, vdisk_fileio) while LUNs are added to and removed from the same
# session beside it (25 rounds of 4 adds and 4 deletes, 10 in the suite's
# lighter form): no I/O error, no verification error; the midlayer sees
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

fio_start "$sd" 600

# The suite's lighter form (SCST_CHECK_LIGHT) does 10 rounds.
rounds=${LUN_ROUNDS:-25}
[ -z "${SCST_CHECK_LIGHT:-}" ] || rounds=${LUN_ROUNDS:-10}
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
	fio_running
done
wait_until 60 sh -c "! ls /sys/bus/scsi/devices/$host:*:*:4 >/dev/null 2>&1" ||
	die "removed LUN 4 is still there"
say "$rounds rounds of 4 LUN adds and deletes done in $(( $(date +%s) - t0 ))s"

# Only the disk under fio counts: a churned LUN can be deleted while Linux
# still reads its partition table, and those reads rightly fail.
fio_finish "$sd"

core_finish
