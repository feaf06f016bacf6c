"""Error-message wording -> the vocabulary of error-condition names.

Users paste messages ("relation "x" does not exist"); error tables name
conditions ("undefined_table"). A small generic lexicon
(``resolvers/data/error_phrases.csv``: a regular expression and the words it
adds) bridges the two, in English and Chinese.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

LEXICON = Path(__file__).resolve().parent / "data" / "error_phrases.csv"


@lru_cache(maxsize=1)
def rules() -> tuple[tuple[re.Pattern[str], str], ...]:
    out = []
    with LEXICON.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            pattern = (row.get("pattern") or "").strip()
            if not pattern or pattern.startswith("#"):
                continue
            out.append((re.compile(pattern, re.I), (row.get("expansion") or "").strip()))
    return tuple(out)


def expand(text: str) -> str:
    """Words the question's error wording implies (may be empty)."""
    added: list[str] = []
    current = text
    for pattern, expansion in rules():
        for m in pattern.finditer(current):
            added.append(m.expand(expansion))
        # later rules see earlier expansions ("does not exist" -> "undefined" -> ...)
        if added:
            current = text + " " + " ".join(added)
    return " ".join(dict.fromkeys(added))


WORDS = Path(__file__).resolve().parent / "data" / "zh_en_words.csv"


@lru_cache(maxsize=1)
def _words() -> tuple[re.Pattern[str] | None, dict[str, str]]:
    table: dict[str, str] = {}
    with WORDS.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            zh = (row.get("zh") or "").strip()
            if zh and not zh.startswith("#"):
                table[zh] = (row.get("en") or "").strip()
    names = sorted(table, key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, names))) if names else None
    return pattern, table


def english_words(text: str) -> str:
    """English for the everyday Chinese words of a technical question (longest match)."""
    pattern, table = _words()
    if pattern is None:
        return ""
    return " ".join(dict.fromkeys(table[m.group()] for m in pattern.finditer(text)))
