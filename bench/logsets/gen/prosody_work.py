#!/usr/bin/env python3
# ruff: noqa: E501, SIM105, SIM115  (a throwaway workload script)
"""Workload for the fresh6 Prosody set: python3 prosody_work.py DIR ROUNDS PROSODYPID.

Raw XMPP client sessions on 127.0.0.1:5229: SASL PLAIN logins (right and wrong passwords,
unknown users, an unknown mechanism), resource binding, presence, messages to online,
offline and unknown users and to a remote domain (no s2s), roster, ping, version, disco,
vCard, private storage, blocking, in-band registration (new and existing names), streams
to an unknown host, bad XML, stanzas before authentication, idle clients (c2s_timeout),
clients that vanish, component connections with right and wrong secrets, SIGHUP reloads.
"""

import base64
import os
import random
import signal
import socket
import sys
import time

D, ROUNDS, PID = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
PW = dict(x.split() for x in open(os.path.join(D, "pw")).read().splitlines())
A = ("127.0.0.1", 5229)
rnd = random.Random(60)
OPEN = "<?xml version='1.0'?><stream:stream to='{h}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"


class C:
    def __init__(self, host="localhost", port=5229):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=3)
        self.host = host

    def send(self, x):
        try:
            self.s.sendall(x.encode())
        except OSError:
            pass

    def read(self, t=0.4):
        out = b""
        end = time.time() + t
        try:
            while time.time() < end:
                self.s.settimeout(max(0.05, end - time.time()))
                b = self.s.recv(65536)
                if not b:
                    break
                out += b
        except OSError:
            pass
        return out.decode(errors="replace")

    def open(self):
        self.send(OPEN.format(h=self.host))
        return self.read()

    def close(self, clean=True):
        if clean:
            self.send("</stream:stream>")
            self.read(0.3)
        self.s.close()


def login(user, pw, res="bench", mech="PLAIN"):
    c = C()
    c.open()
    tok = base64.b64encode(f"\0{user}\0{pw}".encode()).decode()
    c.send(f"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='{mech}'>{tok}</auth>")
    r = c.read(0.8)
    if "<success" not in r:
        return c, False
    c.open()
    c.send(
        f"<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>{res}</resource></bind></iq>"
    )
    c.send("<iq type='set' id='s1'><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>")
    c.read()
    return c, True


def iq(c, n, body, typ="get", to=None):
    t = f" to='{to}'" if to else ""
    c.send(f"<iq type='{typ}' id='q{n}'{t}>{body}</iq>")


def session(user, r):
    c, ok = login(user, PW[user], res=f"r{r % 3}")
    if not ok:
        c.close()
        return
    c.send("<presence/>")
    iq(c, 1, "<query xmlns='jabber:iq:roster'/>")
    others = [u for u in PW if u != user]
    for _ in range(rnd.randint(1, 4)):
        c.send(
            f"<message to='{rnd.choice(others)}@localhost' type='chat'><body>hello {r}</body></message>"
        )
    if rnd.random() < 0.5:
        c.send("<message to='nobody@localhost' type='chat'><body>anyone?</body></message>")
    if rnd.random() < 0.3:
        c.send("<message to='friend@remote.example' type='chat'><body>far away</body></message>")
    iq(c, 2, "<ping xmlns='urn:xmpp:ping'/>", to="localhost")
    if r % 2:
        iq(c, 3, "<query xmlns='jabber:iq:version'/>", to="localhost")
        iq(c, 4, "<query xmlns='http://jabber.org/protocol/disco#info'/>", to="localhost")
    if r % 3 == 0:
        iq(c, 5, "<vCard xmlns='vcard-temp'><FN>Bench User</FN></vCard>", typ="set")
        iq(
            c,
            6,
            "<query xmlns='jabber:iq:private'><bench xmlns='bench:prefs'><n>1</n></bench></query>",
            typ="set",
        )
        iq(
            c,
            7,
            "<block xmlns='urn:xmpp:blocking'><item jid='spam@example.net'/></block>",
            typ="set",
        )
        iq(c, 8, "<query xmlns='bench:unknown'/>")  # an unsupported namespace
    if r % 4 == 1:
        iq(
            c,
            9,
            f"<query xmlns='jabber:iq:roster'><item jid='{rnd.choice(others)}@localhost' name='friend'/></query>",
            typ="set",
        )
        c.send(f"<presence to='{rnd.choice(others)}@localhost' type='subscribe'/>")
    c.read(0.6)
    c.close(clean=rnd.random() < 0.85)  # or just vanish


for r in range(ROUNDS):
    users = list(PW)
    # two of them online together, so that messages are delivered
    a, _ = login(users[r % 3], PW[users[r % 3]], res="desk")
    for _ in range(rnd.randint(2, 4)):
        session(rnd.choice(users), r)
    a.close()
    # failures
    c, _ = login(rnd.choice(users), "wrong" + str(r))
    c.close()
    c, _ = login(f"ghost{r % 5}", "whatever")
    c.close()
    if r % 3 == 0:
        c, _ = login("alice", PW["alice"], mech="DIGEST-MD5")
        c.close()
        c = C("nowhere.example")
        c.open()
        c.close()
        c = C()
        c.send("<this is not xml>>>")
        c.read(0.5)
        c.close(False)
    if r % 3 == 1:
        c = C()
        c.open()
        c.send("<message to='bob@localhost'><body>before auth</body></message>")
        c.read(0.5)
        c.close()
        c = C()
        c.open()
        name = f"newuser{r}"
        for n in (name, "alice"):  # a new name, then one that exists
            c.send(
                f"<iq type='set' id='reg'><query xmlns='jabber:iq:register'><username>{n}</username><password>{base64.b16encode(os.urandom(6)).decode()}</password></query></iq>"
            )
            c.read(0.6)
        c.close()
    if r % 3 == 2:
        idle = C()
        idle.open()
        k = C(port=5348)
        k.send(
            "<?xml version='1.0'?><stream:stream to='bot.localhost' xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams'>"
        )
        k.read(0.4)
        k.send("<handshake>0123456789abcdef</handshake>")  # a wrong secret
        k.read(0.5)
        k.close(False)
        time.sleep(7)  # longer than c2s_timeout
        idle.close(False)
    if r % 8 == 7:
        os.kill(PID, signal.SIGHUP)
        time.sleep(1)
    time.sleep(0.3)
