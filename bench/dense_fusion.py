"""How embeddings join the words: the fusion chosen on the tuning manuals.

For every question of the tuning sets (``tuned=True`` in bench/eval_qa.py):
the answer by words alone (``Answerer`` without embeddings, 10 citations with
their fused scores) and the 60 sections nearest the question's embedding
(the pipeline's ``DenseIndex`` over the graph's vectors). Then each fusion
below is scored by hit@3 per set, offline, and one is chosen by ``RULE``;
``resolvers/pipeline/retrieval.py`` implements the chosen one (``_dense``)
and bench/eval_qa.py measures it through the service's own path, on the
held-out sets too.

Fusions, all fixed before any result was read (error-code citations keep
their places in each):
- ``rrf<w>``: reciprocal-rank fusion (k=60) of the word ranking and the
  nearest pages, the nearest pages weighted w;
- ``score<w>``: the word ranking's scores, scaled to its best, plus w times
  the page's similarity scaled from 0 (the 20th nearest page) to 1 (the
  nearest); pages only the embeddings found enter with that term alone.

Usage: python bench/dense_fusion.py [--set NAME ...]
Writes bench/results/dense_fusion.json and dense_fusion.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.eval_qa import SETS, graph_for, rank_of  # noqa: E402
from extractors.ingest.embed import embed_pending  # noqa: E402
from extractors.text.embedding import shared  # noqa: E402
from resolvers.pipeline.answerer import Answerer  # noqa: E402
from resolvers.pipeline.dense import DenseIndex  # noqa: E402

RESULTS = ROOT / "bench" / "results"
NEAREST = 60
PAGES = 20
RRF_K = 60
RRF_WEIGHTS = (0.25, 0.5, 0.75, 1.0)
SCORE_WEIGHTS = (0.1, 0.2, 0.3, 0.5, 0.8)
RULE = (
    "the largest pooled hit@3 gain over words alone among the fusions that lose "
    "on no tuning set; ties go to the smaller weight"
)
Cite = list[Any]  # [kind, code, uri, score]


def page(uri: str) -> str:
    return uri.split("#")[0]


def nearest_pages(near: list[list[Any]], n: int = PAGES) -> dict[str, tuple[str, float]]:
    out: dict[str, tuple[str, float]] = {}
    for uri, sim in near:
        out.setdefault(page(uri), (uri, sim))
        if len(out) == n:
            break
    return out


def _merge(words: list[Cite], order: list[str], item: dict[str, Cite]) -> list[Cite]:
    fused = iter(order)
    out: list[Cite] = []
    for c in words:
        if c[0] == "error_code":
            out.append(c)
        elif (p := next(fused, None)) is not None:
            out.append(item[p])
    return out + [item[p] for p in fused]


def rrf(words: list[Cite], near: list[list[Any]], w: float) -> list[Cite]:
    score: dict[str, float] = {}
    item: dict[str, Cite] = {}
    docs = [c for c in words if c[0] != "error_code"]
    for r, c in enumerate(docs, 1):
        score[page(c[2])] = score.get(page(c[2]), 0.0) + 1 / (RRF_K + r)
        item.setdefault(page(c[2]), c)
    for r, (p, (uri, _)) in enumerate(nearest_pages(near, 10).items(), 1):
        score[p] = score.get(p, 0.0) + w / (RRF_K + r)
        item.setdefault(p, ["document", None, uri, 0.0])
    return _merge(words, sorted(score, key=lambda p: -score[p]), item)


def by_score(words: list[Cite], near: list[list[Any]], w: float) -> list[Cite]:
    docs = [c for c in words if c[0] != "error_code"]
    top = max((c[3] for c in docs), default=0.0) or 1.0
    pages = nearest_pages(near)
    sims = [s for _, s in pages.values()]
    lo, span = (min(sims), (max(sims) - min(sims)) or 1.0) if sims else (0.0, 1.0)
    score: dict[str, float] = {}
    item: dict[str, Cite] = {}
    for c in docs:
        score[page(c[2])] = max(score.get(page(c[2]), 0.0), c[3] / top)
        item.setdefault(page(c[2]), c)
    for p, (uri, sim) in pages.items():
        score[p] = score.get(p, 0.0) + w * (sim - lo) / span
        item.setdefault(p, ["document", None, uri, 0.0])
    return _merge(words, sorted(score, key=lambda p: -score[p]), item)


FUSIONS: dict[str, Callable[[list[Cite], list[list[Any]]], list[Cite]]] = {
    "words": lambda a, d: a,
    **{f"rrf{w}": (lambda a, d, w=w: rrf(a, d, w)) for w in RRF_WEIGHTS},
    **{f"score{w}": (lambda a, d, w=w: by_score(a, d, w)) for w in SCORE_WEIGHTS},
}


def collect(name: str) -> list[dict[str, Any]]:
    qs = next(s for s in SETS if s.name == name)
    store = graph_for(qs.manual)
    try:
        embedder = shared()
        print(f"{name}: {embed_pending(store, embedder).summary()}", file=sys.stderr)
        words = Answerer(store, cache_size=0)
        dense = DenseIndex(embedder.name, embedder.dimension)
        dense.sync(store)
        uris = {sid: m.uri for sid, m in words.terms.section_meta.items()}
        rows = []
        for line in qs.questions.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            q = json.loads(line)
            a = words.answer(q["q"], limit=10)
            near = [
                [uris[sid], sim]
                for sid, sim in dense.nearest(embedder.query(q["q"]), NEAREST)
                if sid in uris
            ]
            rows.append({
                "q": q["q"], "lang": q.get("lang"), "expect": q["expect"],
                "words": [[c.kind, c.code, c.uri, c.score] for c in a.citations],
                "near": near,
            })  # fmt: skip
        return rows
    finally:
        store.close()


def hit3(row: dict[str, Any], fused: list[Cite]) -> bool:
    r = rank_of(row["expect"], [(c[0], c[1], c[2]) for c in fused])
    return r is not None and r <= 3


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", dest="sets", action="append")
    args = ap.parse_args()
    names = args.sets or [
        s.name for s in SETS if s.tuned and s.manual.is_dir() and s.questions.is_file()
    ]
    data = {n: collect(n) for n in names}
    table = {
        f: {n: sum(hit3(r, fn(r["words"], r["near"])) for r in rows) for n, rows in data.items()}
        for f, fn in FUSIONS.items()
    }
    total = sum(len(rows) for rows in data.values())
    base = table["words"]
    safe = [f for f in FUSIONS if f != "words" and all(table[f][n] >= base[n] for n in names)]
    chosen = max(safe, key=lambda f: (sum(table[f].values()), -float(f.lstrip("rscoef"))),
                 default=None)  # fmt: skip
    md = [
        "# How embeddings join the words (chosen on the tuning sets)", "",
        f"hit@3 (questions) per tuning set; rule: {RULE}. Chosen: **{chosen}**.", "",
        "| fusion | " + " | ".join(f"{n} ({len(data[n])})" for n in names) + " | pooled |",
        "|---|" + "---|" * (len(names) + 1),
    ]  # fmt: skip
    for f, per in table.items():
        pooled = 100.0 * sum(per.values()) / max(1, total)
        mark = " (chosen)" if f == chosen else ""
        md.append(
            f"| {f}{mark} | " + " | ".join(str(per[n]) for n in names) + f" | {pooled:.1f}% |"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "dense_fusion.json").write_text(
        json.dumps({"rule": RULE, "chosen": chosen, "hit3": table, "sets": names}, indent=1)
    )
    (RESULTS / "dense_fusion.md").write_text("\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
