"""Product versions a message mentions, by shape, for any vendor.

"v3", "V2.4", "version 15.4", "release 1.2.0", "ver. 7", "版本 3.1", "3.2 版",
and a bare three-part number ("2.14.1"). A bare two-part number is not taken
("0.5 seconds", "1.5 GB"), nor an address with four parts ("10.0.0.1"). The
version is kept as written (without its prefix), in order, once each.
"""

from __future__ import annotations

import re

_MENTION = re.compile(
    r"(?:(?<![A-Za-z0-9.])(?:v|ver\.?\s?|version\s+|release\s+)|版本\s*)"
    r"(\d+(?:\.\d+){0,3})(?![A-Za-z0-9]|\.\d)"
    r"|(?<![A-Za-z0-9.])(\d+\.\d+\.\d+)(?![A-Za-z0-9]|\.\d)"
    r"|(?<![A-Za-z0-9.])(\d+(?:\.\d+){0,3})\s*版(?!权)",
    re.IGNORECASE,
)


def version_mentions(text: str) -> list[str]:
    found: list[str] = []
    for m in _MENTION.finditer(text):
        value = m.group(1) or m.group(2) or m.group(3)
        if value and value not in found:
            found.append(value)
    return found
