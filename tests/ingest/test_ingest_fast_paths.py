"""The ingest's shortcuts write what the plain way writes.

Section rows made by two processes are the rows one process makes, and the
glossary matcher's tree of names finds what trying every length finds.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import extractors.ingest.pipeline as pipeline
from extractors.documents.html import parse_html
from extractors.ingest.pipeline import Ingestor
from extractors.text.concepts import Concept, ConceptMatcher
from graph.queries.documents import counts
from graph.store import Store
from migrations.runner import migrate


def _manual(sections: int) -> bytes:
    body = "".join(
        f"<h2 id='s{i}'>Index {i} and replication</h2><p>The table index {i} of a "
        f"replication slot, a WAL record and a connection pool: word{i}.</p>"
        for i in range(sections)
    )
    return f"<html><head><title>Manual</title></head><body>{body}</body></html>".encode()


def test_rows_from_two_processes_are_the_rows_of_one(
    fresh: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingestor = Ingestor(fresh, progress=False)
    source = parse_html(_manual(60), "/docs/manual.html")
    items = [(source, sec) for sec in source.sections]
    one = ingestor._rows_of(items, 1)
    assert any(row["mentions"] for row in one)
    monkeypatch.setattr(pipeline, "PARALLEL_SECTIONS", 2)
    assert ingestor._section_rows(items, 1) == one


def test_an_ingest_on_two_processes_writes_the_same_graph(
    fresh: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = tmp_path / "manual.html"
    page.write_bytes(_manual(40))
    first = Ingestor(fresh, progress=False).run([page])
    written = counts(fresh)
    fresh.drop_all()
    migrate(fresh)
    monkeypatch.setattr(pipeline, "PARALLEL_SECTIONS", 2)
    second = Ingestor(fresh, progress=False).run([page])
    assert (second.sections, second.mentions) == (first.sections, first.mentions)
    assert first.sections == 40 and first.mentions > 40
    assert counts(fresh) == written


def _match_plainly(matcher: ConceptMatcher, tokens: list[str]) -> list[tuple[str, str, int]]:
    """The longest name at each position, trying every length from the longest."""
    longest: dict[str, int] = {}
    for key in matcher._en:
        longest[key[0]] = max(longest.get(key[0], 0), len(key))
    out, i = [], 0
    while i < len(tokens):
        first = longest.get(tokens[i])
        for n in range(min(first or 0, len(tokens) - i), 0, -1):
            cid = matcher._en.get(tuple(tokens[i : i + n]))
            if cid is not None:
                out.append((cid, " ".join(tokens[i : i + n]), i))
                i += n
                break
        else:
            i += 1
    return out


MATCHER = ConceptMatcher(
    [
        Concept("c:a", "alpha", "甲"),
        Concept("c:ab", "alpha beta", "乙", aliases_en=["alpha beta gamma delta"]),
        Concept("c:bg", "beta gamma", "丙"),
        Concept("c:g", "gamma", "丁", aliases_en=["the gamma"]),
        Concept("c:d", "delta epsilon zeta", "戊"),
    ]
)


@settings(max_examples=2000)
@given(st.lists(st.sampled_from(["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "the",
                                 "x"]), max_size=12))  # fmt: skip
def test_names_tree_finds_what_every_length_finds(tokens: list[str]) -> None:
    got = [(m.concept.id, m.surface, m.start) for m in MATCHER.match_tokens(tokens)]
    assert got == _match_plainly(MATCHER, tokens)


def test_the_collector_runs_less_often_only_while_ingesting(fresh: Store, tmp_path: Path) -> None:
    page = tmp_path / "manual.html"
    page.write_bytes(_manual(3))
    before = gc.get_threshold()
    seen: list[tuple[int, int, int]] = []
    real = pipeline.Ingestor._write

    def spy(self: Ingestor, sources: list[object], report: object) -> None:
        seen.append(gc.get_threshold())
        real(self, sources, report)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pipeline.Ingestor, "_write", spy)
        Ingestor(fresh, progress=False).run([page])
    assert seen and seen[0][0] >= pipeline.GC_EVERY
    assert gc.get_threshold() == before
