"""Stack traces pasted in free text (tickets, chat, logs) -> StackTrace records.

`find_traces(text)` finds every trace in a text, in order, and parses it:
Python tracebacks (with chained exceptions), JVM traces (Java, Kotlin, Scala;
`Caused by:` chains, `... n more`, `Suppressed:`), Go panics, Node.js errors
(with `[cause]`), .NET exceptions (with `--->` inner exceptions) and Rust
panics (old and new message format, `stack backtrace:`). Traces may sit in
prose, carry log-line prefixes (timestamps, levels, `[thread]`, docker-compose
and syslog columns, `>` quoting), Windows line endings, and indentation that a
chat client changed; prefixes are stripped for parsing, `raw` keeps the lines.

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

Application frames: a frame is library/runtime code when a rule of
`LIBRARY_RULES` for its language matches (name prefix, name pattern or path
pattern); everything else is the customer's application code.

Recognised but not kept: JVM `Suppressed:` blocks, the other goroutines of a
Go dump, the inner-exception repeats of a .NET AggregateException, the
properties of a Node error object.

Left out: Python exception groups (`+-+` boxes), Ruby/PHP/C++ traces, anyhow
`Caused by:` reports, localised .NET frames (`bei ... in ...:Zeile`), traces
whose lines a chat client joined into one line, and error log lines without a
stack (log templates are a separate extractor).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

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

FINGERPRINT_FRAMES: Final = 3
_MAX_MESSAGE_LINES: Final = 10  # lines between an exception header and its first frame
_MAX_FRAME_CHARS: Final = 2000  # longer lines are not frames (and would make regexes slow)


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


# --- library / runtime code --------------------------------------------------


@dataclass(frozen=True, slots=True)
class LibraryRule:
    """Marks a frame as library code. Names are qualified (`pkg.Class.method`,
    `crate::mod::fn`); paths are matched with `\\` turned to `/`, lower-cased."""

    name_prefixes: tuple[str, ...] = ()
    name_patterns: tuple[str, ...] = ()
    path_patterns: tuple[str, ...] = ()


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_GO_STDLIB = _words(
    "archive bufio bytes cmp compress container context crypto database debug embed encoding "
    "errors expvar flag fmt go hash html image index internal io iter log maps math mime net os "
    "path plugin reflect regexp runtime slices sort strconv strings sync syscall testing text "
    "time unicode unique unsafe"
)

LIBRARY_RULES: Final[dict[str, LibraryRule]] = {
    "python": LibraryRule(
        path_patterns=(
            r"/(?:site|dist)-packages/",
            r"/lib(?:64)?/python\d",
            r"/lib/pypy",
            r"/python\d+/lib/",
            r"^<frozen ",
        ),
    ),
    "java": LibraryRule(
        name_prefixes=_words(
            "java. javax. jakarta. sun. com.sun. jdk. kotlin. kotlinx. scala. akka. play.api. "
            "cats.effect. zio. groovy. org.codehaus.groovy. org.springframework. org.apache. "
            "org.hibernate. org.eclipse. org.junit. org.jboss. org.glassfish. org.slf4j. "
            "org.postgresql. org.mybatis. org.aspectj. org.gradle. org.h2. com.fasterxml. "
            "com.google. com.zaxxer. com.mysql. com.mongodb. io.netty. io.grpc. io.micrometer. "
            "io.undertow. io.reactivex. io.vertx. io.ktor. reactor. rx. feign. okhttp3. okio. "
            "retrofit2. ch.qos.logback. net.bytebuddy. android. androidx. dalvik. "
            "com.android. _COROUTINE."
        ),
        name_patterns=(
            r"\$\$(?:EnhancerBy|FastClassBy|SpringCGLIB|Lambda)",
            r"\$Proxy\d+\.",
            r"GeneratedMethodAccessor\d+",
        ),
        path_patterns=(r"^<generated>$", r"^native method$"),
    ),
    "go": LibraryRule(
        name_prefixes=tuple(p + s for p in _GO_STDLIB for s in "./"),
        name_patterns=(r"^[^./]+$",),  # builtins without a package: panic, goexit
        path_patterns=(
            r"/usr/(?:local/)?(?:lib/)?go[\w.-]*/src/",
            r"/libexec/src/",
            r"/program files/go/src/",
            r"/sdk/go[\d.]+/src/",
            r"golang\.org/toolchain@",
            r"/pkg/mod/",
            r"/vendor/",
        ),
    ),
    "node": LibraryRule(
        path_patterns=(
            r"^node:",
            r"^internal/",
            r"/node_modules/",
            r"^<anonymous>$",
            r"^native$",
            r"^index \d+$",
            r"^eval at ",
            r"^(?:events|module|net|timers|fs|child_process|domain|http|https|tls|zlib|util"
            r"|stream|dns|vm|cluster|node|bootstrap_node|_stream_\w+|_http_\w+|_tls_\w+)\.js$",
        ),
    ),
    "dotnet": LibraryRule(
        name_prefixes=_words(
            "System. Microsoft. Newtonsoft. Npgsql. MySql. Dapper. Castle. NHibernate. Serilog. "
            "NLog. Polly. MediatR. AutoMapper. FluentValidation. StackExchange. Grpc. Swashbuckle. "
            "Xunit. NUnit. Mono. Hangfire. MassTransit. RabbitMQ. Amazon. Azure. Google. Internal. "
            "Interop. lambda_method DynamicClass"
        ),
    ),
    "rust": LibraryRule(
        name_prefixes=_words(
            "std:: core:: alloc:: tokio:: futures:: futures_util:: futures_core:: hyper:: tower:: "
            "axum:: actix_web:: actix_rt:: actix_http:: actix_server:: rayon:: rayon_core:: "
            "serde:: serde_json:: anyhow:: backtrace:: tracing:: reqwest:: sqlx:: diesel:: "
            "test:: panic_unwind:: rust_begin_unwind __rust"
        ),
        name_patterns=(r"^[^:]+$",),  # bare symbols: main, _start, __libc_start_main
        path_patterns=(r"^/rustc/", r"/\.cargo/(?:registry|git)/", r"/library/(?:std|core|alloc)/"),
    ),
}


@dataclass(frozen=True, slots=True)
class _CompiledRule:
    prefixes: tuple[str, ...]
    name: re.Pattern[str] | None
    path: re.Pattern[str] | None


def _alternation(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


_RULES: Final = {
    lang: _CompiledRule(
        r.name_prefixes, _alternation(r.name_patterns), _alternation(r.path_patterns)
    )
    for lang, r in LIBRARY_RULES.items()
}


def is_app_frame(language: str, qualified_name: str, file: str) -> bool:
    """True when the frame is application code by `LIBRARY_RULES[language]`."""
    rule = _RULES[language]
    name = qualified_name
    if language == "rust" and name.startswith("<"):  # <myapp::Foo as core::fmt::Display>::fmt
        m = re.match(r"<&?(?:mut )?([^<>\s]+)", name)
        name = m[1] if m else name
    if name.startswith(rule.prefixes) or (rule.name and rule.name.search(name)):
        return False
    path = file.replace("\\", "/").lower()
    return not (path and rule.path and rule.path.search(path))


def _split_last(name: str, sep: str) -> tuple[str, str]:
    """Split at the last `sep` outside brackets: ("pkg.Class", "method")."""
    depth, cut = 0, -1
    i = 0
    while i < len(name):
        ch = name[i]
        if ch in "<([{":
            depth += 1
        elif ch in ">)]}":
            depth = max(depth - 1, 0)
        elif depth == 0 and name.startswith(sep, i):
            cut = i
        i += 1
    return (name[:cut], name[cut + len(sep) :]) if cut >= 0 else ("", name)


def _frame(
    language: str, qualified: str, cls: str, func: str, file: str, line: int | None
) -> Frame:
    return Frame(func, cls, file, line, is_app_frame(language, qualified, file))


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
class _Line:
    no: int  # 1-based
    raw: str
    text: str  # log prefix stripped


def _split_lines(text: str) -> list[_Line]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u200b", "")
    out: list[_Line] = []
    for no, raw in enumerate(text.split("\n"), start=1):
        raw = raw.rstrip()
        m = _PREFIX.match(raw)
        body = raw[m.end() :] if m else raw
        out.append(_Line(no, raw, body.replace("\u00a0", " ")))
    return out


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _next_nonblank(lines: Sequence[_Line], j: int) -> int | None:
    while j < len(lines):
        if lines[j].text.strip():
            return j
        j += 1
    return None


@dataclass(slots=True)
class _Level:
    type: str
    message: str
    start: int
    end: int
    frames: list[Frame] = field(default_factory=list)
    omitted: int = 0
    relation: str = ""
    truncated: bool = False


def _build(
    language: str, levels: list[_Level], lines: Sequence[_Line], start: int, end: int
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
    return _frame("python", file, module, m["func"] or "", file, int(m["line"]))


def _py_exception_line(text: str, frame_indent: int | None) -> re.Match[str] | None:
    """The final `Type: message` line (not a source line, which sits deeper)."""
    if frame_indent is not None and _indent(text) > frame_indent:
        return None
    m = _PY_EXC.match(text.strip())
    if m is None:
        return None
    last = m["type"].rsplit(".", 1)[-1]
    return m if last[:1].isupper() or (m["msg"] is not None and "." in m["type"]) else None


def _py_segment(lines: Sequence[_Line], i: int) -> _Level:
    lvl = _Level("", "", start=i, end=i)
    j, n, frame_indent = i + 1, len(lines), 0
    while j < n:
        t = lines[j].text
        if fm := _PY_FILE.match(t):
            lvl.frames.append(_py_frame(fm))
            lvl.end, frame_indent = j, _indent(t)
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
            k = _next_nonblank(lines, j)
            if k is not None and lvl.frames and _PY_FILE.match(lines[k].text):
                j = k
                continue
            break
        em = _py_exception_line(t, None)
        if em:
            lvl.type, lvl.message, lvl.end = em["type"], em["msg"] or "", j
            exc_indent = _indent(t)
            j += 1
            while j < n and lines[j].text.strip() and _indent(lines[j].text) > exc_indent:
                lvl.message += "\n" + lines[j].text.strip()
                lvl.end, j = j, j + 1
            return lvl
        break
    lvl.truncated = True
    return lvl


def _parse_python(lines: Sequence[_Line], i: int) -> tuple[StackTrace, int] | None:
    if not _PY_START.search(lines[i].text):
        return None
    segments = [_py_segment(lines, i)]
    if segments[0].truncated and not segments[0].frames:
        return None  # the words alone, in prose
    while not segments[-1].truncated:
        k = _next_nonblank(lines, segments[-1].end + 1)
        relation = _PY_CHAIN.get(lines[k].text.strip()) if k is not None else None
        k2 = _next_nonblank(lines, k + 1) if k is not None and relation else None
        if relation is None or k2 is None or not _PY_START.search(lines[k2].text):
            break
        segments[-1].relation = relation
        segments.append(_py_segment(lines, k2))
    return _build("python", segments[::-1], lines, i, segments[-1].end)


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
    at = _AT.match(text) if len(text) <= _MAX_FRAME_CHARS else None
    if at is None:
        return None
    body = at["body"]
    m = _JAVA_CALL.match(body)
    if m and (loc := _JAVA_LOC.match(m["loc"])):
        name = m["name"].rsplit("/", 1)[-1]  # java.base/java.lang.Thread.run, app//...
        cls, func = _split_last(name, ".")
        file = loc["file"] or m["loc"]
        line = int(loc["line"]) if loc["line"] else None
        return "java", _frame("java", name, cls, func, file, line)
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
        cls, func = _split_last(name, ".")
        file = loc["file"] or m["loc"]
        line = int(loc["line"]) if loc["line"] else None
        return "node", _frame("node", name, cls, func, file, line)
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
            cls, func = _split_last(name, ".")
        file, line = m["file"] or "", int(m["line"]) if m["line"] else None
        return "dotnet", _frame("dotnet", name, cls, func, file, line)
    return None


def _is_header(m: re.Match[str]) -> bool:
    if m["pre"]:
        return True
    t = m["type"]
    last = re.split(r"[.$]", t)[-1]
    return bool(_ERRORISH.search(last)) or (
        "." in t and last[:1].isupper() and m["msg"] is not None
    )


def _level(text: str, start: int, relation: str = "") -> _Level:
    """A level from its header text: `Type: message` plus continuation lines."""
    head, _, rest = text.strip().partition("\n")
    more = "\n".join(x.strip() for x in rest.splitlines() if x.strip())
    m = _HEADER.match(head)
    if m is None:
        return _Level(head.strip(), more, start, start, relation=relation)
    message = (m["msg"] or "") + ("\n" + more if more else "")
    return _Level(m["type"] + (m["code"] or ""), message, start, start, relation=relation)


def _continues(lang: str, text: str) -> bool:
    c = _classify_at(text)
    if c is not None:
        return c[0] == lang
    if lang == "java":
        return bool(_CAUSED_BY.match(text) or _JAVA_MORE.match(text))
    if lang == "dotnet":
        return bool(_DOTNET_END_INNER.match(text) or _DOTNET_END_PREV.match(text))
    return bool(_NODE_CAUSE.match(text))


def _at_header(lines: Sequence[_Line], i: int, floor: int) -> tuple[int, int] | None:
    """(header line, first frame line) of an `at`-style trace starting at line i."""
    hm = _HEADER.match(lines[i].text)
    if hm and _is_header(hm):
        for j in range(i + 1, min(len(lines), i + 1 + _MAX_MESSAGE_LINES)):
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


def _parse_at_family(lines: Sequence[_Line], i: int, floor: int) -> tuple[StackTrace, int] | None:
    found = _at_header(lines, i, floor)
    if found is None:
        return None
    start, first = found
    classified = _classify_at(lines[first].text)
    assert classified is not None
    lang = classified[0]
    if start == first:  # cut above the header
        levels = [_Level("", "", start, start, truncated=True)]
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
            ind = _indent(t)
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
            elif _indent(t) == 0:
                break
            last, j = j, j + 1  # properties of the error object: code: 'ECONNREFUSED', ...
            continue
        if not s:
            nb = _next_nonblank(lines, j)
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
    return _build(lang, levels, lines, start, last)


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
    return _frame("go", name, cls, rest, file, line)


def _go_level(m: re.Match[str], j: int) -> _Level:
    kind, msg = m["kind"] or m["http"], m["msg"]
    if msg.startswith("runtime error: "):
        kind, msg = "runtime error", msg[len("runtime error: ") :]
    return _Level(kind, msg, j, j)


def _parse_go(lines: Sequence[_Line], i: int) -> tuple[StackTrace, int] | None:
    n = len(lines)
    heads: list[_Level] = []
    if m := _GO_HEAD.match(lines[i].text):
        heads.append(_go_level(m, i))
        g = i + 1
        while g < n and not _GO_GOROUTINE.match(lines[g].text):
            t = lines[g].text
            if g > i + _MAX_MESSAGE_LINES:
                return None
            if m2 := _GO_HEAD.match(t):
                heads.append(_go_level(m2, g))
            elif t.strip() and not t.strip().startswith("[signal"):
                heads[-1].message += "\n" + t.strip()
            g += 1
        if g >= n:
            return None
    elif _GO_GOROUTINE.match(lines[i].text):
        heads, g = [_Level("", "", i, i, truncated=True)], i
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
        fm = (_GO_FUNC.match(t) or _GO_CREATED.match(t)) if len(t) <= _MAX_FRAME_CHARS else None
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
            nb = _next_nonblank(lines, j)
            if nb is not None and (
                _GO_GOROUTINE.match(lines[nb].text) or _GO_EXIT.match(lines[nb].text)
            ):
                j = nb
                continue
        break
    return _build("go", [top, *heads[-2::-1]], lines, heads[0].start, last)


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
    cls, func = _split_last(name, "::")
    return _frame("rust", name, cls, func, "", None)


def _parse_rust(lines: Sequence[_Line], i: int) -> tuple[StackTrace, int] | None:
    m = _RUST_PANIC.search(lines[i].text)
    if m is None:
        return None
    n, rest = len(lines), m["rest"]
    lvl = _Level("panic", "", i, i)
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
            nb = _next_nonblank(lines, j)
            if nb is not None and not in_bt and _RUST_BT.match(lines[nb].text):
                j = nb
                continue
        break
    if not lvl.frames and loc_file:
        lvl.frames.append(_frame("rust", "", "", "", loc_file, loc_line))  # the panic location
    return _build("rust", [lvl], lines, i, lvl.end)


# --- scanning --------------------------------------------------------------------------


def find_traces(text: str) -> list[StackTrace]:
    """Every stack trace in `text`, in order of appearance."""
    lines = _split_lines(text)
    traces: list[StackTrace] = []
    i = floor = 0
    while i < len(lines):
        found = (
            _parse_python(lines, i)
            or _parse_rust(lines, i)
            or _parse_go(lines, i)
            or _parse_at_family(lines, i, floor)
        )
        if found is None:
            i += 1
            continue
        trace, last = found
        traces.append(trace)
        i = floor = last + 1
    return traces
