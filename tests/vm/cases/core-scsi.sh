#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What the core answers itself, seen by a Linux initiator through
# scst_local: REPORT LUNS (peripheral and flat addressing), LUNs that do not
# exist, unit attentions (power on, LUN inventory, capacity, inquiry data),
# a read-only LUN, SPC-2 RESERVE/RELEASE between two I_T nexuses and their
# release by I_T nexus loss and LUN reset, and the group a session sees.
# vm-timeout: 400
# vm-batch: local
set -eu
. "$(dirname "$0")/core-lib.sh"

core_load
modprobe scst_vdisk
modprobe scst_local

# sess_host SESSION: the SCSI host of a session, from the core's listing.
sess_host() {
	nl_dump session-get '{"target": "t0"}' |
		jq -r ".[] | select(.session == \"$1\") | .\"scsi-host\""
}

# turs DEV: the sense of one TEST UNIT READY (empty if GOOD).
turs() {
	sg_turs -v "$1" 2>&1 || true
}

# clear_ua DEV: consume pending unit attentions.
clear_ua() {
	local i
	for i in 1 2 3 4 5 6 7 8 9; do
		turs "$1" | grep -qi 'unit attention' || return 0
	done
	die "unit attentions on $1 do not stop"
}

nl device-new '{"handler": "vdisk_nullio", "device": "d0", "dev-size": 67108864}' >/dev/null
nl device-new '{"handler": "vdisk_nullio", "device": "d1", "dev-size": 67108864}' >/dev/null
nl device-new '{"handler": "vdisk_nullio", "device": "d2", "dev-size": 67108864}' >/dev/null
nl device-new '{"handler": "vdisk_nullio", "device": "d3", "dev-size": 67108864}' >/dev/null
nl target-new '{"driver": "scst_local", "target": "t0"}' >/dev/null
nl lun-new '{"target": "t0", "lun": 0, "device": "d0"}' >/dev/null
nl lun-new '{"target": "t0", "lun": 1, "device": "d1", "lun-read-only": 1}' >/dev/null
nl group-new '{"target": "t0", "group": "g"}' >/dev/null
nl initiator-add '{"target": "t0", "group": "g", "initiator": "iqn.g:*"}' >/dev/null
nl lun-new '{"target": "t0", "group": "g", "lun": 4, "device": "d3"}' >/dev/null
nl session-new '{"target": "t0", "initiator": "iqn.a", "session": "a"}' >/dev/null
nl session-new '{"target": "t0", "initiator": "iqn.b", "session": "b"}' >/dev/null
nl session-new '{"target": "t0", "initiator": "iqn.g:1", "session": "g"}' >/dev/null
ha=$(sess_host a)
hb=$(sess_host b)
hg=$(sess_host g)
a0=$(wait_disk "$ha" 0)
a1=$(wait_disk "$ha" 1)
b0=$(wait_disk "$hb" 0)
g4=$(wait_disk "$hg" 4)
say "host a=$ha ($a0 $a1) b=$hb ($b0) g=$hg ($g4)"

say "groups: each session sees its group's LUNs only"
no_disk "$hg" 0 || die "session of group g sees LUN 0 of the default group"
no_disk "$ha" 4 || die "session of the default group sees LUN 4 of group g"
sg_luns "$g4" | grep -q '^    0004000000000000$' || die "REPORT LUNS of g: $(sg_luns "$g4")"
[ "$(sg_luns "$g4" | grep -c '^    [0-9a-f]\{16\}$')" = 1 ] ||
	die "REPORT LUNS of g lists more than LUN 4: $(sg_luns "$g4")"

say "REPORTED LUNS DATA HAS CHANGED after a LUN add, once"
# The midlayer's scan consumed the first ones; a new session's first
# command to a LUN nobody touched yet must still see it.
nl lun-new '{"target": "t0", "lun": 2, "device": "d2"}' >/dev/null
a2=$(wait_disk "$ha" 2)
out=$(turs "$a0")
echo "$out" | grep -qi "reported luns data has changed" ||
	die "no REPORTED LUNS DATA HAS CHANGED on LUN 0 after a LUN add: $out"
out=$(turs "$a0")
[ -z "$(echo "$out" | grep -i 'unit attention')" ] || die "unit attention twice: $out"

say "REPORT LUNS"
nl lun-new '{"target": "t0", "lun": 300, "device": "d2"}' >/dev/null
out=$(sg_luns "$a0")
for l in 0000000000000000 0001000000000000 0002000000000000 412c000000000000; do
	echo "$out" | grep -q "^    $l\$" || die "REPORT LUNS lacks $l: $out"
done
echo "$out" | grep -q '^    0004' && die "REPORT LUNS of the default group lists LUN 4: $out"
wait_disk "$ha" 300 >/dev/null

say "LUN that does not exist"
# INQUIRY answers peripheral qualifier 3: the midlayer adds no device.
echo "0 0 7" >"/sys/class/scsi_host/host$ha/scan" 2>/dev/null || true
sleep 1
no_disk "$ha" 7 || die "a device appeared for unmapped LUN 7"
nl lun-del '{"target": "t0", "lun": 300}' >/dev/null
wait_until 30 no_disk "$ha" 300 || die "LUN 300 still has a disk after lun-del"

say "read-only LUN"
head -c 4096 /dev/zero >/tmp/zero4k
clear_ua "$a1"
clear_ua "$a0"
out=$(sg_raw -R -v -s 4096 -i /tmp/zero4k "$a1" 2a 00 00 00 00 00 00 00 08 00 2>&1 || true)
echo "$out" | grep -qi "data protect" || die "write to a read-only LUN: $out"
echo "$out" | grep -qi "write protected" || die "write to a read-only LUN: $out"
out=$(sg_raw -R -v -r 4096 "$a1" 28 00 00 00 00 00 00 00 08 00 2>&1) ||
	die "read from a read-only LUN failed: $out"
dd if=/tmp/zero4k of="$a0" bs=4096 count=1 oflag=direct 2>/dev/null ||
	die "write to a writable LUN failed"

say "capacity data has changed"
clear_ua "$a0"
nl device-set '{"device": "d0", "dev-size": 134217728}' >/dev/null
out=$(turs "$a0")
echo "$out" | grep -qi "capacity data has changed" || die "after resize: $out"
[ "$(nl device-get '{"device": "d0"}' | jq '."dev-size"')" = 134217728 ] ||
	die "size not reported"

say "inquiry data has changed after replace, not with no-ua"
clear_ua "$a2"
nl lun-replace '{"target": "t0", "lun": 2, "device": "d3"}' >/dev/null
out=$(turs "$a2")
echo "$out" | grep -qi "inquiry data has changed" || die "after replace: $out"
nl lun-replace '{"target": "t0", "lun": 2, "device": "d2", "replace-flags": ["no-ua"]}' >/dev/null
out=$(turs "$a2")
[ -z "$(echo "$out" | grep -i 'unit attention')" ] || die "no-ua replace raised: $out"

say "SPC-2 reservations"
clear_ua "$a0"
clear_ua "$b0"
sg_raw "$a0" 16 00 00 00 00 00 >/dev/null 2>&1 || die "RESERVE(6) from a failed"
sg_raw "$a0" 16 00 00 00 00 00 >/dev/null 2>&1 || die "second RESERVE(6) from a failed"
out=$(turs "$b0")
echo "$out" | grep -qi "reservation conflict" || die "TUR from b on a's reservation: $out"
sg_inq "$b0" >/dev/null 2>&1 || die "INQUIRY from b refused under a's reservation"
out=$(sg_raw -v "$b0" 16 00 00 00 00 00 2>&1 || true)
echo "$out" | grep -qi "reservation conflict" || die "RESERVE from b: $out"
sg_raw "$b0" 17 00 00 00 00 00 >/dev/null 2>&1 || die "RELEASE from b failed"
out=$(turs "$b0")
echo "$out" | grep -qi "reservation conflict" || die "RELEASE by b freed a's reservation: $out"
# I_T nexus loss frees it.
nl session-del '{"target": "t0", "session": "a"}' >/dev/null
out=$(turs "$b0")
echo "$out" | grep -qi "reservation conflict" && die "reservation survived the session: $out"
# So does a LUN reset, with a reset unit attention.
sg_raw "$b0" 16 00 00 00 00 00 >/dev/null 2>&1 || die "RESERVE from b failed"
nl session-new '{"target": "t0", "initiator": "iqn.a", "session": "a"}' >/dev/null
ha=$(sess_host a)
a0=$(wait_disk "$ha" 0)
clear_ua "$a0"
out=$(turs "$a0")
echo "$out" | grep -qi "reservation conflict" || die "TUR from a on b's reservation: $out"
sg_reset -d "$b0" >/dev/null 2>&1 || die "LUN reset failed"
out=$(turs "$a0")
echo "$out" | grep -qi "power on, reset, or bus device reset occurred" ||
	die "no reset unit attention: $out"
out=$(turs "$a0")
[ -z "$(echo "$out" | grep -i 'reservation conflict\|unit attention')" ] ||
	die "after LUN reset: $out"
sg_raw "$a0" 17 00 00 00 00 00 >/dev/null 2>&1 || die "RELEASE from a failed"

say "LUN delete with sessions, REPORTED LUNS DATA HAS CHANGED"
clear_ua "$a0"
nl lun-del '{"target": "t0", "lun": 2}' >/dev/null
out=$(turs "$a0")
echo "$out" | grep -qi "reported luns data has changed" || die "after lun-del: $out"
wait_until 30 no_disk "$ha" 2 || die "LUN 2 still has a disk after lun-del"

core_finish
