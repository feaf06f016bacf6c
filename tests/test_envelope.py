"""The SM envelope end to end through the real app on the real embedded graph.

Production apps that opt in (GRAPHDESK_ENVELOPE_REQUIRED); the client is the
shipped helper (api/envelope_client.py) over Starlette's TestClient. Each
refusal is checked by its status, its code and its own message.
"""

from __future__ import annotations

import json
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from api.envelope import (
    CONTENT_TYPE,
    EnvelopeError,
    b64decode,
    b64encode,
    key_id,
    seal_request,
)
from api.envelope_client import EnvelopeClient
from api.envelope_key import DEV_KEY_FILE, ServerKey, generate, parse, server_key, write_new
from api.envelope_rules import parse_rules, required_by, rules_of
from api.replay_cache import Full, ReplayCache, Seen
from api.settings import ConfigError, Settings
from graph.falkor import FalkorStore
from graph.queries.envelope import FORGET_EXPIRED
from graph.store import Store
from migrations.runner import migrate
from resolvers.nonces import SharedNonces
from tests.auth import SECRET, bearer, token
from tests.live_server import NoAnswers

KEY = generate()
OTHER = generate()
TICKETS = {"query": "{ tickets { key } }"}
VIEWER = {"query": "{ viewer { role } }"}
REVOKE = "mutation($id: String!) { revokeToken(id: $id) }"


def _settings(tmp_path: Path, **values: Any) -> Settings:
    base: dict[str, Any] = {
        "env": "production", "secret_key": SECRET, "envelope_key": KEY.text(),
        "envelope_required": "mutations,personal-data",
    }  # fmt: skip
    return Settings(data_dir=tmp_path, **{**base, **values})


@pytest.fixture
def app(store: FalkorStore, tmp_path: Path) -> Iterator[TestClient]:
    store.drop_all()
    migrate(store)
    settings = _settings(tmp_path)
    with TestClient(create_app(settings, store=store, answerer=NoAnswers(), seed_demo=False)) as c:
        yield c


def _post(app: TestClient, body: bytes, role: str = "agent") -> Any:
    headers = {"Content-Type": CONTENT_TYPE, **bearer(role, "ag-1")}
    return app.post("/graphql", content=body, headers=headers)


def _sealed(payload: dict[str, Any], **kw: Any) -> bytes:
    args: dict[str, Any] = {"public_key": KEY.public, "kid": KEY.kid, "method": "POST",
                            "path": "/graphql", "body": json.dumps(payload).encode()}  # fmt: skip
    args.update(kw)
    return seal_request(**args)[0]


def _refusal(response: Any) -> tuple[int, str, str]:
    error = response.json()["errors"][0]
    assert "Traceback" not in response.text
    return response.status_code, error["extensions"]["code"], error["message"]


def test_a_sealed_read_and_a_sealed_mutation_are_answered_sealed(app: TestClient) -> None:
    agent = EnvelopeClient("", token("agent", "ag-1"), kid=KEY.kid, http=app)
    reply = agent.execute(TICKETS["query"])
    assert reply.sealed and reply.status == 200
    assert reply.body == {"data": {"tickets": []}}
    admin = EnvelopeClient("", token("admin", "root"), public_key=KEY.public, http=app)
    revoked = admin.execute(REVOKE, {"id": "0123456789abcdef" * 2})
    assert revoked.sealed and revoked.body == {"data": {"revokeToken": True}}
    # What went over the wire is no JSON a reader can use.
    raw = app.post("/graphql", content=_sealed(VIEWER), headers={
        "Content-Type": CONTENT_TYPE, **bearer("agent", "ag-1")})  # fmt: skip
    assert raw.headers["content-type"] == CONTENT_TYPE
    assert set(raw.json()) == {"v", "iv", "ct"} and b"agent" not in raw.content


def test_the_public_key_is_served_without_a_token_and_a_pinned_client_checks_it(
    app: TestClient,
) -> None:
    served = app.get("/envelope/key").json()
    assert served["kid"] == KEY.kid == key_id(bytes.fromhex(served["public_key"]))
    assert (
        served["required"]
        == "mutations,auditTrail,conversation,ticket,tickets,ticketsByPersonalData"
    )
    client = EnvelopeClient("", token("agent", "ag-1"), kid=OTHER.kid, http=app)
    with pytest.raises(EnvelopeError, match=f"is {KEY.kid}, not the pinned {OTHER.kid}"):
        client.execute(VIEWER["query"])


def test_what_requires_the_envelope_is_refused_plain_and_the_rest_is_unaffected(
    app: TestClient,
) -> None:
    plain = app.post("/graphql", json=TICKETS, headers=bearer("agent", "ag-1"))
    assert _refusal(plain)[:2] == (403, "ENVELOPE_REQUIRED")
    assert "requires the SM envelope for tickets" in _refusal(plain)[2]
    mutation = app.post("/graphql", json={"query": REVOKE, "variables": {"id": "ab"}},
                        headers=bearer("admin", "root"))  # fmt: skip
    assert _refusal(mutation)[:2] == (403, "ENVELOPE_REQUIRED")
    assert "for mutations" in _refusal(mutation)[2]
    spread = "fragment f on Query { ... on Query { auditTrail { hash } } }"
    hidden = {"query": "query { ...f } " + spread}
    assert app.post("/graphql", json=hidden, headers=bearer("auditor", "a")).status_code == 403
    fine = app.post("/graphql", json=VIEWER, headers=bearer("agent", "ag-1"))
    assert fine.status_code == 200 and fine.json() == {"data": {"viewer": {"role": "agent"}}}
    assert app.get("/healthz").status_code == 200
    form_type = {"Content-Type": "application/x-www-form-urlencoded"}
    form = app.post("/graphql", content=b"query=x", headers={**form_type, **bearer("agent", "a")})
    assert _refusal(form)[:2] == (403, "ENVELOPE_REQUIRED")


def test_a_token_is_still_required_inside_the_envelope(app: TestClient) -> None:
    response = app.post("/graphql", content=_sealed(VIEWER), headers={"Content-Type": CONTENT_TYPE})
    assert response.status_code == 401


def test_tampered_ciphertext_is_refused(app: TestClient) -> None:
    envelope = json.loads(_sealed(TICKETS))
    ct = bytearray(b64decode(envelope["ct"], "ct"))
    ct[3] ^= 0x01
    envelope["ct"] = b64encode(bytes(ct))
    status, code, message = _refusal(_post(app, json.dumps(envelope).encode()))
    assert (status, code) == (400, "ENVELOPE_TAMPERED")
    assert "does not authenticate" in message


@pytest.mark.parametrize("sealed_for", [{"method": "GET"}, {"path": "/graphql/other"}])
def test_an_envelope_sealed_for_another_method_or_path_is_refused(
    app: TestClient, sealed_for: dict[str, str]
) -> None:
    status, code, message = _refusal(_post(app, _sealed(TICKETS, **sealed_for)))
    assert (status, code) == (400, "ENVELOPE_TAMPERED")
    assert "method, path, timestamp, nonce or key id" in message


def test_an_altered_timestamp_or_nonce_is_refused(app: TestClient) -> None:
    for field, change in (("ts", lambda v: v - 1), ("nonce", lambda v: b64encode(bytes(16)))):
        envelope = json.loads(_sealed(TICKETS))
        envelope[field] = change(envelope[field])
        assert _refusal(_post(app, json.dumps(envelope).encode()))[1] == "ENVELOPE_TAMPERED"


def test_a_key_wrapped_for_another_server_is_refused(app: TestClient) -> None:
    envelope = json.loads(_sealed(TICKETS))
    envelope["key"] = json.loads(_sealed(TICKETS, public_key=OTHER.public))["key"]
    status, code, message = _refusal(_post(app, json.dumps(envelope).encode()))
    assert (status, code) == (400, "ENVELOPE_TAMPERED")
    assert f"does not open with SM2 key {KEY.kid}" in message


def test_a_replay_is_refused(app: TestClient) -> None:
    body = _sealed(TICKETS)
    assert _post(app, body).status_code == 200
    status, code, message = _refusal(_post(app, body))
    assert (status, code) == (409, "ENVELOPE_REPLAYED")
    assert "already used" in message
    assert _post(app, _sealed(TICKETS)).status_code == 200  # a new seal passes


def test_a_replay_to_another_worker_of_the_graph_is_refused_unless_sharing_is_off(
    fresh: Store, tmp_path: Path
) -> None:
    def worker(**values: Any) -> TestClient:
        app = create_app(_settings(tmp_path, **values), store=fresh, answerer=NoAnswers(),
                         seed_demo=False)  # fmt: skip
        return TestClient(app)

    with worker() as one, worker() as two, worker(envelope_replay_shared=False) as alone:
        body = _sealed(TICKETS)
        assert _post(one, body).status_code == 200
        status, code, _ = _refusal(_post(two, body))  # its own cache has never seen it
        assert (status, code) == (409, "ENVELOPE_REPLAYED")
        assert _post(alone, body).status_code == 200  # the limit of a process-only cache
        again = _sealed(TICKETS)
        assert _post(alone, again).status_code == 200  # not shared: the graph never saw it
        assert _post(two, again).status_code == 200


def test_shared_nonces_expire_from_the_graph(fresh: Store) -> None:
    nonces = SharedNonces()
    now = int(time.time())
    assert nonces.admit(fresh, "n-old", now - 5)  # first admit also prunes (nothing yet)
    assert not nonces.admit(fresh, "n-old", now - 5)
    assert fresh.write(FORGET_EXPIRED, {"now": now}) == [{"forgotten": 1}]
    assert nonces.admit(fresh, "n-old", now + 60)


def test_stale_and_future_timestamps_are_refused(app: TestClient) -> None:
    stale = _refusal(_post(app, _sealed(TICKETS, now=time.time() - 600)))
    assert stale[:2] == (400, "ENVELOPE_STALE") and "old; at most 120 s" in stale[2]
    future = _refusal(_post(app, _sealed(TICKETS, now=time.time() + 600)))
    assert future[:2] == (400, "ENVELOPE_FUTURE") and "ahead of the server's clock" in future[2]


def test_an_unknown_key_id_is_refused(app: TestClient) -> None:
    status, code, message = _refusal(_post(app, _sealed(TICKETS, kid=OTHER.kid)))
    assert (status, code) == (400, "ENVELOPE_UNKNOWN_KEY")
    assert f"unknown envelope key id '{OTHER.kid}'" in message and KEY.kid in message


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"[1]", "must be a JSON object"),
        (b'{"v": 1}', "missing kid, ts, nonce, key, iv, ct"),
        (b'{"v": 3, "kid": "", "ts": 0, "nonce": "", "key": "", "iv": "", "ct": ""}',
         "version 3 is not supported (only 1 and 2)"),
        (b'{"v": 2, "kid": "", "ts": 0, "nonce": "", "key": "", "iv": "", "ct": ""}',
         "missing type"),
        (b'{"v": 2, "type": "text/plain", "kid": "", "ts": 0, "nonce": "", "key": "", '
         b'"iv": "", "ct": ""}', "'type' 'text/plain' is not one of application/json"),
        (b"\xff\xfe", "not JSON"),
    ],
)  # fmt: skip
def test_malformed_envelopes_get_400_saying_what_is_wrong(
    app: TestClient, body: bytes, says: str
) -> None:
    status, code, message = _refusal(_post(app, body))
    assert (status, code) == (400, "ENVELOPE_MALFORMED") and says in message


def test_a_sealed_body_that_is_no_json_object_is_refused(app: TestClient) -> None:
    body = seal_request(KEY.public, KEY.kid, "POST", "/graphql", b"42")[0]
    status, code, message = _refusal(_post(app, body))
    assert (status, code) == (400, "ENVELOPE_MALFORMED") and "JSON number" in message


def test_an_answer_altered_on_the_way_back_does_not_open(app: TestClient) -> None:
    body, sealed = seal_request(KEY.public, KEY.kid, "POST", "/graphql",
                                json.dumps(VIEWER).encode())  # fmt: skip
    response = _post(app, body)
    assert json.loads(sealed.open_response(200, response.content))["data"]["viewer"]
    with pytest.raises(EnvelopeError, match="does not open"):
        sealed.open_response(500, response.content)  # another status than it was sealed with


def test_development_requires_nothing_and_keeps_its_key_0600(
    store: FalkorStore, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, env="development", envelope_required=None)
    assert not rules_of(settings).any
    with TestClient(create_app(settings, store=store, answerer=NoAnswers(),
                               seed_demo=False)) as c:  # fmt: skip
        assert c.post("/graphql", json=TICKETS).status_code == 200
        kid = c.get("/envelope/key").json()["kid"]
        sealed = EnvelopeClient("", kid=kid, http=c).execute(TICKETS["query"])
    path = tmp_path / DEV_KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert server_key(settings).kid == kid and sealed.sealed and sealed.status == 200


def test_a_get_query_is_judged_like_a_post(store: FalkorStore, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, env="development", envelope_required="tickets")
    with TestClient(create_app(settings, store=store, answerer=NoAnswers(),
                               seed_demo=False)) as c:  # fmt: skip
        refused = c.get("/graphql", params={"query": "{ tickets { key } }"})
        assert _refusal(refused)[:2] == (403, "ENVELOPE_REQUIRED")
        assert c.get("/graphql", params={"query": "{ viewer { role } }"}).status_code == 200


def test_a_server_without_a_key_says_so(store: FalkorStore, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, env="production", secret_key=SECRET,
                        envelope_required="none")  # fmt: skip
    with TestClient(create_app(settings, store=store, answerer=NoAnswers(),
                               seed_demo=False)) as c:  # fmt: skip
        assert c.get("/envelope/key").status_code == 404
        status, code, message = _refusal(_post(c, _sealed(VIEWER)))
    assert (status, code) == (400, "ENVELOPE_UNAVAILABLE") and "send the request plain" in message


def test_production_defaults_to_mutations_and_personal_data_and_needs_a_key(
    tmp_path: Path,
) -> None:
    settings = Settings(data_dir=tmp_path, env="production", secret_key=SECRET,
                        envelope_required=None)  # fmt: skip
    rules = rules_of(settings)
    assert rules.mutations and rules.fields == {
        "ticket", "tickets", "ticketsByPersonalData", "conversation", "auditTrail"}  # fmt: skip
    with pytest.raises(ConfigError, match="GRAPHDESK_ENVELOPE_KEY_FILE is not set"):
        create_app(settings, seed_demo=False)


def test_key_files_and_values_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "envelope.key"
    made = write_new(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(FileExistsError):
        write_new(path)
    prod = Settings(data_dir=tmp_path, env="production", secret_key=SECRET, envelope_key_file=path)
    assert server_key(prod) == made
    os.chmod(path, 0o644)
    with pytest.raises(ConfigError, match="readable by group or others; chmod 600"):
        server_key(prod)
    with pytest.raises(ConfigError, match="not an SM2 key pair"):
        parse("abcd", "GRAPHDESK_ENVELOPE_KEY")
    mismatched = ServerKey(KEY.private, OTHER.public).text()
    with pytest.raises(ConfigError, match="the public key is not the private key's"):
        parse(mismatched, "GRAPHDESK_ENVELOPE_KEY")
    missing = Settings(data_dir=tmp_path, env="production", secret_key=SECRET,
                       envelope_key_file=tmp_path / "none")  # fmt: skip
    with pytest.raises(ConfigError, match="cannot be read"):
        server_key(missing)


def test_the_required_setting_is_checked_and_read() -> None:
    with pytest.raises(ConfigError, match="'tikets' is neither one of all, none"):
        parse_rules("mutations,tikets")
    assert parse_rules("ask").fields == {"ask"}
    every = parse_rules("all")
    assert required_by(every, b'{"query": "{ viewer { role } }"}') == "every GraphQL request"
    named = parse_rules("personal-data")
    two = b'{"query": "query A { viewer { role } } query B { tickets { key } }", '
    assert required_by(named, two + b'"operationName": "A"}') is None
    assert required_by(named, two + b'"operationName": "B"}') == "tickets"
    assert required_by(named, b'{"query": "{ tickets "}') is None  # GraphQL refuses it


def test_the_replay_cache_forgets_only_what_has_expired_and_refuses_when_full() -> None:
    cache = ReplayCache(capacity=2)
    cache.admit("a", until=110, now=100)
    with pytest.raises(Seen):
        cache.admit("a", until=120, now=105)
    cache.admit("b", until=130, now=105)
    with pytest.raises(Full) as full:
        cache.admit("c", until=130, now=106)
    assert full.value.wait == pytest.approx(4)
    cache.admit("c", until=140, now=111)  # "a" expired: room again
    assert len(cache) == 2
    with pytest.raises(Seen):
        cache.admit("b", until=140, now=129)
