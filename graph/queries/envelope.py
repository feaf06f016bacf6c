"""Nonces of SM envelopes seen by any server of the graph: replays refused across workers.

Shape::

    (:EnvelopeNonce {id, expires_at})   id: the envelope's nonce; expires_at: Unix
                                        seconds after which its envelope is stale anyway

A nonce is admitted by the one call that creates its node (``new``: the
call's own ``$mark`` is found on it, then removed), which the unique ``id``
makes one call across processes and hosts. Expired nodes are deleted in
bounded batches.
"""

ADMIT = """
MERGE (n:EnvelopeNonce {id: $id})
ON CREATE SET n.expires_at = $expires_at, n.mark = $mark
WITH n, coalesce(n.mark = $mark, false) AS new
REMOVE n.mark
RETURN new
"""

FORGET_EXPIRED = """
MATCH (n:EnvelopeNonce)
WHERE n.expires_at < $now
WITH n LIMIT 10000
DELETE n
RETURN count(*) AS forgotten
"""
