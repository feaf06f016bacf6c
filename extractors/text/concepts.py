"""The bilingual glossary and matching of its terms in text.

Concept nodes carry English and Chinese names and aliases; the glossary CSV
(``migrations/data/glossary.csv``) is loaded into the graph idempotently (its
hash is kept on a Source node). The matcher finds concepts in English text by
stemmed token n-grams and in Chinese text by substring, longest match first.
"""

from __future__ import annotations

import csv
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain, compress, islice
from operator import or_
from pathlib import Path
from typing import Any

from extractors.records import digest
from extractors.text.segment import add_words, has_cjk, raw_tokens
from graph.queries import concepts as q
from graph.queries import documents as dq
from graph.store import Store

GLOSSARY = Path(__file__).resolve().parents[2] / "migrations" / "data" / "glossary.csv"
GLOSSARY_SOURCE = "glossary:migrations/data/glossary.csv"


def _split(cell: str | None) -> list[str]:
    return [a.strip() for a in (cell or "").split("|") if a.strip()]


def read_glossary(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for n, r in enumerate(rows, start=2):
        if not r.get("id") or not r.get("en") or not r.get("zh"):
            raise ValueError(f"{path}: line {n}: id, en and zh are required")
        out.append(
            {
                "id": "concept:" + r["id"].strip(),
                "name_en": r["en"].strip(),
                "name_zh": r["zh"].strip(),
                "aliases_en": _split(r.get("en_aliases")),
                "aliases_zh": _split(r.get("zh_aliases")),
                "domain": (r.get("domain") or "").strip(),
            }
        )
    return out


def load_glossary(store: Store, path: Path | None = None) -> int:
    """Write the glossary's concepts when the file changed; returns concepts written."""
    path = path or GLOSSARY
    data = path.read_bytes()
    h = digest(data)
    known = store.read(dq.SOURCE_HASH, {"id": GLOSSARY_SOURCE})
    if known and known[0]["hash"] == h:
        return 0
    rows = read_glossary(path)
    now = int(time.time() * 1000)
    store.write_batch(
        q.UPSERT_CONCEPTS,
        [
            {
                "id": r["id"],
                "props": {
                    **r,
                    "source": GLOSSARY_SOURCE,
                    "extractor": "glossary",
                    "confidence": 1.0,
                    "extracted_at": now,
                },
            }
            for r in rows
        ],
    )
    store.write(
        dq.UPSERT_SOURCES,
        {"rows": [{"id": GLOSSARY_SOURCE, "props": {"uri": GLOSSARY_SOURCE, "hash": h,
                                                    "kind": "glossary"}}]},
    )  # fmt: skip
    return len(rows)


@dataclass
class Concept:
    id: str
    name_en: str
    name_zh: str
    domain: str = ""
    aliases_en: list[str] = field(default_factory=list)
    aliases_zh: list[str] = field(default_factory=list)


@dataclass
class Match:
    concept: Concept
    surface: str
    start: int  # token index (English) or character offset (Chinese)


class _Node:
    """One token of the names' tree: the concept a name ending here names, and
    the tokens that continue a name from here."""

    __slots__ = ("cid", "next")

    def __init__(self) -> None:
        self.cid: str | None = None
        self.next: dict[str, _Node] = {}


class ConceptMatcher:
    def __init__(self, concepts: list[Concept]) -> None:
        self.concepts = {c.id: c for c in concepts}
        self._en: dict[tuple[str, ...], str] = {}
        zh: dict[str, str] = {}
        for c in concepts:
            for name in [c.name_en, *c.aliases_en]:
                key = tuple(raw_tokens(name))
                if key:
                    self._en.setdefault(key, c.id)
            for name in [c.name_zh, *c.aliases_zh]:
                if has_cjk(name) and len(name) >= 2:
                    zh.setdefault(name, c.id)
        self._max_n = max((len(k) for k in self._en), default=1)
        # The names as a tree of tokens: a position costs one lookup per token
        # that continues some name, not one per length a name could have (half
        # of a manual's tokens start some name: "the", "function", "table").
        self._trie: dict[str, _Node] = {}
        for key, cid in self._en.items():
            level = self._trie
            for tok in key[:-1]:
                level = level.setdefault(tok, _Node()).next
            level.setdefault(key[-1], _Node()).cid = cid
        # Where a name can start: a token that is a name alone, or two tokens
        # that begin a longer one (checked for all positions at C speed).
        self._single = {k[0] for k in self._en if len(k) == 1}
        self._pairs = {k[:2] for k in self._en if len(k) > 1}
        self._zh = zh
        names = sorted(zh, key=len, reverse=True)
        self._zh_re = re.compile("|".join(map(re.escape, names))) if names else None
        add_words(zh)

    @classmethod
    def from_store(cls, store: Store) -> ConceptMatcher:
        rows = store.read(q.ALL_CONCEPTS)
        return cls(
            [
                Concept(
                    id=r["id"],
                    name_en=r["name_en"] or "",
                    name_zh=r["name_zh"] or "",
                    domain=r.get("domain") or "",
                    aliases_en=list(r.get("aliases_en") or []),
                    aliases_zh=list(r.get("aliases_zh") or []),
                )
                for r in rows
            ]
        )

    def match_tokens(self, tokens: list[str]) -> list[Match]:
        """The longest name at each position, left to right; a matched name's
        tokens are consumed."""
        out: list[Match] = []
        trie, size = self._trie, len(tokens)
        i = 0  # the first token not consumed by a match
        alone = map(self._single.__contains__, tokens)
        following = chain(islice(tokens, 1, None), ("",))
        begun = map(self._pairs.__contains__, zip(tokens, following, strict=True))
        for start in compress(range(size), map(or_, alone, begun)):
            if start < i:
                continue
            node = trie[tokens[start]]
            cid, end, j = node.cid, start + 1, start + 1
            while j < size and (node := node.next.get(tokens[j])) is not None:  # type: ignore[assignment]
                j += 1
                if node.cid is not None:
                    cid, end = node.cid, j
            if cid is None:
                i = start + 1
                continue
            out.append(Match(self.concepts[cid], " ".join(tokens[start:end]), start))
            i = end
        return out

    def match_chinese(self, text: str) -> list[Match]:
        if self._zh_re is None or not has_cjk(text):
            return []
        return [
            Match(self.concepts[self._zh[m.group()]], m.group(), m.start())
            for m in self._zh_re.finditer(text)
        ]

    def match(self, text: str) -> list[Match]:
        return self.match_tokens(raw_tokens(text)) + self.match_chinese(text)

    def counts(self, text: str) -> Counter[str]:
        return Counter(m.concept.id for m in self.match(text))

    def counts_of(self, tokens: list[str], text: str) -> Counter[str]:
        """``counts`` of ``text`` whose ``raw_tokens`` are ``tokens`` (tokenised once
        by the caller, who needs them for other things too)."""
        found = self.match_tokens(tokens) + self.match_chinese(text)
        return Counter(m.concept.id for m in found)
