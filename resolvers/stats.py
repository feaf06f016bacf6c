"""The ``stats`` field: nodes per label and edges, for dashboards and smoke checks."""

from __future__ import annotations

import strawberry
from starlette.concurrency import run_in_threadpool

from api.context import Context
from graph.queries.documents import counts
from schema.stats import Stats


async def stats(info: strawberry.Info[Context, None]) -> Stats:
    """Count the graph's nodes per label (a full scan: cheap at support-desk sizes)."""
    store = info.context.store
    return Stats.from_record(await run_in_threadpool(counts, store), store.dialect.backend.value)
