"""Answers from the real embedded graph: citations, cross-lingual recall, LLM mode."""

from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from extractors.ingest.pipeline import Ingestor
from graph.store import Store
from resolvers.pipeline.answerer import Answerer
from resolvers.pipeline.errors import BadQuestion
from tests.manual import copy_subset


@pytest.fixture(scope="module")
def answerer(backend: Store, tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    docs = copy_subset(tmp_path_factory.mktemp("manual"))
    Ingestor(backend, progress=False).run([docs])
    return Answerer(backend)


def test_error_code_named_in_question_is_cited_first(answerer: Answerer) -> None:
    ans = answerer.answer("our migration fails on its second run with SQLSTATE 42P07")
    first = ans.citations[0]
    assert (first.kind, first.code) == ("error_code", "42P07")
    assert first.uri.endswith("errcodes-appendix.html#ERRCODES-APPENDIX")
    assert ans.mode == "extractive"
    assert "42P07" in ans.text


def test_error_message_finds_condition_and_page(answerer: Answerer) -> None:
    ans = answerer.answer(
        'ERROR: update or delete on table "authors" violates foreign key constraint '
        '"books_author_id_fkey" on table "books"'
    )
    top3 = ans.citations[:3]
    assert any(c.code == "23503" for c in top3)
    assert any(c.uri.split("#")[0].endswith("ddl-constraints.html") for c in top3)
    assert 0.0 < ans.confidence <= 1.0


def test_chinese_question_reaches_english_pages(answerer: Answerer) -> None:
    ans = answerer.answer("怎么用检查约束保证库存数量不小于零？")
    assert ans.language == "zh"
    pages = [c.uri.split("#")[0].rsplit("/", 1)[-1] for c in ans.citations[:3]]
    assert "ddl-constraints.html" in pages
    assert "（以下引自英文资料）" in ans.text  # a Chinese frame around an English quote


def test_citations_are_best_first_and_one_per_page(answerer: Answerer) -> None:
    ans = answerer.answer("How do I declare a primary key and a foreign key when creating a table?")
    docs = [c for c in ans.citations if c.kind == "document"]
    assert len(docs) >= 2
    pages = [c.uri.split("#")[0] for c in docs]
    assert len(pages) == len(set(pages))
    scores = [c.score for c in docs]
    assert scores == sorted(scores, reverse=True)


def test_llm_mode_writes_from_the_retrieved_facts(answerer: Answerer) -> None:
    fake = FakeListChatModel(responses=["Retry the transaction [1]."])
    llm = Answerer(answerer.store, llm=fake)
    ans = llm.answer("deadlock detected 40P01")
    assert ans.mode == "llm"
    assert ans.text == "Retry the transaction [1]."
    assert ans.citations and ans.citations[0].code == "40P01"


def test_bad_questions_are_refused_with_the_reason(answerer: Answerer) -> None:
    with pytest.raises(BadQuestion, match="question: must not be empty"):
        answerer.answer("   ")
    with pytest.raises(BadQuestion, match="over the limit"):
        answerer.answer("x" * 5000)


def test_unknown_topic_says_nothing_was_found_or_is_weak(answerer: Answerer) -> None:
    ans = answerer.answer("zzqx qqzv")
    assert ans.citations == []
    assert "No matching knowledge" in ans.text
    assert ans.confidence == 0.0


def test_repeated_question_is_served_from_cache_until_the_graph_changes(
    answerer: Answerer,
) -> None:
    first = answerer.answer("How do I restore a dump with pg_restore?")
    again = answerer.answer("how do I   restore a dump with pg_restore?")
    assert again is first
    answerer.refresh()
    assert answerer.answer("How do I restore a dump with pg_restore?") is not first
