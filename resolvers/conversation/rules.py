"""The conversation rules: thresholds, cue patterns and messages, from TOML.

The shipped defaults are ``data/rules.toml``; ``GRAPHDESK_CONVERSATION_RULES``
names a file of the same shape whose tables replace the defaults key by key
(a key left out keeps its default). A bad file is refused with an error that
names the file, the key and what is wrong. The request-for-a-person rule
cannot be switched off: its cue list may be replaced, never emptied.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

DEFAULTS = Path(__file__).parent / "data" / "rules.toml"
LANGUAGES = ("en", "zh")
MESSAGE_KEYS = ("request", "emotion", "complexity", "unresolved", "acknowledge", "closed")


class RulesError(ValueError):
    """The rules file cannot be used; the message names the file and the key."""


def _compiled(patterns: list[str]) -> list[re.Pattern[str]]:
    out = []
    for i, p in enumerate(patterns):
        try:
            out.append(re.compile(p, re.IGNORECASE))
        except re.error as exc:
            raise ValueError(f"pattern [{i}] {p!r} is not a regular expression: {exc}") from None
    return out


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)


class Cues(_Strict):
    """A list of patterns; any one matching is a hit."""

    patterns: list[re.Pattern[str]]

    def erase(self, text: str) -> str:
        """``text`` with every match blanked out."""
        for p in self.patterns:
            text = p.sub(" ", text)
        return text

    def find(self, text: str) -> str | None:
        """The first matching text, or None."""
        for p in self.patterns:
            m = p.search(text)
            if m:
                return m.group(0)
        return None


def _cues(value: Any) -> Cues:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("must be a list of strings (regular expressions)")
    return Cues(patterns=_compiled(value))


class Escalation(_Strict):
    emotion_below: float = Field(ge=-1.0, le=1.0)
    emotion_needs_sign: bool
    complexity_above: int = Field(ge=1, le=5)
    unresolved_run: int = Field(ge=1, le=20)
    # How many turns of that run must be the customer's own word (says it did not
    # help, repeats); the others may be answers below the confidence threshold.
    unresolved_said: int = Field(default=0, ge=0, le=20)
    order: list[str]
    # The learned turn reader (reader.py), consulted when no rule fired; its
    # threshold is the trained one unless ``learned_above`` gives another.
    learned: bool = True
    learned_above: float | None = Field(default=None, gt=0.0, le=1.0)

    @field_validator("order")
    @classmethod
    def _all_rules(cls, value: list[str]) -> list[str]:
        wanted = {"emotion", "complexity", "unresolved"}
        if sorted(value) != sorted(wanted):
            raise ValueError(f"must name each of {', '.join(sorted(wanted))} once, not {value}")
        return value


class Unresolved(_Strict):
    repeat_similarity: float = Field(gt=0.0, le=1.0)
    repeat_min_chars: int = Field(ge=1)
    no_help: Cues
    helped: Cues

    @field_validator("no_help", "helped", mode="before")
    @classmethod
    def _cue(cls, value: Any) -> Cues:
        return _cues(value)


class Request(_Strict):
    cues: Cues
    # A request the customer turns down ("no need for a person", 不用转人工):
    # blanked out before the cues are looked for, so a later real request in
    # the same message still counts.
    declined: Cues = Field(default_factory=lambda: Cues(patterns=[]))
    # Words for a person that mean something else (人工删除 "deleting by hand",
    # 人工智能): blanked out the same way.
    not_a_person: Cues = Field(default_factory=lambda: Cues(patterns=[]))

    @field_validator("declined", "not_a_person", mode="before")
    @classmethod
    def _declined(cls, value: Any) -> Cues:
        return value if isinstance(value, Cues) else _cues(value)

    @field_validator("cues", mode="before")
    @classmethod
    def _not_empty(cls, value: Any) -> Cues:
        cues = _cues(value)
        if not cues.patterns:
            raise ValueError("may not be empty: a customer can always ask for a person")
        return cues


class Complexity(_Strict):
    no_knowledge_below: float = Field(ge=0.0, le=1.0)
    several_products: int = Field(ge=2)
    several_components: int = Field(ge=2)
    outage: Cues
    data_loss: Cues
    security: Cues
    defect: Cues
    # An L5 matter asked about or ruled out ("will the upgrade cause an outage?"):
    # blanked out before the L5 cues are looked for.
    hypothetical: Cues = Field(default_factory=lambda: Cues(patterns=[]))
    # A crash of the customer's own program: blanked out before the defect cues.
    own_program: Cues = Field(default_factory=lambda: Cues(patterns=[]))
    # What asks a question; "no matching knowledge" is judged only for such a turn.
    # Left out, every turn counts as one.
    question: Cues = Field(default_factory=lambda: Cues(patterns=[re.compile(".")]))
    # A question whether the product supports something; with a name the knowledge
    # never mentions, rarer in everyday language than this (log10), it is L4.
    capability: Cues = Field(default_factory=lambda: Cues(patterns=[]))
    unknown_name_below: float = Field(default=-5.0, ge=-10.0, le=0.0)

    @field_validator("outage", "data_loss", "security", "defect", mode="before")
    @classmethod
    def _cue(cls, value: Any) -> Cues:
        return _cues(value)

    @field_validator("hypothetical", "own_program", "question", "capability", mode="before")
    @classmethod
    def _hypothetical(cls, value: Any) -> Cues:
        return value if isinstance(value, Cues) else _cues(value)


class Messages(_Strict):
    request: str
    emotion: str
    complexity: str
    unresolved: str
    acknowledge: str
    closed: str


class Rules(_Strict):
    queue: str = Field(min_length=1, max_length=60, pattern=r"^[\w.-]+$")
    escalation: Escalation
    unresolved: Unresolved
    request: Request
    complexity: Complexity
    messages: dict[str, Messages]

    @field_validator("messages")
    @classmethod
    def _every_language(cls, value: dict[str, Messages]) -> dict[str, Messages]:
        missing = [lang for lang in LANGUAGES if lang not in value]
        if missing:
            raise ValueError(f"needs a table for each of {', '.join(LANGUAGES)}; missing {missing}")
        return value

    def message(self, language: str, key: str, **values: str) -> str:
        table = self.messages["zh" if language == "zh" else "en"]
        return str(getattr(table, key)).format(**values)


def normalised(text: str) -> str:
    """What cue patterns are matched against: full-width forms folded (NFKC)."""
    return unicodedata.normalize("NFKC", text)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise RulesError(f"{path}: no such rules file (GRAPHDESK_CONVERSATION_RULES)") from None
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{path}: not valid TOML: {exc}") from None


@dataclass(frozen=True)
class _Key:
    path: str | None


@lru_cache(maxsize=8)
def _load(key: _Key) -> Rules:
    data = _read(DEFAULTS)
    where = DEFAULTS
    if key.path is not None:
        where = Path(key.path)
        data = _merge(data, _read(where))
    try:
        return Rules.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_input=False, include_url=False):
            where_in = ".".join(str(p) for p in err["loc"])
            problems.append(f"{where_in}: {str(err['msg']).removeprefix('Value error, ')}")
        raise RulesError(f"{where}: " + "; ".join(problems)) from None


def load_rules(path: Path | str | None = None) -> Rules:
    """The shipped rules, with the tables of ``path`` (if given) over them."""
    return _load(_Key(str(Path(path).expanduser()) if path is not None else None))
