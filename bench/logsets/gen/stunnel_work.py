"""Workload for stunnel (fresh4): TLS clients good and bad in front of a small HTTP server.

Usage: python3 stunnel_work.py DIR ROUNDS   (DIR holds the PKI and stunnel.pid)
"""

import contextlib
import os
import random
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

D = sys.argv[1]
ROUNDS = int(sys.argv[2])
rnd = random.Random(4)


class H(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.startswith("/slow"):
            time.sleep(5)
        body = b"x" * (rnd.randint(10, 5000) if self.path != "/missing" else 0)
        self.send_response(200 if self.path != "/missing" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(body)

    def log_message(self, *a: object) -> None:
        pass


class S(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that went away (the idle and slow cases)


srv = S(("127.0.0.1", 8131), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()


def ctx(cert: str | None = None, tls: ssl.TLSVersion | None = None) -> ssl.SSLContext:
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    if cert:
        c.load_cert_chain(f"{D}/{cert}.pem", f"{D}/{cert}.key")
    if tls:
        c.minimum_version = c.maximum_version = tls
    return c


def tls_get(port: int, path: str = "/", cert: str | None = None, tls=None) -> None:
    with contextlib.suppress(OSError, ssl.SSLError):
        s = socket.create_connection(("127.0.0.1", port), timeout=8)
        t = ctx(cert, tls).wrap_socket(s, server_hostname="localhost")
        t.sendall(f"GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n".encode())
        while t.recv(65536):
            pass
        t.close()


def plain(port: int, data: bytes, wait: float = 0.0, read: bool = True) -> None:
    with contextlib.suppress(OSError):
        s = socket.create_connection(("127.0.0.1", port), timeout=8)
        if data:
            s.sendall(data)
        time.sleep(wait)
        if read:
            with contextlib.suppress(OSError):
                while s.recv(65536):
                    pass
        s.close()


def sig(n: int) -> None:
    with open(f"{D}/stunnel.pid") as f:
        os.kill(int(f.read().strip()), n)
    time.sleep(1.5)


paths = ["/", "/index.html", "/a/b", "/missing", "/api/v1/items"]
for r in range(ROUNDS):
    k = rnd.randint(0, 15)
    if k <= 3:
        tls_get(4431, rnd.choice(paths))
    elif k == 4:
        plain(8134, b"GET / HTTP/1.0\r\n\r\n")  # through the client service
    elif k == 5:
        plain(8135, b"GET / HTTP/1.0\r\n\r\n")  # client service that does not trust the server
    elif k == 6:
        tls_get(4432)  # backend refuses
    elif k == 7:
        tls_get(4433, "/", rnd.choice(["alice", "bob"]))
    elif k == 8:
        tls_get(4433, "/", rnd.choice([None, "mallory"]))
    elif k == 9:
        tls_get(4434, "/", None, rnd.choice([ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3]))
    elif k == 10:
        plain(4431, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")  # plain HTTP to a TLS port
    elif k == 11:
        plain(4431, b"", 0.0, False)  # connect and close at once
    elif k == 12:
        plain(rnd.choice([4431, 4433]), b"\x16\x03\x01\x00\x05junk", 0.2)  # a broken ClientHello
    elif k == 13:
        with contextlib.suppress(OSError, ssl.SSLError):  # an idle TLS client (TIMEOUTidle)
            s = ctx().wrap_socket(socket.create_connection(("127.0.0.1", 4431), timeout=8))
            time.sleep(4)
            s.close()
    elif k == 14:
        tls_get(4431, "/slow")
    else:
        subprocess.run(
            ["openssl", "s_client", "-connect", "127.0.0.1:4431", "-quiet", "-no_ign_eof"],
            input=b"GET / HTTP/1.0\r\n\r\n",
            capture_output=True,
            timeout=10,
        )
    if r % 60 == 59:
        sig(signal.SIGHUP)  # reload the configuration
    if r % 90 == 45:
        sig(signal.SIGUSR1)  # reopen the log
srv.shutdown()
