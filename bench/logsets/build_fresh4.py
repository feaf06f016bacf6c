#!/usr/bin/env python3.11
# ruff: noqa: E501  (the rules are log templates, kept on one line each where they are long)
"""Build the FOURTH fresh held-out log sets (fresh4) in bench/logsets/ (bench data tooling).

DOCSTRING
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


# ----------------------------------------------------------------------------
# selection
# ----------------------------------------------------------------------------


def select_stunnel() -> list[str]:
    return B._read(RAW / "stunnel" / "stunnel.log")[:2000]


def select_exim() -> list[str]:
    return B._read(RAW / "exim" / "log" / "mainlog")[:2000]


def select_privoxy() -> list[str]:
    return B._read(RAW / "privoxy" / "privoxy.log")[:2000]


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


def main(argv: list[str]) -> None:
    B.run(argv, __doc__, FORMATS, RULES, globals(), TOKENS)


if __name__ == "__main__":
    main(sys.argv)
