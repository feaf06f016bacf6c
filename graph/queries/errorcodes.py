"""Error codes with their causes and ordered solution steps."""

# A code may be described by several sources (a table in a manual page and a
# CSV export): each source's causes and solutions are its own, and the code
# itself goes only when no other source's facts hang on it.
DELETE_FACTS_OF = """
UNWIND $uris AS u
MATCH (:ErrorCode)-[:HAS_CAUSE|SOLVED_BY]->(x)
WHERE x.source = u
DETACH DELETE x
"""

DELETE_ERROR_CODES_OF = """
UNWIND $uris AS u
MATCH (e:ErrorCode {source: u})
WHERE NOT (e)-[:HAS_CAUSE|SOLVED_BY]->()
DETACH DELETE e
"""

UPSERT_ERROR_CODES = """
UNWIND $rows AS r
MERGE (e:ErrorCode {id: r.id})
SET e += r.props, e.retired_at = null
"""

UPSERT_CAUSES = """
UNWIND $rows AS r
MATCH (e:ErrorCode {id: r.eid})
MERGE (c:Cause {id: r.props.id})
SET c = r.props
MERGE (e)-[:HAS_CAUSE]->(c)
"""

UPSERT_SOLUTIONS = """
UNWIND $rows AS r
MATCH (e:ErrorCode {id: r.eid})
MERGE (s:Solution {id: r.props.id})
SET s = r.props
MERGE (e)-[:SOLVED_BY]->(s)
"""

LINK_DESCRIBED_IN = """
UNWIND $rows AS r
MATCH (e:ErrorCode {id: r.eid})
MATCH (s:Section {id: r.sid})
MERGE (e)-[:DESCRIBED_IN]->(s)
"""

# A code is found by itself or by an alias (the number of a symbolic code:
# ECONNREFUSED and 111).
BY_CODES = """
UNWIND $codes AS code
MATCH (e:ErrorCode)
WHERE (e.code = code OR code IN e.aliases) AND e.retired_at IS NULL
OPTIONAL MATCH (e)-[:SOLVED_BY]->(sol:Solution)
OPTIONAL MATCH (e)-[:HAS_CAUSE]->(c:Cause)
RETURN e {.id, .code, .name, .product, .message, .message_zh, .class_name, .uri} AS error,
       collect(DISTINCT CASE WHEN sol IS NULL THEN NULL
                             ELSE sol {.steps, .steps_zh} END) AS solutions,
       collect(DISTINCT CASE WHEN c IS NULL THEN NULL ELSE c {.text, .text_zh} END) AS causes
"""

# Term statistics for ranking error codes (a few thousand at most).
SEARCH_FIELDS = """
MATCH (e:ErrorCode)
WHERE e.retired_at IS NULL AND e.search IS NOT NULL
RETURN e.id AS id, e.code AS code, e.name AS name, e.aliases AS aliases, e.search AS search
"""

DESCRIBED = """
MATCH (e:ErrorCode)-[:DESCRIBED_IN]->(s:Section)
WHERE e.retired_at IS NULL AND s.retired_at IS NULL
RETURN e.id AS eid, s.id AS sid
"""

BY_IDS = """
UNWIND $ids AS id
MATCH (e:ErrorCode {id: id})
OPTIONAL MATCH (e)-[:SOLVED_BY]->(sol:Solution)
OPTIONAL MATCH (e)-[:HAS_CAUSE]->(c:Cause)
RETURN e {.id, .code, .name, .product, .message, .message_zh, .class_name, .uri} AS error,
       collect(DISTINCT CASE WHEN sol IS NULL THEN NULL
                             ELSE sol {.steps, .steps_zh} END) AS solutions,
       collect(DISTINCT CASE WHEN c IS NULL THEN NULL ELSE c {.text, .text_zh} END) AS causes
"""

# --- the API's error-code list and lookup ----------------------------------------

# A page of live error codes, by code, optionally of one product (any case).
ERROR_CODES = """
MATCH (e:ErrorCode)
WHERE e.retired_at IS NULL AND ($product IS NULL OR toLower(e.product) = toLower($product))
WITH e
ORDER BY e.code, e.product, e.id
SKIP $skip LIMIT $limit
OPTIONAL MATCH (e)-[:SOLVED_BY]->(sol:Solution)
OPTIONAL MATCH (e)-[:HAS_CAUSE]->(c:Cause)
RETURN e {.id, .code, .name, .product, .version, .message, .message_zh, .class_name,
          .severity, .uri, .description, .aliases} AS error,
       collect(DISTINCT CASE WHEN sol IS NULL THEN NULL
                             ELSE sol {.steps, .steps_zh} END) AS solutions,
       collect(DISTINCT CASE WHEN c IS NULL THEN NULL ELSE c {.text, .text_zh} END) AS causes
ORDER BY error.code, error.product, error.id
"""

# One code as each product defines it ($codes: the code as given and upper-cased),
# by the code itself or an alias.
ERROR_CODE = """
UNWIND $codes AS code
MATCH (e:ErrorCode)
WHERE (e.code = code OR code IN e.aliases) AND e.retired_at IS NULL
  AND ($product IS NULL OR toLower(e.product) = toLower($product))
OPTIONAL MATCH (e)-[:SOLVED_BY]->(sol:Solution)
OPTIONAL MATCH (e)-[:HAS_CAUSE]->(c:Cause)
RETURN e {.id, .code, .name, .product, .version, .message, .message_zh, .class_name,
          .severity, .uri, .description, .aliases} AS error,
       collect(DISTINCT CASE WHEN sol IS NULL THEN NULL
                             ELSE sol {.steps, .steps_zh} END) AS solutions,
       collect(DISTINCT CASE WHEN c IS NULL THEN NULL ELSE c {.text, .text_zh} END) AS causes
ORDER BY error.product, error.id
"""
