#!/usr/bin/env python3
"""Workload for the fresh8 Krb5kdc set: kinit/kvno/kadmin.local and raw packets
against a krb5kdc on 127.0.0.1:8888.  Usage: krb5_work.py DIR ROUNDS SEED PASSWORD
(DIR holds krb5.conf, kdc.conf, the database; PASSWORD is the throwaway one of the
users, made at random by build_fresh8.py)."""

import contextlib
import os
import random
import socket
import subprocess
import sys
import time

D, ROUNDS, SEED, PW = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
R = random.Random(SEED)
TCP = {**os.environ, "KRB5_CONFIG": f"{D}/krb5.conf", "KRB5_KDC_PROFILE": f"{D}/kdc.conf"}
UDP = {**TCP, "KRB5_CONFIG": f"{D}/krb5-udp.conf"}
USERS = ["alice", "bob", "carol", "henry"]
SERVICES = ["host/web.example.test", "HTTP/www.example.test", "imap/mail.example.test"]


def run(args, env=None, inp=None, t=8):
    env = dict(env or R.choice([UDP, UDP, TCP]))
    env["KRB5CCNAME"] = f"FILE:{D}/cc.{os.getpid()}"
    with contextlib.suppress(subprocess.TimeoutExpired):
        subprocess.run(
            args,
            env=env,
            input=inp,
            text=True,
            timeout=t,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


def kinit(user, pw=None, opts=(), env=None):
    run(["kinit", *opts, user], env, (pw if pw is not None else PW) + "\n")


def kadmin(q):
    subprocess.run(
        ["kadmin.local", "-q", q], env=TCP, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def raw_udp(data):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.5)
    s.sendto(data, ("127.0.0.1", 8888))
    try:
        return s.recv(4096)
    except OSError:
        return None
    finally:
        s.close()


def raw_tcp(data, wait=0.3):
    try:
        s = socket.create_connection(("127.0.0.1", 8888), timeout=1)
        s.sendall(data)
        time.sleep(wait)
        s.close()
    except OSError:
        pass


def setup():
    kadmin("addpol -maxfailure 3 -failurecountinterval 0 -lockoutduration 20s lockout")
    for u in USERS:
        kadmin(f"addprinc -pw {PW} {u}")
    kadmin("modprinc -requires_preauth henry")
    kadmin(f"addprinc -pw {PW} -policy lockout grace")
    kadmin(f"addprinc -pw {PW} -expire yesterday dave")
    kadmin(f"addprinc -pw {PW} -pwexpire yesterday erin")
    kadmin(f"addprinc -pw {PW} -allow_tix frank")
    kadmin(f"addprinc -pw {PW} -allow_forwardable -allow_renewable ivan")
    kadmin(f"addprinc -pw {PW} alice/admin")
    for s in SERVICES:
        kadmin(f"addprinc -randkey {s}")
    kadmin("modprinc +ok_to_auth_as_delegate host/web.example.test")
    kadmin("addprinc -randkey -allow_svr nfs/files.example.test")
    kadmin("addprinc -randkey -allow_tix ldap/dir.example.test")
    kadmin("addprinc -randkey -e camellia256-cts-cmac:normal cam/old.example.test")
    kadmin("addprinc -randkey krbtgt/OTHER.TEST@EXAMPLE.TEST")
    kadmin(f"ktadd -k {D}/web.keytab host/web.example.test")
    kadmin(f"ktadd -k {D}/http.keytab HTTP/www.example.test")
    # capture one real AS-REQ of kinit (a fake KDC on port 8889) to replay it later
    with open(f"{D}/krb5.conf") as f:
        conf = f.read().replace("127.0.0.1:8888", "127.0.0.1:8889")
    with open(f"{D}/krb5-cap.conf", "w") as f:
        f.write(conf.replace("udp_preference_limit = 1", ""))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 8889))
    s.settimeout(5)
    p = subprocess.Popen(
        ["kinit", "carol"],
        env={**TCP, "KRB5_CONFIG": f"{D}/krb5-cap.conf"},
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    data = s.recv(4096)
    p.kill()
    s.close()
    with open(f"{D}/asreq.bin", "wb") as f:
        f.write(data)


def as_req_packet():
    # a captured-shape AS-REQ is too much work; send junk and half-DER instead
    return R.choice(
        [
            b"\x6a\x81\x00" + os.urandom(20),
            b"\x6c\x10" + os.urandom(16),
            os.urandom(R.randint(1, 60)),
            b"GET / HTTP/1.0\r\n\r\n",
        ]
    )


def step():
    k = R.randrange(100)
    u = R.choice(USERS)
    if k < 22:  # a good login, maybe with options, then some service tickets
        opts = R.choice([(), (), ("-f",), ("-r", "1d"), ("-l", "30m"), ("-p",)])
        env = R.choice([UDP, UDP, TCP])
        kinit(u, opts=opts, env=env)
        for s in R.sample(SERVICES, R.randint(0, 3)):
            run(["kvno", s], env)
        if "-r" in opts and R.random() < 0.6:
            run(["kinit", "-R"], env)
    elif k < 30:  # wrong password
        kinit(R.choice([*USERS, "grace"]), pw="wrong" + str(R.randint(1, 99)))
    elif k < 34:  # unknown user
        kinit(R.choice(["mallory", "root", "admin", "test", "oscar", "guest1"]))
    elif k < 37:  # grace: lockout policy
        for _ in range(R.randint(1, 4)):
            kinit("grace", pw="bad")
        kinit("grace")
    elif k < 39:
        kinit("dave")  # expired principal
    elif k < 41:
        kinit("erin", opts=())  # password expired (the prompt for a new one gets EOF)
    elif k < 43:
        kinit("frank")  # -allow_tix
    elif k < 45:
        kinit("ivan", opts=R.choice([("-f",), ("-r", "1d"), ()]))
    elif k < 52:  # service tickets that fail
        env = R.choice([UDP, TCP])
        kinit(u, env=env)
        run(
            [
                "kvno",
                R.choice(
                    [
                        "host/none.example.test",
                        "nfs/files.example.test",
                        "ldap/dir.example.test",
                        "cam/old.example.test",
                        "host/x.other.test@OTHER.TEST",
                        "HTTP/missing",
                    ]
                ),
            ],
            env,
        )
    elif k < 56:  # renew a ticket that is not renewable
        env = R.choice([UDP, TCP])
        kinit(u, env=env)
        run(["kinit", "-R"], env)
    elif k < 59:  # lifetime too short, or an unusual service asked for
        kinit(
            u,
            opts=R.choice(
                [
                    ("-l", "1s"),
                    ("-S", "kadmin/changepw"),
                    ("-S", "host/web.example.test"),
                    ("-S", "nosuch/svc"),
                ]
            ),
        )
    elif k < 64:  # keytab logins of services, S4U2Self
        kt, pr = R.choice(
            [
                (f"{D}/web.keytab", "host/web.example.test"),
                (f"{D}/http.keytab", "HTTP/www.example.test"),
            ]
        )
        env = R.choice([UDP, TCP])
        run(["kinit", "-k", "-t", kt, pr], env)
        if R.random() < 0.7:
            run(["kvno", "-U", R.choice([*USERS, "nobody"]), pr], env)
    elif k < 67:  # an admin principal, a wrong realm, an anonymous request
        R.choice(
            [
                lambda: kinit("alice/admin"),
                lambda: kinit("alice@OTHER.TEST"),
                lambda: run(["kinit", "-n"]),
                lambda: kinit("bob@EXAMPLE.TEST", opts=("-e", "camellia128-cts-cmac")),
            ]
        )()
    elif k < 75:  # junk on UDP and TCP
        if R.random() < 0.5:
            raw_udp(as_req_packet())
        else:
            n = R.choice([0x7FFFFFFF, 1 << 20, 5, 3])
            raw_tcp(n.to_bytes(4, "big") + os.urandom(R.randint(0, 12)), R.choice([0.1, 0.4]))
    elif k < 77:  # a replayed request: the same UDP datagram twice
        with open(f"{D}/asreq.bin", "rb") as f:
            data = f.read()
        raw_udp(data)
        raw_udp(data)
    elif k < 79:  # many idle TCP connections
        socks = []
        for _ in range(R.randint(20, 50)):
            try:
                socks.append(socket.create_connection(("127.0.0.1", 8888), timeout=1))
            except OSError:
                break
        time.sleep(0.5)
        for s in socks:
            s.close()
    elif k < 82:  # principal changes between logins
        who = R.choice(USERS)
        kadmin(f"cpw -pw {PW} {who}")
        kadmin("modprinc -unlock grace")
    elif k < 85:
        kinit(u, env=TCP)
        run(["kvno", "-u", "host/web.example.test"], TCP)
    else:
        kinit(u)
    time.sleep(R.choice([0, 0.05, 0.1, 0.2]))


if sys.argv[2] == "setup":
    setup()
else:
    for _ in range(int(ROUNDS)):
        step()
