"""Release notes: each section carries the product version of the heading above it."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.documents.markdown import parse_markdown
from extractors.documents.plain_text import parse_text
from extractors.documents.release_notes import heading_version, mark_release_notes
from extractors.ingest.pipeline import Ingestor
from graph.store import Store
from resolvers.pipeline.answerer import Answerer

CHANGELOG = """\
# RelayHub changelog

## [3.1.0] - 2025-02-10

### Fixed

- Frames larger than queue.max_frame_bytes no longer stall the relay worker.

### Added

- `relayctl drain --timeout` waits for the frame queue before a restart.

## [3.0.2] - 2024-11-30

### Fixed

- A relay that lost its lease kept accepting frames; it now rejects them with RLY-4100.
"""

MANUAL = """\
# RelayHub guide

## 1.1 Installing

Unpack the archive and run relayctl init.

## 1.2 Configuring

Set queue.max_frames in relay.toml.

## 1.3 Monitoring

Watch the frames_dropped counter.
"""


@pytest.mark.parametrize(
    ("heading", "version"),
    [
        ("[3.1.0] - 2025-02-10", "3.1.0"),
        ("3.0.2 (2024-11-30)", "3.0.2"),
        ("v4.0.0-rc.2", "4.0.0-rc.2"),
        ("Release 12.4", "12.4"),
        ("B.3. Release 9.1", "9.1"),
        ("What's new in 2.7", "2.7"),
        ("版本 5.2 更新说明", "5.2"),
        ("Version 8", "8"),
        # numbered headings, dates and words are not versions
        ("1.2 Configuring", None),
        ("2.1. The first design", None),
        ("2025-02-10", None),
        ("Fixed", None),
        ("IPv6 support", None),
    ],
)
def test_heading_versions_by_shape(heading: str, version: str | None) -> None:
    assert heading_version(heading) == version


def test_a_changelog_gives_each_section_its_version() -> None:
    source = parse_markdown(CHANGELOG.encode(), "/docs/CHANGELOG.md")
    assert mark_release_notes(source)
    assert source.doc_type == "release_notes" and source.version == "3.1.0"
    by_text = {s.text.split("\n")[-1][:40]: s.version for s in source.sections if s.text}
    fixed = [s for s in source.sections if "lost its lease" in s.text]
    assert fixed and fixed[0].version == "3.0.2"
    added = [s for s in source.sections if "drain --timeout" in s.text]
    assert added and added[0].version == "3.1.0", by_text


def test_a_numbered_manual_is_not_release_notes() -> None:
    source = parse_markdown(MANUAL.encode(), "/docs/guide.md")
    assert not mark_release_notes(source)
    assert source.doc_type is None and all(s.version is None for s in source.sections)


def test_untitled_release_notes_are_known_by_their_headings() -> None:
    text = (
        "RELAYHUB\n\nVersion 2.2\n-----------\n\nFaster drains.\n\n"
        "Version 2.1\n-----------\n\nNew lease checks.\n\n"
        "Version 2.0\n-----------\n\nFirst release of the relay.\n"
    )
    source = parse_text(text.encode(), "/notes/relayhub.txt")
    assert mark_release_notes(source)
    assert {s.version for s in source.sections if "lease checks" in s.text} == {"2.1"}


def test_release_notes_versions_reach_the_graph_and_citations(fresh: Store, tmp_path: Path) -> None:
    (tmp_path / "CHANGELOG.md").write_text(CHANGELOG, encoding="utf-8")
    (tmp_path / "guide.md").write_text(MANUAL, encoding="utf-8")
    report = Ingestor(fresh, progress=False).run([tmp_path])
    assert report.new == 2 and not report.failed
    docs = {
        Path(r["s"]).name: (r["t"], r["v"])
        for r in fresh.read(
            "MATCH (d:Document) RETURN d.source AS s, d.doc_type AS t, d.version AS v"
        )
    }
    assert docs == {"CHANGELOG.md": ("release_notes", "3.1.0"), "guide.md": (None, None)}
    answer = Answerer(fresh).answer("relay lost its lease and kept accepting frames")
    cited = [c for c in answer.citations if c.uri.endswith(".md") or "CHANGELOG" in c.uri]
    assert cited and cited[0].version == "3.0.2", answer.citations
