"""The router's settings: fallback waits, tiers per complexity, policy weights.

Defaults are what a support desk would start from; each is a field of
``RoutingConfig`` so a deployment (or the simulator's sensitivity table) can
change it without touching the router.
"""

from __future__ import annotations

from dataclasses import dataclass, field

POLICIES = ("learned", "static", "round-robin", "least-loaded")
STEPS = {0: "manual override", 1: "skills", 2: "related", 3: "higher tier", 4: "team queue"}


def _tiers() -> dict[str, int]:
    # L1-L2 (a document or an error code's steps) for first line, L3 (several
    # components, a stack trace) for second, L4-L5 (no knowledge, defect,
    # outage) for third.
    return {"L1": 1, "L2": 1, "L3": 2, "L4": 3, "L5": 3}


@dataclass(frozen=True)
class RoutingConfig:
    policy: str = "learned"
    # How long a ticket waits for an agent with the skills, once someone who
    # could take it exists but is busy, before each widening step.
    wait_seconds: float = 120.0
    tier_of_complexity: dict[str, int] = field(default_factory=_tiers)
    max_tier: int = 3
    related_limit: int = 5  # related targets offered at step 2
    related_weight: float = 0.5  # a related target counts half a named one
    candidate_limit: int = 200
    # Learned and static scores: success (or proficiency) minus these.
    load_weight: float = 0.3  # per unit of load / capacity
    # Per unit of log expected handling time above the pool's; 1 makes the
    # learned score minus the log of expected work (time over the chance of
    # resolving), below 1 favours resolving over speed.
    speed_weight: float = 1.0
    # Beta prior of first-contact resolution: mean (level + 1) / 7 from the
    # declared level 0-5, worth ``prior_strength`` outcomes, so declarations
    # rank agents at first and a few outcomes outweigh them.
    prior_strength: float = 2.0
    seed: int | None = None  # the learned policy's draws (None: fresh each process)
    # A/B in production: two policies taking turns by time slice (as call
    # centres evaluate predictive routing), so both see the same traffic mix.
    ab: tuple[str, str] | None = None
    ab_slice_minutes: int = 60

    def __post_init__(self) -> None:
        if self.policy not in POLICIES:
            raise ValueError(f"routing policy {self.policy!r} is not one of {', '.join(POLICIES)}")
        if self.wait_seconds < 0:
            raise ValueError(f"routing wait_seconds must be 0 or more, not {self.wait_seconds}")
        for p in self.ab or ():
            if p not in POLICIES:
                raise ValueError(f"routing A/B policy {p!r} is not one of {', '.join(POLICIES)}")
        if self.ab_slice_minutes < 1:
            raise ValueError(
                f"routing A/B slice must be 1 minute or more, not {self.ab_slice_minutes}"
            )
        if not 1 <= self.max_tier <= 9:
            raise ValueError(f"routing max_tier must be 1 to 9, not {self.max_tier}")

    def policy_at(self, at_ms: int) -> str:
        """The policy in force at ``at_ms``: the A/B pair's, slice by slice, else the one."""
        if self.ab is None:
            return self.policy
        return self.ab[(at_ms // (self.ab_slice_minutes * 60_000)) % 2]

    def tier_for(self, complexity: str | None) -> int:
        return self.tier_of_complexity.get((complexity or "").upper(), 1)
