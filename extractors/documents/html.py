"""HTML documents -> sections (by heading) and tables.

lxml's C parser keeps the whole PostgreSQL manual well inside the ingest
budget (BeautifulSoup's pure-Python parser alone would take ~25 s). Its tree
is read as plain ``lxml.etree`` elements (``lxml.html``'s element classes are
looked up in Python for every node touched), and whatever can be read at C
speed is: the text of a subtree without blocks in it (XPath ``string()``),
an inline element without children (its text and tail, without a call). The
walk is one pass in document order: every h1-h6 starts a new section whose
anchor is the nearest enclosing element id; navigation, tables of contents,
scripts and styles are skipped. Each section also keeps its lead (its own
first paragraphs, not those of a table, list, note or changelog), and the
page's definition lists and list items are kept as terms with their text, for
the error-code layouts (``extractors.tables.errcode_layouts``).
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import lxml.etree
import lxml.html
from lxml.etree import _Element as Element

from extractors.documents.html_stream import CLOSE, OPEN, TEXT, WHOLE, StreamedPage
from extractors.records import (
    ROW_SEPARATOR,
    Definition,
    ExtractionError,
    ParsedSource,
    Section,
    Table,
    digest,
)
from extractors.text.segment import language

_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_SKIP_CLASSES = {"navheader", "navfooter", "toc", "list-of-tables", "list-of-figures"}
_SKIP_TAGS = {"script", "style", "nav", "head", "noscript", "template"}
_BLOCK = {"p", "div", "li", "dt", "dd", "pre", "tr", "br", "table", "blockquote", "h1", "h2",
          "h3", "h4", "h5", "h6", "section", "article", "ul", "ol", "dl"}  # fmt: skip
_NUMBERING = re.compile(r"^\s*(?:(?:Chapter|Appendix|Part)\s+)?[0-9A-Z]{1,4}(?:\.[0-9]+)*\.\s+")
# Permalink marks that generated pages put after a heading ("Title¶"); a "#"
# only as a link of its own (<a href="#x">#</a>), since "C#" is a title.
_MARKS = "#¶§\U0001f517"
_PERMALINK = re.compile(r"\s*[¶§\U0001f517]+$")
_SPACES = re.compile("  +")
_BLANKS = re.compile(r"\n\s*\n+")
_CHARSET = re.compile(rb"""charset=["']?([A-Za-z0-9_\-]+)""", re.I)
_PRODUCT_HOME = re.compile(r"^(?P<product>.+?)\s+(?P<version>\d+(?:\.\d+)*)\s+Documentation$")


def clean_title(text: str) -> str:
    """'5.4.1. Check Constraints' -> 'Check Constraints' (numbering is navigation)."""
    return _PERMALINK.sub("", _NUMBERING.sub("", " ".join(text.split())))


def normalise(text: str) -> str:
    """Runs of spaces and tabs as one space, lines stripped, blank lines as one."""
    # (str methods first: a regex that scans every character costs more than
    # the rest of this function together)
    for c in "\t\r\f\v":
        if c in text:
            text = text.replace(c, " ")
    text = "\n".join(map(str.strip, text.split("\n")))
    # Runs of spaces after the lines are stripped: the same text (a run at a
    # line's end or start goes either way), and most runs, a page's source
    # indentation, are gone by then, so most texts need no regex at all.
    if "  " in text:
        text = _SPACES.sub(" ", text)
    # With every line stripped, a blank line is two newlines in a row.
    return (_BLANKS.sub("\n\n", text) if "\n\n" in text else text).strip()


def looks_like_html(data: bytes) -> bool:
    head = data[:4096].lstrip().lower()
    if b"\x00" in data[:4096]:
        return False
    return head.startswith((b"<!doctype", b"<html", b"<?xml", b"<!--")) or bool(
        re.search(rb"<(html|body|head|div|p|h[1-6]|table)[\s>]", head)
    )


class _Walker:
    def __init__(self, uri: str, doc_key: str) -> None:
        self.uri = uri
        self.doc_key = doc_key
        self.sections: list[Section] = []
        self.tables: list[Table] = []
        self.definitions: list[Definition] = []
        self.lead: list[str] = []
        self.nested = 0  # depth inside elements whose paragraphs are not a section's lead
        self.stack: list[tuple[int, str]] = []
        self.parts: list[str] = []
        # where <dt> entries start in ``parts``: (index, term, anchor)
        self.marks: list[tuple[int, str, str | None]] = []
        self.title = ""
        self.anchor: str | None = None
        self.seen_anchors: set[str] = set()
        # the cell texts of table rows, read by _table, taken by the row's line
        self.row_cells: dict[Element, list[str]] = {}
        # Counts what makes the walk's text of a subtree differ from its
        # block_text: a heading that starts a section, a table row as a line,
        # a skipped class. A subtree without any is read once, not twice.
        self.dirty = 0

    def _flush(self) -> None:
        parts, marks, lead = self.parts, self.marks, self.lead
        self.parts, self.marks, self.lead = [], [], []
        text = normalise("".join(parts))
        if not text:
            return
        if len(text) <= LONG_SECTION or not marks:
            self._emit(self.title, self.anchor, [t for _, t in self.stack], text, lead)
            return
        # A long section that is a list of entries (configuration variables,
        # command options, API functions as <dt>/<dd>): each entry is a unit
        # of its own, titled by its term, so a question about one entry finds
        # it and an answer quotes it, not the whole list. Entries too short to
        # stand alone stay with the one before.
        path = [t for _, t in self.stack]
        pieces: list[tuple[str, str | None, list[str], str]] = []
        bounds = [(0, self.title, self.anchor), *marks, (len(parts), "", None)]
        for (start, title, anchor), (end, _, _) in itertools.pairwise(bounds):
            piece = normalise("".join(parts[start:end]))
            if not piece:
                continue
            if not pieces:
                # the first piece keeps the section's id, which its tables and
                # definitions already name
                pieces.append((title, self.anchor, path + ([title] if start else []), piece))
            elif len(piece) < MIN_ENTRY:
                t, a, pth, prev = pieces[-1]
                pieces[-1] = (t, a, pth, prev + "\n" + piece)
            else:
                pieces.append((title, anchor, [*path, title], piece))
        for i, (title, anchor, pth, piece) in enumerate(pieces):
            self._emit(title, anchor, pth, piece, lead if i == 0 else [])

    def _emit(
        self, title: str, anchor: str | None, path: list[str], text: str, lead: list[str]
    ) -> None:
        ordinal = len(self.sections)
        anchor = anchor if anchor and anchor not in self.seen_anchors else None
        if anchor:
            self.seen_anchors.add(anchor)
        sid = f"{self.doc_key}#{anchor}" if anchor else f"{self.doc_key}#s{ordinal}"
        uri = f"{self.uri}#{anchor}" if anchor else self._parent_uri()
        self.sections.append(
            Section(
                id=sid,
                ordinal=ordinal,
                title=title,
                heading_path=path,
                anchor=anchor,
                uri=uri,
                text=text,
                lang=language(title + " " + text[:2000]),
                lead=lead,
            )
        )

    def _parent_uri(self) -> str:
        """An entry without an anchor of its own links to its section's."""
        if self.anchor and self.anchor in self.seen_anchors:
            return f"{self.uri}#{self.anchor}"
        return self.uri

    def current_section_id(self) -> str:
        ordinal = len(self.sections)
        anchor = self.anchor if self.anchor and self.anchor not in self.seen_anchors else None
        return f"{self.doc_key}#{anchor}" if anchor else f"{self.doc_key}#s{ordinal}"

    def walk(self, el: Element) -> None:
        # (every read of an element's .text or .tail makes a new str from the
        # tree's UTF-8: each is read once)
        tag = el.tag
        if type(tag) is not str:  # a comment or processing instruction
            if tail := el.tail:
                self.parts.append(tail)
            return
        attr = el.get("class")
        kind = (_CLASS_KINDS.get(attr) or _class_kind(attr)) if attr else 0
        if tag in _SKIP_TAGS or kind & _SKIPPED:
            self.dirty += tag not in _SKIP_TAGS  # block_text skips tags, not classes
            if tail := el.tail:
                self.parts.append(tail)
            return
        level = _HEADINGS.get(tag)
        if level is not None and not _in_admonition(el):
            self.dirty += 1
            self._flush()
            title = clean_title(_heading_text(el))
            while self.stack and self.stack[-1][0] >= level:
                self.stack.pop()
            self.stack.append((level, title))
            self.title = title
            self.anchor = _anchor_for(el)
            if tail := el.tail:
                self.parts.append(tail)
            return
        if tag == "tr" and (row := self._row_line(el)):
            # One line per table row, cells apart, so a value stays beside its
            # label and a reader (or an answer) can tell the columns apart.
            self.dirty += 1
            self.parts.append("\n" + row + "\n")
            if tail := el.tail:
                self.parts.append(tail)
            return
        if tag == "table":
            self.tables.append(_table(el, self.current_section_id(), self.row_cells))
        elif tag == "dt" and (term := _term_title(el)):
            self.marks.append((len(self.parts), term, _own_anchor(el)))
        # A list's items and a lead paragraph: their block_text, taken from
        # the text the walk gathers when nothing in them changed it.
        item = _ITEMS.get(tag)
        if item is not None:
            sid = self.current_section_id()
            group = f"{sid}|dl" if tag == "dl" else f"{sid}|list@{el.sourceline}"
            slot, items = len(self.definitions), {}  # the list's before its nested ones
        lead = tag == "p" and not self.nested and len(self.lead) < LEAD_PARAGRAPHS
        if lead:
            leads, dirty = self.lead, self.dirty
        aside = tag in _NOT_LEAD or bool(kind & _ADMONITION)
        self.nested += aside
        block = tag in _BLOCK
        parts = self.parts
        if block:
            parts.append("\n")
        start = len(parts)
        if text := el.text:
            parts.append(text)
        for child in el:
            ctag = child.tag
            if type(ctag) is str and ctag not in _NOT_INLINE and not len(child):
                attr = child.get("class")
                if not attr or (_CLASS_KINDS.get(attr) or _class_kind(attr)) == _PLAIN:
                    # an inline element without children: its text and tail
                    # (what walking it would give, at a fraction of the cost)
                    if text := child.text:
                        parts.append(text)
                    if tail := child.tail:
                        parts.append(tail)
                    continue
            if ctag == item:
                at, dirty_before = len(parts), self.dirty
                self.walk(child)
                if self.dirty == dirty_before:  # its text is parts[at + 1 : closing "\n"]
                    end = len(parts) - (2 if child.tail else 1)
                    items[child] = normalise("".join(parts[at + 1 : end]))
                parts = self.parts
                continue
            self.walk(child)
            parts = self.parts  # a heading below starts a new section's parts
        if lead:
            para = normalise("".join(parts[start:])) if self.dirty == dirty else block_text(el)
            if para:
                leads.append(para)
        if item == "dd":
            self.definitions[slot:slot] = _definitions(el, sid, group, items)
        elif item == "li":
            self.definitions[slot:slot] = _list_items(el, sid, group, items)
        if block:
            parts.append("\n")
        if tail := el.tail:
            parts.append(tail)
        self.nested -= aside

    def _row_line(self, tr: Element) -> str:
        """A row's cells apart, from the texts its table already read (_table)."""
        texts = self.row_cells.pop(tr, None)
        if texts is None:
            return _row_line(tr)
        return ROW_SEPARATOR.join(texts)


_ADMONITIONS = {"note", "tip", "warning", "caution", "important"}
# Paragraphs inside these are not a section's lead (its first words about its heading).
_NOT_LEAD = {"table", "details", "ul", "ol", "dl", "pre", "blockquote", "aside", "figure",
             "p"}  # fmt: skip
LEAD_PARAGRAPHS = 3
# A section longer than this (characters) that holds <dt> entries is split at
# them; an entry shorter than MIN_ENTRY stays with the one before it.
LONG_SECTION = 3000
MIN_ENTRY = 80
TERM_CHARS = 120
# What a class attribute makes of an element, by the attribute's text (pages
# repeat a few dozen of them): skipped, a note (not a section's lead), or
# nothing (a distinct nonzero value, so a kind found is never falsy).
_PLAIN, _SKIPPED, _ADMONITION = 4, 1, 2
_CLASS_KINDS: dict[str, int] = {}


def _class_kind(attr: str) -> int:
    names = attr.split()
    kind = (_SKIPPED * (not _SKIP_CLASSES.isdisjoint(names))) | (
        _ADMONITION * (not _ADMONITIONS.isdisjoint(names))
    )
    kind = kind or _PLAIN
    if len(_CLASS_KINDS) < 10_000:
        _CLASS_KINDS[attr] = kind
    return kind


# The items of a list, kept as definitions: <dl> (<dd>), <ul> and <ol> (<li>).
_ITEMS = {"dl": "dd", "ul": "li", "ol": "li"}
# Tags the walk does more with than append their text.
_NOT_INLINE = (
    _SKIP_TAGS | _HEADINGS.keys() | _BLOCK | _NOT_LEAD | {"tr", "table", "dt", "dl", "ul", "ol"}
)
_BLOCK_OR_SKIPPED = tuple(_BLOCK | _SKIP_TAGS)
# A subtree's text: every text node in it, in document order (comments' and
# processing instructions' own text left out), read at C speed.
_string = lxml.etree.XPath("string()", smart_strings=False)


# The titles of the "home" links (accesskey h) of DocBook pages, in document
# order: "descendant::" is ".//" without its step through every node (a
# fifth of a second less on a 20 MB page).
_HOME_TITLES = lxml.etree.XPath("descendant-or-self::a[@accesskey='h']/@title", smart_strings=False)


def text_content(el: Element) -> str:
    """``lxml.html``'s ``text_content()`` for any element."""
    return str(_string(el))


def _term_title(dt: Element) -> str:
    """A <dt>'s first line, as the title of its entry."""
    text = normalise(block_text(dt))
    first = text.split("\n", 1)[0].strip()
    return first[:TERM_CHARS].rstrip(" " + _MARKS)


def _own_anchor(el: Element) -> str | None:
    """The element's id, or the first id or name inside it."""
    if el.get("id"):
        return str(el.get("id"))
    for a in el.iter():
        if isinstance(a.tag, str) and (a.get("id") or a.get("name")):
            return str(a.get("id") or a.get("name"))
    return None


def _in_admonition(el: Element) -> bool:
    """Headings of notes and tips are part of their section's text, not new sections."""
    node = el.getparent()
    for _ in range(4):
        if node is None:
            return False
        if set((node.get("class") or "").split()) & _ADMONITIONS:
            return True
        node = node.getparent()
    return False


def _heading_text(heading: Element) -> str:
    """A heading's text without its permalink (<a href="#x">#</a>)."""
    parts: list[str] = [heading.text or ""]
    for child in heading:
        if not isinstance(child.tag, str):
            parts.append(child.tail or "")
            continue
        link = child if child.tag == "a" else child.find("a")
        mark = link is not None and (link.get("href") or "").startswith("#")
        if not (mark and text_content(child).strip(" ") and
                all(c in _MARKS for c in text_content(child).strip())):  # fmt: skip
            parts.append(text_content(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _anchor_for(heading: Element) -> str | None:
    if heading.get("id"):
        return str(heading.get("id"))
    for a in heading.iter("a"):
        if a.get("id") or a.get("name"):
            return str(a.get("id") or a.get("name"))
    node = heading.getparent()
    while node is not None:
        if node.get("id") and node.tag not in ("body", "html"):
            return str(node.get("id"))
        node = node.getparent()
    return None


def block_text(el: Element) -> str:
    """An element's text with its paragraphs apart (blank lines between blocks)."""
    if next(el.iterdescendants(*_BLOCK_OR_SKIPPED), None) is None:
        return normalise(text_content(el))  # no block inside: its text as it is
    parts: list[str] = [el.text or ""]
    _block_parts(el, parts)
    return normalise("".join(parts))


def _block_parts(node: Element, parts: list[str]) -> None:
    """The text of ``node``'s children and their tails, a newline around each block."""
    for child in node:
        tag = child.tag
        if type(tag) is str and tag not in _SKIP_TAGS:
            block = tag in _BLOCK
            if block:
                parts.append("\n")
            if child.text:
                parts.append(child.text)
            if len(child):
                _block_parts(child, parts)
            if block:
                parts.append("\n")
        if child.tail:
            parts.append(child.tail)


def _definitions(
    dl: Element, section_id: str, group: str, texts: dict[Element, str]
) -> list[Definition]:
    """<dt>/<dd> pairs of one list (several <dt> before one <dd> share it);
    ``texts``: the block_text of <dd> elements already known."""
    out: list[Definition] = []
    terms: list[Element] = []
    for child in dl:
        if child.tag == "dt":
            terms.append(child)
        elif child.tag == "dd":
            text = texts[child] if child in texts else block_text(child)
            for dt in terms:
                anchor = dt.get("id") or next(
                    (str(a.get("id") or a.get("name")) for a in dt.iter("a")
                     if a.get("id") or a.get("name")), None)  # fmt: skip
                out.append(Definition(_cell_text(dt), text, section_id, group, anchor))
            terms = []
    for dt in terms:  # a term without a definition still counts as an item
        out.append(Definition(_cell_text(dt), "", section_id, group))
    return out


def _list_items(
    lst: Element, section_id: str, group: str, texts: dict[Element, str]
) -> list[Definition]:
    return [
        Definition("", texts[li] if li in texts else block_text(li), section_id, group,
                   li.get("id"), kind="list")
        for li in lst
        if li.tag == "li"
    ]  # fmt: skip


def _cell_text(cell: Element) -> str:
    return " ".join(text_content(cell).split())


def _row_line(tr: Element) -> str:
    cells = [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
    return ROW_SEPARATOR.join(_cell_text(c) for c in cells) if cells else ""


def _table(
    el: Element, section_id: str, row_cells: dict[Element, list[str]] | None = None
) -> Table:
    """The table's own rows (a header row of <th> apart); ``row_cells`` keeps
    each row's cell texts for its line in the section's text."""
    headers: list[str] = []
    rows: list[list[str]] = []
    for tr in el.iter("tr"):
        # skip rows of nested tables: they belong to the inner table
        parent = tr.getparent()
        owner = (
            parent.getparent()
            if parent is not None and parent.tag in ("thead", "tbody", "tfoot")
            else parent
        )
        if owner is not el:
            continue
        cells = [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
        if not cells:
            continue
        texts = [_cell_text(c) for c in cells]
        if row_cells is not None:
            row_cells[tr] = texts
        if not headers and all(c.tag == "th" for c in cells):
            headers = texts
            continue
        rows.append(texts)
    return Table(headers=headers, rows=rows, section_id=section_id, line=_line(el))


def _line(el: Element) -> int | None:
    line = getattr(el, "sourceline", None)  # the stubs give it no type
    return line if isinstance(line, int) else None


# libxml2's nesting limit for documents parsed without XML_PARSE_HUGE.
MAX_HTML_DEPTH = 256


def _parse(data: bytes, encoding: str) -> tuple[Element, lxml.etree.HTMLParser]:
    """The page's root as ``lxml.html.fromstring`` finds it (a fragment's
    container for a fragment), built of plain ``lxml.etree`` elements."""
    parser = lxml.etree.HTMLParser(encoding=encoding)
    try:
        return lxml.html.fromstring(data, parser=parser), parser
    except AttributeError:
        # Merging several <body> or <head> elements uses lxml.html's own element
        # methods (libxml2 merges them itself, so this is for safety only).
        parser = lxml.html.HTMLParser(encoding=encoding)
        return lxml.html.fromstring(data, parser=parser), parser


# A page larger than this is read as a stream (html_stream): its tree is never
# held whole. Smaller pages are parsed at once (the same sections, a little faster).
STREAM_BYTES = 1 << 20


def _plain_container(el: Element) -> bool:
    """Whether walking ``el`` is only walking its children: no skipped class, no note."""
    attr = el.get("class")
    kind = (_CLASS_KINDS.get(attr) or _class_kind(attr)) if attr else 0
    return not kind & (_SKIPPED | _ADMONITION)


class _Page:
    """What the page gives beside its sections: its title and home link, and
    the text of its body for a page that turns out to have no section."""

    def __init__(self) -> None:
        self.title: str | None = None
        self.home: list[str] = []
        self.body_text: list[str] | None = []  # kept until a section is found

    def read_head(self, root: Element) -> None:
        title_el = root.find(".//title")
        self.title = clean_title(text_content(title_el)) if title_el is not None else None

    def read_home(self, el: Element) -> None:
        found = _HOME_TITLES(el)
        self.home = [str(h) for h in found] if isinstance(found, list) else []


def _walk_streamed(page: StreamedPage, walker: _Walker, seen: _Page) -> None:
    """Walk the body's pieces as ``walker.walk(body)`` would walk the body."""
    for kind, item in page.pieces():
        if kind == WHOLE:
            el: Element = item  # type: ignore[assignment]
            if not seen.home and type(el.tag) is str:
                seen.read_home(el)
            if seen.body_text is not None:
                if walker.sections:
                    seen.body_text = None
                else:
                    if type(el.tag) is str:
                        seen.body_text.append(text_content(el))
                    seen.body_text.append(el.tail or "")
            walker.walk(el)
        elif kind == TEXT:
            walker.parts.append(item)  # type: ignore[arg-type]
            if seen.body_text is not None:
                seen.body_text.append(item)  # type: ignore[arg-type]
        elif kind == OPEN:
            el = item  # type: ignore[assignment]
            if el.tag == "body":  # the head is complete: its title heads the first section
                seen.read_head(el.getroottree().getroot())
                walker.title = seen.title or ""
            elif el.tag in _BLOCK:
                walker.parts.append("\n")
        elif kind == CLOSE and item.tag in _BLOCK:  # type: ignore[attr-defined]
            walker.parts.append("\n")


def _depth_error(uri: str, errors: Any) -> None:
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in errors):
        # libxml2 drops whatever lies deeper than its limit (256 elements), which
        # no real page reaches: refuse the file rather than keep part of it.
        raise ExtractionError(
            f"{uri}: HTML nested deeper than {MAX_HTML_DEPTH} elements (the parser's "
            "limit); the text below that depth would be lost"
        )


def parse_html(
    data: bytes, uri: str, doc_key: str | None = None, stream: bool | None = None
) -> ParsedSource:
    """Parse HTML bytes; raises ExtractionError naming ``uri`` when it is not HTML.
    ``stream``: read the page as a stream (default: when over STREAM_BYTES)."""
    if not looks_like_html(data):
        raise ExtractionError(f"{uri}: not an HTML document (no HTML markup found)")
    # Without a declared charset lxml falls back to Latin-1; the web's default is UTF-8.
    declared = _CHARSET.search(data[:4096])
    encoding = declared.group(1).decode("ascii", "replace") if declared else "utf-8"
    source = ParsedSource(uri=uri, kind="html", hash=digest(data))
    walker = _Walker(uri, doc_key or source.doc_id)
    seen = _Page()
    body: Element | None = None
    root: Element | None = None
    try:
        if stream if stream is not None else len(data) > STREAM_BYTES:
            page = StreamedPage(data, encoding, _plain_container)
            _walk_streamed(page, walker, seen)
            _depth_error(uri, page.errors or ())
            root = page.root  # a page whose body could not be streamed is kept whole
        else:
            root, parser = _parse(data, encoding)
            _depth_error(uri, parser.error_log)
    except (lxml.etree.LxmlError, ValueError, LookupError) as exc:
        raise ExtractionError(f"{uri}: unparsable HTML: {exc}") from exc
    if root is not None:
        seen.read_head(root)
        seen.read_home(root)
        body = root.find("body")
        walker.title = seen.title or ""
        walker.walk(body if body is not None else root)
        seen.body_text = None
    walker._flush()
    source.title = seen.title
    if seen.home:
        m = _PRODUCT_HOME.match(seen.home[0])
        if m:
            source.product, source.version = m.group("product"), m.group("version")
    if not walker.sections:
        # Pages that are only a table of contents keep it as their text.
        if seen.body_text is not None:
            text = normalise("".join(seen.body_text))
        else:
            assert root is not None
            text = normalise(text_content(body if body is not None else root))
        if not text:
            raise ExtractionError(f"{uri}: HTML document has no text")
        walker.parts = [text]
        walker.anchor = None
        walker._flush()
    # A preamble without a heading takes the document title.
    source.sections = walker.sections
    source.tables = walker.tables
    source.definitions = walker.definitions
    source.lang = language(
        (source.title or "") + " " + " ".join(s.text[:500] for s in walker.sections[:5])
    )
    if not source.title:
        source.title = walker.sections[0].title or uri.rsplit("/", 1)[-1]
    return source
