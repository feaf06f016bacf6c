#!/usr/bin/env python3.11
# ruff: noqa: E501  (the rules are log templates, kept on one line each where they are long)
"""Build the SEVENTH fresh held-out log sets (fresh7) in bench/logsets/ (bench data tooling).

Made on 6 December 2026 from programs that no earlier set comes from, by a helper that did
not open the miner's code (extractors/), its results, bench/log_parsing.py or tests/, and did
not run any parser (the project's miner, drain3 or another) on these sets.  As in
build_fresh5.py and build_fresh6.py, each line's template is the format string in the
program's own source that printed it:

  set   program (Debian 12 package)           how it was run (scripts in gen/)
  ----  ------------------------------------  ----------------------------------------------
  Knot  knotd 3.2.6 (knot 3.2.6-1), its own   gen/knot.conf (log file at debug, TSIG keys for
        log file at "any: debug"              transfers and updates, a DNSSEC-signed zone with
                                              a fast policy, a secondary of a peer knotd, a
                                              secondary of a dead primary, a broken and a
                                              missing zone file), gen/knot2.conf (the peer, not
                                              in the set), gen/knot_work.py: kdig queries,
                                              AXFR/IXFR with, without and with a wrong key,
                                              knsupdate updates (allowed, denied type, no key,
                                              bad key, failed prerequisite, to a secondary),
                                              junk packets, idle TCP clients, knotc zone-status/
                                              refresh/retransfer/notify/flush/freeze/thaw/sign/
                                              key-rollover/purge/reload, conf transactions,
                                              zone file edits (one going backwards, broken
                                              ones), the peer stopped and restarted.  Two server
                                              runs; a seeded in-order sample of 2000 of 3,552.
        labels: the format strings of knotd's log calls (src/ at tag v3.2.6 of
        github.com/CZ-NIC/knot): 2000 lines, 70 templates.

  Proftpd  proftpd 1.3.8 (proftpd-core          gen/proftpd.conf (standalone on 127.0.0.1:2122,
        1.3.8+dfsg-4+deb12u5), its SystemLog  SyslogLevel debug, DebugLevel 2, anonymous with
        (a daemon)                            an upload dir, a throwaway local user, RootLogin
                                              off, MaxClients 5, MaxClientsPerHost 3,
                                              MaxLoginAttempts 2, short login/idle/no-transfer/
                                              stall timeouts, denied and read-only dirs),
                                              gen/proftpd_work.py: anonymous and local sessions
                                              (LIST, RETR, STOR, MKD, RNFR/RNTO, SITE, MLSD),
                                              missing files, denied writes, wrong passwords,
                                              unknown users, root logins, raw junk, PORT/EPRT to
                                              other hosts and to port 21, HTTP requests, idle and
                                              silent clients, a data connection never opened,
                                              too many clients, SIGHUP.  All 1,484 lines.
        labels: the format strings of proftpd's pr_log_pri/pr_log_auth/pr_log_debug calls
        (src/ and modules/ at tag v1.3.8 of github.com/proftpd/proftpd): 1484 lines, 27
        templates.  The "server (client[ip])" part that proftpd's logger puts before a session's
        message is a header field (<Server>), as the pid is.

Not delivered: krb5-kdc was installed but not run (no time); no third or fourth set.

Conventions: those of build_fresh5.py and build_fresh6.py (README.md): one template per format
string; every conversion is <*>, whatever fills it; text around it stays as printed; where two
format strings can print the same line, the less general rule narrows a value, said at the
rule.  Added here (README.md, "fresh7"):
  * conversions printed back to back with no text between (knot's ns_log "%s%s" of operation
    and ", incoming"/", outgoing", "remote %s%s" of address and " pool", the ACL line's
    "key %s%s%s%s", zone-keys.c's "algorithm %s%s%s%s%s%s") are one <*>, as fresh5's
    "%lu%s"; so "AXFR, outgoing" and "notify, incoming" fill one <*>;
  * a prefix that the logger's own format string prints before a zone's message
    (log_fmt_zone's "[%.*s.] ") is kept, its conversion <*>: "[<*>.] ";
  * a message built by snprintf() into a buffer and then logged (zone-keys.c's key line) has
    that snprintf format as its template;
  * a constant message logged through "%s" (proftpd's pr_log_pri(..., "%s", "Login timeout
    exceeded, disconnected")) is that constant text, not "<*>".
In a rule, <%> is a parameter of a format string: any text, maybe empty (written <*>).

Usage (as build.py; python3.11 bench/logsets/build_fresh7.py ...):
  generate NAME | select NAME | label [NAME..]
"""

from __future__ import annotations

import base64
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import build as B  # noqa: E402  (the machinery and conventions of the first sets)

GEN = HERE / "gen"
RAW = B.RAW
sh = B.sh

FORMATS = {
    "Knot": "<Date>T<Time> <Level>: <Content>",
    "Proftpd": "<Date> <Time> <Host> proftpd\\[<Pid>\\] <Server>: <Content>",
}


# ----------------------------------------------------------------------------
# generation (what we ran; root on Debian 12)
# ----------------------------------------------------------------------------


def _fill(src: Path, dst: Path, subs: dict[str, str]) -> None:
    text = src.read_text()
    for k, v in subs.items():
        text = text.replace(k, v)
    dst.write_text(text)


def generate_knot(rounds: int = 40) -> None:
    B.apt("knot", "knot-dnsutils")
    d = RAW / "knot"
    sh(f"rm -rf {d} && mkdir -p {d}/run {d}/run2 {d}/db {d}/db2 {d}/zones {d}/zones2")
    keys = [
        base64.b64encode(secrets.token_bytes(32)).decode() for _ in range(2)
    ]  # throwaway TSIG secrets
    (d / "keys").write_text(" ".join(keys) + "\n")
    subs = {"@DIR@": str(d), "@XFRKEY@": keys[0], "@UPDKEY@": keys[1]}
    for n in ("knot", "knot2"):
        _fill(GEN / f"{n}.conf", d / f"{n}.conf", subs)
    sh(f"python3 {GEN}/knot_work.py {d} init")  # the first zone files
    sh(f"chown -R knot:knot {d} && chmod 755 {d}")
    peer = subprocess.Popen(["knotd", "-c", str(d / "knot2.conf")])
    for part in (rounds // 2, rounds - rounds // 2):  # two server runs on one log
        p = subprocess.Popen(["knotd", "-c", str(d / "knot.conf")])
        time.sleep(3)
        subprocess.run(["timeout", "900", "python3", str(GEN / "knot_work.py"), str(d), str(part)])
        p.send_signal(signal.SIGTERM)
        p.wait()
    sh(f"knotc -s {d}/run2/knot.sock stop || true")
    peer.wait()


def generate_proftpd(rounds: int = 30) -> None:
    B.apt("proftpd-core")
    d = RAW / "proftpd"
    sh(f"rm -rf {d} && mkdir -p {d}/anon/incoming && echo hello > {d}/anon/readme.txt")
    sh(f"chmod 755 {d} {d}/anon && chown ftp:nogroup {d}/anon/incoming")
    pw = secrets.token_hex(8)  # throwaway, never logged (proftpd logs the user name)
    sh("id ftpbench || useradd -m -s /bin/sh ftpbench")
    subprocess.run(["chpasswd"], input=f"ftpbench:{pw}\n", text=True, check=True)
    sh(
        "mkdir -p ~ftpbench/locked ~ftpbench/ro && echo r > ~ftpbench/ro/file.txt && chown -R ftpbench ~ftpbench"
    )
    _fill(GEN / "proftpd.conf", d / "proftpd.conf", {"@DIR@": str(d), "@DEBUG@": "2"})
    sh(f"proftpd -c {d}/proftpd.conf")  # a daemon, logging to its SystemLog
    time.sleep(2)
    subprocess.run(
        ["timeout", "1200", "python3", str(GEN / "proftpd_work.py"), str(d), str(rounds), pw]
    )
    os.kill(int((d / "proftpd.pid").read_text()), signal.SIGTERM)
    time.sleep(2)
    sh("userdel -r ftpbench || true")


def select_knot() -> list[str]:
    # 3,552 lines of two server runs: a seeded in-order sample of 2000
    return B._sample(B._read(RAW / "knot" / "knot.log"), 2000)


TOKENS = {**B.TOKENS, "<%>": r".*?"}  # <%>: one parameter (or glued run of them) of a format string
RULES: dict[str, list] = {}

_Z = "[<%>.] "  # log_fmt_zone's "[%.*s.] " before a zone's message (knot/common/log.c)
_NS = (
    _Z + "<%>, remote <%>, "
)  # ns_log's "%s%s, remote %s%s, " (knot/nameserver/log.h), glued pairs one <*>
RULES["Knot"] = [
    # Knot DNS 3.2.6's log format strings (src/, tag v3.2.6 of github.com/CZ-NIC/knot)
    # utils/knotd/main.c, knot/server/server.c, knot/common/process.c
    "Knot DNS <%> starting",
    "loaded configuration file '<%>', mapsize <%> MiB",
    "binding to interface <%>",
    "changing GID to <%>",
    "changing UID to <%>",
    "process not allowed to set capabilities, skipping",
    "loading <%> zones",
    "starting server",
    "server started in the foreground, PID <%>",
    # (the sample left out "using %s" and "control, binding to '%s'", each printed twice: no rules)
    "reloading configuration file '<%>'",
    "configuration reloaded",
    "updating persistent timer DB",
    "stopping server",
    "shutting down",
    # knot/conf/module.c, confio.c; knot/ctl/
    "module '<%>', loaded static",
    "control, persistent configuration database not available",
    "control, received command '<%>'",
    _Z + "control, received command '<%>'",
    _Z + "control, error (<%>)",
    "control, config item '<%>'",  # '%s%s%s%s%s%s': glued, one <*>
    # zonedb-load.c, load.c, zonefile.c, zone.c, zone-load.c, freeze_thaw.c, events.c
    _Z + "zone will be loaded",
    _Z + "zone will be bootstrapped",
    _Z + "zone not found",
    _Z + "failed to parse zone file '<%>' (<%>)",
    _Z + "zone file parsed, serial <%>",
    _Z + "loaded, serial <%> -> <%>, <%> bytes<%>",
    _Z
    + "with automatic DNSSEC signing and outgoing transfers enabled, 'zonefile-load: difference' should be set to avoid malformed IXFR after manual zone file update",
    _Z + "failed to load journal (<%>)",
    _Z + "zone loader, <%> in zone, file '<%>', line <%> (<%>)",
    _Z + "zone loader, failed to load zone, file '<%>', <%> errors",
    _Z + "zone file updated, serial <*> -> <%>",
    _Z + "zone file updated, serial <*>",  # (one token: the rule above has an arrow)
    _Z + "changes from journal applied, serial <%> -> <%>",
    _Z + "failed to apply journal changes, serial <%> -> <%> (<%>)",
    _Z + "zone updates frozen",
    _Z + "zone updates unfrozen",
    _Z + "zone event '<%>' failed (<%>)",
    _Z + "<%>, address <%>, failed (<%>)",  # "%s%s%s, address %s, failed (%s)"
    _Z + "<%>, remote <*> not usable",
    # refresh.c
    _Z + "refresh, failed (<%>), next retry at <%>",
    _Z + "<%> timer trimmed to '<%>-<%>-interval'",
    # ns_log messages (operation and direction, address and " pool" glued)
    _NS + "started, serial <*>",
    _NS + "started, serial <*> -> <*>",
    _NS + "started",
    _NS + "finished, <%> seconds, <%> messages, <%> bytes",
    _NS + "incomplete history, serial <%>, fallback to AXFR",
    _NS + "failed (inconsistent history)",
    _NS + "receiving AXFR-style IXFR",
    _NS + "remote serial <%>, zone is outdated",
    _NS + "remote serial <%>, zone is up-to-date<%>",
    _NS + "zone updated, <%> seconds, serial <%> -> <%>",
    _Z
    + "notify<%>, remote <%>, <%>serial <*>",  # notify.c "%sserial %u" (out), "serial %u" (in); the operation narrowed to notify
    _Z
    + "notify<%>, remote <%>, <%>failed (<%>)",  # notify.c "%sfailed (%s)"; the operation narrowed to notify
    _NS + "prerequisites not met (<%>)",
    # knot/nameserver/process_query.c
    _Z + "ACL, <%>, action <%>, remote <%>, key <%>",
    _Z + "TSIG, key '<%>', verification failed '<%>'",
    # knot/events/handlers/update.c
    _Z + "DDNS, processing <%> updates",
    _Z + "DDNS, finished, no changes to the zone were made",
    _Z + "DDNS, finished, serial <%> -> <%>, <%> seconds",
    # knot/dnssec/, knot/events/handlers/dnssec.c
    _Z + "DNSSEC, key, tag <%>, algorithm <%>",  # zone-keys.c's snprintf; "%s%s%s%s%s%s" glued
    _Z + "DNSSEC, KSK submission, waiting for confirmation",
    _Z + "DNSSEC, signing started",
    _Z + "DNSSEC, successfully signed",
    _Z + "DNSSEC, incrementally signed",
    _Z + "DNSSEC, zone is up-to-date",
    _Z + "DNSSEC, next signing at <%>",
    _Z + "DNSSEC, signing zone",
    _Z + "DNSSEC, dropping previous signatures, re-signing zone",
    _Z + "DNSSEC, ZSK rollover started",
    _Z + "DNSSEC, ignoring forced ZSK rollover due to running rollover",
]


def select_proftpd() -> list[str]:
    # one run, 1,484 lines: all kept
    return B._read(RAW / "proftpd" / "proftpd.log")[:2000]


RULES["Proftpd"] = [
    # ProFTPD 1.3.8's pr_log_pri/pr_log_auth/pr_log_debug format strings (src/ and modules/
    # at tag v1.3.8 of github.com/proftpd/proftpd); adjacent literals joined, macros
    # (MOD_CAP_VERSION, PROFTPD_VERSION_TEXT) expanded to their constant text
    # src/main.c
    "ProFTPD <%> (built <%>) standalone mode STARTUP",
    "forked daemon process (PID <%>)",
    "<%> session opened.",
    "received SIGHUP -- master server reparsing configuration file",
    "received SIGHUP, cannot restart child process",
    "client sent <%> command '<%>', disconnecting",
    # src/session.c
    "<%> session closed.",
    # src/signals.c
    "ProFTPD killed (signal <%>)",
    "ProFTPD 1.3.8 standalone mode SHUTDOWN",  # "ProFTPD " PROFTPD_VERSION_TEXT " standalone mode SHUTDOWN"
    # src/auth.c
    "Preparing to chroot to directory '<%>'",
    "Environment successfully chroot()ed",
    # src/data.c
    "Data transfer stall timeout: <%> <%>",
    # modules/mod_auth.c
    "<%> <%>: Login successful.",
    "USER <%>: no such user found from <%> [<%>] to <%>:<%>",
    "SECURITY VIOLATION: Root login attempted",
    "user '<%>' authenticated by <%>",
    "USER <%> (Login failed): Incorrect password",
    "Maximum login attempts (<%>) exceeded, connection refused",
    "RootRevoke in effect, dropped root privs",
    "Login timeout exceeded, disconnected",  # pr_log_pri(..., "%s", "Login timeout ..."): the literal is the message
    # modules/mod_cap.c
    "mod_cap/1.1: capabilities '<%>'",  # MOD_CAP_VERSION ": capabilities '%s'"
    # modules/mod_core.c
    "Client session idle timeout, disconnected",  # ("%s", literal) as above
    "Entering Passive Mode (<%>,<%>,<%>).",
    "client sent RFC1918 address '<%>' in PORT command, ignoring it and using '<%>'",
    "client sent RFC1918 address '<%>' in EPRT command, ignoring it and using '<%>'",
    "Refused PORT <%> (port <%> below 1024, possible bounce attack)",
    # modules/mod_xfer.c
    "Transfer <%> <%> bytes in <%>.<%> seconds",  # %s is "completed:" or "aborted after"
]


def main(argv: list[str]) -> None:
    # the format-string labels; relabel.py derives the corrected-LogHub ones from them
    B.run(argv, __doc__, FORMATS, RULES, globals(), TOKENS, out="formatstring")


if __name__ == "__main__":
    main(sys.argv)
