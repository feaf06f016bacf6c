"""The failed-authentication lockout shared through the graph, on both backends.

Two apps on one store are two workers (or two hosts of one Neo4j): failures
sent to either count together, and a lockout started by one holds on the
other. The window, the expiry and the bounds are driven by an injected clock;
an unreachable graph is a real embedded server stopped with SIGSTOP.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from api.app import Runtime, create_app
from api.lockout import KEY_PURPOSE, UNAVAILABLE, Lockout, SharedLockout
from api.settings import Settings
from extractors.text.crypto.sealer import ephemeral_sealer
from graph.falkor import FalkorStore
from graph.store import Store
from resolvers.lockouts import SharedFailures
from tests.auth import SECRET, bearer
from tests.live_server import NoAnswers
from tests.test_stalled_store import stopped

VIEWER = {"query": "{ viewer { role } }"}
BAD = {"Authorization": "Bearer gd1.e30.AAAA"}
RECORDS = "MATCH (n:AuthFailure) RETURN n {.*} AS n ORDER BY n.expires_at"


def _worker(store: Store, tmp_path: Path, **values: Any) -> TestClient:
    settings = Settings(data_dir=tmp_path, **{
        "env": "production", "secret_key": SECRET, "auth_max_failures": 3,
        "auth_lockout_seconds": 120, "revocation_check_seconds": 0, **values,
    })  # fmt: skip
    return TestClient(create_app(settings, store=store, answerer=NoAnswers(), seed_demo=False))


def _status(client: TestClient, headers: dict[str, str]) -> int:
    return client.post("/graphql", json=VIEWER, headers=headers).status_code


def test_two_workers_share_one_count_and_one_lockout(fresh: Store, tmp_path: Path) -> None:
    good = bearer("expert", "ex-1")
    with _worker(fresh, tmp_path) as one, _worker(fresh, tmp_path) as two:
        sealer = one.app.state.runtime.sealer  # type: ignore[attr-defined]
        assert _status(two, good) == 200
        assert [_status(one, BAD), _status(two, BAD)] == [401, 401]
        assert _status(one, good) == 200  # a success does not wipe the count
        third = one.post("/graphql", json=VIEWER, headers=BAD)  # the third, on either worker
        assert third.status_code == 429 and 0 < int(third.headers["retry-after"]) <= 120
        # The other worker has counted one failure itself, and refuses a valid token too.
        locked = two.post("/graphql", json=VIEWER, headers=good)
        assert locked.status_code == 429 and 0 < int(locked.headers["retry-after"]) <= 120
        assert "retry in" in locked.json()["errors"][0]["message"]
        assert two.get("/healthz").status_code == 200
    # One node for the address, keyed: the address itself is nowhere in the graph.
    [record] = [row["n"] for row in fresh.read(RECORDS)]
    assert record["id"] == sealer.keyed(KEY_PURPOSE, "testclient")
    assert "testclient" not in repr(record) and record["failures"] == []


def test_per_process_counts_when_sharing_is_off(fresh: Store, tmp_path: Path) -> None:
    with (
        _worker(fresh, tmp_path, auth_lockout_shared=False) as one,
        _worker(fresh, tmp_path, auth_lockout_shared=False) as two,
    ):
        assert [_status(one, BAD), _status(one, BAD)] == [401, 401]
        assert [_status(two, BAD), _status(two, BAD)] == [401, 401]  # its own count
        assert _status(one, BAD) == 429
        assert _status(two, bearer("expert")) == 200
    assert fresh.read(RECORDS) == []


class _Clock:
    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now


def _workers(store: Store, clock: _Clock, n: int = 2, **kw: Any) -> list[SharedLockout]:
    runtime = Runtime(Settings(), ephemeral_sealer(), store=store)
    return [
        SharedLockout(Lockout(3, window=10, lockout=30, clock=clock), runtime, 2.0, **kw)
        for _ in range(n)
    ]


def test_the_window_and_the_expiry_hold_across_workers(fresh: Store) -> None:
    clock = _Clock()
    one, two = _workers(fresh, clock)
    run = asyncio.run
    assert run(one.failed("a")) is None
    clock.now += 11  # that failure has left the window
    assert run(two.failed("a")) is None
    assert run(one.failed("a")) is None
    assert run(two.failed("a")) == 30  # three within ten seconds, two on each side
    assert one.retry_after("a") is None  # its own view has not seen it yet ...
    assert run(one.admitted("a")) == 30  # ... the graph has, and it is adopted
    assert one.retry_after("a") == 30 and run(one.admitted("b")) is None
    clock.now += 20
    assert one.retry_after("a") == 10 and two.retry_after("a") == 10
    clock.now += 10  # the lockout is over, everywhere, and its count begins anew
    assert one.retry_after("a") is None and run(two.admitted("a")) is None
    assert run(one.failed("a")) is None and run(two.failed("a")) is None


def test_an_accepted_address_is_looked_up_once_per_interval(fresh: Store) -> None:
    clock = _Clock()
    one, two = _workers(fresh, clock)
    run = asyncio.run
    assert run(one.admitted("a")) is None  # looked up: not locked out
    for _ in range(3):
        run(two.failed("a"))
    assert run(one.admitted("a")) is None  # within the interval: its own view
    clock.now += 2
    assert run(one.admitted("a")) == 28


def test_records_are_bounded_pruned_and_capped(fresh: Store) -> None:
    clock = _Clock()
    failures = SharedFailures(max_failures=3, window=10, lockout=30, max_records=5,
                              prune_after=1_000)  # fmt: skip
    for _ in range(50):  # one address, many failures: one node, a short list
        failures.failed(fresh, "one", clock())
        clock.now += 0.5
    [record] = [row["n"] for row in fresh.read(RECORDS)]
    assert len(record["failures"]) < 3 and record["locked_until"] > clock.now
    clock.now += 31
    assert failures.prune(fresh, clock()) == 1 and fresh.read(RECORDS) == []
    for i in range(8):  # many addresses: beyond the cap, the soonest to expire go first
        failures.failed(fresh, f"addr-{i}", clock())
        clock.now += 1
    assert failures.prune(fresh, clock()) == 3
    assert [row["n"]["id"] for row in fresh.read(RECORDS)] == [f"addr-{i}" for i in range(3, 8)]
    # The prune also runs by itself, after prune_after new records.
    auto = SharedFailures(3, 10, 30, max_records=5, prune_after=4)
    for i in range(40):
        auto.failed(fresh, f"many-{i}", clock())
    assert len(fresh.read(RECORDS)) <= 5 + 4


def test_an_unreachable_graph_fails_closed(tmp_path: Path) -> None:
    store = FalkorStore(tmp_path / "graph", timeout=1.0, write_timeout=1.0)
    try:
        from migrations.runner import migrate

        migrate(store)
        clock = _Clock()
        [worker] = _workers(store, clock, n=1)
        run = asyncio.run
        assert store.server.pid is not None
        with stopped(store.server.pid):
            assert run(worker.admitted("a")) == UNAVAILABLE  # a valid token is not let in
            # Refused tokens still count in the process: locked out at the third.
            assert [run(worker.failed("a")) for _ in range(3)] == [None, None, 30]
            assert worker.retry_after("a") == 30
        assert run(worker.admitted("b")) is None  # the graph is back
    finally:
        store.close()


@pytest.mark.parametrize("value", [0, 101])
def test_the_failure_limit_is_bounded(value: int, tmp_path: Path) -> None:
    from api.settings import ConfigError, load_settings

    with pytest.raises(ConfigError, match="GRAPHDESK_AUTH_MAX_FAILURES"):
        load_settings(data_dir=tmp_path, auth_max_failures=value)
