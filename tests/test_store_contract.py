"""The store contract, run on every reachable backend through ``any_store``.

The embedded graph always; Neo4j (parameters marked ``neo4j``) when NEO4J_URI is set.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

import pytest

from graph.errors import ConstraintViolation, QueryFailed
from graph.store import Store

NODE = "MATCH (n:Section {id: $id}) RETURN n {.*} AS node"


def _count(store: Store, label: str = "Section") -> int:
    rows = store.read(f"MATCH (n:{label}) RETURN count(n) AS c")
    return int(rows[0]["c"])


def _eventually(check: Callable[[], Any], timeout: float = 10.0) -> Any:
    """Neo4j populates a new index asynchronously; poll briefly instead of sleeping."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def test_empty_store_reads(any_store: Store) -> None:
    assert any_store.read("MATCH (n) RETURN count(n) AS c") == [{"c": 0}]
    assert any_store.read("MATCH (n:Section) RETURN n {.*} AS node") == []
    assert any_store.read("RETURN $x AS x", {"x": 1}) == [{"x": 1}]


def test_round_trip_returns_plain_dicts(any_store: Store) -> None:
    created = any_store.write(
        "CREATE (n:Section {id: $id, title: $title, level: $level}) RETURN n {.*} AS node",
        {"id": "s-1", "title": "Deadlocks", "level": 2},
    )
    assert created == [{"node": {"id": "s-1", "title": "Deadlocks", "level": 2}}]
    rows = any_store.read(NODE, {"id": "s-1"})
    assert rows == [{"node": {"id": "s-1", "title": "Deadlocks", "level": 2}}]
    assert type(rows[0]) is dict
    assert type(rows[0]["node"]) is dict
    assert any_store.read(NODE, {"id": "missing"}) == []


def test_read_returns_scalars_lists_and_maps(any_store: Store) -> None:
    any_store.write("CREATE (:Section {id: 'a', n: 1}), (:Section {id: 'b', n: 2})")
    rows = any_store.read(
        "MATCH (n:Section) WITH n ORDER BY n.id "
        "RETURN collect(n.id) AS ids, sum(n.n) AS total, {first: min(n.id)} AS m"
    )
    assert rows == [{"ids": ["a", "b"], "total": 3, "m": {"first": "a"}}]


def test_write_batch_unwinds_rows_in_several_batches(any_store: Store) -> None:
    rows = [{"id": f"s-{i:04d}", "title": f"Section {i}", "n": i} for i in range(1234)]
    sent = any_store.write_batch(
        "UNWIND $rows AS r MERGE (n:Section {id: r.id}) SET n.title = r.title, n.n = r.n",
        rows,
        batch_size=100,
    )
    assert sent == 1234
    assert _count(any_store) == 1234
    assert any_store.read(NODE, {"id": "s-0777"}) == [
        {"node": {"id": "s-0777", "title": "Section 777", "n": 777}}
    ]
    total = any_store.read("MATCH (n:Section) RETURN sum(n.n) AS s")[0]["s"]
    assert total == sum(range(1234))


def test_write_batch_of_nothing(any_store: Store) -> None:
    assert any_store.write_batch("UNWIND $rows AS r CREATE (:Section {id: r.id})", []) == 0
    assert _count(any_store) == 0


def test_transaction_runs_several_statements(any_store: Store) -> None:
    with any_store.transaction() as tx:
        tx.run("CREATE (:Document {id: $id, title: 'Manual'})", {"id": "d-1"})
        tx.run_batch(
            "UNWIND $rows AS r CREATE (:Section {id: r.id, title: r.t})",
            [{"id": "s-1", "t": "Locks"}, {"id": "s-2", "t": "Vacuum"}],
            batch_size=1,
        )
        linked = tx.run(
            "MATCH (d:Document {id: $d}), (s:Section {id: $s}) "
            "MERGE (d)-[:HAS_SECTION]->(s) RETURN d.id AS d, s.id AS s",
            {"d": "d-1", "s": "s-1"},
        )
        with pytest.raises(RuntimeError):
            _ = linked.rows  # nothing is sent before the block ends
        # reads inside the block see the graph as it was
        assert any_store.read("MATCH (n) RETURN count(n) AS n") == [{"n": 0}]
    assert linked.rows == [{"d": "d-1", "s": "s-1"}]
    rows = any_store.read(
        "MATCH (d:Document)-[:HAS_SECTION]->(s:Section) RETURN d.id AS d, s.title AS t"
    )
    assert rows == [{"d": "d-1", "t": "Locks"}]
    assert _count(any_store) == 2


def test_failed_statement_in_transaction_applies_nothing(any_store: Store) -> None:
    with pytest.raises(QueryFailed), any_store.transaction() as tx:
        tx.run("CREATE (:Section {id: 'before'})")
        tx.run("MATCH (n:Section RETURN n")
    assert _count(any_store) == 0


def test_error_inside_a_transaction_block_sends_nothing(any_store: Store) -> None:
    with pytest.raises(KeyError), any_store.transaction() as tx:
        tx.run("CREATE (:Section {id: 'before'})")
        raise KeyError("the caller failed half-way")
    assert _count(any_store) == 0


def test_bad_parameter_in_a_transaction_is_refused_when_queued(any_store: Store) -> None:
    with pytest.raises(QueryFailed, match=r"\$when"), any_store.transaction() as tx:
        tx.run("CREATE (:Section {id: 'a'})")
        tx.run("CREATE (:Section {id: 'b', t: $when})", {"when": dt.datetime.now()})
    assert _count(any_store) == 0


PLAIN_VALUES: list[tuple[str, object, object]] = [
    ("str", "deadlock detected", "deadlock detected"),
    ("empty-str", "", ""),
    ("chinese", "检测到死锁 (40P01)", "检测到死锁 (40P01)"),
    ("quotes", 'it\'s "quoted" \\ back`tick', 'it\'s "quoted" \\ back`tick'),
    ("newlines", "line 1\nline 2\ttab", "line 1\nline 2\ttab"),
    ("nul-stripped", "a\x00b\x00", "ab"),
    ("int", 42, 42),
    ("negative-int", -7, -7),
    ("int64", 2**63 - 1, 2**63 - 1),
    ("float", 3.25, 3.25),
    ("tiny-float", 1e-7, 1e-7),
    ("true", True, True),
    ("false", False, False),
    ("none", None, None),
    ("list", ["a", 1, 2.5, True, None], ["a", 1, 2.5, True, None]),
    ("empty-list", [], []),
    ("tuple", ("a", "b"), ["a", "b"]),
    ("nested-list", [[1, 2], ["x"]], [[1, 2], ["x"]]),
    (
        "map",
        {"a": 1, "b c": "x", "中文": "值", "nul": "x\x00y"},
        {"a": 1, "b c": "x", "中文": "值", "nul": "xy"},
    ),
    ("nested-map", {"m": {"l": [1, {"k": "v"}]}, "e": {}}, {"m": {"l": [1, {"k": "v"}]}, "e": {}}),
]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(v, e) for _, v, e in PLAIN_VALUES],
    ids=[name for name, _, _ in PLAIN_VALUES],
)
def test_parameters_of_every_plain_type(any_store: Store, value: object, expected: object) -> None:
    assert any_store.read("RETURN $v AS v", {"v": value}) == [{"v": expected}]


@pytest.mark.parametrize(
    "value",
    ["检测到死锁\x00", 12, -0.5, True, ["a", "b\x00"], [1, 2, 3], [1.5, 2.5], [True, False]],
    ids=["str", "int", "float", "bool", "str-list", "int-list", "float-list", "bool-list"],
)
def test_property_values_are_stored_and_matched(any_store: Store, value: object) -> None:
    any_store.write("CREATE (:Section {id: 'p', v: $v})", {"v": value})
    stored = any_store.read("MATCH (n:Section {id: 'p'}) RETURN n.v AS v")[0]["v"]
    clean = (
        value.replace("\x00", "")
        if isinstance(value, str)
        else [x.replace("\x00", "") if isinstance(x, str) else x for x in value]
        if isinstance(value, list)
        else value
    )
    assert stored == clean
    # The stored (NUL-free) value is found by an equality match with the same input.
    assert any_store.read("MATCH (n:Section) WHERE n.v = $v RETURN n.id AS id", {"v": value}) == [
        {"id": "p"}
    ]


def test_null_property_is_not_stored(any_store: Store) -> None:
    any_store.write("CREATE (n:Section {id: 'z'}) SET n.gone = $v", {"v": None})
    assert any_store.read(NODE, {"id": "z"}) == [{"node": {"id": "z"}}]


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"when": dt.datetime(2024, 1, 2, 3, 4, 5)}, "$when"),
        ({"rows": [{"id": "x", "tags": {"a", "b"}}]}, "$rows[0].tags"),
        ({"raw": b"bytes"}, "$raw"),
        ({"n": float("nan")}, "$n"),
        ({"big": 2**64}, "$big"),
        ({"m": {"": 1}}, "$m"),
        ({"bad name": 1}, "bad name"),
    ],
    ids=["datetime", "set-in-rows", "bytes", "nan", "too-big-int", "empty-key", "param-name"],
)
def test_non_plain_parameters_are_refused_before_anything_is_stored(
    any_store: Store, params: dict[str, object], names: str
) -> None:
    any_store.write("CREATE (:Section {id: 'kept'})")
    with pytest.raises(QueryFailed, match=names.replace("$", r"\$").replace("[", r"\[")):
        any_store.write("CREATE (:Section {id: 'new', v: 1}) RETURN 1", params)
    assert any_store.read("MATCH (n:Section) RETURN n.id AS id") == [{"id": "kept"}]


def test_merge_on_stable_id_is_idempotent(any_store: Store) -> None:
    merge = (
        "MERGE (n:ErrorCode {id: $id}) "
        "ON CREATE SET n.created = $run "
        "SET n.code = $code, n.updated = $run "
        "RETURN n {.*} AS node"
    )
    for run in range(3):
        rows = any_store.write(merge, {"id": "errcode:40P01", "code": "40P01", "run": run})
        assert rows == [
            {"node": {"id": "errcode:40P01", "code": "40P01", "created": 0, "updated": run}}
        ]
    assert _count(any_store, "ErrorCode") == 1
    rows = [{"id": "errcode:40P01", "code": "40P01"}, {"id": "errcode:53200", "code": "53200"}]
    merge_rows = "UNWIND $rows AS r MERGE (n:ErrorCode {id: r.id}) SET n.code = r.code"
    for _ in range(2):
        any_store.write_batch(merge_rows, rows, batch_size=1)
    assert _count(any_store, "ErrorCode") == 2


def test_dialect_ddl_runs(any_store: Store) -> None:
    d = any_store.dialect
    any_store.write(d.unique_id("Concept"))
    any_store.write(d.property_index("Concept", "name"))
    any_store.write("CREATE (:Concept {id: 'c-1', name: 'deadlock'})")
    assert any_store.read(
        "MATCH (n:Concept) WHERE n.name = $name RETURN n.id AS id", {"name": "deadlock"}
    ) == [{"id": "c-1"}]


SECTIONS = [
    {"id": "s-deadlock", "search": "sqlstate 40p01 deadlock_detected 死锁 检测"},
    {"id": "s-locks", "search": "max_lock_slots lock table 锁 参数"},
    {"id": "s-conn", "search": "connection refused 连接 拒绝 死锁"},
    {"id": "s-other", "search": "vacuum autovacuum 清理"},
]


@pytest.fixture
def fulltext_store(any_store: Store) -> Store:
    d = any_store.dialect
    any_store.write(d.fulltext_index("Section", "search"))
    any_store.write_batch(
        "UNWIND $rows AS r MERGE (n:Section {id: r.id}) SET n.search = r.search", SECTIONS
    )
    probe = d.fulltext_call("Section", "search") + " RETURN node.id AS id"
    assert _eventually(lambda: any_store.read(probe, {"q": d.fulltext_query(["40p01"])}))
    return any_store


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [
        (["40p01"], {"s-deadlock"}),
        (["max_lock_slots"], {"s-locks"}),
        (["deadlock_detected"], {"s-deadlock"}),
        (["死锁"], {"s-deadlock", "s-conn"}),
        (["40p01", "max_lock_slots"], {"s-deadlock", "s-locks"}),
        (["清理", "清理", ""], {"s-other"}),
        (["no_such_token"], set()),
        (["a-b", "c++", "x:y", "(p)", 'q"', "w*", "back\\slash", "~z", "@t"], set()),
    ],
    ids=["code", "snake", "snake2", "chinese", "or", "dedup", "none", "special-chars"],
)
def test_fulltext_search(fulltext_store: Store, tokens: list[str], expected: set[str]) -> None:
    d = fulltext_store.dialect
    cypher = d.fulltext_call("Section", "search") + " RETURN node.id AS id, score"
    q = d.fulltext_query(tokens)

    rows = fulltext_store.read(cypher, {"q": q})
    assert {r["id"] for r in rows} == expected
    assert all(isinstance(r["score"], float) and r["score"] > 0 for r in rows)


def test_fulltext_ranks_more_matching_tokens_first(fulltext_store: Store) -> None:
    d = fulltext_store.dialect
    cypher = (
        d.fulltext_call("Section", "search")
        + " RETURN node.id AS id, score ORDER BY score DESC, id"
    )
    q = d.fulltext_query(["死锁", "40p01", "检测"])
    rows = _eventually(lambda: fulltext_store.read(cypher, {"q": q}))
    assert [r["id"] for r in rows] == ["s-deadlock", "s-conn"]


def test_malformed_cypher_raises_query_failed_and_store_keeps_working(any_store: Store) -> None:
    any_store.write("CREATE (:Section {id: 'ok'})")
    bad = "MATCH (n:Section RETURN n"
    with pytest.raises(QueryFailed) as info:
        any_store.read(bad)
    backend_error = str(info.value.__cause__)
    assert backend_error
    assert backend_error.splitlines()[0] in str(info.value)
    assert bad in str(info.value)
    with pytest.raises(QueryFailed):
        any_store.write("CREATE (n:Section {id: 'x'}) RETURN nope")
    assert any_store.read("MATCH (n:Section) RETURN n.id AS id") == [{"id": "ok"}]
    any_store.write("CREATE (:Section {id: 'after'})")
    assert _count(any_store) == 2


def test_runtime_error_raises_query_failed(any_store: Store) -> None:
    with pytest.raises(QueryFailed):
        any_store.read("UNWIND [1, 0] AS x RETURN 1 / x AS y")
    assert any_store.read("RETURN 1 AS one") == [{"one": 1}]


# -- the Neo4j adapter's edges, checked without a server ----------------------


@pytest.mark.parametrize("uri", ["bolt://127.0.0.1:1", "neo4j://127.0.0.1:1", "http://127.0.0.1:1"])
def test_unreachable_or_unsupported_neo4j_is_backend_unavailable(uri: str) -> None:
    from graph.errors import BackendUnavailable
    from graph.neo4j_store import Neo4jStore

    with pytest.raises(BackendUnavailable, match=r"127\.0\.0\.1:1"):
        Neo4jStore(uri, "neo4j", "secret")


def test_neo4j_temporal_values_become_iso_strings_at_any_depth() -> None:
    import neo4j.time

    from graph.neo4j_store import plain_value

    value = {
        "at": neo4j.time.DateTime(2024, 1, 2, 3, 4, 5),
        "nested": [{"day": neo4j.time.Date(2024, 1, 2)}, ("x\x00", neo4j.time.Duration(days=1))],
    }
    assert plain_value(value) == {
        "at": "2024-01-02T03:04:05.000000000",
        "nested": [{"day": "2024-01-02"}, ["x", "P1D"]],
    }


def test_unique_ids_are_enforced_the_same_way_on_both_backends(any_store: Store) -> None:
    any_store.write("CREATE (:Section {id: 's1'})")
    any_store.require_unique("Section")
    any_store.require_unique("Section")  # idempotent
    with pytest.raises(ConstraintViolation):
        any_store.write("CREATE (:Section {id: 's1'})")
    # MERGE on the id is the way to write it again
    any_store.write("MERGE (s:Section {id: 's1'}) SET s.title = 'again'")
    rows = any_store.read("MATCH (s:Section) RETURN s.id AS id, s.title AS title")
    assert rows == [{"id": "s1", "title": "again"}]


def test_existing_duplicates_refuse_a_unique_id_and_name_the_repair(any_store: Store) -> None:
    any_store.write("CREATE (:Cause {id: 'c'}), (:Cause {id: 'c'})")
    with pytest.raises(ConstraintViolation, match=r"Cause.*doctor --repair"):
        any_store.require_unique("Cause")
    any_store.write("MATCH (c:Cause) WITH c SKIP 1 DELETE c")
    any_store.require_unique("Cause")  # a repaired graph can try again
    with pytest.raises(ConstraintViolation):
        any_store.write("CREATE (:Cause {id: 'c'})")
