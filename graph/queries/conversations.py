"""Conversations, their turns, and the handoff tickets escalated ones wait with.

Shape::

    (:Conversation)-[:HELD_BY]->(:Customer)        the customer who holds it
    (:Conversation)-[:HAS_TURN {ordinal}]->(:Turn)  customer, bot and agent turns
    (:Turn)-[:MENTIONS_CODE]->(:ErrorCode)         codes the graph knows, by code
    (:Turn)-[:ABOUT]->(:Product)
    (:Conversation)-[:ESCALATED_TO]->(:Ticket)     ticket:graphdesk:<conversation key>
    (:Ticket)-[:RAISED_BY]->(:Customer)
    (:Ticket)-[:IN_QUEUE]->(:Queue)                until an agent takes it
    (:Ticket)-[:ASSIGNED_TO]->(:Agent)             the agent who replied first
    (:Ticket)-[:INDEXED_BY]->(:BlindIndex)         the turns' personal values (blind_index.py)

Turns are created, never merged: a turn's id is unique (V0010), so two
messages racing for one conversation's next ordinal cannot both win.
Citations, attachments' findings and the handoff packet are JSON strings
(Neo4j stores no lists of maps). A turn's text and findings are stored masked,
their clear originals sealed beside them (``resolvers/conversation/turn_text.py``).
"""

CONVERSATION = """
MATCH (c:Conversation {id: $id})-[:HELD_BY]->(k:Customer)
OPTIONAL MATCH (c)-[:ESCALATED_TO]->(t:Ticket)
OPTIONAL MATCH (t)-[:IN_QUEUE]->(q:Queue)
OPTIONAL MATCH (t)-[:ASSIGNED_TO]->(a:Agent)
RETURN c {.*} AS conversation, k.id AS customer,
       CASE WHEN t IS NULL THEN null
            ELSE t {.id, .subject, .status, .handoff, .summary, .summary_mode} END AS ticket,
       q.id AS queue, a.id AS assignee
"""

TURNS = """
MATCH (:Conversation {id: $id})-[:HAS_TURN]->(u:Turn)
RETURN u {.*} AS turn
ORDER BY u.ordinal
"""

# Escalated conversations an agent works: waiting in a queue (every agent may
# take one: routing is issue 11), assigned to the agent, or in one of their groups.
VISIBLE_TO_AGENT = """
MATCH (c:Conversation {id: $id})-[:ESCALATED_TO]->(t:Ticket)
WHERE (t)-[:IN_QUEUE]->(:Queue) OR (t)-[:ASSIGNED_TO]->(:Agent {id: $subject})
   OR (t)-[:IN_GROUP]->(:Group)<-[:MEMBER_OF]-(:Agent {id: $subject})
RETURN DISTINCT c.id AS id
"""

CREATE_CONVERSATION = """
MERGE (k:Customer {id: $customer})
CREATE (c:Conversation)
SET c = $props
MERGE (c)-[:HELD_BY]->(k)
"""

UPDATE_CONVERSATION = """
MATCH (c:Conversation {id: $id})
SET c += $props
"""

ADD_TURNS = """
UNWIND $rows AS r
MATCH (c:Conversation {id: r.conversation})
CREATE (u:Turn)
SET u = r.props
CREATE (c)-[:HAS_TURN {ordinal: r.props.ordinal}]->(u)
"""

LINK_TURN_CODES = """
UNWIND $rows AS r
MATCH (u:Turn {id: r.turn})
MATCH (e:ErrorCode)
WHERE e.code IN r.codes AND e.retired_at IS NULL
MERGE (u)-[:MENTIONS_CODE]->(e)
"""

LINK_TURN_PRODUCTS = """
UNWIND $rows AS r
MATCH (u:Turn {id: r.turn})
MATCH (p:Product)
WHERE p.id IN r.products
MERGE (u)-[:ABOUT]->(p)
"""

# The handoff: a ticket raised by the conversation's customer, waiting in a queue.
ESCALATE = """
MATCH (c:Conversation {id: $conversation})-[:HELD_BY]->(k:Customer)
MERGE (q:Queue {id: $queue})
ON CREATE SET q.name = $queue_name
CREATE (t:Ticket)
SET t = $ticket
CREATE (c)-[:ESCALATED_TO]->(t)
CREATE (t)-[:RAISED_BY]->(k)
CREATE (t)-[:IN_QUEUE]->(q)
"""

# The first agent who replies takes the ticket out of the queue.
TAKE_TICKET = """
MATCH (:Conversation {id: $conversation})-[:ESCALATED_TO]->(t:Ticket)
MERGE (a:Agent {id: $agent})
MERGE (t)-[:ASSIGNED_TO]->(a)
WITH t
OPTIONAL MATCH (t)-[w:IN_QUEUE]->(:Queue)
DELETE w
"""

# $props: the resolution, masked, and sealed (resolvers/conversation/turn_text.py).
CLOSE_TICKET = """
MATCH (:Conversation {id: $conversation})-[:ESCALATED_TO]->(t:Ticket)
SET t += $props
SET t.status = 'closed', t.resolved = true,
    t.updated_ms = $now, t.updated_at = $at
WITH t
OPTIONAL MATCH (t)-[w:IN_QUEUE]->(:Queue)
DELETE w
"""

TURN_OWNER = """
MATCH (k:Customer)<-[:HELD_BY]-(c:Conversation)-[:HAS_TURN]->(u:Turn {id: $id})
RETURN c.id AS conversation, k.id AS customer, u.role AS role
"""

SET_FEEDBACK = """
MATCH (u:Turn {id: $id})
SET u += $props
RETURN u {.*} AS turn
"""

# Resolved tickets that share an error code (as a symptom) with the conversation,
# then resolved tickets about one of its products.
RESOLVED_BY_CODES = """
UNWIND $codes AS code
MATCH (t:Ticket)-[:HAS_SYMPTOM]->(:Symptom {id: 'symptom:code:' + code})
MATCH (t)-[:RESOLVED_BY]->(s:Solution)
WHERE t.retired_at IS NULL
RETURN DISTINCT t.id AS id, t.subject AS subject, s.text AS solution, code AS shared
LIMIT $limit
"""

RESOLVED_BY_PRODUCTS = """
UNWIND $products AS pid
MATCH (t:Ticket)-[:ABOUT]->(:Product {id: pid})
MATCH (t)-[:RESOLVED_BY]->(s:Solution)
WHERE t.retired_at IS NULL
RETURN DISTINCT t.id AS id, t.subject AS subject, s.text AS solution, pid AS shared
LIMIT $limit
"""

# What the desk knows of the customer: earlier tickets and conversations.
CUSTOMER_HISTORY = """
MATCH (k:Customer {id: $customer})
OPTIONAL MATCH (t:Ticket)-[:RAISED_BY]->(k)
WITH k, collect(DISTINCT t {.id, .subject, .status, .created_ms}) AS tickets
OPTIONAL MATCH (c:Conversation)-[:HELD_BY]->(k)
RETURN tickets, count(DISTINCT c) AS conversations
"""
