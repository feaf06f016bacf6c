"""Nodes holding sealed personal data (``extractors/text/crypto/sealer.py``): pages of them for
the key rotation and status, the re-sealed values written back, and the
blind-index lookup of tickets.

A node with sealed values has ``sealed = true``, ``<field>_sealed`` strings
(``sm4gcm.v<version>.<...>``) and, for tickets (a conversation's handoff
ticket too) and customers, ``lookup``: the list of blind-index entries.
Labels come from :data:`SEALED_LABELS` only.
"""

SEALED_LABELS = ("Ticket", "Message", "Solution", "Customer", "Turn")


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
PAGES = dict(zip(SEALED_LABELS, (PAGE_TICKETS, PAGE_MESSAGES, PAGE_SOLUTIONS, PAGE_CUSTOMERS,
                                 PAGE_TURNS), strict=True))  # fmt: skip

UPDATE_TICKETS = _update("Ticket")
UPDATE_MESSAGES = _update("Message")
UPDATE_SOLUTIONS = _update("Solution")
UPDATE_CUSTOMERS = _update("Customer")
UPDATE_TURNS = _update("Turn")
UPDATES = dict(zip(SEALED_LABELS, (UPDATE_TICKETS, UPDATE_MESSAGES, UPDATE_SOLUTIONS,
                                   UPDATE_CUSTOMERS, UPDATE_TURNS), strict=True))  # fmt: skip

# Tickets holding a blind-index entry, or raised by a customer whose record
# holds it (a phone number written in the ticket, or the requester's own).
TICKETS_BY_LOOKUP = """
MATCH (t:Ticket)
WHERE t.retired_at IS NULL AND $entry IN t.lookup
RETURN t.id AS id
UNION
MATCH (t:Ticket)-[:RAISED_BY]->(c:Customer)
WHERE t.retired_at IS NULL AND $entry IN c.lookup
RETURN t.id AS id
"""
