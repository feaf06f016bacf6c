"""Question patterns of editor-pinned answers: required terms and phrases, no regexes.

An editor writes what a question must say, not how it is spelt. A pattern is
a list of *slots*, separated by spaces or commas (``,`` ``，`` ``、`` ``;``):

- every slot is required, in any order: ``restore cluster`` matches
  "How do I restore my cluster?" and "Cluster restore: how?";
- a slot may offer alternatives with ``|``: ``restore|恢复 cluster|集群`` also
  matches "如何恢复集群";
- ``"..."`` (or “...”, 「...」) is a phrase: its words in that order, next to
  each other: ``"point in time"``;
- a slot starting with ``-`` excludes: ``-backup`` refuses any question that
  says "backup".

Matching is on the answer pipeline's own tokens (``extractors/text/segment``),
after Unicode NFKC normalisation: case, punctuation, spacing and full-width
characters do not matter, English words match by their Snowball stem
("restoring" is "restore"), and stop words are not required. A Chinese term
matches when jieba finds its words in the question, or when its characters
stand together in it (jieba may cut a term alone differently from the same
term inside a sentence); a phrase matches Chinese character by character.

Safe against any input: parsing is one pass over at most ``MAX_CHARS``
characters, and matching a question is set look-ups plus one substring
search per phrase; nothing the editor writes becomes a regular expression.
A slot that has no word to match (only stop words or punctuation), an
unclosed quote, a pattern of exclusions only, or one over the limits is
refused with the reason.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from extractors.text.segment import has_cjk, index_tokens, phrase_tokens

MAX_CHARS = 300
MAX_SLOTS = 12
MAX_ALTERNATIVES = 8
_SEPARATORS = frozenset(",，、;；")
_QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』"}  # not ': it is in "can't"
_JOIN = "\x1f"  # between phrase tokens: a character no token holds


class BadPattern(ValueError):
    """A pattern that cannot be used; the message says what is wrong."""


def normalised(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _compact(text: str) -> str:
    """Letters, digits and Chinese characters only: how a Chinese term stands in a text."""
    return "".join(ch for ch in text if ch.isalnum())


@dataclass(frozen=True)
class Alternative:
    text: str  # as normalised
    phrase: bool
    tokens: tuple[str, ...]  # index tokens (a term) or phrase tokens (a phrase)
    compact: str = ""  # a Chinese term's characters, for the substring fallback

    def key(self) -> str:
        return f'"{self.text}"' if self.phrase else self.text


@dataclass(frozen=True)
class Slot:
    alternatives: tuple[Alternative, ...]
    excluded: bool = False

    def key(self) -> str:
        return ("-" if self.excluded else "") + "|".join(sorted(a.key() for a in self.alternatives))


@dataclass(frozen=True)
class View:
    """A question as patterns see it, computed once per question."""

    tokens: frozenset[str]
    sequence: str  # phrase tokens joined by _JOIN, with _JOIN at both ends
    compact: str

    @classmethod
    def of(cls, question: str) -> View:
        text = normalised(question)
        seq = phrase_tokens(text)
        joined = _JOIN + _JOIN.join(seq) + _JOIN if seq else ""
        return cls(frozenset(index_tokens(text)), joined, _compact(text))


@dataclass(frozen=True)
class Pattern:
    slots: tuple[Slot, ...]

    @property
    def key(self) -> str:
        """The canonical form: two patterns with the same key match the same questions."""
        return " ".join(sorted(s.key() for s in self.slots))

    @property
    def specificity(self) -> tuple[int, int]:
        """(required slots, words the shortest alternatives require): more is narrower."""
        required = [s for s in self.slots if not s.excluded]
        return len(required), sum(min(len(a.tokens) for a in s.alternatives) for s in required)

    def matches(self, view: View) -> bool:
        return all(_slot_matches(s, view) != s.excluded for s in self.slots)


def _alternative_matches(a: Alternative, view: View) -> bool:
    if a.phrase:
        return (_JOIN + _JOIN.join(a.tokens) + _JOIN) in view.sequence
    if all(t in view.tokens for t in a.tokens):
        return True
    return bool(a.compact) and a.compact in view.compact


def _slot_matches(slot: Slot, view: View) -> bool:
    return any(_alternative_matches(a, view) for a in slot.alternatives)


def _alternative(raw: str, phrase: bool) -> Alternative:
    text = " ".join(raw.split())
    telling = list(dict.fromkeys(index_tokens(text)))
    tokens = tuple(phrase_tokens(text)) if phrase else tuple(telling)
    if not telling:  # a phrase of stop words alone would match nearly any question
        what = f'the phrase "{raw}"' if phrase else f"{raw!r}"
        raise BadPattern(
            f"{what} has no word to match (only stop words or punctuation); leave it out"
        )
    compact = _compact(text) if not phrase and has_cjk(text) else ""
    return Alternative(text, phrase, tokens, compact)


def _lexemes(text: str) -> list[tuple[str, str]]:
    """(kind, text) in order: "word", "phrase", "bar", "not", "sep"; one pass."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace() or ch in _SEPARATORS:
            out.append(("sep", ch))
            i += 1
        elif ch == "|":
            out.append(("bar", ch))
            i += 1
        elif ch in _QUOTES:
            end = text.find(_QUOTES[ch], i + 1)
            if end < 0:
                raise BadPattern(f"the quote {ch} at character {i + 1} is not closed")
            out.append(("phrase", text[i + 1 : end]))
            i = end + 1
        elif ch == "-" and (not out or out[-1][0] in ("sep", "bar")):
            out.append(("not", ch))
            i += 1
        else:
            start = i
            while i < n and not (
                text[i].isspace() or text[i] in _SEPARATORS or text[i] == "|"
                or text[i] in _QUOTES
            ):  # fmt: skip
                i += 1
            out.append(("word", text[start:i]))
    return out


def parse(text: str) -> Pattern:
    """The pattern ``text`` writes; BadPattern saying what is wrong otherwise."""
    if len(text) > MAX_CHARS:
        raise BadPattern(f"is {len(text)} characters, over the limit of {MAX_CHARS}")
    source = normalised(text).strip()
    if not source:
        raise BadPattern("is empty; write the words a question must say")
    slots: list[Slot] = []
    alternatives: list[Alternative] = []
    excluded = after_bar = after_not = False

    def close() -> None:
        nonlocal alternatives, excluded
        if alternatives:
            slots.append(Slot(tuple(dict.fromkeys(alternatives)), excluded))
        alternatives, excluded = [], False

    lexemes = _lexemes(source)
    for pos, (kind, value) in enumerate(lexemes):
        if kind == "sep":
            continue
        if kind == "bar":
            if not alternatives or after_bar or after_not:
                raise BadPattern("'|' must stand between two alternatives, as in restore|恢复")
            after_bar = True
        elif kind == "not":
            following = lexemes[pos + 1][0] if pos + 1 < len(lexemes) else "sep"
            if after_bar or after_not or following not in ("word", "phrase"):
                raise BadPattern(
                    "'-' must stand right before the word or phrase it excludes, "
                    "at the start of a term"
                )
            close()
            excluded = after_not = True
        else:
            if not (after_bar or after_not):
                close()
            alternatives.append(_alternative(value, kind == "phrase"))
            after_bar = after_not = False
            if len(alternatives) > MAX_ALTERNATIVES:
                raise BadPattern(f"a term has more than {MAX_ALTERNATIVES} alternatives")
    if after_bar:
        raise BadPattern("ends with '|'; write the alternative after it")
    close()
    if len(slots) > MAX_SLOTS:
        raise BadPattern(f"has {len(slots)} terms, over the limit of {MAX_SLOTS}")
    if not any(not s.excluded for s in slots):
        raise BadPattern("excludes only; say at least one word a question must contain")
    return Pattern(tuple(slots))
