#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Configuration churn for tests/vm/soak.sh.

One scstctl command at a time, chosen at random among those that must
succeed in the configuration as it is: devices (vdisk_nullio and
vdisk_fileio) added and deleted, churn targets added and deleted, LUNs added
and deleted in the default group and in an access-control group, groups
added and deleted, LUNs replaced synchronously, asynchronously and parked
(then released), sessions added (their disks must appear, exactly the LUNs
of their group, and be readable) and deleted (their SCSI host must go).
The stable target's LUN 1 is replaced back and forth between two paths to
the same storage while the soak's fio and ackcheck.py verify data on it.

The script keeps a model of the configuration and, every few operations,
compares it with what scstctl lists (devices, LUNs, groups, sessions and
their groups). Any command that fails (other than the documented, passing
refusals of a device that closing sessions or cleanups still hold, which
are retried), any difference from the model or any disk that does not
appear fails the run.

With --iscsi-target, the session that an initiator keeps logged in to that
target is force-closed under its I/O, at most every 15 s; the initiator
must log in again within 60 s each time.

Usage: soak_churn.py --seconds S --scstctl PATH --stable-target T
         --stable-paths DEV0,DEV1 --stable-devices D... --file NAME=PATH...
         [--iscsi-target T] [--counts FILE] [--stop-file FILE] [--pause MS]
         [--seed N]
Writes the operations by kind as JSON to --counts; stops early, failing,
when the stop file appears (its text says why); exits 0 on success, 1 on a
failure. The seed it prints replays the same sequence of choices.
"""
import argparse
import fnmatch
import glob
import json
import os
import random
import subprocess
import sys
import time

NULL_DEVS = ["n0", "n1", "n2", "n3"]
CHURN_TARGETS = ["ch0", "ch1", "ch2"]
LUNS = [0, 1, 2, 3]
GROUP = "gA"
GROUP_PATTERN = "iqn.2026-11.org.example:grp*"
INITIATORS = ["iqn.2026-11.org.example:s0", "iqn.2026-11.org.example:s1",
              "iqn.2026-11.org.example:grp0"]
# Refusals that pass: a device whose closing sessions or async cleanups
# still hold it (the core says so rather than wait); retried.
TRANSIENT = ("still has commands of closing sessions",
             "held by pending cleanup", "held by a LUN replace in progress")


class Fail(Exception):
    pass


def log(msg):
    print("soak: " + msg, flush=True)


class Churn:
    def __init__(self, a):
        self.a = a
        self.rng = random.Random(a.seed)
        self.counts = {}
        self.files = dict(f.split("=", 1) for f in a.file)
        # The model: what scstctl must list.
        self.devices = set(a.stable_devices)
        self.targets = {a.stable_target: {"groups": {}, "sessions": set()}}
        self.luns = {}      # (target, group or "", lun) -> device
        self.stable_lun = (a.stable_target, "", 1)
        self.paths = a.stable_paths.split(",")
        for l in json.loads(self.sc("-j", "lun", "show", a.stable_target)):
            self.luns[(l["target"], l.get("group", ""), l["lun"])] = l["device"]
        for s in json.loads(self.sc("-j", "session", "show", a.stable_target)):
            self.targets[a.stable_target]["sessions"].add(s["initiator"])
        # The iSCSI target's LUNs are in the model; its sessions, which the
        # initiator makes, are not.
        if a.iscsi_target:
            for l in json.loads(self.sc("-j", "lun", "show", a.iscsi_target)):
                self.luns[(l["target"], l.get("group", ""), l["lun"])] = l["device"]
        self.iscsi_closed = None    # when the last force close was
        if self.luns.get(self.stable_lun) not in self.paths:
            raise Fail("LUN 1 of %s is not on %s" % (a.stable_target, self.paths))
        self.hosts = {}     # (target, initiator) -> SCSI host number
        self.slowest = (0.0, "")

    # ---- commands ---------------------------------------------------------
    def count(self, kind, n=1):
        self.counts[kind] = self.counts.get(kind, 0) + n

    def sc(self, *args, count=None, retry=True):
        """Run scstctl; return its output, fail on an error; count it as
        COUNT."""
        deadline = time.monotonic() + 60
        while True:
            p = subprocess.run([self.a.scstctl] + list(args),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
            if p.returncode == 0:
                if count:
                    self.count(count)
                return p.stdout
            if retry and any(t in p.stderr for t in TRANSIENT) and \
                    time.monotonic() < deadline:
                self.count("retried (device still held)")
                time.sleep(0.5)
                continue
            raise Fail("scstctl %s: exit %d: %s" %
                       (" ".join(args), p.returncode, p.stderr.strip()))

    # ---- helpers over the model -------------------------------------------
    def used(self, dev):
        return any(d == dev for d in self.luns.values())

    def group_of(self, target, initiator):
        for g, pats in self.targets[target]["groups"].items():
            if any(fnmatch.fnmatchcase(initiator, p) for p in pats):
                return g
        return ""

    def churn_targets(self):
        return [t for t in self.targets if t != self.a.stable_target]

    def churn_devices(self):
        return [d for d in self.devices if d not in self.a.stable_devices]

    # ---- operations: each returns False when it does not apply now ------
    def op_device_add(self, name):
        if name in self.files:
            self.sc("device", "add", name, "handler", "vdisk_fileio",
                    "filename", self.files[name], count="device add")
        else:
            self.sc("device", "add", name, "handler", "vdisk_nullio",
                    "size", "64M", count="device add")
        self.devices.add(name)
        return True

    def op_device(self):
        name = self.rng.choice(NULL_DEVS + sorted(self.files))
        if name not in self.devices:
            return self.op_device_add(name)
        if self.used(name):
            return False
        self.sc("device", "del", name, count="device del")
        self.devices.discard(name)
        return True

    def op_target(self):
        t = self.rng.choice(CHURN_TARGETS)
        if t not in self.targets:
            self.sc("target", "add", t, "driver", "scst_local", count="target add")
            self.targets[t] = {"groups": {}, "sessions": set()}
            return True
        self.target_del(t)
        return True

    def op_group(self):
        ts = self.churn_targets()
        if not ts:
            return False
        t = self.rng.choice(ts)
        groups = self.targets[t]["groups"]
        if GROUP not in groups:
            self.sc("group", "add", t, GROUP, count="group add")
            groups[GROUP] = set()
            self.sc("initiator", "add", t, GROUP, GROUP_PATTERN,
                    count="initiator add")
            groups[GROUP].add(GROUP_PATTERN)
            return True
        self.sc("group", "del", t, GROUP, count="group del")
        del groups[GROUP]
        for key in [k for k in self.luns if k[0] == t and k[1] == GROUP]:
            del self.luns[key]
        return True

    def op_lun(self):
        ts = self.churn_targets()
        devs = sorted(self.churn_devices())
        if not ts:
            return False
        t = self.rng.choice(ts)
        g = self.rng.choice([""] + sorted(self.targets[t]["groups"]))
        lun = self.rng.choice(LUNS)
        where = ["group", g] if g else []
        key = (t, g, lun)
        if key in self.luns:
            self.sc("lun", "del", t, *where, str(lun), count="lun del")
            del self.luns[key]
            return True
        if not devs:
            return False
        dev = self.rng.choice(devs)
        self.sc("lun", "add", t, *where, str(lun), dev, count="lun add")
        self.luns[key] = dev
        return True

    def replace(self, key, dev, mode):
        t, g, lun = key
        where = ["group", g] if g else []
        flags = {"sync": [], "async": ["--async"], "park": ["--park"]}[mode]
        out = json.loads(self.sc("-j", "lun", "replace", t, *where, str(lun),
                                 dev, *flags))
        self.luns[key] = dev
        if mode == "sync":
            if out.get("cleanup_id") is not None:
                raise Fail("a sync replace returned cleanup %s" % out["cleanup_id"])
            return
        cid = out.get("cleanup_id")
        if cid is None:
            if out.get("sync_fallback"):
                self.count("replace fell back to sync")
                return
            raise Fail("%s replace without a cleanup id: %s" % (mode, out))
        if mode == "park":
            # The orchestrator's part: release once the cluster is ready.
            time.sleep(self.rng.random() * 0.5)
            self.sc("cleanup", "release", str(cid), count="cleanup release")

    def op_replace(self):
        # The LUNs of the stable and iSCSI targets carry verified data.
        keys = [k for k in self.luns if k[0] in self.churn_targets()]
        if not keys:
            return False
        key = self.rng.choice(sorted(keys))
        others = [d for d in sorted(self.churn_devices()) if d != self.luns[key]]
        if not others:
            return False
        mode = self.rng.choice(["sync", "async", "async", "park"])
        self.replace(key, self.rng.choice(others), mode)
        self.count("lun replace " + mode)
        return True

    def op_stable_replace(self):
        cur = self.luns[self.stable_lun]
        new = self.paths[1] if cur == self.paths[0] else self.paths[0]
        mode = self.rng.choice(["sync", "async"])
        self.replace(self.stable_lun, new, mode)
        self.count("lun replace %s under I/O" % mode)
        return True

    def op_session(self):
        ts = self.churn_targets()
        if not ts:
            return False
        t = self.rng.choice(ts)
        ini = self.rng.choice(INITIATORS)
        sessions = self.targets[t]["sessions"]
        if ini in sessions:
            h = self.hosts.pop((t, ini))
            self.sc("session", "del", t, ini, count="session del")
            sessions.discard(ini)
            self.wait_host_gone(h, "session del %s %s" % (t, ini))
            return True
        self.sc("session", "add", t, ini, count="session add")
        sessions.add(ini)
        host = None
        for s in json.loads(self.sc("-j", "session", "show", t)):
            if s.get("initiator") == ini:
                host = s.get("scsi_host")
        if host is None:
            raise Fail("session %s of %s has no SCSI host" % (ini, t))
        self.hosts[(t, ini)] = host
        self.check_disks(t, ini, host)
        return True

    # ---- checks -------------------------------------------------------------
    def wait_host_gone(self, host, what):
        deadline = time.monotonic() + 60
        while os.path.exists("/sys/class/scsi_host/host%d" % host):
            if time.monotonic() > deadline:
                raise Fail("host%d is still there 60 s after %s" % (host, what))
            time.sleep(0.2)

    def disks(self, host):
        found = {}
        for b in glob.glob("/sys/bus/scsi/devices/%d:0:0:*/block/*" % host):
            lun = int(b.split("/")[-3].split(":")[3])
            found[lun & 0x3fff if lun >= 0x4000 else lun] = os.path.basename(b)
        return found

    def check_disks(self, t, ini, host):
        """A new session sees exactly the LUNs of its group, and reads them."""
        g = self.group_of(t, ini)
        want = sorted(l for (tt, gg, l) in self.luns if tt == t and gg == g)
        deadline = time.monotonic() + 60
        while True:
            got = self.disks(host)
            if sorted(got) == want and all(os.path.exists("/dev/" + d)
                                           for d in got.values()):
                break
            if time.monotonic() > deadline:
                raise Fail("session %s of %s (group '%s'): disks for LUNs %s, "
                           "want %s" % (ini, t, g, sorted(got), want))
            time.sleep(0.2)
        for lun, d in sorted(got.items()):
            p = subprocess.run(["dd", "if=/dev/" + d, "of=/dev/null", "bs=64k",
                                "count=4", "iflag=direct", "status=none"],
                               stderr=subprocess.PIPE, text=True)
            if p.returncode:
                raise Fail("read of LUN %d (%s) of a new session of %s failed: %s"
                           % (lun, d, t, p.stderr.strip()))
            self.count("disk read")

    def iscsi_sessions(self):
        return json.loads(self.sc("-j", "session", "show", self.a.iscsi_target))

    def iscsi_overdue(self):
        if time.monotonic() - self.iscsi_closed > 60:
            raise Fail("the iSCSI initiator did not log in again within "
                       "60 s of a force close")

    def op_iscsi_close(self):
        """Force-close the iSCSI session under its I/O: the initiator logs
        in again, and its commands are retried there."""
        if not self.a.iscsi_target:
            return False
        now = time.monotonic()
        sessions = self.iscsi_sessions()
        if not sessions:
            if self.iscsi_closed is None:
                raise Fail("no session of the iSCSI target %s to close" %
                           self.a.iscsi_target)
            self.iscsi_overdue()
            return False
        if self.iscsi_closed is not None and now - self.iscsi_closed < 15:
            return False
        if self.iscsi_closed is not None:
            self.count("iscsi login again")
        self.sc("session", "del", self.a.iscsi_target, sessions[0]["name"],
                count="iscsi session force close")
        self.iscsi_closed = now
        return True

    def wait_iscsi(self):
        if self.iscsi_closed is None:
            return
        while not self.iscsi_sessions():
            self.iscsi_overdue()
            time.sleep(0.5)
        self.count("iscsi login again")

    def check(self):
        """What scstctl lists is the model."""
        devs = {d["name"] for d in json.loads(self.sc("-j", "device", "show"))}
        if devs != self.devices:
            raise Fail("devices: listed %s, want %s" %
                       (sorted(devs), sorted(self.devices)))
        luns = {(l["target"], l.get("group", ""), l["lun"]): l["device"]
                for l in json.loads(self.sc("-j", "lun", "show"))}
        if luns != self.luns:
            raise Fail("LUNs: listed %s, want %s" %
                       (sorted(luns.items()), sorted(self.luns.items())))
        groups = {(g["target"], g["name"]): set(g.get("initiators", []))
                  for g in json.loads(self.sc("-j", "group", "show"))}
        want = {(t, g): p for t, v in self.targets.items()
                for g, p in v["groups"].items()}
        if groups != want:
            raise Fail("groups: listed %s, want %s" % (groups, want))
        sess = {(s["target"], s.get("initiator")): s.get("group", "")
                for s in json.loads(self.sc("-j", "session", "show"))
                if s["target"] != self.a.iscsi_target}
        want = {(t, i): self.group_of(t, i) for t, v in self.targets.items()
                for i in v["sessions"]}
        if sess != want:
            raise Fail("sessions: listed %s, want %s" % (sess, want))
        self.count("check")

    def wait_cleanups(self):
        deadline = time.monotonic() + 120
        while json.loads(self.sc("-j", "cleanup", "show")):
            if time.monotonic() > deadline:
                raise Fail("cleanups left 120 s after the churn: %s" %
                           self.sc("cleanup", "show").strip())
            time.sleep(0.5)

    # ---- the loop -------------------------------------------------------------
    def run(self):
        ops = [(self.op_device, 3), (self.op_target, 1), (self.op_group, 1),
               (self.op_lun, 5), (self.op_replace, 3),
               (self.op_stable_replace, 2), (self.op_session, 2),
               (self.op_iscsi_close, 1)]
        fns = [f for f, w in ops for _ in range(w)]
        deadline = time.monotonic() + self.a.seconds
        # Start from a configuration with something in it.
        for t in CHURN_TARGETS[:2]:
            self.sc("target", "add", t, "driver", "scst_local", count="target add")
            self.targets[t] = {"groups": {}, "sessions": set()}
        for d in NULL_DEVS[:2] + sorted(self.files)[:1]:
            self.op_device_add(d)
        self.sc("lun", "add", CHURN_TARGETS[0], "0", NULL_DEVS[0], count="lun add")
        self.luns[(CHURN_TARGETS[0], "", 0)] = NULL_DEVS[0]
        self.sc("lun", "add", CHURN_TARGETS[1], "0", NULL_DEVS[1], count="lun add")
        self.luns[(CHURN_TARGETS[1], "", 0)] = NULL_DEVS[1]
        self.check()
        n = 0
        while time.monotonic() < deadline:
            if os.path.exists(self.a.stop_file or "/nonexistent"):
                raise Fail("stopped: %s" % open(self.a.stop_file).read().strip())
            op = self.rng.choice(fns)
            t0 = time.monotonic()
            if not op():
                continue
            took = time.monotonic() - t0
            if took > self.slowest[0]:
                self.slowest = (took, op.__name__[3:])
            n += 1
            if n % 10 == 0:
                self.check()
            if self.a.pause:
                time.sleep(self.a.pause / 1000.0)
        log("%d operations; the slowest took %.1f s (%s)" %
            (n, self.slowest[0], self.slowest[1]))
        self.wait_cleanups()
        self.wait_iscsi()
        self.check()
        # Take the churn down, the stable target stays for the soak.
        for t in self.churn_targets():
            self.target_del(t)
        for d in sorted(self.churn_devices()):
            self.sc("device", "del", d, count="device del")
            self.devices.discard(d)
        self.wait_cleanups()
        self.check()

    def target_del(self, t):
        hosts = [h for (tt, _), h in self.hosts.items() if tt == t]
        self.sc("target", "del", t, count="target del")
        for key in [k for k in self.luns if k[0] == t]:
            del self.luns[key]
        for key in [k for k in self.hosts if k[0] == t]:
            del self.hosts[key]
        del self.targets[t]
        for h in hosts:
            self.wait_host_gone(h, "target del %s" % t)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seconds", type=float, required=True)
    p.add_argument("--scstctl", required=True)
    p.add_argument("--stable-target", required=True)
    p.add_argument("--stable-paths", required=True)
    p.add_argument("--stable-devices", nargs="+", required=True)
    p.add_argument("--file", action="append", default=[])
    p.add_argument("--iscsi-target")
    p.add_argument("--counts")
    p.add_argument("--stop-file")
    p.add_argument("--pause", type=float, default=0, help="milliseconds")
    p.add_argument("--seed", type=int, default=None)
    a = p.parse_args()
    if a.seed is None:
        a.seed = int.from_bytes(os.urandom(4), "little")
    log("churn seed %d" % a.seed)
    c = None
    rc = 0
    try:
        c = Churn(a)
        c.run()
    except Fail as e:
        print("soak: FAIL: %s" % e, file=sys.stderr, flush=True)
        rc = 1
    if c:
        if a.counts:
            with open(a.counts, "w") as f:
                json.dump(c.counts, f)
    return rc


if __name__ == "__main__":
    sys.exit(main())
