"""Which sections and pages the ranking leaves out: site chrome repeated on
every page, and editions that only gather other pages' sections."""

from __future__ import annotations

from typing import Any

from resolvers.pipeline.termindex import aggregate_documents, boilerplate_sections

LONG = " ".join(f"w{i}" for i in range(40))  # a search field long enough to compare


def row(sid: str, doc: str, text_hash: str) -> dict[str, Any]:
    return {"id": sid, "doc_id": doc, "hash": text_hash, "search": LONG}


def test_text_repeated_on_many_pages_is_boilerplate() -> None:
    rows = [row(f"p{i}#nav", f"p{i}", "navbar") for i in range(12)]
    rows += [row(f"p{i}#body", f"p{i}", f"body{i}") for i in range(12)]
    rows += [row("p0#note", "p0", "note"), row("p1#note", "p1", "note")]
    assert boilerplate_sections(rows) == frozenset(f"p{i}#nav" for i in range(12))


def test_an_edition_gathering_several_pages_is_an_aggregate() -> None:
    rows = []
    for i in range(6):
        rows += [row(f"p{i}#a", f"p{i}", f"a{i}"), row(f"p{i}#b", f"p{i}", f"b{i}")]
        rows += [row(f"all#a{i}", "all", f"a{i}"), row(f"all#b{i}", "all", f"b{i}")]
    assert aggregate_documents(rows) == frozenset({"all"})


def test_a_page_copied_into_one_edition_is_not_an_aggregate() -> None:
    # each page shares nearly all of its sections with the single-page edition,
    # and one short note with a few other pages: it is still the original
    rows = []
    for i in range(5):
        rows += [row(f"p{i}#{j}", f"p{i}", f"p{i}s{j}") for j in range(6)]
        rows += [row(f"all#{i}{j}", "all", f"p{i}s{j}") for j in range(6)]
        rows.append(row(f"p{i}#note", f"p{i}", "shared-note"))
    assert aggregate_documents(rows) == frozenset({"all"})
