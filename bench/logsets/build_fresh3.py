#!/usr/bin/env python3.11
# ruff: noqa: E501  (the rules are log templates, kept on one line each where they are long)
"""Build the THIRD fresh held-out log sets (fresh3) in bench/logsets/ (bench data tooling).

Made in session 8, after the miner's rules for this session were written, from programs
that no earlier set comes from.  The rules below were written by reading the raw logs
only, before any parser (the project's miner, drain3 or another) ran on these sets; they
follow build.py exactly (layout, header formats, labelling conventions, checks) and reuse
its machinery and build_fresh.py's and build_fresh2.py's rule tokens:

  set        program (Debian 12 package)           how it was run (scripts in gen/)
  ---------  ------------------------------------  ---------------------------------------------
  Memcached  memcached 1.6.18, -vv on stderr       gen/memcached_work.py: text-protocol sessions
                                                   (set/add/replace/append/prepend/cas, get/gets/
                                                   gat/touch, incr/decr, delete, meta commands,
                                                   stats, version, flush_all, unknown commands,
                                                   a value too large).  First 2000 lines.
  Slapd      OpenLDAP slapd 2.5.13, loglevel stats  gen/slapd.conf (one mdb database, ACLs, a
                                                   size limit), gen/slapd_work.sh: binds (admin,
                                                   users, wrong password, unknown user,
                                                   anonymous), adds, searches, modifies, renames,
                                                   compares, deletes, password changes, errors.
                                                   First 2000 message lines (the one tab-indented
                                                   continuation line of the banner dropped).
  Unbound    unbound 1.17.1, verbosity 1, query,   gen/unbound.conf (local zones of several types,
             reply and local-action logging        a dead forwarder, no reachable root),
                                                   gen/unbound_work.sh: dig queries of many types,
                                                   refused and blocked names, unbound-control
                                                   reload/flush/stats/local_data/verbosity/
                                                   forward_add.  The whole log (or its first 2000).
  Lighttpd   lighttpd 1.4.69 error log with        gen/lighttpd.conf (access deny, basic auth, a
             debug.log-request-handling and        dead proxy backend, a redirect, status page,
             log-file-not-found                    a 4 KB request limit), gen/lighttpd_work.py.
                                                   First 2000 lines.

Conventions (build.py's and README.md's), and for these logs:
  * a command line that the client sent and the server echoes (memcached's "<28 get k",
    lighttpd's "rqst: GET / HTTP/1.1", unbound's "control cmd: ...") is one <*>; the
    server's own replies and texts ("STORED", "NOT_FOUND", LDAP's "text=...") are constant,
    with <*> for the values they quote;
  * "<28" and ">28" (memcached's direction and connection) are "<<*>" and "><*>"; a source
    location "(response.c.561)" is "(response.c.<*>)": the file stays, the line is a value;
  * DNS record types, rcodes and local-zone types, LDAP operation names and the bind
    mechanism are kinds: constant, one template each;
  * empty values stay empty (dn="", base="", oid=, text=, "URI-query :");
  * a list (LDAP's requested attributes, its modified attributes) is one <*>.

Usage (as build.py; python3.11 bench/logsets/build_fresh3.py ...):
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
import build_fresh2 as F2  # noqa: E402  (its rule tokens)

GEN = HERE / "gen"
RAW = B.RAW
sh = B.sh

FORMATS = {
    "Memcached": "<Content>",
    "Slapd": "<Time> <Thread> <Content>",
    "Unbound": "\\[<Time>\\] <Process>\\[<Pid>\\] <Level>: <Content>",
    "Lighttpd": "<Date> <Time>: <Content>",
}


# ----------------------------------------------------------------------------
# generation (what we ran; root on Debian 12)
# ----------------------------------------------------------------------------


def generate_memcached() -> None:
    B.apt("memcached")
    d = RAW / "memcached"
    sh(f"rm -rf {d} && mkdir -p {d}")
    with open(d / "mc.log", "w") as log:
        p = subprocess.Popen(
            ["memcached", "-u", "memcache", "-l", "127.0.0.1", "-p", "11311", "-U", "0", "-vv"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        time.sleep(1)
        subprocess.run(
            ["timeout", "300", "python3", str(GEN / "memcached_work.py"), "11311", "500"]
        )
        p.terminate()


def generate_slapd() -> None:
    B.apt("slapd", "ldap-utils")
    d = RAW / "slapd"
    sh(f"rm -rf {d} && mkdir -p {d}/db")
    pw = os.urandom(8).hex()  # throwaway root and user password, never logged
    (d / "pw").write_text(pw)
    out = subprocess.run(["slappasswd", "-s", pw], capture_output=True, text=True, check=True)
    (d / "rootpw.conf").write_text(f"rootpw {out.stdout.strip()}\n")
    sh(f"chmod 600 {d}/pw {d}/rootpw.conf")
    with open(d / "slapd.log", "w") as log:
        p = subprocess.Popen(
            ["slapd", "-f", str(GEN / "slapd.conf"), "-h", "ldap://127.0.0.1:3899/", "-d", "256"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        time.sleep(2)
        sh(f"ROUNDS=24 timeout 600 bash {GEN}/slapd_work.sh")
        p.terminate()


def generate_unbound() -> None:
    B.apt("unbound", "bind9-dnsutils")
    d = RAW / "unbound"
    sh(f"rm -rf {d} && mkdir -p {d}")
    conf = GEN / "unbound.conf"
    sh(f"unbound -c {conf} && sleep 1")
    sh(f"ROUNDS=34 timeout 900 bash {GEN}/unbound_work.sh")
    sh(f"unbound-control -c {conf} stop")


def generate_lighttpd() -> None:
    B.apt("lighttpd")
    d = RAW / "lighttpd"
    sh(f"rm -rf {d} && mkdir -p {d}/www/pub {d}/www/private")
    for f, t in (
        ("www/index.html", "hi\n"),
        ("www/pub/a.txt", "a\n"),
        ("www/private/s.txt", "s\n"),
    ):
        (d / f).write_text(t)
    pw = os.urandom(8).hex()  # throwaway basic-auth password, never logged
    (d / "users").write_text(f"admin:{pw}\n")
    sh(f"chmod 600 {d}/users && lighttpd -f {GEN}/lighttpd.conf && sleep 1")
    subprocess.run(["timeout", "400", "python3", str(GEN / "lighttpd_work.py"), "8089", "240", pw])
    sh(f"kill $(cat {d}/lighttpd.pid)")


# ----------------------------------------------------------------------------
# selection
# ----------------------------------------------------------------------------


def select_memcached() -> list[str]:
    return B._read(RAW / "memcached" / "mc.log")[:2000]


def select_slapd() -> list[str]:
    # the banner's second line (the maintainers' address) is a tab-indented continuation
    return [x for x in B._read(RAW / "slapd" / "slapd.log") if not x.startswith("\t")][:2000]


def select_unbound() -> list[str]:
    return B._read(RAW / "unbound" / "unbound.log")[:2000]


def select_lighttpd() -> list[str]:
    return B._read(RAW / "lighttpd" / "error.log")[:2000]


# ----------------------------------------------------------------------------
# rules (written from the raw logs, before any parser ran on them)
# ----------------------------------------------------------------------------

TOKENS = {
    **F2.TOKENS,
    # memcached: an echoed command line, not one of the server's own two messages
    "<echo>": r"(?!new auto-negotiating client connection$|connection closed\.$|server listening \(auto-negotiate\)$).+?",
    "<nq>": r'[^"]+',  # a non-empty quoted value
    "<n.n>": r"\d+\.\d+",
}


RULES: dict[str, list] = {}

RULES["Memcached"] = [
    "slab class <*>: chunk size <*> perslab <*>",
    "<<*> server listening (auto-negotiate)",
    "<<*> new auto-negotiating client connection",
    "<<*> connection closed.",
    "<*>: Client using the ascii protocol",
    "<<*> <echo>",  # the command line the client sent, echoed: one <*>
    "><*> STORED",
    "><*> NOT_STORED",
    "><*> NOT_FOUND",
    "><*> END",
    "><*> ERROR",
    "><*> OK",
    "><*> <n>",  # incr/decr result
    "><*> VERSION <*>",
    "><*> sending key <*>",
    "><*> SERVER_ERROR object too large for cache",
]

_CN = "conn=<*> op=<*> "
_RES = "err=<*> qtime=<*> etime=<*>"
RULES["Slapd"] = [
    "@(#) $OpenLDAP: slapd <*> (<**>) $",  # version and build date
    "slapd starting",
    "conn=<*> fd=<*> ACCEPT from IP=<*>:<*> (IP=<*>:<*>)",
    "conn=<*> fd=<*> closed",
    "connection_input: conn=<*> deferring operation: binding",
    "connection_read(<*>): no connection!",
    _CN + 'BIND dn="" method=<*>',
    _CN + 'BIND dn="<nq>" method=<*>',
    _CN + 'BIND dn="<nq>" mech=SIMPLE bind_ssf=<*> ssf=<*>',
    _CN + "UNBIND",
    _CN + "WHOAMI",
    _CN + 'SRCH base="" scope=<*> deref=<*> filter="<q>"',
    _CN + 'SRCH base="<nq>" scope=<*> deref=<*> filter="<q>"',
    _CN + "SRCH attr=<**>",
    _CN + 'ADD dn="<q>"',
    _CN + 'DEL dn="<q>"',
    _CN + 'MOD dn="<q>"',
    _CN + "MOD attr=<**>",
    _CN + 'MODRDN dn="<q>"',
    _CN + 'CMP dn="<q>" attr="<q>"',
    _CN + 'PASSMOD id="<q>" new',
    _CN + "EXT oid=<*>",
    _CN + 'do_extended: unsupported operation "<q>"',
    _CN + "RESULT tag=<*> " + _RES + " text=",
    _CN + "RESULT oid= " + _RES + " text=",
    _CN + "SEARCH RESULT tag=<*> " + _RES + " nentries=<*> text=",
    _CN + "RESULT tag=<*> " + _RES + " text=object class '<*>' requires attribute '<*>'",
    _CN + "RESULT tag=<*> " + _RES + " text=<*>: attribute type undefined",
    _CN + "RESULT tag=<*> " + _RES + " text=subordinate objects must be deleted first",
    _CN + "RESULT tag=<*> " + _RES + " text=unsupported extended operation",
    "Entry (<*>): object class '<*>' requires attribute '<*>'",
]


def _occurring(name: str, rules: list[str]) -> list[str]:
    """The rules of a written-out combination that some Content line of the set matches."""
    path = HERE / name / f"{name}_2k.log"
    if not path.exists():
        return rules
    hrx = B.header_regex(FORMATS[name])
    contents = [m.group("Content") for x in B._read(path) if (m := hrx.match(x.strip()))]
    keep = []
    for r in rules:
        rx = B.rule_regex(r, TOKENS)
        if any(rx.match(c) for c in contents):
            keep.append(r)
    return keep


_QT = ["A", "AAAA", "MX", "TXT", "SRV", "PTR", "SOA", "ANY", "AXFR", "NS"]
_RC = ["NOERROR", "NXDOMAIN", "SERVFAIL", "REFUSED"]
_ZT = ["static", "redirect", "transparent", "refuse", "always_nxdomain"]
RULES["Unbound"] = [
    # a query, its reply, a local zone's answer: each type, rcode and zone type that
    # occurs (the combinations written out, those that no line has left out)
    *_occurring("Unbound", [f"<ip> <*> {t} IN" for t in _QT]),
    *_occurring("Unbound", [f"<ip> <*> {t} IN {rc} <*> <*> <*>" for t in _QT for rc in _RC]),
    *_occurring("Unbound", [f"<*> {z} <ip>@<*> <*> {t} IN" for z in _ZT for t in _QT]),
    "SERVFAIL <<*> A IN>: failed to get a delegation (eg. prime failure)",
    "SERVFAIL <<*> A IN>: all the configured stub or forward servers failed, at zone <*> no server to query nameserver addresses not usable have no nameserver names",
    "SERVFAIL <<*> A IN>: all servers for this domain failed, at zone <*> upstream server timeout",
    "SERVFAIL <<*> A IN>: all the configured stub or forward servers failed, at zone <*> upstream server timeout",
    "resolving <*> A IN",
    "init module <*>: iterator",
    "start of service (unbound <*>).",
    "service stopped (unbound <*>).",
    "Restart of unbound <*>.",
    "control cmd: <**>",
    "server stats for thread <*>: <*> queries, <*> answers from cache, <*> recursions, <*> prefetch, <*> rejected by ip ratelimiting",
    "server stats for thread <*>: requestlist max <*> avg <*> exceeded <*> jostled <*>",
    "average recursion processing time <*> sec",
    "histogram of recursion processing times",
    "[25%]=<*> median[50%]=<*> [75%]=<*>",
    "lower(secs) upper(secs) recursions",
    "<n.n> <n.n> <n>",  # a histogram row
]

_R = "(response.c.<*>) "
_Q = "(request.c.<*>) "
_G = "(gw_backend.c.<*>) "
RULES["Lighttpd"] = [
    "(server.c.<*>) server started (lighttpd/<*>)",
    _R + "-- parsed Request-URI",
    _R + "Request-URI : <*>",
    _R + "URI-scheme : http",
    _R + "URI-authority : <*>",
    _R + "URI-authority :",
    _R + "URI-path (clean): <*>",
    _R + "URI-query : <*>",
    _R + "URI-query :",
    _R + "-- logical -> physical",
    _R + "Doc-Root : <*>",
    _R + "Basedir : <*>",
    _R + "Rel-Path : <*>",
    _R + "Path : <*>",
    _R + "Pathinfo :",
    _R + "URI : <*>",
    _R + "-- handling subrequest",
    _R + "-- : No such file or directory",
    _R + "request-size too long: <*> -> <*>",
    _Q + "rqst: <**>",  # the request line or header the client sent: one <*>
    _Q + "rqst:",
    _Q + "HTTP/1.1 but Host missing -> <*>",
    _Q + "POST-request, but content-length missing -> <*>",
    _Q + "invalid request line (too short) -> <*>",
    _Q + "unknown HTTP version -> <*>",
    _Q + "unknown http-method -> <*>",
    "(mod_access.c.<*>) url denied as we match access_deny <*>",
    "(mod_auth.c.<*>) password doesn't match for <*> username: <*> IP: <*>",
    "(mod_indexfile.c.<*>) -- handling the request as Indexfile",
    "(mod_indexfile.c.<*>) URI : <*>",
    _G + "handling the request using proxy",
    _G + "establishing connection failed: socket: tcp:<*>:<*>: Connection refused",
    _G + "all handlers for <*>? on are down.",
    _G + "gw-server re-enabled: tcp:<*>:<*> <*> <*>",
]


def main(argv: list[str]) -> None:
    B.run(argv, __doc__, FORMATS, RULES, globals(), TOKENS)


if __name__ == "__main__":
    main(sys.argv)
