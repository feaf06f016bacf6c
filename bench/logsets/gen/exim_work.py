"""Workload for exim4 (fresh4): SMTP sessions good and bad, relays to fake next hops, queue runs.

Usage: python3 exim_work.py CONF PW ROUNDS   (CONF the exim config, PW the throwaway password)
A fake next hop on 127.0.0.1:2598 accepts partner.example, rejects bounce.example (550)
and defers defer.example (451); nothing listens on 127.0.0.1:2599 (dead.example).
"""

import contextlib
import random
import smtplib
import socket
import subprocess
import sys
import threading
import time

CONF, PW, ROUNDS = sys.argv[1], sys.argv[2], int(sys.argv[3])
rnd = random.Random(5)
PORT = 2527


def hop_session(c: socket.socket) -> None:
    f = c.makefile("rwb")
    with contextlib.suppress(OSError):
        f.write(b"220 hop.example ESMTP fake\r\n")
        f.flush()
        while line := f.readline():
            cmd = line.strip().upper()
            if cmd.startswith((b"EHLO", b"HELO")):
                f.write(b"250-hop.example\r\n250 8BITMIME\r\n")
            elif cmd.startswith(b"RCPT"):
                if b"BOUNCE.EXAMPLE" in cmd:
                    f.write(
                        b"550 5.1.1 <%s>: Recipient address rejected: User unknown\r\n"
                        % line.split(b"<")[1].split(b">")[0]
                    )
                elif b"DEFER.EXAMPLE" in cmd:
                    f.write(b"451 4.7.1 Greylisted, please try again later\r\n")
                else:
                    f.write(b"250 2.1.5 Ok\r\n")
            elif cmd == b"DATA":
                f.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                f.flush()
                while (d := f.readline()) and d != b".\r\n":
                    pass
                f.write(b"250 2.0.0 Ok: queued as %X\r\n" % rnd.getrandbits(40))
            elif cmd == b"QUIT":
                f.write(b"221 2.0.0 Bye\r\n")
                f.flush()
                break
            else:
                f.write(b"250 2.0.0 Ok\r\n")
            f.flush()
    c.close()


def hop() -> None:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 2598))
    s.listen(8)
    while True:
        c, _ = s.accept()
        threading.Thread(target=hop_session, args=(c,), daemon=True).start()


threading.Thread(target=hop, daemon=True).start()

SUBJ = [
    "Invoice 4411",
    "Meeting notes",
    "Re: ticket 8812",
    "Password reset",
    "Weekly report",
    "hello",
]
SENDERS = [
    "dave@partner.example",
    "erin@clients.example",
    "frank@partner.example",
    "noreply@shop.example",
]


def msg(to: list[str], subject: str | None, size: int) -> str:
    h = f"From: someone\r\nTo: {', '.join(to)}\r\n"
    if subject is not None:
        h += f"Subject: {subject}\r\n"
    return h + "\r\n" + ("lorem ipsum dolor " * (size // 18 + 1))[:size] + "\r\n"


def send(
    frm: str,
    to: list[str],
    subject: str | None = "x",
    size: int = 300,
    helo: str = "client.example",
    auth: tuple[str, str] | None = None,
) -> None:
    with contextlib.suppress(smtplib.SMTPException, OSError):
        s = smtplib.SMTP("127.0.0.1", PORT, local_hostname=helo, timeout=10)
        s.ehlo(helo)
        if auth:
            s.login(*auth)
        s.sendmail(frm, to, msg(to, subject, size))
        s.quit()


def raw(lines: list[bytes], wait: float = 0.2, end: bool = True) -> None:
    with contextlib.suppress(OSError):
        c = socket.create_connection(("127.0.0.1", PORT), timeout=10)
        c.recv(1024)
        for x in lines:
            c.sendall(x + b"\r\n")
            time.sleep(wait)
            with contextlib.suppress(OSError):
                c.recv(4096)
        if end:
            c.sendall(b"QUIT\r\n")
            with contextlib.suppress(OSError):
                c.recv(1024)
        c.close()


def exim(*args: str, data: str | None = None) -> None:
    subprocess.run(
        ["exim4", "-C", CONF, *args], input=data, text=True, capture_output=True, timeout=30
    )


local = [
    "alice@example.com",
    "bob@example.com",
    "carol@example.com",
    "support@example.com",
    "sales@example.com",
]
for r in range(ROUNDS):
    k = rnd.randint(0, 24)
    subj = rnd.choice(SUBJ)
    frm = rnd.choice(SENDERS)
    if k <= 5:
        send(frm, [rnd.choice(local)], subj, rnd.randint(100, 5000))
    elif k == 6:
        send(frm, rnd.sample(local, 3), subj)
    elif k == 7:
        send(frm, [f"user{rnd.randint(1, 99)}@example.com"], subj)  # unknown user
    elif k == 8:
        send(frm, [f"someone@{rnd.choice(['gmail.example', 'other.example'])}"], subj)  # relay
    elif k == 9:
        raw([b"EHLO 127.0.0.1"]) if r % 2 else raw([b"HELO localhost"])  # bad HELO
    elif k == 10:
        raw([b"MAIL FROM:<x@partner.example>"])  # no HELO
    elif k == 11:
        send(f"bulk{r}@spam.example", ["alice@example.com"], subj)
    elif k == 12:
        send(frm, ["bob@example.com"], None)  # no Subject
    elif k == 13:
        send(frm, ["alice@example.com"], subj, 30000)  # too big
    elif k == 14:
        hop = rnd.choice(["bounce.example", "defer.example", "partner.example", "dead.example"])
        to = f"{rnd.choice(['ann', 'joe', 'kim'])}@{hop}"
        send("alice@example.com", [to], subj, 400, auth=("alice", PW))
    elif k == 15:
        send(
            "bob@example.com",
            ["x@partner.example"],
            subj,
            auth=(rnd.choice(["alice", "bob", "mallory"]), "wrong" + str(r)),
        )
    elif k == 16:
        raw(
            [b"EHLO c.example", b"FOO", b"BAR", b"STARTTLSX", b"BAZ"], end=False
        )  # unknown commands
    elif k == 17:
        raw(
            [
                b"EHLO c.example",
                b"MAIL FROM:<<bad@@>",
                b"RCPT TO:alice",
                b"VRFY alice",
                b"EXPN staff",
            ]
        )
    elif k == 18:
        raw([b"EHLO c.example"], 0.1, end=False)  # drops the connection
    elif k == 19:
        raw([b"EHLO c.example", b"MAIL FROM:<a@partner.example>"], 0.1, end=False)
    elif k == 20:
        send(
            frm,
            [rnd.choice(["nobody@example.com", "oldstaff@example.com", "abuse@example.com"])],
            subj,
        )  # :fail:, :defer:, pipe
    elif k == 21:
        exim(
            "-odi", "-t", data=f"To: {rnd.choice(local)}\nSubject: cron {r}\n\nbody\n"
        )  # local submission
    elif k == 22:
        if r % 3 == 0:
            socks = [socket.create_connection(("127.0.0.1", PORT)) for _ in range(5)]  # too many
            time.sleep(0.5)
            for s in socks:
                s.close()
        else:
            raw([b"EHLO slow.example"], 5.0)  # times out
    elif k == 23:
        exim("-qff")  # a forced queue run
    else:
        send(frm, ["carol@example.com"], subj)  # sometimes over its limit
    if r % 150 == 149:
        subprocess.run("kill -HUP $(cat /tmp/lg/exim/exim.pid)", shell=True)  # reload
        time.sleep(1)
    time.sleep(0.05)
