"""Viewer: who the request's token says the caller is."""

from __future__ import annotations

import strawberry

from resolvers.identity import Identity


@strawberry.type(description="The caller, as the request's token names them.")
class Viewer:
    role: str | None = strawberry.field(
        description="customer, agent, expert, editor, presales, admin or auditor; null in "
        "development without a token (every role)."
    )
    subject: str = strawberry.field(
        description="A customer's or agent's id in the graph (\"customer:<hash>\", "
        '"agent:<hash>"), else the name the token was issued to.'
    )
    token_id: str | None = strawberry.field(description="The token's id (to revoke it).")
    expires_at: int | None = strawberry.field(
        description="When the token expires, in seconds since the epoch."
    )

    @classmethod
    def from_record(cls, identity: Identity) -> Viewer:
        return cls(
            role=None if identity.role is None else identity.role.value,
            subject=identity.subject,
            token_id=identity.token_id,
            expires_at=identity.expires_at,
        )
