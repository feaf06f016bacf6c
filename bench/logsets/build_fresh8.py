#!/usr/bin/env python3.11
# ruff: noqa: E501  (the rules are log templates, kept on one line each where they are long)
"""Build the EIGHTH fresh held-out log sets (fresh8) in bench/logsets/ (bench data tooling).

Made on 6 December 2026 from programs that no earlier set comes from (and no LogHub system), by
a helper that did not open the miner's code (extractors/), its results, bench/log_parsing.py
or tests/, and did not run any parser (the project's miner, drain3 or another) on these sets.
Each line is labelled from the format string in the program's own source that printed it,
under TWO conventions (below):

  set      program (Debian 12 package)          how it was run (scripts in gen/)
  -------  -----------------------------------  ---------------------------------------------
  Krb5kdc  krb5kdc of MIT Kerberos 1.20.1       gen/krb5-fresh8.conf, gen/kdc-fresh8.conf (realm
           (krb5-kdc 1.20.1-2+deb12u5), its     EXAMPLE.TEST on 127.0.0.1:8888, preauth required
           log file ([logging] kdc = FILE:)     by default, a lockout policy), gen/krb5_work.py:
                                                principals made with kadmin.local (users, one
                                                without preauth, an expired one, one with an
                                                expired password, a disabled one, a locked-out
                                                one, services: one only for user-to-user, one
                                                disabled, one camellia-only, a cross-realm TGT),
                                                kinit over UDP and TCP (right and wrong passwords,
                                                unknown users, -f/-r/-l/-p/-S, renewals, keytab
                                                logins of services, anonymous, other realms),
                                                kvno (found, missing, refused services, S4U2Self
                                                with -U), a captured AS-REQ replayed, junk UDP and
                                                TCP (oversized length prefixes), 20-50 idle TCP
                                                clients; three runs: one with a SIGHUP, two
                                                misconfigured starts (a missing database, an
                                                unknown realm), one with two worker processes.
                                                A seeded in-order sample of 2000 of 3,109 lines.
           labels: krb5_klog_syslog/com_err/kdc_err calls in src/kdc/ and
           src/lib/apputils/net-server.c at tag krb5-1.20.1-final of github.com/krb5/krb5.

  Nsd      nsd 4.6.1 (nsd 4.6.1-1), its         gen/nsd-fresh8.conf (127.0.0.1@5353, verbosity
           logfile at verbosity 2               2, RRL at 50 qps, remote control; two primary
                                                zones notifying a peer and a dead port, a broken
                                                and a missing zone file, a secondary of a peer
                                                nsd, one of a dead primary; TSIG for transfers),
                                                gen/nsd2-fresh8.conf (the peer, not in the set),
                                                gen/nsd_work.py: AXFR/IXFR with, without and with
                                                wrong keys and from other addresses, zone edits
                                                and reloads (serials up, equal and down), the
                                                peer's zone changing (notify, transfer), NOTIFY
                                                by hand (allowed, refused, unknown zones), broken
                                                zone files, nsd-control commands (zonestatus,
                                                write, notify, transfer, force_transfer,
                                                reconfig, repattern, log_reopen, addzone with a
                                                good and an unknown pattern, delzone, ...),
                                                query bursts over the rate limit, junk packets,
                                                idle and too many TCP clients; two server runs
                                                (SIGHUP, SIGTERM).  All 1,796 lines.
           labels: log_msg/VERBOSITY calls (and zc_error's callers) at tag NSD_4_6_1_REL of
           github.com/NLnetLabs/nsd.

  Freeradius  freeradius 3.2.1 (freeradius      Debian's /etc/freeradius/3.0 copied, with
           3.2.1+dfsg-4+deb12u1), radius.log    gen/freeradius-users-fresh8 (users: good ones, an
           with "auth = yes" (no passwords)     expired one, one outside its login time, one
                                                rejected, one with Simultaneous-Use),
                                                gen/freeradius-clients-fresh8.conf (three clients,
                                                one requiring Message-Authenticator),
                                                gen/freeradius-proxy-fresh8.conf (a realm proxied
                                                to a home server that is down), listening on
                                                127.0.0.1; gen/radius_work.py: radclient PAP, CHAP
                                                and MS-CHAP logins right and wrong, unknown users,
                                                missing names and passwords, proxied and unknown
                                                realms, accounting Start/Interim/Stop, Status-Server,
                                                wrong secrets, packets from unknown and other
                                                clients, junk to both ports; a SIGHUP, two
                                                misconfigured starts (a module that is not
                                                installed, a broken clients.conf, which logs only
                                                its start lines), a second run.  A seeded in-order
                                                sample of 2000 of 2,072 lines.
           labels: radlog/INFO/WARN/ERROR/RAUTH/RERROR/PROXY calls in src/ at tag release_3_2_1
           of github.com/FreeRADIUS/freeradius-server.

Lines, templates and singletons (a singleton occurs once):
  set         lines  corrected: templates singletons  format-string: templates singletons
  Krb5kdc      2000                    32          3                         19          3
  Nsd          1796                    49          3                         32          2
  Freeradius   2000                    31          2                         23          2
Krb5kdc's sample left out "signal %d received in supervisor" (printed once): no rule for it.
The Freeradius generator was cut off after its second run (the calling session's tool call
ended); its remaining steps (the two misconfigured starts and the third run) were run again
by hand with the same commands, appending to the same log.  No line was edited.

The two conventions.  Each set has two labellings of the same lines:
  PRIMARY, NAME_2k.log_structured_corrected.csv and NAME_2k.log_templates_corrected.csv: the
    LogHub convention (README.md, "How they were labelled" and "The corrected-LogHub labels
    of the fifth to seventh groups"; the corrected LogHub templates of Khan et al.).  From the format string that printed the line, a conversion filled from
    data outside the program's own closed vocabulary is <*> (names, addresses, ports, paths,
    numbers of every kind, times, versions, principals, zones, user input, configuration
    values); a conversion filled from a CLOSED set of words that the source fixes (a status
    literal, an error table's message, strerror, an enum's name, a fixed reason phrase) is
    kept as printed, and each different word is a different template, decided by where the
    value comes from in the source, not by how often it occurs here;
  SECONDARY, NAME_2k.log_structured_formatstring.csv (same columns) and
    NAME_2k.log_templates_formatstring.csv (build.py's label(out="formatstring")): the fresh5-fresh7
    convention, every conversion <*> whatever fills it (build_fresh7.py's docstring), one
    template per format string.
How the rules say both: RULES[NAME] lists each format string once.  A plain string is the
same template under both conventions (no closed-set conversion, or none printed here).  A
pair (format rule, [narrowings]) is the secondary rule and, for the primary, the rules with
the closed-set words written in (one per word or combination seen); label() checks that every
line matches exactly one rule under each convention, that every rule matches a line, that each
template fits its lines (build.py's label() does these, once per convention), and that each
line's primary rule is one of the narrowings of the format rule its secondary label came from.

Decisions that the earlier sections do not already cover (README.md, "fresh8"):
  * a conversion filled by a message that the program itself built from one of its own format
    strings (nsd's `committed "%s"` and `zone %s %s of %d bytes` carrying xfrd's
    "received update to serial %u at %s from %s"; freeradius's Module-Failure-Message inside
    "Login incorrect (%s)") is one <*> in the secondary; in the primary it is that inner
    format's text, its own conversions <*> ("committed "received update to serial <*> at <*>
    from <*>"");
  * an error message that a wrapper puts before a caller's format (krb5's klog_com_err_proc,
    "<error text> - <caller's message>") is a conversion of that wrapper: <*> in the
    secondary, the library's error-table text in the primary ("Invalid message type - while
    dispatching (udp)"); a message that krb5 extends with k5_prependmsg keeps its format
    ("Cannot open DB2 database '<*>': No such file or directory - ...");
  * lists and composite strings built from numbers and names (krb5's requested-enctype list
    "8 etypes {aes256-cts-hmac-sha1-96(18), ...}", the reply's "etypes {rep=..., tkt=...,
    ses=...}") are one <*> under both conventions, though they hold enctype names;
  * closed-set words kept in the primary: krb5's status literals (ISSUE, NEEDED_PREAUTH,
    PREAUTH_FAILED, LOCKED_OUT, CLIENT LOCKED OUT, CLIENT_NOT_FOUND, CLIENT EXPIRED, CLIENT KEY
    EXPIRED, SERVER_NOT_FOUND, NO PREAUTH, LOOKING_UP_SERVER, SERVER LOCKED OUT, GET_LOCAL_TGT,
    SERVER NOT ALLOWED) and the error table's messages after them, the preauth system names of
    its fixed table (encrypted_timestamp, spake), "tcp"/"rpc"; nsd's "axfr"/"ixfr",
    "no acl matches" and its glued ".", rcode2str() ("NAME ERROR"), tsig_error() ("Bad Key"),
    strerror texts, RRL's block/unblock, rrltype2str() (positive, nxdomain, nodata) and the
    query type's name from rrtype_to_string() (A, AAAA, MX, SOA, TXT: the names of its fixed
    table, so each is a template of its own); freeradius's packet-code name
    (Accounting-Request), its listener's type name, "*" for any address and "udp", the
    modules' and process.c's fixed REDEBUG texts inside "Login incorrect (...)", and the
    literals "<no User-Name attribute>" and "<default>" where a user or server name would be
    (each a template apart from the named ones);
  * freeradius's "ERROR: " that the request logger puts after the request number (a %s chosen
    by the message's level) is kept under both conventions, as a level word; its
    INFO("%s", fr_debug_state_to_msg()) is printed ("Debugger not attached") under both, a
    fixed string through "%s" as fresh7's constant messages;
  * kept as <*> in the primary though the words are few: names that come from configuration
    or the command line (krb5's realm, nsd's argv[0] and PACKAGE_STRING through %s, zone and
    key names, freeradius's module instance
    names before a module's message, client short names, virtual server names, the module
    names of 'Ignoring "%s"': configuration), and a control client's whole command line (nsd's "control
    cmd: %s": user input);
  * where two format strings can print the same line, the less general rule narrows a value
    (said at the rule): krb5's AS failure status is "not ISSUE" (<S>), nsd's "%s for %s from
    %s" is narrowed to axfr/ixfr (<x>) because notify lines share its shape, nsd's bare
    notify line ends in one token.
In a rule, <%> is a parameter of a format string: any text, maybe empty (written <*>).

Usage (as build.py; python3.11 bench/logsets/build_fresh8.py ...):
  generate NAME | select NAME | label [NAME..]   (label writes and checks both conventions)
"""

from __future__ import annotations

import base64
import json
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
    "Krb5kdc": "<Month> <Day> <Time> <Host> krb5kdc\\[<Pid>\\]\\(<Level>\\): <Content>",
    "Nsd": "\\[<Date> <Time>\\] nsd\\[<Pid>\\]: <Level>: <Content>",
    "Freeradius": "<Weekday> <Month> <Day> <Time> <Year> : <Level>: <Content>",
}


def _fill(src: Path, dst: Path, subs: dict[str, str]) -> None:
    text = src.read_text()
    for k, v in subs.items():
        text = text.replace(k, v)
    dst.write_text(text)


def generate_krb5kdc(rounds: int = 480) -> None:
    B.apt("krb5-kdc", "krb5-admin-server", "krb5-user")
    sh("update-rc.d krb5-kdc disable || true; update-rc.d krb5-admin-server disable || true")
    d = RAW / "krb5kdc"
    sh(f"rm -rf {d} && mkdir -p {d}")
    _fill(GEN / "krb5-fresh8.conf", d / "krb5.conf", {"@DIR@": str(d)})
    _fill(GEN / "kdc-fresh8.conf", d / "kdc.conf", {"@DIR@": str(d)})
    udp = (d / "krb5.conf").read_text().replace("    udp_preference_limit = 1\n", "")
    (d / "krb5-udp.conf").write_text(udp)
    env = {
        **os.environ,
        "KRB5_CONFIG": str(d / "krb5.conf"),
        "KRB5_KDC_PROFILE": str(d / "kdc.conf"),
    }
    pw = secrets.token_hex(8)  # the users' throwaway password, never logged
    mk = secrets.token_hex(12)  # the throwaway master key password
    subprocess.run(
        ["kdb5_util", "create", "-s", "-r", "EXAMPLE.TEST", "-P", mk], env=env, check=True
    )
    work = ["timeout", "900", "python3", str(GEN / "krb5_work.py"), str(d)]

    def kdc(*extra: str) -> subprocess.Popen:
        p = subprocess.Popen(["krb5kdc", "-n", "-r", "EXAMPLE.TEST", *extra], env=env)
        time.sleep(1.5)
        return p

    p = kdc()
    subprocess.run([*work, "setup", "0", pw], env=env)
    for seed in (1, 2):  # a SIGHUP (log reopen) between the halves
        subprocess.run([*work, str(rounds // 2), str(seed), pw], env=env)
        p.send_signal(signal.SIGHUP)
        time.sleep(1)
    p.send_signal(signal.SIGTERM)
    p.wait()
    # misconfiguration: a kdc.conf naming a database that is not there, then an unknown realm
    bad = d / "kdc-bad.conf"
    bad.write_text((d / "kdc.conf").read_text().replace("/principal", "/missing-principal"))
    subprocess.run(
        ["krb5kdc", "-n", "-r", "EXAMPLE.TEST"],
        env={**env, "KRB5_KDC_PROFILE": str(bad)},
        timeout=20,
    )
    subprocess.run(["krb5kdc", "-n", "-r", "NOSUCH.TEST"], env=env, timeout=20)
    # a second run with two worker processes
    p = kdc("-w", "2")
    subprocess.run([*work, str(rounds // 2), "3", pw], env=env)
    p.send_signal(signal.SIGHUP)
    time.sleep(1)
    subprocess.run([*work, str(rounds // 4), "4", pw], env=env)
    p.send_signal(signal.SIGTERM)
    p.wait()


def generate_nsd(rounds: int = 700) -> None:
    B.apt("nsd", "bind9-dnsutils")
    sh("update-rc.d nsd disable || true")
    d = RAW / "nsd"
    sh(f"rm -rf {d} && mkdir -p {d}/xfr {d}/xfr2")
    keys = [base64.b64encode(secrets.token_bytes(32)).decode() for _ in range(2)]  # throwaway TSIG
    (d / "keys").write_text(" ".join(keys) + "\n")
    for n in ("nsd", "nsd2"):
        _fill(GEN / f"{n}-fresh8.conf", d / f"{n}.conf", {"@DIR@": str(d), "@KEY@": keys[0]})
    sh(f"nsd-control-setup -d {d} >/dev/null 2>&1")
    sh(f"python3 {GEN}/nsd_work.py {d} init")
    peer = subprocess.Popen(["nsd", "-d", "-c", str(d / "nsd2.conf")])
    work = ["timeout", "900", "python3", str(GEN / "nsd_work.py"), str(d)]
    for part, seed in ((rounds // 2, 1), (rounds - rounds // 2, 2)):  # two server runs
        p = subprocess.Popen(["nsd", "-d", "-c", str(d / "nsd.conf")])
        time.sleep(3)
        subprocess.run([*work, str(part), str(seed)])
        p.send_signal(signal.SIGHUP if seed == 1 else signal.SIGTERM)
        time.sleep(2)
        if seed == 1:
            p.send_signal(signal.SIGTERM)
        p.wait()
    peer.send_signal(signal.SIGTERM)
    peer.wait()


def generate_freeradius(rounds: int = 1800) -> None:
    B.apt("freeradius", "freeradius-utils")
    sh("update-rc.d freeradius disable || true")
    d = RAW / "radius"
    sh(f"rm -rf {d} && mkdir -p {d} && cp -rL /etc/freeradius/3.0 {d}/raddb")
    pw, s1, s2, s3 = (secrets.token_hex(8) for _ in range(4))  # throwaway, never logged
    (d / "secrets").write_text(f"{pw} {s1} {s2} {s3}\n")
    r = d / "raddb"
    users = (GEN / "freeradius-users-fresh8").read_text().replace("@PW@", pw)
    auth = r / "mods-config/files/authorize"
    auth.write_text(users + auth.read_text())
    _fill(
        GEN / "freeradius-clients-fresh8.conf",
        r / "clients.conf",
        {"@S1@": s1, "@S2@": s2, "@S3@": s3},
    )
    sh(f"cp {GEN}/freeradius-proxy-fresh8.conf {r}/proxy.conf")
    conf = (r / "radiusd.conf").read_text()
    for a, b in (
        ("logdir = /var/log/freeradius", f"logdir = {d}/log"),
        ("\tauth = no", "\tauth = yes"),
        ("run_dir = ${localstatedir}/run/${name}", f"run_dir = {d}/run"),
    ):
        conf = conf.replace(a, b)
    (r / "radiusd.conf").write_text(conf)
    site = (r / "sites-available/default").read_text()
    site = site.replace("ipaddr = *", "ipaddr = 127.0.0.1").replace(
        "ipv6addr = ::", "ipv6addr = ::1"
    )
    (r / "sites-available/default").write_text(site)
    sh(f"mkdir -p {d}/log {d}/run && chown -R freerad:freerad {d} && chmod 755 {d}")
    work = ["timeout", "1200", "python3", str(GEN / "radius_work.py"), str(d)]

    def radiusd(conf_dir: Path) -> subprocess.Popen:
        p = subprocess.Popen(["freeradius", "-f", "-d", str(conf_dir)])
        time.sleep(3)
        return p

    p = radiusd(r)
    subprocess.run([*work, str(rounds // 2), "1"])
    p.send_signal(signal.SIGHUP)  # reload
    time.sleep(2)
    subprocess.run([*work, str(rounds // 4), "2"])
    p.send_signal(signal.SIGTERM)
    p.wait()
    # misconfiguration: a module that is not installed, then a clients.conf with a syntax error
    sh(f"cp -r {r} {d}/bad1 && cp -r {r} {d}/bad2")
    (d / "bad1/mods-enabled/nosuch").write_text("nosuchmodule {\n}\n")
    (d / "bad2/clients.conf").write_text("client broken {\n\tipaddr = 127.0.0.9\n")
    sh(f"chown -R freerad:freerad {d}")
    for b in ("bad1", "bad2"):
        subprocess.run(["freeradius", "-f", "-d", str(d / b)], timeout=30)
    p = radiusd(r)
    subprocess.run([*work, str(rounds - rounds // 2 - rounds // 4), "3"])
    p.send_signal(signal.SIGTERM)
    p.wait()


def select_freeradius() -> list[str]:
    return B._sample(B._read(RAW / "radius" / "log" / "radius.log"), 2000)


def select_nsd() -> list[str]:
    return B._sample(B._read(RAW / "nsd" / "nsd.log"), 2000)


def select_krb5kdc() -> list[str]:
    return B._sample(B._read(RAW / "krb5kdc" / "kdc.log"), 2000)


# ----------------------------------------------------------------------------
# labelling under two conventions
# ----------------------------------------------------------------------------

#: <%>: one parameter (or a glued run of them) of a format string, any text; <S>: a status
#: word of krb5's failure lines, any text but ISSUE (the success line has its own string);
#: <x>: nsd's "axfr" or "ixfr"; <m>: freeradius's module message, not the literal "Home Server
#: failed to respond"; <u>: a user name, not freeradius's literal "<no User-Name attribute>";
#: <nd>: a virtual server name, not "<default>" (all are written <*>)
TOKENS = {
    **B.TOKENS,
    "<%>": r".*?",
    "<S>": r"(?!ISSUE:).*?",
    "<x>": r"[ai]xfr",
    "<m>": r"(?!Home Server failed to respond\)).*?",
    "<u>": r"(?!<no User-Name attribute>\]).*?",
    "<nd>": r"(?!<default>$)\S+",
}
RULES: dict[str, list] = {}


def _split(rules: list) -> tuple[list[str], list[str], dict[str, str]]:
    """Format-string rules (secondary), primary rules, and each primary rule's format rule."""
    fmt, prim, parent = [], [], {}
    for r in rules:
        f, narrow = (r, [r]) if isinstance(r, str) else r
        fmt.append(f)
        for n in narrow:
            prim.append(n)
            parent[n] = f
    return fmt, prim, parent


def label(name: str) -> None:
    fmt, prim, parent = _split(RULES[name])
    B.FORMATS[name] = FORMATS[name]
    # PRIMARY: closed-set words kept (the LogHub convention), written by build.py's label()
    B.RULES[name] = prim
    B.label(name, TOKENS)
    # SECONDARY: every conversion <*> (fresh5-7), NAME_2k.log_*_formatstring.csv
    B.RULES[name] = fmt
    B.label(name, TOKENS, "formatstring")
    # and the two agree: each line's primary rule narrows the format string it came from
    hrx = B.header_regex(FORMATS[name])
    frx = [(f, B.rule_regex(f, TOKENS)) for f in fmt]
    prx = [(p, B.rule_regex(p, TOKENS)) for p in prim]
    bad = 0
    for i, line in enumerate(B._read(HERE / name / f"{name}_2k.log"), 1):
        c = hrx.match(line.strip()).group("Content")
        f = [r for r, rx in frx if rx.match(c)]
        p = [r for r, rx in prx if rx.match(c)]
        if f != [parent[p[0]]]:
            bad += 1
            print(f"  line {i}: primary rule {p[0]!r} is not under {f!r}", file=sys.stderr)
    if bad:
        raise SystemExit(f"{name}: {bad} lines whose two labels disagree")
    print(f"{name}: the two labellings agree")


_AS = "AS_REQ (<%>) <*>: "  # kdc_log.c: "AS_REQ (%s) %s: ", the requested enctypes and the address
_TGS = "TGS_REQ (<%>) <*>: "  # "TGS_REQ (%s) %s: "
RULES["Krb5kdc"] = [
    # MIT krb5 1.20.1's krb5_klog_syslog/com_err format strings (src/ at tag krb5-1.20.1-final
    # of github.com/krb5/krb5).  A rule is the format string (secondary), or (format string,
    # [its closed-set narrowings]) where a conversion is filled from a closed set (primary).
    # src/kdc/kdc_log.c, log_as_req(): success
    "AS_REQ (<%>) <%>: ISSUE: authtime <%>, <%>, <%> for <%>",
    # failure: "AS_REQ (%s) %s: %s: %s for %s%s%s", the status (a literal at each caller in
    # do_as_req.c), then sname, ", " and the error table's message glued (one <*>)
    (
        "AS_REQ (<%>) <%>: <S>: <%> for <%>",
        [
            _AS + "NEEDED_PREAUTH: <*> for <*>, Additional pre-authentication required",
            _AS + "PREAUTH_FAILED: <*> for <*>, Preauthentication failed",
            _AS + "LOCKED_OUT: <*> for <*>, Client's credentials have been revoked",
            _AS + "CLIENT LOCKED OUT: <*> for <*>, Client's credentials have been revoked",
            _AS + "CLIENT_NOT_FOUND: <*> for <*>, Client not found in Kerberos database",
            _AS + "CLIENT EXPIRED: <*> for <*>, Client's entry in database has expired",
            _AS + "CLIENT KEY EXPIRED: <*> for <*>, Password has expired",
            _AS + "SERVER_NOT_FOUND: <*> for <*>, Server not found in Kerberos database",
        ],
    ),
    # log_tgs_req(): "TGS_REQ (%s) %s: %s: authtime %u, %s%s %s for %s%s%s"; the reply's
    # enctypes and "," (success) or "" glued, then cname, then sname, ", " and the message glued
    (
        "TGS_REQ (<%>) <%>: <%>: authtime <%>, <%> <%> for <%>",
        [
            _TGS + "ISSUE: authtime <*>, <%>, <*> for <*>",
            _TGS + "NO PREAUTH: authtime <*>, <%> <*> for <*>, Generic error (see e-text)",
            _TGS
            + "LOOKING_UP_SERVER: authtime <*>, <%> <*> for <*>, Server not found in Kerberos database",
            _TGS
            + "SERVER LOCKED OUT: authtime <*>, <%> <*> for <*>, Server not found in Kerberos database",
            _TGS + "GET_LOCAL_TGT: authtime <*>, <%> <*> for <*>, No such entry in the database",
            _TGS
            + "SERVER NOT ALLOWED: authtime <*>, <%> <*> for <*>, Server principal valid for user2user only",
        ],
    ),
    "... PROTOCOL-TRANSITION s4u-client=<%>",
    # src/kdc/kdc_preauth.c: the preauth system's name (its fixed table) and the error message
    (
        "preauth (<%>) verify failure: <%>",
        ["preauth (encrypted_timestamp) verify failure: Preauthentication failed"],
    ),
    (
        "preauth <%> failed to initialize: <%>",
        ["preauth spake failed to initialize: No SPAKE preauth groups configured"],
    ),
    # src/kdc/dispatch.c
    "DISPATCH: repeated (retransmitted?) request from <%>, resending previous response",
    # src/kdc/main.c
    "creating <%> worker processes",
    "commencing operation",
    "shutting down",
    # (the sample left out "signal %d received in supervisor", printed once: no rule)
    # com_err() through klog_com_err_proc (src/lib/kadm5/logger.c): the error code's message,
    # " - ", then the caller's format: "%s - " + fmt, the message one <*> in the secondary
    (
        "<%> - while initializing database for realm <%>",  # main.c's kdc_err()
        [
            # kdb_db2.c's k5_prependmsg "Cannot open DB2 database '%s'" before the strerror text
            "Cannot open DB2 database '<*>': No such file or directory - while initializing database for realm <*>",
        ],
    ),
    (
        "<%> - while dispatching (udp)",  # src/lib/apputils/net-server.c
        [
            "ASN.1 encoding ended unexpectedly - while dispatching (udp)",
            "Invalid message type - while dispatching (udp)",
        ],
    ),
    ("<%> - while dispatching (tcp)", ["Invalid message type - while dispatching (tcp)"]),
    # src/lib/apputils/net-server.c
    "setting up network...",
    "set up <%> sockets",
    "closing down fd <%>",
    "TCP client <%> wants <%> bytes, cap is <%>",
    "too many connections",
    ("dropping <%> fd <%> from <%>", ["dropping tcp fd <*> from <*>"]),  # "rpc" or "tcp"
]


_ZF = "<*>:<*>: "  # zparser.y's error_va_list() logs "%s:%u: %s": file and line, then the message
RULES["Nsd"] = [
    # NSD 4.6.1's log_msg/VERBOSITY format strings (tag NSD_4_6_1_REL of github.com/NLnetLabs/nsd)
    # nsd.c, server.c, xfrd.c
    "<%> starting (<%>)",  # "%s starting (%s)", argv0 and PACKAGE_STRING
    "<%> started (<%>), pid <%>",
    "SIGHUP received, reloading...",  # server.c and xfrd.c print the same string
    "signal received, shutting down...",
    # remote.c
    "new control connection from <%>",
    "control cmd: <%>",  # the command line the client sent, one conversion
    # dbaccess.c, dbcreate.c
    "zone <%> read with success",
    "zone <%> file <%> read with <%> errors",
    "zonefile <%> does not exist",  # dbaccess.c prints it at info (verbosity 2) and at error: one string
    "writing zone <%> to file <%>",
    # the zone parser (zonec.c, zlexer.lex, zparser.y's yyerror "%s" of bison's constant message)
    _ZF + "syntax error",
    _ZF + "unrecognized RR type '<%>'",
    _ZF + "invalid TTL value: <%>",
    _ZF + "time period is expected",
    _ZF + "invalid IPv4 address '<%>'",
    _ZF + "invalid IPv6 address '<%>'",
    (
        _ZF + "cannot open include file '<%>': <%>",
        [_ZF + "cannot open include file '<*>': No such file or directory"],
    ),
    _ZF + "EOF inside quoted string",
    # query.c
    "notify for <%> from <%> serial <%>",
    "notify for <%> from <*>",  # (one token: the other notify lines go on after the address)
    (
        "notify for <%> from <%> refused, <%>",
        ["notify for <*> from <*> refused, no acl matches."],
    ),  # "%s%s", glued
    (
        "query: bad tsig (<%>) for key <%> from <%>",
        ["query: bad tsig (Bad Key) for key <*> from <*>"],
    ),  # tsig_error()
    "query: bad tsig signature for key <%> from <%>",
    # axfr.c: "%s for %s from %s", the first "axfr" or "ixfr" (narrowed to those: notify lines share the shape)
    ("<x> for <%> from <*>", ["axfr for <*> from <*>", "ixfr for <*> from <*>"]),
    (
        "<x> for <%> from <%> refused, <%>",
        ["axfr for <*> from <*> refused, no acl matches"],
    ),  # "blocked" or this
    # xfrd.c, xfrd-notify.c, xfrd-tcp.c, difffile.c
    "zone <%> serial <%> is updated to <%>",
    # the %s is the text xfrd built with buffer_printf("received update to serial %u at %s from %s")
    (
        'xfrd: zone <%> committed "<%>"',
        ['xfrd: zone <*> committed "received update to serial <*> at <*> from <*>"'],
    ),
    (
        "zone <%> <%> of <%> bytes in <%> seconds",
        ["zone <*> received update to serial <*> at <*> from <*> of <*> bytes in <*> seconds"],
    ),
    (
        "xfrd: zone <%>: received notify response error <%> from <%>",
        ["xfrd: zone <*>: received notify response error NAME ERROR from <*>"],
    ),  # rcode2str()
    "xfrd: zone <%>: max notify send count reached, <%> unreachable",
    (
        "<%>: Could not tcp connect to <%>: <%>",
        ["<*>: Could not tcp connect to <*>: Connection refused"],
    ),  # strerror
    # rrl.c: "ratelimit %s %s type %s%s target %s query %s %s": block/unblock, the name, rrltype2str()
    # and "(whitelisted)" or "" glued, the source net, the address, rrtype_to_string() of the qtype
    (
        "ratelimit <%> <%> type <%> target <%> query <%> <%>",
        [
            "ratelimit block <*> type nodata target <*> query <*> A",
            "ratelimit block <*> type nodata target <*> query <*> AAAA",
            "ratelimit block <*> type nodata target <*> query <*> MX",
            "ratelimit block <*> type nxdomain target <*> query <*> A",
            "ratelimit block <*> type nxdomain target <*> query <*> AAAA",
            "ratelimit block <*> type nxdomain target <*> query <*> MX",
            "ratelimit block <*> type positive target <*> query <*> A",
            "ratelimit block <*> type positive target <*> query <*> MX",
            "ratelimit unblock <*> type nodata target <*> query <*> AAAA",
            "ratelimit unblock <*> type nodata target <*> query <*> SOA",
            "ratelimit unblock <*> type nodata target <*> query <*> TXT",
            "ratelimit unblock <*> type nxdomain target <*> query <*> A",
            "ratelimit unblock <*> type nxdomain target <*> query <*> AAAA",
            "ratelimit unblock <*> type nxdomain target <*> query <*> MX",
            "ratelimit unblock <*> type nxdomain target <*> query <*> SOA",
            "ratelimit unblock <*> type positive target <*> query <*> A",
            "ratelimit unblock <*> type positive target <*> query <*> MX",
        ],
    ),
]


_RQ = "(<*>) "  # vradlog_request()'s "(%u) %.*s%s%s": the request number; the indent is empty
_FROM = (
    "(from client <*> port <*>)"  # auth_name()'s snprintf "from client %.128s port %u%s%.128s%s"
)
_U = "[<u>] "  # "[%s%s%s]": the user name (the password parts are off); <no User-Name attribute> apart
RULES["Freeradius"] = [
    # FreeRADIUS 3.2.1's log calls (src/ at tag release_3_2_1 of github.com/FreeRADIUS/freeradius-server)
    # src/main/auth.c rad_authlog(): RAUTH("%s: [%s%s%s] (%s)%s", msg, ...); msg is a literal or
    # snprintf("Login incorrect (%s)", Module-Failure-Message), itself "%s: %s" of the module's
    # instance name (configuration: <*>) and its REDEBUG text, or that text alone (pair.c)
    (_RQ + "Login OK: [<%>] " + _FROM, [_RQ + "Login OK: " + _U + _FROM]),
    (
        _RQ + "Login incorrect: [<%>] " + _FROM,
        [_RQ + "Login incorrect: " + _U + _FROM],
    ),
    (
        _RQ + "Login incorrect (Home Server failed to respond): [<%>] " + _FROM,
        [_RQ + "Login incorrect (Home Server failed to respond): " + _U + _FROM],
    ),
    (
        _RQ
        + "Login incorrect (<m>): [<%>] "
        + _FROM,  # not the literal "Home Server failed to respond"
        [
            _RQ
            + 'Login incorrect (<*>: Cleartext password does not match "known good" password): '
            + _U
            + _FROM,  # rlm_pap.c
            _RQ
            + "Login incorrect (<*>: Password comparison failed: password is incorrect): "
            + _U
            + _FROM,  # rlm_chap.c
            _RQ
            + "Login incorrect (<*>: MS-CHAP2-Response is incorrect): "
            + _U
            + _FROM,  # rlm_mschap.c
            _RQ
            + "Login incorrect (<*>: Account expired at '<%>'): "
            + _U
            + _FROM,  # rlm_expiration.c
            _RQ
            + "Login incorrect (No Auth-Type found: rejecting the user via Post-Auth-Type = Reject): "
            + _U
            + _FROM,
            _RQ
            + "Login incorrect (No Auth-Type found: rejecting the user via Post-Auth-Type = Reject): [<no User-Name attribute>] "
            + _FROM,
            _RQ
            + "Login incorrect (Failed to find live home server: Cancelling proxy): "
            + _U
            + _FROM,  # process.c
            _RQ
            + 'Login incorrect (Failing proxied request for user "<%>", due to lack of any response from home server <*> port <*>): '
            + _U
            + _FROM,
        ],
    ),
    (_RQ + "Invalid user: [<%>] " + _FROM, [_RQ + "Invalid user: " + _U + _FROM]),
    (
        _RQ + "Invalid user (<%>): [<%>] " + _FROM,
        [_RQ + "Invalid user (<*>: Account expired at '<%>'): " + _U + _FROM],
    ),
    # src/main/process.c; RERROR's "ERROR: " is the request logger's level marker, kept
    _RQ
    + 'ERROR: Failing proxied request for user "<%>", due to lack of any response from home server <%> port <%>',
    "Marking home server <%> port <%> as zombie (it has not responded in <%>.<%> seconds).",
    "Marking home server <%> port <%> as dead.",
    "Marking home server <%> port <%> alive again... we have no idea if it really is alive or not.",
    "Ready to process requests",
    "Received HUP signal",
    "Signalled to terminate",
    # "Dropping packet without response because of error: %s (from client %s)", fr_strerror()
    # set by radius.c's "Received %s packet from client %s with invalid Request Authenticator!
    # (Shared secret is incorrect.)", the packet code's name from fr_packet_codes[]
    (
        "Dropping packet without response because of error: <%> (from client <%>)",
        [
            "Dropping packet without response because of error: Received Accounting-Request packet from client <*> with invalid Request Authenticator! (Shared secret is incorrect.) (from client <*>)"
        ],
    ),
    # src/main/listen.c: "Ignoring request to %s from unknown client %s port %d proto %s"; the
    # listener's own text (common_socket_print: type name, "*" for any address, port, server)
    (
        "Ignoring request to <%> from unknown client <%> port <%> proto <%>",
        [
            "Ignoring request to auth address * port <*> bound to server <*> from unknown client <*> port <*> proto udp"
        ],
    ),
    # src/main/radiusd.c, mainconfig.c, modules.c, modcall.c, conffile.c
    "Debugger not attached",  # INFO("%s", fr_debug_state_to_msg()): a fixed string, printed
    "systemd watchdog is disabled",
    "Exiting normally",
    "HUP - No files changed. Ignoring",
    (
        'Ignoring "<%>" (see raddb/mods-available/README.rst)',
        ['Ignoring "<*>" (see raddb/mods-available/README.rst)'],
    ),
    (
        "Loaded virtual server <%>",  # the server's name, or "<default>" for the unnamed one
        ["Loaded virtual server <default>", "Loaded virtual server <nd>"],
    ),
    "# Skipping contents of '<%>' as it is always 'false' -- <%>:<%>",  # (a leading space: the indent)
    # cf_log_err_cs()'s "%s[%d]: %s" (file, line) before modules.c's message; fr_strerror() is dlerror()
    (
        "<%>[<%>]: Failed to link to module '<%>': <%>",
        [
            "<*>[<*>]: Failed to link to module '<*>': <*>: cannot open shared object file: No such file or directory"
        ],
    ),
]


def main(argv: list[str]) -> None:
    if len(argv) >= 2 and argv[1] == "label":
        names = argv[2:] or list(FORMATS)
        p = HERE / "formats.json"  # keep the entries of the other scripts' sets
        old = json.loads(p.read_text(encoding="utf-8")) if p.exists() else {}
        p.write_text(json.dumps({**old, **FORMATS}, indent=1) + "\n", encoding="utf-8")
        for n in names:
            if n not in FORMATS:
                raise SystemExit(f"unknown set {n}; sets: {', '.join(FORMATS)}")
            label(n)
    else:
        B.run(argv, __doc__, FORMATS, RULES, globals(), TOKENS)


if __name__ == "__main__":
    main(sys.argv)
