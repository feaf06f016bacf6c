"""The embedded FalkorDB server as real processes: persistence, locking, shutdown, crashes.

No mocks: every test starts real redis-server processes (and, where another
graphdesk process is needed, a child Python) on its own short data directory,
and its fixture stops whatever is left on that directory even when it fails.
"""

from __future__ import annotations

import fcntl
import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.embedded import EmbeddedServer, Fsync
from graph.errors import DataDirLocked
from graph.falkor import FalkorStore

ROOT = Path(__file__).resolve().parent.parent
COUNT = "MATCH (n:Section) RETURN count(n) AS c"
CREATE = "UNWIND $rows AS r CREATE (:Section {id: r.id, n: r.n})"

# A graphdesk process: opens the store, writes N nodes, reports, waits for a
# line (or EOF) on stdin, then closes the store.
CHILD = """
import json, os, sys
sys.path.insert(0, sys.argv[1])
from graph.falkor import FalkorStore

data_dir, fsync, n, tag = sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
s = FalkorStore(data_dir, appendfsync=fsync)
rows = [{"id": f"{tag}-{i}", "n": i} for i in range(n)]
s.write_batch("UNWIND $rows AS r CREATE (:Section {id: r.id, n: r.n})", rows, batch_size=100)
count = s.read("MATCH (n:Section) RETURN count(n) AS c")[0]["c"]
print(json.dumps({"pid": os.getpid(), "server": s.server.pid, "owner": s.server.owner,
                  "count": count}), flush=True)
sys.stdin.readline()
s.close()
print(json.dumps({"closed": True}), flush=True)
"""

# Holds the directory's lock without any server, as a hung owner would.
LOCKER = """
import fcntl, os, sys
os.makedirs(os.path.dirname(sys.argv[1]), exist_ok=True)
lock = open(sys.argv[1], "a+")
fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
print('{"locked": true}', flush=True)
sys.stdin.readline()
"""


# -- process helpers --------------------------------------------------------


def alive(pid: int) -> bool:
    """Running; a zombie (dead, not yet reaped by its parent) counts as gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] not in ("Z", "X")


def wait_gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def servers_on(data_dir: Path) -> set[int]:
    """Live redis-server processes whose command line names ``data_dir``."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if b"redis-server" in cmdline and str(data_dir).encode() in cmdline:
            pid = int(entry.name)
            if alive(pid):
                found.add(pid)
    return found


def lock_is_free(data_dir: Path) -> bool:
    with open(data_dir / "falkordb" / "server.lock", "a+") as f:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(f.fileno(), fcntl.LOCK_UN)
        return True


class Child:
    """A child Python process speaking JSON lines on stdout."""

    def __init__(self, code: str, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        self.pid = self.proc.pid
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def message(self, timeout: float = 30.0) -> dict[str, Any]:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"child {self.pid} said nothing in {timeout} s") from None
        if line is None:
            self.proc.wait(timeout=10)
            err = self.proc.stderr.read() if self.proc.stderr else ""
            raise AssertionError(f"child {self.pid} exited ({self.proc.returncode}):\n{err}")
        result: dict[str, Any] = json.loads(line)
        return result

    def proceed(self) -> None:
        """Let the child close its store and exit."""
        assert self.proc.stdin is not None
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()

    def wait(self, timeout: float = 20.0) -> int:
        return self.proc.wait(timeout=timeout)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


# -- fixtures ---------------------------------------------------------------


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """A short per-test directory; whatever server is left on it is stopped at the end."""
    path = Path(tempfile.mkdtemp(prefix="gd", dir="/tmp")).resolve()
    yield path
    for pid in servers_on(path):
        os.kill(pid, signal.SIGCONT)
        os.kill(pid, signal.SIGKILL)
        wait_gone(pid)
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def stores() -> Iterator[Callable[..., FalkorStore]]:
    """Open FalkorStores that are closed at the end of the test, failing or not."""
    opened: list[FalkorStore] = []

    def open_store(data_dir: Path, appendfsync: Fsync = "everysec") -> FalkorStore:
        s = FalkorStore(data_dir, appendfsync=appendfsync)
        opened.append(s)
        return s

    yield open_store
    for s in reversed(opened):
        s.close()


@pytest.fixture
def children() -> Iterator[Callable[..., Child]]:
    started: list[Child] = []

    def start(code: str, *args: str) -> Child:
        child = Child(code, *args)
        started.append(child)
        return child

    yield start
    for child in started:
        child.kill()


def graphdesk_child(
    start: Callable[..., Child], data_dir: Path, n: int, fsync: Fsync = "everysec", tag: str = "c"
) -> Child:
    return start(CHILD, str(ROOT), str(data_dir), fsync, str(n), tag)


def rows(n: int, tag: str = "p") -> list[dict[str, Any]]:
    return [{"id": f"{tag}-{i}", "n": i} for i in range(n)]


def count(store: FalkorStore) -> int:
    return int(store.read(COUNT)[0]["c"])


# -- AOF persistence --------------------------------------------------------

N = 500


@pytest.mark.parametrize("fsync", ["everysec", "always"])
def test_aof_survives_sigkill_of_the_server(
    data_dir: Path, stores: Callable[..., FalkorStore], fsync: Fsync
) -> None:
    first = stores(data_dir, fsync)
    assert first.write_batch(CREATE, rows(N), batch_size=100) == N
    killed = first.server.pid
    assert killed is not None
    os.kill(killed, signal.SIGKILL)
    assert wait_gone(killed)
    db = first.server.db_dir
    assert (db / "falkordb.sock").exists() and (db / "falkordb.pid").exists()  # stale now

    # A new store on the directory sees the dead server and starts a fresh one,
    # which replays the append-only file.
    second = stores(data_dir, fsync)
    assert count(second) == N
    assert second.server.pid not in (None, killed)
    assert servers_on(data_dir) == {second.server.pid}
    assert count(first) == N  # the first store reconnects to the new server
    second.write(CREATE, {"rows": rows(1, "after")})
    assert count(first) == N + 1


@pytest.mark.parametrize("fsync", ["everysec", "always"])
def test_aof_survives_sigkill_of_server_and_owner(
    data_dir: Path,
    stores: Callable[..., FalkorStore],
    children: Callable[..., Child],
    fsync: Fsync,
) -> None:
    child = graphdesk_child(children, data_dir, N, fsync)
    report = child.message()
    assert report["owner"] is True and report["count"] == N
    os.kill(report["server"], signal.SIGKILL)
    child.kill()
    assert wait_gone(report["server"])
    db = data_dir / "falkordb"
    assert (db / "falkordb.sock").exists() and (db / "falkordb.pid").exists()  # stale

    s = stores(data_dir, fsync)
    assert s.server.owner is True
    assert s.server.pid != report["server"]
    assert count(s) == N
    assert servers_on(data_dir) == {s.server.pid}


def test_owner_restarts_a_crashed_server_on_the_next_statement(
    data_dir: Path, stores: Callable[..., FalkorStore]
) -> None:
    s = stores(data_dir, "always")
    s.write(s.dialect.fulltext_index("Section", "search"))
    s.write_batch(
        "UNWIND $rows AS r CREATE (:Section {id: r.id, n: r.n, search: 'deadlock 死锁 ' + r.id})",
        rows(50),
    )
    search = s.dialect.fulltext_call("Section", "search") + " RETURN count(node) AS c"
    killed = s.server.pid
    assert killed is not None
    os.kill(killed, signal.SIGKILL)
    assert wait_gone(killed)
    # The next statement reconnects: the server is started again from the AOF,
    # and the full-text index is rebuilt before the statement runs.
    assert s.read(search, {"q": s.dialect.fulltext_query(["死锁"])}) == [{"c": 50}]
    assert s.server.pid not in (None, killed)
    assert count(s) == 50
    s.write(CREATE, {"rows": rows(1, "after")})
    assert count(s) == 51
    assert servers_on(data_dir) == {s.server.pid}


def test_compaction_after_the_server_died_is_not_a_failure(
    data_dir: Path, stores: Callable[..., FalkorStore]
) -> None:
    s = stores(data_dir, "always")
    s.write(CREATE, {"rows": rows(20)})
    killed = s.server.pid
    assert killed is not None
    os.kill(killed, signal.SIGKILL)
    assert wait_gone(killed)
    s.checkpoint()  # logged, the server started again; the writes were already kept
    assert count(s) == 20
    assert s.server.pid not in (None, killed)


# -- the lock ---------------------------------------------------------------


def test_second_process_reuses_the_running_server(
    data_dir: Path, stores: Callable[..., FalkorStore], children: Callable[..., Child]
) -> None:
    s = stores(data_dir)
    s.write_batch(CREATE, rows(20))
    server = s.server.pid
    assert server is not None
    child = graphdesk_child(children, data_dir, 5, tag="child")
    report = child.message()
    assert report["owner"] is False
    assert report["server"] == server
    assert report["count"] == 25  # it reads what the first process wrote, plus its own
    assert servers_on(data_dir) == {server}  # no second redis-server
    assert count(s) == 25  # and the first reads what the second wrote
    child.proceed()
    assert child.message() == {"closed": True}
    assert child.wait() == 0
    # A reusing process leaves the owner's server running.
    assert alive(server) and count(s) == 25
    assert not lock_is_free(data_dir)


def test_reusing_process_takes_over_when_the_owner_exits(
    data_dir: Path, stores: Callable[..., FalkorStore], children: Callable[..., Child]
) -> None:
    child = graphdesk_child(children, data_dir, 15)
    report = child.message()
    s = stores(data_dir)
    assert s.server.owner is False and s.server.pid == report["server"]
    child.proceed()
    assert child.wait() == 0  # the owner closes its store: its server stops
    assert wait_gone(report["server"], 5)
    assert count(s) == 15  # the next statement starts a server of its own
    assert s.server.owner is True and s.server.pid != report["server"]
    assert servers_on(data_dir) == {s.server.pid}


def test_statements_while_the_owner_shuts_down_wait_and_take_over(
    data_dir: Path, stores: Callable[..., FalkorStore], children: Callable[..., Child]
) -> None:
    child = graphdesk_child(children, data_dir, 15)
    report = child.message()
    s = stores(data_dir)
    assert count(s) == 15
    child.proceed()  # the owner stops its server while this process keeps reading
    seen = []
    while child.proc.poll() is None:
        seen.append(count(s))  # never DataDirLocked: it waits for the lock, then owns
    seen.append(count(s))
    assert set(seen) == {15}
    assert s.server.owner is True and s.server.pid != report["server"]


def test_two_processes_starting_at_once_share_one_server(
    data_dir: Path, children: Callable[..., Child]
) -> None:
    a = graphdesk_child(children, data_dir, 10, tag="a")
    b = graphdesk_child(children, data_dir, 10, tag="b")
    ra, rb = a.message(), b.message()
    assert {ra["owner"], rb["owner"]} == {True, False}
    assert ra["server"] == rb["server"]
    assert servers_on(data_dir) == {ra["server"]}
    owner, other = (a, b) if ra["owner"] else (b, a)
    other.proceed()
    assert other.wait() == 0
    owner.proceed()
    assert owner.wait() == 0
    assert wait_gone(ra["server"])


@pytest.mark.parametrize("leftover", ["no-socket", "stale-socket"])
def test_locked_directory_whose_server_does_not_answer(
    data_dir: Path, children: Callable[..., Child], leftover: str
) -> None:
    db = data_dir / "falkordb"
    locker = children(LOCKER, str(db / "server.lock"))
    assert locker.message() == {"locked": True}
    if leftover == "stale-socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(db / "falkordb.sock"))
        sock.close()  # the file stays; nobody listens
    began = time.monotonic()
    with pytest.raises(DataDirLocked, match=str(data_dir)):
        FalkorStore(data_dir)
    assert time.monotonic() - began < 5
    assert servers_on(data_dir) == set()
    assert (db / "falkordb.sock").exists() == (leftover == "stale-socket")  # left alone
    locker.proceed()
    assert locker.wait() == 0


def test_bad_settings_are_refused(data_dir: Path) -> None:
    with pytest.raises(Exception, match="appendfsync"):
        EmbeddedServer(data_dir, appendfsync="never").start()  # type: ignore[arg-type]
    with pytest.raises(Exception, match="too long"):
        EmbeddedServer(data_dir / ("x" * 120)).start()
    assert servers_on(data_dir) == set()


# -- clean shutdown ---------------------------------------------------------


def test_close_stops_the_server(data_dir: Path, stores: Callable[..., FalkorStore]) -> None:
    s = FalkorStore(data_dir)
    try:
        s.write_batch(CREATE, rows(30))
        pid = s.server.pid
        assert pid is not None and alive(pid)
        assert not lock_is_free(data_dir)
    finally:
        s.close()
    assert not alive(pid)
    db = data_dir / "falkordb"
    assert not (db / "falkordb.sock").exists()
    assert not (db / "falkordb.pid").exists()
    assert lock_is_free(data_dir)
    assert servers_on(data_dir) == set()
    s.close()  # closing twice is harmless
    again = stores(data_dir)
    assert count(again) == 30


def test_sigterm_to_the_owning_process_stops_its_server(
    data_dir: Path, stores: Callable[..., FalkorStore], children: Callable[..., Child]
) -> None:
    child = graphdesk_child(children, data_dir, 40)
    report = child.message()
    assert report["owner"] is True
    os.kill(child.pid, signal.SIGTERM)
    assert child.wait() == 128 + signal.SIGTERM
    assert wait_gone(report["server"], 5)
    assert not (data_dir / "falkordb" / "falkordb.sock").exists()
    assert lock_is_free(data_dir)
    s = stores(data_dir)
    assert count(s) == 40  # the AOF is intact


# -- crash of the owning process ----------------------------------------------


def test_server_orphaned_by_a_crashed_owner_is_adopted(
    data_dir: Path, stores: Callable[..., FalkorStore], children: Callable[..., Child]
) -> None:
    child = graphdesk_child(children, data_dir, 60)
    report = child.message()
    child.kill()  # SIGKILL: no atexit, the server keeps running
    assert alive(report["server"])
    s = stores(data_dir)
    assert s.server.owner is True
    assert s.server.pid == report["server"]  # the same server answers
    assert count(s) == 60
    assert servers_on(data_dir) == {report["server"]}
    s.close()
    assert wait_gone(report["server"], 5)  # the adopter shuts it down
    assert servers_on(data_dir) == set()
    assert count(stores(data_dir)) == 60


def test_hung_orphaned_server_is_replaced(
    data_dir: Path, stores: Callable[..., FalkorStore], children: Callable[..., Child]
) -> None:
    child = graphdesk_child(children, data_dir, 70)
    report = child.message()
    child.kill()
    os.kill(report["server"], signal.SIGSTOP)  # alive, but does not answer
    s = stores(data_dir)
    assert s.server.owner is True
    assert s.server.pid != report["server"]
    assert wait_gone(report["server"], 5)
    assert count(s) == 70
    assert servers_on(data_dir) == {s.server.pid}


def test_the_graph_files_are_the_owners_alone(
    data_dir: Path, stores: Callable[..., FalkorStore]
) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    data_dir.chmod(0o755)  # an existing directory others could read is tightened
    store = stores(data_dir, "always")
    store.write_batch(CREATE, rows(10), batch_size=10)
    store.checkpoint()  # an AOF rewrite: a new base and increment
    db = store.server.db_dir
    for d in (data_dir, db):
        assert d.stat().st_mode & 0o777 == 0o700, d
    files = [p for p in db.rglob("*") if p.is_file()]
    assert any(p.suffix in (".aof", ".rdb") for p in files), files
    for p in files:
        assert p.stat().st_mode & 0o077 == 0, f"{p} is {oct(p.stat().st_mode & 0o777)}"
