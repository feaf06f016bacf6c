"""A large page read as a stream gives what the whole tree gives, and holds
only a piece of the page at a time."""

from __future__ import annotations

from unittest.mock import patch

import lxml.etree
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import extractors.documents.html_stream as html_stream
from extractors.documents.html import parse_html
from extractors.documents.html_stream import WHOLE, StreamedPage
from extractors.records import ExtractionError, ParsedSource


def _facts(src: ParsedSource) -> object:
    return (
        src.title, src.product, src.version, src.lang,
        [(s.id, s.title, s.text, s.heading_path, s.lead, s.uri, s.lang) for s in src.sections],
        [(t.headers, t.rows, t.section_id, t.line) for t in src.tables],
        src.definitions,
    )  # fmt: skip


_WORDS = st.sampled_from(["alpha", "beta ", " gamma", "delta\n", "x\t", "", "  ", "99"])
_TEXT = st.lists(_WORDS, max_size=4).map("".join)


@st.composite
def _block(draw: st.DrawFn, depth: int = 0) -> str:
    kinds = ["p", "h", "inline", "comment", "text", "table", "dl", "ul", "pre"]
    if depth < 3:
        kinds += ["div", "div", "section", "skipped", "note"]
    kind = draw(st.sampled_from(kinds))
    text, tail = draw(_TEXT), draw(_TEXT)
    if kind in ("div", "section", "skipped", "note"):
        inner = "".join(draw(st.lists(_block(depth + 1), max_size=4)))
        cls = {"skipped": ' class="navheader"', "note": ' class="note"'}.get(kind, "")
        ident = draw(st.sampled_from(["", ' id="a1"', ' id="a2"', ' id="b"']))
        tag = "section" if kind == "section" else "div"
        return f"<{tag}{cls}{ident}>{text}{inner}</{tag}>{tail}"
    if kind == "h":
        level, ident = draw(st.integers(1, 4)), draw(st.sampled_from(["", ' id="h1"', ' id="h2"']))
        return f"<h{level}{ident}>{text or 'T'}<a href='#x'>#</a></h{level}>{tail}"
    if kind == "inline":
        return f"<span>{text}<code>{draw(_TEXT)}</code></span><a accesskey='h' title='Tool 2.1 Documentation'>{text}</a>{tail}"  # noqa: E501
    if kind == "comment":
        return f"<!--{text}-->{tail}"
    if kind == "table":
        return f"<table><tr><th>{text}</th><th>b</th></tr><tr><td>E{draw(_TEXT)}</td><td>{tail}</td></tr></table>"  # noqa: E501
    if kind == "dl":
        return f"<dl><dt>ERR-{draw(st.integers(1, 9))}</dt><dd><p>{text}</p></dd></dl>{tail}"
    if kind == "ul":
        return f"<ul><li>{text}</li><li><p>{tail}</p></li></ul>"
    if kind == "pre":
        return f"<pre>{text}\n  {tail}</pre>"
    if kind == "p":
        return f"<p>{text}<b>{draw(_TEXT)}</b></p>{tail}"
    return text


@settings(max_examples=300, deadline=None)
@given(blocks=st.lists(_block(), min_size=1, max_size=8), chunk=st.integers(1, 40))
def test_a_streamed_page_gives_the_sections_of_the_whole_tree(
    blocks: list[str], chunk: int
) -> None:
    page = f"<html><head><title>Guide</title></head><body>{''.join(blocks)}</body></html>"
    data = page.encode()
    with patch.object(html_stream, "CHUNK", chunk):  # the parser stops anywhere: in a text, a tag
        try:
            streamed: object = _facts(parse_html(data, "g.html", stream=True))
        except ExtractionError as exc:
            streamed = str(exc)
    try:
        whole: object = _facts(parse_html(data, "g.html", stream=False))
    except ExtractionError as exc:
        whole = str(exc)
    assert streamed == whole


def _manual(chapters: int) -> bytes:
    body = "".join(
        f'<div class="chapter" id="c{i}"><h2>Chapter {i}</h2><p>About part {i}.</p>'
        f'<div class="sect1"><h3 id="s{i}">Details {i}</h3><table><tr><td>k{i}</td>'
        f"<td>v{i}</td></tr></table><p>More on {i}.</p></div></div>"
        for i in range(chapters)
    )
    return f"<html><head><title>Manual</title></head><body>{body}</body></html>".encode()


def test_only_a_piece_of_the_page_is_held_at_a_time() -> None:
    data = _manual(400)
    whole = lxml.etree.fromstring(data, lxml.etree.HTMLParser())
    total = sum(1 for _ in whole.iter())
    held = 0
    # (the parser runs ahead of its events by one piece of the page: a small one here)
    with patch.object(html_stream, "CHUNK", 1024):
        page = StreamedPage(data, "utf-8", lambda el: True)
        for kind, _ in page.pieces():
            if kind == WHOLE and page.body is not None:
                held = max(held, sum(1 for _ in page.body.getroottree().iter()))
    assert total > 4000 and 0 < held < total // 20
    src = parse_html(data, "m.html", stream=True)
    assert [s.title for s in src.sections][:3] == ["Chapter 0", "Details 0", "Chapter 1"]
    assert len(src.sections) == 800 and len(src.tables) == 400


def test_a_streamed_page_too_deep_is_refused() -> None:
    deep = "<html><body><h1>Relay</h1>" + "<div>" * 3000 + "frames" + "</div>" * 3000
    with pytest.raises(ExtractionError, match="nested deeper than 256 elements"):
        parse_html((deep + "</body></html>").encode(), "deep.html", stream=True)


def test_a_body_that_is_not_a_plain_container_is_read_whole() -> None:
    data = b'<html><body class="note"><h1>Tips</h1><p>Keep it short.</p></body></html>'
    assert _facts(parse_html(data, "n.html", stream=True)) == _facts(
        parse_html(data, "n.html", stream=False)
    )


def test_a_streamed_page_of_navigation_only_keeps_its_text() -> None:
    data = b'<html><body><div class="toc"><a href="a.html">Install</a> <a>Upgrade</a></div></body></html>'  # noqa: E501
    src = parse_html(data, "toc.html", stream=True)
    assert [s.text for s in src.sections] == ["Install Upgrade"]
    assert _facts(src) == _facts(parse_html(data, "toc.html", stream=False))
