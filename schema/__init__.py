"""GraphQL schema: strawberry types (one per module), the Query root, and the schema.

``schema`` shows every error as raised (development); ``build_schema(mask_errors=True)``
replaces unexpected errors by "Unexpected error." for production, while bad input
(``InvalidArgument``) and mistakes in the query itself still reach the client.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from extractors.text.masking import mask
from schema.cost import MaxCost
from schema.errors import Forbidden, InvalidArgument, is_expected
from schema.query import Mutation, Query

log = logging.getLogger("graphdesk.graphql")
# What one request may ask, in every mode: one request with thousands of
# aliased `ask`s held every other client up for seconds. A question is one
# token, however long.
MAX_TOKENS = 2000
MAX_ALIASES = 20
MAX_DEPTH = 8


# The alias and depth limits as validation rules built once: each limiter
# instance makes rule classes of its own, and the validation cache is keyed by
# the rules, so limiters built per request made every request validate afresh
# (about 2.5 ms of a cache-hit `ask`'s 3 ms). Introspection fields are not
# counted towards the depth.
_LIMIT_RULES = [
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    MaxCost,  # a price per field, answers dear (schema/cost.py)
]


class GraphdeskSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Logged here, not by strawberry: its line quotes the query's source
        # (questions, names, numbers) and the exception as raised. Ours names
        # the field and scrubs personal data from the message and traceback.
        for error in errors:
            where = ".".join(str(p) for p in error.path or ()) or "the request"
            if isinstance(error.original_error, InvalidArgument):
                # Bad input is the client's mistake: one debug line, no stack trace.
                log.debug("bad input at %s: %s", where, mask(error.message))
                continue
            if isinstance(error.original_error, Forbidden):
                log.info("refused %s: %s", where, error.message)
                continue
            original = error.original_error
            trace = "".join(traceback.format_exception(original)) if original is not None else ""
            log.error("GraphQL error at %s: %s\n%s", where, mask(error.message), mask(trace))


def _should_mask(error: GraphQLError) -> bool:
    return not is_expected(error)


def _mask_errors() -> SchemaExtension:
    return MaskErrors(should_mask_error=_should_mask)


def build_schema(mask_errors: bool) -> strawberry.Schema:
    """``mask_errors`` is production: unexpected errors masked, and the schema
    not handed to strangers (no introspection, no "did you mean" suggestions,
    which spell out field names one guess at a time)."""
    # Extensions are given as factories: strawberry builds fresh ones per request.
    # Parsed and validated documents are cached: clients send the same few queries.
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ParserCache(maxsize=256),
        lambda: AddValidationRules(_LIMIT_RULES),
        lambda: ValidationCache(maxsize=256),
    ]
    if mask_errors:
        extensions += [_mask_errors, DisableIntrospection]
    config = StrawberryConfig(disable_field_suggestions=mask_errors)
    return GraphdeskSchema(query=Query, mutation=Mutation, extensions=extensions, config=config)


schema = build_schema(mask_errors=False)

__all__ = ["build_schema", "schema"]
