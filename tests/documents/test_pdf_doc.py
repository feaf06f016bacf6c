"""PDF documents: the text layer, headings by font size, codes in tables of text."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

from extractors.documents.pdf import parse_pdf
from extractors.ingest.pipeline import Ingestor
from extractors.records import ExtractionError
from graph.store import Store

matplotlib.use("Agg")
matplotlib.rcParams["pdf.fonttype"] = 42  # real text in the PDF, as office suites write it

# (text, font size): a title, two sections, body lines at 10 pt
PAGE = [
    ("RelayHub Release Notes 4.2", 20),
    ("Upgrading", 14),
    ("Upgrade one relay at a time and wait until its queue has drained.", 10),
    ("Rolling upgrades keep every broker connected.", 10),
    ("Known issues", 14),
    ("Error RLY-4031 frame queue is full after the upgrade.", 10),
    ("Raise queue.max_frames to 200000 and restart the relay.", 10),
]


def _pdf(path: Path, lines: list[tuple[str, int]]) -> Path:
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(8.27, 11.69))
    y = 0.95
    for text, size in lines:
        fig.text(0.08, y, text, fontsize=size, family="DejaVu Sans")
        y -= 0.03 + size / 800
    fig.savefig(path, format="pdf")
    plt.close(fig)
    return path


def test_headings_by_font_size_become_sections(tmp_path: Path) -> None:
    pdf = _pdf(tmp_path / "notes.pdf", PAGE)
    source = parse_pdf(pdf.read_bytes(), str(pdf))
    assert source.kind == "pdf"
    by_title = {s.title: s.text for s in source.sections}
    assert {"Upgrading", "Known issues"} <= set(by_title)
    assert "RLY-4031" in by_title["Known issues"]
    assert "queue.max_frames" in by_title["Known issues"]
    assert "one relay at a time" in by_title["Upgrading"]


def test_pdf_documents_are_ingested(fresh: Store, tmp_path: Path) -> None:
    _pdf(tmp_path / "notes.pdf", PAGE)
    report = Ingestor(fresh, progress=False).run([tmp_path])
    assert report.new == 1 and not report.failed, report.failed
    rows = fresh.read("MATCH (:Document {kind: 'pdf'})-[:HAS_SECTION]->(s) RETURN s.title AS t")
    assert "Known issues" in {r["t"] for r in rows}


def test_a_scanned_page_is_read_by_ocr(tmp_path: Path) -> None:
    """A page that is only an image (as a scanner writes it) goes through OCR."""
    from PIL import Image, ImageDraw, ImageFont

    from tests.fonts import find_font

    path, index = find_font("sans")
    fnt = ImageFont.truetype(path, 40, index=index)
    img = Image.new("RGB", (1700, 400), "white")
    draw = ImageDraw.Draw(img)
    draw.text((60, 60), "Error RLY-4031: frame queue is full.", font=fnt, fill="black")
    draw.text((60, 160), "Raise the queue limit and restart the relay.", font=fnt, fill="black")
    scan = tmp_path / "scan.pdf"
    img.save(scan, format="PDF", resolution=200)
    source = parse_pdf(scan.read_bytes(), str(scan))
    text = " ".join(s.text for s in source.sections)
    assert "RLY-4031" in text and "restart the relay" in text
    assert source.confidence < 1.0  # the OCR's, not a text layer's


def test_what_is_not_a_pdf_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError, match="no %PDF header"):
        parse_pdf(b"<html>not a pdf</html>", "/docs/x.pdf")
    with pytest.raises(ExtractionError, match=r"not a readable PDF|no text layer"):
        parse_pdf(b"%PDF-1.7\n garbage", "/docs/broken.pdf")


def test_headings_come_from_the_outline_when_there_is_one(tmp_path: Path) -> None:
    """Bookmarks name the headings (and their levels), even set in the body's size."""
    from pypdf import PdfReader, PdfWriter

    lines = [
        ("RelayHub Operations", 10),
        ("Draining a relay", 10),
        ("Stop new frames with relayctl drain, then wait for the queue.", 10),
        ("When the queue does not drain", 10),
        ("Error RLY-4031 means the frame queue is full.", 10),
    ]
    plain = _pdf(tmp_path / "plain.pdf", lines)
    writer = PdfWriter()
    writer.append(PdfReader(plain))
    top = writer.add_outline_item(title="Draining a relay", page_number=0)
    writer.add_outline_item(title="When the queue does not drain", page_number=0, parent=top)
    marked = tmp_path / "ops.pdf"
    with marked.open("wb") as fh:
        writer.write(fh)
    source = parse_pdf(marked.read_bytes(), str(marked))
    by_title = {s.title: s for s in source.sections}
    assert {"Draining a relay", "When the queue does not drain"} <= set(by_title)
    inner = by_title["When the queue does not drain"]
    assert inner.heading_path[-2:] == ["Draining a relay", "When the queue does not drain"]
    assert "RLY-4031" in inner.text
    # without bookmarks, lines in the body's size are body text
    assert "When the queue does not drain" not in {
        s.title for s in parse_pdf(plain.read_bytes(), str(plain)).sections
    }
