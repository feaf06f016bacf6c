"""Shared fixtures: the real embedded graph for the session, Neo4j when configured."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.falkor import FalkorStore
from graph.store import Store


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


@pytest.fixture(scope="session")
def neo4j_store() -> Iterator[Store]:
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        pytest.skip("NEO4J_URI not set")
    from graph.neo4j_store import Neo4jStore

    s = Neo4jStore(
        uri,
        os.environ.get("NEO4J_USER", "neo4j"),
        os.environ.get("NEO4J_PASSWORD", ""),
        os.environ.get("NEO4J_DATABASE", "neo4j"),
    )
    yield s
    s.close()


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def any_store(request: pytest.FixtureRequest) -> Store:
    """The contract runs on the embedded graph always, and on Neo4j when NEO4J_URI is set."""
    if request.param == "embedded":
        s: Store = request.getfixturevalue("clean_store")
        return s
    s = request.getfixturevalue("neo4j_store")
    s.drop_all()
    return s
