"""Key rotation: every sealed value re-sealed under the current key version.

``graphdesk keys rotate`` (``api/keys_cli.py``) adds a version to the key
file and makes it current, marked ``rotating``, before anything is
re-sealed; then :func:`reseal_all` walks every node with sealed values,
label by label in id order, a page per transaction, and seals again what is
under another version. The old versions stay in the file until that is
done, so an interrupted rotation leaves every value readable (each under
the old version or the new) and the next ``keys rotate`` resumes it
instead of starting another; only then are the old versions dropped.

:func:`census` counts sealed values per label and key version
(``keys status``), including versions the ring no longer has.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from extractors.text.crypto.primitives import SealError
from extractors.text.crypto.sealer import SUFFIX, Sealer, version_of
from graph.queries import sealed as q
from graph.store import Store

PAGE = 500


@dataclass
class Census:
    # label -> key version -> sealed values
    values: dict[str, dict[int, int]] = field(default_factory=dict)
    nodes: int = 0
    unreadable: int = 0  # values that do not parse as sealed

    def versions(self) -> set[int]:
        return {v for by in self.values.values() for v in by}

    def under_other_than(self, version: int) -> int:
        return sum(n for by in self.values.values() for v, n in by.items() if v != version)


def census(store: Store) -> Census:
    out = Census()
    for label in q.SEALED_LABELS:
        by: dict[int, int] = {}
        after = ""
        while rows := store.read(q.PAGES[label], {"after": after, "limit": PAGE}):
            after = str(rows[-1]["id"])
            out.nodes += len(rows)
            for row in rows:
                for key, value in row["node"].items():
                    if not key.endswith(SUFFIX) or not isinstance(value, str):
                        continue
                    try:
                        version = version_of(value)
                    except SealError:
                        out.unreadable += 1
                        continue
                    by[version] = by.get(version, 0) + 1
        if by:
            out.values[label] = by
    return out


def reseal_all(
    store: Store,
    sealer: Sealer,
    page_size: int = PAGE,
    on_page: Callable[[int], None] | None = None,
) -> int:
    """Re-seal every value not under ``sealer``'s current version; returns how
    many nodes changed. Each page commits on its own (resumable); ``on_page``
    hears how many nodes each page changed."""
    changed = 0
    for label in q.SEALED_LABELS:
        after = ""
        while rows := store.read(q.PAGES[label], {"after": after, "limit": page_size}):
            after = str(rows[-1]["id"])
            updates = []
            for row in rows:
                props = sealer.reseal(str(row["id"]), row["node"])
                if props:
                    updates.append({"id": row["id"], "props": props})
            if updates:
                store.write_batch(q.UPDATES[label], updates)
            changed += len(updates)
            if on_page is not None:
                on_page(len(updates))
    return changed
