#!/usr/bin/env python3
"""Workload for the fresh8 Nsd set.  Usage: nsd_work.py DIR init | DIR ROUNDS SEED
The nsd under test answers on 127.0.0.1@5353 (control port 8953); a peer nsd on
127.0.0.1@5354 (control 8954) is the primary of sec.test.  The TSIG secret is in DIR/keys."""

import contextlib
import os
import random
import socket
import struct
import subprocess
import sys
import time

D = sys.argv[1]
Z, Z2 = f"{D}/zones", f"{D}/zones2"
PRIMARY = ["example.test", "shop.test"]


def zone_text(name, serial, extra=0):
    rr = [
        f"$ORIGIN {name}.",
        "$TTL 300",
        f"@ IN SOA ns1.{name}. hostmaster.{name}. ( {serial} 60 30 600 60 )",
        f"@ IN NS ns1.{name}.",
        "ns1 IN A 192.0.2.1",
        "www IN A 192.0.2.10",
        "mail IN A 192.0.2.25",
        "@ IN MX 10 mail",
        '@ IN TXT "v=spf1 -all"',
    ]
    rr += [f"host{i} IN A 198.51.100.{i % 250 + 1}" for i in range(extra)]
    return "\n".join(rr) + "\n"


BROKEN = [
    "www IN A 192.0.2.300\n",
    "mail IN MX mail\n",
    "bad name IN A 192.0.2.1 extra\n",
    "$INCLUDE /nonexistent/file\n",
    "@ IN SOA ns1 ( 1 2\n",
    'txt IN TXT "unterminated\n',
    "aaaa IN AAAA 2001:db8::zz\n",
    "$TTL abc\n",
]


def init():
    os.makedirs(Z, exist_ok=True)
    os.makedirs(Z2, exist_ok=True)
    for n in PRIMARY:
        with open(f"{Z}/{n}.zone", "w") as f:
            f.write(zone_text(n, 2026120601))
    with open(f"{Z}/broken.test.zone", "w") as f:
        f.write(zone_text("broken.test", 1) + BROKEN[0] + BROKEN[1])
    with open(f"{Z2}/sec.test.zone", "w") as f:
        f.write(zone_text("sec.test", 100, 5))


if sys.argv[2] == "init":
    init()
    sys.exit(0)

ROUNDS, R = int(sys.argv[2]), random.Random(int(sys.argv[3]))
with open(f"{D}/keys") as _f:
    KEY = _f.read().split()


def q(cmd, t=10):
    with contextlib.suppress(subprocess.TimeoutExpired):
        subprocess.run(cmd, timeout=t, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def ctl(*args, peer=False):
    q(["nsd-control", "-c", f"{D}/{'nsd2' if peer else 'nsd'}.conf", *args])


def dig(*args):
    q(["dig", "@127.0.0.1", "-p", "5353", "+tries=1", "+time=2", *args])


def packet(name, qtype=1, opcode=0, flags=0x0100, qid=None):
    qid = R.randrange(65536) if qid is None else qid
    hdr = struct.pack(">HHHHHH", qid, (opcode << 11) | flags, 1, 0, 0, 0)
    qn = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".") if p) + b"\0"
    return hdr + qn + struct.pack(">HH", qtype, 1)


def udp(data, src="127.0.0.1", n=1, wait=0.3):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    s.settimeout(wait)
    for _ in range(n):
        s.sendto(data, ("127.0.0.1", 5353))
    with contextlib.suppress(OSError):
        s.recv(4096)
    s.close()


serial = {n: 2026120601 for n in PRIMARY}
sec_serial = 100


def step():
    global sec_serial
    k = R.randrange(100)
    n = R.choice(PRIMARY)
    if k < 12:  # AXFR/IXFR: with the key, without, with a wrong key, from another address
        how = R.choice(["key", "key", "nokey", "badkey", "other", "ixfr", "sec"])
        if how == "key":
            dig("-y", f"hmac-sha256:xfr.key.:{KEY[0]}", "AXFR", n)
        elif how == "nokey":
            dig("AXFR", R.choice([*PRIMARY, "sec.test", "nosuch.test"]))
        elif how == "badkey":
            dig("-y", f"hmac-sha256:{R.choice(['xfr.key.', 'other.key.'])}:{KEY[1]}", "AXFR", n)
        elif how == "other":
            dig("-b", R.choice(["127.0.0.2", "127.0.0.3"]), "AXFR", n)
        elif how == "ixfr":
            dig("-y", f"hmac-sha256:xfr.key.:{KEY[0]}", f"IXFR={serial[n] - R.randint(0, 2)}", n)
        else:
            dig("-y", f"hmac-sha256:xfr.key.:{KEY[0]}", "AXFR", "sec.test")
    elif k < 22:  # edit a primary zone and reload it (its notifies go to the peer and a dead port)
        serial[n] += R.choice([1, 1, 1, 0, -5])
        with open(f"{Z}/{n}.zone", "w") as f:
            f.write(zone_text(n, serial[n], R.randint(0, 30)))
        ctl("reload", n) if R.random() < 0.8 else ctl("reload")
    elif k < 32:  # the peer's zone changes: it notifies us, we transfer
        sec_serial += R.choice([1, 1, 2])
        with open(f"{Z2}/sec.test.zone", "w") as f:
            f.write(zone_text("sec.test", sec_serial, R.randint(0, 40)))
        ctl("reload", "sec.test", peer=True)
        time.sleep(1)
    elif k < 38:  # NOTIFY by hand: allowed, for a primary zone, from a stranger, unknown zone
        zone, src = R.choice(
            [
                ("sec.test", "127.0.0.1"),
                ("example.test", "127.0.0.1"),
                ("sec.test", "127.0.0.3"),
                ("nosuch.test", "127.0.0.1"),
                ("gone.test", "127.0.0.1"),
            ]
        )
        udp(packet(zone, 6, opcode=4, flags=0x0400), src)
    elif k < 44:  # broken zone file edits
        with open(f"{Z}/broken.test.zone", "w") as f:
            f.write(
                zone_text("broken.test", R.randint(2, 99))
                + "".join(R.sample(BROKEN, R.randint(0, 3)))
            )
        ctl("reload", "broken.test")
    elif k < 52:  # control commands
        c = R.choice(
            [
                ("zonestatus",),
                ("zonestatus", n),
                ("zonestatus", "sec.test"),
                ("write",),
                ("write", n),
                ("notify", n),
                ("notify",),
                ("transfer", "sec.test"),
                ("transfer", "gone.test"),
                ("force_transfer", "sec.test"),
                ("force_transfer", "gone.test"),
                ("stats_noreset",),
                ("log_reopen",),
                ("reconfig",),
                ("repattern",),
                ("reload", "nosuch.test"),
                ("status",),
                ("serverpid",),
                ("verbosity", "2"),
                ("print_tsig",),
            ]
        )
        ctl(*c)
    elif k < 57:  # zones added and removed at run time
        name = f"tmp{R.randint(1, 6)}.test"
        if R.random() < 0.5:
            with open(f"{Z}/{name}.zone", "w") as f:
                f.write(zone_text(name, 1))
        ctl("addzone", name, R.choice(["primary", "primary", "nosuchpattern"]))
        time.sleep(0.3)
        if R.random() < 0.7:
            ctl("delzone", name)
    elif k < 63:  # a burst that hits the rate limit
        data = packet(
            R.choice(["www.example.test", "nx.example.test", "shop.test"]), R.choice([1, 1, 28, 15])
        )
        udp(data, n=R.randint(80, 200), wait=0.05)
    elif k < 70:  # junk: short packets, responses, bad opcodes, queries for other zones
        junk = R.choice(
            [
                os.urandom(R.randint(1, 11)),
                packet("www.example.test", flags=0x8180),
                packet("www.example.test", opcode=R.choice([2, 5, 9])),
                packet("www.elsewhere.test"),
                packet("example.test", 255),
                os.urandom(40),
            ]
        )
        udp(junk)
    elif k < 76:  # idle and too many TCP clients
        socks = []
        for _ in range(R.randint(1, 14)):
            try:
                socks.append(socket.create_connection(("127.0.0.1", 5353), timeout=1))
            except OSError:
                break
        if R.random() < 0.5 and socks:
            socks[0].sendall(b"\x00\x30" + os.urandom(10))
        time.sleep(R.choice([0.5, 4]))
        for s in socks:
            s.close()
    else:  # ordinary queries (not logged), some over TCP
        for _ in range(R.randint(1, 5)):
            dig(
                R.choice(
                    [
                        "www.example.test",
                        "mail.shop.test",
                        "sec.test",
                        "nx.example.test",
                        "gone.test",
                        "broken.test",
                    ]
                ),
                R.choice(["A", "MX", "SOA", "TXT"]),
                *R.choice([(), (), ("+tcp",)]),
            )
    time.sleep(R.choice([0, 0.1, 0.2]))


for _ in range(ROUNDS):
    step()
