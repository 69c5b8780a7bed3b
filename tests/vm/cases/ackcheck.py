#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Acknowledged writes must read back: a writer and a checker for faults.

The disk is cut into chunks (64 KiB by default) of 4 KiB blocks. Every write
fills a whole chunk with blocks that name themselves (magic, chunk, block,
byte offset, generation) followed by bytes derived from those, so a block
read back tells which write put it there. A state file remembers, for each
chunk, which generations it may hold:

  - after an acknowledged write, exactly that one;
  - after a failed write, the ones it could hold before plus the failed one
    (a failed SCSI WRITE leaves its blocks undefined: each may be old or
    new, but nothing else).

Commands (all I/O is O_DIRECT, one chunk at a time):

  init DEV STATE --chunks N [--chunk BYTES] [--offset BYTES]
      write every chunk once; any error fails
  write DEV STATE [--seconds S] [--count N] [--pause MS] [--ready-file F]
        [--stop-file F] [--stop-on-error] [--expect-errno NAME...]
      write random chunks until the time, the count, the stop file or (with
      --stop-on-error) the first error; errors other than the expected
      errnos fail the run; the ready file is made after the first
      acknowledged write
  verify DEV STATE [--allow-read-errors]
      read every chunk back and check each block against the state

Each command prints one summary line of KEY=VALUE words and exits 0 on
success, 1 on a failed check, 2 on bad usage.
"""
import argparse
import errno
import hashlib
import json
import mmap
import os
import random
import signal
import struct
import sys
import time

BLOCK = 4096
MAGIC = b"ACKCHK01"
HDR = struct.Struct("<8sIIIIQ")   # magic, chunk, block, gen, pad, offset


class Stop(Exception):
    pass


def on_signal(signum, frame):
    raise Stop()


def block_bytes(chunk, blk, gen, offset):
    hdr = HDR.pack(MAGIC, chunk, blk, gen, 0, offset)
    seed = hashlib.blake2b(hdr, digest_size=16).digest()
    body = random.Random(seed).randbytes(BLOCK - len(hdr))
    return hdr + body


def chunk_bytes(st, chunk, gen):
    nblk = st["chunk"] // BLOCK
    base = st["offset"] + chunk * st["chunk"]
    return b"".join(block_bytes(chunk, b, gen, base + b * BLOCK)
                    for b in range(nblk))


def load(path):
    with open(path) as f:
        return json.load(f)


def save(path, st):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(st, f)
    os.rename(tmp, path)


def open_dev(dev, write):
    return os.open(dev, (os.O_RDWR if write else os.O_RDONLY) | os.O_DIRECT)


def errname(e):
    return errno.errorcode.get(e.errno, str(e.errno))


def words(**kw):
    return " ".join("%s=%s" % (k, v) for k, v in kw.items())


def cmd_init(a):
    if a.chunk % BLOCK or a.offset % BLOCK or a.chunks < 1:
        print("init: chunk and offset must be multiples of 4096", file=sys.stderr)
        return 2
    st = {"dev": a.dev, "chunk": a.chunk, "offset": a.offset,
          "chunks": a.chunks, "next_gen": 2, "gens": [[1]] * a.chunks}
    buf = mmap.mmap(-1, a.chunk)
    fd = open_dev(a.dev, True)
    try:
        for c in range(a.chunks):
            buf[:] = chunk_bytes(st, c, 1)
            n = os.pwritev(fd, [buf], st["offset"] + c * a.chunk)
            if n != a.chunk:
                print("init: short write of chunk %d: %d" % (c, n), file=sys.stderr)
                return 1
        os.fsync(fd)
    except OSError as e:
        print("init: write of chunk %d failed: %s" % (c, e), file=sys.stderr)
        return 1
    finally:
        os.close(fd)
    save(a.state, st)
    print(words(init_chunks=a.chunks, bytes=a.chunks * a.chunk))
    return 0


def cmd_write(a):
    st = load(a.state)
    rng = random.Random()
    buf = mmap.mmap(-1, st["chunk"])
    acked = failed = 0
    errs = {}
    unexpected = None
    deadline = time.monotonic() + a.seconds if a.seconds else None
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    fd = None
    try:
        fd = open_dev(a.dev, True)
        while True:
            if deadline and time.monotonic() >= deadline:
                break
            if a.count and acked + failed >= a.count:
                break
            if a.stop_file and os.path.exists(a.stop_file):
                break
            c = rng.randrange(st["chunks"])
            gen = st["next_gen"]
            st["next_gen"] += 1
            buf[:] = chunk_bytes(st, c, gen)
            # Until it is acknowledged, the chunk may hold either.
            st["gens"][c] = sorted(set(st["gens"][c]) | {gen})
            try:
                n = os.pwritev(fd, [buf], st["offset"] + c * st["chunk"])
                if n != st["chunk"]:
                    raise OSError(errno.EIO, "short write (%d bytes)" % n)
            except OSError as e:
                failed += 1
                name = errname(e)
                errs[name] = errs.get(name, 0) + 1
                if a.expect_errno is None or name not in a.expect_errno:
                    unexpected = "chunk %d: %s" % (c, e)
                    break
                if a.stop_on_error:
                    break
            else:
                acked += 1
                st["gens"][c] = [gen]
                if acked == 1 and a.ready_file:
                    open(a.ready_file, "w").close()
            if a.pause:
                time.sleep(a.pause / 1000.0)
    except Stop:
        pass
    except OSError as e:
        # Opening the disk failed: it is gone already.
        name = errname(e)
        errs[name] = errs.get(name, 0) + 1
        failed += 1
        if a.expect_errno is None or name not in a.expect_errno:
            unexpected = "open: %s" % e
    finally:
        if fd is not None:
            os.close(fd)
        save(a.state, st)
    err = ",".join("%s:%d" % kv for kv in sorted(errs.items())) or "none"
    print(words(writes=acked + failed, acked=acked, failed=failed, errors=err,
                bytes_acked=acked * st["chunk"]))
    if unexpected:
        print("write: unexpected error: %s" % unexpected, file=sys.stderr)
        return 1
    return 0


def cmd_verify(a):
    st = load(a.state)
    size = st["chunk"]
    nblk = size // BLOCK
    buf = mmap.mmap(-1, size)
    exact = uncertain = read_errors = 0
    bad = []
    fd = open_dev(a.dev, False)
    try:
        for c in range(st["chunks"]):
            gens = st["gens"][c]
            base = st["offset"] + c * size
            try:
                n = os.preadv(fd, [buf], base)
                if n != size:
                    raise OSError(errno.EIO, "short read (%d bytes)" % n)
            except OSError as e:
                read_errors += 1
                if not a.allow_read_errors:
                    bad.append("chunk %d: read failed: %s" % (c, e))
                continue
            data = bytes(buf)
            for b in range(nblk):
                got = data[b * BLOCK:(b + 1) * BLOCK]
                off = base + b * BLOCK
                magic, gc, gb, gg, _, goff = HDR.unpack_from(got)
                if magic != MAGIC or gc != c or gb != b or goff != off:
                    bad.append("chunk %d block %d (byte %d): not a block of "
                               "this chunk (magic %r chunk %d block %d "
                               "offset %d), want generation %s" %
                               (c, b, off, magic, gc, gb, goff, gens))
                    break
                if gg not in gens:
                    bad.append("chunk %d block %d (byte %d): generation %d, "
                               "want %s" % (c, b, off, gg, gens))
                    break
                if got != block_bytes(c, b, gg, off):
                    bad.append("chunk %d block %d (byte %d): generation %d "
                               "with wrong contents" % (c, b, off, gg))
                    break
            if len(gens) == 1:
                exact += 1
            else:
                uncertain += 1
    finally:
        os.close(fd)
    for line in bad[:10]:
        print("verify: " + line, file=sys.stderr)
    print(words(chunks=st["chunks"], exact=exact, uncertain=uncertain,
                read_errors=read_errors, bad=len(bad),
                bytes_verified=(st["chunks"] - read_errors) * size))
    return 1 if bad else 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    i = sub.add_parser("init")
    i.add_argument("dev")
    i.add_argument("state")
    i.add_argument("--chunks", type=int, required=True)
    i.add_argument("--chunk", type=int, default=65536)
    i.add_argument("--offset", type=int, default=0)
    w = sub.add_parser("write")
    w.add_argument("dev")
    w.add_argument("state")
    w.add_argument("--seconds", type=float, default=0)
    w.add_argument("--count", type=int, default=0)
    w.add_argument("--pause", type=float, default=0, help="milliseconds")
    w.add_argument("--stop-file")
    w.add_argument("--ready-file", help="created once a write is acknowledged")
    w.add_argument("--stop-on-error", action="store_true")
    w.add_argument("--expect-errno", nargs="*", metavar="NAME",
                   help="errnos (EIO, ENOSPC ...) that are not a failure")
    v = sub.add_parser("verify")
    v.add_argument("dev")
    v.add_argument("state")
    v.add_argument("--allow-read-errors", action="store_true")
    a = p.parse_args()
    return {"init": cmd_init, "write": cmd_write, "verify": cmd_verify}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
