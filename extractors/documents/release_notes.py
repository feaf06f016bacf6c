"""Release notes: documents whose sections each describe one product version.

Vendors ship release notes, change logs and "what's new" pages in every format
graphdesk reads (HTML, Markdown, PDF, Word, text). Such a document is known by
its title or file name (release notes, changelog, changes, what's new, news,
history; 发行说明, 版本说明, 更新日志, 变更记录 ...) or, failing that, by its
headings: most of them name a version. Each section then carries the version of
the nearest heading above it that names one (``## 2.4.1 (2024-05-01)``,
``Version 15.3``, ``v3.0.0-rc.1``, ``Release 7``), so an answer can say which
version fixed or changed what; the document carries its newest version.
Nothing here knows a product: versions are found by their shape.
"""

from __future__ import annotations

import re

from packaging.version import InvalidVersion, Version

from extractors.records import ParsedSource

DOC_TYPE = "release_notes"

_TITLE = re.compile(
    r"release[\s_-]*notes?|change[\s_-]*log|\bchanges\b|what'?s[\s_-]*new|\bnews\b|\bhistory\b"
    r"|\brelease[\s_-]*history\b|发行说明|发布说明|版本说明|更新日志|更新说明|变更记录|版本历史|新特性",
    re.IGNORECASE,
)
# A version: 2.4, 2.4.1, v3.0.0-rc.1, 15.3.
_DOTTED = r"v?\d+(?:\.\d+){1,3}(?:[-.]?(?:alpha|beta|rc|a|b|post|dev)\.?\d*)?"
# A heading names a version after a keyword (Release 15.3, Version 7, 版本 2.1, new in
# 3.2) or is a version alone, perhaps with a date or a name in brackets
# ([1.4.0] - 2024-03-01, 2.4.1 (2024-05-01)); "1.2 Overview" is a numbered heading.
_KEYWORD = re.compile(
    r"(?:\brelease|\bversion|\bver\.?|\bnew in|\bchanges in|版本|发行版|发布)\s*"
    rf"(?:\w+\s+)?(?P<v>{_DOTTED}|\d+)\b",
    re.IGNORECASE,
)
_BARE = re.compile(rf"(?P<v>{_DOTTED})", re.IGNORECASE)
_DATE = re.compile(r"(?:19|20)\d\d[.\-/年]\d{1,2}(?:[.\-/月]\d{1,2}日?)?")
_ASIDE = re.compile(r"\([^)]*\)|（[^）]*）")
_PUNCT = re.compile(r"[\[\]{}:：,，;*#|]+|(?<![\w.])[-–—]+|[-–—]+(?!\w)")
_SECTION_NUMBER = re.compile(r"^[A-Z]\.\d+(?:\.\d+)*\.?\s+")  # E.1. Release 15.3
#: Share of headings naming a version that makes an untitled document release notes.
MIN_VERSION_HEADINGS = 0.5
MIN_HEADINGS = 3


def heading_version(heading: str) -> str | None:
    """The version a heading names (a leading ``v`` dropped), or None."""
    text = _SECTION_NUMBER.sub("", heading.strip())
    m = _KEYWORD.search(text)
    if m is None:
        rest = _PUNCT.sub(" ", _ASIDE.sub(" ", _DATE.sub(" ", text))).split()
        m = _BARE.fullmatch(rest[0]) if len(rest) == 1 else None
    if m is None or _DATE.fullmatch(m.group("v").lstrip("vV")):
        return None
    found = m.group("v")
    return found[1:] if found[:1] in "vV" else found


def looks_like_release_notes(source: ParsedSource) -> bool:
    """Release notes by title or file name, or by most headings naming a version."""
    name = source.uri.replace("\\", "/").rsplit("/", 1)[-1]
    if _TITLE.search(source.title or "") or _TITLE.search(name.rsplit(".", 1)[0]):
        return any(heading_version(h) for s in source.sections for h in s.heading_path)
    headings = {s.heading_path[-1] for s in source.sections if s.heading_path}
    if len(headings) < MIN_HEADINGS:
        return False
    named = sum(1 for h in headings if heading_version(h))
    return named >= MIN_VERSION_HEADINGS * len(headings)


def mark_release_notes(source: ParsedSource) -> bool:
    """Give each section of release notes its version; returns whether it is release notes.

    The document's own version becomes its newest section version when it had none.
    """
    if not looks_like_release_notes(source):
        return False
    source.doc_type = DOC_TYPE
    versions: list[str] = []
    for section in source.sections:
        for heading in reversed(section.heading_path):
            found = heading_version(heading)
            if found:
                section.version = found
                versions.append(found)
                break
    if source.version is None and versions:
        source.version = max(versions, key=_order)
    return True


def _order(text: str) -> tuple[int, Version | str]:
    try:
        return (1, Version(text))
    except InvalidVersion:
        return (0, text)
