"""Workload for the HAProxy set: starts the fake app servers and HAProxy (master-worker,
log on stdout -> /tmp/lg/haproxy/haproxy.log), then sends requests (pages, 404/500s,
slow answers past the server timeout, denied and tarpitted paths, basic auth, redirects,
bad and incomplete requests, client timeouts, a backend with no server), TCP sessions,
makes app servers sick, kills and restarts one, drives the runtime API (disable/enable
server, drain, weight, maint, health, pause/resume a frontend) and reloads HAProxy
(SIGUSR2 to the master); also a server that closes without answering and clients
that do not read a big answer, and requests queued past the queue timeout.

Run by build_fresh2.py generate HAProxy: argv[1] is the number of rounds.
"""

import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

random.seed(11)
D = "/tmp/lg/haproxy"
HERE = os.path.dirname(os.path.abspath(__file__))
ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
B = "http://127.0.0.1:18080"


def backend(*ports):
    return subprocess.Popen([sys.executable, f"{HERE}/haproxy_backend.py", *map(str, ports)])


def get(path, auth=None, method="GET"):
    req = urllib.request.Request(B + path, method=method)
    if auth:
        req.add_header("Authorization", "Basic " + auth)
    with contextlib.suppress(Exception):
        urllib.request.urlopen(req, timeout=4).read()


def raw(port, data, wait=0.2, linger=False):
    with contextlib.suppress(Exception):
        s = socket.create_connection(("127.0.0.1", port), timeout=4)
        if data:
            s.sendall(data)
        time.sleep(wait)
        if not linger:
            with contextlib.suppress(Exception):
                s.recv(4096)
        s.close()


def api(cmd):
    with contextlib.suppress(Exception):
        s = socket.socket(socket.AF_UNIX)
        s.connect(f"{D}/admin.sock")
        s.sendall(cmd.encode() + b"\n")
        s.recv(4096)
        s.close()


def sick(port, on):
    p = f"{D}/sick-{port}"
    if on:
        open(p, "w").close()
    elif os.path.exists(p):
        os.remove(p)


apps = backend(18101, 18102, 18104, 18105)
app3 = backend(18103, 18106)
time.sleep(1)
log = open(f"{D}/haproxy.log", "ab")  # noqa: SIM115  (open for the life of the run)
hap = subprocess.Popen(
    ["haproxy", "-W", "-db", "-f", f"{HERE}/haproxy.cfg"],
    stdout=log,
    stderr=open(f"{D}/haproxy.stderr", "ab"),  # noqa: SIM115
)
time.sleep(3)
pages = [
    "/",
    "/index.html",
    "/static/app.css",
    "/static/logo.png",
    "/api/items?id=7",
    "/api/users",
    "/missing/page",
    "/error",
    "/legacy/report",
]
try:
    for rnd in range(ROUNDS):
        for p in random.choices(pages, k=8):
            get(p)
        get("/api/items", method="POST")
        get("/slow/query")  # past the server timeout: 504
        get("/wp-login.php")  # denied: 403
        get("/admin/")  # no credentials: 401
        get("/admin/", auth="b3BzOm9wc2JlbmNo")  # ops:opsbench
        get("/admin/", auth="b3BzOndyb25n")  # wrong password
        get("/old/page")  # redirect
        if rnd % 2 == 0:
            get("/tarpit/x")
        raw(18080, b"GARBAGE\r\n\r\n")  # bad request
        raw(18080, b"GET / HTTP/1.1\r\nHost: x\r\n", wait=2.5)  # incomplete: 408
        raw(18080, b"", wait=0.1)  # connect, close
        if rnd % 3 == 2:  # one server slot for be_static: the others queue and time out
            ts = [threading.Thread(target=get, args=("/static/slow.css",)) for _ in range(3)]
            for t in ts:
                t.start()
            for t in ts:
                t.join()
        get("/crash/now")  # the server closes without an answer: 502
        raw(18080, b"GET /big/file HTTP/1.1\r\nHost: x\r\n\r\n", wait=2.5, linger=True)
        raw(18080, b"GET /slow/report HTTP/1.1\r\nHost: x\r\n\r\n", wait=0.4, linger=True)
        raw(18443, b"hello tcp\n")
        raw(18443, b"slow", wait=2.5, linger=True)  # tcp client timeout
        # state changes
        if rnd % 3 == 0:
            sick(18102, True)
            time.sleep(3)
            get("/")
            sick(18102, False)
            time.sleep(3)
        if rnd % 4 == 1:
            app3.terminate()
            app3.wait()
            time.sleep(3)
            for _ in range(3):
                get("/api/users")
            api("set server be_app/app3 state maint")  # while it is down
            time.sleep(0.5)
            api("set server be_app/app3 state ready")
            app3 = backend(18103, 18106)
            time.sleep(3)
        if rnd % 4 == 2:
            api("disable server be_app/app1")
            get("/")
            api("set server be_app/app2 state drain")
            get("/")
            api("set server be_app/app2 state ready")
            api("enable server be_app/app1")
            api("set weight be_app/app3 50%")
            api("set server be_static/static1 state maint")
            get("/static/app.css")  # no server: 503
            api("set server be_static/static1 state ready")
            time.sleep(1)
        if rnd % 6 == 5:
            api("disable frontend fe_tcp")
            raw(18443, b"paused?\n")
            api("enable frontend fe_tcp")
            api("set server be_app/app2 health down")  # the next checks bring it back
            time.sleep(3)
        if rnd % 5 == 4:
            hap.send_signal(signal.SIGUSR2)  # reload
            time.sleep(3)
        time.sleep(1)
finally:
    hap.send_signal(signal.SIGUSR1)  # soft stop
    with contextlib.suppress(subprocess.TimeoutExpired):
        hap.wait(10)
    if hap.poll() is None:
        hap.kill()
    for p in (apps, app3):
        p.terminate()
        p.wait()
