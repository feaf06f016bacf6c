"""Routing through GraphQL on the real graph: an expert routes a ticket, the
agent sees it in their assignments and why it came to them, accepts and
resolves it (the outcome reaches the skill edge), transfers another (it goes
to someone else), and an expert overrides an assignment. Agents act only for
themselves; customers may do none of it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from graph.store import Store
from resolvers.identity import Role
from resolvers.routing.roster import Roster, agent_id, load
from tests.auth import SECRET, bearer

ANA, BEN = agent_id("ana"), agent_id("ben")


@pytest.fixture
def client(fresh: Store, tmp_path: Path) -> Iterator[TestClient]:
    fresh.write(
        "CREATE (p:Product {id: 'product:quillmq', name: 'QuillMQ'}) "
        "CREATE (:Ticket {id: 'ticket:api:1', subject: 'consumer stalls', language: 'en', "
        "status: 'open'})-[:ABOUT]->(p) "
        "CREATE (:Ticket {id: 'ticket:api:2', subject: 'broker restarts', language: 'en', "
        "status: 'open'})-[:ABOUT]->(p)"
    )
    roster = {
        "agents": [
            {
                "id": "ana",
                "name": "Ana",
                "tier": 1,
                "languages": ["en"],
                "capacity": 3,
                "teams": ["Messaging"],
                "skills": {"QuillMQ": 5},
            },
            {
                "id": "ben",
                "name": "Ben",
                "tier": 1,
                "languages": ["en"],
                "capacity": 3,
                "teams": ["Messaging"],
                "skills": {"QuillMQ": 2},
            },
        ]
    }
    load(fresh, Roster.model_validate(roster), "roster.toml")
    settings = Settings(
        data_dir=tmp_path / "app", env="production", secret_key=SECRET, routing_policy="static"
    )
    with TestClient(create_app(settings, store=fresh, seed_demo=False)) as c:
        yield c


def _gql(c: TestClient, query: str, role: Role, subject: str = "someone") -> dict[str, Any]:
    resp = c.post("/graphql", json={"query": query}, headers=bearer(role, subject))
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    return body


def _ok(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def test_route_work_and_learn(client: TestClient, fresh: Store) -> None:
    query = 'mutation { routeTicket(id: "ticket:api:1") { agent step stepName policy terms { name value } } }'  # noqa: E501
    routed = _ok(_gql(client, query, Role.EXPERT))
    placed = routed["routeTicket"]
    assert (placed["agent"], placed["step"], placed["stepName"]) == (ANA, 1, "skills")
    assert {"coverage", "proficiency", "load_ratio"} <= {t["name"] for t in placed["terms"]}
    mine = _ok(_gql(client, "{ myAssignments { ticket accepted step policy } }", Role.AGENT, ANA))
    assert mine["myAssignments"] == [
        {"ticket": "ticket:api:1", "accepted": False, "step": 1, "policy": "static"}
    ]
    why = _ok(
        _gql(
            client,
            '{ routingDecisions(id: "ticket:api:1") { agent policy candidates { agent score } } }',
            Role.AGENT,
            ANA,
        )
    )
    [decision] = why["routingDecisions"]
    assert [c["agent"] for c in decision["candidates"]] == [ANA, BEN]
    # Ben may not see why Ana got it, nor act on her ticket.
    assert (
        _ok(_gql(client, '{ routingDecisions(id: "ticket:api:1") { step } }', Role.AGENT, BEN))[
            "routingDecisions"
        ]
        == []
    )
    query = 'mutation { acceptTicket(id: "ticket:api:1", agent: "' + ANA + '") }'
    [err] = _gql(client, query, Role.AGENT, BEN)["errors"]
    assert err["extensions"]["code"] == "FORBIDDEN"
    _ok(_gql(client, 'mutation { acceptTicket(id: "ticket:api:1") }', Role.AGENT, ANA))
    learned = _ok(
        _gql(
            client,
            'mutation { resolveTicket(id: "ticket:api:1", firstContact: true, '
            "handleSeconds: 420, csat: 5) }",
            Role.AGENT,
            ANA,
        )
    )
    assert learned["resolveTicket"] == 1
    edge = fresh.read(
        "MATCH (:Agent {id: $a})-[h:HAS_SKILL]->(:Product) RETURN h.handled AS n, h.fcr AS f",
        {"a": ANA},
    )
    assert edge == [{"n": 1, "f": 1}]
    assert _ok(_gql(client, "{ myAssignments { ticket } }", Role.AGENT, ANA))["myAssignments"] == []


def test_transfer_override_status_and_bad_input(client: TestClient) -> None:
    _ok(_gql(client, 'mutation { routeTicket(id: "ticket:api:2") { agent } }', Role.EXPERT))
    moved = _ok(
        _gql(
            client,
            'mutation { transferTicket(id: "ticket:api:2") { agent step } }',
            Role.AGENT,
            ANA,
        )
    )["transferTicket"]
    assert moved == {"agent": BEN, "step": 1}
    query = 'mutation { overrideAssignment(id: "ticket:api:2", agent: "' + ANA + '") '
    over = _ok(_gql(client, query + "{ agent step stepName policy } }", Role.EXPERT))
    assert over["overrideAssignment"] == {
        "agent": ANA,
        "step": 0,
        "stepName": "manual override",
        "policy": "override",
    }
    assert _ok(_gql(client, "{ myAssignments { ticket } }", Role.AGENT, BEN))["myAssignments"] == []
    # An agent may not override; a customer may not even look.
    query = 'mutation { overrideAssignment(id: "ticket:api:2", agent: "' + BEN + '") { step } }'
    [err] = _gql(client, query, Role.AGENT, ANA)["errors"]
    assert err["extensions"]["code"] == "FORBIDDEN"
    [err] = _gql(client, "{ myAssignments { ticket } }", Role.CUSTOMER, "customer:x")["errors"]
    assert err["extensions"]["code"] == "FORBIDDEN"
    _ok(_gql(client, 'mutation { setAgentStatus(status: "away") }', Role.AGENT, BEN))
    [err] = _gql(client, 'mutation { setAgentStatus(status: "asleep") }', Role.AGENT, BEN)["errors"]
    assert err["extensions"] == {"code": "BAD_USER_INPUT", "argument": "status"}
    [err] = _gql(
        client,
        'mutation { resolveTicket(id: "ticket:api:2", firstContact: false, handleSeconds: -3) }',
        Role.AGENT,
        ANA,
    )["errors"]
    assert err["extensions"]["argument"] == "handleSeconds"
