# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the core (scst.ko) VM cases; sourced, not run (the suite skips
# *-lib.sh). The cases speak to the "scst" family with the kernel's own YNL
# client (tools/ynl), independently of libscstctl and scstctl, and end with
# core_finish, which removes what they made and unloads the modules so that
# the harness sees any leak.

YNL=${YNL:-$PWD/tools/ynl}
export PATH=$PATH:/usr/sbin:/sbin

core_case=${0##*/}

die() {
	echo "$core_case: FAIL: $*" >&2
	exit 1
}

say() {
	echo "$core_case: $*"
}

# A YNL client that stays up for the whole case, fed through FIFOs: each
# client start costs seconds under TCG. Started by core_load (the family
# must exist), stopped by core_finish.
ynl_start() {
	rm -f /tmp/core-ynl.in /tmp/core-ynl.out
	mkfifo /tmp/core-ynl.in /tmp/core-ynl.out
	"$YNL" --serve </tmp/core-ynl.in >/tmp/core-ynl.out 2>/tmp/core-ynl.err &
	ynl_pid=$!
	exec 7>/tmp/core-ynl.in 8</tmp/core-ynl.out
}

ynl_stop() {
	if [ -n "${ynl_unpriv_pid:-}" ]; then
		exec 5>&- 6<&-
		wait "$ynl_unpriv_pid" 2>/dev/null || true
		ynl_unpriv_pid=
	fi
	[ -n "${ynl_pid:-}" ] || return 0
	exec 7>&- 8<&-
	wait "$ynl_pid" 2>/dev/null || true
	ynl_pid=
}

# nl_run do|dump OP [JSON]: print the reply (JSON) and succeed, or print
# the error line and fail.
nl_run() {
	local line
	[ -n "${ynl_pid:-}" ] || ynl_start
	echo "$1 $2 ${3:-}" >&7
	if ! read -r line <&8; then
		echo "client gone: $(cat /tmp/core-ynl.err)"
		return 1
	fi
	case $line in
	'{"ok":'*)
		# The client answers {"ok":REPLY} in compact JSON.
		line=${line#'{"ok":'}
		echo "${line%\}}"
		return 0
		;;
	esac
	echo "$line"
	return 1
}

# nl OP [JSON]: a do operation that must succeed; prints its reply.
nl() {
	local out
	out=$(nl_run do "$@") || die "$1 ${2:-} failed: $out"
	echo "$out"
}

# nl_dump OP [JSON]: a dump that must succeed; prints a JSON list.
nl_dump() {
	local out
	out=$(nl_run dump "$@") || die "dump $1 ${2:-} failed: $out"
	echo "$out"
}

# nl_fails OP JSON ERRNO-TEXT MESSAGE: a do operation that must fail with
# that errno (strerror text) and an extack message containing MESSAGE
# (empty: any). Prints the error.
nl_fails() {
	local out
	if out=$(nl_run do "$1" "$2"); then
		die "$1 $2 succeeded, expected '$3'"
	fi
	case $out in
	*"Netlink error: $3"*) ;;
	*) die "$1 $2: expected error '$3', got: $out" ;;
	esac
	if [ -n "$4" ]; then
		case $out in
		*"$4"*) ;;
		*) die "$1 $2: expected message '$4', got: $out" ;;
		esac
	fi
	echo "$out"
}

# nl_dump_fails OP JSON ERRNO-TEXT MESSAGE: same for a dump.
nl_dump_fails() {
	local out
	if out=$(nl_run dump "$1" "$2"); then
		die "dump $1 $2 succeeded, expected '$3'"
	fi
	case $out in
	*"Netlink error: $3"*"$4"*) ;;
	*) die "dump $1 $2: expected '$3' / '$4', got: $out" ;;
	esac
}

# nl_unpriv OP JSON: must be refused to a caller without CAP_NET_ADMIN. The
# caller is a second client, started once, as nobody and with no
# capabilities (the shell opens its FIFOs before it drops them).
nl_unpriv() {
	local out
	if [ -z "${ynl_unpriv_pid:-}" ]; then
		rm -f /tmp/core-ynl-u.in /tmp/core-ynl-u.out
		mkfifo /tmp/core-ynl-u.in /tmp/core-ynl-u.out
		setpriv --reuid=65534 --regid=65534 --clear-groups \
			--inh-caps=-all --bounding-set=-all \
			"$YNL" --serve </tmp/core-ynl-u.in >/tmp/core-ynl-u.out \
			2>/tmp/core-ynl-u.err &
		ynl_unpriv_pid=$!
		exec 5>/tmp/core-ynl-u.in 6</tmp/core-ynl-u.out
	fi
	echo "do $1 $2" >&5
	read -r out <&6 || die "the unprivileged client is gone: $(cat /tmp/core-ynl-u.err)"
	case $out in
	'{"ok":'*) die "unprivileged $1 succeeded" ;;
	*"Netlink error: Operation not permitted"*) ;;
	*) die "unprivileged $1: expected EPERM, got: $out" ;;
	esac
}

# count JSON-LIST JQ-FILTER: how many elements match.
count() {
	echo "$1" | jq "[.[] | select($2)] | length"
}

# expect WHAT GOT WANT
expect() {
	[ "$2" = "$3" ] || die "$1: got '$2', want '$3'"
}

wait_until() {	# SECONDS CMD...
	local limit=$1 i=0
	shift
	while ! "$@" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt $((limit * 5)) ] || return 1
		sleep 0.2
	done
}

# disk HOST LUN: the /dev/sdX of that LUN of scst_local host HOST, if it
# is there (LUNs from 256 on use the flat addressing Linux shows).
disk() {
	local l d
	if [ "$2" -lt 256 ]; then l=$2; else l=$((0x4000 | $2)); fi
	for d in /sys/bus/scsi/devices/"$1":*:*:"$l"/block/*; do
		[ -e "$d" ] && { echo "/dev/${d##*/}"; return 0; }
	done
	return 1
}

# wait_disk HOST LUN: the same, waiting for the disk to show up.
wait_disk() {
	wait_until 30 disk "$1" "$2" >/dev/null || die "no disk for LUN $2 on host $1"
	disk "$1" "$2"
}

no_disk() {	# HOST LUN: the disk is gone
	! disk "$1" "$2" >/dev/null
}

# fio_start DISK SECONDS: crc32c-verified random writes on DISK in the
# background for at most SECONDS, rate-limited to FIO_RATE IOPS (default
# 200): the churn cases need steady verified I/O beside their changes, not
# the most the VM can do, and their control path needs the CPU. The report
# goes to /tmp/fio.out.
fio_start() {
	fio --name=verify --filename="$1" --direct=1 --ioengine=libaio \
		--iodepth=16 --rw=randwrite --bs=4k --size=48M --verify=crc32c \
		--verify_backlog=256 --verify_fatal=1 --verify_state_save=0 \
		--rate_iops="${FIO_RATE:-200}" --time_based --runtime="$2" \
		--eta=never --output=/tmp/fio.out &
	fio_pid=$!
	sleep 5
}

# fio_running: fio must not have ended early.
fio_running() {
	kill -0 "$fio_pid" 2>/dev/null || die "fio stopped early: $(cat /tmp/fio.out)"
}

# fio_finish DISK: end fio with SIGINT, as a person would with ^C (fio then
# exits 128 although its I/O went well: accept that, or 0), and fail on an
# I/O or verification error in its report or an I/O error the kernel
# logged for DISK.
fio_finish() {
	local rc=0
	kill -INT "$fio_pid" 2>/dev/null || true
	wait "$fio_pid" || rc=$?
	case $rc in
	0|128) ;;
	*) die "fio failed (exit $rc): $(cat /tmp/fio.out)" ;;
	esac
	grep -q "err= 0" /tmp/fio.out || die "fio reports errors: $(cat /tmp/fio.out)"
	grep -qi "bad\|mismatch" /tmp/fio.out &&
		die "verification errors: $(cat /tmp/fio.out)"
	dmesg | grep -qi "I/O error, dev ${1#/dev/}," &&
		die "I/O errors on $1 in the kernel log: $(dmesg | grep -i 'I/O error' | head)"
	say "fio: $(grep -o 'write: IOPS=[^,]*' /tmp/fio.out | head -1)"
}

core_load() {
	modprobe scst "$@" || die "modprobe scst failed"
	ynl_start
}

cleanups_gone() {
	[ "$(nl_dump cleanup-get)" = "[]" ]
}

# core_finish: delete everything the family shows, unload the modules.
core_finish() {
	local t d
	for t in $(nl_dump target-get | jq -r '.[].target'); do
		nl target-del "{\"target\": \"$t\"}" >/dev/null
	done
	nl cleanup-release '{"cleanup-all": true}' >/dev/null
	wait_until 30 cleanups_gone || die "cleanups left: $(nl_dump cleanup-get)"
	for d in $(nl_dump device-get | jq -r '.[].device'); do
		nl device-del "{\"device\": \"$d\"}" >/dev/null
	done
	ynl_stop
	for m in scst_local iscsi_scst scst_vdisk scst; do
		if grep -q "^$m " /proc/modules; then
			modprobe -r "$m" || die "modprobe -r $m failed"
		fi
	done
	say "ok"
}
