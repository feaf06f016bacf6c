"""``POST /conversations/stream``: the reply token by token with an LLM (a fake
chat model), in one piece without, and refusals, on both backends."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from starlette.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from extractors.ingest.pipeline import Ingestor
from graph.store import Store
from resolvers.identity import Role
from resolvers.pipeline.answerer import Answerer
from tests.auth import SECRET, bearer
from tests.demo import DEMO

WRITTEN = "Restore the cluster from its nightly snapshot to the chosen time [1]."
QUESTION = "How do I restore a NimbusDB cluster to a point in time?"


@pytest.fixture(scope="module")
def graph(backend: Store) -> Store:
    report = Ingestor(backend, progress=False).run([DEMO / "docs", DEMO / "errors"])
    assert not report.failed, report.summary()
    return backend


def _client(graph: Store, tmp: Path, answerer: Answerer) -> TestClient:
    settings = Settings(data_dir=tmp, env="production", secret_key=SECRET)
    return TestClient(create_app(settings, store=graph, answerer=answerer, seed_demo=False))


@pytest.fixture(scope="module")
def with_llm(graph: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    llm = FakeListChatModel(responses=[WRITTEN])
    answerer = Answerer(graph, llm=llm, cache_size=0)
    with _client(graph, tmp_path_factory.mktemp("llm"), answerer) as client:
        yield client


@pytest.fixture(scope="module")
def without_llm(graph: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with _client(graph, tmp_path_factory.mktemp("plain"), Answerer(graph, cache_size=0)) as c:
        yield c


def _events(client: TestClient, body: dict[str, Any], role: Role = Role.CUSTOMER) -> list[Any]:
    who = f"{role.value}:{uuid.uuid4().hex[:8]}"
    resp = client.post("/conversations/stream", json=body, headers=bearer(role, who))
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith("text/event-stream")
    out = []
    for block in resp.text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        out.append((lines["event"], json.loads(lines["data"])))
    return out


def test_the_reply_streams_token_by_token_with_an_llm(with_llm: TestClient) -> None:
    events = _events(with_llm, {"text": QUESTION})
    kinds = [k for k, _ in events]
    assert kinds[-1] == "state" and kinds.count("state") == 1
    tokens = [data for kind, data in events if kind == "token"]
    assert len(tokens) > 5  # in pieces, as written
    state = events[-1][1]
    assert state["reply_mode"] == "llm" and "".join(tokens) == state["reply"] == WRITTEN
    assert state["state"] == "bot" and state["citations"] and state["turn_id"]


def test_without_an_llm_the_reply_comes_in_one_piece(without_llm: TestClient) -> None:
    events = _events(without_llm, {"text": QUESTION, "conversationId": None})
    assert [k for k, _ in events] == ["state"]
    assert events[0][1]["reply_mode"] == "extractive" and events[0][1]["reply"]


def test_refusals(without_llm: TestClient) -> None:
    admin = bearer(Role.ADMIN, "admin:ops")
    resp = without_llm.post("/conversations/stream", json={"text": "hi"}, headers=admin)
    assert resp.status_code == 403
    assert resp.json()["errors"][0]["extensions"] == {"code": "FORBIDDEN"}
    customer = bearer(Role.CUSTOMER, "customer:someone")
    resp = without_llm.post("/conversations/stream", json={"txt": "hi"}, headers=customer)
    assert resp.status_code == 400
    assert resp.json()["errors"][0]["extensions"]["argument"] == "text"
    assert without_llm.post("/conversations/stream", json={"text": "hi"}).status_code == 401
    [(kind, data)] = _events(without_llm, {"text": "hi", "conversationId": "conversation:none"})
    assert kind == "error" and data["extensions"]["argument"] == "conversationId"
    assert "no conversation" in data["message"]
