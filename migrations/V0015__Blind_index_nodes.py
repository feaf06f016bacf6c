"""The blind index as nodes (``graph/queries/blind_index.py``): one ``BlindIndex``
per entry, its ``id`` unique, so a lookup by a personal value is a seek in
the constraint's index instead of a scan of every ticket and customer.

The data step moves the list property ``lookup`` that tickets and customers
carried until now to ``INDEXED_BY`` links, a batch of nodes per transaction,
and removes the lists; the entries are the same keyed digests, so nothing
has to be recomputed and the lookup secret is not needed. Run again (an
interrupted move), it goes on with the nodes that still have a list.
"""

from graph.queries import blind_index as bq
from graph.store import Store

BATCH = 1000


def apply(store: Store) -> None:
    store.require_unique("BlindIndex")
    for listed, move in ((bq.LISTED_TICKETS, bq.MOVE_TICKET_LISTS),
                         (bq.LISTED_CUSTOMERS, bq.MOVE_CUSTOMER_LISTS)):  # fmt: skip
        rows = [{"id": r["id"]} for r in store.read(listed)]
        store.write_batch(move, rows, batch_size=BATCH)
