"""Limits on what one input file may cost, so one hostile or broken file cannot
take the ingest (or the machine) down: file size, what an office file unpacks
to, rows, columns and characters of a cell in a spreadsheet, scanned PDF pages
read by OCR. Each is refused (FAILED) or cut (a warning) with a message naming
the file, the limit and the setting that raises it.

The limits are set per ingest (``Ingestor(limits=...)``, from the
``GRAPHDESK_MAX_*`` settings) and read by the parsers through ``current()``,
so a parser deep in a document kind needs no extra argument. HTML nesting is
refused beyond 256 levels whatever the settings say: that is the parser's own
(libxml2's) depth, beyond which it drops text.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 256 * MIB  # GRAPHDESK_MAX_FILE_MB
    max_unpacked_bytes: int = 200 * MIB  # GRAPHDESK_MAX_UNPACKED_MB (.xlsx, .docx)
    max_rows: int = 200_000  # GRAPHDESK_MAX_ROWS, per sheet
    max_columns: int = 1_000  # GRAPHDESK_MAX_COLUMNS; a table of codes or specs has dozens
    max_cell_chars: int = 32_767  # GRAPHDESK_MAX_CELL_CHARS; Excel's own limit for one cell
    max_ocr_pages: int = 50  # GRAPHDESK_MAX_OCR_PAGES, scanned PDF pages a file

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not isinstance(value, int) or value <= 0:
                raise ValueError(f"limit {name} must be a positive whole number, not {value!r}")


#: The setting that raises each limit, for the messages.
SETTING = {
    "max_file_bytes": "GRAPHDESK_MAX_FILE_MB",
    "max_unpacked_bytes": "GRAPHDESK_MAX_UNPACKED_MB",
    "max_rows": "GRAPHDESK_MAX_ROWS",
    "max_columns": "GRAPHDESK_MAX_COLUMNS",
    "max_cell_chars": "GRAPHDESK_MAX_CELL_CHARS",
    "max_ocr_pages": "GRAPHDESK_MAX_OCR_PAGES",
}

_CURRENT: ContextVar[Limits] = ContextVar("graphdesk_limits", default=Limits())  # noqa: B039


def current() -> Limits:
    """The limits of the ingest running in this context (the defaults otherwise)."""
    return _CURRENT.get()


@contextlib.contextmanager
def applied(limits: Limits) -> Iterator[Limits]:
    """Run the parsers inside with ``limits``."""
    token = _CURRENT.set(limits)
    try:
        yield limits
    finally:
        _CURRENT.reset(token)


def mib(n: int) -> str:
    return f"{n / MIB:,.0f} MiB"
