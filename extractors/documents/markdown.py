"""Markdown documents (with optional YAML front matter) -> sections and tables.

markdown-it-py renders CommonMark plus tables to HTML, which then goes through
the same sectioner as HTML documents, so both formats yield the same shape.
Headings get GitHub-style slug anchors.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from markdown_it import MarkdownIt

from extractors.documents.html import parse_html
from extractors.records import ExtractionError, ParsedSource, digest, document_text

_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.S)
_md = MarkdownIt("commonmark").enable("table")


def _slug(text: str) -> str:
    s = re.sub(r"[^\w\u4e00-\u9fff\- ]", "", text.strip().lower())
    return re.sub(r"\s+", "-", s)


def _anchor_headings(tokens: list[Any]) -> None:
    seen: dict[str, int] = {}
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and i + 1 < len(tokens):
            base = _slug(tokens[i + 1].content) or "section"
            n = seen.get(base, 0)
            seen[base] = n + 1
            tok.attrSet("id", base if n == 0 else f"{base}-{n}")


def parse_markdown(data: bytes, uri: str) -> ParsedSource:
    text = document_text(data, uri, "a Markdown document")
    meta: dict[str, Any] = {}
    m = _FRONT.match(text)
    if m:
        try:
            loaded = yaml.safe_load(m.group(1))
        except yaml.YAMLError as exc:
            raise ExtractionError(f"{uri}: malformed YAML front matter: {exc}") from exc
        if loaded is not None and not isinstance(loaded, dict):
            raise ExtractionError(f"{uri}: front matter must be a mapping")
        meta = loaded or {}
        text = text[m.end() :]
    if not text.strip():
        raise ExtractionError(f"{uri}: Markdown document has no text")
    tokens = _md.parse(text)
    _anchor_headings(tokens)
    html = "<html><body>" + _md.renderer.render(tokens, _md.options, {}) + "</body></html>"
    source = parse_html(html.encode(), uri)
    source.kind = "markdown"
    source.hash = digest(data)
    first = source.sections[0]
    source.title = str(
        meta.get("title") or (first.heading_path[:1] and first.heading_path[0]) or uri
    )
    if meta.get("product"):
        source.product = str(meta["product"])
    if meta.get("version") is not None:
        source.version = str(meta["version"])
    if meta.get("lang") in ("zh", "en"):
        source.lang = str(meta["lang"])
    return source
