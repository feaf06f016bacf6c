"""A/B routing: two policies take turns by time slice, outcomes are kept by
the policy that placed the ticket, and the report compares them (counts,
AHT and FCR with intervals, Welch and Fisher p-values)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from api.settings import Settings
from graph.store import Store
from resolvers.routing import outcomes
from resolvers.routing.ab import report
from resolvers.routing.config import RoutingConfig
from resolvers.routing.roster import Roster, load
from resolvers.routing.router import Router

HOUR = 3_600_000


def test_slices_alternate() -> None:
    config = RoutingConfig(ab=("learned", "static"), ab_slice_minutes=60)
    assert [config.policy_at(h * HOUR + 5) for h in range(4)] == [
        "learned", "static", "learned", "static"]  # fmt: skip
    assert RoutingConfig(policy="least-loaded").policy_at(HOUR) == "least-loaded"
    with pytest.raises(ValueError, match="A/B policy 'fifo'"):
        RoutingConfig(ab=("learned", "fifo"))


def test_settings_refuse_a_bad_pair() -> None:
    with pytest.raises(ValidationError, match="two different policies"):
        Settings(routing_ab="learned,learned")
    assert Settings(routing_ab="learned, static").routing_config().ab == ("learned", "static")


def test_outcomes_are_reported_by_the_policy_that_placed_them(fresh: Store) -> None:
    fresh.write("CREATE (:Product {id: 'product:abq', name: 'ABQ'})")
    agents = [{"id": f"a{i}", "name": f"A{i}", "tier": 1, "languages": ["en"], "capacity": 50,
               "skills": {"ABQ": 3}} for i in range(3)]  # fmt: skip
    load(fresh, Roster.model_validate({"agents": agents}), "r")
    router = Router(fresh, RoutingConfig(ab=("round-robin", "static"), seed=1), audited=False)
    for i in range(24):
        tid = f"ticket:ab:{i}"
        fresh.write(
            "MATCH (p:Product {id: 'product:abq'}) "
            "CREATE (:Ticket {id: $id, language: 'en', status: 'open'})-[:ABOUT]->(p)",
            {"id": tid},
        )
        fresh.write(
            "MATCH (t:Ticket {id: $id}), (p:Product {id: 'product:abq'}) "
            "MERGE (t)-[:NEEDS {weight: 1.0, step: 1}]->(p)",
            {"id": tid},
        )
        at = (i % 2) * HOUR + i  # even tickets in round-robin's hour, odd in static's
        d = router.route(tid, at_ms=at)
        assert d.agent is not None and d.policy == ("round-robin", "static")[i % 2]
        # The constructed truth: static's tickets resolve faster and more often at once.
        fast = d.policy == "static"
        seconds = (100.0 if fast else 300.0) + i
        outcomes.resolve(fresh, tid, d.agent, first_contact=fast or i % 4 == 0,
                         handle_seconds=seconds, at_ms=10 * HOUR)  # fmt: skip
    found = report(fresh, since_ms=0, policies=("round-robin", "static"))
    rr, st = found.arms
    assert (rr.policy, rr.tickets, st.policy, st.tickets) == ("round-robin", 12, "static", 12)
    assert st.fcr == 1.0 and rr.fcr == pytest.approx(6 / 12)
    assert st.aht < rr.aht and st.aht_ci[0] <= st.aht <= st.aht_ci[1]
    assert found.aht_p is not None and found.aht_p < 0.001
    assert found.fcr_p is not None and found.fcr_p < 0.05
    # Nothing resolved after the cut-off: empty arms, no test.
    later = report(fresh, since_ms=11 * HOUR, policies=("round-robin", "static"))
    assert [a.tickets for a in later.arms] == [0, 0] and later.aht_p is None
