"""Tickets, their messages, customers, symptoms and the solutions that closed them.

Shape::

    (:Ticket)-[:HAS_MESSAGE {ordinal}]->(:Message)
    (:Ticket)-[:RAISED_BY]->(:Customer)            customer:<keyed hash>; name, email, phone
                                                   only sealed (extractors/text/crypto/sealer.py)
    (:Ticket)-[:ABOUT {versions}]->(:Product)
    (:Ticket)-[:MENTIONS_CODE]->(:ErrorCode)       only codes the graph knows
    (:Ticket)-[:HAS_SYMPTOM]->(:Symptom)           symptom:<fingerprint> | symptom:code:<code>
    (:Symptom)-[:OF_CODE]->(:ErrorCode)
    (:Ticket)-[:RESOLVED_BY]->(:Solution)          solution:ticket:<system>:<id>
    (:Symptom)-[:RESOLVED_BY {ticket}]->(:Solution)
    (:Ticket)-[:ASSIGNED_TO]->(:Agent)             agent:<hash>, a name only for staff
    (:Ticket)-[:IN_GROUP]->(:Group)                group:<system>:<id>
    (:Ticket)-[:FOR_ORGANIZATION]->(:Organization) organization:<system>:<id>
    (:Agent)-[:MEMBER_OF]->(:Group)                the agent works the group's queue
    (:DeletedTicket {ticket, updated_ms})          deleted:<ticket id>, no text
    (:Ticket|Customer)-[:INDEXED_BY]->(:BlindIndex) the blind index (blind_index.py)

A customer who holds a conversation (``HELD_BY``, graph/queries/conversations.py)
stays too.

Symptoms, customers, agents, groups and organisations are shared by every
ticket that has them; they go when the last edge to them goes (an agent or
group that anything else links to stays; an agent's own ``MEMBER_OF`` edges
do not keep it, a group's members do). ``MEMBER_OF`` is written when a
ticket is assigned to an agent in a group (Zendesk lets only a member of a
group be the assignee of its tickets); it stays while both nodes stay, and
decides which tickets an agent's token reads (``resolvers/policy.py``).
Products are shared and never deleted here. A ``DeletedTicket`` remembers
that (and when) a ticket was deleted, so an older page read again cannot
bring it back; it goes when its file is read again without the deletion or
the ticket comes back newer.
"""

# The versions stored for tickets about to be written: the live ticket (from
# which file, updated when) and a deletion seen before.
STORED_VERSIONS = """
UNWIND $ids AS id
OPTIONAL MATCH (t:Ticket {id: id})
OPTIONAL MATCH (d:DeletedTicket {id: 'deleted:' + id})
RETURN id, t.source AS source, t.retired_at AS retired_at, t.updated_at AS updated_at,
       t.updated_ms AS updated_ms, t.generated_ms AS generated_ms,
       d.source AS d_source, d.updated_at AS d_updated_at, d.updated_ms AS d_updated_ms,
       d.generated_ms AS d_generated_ms
"""

# Replacing a source: its tickets (and the tickets being written again, which
# may have moved from another file) go with their messages and solutions.
SHARED_OF_TICKETS = """
UNWIND $uris AS u
MATCH (t:Ticket {source: u})
OPTIONAL MATCH (t)-[:HAS_SYMPTOM]->(y:Symptom)
OPTIONAL MATCH (t)-[:RAISED_BY]->(c:Customer)
OPTIONAL MATCH (t)-[:ASSIGNED_TO|IN_GROUP|FOR_ORGANIZATION]->(p)
RETURN collect(DISTINCT y.id) AS symptoms, collect(DISTINCT c.id) AS customers,
       collect(DISTINCT p.id) AS parties
"""

SHARED_OF_IDS = """
UNWIND $ids AS id
MATCH (t:Ticket {id: id})
OPTIONAL MATCH (t)-[:HAS_SYMPTOM]->(y:Symptom)
OPTIONAL MATCH (t)-[:RAISED_BY]->(c:Customer)
OPTIONAL MATCH (t)-[:ASSIGNED_TO|IN_GROUP|FOR_ORGANIZATION]->(p)
RETURN collect(DISTINCT y.id) AS symptoms, collect(DISTINCT c.id) AS customers,
       collect(DISTINCT p.id) AS parties
"""

DELETE_TICKETS_OF = """
UNWIND $uris AS u
MATCH (t:Ticket {source: u})
OPTIONAL MATCH (t)-[:HAS_MESSAGE]->(m:Message)
OPTIONAL MATCH (t)-[:RESOLVED_BY]->(s:Solution)
DETACH DELETE m, s, t
"""

DELETE_TICKETS_BY_ID = """
UNWIND $ids AS id
MATCH (t:Ticket {id: id})
OPTIONAL MATCH (t)-[:HAS_MESSAGE]->(m:Message)
OPTIONAL MATCH (t)-[:RESOLVED_BY]->(s:Solution)
DETACH DELETE m, s, t
"""

# Leftovers of an earlier failed write (no ticket to hang on).
DELETE_LOOSE_OF = """
UNWIND $uris AS u
MATCH (m:Message {source: u})
WHERE NOT (m)<-[:HAS_MESSAGE]-(:Ticket)
DETACH DELETE m
"""

DELETE_ORPHAN_SYMPTOMS = """
UNWIND $ids AS id
MATCH (y:Symptom {id: id})
WHERE NOT (y)<-[:HAS_SYMPTOM]-() AND NOT (y)-[:RESOLVED_BY]->()
DETACH DELETE y
"""

DELETE_ORPHAN_CUSTOMERS = """
UNWIND $ids AS id
MATCH (c:Customer {id: id})
WHERE NOT (c)<-[:RAISED_BY]-() AND NOT (c)<-[:HELD_BY]-()
DETACH DELETE c
"""

DELETE_ORPHAN_AGENTS = """
UNWIND $ids AS id
MATCH (a:Agent {id: id})
WHERE NOT (a)<--()
DETACH DELETE a
"""

DELETE_ORPHAN_GROUPS = """
UNWIND $ids AS id
MATCH (g:Group {id: id})
WHERE NOT (g)--()
DELETE g
"""

DELETE_ORPHAN_ORGANIZATIONS = """
UNWIND $ids AS id
MATCH (o:Organization {id: id})
WHERE NOT (o)--()
DELETE o
"""

# Deletions: those a file recorded go when it is read again (it records them
# anew); those of tickets written again (restored) go too.
DELETE_DELETIONS_OF = """
UNWIND $uris AS u
MATCH (d:DeletedTicket {source: u})
DELETE d
"""

DELETE_DELETIONS_BY_TICKET = """
UNWIND $ids AS id
MATCH (d:DeletedTicket {id: 'deleted:' + id})
DELETE d
"""

UPSERT_DELETIONS = """
UNWIND $rows AS r
MERGE (d:DeletedTicket {id: r.props.id})
SET d = r.props
"""

UPSERT_TICKETS = """
UNWIND $rows AS r
MERGE (t:Ticket {id: r.id})
SET t = r.props
"""

UPSERT_MESSAGES = """
UNWIND $rows AS r
MATCH (t:Ticket {id: r.tid})
MERGE (m:Message {id: r.props.id})
SET m = r.props
MERGE (t)-[h:HAS_MESSAGE]->(m)
SET h.ordinal = r.props.ordinal
"""

LINK_CUSTOMERS = """
UNWIND $rows AS r
MATCH (t:Ticket {id: r.tid})
MERGE (c:Customer {id: r.cid})
SET c += r.props
MERGE (t)-[:RAISED_BY]->(c)
"""


# An assignee, group or organisation: the node keeps a name once one is known
# (an export that does not side-load it does not erase it).
def _link_party(label: str, rel: str) -> str:
    return f"""
UNWIND $rows AS r
MATCH (t:Ticket {{id: r.tid}})
MERGE (n:{label} {{id: r.id}})
SET n += r.props
SET n.name = coalesce(r.name, n.name)
MERGE (t)-[:{rel}]->(n)
"""


LINK_AGENTS = _link_party("Agent", "ASSIGNED_TO")
LINK_GROUPS = _link_party("Group", "IN_GROUP")
LINK_ORGANIZATIONS = _link_party("Organization", "FOR_ORGANIZATION")

# An assignee is a member of the ticket's group.
LINK_MEMBERSHIPS = """
UNWIND $rows AS r
MATCH (a:Agent {id: r.agent})
MATCH (g:Group {id: r.group})
MERGE (a)-[m:MEMBER_OF]->(g)
SET m += r.props
"""

LINK_PRODUCTS = """
UNWIND $rows AS r
MATCH (t:Ticket {id: r.tid})
MERGE (p:Product {id: r.pid})
ON CREATE SET p.name = r.name, p.source = r.source, p.extractor = r.extractor,
              p.confidence = r.confidence, p.extracted_at = r.extracted_at
MERGE (t)-[a:ABOUT]->(p)
SET a.versions = r.versions, a.source = r.source, a.confidence = r.confidence
"""

# A code becomes a symptom when it is unambiguous (r.strong) or the graph
# knows it as an ErrorCode; known codes are linked from ticket and symptom.
LINK_CODES = """
UNWIND $rows AS r
MATCH (t:Ticket {id: r.tid})
OPTIONAL MATCH (e:ErrorCode {code: r.code})
WITH t, r, [x IN collect(e) WHERE x.retired_at IS NULL] AS known
WHERE r.strong OR size(known) > 0
MERGE (y:Symptom {id: r.sid})
SET y += r.props
MERGE (t)-[:HAS_SYMPTOM]->(y)
WITH t, y, known
UNWIND known AS e
MERGE (t)-[:MENTIONS_CODE]->(e)
MERGE (y)-[:OF_CODE]->(e)
"""

LINK_TRACES = """
UNWIND $rows AS r
MATCH (t:Ticket {id: r.tid})
MERGE (y:Symptom {id: r.sid})
SET y += r.props
MERGE (t)-[h:HAS_SYMPTOM]->(y)
SET h.count = r.count
"""

# The solution hangs on the ticket and on every symptom the ticket has, so a
# later ticket with the same symptom reaches it.
UPSERT_SOLUTIONS = """
UNWIND $rows AS r
MATCH (t:Ticket {id: r.tid})
MERGE (s:Solution {id: r.props.id})
SET s = r.props
MERGE (t)-[:RESOLVED_BY]->(s)
WITH t, s, r
MATCH (t)-[:HAS_SYMPTOM]->(y:Symptom)
MERGE (y)-[:RESOLVED_BY {ticket: r.tid}]->(s)
"""

# A removed export: its tickets leave search and traversals (retired_at set),
# and so do the solutions they produced.
RETIRE_TICKETS_OF = """
UNWIND $uris AS u
MATCH (t:Ticket {source: u})
SET t.retired_at = timestamp()
REMOVE t.search
WITH t
OPTIONAL MATCH (t)-[:RESOLVED_BY]->(s:Solution)
SET s.retired_at = timestamp()
"""


def _with_parties(match: str, rest: str) -> str:
    """``match`` (which binds t), then the ticket's assignee, group and
    organisation as ``assignee``, ``grp``, ``organization`` ({id, name} or null),
    its customer as ``customer`` ({id} and the record's sealed name, email and
    phone, or null), then ``rest``."""
    return f"""{match}
OPTIONAL MATCH (t)-[:ASSIGNED_TO]->(a:Agent)
OPTIONAL MATCH (t)-[:IN_GROUP]->(g:Group)
OPTIONAL MATCH (t)-[:FOR_ORGANIZATION]->(o:Organization)
OPTIONAL MATCH (t)-[:RAISED_BY]->(c:Customer)
WITH t,
     head(collect(CASE WHEN a IS NULL THEN null ELSE {{id: a.id, name: a.name}} END)) AS assignee,
     head(collect(CASE WHEN g IS NULL THEN null ELSE {{id: g.id, name: g.name}} END)) AS grp,
     head(collect(CASE WHEN o IS NULL THEN null ELSE {{id: o.id, name: o.name}} END))
       AS organization,
     head(collect(CASE WHEN c IS NULL THEN null ELSE {{id: c.id, name_sealed: c.name_sealed,
       email_sealed: c.email_sealed, phone_sealed: c.phone_sealed}} END)) AS customer
{rest}"""


TICKET = _with_parties(
    "MATCH (t:Ticket {id: $id})",
    """OPTIONAL MATCH (t)-[h:HAS_MESSAGE]->(m:Message)
WITH t, assignee, grp, organization, customer, m ORDER BY h.ordinal
RETURN t {.*, assignee: assignee, group: grp, organization: organization,
          customer: customer} AS ticket,
       collect(m {.*}) AS messages
""",
)

# (lower case: fragments, not statements the linter checks alone)
_list_return = """RETURN t {.id, .key, .system, .subject, .subject_sealed, .status, .priority,
          .created_at, .language, assignee: assignee, group: grp, organization: organization,
          customer: customer} AS ticket
ORDER BY t.created_ms DESC, t.id
"""
_page = "WITH t ORDER BY t.created_ms DESC, t.id SKIP $skip LIMIT $limit"

TICKETS = _with_parties(
    f"""MATCH (t:Ticket)
WHERE t.retired_at IS NULL
{_page}""",
    _list_return,
)

# --- what one token may read (resolvers/policy.py) -------------------------------

# A customer's own tickets: those RAISED_BY the customer the token names.
TICKETS_RAISED_BY = _with_parties(
    f"""MATCH (t:Ticket)-[:RAISED_BY]->(:Customer {{id: $subject}})
WHERE t.retired_at IS NULL
{_page}""",
    _list_return,
)

# An agent's queue: tickets assigned to the agent, or in a group the agent is a member of.
TICKETS_OF_QUEUE = _with_parties(
    f"""OPTIONAL MATCH (:Agent {{id: $subject}})-[:MEMBER_OF]->(mine:Group)
WITH collect(mine.id) AS groups
MATCH (t:Ticket)-[:ASSIGNED_TO|IN_GROUP]->(x)
WHERE t.retired_at IS NULL AND (x.id = $subject OR x.id IN groups)
WITH DISTINCT t
{_page}""",
    _list_return,
)

TICKET_RAISED_BY = """
MATCH (t:Ticket {id: $id})-[:RAISED_BY]->(:Customer {id: $subject})
RETURN t.id AS id
"""

TICKET_IN_QUEUE = """
MATCH (t:Ticket {id: $id})-[:ASSIGNED_TO|IN_GROUP]->(x)
WHERE x.id = $subject OR (x)<-[:MEMBER_OF]-(:Agent {id: $subject})
RETURN DISTINCT t.id AS id
"""

# Subjects for the development tokens `graphdesk serve` prints.
FIRST_AGENT = "MATCH (a:Agent) RETURN a.id AS id ORDER BY id LIMIT 1"
FIRST_CUSTOMER = "MATCH (c:Customer) RETURN c.id AS id ORDER BY id LIMIT 1"

# Fixes from other tickets that share a symptom with this one.
EARLIER_FIXES = """
MATCH (t:Ticket {id: $id})-[:HAS_SYMPTOM]->(y:Symptom)-[r:RESOLVED_BY]->(s:Solution)
WHERE r.ticket <> $id
RETURN DISTINCT s {.id, .text, .steps, .ticket} AS solution, y.id AS symptom, r.ticket AS ticket
ORDER BY ticket
"""

FIXES_FOR_SYMPTOMS = """
UNWIND $ids AS sid
MATCH (y:Symptom {id: sid})-[r:RESOLVED_BY]->(s:Solution)
RETURN DISTINCT s {.id, .text, .steps, .ticket} AS solution, y.id AS symptom, r.ticket AS ticket
"""

# Resolved tickets (those with a solution) are knowledge: their text for ranking.
RESOLVED_SEARCH_FIELDS = """
MATCH (t:Ticket)-[:RESOLVED_BY]->(s:Solution)
WHERE t.retired_at IS NULL AND t.search IS NOT NULL
RETURN t.id AS id, t.subject AS title, t.source AS source, t.search AS search
"""

SOLUTIONS_OF_TICKETS = """
UNWIND $ids AS tid
MATCH (t:Ticket {id: tid})-[:RESOLVED_BY]->(s:Solution)
RETURN t.id AS ticket, t.subject AS subject, t.source AS source, s.id AS id, s.text AS text,
       s.text_sealed AS text_sealed, s.steps AS steps
"""

# --- the API's ticket list and detail ------------------------------------------

# The messages of several tickets (a page of the ticket list), in order.
MESSAGES_OF_TICKETS = """
UNWIND $ids AS tid
MATCH (t:Ticket {id: tid})-[h:HAS_MESSAGE]->(m:Message)
RETURN tid AS ticket, h.ordinal AS ordinal,
       m {.id, .ordinal, .role, .author, .body, .body_sealed, .created_at, .language} AS message
ORDER BY ticket, ordinal
"""

# EARLIER_FIXES for several tickets, without the solutions of retired tickets.
EARLIER_FIXES_OF_TICKETS = """
UNWIND $ids AS tid
MATCH (t:Ticket {id: tid})-[:HAS_SYMPTOM]->(y:Symptom)-[r:RESOLVED_BY]->(s:Solution)
WHERE r.ticket <> tid AND s.retired_at IS NULL
RETURN DISTINCT tid AS for_ticket, r.ticket AS ticket, y.id AS symptom,
       s.text AS text, s.steps AS steps
ORDER BY for_ticket, ticket, symptom
"""
