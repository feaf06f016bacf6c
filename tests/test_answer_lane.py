"""Where answers are computed: one thread per process without a model, the
shared pool with one; and a stale term index rebuilt beside the answers."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest

from extractors.ingest.pipeline import Ingestor
from graph.store import Store
from resolvers import answer_lane
from resolvers.pipeline.answerer import Answerer

DEMO = Path(__file__).resolve().parent.parent / "data" / "demo"
NEW_PAGE = """# Quarantine lanes

A quarantine lane holds suspicious uploads for review before they reach a bucket.
Open the console and choose Lanes, then Quarantine, to release or delete an upload.
"""


def _thread_name() -> str:
    return threading.current_thread().name


def test_answers_without_a_model_share_one_thread() -> None:
    async def main() -> list[str]:
        return await asyncio.gather(*(answer_lane.run(False, _thread_name) for _ in range(12)))

    names = asyncio.run(main())
    assert len(set(names)) == 1 and names[0].startswith("graphdesk-answer")
    assert names[0] != threading.current_thread().name


def test_answers_that_wait_on_a_model_run_side_by_side() -> None:
    # Three calls that each wait for the other two: on one thread they could not finish.
    barrier = threading.Barrier(3, timeout=10)

    def wait_for_the_others() -> tuple[int, str]:
        barrier.wait()
        return threading.get_ident(), _thread_name()

    async def main() -> list[tuple[int, str]]:
        calls = (answer_lane.run(True, wait_for_the_others) for _ in range(3))
        return await asyncio.gather(*calls)

    got = asyncio.run(main())
    assert len({ident for ident, _ in got}) == 3
    assert not any(name.startswith("graphdesk-answer") for _, name in got)


def test_errors_reach_the_caller() -> None:
    def fail(text: str) -> str:
        raise ValueError(f"bad {text}")

    with pytest.raises(ValueError, match="bad input"):
        asyncio.run(answer_lane.run(False, fail, "input"))


@pytest.fixture(scope="module")
def graph(backend: Store) -> Store:
    report = Ingestor(backend, progress=False).run([DEMO / "docs"])
    assert not report.failed, report.summary()
    return backend


def test_a_stale_index_is_rebuilt_while_answers_go_on(graph: Store, tmp_path: Path) -> None:
    answerer = Answerer(graph, cache_size=0)
    question = "How do I release an upload from the quarantine lane?"
    before = answerer.answer(question, 3)
    assert not any("quarantine" in c.title.lower() for c in before.citations)
    (tmp_path / "lanes.md").write_text(NEW_PAGE, encoding="utf-8")
    report = Ingestor(graph, progress=False).run([tmp_path])  # as another process would
    assert not report.failed, report.summary()
    answerer._checked -= 60  # its freshness interval has passed
    old_terms = answerer.terms
    answerer.answer(question, 3)  # notices, starts the rebuild, answers meanwhile
    deadline = time.monotonic() + 60
    while answerer.terms is old_terms and time.monotonic() < deadline:
        assert answerer.answer(question, 3).citations  # the old index keeps answering
        time.sleep(0.05)
    assert answerer.terms is not old_terms, "the index was not rebuilt within 60 s"
    after = answerer.answer(question, 3)
    assert "quarantine" in after.citations[0].title.lower()
