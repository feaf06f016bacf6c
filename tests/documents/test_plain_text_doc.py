"""Plain-text runbooks become documents with sections found by the shape of their headings."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.documents.plain_text import parse_text, to_markdown
from extractors.ingest.pipeline import Ingestor
from extractors.records import ExtractionError
from graph.store import Store

RUNBOOK = """\
RELAYHUB OPERATIONS RUNBOOK

This runbook is for the on-call engineer.

1. Restarting a relay

Stop the relay with relayctl stop, wait for the queue to drain, then start it.

1.1 When the queue does not drain

Error RLY-4031 means the frame queue is full. Raise queue.max_frames and retry.

    relayctl config set queue.max_frames 200000

2. Upgrading

Read the release notes first. Upgrades are rolling: one relay at a time.

第二章 故障排除

三、连接被拒绝

检查防火墙是否放行 7443 端口。
"""


def test_headings_are_found_by_shape() -> None:
    md = to_markdown(RUNBOOK).splitlines()
    assert "## RELAYHUB OPERATIONS RUNBOOK" in md
    assert "# 1. Restarting a relay" in md
    assert "## 1.1 When the queue does not drain" in md
    assert "# 2. Upgrading" in md
    assert "# 第二章 故障排除" in md and "## 三、连接被拒绝" in md
    # a sentence, a command and an indented line are never headings
    assert "This runbook is for the on-call engineer." in md
    assert "    relayctl config set queue.max_frames 200000" in md


def test_a_runbook_becomes_sections() -> None:
    source = parse_text(RUNBOOK.encode(), "/runbooks/relayhub.txt")
    assert source.kind == "text"
    titles = [s.title for s in source.sections]
    assert "1.1 When the queue does not drain" in titles and "三、连接被拒绝" in titles
    fix = next(s for s in source.sections if s.title.startswith("1.1"))
    assert "RLY-4031" in fix.text and "relayctl config set queue.max_frames 200000" in fix.text


@pytest.mark.parametrize(
    ("data", "problem"),
    [(b"\xff\xfe\x00binary", "not UTF-8"), (b"a\x00b", "binary data"), (b"  \n\n", "no text")],
)
def test_what_is_not_a_text_document_is_refused(data: bytes, problem: str) -> None:
    with pytest.raises(ExtractionError, match=problem):
        parse_text(data, "/x.txt")


def test_text_runbooks_are_ingested(fresh: Store, tmp_path: Path) -> None:
    (tmp_path / "relayhub.txt").write_text(RUNBOOK, encoding="utf-8")
    report = Ingestor(fresh, progress=False).run([tmp_path])
    assert report.new == 1 and not report.failed
    rows = fresh.read(
        "MATCH (d:Document {kind: 'text'})-[:HAS_SECTION]->(s:Section) RETURN s.title AS t"
    )
    assert "1.1 When the queue does not drain" in {r["t"] for r in rows}


def test_sources_of_rendered_pages_are_not_ingested_twice(fresh: Store, tmp_path: Path) -> None:
    """Sphinx keeps _sources/<page>.rst.txt and AsciiDoc builds <page>.txt beside
    each rendered page; only the pages are documents, a text without a page is one."""
    page = "<html><head><title>{t}</title></head><body><h1>{t}</h1><p>Relay {t}.</p></body></html>"
    (tmp_path / "_sources" / "guide").mkdir(parents=True)
    (tmp_path / "guide").mkdir()
    (tmp_path / "guide" / "queues.html").write_text(page.format(t="Queues"), encoding="utf-8")
    (tmp_path / "_sources" / "guide" / "queues.rst.txt").write_text("Queues\n======\n")
    (tmp_path / "relayctl.html").write_text(page.format(t="relayctl"), encoding="utf-8")
    (tmp_path / "relayctl.txt").write_text("relayctl(1)\n===========\n", encoding="utf-8")
    # an AsciiDoc fragment the pages include, and a web server's file
    (tmp_path / "frame-options.txt").write_text("--max-frames=<n>::\n\tAt most n frames.\n")
    (tmp_path / "robots.txt").write_text("User-agent: *\nDisallow:\n", encoding="utf-8")
    (tmp_path / "NOTES.txt").write_text(RUNBOOK, encoding="utf-8")  # a runbook beside pages
    report = Ingestor(fresh, progress=False).run([tmp_path])
    assert report.new == 3 and report.skipped == 4 and not report.failed
    rows = fresh.read("MATCH (d:Document) RETURN d.source AS s")
    assert sorted(Path(r["s"]).name for r in rows) == ["NOTES.txt", "queues.html", "relayctl.html"]
