"""A ticket created by escalation is routed at once: the conversation's
product reaches the router, the skilled agent gets it, and it leaves the
conversations' waiting queue; with nobody able to take it, it stays there."""

from __future__ import annotations

import uuid

from extractors.ingest.pipeline import Ingestor
from graph.queries import routing as q
from graph.store import Store
from resolvers.conversation.desk import Desk, customer_turn
from resolvers.pipeline.answerer import Answerer
from resolvers.routing.config import RoutingConfig
from resolvers.routing.handoff import route_handoff
from resolvers.routing.roster import Roster, agent_id, load
from tests.demo import DEMO


def _desk(store: Store) -> Desk:
    answerer = Answerer(store, cache_size=0)
    config = RoutingConfig(policy="static")
    return Desk(store, answerer,
                on_handoff=lambda t: route_handoff(store, answerer.linker, config, t))  # fmt: skip


def _escalate(desk: Desk) -> str:
    customer = f"customer:{uuid.uuid4().hex[:12]}"
    state = customer_turn(desk, customer, None, "NimbusDB keeps failing, talk to a human please")
    assert state.escalation is not None and state.escalation.ticket_id
    return state.escalation.ticket_id


def test_a_handoff_ticket_goes_to_the_skilled_agent(fresh: Store) -> None:
    report = Ingestor(fresh, progress=False).run([DEMO / "docs", DEMO / "errors"])
    assert not report.failed, report.summary()
    desk = _desk(fresh)
    # Nobody on the roster yet: the ticket waits in the conversations' queue.
    waiting = _escalate(desk)
    assert fresh.read(q.ASSIGNEES, {"ticket": waiting}) == []
    queued = fresh.read("MATCH (:Ticket {id: $t})-[:IN_QUEUE]->(w:Queue) RETURN w.id AS q",
                        {"t": waiting})  # fmt: skip
    assert len(queued) == 1
    agents = [{"id": "db", "name": "Dee", "tier": 1, "languages": ["en"], "capacity": 4,
               "skills": {"NimbusDB": 4}},
              {"id": "other", "name": "Oto", "tier": 1, "languages": ["en"], "capacity": 4,
               "skills": {}}]  # fmt: skip
    load(fresh, Roster.model_validate({"agents": agents}), "roster.toml")
    ticket = _escalate(desk)
    assert fresh.read(q.ASSIGNEES, {"ticket": ticket}) == [{"agent": agent_id("db")}]
    assert fresh.read("MATCH (:Ticket {id: $t})-[:IN_QUEUE]->(w) RETURN w.id AS q",
                      {"t": ticket}) == []  # fmt: skip
    needs = fresh.read("MATCH (:Ticket {id: $t})-[:NEEDS]->(s) RETURN s.id AS s", {"t": ticket})
    assert {"s": "product:nimbusdb"} in needs
