"""Selection policies: each orders the router's candidates, best first.

The candidates and their score terms come from one Cypher query
(``graph/queries/routing.CANDIDATES``); a policy only combines the terms.

- ``round-robin``: the agent assigned longest ago first (skills only decide
  who is a candidate).
- ``least-loaded``: lowest load against capacity first.
- ``static``: declared proficiency on the ticket's needs, weighted by how
  much of them it covers, less a load penalty.
- ``learned``: Thompson sampling. Each covered skill's first-contact
  resolution rate is drawn from its Beta posterior (the declared level sets
  the prior, outcomes update it) and its mean log handling time from a
  normal posterior. The score is the log of resolutions per second of work
  against the candidates' pool: log(coverage x drawn success) less
  ``speed_weight`` x the drawn log of expected handling time over the
  pool's, less the load penalty. At ``speed_weight`` 1 that is minus the log
  of the expected work a ticket costs (handling time over the chance of
  resolving it, since an unresolved ticket comes back), the criterion an
  agent's true figures would be ranked by. Agents and skills with few
  outcomes draw widely, so they still get tickets (exploration) until their
  record says what they are worth.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from graph.types import Row
from resolvers.routing.config import RoutingConfig

MAX_LEVEL = 5
UNKNOWN_LOG_SD = 1.0  # spread of log handling time when nothing is known (about x2.7)


@dataclass(frozen=True)
class Ranked:
    agent: str
    score: float
    terms: dict[str, float] = field(default_factory=dict)


def _num(row: Row, key: str, default: float = 0.0) -> float:
    value = row.get(key)
    return default if value is None else float(value)


def _base_terms(c: Row) -> dict[str, float]:
    terms = {k: _num(c, k) for k in ("coverage", "proficiency", "success", "load_ratio")}
    if c.get("log_handle") is not None:
        terms["handle_seconds"] = math.exp(_num(c, "log_handle"))
    return terms


def round_robin(candidates: list[Row]) -> list[Ranked]:
    order = sorted(candidates, key=lambda c: (_num(c, "last_assigned_ms"), str(c["agent"])))
    return [Ranked(str(c["agent"]), -_num(c, "last_assigned_ms"), _base_terms(c)) for c in order]


def least_loaded(candidates: list[Row]) -> list[Ranked]:
    order = sorted(
        candidates,
        key=lambda c: (_num(c, "load_ratio"), _num(c, "last_assigned_ms"), str(c["agent"])),
    )
    return [Ranked(str(c["agent"]), -_num(c, "load_ratio"), _base_terms(c)) for c in order]


def static(candidates: list[Row], config: RoutingConfig) -> list[Ranked]:
    ranked = []
    for c in candidates:
        terms = _base_terms(c)
        score = terms["coverage"] * terms["proficiency"] - config.load_weight * terms["load_ratio"]
        ranked.append(Ranked(str(c["agent"]), score, terms))
    return _best_first(ranked)


def _skills(c: Row) -> list[dict[str, Any]]:
    return [s for s in c.get("skills") or [] if s is not None]


def _pooled_log_handle(candidates: list[Row]) -> tuple[float, float] | None:
    """Mean and spread of log handling time over every candidate's outcomes."""
    n = total = m2 = 0.0
    for c in candidates:
        for s in _skills(c):
            k = _num(s, "ht_n")
            if k <= 0:
                continue
            mean = _num(s, "ht_mean")
            # Chan et al.'s pairwise combination of (count, mean, M2).
            delta = mean - (total / n if n else 0.0)
            combined = n + k
            m2 += _num(s, "ht_m2") + delta * delta * n * k / combined
            total += mean * k
            n = combined
    if n == 0:
        return None
    sd = math.sqrt(m2 / (n - 1)) if n > 1 else UNKNOWN_LOG_SD
    return total / n, max(sd, 1e-3)


def learned(candidates: list[Row], config: RoutingConfig, rng: np.random.Generator) -> list[Ranked]:
    pool = _pooled_log_handle(candidates)
    ranked = []
    for c in candidates:
        terms = _base_terms(c)
        weight = success = log_success = slow = 0.0
        for s in _skills(c):
            w = _num(s, "weight", 1.0)
            level = min(max(_num(s, "level"), 0.0), MAX_LEVEL)
            handled, fcr = _num(s, "handled"), _num(s, "fcr")
            prior = (level + 1) / (MAX_LEVEL + 2)
            a = config.prior_strength * prior + fcr
            b = config.prior_strength * (1 - prior) + max(handled - fcr, 0.0)
            p = max(float(rng.beta(a, b)), 1e-6)
            success += w * p
            log_success += w * math.log(p)
            if pool is not None:
                slow += w * _draw_log_mean_handle(s, pool, rng)
            weight += w
        drawn = success / weight if weight else 0.0
        speed = slow / weight if weight else 0.0
        terms.update(drawn_success=drawn, drawn_slowness=speed)
        score = (
            math.log(max(terms["coverage"], 1e-6))
            + (log_success / weight if weight else math.log(1e-6))
            - config.speed_weight * speed
            - config.load_weight * terms["load_ratio"]
        )
        ranked.append(Ranked(str(c["agent"]), score, terms))
    return _best_first(ranked)


def _draw_log_mean_handle(
    skill: dict[str, Any], pool: tuple[float, float], rng: np.random.Generator
) -> float:
    """A draw of the log of this skill's mean handling time, less the pool's:
    the mean log time drawn from its own record shrunk to the pool's with
    one pseudo-observation, plus half its spread squared (a lognormal's mean
    is exp(mu + sigma^2 / 2), so a steady agent and an erratic one of the
    same median do not cost the same)."""
    centre, spread = pool
    n = _num(skill, "ht_n")
    if n <= 0:
        return float(rng.normal(centre, spread)) - centre
    own_sd = max(math.sqrt(_num(skill, "ht_m2") / (n - 1)) if n > 1 else spread, 1e-3)
    mean = (n * _num(skill, "ht_mean") + centre) / (n + 1)
    mu = float(rng.normal(mean, own_sd / math.sqrt(n + 1)))
    return mu + own_sd * own_sd / 2 - (centre + spread * spread / 2)


def _best_first(ranked: list[Ranked]) -> list[Ranked]:
    return sorted(ranked, key=lambda r: (-r.score, r.agent))


def rank(
    policy: str, candidates: list[Row], config: RoutingConfig, rng: np.random.Generator
) -> list[Ranked]:
    match policy:
        case "round-robin":
            return round_robin(candidates)
        case "least-loaded":
            return least_loaded(candidates)
        case "static":
            return static(candidates, config)
        case "learned":
            return learned(candidates, config, rng)
    raise ValueError(f"unknown routing policy {policy!r}")
