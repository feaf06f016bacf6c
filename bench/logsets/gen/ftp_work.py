"""Workload for the Vsftpd set: ftplib sessions, good and bad, and raw sockets.

Run by build_fresh.py generate Vsftpd with the throwaway password of ftpuser as argv[1].
"""

import contextlib
import ftplib
import io
import random
import socket
import sys
import time

random.seed(9)
PW = sys.argv[1]
H, P = "127.0.0.1", 2121
FILES = ["readme.txt", "pub/data.csv", "pub/image.bin", "pub/notes.txt"]


def ftp():
    f = ftplib.FTP()
    f.connect(H, P, timeout=10)
    return f


def anon(rnd):
    with contextlib.suppress(Exception):
        f = ftp()
        f.login("anonymous", random.choice(["guest@example.org", "wget@", "mozilla@example.com"]))
        f.retrlines("LIST", lambda _: None)
        for name in random.sample(FILES, 2):
            f.retrbinary("RETR " + name, lambda _: None)
        with contextlib.suppress(ftplib.Error):
            f.retrbinary(f"RETR pub/missing-{rnd}.txt", lambda _: None)
        with contextlib.suppress(ftplib.Error):
            f.cwd("nope")
        with contextlib.suppress(ftplib.Error):
            f.storbinary("STOR upload.txt", io.BytesIO(b"x" * 100))
        with contextlib.suppress(ftplib.Error):
            f.size("readme.txt")
        f.quit()


def local(rnd):
    with contextlib.suppress(Exception):
        f = ftp()
        f.login("ftpuser", PW)
        f.pwd()
        d = f"dir{rnd}"
        f.mkd(d)
        f.cwd(d)
        f.storbinary("STOR report.txt", io.BytesIO(b"line\n" * random.randint(5, 500)))
        f.storlines("STOR notes.txt", io.BytesIO(b"a\nb\n"))
        f.rename("report.txt", "report-old.txt")
        f.sendcmd("MDTM report-old.txt")
        with contextlib.suppress(ftplib.Error):
            f.rename("missing.txt", "x.txt")
        f.retrbinary("RETR report-old.txt", lambda _: None)
        f.delete("notes.txt")
        with contextlib.suppress(ftplib.Error):
            f.delete("notes.txt")
        with contextlib.suppress(ftplib.Error):
            f.sendcmd("SITE CHMOD 600 report-old.txt")
        f.cwd("..")
        if rnd % 2:
            f.delete(f"{d}/report-old.txt")
            f.rmd(d)
        with contextlib.suppress(ftplib.Error):
            f.rmd("not-there")
        f.quit()


def bad_login(user, pw):
    with contextlib.suppress(Exception):
        f = ftp()
        with contextlib.suppress(ftplib.Error):
            f.login(user, pw)
        with contextlib.suppress(ftplib.Error):
            f.login(user, pw + "2")
        with contextlib.suppress(Exception):
            f.quit()


def raw(lines, wait=0.3, greet=True):
    with contextlib.suppress(Exception):
        s = socket.create_connection((H, P), timeout=10)
        if greet:
            s.recv(512)
        for ln in lines:
            s.sendall(ln)
            time.sleep(wait)
            with contextlib.suppress(Exception):
                s.recv(4096)
        s.close()


for rnd in range(int(sys.argv[2]) if len(sys.argv) > 2 else 12):
    anon(rnd)
    local(rnd)
    bad_login("ftpuser", "wrong")
    if rnd % 2 == 0:
        bad_login("nosuchuser", "whatever")
        bad_login("root", "toor")  # in user_list: denied before the password
    if rnd % 3 == 0:
        raw(
            [
                b"USER anonymous\r\n",
                b"PASS x@\r\n",
                b"XYZZY\r\n",
                b"PORT 10,0,0,9,4,1\r\n",
                b"RETR readme.txt\r\n",
                b"QUIT\r\n",
            ]
        )
        raw([b"HELP\r\n", b"SYST\r\n", b"FEAT\r\n", b"LIST\r\n", b"QUIT\r\n"])
        raw([b"USER anonymous\r\n", b"PASS x@\r\n"], wait=7.5)  # idle past the timeout
        raw([b"GET / HTTP/1.1\r\n", b"Host: x\r\n"])
    if rnd == 4:
        held = []
        for _ in range(7):  # over max_per_ip and max_clients
            with contextlib.suppress(Exception):
                held.append(socket.create_connection((H, P), timeout=3))
        time.sleep(0.5)
        for s in held:
            s.close()
    if rnd == 7:
        with contextlib.suppress(Exception):
            f = ftp()  # a passive data connection that is never opened
            f.login("anonymous", "late@example.org")
            f.sendcmd("TYPE I")
            f.sendcmd("PASV")
            f.sendcmd("RETR pub/image.bin")
    time.sleep(0.3)
time.sleep(1)
