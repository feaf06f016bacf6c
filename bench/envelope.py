"""The SM envelope's cost per request: plain and sealed requests to one real server, same run.

`graphdesk serve --no-demo` runs as a subprocess (production mode, one
worker, an empty embedded graph, rate limits off, GRAPHDESK_ENVELOPE_REQUIRED=none
so both forms are accepted), once with nonces shared through the graph (the
default) and once with GRAPHDESK_ENVELOPE_REPLAY_SHARED=false. One client in
this process sends, in rounds, a small query (`{ viewer { role } }`) and a
small mutation (`revokeToken`), each plain and sealed (the shipped
`EnvelopeClient`: the client's SM2 wrap, SM4-GCM seal and open are in the
time), one request at a time over one keep-alive connection; the plain
request is the baseline. The envelope's own steps are also timed in process.

Usage: python bench/envelope.py [--rounds 400]
Writes bench/results/envelope.json and envelope.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.envelope import open_request, seal_request  # noqa: E402
from api.envelope_client import EnvelopeClient  # noqa: E402
from api.envelope_key import generate  # noqa: E402
from api.tokens import derive_key, issue  # noqa: E402
from resolvers.identity import Role  # noqa: E402

RESULTS = ROOT / "bench" / "results"
SECRET = secrets.token_hex(32)
QUERY = "{ viewer { role } }"
MUTATION = "mutation($id: String!) { revokeToken(id: $id) }"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(data_dir: Path, key_text: str, shared: bool) -> tuple[subprocess.Popen[bytes], str]:
    port = _port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRAPHDESK_", "NEO4J_"))}
    env |= {"GRAPHDESK_ENV": "production", "GRAPHDESK_SECRET_KEY": SECRET,
            "GRAPHDESK_ENVELOPE_KEY": key_text, "GRAPHDESK_ENVELOPE_REQUIRED": "none",
            "GRAPHDESK_ENVELOPE_REPLAY_SHARED": str(shared).lower(),
            "GRAPHDESK_RATE_LIMIT_PER_TOKEN": "", "GRAPHDESK_RATE_LIMIT_PER_ADDRESS": "",
            "GRAPHDESK_EMBEDDINGS": "false"}  # fmt: skip
    log = (data_dir.parent / f"serve-{shared}.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "--data-dir", str(data_dir), "serve", "--no-demo",
         "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env=env, cwd=str(ROOT),
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"graphdesk serve exited with {proc.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return proc, url
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError("graphdesk serve did not become healthy in 180 s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGINT)  # uvicorn's graceful shutdown stops the embedded graph
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1e3, 3),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1e3, 3),
    }


def _timed(call: Callable[[], None]) -> float:
    t = time.perf_counter()
    call()
    return time.perf_counter() - t


def measure(url: str, token: str, public_key: bytes, rounds: int) -> dict[str, Any]:
    http = httpx.Client(base_url=url, timeout=30)
    sealed = EnvelopeClient(url, token, public_key=public_key, http=http)
    headers = {"Authorization": f"Bearer {token}"}
    times: dict[str, list[float]] = {k: [] for k in
                                     ("query plain", "query sealed", "mutation plain",
                                      "mutation sealed")}  # fmt: skip

    def plain(query: str, variables: dict[str, str] | None = None) -> None:
        r = http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
        assert r.status_code == 200 and "errors" not in r.json(), r.text

    def enveloped(query: str, variables: dict[str, str] | None = None) -> None:
        reply = sealed.execute(query, variables)
        assert reply.sealed and reply.status == 200 and "errors" not in reply.body, reply

    for _ in range(20):  # warm-up: connections, caches, the revocation check
        plain(QUERY)
        enveloped(QUERY)
    for i in range(rounds):
        # Alternating which goes first, so drift in the machine's load falls on both.
        pairs = [("plain", plain), ("sealed", enveloped)]
        for form, send in pairs if i % 2 else pairs[::-1]:
            times[f"query {form}"].append(_timed(lambda s=send: s(QUERY)))  # type: ignore[misc]
            variables = {"id": secrets.token_hex(16)}
            times[f"mutation {form}"].append(
                _timed(lambda s=send, v=variables: s(MUTATION, v))  # type: ignore[misc]
            )
    http.close()
    return {name: _stats(samples) for name, samples in times.items()}


def steps(n: int = 2000) -> dict[str, dict[str, float]]:
    """The envelope's steps in process: client seal, server open (SM2 unwrap), answers."""
    key = generate()
    body = json.dumps({"query": QUERY}).encode()
    out: dict[str, list[float]] = {"client seal": [], "server open": [], "answer seal": [],
                                   "answer open": []}  # fmt: skip
    answer = b'{"data": {"viewer": {"role": "agent"}}}'
    for _ in range(n):
        t0 = time.perf_counter()
        envelope, mine = seal_request(key.public, key.kid, "POST", "/graphql", body)
        t1 = time.perf_counter()
        _, theirs = open_request(key.private, key.kid, "POST", "/graphql", envelope, 120)
        t2 = time.perf_counter()
        sealed_answer = theirs.seal_response(200, answer)
        t3 = time.perf_counter()
        mine.open_response(200, sealed_answer)
        t4 = time.perf_counter()
        for name, dt in zip(out, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            out[name].append(dt)
    return {name: _stats(samples) for name, samples in out.items()}


def markdown(result: dict[str, Any]) -> str:
    lines = [
        "# SM envelope: cost per request",
        "",
        f"{result['rounds']} rounds, one client, one keep-alive connection, one worker, "
        "production mode, an empty embedded graph; the plain request is the same run's "
        "baseline. Times in ms.",
        "",
        "| server | request | plain p50 | plain p95 | sealed p50 | sealed p95 | overhead p50 |",
        "|---|---|---|---|---|---|---|",
    ]
    for config, runs in result["servers"].items():
        for kind in ("query", "mutation"):
            p, s = runs[f"{kind} plain"], runs[f"{kind} sealed"]
            lines.append(
                f"| {config} | {kind} | {p['p50_ms']} | {p['p95_ms']} | {s['p50_ms']} | "
                f"{s['p95_ms']} | +{s['p50_ms'] - p['p50_ms']:.2f} |"
            )
    lines += ["", "In process (no HTTP), per request:", "", "| step | p50 | p95 |", "|---|---|---|"]
    for name, st in result["steps"].items():
        lines.append(f"| {name} | {st['p50_ms']} | {st['p95_ms']} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=400)
    args = ap.parse_args()
    key = generate()
    token = issue(derive_key(SECRET.encode()), Role.ADMIN, "bench", 3600)[0]
    work = Path(tempfile.mkdtemp(prefix="gdenv", dir="/tmp"))
    servers: dict[str, Any] = {}
    for label, shared in (("nonces in the graph (default)", True),
                          ("nonces per process", False)):  # fmt: skip
        proc, url = _serve(work / f"data-{shared}", key.text(), shared)
        try:
            servers[label] = measure(url, token, key.public, args.rounds)
        finally:
            _stop(proc)
    shutil.rmtree(work, ignore_errors=True)
    result = {"rounds": args.rounds, "servers": servers, "steps": steps(),
              "python": sys.version.split()[0], "cpus": os.cpu_count()}  # fmt: skip
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "envelope.json").write_text(json.dumps(result, indent=1))
    (RESULTS / "envelope.md").write_text(markdown(result))
    print(markdown(result))


if __name__ == "__main__":
    main()
