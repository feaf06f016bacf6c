"""`ask` latency over HTTP at 1 and 20 concurrent clients, beside the raw full-text floor.

The PostgreSQL 15 manual is ingested into a temp data directory, then
`graphdesk serve --no-demo` runs on it as a subprocess (GRAPHDESK_ENV=production,
no LLM key: extractive answers), once per server configuration (answer cache
off, the defaults with the cache on, cache off with 2 workers). A closed-loop
load generator (asyncio + httpx, in this process) sends the GraphQL `ask`
query, cycling through ~80 support questions (English and Chinese). In the
same run it times:

- the raw graph full-text query, `search.sections(store, index_tokens(q), 10)`,
  on a second FalkorStore handle that reuses the running server (the floor);
- `Answerer.answer(q)` in this process against the same server (no HTTP, no cache);
- `GET /healthz` on one keep-alive connection (the HTTP floor);
- HTTP `ask` with 1 client and with 20 concurrent clients.

The load generator shares the machine's cores with the server.

Usage: python bench/ask_latency.py [--requests-1 300] [--requests-20 2000]
       [--configs nocache,default,nocache-w2] [--manual DIR]
Writes bench/results/ask_latency.json, ask_latency.md and ask_latency.png.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import inspect
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import numpy as np  # noqa: E402
import psutil  # type: ignore[import-untyped]  # noqa: E402
import redis  # noqa: E402

from api.envelope_key import generate  # noqa: E402
from api.tokens import derive_key, issue  # noqa: E402
from bench.ingest import machine_info  # noqa: E402
from bench.plot import plot  # noqa: E402
from extractors.ingest.embed import embed_pending  # noqa: E402
from extractors.ingest.pipeline import Ingestor  # noqa: E402
from extractors.text import embedding  # noqa: E402
from extractors.text.segment import index_tokens  # noqa: E402
from graph.falkor import FalkorStore  # noqa: E402
from graph.queries import search  # noqa: E402
from migrations.runner import migrate  # noqa: E402
from resolvers.identity import Role  # noqa: E402
from resolvers.pipeline.answerer import Answerer  # noqa: E402
from resolvers.pipeline.dense import pin_one_blas_thread  # noqa: E402

MANUAL = Path("/usr/share/doc/postgresql-doc-15/html")
DEV_QUESTIONS = ROOT.parent / "shared" / "eval" / "pg_dev_questions.jsonl"
RESULTS = ROOT / "bench" / "results"
GRAPHDESK = ROOT / ".venv" / "bin" / "graphdesk"
GOAL_P95_MS = 50.0
GOAL = "p95 under 50 ms at 20 concurrent clients on a 2-core machine"
ASK = (
    "query($q:String!){ ask(question:$q){ text mode confidence "
    "citations{ kind uri title code snippet } } }"
)

# Server configurations: label and GRAPHDESK_* environment. The questions are
# cycled, so with the answer cache on (the default) every measured request after
# the warm-up is a cache hit; without it every request is answered afresh.
CONFIGS: dict[str, tuple[str, dict[str, str]]] = {
    "nocache": ("no answer cache, 1 worker", {"GRAPHDESK_ANSWER_CACHE_SIZE": "0"}),
    "default": ("defaults (answer cache on, 1 worker)", {}),
    "nocache-w2": ("no answer cache, 2 workers",
                   {"GRAPHDESK_ANSWER_CACHE_SIZE": "0", "GRAPHDESK_WORKERS": "2"}),
}  # fmt: skip

# Realistic support questions about PostgreSQL; the development set is added below.
QUESTIONS = [
    # errors, pasted as users paste them
    "ERROR: deadlock detected",
    "FATAL: sorry, too many clients already",
    'FATAL: password authentication failed for user "app"',
    "ERROR: permission denied for table invoices",
    'duplicate key value violates unique constraint "users_email_key"',
    "ERROR: division by zero",
    "canceling statement due to statement timeout",
    "could not serialize access due to concurrent update",
    "current transaction is aborted, commands ignored until end of transaction block",
    "value too long for type character varying(20)",
    'ERROR: relation "customers" already exists',
    'syntax error at or near "FROM"',
    'FATAL: database "reporting" does not exist',
    "could not extend file: No space left on device",
    "numeric field overflow when inserting into a numeric(5,2) column",
    "ERROR: function lower(integer) does not exist",
    "SQLSTATE 40P01",
    "what does error code 57014 mean?",
    # backup and restore
    "How do I make a base backup with pg_basebackup?",
    "How do I set up continuous archiving of WAL with archive_command?",
    "How can I restore a database to a point in time before a bad DELETE?",
    "How do I restore a custom-format dump in parallel with pg_restore?",
    "How do I dump all roles and tablespaces of a cluster?",
    # replication
    "How do I configure a hot standby with streaming replication?",
    "What is a replication slot and when should I drop one?",
    "How do I promote a standby server to primary?",
    "What does synchronous_commit = remote_apply do?",
    "Queries on the standby get canceled, should I enable hot_standby_feedback?",
    "How do I create a subscription for logical replication?",
    # indexes and queries
    "When should I use a partial index?",
    "How do I create an index on an expression like lower(email)?",
    "Is a BRIN index good for a huge append-only table of timestamps?",
    "How do I build an index without locking writes on the table?",
    "Why is my query not doing an index-only scan?",
    "How do I read the output of EXPLAIN ANALYZE?",
    "How do I write a recursive query with WITH RECURSIVE?",
    "How do I set up full text search with tsvector and a GIN index?",
    "How do I partition a table by range of dates?",
    # configuration and operations
    "How large should shared_buffers be?",
    "What does work_mem control and how high can I set it?",
    "How do I allow remote connections in pg_hba.conf and listen_addresses?",
    "How do I log slow queries with log_min_duration_statement?",
    "How should I tune autovacuum for a table with many updates?",
    "What is transaction ID wraparound and how do I prevent it?",
    "What is the difference between VACUUM and VACUUM FULL?",
    "How do I upgrade to a new major version with pg_upgrade?",
    "How do I enable row level security on a table?",
    "How do I see which queries are running right now?",
    "How often do checkpoints happen, and what does checkpoint_timeout change?",
    # Chinese
    "如何配置流复制的备库？",
    "检测到死锁 deadlock detected 怎么办？",
    "连接数太多，报 too many clients 怎么解决？",
    "shared_buffers 应该设置多大？",
    "怎么记录慢查询？",
    "如何用 pg_basebackup 做物理备份？",
    "插入数据时报唯一约束冲突怎么处理？",
    "如何在不锁表的情况下给大表建索引？",
    "事务ID回卷是什么，怎么避免？",
    "怎么修改 pg_hba.conf 允许远程连接？",
    "如何做基于时间点的恢复？",
    "表分区怎么创建？",
    "用户密码认证失败怎么办？",
    "autovacuum 参数怎么调优？",
    "怎么看 EXPLAIN ANALYZE 的执行计划？",
    "语句超时被取消了，错误码是什么？",
]


def all_questions(dev_file: Path) -> tuple[list[str], int]:
    dev = []
    if dev_file.is_file():
        dev = [json.loads(x)["q"] for x in dev_file.read_text().splitlines() if x.strip()]
    seen: dict[str, None] = dict.fromkeys(QUESTIONS + dev)
    return list(seen), len(dev)


def is_zh(q: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in q)


def pct(samples: list[float]) -> dict[str, float]:
    a = np.asarray(samples)
    p50, p95, p99 = np.percentile(a, [50, 95, 99])
    return {"n": len(a), "p50_ms": round(float(p50), 2), "p95_ms": round(float(p95), 2),
            "p99_ms": round(float(p99), 2), "mean_ms": round(float(a.mean()), 2),
            "max_ms": round(float(a.max()), 2)}  # fmt: skip


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        p = psutil.Process(pid)
        return bool(p.status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False


class CpuMeter:
    """CPU seconds used per phase by this process, the API server (with its worker
    processes) and the redis-server (a child of the API that owns it)."""

    def __init__(self, api_pid: int | None, redis_pid: int | None) -> None:
        self.bench = psutil.Process()
        self.api = self._proc(api_pid)
        self.redis = self._proc(redis_pid)

    @staticmethod
    def _proc(pid: int | None) -> psutil.Process | None:
        if not pid:
            return None
        try:
            return psutil.Process(pid)
        except psutil.Error:
            return None

    @staticmethod
    def _cpu(p: psutil.Process) -> float:
        t = p.cpu_times()
        return float(t.user + t.system)

    def snapshot(self) -> dict[str, float]:
        out = {"bench": self._cpu(self.bench)}
        if self.redis is not None:
            with contextlib.suppress(psutil.Error):
                out["redis"] = self._cpu(self.redis)
        if self.api is not None:
            with contextlib.suppress(psutil.Error):
                skip = self.redis.pid if self.redis is not None else None
                procs = [self.api, *self.api.children(recursive=True)]
                out["api"] = sum(self._cpu(p) for p in procs if p.pid != skip)
        return out

    @staticmethod
    def used(before: dict[str, float], after: dict[str, float], wall: float) -> dict[str, Any]:
        return {
            k: {"cpu_s": round(after[k] - before[k], 2),
                "cores": round((after[k] - before[k]) / wall, 2) if wall else None}
            for k in after if k in before
        }  # fmt: skip


class Server:
    """`graphdesk serve` as a subprocess; stop() always leaves no process of ours behind."""

    def __init__(
        self, cli: Path, data_dir: Path, port: int, log: Path, env: dict[str, str]
    ) -> None:
        self.cli, self.data_dir, self.port, self.log_path = cli, data_dir, port, log
        self.extra_env = env
        self.proc: subprocess.Popen[bytes] | None = None
        self.redis_pid: int | None = None
        self.command: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 180.0) -> float:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("GRAPHDESK_", "NEO4J_"))}  # fmt: skip
        # Twenty clients share one token at hundreds of requests a second: the rate
        # limits would measure themselves, not the answers.
        env |= {"GRAPHDESK_ENV": "production", "GRAPHDESK_DATA_DIR": str(self.data_dir),
                "GRAPHDESK_SECRET_KEY": SECRET, "GRAPHDESK_RATE_LIMIT_PER_TOKEN": "",
                "GRAPHDESK_RATE_LIMIT_PER_ADDRESS": "", "GRAPHDESK_DATA_KEYS": DATA_KEYS,
                "GRAPHDESK_ENVELOPE_KEY": ENVELOPE_KEY}  # fmt: skip
        env |= self.extra_env
        self.command = [str(self.cli), "--data-dir", str(self.data_dir), "serve",
                        "--port", str(self.port), "--no-demo"]  # fmt: skip
        t = time.perf_counter()
        log = self.log_path.open("wb")
        self.proc = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT,
                                     env=env, cwd=str(self.data_dir.parent))  # fmt: skip
        log.close()
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"graphdesk serve exited with {self.proc.returncode}:\n"
                    + self.log_path.read_text(errors="replace")[-3000:]
                )
            self.redis_pid = self.redis_pid or self._read_redis_pid()
            with contextlib.suppress(httpx.HTTPError):
                r = httpx.get(self.url + "/healthz", timeout=2)
                if r.status_code == 200:
                    self.redis_pid = self._read_redis_pid() or self.redis_pid
                    return time.perf_counter() - t
            if time.monotonic() > deadline:
                raise RuntimeError(f"/healthz not ready after {timeout:.0f} s")
            time.sleep(0.2)

    def _read_redis_pid(self) -> int | None:
        with contextlib.suppress(OSError, ValueError):
            return int((self.data_dir / "falkordb" / "falkordb.pid").read_text().strip())
        return None

    def stop(self) -> dict[str, Any]:
        """SIGINT (uvicorn's graceful shutdown closes the store), then escalate by pid."""
        info: dict[str, Any] = {}
        family: list[psutil.Process] = []  # uvicorn workers, the redis-server
        if self.proc is not None:
            with contextlib.suppress(psutil.Error):
                family = psutil.Process(self.proc.pid).children(recursive=True)
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
                info["api_escalated"] = True
        if self.proc is not None:
            info["api_exit"] = self.proc.returncode
        # The redis-server runs in its own session: check it went down with the API.
        pid = self.redis_pid
        deadline = time.monotonic() + 10
        while pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if pid_alive(pid):
            info["redis_left_running"] = True
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)  # type: ignore[arg-type]
            deadline = time.monotonic() + 10
            while pid_alive(pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            if pid_alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)  # type: ignore[arg-type]
        info["redis_stopped"] = not pid_alive(pid)
        # Anything else the server started (a worker, a redis-server it replaced) ends too.
        left = [p for p in family if pid_alive(p.pid) and p.pid != pid]
        for p in left:
            with contextlib.suppress(psutil.Error):
                p.terminate()
        _, alive = psutil.wait_procs(left, timeout=10)
        for p in alive:
            with contextlib.suppress(psutil.Error):
                p.kill()
        if left:
            info["children_left_running"] = [p.pid for p in left]
        return info


# The server runs in production, where every request carries a token: an agent's
# (which may ask), signed with this run's own secret.
SECRET = secrets.token_hex(32)
# Production seals personal data and will not start without data keys (none is read here).
DATA_KEYS = f"lookup:{secrets.token_hex(32)},1:{secrets.token_hex(32)}"
# ... nor without the SM envelope's key (`ask` is not among the sealed operations).
ENVELOPE_KEY = generate().text()


def bearer_token() -> str:
    return issue(derive_key(SECRET.encode()), Role.AGENT, "bench", 86400)[0]


async def load(url: str, questions: list[str], concurrency: int, requests: int,
               warmup: int, meter: CpuMeter) -> dict[str, Any]:  # fmt: skip
    """Closed loop: `concurrency` clients, each sends its next request when the last returns."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    auth = {"Authorization": f"Bearer {bearer_token()}"}
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=120, headers=auth) as client:
        errors: Counter[str] = Counter()
        modes: Counter[str] = Counter()
        empty = 0

        async def one(q: str) -> float:
            nonlocal empty
            t = time.perf_counter()
            try:
                r = await client.post("/graphql", json={"query": ASK, "variables": {"q": q}})
                ms = (time.perf_counter() - t) * 1000
                body = r.json()
            except (httpx.HTTPError, ValueError) as exc:
                errors[type(exc).__name__] += 1
                return (time.perf_counter() - t) * 1000
            if r.status_code != 200 or body.get("errors") or not body.get("data"):
                msg = (
                    (body.get("errors") or [{}])[0].get("message", "")
                    if isinstance(body, dict)
                    else ""
                )
                errors[f"{r.status_code} {msg[:80]}"] += 1
            else:
                ans = body["data"]["ask"]
                modes[ans["mode"]] += 1
                empty += not ans["citations"]
            return ms

        async def run(total: int, keep: list[float] | None) -> float:
            counter = iter(range(total))

            async def worker() -> None:
                for i in counter:
                    ms = await one(questions[i % len(questions)])
                    if keep is not None:
                        keep.append(ms)

            t = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            return time.perf_counter() - t

        await run(warmup, None)
        errors.clear()
        modes.clear()
        empty = 0
        samples: list[float] = []
        c0 = meter.snapshot()
        wall = await run(requests, samples)
        cpu = meter.used(c0, meter.snapshot(), wall)
    return {"concurrency": concurrency, "requests": requests, "warmup": warmup,
            "wall_s": round(wall, 2), "rps": round(requests / wall, 1), **pct(samples),
            "errors": dict(errors), "modes": dict(modes), "no_citations": empty, "cpu": cpu,
            "samples_ms": [round(x, 3) for x in samples]}  # fmt: skip


# wrk (Debian package `wrk`) is a C load generator: it leaves the cores to the
# server, where the Python client above takes about one of the two.
WRK_LUA = """
local bodies = {}
local i = 0
local headers = {["Content-Type"] = "application/json"}
init = function(args)
  for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
  headers["Authorization"] = "Bearer " .. args[2]
  i = math.random(#bodies) - 1
end
request = function()
  i = i % #bodies + 1
  return wrk.format("POST", "/graphql", headers, bodies[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %f %f %f %f %f %d %d\\n", latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    latency.mean / 1000, summary.requests, e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def load_wrk(url: str, questions: list[str], concurrency: int, seconds: int,
             work: Path, meter: CpuMeter) -> dict[str, Any] | None:  # fmt: skip
    """The same closed loop driven by wrk for `seconds`; None when wrk is not installed."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    script, bodies = work / "ask.lua", work / "bodies.jsonl"
    script.write_text(WRK_LUA)
    bodies.write_text("\n".join(
        json.dumps({"query": ASK, "variables": {"q": q}}) for q in questions) + "\n")  # fmt: skip
    threads = min(2, concurrency)
    cmd = [wrk, f"-t{threads}", f"-c{concurrency}", f"-d{seconds}s", "--timeout", "30s",
           "-s", str(script), url + "/graphql", "--", str(bodies), bearer_token()]  # fmt: skip
    c0 = meter.snapshot()
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    wall = time.perf_counter() - t
    cpu = meter.used(c0, meter.snapshot(), wall)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("WRK ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stderr or proc.stdout}")
    p50, p95, p99, mx, mean, n, errors = line.split()[1:]
    return {"concurrency": concurrency, "requests": int(n), "seconds": seconds,
            "p50_ms": round(float(p50), 2), "p95_ms": round(float(p95), 2),
            "p99_ms": round(float(p99), 2), "max_ms": round(float(mx), 2),
            "mean_ms": round(float(mean), 2), "rps": round(int(n) / seconds, 1),
            "errors": int(errors), "cpu": cpu}  # fmt: skip


def settle(meter: CpuMeter, idle_cores: float = 0.05, timeout: float = 120.0) -> float:
    """Seconds until the server is idle (under ``idle_cores`` over a second): a
    ready server's workers may still be building their indexes, and the timings
    of this process would share the cores with that."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        before = meter.snapshot()
        time.sleep(1.0)
        used = meter.used(before, meter.snapshot(), 1.0)
        busy = sum(v["cores"] or 0.0 for k, v in used.items() if k != "bench")
        if busy < idle_cores:
            break
    return round(time.perf_counter() - t0, 1)


def compact_aof(store: FalkorStore, timeout: float = 120.0) -> float:
    """BGREWRITEAOF: the graph then loads from an RDB base instead of replaying every query.

    Only with --compact-aof. It was needed while EmbeddedServer killed a server
    still replaying a raw AOF after 20 s (the whole manual took 17-22 s to replay).
    """
    client = redis.Redis(unix_socket_path=str(store.server.socket_path), socket_timeout=timeout)
    t = time.perf_counter()
    try:
        client.bgrewriteaof()
        deadline = time.monotonic() + timeout
        while True:
            info = client.info("persistence")
            if not info["aof_rewrite_in_progress"] and not info["aof_rewrite_scheduled"]:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"AOF rewrite not done after {timeout:.0f} s")
            time.sleep(0.05)
        if info.get("aof_last_bgrewrite_status") != "ok":
            raise RuntimeError(f"AOF rewrite failed: {info.get('aof_last_bgrewrite_status')}")
    finally:
        client.close()
    return time.perf_counter() - t


def healthz_probe(url: str, n: int = 50) -> dict[str, float]:
    """GET /healthz one after another on one keep-alive connection: the HTTP floor
    (a delay here, e.g. a missing TCP_NODELAY, is paid by every request)."""
    with httpx.Client(base_url=url, timeout=30) as client:
        for _ in range(5):
            client.get("/healthz")
        samples = []
        for _ in range(n):
            t = time.perf_counter()
            client.get("/healthz").raise_for_status()
            samples.append((time.perf_counter() - t) * 1000)
    return pct(samples)


def time_calls(fn: Any, items: list[Any], passes: int) -> list[float]:
    for x in items:  # warm-up pass
        fn(x)
    out = []
    for _ in range(passes):
        for x in items:
            t = time.perf_counter()
            fn(x)
            out.append((time.perf_counter() - t) * 1000)
    return out


def in_process(probe: FalkorStore, questions: list[str], meter: CpuMeter,
               args: argparse.Namespace) -> dict[str, Any]:  # fmt: skip
    """The raw full-text floor and the Answerer without HTTP, on a handle reusing the server."""
    out: dict[str, Any] = {}
    pin_one_blas_thread()  # as each server worker does at start (api/app.py)
    token_lists = [index_tokens(q) for q in questions]
    t0, c0 = time.perf_counter(), meter.snapshot()
    floor = time_calls(lambda toks: search.sections(probe, toks, 10), token_lists,
                       args.floor_passes)  # fmt: skip
    cpu = meter.used(c0, meter.snapshot(), time.perf_counter() - t0)
    out["fulltext_floor"] = {"passes": args.floor_passes, **pct(floor), "cpu": cpu,
                             "samples_ms": [round(x, 3) for x in floor]}  # fmt: skip
    print("full-text floor:", pct(floor), flush=True)
    # Every pass asks the same questions: without the answer cache, or it measures the cache.
    kwargs: dict[str, Any] = (
        {"cache_size": 0} if "cache_size" in inspect.signature(Answerer).parameters else {}
    )
    # The service's configuration, then (same run) words alone, what embeddings
    # cost, and questions through the whole encoder instead of its token-sum path.
    kinds = [("answer_in_process", not args.no_embeddings), ("answer_in_process_words", False),
             ("answer_in_process_exact", True)]  # fmt: skip
    for key, dense in kinds[: 1 if args.no_embeddings else 3]:
        extra = {"embedder": embedding.shared()} if dense else {}
        if key == "answer_in_process_exact":
            extra = {"embedder": embedding.Embedder(exact_queries=True)}
        answerer = Answerer(probe, **kwargs, **extra)
        t0, c0 = time.perf_counter(), meter.snapshot()
        inproc = time_calls(answerer.answer, questions, args.inproc_passes)
        cpu = meter.used(c0, meter.snapshot(), time.perf_counter() - t0)
        out[key] = {"passes": args.inproc_passes, **pct(inproc), "cpu": cpu,
                    "answerer_kwargs": kwargs, "embeddings": dense,
                    "samples_ms": [round(x, 3) for x in inproc]}  # fmt: skip
        print(key, pct(inproc), flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--manual", type=Path, default=MANUAL)
    ap.add_argument("--questions", type=Path, default=DEV_QUESTIONS)
    ap.add_argument("--requests-1", type=int, default=300)
    ap.add_argument("--requests-20", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=20)
    ap.add_argument("--floor-passes", type=int, default=10)
    ap.add_argument("--wrk-seconds", type=int, default=15, help="duration of each wrk run")
    ap.add_argument("--inproc-passes", type=int, default=3)
    ap.add_argument(
        "--compact-aof",
        action="store_true",
        help="BGREWRITEAOF after the ingest, before the server starts (a workaround for "
        "stores that replay a long raw AOF at start-up)",
    )
    ap.add_argument(
        "--configs",
        default=",".join(CONFIGS),
        help="server configurations to measure, comma-separated: " + ", ".join(CONFIGS),
    )
    ap.add_argument("--cli", type=Path, default=GRAPHDESK, help="the graphdesk command")
    ap.add_argument("--no-embeddings", action="store_true", help="measure words alone")
    args = ap.parse_args()
    unknown = set(args.configs.split(",")) - set(CONFIGS)
    if unknown:
        sys.exit(f"--configs: unknown {', '.join(sorted(unknown))}; known: {', '.join(CONFIGS)}")
    if not args.cli.exists():
        sys.exit(f"{args.cli}: not installed (pip install -e . in the venv)")
    questions, n_dev = all_questions(args.questions)
    machine = machine_info()
    work = Path(tempfile.mkdtemp(prefix="gdlat"))
    data_dir = work / "data"
    out: dict[str, Any] = {
        "goal": GOAL, "goal_p95_ms": GOAL_P95_MS, "machine": machine,
        "manual": str(args.manual), "questions": len(questions), "dev_questions": n_dev,
        "zh_questions": sum(is_zh(q) for q in questions),
        "note": ("The load generator (asyncio + httpx, one Python process) runs on the same "
                 f"{machine['nproc']} cores as the API server and its redis-server."),
    }  # fmt: skip

    # -- ingest (this process owns the server, then shuts it down) -----------
    store = FalkorStore(data_dir)
    try:
        migrate(store)
        rep = Ingestor(store, progress=False).run([args.manual])
        if not args.no_embeddings:  # as `graphdesk ingest` does, before the server starts
            out["embeddings"] = embed_pending(store, embedding.shared()).summary()
            print(out["embeddings"], flush=True)
        if args.compact_aof:
            out["aof_compact_s"] = round(compact_aof(store), 2)
    finally:
        store.close()
    out["ingest"] = rep.summary()
    out["aof_compacted"] = args.compact_aof
    print("ingest:", rep.summary(), flush=True)

    out["http"] = []
    try:
        for n_cfg, key in enumerate(args.configs.split(",")):
            label, env = CONFIGS[key]
            print(f"== {label} {env}", flush=True)
            env = {**env, "GRAPHDESK_EMBEDDINGS": "false" if args.no_embeddings else "true"}
            server = Server(args.cli, data_dir, free_port(), work / f"serve-{key}.log", env)
            old_term = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
            probe: FalkorStore | None = None
            try:
                start_s = round(server.start(), 2)
                out.setdefault("server_start_s", {})[key] = start_s
                out["server_command"] = " ".join([*server.command[:1], "--data-dir", "DIR",
                                                  *server.command[3:]])  # fmt: skip
                print(f"server up on {server.url} in {start_s} s", flush=True)
                meter = CpuMeter(server.proc.pid if server.proc else None, server.redis_pid)
                out.setdefault("settle_s", {})[key] = settle(meter)
                if n_cfg == 0:
                    probe = FalkorStore(data_dir)  # reuses the server's redis
                    out |= in_process(probe, questions, meter, args)
                    probe.close()  # not the owner: closes the connection only
                    probe = None
                hz = healthz_probe(server.url)
                out.setdefault("healthz_keepalive", {})[key] = hz
                print("healthz keep-alive:", hz, flush=True)
                # -- HTTP ask, 1 client then N clients ----------------------------
                runs = [(1, args.requests_1, len(questions)),
                        (args.concurrency, args.requests_20, 10 * args.concurrency)]  # fmt: skip
                for conc, n, warm in runs:
                    res = asyncio.run(load(server.url, questions, conc, n, warm, meter))
                    res = {"config": key, "config_label": label, "env": env} | res
                    out["http"].append(res)
                    shown = {k: v for k, v in res.items() if k not in ("samples_ms", "env")}
                    print(f"http c={conc}:", shown, flush=True)
                for conc in (1, args.concurrency):
                    w = load_wrk(server.url, questions, conc, args.wrk_seconds, work, meter)
                    if w is not None:
                        out.setdefault("wrk", []).append(
                            {"config": key, "config_label": label, "env": env} | w
                        )
                        print(f"wrk c={conc}:", w, flush=True)
            finally:
                if probe is not None:
                    probe.close()
                stopped = server.stop()
                out.setdefault("shutdown", {})[key] = stopped
                signal.signal(signal.SIGTERM, old_term)
                print("shutdown:", stopped, flush=True)
                if stopped.get("redis_left_running") or not stopped.get("redis_stopped"):
                    print(
                        "server log tail:\n" + server.log_path.read_text(errors="replace")[-2000:]
                    )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    out["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    out["goal_met"] = {
        r["config"]: r["p95_ms"] < GOAL_P95_MS and not r["errors"]
        for r in out["http"] if r["concurrency"] == args.concurrency
    }  # fmt: skip
    out["goal_met_wrk"] = {
        r["config"]: r["p95_ms"] < GOAL_P95_MS and not r["errors"]
        for r in out.get("wrk", []) if r["concurrency"] == args.concurrency
    }  # fmt: skip
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ask_latency.json").write_text(json.dumps(out, ensure_ascii=False, indent=1))
    plot(out, RESULTS / "ask_latency.png")
    md = render(out)
    (RESULTS / "ask_latency.md").write_text(md)
    print(md)


def render(o: dict[str, Any]) -> str:
    m = o["machine"]
    goal = o["goal_p95_ms"]
    kw = o["answer_in_process"].get("answerer_kwargs")
    rows = [
        ("raw full-text query (`search.sections`, store)", "1", o["fulltext_floor"], None),
        ("`Answerer.answer` in process, no HTTP" + (", no cache" if kw else "")
         + (", with embeddings" if o["answer_in_process"].get("embeddings") else ""), "1",
         o["answer_in_process"], None),
    ]  # fmt: skip
    if "answer_in_process_words" in o:
        rows.append(("same, words alone (no embeddings)", "1", o["answer_in_process_words"], None))
    if "answer_in_process_exact" in o:
        rows.append(("same, embeddings with questions through the whole encoder", "1",
                     o["answer_in_process_exact"], None))  # fmt: skip
    rows += [(f"HTTP `ask`: {r['config_label']}", str(r["concurrency"]), r, r) for r in o["http"]]
    lines = [
        "# `ask` latency, PostgreSQL 15 manual", "",
        f"Machine: {m['nproc']} cores ({m['cpu_model']}), Python {m['python']}. "
        f"Goal: {o['goal']}. Load average (1/5/15 min) at start {m['loadavg_at_start']}, "
        f"at end {o.get('loadavg_at_end')}.", "",
        "| what | clients | n | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | requests/s | errors |",
        "|---|---|---|---|---|---|---|---|---|",
    ]  # fmt: skip
    for name, c, s, r in rows:
        rps = r["rps"] if r else "-"
        err = sum(r["errors"].values()) if r else "-"
        lines.append(f"| {name} | {c} | {s['n']} | {s['p50_ms']} | {s['p95_ms']} | {s['p99_ms']} | "
                     f"{s['max_ms']} | {rps} | {err} |")  # fmt: skip
    floor_p50 = o["fulltext_floor"]["p50_ms"]
    ratios = [f"{name.split(',')[-1].strip()} {s['p50_ms'] / floor_p50:.1f}x"
              for name, _, s, r in rows[1:] if r is None]  # fmt: skip
    lines += ["", "In process, p50 against the full-text floor's p50 (goal within 3x): "
              + "; ".join(ratios) + "."]  # fmt: skip
    if o.get("wrk"):
        lines += ["", "The same load from wrk (a C load generator, so the cores stay with the "
                  "server; 2 threads, cycling the same questions):", "",
                  "| configuration | clients | requests | p50 (ms) | p95 (ms) | p99 (ms) | "
                  "max (ms) | requests/s | errors | goal |",
                  "|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
        for r in o["wrk"]:
            met = o["goal_met_wrk"].get(r["config"]) if r["concurrency"] > 1 else None
            goal_cell = "-" if met is None else ("met" if met else "not met")
            lines.append(f"| {r['config_label']} | {r['concurrency']} | {r['requests']} | "
                         f"{r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['max_ms']} | "
                         f"{r['rps']} | {r['errors']} | {goal_cell} |")  # fmt: skip
    hz = o.get("healthz_keepalive", {})
    if hz:
        lines += ["", "HTTP floor, `GET /healthz` one after another on one keep-alive connection: "
                  + "; ".join(f"{CONFIGS[k][0]} p50 {v['p50_ms']} ms, p95 {v['p95_ms']} ms"
                              for k, v in hz.items() if k in CONFIGS) + "."]  # fmt: skip
    slow = [CONFIGS[k][0] for k, v in hz.items() if k in CONFIGS and v["p50_ms"] > 30]
    if slow:
        lines += ["", f"A fixed ~40 ms on every keep-alive request ({', '.join(slow)}) is the "
                  "signature of Nagle's algorithm meeting delayed ACKs: uvicorn's multi-worker "
                  "path binds the listening socket with proto 0, so asyncio does not set "
                  "TCP_NODELAY on accepted connections (Kludex/uvicorn#3149). Those rows measure "
                  "that delay more than graphdesk."]  # fmt: skip
    lines += ["", f"Goal (p95 < {goal:.0f} ms at the highest concurrency), per configuration:",
              ""]  # fmt: skip
    for r in o["http"]:
        if r["config"] not in o["goal_met"] or r["concurrency"] == 1:
            continue
        c, rps = r["concurrency"], r["rps"]
        cpu = ", ".join(f"{k} {v['cores']}" for k, v in r.get("cpu", {}).items())
        env = " ".join(f"{k}={v}" for k, v in r["env"].items()) or "no extra environment"
        lines.append(
            f"- {r['config_label']} (`{env}`): "
            f"**{'met' if o['goal_met'][r['config']] else 'not met'}**, p95 {r['p95_ms']} ms. "
            f"Little's law: {c} clients / {rps} requests/s = {c / rps * 1000:.0f} ms mean "
            f"(measured {r['mean_ms']} ms); the goal needs >= {c / goal * 1000:.0f} requests/s, "
            f"i.e. <= {goal / c:.1f} ms of serialised server work per request, measured "
            f"{1000 / rps:.1f} ms. Cores busy: {cpu}."
        )  # fmt: skip
    lines += [
        "",
        f"- {o['questions']} questions cycled ({o['zh_questions']} Chinese; includes the "
        f"{o['dev_questions']} development questions); closed loop; warm-up (each question once "
        "at 1 client, 10 requests per client at 20) excluded; no LLM key, so answers are "
        "extractive. With the answer cache on, every measured request is a cache hit: that row "
        "measures repeated questions only.",
        f"- {o['note']} When the server is fast (cache hits) the load generator itself takes "
        "about a core, so those figures are bounded by the client.",
        f"- Server: `{o['server_command']}` with GRAPHDESK_ENV=production plus each "
        f"configuration's environment; ready (/healthz 200) after {o['server_start_s']} s, "
        f"then idle (its workers' start-up work done, under 0.05 cores) after "
        f"{o.get('settle_s')} s more, before anything was timed. Ingest: {o['ingest']}.",
        (f"- The ingest's AOF was compacted by this script (BGREWRITEAOF, "
         f"{o.get('aof_compact_s')} s) before the server started."
         if o.get("aof_compacted") else "- The server started on the data directory exactly "
         "as the ingest left it (no compaction by this script)."),
        "", "![latency distribution](ask_latency.png)", "",
    ]  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    main()
