"""A worked ticket's outcome: the agent's place comes back and the skill
edges the ticket used learn from it (first contact or not, handling time,
satisfaction), which is what the learned policy draws from next time."""

from __future__ import annotations

import math
import time

from graph.queries import routing as q
from graph.store import Store
from resolvers.errors import InvalidArgument

MAX_HANDLE_SECONDS = 30 * 86_400.0  # a month: beyond that it is a data error


def resolve(
    store: Store,
    ticket: str,
    agent: str,
    *,
    first_contact: bool,
    handle_seconds: float,
    csat: float | None = None,
    at_ms: int | None = None,
) -> int:
    """Record the outcome; returns how many skill edges learned from it."""
    if not 0 < handle_seconds <= MAX_HANDLE_SECONDS:
        raise InvalidArgument(
            "handleSeconds",
            f"handle_seconds must be above 0 and at most {MAX_HANDLE_SECONDS:.0f}, "
            f"not {handle_seconds}",
        )
    if csat is not None and not 1 <= csat <= 5:
        raise InvalidArgument("csat", f"csat must be 1 to 5, not {csat}")
    at_ms = int(time.time() * 1000) if at_ms is None else at_ms
    released = store.write(q.RELEASE, {"ticket": ticket, "agent": agent})
    if not released:
        raise InvalidArgument("ticket", f"ticket {ticket!r} is not assigned to agent {agent!r}")
    learned = store.write(
        q.LEARN,
        {"ticket": ticket, "agent": agent, "first_contact": int(first_contact),
         "log_handle": math.log(handle_seconds), "csat": float(csat or 0.0),
         "csat_n": 0 if csat is None else 1},
    )  # fmt: skip
    store.write(
        q.CLOSE_TICKET,
        {"ticket": ticket, "status": "solved", "at_ms": at_ms, "first_contact": first_contact,
         "handle_seconds": float(handle_seconds), "policy": released[0].get("policy"),
         "agent": agent},
    )  # fmt: skip
    return int(learned[0]["learned"]) if learned else 0


def set_status(store: Store, agent: str, status: str) -> None:
    if status not in ("available", "busy", "away"):
        raise InvalidArgument("status", f"status must be available, busy or away, not {status!r}")
    if not store.write(q.SET_STATUS, {"agent": agent, "status": status}):
        raise InvalidArgument("agent", f"agent {agent!r} does not exist")
