#!/usr/bin/env python3.11
# ruff: noqa: E501  (the rules are log templates, kept on one line each where they are long)
"""Build the four FRESH held-out log sets in bench/logsets/ (bench data tooling, not product code).

These four sets were made after the project's log template miner was final, by a
helper that had not seen the miner's code or output; they are the fresh held-out sets.
They follow build.py exactly (layout, header formats, labelling conventions, checks)
and use its machinery; only the programs, the workloads and the rules are new:

  set        program (Debian 12 package version)       how it was run (scripts in gen/)
  ---------  ----------------------------------------  ---------------------------------------------
  Mosquitto  mosquitto 2.0.11 MQTT broker              gen/mosquitto.conf: log_type all, two listeners
                                                       (password + ACL, anonymous with max_connections 5);
                                                       gen/mqtt_work.py run twice (14 and 8 rounds):
                                                       mosquitto_pub/sub QoS 0/1/2, retained, MQTT v5,
                                                       wrong passwords, unknown and anonymous users, ACL
                                                       denials, raw non-MQTT and truncated packets, a
                                                       keepalive timeout, client-id takeover, a will,
                                                       SIGHUP reload, autosave.  First 2000 lines.
  Postfix    Postfix 3.7.11 (postfix)                  gen/postfix.sh settings (smtpd on 127.0.0.1:2525,
                                                       maillog_file, HELO/sender/recipient restrictions,
                                                       size limit, TLS, transport map to fake next hops);
                                                       gen/postfix_work.py run twice: local deliveries,
                                                       aliases, unknown users, relay denied, bad HELO,
                                                       non-SMTP commands, pipelining, timeouts, too many
                                                       errors, VRFY, concurrency limit, bounces, deferrals,
                                                       refused next hop, reload, flush, postsuper.
  Dnsmasq    dnsmasq 2.90 (dnsmasq-base)               gen/dns_work.sh: a logged dnsmasq (--log-queries)
                                                       forwarding to an unlogged one; A/AAAA/MX/TXT/SRV/PTR
                                                       and ANY queries, hosts file, CNAME, block list,
                                                       NXDOMAIN, bogus-priv, unqualified names, dead and
                                                       stopped upstreams, malformed packets, TCP, SIGHUP,
                                                       SIGUSR1 statistics, a restart without a cache.
  Vsftpd     vsftpd 3.0.3 (vsftpd)                     gen/vsftpd.conf (log_ftp_protocol, anonymous and a
                                                       throwaway local user, user_list deny, max_clients,
                                                       max_per_ip, idle timeout); gen/ftp_work.py: logins,
                                                       LIST/RETR/STOR/MKD/RNFR/DELE/RMD, missing files,
                                                       denied uploads, wrong passwords, unknown and denied
                                                       users, bad commands, PORT to another host, idle
                                                       timeouts, too many clients.

Labelling: build.py's rules and conventions (its docstring), plus three rule tokens,
all written <*>: <n> matches a run of digits, <path> an absolute path ("/" and
non-space), <addr> a token with a ".", ":" or "=" in it (an address, a host name, a
TXT value); they let a rule tell a variable from a constant word in the same place
(dnsmasq's "reply x is 10.0.0.1" from "reply x is NXDOMAIN").  Conventions applied to these logs:
  * a key letter or label printed right before a number stays (Mosquitto's "d0, q1,
    r0, m3" -> "d<*>, q<*>, r<*>, m<*>", "RC:0" -> "RC:<*>", "k60" -> "k<*>"), as key=value;
  * a slot that prints a client id, even its placeholder "<unknown>", is <*>;
  * dnsmasq's query types (query[A], query[MX]) and answer kinds (NXDOMAIN, NODATA-IPv6,
    <CNAME>) are constant words (kinds), one template each; the source of an answer
    that is a hosts file path is <*>;
  * vsftpd's command lines (client text, "RETR pub/a.txt") are one quoted <*>, like an
    HTTP request line; its response texts are the server's own words and stay, with
    the numbers in them as <*>; the "[user]" tag before the message is part of Content
    and its user name is <*>;
  * Postfix's queue ids are <*>; "to=<a@b>" keeps the angle brackets ("to=<<*>>"),
    "delays=a/b/c/d" is one <*>, and SMTP reply texts from a remote server are one <*>.

Usage (as build.py; python3.11 bench/logsets/build_fresh.py ...):
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
import build as B  # noqa: E402  (the machinery and conventions of the first six sets)

GEN = HERE / "gen"
RAW = B.RAW
sh = B.sh

FORMATS = {
    "Mosquitto": "<Time>: <Content>",
    "Postfix": "<Month> <Day> <Time> <Host> <Component>\\[<Pid>\\]: <Content>",
    "Dnsmasq": "<Month> <Day> <Time> dnsmasq\\[<Pid>\\]: <Content>",
    "Vsftpd": "<Weekday> <Month> <Day> <Time> <Year> \\[pid <Pid>\\] <Content>",
}


# ----------------------------------------------------------------------------
# generation (what we ran; root on Debian 12)
# ----------------------------------------------------------------------------


def generate_mosquitto() -> None:
    B.apt("mosquitto", "mosquitto-clients", "openssl")
    d = RAW / "mqtt"
    sh(f"rm -rf {d} && mkdir -p {d}")
    acl = "user alice\ntopic read sensors/#\ntopic read alerts/#\n\nuser bob\ntopic readwrite sensors/#\ntopic write alerts/#\n"
    (d / "acl").write_text(acl)
    for rounds in (14, 8):
        pw = os.urandom(9).hex()  # throwaway password of the two MQTT users
        sh(
            f"cd {d} && touch passwd && mosquitto_passwd -b passwd alice {pw} && mosquitto_passwd -b passwd bob {pw}"
        )
        sh(f"chown -R mosquitto {d} && chmod 600 {d}/passwd")
        sh(f"mosquitto -c {GEN}/mosquitto.conf -d")
        time.sleep(1)
        subprocess.run(["timeout", "400", "python3", str(GEN / "mqtt_work.py"), pw, str(rounds)])
        sh(f"kill $(cat {d}/mosquitto.pid)")
        time.sleep(1)


def generate_postfix() -> None:
    sh("echo 'postfix postfix/main_mailer_type select Local only' | debconf-set-selections")
    sh("echo 'postfix postfix/mailname string vm.localdomain' | debconf-set-selections")
    B.apt("postfix")
    sh(f"bash {GEN}/postfix.sh && rm -f {RAW}/postfix/maillog")
    for _ in range(2):
        sh("postfix start")
        time.sleep(2)
        subprocess.run(["timeout", "500", "python3", str(GEN / "postfix_work.py")], cwd="/tmp")
        sh("postfix stop")
        time.sleep(1)
    sh("userdel -r benchmail || true")  # the throwaway mailbox owner made by gen/postfix.sh


def generate_dnsmasq() -> None:
    B.apt("dnsmasq-base", "bind9-dnsutils")
    sh(f"rm -rf {RAW}/dns && mkdir -p {RAW}/dns")
    sh(f"ROUNDS=34 timeout 400 bash {GEN}/dns_work.sh")


def generate_vsftpd() -> None:
    B.apt("vsftpd")
    d = RAW / "ftp"
    sh(f"rm -rf {d} && mkdir -p {d}/anon/pub /var/run/vsftpd/empty")
    sh(
        f"echo welcome > {d}/anon/readme.txt && seq 1 2000 > {d}/anon/pub/data.csv && echo notes > {d}/anon/pub/notes.txt"
    )
    sh(f"head -c 200000 /dev/urandom > {d}/anon/pub/image.bin && chmod 555 {d}/anon")
    sh(f"printf 'root\\nbin\\ndaemon\\n' > {d}/user_list && cp {GEN}/vsftpd.conf {d}/")
    sh("id ftpuser || useradd -m -s /bin/bash ftpuser")
    pw = os.urandom(9).hex()  # throwaway password of the throwaway account
    subprocess.run(["chpasswd"], input=f"ftpuser:{pw}\n", text=True, check=True)
    p = subprocess.Popen(["vsftpd", str(d / "vsftpd.conf")])
    time.sleep(1)
    try:
        subprocess.run(["timeout", "500", "python3", str(GEN / "ftp_work.py"), pw, "12"])
    finally:
        p.terminate()
        p.wait()
    sh("userdel -r ftpuser || true")


# ----------------------------------------------------------------------------
# selection
# ----------------------------------------------------------------------------


def select_mosquitto() -> list[str]:
    return B._read(RAW / "mqtt/mosquitto.log")[:2000]


def select_postfix() -> list[str]:
    return B._read(RAW / "postfix/maillog")[:2000]


def select_dnsmasq() -> list[str]:
    # SIGUSR1 also dumps the cache as a table (a header, a line of dashes, one row per
    # entry, in padded columns); those are a table, not messages, and are dropped
    def table(x: str) -> bool:
        msg = x.split("]: ", 1)[-1]
        return "   " in msg or msg.startswith("-----")

    return [x for x in B._read(RAW / "dns/dnsmasq.log") if not table(x)][:2000]


def select_vsftpd() -> list[str]:
    return B._read(RAW / "ftp/vsftpd.log")[:2000]


# ----------------------------------------------------------------------------
# rules
# ----------------------------------------------------------------------------

RULES: dict[str, list] = {}

_PUB = " (d<*>, q<*>, r<*>, m<*>, '<*>', ... (<*> bytes))"
RULES["Mosquitto"] = [
    "mosquitto version <*> starting",
    "mosquitto version <*> running",
    "mosquitto version <*> terminating",
    "Config loaded from <*>.",
    "Opening ipv4 listen socket on port <*>.",
    "Reloading config.",
    "Saving in-memory database to <*>.",
    "New connection from <*>:<*> on port <*>.",
    "New client connected from <*>:<*> as <*> (p<*>, c<*>, k<*>, u'<*>').",
    "New client connected from <*>:<*> as <*> (p<*>, c<*>, k<*>).",
    "Client connection from <*> denied: max_connections exceeded.",
    "No will message specified.",
    "Will message specified (<*> bytes) (r<*>, q<*>).",
    "<*>",  # the will topic, on a line of its own
    "Sending CONNACK to <*> (<*>, <*>)",
    "Received SUBSCRIBE from <*>",
    "<*> (QoS <*>)",
    "<*> <n> <*>",  # client, QoS, topic of a new subscription
    "Sending SUBACK to <*>",
    "Received PUBLISH from <*>" + _PUB,
    "Sending PUBLISH to <*>" + _PUB,
    "Denied PUBLISH from <*>" + _PUB,
    "Sending PUBACK to <*> (m<*>, rc<*>)",
    "Received PUBACK from <*> (Mid: <*>, RC:<*>)",
    "Sending PUBREC to <*> (m<*>, rc<*>)",
    "Received PUBREC from <*> (Mid: <*>)",
    "Sending PUBREL to <*> (m<*>)",
    "Received PUBREL from <*> (Mid: <*>)",
    "Sending PUBCOMP to <*> (m<*>)",
    "Received PUBCOMP from <*> (Mid: <*>, RC:<*>)",
    "Received PINGREQ from <*>",
    "Sending PINGRESP to <*>",
    "Received DISCONNECT from <*>",
    "Client <*> disconnected.",
    "Client <*> disconnected, not authorised.",
    "Client <*> disconnected due to protocol error.",
    "Client <*> disconnected: Success.",
    "Client <*> closed its connection.",
    "Client <*> already connected, closing old connection.",
    "Client <*> has exceeded timeout, disconnecting.",
]

_LH = "<*>[<*>]"  # Postfix's "name[address]"
_DLV = "<*>: to=<<*>>, relay=<R>, delay=<*>, delays=<*>, dsn=<*>, status="
_DLVO = "<*>: to=<<*>>, orig_to=<<*>>, relay=local, delay=<*>, delays=<*>, dsn=<*>, status="
_RJ = "NOQUEUE: reject: RCPT from " + _LH + ": <*> <*> <<*>>: "
_TAIL = "; from=<<?>> to=<<*>> proto=<*> helo=<<*>>"
RULES["Postfix"] = [
    # postfix(1), master(8), postsuper(1), anvil(8)
    "starting the Postfix mail system",
    "refreshing the Postfix mail system",
    "stopping the Postfix mail system",
    "the Postfix mail system is running: PID: <*>",
    "daemon started -- version <*>, configuration <*>",
    "reload -- version <*>, configuration <*>",
    "Deleted: <*> messages",
    "statistics: max connection rate <*>/<*> for (<*>:<*>:<*>) at <**>",
    "statistics: max connection count <*> for (<*>:<*>:<*>) at <**>",
    "statistics: max cache size <*> at <**>",
    # smtpd(8)
    "connect from " + _LH,
    "disconnect from " + _LH + " <**>",  # the per-command counters, as many as were used
    "<*>: client=" + _LH,
    "Anonymous TLS connection established from "
    + _LH
    + ": <*> with cipher <*> (<*>/<*> bits) key-exchange <*> server-signature <*> (<*> bits) server-digest <*>",
    "lost connection after CONNECT from " + _LH,
    "lost connection after RCPT from " + _LH,
    "lost connection after RSET from " + _LH,
    "timeout after CONNECT from " + _LH,
    "timeout after EHLO from " + _LH,
    "too many errors after UNKNOWN from " + _LH,
    "improper command pipelining after CONNECT from " + _LH + ": <**>",
    "improper command pipelining after EHLO from " + _LH + ": <**>",
    "warning: non-SMTP command from " + _LH + ": <**>",
    "warning: Connection concurrency limit exceeded: <*> from " + _LH + " for service <*>:<*>",
    _RJ + "Relay access denied" + _TAIL,
    _RJ + "Recipient address rejected: User unknown in local recipient table" + _TAIL,
    _RJ + "Recipient address rejected: need fully-qualified address" + _TAIL,
    _RJ + "Sender address rejected: need fully-qualified address" + _TAIL,
    _RJ + "Helo command rejected: need fully-qualified hostname" + _TAIL,
    _RJ + "Helo command rejected: Invalid name" + _TAIL,
    "NOQUEUE: reject: VRFY from "
    + _LH
    + ": <*> <*> <<*>>: Recipient address rejected: need fully-qualified address; to=<<*>> proto=<*> helo=<<*>>",
    "NOQUEUE: reject: MAIL from "
    + _LH
    + ": <*> <*> Message size exceeds fixed limit; from=<<?>> proto=<*> helo=<<*>>",
    # pickup(8), cleanup(8), qmgr(8), bounce(8)
    "<*>: uid=<*> from=<<*>>",
    "<*>: message-id=<<*>>",
    "<*>: from=<<?>>, size=<*>, nrcpt=<*> (queue active)",
    "<*>: removed",
    "<*>: sender non-delivery notification: <*>",
    # local(8)
    _DLV.replace("<R>", "local") + "sent (delivered to mailbox)",
    _DLVO + "sent (delivered to mailbox)",
    _DLVO + 'bounced (unknown user: "<*>")',
    _DLV.replace("<R>", "local") + 'bounced (Command died with status <*>: "<*>")',
    # smtp(8), error(8)
    _DLV.replace("<R>", _LH + ":<*>") + "sent (<**>)",
    _DLV.replace("<R>", _LH + ":<*>")
    + "deferred (host "
    + _LH
    + " said: <**> (in reply to RCPT TO command))",
    _DLV.replace("<R>", _LH + ":<*>")
    + "bounced (host "
    + _LH
    + " said: <**> (in reply to RCPT TO command))",
    _DLV.replace("<R>", "none") + "deferred (connect to " + _LH + ":<*>: Connection refused)",
    _DLV.replace("<R>", "none")
    + "deferred (delivery temporarily suspended: connect to "
    + _LH
    + ":<*>: Connection refused)",
    _DLV.replace("<R>", "none") + "bounced (<*>)",  # the error transport's next hop
    "connect to " + _LH + ":<*>: Connection refused",
]

_FR = 'FTP response: Client "<*>", "'
_U = "[<*>] "  # vsftpd's "[user] " once the session has a user name
RULES["Vsftpd"] = [
    'CONNECT: Client "<*>"',
    'CONNECT: Client "<*>", "Connection refused: too many sessions."',
    'CONNECT: Client "<*>", "Connection refused: too many sessions for this address."',
    _U + 'OK LOGIN: Client "<*>"',
    _U + 'OK LOGIN: Client "<*>", anon password "<q>"',
    _U + 'FAIL LOGIN: Client "<*>"',
    _U + 'OK DOWNLOAD: Client "<*>", "<*>", <*> bytes, <*>',
    _U + 'FAIL DOWNLOAD: Client "<*>", "<*>", <*>',
    _U + 'OK UPLOAD: Client "<*>", "<*>", <*> bytes, <*>',
    _U + 'OK MKDIR: Client "<*>", "<*>"',
    _U + 'OK RENAME: Client "<*>", "<*> <*>"',
    _U + 'FAIL RENAME: Client "<*>", "<*>"',
    _U + 'OK DELETE: Client "<*>", "<*>"',
    _U + 'FAIL DELETE: Client "<*>", "<*>"',
    _U + 'OK RMDIR: Client "<*>", "<*>"',
    _U + 'FAIL RMDIR: Client "<*>", "<*>"',
    _U + 'OK CHMOD: Client "<*>", "<*> <*>"',
    # the protocol: a command line as the client sent it, the server's reply
    'FTP command: Client "<*>", "<q>"',
    _U + 'FTP command: Client "<*>", "<q>"',
]
# replies before the session has a user name
RULES["Vsftpd"] += [
    _FR + r + '"'
    for r in [
        "220 Bench FTP service.",
        "530 Please login with USER and PASS.",
        "421 There are too many connected users, please try later.",
        "421 There are too many connections from your internet address.",
        "211-Features:",
        " EPRT??",  # FEAT's list, one line each (vsftpd prints its CR LF as ??)
        " EPSV??",
        " MDTM??",
        " PASV??",
        " REST STREAM??",
        " SIZE??",
        " TVFS??",
        "211 End",
        "221 Goodbye.",
    ]
]
# replies once it has one
RULES["Vsftpd"] += [
    _U + _FR + r + '"'
    for r in [
        "331 Please specify the password.",
        "230 Login successful.",
        "530 Login incorrect.",
        "530 Permission denied.",
        "421 Timeout.",
        "200 Switching to ASCII mode.",
        "200 Switching to Binary mode.",
        "227 Entering Passive Mode (<*>).",
        "150 Here comes the directory listing.",
        "226 Directory send OK.",
        "150 Opening BINARY mode data connection for <*> (<*> bytes).",
        "150 Ok to send data.",
        "226 Transfer complete.",
        "425 Failed to establish connection.",
        "550 Failed to open file.",
        "550 Failed to change directory.",
        "550 Permission denied.",
        "213 <*>",
        '257 "<*>" is the current directory',
        '257 "<*>" created',
        "250 Directory successfully changed.",
        "350 Ready for RNTO.",
        "250 Rename successful.",
        "550 RNFR command failed.",
        "250 Delete operation successful.",
        "550 Delete operation failed.",
        "200 SITE CHMOD command ok.",
        "250 Remove directory operation successful.",
        "550 Remove directory operation failed.",
        "500 Unknown command.",
        "500 Illegal PORT command.",
        "425 Use PORT or PASV first.",
        "221 Goodbye.",
    ]
]

RULES["Dnsmasq"] = [
    "started, version <*> cachesize <*>",
    "started, version <*> cache disabled",
    "compile time options: <**>",
    "using nameserver <*>#<*>",
    "using nameserver <*>#<*> for domain <*>",
    "using only locally-known addresses for <*>",
    "read <*> - <*> names",
    "failed to load names from <*>: No such file or directory",
    "exiting on receipt of SIGTERM",
    # one query: its type, where it went, what came back
    "query[A] <*> from <*>",
    "query[AAAA] <*> from <*>",
    "query[MX] <*> from <*>",
    "query[TXT] <*> from <*>",
    "query[SRV] <*> from <*>",
    "query[PTR] <*> from <*>",
    "query[ANY] <*> from <*>",
    "forwarded <*> to <*>#<*>",
    "reply <*> is <addr>",
    "reply <*> is NXDOMAIN",
    "reply <*> is NODATA-IPv6",
    "reply <*> is <MX>",
    "reply <*> is <SRV>",
    "reply <*> is <TXT>",
    "reply error is REFUSED",
    "cached <*> is NXDOMAIN",
    "cached <*> is NODATA-IPv6",
    "config <*> is <addr>",
    "config <*> is NXDOMAIN",
    "config <*> is <CNAME>",
    "config error is REFUSED (EDE: invalid data)",
    "<path> <*> is <*>",  # an answer from a hosts file
    # SIGUSR1 statistics
    "time <*>",
    "cache size <*>, <*>/<*> cache insertions re-used unexpired cache entries.",
    "queries forwarded <*>, queries answered locally <*>",
    "queries for authoritative zones <*>",
    "DNSSEC per-query subqueries HWM <*>",
    "DNSSEC per-query crypto work HWM <*>",
    "DNSSEC per-RRSet signature fails HWM <*>",
    "pool memory in use <*>, max <*>, allocated <*>",
    "child processes for TCP requests: in use <*>, highest since last SIGUSR1 <*>, max allowed <*>.",
    "server <*>#<*>: queries sent <*>, retried <*>, failed <*>, nxdomain replies <*>, avg. latency <*>",
]


# ----------------------------------------------------------------------------
# machinery: build.py's, with the <n> and <path> tokens added
# ----------------------------------------------------------------------------

TOKENS = {
    **B.TOKENS,
    "<n>": r"\d+",  # digits: a value where a word could stand in the same place
    "<path>": r"/\S*?",
    "<addr>": r"[^\s<]*[.:=][^\s]*",
}


def main(argv: list[str]) -> None:
    B.run(argv, __doc__, FORMATS, RULES, globals(), TOKENS)


if __name__ == "__main__":
    main(sys.argv)
