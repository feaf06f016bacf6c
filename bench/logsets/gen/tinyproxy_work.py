#!/usr/bin/env python3
# ruff: noqa: E741  (a throwaway workload script)
"""Workload for the fresh6 Tinyproxy set: python3 tinyproxy_work.py DIR ROUNDS PROXYPID PW.

Proxied requests (200/404/500/302, POST, HEAD), a slow origin (timeout), an origin that
closes or answers junk, a refused port, names that do not resolve, filtered domains, a dead
parent proxy, CONNECT to allowed and refused ports, bad and relative request lines, the
stats host, the reverse path, a client from a denied address, idle clients, too many
clients, and SIGUSR1 reloads (one phase with basic auth, right and wrong passwords).
"""

import base64
import os
import random
import shutil
import signal
import socket
import sys
import threading
import time

D, ROUNDS, PID, PW = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
P = ("127.0.0.1", 8891)
O = "http://127.0.0.1:8890"
rnd = random.Random(6)


def raw(data, src="127.0.0.1", wait=1.5, read=True):
    try:
        s = socket.socket()
        s.bind((src, 0))
        s.settimeout(wait + 8)
        s.connect(P)
        if data:
            s.sendall(data)
        out = b""
        if read:
            while True:
                b = s.recv(65536)
                if not b:
                    break
                out += b
        s.close()
        return out
    except OSError:
        return b""


def get(url, method="GET", body=None, auth=None, hdrs=()):
    host = url.split("/")[2] if "://" in url else "127.0.0.1"
    h = f"{method} {url} HTTP/1.0\r\nHost: {host}\r\nUser-Agent: bench/1.0\r\n"
    for k, v in hdrs:
        h += f"{k}: {v}\r\n"
    if auth:
        h += "Proxy-Authorization: Basic " + base64.b64encode(auth.encode()).decode() + "\r\n"
    if body is not None:
        h += f"Content-Length: {len(body)}\r\n"
    h = (h + "\r\n").encode() + (body or b"")
    return raw(h)


def reload(conf):
    shutil.copy(conf, os.path.join(D, "tinyproxy.conf"))
    os.kill(PID, signal.SIGUSR1)
    time.sleep(1.5)


def idle(n, hold):
    socks = []
    for _ in range(n):
        try:
            s = socket.create_connection(P)
            socks.append(s)
        except OSError:
            pass
    time.sleep(hold)
    for s in socks:
        s.close()


PAGES = [
    "/ok",
    "/index.html",
    "/a/b/c.txt",
    "/missing",
    "/err",
    "/redirect",
    "/img/x.png",
    "/docs?id=7",
]
BAD_NAMES = ["nosuchhost.invalid", "www.unknown-domain.invalid", "x.y.invalid"]
FILTERED = ["ads.example.com", "img.ads.example.com", "tracker.example.net", "blocked.invalid"]

for r in range(ROUNDS):
    for _ in range(6):
        get(O + rnd.choice(PAGES))
    get(O + "/ok", "HEAD")
    get(O + "/form", "POST", b"a=1&b=" + str(r).encode() * 20)
    get(f"http://localhost:8890{rnd.choice(PAGES)}")
    if r % 2 == 0:
        get(f"http://{rnd.choice(BAD_NAMES)}/")
        get("http://127.0.0.1:8897/refused")  # nothing listens there
    get(f"http://{rnd.choice(FILTERED)}/banner.gif")
    if r % 3 == 0:
        get("http://www.viaparent.example/page")  # its parent proxy is dead
    if r % 3 == 1:
        raw(
            b"CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n\r\n"
        )  # allowed port, refused
        raw(b"CONNECT 127.0.0.1:25 HTTP/1.1\r\nHost: 127.0.0.1:25\r\n\r\n")  # port not allowed
    if r % 3 == 2:
        raw(b"GARBAGE\r\n\r\n")
        raw(b"GET /norev/thing HTTP/1.0\r\n\r\n")  # relative URL outside the reverse path
        raw(b"BREW http://127.0.0.1:8890/ HTTP/1.0\r\n\r\n")
        raw(b"GET http://127.0.0.1:8890/ok HTTP/1.0\r\n")  # headers never finished
    get("/rev/ok")
    get("/rev/redirect")
    if r % 4 == 0:
        get("http://tinyproxy.stats/")
        get(O + "/slow")  # longer than Timeout
        get(O + "/close")
        get(O + "/junk")
        raw(
            b"GET " + O.encode() + b"/ok HTTP/1.0\r\nHost: x\r\n\r\n", src="127.0.0.2"
        )  # denied address
        raw(b"", read=False)  # connect and go
        get(O + "/form", "POST", None, hdrs=[("Content-Length", "500")])  # body never sent
    if r % 6 == 5:
        threads = [threading.Thread(target=idle, args=(4, 6)) for _ in range(2)]
        for t in threads:
            t.start()
        time.sleep(1)
        get(O + "/ok")
        for t in threads:
            t.join()
    if r % 8 == 3:
        reload(os.path.join(D, "tinyproxy-auth.conf"))
        get(O + "/ok")  # no credentials
        get(O + "/ok", auth="benchuser:" + PW)
        get(O + "/a/b/c.txt", auth="benchuser:" + PW)
        get(O + "/ok", auth="benchuser:wrong")
        get(O + "/ok", auth="mallory:" + PW[:6])
        reload(os.path.join(D, "tinyproxy-plain.conf"))
    if r % 10 == 9:
        reload(os.path.join(D, "tinyproxy-plain.conf"))
    time.sleep(0.2)
