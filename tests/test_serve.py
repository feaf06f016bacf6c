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

from tests.auth import SECRET, bearer
from tests.certificates import self_signed
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
    env = {**os.environ, "GRAPHDESK_ENV": "production", "GRAPHDESK_SECRET_KEY": SECRET}
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
                headers=bearer("agent"),
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


def test_production_listens_beyond_loopback_only_with_tls(data_dir: Path) -> None:
    from click.testing import CliRunner

    from api.cli import _loopback, main

    run = CliRunner(env={"GRAPHDESK_ENV": "production", "GRAPHDESK_TLS_CERTFILE": None,
                         "GRAPHDESK_TLS_KEYFILE": None})  # fmt: skip
    out = run.invoke(main, ["--data-dir", str(data_dir), "serve", "--host", "0.0.0.0"])
    assert out.exit_code == 1 and "refuses to listen on 0.0.0.0 without TLS" in out.output
    half = run.invoke(
        main, ["--data-dir", str(data_dir), "serve", "--host", "0.0.0.0"],
        env={"GRAPHDESK_TLS_CERTFILE": str(data_dir / "missing.pem")},
    )  # fmt: skip
    assert half.exit_code == 1 and "needs both" in half.output
    assert _loopback("127.0.0.1") and _loopback("::1") and _loopback("localhost")
    assert not _loopback("0.0.0.0") and not _loopback("10.0.0.5") and not _loopback("db.example")


def test_serve_over_tls(data_dir: Path, tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    port = _free_port()
    env = {**os.environ, "GRAPHDESK_ENV": "production", "GRAPHDESK_TLS_CERTFILE": str(cert),
           "GRAPHDESK_TLS_KEYFILE": str(key), "GRAPHDESK_SECRET_KEY": SECRET}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "--data-dir", str(data_dir), "serve",
         "--port", str(port), "--no-demo"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline, up = time.monotonic() + 120, False
        while time.monotonic() < deadline and not up:
            try:
                up = httpx.get(f"https://127.0.0.1:{port}/healthz", verify=False).status_code == 200
            except httpx.HTTPError:
                time.sleep(0.2)
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
        assert up
        with pytest.raises(httpx.HTTPError):  # plain HTTP is not served
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
    assert f"serving https://127.0.0.1:{port}/graphql" in out
