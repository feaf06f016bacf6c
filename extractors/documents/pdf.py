"""PDF documents: manuals, release notes and runbooks that vendors ship as PDF.

The text layer is read with pdfminer.six. Headings come from the document's
outline (its bookmarks) when it has one that the text shows: a line reading
as a bookmark's title on that bookmark's page is a heading of the bookmark's
level. Otherwise they are found by font size, for any vendor's layout: the
commonest character size on the pages is the body text, and a short line set
clearly larger is a heading, one level per larger size (the largest is level
1). The result is rendered as a small HTML page and read by the HTML
extractor, so sections, tables of codes in the text and citations work as for
any page. A page with no text layer (a
scanned page) is rendered with pypdfium2 and read by the screenshot OCR
(Tesseract), up to ``Limits.max_ocr_pages`` pages a file; its lines count as body
text, and the document's confidence is the OCR's where that was needed.
"""

from __future__ import annotations

import html
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import PurePath

import pypdfium2 as pdfium
from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTTextContainer, LTTextLine
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psexceptions import PSException

from extractors import limits
from extractors.documents.html import parse_html
from extractors.images.ocr import ocr_image
from extractors.records import ExtractionError, ParsedSource, digest

HEADING_RATIO = 1.15  # a heading's size over the body text's
OCR_SCALE = 300 / 72  # render at 300 dpi, what OCR of scans expects
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


def _key(text: str) -> str:
    return " ".join(text.split()).strip(" .:：").casefold()


def _outline(data: bytes) -> dict[tuple[int, str], int]:
    """(page, title) -> heading level of the document's bookmarks (empty without any)."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return {}
    out: dict[tuple[int, str], int] = {}
    try:
        for mark in pdf.get_toc(max_depth=MAX_LEVELS + 2):
            dest = mark.get_dest()
            page = dest.get_index() if dest is not None else None
            title = _key(mark.get_title() or "")
            if page is not None and title:
                out.setdefault((page + 1, title), min(mark.level + 1, 6))
    finally:
        pdf.close()
    return out


def _outline_levels(lines: list[_Line], outline: dict[tuple[int, str], int]) -> list[int]:
    """Each line's heading level by the outline (0: body); all 0 when the text
    shows fewer than half of the bookmarks (titles the layout does not print)."""
    levels = [outline.get((ln.page, _key(ln.text)), 0) for ln in lines]
    found = {(ln.page, _key(ln.text)) for ln, lv in zip(lines, levels, strict=True) if lv}
    return levels if outline and 2 * len(found) >= len(outline) else [0] * len(lines)


def _page(lines: list[_Line], title: str, outline: dict[tuple[int, str], int]) -> str:
    sized = Counter(ln.size for ln in lines if ln.size for _ in ln.text)
    body = sized.most_common(1)[0][0] if sized else 0.0
    marked = _outline_levels(lines, outline)
    larger = sorted({ln.size for ln in lines if ln.size >= body * HEADING_RATIO}, reverse=True)[
        :MAX_LEVELS
    ]
    level = {size: i + 1 for i, size in enumerate(larger)} if not any(marked) else {}
    parts = [f"<html><head><title>{html.escape(title)}</title></head><body>"]
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            parts.append("<p>" + html.escape(" ".join(paragraph)) + "</p>")
            paragraph.clear()

    for ln, by_outline in zip(lines, marked, strict=True):
        if by_outline or (ln.size in level and len(ln.text) <= MAX_HEADING_CHARS):
            flush()
            n = by_outline or level[ln.size]
            parts.append(f"<h{n}>{html.escape(ln.text)}</h{n}>")
        else:
            paragraph.append(ln.text)
            if ln.text.endswith((".", ":", "。", "：")):
                flush()  # a sentence that ends its line often ends its paragraph
    flush()
    return "".join(parts) + "</body></html>"


def _ocr_pages(
    data: bytes, uri: str, pages: list[int], warnings: list[str]
) -> tuple[list[_Line], float | None]:
    """The lines of scanned pages (1-based numbers) and the OCR's lowest
    confidence; a page OCR cannot read is a warning, the others are kept."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ExtractionError(f"{uri}: its scanned pages cannot be rendered ({exc})") from exc
    lines: list[_Line] = []
    confidences: list[float] = []
    try:
        for number in pages:
            image = pdf[number - 1].render(scale=OCR_SCALE).to_pil()
            buf = io.BytesIO()
            image.save(buf, format="PNG")
            try:
                result = ocr_image(buf.getvalue(), name=f"page {number}")
            except ExtractionError as exc:
                warnings.append(f"{uri}: scanned {exc}")
                continue
            lines += [_Line(ln.text, 0.0, number) for ln in result.lines if ln.text.strip()]
            confidences.append(result.mean_confidence)
    finally:
        pdf.close()
    return lines, (min(confidences) if confidences else None)


def parse_pdf(data: bytes, uri: str) -> ParsedSource:
    if not data.startswith(b"%PDF"):
        raise ExtractionError(f"{uri}: not a PDF (no %PDF header)")
    lines, empty = _lines(data, uri)
    most = limits.current().max_ocr_pages
    scanned, skipped = empty[:most], empty[most:]
    confidence = None
    warnings: list[str] = []
    if scanned:
        read, confidence = _ocr_pages(data, uri, scanned, warnings)
        lines = sorted(lines + read, key=lambda ln: ln.page)  # stable: order within a page
    if not lines:
        why = f" ({warnings[0].removeprefix(uri + ': ')})" if warnings else ""
        raise ExtractionError(f"{uri}: no text in the PDF, neither a text layer nor by OCR{why}")
    source = parse_html(_page(lines, PurePath(uri).stem, _outline(data)).encode(), uri)
    source.kind = "pdf"
    source.hash = digest(data)
    if confidence is not None:
        source.confidence = round(min(source.confidence, confidence), 3)
    source.warnings.extend(warnings)
    if skipped:
        source.warnings.append(
            f"{uri}: {len(skipped)} more pages without a text layer were not read "
            f"(OCR stops at {most} pages a file, {limits.SETTING['max_ocr_pages']})"
        )
    return source
