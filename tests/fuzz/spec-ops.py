#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# tests/fuzz/spec-ops.py SPEC
#
# List the operations of a YNL genetlink spec (kmod/include/uapi/scst.yaml)
# for nlfuzz --unpriv, which checks them against the kernel without
# privileges. One operation per "op" line, followed by the attributes of
# its requests:
#
#   op NAME CMD ADMIN HAS-DO HAS-DUMP      (ADMIN: flags hold admin-perm)
#   attr do|dump NAME ID TYPE
#
# Numbers follow the YNL rules for genetlink families (the kernel's
# tools/net/ynl/lib/nlspec.py): operations and attributes count from 1
# unless a "value" says otherwise.
import sys

import yaml


def main():
    if len(sys.argv) != 2:
        print("usage: spec-ops.py SPEC", file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        spec = yaml.safe_load(f)
    if spec.get("protocol", "genetlink") not in ("genetlink", "genetlink-c",
                                                  "genetlink-legacy"):
        print("spec-ops.py: not a genetlink family", file=sys.stderr)
        return 1
    if spec["operations"].get("msg-id-model", "unified") != "unified":
        print("spec-ops.py: only unified message ids are handled",
              file=sys.stderr)
        return 1

    attrs = {}
    for aset in spec["attribute-sets"]:
        if "subset-of" in aset:
            continue
        val = 1
        table = {}
        for a in aset["attributes"]:
            val = a.get("value", val)
            table[a["name"]] = (val, a["type"])
            val += 1
        attrs[aset["name"]] = table

    print("# operations of %s" % spec["name"])
    val = 1
    for op in spec["operations"]["list"]:
        val = op.get("value", val)
        cmd = val
        val += 1
        admin = "admin-perm" in op.get("flags", [])
        table = attrs.get(op.get("attribute-set"), {})
        print("op %s %d %d %d %d" % (op["name"], cmd, int(admin),
                                     int("do" in op), int("dump" in op)))
        for mode in ("do", "dump"):
            request = (op.get(mode) or {}).get("request") or {}
            for name in request.get("attributes", []):
                if name not in table:
                    print("spec-ops.py: %s: unknown attribute %s"
                          % (op["name"], name), file=sys.stderr)
                    return 1
                aid, atype = table[name]
                print("attr %s %s %d %s" % (mode, name, aid, atype))
    return 0


if __name__ == "__main__":
    sys.exit(main())
