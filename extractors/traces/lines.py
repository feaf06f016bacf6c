"""Text lines of a pasted trace (log prefixes stripped) and the levels of a chain
that the per-language parsers fill and `build_trace` turns into StackTrace records."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from extractors.traces.model import Frame, StackTrace, fingerprint, message_template

MAX_MESSAGE_LINES: Final = 10  # lines between an exception header and its first frame
MAX_FRAME_CHARS: Final = 2000  # longer lines are not frames (and would make regexes slow)


# --- lines ---------------------------------------------------------------------

_PREFIX_TOKEN = (
    r"(?:>+"  # mail / chat quoting
    r"|\[?\d{4}[-/]\d{2}[-/]\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?\]?"
    r"|\[?\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\]?"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} \d{2}:\d{2}:\d{2}"
    r" [\w.-]+ [\w./-]+(?:\[\d+\])?:"  # syslog
    r"|\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\s+\d+\s+\d+\s+[VDIWEF]\s+[\w.]+\s*:"  # logcat
    r"|[VDIWEF]/[\w.]+\(\s*\d+\):"
    r"|[\[<]?(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|SEVERE|FATAL|CRITICAL|CRIT)[\]>]?:?"
    r"|\[(?!cause\])[^\]\n]{1,80}\]"  # [main], [http-nio-8080-exec-1]
    r"|[\w.-]+ *\|"  # docker compose service column
    r"|(?:stdout|stderr) [FP]"  # CRI log format
    r")"
)
_PREFIX = re.compile(rf"^(?:[ \t]*{_PREFIX_TOKEN}(?=[ \t]|$))+[ \t]?")


@dataclass(frozen=True, slots=True)
class Line:
    no: int  # 1-based
    raw: str
    text: str  # log prefix stripped


def split_lines(text: str) -> list[Line]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u200b", "")
    out: list[Line] = []
    for no, raw in enumerate(text.split("\n"), start=1):
        raw = raw.rstrip()
        m = _PREFIX.match(raw)
        body = raw[m.end() :] if m else raw
        out.append(Line(no, raw, body.replace("\u00a0", " ")))
    return out


def indent_of(text: str) -> int:
    return len(text) - len(text.lstrip())


def next_nonblank(lines: Sequence[Line], j: int) -> int | None:
    while j < len(lines):
        if lines[j].text.strip():
            return j
        j += 1
    return None


@dataclass(slots=True)
class Level:
    type: str
    message: str
    start: int
    end: int
    frames: list[Frame] = field(default_factory=list)
    omitted: int = 0
    relation: str = ""
    truncated: bool = False


def build_trace(
    language: str, levels: list[Level], lines: Sequence[Line], start: int, end: int
) -> tuple[StackTrace, int]:
    """levels: outermost first, root cause last."""
    traces: list[StackTrace] = []
    for lvl in levels:
        message = lvl.message.strip()
        traces.append(
            StackTrace(
                language=language,
                exception_type=lvl.type,
                message=message,
                frames=lvl.frames,
                app_frames=[f for f in lvl.frames if f.is_app],
                start_line=lines[lvl.start].no,
                end_line=lines[max(lvl.end, lvl.start)].no,
                raw="\n".join(x.raw for x in lines[lvl.start : lvl.end + 1]),
                message_template=message_template(message),
                truncated=lvl.truncated,
                omitted_frames=lvl.omitted,
                relation=lvl.relation,
            )
        )
    top = traces[0]
    top.caused_by = traces[1:]
    top.start_line, top.end_line = lines[start].no, lines[end].no
    top.raw = "\n".join(x.raw for x in lines[start : end + 1])
    top.truncated = any(lvl.truncated for lvl in levels)
    for t in reversed(traces):
        t.fingerprint = fingerprint(t)
    return top, end
