"""Who works a ticket and for whom, and the tickets deleted in an export.

``Agent`` (a ticket's assignee), ``Group`` and ``Organization`` are shared by
the tickets linked to them; ``DeletedTicket`` keeps a deletion's time so an
older export page read again cannot bring the ticket back (see
``extractors/tickets/desk.py`` and ``extractors/tickets/versions.py``). Each
gets a unique ``id``, like every keyed label (a graph migrated after these
labels joined the allow-list has them from V0006 already; this is then a
no-op, so two processes migrating one fresh graph at once do not collide).
No ``source`` index: these nodes are never looked up by source in bulk (the
deletions of one file are few).
"""

from graph.store import Store

LABELS = ["Agent", "Group", "Organization", "DeletedTicket"]


def apply(store: Store) -> None:
    for label in LABELS:
        store.require_unique(label)
