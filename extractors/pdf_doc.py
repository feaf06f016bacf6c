"""PDF documents: manuals, release notes and runbooks that vendors ship as PDF.

The text layer is read with pdfminer.six. Headings are found by font size,
for any vendor's layout: the commonest character size on the pages is the
body text, and a short line set clearly larger is a heading, one level per
larger size (the largest is level 1). The result is rendered as a small HTML
page and read by the HTML extractor, so sections, tables of codes in the
text and citations work as for any page. A page with no text layer (a
scanned page) is reported: OCR of PDF pages is not done yet.
"""

from __future__ import annotations

import html
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import PurePath

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTTextContainer, LTTextLine
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psexceptions import PSException

from extractors.html_doc import parse_html
from extractors.records import ExtractionError, ParsedSource, digest

HEADING_RATIO = 1.15  # a heading's size over the body text's
MAX_HEADING_CHARS = 120
MAX_LEVELS = 4


@dataclass
class _Line:
    text: str
    size: float
    page: int


def _size(line: LTTextLine) -> float:
    sizes = [round(c.size, 1) for c in line if isinstance(c, LTChar) and c.get_text().strip()]
    return Counter(sizes).most_common(1)[0][0] if sizes else 0.0


def _lines(data: bytes, uri: str) -> tuple[list[_Line], list[int]]:
    lines: list[_Line] = []
    empty: list[int] = []
    try:
        for number, page in enumerate(extract_pages(io.BytesIO(data), laparams=LAParams()), 1):
            before = len(lines)
            for box in page:
                if not isinstance(box, LTTextContainer):
                    continue
                for line in box:
                    if isinstance(line, LTTextLine) and (text := line.get_text().strip()):
                        lines.append(_Line(" ".join(text.split()), _size(line), number))
            if len(lines) == before:
                empty.append(number)
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as exc:
        raise ExtractionError(f"{uri}: not a readable PDF ({type(exc).__name__}: {exc})") from exc
    return lines, empty


def _page(lines: list[_Line], title: str) -> str:
    body = Counter(ln.size for ln in lines for _ in ln.text).most_common(1)[0][0]
    larger = sorted({ln.size for ln in lines if ln.size >= body * HEADING_RATIO}, reverse=True)[
        :MAX_LEVELS
    ]
    level = {size: i + 1 for i, size in enumerate(larger)}
    parts = [f"<html><head><title>{html.escape(title)}</title></head><body>"]
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            parts.append("<p>" + html.escape(" ".join(paragraph)) + "</p>")
            paragraph.clear()

    for ln in lines:
        if ln.size in level and len(ln.text) <= MAX_HEADING_CHARS:
            flush()
            n = level[ln.size]
            parts.append(f"<h{n}>{html.escape(ln.text)}</h{n}>")
        else:
            paragraph.append(ln.text)
            if ln.text.endswith((".", ":", "。", "：")):
                flush()  # a sentence that ends its line often ends its paragraph
    flush()
    return "".join(parts) + "</body></html>"


def parse_pdf(data: bytes, uri: str) -> ParsedSource:
    if not data.startswith(b"%PDF"):
        raise ExtractionError(f"{uri}: not a PDF (no %PDF header)")
    lines, empty = _lines(data, uri)
    if not lines:
        raise ExtractionError(
            f"{uri}: the PDF has no text layer (scanned pages?); OCR of PDF pages is not "
            "supported yet"
        )
    source = parse_html(_page(lines, PurePath(uri).stem).encode(), uri)
    source.kind = "pdf"
    source.hash = digest(data)
    if empty:
        pages = ", ".join(str(p) for p in empty[:10]) + (" ..." if len(empty) > 10 else "")
        source.warnings.append(
            f"{uri}: pages {pages} have no text layer (scanned?) and were not read"
        )
    return source
