"""The service's background embedder: sections ingested by any process get
their embeddings while the service answers (by words until they land).

One daemon thread per server process; the data directory's ``embed.lock``
lets one of several workers do the work, and each batch is written under
the write lock, so an ingest waits at most one batch.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from extractors.ingest.embed import embed_pending
from extractors.text.embedding import Embedder
from graph.store import Store
from graph.writelock import write_lock

log = logging.getLogger("graphdesk.embeddings")  # shown by `serve` like graphdesk.api
IDLE_SECONDS = 30.0  # how often a quiet graph is looked at for new sections


class EmbeddingWorker:
    def __init__(self, store: Store, embedder: Embedder, data_dir: Path) -> None:
        self.store, self.embedder, self.data_dir = store, embedder, data_dir
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="embeddings", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                report = embed_pending(
                    self.store,
                    self.embedder,
                    data_dir=self.data_dir,
                    write_lock=lambda: write_lock(self.data_dir, command="serve (embeddings)"),
                    should_stop=self._stop.is_set,
                )
                if report.embedded:
                    log.info("%s", report.summary())
            except Exception as exc:  # the service answers by words meanwhile; retry later
                log.warning("embedding sections failed: %s", exc)
            self._stop.wait(IDLE_SECONDS)
