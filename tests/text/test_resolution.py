"""Entity resolution: one product node for differently spelled names; merges undoable."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from api.cli import main
from extractors.ingest.pipeline import Ingestor
from extractors.text.resolution import ProductResolver, normalize_version
from graph.falkor import FalkorStore
from migrations.runner import migrate


def test_versions_are_normalised() -> None:
    assert normalize_version("v3") == "3.0"
    assert normalize_version("V3.0") == "3.0"
    assert normalize_version("3.0.1") == "3.0.1"
    assert normalize_version("version 15") == "15.0"
    assert normalize_version("版本3.2") == "3.2"
    assert normalize_version("latest") is None


def test_resolver_methods() -> None:
    r = ProductResolver(
        {"product:nimbusdb": ["NimbusDB", "星云数据库", "Nimbus DB"],
         "product:nimbuscache": ["NimbusCache"], "product:nimbusdc": ["NimbusDC"]},
        blocked={"Nimbus-Cache Pro"},
    )  # fmt: skip
    assert r.resolve("NimbusDB").method == "exact"
    assert r.resolve("nimbus-db").method == "exact"  # same key: case and dashes ignored
    alias = r.resolve("星云数据库")
    assert (alias.method, alias.product_id) == ("alias", "product:nimbusdb")
    typo = r.resolve("NimbsuDB")
    assert typo.method == "fuzzy" and typo.product_id == "product:nimbusdb"
    unsure = r.resolve("NimbusD")  # as close to NimbusDB as to NimbusDC
    assert unsure.method == "ambiguous" and not unsure.merged
    assert r.resolve("StratusDB").method == "new"
    assert r.resolve("Nimbus-Cache Pro").method == "blocked"


def test_spellings_merge_into_one_product_and_the_merge_can_be_undone(
    clean_store: FalkorStore, tmp_path: Path
) -> None:
    st = clean_store
    migrate(st)
    (tmp_path / "a.md").write_text(
        "---\nproduct: NimbusDB\nversion: v3\n---\n# A\n\n## X\n\nText.\n"
    )
    (tmp_path / "b.md").write_text("---\nproduct: NimbsuDB\n---\n# B\n\n## Y\n\nMore text.\n")
    (tmp_path / "specs.csv").write_text(
        "product,version,parameter,value,unit\nNimbsuDB,V3.0,max_qps,100,qps\n"
    )
    Ingestor(st, progress=False).run([tmp_path])
    about = st.read(
        "MATCH (d:Document)-[:ABOUT]->(p:Product) RETURN d.title AS d, p.id AS p ORDER BY d"
    )
    assert about == [{"d": "A", "p": "product:nimbusdb"}, {"d": "B", "p": "product:nimbusdb"}]
    spec = st.read("MATCH (p:Product)-[:HAS_SPEC]->(s:Spec) RETURN p.id AS p, s.version AS v")
    assert spec == [{"p": "product:nimbusdb", "v": "3.0"}]

    data_dir = st.server.data_dir
    listed = CliRunner().invoke(main, ["--data-dir", str(data_dir), "merges", "list"])
    assert "'NimbsuDB' -> NimbusDB (product:nimbusdb) [fuzzy" in listed.output
    undo = CliRunner().invoke(main, ["--data-dir", str(data_dir), "merges", "undo", "NimbsuDB"])
    assert undo.exit_code == 0, undo.output
    about = st.read(
        "MATCH (d:Document)-[:ABOUT]->(p:Product) RETURN d.title AS d, p.id AS p ORDER BY d"
    )
    assert about == [{"d": "A", "p": "product:nimbusdb"}, {"d": "B", "p": "product:nimbsudb"}]
    spec = st.read("MATCH (p:Product)-[:HAS_SPEC]->(s:Spec) RETURN p.id AS p")
    assert spec == [{"p": "product:nimbsudb"}]
    # an undone merge is never made again
    (tmp_path / "b.md").write_text("---\nproduct: NimbsuDB\n---\n# B\n\n## Y\n\nChanged.\n")
    Ingestor(st, progress=False).run([tmp_path])
    b = st.read("MATCH (d:Document {title: 'B'})-[:ABOUT]->(p:Product) RETURN p.id AS p")
    assert b == [{"p": "product:nimbsudb"}]
