"""Product parameters (specs) with value, unit and source."""

DELETE_SPECS_OF = """
UNWIND $uris AS u
MATCH (s:Spec {source: u})
DETACH DELETE s
"""

# A value that another source stated differently for the same product,
# version and parameter is kept as `conflict` for the validation report.
UPSERT_SPECS = """
UNWIND $rows AS r
MERGE (p:Product {id: r.pid})
ON CREATE SET p.name = r.product
MERGE (s:Spec {id: r.id})
WITH p, s, r, s.source AS old_source, s.value AS old_value
SET s += r.props, s.retired_at = null,
    s.conflict = CASE
      WHEN old_source IS NOT NULL AND old_source <> r.props.source AND old_value <> r.props.value
      THEN old_source + ': ' + old_value
      ELSE null END
MERGE (p)-[:HAS_SPEC]->(s)
"""

RETIRE_SPECS_OF = """
UNWIND $uris AS u
MATCH (s:Spec {source: u})
SET s.retired_at = timestamp()
"""
