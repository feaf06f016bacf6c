import contextlib
import random
import socket
import subprocess
import sys
import threading
import time

random.seed(int(sys.argv[2]) if len(sys.argv) > 2 else 11)
PW = sys.argv[1]  # throwaway password of the throwaway user, set by the generator
D = "/tmp/lg/ssh"
BASE = [
    "-p",
    "2222",
    "-o",
    "StrictHostKeyChecking=no",
    "-o",
    "UserKnownHostsFile=/dev/null",
    "-o",
    "LogLevel=QUIET",
    "-o",
    "ConnectTimeout=5",
]


def ssh(user, *opts, cmd="true", pw=None, key=None):
    a = ["ssh", *BASE, *opts]
    if key:
        a += ["-i", key, "-o", "IdentitiesOnly=yes"]
    if pw is None and key is None:
        a += ["-o", "BatchMode=yes"]
    if pw is not None:
        a = [
            "sshpass",
            "-p",
            pw,
            *a,
            "-o",
            "PubkeyAuthentication=no",
            "-o",
            "PreferredAuthentications=password",
        ]
    a += [f"{user}@127.0.0.1", cmd]
    subprocess.run(
        a,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=20,
    )


def raw(data, wait=0.3):
    s = socket.create_connection(("127.0.0.1", 2222))
    if data:
        s.sendall(data)
    time.sleep(wait)
    with contextlib.suppress(Exception):
        s.recv(4096)
    s.close()


users_bad = [
    "admin",
    "test",
    "oracle",
    "postgres",
    "guest",
    "ubuntu",
    "pi",
    "ftpuser",
    "deploy",
    "git",
    "user1",
    "support",
]
acts = []
acts += [lambda: ssh("benchuser", key=f"{D}/ukey", cmd="uptime")] * 25
acts += [lambda: ssh("benchuser", pw=PW, cmd="id")] * 12
acts += [lambda: ssh("benchuser", pw="wrong" + str(random.randint(0, 999)))] * 14
acts += [lambda: ssh(random.choice(users_bad), pw="123456")] * 30
acts += [lambda: ssh("root", pw="toor")] * 8
acts += [lambda: ssh("alice", pw="alice")] * 5  # allowed name, no such account
acts += [lambda: ssh("benchuser", key=f"{D}/badkey")] * 12
acts += [lambda: ssh("nobody", key=f"{D}/badkey")] * 4
acts += [lambda: ssh("benchuser", "-o", "KexAlgorithms=diffie-hellman-group14-sha1")] * 3
acts += [lambda: ssh("benchuser", "-o", "Ciphers=aes128-cbc")] * 3
acts += [lambda: ssh("benchuser", "-o", "HostKeyAlgorithms=ssh-dss")] * 2
acts += [
    lambda: subprocess.run(
        [
            "sftp",
            "-q",
            *[x if x != "-p" else "-P" for x in BASE],
            "-i",
            f"{D}/ukey",
            "-o",
            "IdentitiesOnly=yes",
            "-b",
            "-",
            "benchuser@127.0.0.1",
        ],
        input=b"ls\npwd\nget /etc/hostname /dev/null\n",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
] * 8
acts += [
    lambda: ssh("benchuser", "-L", "15432:127.0.0.1:54329", key=f"{D}/ukey", cmd="sleep 0.3")
] * 4
acts += [lambda: raw(b"")] * 6  # connect and say nothing
acts += [lambda: raw(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")] * 5
acts += [lambda: raw(b"SSH-1.5-OldClient\r\n")] * 3
acts += [lambda: raw(b"SSH-2.0-Probe\r\n", wait=6.5)] * 3  # login grace time expires
random.shuffle(acts)
ths = []
for _i, a in enumerate(acts):
    t = threading.Thread(target=a)
    t.start()
    ths.append(t)
    if len(ths) >= 3:
        ths.pop(0).join()
    time.sleep(0.05)
for t in ths:
    t.join()
