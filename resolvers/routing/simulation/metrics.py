"""A run's figures and their 95% intervals over seeds.

- AHT: mean handling seconds of served contacts.
- FCR: issues whose first contact was served and resolved it, over issues
  whose first contact was served (abandoned first contacts are in
  ``abandonment``, not here).
- ASA: mean seconds in queue of served contacts.
- abandonment: contacts whose caller hung up, over contacts that ended.
- utilisation: agent-seconds in service over agent-seconds on shift, both
  within the horizon.
- transfers: later contacts per issue with a served first contact (each is
  a reassignment of the unresolved issue); escalations: those at a higher
  tier than the contact before.
- aht_expected, fcr_expected: the same two figures with each contact's
  draw replaced by its expectation (the served agent's hidden mean handling
  time on the type, and chance of resolving it). Conditional expectations:
  they estimate what AHT and FCR estimate, from the same runs, without the
  spread of the handling-time and resolution draws; a diagnostic beside
  the figures, not a replacement for them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from itertools import pairwise

from scipy import stats

from resolvers.routing.simulation.model import Contact, Run

FIGURES = ("aht", "fcr", "asa", "abandonment", "utilisation", "transfers", "escalations",
           "aht_expected", "fcr_expected")  # fmt: skip


def figures(run: Run) -> dict[str, float]:
    served = [c for c in run.contacts if c.agent is not None]
    ended = [c for c in run.contacts if c.agent is not None or c.abandoned]
    firsts = [c for c in served if c.number == 1]
    by_issue: dict[int, list[Contact]] = defaultdict(list)
    for c in run.contacts:
        by_issue[c.issue].append(c)
    served_issues = [cs for cs in by_issue.values() if cs[0].agent is not None]
    later = [c for cs in served_issues for c in cs[1:]]
    escalated = sum(1 for cs in served_issues for a, b in pairwise(cs)
                    if b.tier > a.tier)  # fmt: skip
    replay = [c for c in firsts if c.replayed is not None]
    return {
        "aht": _mean([c.handle for c in served]),
        "fcr": _mean([float(c.resolved) for c in firsts]),
        "aht_expected": _mean([c.expected_handle for c in served]),
        "fcr_expected": _mean([c.chance for c in firsts]),
        "asa": _mean([c.wait for c in served]),
        "abandonment": _mean([float(c.abandoned) for c in ended]),
        "utilisation": run.busy / run.on_duty if run.on_duty else math.nan,
        "transfers": len(later) / len(served_issues) if served_issues else math.nan,
        "escalations": escalated / len(served_issues) if served_issues else math.nan,
        "contacts": float(len(run.contacts)),
        "issues": float(len(by_issue)),
        "replayed": _mean([float(bool(c.replayed)) for c in replay]) if replay else math.nan,
    }


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else math.nan


def interval(xs: list[float]) -> tuple[float, float, float]:
    """Mean and Student-t 95% interval over seeds (a point with one seed)."""
    vals = [x for x in xs if not math.isnan(x)]
    if not vals:
        return math.nan, math.nan, math.nan
    m = sum(vals) / len(vals)
    if len(vals) < 2:
        return m, m, m
    sd = math.sqrt(sum((x - m) ** 2 for x in vals) / (len(vals) - 1))
    half = float(stats.t.ppf(0.975, len(vals) - 1)) * sd / math.sqrt(len(vals))
    return m, m - half, m + half


def summary(runs: list[Run]) -> dict[str, object]:
    """The policy's entry of the results: each figure's mean over seeds, the
    AHT and FCR intervals as ``[low, high]``, and every figure's interval."""
    per = [figures(r) for r in runs]
    out: dict[str, object] = {"seeds": len(runs)}
    for key in (*FIGURES, "contacts", "issues", "replayed"):
        m, lo, hi = interval([p[key] for p in per])
        out[key] = m
        out[f"{key}_ci"] = [lo, hi]
    return out


PAIRED = ("aht", "fcr", "aht_expected", "fcr_expected", "asa")


def paired(runs: list[Run], against: list[Run]) -> dict[str, object]:
    """Per-seed differences ``runs`` minus ``against`` (the same seeds, so
    the same callers, types, patience and draws: common random numbers),
    each figure's mean difference and its Student-t 95% interval."""
    if [r.seed for r in runs] != [r.seed for r in against]:
        raise ValueError("paired differences need the same seeds in the same order")
    a, b = [figures(r) for r in runs], [figures(r) for r in against]
    out: dict[str, object] = {"seeds": len(runs)}
    for key in PAIRED:
        diffs = [x[key] - y[key] for x, y in zip(a, b, strict=True)]
        m, lo, hi = interval(diffs)
        out[key], out[f"{key}_ci"], out[f"{key}_per_seed"] = m, [lo, hi], diffs
    return out


def learning_curve(runs: list[Run], bin_hours: float) -> list[tuple[float, float]]:
    """FCR of served first contacts by the hour they arrived in, binned."""
    hits: dict[int, list[float]] = defaultdict(list)
    for r in runs:
        for c in r.contacts:
            if c.number == 1 and c.agent is not None:
                hits[int(c.arrived // (bin_hours * 3600))].append(float(c.resolved))
    return [((b + 0.5) * bin_hours, sum(v) / len(v)) for b, v in sorted(hits.items())]
