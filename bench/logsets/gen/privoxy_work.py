"""Workload for privoxy (fresh4): proxied requests good and bad in front of a small HTTP server.

Usage: python3 privoxy_work.py DIR ROUNDS   (DIR holds user.action and privoxy.pid)
"""

import contextlib
import os
import random
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

D = Path(sys.argv[1])
ROUNDS = int(sys.argv[2])
rnd = random.Random(6)
PROXY = ("127.0.0.1", 8119)


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        if self.path.startswith("/slow"):
            time.sleep(4)
        code = 404 if "missing" in self.path else 500 if "error" in self.path else 200
        body = b"<html>" + b"y" * rnd.randint(10, 4000) + b"</html>"
        self.send_response(code)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *a: object) -> None:
        pass


class S(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass


srv = S(("127.0.0.1", 8141), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()


def raw(data: bytes, wait: float = 0.0, read: bool = True) -> None:
    with contextlib.suppress(OSError):
        s = socket.create_connection(PROXY, timeout=8)
        if data:
            s.sendall(data)
        time.sleep(wait)
        if read:
            with contextlib.suppress(OSError):
                while s.recv(65536):
                    pass
        s.close()


def get(url: str, extra: str = "", method: str = "GET", body: bytes = b"") -> None:
    host = url.split("/")[2]
    head = f"{method} {url} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: bench/1.0\r\n"
    head += f"Cookie: sid={rnd.getrandbits(32):x}\r\nConnection: close\r\n{extra}"
    if body:
        head += f"Content-Length: {len(body)}\r\n"
    raw(head.encode() + b"\r\n" + body)


B = "http://127.0.0.1:8141"
paths = [
    "/",
    "/index.html",
    "/docs/guide.html",
    "/api/v1/items",
    "/api/v1/users?id=7",
    "/missing.html",
    "/error",
    "/static/app.js",
]
for r in range(ROUNDS):
    k = rnd.randint(0, 19)
    if k <= 5:
        get(B + rnd.choice(paths))
    elif k == 6:
        get(B + rnd.choice(["/banner/top.gif", "/track?u=1", "/img/ad1.png"]))
    elif k == 7:
        get(f"http://cdn{rnd.randint(1, 9)}.ads.example/x.js")  # blocked before any lookup
    elif k == 8:
        get(B + rnd.choice(["/old/page.html", "/legacy/a/b.html"]))  # redirected
    elif k == 9:
        get(f"http://127.0.0.1:{rnd.choice([8142, 8143])}/")  # refused
    elif k == 10:
        raw(b"CONNECT 127.0.0.1:8143 HTTP/1.1\r\nHost: 127.0.0.1:8143\r\n\r\n")  # refused tunnel
    elif k == 11:
        raw(
            b"CONNECT 127.0.0.1:8141 HTTP/1.1\r\nHost: 127.0.0.1:8141\r\n\r\n"
            b"GET / HTTP/1.0\r\n\r\n",
            0.3,
        )
    elif k == 12:
        raw(
            rnd.choice(
                [
                    b"FOO / HTTP/1.1\r\n\r\n",
                    b"GET /relative HTTP/1.1\r\n\r\n",
                    b"GET http://127.0.0.1:8141/ HTTP/9.9\r\nHost: x\r\n\r\n",
                    b"garbage\r\n\r\n",
                    b"GET\r\n\r\n",
                ]
            )
        )
    elif k == 13:
        get(
            rnd.choice(
                [
                    "http://config.privoxy.org/",
                    "http://p.p/show-status",
                    "http://config.privoxy.org/show-url-info?url=ads.example",
                    "http://p.p/no-such-page",
                ]
            )
        )
    elif k == 14:
        get(f"http://{rnd.choice(['nosuch', 'intranet', 'wiki'])}{r}.invalid/")  # unresolvable
    elif k == 15:
        raw(
            b"GET " + B.encode() + b"/ HTTP/1.1\r\nHost: 127.0.0.1:8141\r\n", 4.0
        )  # never finishes its headers
    elif k == 16:
        get(B + "/slow")
    elif k == 17:
        get(B + "/api/v1/items", method="POST", body=b"x=" + b"1" * rnd.randint(1, 500))
    elif k == 18:
        get("http://config.privoxy.org/toggle?set=" + rnd.choice(["disable", "enable"]))
    else:
        raw(b"", 0.0, False)  # connect and close
    if r % 70 == 69:
        (D / "user.action").touch()  # the actions file changed: privoxy re-reads it
    if r % 110 == 55:
        with open(D / "privoxy.pid") as f:
            os.kill(int(f.read().strip()), signal.SIGHUP)  # reopen the log file
        time.sleep(0.5)
srv.shutdown()
