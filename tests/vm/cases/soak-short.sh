#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The soak of `make soak` (tests/vm/soak.sh), for 45 seconds (25 in the
# suite's lighter form, SCST_CHECK_LIGHT=1): configuration
# churn (devices, targets, LUNs, groups, sessions; LUN replace sync, async
# and parked) beside crc32c-verified I/O on a stable target whose LUN is
# replaced under it, and over iSCSI with its session force-closed under it;
# every acknowledged write must read back, every operation succeed, the
# listed configuration match the model.
# vm-timeout: 600
# vm-smp: 2
# The suite's lighter form (SCST_CHECK_LIGHT) soaks for 25 seconds.
secs=45
[ -z "${SCST_CHECK_LIGHT:-}" ] || secs=25
exec "$(dirname "$0")/../soak.sh" "${SCST_SOAK_SECONDS:-$secs}"
