"""Ticket field mappings: :class:`Mapping`, the presets and their detection.

Used by :func:`extractors.tickets.parse_tickets` (see :mod:`extractors.tickets.parse`).

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
updated_at     ISO-8601 (or Jira CSV's "02/Jan/24 10:00 AM"): the version stamp;
               an older version never replaces a newer one
               (:mod:`extractors.tickets.versions`); Zendesk's
               ``generated_timestamp`` (``generated``) breaks ties
customer_id    requester / reporter id; stored only as ``customer:<keyed hash>``
customer_name, the requester's name, e-mail address and phone number (inline,
customer_email, or Zendesk's side-loaded ``users``): stored only sealed
customer_phone  (SM4-GCM, ``extractors/text/crypto/sealer.py``), e-mail and phone with a blind index
product        product names (list or comma separated)
version        versions (list or comma separated)
tags           list or comma separated
resolution     the fix (text); a one-word resolution name (Jira ``Fixed``)
               takes its text from the last agent message
assignee       the assignee's id (Zendesk ``assignee_id``, Jira
               ``fields.assignee``), ``assignee_name`` a name given inline;
               ``group`` and ``organization`` ids (Zendesk ``group_id``,
               ``organization_id``), named from side-loads and pages
               (:mod:`extractors.tickets.desk`)
messages       a list (JSON, or a JSON array in a CSV cell) mapped with the
               message fields: author, role, body, created_at, public
=============  ==========================================================

Presets: ``generic`` (the canonical names themselves; ``assignee``,
``group`` and ``organization`` may be ids, with ``*_name`` beside them, or
names alone), ``zendesk`` (ticket
export: ``requester_id``, ``comments[].author_id`` / ``plain_body`` /
``public``, ``tags``, ``custom_fields`` with ``product`` / ``version`` ids
named in :data:`ZENDESK_FIELDS`; single tickets, lists, incremental export
pages, with side-loaded ``users``), ``jira`` (issue JSON of REST v2 and v3,
ADF bodies as text: ``key``, ``fields.summary`` ... ``fields.comment.comments[]``,
a comment with ``visibility`` is private; search result pages; and Jira's CSV
export columns). ``parse_tickets`` detects the preset from the records when none is
given. A message's role is ``customer`` when its author is the requester /
reporter (or the mapping says so), ``agent`` otherwise.

"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
            "updated_at": ("updated_at", "updated"),
            "customer_id": ("customer_id", "customer"),
            "customer_name": ("customer_name", "requester_name"),
            "customer_email": ("customer_email", "requester_email", "email"),
            "customer_phone": ("customer_phone", "requester_phone", "phone"),
            "product": ("product", "products"),
            "version": ("version", "versions"),
            "tags": ("tags",),
            "resolution": ("resolution",),
            # Who works it: ids, or names standing for themselves (extractors/tickets/desk.py)
            "assignee": ("assignee_id", "assignee"),
            "assignee_name": ("assignee_name",),
            "group": ("group_id", "group"),
            "group_name": ("group_name",),
            "organization": ("organization_id", "organization"),
            "organization_name": ("organization_name",),
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
            "updated_at": ("updated_at",),
            "generated": ("generated_timestamp",),
            "customer_id": ("requester_id", "requester.id", "requester"),
            "customer_name": ("requester.name",),
            "customer_email": ("requester.email",),
            "customer_phone": ("requester.phone",),
            "assignee": ("assignee_id",),
            "group": ("group_id",),
            "organization": ("organization_id",),
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
            "html_body": ("html_body",),  # when an export keeps only the HTML
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
            "updated_at": ("fields.updated", "updated"),
            "assignee": (
                "fields.assignee.accountId",
                "fields.assignee.key",
                "fields.assignee.name",
            ),
            "assignee_name": ("fields.assignee.displayName",),
            "customer_id": (
                "fields.reporter.accountId",
                "fields.reporter.key",
                "fields.reporter.name",
                "reporter_id",
                "reporter",
            ),
            "customer_name": ("fields.reporter.displayName",),
            "customer_email": ("fields.reporter.emailAddress",),
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
            "restricted": ("visibility.type",),  # a comment only a role or group sees
        },
    ),
}


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
