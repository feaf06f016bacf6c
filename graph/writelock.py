"""One writer per data directory: an exclusive ``flock`` on ``write.lock``.

Every command that writes the graph (ingest, watch, logs ingest, merges
undo, migrate, doctor --repair, and the demo seeding at start-up) holds this
lock for as long as it writes, so two writers on one directory run one after
the other instead of interleaving their statements (which doubled every
section and edge when two ingests ran at once). Readers never take it.

The lock is the kernel's: it goes with the process, so a crashed or killed
writer never leaves it behind. The holder writes its pid and command line
into the file, so a waiter can say whom it waits for.

The lock lives in the data directory whatever the backend. With the embedded
backend that directory holds the graph itself, so the lock covers every
writer of the graph. With Neo4j the graph is on a server: the lock then
serialises the writers on one machine that share the data directory (one
user's ingests, watch and serve), not writers on other machines.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from graph.errors import GraphError

LOCK_FILE = "write.lock"
POLL_SECONDS = 0.1  # flock has no timeout: a waiter with a deadline polls


class WriteLockTimeout(GraphError):
    """Another writer holds the data directory's write lock longer than we may wait."""


@dataclass(frozen=True)
class Holder:
    """Who holds the lock, as its holder recorded it (unknown fields are None)."""

    pid: int | None
    command: str | None

    def describe(self) -> str:
        who = f"pid {self.pid}" if self.pid is not None else "another process"
        return f"{who} ({self.command})" if self.command else who


def lock_path(data_dir: Path) -> Path:
    return Path(data_dir).expanduser() / LOCK_FILE


def current_command() -> str:
    """This process's command line, as a holder shows it to waiters."""
    args = [Path(sys.argv[0]).name, *sys.argv[1:]] if sys.argv else ["python"]
    text = " ".join(args)
    return text if len(text) <= 200 else text[:197] + "..."


def holder(data_dir: Path) -> Holder | None:
    """Who holds the write lock now, or None when nobody does."""
    path = lock_path(data_dir)
    try:
        fh = path.open("r")
    except FileNotFoundError:
        return None
    with fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_holder(path)
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        return None


def _read_holder(path: Path) -> Holder:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        lines = []
    pid = int(lines[0]) if lines and lines[0].strip().isdigit() else None
    command = lines[1].strip() if len(lines) > 1 and lines[1].strip() else None
    return Holder(pid, command)


@contextmanager
def write_lock(
    data_dir: Path,
    command: str | None = None,
    timeout: float | None = None,
    on_wait: Callable[[Holder], None] | None = None,
) -> Iterator[Holder]:
    """Hold the data directory's write lock for the ``with`` block.

    ``timeout`` None waits as long as it takes; 0 refuses at once when the lock
    is taken; otherwise waits that many seconds. ``on_wait`` is called once,
    with the current holder, when the lock is taken and we are about to wait.
    Raises WriteLockTimeout naming the holder when the wait runs out, and
    GraphError when the directory cannot hold a lock file. The data directory
    is created if need be (only writers take the lock). Not re-entrant: a
    process that already holds the lock is refused, not deadlocked.
    """
    path = lock_path(data_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = path.open("a+", encoding="utf-8")  # "a+": never truncate another holder's note
    except OSError as exc:
        raise GraphError(f"cannot create the write lock {path}: {exc.strerror or exc}") from None
    me = Holder(os.getpid(), command or current_command())
    try:
        _acquire(fh, path, timeout, on_wait)
        # Our note replaces the last holder's (the file is ours now).
        fh.seek(0)
        fh.truncate()
        fh.write(f"{me.pid}\n{me.command}\n")
        fh.flush()
        try:
            yield me
        finally:
            fh.seek(0)
            fh.truncate()
            fh.flush()
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    finally:
        fh.close()


def _acquire(
    fh: IO[str], path: Path, timeout: float | None, on_wait: Callable[[Holder], None] | None
) -> None:
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    current = _read_holder(path)
    if current.pid == os.getpid():
        raise GraphError(f"the write lock {path} is already held by this process")
    if timeout is not None and timeout <= 0:
        raise WriteLockTimeout(
            f"the data directory {path.parent} is being written by {current.describe()}; "
            "not waiting for its write lock"
        )
    if on_wait is not None:
        on_wait(current)
    if timeout is None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)  # blocks until the holder is done
        return
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise WriteLockTimeout(
                    f"the data directory {path.parent} is still being written by "
                    f"{_read_holder(path).describe()} after {timeout:g} s of waiting "
                    "for its write lock"
                ) from None
            time.sleep(POLL_SECONDS)
