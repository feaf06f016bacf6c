"""Word documents: sections per heading, and a Word table of error codes becomes ErrorCode nodes."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from extractors.documents.docx import parse_docx
from extractors.ingest.pipeline import Ingestor
from extractors.records import ExtractionError
from graph.store import Store


def _manual(path: Path) -> Path:
    doc = docx.Document()
    doc.add_heading("RelayHub Administration Guide", level=1)
    doc.add_paragraph("RelayHub forwards frames between brokers.")
    doc.add_heading("Queue limits", level=2)
    doc.add_paragraph("Each relay keeps at most queue.max_frames frames in memory.")
    doc.add_heading("Error codes", level=2)
    table = doc.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ["Code", "Message", "Solution"], strict=True):
        cell.text = text
    for row in [
        ("RLY-4031", "frame queue is full", "1. Raise queue.max_frames. 2. Restart the relay."),
        ("RLY-5002", "standby broker unreachable", "1. Check the broker address. 2. Retry."),
    ]:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    doc.save(str(path))
    return path


def test_headings_become_sections(tmp_path: Path) -> None:
    source = parse_docx(_manual(tmp_path / "guide.docx").read_bytes(), "/docs/guide.docx")
    assert source.kind == "docx"
    titles = [s.title for s in source.sections]
    assert "Queue limits" in titles and "Error codes" in titles
    limits = next(s for s in source.sections if s.title == "Queue limits")
    assert "queue.max_frames" in limits.text


def test_a_word_table_of_codes_becomes_error_codes(fresh: Store, tmp_path: Path) -> None:
    _manual(tmp_path / "guide.docx")
    report = Ingestor(fresh, progress=False).run([tmp_path])
    assert report.new == 1 and not report.failed, report.failed
    rows = fresh.read(
        "MATCH (e:ErrorCode)-[:SOLVED_BY]->(s:Solution) RETURN e.code AS code, s.steps AS steps"
    )
    found = {r["code"]: r["steps"] for r in rows}
    assert set(found) == {"RLY-4031", "RLY-5002"}
    assert found["RLY-4031"][0].startswith("Raise queue.max_frames")


def test_what_is_not_a_word_document_is_refused() -> None:
    with pytest.raises(ExtractionError, match=r"not a readable \.docx document"):
        parse_docx(b"plain text pretending", "/docs/fake.docx")
