"""Log templates mined from log files, with their components, products and codes."""

DELETE_TEMPLATES_OF = """
UNWIND $uris AS u
MATCH (t:LogTemplate {source: u})
DETACH DELETE t
"""

UPSERT_TEMPLATES = """
UNWIND $rows AS r
MERGE (t:LogTemplate {id: r.id})
SET t += r.props
"""

LINK_COMPONENTS = """
UNWIND $rows AS r
MATCH (t:LogTemplate {id: r.tid})
MERGE (c:Component {id: r.cid})
ON CREATE SET c.name = r.name, c.source = t.source, c.extractor = t.extractor,
              c.confidence = t.confidence, c.extracted_at = t.extracted_at
MERGE (t)-[:FROM_COMPONENT]->(c)
"""

LINK_PRODUCT = """
UNWIND $rows AS r
MATCH (t:LogTemplate {id: r.tid})
MERGE (p:Product {id: r.pid})
ON CREATE SET p.name = r.name, p.source = t.source, p.extractor = t.extractor,
              p.confidence = t.confidence, p.extracted_at = t.extracted_at
MERGE (t)-[:ABOUT]->(p)
"""

LINK_CODES = """
UNWIND $rows AS r
MATCH (t:LogTemplate {id: r.tid})
MATCH (e:ErrorCode {code: r.code})
WHERE e.retired_at IS NULL
MERGE (t)-[:MENTIONS_CODE]->(e)
"""

LOG_TEMPLATES = """
MATCH (t:LogTemplate)
OPTIONAL MATCH (t)-[:FROM_COMPONENT]->(c:Component)
OPTIONAL MATCH (t)-[:MENTIONS_CODE]->(e:ErrorCode)
WITH t, collect(DISTINCT c.name) AS components, collect(DISTINCT e.code) AS codes
RETURN t {.id, .template, .count, .levels, .example, .source, .product} AS template,
       components, codes
ORDER BY template.count DESC, template.id
SKIP $skip LIMIT $limit
"""

# Every template with what it links to, for matching pasted log lines against them.
TEMPLATE_LINKS = """
MATCH (t:LogTemplate)
OPTIONAL MATCH (t)-[:MENTIONS_CODE]->(e:ErrorCode)
WHERE e.retired_at IS NULL
OPTIONAL MATCH (t)-[:FROM_COMPONENT]->(c:Component)
OPTIONAL MATCH (t)-[:ABOUT]->(p:Product)
WITH t, collect(DISTINCT e.code) AS codes, collect(DISTINCT c.name) AS components,
     collect(DISTINCT p.id) AS products
RETURN t.id AS id, t.template AS template, t.count AS count, codes, components, products
ORDER BY t.id
"""
