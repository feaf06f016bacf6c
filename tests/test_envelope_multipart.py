"""A multipart sendMessage (files) sealed in a version 2 SM envelope, on both backends.

Production apps that require the envelope for mutations; the client is the
shipped helper (api/envelope_client.py) over Starlette's TestClient, the
answerer the real pipeline over the demo corpus. The opened body reaches
GraphQL as a plain multipart request would: the same limits and upload
checks hold, and refusals of the envelope are those of a JSON envelope.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from api.envelope import CONTENT_TYPE, b64decode, b64encode, seal_request
from api.envelope_client import EnvelopeClient, multipart
from api.envelope_key import generate
from api.settings import Settings
from extractors.ingest.pipeline import Ingestor
from graph.store import Store
from resolvers.pipeline.answerer import Answerer
from tests.auth import SECRET, bearer, token
from tests.demo import DEMO
from tests.fonts import screenshot_png

KEY = generate()
CODE = "NDB-1001"
SEND = """mutation($id: ID, $text: String!, $files: [Upload!]) {
  sendMessage(conversationId: $id, text: $text, attachments: $files) {
    conversationId attachments { name kind codes } entities { codes }
  }
}"""
CUSTOMER = "customer:0f1e2d3c4b5a6978"
LIMITS = {"max_body_bytes": 20_000, "max_upload_bytes": 200_000, "max_attachments": 2}
MULTIPART_LIMIT = 20_000 + 2 * 200_000


@pytest.fixture(scope="module")
def answerer(backend: Store) -> Answerer:
    report = Ingestor(backend, progress=False).run([DEMO / "docs", DEMO / "errors"])
    assert not report.failed, report.summary()
    return Answerer(backend, cache_size=0)


def _app(backend: Store, answerer: Answerer, tmp_path: Path, required: str) -> TestClient:
    settings = Settings(
        data_dir=tmp_path, env="production", secret_key=SECRET, envelope_key=KEY.text(),
        envelope_required=required, **LIMITS,
    )  # fmt: skip
    return TestClient(create_app(settings, store=backend, answerer=answerer, seed_demo=False))


@pytest.fixture
def app(backend: Store, answerer: Answerer, tmp_path: Path) -> Iterator[TestClient]:
    with _app(backend, answerer, tmp_path, "mutations,personal-data") as client:
        yield client


def _shot() -> tuple[str, bytes, str]:
    return ("screen.png", screenshot_png(["Connection refused", f"ERROR {CODE}"]), "image/png")


def _files(files: list[tuple[str, bytes, str]]) -> dict[str, tuple[str, bytes, str]]:
    return {f"variables.files.{i}": f for i, f in enumerate(files)}


def _request(text: str, n: int) -> dict[str, Any]:
    return {"query": SEND, "variables": {"id": None, "text": text, "files": [None] * n}}


def _sealed(files: list[tuple[str, bytes, str]], **kw: Any) -> bytes:
    body, body_type = multipart(_request("see the screenshot", len(files)), _files(files))
    return seal_request(KEY.public, KEY.kid, "POST", "/graphql", body, body_type=body_type,
                        **kw)[0]  # fmt: skip


def _post(app: TestClient, envelope: bytes) -> Any:
    headers = {"Content-Type": CONTENT_TYPE, **bearer("customer", CUSTOMER)}
    return app.post("/graphql", content=envelope, headers=headers)


def _code(response: Any) -> tuple[int, str]:
    assert "Traceback" not in response.text
    return response.status_code, response.json()["errors"][0]["extensions"]["code"]


def _plain(app: TestClient, files: list[tuple[str, bytes, str]]) -> Any:
    body, body_type = multipart(_request("see the screenshot", len(files)), _files(files))
    headers = {"Content-Type": body_type, **bearer("customer", CUSTOMER)}
    return app.post("/graphql", content=body, headers=headers)


def test_a_sealed_multipart_message_with_a_screenshot_is_answered_sealed(
    app: TestClient,
) -> None:
    client = EnvelopeClient("", token("customer", CUSTOMER), kid=KEY.kid, http=app)
    reply = client.execute(SEND, {"text": "Our job fails like this", "files": [None]},
                           files=_files([_shot()]))  # fmt: skip
    assert reply.sealed and reply.status == 200, reply.body
    sent = reply.body["data"]["sendMessage"]
    [shot] = sent["attachments"]
    assert shot["name"] == "screen.png" and shot["kind"] == "image" and CODE in shot["codes"]
    assert CODE in sent["entities"]["codes"]
    # The same request plain is refused: sendMessage is a mutation, and mutations need sealing.
    plain = _plain(app, [_shot()])
    assert _code(plain) == (403, "ENVELOPE_REQUIRED") and "for mutations" in plain.text


def test_upload_checks_hold_inside_the_envelope(app: TestClient) -> None:
    client = EnvelopeClient("", token("customer", CUSTOMER), kid=KEY.kid, http=app)
    pdf = ("doc.pdf", b"%PDF-1.7\n1 0 obj", "image/png")
    reply = client.execute(SEND, {"text": "see attached", "files": [None]}, files=_files([pdf]))
    [error] = reply.body["errors"]
    assert reply.sealed and error["extensions"]["argument"] == "attachments"
    assert "'doc.pdf': is a PDF document" in error["message"]


def test_an_altered_type_or_byte_a_replay_and_staleness_are_refused(app: TestClient) -> None:
    envelope = json.loads(_sealed([_shot()]))
    assert envelope["v"] == 2 and envelope["type"].startswith("multipart/form-data; boundary=")
    for change in ({"type": envelope["type"] + "x"}, {"type": "application/json"}):
        assert _code(_post(app, json.dumps({**envelope, **change}).encode())) == (
            400, "ENVELOPE_TAMPERED",
        )  # fmt: skip
    ct = bytearray(b64decode(envelope["ct"], "ct"))
    ct[len(ct) // 2] ^= 0x01
    altered = json.dumps({**envelope, "ct": b64encode(bytes(ct))}).encode()
    assert _code(_post(app, altered)) == (400, "ENVELOPE_TAMPERED")
    relabelled = json.dumps({k: v for k, v in envelope.items() if k != "type"} | {"v": 1})
    assert _code(_post(app, relabelled.encode())) == (400, "ENVELOPE_TAMPERED")  # as version 1
    body = json.dumps(envelope).encode()
    assert _post(app, body).status_code == 200
    assert _code(_post(app, body)) == (409, "ENVELOPE_REPLAYED")
    stale = _post(app, _sealed([_shot()], now=time.time() - 600))
    assert _code(stale) == (400, "ENVELOPE_STALE")
    other = json.loads(_sealed([_shot()]))
    other["type"] = "text/plain"
    assert _code(_post(app, json.dumps(other).encode())) == (400, "ENVELOPE_MALFORMED")


def test_a_sealed_body_over_the_limits_gets_413_as_a_plain_one(app: TestClient) -> None:
    # Opened, the body is over the multipart limit, though its envelope is within its own.
    big = [("big.log", b"E" * (MULTIPART_LIMIT - 200), "text/plain")]
    body, _ = multipart(_request("see the screenshot", 1), _files(big))
    assert len(body) > MULTIPART_LIMIT
    plain = _plain(app, big)
    sealed = _post(app, _sealed(big))
    assert plain.status_code == sealed.status_code == 413
    says = f"is over the limit of {MULTIPART_LIMIT} bytes"
    assert says in plain.json()["errors"][0]["message"]
    assert says in sealed.json()["errors"][0]["message"]
    # An envelope too large for any sealed body is refused before it is read whole.
    huge = _post(app, b"{" + b" " * (2 * MULTIPART_LIMIT) + b"}")
    assert huge.status_code == 413 and "sealed" in huge.json()["errors"][0]["message"]
    # A JSON body sealed in version 2 is held to the JSON limit.
    padded = json.dumps({"query": "{ viewer { role } }", "pad": "x" * 20_001}).encode()
    envelope = seal_request(KEY.public, KEY.kid, "POST", "/graphql", padded,
                            body_type="application/json")[0]  # fmt: skip
    refused = _post(app, envelope)
    assert refused.status_code == 413 and "limit of 20000 bytes" in refused.text
    # Each file's own limit is GraphQL's, inside the envelope as outside.
    client = EnvelopeClient("", token("customer", CUSTOMER), kid=KEY.kid, http=app)
    one = client.execute(SEND, {"text": "x", "files": [None]},
                         files=_files([("a.log", b"E" * 200_001, "text/plain")]))  # fmt: skip
    assert "over the limit of 200000 bytes" in one.body["errors"][0]["message"]


def test_a_plain_multipart_message_needs_sealing_only_when_its_operation_does(
    backend: Store, answerer: Answerer, tmp_path: Path
) -> None:
    with _app(backend, answerer, tmp_path, "sendMessage") as named:
        refused = _plain(named, [_shot()])
        assert _code(refused) == (403, "ENVELOPE_REQUIRED") and "for sendMessage" in refused.text
    with _app(backend, answerer, tmp_path, "tickets") as other:
        sent = _plain(other, [_shot()])
        assert sent.status_code == 200 and "errors" not in sent.json(), sent.text
        form = other.post(
            "/graphql",
            content=b"query=x",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                **bearer("customer", CUSTOMER),
            },
        )
        assert _code(form) == (403, "ENVELOPE_REQUIRED")


def test_the_key_document_names_both_versions(app: TestClient) -> None:
    served = app.get("/envelope/key").json()
    assert served["v"] == 1 and served["versions"] == [1, 2]
    assert served["body_types"] == ["application/json", "multipart/form-data"]
