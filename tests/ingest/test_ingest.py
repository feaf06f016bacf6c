"""Ingest against the real embedded graph: the manual subset, changes, removals, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.ingest.pipeline import Ingestor
from graph.falkor import FalkorStore
from graph.queries.documents import counts
from graph.store import Store
from migrations.runner import migrate
from tests.manual import PAGES, copy_subset


def test_manual_subset_with_all_sqlstate_codes(fresh: Store, tmp_path: Path) -> None:
    docs = copy_subset(tmp_path / "html")
    report = Ingestor(fresh, progress=False).run([docs])
    assert report.failed == []
    assert report.new == len(PAGES)
    assert report.error_codes == 261
    c = counts(fresh)
    assert c["Document"] == len(PAGES)
    assert c["ErrorCode"] == 261
    row = fresh.read(
        "MATCH (e:ErrorCode {code: '40P01'})-[:DESCRIBED_IN]->(s:Section) "
        "RETURN e.name AS name, e.class_name AS cls, s.uri AS uri"
    )
    assert row[0]["name"] == "deadlock_detected"
    assert "Transaction Rollback" in row[0]["cls"]
    assert row[0]["uri"].endswith("errcodes-appendix.html#ERRCODES-APPENDIX")
    fk = fresh.read(
        "MATCH (s:Section) WHERE s.uri ENDS WITH 'ddl-constraints.html#DDL-CONSTRAINTS-FK' "
        "RETURN s.title AS title, s.heading_path AS path, s.lang AS lang, s.source AS source"
    )
    assert fk[0]["title"] == "Foreign Keys"
    assert fk[0]["path"] == ["Constraints", "Foreign Keys"]
    assert fk[0]["lang"] == "en"
    assert fk[0]["source"].endswith("ddl-constraints.html")
    # concepts of the glossary are linked to the sections that mention them
    linked = fresh.read(
        "MATCH (s:Section)-[:MENTIONS]->(c:Concept) WHERE c.name_zh = '外键' RETURN count(s) AS n"
    )
    assert linked[0]["n"] > 0


def test_reingest_unchanged_writes_nothing(fresh: Store, tmp_path: Path) -> None:
    docs = copy_subset(tmp_path / "html")
    Ingestor(fresh, progress=False).run([docs])
    before = counts(fresh)
    again = Ingestor(fresh, progress=False).run([docs])
    assert (again.new, again.changed, again.unchanged) == (0, 0, len(PAGES))
    assert again.sections == 0 and again.error_codes == 0
    assert counts(fresh) == before


def test_changed_page_replaces_only_its_sections(fresh: Store, tmp_path: Path) -> None:
    docs = copy_subset(tmp_path / "html")
    Ingestor(fresh, progress=False).run([docs])
    other = fresh.read(
        "MATCH (s:Section) WHERE s.source ENDS WITH 'gin.html' "
        "RETURN s.id AS id, s.extracted_at AS at ORDER BY id"
    )
    page = docs / "disk-full.html"
    page.write_text(
        page.read_text().replace("</body>", "<p>Zebrafish quota marker paragraph.</p></body>")
    )
    report = Ingestor(fresh, progress=False).run([docs])
    assert (report.changed, report.new, report.unchanged) == (1, 0, len(PAGES) - 1)
    hit = fresh.read(
        "MATCH (s:Section) WHERE s.text CONTAINS 'Zebrafish quota marker' RETURN s.source AS src"
    )
    assert len(hit) == 1 and hit[0]["src"].endswith("disk-full.html")
    assert other == fresh.read(
        "MATCH (s:Section) WHERE s.source ENDS WITH 'gin.html' "
        "RETURN s.id AS id, s.extracted_at AS at ORDER BY id"
    )


def test_removed_page_is_retired(fresh: Store, tmp_path: Path) -> None:
    docs = copy_subset(tmp_path / "html")
    Ingestor(fresh, progress=False).run([docs])
    (docs / "disk-full.html").unlink()
    report = Ingestor(fresh, progress=False).run([docs])
    assert report.retired == 1
    rows = fresh.read(
        "MATCH (d:Document)-[:HAS_SECTION]->(s:Section) WHERE d.source ENDS WITH 'disk-full.html' "
        "RETURN d.retired_at AS d, s.retired_at AS s, s.search AS search"
    )
    assert rows and all(r["d"] and r["s"] and r["search"] is None for r in rows)


def test_bad_input_is_reported_and_the_rest_ingested(fresh: Store, tmp_path: Path) -> None:
    good = tmp_path / "in"
    good.mkdir()
    (good / "guide.md").write_text(
        "---\nproduct: NimbusDB\nversion: '3.2'\nlang: en\n---\n# Guide\n\n## Deadlocks\n\n"
        "A deadlock aborts one transaction with NDB-1401.\n\n"
        "| Code | Name | Message | Cause | Solution |\n|---|---|---|---|---|\n"
        "| NDB-1401 | deadlock_detected | deadlock detected | two transactions wait | "
        "1. Retry the transaction 2. Lock rows in a fixed order |\n"
        "| bad code here | x | y | z | w |\n"
    )
    (good / "fake.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    (good / "broken.csv").write_text("code,name,message\nE-1,ok,fine\nE-2,short\n")
    (good / "gone.html").symlink_to(good / "missing-target.html")
    first = Ingestor(fresh, progress=False).run([good])
    failed = dict(first.failed)
    assert "not an HTML document" in failed[str(good / "fake.html")]
    assert "unreadable" in failed[str(good / "gone.html")]
    assert any("broken.csv: CSV line 3: expected 3 cells" in w for w in first.failed_records)
    assert any("guide.md" in w and "invalid error code" in w for w in first.failed_records)
    codes = {r["code"] for r in fresh.read("MATCH (e:ErrorCode) RETURN e.code AS code")}
    assert codes == {"NDB-1401", "E-1"}
    steps = fresh.read(
        "MATCH (:ErrorCode {code: 'NDB-1401'})-[:SOLVED_BY]->(s:Solution) RETURN s.steps AS steps"
    )
    assert steps[0]["steps"] == ["Retry the transaction", "Lock rows in a fixed order"]
    # a later bad version of a good file does not lose what is stored
    (good / "guide.md").write_text("---\n: : bad yaml [\n---\n# x\n")
    second = Ingestor(fresh, progress=False).run([good])
    assert "malformed YAML front matter" in dict(second.failed)[str(good / "guide.md")]
    assert fresh.read("MATCH (e:ErrorCode {code: 'NDB-1401'}) RETURN e.name AS n")[0]["n"] == (
        "deadlock_detected"
    )


def test_missing_path_is_reported(fresh: Store, tmp_path: Path) -> None:
    report = Ingestor(fresh, progress=False).run([tmp_path / "nope"])
    assert report.failed == [(str(tmp_path / "nope"), "no such file or directory")]


def test_spec_table_becomes_product_specs(fresh: Store, tmp_path: Path) -> None:
    (tmp_path / "specs.csv").write_text(
        "product,version,parameter,value,unit,source\n"
        "NimbusDB,3.2,max_connections,8000,connections,datasheet\n"
        "StratusDB,5.0,max_connections,6000,connections,StratusDB datasheet\n"
        "NimbusDB,3.2,,12,TiB,x\n"
    )
    report = Ingestor(fresh, progress=False).run([tmp_path])
    assert report.specs == 2
    assert any("specs.csv: CSV line 4: needs product" in w for w in report.failed_records)
    rows = fresh.read(
        "MATCH (p:Product)-[:HAS_SPEC]->(s:Spec {parameter: 'max_connections'}) "
        "RETURN p.name AS product, s.number AS n, s.unit AS unit ORDER BY product"
    )
    assert rows == [
        {"product": "NimbusDB", "n": 8000.0, "unit": "connections"},
        {"product": "StratusDB", "n": 6000.0, "unit": "connections"},
    ]


def test_demo_corpus_ingests_cleanly(fresh: Store) -> None:
    demo = Path(__file__).resolve().parent.parent.parent / "data" / "demo"
    report = Ingestor(fresh, progress=False).run([demo])
    assert report.failed == []
    assert report.documents >= 30
    assert report.error_codes >= 80
    zh = fresh.read("MATCH (d:Document {lang: 'zh'}) RETURN count(d) AS n")[0]["n"]
    assert zh >= 10
    # a code described by two sources keeps one node with each source's solution
    shared = fresh.read(
        "MATCH (e:ErrorCode)-[:SOLVED_BY]->(s:Solution) WITH e, count(s) AS n RETURN max(n) AS most"
    )
    assert shared[0]["most"] >= 1


@pytest.mark.parametrize("fsync", ["everysec", "always"])
def test_sigkill_after_ingest_loses_nothing(tmp_path: Path, fsync: str) -> None:
    import os
    import shutil
    import signal
    import tempfile
    import time

    data = Path(tempfile.mkdtemp(prefix="gdk", dir="/tmp"))
    try:
        st = FalkorStore(data, appendfsync=fsync)  # type: ignore[arg-type]
        migrate(st)
        report = Ingestor(st, progress=False).run([copy_subset(tmp_path / "html")])
        assert report.documents > 0
        before = counts(st)
        pid = st.server.pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        while Path(f"/proc/{pid}").exists() and b"Z" not in _state(pid):
            time.sleep(0.01)
        st.close()
        again = FalkorStore(data, appendfsync=fsync)  # type: ignore[arg-type]
        try:
            assert counts(again) == before
        finally:
            again.close()
    finally:
        shutil.rmtree(data, ignore_errors=True)


def _state(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/stat").read_bytes().split(b")")[-1][:3]
    except OSError:
        return b"Z"


def test_xlsx_error_codes_and_specs(fresh: Store, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    errors = book.active
    assert errors is not None
    errors.title = "错误码"
    errors.append(["错误码", "名称", "错误信息", "原因", "解决步骤"])
    errors.append(["NCH-2001", "oom", "内存不足", "maxmemory 太小", "1. 扩容\n2. 设置淘汰策略"])
    errors.append([None, None, None, None, None])
    errors.append(["bad code", "x", "y", "z", "w"])
    specs = book.create_sheet("specs")
    specs.append(["product", "version", "parameter", "value", "unit"])
    specs.append(["NimbusCache", 2.5, "max_memory", 512.0, "GB"])
    notes = book.create_sheet("notes")
    notes.append(["just", "some", "notes"])
    book.save(tmp_path / "catalog.xlsx")
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")

    report = Ingestor(fresh, progress=False).run([tmp_path])
    assert (report.error_codes, report.specs) == (1, 1)
    assert "not a readable .xlsx workbook" in dict(report.failed)[str(tmp_path / "broken.xlsx")]
    assert any("sheet '错误码' row 4: invalid error code" in w for w in report.failed_records)
    assert any("sheet 'notes'" in w for w in report.failed_records)
    row = fresh.read(
        "MATCH (e:ErrorCode {code: 'NCH-2001'})-[:SOLVED_BY]->(s:Solution) "
        "RETURN e.message_zh AS m, s.steps_zh AS steps"
    )
    assert row == [{"m": "内存不足", "steps": ["扩容", "设置淘汰策略"]}]
    spec = fresh.read("MATCH (s:Spec) RETURN s.version AS v, s.value AS value, s.number AS n")
    assert spec == [{"v": "2.5", "value": "512", "n": 512.0}]


def test_tickets_and_community_exports_go_through_the_ingest(fresh: Store) -> None:
    data = Path(__file__).resolve().parent.parent / "data"
    report = Ingestor(fresh, progress=False).run([data / "tickets", data / "community"])
    assert report.failed == []
    assert report.tickets > 0 and report.threads > 0
    c = counts(fresh)
    assert c["Ticket"] > 0 and c["Thread"] > 0 and c["Answer"] > 0
    again = Ingestor(fresh, progress=False).run([data / "tickets", data / "community"])
    assert (again.new, again.changed, again.tickets, again.threads) == (0, 0, 0, 0)
    assert counts(fresh) == c


def test_csv_that_is_no_known_table_is_refused(fresh: Store, tmp_path: Path) -> None:
    (tmp_path / "misc.csv").write_text("a,b,c\n1,2,3\n")
    report = Ingestor(fresh, progress=False).run([tmp_path])
    assert "neither an error-code table" in dict(report.failed)[str(tmp_path / "misc.csv")]
