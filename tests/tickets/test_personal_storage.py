"""Personal data at storage, on both backends: tickets full of personal data in
every form are ingested, then the store's own files (FalkorDB's RDB and
append-only file, Neo4j's store files and transaction logs) and a logical
dump of every property are searched for every clear value in every form:
none is there. The values are made afresh for each run (valid checksums,
Luhn digits), so nothing another test wrote can be mistaken for a leak, and
a probe written in clear afterwards shows the search does find such bytes.
Then: the clear values come back for the ticket's customer and agent and
partly masked for others, the blind-index lookup finds a ticket by any way
of writing a phone or e-mail, and a key rotation re-seals everything (and
resumes when interrupted).
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from extractors.ingest.pipeline import Ingestor
from extractors.text.crypto.keys import Keyring
from extractors.text.crypto.rotation import census, reseal_all
from extractors.text.crypto.sealer import Sealer
from graph.store import Store
from resolvers.identity import Role
from tests.auth import SECRET, bearer
from tests.personal_data import People, found_in, new_people, store_files


def _export(p: People) -> list[dict[str, Any]]:
    m, c, i = p.mobile, p.card, p.id_card
    full = p.mobile2.translate({ord(d): chr(0xFF10 + int(d)) for d in string.digits})
    return [
        {"id": "PD-1", "subject": f"call me on {m[:3]}.{m[3:7]}.{m[7:]}",
         "description": f"ID {i[:6]} {i[6:14]} {i[14:]}, card {c[:4]}.{c[4:8]}.{c[8:12]}.{c[12:]}",
         "status": "solved", "customer_id": "cust-77", "customer_name": p.name,
         "customer_email": p.email, "customer_phone": p.contact_phone,
         "resolution": f"Refunded to card{c}; confirmed at {p.email}",
         "messages": [
             {"role": "customer", "author": "cust-77", "body": f"mobile{m} or 手机{full}"},
             {"role": "agent", "author": "ag-1", "body": f"login seen from {p.ip} and {p.ip6}"},
             {"role": "customer", "author": "cust-77", "body": f"{i.lower()} is my id, {m}abc"},
         ]},
        {"id": "PD-2", "subject": "replica lag", "description": f"mail {p.email.upper()}",
         "status": "open", "customer_id": "cust-78"},
    ]  # fmt: skip


@dataclass
class World:
    store: Store
    people: People
    sealer: Sealer
    files: list[Path]  # where the backend keeps its bytes


@pytest.fixture(scope="module")
def world(
    backend: Store, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> World:
    people = new_people()
    root = tmp_path_factory.mktemp("personal")
    (root / "tickets.json").write_text(json.dumps(_export(people), ensure_ascii=False), "utf-8")
    sealer = Sealer(Keyring.generate())
    report = Ingestor(backend, progress=False, sealer=sealer).run([root])
    assert report.tickets == 2 and not report.failed, report.summary()
    return World(backend, people, sealer, store_files(backend, request))


def test_no_clear_value_in_thestore_files(world: World) -> None:
    assert found_in(world.files, world.people.clear_forms()) == {}


def test_no_clear_value_in_any_property(world: World) -> None:
    nodes = world.store.read("MATCH (n) RETURN n {.*} AS p")
    edges = world.store.read("MATCH ()-[r]->() RETURN properties(r) AS p")
    dump = json.dumps([r["p"] for r in nodes + edges], ensure_ascii=False)
    assert [v for v in world.people.clear_forms() if v in dump] == []
    sealed = [r["p"] for r in nodes if r["p"].get("sealed")]
    assert {p["id"].split(":")[0] for p in sealed} >= {"ticket", "message", "solution", "customer"}


def test_the_search_does_find_clear_bytes(world: World, request: pytest.FixtureRequest) -> None:
    probe = new_people()  # other values, written in clear as an unprotected graph would
    # One property per form, each in a sentence (longer than Neo4j's inline
    # short strings, shorter than one of its 120-byte string blocks, so the
    # bytes lie together; a leak across blocks is the logical dump's to find).
    props = {f"f{n}": f"the customer wrote {v} in the ticket; call back soon" for n, v in
             enumerate(probe.clear_forms())}  # fmt: skip
    world.store.write("CREATE (p:Probe {id: 'probe:1'}) SET p += $props", {"props": props})
    try:
        files = store_files(world.store, request)
        assert set(found_in(files, probe.clear_forms())) == set(probe.clear_forms())
    finally:
        world.store.write("MATCH (p:Probe) DELETE p")


# --- reading it back ------------------------------------------------------------------


@pytest.fixture(scope="module")
def app(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("app"), env="production", secret_key=SECRET
    )
    built = create_app(settings, store=world.store, seed_demo=False, sealer=world.sealer)
    with TestClient(built) as client:
        yield client


def _post(app: TestClient, query: str, role: Role, subject: str = "someone") -> dict[str, Any]:
    resp = app.post("/graphql", json={"query": query}, headers=bearer(role, subject))
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    return body


TICKET = """{ ticket(id: "ticket:generic:PD-1") { subject customer { id name email phone }
  messages { body } solution { text } } }"""


def _customer(world: World) -> str:
    [row] = world.store.read(
        "MATCH (:Ticket {id: 'ticket:generic:PD-1'})-[:RAISED_BY]->(c) RETURN c.id AS id"
    )
    return str(row["id"])


def test_the_customer_reads_the_clear_values(world: World, app: TestClient) -> None:
    p, cid = world.people, _customer(world)
    t = _post(app, TICKET, Role.CUSTOMER, cid)["data"]["ticket"]
    m = p.mobile
    assert t["subject"] == f"call me on {m[:3]}.{m[3:7]}.{m[7:]}"
    assert t["customer"] == {"id": cid, "name": p.name, "email": p.email,
                             "phone": p.contact_phone}  # fmt: skip
    assert t["messages"][1]["body"] == f"login seen from {p.ip} and {p.ip6}"
    assert t["solution"]["text"] == f"Refunded to card{p.card}; confirmed at {p.email}"


def test_other_roles_read_them_partly_masked(world: World, app: TestClient) -> None:
    p = world.people
    t = _post(app, TICKET, Role.EXPERT)["data"]["ticket"]
    shown = json.dumps(t, ensure_ascii=False)
    assert [v for v in p.clear_forms() if v in shown] == []
    m = p.mobile
    assert t["subject"] == f"call me on {m[:3]}.****.{m[7:]}"
    assert t["customer"]["email"] == f"A***@{p.email.split('@')[1]}"
    assert t["customer"]["name"] == "A** " + p.name.split()[1][0] + "*" * 7


LOOKUP = '{ ticketsByPersonalData(value: "%s") { id } }'


def test_a_lookup_by_any_form_finds_the_ticket(world: World, app: TestClient) -> None:
    p, cid = world.people, _customer(world)
    m = p.mobile
    for typed in (m, f"+86 {m[:3]} {m[3:7]} {m[7:]}", p.email.lower(), p.id_card.lower(),
                  p.card, p.contact_phone, p.ip):  # fmt: skip
        body = _post(app, LOOKUP % typed, Role.AGENT, "agent:x")
        assert "errors" not in body, body
        assert body["data"]["ticketsByPersonalData"] == [], typed  # not in agent:x's queue
        found = _post(app, LOOKUP % typed, Role.CUSTOMER, cid)["data"]["ticketsByPersonalData"]
        assert [t["id"] for t in found] == ["ticket:generic:PD-1"], typed
    # PD-2's description holds the e-mail too (upper-case); it is another customer's
    both = _post(app, LOOKUP % p.email, Role.CUSTOMER, cid)["data"]["ticketsByPersonalData"]
    assert [t["id"] for t in both] == ["ticket:generic:PD-1"]
    nobody = _post(app, LOOKUP % "13000000000", Role.CUSTOMER, cid)["data"]
    assert nobody["ticketsByPersonalData"] == []
    rows = world.store.read(
        "MATCH (a:AuditRecord {operation: 'tickets.lookup'}) RETURN a.target AS target, "
        "a.result AS result, a.subject AS subject ORDER BY a.seq"
    )
    assert rows and rows[-1]["subject"] == cid and rows[-1]["result"].startswith("clear: phone")
    assert not any(m in str(r) for r in rows)  # the value looked up is not recorded


def test_a_lookup_value_of_no_known_shape_is_refused(world: World, app: TestClient) -> None:
    body = _post(app, LOOKUP % "hello", Role.CUSTOMER, _customer(world))
    assert "value" in body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


# --- rotation -------------------------------------------------------------------------


def test_rotation_reseals_everything_and_resumes(world: World, app: TestClient) -> None:
    before = census(world.store)
    assert before.versions() == {1} and before.nodes >= 5
    rotated = Sealer(world.sealer.ring.with_new_version())

    class Stop(Exception):
        pass

    def stop_after_first(changed: int) -> None:
        raise Stop

    with pytest.raises(Stop):  # killed after the first page of one node
        reseal_all(world.store, rotated, page_size=1, on_page=stop_after_first)
    half = census(world.store)
    assert half.versions() == {1, 2}  # each value readable under one version or the other
    assert reseal_all(world.store, rotated) == before.nodes - 1  # resumed, the rest
    assert census(world.store).versions() == {2}
    finished = Sealer(rotated.ring.finished())  # version 1 dropped
    world.sealer.ring = finished.ring  # the app's sealer now holds only version 2
    t = _post(app, TICKET, Role.CUSTOMER, _customer(world))["data"]["ticket"]
    assert t["customer"]["email"] == world.people.email
