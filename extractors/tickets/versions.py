"""Which version of a ticket is the newer one, so that an older one never wins.

An export holds each ticket as it was when the export ran; incremental
exports repeat a ticket every time it changed. Pages may be read in any
order (re-downloaded, re-read after an upgrade, a companion page changed),
so the order of reading does not decide which version stays.

Decisions written down here:

* **The version stamp** is the ticket's own update time: Zendesk
  ``updated_at``, Jira ``fields.updated`` (or the CSV column ``Updated``),
  generic ``updated_at`` / ``updated``; ISO-8601 with a zone, compared as
  epoch milliseconds. When two versions have the same ``updated_at``,
  Zendesk's ``generated_timestamp`` (which also moves on system updates, and
  orders the incremental export) breaks the tie when both have it.
* **Older never overwrites newer**: a record older than the version stored
  from another file, or than a deletion seen in another file, is skipped
  and said so in the ingest report (a warning, not a failure, not written);
  within one file the newer of two versions is kept whatever their order.
  A deletion older than the stored version (the ticket was restored and
  updated after it) is skipped the same way.
* **Equal or unknown** (a version without a parsable update time, on either
  side): as before, the record read later wins, so exports without update
  times behave as they always did.
* The version stored from the same file does not count: re-reading a file
  replaces its own facts, whatever they said before. Nor does a version
  whose file is gone (retired, or retired by this very ingest once the files
  still there are written): a newer page replaced by an older one leaves the
  older one live rather than no version at all. A deletion still counts
  when its file is gone: the ticket stays deleted (it may have been removed
  on a customer's request).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Version:
    """When a ticket was last updated, as an export gives it."""

    updated_at: str | None = None  # as the export wrote it
    updated_ms: int | None = None  # epoch milliseconds, when it parses
    generated_ms: int | None = None  # Zendesk generated_timestamp, milliseconds

    def older_than(self, other: Version) -> bool:
        """Whether this version is strictly older than ``other`` (False when
        either has no update time: then neither is known to be older)."""
        if self.updated_ms is None or other.updated_ms is None:
            return False
        if self.updated_ms != other.updated_ms:
            return self.updated_ms < other.updated_ms
        if self.generated_ms is None or other.generated_ms is None:
            return False
        return self.generated_ms < other.generated_ms

    @property
    def label(self) -> str:
        return f"updated {self.updated_at}" if self.updated_at else "no update time"


def stored_version(row: dict[str, object], prefix: str = "") -> Version | None:
    """The version kept on a stored node (its ``updated_at``, ``updated_ms``,
    ``generated_ms`` properties, read under ``prefix``), None without one."""
    at, ms, gen = (row.get(prefix + k) for k in ("updated_at", "updated_ms", "generated_ms"))
    if not isinstance(ms, int):
        return None
    return Version(at if isinstance(at, str) else None, ms, gen if isinstance(gen, int) else None)
