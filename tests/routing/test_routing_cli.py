"""``graphdesk agents load|show`` and ``graphdesk routing route`` on a real embedded graph."""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main
from graph.falkor import FalkorStore
from migrations.runner import migrate
from tests.test_embedded_server import servers_on

CLEAN = {"GRAPHDESK_CONFIG": None, "GRAPHDESK_GRAPH": None, "GRAPHDESK_DATA_DIR": None,
         "GRAPHDESK_ENV": "development", "GRAPHDESK_ROUTING_POLICY": None}  # fmt: skip

ROSTER = """
[[agents]]
id = "r1"
name = "Ren"
tier = 1
languages = ["en"]
capacity = 2
teams = ["Storage"]
skills = { "TapeVault" = 4, "nothing-like-this" = 2 }
"""


@pytest.fixture
def data_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="gdrt", dir="/tmp"))  # short unix socket path
    store = FalkorStore(path)
    try:
        migrate(store)
        store.write(
            "CREATE (p:Product {id: 'product:tapevault', name: 'TapeVault'}) "
            "CREATE (t:Ticket {id: 'ticket:cli:1', subject: 'restore stuck', language: 'en', "
            "status: 'open'})-[:ABOUT]->(p)"
        )
    finally:
        store.close()
    yield path
    for pid in servers_on(path):
        os.kill(pid, signal.SIGKILL)
    shutil.rmtree(path, ignore_errors=True)


def test_load_route_and_show(data_dir: Path, tmp_path: Path) -> None:
    cli = CliRunner(env=CLEAN)
    base = ["--data-dir", str(data_dir)]
    roster = tmp_path / "roster.toml"
    roster.write_text(ROSTER)
    loaded = cli.invoke(main, [*base, "agents", "load", str(roster)])
    # One skill name is unknown: reported, the rest loaded, exit 1.
    assert loaded.exit_code == 1, loaded.output
    assert "loaded 1 agents, 1 skills, 1 teams" in loaded.output
    assert "agent r1: no product, component or concept is named 'nothing-like-this'" in (
        loaded.output
    )
    routed = cli.invoke(main, [*base, "routing", "route", "ticket:cli:1", "--policy", "static"])
    assert routed.exit_code == 0, routed.output
    assert "ticket:cli:1 -> agent:roster:r1 at step 1 (skills) by static" in routed.output
    assert "coverage 1" in routed.output
    reported = cli.invoke(main, [*base, "routing", "report", "--json"])
    assert reported.exit_code == 0, reported.output
    assert json.loads(reported.output) == {"policies": {}, "aht_p": None, "fcr_p": None}
    shown = cli.invoke(main, [*base, "agents", "show", "r1"])
    assert shown.exit_code == 0, shown.output
    agent = json.loads(shown.output)
    assert agent["agent"]["load"] == 1
    assert [s["skill"] for s in agent["skills"]] == ["product:tapevault"]


def test_bad_roster_and_unknown_ticket(data_dir: Path, tmp_path: Path) -> None:
    cli = CliRunner(env=CLEAN)
    base = ["--data-dir", str(data_dir)]
    bad = tmp_path / "roster.json"
    bad.write_text('{"agents": [{"id": "x", "name": "X", "tier": 0, "capacity": 1}]}')
    out = cli.invoke(main, [*base, "agents", "load", str(bad)])
    assert out.exit_code == 1 and "agents.0.tier" in out.output, out.output
    missing = cli.invoke(main, [*base, "routing", "route", "ticket:none"])
    assert missing.exit_code == 1 and "ticket 'ticket:none' does not exist" in missing.output
