#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# iSCSI data integrity under every data-transfer mode: fio with crc32c
# verification through a vdisk_fileio LUN, with header and data digests off
# and on (CRC32C), ImmediateData and InitialR2T both ways, and small
# MaxBurstLength / FirstBurstLength / MaxRecvDataSegmentLength limits on the
# target so that writes take several R2Ts and reads several Data-In
# sequences. Each combination is checked to be what the session really
# negotiated, as the family lists it.
# vm-timeout: 1200
set -eu
. "$(dirname "$0")/iscsi-lib.sh"

T=iqn.2026-11.org.example:fio
P=127.0.0.1

iscsi_start
truncate -s 256M /tmp/fio.img
sc device add f0 handler vdisk_fileio filename /tmp/fio.img
sc target add $T driver iscsi
sc lun add $T 0 f0
sc target set $T enabled on
iscsi_start_initiator iqn.2026-11.org.example:fio-init
iscsi_discover $P >/dev/null

# Bytes of verified I/O per mode; 4 MiB in the suite's lighter form
# (SCST_CHECK_LIGHT).
fio_size=12M
[ -z "${SCST_CHECK_LIGHT:-}" ] || fio_size=4M

# run DIGEST IMMEDIATE INITIALR2T [KEY=VALUE...]: log in with these, check
# that the session negotiated them (and the KEY=VALUEs), fio, log out.
run() {
	local dg=$1 imm=$2 r2t=$3 d params
	shift 3
	iscsi_node $T $P "node.conn[0].iscsi.HeaderDigest" "$dg"
	iscsi_node $T $P "node.conn[0].iscsi.DataDigest" "$dg"
	iscsi_node $T $P node.session.iscsi.ImmediateData "$imm"
	iscsi_node $T $P node.session.iscsi.InitialR2T "$r2t"
	iscsi_login $T $P
	d=$(wait_disk $T 0)
	params=$(sess_params $T)
	for kv in "HeaderDigest=$dg" "DataDigest=$dg" "ImmediateData=$imm" \
		  "InitialR2T=$r2t" "$@"; do
		echo "$params" | grep -q " $kv\$" ||
			die "the session did not negotiate $kv: $params"
	done
	fio_verify "$d" "$fio_size"
	iscsi_logout $T $P
	wait_until 30 iscsi_no_session $T || die "the session stays after logout"
	say "digests $dg, ImmediateData $imm, InitialR2T $r2t: fio verify ok"
}

run None Yes No
run CRC32C No Yes
run CRC32C Yes Yes
run None No No

# Small bursts and segments: writes of up to 256 KiB take many R2Ts and
# Data-Out PDUs, reads many Data-In PDUs and sequences.
tgt_param $T MaxRecvDataSegmentLength=8192 MaxXmitDataSegmentLength=8192 \
	MaxBurstLength=32768 FirstBurstLength=16384
tgt_params $T | grep -qx "MaxBurstLength=32768" ||
	die "MaxBurstLength=32768 is not listed: $(tgt_params $T)"
iscsi_node $T $P node.session.iscsi.FirstBurstLength 262144
iscsi_node $T $P node.session.iscsi.MaxBurstLength 16776192
run CRC32C Yes No MaxBurstLength=32768 FirstBurstLength=16384 \
	MaxRecvDataSegmentLength=8192 MaxXmitDataSegmentLength=8192
run None No No MaxBurstLength=32768

iscsi_finish
