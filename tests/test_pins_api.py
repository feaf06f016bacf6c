"""Pinned answers through GraphQL with real tokens (production mode), on both
backends: an editor pins, replaces and unpins; agents and customers may not;
every change and refusal is in the audit trail; ``ask`` (with its answer
cache on) and ``sendMessage`` answer with the pin at once and stop when it is
removed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from extractors.ingest.pipeline import Ingestor
from graph.store import Store
from resolvers.identity import Role
from resolvers.pipeline.answerer import Answerer
from tests.auth import SECRET, bearer
from tests.demo import DEMO

EDITOR = (Role.EDITOR, "editor:mei.chen")
PIN = """mutation($p: String!, $a: String!, $l: String!, $c: [ID!], $id: ID) {
  pinAnswer(pattern: $p, answer: $a, language: $l, citations: $c, id: $id) {
    id pattern canonical answer language curator createdAt updatedAt cited
    citations { kind code }
  }
}"""
UNPIN = "mutation($id: ID!) { unpinAnswer(id: $id) { id answer } }"
LIST = "{ pinnedAnswers { id pattern curator } }"
ASK = """query($q: String!) { ask(question: $q) {
  text mode confidence needsHuman citations { kind code curator pinnedAt }
} }"""
SEND = """mutation($text: String!) { sendMessage(text: $text) {
  reply replyMode confidence citations { kind curator }
} }"""
QUESTION = "How many connections can a NimbusDB node take before NDB-1001?"
PATTERN = "connections|连接 NDB-1001"
TEXT = "Each node takes max_connections minus five reserved slots; pool above that."


@pytest.fixture(scope="module")
def client(backend: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    report = Ingestor(backend, progress=False).run([DEMO / "docs", DEMO / "errors"])
    assert not report.failed, report.summary()
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("app"), env="production", secret_key=SECRET
    )
    answerer = Answerer(backend)  # the answer cache on, as in production
    with TestClient(create_app(settings, store=backend, answerer=answerer, seed_demo=False)) as c:
        yield c


def _gql(
    client: TestClient, who: tuple[Role, str], query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    resp = client.post("/graphql", json={"query": query, "variables": variables or {}},
                       headers=bearer(*who))  # fmt: skip
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    return body


def _data(body: dict[str, Any]) -> Any:
    assert "errors" not in body, body
    return body["data"]


def _audit(client: TestClient) -> list[dict[str, Any]]:
    query = "{ auditTrail(limit: 50) { operation subject role target result } }"
    records: list[dict[str, Any]] = _data(_gql(client, (Role.AUDITOR, "auditor:a"), query))[
        "auditTrail"
    ]
    return [r for r in records if r["operation"].startswith("pin.")]


def test_an_editor_pins_and_ask_answers_with_it_at_once(client: TestClient, backend: Store) -> None:
    asker = (Role.AGENT, "agent:ravi")
    before = _data(_gql(client, asker, ASK, {"q": QUESTION}))["ask"]
    assert before["mode"] == "extractive"  # and now in the answer cache
    code = backend.read("MATCH (e:ErrorCode {code: 'NDB-1001'}) RETURN e.id AS id")[0]["id"]
    made = _data(_gql(client, EDITOR, PIN, {"p": PATTERN, "a": TEXT, "l": "en", "c": [code]}))[
        "pinAnswer"
    ]
    assert made["curator"] == EDITOR[1] and made["cited"] == [code]
    assert made["citations"] == [{"kind": "error_code", "code": "NDB-1001"}]
    got = _data(_gql(client, asker, ASK, {"q": QUESTION}))["ask"]
    assert got["text"] == TEXT and got["mode"] == "pinned" and got["confidence"] == 1.0
    assert not got["needsHuman"]
    assert got["citations"][0]["kind"] == "pinned"
    assert got["citations"][0]["curator"] == EDITOR[1] and got["citations"][0]["pinnedAt"]
    assert got["citations"][1]["code"] == "NDB-1001"
    customer = (Role.CUSTOMER, "customer:c1")
    zh = _data(_gql(client, customer, ASK, {"q": "ndb-1001 连接数上限是多少"}))
    assert zh["ask"]["mode"] == "pinned"
    # A conversation's turn gets the pin too.
    turn = _data(_gql(client, (Role.CUSTOMER, "customer:c2"), SEND, {"text": QUESTION}))
    assert turn["sendMessage"]["reply"] == TEXT and turn["sendMessage"]["replyMode"] == "pinned"
    assert turn["sendMessage"]["citations"][0] == {"kind": "pinned", "curator": EDITOR[1]}
    # Staff list the pins.
    listed = _data(_gql(client, asker, LIST))["pinnedAnswers"]
    assert [p["id"] for p in listed] == [made["id"]]
    # The same pattern in other words replaces the pin; its id stays.
    again = _data(_gql(client, EDITOR, PIN, {"p": "NDB-1001, 连接|CONNECTIONS", "a": "Pool.",
                                             "l": "en"}))["pinAnswer"]  # fmt: skip
    assert again["id"] == made["id"] and again["createdAt"] == made["createdAt"]
    assert _data(_gql(client, asker, ASK, {"q": QUESTION}))["ask"]["text"] == "Pool."
    # Unpinned: the retrieved answer again, not a stale pinned one from the cache.
    gone = _data(_gql(client, EDITOR, UNPIN, {"id": made["id"]}))["unpinAnswer"]
    assert gone == {"id": made["id"], "answer": "Pool."}
    after = _data(_gql(client, asker, ASK, {"q": QUESTION}))["ask"]
    assert after["mode"] == "extractive" and after["text"] == before["text"]
    assert _data(_gql(client, asker, LIST))["pinnedAnswers"] == []
    trail = _audit(client)
    assert [(r["operation"], r["result"]) for r in trail[:3]] == [
        ("pin.remove", "removed"), ("pin.set", "replaced"), ("pin.set", "created"),
    ]  # fmt: skip
    assert all(r["subject"] == EDITOR[1] and r["role"] == "editor" for r in trail[:3])
    assert trail[0]["target"] == made["id"]


@pytest.mark.parametrize("role", [Role.AGENT, Role.CUSTOMER, Role.EXPERT, Role.ADMIN])
def test_only_editors_pin(client: TestClient, role: Role) -> None:
    body = _gql(client, (role, f"{role.value}:x"), PIN, {"p": PATTERN, "a": TEXT, "l": "en"})
    [error] = body["errors"]
    assert error["extensions"] == {"code": "FORBIDDEN"}
    body = _gql(client, (role, f"{role.value}:x"), UNPIN, {"id": "pin:any"})
    assert body["errors"][0]["extensions"] == {"code": "FORBIDDEN"}
    assert _data(_gql(client, EDITOR, LIST))["pinnedAnswers"] == []


@pytest.mark.parametrize(
    ("variables", "argument", "problem"),
    [
        ({"p": '"open', "a": TEXT, "l": "en"}, "pattern", "is not closed"),
        ({"p": PATTERN, "a": "", "l": "en"}, "answer", "is empty"),
        ({"p": PATTERN, "a": TEXT, "l": "klingon"}, "language", "is not one of en, zh"),
        ({"p": PATTERN, "a": TEXT, "l": "en", "c": ["errorcode:none"]}, "citations",
         "no live section or error code 'errorcode:none'"),
        ({"p": PATTERN, "a": TEXT, "l": "en", "id": "pin:none"}, "id", "no pinned answer"),
    ],
)  # fmt: skip
def test_bad_pins_are_named_refused_and_audited(
    client: TestClient, variables: dict[str, Any], argument: str, problem: str
) -> None:
    body = _gql(client, EDITOR, PIN, variables)
    [error] = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": argument}, error
    assert problem in error["message"]
    assert _audit(client)[0]["result"] == f"refused: {argument}"
    assert _data(_gql(client, EDITOR, LIST))["pinnedAnswers"] == []
