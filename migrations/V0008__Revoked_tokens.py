"""Revoked API tokens (``graph/queries/tokens.py``): a unique ``id``, which is
also the index every authenticated request looks up. A graph migrated after
``RevokedToken`` joined the allow-list has it from V0006 already; this is then
a no-op."""

from graph.store import Store


def apply(store: Store) -> None:
    store.require_unique("RevokedToken")
