"""Editor-pinned answers: a question pattern, the answer, its curator and citations."""

# The pin that already holds a pattern (pinning it again replaces that pin).
PIN_BY_KEY = """
MATCH (p:PinnedAnswer {pattern_key: $key})
RETURN p.id AS id
ORDER BY p.id
LIMIT 1
"""

PIN_BY_ID = """
MATCH (p:PinnedAnswer {id: $id})
RETURN p {.*} AS pin
"""

UPSERT_PIN = """
MERGE (p:PinnedAnswer {id: $id})
ON CREATE SET p.created_ms = $now, p.created_at = $at, p.created_by = $curator
SET p += $props
RETURN p {.*} AS pin
"""

DELETE_PIN = """
MATCH (p:PinnedAnswer {id: $id})
WITH p, p {.*} AS pin
DETACH DELETE p
RETURN pin
"""

PINS = """
MATCH (p:PinnedAnswer)
RETURN p {.*} AS pin
ORDER BY p.id
"""

# What in-memory pins are compared with, every few seconds: any pin added,
# replaced or removed changes one of these.
PINS_VERSION = """
MATCH (p:PinnedAnswer)
RETURN count(p) AS pins, max(p.updated_ms) AS latest, sum(p.updated_ms) AS total
"""

# The live sections and error codes among ``$ids``, as a pin cites them.
CITABLE = """
UNWIND $ids AS id
OPTIONAL MATCH (s:Section {id: id})
WHERE s.retired_at IS NULL
OPTIONAL MATCH (e:ErrorCode {id: id})
WHERE e.retired_at IS NULL
WITH id, s, e
WHERE s IS NOT NULL OR e IS NOT NULL
RETURN id,
       CASE WHEN s IS NULL THEN 'error_code' ELSE 'document' END AS kind,
       coalesce(s.uri, e.uri, '') AS uri,
       coalesce(s.title, e.code + ' ' + coalesce(e.name, ''), id) AS title,
       coalesce(s.text, e.message, '') AS text,
       e.code AS code,
       s.version AS version
"""
