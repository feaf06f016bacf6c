#!/usr/bin/env python3
# ruff: noqa: E501, F541, SIM115  (a throwaway workload script)
"""Workload for the fresh6 Icecast set: python3 icecast_work.py DIR ROUNDS ICECASTPID.

Sources by PUT and SOURCE (right and wrong passwords, a mount already in use, a mount
password, a source that stops sending), listeners (a full mount, an unknown mount, htpasswd
users right and wrong, a maximum listening time, fallback when the live source goes), admin
commands (metadata, stats, listclients, killclient, moveclients, killsource, manageauth, a
wrong admin password), static files found and missing, junk and idle connections, SIGHUP.
"""

import base64
import os
import random
import signal
import socket
import sys
import threading
import time

D, ROUNDS, PID = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
SRC, ADM, MNT = open(os.path.join(D, "pw")).read().split()
A = ("127.0.0.1", 8765)
rnd = random.Random(66)


def b64(s):
    return base64.b64encode(s.encode()).decode()


def conn(data=b"", wait=3.0):
    try:
        s = socket.create_connection(A, timeout=wait)
        if data:
            s.sendall(data)
        return s
    except OSError:
        return None


def request(path, auth=None, method="GET", read=2.0):
    h = f"{method} {path} HTTP/1.0\r\nHost: localhost\r\nUser-Agent: benchplayer/0.{rnd.randint(1, 9)}\r\n"
    if auth:
        h += "Authorization: Basic " + b64(auth) + "\r\n"
    s = conn((h + "\r\n").encode())
    if not s:
        return b""
    out = b""
    end = time.time() + read
    try:
        while time.time() < end:
            s.settimeout(max(0.1, end - time.time()))
            b = s.recv(8192)
            if not b:
                break
            out += b
    except OSError:
        pass
    s.close()
    return out


def admin(cmd, pw=None):
    return request("/admin/" + cmd, auth="admin:" + (pw or ADM), read=1.0)


def source(mount, seconds, pw=None, method="PUT", stall=False, user="source"):
    h = f"{method} {mount} HTTP/1.0\r\nHost: localhost\r\nAuthorization: Basic {b64(user + ':' + (pw or SRC))}\r\n"
    h += "Content-Type: audio/mpeg\r\nIce-Name: bench " + mount + "\r\nIce-Public: 0\r\n\r\n"
    s = conn(h.encode())
    if not s:
        return
    try:
        s.settimeout(3)
        s.recv(1024)
        end = time.time() + seconds
        while time.time() < end:
            s.sendall(os.urandom(4096))
            time.sleep(0.25)
        if stall:
            time.sleep(6)  # longer than source-timeout
    except OSError:
        pass
    s.close()


def bg(f, *a, **k):
    t = threading.Thread(target=f, args=a, kwargs=k)
    t.start()
    return t


def listeners(mount, n, secs, auth=None):
    return [bg(request, mount, auth, "GET", secs + rnd.random() * 2) for _ in range(n)]


for r in range(ROUNDS):
    live = bg(source, "/live.mp3", 9, method=rnd.choice(["PUT", "SOURCE"]))
    time.sleep(1)
    ls = listeners("/live.mp3", rnd.randint(2, 4), 3)  # max-listeners 3
    request("/nomount.mp3", read=0.5)
    source("/live.mp3", 1)  # already in use
    source("/other.mp3", 1, pw="wrongpass")
    admin(f"metadata?mount=/live.mp3&mode=updinfo&song=Track+{r}")
    if r % 2 == 0:
        admin("metadata?mount=/live.mp3&mode=updinfo&song=x", pw="badadmin")
        admin("stats")
        admin("listmounts")
        request(
            rnd.choice(
                ["/hello.txt", "/status-json.xsl", "/missing.txt", "/", "/server_version.xsl"]
            ),
            read=0.5,
        )
    if r % 3 == 0:
        backup = bg(source, "/backup.mp3", 7)
        time.sleep(0.5)
        admin("listclients?mount=/live.mp3")
        admin(f"moveclients?mount=/live.mp3&destination=/backup.mp3")
        admin(f"killclient?mount=/backup.mp3&id={rnd.randint(1, 60)}")
        backup.join()
    if r % 3 == 1:
        user = f"member{r}"
        pw = f"pw{r}x"
        admin(f"manageauth.xsl?mount=/members.mp3&username={user}&password={pw}&action=add")
        m = bg(source, "/members.mp3", 5)
        time.sleep(0.5)
        request("/members.mp3", auth=f"{user}:{pw}", read=2)
        request("/members.mp3", auth=f"{user}:nope", read=0.5)
        request("/members.mp3", read=0.5)
        admin(f"manageauth.xsl?mount=/members.mp3&username={user}&action=delete")
        m.join()
    if r % 3 == 2:
        p = bg(source, "/private.mp3", 7, pw=MNT)
        time.sleep(0.5)
        listeners("/private.mp3", 2, 6)  # max-listener-duration 4
        source("/private.mp3", 1, pw=SRC)  # the global password is not the mount's
        p.join()
    if r % 4 == 3:
        bg(source, "/stall.mp3", 2, stall=True)
        s = conn(b"")  # says nothing: header timeout
        j = conn(b"\x16\x03\x01\x00\xa5junk junk\r\n\r\n")
        time.sleep(4)
        for x in (s, j):
            if x:
                x.close()
        admin("killsource?mount=/live.mp3")
    if r % 5 == 4:
        os.kill(PID, signal.SIGHUP)
    live.join()
    for t in ls:
        t.join()
    time.sleep(0.5)
