#!/usr/bin/env python3.11
# ruff: noqa: E501  (the rules are log templates, kept on one line each where they are long)
"""Build the FIFTH fresh held-out log sets (fresh5) in bench/logsets/ (bench data tooling).

Made in session 12 from programs that no earlier set comes from, by a helper that did not
open the miner's code (extractors/), its results or bench/log_parsing.py beyond the set
loader's signature, and did not run any parser (the project's miner, drain3 or another) on
these sets.  Unlike the earlier groups, whose rules were written by reading the raw logs,
these rules were taken from the programs' own message texts: each line's template is the
format string (or catalogue message) that printed it, found in the program's source or
binary, not by grouping lines that look alike:

  set      program (Debian 12 package)              how it was run (scripts in gen/)
  -------  ---------------------------------------  --------------------------------------------
  Kea      kea-dhcp4 2.2.0 (kea-dhcp4-server        gen/kea-dhcp4.conf: UDP sockets on loopback,
           2.2.0-6), its own log file; packets,     two subnets behind two relay addresses, host
           leases, allocation and commands at       reservations, a PXE class, 20 s leases, memfile,
           debug level 40, hosts, subnets and       the lease and statistics command hooks, a
           classes at INFO                          control socket; gen/kea_work.py: relayed DORA,
                                                    renewals, releases, declines, informs, NAKs, an
                                                    exhausted pool, an unknown relay, malformed
                                                    packets, control commands good and bad, a broken
                                                    configuration reloaded by SIGHUP, expiry.  Two
                                                    runs; a seeded in-order sample of 2000 of 2,970.
           labels: Kea's message catalogue (src/**/*.mes of Kea 2.2.0, ISC's repository at
           tag Kea-2.2.0): the message ID and its text, %1, %2 ... are <*>.
  Ngircd   ngircd 26.1 (26.1-1+deb12u1), -n         gen/ngircd.conf, gen/ngircd2.conf (a peer
           (its console log on stdout)              server, irc2), gen/irc_work.py: users who
                                                    register, join, talk, change nick and quit;
                                                    nick clashes, wrong and right OPER, KILL,
                                                    REHASH, SQUIT and CONNECT; clients that never
                                                    register, stop answering PING, flood or send
                                                    junk; too many connections from one address; a
                                                    server with a wrong password; the peer killed
                                                    and restarted; SIGHUP reloads, one of a broken
                                                    configuration.  All lines (the run
                                                    stopped where ngircd, after a reload, could not
                                                    bind its port again).
           labels: the format strings of ngircd's Log() calls (src/ngircd/*.c at tag rel-26.1).
  Cups     cupsd 2.4.2 (cups-daemon                 gen/cupsd.conf, gen/cups-files.conf,
           2.4.2-3+deb12u10) error_log at           gen/cups_sink.py (a JetDirect sink, and a slow
           LogLevel info                            one), gen/cups_work.sh: text, PostScript and raw
                                                    jobs through the real filters to a sink, a slow
                                                    sink, a refused port, an lpd and an IPP printer
                                                    that are down, a file device and a class; held,
                                                    released, moved and cancelled jobs; queues
                                                    stopped, rejecting, deleted and re-added; a user
                                                    without rights; bad options, unknown queues,
                                                    junk IPP and HTTP; SIGHUP reloads.  All lines.
           labels: CUPS 2.4.2's format strings (the orig tarball of Debian's source package).
  Mariadb  MariaDB 10.11.19 (mariadb-server          gen/mariadb.cnf (log_warnings=4, short
           1:10.11.19-0+deb12u1) error log          timeouts, a small max_allowed_packet, binary
                                                    log in STATEMENT format, the event scheduler),
                                                    gen/mariadb_work.sh: good sessions, wrong
                                                    passwords, unknown users, a database without
                                                    rights, idle and killed clients, broken and
                                                    missing handshakes, oversized packets, KILL,
                                                    unsafe statements, a failing event, a MyISAM
                                                    table damaged while the server was down, a start
                                                    with an unknown option, restarts.  All lines
                                                    less the header-less "Version:" banner.
           labels: the English error-message catalogue (share/english/errmsg.sys) and the
           format strings in /usr/sbin/mariadbd (strings(1)); InnoDB's streamed messages are
           "InnoDB: " and the literal pieces the binary holds.

Conventions (the format string decides; see README.md, "The fifth fresh group"):
  * one template per format string or catalogue message; every conversion (%s, %d, %1) is
    <*>, whatever fills it: names, numbers, kinds and states (a DHCP message type, a shutdown
    reason, an errno text) alike, since the program prints them all through one statement;
    the text around it stays as printed (quotes, brackets, units glued to a conversion:
    "IPv<*>", "<*>m", "second<*>");
  * a wrapper that only puts a prefix before a message of the program's own (cupsd's
    "[Job %d] %s" for a backend's message, mariadbd's "%s: %s" before a catalogue error,
    its event scheduler's "[definer][event] %s", InnoDB's "InnoDB: " before a stream) is
    not the statement: the message inside is, with the prefix kept ("[Job <*>] The printer
    is in use.");
  * where two format strings can print the same line, the rule of the less general one
    narrows a value to one token (<*>) or a path, said at the rule.
In a rule, <%> is a parameter of a format string: any text, maybe empty (written <*>).

Usage (as build.py; python3.11 bench/logsets/build_fresh5.py ...):
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
    "Kea": "<Date> <Time> <Level> \\[<Logger>/<Pid>\\.<Thread>\\] <Content>",
    "Ngircd": "\\[<Pid>:<Level> <Uptime>\\] <Content>",
    "Cups": "<Level> \\[<Timestamp> <Timezone>\\] <Content>",
    "Mariadb": "<Date> <Time> <Thread> \\[<Level>\\] <Content>",
}


# ----------------------------------------------------------------------------
# generation (what we ran; root on Debian 12)
# ----------------------------------------------------------------------------


def generate_kea() -> None:
    B.apt("kea-dhcp4-server")
    d = RAW / "kea"
    sh(f"rm -rf {d} && mkdir -p {d} && cp {GEN}/kea-dhcp4.conf {d}/")
    env = {**os.environ, "KEA_PIDFILE_DIR": str(d), "KEA_LOCKFILE_DIR": str(d)}
    for rounds in (14, 10):  # two server runs on one lease file and one log
        p = subprocess.Popen(["kea-dhcp4", "-c", str(d / "kea-dhcp4.conf")], env=env, cwd=d)
        (d / "kea.pid").write_text(str(p.pid))
        time.sleep(2)
        subprocess.run(["timeout", "900", "python3", str(GEN / "kea_work.py"), str(d), str(rounds)])
        p.send_signal(signal.SIGTERM)
        p.wait()


def generate_ngircd() -> None:
    B.apt("ngircd")
    d = RAW / "ngircd"
    sh(f"rm -rf {d} && mkdir -p {d}")
    operpw, linkpw = secrets.token_hex(10), secrets.token_hex(10)  # throwaway, never logged
    (d / "operpw").write_text(operpw)
    for name in ("ngircd", "ngircd2"):
        text = (GEN / f"{name}.conf").read_text()
        (d / f"{name}.conf").write_text(
            text.replace("@OPERPW@", operpw).replace("@LINKPW@", linkpw)
        )
    with open(d / "ngircd.log", "w") as log:  # -n logs to stdout
        p = subprocess.Popen(["ngircd", "-n", "-f", str(d / "ngircd.conf")], stdout=log, cwd=d)
        (d / "run.pid").write_text(str(p.pid))
        time.sleep(1)
        subprocess.run(["timeout", "1500", "python3", str(GEN / "irc_work.py"), str(d), "40"])
        p.terminate()
        p.wait()


def generate_cups() -> None:
    B.apt("cups", "cups-client", "cups-bsd", "curl", "netcat-openbsd")
    d = RAW / "cups"
    sh(f"rm -rf {d} && mkdir -p {d}/etc/ppd {d}/etc/ssl {d}/spool/tmp {d}/cache {d}/state {d}/out")
    sh(f"cp {GEN}/cupsd.conf {GEN}/cups-files.conf {d}/etc/")
    sh(f"chgrp -R lp {d}/spool {d}/cache {d}/state {d}/out && chmod 770 {d}/spool {d}/out")
    sh(f"chmod 1777 {d}/spool/tmp && chmod 755 {d}")
    sinks = [
        subprocess.Popen(["python3", str(GEN / "cups_sink.py"), *a])
        for a in (["9101"], ["9103", "slow"])
    ]
    conf = ["-c", f"{d}/etc/cupsd.conf", "-s", f"{d}/etc/cups-files.conf"]
    p = subprocess.Popen(["cupsd", "-f", *conf])
    time.sleep(2)
    subprocess.run(["timeout", "1200", "bash", str(GEN / "cups_work.sh"), str(d), "45", str(p.pid)])
    p.terminate()
    p.wait()
    for s in sinks:
        s.terminate()
        s.wait()


def generate_mariadb(rounds: int = 110) -> None:
    B.apt("mariadb-server", "mariadb-client")
    d = RAW / "mariadb"
    sh(f"rm -rf {d} && mkdir -p {d} && chown mysql:mysql {d}")
    sh(f"cp {GEN}/mariadb.cnf {d}/my.cnf")
    (d / "pw").write_text(secrets.token_hex(10))  # throwaway, never logged
    sh(
        f"mariadb-install-db --defaults-file={d}/my.cnf --auth-root-authentication-method=socket > {d}/install.out 2>&1"
    )
    subprocess.run(["timeout", "1500", "bash", str(GEN / "mariadb_work.sh"), str(d), str(rounds)])


# ----------------------------------------------------------------------------
# selection
# ----------------------------------------------------------------------------


def select_kea() -> list[str]:
    # 2,970 lines from two runs: a seeded in-order sample of 2000, so both runs are in it
    return B._sample(B._read(RAW / "kea" / "kea-dhcp4.log"), 2000)


def select_ngircd() -> list[str]:
    return B._read(RAW / "ngircd" / "ngircd.log")[:2000]


def select_cups() -> list[str]:
    return B._read(RAW / "cups" / "error_log")[:2000]


def select_mariadb() -> list[str]:
    # mariadbd writes its "Version: '...'  socket: ...  port: ..." banner without the header
    # (date, thread, level) that every other line has: dropped, as slapd's banner line was
    lines = B._read(RAW / "mariadb" / "error.log")
    return [x for x in lines if not x.startswith("Version: ")][:2000]


# ----------------------------------------------------------------------------
# rules: the format strings of the programs' own sources and catalogues
# ----------------------------------------------------------------------------

TOKENS = {
    **B.TOKENS,
    "<%>": r".*?",  # one parameter of a format string (%s, %d, %1): any text, maybe empty
    "<path>": r"/\S*?",  # a parameter that is a file path (where another rule has host:port)
    "<ut>": r"(?:User|Service)",  # ngircd's Client_TypeText() for a user or a service (client.c)
}

RULES: dict[str, list] = {}

RULES["Kea"] = [
    # Kea 2.2.0's message catalogue (the .mes files): the message ID, then its text; %1, %2 ... are <%>
    # src/bin/dhcp4/dhcp4_messages.mes
    "DHCP4_BUFFER_RECEIVED received buffer from <%>:<%> to <%>:<%> over interface <%>",
    "DHCP4_BUFFER_RECEIVE_FAIL error on attempt to receive packet: <%>",
    "DHCP4_CONFIG_COMPLETE DHCPv4 server has completed configuration: <%>",
    "DHCP4_CONFIG_LOAD_FAIL configuration error using file: <%>, reason: <%>",
    "DHCP4_DECLINE_LEASE Received DHCPDECLINE for addr <%> from client <%>. The lease will be unavailable for <%> seconds.",
    "DHCP4_DYNAMIC_RECONFIGURATION initiate server reconfiguration using file: <%>, after receiving SIGHUP signal or config-reload command",
    "DHCP4_DYNAMIC_RECONFIGURATION_FAIL dynamic server reconfiguration failed with file: <%>",
    "DHCP4_DYNAMIC_RECONFIGURATION_SUCCESS dynamic server reconfiguration succeeded with file: <%>",
    "DHCP4_INIT_REBOOT <%>: client is in INIT-REBOOT state and requests address <%>",
    "DHCP4_LEASE_ADVERT <%>: lease <%> will be advertised",
    "DHCP4_LEASE_ALLOC <%>: lease <%> has been allocated for <%> seconds",
    "DHCP4_MULTI_THREADING_INFO enabled: <%>, number of threads: <%>, queue size: <%>",
    "DHCP4_PACKET_DROP_0005 <%>: unrecognized type <%> in option 53",
    "DHCP4_PACKET_DROP_0006 <%>: unsupported DHCPv4 message type <%>",
    "DHCP4_PACKET_DROP_0009 <%>: Option 53 missing (no DHCP message type), is this a BOOTP packet?",
    "DHCP4_PACKET_NAK_0001 <%>: failed to select a subnet for incoming packet, src <%>, type <%>",
    "DHCP4_PACKET_SEND <%>: trying to send packet <%> (type <%>) from <%>:<%> to <%>:<%> on interface <%>",
    "DHCP4_PARSER_FAIL failed to create or run parser for configuration element <%>: <%>",
    "DHCP4_RELEASE <%>: address <%> was released properly.",
    "DHCP4_SHUTDOWN server shutdown",
    "DHCP4_STARTED Kea DHCPv4 server version <%> started",
    # src/hooks/dhcp/lease_cmds/lease_cmds_messages.mes
    "LEASE_CMDS_ADD4_FAILED lease4-add command failed (parameters: <%>, reason: <%>)",
    "LEASE_CMDS_DEINIT_OK unloading Lease Commands hooks library successful",
    "LEASE_CMDS_INIT_OK loading Lease Commands hooks library successful",
    # src/hooks/dhcp/stat_cmds/stat_cmds_messages.mes
    "STAT_CMDS_DEINIT_OK unloading Stat Commands hooks library successful",
    "STAT_CMDS_INIT_OK loading Stat Commands hooks library successful",
    "STAT_CMDS_LEASE4_GET stat-lease4-get command successful, parameters: <%> rows found: <%>",
    # src/lib/config/config_messages.mes
    "COMMAND_ACCEPTOR_START Starting to accept connections via unix domain socket bound to <%>",
    "COMMAND_DEREGISTERED Command <%> deregistered",
    "COMMAND_RECEIVED Received command '<%>'",
    "COMMAND_SOCKET_CLOSED_BY_FOREIGN_HOST Closed command socket <%> by foreign host, <%>",
    "COMMAND_SOCKET_CONNECTION_CLOSED Closed socket <%> for existing command connection",
    "COMMAND_SOCKET_CONNECTION_OPENED Opened socket <%> for incoming command connection",
    "COMMAND_SOCKET_READ Received <%> bytes over command socket <%>",
    "COMMAND_SOCKET_WRITE Sent response of <%> bytes (<%> bytes left to send) over command socket <%>",
    # src/lib/dhcpsrv/alloc_engine_messages.mes
    "ALLOC_ENGINE_LEASE_RECLAIMED successfully reclaimed lease <%>",
    "ALLOC_ENGINE_V4_ALLOC_FAIL <%>: failed to allocate an IPv4 address after <%> attempt(s)",
    "ALLOC_ENGINE_V4_ALLOC_FAIL_CLASSES <%>: Failed to allocate an IPv4 address for client with classes: <%>",
    "ALLOC_ENGINE_V4_ALLOC_FAIL_SUBNET <%>: failed to allocate an IPv4 lease in the subnet <%>, subnet-id <%>, shared network <%>",
    "ALLOC_ENGINE_V4_DECLINED_RECOVERED IPv4 address <%> was recovered after <%> seconds of probation-period",
    "ALLOC_ENGINE_V4_DISCOVER_HR client <%> sending DHCPDISCOVER has reservation for the address <%>",
    "ALLOC_ENGINE_V4_LEASES_RECLAMATION_COMPLETE reclaimed <%> leases in <%>",
    "ALLOC_ENGINE_V4_LEASES_RECLAMATION_START starting reclamation of expired leases (limit = <%> leases or <%> milliseconds)",
    "ALLOC_ENGINE_V4_LEASE_RECLAIM <%>: reclaiming expired lease for address <%>",
    "ALLOC_ENGINE_V4_NO_MORE_EXPIRED_LEASES all expired leases have been reclaimed",
    "ALLOC_ENGINE_V4_OFFER_NEW_LEASE allocation engine will try to offer new lease to the client <%>",
    "ALLOC_ENGINE_V4_RECLAIMED_LEASES_DELETE begin deletion of reclaimed leases expired more than <%> seconds ago",
    "ALLOC_ENGINE_V4_RECLAIMED_LEASES_DELETE_COMPLETE successfully deleted <%> expired-reclaimed leases",
    "ALLOC_ENGINE_V4_REQUEST_ADDRESS_RESERVED <%>: requested address <%> is reserved",
    "ALLOC_ENGINE_V4_REQUEST_ALLOC_REQUESTED <%>: trying to allocate requested address <%>",
    "ALLOC_ENGINE_V4_REQUEST_EXTEND_LEASE <%>: extending lifetime of the lease for address <%>",
    # src/lib/dhcpsrv/dhcpsrv_messages.mes
    "DHCPSRV_CFGMGR_ADD_IFACE listening on interface <%>",
    "DHCPSRV_CFGMGR_NEW_SUBNET4 a new subnet has been added to configuration: <%>",
    "DHCPSRV_CFGMGR_SOCKET_TYPE_SELECT using socket type <%>",
    "DHCPSRV_MEMFILE_DB opening memory file lease database: <%>",
    "DHCPSRV_MEMFILE_LEASE_FILE_LOAD loading leases from file <%>",
    "DHCPSRV_MEMFILE_LFC_EXECUTE executing Lease File Cleanup using: <%>",
    "DHCPSRV_MEMFILE_LFC_SETUP setting up the Lease File Cleanup interval to <%> sec",
    "DHCPSRV_MEMFILE_LFC_START starting Lease File Cleanup",
    # src/lib/dhcpsrv/hosts_messages.mes
    "HOSTS_BACKENDS_REGISTERED the following host backend types are available: <%>",
    # src/lib/eval/eval_messages.mes
    "EVAL_RESULT Expression <%> evaluated to <%>",
    # src/lib/hooks/hooks_messages.mes
    "HOOKS_CALLOUT_ERROR error returned by callout on hook <%> registered by library with index <%> (callout address <%>) (callout duration <%>)",
    "HOOKS_LIBRARY_CLOSED hooks library <%> successfully closed",
    "HOOKS_LIBRARY_LOADED hooks library <%> successfully loaded",
    "HOOKS_LIBRARY_LOADING loading hooks library <%>",
    "HOOKS_LOAD_SUCCESS 'load' function in hook library <%> returned success",
    "HOOKS_UNLOAD_SUCCESS 'unload' function in hook library <%> returned success",
]


RULES["Cups"] = [
    # CUPS 2.4.2's format strings (file of the call); "[Job <%>] " and "[Client <%>] " are the prefix that cupsdLogJob and cupsdLogClient print
    # backend/lpd.c
    "[Job <%>] The printer is in use.",
    "[Job <%>] The printer may not exist or is unavailable at this time.",
    # scheduler/classes.c
    "Saving classes.conf...",
    # scheduler/client.c
    "[Client <%>] IPP read error: <%>",
    '[Client <%>] Started "<%>" (pid=<%>, file=<%>)',
    # scheduler/conf.c
    "Allowing up to <%> client connections per host.",
    "Configured for up to <%> clients.",
    "Full reload complete.",
    "Full reload is required.",
    "Listening to <%> (Domain)",
    "Listening to <%>:<%> (IPv<%>)",
    'Loaded MIME database from "<%>" and "<%>": <%> types, <%> filters...',
    'Loaded configuration file "<%>"',
    "Remote access is <%>.",
    'Using policy "default" as the default.',
    # scheduler/file.c
    'Cleaning out old files in "<%>".',
    # scheduler/ipp.c
    'All jobs were <%> by "<%>".',
    'Class "<%>" modified by "<%>".',
    'Class "<%>" now accepting jobs ("<%>").',
    'Class "<%>" started by "<%>".',
    'Default destination set to "<%>" by "<%>".',
    'New class "<%>" added by "<%>".',
    'New printer "<%>" added by "<%>".',
    'Printer "<%>" deleted by "<%>".',
    'Printer "<%>" modified by "<%>".',
    'Printer "<%>" now accepting jobs ("<%>").',
    'Printer "<%>" rejecting jobs ("<%>").',
    'Printer "<%>" started by "<%>".',
    'Printer "<%>" stopped by "<%>".',
    'Setting <%> device-uri to "<%>" (was "<%>".)',
    "Setting <%> printer-is-accepting-jobs to <%> (was <%>.)",
    "Setting <%> printer-state to <%> (was <%>.)",
    "[Client <%>] Returning IPP <%> for <%> (<%>) from <%>.",
    '[Job <%>] Adding end banner page "<%>".',
    '[Job <%>] Adding start banner page "<%>".',
    '[Job <%>] Canceled by "<%>".',
    '[Job <%>] File of type <%>/<%> queued by "<%>".',
    '[Job <%>] Queued on "<%>" by "<%>".',
    # scheduler/ipp.c:3564 (cupsdSetJobState, the quotes escaped as it logs)
    '[Job <%>] Job canceled by \\"<%>\\"',
    # scheduler/job.c
    'Loading job cache file "<%>"...',
    "Saving job.cache...",
    "[Job <%>] Backend returned status <%> (<%>)",
    "[Job <%>] Job canceled by user.",
    "[Job <%>] Job completed.",
    "[Job <%>] Job purged by user.",
    "[Job <%>] Job released by user.",
    "[Job <%>] Started backend <%> (PID <%>)",
    "[Job <%>] Started filter <%> (PID <%>)",
    "[Job <%>] Stopping job because the scheduler could not open the output file.",
    # scheduler/listen.c
    "Listening to <path> on fd <%>...",  # the domain socket; an address has its port (next)
    "Listening to <%>:<%> on fd <%>...",
    "Resuming new connection processing...",
    # scheduler/main.c
    "Scheduler shutting down normally.",
    '[Job <%>] Hint: Try setting the LogLevel to "debug" to find out more.',
    # scheduler/printers.c
    "Generating printcap <%>...",
    "Printer drivers are deprecated and will stop working in a future version of CUPS. See https://github.com/OpenPrinting/cups/issues/103",
    "Saving printers.conf...",
    "[Job <%>] Job stopped due to printer being paused.",
]


_M = "<*>: "  # the program name that the error-log writer puts before a client error ("mariadbd: ")
_EV = "Event Scheduler: [<*>][<*>] "  # the scheduler's prefix (definer, event) before an event's error
RULES["Mariadb"] = [
    # MariaDB 10.11's format strings, from the English error-message catalogue
    # (share/english/errmsg.sys) and the strings of /usr/sbin/mariadbd; InnoDB's streamed
    # messages are "InnoDB: " and the pieces the binary holds, a value where a piece ends.
    # start and shutdown
    "Starting MariaDB <%> source revision <%> server_uid <%> as process <%>",
    "Using PAUSE multiplier <%>",
    "Plugin '<%>' is disabled.",
    "Server socket created on IP: '<%>', port: '<%>'.",
    "'user' entry '<%>@<%>' ignored in --skip-name-resolve mode.",
    "'proxies_priv' entry '<%>@<%> <%>@<%>' ignored in --skip-name-resolve mode.",
    "Added new Master_info '<%>' to hash table",
    "Reading of all Master_info entries succeeded",
    _M + "ready for connections.",
    "<%> (initiated by: <%>): Normal shutdown",
    _M + "Shutdown complete",
    _M + "unknown variable '<%>'",
    "Aborting",
    # InnoDB
    "InnoDB: Compressed tables use zlib 1.2.13",  # the zlib version compiled in: one constant string
    "InnoDB: Number of transaction pools: <%>",
    "InnoDB: Using AVX512 instructions",  # one of the constant crc32 messages
    "InnoDB: Using <*>",  # "InnoDB: Using %s" (the I/O method)
    "InnoDB: innodb_buffer_pool_size_max=<%>m, innodb_buffer_pool_size=<%>m",
    "InnoDB: Completed initialization of buffer pool",
    "InnoDB: <%> (block size=<%> bytes)",
    "InnoDB: End of log at LSN=<%>",
    "InnoDB: <%> rollback segments are active.",
    "InnoDB: Setting file '<%>' size to <%>. Physically writing the file full; Please wait ...",
    "InnoDB: File '<%>' size is now <%>.",
    "InnoDB: log sequence number <%>; transaction id <%>",  # "%lu%s": the number and a suffix, one value
    "InnoDB: Loading buffer pool(s) from <%>",
    "InnoDB: Buffer pool(s) load completed at <%>",
    "InnoDB: Starting shutdown...",
    "InnoDB: Dumping buffer pool(s) to <%>",
    "InnoDB: Buffer pool(s) dump completed at <%>",
    "InnoDB: FTS optimize thread exiting.",
    'InnoDB: Removed temporary tablespace data file: "<%>"',
    "Shutdown completed; log sequence number <%>; transaction id <%>",
    # the event scheduler
    "Event Scheduler: scheduler thread started with id <%>",
    "Event Scheduler: Killing the scheduler thread, thread id <%>",
    "Event Scheduler: Waiting for the scheduler thread to reply",
    "Event Scheduler: Stopped",
    "Event Scheduler: Purging the queue. <%> events",
    "Event Scheduler: [<%>].[<%>.<%>] event execution failed.",
    _EV + "Table '<%>.<%>' doesn't exist",  # ER_NO_SUCH_TABLE
    _EV + "At line <%> in <%>",  # ER_SP_... "At line %u in %s"
    # connections and clients
    "Access denied for user '<%>'@'<%>' (using password: <%>)",
    "Access denied for user '<%>'@'<%>' to database '<%>'",
    "Access denied for user '<*>'@'<*>'",  # (user and host one token each: the two above end alike)
    "Aborted connection <%> to db: '<%>' user: '<%>' host: '<%>'<%> (<%>)",
    "Could not read packet: fd: <%>  state: <%>  read_length: <%>  errno: <%>  vio_errno: <%>  length: <%>",
    "Could not write packet: fd: <%>  state: <%>  errno: <%>  vio_errno: <%>  length: <%>",
    _M + "Got packets out of order",
    _M + "Got a packet bigger than 'max_allowed_packet' bytes",
    _M + "Got an error writing communication packets",
    _M + "Connection was killed",
    # statements
    "Unsafe statement written to the binary log using statement format since BINLOG_FORMAT = STATEMENT. <%>",
    "Suppressing warnings of type '<%>' for up to <%> seconds because of flooding",
    # a damaged MyISAM table
    "<%>: Number of rows changed from <%> to <%>",
    "Found <%> of <%> rows when repairing '<%>'",
]

RULES["Ngircd"] = [
    # ngIRCd 26.1's Log() format strings (src/ngircd/, file of the call)
    # channel.c
    'Can\'t create pre-defined channel "<%>": name already in use.',
    'Created pre-defined channel "<%>", mode "<%>" (key "<%>", limit <%>).',
    'Evaluating predefined channel modes for "<%>".',
    # client.c
    '<ut> "<%>" registered (connection <*>).',  # <ut>: Client_TypeText() of a user or service
    '<ut> "<%>" unregistered (connection <%>): <%>.',
    'Client "<%>" unregistered (connection <%>): <%>.',
    "Client unregistered (connection <%>): <%>.",
    'Server "<%>" unregistered (connection <%>): <%>.',
    # conf.c
    '<%>, line <%> (section "<%>"): Unknown variable "<%>"!',
    '<%>, line <%>: Unknown section "<%>"!',
    '<%>, line <%>: Value of "<%>" is not a number!',
    "No administrative information configured but required by RFC!",
    'Using configuration file "<%>" ...',
    # conn-zip.c
    "Enabled link compression (zlib) on connection <%>.",
    # conn.c
    'Accepted connection <%> from "<%>:<%>" on socket <%>.',
    "Can't bind socket to address <%>:<%> - <%>!",
    'Can\'t connect socket to "<%>:<%>" (connection <%>): <%>!',
    'Connection <%> (socket <%>) with "<%>:<%>" established. Now logging in ...',
    'Connection <%> with "<%>:<%>" closed (in: <%>k, out: <%>k).',
    'Connection <%> with "<%>:<%>" closed (in: <%>k/<%>k/<%>%, out: <%>k/<%>k/<%>%).',
    'Establishing connection for "<%>" to "<%>:<%>" (<%>), socket <%> ...',
    "Now listening on [<%>]:<%> (socket <%>).",
    'Preparing to establish a new server link for "<%>" ...',
    "Refused connection from <%>: too may connections (<%>) from this IP address!",
    'Server "<%>" (on "<%>") ready.',
    "Server going down NOW!",
    "Shutting down all listening sockets (<%> total) ...",
    'Shutting down connection <%> (<%>) with "<%>:<%>" ...',
    # io.c
    "IO subsystem: epoll (hint size <%>, initial maxfd <%>, masterfd <%>).",
    # irc-login.c
    '<%> "<%>" changed nick (connection <%>): "<%>" -> "<%>".',
    'Peer on connection <%> announces itself as "<%>" using protocol <%>.<%> (flags: "<%>").',
    'Peer on connection <%> announces itself as <%>-<%> using protocol <%>.<%>/IRC+ (flags: "<%>").',
    'Synchronization with "<%>" done (connection <%>): <%> second<%> [<%> users, <%> channels].',
    # irc-oper.c
    'Got CONNECT command from "<%>" for "<%>".',
    'Got REHASH command from "<%>" ...',
    'Got invalid OPER from "<%>": "<%>" -- <%>!',
    'Got valid OPER for "<%>" from "<%>", user is an IRC operator now.',
    # irc-server.c
    'Connection <%>: Server "<%>" not configured here!',
    'Got SQUIT from <%> for "<%>": "<%>" ...',
    # irc.c
    'Got ERROR from "<%>": "<%>"!',
    'Got KILL command from "<%>" for "<%>": "<%>".',
    # log.c
    "<%> done<%>, served <%> connection<%>.",
    "<%> starting ...",
    # ngircd.c
    "Error unlinking PID file (<%>): <%>",
    "Error writing PID file (<%>): <%>",
    "Not running with changed root directory.",
    "Running as user <%>(<%>), group <%>(<%>), with PID <%>.",
    'ServerUID must not be <%>(0), using "nobody" instead.',
    # numeric.c
    'Server "<%>" registered (connection <%>, 1 hop - direct link).',
    # sighandlers.c
    'Got signal "<%>" ...',
    "Re-reading configuration NOW!",
    "Re-reading of configuration done.",
]


def main(argv: list[str]) -> None:
    # the format-string labels; relabel.py derives the corrected-LogHub ones from them
    B.run(argv, __doc__, FORMATS, RULES, globals(), TOKENS, out="formatstring")


if __name__ == "__main__":
    main(sys.argv)
