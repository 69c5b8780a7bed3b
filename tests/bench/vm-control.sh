#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Control-path benchmark, run inside one VM boot by tests/bench/run. For
# each size N (SCST_BENCH_LUNS, default "1000 10000"): N / 10 devices,
# N / 10 targets, ten LUNs per target, then a full listing, then clearing
# everything, done
#   scstctl-each  one scstctl process per object, as a shell script would
#                 (only up to SCST_BENCH_EACH_MAX LUNs, default 1000)
#   config-load   one `scstctl config load` of a generated scst.conf,
#                 `scstctl -j lun show`, `scstctl config clear`
#   libscstctl    tests/bench/ctlbench, one process through the library
#   rtslib        LIO through rtslib-fb, targetcli's library: restore of the
#                 equivalent saveconfig.json (rd_mcp nullio, tcm_loop), a
#                 listing, clear_existing (only up to SCST_BENCH_LIO_MAX
#                 LUNs, default 1000: under emulation it takes minutes)
# Results go to $SCST_VM_OUT/control.csv as "tool,size,step,seconds".
#
# Then LUN replace under stuck I/O: three reads stuck in a suspended
# device-mapper device under vdisk_blockio, and the time `scstctl lun
# replace` takes to return, synchronous (the device is resumed after
# SCST_BENCH_HOLD seconds, default 5), --async and --park. Results in
# $SCST_VM_OUT/replace.csv as "mode,seconds,held".
set -euo pipefail

out=${SCST_VM_OUT:-/tmp}
sizes=${SCST_BENCH_LUNS:-"1000 10000"}
each_max=${SCST_BENCH_EACH_MAX:-1000}
lio_max=${SCST_BENCH_LIO_MAX:-1000}
scstctl=$PWD/scstctl/scstctl
ctlbench=$PWD/build/bench/ctlbench
csv=$out/control.csv
echo "tool,size,step,seconds" >"$csv"

log() { printf '[control %s] %s\n' "$(date +%T)" "$*"; }
now() { date +%s.%N; }
since() { awk "BEGIN { printf \"%.3f\", $(now) - $1 }"; }
row() {	# tool size step seconds
	echo "$1,$2,$3,$4" >>"$csv"
	log "$1 $2 LUNs: $3 ${4}s"
}

modprobe scst
modprobe scst_vdisk
modprobe scst_local

# Nothing of this project left configured: every tool starts from empty.
scst_empty() {
	local n
	n=$("$scstctl" -j lun show | jq length)
	[ "$n" = 0 ] || { echo "control: $n LUNs left over" >&2; exit 1; }
}

# list_luns TOOL N: time a full listing with scstctl, which must show N.
list_luns() {
	local t got
	t=$(now)
	"$scstctl" -j lun show >/tmp/luns.json
	row "$1" "$2" list "$(since "$t")"
	got=$(jq length /tmp/luns.json)
	[ "$got" = "$2" ] || { echo "control: $1 made $got LUNs, not $2" >&2; exit 1; }
}

run_each() {	# N
	local n=$1 t i l
	local nt=$((n / 10))
	t=$(now)
	for ((i = 0; i < nt; i++)); do
		"$scstctl" device add "bd$i" handler vdisk_nullio size 64M
	done
	for ((i = 0; i < nt; i++)); do
		"$scstctl" target add "bt$i" driver scst_local
	done
	for ((i = 0; i < nt; i++)); do
		for ((l = 0; l < 10; l++)); do
			"$scstctl" lun add "bt$i" "$l" "bd$i"
		done
	done
	row scstctl-each "$n" create "$(since "$t")"
	list_luns scstctl-each "$n"
	t=$(now)
	for ((i = 0; i < nt; i++)); do
		"$scstctl" lun clear "bt$i"
		"$scstctl" target del "bt$i"
	done
	for ((i = 0; i < nt; i++)); do
		"$scstctl" device del "bd$i"
	done
	row scstctl-each "$n" clear "$(since "$t")"
}

run_config() {	# N
	local n=$1 t i l nt=$(($1 / 10)) f=/tmp/bench.conf
	{
		echo "HANDLER vdisk_nullio {"
		for ((i = 0; i < nt; i++)); do
			printf '\tDEVICE bd%d {\n\t\tsize 64M\n\t}\n' "$i"
		done
		echo "}"
		echo "TARGET_DRIVER scst_local {"
		for ((i = 0; i < nt; i++)); do
			printf '\tTARGET bt%d {\n' "$i"
			for ((l = 0; l < 10; l++)); do
				printf '\t\tLUN %d bd%d\n' "$l" "$i"
			done
			printf '\t}\n'
		done
		echo "}"
	} >"$f"
	t=$(now)
	"$scstctl" config load "$f" >/dev/null
	row config-load "$n" create "$(since "$t")"
	list_luns config-load "$n"
	t=$(now)
	"$scstctl" config clear >/dev/null
	row config-load "$n" clear "$(since "$t")"
}

run_lib() {	# N
	"$ctlbench" "$1" >/tmp/ctlbench.out
	row libscstctl "$1" create "$(awk '$1 ~ /^(devices|targets|luns)$/ { s += $3 }
		END { printf "%.3f", s }' /tmp/ctlbench.out)"
	row libscstctl "$1" list "$(awk '$1 == "list" { print $3 }' /tmp/ctlbench.out)"
	row libscstctl "$1" clear "$(awk '$1 == "clear" { print $3 }' /tmp/ctlbench.out)"
}

lio_ready=
lio_setup() {
	[ -n "$lio_ready" ] && return "$lio_ready"
	lio_ready=1
	/usr/bin/python3 -c 'import rtslib_fb' 2>/dev/null ||
		{ log "rtslib (targetcli-fb) is not installed: no LIO rows"; return 1; }
	modprobe configfs
	mountpoint -q /sys/kernel/config || mount -t configfs configfs /sys/kernel/config
	modprobe target_core_mod && modprobe tcm_loop ||
		{ log "LIO modules missing: no LIO rows"; return 1; }
	lio_ready=0
}

# LIO through rtslib, the library under targetcli (targetcli itself wants a
# D-Bus system bus that the VM does not run): what `targetcli
# restoreconfig`, `ls` and `clearconfig` do, in one process each.
lio_py() {	# OP FILE N
	/usr/bin/python3 - "$@" <<'EOF'
import json, sys
from rtslib_fb import RTSRoot
op, path, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
root = RTSRoot()
if op == "make":
    nt = n // 10
    sos = [{"plugin": "ramdisk", "name": "bd%d" % i, "size": 64 << 20,
            "nullio": True} for i in range(nt)]
    tgts = [{"fabric": "loopback", "wwn": "naa.5001405%09x" % i,
             "tpgs": [{"tag": 1, "enable": True,
                       "luns": [{"index": l,
                                 "storage_object": "/backstores/ramdisk/bd%d" % i}
                                for l in range(10)]}]} for i in range(nt)]
    with open(path, "w") as f:
        json.dump({"storage_objects": sos, "targets": tgts}, f)
elif op == "restore":
    errs = root.restore_from_file(path, clear_existing=True, abort_on_error=True)
    if errs:
        sys.exit("restore: %s" % errs[:3])
elif op == "list":
    got = sum(1 for t in root.targets for tpg in t.tpgs for l in tpg.luns)
    if got != n:
        sys.exit("listed %d LUNs, not %d" % (got, n))
elif op == "clear":
    root.clear_existing(confirm=True)
EOF
}

run_lio() {	# N
	local n=$1 t f=/tmp/lio.json
	lio_setup || return 0
	lio_py make "$f" "$n"
	t=$(now)
	lio_py restore "$f" "$n" 2>/tmp/lio.err ||
		{ log "rtslib restore failed: $(tail -n 2 /tmp/lio.err)"; return 0; }
	row rtslib "$n" create "$(since "$t")"
	t=$(now)
	lio_py list "$f" "$n" || log "rtslib lists the wrong number of LUNs"
	row rtslib "$n" list "$(since "$t")"
	t=$(now)
	lio_py clear "$f" "$n"
	row rtslib "$n" clear "$(since "$t")"
}

# ---- LUN replace under stuck I/O --------------------------------------------
hold=${SCST_BENCH_HOLD:-5}
rcsv=$out/replace.csv
echo "mode,seconds,held" >"$rcsv"

inflight() {
	"$scstctl" -j session show rt | jq '.[0].cmds_inflight'
}

run_replace() {
	local loopdev host sd i mode from to t secs pids
	modprobe loop
	modprobe dm-mod
	truncate -s 64M /tmp/rstore.img
	loopdev=$(losetup -f --show /tmp/rstore.img)
	dmsetup create rp0 --table "0 131072 linear $loopdev 0"
	dmsetup create rp1 --table "0 131072 linear $loopdev 0"
	dmsetup mknodes
	"$scstctl" device add rp0 handler vdisk_blockio filename /dev/mapper/rp0
	"$scstctl" device add rp1 handler vdisk_blockio filename /dev/mapper/rp1
	"$scstctl" target add rt driver scst_local
	"$scstctl" lun add rt 0 rp0
	"$scstctl" session add rt iqn.2026-11.org.example:replace
	for i in $(seq 100); do
		host=$("$scstctl" -j session show rt | jq -r '.[0].scsi_host')
		sd=$(ls /sys/class/scsi_host/host"$host"/device/target*/*:0/block 2>/dev/null || true)
		[ -n "$sd" ] && break
		sleep 0.2
	done
	[ -n "$sd" ] || { echo "control: no disk for the replace test" >&2; exit 1; }
	echo 300 >"/sys/block/$sd/device/timeout"
	from=rp0 to=rp1
	for mode in sync async park; do
		dmsetup suspend "$from"
		pids=()
		for i in 1 2 3; do
			dd if="/dev/$sd" of=/dev/null bs=4k count=1 skip=$((i * 100 + RANDOM % 50)) \
				iflag=direct 2>/dev/null &
			pids+=($!)
		done
		for i in $(seq 150); do
			[ "$(inflight)" -ge 3 ] && break
			sleep 0.2
		done
		[ "$mode" = sync ] && (sleep "$hold"; dmsetup resume "$from") &
		t=$(now)
		case $mode in
		sync) "$scstctl" lun replace rt 0 "$to" --no-ua >/dev/null ;;
		async) "$scstctl" lun replace rt 0 "$to" --async --no-ua >/dev/null ;;
		park) "$scstctl" lun replace rt 0 "$to" --park --no-ua >/dev/null ;;
		esac
		secs=$(since "$t")
		echo "$mode,$secs,$hold" >>"$rcsv"
		log "replace $mode with 3 reads stuck: returned in ${secs}s"
		# The synchronous one has been resumed already.
		[ "$mode" = sync ] || dmsetup resume "$from"
		wait
		"$scstctl" cleanup release all >/dev/null 2>&1 || true
		for i in $(seq 150); do
			[ "$("$scstctl" -j cleanup show | jq length)" = 0 ] && break
			sleep 0.2
		done
		t=$from from=$to to=$t
	done
	"$scstctl" config clear >/dev/null
	dmsetup remove rp0
	dmsetup remove rp1
	losetup -d "$loopdev"
}

for n in $sizes; do
	if [ "$n" -le "$each_max" ]; then
		log "$n LUNs, one scstctl process per object"
		run_each "$n"
		scst_empty
	fi
	log "$n LUNs, one config load"
	run_config "$n"
	scst_empty
	log "$n LUNs, libscstctl in one process"
	run_lib "$n"
	scst_empty
	if [ "$n" -le "$lio_max" ]; then
		log "$n LUNs, LIO through rtslib"
		run_lio "$n"
	fi
done
log "LUN replace under stuck I/O"
run_replace
log "done: $csv $rcsv"
