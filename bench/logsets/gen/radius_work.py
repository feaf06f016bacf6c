#!/usr/bin/env python3
"""Workload for the fresh8 Freeradius set: radclient requests and raw packets against a
radiusd on 127.0.0.1:1812/1813.  Usage: radius_work.py DIR ROUNDS SEED
DIR/secrets holds the throwaway user password and the three client secrets."""

import contextlib
import os
import random
import socket
import subprocess
import sys
import time

D, ROUNDS, R = sys.argv[1], int(sys.argv[2]), random.Random(int(sys.argv[3]))
with open(f"{D}/secrets") as f:
    PW, S1, S2, S3 = f.read().split()
USERS = ["alice", "henry", "ivan", "judy"]


def radclient(attrs, kind="auth", secret=None, port=None, t=3):
    port = port or (1813 if kind == "acct" else 1812)
    body = ", ".join(f'{k} = "{v}"' for k, v in attrs)
    with contextlib.suppress(subprocess.TimeoutExpired):
        subprocess.run(
            ["radclient", "-r", "1", "-t", "2", "-s", f"127.0.0.1:{port}", kind, secret or S1],
            input=body + "\n",
            text=True,
            timeout=t + 5,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


def raw(data, src="127.0.0.1", port=1812):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    s.settimeout(0.3)
    s.sendto(data, ("127.0.0.1", port))
    with contextlib.suppress(OSError):
        s.recv(4096)
    s.close()


def nas():
    return [("NAS-IP-Address", "127.0.0.1"), ("NAS-Port", str(R.randint(0, 40)))]


def step():
    k = R.randrange(100)
    u = R.choice(USERS)
    if k < 22:  # good PAP logins
        radclient([("User-Name", u), ("User-Password", PW), *nas()])
    elif k < 32:  # wrong passwords
        radclient(
            [
                ("User-Name", R.choice([*USERS, "bob"])),
                ("User-Password", "wrong" + str(R.randint(1, 99))),
            ]
        )
    elif k < 38:  # unknown users
        radclient(
            [
                ("User-Name", R.choice(["mallory", "root", "test", "guest", "oscar"])),
                ("User-Password", PW),
            ]
        )
    elif k < 44:  # CHAP and MS-CHAP, right and wrong
        p = PW if R.random() < 0.7 else "nope"
        if R.random() < 0.5:
            radclient([("User-Name", u), ("CHAP-Password", p)])
        else:
            radclient([("User-Name", u), ("MS-CHAP-Password", p)])
    elif k < 50:  # users that the users file refuses
        who = R.choice(["bob", "carol", "dave", "erin"])
        radclient([("User-Name", who), ("User-Password", PW)])
    elif k < 54:  # no password at all, an empty name
        radclient(
            R.choice(
                [
                    [("User-Name", u)],
                    [("User-Name", ""), ("User-Password", PW)],
                    [("User-Name", u), ("User-Password", "")],
                ]
            )
        )
    elif k < 58:  # proxied to a dead home server
        radclient([("User-Name", f"{u}@example.test"), ("User-Password", PW)], t=8)
    elif k < 61:  # a realm nobody knows (handled locally)
        radclient([("User-Name", f"{u}@nowhere.test"), ("User-Password", PW)])
    elif k < 70:  # accounting
        sid = f"{R.randrange(1 << 32):08x}"
        for st in R.sample(["Start", "Interim-Update", "Stop"], R.randint(1, 3)):
            radclient(
                [
                    ("User-Name", u),
                    ("Acct-Status-Type", st),
                    ("Acct-Session-Id", sid),
                    ("Framed-IP-Address", f"10.30.0.{R.randint(2, 250)}"),
                    *nas(),
                ],
                kind="acct",
            )
    elif k < 73:  # Status-Server
        radclient([("Message-Authenticator", "0x00")], kind="status")
    elif k < 79:  # a wrong secret, from the client that requires a Message-Authenticator
        radclient([("User-Name", u), ("User-Password", PW)], secret=R.choice(["wrongsecret", S2]))
    elif k < 85:  # unknown clients, other clients
        raw(
            bytes([1, R.randrange(256)]) + (20).to_bytes(2, "big") + os.urandom(16),
            R.choice(["127.0.0.3", "127.0.0.2", "127.0.0.4"]),
        )
    elif k < 92:  # junk: short, bad codes, bad lengths, to both ports
        junk = R.choice(
            [
                os.urandom(R.randint(1, 19)),
                bytes([R.choice([9, 40, 99, 250]), 1]) + (20).to_bytes(2, "big") + os.urandom(16),
                bytes([1, 2]) + (300).to_bytes(2, "big") + os.urandom(40),
                bytes([4, 3]) + (20).to_bytes(2, "big") + os.urandom(16),
                bytes([1, 7])
                + (26).to_bytes(2, "big")
                + os.urandom(16)
                + bytes([1, 9, 0, 0, 0, 0]),
            ]
        )
        raw(junk, port=R.choice([1812, 1812, 1813]))
    else:  # Access-Request to the accounting port, and the reverse
        radclient([("User-Name", u), ("User-Password", PW)], port=1813)
    time.sleep(R.choice([0, 0.05, 0.1]))


for _ in range(ROUNDS):
    step()
