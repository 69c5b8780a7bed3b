#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A small raw iSCSI initiator (RFC 7143) for the iSCSI VM cases.

It builds PDUs byte by byte, so that a case can do what a real initiator
never does on purpose: send a wrong DataSN, abort a write that still waits
for its data, ask for a transfer length the CDB does not imply, reinstate a
session while the old one is still up, or keep silent when pinged.

Usage: iscsi_client.py TEST [--target IQN] [--initiator IQN] [--port N]
Each TEST prints what it checks and exits 0 on success, 1 on failure.
"""
import argparse
import json
import os
import select
import socket
import struct
import subprocess
import sys
import time

OP_NOP_OUT, OP_SCSI_CMD, OP_TMF, OP_LOGIN, OP_TEXT, OP_DATA_OUT, OP_LOGOUT = \
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06
OP_SNACK = 0x10
OP_NOP_IN, OP_SCSI_RSP, OP_TMF_RSP, OP_LOGIN_RSP, OP_TEXT_RSP, OP_DATA_IN, \
    OP_LOGOUT_RSP, OP_R2T, OP_ASYNC, OP_REJECT = \
    0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x31, 0x32, 0x3f
IMMEDIATE = 0x40
RSVD = 0xffffffff


class Fail(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Fail(what)
    print("  ok: " + what)


class Pdu:
    def __init__(self, bhs, data=b""):
        self.bhs = bhs
        self.data = data

    @property
    def opcode(self):
        return self.bhs[0] & 0x3f

    @property
    def flags(self):
        return self.bhs[1]

    def u32(self, off):
        return struct.unpack_from(">I", self.bhs, off)[0]

    @property
    def itt(self):
        return self.u32(16)

    @property
    def ttt(self):
        return self.u32(20)

    @property
    def statsn(self):
        return self.u32(24)

    def __repr__(self):
        return "Pdu(op=0x%02x flags=0x%02x itt=0x%x dlen=%d)" % (
            self.opcode, self.flags, self.itt, len(self.data))


def keys(text):
    out = {}
    for kv in text.split(b"\0"):
        if b"=" in kv:
            k, v = kv.split(b"=", 1)
            out[k.decode()] = v.decode()
    return out


def keytext(d):
    return b"".join(("%s=%s" % (k, v)).encode() + b"\0" for k, v in d.items())


class Conn:
    """One connection (and its session: MaxConnections=1)."""

    def __init__(self, host, port, timeout=20):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.cmdsn = 1
        self.expstatsn = 0
        self.itt = 0x100
        self.ttt_base = 0
        self.tsih = 0
        self.params = {}
        self.pending = []

    def close(self):
        self.sock.close()

    # ---- framing --------------------------------------------------------

    def send(self, bhs, data=b""):
        bhs = bytearray(bhs)
        assert len(bhs) == 48
        n = len(data)
        bhs[5:8] = n.to_bytes(3, "big")
        pad = (4 - n % 4) % 4
        self.sock.sendall(bytes(bhs) + data + b"\0" * pad)

    def recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise EOFError("connection closed by the target")
            buf += chunk
        return buf

    def recv(self, timeout=20):
        if self.pending:
            return self.pending.pop(0)
        self.sock.settimeout(timeout)
        bhs = self.recv_exact(48)
        ahs = bhs[4] * 4
        if ahs:
            self.recv_exact(ahs)
        n = int.from_bytes(bhs[5:8], "big")
        data = self.recv_exact(n + (4 - n % 4) % 4)[:n] if n else b""
        pdu = Pdu(bhs, data)
        if pdu.opcode in (OP_SCSI_RSP, OP_TMF_RSP, OP_LOGIN_RSP, OP_TEXT_RSP,
                          OP_LOGOUT_RSP, OP_ASYNC, OP_REJECT) or \
                (pdu.opcode == OP_NOP_IN and pdu.itt != RSVD) or \
                (pdu.opcode == OP_DATA_IN and pdu.flags & 0x01):
            self.expstatsn = pdu.statsn + 1
        return pdu

    def recv_op(self, opcode, timeout=20, skip=(OP_NOP_IN, OP_ASYNC)):
        """Next PDU of @opcode; NOP-In pings are answered on the way."""
        while True:
            pdu = self.recv(timeout)
            if pdu.opcode == opcode:
                return pdu
            if pdu.opcode == OP_NOP_IN and pdu.itt == RSVD:
                self.nop_out(ttt=pdu.ttt)
                continue
            if pdu.opcode in skip:
                continue
            raise Fail("expected opcode 0x%02x, got %r" % (opcode, pdu))

    def closed(self, timeout):
        """True if the target closes the connection within @timeout s."""
        end = time.time() + timeout
        try:
            while time.time() < end:
                r, _, _ = select.select([self.sock], [], [], end - time.time())
                if r:
                    self.recv(1)
            return False
        except (EOFError, ConnectionResetError, socket.timeout, OSError):
            return True

    def next_itt(self):
        self.itt += 1
        return self.itt

    # ---- login ------------------------------------------------------------

    def login_pdu(self, isid, csg, nsg, transit, text):
        bhs = bytearray(48)
        bhs[0] = OP_LOGIN | IMMEDIATE
        bhs[1] = (0x80 if transit else 0) | (csg << 2) | (nsg if transit else 0)
        bhs[8:14] = isid
        struct.pack_into(">H", bhs, 14, self.tsih)
        struct.pack_into(">I", bhs, 16, 0x1)
        struct.pack_into(">I", bhs, 24, self.cmdsn)
        struct.pack_into(">I", bhs, 28, self.expstatsn)
        self.send(bhs, text)
        rsp = self.recv()
        if rsp.opcode != OP_LOGIN_RSP:
            raise Fail("expected a Login Response, got %r" % rsp)
        return rsp

    def login(self, initiator, target=None, isid=b"\x80\x00\x00\x00\x00\x01",
              params=None, chap=None):
        """Log in; returns the (class, detail) status; 0,0 is success."""
        first = {"InitiatorName": initiator,
                 "SessionType": "Normal" if target else "Discovery"}
        if target:
            first["TargetName"] = target
        op = {"HeaderDigest": "None", "DataDigest": "None",
              "MaxRecvDataSegmentLength": "65536", "ErrorRecoveryLevel": "0"}
        if target:
            op.update({"InitialR2T": "Yes", "ImmediateData": "Yes",
                       "MaxBurstLength": "262144",
                       "FirstBurstLength": "65536",
                       "MaxOutstandingR2T": "1", "MaxConnections": "1",
                       "DataPDUInOrder": "Yes", "DataSequenceInOrder": "Yes"})
        op.update(params or {})
        if chap:
            first["AuthMethod"] = "CHAP,None"
            rsp = self.login_pdu(isid, 0, 1, False, keytext(first))
            if rsp.bhs[36] or rsp.bhs[37]:
                return rsp.bhs[36], rsp.bhs[37]
            rsp = self.login_pdu(isid, 0, 1, False, keytext({"CHAP_A": "5"}))
            k = keys(rsp.data)
            import hashlib
            cid = int(k["CHAP_I"])
            chal = bytes.fromhex(k["CHAP_C"][2:])
            resp = hashlib.md5(bytes([cid]) + chap[1].encode() + chal).hexdigest()
            rsp = self.login_pdu(isid, 0, 1, True, keytext(
                {"CHAP_N": chap[0], "CHAP_R": "0x" + resp}))
            if rsp.bhs[36] or rsp.bhs[37]:
                return rsp.bhs[36], rsp.bhs[37]
            first = {}
        else:
            first.update(op)
            op = {}
        rsp = self.login_pdu(isid, 1, 3, True, keytext({**first, **op}))
        if rsp.bhs[36] or rsp.bhs[37]:
            return rsp.bhs[36], rsp.bhs[37]
        self.params.update(keys(rsp.data))
        self.tsih = struct.unpack_from(">H", rsp.bhs, 14)[0]
        self.cmdsn = rsp.u32(28)
        check(rsp.flags & 0x83 == 0x83, "login reached full feature phase")
        return 0, 0

    # ---- full feature phase -------------------------------------------

    def nop_out(self, ttt=RSVD, ping=False):
        bhs = bytearray(48)
        bhs[0] = OP_NOP_OUT | IMMEDIATE
        bhs[1] = 0x80
        itt = self.next_itt() if ping else RSVD
        struct.pack_into(">IIII", bhs, 16, itt, ttt, self.cmdsn, self.expstatsn)
        self.send(bhs)
        return itt

    def scsi_cmd(self, cdb, lun=0, edtl=0, read=False, write=False,
                 immediate=b"", final=True):
        bhs = bytearray(48)
        bhs[0] = OP_SCSI_CMD
        bhs[1] = (0x80 if final else 0) | (0x40 if read else 0) | \
            (0x20 if write else 0) | 0x1
        bhs[9] = lun
        itt = self.next_itt()
        struct.pack_into(">IIII", bhs, 16, itt, edtl, self.cmdsn, self.expstatsn)
        self.cmdsn += 1
        bhs[32:32 + len(cdb)] = cdb
        self.send(bhs, immediate)
        return itt

    def data_out(self, itt, ttt, datasn, offset, data, final=True, lun=0):
        bhs = bytearray(48)
        bhs[0] = OP_DATA_OUT
        bhs[1] = 0x80 if final else 0
        bhs[9] = lun
        struct.pack_into(">IIII", bhs, 16, itt, ttt, 0, self.expstatsn)
        struct.pack_into(">II", bhs, 36, datasn, offset)
        self.send(bhs, data)

    def tmf(self, function, rtt=RSVD, refcmdsn=0, lun=0):
        bhs = bytearray(48)
        bhs[0] = OP_TMF | IMMEDIATE
        bhs[1] = 0x80 | function
        bhs[9] = lun
        itt = self.next_itt()
        struct.pack_into(">IIIII", bhs, 16, itt, rtt, self.cmdsn,
                         self.expstatsn, refcmdsn)
        self.send(bhs)
        return itt

    def logout(self):
        bhs = bytearray(48)
        bhs[0] = OP_LOGOUT | IMMEDIATE
        bhs[1] = 0x80
        itt = self.next_itt()
        struct.pack_into(">IIII", bhs, 16, itt, 0, self.cmdsn, self.expstatsn)
        self.send(bhs)
        rsp = self.recv_op(OP_LOGOUT_RSP)
        check(rsp.bhs[2] == 0, "logout response: success")

    def read_all(self, itt, timeout=20):
        """Data-In and status of a task: (data, status, flags, residual)."""
        data = bytearray()
        while True:
            pdu = self.recv(timeout)
            if pdu.opcode == OP_NOP_IN and pdu.itt == RSVD:
                self.nop_out(ttt=pdu.ttt)
                continue
            if pdu.opcode == OP_ASYNC:
                continue
            if pdu.itt != itt:
                raise Fail("unexpected %r while waiting for task 0x%x" %
                           (pdu, itt))
            if pdu.opcode == OP_DATA_IN:
                off = pdu.u32(40)
                data[off:off + len(pdu.data)] = pdu.data
                if pdu.flags & 0x01:
                    return bytes(data), pdu.bhs[3], pdu.flags, pdu.u32(44)
            elif pdu.opcode == OP_SCSI_RSP:
                return bytes(data), pdu.bhs[3], pdu.flags, pdu.u32(44)
            else:
                raise Fail("unexpected %r" % pdu)

    def read10(self, lba, blocks, edtl, lun=0):
        cdb = struct.pack(">BBIBHB", 0x28, 0, lba, 0, blocks, 0)
        return self.read_all(self.scsi_cmd(cdb, lun, edtl, read=True))

    def write10(self, lba, blocks, data, edtl=None, lun=0):
        """A write that sends its data as R2Ts ask; returns the response."""
        edtl = len(data) if edtl is None else edtl
        cdb = struct.pack(">BBIBHB", 0x2a, 0, lba, 0, blocks, 0)
        imm = b""
        if self.params.get("ImmediateData") == "Yes":
            imm = data[:min(edtl, int(self.params["FirstBurstLength"]))]
        itt = self.scsi_cmd(cdb, lun, edtl, write=True, immediate=imm)
        sent = len(imm)
        while True:
            pdu = self.recv()
            if pdu.opcode == OP_NOP_IN and pdu.itt == RSVD:
                self.nop_out(ttt=pdu.ttt)
                continue
            if pdu.opcode == OP_R2T:
                off, length = pdu.u32(40), pdu.u32(44)
                check(off == sent, "R2T asks for offset %d" % off)
                self.data_out(itt, pdu.ttt, 0, off, data[off:off + length])
                sent += length
            elif pdu.opcode == OP_SCSI_RSP and pdu.itt == itt:
                return pdu.bhs[3], pdu.flags, pdu.u32(44)
            elif pdu.opcode != OP_ASYNC:
                raise Fail("unexpected %r during a write" % pdu)


BLOCK = 512


def connect(a, isid=b"\x80\x00\x00\x00\x00\x01", params=None, chap=None):
    c = Conn(a.host, a.port)
    st = c.login(a.initiator, a.target, isid, params, chap)
    if st != (0, 0):
        raise Fail("login refused: status %02x%02x" % st)
    # The first command of a session gets the POWER ON unit attention.
    c.read_all(c.scsi_cmd(bytes(6), 0))
    return c


# ---- tests ------------------------------------------------------------------

def t_login(a):
    """Keys a target must send, and a clean logout."""
    c = connect(a)
    check(c.params.get("TargetPortalGroupTag") == "1",
          "TargetPortalGroupTag=1 in the login response")
    check(int(c.params.get("MaxRecvDataSegmentLength", "0")) >= 512,
          "the target declares MaxRecvDataSegmentLength")
    check(c.params.get("ErrorRecoveryLevel") == "0", "ErrorRecoveryLevel=0")
    check(c.params.get("MaxConnections") == "1", "MaxConnections=1")
    check(c.tsih != 0, "a TSIH is assigned")
    ping = c.nop_out(ping=True)
    pdu = c.recv_op(OP_NOP_IN)
    check(pdu.itt == ping, "NOP-Out ping answered")
    c.logout()
    check(c.closed(10), "the target closes the connection after logout")


def t_refused(a):
    """Unknown target, missing InitiatorName."""
    c = Conn(a.host, a.port)
    st = c.login(a.initiator, a.target + "-nonexistent")
    check(st == (2, 3), "an unknown target is refused with 0203")
    c.close()
    c = Conn(a.host, a.port)
    bhs = bytearray(48)
    bhs[0] = OP_LOGIN | IMMEDIATE
    bhs[1] = 0x87
    bhs[8:14] = b"\x80\0\0\0\0\x09"
    c.send(bhs, keytext({"TargetName": a.target}))
    rsp = c.recv()
    check(rsp.bhs[36] == 2 and rsp.bhs[37] == 7,
          "a login without InitiatorName is refused with 0207")
    c.close()


def t_reinstate(a):
    """A second login with the same ISID replaces the first session."""
    c1 = connect(a)
    c2 = connect(a)
    check(c2.tsih != c1.tsih, "the new session has a new TSIH")
    check(c1.closed(15), "the old connection is closed")
    data, status, _, _ = c2.read10(0, 1, BLOCK)
    check(status == 0 and len(data) == BLOCK, "the new session does I/O")
    c2.logout()


def t_datasn(a):
    """An unexpected DataSN ends the connection (ERL 0), and only it."""
    other = connect(a, isid=b"\x80\0\0\0\0\x02")
    c = connect(a, params={"InitialR2T": "Yes", "ImmediateData": "No"})
    cdb = struct.pack(">BBIBHB", 0x2a, 0, 16, 0, 8, 0)
    itt = c.scsi_cmd(cdb, 0, 8 * BLOCK, write=True)
    r2t = c.recv_op(OP_R2T)
    c.data_out(itt, r2t.ttt, 0, 0, b"\xaa" * 1024, final=False)
    c.data_out(itt, r2t.ttt, 5, 1024, b"\xaa" * 1024, final=False)
    check(c.closed(15), "a Data-Out with DataSN 5 instead of 1 closes the connection")
    data, status, _, _ = other.read10(16, 8, 8 * BLOCK)
    check(status == 0, "another session is not affected")
    check(data != b"\xaa" * (8 * BLOCK), "the broken write was not executed")
    other.logout()


def t_malformed(a):
    """A PDU longer than allowed ends its connection only; bad opcodes are rejected."""
    other = connect(a, isid=b"\x80\0\0\0\0\x02")
    c = connect(a)
    bhs = bytearray(48)
    bhs[0] = 0x1c    # vendor-specific opcode
    bhs[1] = 0x80
    struct.pack_into(">I", bhs, 16, c.next_itt())
    c.send(bhs)
    pdu = c.recv_op(OP_REJECT)
    check(pdu.bhs[2] == 0x05, "an unknown opcode gets Reject 'command not supported'")
    data, status, _, _ = c.read10(0, 1, BLOCK)
    check(status == 0, "the connection still works after a Reject")
    bhs = bytearray(48)
    bhs[0] = OP_NOP_OUT | IMMEDIATE
    bhs[1] = 0x80
    struct.pack_into(">II", bhs, 16, c.next_itt(), RSVD)
    bhs[5:8] = ((1 << 24) - 1).to_bytes(3, "big")   # the most the field holds
    c.sock.sendall(bytes(bhs))
    check(c.closed(15), "a data segment beyond MaxRecvDataSegmentLength closes the connection")
    _, status, _, _ = other.read10(0, 1, BLOCK)
    check(status == 0, "another session is not affected")
    other.logout()


def t_abort_write(a):
    """ABORT TASK of a write that waits for its data: answered, never executed."""
    c = connect(a, params={"InitialR2T": "Yes", "ImmediateData": "No"})
    lba = 64
    before, status, _, _ = c.read10(lba, 8, 8 * BLOCK)
    check(status == 0, "read the blocks before the write")
    new = bytes((before[i] ^ 0x5a) for i in range(len(before)))
    cdb = struct.pack(">BBIBHB", 0x2a, 0, lba, 0, 8, 0)
    cmdsn = c.cmdsn
    itt = c.scsi_cmd(cdb, 0, 8 * BLOCK, write=True)
    r2t = c.recv_op(OP_R2T)
    check(r2t.itt == itt, "the write gets an R2T")
    tmf = c.tmf(1, rtt=itt, refcmdsn=cmdsn)
    rsp = c.recv_op(OP_TMF_RSP, timeout=30)
    check(rsp.itt == tmf and rsp.bhs[2] == 0,
          "ABORT TASK of the waiting write: Function complete")
    # The initiator may still finish the data sequence; it is dropped.
    c.data_out(itt, r2t.ttt, 0, 0, new)
    after, status, _, _ = c.read10(lba, 8, 8 * BLOCK)
    check(status == 0, "the session goes on")
    check(after == before, "the aborted write changed nothing")
    c.nop_out(ping=True)
    while True:
        pdu = c.recv()
        if pdu.opcode == OP_NOP_IN and pdu.itt != RSVD:
            break
        check(not (pdu.opcode == OP_SCSI_RSP and pdu.itt == itt),
              "no response for the aborted task")
    c.logout()


def t_residual(a):
    """Residuals of RFC 7143 11.4.5 / SAM-5 5.4.3."""
    c = connect(a)
    pat = bytes(range(256)) * 4
    st, _, _ = c.write10(32, 2, pat)
    check(st == 0, "write two blocks")
    data, st, flags, resid = c.read10(32, 1, 2 * BLOCK)
    check(st == 0 and len(data) == BLOCK and data == pat[:BLOCK],
          "READ of 1 block, EDTL 2 blocks: one block of data")
    check(flags & 0x02 and resid == BLOCK, "... with residual underflow of 512")
    data, st, flags, resid = c.read10(32, 2, BLOCK)
    check(len(data) == BLOCK and data == pat[:BLOCK],
          "READ of 2 blocks, EDTL 1 block: what fits is transferred")
    check(flags & 0x04 and resid == BLOCK, "... with residual overflow of 512")
    st, flags, resid = c.write10(40, 1, b"\x11" * (2 * BLOCK))
    check(st == 0 and flags & 0x02 and resid == BLOCK,
          "WRITE of 1 block with EDTL 2 blocks: underflow of 512")
    data, st, _, _ = c.read10(40, 2, 2 * BLOCK)
    check(data[:BLOCK] == b"\x11" * BLOCK, "... the named block is written")
    check(data[BLOCK:] != b"\x11" * BLOCK, "... and not the next one")
    before, _, _, _ = c.read10(48, 2, 2 * BLOCK)
    st, flags, resid = c.write10(48, 2, b"\x22" * BLOCK)
    check(flags & 0x04 and resid == BLOCK,
          "WRITE of 2 blocks with EDTL 1 block: overflow of 512")
    data, _, _, _ = c.read10(48, 2, 2 * BLOCK)
    check(data[BLOCK:] == before[BLOCK:], "... no partial or extra block written")
    c.logout()


def t_nopin(a):
    """Target NOP-In: a silent initiator is dropped, an answering one is not."""
    c = connect(a)
    pdu = c.recv(timeout=10)
    while pdu.opcode != OP_NOP_IN:
        pdu = c.recv(timeout=10)
    check(pdu.itt == RSVD and pdu.ttt != RSVD, "the target pings with NOP-In")
    check(c.closed(15), "an initiator that does not answer is dropped")
    c = connect(a)
    end = time.time() + 6
    pings = 0
    while time.time() < end:
        try:
            pdu = c.recv(timeout=1)
        except socket.timeout:
            continue
        if pdu.opcode == OP_NOP_IN and pdu.itt == RSVD:
            c.nop_out(ttt=pdu.ttt)
            pings += 1
    check(pings >= 1, "pings keep coming")
    _, st, _, _ = c.read10(0, 1, BLOCK)
    check(st == 0, "an initiator that answers stays connected")
    c.logout()


def t_async(a):
    """A LUN added to the session's group: Async Message with 3F/0E."""
    c = connect(a)
    print("READY", flush=True)
    # The case adds a LUN now.
    pdu = c.recv_op(OP_ASYNC, timeout=60, skip=(OP_NOP_IN,))
    sense = pdu.data[2:]
    check(pdu.bhs[36] == 0, "AsyncEvent 0 (SCSI event)")
    check(len(sense) >= 14 and sense[2] & 0x0f == 6 and sense[12] == 0x3f and
          sense[13] == 0x0e, "sense UNIT ATTENTION, REPORTED LUNS DATA HAS CHANGED")
    c.logout()


def t_unsupported(a):
    """SNACK at ErrorRecoveryLevel 0, Task reassign: refused politely."""
    c = connect(a)
    bhs = bytearray(48)
    bhs[0] = OP_SNACK
    bhs[1] = 0x80
    struct.pack_into(">II", bhs, 16, RSVD, RSVD)
    c.send(bhs)
    pdu = c.recv_op(OP_REJECT)
    check(pdu.bhs[2] in (0x04, 0x05), "SNACK is rejected")
    itt = c.tmf(8, rtt=0x1234)
    pdu = c.recv_op(OP_TMF_RSP)
    check(pdu.itt == itt and pdu.bhs[2] in (3, 4, 5, 0xff),
          "TASK REASSIGN is not supported")
    itt = c.tmf(1, rtt=0x4321, refcmdsn=(c.cmdsn - 5) & 0xffffffff)
    pdu = c.recv_op(OP_TMF_RSP)
    check(pdu.bhs[2] == 1, "ABORT TASK of an unknown task: task does not exist")
    c.logout()


def t_chap(a):
    """CHAP right and wrong (MD5, from this client)."""
    user, secret = a.chap.split(":", 1)
    c = Conn(a.host, a.port)
    st = c.login(a.initiator, a.target, chap=(user, secret + "x"))
    check(st == (2, 1), "a wrong CHAP secret is refused with 0201")
    c = Conn(a.host, a.port)
    st = c.login(a.initiator, a.target)
    check(st == (2, 1), "no CHAP at all is refused with 0201")
    c = Conn(a.host, a.port)
    st = c.login(a.initiator, a.target, chap=(user, secret))
    check(st == (0, 0), "the right CHAP secret logs in")
    c.logout()


def t_vanish(a):
    """The initiator vanishes mid-I/O: writes waiting for their data, reads
    in flight, half a PDU sent, then the connection reset."""
    c = connect(a, params={"InitialR2T": "Yes", "ImmediateData": "No"})
    for i in range(8):
        c.scsi_cmd(struct.pack(">BBIBHB", 0x2a, 0, 256 + 8 * i, 0, 8, 0), 0,
                   8 * BLOCK, write=True)
    for i in range(8):
        c.scsi_cmd(struct.pack(">BBIBHB", 0x28, 0, 64 * i, 0, 64, 0), 0,
                   64 * BLOCK, read=True)
    r2ts = 0
    while r2ts < 8:
        if c.recv().opcode == OP_R2T:
            r2ts += 1
    check(True, "8 writes wait for their data, reads are in flight")
    c.sock.send(bytes([OP_SCSI_CMD, 0x80]) + bytes(18))
    c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                      struct.pack("ii", 1, 0))
    c.sock.close()
    check(True, "half a PDU sent, connection reset")


def session_task_set_full(a):
    out = subprocess.run([a.scstctl, "-j", "session", "show", a.target],
                         check=True, capture_output=True, text=True).stdout
    sessions = json.loads(out)
    check(len(sessions) == 1, "one session listed")
    return sessions[0]["task_set_full"]


def t_qfull(a):
    """More reads than lun_queue_depth on a LUN whose device is suspended:
    those beyond the depth end at once with TASK SET FULL, the others wait
    for the device, and the session counts the refused ones."""
    c = connect(a)
    n = a.depth + 6
    itts = [c.scsi_cmd(struct.pack(">BBIBHB", 0x28, 0, 8 * i, 0, 8, 0), 0,
                       8 * BLOCK, read=True) for i in range(n)]
    full = set()
    want_full = n - a.depth if a.depth else 0
    deadline = time.time() + 20
    while len(full) < want_full:
        check(time.time() < deadline,
              "%d of %d commands beyond the depth answered" %
              (len(full), want_full))
        pdu = c.recv(20)
        if pdu.opcode == OP_NOP_IN and pdu.itt == RSVD:
            c.nop_out(ttt=pdu.ttt)
            continue
        check(pdu.opcode == OP_SCSI_RSP and pdu.itt in itts,
              "only responses while the device is suspended, got %r" % pdu)
        check(pdu.bhs[3] == 0x28,
              "status TASK SET FULL, got 0x%02x" % pdu.bhs[3])
        check(pdu.itt not in full, "one response per command")
        full.add(pdu.itt)
    # The commands within the depth wait for the device.
    r, _, _ = select.select([c.sock], [], [], 2)
    check(not r, "nothing more is answered while the device is suspended")
    check(session_task_set_full(a) == want_full,
          "the session counts %d TASK SET FULL" % want_full)
    subprocess.run(["dmsetup", "resume", a.resume], check=True)
    for itt in itts:
        if itt in full:
            continue
        _, status, _, _ = c.read_all(itt, timeout=60)
        check(status == 0, "a queued read completes with GOOD")
    # The queue has room again.
    _, status, _, _ = c.read10(0, 8, 8 * BLOCK)
    check(status == 0, "a read after the others succeeds")
    c.logout()


TESTS = {n[2:]: f for n, f in globals().items() if n.startswith("t_")}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("test", choices=sorted(TESTS))
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=3260)
    p.add_argument("--target", default="iqn.2026-11.org.example:raw")
    p.add_argument("--initiator", default="iqn.2026-11.org.example:rawclient")
    p.add_argument("--chap", default="")
    p.add_argument("--depth", type=int, default=0,
                   help="qfull: the lun_queue_depth set (0: no limit)")
    p.add_argument("--resume", default="",
                   help="qfull: device-mapper device to resume")
    p.add_argument("--scstctl", default="scstctl")
    a = p.parse_args()
    print("%s: %s" % (a.test, TESTS[a.test].__doc__.strip()))
    try:
        TESTS[a.test](a)
    except (Fail, EOFError, OSError) as e:
        print("  FAIL: %s" % e)
        sys.exit(1)
    print("%s: passed" % a.test)


if __name__ == "__main__":
    main()
