#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# iSCSI with open-iscsi over loopback: SendTargets discovery (IPv4 and
# IPv6) lists the enabled target and not a disabled one; login makes its
# LUNs appear as disks with the devices' identity; fio verifies data; a LUN
# deleted and mapped again to another device, or taken away and given back
# so by moves between groups, is followed by its disk; the session is
# listed through the family with the initiator's name and the negotiated
# parameters; force close makes the initiator come back as a new session;
# logout removes the disks; unload frees everything.
# vm-timeout: 600
# vm-batch: iscsi
set -eu
. "$(dirname "$0")/iscsi-lib.sh"

T=iqn.2026-11.org.example:basic
T2=iqn.2026-11.org.example:disabled
P=127.0.0.1
INIT=iqn.2026-11.org.example:basic-init

iscsi_start
truncate -s 256M /tmp/basic.img
sc device add f0 handler vdisk_fileio filename /tmp/basic.img usn SN-BASIC0
sc device add n1 handler vdisk_nullio size 1G usn SN-BASIC1
sc target add $T driver iscsi
sc target add $T2 driver iscsi
sc lun add $T 0 f0
sc lun add $T 1 n1
sc lun add $T2 0 n1
sc target set $T enabled on

# A name that is no iSCSI name is refused.
! "$SCSTCTL" target add not-an-iqn driver iscsi 2>/dev/null ||
	die "a target named not-an-iqn was accepted"

iscsi_start_initiator $INIT
out=$(iscsi_discover $P)
echo "$out" | grep -qx "$P:3260,1 $T" || die "discovery does not list $T: $out"
! echo "$out" | grep -q "$T2" || die "discovery lists the disabled target $T2"
out=$(iscsi_discover "[::1]")
echo "$out" | grep -qx "\[::1\]:3260,1 $T" ||
	die "IPv6 discovery does not list $T: $out"
say "discovery ok (IPv4 and IPv6)"

# The disabled target refuses logins until it is enabled.
iscsiadm -m node -T $T2 -p $P -o new >/dev/null
iscsi_login_fails $T2 $P
iscsiadm -m node -T $T2 -p $P -o delete >/dev/null

iscsi_login $T $P
d0=$(wait_disk $T 0)
d1=$(wait_disk $T 1)
[ "$(sg_vpd -p sn "/dev/$d0" | sed -n 's/^ *Unit serial number: *//p')" = SN-BASIC0 ] ||
	die "LUN 0 ($d0) does not show serial SN-BASIC0"
[ "$(sg_vpd -p sn "/dev/$d1" | sed -n 's/^ *Unit serial number: *//p')" = SN-BASIC1 ] ||
	die "LUN 1 ($d1) does not show serial SN-BASIC1"
[ "$(blockdev --getsize64 "/dev/$d1")" = $((1 << 30)) ] || die "LUN 1 is not 1 GiB"
say "login ok: LUN 0 is $d0, LUN 1 is $d1"

fio_verify "$d0" 48M
say "fio verify ok on $d0"

# LUN 1 is deleted and mapped again, to a device of another block size and
# capacity, with no rescan in between (open-iscsi does none on REPORTED
# LUNS DATA HAS CHANGED): the disk stays, and must learn the new device at
# its next commands, else sd would address it in the old one's blocks. The
# core remembers what the session had at LUN 1 and also sends INQUIRY DATA
# and CAPACITY DATA HAS CHANGED, on which sd reads both again.
learned() {	# DISK BYTES SIZE: after a read, BYTES-byte blocks, SIZE bytes
	timeout 20 dd if="/dev/$1" of=/dev/null bs=4096 count=4 iflag=direct \
		2>/dev/null || true
	[ "$(cat "/sys/block/$1/queue/logical_block_size")" = "$2" ] &&
		[ "$(blockdev --getsize64 "/dev/$1")" = "$3" ]
}
sc device add n2 handler vdisk_nullio size 2G blocksize 4096 usn SN-BASIC2
sc lun del $T 1
sc lun add $T 1 n2
wait_until 30 learned "$d1" 4096 $((2 << 30)) ||
	die "$d1 did not learn the 4096-byte blocks and 2 GiB of n2: $(cat "/sys/block/$d1/queue/logical_block_size") bytes, $(blockdev --getsize64 "/dev/$d1")"
[ "$(sg_vpd -p sn "/dev/$d1" | sed -n 's/^ *Unit serial number: *//p')" = SN-BASIC2 ] ||
	die "LUN 1 ($d1) does not show serial SN-BASIC2"
[ "$(iscsi_disk $T 1)" = "$d1" ] || die "LUN 1 has another disk than $d1"
# And back to n1 the same way.
sc lun del $T 1
sc lun add $T 1 n1
wait_until 30 learned "$d1" 512 $((1 << 30)) ||
	die "$d1 did not learn the 512-byte blocks and 1 GiB of n1"
dd if="/dev/$d1" of=/dev/null bs=4096 count=16 iflag=direct 2>/dev/null ||
	die "reading $d1 after LUN 1 came back fails"
say "LUN 1 mapped again to other devices: $d1 followed"

# The same through groups: the initiator moves to a group without LUN 1,
# then to one whose LUN 1 is n2, then back to the default group (n1).
# The session remembers n1 across the group without LUN 1.
sc group add $T gx
sc lun add $T group gx 0 f0
sc group add $T gy
sc lun add $T group gy 0 f0
sc lun add $T group gy 1 n2
sc initiator add $T gx "$INIT"
sc initiator move $T gx "$INIT" gy
wait_until 30 learned "$d1" 4096 $((2 << 30)) ||
	die "$d1 did not learn n2 after the moves through a group without LUN 1: $(cat "/sys/block/$d1/queue/logical_block_size") bytes, $(blockdev --getsize64 "/dev/$d1")"
sc initiator del $T gy "$INIT"
wait_until 30 learned "$d1" 512 $((1 << 30)) ||
	die "$d1 did not learn n1 back in the default group"
sc group del $T gx
sc group del $T gy
say "LUN 1 given back by a group move with another device: $d1 followed"

# Listed through the family: initiator name and negotiated parameters.
"$SCSTCTL" session show $T | grep -q "initiator $INIT" ||
	die "session of $INIT not listed: $("$SCSTCTL" session show $T)"
params=$(sess_params $T)
echo "$params" | grep -q "HeaderDigest=None" || die "no HeaderDigest in $params"
echo "$params" | grep -q "MaxConnections=1" || die "no MaxConnections in $params"
echo "$params" | grep -q "initiator_address=127.0.0.1:" ||
	die "no initiator_address in $params"
sess=$("$SCSTCTL" -j session show $T | jq -r '.[0].name')
[ "$sess" = "$INIT,i,0x$(echo "$params" | sed -n 's/.* isid=0x//p')" ] ||
	die "session name $sess is not the initiator port name"
# Its TransportID (SPC-4 7.6.4.6): iSCSI (5h) with format 01b, the length
# of what follows, then "name,i,0xISID", NUL-padded to a multiple of 4.
tid=$("$SCSTCTL" -j session show $T | jq -r '.[0].transport_id')
n=$(( (${#sess} + 1 + 3) / 4 * 4 ))
want=$(printf '4500%04x' $n; printf '%s' "$sess" | od -An -tx1 -v | tr -d ' \n';
	printf '%0*d' $(( (n - ${#sess}) * 2 )) 0)
[ "$tid" = "$want" ] || die "TransportID '$tid' is not '$want'"
addr=$(echo "$params" | sed -n 's/.* initiator_address=//p')

# Force close: the session goes at once; the initiator notices, and logs in
# again as a new session (a new TCP connection).
sc session del $T "$sess"
[ -z "$("$SCSTCTL" session show $T)" ] || die "the session survived force close"
has_session() {
	[ -n "$("$SCSTCTL" session show $T)" ]
}
wait_until 90 has_session || die "the initiator did not come back after force close"
naddr=$(sess_params $T | sed -n 's/.* initiator_address=//p')
[ -n "$naddr" ] && [ "$naddr" != "$addr" ] ||
	die "the session after force close is not a new connection ($addr, $naddr)"
d0=$(wait_disk $T 0)
dd if="/dev/$d0" of=/dev/null bs=64k count=16 iflag=direct 2>/dev/null ||
	die "reading $d0 fails after the session came back"
say "force close ok: the initiator came back with a new session"

iscsi_logout $T $P
wait_until 30 iscsi_no_session $T || die "the session is still there after logout"
[ ! -e "/sys/block/$d0" ] || die "$d0 is still there after logout"
[ -z "$("$SCSTCTL" session show $T)" ] || die "the target still lists a session"
say "logout ok"

iscsi_finish
