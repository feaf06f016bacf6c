"""Editor-pinned answers (``graph/queries/pins.py``): each ``PinnedAnswer`` has a
unique ``id`` (a graph migrated after ``PinnedAnswer`` joined the allow-list has
it from V0006 already), and an index on ``pattern_key``, by which pinning the
same pattern again finds the pin it replaces."""

from graph.dialect import Dialect
from graph.store import Store


def statements(dialect: Dialect) -> list[str]:
    return [dialect.property_index("PinnedAnswer", "pattern_key")]


def apply(store: Store) -> None:
    store.require_unique("PinnedAnswer")
    for statement in statements(store.dialect):
        store.write(statement)
