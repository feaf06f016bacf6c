"""The routing simulator's own statements (``resolvers/routing/simulation/``):
its catalogue of service types, its tickets, and the end-of-run checks.
Everything else it does goes through the router's statements
(``graph/queries/routing.py``), as a live desk's tickets would.

Shape::

    (:Product {id, name, simulated: true})          one per service type
    (:Ticket {id, language, complexity, status, simulated: true, history})-[:ABOUT]->(:Product)
"""

SERVICE_TYPES = """
UNWIND $rows AS r
MERGE (p:Product {id: r.id})
SET p.name = r.name, p.aliases = r.aliases, p.simulated = true
"""

CREATE_TICKET = """
MATCH (p:Product {id: $product})
CREATE (t:Ticket {id: $id, subject: '', description: '', language: 'en',
                  complexity: $complexity, status: 'open', simulated: true})
CREATE (t)-[:ABOUT]->(p)
RETURN t.id AS id
"""

# A call of the desk's past (the history a learning policy is taught from):
# a ticket like the run's, marked so that the run's end-of-run counts leave it out.
CREATE_PAST_TICKET = """
MATCH (p:Product {id: $product})
CREATE (t:Ticket {id: $id, subject: '', description: '', language: 'en',
                  complexity: $complexity, status: 'open', simulated: true, history: true})
CREATE (t)-[:ABOUT]->(p)
RETURN t.id AS id
"""

# A caller who hung up: the ticket closes unserved (the router never sees it again).
ABANDON_TICKET = """
MATCH (t:Ticket {id: $id})
SET t.status = 'abandoned', t.resolved_ms = $at_ms, t.waiting_since_ms = null
RETURN t.id AS id
"""

TICKET_STATUSES = """
MATCH (t:Ticket {simulated: true})
WHERE t.history IS NULL
RETURN t.status AS status, count(t) AS n
"""

AGENT_LOADS = """
MATCH (a:Agent)
OPTIONAL MATCH (:Ticket)-[r:ASSIGNED_TO]->(a)
RETURN a.id AS agent, a.load AS load, count(r) AS assigned
"""
