import contextlib
import random
import socket
import subprocess
import threading
import time

random.seed(7)
H, P = "127.0.0.1", 8088
# slow upstream: accepts and never answers
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((H, 59996))
srv.listen(50)
held = []


def acc():
    while True:
        c, _ = srv.accept()
        held.append(c)


threading.Thread(target=acc, daemon=True).start()


def curl(*a):
    subprocess.run(["curl", "-s", "-o", "/dev/null", "-m", "3", *a], check=False)


def raw(data, wait=0.2, close_early=False):
    s = socket.create_connection((H, P))
    if data:
        s.sendall(data)
    if close_early:
        s.close()
        return
    time.sleep(wait)
    with contextlib.suppress(Exception):
        s.recv(65536)
    s.close()


U = f"http://{H}:{P}"
paths = [
    "/",
    "/index.html",
    "/docs/a.txt",
    "/nope.html",
    "/docs/missing.txt",
    "/img/none.png",
    "/old/",
    "/old/x",
    "/private/",
    "/noindex/",
    "/missing-index/",
    "/api/users",
    "/api/items/42",
    "/slow/q",
    "/drop",
    "/auth/",
    "/limited/a.txt",
    "/favicon.ico",
    "/robots.txt",
    "/wp-login.php",
    "/.env",
    "/cgi-bin/test.cgi",
    "/docs/../../etc/passwd",
    "/img/big.bin",
]
for rnd in range(22):
    for p in random.sample(paths, len(paths)):
        if p == "/slow/q" and rnd % 3:
            continue
        curl(U + p)
    curl("-u", f"user{rnd}:wrong", U + "/auth/")
    curl("-u", "alice:bad", U + "/auth/")
    curl("-X", "POST", "--data-binary", "@/tmp/lg/nginx/html/img/big.bin", U + "/upload")
    curl("-X", "POST", "-d", "a=1", U + "/api/form")
    for _ in range(8):
        curl(U + "/limited/a.txt")
    ts = [
        threading.Thread(target=curl, args=("--limit-rate", "50k", U + "/conn/big.bin"))
        for _ in range(3)
    ]
    [t.start() for t in ts]
    [t.join() for t in ts]
    raw(b"FOO\r\n\r\n")
    raw(b"GET /\r\n\r\n")
    raw(b"GET / HTTP/1.1\r\nHost: bad host\r\n\r\n")
    raw(b"GET / HTTP/1.1\r\n\r\n")
    raw(
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: "
        + (f"{random.getrandbits(4800):x}").encode()
        + b"\r\n\r\n"
    )
    raw(b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n")
    raw(b"GET / HTTP/9.9\r\nHost: x\r\n\r\n")
    raw(b"get / HTTP/1.1\r\nHost: x\r\n\r\n")
    raw(b"GET / HTTP/1.1\r\nHost: x\r\n", wait=2.5)  # header timeout
    raw(b"", wait=2.5)  # nothing sent
    raw(b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc", close_early=True)
    raw(b"GET /img/big.bin HTTP/1.1\r\nHost: x\r\n\r\n", close_early=True)
    if rnd == 5:
        subprocess.run(["nginx", "-c", "/tmp/lg/nginx/nginx.conf", "-s", "reload"])
        time.sleep(1)
    if rnd == 9:
        subprocess.run(["nginx", "-c", "/tmp/lg/nginx/nginx.conf", "-s", "reopen"])
subprocess.run(["ab", "-q", "-n", "150", "-c", "3", U + "/nope.html"], capture_output=True)
