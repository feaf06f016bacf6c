"""Who works a ticket and for whom, and the tickets deleted in an export.

``Agent`` (a ticket's assignee), ``Group`` and ``Organization`` are shared by
the tickets linked to them; ``DeletedTicket`` keeps a deletion's time so an
older export page read again cannot bring the ticket back (see
``extractors/tickets/desk.py`` and ``extractors/tickets/versions.py``). Each
gets a unique ``id`` and an index on ``source``, like the other keyed labels.
"""

from graph.store import Store

LABELS = ["Agent", "Group", "Organization", "DeletedTicket"]


def apply(store: Store) -> None:
    for label in LABELS:
        store.require_unique(label)
        store.write(store.dialect.property_index(label, "source"))
