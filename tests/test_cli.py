"""The ``graphdesk`` command line against a real embedded graph in its own data directory.

Each command opens the store from the settings and closes it again, so every
invocation here starts and stops the embedded server, as a user's would.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from api.cli import main

# Settings a developer's shell might hold must not leak into the tests.
CLEAN_ENV: dict[str, str | None] = {
    "GRAPHDESK_CONFIG": None,
    "GRAPHDESK_GRAPH": None,
    "GRAPHDESK_ENV": None,
    "GRAPHDESK_DATA_DIR": None,
    "GRAPHDESK_LLM_API_KEY": None,
    "GRAPHDESK_SECRET_KEY": None,
    "GRAPHDESK_SECRET_KEY_FILE": None,
}

GUIDE_MD = """\
# Wombat Queue delivery errors

Wombat Queue retries a message five times before it moves it to the dead-letter queue.

## Error codes

| Code | Name | Message | Solution |
|------|------|---------|----------|
| WBQ-5003 | delivery_timeout | delivery timed out | 1. Raise the ack timeout. 2. Retry. |
"""


@pytest.fixture(scope="module")
def data_dir() -> Iterator[Path]:
    # Short and under /tmp: the embedded server's unix socket path must stay short.
    path = Path(tempfile.mkdtemp(prefix="gdcli", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("docs")
    (root / "guide.md").write_text(GUIDE_MD, encoding="utf-8")
    (root / "broken.html").write_text("this is plain text, not a web page\n", encoding="utf-8")
    return root


def run(data_dir: Path, *args: str) -> Result:
    return CliRunner(env=CLEAN_ENV).invoke(main, ["--data-dir", str(data_dir), *args])


@pytest.fixture(scope="module")
def ingested(data_dir: Path, docs: Path) -> Result:
    return run(data_dir, "ingest", "--no-progress", str(docs))


def test_ingest_reports_the_broken_file_and_keeps_the_good_one(
    ingested: Result, docs: Path
) -> None:
    # a failed file makes the exit code 1; the good file is ingested anyway
    assert ingested.exit_code == 1, ingested.output
    out = ingested.output
    assert "exit 1: 1 files and 0 records failed" in out
    assert "new 1," in out and "failed 1 files and 0 records," in out
    assert "1 error codes" in out
    broken = docs / "broken.html"
    failed = [ln for ln in out.splitlines() if ln.startswith("FAILED ")]
    assert failed == [f"FAILED {broken}: not an HTML document (no HTML markup found)"]


def test_ingest_again_skips_unchanged_files(ingested: Result, data_dir: Path, docs: Path) -> None:
    result = run(data_dir, "ingest", "--no-progress", str(docs / "guide.md"))
    assert result.exit_code == 0, result.output
    assert "unchanged 1," in result.output


def test_allow_partial_accepts_a_partly_failed_ingest(
    ingested: Result, data_dir: Path, docs: Path
) -> None:
    result = run(data_dir, "ingest", "--no-progress", "--allow-partial", str(docs))
    assert result.exit_code == 0, result.output
    assert "FAILED" in result.output and "unchanged 1," in result.output


def test_ingest_exits_1_when_every_file_failed(
    ingested: Result, data_dir: Path, docs: Path
) -> None:
    result = run(data_dir, "ingest", str(docs / "broken.html"), str(docs / "missing.md"))
    assert result.exit_code == 1
    assert f"FAILED {docs / 'broken.html'}: not an HTML document" in result.output
    assert f"FAILED {docs / 'missing.md'}: no such file or directory" in result.output


def test_migrate_info_prints_a_table(ingested: Result, data_dir: Path) -> None:
    result = run(data_dir, "migrate", "--info")
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    assert header.split() == ["version", "description", "state", "checksum"]
    first = rows[0].split()
    assert first[0] == "V0001"
    assert "applied" in first
    assert len(first[-1]) == 12 and all(ch in "0123456789abcdef" for ch in first[-1])


def test_migrate_is_idempotent_and_valid(ingested: Result, data_dir: Path) -> None:
    again = run(data_dir, "migrate")
    assert again.exit_code == 0, again.output
    assert "schema is up to date" in again.output
    assert "applied V" not in again.output
    valid = run(data_dir, "migrate", "--validate")
    assert valid.exit_code == 0, valid.output
    assert "migrations are valid" in valid.output


def test_ask_json(ingested: Result, data_dir: Path) -> None:
    result = CliRunner(env=CLEAN_ENV).invoke(
        main, ["--data-dir", str(data_dir), "ask", "--json", "What is WBQ-5003?"]
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["text"].strip()
    assert answer["mode"] == "extractive"  # no LLM configured
    assert 0.0 <= answer["confidence"] <= 1.0
    assert any(c["code"] == "WBQ-5003" for c in answer["citations"]), answer["citations"]
    for c in answer["citations"]:
        assert {"kind", "uri", "title", "code", "snippet", "score"} <= set(c)


def test_ask_prints_numbered_citations(ingested: Result, data_dir: Path) -> None:
    result = run(data_dir, "ask", "What is WBQ-5003?")
    assert result.exit_code == 0, result.output
    assert "mode: extractive" in result.output
    assert "  1. " in result.output


def test_ask_refuses_an_empty_question(data_dir: Path) -> None:
    result = run(data_dir, "ask", "   ")
    assert result.exit_code == 2
    assert "QUESTION" in result.output and "is empty" in result.output


def test_bad_configuration_is_one_clear_line(data_dir: Path) -> None:
    result = CliRunner(env={**CLEAN_ENV, "GRAPHDESK_GRAPH": "neo5j"}).invoke(
        main, ["--data-dir", str(data_dir), "migrate", "--info"]
    )
    assert result.exit_code == 1
    assert "GRAPHDESK_GRAPH" in result.output
    assert "Traceback" not in result.output


def test_production_refuses_placeholder_secrets(data_dir: Path) -> None:
    env = {**CLEAN_ENV, "GRAPHDESK_ENV": "production", "GRAPHDESK_LLM_API_KEY": "changeme"}
    result = CliRunner(env=env).invoke(main, ["--data-dir", str(data_dir), "migrate", "--info"])
    assert result.exit_code == 1
    assert "GRAPHDESK_LLM_API_KEY" in result.output
    assert "changeme" not in result.output


def test_version_prints_the_installed_version() -> None:
    from importlib.metadata import version

    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"graphdesk, version {version('graphdesk')}"


def test_zendesk_custom_fields_come_from_configuration(tmp_path: Path) -> None:
    export = {"tickets": [{
        "id": 9001, "subject": "Relay drops frames", "description": "frames lost",
        "status": "open", "requester_id": 1, "created_at": "2026-01-01T00:00:00Z",
        "custom_fields": [{"id": 360001234, "value": "RelayHub"},
                          {"id": 360005678, "value": "4.2"}],
    }]}  # fmt: skip
    docs = tmp_path / "exports"
    docs.mkdir()
    (docs / "zendesk.json").write_text(json.dumps(export), encoding="utf-8")
    data = Path(tempfile.mkdtemp(prefix="gdzf", dir="/tmp"))
    try:
        env = {**CLEAN_ENV, "GRAPHDESK_ZENDESK_FIELDS": "product=360001234,version=360005678"}
        result = CliRunner(env=env).invoke(
            main, ["--data-dir", str(data), "ingest", "--no-progress", str(docs)]
        )
        assert result.exit_code == 0, result.output
        from graph.falkor import FalkorStore

        store = FalkorStore(data)
        try:
            rows = store.read(
                "MATCH (:Ticket)-[a:ABOUT]->(p:Product) RETURN p.name AS name, a.versions AS v"
            )
        finally:
            store.close()
        assert rows == [{"name": "RelayHub", "v": ["4.2"]}]
    finally:
        shutil.rmtree(data, ignore_errors=True)


def test_a_bad_zendesk_fields_setting_is_one_clear_error(data_dir: Path) -> None:
    env = {**CLEAN_ENV, "GRAPHDESK_ZENDESK_FIELDS": "produkt=1"}
    result = CliRunner(env=env).invoke(main, ["--data-dir", str(data_dir), "stats"])
    assert result.exit_code != 0
    assert "GRAPHDESK_ZENDESK_FIELDS" in result.output and "'produkt=1'" in result.output
