#!/usr/bin/env python3
"""Drive ngircd (gen/ngircd.conf) with IRC clients, an operator and a peer server.

Usage: irc_work.py WORKDIR ROUNDS

WORKDIR holds ngircd.conf, ngircd2.conf (the peer, irc2), operpw and run.pid (the server's pid).
Kinds of traffic: users who register, join, talk, change nick and quit; nick clashes and
bad nicks; wrong and right OPER passwords, KILL, REHASH, CONNECT and SQUIT by the
operator; clients that never register, that do not answer PING (ping timeout), that
flood, that send over-long lines or junk; too many connections from one address; a fake
server with a wrong password; the peer server killed and restarted (link lost, re-linked);
SIGHUP reloads, one of a configuration with errors.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ADDR = ("127.0.0.1", 16667)
rnd = random.Random(55)


class Client:
    def __init__(self) -> None:
        for _ in range(20):  # ngircd closes and reopens its listener on a reload
            try:
                self.s = socket.create_connection(ADDR, timeout=2)
                break
            except ConnectionRefusedError:
                time.sleep(0.5)
        else:
            self.s = socket.create_connection(ADDR, timeout=2)
        self.nick = ""

    def send(self, *lines: str) -> None:
        with contextlib.suppress(OSError):
            self.s.sendall("".join(x + "\r\n" for x in lines).encode())

    def drain(self, wait: float = 0.3) -> str:
        self.s.settimeout(wait)
        out = b""
        with contextlib.suppress(OSError):
            while True:
                b = self.s.recv(65536)
                if not b:
                    break
                out += b
        text = out.decode(errors="replace")
        for line in text.splitlines():
            if line.startswith("PING "):
                self.send("PONG " + line[5:])
        return text

    def close(self) -> None:
        # half-close and read until the server has closed: ngircd logs a write error on
        # every pass of its loop for a client that is gone before its commands are read
        with contextlib.suppress(OSError):
            self.s.shutdown(socket.SHUT_WR)
        # ngircd throttles a client's commands, so its QUIT may wait a few seconds
        self.s.settimeout(15)
        with contextlib.suppress(OSError):
            while self.s.recv(65536):
                pass
        self.s.close()


def user(nick: str) -> Client:
    c = Client()
    c.nick = nick
    c.send(f"NICK {nick}", f"USER {nick.lower()} 0 * :{nick} at the desk")
    c.drain()
    return c


def flood(c: Client) -> None:
    with contextlib.suppress(OSError):
        c.s.sendall(("PRIVMSG #lounge :" + "z" * 300 + "\r\n").encode() * 60 + b"QUIT\r\n")
    c.s.settimeout(200)
    with contextlib.suppress(OSError):
        while c.s.recv(65536):
            pass
    c.s.close()


def session(n: int, operpw: str) -> None:
    names = ["anna", "ben", "chen", "dora", "emil", "fatma", "gus", "hana", "ivo", "jun"]
    people = [user(f"{rnd.choice(names)}{n}{k}") for k in range(rnd.randint(2, 5))]
    for c in people:
        chans = rnd.sample(["#support", "#ops", "#lounge", "#tickets", "#dev", "#net"], 3)
        c.send(
            "JOIN " + ",".join(chans), f"PRIVMSG {chans[0]} :hello, ticket {rnd.randint(100, 999)}"
        )
        c.drain(0.1)
    people[0].send("TOPIC #support :queue is long today", "MODE #support +k secret")
    if n % 2:
        people[-1].send("NICK " + rnd.choice(names) + "x" + str(n))  # a nick change
    if n % 3 == 0:  # a nick that is taken, a bad one, then giving up before registering
        c = Client()
        c.send("NICK " + rnd.choice(["a" * 20, "9bad", "has space"]), "NICK anna0")
        c.drain(0.2)
        c.close()
    # the operator
    op = user(f"op{n}")
    op.send(f"OPER admin {'wrong' + str(n) if n % 2 == 0 else operpw}")
    op.drain(0.2)
    if n % 2 == 0:
        op.send(f"OPER admin {operpw}")
        op.drain(0.2)
    if n % 4 == 1 and len(people) > 1:
        op.send(f"KILL {people[1].nick} :spam")
    if n % 5 == 3:
        op.send("REHASH")
    if n % 6 == 2:
        op.send("SQUIT irc2.example.net :maintenance")
        op.drain(0.5)
        op.send("CONNECT irc2.example.net")
    op.send("KILL ghost :gone", "WALLOPS :desk notice")
    op.drain(0.2)
    # bad clients
    kind = n % 6
    if kind == 0:  # connect and go away without a word
        c = Client()
        c.close()
    elif kind == 1:  # junk and an over-long line
        c = Client()
        with contextlib.suppress(OSError):
            c.s.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n")
        c.send("PRIVMSG x :" + "y" * 700)
        c.drain(0.3)
        c.close()
    elif kind == 2:  # flood: ngircd reads it a line a second, so wait in the background
        threading.Thread(target=flood, args=(user(f"flood{n}"),), daemon=True).start()
    elif kind == 3:  # too many connections from one address
        extra = [Client() for _ in range(8)]
        time.sleep(0.3)
        for c in extra:
            c.close()
    elif kind == 4:  # a server with a wrong password
        c = Client()
        c.send("PASS notthepassword 0210 IRC|", "SERVER irc9.example.net 1 :fake")
        c.drain(0.3)
        c.close()
    else:  # an unknown command before and after registering, then ERROR from the client
        c = Client()
        c.send("FOO bar", "NICK late" + str(n), "USER late 0 * :late", "BLAH", "QUIT")
        c.drain(0.3)
        c.close()
    for c in people:
        c.drain(0.05)
        if rnd.random() < 0.7:
            c.send("PART #ops :later", "QUIT :" + rnd.choice(["bye", "done", "home"]))
        elif rnd.random() < 0.6:
            c.send("QUIT")
        c.close()
    op.send("QUIT")
    op.close()


def main() -> None:
    d, rounds = sys.argv[1], int(sys.argv[2])
    operpw = Path(d, "operpw").read_text().strip()
    pid = int(Path(d, "run.pid").read_text())
    conf = os.path.join(d, "ngircd.conf")
    good = Path(conf).read_text()
    peer = subprocess.Popen(
        ["ngircd", "-n", "-f", os.path.join(d, "ngircd2.conf")], stdout=subprocess.DEVNULL
    )
    time.sleep(8)  # the first connect to irc2
    try:
        rounds_of_traffic(d, rounds, operpw, pid, conf, good, peer)
    finally:
        peer_now[0].terminate()
        peer_now[0].wait()


peer_now: list[subprocess.Popen] = []


def rounds_of_traffic(
    d: str, rounds: int, operpw: str, pid: int, conf: str, good: str, peer: subprocess.Popen
) -> None:
    peer_now[:] = [peer]
    for n in range(rounds):
        session(n, operpw)
        if n % 7 == 3:  # a client that stops answering: ping timeout
            c = Client()
            c.send(f"NICK sleepy{n}", "USER sleepy 0 * :zz")
            time.sleep(20)
            c.close()
        if n % 9 == 4:  # the peer dies and comes back
            peer.kill()
            peer.wait()
            time.sleep(8)
            peer = subprocess.Popen(
                ["ngircd", "-n", "-f", os.path.join(d, "ngircd2.conf")], stdout=subprocess.DEVNULL
            )
            peer_now[:] = [peer]
            time.sleep(8)
        if n % 10 == 7:  # reload a configuration with errors, then the good one
            with open(conf, "w") as f:
                f.write(
                    good.replace("MaxJoins = 4", "MaxJoins = many\n\tColour = blue").replace(
                        "[Channel]", "[Chanel]"
                    )
                )
            os.kill(pid, signal.SIGHUP)
            time.sleep(1)
            with open(conf, "w") as f:
                f.write(good)
            os.kill(pid, signal.SIGHUP)
            time.sleep(1)
        time.sleep(rnd.uniform(0.2, 1.0))


if __name__ == "__main__":
    main()
