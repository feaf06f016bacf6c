"""Facts in ticket text: error codes, numbered steps, and the shape of a stack trace."""

from __future__ import annotations

import re
from typing import Protocol

_SQLSTATE = re.compile(r"(?<![A-Za-z0-9.\-_])([0-9A-Z]{5})(?![A-Za-z0-9_]|\.\d)")
_VENDOR = re.compile(r"(?<![A-Za-z0-9\-_])([A-Z]{2,5}-\d{3,5})(?![A-Za-z0-9_]|-\d)")
_CODE_CONTEXT = re.compile(r"(sqlstate|error|code|错误码|错误代码|错误|状态码)\W{0,3}$", re.I)
_STEP = re.compile(
    r"^\s*(?:(?:step\s*)?(\d{1,2})[.)、:：]|第\s*(\d{1,2})\s*步[:：、]?)\s*(.+)$", re.I
)


def error_codes(text: str) -> list[tuple[str, bool]]:
    """(code, strong) for each code-like token in order. Strong: a vendor code,
    a SQLSTATE-like code with letters and digits (40P01), or any 5-character
    code right after "SQLSTATE", "error", "code", "错误码"; plain 5-digit
    numbers (23505) count only where the graph knows that code."""
    out: dict[str, bool] = {}
    for m in _VENDOR.finditer(text):
        out[m.group(1)] = True
    for m in _SQLSTATE.finditer(text):
        code = m.group(1)
        if not any(c.isdigit() for c in code):
            continue
        mixed = any(c.isalpha() for c in code)
        context = _CODE_CONTEXT.search(text[max(0, m.start() - 24) : m.start()]) is not None
        out[code] = out.get(code, False) or mixed or context
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
