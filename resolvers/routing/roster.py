"""The roster: agents, their tiers, languages, capacity, shift, teams and
declared skills, from a TOML or JSON file a supervisor keeps.

::

    [[agents]]
    id = "e1042"                 # the desk's own staff id
    name = "Lin Qiao"
    tier = 2                     # 1 to 3
    languages = ["zh", "en"]
    capacity = 6                 # tickets at once
    status = "available"         # available | busy | away
    shift = "01:00-09:00"        # UTC, may wrap midnight; omitted = always
    teams = ["Storage"]
    skills = { "replication" = 4, "NimbusDB" = 3 }   # name or alias: level 0-5

Skill names are matched to the graph's products, components and concepts
by name or alias (any case); an unknown one is reported with its agent and
the rest of the roster still loads. Reading the roster again updates the
agents and their declared levels and keeps what was learned.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from graph.queries import routing as q
from graph.store import Store

_SHIFT = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")
_ID = re.compile(r"^[\w.@-]{1,64}$")
MAX_AGENTS = 100_000


class RosterError(ValueError):
    """A roster file that cannot be loaded; the message names the file and the entry."""


class AgentEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    name: str = Field(min_length=1, max_length=200)
    tier: int = Field(ge=1, le=3)
    languages: list[Literal["en", "zh"]] = Field(default_factory=list)
    capacity: int = Field(ge=1, le=1000)
    status: Literal["available", "busy", "away"] = "available"
    shift: str | None = None
    teams: list[str] = Field(default_factory=list)
    skills: dict[str, int] = Field(default_factory=dict)

    @field_validator("id")
    @classmethod
    def _plain_id(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError("must be 1-64 letters, digits or . _ @ -")
        return v

    @field_validator("shift")
    @classmethod
    def _shift(cls, v: str | None) -> str | None:
        if v is not None and not _SHIFT.match(v):
            raise ValueError('must look like "08:00-16:30" (UTC)')
        return v

    @field_validator("skills")
    @classmethod
    def _levels(cls, v: dict[str, int]) -> dict[str, int]:
        for name, level in v.items():
            if not 0 <= level <= 5:
                raise ValueError(f"level of {name!r} must be 0 to 5, not {level}")
        return v


class Roster(BaseModel):
    model_config = ConfigDict(extra="forbid")
    agents: list[AgentEntry] = Field(max_length=MAX_AGENTS)


@dataclass
class Loaded:
    agents: int = 0
    skills: int = 0
    teams: int = 0
    problems: list[str] = field(default_factory=list)


def agent_id(roster_id: str) -> str:
    return f"agent:roster:{roster_id}"


def group_id(team: str) -> str:
    return "group:roster:" + re.sub(r"\s+", "-", team.strip().lower())


def read(path: Path) -> Roster:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RosterError(f"{path}: cannot read the roster: {exc.strerror}") from exc
    try:
        data = tomllib.loads(raw.decode()) if path.suffix == ".toml" else json.loads(raw)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise RosterError(f"{path}: not valid {path.suffix.lstrip('.') or 'JSON'}: {exc}") from exc
    try:
        return Roster.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RosterError(f"{path}: {where}: {first['msg']}") from exc


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def _names(store: Store) -> dict[str, str]:
    """Every product, component and concept name and alias (lower case) -> id."""
    by_name: dict[str, str] = {}
    for r in sorted(store.read(q.TARGETS), key=lambda r: str(r["id"])):
        for n in r.get("names") or []:
            by_name.setdefault(str(n).strip().lower(), str(r["id"]))
        by_name.setdefault(str(r["id"]).lower(), str(r["id"]))
    return by_name


def load(store: Store, roster: Roster, source: str) -> Loaded:
    ids = [a.id for a in roster.agents]
    if len(set(ids)) != len(ids):
        dup = sorted({i for i in ids if ids.count(i) > 1})
        raise RosterError(f"{source}: agent ids appear twice: {', '.join(dup[:10])}")
    names = _names(store)
    done = Loaded()
    agents, skills, undeclare, members = [], [], [], []
    for a in roster.agents:
        aid = agent_id(a.id)
        props: dict[str, object] = {
            "name": a.name, "tier": a.tier, "languages": list(a.languages),
            "capacity": a.capacity, "status": a.status, "roster": source,
        }  # fmt: skip
        if a.shift:
            start, end = a.shift.split("-")
            props.update(shift_start=_minutes(start), shift_end=_minutes(end))
        agents.append({"id": aid, "props": props})
        targets = []
        for name, level in a.skills.items():
            target = names.get(name.strip().lower())
            if target is None:
                done.problems.append(f"{source}: agent {a.id}: no product, component or "
                                     f"concept is named {name!r}")  # fmt: skip
                continue
            skills.append({"agent": aid, "target": target, "level": level})
            targets.append(target)
        undeclare.append({"agent": aid, "targets": targets})
        members += [{"agent": aid, "group": group_id(t), "name": t.strip()} for t in a.teams]
    with store.transaction() as tx:
        tx.run_batch(q.UPSERT_AGENTS, agents)
        tx.run_batch(q.UNDECLARE_SKILLS, undeclare)
        tx.run_batch(q.DROP_EMPTY_SKILLS, undeclare)
        tx.run_batch(q.SET_SKILLS, skills)
        tx.run_batch(q.SET_MEMBERSHIPS, members)
    done.agents, done.skills = len(agents), len(skills)
    done.teams = len({m["group"] for m in members})
    return done
