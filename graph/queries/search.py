"""Full-text candidates for answers; the CALL clause comes from the dialect."""

from __future__ import annotations

from graph.dialect import Dialect
from graph.store import Store
from graph.types import Row


def sections_cypher(d: Dialect) -> str:
    return (
        d.fulltext_call("Section", "search")
        + " RETURN node.id AS id, score ORDER BY score DESC LIMIT $limit"
    )


def sections(store: Store, tokens: list[str], limit: int) -> list[Row]:
    if not tokens:
        return []
    d = store.dialect
    return store.read(sections_cypher(d), {"q": d.fulltext_query(tokens), "limit": limit})


def statements(d: Dialect) -> dict[str, str]:
    """Every statement this module can send, for the linter test."""
    return {"search.sections": sections_cypher(d)}
