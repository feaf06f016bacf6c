"""Support tickets from JSON, JSON Lines and CSV exports -> graph facts.

API for the ingest::

    batch = parse_tickets(data, uri, preset=None)   # TicketBatch: records + problems
    batch = parse_ticket_file(path, data)            # the same, with the pages beside it
    counts = write_tickets(store, batch, now_ms)    # replaces exactly this source's facts

This module is the entry point; the work is done in:

- :mod:`extractors.tickets.presets` -- :class:`Mapping`, the ``generic`` /
  ``zendesk`` / ``jira`` presets and :func:`detect_preset`. **The field
  mapping table** (canonical fields, paths, CSV headers, presets) is in that
  module's docstring.
- :mod:`extractors.tickets.rows` -- reading the container (JSON, JSONL, CSV;
  incremental export pages, side-loaded users).
- :mod:`extractors.tickets.companions` -- comment and user pages saved beside
  an export (Zendesk comments, ticket events, users; Jira comment pages), and
  how they are matched to their tickets.
- :mod:`extractors.tickets.desk` -- a ticket's assignee, group and organisation
  (side-loads and pages; what of them is kept).
- :mod:`extractors.tickets.versions` -- which of two versions of a ticket is
  newer, so an older export page never overwrites a newer one.
- :mod:`extractors.tickets.values` -- dotted paths and values of a raw record.
- :mod:`extractors.tickets.parse` -- records, messages, problems: :func:`parse_tickets`.
- :mod:`extractors.tickets.text` -- error codes, numbered steps, stack-trace shape.
- :mod:`extractors.tickets.write` -- graph writing: products, rows, write / retire.

Every stored text goes through :func:`extractors.text.masking.mask` first
(IP addresses too); where that changed it, the clear original is stored only
sealed beside it (SM4-GCM, :mod:`extractors.text.crypto.sealer`, the one write path), with a
blind index for exact lookup. A requester's name, e-mail and phone are stored
only sealed on their ``Customer``, whose id is a keyed HMAC-SM3. The one
person named in clear is an assignee who is staff (an agent or admin).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from pathlib import Path

from extractors.records import digest
from extractors.text.crypto.sealer import Sealer
from extractors.text.encoding import utf8_head
from extractors.tickets.companions import (
    Companions,
    companion_digest,
    find_companions,
    has_export_near,
    looks_like_page,
    read_page,
)
from extractors.tickets.parse import (
    CustomFields,
    Message,
    Problem,
    TicketBatch,
    TicketRecord,
    parse_tickets,
)
from extractors.tickets.presets import (
    PRESETS,
    RESOLVED_STATUSES,
    ZENDESK_FIELDS,
    Mapping,
    detect_preset,
)
from extractors.tickets.text import TraceLike, error_codes, numbered_steps
from extractors.tickets.write import EXTRACTOR, retire_tickets, write_ticket_batch
from graph.store import Store
from graph.types import Params

__all__ = [
    "EXTRACTOR",
    "PRESETS",
    "RESOLVED_STATUSES",
    "ZENDESK_FIELDS",
    "Companions",
    "CustomFields",
    "Mapping",
    "Message",
    "Problem",
    "TicketBatch",
    "TicketRecord",
    "TraceLike",
    "companion_digest",
    "detect_preset",
    "error_codes",
    "numbered_steps",
    "parse_ticket_file",
    "parse_tickets",
    "retire_tickets",
    "traces",
    "write_tickets",
]


# The stack-trace extractor is optional. The lookup lives here, in the entry
# point, so that replacing ``extractors.tickets._trace_finder`` (as the tests
# do) switches trace finding off for write_tickets.
def _trace_finder() -> Callable[[str], list[TraceLike]] | None:
    try:
        module = importlib.import_module("extractors.traces.stacktrace")
    except ImportError:
        return None
    finder: Callable[[str], list[TraceLike]] | None = getattr(module, "find_traces", None)
    return finder


def traces(text: str) -> list[TraceLike]:
    """Stack traces in ``text`` (none when the stack-trace extractor is absent)."""
    finder = _trace_finder()
    if finder is None:
        return []
    try:
        return [t for t in finder(text) if getattr(t, "fingerprint", "")]
    except Exception:  # a trace-parser bug must not lose the ticket
        return []


def write_tickets(
    store: Store,
    batch: TicketBatch,
    now_ms: int,
    extra: Sequence[tuple[str, Params]] = (),
    sealer: Sealer | None = None,
) -> dict[str, int]:
    """Replace the facts of ``batch.uri`` with the batch's tickets; returns counts.

    Facts of other sources are not touched, except that a ticket id written
    here moves to this source (the id is the ticket's, not the file's).
    """
    return write_ticket_batch(store, batch, now_ms, traces, extra, sealer)


def parse_ticket_file(
    path: Path, data: bytes, custom_fields: CustomFields | None = None
) -> TicketBatch:
    """A ticket export on disk, read with the comment and user pages near it.

    A file that is itself such a page gives a batch without tickets (its
    comments are read with the exports near it; see
    :mod:`extractors.tickets.companions`), with a note when no export is near.
    """
    uri = str(path)
    if path.suffix.lower() == ".json":
        page = read_page(data, path) if _may_be_page(data) else None
        if page is not None:
            system = page.kind.split("-")[0]
            batch = TicketBatch(uri=uri, hash=digest(data), format="json", preset=system)
            batch.page = page.kind
            if not has_export_near(path):
                batch.notes.append(
                    f"{uri}: a {page.kind.replace('-', ' ')} page with no ticket export in its "
                    "folder or the two above it; its comments are read with such an export"
                )
            return batch
    return parse_tickets(data, uri, custom_fields=custom_fields, companions=find_companions(path))


def _may_be_page(data: bytes) -> bool:
    return looks_like_page(utf8_head(data, 4096))
