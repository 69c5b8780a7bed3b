#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The object model over netlink, driven by the kernel's YNL client: global
# settings, handlers, devices, drivers, targets, groups, initiators, LUNs
# and sessions; every operation and its error paths (bad names, duplicates,
# missing objects, unknown attributes, unprivileged callers); the events
# that announce the changes; deleting a target with live sessions.
# vm-timeout: 300
# vm-batch: core
set -eu
. "$(dirname "$0")/core-lib.sh"

core_load
modprobe scst_vdisk
modprobe scst_local

# Events: listen for the whole case, check at the end.
events=/tmp/core-objects.events
"$YNL" --events >"$events" 2>/tmp/core-objects.listener &
listener=$!
wait_until 120 grep -q listening /tmp/core-objects.listener ||
	die "event listener did not start"

say "global settings"
g=$(nl global-get)
expect version "$(echo "$g" | jq -r '.version')" "$(cat VERSION)"
expect async "$(echo "$g" | jq '."async-lun-replace"')" 0
expect park "$(echo "$g" | jq '."park-lun-replace"')" 0
gen0=$(echo "$g" | jq '.generation')
nl global-set '{"async-lun-replace": 1}' >/dev/null
expect async-set "$(nl global-get | jq '."async-lun-replace"')" 1
nl global-set '{"async-lun-replace": 0}' >/dev/null
nl_fails global-set '{"async-lun-replace": 2}' "Numerical result out of range" "bad-attr\":\".async-lun-replace"
nl_fails global-get '{"lun": 1}' "Invalid argument" ""
nl_unpriv global-set '{"async-lun-replace": 1}'
[ "$(nl global-get | jq '.generation')" -gt "$gen0" ] ||
	die "generation did not move"

say "handlers and drivers"
h=$(nl_dump handler-get)
expect nullio "$(count "$h" '.handler == "vdisk_nullio"')" 1
echo "$h" | jq -e '.[] | select(.handler == "vdisk_nullio") |
	."create-attr" | index("size")' >/dev/null ||
	die "vdisk_nullio does not list 'size': $h"
expect scst_local "$(count "$(nl_dump driver-get)" '.driver == "scst_local"')" 1

say "devices"
nl device-new '{"handler": "vdisk_nullio", "device": "d0", "dev-size": 1048576}' >/dev/null
nl device-new '{"handler": "vdisk_nullio", "device": "d1"}' >/dev/null
nl_fails device-new '{"handler": "vdisk_nullio", "device": "d0"}' \
	"File exists" "device 'd0' already exists"
nl_fails device-new '{"handler": "vdisk_nullio", "device": "a/b"}' \
	"Invalid argument" "invalid device name 'a/b'"
nl_fails device-new '{"handler": "vdisk_nullio", "device": "a b"}' \
	"Invalid argument" "invalid device name"
nl_fails device-new '{"handler": "vdisk_nullio", "device": ""}' \
	"Invalid argument" "invalid device name"
nl_fails device-new '{"handler": "nosuch", "device": "d9"}' \
	"No such file or directory" "handler 'nosuch' is not loaded"
nl_fails device-new '{"device": "d9"}' "Invalid argument" "miss-type"
nl_fails device-new '{"handler": "vdisk_nullio", "device": "d9", "dev-filename": "/tmp/x"}' \
	"Invalid argument" "handler 'vdisk_nullio' does not accept attribute 'filename'"
nl_fails device-new '{"handler": "vdisk_nullio", "device": "d9", "lun": 1}' \
	"Invalid argument" "Unsupported attribute"
nl_fails device-new '{"handler": "vdisk_nullio", "device": "d9", "dev-vendor": "TOOLONGVENDOR"}' \
	"" ""
nl_unpriv device-new '{"handler": "vdisk_nullio", "device": "d9"}'
d=$(nl device-get '{"device": "d0"}')
expect d0-handler "$(echo "$d" | jq -r '.handler')" vdisk_nullio
expect d0-size "$(echo "$d" | jq '."dev-size"')" 1048576
expect d0-users "$(echo "$d" | jq '."dev-users"')" 0
nl_fails device-get '{"device": "nosuch"}' "No such file or directory" \
	"device 'nosuch' does not exist"
expect devices "$(nl_dump device-get | jq length)" 2
# The listing works without privileges.
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$YNL" --output-json --dump device-get | jq -e 'length == 2' >/dev/null ||
	die "unprivileged listing failed"
nl_fails device-set '{"device": "nosuch", "dev-read-only": 1}' \
	"No such file or directory" "device 'nosuch' does not exist"

say "targets"
nl target-new '{"driver": "scst_local", "target": "t0"}' >/dev/null
nl_fails target-new '{"driver": "scst_local", "target": "t0"}' "File exists" \
	"target 't0' already exists (driver 'scst_local')"
nl_fails target-new '{"driver": "nosuch", "target": "t1"}' \
	"No such file or directory" "driver 'nosuch' is not loaded"
nl_fails target-new '{"driver": "scst_local", "target": "bad/name"}' \
	"Invalid argument" "invalid target name 'bad/name'"
nl_unpriv target-new '{"driver": "scst_local", "target": "t1"}'
t=$(nl target-get '{"target": "t0"}')
expect t0-driver "$(echo "$t" | jq -r '.driver')" scst_local
[ "$(echo "$t" | jq '."rel-tgt-id"')" -ge 1 ] || die "no relative target id: $t"
expect t0-sessions "$(echo "$t" | jq '."nr-sessions"')" 0
nl_fails target-get '{"target": "nosuch"}' "No such file or directory" \
	"target 'nosuch' does not exist"
nl target-set '{"target": "t0", "target-enabled": 1}' >/dev/null
expect t0-enabled "$(nl target-get '{"target": "t0"}' | jq '."target-enabled"')" 1
nl_fails target-set '{"target": "t0", "target-param": "nosuch=1"}' \
	"" "has no target parameter 'nosuch'"

say "groups and initiators"
nl group-new '{"target": "t0", "group": "g1"}' >/dev/null
nl group-new '{"target": "t0", "group": "g2"}' >/dev/null
nl_fails group-new '{"target": "t0", "group": "g1"}' "File exists" \
	"group 'g1' already exists in target 't0'"
nl_fails group-new '{"target": "nosuch", "group": "g1"}' \
	"No such file or directory" "target 'nosuch' does not exist"
nl_fails group-new '{"target": "t0", "group": "g 1"}' "Invalid argument" \
	"invalid group name"
nl_fails group-del '{"target": "t0", "group": "nosuch"}' \
	"No such file or directory" "group 'nosuch' does not exist in target 't0'"
nl initiator-add '{"target": "t0", "group": "g1", "initiator": "iqn.g1:*"}' >/dev/null
nl initiator-add '{"target": "t0", "group": "g1", "initiator": "!iqn.g1:bad"}' >/dev/null
nl initiator-add '{"target": "t0", "group": "g2", "initiator": "iqn.g2:?"}' >/dev/null
nl_fails initiator-add '{"target": "t0", "group": "g2", "initiator": "iqn.g1:*"}' \
	"File exists" "initiator 'iqn.g1:*' is already in group 'g1' of target 't0'"
nl_fails initiator-del '{"target": "t0", "group": "g2", "initiator": "nosuch"}' \
	"No such file or directory" "initiator 'nosuch' is not in group 'g2'"
nl_fails initiator-add '{"target": "t0", "group": "g2", "initiator": "has space"}' \
	"Invalid argument" "invalid initiator name"
nl_fails initiator-move '{"target": "t0", "group": "g2", "initiator": "iqn.g2:?", "new-group": "nosuch"}' \
	"No such file or directory" "group 'nosuch' does not exist"
nl_unpriv initiator-add '{"target": "t0", "group": "g2", "initiator": "x"}'
gr=$(nl_dump group-get '{"target": "t0"}')
expect groups "$(echo "$gr" | jq length)" 2
expect g1-inis "$(echo "$gr" | jq -c '.[] | select(.group == "g1") | .initiator')" \
	'["iqn.g1:*","!iqn.g1:bad"]'
nl_dump_fails group-get '{"target": "nosuch"}' "No such file or directory" \
	"target 'nosuch' does not exist"

say "LUNs"
nl lun-new '{"target": "t0", "lun": 0, "device": "d0"}' >/dev/null
nl lun-new '{"target": "t0", "lun": 300, "device": "d1", "lun-read-only": 1}' >/dev/null
nl lun-new '{"target": "t0", "group": "g1", "lun": 0, "device": "d1"}' >/dev/null
nl lun-new '{"target": "t0", "group": "g1", "lun": 5, "device": "d0"}' >/dev/null
nl_fails lun-new '{"target": "t0", "lun": 0, "device": "d1"}' "File exists" \
	"LUN 0 already exists in target 't0'"
nl_fails lun-new '{"target": "t0", "group": "g1", "lun": 5, "device": "d1"}' \
	"File exists" "LUN 5 already exists in group 'g1' of target 't0'"
nl_fails lun-new '{"target": "t0", "lun": 1, "device": "nosuch"}' \
	"No such file or directory" "device 'nosuch' does not exist"
nl_fails lun-new '{"target": "t0", "lun": 16384, "device": "d0"}' \
	"Numerical result out of range" ""
nl_fails lun-new '{"target": "t0", "group": "nosuch", "lun": 1, "device": "d0"}' \
	"No such file or directory" "group 'nosuch' does not exist in target 't0'"
nl_fails lun-del '{"target": "t0", "lun": 7}' "No such file or directory" \
	"LUN 7 does not exist in target 't0'"
nl_unpriv lun-new '{"target": "t0", "lun": 9, "device": "d0"}'
l=$(nl_dump lun-get)
expect luns "$(echo "$l" | jq length)" 4
expect lun300 "$(echo "$l" | jq -c '.[] | select(.lun == 300 and .group == null) |
	[.device, ."lun-read-only"]')" '["d1",1]'
expect g1-luns "$(nl_dump lun-get '{"target": "t0", "group": "g1"}' | jq -c '[.[].lun]')" '[0,5]'
expect d0-users "$(nl device-get '{"device": "d0"}' | jq '."dev-users"')" 2
nl_fails device-del '{"device": "d0"}' "Device or resource busy" \
	"device 'd0' is used by LUN"

say "sessions"
nl session-new '{"target": "t0", "initiator": "iqn.other:1"}' >/dev/null
nl session-new '{"target": "t0", "initiator": "iqn.g1:a", "session": "s-g1"}' >/dev/null
nl session-new '{"target": "t0", "initiator": "iqn.g1:bad"}' >/dev/null
nl_fails session-new '{"target": "t0", "initiator": "iqn.x", "session": "s-g1"}' \
	"File exists" "session 's-g1' already exists in target 't0'"
nl_fails session-new '{"target": "nosuch", "initiator": "iqn.x"}' \
	"No such file or directory" "target 'nosuch' does not exist"
nl_unpriv session-new '{"target": "t0", "initiator": "iqn.x"}'
s=$(nl_dump session-get '{"target": "t0"}')
expect sessions "$(echo "$s" | jq length)" 3
expect s-g1-group "$(echo "$s" | jq -r '.[] | select(.session == "s-g1") | .group')" g1
expect other-group "$(echo "$s" | jq -r '.[] | select(.initiator[0] == "iqn.other:1") | .group')" null
expect bad-group "$(echo "$s" | jq -r '.[] | select(.initiator[0] == "iqn.g1:bad") | .group')" null
echo "$s" | jq -e 'all(."scsi-host" != null)' >/dev/null || die "no SCSI host: $s"
expect t0-sessions "$(nl target-get '{"target": "t0"}' | jq '."nr-sessions"')" 3
# Moving a pattern moves the sessions it matches.
nl initiator-move '{"target": "t0", "group": "g1", "initiator": "iqn.g1:*", "new-group": "g2"}' >/dev/null
expect moved "$(nl_dump session-get | jq -r '.[] | select(.session == "s-g1") | .group')" g2
nl initiator-move '{"target": "t0", "group": "g2", "initiator": "iqn.g1:*", "new-group": "g1"}' >/dev/null
expect back "$(nl_dump session-get | jq -r '.[] | select(.session == "s-g1") | .group')" g1
nl session-del '{"target": "t0", "session": "iqn.other:1"}' >/dev/null
nl_fails session-del '{"target": "t0", "session": "iqn.other:1"}' \
	"No such file or directory" "session 'iqn.other:1' does not exist in target 't0'"
expect sessions "$(nl_dump session-get | jq length)" 2

say "deleting and clearing"
nl lun-del '{"target": "t0", "lun": 300}' >/dev/null
nl lun-clear '{"target": "t0", "group": "g1"}' >/dev/null
expect g1-luns "$(nl_dump lun-get '{"target": "t0", "group": "g1"}' | jq length)" 0
nl initiator-clear '{"target": "t0", "group": "g1"}' >/dev/null
expect cleared "$(nl_dump session-get | jq -r '.[] | select(.session == "s-g1") | .group')" null
nl group-del '{"target": "t0", "group": "g1"}' >/dev/null
nl initiator-del '{"target": "t0", "group": "g2", "initiator": "iqn.g2:?"}' >/dev/null
# Deleting a target with live sessions closes them.
nl target-del '{"target": "t0"}' >/dev/null
expect targets "$(nl_dump target-get | jq length)" 0
expect sessions "$(nl_dump session-get | jq length)" 0
nl_fails target-del '{"target": "t0"}' "No such file or directory" \
	"target 't0' does not exist"
nl device-del '{"device": "d0"}' >/dev/null
nl device-del '{"device": "d1"}' >/dev/null
nl_fails device-del '{"device": "d1"}' "No such file or directory" \
	"device 'd1' does not exist"

say "events"
sleep 1
kill "$listener"
wait "$listener" 2>/dev/null || true
for ev in device-new lun-new lun-del lun-clear group-new group-del \
	initiator-add initiator-move target-new target-set target-del \
	session-new session-del device-del global-set; do
	grep -q "\"name\": \"$ev\"" "$events" ||
		die "no $ev event in: $(cat "$events" /tmp/core-objects.listener)"
done
grep -q '"name": "device-new", "msg": {"handler": "vdisk_nullio", "device": "d0"}' "$events" ||
	die "device-new event does not name the device: $(grep device-new "$events")"

core_finish
