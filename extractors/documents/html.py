"""HTML documents -> sections (by heading) and tables.

lxml's C parser keeps the whole PostgreSQL manual well inside the ingest
budget (BeautifulSoup's pure-Python parser alone would take ~25 s). The walk
is one pass in document order: every h1-h6 starts a new section whose anchor
is the nearest enclosing element id; navigation, tables of contents, scripts
and styles are skipped. Each section also keeps its lead (its own first
paragraphs, not those of a table, list, note or changelog), and the page's
definition lists and list items are kept as terms with their text, for the
error-code layouts (``extractors.tables.errcode_layouts``).
"""

from __future__ import annotations

import itertools
import re

import lxml.etree
import lxml.html

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
_SPACE = re.compile(r"[ \t\r\f\v]+")
_BLANKS = re.compile(r"\n\s*\n+")
_CHARSET = re.compile(rb"""charset=["']?([A-Za-z0-9_\-]+)""", re.I)
_PRODUCT_HOME = re.compile(r"^(?P<product>.+?)\s+(?P<version>\d+(?:\.\d+)*)\s+Documentation$")


def clean_title(text: str) -> str:
    """'5.4.1. Check Constraints' -> 'Check Constraints' (numbering is navigation)."""
    return _PERMALINK.sub("", _NUMBERING.sub("", " ".join(text.split())))


def normalise(text: str) -> str:
    text = _SPACE.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANKS.sub("\n\n", text).strip()


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

    def walk(self, el: lxml.html.HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        cls = set((el.get("class") or "").split())
        if tag in _SKIP_TAGS or cls & _SKIP_CLASSES or not tag:
            if el.tail:
                self.parts.append(el.tail)
            return
        level = _HEADINGS.get(tag)
        if level is not None and not _in_admonition(el):
            self._flush()
            title = clean_title(_heading_text(el))
            while self.stack and self.stack[-1][0] >= level:
                self.stack.pop()
            self.stack.append((level, title))
            self.title = title
            self.anchor = _anchor_for(el)
            if el.tail:
                self.parts.append(el.tail)
            return
        if tag == "tr" and (row := _row_line(el)):
            # One line per table row, cells apart, so a value stays beside its
            # label and a reader (or an answer) can tell the columns apart.
            self.parts.append("\n" + row + "\n")
            if el.tail:
                self.parts.append(el.tail)
            return
        if tag == "table":
            self.tables.append(_table(el, self.current_section_id()))
        elif tag == "dt" and (term := _term_title(el)):
            self.marks.append((len(self.parts), term, _own_anchor(el)))
        elif tag == "dl":
            sid = self.current_section_id()
            self.definitions.extend(_definitions(el, sid, f"{sid}|dl"))
        elif tag in ("ul", "ol"):
            sid = self.current_section_id()
            self.definitions.extend(_list_items(el, sid, f"{sid}|list@{el.sourceline}"))
        lead = tag == "p" and not self.nested and len(self.lead) < LEAD_PARAGRAPHS
        if lead and (para := block_text(el)):
            self.lead.append(para)
        aside = tag in _NOT_LEAD or bool(cls & _ADMONITIONS)
        self.nested += aside
        if tag in _BLOCK:
            self.parts.append("\n")
        if el.text:
            self.parts.append(el.text)
        for child in el:
            self.walk(child)
        if tag in _BLOCK:
            self.parts.append("\n")
        if el.tail:
            self.parts.append(el.tail)
        self.nested -= aside


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


def _term_title(dt: lxml.html.HtmlElement) -> str:
    """A <dt>'s first line, as the title of its entry."""
    text = normalise(block_text(dt))
    first = text.split("\n", 1)[0].strip()
    return first[:TERM_CHARS].rstrip(" " + _MARKS)


def _own_anchor(el: lxml.html.HtmlElement) -> str | None:
    """The element's id, or the first id or name inside it."""
    if el.get("id"):
        return str(el.get("id"))
    for a in el.iter():
        if isinstance(a.tag, str) and (a.get("id") or a.get("name")):
            return str(a.get("id") or a.get("name"))
    return None


def _in_admonition(el: lxml.html.HtmlElement) -> bool:
    """Headings of notes and tips are part of their section's text, not new sections."""
    node = el.getparent()
    for _ in range(4):
        if node is None:
            return False
        if set((node.get("class") or "").split()) & _ADMONITIONS:
            return True
        node = node.getparent()
    return False


def _heading_text(heading: lxml.html.HtmlElement) -> str:
    """A heading's text without its permalink (<a href="#x">#</a>)."""
    parts: list[str] = [heading.text or ""]
    for child in heading:
        if not isinstance(child.tag, str):
            parts.append(child.tail or "")
            continue
        link = child if child.tag == "a" else child.find("a")
        mark = link is not None and (link.get("href") or "").startswith("#")
        if not (mark and child.text_content().strip(" ") and
                all(c in _MARKS for c in child.text_content().strip())):  # fmt: skip
            parts.append(child.text_content())
        parts.append(child.tail or "")
    return "".join(parts)


def _anchor_for(heading: lxml.html.HtmlElement) -> str | None:
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


def block_text(el: lxml.html.HtmlElement) -> str:
    """An element's text with its paragraphs apart (blank lines between blocks)."""
    parts: list[str] = []

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

    parts.append(el.text or "")
    for child in el:
        visit(child)
    return normalise("".join(parts))


def _definitions(dl: lxml.html.HtmlElement, section_id: str, group: str) -> list[Definition]:
    """<dt>/<dd> pairs of one list (several <dt> before one <dd> share it)."""
    out: list[Definition] = []
    terms: list[lxml.html.HtmlElement] = []
    for child in dl:
        if child.tag == "dt":
            terms.append(child)
        elif child.tag == "dd":
            text = block_text(child)
            for dt in terms:
                anchor = dt.get("id") or next(
                    (str(a.get("id") or a.get("name")) for a in dt.iter("a")
                     if a.get("id") or a.get("name")), None)  # fmt: skip
                out.append(Definition(_cell_text(dt), text, section_id, group, anchor))
            terms = []
    for dt in terms:  # a term without a definition still counts as an item
        out.append(Definition(_cell_text(dt), "", section_id, group))
    return out


def _list_items(lst: lxml.html.HtmlElement, section_id: str, group: str) -> list[Definition]:
    return [
        Definition("", block_text(li), section_id, group, li.get("id"), kind="list")
        for li in lst
        if li.tag == "li"
    ]


def _cell_text(cell: lxml.html.HtmlElement) -> str:
    return " ".join(cell.text_content().split())


def _row_line(tr: lxml.html.HtmlElement) -> str:
    cells = [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
    return ROW_SEPARATOR.join(_cell_text(c) for c in cells) if cells else ""


def _table(el: lxml.html.HtmlElement, section_id: str) -> Table:
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
        if not headers and all(c.tag == "th" for c in cells):
            headers = texts
            continue
        rows.append(texts)
    return Table(headers=headers, rows=rows, section_id=section_id, line=el.sourceline)


# libxml2's nesting limit for documents parsed without XML_PARSE_HUGE.
MAX_HTML_DEPTH = 256


def parse_html(data: bytes, uri: str, doc_key: str | None = None) -> ParsedSource:
    """Parse HTML bytes; raises ExtractionError naming ``uri`` when it is not HTML."""
    if not looks_like_html(data):
        raise ExtractionError(f"{uri}: not an HTML document (no HTML markup found)")
    # Without a declared charset lxml falls back to Latin-1; the web's default is UTF-8.
    declared = _CHARSET.search(data[:4096])
    encoding = declared.group(1).decode("ascii", "replace") if declared else "utf-8"
    try:
        parser = lxml.html.HTMLParser(encoding=encoding)
        root: lxml.html.HtmlElement = lxml.html.fromstring(data, parser=parser)
    except (lxml.etree.ParserError, ValueError, LookupError) as exc:
        raise ExtractionError(f"{uri}: unparsable HTML: {exc}") from exc
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        # libxml2 drops whatever lies deeper than its limit (256 elements), which
        # no real page reaches: refuse the file rather than keep part of it.
        raise ExtractionError(
            f"{uri}: HTML nested deeper than {MAX_HTML_DEPTH} elements (the parser's "
            "limit); the text below that depth would be lost"
        )
    source = ParsedSource(uri=uri, kind="html", hash=digest(data))
    title_el = root.find(".//title")
    source.title = clean_title(title_el.text_content()) if title_el is not None else None
    home = [str(h) for h in root.xpath(".//a[@accesskey='h']/@title")]
    if home:
        m = _PRODUCT_HOME.match(home[0])
        if m:
            source.product, source.version = m.group("product"), m.group("version")
    body: lxml.html.HtmlElement | None = root.find("body")
    walker = _Walker(uri, doc_key or source.doc_id)
    walker.title = source.title or ""
    walker.walk(body if body is not None else root)
    walker._flush()
    if not walker.sections:
        # Pages that are only a table of contents keep it as their text.
        text = normalise((body if body is not None else root).text_content())
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
