"""Entity resolution: one node however a source spells a product's or a component's name.

Names are compared by a normalised key (Unicode NFKC, case folded, spaces,
dashes and punctuation dropped), first against the names and aliases the
graph already has, then by rapidfuzz similarity. A match other than the
exact name is recorded as an ``Alias`` node (name, method, score, source) that
points at the product, so it can be listed and undone
(``graphdesk merges list|undo``). Two close candidates for different products
are ambiguous: reported, not guessed; the name then gets a product of its own.
An undone alias is remembered and never merged again.

Versions are normalised the same way everywhere: ``v3``, ``V3.0`` and
``version 3`` are ``3.0``; ``3.0.1`` stays a patch release of ``3.0``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from extractors.records import slug

FUZZY_CUTOFF = 90.0  # rapidfuzz WRatio, 0-100
AMBIGUOUS_MARGIN = 3.0  # two candidates this close: do not guess
TRANSPOSITION_SCORE = 95.0
_VERSION = re.compile(
    r"^\s*(?:version|ver\.?|release|版本|v)?\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?", re.IGNORECASE
)

Method = Literal["exact", "alias", "fuzzy", "new", "ambiguous", "blocked"]


def normalize_version(raw: str | None) -> str | None:
    """'v3' -> '3.0', 'V3.0' -> '3.0', '3.0.1' -> '3.0.1', 'version 15' -> '15.0'."""
    if raw is None:
        return None
    m = _VERSION.match(str(raw))
    if not m:
        return None
    major, minor, patch = m.group(1), m.group(2) or "0", m.group(3)
    return f"{int(major)}.{int(minor)}" + (f".{int(patch)}" if patch is not None else "")


def name_key(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).casefold()
    return re.sub(r"[^0-9a-z\u3400-\u9fff]+", "", text)


@dataclass
class Resolution:
    name: str
    product_id: str
    method: Method
    score: float = 100.0
    candidates: list[str] = field(default_factory=list)

    @property
    def merged(self) -> bool:
        """Resolved to a product under another name (recorded as an alias)."""
        return self.method in ("alias", "fuzzy")


class EntityResolver:
    def __init__(
        self,
        products: dict[str, list[str]],
        blocked: set[str] | None = None,
        prefix: str = "product:",
    ) -> None:
        """``products``: entity id -> its name and aliases; ``blocked``: undone aliases;
        ``prefix``: of the id a new entity gets (``product:``, ``component:``)."""
        self.prefix = prefix
        self._by_key: dict[str, tuple[str, bool]] = {}
        for pid, names in products.items():
            for i, name in enumerate(names):
                if name:
                    self._by_key.setdefault(name_key(name), (pid, i == 0))
        self._keys = list(self._by_key)
        self._blocked = {name_key(b) for b in blocked or set()}

    def resolve(self, name: str) -> Resolution:
        key = name_key(name)
        own = self.prefix + slug(name)
        if not key:
            return Resolution(name, own, "new", 0.0)
        if key in self._blocked:
            return Resolution(name, own, "blocked")
        if key in self._by_key:
            pid, is_name = self._by_key[key]
            return Resolution(name, pid, "exact" if is_name else "alias")
        swapped = self._transposition(key)
        if swapped is not None:
            return Resolution(name, self._by_key[swapped][0], "fuzzy", TRANSPOSITION_SCORE,
                              [self._by_key[swapped][0]])  # fmt: skip
        hits = process.extract(key, self._keys, scorer=fuzz.WRatio, limit=5,
                               score_cutoff=FUZZY_CUTOFF)  # fmt: skip
        if not hits:
            return Resolution(name, own, "new", 0.0)
        best_key, best_score, _ = hits[0]
        best_pid = self._by_key[best_key][0]
        rivals = [h for h in hits[1:] if self._by_key[h[0]][0] != best_pid]
        if rivals and best_score - rivals[0][1] < AMBIGUOUS_MARGIN:
            others = [best_pid, self._by_key[rivals[0][0]][0]]
            return Resolution(name, own, "ambiguous", float(best_score), others)
        return Resolution(name, best_pid, "fuzzy", float(best_score), [best_pid])

    def _transposition(self, key: str) -> str | None:
        """A known key that differs by one swap of neighbouring letters (a typo:
        'nimbsudb'), unlike a changed letter, which may well be another product
        ('nimbusdc')."""
        found = [
            k
            for k in self._keys
            if len(k) == len(key) and sorted(k) == sorted(key) and OSA.distance(k, key) == 1
        ]
        return found[0] if len(found) == 1 else None

    def mentioned_in(self, text: str, min_len: int = 4) -> list[str]:
        """Ids of the entities whose name or alias occurs in ``text`` (normalised)."""
        key = name_key(text)
        found = [pid for k, (pid, _) in self._by_key.items() if len(k) >= min_len and k in key]
        return list(dict.fromkeys(found))

    def learn(self, name: str, product_id: str) -> None:
        """Later names in the same run resolve against this one too."""
        key = name_key(name)
        if key and key not in self._by_key:
            self._by_key[key] = (product_id, True)
            self._keys.append(key)


ProductResolver = EntityResolver  # products were the first entities resolved
