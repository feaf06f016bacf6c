"""Nonces of SM envelopes (``graph/queries/envelope.py``): a unique ``id``, so one
nonce is admitted once by every worker and host of the graph together (MERGE
under the constraint). A graph migrated after ``EnvelopeNonce`` joined the
allow-list has it from V0006 already; this is then a no-op."""

from graph.store import Store


def apply(store: Store) -> None:
    store.require_unique("EnvelopeNonce")
