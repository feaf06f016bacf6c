"""Log templates in the graph, linked to components, products and known error codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.ingest.pipeline import Ingestor
from extractors.logs.miner import LogParseError
from extractors.logs.write import ingest_log
from graph.falkor import FalkorStore
from graph.queries import logs as q
from migrations.runner import migrate

FMT = "<Date> <Time> <Level> <Component>: <Content>"


def test_templates_become_nodes(clean_store: FalkorStore, tmp_path: Path) -> None:
    st = clean_store
    migrate(st)
    (tmp_path / "codes.csv").write_text("code,name,message\nNDB-1401,deadlock,deadlock detected\n")
    Ingestor(st, progress=False).run([tmp_path / "codes.csv"])
    log = tmp_path / "db.log"
    log.write_text(
        "2024-01-01 10:00:00 INFO pool: connection 17 opened for app@example.com\n"
        "2024-01-01 10:00:01 INFO pool: connection 18 opened for ops@example.com\n"
        "2024-01-01 10:00:02 ERROR lockmgr: NDB-1401 deadlock detected on table t1\n"
        "2024-01-01 10:00:03 ERROR lockmgr: NDB-1401 deadlock detected on table t2\n"
    )
    report = ingest_log(st, log, FMT, product="NimbusDB")
    assert (report.lines, report.templates, report.components) == (4, 2, 2)
    rows = st.read(q.LOG_TEMPLATES, {"skip": 0, "limit": 10})
    by_component = {r["components"][0]: r for r in rows}
    assert by_component["lockmgr"]["codes"] == ["NDB-1401"]
    assert by_component["lockmgr"]["template"]["levels"] == ["ERROR"]
    pool = by_component["pool"]["template"]
    assert pool["count"] == 2 and "<*>" in pool["template"]
    assert "@example.com" not in pool["example"]  # personal data masked
    linked = st.read("MATCH (:LogTemplate)-[:ABOUT]->(p:Product) RETURN DISTINCT p.name AS p")
    assert linked == [{"p": "NimbusDB"}]
    again = ingest_log(st, log, FMT, product="NimbusDB")  # replaces, does not duplicate
    assert again.templates == 2
    assert len(st.read(q.LOG_TEMPLATES, {"skip": 0, "limit": 10})) == 2
    with pytest.raises(LogParseError, match=r"nope\.log"):
        ingest_log(st, tmp_path / "nope.log", FMT)


def test_log_files_go_through_graphdesk_ingest(clean_store: FalkorStore, tmp_path: Path) -> None:
    migrate(clean_store)
    logs = tmp_path / "logs"
    logs.mkdir()
    lines = [
        f"2024-01-0{i % 9 + 1} 10:00:0{i % 10} INFO pool: connection {i} opened" for i in range(9)
    ]
    (logs / "plain.log").write_text("\n".join(lines) + "\n")
    (logs / "fmt.log").write_text("\n".join(lines) + "\n")
    (logs / "fmt.log.format").write_text("<Date> <Time> <Level> <Component>: <Content>\n")
    (logs / "empty.log").write_text("")
    report = Ingestor(clean_store, progress=False).run([logs])
    assert set(dict(report.failed)) == {str(logs / "empty.log")}
    rows = clean_store.read(q.LOG_TEMPLATES, {"skip": 0, "limit": 10})
    by_source = {Path(r["template"]["source"]).name: r for r in rows}
    assert by_source["fmt.log"]["template"]["template"] == "connection <*> opened"
    assert by_source["fmt.log"]["components"] == ["pool"]
    assert by_source["plain.log"]["template"]["count"] == 9
    (logs / "plain.log").unlink()
    Ingestor(clean_store, progress=False).run([logs])
    left = clean_store.read(q.LOG_TEMPLATES, {"skip": 0, "limit": 10})
    assert {Path(r["template"]["source"]).name for r in left} == {"fmt.log"}


def test_component_spellings_resolve_and_a_merge_can_be_undone(
    clean_store: FalkorStore, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from api.cli import main

    st = clean_store
    migrate(st)
    first = tmp_path / "a.log"
    first.write_text("".join(f"2024-01-01 10:00:0{i} INFO DataNode: block {i} stored\n"
                             for i in range(3)))  # fmt: skip
    second = tmp_path / "b.log"
    second.write_text("".join(f"2024-01-01 10:00:0{i} INFO data_node: block {i} read\n"
                              for i in range(3)))  # fmt: skip
    third = tmp_path / "c.log"
    third.write_text("".join(f"2024-01-01 10:00:0{i} INFO DtaaNode: block {i} moved\n"
                             for i in range(3)))  # fmt: skip
    for log in (first, second, third):
        ingest_log(st, log, FMT)
    comps = st.read("MATCH (c:Component) RETURN c.id AS id")
    assert comps == [{"id": "component:datanode"}]
    data_dir = str(st.server.data_dir)
    listed = CliRunner().invoke(main, ["--data-dir", data_dir, "merges", "list"])
    assert "'DtaaNode' -> DataNode (component:datanode) [fuzzy" in listed.output
    undo = CliRunner().invoke(main, ["--data-dir", data_dir, "merges", "undo", "DtaaNode"])
    assert undo.exit_code == 0, undo.output
    moved = st.read(
        "MATCH (t:LogTemplate)-[:FROM_COMPONENT]->(c:Component) "
        "WHERE t.source ENDS WITH 'c.log' RETURN c.id AS id"
    )
    assert moved == [{"id": "component:dtaanode"}]


def test_a_changed_format_sidecar_re_reads_the_log(
    clean_store: FalkorStore, tmp_path: Path
) -> None:
    migrate(clean_store)
    log = tmp_path / "app.log"
    log.write_text("".join(f"2024-01-01 10:00:0{i} INFO pool: conn {i} open\n" for i in range(4)))
    first = Ingestor(clean_store, progress=False).run([tmp_path])
    assert first.log_templates == 1
    assert Ingestor(clean_store, progress=False).run([tmp_path]).unchanged == 1
    (tmp_path / "app.log.format").write_text(FMT)
    again = Ingestor(clean_store, progress=False).run([tmp_path])
    assert again.changed == 1
    rows = clean_store.read(q.LOG_TEMPLATES, {"skip": 0, "limit": 5})
    assert rows[0]["components"] == ["pool"]
