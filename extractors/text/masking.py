"""Mask personal data in free text before it is stored.

Until the security issue puts personal data behind one protected write path,
every text an extractor stores from tickets goes through :func:`mask` first.
What is replaced, by a bracketed tag that keeps the sentence readable:

- e-mail addresses -> ``[EMAIL]``
- Chinese resident ID-card numbers (17 digits and a check character, the
  ISO 7064 MOD 11-2 checksum, ``X`` for 10) -> ``[ID_CARD]``
- bank-card-like numbers: 16-19 digits, run together or in groups of four
  separated by spaces or dashes -> ``[CARD]``
- phone numbers: Chinese mobiles (``1[3-9]`` and 9 digits, optionally after
  ``+86``/``0086``), international numbers written with ``+`` and a country
  code (7-15 digits in all), and Chinese landlines (``0xx-xxxxxxxx``) -> ``[PHONE]``

What is kept: error codes (``40P01``, ``23505``, ``ORA-00060``, ``NDB-1001``),
versions (``15.4``, ``v3.0.1``, ``2024.1.15``), dates and times, ports, and
other numbers shorter than a phone number. Number patterns only match whole
digit runs (never a part of a longer number or of an identifier), so a code or
a version never loses digits to a mask. A run of 16-19 digits is masked even
when it is not a card number (a trace id, say): over-masking is the safe side.
"""

from __future__ import annotations

import re

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}(?![A-Za-z0-9-])"
)
# Digit runs that are not part of a longer number, a version or an identifier.
# (Python's \w includes CJK characters, so a number written right after Chinese
# text, "电话13800138000", must still match: the guards name ASCII only.)
_B = r"(?<![0-9A-Za-z.\-_])"
_E = r"(?![0-9A-Za-z_]|\.\d|-\d)"
_ID_CARD = re.compile(_B + r"(\d{17}[0-9Xx])" + _E)
_CARD = re.compile(_B + r"(\d{16,19}|\d{4}(?:[ -]\d{4}){3}(?:[ -]\d{1,3})?)" + _E)
_CN_MOBILE = re.compile(r"(?<![0-9A-Za-z.\-_+])(?:(?:\+|00)86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}" + _E)
_INTL = re.compile(r"(?<![0-9A-Za-z.\-_])\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}" + _E)
_LANDLINE = re.compile(_B + r"0\d{2,3}-\d{7,8}" + _E)

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_card_valid(number: str) -> bool:
    """The check character of an 18-character Chinese resident ID number."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS, strict=True))
    return _CHECK[total % 11] == number[17].upper()


def _id_card(m: re.Match[str]) -> str:
    number = m.group(1)
    if id_card_valid(number):
        return "[ID_CARD]"
    # 18 plain digits without a valid checksum are still card-like; a wrong
    # checksum with an X is kept as it is (not an ID, not a card).
    return "[CARD]" if number.isdigit() else number


def _intl(m: re.Match[str]) -> str:
    digits = sum(c.isdigit() for c in m.group())
    return "[PHONE]" if 7 <= digits <= 15 else m.group()


def mask(text: str) -> str:
    """``text`` with e-mail addresses, ID-card, card and phone numbers replaced."""
    if not text:
        return text
    text = _EMAIL.sub("[EMAIL]", text)
    if not any(c.isdigit() for c in text):
        return text
    text = _ID_CARD.sub(_id_card, text)
    text = _CARD.sub("[CARD]", text)
    text = _CN_MOBILE.sub("[PHONE]", text)
    text = _INTL.sub(_intl, text)
    return _LANDLINE.sub("[PHONE]", text)


def mask_optional(text: str | None) -> str | None:
    return None if text is None else mask(text)
