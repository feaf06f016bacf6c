"""Reading a ticket export container: JSON, JSON Lines or CSV -> (location, raw record).

Besides the records, a container may carry what Zendesk side-loads beside
them (``?include=users``: ``users``, ``organizations``, ``groups``) and the
marks of an incremental export (``after_cursor`` / ``end_of_stream`` of the
cursor-based one, ``end_time`` / ``next_page`` / ``count`` of the time-based
one). JSON Lines may hold records or whole pages (one API response a line,
as an export script appends them); a page's records are located as
``line 3, record 5``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from extractors.records import ExtractionError
from extractors.text.encoding import decode_export


class BadRecord(Exception):
    pass


# Keys that hold a page's records, in the order they are tried.
RECORD_KEYS = ("tickets", "issues", "results", "data")
# Keys only an incremental export page has.
INCREMENTAL_KEYS = frozenset({"after_cursor", "end_of_stream", "end_time", "after_url"})


@dataclass
class Container:
    format: str  # json | jsonl | csv
    rows: list[tuple[str, Any]]  # (location, raw record or BadRecord)
    users: list[Any] = field(default_factory=list)  # side-loaded users (Zendesk)
    groups: list[Any] = field(default_factory=list)  # side-loaded groups
    organizations: list[Any] = field(default_factory=list)  # side-loaded organizations
    incremental: bool = False  # pages of an incremental export


def read_rows(data: bytes, uri: str) -> Container:
    """The records of an export (and what its pages carry beside them)."""
    text = decode_export(data, uri)
    low = uri.lower()
    stripped = text.lstrip()
    if low.endswith((".jsonl", ".ndjson")):
        return _jsonl(text)
    if low.endswith(".csv") or (stripped[:1] not in ("[", "{") and not low.endswith(".json")):
        return Container("csv", list(_csv_rows(text, uri)))
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        if "\n" in stripped.strip() and _one_value(stripped.splitlines()[0]):
            return _jsonl(text)  # JSON Lines in a .json file
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
    box = Container("json", [])
    if isinstance(doc, dict):
        records = _page(doc, box)
        if records is None:
            # one ticket: wrapped as Zendesk's API returns it ({"ticket": {...}}),
            # or the object itself (a Jira issue)
            single = doc.get("ticket")
            if isinstance(single, dict):
                side_loads(doc, box)  # GET /tickets/{id}.json?include=users,groups
            records = [single if isinstance(single, dict) else doc]
        doc = records
    if not isinstance(doc, list):
        raise ExtractionError(f"{uri}: expected a list of tickets or {{'tickets': [...]}}")
    box.rows = [(f"record {i}", r) for i, r in enumerate(doc)]
    return box


def _page(doc: dict[str, Any], box: Container) -> list[Any] | None:
    """The records of one API page (None when ``doc`` is no page), its
    side-loaded users, groups and organizations added to ``box``."""
    records = next((doc[k] for k in RECORD_KEYS if isinstance(doc.get(k), list)), None)
    if records is None:
        return None
    side_loads(doc, box)
    if INCREMENTAL_KEYS & doc.keys():
        box.incremental = True
    return list(records)


def side_loads(doc: dict[str, Any], box: Container) -> None:
    """What a Zendesk response side-loads beside its records (``include=``)."""
    for key, into in (("users", box.users), ("groups", box.groups),
                      ("organizations", box.organizations)):  # fmt: skip
        items = doc.get(key)
        if isinstance(items, list):
            into.extend(items)


def _jsonl(text: str) -> Container:
    box = Container("jsonl", [])
    for location, raw in _jsonl_rows(text):
        records = _page(raw, box) if isinstance(raw, dict) else None
        if records is None:
            box.rows.append((location, raw))
        else:
            box.rows.extend((f"{location}, record {i}", r) for i, r in enumerate(records))
    return box


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
            yield f"line {n}", BadRecord(f"invalid JSON: {exc.msg} (column {exc.colno})")


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
            yield f"line {line}", BadRecord(f"unreadable CSV: {exc}")
            line = reader.line_num + 1
            continue
        start, line = line, reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            yield f"line {start}", BadRecord(f"{len(cells)} cells for {len(header)} columns")
            continue
        row: dict[str, Any] = {}
        for name, cell in zip(header, cells, strict=False):
            if name in row:  # repeated column (Jira's Comment, Component/s)
                prev = row[name]
                row[name] = [*prev, cell] if isinstance(prev, list) else [prev, cell]
            else:
                row[name] = cell
        yield f"line {start}", row
