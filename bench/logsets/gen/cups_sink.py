#!/usr/bin/env python3
"""A JetDirect-style sink for the fresh5 Cups run: accept on 127.0.0.1:PORT, read a job
to its end and drop it; with "slow", read one block a second (a printer that lags)."""

import socket
import sys
import threading
import time


def serve(conn: socket.socket, slow: bool) -> None:
    with conn:
        while True:
            data = conn.recv(4096)
            if not data:
                return
            if slow:
                time.sleep(1)


def main() -> None:
    port, slow = int(sys.argv[1]), len(sys.argv) > 2 and sys.argv[2] == "slow"
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(8)
    while True:
        conn, _ = s.accept()
        threading.Thread(target=serve, args=(conn, slow), daemon=True).start()


if __name__ == "__main__":
    main()
