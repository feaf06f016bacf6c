"""Who works a ticket and for whom: its assignee, group and organisation.

Read from the ticket's own ids (Zendesk ``assignee_id``, ``group_id``,
``organization_id``; Jira ``fields.assignee``) and named from what the export
side-loads (``?include=users,groups,organizations``: top-level ``users``,
``groups``, ``organizations``) or from pages saved beside it
(``GET /api/v2/users.json``, ``/groups.json``, ``/organizations.json``, the
incremental organization export; see :mod:`extractors.tickets.companions`).

Decisions written down here:

* **Nodes, not properties** (DESIGN names Agents among the graph's nodes;
  groups and organisations follow them, so "tickets of this organisation" or
  "open tickets of this group" are one hop)::

      (:Ticket)-[:ASSIGNED_TO]->(:Agent)           agent:<hash>, the id messages use
      (:Ticket)-[:IN_GROUP]->(:Group)              group:<system>:<id>
      (:Ticket)-[:FOR_ORGANIZATION]->(:Organization)  organization:<system>:<id>

  An Agent's id is the hashed reference its replies carry as their
  ``author``, so an assignee is linked to what they wrote.
* **What is kept**: a name and nothing else. An assignee's name only when
  the users say the person is an ``agent`` or ``admin`` (staff, named as the
  desk shows them; Jira assignees are staff); an end user's name never. A
  group's and an organisation's ``name``; never e-mail addresses, phone
  numbers, photos, ``details``, ``notes``, ``domain_names``, tags or custom
  fields. A name that holds an e-mail address or a phone number (Zendesk
  shows the address when a user has no name) is not stored at all.
* **Which organisation**: the ticket's ``organization_id``, else the
  requester's ``organization_id`` from the users.
* An id without a side-loaded record still links the ticket (a node with no
  name), so a later export that names it fills the name in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from extractors.text.masking import mask
from extractors.tickets.presets import Mapping
from extractors.tickets.values import first_of, ref_of, text_of

# Roles whose names may be stored: the support desk's own staff.
STAFF_ROLES = frozenset({"agent", "admin"})


@dataclass(frozen=True)
class Party:
    """An assignee, group or organisation of a ticket."""

    id: str  # agent:<hash> | group:<system>:<id> | organization:<system>:<id>
    name: str | None  # masked; None when unknown or withheld


@dataclass
class Directory:
    """Side-loaded and companion records by id (the later one wins)."""

    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    organizations: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def of(
        cls, users: Iterable[Any], groups: Iterable[Any], organizations: Iterable[Any]
    ) -> Directory:
        return cls(_by_id(users), _by_id(groups), _by_id(organizations))


def _by_id(items: Iterable[Any]) -> dict[str, dict[str, Any]]:
    return {str(i["id"]): i for i in items if isinstance(i, dict) and i.get("id") not in (None, "")}


def plain_name(value: Any) -> str | None:
    """A name fit to store: text, without contact data (None otherwise)."""
    if not isinstance(value, str) or not value.strip():
        return None
    name = " ".join(value.split())
    return name if mask(name) == name else None


def _ident(raw: Any, paths: tuple[str, ...]) -> str:
    if not paths:
        return ""
    value = first_of(raw, paths)
    return text_of(value) if isinstance(value, str | int) else ""


def assignee(raw: Any, mapping: Mapping, system: str, people: Directory) -> Party | None:
    key = _ident(raw, mapping.fields.get("assignee", ()))
    ref = ref_of(system, "agent", key) if key else None
    if ref is None:
        return None
    name: str | None = None
    if mapping.fields.get("assignee_name"):
        name = plain_name(first_of(raw, mapping.fields["assignee_name"]))
    if name is None and "assignee_name" in mapping.fields and not key.isdigit():
        name = plain_name(key)  # an assignee given by name alone (generic exports)
    user = people.users.get(key)
    if user is not None:
        staff = str(user.get("role") or "").strip().lower() in STAFF_ROLES
        name = plain_name(user.get("name")) if staff else None
    return Party(ref, name)


def _named(raw: Any, mapping: Mapping, kind: str, key: str, known: dict[str, Any]) -> str | None:
    """A group's or organisation's name: from the side-loads, else from the
    record's ``<kind>_name``, else the value itself when it is a name and not a
    number (an export that writes ``"group": "Billing L2"`` names the group so)."""
    name = plain_name((known.get(key) or {}).get("name"))
    if name is None and mapping.fields.get(f"{kind}_name"):
        name = plain_name(first_of(raw, mapping.fields[f"{kind}_name"]))
    if name is None and kind + "_name" in mapping.fields and not key.isdigit():
        name = plain_name(key)
    return name


def group(raw: Any, mapping: Mapping, system: str, people: Directory) -> Party | None:
    key = _ident(raw, mapping.fields.get("group", ()))
    if not key:
        return None
    return Party(f"group:{system}:{key}", _named(raw, mapping, "group", key, people.groups))


def organization(
    raw: Any, mapping: Mapping, system: str, people: Directory, requester: str
) -> Party | None:
    key = _ident(raw, mapping.fields.get("organization", ()))
    if not key and requester:
        org = (people.users.get(requester) or {}).get("organization_id")
        key = text_of(org) if isinstance(org, str | int) else ""
    if not key:
        return None
    return Party(
        f"organization:{system}:{key}",
        _named(raw, mapping, "organization", key, people.organizations),
    )
