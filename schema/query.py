"""The root Query type; each field's logic is a plain function in ``resolvers/``."""

from __future__ import annotations

import strawberry

from resolvers.ask import ask, ask_result
from resolvers.stats import stats


@strawberry.type(description="Questions to the support knowledge graph.")
class Query:
    ask = strawberry.field(resolver=ask)
    ask_result = strawberry.field(resolver=ask_result)
    stats = strawberry.field(resolver=stats)
