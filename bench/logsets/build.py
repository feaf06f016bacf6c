#!/usr/bin/env python3.11
# ruff: noqa: E501  (the rules are log templates, kept on one line each where they are long)
"""Build the held-out labelled log sets in bench/logsets/ (bench data tooling, not product code).

(Four later, fresh held-out sets are built by build_fresh.py with this machinery.)

Six sets, each a log written by a real free-software program that we ran on the
project's Debian 12 machine (Dec 2026), labelled by hand-written rules below:

  set       program (Debian 12 package version)        how it was run (scripts in gen/)
  --------  -----------------------------------------  ---------------------------------------------
  Postgres  PostgreSQL 15.20 (postgresql-15)           private cluster, log_min_messages=debug1,
                                                       log_connections/disconnections, log_statement=ddl,
                                                       log_min_duration_statement=50, autovacuum and
                                                       checkpoint logging; gen/pg_work.sh run twice
                                                       (pgbench, failing SQL, deadlocks, timeouts,
                                                       temp files), then pg_ctl stop.  server.log
  Nginx     nginx 1.22.1 (nginx-core)                  gen/nginx.conf, error_log at "info"; gen/nginx_work.py
                                                       (curl, ab, raw sockets: 404/403/301, bad requests,
                                                       dead upstreams, limit_req/limit_conn, basic auth,
                                                       timeouts, reload/reopen/quit).  error.log
  Redis     redis-server 7.0.15                        primary + replica, loglevel verbose, both writing
                                                       one log file; gen/redis_work.sh (redis-benchmark,
                                                       BGSAVE/SAVE/BGREWRITEAOF, CONFIG SET/REWRITE,
                                                       replica stalls/restarts, REPLICAOF changes).
  SSHD      OpenSSH 9.2p1 sshd + rsyslog 8.2302         sshd (gen/sshd_config, LogLevel VERBOSE, UsePAM)
                                                       logging through rsyslog (gen/rsyslog.conf, the
                                                       traditional syslog format) to auth.log;
                                                       gen/ssh_work.py run twice: key/password logins,
                                                       wrong passwords/keys, invalid users, sftp,
                                                       bad banners, unsupported algorithms.
  Neo4j     Neo4j 5.26.30 Community, embedded (JVM)    the project's tests/neo4j-server launcher, started
                                                       6 times on one data dir; gen/NeoWork.java (Bolt
                                                       driver: indexes, constraints, bulk writes, failing
                                                       Cypher) between start and shutdown.  logs/debug.log
  Dpkg      dpkg 1.21.22                               /var/log/dpkg.log of this machine (image build and
                                                       later apt-get installs): a 2000-line window.

From a raw log to NAME_2k.log (select_*): lines that continue a multi-line record
(PostgreSQL's tab-indented DETAIL blocks of autovacuum reports, Neo4j's diagnostics
blocks) are dropped, since a LogHub line always starts with its header; Neo4j header
lines whose message is empty (the first line of such a block) are dropped too.  A raw
log longer than ~2000 lines is cut to a contiguous window (SSHD, Dpkg) or to a seeded
in-order sample of 2000 lines (Postgres).  Nothing secret is in the logs: the one
password (a throwaway local account made for the sshd run) never appears in a log and
is generated at random at run time; host keys and user keys were throwaway too.

Labelling (label()): each line is split into header fields and Content with the
LogPAI-style format in formats.json; then every Content must match exactly one rule
of its set.  A rule is a template written by hand after reading the log, in the
conventions of the corrected LogHub templates (Khan et al., ICSE'22):
  * every variable part -> <*>: numbers, ids, hex, IPs and ports (ip:port -> <*>:<*>,
    a leading "/" of "/1.2.3.4" goes with the variable as in Zookeeper), paths, URLs,
    user/host/database/table names, durations, sizes, version strings, and quoted
    identifiers that vary; constant words, quotes and punctuation stay as printed;
  * a number with a fixed unit printed by the format string keeps the unit
    ("<*> ms", "<*> bytes", "<*> kB"); a unit that is part of the value
    (a human-readable size such as "1.2 MB" in Redis is not, "10000ms" is) goes with it;
  * a variable that is a free-form or variable-length string (an SQL statement, an
    HTTP request line, a list) is one <*>, as LogHub does with dates and block lists;
  * key=value: the value is a variable unless it is fixed in this program's output
    for this message (like OpenSSH's "tty=ssh" in LogHub);
  * runs of spaces are one space in a template (LogHub's "My id = <*>").
In a rule, <*> matches one non-space run of characters (lazily), <**> matches any
text including spaces, <q> matches text without a double quote (for quoted values
that may hold spaces), <?> matches a possibly empty token (all written out as <*>); single spaces match any run of whitespace.  A rule given as
(template, {field: value}) applies only to lines with those header values.  Several
rules may yield one template (same EventId).

Usage:
  python3.11 bench/logsets/build.py generate NAME   # re-run a program (root, Debian, apt)
  python3.11 bench/logsets/build.py select NAME     # raw log -> NAME/NAME_2k.log
  python3.11 bench/logsets/build.py label [NAME..]  # NAME_2k.log -> CSVs, with the checks
Raw logs are written under /tmp/lg/ and are not kept in the repository; a re-run
gives a log of the same kind, not the same bytes (timestamps, pids, ports differ).
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
GEN = HERE / "gen"
RAW = Path("/tmp/lg")

FORMATS = {
    "Postgres": "<Date> <Time> <Timezone> \\[<Pid>\\] <User>@<Database> <Level>: <Content>",
    "Nginx": "<Date> <Time> \\[<Level>\\] <Pid>#<Tid>: <Content>",
    "Redis": "<Pid>:<Role> <Day> <Month> <Year> <Time> <Level> <Content>",
    "SSHD": "<Month> <Day> <Time> <Host> sshd\\[<Pid>\\]: <Content>",
    "Neo4j": "<Date> <Time> <Level> \\[<Component>\\] <Content>",
    "Dpkg": "<Date> <Time> <Content>",
}


# ----------------------------------------------------------------------------
# generation (what we ran; needs root on a Debian 12 machine)
# ----------------------------------------------------------------------------


def sh(cmd: str, **kw) -> None:
    print("+", cmd, flush=True)
    subprocess.run(cmd, shell=True, check=True, **kw)


def apt(*pkgs: str) -> None:
    sh(
        "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "
        + " ".join(pkgs)
    )


def generate_postgres() -> None:
    apt("postgresql-15")
    d = RAW / "pg"
    sh(f"rm -rf {d} && mkdir -p {d} && chown postgres {d}")
    b = "/usr/lib/postgresql/15/bin"
    sh(f"cd /tmp && su postgres -c '{b}/initdb -D {d}/data -A trust -U postgres'")
    conf = """
port = 54329
listen_addresses = '127.0.0.1'
unix_socket_directories = '/tmp/lg/pg'
logging_collector = off
log_min_messages = debug1
log_connections = on
log_disconnections = on
log_statement = 'ddl'
log_min_duration_statement = 50
log_checkpoints = on
log_autovacuum_min_duration = 0
log_lock_waits = on
deadlock_timeout = 200ms
log_temp_files = 0
autovacuum_naptime = 5s
log_line_prefix = '%m [%p] %u@%d '
checkpoint_timeout = 30s
"""
    with open(d / "data/postgresql.conf", "a") as f:
        f.write(conf)
    sh(f"cd /tmp && su postgres -c '{b}/pg_ctl -D {d}/data -l {d}/server.log start'")
    time.sleep(2)
    for _ in range(2):
        sh(f"cd /tmp && su postgres -c 'bash {GEN}/pg_work.sh' >/dev/null 2>&1 || true")
    sh(f"cd /tmp && su postgres -c '{b}/pg_ctl -D {d}/data stop'")


def generate_nginx() -> None:
    apt("nginx", "curl", "apache2-utils", "openssl")
    d = RAW / "nginx"
    sh(
        f"rm -rf {d} && mkdir -p {d}/html/docs {d}/html/private {d}/html/img {d}/html/noindex {d}/logs {d}/tmp"
    )
    sh(
        f"echo hello > {d}/html/index.html && echo doc > {d}/html/docs/a.txt && echo x > {d}/html/noindex/file.txt"
    )
    sh(f"echo secret > {d}/html/private/index.html && chmod 000 {d}/html/private/index.html")
    sh(f"dd if=/dev/urandom of={d}/html/img/big.bin bs=1k count=300 2>/dev/null")
    sh(f'printf \'alice:%s\\n\' "$(openssl passwd -apr1 "$(openssl rand -hex 12)")" > {d}/htpasswd')
    sh(f"cp {GEN}/nginx.conf {d}/nginx.conf")
    sh(f"nginx -c {d}/nginx.conf")
    sh(f"timeout 500 python3 {GEN}/nginx_work.py || true")
    sh(f"nginx -c {d}/nginx.conf -s quit")


def generate_redis() -> None:
    apt("redis-server", "redis-tools")
    sh(f"mkdir -p {RAW}/redis && rm -f {RAW}/redis/redis.log")
    sh(f"timeout 400 bash {GEN}/redis_work.sh >/dev/null 2>&1 || true")


def generate_sshd() -> None:
    apt("openssh-server", "openssh-client", "sshpass", "rsyslog")
    d = RAW / "ssh"
    sh(
        f"mkdir -p {d} /run/sshd && cd {d} && for t in ed25519 rsa ecdsa; do [ -f host_$t ] || ssh-keygen -q -t $t -N '' -f host_$t; done"
    )
    sh(
        f"cd {d} && ([ -f ukey ] || ssh-keygen -q -t ed25519 -N '' -f ukey -C bench) && ([ -f badkey ] || ssh-keygen -q -t rsa -b 2048 -N '' -f badkey -C other)"
    )
    sh("id benchuser || useradd -m -s /bin/bash benchuser")
    sh(
        f"mkdir -p /home/benchuser/.ssh && cp {d}/ukey.pub /home/benchuser/.ssh/authorized_keys && chown -R benchuser /home/benchuser/.ssh && chmod 700 /home/benchuser/.ssh && chmod 600 /home/benchuser/.ssh/authorized_keys"
    )
    sh(f"cp {GEN}/sshd_config {GEN}/rsyslog.conf {d}/ && : > {d}/auth.log")
    rs = subprocess.Popen(["rsyslogd", "-n", "-f", f"{d}/rsyslog.conf", "-i", f"{d}/rsyslog.pid"])
    time.sleep(1)
    try:
        for seed in (11, 12):
            pw = os.urandom(9).hex()  # throwaway password for the throwaway account
            subprocess.run(["chpasswd"], input=f"benchuser:{pw}\n", text=True, check=True)
            sh(f"/usr/sbin/sshd -f {d}/sshd_config")
            time.sleep(0.5)
            subprocess.run(["timeout", "500", "python3", str(GEN / "ssh_work.py"), pw, str(seed)])
            sh(f"kill $(cat {d}/sshd.pid)")
            time.sleep(0.5)
    finally:
        rs.terminate()
        rs.wait()
    sh("userdel -r benchuser || true")


def generate_neo4j() -> None:
    # the project's launcher must be built first (tests/neo4j-server, mvn package)
    sh(f"rm -rf {RAW}/neo/data && mkdir -p {RAW}/neo")
    sh(f"cd /tmp && timeout 580 python3 {GEN}/neo_work.py 6")


def generate_dpkg() -> None:
    sh(f"mkdir -p {RAW} && cp /var/log/dpkg.log {RAW}/dpkg.log")


# ----------------------------------------------------------------------------
# selection: raw log -> NAME_2k.log
# ----------------------------------------------------------------------------


def _sample(lines: list[str], n: int = 2000, seed: int = 0) -> list[str]:
    if len(lines) <= n:
        return lines
    keep = sorted(random.Random(seed).sample(range(len(lines)), n))
    return [lines[i] for i in keep]


def _read(p: Path) -> list[str]:
    return p.read_text(encoding="utf-8").splitlines()


def select_postgres() -> list[str]:
    lines = [x for x in _read(RAW / "pg/server.log") if not x.startswith("\t")]
    return _sample(lines)


def select_nginx() -> list[str]:
    return _read(RAW / "nginx/logs/error.log")[:2000]


def select_redis() -> list[str]:
    return _read(RAW / "redis/redis.log")[:2000]


def select_sshd() -> list[str]:
    return _read(RAW / "ssh/auth.log")[:2000]


def select_neo4j() -> list[str]:
    hdr = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\+\d{4} [A-Z]+ +\[[^\]]+\] ")
    lines = [x for x in _read(RAW / "neo/data/logs/debug.log") if hdr.match(x)]
    lines = [x for x in lines if x[hdr.match(x).end() :].strip()]
    return _sample(lines)


def select_dpkg() -> list[str]:
    return _read(RAW / "dpkg.log")[3100:5100]


# ----------------------------------------------------------------------------
# labelling rules: hand-written templates, per set, in the order they were read
# ----------------------------------------------------------------------------

RULES: dict[str, list[str]] = {}

RULES["Postgres"] = [
    # postmaster / startup / shutdown
    "starting PostgreSQL <*> (Debian <*>) on <*>, compiled by gcc (Debian <*>) <*>, <*>-bit",
    'listening on IPv4 address "<*>", port <*>',
    'listening on Unix socket "<*>"',
    "database system was shut down at <**>",
    "database system is ready to accept connections",
    "received SIGHUP, reloading configuration files",
    "received fast shutdown request",
    "shutting down",
    "database system is shut down",
    "autovacuum launcher started",
    "autovacuum launcher shutting down",
    "logical replication launcher started",
    "logical replication launcher shutting down",
    'registering background worker "<**>"',
    'starting background worker process "<**>"',
    'unregistering background worker "<**>"',
    'background worker "<**>" (PID <*>) exited with exit code <*>',
    # startup DEBUG1 details
    "checkpoint record is at <*>",
    "redo record is at <*>; shutdown <*>",
    "next MultiXactId: <*>; next MultiXactOffset: <*>",
    "oldest MultiXactId: <*>, in database <*>",
    "oldest unfrozen transaction ID: <*>, in database <*>",
    "transaction ID wrap limit is <*>, limited by database with OID <*>",
    "MultiXactId wrap limit is <*>, limited by database with OID <*>",
    "MultiXact member stop limit is now <*> based on MultiXact <*>",
    "starting up replication slots",
    "xmin required by slots: data <*>, catalog <*>",
    # checkpoints
    "checkpoint starting: <**>",
    "checkpoint sync: number=<*> file=<*> time=<*> ms",
    "performing replication slot checkpoint",
    "checkpoint complete: wrote <*> buffers (<*>%); <*> WAL file(s) added, <*> removed, <*> recycled; "
    "write=<*> s, sync=<*> s, total=<*> s; sync files=<*>, longest=<*> s, average=<*> s; "
    "distance=<*> kB, estimate=<*> kB",
    # connections
    "connection received: host=<*>",
    "connection authorized: user=<*> database=<*> application_name=<*>",
    "disconnection: session time: <*> user=<*> database=<*> host=<*>",
    'database "<*>" does not exist',
    'role "<*>" does not exist',
    # statements and durations
    "statement: <**>",
    "duration: <*> ms",
    "duration: <*> ms statement: <**>",
    ("<**>", {"Level": "STATEMENT"}),
    # autovacuum / vacuum / analyze
    'autovacuum: processing database "<*>"',
    'automatic vacuum of table "<*>": index scans: <*>',
    'automatic aggressive vacuum of table "<*>": index scans: <*>',
    'automatic analyze of table "<*>"',
    'vacuuming "<*>"',
    'finished vacuuming "<*>": index scans: <*>',
    'skipping analyze of "<*>" --- lock not available',
    "sending cancel to blocking autovacuum PID <*>",
    'while truncating relation "<*>" to <*> blocks',
    # DDL details (DEBUG1)
    'CREATE TABLE will create implicit sequence "<*>" for serial column "<*>"',
    'CREATE TABLE / PRIMARY KEY will create implicit index "<*>" for table "<*>"',
    'ALTER TABLE / ADD PRIMARY KEY will create implicit index "<*>" for table "<*>"',
    'building index "<*>" on table "<*>" serially',
    'building index "<*>" on table "<*>" with request for <*> parallel workers',
    'index "<*>" can safely use deduplication',
    'temporary file: path "<*>", size <*>',
    # errors of the failing SQL
    'syntax error at or near "<*>" at character <*>',
    'relation "<*>" does not exist at character <*>',
    'relation "<*>" does not exist',
    'relation "<*>" already exists',
    'column "<*>" does not exist at character <*>',
    'table "<*>" does not exist',
    'table "<*>" does not exist, skipping',
    "division by zero",
    'invalid input syntax for type integer: "<*>" at character <*>',
    'duplicate key value violates unique constraint "<*>"',
    "Key (<*>)=(<*>) already exists.",
    "canceling statement due to statement timeout",
    # locks and deadlocks
    "process <*> still waiting for ShareLock on transaction <*> after <*> ms",
    "process <*> still waiting for ShareUpdateExclusiveLock on relation <*> of database <*> after <*> ms",
    "process <*> acquired ShareLock on transaction <*> after <*> ms",
    "process <*> detected deadlock while waiting for ShareLock on transaction <*> after <*> ms",
    "Process holding the lock: <*>. Wait queue: <?>.",
    "Process <*> waits for ShareLock on transaction <*>; blocked by process <*>.",
    "Process <*> waits for ShareUpdateExclusiveLock on relation <*> of database <*>.",
    "deadlock detected",
    "See server log for query details.",
    'while updating tuple (<*>,<*>) in relation "<*>"',
]

_NG = ', client: <*>, server: <*>, request: "<q>"'
_NGH = _NG + ', host: "<q>"'
_NGU = _NG + ', upstream: "<*>", host: "<q>"'
RULES["Nginx"] = [
    # master/worker process life cycle
    'using the "epoll" event method',
    "nginx/<*>",
    "OS: <*> <*>",
    "getrlimit(RLIMIT_NOFILE): <*>:<*>",
    "start worker processes",
    "start worker process <*>",
    "signal <*> (SIGHUP) received from <*>, reconfiguring",
    "reconfiguring",
    "signal <*> (SIGUSR1) received from <*>, reopening logs",
    "reopening logs",
    "signal <*> (SIGQUIT) received from <*>, shutting down",
    "signal <*> (SIGCHLD) received from <*>",
    "signal <*> (SIGIO) received",
    "gracefully shutting down",
    "exiting",
    "exit",
    "worker process <*> exited with code <*>",
    # per connection (*N is nginx's connection number)
    "*<*> client <*> closed keepalive connection",
    "*<*> client <*> closed keepalive connection (<*>: Connection reset by peer)",
    '*<*> open() "<*>" failed (<*>: No such file or directory)' + _NGH,
    '*<*> open() "<*>" failed (<*>: Permission denied)' + _NGH,
    '*<*> directory index of "<*>" is forbidden' + _NGH,
    '*<*> limiting requests, excess: <*> by zone "<*>"' + _NGH,
    '*<*> limiting connections by zone "<*>"' + _NGH,
    "*<*> connect() failed (<*>: Connection refused) while connecting to upstream" + _NGU,
    "*<*> upstream server temporarily disabled while connecting to upstream" + _NGU,
    "*<*> no live upstreams while connecting to upstream" + _NGU,
    "*<*> upstream timed out (<*>: Connection timed out) while reading response header from upstream"
    + _NGU,
    "*<*> no user/password was provided for basic authentication" + _NGH,
    '*<*> user "<*>": password mismatch' + _NGH,
    '*<*> user "<*>" was not found in "<*>"' + _NGH,
    "*<*> client intended to send too large body: <*> bytes" + _NGH,
    "*<*> client prematurely closed connection" + _NGH,
    "*<*> client prematurely closed connection while sending response to client" + _NGH,
    "*<*> client prematurely closed connection (<*>: Connection reset by peer) while sending response to client"
    + _NGH,
    "*<*> writev() failed (<*>: Broken pipe) while sending response to client" + _NGH,
    "*<*> client sent invalid method while reading client request line" + _NG,
    "*<*> client sent invalid version while reading client request line" + _NG,
    '*<*> client sent HTTP/1.1 request without "Host" header while reading client request headers'
    + _NG,
    "*<*> client sent invalid host header while reading client request headers" + _NGH,
    '*<*> client sent "Content-Length" and "Transfer-Encoding" headers at the same time while reading client request headers'
    + _NGH,
    '*<*> client sent too long header line: "<q>..." while reading client request headers' + _NGH,
    "*<*> client timed out (<*>: Connection timed out) while reading client request headers" + _NGH,
    "*<*> client timed out (<*>: Connection timed out) while waiting for request, client: <*>, server: <*>",
]

_RCLIENT = (
    "id=<*> addr=<*>:<*> laddr=<*>:<*> fd=<*> name= age=<*> idle=<*> flags=<*> db=<*> sub=<*> psub=<*> "
    "ssub=<*> multi=<*> qbuf=<*> qbuf-free=<*> argv-mem=<*> multi-mem=<*> rbs=<*> rbp=<*> obl=<*> oll=<*> "
    "omem=<*> tot-mem=<*> events=<*> cmd=<*> user=<*> redir=<*> resp=<*>"
)
RULES["Redis"] = [
    # start and stop
    "oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
    "Redis version=<*>, bits=<*>, commit=<*>, modified=<*>, pid=<*>, just started",
    "Configuration loaded",
    "monotonic clock: POSIX clock_gettime",
    "Running mode=<*>, port=<*>.",
    "Server initialized",
    "WARNING Memory overcommit must be enabled! Without it, a background save or replication may fail under "
    "low memory condition. Being disabled, it can can also cause failures without low memory condition, see "
    "https://github.com/jemalloc/jemalloc/issues/1328. To fix this issue add 'vm.overcommit_memory = 1' to "
    "/etc/sysctl.conf and then reboot or run the command 'sysctl vm.overcommit_memory=1' for this to take effect.",
    "Loading RDB produced by version <*>",
    "RDB age <*> seconds",
    "RDB memory usage when created <*> Mb",
    "Done loading RDB, keys loaded: <*>, keys expired: <*>.",
    "DB loaded from disk: <*> seconds",
    "Ready to accept connections",
    "User requested shutdown...",
    "Saving the final RDB snapshot before exiting.",
    "Redis is now ready to exit, bye bye...",
    # clients
    "Accepted <*>:<*>",
    "Client closed connection " + _RCLIENT,
    "Closing idle client",
    "Reading from client: Connection reset by peer",
    "DB <*>: <*> keys (<*> volatile) in <*> slots HT.",
    "CONFIG REWRITE executed with success.",
    # persistence
    "DB saved on disk",
    "Background saving started by pid <*>",
    "Background saving terminated with success",
    "Fork CoW for RDB: current <*> MB, peak <*> MB, average <*> MB",
    "Background append only file rewriting started by pid <*>",
    "Successfully created the temporary AOF base file <*>",
    "Creating AOF incr file <*> on background rewrite",
    "Fork CoW for AOF rewrite: current <*> MB, peak <*> MB, average <*> MB",
    "Background AOF rewrite terminated with success",
    "Successfully renamed the temporary AOF base file <*> into <*>",
    "Successfully renamed the temporary AOF incr file <*> into <*>",
    "Removing the history file <*> in the background",
    "Background AOF rewrite signal handler took <*>",
    "Background AOF rewrite finished successfully",
    # replication, primary side
    "Replica <*>:<*> asks for synchronization",
    "Full resync requested by replica <*>:<*>",
    "Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '<*>', "
    "my replication IDs are '<*>' and '<*>')",
    "Replication backlog created, my new replication IDs are '<*>' and '<*>'",
    "Partial resynchronization request from <*>:<*> accepted. Sending <*> bytes of backlog starting from offset <*>.",
    "Delay next BGSAVE for diskless SYNC",
    "Starting BGSAVE for SYNC with target: replicas sockets",
    "Background RDB transfer started by pid <*>",
    "Diskless rdb transfer, done reading from pipe, <*> replicas still up.",
    "Background RDB transfer terminated with success",
    "Streamed RDB transfer with replica <*>:<*> succeeded (socket). Waiting for REPLCONF ACK from slave to enable streaming",
    "Synchronization with replica <*>:<*> succeeded",
    "Disconnecting timedout replica (streaming sync): <*>:<*>",
    "Connection with replica <*>:<*> lost.",
    # replication, replica side
    "Before turning into a replica, using my own master parameters to synthesize a cached master: "
    "I may be able to synchronize with the new master with just a partial transfer.",
    "REPLICAOF <*>:<*> enabled (user request from '" + _RCLIENT + "')",
    "MASTER MODE enabled (user request from '" + _RCLIENT + "')",
    "Setting secondary replication ID to <*>, valid up to offset: <*>. New replication ID is <*>",
    "Connecting to MASTER <*>:<*>",
    "Reconnecting to MASTER <*>:<*>",
    "MASTER <-> REPLICA sync started",
    "Non blocking connect for SYNC fired the event.",
    "Master replied to PING, replication can continue...",
    "Trying a partial resynchronization (request <*>:<*>).",
    "Partial resynchronization not possible (no cached master)",
    "Full resync from master: <*>:<*>",
    "Discarding previously cached master state.",
    "MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to disk",
    "MASTER <-> REPLICA sync: Flushing old data",
    "MASTER <-> REPLICA sync: Loading DB in memory",
    "MASTER <-> REPLICA sync: Finished with success",
    "MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.",
    "Successful partial resynchronization with master.",
    "Connection with master lost.",
    "Caching the disconnected master state.",
]

_D = "[<*>/<*>] "  # Neo4j's "[database/id] " prefix
_IDX = "Index( id=<*>, name='<*>', type='<*>', schema=<**>, indexProvider='<*>' )"
_DBID = "DatabaseId{<*>[<*>]}"
_NERR = "Error: ErrorCode=<*>, errorMessage='Incorrect file descriptor.'"
RULES["Neo4j"] = [
    # process start
    "Logging config in use: Embedded default config '<*>'",
    "The max heap memory has not been configured. It is recommended that it is always explicitly configured, "
    "to ensure the system has a balanced configuration. Until then, a JVM computed heuristic of <*> bytes is "
    "used instead. If you are running neo4j server, you need to configure server.memory.heap.max_size in "
    "neo4j.conf. If you are running neo4j embedded, you have to launch the JVM with -Xmx set to a value. You "
    "can run neo4j-admin server memory-recommendation for memory configuration suggestions.",
    "The initial heap memory has not been configured. It is recommended that it is always explicitly configured, "
    "to ensure the system has a balanced configuration. Until then, a JVM computed heuristic of <*> bytes is "
    "used instead. If you are running neo4j server, you need to configure server.memory.heap.initial_size in "
    "neo4j.conf. If you are running neo4j embedded, you have to launch the JVM with -Xms set to a value. You "
    "can run neo4j-admin server memory-recommendation for memory configuration suggestions.",
    "The server.memory.pagecache.size setting has not been configured. It is recommended that this setting is "
    "always explicitly configured, to ensure the system has a balanced configuration. Until then, a computed "
    "heuristic value of <*> bytes will be used instead. Run `neo4j-admin memory-recommendation` for memory "
    "configuration suggestions.",
    "Reflection access to java.nio.DirectByteBuffer is not available, using fallback mode. This could have "
    "negative impact on performance and memory usage. Consider adding --add-opens=java.base/java.nio=ALL-UNNAMED "
    "to VM options.",
    "Generated new ServerId: ServerId{<*>} (<*>)",
    "Found ServerId on disk: ServerId{<*>} (<*>)",
    "This instance is ServerId{<*>} (<*>)",
    # database life cycle
    "Creating '" + _DBID + "'.",
    "Starting '" + _DBID + "'.",
    "Stopping '" + _DBID + "'.",
    "Stopped '" + _DBID + "' successfully.",
    _D.strip(),
    _D + "Requirement `Database unavailable` makes database <*> unavailable.",
    _D + _DBID + " is unavailable.",
    _D + "Fulfilling of requirement 'Database unavailable' makes database <*> available.",
    _D + _DBID + " is ready.",
    _D + "Missing counts store, rebuilding it.",
    _D + "Counts store rebuild completed.",
    _D + "Selected configured format for store <*>: <*>",
    _D + "Selected <*> record format from store <*>",
    _D + "Selected format from the store files: <*>",
    _D + "Starting transaction log [<*>] at version=<*>",
    _D + "Scanning log file with version <*> for checkpoint entries",
    _D + "Error on attempt to preallocate log file version: <*>. " + _NERR,
    _D + "Unable to advise sequential access for transaction log version: <*>. " + _NERR,
    _D + "Unable to advise preserve data in cache for transaction log version: <*>. " + _NERR,
    _D + "Unable to evict transaction log from cache with version: <*>. " + _NERR,
    _D
    + "IndexingService.init: indexes not specifically mentioned above are ONLINE. Total <*> indexes. Processed in <*>",
    _D
    + "IndexingService.start: indexes not specifically mentioned above are ONLINE. Total <*> indexes. Processed in <*>",
    _D + "Index population started: [" + _IDX + "]",
    _D + "Index creation finished for index [" + _IDX + "].",
    _D + "Constraint " + _IDX + " is ONLINE.",
    _D + 'Checkpoint triggered by "<q>" @ txId: <*>, append index: <*> checkpoint started...',
    _D
    + 'Checkpoint triggered by "<q>" @ txId: <*>, append index: <*> checkpoint completed in <*>. '
    "Checkpoint flushed <*> pages (<*>% of total available pages), in <*> IOs. "
    "Checkpoint performed with IO limit: <*>, paused in total <*> times( <*> millis).",
    _D + "No log version pruned. The strategy used was '<**>'.",
    _D + "Waiting for closing transactions.",
    _D + "All transactions are closed.",
    # system graph / security
    "Initializing system graph model for component '<*>' with version <*> and status UNINITIALIZED",
    "Setting up initial user from defaults: <*>",
    "CREATE USER <*> PASSWORD ****** CHANGE REQUIRED",
    "Setting version for '<*>' to <*>",
    "After initialization of system graph model component '<*>' have version <*> and status CURRENT",
    "Performing postInitialization step for component '<*>' with version <*> and status CURRENT",
    "Updating the initial password in component '<*>'",
    # Bolt server
    "Using connector transport epoll",
    "Configured external Bolt connector with listener address <*>:<*>",
    "Bolt server loaded",
    "Bolt enabled on <*>:<*>.",
    "Unknown channel option '<*>' for channel '[id: <*>]' of type 'class <*>'",
    "Bolt server started",
    "Anonymous Usage Data is being sent to Neo4j, see https://neo4j.com/docs/usage-data/",
    "id: <*>",
    "name: <*>",
    "creationDate: <*>",
    # shutdown
    "Shutdown started",
    "Requested Bolt server shutdown",
    "Shutting down Bolt server",
    "Stopping remaining idle connections for connector <*>",
    "Stopped <*> idling connections for connector <*>",
    "Stopping <*> connections for connector <*>",
    "Stopped all remaining connections for connector <*>",
    "Bolt server has been shut down",
]

RULES["SSHD"] = [
    "Server listening on <*> port <*>.",
    "Received signal <*>; terminating.",
    'Connection from <*> port <*> on <*> port <*> rdomain ""',
    "Connection closed by <*> port <*>",
    "banner exchange: Connection from <*> port <*>: invalid format",
    "banner exchange: Connection from <*> port <*>: could not read protocol version",
    "error: kex_exchange_identification: Connection closed by remote host",
    'error: kex_exchange_identification: client sent invalid protocol identifier "<q>"',
    "error: Protocol major versions differ: <*> vs. <*>",
    "Unable to negotiate with <*> port <*>: no matching key exchange method found. Their offer: <*> [preauth]",
    "Unable to negotiate with <*> port <*>: no matching cipher found. Their offer: <*> [preauth]",
    "Unable to negotiate with <*> port <*>: no matching host key type found. Their offer: <*> [preauth]",
    # authentication
    "Invalid user <*> from <*> port <*>",
    "User <*> from <*> not allowed because not listed in AllowUsers",
    "Failed none for <*> from <*> port <*> ssh2",
    "Failed none for invalid user <*> from <*> port <*> ssh2",
    "Failed password for <*> from <*> port <*> ssh2",
    "Failed password for invalid user <*> from <*> port <*> ssh2",
    "Failed publickey for <*> from <*> port <*> ssh2: <*> <*>",
    "Postponed publickey for <*> from <*> port <*> ssh2 [preauth]",
    "Accepted key <*> <*> found at <*>:<*>",
    "Accepted publickey for <*> from <*> port <*> ssh2: <*> <*>",
    "Accepted password for <*> from <*> port <*> ssh2",
    "error: maximum authentication attempts exceeded for <*> from <*> port <*> ssh2 [preauth]",
    "error: maximum authentication attempts exceeded for invalid user <*> from <*> port <*> ssh2 [preauth]",
    "Disconnecting authenticating user <*> <*> port <*>: Too many authentication failures [preauth]",
    "Disconnecting invalid user <*> <*> port <*>: Too many authentication failures [preauth]",
    "Connection closed by authenticating user <*> <*> port <*> [preauth]",
    "Connection closed by invalid user <*> <*> port <*> [preauth]",
    "pam_unix(sshd:auth): check pass; user unknown",
    "pam_unix(sshd:auth): authentication failure; logname= uid=<*> euid=<*> tty=ssh ruser= rhost=<*>",
    "pam_unix(sshd:auth): authentication failure; logname= uid=<*> euid=<*> tty=ssh ruser= rhost=<*> user=<*>",
    # sessions
    "pam_unix(sshd:session): session opened for user <*>(uid=<*>) by (uid=<*>)",
    "pam_systemd(sshd:session): Failed to connect to system bus: No such file or directory",
    "pam_env(sshd:session): deprecated reading of user environment enabled",
    "pam_limits(sshd:session): Could not set limit for '<*>' to soft=<*>, hard=<*>: Operation not permitted; uid=<*>,euid=<*>",
    "User child is on pid <*>",
    "Starting session: command for <*> from <*> port <*> id <*>",
    "Starting session: subsystem '<*>' for <*> from <*> port <*> id <*>",
    "Close session: user <*> from <*> port <*> id <*>",
    "Received disconnect from <*> port <*>:<*>: disconnected by user",
    "Disconnected from user <*> <*> port <*>",
    "pam_unix(sshd:session): session closed for user <*>",
]

RULES["Dpkg"] = [
    "startup archives unpack",
    "startup packages configure",
    "startup packages remove",
    "startup packages purge",
    "startup packages triggers-only",
    "startup archives install",
    "install <*> <*> <*>",
    "upgrade <*> <*> <*>",
    "configure <*> <*> <*>",
    "remove <*> <*> <*>",
    "purge <*> <*> <*>",
    "trigproc <*> <*> <*>",
    "status half-installed <*> <*>",
    "status unpacked <*> <*>",
    "status half-configured <*> <*>",
    "status installed <*> <*>",
    "status triggers-pending <*> <*>",
    "status triggers-awaited <*> <*>",
    "status config-files <*> <*>",
    "status not-installed <*> <*>",
]


# ----------------------------------------------------------------------------
# machinery
# ----------------------------------------------------------------------------


def header_regex(fmt: str) -> re.Pattern:
    """LogPAI's generate_logformat_regex: <Field> -> named group, spaces -> \\s+."""
    parts = re.split(r"(<[^<>]+>)", fmt)
    rx = ""
    for p in parts:
        if p.startswith("<") and p.endswith(">"):
            rx += f"(?P<{p[1:-1]}>.*?)"
        else:
            rx += re.sub(" +", r"\\s+", p)
    return re.compile("^" + rx + "$")


def header_fields(fmt: str) -> list[str]:
    return re.findall(r"<([^<>]+)>", fmt)


#: Rule tokens and what they match; each is written as <*> in the template.
TOKENS: dict[str, str] = {
    "<*>": r"\S+?",  # one token
    "<**>": r".+?",  # free text
    "<?>": r"\S*?",  # a token or nothing
    "<q>": r'[^"]+?',  # inside double quotes
}


def _token_split(tokens: dict[str, str]) -> re.Pattern:
    return re.compile(
        "(" + "|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True)) + ")"
    )


def rule_regex(rule: str, tokens: dict[str, str] = TOKENS) -> re.Pattern:
    rx = ""
    for p in _token_split(tokens).split(rule):
        if p in tokens:
            rx += tokens[p]
        else:
            rx += r"\s+".join(re.escape(w) for w in p.split(" "))
    return re.compile("^" + rx + "$", re.S)


def rule_template(rule: str, tokens: dict[str, str] = TOKENS) -> str:
    return _token_split(tokens).sub("<*>", rule)


def generic_regex(template: str) -> re.Pattern:
    """The usual evaluation view of a template: <*> is any text, whitespace is flexible."""
    parts = [r"\s+".join(re.escape(w) for w in p.split(" ")) for p in template.split("<*>")]
    return re.compile("^" + "(.*?)".join(parts) + "$", re.S)


def label(name: str, tokens: dict[str, str] = TOKENS, out: str = "corrected") -> None:
    """``out`` names the CSVs: NAME_2k.log_structured_<out>.csv and NAME_2k.log_templates_<out>.csv."""
    d = HERE / name
    lines = _read(d / f"{name}_2k.log")
    hrx = header_regex(FORMATS[name])
    fields = header_fields(FORMATS[name])
    rules = [r if isinstance(r, tuple) else (r, {}) for r in RULES[name]]
    keys = [r + repr(sorted(f.items())) for r, f in rules]
    assert len(keys) == len(set(keys)), f"{name}: duplicate rule"
    compiled = [(r, rule_regex(r, tokens), rule_template(r, tokens), f) for r, f in rules]
    ids: dict[str, str] = {}
    for _, _, t, _ in compiled:
        if t not in ids:
            ids[t] = f"E{len(ids) + 1}"
    rows, counts, errors = [], {t: 0 for t in ids}, []
    used_rules = set()
    for i, line in enumerate(lines, 1):
        m = hrx.match(line.strip())
        if not m:
            errors.append(f"line {i}: header does not parse: {line[:160]!r}")
            continue
        content = m.group("Content")
        hits = [
            (r, t)
            for r, rx, t, f in compiled
            if all(m.group(k) == v for k, v in f.items()) and rx.match(content)
        ]
        if len(hits) != 1:
            errors.append(
                f"line {i}: {len(hits)} rules match {content[:200]!r}: {[h[0] for h in hits]}"
            )
            continue
        r, t = hits[0]
        if not generic_regex(t).match(content):  # the written template must fit its line too
            errors.append(f"line {i}: template {t!r} does not fit {content[:200]!r}")
        used_rules.add(r)
        counts[t] += 1
        rows.append([i] + [m.group(f) for f in fields if f != "Content"] + [content, ids[t], t])
    unused = [r for r, _ in rules if r not in used_rules]
    if unused:
        errors.append(f"unused rules: {unused}")
    if errors:
        print(f"{name}: {len(errors)} problems", file=sys.stderr)
        for e in errors[:60]:
            print("  " + e, file=sys.stderr)
        raise SystemExit(1)
    with open(d / f"{name}_2k.log_structured_{out}.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(
            ["LineId"]
            + [x for x in fields if x != "Content"]
            + ["Content", "EventId", "EventTemplate"]
        )
        w.writerows(rows)
    with open(d / f"{name}_2k.log_templates_{out}.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["EventId", "EventTemplate", "Occurrences"])
        for t, e in ids.items():
            w.writerow([e, t, counts[t]])
    print(f"{name}: {len(rows)} lines, {len(ids)} templates")


def run(
    argv: list[str],
    doc: str | None,
    formats: dict[str, str],
    rules: dict[str, Any],
    scope: dict[str, Any],
    tokens: dict[str, str] | None = None,
    out: str = "corrected",
) -> None:
    """The command line of a builder script (this one, build_fresh.py, build_fresh2.py):
    ``scope`` holds its generate_/select_ functions, ``formats`` and ``rules`` its sets;
    ``out`` names the label CSVs (see label())."""
    if len(argv) < 2 or argv[1] not in ("generate", "select", "label"):
        print(doc)
        raise SystemExit(2)
    names = argv[2:] or list(formats)
    for n in names:
        if n not in formats:
            raise SystemExit(f"unknown set {n}; sets: {', '.join(formats)}")
    if argv[1] == "generate":
        for n in names:
            scope["generate_" + n.lower()]()
    elif argv[1] == "select":
        for n in names:
            out = scope["select_" + n.lower()]()
            (HERE / n).mkdir(exist_ok=True)
            (HERE / n / f"{n}_2k.log").write_text("\n".join(out) + "\n", encoding="utf-8")
            print(f"{n}: {len(out)} lines selected")
    else:
        p = HERE / "formats.json"  # keep the entries of the other scripts' sets
        old = json.loads(p.read_text(encoding="utf-8")) if p.exists() else {}
        p.write_text(json.dumps({**old, **formats}, indent=1) + "\n", encoding="utf-8")
        FORMATS.update(formats)
        RULES.update(rules)
        for n in names:
            if n in rules:
                label(n, tokens or TOKENS, out)


def main(argv: list[str]) -> None:
    run(argv, __doc__, FORMATS, RULES, globals())


if __name__ == "__main__":
    main(sys.argv)
