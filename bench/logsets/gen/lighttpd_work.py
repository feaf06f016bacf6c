"""Workload for lighttpd (fresh3): good, missing, denied, unauthorised, proxied, bad requests."""

import base64
import random
import socket
import sys

PORT, ROUNDS, PW = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rnd = random.Random(5)


def raw(data: bytes) -> None:
    s = socket.create_connection(("127.0.0.1", PORT))
    s.settimeout(3)
    try:
        s.sendall(data)
        while s.recv(65536):
            pass
    except OSError:
        pass
    s.close()


def get(path: str, extra: str = "", method: str = "GET") -> None:
    raw(f"{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{extra}\r\n".encode())


for r in range(ROUNDS):
    k = rnd.randint(0, 12)
    if k == 0:
        get("/")
    elif k == 1:
        get(f"/pub/a.txt?v={r}")
    elif k == 2:
        get(f"/missing/{r}.html")
    elif k == 3:
        get("/private/s.txt")
    elif k == 4:
        get("/admin/")
    elif k == 5:
        auth = base64.b64encode(f"admin:wrong{r}".encode()).decode()
        get("/admin/", f"Authorization: Basic {auth}\r\n")
    elif k == 6:
        auth = base64.b64encode(f"admin:{PW}".encode()).decode()
        get("/admin/index.html", f"Authorization: Basic {auth}\r\n")
    elif k == 7:
        get(f"/api/items/{r}")
    elif k == 8:
        get(f"/old/a{r}.txt")
    elif k == 9:
        get("/pub/a.txt", method=rnd.choice(["POST", "PUT", "DELETE", "BREW"]))
    elif k == 10:
        raw(
            rnd.choice(
                [
                    b"GARBAGE\r\n\r\n",
                    b"GET / HTTP/1.1\r\n\r\n",
                    b"GET /%zz HTTP/1.0\r\n\r\n",
                    b"GET / HTTP/9.9\r\n\r\n",
                ]
            )
        )
    elif k == 11:
        get("/server-status")
    else:
        raw(b"POST /pub/a.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: 99999\r\n\r\nabc")
