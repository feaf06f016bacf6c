"""Graphics in screenshots that are not text: dialog icons, page illustrations, filled buttons.

Tesseract reads a dialog's error icon as a dash or a bracket and, worse,
lets it join several text lines into one block, so that the first line of
the message comes out after the second. Found by shape, for any toolkit:

- connected components of the ink mask (8-connected, by runs, numpy and a
  union-find; images over 1.5 megapixels are halved first, which keeps
  glyphs apart and big shapes big);
- a *graphic* is a component much taller than a glyph (``GRAPHIC_HEIGHT``
  times the median glyph height, and at least 12 pixels), at least a few
  pixels wide (thinner ones are frame lines, handled elsewhere), standing
  alone in its band of rows (a line of large type has several tall glyphs
  side by side) and not enclosing glyph-sized ink of a third of its height or
  more (an outlined button or a box holds its label and is left alone; the
  details drawn inside an icon are smaller);
- a graphic with three or more glyph-sized holes of one height on one line
  is a filled button or badge whose label is cut out of it: its box is
  inverted, so the label becomes dark on light like the rest; any other
  graphic (an icon) is painted over with the background.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

GRAPHIC_HEIGHT = 2.2
"""A graphic is at least this many times the median glyph height."""

__all__ = ["Component", "components", "erase_graphics"]


@dataclass(frozen=True)
class Component:
    top: int
    bottom: int  # exclusive
    left: int
    right: int  # exclusive
    pixels: int

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def width(self) -> int:
        return self.right - self.left


def _runs(mask: NDArray[np.bool_]) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
    """(row, start, end) of the horizontal runs of True, end exclusive, row-major order."""
    h, w = mask.shape
    padded = np.zeros((h, w + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    edges = np.diff(padded, axis=1)
    rows, starts = np.nonzero(edges == 1)
    _, ends = np.nonzero(edges == -1)
    return rows, starts, ends


def components(mask: NDArray[np.bool_]) -> list[Component]:
    """8-connected components of a boolean mask."""
    rows, starts, ends = _runs(mask)
    n = len(rows)
    if n == 0:
        return []
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    row_first = np.searchsorted(rows, np.arange(mask.shape[0] + 1))
    r_list, s_list, e_list = rows.tolist(), starts.tolist(), ends.tolist()
    for y in range(1, mask.shape[0]):
        a, a_end = int(row_first[y - 1]), int(row_first[y])
        b, b_end = a_end, int(row_first[y + 1])
        while a < a_end and b < b_end:
            # 8-connected: runs touch when they overlap or meet at a corner
            if e_list[a] >= s_list[b] and e_list[b] >= s_list[a]:
                ra, rb = find(a), find(b)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
            if e_list[a] < e_list[b]:
                a += 1
            else:
                b += 1
    boxes: dict[int, list[int]] = {}
    for i in range(n):
        root = find(i)
        y, s, e = r_list[i], s_list[i], e_list[i]
        box = boxes.get(root)
        if box is None:
            boxes[root] = [y, y + 1, s, e, e - s]
        else:
            box[0] = min(box[0], y)
            box[1] = max(box[1], y + 1)
            box[2] = min(box[2], s)
            box[3] = max(box[3], e)
            box[4] += e - s
    return [Component(*b) for b in boxes.values()]


def _halve(mask: NDArray[np.bool_]) -> NDArray[np.bool_]:
    h, w = mask.shape
    m = mask[: h - h % 2, : w - w % 2]
    return m[0::2, 0::2] | m[1::2, 0::2] | m[0::2, 1::2] | m[1::2, 1::2]


def erase_graphics(
    gray: NDArray[np.uint8], ink: NDArray[np.bool_]
) -> tuple[NDArray[np.uint8], int, int]:
    """Paint out icons and invert filled buttons; returns (image, icons erased, boxes inverted).

    ``gray`` is dark text on a light page; ``ink`` its ink mask.
    """
    factor = 2 if ink.size > 1_500_000 else 1
    mask = _halve(ink) if factor == 2 else ink
    comps = components(mask)
    glyphs = [c.height for c in comps if c.height >= 3 and c.width >= 2]
    if len(glyphs) < 3:
        return gray, 0, 0
    glyph = float(np.median(glyphs))
    out = gray.copy()
    background = int(np.median(gray[~ink])) if (~ink).any() else 255
    erased = inverted = 0
    for c in comps:
        if c.height < max(12 / factor, GRAPHIC_HEIGHT * glyph) or c.width < max(3, 0.25 * c.height):
            continue
        if c.width > 0.6 * mask.shape[1] and c.height > 0.6 * mask.shape[0]:
            continue  # a frame or a panel, not an icon
        if _in_a_line_of_large_type(c, comps):
            continue
        inner = [
            d
            for d in comps
            if d is not c
            and d.top >= c.top
            and d.bottom <= c.bottom
            and d.left >= c.left
            and d.right <= c.right
        ]
        if any(d.height >= max(0.6 * glyph, 0.3 * c.height) for d in inner):
            continue  # an outlined button or box around its label (an icon's details are small)
        t, b, left, r = (v * factor for v in (c.top, c.bottom, c.left, c.right))
        if _holes(mask[c.top : c.bottom, c.left : c.right], glyph) >= 3:
            out[t:b, left:r] = 255 - out[t:b, left:r]
            inverted += 1
        else:
            out[t:b, left:r] = background
            erased += 1
    return out, erased, inverted


def _in_a_line_of_large_type(c: Component, comps: list[Component]) -> bool:
    """Two or more other components about as tall, on the same rows: large text, not an icon."""
    peers = 0
    for d in comps:
        if d is c or d.height < 0.6 * c.height:
            continue
        overlap = min(c.bottom, d.bottom) - max(c.top, d.top)
        if overlap >= 0.5 * min(c.height, d.height):
            peers += 1
            if peers >= 2:
                return True
    return False


def _holes(box: NDArray[np.bool_], glyph: float) -> int:
    """The largest number of holes in the box that form a row of letters: background regions
    not touching its edge, at least 0.4 of a glyph high, of about one height and on one line
    (an icon's holes, a highlight and a bar, are of different sizes)."""
    holes = [
        d
        for d in components(~box)
        if not (d.top == 0 or d.left == 0 or d.bottom == box.shape[0] or d.right == box.shape[1])
        and d.height >= 0.4 * glyph
    ]
    best = 0
    for a in holes:
        centre = (a.top + a.bottom) / 2
        best = max(best, sum(
            1
            for d in holes
            if 0.6 * a.height <= d.height <= 1.6 * a.height
            and abs((d.top + d.bottom) / 2 - centre) <= 0.5 * a.height
        ))  # fmt: skip
    return best
