"""``graphdesk keys init / status / rotate`` on a graph of its own, and what
happens to a graph ingested with the old, unkeyed customer ids."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from api.cli import main
from extractors.ingest import pipeline
from extractors.ingest.pipeline import Ingestor
from extractors.text.crypto.keys import Keyring, read_key_file
from extractors.text.crypto.sealer import Sealer
from extractors.tickets.values import ref_of
from graph.store import Store
from migrations.runner import migrate

EXPORT = [
    {"id": "K-1", "subject": "ring me on 139 0000 1234", "customer_id": "c-9",
     "customer_email": "kim.lee@example.net", "status": "open",
     "messages": [{"role": "customer", "author": "c-9", "body": "or kim.lee@example.net"}]},
]  # fmt: skip


@pytest.fixture(scope="module")
def home() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="gdkey", dir="/tmp"))  # short: the socket path
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _run(home: Path, *args: str) -> Result:
    env = {"GRAPHDESK_ENV": "production", "GRAPHDESK_DATA_KEYS": None,
           "GRAPHDESK_DATA_KEY_FILE": str(home / "keys.json"), "GRAPHDESK_CONFIG": None,
           "GRAPHDESK_GRAPH": None, "GRAPHDESK_SECRET_KEY": "k" * 40}  # fmt: skip
    return CliRunner(env=env).invoke(main, ["--data-dir", str(home / "data"), *args])


def test_init_ingest_status_rotate(home: Path) -> None:
    refused = _run(home, "ingest", str(home))
    assert refused.exit_code == 1 and "keys init" in refused.output  # no key file yet
    made = _run(home, "keys", "init", "--file", str(home / "keys.json"))
    assert made.exit_code == 0, made.output
    assert _run(home, "keys", "init", "--file", str(home / "keys.json")).exit_code == 1
    (home / "tickets").mkdir()
    (home / "tickets" / "t.json").write_text(json.dumps(EXPORT), "utf-8")
    ingested = _run(home, "ingest", "--no-embed", str(home / "tickets"))
    assert ingested.exit_code == 0, ingested.output
    status = _run(home, "keys", "status")
    assert status.exit_code == 0, status.output
    assert "current version 1" in status.output and "Ticket: v1: 1" in status.output
    rotated = _run(home, "keys", "rotate")
    assert rotated.exit_code == 0, rotated.output
    assert "new key version 2" in rotated.output and "3 nodes re-sealed" in rotated.output
    ring = read_key_file(home / "keys.json", production=True)
    assert (ring.current, sorted(ring.versions), ring.rotating) == (2, [2], False)
    after = _run(home, "keys", "status")
    assert "v1" not in after.output and "Customer: v2: 1" in after.output
    shown = _run(home, "audit", "show", "--limit", "5")
    assert "keys.rotate" in shown.output and "ok: 3 nodes re-sealed" in shown.output


def test_an_unfinished_rotation_is_resumed_not_restarted(home: Path) -> None:
    path = home / "keys.json"
    ring = read_key_file(path, production=True).with_new_version()  # as a killed rotate left it
    path.write_text(json.dumps(ring.to_json()), "utf-8")
    path.chmod(0o600)
    resumed = _run(home, "keys", "rotate")
    assert resumed.exit_code == 0, resumed.output
    assert f"resuming the rotation to key version {ring.current}" in resumed.output
    assert read_key_file(path, production=True).versions.keys() == {ring.current}


def test_status_fails_when_a_version_is_missing(home: Path) -> None:
    path = home / "keys.json"
    ring = read_key_file(path, production=True).with_new_version().finished()  # v+1 only
    path.write_text(json.dumps(ring.to_json()), "utf-8")
    status = _run(home, "keys", "status")
    assert status.exit_code == 1 and "cannot be opened" in status.output


def _legacy_id(self: Sealer, system: str, raw: str) -> str:
    """The customer id before keys: an unsalted sha1 of system and id."""
    found = ref_of(system, "customer", raw)
    assert found is not None
    return found


def test_a_graph_with_the_old_ids_gets_keyed_ids_on_the_next_ingest(
    any_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    migrate(any_store)
    (tmp_path / "t.json").write_text(json.dumps(EXPORT), "utf-8")
    sealer = Sealer(Keyring.generate())
    with monkeypatch.context() as old:  # as graphdesk wrote it before keyed ids
        old.setattr(pipeline, "EXTRACTOR_VERSION", "4")
        old.setattr(Sealer, "customer_id", _legacy_id)
        Ingestor(any_store, progress=False, sealer=sealer).run([tmp_path])
    legacy = any_store.read("MATCH (c:Customer) RETURN c.id AS id")
    assert [len(r["id"]) for r in legacy] == [len("customer:") + 16]
    again = Ingestor(any_store, progress=False, sealer=sealer).run([tmp_path])
    assert again.changed == 1  # the extractor version changed: the export is read again
    now = any_store.read(
        "MATCH (:Ticket {id: 'ticket:generic:K-1'})-[:RAISED_BY]->(c:Customer) RETURN c.id AS id"
    )
    assert now == [{"id": sealer.customer_id("generic", "c-9")}]
    assert any_store.read("MATCH (c:Customer) RETURN count(c) AS n") == [{"n": 1}]  # old one gone
    authors = any_store.read("MATCH (m:Message) RETURN m.author AS a")
    assert authors == [{"a": now[0]["id"]}]
