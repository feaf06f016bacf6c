"""A pasted log reaches the knowledge through the mined log templates, on both
backends: a log written here is ingested first (``graphdesk logs ingest``, for
the product NimbusDB), then a customer attaches lines of that log's shape
that name neither the product nor, by its words, the component."""

from __future__ import annotations

import uuid

import pytest

from extractors.ingest.pipeline import Ingestor
from extractors.logs.write import ingest_log
from graph.store import Store
from resolvers.conversation.desk import Desk, send
from resolvers.conversation.records import Attachment, Speaker
from resolvers.pipeline.answerer import Answerer
from tests.demo import DEMO

FMT = "<Date> <Time> <Level> <Component>: <Content>"
CODE = "NDB-1001"  # a code of the demo corpus
MINED = [
    f"2024-06-0{d} 0{h}:1{h}:0{d} ERROR connpool: backend {n} rejected session {s}: {CODE} "
    f"limit reached"
    for d, h, n, s in [(1, 2, "b-3", 41), (2, 3, "b-7", 88), (3, 4, "b-1", 12), (4, 5, "b-9", 7)]
] + [
    f"2024-06-0{d} 0{d}:00:00 INFO scheduler: vacuum of shard {n} finished in {d}{d} s"
    for d, n in [(1, 4), (2, 8), (3, 2)]
]  # fmt: skip


@pytest.fixture(scope="module")
def desk(backend: Store, tmp_path_factory: pytest.TempPathFactory) -> Desk:
    report = Ingestor(backend, progress=False).run([DEMO / "docs", DEMO / "errors"])
    assert not report.failed, report.summary()
    log = tmp_path_factory.mktemp("logs") / "nimbus.log"
    log.write_text("\n".join(MINED) + "\n", encoding="utf-8")
    assert ingest_log(backend, log, FMT, product="NimbusDB").templates == 2
    return Desk(backend, Answerer(backend, cache_size=0))


def _customer() -> Speaker:
    return Speaker("customer", f"customer:{uuid.uuid4().hex[:12]}")


def _template_id(store: Store, component: str) -> str:
    rows = store.read(
        "MATCH (t:LogTemplate)-[:FROM_COMPONENT]->(c:Component {name: $c}) RETURN t.id AS id",
        {"c": component},
    )
    assert len(rows) == 1
    return str(rows[0]["id"])


def test_a_pasted_line_of_a_known_template_reaches_its_code_and_product(desk: Desk) -> None:
    pasted = (
        "app started\n"
        f"[2025-01-09 22:41:07] ERROR backend b-12 rejected session 5521: {CODE} limit reached\n"
        "retrying in 5 s\n"
    )
    turn = send(desk, _customer(), None, "Our app printed this, log attached",
                [Attachment("app.log", pasted.encode("utf-8"))])  # fmt: skip
    [finding] = turn.attachments
    assert finding.templates == [_template_id(desk.store, "connpool")]
    assert finding.products == ["product:nimbusdb"] and finding.components == ["connpool"]
    assert CODE in finding.codes
    # The product joins the turn's entities from the template: the text never names it.
    assert "product:nimbusdb" in turn.entities.products and CODE in turn.entities.codes
    assert any(c.code == CODE for c in turn.citations)  # the code's solution is reached
    assert turn.escalation is None and turn.reply_mode == "extractive"


def test_a_line_naming_another_code_keeps_its_own(desk: Desk) -> None:
    # The template holds a hole where its lines printed the code: a line of the same
    # shape with another code is about that code, not the one the mined lines named.
    pasted = "ERROR backend b-2 rejected session 9: NDB-1304 limit reached\n"
    turn = send(desk, _customer(), None, "What does this mean?",
                [Attachment("app.log", pasted.encode("utf-8"))])  # fmt: skip
    [finding] = turn.attachments
    assert finding.templates == [_template_id(desk.store, "connpool")]
    assert finding.codes == ["NDB-1304"] and turn.entities.codes == ["NDB-1304"]


def test_lines_of_no_known_template_add_nothing(desk: Desk) -> None:
    pasted = "ERROR disk quota exceeded on volume data-7 while writing segment 44\n"
    turn = send(desk, _customer(), None, "What is this?",
                [Attachment("other.log", pasted.encode("utf-8"))])  # fmt: skip
    [finding] = turn.attachments
    assert finding.templates == [] and finding.products == [] and finding.components == []
    assert "product:nimbusdb" not in turn.entities.products


def test_a_screenshot_is_not_matched_and_no_graph_read_is_needed_for_it(desk: Desk) -> None:
    from tests.fonts import screenshot_png

    shot = Attachment("error.png", screenshot_png(["Connection failed", f"ERROR {CODE}"]))
    turn = send(desk, _customer(), None, "see the picture", [shot])
    [finding] = turn.attachments
    assert finding.kind == "image" and finding.templates == []
