#!/usr/bin/env python3.11
# ruff: noqa: E501  (the rules are log templates, kept on one line each where they are long)
"""Build the SECOND fresh held-out log sets (fresh2) in bench/logsets/ (bench data tooling).

These four sets ("fresh2") were made in session 7, after the project's log template
miner was frozen, by a helper that never ran a parser (the project's miner, drain3 or
any other) on them and never read the miner's code or output.  They follow build.py
exactly (layout, header formats, labelling conventions, checks) and reuse its machinery
and build_fresh.py's rule tokens; only the programs, the workloads and the rules are new:

  set      program (Debian 12 package version)        how it was run (scripts in gen/)
  -------  -----------------------------------------  ---------------------------------------------
  OpenVPN  OpenVPN 2.6.14 (openvpn), OpenSSL 3.0       gen/openvpn-server.conf: a UDP server on
                                                       127.0.0.1:11194 (tun device opened, never
                                                       configured), tls-crypt, username/password
                                                       check, ccd-exclusive, max-clients 4,
                                                       keepalive, reneg-sec 20, verb 3, its own log
                                                       file; gen/ovpn_pki.sh a throwaway PKI;
                                                       gen/ovpn_work.py: clients (dev null) that log
                                                       in, renegotiate, exit, die (ping-restart), use
                                                       a wrong password, a foreign CA, a wrong
                                                       tls-crypt key, no or a disabling ccd file, too
                                                       old TLS, no common cipher, a duplicate name,
                                                       one too many; junk packets; SIGUSR2, SIGUSR1
                                                       and SIGHUP to the server.  The first 2000
                                                       lines less SIGUSR2's status tables.
  Bind9    BIND 9.18.49 named (bind9)                  gen/named.conf: primary zones, a secondary fed
                                                       by a second (unlogged) named (gen/named-up.conf),
                                                       a dead primary, a broken and a missing zone
                                                       file, refused recursion, TSIG keys; logging to a
                                                       file with time, category and severity;
                                                       gen/bind_work.sh: dig queries of many types,
                                                       AXFR/IXFR with and without the key, nsupdate
                                                       (approved, denied, bad signature, failed
                                                       prerequisite), notifies and transfers, rndc
                                                       reload/reconfig/freeze/thaw/sync/flush/stats/
                                                       notify/retransfer/refresh/querylog, a wrong
                                                       rndc key, an unknown command, zone file edits
                                                       (one broken), restarts.  First 2000 lines.
  Dovecot  Dovecot 2.3.19.1 (dovecot-imapd, -pop3d)    gen/dovecot.conf: IMAP, IMAPS and POP3 on
                                                       127.0.0.1, two throwaway virtual users, the
                                                       mail_log plugin (key=value event lines);
                                                       gen/dovecot_work.py run twice: IMAP (plain,
                                                       STARTTLS, IMAPS) and POP3 sessions, dovecot-lda
                                                       deliveries (also to an invalid folder), wrong
                                                       passwords, unknown users, no authentication,
                                                       too many invalid commands, too many
                                                       connections, broken and too old TLS, dropped
                                                       sessions (also in IDLE and POP3), doveadm
                                                       kick/reload.  First 2000 lines.
  HAProxy  HAProxy 2.6.12 (haproxy)                    gen/haproxy.cfg: master-worker, log on stdout
                                                       in "iso" format, an HTTP frontend (ACL deny,
                                                       basic auth, redirect, tarpit) over three
                                                       backends with HTTP health checks, a dead one,
                                                       a TCP frontend; gen/haproxy_work.py with the
                                                       fake servers of gen/haproxy_backend.py:
                                                       requests (200/404/500, server timeouts, a
                                                       server closing without an answer, queue
                                                       timeouts, a client not reading, bad and
                                                       incomplete requests), sick and killed servers
                                                       (health check state changes), the runtime API
                                                       (disable/enable, drain, maint, weight, health,
                                                       pause/resume a frontend), reloads (SIGUSR2).

Labelling: build.py's rules and conventions (its docstring) and build_fresh.py's tokens and
conventions, plus three rule tokens, all written <*>: <ip> an IPv4 address, <cn> a token
without "/" and <w> a token without ",".  Conventions added for these logs (README.md):
  * OpenVPN's peer prefix before the message ("127.0.0.1:5000 " before the peer has a
    common name, "alice/127.0.0.1:5000 " after, none for some lines) is part of Content;
    "<*>:<*> " and "<*>/<*>:<*> " are different templates, as vsftpd's "[user]" tag;
  * text one side sent and the other prints (OpenVPN's "peer info: IV_VER=2.6.14", its
    pushed option list, an rndc command line) is one <*>; signal reasons, TLS alert and
    OpenSSL reason texts, DNS record types and rcodes, HAProxy's termination states
    ("----", "SC--", "cD") and Dovecot's connection state ("secured", "TLS") are kinds:
    constant, one template each;
  * "@0x7f..." keeps the "@" (LogHub's "...Event@<*>"), "127.0.0.1#5300" is <*>#<*>,
    "zone example.com/IN" is "zone <*>/IN", "'www.example.org/A/IN'" is "'<*>/A/IN'";
  * Dovecot's "user=<>" and mail_log's "flags=()" are empty values and stay empty;
    "user=<alice>" is "user=<<*>>", as Postfix's "to=<<*>>";
  * HAProxy's "<NOSRV>" and "<BADREQ>", OpenVPN's "[UNDEF]" fill a server, request or name
    slot and are <*>, as vsftpd's and Mosquitto's "<unknown>".

Usage (as build.py; python3.11 bench/logsets/build_fresh2.py ...):
  generate NAME | select NAME | label [NAME..]
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import build as B  # noqa: E402  (the machinery and conventions of the first sets)
import build_fresh as F  # noqa: E402  (its extra rule tokens)

GEN = HERE / "gen"
RAW = B.RAW
sh = B.sh

FORMATS = {
    "OpenVPN": "<Date> <Time> <Content>",
    "Bind9": "<Date> <Time> <Category>: <Level>: <Content>",
    "Dovecot": "<Month> <Day> <Time> <Process>: <Level>: <Content>",
    "HAProxy": "<Timestamp> <Content>",
}


# ----------------------------------------------------------------------------
# generation (what we ran; root on Debian 12)
# ----------------------------------------------------------------------------


def generate_haproxy() -> None:
    B.apt("haproxy")
    d = RAW / "haproxy"
    sh(f"rm -rf {d} && mkdir -p {d}")
    subprocess.run(["timeout", "1800", "python3", str(GEN / "haproxy_work.py"), "60"], cwd=d)


def generate_dovecot() -> None:
    B.apt("dovecot-imapd", "dovecot-pop3d", "openssl")
    d = RAW / "dovecot"
    conf = GEN / "dovecot.conf"
    sh(f"rm -rf {d} && mkdir -p {d}/mail {d}/run {d}/state && chown mail:mail {d}/mail")
    sh(
        f"cd {d} && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 30 -subj /CN=mail.example.com 2>/dev/null"
    )
    pw = os.urandom(9).hex()  # throwaway password of the two virtual users
    (d / "users").write_text(f"alice:{{PLAIN}}{pw}\nbob:{{PLAIN}}{pw}\n")
    os.chmod(d / "users", 0o640)
    sh(f"chgrp dovecot {d}/users")
    for rounds in ("20", "12"):  # two runs of the server
        sh(f"dovecot -c {conf}")
        time.sleep(2)
        subprocess.run(
            ["timeout", "600", "python3", str(GEN / "dovecot_work.py"), pw, rounds, str(conf)]
        )
        sh(f"doveadm -c {conf} stop")
        time.sleep(2)


def generate_bind9() -> None:
    B.apt("bind9", "bind9-utils", "bind9-dnsutils")
    d = RAW / "bind"
    sh(f"rm -rf {d} && mkdir -p {d}/main {d}/up")

    # throwaway TSIG keys, made now: update-key, xfer-key and rndc-key (keys.conf), and a
    # wrong secret for update-key and for rndc-key
    def key(name: str) -> tuple[str, str]:
        out = subprocess.run(
            ["tsig-keygen", "-a", "hmac-sha256", name], capture_output=True, text=True, check=True
        ).stdout
        return out, out.split('secret "')[1].split('"')[0]

    (upd, upd_s), (xfr, xfr_s), (rndc, _), (bad_rndc, _), (_, bad_s) = (
        key(n) for n in ("update-key", "xfer-key", "rndc-key", "rndc-key", "update-key")
    )
    (d / "keys.conf").write_text(upd + xfr + rndc)
    for f, t in (
        ("rndc.key", rndc),
        ("wrong-rndc.key", bad_rndc),
        ("update.secret", upd_s),
        ("xfer.secret", xfr_s),
        ("wrong.secret", bad_s),
    ):
        (d / f).write_text(t)
    sh(f"ROUNDS=32 timeout 900 bash {GEN}/bind_work.sh")


def generate_openvpn() -> None:
    B.apt("openvpn", "openssl")
    d = RAW / "ovpn"
    sh(f"rm -rf {d} && mkdir -p {d} && bash {GEN}/ovpn_pki.sh")
    pw = os.urandom(9).hex()  # throwaway password of the test users
    (d / "pass").write_text(pw)
    os.chmod(d / "pass", 0o600)
    sh(
        f"cd {d} && openvpn --cd {d} --config {GEN}/openvpn-server.conf --daemon --writepid {d}/server.pid"
    )
    time.sleep(2)
    try:
        subprocess.run(["timeout", "900", "python3", str(GEN / "ovpn_work.py"), pw, "5"])
    finally:
        sh(f"kill $(cat {d}/server.pid)")
        time.sleep(1)


# ----------------------------------------------------------------------------
# selection
# ----------------------------------------------------------------------------


def select_openvpn() -> list[str]:
    # SIGUSR2 writes the status (client list, routing table, stats) into the log as a
    # comma-separated table from "OpenVPN CLIENT LIST" to "END": a table, not messages
    out, table = [], False
    for x in B._read(RAW / "ovpn/server.log"):
        msg = x[20:]
        if msg == "OpenVPN CLIENT LIST":
            table = True
        if not table:
            out.append(x)
        if msg == "END":
            table = False
    return out[:2000]


def select_bind9() -> list[str]:
    return B._read(RAW / "bind/named.log")[:2000]


def select_dovecot() -> list[str]:
    return B._read(RAW / "dovecot/dovecot.log")[:2000]


def select_haproxy() -> list[str]:
    return B._read(RAW / "haproxy/haproxy.log")[:2000]


# ----------------------------------------------------------------------------
# rules
# ----------------------------------------------------------------------------

RULES: dict[str, list] = {}

_A = "<ip>:<*> "  # OpenVPN's prefix for a peer before it has a common name: address:port
_P = "<cn>/<ip>:<*> "  # ... and once it has one: name/address:port
_OSSL = "OpenSSL: error:<*>:SSL routines::"
RULES["OpenVPN"] = [
    # start, restart
    "Note: --cipher is not set. OpenVPN versions before 2.5 defaulted to BF-CBC as fallback when cipher negotiation failed in this case. If you need this fallback please add '--data-ciphers-fallback BF-CBC' to your configuration and/or add BF-CBC to --data-ciphers.",
    "OpenVPN <*> <*> <**>",  # version, platform, the list of compiled-in features
    "library versions: OpenSSL <*> <**>, LZO <*>",  # version, release date
    "DCO version: N/A",
    "net_route_v4_best_gw query: dst <*>",
    "net_route_v4_best_gw result: via <*> dev <*>",
    "NOTE: the current --script-security setting may allow this configuration to call user-defined scripts",
    "TUN/TAP device <*> opened",
    "Socket Buffers: R=[<*>-><*>] S=[<*>-><*>]",
    "UDPv4 link local (bound): [AF_INET]<*>:<*>",
    "UDPv4 link remote: [AF_UNSPEC]",
    "MULTI: multi_init called, r=<*> v=<*>",
    "IFCONFIG POOL IPv4: base=<*> size=<*>",
    "Initialization Sequence Completed",
    "event_wait : Interrupted system call (fd=<*>,code=<*>)",
    "SIGUSR1[hard,] received, process restarting",
    "SIGHUP[hard,] received, process restarting",
    "Closing TUN/TAP interface",
    "Restart pause, <*> second(s)",
    "read UDPv4 [ECONNREFUSED]: Connection refused (fd=<*>,code=<*>)",
    # the TLS handshake of a peer
    _A + "VERIFY OK: depth=<*>, CN=<**>",
    _P + "VERIFY OK: depth=<*>, CN=<**>",
    _A
    + "VERIFY ERROR: depth=<*>, error=unable to get local issuer certificate: CN=<*>, serial=<*>",
    _A + "peer info: <**>",  # a line of the peer's own IV_ variables
    _P + "peer info: <**>",
    _A + "TLS: Username/Password authentication succeeded for username '<*>' [CN SET]",
    _P + "TLS: Username/Password authentication succeeded for username '<*>' [CN SET]",
    _A + "TLS: move_session: dest=TM_ACTIVE src=TM_INITIAL reinit_src=<*>",
    _A + "TLS: tls_multi_process: initial untrusted session promoted to trusted",
    _A + "TLS: tls_multi_process: initial untrusted session promoted to semi-trusted",
    _A
    + "Control Channel: <*>, cipher <*> <*>, peer certificate: <*> bits <*>, signature: <*>, peer temporary key: <*> bits <*>",
    _P
    + "Control Channel: <*>, cipher <*> <*>, peer certificate: <*> bits <*>, signature: <*>, peer temporary key: <*> bits <*>",
    _A + "[<*>] Peer Connection Initiated with [AF_INET]<*>:<*>",
    # the session
    "MULTI: new connection by client '<*>' will cause previous active sessions by this client to be dropped. Remember to use the --duplicate-cn option if you want multiple clients using the same certificate or username to concurrently connect.",
    "OPTIONS IMPORT: reading client specific options from: <*>",
    _P + "OPTIONS IMPORT: reading client specific options from: <*>",
    "MULTI_sva: pool returned IPv4=<*>, IPv6=(Not enabled)",
    _P + "MULTI_sva: pool returned IPv4=<*>, IPv6=(Not enabled)",
    "MULTI: Learn: <*> -> <*>/<*>:<*>",
    _P + "MULTI: Learn: <*> -> <*>/<*>:<*>",
    "MULTI: primary virtual IP for <*>/<*>:<*>: <*>",
    _P + "MULTI: primary virtual IP for <*>/<*>:<*>: <*>",
    _P + "PUSH: Received control message: 'PUSH_REQUEST'",
    "SENT CONTROL [<*>]: 'PUSH_REPLY,<**>' (status=<*>)",  # the pushed options, a list
    _P + "SENT CONTROL [<*>]: 'PUSH_REPLY,<**>' (status=<*>)",
    _P + "Data Channel: cipher '<*>', peer-id: <*>",
    _P + "Timers: ping <*>, ping-restart <*>",
    _P + "Protocol options: protocol-flags <**>",  # a list of flags
    _P + "TLS: soft reset sec=<*>/<*> bytes=<*>/<*> pkts=<*>/<*>",
    _P + "CC-EEN exit message received by peer",
    _A + "Delayed exit in <*> seconds",
    _P + "Delayed exit in <*> seconds",
    _A + "SIGTERM[soft,delayed-exit] received, client-instance exiting",
    _P + "SIGTERM[soft,delayed-exit] received, client-instance exiting",
    _P + "[<*>] Inactivity timeout (--ping-restart), restarting",
    _P + "SIGUSR1[soft,ping-restart] received, client-instance restarting",
    # failures
    "TLS Error: tls-crypt unwrapping failed from [AF_INET]<*>:<*>",
    "tls-crypt unwrap error: packet authentication failed",
    "tls-crypt unwrap error: packet too short",
    _A + "TLS_ERROR: BIO read tls_read_plaintext error",
    _A + "TLS Error: TLS object -> incoming plaintext read error",
    _A + "TLS Error: TLS handshake failed",
    _A + "SIGUSR1[soft,tls-error] received, client-instance restarting",
    _A
    + "TLS error: Unsupported protocol. This typically indicates that client and server have no common TLS version enabled. This can be caused by mismatched tls-version-min and tls-version-max options on client and server. If your OpenVPN client is between v2.3.6 and v2.3.2 try adding tls-version-min 1.0 to the client configuration to use TLS 1.0+ instead of TLS 1.0 only",
    _A + "Sent fatal SSL alert: protocol version",
    _A + "Sent fatal SSL alert: unknown CA",
    _A + _OSSL + "unsupported protocol:",
    _A + _OSSL + "certificate verify failed:",
    _A + "TLS Auth Error: Auth Username/Password verification failed for peer",
    _A
    + "TLS Auth Error: --client-config-dir authentication failed for common name '<*>' file='<*>'",
    _A + "SENT CONTROL [<*>]: 'AUTH_FAILED' (status=<*>)",  # [UNDEF] before a name is known
    _P + "SENT CONTROL [<*>]: 'AUTH_FAILED' (status=<*>)",
    _P
    + "SENT CONTROL [<*>]: 'AUTH_FAILED,Data channel cipher negotiation failed (no shared cipher)' (status=<*>)",
    _P
    + "PUSH: No common cipher between server and client. Server data-ciphers: '<*>', client supported ciphers '<*>'",
    _P + "MULTI: client has been rejected due to 'disable' directive",
    _A + "MULTI: new incoming connection would exceed maximum number of clients (<*>)",
]

_C = "client @<*> <*>#<*> "  # named's client: the handle, address#port
_CK = "client @<*> <*>#<*>/key <*> "  # ... signed with a TSIG key
_CKU = "client @<*> <*>#<*>/key <*>: "  # ... with no query name
_QT = ["A", "AAAA", "MX", "TXT", "SRV", "PTR", "SOA", "NS", "ANY", "AXFR", "IXFR"]
RULES["Bind9"] = [
    # (re)configuration
    "loading configuration from '<*>'",
    "reading built-in trust anchors from file '<*>'",
    "looking for GeoIP2 databases in '<*>'",
    "using default UDP/IPv4 port range: [<*>, <*>]",
    "using default UDP/IPv6 port range: [<*>, <*>]",
    "sizing zone task pool based on <*> zones",
    "<*>:<*>: 'max-cache-size <*>' - setting to <*> (out of <*>)",
    "the working directory is now '<*>'",
    "reloading configuration succeeded",
    "scheduled loading new zones",
    "reloading zones succeeded",
    "any newly configured zones are now loaded",
    "all zones loaded",
    "running",
    # zones
    "managed-keys-zone: loaded serial <*>",
    "zone <*>/IN: loaded serial <*>",
    "zone <*>/IN: loading from master file <*> failed: file not found",
    "zone <*>/IN: loading from master file <*> failed: bad dotted quad",
    "zone <*>/IN: loading from master file <*> failed: unexpected end of input",
    "zone <*>/IN: not loaded due to errors.",
    "zone <*>/IN: zone serial (<*>) unchanged. zone may fail to transfer to secondaries.",
    "zone <*>/IN: zone serial (<*>/<*>) has gone backwards",
    "dns_rdata_fromtext: <*>:<*>: near '<*>': bad dotted quad",
    "dns_rdata_fromtext: <*>:<*>: near eol: unexpected end of input",
    "zone <*>/IN: sending notifies (serial <*>)",
    "zone <*>/IN: refresh: failure trying primary <*>#<*> (source <*>#<*>): connection refused",
    _C.rstrip() + ": received notify for zone '<*>'",
    "zone <*>/IN: notify from <*>#<*>: serial <*>",
    "zone <*>/IN: Transfer started.",
    "transfer of '<*>/IN' from <*>#<*>: connected using <*>#<*> TSIG <*>",
    "zone <*>/IN: transferred serial <*>: TSIG '<*>'",
    "transfer of '<*>/IN' from <*>#<*>: Transfer status: success",
    "transfer of '<*>/IN' from <*>#<*>: Transfer completed: <*> messages, <*> records, <*> bytes, <*> secs (<*> bytes/sec) (serial <*>)",
    # queries
    *[_C + "(<*>): query: <*> IN " + t + " <*> (<*>)" for t in _QT],
    _CK + "(<*>): query: <*> IN AXFR <*> (<*>)",
    _C + "(<*>): query (cache) '<*>/A/IN' denied (allow-query-cache did not match)",
    _C + "(<*>): query failed (REFUSED) for <*>/IN/A at query.c:<*>",
    _C + "(<*>): query failed (zone not loaded) for <*>/IN/A at query.c:<*>",
    _C + "(<*>): zone transfer '<*>/AXFR/IN' denied",
    _C + "(<*>): zone transfer '<*>/IXFR/IN' denied",
    _CK + "(<*>): transfer of '<*>/IN': AXFR started: TSIG <*> (serial <*>)",
    _CK
    + "(<*>): transfer of '<*>/IN': AXFR ended: <*> messages, <*> records, <*> bytes, <*> secs (<*> bytes/sec) (serial <*>)",
    # dynamic updates
    _CKU + 'signer "<*>" approved',
    _CKU + "updating zone '<*>/IN': adding an RR at '<*>' A <*>",
    _CKU + "updating zone '<*>/IN': adding an RR at '<*>' TXT \"<q>\"",  # the TXT data
    _CKU + "updating zone '<*>/IN': adding an RR at '<*>' PTR <*>",
    _CKU + "updating zone '<*>/IN': deleting rrset at '<*>' A",
    _CKU
    + "updating zone '<*>/IN': update unsuccessful: <*>: 'name not in use' prerequisite not satisfied (YXDOMAIN)",
    _CKU + "update '<*>/IN' denied",
    _C.rstrip() + ": update '<*>/IN' denied",
    _C.rstrip() + ": request has invalid signature: TSIG <*>: tsig verify failure (BADSIG)",
    # rndc
    "received control channel command '<**>'",  # the command line as rndc sent it
    "unknown control channel command '<*>'",
    "invalid command from <*>#<*>: bad auth",
    "freezing zone '<*>/IN': success",
    "thawing zone '<*>/IN': success",
    "sync: dumping zone '<*>/IN', removing journal file: success",
    "flushing caches in all views succeeded",
    "dumpstats complete",
    "query logging is now on",
    "query logging is now off",
    "no longer listening on <*>#<*>",
    "shutting down: flushing changes",
    "stopping command channel on <*>#<*>",
    "exiting",
]

_LOG = ": user=<>, rip=<*>, lip=<*>, secured, session=<<*>>"  # a login process before a user name
_LOGM = ": user=<<*>>, method=<*>, rip=<*>, lip=<*>, secured, session=<<*>>"
_IMAPQ = " in=<*> out=<*> deleted=<*> expunged=<*> trashed=<*> hdr_count=<*> hdr_bytes=<*> body_count=<*> body_bytes=<*>"
_ML = ": box=<*>, uid=<*>, msgid=<<*>>, size=<*>, flags="  # mail_log's fields
RULES["Dovecot"] = [
    "Dovecot v<*> (<*>) starting up for <**> (core dumps disabled)",  # the protocols, a list
    "SIGHUP received - reloading configuration",
    "Sent SIGTERM to <*> <*> processes",  # how many, of which service
    "Processes aren't dying after reload, sent SIGTERM to <*> processes.",
    "Killed with signal <*> (by pid=<*> uid=<*> code=kill)",
    # login processes
    "Login: user=<<*>>, method=<*>, rip=<*>, lip=<*>, mpid=<*>, secured, session=<<*>>",
    "Login: user=<<*>>, method=<*>, rip=<*>, lip=<*>, mpid=<*>, TLS, session=<<*>>",
    "Disconnected: Connection closed (auth failed, <*> attempts in <*> secs)" + _LOGM,
    "Disconnected: Connection closed (no auth attempts in <*> secs)" + _LOG,
    "Disconnected: Aborted login by logging out (no auth attempts in <*> secs)" + _LOG,
    "Disconnected: Too many invalid commands (no auth attempts in <*> secs)" + _LOG,
    "Disconnected: Maximum number of connections from user+IP exceeded (mail_max_userip_connections=<*>)"
    + _LOGM,
    "Disconnected: Connection closed (no auth attempts in <*> secs): user=<>, rip=<*>, lip=<*>, TLS handshaking: Connection closed, session=<<*>>",
    "Disconnected: Connection closed: SSL_accept() failed: error:<*>:SSL routines::wrong version number (no auth attempts in <*> secs): user=<>, rip=<*>, lip=<*>, TLS handshaking: SSL_accept() failed: error:<*>:SSL routines::wrong version number, session=<<*>>",
    "Disconnected: Connection closed: SSL_accept() failed: error:<*>:SSL routines::unsupported protocol (no auth attempts in <*> secs): user=<>, rip=<*>, lip=<*>, TLS handshaking: SSL_accept() failed: error:<*>:SSL routines::unsupported protocol, session=<<*>>",
    # auth
    "passwd-file(<w>): unknown user",  # a user name alone (lda), no address
    "passwd-file(<*>,<*>,<<*>>): unknown user",
    "passwd-file(<*>,<*>,<<*>>): Password mismatch",
    # mail processes
    "Disconnected: Logged out" + _IMAPQ,
    "Disconnected: Server shutting down." + _IMAPQ,
    "Disconnected: Connection closed (SELECT finished <*> secs ago)" + _IMAPQ,
    "Disconnected: Logged out top=<*>/<*>, retr=<*>/<*>, del=<*>/<*>, size=<*>",
    "Disconnected: Connection closed: read(size=<*>) failed: Connection reset by peer (IDLE running for <*> + waiting input for <*> secs, <*> B in + <*> B out, state=wait-input)"
    + _IMAPQ,
    "Disconnected: Server shutting down. top=<*>/<*>, retr=<*>/<*>, del=<*>/<*>, size=<*>",
    "Disconnected: Connection closed top=<*>/<*>, retr=<*>/<*>, del=<*>/<*>, size=<*>",
    "Mailbox created: <*>",
    "Mailbox renamed: <*> -> <*>",
    "Mailbox deleted: <*>",
    "msgid=<<*>>: saved mail to <*>",
    "msgid=<<*>>: save failed to open mailbox <*>: Invalid mailbox name: Name must not have '/' characters",
    # mail_log: one line per event; flags=() when the message has none, else the list
    "save" + _ML + "()",
    "copy from <*>" + _ML + "(<**>)",
    "flag_change" + _ML + "(<**>)",
    "undelete" + _ML + "(<**>)",
    "delete" + _ML + "(<**>)",
    "expunge" + _ML + "()",
    "expunge" + _ML + "(<**>)",
]

_HC = "Health check for server <*>/<*> "
_LEFT = " <*> active and <*> backup servers left. <*> sessions active, <*> requeued, <*> remaining in queue."
_ONL = " <*> active and <*> backup servers online. <*> sessions requeued, <*> total in queue."
# an access line: client, accept date, frontend, backend/server, timers, status, bytes,
# the two (unused, always "-") cookies, termination state, connection counts, queues, request
_HTTP = (
    '<*>:<*> [<*>] <*> <*>/<*> <*>/<*>/<*>/<*>/<*> <*> <*> - - {} <*>/<*>/<*>/<*>/<*> <*>/<*> "<q>"'
)
_TCP = "<*>:<*> [<*>] <*> <*>/<*> <*>/<*>/<*> <*> {} <*>/<*>/<*>/<*>/<*> <*>/<*>"
_HTTP_STATES = ["----", "SC--", "sH--", "SH--", "sQ--", "cD--", "PR--", "LR--", "PT--", "cR--"]
_TCP_STATES = ["--", "sD"]
RULES["HAProxy"] = [
    *[_HTTP.format(t) for t in _HTTP_STATES],
    *[_TCP.format(t) for t in _TCP_STATES],
    # health checks and server states
    _HC
    + "succeeded, reason: Layer7 check passed, code: <*>, check duration: <*>, status: <*>/<*> UP.",
    _HC
    + "succeeded, reason: Layer7 check passed, code: <*>, check duration: <*>, status: <*>/<*> DOWN.",
    _HC + "succeeded, reason: Layer4 check passed, check duration: <*>, status: <*>/<*> UP.",
    _HC
    + 'failed, reason: Layer4 connection problem, info: "Connection refused", check duration: <*>, status: <*>/<*> UP.',
    _HC
    + 'failed, reason: Layer4 connection problem, info: "Connection refused", check duration: <*>, status: <*>/<*> DOWN.',
    _HC
    + 'failed, reason: Layer7 wrong status, code: <*>, info: "<q>", check duration: <*>, status: <*>/<*> UP.',
    _HC
    + 'failed, reason: Layer7 wrong status, code: <*>, info: "<q>", check duration: <*>, status: <*>/<*> DOWN.',
    _HC
    + 'failed, reason: Layer4 connection problem, info: "Connection refused", check duration: <*>, status: <*>/<*> DRAIN.',
    _HC
    + "succeeded, reason: Layer7 check passed, code: <*>, check duration: <*>, status: <*>/<*> DRAIN.",
    "Server <*>/<*> is DOWN." + _LEFT,
    "Server <*>/<*> is UP." + _ONL,
    "Server <*>/<*> is going DOWN for maintenance." + _LEFT,
    "Server <*>/<*> is UP/READY (leaving forced maintenance).",
    "Server <*>/<*> was DOWN and now enters maintenance.",
    "Server <*>/<*> is DOWN, changed from CLI." + _LEFT,
    "Paused frontend <*>.",
    "Resumed frontend <*>.",
    "Server <*>/<*> enters drain state." + _ONL,
    "Server <*>/<*> is UP (leaving forced drain).",
    "backend <*> has no server available!",
    "Proxy <*> stopped (cumulated conns: FE: <*>, BE: <*>).",
]

# ----------------------------------------------------------------------------
# machinery: build.py's, with build_fresh.py's tokens and two more
# ----------------------------------------------------------------------------

TOKENS = {
    **F.TOKENS,
    "<ip>": r"\d{1,3}(?:\.\d{1,3}){3}",  # an IPv4 address
    "<cn>": r"[^\s/]+?",  # a name without "/" (OpenVPN's common name before "/address")
    "<w>": r"[^\s,]+?",  # a token without a comma
}


def main(argv: list[str]) -> None:
    B.run(argv, __doc__, FORMATS, RULES, globals(), TOKENS)


if __name__ == "__main__":
    main(sys.argv)
