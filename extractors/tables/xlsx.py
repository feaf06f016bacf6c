"""Excel workbooks (.xlsx) of error codes or product specs.

Every worksheet whose first row is a recognised header (an error-code table
or a spec table, see ``errcode_table``) is read; other sheets are reported as
warnings and skipped. Cells are read as displayed values (formulas give their
cached results); whole-number floats are written without ".0".
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from extractors.documents.archive import check_unpacked
from extractors.limits import SETTING, current
from extractors.records import ExtractionError, ParsedSource, digest
from extractors.tables.errcodes import add_rows
from extractors.tables.xlsx_scan import wide_sheets

# Rows, columns and cell length are limited by extractors.limits (configurable).


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def parse_xlsx(data: bytes, uri: str) -> ParsedSource:
    check_unpacked(data, uri, ".xlsx workbook")
    lim = current()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            too_wide = wide_sheets(z, lim.max_columns)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ExtractionError(f"{uri}: not a readable .xlsx workbook ({exc})") from exc
    source = ParsedSource(uri=uri, kind="xlsx", hash=digest(data), title=uri.rsplit("/", 1)[-1])
    tables = 0
    try:
        for sheet in book.worksheets:
            rows: list[list[str]] = []
            # the declared dimension; a sheet found too wide is never asked (openpyxl
            # would read the whole sheet to learn its size)
            width = 0 if sheet.title in too_wide else sheet.max_column or 0
            if width > lim.max_columns or sheet.title in too_wide:
                has = f"declares {width:,}" if width > lim.max_columns else "has more than"
                source.warnings.append(
                    f"{uri}: sheet {sheet.title!r} {has} {lim.max_columns:,} columns, over the "
                    f"limit of {lim.max_columns:,} ({SETTING['max_columns']}); the sheet was "
                    "not read"
                )
                continue
            long_cells = 0
            for n, row in enumerate(sheet.iter_rows(values_only=True, max_col=lim.max_columns)):
                if n >= lim.max_rows:
                    source.warnings.append(
                        f"{uri}: sheet {sheet.title!r}: only the first {lim.max_rows:,} rows "
                        f"were read (the limit, {SETTING['max_rows']})"
                    )
                    break
                cells = [_cell(v) for v in row]
                if any(len(c) > lim.max_cell_chars for c in cells):
                    long_cells += 1
                    cells = [c[: lim.max_cell_chars] for c in cells]
                rows.append(cells)
            if long_cells:
                source.warnings.append(
                    f"{uri}: sheet {sheet.title!r}: {long_cells} rows had cells longer than "
                    f"{lim.max_cell_chars:,} characters (the limit, {SETTING['max_cell_chars']}); "
                    "they were cut there"
                )
            first = next((i for i, r in enumerate(rows) if any(r)), None)
            if first is None:
                continue  # an empty sheet
            numbers = list(range(first + 1, len(rows) + 1))  # Excel's row numbers
            try:
                add_rows(source, rows[first:], f"sheet {sheet.title!r}", numbers, "row")
                tables += 1
            except ExtractionError as exc:
                source.warnings.append(str(exc))
    finally:
        book.close()
    if tables == 0:
        why = "; ".join(w.removeprefix(f"{uri}: ") for w in source.warnings)
        raise ExtractionError(
            f"{uri}: no sheet holds an error-code or spec table" + (f" ({why})" if why else "")
        )
    return source
