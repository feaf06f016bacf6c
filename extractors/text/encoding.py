"""The characters of an export file: byte-order marks, UTF-8 otherwise.

Ticket and community exports come from many tools. Excel and Windows
PowerShell write a UTF-8 byte-order mark, or UTF-16 with one ("Unicode" in
their save dialogs); database dumps and API clients mostly write plain UTF-8.
A file that starts with a byte-order mark is read in the encoding it names
(UTF-8, UTF-16 LE/BE, UTF-32 LE/BE) and the mark is dropped; any other file
must be UTF-8. A file in another encoding is one clear error naming the
file, never silently mis-read text.
"""

from __future__ import annotations

import codecs

from extractors.records import ExtractionError

# Longest first: a UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def bom_encoding(data: bytes) -> tuple[str, int]:
    """(encoding, length of its byte-order mark); ("utf-8", 0) without one."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return "utf-8", 0


def decode_export(data: bytes, uri: str) -> str:
    """The text of ``data``, its byte-order mark dropped; ExtractionError naming ``uri``."""
    encoding, skip = bom_encoding(data)
    try:
        return data[skip:].decode(encoding)
    except UnicodeDecodeError as exc:
        what = "UTF-8" if encoding == "utf-8" else encoding.upper()
        if skip == 0:
            what += " (no byte-order mark names another encoding)"
        raise ExtractionError(
            f"{uri}: not {what} text ({exc.reason} at byte {exc.start + skip})"
        ) from None


def utf8_head(data: bytes, size: int = 65536) -> bytes:
    """The start of ``data`` as UTF-8 without a byte-order mark, for sniffing a
    file's kind (a UTF-16 file's bytes hold a NUL between ASCII letters)."""
    encoding, skip = bom_encoding(data)
    if encoding == "utf-8":
        return data[skip : skip + size]
    unit = 4 if encoding.startswith("utf-32") else 2
    return data[skip : skip + size * unit].decode(encoding, "ignore").encode("utf-8")
