"""The A/B report: resolved tickets by the policy that placed them.

With ``GRAPHDESK_ROUTING_AB=learned,static`` the two policies take turns
by time slice, so both meet the same mix of traffic. The report gives, per
policy, the tickets resolved, average handling time (AHT) and first-contact
resolution (FCR) with 95% intervals, and the tests of a difference: Welch's
t-test on handling time and Fisher's exact test on first-contact
resolution (scipy). A p-value under 0.05 is a difference this sample
supports; over it, none shown yet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from graph.queries import routing as q
from graph.store import Store

Z95 = 1.959964


@dataclass(frozen=True)
class Arm:
    policy: str
    tickets: int
    aht: float
    aht_ci: tuple[float, float]
    fcr: float
    fcr_ci: tuple[float, float]


@dataclass(frozen=True)
class Report:
    arms: list[Arm]
    aht_p: float | None  # Welch's t-test, two-sided
    fcr_p: float | None  # Fisher's exact test, two-sided


def _wilson(successes: int, n: int) -> tuple[float, float]:
    if n == 0:
        return (0.0, 0.0)
    p = successes / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def _mean_ci(values: np.ndarray) -> tuple[float, float]:
    if len(values) < 2:
        m = float(values.mean()) if len(values) else 0.0
        return (m, m)
    half = float(stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / math.sqrt(len(values)))
    m = float(values.mean())
    return (m - half, m + half)


def report(store: Store, since_ms: int, policies: tuple[str, ...] | None = None) -> Report:
    rows = store.read(q.OUTCOMES_BY_POLICY, {"since_ms": since_ms})
    by: dict[str, list[tuple[float, bool]]] = {}
    for r in rows:
        if r.get("handle_seconds") is None:
            continue
        by.setdefault(str(r["policy"]), []).append((float(r["handle_seconds"]),
                                                     bool(r.get("first_contact"))))  # fmt: skip
    names = list(policies) if policies else sorted(by)
    arms = []
    samples: dict[str, tuple[np.ndarray, int]] = {}
    for name in names:
        got = by.get(name, [])
        seconds = np.asarray([s for s, _ in got], dtype=float)
        first = sum(1 for _, f in got if f)
        samples[name] = (seconds, first)
        arms.append(Arm(name, len(got), float(seconds.mean()) if len(got) else 0.0,
                        _mean_ci(seconds), first / len(got) if got else 0.0,
                        _wilson(first, len(got))))  # fmt: skip
    aht_p = fcr_p = None
    if len(names) == 2 and all(len(samples[n][0]) >= 2 for n in names):
        (a, fa), (b, fb) = samples[names[0]], samples[names[1]]
        aht_p = float(stats.ttest_ind(a, b, equal_var=False).pvalue)
        table = np.asarray([[fa, len(a) - fa], [fb, len(b) - fb]])
        fcr_p = float(stats.fisher_exact(table).pvalue)
    return Report(arms, aht_p, fcr_p)
