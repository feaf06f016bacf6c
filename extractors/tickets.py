"""Support tickets from JSON, JSON Lines and CSV exports -> graph facts.

API for the ingest::

    batch = parse_tickets(data, uri, preset=None)   # TicketBatch: records + problems
    counts = write_tickets(store, batch, now_ms)    # replaces exactly this source's facts

Field mapping
-------------
A :class:`Mapping` names, for every canonical field, the paths tried in order
(the first non-empty value wins). A path is dotted (``fields.status.name``);
``[]`` walks a list (``fields.components[].name`` gives every component's
name). CSV headers are normalised to ``snake_case`` (``Requester id`` ->
``requester_id``, ``Affects Version/s`` -> ``affects_version_s``); repeated
headers (Jira's ``Comment``) become a list. The canonical fields:

=============  ==========================================================
id             the ticket's id in its system (required)
subject        title / summary
description    first message / body
status         ``solved``, ``closed``, ``resolved``, ``done`` (and 已解决,
               已关闭) mark a resolved ticket
priority       as given
created_at     ISO-8601 (also ``created_ms``, epoch milliseconds, when it parses)
customer_id    requester / reporter id; stored only as ``customer:<hash>``
product        product names (list or comma separated)
version        versions (list or comma separated)
tags           list or comma separated
resolution     the fix (text); a one-word resolution name (Jira ``Fixed``)
               takes its text from the last agent message
messages       a list (JSON, or a JSON array in a CSV cell) mapped with the
               message fields: author, role, body, created_at, public
=============  ==========================================================

Presets: ``generic`` (the canonical names themselves), ``zendesk`` (ticket
export: ``requester_id``, ``comments[].author_id`` / ``plain_body`` /
``public``, ``tags``, ``custom_fields`` with ``product`` / ``version`` ids
named in :data:`ZENDESK_FIELDS`), ``jira`` (issue JSON: ``key``,
``fields.summary`` ... ``fields.comment.comments[]``; and Jira's CSV export
columns). ``parse_tickets`` detects the preset from the records when none is
given. A message's role is ``customer`` when its author is the requester /
reporter (or the mapping says so), ``agent`` otherwise.

Every stored text goes through :func:`extractors.masking.mask` first; names
and e-mail addresses of people are never stored, only hashed ids.
"""

from __future__ import annotations

import csv
import importlib
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from extractors.masking import mask
from extractors.records import EXTRACTOR_VERSION, ExtractionError, digest, short_id, slug
from extractors.segment import language, search_field
from graph.queries import concepts as cq
from graph.queries import tickets as tq
from graph.store import Store

EXTRACTOR = f"graphdesk.tickets/{EXTRACTOR_VERSION}"
RESOLVED_STATUSES = frozenset(
    {"solved", "closed", "resolved", "done", "fixed", "已解决", "已关闭", "已完成"}
)
# Zendesk custom field ids are per account: name the ones holding product and version.
ZENDESK_FIELDS: dict[str, set[int | str]] = {"product": set(), "version": set()}


@dataclass(frozen=True)
class Mapping:
    name: str
    system: str
    fields: dict[str, tuple[str, ...]]
    messages: tuple[str, ...]
    message_fields: dict[str, tuple[str, ...]]


_MSG_GENERIC = {
    "author": ("author", "author_id"),
    "role": ("role",),
    "body": ("body", "text", "plain_body"),
    "created_at": ("created_at", "created"),
    "public": ("public",),
}

PRESETS: dict[str, Mapping] = {
    "generic": Mapping(
        name="generic",
        system="generic",
        fields={
            "id": ("id", "ticket_id"),
            "system": ("system", "source_system"),
            "subject": ("subject", "title"),
            "description": ("description", "body"),
            "status": ("status",),
            "priority": ("priority",),
            "created_at": ("created_at", "created"),
            "customer_id": ("customer_id", "customer"),
            "product": ("product", "products"),
            "version": ("version", "versions"),
            "tags": ("tags",),
            "resolution": ("resolution",),
        },
        messages=("messages",),
        message_fields=_MSG_GENERIC,
    ),
    "zendesk": Mapping(
        name="zendesk",
        system="zendesk",
        fields={
            "id": ("id",),
            "subject": ("subject", "raw_subject"),
            "description": ("description",),
            "status": ("status",),
            "priority": ("priority",),
            "created_at": ("created_at",),
            "customer_id": ("requester_id", "requester.id", "requester"),
            "product": ("product",),
            "version": ("version",),
            "tags": ("tags",),
            "resolution": ("resolution",),
        },
        messages=("comments",),
        message_fields={
            "author": ("author_id",),
            "role": ("role",),
            "body": ("plain_body", "body"),
            "created_at": ("created_at",),
            "public": ("public",),
        },
    ),
    "jira": Mapping(
        name="jira",
        system="jira",
        fields={
            "id": ("key", "issue_key"),
            "subject": ("fields.summary", "summary"),
            "description": ("fields.description", "description"),
            "status": ("fields.status.name", "status"),
            "priority": ("fields.priority.name", "priority"),
            "created_at": ("fields.created", "created"),
            "customer_id": (
                "fields.reporter.accountId",
                "fields.reporter.key",
                "fields.reporter.name",
                "reporter_id",
                "reporter",
            ),
            "product": ("fields.components[].name", "component_s", "components"),
            "version": (
                "fields.versions[].name",
                "affects_version_s",
                "fields.fixVersions[].name",
                "fix_version_s",
            ),
            "tags": ("fields.labels", "labels"),
            "resolution": ("fields.resolution.name", "resolution"),
        },
        messages=("fields.comment.comments", "comment"),
        message_fields={
            "author": ("author.accountId", "author.key", "author.name"),
            "role": ("role",),
            "body": ("body",),
            "created_at": ("created",),
            "public": ("jsdPublic",),
        },
    ),
}


@dataclass
class Message:
    ordinal: int
    role: str  # customer | agent
    author_ref: str | None  # hashed
    body: str  # masked
    created_at: str | None
    public: bool | None


@dataclass
class TicketRecord:
    system: str
    key: str  # the id in its system
    subject: str
    description: str
    status: str | None
    priority: str | None
    created_at: str | None
    created_ms: int | None
    customer_id: str | None  # customer:<hash>
    products: list[str]
    versions: list[str]
    tags: list[str]
    messages: list[Message]
    resolution: str | None  # masked text of the fix
    resolution_name: str | None
    location: str

    @property
    def id(self) -> str:
        return f"ticket:{self.system}:{self.key}"

    @property
    def resolved(self) -> bool:
        return (self.status or "").strip().lower() in RESOLVED_STATUSES

    @property
    def parts(self) -> list[str]:
        """Subject, description and message bodies (the resolution when it is
        not one of the messages), each a separate text."""
        parts = [self.subject, self.description, *(m.body for m in self.messages)]
        if self.resolution and self.resolution not in parts:
            parts.append(self.resolution)
        return [p for p in parts if p]

    @property
    def text(self) -> str:
        return "\n\n".join(self.parts)


@dataclass
class Problem:
    location: str  # "record 3" (JSON, 0-based index), "line 7" (JSONL, CSV)
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass
class TicketBatch:
    uri: str
    hash: str
    format: str  # json | jsonl | csv
    preset: str
    records: list[TicketRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class _BadRecord(Exception):
    pass


# --- reading the container ------------------------------------------------------


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
        if stripped.startswith("{") and "\n" in stripped.strip():
            return "jsonl", _jsonl_rows(text)  # JSON Lines in a .json file
        raise ExtractionError(f"{uri}: invalid JSON at line {exc.lineno}: {exc.msg}") from None
    if isinstance(doc, dict):
        for key in ("tickets", "issues", "results", "data"):
            if isinstance(doc.get(key), list):
                doc = doc[key]
                break
        else:
            doc = [doc]  # a single ticket / issue
    if not isinstance(doc, list):
        raise ExtractionError(f"{uri}: expected a list of tickets or {{'tickets': [...]}}")
    return "json", ((f"record {i}", r) for i, r in enumerate(doc))


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


# --- paths and values -----------------------------------------------------------


def _get(obj: Any, path: str) -> Any:
    parts = path.split(".")
    values: list[Any] = [obj]
    for part in parts:
        many = part.endswith("[]")
        key = part[:-2] if many else part
        nxt: list[Any] = []
        for v in values:
            if isinstance(v, dict) and key in v:
                got = v[key]
                if many and isinstance(got, list):
                    nxt.extend(got)
                elif got is not None:
                    nxt.append(got)
        values = nxt
        if not values:
            return None
    many_path = any(p.endswith("[]") for p in parts)
    return values if many_path else values[0]


def _first(obj: Any, paths: tuple[str, ...]) -> Any:
    for p in paths:
        v = _get(obj, p)
        if v not in (None, "", []):
            return v
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float | bool):
        return str(value)
    if isinstance(value, dict):
        if value.get("type") == "doc":  # Atlassian document format
            return _adf_text(value).strip()
        for key in ("name", "value", "text", "body"):
            if isinstance(value.get(key), str):
                return str(value[key]).strip()
    raise _BadRecord(f"expected text, got {type(value).__name__}")


def _adf_text(node: Any) -> str:
    if isinstance(node, dict):
        if node.get("type") == "text":
            return str(node.get("text", ""))
        inner = "".join(_adf_text(c) for c in node.get("content") or [])
        block = node.get("type") in ("paragraph", "heading", "listItem", "codeBlock")
        return inner + ("\n" if block else "")
    return ""


def _list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    items = value if isinstance(value, list) else re.split(r"[,;]", _text(value))
    out = [_text(v) for v in items]
    return list(dict.fromkeys(v for v in out if v))


def _time(value: str | None) -> tuple[str | None, int | None]:
    if not value:
        return None, None
    try:
        dt = datetime.fromisoformat(value.replace(" UTC", "+00:00"))
    except ValueError:
        return value, None
    return value, int(dt.timestamp() * 1000)


def _ref(system: str, kind: str, raw: Any) -> str | None:
    value = _text(raw) if raw is not None else ""
    return f"{kind}:{short_id(system, value.lower())}" if value else None


# --- presets --------------------------------------------------------------------


def detect_preset(record: Any) -> str:
    if not isinstance(record, dict):
        return "generic"
    if "fields" in record and "key" in record:
        return "jira"
    if "issue_key" in record or ("summary" in record and "reporter" in record):
        return "jira"
    if "requester_id" in record or "custom_fields" in record or "via" in record:
        return "zendesk"
    comments = record.get("comments")
    if isinstance(comments, list) and any(isinstance(c, dict) and "author_id" in c
                                          for c in comments):  # fmt: skip
        return "zendesk"
    return "generic"


def _zendesk_custom(record: dict[str, Any], name: str) -> list[str]:
    wanted = ZENDESK_FIELDS.get(name, set())
    out: list[str] = []
    for cf in record.get("custom_fields") or []:
        if not isinstance(cf, dict) or cf.get("value") in (None, ""):
            continue
        if cf.get("id") in wanted or str(cf.get("name", "")).lower() == name:
            out.extend(_list(cf["value"]))
    return out


def _messages(raw: Any, mapping: Mapping, system: str, customer_raw: str) -> list[Message]:
    items = _first(raw, mapping.messages)
    if items is None:
        return []
    if isinstance(items, str):  # a CSV cell: a JSON array, or one Jira comment
        items = _cell_messages(items)
    elif isinstance(items, list) and items and all(isinstance(i, str) for i in items):
        items = [m for cell in items for m in _cell_messages(cell)]
    if not isinstance(items, list):
        raise _BadRecord("messages is not a list")
    out: list[Message] = []
    for m in items:
        if not isinstance(m, dict):
            raise _BadRecord(f"message {len(out)} is not an object")
        f = mapping.message_fields
        author = _first(m, f["author"])
        author_text = _text(author) if author is not None else ""
        role = _text(_first(m, f["role"])).lower()
        if role not in ("customer", "agent"):
            role = "customer" if author_text and author_text == customer_raw else "agent"
        body = mask(_text(_first(m, f["body"])))
        if not body:
            continue
        public = _first(m, f["public"])
        out.append(
            Message(
                ordinal=len(out),
                role=role,
                author_ref=_ref(system, role, author) if author_text else None,
                body=body,
                created_at=_text(_first(m, f["created_at"])) or None,
                public=public if isinstance(public, bool) else None,
            )
        )
    return out


_JIRA_CSV_COMMENT = re.compile(r"^(?P<created>[^;]{6,40});(?P<author>[^;]*);(?P<body>.*)$", re.S)


def _cell_messages(cell: str) -> list[dict[str, Any]]:
    cell = cell.strip()
    if not cell:
        return []
    if cell.startswith("["):
        try:
            value = json.loads(cell)
        except json.JSONDecodeError as exc:
            raise _BadRecord(f"messages cell is not a JSON array: {exc.msg}") from None
        if isinstance(value, list):
            return value
    m = _JIRA_CSV_COMMENT.match(cell)
    if m:
        return [{"created": m["created"], "author": {"name": m["author"]}, "body": m["body"]}]
    return [{"body": cell}]


def _record(raw: Any, mapping: Mapping, location: str) -> TicketRecord:
    if not isinstance(raw, dict):
        raise _BadRecord(f"expected an object, got {type(raw).__name__}")
    f = mapping.fields
    key = _text(_first(raw, f["id"]))
    if not key:
        raise _BadRecord("no ticket id (" + " / ".join(f["id"]) + ")")
    if not re.fullmatch(r"[\w.\-/#]{1,100}", key):
        raise _BadRecord(f"ticket id {key[:40]!r} is not a plain identifier")
    system = slug(_text(_first(raw, f.get("system", ())))) if f.get("system") else ""
    system = system if system != "x" and system else mapping.system
    customer_raw = _first(raw, f["customer_id"])
    customer_text = _text(customer_raw) if customer_raw is not None else ""
    messages = _messages(raw, mapping, system, customer_text)
    subject = mask(_text(_first(raw, f["subject"])))
    description = mask(_text(_first(raw, f["description"])))
    if not description and mapping.name == "zendesk" and messages:
        description = messages[0].body
    if not (subject or description or messages):
        raise _BadRecord("no subject, description or messages")
    created_at, created_ms = _time(_text(_first(raw, f["created_at"])) or None)
    products = [mask(p) for p in _list(_first(raw, f["product"]))]
    versions = [mask(v) for v in _list(_first(raw, f["version"]))]
    if mapping.name == "zendesk":
        products += _zendesk_custom(raw, "product")
        versions += _zendesk_custom(raw, "version")
    status = _text(_first(raw, f["status"])) or None
    resolution_raw = mask(_text(_first(raw, f["resolution"])))
    resolution_name = None
    resolution: str | None = resolution_raw or None
    if resolution_raw and len(resolution_raw.split()) <= 2 and mapping.name != "generic":
        resolution_name, resolution = resolution_raw, None  # a name like "Fixed"
    if resolution is None and (status or "").lower() in RESOLVED_STATUSES:
        agent = [m for m in messages if m.role == "agent" and m.public is not False]
        resolution = agent[-1].body if agent else None
    return TicketRecord(
        system=system,
        key=key,
        subject=subject,
        description=description,
        status=status,
        priority=_text(_first(raw, f["priority"])) or None,
        created_at=created_at,
        created_ms=created_ms,
        customer_id=_ref(system, "customer", customer_raw) if customer_text else None,
        products=list(dict.fromkeys(products)),
        versions=list(dict.fromkeys(versions)),
        tags=[mask(t) for t in _list(_first(raw, f["tags"]))],
        messages=messages,
        resolution=resolution,
        resolution_name=resolution_name,
        location=location,
    )


def parse_tickets(
    data: bytes, uri: str, preset: str | None = None, *, mapping: Mapping | None = None
) -> TicketBatch:
    """Parse a ticket export; malformed records become problems, the rest records.

    ``preset`` names one of :data:`PRESETS` (detected from the first records
    when None); ``mapping`` gives a custom field mapping instead. Raises
    ExtractionError when the file as a whole cannot be read (not UTF-8, broken
    JSON document, unknown preset).
    """
    if preset is not None and preset not in PRESETS:
        raise ExtractionError(f"{uri}: unknown ticket preset {preset!r} ({', '.join(PRESETS)})")
    fmt, rows = _rows(data, uri)
    items = list(rows)
    if mapping is None:
        if preset is None:
            votes = [detect_preset(r) for _, r in items[:20] if not isinstance(r, _BadRecord)]
            preset = max(sorted(set(votes)), key=votes.count) if votes else "generic"
        mapping = PRESETS[preset]
    preset = mapping.name
    batch = TicketBatch(uri=uri, hash=digest(data), format=fmt, preset=preset)
    seen: dict[str, int] = {}
    for location, raw in items:
        try:
            if isinstance(raw, _BadRecord):
                raise raw
            rec = _record(raw, mapping, location)
        except _BadRecord as exc:
            batch.problems.append(Problem(location, str(exc)))
            continue
        if rec.id in seen:
            earlier = batch.records[seen[rec.id]].location
            batch.problems.append(
                Problem(location, f"duplicate ticket id {rec.key} (first at {earlier}); "
                                  "the later record is kept")
            )  # fmt: skip
            batch.records[seen[rec.id]] = rec
            continue
        seen[rec.id] = len(batch.records)
        batch.records.append(rec)
    return batch


# --- text facts: codes, steps, traces -------------------------------------------

_SQLSTATE = re.compile(r"(?<![A-Za-z0-9.\-_])([0-9A-Z]{5})(?![A-Za-z0-9_]|\.\d)")
_VENDOR = re.compile(r"(?<![A-Za-z0-9\-_])([A-Z]{2,5}-\d{3,5})(?![A-Za-z0-9_]|-\d)")
_CODE_CONTEXT = re.compile(r"(sqlstate|error|code|错误码|错误代码|错误|状态码)\W{0,3}$", re.I)
_STEP = re.compile(
    r"^\s*(?:(?:step\s*)?(\d{1,2})[.)、:：]|第\s*(\d{1,2})\s*步[:：、]?)\s*(.+)$", re.I
)


def error_codes(text: str) -> list[tuple[str, bool]]:
    """(code, strong) for each code-like token in order. Strong: a vendor code,
    a SQLSTATE-like code with letters and digits (40P01), or any 5-character
    code right after "SQLSTATE", "error", "code", "错误码"; plain 5-digit
    numbers (23505) count only where the graph knows that code."""
    out: dict[str, bool] = {}
    for m in _VENDOR.finditer(text):
        out[m.group(1)] = True
    for m in _SQLSTATE.finditer(text):
        code = m.group(1)
        if not any(c.isdigit() for c in code):
            continue
        mixed = any(c.isalpha() for c in code)
        context = _CODE_CONTEXT.search(text[max(0, m.start() - 24) : m.start()]) is not None
        out[code] = out.get(code, False) or mixed or context
    return list(out.items())


def numbered_steps(text: str) -> list[str]:
    steps = []
    for line in text.splitlines():
        m = _STEP.match(line)
        if m:
            steps.append(m.group(3).strip())
    return steps if len(steps) >= 2 else []


class TraceLike(Protocol):
    fingerprint: str
    exception_type: str
    message: str
    language: str


def _trace_finder() -> Callable[[str], list[TraceLike]] | None:
    try:
        module = importlib.import_module("extractors.stacktrace")
    except ImportError:
        return None
    finder: Callable[[str], list[TraceLike]] | None = getattr(module, "find_traces", None)
    return finder


def traces(text: str) -> list[TraceLike]:
    """Stack traces in ``text`` (none when the stack-trace extractor is absent)."""
    finder = _trace_finder()
    if finder is None:
        return []
    try:
        return [t for t in finder(text) if getattr(t, "fingerprint", "")]
    except Exception:  # a trace-parser bug must not lose the ticket
        return []


# --- writing --------------------------------------------------------------------


def _facts(uri: str, now_ms: int, confidence: float = 1.0) -> dict[str, Any]:
    return {"source": uri, "extractor": EXTRACTOR, "confidence": confidence,
            "extracted_at": now_ms}  # fmt: skip


class _Products:
    """Product names and aliases of the graph, for resolving names and mentions."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.by_name: dict[str, str] = {}
        for r in rows:
            for name in [r.get("name"), *(r.get("aliases") or [])]:
                if isinstance(name, str) and len(name) >= 2:
                    self.by_name.setdefault(name.lower(), str(r["id"]))
        names = sorted(self.by_name, key=len, reverse=True)
        self.pattern = (
            re.compile(
                r"(?<![A-Za-z0-9])(" + "|".join(re.escape(n) for n in names) + r")"
                r"(?![A-Za-z0-9])(?:\s*[vV]?(\d+(?:\.\d+){0,3}))?",
                re.I,
            )
            if names
            else None
        )

    def resolve(self, name: str) -> str:
        return self.by_name.get(name.lower(), "product:" + slug(name))

    def mentions(self, text: str) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        if self.pattern is None:
            return out
        for m in self.pattern.finditer(text):
            versions = out.setdefault(self.by_name[m.group(1).lower()], [])
            if m.group(2) and m.group(2) not in versions:
                versions.append(m.group(2))
        return out


def _ticket_row(t: TicketRecord, uri: str, now_ms: int) -> dict[str, Any]:
    text = t.text
    msgs = "\n".join(m.body for m in t.messages)
    return {
        "id": t.id,
        "props": {
            "id": t.id, "key": t.key, "system": t.system, "subject": t.subject,
            "description": t.description, "text": text, "status": t.status,
            "priority": t.priority, "created_at": t.created_at, "created_ms": t.created_ms,
            "language": language(text), "products": t.products, "versions": t.versions,
            "tags": t.tags, "resolved": t.resolved, "resolution": t.resolution_name,
            "location": t.location, "message_count": len(t.messages),
            "search": search_field((t.subject, 3), (t.description, 1), (msgs, 1),
                                   (t.resolution or "", 1)),
            **_facts(uri, now_ms),
        },
    }  # fmt: skip


def write_tickets(store: Store, batch: TicketBatch, now_ms: int) -> dict[str, int]:
    """Replace the facts of ``batch.uri`` with the batch's tickets; returns counts.

    Facts of other sources are not touched, except that a ticket id written
    here moves to this source (the id is the ticket's, not the file's).
    """
    uri = batch.uri
    ids = [t.id for t in batch.records]
    shared = store.read(tq.SHARED_OF_TICKETS, {"uris": [uri]})
    shared += store.read(tq.SHARED_OF_IDS, {"ids": ids}) if ids else []
    symptoms = sorted({s for r in shared for s in r["symptoms"] or []})
    customers = sorted({c for r in shared for c in r["customers"] or []})
    store.write(tq.DELETE_TICKETS_OF, {"uris": [uri]})
    if ids:
        store.write(tq.DELETE_TICKETS_BY_ID, {"ids": ids})
    store.write(tq.DELETE_LOOSE_OF, {"uris": [uri]})

    products = _Products(store.read(cq.ALL_PRODUCTS))
    tickets, messages, custs, prods, codes, trace_rows, solutions = [], [], [], [], [], [], []
    for t in batch.records:
        facts = _facts(uri, now_ms)
        tickets.append(_ticket_row(t, uri, now_ms))
        for m in t.messages:
            messages.append({"tid": t.id, "props": {
                "id": f"message:{t.system}:{t.key}:{m.ordinal}", "ticket": t.id,
                "ordinal": m.ordinal, "role": m.role, "author": m.author_ref, "body": m.body,
                "created_at": m.created_at, "public": m.public, "language": language(m.body),
                **facts}})  # fmt: skip
        if t.customer_id:
            custs.append(
                {"tid": t.id, "cid": t.customer_id, "props": {"system": t.system, **facts}}
            )
        text = t.text
        linked: dict[str, list[str]] = {}
        for name in t.products:
            linked.setdefault(products.resolve(name), [])
        for pid, versions in products.mentions(text).items():
            linked.setdefault(pid, []).extend(v for v in versions if v not in linked.get(pid, []))
        names = {products.resolve(n): n for n in t.products}
        for pid, versions in linked.items():
            prods.append({"tid": t.id, "pid": pid, "name": names.get(pid, pid[8:]),
                          "versions": list(dict.fromkeys([*t.versions, *versions]))
                          if pid in names else versions, **_facts(uri, now_ms, 0.8)})  # fmt: skip
        for code, strong in error_codes(text):
            codes.append({"tid": t.id, "code": code, "strong": strong,
                          "sid": f"symptom:code:{code}",
                          "props": {"id": f"symptom:code:{code}", "kind": "code", "code": code,
                                    **_facts(uri, now_ms, 0.9)}})  # fmt: skip
        found: dict[str, tuple[TraceLike, int]] = {}
        for tr in (tr for part in t.parts for tr in traces(part)):
            prev = found.get(tr.fingerprint)
            found[tr.fingerprint] = (tr, prev[1] + 1 if prev else 1)
        for fp, (tr, n) in found.items():
            template = getattr(tr, "message_template", "") or tr.message
            trace_rows.append({"tid": t.id, "sid": f"symptom:{fp}", "count": n, "props": {
                "id": f"symptom:{fp}", "kind": "stacktrace", "fingerprint": fp,
                "exception_type": tr.exception_type, "message_template": mask(template),
                "language": tr.language, **_facts(uri, now_ms, 0.9)}})  # fmt: skip
        if t.resolved and t.resolution:
            solutions.append({"tid": t.id, "props": {
                "id": f"solution:{t.id}", "kind": "ticket", "ticket": t.id,
                "text": t.resolution, "steps": numbered_steps(t.resolution),
                "language": language(t.resolution), **_facts(uri, now_ms, 0.8)}})  # fmt: skip

    store.write_batch(tq.UPSERT_TICKETS, tickets, batch_size=200)
    store.write_batch(tq.CREATE_MESSAGES, messages, batch_size=500)
    store.write_batch(tq.LINK_CUSTOMERS, custs)
    store.write_batch(tq.LINK_PRODUCTS, prods)
    store.write_batch(tq.LINK_CODES, codes)
    store.write_batch(tq.LINK_TRACES, trace_rows)
    store.write_batch(tq.CREATE_SOLUTIONS, solutions)
    if symptoms:
        store.write(tq.DELETE_ORPHAN_SYMPTOMS, {"ids": symptoms})
    if customers:
        store.write(tq.DELETE_ORPHAN_CUSTOMERS, {"ids": customers})
    return {
        "tickets": len(tickets),
        "messages": len(messages),
        "customers": len({c["cid"] for c in custs}),
        "product_links": len(prods),
        "code_mentions": len(codes),
        "traces": len(trace_rows),
        "solutions": len(solutions),
        "problems": len(batch.problems),
    }


def retire_tickets(store: Store, uris: list[str]) -> None:
    """A removed export: its tickets and solutions stay traceable but leave search."""
    store.write(tq.RETIRE_TICKETS_OF, {"uris": uris})
