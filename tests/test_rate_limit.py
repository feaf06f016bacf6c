"""Rate limits per token and per client address (api/rate_limit.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from api.settings import ConfigError, Settings, load_settings
from graph.falkor import FalkorStore
from migrations.runner import migrate
from tests.auth import SECRET, bearer

VIEWER = {"query": "{ viewer { role subject } }"}


class _NoAnswers:
    def answer(self, question: str, limit: int = 5) -> object:
        raise AssertionError("not asked")

    def refresh(self) -> None:
        pass


def _client(store: FalkorStore, tmp_path: Path, **values: Any) -> TestClient:
    store.drop_all()
    migrate(store)
    settings = Settings(data_dir=tmp_path, **{"env": "production", "secret_key": SECRET, **values})
    return TestClient(create_app(settings, store=store, answerer=_NoAnswers(), seed_demo=False))


def test_a_token_over_its_rate_gets_429_with_retry_after_and_others_pass(
    store: FalkorStore, tmp_path: Path
) -> None:
    with _client(store, tmp_path, rate_limit_per_token="3/minute",
                 rate_limit_per_address="") as c:  # fmt: skip
        busy = bearer("agent", "ag-1")
        codes = [c.post("/graphql", json=VIEWER, headers=busy).status_code for _ in range(4)]
        refused = c.post("/graphql", json=VIEWER, headers=busy)
        other = c.post("/graphql", json=VIEWER, headers=bearer("agent", "ag-2"))
        health = [c.get("/healthz").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429]
    assert refused.status_code == 429 and 1 <= int(refused.headers["retry-after"]) <= 60
    assert "too many requests" in refused.json()["errors"][0]["message"]
    assert other.status_code == 200  # counted by token, not together
    assert health == [200] * 5  # health is not counted


def test_an_address_over_its_rate_is_refused_whatever_tokens_it_uses(
    store: FalkorStore, tmp_path: Path
) -> None:
    with _client(store, tmp_path, rate_limit_per_token="",
                 rate_limit_per_address="2/minute") as c:  # fmt: skip
        codes = [
            c.post("/graphql", json=VIEWER, headers=bearer("agent", f"ag-{i}")).status_code
            for i in range(3)
        ]
        bare = c.post("/graphql", json=VIEWER)  # no token: 401 comes first, not counted
    assert codes == [200, 200, 429]
    assert bare.status_code == 401


@pytest.mark.parametrize("value", ["lots", "5 per fortnight", "/second"])
def test_a_rate_limit_that_does_not_parse_is_a_clear_configuration_error(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRAPHDESK_RATE_LIMIT_PER_TOKEN", value)
    with pytest.raises(ConfigError, match="GRAPHDESK_RATE_LIMIT_PER_TOKEN"):
        load_settings()
