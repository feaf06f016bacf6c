"""`make neo4j`'s server: Bolt for graphdesk and Neo4j Browser for knowledge editors."""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from graph.neo4j_store import Neo4jStore
from tests.conftest import NEO4J_SERVER, _free_port, _no_neo4j

ROOT = Path(__file__).resolve().parent.parent


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as resp:
        return str(resp.read().decode("utf-8", "replace"))


@pytest.mark.neo4j
def test_make_neo4j_serves_bolt_and_the_browser(tmp_path: Path) -> None:
    if not (NEO4J_SERVER / "neo4j-server-1.jar").is_file() or shutil.which("make") is None:
        _no_neo4j("tests/neo4j-server is not built (make neo4j-server)")
    bolt, http = _free_port(), _free_port()
    home = tmp_path / "neo4j"
    proc = subprocess.Popen(
        ["make", "-s", "neo4j", f"NEO4J_PORT={bolt}", f"NEO4J_HTTP_PORT={http}",
         f"NEO4J_HOME={home}"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        page = ""
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                page = _get(f"http://127.0.0.1:{http}/browser/")
                break
            except OSError:
                time.sleep(0.5)
        assert "<title>Neo4j Browser</title>" in page
        discovery = _get(f"http://127.0.0.1:{http}/")
        assert f"bolt://127.0.0.1:{bolt}" in discovery and '"community"' in discovery
        store = Neo4jStore(f"bolt://127.0.0.1:{bolt}", "neo4j", "")
        try:
            assert store.read("RETURN 1 AS one") == [{"one": 1}]
        finally:
            store.close()
        assert (home / "conf" / "neo4j.conf").is_file()
    finally:
        subprocess.run(["pkill", "-TERM", "-g", str(proc.pid)], check=False)
        proc.wait(timeout=60)
