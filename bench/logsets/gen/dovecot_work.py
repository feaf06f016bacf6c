"""Workload for the Dovecot set: IMAP (plain, STARTTLS, IMAPS) and POP3 sessions of two
throwaway users, deliveries with dovecot-lda (one to a missing folder), and failures:
wrong passwords, unknown users, no authentication, bad commands, too many connections,
broken and too old TLS, dropped connections (also in IDLE and in POP3); doveadm reload
and kick.

Run by build_fresh2.py generate Dovecot: argv[1] is the throwaway password, argv[2] rounds.
"""

import contextlib
import imaplib
import poplib
import random
import socket
import ssl
import subprocess
import sys
import time

random.seed(3)
PW = sys.argv[1]
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 10
H = "127.0.0.1"
CONF = sys.argv[3] if len(sys.argv) > 3 else "/work/main/bench/logsets/gen/dovecot.conf"
CTX = ssl.create_default_context()
CTX.check_hostname = False
CTX.verify_mode = ssl.CERT_NONE


def msg(n):
    return (
        f"From: sender{n}@example.org\r\nTo: alice@example.com\r\nSubject: report {n}\r\n"
        f"Message-ID: <m{n}.{random.randint(1000, 9999)}@example.org>\r\n\r\nbody {n}\r\n"
    ).encode()


def lda(user, n, *a):
    subprocess.run(
        [
            "/usr/lib/dovecot/dovecot-lda",
            "-c",
            CONF,
            "-d",
            user,
            "-f",
            f"sender{n}@example.org",
            *a,
        ],
        input=msg(n),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )


def q(f, *a):
    with contextlib.suppress(Exception):
        return f(*a)


def imap_session(user, pw=PW, mode="plain", work=True):
    try:
        if mode == "imaps":
            m = imaplib.IMAP4_SSL(H, 10993, ssl_context=CTX)
        else:
            m = imaplib.IMAP4(H, 10143)
            if mode == "starttls":
                m.starttls(CTX)
        m.login(user, pw)
    except Exception:
        return None
    if work:
        q(m.select, "INBOX")
        q(m.append, "INBOX", None, None, msg(random.randint(100, 999)))
        q(m.fetch, "1:*", "(FLAGS BODY.PEEK[HEADER])")
        q(m.store, "1", "+FLAGS", "\\Seen")
        if random.random() < 0.3:
            q(m.store, "1", "+FLAGS", "\\Deleted")
            q(m.store, "1", "-FLAGS", "\\Deleted")  # undelete
        if random.random() < 0.6:
            q(m.copy, "1", "Trash")
        if random.random() < 0.5:
            q(m.store, "1:2", "+FLAGS", "\\Deleted")
            q(m.expunge)
        if random.random() < 0.3:
            box = f"Project{random.randint(1, 99)}"
            q(m.create, box)
            q(m.rename, box, box + "-old")
            q(m.delete, box + "-old")
        q(m.select, "Trash")
        if random.random() < 0.4:
            q(m.store, "1:*", "+FLAGS", "\\Deleted")
            q(m.close)
    q(m.logout)
    return m


def pop_session(user, pw=PW):
    with contextlib.suppress(Exception):
        p = poplib.POP3(H, 10110, timeout=5)
        p.user(user)
        p.pass_(pw)
        p.stat()
        n = len(p.list()[1])
        if n:
            p.retr(1)
            if random.random() < 0.5:
                p.dele(n)
        p.quit()


def raw(port, lines, wait=0.3, tls=False):
    with contextlib.suppress(Exception):
        s = socket.create_connection((H, port), timeout=3)
        if tls:
            s = CTX.wrap_socket(s)
        s.recv(1000)
        for x in lines:
            s.sendall(x)
            time.sleep(0.05)
            with contextlib.suppress(Exception):
                s.recv(1000)
        time.sleep(wait)
        s.close()


def doveadm(*a):
    subprocess.run(
        ["doveadm", "-c", CONF, *a], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


n = 0
for rnd in range(ROUNDS):
    for _ in range(3):
        n += 1
        lda(random.choice(["alice", "bob"]), n)
    lda("nosuchuser", n)
    imap_session("alice")
    imap_session("bob", mode="starttls")
    imap_session("alice", mode="imaps")
    pop_session("bob")
    pop_session("alice")
    imap_session("alice", pw="wrong-" + PW[:4], work=False)
    imap_session("mallory", work=False)
    pop_session("bob", pw="guess")
    pop_session("trudy")
    raw(10143, [])  # connect, say nothing
    raw(10143, [b"a1 NOOP\r\n", b"a2 CAPABILITY\r\n", b"a3 LOGOUT\r\n"])
    raw(10143, [b"x BOGUS\r\n"] * 12)  # too many invalid commands
    raw(10110, [b"USER\r\n", b"HELLO\r\n", b"QUIT\r\n"])
    raw(10993, [b"\x16\x03\x01garbage\r\n"])  # not TLS on the TLS port
    raw(10143, [b"a STARTTLS\r\n", b"not a handshake\r\n"])
    if rnd % 2 == 0:
        raw(10143, [b"a LOGIN alice\r\n"])  # malformed LOGIN
    # a dropped session
    with contextlib.suppress(Exception):
        m = imaplib.IMAP4(H, 10143)
        m.login("bob", PW)
        m.select("INBOX")
        m.sock.close()
    if rnd % 2 == 1:
        lda("bob", n, "-m", "Lists/none")  # a folder that does not exist
        # a session dropped in IDLE, a POP3 session dropped, a client with only TLS 1.1
        with contextlib.suppress(Exception):
            m = imaplib.IMAP4(H, 10143)
            m.login("alice", PW)
            m.select("INBOX")
            m.send(b"i1 IDLE\r\n")
            time.sleep(0.3)
            m.sock.close()
        with contextlib.suppress(Exception):
            p = poplib.POP3(H, 10110, timeout=5)
            p.user("bob")
            p.pass_(PW)
            p.stat()
            p.sock.close()
        with contextlib.suppress(Exception):
            old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            old.check_hostname = False
            old.verify_mode = ssl.CERT_NONE
            old.set_ciphers("DEFAULT:@SECLEVEL=0")
            old.minimum_version = ssl.TLSVersion.TLSv1
            old.maximum_version = ssl.TLSVersion.TLSv1_1
            imaplib.IMAP4_SSL(H, 10993, ssl_context=old)
    # too many connections from one user and address
    ms = []
    for _ in range(4):
        with contextlib.suppress(Exception):
            m = imaplib.IMAP4(H, 10143)
            m.login("alice", PW)
            ms.append(m)
    if rnd % 3 == 1:
        doveadm("kick", "alice")
        time.sleep(0.5)
    for m in ms:
        q(m.logout)
    if rnd % 4 == 2:
        doveadm("reload")
        time.sleep(1)
    if rnd % 5 == 3:
        doveadm("log", "reopen")
    if rnd % 4 == 3:
        doveadm("expunge", "-u", "alice", "mailbox", "Trash", "all")
        doveadm("mailbox", "create", "-u", "bob", f"Archive{rnd}")
    time.sleep(0.5)
