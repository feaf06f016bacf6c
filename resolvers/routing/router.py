"""Routing one ticket: the fallback steps around the candidate query.

Steps, in order, as workflow engines widen a match:

1. agents with the skills the ticket names, at the tier its complexity asks;
2. the same, with what those skills relate to in the graph;
3. the same, at any higher tier;
4. the team queue whose members cover most of its needs (no agent).

A step with nobody present (available, in shift, under capacity) but
someone who could take the ticket later holds the ticket for
``wait_seconds`` x step before the next step is tried; a step nobody could
ever serve is passed at once. Every placement is a ``RoutingDecision`` node
with its step, policy, score and score terms (the top candidates too), and
an audit record, so "why was this routed to me" has an answer.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from graph.queries import routing as q
from graph.store import Store
from graph.types import Row
from resolvers import audit
from resolvers.routing.config import STEPS, RoutingConfig
from resolvers.routing.needs import ticket_row
from resolvers.routing.policies import Ranked, rank

SHOWN = 5  # candidates kept in a decision's record


@dataclass(frozen=True)
class Decision:
    ticket: str
    step: int
    policy: str
    agent: str | None = None
    group: str | None = None
    score: float | None = None
    terms: dict[str, float] = field(default_factory=dict)
    candidates: list[Ranked] = field(default_factory=list)
    waiting: bool = False  # held for an agent who is busy now
    reason: str = ""

    @property
    def step_name(self) -> str:
        return STEPS[self.step]


def _now_ms() -> int:
    return int(time.time() * 1000)


def _minute(at_ms: int) -> int:
    at = datetime.fromtimestamp(at_ms / 1000, UTC)
    return at.hour * 60 + at.minute


class Router:
    def __init__(
        self, store: Store, config: RoutingConfig | None = None, *, audited: bool = True
    ) -> None:
        self.store = store
        self.audited = audited  # the simulator's thousands of decisions stay out of the trail
        self.config = config or RoutingConfig()
        self.rng = np.random.default_rng(self.config.seed)

    def _candidates(self, ticket: str, language: str | None, step: int, tier: int,
                    present: bool, at_ms: int, limit: int,
                    exclude: list[str]) -> list[Row]:  # fmt: skip
        high = self.config.max_tier if step >= 3 else tier
        return self.store.read(
            q.CANDIDATES,
            {"ticket": ticket, "step": min(step, 2), "min_tier": tier, "max_tier": high,
             "language": language, "present": present, "minute": _minute(at_ms),
             "limit": limit, "exclude": exclude},
        )  # fmt: skip

    def route(
        self,
        ticket: str,
        policy: str | None = None,
        at_ms: int | None = None,
        exclude: tuple[str, ...] = (),
    ) -> Decision:
        """Place ``ticket`` with an agent or a team queue, or hold it (``waiting``);
        ``exclude``: agents not to offer it to (who just transferred it)."""
        skip = list(exclude)
        at_ms = _now_ms() if at_ms is None else at_ms
        policy = policy or self.config.policy_at(at_ms)
        row = ticket_row(self.store, ticket)
        t = row["ticket"]
        if row.get("agents"):
            return Decision(ticket, 1, policy, agent=str(row["agents"][0]),
                            reason="already assigned")  # fmt: skip
        tier = self.config.tier_for(t.get("complexity"))
        language = t.get("language") if t.get("language") in ("en", "zh") else None
        since = t.get("waiting_since_ms")
        for step in (1, 2, 3):
            found = self._candidates(ticket, language, step, tier, True, at_ms,
                                     self.config.candidate_limit, skip)  # fmt: skip
            ranked = rank(policy, found, self.config, self.rng)
            for choice in ranked:
                taken = self.store.write(
                    q.ASSIGN,
                    {"ticket": ticket, "agent": choice.agent, "policy": policy, "step": step,
                     "at_ms": at_ms},
                )  # fmt: skip
                if taken:
                    return self.record(Decision(ticket, step, policy, agent=choice.agent,
                                                 score=choice.score, terms=choice.terms,
                                                 candidates=ranked[:SHOWN]), at_ms)  # fmt: skip
            if self._candidates(ticket, language, step, tier, False, at_ms, 1, skip):
                # Someone could take it at this step once free: wait before widening.
                if since is None:
                    since = self.store.write(q.MARK_WAITING, {"ticket": ticket, "at_ms": at_ms})[0][
                        "since"
                    ]
                if at_ms - int(since) < self.config.wait_seconds * 1000 * step:
                    return Decision(ticket, step, policy, waiting=True,
                                    reason=f"waiting for an agent at step {step} "
                                           f"({STEPS[step]})")  # fmt: skip
        group = self.store.read(q.FALLBACK_GROUP, {"ticket": ticket})
        if not group:
            return Decision(ticket, 4, policy, waiting=True, reason="no team queue exists")
        gid = str(group[0]["group"])
        self.store.write(q.QUEUE_IN_GROUP, {"ticket": ticket, "group": gid})
        queued = Decision(ticket, 4, policy, group=gid, reason="no agent with the skills")
        return self.record(queued, at_ms)

    def record(
        self, d: Decision, at_ms: int, subject: str = "router", role: str = "system"
    ) -> Decision:
        """Store the decision (and audit it, unless this router is not audited)."""
        terms = {
            "terms": d.terms,
            "candidates": [{"agent": c.agent, "score": c.score, **c.terms} for c in d.candidates],
        }
        self.store.write(
            q.RECORD_DECISION,
            {"ticket": d.ticket, "id": f"routing:{d.ticket}:{at_ms}:{secrets.token_hex(4)}",
             "agent": d.agent, "group": d.group, "step": d.step, "policy": d.policy,
             "score": d.score, "terms": json.dumps(terms, sort_keys=True), "at_ms": at_ms},
        )  # fmt: skip
        if not self.audited:
            return d
        audit.record(
            self.store,
            audit.Event("routing", "routing.assign", subject=subject, role=role,
                        target=d.ticket, detail=f"{d.agent or d.group} step {d.step} "
                                                f"({d.step_name}) by {d.policy}"),
        )  # fmt: skip
        return d


def decisions(store: Store, ticket: str) -> list[Row]:
    rows = store.read(q.DECISIONS_OF, {"ticket": ticket})
    out = []
    for r in rows:
        d = dict(r["decision"])
        d["terms"] = json.loads(d.get("terms") or "{}")
        out.append(d)
    return out
