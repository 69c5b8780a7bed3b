#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scst_local under configuration churn: sessions come and go while LUNs are
# added and deleted in the background (so LUN scans race with session
# teardown) and I/O runs on the disks that exist; everything must settle to
# the right set of disks, and unloading must find nothing left.
# vm-timeout: 500
# vm-batch: local
set -eu
. "$(dirname "$0")/local-lib.sh"

local_start

sc device add c0 handler vdisk_nullio size 16M usn SN-C0
sc device add c1 handler vdisk_nullio size 16M usn SN-C1
sc device add c2 handler vdisk_nullio size 16M usn SN-C2
sc target add tc driver scst_local
sc lun add tc 0 c0

# Background: LUNs 1 and 2 flap until told to stop.
flap() {
	while [ ! -e /tmp/churn.stop ]; do
		"$SCSTCTL" lun add tc 1 c1 >/dev/null 2>&1 || true
		"$SCSTCTL" lun add tc 2 c2 >/dev/null 2>&1 || true
		sleep 0.3
		"$SCSTCTL" lun del tc 1 >/dev/null 2>&1 || true
		sleep 0.2
		"$SCSTCTL" lun del tc 2 >/dev/null 2>&1 || true
	done
}
rm -f /tmp/churn.stop
flap &
flapper=$!

for i in $(seq 1 8); do
	sc session add tc iqn.2024-01.test:churn$i
	h=$(wait_host tc iqn.2024-01.test:churn$i)
	d=$(wait_disk "$h" 0)
	dd if="/dev/$d" of=/dev/null bs=64k count=64 iflag=direct status=none ||
		die "read from $d (session $i) failed"
	# Leave every other session open for a while, close the rest at once.
	if [ $((i % 2)) = 0 ]; then
		sc session del tc iqn.2024-01.test:churn$((i - 1))
		sc session del tc iqn.2024-01.test:churn$i
	fi
done
touch /tmp/churn.stop
wait $flapper

# Settle: LUN 1 present, LUN 2 absent, on a fresh session and an old one.
"$SCSTCTL" lun add tc 1 c1 >/dev/null 2>&1 || true
"$SCSTCTL" lun del tc 2 >/dev/null 2>&1 || true
sc session add tc iqn.2024-01.test:final
h=$(wait_host tc iqn.2024-01.test:final)
wait_disk "$h" 0 >/dev/null
d1=$(wait_disk "$h" 1)
[ "$(inq_serial "$d1")" = SN-C1 ] || die "LUN 1 is not c1"
wait_until 30 local_no_disk "$h" 2 || die "LUN 2 is still there"
[ "$(ls -d /sys/class/scsi_host/host*/target_name | wc -l)" = 1 ] ||
	die "more scst_local hosts than sessions: $(ls /sys/class/scsi_host)"
say "settled"

local_finish
