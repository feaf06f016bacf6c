"""The HTML extractor's shortcuts give what the plain way gives.

The walk reads a list item's or a lead paragraph's text from the text it
gathers anyway, unless something in the item changed that text (a heading, a
table row, a skipped class); block_text reads a subtree without blocks at C
speed; normalise uses str methods; the error-code layouts skip terms without a
digit, underscore or errno name. Each is checked here against the plain
definition it replaces.
"""

from __future__ import annotations

import re

import lxml.html
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.documents.html import _BLOCK, _SKIP_TAGS, block_text, normalise, parse_html
from extractors.tables.errcode_layouts import _leading_code, _may_start_with_code


def _normalise_plainly(text: str) -> str:
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


@settings(max_examples=2000)
@given(st.text(alphabet=" \t\r\n\x0b\x0c\x1c\x85\xa0\u2028\u3000ab", max_size=40))
def test_normalise_is_the_plain_definition(text: str) -> None:
    assert normalise(text) == _normalise_plainly(text)


def _block_text_plainly(el: lxml.html.HtmlElement) -> str:
    parts: list[str] = [el.text or ""]

    def visit(node: lxml.html.HtmlElement) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag and tag not in _SKIP_TAGS:
            block = tag in _BLOCK
            parts.append("\n" if block else "")
            parts.append(node.text or "")
            for child in node:
                visit(child)
            parts.append("\n" if block else "")
        parts.append(node.tail or "")

    for child in el:
        visit(child)
    return _normalise_plainly("".join(parts))


# Items whose walk text is their block_text, and items where it is not (a
# table row becomes a line, a heading starts a section, a class is skipped).
ITEMS = [
    "<p>Plain <code>text</code> with <a href='#x'>a <em>link</em></a>.</p>",
    "<p>One.</p><p>Two <!-- a comment --> words.</p><script>x()</script>tail",
    "<div class='note'><h3>Note</h3><p>Inside a note.</p></div><pre>a  b\n\tc</pre>",
    "<table><tr><td>cell <b>one</b></td><td>two</td></tr></table>after",
    "<h3 id='inner'>A heading inside</h3><p>below it</p>",
    "<div class='toc'>skipped by the walk</div><p>kept</p>",
    "text <br/> broken <span class='navheader'>nav</span> end",
]


def _page(items: list[str]) -> bytes:
    dl = "".join(f"<dt>term {i}</dt><dd>{item}</dd>" for i, item in enumerate(items))
    ul = "".join(f"<li>{item}</li>" for item in items)
    return (
        "<html><head><title>Items</title></head><body><h2 id='top'>Items</h2>"
        f"<p>Lead <em>paragraph</em> one.</p><dl>{dl}</dl><ul>{ul}</ul></body></html>"
    ).encode()


def test_definitions_and_list_items_are_their_block_text() -> None:
    data = _page(ITEMS)
    src = parse_html(data, "items.html")
    root = lxml.html.fromstring(data)
    dds = [_block_text_plainly(dd) for dd in root.iter("dd")]
    lis = [_block_text_plainly(li) for li in root.iter("li")]
    assert [d.text for d in src.definitions if d.kind == "definitions"] == dds
    assert [d.text for d in src.definitions if d.kind == "list"] == lis
    assert src.sections[0].lead[0] == "Lead paragraph one."
    # the lists come in document order, each before what is nested in it
    assert [d.group.split("|")[1][:4] for d in src.definitions][:1] == ["dl"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ITEMS), min_size=1, max_size=6))
def test_any_mix_of_items_keeps_its_block_text(items: list[str]) -> None:
    data = _page(items)
    src = parse_html(data, "mix.html")
    root = lxml.html.fromstring(data)
    expected = [_block_text_plainly(dd) for dd in root.iter("dd")]
    expected += [_block_text_plainly(li) for li in root.iter("li")]
    assert sorted(d.text for d in src.definitions) == sorted(expected)


@settings(max_examples=500)
@given(st.sampled_from([*ITEMS, "<b>bold</b> only", "", "<p>x</p><div>y</div>"]))
def test_block_text_is_the_plain_definition(item: str) -> None:
    el = lxml.html.fromstring(f"<div>{item}</div>")
    assert block_text(el) == _block_text_plainly(el)


WORDS = st.sampled_from(
    ["Error", "error", "code", "EPERM", "eperm", "Enoent", "HTTP", "503", "Service",
     "Unavailable", "ABC-2001", "E1234", "ERR_X", "x_y", "0x8007000E", "42P01", "错误码",
     "1045", "Exit", "status", "Not", "Found", "note", "the", "１２３", ":", "(17)", "-"]
)  # fmt: skip


@settings(max_examples=3000)
@given(st.lists(WORDS, max_size=6))
def test_terms_passed_over_hold_no_code(words: list[str]) -> None:
    text = " ".join(words)
    if not _may_start_with_code(text):
        assert _leading_code(text) is None


def test_a_row_line_is_the_cells_its_table_read() -> None:
    """The walk takes a row's line from the cell texts _table already read:
    the header row, a row of one empty cell (no line: its text is walked), a
    nested table inside a cell (its text stays in the cell) all as before."""
    page = b"""<html><head><title>T</title></head><body><h1 id="a">Codes</h1>
    <table><thead><tr><th>code</th><th>message</th></tr></thead>
    <tbody><tr><td>E1</td><td>disk <b>full</b></td></tr>
    <tr><td></td></tr>
    <tr><td>E2</td><td>see <table><tr><td>inner</td><td>x</td></tr></table></td></tr></tbody>
    </table><p>after</p></body></html>"""
    source = parse_html(page, "mem://t.html")
    assert [s.text for s in source.sections] == [
        "code | message\n\nE1 | disk full\n\nE2 | see innerx\n\nafter"
    ]
    assert [(t.headers, t.rows) for t in source.tables] == [
        (["code", "message"], [["E1", "disk full"], [""], ["E2", "see innerx"]])
    ]
