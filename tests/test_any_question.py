"""Any text is a valid question: it gets an answer or a clear BadQuestion, never a
full-text syntax error. Property-tested with hypothesis over arbitrary Unicode,
and over the characters that search parsers treat as operators."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.text.segment import index_tokens
from graph.falkor import FalkorStore
from graph.queries import search as sq
from resolvers.pipeline.answerer import Answerer
from resolvers.pipeline.errors import BadQuestion
from tests.demo import demo_answerer

OPERATORS = "_-+|&!(){}[]^\"'~*?:\\/<>=@#$%,.;`"

# Any code point except lone surrogates (not encodable, so no client can send them).
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=80)
SYNTAX_TEXT = st.text(st.sampled_from(OPERATORS + " aZ9中_"), min_size=1, max_size=30)


@pytest.fixture(scope="module")
def answerer(store: FalkorStore) -> Answerer:
    return demo_answerer(store)


def _answer_or_bad_question(answerer: Answerer, text: str) -> None:
    try:
        ans = answerer.answer(text)
    except BadQuestion as exc:
        assert exc.argument == "question"
        assert not text.strip() or len(text) > answerer.max_question_chars
        return
    assert isinstance(ans.text, str) and ans.text
    assert 0.0 <= ans.confidence <= 1.0


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=ANY_TEXT)
def test_any_unicode_text_is_answered(answerer: Answerer, text: str) -> None:
    _answer_or_bad_question(answerer, text)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=SYNTAX_TEXT)
def test_search_operators_are_only_text(answerer: Answerer, text: str) -> None:
    _answer_or_bad_question(answerer, text)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.one_of(ANY_TEXT, SYNTAX_TEXT))
def test_full_text_query_from_any_tokens_runs(answerer: Answerer, text: str) -> None:
    rows = sq.sections(answerer.store, index_tokens(text), 5)
    assert all("id" in r for r in rows)


def test_underscore_and_like_wildcards_in_a_how_to(answerer: Answerer) -> None:
    ans = answerer.answer("how do I match a literal % or _ with LIKE?")
    assert ans.text
