"""One writer per data directory: the write lock, in real processes on the real embedded graph."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from graph.errors import GraphError
from graph.queries.documents import counts
from graph.store import Store
from graph.writelock import WriteLockTimeout, holder, lock_path, write_lock
from migrations.runner import migrate
from tests.conftest import _free_port
from tests.manual import MANUAL, PAGES
from tests.test_embedded_server import servers_on

ROOT = Path(__file__).resolve().parent.parent
DEMO_DOCS = ROOT / "data" / "demo" / "docs"
CLEAN_ENV = {
    k: v
    for k, v in os.environ.items()
    if k
    not in ("GRAPHDESK_CONFIG", "GRAPHDESK_GRAPH", "GRAPHDESK_DATA_DIR", "GRAPHDESK_LOCK_TIMEOUT")
}
# Holds the lock until its stdin closes; says "held" once it has it.
HOLDER = (
    "import sys\n"
    "from pathlib import Path\n"
    "from graph.writelock import write_lock\n"
    "with write_lock(Path(sys.argv[1]), command='test holder'):\n"
    "    print('held', flush=True)\n"
    "    sys.stdin.read()\n"
)


def _dir(prefix: str) -> Path:
    # Short and under /tmp: the embedded server's unix socket path must stay short.
    return Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))


def _scratch(prefix: str) -> Iterator[Path]:
    """A data directory, its server (if one started) and files gone afterwards."""
    path = _dir(prefix)
    yield path
    for pid in servers_on(path):
        os.kill(pid, signal.SIGKILL)
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def data_dir() -> Iterator[Path]:
    yield from _scratch("gdl")


@pytest.fixture
def other_dir() -> Iterator[Path]:
    yield from _scratch("gdm")


@pytest.fixture
def held(data_dir: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the data directory's write lock."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(data_dir)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    yield proc
    if proc.poll() is None:
        release(proc)


def release(proc: subprocess.Popen[str]) -> None:
    assert proc.stdin is not None
    proc.stdin.close()
    assert proc.wait(timeout=30) == 0


def graphdesk(data_dir: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "--data-dir", str(data_dir), *args],
        env=CLEAN_ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip


def finished(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=300)
    return proc.returncode, out, err


def stats(data_dir: Path) -> dict[str, int]:
    code, out, err = finished(graphdesk(data_dir, "stats"))
    assert code == 0, err
    return {line.split()[0]: int(line.split()[1]) for line in out.splitlines()}


def test_holder_is_named_and_a_waiter_can_give_up(
    data_dir: Path, held: subprocess.Popen[str]
) -> None:
    who = holder(data_dir)
    assert who is not None and who.pid == held.pid and who.command == "test holder"
    refused = pytest.raises(WriteLockTimeout, match=rf"pid {held.pid} \(test holder\)")
    with refused, write_lock(data_dir, timeout=0):
        pass
    waits = []
    timed_out = pytest.raises(WriteLockTimeout, match=r"after 0\.2 s")
    with timed_out, write_lock(data_dir, timeout=0.2, on_wait=waits.append):
        pass
    assert [w.pid for w in waits] == [held.pid]  # said once, not once per poll
    release(held)
    assert holder(data_dir) is None
    with write_lock(data_dir, command="me") as me:
        assert me.pid == os.getpid()
        assert holder(data_dir) is not None
        again = pytest.raises(GraphError, match="already held by this process")
        with again, write_lock(data_dir, timeout=0):
            pass
    assert holder(data_dir) is None


def test_lock_goes_with_a_killed_holder(data_dir: Path, held: subprocess.Popen[str]) -> None:
    held.kill()
    held.wait(timeout=30)
    with write_lock(data_dir, timeout=0):
        assert lock_path(data_dir).read_text().split("\n")[0] == str(os.getpid())


def test_writer_refuses_with_no_wait(data_dir: Path, held: subprocess.Popen[str]) -> None:
    docs = DEMO_DOCS / "en"
    code, out, err = finished(
        graphdesk(data_dir, "ingest", "--no-progress", "--no-wait", str(docs))
    )
    assert code == 1, out + err
    assert f"pid {held.pid} (test holder)" in err and "not waiting" in err
    assert "Traceback" not in err
    code, out, err = finished(graphdesk(data_dir, "doctor", "--repair", "--lock-timeout", "0.2"))
    assert code == 1 and "after 0.2 s" in err, out + err


def test_writer_waits_says_so_once_then_writes(data_dir: Path, held: subprocess.Popen[str]) -> None:
    proc = graphdesk(data_dir, "ingest", "--no-progress", str(DEMO_DOCS / "en"))
    assert proc.stderr is not None
    said = f"waiting for the write lock of {data_dir}, held by pid {held.pid} (test holder)"
    while said not in (line := proc.stderr.readline()):  # printed before it blocks
        assert line, "the waiting writer did not say whom it waits for"
    assert proc.poll() is None
    release(held)
    code, out, err = finished(proc)
    assert code == 0, out + err
    assert "waiting" not in err  # once only
    assert "new " in out


def _corpus(root: Path) -> Path:
    """Demo pages plus, where installed, a few manual pages: enough for the
    two ingests to overlap if nothing kept them apart."""
    shutil.copytree(DEMO_DOCS, root / "demo")
    if MANUAL.is_dir():
        (root / "manual").mkdir()
        for name in PAGES:
            shutil.copy(MANUAL / name, root / "manual" / name)
    return root


def test_two_ingests_at_once_write_what_one_writes(
    data_dir: Path, other_dir: Path, tmp_path: Path
) -> None:
    docs = _corpus(tmp_path / "docs")
    first, second = (graphdesk(data_dir, "ingest", "--no-progress", str(docs)) for _ in range(2))
    results = [finished(first), finished(second)]
    for code, out, err in results:
        assert code == 0, out + err
    code, out, err = finished(graphdesk(other_dir, "ingest", "--no-progress", str(docs)))
    assert code == 0, out + err
    assert stats(data_dir) == stats(other_dir)
    # One of them wrote, the other found everything unchanged.
    assert sorted("unchanged 0," in out for _, out, _ in results) == [False, True]
    code, out, err = finished(graphdesk(data_dir, "doctor"))
    assert code == 0, out + err


SEED = (
    "from api.app import prepare_graph\n"
    "from api.settings import load_settings\n"
    "prepare_graph(load_settings())\n"
)


def _healthy(port: int, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert proc.poll() is None, finished(proc)
        time.sleep(0.2)
    pytest.fail(f"graphdesk serve on port {port} did not become healthy")


def test_two_serves_on_an_empty_directory_seed_the_demo_once(
    data_dir: Path, other_dir: Path
) -> None:
    ports = [_free_port(), _free_port()]
    procs = [graphdesk(data_dir, "serve", "--port", str(port)) for port in ports]
    try:
        for port, proc in zip(ports, procs, strict=True):
            _healthy(port, proc)
    finally:
        # The second first: it uses the first one's embedded server.
        for proc in reversed(procs):
            proc.send_signal(signal.SIGTERM)
            code, out, err = finished(proc)
            assert code in (0, -signal.SIGTERM), out + err
    env = {**CLEAN_ENV, "GRAPHDESK_DATA_DIR": str(other_dir)}
    seeded = subprocess.run(
        [sys.executable, "-c", SEED], env=env, capture_output=True, text=True, cwd=ROOT
    )
    assert seeded.returncode == 0, seeded.stderr
    once = stats(other_dir)
    assert once.get("Document", 0) > 0
    assert stats(data_dir) == once
    code, out, err = finished(graphdesk(data_dir, "doctor"))
    assert code == 0, out + err


@pytest.mark.neo4j
@pytest.mark.parametrize("locked", [True, False], ids=["one-data-dir", "no-shared-lock"])
def test_two_ingests_at_once_on_neo4j_write_what_one_writes(
    neo4j_uri: str,
    neo4j_store: Store,
    locked: bool,
    data_dir: Path,
    other_dir: Path,
    tmp_path: Path,
) -> None:
    """On Neo4j the lock serialises writers of one machine; writers that do not
    share it (``no-shared-lock``) still cannot double anything: ids are unique
    in the database and every write is a MERGE in a transaction."""
    docs = _corpus(tmp_path / "docs")
    env = {**CLEAN_ENV, "GRAPHDESK_GRAPH": "neo4j", "NEO4J_URI": neo4j_uri}

    def ingest(where: Path) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "api.cli", "--data-dir", str(where), "ingest",
             "--no-progress", str(docs)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        )  # fmt: skip

    neo4j_store.drop_all()
    code, out, err = finished(ingest(data_dir))
    assert code == 0, out + err
    once = counts(neo4j_store)
    neo4j_store.drop_all()
    migrate(neo4j_store)
    procs = [ingest(data_dir), ingest(data_dir if locked else other_dir)]
    for code, out, err in [finished(p) for p in procs]:
        assert code == 0, out + err
    assert counts(neo4j_store) == once
    doctor = subprocess.run(
        [sys.executable, "-m", "api.cli", "--data-dir", str(data_dir), "doctor"],
        env=env, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
