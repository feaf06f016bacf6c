"""Workload for the Knot set: kdig queries and transfers, knsupdate updates, knotc commands,
zone file edits, a peer knotd that comes and goes, junk packets.

Run by build_fresh7.py generate Knot: knot_work.py DIR ROUNDS (the TSIG keys in DIR/keys);
knot_work.py DIR init writes the first zone files.
"""

import contextlib
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

random.seed(17)
D = Path(sys.argv[1])
XFR, UPD = (D / "keys").read_text().split()
S = "127.0.0.1"
P = 5300


def run(*cmd, inp=None, t=8):
    with contextlib.suppress(subprocess.TimeoutExpired):
        subprocess.run(
            cmd,
            input=inp,
            text=True,
            timeout=t,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


def dig(*a, port=P):
    run("kdig", f"@{S}", "-p", str(port), "+time=2", "+retry=0", *a)


def ctl(*a):
    run("knotc", "-s", str(D / "run" / "knot.sock"), "-t", "10", *a, t=15)


def ctl2(*a):
    run("knotc", "-s", str(D / "run2" / "knot.sock"), "-t", "10", *a, t=15)


def upd(lines, key=None, port=P):
    head = [f"server {S} {port}"]
    if key:
        head.append(f"key {key}")
    run("knsupdate", inp="\n".join(head + lines + ["send", "quit", ""]))


SERIAL = {"example.com": 2026120601, "example.org": 2026120601}


def zone_text(z, serial, extra=""):
    hosts = "".join(f"h{i} IN A 192.0.2.{i}\n" for i in range(1, 6))
    return (
        f"$ORIGIN {z}.\n$TTL 60\n@ IN SOA ns1.{z}. hostmaster.{z}. {serial} 30 10 600 30\n"
        f"@ IN NS ns1.{z}.\nns1 IN A 127.0.0.1\nwww IN A 192.0.2.80\nwww IN AAAA 2001:db8::80\n"
        f"mail IN A 192.0.2.25\n@ IN MX 10 mail.{z}.\nalias IN CNAME www.{z}.\n"
        f'@ IN TXT "v=spf1 -all"\n_sip._tcp IN SRV 0 5 5060 www.{z}.\n' + hosts + extra
    )


def edit(z, zones="zones", delta=1, extra=""):
    f = D / zones / f"{z}.zone"
    if f.exists():  # go on from the serial in the file (a second run)
        SERIAL[z] = max(
            SERIAL[z],
            max((int(w) for w in f.read_text().split() if w.isdigit() and len(w) == 10), default=0),
        )
    SERIAL[z] += delta
    (D / zones / f"{z}.zone").write_text(zone_text(z, SERIAL[z], extra))


def queries(rnd):
    for z in ("example.com", "signed.example", "example.org"):
        for q in random.sample(
            ["www", "mail", "alias", "h1", "h3", "@", "_sip._tcp", f"nx{rnd}"], 4
        ):
            name = z if q == "@" else f"{q}.{z}"
            dig(name, random.choice(["A", "AAAA", "MX", "TXT", "SRV", "SOA", "NS", "ANY", "CNAME"]))
    dig("signed.example", "DNSKEY", "+dnssec")
    dig(f"www{rnd}.signed.example", "A", "+dnssec")
    dig("www.example.net", "A")  # not our zone: refused
    dig("dead.example", "SOA")  # not loaded
    dig("broken.example", "SOA")
    dig("example.com", "A", "+tcp")
    dig("bench", "TXT", "CH")
    dig("version.bind", "TXT", "CH")


def transfers(rnd):
    dig("example.com", "AXFR", "-y", f"hmac-sha256:xfr:{XFR}")
    dig("example.com", "AXFR")  # no key: denied
    dig("example.com", "AXFR", "-y", "hmac-sha256:xfr:" + "QUJD" * 11)  # wrong secret
    dig("example.com", "AXFR", "-y", f"hmac-sha256:other:{XFR}")  # unknown key name
    dig("example.com", f"IXFR={SERIAL['example.com'] - 2}", "-y", f"hmac-sha256:xfr:{XFR}")
    dig("signed.example", "AXFR", "-y", f"hmac-sha256:xfr:{XFR}")
    dig("example.net", "AXFR", "-y", f"hmac-sha256:xfr:{XFR}")


def updates(rnd):
    k = f"hmac-sha256:upd:{UPD}"
    z = random.choice(["example.com", "signed.example"])
    upd([f"zone {z}.", f"update add dyn{rnd}.{z}. 60 A 192.0.2.{100 + rnd % 100}"], k)
    upd([f"zone {z}.", f'update add txt{rnd}.{z}. 60 TXT "round {rnd}"'], k)
    upd([f"zone {z}.", f"update delete dyn{rnd - 1}.{z}. A"], k)
    upd([f"zone {z}.", f"update add srv{rnd}.{z}. 60 SRV 0 0 80 www.{z}."], k)  # type not allowed
    upd([f"zone {z}.", f"update add nokey{rnd}.{z}. 60 A 192.0.2.9"])  # no key
    upd(
        [f"zone {z}.", f"update add bad{rnd}.{z}. 60 A 192.0.2.9"], "hmac-sha256:upd:" + "QUJD" * 11
    )
    upd(
        [
            f"zone {z}.",
            f"prereq yxdomain absent{rnd}.{z}.",
            f"update add p{rnd}.{z}. 60 A 192.0.2.7",
        ],
        k,
    )
    upd(["zone example.org.", f"update add x{rnd}.example.org. 60 A 192.0.2.7"], k)  # secondary
    upd(["zone example.net.", "update add x.example.net. 60 A 192.0.2.7"], k)  # not ours
    upd([f"zone {z}.", f"update add {z}. 60 CNAME www.{z}."], k)  # CNAME at apex: semantic error


def junk(rnd):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for b in (b"\x00", bytes(random.randrange(256) for _ in range(30)), b"\x12\x34" + b"\x00" * 10):
        u.sendto(b, (S, P))
    u.close()
    t = socket.create_connection((S, P))
    if rnd % 2:
        t.sendall(b"\x00\x05abc")
    time.sleep(0.2)
    t.close()


def idle():
    socks = []
    for _ in range(3):
        socks.append(socket.create_connection((S, P)))
    time.sleep(4)  # past tcp-idle-timeout
    for s in socks:
        s.close()


def control(rnd):
    c = random.choice
    ctl("zone-status", c(["example.com", "signed.example", "example.org"]))
    ctl("zone-refresh", "example.org")
    ctl("zone-refresh", "dead.example")
    if rnd % 3 == 0:
        ctl("zone-retransfer", "example.org")
    ctl("zone-notify", "example.com")
    ctl("zone-flush", c(["example.com", "signed.example"]))
    if rnd % 4 == 1:
        ctl("zone-freeze", "example.com")
        upd(
            ["zone example.com.", f"update add frozen{rnd}.example.com. 60 A 192.0.2.8"],
            f"hmac-sha256:upd:{UPD}",
        )
        time.sleep(0.5)
        ctl("zone-thaw", "example.com")
    if rnd % 4 == 2:
        ctl("zone-sign", "signed.example")
    if rnd % 5 == 3:
        ctl("zone-key-rollover", "signed.example", "zsk")
    ctl("zone-reload", "broken.example")
    ctl("zone-reload", "nosuch.example")
    if rnd % 6 == 5:
        ctl("reload")
    if rnd % 7 == 4:
        ctl("conf-begin")
        ctl("conf-set", "zone[temp.example]")
        ctl("conf-commit")
        time.sleep(1)
        ctl("conf-begin")
        ctl("conf-unset", "zone[temp.example]")
        ctl("conf-commit")
    if rnd % 8 == 6:
        ctl("zone-purge", "-f", "+journal", "example.org")
        ctl("zone-retransfer", "example.org")


def zone_edits(rnd):
    if rnd % 3 == 1:
        edit("example.com", extra=f"e{rnd} IN A 192.0.2.{rnd % 250}\n")
        ctl("zone-reload", "example.com")
    if rnd % 5 == 2:
        edit("example.com", delta=-3)  # serial going backwards
        ctl("zone-reload", "example.com")
        edit("example.com", delta=4)
        ctl("zone-reload", "example.com")
    if rnd % 6 == 3:
        (D / "zones" / "broken.example.zone").write_text(
            random.choice(
                [
                    "$ORIGIN broken.example.\n@ IN SOA ns1 host ( 1 2 3\n",
                    "@ 60 IN A 999.1.1.1\n",
                    "garbage line\n",
                ]
            )
        )
        ctl("zone-reload", "broken.example")
    if rnd % 2 == 0:
        edit("example.org", zones="zones2", extra=f"o{rnd} IN A 192.0.2.{rnd % 250}\n")
        ctl2("zone-reload", "example.org")


def peer(rnd, state):
    if rnd % 9 == 4 and state["up"]:
        ctl2("stop")
        state["up"] = False
    elif rnd % 9 == 7 and not state["up"]:
        subprocess.Popen(["knotd", "-d", "-c", str(D / "knot2.conf")])
        state["up"] = True


if sys.argv[2] == "init":
    for z in ("example.com", "signed.example"):
        (D / "zones" / f"{z}.zone").write_text(zone_text(z, SERIAL["example.com"]))
    (D / "zones2" / "example.org.zone").write_text(zone_text("example.org", SERIAL["example.org"]))
    (D / "zones" / "broken.example.zone").write_text("$ORIGIN broken.example.\n@ IN SOA ns1 ( 1\n")
    raise SystemExit(0)
ROUNDS = int(sys.argv[2])
state = {"up": True}
for rnd in range(1, ROUNDS + 1):
    queries(rnd)
    transfers(rnd)
    updates(rnd)
    junk(rnd)
    control(rnd)
    zone_edits(rnd)
    peer(rnd, state)
    if rnd % 10 == 5:
        idle()
    time.sleep(random.uniform(0.2, 1.0))
if not state["up"]:
    subprocess.Popen(["knotd", "-d", "-c", str(D / "knot2.conf")])
