# SPDX-License-Identifier: GPL-2.0
"""Raw generic netlink for the end-to-end tests, without libnl.

The tests that must build or read datagrams byte by byte use it: a reader
with a small buffer (reliability.sh) and a process that sends another's
socket a message the kernel did not (watch.sh).
"""
import socket
import struct
import sys

NETLINK_GENERIC, GENL_ID_CTRL = 16, 0x10
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 3, 1, 2

# From module/uapi/linux/todo.h.
TODO_CMD_GET, TODO_CMD_CHANGE = 3, 12
TODO_A_LIST, TODO_A_OWNER, TODO_A_ID, TODO_A_DATE, TODO_A_TITLE = 1, 2, 3, 4, 5
TODO_A_KIND = 23
TODO_CHANGE_ADD = 1


def die(text):
    """Exit with "rawnl: TEXT" on stderr."""
    sys.exit("rawnl: " + text)


def attr(kind, data):
    """One attribute, padded to 4 bytes."""
    size = 4 + len(data)
    return struct.pack("HH", size, kind) + data + bytes(-size % 4)


def message(family, flags, cmd, attrs, seq=1):
    """A generic netlink message of version 1 (the port id is the kernel's
    to fill in)."""
    body = struct.pack("BBH", cmd, 1, 0) + attrs
    return struct.pack("IHHII", 16 + len(body), family, flags, seq, 0) + body


def request(family, flags, cmd, attrs):
    """A request: message() with NLM_F_REQUEST."""
    return message(family, NLM_F_REQUEST | flags, cmd, attrs)


def messages(buf):
    """(type, message) of each message of a datagram."""
    off = 0
    while off + 16 <= len(buf):
        size, kind = struct.unpack_from("IH", buf, off)
        if size < 16:
            die("a message of %d bytes" % size)
        yield kind, buf[off:off + size]
        off += (size + 3) & ~3


def attrs(msg):
    """{type: payload} of a generic netlink message's attributes."""
    off, out = 20, {}
    while off + 4 <= len(msg):
        size, kind = struct.unpack_from("HH", msg, off)
        if size < 4:
            die("an attribute of %d bytes" % size)
        out[kind & 0x3fff] = msg[off + 4:off + size]
        off += (size + 3) & ~3
    return out


def family_id(name=b"todo"):
    """The id of a generic netlink family, asked of the kernel."""
    with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                       NETLINK_GENERIC) as s:
        s.send(request(GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY,
                       attr(CTRL_ATTR_FAMILY_NAME, name + b"\0")))
        for kind, msg in messages(s.recv(65536)):
            if kind == GENL_ID_CTRL:
                a = attrs(msg)[CTRL_ATTR_FAMILY_ID]
                return struct.unpack("H", a[:2])[0]
    die("no %s family" % name.decode())
