"""Workload for the Proftpd set: ftplib sessions, good and bad, raw sockets, limits, SIGHUP.

Run by build_fresh7.py generate Proftpd: proftpd_work.py DIR ROUNDS PASSWORD (the throwaway
password of the local user ftpbench; proftpd logs the user name only).
"""

import contextlib
import ftplib
import io
import os
import random
import signal
import socket
import sys
import time
from pathlib import Path

random.seed(23)
D = Path(sys.argv[1])
ROUNDS = int(sys.argv[2])
PW = sys.argv[3]
H, P = "127.0.0.1", 2122
U = "ftpbench"
E = contextlib.suppress(Exception)


def ftp():
    f = ftplib.FTP()
    f.connect(H, P, timeout=10)
    return f


def anon(rnd):
    with E:
        f = ftp()
        f.login(
            random.choice(["anonymous", "ftp"]),
            random.choice(["guest@example.org", "wget@", "x@example.com"]),
        )
        f.retrlines("LIST", lambda _: None)
        f.retrbinary("RETR readme.txt", lambda _: None)
        for cmd in (
            f"RETR missing-{rnd}.txt",
            "CWD nope",
            "STOR upload.txt",
            "MKD newdir",
            "DELE readme.txt",
        ):
            with E:
                if cmd.startswith("STOR"):
                    f.storbinary(cmd, io.BytesIO(b"x" * 50))
                elif cmd.startswith("RETR"):
                    f.retrbinary(cmd, lambda _: None)
                else:
                    f.sendcmd(cmd)
        with E:
            f.storbinary(f"STOR incoming/up{rnd}.txt", io.BytesIO(b"y" * 80))
        f.quit()


def local(rnd):
    with E:
        f = ftp()
        f.login(U, PW)
        f.pwd()
        d = f"dir{rnd}"
        f.mkd(d)
        f.cwd(d)
        f.storbinary("STOR report.txt", io.BytesIO(b"line\n" * random.randint(5, 500)))
        f.storlines("STOR notes.txt", io.BytesIO(b"a\nb\n"))
        f.rename("report.txt", "report-old.txt")
        f.sendcmd("MDTM report-old.txt")
        f.sendcmd("SIZE report-old.txt")
        with E:
            f.rename("missing.txt", "x.txt")
        f.retrbinary("RETR report-old.txt", lambda _: None)
        f.retrlines("MLSD", lambda _: None)
        f.delete("notes.txt")
        for cmd in (
            "SITE CHMOD 600 report-old.txt",
            "SITE CHMOD 999 nofile",
            "SITE UTIME 20260101000000 report-old.txt",
            "SITE HELP",
            "SITE NOSUCH",
            "MFMT 20260101000000 report-old.txt",
            "STAT",
            "CWD /etc",
            "CWD ../../..",
            "RETR /etc/shadow",
            "RMD not-there",
            "RNFR *.*/x",
            "REST 100",
            "ABOR",
        ):
            with E:
                f.sendcmd(cmd)
        f.cwd("..")
        for cmd in ("CWD locked", "STOR ro/x.txt"):
            with E:
                if cmd.startswith("STOR"):
                    f.storbinary(cmd, io.BytesIO(b"z"))
                else:
                    f.sendcmd(cmd)
        with E:
            f.retrbinary("RETR ro/file.txt", lambda _: None)
        if rnd % 2:
            f.delete(f"{d}/report-old.txt")
            f.rmd(d)
        f.quit()


def bad_login(user, pw, twice=True):
    with E:
        f = ftp()
        with E:
            f.login(user, pw)
        if twice:
            with E:
                f.login(user, pw + "2")
            with E:
                f.login(user, pw + "3")  # over MaxLoginAttempts
        with E:
            f.quit()


def raw(lines, wait=0.3, greet=True, end=0.0):
    with E:
        s = socket.create_connection((H, P), timeout=12)
        if greet:
            s.recv(512)
        for ln in lines:
            s.sendall(ln)
            time.sleep(wait)
            with E:
                s.recv(4096)
        time.sleep(end)
        s.close()


def crowd():
    held = []
    for _ in range(7):  # over MaxClientsPerHost and MaxClients
        with E:
            s = socket.create_connection((H, P), timeout=3)
            s.recv(512)
            held.append(s)
    time.sleep(0.5)
    for s in held:
        s.close()


def hup():
    with E:
        os.kill(int((D / "proftpd.pid").read_text()), signal.SIGHUP)
    time.sleep(1.5)


for rnd in range(ROUNDS):
    anon(rnd)
    local(rnd)
    bad_login(U, "wrong")
    if rnd % 2 == 0:
        bad_login("nosuchuser", "whatever")
        bad_login("root", "toor", twice=False)  # RootLogin off
    if rnd % 3 == 0:
        raw(
            [
                b"USER anonymous\r\n",
                b"PASS x@\r\n",
                b"XYZZY\r\n",
                b"PORT 10,0,0,9,4,1\r\n",
                b"EPRT |1|10.0.0.9|1025|\r\n",
                b"PORT 127,0,0,1,0,21\r\n",
                b"RETR readme.txt\r\n",
                b"QUIT\r\n",
            ]
        )
        raw([b"HELP\r\n", b"SYST\r\n", b"FEAT\r\n", b"LIST\r\n", b"PASS early\r\n", b"QUIT\r\n"])
        raw([b"USER anonymous\r\n", b"PASS x@\r\n"], end=7.5)  # idle past TimeoutIdle
        raw([b"GET / HTTP/1.1\r\n", b"Host: x\r\n"])
    if rnd % 4 == 1:
        raw([b"USER " + U.encode() + b"\r\n"], end=5)  # no password: TimeoutLogin
        raw([], greet=False)
    if rnd % 5 == 2:
        crowd()
    if rnd % 5 == 4:
        with E:
            f = ftp()  # a passive data connection that is never opened
            f.login("anonymous", "late@example.org")
            f.sendcmd("TYPE I")
            f.sendcmd("PASV")
            f.sendcmd("RETR readme.txt")
            time.sleep(9)  # past TimeoutNoTransfer
    if rnd % 6 == 5:
        hup()
    time.sleep(0.3)
time.sleep(1)
