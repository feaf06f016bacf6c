#!/usr/bin/env python3

"""A small origin server for the fresh6 Tinyproxy set: python3 tinyproxy_backend.py PORT."""

import socket
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *a):
        pass

    def _send(self, code, body=b"hello\n", extra=()):
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        p = self.path.split("?")[0]
        if p.endswith("/slow"):
            time.sleep(7)
            return self._send(200)
        if p.endswith("/redirect"):
            return self._send(302, b"", [("Location", "http://127.0.0.1:8890/ok")])
        if p.endswith("/err"):
            return self._send(500, b"error\n")
        if p.endswith("/close"):
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if p.endswith("/junk"):
            self.wfile.write(b"this is not http\r\n")
            return
        if p.endswith("/missing"):
            return self._send(404, b"not found\n")
        return self._send(200, b"x" * (50 + len(p) * 7))

    do_HEAD = do_GET

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0") or 0)
        self.rfile.read(n)
        self._send(201, b"created\n")


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
