#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# iSCSI driver and target parameters with scstctl alone: a portal set with
# "driver set" is where discovery answers; a CHAP account set with "target
# set" is what a login then needs; a negotiation limit shows up in the
# session's negotiated values. Parameters are listed back in text and JSON,
# never with the secret. A refused parameter gives the driver's sentence and
# exit status 1 and leaves the listing as it was; a malformed one is a usage
# error. config save writes the parameters, and loading the saved file
# changes nothing.
# vm-timeout: 600
# vm-batch: cli
set -eu
. "$(dirname "$0")/iscsi-lib.sh"

T=iqn.2026-11.org.example:params
INIT=iqn.2026-11.org.example:params-init
P=127.0.0.1:3261
SECRET=params-secret-0123

# expect_fail STATUS SENTENCE ARGS...: scstctl must exit STATUS and print
# exactly "scstctl: SENTENCE" as the first line on stderr.
expect_fail() {
	local want=$1 says=$2 rc=0 err
	shift 2
	err=$("$SCSTCTL" "$@" 2>&1 >/dev/null) || rc=$?
	[ $rc = "$want" ] || die "scstctl $* exited $rc, not $want: $err"
	[ "$(echo "$err" | head -n 1)" = "scstctl: $says" ] ||
		die "scstctl $* said '$err', not 'scstctl: $says'"
}

iscsi_start
sc device add n0 handler vdisk_nullio size 64M
sc target add $T driver iscsi
sc lun add $T 0 n0

# The portal: the driver listens on that one address only.
sc driver set iscsi portals=$P
out=$(sc driver show)
echo "$out" | grep -q "^iscsi .* params: portals=$P$" ||
	die "driver show does not list the portal: $out"
[ "$(sc -j driver show | jq -r '.[] | select(.name == "iscsi") | .params | join(" ")')" = \
	"portals=$P" ] || die "driver show -j: $(sc -j driver show)"

# CHAP account and a negotiation limit, and enabled, in one command.
sc target set $T "IncomingUser=joe $SECRET" MaxBurstLength=131072 enabled on
json=$(sc -j target show $T)
[ "$(echo "$json" | jq -r .enabled)" = true ] || die "target not enabled: $json"
[ "$(echo "$json" | jq -r '[.params[] | select(startswith("IncomingUser="))] | join(" ")')" = \
	"IncomingUser=joe" ] || die "the CHAP account is not listed as its name: $json"
echo "$json" | jq -e '.params | index("MaxBurstLength=131072")' >/dev/null ||
	die "MaxBurstLength not listed: $json"
text=$(sc target show $T)
echo "$text" | grep -q " params: .*IncomingUser=joe .*MaxBurstLength=131072" ||
	die "target show: $text"
! echo "$text$json" | grep -q "$SECRET" || die "the CHAP secret is listed"
say "parameters listed: $text"

# A refused parameter: the driver's sentence, status 1, nothing changed
# (neither the parameters nor the enabled state).
before=$(sc -j target show $T)
expect_fail 1 "a CHAP secret has 12 to 255 bytes (RFC 7143 wants at least 96 bits)" \
	target set $T "IncomingUser=eve short" enabled off
expect_fail 1 "driver 'iscsi' has no target parameter 'Colour'" \
	target set $T Colour=red
expect_fail 1 "invalid value for this iSCSI target parameter" \
	target set $T MaxBurstLength=1
# Every parameter is checked before the first is applied: a good one
# before a refused one is not applied either.
expect_fail 1 "invalid value for this iSCSI target parameter" \
	target set $T QueuedCommands=7 "OutgoingUser=out $SECRET" MaxBurstLength=1
[ "$(sc -j target show $T)" = "$before" ] ||
	die "a refused set changed the target: $before -> $(sc -j target show $T)"
expect_fail 1 "driver 'iscsi' has no driver parameter 'port'" \
	driver set iscsi port=3262
# A good portal list before a bad one is not applied either.
expect_fail 1 "invalid portal: want address:port or [v6address]:port" \
	driver set iscsi "portals=127.0.0.1:3263" "portals=not-an-address"
[ "$(sc -j driver show | jq -r '.[] | select(.name == "iscsi") | .params | join(" ")')" = \
	"portals=$P" ] || die "a refused driver set changed the portals"
# Malformed: a usage error, the secret not repeated.
expect_fail 2 "'IncomingUser' is not KEY=VALUE" driver set iscsi "IncomingUser joe $SECRET"
expect_fail 2 "unknown target setting 'IncomingUser' (parameters are KEY=VALUE)" \
	target set $T "IncomingUser joe $SECRET"
say "bad parameters refused"

# What was set works: discovery on the new portal only, login only with the
# account, and the limit negotiated.
iscsi_start_initiator $INIT
out=$(iscsi_discover $P)
echo "$out" | grep -qx "$P,1 $T" || die "discovery at $P does not list $T: $out"
! iscsiadm -m discovery -t sendtargets -p 127.0.0.1:3260 >/dev/null 2>&1 ||
	die "the old portal 127.0.0.1:3260 still answers"
iscsi_login_fails $T $P
iscsi_node $T $P node.session.auth.authmethod CHAP
iscsi_node $T $P node.session.auth.username joe
iscsi_node $T $P node.session.auth.password "$SECRET"
iscsi_login $T $P
d0=$(wait_disk $T 0)
dd if=/dev/zero of="/dev/$d0" bs=1M count=4 oflag=direct status=none ||
	die "cannot write to $d0"
sp=$(sc -j session show $T | jq -r '.[0].params | join(" ")')
echo "$sp" | grep -q "MaxBurstLength=131072" ||
	die "the session did not negotiate MaxBurstLength=131072: $sp"
sc session show $T | grep -q " params: .*portal=$P" ||
	die "session show lists no portal: $(sc session show $T)"
say "CHAP login ok on $P, $d0 writable, MaxBurstLength negotiated"
iscsi_logout $T $P

# config save writes the parameters (the account without its secret);
# loading it back changes nothing.
sc config save /tmp/params.conf
grep -q "^	portals $P$" /tmp/params.conf || die "no portals in $(cat /tmp/params.conf)"
grep -q "^		IncomingUser joe$" /tmp/params.conf ||
	die "no IncomingUser in $(cat /tmp/params.conf)"
! grep -q "$SECRET" /tmp/params.conf || die "the secret was saved"
out=$(sc config load /tmp/params.conf)
[ -z "$out" ] || die "loading the saved file changed: $out"
# A file that wants another limit changes just that.
sed -i 's/MaxBurstLength 131072/MaxBurstLength 65536/' /tmp/params.conf
out=$(sc config load /tmp/params.conf)
[ "$out" = "target set $T MaxBurstLength=65536" ] || die "config load did: $out"
sc -j target show $T | jq -e '.params | index("MaxBurstLength=65536")' >/dev/null ||
	die "config load did not set MaxBurstLength"
say "config save and load ok"

iscsi_finish
