"""Ticket ingest at scale: 100,000 generated tickets, then an update of 1% of them.

Tickets are generated (seeded) from a small set of templates written here:
support requests about the demo products with error codes, stack traces,
personal data to mask, and resolutions. They are written as 100 JSON Lines
exports of 1,000 tickets; the update rewrites one export (1% of the corpus).

Usage: python bench/ingest_tickets.py [--tickets 100000] [--files 100]
Writes bench/results/ingest_tickets.json and .md.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.ingest.pipeline import Ingestor  # noqa: E402
from graph.falkor import FalkorStore  # noqa: E402
from graph.queries.documents import counts  # noqa: E402
from migrations.runner import migrate  # noqa: E402

RESULTS = ROOT / "bench" / "results"

SUBJECTS = [
    ("Too many connections on {product} {version}", "NDB-1001"),
    ("Deadlock during nightly import ({code})", "NDB-1401"),
    ("Replica lag keeps growing", "NDB-1302"),
    ("Backup job fails with {code}", "NDB-1601"),
    ("Cache evicts keys too early", "NCH-2001"),
    ("Migration from MySQL stops with {code}", "NSY-3001"),
    ("连接数满了，应用报错 {code}", "NDB-1001"),
    ("夜间导入时死锁 {code}", "NDB-1401"),
]
TRACE = """Traceback (most recent call last):
  File "/srv/{app}/worker.py", line {line}, in run
    cur.execute(sql)
  File "/srv/{app}/db.py", line {line2}, in execute
    return self.conn.execute(q)
{exc}: {msg}
"""
EXCEPTIONS = [("psycopg.errors.DeadlockDetected", "deadlock detected"),
              ("psycopg.OperationalError", 'too many connections for role "app"'),
              ("TimeoutError", "timed out after 30 s")]  # fmt: skip
PRODUCTS = [("NimbusDB", "3.2"), ("NimbusDB", "3.1"), ("NimbusCache", "2.5")]
RESOLUTIONS = [
    "1. Route the application through NimbusPool on port 6433.\n2. Lower idle timeouts.",
    "1. Update rows in primary-key order.\n2. Retry the transaction on NDB-1401.",
    "1. Raise maxmemory.\n2. Switch the eviction policy to allkeys-lru.",
]


def ticket(rng: random.Random, n: int) -> dict[str, object]:
    subject, code = rng.choice(SUBJECTS)
    product, version = rng.choice(PRODUCTS)
    exc, msg = rng.choice(EXCEPTIONS)
    trace = TRACE.format(app=rng.choice(["billing", "orders", "etl"]), line=rng.randint(10, 400),
                         line2=rng.randint(10, 400), exc=exc, msg=msg)  # fmt: skip
    solved = rng.random() < 0.6
    return {
        "id": f"T-{n}",
        "subject": subject.format(product=product, version=version, code=code),
        "description": f"Since {product} {version} we see {code}. Call me on 1380013{n % 10000:04d}"
        f" or mail user{n}@example.com.\n{trace}",
        "status": "solved" if solved else "open",
        "priority": rng.choice(["low", "normal", "high"]),
        "created_at": f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T08:00:00Z",
        "customer_id": f"C-{rng.randint(1, 5000)}",
        "product": product,
        "version": version,
        "messages": [{"author": "agent", "role": "agent", "body": "Looking into it."}],
        "resolution": rng.choice(RESOLUTIONS) if solved else None,
    }


def write_exports(root: Path, total: int, files: int, seed: int) -> None:
    rng = random.Random(seed)
    per = total // files
    root.mkdir(parents=True, exist_ok=True)
    for f in range(files):
        lines = [json.dumps(ticket(rng, f * per + i), ensure_ascii=False) for i in range(per)]
        (root / f"export-{f:03d}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tickets", type=int, default=100_000)
    ap.add_argument("--files", type=int, default=100)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gdt", dir="/tmp"))
    try:
        exports = work / "exports"
        t = time.perf_counter()
        write_exports(exports, args.tickets, args.files, seed=7)
        gen_s = time.perf_counter() - t
        store = FalkorStore(work / "g")
        migrate(store)
        t = time.perf_counter()
        full = Ingestor(store, progress=False).run([exports])
        full_s = time.perf_counter() - t
        written = counts(store)
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        redis_mb = _vmhwm(store.server.pid)
        t = time.perf_counter()
        same = Ingestor(store, progress=False).run([exports])
        same_s = time.perf_counter() - t
        # 1%: one export of the hundred is re-exported with changed tickets.
        write_exports(work / "changed", args.tickets, args.files, seed=8)
        shutil.copy(work / "changed" / "export-000.jsonl", exports / "export-000.jsonl")
        t = time.perf_counter()
        delta = Ingestor(store, progress=False).run([exports])
        delta_s = time.perf_counter() - t
        store.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out = {
        "tickets": args.tickets, "files": args.files, "generate_s": round(gen_s, 1),
        "full": {"seconds": round(full_s, 1), "tickets_per_s": round(full.tickets / full_s),
                 "tickets": full.tickets, "failed": len(full.failed),
                 "warnings": len(full.warnings)},
        "nodes": {k: v for k, v in written.items()},
        "peak_rss_mb": round(rss_mb), "falkordb_peak_mb": redis_mb,
        "unchanged": {"seconds": round(same_s, 2), "tickets": same.tickets},
        "one_percent": {"seconds": round(delta_s, 2), "tickets": delta.tickets,
                        "changed_files": delta.changed},
    }  # fmt: skip
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ingest_tickets.json").write_text(json.dumps(out, indent=1))
    md = [
        f"# Ticket ingest: {args.tickets:,} generated tickets in {args.files} JSON Lines exports",
        "",
        "| run | seconds | tickets/s | tickets written |",
        "|---|---|---|---|",
        f"| full ingest | {out['full']['seconds']} | {out['full']['tickets_per_s']} | "
        f"{full.tickets} |",
        f"| re-ingest, unchanged | {out['unchanged']['seconds']} | - | {same.tickets} |",
        f"| 1% changed (one export re-written) | {out['one_percent']['seconds']} | - | "
        f"{delta.tickets} |",
        "",
        f"Peak memory: ingest process {out['peak_rss_mb']} MB, FalkorDB {redis_mb} MB. "
        f"Nodes written: {written}.",
        "",
    ]
    (RESULTS / "ingest_tickets.md").write_text("\n".join(md))
    print("\n".join(md))


def _vmhwm(pid: int | None) -> float | None:
    if pid is None:
        return None
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return None


if __name__ == "__main__":
    main()
