"""Candidate facts for a question: full-text search plus graph traversal, fused.

Sources of candidates, each with its own evidence:
- full-text over sections with the question's tokens, expanded with the
  English names of linked concepts (so a Chinese question reaches English
  pages) and with the error-phrase lexicon;
- error codes named in the question, and by full-text over their names,
  messages and causes;
- sections that describe a linked error code, and sections whose title names
  a linked concept (graph traversal).
Sections are fused per document (one citation per page, best section first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.segment import index_tokens
from graph.queries import concepts as cq
from graph.queries import documents as dq
from graph.queries import errorcodes as eq
from graph.queries import search as sq
from graph.store import Store
from resolvers.lexicon import expand
from resolvers.linking import Linked
from resolvers.termindex import TermIndex

SECTION_POOL = 150
ERROR_POOL = 30

_ERROR_CUES = re.compile(
    r"error|fail|violat|denied|invalid|does not exist|not exist|could not|cannot|can't|"
    r"unable|refused|timeout|timed out|out of|too many|exceed|deadlock|conflict|duplicate|"
    r"报错|错误|失败|异常|冲突|拒绝|超时|不存在|无法|不能|满了|已满|不足|死锁",
    re.I,
)


@dataclass
class Candidate:
    kind: str  # "document" | "error_code"
    id: str
    uri: str
    title: str
    text: str
    score: float
    code: str | None = None
    doc_id: str | None = None
    evidence: list[str] = field(default_factory=list)


def looks_like_error(question: str, linked: Linked) -> bool:
    return bool(linked.codes) or bool(_ERROR_CUES.search(question))


def query_tokens(question: str, linked: Linked) -> tuple[list[str], dict[str, float]]:
    """Tokens to search with, and their weights (expansions count a little less)."""
    weights: dict[str, float] = {}
    for t in index_tokens(question):
        weights[t] = 1.0
    for t in index_tokens(expand(question)):
        weights.setdefault(t, 1.0)
    for c in linked.concepts:
        for t in index_tokens(c.name_en):
            weights.setdefault(t, 0.8)
    return list(weights), weights


def retrieve(store: Store, terms: TermIndex, question: str, linked: Linked) -> list[Candidate]:
    tokens, weights = query_tokens(question, linked)
    erroneous = looks_like_error(question, linked)
    errors = _errors(store, terms, linked, tokens, weights, erroneous)

    # --- sections: full-text candidates (+ graph neighbours), rescored with BM25
    hits = sq.sections(store, tokens, SECTION_POOL)
    info = {h["id"]: h for h in hits}
    extra: dict[str, str] = {}
    strong = [e.id for e in errors.values() if e.score >= 1.0]
    if strong:
        for row in store.read(eq.DESCRIBING_SECTIONS, {"ids": strong}):
            extra[row["id"]] = "describes " + row["error_id"]
    if linked.concepts:
        ids = [c.id for c in linked.concepts]
        for row in store.read(cq.SECTIONS_MENTIONING, {"ids": ids, "limit": 100}):
            extra.setdefault(row["id"], "title names " + row["concept"])
    missing = [sid for sid in extra if sid not in info]
    if missing:
        for row in dq.section_rows(store, missing):
            info[row["id"]] = row
    if not info:
        return _interleave([], sorted(errors.values(), key=lambda c: -c.score), erroneous)

    qset = set(tokens)
    total_idf = sum(terms.idf(t) * weights[t] for t in qset) or 1.0
    sec_scores = {sid: terms.sections.score(sid, tokens, weights) for sid in info}
    doc_ids = {str(info[sid].get("doc_id") or terms.doc_of.get(sid, sid)) for sid in info}
    page_scores = {d: terms.pages.score(d, tokens, weights) for d in doc_ids}
    top_sec = max(sec_scores.values()) or 1.0
    top_page = max(page_scores.values()) or 1.0
    best: dict[str, Candidate] = {}
    for sid, h in info.items():
        doc_id = str(h.get("doc_id") or terms.doc_of.get(sid, sid))
        title_toks = set(
            index_tokens(str(h.get("title") or "") + " " + str(h.get("doc_title") or ""))
        )
        title_cover = sum(terms.idf(t) * weights[t] for t in title_toks & qset) / total_idf
        score = (
            0.55 * page_scores[doc_id] / top_page
            + 0.45 * sec_scores[sid] / top_sec
            + 0.35 * title_cover
            + (0.15 if sid in extra else 0.0)
        )
        cand = Candidate(
            "document", sid, str(h.get("uri") or ""), _title(h), str(h.get("text") or ""),
            score, doc_id=doc_id, evidence=["bm25"] + ([extra[sid]] if sid in extra else []),
        )  # fmt: skip
        if doc_id not in best or cand.score > best[doc_id].score:
            best[doc_id] = cand
    docs = sorted(best.values(), key=lambda c: -c.score)
    return _interleave(docs, sorted(errors.values(), key=lambda c: -c.score), erroneous)


def _errors(
    store: Store,
    terms: TermIndex,
    linked: Linked,
    tokens: list[str],
    weights: dict[str, float],
    erroneous: bool,
) -> dict[str, Candidate]:
    errors: dict[str, Candidate] = {}
    if linked.codes:
        for row in store.read(eq.BY_CODES, {"codes": linked.codes}):
            errors[row["error"]["id"]] = _error_candidate(row, 10.0, "code named in question")
    ranked = terms.top_errors(tokens, weights, ERROR_POOL)
    if not ranked:
        return errors
    top = ranked[0][1] or 1.0
    rows = store.read(eq.BY_CODES, {"codes": sorted({terms.code_of[eid] for eid, _ in ranked})})
    by_id = {row["error"]["id"]: row for row in rows}
    qset = set(tokens)
    for eid, bm25 in ranked:
        found = by_id.get(eid)
        if found is None or eid in errors:
            continue
        row = found
        name = str(row["error"].get("name") or "")
        name_toks = set(index_tokens(name.replace("_", " ")))
        cover = len(name_toks & qset) / len(name_toks) if name_toks else 0.0
        weight = 0.5 * bm25 / top + cover
        if not erroneous:
            weight *= 0.35
        errors[eid] = _error_candidate(row, weight, f"bm25, name cover {cover:.2f}")
    return errors


def _title(h: dict[str, object]) -> str:
    title, doc_title = str(h.get("title") or ""), str(h.get("doc_title") or "")
    if doc_title and title and title != doc_title:
        return f"{doc_title} — {title}"
    return title or doc_title


def _error_candidate(row: dict[str, object], score: float, why: str) -> Candidate:
    e = row["error"]
    assert isinstance(e, dict)
    name = e.get("name") or ""
    message = e.get("message") or e.get("message_zh") or ""
    steps = []
    for sol in row.get("solutions") or []:  # type: ignore[attr-defined]
        steps += list(sol.get("steps") or [])
    causes = [c.get("text") for c in row.get("causes") or [] if c.get("text")]  # type: ignore[attr-defined]
    text = "; ".join(x for x in [name, message, *causes] if x)
    if steps:
        text += " | " + " ".join(f"{i}. {s}" for i, s in enumerate(steps, 1))
    product = e.get("product") or ""
    title = f"{product} error {e['code']}" + (f" ({name})" if name else "")
    return Candidate(
        "error_code", str(e["id"]), str(e.get("uri") or ""), title.strip(), text, score,
        code=str(e["code"]), evidence=[why],
    )  # fmt: skip


def _interleave(docs: list[Candidate], errors: list[Candidate], erroneous: bool) -> list[Candidate]:
    """Best first. An error-like question leads with its best error code; further
    codes only rank above pages that they outscore, and codes with the same
    condition name as one already listed (e.g. 22004 and 39004) are dropped."""
    errs = [e for e in errors if e.score >= (0.5 if erroneous else 1.5)]
    out: list[Candidate] = []
    names: set[str] = set()
    if errs:
        first = errs.pop(0)
        out.append(first)
        names.add(first.title.rsplit("(", 1)[-1])
    rest = []
    for e in errs:
        name = e.title.rsplit("(", 1)[-1]
        if name in names:
            continue
        names.add(name)
        rest.append(e)
    merged = sorted(docs + rest, key=lambda c: -c.score)
    out.extend(merged)
    return out
