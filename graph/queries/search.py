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
    d = store.dialect
    query = d.fulltext_query(tokens)
    if not query:  # nothing searchable (only punctuation, symbols, emoji)
        return []
    return store.read(sections_cypher(d), {"q": query, "limit": limit})


def statements(d: Dialect) -> dict[str, str]:
    """Every statement this module can send, for the linter test."""
    return {"search.sections": sections_cypher(d)}
