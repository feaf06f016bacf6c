"""Bad input the client can fix: the resolvers' one expected failure.

Raised before any work, naming the GraphQL argument and what is wrong with
it; ``schema/`` turns it into a GraphQL error (``BAD_USER_INPUT``) or an
``InvalidQuestion`` value. Plain Python: the resolvers do not know GraphQL's
error types.
"""

from __future__ import annotations

BAD_USER_INPUT = "BAD_USER_INPUT"


class InvalidArgument(Exception):
    """A resolver argument the client must change; the message names both."""

    def __init__(self, argument: str, problem: str) -> None:
        self.argument = argument
        self.problem = problem
        self.extensions = {"code": BAD_USER_INPUT, "argument": argument}
        super().__init__(f"argument '{argument}': {problem}")


FORBIDDEN = "FORBIDDEN"


class Forbidden(Exception):
    """The caller's role may not use this field (``resolvers/policy.py``); expected, not masked."""

    def __init__(self, operation: str) -> None:
        self.operation = operation
        self.extensions = {"code": FORBIDDEN}
        super().__init__(f"not allowed: your role may not use {operation}")
