"""Community threads into the graph: replace a source's threads, retire removed ones."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from extractors.community.parse import CommunityBatch, CommunityThread, Post, thread_id
from extractors.records import EXTRACTOR_VERSION, slug
from extractors.text.concepts import ConceptMatcher
from extractors.text.segment import search_field
from graph.queries import community as cq
from graph.store import Store
from graph.types import Params

MAX_MENTIONS = 12  # concepts linked per thread, most frequent first
_VERSION_TAIL = re.compile(r"-v?\d+(?:[.-]\d+)*$")


def write_community(
    store: Store,
    batch: CommunityBatch,
    matcher: ConceptMatcher | None,
    now_ms: int,
    extra: Sequence[tuple[str, Params]] = (),
) -> dict[str, int]:
    """Replace the facts of ``batch.uri`` in the graph with the batch's; returns counts.

    ``extra`` statements (the Source record) commit in the same transaction.
    """
    uri = batch.uri
    facts = {
        "source": uri,
        "extractor": f"graphdesk.community-{batch.platform}/{EXTRACTOR_VERSION}",
        "extracted_at": now_ms,
    }
    ids = [{"id": t.id} for t in batch.threads]
    st = store
    threads, questions, answers, accepted, mentions, about = [], [], [], [], [], []
    products = _ProductNames(st)
    for t in batch.threads:
        best = t.best_answer
        props = {**_thread_props(t, best, facts), "site_name": batch.site_name}
        threads.append({"id": t.id, "props": props})
        q = t.question
        questions.append({
            "tid": t.id,
            "props": {**_post_props(t, q, "question"), **facts, "confidence": 1.0},
            "edge": {**facts, "confidence": 1.0},
        })  # fmt: skip
        for n, a in enumerate(t.answers, start=1):
            props = {**_post_props(t, a, "answer"), "ordinal": n, **facts, "confidence": 1.0}
            edge = {"ordinal": n, "accepted": a.accepted, **facts, "confidence": 1.0}
            answers.append({"tid": t.id, "props": props, "edge": edge})
            if a.accepted:
                accepted.append({"tid": t.id, "aid": props["id"],
                                 "edge": {**facts, "confidence": 1.0}})  # fmt: skip
        if matcher is not None:
            in_title = set(matcher.counts(t.title))
            body = "\n".join([t.title, q.text, best.text if best else ""])
            for cid, count in matcher.counts(body).most_common(MAX_MENTIONS):
                edge = {"count": count, "in_title": cid in in_title, **facts, "confidence": 0.9}
                mentions.append({"tid": t.id, "cid": cid, "edge": edge})
        for pid, via, version in products.match(t):
            edge = {"via": via, "version": version, **facts,
                    "confidence": 0.9 if via == "tag" else 0.7}  # fmt: skip
            about.append({"tid": t.id, "pid": pid, "edge": edge})

    links = [
        {"a": thread_id(lk.site, lk.key), "b": thread_id(lk.site, lk.target),
         "edge": {**facts, "confidence": 1.0, "location": lk.location}}
        for lk in batch.links if lk.key != lk.target
    ]  # fmt: skip
    # One transaction: the source is wholly the old threads or wholly the new.
    with st.transaction() as tx:
        tx.run(cq.MARK_STALE_THREADS, {"uri": uri})
        tx.run(cq.DELETE_QUESTIONS_OF, {"uri": uri})
        tx.run(cq.DELETE_ANSWERS_OF, {"uri": uri})
        tx.run(cq.DELETE_SOURCE_EDGES, {"uri": uri})
        tx.run(cq.DELETE_DUPLICATES_OF, {"uri": uri})
        tx.run_batch(cq.DELETE_THREAD_POSTS, ids)
        tx.run_batch(cq.DELETE_THREAD_EDGES, ids)
        tx.run_batch(cq.UPSERT_THREADS, threads, batch_size=400)
        tx.run_batch(cq.UPSERT_QUESTIONS, questions, batch_size=400)
        tx.run_batch(cq.UPSERT_ANSWERS, answers, batch_size=400)
        tx.run_batch(cq.LINK_ACCEPTED, accepted)
        tx.run_batch(cq.LINK_MENTIONS, mentions, batch_size=2000)
        tx.run_batch(cq.LINK_PRODUCTS, about)
        linked_parts = [
            tx.run(cq.LINK_DUPLICATES, {"rows": links[start : start + 1000]})
            for start in range(0, len(links), 1000)
        ]
        tx.run(cq.DELETE_STALE_POSTS, {"uri": uri})
        removed_part = tx.run(cq.DELETE_STALE_THREADS, {"uri": uri})
        for cypher, params in extra:
            tx.run(cypher, params)
    linked = sum(int(p.rows[0]["n"]) if p.rows else 0 for p in linked_parts)
    removed = removed_part.rows
    return {
        "threads": len(threads),
        "questions": len(questions),
        "answers": len(answers),
        "accepted": len(accepted),
        "duplicates": linked,
        "duplicates_unresolved": len(links) - linked,
        "mentions": len(mentions),
        "products": len(about),
        "removed": int(removed[0]["n"]) if removed else 0,
        "problems": len(batch.problems),
    }


def retire_community(store: Store, uris: list[str]) -> None:
    """Threads of removed sources leave search but stay traceable."""
    if uris:
        store.write(cq.RETIRE_THREADS_OF, {"uris": uris})


def _thread_props(t: CommunityThread, best: Post | None, facts: dict[str, Any]) -> dict[str, Any]:
    acc = t.accepted
    return {
        "site": t.site, "key": t.key, "platform": t.platform, "title": t.title, "url": t.url,
        "tags": t.tags, "views": t.views, "votes": t.question.votes,
        "answer_count": len(t.answers), "has_accepted": acc is not None,
        "accepted_answer": _post_id(t, acc, "answer") if acc else None,
        "lang": t.lang, "created_at": t.created_at, "location": t.location,
        "search": search_field((t.title, 3), (t.question.text, 1),
                               (best.text if best else "", 1)),
        **facts, "confidence": 1.0,
    }  # fmt: skip


def _post_id(t: CommunityThread, p: Post, kind: str) -> str:
    return f"{kind}:{t.site}:{p.key}"


def _post_props(t: CommunityThread, p: Post, kind: str) -> dict[str, Any]:
    return {
        "id": _post_id(t, p, kind), "thread_id": t.id, "key": p.key, "text": p.text,
        "votes": p.votes, "author": p.author, "created_at": p.created_at,
        "accepted": p.accepted, "url": p.url, "location": p.location,
    }  # fmt: skip


class _ProductNames:
    """Products already in the graph, matched by tag (exact or with a version tail)
    or by name in the title. Tags never create products."""

    def __init__(self, store: Store) -> None:
        self.by_slug: dict[str, str] = {}
        names: dict[str, str] = {}
        for r in store.read(cq.PRODUCT_NAMES):
            pid = str(r["id"])
            for name in [pid.removeprefix("product:"), r.get("name"), *(r.get("aliases") or [])]:
                if isinstance(name, str) and name.strip():
                    self.by_slug.setdefault(slug(name), pid)
                    if len(name.strip()) >= 3:
                        names.setdefault(name.strip().lower(), pid)
        alts = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        self.names = names
        self.title_re = re.compile(rf"(?<![\w-])(?:{alts})(?![\w-])", re.I) if alts else None

    def match(self, t: CommunityThread) -> list[tuple[str, str, str | None]]:
        found: dict[str, tuple[str, str | None]] = {}
        for tag in t.tags:
            s = slug(tag)
            pid = self.by_slug.get(s)
            version = None
            if pid is None and (m := _VERSION_TAIL.search(s)):
                pid = self.by_slug.get(s[: m.start()])
                version = m.group().lstrip("-v").replace("-", ".")
            if pid is not None and pid not in found:
                found[pid] = ("tag", version)
        if self.title_re is not None:
            for m in self.title_re.finditer(t.title):
                pid = self.names[m.group().lower()]
                found.setdefault(pid, ("title", None))
        return [(pid, via, version) for pid, (via, version) in found.items()]
