"""Expected failures: bad input the client can fix.

Two ways to report them, both naming the argument and the problem:

* ``InvalidArgument`` raised by a resolver becomes a GraphQL error (in the
  response's ``errors`` list, with ``extensions.code = "BAD_USER_INPUT"`` and
  ``extensions.argument``). It is never masked and never logged with a stack
  trace: it is the client's mistake, not the server's.
* ``InvalidQuestion`` is the same failure as a union member, for fields whose
  result type is ``Answer | InvalidQuestion`` (``askResult``), so a client can
  select the failure like data.

A field the caller's role may not use fails with ``Forbidden``
(``extensions.code = "FORBIDDEN"``, ``schema/permissions.py``): expected too,
shown as it is. Every other exception is unexpected and is masked outside
development.
"""

from __future__ import annotations

import strawberry
from graphql import GraphQLError

from resolvers.errors import BAD_USER_INPUT, FORBIDDEN, Forbidden, InvalidArgument

__all__ = [
    "BAD_USER_INPUT", "FORBIDDEN", "Forbidden", "InvalidArgument", "InvalidQuestion",
    "is_expected",
]  # fmt: skip


def is_expected(error: GraphQLError) -> bool:
    """Errors shown to clients as they are: bad input and the query's own mistakes.

    Errors without an original exception come from parsing and validating the
    query (unknown field, wrong variable type); they describe the query, not
    the server, so they are not masked either.
    """
    original = error.original_error
    return original is None or isinstance(original, InvalidArgument | Forbidden)


@strawberry.type(description="The question cannot be answered as asked (empty, too long ...).")
class InvalidQuestion:
    message: str
    argument: str

    @classmethod
    def from_record(cls, error: InvalidArgument) -> InvalidQuestion:
        return cls(message=str(error), argument=error.argument)
