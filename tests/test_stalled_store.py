"""A stalled database (its process stopped with SIGSTOP) is an error in bounded
time on both backends, /healthz says so, and the store works again once the
server continues. No timing is asserted: pytest-timeout ends a test that hangs.
"""

from __future__ import annotations

import gc
import os
import signal
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from api.settings import load_settings
from graph.errors import BackendUnavailable
from graph.falkor import FalkorStore
from graph.store import Store


@contextmanager
def stopped(pid: int) -> Iterator[None]:
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


def _reads_fail_then_recover(store: Store, pid: int) -> None:
    assert store.read("RETURN 1 AS x") == [{"x": 1}]
    with stopped(pid):
        with pytest.raises(BackendUnavailable, match=r"(?i)time|answer"):
            store.read("MATCH (n) RETURN count(n) AS n")
        with pytest.raises(BackendUnavailable), store.transaction() as tx:
            tx.run("CREATE (:Section {id: 'during-stall'})")
    assert store.read("RETURN 2 AS x") == [{"x": 2}]


def test_stalled_embedded_server_is_an_error_in_bounded_time(tmp_path: Path) -> None:
    store = FalkorStore(tmp_path / "graph", timeout=1.0, write_timeout=1.0)
    try:
        assert store.server.pid is not None
        _reads_fail_then_recover(store, store.server.pid)
    finally:
        store.close()


@pytest.mark.neo4j
def test_stalled_neo4j_server_is_an_error_in_bounded_time(neo4j_uri: str, neo4j_pid: int) -> None:
    from graph.neo4j_store import Neo4jStore

    store = Neo4jStore(neo4j_uri, "neo4j", "", timeout=2.0, write_timeout=2.0, retry_seconds=1.0)
    try:
        _reads_fail_then_recover(store, neo4j_pid)
    finally:
        store.close()


def test_healthz_says_when_the_store_stalls(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "graph", store_timeout=1.0)
    store = FalkorStore(tmp_path / "graph", timeout=1.0, write_timeout=1.0)
    try:
        with TestClient(create_app(settings, store=store, seed_demo=False)) as client:
            assert client.get("/healthz").status_code == 200
            assert store.server.pid is not None
            with stopped(store.server.pid):
                reply = client.get("/healthz")
            assert reply.status_code == 503
            assert reply.json()["status"] == "unavailable"
            assert client.get("/healthz").status_code == 200
    finally:
        store.close()


@pytest.mark.neo4j
def test_closing_while_a_call_to_a_stalled_neo4j_is_abandoned(
    neo4j_uri: str, neo4j_pid: int
) -> None:
    """A write too large for the socket's buffers blocks mid-send on a stalled
    server; the caller gets its deadline error and the abandoned call still
    holds the connection's buffer when the store closes. Closing must not
    raise (the driver's goodbye on that connection fails with BufferError)."""
    from graph.neo4j_store import Neo4jStore

    warm = Neo4jStore(neo4j_uri, "neo4j", "")  # a cold server's first answers are slow
    warm.close()
    store = Neo4jStore(neo4j_uri, "neo4j", "", timeout=1.0, write_timeout=1.0, retry_seconds=1.0)
    with stopped(neo4j_pid):
        with pytest.raises(BackendUnavailable):
            store.write("RETURN size($blob) AS n", {"blob": "x" * 32_000_000})
        store.close()
    again = Neo4jStore(neo4j_uri, "neo4j", "")
    try:
        assert again.read("RETURN 3 AS x") == [{"x": 3}]
    finally:
        again.close()
    # The close of the stalled store finishes once its abandoned call lets go: nothing is
    # left for the driver's destructor to close.
    for thread in threading.enumerate():
        if thread.name.startswith(("neo4j-call", "neo4j-close")):
            thread.join(timeout=60)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        del store
        gc.collect()
    assert not [w for w in seen if "destructor" in str(w.message)], seen
