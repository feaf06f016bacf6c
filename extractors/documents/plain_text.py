"""Plain-text documents (.txt): runbooks, release notes, READMEs, exported notes.

Support teams keep much of their knowledge as plain text. Its headings are
found by shape, for any vendor: Markdown ATX (``# Title``) and setext
(underlined with ``===`` or ``---``) headings as they are, and a short line
standing alone between blank lines that is numbered (``2.3 Restoring a
backup``), written in capitals (``TROUBLESHOOTING``), or a Chinese chapter or
list heading (``第二章 安装``, ``三、故障排除``). The text is then read as
Markdown, so lists, fenced and indented code, and tables work as in a
``.md`` file.
"""

from __future__ import annotations

import re

from extractors.documents.markdown import parse_markdown
from extractors.records import ExtractionError, ParsedSource, document_text

MAX_HEADING_CHARS = 80
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?[ \t]+(\S.*)$")
_ZH_HEADING = re.compile(
    r"^(?:第[一二三四五六七八九十百\d]+[章节部分篇]|[一二三四五六七八九十]+、)\s*\S"
)
_LETTERS = re.compile(r"[A-Za-z]")


def _level(line: str) -> int | None:
    """The heading level a standalone line has by its shape, else None."""
    text = line.strip()
    if not text or len(text) > MAX_HEADING_CHARS or text[-1] in ".,;:!?。，；：！？":
        return None
    if m := _NUMBERED.match(text):
        return min(1 + m.group(1).count("."), 6)
    if _ZH_HEADING.match(text):
        return 1 if text.startswith("第") else 2
    letters = _LETTERS.findall(text)
    if len(letters) >= 3 and all(c.isupper() for c in letters):
        return 2
    return None


def to_markdown(text: str) -> str:
    lines = text.splitlines()
    out: list[str] = []
    for i, line in enumerate(lines):
        alone = (i == 0 or not lines[i - 1].strip()) and (
            i + 1 == len(lines) or not lines[i + 1].strip()
        )
        level = _level(line) if alone and not line.startswith((" ", "\t", "#")) else None
        out.append(f"{'#' * level} {line.strip()}" if level else line)
    return "\n".join(out) + "\n"


def parse_text(data: bytes, uri: str) -> ParsedSource:
    text = document_text(data, uri, "a text document")
    if not text.strip():
        raise ExtractionError(f"{uri}: text document has no text")
    source = parse_markdown(to_markdown(text).encode(), uri)
    source.kind = "text"
    return source
