# SPDX-License-Identifier: GPL-2.0
#
# awk -v re="$(cat tests/vm/kernel-log-bad.re)" -f tests/vm/kernel-log-stacks.awk LOG
#
# The first six reports of a kernel log that match re, each on one line
# with the work item it ran and its stack (callee first, function names
# only; frames the unwinder is unsure of, "? name", left out): which task
# waited or failed, where. Used by tests/vm/run and tests/vm/batch.

{ sub(/^\[ *[0-9.]+\] /, "") }

$0 ~ re {
	if (cur != "")
		print cur
	if (++n > 6) {
		cur = ""
		exit
	}
	cur = "  " $0
	next
}

cur == "" { next }

/^ *Workqueue: / {
	sub(/^ */, "")
	cur = cur " [" $0 "]"
	next
}

/^ *[A-Za-z_][A-Za-z0-9_.]*\+0x/ {
	f = $1
	sub(/\+0x.*/, "", f)
	cur = cur " < " f
}

END {
	if (cur != "")
		print cur
}
