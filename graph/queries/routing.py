"""Routing tickets to people: agents, their skills and what they learned (issue 11).

Shape::

    (:Agent {id, name, tier, languages, capacity, status, load,
             shift_start, shift_end, last_assigned_ms, roster})
    (:Agent)-[:HAS_SKILL {level, declared, handled, fcr, ht_n, ht_mean, ht_m2,
                          csat_n, csat_sum}]->(:Product|:Component|:Concept)
    (:Agent)-[:MEMBER_OF]->(:Group)               a team and its queue
    (:Ticket)-[:NEEDS {weight, step}]->(:Product|:Component|:Concept)
    (:Ticket)-[:ASSIGNED_TO {by, step, at_ms}]->(:Agent)
    (:Ticket)-[:IN_GROUP]->(:Group)               the queue it waits in
    (:Ticket)-[:ROUTED]->(:RoutingDecision {id, ticket, agent, group, step,
                                            policy, score, terms, at_ms})

``NEEDS`` edges of ``step`` 1 are what the ticket names (its products, its
error codes' products, the components and concepts its text links to);
``step`` 2 adds what those are related to in the graph (the fallback's
"related concepts"). ``ht_*`` are the count, mean and sum of squared
deviations of the natural log of handling seconds (Welford), so the learned
policy has a posterior for speed as well as for first-contact resolution.
``load`` is a counter kept with each assignment and release, so the router
reads an agent's load without counting their tickets.
"""


def _target(keep: str) -> str:
    """``s``: the Product, Component or Concept whose id is ``r.target``, each by
    its own id index (an unlabelled match would scan every node)."""
    return f"""OPTIONAL MATCH (p:Product {{id: r.target}})
OPTIONAL MATCH (c:Component {{id: r.target}})
OPTIONAL MATCH (k:Concept {{id: r.target}})
WITH {keep}, coalesce(p, c, k) AS s
WHERE s IS NOT NULL"""


UPSERT_AGENTS = """
UNWIND $rows AS r
MERGE (a:Agent {id: r.id})
ON CREATE SET a.load = 0, a.last_assigned_ms = 0
SET a += r.props
"""

# Declared skills from a roster: the declared level is set, what was learned stays.
SET_SKILLS = f"""
UNWIND $rows AS r
MATCH (a:Agent {{id: r.agent}})
{_target("r, a")}
MERGE (a)-[h:HAS_SKILL]->(s)
ON CREATE SET h.handled = 0, h.fcr = 0, h.ht_n = 0, h.ht_mean = 0.0, h.ht_m2 = 0.0,
              h.csat_n = 0, h.csat_sum = 0.0
SET h.level = r.level, h.declared = true
RETURN count(h) AS set
"""

# A roster read again: declared skills it no longer lists lose their level;
# the edge stays while it carries learned outcomes.
UNDECLARE_SKILLS = """
UNWIND $rows AS r
MATCH (a:Agent {id: r.agent})-[h:HAS_SKILL]->(s)
WHERE h.declared AND NOT s.id IN r.targets
SET h.declared = false, h.level = 0
"""

# Then the undeclared edges with nothing learned go (a separate statement:
# FalkorDB drops a SET made on rows a later WITH ... WHERE filters out).
DROP_EMPTY_SKILLS = """
UNWIND $rows AS r
MATCH (a:Agent {id: r.agent})-[h:HAS_SKILL]->()
WHERE NOT h.declared AND h.handled = 0
DELETE h
"""

SET_MEMBERSHIPS = """
UNWIND $rows AS r
MATCH (a:Agent {id: r.agent})
MERGE (g:Group {id: r.group})
ON CREATE SET g.name = r.name
MERGE (a)-[:MEMBER_OF]->(g)
"""

# Skill targets by name or alias, any case: products, components, concepts.
TARGETS = """
MATCH (s)
WHERE (s:Product OR s:Component OR s:Concept) AND s.retired_at IS NULL
RETURN s.id AS id, labels(s)[0] AS kind,
       [n IN [s.name, s.name_en, s.name_zh] + coalesce(s.aliases, []) +
             coalesce(s.aliases_en, []) + coalesce(s.aliases_zh, []) WHERE n IS NOT NULL] AS names
"""

TICKET_FOR_ROUTING = """
MATCH (t:Ticket {id: $ticket})
OPTIONAL MATCH (t)-[:ABOUT]->(p:Product)
OPTIONAL MATCH (t)-[:MENTIONS_CODE]->(e:ErrorCode)
OPTIONAL MATCH (t)-[:ASSIGNED_TO]->(a:Agent)
OPTIONAL MATCH (t)-[:IN_GROUP]->(g:Group)
RETURN t {.id, .subject, .description, .language, .complexity, .status, .priority,
          .waiting_since_ms, .products} AS ticket,
       collect(DISTINCT p.id) AS products, collect(DISTINCT e.product) AS code_products,
       collect(DISTINCT a.id) AS agents, collect(DISTINCT g.id) AS groups
"""

PRODUCT_IDS_BY_NAME = """
UNWIND $names AS name
MATCH (p:Product)
WHERE toLower(p.name) = toLower(name)
RETURN DISTINCT p.id AS id
"""

CLEAR_NEEDS = """
MATCH (t:Ticket {id: $ticket})-[n:NEEDS]->()
DELETE n
"""

SET_NEEDS = f"""
MATCH (t:Ticket {{id: $ticket}})
UNWIND $rows AS r
{_target("r, t")}
MERGE (t)-[n:NEEDS]->(s)
SET n.weight = r.weight, n.step = r.step
"""

# What a ticket's needs relate to: the concepts, components and products that
# other tickets needed with them, or community threads and documents are
# about with them (two hops through what names both), strongest first; the
# fallback's second step offers these to agents.
RELATED_TARGETS = """
MATCH (t:Ticket {id: $ticket})-[:NEEDS {step: 1}]->(s)<-[:MENTIONS|ABOUT|NEEDS]-(x)
      -[:MENTIONS|ABOUT|NEEDS]->(r)
WHERE (r:Product OR r:Component OR r:Concept) AND r <> s AND x <> t
      AND NOT (t)-[:NEEDS]->(r)
RETURN r.id AS id, count(DISTINCT x) AS shared
ORDER BY shared DESC, id
LIMIT $limit
"""

# The router. For one ticket: every agent with a skill the ticket needs (up
# to ``$step``), not in ``$exclude`` (who just transferred it), who speaks
# its language, within the tier range, and — unless ``$present`` is false,
# when it counts who could ever take it — available, in shift and under
# capacity; with the score terms each policy combines.
# ``skills`` carries each covered need's statistics for the learned policy's
# posterior draws.
CANDIDATES = """
MATCH (t:Ticket {id: $ticket})-[n:NEEDS]->()
WHERE n.step <= $step
WITH t, sum(n.weight) AS total
MATCH (t)-[n:NEEDS]->(s)<-[h:HAS_SKILL]-(a:Agent)
WHERE n.step <= $step AND a.tier >= $min_tier AND a.tier <= $max_tier
  AND NOT a.id IN $exclude
  AND ($language IS NULL OR $language IN a.languages OR size(coalesce(a.languages, [])) = 0)
  AND (NOT $present OR (a.status = 'available' AND a.load < a.capacity
       AND (a.shift_start IS NULL OR
            (a.shift_start <= a.shift_end AND $minute >= a.shift_start AND $minute < a.shift_end) OR
            (a.shift_start > a.shift_end AND ($minute >= a.shift_start OR $minute < a.shift_end)))))
WITH a, total,
     sum(n.weight) AS covered,
     sum(n.weight * h.level) AS level_sum,
     sum(n.weight * (h.fcr + 1.0) / (h.handled + 2.0)) AS success_sum,
     sum(CASE WHEN h.ht_n > 0 THEN n.weight * h.ht_mean ELSE 0.0 END) AS ht_sum,
     sum(CASE WHEN h.ht_n > 0 THEN n.weight ELSE 0.0 END) AS ht_weight,
     collect({skill: s.id, weight: n.weight, step: n.step, level: h.level,
              handled: h.handled, fcr: h.fcr, ht_n: h.ht_n, ht_mean: h.ht_mean,
              ht_m2: h.ht_m2}) AS skills
RETURN a.id AS agent, a.name AS name, a.tier AS tier, a.load AS load,
       a.capacity AS capacity, a.last_assigned_ms AS last_assigned_ms,
       covered / total AS coverage,
       level_sum / covered / 5.0 AS proficiency,
       success_sum / covered AS success,
       CASE WHEN ht_weight > 0 THEN ht_sum / ht_weight ELSE null END AS log_handle,
       toFloat(a.load) / a.capacity AS load_ratio,
       skills
ORDER BY coverage DESC, proficiency DESC, load_ratio, agent
LIMIT $limit
"""

# The queue of last resort: the group whose members cover most of the ticket's
# needs (any step), else the one with most members.
# The needs are matched from the ticket (its id index), not from the members:
# from a member the match would walk every ticket that needs the member's
# skills, so its cost grew with the tickets in the graph.
FALLBACK_GROUP = """
MATCH (t:Ticket {id: $ticket})
MATCH (g:Group)<-[:MEMBER_OF]-(a:Agent)
WITH t, g, count(DISTINCT a) AS members
OPTIONAL MATCH (t)-[n:NEEDS]->()<-[:HAS_SKILL]-(:Agent)-[:MEMBER_OF]->(g)
WITH g, members, coalesce(sum(n.weight), 0.0) AS covered
RETURN g.id AS group, members, covered
ORDER BY covered DESC, members DESC, group
LIMIT 1
"""

# Taking one of an agent's places: only while they are still under capacity
# (another router may have taken the last one since the candidates were read).
ASSIGN = """
MATCH (t:Ticket {id: $ticket})
MATCH (a:Agent {id: $agent})
WHERE a.status = 'available' AND a.load < a.capacity
SET a.load = a.load + 1, a.last_assigned_ms = $at_ms, t.status = 'assigned',
    t.waiting_since_ms = null
MERGE (t)-[r:ASSIGNED_TO]->(a)
SET r.by = $policy, r.step = $step, r.at_ms = $at_ms
RETURN a.id AS agent
"""

QUEUE_IN_GROUP = """
MATCH (t:Ticket {id: $ticket})
MATCH (g:Group {id: $group})
MERGE (t)-[:IN_GROUP]->(g)
SET t.status = 'queued'
RETURN g.id AS group
"""

MARK_WAITING = """
MATCH (t:Ticket {id: $ticket})
SET t.waiting_since_ms = coalesce(t.waiting_since_ms, $at_ms)
RETURN t.waiting_since_ms AS since
"""

RECORD_DECISION = """
MATCH (t:Ticket {id: $ticket})
CREATE (d:RoutingDecision {id: $id, ticket: $ticket, agent: $agent, group: $group,
                           step: $step, policy: $policy, score: $score, terms: $terms,
                           at_ms: $at_ms})
CREATE (t)-[:ROUTED]->(d)
RETURN d.id AS id
"""

DECISION_COUNT = """
MATCH (:Ticket {id: $ticket})-[:ROUTED]->(d:RoutingDecision)
RETURN count(d) AS n
"""

DECISIONS_OF = """
MATCH (:Ticket {id: $ticket})-[:ROUTED]->(d:RoutingDecision)
RETURN d {.*} AS decision
ORDER BY d.at_ms, d.id
"""

# Releasing a ticket (resolved, transferred): the agent's place comes back.
RELEASE = """
MATCH (t:Ticket {id: $ticket})-[r:ASSIGNED_TO]->(a:Agent {id: $agent})
WITH t, r, a, r.by AS policy, r.at_ms AS at_ms
DELETE r
SET a.load = CASE WHEN a.load > 0 THEN a.load - 1 ELSE 0 END
RETURN a.id AS agent, policy, at_ms
"""

# A resolved ticket teaches the edges it used: each need the ticket named
# (step 1) and the agent now has a skill for, made if the agent had none
# (a skill learned on the job, level 0 until someone declares one).
# Welford's update of the log handling time: n, mean, m2.
LEARN = """
MATCH (t:Ticket {id: $ticket})-[:NEEDS {step: 1}]->(s)
MATCH (a:Agent {id: $agent})
MERGE (a)-[h:HAS_SKILL]->(s)
ON CREATE SET h.level = 0, h.declared = false, h.handled = 0, h.fcr = 0, h.ht_n = 0,
              h.ht_mean = 0.0, h.ht_m2 = 0.0, h.csat_n = 0, h.csat_sum = 0.0
WITH t, h, h.ht_n + 1 AS n, $log_handle - h.ht_mean AS delta
SET h.handled = h.handled + 1,
    h.fcr = h.fcr + $first_contact,
    h.ht_n = n,
    h.ht_mean = h.ht_mean + delta / n,
    h.ht_m2 = h.ht_m2 + delta * ($log_handle - (h.ht_mean + delta / n)),
    h.csat_n = h.csat_n + $csat_n,
    h.csat_sum = h.csat_sum + $csat
RETURN count(h) AS learned
"""

# The outcome stays on the ticket with the policy that placed it, for the
# A/B report (the assignment edge goes with the release).
CLOSE_TICKET = """
MATCH (t:Ticket {id: $ticket})
SET t.status = $status, t.resolved_ms = $at_ms, t.first_contact = $first_contact,
    t.handle_seconds = $handle_seconds, t.routed_by = $policy, t.resolved_by = $agent
RETURN t.id AS id
"""

# Resolved tickets by the policy that placed them, since a time.
OUTCOMES_BY_POLICY = """
MATCH (t:Ticket)
WHERE t.routed_by IS NOT NULL AND t.resolved_ms >= $since_ms
RETURN t.routed_by AS policy, t.handle_seconds AS handle_seconds,
       t.first_contact AS first_contact
"""

SET_STATUS = """
MATCH (a:Agent {id: $agent})
SET a.status = $status
RETURN a.id AS agent
"""

AGENT = """
MATCH (a:Agent {id: $agent})
OPTIONAL MATCH (a)-[h:HAS_SKILL]->(s)
RETURN a {.id, .name, .tier, .languages, .capacity, .status, .load, .shift_start,
          .shift_end} AS agent,
       collect(CASE WHEN s IS NULL THEN null ELSE
               {skill: s.id, level: h.level, declared: h.declared, handled: h.handled,
                fcr: h.fcr, ht_n: h.ht_n, ht_mean: h.ht_mean, ht_m2: h.ht_m2,
                csat_n: h.csat_n, csat_sum: h.csat_sum} END) AS skills
"""

COMPONENT_NAMES = """
MATCH (c:Component)
WHERE c.retired_at IS NULL
RETURN c.id AS id, [n IN [c.name] + coalesce(c.aliases, []) WHERE n IS NOT NULL] AS names
"""

# Tickets raised to be routed (the simulator, the latency bench; escalations
# write their own), and their needs in bulk.
RAISE_TICKETS = """
UNWIND $rows AS r
MERGE (t:Ticket {id: r.id})
SET t += r.props
"""

SET_NEEDS_BULK = f"""
UNWIND $rows AS r
MATCH (t:Ticket {{id: r.ticket}})
{_target("r, t")}
MERGE (t)-[n:NEEDS]->(s)
SET n.weight = r.weight, n.step = r.step
"""

# A record of earlier outcomes on declared skills (the bench's and the
# simulator's starting point; production learns them through LEARN).
SEED_OUTCOMES = """
UNWIND $rows AS r
MATCH (a:Agent {id: r.agent})-[h:HAS_SKILL]->(s)
WHERE s.id = r.target
SET h.handled = r.n, h.fcr = r.fcr, h.ht_n = r.n, h.ht_mean = r.mean, h.ht_m2 = r.n * 0.5
"""

SIZE = """
OPTIONAL MATCH (a:Agent)
WITH count(a) AS agents
OPTIONAL MATCH (:Agent)-[h:HAS_SKILL]->()
WITH agents, count(h) AS skills
OPTIONAL MATCH (t:Ticket)-[:NEEDS]->()
WHERE t.status IN ['open', 'assigned', 'queued']
RETURN agents, skills, count(DISTINCT t) AS open_tickets
"""

# Releasing every assignment of a ticket (a supervisor's override moves it).
RELEASE_ALL = """
MATCH (t:Ticket {id: $ticket})-[r:ASSIGNED_TO]->(a:Agent)
DELETE r
SET a.load = CASE WHEN a.load > 0 THEN a.load - 1 ELSE 0 END
RETURN a.id AS agent
"""

# A supervisor's choice: the agent takes the ticket whatever their load.
OVERRIDE = """
MATCH (t:Ticket {id: $ticket})
MATCH (a:Agent {id: $agent})
SET a.load = a.load + 1, a.last_assigned_ms = $at_ms, t.status = 'assigned',
    t.waiting_since_ms = null
MERGE (t)-[r:ASSIGNED_TO]->(a)
SET r.by = 'override', r.step = 0, r.at_ms = $at_ms
RETURN a.id AS agent
"""

COUNT_TRANSFER = """
MATCH (t:Ticket {id: $ticket})
SET t.transfers = coalesce(t.transfers, 0) + 1, t.status = 'open'
RETURN t.transfers AS transfers
"""

ACCEPT = """
MATCH (t:Ticket {id: $ticket})-[r:ASSIGNED_TO]->(:Agent {id: $agent})
SET r.accepted_ms = $at_ms, t.status = 'in_progress'
RETURN t.id AS id
"""

# An agent's open work, oldest assignment first.
ASSIGNED_TO_AGENT = """
MATCH (t:Ticket)-[r:ASSIGNED_TO]->(:Agent {id: $agent})
WHERE t.status IN ['assigned', 'in_progress']
RETURN t {.id, .subject, .status, .priority, .language, .complexity} AS ticket,
       r.at_ms AS assigned_ms, r.step AS step, r.by AS policy, r.accepted_ms AS accepted_ms
ORDER BY assigned_ms, ticket.id
LIMIT $limit
"""

ASSIGNEES = """
MATCH (:Ticket {id: $ticket})-[:ASSIGNED_TO]->(a:Agent)
RETURN a.id AS agent
"""

# A handoff ticket placed with an agent no longer waits in the conversations'
# queue (resolvers/conversation/), so no other agent takes it from there.
LEAVE_HANDOFF_QUEUE = """
MATCH (t:Ticket {id: $ticket})-[w:IN_QUEUE]->(:Queue)
DELETE w
"""
