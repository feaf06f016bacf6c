"""The HTTP API against the real embedded graph: /graphql (ask, stats, errors) and /healthz.

Tests that only exercise the API layer (health, GraphiQL, input checks, error
masking) hand ``create_app`` a small answerer of their own; the tests of
``ask``'s answers use the real answer pipeline.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from extractors.ingest.pipeline import Ingestor
from graph.falkor import FalkorStore
from graph.store import Store
from resolvers.pipeline.errors import BadQuestion
from resolvers.pipeline.records import Answer, Citation
from tests.answer_doubles import OneAtATime
from tests.auth import SECRET, bearer

ASK = (
    "query($q:String!){ ask(question:$q){ text mode confidence "
    "citations{ kind uri title code snippet } } }"
)

GUIDE_MD = textwrap.dedent(
    """\
    ---
    product: Quokka Cloud
    version: "2.4"
    ---
    # Quokka Cloud connection limits

    Every Quokka Cloud cluster accepts at most 400 client connections per node.
    Connections above the limit are refused with error QKA-4242.

    ## Error codes

    | Code | Name | Message | Solution |
    |------|------|---------|----------|
    | QKA-4242 | too_many_connections | too many connections | 1. Close idle sessions. 2. Pool. |
    | QKA-1001 | auth_failed | password authentication failed | 1. Reset the password. |
    """
)

BACKUP_HTML = textwrap.dedent(
    """\
    <!DOCTYPE html>
    <html><head><title>Backups</title></head><body>
    <h1 id="backups">Quokka Cloud backups</h1>
    <p>Quokka Cloud takes a snapshot of every cluster each night and keeps it for 14 days.</p>
    <h2 id="restore">Restoring a snapshot</h2>
    <p>Open the console, choose the cluster, then Restore. A restore creates a new cluster.</p>
    </body></html>
    """
)


class StubAnswerer(OneAtATime):
    """Stands in for the answer pipeline where only the API layer is under test."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.questions: list[tuple[str, int]] = []

    def answer(self, question: str, limit: int = 5) -> Answer:
        self.questions.append((question, limit))
        if self.error is not None:
            raise self.error
        cite = Citation("error_code", "file:///x.md#codes", "too_many_connections", "s", 1.0, "X-1")
        return Answer(question, "stub answer", "extractive", 0.5, [cite])

    def refresh(self) -> None:
        pass


@pytest.fixture(scope="module")
def corpus(backend: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh graph holding two small documents, one with an error-code table."""
    root = tmp_path_factory.mktemp("corpus")
    (root / "limits.md").write_text(GUIDE_MD, encoding="utf-8")
    (root / "backups.html").write_text(BACKUP_HTML, encoding="utf-8")
    report = Ingestor(backend, progress=False).run([root])
    assert not report.failed, report.failed
    assert report.error_codes == 2
    yield root


def _settings(tmp_path: Path, **values: Any) -> Settings:
    return Settings(data_dir=tmp_path, **{"secret_key": SECRET, **values})


@pytest.fixture
def client(backend: Store, corpus: Path, tmp_path: Path) -> Iterator[TestClient]:
    """The app with the real answer pipeline (development: errors unmasked, GraphiQL on)."""
    app = create_app(_settings(tmp_path), store=backend, seed_demo=False)
    with TestClient(app) as c:
        yield c


def _stub_client(
    store: Store, tmp_path: Path, answerer: StubAnswerer, **settings: Any
) -> TestClient:
    app = create_app(
        _settings(tmp_path, **settings), store=store, answerer=answerer, seed_demo=False
    )
    # Production needs a token: an expert's may ask and count.
    return TestClient(
        app, headers=bearer("expert") if settings.get("env") == "production" else None
    )


def test_ask_returns_the_answer_shape(client: TestClient) -> None:
    resp = client.post(
        "/graphql", json={"query": ASK, "variables": {"q": "What does error QKA-4242 mean?"}}
    )
    assert resp.status_code == 200
    body = resp.json()
    assert "errors" not in body, body
    answer = body["data"]["ask"]
    assert set(answer) == {"text", "mode", "confidence", "citations"}
    assert answer["text"].strip()
    assert answer["mode"] in ("extractive", "llm")
    assert 0.0 <= answer["confidence"] <= 1.0
    assert answer["citations"], "an answer from the graph cites its facts"
    for c in answer["citations"]:
        assert set(c) == {"kind", "uri", "title", "code", "snippet"}
        assert isinstance(c["kind"], str) and c["kind"]
        assert isinstance(c["uri"], str) and c["uri"]
    codes = [c["code"] for c in answer["citations"] if c["kind"] == "error_code"]
    assert "QKA-4242" in codes


def test_ask_cites_a_document(client: TestClient) -> None:
    resp = client.post(
        "/graphql",
        json={"query": ASK, "variables": {"q": "How do I restore a Quokka Cloud backup snapshot?"}},
    )
    answer = resp.json()["data"]["ask"]
    uris = [c["uri"] for c in answer["citations"]]
    assert any("backups.html" in u for u in uris), uris


def test_stats_counts_nodes_per_label(client: TestClient, backend: Store) -> None:
    resp = client.post(
        "/graphql", json={"query": "{ stats { backend nodes edges labels { label count } } }"}
    )
    stats = resp.json()["data"]["stats"]
    assert stats["backend"] == backend.dialect.backend.value
    per_label = {lc["label"]: lc["count"] for lc in stats["labels"]}
    assert per_label["Document"] == 2
    assert per_label["ErrorCode"] == 2
    assert stats["nodes"] == sum(per_label.values())
    assert stats["edges"] > 0


def test_healthz_reports_backend_and_nodes(backend: Store, corpus: Path, tmp_path: Path) -> None:
    with _stub_client(backend, tmp_path, StubAnswerer()) as c:
        resp = c.get("/healthz")
    assert resp.status_code == 200
    body = resp.json()
    assert body["status"] == "ok"
    assert body["backend"] == backend.dialect.backend.value
    assert body["nodes"] > 0


class _DeadStore:
    """A store whose database is gone: every call fails the way an adapter reports it."""

    def __init__(self, real: FalkorStore) -> None:
        self.dialect = real.dialect

    def read(self, cypher: str, params: Any = None) -> Any:
        from graph.errors import BackendUnavailable

        raise BackendUnavailable("FalkorDB at /nowhere: connection refused")


def test_healthz_is_503_when_the_store_does_not_answer(
    backend: Store, corpus: Path, tmp_path: Path
) -> None:
    app = create_app(_settings(tmp_path), store=backend, answerer=StubAnswerer(), seed_demo=False)
    with TestClient(app) as c:
        app.state.runtime.store = _DeadStore(backend)  # the database dies after start-up
        resp = c.get("/healthz")
        app.state.runtime.store = backend
    assert resp.status_code == 503
    body = resp.json()
    assert body["status"] == "unavailable"
    assert body["backend"] == backend.dialect.backend.value
    assert "connection refused" in body["error"]


@pytest.mark.parametrize(
    ("question", "problem"),
    [("", "is empty"), ("   \n\t ", "is empty"), ("x" * 61, "is too long: 61 characters")],
)
def test_bad_question_is_a_graphql_error_naming_the_argument(
    backend: Store, corpus: Path, tmp_path: Path, question: str, problem: str
) -> None:
    stub = StubAnswerer()
    with _stub_client(backend, tmp_path, stub, max_question_chars=60, env="production") as c:
        resp = c.post("/graphql", json={"query": ASK, "variables": {"q": question}})
    assert resp.status_code == 200
    body = resp.json()
    assert body["data"] is None
    [error] = body["errors"]
    assert "'question'" in error["message"]
    assert problem in error["message"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "question"}
    assert error["path"] == ["ask"]
    assert "Traceback" not in resp.text
    assert stub.questions == []  # refused before any work


def test_bad_limit_names_the_argument(backend: Store, corpus: Path, tmp_path: Path) -> None:
    query = '{ ask(question: "backups", limit: 0) { text } }'
    with _stub_client(backend, tmp_path, StubAnswerer()) as c:
        body = c.post("/graphql", json={"query": query}).json()
    assert "argument 'limit': must be between 1 and 20, not 0" in body["errors"][0]["message"]


def test_pipeline_bad_question_is_bad_input(backend: Store, corpus: Path, tmp_path: Path) -> None:
    stub = StubAnswerer(BadQuestion("question", "30 characters is over the limit of 20"))
    with _stub_client(backend, tmp_path, stub, env="production") as c:
        body = c.post("/graphql", json={"query": ASK, "variables": {"q": "why?"}}).json()
    [error] = body["errors"]
    assert error["message"] == "argument 'question': 30 characters is over the limit of 20"
    assert error["extensions"]["argument"] == "question"


def test_ask_result_returns_invalid_question_as_data(
    backend: Store, corpus: Path, tmp_path: Path
) -> None:
    query = (
        "query($q:String!){ askResult(question:$q){ __typename "
        "... on InvalidQuestion { message argument } ... on Answer { text } } }"
    )
    with _stub_client(backend, tmp_path, StubAnswerer()) as c:
        bad = c.post("/graphql", json={"query": query, "variables": {"q": " "}}).json()
        good = c.post("/graphql", json={"query": query, "variables": {"q": "hi"}}).json()
    assert bad["data"]["askResult"]["__typename"] == "InvalidQuestion"
    assert bad["data"]["askResult"]["argument"] == "question"
    assert "is empty" in bad["data"]["askResult"]["message"]
    assert good["data"]["askResult"] == {"__typename": "Answer", "text": "stub answer"}


def test_unexpected_errors_are_masked_in_production(
    backend: Store, corpus: Path, tmp_path: Path
) -> None:
    stub = StubAnswerer(RuntimeError("secret internals at /srv/db"))
    with _stub_client(backend, tmp_path, stub, env="production") as c:
        body = c.post("/graphql", json={"query": ASK, "variables": {"q": "why?"}}).json()
    assert body["errors"][0]["message"] == "Unexpected error."
    assert "secret internals" not in str(body)


def test_logged_errors_name_the_field_and_hide_personal_data(
    backend: Store, corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    stub = StubAnswerer(RuntimeError("lookup failed for 15822334455 / ops@example.org"))
    inline = '{ ask(question: "call me on 15822334455") { text } }'  # the query's own source
    with (
        caplog.at_level(logging.DEBUG),
        _stub_client(backend, tmp_path, stub, env="production") as c,
    ):
        c.post("/graphql", json={"query": ASK, "variables": {"q": "why?"}})
        c.post("/graphql", json={"query": inline})
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "GraphQL error at ask" in logged
    assert "RuntimeError" in logged and "[PHONE]" in logged and "[EMAIL]" in logged
    assert "15822334455" not in logged and "ops@example.org" not in logged
    assert all(r.exc_info is None for r in caplog.records if "GraphQL error" in r.getMessage())


def test_unexpected_errors_are_shown_in_development(
    backend: Store, corpus: Path, tmp_path: Path
) -> None:
    stub = StubAnswerer(RuntimeError("boom in the pipeline"))
    with _stub_client(backend, tmp_path, stub, env="development") as c:
        body = c.post("/graphql", json={"query": ASK, "variables": {"q": "why?"}}).json()
    assert body["errors"][0]["message"] == "boom in the pipeline"


def test_query_mistakes_are_not_masked_in_production(
    backend: Store, corpus: Path, tmp_path: Path
) -> None:
    with _stub_client(backend, tmp_path, StubAnswerer(), env="production") as c:
        body = c.post("/graphql", json={"query": "{ ask { nosuchfield } }"}).json()
    messages = " ".join(e["message"] for e in body["errors"])
    assert "nosuchfield" in messages


def test_graphiql_only_in_development(backend: Store, corpus: Path, tmp_path: Path) -> None:
    html = {"Accept": "text/html"}
    with _stub_client(backend, tmp_path, StubAnswerer(), env="development") as c:
        dev = c.get("/graphql", headers=html)
    with _stub_client(backend, tmp_path, StubAnswerer(), env="production") as c:
        prod = c.get("/graphql", headers=html)
        api = c.post("/graphql", json={"query": "{ stats { nodes } }"})
    assert dev.status_code == 200
    assert "graphiql" in dev.text.lower()
    assert prod.status_code == 404
    assert "graphiql" not in prod.text.lower()
    assert api.status_code == 200 and api.json()["data"]["stats"]["nodes"] > 0


def test_lifespan_seeds_demo_into_an_empty_graph() -> None:
    """An app that opens its own store migrates, seeds and closes it at shutdown."""
    data_dir = Path(tempfile.mkdtemp(prefix="gdapp", dir="/tmp"))  # short unix socket path
    try:
        app = create_app(Settings(data_dir=data_dir), answerer=StubAnswerer())
        with TestClient(app) as c:
            assert app.state.runtime.store is not None
            query = "{ stats { labels { label count } } }"
            body = c.post("/graphql", json={"query": query}).json()
            labels = {lc["label"]: lc["count"] for lc in body["data"]["stats"]["labels"]}
            assert labels.get("Migration", 0) >= 1
            assert labels.get("ErrorCode", 0) > 0  # data/demo/errors/error_codes.csv
        assert app.state.runtime.store is None
        assert not (data_dir / "falkordb" / "falkordb.sock").exists()  # server shut down
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def test_bad_bodies_get_400_and_oversized_ones_413(
    backend: Store, corpus: Path, tmp_path: Path
) -> None:
    with _stub_client(
        backend, tmp_path, StubAnswerer(), env="production", max_body_bytes=2000
    ) as c:
        json_type = {"content-type": "application/json"}
        for body, says in (
            (b"42", "must be a JSON object, not a JSON number"),
            (b'"ask"', "not a JSON string"),
            (b'\xff{"query": "{ stats { nodes } }"}', "not UTF-8 (byte 0"),
        ):
            resp = c.post("/graphql", content=body, headers=json_type)
            assert resp.status_code == 400, (body, resp.text)
            assert says in resp.json()["errors"][0]["message"]
        big = json.dumps({"query": ASK, "variables": {"q": "x" * 5000}})
        resp = c.post("/graphql", content=big, headers=json_type)
        assert resp.status_code == 413
        assert "over the limit of 2000 bytes (GRAPHDESK_MAX_BODY_BYTES)" in resp.text

        def chunks() -> Iterator[bytes]:  # no Content-Length: refused while it streams
            yield b'{"query": "{ stats { nodes } }", "pad": "'
            for _ in range(10):
                yield b"y" * 500
            yield b'"}'

        resp = c.post("/graphql", content=chunks(), headers=json_type)
        assert resp.status_code == 413 and "more than" in resp.text
        ok = c.post("/graphql", json={"query": "{ stats { nodes } }"})
        assert ok.status_code == 200 and ok.json()["data"]["stats"]["nodes"] > 0


def test_production_keeps_the_schema_and_get_queries_to_itself(
    backend: Store, corpus: Path, tmp_path: Path
) -> None:
    intro = {"query": "{ __schema { queryType { name } } }"}
    typo = {"query": "{ stats { nodez } }"}
    with _stub_client(backend, tmp_path, StubAnswerer(), env="production") as c:
        refused = c.post("/graphql", json=intro).json()
        guessed = c.post("/graphql", json=typo).json()
        by_get = c.get("/graphql", params={"query": "{ stats { nodes } }"})
    assert "introspection" in refused["errors"][0]["message"].lower()
    assert "nodez" in guessed["errors"][0]["message"]
    assert "Did you mean" not in guessed["errors"][0]["message"]
    assert by_get.status_code in (400, 405) and "data" not in by_get.text
    with _stub_client(backend, tmp_path, StubAnswerer(), env="development") as c:
        assert c.post("/graphql", json=intro).json()["data"]["__schema"]["queryType"]["name"]
        assert "Did you mean" in c.post("/graphql", json=typo).json()["errors"][0]["message"]
        assert c.get("/graphql", params={"query": "{ stats { nodes } }"}).json()["data"]


def test_one_request_cannot_ask_without_bounds(
    backend: Store, corpus: Path, tmp_path: Path
) -> None:
    from schema import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS

    stub = StubAnswerer()
    many = " ".join(f'a{i}: ask(question: "q{i}") {{ text }}' for i in range(MAX_ALIASES + 1))
    deep = "{ stats " + "{ x " * (MAX_DEPTH + 1) + "}" * (MAX_DEPTH + 2)
    long = "{ " + " ".join("__typename" for _ in range(MAX_TOKENS)) + " }"
    with _stub_client(backend, tmp_path, stub, env="production") as c:
        for query, says in ((many, "aliases"), (deep, "depth"), (long, "token")):
            body = c.post(
                "/graphql", json={"query": "{ " + query + " }" if query is many else query}
            )
            messages = " ".join(e["message"] for e in body.json()["errors"])
            assert says in messages.lower(), (says, messages)
        assert stub.questions == []  # refused before any answer was computed
        few = " ".join(f'a{i}: ask(question: "q{i}") {{ text }}' for i in range(3))
        assert "errors" not in c.post("/graphql", json={"query": "{ " + few + " }"}).json()


def test_an_operation_over_its_cost_is_refused_before_anything_runs(
    backend: Store, corpus: Path, tmp_path: Path
) -> None:
    from schema.cost import ANSWER_COST, MAX_COST

    stub = StubAnswerer()
    n = MAX_COST // ANSWER_COST  # this many answers and their text fields go over
    asks = " ".join(f'a{i}: ask(question: "q{i}") {{ text }}' for i in range(n))
    half = " ".join(f'b{i}: ask(question: "q") {{ text }}' for i in range(n // 2 + 1))
    spread = "query Spread { ...A ...A } fragment A on Query { " + half + " }"
    with _stub_client(backend, tmp_path, stub, env="production") as c:
        for query in ("{ " + asks + " }", spread):
            body = c.post("/graphql", json={"query": query}).json()
            assert "data" not in body or body["data"] is None
            assert "costs" in body["errors"][0]["message"], body
        assert stub.questions == []  # refused before any answer was computed
        few = " ".join(f'a{i}: ask(question: "q{i}") {{ text }}' for i in range(n - 2))
        assert "errors" not in c.post("/graphql", json={"query": "{ " + few + " }"}).json()


def test_a_repeated_query_is_parsed_and_validated_once(
    backend: Store, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The limits are validation rules; built per request they made every
    # request validate afresh (the validation cache is keyed by the rules).
    import strawberry.schema.schema as strawberry_schema
    from strawberry.extensions import validation_cache

    calls: list[int] = []
    real = strawberry_schema.validate_document

    def counting(*args: Any) -> Any:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(strawberry_schema, "validate_document", counting)
    validation_cache._get_validate_cache.cache_clear()  # wraps the counting one now
    query = {"query": '{ stats { nodes } a: ask(question: "how do I rotate logs?") { text } }'}
    with _stub_client(backend, tmp_path, StubAnswerer(), env="production") as c:
        for _ in range(5):
            assert "errors" not in c.post("/graphql", json=query).json()
    validation_cache._get_validate_cache.cache_clear()
    assert len(calls) == 1


def test_cors_answers_allowed_origins_only(backend: Store, corpus: Path, tmp_path: Path) -> None:
    allowed, other = "https://desk.example.com", "https://evil.example.net"
    preflight = {"Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"}  # fmt: skip
    stub = StubAnswerer()
    with _stub_client(backend, tmp_path, stub, cors_origins=f"{allowed}, https://b.example") as c:
        ok = c.options("/graphql", headers={"Origin": allowed, **preflight})
        assert ok.status_code == 200
        assert ok.headers["access-control-allow-origin"] == allowed
        assert "POST" in ok.headers["access-control-allow-methods"]
        refused = c.options("/graphql", headers={"Origin": other, **preflight})
        assert refused.status_code == 400
        assert "access-control-allow-origin" not in refused.headers
        sent = c.post(
            "/graphql", json={"query": "{ stats { nodes } }"}, headers={"Origin": allowed}
        )
        assert sent.headers["access-control-allow-origin"] == allowed
    with _stub_client(backend, tmp_path, stub) as c:  # none configured: no CORS headers
        plain = c.post(
            "/graphql", json={"query": "{ stats { nodes } }"}, headers={"Origin": allowed}
        )
        assert plain.status_code == 200 and "access-control-allow-origin" not in plain.headers
