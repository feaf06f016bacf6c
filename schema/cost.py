"""What one GraphQL operation may cost: a price per field, `ask` dear.

Each field costs 1, a field that answers a question (``ask``, ``askResult``)
costs ``ANSWER_COST``, and a list field's children are counted once (its
``limit`` argument is bounded by the resolvers). Fragments are priced where
they are spread, each time, so one fragment spread many times pays for every
spread. An operation over ``MAX_COST`` is refused before anything runs, with
its price in the message. The aliases and depth limits (``schema/__init__``)
still apply; this one bounds what fits inside them (twenty aliased `ask`s
pass the alias limit but cost 200).
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)

ANSWER_COST = 10
ANSWER_FIELDS = frozenset({"ask", "askResult"})
MAX_COST = 100


def _price(
    selection: SelectionSetNode | None, context: ValidationContext, visiting: frozenset[str]
) -> int:
    if selection is None:
        return 0
    total = 0
    for node in selection.selections:
        if isinstance(node, FieldNode):
            if node.name.value.startswith("__"):
                continue  # introspection is free (and off in production)
            own = ANSWER_COST if node.name.value in ANSWER_FIELDS else 1
            total += own + _price(node.selection_set, context, visiting)
        elif isinstance(node, InlineFragmentNode):
            total += _price(node.selection_set, context, visiting)
        elif isinstance(node, FragmentSpreadNode):
            name = node.name.value
            fragment = context.get_fragment(name)
            if fragment is None or name in visiting:  # unknown or cyclic: other rules say so
                continue
            total += _price(fragment.selection_set, context, visiting | {name})
    return total


class MaxCost(ValidationRule):
    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        cost = _price(node.selection_set, self.context, frozenset())
        if cost > MAX_COST:
            name = f" '{node.name.value}'" if node.name else ""
            self.report_error(
                GraphQLError(
                    f"operation{name} costs {cost}, over the limit of {MAX_COST} "
                    f"(each field 1, each answer {ANSWER_COST})",
                    node,
                )
            )
