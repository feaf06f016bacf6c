"""Where an answer is computed: one thread per process when it is CPU work alone.

Without an LLM an answer is Python and numpy on in-memory indexes (no graph
call but a small freshness check every few seconds), so under the GIL more
threads do not answer more questions at once: twenty answers in Starlette's
pool of forty threads took turns on one interpreter and spent a third of the
server's CPU on handing the GIL and the request between threads (5.1 ms of
server CPU a request at 20 clients against 3.5 ms on one thread, with the same
answers; bench/ask_latency.py). An answer that may wait on a model's reply
goes to the shared pool instead, so one slow completion never holds up the
others. Several processes (``serve --workers N``) use several cores.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from starlette.concurrency import run_in_threadpool

P = ParamSpec("P")
T = TypeVar("T")

_lane: ThreadPoolExecutor | None = None


def _executor() -> ThreadPoolExecutor:
    global _lane
    if _lane is None:  # made on first use: a forked worker process gets its own thread
        _lane = ThreadPoolExecutor(max_workers=1, thread_name_prefix="graphdesk-answer")
    return _lane


async def run(waits_on_model: bool, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``fn`` on the answer thread, or on the shared pool when ``waits_on_model``."""
    if waits_on_model:
        return await run_in_threadpool(fn, *args, **kwargs)
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_executor(), functools.partial(fn, *args, **kwargs))
