"""The bundled demo corpus in the shared test store, for answer tests."""

from __future__ import annotations

from pathlib import Path

from extractors.ingest.pipeline import Ingestor
from graph.falkor import FalkorStore
from migrations.runner import migrate
from resolvers.pipeline.answerer import Answerer

DEMO = Path(__file__).resolve().parent.parent / "data" / "demo"


def demo_answerer(store: FalkorStore) -> Answerer:
    """Empty the store, load the demo's documents and error codes, and answer
    with the cache off (every answer computed)."""
    store.drop_all()
    migrate(store)
    Ingestor(store, progress=False).run([DEMO / "docs", DEMO / "errors"])
    return Answerer(store, cache_size=0)
