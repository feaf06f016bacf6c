"""`graphdesk watch DIR...`: keep the graph current as files land and change.

Each batch of file-system events (debounced) runs the ordinary ingest over
the watched directories: unchanged files cost one hash each, new and changed
ones are extracted, removed ones retired, and the validation checks run after
every batch. ``watchfiles`` (inotify on Linux) reports the events.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from threading import Event

import watchfiles

from extractors.ingest.pipeline import KINDS, Ingestor, IngestReport
from extractors.ingest.validation import Finding, validate
from extractors.limits import Limits
from extractors.text.crypto.sealer import Sealer
from extractors.tickets import CustomFields
from graph.store import Store


@dataclass
class Batch:
    report: IngestReport
    findings: list[Finding]
    events: int
    seconds: float  # ingest plus validation of this batch
    finished: float  # time.monotonic() when the graph was updated and validated


def _relevant(change: watchfiles.Change, path: str) -> bool:
    # a log file's format sidecar changes how the log is read
    return Path(path).suffix.lower() in KINDS or path.endswith(".log.format")


def watch(
    store: Store,
    paths: Sequence[Path],
    on_batch: Callable[[Batch], None],
    debounce_ms: int = 300,
    stop: Event | None = None,
    ticket_fields: CustomFields | None = None,
    limits: Limits | None = None,
    sealer: Sealer | None = None,
) -> None:
    """Ingest ``paths`` now, then again after every batch of changes, until ``stop``."""
    ingestor = Ingestor(
        store, progress=False, ticket_fields=ticket_fields, limits=limits, sealer=sealer
    )
    on_batch(_batch(ingestor, store, paths, 0))
    for changes in watchfiles.watch(
        *paths,
        watch_filter=_relevant,
        debounce=debounce_ms,
        step=50,
        stop_event=stop,
        raise_interrupt=False,
    ):
        on_batch(_batch(ingestor, store, paths, len(changes)))


def _batch(ingestor: Ingestor, store: Store, paths: Sequence[Path], events: int) -> Batch:
    started = time.perf_counter()
    report = ingestor.run(list(paths))
    findings = validate(store)
    return Batch(report, findings, events, time.perf_counter() - started, time.monotonic())
