"""Where an answer is computed: on the event loop, the questions waiting
answered as one batch, when it is CPU work alone.

Without an LLM an answer is Python and numpy on in-memory indexes (no graph
call but a small freshness check every few seconds), so under the GIL more
threads do not answer more questions at once: twenty answers in Starlette's
pool of forty threads took turns on one interpreter and spent a third of the
server's CPU on handing the GIL and the request between threads (5.1 ms of
server CPU a request at 20 clients against 3.5 ms on one thread). Handing
each answer to one thread of its own still cost a wake-up and a GIL hand-over
per request; here the loop computes it itself, one answer at a time, and
sends each reply as soon as it is ready (the loop serves the other requests'
bytes between two answers).

The questions that arrived together go to ``Answerer.answers`` as one batch,
so their embeddings and nearest-section lookups read the model's and the
matrix's weights once (in a busy server those reads, from memory rather than
cache, were most of a question's vector cost). Under load the batch is
whatever arrived while the previous one was answered; a lone question is a
batch of one, answered at once. Nothing is kept between batches.

An answer that may wait on a model's reply goes to the shared pool instead,
so one slow completion never holds up the others. Several processes
(``serve --workers N``) use several cores.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import ParamSpec, Protocol, TypeVar

from starlette.concurrency import run_in_threadpool

from resolvers.pipeline.errors import BadQuestion
from resolvers.pipeline.records import Answer

P = ParamSpec("P")
T = TypeVar("T")


class Answers(Protocol):
    def answers(self, questions: Sequence[tuple[str, int]]) -> Iterator[Answer | BadQuestion]: ...


async def run(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``fn`` on the shared pool: for answers that may wait on a model."""
    return await run_in_threadpool(fn, *args, **kwargs)


@dataclass(eq=False)
class _Job:
    answerer: Answers
    question: str
    limit: int
    finish: Callable[[Answer], Answer]  # e.g. masking, done here rather than by the caller
    future: asyncio.Future[Answer]


class _Lane:
    """The questions waiting in one event loop, and the batch being answered."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.waiting: list[_Job] = []
        self.batch: list[_Job] = []
        self.results: Iterator[Answer | BadQuestion] | Exception = iter(())
        self.busy = False

    def add(self, job: _Job) -> None:
        self.waiting.append(job)
        if not self.busy:
            self.busy = True
            # after the requests that arrived with this one have reached here too
            self.loop.call_soon(self._step)

    def _step(self) -> None:
        """Answer one question, then let the loop send it before the next."""
        if not self.batch:
            if not self.waiting:
                self.busy = False
                return
            jobs, self.waiting = self.waiting, []
            self._start(jobs)
        job = self.batch.pop(0)
        try:
            if isinstance(self.results, Exception):  # the batch could not start
                raise self.results
            found = next(self.results)
        except StopIteration:  # a future cannot hold StopIteration
            self._settle(job, RuntimeError("the answerer gave fewer answers than questions"))
        except Exception as exc:  # to its caller; the rest of the batch goes on
            self._settle(job, exc)
            if self.batch:
                self._start(self.batch)  # the batch's iterator ended with the error
        else:
            try:
                if isinstance(found, BadQuestion):
                    raise found
                self._settle(job, job.finish(found))
            except Exception as exc:
                self._settle(job, exc)
        self.loop.call_soon(self._step)

    @staticmethod
    def _settle(job: _Job, result: Answer | Exception) -> None:
        if job.future.done():  # its client has gone
            return
        if isinstance(result, Exception):
            job.future.set_exception(result)
        else:
            job.future.set_result(result)

    def _start(self, jobs: list[_Job]) -> None:
        self.batch = list(jobs)
        answerer = jobs[0].answerer
        same = [j for j in jobs if j.answerer is answerer]
        if len(same) < len(jobs):  # another answerer (tests build several): its own batch
            self.waiting = [j for j in jobs if j.answerer is not answerer] + self.waiting
            self.batch = same
        try:
            self.results = answerer.answers([(j.question, j.limit) for j in self.batch])
        except Exception as exc:  # e.g. not an answerer at all: each job gets the error
            self.results = exc


_lanes: dict[asyncio.AbstractEventLoop, _Lane] = {}


async def answer(
    answerer: Answers, question: str, limit: int, finish: Callable[[Answer], Answer]
) -> Answer:
    """``answerer``'s answer to ``question`` (``finish`` applied), computed on this
    event loop together with the other questions waiting."""
    loop = asyncio.get_running_loop()
    lane = _lanes.get(loop)
    if lane is None:
        for old in [other for other in _lanes if other.is_closed()]:
            del _lanes[old]
        lane = _lanes[loop] = _Lane(loop)
    future: asyncio.Future[Answer] = loop.create_future()
    lane.add(_Job(answerer, question, limit, finish, future))
    return await future
