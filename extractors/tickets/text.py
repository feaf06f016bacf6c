"""Facts in ticket text: error codes, numbered steps, and the shape of a stack trace."""

from __future__ import annotations

import re
from typing import Protocol

from extractors.text.codes import find_codes

_STEP = re.compile(
    r"^\s*(?:(?:step\s*)?(\d{1,2})[.)、:：]|第\s*(\d{1,2})\s*步[:：、]?)\s*(.+)$", re.I
)


def error_codes(text: str) -> list[tuple[str, bool]]:
    """(code, strong) for each error code in order, by shape for any vendor
    (``extractors/text/codes.py``). Strong: a shape that is a code on its own
    (40P01, ORA-01653, ERR_X, ECONNREFUSED) or one with a cue ("error 5");
    weak ones (a plain 23505) count only where the graph knows that code."""
    out: dict[str, bool] = {}
    for m in find_codes(text):
        out[m.code] = out.get(m.code, False) or m.strong
    return list(out.items())


def numbered_steps(text: str) -> list[str]:
    steps = []
    for line in text.splitlines():
        m = _STEP.match(line)
        if m:
            steps.append(m.group(3).strip())
    return steps if len(steps) >= 2 else []


class TraceLike(Protocol):
    fingerprint: str
    exception_type: str
    message: str
    language: str
