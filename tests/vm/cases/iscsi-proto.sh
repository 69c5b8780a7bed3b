#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The iSCSI protocol where initiators misbehave or rarely go, with a raw
# initiator (iscsi_client.py) that builds the PDUs itself: the keys a login
# must answer, refused logins, session reinstatement while the old session
# is still up, a wrong DataSN (ERL 0: the connection ends, other sessions
# carry on, nothing is written), a malformed PDU, ABORT TASK of a write that
# still waits for its data (answered, never executed), residual overflow and
# underflow (RFC 7143 11.4.5), SNACK and TASK REASSIGN refused, the Async
# Message of a LUN added, the target's NOP-In keepalive, and CHAP.
# vm-timeout: 900
# vm-batch: iscsi
set -eu
. "$(dirname "$0")/iscsi-lib.sh"

T=iqn.2026-11.org.example:raw

raw() {
	python3 "$ICLIENT" --target $T "$@" || die "raw test '$1' failed"
}

iscsi_start
truncate -s 64M /tmp/raw.img
sc device add f0 handler vdisk_fileio filename /tmp/raw.img
sc device add n1 handler vdisk_nullio size 64M
sc target add $T driver iscsi
sc lun add $T 0 f0
sc target set $T enabled on

raw login
raw refused
raw reinstate
raw datasn
raw malformed
raw abort_write
raw residual
raw unsupported

# The Async Message: the client logs in and waits; a LUN is added.
python3 "$ICLIENT" --target $T async >/tmp/async.out 2>&1 &
apid=$!
wait_until 60 grep -q READY /tmp/async.out || { cat /tmp/async.out; die "the async client did not log in"; }
sc lun add $T 1 n1
wait $apid || { cat /tmp/async.out; die "raw test 'async' failed"; }
cat /tmp/async.out

# Keepalive: ping after 1 s of silence, give up 2 s later.
tgt_param $T NopInInterval=1 NopInTimeout=2
raw nopin
tgt_param $T NopInInterval=0

# CHAP: accounts are per target; a secret shorter than 96 bits is refused.
tgt_param_fails $T "IncomingUser=raw short"
tgt_param $T "IncomingUser=raw raw-secret-0123"
raw chap --chap raw:raw-secret-0123
! tgt_params $T | grep -q raw-secret || die "a CHAP secret is listed"
tgt_param $T "IncomingUser=raw"
raw login
[ -z "$("$SCSTCTL" session show $T)" ] || die "sessions are left behind"

iscsi_finish
