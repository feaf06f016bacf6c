"""Failed authentications per client address (``graph/queries/lockout.py``): a
unique ``id``, so every worker and host of the graph counts one address on one
node (MERGE under the constraint). A graph migrated after ``AuthFailure``
joined the allow-list has it from V0006 already; this is then a no-op."""

from graph.store import Store


def apply(store: Store) -> None:
    store.require_unique("AuthFailure")
