"""Who is asking: a role and a subject, from a verified token (``api/tokens.py``).

Roles separate duties the way MLPS 2.0 level 3 asks (system, security and
audit administrators apart): ``admin`` runs the system and its accounts but
reads no personal data and no audit trail; ``auditor`` reads the audit trail
and nothing else; the desk roles read what their work needs (``policy.py``).

A token's subject means something for two roles: a ``customer`` token's
subject is the customer's id in the graph (``customer:<hash>``, the node
its tickets are ``RAISED_BY``), an ``agent`` token's the agent's id
(``agent:<hash>``, the node tickets are ``ASSIGNED_TO``). For the others it
names the person or service for the logs.

``DEVELOPMENT`` is the caller of a request without a token in development
mode only (GraphiQL, local scripts): it may use everything. Outside
development a request without a valid token never gets this far (401).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"
    EXPERT = "expert"
    EDITOR = "editor"
    PRESALES = "presales"
    ADMIN = "admin"
    AUDITOR = "auditor"


@dataclass(frozen=True)
class Identity:
    role: Role | None  # None: development without a token
    subject: str
    token_id: str | None = None
    issued_at: int | None = None  # seconds since the epoch
    expires_at: int | None = None

    @property
    def development(self) -> bool:
        return self.role is None


DEVELOPMENT = Identity(role=None, subject="development")
