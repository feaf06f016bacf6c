"""Workload for the Postfix set: SMTP sessions (good and bad) and local submissions.

Run by build_fresh.py generate Postfix after Postfix was started with gen/postfix.sh's settings.
Fake next-hop servers on 127.0.0.1:2596-2598 accept, reject or defer every recipient;
nothing listens on :2599.
"""

import contextlib
import random
import smtplib
import socket
import socketserver
import subprocess
import threading
import time

random.seed(3)
H, P = "127.0.0.1", 2525


class Fake(socketserver.StreamRequestHandler):
    rcpt = b"250 2.1.5 Ok\r\n"

    def handle(self):
        w = self.wfile.write
        w(b"220 fake.test ESMTP\r\n")
        data = False
        for line in self.rfile:
            if data:
                if line == b".\r\n":
                    data = False
                    w(b"250 2.0.0 Ok: queued as FAKE%d\r\n" % random.randint(1000, 9999))
                continue
            c = line[:4].upper()
            if c in (b"EHLO", b"HELO"):
                w(b"250 fake.test\r\n")
            elif c == b"MAIL":
                w(b"250 2.1.0 Ok\r\n")
            elif c == b"RCPT":
                w(self.rcpt)
            elif c == b"DATA":
                w(b"354 go ahead\r\n")
                data = True
            elif c == b"QUIT":
                w(b"221 bye\r\n")
                return
            else:
                w(b"502 5.5.2 what\r\n")


class Reject(Fake):
    rcpt = b"550 5.1.1 No such mailbox here\r\n"


class Defer(Fake):
    rcpt = b"451 4.7.1 Greylisted, try again later\r\n"


for port, cls in ((2596, Fake), (2597, Defer), (2598, Reject)):
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    srv = socketserver.ThreadingTCPServer((H, port), cls)
    threading.Thread(target=srv.serve_forever, daemon=True).start()


def msg(frm, to, subj, body="hello\n", size=0):
    body = body + ("x" * 70 + "\n") * (size // 71)
    return f"From: {frm}\r\nTo: {to}\r\nSubject: {subj}\r\n\r\n{body}"


def session(helo, frm, rcpts, size=0, tls=False):
    with contextlib.suppress(Exception):
        s = smtplib.SMTP(H, P, timeout=10)
        if tls:
            s.ehlo(helo)
            s.starttls()
        s.ehlo(helo)
        s.sendmail(
            frm, rcpts, msg(frm, ", ".join(rcpts), f"test {random.randint(1, 999)}", size=size)
        )
        s.quit()


def raw(lines, wait=0.3, greet=True):
    with contextlib.suppress(Exception):
        s = socket.create_connection((H, P), timeout=12)
        if greet:
            s.recv(512)
        for ln in lines:
            s.sendall(ln)
            time.sleep(wait)
            with contextlib.suppress(Exception):
                s.recv(4096)
        s.close()


def sendmail(frm, to, subj):
    subprocess.run(
        ["/usr/sbin/sendmail", "-f", frm, to], input=msg(frm, to, subj), text=True, check=False
    )


good = [
    "benchmail@vm.localdomain",
    "sales@vm.localdomain",
    "team@localhost.localdomain",
    "postmaster@vm.localdomain",
    "benchmail+lists@vm.localdomain",
]
helos = ["client.example.org", "mx1.example.net", "laptop.home.example"]
senders = ["alice@example.org", "bob@example.net", "news@lists.example.com", "<>"]
for rnd in range(16):
    for _ in range(3):
        to = random.sample(good, random.randint(1, 2))
        session(
            random.choice(helos), random.choice(senders).strip("<>"), to, tls=random.random() < 0.3
        )
    session("client.example.org", "alice@example.org", ["nosuch@vm.localdomain"])
    session("client.example.org", "spammer@example.biz", ["someone@elsewhere.example"])
    if rnd % 2 == 0:
        raw(
            [
                b"HELO bad_helo!\r\n",
                b"MAIL FROM:<a@example.org>\r\n",
                b"RCPT TO:<benchmail@vm.localdomain>\r\n",
                b"QUIT\r\n",
            ]
        )
        raw(
            [
                b"HELO localpc\r\n",
                b"MAIL FROM:<a@example.org>\r\n",
                b"RCPT TO:<benchmail@vm.localdomain>\r\n",
                b"QUIT\r\n",
            ]
        )
        raw(
            [
                b"EHLO client.example.org\r\n",
                b"MAIL FROM:<joe>\r\n",
                b"RCPT TO:<benchmail@vm.localdomain>\r\n",
                b"QUIT\r\n",
            ]
        )
        raw(
            [
                b"EHLO client.example.org\r\n",
                b"MAIL FROM:<a@example.org>\r\n",
                b"RCPT TO:<benchmail>\r\n",
                b"QUIT\r\n",
            ]
        )
    if rnd % 3 == 0:
        session(
            "client.example.org", "alice@example.org", ["benchmail@vm.localdomain"], size=300000
        )
        raw([b"GET / HTTP/1.0\r\n", b"\r\n"])
        early = b"EHLO x.example.org\r\nMAIL FROM:<a@example.org>\r\n"
        raw([early + b"RCPT TO:<benchmail@vm.localdomain>\r\n"], greet=False)  # before the greeting
        raw([])  # connects and goes away
        raw([b"EHLO client.example.org\r\n"] + [b"FOO bar\r\n"] * 7)
        raw(
            [b"EHLO client.example.org\r\n", b"VRFY benchmail\r\n", b"VRFY nosuch\r\n", b"QUIT\r\n"]
        )
    if rnd % 4 == 1:
        for dom in (
            "accept.test",
            "reject.test",
            "tempfail.test",
            "refused.test",
            "nowhere.invalid",
        ):
            sendmail("root@vm.localdomain", f"user{rnd}@{dom}", f"outbound {rnd}")
        sendmail("root@vm.localdomain", "broken@vm.localdomain", "to a pipe that fails")
        sendmail("root@vm.localdomain", "benchmail@vm.localdomain", "cron report")
    if rnd == 5:
        # too many parallel connections from one client, one of them left to time out
        socks = []
        for _ in range(8):
            with contextlib.suppress(Exception):
                socks.append(socket.create_connection((H, P)))
        time.sleep(1)
        for s in socks[1:]:
            s.close()
        raw([b"EHLO slow.example.org\r\n"], wait=10)
        socks[0].close()
    if rnd == 8:
        subprocess.run(["postfix", "reload"], check=False)
        time.sleep(1)
    if rnd == 11:
        subprocess.run(["postqueue", "-f"], check=False)
    time.sleep(0.5)
time.sleep(25)  # a queue run retries the deferred mail
subprocess.run(["postsuper", "-d", "ALL", "deferred"], check=False)
time.sleep(1)
