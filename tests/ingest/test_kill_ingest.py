"""SIGKILL during an ingest leaves every source wholly old or wholly new, on both backends.

A generated manual (several ingest batches of Markdown pages, an error-code
table and a ticket export) is ingested once; then, 20 times, every file is
rewritten as a new revision and an ingest of it is killed at a random moment.
After each kill, every Document's sections, every error code's causes and
solutions and every ticket come from one revision only, and that revision is
the one whose hash the Source records, so the next ingest redoes exactly the
sources that did not land. A last ingest after the final kill completes.
"""

from __future__ import annotations

import json
import os
import random
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from extractors.ingest.pipeline import BATCH_FILES, Ingestor, source_hash
from graph.falkor import FalkorStore
from graph.store import Store
from migrations.runner import migrate

PAGES = BATCH_FILES * 2 + 30  # three document transactions per ingest
SECTIONS = 4
CODES = 12
TICKETS = 8
KILLS = 20


def _write_revision(root: Path, rev: int) -> None:
    """Every file of the corpus at revision ``rev`` (each text names its revision)."""
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    for p in range(PAGES):
        body = [f"# Page {p} of the storage guide\n"]
        # the number of sections varies with the revision, so a half-replaced
        # document would also show in its section count
        for s in range(SECTIONS + rev % 2):
            body.append(
                f"## Topic {s} of page {p}\n\nRevision r{rev} explains how replication "
                f"slot {s} on page {p} keeps write-ahead segments until a standby "
                "confirms them, and how to drop an unused slot.\n"
            )
        (docs / f"page-{p:03d}.md").write_text("\n".join(body), encoding="utf-8")
    lines = ["code,name,product,version,severity,message,cause,solution"]
    for c in range(CODES):
        lines.append(
            f"KX-{1000 + c},slot_error_{c},KillTest,1.0,error,"
            f'"slot {c} failed (r{rev})","cause of {c} in r{rev}","1. fix {c} in r{rev}"'
        )
    (root / "errors.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    tickets = [
        {"id": f"KT-{t}", "subject": f"Slot {t} stuck (r{rev})",
         "description": f"Replication slot {t} keeps segments, revision r{rev}.",
         "status": "open", "created_at": "2026-01-01T00:00:00Z",
         "messages": [{"author": "c", "role": "customer", "body": f"r{rev} message {m}"}
                      for m in range(1 + rev % 3)]}
        for t in range(TICKETS)
    ]  # fmt: skip
    (root / "tickets.json").write_text(json.dumps({"tickets": tickets}), encoding="utf-8")


def _revisions(texts: list[str]) -> set[str]:
    return {w for t in texts for w in t.replace("(", " ").replace(")", " ").split()
            if w[:1] == "r" and w[1:].isdigit()}  # fmt: skip


def _settled(store: Store, wait: float = 30.0) -> None:
    """Wait until the server has finished what the killed client left with it.

    A Neo4j server that had received a COMMIT before the kill still applies it,
    and one that has not seen the connection drop still holds an open
    transaction; the check reads in several statements, so it must not run
    while such a commit lands between two of them. (FalkorDB applies a MULTI/EXEC
    block whole, between two commands, so there is nothing to wait for.)"""
    from graph.neo4j_store import Neo4jStore

    if not isinstance(store, Neo4jStore):
        return
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        others = store.read(
            "SHOW TRANSACTIONS YIELD currentQuery "
            "WHERE NOT currentQuery STARTS WITH 'SHOW TRANSACTIONS' RETURN count(*) AS n"
        )
        if others[0]["n"] == 0:
            return
        time.sleep(0.05)


def _check(store: Store, root: Path, hashes: dict[int, dict[str, str]]) -> dict[int, int]:
    """Assert every source is whole; return how many sources are at each revision."""
    sources = {
        r["id"]: r["hash"] for r in store.read("MATCH (s:Source) RETURN s.id AS id, s.hash AS hash")
    }
    at: dict[int, int] = {}
    docs = store.read(
        "MATCH (d:Document) OPTIONAL MATCH (d)-[:HAS_SECTION]->(s:Section) "
        "RETURN d.source AS source, collect(s.text) AS texts, count(s) AS n"
    )
    for d in docs:
        revs = _revisions(d["texts"])
        assert len(revs) == 1, f"{d['source']}: sections of revisions {sorted(revs)}"
        rev = int(next(iter(revs))[1:])
        assert d["n"] == SECTIONS + rev % 2, f"{d['source']}: {d['n']} sections at r{rev}"
        assert sources.get(d["source"]) == hashes[rev][d["source"]], (
            f"{d['source']}: sections of r{rev}, Source records another hash"
        )
        at[rev] = at.get(rev, 0) + 1
    codes = store.read(
        "MATCH (e:ErrorCode) WHERE e.retired_at IS NULL "
        "OPTIONAL MATCH (e)-[:HAS_CAUSE]->(c:Cause) OPTIONAL MATCH (e)-[:SOLVED_BY]->(s:Solution) "
        "RETURN e.code AS code, e.message AS message, collect(c.text) AS causes, "
        "collect(s.steps) AS steps"
    )
    assert len(codes) == CODES
    table = str(root / "errors.csv")
    code_revs = set()
    for e in codes:
        texts = [e["message"], *e["causes"], *[" ".join(s) for s in e["steps"]]]
        revs = _revisions(texts)
        assert len(revs) == 1 and len(e["causes"]) == 1, f"{e['code']}: {texts}"
        code_revs |= revs
    assert len(code_revs) == 1, f"the error-code table is half replaced: {sorted(code_revs)}"
    rev = int(next(iter(code_revs))[1:])
    assert sources[table] == hashes[rev][table]
    tickets = store.read(
        "MATCH (t:Ticket) OPTIONAL MATCH (t)-[:HAS_MESSAGE]->(m:Message) "
        "RETURN t.id AS id, t.subject AS subject, collect(m.body) AS bodies"
    )
    assert len(tickets) == TICKETS
    ticket_revs = {r for t in tickets for r in _revisions([t["subject"], *t["bodies"]])}
    assert len(ticket_revs) == 1, f"the ticket export is half replaced: {sorted(ticket_revs)}"
    rev = int(next(iter(ticket_revs))[1:])
    assert all(len(t["bodies"]) == 1 + rev % 3 for t in tickets)
    assert sources[str(root / "tickets.json")] == hashes[rev][str(root / "tickets.json")]
    return at


def _hashes(root: Path) -> dict[str, str]:
    return {str(p): source_hash(p, p.read_bytes()) for p in root.rglob("*") if p.is_file()}


def _ingest_in_child(open_store: Callable[[], Store], root: Path) -> int:
    """Fork (the test's modules already loaded) and ingest ``root`` in the child."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            store = open_store()
            Ingestor(store, progress=False).run([root])
            code = 0
        finally:
            os._exit(code)
    return pid


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def target(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Store, Callable[[], Store]]]:
    if request.param == "embedded":
        data = tmp_path / "graph"
        store = FalkorStore(data)
        migrate(store)
        # the child shares the server this process owns, over its socket
        yield store, lambda: FalkorStore(data)
        store.close()
        return
    from graph.neo4j_store import Neo4jStore

    uri: str = request.getfixturevalue("neo4j_uri")
    store = request.getfixturevalue("neo4j_store")
    store.drop_all()
    migrate(store)
    yield store, lambda: Neo4jStore(uri, "neo4j", "")


def test_sigkill_at_random_points_leaves_every_source_whole(
    target: tuple[Store, Callable[[], Store]], tmp_path: Path
) -> None:
    store, open_store = target
    root = tmp_path / "manual"
    _write_revision(root, 0)
    hashes = {0: _hashes(root)}
    started = time.monotonic()
    pid = _ingest_in_child(open_store, root)
    assert os.waitpid(pid, 0)[1] == 0
    window = time.monotonic() - started  # how long one whole ingest takes here
    assert _check(store, root, hashes) == {0: PAGES}
    rng = random.Random(20261201)
    seen: dict[int, int] = {}
    for rev in range(1, KILLS + 1):
        _write_revision(root, rev)
        hashes[rev] = _hashes(root)
        pid = _ingest_in_child(open_store, root)
        time.sleep(rng.uniform(0.0, window))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        _settled(store)
        for r, n in _check(store, root, hashes).items():
            seen[r] = seen.get(r, 0) + n
    # the next ingest finishes what the last kill interrupted
    pid = _ingest_in_child(open_store, root)
    assert os.waitpid(pid, 0)[1] == 0
    assert _check(store, root, hashes) == {KILLS: PAGES}
    # kills fell both before and after commits (some sources new, some old)
    assert len(seen) > 2
