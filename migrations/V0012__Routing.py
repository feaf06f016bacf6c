"""Routing decisions (``graph/queries/routing.py``): each ``RoutingDecision``
has a unique ``id``. Agents, tickets and groups are keyed already (V0006,
V0007); the router reads agents through their skill edges, not by a scan."""

from graph.store import Store


def apply(store: Store) -> None:
    store.require_unique("RoutingDecision")
