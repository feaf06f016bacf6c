"""Workload for squid (fresh4): proxied requests good and bad in front of a small HTTP server.

Usage: python3 squid_work.py CONF ROUNDS
"""

import contextlib
import random
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CONF = sys.argv[1]
ROUNDS = int(sys.argv[2])
rnd = random.Random(7)
PROXY = ("127.0.0.1", 3129)


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        if self.path.startswith("/slow"):
            time.sleep(4)
        code = 404 if "missing" in self.path else 500 if "error" in self.path else 200
        body = b"<html>" + b"z" * rnd.randint(10, 4000) + b"</html>"
        self.send_response(code)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=60" if "static" in self.path else "no-cache")
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(body)

    def log_message(self, *a: object) -> None:
        pass


class S(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass


srv = S(("127.0.0.1", 8141), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()


def raw(data: bytes, wait: float = 0.0) -> None:
    with contextlib.suppress(OSError):
        s = socket.create_connection(PROXY, timeout=8)
        if data:
            s.sendall(data)
        time.sleep(wait)
        with contextlib.suppress(OSError):
            while s.recv(65536):
                pass
        s.close()


def get(url: str, method: str = "GET") -> None:
    host = url.split("/")[2]
    raw(f"{method} {url} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())


B = "http://127.0.0.1:8141"
paths = ["/", "/index.html", "/static/app.js", "/static/logo.png", "/api/v1/items", "/missing"]
for r in range(ROUNDS):
    k = rnd.randint(0, 14)
    if k <= 4:
        get(B + rnd.choice(paths))
    elif k == 5:
        get(f"http://cdn{rnd.randint(1, 9)}.ads.example/x.js")  # denied by dstdomain
    elif k == 6:
        get(B + "/admin/users")  # denied by urlpath_regex
    elif k == 7:
        get("http://127.0.0.1:22/")  # not a safe port
    elif k == 8:
        get(f"http://127.0.0.1:{rnd.choice([8142, 8143])}/")  # refused
    elif k == 9:
        get(f"http://{rnd.choice(['nosuch', 'intranet', 'wiki'])}{r}.invalid/")  # no DNS
    elif k == 10:
        raw(b"CONNECT 127.0.0.1:8141 HTTP/1.1\r\nHost: 127.0.0.1:8141\r\n\r\n")
    elif k == 11:
        raw(
            rnd.choice(
                [b"FOO / HTTP/1.1\r\n\r\n", b"GET /relative HTTP/1.1\r\n\r\n", b"junk\r\n\r\n"]
            )
        )
    elif k == 12:
        get(B + "/slow")  # read_timeout
    elif k == 13:
        raw(b"GET " + B.encode() + b"/ HTTP/1.1\r\n", 4.0)  # never finishes its headers
    else:
        get(B + "/api/v1/items", method=rnd.choice(["POST", "DELETE", "OPTIONS"]))
    if r % 80 == 79:
        subprocess.run(["squid", "-f", CONF, "-k", "reconfigure"], capture_output=True)
        time.sleep(2)
srv.shutdown()
