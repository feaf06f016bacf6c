"""Concepts (bilingual technical terms) and products."""

UPSERT_CONCEPTS = """
UNWIND $rows AS r
MERGE (c:Concept {id: r.id})
SET c += r.props
"""

ALL_CONCEPTS = """
MATCH (c:Concept)
RETURN c.id AS id, c.name_en AS name_en, c.name_zh AS name_zh,
       c.aliases_en AS aliases_en, c.aliases_zh AS aliases_zh, c.domain AS domain
"""

UPSERT_PRODUCTS = """
UNWIND $rows AS r
MERGE (p:Product {id: r.id})
SET p += r.props
"""

LINK_DOCUMENT_PRODUCT = """
UNWIND $rows AS r
MATCH (d:Document {id: r.doc_id})
MATCH (p:Product {id: r.pid})
MERGE (d)-[:ABOUT]->(p)
"""

ALL_PRODUCTS = """
MATCH (p:Product)
RETURN p.id AS id, p.name AS name, p.aliases AS aliases
"""
