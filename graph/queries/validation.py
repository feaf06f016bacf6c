"""Checks that follow an ingest: facts a knowledge editor should look at."""

# Error codes that nobody has written a solution for.
CODES_WITHOUT_SOLUTION = """
MATCH (e:ErrorCode)
WHERE e.retired_at IS NULL AND NOT (e)-[:SOLVED_BY]->()
RETURN e.product AS product, count(e) AS n, collect(e.code)[0..10] AS sample
ORDER BY n DESC
"""

# Sections that lost their document, documents without sections.
ORPHAN_SECTIONS = """
MATCH (s:Section)
WHERE NOT ()-[:HAS_SECTION]->(s)
RETURN count(s) AS n, collect(s.id)[0..10] AS sample
"""

EMPTY_DOCUMENTS = """
MATCH (d:Document)
WHERE d.retired_at IS NULL AND NOT (d)-[:HAS_SECTION]->()
RETURN count(d) AS n, collect(d.uri)[0..10] AS sample
"""

# The same product parameter stated with different values by different
# sources of one version (specs are keyed by product, version and parameter;
# a second source that disagrees is recorded on the spec as `conflict`).
CONFLICTING_SPECS = """
MATCH (s:Spec)
WHERE s.retired_at IS NULL AND s.conflict IS NOT NULL
RETURN count(s) AS n, collect(s.id)[0..10] AS sample
"""

LOW_CONFIDENCE = """
MATCH (n)
WHERE n.confidence IS NOT NULL AND n.confidence < $threshold AND n.retired_at IS NULL
RETURN labels(n)[0] AS label, count(n) AS n
ORDER BY n DESC
"""
