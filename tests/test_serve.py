"""`graphdesk serve` as a user runs it: real processes, HTTP, clean shutdown."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.test_embedded_server import servers_on

QUERY = (
    "query($q:String!){ ask(question:$q){ text mode confidence "
    "citations{ kind uri title code snippet } } }"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def data_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="gds", dir="/tmp"))
    yield path
    for pid in servers_on(path):
        os.kill(pid, signal.SIGKILL)
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_answers_the_demo_and_stops_cleanly(data_dir: Path, workers: int) -> None:
    port = _free_port()
    env = {**os.environ, "GRAPHDESK_ENV": "production"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "--data-dir", str(data_dir), "serve",
         "--port", str(port), "--workers", str(workers)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            time.sleep(0.2)
        for _ in range(workers * 2):  # reach every worker
            r = httpx.post(
                base + "/graphql",
                json={"query": QUERY, "variables": {"q": "NDB-1001 连接数太多怎么办"}},
                timeout=30,
            )
            body = r.json()
            assert "errors" not in body, body
            cites = body["data"]["ask"]["citations"]
            assert cites[0]["kind"] == "error_code" and cites[0]["code"] == "NDB-1001"
        assert len(servers_on(data_dir)) == 1  # one shared embedded graph
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
    # uvicorn shuts down gracefully, then re-raises SIGTERM as its exit status.
    assert proc.returncode in (0, -signal.SIGTERM), out
    assert "Application shutdown complete" in out
    assert f"serving http://127.0.0.1:{port}/graphql" in out
    deadline = time.monotonic() + 10
    while servers_on(data_dir) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert servers_on(data_dir) == set()
