#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# LUN replace with real stuck I/O. Two device-mapper devices map the same
# loop device (two paths to one storage, as in a failover); vdisk_blockio
# exports each, scst_local shows the LUN as a disk. Suspending the old dm
# device leaves commands stuck in the old device:
#  - an async replace returns at once, new I/O completes on the new device,
#    the cleanup is listed with commands in flight, and after resume the
#    drained event counts the stuck commands (events in order);
#  - a sync replace does not return until the old device is resumed;
#  - park keeps the old state until released; the device it holds cannot
#    be deleted, its module cannot be unloaded; release frees it;
#  - the global settings choose async and park; leaving park releases;
#  - a failed allocation falls back to sync and says so;
#  - a failed replace leaves the mapping as it was.
# vm-timeout: 600
# vm-batch: core
set -eu
. "$(dirname "$0")/core-lib.sh"

modprobe loop
modprobe dm-mod
core_load
modprobe scst_vdisk
modprobe scst_local

truncate -s 64M /tmp/store.img
loopdev=$(losetup -f --show /tmp/store.img)
dmsetup create scst-p0 --table "0 131072 linear $loopdev 0"
dmsetup create scst-p1 --table "0 131072 linear $loopdev 0"
# No udev in the VM: make the /dev/mapper nodes.
dmsetup mknodes

cleanup_dm() {
	dmsetup resume scst-p0 2>/dev/null || true
	dmsetup resume scst-p1 2>/dev/null || true
}
trap cleanup_dm EXIT

events=/tmp/core-replace.events
"$YNL" --events >"$events" 2>/tmp/core-replace.listener &
listener=$!
wait_until 120 grep -q listening /tmp/core-replace.listener ||
	die "event listener did not start"

nl device-new '{"handler": "vdisk_blockio", "device": "p0", "dev-filename": "/dev/mapper/scst-p0"}' >/dev/null
nl device-new '{"handler": "vdisk_blockio", "device": "p1", "dev-filename": "/dev/mapper/scst-p1"}' >/dev/null
nl target-new '{"driver": "scst_local", "target": "t0"}' >/dev/null
nl lun-new '{"target": "t0", "lun": 0, "device": "p0"}' >/dev/null
nl session-new '{"target": "t0", "initiator": "iqn.r", "session": "s"}' >/dev/null
host=$(nl_dump session-get | jq -r '.[0]."scsi-host"')
sd=$(wait_disk "$host" 0)
# Commands stay stuck for a while on purpose: no midlayer timeout meanwhile.
echo 300 >"/sys/block/${sd#/dev/}/device/timeout"
say "disk $sd"

inflight() {
	nl_dump session-get | jq '.[0]."cmds-inflight"'
}

lun_dev() {
	nl_dump lun-get '{"target": "t0"}' | jq -r '.[] | select(.lun == 0) | .device'
}

# Start reads that will stick in the suspended device (4 KiB each, direct).
stuck_pids=()
stick_io() {	# TAG
	local i
	stuck_pids=()
	for i in 1 2 3; do
		dd if="$sd" of=/dev/null bs=4k count=1 skip=$((i * 100)) iflag=direct \
			2>"/tmp/dd-$1-$i.err" &
		stuck_pids+=($!)
	done
}

stuck3() {
	[ "$(inflight)" -ge 3 ]
}

wait_stuck() {
	local p
	for p in "${stuck_pids[@]}"; do
		wait "$p" || die "a stuck read failed: $(cat /tmp/dd-*.err)"
	done
}

io_ok() {
	dd if="$sd" of=/dev/null bs=4k count=4 skip=7 iflag=direct 2>/dev/null
}

say "async replace with the old device suspended"
dmsetup suspend scst-p0
stick_io a
wait_until 30 stuck3 || die "reads did not get stuck: $(inflight) in flight"
# No unit attention here: Linux blocks a device whose command it retries
# (a unit attention is retried) until one of its outstanding commands
# finishes, and those are stuck on purpose.
r=$(timeout 90 "$YNL" --output-json --do lun-replace \
	--json '{"target": "t0", "lun": 0, "device": "p1", "replace-flags": ["async", "no-ua"]}') ||
	die "async replace did not return while the old device is suspended"
id=$(echo "$r" | jq '."cleanup-id"')
[ "$id" != null ] || die "no cleanup id: $r"
expect lun-dev "$(lun_dev)" p1
timeout 20 dd if="$sd" of=/dev/null bs=4k count=4 skip=7 iflag=direct 2>/dev/null ||
	die "new I/O did not complete on the new device"
cl=$(nl_dump cleanup-get)
expect cleanup-id "$(echo "$cl" | jq '.[0]."cleanup-id"')" "$id"
expect cleanup-state "$(echo "$cl" | jq -r '.[0]."cleanup-state"')" draining
expect cleanup-old "$(echo "$cl" | jq -r '.[0]."old-device"')" p0
[ "$(echo "$cl" | jq '.[0]."cmds-inflight"')" -ge 3 ] || die "cleanup in flight: $cl"
nl_fails device-del '{"device": "p0"}' "Device or resource busy" \
	"device 'p0' is held by pending cleanup $id of an async LUN replace; release it first"
dmsetup resume scst-p0
wait_stuck
wait_until 30 cleanups_gone || die "cleanup not freed: $(nl_dump cleanup-get)"
# Events in order: replaced, drained (with the stuck reads), freed.
sleep 1
seq=$(jq -r "select(.msg.\"cleanup-id\" == $id) |
	select(.name == \"cleanup-ntf\") | .msg.\"cleanup-state\"" "$events" | tr '\n' ' ')
expect event-order "$seq" "replaced drained freed "
drained=$(jq "select(.msg.\"cleanup-id\" == $id and .msg.\"cleanup-state\" == \"drained\") |
	.msg.\"cleanup-drained\"" "$events")
[ "$drained" -ge 3 ] || die "drained event counts $drained commands, want >= 3"
grep -q '"name": "lun-replace"' "$events" || die "no lun-replace event"

say "sync replace waits for the suspended old device"
dmsetup suspend scst-p1
stick_io b
wait_until 30 stuck3 || die "reads did not get stuck: $(inflight) in flight"
"$YNL" --output-json --do lun-replace \
	--json '{"target": "t0", "lun": 0, "device": "p0", "replace-flags": ["no-ua"]}' \
	>/tmp/sync.out 2>&1 &
sync_pid=$!
# The client takes seconds to start under TCG: wait for the swap itself,
# then give the request time to return if it wrongly would.
lun_is_p0() { [ "$(lun_dev)" = p0 ]; }
wait_until 120 lun_is_p0 || die "sync replace did not swap the LUN: $(cat /tmp/sync.out)"
sleep 5
kill -0 "$sync_pid" 2>/dev/null || die "sync replace returned with the old device suspended: $(cat /tmp/sync.out)"
# The control plane stays usable meanwhile, and new I/O goes to p0.
[ "$(nl_dump cleanup-get | jq -r '.[0]."cleanup-state"')" = draining ] ||
	die "sync replace not listed: $(nl_dump cleanup-get)"
timeout 20 sh -c "dd if=$sd of=/dev/null bs=4k count=4 skip=9 iflag=direct 2>/dev/null" ||
	die "new I/O did not complete during a sync replace"
dmsetup resume scst-p1
wait "$sync_pid" || die "sync replace failed: $(cat /tmp/sync.out)"
wait_stuck
cleanups_gone || die "sync replace returned before the cleanup was freed"

say "park"
r=$(nl lun-replace '{"target": "t0", "lun": 0, "device": "p1", "replace-flags": ["park"]}')
pid=$(echo "$r" | jq '."cleanup-id"')
[ "$pid" != null ] || die "no cleanup id for park: $r"
sleep 2
cl=$(nl_dump cleanup-get)
expect parked-state "$(echo "$cl" | jq -r '.[0]."cleanup-state"')" parked
expect parked-drained "$(echo "$cl" | jq '.[0]."cmds-inflight"')" 0
nl_fails device-del '{"device": "p0"}' "Device or resource busy" \
	"device 'p0' is held by pending cleanup $pid of an async LUN replace; release it first"
expect p0-users "$(nl device-get '{"device": "p0"}' | jq '."dev-users"')" 1
# The parked cleanup holds p0, which pins its handler's module.
modprobe -r scst_vdisk 2>/dev/null &&
	die "scst_vdisk was unloaded while a parked cleanup holds one of its devices"
grep -q '^scst_vdisk ' /proc/modules || die "scst_vdisk is gone"
nl_fails cleanup-release '{"cleanup-id": 999999}' "No such file or directory" \
	"cleanup 999999 does not exist"
nl_fails cleanup-release '{}' "Invalid argument" "either a cleanup id or"
nl_unpriv cleanup-release "{\"cleanup-id\": $pid}"
nl cleanup-release "{\"cleanup-id\": $pid}" >/dev/null
wait_until 30 cleanups_gone || die "released cleanup not freed"
expect p0-users "$(nl device-get '{"device": "p0"}' | jq '."dev-users"')" 0

say "global settings: async, then park, then leaving park releases"
nl global-set '{"async-lun-replace": 1}' >/dev/null
r=$(nl lun-replace '{"target": "t0", "lun": 0, "device": "p0"}')
[ "$(echo "$r" | jq '."cleanup-id"')" != null ] || die "global async gave no cleanup id: $r"
wait_until 30 cleanups_gone || die "async cleanup not freed"
nl global-set '{"async-lun-replace": 0, "park-lun-replace": 1}' >/dev/null
nl lun-replace '{"target": "t0", "lun": 0, "device": "p1"}' >/dev/null
nl lun-replace '{"target": "t0", "lun": 0, "device": "p0"}' >/dev/null
sleep 2
expect parked "$(nl_dump cleanup-get | jq '[.[] | select(."cleanup-state" == "parked")] | length')" 2
nl global-set '{"park-lun-replace": 0}' >/dev/null
wait_until 30 cleanups_gone || die "leaving park mode did not release: $(nl_dump cleanup-get)"

say "allocation failure falls back to sync"
echo 1 >/sys/module/scst/parameters/fail_cleanup_alloc
r=$(nl lun-replace '{"target": "t0", "lun": 0, "device": "p1", "replace-flags": ["async"]}')
expect fallback "$(echo "$r" | jq '."sync-fallback"')" true
expect fallback-id "$(echo "$r" | jq '."cleanup-id"')" null
cleanups_gone || die "fallback replace left a cleanup"
expect lun-dev "$(lun_dev)" p1

say "failed replace changes nothing"
nl_fails lun-replace '{"target": "t0", "lun": 0, "device": "nosuch"}' \
	"No such file or directory" "device 'nosuch' does not exist"
nl_fails lun-replace '{"target": "t0", "lun": 3, "device": "p0"}' \
	"No such file or directory" "LUN 3 does not exist in target 't0'"
nl_fails lun-replace '{"target": "t0", "lun": 0, "device": "p0", "replace-flags": 8}' \
	"Invalid argument" ""
nl_unpriv lun-replace '{"target": "t0", "lun": 0, "device": "p0"}'
expect lun-dev "$(lun_dev)" p1
io_ok || die "I/O after failed replaces"

kill "$listener"
wait "$listener" 2>/dev/null || true
nl target-del '{"target": "t0"}' >/dev/null
core_finish
dmsetup remove scst-p0
dmsetup remove scst-p1
losetup -d "$loopdev"
trap - EXIT
