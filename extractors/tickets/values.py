"""Values of a raw ticket record: dotted paths, text, lists, times and hashed refs."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from extractors.records import short_id
from extractors.tickets.rows import BadRecord


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


def first_of(obj: Any, paths: tuple[str, ...]) -> Any:
    for p in paths:
        v = _get(obj, p)
        if v not in (None, "", []):
            return v
    return None


def text_of(value: Any) -> str:
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
    raise BadRecord(f"expected text, got {type(value).__name__}")


# Atlassian document format (Jira Cloud, REST v3): blocks end a line; inline
# nodes without text of their own carry it in attrs.
_ADF_BLOCKS = frozenset({"paragraph", "heading", "listItem", "codeBlock", "blockquote",
                         "tableRow", "panel", "rule", "mediaSingle"})  # fmt: skip
_ADF_INLINE_ATTR = {"mention": "text", "emoji": "text", "status": "text",
                    "inlineCard": "url", "date": "timestamp"}  # fmt: skip


def _adf_text(node: Any) -> str:
    if not isinstance(node, dict):
        return ""
    kind = node.get("type")
    if kind == "text":
        return str(node.get("text", ""))
    if kind == "hardBreak":
        return "\n"
    raw_attrs = node.get("attrs")
    attrs: dict[str, Any] = raw_attrs if isinstance(raw_attrs, dict) else {}
    if kind in _ADF_INLINE_ATTR:
        return str(attrs.get(_ADF_INLINE_ATTR[kind]) or "")
    inner = "".join(_adf_text(c) for c in node.get("content") or [])
    if kind == "codeBlock":
        return "\n" + inner.strip("\n") + "\n"
    if kind == "tableCell" or kind == "tableHeader":
        return inner.strip() + " | "
    ends = kind in _ADF_BLOCKS and not inner.endswith("\n")  # a list item's paragraph ended it
    return inner + ("\n" if ends else "")


def list_of(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    items = value if isinstance(value, list) else re.split(r"[,;]", text_of(value))
    out = [text_of(v) for v in items]
    return list(dict.fromkeys(v for v in out if v))


# Jira's CSV export writes times as its UI shows them ("02/Jan/24 10:00 AM",
# the default "dd/MMM/yy h:mm a"); the APIs write ISO 8601. Without a zone,
# the time is read as the machine's local time, the same for every record.
_EXPORT_TIME_FORMATS = (
    "%d/%b/%y %I:%M %p", "%d/%b/%Y %I:%M %p", "%d/%b/%y %H:%M", "%d/%b/%Y %H:%M",
)  # fmt: skip


def time_of(value: str | None) -> tuple[str | None, int | None]:
    """The time as written, and in epoch milliseconds when it parses."""
    if not value:
        return None, None
    try:
        dt = datetime.fromisoformat(value.replace(" UTC", "+00:00"))
    except ValueError:
        for fmt in _EXPORT_TIME_FORMATS:
            try:
                dt = datetime.strptime(value.strip(), fmt)
                break
            except ValueError:
                continue
        else:
            return value, None
    return value, int(dt.timestamp() * 1000)


def ref_of(system: str, kind: str, raw: Any) -> str | None:
    value = text_of(raw) if raw is not None else ""
    return f"{kind}:{short_id(system, value.lower())}" if value else None
