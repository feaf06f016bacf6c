"""Rust panics (old and new message format) with `stack backtrace:`."""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractors.traces.frames import is_app_frame, make_frame, split_last
from extractors.traces.lines import (
    Level,
    Line,
    build_trace,
    next_nonblank,
)
from extractors.traces.model import Frame, StackTrace

# --- Rust ----------------------------------------------------------------------------

_RUST_PANIC = re.compile(r"thread '(?P<thread>[^']*)'(?: \(\d+\))? panicked at (?P<rest>.*?)\s*$")
_RUST_NEW_LOC = re.compile(r"^(?P<file>\S(?:.*?\S)?):(?P<line>\d+):(?P<col>\d+):$")
_RUST_OLD = re.compile(r"^'(?P<msg>.*)', (?P<file>\S+?):(?P<line>\d+):(?P<col>\d+)$", re.S)
_RUST_NOTE = re.compile(r"^\s*note: ")
_RUST_BT = re.compile(r"^\s*stack backtrace:\s*$")
_RUST_FRAME = re.compile(r"^\s*\d+:\s+(?:0x[0-9a-fA-F]+\s+-\s+)?(?P<name>\S.*?)\s*$")
_RUST_AT = re.compile(r"^\s*at\s+(?P<file>\S.*?):(?P<line>\d+)(?::\d+)?\s*$")
_RUST_HASH = re.compile(r"::h[0-9a-f]{16}$")


def _rust_frame(name: str) -> Frame:
    name = _RUST_HASH.sub("", name)
    cls, func = split_last(name, "::")
    return make_frame("rust", name, cls, func, "", None)


def parse_rust(lines: Sequence[Line], i: int) -> tuple[StackTrace, int] | None:
    m = _RUST_PANIC.search(lines[i].text)
    if m is None:
        return None
    n, rest = len(lines), m["rest"]
    lvl = Level("panic", "", i, i)
    loc_file, loc_line = "", 0
    if nm := _RUST_NEW_LOC.match(rest):  # Rust >= 1.73: the message on the next lines
        loc_file, loc_line = nm["file"], int(nm["line"])
        j, msg = i + 1, list[str]()
        while j < n and len(msg) < 20:
            t = lines[j].text
            if not t.strip() or _RUST_NOTE.match(t) or _RUST_BT.match(t) or _RUST_PANIC.search(t):
                break
            msg.append(t)
            lvl.end, j = j, j + 1
        lvl.message = "\n".join(msg)
    else:  # thread 'main' panicked at 'message', src/main.rs:5:13 (message may span lines)
        buf, k = rest, i
        while not _RUST_OLD.match(buf) and k + 1 < n and k - i < 20 and rest.startswith("'"):
            k += 1
            buf += "\n" + lines[k].text
        if om := _RUST_OLD.match(buf):
            lvl.message, loc_file, loc_line, lvl.end = om["msg"], om["file"], int(om["line"]), k
        else:
            lvl.message = rest
        j = lvl.end + 1
    in_bt = False
    while j < n:
        t = lines[j].text
        if _RUST_NOTE.match(t):
            lvl.end, j = j, j + 1
            if in_bt:
                break
            continue
        if _RUST_BT.match(t):
            in_bt, lvl.end, j = True, j, j + 1
            continue
        if in_bt and (am := _RUST_AT.match(t)):
            if lvl.frames and not lvl.frames[-1].file:
                f = lvl.frames[-1]
                f.file, f.line = am["file"], int(am["line"])
                qualified = (
                    f"{f.module_or_class}::{f.function}" if f.module_or_class else f.function
                )
                f.is_app = is_app_frame("rust", qualified, f.file)
            lvl.end, j = j, j + 1
            continue
        fm = _RUST_FRAME.match(t) if in_bt else None
        if in_bt and (fm or (t[:1].isspace() and ("::" in t or t.strip().startswith("<")))):
            lvl.frames.append(_rust_frame(fm["name"] if fm else t.strip()))
            lvl.end, j = j, j + 1
            continue
        if not t.strip():
            nb = next_nonblank(lines, j)
            if nb is not None and not in_bt and _RUST_BT.match(lines[nb].text):
                j = nb
                continue
        break
    if not lvl.frames and loc_file:
        lvl.frames.append(make_frame("rust", "", "", "", loc_file, loc_line))  # the panic location
    return build_trace("rust", [lvl], lines, i, lvl.end)
