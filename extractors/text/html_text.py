"""HTML of posts (Stack Exchange bodies, Discourse "cooked") -> plain text.

Paragraph-like elements become line breaks, code blocks are kept verbatim,
scripts and styles are dropped.
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html

_SKIP = {"script", "style", "noscript", "template", "head"}
_BLOCKS = {"p", "div", "br", "hr", "ul", "ol", "dl", "dt", "dd", "table", "tr",
           "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "aside", "section",
           "article", "details", "summary", "figure", "header", "footer"}  # fmt: skip
_SPACES = re.compile(r"[ \t\r\f\v\xa0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_CODE_MARK = re.compile("\ue000(\\d+)\ue001")  # private-use marks hold code blocks


def html_text(html: str) -> str:
    """Post HTML -> plain text: paragraphs on their own lines, list items with '- ',
    code blocks kept verbatim between ``` fences, images by their alt text."""
    html = html.replace("\x00", "").replace("\ue000", "").replace("\ue001", "")
    if not html.strip():
        return ""
    if "<" not in html:
        return plain_text(html)
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return plain_text(html)
    parts: list[str] = []
    codes: list[str] = []
    _walk(root, parts, codes)
    text = plain_text("".join(parts))
    return _CODE_MARK.sub(lambda m: codes[int(m.group(1))], text)


def plain_text(text: str) -> str:
    text = _SPACES.sub(" ", text.replace("\x00", ""))
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()


def _walk(el: lxml.html.HtmlElement, parts: list[str], codes: list[str]) -> None:
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if not tag or tag in _SKIP:  # comments, processing instructions, scripts
        if el.tail:
            parts.append(el.tail)
        return
    if tag == "pre":
        code = el.text_content().replace("\x00", "").strip("\n")
        codes.append("```\n" + code + "\n```")
        parts.append(f"\n\ue000{len(codes) - 1}\ue001\n")
    elif tag == "img":
        parts.append(el.get("alt") or "")
    else:
        if tag in _BLOCKS:
            parts.append("\n")
        if tag == "li":
            parts.append("\n- ")
        elif tag in ("td", "th"):
            parts.append(" ")
        if el.text:
            parts.append(el.text)
        for child in el:
            _walk(child, parts, codes)
        if tag in _BLOCKS:
            parts.append("\n")
    if el.tail:
        parts.append(el.tail)


# --------------------------------------------------------------------------- write
