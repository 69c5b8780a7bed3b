#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scstctl's errors: each is one sentence on stderr starting with
# "scstctl: " (the kernel's own explanation when it gave one), exit status
# 1 for errors and 2 for usage errors, and nothing changed by a failed
# command.
# vm-timeout: 300
# vm-batch: cli
set -eu
. "$(dirname "$0")/cli-lib.sh"

S=$SCSTCTL

# The family autoloads its module; make that fail to see the message.
modprobe -r scst_local scst_vdisk scst 2>/dev/null || true
saved=$(cat /proc/sys/kernel/modprobe)
echo /bin/false >/proc/sys/kernel/modprobe
rc=0
err=$("$S" global show 2>&1) || rc=$?
echo "$saved" >/proc/sys/kernel/modprobe
[ $rc = 1 ] || die "global show without the module exited $rc"
[ "$err" = "scstctl: the scst kernel module is not loaded (modprobe scst)" ] ||
	die "without the module: '$err'"
say "without the module: $err"

local_start

# usage errors: status 2, nothing sent
expect_fail 2 "unknown object 'frob'" frob
expect_fail 2 "'d' is an ambiguous object: device, driver" d
expect_fail 2 "global has no verb 'explode'" global explode
expect_fail 2 "unknown device attribute 'blocksz'" device add x handler vdisk_nullio blocksz 512
expect_fail 2 "invalid value '1.5G' for size" device add x handler vdisk_nullio size 1.5G
expect_fail 2 "read_only takes on or off, not 'maybe'" lun add t 0 x read_only maybe
expect_fail 2 "LUN 20000 is above 16383" lun add t 20000 x
expect_fail 2 "unknown option '-z'" -z global
jq_is "$(scj device)" length 0

# errors the kernel explains: status 1, its sentence
expect_fail 1 "device 'nope' does not exist" device del nope
expect_fail 1 "nope" device show nope
expect_fail 1 "handler" device add x handler no_such_handler
expect_fail 1 "nope" target add t driver nope
expect_fail 1 "ghost" lun add ghost 0 x
expect_fail 1 "" device add f handler vdisk_fileio filename /tmp/no/such/file
sc device add d0 handler vdisk_nullio size 8M
expect_fail 1 "d0" device add d0 handler vdisk_nullio size 8M
sc target add t0 driver scst_local
sc lun add t0 0 d0
expect_fail 1 "" lun add t0 0 d0
expect_fail 1 "d0" device del d0
expect_fail 1 "" session del t0 no-such-session
expect_fail 1 "" cleanup release 123456
# A failed command changed nothing.
jq_is "$(scj device)" 'length' 1
jq_is "$(scj lun)" '.[0].device' d0

# Without CAP_NET_ADMIN: changes are refused with a sentence, listings work.
if command -v setpriv >/dev/null; then
	rc=0
	err=$(setpriv --bounding-set -net_admin --inh-caps -net_admin \
		"$S" device del d0 2>&1) || rc=$?
	[ $rc = 1 ] || die "device del without CAP_NET_ADMIN exited $rc: $err"
	case $err in
	"scstctl: permission denied"*) ;;
	*) die "without CAP_NET_ADMIN: '$err'" ;;
	esac
	setpriv --bounding-set -net_admin --inh-caps -net_admin "$S" -j device |
		jq -e 'length == 1' >/dev/null || die "listing without CAP_NET_ADMIN"
	say "without CAP_NET_ADMIN: $err"
fi

# config files: errors carry FILE:LINE, and a bad file changes nothing
cat >/tmp/bad.conf <<'EOF'
HANDLER vdisk_nullio {
	DEVICE n1 {
		size 1G
		blocksz 4096
	}
}
EOF
expect_fail 1 "/tmp/bad.conf:4: handler vdisk_nullio has no attribute 'blocksz'" config check /tmp/bad.conf
expect_fail 1 "/tmp/bad.conf:4: handler vdisk_nullio has no attribute 'blocksz'" config load /tmp/bad.conf
jq_is "$(scj device)" 'length' 1
expect_fail 1 "cannot open the file" config load /tmp/none.conf

local_finish
