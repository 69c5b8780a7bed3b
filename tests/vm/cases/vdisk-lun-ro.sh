#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A device mapped read-only at one LUN and read-write at another: through
# the read-only LUN writes get DATA PROTECT, WRITE PROTECTED, and MODE SENSE
# reports the protection (WP in the header, SWP in the control page), so
# the initiator sees a write-protected disk; through the other LUN the same
# device takes writes and reports no protection.
# vm-timeout: 300
# vm-batch: local
set -eu
. "$(dirname "$0")/vdisk-lib.sh"

vdisk_start

truncate -s 16M /tmp/ro.img
sc device add ro handler vdisk_fileio filename /tmp/ro.img
rw=$(vdisk_lun 0 ro)
ro=$(vdisk_lun 1 ro read_only on)
say "read-write LUN is $rw, read-only LUN is $ro"

expect_sense "Data Protect" "Write protected" \
	sg_raw -R -s 512 -i /dev/zero "/dev/$ro" 2a 00 00 00 00 00 00 00 01 00
expect_sense "Data Protect" "Write protected" \
	sg_raw -R "/dev/$ro" 93 01 00 00 00 00 00 00 00 00 00 00 00 01 00 00
sg_raw -s 512 -i /dev/zero "/dev/$rw" 2a 00 00 00 00 00 00 00 01 00 2>&1 |
	grep -q "Sense" && die "a write through the read-write LUN failed"

dsp() { sg_modes -6 -d -r -p 0x0a "/dev/$1" | bytes | sed -n 3p; }
[ $(( $(dsp "$ro") & 128 )) = 128 ] || die "WP not set on the read-only LUN"
[ $(( $(mode_byte "$ro" 0x0a 4) & 8 )) = 8 ] || die "SWP not set on the read-only LUN"
[ $(( $(dsp "$rw") & 128 )) = 0 ] || die "WP set on the read-write LUN"
[ $(( $(mode_byte "$rw" 0x0a 4) & 8 )) = 0 ] || die "SWP set on the read-write LUN"
[ "$(blockdev --getro "/dev/$ro")" = 1 ] || die "the initiator does not see $ro as read-only"

vdisk_finish
rm -f /tmp/ro.img
