"""Everything that differs between the backends, and nowhere else.

Only this module branches on the backend, always with an exhaustive match.
Labels and property names pass an allow-list before they are put into Cypher.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import assert_never

from graph.errors import QueryFailed

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,62}$")

# Labels graphdesk creates; anything else is refused before it reaches Cypher.
LABELS = frozenset(
    {
        "Document",
        "Section",
        "ErrorCode",
        "Solution",
        "Cause",
        "Concept",
        "Product",
        "Spec",
        "Source",
        "Migration",
        "Ticket",
        "Message",
        "Customer",
        "Symptom",
        "Agent",
        "Group",
        "Organization",
        "DeletedTicket",
        "Thread",
        "Question",
        "Answer",
        "LogTemplate",
        "Component",
        "Alias",
        "RevokedToken",
        "AuditRecord",
        "Conversation",
        "Turn",
        "Queue",
        "EnvelopeNonce",
        "RoutingDecision",
        "AuthFailure",
        "PinnedAnswer",
        "BlindIndex",
    }
)


class Backend(enum.Enum):
    EMBEDDED = "embedded"
    NEO4J = "neo4j"


def checked_label(label: str) -> str:
    if label not in LABELS:
        raise QueryFailed(f"label {label!r} is not in the allow-list")
    return label


def checked_name(name: str) -> str:
    if not _NAME.match(name):
        raise QueryFailed(f"name {name!r} is not a plain identifier")
    return name


@dataclass(frozen=True)
class Dialect:
    backend: Backend

    def unique_id(self, label: str) -> str:
        """DDL that makes ``id`` the unique, indexed key of ``label``."""
        label = checked_label(label)
        match self.backend:
            case Backend.EMBEDDED:
                # The exact-match index a FalkorDB unique constraint needs; the
                # constraint itself is not Cypher (Store.require_unique, V0006).
                return f"CREATE INDEX FOR (n:{label}) ON (n.id)"
            case Backend.NEO4J:
                return (
                    f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS "
                    f"FOR (n:{label}) REQUIRE n.id IS UNIQUE"
                )
            case _:
                assert_never(self.backend)

    def property_index(self, label: str, prop: str) -> str:
        label, prop = checked_label(label), checked_name(prop)
        match self.backend:
            case Backend.EMBEDDED:
                return f"CREATE INDEX FOR (n:{label}) ON (n.{prop})"
            case Backend.NEO4J:
                return (
                    f"CREATE INDEX {label.lower()}_{prop.lower()} IF NOT EXISTS "
                    f"FOR (n:{label}) ON (n.{prop})"
                )
            case _:
                assert_never(self.backend)

    def fulltext_index(self, label: str, prop: str) -> str:
        """A full-text index over a field that Python has already segmented.

        Both backends index the field as whitespace-separated, lower-case tokens
        with no stemming or stop words of their own, so search behaves the same.
        """
        label, prop = checked_label(label), checked_name(prop)
        match self.backend:
            case Backend.EMBEDDED:
                return (
                    f"CALL db.idx.fulltext.createNodeIndex("
                    f"{{label: '{label}', stopwords: ['']}}, "
                    f"{{field: '{prop}', nostem: true}})"
                )
            case Backend.NEO4J:
                return (
                    f"CREATE FULLTEXT INDEX {label.lower()}_{prop.lower()} IF NOT EXISTS "
                    f"FOR (n:{label}) ON EACH [n.{prop}] "
                    "OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}"
                )
            case _:
                assert_never(self.backend)

    def fulltext_call(self, label: str, prop: str) -> str:
        """The CALL clause that yields ``node`` and ``score`` for query string ``$q``."""
        label, prop = checked_label(label), checked_name(prop)
        match self.backend:
            case Backend.EMBEDDED:
                return f"CALL db.idx.fulltext.queryNodes('{label}', $q) YIELD node, score"
            case Backend.NEO4J:
                return (
                    f"CALL db.index.fulltext.queryNodes('{label.lower()}_{prop.lower()}', $q) "
                    "YIELD node, score"
                )
            case _:
                assert_never(self.backend)

    def vector_index(self, label: str, prop: str, dimension: int) -> str:
        """A cosine vector index (used by the embeddings benchmark)."""
        label, prop = checked_label(label), checked_name(prop)
        if not isinstance(dimension, int) or not 1 <= dimension <= 4096:
            raise QueryFailed(f"vector dimension {dimension!r} is not an int in 1..4096")
        match self.backend:
            case Backend.EMBEDDED:
                return (
                    f"CREATE VECTOR INDEX FOR (n:{label}) ON (n.{prop}) "
                    f"OPTIONS {{dimension: {dimension}, similarityFunction: 'cosine'}}"
                )
            case Backend.NEO4J:
                return (
                    f"CREATE VECTOR INDEX {label.lower()}_{prop.lower()} IF NOT EXISTS "
                    f"FOR (n:{label}) ON (n.{prop}) OPTIONS {{indexConfig: "
                    f"{{`vector.dimensions`: {dimension}, "
                    "`vector.similarity_function`: 'cosine'}}"
                )
            case _:
                assert_never(self.backend)

    def vector_value(self, expr: str) -> str:
        """How a list of floats is stored so the vector index holds it."""
        match self.backend:
            case Backend.EMBEDDED:
                return f"vecf32({expr})"
            case Backend.NEO4J:
                return expr
            case _:
                assert_never(self.backend)

    def vector_call(self, label: str, prop: str) -> str:
        """CALL clause yielding ``node`` and its cosine ``similarity`` to ``$vec``
        among the ``$k`` nearest (FalkorDB reports 1 - cosine, Neo4j (1 + cosine) / 2)."""
        label, prop = checked_label(label), checked_name(prop)
        match self.backend:
            case Backend.EMBEDDED:
                return (
                    f"CALL db.idx.vector.queryNodes('{label}', '{prop}', $k, vecf32($vec)) "
                    "YIELD node, score WITH node, 1 - score AS similarity"
                )
            case Backend.NEO4J:
                return (
                    f"CALL db.index.vector.queryNodes('{label.lower()}_{prop.lower()}', $k, $vec) "
                    "YIELD node, score WITH node, 2 * score - 1 AS similarity"
                )
            case _:
                assert_never(self.backend)

    def fulltext_query(self, tokens: list[str]) -> str:
        """An OR-query of already segmented tokens, escaped for the backend's parser.

        Only tokens with a letter or digit are terms: a lone ``_`` or an emoji
        matches nothing in the index and trips the parsers, so it is dropped."""
        clean = [t for t in dict.fromkeys(tokens) if any(c.isalnum() for c in t)]
        match self.backend:
            case Backend.EMBEDDED:
                # RediSearch: '|' is OR; escape everything that is not a word char.
                return " | ".join(_escape(t, _REDISEARCH_SPECIAL) for t in clean)
            case Backend.NEO4J:
                return " OR ".join(_escape(t, _LUCENE_SPECIAL) for t in clean)
            case _:
                assert_never(self.backend)


_REDISEARCH_SPECIAL = set(",.<>{}[]\"':;!@#$%^&*()-+=~|/\\ ?")
_LUCENE_SPECIAL = set('+-&|!(){}[]^"~*?:\\/ ')


def _escape(token: str, special: set[str]) -> str:
    return "".join("\\" + c if c in special else c for c in token)
