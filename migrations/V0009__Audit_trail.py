"""The audit trail (``graph/queries/audit.py``): ``AuditRecord.id`` (``audit:<seq>``)
unique, so a sequence number is taken once, by one writer, on both backends,
and an index on ``seq`` for the chain's tail and its pages.

The DDL differs per backend only in what the dialect renders (FalkorDB's
constraint is a procedure call, Neo4j's a ``CREATE CONSTRAINT``:
``Store.require_unique``), so there is one file, not two variants. A graph
migrated after ``AuditRecord`` joined the allow-list has the constraint from
V0006 already; it is then a no-op.
"""

from graph.dialect import Dialect
from graph.store import Store


def statements(dialect: Dialect) -> list[str]:
    return [dialect.property_index("AuditRecord", "seq")]


def apply(store: Store) -> None:
    store.require_unique("AuditRecord")
    for statement in statements(store.dialect):
        store.write(statement)
