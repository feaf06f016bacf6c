"""The audit trail (issue 9, item 5) on the real graph, both backends.

The chain verifies as written, and ``verify`` (and ``graphdesk audit verify``)
names the first bad record when one was edited, deleted (in the middle, at
the start) or reordered; concurrent writers do not fork it; pruning keeps it
verifiable; logins, ticket reads in clear and revocations are recorded
through the API; ``auditTrail`` is for auditors only.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from api.app import create_app
from api.cli import main
from api.settings import Settings
from api.tokens import unverified_claims
from graph.falkor import FalkorStore
from graph.store import Store
from resolvers import audit
from resolvers.audit import Event, Trail, prune, record, verify
from resolvers.identity import Role
from tests.auth import SECRET, bearer
from tests.test_embedded_server import servers_on


@pytest.fixture
def chain(fresh: Store) -> Iterator[Store]:
    audit.trail.forget_tail()
    yield fresh
    audit.trail.forget_tail()


def _event(n: int) -> Event:
    return Event("admin", "token.revoke", f"admin{n}", "admin", f"token{n}", "revoked",
                 "127.0.0.1", f"req{n}")  # fmt: skip


def _write(store: Store, n: int) -> None:
    for i in range(n):
        record(store, _event(i))


def test_an_untouched_chain_verifies(chain: Store) -> None:
    _write(chain, 5)
    assert verify(chain) == (5, None)
    newest = audit.recent(chain, 2)
    assert [r["seq"] for r in newest] == [5, 4]
    assert newest[0]["prev"] == newest[1]["hash"]
    assert newest[0]["hash"] == audit.sm3(audit.canonical(newest[0]))


def test_an_edited_record_is_named(chain: Store) -> None:
    _write(chain, 5)
    chain.write("MATCH (r:AuditRecord {seq: 3}) SET r.result = 'refused'")
    _, problem = verify(chain)
    assert problem is not None and problem.seq == 3 and "edited" in str(problem)


def test_an_edit_with_its_hash_recomputed_breaks_the_next_link(chain: Store) -> None:
    _write(chain, 5)
    [row] = chain.read("MATCH (r:AuditRecord {seq: 3}) RETURN r {.*} AS r")
    forged = dict(row["r"], result="refused")
    chain.write(
        "MATCH (r:AuditRecord {seq: 3}) SET r.result = 'refused', r.hash = $h",
        {"h": audit.record_hash(forged)},
    )
    _, problem = verify(chain)
    assert problem is not None and problem.seq == 4 and "does not follow" in str(problem)


def test_a_deleted_record_is_named(chain: Store) -> None:
    _write(chain, 5)
    chain.write("MATCH (r:AuditRecord {seq: 3}) DELETE r")
    _, problem = verify(chain)
    assert problem is not None and problem.seq == 4 and "missing" in str(problem)


def test_a_deleted_start_is_named(chain: Store) -> None:
    _write(chain, 5)
    chain.write("MATCH (r:AuditRecord) WHERE r.seq <= 2 DELETE r")
    _, problem = verify(chain)
    assert problem is not None and problem.seq == 3 and "deleted" in str(problem)


def test_reordered_records_are_named(chain: Store) -> None:
    _write(chain, 5)
    # Swap records 2 and 3 (numbers and ids), as a reordering would.
    chain.write("MATCH (r:AuditRecord {seq: 2}) SET r.seq = -3, r.id = 'x'")
    chain.write("MATCH (r:AuditRecord {seq: 3}) SET r.seq = 2, r.id = 'audit:2'")
    chain.write("MATCH (r:AuditRecord {seq: -3}) SET r.seq = 3, r.id = 'audit:3'")
    _, problem = verify(chain)
    assert problem is not None and problem.seq == 2


def test_concurrent_writers_do_not_fork_the_chain(chain: Store) -> None:
    # Each thread a writer of its own (as worker processes are), on one graph.
    writers = [Trail() for _ in range(4)]

    def work(trail: Trail, n: int) -> None:
        for i in range(10):
            trail.append(chain, _event(n * 100 + i))

    threads = [threading.Thread(target=work, args=(w, n)) for n, w in enumerate(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert verify(chain) == (40, None)
    assert chain.read("MATCH (r:AuditRecord) RETURN max(r.seq) AS m")[0]["m"] == 40


def test_pruning_keeps_the_chain_verifiable(chain: Store) -> None:
    old = datetime.now(UTC) - timedelta(days=200)
    writer = audit.trail
    for i in range(4):
        writer.append(chain, _event(i), at=old)
    _write(chain, 2)
    assert prune(chain, 183) == 4
    seqs = [r["seq"] for r in audit.records(chain)]
    assert seqs == [5, 6, 7]  # the two recent ones and the prune record
    assert audit.recent(chain, 1)[0]["operation"] == "audit.prune"
    assert verify(chain) == (3, None)
    assert prune(chain, 183) == 0
    chain.write("MATCH (r:AuditRecord {seq: 5}) DELETE r")  # beyond what the prune says
    assert verify(chain)[1] is not None


@pytest.fixture
def app(chain: Store, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path, env="production", secret_key=SECRET)
    with TestClient(create_app(settings, store=chain, answerer=None, seed_demo=False)) as c:
        yield c


def _ops(store: Store) -> list[tuple[str, str, str]]:
    return [(r["operation"], r["role"], r["result"]) for r in audit.records(store)]


def test_logins_are_recorded_once_per_token_and_every_refusal(
    chain: Store, app: TestClient
) -> None:
    headers = bearer(Role.AUDITOR, "ines")
    for _ in range(3):
        assert app.post("/graphql", json={"query": "{ viewer { role } }"}, headers=headers)
    app.post("/graphql", json={"query": "{ viewer { role } }"},
             headers={"Authorization": "Bearer forged"})  # fmt: skip
    ops = _ops(chain)
    assert ops.count(("login", "auditor", "ok")) == 1
    assert ("login", "none", "refused") in ops
    assert verify(chain)[1] is None


def test_revoke_token_and_audit_trail_through_graphql(chain: Store, app: TestClient) -> None:
    query = 'mutation { revokeToken(id: "%s") }' % ("ab" * 16)
    resp = app.post("/graphql", json={"query": query}, headers=bearer(Role.ADMIN, "root"))
    assert resp.json() == {"data": {"revokeToken": True}}
    assert resp.headers["x-request-id"]
    trail_query = "{ auditTrail(limit: 5) { seq operation subject role target result hash } }"
    denied = app.post("/graphql", json={"query": trail_query}, headers=bearer(Role.ADMIN))
    assert denied.json()["errors"][0]["extensions"] == {"code": "FORBIDDEN"}
    got = app.post("/graphql", json={"query": trail_query}, headers=bearer(Role.AUDITOR))
    rows = got.json()["data"]["auditTrail"]
    revoked = [r for r in rows if r["operation"] == "token.revoke"]
    assert revoked and revoked[0]["subject"] == "root" and revoked[0]["target"] == "ab" * 16
    assert revoked[0]["result"] == "revoked"


CLEAN = {"GRAPHDESK_CONFIG": None, "GRAPHDESK_SECRET_KEY": None, "GRAPHDESK_SECRET_KEY_FILE": None,
         "GRAPHDESK_GRAPH": None, "GRAPHDESK_DATA_DIR": None,
         "GRAPHDESK_ENV": "development"}  # fmt: skip


@pytest.fixture
def data_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="gdaud", dir="/tmp"))  # short unix socket path
    yield path
    for pid in servers_on(path):
        os.kill(pid, signal.SIGKILL)
    shutil.rmtree(path, ignore_errors=True)


def test_cli_records_tokens_and_verify_names_a_tampered_record(data_dir: Path) -> None:
    cli = CliRunner(env=CLEAN)
    base = ["--data-dir", str(data_dir)]
    made = cli.invoke(main, [*base, "token", "create", "--role", "auditor", "--subject", "ines"])
    assert made.exit_code == 0, made.output
    token_id = unverified_claims(made.output.strip().splitlines()[-1]).token_id
    gone = cli.invoke(main, [*base, "token", "revoke", token_id])
    assert gone.exit_code == 0, gone.output
    shown = cli.invoke(main, [*base, "audit", "show", "--limit", "5"])
    assert shown.exit_code == 0, shown.output
    assert "token.create" in shown.output and "token.revoke" in shown.output
    assert token_id in shown.output and "head: audit:2 " in shown.output
    ok = cli.invoke(main, [*base, "audit", "verify"])
    assert ok.exit_code == 0 and "intact: 2 records" in ok.output, ok.output
    store = FalkorStore(data_dir)
    try:
        store.write("MATCH (r:AuditRecord {seq: 1}) SET r.subject = 'someone else'")
    finally:
        store.close()
    bad = cli.invoke(main, [*base, "audit", "verify"])
    assert bad.exit_code == 1
    assert "audit record 1 (audit:1): its content does not match its hash" in bad.output
