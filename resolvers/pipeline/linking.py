"""Entity linking: error codes by pattern, concepts and products by name and alias.

Concepts and products come from the graph's own names and aliases: English
by stemmed n-grams and spaCy phrase rules, Chinese by jieba segmentation and
substring, typos by rapidfuzz against the alias vocabulary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process
from spacy.language import Language
from spacy.matcher import PhraseMatcher

from extractors.text.codes import find_codes
from extractors.text.concepts import Concept, ConceptMatcher
from extractors.text.segment import EN_STOP, has_cjk
from graph.queries import concepts as cq
from graph.store import Store

_WORD = re.compile(r"[A-Za-z][A-Za-z_]{4,}")
MISSPELT_CACHE = 65536  # words; a few MB


@dataclass
class Linked:
    codes: list[str] = field(default_factory=list)
    strong_codes: list[str] = field(default_factory=list)
    concepts: list[Concept] = field(default_factory=list)
    products: list[str] = field(default_factory=list)


def _nlp() -> tuple[Language, Language]:
    import spacy

    zh = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    return spacy.blank("en"), zh


class Linker:
    def __init__(self, store: Store) -> None:
        self.matcher = ConceptMatcher.from_store(store)
        self.products = {
            r["id"]: [r["name"], *(r.get("aliases") or [])] for r in store.read(cq.ALL_PRODUCTS)
        }
        # spaCy phrase rules over the graph's own names: English by lower-cased
        # tokens, Chinese over jieba segmentation (the substring matcher of the
        # ConceptMatcher catches what segmentation splits differently).
        self._en_nlp, self._zh_nlp = _nlp()
        self._en_rules = PhraseMatcher(self._en_nlp.vocab, attr="LOWER")
        self._zh_rules = PhraseMatcher(self._zh_nlp.vocab, attr="LOWER")
        for c in self.matcher.concepts.values():
            self._en_rules.add(
                c.id, [self._en_nlp.make_doc(n) for n in [c.name_en, *c.aliases_en] if n]
            )
            self._zh_rules.add(
                c.id, [self._zh_nlp.make_doc(n) for n in [c.name_zh, *c.aliases_zh] if n]
            )
        for pid, names in self.products.items():
            self._en_rules.add(pid, [self._en_nlp.make_doc(n) for n in names if n])
            self._zh_rules.add(pid, [self._zh_nlp.make_doc(n) for n in names if n])
        vocab: dict[str, str] = {}
        for c in self.matcher.concepts.values():
            for name in [c.name_en, *c.aliases_en]:
                if len(name) >= 5 and " " not in name:
                    vocab.setdefault(name.lower(), c.id)
        self._vocab = vocab
        self._vocab_keys = list(vocab)
        # a word's nearest concept name, once per word: questions share most of
        # their words, and the fuzzy scan over every name is the costly part
        self._misspelt = lru_cache(maxsize=MISSPELT_CACHE)(self._nearest)

    def _nearest(self, word: str) -> str | None:
        """The concept whose one-word name ``word`` misspells, if any."""
        hit = process.extractOne(word, self._vocab_keys, scorer=fuzz.ratio, score_cutoff=88)
        return self._vocab[hit[0]] if hit is not None and hit[0] != word else None

    def link(self, question: str) -> Linked:
        # every code-like token, and those whose shape or a cue word just
        # before says they are error codes
        codes = find_codes(question)
        linked = Linked(
            codes=[m.code for m in codes], strong_codes=[m.code for m in codes if m.strong]
        )
        found: dict[str, Concept] = {}
        for m in self.matcher.match(question):
            found.setdefault(m.concept.id, m.concept)
        nlp, rules = (self._zh_nlp, self._zh_rules) if has_cjk(question) else (
            self._en_nlp, self._en_rules)  # fmt: skip
        doc = nlp(question)
        products: list[str] = []
        for match_id, _start, _end in rules(doc):
            key = nlp.vocab.strings[match_id]
            if key in self.matcher.concepts:
                found.setdefault(key, self.matcher.concepts[key])
            elif key in self.products and key not in products:
                products.append(key)
        if not has_cjk(question) or re.search(r"[A-Za-z]{5,}", question):
            for word in _WORD.findall(question):
                w = word.lower()
                if w in EN_STOP or w in self._vocab:
                    continue
                cid = self._misspelt(w)
                if cid is not None:
                    found.setdefault(cid, self.matcher.concepts[cid])
        linked.concepts = list(found.values())
        low = question.lower()
        for pid, names in self.products.items():
            if pid not in products and any(n and n.lower() in low for n in names):
                products.append(pid)
        linked.products = products
        return linked
