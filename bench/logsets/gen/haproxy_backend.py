"""Fake app servers for the HAProxy set: an HTTP server per port given on the command
line (the last one is a TCP echo server).  A port's /health answers 200, or 500 while
the file /tmp/lg/haproxy/sick-PORT exists; a path with "slow" sleeps 2 s; /missing is a 404;
/error is a 500; /crash closes the connection without an answer; /big sends 20 MB;
anything else a small page."""

import os
import socket
import socketserver
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        port = self.server.server_address[1]
        code, body = 200, b"ok\n"
        if self.path == "/health":
            if os.path.exists(f"/tmp/lg/haproxy/sick-{port}"):
                code, body = 500, b"sick\n"
        elif "slow" in self.path:
            time.sleep(2)
        elif self.path.startswith("/missing"):
            code, body = 404, b"not found\n"
        elif self.path.startswith("/error"):
            code, body = 500, b"error\n"
        elif self.path.startswith("/crash"):
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        elif self.path.startswith("/big"):
            body = b"x" * 20_000_000
        try:
            self.send_response(code)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass

    do_POST = do_GET


class Echo(socketserver.BaseRequestHandler):
    def handle(self):
        try:
            while data := self.request.recv(4096):
                self.request.sendall(data)
        except OSError:
            pass


ports = [int(p) for p in sys.argv[1:]]
for p in ports[:-1]:
    s = ThreadingHTTPServer(("127.0.0.1", p), H)
    threading.Thread(target=s.serve_forever, daemon=True).start()
socketserver.ThreadingTCPServer.allow_reuse_address = True
socketserver.ThreadingTCPServer.daemon_threads = True
socketserver.ThreadingTCPServer(("127.0.0.1", ports[-1]), Echo).serve_forever()
