"""Stack-trace records: Frame and StackTrace, message templates, fingerprints.

Chains: a StackTrace is the outermost exception (what was finally raised or
printed first by the JVM/.NET); `caused_by` lists its causes from the direct
cause to the root cause, so `trace.root_cause` is `caused_by[-1]` (or the
trace itself). Python prints the root first; it is reordered to the same
shape. Each cause's `relation` is "cause" (Java `Caused by`, Python
`raise ... from`, .NET inner exception, Node `[cause]`) or "context" (Python
"During handling ...", a Go panic raised while another was recovering).

Fingerprint (stable across re-occurrences of one bug): sha256 over
  - the language,
  - the exception type of the root cause (for panics, which have no type --
    Go `panic`/`fatal error`/`runtime error` and Rust `panic` -- the type plus
    the message template, since the message is all that tells two panics apart),
  - the top 3 application frames of the root cause, each as class (last name
    component) + function + file base name. JVM causes ending in `... n more`
    are completed with the enclosing trace's last n frames; if the root cause
    has fewer than 3 app frames the enclosing exceptions' app frames follow;
    with no app frame at all the root's top 3 frames are used.
Never in it: line and column numbers, directories, memory addresses, hash
suffixes of generated names (Rust `::h0123...`, CGLIB/lambda classes, C#
`d__5` state machines), or the message of typed exceptions. So the same bug in
a later build, on another machine or for another user id has the same
fingerprint; another exception type or another app code location does not.

`message_template` replaces the variable parts of a message (numbers, ids,
UUIDs, hex, quoted values, paths, URLs, e-mail and IP addresses, dates) by
`<*>`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

__all__ = ["FINGERPRINT_FRAMES", "Frame", "StackTrace", "fingerprint", "message_template"]

FINGERPRINT_FRAMES: Final = 3


@dataclass(slots=True)
class Frame:
    function: str
    module_or_class: str
    file: str
    line: int | None
    is_app: bool


@dataclass(slots=True)
class StackTrace:
    language: str  # python | java | go | node | dotnet | rust
    exception_type: str  # "" when the trace was cut before the type
    message: str
    frames: list[Frame]
    app_frames: list[Frame]
    caused_by: list[StackTrace] = field(default_factory=list)
    fingerprint: str = ""
    start_line: int = 0  # 1-based, inclusive, in the text given to find_traces
    end_line: int = 0
    raw: str = ""
    message_template: str = ""
    truncated: bool = False  # the header / final exception line was not seen
    omitted_frames: int = 0  # JVM "... n more"
    relation: str = ""  # for a cause: "cause" or "context"

    @property
    def root_cause(self) -> StackTrace:
        return self.caused_by[-1] if self.caused_by else self

    @property
    def chain(self) -> list[StackTrace]:
        return [self, *self.caused_by]


# --- message templates and fingerprints ----------------------------------------

_TEMPLATE_RULES: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (re.compile(r"\b[a-zA-Z][\w+.-]{0,30}://[^\s'\"<>)]+"), "<*>"),  # URLs
    (re.compile(r"\b[\w.+-]{1,64}@[\w-]+(?:\.[\w-]+)+"), "<*>"),  # e-mail
    (re.compile(r"\b[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\b"), "<*>"),  # UUID
    (re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?(?:Z\b)?"), "<*>"),
    (re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b"), "<*>"),  # IPv4[:port]
    (re.compile(r"\b0x[0-9a-fA-F]+\b"), "<*>"),
    (re.compile(r"(?<![\w/.])(?:[A-Za-z]:\\|\\\\)[^\s'\"]*"), "<*>"),  # Windows paths
    (re.compile(r"(?<![\w/.:~])(?:~|\.{1,2})?/[\w.@%+~-]+(?:/[\w.@%+~-]*)*"), "<*>"),  # POSIX paths
    (re.compile(r"(?<![\w'])'[^'\n]*'(?!\w)"), "'<*>'"),
    (re.compile(r'(?<![\w"])"[^"\n]*"(?!\w)'), '"<*>"'),
    (re.compile(r"\b(?=[0-9a-fA-F]*\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{8,}\b"), "<*>"),  # hashes
    (re.compile(r"(?<=[A-Za-z][_-])\d+\b"), "<*>"),  # usr_42, order-1001
    (re.compile(r"(?<![\w.])-?\d+(?:\.\d+)*(?:[a-zA-Z%]{1,3})?\b"), "<*>"),  # numbers, 30s, 5.2MB
    (re.compile(r"<\*>(?:[.:/-]?<\*>)+"), "<*>"),
)


def message_template(message: str) -> str:
    """The message with its variable parts replaced by `<*>`."""
    out = " ".join(message.split())
    for pattern, repl in _TEMPLATE_RULES:
        out = pattern.sub(repl, out)
    return out


_GENERIC_TYPES: Final = frozenset({"", "panic", "fatal error", "runtime error"})
_UNSTABLE_NAME: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (re.compile(r"0x[0-9a-fA-F]+"), ""),
    (re.compile(r"::h[0-9a-f]{16}$"), ""),
    (re.compile(r"\$\$(?:EnhancerBy\w+|FastClassBy\w+|SpringCGLIB|Lambda)[\w$]*(?:/\w*)?"), ""),
    (re.compile(r"(?<=__)\d+(?:_\d+)?"), ""),
    (re.compile(r"(?<=DisplayClass)\d+_\d+"), ""),
)


def _stable(name: str) -> str:
    for pattern, repl in _UNSTABLE_NAME:
        name = pattern.sub(repl, name)
    return name


def _frame_key(frame: Frame) -> str:
    owner = re.split(r"::|[./]", _stable(frame.module_or_class))[-1]
    base = re.split(r"[/\\]", frame.file)[-1]
    return f"{owner}.{_stable(frame.function)}@{base}"


def _full_frames(chain: Sequence[StackTrace], idx: int) -> list[Frame]:
    """Frames of chain[idx], with a JVM `... n more` filled from the enclosing trace."""
    trace = chain[idx]
    frames = list(trace.frames)
    if trace.omitted_frames and idx > 0:
        frames += _full_frames(chain, idx - 1)[-trace.omitted_frames :]
    return frames


def fingerprint(trace: StackTrace) -> str:
    """Stable id of the bug behind a trace (see the module documentation)."""
    chain = trace.chain
    root = chain[-1]
    keys: list[str] = []
    for idx in range(len(chain) - 1, -1, -1):
        for f in _full_frames(chain, idx):
            key = _frame_key(f)
            if f.is_app and key not in keys and len(keys) < FINGERPRINT_FRAMES:
                keys.append(key)
    if not keys:
        keys = [_frame_key(f) for f in _full_frames(chain, len(chain) - 1)[:FINGERPRINT_FRAMES]]
    type_key = root.exception_type
    if type_key in _GENERIC_TYPES:
        type_key += ": " + message_template(root.message)[:160]
    basis = "\x1f".join([trace.language, type_key, *keys])
    return hashlib.sha256(basis.encode()).hexdigest()[:16]
