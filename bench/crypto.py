"""What sealing personal data costs: cipher speed, ticket ingest, `ask` and ticket reads.

1. SM4-GCM against AES-128-GCM, both from ``cryptography`` (OpenSSL) through
   the same Cipher API, on 1 KiB and 1 MiB messages: MB/s of seal (encrypt
   and tag), the same run.
2. Ticket ingest with sealing (the one write path, ``extractors/text/crypto/sealer.py``)
   against the same write path with nothing sealed or indexed (a baseline
   sealer defined here), alternating, on a fresh embedded graph each time:
   the generated exports of ``bench/ingest_tickets.py`` (every ticket holds
   a phone number and an e-mail address, so every ticket seals).
3. ``ask`` latency in process (``Answerer.answer``, no answer cache) on the
   two graphs (the demo manuals plus those tickets): answers read masked
   text and never open a sealed value, so this is the cost of the larger
   nodes only.
4. Opening a ticket for a clear reader (``resolvers/personal.py``) against
   stripping it unopened, per ticket record.

Goal: overhead under 10% on ingest and on `ask`.
Usage: python bench/crypto.py [--tickets 5000] [--rounds 3]
Writes bench/results/crypto.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GRAPHDESK_EMBEDDINGS", "false")

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes  # noqa: E402

from bench.ingest_tickets import write_exports  # noqa: E402
from extractors.ingest.pipeline import Ingestor  # noqa: E402
from extractors.text.crypto.keys import Keyring  # noqa: E402
from extractors.text.crypto.sealer import Sealer  # noqa: E402
from graph.falkor import FalkorStore  # noqa: E402
from graph.queries import tickets as tq  # noqa: E402
from migrations.runner import migrate  # noqa: E402
from resolvers import personal  # noqa: E402
from resolvers.catalog import ticket_by_id  # noqa: E402

RESULTS = ROOT / "bench" / "results"
DEMO = ROOT / "data" / "demo"
QUESTIONS = [
    "too many connections on NimbusDB 3.2",
    "deadlock during the nightly import",
    "the replica lag keeps growing",
    "backup job fails",
    "cache evicts keys too early",
    "migration from MySQL stops",
    "连接数满了，应用报错怎么办",
    "夜间导入时死锁",
    "psycopg OperationalError too many connections for role",
    "how do I raise maxmemory",
]


class Unsealed(Sealer):
    """The baseline: the same write path with nothing sealed or indexed (what
    ingest stored before personal data was sealed: the masked text only)."""

    def seal(
        self, node_id: str, originals: Mapping[str, str], values: Iterable[tuple[str, str]] = ()
    ) -> dict[str, Any]:
        return {}


def _throughput(algorithm: Callable[[bytes], Any], key: bytes, size: int) -> float:
    data, aad = os.urandom(size), b"node|field|v1"
    rounds, start = 0, time.perf_counter()
    while True:
        enc = Cipher(algorithm(key), modes.GCM(os.urandom(12))).encryptor()
        enc.authenticate_additional_data(aad)
        enc.update(data)
        enc.finalize()
        rounds += 1
        elapsed = time.perf_counter() - start
        if elapsed > 1.0 and rounds >= 5:
            return rounds * size / elapsed / 1e6


def _ingest(work: Path, exports: Path, sealer: Sealer) -> tuple[float, FalkorStore]:
    graph = work / f"g{time.perf_counter_ns()}"
    store = FalkorStore(graph)
    migrate(store)
    Ingestor(store, progress=False).run([DEMO / "docs", DEMO / "errors"])
    start = time.perf_counter()
    report = Ingestor(store, progress=False, sealer=sealer).run([exports])
    seconds = time.perf_counter() - start
    assert report.tickets and not report.failed, report.summary()
    return seconds, store


def _ask_ms(stores: dict[str, FalkorStore], rounds: int = 7) -> dict[str, float]:
    """p50 per graph, the graphs' passes over the questions alternating, so the
    machine's drift falls on both alike."""
    from resolvers.pipeline.answerer import Answerer

    answerers = {name: Answerer(store, llm=None, cache_size=0) for name, store in stores.items()}
    for answerer in answerers.values():
        answerer.warm_up()
        for q in QUESTIONS:
            answerer.answer(q)
    times: dict[str, list[float]] = {name: [] for name in stores}
    for _ in range(rounds):
        for name, answerer in answerers.items():
            for q in QUESTIONS:
                start = time.perf_counter()
                answerer.answer(q)
                times[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(t) for name, t in times.items()}


def _open_us(store: FalkorStore, sealer: Sealer) -> tuple[float, float]:
    ids = [r["id"] for r in store.read("MATCH (t:Ticket) RETURN t.id AS id LIMIT 200")]
    rows = [r for r in (ticket_by_id(store, tid) for tid in ids) if r is not None]
    out = []
    for step in (lambda r: personal.opened(r, sealer), personal.without_sealed):
        start = time.perf_counter()
        for _ in range(5):
            for r in rows:
                step(r)
        out.append((time.perf_counter() - start) / (5 * len(rows)) * 1e6)
    return out[0], out[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tickets", type=int, default=5000)
    ap.add_argument("--files", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()

    sm4, aes = os.urandom(16), os.urandom(16)
    ciphers = {
        f"{name} {label}": round(_throughput(alg, key, size), 1)
        for label, size in (("1 KiB", 1024), ("1 MiB", 1 << 20))
        for name, alg, key in (("SM4-GCM", algorithms.SM4, sm4),
                               ("AES-128-GCM", algorithms.AES, aes))
    }  # fmt: skip

    sealer = Sealer(Keyring.generate())
    plain = Unsealed(sealer.ring)
    work = Path(tempfile.mkdtemp(prefix="gdc", dir="/tmp"))
    try:
        exports = work / "exports"
        write_exports(exports, args.tickets, args.files, seed=7)
        sealed_s, plain_s = [], []
        last: dict[str, FalkorStore] = {}
        for _ in range(args.rounds):
            for name, use, into in (("plain", plain, plain_s), ("sealed", sealer, sealed_s)):
                seconds, store = _ingest(work, exports, use)
                into.append(seconds)
                if name in last:
                    last[name].close()
                last[name] = store
        sealed_nodes = last["sealed"].read("MATCH (n) WHERE n.sealed = true RETURN count(n) AS n")[
            0
        ]["n"]
        ask = _ask_ms(last)
        open_us, strip_us = _open_us(last["sealed"], sealer)
        assert last["sealed"].read(tq.FIRST_CUSTOMER)
        for store in last.values():
            store.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    p, s = statistics.median(plain_s), statistics.median(sealed_s)
    ask_plain, ask_sealed = ask["plain"], ask["sealed"]
    out = {
        "ciphers_mb_per_s": ciphers,
        "ingest": {
            "tickets": args.tickets, "rounds": args.rounds,
            "plain_s": [round(x, 2) for x in plain_s], "sealed_s": [round(x, 2) for x in sealed_s],
            "plain_median_s": round(p, 2), "sealed_median_s": round(s, 2),
            "overhead_pct": round((s / p - 1) * 100, 1), "sealed_nodes": sealed_nodes,
        },
        "ask_p50_ms": {"plain": round(ask_plain, 2), "sealed": round(ask_sealed, 2),
                       "questions": len(QUESTIONS),
                       "overhead_pct": round((ask_sealed / ask_plain - 1) * 100, 1)},
        "ticket_open_us": {"opened": round(open_us, 1), "stripped": round(strip_us, 1)},
        "goal_pct": 10,
    }  # fmt: skip
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "crypto.json").write_text(json.dumps(out, indent=1))
    c = ciphers
    md = [
        "# Sealing personal data: cost (bench/crypto.py)",
        "",
        "| measure | sealed / SM4 | baseline, same run | overhead |",
        "|---|---|---|---|",
        f"| cipher, 1 KiB messages (MB/s) | SM4-GCM {c['SM4-GCM 1 KiB']} | "
        f"AES-128-GCM {c['AES-128-GCM 1 KiB']} | — |",
        f"| cipher, 1 MiB messages (MB/s) | SM4-GCM {c['SM4-GCM 1 MiB']} | "
        f"AES-128-GCM {c['AES-128-GCM 1 MiB']} | — |",
        f"| ingest {args.tickets:,} tickets (median of {args.rounds}, s) | {s:.2f} | "
        f"{p:.2f} unsealed | {out['ingest']['overhead_pct']}% |",
        f"| `ask` in process, p50 (ms; passes alternating) | {ask_sealed:.2f} | "
        f"{ask_plain:.2f} unsealed | {out['ask_p50_ms']['overhead_pct']}% |",
        f"| a ticket opened for a clear reader (µs) | {open_us:.1f} | {strip_us:.1f} unopened | "
        f"+{open_us - strip_us:.1f} µs |",
        "",
        f"{sealed_nodes:,} nodes hold sealed values. Goal: overhead under 10% on ingest and `ask`.",
        "",
    ]
    (RESULTS / "crypto.md").write_text("\n".join(md))
    print("\n".join(md))


if __name__ == "__main__":
    main()
