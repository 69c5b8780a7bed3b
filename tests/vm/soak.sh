#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/soak.sh [SECONDS]: the soak, run inside the VM by `make soak`
# (SOAK_TIME) and, short, by tests/vm/cases/soak-short.sh. SECONDS defaults
# to $SCST_SOAK_SECONDS, else 600. For that long, side by side:
#  - verified I/O on the LUNs of a stable target, seen through scst_local:
#    fio writes random blocks and checks each (crc32c) soon after, on LUN 0
#    (vdisk_fileio, a file on tmpfs) and LUN 1 (vdisk_blockio over one of
#    two device-mapper paths to one loop device); ackcheck.py writes
#    self-describing chunks on LUN 1 and, every 20 s, reads all back: every
#    acknowledged write must be there. LUN 1 is replaced between its two
#    paths all along, synchronously and asynchronously;
#  - verified I/O the same way (fio) on LUN 0 of an iSCSI target
#    (vdisk_fileio), through open-iscsi over loopback, whose session the
#    churn force-closes every 15 s or so: the initiator logs in again and
#    its commands go on there, without an I/O error;
#  - configuration churn (tests/vm/soak_churn.py): devices, targets, LUNs,
#    groups, sessions added and removed, LUNs replaced sync, async and
#    parked, checked against a model of what scstctl must list.
# It ends with a summary (minutes, operations by kind, bytes verified) and
# fails on any verification error, unexpected operation failure or kernel
# problem (and tests/vm/run fails the run on the latter too). The churn
# prints its seed; SCST_SOAK_SEED=N (tests/vm/run -- env SCST_SOAK_SEED=N
# tests/vm/soak.sh S) makes the same choices again.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/cases/local-lib.sh"
. "$here/cases/initiator-lib.sh"

secs=${1:-${SCST_SOAK_SECONDS:-600}}
[[ $secs =~ ^[0-9]+$ ]] && [ "$secs" -ge 20 ] ||
	die "the duration must be a number of seconds (>= 20), not '$secs'"
ACKCHECK=$here/cases/ackcheck.py
RATE=${SCST_SOAK_RATE:-100}	# IOPS of each fio job
T=soak
INI=iqn.2026-11.org.example:soak
TI=iqn.2026-11.org.example:soak-iscsi
INI_I=iqn.2026-11.org.example:soak-initiator
# What the kernel must never print (tests/vm/run's list).
BAD=$(cat "$here/kernel-log-bad.re")

export DM_DISABLE_UDEV=1
rm -f /tmp/soak.stop /tmp/soak.abort /tmp/soak-ack.tally /tmp/soak-ack.fail
fio_pid=""
ack_pid=""
mon_pid=""
lo=""

stop_background() {
	local p
	touch /tmp/soak.stop
	for p in $mon_pid $ack_pid $fio_pid; do
		kill "$p" 2>/dev/null || true
	done
	# Not a bare wait: iscsid is a child too, and stays.
	# shellcheck disable=SC2086 # the ones that were started
	wait $mon_pid $ack_pid $fio_pid 2>/dev/null || true
}

local_case_cleanup() {
	stop_background
	iscsiadm -m node --logoutall=all >/dev/null 2>&1 || true
	initiator_stop
	"$SCSTCTL" config clear >/dev/null 2>&1 || true
	dmsetup remove soak-p0 2>/dev/null || true
	dmsetup remove soak-p1 2>/dev/null || true
	[ -z "$lo" ] || losetup -d "$lo" 2>/dev/null || true
}

t_start=$(date +%s)
local_start
modprobe loop || die "cannot load loop"
modprobe dm-mod || die "cannot load dm-mod"
say "soak of ${secs}s on $(uname -r), $(nproc) vCPU"

# ---- the stable target ------------------------------------------------------
truncate -s 96M /tmp/soak-file.img
truncate -s 64M /tmp/soak-blk.img
truncate -s 32M /tmp/soak-f0.img /tmp/soak-f1.img
truncate -s 64M /tmp/soak-iscsi.img
lo=$(losetup -f --show /tmp/soak-blk.img)
sectors=$(blockdev --getsz "$lo")
for p in soak-p0 soak-p1; do
	dmsetup create $p --table "0 $sectors linear $lo 0" || die "dmsetup create $p failed"
	[ -b /dev/mapper/$p ] || die "no /dev/mapper/$p"
done
sc device add sf handler vdisk_fileio filename /tmp/soak-file.img
sc device add sp0 handler vdisk_blockio filename /dev/mapper/soak-p0
sc device add sp1 handler vdisk_blockio filename /dev/mapper/soak-p1
sc target add $T driver scst_local
sc lun add $T 0 sf
sc lun add $T 1 sp0
sc session add $T $INI
host=$(wait_host $T $INI)
d0=$(wait_disk "$host" 0)
d1=$(wait_disk "$host" 1)

# The iSCSI target, and open-iscsi logged in to it.
modprobe iscsi_scst || die "cannot load iscsi_scst"
sc device add si handler vdisk_fileio filename /tmp/soak-iscsi.img
sc target add $TI driver iscsi
sc lun add $TI 0 si
sc target set $TI enabled on
initiator_start $INI_I || die "cannot start the iSCSI initiator"
iscsiadm -m discovery -t sendtargets -p 127.0.0.1 >/dev/null ||
	die "iSCSI discovery failed"
iscsiadm -m node -T $TI -p 127.0.0.1 --login >/dev/null || die "iSCSI login failed"
wait_until 60 iscsi_disk $TI 0 || die "no disk for the iSCSI LUN after 60 s"
di=$(iscsi_disk $TI 0)
for d in $d0 $d1 $di; do
	echo none >"/sys/block/$d/queue/scheduler" 2>/dev/null || true
done

# ---- verified I/O -------------------------------------------------------------
# ackcheck.py owns bytes 48M-64M of LUN 1, fio the first 48M of each LUN.
/usr/bin/python3 "$ACKCHECK" init "/dev/$d1" /tmp/soak-ack.st --chunks 256 \
	--offset $((48 << 20)) >/dev/null || die "ackcheck init failed"

fio --output-format=json --output=/tmp/soak-fio.json \
	--direct=1 --ioengine=libaio --iodepth=8 --rw=randwrite --bs=4k \
	--verify=crc32c --verify_backlog=64 --verify_fatal=1 \
	--verify_state_save=0 --rate_iops="$RATE" --time_based \
	--runtime=$((secs + 900)) --size=48M --eta=never \
	--name=lun0 --filename="/dev/$d0" \
	--name=lun1 --filename="/dev/$d1" \
	--name=iscsi0 --filename="/dev/$di" 2>/tmp/soak-fio.err &
fio_pid=$!

# Write for 20 s, read everything back, again until told to stop.
ack_loop() {
	local out
	while [ ! -e /tmp/soak.stop ]; do
		if ! out=$(/usr/bin/python3 "$ACKCHECK" write "/dev/$d1" /tmp/soak-ack.st \
			--seconds 20 --pause 20 --stop-file /tmp/soak.stop 2>&1); then
			echo "ackcheck write: $out" >/tmp/soak-ack.fail
			echo "ackcheck.py write failed" >/tmp/soak.abort
			return 1
		fi
		echo "$out" >>/tmp/soak-ack.tally
		if ! out=$(/usr/bin/python3 "$ACKCHECK" verify "/dev/$d1" /tmp/soak-ack.st 2>&1); then
			echo "ackcheck verify: $out" >/tmp/soak-ack.fail
			echo "ackcheck.py found acknowledged data lost" >/tmp/soak.abort
			return 1
		fi
		echo "$out" >>/tmp/soak-ack.tally
	done
}
ack_loop &
ack_pid=$!

# Stop the churn early when fio stops or the kernel complains.
monitor() {
	while [ ! -e /tmp/soak.stop ]; do
		if ! kill -0 "$fio_pid" 2>/dev/null; then
			echo "fio stopped" >/tmp/soak.abort
			return
		fi
		if dmesg | grep -Eq "$BAD"; then
			echo "the kernel log shows a problem" >/tmp/soak.abort
			return
		fi
		sleep 2
	done
}
monitor &
mon_pid=$!
sleep 3

# ---- churn ------------------------------------------------------------------------
problems=()
t_churn=$(date +%s)
/usr/bin/python3 "$here/soak_churn.py" --seconds "$secs" --scstctl "$SCSTCTL" \
	--stable-target $T --stable-paths sp0,sp1 --stable-devices sf sp0 sp1 si \
	--iscsi-target $TI \
	--file f0=/tmp/soak-f0.img --file f1=/tmp/soak-f1.img \
	--counts /tmp/soak-counts.json --stop-file /tmp/soak.abort \
	${SCST_SOAK_SEED:+--seed "$SCST_SOAK_SEED"} || churn_rc=$?
t_end=$(date +%s)
if [ -e /tmp/soak.abort ]; then
	problems+=("stopped early: $(cat /tmp/soak.abort)")
elif [ "${churn_rc:-0}" != 0 ]; then
	problems+=("the configuration churn failed (see above)")
fi

# ---- end the I/O and collect ------------------------------------------------------
touch /tmp/soak.stop
kill "$mon_pid" 2>/dev/null || true
wait "$mon_pid" 2>/dev/null || true
wait "$ack_pid" ||
	problems+=("$(head -n 4 /tmp/soak-ack.fail 2>/dev/null || echo "ackcheck.py failed")")
if kill -INT "$fio_pid" 2>/dev/null; then
	rc=0
	wait "$fio_pid" || rc=$?
	case $rc in 0|128|130) ;; *) problems+=("fio exited with $rc") ;; esac
else
	wait "$fio_pid" || true
	problems+=("fio ended before the soak did")
fi
fio_pid=""
if grep -Eqi 'verify|bad magic|bad header|mismatch|error' /tmp/soak-fio.err; then
	problems+=("fio: $(grep -Ei 'verify|bad|mismatch|error' /tmp/soak-fio.err | head -n 3 | tr '\n' ' ')")
fi
# fio's report, after the line it writes there on ^C; its verification
# reads count as the jobs' reads.
fio_json() {
	sed -n '/^{/,$p' /tmp/soak-fio.json | jq "$1" 2>/dev/null
}
fio_err=$(fio_json '[.jobs[].error] | add') || fio_err=""
[ "$fio_err" = 0 ] ||
	problems+=("fio reports error '$fio_err': $(cat /tmp/soak-fio.err /tmp/soak-fio.json | head -n 20)")
fio_w=$(fio_json '[.jobs[].write.io_bytes] | add') || fio_w=0
fio_v=$(fio_json '[.jobs[].read.io_bytes] | add') || fio_v=0
[ "${fio_v:-0}" -gt 0 ] 2>/dev/null || problems+=("fio verified nothing")
fio_vi=$(fio_json '[.jobs[] | select(.jobname == "iscsi0") | .read.io_bytes] | add') || fio_vi=0
[ "${fio_vi:-0}" -gt 0 ] 2>/dev/null || problems+=("fio verified nothing on the iSCSI LUN")

# One last full read-back of the acknowledged chunks.
if out=$(/usr/bin/python3 "$ACKCHECK" verify "/dev/$d1" /tmp/soak-ack.st 2>&1); then
	echo "$out" >>/tmp/soak-ack.tally
else
	problems+=("ackcheck verify at the end: $(echo "$out" | head -n 4)")
fi
tally() {	# KEY: the sum of KEY=N over ackcheck's summaries
	awk -v k="$1" '{ for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) s += substr($i, length(k) + 2) } END { print s + 0 }' \
		/tmp/soak-ack.tally 2>/dev/null || echo 0
}
ack_acked=$(tally acked)
ack_failed=$(tally failed)
ack_v=$(tally bytes_verified)
ack_passes=$(grep -c bytes_verified /tmp/soak-ack.tally 2>/dev/null) || true
[ "$ack_failed" = 0 ] || problems+=("$ack_failed ackcheck writes failed")
[ "$ack_acked" -gt 0 ] || problems+=("ackcheck wrote nothing")

kernel=clean
if dmesg | grep -Eq "$BAD"; then
	kernel="problems: $(dmesg | grep -E "$BAD" | head -n 3 | tr '\n' ' ')"
	problems+=("the kernel log shows a problem")
fi
if dmesg | grep -Eq "I/O error, dev ($d0|$d1|$di),|critical .* error, dev ($d0|$d1|$di),"; then
	problems+=("I/O errors on the stable disks: $(dmesg | grep -E "error, dev ($d0|$d1|$di)," | head -n 3 | tr '\n' ' ')")
fi

# ---- summary ------------------------------------------------------------------------
mib() { echo $(( $1 >> 20 )); }
ops=$(jq '[.[]] | add // 0' /tmp/soak-counts.json 2>/dev/null || echo 0)
{
	echo "===== soak summary ====="
	echo "kernel $(uname -r), $(nproc) vCPU; churn and I/O for $(( t_end - t_churn )) s ($(awk -v s=$(( t_end - t_churn )) 'BEGIN { printf "%.1f", s / 60 }') minutes), $(( t_end - t_start )) s in all"
	echo "operations: $ops, by kind:"
	jq -r 'to_entries | sort_by(.key) | .[] | "  \(.key): \(.value)"' /tmp/soak-counts.json 2>/dev/null
	echo "fio (3 LUNs, crc32c; $(mib "${fio_vi:-0}") MiB verified on the iSCSI one): $(mib "${fio_w:-0}") MiB written, $(mib "${fio_v:-0}") MiB verified"
	echo "ackcheck (LUN 1): $ack_acked writes acknowledged, $(mib "$ack_v") MiB read back in ${ack_passes:-0} passes"
	echo "bytes verified: $(( ${fio_v:-0} + ack_v )) ($(mib $(( ${fio_v:-0} + ack_v ))) MiB)"
	echo "kernel log: $kernel"
	if [ ${#problems[@]} = 0 ]; then
		echo "result: PASS"
	else
		echo "result: FAIL"
		printf '  %s\n' "${problems[@]}"
	fi
} | tee /tmp/soak-summary.txt | sed "s/^/$local_case: /"
[ -z "${SCST_VM_OUT:-}" ] || cp /tmp/soak-summary.txt "$SCST_VM_OUT/soak-summary.txt" 2>/dev/null || true
[ ${#problems[@]} = 0 ] || die "${#problems[@]} problem(s), see the summary"

# ---- take it down ---------------------------------------------------------------------
iscsiadm -m node -T $TI -p 127.0.0.1 --logout >/dev/null || die "iSCSI logout failed"
initiator_stop
"$SCSTCTL" target del $TI || die "deleting $TI failed"
modprobe -r iscsi_scst || die "cannot unload iscsi_scst"
local_finish
dmsetup remove soak-p0
dmsetup remove soak-p1
losetup -d "$lo"
rm -f /tmp/soak-*.img
