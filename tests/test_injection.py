"""Cypher injection through every text argument has no effect (issue 9).

Every statement takes its values as parameters (graph/queries), so text that
looks like Cypher is data: the graph holds the same nodes and edges after a
corpus of injection attempts as before, and each answer is data or a clear
GraphQL error, never a 500.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from extractors.ingest.pipeline import Ingestor
from graph.store import Store

ATTEMPTS = [
    "' OR 1=1 //",
    '" OR 1=1 //',
    "x'}) MATCH (n) DETACH DELETE n //",
    'x"}) MATCH (n) DETACH DELETE n RETURN 1 //',
    "`) DETACH DELETE n //",
    "1 UNION MATCH (n) RETURN n",
    "$id; CALL db.labels()",
    "x\\') CREATE (:Pwned) //",
    "\\\"}) SET n.text = 'pwned' //",
    "MATCH (n) SET n.pwned = true",
    "CALL dbms.procedures() YIELD name",
    "x\u0000y",
    "*/ MATCH (n) DELETE n /*",
    "fulltext:* OR title:*",
    'AND OR NOT ( ) [ ] { } ~ ^ " : \\ / * ? + - !',
]
OPERATIONS = [  # (GraphQL document, variable that carries the attempt)
    ("query($v:String!){ ask(question:$v){ text confidence } }", "v"),
    ("query($v:String!){ askResult(question:$v){ __typename } }", "v"),
    ("query($v:String!){ errorCode(code:$v){ code } }", "v"),
    ("query($v:String!){ errorCodes(product:$v){ code } }", "v"),
    ("query($v:String!){ ticket(id:$v){ id } }", "v"),
    ("query($v:String!){ thread(id:$v){ id } }", "v"),
    ("mutation($v:String!){ revokeToken(id:$v) }", "v"),
]


@pytest.fixture
def client(backend: Store, tmp_path: Path) -> Iterator[TestClient]:
    root = tmp_path / "docs"
    root.mkdir()
    (root / "guide.md").write_text(
        "# Limits\n\nThe `max_conn` setting caps connections.\n\n"
        "| code | meaning |\n|---|---|\n| QX-101 | too many connections |\n",
        encoding="utf-8",
    )
    backend.drop_all()
    Ingestor(backend, progress=False).run([root])
    settings = Settings(data_dir=tmp_path / "data", env="development")
    with TestClient(create_app(settings, store=backend, seed_demo=False)) as c:
        yield c


def _shape(store: Store) -> tuple[int, int, int]:
    nodes = store.read("MATCH (n) RETURN count(n) AS c")[0]["c"]
    edges = store.read("MATCH ()-[r]->() RETURN count(r) AS c")[0]["c"]
    pwned = store.read("MATCH (n) WHERE n.pwned IS NOT NULL OR n:Pwned RETURN count(n) AS c")
    return int(nodes), int(edges), int(pwned[0]["c"])


def test_injection_attempts_change_nothing_and_get_data_or_a_clear_error(
    client: TestClient, backend: Store
) -> None:
    before = _shape(backend)
    assert before[0] > 0  # the small corpus is there to be damaged
    for text in ATTEMPTS:
        for document, var in OPERATIONS:
            resp = client.post("/graphql", json={"query": document, "variables": {var: text}})
            assert resp.status_code == 200, (text, document, resp.text)
            body = resp.json()
            assert "data" in body or "errors" in body
            for error in body.get("errors", []):
                assert "Traceback" not in json.dumps(error)
    after = _shape(backend)
    # revokeToken refuses anything that is not 32 hex digits, so nothing is added
    assert after == before and after[2] == 0
