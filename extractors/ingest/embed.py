"""Embed the sections that have no current embedding, after ingest.

Ingest commits a source's facts first, so a fresh ingest answers at once by
words; the vectors land afterwards, batch by batch, and answers use them as
they arrive (the answer pipeline picks new ones up by itself). The job runs
at the end of ``graphdesk ingest`` (unless ``--no-embed``), as ``graphdesk
embed``, and in the background of ``graphdesk serve``. One process embeds a
data directory at a time (``embed.lock``); each batch is written under the
write lock, so an ingest waits at most one batch for it, and a batch whose
section changed meanwhile is not written for that section (its hash no
longer matches: it is pending again).
"""

from __future__ import annotations

import fcntl
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from extractors.text.embedding import Embedder, passage_text
from graph.queries import vectors as vq
from graph.store import Store
from graph.types import Row

log = logging.getLogger(__name__)
WriteLock = Callable[[], AbstractContextManager[Any]]
BATCH = 64
LOCK_FILE = "embed.lock"


@dataclass
class EmbedReport:
    embedded: int = 0
    seconds: float = 0.0
    skipped: bool = False  # another process was embedding this data directory

    def summary(self) -> str:
        if self.skipped:
            return "embeddings: another process is embedding this data directory"
        rate = self.embedded / self.seconds if self.seconds else 0.0
        return f"embeddings: {self.embedded} sections in {self.seconds:.1f} s ({rate:.0f}/s)"


@contextmanager
def embedding_lock(data_dir: Path | None) -> Iterator[bool]:
    """True when this process may embed (no other holds the lock)."""
    if data_dir is None:
        yield True
        return
    data_dir.mkdir(parents=True, exist_ok=True)
    fh: IO[str] = open(data_dir / LOCK_FILE, "a+", encoding="utf-8")  # noqa: SIM115
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        fh.close()


def embed_pending(
    store: Store,
    embedder: Embedder,
    *,
    data_dir: Path | None = None,
    write_lock: WriteLock | None = None,
    batch: int = BATCH,
    progress: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> EmbedReport:
    """Embed every pending section; ``write_lock()`` returns a context manager
    held while a batch is written. ``progress(done, total)`` after each batch."""
    report = EmbedReport()
    with embedding_lock(data_dir) as mine:
        if not mine:
            report.skipped = True
            return report
        t0 = time.perf_counter()
        total = vq.pending_count(store, embedder.name)
        unwritten: set[str] = set()  # changed while embedded: left for the next run
        while not (should_stop and should_stop()):
            rows = vq.pending_sections(store, embedder.name, batch + len(unwritten))
            rows = [r for r in rows if str(r["id"]) not in unwritten][:batch]
            if not rows:
                break
            written = _write(store, embedder, rows, write_lock)
            unwritten.update(str(r["id"]) for r in rows if str(r["id"]) not in written)
            report.embedded += len(written)
            if progress:
                progress(report.embedded, max(total, report.embedded))
        report.seconds = time.perf_counter() - t0
    return report


def _write(
    store: Store, embedder: Embedder, rows: list[Row], write_lock: WriteLock | None
) -> set[str]:
    texts = [
        passage_text(
            str(r.get("title") or ""), str(r.get("doc_title") or ""), str(r.get("text") or "")
        )
        for r in rows
    ]
    vectors = embedder.passages(texts)
    out = [
        {"id": r["id"], "hash": r["hash"], "vec": [float(x) for x in v]}
        for r, v in zip(rows, vectors, strict=True)
    ]
    with write_lock() if write_lock else nullcontext():
        return vq.store_embeddings(store, embedder.name, out)
