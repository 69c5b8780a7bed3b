#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The netlink family against hostile and unprivileged callers, with
# build/tests/nlfuzz (tests/fuzz/nlfuzz.c, built on the host by make):
#
# - every operation of the YNL spec is sent without privileges: those the
#   spec marks admin-perm must get EPERM and change nothing, the others
#   (reads) must work;
# - random and mutated messages for SCST_FUZZ_SECONDS (default 60; seed
#   SCST_FUZZ_SEED, else a random one that is printed), interleaved with
#   valid changes whose answers a model predicts, with vdisk_nullio,
#   vdisk_fileio and vdisk_blockio devices, scst_local and iSCSI targets:
#   the first half from one process (the seed replays it), the second
#   half with two more processes sending fuzz messages at the same time;
# - the modules unload cleanly afterwards (core_finish), and the harness
#   fails the run on any WARNING, BUG, Oops or leak in the kernel log.
#
# make fuzz runs it on every kernel with FUZZ_TIME seconds:
#   tests/vm/run --kernel 6.12 -- env SCST_FUZZ_SECONDS=600 tests/vm/cases/nl-fuzz.sh
# vm-timeout: 480
set -eu
. "$(dirname "$0")/core-lib.sh"

nlfuzz=$PWD/build/tests/nlfuzz
[ -x "$nlfuzz" ] || die "$nlfuzz is missing: run make on the host"
secs=${SCST_FUZZ_SECONDS:-60}
seed=${SCST_FUZZ_SEED:-}

core_load
modprobe scst_vdisk
modprobe scst_local
modprobe iscsi_scst
# A block device whose writes go nowhere, for vdisk_blockio.
modprobe null_blk nr_devices=1 gb=1 || say "no null_blk: blockio devices will all fail"

# The only backing files fuzz messages may name (besides /dev/null and
# /dev/nullb0): scratch files in the VM's /tmp.
mkdir -p /tmp/nlfuzz
truncate -s 64M /tmp/nlfuzz/disk.img
truncate -s 4096 /tmp/nlfuzz/small.img

say "unprivileged callers, every operation of the spec"
python3 tests/fuzz/spec-ops.py kmod/include/uapi/scst.yaml >/tmp/nlfuzz-ops ||
	die "cannot read the operations of the spec"
"$nlfuzz" --unpriv </tmp/nlfuzz-ops || die "unprivileged callers"

half=$((secs / 2))
say "fuzzing for $half s, one process"
"$nlfuzz" --seconds "$half" ${seed:+--seed "$seed"} || die "nlfuzz failed"
say "fuzzing for $((secs - half)) s, three processes"
"$nlfuzz" --seconds "$((secs - half))" --jobs 3 ${seed:+--seed "$seed"} ||
	die "nlfuzz --jobs 3 failed"

# Nothing may be left behind: no device, no target, no cleanup.
expect devices "$(nl_dump device-get | jq length)" 0
expect targets "$(nl_dump target-get | jq length)" 0
expect cleanups "$(nl_dump cleanup-get | jq length)" 0
core_finish
