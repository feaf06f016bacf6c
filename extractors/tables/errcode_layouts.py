"""Error-code pages that are not tables -> ErrorCode records.

Layouts recognised by the shape of their terms (``extractors.text.codes``),
never by a vendor's name:

- **sections**: one section per code. Sibling headings (same parent heading)
  that are mostly a code alone ("ERR_SOMETHING", "E1234") or a code with its
  message ("ABC-2001: Disk quota exceeded", "Error code X1234").
- **definitions**: <dt>CODE</dt><dd>meaning</dd>, the definition lists of one
  section taken together (generated manuals give each entry its own <dl>).
- **list**: list items that start with a code and go on to explain it
  ("CODE (message): explanation", "CODE: explanation", "CODE - explanation").
- **page**: one page per code, when none of the above applies: the page's
  top heading is one code, strong by its shape or its cue.

Thresholds, so that a page that only mentions a code or two, or lists
constants, options and environment variables, yields nothing:

- at least ``MIN_CODES`` (3) code-shaped items in the group, and more than
  half of the group's items code-shaped;
- and evidence that the group is about errors: at least half of its codes
  have a shape that alone says "error code" (strong: ERR_X, X_ERROR, errno
  names, ABC-123 ...), or the heading path or page title names errors
  (``ERROR_CUE``: "errors", "error codes", "status codes", "exceptions",
  "错误码" ...; a lone "error" is not enough). UPPER_SNAKE constants, bare
  E1234 and SQLSTATE-like tokens need that second kind of evidence;
- bare numbers ("1045") count only under a heading that says codes
  ("Exit codes", "错误码").

The message is the explicit one ("ABC-2001: Disk quota exceeded", "CODE
(Permission denied): ..."), else the first paragraph(s) of the explanation
(a section's own paragraphs: not its changelog table or version notes); with
an explicit message, the explanation is kept as the description. A number
next to a symbolic code ("EXAMPLE_FAILED (17)", "EXAMPLE_FAILED = 17") is
kept as an alias. Each code is linked to the section that describes it. A
code that a table of the same page already gave is not taken again.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from extractors.records import Definition, ErrorCodeRecord, ParsedSource, Section
from extractors.text.codes import ERRNO_NAMES, CodeMention, find_codes, parse_code

MIN_CODES = 3
CONFIDENCE = 0.9  # inferred from the page's shape, not from a column named "code"
MESSAGE_MIN = 40  # a first paragraph shorter than this takes the next one too
MESSAGE_MAX = 1000

# Words that say a group of items is about errors (English and Chinese). A
# lone "error" is not enough ("a memory error detector" lists its API).
ERROR_CUE = re.compile(
    r"(?<![A-Za-z])(?:errors|errno|exceptions|faults|failures|diagnostics|codes"
    r"|error\s+(?:codes?|messages|numbers|constants|symbols|values|conditions|list|reference|index)"
    r"|(?:status|return|exit|reason|result|response)\s+codes?)(?![A-Za-z])"
    r"|错误码|错误代码|错误信息|错误列表|错误号|状态码|返回码|异常|故障|报错",
    re.I,
)
# Headings that make bare numbers codes: "Exit codes", "Error codes", "错误码".
CODE_CUE = re.compile(
    r"(?<![A-Za-z])(?:codes?|errno)(?![A-Za-z])|错误码|错误代码|返回码|状态码|退出码",
    re.I,
)
# "Added in: v1.2.0", "Since 3.4", "Deprecated since: 2.0": version notes, not explanations.
_VERSION_NOTE = re.compile(
    r"^(?:[A-Za-z][A-Za-z ]{0,30}:?\s*)?v?\d+(?:\.\d+)+(?:\s*[,;]\s*v?\d+(?:\.\d+)+)*\.?$"
)
_NUMBER = r"-?\d{1,10}|0[xX][0-9a-fA-F]{1,8}"
_TERM_TAIL = re.compile(
    rf"^\s*(?:[(（](?P<pnum>{_NUMBER})[)）]|=\s*(?P<enum>{_NUMBER}))?"
    r"\s*(?:[(（](?P<paren>[^()（）]{1,120})[)）])?"
    r"\s*(?:(?P<sep>[:：—–|]|\s-\s|\s)\s*(?P<rest>.*))?$",
    re.S,
)


@dataclass
class Term:
    """A code at the start of a heading, term or list item, and what follows it."""

    code: CodeMention
    number: str | None  # "EXAMPLE_FAILED (17)"
    message: str | None  # "ABC-2001: Disk quota exceeded", "CODE (Permission denied)"
    rest: str  # what follows after a separator
    bare: bool = False  # a bare number ("1045"): a code only under a heading that says so


_BARE = re.compile(r"-?\d{1,6}")


def _leading_code(text: str) -> tuple[CodeMention, int, bool] | None:
    """The code ``text`` starts with, where it ends, and whether it is a bare number."""
    words = text.split(" ")
    # the longest leading run of words that is one code: "Error 1045", "HTTP 503", "ERR_X"
    for n in range(min(3, len(words)), 0, -1):
        core = " ".join(words[:n]).rstrip(":：,;")
        if mention := parse_code(core):
            return mention, len(core), False
    # "503 Service Unavailable", "错误码 1045：拒绝访问": a code, or a cue and its number
    found = find_codes(text[:80])
    cued = found and found[0].shape in ("numeric", "http", "hex") and found[0].start <= 16
    if found and found[0].strong and (found[0].start == 0 or cued):
        return found[0], found[0].end, False
    first = words[0].rstrip(":：,;.")
    if _BARE.fullmatch(first):
        return CodeMention(first, "numeric", False, 0, len(first)), len(first), True
    return None


# Every code shape has a digit or an underscore, or is an errno name: a term
# without any (most headings and terms) is not looked at further.
_DIGIT_OR_UNDERSCORE = re.compile(r"[\d_]")
_ALNUM_RUN = re.compile(r"[A-Za-z0-9]+")


def _may_start_with_code(text: str) -> bool:
    """False when ``_leading_code`` cannot find a code in ``text``: what it
    reads (the first three words, the first 80 characters) has no digit, no
    underscore and no errno name. A cheap test in front of the costly one."""
    head = text[:80] + " " + " ".join(text.split(" ", 3)[:3])
    if _DIGIT_OR_UNDERSCORE.search(head):
        return True
    return any(w.upper() in ERRNO_NAMES for w in _ALNUM_RUN.findall(head))


def split_term(text: str, loose: bool = True) -> Term | None:
    """The code a short text starts with, its number, message and the rest.

    ``loose`` (headings, <dt> terms): whatever follows the code is its message
    ("ABC-2001: Disk quota exceeded", "E1001 Timeout"). Otherwise (list
    items) the code must be followed by "(", ":", " - " or nothing, and what
    follows is the explanation ("CODE (Permission denied): An attempt ...").
    """
    text = " ".join(text.split())
    lead = _leading_code(text) if text and _may_start_with_code(text) else None
    if lead is None:
        return None
    mention, end, bare = lead
    m = _TERM_TAIL.match(text[end:])
    if m is None:
        return None
    sep, rest = m.group("sep"), (m.group("rest") or "").strip()
    paren = (m.group("paren") or "").strip()
    if rest and sep and sep.isspace() and not loose and not paren:
        return None  # "ENOENT errors are raised when ..." is prose, not a term
    # "(Permission denied)" is a message; "(deprecated)" only a note
    message = paren if len(paren.split()) >= 2 or _has_cjk(paren) else None
    if loose and rest and message is None:
        message, rest = rest, ""
    number = _norm_number(m.group("pnum") or m.group("enum"))
    return Term(mention, number, message, rest, bare)


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" for c in text)


def _norm_number(number: str | None) -> str | None:
    if number is None:
        return None
    if number.lower().startswith("0x"):
        return "0x" + number[2:].upper().rjust(8, "0")
    return number


def paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]


def explanation(text: str, code: str, enough: int = MESSAGE_MIN, most: int = 2) -> str | None:
    """The first paragraph(s) of an explanation (until ``enough`` characters or
    ``most`` paragraphs), without version notes or a repetition of the code."""
    chosen: list[str] = []
    for p in paragraphs(text):
        if _VERSION_NOTE.match(p) or (not chosen and (p == code or len(p) < 3)):
            continue
        chosen.append(p)
        if sum(len(c) for c in chosen) >= enough or len(chosen) >= most:
            break
    joined = " ".join(chosen)
    if len(joined) > MESSAGE_MAX:
        cut = joined.rfind(". ", 0, MESSAGE_MAX)
        joined = joined[: cut + 1] if cut > MESSAGE_MAX // 2 else joined[:MESSAGE_MAX]
    return joined or None


def code_terms(terms: Sequence[Term | None], context: str, near: str = "") -> list[Term | None]:
    """The group's terms that are codes, by the thresholds of the module notes
    (all None when the group is not a list of codes).

    ``context``: the heading path and page title; ``near``: the heading right
    above the group, which alone can make bare numbers codes ("Exit codes").
    """
    numbers_ok = CODE_CUE.search(near) is not None
    kept = [t if t is not None and (numbers_ok or not t.bare) else None for t in terms]
    codes = [t for t in kept if t is not None]
    if len(codes) < MIN_CODES or 2 * len(codes) <= len(terms):
        return [None] * len(terms)
    strong = sum(1 for t in codes if t.code.strong)
    if 2 * strong >= len(codes) or ERROR_CUE.search(context) is not None:
        return kept
    return [None] * len(terms)


def _doc_uri(source: ParsedSource) -> str:
    return source.sections[0].uri.split("#")[0] if source.sections else source.uri


def _record(
    source: ParsedSource,
    term: Term,
    body: str,
    section: Section | None,
    uri: str,
    layout: str,
    class_name: str | None = None,
) -> ErrorCodeRecord:
    code = term.code.code
    # a message of its own ("ABC-1: Disk full"): the explanation is the description
    message = term.message or explanation(body, code)
    description = explanation(body, code, MESSAGE_MAX, 3) if term.message else None
    return ErrorCodeRecord(
        code=code,
        product=source.product,
        version=source.version,
        message=message,
        description=description,
        class_name=class_name,
        section_id=section.id if section else None,
        uri=uri,
        aliases=[term.number] if term.number and term.number != code else [],
        layout=layout,
        confidence=CONFIDENCE,
        location=f"{layout}: {term.code.code}",
    )


@dataclass
class Heading:
    path: tuple[str, ...]
    # its own section; for a heading with no text of its own ("Error code
    # X" directly followed by a subheading), the first section under it
    section: Section


def headings(source: ParsedSource) -> list[Heading]:
    """Every heading of the page in order, those without text of their own included."""
    out: list[Heading] = []
    seen: set[tuple[str, ...]] = set()
    for s in source.sections:
        path = tuple(s.heading_path)
        for i in range(1, len(path) + 1):
            if path[:i] not in seen or i == len(path):
                seen.add(path[:i])
                out.append(Heading(path[:i], s))
    return out


def _body(s: Section) -> str:
    return "\n\n".join(s.lead) or s.text


def from_sections(source: ParsedSource) -> list[ErrorCodeRecord]:
    """One section per code: sibling headings that are mostly codes."""
    siblings: dict[tuple[str, ...], list[Heading]] = defaultdict(list)
    for h in headings(source):
        siblings[h.path[:-1]].append(h)
    out: list[ErrorCodeRecord] = []
    for parent, group in siblings.items():
        near = parent[-1] if parent else ""
        context = " ".join((*parent, source.title or ""))
        if not _enough_candidates([h.path[-1] for h in group]):
            continue
        terms = code_terms([split_term(h.path[-1]) for h in group], context, near)
        for h, term in zip(group, terms, strict=True):
            if term is not None:
                s = h.section
                out.append(_record(source, term, _body(s), s, s.uri, "sections", near or None))
    return out


def from_page(source: ParsedSource) -> list[ErrorCodeRecord]:
    """One page per code: the page's top heading is one code, strong by its
    shape or its cue ("Error code X1234"), and no other top heading is a code."""
    tops = [h for h in headings(source) if len(h.path) == 1]
    found = [(h, t) for h in tops if (t := split_term(h.path[0])) and t.code.strong]
    if len({t.code.code for _, t in found}) != 1:
        return []
    h, term = found[0]
    return [_record(source, term, _body(h.section), h.section, h.section.uri, "page")]


def from_definitions(source: ParsedSource) -> list[ErrorCodeRecord]:
    """Definition lists and lists whose items are mostly codes with an explanation."""
    sections = {s.id: s for s in source.sections}
    groups: dict[str, list[Definition]] = defaultdict(list)
    for d in source.definitions:
        groups[d.group].append(d)
    out: list[ErrorCodeRecord] = []
    for items in groups.values():
        heads = [d.term if d.kind == "definitions" else _first_paragraph(d.text) for d in items]
        if not _enough_candidates(heads):
            continue
        section = sections.get(items[0].section_id)
        path = section.heading_path if section else []
        near = section.title if section else ""
        context = " ".join((*path, source.title or ""))
        terms = code_terms([_item_term(d) for d in items], context, near)
        base = (section.uri if section else _doc_uri(source)).split("#")[0]
        for d, term in zip(items, terms, strict=True):
            if term is None:
                continue
            uri = f"{base}#{d.anchor}" if d.anchor else (section.uri if section else base)
            body = d.text if d.kind == "definitions" else term.rest
            out.append(_record(source, term, body, section, uri, d.kind))
    return out


def _enough_candidates(texts: list[str]) -> bool:
    """Whether enough of a group's terms may start with a code for
    ``code_terms`` to take any (a cheap test before ``split_term`` on each)."""
    n = sum(1 for t in texts if t and _may_start_with_code(" ".join(t.split())))
    return n >= MIN_CODES and 2 * n > len(texts)


def _first_paragraph(text: str) -> str:
    """``paragraphs(text)[0]``, or "" when there is none."""
    for p in text.split("\n\n"):
        if p.strip():
            return " ".join(p.split())
    return ""


def _item_term(d: Definition) -> Term | None:
    if d.kind == "definitions":
        return split_term(d.term)
    first = paragraphs(d.text)
    if not first:
        return None
    term = split_term(first[0], loose=False)
    if term is None or not (term.rest or term.message):
        return None  # a bare code (a table of contents, a "see also" list) explains nothing
    rest = "\n\n".join([term.rest, *first[1:]] if term.rest else first[1:])
    return Term(term.code, term.number, term.message, rest, term.bare)


def extract_layouts(source: ParsedSource) -> None:
    """Add the codes of section, definition-list and list layouts to ``source``.

    Tables come first (``extract_tables``); a code already given is kept as is.
    """
    seen = {e.code for e in source.error_codes}
    found = [*from_sections(source), *from_definitions(source)]
    for record in found or from_page(source):
        if record.code not in seen:
            seen.add(record.code)
            source.error_codes.append(record)
