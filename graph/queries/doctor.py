"""Consistency checks and repairs of ``graphdesk doctor`` (graph/doctor.py runs them).

They run on a graph that may not be migrated yet (a directory doubled by
concurrent ingests must be mended before a migration can make ids unique),
so none of them relies on an index or a constraint being there.

Statements with a label or a relationship type in them are templates
(lower-case names, rendered by ``render`` from allow-listed names only);
the rest are plain constants, linted like every other query.
"""

from __future__ import annotations

from graph.dialect import LABELS, checked_label, checked_name
from graph.errors import QueryFailed

# Every relationship type graphdesk writes (graph/queries/*). Only these are
# put into Cypher; a duplicate node with edges of another type is left in
# place and reported, never deleted with them.
RELATIONSHIP_TYPES = frozenset(
    {
        "ABOUT",
        "ACCEPTED_ANSWER",
        "DESCRIBED_IN",
        "DUPLICATE_OF",
        "FROM_COMPONENT",
        "HAS_ANSWER",
        "HAS_CAUSE",
        "HAS_MESSAGE",
        "HAS_QUESTION",
        "HAS_SECTION",
        "HAS_SPEC",
        "HAS_SYMPTOM",
        "MENTIONS",
        "MENTIONS_CODE",
        "OF_CODE",
        "RAISED_BY",
        "RESOLVED_BY",
        "RESOLVES_TO",
        "SOLVED_BY",
    }
)

# Edges from a live node to a retired one that survive retirement on purpose,
# as "<label of the start node>:<type>" (see docs in graph/doctor.py):
# a node's own parts (a document's sections, a ticket's solutions, a code's
# causes and steps, a thread's posts), a retired spec kept under its product,
# a duplicate link another, live, source stated, and what a conversation's
# turn mentioned (its history, whatever became of the code since).
KEPT_RETIRED_EDGES = [
    "Document:HAS_SECTION",
    "Ticket:RESOLVED_BY",
    "Ticket:HAS_MESSAGE",
    "ErrorCode:HAS_CAUSE",
    "ErrorCode:SOLVED_BY",
    "Thread:HAS_QUESTION",
    "Thread:HAS_ANSWER",
    "Thread:ACCEPTED_ANSWER",
    "Thread:DUPLICATE_OF",
    "Product:HAS_SPEC",
    "Turn:MENTIONS_CODE",
]

# --- checks -------------------------------------------------------------------

# Two or more nodes of one label with one id (labels(n)[0]: graphdesk gives
# every node one label).
DUPLICATE_IDS = """
MATCH (n)
WHERE n.id IS NOT NULL
WITH labels(n)[0] AS label, n.id AS id, count(*) AS copies
WHERE copies > 1
RETURN label, count(id) AS ids, sum(copies - 1) AS extra, collect(id)[0..5] AS sample
ORDER BY label
"""

# A document's `source` names its Source node; one without is half written
# (an ingest stopped before it recorded the source) and would never be
# rewritten, since no hash is known for it.
DOCUMENTS_WITHOUT_SOURCE = """
MATCH (d:Document)
OPTIONAL MATCH (src:Source {id: d.source})
WITH d, src
WHERE src IS NULL
RETURN count(d) AS n, collect(d.id)[0..5] AS sample
"""

SECTIONS_WITHOUT_DOCUMENT = """
MATCH (s:Section)
WHERE NOT ()-[:HAS_SECTION]->(s)
RETURN count(s) AS n, collect(s.id)[0..5] AS sample
"""

STALE_EDGES = """
MATCH (a)-[r]->(b)
WHERE a.retired_at IS NULL AND b.retired_at IS NOT NULL
  AND NOT (labels(a)[0] + ':' + type(r)) IN $kept
RETURN labels(a)[0] AS start, type(r) AS type, labels(b)[0] AS end, count(r) AS n
ORDER BY start, type, end
"""

# graphdesk never writes two edges of one type between the same two nodes
# (every link is a MERGE on its endpoints), so a second one is a duplicate.
PARALLEL_EDGES = """
MATCH (a)-[r]->(b)
WITH a, b, type(r) AS type, count(r) AS copies
WHERE copies > 1
RETURN type, count(*) AS pairs, sum(copies - 1) AS extra
ORDER BY type
"""

# --- repairs ------------------------------------------------------------------

DELETE_PARALLEL_EDGES = """
MATCH (a)-[r]->(b)
WITH a, b, type(r) AS type, collect(r) AS copies
WHERE size(copies) > 1
UNWIND copies[1..] AS extra
DELETE extra
RETURN count(*) AS n
"""

# Sections first: they are found through their document.
DELETE_SECTIONS_OF_SOURCELESS = """
MATCH (d:Document)
OPTIONAL MATCH (src:Source {id: d.source})
WITH d, src
WHERE src IS NULL
MATCH (d)-[:HAS_SECTION]->(s:Section)
DETACH DELETE s
RETURN count(*) AS n
"""

DELETE_SOURCELESS_DOCUMENTS = """
MATCH (d:Document)
OPTIONAL MATCH (src:Source {id: d.source})
WITH d, src
WHERE src IS NULL
DETACH DELETE d
RETURN count(*) AS n
"""

DELETE_ORPHAN_SECTIONS = """
MATCH (s:Section)
WHERE NOT ()-[:HAS_SECTION]->(s)
DETACH DELETE s
RETURN count(*) AS n
"""

DELETE_STALE_EDGES = """
MATCH (a)-[r]->(b)
WHERE a.retired_at IS NULL AND b.retired_at IS NOT NULL
  AND NOT (labels(a)[0] + ':' + type(r)) IN $kept
DELETE r
RETURN count(*) AS n
"""

# Merging duplicates of one label: marks left by an interrupted repair are
# cleared, one node per id is marked to keep (the most recently extracted)
# and the others to drop; each edge of a dropped node is moved to the kept
# one (MERGE: an edge the kept node already has is not doubled) and the
# dropped nodes, now without edges, are deleted.
clear_marks = """
MATCH (n:{label})
WHERE n.doctor_keep IS NOT NULL OR n.doctor_drop IS NOT NULL
REMOVE n.doctor_keep, n.doctor_drop
RETURN count(n) AS n
"""

mark_duplicates = """
MATCH (n:{label})
WHERE n.id IS NOT NULL
WITH n
ORDER BY coalesce(n.extracted_at, 0) DESC
WITH n.id AS id, collect(n) AS nodes
WHERE size(nodes) > 1
WITH nodes[0] AS keep, nodes[1..] AS drops
SET keep.doctor_keep = true
WITH drops
UNWIND drops AS d
SET d.doctor_drop = true
RETURN count(d) AS n
"""

types_of_dropped = """
MATCH (d:{label})-[r]-()
WHERE d.doctor_drop = true
RETURN DISTINCT type(r) AS type
"""

move_outgoing = """
MATCH (d:{label})
WHERE d.doctor_drop = true
MATCH (k:{label} {{id: d.id}})
WHERE k.doctor_keep = true
MATCH (d)-[r:{type}]->(o)
MERGE (k)-[m:{type}]->(o)
SET m += properties(r)
DELETE r
RETURN count(*) AS n
"""

move_incoming = """
MATCH (d:{label})
WHERE d.doctor_drop = true
MATCH (k:{label} {{id: d.id}})
WHERE k.doctor_keep = true
MATCH (o)-[r:{type}]->(d)
MERGE (o)-[m:{type}]->(k)
SET m += properties(r)
DELETE r
RETURN count(*) AS n
"""

delete_dropped = """
MATCH (d:{label})
WHERE d.doctor_drop = true AND NOT (d)--()
DELETE d
RETURN count(*) AS n
"""

# Dropped nodes still holding edges (of a type not in the allow-list).
left_dropped = """
MATCH (d:{label})
WHERE d.doctor_drop = true
RETURN count(d) AS n
"""

TEMPLATES = {
    "clear_marks": clear_marks,
    "mark_duplicates": mark_duplicates,
    "types_of_dropped": types_of_dropped,
    "move_outgoing": move_outgoing,
    "move_incoming": move_incoming,
    "delete_dropped": delete_dropped,
    "left_dropped": left_dropped,
}


def render(name: str, label: str, rel_type: str | None = None) -> str:
    """A template with an allow-listed label (and relationship type) put in."""
    label = checked_label(label)
    if rel_type is None:
        return TEMPLATES[name].format(label=label)
    if rel_type not in RELATIONSHIP_TYPES:
        raise QueryFailed(f"relationship type {rel_type!r} is not in the allow-list")
    return TEMPLATES[name].format(label=label, type=checked_name(rel_type))


def statements() -> dict[str, str]:
    """Every rendering of the templates, for the Cypher linter."""
    out: dict[str, str] = {}
    for name in TEMPLATES:
        if "{type}" in TEMPLATES[name]:
            for rel_type in sorted(RELATIONSHIP_TYPES):
                out[f"doctor.{name}[Section,{rel_type}]"] = render(name, "Section", rel_type)
        else:
            for label in sorted(LABELS):
                out[f"doctor.{name}[{label}]"] = render(name, label)
    return out
