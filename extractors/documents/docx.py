"""Word documents (.docx): manuals, runbooks and error-code tables kept in Word.

mammoth converts the document to semantic HTML (Heading 1-6 styles become
h1-h6, tables stay tables, lists stay lists), which the HTML extractor reads
like any page: sections per heading, and a table of codes becomes ErrorCode
nodes as a table in a manual page does.
"""

from __future__ import annotations

import html
import io
import zipfile
from pathlib import PurePath

import mammoth

from extractors.documents.archive import check_unpacked
from extractors.documents.html import parse_html
from extractors.records import ExtractionError, ParsedSource, digest


def parse_docx(data: bytes, uri: str) -> ParsedSource:
    check_unpacked(data, uri, ".docx document")
    try:
        converted = mammoth.convert_to_html(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ExtractionError(f"{uri}: not a readable .docx document ({exc})") from exc
    body = str(converted.value)
    if not body.strip():
        raise ExtractionError(f"{uri}: the .docx document has no text")
    title = html.escape(PurePath(uri).stem)
    page = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
    source = parse_html(page.encode(), uri)
    source.kind = "docx"
    source.hash = digest(data)
    return source
