"""Screenshots through the ingest: OCR text becomes a searchable document linked to
the error codes it shows and to the symptom of the stack trace in it."""

from __future__ import annotations

from pathlib import Path

from extractors.ingest.pipeline import Ingestor
from graph.falkor import FalkorStore
from migrations.runner import migrate
from tests.images.test_ocr import font, png, render

TRACE = [
    "$ python worker.py",
    "Traceback (most recent call last):",
    '  File "/srv/app/worker.py", line 42, in run',
    "    conn = pool.acquire(timeout=5)",
    '  File "/srv/app/pool.py", line 118, in acquire',
    "    raise PoolExhaustedError(code)",
    "app.errors.PoolExhaustedError: NDB-1001: pool exhausted",
    "NimbusDB 3.2 connection pool",
]


def test_screenshot_becomes_a_document_with_code_and_symptom(
    clean_store: FalkorStore, tmp_path: Path
) -> None:
    st = clean_store
    migrate(st)
    (tmp_path / "codes.csv").write_text(
        "code,name,message\nNDB-1001,too_many_connections,too many connections\n"
    )
    (tmp_path / "guide.md").write_text("---\nproduct: NimbusDB\n---\n# Guide\n\n## A\n\nText.\n")
    (tmp_path / "terminal.png").write_bytes(png(render(TRACE, font("mono", 14), dark=True)))
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    report = Ingestor(st, progress=False).run([tmp_path])
    assert "broken.png" in dict(report.failed)[str(tmp_path / "broken.png")]
    doc = st.read(
        "MATCH (d:Document {kind: 'image'})-[:HAS_SECTION]->(s:Section) "
        "RETURN d.title AS title, s.text AS text, s.confidence AS conf"
    )
    assert doc[0]["title"] == "terminal.png"
    assert "PoolExhaustedError" in doc[0]["text"]
    assert 0.5 < doc[0]["conf"] <= 1.0
    codes = st.read("MATCH (:Document)-[:MENTIONS_CODE]->(e:ErrorCode) RETURN e.code AS c")
    assert codes == [{"c": "NDB-1001"}]
    symptom = st.read(
        "MATCH (:Document)-[:HAS_SYMPTOM]->(y:Symptom) RETURN y.exception_type AS t, y.kind AS k"
    )
    assert symptom == [{"t": "app.errors.PoolExhaustedError", "k": "stacktrace"}]
    shown = st.read("MATCH (d:Document {kind: 'image'})-[:ABOUT]->(p:Product) RETURN p.name AS p")
    assert shown == [{"p": "NimbusDB"}]
    made = st.read("MATCH (p:Product) RETURN p.source AS s, p.extractor AS e")
    assert made and all(r["s"] and r["e"] for r in made)
