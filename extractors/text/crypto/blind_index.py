"""A personal value normalised by its shape, so that every way of writing it
keys the same blind-index entry.

- phone numbers: digits only, a Chinese mobile's ``+86``/``0086`` dropped
  (``+86 139-1234-5678``, ``139.1234.5678`` and ``13912345678`` are one);
- bank cards: digits only;
- ID-card numbers: without spaces and dashes, check character upper-case;
- e-mail addresses: lower-case;
- IP addresses: their canonical (compressed) form.

Which kind a value is, is for the caller to say: ingest knows it from
masking, a lookup from ``extractors/text/masking.py``'s ``kind_of``.
"""

from __future__ import annotations

import ipaddress
import re

KINDS = ("PHONE", "CARD", "ID_CARD", "EMAIL", "IP")
_FULL_WIDTH = str.maketrans({0xFF10 + i: str(i) for i in range(10)} | {0xFF0B: "+"})
_SEPARATORS = re.compile(r"[\s.\-()]+")


def normalised(kind: str, value: str) -> str:
    text = value.translate(_FULL_WIDTH).strip()
    if kind == "EMAIL":
        return text.lower()
    if kind == "IP":
        return ipaddress.ip_address(text).compressed
    if kind == "ID_CARD":
        return _SEPARATORS.sub("", text).upper()
    digits = "".join(c for c in text if c.isdigit())
    if kind == "PHONE":
        for prefix in ("0086", "86"):
            rest = digits.removeprefix(prefix)
            if rest != digits and len(rest) == 11 and rest.startswith("1"):
                return rest
    return digits
