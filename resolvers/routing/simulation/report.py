"""The experiment's Markdown: the policies' figures with their intervals,
the ratios against the seed claim, the assumptions and the sensitivity
table."""

from __future__ import annotations

import math
from typing import Any

from resolvers.routing.simulation.experiment import SENSITIVITY

EXPLAINED = {
    "repeat_window_hours": "a served call followed by the same customer's call within this "
    "many hours did not resolve the issue (the hidden FCR truth)",
    "level_noise": "sd, in levels 0-5, of each declared skill level around the agent's true "
    "rank on the type (how well supervisors know their people)",
    "pool_weight": "pseudo-calls shrinking each agent's handle-time and FCR estimates to the "
    "type's pool (larger: agents more alike)",
    "skill_min_calls": "calls of a type in the log that make it one of the agent's skills",
    "max_contacts": "contacts per issue after which it counts unresolved for good",
    "wait_seconds": "the router's wait before each widening step (RoutingConfig.wait_seconds)",
    "tick_seconds": "how often held tickets are routed again (also whenever an agent frees)",
    "declare_seed": "the seed of the declared levels' noise (one desk, the same for all runs)",
    "history_days": "log days before the simulated ones: the desk's past, taught to `learned` "
    "through `outcomes.resolve` before a run (identified callers' served calls on declared "
    "skills whose repeat window closed before day 1); the hidden truth comes from the days "
    "after (0: no history, the truth from the whole log)",
    "arrival_scale": "calls per hour as a share of the log's, at the log's staffing (below 1: "
    "slack, so more contacts find a choice of free agents)",
}
FIXED = [
    ("first contacts", "all at tier 1 (the bank's front line); later tiers from the Volvo log"),
    ("outcome known", "at the end of the contact (the router learns first-contact resolution "
     "at once, not after the repeat window)"),
    ("patience", "exponential, its mean the log's censored estimate (abandoned waits observed, "
     "served waits censored)"),
    ("staffing", "day d of a run is the log's day d: each agent who served calls that day "
     "works the shortest run of back-to-back template shifts holding 90% of them; tiers 2-3 "
     "are the best declared records among early and late starters, in the Volvo log's "
     "shares of work per level (at least one each)"),
    ("least-loaded", "with capacity 1 every free candidate has load 0, so least-loaded "
     "falls to its tie-break (longest since assigned): round-robin's order"),
    ("capacity", "1 call at a time per agent"),
    ("repeat delay", "resampled from the log's gaps between a served call and its repeat"),
]  # fmt: skip


def _f(x: Any, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{x:.{digits}f}" if isinstance(x, float) else str(x)


def _ci(p: dict[str, Any], key: str, digits: int) -> str:
    lo, hi = p[f"{key}_ci"]
    return f"{_f(p[key], digits)} [{_f(lo, digits)}, {_f(hi, digits)}]"


def policy_table(policies: dict[str, dict[str, Any]]) -> list[str]:
    lines = [
        "| policy | AHT s [95% CI] | FCR [95% CI] | ASA s [95% CI] | abandonment | "
        "utilisation | transfers / issue | escalations / issue |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, p in policies.items():
        lines.append(
            f"| {name} | {_ci(p, 'aht', 1)} | {_ci(p, 'fcr', 3)} | {_ci(p, 'asa', 1)} | "
            f"{_ci(p, 'abandonment', 3)} | {_f(p['utilisation'])} | {_f(p['transfers'])} | "
            f"{_f(p['escalations'])} |"
        )
    return lines


def paired_table(pairs: dict[str, dict[str, Any]]) -> list[str]:
    lines = [
        "| difference (same seeds) | AHT s [95% CI] | FCR [95% CI] | expected AHT s [95% CI] | "
        "expected FCR [95% CI] | ASA s [95% CI] |",
        "|---|---|---|---|---|---|",
    ]
    for name, d in pairs.items():
        lines.append(f"| {name} | {_ci(d, 'aht', 1)} | {_ci(d, 'fcr', 4)} | "
                     f"{_ci(d, 'aht_expected', 1)} | {_ci(d, 'fcr_expected', 4)} | "
                     f"{_ci(d, 'asa', 1)} |")  # fmt: skip
    return lines


def _pct(x: Any) -> str:
    return "–" if x is None or math.isnan(x) else f"{100 * x:+.1f}%"


def markdown(result: dict[str, Any]) -> str:
    pol = result["policies"]
    r = result.get("ratios") or {}
    label = result["label"][0].upper() + result["label"][1:]
    lines = [
        "# Routing simulator",
        "",
        f"{label}. {result['seeds']} seeds x {result['days']} simulated "
        f"days per policy, {result['agents']} agents (tiers 1/2/3: "
        f"{'/'.join(str(result['tiers'][t]) for t in ('1', '2', '3'))}), equal staffing; "
        "every assignment by the real router (`Router.route`) on a fresh embedded graph. "
        f"Runtime {result['runtime_seconds']:.0f} s. Intervals: Student-t 95% over seeds.",
        "",
        *policy_table(pol),
        "",
    ]
    goal = result.get("goal") or {}
    if goal:
        clear = [k.replace("_", " ") for k, v in goal.items() if k != "met" and v]
        lines += [
            f"Goal (learned's 95% intervals clear of static's and round-robin's on AHT and FCR): "
            f"**{'met' if goal['met'] else 'not met'}**"
            + (f"; clear: {', '.join(clear)}." if clear else "; no interval is clear."),
            "",
        ]
    if result.get("paired"):
        lines += [
            "Paired differences, seed by seed (every policy meets the same callers, types, "
            "patience and draws within a seed). Expected AHT and FCR replace each contact's "
            "handling-time and resolution draw by the served agent's hidden mean and chance: "
            "the same quantities with less noise, a diagnostic beside the goal's figures.",
            "",
            *paired_table(result["paired"]),
            "",
        ]
    hist = result.get("history") or {}
    if hist.get("days"):
        lines += [
            f"History: `learned` starts each run taught {hist['outcomes']} outcomes of the "
            f"log's first {hist['days']} days through `outcomes.resolve` ({hist['seconds']:.0f} s "
            "a run); the simulated days are the log's days after them, and the hidden truth "
            "is estimated from those days only.",
            "",
        ]
    if "old" in pol:
        lines += [
            f"`old` replayed the log's server for {_f(100 * pol['old']['replayed'], 1)}% of its "
            "served first contacts; round-robin stood in for the rest (the logged agent busy, "
            "off shift, or none) and for every later contact.",
            "",
        ]
    if r:
        lines += [
            f"Learned against `{r['against']}`: AHT {_pct(r['aht'])} (claim "
            f"{_pct(r['claim']['aht'])}), FCR {_pct(r['fcr'])} (claim {_pct(r['claim']['fcr'])}).",
            "",
        ]
    if "oracle_aht" in r:
        lines += [
            f"`oracle` is a bound, not a policy: it knows each agent's hidden handling time "
            "and resolution chance and gives every contact to the free agent with the least "
            "expected work (mean time over the chance of resolving), among the agents the "
            "router's steps offer then (the contact's tier first; higher tiers once nobody "
            "at it is on duty or the contact has waited out steps 1 and 2). Against "
            f"`{r['against']}` it reaches AHT {_pct(r['oracle_aht'])}, FCR "
            f"{_pct(r['oracle_fcr'])}: about the most any ranking of candidates could gain "
            "in this data with the router's fallback order unchanged (holding a contact "
            "back for a better agent is not tried).",
            "",
        ]
    lines += ["## Assumptions", "", "| assumption | value | meaning |", "|---|---|---|"]
    for k, v in result["assumptions"].items():
        rng = SENSITIVITY.get(k)
        shown = f"{v:g}" + (f" (range {', '.join(f'{x:g}' for x in rng)})" if rng else "")
        lines.append(f"| {k} | {shown} | {EXPLAINED.get(k, '')} |")
    for k, v in FIXED:
        lines.append(f"| {k} | – | {v} |")
    lines += ["", "From the logs:", ""]
    lines += [f"- {k}: {_f(v, 3)}" for k, v in result["facts"].items()]
    if result["sensitivity"]:
        lines += [
            "",
            f"## Sensitivity ({result['sensitivity_seeds']} seed(s) x "
            f"{result['sensitivity_days']} day(s) per cell)",
            "",
            "| assumption | value | policy | AHT s | FCR | ASA s | abandonment |"
            " learned AHT vs old | learned FCR vs old |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for row in result["sensitivity"]:
            rr = row["ratios"] or {}
            for name, p in row["policies"].items():
                lines.append(
                    f"| {row['assumption']} | {row['value']:g} | {name} | {_f(p['aht'], 1)} | "
                    f"{_f(p['fcr'])} | {_f(p['asa'], 1)} | {_f(p['abandonment'])} | "
                    f"{_pct(rr.get('aht', math.nan))} | {_pct(rr.get('fcr', math.nan))} |"
                )
    return "\n".join(lines) + "\n"
