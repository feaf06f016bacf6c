"""Where answers are computed: on the event loop in batches without a model,
the shared pool with one; and a stale term index rebuilt beside the answers."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from extractors.ingest.pipeline import Ingestor
from graph.store import Store
from resolvers import answer_lane
from resolvers.pipeline.answerer import Answerer
from resolvers.pipeline.errors import BadQuestion
from resolvers.pipeline.records import Answer

DEMO = Path(__file__).resolve().parent.parent / "data" / "demo"
NEW_PAGE = """# Quarantine lanes

A quarantine lane holds suspicious uploads for review before they reach a bucket.
Open the console and choose Lanes, then Quarantine, to release or delete an upload.
"""


class Watched:
    """A real answerer, with the batches it was given and where it ran seen."""

    def __init__(self, real: Answerer, fail_on: str | None = None) -> None:
        self.real = real
        self.fail_on = fail_on
        self.batches: list[list[str]] = []
        self.threads: set[str] = set()

    def answers(self, questions: Sequence[tuple[str, int]]) -> Iterator[Answer | BadQuestion]:
        self.batches.append([q for q, _ in questions])
        for (question, _), found in zip(questions, self.real.answers(questions), strict=True):
            self.threads.add(threading.current_thread().name)
            if question == self.fail_on:
                raise RuntimeError(f"failed on {question}")
            yield found


def _titles(answer: Answer) -> list[str]:
    return [c.title for c in answer.citations]


QUESTIONS = [
    "How do I restore a snapshot?",
    "What does error too_many_connections mean?",
    "how long are snapshots kept",
    "怎么恢复快照",
]


def test_questions_that_arrive_together_are_answered_as_one_batch(graph: Store) -> None:
    real = Answerer(graph, cache_size=0)
    watched = Watched(real)
    asked = [*QUESTIONS, "", *QUESTIONS[:2]]

    async def main() -> list[Answer | BaseException]:
        calls = (answer_lane.answer(watched, q, 3, _marked) for q in asked)
        return await asyncio.gather(*calls, return_exceptions=True)

    got = asyncio.run(main())
    assert watched.batches == [asked]  # one batch, on the event loop's own thread
    assert watched.threads == {threading.current_thread().name}
    bad = got[len(QUESTIONS)]
    assert isinstance(bad, BadQuestion) and bad.argument == "question"
    for question, found in zip(asked, got, strict=True):
        if question:
            assert isinstance(found, Answer) and found.text.startswith("checked: ")
            assert found.citations and _titles(found) == _titles(real.answer(question, 3))


def _marked(found: Answer) -> Answer:
    return dataclasses.replace(found, text=f"checked: {found.text}")


def test_one_failing_answer_fails_alone(graph: Store) -> None:
    watched = Watched(Answerer(graph, cache_size=0), fail_on=QUESTIONS[1])

    async def main() -> list[Answer | BaseException]:
        calls = (answer_lane.answer(watched, q, 3, _marked) for q in QUESTIONS)
        return await asyncio.gather(*calls, return_exceptions=True)

    got = asyncio.run(main())
    assert isinstance(got[1], RuntimeError) and "failed on" in str(got[1])
    assert all(isinstance(found, Answer) for i, found in enumerate(got) if i != 1)
    assert watched.batches == [QUESTIONS, QUESTIONS[2:]]  # the rest went on as a new batch


class _Short:
    """Not a working answerer: it answers the first question of a batch only."""

    def __init__(self, real: Answerer) -> None:
        self.real = real

    def answers(self, questions: Sequence[tuple[str, int]]) -> Iterator[Answer | BadQuestion]:
        yield from self.real.answers(questions[:1])


def test_an_answerer_that_cannot_answer_fails_its_questions_and_the_lane_goes_on(
    graph: Store,
) -> None:
    real = Answerer(graph, cache_size=0)
    short = _Short(real)

    async def main() -> list[Answer | BaseException]:
        calls = [
            *(answer_lane.answer(object(), q, 3, _marked) for q in QUESTIONS[:2]),  # type: ignore[arg-type]
            *(answer_lane.answer(short, q, 3, _marked) for q in QUESTIONS[:2]),
            answer_lane.answer(real, QUESTIONS[2], 3, _marked),
        ]
        return await asyncio.gather(*calls, return_exceptions=True)

    no_method, no_method2, first, shorted, fine = asyncio.run(main())
    assert isinstance(no_method, AttributeError) and isinstance(no_method2, AttributeError)
    assert isinstance(first, Answer)
    assert isinstance(shorted, RuntimeError) and "fewer answers" in str(shorted)
    assert isinstance(fine, Answer) and fine.citations


def test_questions_arriving_while_a_batch_is_answered_form_the_next(graph: Store) -> None:
    watched = Watched(Answerer(graph, cache_size=0))

    async def main() -> None:
        first = [
            asyncio.ensure_future(answer_lane.answer(watched, q, 3, _marked)) for q in QUESTIONS
        ]
        await first[0]  # the first batch is under way: these wait for the next
        later = [answer_lane.answer(watched, q, 3, _marked) for q in QUESTIONS[:2]]
        await asyncio.gather(*first, *later)

    asyncio.run(main())
    assert watched.batches == [QUESTIONS, QUESTIONS[:2]]


def test_answers_that_wait_on_a_model_run_side_by_side() -> None:
    # Three calls that each wait for the other two: on one thread they could not finish.
    barrier = threading.Barrier(3, timeout=10)

    def wait_for_the_others() -> int:
        barrier.wait()
        return threading.get_ident()

    async def main() -> list[int]:
        return await asyncio.gather(*(answer_lane.run(wait_for_the_others) for _ in range(3)))

    got = asyncio.run(main())
    assert len(set(got)) == 3 and threading.get_ident() not in got


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
