#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Who gets what over iSCSI, and an initiator that goes away:
# - access control: an initiator that matches no group sees the target's
#   default group, which here has no LUNs; added to a group, after a rescan
#   it sees exactly that group's LUNs, with those devices' identity;
# - mutual CHAP with open-iscsi: the target proves itself with its
#   OutgoingUser; an initiator that expects another target secret refuses
#   the login;
# - an initiator that vanishes mid-I/O (writes waiting for their data,
#   reads in flight, half a PDU, connection reset): its session goes, the
#   target serves the next login and the other session's verified I/O;
# - deleting a target with a logged-in session drops it; unload frees all.
# vm-timeout: 600
# vm-batch: iscsi
set -eu
. "$(dirname "$0")/iscsi-lib.sh"

T=iqn.2026-11.org.example:access
RAW=iqn.2026-11.org.example:raw
INIT=iqn.2026-11.org.example:access-init
P=127.0.0.1:3260
IN_SECRET=initiator-secret-01
OUT_SECRET=target-secret-0123
CLIENT="$(dirname "$0")/iscsi_client.py"

iscsi_start
truncate -s 32M /tmp/access-a0.img
sc device add a0 handler vdisk_fileio filename /tmp/access-a0.img usn ACC-A0
sc device add a1 handler vdisk_nullio size 48M usn ACC-A1
sc device add raw0 handler vdisk_nullio size 64M
sc target add $T driver iscsi
sc group add $T g1
sc initiator add $T g1 "iqn.2026-11.org.example:someone-else*"
sc lun add $T group g1 0 a0
sc lun add $T group g1 1 a1
sc target add $RAW driver iscsi
sc lun add $RAW 0 raw0
sc target set $T "IncomingUser=ini $IN_SECRET" "OutgoingUser=tgt $OUT_SECRET" enabled on
sc target set $RAW enabled on

# ---- access control --------------------------------------------------------
iscsi_start_initiator $INIT
iscsi_discover $P >/dev/null
iscsi_node $T $P node.session.auth.authmethod CHAP
iscsi_node $T $P node.session.auth.username ini
iscsi_node $T $P node.session.auth.password "$IN_SECRET"
iscsi_node $T $P node.session.auth.username_in tgt
iscsi_node $T $P node.session.auth.password_in "$OUT_SECRET"
iscsi_login $T $P
say "mutual CHAP login ok"
wait_until 30 iscsi_host $T >/dev/null || die "no SCSI host for the session"
sleep 2
[ -z "$(iscsi_luns $T)" ] ||
	die "an initiator outside the group sees LUNs: $(iscsi_luns $T)"
[ "$(sc -j session show $T | jq -r '.[0].group // ""')" = "" ] ||
	die "the session is in a group: $(sc -j session show $T)"
say "outside the group: no LUNs"

sc initiator add $T g1 $INIT
[ "$(sc -j session show $T | jq -r '.[0].group')" = g1 ] ||
	die "the session did not move to g1: $(sc -j session show $T)"
iscsiadm -m session -R >/dev/null || die "rescan failed"
d0=$(wait_disk $T 0)
d1=$(wait_disk $T 1)
[ "$(iscsi_luns $T)" = "0 1 " ] || die "in g1 the initiator sees LUNs '$(iscsi_luns $T)'"
[ "$(sg_vpd -p sn "/dev/$d0" | sed -n 's/^ *Unit serial number: *//p')" = ACC-A0 ] ||
	die "LUN 0 is not device a0"
[ "$(blockdev --getsize64 "/dev/$d1")" = $((48 << 20)) ] || die "LUN 1 is not device a1"
say "in group g1: LUNs 0 and 1 are a0 and a1"

# ---- mutual CHAP refused -----------------------------------------------------
iscsi_logout $T $P
iscsi_node $T $P node.session.auth.password_in "not-the-target-secret"
iscsi_login_fails $T $P
iscsi_node $T $P node.session.auth.password_in "$OUT_SECRET"
iscsi_node $T $P node.session.auth.password "not-the-initiator-secret"
iscsi_login_fails $T $P
iscsi_node $T $P node.session.auth.password "$IN_SECRET"
iscsi_login $T $P
d0=$(wait_disk $T 0)
say "a wrong secret on either side is refused"

# ---- an initiator that vanishes mid-I/O --------------------------------------
fio_verify "$d0" 8M &
fio_pid=$!
for i in 1 2 3; do
	/usr/bin/python3 "$CLIENT" vanish --target $RAW --initiator "iqn.2026-11.org.example:vanish$i" ||
		die "the raw initiator could not set up its I/O"
	wait_until 30 sh -c "! '$SCSTCTL' session show $RAW | grep -q vanish$i" ||
		die "the session of a vanished initiator is still listed: $(sc session show $RAW)"
done
wait $fio_pid || die "verified I/O on the other session failed while initiators vanished"
/usr/bin/python3 "$CLIENT" login --target $RAW || die "a new login after the vanished ones failed"
say "vanished initiators: sessions gone, the target serves the next login and the others"

# ---- delete a target with a session ------------------------------------------
sc target del $T
wait_until 30 sh -c "! '$SCSTCTL' session show | grep -q '$INIT'" ||
	die "the session survived its target"
[ -z "$(sc target show | grep "^$T" || true)" ] || die "the target is still listed"
iscsiadm -m node -T $T -p $P --logout >/dev/null 2>&1 || true
say "target deleted under a session"

iscsi_finish
