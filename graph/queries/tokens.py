"""Revoked API tokens, kept in the graph so every worker process and host sees them.

Shape::

    (:RevokedToken {id, revoked_at, expires_at})   id: the token's id (its ``jti``)

Times are seconds since the epoch; ``expires_at`` is null when only the id
was revoked (the expiry is then unknown and the record kept). A record whose
token has expired anyway is forgotten at the next revocation: an expired
token is refused without it.
"""

# ``new``: this call created the record (``$nonce`` is the call's own, then removed).
REVOKE = """
MERGE (r:RevokedToken {id: $id})
ON CREATE SET r.revoked_at = $now, r.expires_at = $expires_at, r.nonce = $nonce
WITH r, coalesce(r.nonce = $nonce, false) AS new
REMOVE r.nonce
RETURN new
"""

IS_REVOKED = """
MATCH (r:RevokedToken {id: $id})
RETURN r.id AS id
"""

FORGET_EXPIRED = """
MATCH (r:RevokedToken)
WHERE r.expires_at IS NOT NULL AND r.expires_at < $now
DELETE r
"""
