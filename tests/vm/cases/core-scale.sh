#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 10,000 LUNs across 1,000 targets (and 1,000 devices; 2,000 LUNs on 200
# in the suite's lighter form, SCST_CHECK_LIGHT=1): created, listed
# (complete and consistent), and cleared, with the time each step takes.
# The listing is timed with a bare netlink dump that only counts messages,
# so that the client's decoding does not hide the kernel's cost.
# vm-timeout: 1500
# vm-mem: 2G
set -eu
. "$(dirname "$0")/core-lib.sh"

ntgt=${SCALE_TARGETS:-1000}
# The suite's lighter form (SCST_CHECK_LIGHT): 2,000 LUNs on 200 targets.
[ -z "${SCST_CHECK_LIGHT:-}" ] || ntgt=${SCALE_TARGETS:-200}
nlun=${SCALE_LUNS:-10}

core_load
modprobe scst_vdisk
modprobe scst_local

# reqs FILE WITH-LUNS TEMPLATE: one request per object into FILE, made up
# front by one awk (a fork costs milliseconds under emulation, a shell
# loop as much per line, and the time of the steps below must be the
# target's, not the generator's). TEMPLATE is printf'd with the target and
# device index, and with WITH-LUNS 1 the LUN then the index again.
reqs() {	# FILE WITH-LUNS TEMPLATE
	awk -v n="$ntgt" -v luns="$2" -v nl="$nlun" -v t="$3" 'BEGIN {
		for (i = 0; i < n; i++)
			if (luns == 1)
				for (l = 0; l < nl; l++)
					printf t "\n", i, l, i
			else
				printf t "\n", i
	}' >"$1"
}

# bulk FILE: the case's client sends the requests of FILE one by one,
# failing at the first error.
bulk() {
	local out
	out=$(nl_run batch "$1") || die "$out"
	[ "$out" = "$(wc -l <"$1")" ] || die "$1: $out requests of $(wc -l <"$1") sent"
}

now() {
	date +%s.%N
}

elapsed() {	# START
	awk "BEGIN { printf \"%.2f\", $(now) - $1 }"
}

# A dump that counts the objects it receives and the parts flagged as
# interrupted, with the time it took; with a file GO, it says "started" on
# stderr after the first part and reads no further until GO exists (the
# test changes the configuration in between).
dump_count() {	# OP [GO]
	/usr/bin/python3 - "$PWD/build/ynl/tools/net/ynl" \
		"$PWD/kmod/include/uapi/scst.yaml" "$1" "${2:-}" <<'EOF'
import os, socket, struct, sys, time
sys.path.insert(0, sys.argv[1])
from lib import YnlFamily
from lib.ynl import NlMsgs, Netlink

ynl = YnlFamily(sys.argv[2], '')
op = ynl.ops[sys.argv[3]]
msg = ynl._encode_message(op, {}, [Netlink.NLM_F_DUMP], 1)
t = time.monotonic()
ynl.sock.send(msg, 0)
n = intr = 0
done = False
go = sys.argv[4]
while not done:
    data = ynl.sock.recv(1 << 20)
    if go:
        print('started', file=sys.stderr, flush=True)
        limit = time.monotonic() + 120
        while not os.path.exists(go):
            if time.monotonic() > limit:
                sys.exit('%s did not appear' % go)
            time.sleep(0.05)
        go = None
    for m in NlMsgs(data):
        if m.nl_flags & 0x10:		# NLM_F_DUMP_INTR
            intr += 1
        if m.error or m.done:
            if m.error:
                sys.exit('dump failed: %d' % m.error)
            done = True
            break
        n += 1
print(n, intr, '%.3f' % (time.monotonic() - t))
EOF
}

say "creating $ntgt targets with $nlun LUNs each"
reqs /tmp/dev-new 0 'do device-new {"handler": "vdisk_nullio", "device": "d%d"}'
reqs /tmp/tgt-new 0 'do target-new {"driver": "scst_local", "target": "t%d"}'
reqs /tmp/lun-new 1 'do lun-new {"target": "t%d", "lun": %d, "device": "d%d"}'
t=$(now)
bulk /tmp/dev-new
tdev=$(elapsed "$t")
t=$(now)
bulk /tmp/tgt-new
ttgt=$(elapsed "$t")
t=$(now)
bulk /tmp/lun-new
tlun=$(elapsed "$t")
say "created $ntgt devices in ${tdev}s, $ntgt targets in ${ttgt}s, $((ntgt * nlun)) LUNs in ${tlun}s"

say "listing"
read -r n intr tlist <<<"$(dump_count lun-get)"
expect luns "$n" $((ntgt * nlun))
expect interrupted "$intr" 0
read -r nt intr ttgtl <<<"$(dump_count target-get)"
expect targets "$nt" "$ntgt"
read -r nd intr tdevl <<<"$(dump_count device-get)"
expect devices "$nd" "$ntgt"
say "listed $n LUNs in ${tlist}s, $nt targets in ${ttgtl}s, $nd devices in ${tdevl}s"
# The decoded listing is complete and right, one target at a time too.
# (The client counts: the whole listing through a shell costs a minute.)
all=$(nl_run count lun-get) || die "count lun-get: $all"
expect decoded "$(echo "$all" | jq .count)" $((ntgt * nlun))
expect last "$(echo "$all" | jq -c '.last | [.target, .lun, .device]')" \
	"[\"t$((ntgt - 1))\",$((nlun - 1)),\"d$((ntgt - 1))\"]"
expect one "$(nl_dump lun-get '{"target": "t7"}' | jq -c '[.[].lun] | length')" "$nlun"

say "a dump that overlaps a change is flagged"
rm -f /tmp/slow.go
dump_count lun-get /tmp/slow.go >/tmp/slow.out 2>/tmp/slow.err &
slow=$!
wait_until 60 grep -q started /tmp/slow.err || die "slow dump did not start"
nl lun-del '{"target": "t0", "lun": 0}' >/dev/null
: >/tmp/slow.go
wait "$slow" || die "slow dump failed: $(cat /tmp/slow.err)"
read -r n intr tlist <<<"$(cat /tmp/slow.out)"
[ "$intr" -gt 0 ] || die "a dump across a change was not flagged: $n objects, $intr flagged"
nl lun-new '{"target": "t0", "lun": 0, "device": "d0"}' >/dev/null
say "overlapping dump: $n objects, $intr parts flagged NLM_F_DUMP_INTR"

say "clearing"
reqs /tmp/lun-clear 0 'do lun-clear {"target": "t%d"}'
reqs /tmp/tgt-del 0 'do target-del {"target": "t%d"}'
reqs /tmp/dev-del 0 'do device-del {"device": "d%d"}'
t=$(now)
bulk /tmp/lun-clear
tclear=$(elapsed "$t")
t=$(now)
bulk /tmp/tgt-del
ttdel=$(elapsed "$t")
t=$(now)
bulk /tmp/dev-del
tddel=$(elapsed "$t")
expect left "$(nl_dump lun-get | jq length)" 0
say "cleared $((ntgt * nlun)) LUNs in ${tclear}s, deleted $ntgt targets in ${ttdel}s, $ntgt devices in ${tddel}s"

core_finish
