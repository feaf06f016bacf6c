"""Go panics and fatal errors with their goroutine dumps."""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractors.traces.frames import make_frame
from extractors.traces.lines import (
    MAX_FRAME_CHARS,
    MAX_MESSAGE_LINES,
    Level,
    Line,
    build_trace,
    next_nonblank,
)
from extractors.traces.model import Frame, StackTrace

# --- Go ----------------------------------------------------------------------------

_GO_HEAD = re.compile(
    r"^\s*(?:(?P<kind>panic|fatal error)|http: (?P<http>panic) serving \S+): (?P<msg>.*?)"
    r"(?: \[recovered(?:, repanicked)?\])?\s*$"
)
_GO_GOROUTINE = re.compile(r"^\s*goroutine \d+(?: [^\[\]]*)? ?\[[^\]]*\]:\s*$")
_GO_FUNC = re.compile(r"^\s*(?P<call>[^\s(]\S*\(.*\))\s*$")
_GO_FILE = re.compile(
    r"^\s*(?P<file>\S.*?\.(?:go|s|c)|\?\?):(?P<line>\d+)(?: \+0x[0-9a-fA-F]+)?(?: .*)?$"
)
_GO_CREATED = re.compile(r"^\s*created by (?P<name>\S+?)(?: in goroutine \d+)?\s*$")
_GO_MISC = re.compile(r"^\s*(?:\.\.\.\s*(?:additional frames elided|\d+ frames elided)\s*\.*)\s*$")
_GO_EXIT = re.compile(r"^\s*exit status \d+\s*$")


def _go_frame(name: str, file: str, line: int) -> Frame:
    slash = name.rfind("/")
    dot = name.find(".", slash + 1)
    pkg, rest = (name[:dot], name[dot + 1 :]) if dot >= 0 else ("", name)
    cls = pkg
    if rest.startswith("(") and ")." in rest:  # (*Cart).Add
        recv, rest = rest.split(").", 1)
        cls = f"{pkg}.{recv})"
    elif "." in rest and rest[:1].isupper():  # value receiver: Cart.Total
        recv, rest = rest.split(".", 1)
        cls = f"{pkg}.{recv}"
    return make_frame("go", name, cls, rest, file, line)


def _go_level(m: re.Match[str], j: int) -> Level:
    kind, msg = m["kind"] or m["http"], m["msg"]
    if msg.startswith("runtime error: "):
        kind, msg = "runtime error", msg[len("runtime error: ") :]
    return Level(kind, msg, j, j)


def parse_go(lines: Sequence[Line], i: int) -> tuple[StackTrace, int] | None:
    n = len(lines)
    heads: list[Level] = []
    if m := _GO_HEAD.match(lines[i].text):
        heads.append(_go_level(m, i))
        g = i + 1
        while g < n and not _GO_GOROUTINE.match(lines[g].text):
            t = lines[g].text
            if g > i + MAX_MESSAGE_LINES:
                return None
            if m2 := _GO_HEAD.match(t):
                heads.append(_go_level(m2, g))
            elif t.strip() and not t.strip().startswith("[signal"):
                heads[-1].message += "\n" + t.strip()
            g += 1
        if g >= n:
            return None
    elif _GO_GOROUTINE.match(lines[i].text):
        heads, g = [Level("", "", i, i, truncated=True)], i
    else:
        return None
    top = heads[-1]
    for k, h in enumerate(heads[:-1]):
        h.relation = "context"
        h.end = heads[k + 1].start - 1
    last, j, in_first = g, g + 1, True
    while j < n:
        t = lines[j].text
        nxt = lines[j + 1].text if j + 1 < n else ""
        fm = (_GO_FUNC.match(t) or _GO_CREATED.match(t)) if len(t) <= MAX_FRAME_CHARS else None
        loc = _GO_FILE.match(nxt)
        if fm and loc:
            if in_first:
                name = fm["name"] if "name" in fm.groupdict() else fm["call"]
                name = name[: name.rfind("(")] if name.endswith(")") else name
                top.frames.append(_go_frame(name, loc["file"], int(loc["line"])))
                top.end = j + 1
            last, j = j + 1, j + 2
            continue
        if _GO_GOROUTINE.match(t) or _GO_MISC.match(t):
            in_first = in_first and not _GO_GOROUTINE.match(t)
            last, j = j, j + 1
            continue
        if _GO_EXIT.match(t):
            last = j
            break
        if not t.strip():
            nb = next_nonblank(lines, j)
            if nb is not None and (
                _GO_GOROUTINE.match(lines[nb].text) or _GO_EXIT.match(lines[nb].text)
            ):
                j = nb
                continue
        break
    return build_trace("go", [top, *heads[-2::-1]], lines, heads[0].start, last)
