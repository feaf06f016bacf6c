"""Failed authentications per client address, shared by every server of the graph.

Shape::

    (:AuthFailure {id, failures, locked_until, expires_at})
        id:           a keyed hash of the client address (never the address itself)
        failures:     Unix seconds of the failures still inside the window, fewer
                      than the limit (the failure that reaches it starts a lockout
                      and empties the list)
        locked_until: Unix seconds; the address is locked out while it is ahead
        expires_at:   after it the record says nothing any more and may be deleted

One node per address, under a unique ``id``. A failure is one MERGE that
reads and rewrites a list of at most ``$max`` entries: constant work, whoever
sends it. ``ON MATCH SET n.touched`` takes the node's write lock (Neo4j)
before its list is read, so two hosts counting at once do not lose a failure;
FalkorDB runs writes one at a time anyway. ``new``: this call created the
node (its own ``$mark`` found on it, then removed), which the caller counts
towards its next prune.
"""

FAILED = """
MERGE (n:AuthFailure {id: $id})
ON CREATE SET n.mark = $mark, n.failures = [], n.locked_until = 0.0
ON MATCH SET n.touched = $now
WITH n, coalesce(n.mark = $mark, false) AS new, coalesce(n.locked_until, 0.0) AS until,
     [t IN coalesce(n.failures, []) WHERE t > $now - $window] AS recent
WITH n, new, until, until > $now AS held,
     CASE WHEN until > $now THEN recent ELSE recent + [$now] END AS counted
WITH n, new, held, counted,
     CASE WHEN held THEN until
          WHEN size(counted) >= $max THEN $now + $lockout
          ELSE until END AS locked_until
WITH n, new, locked_until,
     CASE WHEN NOT held AND size(counted) >= $max THEN [] ELSE counted END AS kept
SET n.failures = kept, n.locked_until = locked_until,
    n.expires_at = CASE WHEN locked_until > $now + $window THEN locked_until
                        ELSE $now + $window END
REMOVE n.mark, n.touched
RETURN new, locked_until, size(kept) AS failures
"""

LOCKED_UNTIL = """
MATCH (n:AuthFailure {id: $id})
WHERE n.locked_until > $now
RETURN n.locked_until AS locked_until
"""

FORGET_EXPIRED = """
MATCH (n:AuthFailure)
WHERE n.expires_at < $now
WITH n LIMIT 10000
DELETE n
RETURN count(*) AS forgotten
"""

COUNT = """
MATCH (n:AuthFailure)
RETURN count(n) AS records
"""

# Over the cap: the records that would expire first go first.
EVICT = """
MATCH (n:AuthFailure)
WITH n ORDER BY n.expires_at LIMIT $excess
DELETE n
RETURN count(*) AS evicted
"""
