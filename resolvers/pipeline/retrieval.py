"""Candidate facts for a question: full-text search plus graph traversal, fused.

Sources of candidates, each with its own evidence:
- full-text search over the sections' search fields with the question's
  tokens, expanded with the English names of linked concepts (so a Chinese
  question reaches English pages), dictionary senses and the error-phrase
  lexicon. It runs over the term index this process holds of the graph's
  search fields (``termindex.py``), not through the backend's full-text
  index (that index weighs a dictionary sense of a Chinese word like the
  question's own words, scores differently on each backend, and costs a round
  trip; on the tuning sets it added no candidate the weighted search missed),
  then once more with the most telling words of the best-matching sections
  added at a low weight (pseudo-relevance feedback: the corpus's own
  co-occurrence reaches pages that use other words for the same thing);
- error codes named in the question, and error codes ranked by BM25 over
  their names, messages and causes, with a bonus when the question covers
  the whole condition name;
- sections that describe a linked error code, and sections whose title names
  a linked concept (graph neighbours).
Sections are fused per page (one citation per page, its best section).
When the sections have embeddings, the pages nearest the question's own
embedding add to the fused scores, and may enter on their own (``_dense``):
words miss what a question says in other words than the manual, or in
another language.
Only the final citations' texts are fetched from the graph.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import numpy as np

from extractors.text.segment import language
from graph.queries import community as cmq
from graph.queries import tickets as tq
from graph.store import Store
from resolvers.pipeline.dense import DenseIndex
from resolvers.pipeline.question import Question
from resolvers.pipeline.termindex import TermIndex

SECTION_POOL = 50
# Pseudo-relevance feedback: the words of the best PRF_DOCS sections, the
# PRF_TERMS most telling added at up to PRF_WEIGHT (0.2/0.3/0.5 tried on the
# tuning sets; 0.3 best on hit@3).
PRF_DOCS = 10
PRF_TERMS = 10
PRF_WEIGHT = 0.3
ERROR_POOL = 30
NEIGHBOURS = 100
# Fusion weights: BM25 of the whole page and of the section (each scaled to the
# best candidate), how much of the question's weight the titles carry, and a
# bonus for graph neighbours of the linked entities.
W_PAGE = 0.8
W_SECTION = 0.2
W_TITLE = 0.35
W_NEIGHBOUR = 0.15
W_OTHER = 0.7  # threads and resolved tickets: a little below manual pages
W_SAME_TRACE = 3.0  # an earlier fix for the very same stack trace
W_SAME_CODE = 1.2  # an earlier fix for a ticket with the same error code
OTHER_POOL = 5
# Embeddings: the DENSE_PAGES pages of the DENSE_SECTIONS sections nearest the
# question, their similarity scaled from 0 (the last of them) to 1 (the
# nearest), add up to W_DENSE of the best fused score. Chosen on the tuning
# manuals (bench/embeddings.py, bench/results/dense_fusion.md) as the largest
# pooled hit@3 gain among the fusions that lost on none of them.
DENSE_SECTIONS = 60
DENSE_PAGES = 20
W_DENSE = 0.3
# An error code not named in the question leads the answer only when the
# question says most of its name (idf-weighted) and its text matches well.
LEAD_ERROR = 1.0

# SQLSTATE classes that the SQL standard reserves for success, warnings and
# "no data": a user reporting an error rarely means one of them.
_NON_ERROR_CLASSES = {"00", "01", "02"}


@dataclass(slots=True)
class Candidate:
    kind: str  # "document" | "error_code"
    id: str
    uri: str
    title: str
    score: float
    text: str = ""
    code: str | None = None
    name: str | None = None
    doc_id: str | None = None
    evidence: list[str] = field(default_factory=list)
    # error codes: their parts, for composing an answer; steps also for fixes
    message: str = ""
    causes: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    language: str = ""  # of the text quoted, when known ("en", "zh")
    version: str | None = None  # product version the cited section describes
    lexical: float | None = None  # the score by words alone, when embeddings added to it

    @property
    def word_score(self) -> float:
        return self.score if self.lexical is None else self.lexical


def retrieve(
    store: Store,
    terms: TermIndex,
    q: Question,
    limit: int = 5,
    dense: DenseIndex | None = None,
    nearest: list[tuple[str, float]] | None = None,
) -> list[Candidate]:
    """The ranked candidates for ``q``. ``nearest``: its ``DENSE_SECTIONS``
    nearest sections, when they were looked up together with other questions'."""
    errors = _errors(terms, q)
    docs = _documents(store, terms, q, errors)
    docs += _others(terms, q.tokens, q.weights) + _fixes(store, q)
    if dense is not None and q.vector is not None and len(dense):
        if nearest is None:
            nearest = dense.nearest(q.vector, DENSE_SECTIONS)
        docs = _dense(terms, nearest, docs)
    ranked = _interleave(docs, sorted(errors.values(), key=lambda c: -c.score), q.erroneous)
    return _without_repeats(store, terms, ranked, limit, q.language)


def _documents(
    store: Store, terms: TermIndex, q: Question, errors: dict[str, Candidate]
) -> list[Candidate]:
    linked, tokens, weights = q.linked, q.tokens, q.weights
    section_bm25 = terms.sections.vector(tokens, weights)
    added = _feedback(terms, section_bm25, weights)
    if added:  # BM25 adds up over tokens: score the new ones only
        section_bm25 = section_bm25 + terms.sections.vector(list(added), added)
        weights = {**weights, **added}
        tokens = list(weights)
    scores = dict(terms.sections.top_of(section_bm25, SECTION_POOL))
    extra: dict[str, str] = {}
    for e in errors.values():
        if e.score >= 1.0:
            for sid in terms.described.get(e.id, []):
                extra.setdefault(sid, "describes " + e.id)
    for c in linked.concepts:
        for sid in terms.titled.get(c.id, [])[:NEIGHBOURS]:
            extra.setdefault(sid, "title names " + c.id)
    candidates = [sid for sid in {**scores, **extra} if sid in terms.section_meta]
    if not candidates:
        return []
    qset = set(tokens)
    idf = {t: terms.idf(t) * weights[t] for t in qset}
    total_idf = sum(idf.values()) or 1.0
    sec_scores = terms.sections.pick(section_bm25, candidates)
    doc_ids = list({terms.section_meta[sid].doc_id for sid in candidates})
    page_scores = terms.pages.score_many(doc_ids, tokens, weights)
    top_sec = max(sec_scores.values()) or 1.0
    top_page = max(page_scores.values()) or 1.0
    section_meta = terms.section_meta
    best: dict[str, tuple[float, str]] = {}  # page -> its best section's score, the section
    for sid in candidates:
        meta = section_meta[sid]
        said = meta.title_tokens & qset
        title_cover = sum(map(idf.__getitem__, said)) / total_idf if said else 0.0
        score = (
            W_PAGE * page_scores[meta.doc_id] / top_page
            + W_SECTION * sec_scores[sid] / top_sec
            + W_TITLE * title_cover
            + (W_NEIGHBOUR if sid in extra else 0.0)
        )
        current = best.get(meta.doc_id)
        if current is None or score > current[0]:
            best[meta.doc_id] = (score, sid)
    out = []
    for doc_id, (score, sid) in best.items():  # one candidate a page, built once
        meta = section_meta[sid]
        out.append(Candidate(
            "document", sid, meta.uri, _title(meta.title, meta.doc_title), score,
            doc_id=doc_id, evidence=["bm25"] + ([extra[sid]] if sid in extra else []),
            version=meta.version,
        ))  # fmt: skip
    return sorted(out, key=lambda c: -c.score)


def _dense(
    terms: TermIndex, sections: list[tuple[str, float]], docs: list[Candidate]
) -> list[Candidate]:
    nearest: dict[str, tuple[str, float]] = {}  # doc id -> its nearest section, similarity
    for sid, sim in sections:
        meta = terms.section_meta.get(sid)  # live, and neither site chrome nor an aggregate
        if meta is not None and meta.doc_id not in nearest:
            nearest[meta.doc_id] = (sid, sim)
            if len(nearest) == DENSE_PAGES:
                break
    if not nearest:
        return docs
    sims = [sim for _, sim in nearest.values()]
    lo, span = min(sims), (max(sims) - min(sims)) or 1.0
    top = max((c.score for c in docs), default=0.0) or 1.0
    out = []
    for c in docs:
        c.lexical = c.score
        hit = nearest.pop(c.doc_id, None) if c.kind == "document" and c.doc_id else None
        if hit is not None:
            c.score += W_DENSE * top * (hit[1] - lo) / span
            c.evidence = [*c.evidence, f"embedding {hit[1]:.2f}"]
        out.append(c)
    for sid, sim in nearest.values():  # pages only the embeddings found
        meta = terms.section_meta[sid]
        out.append(Candidate(
            "document", sid, meta.uri, _title(meta.title, meta.doc_title),
            W_DENSE * top * (sim - lo) / span, doc_id=meta.doc_id,
            evidence=[f"embedding {sim:.2f}"], version=meta.version, lexical=0.0,
        ))  # fmt: skip
    return sorted(out, key=lambda c: -c.score)


def _feedback(terms: TermIndex, bm25: np.ndarray, weights: dict[str, float]) -> dict[str, float]:
    """Pseudo-relevance feedback: words the best-matching sections share, added
    with a small weight (the corpus's own co-occurrence, for any vendor)."""
    top = terms.sections.top_of(bm25, PRF_DOCS)
    if not top:
        return {}
    best = top[0][1] or 1.0
    mass: dict[str, float] = {}
    for sid, score in top:
        share = score / best
        for t, w in terms.telling_terms(sid):
            if t not in weights:
                mass[t] = mass.get(t, 0.0) + share * w
    # the same as sorting them all, ties in first-seen order
    picked = heapq.nlargest(PRF_TERMS, mass.items(), key=itemgetter(1))
    top_mass = picked[0][1] if picked and picked[0][1] > 0 else 1.0
    return {t: PRF_WEIGHT * m / top_mass for t, m in picked}


def _others(terms: TermIndex, tokens: list[str], weights: dict[str, float]) -> list[Candidate]:
    """Community threads and resolved tickets, scored like pages."""
    ranked = terms.top_others(tokens, weights, OTHER_POOL)
    if not ranked:
        return []
    qset = set(tokens)
    idf = {t: terms.idf(t) * weights[t] for t in qset}
    total_idf = sum(idf.values()) or 1.0
    # Scaled like the best page would be: by the best BM25 that a page of the
    # manual reaches for the same tokens is unknown here, so by the best of these.
    top = ranked[0][1] or 1.0
    out = []
    for key, bm25 in ranked:
        meta = terms.other_meta[key]
        cover = sum(idf[t] for t in meta.title_tokens & qset) / total_idf
        score = W_OTHER * bm25 / top + W_TITLE * cover
        out.append(Candidate(meta.kind, key, meta.uri, meta.title, score, doc_id=key,
                             evidence=["bm25"]))  # fmt: skip
    return out


def _fixes(store: Store, q: Question) -> list[Candidate]:
    """Earlier fixes for the same symptoms: a pasted stack trace (by fingerprint)
    or an error code named in the question, through RESOLVED_BY edges."""
    weights = {f"symptom:{t.fingerprint}": W_SAME_TRACE for t in q.traces}
    for code in q.codes:
        weights.setdefault(f"symptom:code:{code}", W_SAME_CODE)
    if not weights:
        return []
    out: dict[str, Candidate] = {}
    for row in store.read(tq.FIXES_FOR_SYMPTOMS, {"ids": list(weights)}):
        sol = row["solution"]
        score = weights[row["symptom"]]
        if sol["id"] in out and out[sol["id"]].score >= score:
            continue
        steps = list(sol.get("steps") or [])
        text = " ".join(f"{i}. {s}" for i, s in enumerate(steps, 1)) or str(sol.get("text") or "")
        out[sol["id"]] = Candidate(
            "solution", sol["id"], str(row["ticket"]), f"Fix from ticket {row['ticket']}",
            score, text=text, doc_id=sol["id"], evidence=["same symptom " + row["symptom"]],
            steps=steps,
        )  # fmt: skip
    return list(out.values())


def _errors(terms: TermIndex, q: Question) -> dict[str, Candidate]:
    tokens, weights, erroneous = q.tokens, q.weights, q.erroneous
    errors: dict[str, Candidate] = {}
    for eid in terms.error_ids_for_codes(q.codes):
        errors[eid] = _error_candidate(terms, eid, 10.0, "code named in question")
    if q.unknown_codes and not errors:
        return errors  # a code the graph does not know is never answered with another one
    ranked = terms.top_errors(tokens, weights, ERROR_POOL)
    if not ranked:
        return errors
    top = ranked[0][1] or 1.0
    for eid, bm25 in ranked:
        if eid in errors:
            continue
        cover = terms.name_cover(eid, weights)
        weight = 0.5 * bm25 / top + cover
        if not terms.name_is_said(eid, weights):
            weight = min(weight, LEAD_ERROR - 0.01)  # may rank among pages, never lead
        if terms.error_meta[eid].code[:2] in _NON_ERROR_CLASSES:
            weight *= 0.8
        if not erroneous:
            weight *= 0.35
        errors[eid] = _error_candidate(terms, eid, weight, f"bm25, name cover {cover:.2f}")
    return errors


def _error_candidate(terms: TermIndex, eid: str, score: float, why: str) -> Candidate:
    meta = terms.error_meta[eid]
    return Candidate(
        "error_code", eid, "", meta.code, score, code=meta.code, name=meta.name, evidence=[why]
    )


def _title(title: str, doc_title: str) -> str:
    if doc_title and title and title != doc_title:
        return f"{doc_title} — {title}"
    return title or doc_title


def _without_repeats(
    store: Store, terms: TermIndex, ranked: list[Candidate], limit: int, lang: str
) -> list[Candidate]:
    """The best ``limit`` citations, skipping a page that only repeats the table
    an already cited error code comes from (the code's citation points there)."""
    chosen: list[Candidate] = []
    pages: set[str] = set()
    for c in ranked:
        if len(chosen) >= limit:
            break
        if c.kind == "error_code":
            _fill(store, terms, [c], lang)
            pages.add(c.uri.split("#")[0])
        elif c.uri.split("#")[0] in pages:
            continue
        chosen.append(c)
    _fill(store, terms, [c for c in chosen if c.kind != "error_code"], lang)
    return chosen


def _fill(store: Store, terms: TermIndex, chosen: list[Candidate], lang: str) -> None:
    """Fetch texts (and error-code details) for the citations only."""
    _fill_others(store, chosen)
    sections = [c.id for c in chosen if c.kind == "document"]
    if sections:
        texts = terms.section_texts(sections)
        for c in chosen:
            if c.kind == "document":
                c.text = texts.get(c.id, "")
    error_ids = [c.id for c in chosen if c.kind == "error_code"]
    if error_ids:
        rows = terms.error_rows(error_ids)
        for c in chosen:
            if c.kind == "error_code" and c.id in rows:
                _describe_error(c, rows[c.id], lang)


def _fill_others(store: Store, chosen: list[Candidate]) -> None:
    """Threads cite their question and accepted answer; tickets their solution."""
    for c in chosen:
        if c.kind == "thread" and not c.text:
            thread = cmq.thread(store, c.id)
            if thread is not None:
                c.text = _thread_text(thread)
    tickets = [c for c in chosen if c.kind == "ticket" and not c.text]
    if tickets:
        rows = store.read(tq.SOLUTIONS_OF_TICKETS, {"ids": [c.id for c in tickets]})
        by_ticket = {r["ticket"]: r for r in rows}
        for c in tickets:
            r = by_ticket.get(c.id)
            if r is not None:
                steps = list(r.get("steps") or [])
                c.steps = steps
                c.text = " ".join(f"{i}. {s}" for i, s in enumerate(steps, 1)) or str(
                    r.get("text") or ""
                )


def _thread_text(thread: dict[str, Any]) -> str:
    parts = []
    question = thread.get("question") or {}
    if isinstance(question, dict) and question.get("text"):
        parts.append(str(question["text"]))
    for answer in thread.get("answers") or []:
        if isinstance(answer, dict) and answer.get("accepted") and answer.get("text"):
            parts.append("Accepted answer: " + str(answer["text"]))
            break
    return "\n".join(parts)


def _describe_error(c: Candidate, row: dict[str, object], lang: str) -> None:
    """Title and text of an error-code citation, in the question's language when
    the source has it (``*_zh`` fields), else in the other one."""
    e = row["error"]
    assert isinstance(e, dict)
    zh = lang == "zh"

    def pick(d: dict[str, Any], key: str) -> Any:
        first, second = (f"{key}_zh", key) if zh else (key, f"{key}_zh")
        return d.get(first) or d.get(second)

    name = str(e.get("name") or "")
    message = str(pick(e, "message") or "")
    solutions: list[dict[str, Any]] = list(row.get("solutions") or [])  # type: ignore[call-overload]
    causes_rows: list[dict[str, Any]] = list(row.get("causes") or [])  # type: ignore[call-overload]
    # A code described by several sources repeats itself: keep the first of each.
    steps = list(dict.fromkeys(str(x) for sol in solutions for x in pick(sol, "steps") or []))
    causes = list(dict.fromkeys(str(pick(x, "text")) for x in causes_rows if pick(x, "text")))
    kind = "" if message else str(e.get("class_name") or "")
    text = "; ".join(x for x in [name, message, kind, *causes] if x)
    if steps:
        text += " | " + " ".join(f"{i}. {s}" for i, s in enumerate(steps, 1))
    product = e.get("product") or ""
    c.title = (f"{product} error {e['code']}" + (f" ({name})" if name else "")).strip()
    c.uri = str(e.get("uri") or "")
    c.text = text
    c.message, c.causes, c.steps = message or kind, causes, steps
    has_zh = bool(e.get("message_zh")) or any(sol.get("steps_zh") for sol in solutions)
    c.language = "zh" if zh and has_zh else language(text)


def _interleave(docs: list[Candidate], errors: list[Candidate], erroneous: bool) -> list[Candidate]:
    """Best first. An error-like question leads with its best error code; further
    codes only rank above pages that they outscore, and codes with the same
    condition name as one already listed (e.g. 22004 and 39004) are dropped."""
    errs = [e for e in errors if e.score >= (0.5 if erroneous else 1.5)]
    out: list[Candidate] = []
    names: set[str] = set()
    if errs and errs[0].score >= (LEAD_ERROR if erroneous else 1.5):
        first = errs.pop(0)
        out.append(first)
        names.add(first.name or first.id)
    rest = []
    for e in errs:
        key = e.name or e.id
        if key in names:
            continue
        names.add(key)
        rest.append(e)
    out.extend(sorted(docs + rest, key=lambda c: -c.score))
    return out
