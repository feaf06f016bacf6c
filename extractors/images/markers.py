"""Marker lines under code (``^^^^`` and ``~~~^^^``), read from their shape.

Compilers, interpreters and database shells point at the part of a line
that failed with a row of carets, sometimes with tildes around them, set in
the same monospace font on the line below (Python tracebacks since 3.11,
psql's ``LINE 1: ...`` pointer, gcc, clang and rustc diagnostics). At screen
sizes a caret is three or four pixels tall; Tesseract drops such a row or
reads it as ``AAAA`` or as Chinese characters (``人入八``). The row is read
here instead, by shape:

- a *marker band* is a band of ink rows at most ``MAX_HEIGHT`` of a text
  line high, directly under a text line;
- its top row holds the apexes of the carets: short runs of ink, each much
  narrower than the run below it (a caret widens downwards; a row of dots,
  dashes or ``=`` does not), spaced at whole multiples of the character pitch;
- each caret is at most 0.4 of a text line high; ink away from the apexes
  is tildes, one per pitch, each at most 0.7 of a caret high (anything
  taller is a letter, and the band is a line of small text, not markers).

Tesseract's reading of such a band, if any, is replaced by the carets and
tildes. Nothing else is touched.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

MAX_HEIGHT = 0.5
"""A marker band is at most this share of the height of a text line."""

__all__ = ["Marker", "find_markers"]


@dataclass(frozen=True)
class Marker:
    top: int
    bottom: int
    left: int
    right: int
    text: str


def _bands(ink: NDArray[np.bool_]) -> list[tuple[int, int]]:
    rows = np.append(ink.any(axis=1), False)
    out, start = [], -1
    for y, on in enumerate(rows):
        if on and start < 0:
            start = y
        elif not on and start >= 0:
            out.append((start, y))
            start = -1
    return out


def _runs(row: NDArray[np.bool_]) -> list[tuple[int, int]]:
    padded = np.concatenate(([False], row, [False])).astype(np.int8)
    edges = np.diff(padded)
    starts, ends = np.nonzero(edges == 1)[0].tolist(), np.nonzero(edges == -1)[0].tolist()
    return list(zip(starts, ends, strict=True))


def find_markers(ink: NDArray[np.bool_]) -> list[Marker]:
    """The marker lines in an ink mask (dark text on light, as given to Tesseract)."""
    bands = _bands(ink)
    heights = [b - a for a, b in bands if b - a >= 4]
    if len(heights) < 2:
        return []
    line = float(np.median(heights))
    out = []
    # a caret row and a tilde row on the same text line are two bands close together: merge
    merged: list[tuple[int, int]] = []
    for a, b in bands:
        last = merged[-1] if merged else (0, 0)
        if (
            merged
            and a - last[1] <= max(1, 0.15 * line)
            and last[1] - last[0] <= MAX_HEIGHT * line
            and b - a <= MAX_HEIGHT * line
        ):
            merged[-1] = (last[0], b)
        else:
            merged.append((a, b))
    for i, (a, b) in enumerate(merged):
        if b - a > 1.5 * MAX_HEIGHT * line or b - a < 2 or i == 0:
            continue
        above = merged[i - 1]
        if above[1] - above[0] < 0.6 * line or a - above[1] > line:
            continue  # not directly under a text line
        marker = _read(ink[a:b], line)
        if marker:
            left, right, text = marker
            out.append(Marker(a, b, left, right, text))
    return out


def _read(band: NDArray[np.bool_], line: float) -> tuple[int, int, str] | None:
    top = _runs(band[0])
    if not top:
        return None
    widest_top = max(e - s for s, e in top)
    if widest_top > 0.25 * line:
        return None  # dashes, rules, '=': flat from the top
    centres = [(s + e - 1) / 2 for s, e in top]
    pitch = float(np.median(np.diff(centres))) if len(centres) >= 2 else 0.0
    if len(centres) >= 3:
        steps = np.diff(centres) / pitch
        # carets come one per cell: steps of whole cells, never a fraction of one
        if np.any(np.abs(steps - np.round(steps)) > 0.2) or np.any(np.round(steps) < 1):
            return None
    cols = np.nonzero(band.any(axis=0))[0]
    left, right = int(cols[0]), int(cols[-1]) + 1
    if pitch <= 0 or pitch > line:
        if len(centres) > 1:
            return None
        pitch = 0.6 * line  # one caret: about a monospace cell
    # each apex widens downwards into the two legs of a caret (dots and bullets do not)
    spans, tall = [], []
    for (s, e), c in zip(top, centres, strict=True):
        lo, hi = int(max(0, c - pitch / 2)), int(min(band.shape[1], c + pitch / 2 + 1))
        widest = 0
        for row in band[:, lo:hi]:
            xs = np.nonzero(row)[0]
            if len(xs):
                widest = max(widest, int(xs[-1] - xs[0] + 1))
        spans.append(widest / (e - s))
        tall.append(_ink_height(band[:, lo:hi]))
    caret = float(np.median(tall))
    if float(np.median(spans)) < 2.0 or caret > 0.4 * line:
        return None
    # cells at the pitch, anchored at the first apex
    first = centres[0] - pitch * round((centres[0] - left) / pitch)
    n = round((right - first - pitch / 2) / pitch) + 1
    text = []
    apexes = np.asarray(centres)
    column_ink: NDArray[np.bool_] = np.asarray(band.any(axis=0))
    for k in range(max(1, n)):
        c = first + k * pitch
        lo, hi = int(max(0, round(c - pitch / 2))), int(min(band.shape[1], round(c + pitch / 2)))
        if np.min(np.abs(apexes - c)) <= pitch / 3:
            text.append("^")
        elif hi > lo and column_ink[lo:hi].sum() >= 0.4 * pitch:  # not a neighbour's edge
            if _ink_height(band[:, lo:hi]) > 0.7 * caret:
                return None  # a letter, not a tilde: this is a line of small text
            text.append("~")
        else:
            text.append(" ")
    reading = "".join(text).strip()
    if "^" not in reading:
        return None
    return left, right, reading


def _ink_height(window: NDArray[np.bool_]) -> int:
    rows = np.nonzero(window.any(axis=1))[0]
    return int(rows[-1] - rows[0] + 1) if len(rows) else 0
