"""Community Q&A (Stack Exchange dumps, Discourse exports) against the real embedded graph."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from extractors.community.parse import (
    CommunityBatch,
    html_text,
    is_community,
    parse_community,
    parse_tags,
    site_of,
)
from extractors.community.write import retire_community, write_community
from extractors.records import ExtractionError
from extractors.text.concepts import ConceptMatcher, load_glossary
from graph.falkor import FalkorStore
from graph.queries import community as cq
from graph.queries import concepts as conq
from graph.store import Store

DATA = Path(__file__).parent.parent / "data" / "community"
SE = DATA / "dba.stackexchange.com"
NOW = 1_700_000_000_000
T1 = "thread:dba.stackexchange.com:1"
T4 = "thread:dba.stackexchange.com:4"


@pytest.fixture
def matcher(fresh: Store) -> ConceptMatcher:
    load_glossary(fresh)
    return ConceptMatcher.from_store(fresh)


def parse(path: Path, **kw: object) -> CommunityBatch:
    return parse_community(path.read_bytes(), str(path), **kw)  # type: ignore[arg-type]


def count(store: FalkorStore, cypher: str) -> int:
    return int(store.read(cypher)[0]["n"])


# ---------------------------------------------------------------- parsing only


def test_html_to_text_keeps_code_blocks() -> None:
    html = (
        "<p>Run <code>VACUUM</code> &amp; wait:</p><pre><code>VACUUM (VERBOSE) t;\n"
        "  -- indented stays\n</code></pre><ul><li>one</li><li>two</li></ul>"
        "<script>alert(1)</script><p>see <img alt='plan'> <a href='x'>docs</a></p>"
    )
    assert html_text(html) == (
        "Run VACUUM & wait:\n\n```\nVACUUM (VERBOSE) t;\n  -- indented stays\n```\n\n"
        "- one\n- two\n\nsee plan docs"
    )
    assert html_text("") == ""
    assert html_text("plain   text") == "plain text"


def test_tags_in_both_dump_notations() -> None:
    assert parse_tags("<postgresql><indexing>") == ["postgresql", "indexing"]
    assert parse_tags("|postgresql|indexing|") == ["postgresql", "indexing"]
    assert parse_tags([{"name": "PostgreSQL"}, "vacuum"]) == ["postgresql", "vacuum"]
    assert parse_tags(None) == []


def test_site_from_the_dump_folder() -> None:
    assert site_of("/d/dba.stackexchange.com/Posts.xml") == "dba.stackexchange.com"
    assert site_of("/d/stackoverflow.com-Posts/Posts.xml") == "stackoverflow.com"
    assert site_of("/d/My Forum/topics.json") == "my-forum"


def test_stack_exchange_xml() -> None:
    batch = parse(SE / "Posts.xml")
    assert batch.kind == "stackexchange-xml"
    assert [t.id for t in batch.threads] == [T1, T4]
    t = batch.threads[0]
    assert t.title == "How to index a foreign key column in PostgreSQL?"
    assert t.tags == ["postgresql", "index", "postgresql-15"]
    assert (t.views, t.question.votes, t.url) == (
        3400,
        12,
        "https://dba.stackexchange.com/questions/1",
    )
    assert "```\nSELECT *\n  FROM orders\n WHERE customer_id = 42;\n```" in t.question.text
    assert "<p>" not in t.question.text
    # accepted answer first, then by votes
    assert [(a.key, a.accepted, a.votes) for a in t.answers] == [("3", True, 5), ("2", False, 30)]
    assert batch.threads[1].tags == ["postgresql", "index"]  # |a|b| notation
    assert batch.skipped == 1  # the tag wiki row


def test_malformed_rows_are_reported_with_their_line_and_skipped() -> None:
    batch = parse(SE / "Posts.xml")
    where = {w.split(": ", 2)[1]: w for w in batch.warnings}
    assert set(where) == {"line 7", "line 8", "line 10", "line 11"}
    assert "ParentId is missing" in where["line 7"]
    assert "Score 'abc' is not an integer" in where["line 8"]
    assert "Id is missing" in where["line 10"]
    assert "question 99 is not in this export" in where["line 11"]
    assert all(w.startswith(str(SE / "Posts.xml") + ": ") for w in batch.warnings)


def test_broken_xml_keeps_what_came_before(tmp_path: Path) -> None:
    good = (SE / "Posts.xml").read_text().splitlines()
    broken = "\n".join([*good[:5], '  <row Id="50" PostTypeId="1" Title="x" <oops', "</posts>"])
    path = tmp_path / "dba.stackexchange.com" / "Posts.xml"
    path.parent.mkdir()
    path.write_text(broken)
    batch = parse(path)
    assert [t.id for t in batch.threads] == [T1]
    assert any(": line 6: not well-formed XML" in w for w in batch.warnings)
    with pytest.raises(ExtractionError, match=r"Posts\.xml: root element <users>"):
        parse_community(b"<users><row Id='1'/></users>", str(path))
    with pytest.raises(ExtractionError, match="neither XML nor JSON"):
        parse_community(b"Id,Title\n1,x\n", str(path))


def test_stack_exchange_json_with_index_locations() -> None:
    batch = parse(SE / "posts.json")
    assert batch.kind == "stackexchange-json"
    assert [t.id for t in batch.threads] == [T1]
    assert batch.threads[0].accepted is not None and batch.threads[0].accepted.key == "3"
    assert "```\nSELECT *\n  FROM orders;\n```" in batch.threads[0].question.text
    assert [w.split(": ", 2)[1] for w in batch.warnings] == ["index [3]", "index [4]"]


def test_post_links_as_their_own_file_and_with_posts() -> None:
    links = parse(SE / "PostLinks.xml")
    assert links.kind == "stackexchange-links" and not links.threads
    assert [(lk.key, lk.target) for lk in links.links] == [("4", "1")]
    assert links.skipped == 1  # LinkTypeId 1: linked, not duplicate
    assert any("line 5: link skipped: PostId is missing" in w for w in links.warnings)
    both = parse(SE / "Posts.xml", links=(SE / "PostLinks.xml").read_bytes())
    assert [(lk.key, lk.target) for lk in both.links] == [("4", "1")]


def test_discourse_topic_and_topic_list() -> None:
    topic = parse_community((DATA / "discourse" / "t-1234.json").read_bytes(),
                            "/x/forum.example.com/t-1234.json")  # fmt: skip
    assert topic.kind == "discourse-json"
    (t,) = topic.threads
    assert t.id == "thread:forum.example.com:1234"
    assert (
        t.url
        == "https://forum.example.com/t/deadlock-detected-when-two-workers-update-the-same-rows/1234"
    )
    assert (t.views, t.question.votes, t.tags) == (812, 4, ["postgresql", "deadlock"])
    assert "```\nUPDATE t SET v = v + 1\n WHERE id IN (1, 2);\n```" in t.question.text
    # post order kept, the small action (post_type 3) dropped, post 3 accepted
    assert [(a.key, a.accepted) for a in t.answers] == [("5002", False), ("5003", True)]
    assert t.answers[1].url is not None and t.answers[1].url.endswith("/1234/3")
    many = parse(DATA / "discourse" / "topics.json")
    assert [x.id for x in many.threads] == ["thread:discourse:1"]
    first = many.threads[0]
    assert first.question.text == "autovacuum is stuck on a big table"  # raw when no cooked
    assert first.question.votes == 3 and first.tags == ["postgresql"]
    assert [w.split(": ", 2)[1] for w in many.warnings] == [
        "index [0].post_stream.posts[2]",
        "index [1]",
        "index [2]",
    ]
    wrapped = json.dumps({"topics": json.loads((DATA / "discourse" / "topics.json").read_text())})
    assert len(parse_community(wrapped.encode(), "/x/f/topics.json").threads) == 1
    with pytest.raises(ExtractionError, match="not valid JSON"):
        parse_community(b"[{", "/x/f/t.json")


# ---------------------------------------------------------- against the graph


def test_write_stack_exchange_with_duplicates_concepts_and_products(
    fresh: Store, matcher: ConceptMatcher
) -> None:
    fresh.write(conq.UPSERT_PRODUCTS, {"rows": [
        {"id": "product:postgresql", "props": {"name": "PostgreSQL"}}]})  # fmt: skip
    batch = parse(SE / "Posts.xml", links=(SE / "PostLinks.xml").read_bytes())
    counts = write_community(fresh, batch, matcher, NOW)
    assert counts["threads"] == 2 and counts["answers"] == 2 and counts["accepted"] == 1
    assert counts["duplicates"] == 1 and counts["duplicates_unresolved"] == 0
    assert counts["problems"] == len(batch.problems) > 0
    t = cq.thread(fresh, T1)
    assert t is not None
    assert t["thread"]["tags"] == ["postgresql", "index", "postgresql-15"]
    assert (t["thread"]["views"], t["thread"]["votes"], t["thread"]["answer_count"]) == (
        3400,
        12,
        2,
    )
    assert t["thread"]["lang"] == "en" and t["thread"]["source"] == str(SE / "Posts.xml")
    assert t["accepted"] == "answer:dba.stackexchange.com:3"
    assert [(a["id"], a["accepted"], a["ordinal"]) for a in t["answers"]] == [
        ("answer:dba.stackexchange.com:3", True, 1),
        ("answer:dba.stackexchange.com:2", False, 2),
    ]
    assert "CREATE INDEX ON orders" in t["answers"][0]["text"]
    assert {"concept:foreign-key", "concept:index", "concept:create-index"} <= set(t["concepts"])
    assert t["products"] == ["product:postgresql"]  # by tag; no product from 'index'
    assert count(fresh, "MATCH (p:Product) RETURN count(p) AS n") == 1
    dup = cq.thread(fresh, T4)
    assert dup is not None and dup["duplicate_of"] == [T1]
    about = fresh.read("MATCH (:Thread {id: $id})-[a:ABOUT]->(:Product) RETURN a.via AS via, "
                       "a.version AS version, a.source AS source", {"id": T1})  # fmt: skip
    assert about == [{"via": "tag", "version": None, "source": str(SE / "Posts.xml")}]
    # every node and edge written carries its provenance
    for label in ("Thread", "Question", "Answer"):
        missing = fresh.read(
            f"MATCH (n:{label}) WHERE n.source IS NULL OR n.extractor IS NULL OR "
            "n.confidence IS NULL OR n.extracted_at IS NULL RETURN count(n) AS n"
        )
        assert missing[0]["n"] == 0, label
    assert count(fresh, "MATCH (:Thread)-[r]->() WHERE r.source IS NULL RETURN count(r) AS n") == 0
    # full-text index over the thread's search field (title x3 + question + accepted answer)
    hits = fresh.read(
        f"{fresh.dialect.fulltext_call('Thread', 'search')} RETURN node.id AS id",
        {"q": fresh.dialect.fulltext_query(["concurr"])},
    )
    assert [h["id"] for h in hits] == [T1]


def test_post_links_file_written_after_the_posts(fresh: Store) -> None:
    write_community(fresh, parse(SE / "Posts.xml"), None, NOW)
    counts = write_community(fresh, parse(SE / "PostLinks.xml"), None, NOW)
    assert counts["duplicates"] == 1
    # rewriting the posts keeps the links that another source made
    write_community(fresh, parse(SE / "Posts.xml"), None, NOW + 1)
    n = "MATCH (:Thread)-[d:DUPLICATE_OF]->(:Thread) RETURN count(d) AS n"
    assert count(fresh, n) == 1
    # and rewriting the links file replaces its own links
    write_community(fresh, parse(SE / "PostLinks.xml"), None, NOW + 2)
    assert count(fresh, n) == 1


def test_write_discourse(fresh: Store, matcher: ConceptMatcher) -> None:
    batch = parse(DATA / "discourse" / "t-1234.json")
    counts = write_community(fresh, batch, matcher, NOW)
    assert counts["threads"] == 1 and counts["answers"] == 2 and counts["accepted"] == 1
    t = cq.thread(fresh, "thread:discourse:1234")
    assert t is not None and t["thread"]["platform"] == "discourse"
    assert t["accepted"] == "answer:discourse:5003"
    assert t["question"]["author"] == "bob"
    assert t["products"] == []  # no Product nodes: tags never create one


def test_rewriting_a_source_replaces_exactly_its_facts(fresh: Store, tmp_path: Path) -> None:
    folder = tmp_path / "dba.stackexchange.com"
    folder.mkdir()
    shutil.copy(SE / "Posts.xml", folder / "Posts.xml")
    write_community(fresh, parse(folder / "Posts.xml"), None, NOW)
    other = parse(DATA / "discourse" / "t-1234.json")
    write_community(fresh, other, None, NOW)
    before_other = cq.thread(fresh, "thread:discourse:1234")
    # the new version: question 4 removed, answer 2 removed, answer 3 no longer accepted
    text = (folder / "Posts.xml").read_text()
    lines = [
        ln for ln in text.splitlines() if '<row Id="4" ' not in ln and '<row Id="2" ' not in ln
    ]
    (folder / "Posts.xml").write_text("\n".join(lines).replace(' AcceptedAnswerId="3"', ""))
    counts = write_community(fresh, parse(folder / "Posts.xml"), None, NOW + 1)
    assert counts["removed"] == 1 and counts["threads"] == 1
    assert cq.thread(fresh, T4) is None
    t = cq.thread(fresh, T1)
    assert t is not None and t["accepted"] is None
    assert [a["id"] for a in t["answers"]] == ["answer:dba.stackexchange.com:3"]
    assert (
        count(fresh, "MATCH (a:Answer) WHERE a.id STARTS WITH 'answer:dba' RETURN count(a) AS n")
        == 1
    )
    assert count(fresh, "MATCH (q:Question) RETURN count(q) AS n") == 2
    assert cq.thread(fresh, "thread:discourse:1234") == before_other
    # retiring the source takes its threads out of search, keeps them traceable
    retire_community(fresh, [str(folder / "Posts.xml")])
    retired = fresh.read("MATCH (t:Thread {id: $id}) RETURN t.search AS s, t.retired_at AS r",
                         {"id": T1})  # fmt: skip
    assert retired[0]["s"] is None and retired[0]["r"] is not None


def test_sniffing_the_export_kind() -> None:
    files = ["Posts.xml", "PostLinks.xml", "posts.json"]
    for path in [*(SE / f for f in files), *(DATA / "discourse").iterdir()]:
        assert is_community(path.read_bytes()), path
    assert not is_community(b"<html><body>x</body></html>")
    assert not is_community(b'[{"ticket_id": 1}]')
    bom = b"\xef\xbb\xbf" + (DATA / "discourse" / "t-1234.json").read_bytes()
    assert len(parse_community(bom, "/x/f/t.json").threads) == 1


def test_products_by_tag_with_version_and_by_title(fresh: Store) -> None:
    fresh.write(conq.UPSERT_PRODUCTS, {"rows": [
        {"id": "product:postgresql", "props": {"name": "PostgreSQL", "aliases": ["pg"]}},
        {"id": "product:pgbouncer", "props": {"name": "PgBouncer"}},
        {"id": "product:widget", "props": {"name": "Widget"}},
    ]})  # fmt: skip
    topic = {
        "id": 7, "title": "pgbouncer drops connections after the upgrade",
        "tags": ["postgresql-15", "connections"],
        "post_stream": {"posts": [{"id": 70, "post_number": 1, "cooked": "<p>help</p>"}]},
    }  # fmt: skip
    batch = parse_community(json.dumps(topic).encode(), "/x/forum/t.json")
    assert write_community(fresh, batch, None, NOW)["products"] == 2
    rows = fresh.read(
        "MATCH (:Thread {id: 'thread:forum:7'})-[a:ABOUT]->(p:Product) "
        "RETURN p.id AS id, a.via AS via, a.version AS version ORDER BY id"
    )
    assert rows == [
        {"id": "product:pgbouncer", "via": "title", "version": None},
        {"id": "product:postgresql", "via": "tag", "version": "15"},
    ]
    assert count(fresh, "MATCH (p:Product) RETURN count(p) AS n") == 3


def test_chinese_topic_language() -> None:
    topic = {
        "id": 8, "title": "主从复制延迟很高怎么办", "views": 3.0,
        "post_stream": {"posts": [
            {"id": 80, "post_number": 1, "cooked": "<p>备库的复制延迟一直在增长</p>"}]},
    }  # fmt: skip
    (t,) = parse_community(json.dumps(topic).encode(), "/x/论坛/t.json").threads
    assert t.lang == "zh" and t.views == 3 and t.site == "论坛"
