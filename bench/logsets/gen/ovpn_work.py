"""Workload for the OpenVPN set: OpenVPN clients (dev null) against the server of
gen/openvpn-server.conf, with good and bad certificates, passwords, keys and TLS
versions, killed clients (ping timeouts), duplicate sessions, too many clients, and
server restarts (SIGUSR1, SIGHUP).

Run by build_fresh2.py generate OpenVPN: argv[1] is the throwaway password, argv[2] rounds.
"""

import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import time

random.seed(7)
D = "/tmp/lg/ovpn"
PW = sys.argv[1]
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 6


def server_pid():
    return int(open(f"{D}/server.pid").read())


def client(user, cert=None, pw=PW, extra=(), tls_key="pki/ta.key"):
    cert = cert or user
    with open(f"{D}/up-{user}", "w") as f:
        f.write(f"{user}\n{pw}\n")
    os.chmod(f"{D}/up-{user}", 0o600)
    cmd = [
        "openvpn",
        "--cd",
        D,
        "--client",
        "--dev",
        "null",
        "--ifconfig-noexec",
        "--route-noexec",
        "--proto",
        "udp4",
        "--remote",
        "127.0.0.1",
        "11194",
        "--nobind",
        "--ca",
        "pki/ca.crt",
        "--cert",
        f"pki/{cert}.crt",
        "--key",
        f"pki/{cert}.key",
        "--tls-crypt",
        tls_key,
        "--auth-user-pass",
        f"up-{user}",
        "--verb",
        "0",
        "--connect-retry-max",
        "1",
        *extra,
    ]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(p, sig=signal.SIGTERM, wait=3):
    with contextlib.suppress(ProcessLookupError):
        p.send_signal(sig)
    with contextlib.suppress(subprocess.TimeoutExpired):
        p.wait(wait)
    if p.poll() is None:
        p.kill()
        p.wait()


def session(user, secs, **kw):
    p = client(user, extra=("--explicit-exit-notify", "1"), **kw)
    time.sleep(secs)
    stop(p)


def failing(user, secs=4, **kw):
    p = client(user, **kw)
    time.sleep(secs)
    stop(p, signal.SIGKILL)


def junk():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for pkt in (b"hello", os.urandom(64), b"\x38" + os.urandom(40)):
        s.sendto(pkt, ("127.0.0.1", 11194))
    s.close()


for rnd in range(ROUNDS):
    # ordinary sessions, one of them long enough for a TLS renegotiation
    session("alice", 3)
    long = client("bob", extra=("--explicit-exit-notify", "1"))
    session("carol", random.choice([2, 4]))
    # a client that dies: the server notices by ping-restart
    dead = client("dave")
    time.sleep(4)
    stop(dead, signal.SIGKILL, 0)
    # failures
    failing("alice", pw="wrong-" + PW[:4])  # wrong password
    failing("mallory", cert="intruder")  # certificate from another CA
    failing("carol", tls_key="pki/wrong-ta.key", secs=3)  # wrong tls-crypt key
    failing("erin")  # no ccd file (ccd-exclusive)
    failing("frank")  # ccd says "disable"
    failing("alice", extra=("--tls-version-max", "1.1"), secs=3)  # TLS too old
    if rnd % 2 == 0:
        failing("alice", extra=("--data-ciphers", "AES-128-CBC"), secs=3)
    junk()
    # duplicate common name: a second alice drops the first
    a1 = client("alice")
    time.sleep(3)
    a2 = client("alice")
    time.sleep(3)
    stop(a1, signal.SIGKILL)
    stop(a2)
    # too many clients
    many = [client(u) for u in ("alice", "carol", "grace")]
    time.sleep(3)
    extra = client("heidi")
    time.sleep(3)
    for p in [*many, extra]:
        stop(p)
    time.sleep(12)  # dave's ping-restart and bob's renegotiation
    stop(long)
    if rnd % 3 == 1:
        os.kill(server_pid(), signal.SIGUSR2)  # status to the log
    if rnd % 3 == 2:
        os.kill(server_pid(), signal.SIGUSR1)  # soft restart
        time.sleep(3)
    if rnd == 3:
        os.kill(server_pid(), signal.SIGHUP)  # hard restart, re-reads the config
        time.sleep(3)
    time.sleep(1)
