"""JVM (Java, Kotlin, Scala), Node.js and .NET traces: a header line, then `at ...`
frames (`Caused by:`, `... n more`, `Suppressed:`, `[cause]`, `--->` inner exceptions)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractors.traces.frames import make_frame, split_last
from extractors.traces.lines import (
    MAX_FRAME_CHARS,
    MAX_MESSAGE_LINES,
    Level,
    Line,
    build_trace,
    indent_of,
    next_nonblank,
)
from extractors.traces.model import Frame, StackTrace

# --- JVM, Node.js and .NET: a header line, then "at ..." frames ------------------

_HEADER = re.compile(
    r"^\s*(?P<pre>Exception in thread \"[^\"]*\"\s+|Unhandled [Ee]xception[.:]?\s+"
    r"|(?:FATAL )?UNHANDLED EXCEPTION:\s*|Uncaught\s+(?:\(in promise\)\s+)?)?"
    r"(?P<type>[A-Za-z_$][\w$`]*(?:\.[A-Za-z_$][\w$`]*)*)"
    r"(?P<code>\s\[[A-Z][\w.-]*\])?"  # Node: Error [ERR_HTTP_HEADERS_SENT]
    r"(?:\s*\((?:0x[0-9A-Fa-f]+|-?\d+)\))?"  # .NET: SocketException (10061)
    r"(?::(?:\s*(?P<msg>.*))?)?\s*$"
)
_ERRORISH = re.compile(
    r"(?:Error|Exception|Throwable|Fault|Failure|Rejection|Warning|Abort|Exit|Interrupt"
    r"|Timeout|Violation|Defect)$"
)
_INLINE_EXC = re.compile(
    r"(?<![\w.$])(?P<type>(?:[A-Za-z_$][\w$]*\.)*[A-Z][\w$]*(?:Exception|Error|Throwable))\b"
    r"(?::\s*(?P<msg>.*))?"
)
_AT = re.compile(r"^\s*at\s+(?P<body>\S.*?)\s*$")
_JAVA_CALL = re.compile(r"^(?P<name>[^\s()]+)\((?P<loc>[^()]*)\)(?:\s+~?\[[^\]]*\])?$")
_JAVA_LOC = re.compile(
    r"^(?:(?P<file>[\w$.-]+\.(?:java|kt|kts|scala|groovy|clj|cljc|jsp|xtend))(?::(?P<line>\d+))?"
    r"|Native Method|Unknown Source(?::\d+)?|SourceFile(?::\d+)?|<generated>|Unknown)$"
)
_NODE_CALL = re.compile(r"^(?:async\s+)?(?:new\s+)?(?P<name>.+?)\s+\((?P<loc>.*)\)\s*\{?$")
_NODE_BARE = re.compile(r"^(?:async\s+)?(?P<loc>\S+?:\d+:\d+)\s*\{?$")
_NODE_LOC = re.compile(
    r"^(?P<file>(?:\S*[/\\]|node:|<anonymous>|eval at )\S*?|[\w.-]+\.(?:[cm]?[jt]sx?|vue|svelte))"
    r":(?P<line>\d+)(?::\d+)?$|^(?:<anonymous>|native|index \d+)$"
)
_DOTNET_CALL = re.compile(
    r"^(?P<name>[^\s(][^(]*?)\s?\((?P<params>[^()]*)\)(?:\s*\[0x[0-9a-fA-F]+\])?"
    r"(?:\s+in\s+(?P<file>.+?):(?:line\s+)?(?P<line>\d+))?$"
)
_DOTNET_PARAMS = re.compile(r"^[\w.`\[\]<>,&*?\s]*$")
_DOTNET_ASYNC = re.compile(r"^(?P<cls>.+?)\.<(?P<fn>[^>]+)>d__\d+\.MoveNext$")
_DOTNET_LAMBDA = re.compile(r"^(?P<cls>.+?)\.<>c(?:__DisplayClass[\d_]+)?\.<(?P<fn>[^>]+)>b__\S+$")
_CAUSED_BY = re.compile(r"^\s*(?P<kind>Caused by|Suppressed|Wrapped by):\s*(?P<rest>.*)$")
_JAVA_MORE = re.compile(r"^\s*\.\.\.\s*(?P<n>\d+)\s+(?:more|common frames omitted)\s*$")
_DOTNET_END_INNER = re.compile(r"^\s*---\s*End of inner exception stack trace\s*---\s*$")
_DOTNET_END_PREV = re.compile(r"^\s*---\s*End of stack trace from previous location[\w ]*---\s*$")
_DOTNET_AGG = re.compile(r"^\s*--->\s*\(Inner Exception #\d+\)")
_NODE_CAUSE = re.compile(r"^\s*\[cause\]:\s*(?P<rest>.*)$")
_NODE_VERSION = re.compile(r"^Node\.js v\d+")
_OTHER_START = re.compile(
    r"Traceback \(most recent call last\):|^\s*goroutine \d+ .*\]:\s*$"
    r"|thread '[^']*'(?: \(\d+\))? panicked at"
)


def _classify_at(text: str) -> tuple[str, Frame] | None:
    """An `at ...` frame line: its language (java, node, dotnet) and Frame."""
    at = _AT.match(text) if len(text) <= MAX_FRAME_CHARS else None
    if at is None:
        return None
    body = at["body"]
    m = _JAVA_CALL.match(body)
    if m and (loc := _JAVA_LOC.match(m["loc"])):
        name = m["name"].rsplit("/", 1)[-1]  # java.base/java.lang.Thread.run, app//...
        cls, func = split_last(name, ".")
        file = loc["file"] or m["loc"]
        line = int(loc["line"]) if loc["line"] else None
        return "java", make_frame("java", name, cls, func, file, line)
    m = _NODE_CALL.match(body)
    loc = _NODE_LOC.match(m["loc"]) if m else None
    if m is None or loc is None:
        m = _NODE_BARE.match(body)
        loc = _NODE_LOC.match(m["loc"]) if m else None
        if loc and loc["file"] and loc["file"].endswith(".rs"):  # a Rust backtrace line
            return None
    name = re.sub(
        r"\s*\[as [^\]]+\]$", "", (m.groupdict().get("name") or "<anonymous>") if m else ""
    )
    if m is not None and loc is not None and not re.search(r"\s", name):
        cls, func = split_last(name, ".")
        file = loc["file"] or m["loc"]
        line = int(loc["line"]) if loc["line"] else None
        return "node", make_frame("node", name, cls, func, file, line)
    m = _DOTNET_CALL.match(body)
    if m and (
        m["file"]
        or (
            ("." in m["name"] or m["name"].startswith("lambda_method"))
            and _DOTNET_PARAMS.match(m["params"])
        )
    ):
        name = m["name"].strip()
        if d := _DOTNET_ASYNC.match(name) or _DOTNET_LAMBDA.match(name):
            cls, func = d["cls"], d["fn"]
        else:
            cls, func = split_last(name, ".")
        file, line = m["file"] or "", int(m["line"]) if m["line"] else None
        return "dotnet", make_frame("dotnet", name, cls, func, file, line)
    return None


def _is_header(m: re.Match[str]) -> bool:
    if m["pre"]:
        return True
    t = m["type"]
    last = re.split(r"[.$]", t)[-1]
    return bool(_ERRORISH.search(last)) or (
        "." in t and last[:1].isupper() and m["msg"] is not None
    )


def _level(text: str, start: int, relation: str = "") -> Level:
    """A level from its header text: `Type: message` plus continuation lines."""
    head, _, rest = text.strip().partition("\n")
    more = "\n".join(x.strip() for x in rest.splitlines() if x.strip())
    m = _HEADER.match(head)
    if m is None:
        return Level(head.strip(), more, start, start, relation=relation)
    message = (m["msg"] or "") + ("\n" + more if more else "")
    return Level(m["type"] + (m["code"] or ""), message, start, start, relation=relation)


def _continues(lang: str, text: str) -> bool:
    c = _classify_at(text)
    if c is not None:
        return c[0] == lang
    if lang == "java":
        return bool(_CAUSED_BY.match(text) or _JAVA_MORE.match(text))
    if lang == "dotnet":
        return bool(_DOTNET_END_INNER.match(text) or _DOTNET_END_PREV.match(text))
    return bool(_NODE_CAUSE.match(text))


def _at_header(lines: Sequence[Line], i: int, floor: int) -> tuple[int, int] | None:
    """(header line, first frame line) of an `at`-style trace starting at line i."""
    hm = _HEADER.match(lines[i].text)
    if hm and _is_header(hm):
        for j in range(i + 1, min(len(lines), i + 1 + MAX_MESSAGE_LINES)):
            t = lines[j].text
            if _classify_at(t):
                return i, j
            h2 = _HEADER.match(t)
            if (h2 and _is_header(h2)) or _OTHER_START.search(t) or _CAUSED_BY.match(t):
                return None  # a nearer header, or another kind of trace
        return None
    if _classify_at(lines[i].text) is None:
        return None
    if i - 1 >= floor:  # prose and exception on one line: "... failed: java.io.IOException: x"
        inline = _INLINE_EXC.search(lines[i - 1].text)
        if inline and (inline["msg"] is not None or "." in inline["type"]):
            return i - 1, i
    return i, i


def parse_jvm_node_dotnet(
    lines: Sequence[Line], i: int, floor: int
) -> tuple[StackTrace, int] | None:
    found = _at_header(lines, i, floor)
    if found is None:
        return None
    start, first = found
    classified = _classify_at(lines[first].text)
    assert classified is not None
    lang = classified[0]
    if start == first:  # cut above the header
        levels = [Level("", "", start, start, truncated=True)]
    else:
        head = lines[start].text
        hm = _HEADER.match(head)
        if hm and _is_header(hm):
            head = head[hm.start("type") :]
        else:
            inline = _INLINE_EXC.search(head)
            head = head[inline.start() :] if inline else head
        # header lines; a .NET header also names its inner exceptions after "--->"
        pieces: list[tuple[int, str]] = []
        for k in range(start, first):
            text = head if k == start else lines[k].text
            segs = re.split(r"\s*--->\s*", text) if lang == "dotnet" else [text]
            if pieces:
                pieces[-1] = (pieces[-1][0], pieces[-1][1] + "\n" + segs[0])
            else:
                pieces.append((k, segs[0]))
            pieces += [(k, s) for s in segs[1:]]
        levels = [_level(text, k, "cause" if n else "") for n, (k, text) in enumerate(pieces)]
    cur, seg, depth = levels[0], 0, 0
    suppressed: int | None = None
    pending: list[str] = []
    last, j, n = first, first, len(lines)
    while j < n:
        t = lines[j].text
        c = _classify_at(t)
        if c is not None:
            if c[0] != lang:
                break
            target = levels[max(len(levels) - 1 - seg, 0)] if lang == "dotnet" else cur
            if suppressed is None:
                if pending:
                    target.message += "\n" + "\n".join(pending)
                    pending = []
                target.frames.append(c[1])
                target.end = j
            if lang == "node" and t.rstrip().endswith("{"):
                depth += 1
            last, j = j, j + 1
            continue
        s = t.strip()
        if lang == "java" and (m := _JAVA_MORE.match(t)):
            if suppressed is None:
                cur.omitted, cur.end = int(m["n"]), j
            last, j = j, j + 1
            continue
        if lang == "java" and (m := _CAUSED_BY.match(t)):
            ind = indent_of(t)
            if m["kind"] == "Suppressed":
                suppressed = ind if suppressed is None else suppressed
            elif suppressed is not None and suppressed > 0 and ind >= suppressed:
                pass  # the cause of a suppressed exception
            else:
                suppressed, pending = None, []
                cur = _level(m["rest"], j, "cause")
                levels.append(cur)
            last, j = j, j + 1
            continue
        if lang == "dotnet" and (_DOTNET_END_INNER.match(t) or _DOTNET_END_PREV.match(t)):
            seg += 1 if _DOTNET_END_INNER.match(t) else 0
            last, j = j, j + 1
            continue
        if lang == "dotnet" and _DOTNET_AGG.match(t):  # AggregateException repeats its inners
            k = j  # ... up to "<---" at the end of the last line of each
            while k < n and k - j < 500 and not lines[k].text.rstrip().endswith("<---"):
                k += 1
            if k >= n or k - j >= 500:
                break
            last, j = k, k + 1
            continue
        if lang == "node" and (m := _NODE_CAUSE.match(t)):
            cur = _level(m["rest"], j, "cause")
            levels.append(cur)
            last, j = j, j + 1
            continue
        if lang == "node" and depth > 0 and s:
            if s.startswith("}"):
                depth -= 1
            elif indent_of(t) == 0:
                break
            last, j = j, j + 1  # properties of the error object: code: 'ECONNREFUSED', ...
            continue
        if not s:
            nb = next_nonblank(lines, j)
            if nb is not None and _continues(lang, lines[nb].text):
                j = nb
                continue
            if lang == "node" and nb is not None and _NODE_VERSION.match(lines[nb].text):
                last = nb
            break
        if lang == "java" and len(levels) > 1 and not cur.frames and len(pending) < 8:
            pending.append(s)  # a multi-line "Caused by:" message, if frames follow
            j += 1
            continue
        break
    return build_trace(lang, levels, lines, start, last)
