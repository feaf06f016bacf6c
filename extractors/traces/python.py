"""Python tracebacks, with `raise ... from` and "During handling ..." chains."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from extractors.traces.frames import make_frame
from extractors.traces.lines import (
    Level,
    Line,
    build_trace,
    indent_of,
    next_nonblank,
)
from extractors.traces.model import Frame, StackTrace

# --- Python --------------------------------------------------------------------

_PY_START = re.compile(r"Traceback \(most recent call last\):\s*$")
_PY_FILE = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)(?:, in (?P<func>.+?))?\s*$')
_PY_CARET = re.compile(r"^\s*[~^]+\s*$")
_PY_REPEATED = re.compile(r"\[Previous line repeated \d+ more times?\]\s*$")
_PY_EXC = re.compile(r"^(?P<type>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(?::\s?(?P<msg>.*))?$")
_PY_CHAIN: Final = {
    "The above exception was the direct cause of the following exception:": "cause",
    "During handling of the above exception, another exception occurred:": "context",
}


def _py_frame(m: re.Match[str]) -> Frame:
    file = m["file"]
    path = file.replace("\\", "/")
    found = re.search(r"/(?:site|dist)-packages/(.+?)\.py$", path) or re.search(
        r"/lib/python[\d.]+/(.+?)\.py$", path
    )
    module = found[1] if found else re.sub(r"\.py$", "", path.rsplit("/", 1)[-1])
    module = re.sub(r"/__init__$", "", module).replace("/", ".")
    return make_frame("python", file, module, m["func"] or "", file, int(m["line"]))


def _py_exception_line(text: str, frame_indent: int | None) -> re.Match[str] | None:
    """The final `Type: message` line (not a source line, which sits deeper)."""
    if frame_indent is not None and indent_of(text) > frame_indent:
        return None
    m = _PY_EXC.match(text.strip())
    if m is None:
        return None
    last = m["type"].rsplit(".", 1)[-1]
    return m if last[:1].isupper() or (m["msg"] is not None and "." in m["type"]) else None


def _py_segment(lines: Sequence[Line], i: int) -> Level:
    lvl = Level("", "", start=i, end=i)
    j, n, frame_indent = i + 1, len(lines), 0
    while j < n:
        t = lines[j].text
        if fm := _PY_FILE.match(t):
            lvl.frames.append(_py_frame(fm))
            lvl.end, frame_indent = j, indent_of(t)
            j += 1
            if j < n:  # the source line, unless the exception follows directly
                nxt = lines[j].text
                plain = nxt.strip() and not _PY_FILE.match(nxt) and not _PY_CARET.match(nxt)
                if plain and (
                    not _py_exception_line(nxt, frame_indent)
                    or (j + 1 < n and _PY_FILE.match(lines[j + 1].text))
                ):
                    lvl.end, j = j, j + 1
            continue
        if _PY_CARET.match(t) or _PY_REPEATED.search(lines[j].raw):
            lvl.end, j = j, j + 1
            continue
        if not t.strip():  # blank, or a line that was all log prefix
            k = next_nonblank(lines, j)
            if k is not None and lvl.frames and _PY_FILE.match(lines[k].text):
                j = k
                continue
            break
        em = _py_exception_line(t, None)
        if em:
            lvl.type, lvl.message, lvl.end = em["type"], em["msg"] or "", j
            exc_indent = indent_of(t)
            j += 1
            while j < n and lines[j].text.strip() and indent_of(lines[j].text) > exc_indent:
                lvl.message += "\n" + lines[j].text.strip()
                lvl.end, j = j, j + 1
            return lvl
        break
    lvl.truncated = True
    return lvl


def parse_python(lines: Sequence[Line], i: int) -> tuple[StackTrace, int] | None:
    if not _PY_START.search(lines[i].text):
        return None
    segments = [_py_segment(lines, i)]
    if segments[0].truncated and not segments[0].frames:
        return None  # the words alone, in prose
    while not segments[-1].truncated:
        k = next_nonblank(lines, segments[-1].end + 1)
        relation = _PY_CHAIN.get(lines[k].text.strip()) if k is not None else None
        k2 = next_nonblank(lines, k + 1) if k is not None and relation else None
        if relation is None or k2 is None or not _PY_START.search(lines[k2].text):
            break
        segments[-1].relation = relation
        segments.append(_py_segment(lines, k2))
    return build_trace("python", segments[::-1], lines, i, segments[-1].end)
