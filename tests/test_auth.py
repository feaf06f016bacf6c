"""Authentication at the API: bearer tokens, 401, revocation in the graph, lockout with 429.

Apps on the session's real embedded graph in production mode; the command
line's ``token create`` and ``token revoke`` on a data directory of their own,
and ``serve`` in development printing its tokens.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from api.app import create_app
from api.cli import main
from api.settings import ConfigError, Settings
from api.tokens import derive_key, issue
from graph.falkor import FalkorStore
from migrations.runner import migrate
from resolvers.identity import Role
from resolvers.revocation import is_revoked, recent, revoke
from tests.auth import SECRET, bearer, token
from tests.test_embedded_server import servers_on
from tests.test_serve import _free_port

VIEWER = {"query": "{ viewer { role subject } }"}
REFUSED = "the token was refused (invalid, expired or revoked)"


class _NoAnswers:
    def answer(self, question: str, limit: int = 5) -> Any:
        raise AssertionError("not asked")

    def refresh(self) -> None:
        pass


def _app(store: FalkorStore, tmp_path: Path, **values: Any) -> TestClient:
    settings = Settings(data_dir=tmp_path, **{"env": "production", "secret_key": SECRET, **values})
    return TestClient(create_app(settings, store=store, answerer=_NoAnswers(), seed_demo=False))


@pytest.fixture
def graph(store: FalkorStore) -> FalkorStore:
    store.drop_all()
    migrate(store)
    return store


def test_production_refuses_requests_without_a_token(graph: FalkorStore, tmp_path: Path) -> None:
    with _app(graph, tmp_path) as c:
        bare = c.post("/graphql", json=VIEWER)
        health = c.get("/healthz")
        ok = c.post("/graphql", json=VIEWER, headers=bearer("auditor", "aud-1"))
    assert bare.status_code == 401
    assert bare.headers["www-authenticate"] == 'Bearer realm="graphdesk"'
    assert "Authorization: Bearer" in bare.json()["errors"][0]["message"]
    assert health.status_code == 200  # health stays open
    assert ok.status_code == 200
    assert ok.json()["data"]["viewer"] == {"role": "auditor", "subject": "aud-1"}


@pytest.mark.parametrize("seconds", [0.0, 60.0])
def test_a_revocation_made_elsewhere_counts_within_the_check_interval(
    graph: FalkorStore, tmp_path: Path, seconds: float
) -> None:
    key = derive_key(SECRET.encode())
    text, claims = issue(key, Role.AGENT, "ag-1", 600)
    auth = {"Authorization": "Bearer " + text}
    with _app(graph, tmp_path, revocation_check_seconds=seconds) as c:
        assert c.post("/graphql", json=VIEWER, headers=auth).status_code == 200
        revoke(graph, claims.token_id)  # as `graphdesk token revoke` or another worker does
        later = c.post("/graphql", json=VIEWER, headers=auth).status_code
        recent.forget(claims.token_id)  # the interval over
        after = c.post("/graphql", json=VIEWER, headers=auth).status_code
    # checked every request: refused at once; within the interval: until it ends
    assert later == (401 if seconds == 0 else 200)
    assert after == 401


def test_bad_expired_and_revoked_tokens_get_the_same_401(
    graph: FalkorStore, tmp_path: Path
) -> None:
    key = derive_key(SECRET.encode())
    expired, _ = issue(key, Role.EXPERT, "x", 60, now=time.time() - 120)
    forged, _ = issue(derive_key(b"not the server's secret, long enough"), Role.ADMIN, "x", 60)
    revoked, claims = issue(key, Role.EXPERT, "x", 600)
    with _app(graph, tmp_path) as c:
        assert c.post("/graphql", json=VIEWER, headers={"Authorization": "Bearer " + revoked})
        admin = bearer("admin", "ops")
        mutation = {"query": f'mutation {{ revokeToken(id: "{claims.token_id}") }}'}
        assert c.post("/graphql", json=mutation, headers=admin).json() == {
            "data": {"revokeToken": True}
        }
        assert (
            c.post("/graphql", json=mutation, headers=admin).json()["data"]["revokeToken"] is False
        )
        answers = [
            c.post("/graphql", json=VIEWER, headers={"Authorization": value})
            for value in (f"Bearer {expired}", f"Bearer {forged}", f"Bearer {revoked}",
                          "Bearer nonsense", f"Basic {token('admin')}")
        ]  # fmt: skip
    for resp in answers:
        assert resp.status_code == 401, resp.text
        assert resp.json() == {"errors": [{"message": REFUSED}]}
        assert 'error="invalid_token"' in resp.headers["www-authenticate"]
    assert is_revoked(graph, claims.token_id)


def test_failed_logins_lock_the_address_out(graph: FalkorStore, tmp_path: Path) -> None:
    values = {"auth_max_failures": 3, "auth_lockout_seconds": 120}
    with _app(graph, tmp_path, **values) as c:
        bad = {"Authorization": "Bearer gd1.e30.AAAA"}
        first = [c.post("/graphql", json=VIEWER, headers=bad).status_code for _ in range(2)]
        third = c.post("/graphql", json=VIEWER, headers=bad)
        good = c.post("/graphql", json=VIEWER, headers=bearer("expert"))
        health = c.get("/healthz")
    assert first == [401, 401]
    assert third.status_code == 429 and 0 < int(third.headers["retry-after"]) <= 120
    assert good.status_code == 429  # locked out is locked out, with a valid token too
    assert "retry in" in good.json()["errors"][0]["message"]
    assert health.status_code == 200
    # Another worker on the same graph locks the address out too (tests/test_lockout.py);
    # another address is not locked out.
    settings = Settings(data_dir=tmp_path, env="production", secret_key=SECRET, **values)
    app = create_app(settings, store=graph, answerer=_NoAnswers(), seed_demo=False)
    with TestClient(app, client=("192.0.2.7", 50000)) as c:
        assert c.post("/graphql", json=VIEWER, headers=bearer("expert")).status_code == 200
    with _app(graph, tmp_path, **values) as c:
        assert c.post("/graphql", json=VIEWER, headers=bearer("expert")).status_code == 429


def test_lockout_ends_and_counts_only_recent_failures() -> None:
    from api.lockout import Lockout

    now = [1000.0]
    lock = Lockout(max_failures=2, window=10, lockout=30, clock=lambda: now[0])
    assert lock.failed("a") is None
    now[0] += 11  # the first failure left the window
    assert lock.failed("a") is None
    assert lock.failed("a") == 30 and lock.retry_after("a") == 30 and lock.retry_after("b") is None
    now[0] += 30
    assert lock.retry_after("a") is None


def test_production_without_a_secret_does_not_start(graph: FalkorStore, tmp_path: Path) -> None:
    for values, says in (
        ({"secret_key": None}, "GRAPHDESK_SECRET_KEY is not set"),
        ({"secret_key": "too-short-a-secret"}, "too short"),
        ({"secret_key": None, "secret_key_file": tmp_path / "none"}, "cannot be read"),
    ):
        settings = Settings(data_dir=tmp_path, env="production", **values)
        with pytest.raises(ConfigError, match=says):
            create_app(settings, store=graph, answerer=_NoAnswers(), seed_demo=False)
    loose = tmp_path / "loose.key"
    loose.write_text("s" * 40)
    loose.chmod(0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        create_app(
            Settings(data_dir=tmp_path, env="production", secret_key_file=loose),
            store=graph, answerer=_NoAnswers(), seed_demo=False,
        )  # fmt: skip
    with pytest.raises(ConfigError, match="placeholder"):
        from api.settings import load_settings

        load_settings(data_dir=tmp_path, env="production", secret_key="changeme")


CLEAN = {"GRAPHDESK_CONFIG": None, "GRAPHDESK_SECRET_KEY": None, "GRAPHDESK_SECRET_KEY_FILE": None,
         "GRAPHDESK_GRAPH": None, "GRAPHDESK_DATA_DIR": None}  # fmt: skip


@pytest.fixture
def data_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="gdtok", dir="/tmp"))  # short unix socket path
    yield path
    for pid in servers_on(path):
        os.kill(pid, signal.SIGKILL)
    shutil.rmtree(path, ignore_errors=True)


def test_token_create_and_revoke_on_the_command_line(data_dir: Path) -> None:
    dev = CliRunner(env={**CLEAN, "GRAPHDESK_ENV": "development"})
    made = dev.invoke(main, ["--data-dir", str(data_dir), "token", "create", "--role", "editor",
                             "--subject", "kb-team", "--ttl", "2h"])  # fmt: skip
    assert made.exit_code == 0, made.output
    text = made.output.strip().splitlines()[-1]  # the token alone on the last line
    key_file = data_dir / "secret.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    from api.tokens import verify

    got = verify(derive_key(key_file.read_text().strip().encode()), text)
    assert (got.role, got.subject, got.expires_at - got.issued_at) == (Role.EDITOR, "kb-team", 7200)
    needs = dev.invoke(main, ["--data-dir", str(data_dir), "token", "create", "--role", "agent"])
    assert needs.exit_code == 2 and "--subject" in needs.output
    prod = CliRunner(env={**CLEAN, "GRAPHDESK_ENV": None})  # production by default
    refused = prod.invoke(main, ["--data-dir", str(data_dir), "token", "create", "--role", "admin"])
    assert refused.exit_code == 1 and "GRAPHDESK_SECRET_KEY is not set" in refused.output
    gone = dev.invoke(main, ["--data-dir", str(data_dir), "token", "revoke", text])
    assert gone.exit_code == 0 and f"token {got.token_id} revoked" in gone.output
    again = dev.invoke(main, ["--data-dir", str(data_dir), "token", "revoke", got.token_id])
    assert "was revoked already" in again.output
    store = FalkorStore(data_dir)
    try:
        assert is_revoked(store, got.token_id)
    finally:
        store.close()


def test_serve_in_development_prints_a_token_per_role(data_dir: Path) -> None:
    port = _free_port()
    env = {**os.environ, "GRAPHDESK_ENV": "development"}
    env.pop("GRAPHDESK_SECRET_KEY", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "--data-dir", str(data_dir), "serve", "--no-demo",
         "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not any(
            ln.lstrip().startswith("auditor") for ln in lines
        ):
            line = proc.stdout.readline()
            assert line or proc.poll() is None, "".join(lines)
            lines.append(line)
        tokens = {ln.split()[0]: ln.split()[1] for ln in lines if ln.startswith("  ")}
        assert set(tokens) == {r.value for r in Role}, "".join(lines)
        resp = httpx.post(
            f"http://127.0.0.1:{port}/graphql", json=VIEWER,
            headers={"Authorization": f"Bearer {tokens['admin']}"}, timeout=30,
        )  # fmt: skip
        assert resp.json()["data"]["viewer"]["role"] == "admin"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)


def test_no_graphql_over_websockets(graph: FalkorStore, tmp_path: Path) -> None:
    from starlette.websockets import WebSocketDisconnect

    with (
        _app(graph, tmp_path) as c,
        pytest.raises(WebSocketDisconnect),
        c.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws,
    ):
        ws.send_json({"type": "connection_init"})
        ws.receive_json()


def test_development_beyond_loopback_is_warned_about(data_dir: Path) -> None:
    import socket

    with socket.socket() as taken:  # the port is taken: serve stops right after the warning
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        out = CliRunner(env={**CLEAN, "GRAPHDESK_ENV": "development"}).invoke(
            main, ["--data-dir", str(data_dir), "serve", "--host", "0.0.0.0", "--port", port]
        )
    assert out.exit_code == 1, out.output
    assert "WARNING development mode on 0.0.0.0: requests without a token" in out.output
