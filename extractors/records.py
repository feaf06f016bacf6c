"""Plain records that extractors produce and the graph writer stores."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

# Part of every source's hash: raising it re-extracts every file on the next
# ingest (2: table rows kept as one line each, cells apart; 3: long lists of
# <dt> entries split into one section per entry; 4: release notes' sections
# carry their versions; 5: tickets' personal data sealed and customer ids keyed
# with HMAC-SM3, so a graph ingested before re-reads its exports once and its
# old customer:<sha1> nodes go; see the README's "Personal data at storage").
EXTRACTOR_VERSION = "5"
# Between the cells of a table row in a section's text (one row a line).
ROW_SEPARATOR = " | "


def digest(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode()
    return hashlib.sha256(data).hexdigest()


def short_id(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:16]


def slug(text: str) -> str:
    s = re.sub(r"[^0-9a-zA-Z\u4e00-\u9fff]+", "-", text.strip().lower()).strip("-")
    return s or "x"


@dataclass
class Section:
    id: str
    ordinal: int
    title: str
    heading_path: list[str]
    anchor: str | None
    uri: str
    text: str
    lang: str
    # The section's own first paragraphs (<p> not inside a table, list, note,
    # changelog or code block): what a page says first about its heading.
    lead: list[str] = field(default_factory=list)
    version: str | None = None  # the product version it describes (release notes), if its own


@dataclass
class Table:
    """A table found in a document: header cells, rows, and the section it sits in."""

    headers: list[str]
    rows: list[list[str]]
    section_id: str | None
    line: int | None = None
    # Where each row is in its file ("line 7" of a CSV, "row 7" of a sheet);
    # None numbers the rows of the table from 1.
    row_numbers: list[int] | None = None
    row_unit: str = "row"

    def location(self, index: int) -> str:
        n = self.row_numbers[index] if self.row_numbers else index + 1
        return f"{self.row_unit} {n}"


@dataclass
class Definition:
    """A term and what a page says of it: a <dt>/<dd> pair, or a list item
    that starts with a term ("CODE (message): explanation")."""

    term: str
    text: str
    section_id: str
    group: str  # items of one list, or the definition lists of one section
    anchor: str | None = None  # the term's own element id, when it has one
    kind: str = "definitions"  # definitions | list


@dataclass
class ErrorCodeRecord:
    code: str
    product: str | None
    name: str | None = None
    message: str | None = None
    message_zh: str | None = None
    cause: str | None = None
    cause_zh: str | None = None
    steps: list[str] = field(default_factory=list)
    steps_zh: list[str] = field(default_factory=list)
    class_name: str | None = None
    severity: str | None = None
    version: str | None = None
    section_id: str | None = None
    uri: str | None = None
    location: str | None = None  # row/line in the source, for reports
    # Other names of the same code: the number of a symbolic code (ECONNREFUSED
    # and 111), so a question naming either reaches it.
    aliases: list[str] = field(default_factory=list)
    description: str | None = None  # the source's explanation, when a message is given apart
    layout: str = "table"  # table | sections | definitions | list: how the page gave it
    confidence: float = 1.0

    @property
    def id(self) -> str:
        return f"errcode:{slug(self.product or 'generic')}:{self.code}"


@dataclass
class ParsedSource:
    """What one source file yields."""

    uri: str
    kind: str  # html, markdown, csv
    hash: str
    title: str | None = None
    lang: str = "en"
    product: str | None = None
    version: str | None = None
    sections: list[Section] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    error_codes: list[ErrorCodeRecord] = field(default_factory=list)
    specs: list[Any] = field(default_factory=list)  # extractors.tables.specs.SpecRecord
    definitions: list[Definition] = field(default_factory=list)
    confidence: float = 1.0  # of the extraction as a whole (OCR: mean word confidence)
    codes: list[str] = field(default_factory=list)  # error codes shown (screenshots)
    symptoms: list[dict[str, Any]] = field(default_factory=list)  # stack traces (screenshots)
    tickets: Any = None  # extractors.tickets.TicketBatch
    community: Any = None  # extractors.community.parse.CommunityBatch
    warnings: list[str] = field(default_factory=list)
    doc_type: str | None = None  # "release_notes" when each section describes a version

    @property
    def doc_id(self) -> str:
        return "doc:" + short_id(self.uri)


class ExtractionError(Exception):
    """A source could not be extracted; the message names the file and the problem."""


def document_text(data: bytes, uri: str, what: str) -> str:
    """A text document's characters (UTF-8, a byte-order mark dropped); raises
    ExtractionError naming ``uri`` for other encodings and binary data."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExtractionError(f"{uri}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    if "\x00" in text:
        raise ExtractionError(f"{uri}: binary data, not {what}")
    return text
