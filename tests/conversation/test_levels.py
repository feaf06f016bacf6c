"""Complexity levels on the real graph (the demo corpus), for what looks like L4
and is not, and for the L4 that confidence cannot see: a crash of the
customer's own program, a standard status code, a report of what the customer
did, and a question whether the product supports something no page mentions."""

from __future__ import annotations

import uuid

import pytest

from extractors.ingest.pipeline import Ingestor
from graph.store import Store
from resolvers.conversation.desk import Desk, customer_turn
from resolvers.conversation.records import TurnState
from resolvers.pipeline.answerer import Answerer
from resolvers.pipeline.confidence import THRESHOLD
from tests.demo import DEMO

QUESTION = "How do I raise max_connections on NimbusDB?"  # a manual section answers it


@pytest.fixture(scope="module")
def desk(backend: Store) -> Desk:
    report = Ingestor(backend, progress=False).run([DEMO / "docs", DEMO / "errors"])
    assert not report.failed, report.summary()
    return Desk(backend, Answerer(backend, cache_size=0))


def _talk(desk: Desk, *texts: str) -> list[TurnState]:
    customer, cid, out = f"customer:{uuid.uuid4().hex[:12]}", None, []
    for text in texts:
        out.append(customer_turn(desk, customer, cid, text))
        cid = out[-1].conversation_id
    return out


def test_a_question_whether_it_supports_what_no_page_mentions_is_l4(desk: Desk) -> None:
    [absent] = _talk(desk, "Does NimbusDB support Informix as a migration source?")
    assert absent.complexity == "L4" and "informix" in (absent.complexity_reason or "")
    assert absent.escalation is not None and absent.escalation.rule == "complexity"
    # What the manuals do cover is answered, whatever the confidence.
    [covered] = _talk(desk, "Does NimbusDB support point-in-time restore?")
    assert covered.complexity in ("L1", "L2") and covered.escalation is None


def test_a_report_of_what_was_done_is_not_a_question_the_knowledge_lacks(desk: Desk) -> None:
    # Words the corpus barely knows make the answer unsure; said as a report of a
    # step taken, that is neither missing knowledge nor an unresolved turn.
    report = "ok, I wrapped the tenant ids in curly braces and redeployed the loader"
    _, done = _talk(desk, QUESTION, report)
    assert done.confidence is not None and done.confidence < THRESHOLD
    assert done.complexity != "L4" and done.resolved and done.escalation is None
    # Asked as a question, the unsure answer leaves it unresolved (by the bot's doubt:
    # alone, that escalates nothing), still not L4: the words are not what no page says.
    _, asked = _talk(desk, QUESTION, report + "?")
    assert not asked.resolved and asked.complexity != "L4" and asked.escalation is None


def test_a_standard_status_code_is_not_an_unknown_error_code(desk: Desk) -> None:
    [turn] = _talk(desk, "The metrics webhook gets HTTP 403 from the endpoint when "
                   "NimbusDB exports metrics")  # fmt: skip
    assert "is unknown" not in (turn.complexity_reason or "") and turn.escalation is None
    [vendor] = _talk(desk, "NimbusDB now reports NDB-9797 on every insert, what is it?")
    assert vendor.complexity == "L4" and "NDB-9797 is unknown" in (vendor.complexity_reason or "")


def test_a_crash_of_the_customers_own_program_is_not_a_product_defect(desk: Desk) -> None:
    [ours] = _talk(desk, "Our Java consumer keeps crashing when it reads from NimbusCache")
    assert ours.complexity != "L4" and ours.escalation is None
    [theirs] = _talk(desk, "NimbusDB crashes when I run a full vacuum on a big table")
    assert theirs.complexity == "L4" and "suspected defect" in (theirs.complexity_reason or "")
