"""The root Query type; each field's logic is a plain function in ``resolvers/``."""

from __future__ import annotations

import strawberry

from resolvers.ask import ask, ask_result
from resolvers.catalog import (
    error_code,
    error_codes,
    log_templates,
    thread,
    threads,
    ticket,
    tickets,
)
from resolvers.stats import stats


@strawberry.type(description="Questions to the support knowledge graph.")
class Query:
    ask = strawberry.field(resolver=ask)
    ask_result = strawberry.field(resolver=ask_result)
    stats = strawberry.field(resolver=stats)
    tickets = strawberry.field(resolver=tickets)
    ticket = strawberry.field(resolver=ticket)
    threads = strawberry.field(resolver=threads)
    thread = strawberry.field(resolver=thread)
    error_codes = strawberry.field(resolver=error_codes)
    error_code = strawberry.field(resolver=error_code)
    log_templates = strawberry.field(resolver=log_templates)
