"""`graphdesk doctor`: finds and repairs what concurrent or interrupted writes
leave, on both backends, on a graph that was never migrated."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from api.cli import main
from extractors.ingest.pipeline import Ingestor
from graph import doctor
from graph.falkor import FalkorStore
from graph.queries import doctor as dq
from graph.queries.documents import counts
from graph.store import Store
from tests.test_cli import CLEAN_ENV, GUIDE_MD
from tests.test_cypher_lint import run_linter

DEMO_EN = Path(__file__).resolve().parent.parent / "data" / "demo" / "docs" / "en"

# The bug's shape, written as the old writers did (CREATE, not MERGE): every
# section written twice under its document, every concept link written again
# (so it lands on both copies: the original gets a parallel edge), error codes
# linked to both copies, causes and solutions written twice.
DOUBLE_SECTIONS = """
MATCH (d:Document)-[:HAS_SECTION]->(s:Section)
CREATE (c:Section)
SET c = properties(s), c.copy = true
CREATE (d)-[:HAS_SECTION]->(c)
"""
MENTION_ROWS = """
MATCH (s:Section)-[m:MENTIONS]->(k:Concept)
RETURN s.id AS sid, k.id AS cid, m.count AS count, m.in_title AS in_title
"""
LINK_MENTIONS_AGAIN = """
UNWIND $rows AS r
MATCH (s:Section {id: r.sid})
MATCH (c:Concept {id: r.cid})
CREATE (s)-[:MENTIONS {count: r.count, in_title: r.in_title}]->(c)
"""
DESCRIBE_COPIES = """
MATCH (e:ErrorCode)-[:DESCRIBED_IN]->(s:Section)
WHERE s.copy IS NULL
MATCH (c:Section {id: s.id})
WHERE c.copy = true
CREATE (e)-[:DESCRIBED_IN]->(c)
"""
UNMARK = "MATCH (c:Section) WHERE c.copy = true REMOVE c.copy"
DOUBLE_CAUSES = """
MATCH (e:ErrorCode)-[:HAS_CAUSE]->(x:Cause)
CREATE (y:Cause)
SET y = properties(x)
CREATE (e)-[:HAS_CAUSE]->(y)
"""
DOUBLE_SOLUTIONS = """
MATCH (e:ErrorCode)-[:SOLVED_BY]->(x:Solution)
CREATE (y:Solution)
SET y = properties(x)
CREATE (e)-[:SOLVED_BY]->(y)
"""
ORPHAN = "CREATE (:Section {id: 'section:orphan', text: 'half written'})"
# An ingest killed before it recorded the source of a document it wrote.
FORGET_SOURCE = "MATCH (s:Source {id: $uri}) DETACH DELETE s"

EDGE_TYPES = "MATCH ()-[r]->() RETURN type(r) AS type, count(r) AS n"
SECTIONS = "MATCH (d:Document)-[:HAS_SECTION]->(s:Section) RETURN d.id AS d, s.id AS s, s.hash AS h"
DESCRIBED = "MATCH (e:ErrorCode)-[:DESCRIBED_IN]->(s:Section) RETURN e.id AS e, s.id AS s"
CODE_FACTS = """
MATCH (e:ErrorCode)-[r:HAS_CAUSE|SOLVED_BY]->(x)
RETURN e.id AS e, type(r) AS t, x.id AS x
"""


def snapshot(store: Store) -> dict[str, Any]:
    """What answers are made of: counts, edges by type, sections and code facts."""

    def rows(cypher: str) -> list[tuple[Any, ...]]:
        return sorted(tuple(r.values()) for r in store.read(cypher))

    return {
        "counts": counts(store),
        "edges": dict(rows(EDGE_TYPES)),
        "sections": rows(SECTIONS),
        "described": rows(DESCRIBED),
        "code_facts": rows(CODE_FACTS),
    }


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    root.mkdir()
    (root / "guide.md").write_text(GUIDE_MD, encoding="utf-8")
    for page in sorted(DEMO_EN.glob("*.md"))[:6]:
        shutil.copy(page, root / page.name)
    return root


def corrupt(store: Store, corpus: Path) -> None:
    mentions = store.read(MENTION_ROWS)
    store.write(DOUBLE_SECTIONS)
    store.write_batch(LINK_MENTIONS_AGAIN, mentions)
    store.write(DESCRIBE_COPIES)
    store.write(UNMARK)
    store.write(DOUBLE_CAUSES)
    store.write(DOUBLE_SOLUTIONS)
    store.write(ORPHAN)
    store.write(FORGET_SOURCE, {"uri": str((corpus / "guide.md").resolve())})


GUIDE_SECTIONS = """
MATCH (d:Document {source: $uri})-[:HAS_SECTION]->(s:Section)
RETURN count(s) AS n
"""


def test_doctor_finds_and_repairs_a_doubled_ingest(any_store: Store, corpus: Path) -> None:
    report = Ingestor(any_store, progress=False).run([corpus])
    assert report.new == 7 and not report.failed, report.failed
    assert doctor.examine(any_store).clean
    clean = snapshot(any_store)
    assert clean["described"] and clean["code_facts"]  # the guide's table is in the graph
    guide = str((corpus / "guide.md").resolve())
    guide_sections = any_store.read(GUIDE_SECTIONS, {"uri": guide})[0]["n"]

    corrupt(any_store, corpus)
    found = doctor.examine(any_store)
    assert not found.clean
    doubled = {label: (ids, extra) for label, ids, extra, _ in found.duplicates}
    sections = clean["counts"]["Section"]
    assert doubled["Section"] == (sections, sections)
    assert "Solution" in doubled
    assert "MENTIONS" in {t for t, _, _ in found.parallel}
    assert found.documents_without_source[0] == 1
    assert found.sections_without_document == (1, ["section:orphan"])

    done = doctor.repair(any_store, found)
    assert done.merged["Section"] == sections
    assert done.documents_deleted == 1
    assert done.sections_of_documents_deleted == guide_sections
    assert done.orphan_sections_deleted == 1
    assert not done.unmerged
    after = doctor.examine(any_store)
    assert after.clean, after.lines()

    # The document that lost its source is written again by the next ingest.
    again = Ingestor(any_store, progress=False).run([corpus])
    assert (again.new, again.changed, again.unchanged) == (1, 0, 6)
    assert snapshot(any_store) == clean
    assert doctor.examine(any_store).clean


STALE = """
CREATE (t:Ticket {id: 'ticket:live'})-[:MENTIONS_CODE]->(e:ErrorCode {id: 'e:gone', retired_at: 1})
CREATE (y:Symptom {id: 'symptom:1'})-[:OF_CODE]->(e)
CREATE (t)-[:HAS_SYMPTOM]->(y)
CREATE (old:Ticket {id: 'ticket:gone', retired_at: 1})
CREATE (s:Solution {id: 'solution:ticket:gone', retired_at: 1})
CREATE (old)-[:RESOLVED_BY]->(s)
CREATE (y)-[:RESOLVED_BY {ticket: 'ticket:gone'}]->(s)
CREATE (p:Product {id: 'product:p'})-[:HAS_SPEC]->(:Spec {id: 'spec:gone', retired_at: 1})
CREATE (a:Thread {id: 'thread:live'})-[:DUPLICATE_OF]->(:Thread {id: 'thread:gone', retired_at: 1})
CREATE (:Source {id: '/gone.md', retired_at: 1})
CREATE (d:Document {id: 'doc:gone', source: '/gone.md', retired_at: 1})
CREATE (d)-[:HAS_SECTION]->(:Section {id: 'section:gone', retired_at: 1})
CREATE (e)-[:HAS_CAUSE]->(:Cause {id: 'e:gone:cause'})
"""


def test_edges_to_retired_facts_that_should_have_gone(any_store: Store) -> None:
    any_store.write(STALE)
    edges = any_store.read(EDGE_TYPES)
    found = doctor.examine(any_store)
    assert found.stale_edges == [
        ("Symptom", "OF_CODE", "ErrorCode", 1),
        ("Symptom", "RESOLVED_BY", "Solution", 1),
        ("Ticket", "MENTIONS_CODE", "ErrorCode", 1),
    ]
    assert not found.duplicates and not found.parallel
    done = doctor.repair(any_store, found)
    assert done.stale_edges_deleted == 3
    assert doctor.examine(any_store).clean
    kept = {r["type"]: r["n"] for r in any_store.read(EDGE_TYPES)}
    expected = {r["type"]: r["n"] for r in edges}
    del expected["OF_CODE"], expected["MENTIONS_CODE"]
    expected["RESOLVED_BY"] -= 1  # the retired ticket keeps its own solution
    assert kept == expected  # HAS_SPEC, DUPLICATE_OF, HAS_SECTION, HAS_CAUSE ... stay


def test_duplicate_ids_of_every_label_are_found(any_store: Store) -> None:
    labels = ["Concept", "Product", "ErrorCode", "Ticket", "Message", "Alias"]
    for label in labels:
        any_store.write(f"CREATE (:{label} {{id: 'x'}}) CREATE (:{label} {{id: 'x'}})")
    any_store.write(
        "MATCH (t:Ticket), (m:Message) CREATE (t)-[:HAS_MESSAGE {ordinal: 1}]->(m)"
    )  # every ticket copy to every message copy: 4 edges, one pair after merging
    found = doctor.examine(any_store)
    assert {label for label, *_ in found.duplicates} == set(labels)
    doctor.repair(any_store, found)
    assert doctor.examine(any_store).clean
    assert any_store.read("MATCH ()-[r:HAS_MESSAGE]->() RETURN count(r) AS n")[0]["n"] == 1
    for label in labels:
        assert counts(any_store)[label] == 1


def test_doctor_templates_lint_clean_for_neo4j() -> None:
    results = run_linter(dq.statements())
    errors = {k: [d for d in v if d["severity"] == "error"] for k, v in results.items()}
    assert not {k: v for k, v in errors.items() if v}


@pytest.fixture
def cli_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="gdd", dir="/tmp"))  # short unix socket path
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_cli_doctor_exit_codes_and_repair_without_migrating(cli_dir: Path) -> None:
    store = FalkorStore(cli_dir)
    try:
        store.write("CREATE (:Concept {id: 'c'}) CREATE (:Concept {id: 'c'})")
        store.write("CREATE (:Section {id: 's'})")
    finally:
        store.close()

    def run(*args: str) -> tuple[int, str]:
        result = CliRunner(env=CLEAN_ENV).invoke(main, ["--data-dir", str(cli_dir), *args])
        return result.exit_code, result.output

    code, out = run("doctor")
    assert code == 1, out
    assert "PROBLEM duplicate ids: 1 Concept id(s)" in out
    assert "PROBLEM sections without a document: 1" in out
    assert "ok      documents without a source: none" in out
    code, out = run("doctor", "--repair", "--no-wait")
    assert code == 0, out
    assert "merged duplicate nodes: 1 Concept" in out
    assert "deleted sections without a document: 1" in out
    assert out.rstrip().endswith("the graph is consistent now")
    code, out = run("doctor")
    assert code == 0 and "the graph is consistent" in out, out
    code, out = run("stats")
    assert "Migration" not in out  # doctor never migrated the graph
