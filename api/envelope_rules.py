"""Which GraphQL requests must come in the SM envelope (GRAPHDESK_ENVELOPE_REQUIRED).

The setting is a comma-separated list of ``all`` (every GraphQL request),
``none``, ``mutations`` (every mutation), ``personal-data`` (the root
fields that read personal data: ``resolvers/policy.PERSONAL_DATA``, today
``ticket``, ``tickets``, ``ticketsByPersonalData``, ``conversation`` and
``auditTrail``) and root field names (``ask``).
Unset, production requires ``mutations,personal-data`` (what finance and
government customers ask to be protected beyond TLS) and development
nothing. A request is judged by the operation it would run, found by
parsing its document (graphql-core, the parser strawberry runs): a document
that does not parse runs nothing, so it is left to GraphQL's own error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    parse,
)

from api.settings import ConfigError, Settings
from resolvers.policy import PERSONAL_DATA, Operation
from schema.permissions import root_fields

PRODUCTION_DEFAULT = "mutations,personal-data"
KEYWORDS = ("all", "none", "mutations", "personal-data")


@dataclass(frozen=True)
class Rules:
    every: bool = False
    mutations: bool = False
    fields: frozenset[str] = frozenset()

    @property
    def any(self) -> bool:
        return self.every or self.mutations or bool(self.fields)

    def describe(self) -> str:
        if self.every:
            return "all"
        parts = ["mutations"] if self.mutations else []
        return ",".join(parts + sorted(self.fields)) or "none"


def parse_rules(text: str) -> Rules:
    known = root_fields(frozenset(PERSONAL_DATA)) | _all_fields()
    every = mutations = False
    fields: set[str] = set()
    for word in (w.strip() for w in text.split(",")):
        if not word or word == "none":
            continue
        if word == "all":
            every = True
        elif word == "mutations":
            mutations = True
        elif word == "personal-data":
            fields |= root_fields(frozenset(PERSONAL_DATA))
        elif word in known:
            fields.add(word)
        else:
            raise ConfigError(
                f"GRAPHDESK_ENVELOPE_REQUIRED: {word!r} is neither one of {', '.join(KEYWORDS)} "
                f"nor a root field ({', '.join(sorted(known))})"
            )
    return Rules(every, mutations, frozenset(fields))


def rules_of(settings: Settings) -> Rules:
    text = settings.envelope_required
    if text is None:
        text = "none" if settings.development else PRODUCTION_DEFAULT
    return parse_rules(text)


def _all_fields() -> frozenset[str]:
    return root_fields(frozenset(Operation))


@lru_cache(maxsize=512)
def _document(query: str) -> DocumentNode | None:
    try:
        return parse(query)
    except GraphQLError:
        return None


def _roots(selection: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode]) -> set[str]:
    names: set[str] = set()
    for node in selection.selections:
        if isinstance(node, FieldNode):
            names.add(node.name.value)
        elif isinstance(node, InlineFragmentNode):
            names |= _roots(node.selection_set, fragments)
        elif isinstance(node, FragmentSpreadNode) and node.name.value in fragments:
            # A fragment spread into itself is a validation error; depth stays small.
            names |= _roots(fragments.pop(node.name.value).selection_set, fragments)
    return names


def _requirement(rules: Rules, query: object, operation_name: object) -> str | None:
    if not isinstance(query, str):
        return None
    document = _document(query)
    if document is None:
        return None
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    for op in document.definitions:
        if not isinstance(op, OperationDefinitionNode):
            continue
        if isinstance(operation_name, str) and (op.name is None or op.name.value != operation_name):
            continue
        if rules.every:
            return "every GraphQL request"
        if rules.mutations and op.operation is OperationType.MUTATION:
            return "mutations"
        hit = sorted(_roots(op.selection_set, dict(fragments)) & rules.fields)
        if hit:
            return ", ".join(hit)
    return None


def required_by(rules: Rules, body: bytes) -> str | None:
    """What in a plain JSON GraphQL body, or a multipart body's ``operations``
    field (the same JSON; ``api/envelope_guard.py`` reads it), requires the
    envelope, or None."""
    if not rules.any:
        return None
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return "every GraphQL request" if rules.every else None
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, dict):
            reason = _requirement(rules, item.get("query"), item.get("operationName"))
            if reason:
                return reason
    return "every GraphQL request" if rules.every else None


def required_by_query(rules: Rules, query: str | None, operation_name: str | None) -> str | None:
    """The same for a GET request's ``query`` parameter."""
    if not rules.any:
        return None
    if rules.every:
        return "every GraphQL request"
    return _requirement(rules, query, operation_name)
