"""Query shapes of every dialect function on every backend, and the label allow-list."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from graph.dialect import LABELS, Backend, Dialect, checked_label, checked_name
from graph.errors import QueryFailed

EMBEDDED = Dialect(Backend.EMBEDDED)
NEO4J = Dialect(Backend.NEO4J)


def test_every_backend_has_a_dialect_shape_here() -> None:
    # A new Backend member must get its own expected strings in this module.
    assert set(Backend) == {Backend.EMBEDDED, Backend.NEO4J}


@pytest.mark.parametrize(
    ("dialect", "expected"),
    [
        (EMBEDDED, "CREATE INDEX FOR (n:Section) ON (n.id)"),
        (
            NEO4J,
            "CREATE CONSTRAINT section_id IF NOT EXISTS FOR (n:Section) REQUIRE n.id IS UNIQUE",
        ),
    ],
    ids=["embedded", "neo4j"],
)
def test_unique_id(dialect: Dialect, expected: str) -> None:
    assert dialect.unique_id("Section") == expected


@pytest.mark.parametrize(
    ("dialect", "expected"),
    [
        (EMBEDDED, "CREATE INDEX FOR (n:ErrorCode) ON (n.code)"),
        (NEO4J, "CREATE INDEX errorcode_code IF NOT EXISTS FOR (n:ErrorCode) ON (n.code)"),
    ],
    ids=["embedded", "neo4j"],
)
def test_property_index(dialect: Dialect, expected: str) -> None:
    assert dialect.property_index("ErrorCode", "code") == expected


@pytest.mark.parametrize(
    ("dialect", "expected"),
    [
        (
            EMBEDDED,
            "CALL db.idx.fulltext.createNodeIndex("
            "{label: 'Section', stopwords: ['']}, {field: 'search', nostem: true})",
        ),
        (
            NEO4J,
            "CREATE FULLTEXT INDEX section_search IF NOT EXISTS "
            "FOR (n:Section) ON EACH [n.search] "
            "OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}",
        ),
    ],
    ids=["embedded", "neo4j"],
)
def test_fulltext_index(dialect: Dialect, expected: str) -> None:
    assert dialect.fulltext_index("Section", "search") == expected


@pytest.mark.parametrize(
    ("dialect", "expected"),
    [
        (EMBEDDED, "CALL db.idx.fulltext.queryNodes('Section', $q) YIELD node, score"),
        (NEO4J, "CALL db.index.fulltext.queryNodes('section_search', $q) YIELD node, score"),
    ],
    ids=["embedded", "neo4j"],
)
def test_fulltext_call(dialect: Dialect, expected: str) -> None:
    assert dialect.fulltext_call("Section", "search") == expected


@pytest.mark.parametrize(
    ("dialect", "expected"),
    [
        (EMBEDDED, "40p01 | max_lock_slots | 死锁"),
        (NEO4J, "40p01 OR max_lock_slots OR 死锁"),
    ],
    ids=["embedded", "neo4j"],
)
def test_fulltext_query(dialect: Dialect, expected: str) -> None:
    assert dialect.fulltext_query(["40p01", "max_lock_slots", "死锁"]) == expected


@pytest.mark.parametrize("dialect", [EMBEDDED, NEO4J], ids=["embedded", "neo4j"])
def test_fulltext_query_drops_empty_and_repeated_tokens(dialect: Dialect) -> None:
    sep = {Backend.EMBEDDED: " | ", Backend.NEO4J: " OR "}[dialect.backend]
    assert dialect.fulltext_query(["lock", "", "lock", "表", "lock"]) == f"lock{sep}表"
    assert dialect.fulltext_query(["only"]) == "only"
    assert dialect.fulltext_query([]) == ""
    assert dialect.fulltext_query(["", ""]) == ""


TRICKY = ["a-b", "c++", "x:y", "(p)", 'q"', "w*", "back\\slash", "~z", "@t", "s p", "a|b", "a/b"]


@pytest.mark.parametrize(
    ("dialect", "expected"),
    [
        (
            EMBEDDED,
            r"a\-b | c\+\+ | x\:y | \(p\) | q\" | w\* | back\\slash | \~z | \@t | s\ p"
            r" | a\|b | a\/b",
        ),
        (
            NEO4J,
            r"a\-b OR c\+\+ OR x\:y OR \(p\) OR q\" OR w\* OR back\\slash OR \~z OR @t OR s\ p"
            r" OR a\|b OR a\/b",
        ),
    ],
    ids=["embedded", "neo4j"],
)
def test_fulltext_query_escapes_the_query_syntax(dialect: Dialect, expected: str) -> None:
    assert dialect.fulltext_query(TRICKY) == expected


@pytest.mark.parametrize("dialect", [EMBEDDED, NEO4J], ids=["embedded", "neo4j"])
def test_fulltext_query_leaves_word_characters_alone(dialect: Dialect) -> None:
    for token in ["40p01", "max_lock_slots", "死锁", "pg_dump", "v3_0_1", "ÄÖü"]:
        assert dialect.fulltext_query([token]) == token


def test_checked_label_accepts_the_allow_list() -> None:
    for label in LABELS:
        assert checked_label(label) == label


@pytest.mark.parametrize(
    "label",
    ["Bogus", "section", "", "Section) DETACH DELETE (n", "Section`", "Section:Document"],
)
def test_checked_label_refuses_everything_else(label: str) -> None:
    with pytest.raises(QueryFailed, match="allow-list"):
        checked_label(label)


@pytest.mark.parametrize("name", ["search", "id", "retired_at", "x1"])
def test_checked_name_accepts_identifiers(name: str) -> None:
    assert checked_name(name) == name


@pytest.mark.parametrize(
    "name", ["", "1abc", "_x", "a b", "a.b", "a`b", "x}) DETACH DELETE n //", "a" * 64, "ü"]
)
def test_checked_name_refuses_non_identifiers(name: str) -> None:
    with pytest.raises(QueryFailed, match="identifier"):
        checked_name(name)


CALLS: list[tuple[str, Callable[[Dialect, str, str], str]]] = [
    ("unique_id", lambda d, label, prop: d.unique_id(label)),
    ("property_index", lambda d, label, prop: d.property_index(label, prop)),
    ("fulltext_index", lambda d, label, prop: d.fulltext_index(label, prop)),
    ("fulltext_call", lambda d, label, prop: d.fulltext_call(label, prop)),
]


@pytest.mark.parametrize("dialect", [EMBEDDED, NEO4J], ids=["embedded", "neo4j"])
@pytest.mark.parametrize(("name", "call"), CALLS, ids=[n for n, _ in CALLS])
def test_dialect_functions_check_labels_and_names(
    dialect: Dialect, name: str, call: Callable[[Dialect, str, str], str]
) -> None:
    with pytest.raises(QueryFailed):
        call(dialect, "Bogus", "search")
    with pytest.raises(QueryFailed):
        call(dialect, "Section') YIELD node //", "search")
    if name != "unique_id":
        with pytest.raises(QueryFailed):
            call(dialect, "Section", "search}) //")


def test_vector_statements_per_backend() -> None:
    emb, neo = Dialect(Backend.EMBEDDED), Dialect(Backend.NEO4J)
    assert emb.vector_index("Section", "embedding", 384) == (
        "CREATE VECTOR INDEX FOR (n:Section) ON (n.embedding) "
        "OPTIONS {dimension: 384, similarityFunction: 'cosine'}"
    )
    assert neo.vector_index("Section", "embedding", 384) == (
        "CREATE VECTOR INDEX section_embedding IF NOT EXISTS FOR (n:Section) ON (n.embedding) "
        "OPTIONS {indexConfig: {`vector.dimensions`: 384, `vector.similarity_function`: 'cosine'}}"
    )
    assert emb.vector_value("r.vec") == "vecf32(r.vec)"
    assert neo.vector_value("r.vec") == "r.vec"
    assert emb.vector_call("Section", "embedding") == (
        "CALL db.idx.vector.queryNodes('Section', 'embedding', $k, vecf32($vec)) "
        "YIELD node, score WITH node, 1 - score AS similarity"
    )
    assert neo.vector_call("Section", "embedding") == (
        "CALL db.index.vector.queryNodes('section_embedding', $k, $vec) "
        "YIELD node, score WITH node, 2 * score - 1 AS similarity"
    )
    with pytest.raises(QueryFailed):
        emb.vector_index("Section", "embedding", 0)
