"""Ingest speed and memory: the whole PostgreSQL manual, a no-op re-ingest, a 1% update.

1. Full ingest of the manual into a fresh data directory (no embeddings):
   wall time, pages/s, nodes and edges written, peak memory of this process
   (ru_maxrss) and of the redis-server child (VmHWM).
2. Re-ingest of the unchanged manual into the same graph: time, and proof that
   nothing was written (new = changed = 0, counts unchanged).
3. Incremental update: the manual is copied to a temp directory and ingested
   into a second fresh data directory (a second full-ingest sample), then 1%
   of its pages get a paragraph appended and the copy is ingested again.

Usage: python bench/ingest.py [--manual DIR] [--pct 1.0]
Writes bench/results/ingest.json and ingest.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.ingest.pipeline import Ingestor, IngestReport  # noqa: E402
from graph.falkor import FalkorStore  # noqa: E402
from graph.queries.documents import counts  # noqa: E402
from migrations.runner import migrate  # noqa: E402

MANUAL = Path("/usr/share/doc/postgresql-doc-15/html")
RESULTS = ROOT / "bench" / "results"
GOAL_SECONDS = 60.0
GOAL = "whole manual in under 60 s without embeddings on a 2-core machine"
PARAGRAPH = (
    "\n<p>graphdesk benchmark edit {n}: this paragraph was appended to measure an "
    "incremental re-ingest. Check the pg_stat_activity view when a query waits on a "
    "lock, and raise max_connections only after tuning work_mem.</p>\n"
)


def machine_info() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    return {
        "nproc": usable,
        "cpu_count": os.cpu_count(),
        "cpu_model": model or platform.processor() or "unknown",
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        # Other work on the machine skews the figures: the load when the bench began.
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def proc_status_kb(pid: int | None, field: str) -> int | None:
    """VmHWM / VmRSS (KiB) of a process from /proc/<pid>/status."""
    if not pid:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def self_maxrss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def dir_size_mb(path: Path) -> float:
    total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return round(total / 1024 / 1024, 1)


def mb(kb: int | None) -> float | None:
    return None if kb is None else round(kb / 1024, 1)


def report_dict(r: IngestReport, wall: float) -> dict[str, Any]:
    return {
        "wall_s": round(wall, 2), "ingest_s": round(r.seconds, 2),
        "new": r.new, "changed": r.changed, "unchanged": r.unchanged, "retired": r.retired,
        "failed": len(r.failed), "skipped": r.skipped, "documents": r.documents,
        "sections": r.sections, "error_codes": r.error_codes, "mentions": r.mentions,
        "warnings": len(r.warnings),
    }  # fmt: skip


def delta(after: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    keys = sorted(set(after) | set(before))
    return {
        k: after.get(k, 0) - before.get(k, 0) for k in keys if after.get(k, 0) != before.get(k, 0)
    }


def timed_ingest(store: FalkorStore, paths: list[Path]) -> tuple[IngestReport, float]:
    """Wall time covers the Ingestor's set-up (glossary, concept matcher) and the run."""
    t = time.perf_counter()
    report = Ingestor(store, progress=False).run(paths)
    return report, time.perf_counter() - t


def pick_pages(files: list[Path], n: int) -> list[Path]:
    """n pages spread evenly over the sorted manual (deterministic)."""
    step = len(files) / n
    return [files[int(i * step + step / 2)] for i in range(n)]


def append_paragraph(path: Path, n: int) -> None:
    html = path.read_text(encoding="utf-8", errors="surrogateescape")
    para = PARAGRAPH.format(n=n)
    for marker in ('<div class="navfooter">', "</body>"):
        i = html.rfind(marker)
        if i >= 0:
            html = html[:i] + para + html[i:]
            break
    else:
        html += para
    path.write_text(html, encoding="utf-8", errors="surrogateescape")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--manual", type=Path, default=MANUAL)
    ap.add_argument("--pct", type=float, default=1.0, help="percent of pages to modify")
    args = ap.parse_args()
    manual: Path = args.manual.resolve()
    pages = sorted(manual.glob("*.html"))
    if not pages:
        sys.exit(f"{manual}: no HTML pages")
    machine = machine_info()
    work = Path(tempfile.mkdtemp(prefix="gdbench"))
    out: dict[str, Any] = {"goal": GOAL, "machine": machine, "manual": str(manual),
                           "pages": len(pages), "embeddings": False}  # fmt: skip
    stores: list[FalkorStore] = []
    try:
        # -- 1. full ingest into a fresh data dir ---------------------------
        rss_before = self_maxrss_kb()
        t = time.perf_counter()
        store = FalkorStore(work / "full")
        stores.append(store)
        migrate(store)
        startup = time.perf_counter() - t
        before = counts(store)
        full, wall = timed_ingest(store, [manual])
        after = counts(store)
        server_pid = store.server.pid
        out["full"] = report_dict(full, wall) | {
            "startup_s": round(startup, 2),
            "pages_per_s": round(full.new / wall, 1),
            "sections_per_s": round(full.sections / wall, 1),
            "counts_before": before, "counts_after": after,
            "written": delta(after, before),
            "nodes_written": sum(v for k, v in delta(after, before).items() if k != "edges"),
            "edges_written": after.get("edges", 0) - before.get("edges", 0),
            "peak_rss_mb": {
                "bench_process": mb(self_maxrss_kb()),
                "bench_process_before_ingest": mb(rss_before),
                "redis_server_vmhwm": mb(proc_status_kb(server_pid, "VmHWM")),
                "redis_server_vmrss_now": mb(proc_status_kb(server_pid, "VmRSS")),
            },
            "goal_met": wall < GOAL_SECONDS and not full.failed,
        }  # fmt: skip
        print(f"full ingest: {full.summary()} (wall {wall:.1f} s)", flush=True)

        # -- 2. re-ingest, nothing changed -----------------------------------
        again, wall2 = timed_ingest(store, [manual])
        after2 = counts(store)
        out["reingest_unchanged"] = report_dict(again, wall2) | {
            "counts_changed": delta(after2, after),
            "wrote_nothing": again.new == 0 and again.changed == 0 and after2 == after,
        }
        print(f"re-ingest:   {again.summary()} (wall {wall2:.1f} s)", flush=True)
        out["full"]["data_dir_mb"] = dir_size_mb(work / "full")
        store.close()
        stores.remove(store)

        # -- 3. incremental: copy, ingest copy, modify pct% of pages, re-ingest
        copy = work / "manual"
        shutil.copytree(manual, copy)
        store = FalkorStore(work / "incr")
        stores.append(store)
        migrate(store)
        base, wall3 = timed_ingest(store, [copy])
        c_base = counts(store)
        print(f"copy ingest: {base.summary()} (wall {wall3:.1f} s)", flush=True)
        n = max(1, round(len(pages) * args.pct / 100))
        chosen = pick_pages(sorted(copy.glob("*.html")), n)
        for i, p in enumerate(chosen):
            append_paragraph(p, i)
        upd, wall4 = timed_ingest(store, [copy])
        c_upd = counts(store)
        print(f"incremental: {upd.summary()} (wall {wall4:.1f} s)", flush=True)
        out["full_copy_second_sample"] = report_dict(base, wall3) | {
            "pages_per_s": round(base.new / wall3, 1),
            "redis_server_vmhwm_mb": mb(proc_status_kb(store.server.pid, "VmHWM")),
        }
        out["incremental"] = report_dict(upd, wall4) | {
            "modified_pages": n, "modified_pct": round(100 * n / len(pages), 2),
            "modified_files": [p.name for p in chosen],
            "counts_changed": delta(c_upd, c_base),
            "speedup_vs_full": round(wall3 / wall4, 1) if wall4 else None,
        }  # fmt: skip
        out["peak_rss_mb_bench_process_end"] = mb(self_maxrss_kb())
        out["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
        store.close()
        stores.remove(store)
    finally:
        for s in stores:
            s.close()
        shutil.rmtree(work, ignore_errors=True)

    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ingest.json").write_text(json.dumps(out, ensure_ascii=False, indent=2))
    md = render(out)
    (RESULTS / "ingest.md").write_text(md)
    print(md)


def row(name: str, d: dict[str, Any]) -> str:
    cells = [name, d["wall_s"], d.get("pages_per_s", "-"), d["new"], d["changed"],
             d["unchanged"], d["sections"], d["error_codes"], d["mentions"]]  # fmt: skip
    return "| " + " | ".join(str(c) for c in cells) + " |"


def render(o: dict[str, Any]) -> str:
    m, f, r, i = o["machine"], o["full"], o["reingest_unchanged"], o["incremental"]
    s2 = o["full_copy_second_sample"]
    pk = f["peak_rss_mb"]
    w = f["written"]
    lines = [
        f"# Ingest: PostgreSQL 15 manual ({o['pages']} HTML pages, no embeddings)", "",
        f"Machine: {m['nproc']} cores ({m['cpu_model']}), {m['memory_gib']} GiB RAM, "
        f"Python {m['python']}. Goal: {o['goal']}. Load average (1/5/15 min) at start "
        f"{m['loadavg_at_start']}, at end {o.get('loadavg_at_end')}.", "",
        "| run | wall (s) | pages/s | new | changed | unchanged | sections | error codes "
        "| concept links |",
        "|---|---|---|---|---|---|---|---|---|",
        row("full ingest", f),
        row("full ingest, 2nd sample (copy)", s2),
        row("re-ingest, unchanged", r),
        row(f"incremental, {i['modified_pages']} pages ({i['modified_pct']}%) edited", i),
        "",
        f"- Goal met: **{'yes' if f['goal_met'] else 'no'}** (full ingest {f['wall_s']} s "
        f"vs {GOAL_SECONDS:.0f} s; store start-up + migrations {f['startup_s']} s not included).",
        f"- Written by the full ingest: {f['nodes_written']} nodes, {f['edges_written']} edges ("
        + ", ".join(f"{k} {v}" for k, v in w.items() if k != "edges") + "); "
        f"data dir {f.get('data_dir_mb')} MB on disk.",
        f"- Peak memory: bench process (Python, parsing) {pk['bench_process']} MB max RSS "
        f"({pk['bench_process_before_ingest']} MB before ingest); redis-server (FalkorDB) "
        f"{pk['redis_server_vmhwm']} MB VmHWM.",
        f"- Unchanged re-ingest wrote nothing: **{'yes' if r['wrote_nothing'] else 'NO'}** "
        f"(new={r['new']}, changed={r['changed']}, "
        f"counts changed: {r['counts_changed'] or 'none'}).",
        f"- Incremental update: {i['changed']} changed pages re-ingested in {i['wall_s']} s "
        f"({i['speedup_vs_full']}x faster than a full ingest); counts changed: "
        f"{i['counts_changed'] or 'none'}.",
        "",
    ]  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    main()
