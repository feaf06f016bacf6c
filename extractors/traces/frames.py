"""Library / runtime code versus the customer's application code in trace frames.

Application frames: a frame is library/runtime code when a rule of
`LIBRARY_RULES` for its language matches (name prefix, name pattern or path
pattern); everything else is the customer's application code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from extractors.traces.model import Frame

__all__ = ["LIBRARY_RULES", "LibraryRule", "is_app_frame"]

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


def split_last(name: str, sep: str) -> tuple[str, str]:
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


def make_frame(
    language: str, qualified: str, cls: str, func: str, file: str, line: int | None
) -> Frame:
    return Frame(func, cls, file, line, is_app_frame(language, qualified, file))
