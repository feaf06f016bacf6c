"""Every keyed label's ``id`` unique, enforced by the database on both backends.

Until now FalkorDB only indexed ``id`` and relied on MERGE; a retried or
concurrent CREATE could then double a node. A graph that already holds
duplicates fails here with a message that points at ``graphdesk doctor --repair``.
"""

from graph.dialect import LABELS
from graph.store import Store

# Migration nodes too: their id is "V" and the version, so two processes
# migrating one Neo4j database at once cannot record a migration twice.
UNIQUE = sorted(LABELS)


def apply(store: Store) -> None:
    for label in UNIQUE:
        store.require_unique(label)
