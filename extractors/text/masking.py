"""Mask personal data in free text before it is stored.

Every text an extractor stores from tickets goes through :func:`mask` first;
the clear original, where it differs, is kept only sealed (SM4-GCM, see
``extractors/text/crypto/sealer.py``), found again by :func:`personal_values` for the blind
index.
What is replaced, by a bracketed tag that keeps the sentence readable:

- e-mail addresses -> ``[EMAIL]``
- Chinese resident ID-card numbers (17 digits and a check character, the
  ISO 7064 MOD 11-2 checksum, ``X`` for 10; run together or grouped 6-8-4 by
  spaces or dashes) -> ``[ID_CARD]``
- bank-card-like numbers: 16-19 digits, run together or in groups of four
  separated by spaces, dashes or dots -> ``[CARD]``
- IP addresses (v4 and v6, not loopback or "any"), only when asked
  (``ips=True``: tickets and messages, where an address is a customer's;
  a manual's addresses are examples) -> ``[IP]``
- phone numbers: Chinese mobiles (``1[3-9]`` and 9 digits, optionally after
  ``+86``/``0086``, grouped 3-4-4 by spaces, dashes or dots), international
  numbers written with ``+`` and a country code (7-15 digits in all), and
  Chinese landlines (``0xx-xxxxxxxx``) -> ``[PHONE]``

Full-width digits and signs (``１３９``, ``＋``, ``－``, ``．``) are read as
their ASCII forms first (and stored so). A number glued to a word
(``tel13800138000``, ``13800138000ok``) is masked like a free-standing one;
only a long machine identifier keeps its digits: a hex run of 16 or more
characters (a hash, a trace id) or a token that switches between letters and
digits three times or more (base64, API keys), where a mask would cut an id
that no person dials.

What is kept: error codes (``40P01``, ``23505``, ``ORA-00060``, ``NDB-1001``),
versions (``15.4``, ``v3.0.1``, ``2024.1.15``), dates and times, ports, and
other numbers shorter than a phone number. Number patterns only match whole
digit runs (never a part of a longer number or of an identifier), so a code or
a version never loses digits to a mask. A run of 16-19 digits is masked even
when it is not a card number (a trace id, say): over-masking is the safe side.

Two styles: ``tag`` (the default, what is stored: ``[PHONE]``) and
``partial``, for showing a value to a reader whose role may not see it in
clear (``resolvers/redaction.py``): the first and last digits stay, the rest
become ``*`` and separators stay where they were (``138****1234``,
``110***********1234``, ``6217 **** **** 7890``), and an address keeps its
first character and its domain (``d***@example.com``).
"""

from __future__ import annotations

import ipaddress
import itertools
import re
from collections.abc import Callable
from typing import Literal

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}(?![A-Za-z0-9-])"
)
# Digit runs that are not part of a longer number, a version or an identifier.
# (Python's \w includes CJK characters, so a number written right after Chinese
# text, "电话13800138000", must still match: the guards name ASCII only.)
_B = r"(?<![0-9.\-_])"  # letters may touch: see _glued
_E = r"(?![0-9_]|\.\d|-\d)"
_STRICT_E = r"(?![0-9A-Za-z_]|\.\d|-\d)"  # nothing glued after (an ID may end in X)
_ID_CARD = re.compile(_B + r"(\d{17}[0-9Xx]|\d{6}[ -]\d{8}[ -]\d{3}[0-9Xx])" + _STRICT_E)
_CARD = re.compile(_B + r"(\d{16,19}|\d{4}(?:([ .-])\d{4})(?:\2\d{4}){2}(?:\2\d{1,3})?)" + _E)
_CN_MOBILE = re.compile(
    r"(?<![0-9.\-_+])(?:(?:\+|00)86[ -]?)?1[3-9]\d(?:([ .-]?)\d{4})(?:\1\d{4})" + _E
)
_INTL = re.compile(r"(?<![0-9A-Za-z.\-_])\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}" + _E)
_LANDLINE = re.compile(r"(?<![0-9A-Za-z.\-_])0\d{2,3}-\d{7,8}" + _STRICT_E)
# IPv4 dotted quads, and IPv6 with "::" or all eight groups (a time such as
# 10:00:00 has neither); ipaddress decides what is really an address.
_IP = re.compile(
    r"(?<![0-9A-Za-z.:_-])(?:\d{1,3}(?:\.\d{1,3}){3}"
    r"|(?=[0-9A-Fa-f:]*::)[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}"
    r"|[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){7})(?![0-9A-Za-z.:_-])"
)
_FOUR_DIGITS = re.compile(r"\d{4}")
# Full-width digits and signs, one character each: positions do not move.
_FULL_WIDTH = str.maketrans(
    {**{0xFF10 + i: str(i) for i in range(10)}, 0xFF0B: "+", 0xFF0D: "-", 0xFF0E: "."}
)
# Scans in C before the work they spare: most texts have no full-width sign,
# and a text without a digit holds none of the numbers below.
_HAS_FULL_WIDTH = re.compile("[\uff10-\uff19\uff0b\uff0d\uff0e]")
_DIGIT = re.compile(r"\d")
_VERSION_CUE = re.compile(r"(?:\b[vV]|version|release|build|ver\.?|版本)\s*$", re.I)
_HEX = frozenset("0123456789abcdefABCDEF")
_IDENTIFIER_HEX = 16  # a hex run this long is a hash or a trace id
_IDENTIFIER_SWITCHES = 3  # letters and digits alternating this often: a key, base64

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_card_valid(number: str) -> bool:
    """The check character of an 18-character Chinese resident ID number."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS, strict=True))
    return _CHECK[total % 11] == number[17].upper()


Style = Literal["tag", "partial"]
# Digits kept at the start and at the end in the partial style.
_KEEP = {"PHONE": (3, 4), "ID_CARD": (3, 4), "CARD": (4, 4)}


def _hide(kind: str, found: str, style: Style) -> str:
    if style == "tag":
        return f"[{kind}]"
    if kind == "EMAIL":
        local, _, domain = found.rpartition("@")
        return f"{local[:1]}***@{domain}"
    if kind == "IP":  # the first group stays: a network, not a host
        cut = min((i for i in (found.find("."), found.find(":")) if i >= 0), default=0)
        return found[: cut + 1] + re.sub(r"[0-9A-Fa-f]", "*", found[cut + 1 :])
    head, tail = _KEEP[kind]
    # An ID number's check character X counts as a digit.
    total = sum(c.isdigit() or c in "Xx" for c in found)
    out, seen = [], 0
    for c in found:
        if c.isdigit() or c in "Xx":
            seen += 1
            out.append(c if seen <= head or seen > total - tail else "*")
        else:
            out.append(c)
    return "".join(out)


# What a replacer does with a match it hides: the masked form of (kind, value).
Hide = Callable[[str, str], str]


def _id_card(hide: Hide) -> Callable[[re.Match[str]], str]:
    def replace(m: re.Match[str]) -> str:
        number = re.sub(r"[ -]", "", m.group(1))
        token = _token_around(m.string, m.start(), m.end())
        if token != m.group() and _machine_id(token):
            return m.group()
        if id_card_valid(number):
            return hide("ID_CARD", m.group())
        # 18 plain digits without a valid checksum are still card-like; a wrong
        # checksum with an X is kept as it is (not an ID, not a card).
        return hide("CARD", m.group()) if number.isdigit() else number

    return replace


def _token_around(text: str, start: int, end: int) -> str:
    """The run of ASCII letters and digits that holds text[start:end]."""
    while start > 0 and text[start - 1].isascii() and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isascii() and text[end].isalnum():
        end += 1
    return text[start:end]


def _machine_id(token: str) -> bool:
    if len(token) >= _IDENTIFIER_HEX and all(c in _HEX for c in token):
        return True
    switches = sum(a.isdigit() != b.isdigit() for a, b in itertools.pairwise(token))
    return switches >= _IDENTIFIER_SWITCHES


def _glued(kind: str, hide: Hide) -> Callable[[re.Match[str]], str]:
    """Hide as ``kind`` unless the digits are part of a machine identifier."""

    def replace(m: re.Match[str]) -> str:
        token = _token_around(m.string, m.start(), m.end())
        return m.group() if token != m.group() and _machine_id(token) else hide(kind, m.group())

    return replace


def _intl(hide: Hide) -> Callable[[re.Match[str]], str]:
    def replace(m: re.Match[str]) -> str:
        digits = sum(c.isdigit() for c in m.group())
        return hide("PHONE", m.group()) if 7 <= digits <= 15 else m.group()

    return replace


def _plain(kind: str, hide: Hide) -> Callable[[re.Match[str]], str]:
    return lambda m: hide(kind, m.group())


def _ip(hide: Hide) -> Callable[[re.Match[str]], str]:
    """An address that names a host; loopback and "any" name no one and stay."""

    def replace(m: re.Match[str]) -> str:
        try:
            address = ipaddress.ip_address(m.group())
        except ValueError:  # 999.1.1.1, a time like 10:00:00
            return m.group()
        if address.is_loopback or address.is_unspecified:
            return m.group()
        if _VERSION_CUE.search(m.string, max(0, m.start() - 12), m.start()):
            return m.group()  # "version 15.4.2.1" is a four-part version
        return hide("IP", m.group())

    return replace


_Replacers = tuple[Callable[[re.Match[str]], str], ...]


def _replacers(hide: Hide) -> _Replacers:
    return (_plain("EMAIL", hide), _id_card(hide), _glued("CARD", hide), _glued("PHONE", hide),
            _intl(hide), _plain("PHONE", hide), _ip(hide))  # fmt: skip


# Built once per style: ingest masks every message.
_REPLACERS: dict[Style, _Replacers] = {
    style: _replacers(lambda kind, found, style=style: _hide(kind, found, style))  # type: ignore[misc]
    for style in ("tag", "partial")
}


def _apply(text: str, replacers: _Replacers, ips: bool) -> str:
    email, id_card, card, mobile, intl, landline, ip = replacers
    if _HAS_FULL_WIDTH.search(text):
        text = text.translate(_FULL_WIDTH)
    if "@" in text:  # an address needs one; most texts have none, and the scan costs
        text = _EMAIL.sub(email, text)
    if not _DIGIT.search(text):
        return text
    # Addresses first: their dotted groups would otherwise read as a phone number.
    if ips:
        text = _IP.sub(ip, text)
    # Every number pattern below holds four digits in a row or a "+": a text
    # with neither (most of a manual's) skips their scans with the same result.
    if "+" not in text and not _FOUR_DIGITS.search(text):
        return text
    text = _ID_CARD.sub(id_card, text)
    text = _CARD.sub(card, text)
    text = _CN_MOBILE.sub(mobile, text)
    text = _INTL.sub(intl, text)
    return _LANDLINE.sub(landline, text)


def mask(text: str, style: Style = "tag", *, ips: bool = False) -> str:
    """``text`` with e-mail addresses, ID-card, card and phone numbers replaced,
    and IP addresses too with ``ips`` (tickets and messages: a customer's
    address; a manual's addresses are examples and stay)."""
    if not text:
        return text
    return _apply(text, _REPLACERS[style], ips)


def personal_values(text: str, *, ips: bool = True) -> list[tuple[str, str]]:
    """The personal data :func:`mask` would hide in ``text``, as ``(kind, value)``
    in the order found (kinds: EMAIL, ID_CARD, CARD, PHONE, IP), values as written
    (full-width digits read as ASCII)."""
    found: list[tuple[str, str]] = []

    def keep(kind: str, value: str) -> str:
        found.append((kind, value))
        return f"[{kind}]"

    if text:
        _apply(text, _replacers(keep), ips)
    return found


def mask_optional(text: str | None) -> str | None:
    return None if text is None else mask(text)


def kind_of(value: str) -> str:
    """The kind of a value typed in for a lookup; ValueError saying why none fits."""
    text = value.translate(_FULL_WIDTH).strip()
    if not text:
        raise ValueError("is empty")
    if "@" in text:
        if mask(text) == "[EMAIL]":
            return "EMAIL"
        raise ValueError("is not an e-mail address")
    try:
        ipaddress.ip_address(text)
    except ValueError:
        pass
    else:
        return "IP"
    compact = re.sub(r"[\s.\-()]+", "", text)
    if re.fullmatch(r"\d{17}[0-9Xx]", compact) and id_card_valid(compact):
        return "ID_CARD"
    if not re.fullmatch(r"\+?\d+", compact):
        raise ValueError(
            "is not a phone number, e-mail address, ID-card or card number or IP address"
        )
    digits = compact.lstrip("+")
    if 16 <= len(digits) <= 19:
        return "CARD"
    if 7 <= len(digits) <= 15:
        return "PHONE"
    raise ValueError(f"has {len(digits)} digits: too few or too many for a phone or card number")
