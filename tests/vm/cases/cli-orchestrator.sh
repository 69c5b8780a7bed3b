#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# libscstctl/examples/orchestrator, the library's example of an HA
# failover: it replaces a LUN asynchronously with parked cleanup while fio
# reads through scst_local, waits on the event socket for the drain,
# releases the cleanup and waits for it to be freed. fio must not see an
# error, and no cleanup may be left.
# vm-timeout: 300
# vm-batch: cli
set -eu
. "$(dirname "$0")/cli-lib.sh"

ORCH=$PWD/libscstctl/examples/orchestrator
[ -x "$ORCH" ] || die "$ORCH is not built (make -C libscstctl)"
local_start

sc device add o0 handler vdisk_nullio size 64M usn SN-O0
sc device add o1 handler vdisk_nullio size 64M usn SN-O1
sc target add ot driver scst_local
sc lun add ot 0 o0
sc session add ot iqn.2024-01.orch:h
host=$(wait_host ot iqn.2024-01.orch:h)
disk=$(wait_disk "$host" 0)
[ "$(inq_serial "$disk")" = SN-O0 ] || die "LUN 0 is not o0"

fio --name=reads --filename="/dev/$disk" --direct=1 --rw=randread --bs=4k \
	--iodepth=16 --ioengine=libaio --time_based --runtime=12 \
	--output=/tmp/orch-fio.out >/dev/null 2>&1 &
fio_pid=$!
sleep 3

rc=0
"$ORCH" -t 60 ot 0 o1 >/tmp/orch.out 2>&1 || rc=$?
cat /tmp/orch.out
[ $rc = 0 ] || die "orchestrator exited with $rc"
id=$(sed -n 's/^replaced: cleanup \([0-9]*\) parked$/\1/p' /tmp/orch.out)
[ -n "$id" ] || die "no parked cleanup reported"
steps=$(grep -n -e "^event: cleanup $id drained" -e "^drained: releasing cleanup $id" \
	-e "^event: cleanup $id freed" -e "^freed: cleanup $id" /tmp/orch.out |
	cut -d: -f2 | tr '\n' ',')
[ "$steps" = "event,drained,event,freed," ] || die "steps out of order: $steps"

rc=0
wait $fio_pid || rc=$?
[ $rc = 0 ] || die "fio failed ($rc): $(cat /tmp/orch-fio.out)"
grep -q 'err= 0' /tmp/orch-fio.out || die "fio saw errors: $(cat /tmp/orch-fio.out)"
[ "$(inq_serial "$disk")" = SN-O1 ] || die "LUN 0 is not o1 after the replace"
jq_is "$(scj cleanup)" length 0
# The old device is free again.
sc device del o0

local_finish
