"""Workload for the Mosquitto set: mosquitto_pub/sub clients and raw sockets.

Run by build_fresh.py generate Mosquitto, with the throwaway password as argv[1].
"""

import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import time

random.seed(5)
PW = sys.argv[1]
H, PA, PN = "127.0.0.1", "18883", "18884"
with open("/tmp/lg/mqtt/mosquitto.pid") as _f:
    PID = int(_f.read())


def pub(*a, user="bob", pw=PW, port=PA):
    cred = ["-u", user, "-P", pw] if user else []
    with contextlib.suppress(subprocess.TimeoutExpired):
        subprocess.run(
            ["mosquitto_pub", "-h", H, "-p", port, *cred, *a],
            check=False,
            stderr=subprocess.DEVNULL,
            timeout=10,
        )


def sub_bg(*a, user="alice", port=PA):
    cred = ["-u", user, "-P", PW] if user else []
    return subprocess.Popen(
        ["mosquitto_sub", "-h", H, "-p", port, *cred, *a],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def raw(data, wait=0.3, port=PA):
    with contextlib.suppress(Exception):
        s = socket.create_connection((H, int(port)), timeout=wait + 1)
        if data:
            s.sendall(data)
        time.sleep(wait)
        with contextlib.suppress(Exception):
            s.recv(100)
        s.close()


def connect_pkt(cid, keepalive):
    vh = b"\x00\x04MQTT\x04\x02" + keepalive.to_bytes(2, "big")
    pl = len(cid).to_bytes(2, "big") + cid
    body = vh + pl
    return b"\x10" + bytes([len(body)]) + body


subs = [
    sub_bg("-t", "sensors/#", "-q", "1", "-i", "dash-1", "-k", "10"),
    sub_bg("-t", "alerts/+", "-q", "2", "-i", "pager", "-V", "5"),
    sub_bg("-t", "sensors/temp/#", "-q", "0", "-i", "anon-view", user=None, port=PN),
]
time.sleep(1)
rooms = ["kitchen", "hall", "attic", "cellar", "garage"]
for rnd in range(int(sys.argv[2]) if len(sys.argv) > 2 else 14):
    for r in random.sample(rooms, 3):
        q = random.choice(["0", "1", "2"])
        pub(
            "-t",
            f"sensors/temp/{r}",
            "-m",
            f"{random.uniform(15, 25):.1f}",
            "-q",
            q,
            "-i",
            f"th-{r}",
        )
    pub("-t", "sensors/door", "-m", random.choice(["open", "closed"]), "-r", "-q", "1")
    if rnd % 2 == 0:
        pub("-t", "alerts/smoke", "-m", "test alarm", "-q", "2", "-V", "5", "-i", "smoke-1")
    if rnd % 3 == 0:
        pub("-t", "admin/reboot", "-m", "now", "-i", "bob-admin")  # denied by the ACL
        pub("-t", "sensors/temp/x", "-m", "1", "-P", "wrong-password", pw="wrong")
        pub("-t", "sensors/temp/x", "-m", "1", user="mallory")
        pub("-t", "sensors/temp/x", "-m", "1", user=None)  # anonymous on the auth listener
        pub("-t", "sensors/temp/anon", "-m", "2", user=None, port=PN)
    if rnd % 4 == 1:
        raw(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")  # not MQTT
        raw(b"")  # connect and close at once
        raw(b"\x10\x7f" + b"\x00" * 10)  # truncated CONNECT
        raw(connect_pkt(b"half-open", 2), wait=4.5, port=PN)  # keepalive 2 s, then silence
    if rnd % 5 == 2:
        # the same client id twice: the old connection is taken over
        s1 = sub_bg("-t", "sensors/#", "-i", "dup-client", "-c", "-q", "1")
        time.sleep(0.5)
        s2 = sub_bg("-t", "sensors/#", "-i", "dup-client", "-c", "-q", "1")
        time.sleep(0.5)
        pub("-t", "sensors/temp/hall", "-m", "20.0", "-q", "1")
        s2.terminate()
        s1.terminate()
        # a client with a will that dies without DISCONNECT
        w = subprocess.Popen(
            [
                "mosquitto_sub",
                "-h",
                H,
                "-p",
                PA,
                "-u",
                "bob",
                "-P",
                PW,
                "-t",
                "sensors/x",
                "-i",
                "will-holder",
                "--will-topic",
                "alerts/lost",
                "--will-payload",
                "gone",
                "-k",
                "5",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.5)
        w.kill()
        # too many connections on the anonymous listener
        many = [sub_bg("-t", "t", "-i", f"crowd-{i}", user=None, port=PN) for i in range(6)]
        time.sleep(0.5)
        for m in many:
            m.terminate()
    if rnd == 6:
        os.kill(PID, signal.SIGHUP)  # reload the config, password and ACL files
        time.sleep(1)
    if rnd in (4, 10):
        time.sleep(21)  # let the autosave and the keepalive of the subscribers run
    time.sleep(0.3)
for s in subs:
    s.terminate()
time.sleep(1)
