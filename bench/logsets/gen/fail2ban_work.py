#!/usr/bin/env python3
# ruff: noqa: E501  (a throwaway workload script)
"""Workload for the fresh6 Fail2ban set: python3 fail2ban_work.py DIR ROUNDS.

Appends authentication failures (and some harmless lines) to the logs that the jails watch:
sshd, nginx basic auth, postfix rejects, vsftpd (whose ban action fails), from documentation
addresses, some of them in the ignored range; old lines (outside findtime); bans expire;
fail2ban-client commands: status, banip/unbanip (also of an address not banned), a reload of
one jail and of all, a jail stopped and restarted, an unknown jail, set loglevel.
"""

import os
import random
import subprocess
import sys
import time

D, ROUNDS = sys.argv[1], int(sys.argv[2])
rnd = random.Random(62)
SOCK = os.path.join(D, "fail2ban.sock")
ADDRS = [f"203.0.113.{i}" for i in range(2, 40)] + [f"192.0.2.{i}" for i in range(5, 20)]
IGNORED = [f"198.51.100.{i}" for i in range(1, 10)]
USERS = ["root", "admin", "oracle", "test", "guest", "ubuntu", "alice", "pi"]


def client(*a):
    subprocess.run(
        ["fail2ban-client", "-s", SOCK, *a],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=30,
    )


def app(name, line):
    with open(os.path.join(D, name), "a") as f:
        f.write(line + "\n")


def ts(t=None):
    return time.strftime("%b %e %H:%M:%S", time.localtime(t))


def sshd(ip, t=None):
    u = rnd.choice(USERS)
    inv = "invalid user " if rnd.random() < 0.5 else ""
    app(
        "auth.log",
        f"{ts(t)} vm sshd[{rnd.randint(1000, 60000)}]: Failed password for {inv}{u} from {ip} port {rnd.randint(1024, 65000)} ssh2",
    )


def nginx(ip):
    u = rnd.choice(USERS)
    t = time.strftime("%Y/%m/%d %H:%M:%S")
    app(
        "nginx-error.log",
        f'{t} [error] 812#812: *{rnd.randint(1, 9999)} user "{u}": password mismatch, client: {ip}, server: www.example.org, request: "GET /private/ HTTP/1.1", host: "www.example.org"',
    )


def postfix(ip):
    q = rnd.choice(
        ["Relay access denied", "Recipient address rejected: User unknown in local recipient table"]
    )
    code = "454 4.7.1" if q.startswith("Relay") else "550 5.1.1"
    app(
        "mail.log",
        f"{ts()} vm postfix/smtpd[{rnd.randint(1000, 60000)}]: NOQUEUE: reject: RCPT from unknown[{ip}]: {code} <u{rnd.randint(1, 99)}@example.net>: {q}; from=<spam@example.com> to=<u@example.net> proto=ESMTP helo=<x>",
    )


def vsftpd(ip):
    t = time.strftime("%a %b %e %H:%M:%S %Y")
    app(
        "vsftpd.log",
        f'{t} [pid {rnd.randint(1000, 60000)}] [{rnd.choice(USERS)}] FAIL LOGIN: Client "{ip}"',
    )


def harmless():
    app(
        "auth.log",
        f"{ts()} vm sshd[{rnd.randint(1000, 60000)}]: Accepted publickey for alice from 203.0.113.200 port 50000 ssh2: ED25519 SHA256:abc",
    )


for r in range(ROUNDS):
    for _ in range(rnd.randint(3, 7)):
        ip = rnd.choice(ADDRS[:20]) if rnd.random() < 0.6 else rnd.choice(ADDRS)
        sshd(ip)
    sshd(rnd.choice(IGNORED))
    harmless()
    for _ in range(rnd.randint(1, 4)):
        nginx(rnd.choice(ADDRS))
    for _ in range(rnd.randint(1, 4)):
        postfix(rnd.choice(ADDRS[:12]))
    if r % 2 == 0:
        for _ in range(rnd.randint(1, 4)):
            vsftpd(rnd.choice(ADDRS[:8]))
    if r % 5 == 0:
        sshd(rnd.choice(ADDRS), t=time.time() - 3600)  # older than findtime
    if r % 4 == 1:
        client("status")
        client("status", "sshd")
        client("set", "sshd", "banip", rnd.choice(ADDRS))
        client("set", "nginx-http-auth", "unbanip", rnd.choice(ADDRS))
        client("status", "nosuchjail")
    if r % 7 == 3:
        client("reload", "postfix")
    if r % 9 == 5:
        client("stop", "nginx-http-auth")
        time.sleep(1)
        client("reload")  # starts it again
    if r % 11 == 7:
        client("set", "sshd", "addignoreip", "203.0.113.99")
        client("set", "sshd", "delignoreip", "203.0.113.99")
    if r % 13 == 12:
        client("reload", "--unban")
    time.sleep(rnd.uniform(1.0, 2.5))
