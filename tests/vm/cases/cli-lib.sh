# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the scstctl VM cases (sourced; the suite skips *-lib.sh). On
# top of local-lib.sh: JSON output read with jq (so it must be valid), and
# checks of failing commands (exit status, and one "scstctl: " sentence).

. "$(dirname "$0")/local-lib.sh"

# scj ARGS...: scstctl -j ARGS, checked to be one valid JSON text, printed.
scj() {
	local out
	out=$("$SCSTCTL" -j "$@") || die "scstctl -j $* failed with status $?"
	printf '%s\n' "$out" | jq -e . >/dev/null 2>&1 ||
		die "scstctl -j $* printed invalid JSON: $out"
	printf '%s\n' "$out"
}

# jq_is JSON FILTER EXPECTED: the filter's raw output must be EXPECTED.
jq_is() {
	local got
	got=$(printf '%s\n' "$1" | jq -r "$2") || die "jq '$2' failed on: $1"
	[ "$got" = "$3" ] || die "jq '$2' gave '$got', not '$3', on: $1"
}

# expect_fail STATUS TEXT ARGS...: scstctl ARGS must exit with STATUS and
# say TEXT in a sentence starting with "scstctl: ". An error (status 1) is
# exactly one line; a usage error (2) is followed by the usage.
expect_fail() {
	local want=$1 text=$2 rc=0 err first
	shift 2
	err=$("$SCSTCTL" "$@" 2>&1 >/dev/null) || rc=$?
	[ "$rc" = "$want" ] || die "scstctl $* exited with $rc, not $want ($err)"
	first=$(printf '%s\n' "$err" | head -n 1)
	case $first in
	"scstctl: "*"$text"*) ;;
	*) die "scstctl $*: '$first' does not say '$text'" ;;
	esac
	if [ "$want" = 1 ] && [ "$(printf '%s\n' "$err" | wc -l)" != 1 ]; then
		die "scstctl $*: more than one line on an error: $err"
	fi
	say "as expected: scstctl $* -> $rc: $first"
}
