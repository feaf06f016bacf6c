"""Conversations through GraphQL with real tokens (production mode), on both backends:
sendMessage (JSON and multipart with files), conversation, closeConversation,
feedback, and who reads what."""

from __future__ import annotations

import json
import uuid
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
from tests.fonts import screenshot_png

CODE = "NDB-1001"
SEND = """mutation($id: ID, $text: String!, $files: [Upload!]) {
  sendMessage(conversationId: $id, text: $text, attachments: $files) {
    conversationId turnId replyTurnId reply replyMode state emotion complexity
    complexityReason confidence resolved citations { kind code title }
    escalation { rule evidence ticketId atTurn }
    entities { codes products versions traces inherited }
    attachments { name kind codes traces }
  }
}"""
HISTORY = """query($id: ID!) { conversation(id: $id) {
  id customer state complexity escalation { rule ticketId }
  turns { id role text mode emotion resolved citations { code } feedback { csat } }
  handoff { ticketId queue assignee summary summaryMode packet }
} }"""


@pytest.fixture(scope="module")
def client(backend: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    report = Ingestor(backend, progress=False).run([DEMO / "docs", DEMO / "errors"])
    assert not report.failed, report.summary()
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("app"), env="production", secret_key=SECRET,
        max_body_bytes=20_000, max_upload_bytes=200_000, max_attachments=2,
    )  # fmt: skip
    answerer = Answerer(backend, cache_size=0)
    with TestClient(create_app(settings, store=backend, answerer=answerer, seed_demo=False)) as c:
        yield c


def _who(role: Role) -> tuple[Role, str]:
    return role, f"{role.value}:{uuid.uuid4().hex[:10]}"


def _gql(
    client: TestClient, who: tuple[Role, str], query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    resp = client.post("/graphql", json={"query": query, "variables": variables},
                       headers=bearer(*who))  # fmt: skip
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    return body


def _send(client: TestClient, who: tuple[Role, str], text: str, cid: str | None = None) -> Any:
    body = _gql(client, who, SEND, {"id": cid, "text": text})
    assert "errors" not in body, body
    return body["data"]["sendMessage"]


def _history(client: TestClient, who: tuple[Role, str], cid: str) -> Any:
    body = _gql(client, who, HISTORY, {"id": cid})
    assert "errors" not in body, body
    return body["data"]["conversation"]


def test_a_conversation_and_who_reads_it(client: TestClient) -> None:
    lena = _who(Role.CUSTOMER)
    first = _send(client, lena, f"My app gets {CODE} from NimbusDB")
    cid = first["conversationId"]
    assert first["state"] == "bot" and first["complexity"] == "L2"
    assert any(c["code"] == CODE for c in first["citations"])
    later = _send(client, lena, "it still fails on v3", cid)
    assert later["entities"]["codes"] == [CODE] and later["entities"]["versions"] == ["3"]
    mine = _history(client, lena, cid)
    assert mine["customer"] == lena[1] and [t["role"] for t in mine["turns"]] == [
        "customer", "bot", "customer", "bot",
    ]  # fmt: skip
    assert mine["handoff"] is None and mine["turns"][1]["citations"]
    # Another customer, and an agent while the bot holds it, read nothing (not "forbidden").
    assert _history(client, _who(Role.CUSTOMER), cid) is None
    assert _history(client, _who(Role.AGENT), cid) is None
    assert _history(client, _who(Role.EXPERT), cid)["id"] == cid
    # Nor may another customer write to it.
    body = _gql(client, _who(Role.CUSTOMER), SEND, {"id": cid, "text": "hello"})
    [error] = body["errors"]
    assert error["extensions"]["argument"] == "conversationId"
    assert "no conversation" in error["message"]


def test_handoff_agent_reply_close(client: TestClient) -> None:
    lena, mei = _who(Role.CUSTOMER), _who(Role.AGENT)
    asked = _send(client, lena, f"I get {CODE} on NimbusDB, I want to talk to a human")
    cid = asked["conversationId"]
    assert asked["escalation"]["rule"] == "request" and asked["replyMode"] == "handoff"
    seen = _history(client, mei, cid)  # escalated, waiting in the queue: every agent sees it
    assert seen["handoff"]["queue"] == "queue:support" and seen["handoff"]["assignee"] is None
    assert seen["handoff"]["packet"]["codes"] == [CODE]
    assert "request" in seen["handoff"]["summary"]
    reply = _send(client, mei, "Hello, an engineer here. Which app server is it?", cid)
    assert reply["state"] == "agent" and reply["replyMode"] == "none"
    taken = _history(client, mei, cid)
    assert taken["handoff"]["assignee"] == mei[1] and taken["handoff"]["queue"] is None
    assert _history(client, _who(Role.AGENT), cid) is None  # taken: out of other agents' queue
    ack = _send(client, lena, "The app server is app-3", cid)
    assert ack["replyMode"] == "acknowledgement" and ack["citations"] == []
    closing = """mutation($id: ID!) { closeConversation(id: $id, resolution: "Pool enabled") {
      state handoff { status } } }"""
    done = _gql(client, mei, closing, {"id": cid})
    assert "errors" not in done, done
    assert done["data"]["closeConversation"]["state"] == "closed"
    assert done["data"]["closeConversation"]["handoff"]["status"] == "closed"
    late = _gql(client, lena, SEND, {"id": cid, "text": "one more thing"})
    assert "is closed" in late["errors"][0]["message"]


def test_feedback_through_graphql(client: TestClient) -> None:
    lena = _who(Role.CUSTOMER)
    turn = _send(client, lena, "How do I restore a NimbusDB cluster to a point in time?")
    query = """mutation($t: ID!, $c: Int) { feedback(turnId: $t, helpful: true, csat: $c,
      comment: "clear") { id feedback { helpful csat comment } } }"""
    body = _gql(client, lena, query, {"t": turn["replyTurnId"], "c": 4})
    assert "errors" not in body, body
    assert body["data"]["feedback"]["feedback"] == {"helpful": True, "csat": 4, "comment": "clear"}
    stored = _history(client, lena, turn["conversationId"])["turns"][1]["feedback"]
    assert stored == {"csat": 4}
    bad = _gql(client, lena, query, {"t": turn["replyTurnId"], "c": 0})
    assert bad["errors"][0]["extensions"]["argument"] == "csat"
    other = _gql(client, _who(Role.CUSTOMER), query, {"t": turn["replyTurnId"], "c": 3})
    assert other["errors"][0]["extensions"]["argument"] == "turnId"


def _multipart(
    client: TestClient, who: tuple[Role, str], text: str, files: list[tuple[str, bytes, str]]
) -> dict[str, Any]:
    operations = {"query": SEND, "variables": {"id": None, "text": text,
                                               "files": [None] * len(files)}}  # fmt: skip
    mapping = {str(i): [f"variables.files.{i}"] for i in range(len(files))}
    resp = client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps(mapping)},
        files={str(i): f for i, f in enumerate(files)},
        headers=bearer(*who),
    )
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    return body


def test_uploads_a_screenshot_and_a_java_trace(client: TestClient) -> None:
    trace = (
        'Exception in thread "main" java.sql.SQLException: sorry, too many clients already\n'
        "\tat com.example.billing.Db.open(Db.java:41)\n"
        "\tat com.example.billing.Main.main(Main.java:12)\n"
    )
    body = _multipart(client, _who(Role.CUSTOMER), "Our billing job fails like this", [
        ("screen.png", screenshot_png(["Connection refused", f"ERROR {CODE}"]), "image/png"),
        ("trace.txt", trace.encode("utf-8"), "text/plain"),
    ])  # fmt: skip
    assert "errors" not in body, body
    sent = body["data"]["sendMessage"]
    kinds = {a["name"]: a for a in sent["attachments"]}
    assert kinds["screen.png"]["kind"] == "image" and CODE in kinds["screen.png"]["codes"]
    assert kinds["trace.txt"]["traces"] == ["java java.sql.SQLException"]
    assert CODE in sent["entities"]["codes"] and sent["entities"]["traces"]
    assert any(c["code"] == CODE for c in sent["citations"])


@pytest.mark.parametrize(
    ("files", "problem"),
    [
        ([("doc.pdf", b"%PDF-1.7\n1 0 obj", "image/png")], "'doc.pdf': is a PDF document"),
        ([("big.log", b"E" * 200_001, "text/plain")], "over the limit of 200000 bytes"),
        ([(f"{i}.log", b"ERROR x", "text/plain") for i in range(3)], "more than the limit of 2"),
    ],
)
def test_bad_uploads_are_refused_by_name(
    client: TestClient, files: list[tuple[str, bytes, str]], problem: str
) -> None:
    body = _multipart(client, _who(Role.CUSTOMER), "see attached", files)
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert error["extensions"]["argument"] == "attachments" and problem in error["message"]


def test_an_oversized_message_is_refused(client: TestClient) -> None:
    body = _gql(client, _who(Role.CUSTOMER), SEND, {"id": None, "text": "x" * 4001})
    [error] = body["errors"]
    assert error["extensions"]["argument"] == "text" and "limit is 4000" in error["message"]
