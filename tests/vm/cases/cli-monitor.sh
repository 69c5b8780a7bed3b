#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scstctl monitor: every change is printed as it happens, as JSON lines
# with -j (each line parsed with jq) and as text lines without; the life of
# an async LUN replace comes in order: replaced, drained, freed.
# vm-timeout: 300
# vm-batch: cli
set -eu
. "$(dirname "$0")/cli-lib.sh"

S=$SCSTCTL
local_start

"$S" -j monitor >/tmp/mon.json 2>/tmp/mon.err &
jmon=$!
"$S" monitor >/tmp/mon.txt 2>&1 &
tmon=$!
# Both are subscribed once they see a change made after they started.
i=0
until grep -q global_set /tmp/mon.json 2>/dev/null &&
      grep -q global_set /tmp/mon.txt 2>/dev/null; do
	sc global set async_lun_replace off
	i=$((i + 1))
	[ $i -lt 50 ] || die "the monitors print nothing"
	sleep 0.2
done

sc device add m0 handler vdisk_nullio size 8M
sc device add m1 handler vdisk_nullio size 8M
sc target add mt driver scst_local
sc lun add mt 0 m0
sc session add mt iqn.2024-01.mon:h
sc lun replace mt 0 m1 --async --wait=60
sc session del mt iqn.2024-01.mon:h
sc target del mt
sc device del m0
sleep 1
kill -TERM $jmon $tmon
rc=0
wait $jmon || rc=$?
[ $rc = 0 ] || die "monitor -j exited with $rc: $(cat /tmp/mon.err)"
wait $tmon || true

# Each line one valid JSON text.
n=0
while IFS= read -r line; do
	printf '%s\n' "$line" | jq -e . >/dev/null 2>&1 || die "invalid JSON line: $line"
	n=$((n + 1))
done </tmp/mon.json
say "$n JSON events"

# The first event of each kind, in the order the changes were made.
ev=$(jq -r 'if .event == "cleanup" then "cleanup " + .state else .event end' /tmp/mon.json)
prev=0
for label in device_new target_new lun_new session_new "cleanup replaced" \
	     "cleanup drained" "cleanup freed" target_del device_del; do
	n=$(printf '%s\n' "$ev" | grep -n -x -m 1 "$label" | cut -d: -f1)
	[ -n "$n" ] || die "no '$label' event among: $(echo $ev)"
	[ "$n" -gt "$prev" ] || die "'$label' came too early among: $(echo $ev)"
	prev=$n
done
jq -s -e '[.[] | select(.event == "cleanup" and .state == "drained")][0] | has("drained") and has("drain_ms")' \
	/tmp/mon.json >/dev/null || die "the drained event lacks its count and time"

grep -q '^device_new .*device m1' /tmp/mon.txt || die "text monitor: $(cat /tmp/mon.txt)"
grep -q '^cleanup id [0-9]* state freed' /tmp/mon.txt || die "text monitor: no freed"

local_finish
