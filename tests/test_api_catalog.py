"""The catalog fields of /graphql against the real embedded graph: tickets, threads,
error codes and log templates, listed a page at a time and fetched one by one.

The graph holds the demo error codes, the ticket and community test exports and a
small NimbusDB log; the answer pipeline is not involved (a stand-in refuses work).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from extractors.ingest.pipeline import Ingestor
from extractors.logs.write import ingest_log
from graph.store import Store

ROOT = Path(__file__).parent.parent
LOG_FORMAT = "<Date> <Time> <Level> <Component>: <Content>"
LOG = (
    "2024-01-01 10:00:00 INFO pool: connection 17 opened for app@example.com\n"
    "2024-01-01 10:00:01 INFO pool: connection 18 opened for ops@example.com\n"
    "2024-01-01 10:00:02 INFO pool: connection 19 opened for ops@example.com\n"
    "2024-01-01 10:00:03 ERROR server: NDB-1001 sorry, too many clients already\n"
)

TICKET_FIELDS = (
    "id key system subject status priority createdAt language "
    "messages { ordinal role author body createdAt } solution { text steps } "
    "earlierFixes { ticket text steps symptom }"
)
THREAD_FIELDS = (
    "id title url tags views votes createdAt question { text votes } "
    "answers { text votes accepted } duplicateOf"
)
ERROR_FIELDS = (
    "id code name product version message messageZh className severity uri "
    "causes { text textZh } solutions { steps stepsZh }"
)
LOG_FIELDS = "id template count levels example components codes product source"


class _NoAnswers:
    """The catalog needs no answer pipeline; asking it anything is a test failure."""

    def answer(self, question: str, limit: int = 5) -> Any:
        raise AssertionError("the catalog fields must not ask the answer pipeline")

    def refresh(self) -> None:
        pass


@pytest.fixture(scope="module")
def client(backend: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data = [ROOT / "data/demo/errors", ROOT / "tests/data/tickets", ROOT / "tests/data/community"]
    report = Ingestor(backend, progress=False).run(data)  # codes first: tickets link to them
    assert not report.failed, report.failed
    assert (report.tickets, report.error_codes) == (10, 120)
    root = tmp_path_factory.mktemp("catalog")
    bare = root / "bare" / "codes.csv"  # a code with neither cause nor solution
    bare.parent.mkdir()
    bare.write_text("code,name,product,message\nQKA-4242,too_many_connections,Quokka,full\n")
    assert Ingestor(backend, progress=False).run([bare]).error_codes == 1
    log = root / "nimbus.log"
    log.write_text(LOG, encoding="utf-8")
    assert ingest_log(backend, log, LOG_FORMAT, product="NimbusDB").templates == 2
    app = create_app(Settings(data_dir=root), store=backend, answerer=_NoAnswers(), seed_demo=False)
    with TestClient(app) as c:
        yield c


def gql(client: TestClient, query: str, **variables: Any) -> dict[str, Any]:
    resp = client.post("/graphql", json={"query": query, "variables": variables})
    assert resp.status_code == 200
    body: dict[str, Any] = resp.json()
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    return data


def gql_error(client: TestClient, query: str, **variables: Any) -> dict[str, Any]:
    resp = client.post("/graphql", json={"query": query, "variables": variables})
    assert resp.status_code == 200
    body = resp.json()
    # a nullable field (ticket, thread) is null, a non-null one nulls the whole data
    assert body["data"] is None or set(body["data"].values()) == {None}
    [error] = body["errors"]
    assert "Traceback" not in resp.text
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    out: dict[str, Any] = error
    return out


# --- tickets ------------------------------------------------------------------------


def test_tickets_list_newest_first_and_pages(client: TestClient) -> None:
    query = f"query($l:Int!,$o:Int!){{ tickets(limit:$l, offset:$o){{ {TICKET_FIELDS} }} }}"
    everything = gql(client, f"{{ tickets {{ {TICKET_FIELDS} }} }}")["tickets"]
    assert len(everything) == 10
    dated = [t["createdAt"] for t in everything if t["id"].startswith("ticket:generic:T-")]
    assert dated == ["2024-03-05T10:00:00Z", "2024-03-01T08:00:00Z"]
    first = gql(client, query, l=4, o=0)["tickets"]
    second = gql(client, query, l=4, o=4)["tickets"]
    assert [t["id"] for t in first + second] == [t["id"] for t in everything[:8]]
    assert gql(client, query, l=5, o=10)["tickets"] == []
    by_id = {t["id"]: t for t in everything}
    solved = by_id["ticket:generic:T-1001"]
    assert [m["ordinal"] for m in solved["messages"]] == [0, 1]
    assert solved["solution"]["steps"][0] == "Order the updates by primary key."
    assert by_id["ticket:generic:T-1002"]["solution"] is None
    # the list shows each ticket as a fetch does (messages, solution, fixes)
    for tid, listed in by_id.items():
        fetched = gql(client, f'{{ ticket(id: "{tid}") {{ {TICKET_FIELDS} }} }}')["ticket"]
        assert fetched == listed, tid
    assert any(not t["messages"] for t in everything)  # some exports have no messages


def test_ticket_fetch_with_messages_solution_and_earlier_fixes(client: TestClient) -> None:
    query = f"query($id:String!){{ ticket(id:$id){{ {TICKET_FIELDS} }} }}"
    t = gql(client, query, id="ticket:generic:T-1001")["ticket"]
    assert t["key"] == "T-1001" and t["system"] == "generic"
    assert t["subject"] == "Deadlock on nightly import, SQLSTATE 40P01"
    assert (t["status"], t["priority"], t["language"]) == ("solved", "high", "en")
    assert [(m["ordinal"], m["role"]) for m in t["messages"]] == [(0, "customer"), (1, "agent")]
    assert t["messages"][1]["body"] == "Please retry in a transaction."
    assert t["messages"][0]["createdAt"] == "2024-03-01T08:01:00Z"
    assert all(m["author"].startswith(("customer:", "agent:")) for m in t["messages"])  # hashed
    assert t["solution"]["text"].startswith("1. Order the updates")
    assert len(t["solution"]["steps"]) == 3

    # three tickets share the NDB-1001 symptom: each sees the other two fixes
    sup7 = gql(client, query, id="ticket:jira:SUP-7")["ticket"]
    assert sup7["solution"]["steps"] == ["Set export.batch_size to 500", "Restart the exporter"]
    fixes = {f["ticket"]: f for f in sup7["earlierFixes"]}
    assert set(fixes) == {"ticket:generic:A4", "ticket:zendesk:35436"}
    assert fixes["ticket:generic:A4"]["steps"] == ["升级驱动到 3.0.2", "重启连接池"]
    assert {f["symptom"] for f in fixes.values()} == {"symptom:code:NDB-1001"}

    # an open ticket: no solution of its own, the fix of the same stack trace
    open_ = gql(client, query, id="ticket:generic:T-1002")["ticket"]
    assert open_["solution"] is None
    assert [f["ticket"] for f in open_["earlierFixes"]] == ["ticket:generic:T-1001"]
    assert open_["earlierFixes"][0]["steps"][0] == "Order the updates by primary key."


def test_unknown_ticket_is_null_and_empty_id_is_bad_input(client: TestClient) -> None:
    assert gql(client, '{ ticket(id: "ticket:generic:nope") { id } }') == {"ticket": None}
    error = gql_error(client, '{ ticket(id: "  ") { id } }')
    assert error["message"] == "argument 'id': is empty"
    assert error["extensions"]["argument"] == "id"
    assert error["path"] == ["ticket"]


# --- threads ------------------------------------------------------------------------


def test_threads_list_newest_first_with_posts_and_duplicates(client: TestClient) -> None:
    threads = gql(client, f"{{ threads {{ {THREAD_FIELDS} }} }}")["threads"]
    ids = [t["id"] for t in threads]
    assert len(ids) == len(set(ids)) >= 4
    dates = [t["createdAt"] for t in threads if t["createdAt"] is not None]
    assert dates == sorted(dates, reverse=True)
    assert threads[-1]["createdAt"] is None  # undated last
    by_id = {t["id"]: t for t in threads}
    dup = by_id["thread:dba.stackexchange.com:4"]
    assert dup["duplicateOf"] == ["thread:dba.stackexchange.com:1"]
    assert dup["title"] == "Index on FK column"
    assert dup["tags"] == ["postgresql", "index"]
    assert (dup["views"], dup["votes"]) == (50, 2)
    assert dup["question"] == {"text": "Index for foreign key?", "votes": 2}
    page = gql(client, f"{{ threads(limit: 2, offset: 1) {{ {THREAD_FIELDS} }} }}")["threads"]
    assert page == threads[1:3]
    # the list shows the same thread as a fetch
    for t in threads:
        one = gql(client, f'{{ thread(id: "{t["id"]}") {{ {THREAD_FIELDS} }} }}')["thread"]
        assert one == t


def test_thread_fetch_orders_answers_accepted_first(client: TestClient) -> None:
    query = f"query($id:String!){{ thread(id:$id){{ {THREAD_FIELDS} }} }}"
    t = gql(client, query, id="thread:dba.stackexchange.com:1")["thread"]
    assert t["url"] == "https://dba.stackexchange.com/questions/1"
    assert t["question"]["text"]
    answers = t["answers"]
    assert answers, "the test dump answers question 1"
    assert answers[0]["accepted"] is True
    assert sum(a["accepted"] for a in answers) == 1
    rest = [a["votes"] for a in answers[1:]]
    assert rest == sorted(rest, reverse=True)
    assert gql(client, query, id="thread:nowhere:1") == {"thread": None}
    error = gql_error(client, query, id="")
    assert error["extensions"]["argument"] == "id"


# --- error codes --------------------------------------------------------------------


def test_error_codes_by_product_in_code_order(client: TestClient) -> None:
    query = (
        "query($p:String,$l:Int!,$o:Int!)"
        f"{{ errorCodes(product:$p, limit:$l, offset:$o){{ {ERROR_FIELDS} }} }}"
    )
    nimbus = gql(client, query, p="nimbusdb", l=200, o=0)["errorCodes"]
    assert nimbus and {e["product"] for e in nimbus} == {"NimbusDB"}
    codes = [e["code"] for e in nimbus]
    assert codes == sorted(codes)
    everything = gql(client, query, p=None, l=200, o=0)["errorCodes"]
    assert len(everything) == 121
    assert {e["product"] for e in everything} > {"NimbusDB"}
    assert [e["id"] for e in gql(client, query, p=None, l=7, o=3)["errorCodes"]] == [
        e["id"] for e in everything[3:10]
    ]
    default = gql(client, "{ errorCodes { code } }")["errorCodes"]
    assert [e["code"] for e in default] == [e["code"] for e in everything[:20]]
    assert gql(client, query, p="NoSuchProduct", l=5, o=0) == {"errorCodes": []}


def test_error_code_fetch_with_causes_and_solutions(client: TestClient) -> None:
    query = f"query($c:String!,$p:String){{ errorCode(code:$c, product:$p){{ {ERROR_FIELDS} }} }}"
    [e] = gql(client, query, c="NDB-1001")["errorCode"]
    assert e["id"] == "errcode:nimbusdb:NDB-1001"
    assert (e["name"], e["product"], e["version"], e["severity"]) == (
        "too_many_connections",
        "NimbusDB",
        "3.0",
        "error",
    )
    assert e["message"].startswith("sorry, too many clients already")
    assert e["messageZh"].startswith("抱歉")
    assert e["uri"].endswith("error_codes.csv")
    [cause] = e["causes"]
    assert "max_connections" in cause["text"] and "max_connections" in cause["textZh"]
    [solution] = e["solutions"]
    assert len(solution["steps"]) == 3 and "NimbusPool" in solution["steps"][1]
    assert len(solution["stepsZh"]) == 3
    # the code as typed (lower case, spaces) and with its product; unknown ones are empty
    assert gql(client, query, c=" ndb-1001 ", p="NIMBUSDB")["errorCode"] == [e]
    assert gql(client, query, c="NDB-1001", p="NimbusCache")["errorCode"] == []
    assert gql(client, query, c="NOPE-0000")["errorCode"] == []
    [bare] = gql(client, query, c="QKA-4242")["errorCode"]
    assert (bare["product"], bare["causes"], bare["solutions"]) == ("Quokka", [], [])


@pytest.mark.parametrize(
    ("query", "argument", "message"),
    [
        ('{ errorCode(code: " ") { code } }', "code", "argument 'code': is empty"),
        ('{ errorCode(code: "NDB-1001", product: "") { code } }', "product", "is empty"),
        ('{ errorCodes(product: " ") { code } }', "product", "argument 'product': is empty"),
    ],
)
def test_error_code_bad_arguments(
    client: TestClient, query: str, argument: str, message: str
) -> None:
    error = gql_error(client, query)
    assert error["extensions"]["argument"] == argument
    assert message in error["message"]


# --- log templates ------------------------------------------------------------------


def test_log_templates_most_frequent_first(client: TestClient) -> None:
    templates = gql(client, f"{{ logTemplates {{ {LOG_FIELDS} }} }}")["logTemplates"]
    assert [t["count"] for t in templates] == [3, 1]
    pool, server = templates
    assert pool["components"] == ["pool"] and pool["levels"] == ["INFO"]
    assert "<*>" in pool["template"] and pool["codes"] == []
    assert "@example.com" not in pool["example"]  # masked at ingest
    assert server["components"] == ["server"] and server["levels"] == ["ERROR"]
    assert server["codes"] == ["NDB-1001"]  # linked to the known code
    assert {t["product"] for t in templates} == {"NimbusDB"}
    assert all(t["source"].endswith("nimbus.log") for t in templates)
    assert all(t["id"].startswith("logtemplate:") for t in templates)
    second = gql(client, f"{{ logTemplates(limit: 1, offset: 1) {{ {LOG_FIELDS} }} }}")
    assert second["logTemplates"] == [server]


# --- paging arguments, every list field ---------------------------------------------


@pytest.mark.parametrize("field", ["tickets", "threads", "errorCodes", "logTemplates"])
@pytest.mark.parametrize(
    ("args", "argument", "message"),
    [
        ("limit: 0", "limit", "argument 'limit': must be between 1 and 200, not 0"),
        ("limit: 201", "limit", "argument 'limit': must be between 1 and 200, not 201"),
        ("offset: -1", "offset", "argument 'offset': must be 0 or more, not -1"),
    ],
)
def test_bad_paging_names_the_argument(
    client: TestClient, field: str, args: str, argument: str, message: str
) -> None:
    error = gql_error(client, f"{{ {field}({args}) {{ id }} }}")
    assert error["message"] == message
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": argument}
    assert error["path"] == [field]
