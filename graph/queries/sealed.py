"""Nodes holding sealed personal data (``extractors/text/crypto/sealer.py``): pages of them for
the key rotation and status, and the re-sealed values written back (the
blind index is ``graph/queries/blind_index.py``).

A node with sealed values has ``sealed = true``, ``<field>_sealed`` strings
(``sm4gcm.v<version>.<...>``). Labels come from :data:`SEALED_LABELS` only.
"""

SEALED_LABELS = ("Ticket", "Message", "Solution", "Customer", "Turn", "Conversation")


def _page(label: str) -> str:
    return f"""
MATCH (n:{label})
WHERE n.sealed = true AND n.id > $after
RETURN n.id AS id, n {{.*}} AS node
ORDER BY id
LIMIT $limit
"""


def _update(label: str) -> str:
    # The rotation holds the data directory's write lock, as every writer of
    # sealed values does (ingest, watch), so nothing changed them meanwhile.
    return f"""
UNWIND $rows AS r
MATCH (n:{label} {{id: r.id}})
SET n += r.props
"""


PAGE_TICKETS = _page("Ticket")
PAGE_MESSAGES = _page("Message")
PAGE_SOLUTIONS = _page("Solution")
PAGE_CUSTOMERS = _page("Customer")
PAGE_TURNS = _page("Turn")  # conversation turns (resolvers/conversation/turn_text.py)
PAGE_CONVERSATIONS = _page("Conversation")  # a closing resolution
PAGES = dict(zip(SEALED_LABELS, (PAGE_TICKETS, PAGE_MESSAGES, PAGE_SOLUTIONS, PAGE_CUSTOMERS,
                                 PAGE_TURNS, PAGE_CONVERSATIONS), strict=True))  # fmt: skip

UPDATE_TICKETS = _update("Ticket")
UPDATE_MESSAGES = _update("Message")
UPDATE_SOLUTIONS = _update("Solution")
UPDATE_CUSTOMERS = _update("Customer")
UPDATE_TURNS = _update("Turn")
UPDATE_CONVERSATIONS = _update("Conversation")
UPDATES = dict(zip(SEALED_LABELS, (UPDATE_TICKETS, UPDATE_MESSAGES, UPDATE_SOLUTIONS,
                                   UPDATE_CUSTOMERS, UPDATE_TURNS, UPDATE_CONVERSATIONS),
                   strict=True))  # fmt: skip
