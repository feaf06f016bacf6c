"""Pages that belong to ticket exports: comment pages and user pages saved beside them.

An API export is rarely one file. Besides the ticket pages, an export script
saves what other endpoints return; these pages are read together with the
ticket exports near them (detected from their content, not their names):

=====================  =======================================================
Zendesk comments       ``GET /api/v2/tickets/{id}/comments.json``:
                       ``{"comments": [...], "next_page", "count"}`` (or with
                       ``meta`` / ``links`` of cursor pagination)
Zendesk ticket events  ``GET /api/v2/incremental/ticket_events.json?include=
                       comment_events``: ``{"ticket_events": [{"ticket_id",
                       "child_events": [{"event_type": "Comment", ...}]}]}``
Zendesk users          ``GET /api/v2/users.json`` (``{"users": [...]}``): roles
                       (``end-user``, ``agent``, ``admin``) of comment authors,
                       the assignee's name, the requester's organisation
Zendesk groups         ``GET /api/v2/groups.json`` (``{"groups": [...]}``)
Zendesk organizations  ``GET /api/v2/organizations.json`` and the incremental
                       organization export (``{"organizations": [...]}``)
Jira comments          ``GET /rest/api/2/issue/{key}/comment`` (and ``/3/``,
                       bodies in ADF): ``{"startAt", "maxResults", "total",
                       "comments": [...]}``
=====================  =======================================================

Decisions written down here:

* **Where**: a page is read with every ticket export in its own folder and in
  the two folders above it, so all of ``export/35436-comments.json``,
  ``export/comments/35436.json`` and ``export/tickets/35436/comments.json``
  belong to ``export/tickets.json``. The hash of an export includes its pages,
  so a changed or removed page re-reads the export.
* **Which ticket** a comment belongs to, first rule that applies: the
  comment's own ``ticket_id`` (ticket events, exporters that add it); for Jira
  the issue in the comment's ``self`` URL (``.../issue/10010/comment/10000``,
  the issue's id or key); a folder named by the ticket (``tickets/35436/``,
  ``SUP-42/``); the first ticket id in the file name (``35436-comments-2.json``,
  ``SUP-42.comments.json``). A page that names no ticket is an error.
* Comments already inline in the export (``comments``,
  ``fields.comment.comments``) are kept; a page's comment with the same ``id``
  is the same comment, not a second one.
* Names and e-mail addresses of end users are never stored: users pages give
  their roles (an ``end-user`` writes as the customer, an agent or admin as an
  agent), which decide whose last public reply resolved a ticket, and an
  assignee's name only when the assignee is staff (see
  :mod:`extractors.tickets.desk`). A users, groups or organizations page may
  side-load the other two (``?include=organizations``); all are read.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractors.records import ExtractionError, digest
from extractors.text.encoding import decode_export, utf8_head
from extractors.tickets.rows import RECORD_KEYS

PAGE_KINDS = (
    "zendesk-comments",
    "zendesk-ticket-events",
    "zendesk-users",
    "zendesk-groups",
    "zendesk-organizations",
    "jira-comments",
)
# Zendesk pages of people and teams, by their list key.
_DIRECTORY_KINDS = {"users": "zendesk-users", "groups": "zendesk-groups",
                    "organizations": "zendesk-organizations"}  # fmt: skip
# Ticket exports that pages may belong to (by file name).
EXPORT_SUFFIXES = (".json", ".jsonl", ".ndjson", ".csv")
_LIST_KEYS = ("comments", "ticket_events", "users", "groups", "organizations")
# An API page starts with scalar paging keys, then its list.
_PAGE_HEAD = re.compile(
    rb'^\s*\{\s*(?:"[A-Za-z_]+"\s*:\s*(?:-?\d+(?:\.\d+)?|true|false|null|"[^"\\]*")\s*,\s*)*'
    rb'"(?:comments|ticket_events|users|groups|organizations)"\s*:\s*\['
)
_JIRA_KEY = re.compile(r"[A-Z][A-Z0-9_]+-\d+")
_NUMBER = re.compile(r"\d+")
_JIRA_SELF = re.compile(r"/issue/([^/]+)/comment/")
_LEVELS = 2  # folders below an export that hold its pages


@dataclass
class Page:
    """One page read: its kind and its comments by (system, ticket id or key)."""

    path: str
    kind: str
    comments: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    users: list[Any] = field(default_factory=list)
    groups: list[Any] = field(default_factory=list)
    organizations: list[Any] = field(default_factory=list)


@dataclass
class Companions:
    """The pages found near one export, merged."""

    comments: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    users: list[Any] = field(default_factory=list)
    groups: list[Any] = field(default_factory=list)
    organizations: list[Any] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)

    def add(self, page: Page) -> None:
        self.pages.append(page.path)
        self.users.extend(page.users)
        self.groups.extend(page.groups)
        self.organizations.extend(page.organizations)
        for key, items in page.comments.items():
            self.comments.setdefault(key, []).extend(items)

    def for_ticket(self, system: str, *ids: Any) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for i in dict.fromkeys(str(i) for i in ids if i not in (None, "")):
            out.extend(self.comments.get((system, i), []))
        return out


# --------------------------------------------------------------------- one page


def page_kind(doc: Any) -> str | None:
    """Which companion page ``doc`` (a parsed JSON document) is, or None."""
    if not isinstance(doc, dict) or any(isinstance(doc.get(k), list) for k in RECORD_KEYS):
        return None
    if "ticket" in doc:
        return None
    if isinstance(doc.get("ticket_events"), list):
        return "zendesk-ticket-events"
    comments = doc.get("comments")
    if isinstance(comments, list):
        first = next((c for c in comments if isinstance(c, dict)), {})
        jira = "startAt" in doc or "maxResults" in doc or isinstance(first.get("author"), dict)
        return "jira-comments" if jira and "author_id" not in first else "zendesk-comments"
    for key, kind in _DIRECTORY_KINDS.items():
        if isinstance(doc.get(key), list):
            return kind
    return None


def looks_like_page(head: bytes) -> bool:
    """A cheap look at a file's first bytes (as UTF-8): could it be a page?"""
    return _PAGE_HEAD.match(head) is not None


def read_page(data: bytes, path: Path) -> Page | None:
    """The page in ``data`` (None when it is no companion page); ExtractionError
    naming the file when its comments name no ticket."""
    uri = str(path)
    try:
        doc = json.loads(decode_export(data, uri))
    except json.JSONDecodeError as exc:
        raise ExtractionError(
            f"{uri}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    kind = page_kind(doc)
    if kind is None:
        return None
    page = Page(uri, kind)
    if kind in _DIRECTORY_KINDS.values():
        for name, into in (("users", page.users), ("groups", page.groups),
                           ("organizations", page.organizations)):  # fmt: skip
            if isinstance(doc.get(name), list):
                into.extend(doc[name])
        return page
    if kind == "zendesk-ticket-events":
        for event in doc["ticket_events"]:
            if not isinstance(event, dict) or event.get("ticket_id") in (None, ""):
                continue
            for child in event.get("child_events") or []:
                if isinstance(child, dict) and child.get("event_type") == "Comment":
                    comment = {"created_at": event.get("created_at"), **child}
                    page.comments.setdefault(("zendesk", str(event["ticket_id"])), []).append(
                        comment
                    )
        return page
    system = kind.split("-")[0]
    fallback = _path_ticket(path, system)
    for c in doc["comments"]:
        if not isinstance(c, dict):
            continue  # reported as a bad message of its ticket? it has none: skipped
        key = _comment_ticket(c, system) or fallback
        if key is None:
            raise ExtractionError(
                f"{uri}: a {system.title()} comments page that names no ticket: its comments "
                "carry no ticket id and neither its name nor its folder holds one (save it as "
                "<ticket id>.json, e.g. 35436.json or SUP-42.json, or under a folder named by "
                "the ticket)"
            )
        page.comments.setdefault((system, key), []).append(c)
    return page


def _comment_ticket(comment: dict[str, Any], system: str) -> str | None:
    tid = comment.get("ticket_id") if system == "zendesk" else comment.get("issueId")
    if tid not in (None, ""):
        return str(tid)
    m = _JIRA_SELF.search(str(comment.get("self") or "")) if system == "jira" else None
    return m.group(1) if m else None


def _path_ticket(path: Path, system: str) -> str | None:
    folder = path.parent.name
    if folder.isdigit() or (system == "jira" and _JIRA_KEY.fullmatch(folder)):
        return folder
    m = _JIRA_KEY.search(path.stem) if system == "jira" else _NUMBER.search(path.stem)
    return m.group() if m else None


# --------------------------------------------------------------- pages on disk
# Caches that live as long as the process (a watch runs many ingests): each
# is keyed by what changes with its content (a file's size and mtime, a
# folder's mtime), so 10,000 pages beside 100 exports are read once, not 100 times.
_SNIFFED: dict[tuple[str, int, int], tuple[bool, str]] = {}  # -> (could be a page, digest)
_READ: dict[tuple[str, int, int], Page | None] = {}
_LISTED: dict[tuple[str, int], list[tuple[str, bool]]] = {}  # -> (name, is a folder)


def _stat_key(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return (str(path), st.st_size, st.st_mtime_ns)


def _sniff(path: Path) -> tuple[bool, str] | None:
    try:
        key = _stat_key(path)
        if key not in _SNIFFED:
            with path.open("rb") as f:
                head = f.read(16384)
            hit = looks_like_page(utf8_head(head, 4096))
            _SNIFFED[key] = (hit, digest(path.read_bytes()) if hit else "")
    except OSError:
        return None  # reported when the file itself is read
    return _SNIFFED[key]


def _listing(folder: Path) -> list[tuple[str, bool]]:
    try:
        key = (str(folder), folder.stat().st_mtime_ns)
        if key not in _LISTED:
            with os.scandir(folder) as it:
                _LISTED[key] = sorted((e.name, e.is_dir(follow_symlinks=False)) for e in it)
    except OSError:
        return []
    return _LISTED[key]


def _candidates(folder: Path, levels: int) -> Iterator[Path]:
    for name, is_dir in _listing(folder):
        if is_dir:
            if levels > 0:
                yield from _candidates(folder / name, levels - 1)
        elif name.lower().endswith(".json"):
            yield folder / name


def is_page_file(path: Path) -> bool:
    s = _sniff(path) if path.suffix.lower() == ".json" else None
    return s is not None and s[0]


def page_paths(export: Path) -> list[Path]:
    """The files near ``export`` (its folder and two levels below) that look
    like companion pages, in name order."""
    return [p for p in _candidates(export.parent, _LEVELS) if p != export and is_page_file(p)]


def companion_digest(export: Path) -> str:
    """What the pages near ``export`` hold, for its source hash ("" without
    pages, and for a page itself)."""
    if export.suffix.lower() not in EXPORT_SUFFIXES or is_page_file(export):
        return ""
    parts = [f"{p}\x00{s[1]}" for p in page_paths(export) if (s := _sniff(p)) is not None]
    return digest("\n".join(parts)) if parts else ""


def find_companions(export: Path) -> Companions:
    """The pages near ``export``, read; a page that cannot be read is skipped
    here (its own ingest reports it)."""
    found = Companions()
    for p in page_paths(export):
        try:
            key = _stat_key(p)
            if key not in _READ:
                _READ[key] = read_page(p.read_bytes(), p)
        except (OSError, ExtractionError):
            continue
        page = _READ[key]
        if page is not None:
            found.add(page)
    return found


def has_export_near(page: Path) -> bool:
    """Whether a ticket export sits in the page's folder or the two above it."""
    folder = page.parent
    for _ in range(_LEVELS + 1):
        if _holds_export(folder):
            return True
        folder = folder.parent
    return False


_HOLDS: dict[tuple[str, int], bool] = {}


def _holds_export(folder: Path) -> bool:
    try:
        key = (str(folder), folder.stat().st_mtime_ns)
    except OSError:
        return False
    if key not in _HOLDS:
        _HOLDS[key] = any(
            not is_dir and name.lower().endswith(EXPORT_SUFFIXES)
            and not is_page_file(folder / name)
            for name, is_dir in _listing(folder)
        )  # fmt: skip
    return _HOLDS[key]
