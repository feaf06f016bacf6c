#!/usr/bin/env python3.11
# ruff: noqa: E501  (the rules are log templates, kept on one line each where they are long)
"""Build the FOURTH fresh held-out log sets (fresh4) in bench/logsets/ (bench data tooling).

Made in session 11 from programs that no earlier set comes from, by a helper that did not
open the miner's code (extractors/), its results or bench/log_parsing.py, and did not run any
parser (the project's miner, drain3 or another) on these sets.  The rules below were written
by reading the raw logs only; they follow build.py exactly (layout, header formats, labelling
conventions, checks) and reuse its machinery and the earlier scripts' rule tokens:

  set      program (Debian 12 package)             how it was run (scripts in gen/)
  -------  --------------------------------------  ---------------------------------------------
  Stunnel  stunnel 5.68 (stunnel4), debug = info,  gen/stunnel.conf (six services: a TLS front to
           its own log file                        a small HTTP server with TIMEOUTidle, one to a
                                                   dead backend, one requiring client
                                                   certificates, one TLS 1.3 only, two client
                                                   services, one not trusting the server),
                                                   gen/stunnel_pki.sh (throwaway CAs and
                                                   certificates), gen/stunnel_work.py: good and
                                                   bad TLS clients, plain HTTP and broken
                                                   ClientHellos, idle and slow clients, SIGHUP
                                                   and SIGUSR1.  First 2000 lines.
  Exim     Exim 4.96 (exim4-daemon-light) mainlog,  gen/exim4.conf (ACLs on HELO, MAIL, RCPT and
           a log_selector with connections,         DATA, PLAIN auth, aliases with :fail:,
           protocol and syntax errors, subjects,    :defer: and a failing pipe, a size limit, a
           recipients, delivery and queue times     per-host connection limit, a 4 s timeout),
                                                   gen/exim_setup.sh, gen/exim_work.py: SMTP
                                                   sessions good and bad, a fake next hop that
                                                   accepts, rejects (550) and greylists (451),
                                                   a refused next hop, local submissions,
                                                   forced queue runs, SIGHUP.  First 2000 lines.
  Privoxy  Privoxy 3.0.34, debug 1, 2, 128, 1024,   gen/privoxy.conf, gen/privoxy-user.action
           4096 and 8192, on stderr (--no-daemon)   (blocks, redirects, a pcrs redirect),
                                                   gen/privoxy_work.py: proxied requests to a
                                                   small HTTP server, blocked and redirected
                                                   URLs, refused ports and tunnels, names that
                                                   do not resolve, bad request lines, slow
                                                   servers and clients, CGI pages, a touched
                                                   actions file.  First 2000 lines.
  Squid    Squid 5.7 cache.log at ALL,1 with        gen/squid.conf (dstdomain, port, method and
           forwarding (17) at level 3 and peer      urlpath ACLs, short timeouts, memory cache
           selection (44) at level 2                only), gen/squid_work.py: proxied requests,
                                                   denied ones, refused ports, names that do not
                                                   resolve, bad request lines, slow servers and
                                                   clients, squid -k reconfigure.  First 2000
                                                   message lines (the tab-indented lines that
                                                   continue a message, the URL after "fail:",
                                                   dropped).

Conventions (build.py's, README.md's and the earlier groups'), and for these logs:
  * names of things the configuration defines (stunnel's services "[web]", exim's routers
    and transports "R=local_user T=local_file") are values: <*>; a label glued before a
    number stays ("conn<*>", "PeerSelector<*>"), as "d<*>" in the fresh sets;
  * kinds stay constant, one template each: how a connection ended (stunnel's
    "Connection closed:", "Connection reset:", "Connection reset/closed:"), OpenSSL's
    reason texts (the error code before one is <*>), exim's protocol words ("P=esmtp",
    "P=esmtpa", "P=local") and arrow kinds ("<=", "=>", "**", "=="), squid's error kinds
    with their status texts (ERR_CONNECT_FAIL "Service Unavailable"), its hierarchy code
    HIER_DIRECT, its "always_direct = DENIED" and its stopAndDestroy reasons; squid's
    "section,level|" (17,3|) is constant, as the source file after it;
  * text that the other side sent and the program prints is one <*>: exim's quoted
    unrecognized commands, the remote server's SMTP reply ("... after RCPT TO:<<*>>: <*>",
    "C="<*>""), privoxy's request line, a request's URL; a recipient list ("for a b c") and
    a subject DN ("CN=Bench CA") are one <*>;
  * a source location ("rec_layer_s3.c:318", "FwdState.cc(156)") keeps its file, the line
    is <*>; empty values stay empty (exim's "F=<>"); an HTTP method and URL that squid
    fetches ("Fetching GET http://...") are two <*>;
  * ip:port is <*>:<*> and a name without a port is <*>, so privoxy's "to 127.0.0.1:8141"
    and "to wiki7.invalid" are two templates, as are "Socket timeout 3 reached: <ip>:<port>"
    and "... reached: <URL>";
  * a header field that names the message's level (privoxy's "Request:") is a header field;
    the Content left is the URL alone, a template "<*>" for that level, as Postgres's
    STATEMENT lines in build.py.

Usage (as build.py; python3.11 bench/logsets/build_fresh4.py ...):
  generate NAME | select NAME | label [NAME..]
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import build as B  # noqa: E402  (the machinery and conventions of the first sets)
import build_fresh3 as F3  # noqa: E402  (its rule tokens)

GEN = HERE / "gen"
RAW = B.RAW
sh = B.sh

FORMATS = {
    "Stunnel": "<Date> <Time> LOG<Level>\\[<Thread>\\]: <Content>",
    "Exim": "<Date> <Time> \\[<Pid>\\] <Content>",
    "Privoxy": "<Date> <Time> <Thread> <Level>: <Content>",
    "Squid": "<Date> <Time>\\| <Content>",
}


# ----------------------------------------------------------------------------
# generation (what we ran; root on Debian 12)
# ----------------------------------------------------------------------------


def generate_stunnel() -> None:
    B.apt("stunnel4", "openssl")
    d = RAW / "stunnel"
    sh(f"rm -rf {d} && mkdir -p {d} && bash {GEN}/stunnel_pki.sh {d}")
    p = subprocess.Popen(["stunnel", str(GEN / "stunnel.conf")], cwd=d)
    time.sleep(1.5)
    subprocess.run(["timeout", "600", "python3", str(GEN / "stunnel_work.py"), str(d), "200"])
    p.terminate()
    p.wait()


def generate_exim() -> None:
    B.apt("exim4-daemon-light")
    d = RAW / "exim"
    sh(f"bash {GEN}/exim_setup.sh {d}")
    conf = str(d / "exim4.conf")
    p = subprocess.Popen(["exim4", "-C", conf, "-bdf", "-q20s"], cwd=d)
    time.sleep(1.5)
    pw = (d / "pw").read_text()  # the throwaway PLAIN password (exim logs the user only)
    subprocess.run(["timeout", "900", "python3", str(GEN / "exim_work.py"), conf, pw, "560"])
    p.terminate()
    p.wait()


def generate_privoxy() -> None:
    B.apt("privoxy")
    d = RAW / "privoxy"
    sh(f"rm -rf {d} && mkdir -p {d} && cp {GEN}/privoxy-user.action {d}/user.action")
    with open(d / "privoxy.log", "w") as log:  # --no-daemon logs to stderr
        p = subprocess.Popen(
            [
                "privoxy",
                "--no-daemon",
                "--pidfile",
                str(d / "privoxy.pid"),
                str(GEN / "privoxy.conf"),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        time.sleep(1)
        subprocess.run(["timeout", "600", "python3", str(GEN / "privoxy_work.py"), str(d), "300"])
        p.terminate()
        p.wait()


def generate_squid() -> None:
    B.apt("squid")
    d = RAW / "squid"
    conf = str(GEN / "squid.conf")
    sh(f"rm -rf {d} && mkdir -p {d} && chown proxy:proxy {d}")
    p = subprocess.Popen(["squid", "-f", conf, "-N", "-d0"], cwd=d)
    time.sleep(3)
    subprocess.run(["timeout", "600", "python3", str(GEN / "squid_work.py"), conf, "260"])
    sh(f"squid -f {conf} -k shutdown")
    p.wait()


# ----------------------------------------------------------------------------
# selection
# ----------------------------------------------------------------------------


def select_stunnel() -> list[str]:
    return B._read(RAW / "stunnel" / "stunnel.log")[:2000]


def select_exim() -> list[str]:
    return B._read(RAW / "exim" / "log" / "mainlog")[:2000]


def select_privoxy() -> list[str]:
    return B._read(RAW / "privoxy" / "privoxy.log")[:2000]


def select_squid() -> list[str]:
    # a message that prints a list (the URLs of a request's forwarding) continues it on
    # tab-indented lines; a LogHub line always starts with its header
    return [x for x in B._read(RAW / "squid" / "cache.log") if not x.startswith("\t")][:2000]


# ----------------------------------------------------------------------------
# rules (written from the raw logs, before any parser ran on them)
# ----------------------------------------------------------------------------

TOKENS = {
    **F3.TOKENS,
    "<url>": r"[a-z]+://\S+?",  # a URL with its scheme: one value
    "<hn>": r"[^\s:/]+?",  # a host name with no port after it
}

RULES: dict[str, list] = {}

_SSL = "error:<*>:SSL routines::"  # an OpenSSL error: its code is a value, its reason a kind
RULES["Stunnel"] = [
    # start, configuration, reload
    "stunnel <*> on <*> platform",
    "Compiled with OpenSSL <*> <**>",  # version and build date
    "Running with OpenSSL <*> <**>",
    "Threading:<*> Sockets:<*> TLS:<*> Auth:<*>",  # lists of compiled-in features
    "Initializing inetd mode configuration",
    "Reading configuration from file <*>",
    "UTF-8 byte order mark not detected",
    "FIPS mode disabled",
    "Compression disabled",
    "Initializing service [<*>]",
    "OpenSSL security level is used: <*>",
    "Session resumption enabled",
    "Loading certificate from file: <*>",
    "Certificate loaded from file: <*>",
    "Loading private key from file: <*>",
    "Private key loaded from file: <*>",
    "No trusted certificates found",
    "Configured trusted client CA: <**>",
    "Configured trusted server CA: <**>",
    "DH initialization skipped: no DH ciphersuites",
    "DH initialization skipped: client section",
    'Service [<*>] uses "verifyChain" without subject checks',
    'Use "checkHost" or "checkIP" to restrict trusted certificates',
    "Configuration successful",
    "Service [<*>] (FD=<*>) bound to <*>:<*>",
    "Accepting new connections",
    "Executing cron jobs",
    "Cron jobs completed in <*> seconds",
    "Log file reopened",
    # a connection
    "Service [<*>] accepted connection from <*>:<*>",
    "Peer certificate required",
    "Peer certificate not required",
    "No peer certificate received",
    "Certificate accepted at depth=<*>: <**>",  # the subject DN is one value
    "Rejected by CERT at depth=<*>: <**>",
    "CERT: No subject checks configured",
    'CERT: Host name "<*>" matched with "<*>"',
    "CERT: Pre-verification error: unable to get local issuer certificate",
    "Session id: <*>",
    "Decrypted ticket for an authenticated session: yes",
    "TLS accepted: new session negotiated",
    "TLS accepted: previous session reused",
    "TLS connected: new session negotiated",
    "TLS connected: previous session reused",
    "<*> ciphersuite: <*> (<*>-bit encryption)",
    "Peer temporary key: <*>, <*> bits",
    "SNI: sending servername: <*>",
    "s_connect: connecting <*>:<*>",
    "s_connect: connected <*>:<*>",
    "s_connect: connect <*>:<*>: Connection refused (<*>)",
    "No more addresses to connect",
    "persistence: <*>:<*> cached",
    "Service [<*>] connected remote server from <*>:<*>",
    "Read socket closed (read hangup)",
    "Read socket closed (readsocket)",
    "TLS socket closed (SSL_read)",
    "TLS closed (SSL_read)",
    "SSL_shutdown successfully sent close_notify alert",
    "transfer: s_poll_wait: TIMEOUTidle exceeded: sending reset",
    "SSL_accept: ../ssl/record/rec_layer_s3.c:<*>: " + _SSL + "unexpected eof while reading",
    "SSL_accept: ../ssl/record/rec_layer_s3.c:<*>: " + _SSL + "tlsv1 alert unknown ca",
    "SSL_accept: ../ssl/record/ssl3_record.c:<*>: " + _SSL + "http request",
    "SSL_accept: ../ssl/statem/statem_srvr.c:<*>: " + _SSL + "unsupported protocol",
    "SSL_accept: ../ssl/statem/statem_srvr.c:<*>: " + _SSL + "peer did not return a certificate",
    "SSL_accept: ../ssl/statem/statem_srvr.c:<*>: " + _SSL + "certificate verify failed",
    "SSL_connect: ../ssl/statem/statem_clnt.c:<*>: " + _SSL + "certificate verify failed",
    # how it ended: each word a kind
    "Connection closed: <*> byte(s) sent to TLS, <*> byte(s) sent to socket",
    "Connection reset: <*> byte(s) sent to TLS, <*> byte(s) sent to socket",
    "Connection reset/closed: <*> byte(s) sent to TLS, <*> byte(s) sent to socket",
    "Connection closed/reset: <*> byte(s) sent to TLS, <*> byte(s) sent to socket",
]

_H = "(<*>) [<*>] I=[<*>]:<*>"  # exim's "H=(helo) [address] I=[interface]:port"
_HN = "[<*>] I=[<*>]:<*>"  # the same before any HELO
_RJ = "H=" + _H + " F=<<*>> rejected RCPT <<*>>: "
RULES["Exim"] = [
    # the daemon and queue runs
    "exim <*> daemon started: pid=<*>, <*>, listening for SMTP on [<*>]:<*>",
    "pid <*>: SIGHUP received: re-exec daemon",
    "Start queue run: pid=<*>",
    "End queue run: pid=<*>",
    "Start queue run: pid=<*> <*>",  # with the options of a forced run (-qff)
    "End queue run: pid=<*> <*>",
    # SMTP connections
    "SMTP connection from " + _HN + " (TCP/IP connection count = <*>)",
    "Connection from " + _HN + " refused: too many connections from that IP address",
    "SMTP connection from " + _H + " closed by QUIT",
    "SMTP connection from " + _HN + " closed by QUIT",
    "SMTP connection from " + _H + " lost D=<*>",
    "SMTP connection from " + _HN + " lost (error: Connection reset by peer) D=<*>",
    "unexpected disconnection while reading SMTP command from " + _H + " D=<*>",
    "SMTP command timeout on connection from " + _H,
    "no MAIL in SMTP connection from " + _H + " D=<*> C=<*>",  # C= the list of commands
    "no MAIL in SMTP connection from " + _HN + " D=<*> C=<*>",
    "no MAIL in SMTP connection from " + _HN + " D=<*>",
    'SMTP syntax error in "<q>" H=' + _H + " unrecognized command",  # the client's text: one <*>
    'SMTP syntax error in "<q>" H=' + _H + " missing or malformed local part",
    "SMTP call from " + _H + ' dropped: too many unrecognized commands (last was "<q>")',
    "unqualified verify rejected: <<*>> H=" + _H,
    "H=" + _H + " rejected EXPN <*>",
    "plain authenticator failed for " + _H + ": 535 Incorrect authentication data (set_id=<*>)",
    # ACL rejections (the texts of gen/exim4.conf's ACLs are constant, their values <*>)
    "H=(<*>) " + _HN + " rejected EHLO or HELO <*>: HELO is an IP literal, use your name",
    "H=(<*>) " + _HN + " rejected EHLO or HELO <*>: HELO <*> is not a domain name",
    "rejected MAIL from " + _HN + ": no HELO/EHLO given",
    "H=" + _H + " rejected MAIL <<*>>: sender <*> is blocked here",
    "rejected MAIL FROM:<<*>> H=" + _H + ": message too big: size=<*> max=<*>",
    _RJ + "Unrouteable address",
    _RJ + "relay not permitted",
    _RJ + "mailbox <*> is over its limit of messages",
    _RJ + "this person has left the company",
    "H=" + _H + " F=<<*>> temporarily rejected RCPT <<*>>: mailbox is being moved",
    "<*> H=" + _H + " F=<<*>> rejected after DATA: the message has no Subject header",
    "<*> H=" + _H + " Warning: message from <*> has <*> recipients",
    # a message: arrival, deliveries, failures, deferrals ("for" lists the recipients: one <*>)
    "<*> <= <*> H=" + _H + ' P=esmtp S=<*> T="<q>" for <**>',
    "<*> <= <*> H=" + _H + ' P=esmtpa A=plain:<*> S=<*> T="<q>" for <**>',
    '<*> <= <*> U=<*> P=local S=<*> T="<q>" for <**>',
    '<*> <= <> R=<*> U=<*> P=local S=<*> T="<q>" for <**>',  # a bounce
    "<*> => <*> <<*>> F=<<*>> R=<*> T=<*> S=<*> QT=<*> DT=<*>",
    "<*> => <*> <<*>> F=<> R=<*> T=<*> S=<*> QT=<*> DT=<*>",
    '<*> => <*> F=<<*>> R=<*> T=<*> S=<*> H=<*> [<*>]:<*> I=[<*>]:<*> C="<q>" QT=<*> DT=<*>',
    '<*> => <*> F=<> R=<*> T=<*> S=<*> H=<*> [<*>]:<*> I=[<*>]:<*> C="<q>" QT=<*> DT=<*>',
    "<*> ** <*> F=<<*>> R=<*> T=<*> H=<*> [<*>]:<*> I=[<*>]:<*>: SMTP error from remote mail server after RCPT TO:<<*>>: <**> DT=<*>",  # the reply text: one <*>
    "<*> ** <*> F=<>: Unrouteable address DT=<*>",
    "<*> ** <*> <<*>> F=<<*>> R=<*> T=<*>: Child process of <*> transport returned <*> from command: <*> DT=<*>",
    "<*> == <*> R=<*> T=<*> defer (<*>) H=<*> [<*>]:<*> I=[<*>]:<*> DT=<*>: SMTP error from remote mail server after RCPT TO:<<*>>: <**>",
    "<*> == <*> R=<*> T=<*> defer (<*>): Connection refused DT=<*>",
    "<*> == <*> R=<*> T=<*> defer (<*>) DT=<*>: retry time not reached for any host for '<*>'",
    "<*> == <*> routing defer (<*>) DT=<*>: retry time not reached",
    "<*> H=<*> [<*>]:<*> Connection refused",
    "<*> Completed",
    "<*> Frozen (delivery error message)",
    "<*> Message is frozen",
    "<*> Unfrozen by forced delivery",
]

_U = "Can not resolve <*>: Name or service not known"
RULES["Privoxy"] = [
    # start
    "Privoxy version <*>",
    "Program name: <*>",
    "Loading filter file: <*>",
    "Loading actions file: <*>",  # also when a changed actions file is re-read
    "Initialized <*> socket slots.",
    "Listening on port <*> on IP address <*>",
    # connections and requests
    "Waiting for the next client connection. Currently active threads: <*>",
    "Accepted connection from <*> on socket <*>",
    "Complete client request received.",
    ("<*>", {"Level": "Request"}),  # host[:port]/path as the client asked for it: one value
    "to <ip>:<*>",
    "to <hn>",  # a name given without a port
    "to <ip>:<*> successful",
    "Created new connection to <*>:<*> on socket <*>.",
    "Connected to <*>[<*>]:<*>.",
    "Done reading from server. Content length: <*> as expected. Bytes most recently read: <*>.",
    "Reduced expected bytes to <*> to account for the <*> ones we already got.",
    "Closing server socket <*> connected to <*>. Keep-alive: <*>. Tainted: <*>. Socket alive: <*>. Timeout: <*>.",
    "Closing client socket <*>. Keep-alive: <*>. Socket alive: <*>. Data available: <*>. Configuration file change detected: <*>. Requests received: <*>.",
    "The client side of the connection on socket <*> got closed without sending a complete request line.",
    "Socket timeout <*> reached: <ip>:<*>",
    "Socket timeout <*> reached: <url>",
    "Could not connect to [<*>]:<*>: Connection refused.",
    _U,
    # what privoxy did instead of forwarding (its "Crunch" lines)
    "Blocked: <url>",
    "Redirected: <url>",
    "CGI Call: <url>",
    "DNS failure: <url>",
    "Connection failure: <ip>:<*>",
    "Connection failure: <url>",
    "Connection timeout: <url>",
    'pcrs command "<q>" changed "<q>" to "<q>" (<*> hit).',
    'No pcrs command recognized, assuming that "<q>" is already properly formatted.',
    "New URL is: <url>",
    "Now toggled ON.",
    # errors
    "Denying access to <url>. No referrer found.",
    "Client headers did not arrive in time. Timeout: <*>",
    "Couldn't parse request line received from <*>: Parse error",
    "Unknown HTTP method detected: <*>",
    "<*>'s request: '<**>' is invalid. Privoxy isn't configured to accept intercepted requests.",  # the request line: one <*>
]

_F2 = "17,2| FwdState.cc(<*>) "  # section,level| file(line) function: as squid prints them
_F3 = "17,3| FwdState.cc(<*>) "
_PS = "44,2| peer_select.cc(<*>) "
_C = "conn<*> local=<*>:<*> remote=<*>:<*>"  # a client connection
_D = "conn<*> local=<ip> remote=<*>:<*> HIER_DIRECT flags=<*>"  # a server connection
_L = "conn<*> local=<*>:<*> remote=[<*>] FD <*> flags=<*>"  # the listening socket
RULES["Squid"] = [
    # start and reconfigure (ALL,1)
    "Set Current Directory to <*>",
    "Starting Squid Cache version <*> for <*>...",
    "Reconfiguring Squid Cache (version <*>)...",
    "Processing Configuration File: <*> (depth <*>)",
    "Service Name: <*>",
    "Process ID <*>",
    "Process Roles: <**>",  # a list
    "With <*> file descriptors available",
    "Initializing IP Cache...",
    "DNS Socket created at [<*>], FD <*>",
    "DNS Socket created at <ip>, FD <*>",
    "Adding nameserver <*> from <*>",
    "Local cache digest enabled; rebuild/rewrite every <*>/<*> sec",
    "Store logging disabled",
    "Swap maxSize <*> + <*> KB, estimated <*> objects",
    "Target number of buckets: <*>",
    "Using <*> Store buckets",
    "Max Mem size: <*> KB",
    "Max Swap size: <*> KB",
    "Using Least Load store dir selection",
    "Finished loading MIME types and icons.",
    "HTCP Disabled.",
    "Pinger socket opened on FD <*>",
    "Closing Pinger socket on FD <*>",
    "Pinger exiting.",
    "Squid plugin modules loaded: <*>",
    "Adaptation support is off.",
    "Initializing https:// proxy context",
    "Startup: Initializing Authentication Schemes ...",
    "Startup: Initialized Authentication Scheme '<*>'",
    "Startup: Initialized Authentication.",
    "Accepting HTTP Socket connections at " + _L,
    "Closing HTTP(S) port <*>:<*>",
    "pinger: Initialising ICMP pinger ...",
    "pinger: ICMP socket opened.",
    "pinger: ICMPv6 socket opened",
    "storeLateRelease: released <*> objects",
    # client connections (17,2)
    "17,2| QosConfig.cc(<*>) getNfConnmark: QOS: Failed to retrieve connection mark: (<*>) (<*>) Operation not permitted (Destination <*>:<*>, source <*>:<*>)",
    # forwarding (17,2 and 17,3) and peer selection (44,2)
    _F2 + "FwdState: Forwarding client request " + _C + " FD <*> flags=<*>, url=<*>",
    _F3 + "FwdState: FwdState constructed, this=<*>",
    _F3 + "Start: '<*>'",
    _PS + "resolveSelected: Find IP destination for: <*>' via <*>",
    _PS + "resolveSelected: PeerSelector<*> found all <*> destinations for <*>",
    _PS + "resolveSelected: always_direct = DENIED",
    _PS + "resolveSelected: never_direct = DENIED",
    _PS + "resolveSelected: timedout = <*>",
    _PS + "handlePath: PeerSelector<*> found " + _D + ", destination #<*> for <*>",
    _PS + "handlePath: always_direct = DENIED",
    _PS + "handlePath: never_direct = DENIED",
    _PS + "handlePath: timedout = <*>",
    _F3 + "connectStart: <*>+ paths to <*>",
    _F3 + "noteDestination: " + _D,
    _F3 + "GetMarkingsToServer: from <ip> tos <*> netfilter mark <*>",
    _F3 + "GetMarkingsToServer: from <ip>:<*> tos <*> netfilter mark <*>",
    _F3 + "dispatch: " + _C + " FD <*> flags=<*>: Fetching <*> <*>",  # method and URL
    "17,3| HappyConnOpener.cc(<*>) sendFailure: " + _D + " @<*>",
    _F3 + "complete: e:=<*> status <*> <*>",
    _F3 + "complete: server (FD closed) not re-forwarding status <*>",
    _F3 + "reforward: <*>?",
    _F3 + "reforward: No, ENTRY_FWD_HDR_WAIT isn't set",
    _F3 + "retryOrBail: re-forwarding (<*> tries, <*> secs)",
    _F3 + "useDestinations: Connection failed: <*>",
    _F2 + "handleUnregisteredServerEnd: self=<*> err=ERR_READ_TIMEOUT <*>",
    _F3 + 'fail: ERR_CONNECT_FAIL "Service Unavailable"',  # the URL follows on a dropped line
    _F3 + 'fail: ERR_READ_ERROR "Bad Gateway"',
    _F3 + 'fail: ERR_READ_TIMEOUT "Gateway Timeout"',
    _F3 + "unregister: <*>",
    _F3 + "stopAndDestroy: for forwarding completed",
    _F3 + "stopAndDestroy: for cannot retry",
    _F3 + "stopAndDestroy: for path selection found no paths",
    _F3 + "stopAndDestroy: for tried all destinations",
    _F3 + "~FwdState: FwdState destructor start",
    _F3 + "~FwdState: FwdState destructed, this=<*>",
]


def main(argv: list[str]) -> None:
    B.run(argv, __doc__, FORMATS, RULES, globals(), TOKENS)


if __name__ == "__main__":
    main(sys.argv)
