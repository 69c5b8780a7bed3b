# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the fault cases (sourced, not run: the suite skips *-lib.sh),
# on top of vdisk-lib.sh:
#
#   ack init|write|verify DISK STATE ...   tests/vm/cases/ackcheck.py on
#                                          /dev/DISK; prints its summary
#   word KEY LINE                          the value of KEY=VALUE in LINE
#   klog_disk DISK REGEX                   the kernel log (since the last
#                                          dmesg -C) has a line about DISK
#                                          matching REGEX
#   fio_bg NAME DISK [FIO ARGS]            crc32c-verified random writes in
#                                          the background (fio_pid, log in
#                                          /tmp/fio-NAME.log)
#   fio_ok NAME                            stop it; it must have verified
#                                          its data without any error
#   fio_failed NAME                        it must end by itself, with an
#                                          I/O error and no verify error

. "$(dirname "$0")/vdisk-lib.sh"

ACKCHECK=${ACKCHECK:-$PWD/tests/vm/cases/ackcheck.py}

ack() {
	local cmd=$1 disk=$2
	shift 2
	/usr/bin/python3 "$ACKCHECK" "$cmd" "/dev/$disk" "$@"
}

word() {
	local w
	for w in $2; do
		case $w in "$1"=*) echo "${w#*=}"; return 0 ;; esac
	done
	return 1
}

klog_disk() {
	dmesg | grep -F "[$1]" | grep -Eq "$2"
}

# Random 4 KiB writes over the first 32 MiB of the disk, each block checked
# (crc32c) soon after it is written, by 4 jobs of 8 MiB, rate-limited so
# that the control path gets the CPU. psync, not libaio: once a disk is
# gone its size is 0 and reads return 0 bytes; fio fails a synchronous read
# that returns nothing ("full resid"), but verifies the stale buffer of an
# asynchronous one and reports a bad header that is no fault of the disk.
fio_bg() {
	local name=$1 disk=$2
	shift 2
	fio --name="$name" --filename="/dev/$disk" --direct=1 --ioengine=psync \
		--numjobs=4 --size=8M --offset_increment=8M --group_reporting \
		--rw=randwrite --bs=4k --verify=crc32c --verify_backlog=32 \
		--verify_fatal=1 --verify_state_save=0 \
		--rate_iops=$(( ${FIO_RATE:-200} / 4 )) --time_based --runtime=300 \
		--eta=never "$@" >"/tmp/fio-$name.log" 2>&1 &
	fio_pid=$!
	sleep 3
	kill -0 "$fio_pid" 2>/dev/null || die "fio $name stopped at once: $(cat "/tmp/fio-$name.log")"
}

# fio's words for a block that read back wrong.
FIO_BAD='verify failed|bad magic|bad header|mismatch|verify: bad'

fio_ok() {
	local name=$1 rc=0 log=/tmp/fio-$1.log
	kill -0 "$fio_pid" 2>/dev/null || die "fio $name ended early: $(cat "$log")"
	kill -INT "$fio_pid"
	wait "$fio_pid" || rc=$?
	# ^C ends fio with status 128 (newer fio) or 0.
	case $rc in 0|128|130) ;; *) die "fio $name failed (exit $rc): $(cat "$log")" ;; esac
	grep -Eqi "$FIO_BAD" "$log" && die "fio $name: verification failed: $(cat "$log")"
	grep -q "err= 0" "$log" || die "fio $name reports errors: $(cat "$log")"
	# Verification reads count as the write job's reads.
	[ "$(fio_issued "$log" 2)" -gt 0 ] || die "fio $name wrote nothing: $(cat "$log")"
	[ "$(fio_issued "$log" 1)" -gt 0 ] || die "fio $name verified nothing: $(cat "$log")"
}

# fio_issued LOG 1|2: how many reads (1) or writes (2) fio issued.
fio_issued() {
	awk -v f="$2" '/issued rwts: total=/ {
		split(substr($0, index($0, "total=") + 6), n, ","); print n[f]; exit }' "$1"
}

fio_failed() {
	local name=$1 rc=0 log=/tmp/fio-$1.log
	wait_until 60 sh -c "! kill -0 $fio_pid" || die "fio $name still runs 60 s after its disk went"
	wait "$fio_pid" || rc=$?
	[ $rc != 0 ] || die "fio $name succeeded on a disk that went away: $(cat "$log")"
	grep -Eqi "$FIO_BAD" "$log" && die "fio $name: verification failed: $(cat "$log")"
	grep -Eq "err= *[1-9]|error=" "$log" || die "fio $name ended without an I/O error: $(cat "$log")"
	say "fio $name ended with: $(grep -Eo 'error=[^,]*' "$log" | head -n 1)"
}
