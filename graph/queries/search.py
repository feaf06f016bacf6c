"""Full-text candidates for answers; the CALL clause comes from the dialect."""

from __future__ import annotations

from graph.store import Store
from graph.types import Row


def sections(store: Store, tokens: list[str], limit: int) -> list[Row]:
    if not tokens:
        return []
    d = store.dialect
    cypher = (
        d.fulltext_call("Section", "search")
        + " RETURN node.id AS id, node.uri AS uri, node.title AS title, "
        "node.doc_title AS doc_title, node.doc_id AS doc_id, node.text AS text, score "
        "ORDER BY score DESC LIMIT $limit"
    )
    return store.read(cypher, {"q": d.fulltext_query(tokens), "limit": limit})


def error_codes(store: Store, tokens: list[str], limit: int) -> list[Row]:
    if not tokens:
        return []
    d = store.dialect
    cypher = (
        d.fulltext_call("ErrorCode", "search")
        + " WHERE node.retired_at IS NULL"
        " RETURN node.id AS id, node.code AS code, score ORDER BY score DESC LIMIT $limit"
    )
    return store.read(cypher, {"q": d.fulltext_query(tokens), "limit": limit})


def statements(store: Store) -> dict[str, str]:
    """Every statement this module can send, for the linter test."""
    d = store.dialect
    return {
        "search.sections": d.fulltext_call("Section", "search") + " RETURN node.id AS id, score",
        "search.error_codes": d.fulltext_call("ErrorCode", "search")
        + " RETURN node.id AS id, score",
    }
