"""Strawberry permission classes: every field and mutation names the operation it performs.

``allowed(Operation.X)`` is a ``BasePermission`` that lets a field run when
the caller's role may perform X (``resolvers/policy.py`` holds the table);
otherwise the field's value is null and its error says the role may not use
it (``extensions.code = "FORBIDDEN"``), never masked, logged without a
stack trace. What a permitted caller then sees (which tickets, masked or in
clear) is the resolvers' business. ``tests/test_roles.py`` checks that no
field of the schema goes without one.
"""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from resolvers.errors import Forbidden
from resolvers.policy import Operation, may


class Allowed(BasePermission):
    operation: Operation

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return may(info.context.identity, self.operation)

    def on_unauthorized(self) -> None:
        raise Forbidden(self.operation.value)


_CLASSES: dict[Operation, type[BasePermission]] = {
    op: type(
        f"May{op.name.title().replace('_', '')}",
        (Allowed,),
        {"operation": op, "__module__": __name__},
    )
    for op in Operation
}


def allowed(operation: Operation) -> list[type[BasePermission]]:
    """The ``permission_classes`` of a field that performs ``operation``."""
    return [_CLASSES[operation]]


def root_fields(operations: frozenset[Operation]) -> frozenset[str]:
    """The GraphQL names of the root fields and mutations that perform one of ``operations``."""
    from strawberry.schema.name_converter import NameConverter

    from schema.query import Mutation, Query  # here: schema.query imports this module

    names = NameConverter()
    kinds: tuple[Any, ...] = (Query, Mutation)
    return frozenset(
        names.get_graphql_name(field)
        for kind in kinds
        for field in kind.__strawberry_definition__.fields
        if any(getattr(p, "operation", None) in operations for p in field.permission_classes)
    )
