"""A write that reaches the database twice (its reply lost, the statement sent
again) changes nothing: every write path of an ingest, on both backends.

Two ways in: a store whose every statement and transaction is committed twice
(what a driver's or an adapter's retry does after a dropped connection), on
both backends; and, on the embedded graph, the adapter's own reconnect-and-
resend path, with the connection dropped after the server has applied each
write. Either way the graph ends equal to one clean ingest: the same nodes by
label and id, the same edges by type, no id twice.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import redis

from extractors.ingest.pipeline import Ingestor
from graph.falkor import FalkorStore
from graph.store import Queue, Store, Transaction
from graph.types import Params, Row
from migrations.runner import migrate

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


class Resent:
    """Every write committed twice, as when a reply is lost and it is sent again.

    ``each_statement``: inside a transaction every statement is sent twice in a
    row (stricter than a driver, which resends the whole transaction: each
    statement must be idempotent on its own).
    """

    def __init__(self, inner: Store, each_statement: bool = False) -> None:
        self.inner = inner
        self.dialect = inner.dialect
        self.each_statement = each_statement

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def read(self, cypher: str, params: Params | None = None) -> list[Row]:
        return self.inner.read(cypher, params)

    def write(self, cypher: str, params: Params | None = None) -> list[Row]:
        self.inner.write(cypher, params)
        return self.inner.write(cypher, params)

    def write_batch(self, cypher: str, rows: Sequence[Row], batch_size: int = 500) -> int:
        self.inner.write_batch(cypher, rows, batch_size)
        return self.inner.write_batch(cypher, rows, batch_size)

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        queue = Queue()
        yield queue
        copies = 2 if self.each_statement else 1
        for _ in range(1 if self.each_statement else 2):
            with self.inner.transaction() as tx:
                sent = [(tx.run(c, a), p) for c, a, p in queue.statements for _ in range(copies)]
        for inner_pending, pending in sent:
            pending.resolve(inner_pending.rows)


def _corpus(dest: Path) -> Path:
    """Every write path of an ingest: Markdown pages in two languages, an
    error-code table, a spec table, a ticket export, a community dump, a log."""
    shutil.copytree(ROOT / "data" / "demo", dest, ignore=shutil.ignore_patterns("README.md"))
    shutil.copy(DATA / "tickets" / "generic.json", dest / "tickets.json")
    shutil.copytree(DATA / "community" / "dba.stackexchange.com", dest / "dba.stackexchange.com")
    lines = [
        f"2026-01-0{d} 10:00:0{d} ERROR pool: connection {d} refused by db{d}" for d in range(1, 8)
    ]
    lines += [f"2026-01-0{d} 10:01:0{d} INFO pool: connection {d} opened" for d in range(1, 8)]
    (dest / "app.log").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dest


def _snapshot(store: Store) -> dict[str, Any]:
    ids = store.read("MATCH (n) WHERE n.id IS NOT NULL RETURN labels(n)[0] AS l, n.id AS id")
    keys = sorted((str(r["l"]), str(r["id"])) for r in ids)
    assert len(keys) == len(set(keys)), "an id is on two nodes"
    labels = {str(r["l"]): int(r["n"]) for r in
              store.read("MATCH (n) RETURN labels(n)[0] AS l, count(*) AS n")}  # fmt: skip
    edges = {str(r["t"]): int(r["n"]) for r in
             store.read("MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS n")}  # fmt: skip
    return {"ids": keys, "labels": labels, "edges": edges}


def _ingest(store: Store, inner: Store, corpus: Path) -> dict[str, Any]:
    inner.drop_all()
    migrate(inner)
    report = Ingestor(store, progress=False).run([corpus])
    assert not report.failed, report.failed
    assert report.tickets and report.threads and report.log_templates and report.error_codes
    return _snapshot(inner)


def test_every_write_sent_twice_changes_nothing(backend: Store, tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus")
    once = _ingest(backend, backend, corpus)
    twice = _ingest(Resent(backend), backend, corpus)  # type: ignore[arg-type]
    assert twice == once
    each = _ingest(Resent(backend, each_statement=True), backend, corpus)  # type: ignore[arg-type]
    assert each == once
    # and so does a re-ingest of changed files (the replace path), sent twice
    page = next((corpus / "docs" / "en").glob("*.md"))
    page.write_text(page.read_text(encoding="utf-8") + "\n## Added\n\nOne more section.\n")
    Ingestor(backend, progress=False).run([corpus])
    changed_once = _snapshot(backend)
    page.write_text(page.read_text(encoding="utf-8") + "\nAnd one more line.\n")
    Ingestor(Resent(backend), progress=False).run([corpus])  # type: ignore[arg-type]
    assert _snapshot(backend) == changed_once


def test_the_embedded_adapter_resends_after_a_dropped_connection(
    store: FalkorStore, tmp_path: Path
) -> None:
    corpus = _corpus(tmp_path / "corpus")
    once = _ingest(store, store, corpus)
    store.drop_all()
    migrate(store)
    with pytest.MonkeyPatch.context() as mp:
        dropped = [0]
        query, execute = FalkorStore._query, FalkorStore._exec
        state = {"resend": False}

        def lossy_query(self: FalkorStore, cypher: str, params: Params, readonly: bool) -> Any:
            result = query(self, cypher, params, readonly)
            if readonly or state["resend"]:
                state["resend"] = False
                return result
            dropped[0] += 1
            state["resend"] = True
            raise redis.ConnectionError("connection dropped before the reply")

        def lossy_exec(self: FalkorStore, queue: Queue) -> list[Any]:
            replies = execute(self, queue)
            if state["resend"]:
                state["resend"] = False
                return replies
            dropped[0] += 1
            state["resend"] = True
            raise redis.ConnectionError("connection dropped before EXEC's reply")

        mp.setattr(FalkorStore, "_query", lossy_query)
        mp.setattr(FalkorStore, "_exec", lossy_exec)
        report = Ingestor(store, progress=False).run([corpus])
    assert not report.failed, report.failed
    assert dropped[0] > 5  # every write path lost a reply at least once
    assert _snapshot(store) == once
