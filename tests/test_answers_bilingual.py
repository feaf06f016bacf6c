"""Error-code answers speak the question's language when the source has both."""

from __future__ import annotations

from pathlib import Path

from extractors.ingest.pipeline import Ingestor
from graph.falkor import FalkorStore
from migrations.runner import migrate
from resolvers.pipeline.answerer import Answerer

DEMO_ERRORS = Path(__file__).resolve().parent.parent / "data" / "demo" / "errors"


def test_error_code_answer_in_the_question_language(clean_store: FalkorStore) -> None:
    migrate(clean_store)
    Ingestor(clean_store, progress=False).run([DEMO_ERRORS])
    answerer = Answerer(clean_store)
    zh = answerer.answer("NDB-1001 这个报错应该怎么处理？")
    en = answerer.answer("NDB-1001 what should I do?")
    assert zh.citations[0].code == en.citations[0].code == "NDB-1001"
    assert "连接" in zh.citations[0].snippet
    assert "连接" not in en.citations[0].snippet
    assert "1. " in zh.citations[0].snippet  # ordered solution steps are cited
