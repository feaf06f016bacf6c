"""Sheets wider than the column limit, found by streaming their XML before openpyxl
reads them: a row is one Python list in openpyxl (``max_col`` filters it only
afterwards), so one row of 2,000,000 cells costs gigabytes, and a sheet that
does not declare its dimension says nothing of its width until it is read.

The scan uses expat (C, no tree kept): it counts the ``<c>`` cells of each
``<row>`` and stops at the first row past the limit.
"""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET
import zipfile
from xml.parsers import expat

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CHUNK = 1 << 16


class _TooWide(Exception):
    pass


def sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part in the archive (from the workbook and its relations)."""
    try:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG}Relationship")}
    out: dict[str, str] = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        if target:
            part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            out[sheet.get("name", "")] = posixpath.normpath(part)
    return out


def widest_row(z: zipfile.ZipFile, part: str, limit: int) -> int:
    """Cells in the widest row of ``part``, counting no further than ``limit + 1``."""
    widest = 0
    cells = 0

    def start(name: str, _attrs: object) -> None:
        nonlocal cells, widest
        local = name.rsplit(":", 1)[-1]
        if local == "row":
            cells = 0
        elif local == "c":
            cells += 1
            if cells > widest:
                widest = cells
                if widest > limit:
                    raise _TooWide

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    try:
        with z.open(part) as fh:
            while chunk := fh.read(_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _TooWide:
        pass
    except (KeyError, expat.ExpatError):
        return 0  # not there or malformed: openpyxl reports it
    return widest


def wide_sheets(z: zipfile.ZipFile, limit: int) -> dict[str, int]:
    """Sheets with a row of more than ``limit`` cells: name -> cells counted (> limit)."""
    out: dict[str, int] = {}
    for name, part in sheet_parts(z).items():
        cells = widest_row(z, part, limit)
        if cells > limit:
            out[name] = cells
    return out
