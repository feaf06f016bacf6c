"""Shared fixtures: the real embedded graph and a real Neo4j server for the session.

Neo4j is the server ``NEO4J_URI`` names, or else a Neo4j Community server this
session starts from ``tests/neo4j-server`` (built by ``make neo4j-server``), on a
free port with its data under a temporary directory. Without either, the
Neo4j parameters are skipped, unless GRAPHDESK_REQUIRE_NEO4J=1 (``make test``
sets it), when they fail: CI never passes by skipping a backend.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.falkor import FalkorStore
from graph.store import Store
from migrations.runner import migrate

# Commands and servers the tests start embed no sections unless a test asks
# (tests/test_embeddings.py does): the others compare graphs and counts that
# a background embedder would change under them.
os.environ.setdefault("GRAPHDESK_EMBEDDINGS", "false")
# Production is the default outside the tests (tokens required, api/authentication.py);
# the tests that check production behaviour say so themselves.
os.environ.setdefault("GRAPHDESK_ENV", "development")
# Tests send requests faster than any person: no rate limits unless a test
# sets them (tests/test_rate_limit.py).
os.environ.setdefault("GRAPHDESK_RATE_LIMIT_PER_TOKEN", "")
os.environ.setdefault("GRAPHDESK_RATE_LIMIT_PER_ADDRESS", "")
# Production refuses to start without the keys that seal personal data
# (api/data_keys.py): the tests that run production get a ring made for this
# session alone (tests that check the refusal clear it).
os.environ.setdefault(
    "GRAPHDESK_DATA_KEYS", f"lookup:{secrets.token_hex(32)},1:{secrets.token_hex(32)}"
)
# Production requires the SM envelope for mutations and personal-data reads;
# the tests of that (tests/test_envelope.py) opt in, the others send plain requests.
os.environ.setdefault("GRAPHDESK_ENVELOPE_REQUIRED", "none")

NEO4J_SERVER = Path(__file__).resolve().parent / "neo4j-server" / "target"
NEO4J_START_SECONDS = 120


@pytest.fixture(scope="session")
def graph_dir() -> Iterator[Path]:
    # Short and under /tmp: the server's unix socket path must stay under ~100 bytes.
    path = Path(tempfile.mkdtemp(prefix="gd", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def store(graph_dir: Path) -> Iterator[FalkorStore]:
    s = FalkorStore(graph_dir)
    yield s
    s.close()


@pytest.fixture
def clean_store(store: FalkorStore) -> FalkorStore:
    store.drop_all()
    return store


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _no_neo4j(why: str) -> None:
    if os.environ.get("GRAPHDESK_REQUIRE_NEO4J") == "1":
        pytest.fail(f"Neo4j is required (GRAPHDESK_REQUIRE_NEO4J=1) but {why}")
    pytest.skip(why)


# The Neo4j server process the session started (none when NEO4J_URI names one),
# and its database directory.
_NEO4J_PIDS: list[int] = []
_NEO4J_DIRS: list[Path] = []


@pytest.fixture(scope="session")
def neo4j_data_dir(neo4j_uri: str) -> Path:
    """The database directory of the session's own Neo4j server (its store files)."""
    if not _NEO4J_DIRS:
        pytest.skip("NEO4J_URI names a server this session did not start")
    return _NEO4J_DIRS[-1]


@pytest.fixture(scope="session")
def neo4j_pid(neo4j_uri: str) -> int:
    """The pid of the session's own Neo4j server, for tests that stall it."""
    if not _NEO4J_PIDS:
        pytest.skip("NEO4J_URI names a server this session did not start")
    return _NEO4J_PIDS[-1]


@pytest.fixture(scope="session")
def neo4j_uri() -> Iterator[str]:
    if uri := os.environ.get("NEO4J_URI"):
        yield uri
        return
    jar = NEO4J_SERVER / "neo4j-server-1.jar"
    java = shutil.which("java")
    if not jar.is_file() or java is None:
        _no_neo4j("NEO4J_URI is not set and tests/neo4j-server is not built (make neo4j-server)")
    data = Path(tempfile.mkdtemp(prefix="gdneo4j"))
    port = _free_port()
    cp = f"{jar}{os.pathsep}{NEO4J_SERVER / 'lib' / '*'}"
    log = (data / "server.log").open("w")
    proc = subprocess.Popen(
        [str(java), "-Xmx1g", "-cp", cp, "graphdesk.Neo4jServer", str(data / "db"), str(port)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True,
    )  # fmt: skip
    _NEO4J_PIDS.append(proc.pid)
    _NEO4J_DIRS.append(data / "db")
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()  # printed once the database is available
        if not line.startswith("bolt://"):
            _no_neo4j(f"the Neo4j server did not start: see {data / 'server.log'}")
        yield line
    finally:
        if proc.stdin is not None:
            proc.stdin.close()  # the launcher shuts the database down when stdin closes
        try:
            proc.wait(timeout=NEO4J_START_SECONDS)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="session")
def neo4j_store(neo4j_uri: str) -> Iterator[Store]:
    from graph.neo4j_store import Neo4jStore

    s = Neo4jStore(
        neo4j_uri,
        os.environ.get("NEO4J_USER", "neo4j"),
        os.environ.get("NEO4J_PASSWORD", ""),
        os.environ.get("NEO4J_DATABASE", "neo4j"),
    )
    yield s
    s.close()


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def any_store(request: pytest.FixtureRequest) -> Store:
    """An empty graph on each backend in turn: the embedded graph, then Neo4j."""
    if request.param == "embedded":
        s: Store = request.getfixturevalue("clean_store")
        return s
    s = request.getfixturevalue("neo4j_store")
    s.drop_all()
    return s


@pytest.fixture
def fresh(any_store: Store) -> Store:
    """An empty, migrated graph on each backend in turn."""
    migrate(any_store)
    return any_store


@pytest.fixture(scope="module", params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def backend(request: pytest.FixtureRequest) -> Store:
    """One backend's graph for a whole module (each in turn), emptied and migrated."""
    name = "store" if request.param == "embedded" else "neo4j_store"
    s: Store = request.getfixturevalue(name)
    s.drop_all()
    migrate(s)
    return s
