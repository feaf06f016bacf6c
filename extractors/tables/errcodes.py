"""Error-code tables (HTML, Markdown, CSV) -> ErrorCode records.

Columns are recognised by their header in English or Chinese; a row that
spans the whole table ("Class 08 — Connection Exception") names the class of
the rows below it.

Tables of symbolic codes and their numbers ("Symbol | Value | Description",
"Name | Code | Meaning" with EXAMPLE_FAILED and 17) keep the symbol as the
code and the number as its alias, so a question naming either reaches it. A
table without a "code" column counts only when most of its names are
code-shaped, most of its values are numbers, and its codes or its context
(headers, heading path, page title) say "error" (see extractors.tables.errcode_layouts).

Solution cells hold ordered steps, one per line or numbered ("1. ... 2. ...").
Malformed rows are reported with their location and skipped; the rest of the
table is kept.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from extractors.records import ErrorCodeRecord, ExtractionError, ParsedSource, Table, digest
from extractors.tables.errcode_layouts import ERROR_CUE, MIN_CODES
from extractors.tables.specs import spec_columns, spec_records
from extractors.text.codes import parse_code

_COLUMNS: dict[str, re.Pattern[str]] = {
    "code": re.compile(
        r"^(error\s*code|err(or)?[\s_]*no|code|sqlstate|错误码|错误代码|代码|编码)$", re.I
    ),
    "name": re.compile(
        r"^(condition(\s*name)?|name|symbol(ic)?(\s*name)?|constant|macro|名称|条件名|符号|常量)$",
        re.I,
    ),
    "value": re.compile(
        r"^(value|numeric(\s*(value|code))?|number|num|decimal|hex|数值|值)$", re.I
    ),
    "message_zh": re.compile(r"^(message_zh|错误信息|报错信息|提示信息)$", re.I),
    "message": re.compile(
        r"^(message|error\s*message|description|text|meaning|explanation|描述|说明|含义|解释)$",
        re.I,
    ),
    "cause_zh": re.compile(r"^(cause_zh|原因|可能原因)$", re.I),
    "cause": re.compile(r"^(causes?|reason|why)$", re.I),
    "steps_zh": re.compile(r"^(solution_zh|解决方法|解决方案|解决步骤|处理方法|处理步骤)$", re.I),
    "steps": re.compile(r"^(solutions?|fix|resolution|remedy|steps|action)$", re.I),
    "product": re.compile(r"^(product|产品)$", re.I),
    "version": re.compile(r"^(version|since|版本)$", re.I),
    "severity": re.compile(r"^(severity|level|级别|严重性)$", re.I),
}
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{1,23}$")
_STEP_MARK = re.compile(r"(?:^|(?<=\s))(\d{1,2})[.)、]\s*")
_STEP_NUM = re.compile(r"^\s*\d{1,2}[.)、]\s*")


def column_map(headers: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, h in enumerate(headers):
        h = " ".join(h.split())
        for key, pattern in _COLUMNS.items():
            if key not in found and pattern.match(h):
                found[key] = i
                break
    return found


def is_error_table(headers: list[str]) -> bool:
    cols = column_map(headers)
    return "code" in cols and len(cols) >= 2


_NUMBER_CELL = re.compile(r"^-?\d{1,10}$|^0[xX][0-9a-fA-F]{1,8}$")
MOSTLY = 0.6  # share of a column's cells that must have a shape


@dataclass
class CodeColumns:
    code: int  # the column whose cells become ErrorCode.code
    number: int | None = None  # its number, kept as an alias
    name: int | None = None
    # The code column holds symbols and the number column is the table's own
    # "code": a row whose symbol is not code-shaped keeps its number as the code.
    number_fallback: bool = False


def code_columns(table: Table, context: str = "") -> CodeColumns | None:
    """Which columns hold the code, its number and its name, or None when the
    table is not one of error codes (``context``: heading path, page title)."""
    cols = column_map(table.headers)
    width = len(table.headers)
    rows = [r for r in table.rows if len(r) == width]

    def mostly(i: int | None, test: Callable[[str], bool]) -> bool:
        if i is None:
            return False
        cells = [r[i].strip() for r in rows if r[i].strip()]
        return bool(cells) and sum(map(test, cells)) >= MOSTLY * len(cells)

    code, name, value = cols.get("code"), cols.get("name"), cols.get("value")
    if code is not None:
        if len(cols) < 2:
            return None
        if name is not None and mostly(code, _is_number) and mostly(name, _is_symbol):
            return CodeColumns(code=name, number=code, number_fallback=True)
        if mostly(code, _is_symbol) and mostly(value, _is_number):
            return CodeColumns(code=code, number=value, name=name)
        return CodeColumns(code=code, name=name)
    if name is None or not (mostly(name, _is_symbol) and mostly(value, _is_number)):
        return None
    symbols = [m for r in rows if (m := parse_code(r[name])) is not None]
    strong = sum(m.strong for m in symbols)
    said = ERROR_CUE.search(" ".join([*table.headers, context])) is not None
    if len(symbols) >= MIN_CODES and (2 * strong >= len(symbols) or said):
        return CodeColumns(code=name, number=value)
    return None


def _is_number(cell: str) -> bool:
    return _NUMBER_CELL.match(cell) is not None


def _is_symbol(cell: str) -> bool:
    return not _is_number(cell) and parse_code(cell) is not None


def _norm_number(cell: str) -> str:
    return "0x" + cell[2:].upper().rjust(8, "0") if cell[:2].lower() == "0x" else cell


def split_steps(cell: str) -> list[str]:
    """Ordered steps from one per line, or inline "1. ... 2. ..." numbering.

    Inline, only the running sequence 1, 2, 3 ... splits, so "upgrade to 3.1"
    or "--top 20." inside a step stays whole.
    """
    lines = [ln.strip() for ln in cell.splitlines() if ln.strip()]
    if len(lines) <= 1:
        lines, start, expected = [], 0, 1
        for m in _STEP_MARK.finditer(cell):
            if int(m.group(1)) != expected:
                continue
            if expected > 1:
                lines.append(cell[start : m.start()].strip())
            start, expected = m.start(), expected + 1
        lines.append(cell[start:].strip())
    return [_STEP_NUM.sub("", ln) for ln in lines if _STEP_NUM.sub("", ln)]


def records_from_table(
    table: Table, source: ParsedSource, where: str, columns: CodeColumns | None = None
) -> tuple[list[ErrorCodeRecord], list[str]]:
    """ErrorCode records and problems (with locations) from one recognised table."""
    cols = column_map(table.headers)
    columns = columns or CodeColumns(code=cols["code"], name=cols.get("name"))
    records: list[ErrorCodeRecord] = []
    problems: list[str] = []
    class_name: str | None = None
    width = len(table.headers)
    for index, row in enumerate(table.rows):
        loc = f"{where} {table.location(index)}"
        if len(row) == 1 and width > 1:
            class_name = row[0].strip() or class_name
            continue
        if len(row) != width:
            problems.append(f"{source.uri}: {loc}: expected {width} cells, found {len(row)}")
            continue

        def at(i: int | None, row: list[str] = row) -> str | None:
            return (row[i].strip() or None) if i is not None else None

        def cell(key: str) -> str | None:
            return at(cols.get(key))

        code, name, aliases = at(columns.code), at(columns.name), []
        if (number := at(columns.number)) is not None:
            symbol = parse_code(code) if code and not _is_number(code) else None
            if symbol is not None:  # ECONNREFUSED with 111
                code = symbol.code
                aliases = [_norm_number(number)] if _is_number(number) else []
            elif columns.number_fallback:
                code, name = number, code
        if not code or not _CODE.match(code):
            problems.append(f"{source.uri}: {loc}: invalid error code {code!r}")
            continue
        records.append(
            ErrorCodeRecord(
                code=code,
                product=cell("product") or source.product,
                version=cell("version") or source.version,
                name=name,
                message=cell("message"),
                message_zh=cell("message_zh"),
                cause=cell("cause"),
                cause_zh=cell("cause_zh"),
                steps=split_steps(cell("steps") or ""),
                steps_zh=split_steps(cell("steps_zh") or ""),
                severity=cell("severity"),
                class_name=class_name,
                section_id=table.section_id,
                uri=source.sections[0].uri.split("#")[0] if source.sections else source.uri,
                location=loc,
                aliases=aliases,
            )
        )
    return records, problems


def extract_tables(source: ParsedSource) -> None:
    """Turn the recognised error tables of a parsed document into records."""
    paths = {s.id: " ".join(s.heading_path) for s in source.sections}
    for i, table in enumerate(source.tables, start=1):
        context = " ".join((paths.get(table.section_id or "", ""), source.title or ""))
        columns = code_columns(table, context)
        if columns is None and not table.headers and len(table.rows) > 1:
            # No <th> row (Word tables, many hand-written pages): the first row
            # may still be the header.
            promoted = replace(table, headers=table.rows[0], rows=table.rows[1:])
            if (columns := code_columns(promoted, context)) is not None:
                table = promoted
        if columns is None:
            continue
        where = f"table {i}" + (f" (line {table.line})" if table.line else "")
        records, problems = records_from_table(table, source, where, columns)
        if section_uri := _section_uri(source, table.section_id):
            for r in records:
                r.uri = section_uri
        source.error_codes.extend(records)
        source.warnings.extend(problems)


def _section_uri(source: ParsedSource, section_id: str | None) -> str | None:
    for s in source.sections:
        if s.id == section_id:
            return s.uri
    return None


def parse_csv(data: bytes, uri: str, product: str | None = None) -> ParsedSource:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExtractionError(f"{uri}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    reader = csv.reader(io.StringIO(text))
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        for row in reader:
            rows.append(row)
            lines.append(reader.line_num)  # the line a record ends on
    except csv.Error as exc:
        raise ExtractionError(f"{uri}: line {reader.line_num}: malformed CSV: {exc}") from exc
    if not rows:
        raise ExtractionError(f"{uri}: empty CSV file")
    source = ParsedSource(uri=uri, kind="csv", hash=digest(data), title=uri.rsplit("/", 1)[-1])
    source.product = product
    add_rows(source, rows, "CSV", lines, "line")
    return source


def add_rows(
    source: ParsedSource,
    rows: list[list[str]],
    where: str,
    numbers: list[int] | None = None,
    unit: str = "row",
) -> None:
    """Records of one table given as rows (header first): error codes or specs.

    ``numbers`` are the rows' positions in the file, for reports.
    """
    uri = source.uri
    numbers = numbers or list(range(1, len(rows) + 1))
    headers = [h.strip() for h in rows[0]]
    kept = [i for i in range(1, len(rows)) if any(c.strip() for c in rows[i])]
    table = Table(
        headers=headers,
        rows=[rows[i] for i in kept],
        section_id=None,
        row_numbers=[numbers[i] for i in kept],
        row_unit=unit,
    )
    if columns := code_columns(table, source.title or ""):
        records, problems = records_from_table(table, source, where, columns)
        source.error_codes.extend(records)
        source.warnings.extend(problems)
        return
    if spec_columns(headers) is None:
        raise ExtractionError(
            f"{uri}: {where} header {headers!r} is neither an error-code table "
            "('code' plus 'name', 'message' or 'solution') nor a spec table "
            "('product', 'parameter', 'value')"
        )
    specs, problems = spec_records(uri, table, where)
    source.specs.extend(specs)
    source.warnings.extend(problems)
