"""Limits on zip-based office files (.xlsx, .docx) before any parser opens them.

A workbook or a Word document is a zip archive: what it unpacks to is what
parsing costs in memory, and a 1 MB file can unpack to gigabytes. Real
error-code tables, spec sheets and manuals unpack to a few megabytes.
"""

from __future__ import annotations

import io
import zipfile

from extractors import limits
from extractors.records import ExtractionError


def check_unpacked(data: bytes, uri: str, what: str) -> None:
    """Refuse ``data`` (an office file, ``what`` names its kind) that is not a zip
    archive or unpacks past the ingest's limit, naming the file and the limit."""
    limit = limits.current().max_unpacked_bytes
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ExtractionError(f"{uri}: not a readable {what} ({exc})") from exc
    if unpacked > limit:
        raise ExtractionError(
            f"{uri}: the {what} unpacks to {limits.mib(unpacked)}, over the limit of "
            f"{limits.mib(limit)} ({limits.SETTING['max_unpacked_bytes']}); split it or export "
            "it in a simpler format"
        )
