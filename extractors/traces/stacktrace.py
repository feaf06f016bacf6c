"""Stack traces pasted in free text (tickets, chat, logs) -> StackTrace records.

`find_traces(text)` finds every trace in a text, in order, and parses it:
Python tracebacks (with chained exceptions), JVM traces (Java, Kotlin, Scala;
`Caused by:` chains, `... n more`, `Suppressed:`), Go panics, Node.js errors
(with `[cause]`), .NET exceptions (with `--->` inner exceptions) and Rust
panics (old and new message format, `stack backtrace:`). Traces may sit in
prose, carry log-line prefixes (timestamps, levels, `[thread]`, docker-compose
and syslog columns, `>` quoting), Windows line endings, and indentation that a
chat client changed; prefixes are stripped for parsing, `raw` keeps the lines.

Modules: `model` (Frame, StackTrace, chains, fingerprints, message
templates), `frames` (LIBRARY_RULES, application frames), `lines` (log-prefix
stripping, building records) and one parser per trace family: `python`,
`jvm_node_dotnet` (`at ...` frames), `go`, `rust`.
This module is the entry point: it scans a text and re-exports the public API.

Recognised but not kept: JVM `Suppressed:` blocks, the other goroutines of a
Go dump, the inner-exception repeats of a .NET AggregateException, the
properties of a Node error object.

Left out: Python exception groups (`+-+` boxes), Ruby/PHP/C++ traces, anyhow
`Caused by:` reports, localised .NET frames (`bei ... in ...:Zeile`), traces
whose lines a chat client joined into one line, and error log lines without a
stack (log templates are a separate extractor).
"""

from __future__ import annotations

from extractors.traces.frames import LIBRARY_RULES, LibraryRule, is_app_frame
from extractors.traces.go import parse_go
from extractors.traces.jvm_node_dotnet import parse_jvm_node_dotnet
from extractors.traces.lines import split_lines
from extractors.traces.model import (
    FINGERPRINT_FRAMES,
    Frame,
    StackTrace,
    fingerprint,
    message_template,
)
from extractors.traces.python import parse_python
from extractors.traces.rust import parse_rust

__all__ = [
    "FINGERPRINT_FRAMES",
    "LIBRARY_RULES",
    "Frame",
    "LibraryRule",
    "StackTrace",
    "find_traces",
    "fingerprint",
    "is_app_frame",
    "message_template",
]


# --- scanning --------------------------------------------------------------------------


def find_traces(text: str) -> list[StackTrace]:
    """Every stack trace in `text`, in order of appearance."""
    lines = split_lines(text)
    traces: list[StackTrace] = []
    i = floor = 0
    while i < len(lines):
        found = (
            parse_python(lines, i)
            or parse_rust(lines, i)
            or parse_go(lines, i)
            or parse_jvm_node_dotnet(lines, i, floor)
        )
        if found is None:
            i += 1
            continue
        trace, last = found
        traces.append(trace)
        i = floor = last + 1
    return traces
