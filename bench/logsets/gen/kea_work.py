#!/usr/bin/env python3
"""Drive kea-dhcp4 (gen/kea-dhcp4.conf) with relayed DHCPv4 traffic and control commands.

Usage: kea_work.py WORKDIR ROUNDS

Kea answers a relayed query to the relay's address (giaddr) on port 67, so each fake
relay is a socket bound to 127.0.0.N:67; 127.0.0.2 and .3 are configured relays, .4 is not.
Kinds of traffic: full DORA exchanges, reserved and PXE clients, renewals, releases,
declines, informs, requests for a wrong or a taken address (NAK), an exhausted pool,
an unknown relay, malformed and truncated packets, control-socket commands (good, unknown,
malformed), a broken configuration reloaded by SIGHUP, and leases left to expire.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

SERVER = ("127.0.0.1", 67)
COOKIE = b"\x63\x82\x53\x63"
DISCOVER, OFFER, REQUEST, DECLINE, ACK, NAK, RELEASE, INFORM = 1, 2, 3, 4, 5, 6, 7, 8

rnd = random.Random(5)
relays: dict[str, socket.socket] = {}


def relay(addr: str) -> socket.socket:
    if addr not in relays:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, 67))
        s.settimeout(0.4)
        relays[addr] = s
    return relays[addr]


def opt(code: int, data: bytes) -> bytes:
    return bytes([code, len(data)]) + data


def ip(a: str) -> bytes:
    return socket.inet_aton(a)


def packet(
    mtype: int | None,
    mac: bytes,
    giaddr: str,
    xid: int,
    ciaddr: str = "0.0.0.0",
    extra: bytes = b"",
) -> bytes:
    hdr = struct.pack(
        "!BBBBIHH4s4s4s4s16s64s128s",
        1,
        1,
        6,
        1,
        xid,
        0,
        0,
        ip(ciaddr),
        ip("0.0.0.0"),
        ip("0.0.0.0"),
        ip(giaddr),
        mac.ljust(16, b"\0"),
        b"",
        b"",
    )
    opts = b""
    if mtype is not None:
        opts += opt(53, bytes([mtype]))
    opts += extra + opt(55, bytes([1, 3, 6, 15, 51])) + b"\xff"
    return hdr + COOKIE + opts


def parse(reply: bytes) -> tuple[int, str, str]:
    """(message type, yiaddr, server id) of a reply."""
    yiaddr = socket.inet_ntoa(reply[16:20])
    i, mtype, sid = 240, 0, ""
    while i < len(reply) and reply[i] != 255:
        if reply[i] == 0:
            i += 1
            continue
        code, ln = reply[i], reply[i + 1]
        val = reply[i + 2 : i + 2 + ln]
        if code == 53:
            mtype = val[0]
        elif code == 54:
            sid = socket.inet_ntoa(val)
        i += 2 + ln
    return mtype, yiaddr, sid


def ask(giaddr: str, data: bytes) -> tuple[int, str, str] | None:
    s = relay(giaddr)
    s.sendto(data, SERVER)
    try:
        reply, _ = s.recvfrom(2048)
    except TimeoutError:
        return None
    return parse(reply)


def mac_of(n: int) -> bytes:
    return bytes([2, 0, 0, 0, (n >> 8) & 255, n & 255])


def dora(giaddr: str, mac: bytes, extra: bytes = b"") -> str | None:
    xid = rnd.getrandbits(32)
    r = ask(giaddr, packet(DISCOVER, mac, giaddr, xid, extra=extra))
    if not r or r[0] != OFFER:
        return None
    _, yi, sid = r
    req = extra + opt(50, ip(yi)) + opt(54, ip(sid))
    r = ask(giaddr, packet(REQUEST, mac, giaddr, xid, extra=req))
    return yi if r and r[0] == ACK else None


def control(sock: str, payload: bytes) -> None:
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.settimeout(3)
    try:
        c.connect(sock)
        c.sendall(payload)
        while c.recv(65536):
            pass
    except OSError:
        pass
    finally:
        c.close()


def command(sock: str, name: str, arguments: dict | None = None) -> None:
    body: dict = {"command": name}
    if arguments is not None:
        body["arguments"] = arguments
    control(sock, json.dumps(body).encode())


def round_of_traffic(n: int, sock: str) -> None:
    base = 100 + n * 40
    leased: list[tuple[bytes, str]] = []
    for k in range(rnd.randint(3, 7)):  # ordinary clients, some with a client id
        mac = mac_of(base + k)
        extra = opt(61, b"\x01" + mac) if k % 2 else b""
        if k % 3 == 0:
            extra += opt(12, f"host{base + k}".encode())
        yi = dora("127.0.0.2", mac, extra)
        if yi:
            leased.append((mac, yi))
    dora("127.0.0.2", bytes.fromhex("020000 00aa01".replace(" ", "")))  # reserved hosts
    if n % 2:
        dora("127.0.0.2", bytes.fromhex("020000 00aa02".replace(" ", "")))
    if n % 3 == 0:  # a PXE client (vendor class) gets the class's boot file
        dora("127.0.0.2", mac_of(base + 30), opt(60, b"PXEClient:Arch:00000:UNDI:002001"))
    for mac, yi in leased[:2]:  # renewals: unicast-style requests with ciaddr
        xid = rnd.getrandbits(32)
        ask("127.0.0.2", packet(REQUEST, mac, "127.0.0.2", xid, ciaddr=yi))
    if leased:  # a release and a decline
        mac, yi = leased[-1]
        relay("127.0.0.2").sendto(
            packet(RELEASE, mac, "127.0.0.2", 7, ciaddr=yi, extra=opt(54, ip("127.0.0.1"))),
            SERVER,
        )
        if len(leased) > 2 and n % 2 == 0:
            mac, yi = leased[0]
            extra = opt(50, ip(yi)) + opt(54, ip("127.0.0.1"))
            relay("127.0.0.2").sendto(packet(DECLINE, mac, "127.0.0.2", 8, extra=extra), SERVER)
    if n % 2 == 1:  # inform from a host with its own address
        ask("127.0.0.2", packet(INFORM, mac_of(base + 31), "127.0.0.2", 9, ciaddr="10.10.0.200"))
    # init-reboot for an address outside the subnet, and for another client's address
    ask(
        "127.0.0.2",
        packet(REQUEST, mac_of(base + 32), "127.0.0.2", 10, extra=opt(50, ip("10.99.0.7"))),
    )
    if leased:
        ask(
            "127.0.0.2",
            packet(REQUEST, mac_of(base + 33), "127.0.0.2", 11, extra=opt(50, ip(leased[0][1]))),
        )
    # the small subnet runs out of addresses
    for k in range(rnd.randint(2, 8)):
        dora("127.0.0.3", mac_of(5000 + n * 10 + k))
    if n % 3 == 1:  # a relay that no subnet knows
        ask("127.0.0.4", packet(DISCOVER, mac_of(base + 34), "127.0.0.4", 12))
    if n % 4 == 2:  # malformed queries: truncated, no message type, unknown type, bad option
        s = relay("127.0.0.2")
        s.sendto(b"\x01\x01\x06\x00" + b"\x00" * 20, SERVER)
        s.sendto(packet(None, mac_of(base + 35), "127.0.0.2", 13), SERVER)
        s.sendto(packet(42, mac_of(base + 36), "127.0.0.2", 14), SERVER)
        bad = packet(DISCOVER, mac_of(base + 37), "127.0.0.2", 15)[:-1] + b"\x0c\x40ab"
        s.sendto(bad, SERVER)
        s.sendto(packet(OFFER, mac_of(base + 38), "127.0.0.2", 16), SERVER)
    if n % 3 == 2:  # control commands, good and bad
        for name, args in rnd.sample(
            [
                ("list-commands", None),
                ("version-get", None),
                ("status-get", None),
                ("statistic-get", {"name": "pkt4-received"}),
                ("statistic-get-all", None),
                ("statistic-reset-all", None),
                ("lease4-get-all", None),
                ("lease4-get", {"ip-address": "10.10.0.10"}),
                ("lease4-del", {"ip-address": "10.10.0.11"}),
                ("leases-reclaim", {"remove": True}),
                ("stat-lease4-get", None),
                ("no-such-command", None),
                ("config-test", {"Dhcp4": {"subnet4": [{"subnet": "10.30.0.0/33"}]}}),
                ("lease4-add", {"ip-address": "10.99.9.9", "hw-address": "02:00:00:00:ff:ff"}),
                ("config-write", {"filename": "/tmp/lg/kea/written.json"}),
            ],
            4,
        ):
            command(sock, name, args)
        control(sock, b'{"command": "config-get",')  # malformed JSON


def main() -> None:
    d, rounds = sys.argv[1], int(sys.argv[2])
    sock = os.path.join(d, "kea4-ctrl.sock")
    conf = os.path.join(d, "kea-dhcp4.conf")
    pid = int(Path(d, "kea.pid").read_text())
    good = Path(conf).read_text()
    for n in range(rounds):
        round_of_traffic(n, sock)
        if n % 12 == 6:  # a configuration with an error, reloaded, then the good one again
            with open(conf, "w") as f:
                f.write(good.replace('"valid-lifetime": 20,', '"valid-lifetime": "twenty",'))
            os.kill(pid, signal.SIGHUP)
            time.sleep(1)
            with open(conf, "w") as f:
                f.write(good)
            os.kill(pid, signal.SIGHUP)
            time.sleep(1)
        if n % 12 == 9:
            command(sock, "config-reload")
        if n % 10 == 4:  # let leases expire and be reclaimed
            time.sleep(rnd.uniform(4, 12))
        time.sleep(rnd.uniform(0.1, 0.8))
    subprocess.run(["true"])


if __name__ == "__main__":
    main()
