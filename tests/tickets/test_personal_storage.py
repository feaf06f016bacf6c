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
import random
import string
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from starlette.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from extractors.ingest.pipeline import Ingestor
from extractors.text.crypto.keys import Keyring
from extractors.text.crypto.rotation import census, reseal_all
from extractors.text.crypto.sealer import Sealer
from extractors.text.masking import id_card_valid
from graph.falkor import FalkorStore
from graph.store import Store
from resolvers.identity import Role
from tests.auth import SECRET, bearer

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _id_card(rng: random.Random) -> str:
    body = _digits(rng, 6) + "1985" + f"{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body += _digits(rng, 3)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]
    assert id_card_valid(body + check)
    return body + check


def _luhn(rng: random.Random) -> str:
    body = "62" + _digits(rng, 13)
    total = 0
    for i, d in enumerate(reversed(body)):
        n = int(d) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return body + str((10 - total % 10) % 10)


@dataclass
class People:
    mobile: str  # 11 digits
    mobile2: str
    id_card: str
    card: str
    email: str
    ip: str
    ip6: str
    name: str
    contact_phone: str

    def clear_forms(self) -> list[str]:
        """Every form the export writes, and every normalised form."""
        m, m2, c, i = self.mobile, self.mobile2, self.card, self.id_card
        full = m2.translate({ord(d): chr(0xFF10 + int(d)) for d in string.digits})
        return [
            m, f"{m[:3]}.{m[3:7]}.{m[7:]}", f"{m[:3]} {m[3:7]} {m[7:]}", m2, full,
            i, f"{i[:6]} {i[6:14]} {i[14:]}", i.lower(),
            c, f"{c[:4]}.{c[4:8]}.{c[8:12]}.{c[12:]}",
            self.email, self.email.lower(), self.email.upper(), self.ip, self.ip6,
            self.name, self.contact_phone,
        ]  # fmt: skip


def _people() -> People:
    rng = random.Random(time.time_ns())
    word = "".join(rng.choice(string.ascii_lowercase) for _ in range(8))
    return People(
        mobile="139" + _digits(rng, 8), mobile2="158" + _digits(rng, 8),
        id_card=_id_card(rng), card=_luhn(rng), email=f"Ana.{word}@Example.org",
        ip=f"10.{rng.randint(1, 254)}.{rng.randint(1, 254)}.{rng.randint(1, 254)}",
        ip6=f"2001:db8::{rng.randint(0x1000, 0xFFFF):x}",
        name=f"Ana {word.title()}", contact_phone="137" + _digits(rng, 8),
    )  # fmt: skip


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


def _store_files(store: Store, request: pytest.FixtureRequest) -> list[Path]:
    """Force everything to disk and list the backend's files."""
    if isinstance(store, FalkorStore):
        conn = redis.Redis(unix_socket_path=str(store.server.socket_path))
        # Uncompressed, so a clear value in the RDB would be there byte for byte.
        conn.config_set("rdbcompression", "no")
        conn.save()
        store.checkpoint()  # the AOF rewritten: its RDB preamble, then the tail
        conn.close()
        root = store.server.db_dir
    else:
        # Community has no db.checkpoint(): every commit is in the transaction
        # logs on disk (fsynced), the store files catch up at checkpoints;
        # both are searched.
        root = request.getfixturevalue("neo4j_data_dir")
    files = [f for f in root.rglob("*") if f.is_file() and not f.name.endswith(".sock")]
    assert files, root
    return files


@pytest.fixture(scope="module")
def world(
    backend: Store, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> World:
    people = _people()
    root = tmp_path_factory.mktemp("personal")
    (root / "tickets.json").write_text(json.dumps(_export(people), ensure_ascii=False), "utf-8")
    sealer = Sealer(Keyring.generate())
    report = Ingestor(backend, progress=False, sealer=sealer).run([root])
    assert report.tickets == 2 and not report.failed, report.summary()
    return World(backend, people, sealer, _store_files(backend, request))


def _found(files: list[Path], needles: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    encoded = {n: n.encode() for n in needles}
    for f in files:
        try:
            data = f.read_bytes()
        except OSError:
            continue
        for needle, raw in encoded.items():
            if raw in data:
                out.setdefault(needle, []).append(f.name)
    return out


def test_no_clear_value_in_the_store_files(world: World) -> None:
    assert _found(world.files, world.people.clear_forms()) == {}


def test_no_clear_value_in_any_property(world: World) -> None:
    nodes = world.store.read("MATCH (n) RETURN n {.*} AS p")
    edges = world.store.read("MATCH ()-[r]->() RETURN properties(r) AS p")
    dump = json.dumps([r["p"] for r in nodes + edges], ensure_ascii=False)
    assert [v for v in world.people.clear_forms() if v in dump] == []
    sealed = [r["p"] for r in nodes if r["p"].get("sealed")]
    assert {p["id"].split(":")[0] for p in sealed} >= {"ticket", "message", "solution", "customer"}


def test_the_search_does_find_clear_bytes(world: World, request: pytest.FixtureRequest) -> None:
    probe = _people()  # other values, written in clear as an unprotected graph would
    # One property per form, each in a sentence (longer than Neo4j's inline
    # short strings, shorter than one of its 120-byte string blocks, so the
    # bytes lie together; a leak across blocks is the logical dump's to find).
    props = {f"f{n}": f"the customer wrote {v} in the ticket; call back soon" for n, v in
             enumerate(probe.clear_forms())}  # fmt: skip
    world.store.write("CREATE (p:Probe {id: 'probe:1'}) SET p += $props", {"props": props})
    try:
        files = _store_files(world.store, request)
        assert set(_found(files, probe.clear_forms())) == set(probe.clear_forms())
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
