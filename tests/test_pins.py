"""Editor-pinned answers: the pattern language, and pins answering on both backends.

The pattern tests are pure (the pipeline's own tokens: jieba, Snowball stems,
NFKC). The graph tests hold the bundled demo corpus and pin answers through
``resolvers/pipeline/pins.py``: precedence with citations, variants of a
question, unrelated questions, unpinning, the answer cache, a second process
noticing a pin, an LLM that must not rewrite a pin, several matching pins,
and a conversation turn answered by a pin.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from extractors.ingest.pipeline import Ingestor
from graph.store import Store
from resolvers.conversation.desk import Desk, customer_turn
from resolvers.pipeline import pins
from resolvers.pipeline.answerer import Answerer
from resolvers.pipeline.errors import BadPin
from resolvers.pipeline.pattern import BadPattern, View, parse
from tests.demo import DEMO

# --- the pattern language ---------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "matching", "unrelated"),
    [
        (
            "restore cluster",
            ["How do I restore my cluster?", "Cluster restore: how?", "RESTORING THE CLUSTER!!",
             "ｒｅｓｔｏｒｅ　ｃｌｕｓｔｅｒ？"],
            ["How do I back up my cluster?", "restore a single table"],
        ),
        (
            "restore|恢复 cluster|集群",
            ["如何恢复集群", "集群怎么恢复？", "restore the 集群"],
            ["如何备份集群", "恢复一张表"],
        ),
        (
            '"point in time" restore',
            ["Restore to a point-in-time", "POINT IN TIME restore please"],
            ["restore in time to a point", "point in time"],
        ),
        ("恢复集群", ["怎么把集群恢复到昨天", "恢复集群失败了"], ["集群扩容", "恢复表"]),
        (
            "NDB-1001 -timeout",
            ["why ndb-1001?", "ＮＤＢ－１００１ error", "what is NDB-1001"],
            ["NDB-1001 timeout", "NDB-1002", "Timeouts with NDB-1001"],
        ),
        ('"时间点恢复"', ["如何做时间点恢复？"], ["恢复到某个时间点"]),
        ("max_connections raise|increase", ["How to raise max_connections"], ["max connections"]),
    ],
)  # fmt: skip
def test_a_pattern_matches_what_the_editor_means(
    pattern: str, matching: list[str], unrelated: list[str]
) -> None:
    rule = parse(pattern)
    for question in matching:
        assert rule.matches(View.of(question)), question
    for question in unrelated:
        assert not rule.matches(View.of(question)), question


def test_one_canonical_form_whatever_the_order_case_or_separators() -> None:
    forms = ["restore cluster|集群", "Cluster|集群, RESTORE", "集群 | cluster   restore",
             "ＲＥＳＴＯＲＥ，集群|cluster"]  # fmt: skip
    assert len({parse(f).key for f in forms}) == 1


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("", "is empty"),
        ("   ", "is empty"),
        ("the of", "'the' has no word to match"),
        ('"to be"', 'the phrase "to be" has no word to match'),
        ('restore "point in time', 'the quote " at character 9 is not closed'),
        ("-backup", "excludes only"),
        ("restore |", "ends with '|'"),
        ("| restore", "'|' must stand between two alternatives"),
        ("restore - backup", "'-' must stand right before"),
        ("restore|-backup", "'-' must stand right before"),
        ("x" * 301, "over the limit of 300"),
        (" ".join(f"w{i}" for i in range(13)), "over the limit of 12"),
        ("|".join(f"w{i}" for i in range(9)), "more than 8 alternatives"),
    ],
)
def test_a_bad_pattern_is_refused_with_the_reason(pattern: str, problem: str) -> None:
    with pytest.raises(BadPattern) as caught:
        parse(pattern)
    assert problem in str(caught.value)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=120), st.text(max_size=200))
def test_any_text_is_a_pattern_or_a_clear_refusal(pattern: str, question: str) -> None:
    try:
        rule = parse(pattern)
    except BadPattern as exc:
        assert str(exc)
        return
    assert isinstance(rule.matches(View.of(question)), bool)
    assert parse(rule.key).key == rule.key  # the canonical form parses to itself


def test_a_hostile_pattern_costs_no_more_than_its_length() -> None:
    # What would be catastrophic backtracking as a regex is words here.
    rule = parse("(x+)+$ " + "x" * 200)
    assert not rule.matches(View.of("x" * 2000 + "!"))
    assert rule.matches(View.of("x+ " + "x" * 200))


# --- pins in the graph ---------------------------------------------------------------

PATTERN = 'restore|恢复 cluster|集群 "point in time"|时间点'
PINNED = "Editor's note: run nimbusctl restore --to-time with the target time in UTC."
EDITOR = "editor:li.wei"


@pytest.fixture(scope="module")
def graph(backend: Store) -> Store:
    report = Ingestor(backend, progress=False).run([DEMO / "docs", DEMO / "errors"])
    assert not report.failed, report.summary()
    return backend


@pytest.fixture
def answerer(graph: Store) -> Answerer:
    graph.write("MATCH (p:PinnedAnswer) DETACH DELETE p")
    return Answerer(graph)  # with its answer cache


def _section(store: Store) -> str:
    rows = store.read(
        "MATCH (s:Section) WHERE s.retired_at IS NULL RETURN s.id AS id ORDER BY s.id LIMIT 1"
    )
    return str(rows[0]["id"])


def _code(store: Store, code: str) -> str:
    return str(store.read("MATCH (e:ErrorCode {code: $c}) RETURN e.id AS id", {"c": code})[0]["id"])


def test_a_pin_answers_first_cited_to_its_curator(answerer: Answerer) -> None:
    store = answerer.store
    section = _section(store)
    made, replaced = pins.pin(store, PATTERN, PINNED, "en", EDITOR, [section])
    assert not replaced and made.id.startswith("pin:")
    answerer.pins_changed()
    variants = ["How do I restore a NimbusDB cluster to a point in time?",
                "point-in-time restore of my CLUSTER", "如何把集群恢复到某个时间点？"]  # fmt: skip
    for question in variants:
        got = answerer.answer(question, 5)
        assert got.text == PINNED and got.mode == "pinned", question
        assert got.confidence == 1.0 and not got.needs_human
        first, second = got.citations[0], got.citations[1]
        assert first.kind == "pinned" and first.curator == EDITOR and first.pinned_at
        assert first.node_id == made.id
        assert second.node_id == section  # the editor's own citation next
        assert len(got.citations) <= 5 and len({c.node_id for c in got.citations}) == len(
            got.citations
        )
    for unrelated in ["How do I back up a NimbusDB cluster?", "What does NDB-1001 mean?",
                      "restore a point in time"]:  # fmt: skip
        assert answerer.answer(unrelated, 5).mode == "extractive", unrelated


def test_unpinning_and_the_cache_never_serve_a_stale_answer(answerer: Answerer) -> None:
    question = "How do I restore a NimbusDB cluster to a point in time?"
    before = answerer.answer(question, 5)
    assert before.mode == "extractive" and answerer.answer(question, 5) is before  # cached
    made, _ = pins.pin(answerer.store, PATTERN, PINNED, "en", EDITOR)
    answerer.pins_changed()
    assert answerer.answer(question, 5).text == PINNED
    replaced, was = pins.pin(answerer.store, PATTERN.lower(), "A better note.", "en", EDITOR)
    assert was and replaced.id == made.id  # the same canonical pattern: replaced
    answerer.pins_changed()
    assert answerer.answer(question, 5).text == "A better note."
    gone = pins.unpin(answerer.store, made.id)
    assert gone.id == made.id
    answerer.pins_changed()
    after = answerer.answer(question, 5)
    assert after.mode == "extractive" and after.text == before.text
    with pytest.raises(BadPin) as caught:
        pins.unpin(answerer.store, made.id)
    assert caught.value.argument == "id" and "no pinned answer" in caught.value.problem


def test_another_process_notices_a_pin(answerer: Answerer) -> None:
    question = "What does NDB-1001 mean?"
    assert answerer.answer(question, 3).mode == "extractive"
    other = Answerer(answerer.store)  # a second server of the same graph
    pins.pin(other.store, "NDB-1001 mean|meaning", "Too many connections: pool them.", "en",
             EDITOR, [_code(other.store, "NDB-1001")])  # fmt: skip
    other.pins_changed()
    assert other.answer(question, 3).mode == "pinned"
    answerer._checked -= 60  # its freshness interval has passed
    answerer.answer(question, 3)  # notices, on a thread of its own
    deadline = time.monotonic() + 30
    got = answerer.answer(question, 3)
    while got.mode != "pinned" and time.monotonic() < deadline:
        time.sleep(0.05)
        got = answerer.answer(question, 3)
    assert got.mode == "pinned" and got.citations[1].code == "NDB-1001"


def test_an_llm_does_not_rewrite_a_pin(answerer: Answerer) -> None:
    model = FakeListChatModel(responses=["Rewritten by the model [1]."])
    with_llm = Answerer(answerer.store, llm=model)
    pins.pin(with_llm.store, PATTERN, PINNED, "en", EDITOR)
    with_llm.pins_changed()
    got = with_llm.answer("restore cluster to a point in time", 5)
    assert got.text == PINNED and got.mode == "pinned"
    assert model.i == 0  # the model was not asked
    unpinned = with_llm.answer("How do I back up a NimbusDB cluster?", 5)
    assert unpinned.mode == "llm" and unpinned.text == "Rewritten by the model [1]."


def test_of_several_matching_pins_the_narrowest_answers(answerer: Answerer) -> None:
    store = answerer.store
    pins.pin(store, "cluster", "Broad.", "en", EDITOR)
    pins.pin(store, "restore cluster", "Narrow.", "en", EDITOR)
    answerer.pins_changed()
    assert answerer.answer("restore the cluster", 3).text == "Narrow."
    time.sleep(0.01)  # a later time
    pins.pin(store, "cluster restore|recover", "Same terms, newer.", "en", EDITOR)
    answerer.pins_changed()
    # Equal specificity: the newest wins (then the id); every process picks the same one.
    assert answerer.answer("restore the cluster", 3).text == "Same terms, newer."
    assert Answerer(store).answer("restore the cluster", 3).text == "Same terms, newer."
    assert answerer.answer("resize the cluster", 3).text == "Broad."


def test_bad_pins_are_refused_by_argument_and_nothing_is_stored(answerer: Answerer) -> None:
    store = answerer.store
    cases: list[tuple[dict[str, Any], str]] = [
        ({"pattern": "the"}, "pattern"),
        ({"answer": "  "}, "answer"),
        ({"language": "fr"}, "language"),
        ({"citations": ["section:nowhere"]}, "citations"),
        ({"existing": "pin:none"}, "id"),
    ]
    for change, argument in cases:
        args: dict[str, Any] = {"pattern": "restore cluster", "answer": "x", "language": "en"}
        args.update(change)
        with pytest.raises(BadPin) as caught:
            pins.pin(store, args["pattern"], args["answer"], args["language"], EDITOR,
                     args.get("citations"), args.get("existing"))  # fmt: skip
        assert caught.value.argument == argument, change
    assert pins.pinned(store) == []
    assert pins.checked_language("zh-CN") == "zh"


def test_a_conversation_turn_is_answered_by_the_pin(answerer: Answerer) -> None:
    pins.pin(answerer.store, PATTERN, PINNED, "en", EDITOR)
    desk = Desk(answerer.store, answerer)
    desk.answerer.pins_changed()
    customer = f"customer:{uuid.uuid4().hex[:12]}"
    turn = customer_turn(desk, customer, None, "我们要把集群恢复到昨天的某个时间点，怎么做？")
    assert turn.reply == PINNED and turn.reply_mode == "pinned"
    assert turn.confidence == 1.0 and turn.citations[0].kind == "pinned"
    assert turn.complexity == "L1" and "pinned answer" in (turn.complexity_reason or "")
    assert turn.escalation is None and turn.resolved
    stored = answerer.store.read(
        "MATCH (:Conversation {id: $c})-[:HAS_TURN]->(t:Turn {role: 'bot'}) RETURN t.mode AS mode",
        {"c": turn.conversation_id},
    )
    assert [r["mode"] for r in stored] == ["pinned"]
