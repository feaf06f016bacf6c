"""The ``stats`` field: nodes per label and edges, for dashboards and smoke checks."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool

from graph.queries.documents import counts
from resolvers.context import Context


async def stats(context: Context) -> tuple[dict[str, int], str]:
    """The graph's nodes per label (a full scan: cheap at support-desk sizes) and its backend."""
    store = context.store
    return await run_in_threadpool(counts, store), store.dialect.backend.value
