"""Parsing a ticket export: records, their messages, and the problems of bad records.

The field mapping is documented in :mod:`extractors.tickets.presets`; pages
read with an export (comments, users) in :mod:`extractors.tickets.companions`.

Decisions written down here:

* **Incremental exports** (Zendesk ``/api/v2/incremental/tickets/cursor.json``
  and the time-based ``/incremental/tickets.json``) repeat a ticket each time
  it changed: within one file the newer version (``updated_at``) is kept
  without a problem being reported (in any other export a repeated id is a
  problem, and the newer record is kept). Across files an older version
  never replaces a newer one stored from another file, whatever the order
  they are read in; see :mod:`extractors.tickets.versions`.
* **Deleted tickets** (``"status": "deleted"``, which only incremental
  exports show) are not written, and a version of the ticket written before
  (from an earlier page) is removed with its messages and solution rather
  than retired: a deleted ticket is often spam or removed on a customer's
  request, and its text should not stay searchable. The deletion is kept as
  a ``DeletedTicket`` node (ids and times only, no text), so that re-reading
  an older page does not bring the ticket back; a version newer than the
  deletion (a ticket restored) is written again, and a deletion older than
  the stored version is skipped.
* **Private notes** (Zendesk ``public: false``; Jira comments with a
  ``visibility`` restriction or ``jsdPublic: false``) are stored as messages
  marked ``public: false`` for agents to read, but never become the ticket's
  solution and stay out of its search text, so no answer is built on them.
* **Who wrote a message**: the message's own role when it has one, else the
  author's role from side-loaded users (``end-user`` -> customer, ``agent`` /
  ``admin`` -> agent), else customer when the author is the requester.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from extractors.records import ExtractionError, digest, slug
from extractors.text.html_text import html_text
from extractors.text.masking import mask
from extractors.tickets import desk
from extractors.tickets.companions import Companions
from extractors.tickets.desk import Directory, Party
from extractors.tickets.presets import (
    PRESETS,
    RESOLVED_STATUSES,
    ZENDESK_FIELDS,
    Mapping,
    detect_preset,
)
from extractors.tickets.rows import BadRecord, read_rows
from extractors.tickets.values import first_of, list_of, ref_of, text_of, time_of
from extractors.tickets.versions import Version

# Side-loaded user roles (Zendesk) -> the role of what they write.
_USER_ROLES = {"end-user": "customer", "end_user": "customer", "agent": "agent", "admin": "agent"}


@dataclass
class Message:
    ordinal: int
    role: str  # customer | agent
    author_ref: str | None  # an agent's hashed ref; a customer's is keyed when written
    body: str  # masked
    created_at: str | None
    public: bool | None
    original: str | None = None  # the clear body, when masking changed it: sealed when written
    author_key: str | None = None  # a customer author's own id (in memory only)


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
    customer_key: str | None  # the requester's own id, in memory only (keyed when written)
    products: list[str]
    versions: list[str]
    tags: list[str]
    messages: list[Message]
    resolution: str | None  # masked text of the fix
    resolution_name: str | None
    location: str
    version: Version = field(default_factory=Version)
    assignee: Party | None = None  # agent:<hash>, the name of a staff member
    group: Party | None = None
    organization: Party | None = None
    # Clear originals of masked fields (subject, description, resolution) and
    # the requester's record (name, email, phone): in memory only, sealed by
    # the writer (extractors/text/crypto/sealer.py), never stored as they are.
    originals: dict[str, str] = field(default_factory=dict)
    customer: dict[str, str] = field(default_factory=dict)

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


@dataclass(frozen=True)
class Deletion:
    """A deleted ticket in an incremental export."""

    id: str  # ticket:<system>:<key>
    key: str
    version: Version
    location: str


# Custom field ids per canonical field ("product", "version").
CustomFields = dict[str, set[int | str]]


@dataclass
class TicketBatch:
    uri: str
    hash: str
    format: str  # json | jsonl | csv
    preset: str
    records: list[TicketRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)  # ticket ids marked deleted
    deletions: dict[str, Deletion] = field(default_factory=dict)  # the same, with times
    # Versions skipped because a newer one is known, each "<file>: <where>:
    # <what>": a newer one in this file (parsing), or in the graph (set by
    # writing; a retried write sets the same list again).
    stale: list[str] = field(default_factory=list)
    stale_in_graph: list[str] = field(default_factory=list)
    # Worth saying, not failures: "<file>: <what>" (a page read alone, a
    # comment list cut short ...).
    notes: list[str] = field(default_factory=list)
    page: str | None = None  # a companion page's kind: its comments join an export

    @property
    def skipped_versions(self) -> list[str]:
        """Every older version skipped, for the ingest report."""
        return [*self.stale, *self.stale_in_graph]


def _zendesk_custom(record: dict[str, Any], name: str, fields: CustomFields) -> list[str]:
    wanted = fields.get(name, set())
    out: list[str] = []
    for cf in record.get("custom_fields") or []:
        if not isinstance(cf, dict) or cf.get("value") in (None, ""):
            continue
        if cf.get("id") in wanted or str(cf.get("name", "")).lower() == name:
            out.extend(list_of(cf["value"]))
    return out


def _messages(
    raw: Any, mapping: Mapping, system: str, customer_raw: str, roles: dict[str, str]
) -> list[Message]:
    items = first_of(raw, mapping.messages)
    if items is None:
        return []
    if isinstance(items, str):  # a CSV cell: a JSON array, or one Jira comment
        items = _cell_messages(items)
    elif isinstance(items, list) and items and all(isinstance(i, str) for i in items):
        items = [m for cell in items for m in _cell_messages(cell)]
    if not isinstance(items, list):
        raise BadRecord("messages is not a list")
    out: list[Message] = []
    for m in items:
        if not isinstance(m, dict):
            raise BadRecord(f"message {len(out)} is not an object")
        f = mapping.message_fields
        author = first_of(m, f["author"])
        author_text = text_of(author) if author is not None else ""
        role = text_of(first_of(m, f["role"])).lower()
        if role not in ("customer", "agent"):
            role = roles.get(author_text) or (
                "customer" if author_text and author_text == customer_raw else "agent"
            )
        clear = text_of(first_of(m, f["body"]))
        if not clear and isinstance(html := first_of(m, f.get("html_body", ())), str):
            clear = html_text(html)
        body = personal_masked(clear)
        if not body:
            continue
        public = first_of(m, f["public"])
        if first_of(m, f.get("restricted", ())) is not None:
            public = False  # visible to a role or group only
        out.append(
            Message(
                ordinal=len(out),
                role=role,
                author_ref=ref_of(system, role, author)
                if author_text and role != "customer"
                else None,
                body=body,
                created_at=text_of(first_of(m, f["created_at"])) or None,
                public=public if isinstance(public, bool) else None,
                original=clear if clear != body else None,
                author_key=(author_text or None) if role == "customer" else None,
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
            raise BadRecord(f"messages cell is not a JSON array: {exc.msg}") from None
        if isinstance(value, list):
            return value
    m = _JIRA_CSV_COMMENT.match(cell)
    if m:
        return [{"created": m["created"], "author": {"name": m["author"]}, "body": m["body"]}]
    return [{"body": cell}]


def _version(raw: Any, mapping: Mapping) -> Version:
    f = mapping.fields
    at, ms = time_of(text_of(first_of(raw, f.get("updated_at", ()))) or None)
    gen = first_of(raw, f.get("generated", ()))
    number = isinstance(gen, int | float) and not isinstance(gen, bool)
    return Version(at, ms, int(gen * 1000) if number else None)


def _record(
    raw: Any,
    mapping: Mapping,
    location: str,
    fields: CustomFields,
    roles: dict[str, str],
    people: Directory,
) -> TicketRecord:
    if not isinstance(raw, dict):
        raise BadRecord(f"expected an object, got {type(raw).__name__}")
    f = mapping.fields
    key = text_of(first_of(raw, f["id"]))
    if not key:
        raise BadRecord("no ticket id (" + " / ".join(f["id"]) + ")")
    if not re.fullmatch(r"[\w.\-/#]{1,100}", key):
        raise BadRecord(f"ticket id {key[:40]!r} is not a plain identifier")
    system = slug(text_of(first_of(raw, f.get("system", ())))) if f.get("system") else ""
    system = system if system != "x" and system else mapping.system
    customer_raw = first_of(raw, f["customer_id"])
    customer_text = text_of(customer_raw) if customer_raw is not None else ""
    messages = _messages(raw, mapping, system, customer_text, roles)
    originals: dict[str, str] = {}
    subject = _masked(text_of(first_of(raw, f["subject"])), "subject", originals)
    description = _masked(text_of(first_of(raw, f["description"])), "description", originals)
    if not description and mapping.name == "zendesk" and messages:
        description = messages[0].body
        if messages[0].original is not None:
            originals["description"] = messages[0].original
    if not (subject or description or messages):
        raise BadRecord("no subject, description or messages")
    created_at, created_ms = time_of(text_of(first_of(raw, f["created_at"])) or None)
    products = [mask(p) for p in list_of(first_of(raw, f["product"]))]
    versions = [mask(v) for v in list_of(first_of(raw, f["version"]))]
    if mapping.name == "zendesk":
        products += _zendesk_custom(raw, "product", fields)
        versions += _zendesk_custom(raw, "version", fields)
    status = text_of(first_of(raw, f["status"])) or None
    found: dict[str, str] = {}
    resolution_raw = _masked(text_of(first_of(raw, f["resolution"])), "resolution", found)
    resolution_name = None
    resolution: str | None = resolution_raw or None
    if resolution_raw and len(resolution_raw.split()) <= 2 and mapping.name != "generic":
        resolution_name, resolution = resolution_raw, None  # a name like "Fixed"
        found = {}
    if resolution is None and (status or "").lower() in RESOLVED_STATUSES:
        agent = [m for m in messages if m.role == "agent" and m.public is not False]
        resolution = agent[-1].body if agent else None
        if agent and agent[-1].original is not None:
            found["resolution"] = agent[-1].original
    originals.update(found)
    return TicketRecord(
        system=system,
        key=key,
        subject=subject,
        description=description,
        status=status,
        priority=text_of(first_of(raw, f["priority"])) or None,
        created_at=created_at,
        created_ms=created_ms,
        customer_key=customer_text or None,
        products=list(dict.fromkeys(products)),
        versions=list(dict.fromkeys(versions)),
        tags=[personal_masked(t) for t in list_of(first_of(raw, f["tags"]))],
        messages=messages,
        resolution=resolution,
        resolution_name=resolution_name,
        location=location,
        version=_version(raw, mapping),
        assignee=desk.assignee(raw, mapping, system, people),
        group=desk.group(raw, mapping, system, people),
        organization=desk.organization(raw, mapping, system, people, customer_text),
        originals=originals,
        customer=_customer_record(raw, mapping, people, customer_text),
    )


def personal_masked(text: str) -> str:
    """What a ticket's text is stored as: personal data masked, IP addresses too."""
    return mask(text, ips=True)


def _masked(clear: str, name: str, originals: dict[str, str]) -> str:
    masked = personal_masked(clear)
    if masked != clear:
        originals[name] = clear
    return masked


_CUSTOMER_FIELDS = {"name": "customer_name", "email": "customer_email", "phone": "customer_phone"}


def _customer_record(
    raw: dict[str, Any], mapping: Mapping, people: Directory, requester: str
) -> dict[str, str]:
    """The requester's name, e-mail and phone: the record's own fields, else the
    side-loaded user's (Zendesk ``users``). Clear, for the writer to seal."""
    user = (people.users.get(requester) or {}) if requester else {}
    out: dict[str, str] = {}
    for key, canonical in _CUSTOMER_FIELDS.items():
        value = first_of(raw, mapping.fields.get(canonical, ()))
        if value is None:
            value = user.get(key)
        text = text_of(value) if isinstance(value, str | int) else ""
        if text:
            out[key] = text
    return out


def parse_tickets(
    data: bytes,
    uri: str,
    preset: str | None = None,
    *,
    mapping: Mapping | None = None,
    custom_fields: CustomFields | None = None,
    companions: Companions | None = None,
) -> TicketBatch:
    """Parse a ticket export; malformed records become problems, the rest records.

    ``preset`` names one of :data:`PRESETS` (detected from the first records
    when None); ``mapping`` gives a custom field mapping instead. Raises
    ExtractionError when the file as a whole cannot be read (not UTF-8, broken
    JSON document, unknown preset). ``custom_fields`` names the account's
    custom field ids that hold product and version (Zendesk ids are per
    account; a field whose name is "product" or "version" is always read).
    ``companions``: comment and user pages saved beside the export.
    """
    if preset is not None and preset not in PRESETS:
        raise ExtractionError(f"{uri}: unknown ticket preset {preset!r} ({', '.join(PRESETS)})")
    box = read_rows(data, uri)
    items = box.rows
    if mapping is None:
        if preset is None:
            votes = [detect_preset(r) for _, r in items[:20] if not isinstance(r, BadRecord)]
            preset = max(sorted(set(votes)), key=votes.count) if votes else "generic"
        mapping = PRESETS[preset]
    preset = mapping.name
    batch = TicketBatch(uri=uri, hash=digest(data), format=box.format, preset=preset)
    pages = companions or Companions()
    roles = _roles([*box.users, *pages.users]) if mapping.name == "zendesk" else {}
    people = Directory.of(
        [*pages.users, *box.users], [*pages.groups, *box.groups],
        [*pages.organizations, *box.organizations],
    )  # fmt: skip
    fields = custom_fields or ZENDESK_FIELDS
    kept: dict[str, TicketRecord] = {}
    deleted: dict[str, Deletion] = {}
    for location, raw in items:
        event: TicketRecord | Deletion
        try:
            if isinstance(raw, BadRecord):
                raise raw
            if _deleted(raw, mapping):
                key = text_of(first_of(raw, mapping.fields["id"]))
                tid = f"ticket:{mapping.system}:{key}"
                event = Deletion(tid, key, _version(raw, mapping), location)
            else:
                raw = _with_pages(raw, mapping, pages)
                event = _record(raw, mapping, location, fields, roles, people)
        except BadRecord as exc:
            batch.problems.append(Problem(location, str(exc)))
            continue
        before: TicketRecord | Deletion | None = kept.get(event.id) or deleted.get(event.id)
        plain = isinstance(before, TicketRecord) and isinstance(event, TicketRecord)
        if plain and before is not None and not box.incremental:
            newer = before if event.version.older_than(before.version) else event
            batch.problems.append(
                Problem(location, f"duplicate ticket id {event.key} (first at "
                                  f"{before.location}); the "
                                  f"{'newer' if newer is before else 'later'} record "
                                  f"({newer.location}) is kept")
            )  # fmt: skip
            if newer is before:
                continue
        if before is not None and event.version.older_than(before.version):
            batch.stale.append(
                f"{uri}: {location}: ticket {event.key} "
                f"{'deletion' if isinstance(event, Deletion) else 'version'} "
                f"({event.version.label}) is older than the one at {before.location} "
                f"({before.version.label}); skipped"
            )
            continue
        if isinstance(event, Deletion):
            kept.pop(event.id, None)
            deleted[event.id] = event
            continue
        deleted.pop(event.id, None)  # restored after it was deleted
        kept[event.id] = event
        if mapping.name == "jira":
            _note_cut_comments(batch, raw, event)
    batch.records = list(kept.values())
    batch.deletions = deleted
    batch.deleted = list(deleted)
    return batch


def _roles(users: list[Any]) -> dict[str, str]:
    """Author id -> message role, from side-loaded users."""
    out: dict[str, str] = {}
    for u in users:
        if isinstance(u, dict) and u.get("id") not in (None, ""):
            role = _USER_ROLES.get(str(u.get("role") or "").strip().lower())
            if role:
                out[str(u["id"])] = role
    return out


def _deleted(raw: Any, mapping: Mapping) -> bool:
    if mapping.name != "zendesk" or not isinstance(raw, dict):
        return False
    status = raw.get("status")
    return isinstance(status, str) and status.strip().lower() == "deleted" and bool(raw.get("id"))


def _with_pages(raw: Any, mapping: Mapping, pages: Companions) -> Any:
    """``raw`` with the comments of its pages added (a copy; the same comment
    ``id`` inline and on a page is one comment)."""
    if not isinstance(raw, dict) or not pages.comments or mapping.name not in ("zendesk", "jira"):
        return raw
    if mapping.name == "zendesk":
        extra = pages.for_ticket("zendesk", raw.get("id"))
        inline = raw.get("comments")
    else:
        extra = pages.for_ticket("jira", raw.get("key"), raw.get("id"))
        box = (raw.get("fields") or {}).get("comment")
        inline = box.get("comments") if isinstance(box, dict) else None
    if not extra:
        return raw
    merged = list(inline) if isinstance(inline, list) else []
    seen = {str(c["id"]) for c in merged if isinstance(c, dict) and c.get("id") is not None}
    for c in extra:
        cid = c.get("id")
        if cid is None or str(cid) not in seen:
            merged.append(c)
            seen.add(str(cid))
    stamp = "created_at" if mapping.name == "zendesk" else "created"
    merged.sort(key=lambda c: str(c.get(stamp) or "") if isinstance(c, dict) else "")
    if mapping.name == "zendesk":
        return {**raw, "comments": merged}
    fields = dict(raw.get("fields") or {})
    old = fields.get("comment")
    fields["comment"] = {**(old if isinstance(old, dict) else {}), "comments": merged}
    return {**raw, "fields": fields}


def _note_cut_comments(batch: TicketBatch, raw: Any, rec: TicketRecord) -> None:
    """Jira returns at most a page of comments inline; say when some are missing."""
    box = (raw.get("fields") or {}).get("comment") if isinstance(raw, dict) else None
    if not isinstance(box, dict):
        return
    total, got = box.get("total"), box.get("comments")
    n = len(got) if isinstance(got, list) else 0
    if isinstance(total, int) and total > n:
        batch.notes.append(
            f"{batch.uri}: {rec.location}: issue {rec.key} has {total} comments, {n} in the "
            f"export; save GET /rest/api/2/issue/{rec.key}/comment beside it to read the rest"
        )
