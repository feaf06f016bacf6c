"""Routing decision latency at a support desk's size, on both backends (issue 11, item 6).

A fresh graph gets 500 agents (tiers 1-3, one or two languages, capacity
4-12, a few away), 5,000 declared skill edges over 250 skill targets
(products and concepts), some learned outcomes on them, and 10,000
open tickets with their needs. Then ``Router.route`` (the production path:
candidate query, policy, the assignment write, the decision record and its
audit record) places new tickets, each needing one to three targets, and
each placement is timed; every ticket is resolved again right after, so
load stays as it was. Per backend and policy it reports p50, p95 and p99.

Baseline, same run: the indexed lookup of one ticket with its needs
(``TICKET_FOR_ROUTING``), the floor any router pays per ticket.

The goal is p99 under 20 ms on the embedded graph. Neo4j runs when the test
server is built (``make neo4j-server``) or ``NEO4J_URI`` is set.

Usage: python bench/routing_latency.py [--routes 400] [--backends embedded,neo4j]
Writes bench/results/routing_latency.json and routing_latency.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench.ingest import machine_info  # noqa: E402
from graph.queries import routing as q  # noqa: E402
from graph.store import Store  # noqa: E402
from migrations.runner import migrate  # noqa: E402
from resolvers.routing import outcomes  # noqa: E402
from resolvers.routing.config import POLICIES, RoutingConfig  # noqa: E402
from resolvers.routing.roster import Roster, load  # noqa: E402
from resolvers.routing.router import Router  # noqa: E402
from resolvers.routing.simulation.experiment import scratch_store  # noqa: E402

RESULTS = ROOT / "bench" / "results"
NEO4J_SERVER = ROOT / "tests" / "neo4j-server" / "target"
AGENTS, SKILLS, TARGETS, OPEN = 500, 5_000, 250, 10_000


def _catalogue(store: Store) -> list[str]:
    """250 skill targets, products and concepts, written as the extractors write them."""
    from graph.queries import concepts as cq

    products = [{"id": f"product:bench{i}", "props": {"name": f"Bench product {i}"}}
                for i in range(TARGETS // 5)]  # fmt: skip
    concepts = [{"id": f"concept:bench{i}",
                 "props": {"name_en": f"bench concept {i}", "name_zh": "", "aliases_en": [],
                           "aliases_zh": []}}
                for i in range(TARGETS - len(products))]  # fmt: skip
    store.write_batch(cq.UPSERT_PRODUCTS, products)
    store.write_batch(cq.UPSERT_CONCEPTS, concepts)
    return [r["id"] for r in products + concepts]


def build(store: Store, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    ids = _catalogue(store)
    agents = []
    per_agent = SKILLS // AGENTS
    for i in range(AGENTS):
        langs = ["en", "zh"] if i % 3 == 0 else [["en"], ["zh"]][i % 2]
        skills = {ids[j]: rng.randint(1, 5) for j in rng.sample(range(TARGETS), per_agent)}
        agents.append({"id": f"b{i}", "name": f"Bench agent {i}", "tier": 1 + i % 3,
                       "languages": langs, "capacity": rng.randint(4, 12),
                       "status": "away" if i % 17 == 0 else "available",
                       "teams": [f"team {i % 12}"], "skills": skills})  # fmt: skip
    done = load(store, Roster.model_validate({"agents": agents}), "bench")
    assert not done.problems and done.skills == SKILLS, done
    # Outcomes learned before: a share of the edges carry a record.
    learned = []
    for a in agents[::2]:
        for target in list(a["skills"])[:4]:  # type: ignore[call-overload]
            n = rng.randint(1, 40)
            learned.append({"agent": f"agent:roster:{a['id']}", "target": target, "n": n,
                            "fcr": rng.randint(0, n), "mean": rng.uniform(4, 7)})  # fmt: skip
    store.write_batch(q.SEED_OUTCOMES, learned)
    tickets = [{"id": f"ticket:bench:open:{i}",
                "props": {"subject": "", "language": rng.choice(["en", "zh"]), "status": "open",
                          "complexity": rng.choice(["L1", "L2", "L3"])}}
               for i in range(OPEN)]  # fmt: skip
    store.write_batch(q.RAISE_TICKETS, tickets)
    needs = [{"ticket": t["id"], "target": target, "weight": 1.0, "step": 1}
             for t in tickets for target in rng.sample(ids, rng.randint(1, 3))]  # fmt: skip
    store.write_batch(q.SET_NEEDS_BULK, needs)
    return ids


def measure(store: Store, ids: list[str], policy: str, routes: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    router = Router(store, RoutingConfig(policy=policy, seed=seed))
    route_ms, floor_ms = [], []
    placed = queued = held = 0
    for i in range(routes):
        tid = f"ticket:bench:{policy}:{i}"
        store.write(q.RAISE_TICKETS, {"rows": [{"id": tid, "props": {
            "subject": "", "language": rng.choice(["en", "zh"]), "status": "open",
            "complexity": rng.choice(["L1", "L2", "L3"])}}]})  # fmt: skip
        store.write(q.SET_NEEDS_BULK, {"rows": [
            {"ticket": tid, "target": t, "weight": 1.0, "step": 1}
            for t in rng.sample(ids, rng.randint(1, 3))]})  # fmt: skip
        t0 = time.perf_counter()
        store.read(q.TICKET_FOR_ROUTING, {"ticket": tid})
        floor_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        d = router.route(tid)
        route_ms.append((time.perf_counter() - t0) * 1000)
        if d.agent:
            placed += 1
            outcomes.resolve(store, tid, d.agent, first_contact=True, handle_seconds=60.0)
        elif d.group:
            queued += 1
        else:
            held += 1
    return {"route": _stats(route_ms), "ticket_lookup_floor": _stats(floor_ms),
            "placed": placed, "queued": queued, "held": held}  # fmt: skip


def _stats(ms: list[float]) -> dict[str, float]:
    a = np.asarray(ms)
    return {"n": len(ms), "p50": float(np.percentile(a, 50)), "p95": float(np.percentile(a, 95)),
            "p99": float(np.percentile(a, 99)), "mean": float(a.mean())}  # fmt: skip


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def neo4j() -> Iterator[Store | None]:
    from graph.neo4j_store import Neo4jStore

    uri = os.environ.get("NEO4J_URI")
    proc = None
    data = Path(tempfile.mkdtemp(prefix="gdroute4j"))
    if uri is None:
        jar = NEO4J_SERVER / "neo4j-server-1.jar"
        java = shutil.which("java")
        if not jar.is_file() or java is None:
            yield None
            return
        cp = f"{jar}{os.pathsep}{NEO4J_SERVER / 'lib' / '*'}"
        proc = subprocess.Popen(
            [java, "-Xmx2g", "-cp", cp, "graphdesk.Neo4jServer", str(data / "db"),
             str(_free_port())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        assert proc.stdout is not None
        uri = proc.stdout.readline().strip()
        if not uri.startswith("bolt://"):
            raise SystemExit("the Neo4j test server did not start")
    store = Neo4jStore(uri, os.environ.get("NEO4J_USER", "neo4j"),
                       os.environ.get("NEO4J_PASSWORD", ""),
                       os.environ.get("NEO4J_DATABASE", "neo4j"))  # fmt: skip
    try:
        store.drop_all()
        yield store
    finally:
        store.close()
        if proc is not None and proc.stdin is not None:
            proc.stdin.close()
            proc.wait(timeout=120)
        shutil.rmtree(data, ignore_errors=True)


def markdown(result: dict[str, Any]) -> str:
    lines = [
        "# Routing decision latency",
        "",
        f"{AGENTS} agents, {SKILLS} skill edges over {TARGETS} targets, {OPEN} open tickets; "
        f"{result['routes']} placements per policy, each resolved again at once. "
        "Goal: p99 under 20 ms on the embedded graph.",
        "",
        "| backend | policy | p50 ms | p95 ms | p99 ms | baseline: ticket lookup p50 / p99 ms "
        "| placed / queued / held |",
        "|---|---|---|---|---|---|---|",
    ]
    for backend, policies in result["backends"].items():
        for policy, r in policies.items():
            s, f = r["route"], r["ticket_lookup_floor"]
            lines.append(
                f"| {backend} | {policy} | {s['p50']:.2f} | {s['p95']:.2f} | {s['p99']:.2f} "
                f"| {f['p50']:.2f} / {f['p99']:.2f} | {r['placed']} / {r['queued']} / "
                f"{r['held']} |"
            )
    lines += ["", f"Machine: {result['machine']}", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--routes", type=int, default=400)
    parser.add_argument("--backends", default="embedded,neo4j")
    parser.add_argument("--policies", default=",".join(POLICIES))
    args = parser.parse_args()
    result: dict[str, Any] = {"routes": args.routes, "machine": machine_info(), "backends": {}}
    for backend in args.backends.split(","):
        with scratch_store() if backend == "embedded" else neo4j() as store:
            if store is None:
                print(f"{backend}: not available, skipped")
                continue
            migrate(store)
            t0 = time.perf_counter()
            ids = build(store)
            size = store.read(q.SIZE)[0]
            print(f"{backend}: built in {time.perf_counter() - t0:.1f} s: {size}")
            assert size == {"agents": AGENTS, "skills": SKILLS, "open_tickets": OPEN}, size
            result["backends"][backend] = {}
            for n, policy in enumerate(args.policies.split(",")):
                r = measure(store, ids, policy, args.routes, seed=n)
                result["backends"][backend][policy] = r
                print(f"{backend} {policy}: p50 {r['route']['p50']:.2f} ms, "
                      f"p99 {r['route']['p99']:.2f} ms")  # fmt: skip
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "routing_latency.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / "routing_latency.md").write_text(markdown(result))


if __name__ == "__main__":
    main()
