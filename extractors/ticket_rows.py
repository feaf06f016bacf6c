"""Reading a ticket export container: JSON, JSON Lines or CSV -> (location, raw record)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from typing import Any

from extractors.records import ExtractionError


class _BadRecord(Exception):
    pass


def _rows(data: bytes, uri: str) -> tuple[str, Iterator[tuple[str, Any]]]:
    """(format, iterator of (location, raw record or _BadRecord))."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExtractionError(f"{uri}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    low = uri.lower()
    stripped = text.lstrip()
    if low.endswith((".jsonl", ".ndjson")):
        return "jsonl", _jsonl_rows(text)
    if low.endswith(".csv") or (stripped[:1] not in ("[", "{") and not low.endswith(".json")):
        return "csv", _csv_rows(text, uri)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        if "\n" in stripped.strip() and _one_value(stripped.splitlines()[0]):
            return "jsonl", _jsonl_rows(text)  # JSON Lines in a .json file
        # One document, broken: one error where it breaks (a pretty-printed
        # document cut short is not a file of broken lines).
        cut = (
            " (the file ends before the JSON does: truncated?)"
            if exc.pos >= len(text.rstrip())
            else ""
        )
        raise ExtractionError(
            f"{uri}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}{cut}"
        ) from None
    if isinstance(doc, dict):
        for key in ("tickets", "issues", "results", "data"):
            if isinstance(doc.get(key), list):
                doc = doc[key]
                break
        else:
            # one ticket: wrapped as Zendesk's API returns it ({"ticket": {...}}),
            # or the object itself (a Jira issue)
            single = doc.get("ticket")
            doc = [single if isinstance(single, dict) else doc]
    if not isinstance(doc, list):
        raise ExtractionError(f"{uri}: expected a list of tickets or {{'tickets': [...]}}")
    return "json", ((f"record {i}", r) for i, r in enumerate(doc))


def _one_value(line: str) -> bool:
    """Whether a line is a whole JSON object on its own (as in JSON Lines)."""
    try:
        return isinstance(json.loads(line), dict)
    except json.JSONDecodeError:
        return False


def _jsonl_rows(text: str) -> Iterator[tuple[str, Any]]:
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield f"line {n}", json.loads(line)
        except json.JSONDecodeError as exc:
            yield f"line {n}", _BadRecord(f"invalid JSON: {exc.msg} (column {exc.colno})")


def _header(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")


def _csv_rows(text: str, uri: str) -> Iterator[tuple[str, Any]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [_header(h) for h in next(reader)]
    except StopIteration:
        return
    except csv.Error as exc:
        raise ExtractionError(f"{uri}: unreadable CSV header: {exc}") from None
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield f"line {line}", _BadRecord(f"unreadable CSV: {exc}")
            line = reader.line_num + 1
            continue
        start, line = line, reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            yield f"line {start}", _BadRecord(f"{len(cells)} cells for {len(header)} columns")
            continue
        row: dict[str, Any] = {}
        for name, cell in zip(header, cells, strict=False):
            if name in row:  # repeated column (Jira's Comment, Component/s)
                prev = row[name]
                row[name] = [*prev, cell] if isinstance(prev, list) else [prev, cell]
            else:
                row[name] = cell
        yield f"line {start}", row
