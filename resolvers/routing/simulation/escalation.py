"""What the simulator takes from the Volvo IT incident log: where an
unresolved ticket goes next, and how much of the work each level does.

A ticket's history is cut into runs of one (team, level); each change of
team or level is a reassignment. Counted over all tickets: the level a
ticket starts at, the next level after a reassignment from each level (the
same level when only the team changes: a transfer), the level that holds a
ticket last (which levels resolve what), and each level's share of events
(how the work, hence the staff, divides between tiers).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import pairwise

from resolvers.routing.simulation.logs import Event, SimulationDataError

LEVELS = {"L1": 1, "L2": 2, "L3": 3}  # "L2/L3" (39 of 65,533 events) counts as L2


def _level(text: str) -> int:
    return LEVELS.get(text.strip(), 2 if text.strip() == "L2/L3" else 0)


@dataclass(frozen=True)
class Escalation:
    first: dict[int, float]  # tier -> share of tickets starting there
    next_tier: dict[int, dict[int, float]]  # tier -> next tier's share after a reassignment
    resolved_at: dict[int, float]  # tier -> share of tickets whose last run is there
    work: dict[int, float]  # tier -> share of events
    reassignments: float  # mean reassignments per ticket
    tickets: int


def _shares(counts: Counter[int]) -> dict[int, float]:
    total = sum(counts.values())
    return {k: counts[k] / total for k in sorted(counts)} if total else {}


def estimate(events: list[Event]) -> Escalation:
    by_ticket: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        if _level(e.level):
            by_ticket[e.ticket].append(e)
    if not by_ticket:
        raise SimulationDataError("Volvo log: no event has a level L1, L2 or L3")
    first: Counter[int] = Counter()
    last: Counter[int] = Counter()
    work: Counter[int] = Counter()
    moves: dict[int, Counter[int]] = defaultdict(Counter)
    total_moves = 0
    for history in by_ticket.values():
        history.sort(key=lambda e: e.at)
        runs = [(history[0].team, _level(history[0].level))]
        for e in history:
            work[_level(e.level)] += 1
            here = (e.team, _level(e.level))
            if here != runs[-1]:
                runs.append(here)
        first[runs[0][1]] += 1
        last[runs[-1][1]] += 1
        for (_, a), (_, b) in pairwise(runs):
            moves[a][b] += 1
            total_moves += 1
    return Escalation(
        first=_shares(first),
        next_tier={a: _shares(c) for a, c in sorted(moves.items())},
        resolved_at=_shares(last),
        work=_shares(work),
        reassignments=total_moves / len(by_ticket),
        tickets=len(by_ticket),
    )
