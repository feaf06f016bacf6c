"""The blind index as nodes (``graph/queries/blind_index.py``), on both backends:
a lookup by phone, e-mail, bank card and ID-card number finds the ticket and
its customer through ``BlindIndex`` nodes; a value changed or removed by a
re-ingest no longer finds it (and its entry goes); a retired ticket is not
found; a graph written with the old ``lookup`` lists answers after V0015;
and each backend answers a lookup from the unique index on ``BlindIndex.id``
(FalkorDB: *Node By Index Scan*; Neo4j: *NodeUniqueIndexSeek*), no scan of
tickets or customers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from extractors.ingest.pipeline import Ingestor
from extractors.text.crypto.keys import Keyring
from extractors.text.crypto.sealer import Sealer
from graph.falkor import FalkorStore, params_header
from graph.neo4j_store import Neo4jStore
from graph.queries import blind_index as bq
from graph.store import Store
from migrations.runner import discover
from tests.personal_data import People, new_people

TICKET = "ticket:generic:BI-1"


def _export(p: People, *, phone: str | None, card: str | None) -> list[dict[str, Any]]:
    i = p.id_card
    paid = f", card {card[:4]} {card[4:8]} {card[8:12]} {card[12:]}" if card else ""
    ticket: dict[str, Any] = {
        "id": "BI-1", "subject": "charged twice", "status": "open",
        "description": f"my ID {i[:6]} {i[6:14]} {i[14:]}{paid}",
        "customer_id": "cust-bi", "customer_name": p.name, "customer_email": p.email,
    }  # fmt: skip
    if phone is not None:
        ticket["customer_phone"] = phone
    return [ticket]


def _ingest(store: Store, sealer: Sealer, root: Path, export: list[dict[str, Any]]) -> None:
    (root / "tickets.json").write_text(json.dumps(export, ensure_ascii=False), "utf-8")
    report = Ingestor(store, progress=False, sealer=sealer).run([root])
    assert not report.failed, report.summary()


def _found(store: Store, sealer: Sealer, kind: str, value: str) -> list[str]:
    rows = store.read(bq.TICKETS_BY_ENTRY, {"entry": sealer.blind(kind, value)})
    return sorted(str(r["id"]) for r in rows)


def _holders(store: Store, sealer: Sealer, kind: str, value: str) -> set[str]:
    rows = store.read(
        "MATCH (:BlindIndex {id: $e})<-[:INDEXED_BY]-(n) RETURN n.id AS id",
        {"e": sealer.blind(kind, value)},
    )
    return {str(r["id"]) for r in rows}


def _customer(store: Store) -> str:
    [row] = store.read("MATCH (:Ticket {id: $t})-[:RAISED_BY]->(c) RETURN c.id AS id",
                       {"t": TICKET})  # fmt: skip
    return str(row["id"])


def test_lookup_finds_ticket_and_customer_and_follows_changes(fresh: Store, tmp_path: Path) -> None:
    p, sealer = new_people(), Sealer(Keyring.generate())
    _ingest(fresh, sealer, tmp_path, _export(p, phone=p.contact_phone, card=p.card))
    cust = _customer(fresh)
    for kind, typed in (("PHONE", f"+86 {p.contact_phone}"), ("EMAIL", p.email.upper()),
                        ("CARD", p.card), ("ID_CARD", p.id_card.lower())):  # fmt: skip
        assert _found(fresh, sealer, kind, typed) == [TICKET], kind
    # the record's contact keys the customer, the ticket's text the ticket
    assert _holders(fresh, sealer, "PHONE", p.contact_phone) == {cust}
    assert _holders(fresh, sealer, "EMAIL", p.email) == {cust}
    assert _holders(fresh, sealer, "CARD", p.card) == {TICKET}
    assert _holders(fresh, sealer, "ID_CARD", p.id_card) == {TICKET}
    nodes = fresh.read("MATCH (n) WHERE n.lookup IS NOT NULL RETURN count(n) AS n")
    assert nodes[0]["n"] == 0  # no list property any more

    # the phone number changed, the card removed
    _ingest(fresh, sealer, tmp_path, _export(p, phone=p.mobile, card=None))
    assert _found(fresh, sealer, "PHONE", p.contact_phone) == []
    assert _found(fresh, sealer, "PHONE", p.mobile) == [TICKET]
    assert _found(fresh, sealer, "CARD", p.card) == []
    assert _found(fresh, sealer, "ID_CARD", p.id_card) == [TICKET]
    gone = [sealer.blind("PHONE", p.contact_phone), sealer.blind("CARD", p.card)]
    left = fresh.read("MATCH (b:BlindIndex) WHERE b.id IN $ids RETURN b.id AS id", {"ids": gone})
    assert left == []  # entries no link holds go

    # the phone removed from the record
    _ingest(fresh, sealer, tmp_path, _export(p, phone=None, card=None))
    assert _found(fresh, sealer, "PHONE", p.mobile) == []
    assert _found(fresh, sealer, "EMAIL", p.email) == [TICKET]


def test_a_retired_ticket_is_not_found(fresh: Store, tmp_path: Path) -> None:
    p, sealer = new_people(), Sealer(Keyring.generate())
    _ingest(fresh, sealer, tmp_path, _export(p, phone=p.contact_phone, card=p.card))
    assert _found(fresh, sealer, "CARD", p.card) == [TICKET]
    (tmp_path / "tickets.json").unlink()
    Ingestor(fresh, progress=False, sealer=sealer).run([tmp_path])
    [row] = fresh.read("MATCH (t:Ticket {id: $t}) RETURN t.retired_at AS r", {"t": TICKET})
    assert row["r"] is not None
    for kind, value in (("CARD", p.card), ("PHONE", p.contact_phone), ("EMAIL", p.email)):
        assert _found(fresh, sealer, kind, value) == [], kind


def test_a_graph_with_lookup_lists_answers_after_v0015(fresh: Store) -> None:
    sealer = Sealer(Keyring.generate())
    phone, mail = sealer.blind("PHONE", "13912345678"), sealer.blind("EMAIL", "a@example.org")
    # as tickets and customers were written before V0015
    fresh.write(
        "CREATE (t:Ticket {id: 'ticket:old:1', lookup: [$phone]})"
        "-[:RAISED_BY]->(:Customer {id: 'customer:old', lookup: [$mail, $phone]}) "
        "CREATE (:Ticket {id: 'ticket:old:2', lookup: []})",
        {"phone": phone, "mail": mail},
    )
    assert fresh.read(bq.TICKETS_BY_ENTRY, {"entry": phone}) == []
    [v15] = [m for m in discover(fresh.dialect.backend.value) if m.version == 15]
    v15.apply(fresh)
    v15.apply(fresh)  # again: nothing left to move, nothing doubled
    assert [r["id"] for r in fresh.read(bq.TICKETS_BY_ENTRY, {"entry": phone})] == ["ticket:old:1"]
    assert [r["id"] for r in fresh.read(bq.TICKETS_BY_ENTRY, {"entry": mail})] == ["ticket:old:1"]
    links = fresh.read("MATCH (n)-[r:INDEXED_BY]->(:BlindIndex) RETURN count(r) AS n")
    assert links[0]["n"] == 3
    left = fresh.read("MATCH (n) WHERE n.lookup IS NOT NULL RETURN count(n) AS n")
    assert left[0]["n"] == 0


def _operators(plan: Any) -> list[str]:
    out = [str(plan.get("operatorType", ""))]
    for child in plan.get("children") or []:
        out += _operators(child)
    return out


def test_a_lookup_is_answered_from_the_index(fresh: Store) -> None:
    params = {"entry": "0" * 32}
    if isinstance(fresh, FalkorStore):
        lines = fresh._db.connection.execute_command(  # the plan, not rows: no Store method
            "GRAPH.EXPLAIN", fresh.graph_name, params_header(params) + bq.TICKETS_BY_ENTRY
        )
        plan = [x.decode() if isinstance(x, bytes) else str(x) for x in lines]
        scans = [ln for ln in plan if "Scan" in ln]
        assert scans and all("Node By Index Scan" in ln and "BlindIndex" in ln
                             for ln in scans), plan  # fmt: skip
    else:
        assert isinstance(fresh, Neo4jStore)
        result = fresh._driver.execute_query(
            "EXPLAIN " + bq.TICKETS_BY_ENTRY, params, database_=fresh.database
        )
        ops = _operators(result.summary.plan)
        assert sum("NodeUniqueIndexSeek" in op for op in ops) == 2, ops
        assert not any("LabelScan" in op or "AllNodesScan" in op for op in ops), ops
