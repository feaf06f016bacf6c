"""Product parameters (specs) with value, unit and source."""

DELETE_SPECS_OF = """
UNWIND $uris AS u
MATCH (s:Spec {source: u})
DETACH DELETE s
"""

UPSERT_SPECS = """
UNWIND $rows AS r
MERGE (p:Product {id: r.pid})
ON CREATE SET p.name = r.product
MERGE (s:Spec {id: r.id})
SET s += r.props, s.retired_at = null
MERGE (p)-[:HAS_SPEC]->(s)
"""

RETIRE_SPECS_OF = """
UNWIND $uris AS u
MATCH (s:Spec {source: u})
SET s.retired_at = timestamp()
"""
