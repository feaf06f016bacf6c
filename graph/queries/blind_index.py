"""The blind index of personal data (``extractors/text/crypto/sealer.py``): one node per
entry, linked to the tickets and customers whose personal values key it.

Shape::

    (:Ticket)-[:INDEXED_BY]->(:BlindIndex {id: <entry>})
    (:Customer)-[:INDEXED_BY]->(:BlindIndex)

An entry is a keyed digest (HMAC-SM3, 32 hex) of one value normalised by
shape; the node holds nothing else. ``id`` is unique (V0015), so a lookup
is one seek in the constraint's index on both backends, then the node's
edges: no scan of tickets or customers, whose list property ``lookup`` it
replaces (V0015 moves a graph's lists here and removes them).

Writers replace a node's entries (:data:`SET_TICKET_ENTRIES`,
:data:`SET_CUSTOMER_ENTRIES`): links to entries no longer given go, so a
ticket is not found by a value it no longer holds. A handoff ticket gains
its conversation's entries message by message (:data:`ADD_CONVERSATION_ENTRIES`).
Entries left without a link go (:data:`DELETE_ORPHAN_ENTRIES`).
"""


def _set_entries(label: str) -> str:
    # Links to dropped entries first, then the given ones (MERGE: once each).
    return f"""
UNWIND $rows AS r
MATCH (n:{label} {{id: r.id}})
OPTIONAL MATCH (n)-[old:INDEXED_BY]->(b:BlindIndex)
WHERE NOT b.id IN r.entries
DELETE old
WITH DISTINCT n, r
UNWIND r.entries AS e
MERGE (b:BlindIndex {{id: e}})
MERGE (n)-[:INDEXED_BY]->(b)
"""


SET_TICKET_ENTRIES = _set_entries("Ticket")
SET_CUSTOMER_ENTRIES = _set_entries("Customer")

# Entries of a ticket or message added to the conversation's handoff ticket;
# no ticket yet: nothing.
ADD_CONVERSATION_ENTRIES = """
MATCH (:Conversation {id: $conversation})-[:ESCALATED_TO]->(t:Ticket)
UNWIND $entries AS e
MERGE (b:BlindIndex {id: e})
MERGE (t)-[:INDEXED_BY]->(b)
"""

# The entries of tickets about to be replaced and of their customers, so that
# the ones left without a link can go afterwards.
ENTRIES_OF_SOURCES = """
UNWIND $uris AS u
MATCH (t:Ticket {source: u})
OPTIONAL MATCH (t)-[:INDEXED_BY]->(b:BlindIndex)
OPTIONAL MATCH (t)-[:RAISED_BY]->(:Customer)-[:INDEXED_BY]->(c:BlindIndex)
RETURN collect(DISTINCT b.id) + collect(DISTINCT c.id) AS entries
"""

ENTRIES_OF_IDS = """
UNWIND $ids AS id
MATCH (t:Ticket {id: id})
OPTIONAL MATCH (t)-[:INDEXED_BY]->(b:BlindIndex)
OPTIONAL MATCH (t)-[:RAISED_BY]->(:Customer)-[:INDEXED_BY]->(c:BlindIndex)
RETURN collect(DISTINCT b.id) + collect(DISTINCT c.id) AS entries
"""

DELETE_ORPHAN_ENTRIES = """
UNWIND $entries AS e
MATCH (b:BlindIndex {id: e})
WHERE NOT (b)<-[:INDEXED_BY]-()
DELETE b
"""

# Tickets an entry finds: those holding it, and those raised by a customer
# whose record holds it (a phone number written in the ticket, or the
# requester's own). Retired tickets are not found.
# The entry matched first, behind WITH: FalkorDB's planner then starts from
# the index (with the filter on t in the same part it starts from the
# tickets' label, a scan; tests/tickets/test_blind_index.py checks the plan).
TICKETS_BY_ENTRY = """
MATCH (b:BlindIndex {id: $entry})
WITH b
MATCH (b)<-[:INDEXED_BY]-(t:Ticket)
WHERE t.retired_at IS NULL
RETURN t.id AS id
UNION
MATCH (b:BlindIndex {id: $entry})
WITH b
MATCH (b)<-[:INDEXED_BY]-(:Customer)<-[:RAISED_BY]-(t:Ticket)
WHERE t.retired_at IS NULL
RETURN t.id AS id
"""


# --- V0015: the list property ``lookup`` of earlier graphs, moved to entry nodes ---
# The nodes with a list are read once (one scan), then moved by id in batches
# (index seeks), so the move stays linear in the graph's size.


def _listed(label: str) -> str:
    return f"""
MATCH (n:{label})
WHERE n.lookup IS NOT NULL
RETURN n.id AS id
"""


def _move_lists(label: str) -> str:
    return f"""
UNWIND $rows AS r
MATCH (n:{label} {{id: r.id}})
WHERE n.lookup IS NOT NULL
FOREACH (e IN n.lookup |
  MERGE (b:BlindIndex {{id: e}})
  MERGE (n)-[:INDEXED_BY]->(b))
REMOVE n.lookup
"""


LISTED_TICKETS = _listed("Ticket")
LISTED_CUSTOMERS = _listed("Customer")
MOVE_TICKET_LISTS = _move_lists("Ticket")
MOVE_CUSTOMER_LISTS = _move_lists("Customer")
