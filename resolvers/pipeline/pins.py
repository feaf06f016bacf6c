"""Editor-pinned answers in the graph: pin, replace, unpin, list.

A knowledge editor pins an answer to a question pattern (``pattern.py``):
questions that match it are answered with the editor's text first, cited to
them (``pinboard.py`` holds the pins in memory and does the matching). Each
pin is a ``PinnedAnswer`` node (migration V0014) with its pattern as written
and in canonical form (``pattern_key``), the answer and its language, the
ids of the sections and error codes it cites, the curator (the subject of
the token that last set it) and when it was created and last changed.

Pinning a pattern again (the same canonical form: the same terms in another
order, case or spelling of separators) replaces its pin, as does pinning
with the pin's ``id``; a new pin's id comes from its canonical pattern, so
two editors pinning one pattern at once make one pin, not two. Bad input
raises ``BadPin`` naming the argument; nothing is written then.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from graph.queries import pins as q
from graph.store import Store
from graph.types import Row
from resolvers.pipeline.errors import BadPin
from resolvers.pipeline.pattern import BadPattern, Pattern, parse
from resolvers.pipeline.records import Answer, Citation

MAX_ANSWER_CHARS = 4000
MAX_CITED = 10
LANGUAGES = ("en", "zh")  # the languages the answer pipeline speaks
SNIPPET_CHARS = 300
EXTRACTOR = "graphdesk.pins/1"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pin:
    id: str
    pattern: str  # as the editor wrote it
    rule: Pattern
    answer: str
    language: str
    curator: str
    created_at: str
    updated_at: str
    updated_ms: int
    cited: tuple[str, ...] = ()  # ids of the sections and error codes it cites
    citations: tuple[Citation, ...] = field(default=(), compare=False)  # those still live

    @property
    def order(self) -> tuple[int, int, int, str]:
        """Which of several matching pins answers: the narrowest pattern (most
        required terms, then most required words), then the newest, then the id."""
        slots, words = self.rule.specificity
        return (-slots, -words, -self.updated_ms, self.id)


def _now() -> tuple[int, str]:
    return int(time.time() * 1000), datetime.now(UTC).isoformat(timespec="seconds")


def pin_id(key: str) -> str:
    return "pin:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def checked_pattern(pattern: str) -> Pattern:
    try:
        return parse(pattern or "")
    except BadPattern as exc:
        raise BadPin("pattern", str(exc)) from None


def checked_answer(answer: str) -> str:
    text = (answer or "").strip()
    if not text:
        raise BadPin("answer", "is empty; write the answer questions matching the pattern get")
    if len(text) > MAX_ANSWER_CHARS:
        raise BadPin(
            "answer", f"is too long: {len(text)} characters, the limit is {MAX_ANSWER_CHARS}"
        )
    return text


def checked_language(language: str) -> str:
    lang = (language or "").strip().lower().replace("_", "-").split("-")[0]
    if lang not in LANGUAGES:
        raise BadPin(
            "language", f"{language!r} is not one of {', '.join(LANGUAGES)} (the answer's language)"
        )
    return lang


def cited_facts(store: Store, ids: list[str]) -> dict[str, Citation]:
    """The live sections and error codes among ``ids``, as citations."""
    if not ids:
        return {}
    out: dict[str, Citation] = {}
    for r in store.read(q.CITABLE, {"ids": ids}):
        text = " ".join(str(r.get("text") or "").split())
        if len(text) > SNIPPET_CHARS:
            text = text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
        out[str(r["id"])] = Citation(
            kind=r["kind"], uri=str(r["uri"] or ""), title=str(r["title"] or r["id"]),
            snippet=text, score=1.0, code=r.get("code"), node_id=str(r["id"]),
            version=r.get("version"),
        )  # fmt: skip
    return out


def checked_citations(store: Store, ids: list[str] | None) -> list[str]:
    wanted = list(dict.fromkeys(i.strip() for i in ids or [] if i and i.strip()))
    if len(wanted) > MAX_CITED:
        raise BadPin("citations", f"{len(wanted)} ids are more than the limit of {MAX_CITED}")
    found = cited_facts(store, wanted)
    missing = [i for i in wanted if i not in found]
    if missing:
        raise BadPin(
            "citations", f"no live section or error code {missing[0]!r}; cite them by their id "
            "(a section's as `ask` gives it, an error code's as `errorCode` does)",
        )  # fmt: skip
    return wanted


def from_row(row: Row, citations: dict[str, Citation] | None = None) -> Pin:
    p: dict[str, Any] = row["pin"]
    cited = tuple(str(i) for i in p.get("cites") or [])
    known = citations or {}
    return Pin(
        id=str(p["id"]), pattern=str(p["pattern"]), rule=parse(str(p["pattern"])),
        answer=str(p["answer"]), language=str(p.get("language") or "en"),
        curator=str(p.get("curator") or ""), created_at=str(p.get("created_at") or ""),
        updated_at=str(p.get("updated_at") or ""), updated_ms=int(p.get("updated_ms") or 0),
        cited=cited, citations=tuple(known[i] for i in cited if i in known),
    )  # fmt: skip


def pin(
    store: Store, pattern: str, answer: str, language: str, curator: str,
    citations: list[str] | None = None, existing: str | None = None,
) -> tuple[Pin, bool]:  # fmt: skip
    """Create or replace a pin (``existing``: the id of the pin to replace); the
    pin, and whether it replaced one."""
    rule = checked_pattern(pattern)
    text = checked_answer(answer)
    lang = checked_language(language)
    cited = checked_citations(store, citations)
    if existing is not None:
        if not store.read(q.PIN_BY_ID, {"id": existing}):
            raise BadPin("id", f"no pinned answer {existing!r}; leave id out to pin a new one")
        target, replaced = existing, True
    else:
        found = store.read(q.PIN_BY_KEY, {"key": rule.key})
        target = str(found[0]["id"]) if found else pin_id(rule.key)
        replaced = bool(found)
    ms, at = _now()
    props = {
        "pattern": " ".join(pattern.split()), "pattern_key": rule.key, "answer": text,
        "language": lang, "curator": curator, "cites": cited, "updated_ms": ms,
        "updated_at": at, "source": target, "extractor": EXTRACTOR, "confidence": 1.0,
        "extracted_at": ms,
    }  # fmt: skip
    rows = store.write(q.UPSERT_PIN, {"id": target, "props": props, "now": ms, "at": at,
                                      "curator": curator})  # fmt: skip
    return from_row(rows[0], cited_facts(store, cited)), replaced


def unpin(store: Store, pin_id: str) -> Pin:
    """Remove a pin; BadPin when there is none by that id."""
    rows = store.write(q.DELETE_PIN, {"id": (pin_id or "").strip()})
    if not rows:
        raise BadPin("id", f"no pinned answer {pin_id!r}")
    return from_row(rows[0])


def pinned(store: Store) -> list[Pin]:
    """Every pin, with the facts it cites that are still live, by id."""
    rows = store.read(q.PINS)
    ids = list(dict.fromkeys(str(i) for r in rows for i in r["pin"].get("cites") or []))
    facts = cited_facts(store, ids)
    out = []
    for r in rows:
        try:
            out.append(from_row(r, facts))
        except BadPattern as exc:  # stored by an older rule set: keep serving the others
            log.warning("pinned answer %s is left out: its pattern %s", r["pin"].get("id"), exc)
    return out


def version(store: Store) -> tuple[object, ...]:
    rows = store.read(q.PINS_VERSION)
    return tuple(rows[0].values()) if rows else ()


def citation_of(p: Pin) -> Citation:
    """The pin itself as a citation: an editor's pinned answer, its curator and time."""
    snippet = p.answer if len(p.answer) <= SNIPPET_CHARS else p.answer[:SNIPPET_CHARS] + " …"
    return Citation(
        kind="pinned", uri=p.id, title=f"Pinned answer ({p.curator})", snippet=snippet,
        score=1.0, node_id=p.id, curator=p.curator, pinned_at=p.updated_at,
    )  # fmt: skip


def answer_of(
    p: Pin, question: str, retrieved: list[Citation], limit: int, language: str,
    entities: list[str],
) -> Answer:  # fmt: skip
    """The answer a pin gives: its text as written, with full confidence, cited
    first to its curator, then the facts the editor cited, then (as ``limit``
    leaves room) what retrieval found for the question."""
    own = [citation_of(p), *p.citations]
    seen = {c.node_id for c in own}
    rest = [c for c in retrieved if c.node_id not in seen]
    return Answer(
        question=question, text=p.answer, mode="pinned", confidence=1.0,
        citations=own + rest[: max(0, limit - len(own))], language=language,
        entities=entities, needs_human=False,
    )  # fmt: skip
