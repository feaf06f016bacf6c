"""The audit trail: an append-only chain of ``AuditRecord`` nodes (``resolvers/audit.py``).

Shape::

    (:AuditRecord {id, seq, time, kind, subject, role, operation, target,
                   result, client, request_id, detail, prev, hash})

``id`` is ``audit:<seq>``, unique by V0009 on both backends, so two writers
that took the same next number cannot both commit it (the chain never forks).
``seq`` is indexed for the tail and the pages. Every property is a string
except ``seq`` (never null: both backends drop null properties, and the hash
covers what is read back).
"""

APPEND = """
CREATE (r:AuditRecord {id: $id, seq: $seq, time: $time, kind: $kind, subject: $subject,
                       role: $role, operation: $operation, target: $target, result: $result,
                       client: $client, request_id: $request_id, detail: $detail,
                       prev: $prev, hash: $hash})
RETURN r.seq AS seq
"""

# The newest record after ``$after`` (a writer's last known sequence number; 0 at start).
TAIL = """
MATCH (r:AuditRecord)
WHERE r.seq > $after
RETURN r.seq AS seq, r.hash AS hash
ORDER BY r.seq DESC
LIMIT 1
"""

PAGE = """
MATCH (r:AuditRecord)
WHERE r.seq > $after
RETURN r {.*} AS record
ORDER BY r.seq
LIMIT $limit
"""

RECENT = """
MATCH (r:AuditRecord)
RETURN r {.*} AS record
ORDER BY r.seq DESC
LIMIT $limit
"""

PRUNES = """
MATCH (r:AuditRecord)
WHERE r.operation = 'audit.prune'
RETURN r.detail AS detail
"""

# The first record still inside the retention period (pruning stops before it).
FIRST_KEPT = """
MATCH (r:AuditRecord)
WHERE r.time >= $cutoff
RETURN min(r.seq) AS seq
"""

OLDEST = """
MATCH (r:AuditRecord)
RETURN min(r.seq) AS seq
"""

HASH_OF = """
MATCH (r:AuditRecord {id: $id})
RETURN r.hash AS hash
"""

DELETE_THROUGH = """
MATCH (r:AuditRecord)
WHERE r.seq <= $through
WITH r LIMIT $batch
DELETE r
RETURN count(*) AS deleted
"""
