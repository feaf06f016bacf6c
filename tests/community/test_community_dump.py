"""A Stack Exchange dump's site from its own Sites.xml, its other tables, byte-order
marks in community exports, and the export samples of tests/data/exports
through the ingest."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from extractors.community.dump import (
    dump_table,
    metadata_digest,
    parse_community_file,
    site_meta,
)
from extractors.community.parse import is_community, parse_community
from extractors.ingest.pipeline import Ingestor
from graph.store import Store

EXPORTS = Path(__file__).resolve().parent.parent / "data" / "exports"
DUMP = EXPORTS / "stackexchange"
SE = Path(__file__).resolve().parent.parent / "data" / "community" / "dba.stackexchange.com"


def _file(path: Path):  # type: ignore[no-untyped-def]
    return parse_community_file(path, path.read_bytes())


def test_the_site_comes_from_the_dumps_sites_xml() -> None:
    """A real academia.stackexchange.com row in a folder named by its TinyName."""
    batch = _file(DUMP / "academia" / "Posts.xml")
    assert (batch.site, batch.site_name, batch.notes) == (
        "academia.stackexchange.com",
        "Academia",
        [],
    )
    (t,) = batch.threads
    assert t.id == "thread:academia.stackexchange.com:1"
    assert t.url == "https://academia.stackexchange.com/questions/1"
    assert t.tags == ["job-search", "visa", "japan"] and t.views == 166
    assert t.title == "What kind of Visa is required to work in Academia in Japan?"


def _dump(tmp_path: Path, folder: str, sites: bool = True) -> Path:
    posts = tmp_path / "dump" / folder / "Posts.xml"
    posts.parent.mkdir(parents=True)
    posts.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<posts>\n'
        '  <row Id="7" PostTypeId="1" AcceptedAnswerId="8" Score="3" Title="Why TDD?" '
        'Body="&lt;p&gt;q&lt;/p&gt;" Tags="&lt;tdd&gt;" />\n'
        '  <row Id="8" PostTypeId="2" ParentId="7" Score="5" Body="&lt;p&gt;a&lt;/p&gt;" />\n'
        "</posts>\n"
    )
    if sites:
        shutil.copy(DUMP / "Sites.xml", tmp_path / "dump" / "Sites.xml")
    return posts


@pytest.mark.parametrize(
    ("folder", "site"),
    [
        ("programmers.stackexchange.com", "softwareengineering.stackexchange.com"),  # renamed
        ("softwareengineering.stackexchange.com", "softwareengineering.stackexchange.com"),
        ("StackExchange.Programmers", "softwareengineering.stackexchange.com"),
        ("stackoverflow.com-Posts", "stackoverflow.com"),
        ("so", "stackoverflow.com"),
    ],
)
def test_folders_find_their_row(tmp_path: Path, folder: str, site: str) -> None:
    batch = _file(_dump(tmp_path, folder))
    assert batch.site == site and not batch.notes
    (t,) = batch.threads
    assert t.url == f"https://{site}/questions/7"
    assert [a.url for a in t.answers] == [f"https://{site}/a/8"]


def test_without_metadata_the_folder_names_the_site_and_a_warning_says_so(
    tmp_path: Path,
) -> None:
    batch = _file(_dump(tmp_path, "dba.stackexchange.com", sites=False))
    assert batch.site == "dba.stackexchange.com"
    assert batch.threads[0].url == "https://dba.stackexchange.com/questions/7"
    (note,) = batch.notes
    assert "no Sites.xml" in note and "'dba.stackexchange.com'" in note
    other = _file(_dump(tmp_path / "b", "My Dump"))  # Sites.xml without a row for it
    assert other.site == "my-dump" and other.threads[0].url is None
    assert "has no row for the folder 'My Dump'" in other.notes[0]
    meta, why = site_meta(SE / "Posts.xml")  # the older test dump: no Sites.xml
    assert meta is None and why is not None


def test_the_other_tables_of_a_dump_are_recognised_and_skipped() -> None:
    for name, table in [("Users.xml", "users"), ("Tags.xml", "tags")]:  # Tags.xml has a BOM
        batch = _file(DUMP / "academia" / name)
        assert (batch.kind, batch.threads, batch.problems) == (f"stackexchange-{table}", [], [])
    assert "users table, read with its posts" in _file(DUMP / "academia" / "Users.xml").notes[0]
    assert "a Stack Exchange tags table, not read" in _file(DUMP / "academia" / "Tags.xml").notes[0]
    sites = _file(DUMP / "Sites.xml")
    assert sites.kind == "stackexchange-sites" and sites.threads == []
    assert dump_table(b"<rss><comments/></rss>") is None


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be"])
def test_byte_order_marks_in_community_exports(encoding: str) -> None:
    def encoded(text: str) -> bytes:
        bom = b"\xfe\xff" if encoding == "utf-16-be" else b""
        return bom + text.encode(encoding)

    posts = encoded((SE / "Posts.xml").read_text(encoding="utf-8"))
    assert is_community(posts) and dump_table(posts) == "posts"
    batch = parse_community(posts, str(SE / "Posts.xml"))
    assert [t.key for t in batch.threads] == ["1", "4"]
    assert batch.threads[0].title == "How to index a foreign key column in PostgreSQL?"
    rows = encoded((SE / "posts.json").read_text(encoding="utf-8"))
    assert is_community(rows)
    assert [t.key for t in parse_community(rows, str(SE / "posts.json")).threads] == ["1"]
    topic = EXPORTS.parent / "community" / "discourse" / "t-1234.json"
    assert len(parse_community(encoded(topic.read_text(encoding="utf-8")), str(topic)).threads)
    sites = encoded((DUMP / "Sites.xml").read_text(encoding="utf-8"))
    assert dump_table(sites) == "sites"


def test_the_export_samples_go_through_the_ingest(fresh: Store, tmp_path: Path) -> None:
    root = tmp_path / "exports"
    shutil.copytree(EXPORTS, root, ignore=shutil.ignore_patterns("README.md"))
    report = Ingestor(fresh, progress=False).run([root])
    assert report.failed == [] and report.failed_records == []
    # written: 2, 4, 35436 and 35437 (page 1), 35436 again (page 2, 35437 deleted), EX-1, EX-2,
    # 4101 and 4102 (desk/), 4201 (desk-pages/)
    assert report.threads == 1 and report.tickets == 10
    said = "\n".join(report.warnings)
    assert "Users.xml: a Stack Exchange users table, read with its posts" in said
    assert "issue EX-2 has 2 comments" in said
    thread = fresh.read("MATCH (t:Thread) RETURN t.id AS id, t.url AS url, t.site_name AS name")
    assert thread == [{"id": "thread:academia.stackexchange.com:1",
                       "url": "https://academia.stackexchange.com/questions/1",
                       "name": "Academia"}]  # fmt: skip
    tickets = {r["id"] for r in fresh.read("MATCH (t:Ticket) RETURN t.id AS id")}
    assert tickets == {"ticket:zendesk:2", "ticket:zendesk:4", "ticket:zendesk:35436",
                       "ticket:zendesk:4101", "ticket:zendesk:4102", "ticket:zendesk:4201",
                       "ticket:jira:EX-1", "ticket:jira:EX-2"}  # fmt: skip
    again = Ingestor(fresh, progress=False).run([root])
    assert (again.new, again.changed) == (0, 0)
    # a changed comments page re-reads the export it belongs to (and itself)
    page = root / "zendesk" / "api" / "tickets" / "2" / "comments.json"
    doc = json.loads(page.read_text())
    doc["comments"].append({"id": 9, "author_id": 1, "body": "Solved by a new page.",
                            "public": True, "created_at": "2019-06-04T00:00:00Z"})  # fmt: skip
    page.write_text(json.dumps(doc))
    third = Ingestor(fresh, progress=False).run([root])
    assert third.changed >= 2 and third.failed == []
    bodies = fresh.read(
        "MATCH (:Ticket {id: 'ticket:zendesk:2'})-[:HAS_MESSAGE]->(m) RETURN m.body AS b"
    )
    assert {"b": "Solved by a new page."} in bodies


def test_authors_are_named_from_the_dumps_users_table(tmp_path: Path) -> None:
    """CC BY-SA asks a quoted answer to name its author: OwnerUserId -> DisplayName."""
    site = tmp_path / "relay.stackexchange.com"
    site.mkdir()
    (site / "Posts.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<posts>\n'
        '<row Id="1" PostTypeId="1" Title="Relay queue full" Body="&lt;p&gt;RLY-4031?&lt;/p&gt;" '
        'Score="3" OwnerUserId="7" CreationDate="2024-01-02T03:04:05.000" AcceptedAnswerId="2"/>\n'
        '<row Id="2" PostTypeId="2" ParentId="1" Body="&lt;p&gt;Drain it.&lt;/p&gt;" Score="5" '
        'OwnerDisplayName="gone user" CreationDate="2024-01-02T04:00:00.000"/>\n'
        '<row Id="3" PostTypeId="2" ParentId="1" Body="&lt;p&gt;Raise max_frames.&lt;/p&gt;" '
        'Score="1" OwnerUserId="9" CreationDate="2024-01-02T05:00:00.000"/>\n</posts>\n',
        encoding="utf-8",
    )
    before = metadata_digest(site / "Posts.xml")
    (site / "Users.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<users>\n'
        '<row Id="7" DisplayName="Ada Relay" Reputation="10" />\n'
        '<row Id="8" DisplayName="Not an author" Reputation="1" />\n</users>\n',
        encoding="utf-8",
    )
    assert metadata_digest(site / "Posts.xml") != before  # the posts are read again
    (thread,) = _file(site / "Posts.xml").threads
    assert thread.question.author == "Ada Relay"
    assert [a.author for a in thread.answers] == ["gone user", "9"]  # 9 is not in the table
