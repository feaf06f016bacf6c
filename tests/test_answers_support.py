"""Answers cite resolved tickets, their fixes for the same symptom, and community threads."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.ingest.pipeline import Ingestor
from graph.store import Store
from resolvers.pipeline.answerer import Answerer

DATA = Path(__file__).resolve().parent / "data"

TRACE = """Our nightly job broke again after the 2.3 release:
Traceback (most recent call last):
  File "/opt/app/importer.py", line 57, in run
    cur.execute(sql)
psycopg2.errors.DeadlockDetected: deadlock detected
DETAIL: Process 9912 waits for ExclusiveLock on tuple (3,12) of relation 16402 of database 16384.
"""


@pytest.fixture(scope="module")
def answerer(backend: Store) -> Answerer:
    report = Ingestor(backend, progress=False).run([DATA / "tickets", DATA / "community"])
    assert report.failed == []
    return Answerer(backend)


def test_same_stack_trace_reaches_the_earlier_fix(answerer: Answerer) -> None:
    ans = answerer.answer(TRACE)
    fixes = [c for c in ans.citations if c.kind == "solution"]
    assert fixes, [(c.kind, c.title) for c in ans.citations]
    assert fixes[0] is ans.citations[0]
    assert "T-1001" in fixes[0].title
    assert "Order the updates by primary key" in fixes[0].snippet


def test_community_thread_is_cited(answerer: Answerer) -> None:
    ans = answerer.answer("How do I index a foreign key column?")
    threads = [c for c in ans.citations if c.kind == "thread"]
    assert threads and "foreign key" in threads[0].title.lower()
    assert "CREATE INDEX" in threads[0].snippet


def test_resolved_ticket_is_cited_for_a_similar_question(answerer: Answerer) -> None:
    ans = answerer.answer("nightly import fails with a deadlock")
    kinds = {c.kind for c in ans.citations}
    assert kinds & {"ticket", "solution"}
