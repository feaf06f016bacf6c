"""In-memory full-text index over the graph's search fields, for fused ranking.

Built from the sections' search fields (the same segmented text the
backend's full-text index holds), it finds and scores candidates with the
question's token weights, the same way on both backends (their own scorers
differ, TF-IDF in RediSearch and BM25 in Lucene, and neither takes weights),
at two levels: a section, and the whole page it belongs to (support
questions are usually answered by a page). It also keeps what every answer
needs about a candidate (uri, titles), the small graph neighbourhoods used
for ranking (sections whose title names a concept, sections that describe an
error code) and the texts of sections once cited, so an answer usually costs
no round trip to the graph at all. Built from the graph at start and rebuilt
when the graph's sources change.
"""

from __future__ import annotations

import math
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass

import numpy as np

from extractors.text.segment import index_tokens
from graph.queries import community as cmq
from graph.queries import documents as dq
from graph.queries import errorcodes as eq
from graph.queries import tickets as tq
from graph.store import Store
from graph.types import Row
from resolvers.pipeline.best import best

K1 = 1.2
B = 0.75
MIN_SHARED_TOKENS = 30
# a section text on at least this many pages, and this share of them, is site chrome
BOILERPLATE_MIN_PAGES = 10
BOILERPLATE_SHARE = 0.05
SHARED_PREFIX = 4  # a word in a quarter of all codes is their common prefix, not a name
RARE_IN_CORPUS = 100  # a word in under 1% of the sections is rare in the corpus
SAID = 0.3  # a word's weight in the question: its own words, or a first dictionary sense
TELLING_TERMS = 20  # words kept per section for feedback
TEXT_CACHE = 4096  # section texts kept in memory once cited (a few MB)


class _Level:
    """BM25 over one kind of unit (sections, pages, error codes, threads).

    A term's BM25 weight in a unit, tf (K1 + 1) / (tf + K1 (1 - B + B len/avg)),
    does not depend on the question, so it is computed once per unit and term
    and kept per term (a posting list as two numpy arrays). Scoring a question
    is then one vector add per question token over its posting list."""

    def __init__(self, tf: dict[str, Counter[str]]) -> None:
        self.tf = tf
        self.keys = list(tf)
        self.index = {k: i for i, k in enumerate(self.keys)}
        self.df: Counter[str] = Counter()
        self.length = {k: sum(c.values()) for k, c in tf.items()}
        self.avg = sum(self.length.values()) / max(1, len(self.length))
        units: dict[str, list[int]] = defaultdict(list)
        weights: dict[str, list[float]] = defaultdict(list)
        avg = self.avg or 1.0
        for i, (key, counts) in enumerate(tf.items()):
            norm = K1 * (1 - B + B * self.length[key] / avg)
            for t, f in counts.items():
                units[t].append(i)
                weights[t].append(f * (K1 + 1) / (f + norm))
        self.df.update({t: len(u) for t, u in units.items()})
        n = len(self.keys)
        self._idf = {t: math.log(1 + (n - df + 0.5) / (df + 0.5)) for t, df in self.df.items()}
        self.postings = {
            t: (np.asarray(u, dtype=np.int32), np.asarray(weights[t], dtype=np.float64))
            for t, u in units.items()
        }

    def idf(self, token: str) -> float:
        known = self._idf.get(token)
        if known is not None:
            return known
        return math.log(1 + (len(self.keys) + 0.5) / 0.5)  # a token no unit has

    def vector(self, tokens: list[str], weights: dict[str, float]) -> np.ndarray:
        """BM25 of every unit for the question, in ``self.keys`` order."""
        units: list[np.ndarray] = []
        scores: list[np.ndarray] = []
        factors: list[float] = []
        for t in dict.fromkeys(tokens):
            posting = self.postings.get(t)
            if posting is not None:
                units.append(posting[0])
                scores.append(posting[1])
                factors.append(weights.get(t, 1.0) * self.idf(t))
        if not units:
            return np.zeros(len(self.keys))
        # One C pass over all postings, summed token by token in the same order
        # as one fancy-indexed add per token would (the same floats), at a third
        # of the cost; each token's factor spread over its postings in one
        # multiplication (the same products as one per token).
        spread = np.repeat(np.asarray(factors), [len(u) for u in units])
        return np.bincount(
            np.concatenate(units),
            weights=np.concatenate(scores) * spread,
            minlength=len(self.keys),
        )

    def score_many(
        self, keys: list[str], tokens: list[str], weights: dict[str, float]
    ) -> dict[str, float]:
        """BM25 of each key (0 for a key this level does not hold)."""
        return self.pick(self.vector(tokens, weights), keys)

    def pick(self, v: np.ndarray, keys: list[str]) -> dict[str, float]:
        """The scores of ``keys`` in a vector from ``vector``."""
        index = self.index
        at = [index.get(k) for k in keys]
        known = [i for i in at if i is not None]
        found = iter(v[known].tolist() if known else ())
        return {k: next(found) if i is not None else 0.0 for k, i in zip(keys, at, strict=True)}

    def top(
        self, tokens: list[str], weights: dict[str, float], limit: int
    ) -> list[tuple[str, float]]:
        """The ``limit`` best units that share a token with the question."""
        return self.top_of(self.vector(tokens, weights), limit)

    def top_of(self, v: np.ndarray, limit: int) -> list[tuple[str, float]]:
        hits = best(v, limit, positive=True)
        keys = self.keys
        return list(zip([keys[i] for i in hits.tolist()], v[hits].tolist(), strict=True))


@dataclass(frozen=True)
class _Name:
    idfs: tuple[tuple[str, float], ...]  # each name word (repeats kept) and its idf among codes
    total: float  # their sum
    telling: tuple[str, ...]  # the words most codes do not share


@dataclass(frozen=True)
class SectionMeta:
    doc_id: str
    uri: str
    title: str
    doc_title: str
    title_tokens: frozenset[str]
    version: str | None = None  # the product version it describes


@dataclass(frozen=True)
class OtherMeta:
    """A community thread or a resolved ticket: what a citation needs."""

    kind: str  # "thread" | "ticket"
    uri: str
    title: str
    title_tokens: frozenset[str]


@dataclass(frozen=True)
class ErrorMeta:
    code: str
    name: str
    name_tokens: frozenset[str]


def aggregate_documents(rows: list[Row]) -> frozenset[str]:
    """Documents that only gather other documents' sections: a manual's
    single-page edition, a print version. Citing them hides the page a reader
    wants and crowds out others, so they are left out of ranking. A document
    is one when most of its substantial sections appear word for word in
    other documents, spread over several of them (a page that merely shares
    text with its one single-page copy is the original, and stays)."""
    holders: dict[str, set[str]] = defaultdict(set)
    per_doc: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        text = str(r["search"] or "")
        if text.count(" ") < MIN_SHARED_TOKENS:
            continue
        # the text's own digest: the search field also holds the titles, which
        # an edition that gathers other pages words differently
        key = str(r.get("hash") or text)
        holders[key].add(str(r["doc_id"]))
        per_doc[str(r["doc_id"])].append(key)
    out = set()
    for doc, texts in per_doc.items():
        shared = [t for t in texts if len(holders[t]) > 1]
        if len(texts) < 5 or len(shared) * 2 < len(texts):
            continue
        others = Counter(d for t in shared for d in holders[t] if d != doc)
        # gathered from several pages, not copied from one (a page and its
        # single-page edition share nearly everything with each other only)
        if len(others) >= 3 and others.most_common(1)[0][1] * 2 < len(shared):
            out.add(doc)
    return frozenset(out)


def boilerplate_sections(rows: list[Row]) -> frozenset[str]:
    """Sections whose very text recurs on many pages: a site's navigation bar,
    a footer, a banner. Ranking them (and counting their words towards every
    page) only adds noise, so they are left out of ranking, for any site."""
    docs: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r.get("hash"):
            docs[str(r["hash"])].add(str(r["doc_id"]))
    n_docs = len({str(r["doc_id"]) for r in rows})
    many = max(BOILERPLATE_MIN_PAGES, n_docs * BOILERPLATE_SHARE)
    repeated = {h for h, d in docs.items() if len(d) >= many}
    return frozenset(str(r["id"]) for r in rows if r.get("hash") in repeated)


def _words_of(name: str, code: str) -> str:
    """The words that name an error condition: its name, or a symbolic code's
    own words when it has no other name (``ERR_HTTP_HEADERS_SENT``)."""
    if name:
        return name.replace("_", " ")
    return code.replace("_", " ") if "_" in code else ""


class TermIndex:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.version: tuple[object, ...] = ()
        self.sections = _Level({})
        self.pages = _Level({})
        self.errors = _Level({})
        self.section_meta: dict[str, SectionMeta] = {}
        self.error_meta: dict[str, ErrorMeta] = {}
        self.others = _Level({})
        self.other_meta: dict[str, OtherMeta] = {}
        self.titled: dict[str, list[str]] = {}
        self.described: dict[str, list[str]] = {}
        self.by_code: dict[str, list[str]] = {}
        self.known_codes: frozenset[str] = frozenset()
        self.aggregates: frozenset[str] = frozenset()
        self.corpus_count: Counter[str] = Counter()  # every token over every page
        self.corpus_total = 1
        self._texts: OrderedDict[str, str] = OrderedDict()
        self._errors: dict[str, Row] = {}
        self._telling: dict[str, list[tuple[str, float]]] = {}
        self._names: dict[str, _Name] = {}
        self.rebuild()

    def _version(self) -> tuple[object, ...]:
        row = self.store.read(dq.FRESHNESS)
        return tuple(row[0].values()) if row else ()

    def rebuild(self) -> None:
        version = self._version()
        section_tf: dict[str, Counter[str]] = {}
        page_tf: dict[str, Counter[str]] = {}
        meta: dict[str, SectionMeta] = {}
        rows = self.store.read(dq.SEARCH_FIELDS)
        boilerplate = boilerplate_sections(rows)
        rows = [r for r in rows if r["id"] not in boilerplate]
        self.aggregates = aggregate_documents(rows)
        for r in rows:
            if r["doc_id"] in self.aggregates:
                continue
            counts = Counter(str(r["search"]).split())
            section_tf[r["id"]] = counts
            page_tf.setdefault(r["doc_id"], Counter()).update(counts)
            title, doc_title = str(r["title"] or ""), str(r["doc_title"] or "")
            meta[r["id"]] = SectionMeta(
                doc_id=str(r["doc_id"]),
                uri=str(r["uri"] or ""),
                title=title,
                doc_title=doc_title,
                title_tokens=frozenset(index_tokens(title + " " + doc_title)),
                version=str(r["version"]) if r.get("version") is not None else None,
            )
        error_tf: dict[str, Counter[str]] = {}
        error_meta: dict[str, ErrorMeta] = {}
        error_aliases: dict[str, list[str]] = {}
        for r in self.store.read(eq.SEARCH_FIELDS):
            error_aliases[r["id"]] = [str(a) for a in (r.get("aliases") or []) if a]
            error_tf[r["id"]] = Counter(str(r["search"]).split())
            name, code = str(r["name"] or ""), str(r["code"])
            error_meta[r["id"]] = ErrorMeta(
                code=code, name=name, name_tokens=frozenset(index_tokens(_words_of(name, code)))
            )
        other_tf: dict[str, Counter[str]] = {}
        other_meta: dict[str, OtherMeta] = {}
        for kind, cypher in (("thread", cmq.SEARCH_FIELDS), ("ticket", tq.RESOLVED_SEARCH_FIELDS)):
            for r in self.store.read(cypher):
                other_tf[r["id"]] = Counter(str(r["search"]).split())
                title = str(r.get("title") or r["id"])
                # a thread's page when the site is known, else its export file
                uri = str(r.get("url") or f"{r.get('source') or ''}#{r['id']}")
                other_meta[r["id"]] = OtherMeta(kind, uri, title, frozenset(index_tokens(title)))
        titled: dict[str, list[str]] = defaultdict(list)
        for r in self.store.read(dq.TITLE_MENTIONS):
            titled[str(r["cid"])].append(str(r["sid"]))
        described: dict[str, list[str]] = defaultdict(list)
        for r in self.store.read(eq.DESCRIBED):
            described[str(r["eid"])].append(str(r["sid"]))
        self.sections = _Level(section_tf)
        self.pages = _Level(page_tf)
        corpus: Counter[str] = Counter()
        for counts in page_tf.values():
            corpus.update(counts)
        self.corpus_count, self.corpus_total = corpus, max(1, sum(corpus.values()))
        self.errors = _Level(error_tf)
        self.others, self.other_meta = _Level(other_tf), other_meta
        self.section_meta, self.error_meta = meta, error_meta
        by_code: dict[str, list[str]] = defaultdict(list)
        for eid, m in error_meta.items():
            by_code[m.code.upper()].append(eid)
        for eid, aliases in error_aliases.items():  # a symbolic code's number, say
            for a in aliases:
                if eid not in by_code[a.upper()]:
                    by_code[a.upper()].append(eid)
        self.by_code = dict(by_code)
        self.known_codes = frozenset(by_code)
        self.titled, self.described = dict(titled), dict(described)
        self.version = version

    def is_stale(self) -> bool:
        return self._version() != self.version

    def idf(self, token: str) -> float:
        return self.pages.idf(token)

    def top_errors(
        self, tokens: list[str], weights: dict[str, float], limit: int
    ) -> list[tuple[str, float]]:
        """Error codes by BM25 over their codes, names, messages and causes."""
        return self.errors.top(tokens, weights, limit)

    def top_others(
        self, tokens: list[str], weights: dict[str, float], limit: int
    ) -> list[tuple[str, float]]:
        """Community threads and resolved tickets by BM25."""
        return self.others.top(tokens, weights, limit)

    def _name(self, eid: str) -> _Name:
        """An error condition's name words as the two tests below read them,
        worked out once per code (they depend on the index alone)."""
        found = self._names.get(eid)
        if found is None:
            words = self.error_meta[eid].name_tokens
            n_codes = max(1, len(self.errors.keys))
            found = _Name(
                tuple((t, self.errors.idf(t)) for t in words),
                sum(self.errors.idf(t) for t in words),
                tuple(t for t in words if self.errors.df.get(t, 0) * SHARED_PREFIX < n_codes),
            )
            self._names[eid] = found
        return found

    def name_is_said(self, eid: str, weights: dict[str, float]) -> bool:
        """Whether the question says an error condition's name, not just one of
        its everyday words: two of its telling words (those most codes do not
        share, unlike a vendor prefix), or its only telling word when that word
        is rare in the corpus (``busy`` may name a code; ``row`` is on every page)."""
        telling = self._name(eid).telling
        said = [t for t in telling if weights.get(t, 0.0) >= SAID]
        if len(said) >= 2:
            return True
        n_sections = max(1, len(self.sections.keys))
        return (
            len(telling) == 1
            and len(said) == 1
            and self.sections.df.get(said[0], 0) * RARE_IN_CORPUS < n_sections
        )

    def name_cover(self, eid: str, weights: dict[str, float]) -> float:
        """How much of an error condition's name the question says, each word
        weighted by how rare it is among error codes (so ``invalid`` or a
        prefix every code shares counts for little) and by how surely the
        question says it (a dictionary sense of a Chinese word, less)."""
        name = self._name(eid)
        if name.total <= 0:
            return 0.0
        return sum(idf * min(1.0, weights.get(t, 0.0)) for t, idf in name.idfs) / name.total

    def section_texts(self, ids: list[str]) -> dict[str, str]:
        """Texts of sections, from memory when cited before (this index is
        rebuilt whenever the graph's sources change, and the cache with it)."""
        missing = [sid for sid in ids if sid not in self._texts]
        if missing:
            for r in dq.section_rows(self.store, missing):
                self._texts[str(r["id"])] = str(r["text"] or "")
            while len(self._texts) > TEXT_CACHE:
                self._texts.popitem(last=False)
        for sid in ids:
            if sid in self._texts:
                self._texts.move_to_end(sid)
        return {sid: self._texts[sid] for sid in ids if sid in self._texts}

    def error_rows(self, ids: list[str]) -> dict[str, Row]:
        """Error codes with their causes and solutions, from memory once cited
        (there are at most a few thousand; rebuilt with this index)."""
        missing = [eid for eid in ids if eid not in self._errors]
        if missing:
            for r in self.store.read(eq.BY_IDS, {"ids": missing}):
                self._errors[str(r["error"]["id"])] = r
        return {eid: self._errors[eid] for eid in ids if eid in self._errors}

    def telling_terms(self, sid: str) -> list[tuple[str, float]]:
        """A section's most telling words (share of its words times idf), for
        feedback; worked out once per section, when first asked for."""
        found = self._telling.get(sid)
        if found is None:
            counts = self.sections.tf.get(sid) or Counter()
            total = sum(counts.values()) or 1
            scored = ((t, f / total * self.sections.idf(t)) for t, f in counts.items())
            found = sorted(scored, key=lambda x: -x[1])[:TELLING_TERMS]
            self._telling[sid] = found
        return found

    def knows_code(self, code: str) -> bool:
        """An error code of the graph (by code or alias), or one its texts
        mention (a manual page that names a SQLSTATE it has no table for)."""
        if code.upper() in self.known_codes:
            return True
        tokens = index_tokens(code)
        return bool(tokens) and tokens[0] in self.corpus_count

    def error_ids_for_codes(self, codes: list[str]) -> list[str]:
        return [eid for code in dict.fromkeys(codes) for eid in self.by_code.get(code.upper(), [])]
