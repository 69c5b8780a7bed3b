#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/batch's own test (tests/vm/suite runs it as harness-batch): that
# cases sharing a boot each get a verdict, that a case which leaves a module
# loaded, a mount or a loop device behind, or runs out of time fails and
# stops the batch, and that what one case leaves in /tmp, or running, is
# gone before the next.
set -uo pipefail

d=/run/batch-selftest
mkdir -p "$d"
fails=0
check() {	# DESCRIPTION COMMAND...
	if "${@:2}"; then
		echo "batch-selftest: ok   $1"
	else
		echo "batch-selftest: FAIL: $1"
		fails=$((fails + 1))
	fi
}

cat >"$d/tmp-write.sh" <<'EOF'
#!/bin/bash
echo left >/tmp/batch-selftest-file
EOF
cat >"$d/tmp-read.sh" <<'EOF'
#!/bin/bash
! [ -e /tmp/batch-selftest-file ]
EOF
cat >"$d/leave-module.sh" <<'EOF'
#!/bin/bash
modprobe scst
EOF
cat >"$d/slow.sh" <<'EOF'
#!/bin/bash
sleep 60
EOF
cat >"$d/stray.sh" <<'EOF'
#!/bin/bash
setsid sleep 3600 </dev/null >/dev/null 2>&1 &
echo $! >/run/batch-selftest/stray.pid
EOF
cat >"$d/stray-gone.sh" <<'EOF'
#!/bin/bash
! kill -0 "$(cat /run/batch-selftest/stray.pid)" 2>/dev/null
EOF
cat >"$d/leave-mount.sh" <<'EOF'
#!/bin/bash
mkdir -p /run/batch-selftest/mnt
mount -t tmpfs none /run/batch-selftest/mnt
EOF
cat >"$d/leave-loop.sh" <<'EOF'
#!/bin/bash
modprobe loop
truncate -s 1M /run/batch-selftest/loop.img
losetup -f /run/batch-selftest/loop.img
EOF
chmod +x "$d"/*.sh

tests/vm/batch "$d/tmp-write.sh:30" "$d/tmp-read.sh:30" >"$d/ok.out" 2>&1
rc=$?
check "two clean cases pass" [ $rc = 0 ]
check "each ends with status 0" \
	grep -qx 'batch: end tmp-read 0 [0-9]*' "$d/ok.out"

tests/vm/batch "$d/leave-module.sh:30" "$d/tmp-read.sh:30" >"$d/mod.out" 2>&1
rc=$?
check "a module left loaded fails the batch" [ $rc != 0 ]
check "and is named" grep -q 'modules still loaded: scst' "$d/mod.out"
check "the case is the one that failed" \
	grep -qx 'batch: end leave-module 1 [0-9]*' "$d/mod.out"
check "the next case does not run" bash -c "! grep -q 'begin tmp-read' $d/mod.out"
modprobe -r scst

tests/vm/batch "$d/slow.sh:2" >"$d/slow.out" 2>&1
rc=$?
check "a case out of time fails" [ $rc != 0 ]
check "and says so" grep -q 'FAIL: slow: did not finish within 2s' "$d/slow.out"

tests/vm/batch "$d/stray.sh:30" "$d/stray-gone.sh:30" >"$d/stray.out" 2>&1
rc=$?
check "a process a case leaves running is killed before the next" [ $rc = 0 ]

tests/vm/batch "$d/leave-mount.sh:30" >"$d/mount.out" 2>&1
rc=$?
check "a mount left behind fails the case" [ $rc != 0 ]
check "and is named" grep -q 'mounts: /run/batch-selftest/mnt' "$d/mount.out"
umount /run/batch-selftest/mnt

tests/vm/batch "$d/leave-loop.sh:30" >"$d/loop.out" 2>&1
rc=$?
check "a loop device left behind fails the case" [ $rc != 0 ]
check "and is named" grep -q 'loop devices: /dev/loop' "$d/loop.out"
losetup -D

tests/vm/batch /nonexistent.sh:10 >"$d/bad.out" 2>&1
check "a missing case is a usage error" [ $? = 2 ]

[ $fails = 0 ] || { cat "$d"/*.out; exit 1; }
echo "batch-selftest: all passed"
