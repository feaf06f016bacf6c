#!/usr/bin/env python3.11
# ruff: noqa: E501  (the rules are log templates, kept on one line each where they are long)
"""Build the SIXTH fresh held-out log sets (fresh6) in bench/logsets/ (bench data tooling).

Made in session 21 from programs that no earlier set comes from, by a helper that did not
open the miner's code (extractors/), its results or bench/log_parsing.py, and did not run
any parser (the project's miner, drain3 or another) on these sets.  As in build_fresh5.py,
the rules were taken from the programs' own message texts: each line's template is the
format string that printed it, found in the program's source, not by grouping lines that
look alike:

  set        program (Debian 12 package)            how it was run (scripts in gen/)
  ---------  -------------------------------------  --------------------------------------------
  Tinyproxy  tinyproxy 1.11.1 (tinyproxy-bin         gen/tinyproxy.conf (LogLevel Info, Timeout 4,
             1.11.1-2.1+deb12u1), its own log file   MaxClients 6, a domain filter, CONNECT ports,
                                                     a dead parent proxy for one domain, a reverse
                                                     path, the stats host), gen/tinyproxy-auth.conf
                                                     (the same with BasicAuth), gen/tinyproxy.filter,
                                                     gen/tinyproxy_backend.py (an origin server),
                                                     gen/tinyproxy_work.py: proxied requests, a slow,
                                                     a closing and a junk-answering origin, refused
                                                     ports, names that do not resolve, filtered
                                                     domains, CONNECT, bad and relative request lines,
                                                     a denied client address, idle clients, too many
                                                     clients, SIGUSR1 reloads.  A seeded in-order
                                                     sample of 2000 of the 3,624 lines.
             labels: the format strings of tinyproxy's log_message() calls (src/*.c at tag 1.11.1
             of github.com/tinyproxy/tinyproxy).
  Icecast    icecast2 2.4.4 (icecast2 2.4.4-4+b1)    gen/icecast.xml (loglevel 4, debug), gen/
             error.log                               icecast_work.py: sources by PUT and SOURCE,
                                                     wrong passwords, a mount in use, a mount
                                                     password, a stalled source, listeners on full,
                                                     unknown and htpasswd mounts, a maximum listening
                                                     time, fallback, admin commands, static files,
                                                     junk and idle connections, a relay whose master
                                                     is down, SIGHUP.  The INFO and WARN lines (what
                                                     loglevel 3 writes): 1,145 of 9,222, all kept.
             labels: the format strings of icecast's ICECAST_LOG_INFO/ICECAST_LOG_WARN calls (src/*.c at
             tag v2.4.4 of github.com/xiph/Icecast-Server); the "module/function" before the
             message is a header field.
  Prosody    prosody 0.12.3 (prosody 0.12.3-1+deb12u1) gen/prosody.cfg.lua (debug to a file, c2s
             log file at debug                       without TLS, registration open, c2s_timeout 6, a
                                                     component), gen/prosody_work.py: raw XMPP logins
                                                     right and wrong, unknown users and mechanisms,
                                                     messages, presence, roster, iq queries, in-band
                                                     registration, an unknown host, bad XML, stanzas
                                                     before auth, idle and vanishing clients, a
                                                     component with a wrong secret, SIGHUP.  The
                                                     info, warn and error lines (prosody's default
                                                     level): 895 of 14,547, all kept.
             labels: the format strings of prosody's log() calls (the Lua source installed in
             /usr/lib/prosody/).

Not delivered: a fourth set from fail2ban 1.0.2 (gen/fail2ban.local, gen/fail2ban-jail.local,
gen/fail2ban-failing.conf, gen/fail2ban_work.py) was run, but its server stopped logging after
a "reload postfix" (102 lines) and there was no time to run it again; it has no rules here.

Conventions: those of build_fresh5.py (README.md, "The fifth fresh group"): one template per
format string; every conversion (%s, %d, %q, %lu) is <*>, whatever fills it; the text around
it stays as printed; where two format strings can print the same line, the rule of the less
general one narrows a value, said at the rule.  Added here (README.md, "fresh6"):
  * a format string put together from pieces (C string literals joined, a macro such as
    tinyproxy's PACKAGE or SELECT_OR_POLL, CP_WARN's "line %lu: " prefix) is the one
    string the program prints; a macro that expands to
    a constant is constant text ("Initializing tinyproxy ...").
In a rule, <%> is a parameter of a format string: any text, maybe empty (written <*>).

Usage (as build.py; python3.11 bench/logsets/build_fresh6.py ...):
  generate NAME | select NAME | label [NAME..]
"""

from __future__ import annotations

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
    "Tinyproxy": "<Level> <Month> <Day> <Time> \\[<Pid>\\]: <Content>",
    "Prosody": "<Month> <Day> <Time> <Source> <Level> <Content>",
    "Icecast": "\\[<Date> <Time>\\] <Level> <Module> <Content>",
}


# ----------------------------------------------------------------------------
# generation (what we ran; root on Debian 12)
# ----------------------------------------------------------------------------


def generate_tinyproxy(rounds: int = 30) -> None:
    B.apt("tinyproxy")
    d = RAW / "tinyproxy"
    sh(f"rm -rf {d} && mkdir -p {d}")
    pw = secrets.token_hex(8)  # throwaway, never logged (tinyproxy logs the user name)
    sh(
        f"cp {GEN}/tinyproxy.conf {d}/tinyproxy.conf && cp {GEN}/tinyproxy.conf {d}/tinyproxy-plain.conf"
    )
    (d / "tinyproxy-auth.conf").write_text(
        (GEN / "tinyproxy-auth.conf").read_text().replace("@PW@", pw)
    )
    sh(f"cp {GEN}/tinyproxy.filter {d}/filter && chown -R nobody:nogroup {d} && chmod 755 {d}")
    backend = subprocess.Popen(["python3", str(GEN / "tinyproxy_backend.py"), "8890"])
    p = subprocess.Popen(["tinyproxy", "-d", "-c", str(d / "tinyproxy.conf")])
    time.sleep(2)
    subprocess.run(
        [
            "timeout",
            "900",
            "python3",
            str(GEN / "tinyproxy_work.py"),
            str(d),
            str(rounds),
            str(p.pid),
            pw,
        ]
    )
    p.send_signal(signal.SIGTERM)
    p.wait()
    backend.terminate()
    backend.wait()


def generate_prosody(rounds: int = 40) -> None:
    B.apt("prosody")
    d = RAW / "prosody"
    sh(f"rm -rf {d} && mkdir -p {d}/data")
    (d / "prosody.cfg.lua").write_text(
        (GEN / "prosody.cfg.lua").read_text().replace("@COMPSECRET@", secrets.token_hex(8))
    )
    cfg = f"--config {d}/prosody.cfg.lua"
    users = {u: secrets.token_hex(8) for u in ("alice", "bob", "carol")}  # throwaway, never logged
    (d / "pw").write_text("".join(f"{u} {p}\n" for u, p in users.items()))
    sh(f"chown -R prosody {d}")
    for u, p in users.items():
        sh(
            f"su prosody -s /bin/sh -c 'prosodyctl {cfg} register {u} localhost {p}' >/dev/null 2>&1"
        )
    p = subprocess.Popen(["su", "prosody", "-s", "/bin/sh", "-c", f"exec prosody {cfg}"])
    time.sleep(3)
    pid = int((d / "prosody.pid").read_text())
    subprocess.run(
        ["timeout", "900", "python3", str(GEN / "prosody_work.py"), str(d), str(rounds), str(pid)]
    )
    os.kill(pid, signal.SIGTERM)
    p.wait()


def generate_icecast(rounds: int = 25) -> None:
    B.apt("icecast2")
    d = RAW / "icecast"
    sh(
        f"rm -rf {d} && mkdir -p {d}/web && cp -r /usr/share/icecast2/web/* {d}/web/ && echo hello > {d}/web/hello.txt"
    )
    pws = [secrets.token_hex(8) for _ in range(3)]  # source, admin, mount: throwaway, never logged
    (d / "pw").write_text(" ".join(pws) + "\n")
    text = (GEN / "icecast.xml").read_text()
    for k, v in zip(("@SRCPW@", "@ADMPW@", "@MNTPW@"), pws, strict=True):
        text = text.replace(k, v)
    (d / "icecast.xml").write_text(text)
    sh(f"touch {d}/members.htpasswd && chown -R nobody:nogroup {d} && chmod 755 {d}")
    p = subprocess.Popen(["icecast2", "-c", str(d / "icecast.xml")], cwd=d)
    time.sleep(3)
    pid = int((d / "icecast.pid").read_text())
    subprocess.run(
        ["timeout", "1200", "python3", str(GEN / "icecast_work.py"), str(d), str(rounds), str(pid)]
    )
    os.kill(pid, signal.SIGTERM)
    p.wait()


# ----------------------------------------------------------------------------
# selection
# ----------------------------------------------------------------------------


def select_tinyproxy() -> list[str]:
    # 3,624 lines of one run: a seeded in-order sample of 2000, so that the start, the
    # reloads (with and without basic auth) and the shutdown are all in reach
    return B._sample(B._read(RAW / "tinyproxy" / "tinyproxy.log"), 2000)


def select_prosody() -> list[str]:
    # the run logged at debug (14,547 lines, most of them stanza traces); the set is the
    # lines of the levels info, warn and error, what prosody writes at its default level
    # ("log = { info = ... }"): 895 lines, all kept
    lines = B._read(RAW / "prosody" / "prosody.log")
    return [x for x in lines if x.split("\t")[1:2] != ["debug"]][:2000]


def select_icecast() -> list[str]:
    # the run logged at loglevel 4 (debug; 9,222 lines, mostly stats updates); the set is the
    # lines of levels INFO, WARN and EROR, what loglevel 3 (icecast's default) writes:
    # 1,145 lines, all kept
    lines = B._read(RAW / "icecast" / "error.log")
    return [x for x in lines if "] DBUG " not in x[:30]][:2000]


# ----------------------------------------------------------------------------
# rules: the format strings of the programs' own sources
# ----------------------------------------------------------------------------

TOKENS = {
    **B.TOKENS,
    "<%>": r".*?",  # one parameter of a format string (%s, %d, %q): any text, maybe empty
}

RULES: dict[str, list] = {}

RULES["Tinyproxy"] = [
    # tinyproxy 1.11.1's log_message() format strings (file of the call); adjacent C string
    # literals are joined, SELECT_OR_POLL and PACKAGE expanded
    # acl.c
    'Unauthorized connection from "<%>".',
    # basicauth.c
    "Added basic auth user : <%>",
    # child.c
    "Maximum number of connections reached. Refusing new connections.",
    # conf.c
    "line <%>: deprecated option <%>",  # CP_WARN: "line %lu: " FMT
    "Setting \"Via\" header to '<%>'",
    'Stathost set to "<%>"',
    "Added address [<%>] to listen addresses.",
    # connect-ports.c
    "Adding Port [<%>] to the list allowed by CONNECT",
    # filter.c
    "Re-reading filter file.",
    # main.c
    'Now running as group "<%>".',
    "Reloading config file",
    "Reloading config file finished",
    "Initializing tinyproxy ...",  # "Initializing " PACKAGE " ..."
    "Starting main loop. Accepting connections.",
    # reqs.c
    "read_request_line: Client (file descriptor: <%>) closed socket before read.",
    "Request (file descriptor <%>): <%>",
    "process_request: Bad Request on file descriptor <%>",
    "Refused CONNECT method on port <%>",
    'Proxying refused on filtered <%> "<%>"',
    "Request for the stathost.",
    "Could not retrieve all the headers from the remote server.",
    "Could not connect to upstream proxy.",
    "no entity",
    "Read request entity of <%> bytes",
    "Connect (file descriptor <%>): <%>",
    "Could not retrieve all the headers from the client",
    'Established connection to host "<%>" using file descriptor <%>.',
    'process_client_headers failed: <%>. host "<%>" using file descriptor <%>.',
    'process_server_headers failed: <%>. host "<%>" using file descriptor <%>.',
    "Closed connection between local client (fd:<%>) and remote client (fd:<%>)",
    # (the sample left out five lines that the run printed once: "Now running as user ...",
    # "Setting the various signals.", "listening on fd [...]", "Shutting down.", "trying to
    # bring down ... threads..."; their rules are not here, since every rule must match a line)
    # reverse-proxy.c
    "Added reverse proxy rule: <%> -> <%>",
    "Rewriting URL: <%> -> <%>",
    # sock.c
    "opensock: opening connection to <%>:<%>",
    "opensock: Could not retrieve address info for <%>:<%>: <%>",
    "opensock: getaddrinfo returned for <%>:<%>",
    "opensock: Could not establish a connection to <%>:<%>",
    "trying to listen on host[<%>], family[<%>], socktype[<%>], proto[<%>]",
    "listen_sock called with addr = '<%>'",
    # transparent-proxy.c
    "process_request: trans IP <%> <%> for <%>",
    "transparent: destination IP <%> is local on socket fd <%>",
    # upstream.c
    "Added upstream none for <%>",
    "Added upstream <%> <%>:<%> for <%>",
    "Found upstream proxy <%> <%>:<%> for <%>",
    "No upstream proxy for <%>",
]

RULES["Prosody"] = [
    # prosody 0.12.3's log() format strings (Lua's string.format; file of the call, under
    # /usr/lib/prosody/)
    # core/certmanager.lua
    "Error indexing certificate directory <%>: <%>",
    # core/portmanager.lua ('on %s': "no ports" or the list of ports, one conversion)
    "Activated service '<%>' on <%>",
    "Deactivated service '<%>'",
    # core/sessionmanager.lua
    "Authenticated as <%>@<%>",
    # modules/mod_c2s.lua
    "Client connected",
    "Client disconnected: <%>",
    # modules/mod_component.lua
    "Component authentication failed for <%>",
    "Disconnecting component, <stream:error> is: <%>",
    "Incoming Jabber component connection",
    "component disconnected: <%> (<%>)",
    # modules/mod_posix.lua
    "The 'daemonize' option has been deprecated, specify -D or -F on the command line instead.",
    "Received SIGTERM",
    "Received SIGHUP",
    # modules/mod_register_ibr.lua
    "User account created: <%>@<%>",
    # util/startup.lua
    "Reloading configuration file",
    "Shutting down: <%>",
    "Prosody is using the <%> backend for connection handling",
    "Hello and welcome to Prosody version <%>",
    "Shutdown status: Cleaning up",
    "Shutting down...",
    "Shutdown complete",
]

RULES["Icecast"] = [
    # icecast 2.4.4's ICECAST_LOG_INFO/WARN format strings (src/, file of the call); %H (an
    # HTML-escaped string) is a conversion like %s; adjacent C literals are joined
    # admin.c
    "Bad or missing password on mount modification admin request (command: <%>)",
    'Received admin command <%> on mount "<%>"',
    "Admin command <%> on non-existent source <%>",
    'source is "<%>", destination is "<%>"',
    'Metadata on mountpoint <%> changed to "<%>"',
    # auth.c
    "auth on <%> has <%> pending",
    "Authentication thread started",
    "Authenication thread shutting down",  # sic
    "adding client for authentication",
    "Auth shutdown",
    # auth_htpasswd.c
    're-reading htpasswd file "<%>"',
    'Configured htpasswd authentication using password file "<%>"',
    # cfgfile.c
    'Warning, <hostname> not configured, using default value "<%>". This will cause problems, e.g. with YP directory listings.',
    # connection.c
    "No SSL capability on any configured ports",
    'Source logging in at mountpoint "<%>" from <%>',
    "Source (<%>) attempted to login with invalid or missing password",
    "Mountpoint <%> in use",
    # format.c
    'Unsupported or legacy stream type: "<%>". Falling back to generic minimal handler for best effort.',
    # fserve.c
    "file serving stopped",
    "checking for file <%> (<%>)",
    'req for file "<%>" <%>',
    # main.c
    "Caught halt request, shutting down...",
    "<%> server started",  # ICECAST_VERSION_STRING through %s
    "Shutting down",
    # slave.c
    "connecting to <%>:<%>",
    "Failed to connect to <%>:<%>",
    'Starting relayed source at mountpoint "<%>"',
    "Caught config reload request, re-reading config...",
    "shutting down current relays",
    "Slave thread shutdown complete",
    # source.c
    'passing <%> listeners to "<%>"',
    "Disconnecting source due to socket timeout",
    "End of Stream <%>",
    "time limit reached for client #<%>",
    "Client deleted, exceeding maximum listeners for this mountpoint (<%>).",
    "listener count on <%> now <%>",
    'Source from <%> at "<%>" exiting',
    'unable to open file "<%>"',
    # stats.c
    "stats thread finished",
    "stats thread started",
    # yp.c
    "YP update thread started",
    "YP thread down",
]


def main(argv: list[str]) -> None:
    # the format-string labels; relabel.py derives the corrected-LogHub ones from them
    B.run(argv, __doc__, FORMATS, RULES, globals(), TOKENS, out="formatstring")


if __name__ == "__main__":
    main(sys.argv)
