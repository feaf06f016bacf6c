"""hit@3 of `ask` citations on the development questions, beside a plain BM25 page retriever.

Usage: python bench/eval_qa.py [--questions FILE] [--manual DIR] [--data-dir DIR]
Writes bench/results/eval_qa.json and eval_qa.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rank_bm25 import BM25Okapi  # noqa: E402

from extractors.html_doc import parse_html  # noqa: E402
from extractors.ingest import Ingestor  # noqa: E402
from extractors.text.segment import index_tokens  # noqa: E402
from graph.falkor import FalkorStore  # noqa: E402
from migrations.runner import migrate  # noqa: E402
from resolvers.pipeline.answerer import Answerer  # noqa: E402

MANUAL = Path("/usr/share/doc/postgresql-doc-15/html")
QUESTIONS = ROOT.parent / "shared" / "eval" / "pg_dev_questions.jsonl"
RESULTS = ROOT / "bench" / "results"


def hit(expect: list[str], cited: list[tuple[str, str | None, str]]) -> bool:
    for kind, code, uri in cited:
        for e in expect:
            k, _, v = e.partition(":")
            if k == "errcode" and kind == "error_code" and code == v:
                return True
            if k == "page" and uri.split("#")[0].rsplit("/", 1)[-1] == v:
                return True
    return False


def bm25_baseline(manual: Path) -> tuple[BM25Okapi, list[str]]:
    names, corpus = [], []
    for f in sorted(manual.glob("*.html")):
        src = parse_html(f.read_bytes(), str(f))
        names.append(f.name)
        corpus.append(
            index_tokens((src.title or "") + " " + " ".join(s.text for s in src.sections))
        )
    return BM25Okapi(corpus), names


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--questions", type=Path, default=QUESTIONS)
    ap.add_argument("--manual", type=Path, default=MANUAL)
    ap.add_argument("--data-dir", type=Path, default=None, help="reuse an ingested graph")
    ap.add_argument("--show", action="store_true", help="print each question's top 3")
    args = ap.parse_args()
    questions = [
        json.loads(line) for line in args.questions.read_text().splitlines() if line.strip()
    ]
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="gdeval"))
    store = FalkorStore(data_dir)
    migrate(store)
    Ingestor(store, progress=False).run([args.manual])
    answerer = Answerer(store)
    bm25, names = bm25_baseline(args.manual)

    rows = []
    for q in questions:
        t = time.perf_counter()
        ans = answerer.answer(q["q"], limit=3)
        ms = (time.perf_counter() - t) * 1000
        cited = [(c.kind, c.code, c.uri) for c in ans.citations[:3]]
        scores = bm25.get_scores(index_tokens(q["q"]))
        top = sorted(range(len(names)), key=lambda i: -scores[i])[:3]
        bm = [("document", None, names[i]) for i in top]
        lang = q.get("lang") or ("zh" if any("\u4e00" <= ch <= "\u9fff" for ch in q["q"]) else "en")
        rows.append({"q": q["q"], "lang": lang, "expect": q["expect"],
                     "graphdesk": hit(q["expect"], cited), "bm25": hit(q["expect"], bm),
                     "cited": [c[1] or c[2].rsplit("/", 1)[-1] for c in cited],
                     "bm25_top": [b[2] for b in bm], "ms": round(ms, 1)})  # fmt: skip
        if args.show:
            r = rows[-1]
            print(("OK " if r["graphdesk"] else "-- ") + r["q"], r["expect"], "->", r["cited"])
    store.close()

    def rate(key: str, lang: str | None = None) -> float:
        sel = [r for r in rows if lang is None or r["lang"] == lang]
        return round(100.0 * sum(r[key] for r in sel) / max(1, len(sel)), 1)

    summary = {
        "questions": len(rows),
        "hit@3": {
            "all": rate("graphdesk"),
            "en": rate("graphdesk", "en"),
            "zh": rate("graphdesk", "zh"),
        },
        "bm25_hit@3": {"all": rate("bm25"), "en": rate("bm25", "en"), "zh": rate("bm25", "zh")},
        "goal": "hit@3 >= 90% overall and >= 80% on Chinese, far above BM25",
        "questions_file": str(args.questions.name),
        "rows": rows,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "eval_qa" if args.questions == QUESTIONS else f"eval_qa_{args.questions.stem}"
    (RESULTS / f"{name}.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2))

    def row(label: str, key: str) -> str:
        return f"| {label} | {rate(key)}% | {rate(key, 'en')}% | {rate(key, 'zh')}% |"

    md = [
        "# QA hit@3 on " + args.questions.name, "",
        "| retriever | all | en | zh |", "|---|---|---|---|",
        row("graphdesk ask", "graphdesk"),
        row("BM25 pages (rank-bm25)", "bm25"),
        "", f"{len(rows)} questions; goal: >= 90% overall, >= 80% Chinese.", "",
    ]  # fmt: skip
    (RESULTS / f"{name}.md").write_text("\n".join(md))
    print("\n".join(md))


if __name__ == "__main__":
    main()
