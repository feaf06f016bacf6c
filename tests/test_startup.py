"""Start-up that tells the truth: the URL once the port is bound, a taken port
as one clear error, and readers that refuse a data directory that is not there."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from api.cli import main
from tests.auth import SECRET
from tests.conftest import _free_port
from tests.test_cli import CLEAN_ENV
from tests.test_embedded_server import servers_on

ROOT = Path(__file__).resolve().parent.parent
# (production, the default without GRAPHDESK_ENV: it needs the token secret)
ENV = {k: v for k, v in os.environ.items() if k not in CLEAN_ENV} | {"GRAPHDESK_SECRET_KEY": SECRET}


@pytest.fixture
def data_dir() -> Iterator[Path]:
    # Short and under /tmp: the embedded server's unix socket path must stay short.
    path = Path(tempfile.mkdtemp(prefix="gdu", dir="/tmp"))
    yield path
    for pid in servers_on(path):
        os.kill(pid, signal.SIGKILL)
    shutil.rmtree(path, ignore_errors=True)


def _serve(data_dir: Path, port: int, workers: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "--data-dir", str(data_dir), "serve",
         "--port", str(port), "--workers", str(workers)],
        env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip


@pytest.mark.parametrize("workers", [1, 2])
def test_a_taken_port_is_one_clear_error(data_dir: Path, workers: int) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = _serve(data_dir, port, workers)
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, out + err
    assert "serving http" not in out
    assert err.strip() == (
        f"Error: cannot listen on 127.0.0.1:{port}: the port is already in use "
        "(is another graphdesk serving there?)"
    )
    assert not servers_on(data_dir)  # failed before the graph was opened


@pytest.mark.parametrize("workers", [1, 2])
def test_the_url_is_printed_once_it_answers(data_dir: Path, workers: int) -> None:
    port = _free_port()
    proc = _serve(data_dir, port, workers)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        # production, the default: no GraphiQL
        assert line.strip() == f"graphdesk serving http://127.0.0.1:{port}/graphql", line
        # No retries: the port is listening when the URL is printed (with several
        # workers a connection waits in the backlog until one accepts it).
        health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=120)
        assert health.status_code == 200, health.text
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)


READERS = [
    ["ask", "What is WBQ-5003?"],
    ["stats"],
    ["merges", "list"],
    ["migrate", "--info"],
    ["migrate", "--validate"],
    ["doctor"],
]


@pytest.mark.parametrize("args", READERS, ids=lambda a: " ".join(a))
def test_readers_refuse_a_data_dir_that_does_not_exist(tmp_path: Path, args: list[str]) -> None:
    missing = tmp_path / "no-such-dir"
    result = CliRunner(env=CLEAN_ENV).invoke(main, ["--data-dir", str(missing), *args])
    assert result.exit_code == 1, result.output
    assert f"data directory {missing} does not exist" in result.output
    assert "Traceback" not in result.output
    assert not missing.exists()  # no empty graph was started there


def test_readers_refuse_it_from_the_environment_too(tmp_path: Path) -> None:
    missing = tmp_path / "typo"
    env = {**CLEAN_ENV, "GRAPHDESK_DATA_DIR": str(missing)}
    result = CliRunner(env=env).invoke(main, ["stats"])
    assert result.exit_code == 1 and "does not exist" in result.output
    assert not missing.exists()


def test_a_writer_creates_the_data_dir(tmp_path: Path) -> None:
    short = Path(tempfile.mkdtemp(prefix="gdw", dir="/tmp"))
    target = short / "new"
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "page.md").write_text("# Hello\n\nA page about queues.\n", encoding="utf-8")
    try:
        ingest = CliRunner(env=CLEAN_ENV).invoke(
            main, ["--data-dir", str(target), "ingest", "--no-progress", str(docs)]
        )
        assert ingest.exit_code == 0, ingest.output
        assert (target / "write.lock").exists()
        stats = CliRunner(env=CLEAN_ENV).invoke(main, ["--data-dir", str(target), "stats"])
        assert stats.exit_code == 0, stats.output
        assert any(line.split() == ["Document", "1"] for line in stats.output.splitlines())
    finally:
        shutil.rmtree(short, ignore_errors=True)
