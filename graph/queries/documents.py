"""Documents, their sections, and the sources that produced them."""

from __future__ import annotations

from graph.store import Store
from graph.types import Row

SOURCES_UNDER = """
MATCH (s:Source)
WHERE s.uri STARTS WITH $prefix AND s.retired_at IS NULL
RETURN s.uri AS uri, s.hash AS hash, s.kind AS kind
"""

# Record failures a source had when it was last written, reported again on
# every ingest that finds it unchanged, until the file is fixed.
SOURCE_PROBLEMS = """
MATCH (s:Source)
WHERE s.uri STARTS WITH $prefix AND s.retired_at IS NULL AND s.problems IS NOT NULL
RETURN s.uri AS uri, s.problems AS problems
"""

SOURCE_HASH = """
MATCH (s:Source {id: $id})
RETURN s.hash AS hash
"""

UPSERT_SOURCES = """
UNWIND $rows AS r
MERGE (s:Source {id: r.id})
SET s += r.props, s.retired_at = null
"""

FAILED_SOURCE = """
MERGE (s:Source {id: $id})
SET s.uri = $uri, s.last_error = $error, s.failed_at = timestamp()
"""

# A changed document replaces exactly its own sections (and their edges).
DELETE_SECTIONS_OF = """
UNWIND $rows AS r
MATCH (d:Document {id: r.id})-[:HAS_SECTION]->(s:Section)
DETACH DELETE s
"""

UPSERT_DOCUMENTS = """
UNWIND $rows AS r
MERGE (d:Document {id: r.id})
SET d += r.props, d.retired_at = null
"""

# A section with the concepts it mentions (r.mentions: cid, count, in_title),
# in one statement: the section just written is at hand, not looked up again.
UPSERT_SECTIONS = """
UNWIND $rows AS r
MATCH (d:Document {id: r.doc_id})
MERGE (s:Section {id: r.props.id})
SET s = r.props
MERGE (d)-[:HAS_SECTION]->(s)
WITH s, r
UNWIND r.mentions AS m
MATCH (c:Concept {id: m.cid})
MERGE (s)-[x:MENTIONS]->(c)
SET x.count = m.count, x.in_title = m.in_title
"""

# What a screenshot shows: known error codes, and stack traces as symptoms
# (shared with tickets, so they reach earlier fixes).
LINK_DOCUMENT_CODES = """
UNWIND $rows AS r
MATCH (d:Document {id: r.doc_id})
MATCH (e:ErrorCode {code: r.code})
WHERE e.retired_at IS NULL
MERGE (d)-[:MENTIONS_CODE]->(e)
"""

LINK_DOCUMENT_SYMPTOMS = """
UNWIND $rows AS r
MATCH (d:Document {id: r.doc_id})
MERGE (y:Symptom {id: r.sid})
ON CREATE SET y += r.props
MERGE (d)-[:HAS_SYMPTOM]->(y)
"""

# Retired facts stay traceable but leave the search index (no search field)
# and are skipped by traversals (retired_at set).
RETIRE_SOURCES = """
UNWIND $uris AS u
MATCH (src:Source {id: u})
SET src.retired_at = timestamp()
WITH src
MATCH (d:Document {source: src.id})
SET d.retired_at = timestamp()
WITH d
MATCH (d)-[:HAS_SECTION]->(s:Section)
SET s.retired_at = timestamp()
REMOVE s.search
"""

RETIRE_ERROR_CODES_OF = """
UNWIND $uris AS u
MATCH (e:ErrorCode {source: u})
SET e.retired_at = timestamp()
REMOVE e.search
"""

COUNTS = """
MATCH (n)
WITH labels(n)[0] AS label, count(*) AS n
RETURN label, n ORDER BY label
"""

NODE_COUNT = """
MATCH (n)
RETURN count(n) AS n
"""

EDGE_COUNT = """
MATCH ()-[r]->()
RETURN count(r) AS n
"""


def sources_under(store: Store, prefix: str) -> dict[str, str]:
    return {r["uri"]: r["hash"] for r in store.read(SOURCES_UNDER, {"prefix": prefix})}


def source_problems(store: Store, prefix: str) -> dict[str, list[str]]:
    return {
        r["uri"]: [str(p) for p in r["problems"] or []]
        for r in store.read(SOURCE_PROBLEMS, {"prefix": prefix})
    }


def counts(store: Store) -> dict[str, int]:
    out = {str(r["label"]): int(r["n"]) for r in store.read(COUNTS)}
    out["edges"] = int(store.read(EDGE_COUNT)[0]["n"])
    return out


def node_count(store: Store) -> int:
    return int(store.read(NODE_COUNT)[0]["n"])


def section_rows(store: Store, ids: list[str]) -> list[Row]:
    return store.read(SECTIONS_BY_ID, {"ids": ids})


SECTIONS_BY_ID = """
UNWIND $ids AS id
MATCH (s:Section {id: id})
RETURN s.id AS id, s.uri AS uri, s.title AS title, s.doc_title AS doc_title,
       s.text AS text, s.lang AS lang
"""

# Term statistics for ranking: every live section's segmented search field.
SEARCH_FIELDS = """
MATCH (s:Section)
WHERE s.retired_at IS NULL AND s.search IS NOT NULL
RETURN s.id AS id, s.doc_id AS doc_id, s.uri AS uri, s.title AS title,
       s.doc_title AS doc_title, s.search AS search, s.hash AS hash, s.version AS version
"""

# Sections whose title names a concept (graph neighbours of linked concepts).
TITLE_MENTIONS = """
MATCH (s:Section)-[m:MENTIONS]->(c:Concept)
WHERE m.in_title = true AND s.retired_at IS NULL
RETURN s.id AS sid, c.id AS cid
"""

FRESHNESS = """
MATCH (s:Source)
RETURN count(s) AS sources, max(s.extracted_at) AS latest, max(s.retired_at) AS retired
"""
