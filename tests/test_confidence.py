"""Confidence on the demo corpus: questions about the product clear the
threshold, questions about anything else fall below it, in both languages;
the model's parts behave as documented."""

from __future__ import annotations

import json

import pytest

from graph.falkor import FalkorStore
from resolvers.pipeline.answerer import Answerer
from resolvers.pipeline.background import floor, log_frequency
from resolvers.pipeline.confidence import FEATURES, MODEL, THRESHOLD, combine, features
from resolvers.pipeline.question import analyse
from resolvers.pipeline.retrieval import retrieve
from tests.demo import demo_answerer


@pytest.fixture(scope="module")
def answerer(store: FalkorStore) -> Answerer:
    return demo_answerer(store)


ABOUT_THE_PRODUCT = [
    "How many connections should the pool keep open per application server?",
    "What happens to running transactions when two of them lock rows in opposite order?",
    "连接池的大小应该怎么设置？",
    "两个事务互相等待对方的锁会发生什么？",
]
ABOUT_SOMETHING_ELSE = [
    "What's a good recipe for banana bread without eggs?",
    "Which bus line goes from the central station to the zoo?",
    "我家的猫三天不吃东西了，要不要带去看兽医？",
    "周末去海边玩，带什么防晒霜比较好？",
]


@pytest.mark.parametrize("question", ABOUT_THE_PRODUCT)
def test_questions_about_the_product_clear_the_threshold(answerer: Answerer, question: str) -> None:
    ans = answerer.answer(question)
    assert ans.confidence >= THRESHOLD and not ans.needs_human, (question, ans.confidence)


@pytest.mark.parametrize("question", ABOUT_SOMETHING_ELSE)
def test_questions_about_something_else_fall_below(answerer: Answerer, question: str) -> None:
    ans = answerer.answer(question)
    assert ans.confidence < THRESHOLD and ans.needs_human, (question, ans.confidence)


def test_everyday_frequencies() -> None:
    assert log_frequency("the") > log_frequency("table") > log_frequency("tablespace")
    assert log_frequency("The") == log_frequency("the")  # looked up lower-cased
    assert log_frequency("数据") > log_frequency("数据库") > floor()
    assert log_frequency("qzxvwk") == floor()


def test_a_question_the_corpus_has_no_words_for_reaches_nothing(answerer: Answerer) -> None:
    q = analyse("sourdough starter hydration", answerer.linker, answerer.terms.knows_code)
    f = features(q, retrieve(answerer.store, answerer.terms, q), answerer.terms)
    assert f["reach"] == 0.0 and f["specificity"] < 0


def test_the_model_file_matches_the_features() -> None:
    data = json.loads(MODEL.read_text(encoding="utf-8"))
    assert tuple(data["features"]) == FEATURES and set(data["weights"]) == set(FEATURES)
    # more of every sign never lowers confidence
    low = {k: 0.0 for k in FEATURES}
    for k in FEATURES:
        assert combine({**low, k: 1.0}) > combine(low)
