"""`graphdesk envelope keygen | key | call` (api/envelope_cli.py); `call` to a real server."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from click.testing import CliRunner

from api.cli import main
from api.envelope_key import generate, parse
from graph.falkor import FalkorStore
from tests.auth import token
from tests.live_server import live_server

ENV = {"GRAPHDESK_CONFIG": None, "GRAPHDESK_ENVELOPE_KEY": None,
       "GRAPHDESK_ENVELOPE_KEY_FILE": None, "GRAPHDESK_ENV": "production"}  # fmt: skip


def test_keygen_writes_a_0600_pair_once_and_key_prints_what_clients_pin(tmp_path: Path) -> None:
    runner = CliRunner(env=ENV)
    path = tmp_path / "envelope.key"
    made = runner.invoke(main, ["envelope", "keygen", "--out", str(path)])
    assert made.exit_code == 0, made.output
    key = parse(path.read_text(), "test")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert made.stdout.strip() == f"kid {key.kid}"
    again = runner.invoke(main, ["envelope", "keygen", "--out", str(path)])
    assert again.exit_code == 1 and "is never overwritten" in again.output
    assert parse(path.read_text(), "test") == key  # untouched
    env = {**ENV, "GRAPHDESK_ENVELOPE_KEY_FILE": str(path), "GRAPHDESK_SECRET_KEY": "x" * 40}
    shown = CliRunner(env=env).invoke(main, ["envelope", "key", "--json"])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout) == {"kid": key.kid, "public_key": key.public.hex()}


def test_key_without_a_configured_key_in_production_says_what_to_set(tmp_path: Path) -> None:
    env = {**ENV, "GRAPHDESK_SECRET_KEY": "x" * 40}
    out = CliRunner(env=env).invoke(main, ["--data-dir", str(tmp_path), "envelope", "key"])
    assert out.exit_code == 1 and "GRAPHDESK_ENVELOPE_KEY_FILE is not set" in out.output
    assert "Traceback" not in out.output


def test_serve_in_production_without_the_envelope_key_stops_before_listening(
    tmp_path: Path,
) -> None:
    env = {**ENV, "GRAPHDESK_SECRET_KEY": "x" * 40, "GRAPHDESK_ENVELOPE_REQUIRED": None}
    out = CliRunner(env=env).invoke(main, ["--data-dir", str(tmp_path), "serve", "--port", "1"])
    assert out.exit_code == 1 and "GRAPHDESK_ENVELOPE_KEY_FILE is not set" in out.output
    typo = {**env, "GRAPHDESK_ENVELOPE_REQUIRED": "mutation"}
    out = CliRunner(env=typo).invoke(main, ["--data-dir", str(tmp_path), "serve", "--port", "1"])
    assert out.exit_code == 1 and "'mutation' is neither one of" in out.output


def test_call_seals_a_request_to_a_real_server_and_prints_the_opened_answer(
    store: FalkorStore, tmp_path: Path
) -> None:
    key = generate()
    runner = CliRunner(env={**ENV, "GRAPHDESK_TOKEN": token("agent", "ag-1")})
    with live_server(store, tmp_path, key) as port:
        url = f"http://127.0.0.1:{port}"
        ok = runner.invoke(main, ["envelope", "call", url, "--kid", key.kid,
                                  "-q", "{ tickets { key } }"])  # fmt: skip
        assert ok.exit_code == 0, ok.output
        assert json.loads(ok.stdout) == {"data": {"tickets": []}}
        wrong = runner.invoke(main, ["envelope", "call", url, "--kid", "0" * 16,
                                     "-q", "{ tickets { key } }"])  # fmt: skip
        assert wrong.exit_code == 1 and f"is {key.kid}, not the pinned" in wrong.output
        bad = runner.invoke(main, ["envelope", "call", url, "-q", "{ nothing }"])
        assert bad.exit_code == 1 and "answered 200 (sealed) with errors" in bad.output
        variables = runner.invoke(main, ["envelope", "call", url, "-q", "{ viewer { role } }",
                                         "--variables", "[1]"])  # fmt: skip
        assert variables.exit_code == 2 and "must be a JSON object" in variables.output


def test_call_sends_files_sealed_and_checks_its_file_options(
    store: FalkorStore, tmp_path: Path
) -> None:
    key = generate()
    log = tmp_path / "job.log"
    log.write_text("ERROR 42\n")
    runner = CliRunner(env={**ENV, "GRAPHDESK_TOKEN": token("customer", "customer:0a1b2c3d")})
    send = ("mutation($f: [Upload!]) { sendMessage(conversationId: \"none\", text: \"log\", "
            "attachments: $f) { conversationId } }")  # fmt: skip
    with live_server(store, tmp_path, key, envelope_required="mutations") as port:
        url = f"http://127.0.0.1:{port}"
        args = ["envelope", "call", url, "--kid", key.kid, "-q", send,
                "--variables", '{"f": [null]}']  # fmt: skip
        sent = runner.invoke(main, [*args, "--file", f"variables.f.0={log}"])
        # Opened and run by GraphQL: the conversation named does not exist.
        assert sent.exit_code == 1 and "answered 200 (sealed) with errors" in sent.output
        assert json.loads(sent.stdout)["errors"][0]["extensions"]["argument"] == "conversationId"
        for spec, says in ((f"variables.g.0={log}", "names no value in the request"),
                           ("variables.f.0", "is not PATH=FILE"),
                           (f"variables.f.0={tmp_path / 'none.log'}", "No such file")):  # fmt: skip
            out = runner.invoke(main, [*args, "--file", spec])
            assert out.exit_code == 2 and says in out.output, out.output
