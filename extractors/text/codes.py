"""Error codes by their shape, in questions and in documents.

One recogniser for the answer pipeline (codes in a question) and the
extractors (codes in a page, a heading, a table cell). Nothing here knows a
vendor: a code is recognised by what it looks like and by the words around it.

Shapes (``CodeMention.shape``) and when the shape alone is *strong* evidence:

- ``prefixed``  letters, hyphen, digits (``ABC-01234``): strong when the
  prefix is upper case; an all-lower-case one (typed in a question) is weak.
  ``E`` followed by 3-5 digits (``E1234``) is prefixed too, but weak.
- ``symbolic``  UPPER_SNAKE with at least one underscore: strong when it
  starts ``ERR_``/``ERROR_``/``E_`` or ends ``_ERR``/``_ERROR``/``_FAILED``/
  ``_FAILURE``/``_FAULT``/``_EXCEPTION``; any other constant is weak (it is
  a code only if the graph knows it).
- ``errno``     a POSIX/Linux/BSD errno name (a standard list): strong.
- ``hex``       ``0x`` and 8 hex digits (HRESULT, NTSTATUS): strong when the
  severity bit is set (first digit 8-F), else weak; shorter hex only after a
  cue ("error 0x1F"). Normalised to ``0x`` + 8 upper-case digits.
- ``sqlstate``  5 characters of digits and upper-case letters with at least
  one digit (``23505``, ``42P01``, ``0A000``): weak.
- ``http``      a status 100-599 with a cue ("HTTP 503", "status code 404",
  "返回 502") or followed by its standard reason phrase ("503 Service
  Unavailable"): strong. The code is the number.
- ``numeric``   a number after an error-code cue ("error code 5", "exit code
  137", "errno 111", "错误码 1045"): strong.

Any weak mention right after a cue ("error", "code", "SQLSTATE", "错误码"
...) becomes strong. Plain numbers, years, versions, ports, dates, hashes,
addresses, paths, "UTF-8" or "HTTP2" are not codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

__all__ = ["ERRNO_NAMES", "CodeMention", "code_shape", "find_codes", "parse_code"]


@dataclass(frozen=True)
class CodeMention:
    code: str  # normalised: the form stored as ErrorCode.code
    shape: str  # sqlstate | prefixed | symbolic | errno | hex | http | numeric
    strong: bool  # the shape (or its cue) alone says "this is an error code"
    start: int
    end: int


# POSIX, Linux and BSD errno names (the standard <errno.h> symbols).
_ERRNO = """
    E2BIG EACCES EADDRINUSE EADDRNOTAVAIL EADV EAFNOSUPPORT EAGAIN EALREADY EAUTH
    EBADARCH EBADE EBADEXEC EBADF EBADFD EBADMACHO EBADMSG EBADR EBADRPC EBADRQC
    EBADSLT EBFONT EBUSY ECANCELED ECAPMODE ECHILD ECHRNG ECOMM ECONNABORTED
    ECONNREFUSED ECONNRESET EDEADLK EDEADLOCK EDESTADDRREQ EDEVERR EDOM EDOOFUS
    EDOTDOT EDQUOT EEXIST EFAULT EFBIG EFTYPE EHOSTDOWN EHOSTUNREACH EHWPOISON
    EIDRM EILSEQ EINPROGRESS EINTEGRITY EINTR EINVAL EIO EISCONN EISDIR EISNAM
    EKEYEXPIRED EKEYREJECTED EKEYREVOKED EL2HLT EL2NSYNC EL3HLT EL3RST ELIBACC
    ELIBBAD ELIBEXEC ELIBMAX ELIBSCN ELNRNG ELOOP EMEDIUMTYPE EMFILE EMLINK
    EMSGSIZE EMULTIHOP ENAMETOOLONG ENAVAIL ENEEDAUTH ENETDOWN ENETRESET
    ENETUNREACH ENFILE ENOANO ENOATTR ENOBUFS ENOCSI ENODATA ENODEV ENOENT
    ENOEXEC ENOKEY ENOLCK ENOLINK ENOMEDIUM ENOMEM ENOMSG ENONET ENOPKG
    ENOPOLICY ENOPROTOOPT ENOSPC ENOSR ENOSTR ENOSYS ENOTBLK ENOTCAPABLE
    ENOTCONN ENOTDIR ENOTEMPTY ENOTNAM ENOTRECOVERABLE ENOTSOCK ENOTSUP ENOTTY
    ENOTUNIQ ENXIO EOPNOTSUPP EOVERFLOW EOWNERDEAD EPERM EPFNOSUPPORT EPIPE
    EPROCLIM EPROCUNAVAIL EPROGMISMATCH EPROGUNAVAIL EPROTO EPROTONOSUPPORT
    EPROTOTYPE EPWROFF EQFULL ERANGE EREMCHG EREMOTE EREMOTEIO ERESTART ERFKILL
    EROFS ERPCMISMATCH ESHLIBVERS ESHUTDOWN ESOCKTNOSUPPORT ESPIPE ESRCH ESRMNT
    ESTALE ESTRPIPE ETIME ETIMEDOUT ETOOMANYREFS ETXTBSY EUCLEAN EUNATCH EUSERS
    EWOULDBLOCK EXDEV EXFULL
"""
ERRNO_NAMES = frozenset(_ERRNO.split())

# Standard HTTP reason phrases (RFC 9110 and the common extensions).
_REASONS: dict[int, tuple[str, ...]] = {
    100: ("Continue",), 101: ("Switching Protocols",), 200: ("OK",), 201: ("Created",),
    202: ("Accepted",), 204: ("No Content",), 206: ("Partial Content",),
    301: ("Moved Permanently",), 302: ("Found",), 303: ("See Other",),
    304: ("Not Modified",), 307: ("Temporary Redirect",), 308: ("Permanent Redirect",),
    400: ("Bad Request",), 401: ("Unauthorized",), 402: ("Payment Required",),
    403: ("Forbidden",), 404: ("Not Found",), 405: ("Method Not Allowed",),
    406: ("Not Acceptable",), 407: ("Proxy Authentication Required",),
    408: ("Request Timeout",), 409: ("Conflict",), 410: ("Gone",),
    411: ("Length Required",), 412: ("Precondition Failed",),
    413: ("Payload Too Large", "Content Too Large", "Request Entity Too Large"),
    414: ("URI Too Long", "Request-URI Too Long"), 415: ("Unsupported Media Type",),
    416: ("Range Not Satisfiable",), 417: ("Expectation Failed",),
    421: ("Misdirected Request",), 422: ("Unprocessable Entity", "Unprocessable Content"),
    423: ("Locked",), 424: ("Failed Dependency",), 425: ("Too Early",),
    426: ("Upgrade Required",), 428: ("Precondition Required",),
    429: ("Too Many Requests",), 431: ("Request Header Fields Too Large",),
    451: ("Unavailable For Legal Reasons",), 500: ("Internal Server Error",),
    501: ("Not Implemented",), 502: ("Bad Gateway",), 503: ("Service Unavailable",),
    504: ("Gateway Timeout",), 505: ("HTTP Version Not Supported",),
    507: ("Insufficient Storage",), 508: ("Loop Detected",),
    511: ("Network Authentication Required",),
}  # fmt: skip
# Prefixes of standards, algorithms and encodings, which take numbers that are
# not error codes (SHA-256, ISO-8859, RFC-7231, CVE-2021-...).
_STANDARDS = (
    "AES ANSI CRC CVE DDR DES ECMA GMT GPT HMAC IEC IEEE ISO MD PCI RFC RSA SHA UCS USB UTC UTF"
)
_NOT_PREFIXES = frozenset(_STANDARDS.split())
_STRONG_SYMBOLIC = re.compile(r"^(?:ERR|ERROR|E)_|_(?:ERR|ERROR|FAILED|FAILURE|FAULT|EXCEPTION)$")
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

# --- whole tokens ------------------------------------------------------------

_PREFIXED = re.compile(r"([A-Za-z]{2,5})-(\d{3,5})")
_E_NUMBER = re.compile(r"E\d{3,5}")
_SYMBOLIC = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_HEX = re.compile(r"0[xX]([0-9a-fA-F]{8})")
_SQLSTATE = re.compile(r"(?=[0-9A-Za-z]*\d)[0-9A-Za-z]{5}")
_LETTERS_THEN_DIGITS = re.compile(r"[A-Za-z]{3,}\d+")  # HTTP2, UTF16, WIN32: names, not codes
_NUMBER_UNIT = re.compile(r"\d+[a-z]+|[vV]\d+")  # 100ms, 512kb; v1234 is a version


def _token(t: str, cued: bool = False) -> tuple[str, str, bool] | None:
    """(code, shape, strong) of one whole token, or None."""
    if m := _HEX.fullmatch(t):
        digits = m.group(1).upper()
        return "0x" + digits, "hex", cued or digits[0] in "89ABCDEF"
    if m := _PREFIXED.fullmatch(t):
        prefix = m.group(1)
        if prefix.upper() in _NOT_PREFIXES or not (prefix.isupper() or prefix.islower()):
            return None
        return f"{prefix.upper()}-{m.group(2)}", "prefixed", cued or prefix.isupper()
    if t in ERRNO_NAMES:
        return t, "errno", True
    if t.islower() and t.upper() in ERRNO_NAMES:
        return t.upper(), "errno", cued
    if _SYMBOLIC.fullmatch(t):
        if len(t) < 4 or sum(c.isalpha() for c in t) < 2:
            return None
        return t, "symbolic", cued or bool(_STRONG_SYMBOLIC.search(t))
    if _E_NUMBER.fullmatch(t):
        return t, "prefixed", cued
    if _SQLSTATE.fullmatch(t):
        if not (t.isupper() or t.isdigit() or t.islower()):
            return None  # Win32, Ab12C: mixed case is a name
        if _LETTERS_THEN_DIGITS.fullmatch(t) or _NUMBER_UNIT.fullmatch(t):
            return None
        return t.upper(), "sqlstate", cued
    return None


_MARKS = "#¶§\u00b6\U0001f517"
_QUALIFIER = re.compile(r"^(?:[a-z_][A-Za-z0-9_]*\.)+(?=[A-Z])")  # errno.EPERM, os.O_RDONLY


def _strip(token: str) -> str:
    t = token.strip().strip(_MARKS).strip()
    t = t.strip("`'\"“”‘’«»[]").strip()
    t = t.rstrip(":：").rstrip()
    if t.endswith("()"):
        t = t[:-2]
    return _QUALIFIER.sub("", t)


def parse_code(token: str) -> CodeMention | None:
    """The code a whole token or short phrase is ("ERR_X", "`E1234`",
    "errno.EPERM", "Error 1045", "HTTP 503"), or None.

    A bare number is not a code; a cue in front of it makes it one.
    """
    t = _strip(token)
    if not t or len(t) > 60:
        return None
    found = _token(t)
    if found:
        code, shape, strong = found
        return CodeMention(code, shape, strong, 0, len(t))
    if " " in t or any("\u3400" <= c <= "\u9fff" for c in t):
        mentions = find_codes(t)
        if len(mentions) == 1 and mentions[0].end == len(t) and mentions[0].strong:
            return mentions[0]
    return None


def code_shape(token: str) -> str | None:
    """Shape of one whole token (see the module notes), None if it is not code-shaped."""
    m = parse_code(token)
    return m.shape if m else None


# --- codes in running text ---------------------------------------------------

# A token is whole when it is not glued to letters, digits, paths, versions,
# ports, variables or other identifiers.
# (A dot before a token is allowed only after a qualifier: errno.EPERM.)
_BEFORE = r"(?<![A-Za-z0-9_\-/\\:@#$%&=+])"
_AFTER = r"(?![A-Za-z0-9_\-@%/\\+]|[.:]\w)"
_CANDIDATE = re.compile(
    _BEFORE + r"(?P<tok>[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+|0[xX][0-9a-fA-F]{8}"
    r"|[A-Za-z]{2,5}-\d{3,5}|[A-Za-z0-9]{3,20})" + _AFTER
)
_QUALIFIED = re.compile(r"(?<![\w.])(?:[a-z_][A-Za-z0-9_]*\.)+$")

_SEP = r"\s*(?:[:：=#]|\bis\b|\bwas\b|\bof\b|为|是)?\s*"
# a number, not a version, a quantity or a count ("3 times", "2次", "10 行")
_NUM = (
    r"(?P<num>-?\d{1,6})(?![\d.,]\d|[A-Za-z0-9_\-/%]"
    r"|\s*(?:times|percent|ms|seconds?|[次个条项处行秒分天年月日%]))"
)
_HTTP_CUE = (
    r"(?:(?<![A-Za-z])HTTP(?:/\d(?:\.\d)?)?(?:\s+(?:status(?:\s+code)?|error|code|response))?"
    r"|(?<![A-Za-z])(?:status|response)(?:\s+code)?|HTTP\s*状态码|状态码|响应码"
    r"|(?P<zh_return>返回了?))"
)
_NUM_CUE = (
    r"(?:(?<![A-Za-z])(?:error(?:\s+(?:code|number|no\.?|num|status|#))?|err[\s_-]*(?:code|no|num)"
    r"|errno|exit\s+(?:code|status)|return(?:ed)?\s+(?:code|status|value)|reason\s+code"
    r"|result\s+code|fault\s+code)(?![A-Za-z])"
    r"|错误码|错误代码|错误号|错误编号|错误编码|返回码|退出码|退出状态|错误)"
)
_HTTP = re.compile(_HTTP_CUE + _SEP + _NUM, re.I)
_NUMERIC = re.compile(
    _NUM_CUE + _SEP + r"(?:0[xX](?P<hex>[0-9a-fA-F]{1,8})(?![\w])|" + _NUM + ")", re.I
)
_PHRASES = sorted({re.escape(p) for ps in _REASONS.values() for p in ps}, key=len, reverse=True)
_REASON = re.compile(
    r"(?<![\w.,\-])(?P<num>[1-5]\d\d)\s+(?P<phrase>" + "|".join(_PHRASES) + r")(?![A-Za-z])",
    re.I,
)
# A cue right before a weak token makes it strong ("SQLSTATE 40001", "error E1234").
_BOOST = re.compile(
    r"(?:(?<![A-Za-z])(?:sqlstate|error|errors|err|errno|code|status|exception|fault)"
    r"|错误码|错误代码|错误|代码|状态码|返回码|异常)\W{0,3}$",
    re.I,
)
_PORT = re.compile(r"(?:(?<![A-Za-z])port|端口)\W{0,3}$", re.I)


def _http_ok(num: str) -> bool:
    return num.isdigit() and 100 <= int(num) <= 599


def _number(num: str) -> str:
    return num  # as written: "error code 08006" keeps its zero


def find_codes(text: str) -> list[CodeMention]:
    """Every code mentioned in ``text``, in order, one mention per code.

    A code seen twice keeps its first place and is strong if any mention is.
    """
    found: list[CodeMention] = []
    taken: list[tuple[int, int]] = []

    def add(m: CodeMention) -> None:
        if any(m.start < e and s < m.end for s, e in taken):
            return
        taken.append((m.start, m.end))
        found.append(m)

    for m in _REASON.finditer(text):
        num, phrase = m.group("num"), m.group("phrase")
        allowed = _REASONS.get(int(num), ())
        match = next((p for p in allowed if p.lower() == phrase.lower()), None)
        # single words ("Found", "Gone") only as a status line writes them
        if match and (" " in match or phrase in (match, match.upper())):
            add(CodeMention(num, "http", True, m.start("num"), m.end("num")))
    for m in _HTTP.finditer(text):
        num = m.group("num")
        if _http_ok(num):
            add(CodeMention(_number(num), "http", True, m.start("num"), m.end("num")))
        elif not m.group("zh_return") and re.match(r"status", m.group(0), re.I):
            add(CodeMention(_number(num), "numeric", True, m.start("num"), m.end("num")))
    for m in _NUMERIC.finditer(text):
        if m.group("hex"):
            digits = m.group("hex").upper().rjust(8, "0")
            add(CodeMention("0x" + digits, "hex", True, m.start("hex") - 2, m.end("hex")))
        else:
            add(CodeMention(_number(m.group("num")), "numeric", True, m.start("num"),
                            m.end("num")))  # fmt: skip
    for m in _CANDIDATE.finditer(text):
        token = m.group("tok")
        before = text[max(0, m.start() - 24) : m.start()]
        if before.endswith(".") and not (token[0].isupper() and _QUALIFIED.search(before)):
            continue
        if token.isdigit() and _PORT.search(before):
            continue
        cued = _BOOST.search(before) is not None
        got = _token(token, cued)
        if got:
            add(CodeMention(got[0], got[1], got[2], m.start(), m.end()))
    found.sort(key=lambda c: c.start)
    out: dict[str, CodeMention] = {}
    for c in found:
        first = out.get(c.code)
        if first is None:
            out[c.code] = c
        elif c.strong and not first.strong:
            out[c.code] = replace(first, strong=True)
    return list(out.values())
