#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every scstctl verb, each checked by what it changed: through the JSON
# listings (read with jq) and, for LUNs and sessions, through the SCSI
# disks scst_local shows (sg_vpd reads the unit serial number of the
# device behind each LUN).
# vm-timeout: 300
# vm-batch: cli
set -eu
. "$(dirname "$0")/cli-lib.sh"

S=$SCSTCTL
local_start

# global, with prefixes and the default verb
sc global set async_lun_replace on park_lun_replace off
g=$(scj global)
jq_is "$g" .async_lun_replace true
jq_is "$g" .park_lun_replace false
[ -n "$(printf '%s' "$g" | jq -r .version)" ] || die "no version"
sc glob se async_lun_replace off
jq_is "$(scj global show)" .async_lun_replace false
"$S" global | grep -qx 'async_lun_replace off' || die "text global show"

# handlers and drivers
jq_is "$(scj handler show)" '[.[].name] | index("vdisk_nullio") != null' true
jq_is "$(scj handler)" '.[] | select(.name == "vdisk_fileio") | .create_attrs | index("filename") != null' true
jq_is "$(scj driver show)" '.[] | select(.name == "scst_local") | .name' scst_local

# devices
truncate -s 8M /tmp/cli-f2.img
sc device add d0 handler vdisk_nullio size 16M usn SN-0 vendor ACME product 'Prod 0'
sc device add d1 handler vdisk_nullio size 32M usn SN-1 blocksize 4096
sc device add d2 handler vdisk_fileio filename /tmp/cli-f2.img usn SN-2
d=$(scj device show d0)
jq_is "$d" .size 16777216
jq_is "$d" .vendor ACME
jq_is "$d" .product 'Prod 0'
jq_is "$d" .handler vdisk_nullio
jq_is "$(scj device show d1)" .blocksize 4096
sc device set d0 size 20M
jq_is "$(scj dev sh d0)" .size 20971520
jq_is "$(scj device)" 'length' 3
"$S" device show | grep -q '^d2 handler vdisk_fileio .*filename /tmp/cli-f2.img' ||
	die "text device show"

# targets
sc target add t0 driver scst_local
jq_is "$(scj target show t0)" .driver scst_local
sc target set t0 enabled off
jq_is "$(scj target show t0)" .enabled false
sc target set t0 enabled on
jq_is "$(scj target)" '.[0].enabled' true

# groups and initiators
sc group add t0 ga
sc group add t0 gb
sc initiator add t0 ga 'iqn.2024-01.cli:a*'
sc initiator add t0 gb 'iqn.2024-01.cli:zzz'
sc initiator move t0 gb 'iqn.2024-01.cli:zzz' ga
jq_is "$(scj group show t0)" '.[] | select(.name == "ga") | .initiators | length' 2
jq_is "$(scj group show t0)" '.[] | select(.name == "gb") | .initiators | length' 0
sc initiator del t0 ga 'iqn.2024-01.cli:zzz'
jq_is "$(scj initiator show t0)" 'length' 1
jq_is "$(scj initiator)" '.[0].initiator' 'iqn.2024-01.cli:a*'

# LUNs
sc lun add t0 0 d0
sc lun add t0 group ga 0 d1
sc lun add t0 group ga 1 d2 read_only on
l=$(scj lun show t0 group ga)
jq_is "$l" 'length' 2
jq_is "$l" '.[] | select(.lun == 1) | .read_only' true
jq_is "$l" '.[] | select(.lun == 0) | .device' d1
jq_is "$(scj lun show t0)" '[.[] | select(.group == null)] | length' 1
jq_is "$(scj lun)" 'length' 3

# sessions: one in group ga, one in the default group
sc session add t0 iqn.2024-01.cli:a1 name sa
sc session add t0 iqn.2024-01.cli:other
s=$(scj session show t0)
jq_is "$s" 'length' 2
jq_is "$s" '.[] | select(.name == "sa") | .group' ga
ha=$(printf '%s' "$s" | jq -r '.[] | select(.name == "sa") | .scsi_host')
ho=$(printf '%s' "$s" | jq -r '.[] | select(.initiator == "iqn.2024-01.cli:other") | .scsi_host')
[ "$ha" = "$(wait_host t0 iqn.2024-01.cli:a1)" ] || die "session sa is not on host$ha"
a0=$(wait_disk "$ha" 0)
o0=$(wait_disk "$ho" 0)
[ "$(inq_serial "$a0")" = SN-1 ] || die "group ga LUN 0 is not d1"
[ "$(inq_serial "$o0")" = SN-0 ] || die "default group LUN 0 is not d0"

# replace: another block size is refused and changes nothing; sync, async
# with --wait, parked and released
expect_fail 1 "block size" lun replace t0 group ga 0 d0
jq_is "$(scj lun show t0 group ga)" '.[] | select(.lun == 0) | .device' d1
[ "$(inq_serial "$a0")" = SN-1 ] || die "a refused replace changed ga LUN 0"
sc device add d3 handler vdisk_nullio size 16M usn SN-3 blocksize 4096
sc lun replace t0 group ga 0 d3
[ "$(inq_serial "$a0")" = SN-3 ] || die "after replace, ga LUN 0 is not d3"
r=$(scj lun replace t0 group ga 0 d1 --async --wait=60)
id=$(printf '%s' "$r" | jq -r .cleanup_id)
[ "$id" -gt 0 ] || die "async replace gave no cleanup id: $r"
jq_is "$(scj cleanup show)" "[.[] | select(.id == $id)] | length" 0
[ "$(inq_serial "$a0")" = SN-1 ] || die "after async replace, ga LUN 0 is not d1"
id=$(scj lun replace t0 group ga 0 d3 --park --no-ua | jq -r .cleanup_id)
c=$(scj cleanup list)
jq_is "$c" ".[] | select(.id == $id) | .state" parked
jq_is "$c" ".[] | select(.id == $id) | .old_device" d1
sc cleanup release "$id"
wait_until 30 sh -c "[ \"\$($S -j cleanup | jq length)\" = 0 ]" ||
	die "cleanup $id still listed after release"
sc lun replace t0 group ga 0 d1 --park
sc cleanup release all
wait_until 30 sh -c "[ \"\$($S -j cleanup | jq length)\" = 0 ]" ||
	die "cleanups still listed after release all"

# deletions
sc lun del t0 group ga 1
jq_is "$(scj lun show t0 group ga)" 'length' 1
sc lun clear t0 group ga
jq_is "$(scj lun show t0 group ga)" 'length' 0
sc initiator clear t0 ga
jq_is "$(scj initiator show t0)" 'length' 0
sc session del t0 sa
wait_until 30 local_no_host "$ha" || die "host$ha still there after session del"
sc group del t0 gb
jq_is "$(scj group show t0)" 'length' 1
sc lun del t0 0
sc target del t0
jq_is "$(scj target)" 'length' 0
sc device del d2
sc device del d3
jq_is "$(scj device)" 'length' 2

# config show prints the configuration, and the version is ours
"$S" config show | grep -q '^HANDLER vdisk_nullio {$' || die "config show"
[ "$("$S" -V)" = "scstctl $(cat VERSION)" ] || die "scstctl -V"

local_finish
