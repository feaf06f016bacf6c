"""``graphdesk dialogue replay``: conversations from a file played through the
desk; the issue's JSON format; bad files named by line; a conversation that
fails (an attachment that cannot be read) reported while the rest still play."""

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
from graph.store import Store
from resolvers.conversation.desk import Desk
from resolvers.conversation.replay import ReplayError, play, read
from resolvers.pipeline.answerer import Answerer
from tests.test_embedded_server import servers_on

CLEAN = {"GRAPHDESK_CONFIG": None, "GRAPHDESK_GRAPH": None, "GRAPHDESK_DATA_DIR": None,
         "GRAPHDESK_ENV": "development"}  # fmt: skip


def _write(path: Path, rows: list[object]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    return path


def test_play_records_where_it_escalated(fresh: Store, tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text("nothing to see here\n")
    script = _write(tmp_path / "c.jsonl", [
        {"id": "a", "turns": ["hello there", "please put me through to a real person"]},
        {"id": 7, "turns": ["what does the pager do"], "attachments": [["note.txt"]]},
    ])  # fmt: skip
    desk = Desk(fresh, Answerer(fresh, cache_size=0))
    first, second = (play(desk, s) for s in read(script))
    assert (first["id"], first["escalated_at"], first["rule"]) == ("a", 1, "request")
    assert len(first["turns"]) == 2 and set(first["turns"][0]) == {
        "emotion", "complexity", "confidence", "resolved"}  # fmt: skip
    assert second["id"] == "7" and len(second["turns"]) == 1


@pytest.mark.parametrize(("text", "message"), [
    ("{not json", "c.jsonl:1: not JSON"),
    ('["a list"]', "c.jsonl:1: a line must be a JSON object"),
    ('{"id": "x", "turns": []}', "'turns' must be 1 to 100 strings"),
    ('{"id": "x", "turns": ["a"]}\n{"id": "x", "turns": ["b"]}', "c.jsonl:2: 'id'"),
    ('{"id": "x", "turns": ["a"], "attachments": ["f"]}', "'attachments' must be"),
])  # fmt: skip
def test_bad_files_are_named_by_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(text + "\n")
    with pytest.raises(ReplayError, match=message):
        read(path)


@pytest.fixture
def data_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="gdrep", dir="/tmp"))  # short unix socket path
    yield path
    for pid in servers_on(path):
        os.kill(pid, signal.SIGKILL)
    shutil.rmtree(path, ignore_errors=True)


def test_the_command_writes_json_and_exits_1_on_a_failed_conversation(
    data_dir: Path, tmp_path: Path
) -> None:
    script = _write(tmp_path / "c.jsonl", [
        {"id": "ok", "turns": ["我要人工客服"]},
        {"id": "gone", "turns": ["see the log"], "attachments": [["missing.log"]]},
    ])  # fmt: skip
    out = tmp_path / "replay.json"
    result = CliRunner(env=CLEAN).invoke(
        main, ["--data-dir", str(data_dir), "dialogue", "replay", str(script), "--json", str(out)]
    )
    assert result.exit_code == 1, result.output
    assert "ok: escalated after turn 0 (request)" in result.output
    assert "FAILED gone: " in result.output and "missing.log" in result.output
    assert "replayed 1 conversations, 1 failed" in result.output
    [done] = json.loads(out.read_text())["conversations"]
    assert (done["id"], done["escalated_at"], done["rule"]) == ("ok", 0, "request")
