"""Concepts (bilingual technical terms) and products.

Name lists come back ordered by id: matchers and resolvers break ties in the
order they learn names, and that must not depend on the database's storage order.
"""

UPSERT_CONCEPTS = """
UNWIND $rows AS r
MERGE (c:Concept {id: r.id})
SET c += r.props
"""

ALL_CONCEPTS = """
MATCH (c:Concept)
RETURN c.id AS id, c.name_en AS name_en, c.name_zh AS name_zh,
       c.aliases_en AS aliases_en, c.aliases_zh AS aliases_zh, c.domain AS domain
ORDER BY id
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
ORDER BY id
"""

PRODUCT_NAMES = """
MATCH (p:Product)
RETURN p.id AS id, p.name AS name, p.aliases AS aliases
ORDER BY id
"""

BLOCKED_ALIASES = """
MATCH (a:Alias {blocked: true})
WHERE coalesce(a.kind, 'product') = $kind
RETURN a.name AS name
"""

COMPONENT_NAMES = """
MATCH (c:Component)
RETURN c.id AS id, c.name AS name, c.aliases AS aliases
ORDER BY id
"""

RECORD_COMPONENT_ALIASES = """
UNWIND $rows AS r
MATCH (c:Component {id: r.cid})
MERGE (a:Alias {id: r.id})
SET a += r.props, a.blocked = false
MERGE (a)-[:RESOLVES_TO]->(c)
"""

# Undo for a component: templates logged under that name move to a component of its own.
UNDO_COMPONENT_ALIAS = """
MATCH (a:Alias {id: $id})
OPTIONAL MATCH (a)-[r:RESOLVES_TO]->(:Component)
DELETE r
SET a.blocked = true
WITH a
MERGE (own:Component {id: $own})
ON CREATE SET own.name = a.name
WITH a, own
MATCH (t:LogTemplate)-[f:FROM_COMPONENT]->(:Component)
WHERE a.name IN t.component_names
DELETE f
MERGE (t)-[:FROM_COMPONENT]->(own)
"""

# A merge of a differently spelled name into a product, kept so it can be undone.
RECORD_ALIASES = """
UNWIND $rows AS r
MATCH (p:Product {id: r.pid})
MERGE (a:Alias {id: r.id})
SET a += r.props, a.blocked = false
MERGE (a)-[:RESOLVES_TO]->(p)
"""

ALIASES = """
MATCH (a:Alias)
OPTIONAL MATCH (a)-[:RESOLVES_TO]->(p)
RETURN a.name AS name, a.method AS method, a.score AS score, a.source AS source,
       a.blocked AS blocked, coalesce(a.kind, 'product') AS kind, p.id AS product,
       p.name AS product_name
ORDER BY name
"""

# Undo: the alias stops resolving, and what came in under that name moves to a
# product of its own.
UNDO_ALIAS = """
MATCH (a:Alias {id: $id})
OPTIONAL MATCH (a)-[r:RESOLVES_TO]->(:Product)
DELETE r
SET a.blocked = true
WITH a
MERGE (own:Product {id: $own})
ON CREATE SET own.name = a.name
WITH a, own
OPTIONAL MATCH (d:Document {product: a.name})-[about:ABOUT]->(:Product)
DELETE about
WITH DISTINCT a, own, d
WHERE d IS NOT NULL
MERGE (d)-[:ABOUT]->(own)
"""

UNDO_ALIAS_SPECS = """
MATCH (a:Alias {id: $id})
MATCH (s:Spec {product: a.name})<-[h:HAS_SPEC]-(:Product)
MATCH (own:Product {id: $own})
DELETE h
MERGE (own)-[:HAS_SPEC]->(s)
"""
