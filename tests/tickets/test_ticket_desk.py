"""A Zendesk ticket's assignee, group and organisation: from side-loads and from pages
saved beside the export, in the graph on both backends and in GraphQL, with no
contact data of anyone (tests/data/exports/zendesk/desk*, constructed; and the
go-zendesk recordings; sources in tests/data/exports/README.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from extractors.tickets import parse_ticket_file, write_tickets
from extractors.tickets.desk import Party
from extractors.tickets.values import ref_of
from graph.store import Store
from tests.personal_data import readable_text

ZENDESK = Path(__file__).resolve().parent.parent / "data" / "exports" / "zendesk"
DESK = ZENDESK / "desk" / "tickets.json"
NOW = 1_700_000_000_000
# Contact data and notes in the samples that must never reach the graph.
SECRETS = [
    "@", "+47", "22 12 34 56", "555", "Ola", "Nordmann", "Kari", "Jonas", "Key account",
    "renewals", "acme-logistics.example", "berg.example", "ACME-001", "account_manager",
    "Second-line",
]  # fmt: skip


def _file(path: Path):  # type: ignore[no-untyped-def]
    return parse_ticket_file(path, path.read_bytes())


def _agent(user_id: int) -> str:
    ref = ref_of("zendesk", "agent", user_id)
    assert ref is not None
    return ref


def test_side_loaded_users_groups_and_organizations() -> None:
    batch = _file(DESK)
    assert not batch.problems and not batch.notes
    mine, other = batch.records
    assert mine.assignee == Party(_agent(9001), "Mei Chen")  # an agent: named
    assert mine.group == Party("group:zendesk:7701", "Billing L2")
    assert mine.organization == Party("organization:zendesk:6601", "Acme Logistics AS")
    # an admin whose name is their e-mail address: linked, not named
    assert other.assignee == Party(_agent(9002), None)
    assert other.group is None
    # no organization_id on the ticket: the requester's organisation
    assert other.organization == Party("organization:zendesk:6602", "Hansen Consulting")


def test_pages_beside_the_export_name_them() -> None:
    (t,) = _file(ZENDESK / "desk-pages" / "tickets.json").records
    assert t.assignee == Party(_agent(9003), "Priya Raman")
    assert t.group == Party("group:zendesk:7702", "Integrations")
    assert t.organization == Party("organization:zendesk:6603", "Berg & Co")  # the requester's
    for name, kind in [("groups", "zendesk-groups"), ("organizations", "zendesk-organizations")]:
        page = _file(ZENDESK / "desk-pages" / f"{name}.json")
        assert (page.page, page.records, page.notes) == (kind, [], [])


def test_the_recorded_go_zendesk_tickets() -> None:
    """A single ticket with ?include=users,groups, and one with no side-loads."""
    (t,) = _file(ZENDESK / "api" / "ticket_sideload.json").records
    assert t.assignee is None  # assignee_id null
    assert t.group == Party("group:zendesk:360004077472", "Support")
    assert t.organization == Party("organization:zendesk:360363695492", None)
    (t,) = _file(ZENDESK / "api" / "ticket.json").records
    assert t.assignee == Party(_agent(377922500012), None)  # no users: an id only
    assert t.group == Party("group:zendesk:360004077472", None)


def _parties(store: Store) -> dict[str, Any]:
    rows = store.read(
        "MATCH (t:Ticket)-[r:ASSIGNED_TO|IN_GROUP|FOR_ORGANIZATION]->(p) "
        "RETURN t.key AS key, type(r) AS rel, p.id AS id, p.name AS name ORDER BY key, rel"
    )
    return {f"{r['key']} {r['rel']}": (r["id"], r["name"]) for r in rows}


def test_in_the_graph_without_contact_data(fresh: Store, tmp_path: Path) -> None:
    counts = write_tickets(fresh, _file(DESK), NOW)
    assert (counts["assignees"], counts["groups"], counts["organizations"]) == (2, 1, 2)
    assert _parties(fresh) == {
        "4101 ASSIGNED_TO": (_agent(9001), "Mei Chen"),
        "4101 FOR_ORGANIZATION": ("organization:zendesk:6601", "Acme Logistics AS"),
        "4101 IN_GROUP": ("group:zendesk:7701", "Billing L2"),
        "4102 ASSIGNED_TO": (_agent(9002), None),
        "4102 FOR_ORGANIZATION": ("organization:zendesk:6602", "Hansen Consulting"),
    }
    stored = readable_text(fresh)
    for secret in SECRETS:
        assert secret not in stored, secret

    # the same tickets exported again without side-loads: the names stay
    doc = json.loads(DESK.read_text())
    bare = tmp_path / "bare" / "tickets.json"
    bare.parent.mkdir()
    bare.write_text(json.dumps({"tickets": doc["tickets"], "count": 2, "next_page": None}))
    write_tickets(fresh, _file(bare), NOW + 1)
    names = {k: v[1] for k, v in _parties(fresh).items()}
    assert names["4101 ASSIGNED_TO"] == "Mei Chen" and names["4101 IN_GROUP"] == "Billing L2"

    # the file read again without 4101: its agent, group and organisation go with it
    bare.write_text(json.dumps({"tickets": doc["tickets"][1:], "count": 1, "next_page": None}))
    write_tickets(fresh, _file(bare), NOW + 2)
    left = fresh.read("MATCH (p) WHERE p:Agent OR p:Group OR p:Organization RETURN p.id AS id")
    # (4102's organisation came from its requester in the side-loaded users: without
    # them the export does not say it, so it is not linked)
    assert [r["id"] for r in left] == [_agent(9002)]


class _NoAnswers:
    def answer(self, question: str, limit: int = 5) -> Any:
        raise AssertionError("not asked")

    def refresh(self) -> None:
        pass


def test_a_generic_export_names_who_works_its_tickets(fresh: Store, tmp_path: Path) -> None:
    # Ids with their names beside them, and names standing alone.
    rows = [
        {"id": "G-1", "subject": "Sync stalls", "status": "open", "assignee_id": "u-88",
         "assignee_name": "Ines Duarte", "group_id": 12, "group_name": "Sync team",
         "organization_id": 340, "organization_name": "Kestrel Freight"},
        {"id": "G-2", "subject": "Export slow", "status": "open", "assignee": "Ravi Menon",
         "group": "Night shift", "organization": "Orchard Labs"},
        {"id": "G-3", "subject": "Login loop", "status": "open", "group": 77,
         "assignee": "ravi.menon@corp.example"},
    ]  # fmt: skip
    path = tmp_path / "generic.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    parsed = parse_ticket_file(path, path.read_bytes())
    counts = write_tickets(fresh, parsed, NOW)
    assert counts["tickets"] == 3

    def agent(raw: str) -> str:
        ref = ref_of("generic", "agent", raw)
        assert ref is not None
        return ref

    assert _parties(fresh) == {
        "G-1 ASSIGNED_TO": (agent("u-88"), "Ines Duarte"),
        "G-1 FOR_ORGANIZATION": ("organization:generic:340", "Kestrel Freight"),
        "G-1 IN_GROUP": ("group:generic:12", "Sync team"),
        "G-2 ASSIGNED_TO": (agent("Ravi Menon"), "Ravi Menon"),
        "G-2 FOR_ORGANIZATION": ("organization:generic:Orchard Labs", "Orchard Labs"),
        "G-2 IN_GROUP": ("group:generic:Night shift", "Night shift"),
        # a bare number names nothing; an e-mail address is never stored as a name
        "G-3 ASSIGNED_TO": (agent("ravi.menon@corp.example"), None),
        "G-3 IN_GROUP": ("group:generic:77", None),
    }
    assert "corp.example" not in readable_text(fresh)


@pytest.fixture
def client(fresh: Store, tmp_path: Path) -> Iterator[TestClient]:
    write_tickets(fresh, _file(DESK), NOW)
    app = create_app(
        Settings(data_dir=tmp_path), store=fresh, answerer=_NoAnswers(), seed_demo=False
    )
    with TestClient(app) as c:
        yield c


def test_graphql_shows_assignee_group_and_organization(client: TestClient) -> None:
    fields = "key assignee { id name } group { id name } organization { id name }"
    query = f'{{ ticket(id: "ticket:zendesk:4101") {{ {fields} }} tickets {{ {fields} }} }}'
    resp = client.post("/graphql", json={"query": query})
    assert resp.status_code == 200 and "errors" not in resp.json(), resp.text
    data = resp.json()["data"]
    one = {
        "key": "4101",
        "assignee": {"id": _agent(9001), "name": "Mei Chen"},
        "group": {"id": "group:zendesk:7701", "name": "Billing L2"},
        "organization": {"id": "organization:zendesk:6601", "name": "Acme Logistics AS"},
    }
    assert data["ticket"] == one
    other = {
        "key": "4102",
        "assignee": {"id": _agent(9002), "name": None},
        "group": None,
        "organization": {"id": "organization:zendesk:6602", "name": "Hansen Consulting"},
    }
    assert data["tickets"] == [other, one]  # newest first


def test_an_assignee_is_the_agent_their_replies_name_as_author() -> None:
    """Incremental page 2: ticket 35436 is assigned to agent 235323, who wrote the fix."""
    (t,) = _file(ZENDESK / "incremental" / "tickets-0002.json").records
    assert t.assignee is not None and t.assignee.id == _agent(235323)
    assert t.assignee.name is None  # the users name no one
    assert t.assignee.id in {m.author_ref for m in t.messages if m.role == "agent"}
    assert t.organization is None and t.group is None  # page 2 gives neither
