#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Data-path benchmark, run inside one VM boot by tests/bench/run. Results go
# to $SCST_VM_OUT/results.csv as "stack,pattern,round,iops,lat_us,p99_us,
# cpu_us": mean total latency and 99th percentile completion latency, and
# the CPU time the whole VM spent per I/O (its busy share of all vCPUs in
# the middle of the run, times the vCPUs, over the IOPS), in µs. When the
# host is busy, the VM's vCPUs wait for it and IOPS at low depth follow
# the host's load more than the stack's; the CPU time per I/O follows it
# much less.
#
# Local stacks (same backing kinds side by side): every one is set up once,
# then fio runs each pattern on each stack in alternating rounds, so that
# all stacks see the same conditions.
#   null_blk      no SCSI at all: the ceiling
#   scsi_debug    the SCSI midlayer alone (delay=0)
#   lio-rd        LIO tcm_loop + rd_mcp with rd_nullio=1
#   scst-null     scst_local + vdisk_nullio
#   lio-file      LIO tcm_loop + fileio on a tmpfs file
#   scst-file     scst_local + vdisk_fileio on a tmpfs file
#   lio-iblock    LIO tcm_loop + iblock on null_blk
#   scst-blk      scst_local + vdisk_blockio on null_blk
#   lio-iblock-irq, scst-blk-irq  the same on a null_blk device that ends
#                 each I/O from a timer interrupt (irqmode 2, no delay):
#                 a backend completing in hard IRQ, as NVMe and virtio-blk
#                 do; scst_local reports such completions from a workqueue
#
# iSCSI stacks: open-iscsi over loopback to this project's iscsi_scst
# (port 3260) and to LIO's iscsi_target_mod (port 3261), both offered the
# same negotiation limits (no digests, MaxRecvDataSegmentLength 256 KiB,
# FirstBurstLength 256 KiB, MaxBurstLength 1 MiB, ImmediateData=Yes,
# InitialR2T=No). In each round every iSCSI stack in turn is configured,
# logged in to, measured with every pattern, logged out of and torn down,
# so that no other target's threads run beside it; the order reverses
# every other round.
#   scst-iscsi-null    iscsi_scst + vdisk_nullio
#   lio-iscsi-rd       iscsi_target_mod + rd_mcp with rd_nullio=1
#   scst-iscsi-blk     iscsi_scst + vdisk_blockio on null_blk
#   lio-iscsi-iblock   iscsi_target_mod + iblock on the same null_blk
# What each session negotiated (iscsiadm -m session -P 3) goes to
# $SCST_VM_OUT/iscsi-params.csv as "stack,key,value".
#
# Patterns are RW-qdN-jN[-BS]: fio --rw=RW, iodepth N (psync at 1, libaio
# above), numjobs N, block size BS (4k when not given).
#
# Environment: SCST_BENCH_ROUNDS (3), SCST_BENCH_RUNTIME (seconds per run, 5),
# SCST_BENCH_STACKS, SCST_BENCH_PATTERNS (space-separated subsets; without
# SCST_BENCH_PATTERNS the iSCSI stacks run 4 KiB random QD1 and QD32 and
# 128 KiB sequential QD8, the local stacks their own set).
set -euo pipefail
export PATH=$PATH:/usr/sbin:/sbin

out=${SCST_VM_OUT:-/tmp}
rounds=${SCST_BENCH_ROUNDS:-3}
runtime=${SCST_BENCH_RUNTIME:-5}
stacks=${SCST_BENCH_STACKS:-"null_blk scsi_debug lio-rd scst-null lio-file scst-file lio-iblock scst-blk lio-iblock-irq scst-blk-irq scst-iscsi-null lio-iscsi-rd scst-iscsi-blk lio-iscsi-iblock"}
patterns=${SCST_BENCH_PATTERNS:-"randread-qd1-j1 randread-qd32-j1 randwrite-qd1-j1 randwrite-qd32-j1 randread-qd1-j2 randread-qd32-j2"}
iscsi_patterns=${SCST_BENCH_PATTERNS:-"randread-qd1-j1 randread-qd32-j1 randwrite-qd1-j1 randwrite-qd32-j1 read-qd8-j1-128k write-qd8-j1-128k"}
scstctl=$PWD/scstctl/scstctl
size_mb=512

csv=$out/results.csv
echo "stack,pattern,round,iops,lat_us,p99_us,cpu_us" >"$csv"
rm -f "$out/iscsi-params.csv"
declare -A disk

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*"; }

scsi_hosts() { ls /sys/class/scsi_host 2>/dev/null | sort || true; }

# The disk of a new SCSI host: wait for it to be scanned.
disk_of_host() {	# hostN lun
	local h=${1#host} i d
	for i in $(seq 50); do
		for d in /sys/bus/scsi/devices/"$h":*:*:"$2"/block/*; do
			[ -e "$d" ] && { echo "/dev/${d##*/}"; return 0; }
		done
		sleep 0.2
	done
	echo "bench: no disk for LUN $2 on host $h" >&2
	return 1
}

new_host() {	# hosts-before
	comm -13 <(echo "$1") <(scsi_hosts) | head -n 1
}

# nullb0 for the null_blk stack, nullb1 and nullb2 under the local LIO and
# SCST stacks, nullb3 under both iSCSI stacks (one at a time).
setup_null_blk() {
	modprobe null_blk nr_devices=4 gb=1 queue_mode=2 irqmode=0 \
		submit_queues=2 hw_queue_depth=128
	disk[null_blk]=/dev/nullb0
}

# nullb_irq NAME: a null_blk device made through configfs that completes
# from an hrtimer (hard IRQ) at once; prints its path.
nullb_irq() {
	local c=/sys/kernel/config/nullb/$1 a
	mountpoint -q /sys/kernel/config ||
		mount -t configfs configfs /sys/kernel/config
	mkdir "$c"
	for a in queue_mode=2 irqmode=2 completion_nsec=0 size=1024 \
		submit_queues=2 hw_queue_depth=128 power=1; do
		echo "${a#*=}" >"$c/${a%%=*}"
	done
	if [ -b "/dev/$1" ]; then
		echo "/dev/$1"
	else
		echo "/dev/nullb$(cat "$c/index")"
	fi
}

setup_scsi_debug() {
	local before
	before=$(scsi_hosts)
	modprobe scsi_debug delay=0 dev_size_mb=$size_mb max_queue=128 \
		submit_queues=2
	disk[scsi_debug]=$(disk_of_host "$(new_host "$before")" 0)
}

lio_setup_core() {
	[ -d /sys/kernel/config/target ] && return 0
	modprobe configfs
	mountpoint -q /sys/kernel/config ||
		mount -t configfs configfs /sys/kernel/config
	modprobe target_core_mod
	modprobe target_core_file
	modprobe target_core_iblock
	modprobe tcm_loop
}

# lio_export NAME BACKSTORE-DIR: one tcm_loop target, one LUN, one nexus.
lio_export() {
	local name=$1 bs=$2 wwn tpg before
	wwn=naa.50014050000000$(printf '%02x' $(( ${#disk[@]} + 1 )))
	tpg=/sys/kernel/config/target/loopback/$wwn/tpgt_1
	# tcm_loop makes the SCSI host when the WWN is created, and adds the
	# disk when a LUN is linked, which needs the nexus first.
	before=$(scsi_hosts)
	mkdir -p "$tpg"
	echo "${wwn}1" >"$tpg/nexus"
	mkdir -p "$tpg/lun/lun_0"
	ln -s "$bs" "$tpg/lun/lun_0/port"
	disk[$name]=$(disk_of_host "$(new_host "$before")" 0)
}

setup_lio_rd() {
	local bs=/sys/kernel/config/target/core/rd_mcp_0/nullio
	lio_setup_core
	mkdir -p "$bs"
	echo "rd_pages=$((size_mb * 256)),rd_nullio=1" >"$bs/control"
	echo 1 >"$bs/enable"
	lio_export lio-rd "$bs"
}

setup_lio_file() {
	local bs=/sys/kernel/config/target/core/fileio_0/file
	lio_setup_core
	truncate -s ${size_mb}M /tmp/lio.img
	mkdir -p "$bs"
	echo "fd_dev_name=/tmp/lio.img,fd_dev_size=$((size_mb << 20))" >"$bs/control"
	echo 1 >"$bs/enable"
	lio_export lio-file "$bs"
}

lio_iblock() {	# STACK HBA DEVICE
	local bs=/sys/kernel/config/target/core/$2/blk
	lio_setup_core
	mkdir -p "$bs"
	echo "udev_path=$3" >"$bs/control"
	echo 1 >"$bs/enable"
	lio_export "$1" "$bs"
}

setup_lio_iblock() {
	lio_iblock lio-iblock iblock_0 /dev/nullb1
}

setup_lio_iblock_irq() {
	lio_iblock lio-iblock-irq iblock_2 "$(nullb_irq nb_irq_lio)"
}

scst_ready=0
scst_setup_core() {
	[ $scst_ready = 1 ] && return 0
	modprobe scst
	modprobe scst_vdisk
	modprobe scst_local
	"$scstctl" target add bench driver scst_local
	scst_ready=1
}

# scst_export NAME LUN DEVICE-ARGS...: one session (SCSI host) per stack so
# that each disk has its own queues, as each LIO nexus has.
scst_export() {
	local name=$1 lun=$2 before
	shift 2
	scst_setup_core
	"$scstctl" device add "$name" "$@"
	"$scstctl" lun add bench "$lun" "$name"
	if [ -z "${bench_host:-}" ]; then
		before=$(scsi_hosts)
		"$scstctl" session add bench iqn.2026-11.org.example:bench
		bench_host=$(new_host "$before")
	fi
	disk[$name]=$(disk_of_host "$bench_host" "$lun")
}

setup_scst_null() {
	scst_export scst-null 0 handler vdisk_nullio size ${size_mb}M
}

setup_scst_file() {
	truncate -s ${size_mb}M /tmp/scst.img
	scst_export scst-file 1 handler vdisk_fileio filename /tmp/scst.img
}

setup_scst_blk() {
	scst_export scst-blk 2 handler vdisk_blockio filename /dev/nullb2
}

setup_scst_blk_irq() {
	scst_export scst-blk-irq 3 handler vdisk_blockio filename "$(nullb_irq nb_irq_scst)"
}

# ---- iSCSI stacks ------------------------------------------------------------

iscsi_portal_scst=127.0.0.1:3260
iscsi_portal_lio=127.0.0.1:3261
iscsi_initiator=iqn.2026-11.org.example:bench-initiator
. "$PWD/tests/vm/cases/initiator-lib.sh"
# What both targets offer; the initiator's own defaults ask for as much.
iscsi_limits="MaxRecvDataSegmentLength=262144 MaxXmitDataSegmentLength=262144
	FirstBurstLength=262144 MaxBurstLength=1048576 InitialR2T=No
	ImmediateData=Yes HeaderDigest=None DataDigest=None"

iscsi_iqn() {	# stack
	case $1 in
	scst-*) echo "iqn.2026-11.org.example:bench-${1#scst-iscsi-}" ;;
	lio-*) echo "iqn.2003-01.org.linux-iscsi.bench:${1#lio-iscsi-}" ;;
	esac
}

iscsi_portal() {	# stack
	case $1 in
	scst-*) echo $iscsi_portal_scst ;;
	lio-*) echo $iscsi_portal_lio ;;
	esac
}

# open-iscsi, as in the VM cases, with these limits asked for.
iscsi_start_initiator() {
	initiator_start "$iscsi_initiator" "node.session.cmds_max = 128
node.session.queue_depth = 32
node.session.iscsi.InitialR2T = No
node.session.iscsi.ImmediateData = Yes
node.session.iscsi.FirstBurstLength = 262144
node.session.iscsi.MaxBurstLength = 16776192
node.conn[0].iscsi.MaxRecvDataSegmentLength = 262144
node.conn[0].iscsi.HeaderDigest = None
node.conn[0].iscsi.DataDigest = None" || { echo "bench: cannot start the initiator" >&2; return 1; }
}

# The sysfs session of TARGET, if logged in.
iscsi_session() {	# iqn
	local s
	for s in /sys/class/iscsi_session/session*; do
		[ -r "$s/targetname" ] && [ "$(cat "$s/targetname")" = "$1" ] &&
			{ echo "$s"; return 0; }
	done
	return 1
}

# The disk of LUN 0 of TARGET, once the login made it.
iscsi_wait_disk() {	# iqn -> /dev/sdX
	local d
	for _ in $(seq 300); do
		d=$(iscsi_disk "$1" 0) && { echo "/dev/$d"; return 0; }
		sleep 0.2
	done
	echo "bench: no disk for $1 after 60 s" >&2
	return 1
}

# iscsi_login STACK: discover, log in, keep what was negotiated (round 1).
iscsi_login() {
	local s=$1 iqn portal sid
	iqn=$(iscsi_iqn "$s")
	portal=$(iscsi_portal "$s")
	iscsiadm -m discovery -t sendtargets -p "$portal" >/dev/null
	iscsiadm -m node -T "$iqn" -p "$portal" --login >/dev/null
	disk[$s]=$(iscsi_wait_disk "$iqn")
	if ! grep -q "^$s," "$out/iscsi-params.csv" 2>/dev/null; then
		sid=$(iscsi_session "$iqn")
		sid=${sid##*/session}
		iscsiadm -m session -r "$sid" -P 3 |
			awk -v s="$s" '
				/Negotiated iSCSI params:/ { on = 1; next }
				on && /^[ \t]*\*+[ \t]*$/ { if (seen) exit; next }
				on && /:/ {
					seen = 1
					k = $1; sub(/:$/, "", k)
					print s "," k "," $2
				}' >>"$out/iscsi-params.csv"
	fi
}

# Log out. The disk goes first, and its SCSI target's runtime-PM work with
# it: removing the target while that work is pending, as the session's
# unbind does from its WQ_MEM_RECLAIM work queue, makes the initiator's
# kernel warn (check_flush_dependency, seen on 6.1).
iscsi_logout() {	# stack
	local iqn portal d
	iqn=$(iscsi_iqn "$1")
	portal=$(iscsi_portal "$1")
	d=${disk[$1]##*/}
	echo 1 >"/sys/block/$d/device/delete"
	for _ in $(seq 50); do
		[ -e "/sys/block/$d" ] || break
		sleep 0.2
	done
	sleep 1
	iscsiadm -m node -T "$iqn" -p "$portal" --logout >/dev/null
	iscsiadm -m node -T "$iqn" -p "$portal" -o delete >/dev/null 2>&1 || true
	for _ in $(seq 150); do
		iscsi_session "$iqn" >/dev/null || return 0
		sleep 0.2
	done
	echo "bench: the session to $iqn stays after logout" >&2
	return 1
}

# This project's target: one iSCSI target, one LUN.
scst_iscsi_up() {	# stack device-args...
	local s=$1 iqn
	shift
	iqn=$(iscsi_iqn "$s")
	modprobe scst
	modprobe scst_vdisk
	modprobe iscsi_scst
	"$scstctl" device add "$s" "$@"
	"$scstctl" target add "$iqn" driver iscsi
	"$scstctl" lun add "$iqn" 0 "$s"
	# shellcheck disable=SC2086
	"$scstctl" target set "$iqn" $iscsi_limits
	"$scstctl" target set "$iqn" enabled on
}

scst_iscsi_down() {	# stack
	local iqn
	iqn=$(iscsi_iqn "$1")
	"$scstctl" target del "$iqn"
	"$scstctl" device del "$1"
}

setup_scst_iscsi_null() {
	scst_iscsi_up scst-iscsi-null handler vdisk_nullio size ${size_mb}M
}

setup_scst_iscsi_blk() {
	scst_iscsi_up scst-iscsi-blk handler vdisk_blockio filename /dev/nullb3
}

teardown_scst_iscsi_null() { scst_iscsi_down scst-iscsi-null; }
teardown_scst_iscsi_blk() { scst_iscsi_down scst-iscsi-blk; }

# LIO's target through configfs: one TPG with one LUN and one network
# portal, demo mode (any initiator, no authentication), the same limits.
lio_iscsi_tpg() { echo "/sys/kernel/config/target/iscsi/$(iscsi_iqn "$1")/tpgt_1"; }

lio_iscsi_up() {	# stack backstore-dir
	local tpg kv
	tpg=$(lio_iscsi_tpg "$1")
	lio_setup_core
	modprobe iscsi_target_mod
	mkdir -p "$tpg"
	mkdir "$tpg/lun/lun_0"
	ln -s "$2" "$tpg/lun/lun_0/port"
	mkdir "$tpg/np/$iscsi_portal_lio"
	echo 0 >"$tpg/attrib/authentication"
	echo 1 >"$tpg/attrib/generate_node_acls"
	echo 0 >"$tpg/attrib/demo_mode_write_protect"
	echo 1 >"$tpg/attrib/cache_dynamic_acls"
	# The CmdSN window of iscsi_scst's sessions (QueuedCommands).
	echo 128 >"$tpg/attrib/default_cmdsn_depth"
	for kv in $iscsi_limits; do
		echo "${kv#*=}" >"$tpg/param/${kv%%=*}"
	done
	echo 1 >"$tpg/enable"
}

# Unlink and remove everything lio_iscsi_up made, then the backstore.
lio_iscsi_down() {	# stack backstore-dir
	local tpg
	tpg=$(lio_iscsi_tpg "$1")
	echo 0 >"$tpg/enable"
	rm "$tpg/lun/lun_0/port"
	rmdir "$tpg/lun/lun_0"
	rmdir "$tpg/np/$iscsi_portal_lio"
	rmdir "$tpg"
	rmdir "${tpg%/tpgt_1}"
	rmdir "$2"
	rmdir "${2%/*}"
}

lio_iscsi_rd_bs=/sys/kernel/config/target/core/rd_mcp_1/iscsi_null
lio_iscsi_iblock_bs=/sys/kernel/config/target/core/iblock_1/iscsi_blk

setup_lio_iscsi_rd() {
	local bs=$lio_iscsi_rd_bs
	lio_setup_core
	mkdir -p "$bs"
	echo "rd_pages=$((size_mb * 256)),rd_nullio=1" >"$bs/control"
	echo 1 >"$bs/enable"
	lio_iscsi_up lio-iscsi-rd "$bs"
}

setup_lio_iscsi_iblock() {
	local bs=$lio_iscsi_iblock_bs
	lio_setup_core
	mkdir -p "$bs"
	echo "udev_path=/dev/nullb3" >"$bs/control"
	echo 1 >"$bs/enable"
	lio_iscsi_up lio-iscsi-iblock "$bs"
}

teardown_lio_iscsi_rd() { lio_iscsi_down lio-iscsi-rd $lio_iscsi_rd_bs; }
teardown_lio_iscsi_iblock() { lio_iscsi_down lio-iscsi-iblock $lio_iscsi_iblock_bs; }

# ---- measuring ---------------------------------------------------------------

# The "cpu" line of /proc/stat as "busy total" ticks.
cpu_ticks() {
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit }' /proc/stat
}

run_fio() {	# disk pattern -> "iops lat_us p99_us cpu_us"
	local dev=$1 rw qd jobs bs eng sampler win
	IFS=- read -r rw qd jobs bs <<<"$2"
	qd=${qd#qd}
	jobs=${jobs#j}
	bs=${bs:-4k}
	eng=libaio
	[ "$qd" = 1 ] && eng=psync
	# CPU use from 2 s in (fio started, ramp over) to the end of the run.
	win=$((runtime > 3 ? runtime - 2 : 1))
	(sleep 2; cpu_ticks >/tmp/bench-cpu.0; sleep $win; cpu_ticks >/tmp/bench-cpu.1) &
	sampler=$!
	fio --name=bench --filename="$dev" --rw="$rw" --bs="$bs" --direct=1 \
		--ioengine=$eng --iodepth="$qd" --numjobs="$jobs" \
		--group_reporting --time_based --runtime="$runtime" \
		--ramp_time=1 --size=$((size_mb / 2))M --randrepeat=0 \
		--output-format=json >/tmp/bench-fio.json 2>/tmp/bench-fio.err ||
		{ cat /tmp/bench-fio.err >&2; echo "bench: fio $2 failed on $dev" >&2; return 1; }
	wait $sampler
	jq -r --arg ticks "$(paste -d' ' /tmp/bench-cpu.0 /tmp/bench-cpu.1)" \
		--argjson ncpu "$(nproc)" '.jobs[0] |
		(if .read.io_bytes > 0 then .read else .write end) as $d |
		((.read.iops + .write.iops) | floor) as $iops |
		($ticks | split(" ") | map(tonumber)) as $t |
		(if $t[3] > $t[1] and $iops > 0
		 then ($t[2] - $t[0]) / ($t[3] - $t[1]) * $ncpu * 1e6 / $iops | floor
		 else 0 end) as $cpu |
		"\($iops) \($d.lat_ns.mean / 1000 | floor) \(($d.clat_ns.percentile["99.000000"] // 0) / 1000 | floor) \($cpu)"' \
		/tmp/bench-fio.json
}

measure() {	# stack pattern round
	local r
	r=$(run_fio "${disk[$1]}" "$2")
	# shellcheck disable=SC2086
	set -- "$1" "$2" "$3" $r
	echo "$1,$2,$3,$4,$5,$6,$7" >>"$csv"
	n=$((n + 1))
	log "($n/$total) round $3 $2 $1: $4 IOPS, ${5} µs mean, ${6} µs p99, ${7} µs CPU per I/O"
}

local_stacks=""
iscsi_stacks=""
for s in $stacks; do
	case $s in
	*-iscsi-*) iscsi_stacks+=" $s" ;;
	*) local_stacks+=" $s" ;;
	esac
done

# null_blk must exist before the stacks that sit on it.
case " $stacks " in
*" null_blk "*|*" lio-iblock"*|*" scst-blk"*|*" scst-iscsi-blk "*|*" lio-iscsi-iblock "*)
	setup_null_blk ;;
esac
for s in $local_stacks; do
	[ "$s" = null_blk ] && continue
	log "setting up $s"
	"setup_${s//-/_}"
done
for s in $local_stacks; do
	d=${disk[$s]}
	[ -e "/sys/block/${d##*/}/queue/scheduler" ] &&
		echo none >"/sys/block/${d##*/}/queue/scheduler" 2>/dev/null || true
	log "$s is ${d}"
done

total=$(( rounds * ($(wc -w <<<"$local_stacks") * $(wc -w <<<"$patterns") +
		    $(wc -w <<<"$iscsi_stacks") * $(wc -w <<<"$iscsi_patterns")) ))
n=0
if [ -n "$local_stacks" ]; then
	for r in $(seq "$rounds"); do
		for p in $patterns; do
			for s in $local_stacks; do
				measure "$s" "$p" "$r"
			done
		done
	done
fi

if [ -n "$iscsi_stacks" ]; then
	iscsi_start_initiator
	reversed=$(tr ' ' '\n' <<<"$iscsi_stacks" | tac | tr '\n' ' ')
	for r in $(seq "$rounds"); do
		order=$iscsi_stacks
		[ $((r % 2)) = 0 ] && order=$reversed
		for s in $order; do
			log "round $r: setting up $s"
			"setup_${s//-/_}"
			iscsi_login "$s"
			d=${disk[$s]}
			echo none >"/sys/block/${d##*/}/queue/scheduler" 2>/dev/null || true
			log "$s is $d"
			for p in $iscsi_patterns; do
				measure "$s" "$p" "$r"
			done
			iscsi_logout "$s"
			"teardown_${s//-/_}"
		done
	done
	initiator_stop
fi
log "done: $csv"
