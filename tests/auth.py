"""Tokens for tests: one secret the test apps and servers are configured with."""

from __future__ import annotations

from api.tokens import derive_key, issue
from resolvers.identity import Role

SECRET = "graphdesk-tests-" + "5f0c" * 12  # 64 characters, test use only


def token(role: Role | str, subject: str = "tester", ttl: int = 3600) -> str:
    return issue(derive_key(SECRET.encode()), Role(role), subject, ttl)[0]


def bearer(role: Role | str, subject: str = "tester") -> dict[str, str]:
    return {"Authorization": f"Bearer {token(role, subject)}"}
