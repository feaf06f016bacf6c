"""Which parts of one log token are values: masking by shape, for any system's logs.

A token is a run of non-space characters of a log message. Its variable parts
become a hole, so that ``port=8443``, ``/var/lib/x/y.db`` or ``10.1.2.3:80``
are one shape however their values change. Every rule is a shape (a number,
an address, a path, a word holding a digit, the value after ``=``, a file
name by its extension, a day or month name), never a word of some system:
the miner's figures are measured on logs of systems nobody read here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

VAR = "<*>"
HOLE = "\x00"

#: Generic masks (name, regex), applied in this order; the benchmark gives the
#: same list to drain3.
MASKS: tuple[tuple[str, str], ...] = (
    ("URL", r"(?<=://)[^\s]+"),
    ("ID", r"(?<![\w:])[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){3,}(?![\w:])"),
    ("IP", r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.])"),
    ("HEX", r"(?<![\w])0x[0-9a-fA-F]+(?![\w])"),
    ("PATH", r"(?<![\w:/.])(?:/[\w.\-*]+){2,}/?"),
    ("WINPATH", r"(?<![\w])[A-Za-z]:\\[^\s]*"),
    ("NUM", r"(?<![A-Za-z0-9])[-+]?\d+(?:\.\d+)*(?![A-Za-z0-9])"),
)
# Each mask runs only on tokens holding its hint (and a digit where it needs one).
_MASK_HINTS = {
    "URL": ("://", False),
    "ID": (":", False),
    "IP": (".", True),
    "HEX": ("0x", True),
    "PATH": ("/", False),
    "WINPATH": (":\\", False),
    "NUM": ("", True),
}
_MASK_RES = tuple((re.compile(rx), *_MASK_HINTS[name]) for name, rx in MASKS)
_MAYBE_VARIABLE = re.compile(r"[\d=/:.]").search
# An e-mail address is a value as an IP address is, wherever it stands (<a@b.example>,
# TO:<a@b.example>:, a@b.example,): one person or mailbox among many.
_EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]*\w@[\w\-]+(?:\.[\w\-]+)+(?![\w\-@])")
# File names (by a common extension) are values: report.pdf, server.log, app.properties.
_FILE_NAME = re.compile(
    r"(?<![\w.\-])[\w\-]+(?:\.[\w\-]+)*\.(?:exe|dll|so|jar|war|log|out|txt|xml|json|conf|cfg"
    r"|ini|properties|ya?ml|sh|bat|cmd|py|js|html?|css|gz|zip|tar|tgz|bz2|csv|dat|db|pid|lock"
    r"|sock|tmp|bak|img|iso|bin)(?![\w.])",
    re.IGNORECASE,
)
# Day and month names are parts of timestamps written inside messages.
_DATE_WORD = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec),?"
)
DIGIT = re.compile(r"\d").search
_DIGIT_WORD = re.compile(r"\w*\d\w*")
# A lowercase word ending in one digit names a thing (a protocol or interface
# version, a codec, a hash): utf8, eth0, md5, also after capitals (SMBv2); ids are
# longer runs of digits.
_NAME_WITH_DIGIT = re.compile(r"[A-Z]{2,}[a-z]+\d|[a-z]{2,}\d")
KV_VALUE = re.compile(r"(?<=[\w.\-]=)[^=,;:)\]}'\"]+")
# key=(value), key=<value>, key=[value]: the value is inside the brackets, which are
# the format's own punctuation; key=() and key=<> are empty values and stay as printed.
_KV_BRACKETED = re.compile(r"([\w.\-]+=)([(\[{<])([^()\[\]{}<>=]*)([)\]}>][,.;:]*)")
# A quoted string, perhaps after key= or an opening bracket and before closing
# punctuation: name='idx_a', ("a b c"), "FETCH / PROTO/2",
# A letter right before the quote is a string prefix (u'x', b'x' in a repr).
_QUOTED = re.compile(r"""((?:[\w.\-]*[=:]|[A-Za-z])?[(\[{]?)(["'])(?!\2)[^"']*\2([)\]},.;:]*)""")
# key=(a, b c) joined from several words: one value
_KEY_BRACKETED = re.compile(r"([\w.\-]+=)[(\[{].*[)\]}]([,.;:]*)")
# name[10.1.2.3] (a host and its address): the name is as much a value as the address
_HOST_ADDRESS = re.compile(r"[\w.\-]+\[\x00\][,;:]?")
_BRACKETED_IP = re.compile(r"\[(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]*:[0-9A-Fa-f:.]+)\]")
_GLUED = re.compile(r"\w*\x00[\w\x00]*")
_JOINED = re.compile(r"\x00(?:[.\-]\x00)+")  # 6.1.7601: one value, not three


# Names of things by their shape: an address user@host (the host may be one label), a
# host or domain name (two or more dot-separated lowercase labels, the last starting
# with a letter; with a slash after it, an address without its scheme), a relative path
# or topic (a/b, a/#), a file at the root of a tree (/name.ext: one segment, so the
# generic path mask leaves it, but its extension makes it a file, not a command). Only
# evidence: a position filled with such words is a variable unless its words go with
# another position's (see the miner).
_NAME_SHAPE = re.compile(
    r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*"
    r"|(?:[a-z0-9_][a-z0-9_\-]*\.)+[a-z][a-z0-9\-]*\.?/?"
    r"|[\w.\-]+(?:/[\w.\-#+*]+)+/?"
    r"|/[\w\-]+(?:\.[\w\-]+)+"
)
# An identifier made of lowercase parts joined by underscores names a configured
# object (a pool, a queue, a backend): web_pool, jobs_low.
_IDENTIFIER = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+")
_WRAPPING = "()[]{}<>'\",;:"


_REPLY_CODE = re.compile(r"""["']\d{2,}[-:]?""")
# A word alone in square brackets is a tag naming who or what: [worker-2], [ana].
_TAG = re.compile(r"\[[\w.@\-]+\][:,]?")


def looks_like_name(word: str, identifiers: bool = False) -> bool:
    """Whether a word (brackets, quotes and trailing punctuation aside) is shaped like
    the name of a thing: an e-mail address, a host or domain name, a relative path, or
    a word alone in square brackets (a tag); with ``identifiers``, also a lowercase
    identifier with underscores (``web_pool``). A label before a bracketed or quoted
    name (``TO:<a@b.example>``) leaves it a name."""
    bare = word.strip(_WRAPPING)
    if (":" in bare or "=" in bare) and (labelled := _LABELLED.fullmatch(bare)) is not None:
        bare = labelled.group(1).strip(_WRAPPING)  # TO:<a@b.example>: the name, labelled
        return _NAME_SHAPE.fullmatch(bare) is not None
    return (
        _TAG.fullmatch(word) is not None
        or _NAME_SHAPE.fullmatch(bare) is not None
        or (identifiers and _IDENTIFIER.fullmatch(bare) is not None)
    )


# A label, then a value in its brackets or quotes: TO:<...>, via=(...), name:"..."
_LABELLED = re.compile(r"[A-Za-z][\w\-]*[:=][(\[{<\"'](.+)")


# A code or kind word: capitals, dashes, underscores, digits and lowercase letters
# standing alone (A, MX, LR--, sH--, NODATA-IPv6), not a lowercase word.
_CODE = re.compile(r"(?=.*[A-Z\-])(?:[A-Z0-9_\-]|[a-z](?![a-z]))+")


def looks_like_code(word: str) -> bool:
    """Whether a word (wrapping punctuation aside) is shaped like a code or a kind:
    upper-case letters, dashes, lone lower-case letters (``AAAA``, ``SC--``, ``sH--``)."""
    bare = word.strip(_WRAPPING)
    return 0 < len(bare) <= 16 and _CODE.fullmatch(bare) is not None


@dataclass(frozen=True)
class TokenRules:
    """Which of the shape rules after the generic masks apply. The defaults are the
    benchmark's selection on its whole pool of sets (``bench/log_parsing.py``), which
    switched off ``file_names`` and ``bracketed_values`` (session 12, 27 sets)."""

    file_names: bool = False  # a file name by its extension is a value
    digit_words: bool = True  # any word still holding a digit is a value ...
    digit_names: bool = True  # ... except a lowercase word ending in one digit
    date_words: bool = True  # day and month names are parts of a timestamp
    quoted: bool = True  # a quoted string ('x', "a b c") is one value, shown if it never varies
    replies: bool = True  # ... but a quoted status reply ("599 Not here.") is the program's words
    emails: bool = True  # an e-mail address is a value wherever it stands
    #: key=(value), key=<value> (the whole token): the brackets stay around the hole
    bracketed_values: bool = False
    #: key=(), key=<> are empty values that stay as printed (as ``name=``)
    empty_values: bool = True


def mask_parts(token: str, rules: TokenRules) -> tuple[str, bool]:
    """The masked token, and whether only the soft rules (file name, word with a digit,
    value of key=value, quoted string) changed it: such a token is shown as it is when
    all lines of a template agree on it (``init_v2()``, ``mode=fast``, ``'nightly'``)."""
    if rules.replies and _REPLY_CODE.fullmatch(token):
        return token, False  # the code opening a quoted reply ("599 Not here.") names it
    if rules.quoted and (m := _QUOTED.fullmatch(token)) is not None:
        # a quoted number or address is a value even when every line agrees on it
        inner = token[m.end(1) + 1 : m.start(3) - 1]
        hard = any(rx.fullmatch(inner) for rx, _, _ in _MASK_RES)
        return m.group(1) + m.group(2) + VAR + m.group(2) + m.group(3), not hard
    if rules.quoted and " " in token and (m := _KEY_BRACKETED.fullmatch(token)) is not None:
        return m.group(1) + VAR + m.group(2), True
    if not _MAYBE_VARIABLE(token):
        if rules.date_words and _DATE_WORD.fullmatch(token):
            return VAR + token[3:], False
        return token, False
    masked = token
    for rx, hint, needs_digit in _MASK_RES:
        if hint in masked and (not needs_digit or DIGIT(masked)):
            masked = rx.sub(HOLE, masked)
    if rules.emails and "@" in masked:
        masked = _EMAIL.sub(HOLE, masked)
    soft = masked == token
    if rules.file_names and "." in masked:
        masked = _FILE_NAME.sub(HOLE, masked)
    if rules.digit_words and DIGIT(masked):
        masked = _DIGIT_WORD.sub(_digit_word if rules.digit_names else HOLE, masked)
    # The value of key=value is a value: no switch, since no set of the benchmark's pool
    # loses by it and a third of them need it (session 12), a shape as general as a number.
    if "=" in masked:
        m = _KV_BRACKETED.fullmatch(masked) if rules.bracketed_values else None
        if m is None and (HOLE in masked or (rules.empty_values and _MAY_BE_EMPTY(masked))):
            masked = KV_VALUE.sub(_kv_value_or_empty if rules.empty_values else _kv_value, masked)
        elif m is None:  # (most tokens: no hole yet, nothing empty: one plain substitution)
            masked = KV_VALUE.sub(HOLE, masked)
        elif m.group(3) or not rules.empty_values:
            masked = m.group(1) + m.group(2) + HOLE + m.group(4)
        else:
            return token, False  # key=() and key=<>: an empty value, as printed
    if HOLE not in masked:
        return token, False
    masked = _JOINED.sub(HOLE, _GLUED.sub(HOLE, masked))
    if masked.startswith("/" + HOLE):  # /10.1.2.3:80 is an address, not a path
        masked = masked[1:]
    elif "[" in masked and _HOST_ADDRESS.fullmatch(masked) and _BRACKETED_IP.search(token):
        masked = HOLE + masked[masked.index("[") :]  # name[address]: the name is a host
    return masked.replace(HOLE, VAR), soft


def _kv_value(m: re.Match[str]) -> str:
    """The value of key=value as a hole, unless the generic masks already made it holes in
    the value's own brackets (``key=[<*>]:<*>``, ``key=<<*>>``): those stay as they are."""
    value = m.group()
    return value if HOLE in value and not value.strip(_VALUE_FRAME) else HOLE


_VALUE_FRAME = HOLE + "([{<>}])"
_EMPTY = frozenset(("()", "[]", "{}", "<>"))
_MAY_BE_EMPTY = re.compile(r"=(?:\(\)|\[\]|\{\}|<>)").search


def _kv_value_or_empty(m: re.Match[str]) -> str:
    """... and key=<>, key=() as printed: no value, another event than a filled one."""
    value, rest = m.group(), m.string[m.end() :]
    if value not in _EMPTY:  # key=() stops the value at its closing bracket
        value, rest = value + rest[:1], rest[1:]
    return m.group() if value in _EMPTY and not rest.strip(",;:.") else _kv_value(m)


def _digit_word(m: re.Match[str]) -> str:
    return m.group() if _NAME_WITH_DIGIT.fullmatch(m.group()) else HOLE
