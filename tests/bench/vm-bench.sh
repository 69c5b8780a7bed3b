#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Data-path benchmark, run inside one VM boot by tests/bench/run: every stack
# is set up once, then fio runs each pattern on each stack in alternating
# rounds, so that all stacks see the same conditions. Results go to
# $SCST_VM_OUT/results.csv as "stack,pattern,round,iops".
#
# Stacks (same backing kinds side by side):
#   null_blk      no SCSI at all: the ceiling
#   scsi_debug    the SCSI midlayer alone (delay=0)
#   lio-rd        LIO tcm_loop + rd_mcp with rd_nullio=1
#   scst-null     scst_local + vdisk_nullio
#   lio-file      LIO tcm_loop + fileio on a tmpfs file
#   scst-file     scst_local + vdisk_fileio on a tmpfs file
#   lio-iblock    LIO tcm_loop + iblock on null_blk
#   scst-blk      scst_local + vdisk_blockio on null_blk
#
# Environment: SCST_BENCH_ROUNDS (3), SCST_BENCH_RUNTIME (seconds per run, 5),
# SCST_BENCH_STACKS, SCST_BENCH_PATTERNS (space-separated subsets).
set -euo pipefail

out=${SCST_VM_OUT:-/tmp}
rounds=${SCST_BENCH_ROUNDS:-3}
runtime=${SCST_BENCH_RUNTIME:-5}
stacks=${SCST_BENCH_STACKS:-"null_blk scsi_debug lio-rd scst-null lio-file scst-file lio-iblock scst-blk"}
patterns=${SCST_BENCH_PATTERNS:-"randread-qd1-j1 randread-qd32-j1 randwrite-qd1-j1 randwrite-qd32-j1 randread-qd1-j2 randread-qd32-j2"}
scstctl=$PWD/scstctl/scstctl
size_mb=512

csv=$out/results.csv
echo "stack,pattern,round,iops" >"$csv"
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

setup_null_blk() {
	modprobe null_blk nr_devices=3 gb=1 queue_mode=2 irqmode=0 \
		submit_queues=2 hw_queue_depth=128
	disk[null_blk]=/dev/nullb0
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

setup_lio_iblock() {
	local bs=/sys/kernel/config/target/core/iblock_0/blk
	lio_setup_core
	mkdir -p "$bs"
	echo "udev_path=/dev/nullb1" >"$bs/control"
	echo 1 >"$bs/enable"
	lio_export lio-iblock "$bs"
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
	if [ "$lun" = 0 ]; then
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

run_fio() {	# disk pattern -> iops
	local dev=$1 pat=$2 rw qd jobs eng
	rw=${pat%%-*}
	qd=${pat#*-qd}; qd=${qd%%-*}
	jobs=${pat##*-j}
	eng=libaio
	[ "$qd" = 1 ] && eng=psync
	fio --name=bench --filename="$dev" --rw="$rw" --bs=4k --direct=1 \
		--ioengine=$eng --iodepth="$qd" --numjobs="$jobs" \
		--group_reporting --time_based --runtime="$runtime" \
		--ramp_time=1 --size=$((size_mb / 2))M --randrepeat=0 \
		--output-format=json 2>/dev/null |
		jq '(.jobs[0].read.iops + .jobs[0].write.iops) | floor'
}

# null_blk must exist before the stacks that sit on it.
case " $stacks " in
*" null_blk "*|*" lio-iblock "*|*" scst-blk "*) setup_null_blk ;;
esac
for s in $stacks; do
	[ "$s" = null_blk ] && continue
	log "setting up $s"
	"setup_${s//-/_}"
done
for s in $stacks; do
	d=${disk[$s]}
	[ -e "/sys/block/${d##*/}/queue/scheduler" ] &&
		echo none >"/sys/block/${d##*/}/queue/scheduler" 2>/dev/null || true
	log "$s is ${d}"
done

total=$(( rounds * $(wc -w <<<"$stacks") * $(wc -w <<<"$patterns") ))
n=0
for r in $(seq "$rounds"); do
	for p in $patterns; do
		for s in $stacks; do
			n=$((n + 1))
			iops=$(run_fio "${disk[$s]}" "$p")
			echo "$s,$p,$r,$iops" >>"$csv"
			log "($n/$total) round $r $p $s: $iops IOPS"
		done
	done
done
log "done: $csv"
