"""Workload for memcached -vv (fresh3): text-protocol sessions, good and bad commands."""

import contextlib
import random
import socket
import sys
import time

PORT = int(sys.argv[1])
ROUNDS = int(sys.argv[2])
rnd = random.Random(3)


def session(cmds: list[bytes], close: bool = True) -> None:
    s = socket.create_connection(("127.0.0.1", PORT))
    s.settimeout(1)
    for c in cmds:
        s.sendall(c)
        with contextlib.suppress(OSError):
            s.recv(65536)
    if close:
        s.close()
    else:
        s.shutdown(socket.SHUT_WR)
        time.sleep(0.05)
        s.close()


def key() -> str:
    return rnd.choice(["user", "sess", "cart", "page", "cfg"]) + ":" + str(rnd.randint(1, 5000))


for r in range(ROUNDS):
    k = key()
    v = b"x" * rnd.randint(1, 300)
    kind = rnd.randint(0, 11)
    if kind == 0:
        session(
            [
                b"set %s 0 %d %d\r\n%s\r\n" % (k.encode(), rnd.randint(0, 900), len(v), v),
                b"get %s\r\n" % k.encode(),
            ]
        )
    elif kind == 1:
        session([b"get %s %s\r\n" % (k.encode(), key().encode()), b"quit\r\n"])
    elif kind == 2:
        session(
            [
                b"add %s 0 0 %d\r\n%s\r\n" % (k.encode(), len(v), v),
                b"add %s 0 0 %d\r\n%s\r\n" % (k.encode(), len(v), v),
            ]
        )
    elif kind == 3:
        session(
            [
                b"set n%d 0 0 1\r\n5\r\n" % r,
                b"incr n%d %d\r\n" % (r, rnd.randint(1, 9)),
                b"decr n%d 1\r\n" % r,
                b"incr %s 1\r\n" % k.encode(),
            ]
        )
    elif kind == 4:
        session([b"delete %s\r\n" % k.encode(), b"delete %s\r\n" % k.encode()])
    elif kind == 5:
        session([b"stats\r\n"] if rnd.random() < 0.5 else [b"stats slabs\r\n", b"version\r\n"])
    elif kind == 6:
        session([b"bogus_command %s\r\n" % k.encode(), b"get\r\n"])
    elif kind == 7:
        session(
            [
                b"gets %s\r\n" % k.encode(),
                b"cas %s 0 0 1 %d\r\nz\r\n" % (k.encode(), rnd.randint(1, 99)),
            ]
        )
    elif kind == 8:
        session(
            [
                b"touch %s %d\r\n" % (k.encode(), rnd.randint(10, 99)),
                b"append %s 0 0 2\r\nab\r\n" % k.encode(),
                b"prepend %s 0 0 2\r\ncd\r\n" % k.encode(),
            ]
        )
    elif kind == 9:
        session(
            [
                b"replace %s 0 0 %d\r\n%s\r\n" % (k.encode(), len(v), v),
                b"gat 60 %s\r\n" % k.encode(),
            ],
            close=False,
        )
    elif kind == 10:
        session([b"set big%d 0 0 2000000\r\n" % r, b"verbosity 2\r\n"])
    else:
        session(
            [b"flush_all\r\n"]
            if rnd.random() < 0.2
            else [
                b"mg %s v\r\n" % k.encode(),
                b"ms %s 2\r\nhi\r\n" % k.encode(),
                b"md %s\r\n" % k.encode(),
            ]
        )
