"""Every role against every GraphQL operation, on the real graph (both backends).

The expected table is written out here, apart from ``resolvers/policy.py``, so
a change of the policy has to be made twice, on purpose. Then the scopes (a
customer reads only the tickets they raised, an agent only their queue) and
the masking by role (personal data in clear only for the ticket's own
customer and its agents). The graph holds a small Zendesk export
(``tests/data/roles``): two agents in two groups, three customers, four
tickets; one message and one log line are then given clear personal data,
as a graph written before masking existed holds it.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from extractors.ingest.pipeline import Ingestor
from extractors.logs.write import ingest_log
from extractors.text.crypto.sealer import ephemeral_sealer
from graph.store import Store
from resolvers.identity import Role
from resolvers.pipeline.records import Answer, Citation
from schema.query import Mutation, Query
from tests.answer_doubles import OneAtATime
from tests.auth import SECRET, bearer

EXPORT = Path(__file__).parent / "data" / "roles"
SEALER = ephemeral_sealer()  # what the Ingestor seals with when given no keys
PHONE, MAIL = "13912345678", "lena.berg@example.se"
CLEAR_BODY = f"Please call me on {PHONE} or write to {MAIL}."
MASKED_BODY = "Please call me on 139****5678 or write to l***@example.se."
LOG_LINE = f"2024-05-06 10:00:00 WARN auth: login by {MAIL} from {PHONE}"

OPERATIONS: dict[str, str] = {
    "ask": '{ ask(question: "why does the replica lag") { text } }',
    "askResult": '{ askResult(question: "why does the replica lag") { __typename } }',
    "stats": "{ stats { nodes } }",
    "tickets": "{ tickets { id } }",
    "ticket": '{ ticket(id: "ticket:zendesk:5101") { id } }',
    "threads": "{ threads { id } }",
    "thread": '{ thread(id: "thread:forum.example.com:1") { id } }',
    "errorCodes": "{ errorCodes { code } }",
    "errorCode": '{ errorCode(code: "NDB-1001") { code } }',
    "logTemplates": "{ logTemplates { id } }",
    "viewer": "{ viewer { role subject tokenId } }",
    "revokeToken": 'mutation { revokeToken(id: "%s") }',
    "auditTrail": "{ auditTrail(limit: 3) { seq operation hash } }",
    "conversation": '{ conversation(id: "conversation:none") { id } }',
    # Past the permission check these need a conversation or turn that exists:
    # an allowed role gets "not found" as bad input, never FORBIDDEN (PROBED).
    "sendMessage": 'mutation { sendMessage(conversationId: "conversation:none", text: "hi") '
    "{ state } }",
    "closeConversation": 'mutation { closeConversation(id: "conversation:none", '
    'resolution: "done") { id } }',
    "feedback": 'mutation { feedback(turnId: "turn:none", helpful: true) { id } }',
    "ticketsByPersonalData": '{ ticketsByPersonalData(value: "+86 139 1234 5678") { id } }',
    "myAssignments": "{ myAssignments { ticket } }",
    "routingDecisions": '{ routingDecisions(id: "ticket:zendesk:5101") { step } }',
    "pinnedAnswers": "{ pinnedAnswers { id pattern curator } }",
    # Curation, with a pattern of stop words only and a pin that does not exist:
    # an editor gets bad input (PROBED), and the graph keeps no pin.
    "pinAnswer": 'mutation { pinAnswer(pattern: "the", answer: "x", language: "en") { id } }',
    "unpinAnswer": 'mutation { unpinAnswer(id: "pin:none") { id } }',
}
# Routing's changes, aimed at a ticket and an agent that do not exist (or a
# status that is not one), so a role that may use them reaches the resolver
# and gets BAD_USER_INPUT, and the module's graph stays as it is.
CHANGES: dict[str, str] = {
    "setAgentStatus": 'mutation { setAgentStatus(status: "asleep") }',
    "acceptTicket": 'mutation { acceptTicket(id: "ticket:none") }',
    "resolveTicket": 'mutation { resolveTicket(id: "ticket:none", firstContact: true, '
    "handleSeconds: 60) }",
    "transferTicket": 'mutation { transferTicket(id: "ticket:none") { step } }',
    "overrideAssignment": 'mutation { overrideAssignment(id: "ticket:none", '
    'agent: "agent:none") { step } }',
    "routeTicket": 'mutation { routeTicket(id: "ticket:none") { step } }',
}
OPERATIONS.update(CHANGES)
PROBED = {"sendMessage": "conversationId", "closeConversation": "id",
          "feedback": "turnId", "pinAnswer": "pattern", "unpinAnswer": "id"}  # fmt: skip
KNOWLEDGE = {"ask", "askResult", "threads", "thread", "errorCodes", "errorCode", "viewer"}
STAFF = KNOWLEDGE | {"stats", "tickets", "ticket", "logTemplates", "pinnedAnswers"}
WORK = {"myAssignments", "routingDecisions", "setAgentStatus", "acceptTicket", "resolveTicket",
        "transferTicket"}  # fmt: skip
EXPECTED: dict[Role, set[str]] = {
    Role.CUSTOMER: KNOWLEDGE
    | {"tickets", "ticket", "ticketsByPersonalData"}
    | {"conversation", "sendMessage", "feedback"},
    Role.AGENT: STAFF
    | {"ticketsByPersonalData"}
    | {"conversation", "sendMessage", "closeConversation"}
    | WORK,
    Role.EXPERT: STAFF
    | {"conversation", "sendMessage", "closeConversation"}
    | WORK
    | {"overrideAssignment", "routeTicket"},  # experts supervise
    Role.EDITOR: STAFF | {"conversation", "pinAnswer", "unpinAnswer"},  # editors curate
    Role.PRESALES: KNOWLEDGE,
    Role.ADMIN: {"stats", "viewer", "revokeToken"},  # accounts and the system, no personal data
    Role.AUDITOR: {"viewer", "auditTrail"},  # the audit trail only
}


class _Answers(OneAtATime):
    """The answer pipeline's place (the graph under it is real): a fixed answer
    that quotes a customer's contact data, as a cited ticket could."""

    def answer(self, question: str, limit: int = 5) -> Answer:
        cite = Citation("ticket", "file:///t.json#5101", f"Call {PHONE}", CLEAR_BODY, 1.0)
        return Answer(question, f"Ask the customer ({PHONE}).", "extractive", 0.5, [cite])

    def refresh(self) -> None:
        pass


@pytest.fixture(scope="module")
def graph(backend: Store, tmp_path_factory: pytest.TempPathFactory) -> Store:
    report = Ingestor(backend, progress=False).run([EXPORT])
    assert not report.failed and report.tickets == 4, report.summary()
    log = tmp_path_factory.mktemp("roles") / "auth.log"
    log.write_text(LOG_LINE + "\n", encoding="utf-8")
    assert ingest_log(backend, log, "<Date> <Time> <Level> <Component>: <Content>").templates
    # Clear personal data, as a graph written before ingest masked it holds it.
    backend.write(
        "MATCH (m:Message {id: 'message:zendesk:5101:0'}) SET m.body = $body", {"body": CLEAR_BODY}
    )
    backend.write("MATCH (t:LogTemplate) SET t.example = $line", {"line": LOG_LINE})
    return backend


def _party(store: Store, ticket: int, rel: str) -> str:
    rows = store.read(
        f"MATCH (:Ticket {{id: $id}})-[:{rel}]->(p) RETURN p.id AS id",
        {"id": f"ticket:zendesk:{ticket}"},
    )
    assert len(rows) == 1, (ticket, rel)
    return str(rows[0]["id"])


@pytest.fixture(scope="module")
def subjects(graph: Store) -> dict[str, str]:
    """The graph ids of the export's people: customer ids are hashes of theirs."""
    return {
        "lena": _party(graph, 5101, "RAISED_BY"),  # 5101 and 5103
        "tomas": _party(graph, 5102, "RAISED_BY"),  # 5102
        "mei": _party(graph, 5101, "ASSIGNED_TO"),  # 5101, and 5102 through her group
        "ravi": _party(graph, 5103, "ASSIGNED_TO"),  # 5103 and 5104
    }


@pytest.fixture(scope="module")
def app(graph: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("app"), env="production", secret_key=SECRET
    )
    with TestClient(
        create_app(settings, store=graph, answerer=_Answers(), seed_demo=False, sealer=SEALER)
    ) as c:
        yield c


def _subject(role: Role, subjects: dict[str, str]) -> str:
    return {Role.CUSTOMER: subjects["lena"], Role.AGENT: subjects["mei"]}.get(role, "someone")


def _post(client: TestClient, query: str, role: Role, subject: str) -> dict[str, Any]:
    resp = client.post("/graphql", json={"query": query}, headers=bearer(role, subject))
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    return body


@pytest.mark.parametrize("operation", list(OPERATIONS))
@pytest.mark.parametrize("role", list(Role))
def test_role_against_operation(
    app: TestClient, subjects: dict[str, str], role: Role, operation: str
) -> None:
    query = OPERATIONS[operation]
    if operation == "revokeToken":
        query %= secrets.token_hex(16)
    body = _post(app, query, role, _subject(role, subjects))
    if operation in EXPECTED[role] and operation in PROBED:
        [error] = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert error["extensions"]["argument"] == PROBED[operation], error
    elif operation in EXPECTED[role] and operation in CHANGES:
        [error] = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    elif operation in EXPECTED[role]:
        assert "errors" not in body, body
        assert operation in (body["data"] or {}), body
    else:
        [error] = body["errors"]
        assert error["extensions"] == {"code": "FORBIDDEN"}, error
        assert error["message"] == f"not allowed: your role may not use {_op(operation)}"
        assert (body["data"] or {}).get(operation) is None


def _op(field: str) -> str:
    return {
        "askResult": "ask",
        "ticket": "tickets",
        "thread": "threads",
        "errorCode": "errorCodes",
        "auditTrail": "audit",
        "myAssignments": "routingWork",
        "setAgentStatus": "routingWork",
        "acceptTicket": "routingWork",
        "resolveTicket": "routingWork",
        "transferTicket": "routingWork",
        "unpinAnswer": "pinAnswer",
    }.get(field, field)


def test_every_field_and_mutation_has_a_permission() -> None:
    names = set()
    for kind in (Query, Mutation):
        for field in kind.__strawberry_definition__.fields:  # type: ignore[attr-defined]
            assert field.permission_classes, f"{kind.__name__}.{field.python_name} is open to all"
            names.add(field.python_name)
    camel = {"".join(w.title() if i else w for i, w in enumerate(n.split("_"))) for n in names}
    assert camel == set(OPERATIONS)  # and the matrix above covers each


def _tickets(app: TestClient, role: Role, subject: str) -> set[str]:
    body = _post(app, "{ tickets { key } }", role, subject)
    assert "errors" not in body, body
    return {t["key"] for t in body["data"]["tickets"]}


def _ticket(app: TestClient, role: Role, subject: str, key: int) -> dict[str, Any] | None:
    fields = "key subject assignee { name } group { name } organization { name } messages { body }"
    body = _post(app, f'{{ ticket(id: "ticket:zendesk:{key}") {{ {fields} }} }}', role, subject)
    assert "errors" not in body, body
    found: dict[str, Any] | None = body["data"]["ticket"]
    return found


def test_a_customer_reads_only_the_tickets_they_raised(
    app: TestClient, subjects: dict[str, str]
) -> None:
    assert _tickets(app, Role.CUSTOMER, subjects["lena"]) == {"5101", "5103"}
    assert _tickets(app, Role.CUSTOMER, subjects["tomas"]) == {"5102"}
    assert _tickets(app, Role.CUSTOMER, "customer:nobody") == set()
    assert _ticket(app, Role.CUSTOMER, subjects["tomas"], 5101) is None  # not "forbidden"
    assert _ticket(app, Role.CUSTOMER, subjects["lena"], 5101) is not None


def test_an_agent_reads_only_their_queue(app: TestClient, subjects: dict[str, str]) -> None:
    # Mei is 5101's assignee and so a member of its group, which 5102 is in.
    assert _tickets(app, Role.AGENT, subjects["mei"]) == {"5101", "5102"}
    assert _tickets(app, Role.AGENT, subjects["ravi"]) == {"5103", "5104"}
    assert _tickets(app, Role.AGENT, "agent:nobody") == set()
    assert _ticket(app, Role.AGENT, subjects["mei"], 5102) is not None
    assert _ticket(app, Role.AGENT, subjects["mei"], 5103) is None


@pytest.mark.parametrize("role", [Role.EXPERT, Role.EDITOR])
def test_other_desk_roles_read_every_ticket_masked(
    app: TestClient, subjects: dict[str, str], role: Role
) -> None:
    assert _tickets(app, role, "someone") == {"5101", "5102", "5103", "5104"}
    t = _ticket(app, role, "someone", 5101)
    assert t is not None
    assert t["messages"][0]["body"] == MASKED_BODY
    assert t["assignee"] == {"name": "M** C***"}
    assert t["organization"] == {"name": "F**** F****** A*"}
    assert t["group"] == {"name": "Databases L2"}  # a team, not a person
    assert t["subject"] == "Nightly replica lags behind the primary"


@pytest.mark.parametrize("who", ["lena", "mei"])
def test_the_customer_and_their_agent_read_it_in_clear(
    app: TestClient, subjects: dict[str, str], who: str
) -> None:
    role = Role.CUSTOMER if who == "lena" else Role.AGENT
    t = _ticket(app, role, subjects[who], 5101)
    assert t is not None
    assert t["messages"][0]["body"] == CLEAR_BODY
    assert t["assignee"] == {"name": "Mei Chen"}
    assert t["organization"] == {"name": "Fjord Freight AB"}


ASK = '{ ask(question: "why does the replica lag") { text citations { title snippet } } }'


@pytest.mark.parametrize("role", sorted(EXPECTED, key=str))
def test_answers_and_log_lines_are_masked_for_every_role(
    app: TestClient, subjects: dict[str, str], role: Role
) -> None:
    subject = _subject(role, subjects)
    if "ask" in EXPECTED[role]:
        answer = _post(app, ASK, role, subject)["data"]["ask"]
        assert answer["text"] == "Ask the customer (139****5678)."
        assert answer["citations"] == [{"title": "Call 139****5678", "snippet": MASKED_BODY}]
    if "logTemplates" in EXPECTED[role]:
        [t] = _post(app, "{ logTemplates { example } }", role, subject)["data"]["logTemplates"]
        assert PHONE not in t["example"] and MAIL not in t["example"]
        assert "139****5678" in t["example"] and "l***@example.se" in t["example"]


def test_development_without_a_token_reads_everything_in_clear(
    graph: Store, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, env="development", secret_key=SECRET)
    with TestClient(
        create_app(settings, store=graph, answerer=_Answers(), seed_demo=False, sealer=SEALER)
    ) as c:
        body = c.post("/graphql", json={"query": ASK}).json()
        assert body["data"]["ask"]["text"] == f"Ask the customer ({PHONE})."
        query = '{ ticket(id: "ticket:zendesk:5101") { messages { body } } viewer { role } }'
        body = c.post("/graphql", json={"query": query}).json()
        assert body["data"]["ticket"]["messages"][0]["body"] == CLEAR_BODY
        assert body["data"]["viewer"] == {"role": None}
        # a token, when one is sent, counts in development too
        signed = c.post("/graphql", json={"query": query}, headers=bearer("presales")).json()
        assert signed["errors"][0]["extensions"] == {"code": "FORBIDDEN"}
        assert signed["data"] is None or signed["data"].get("ticket") is None


def test_viewer_names_the_token(app: TestClient, subjects: dict[str, str]) -> None:
    viewer = _post(app, OPERATIONS["viewer"], Role.AGENT, subjects["mei"])["data"]["viewer"]
    assert viewer["role"] == "agent" and viewer["subject"] == subjects["mei"]
    assert len(viewer["tokenId"]) == 32
