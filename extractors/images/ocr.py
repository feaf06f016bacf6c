"""Screenshots (PNG/JPEG of an error dialog, a terminal, a log viewer) -> text, by Tesseract.

Tesseract runs through ``pytesseract`` with Chinese and English together
(``chi_sim+eng``; Debian packages ``tesseract-ocr``, ``tesseract-ocr-chi-sim``,
``tesseract-ocr-eng``). What comes out is plain text with its line structure,
per-line confidences and boxes; finding error codes, stack traces and products
in that text is the job of the same extractors that read tickets and logs.

Preprocessing, tuned on screenshots of real applications (terminals, GTK
and Tk dialogs, Chromium pages; ``bench/screenshots.py``, ``bench/ocr_real.py``
and its results; the older rendered set is ``bench/ocr.py``):

1. EXIF orientation applied, first frame only, transparency flattened on white.
2. Grayscale; on a dark page by the brightest of the three channels, so that
   coloured text (a blue or red part of a shell prompt) keeps its contrast.
3. Dark themes inverted: when the mean brightness is below the middle
   (light text on a dark terminal), the image is inverted, since Tesseract's
   models expect dark text on a light page.
3a. Graphics that are not text painted out (``extractors.images.graphics``): a
   dialog's error icon, a page's illustration, by shape (a component much
   taller than a glyph, alone in its rows, enclosing no glyph-sized ink);
   a filled button whose label is cut out of it is inverted instead. Left in,
   the icon joins the first lines of a message into one block and they come
   out in the wrong order.
4. Small text upscaled: the height of text lines is estimated from the
   horizontal ink profile (frame lines removed first), and the image is
   enlarged (Lanczos) so that lines are about ``TARGET_LINE_PX`` high, at most
   ``MAX_SCALE`` times. Screen text of 12-16 px is far below the size the
   models were trained on (target 30 px chosen on the rendered set: 20-30
   equal, 40 worse for Chinese).
5. Vertical frame lines (dialog and panel borders) painted out, since
   Tesseract reads them as ``|``.
6. A white margin, since text touching the edge of a cropped screenshot is
   often lost.
7. Optional Otsu binarisation (``binarize=True``; numpy only). Off by default:
   Tesseract thresholds itself, and on the benchmark it gains no accuracy and
   loses error codes.

Page segmentation: ``psm=6`` (one uniform block) for dark images, which are
terminals and log viewers, and ``psm=4`` (one column of lines of varying size)
otherwise, which suits dialogs with a title, a message and buttons. Either
can be forced with ``psm=``; psm 3, 4 and 6 for all images came out within
0.3 points of each other. Known weakness: the one- or two-character title of a
dialog ("错误") is sometimes dropped.

Post-processing: words are joined into lines from Tesseract's word boxes, so
the spaces it puts between Chinese characters are dropped while spaces between
Latin words, and between a Chinese and a Latin word, are kept;
in a monospace line the split Tesseract makes at a dot or bracket of code
(``conn. open (retries=2)``) is closed by measuring the gap against the
character cell; punctuation is normalised by its context (full-width in
Chinese text, ASCII between Latin characters and digits, full-width letters
and digits to ASCII), and the usual misreadings inside error codes are
repaired by their shape, so that ``FAIL 4711 （Q1234）`` becomes
``FAIL 4711 (Q1234)`` and a prefixed code with its dash read as ``一`` or its
letter O read as a zero (``XYZ一0815``, ``0PQ-0815``) gets its dash and its
letter back (see ``tidy_text``). Rows of carets and tildes under code (Python
tracebacks, psql's position pointer, compiler diagnostics), which Tesseract
drops or reads as ``AAAA``, are read from their shape instead
(``extractors.images.markers``). Figures: ``bench/results/ocr_real.md`` (real
screenshots, tuning and held-out sets) and ``bench/results/ocr.md``.

Limits: images above ``MAX_PIXELS`` (40 megapixels, e.g. 8000 x 5000; a 5K
display's full screenshot is 14.7 MP) are refused before they are decoded.
Every failure is an ``ExtractionError`` whose message names the file.
"""

from __future__ import annotations

import io
import os
import re
import time
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pytesseract  # type: ignore[import-untyped]
from PIL import Image, ImageOps, UnidentifiedImageError

from extractors.images.graphics import erase_graphics
from extractors.images.markers import Marker, find_markers
from extractors.records import ExtractionError

DEFAULT_LANGUAGES = "chi_sim+eng"
MAX_PIXELS = 40_000_000
"""Largest image accepted, in pixels (width x height), checked before decoding."""
TARGET_LINE_PX = 30
"""Text lines are upscaled to about this height (ink extent of a line, in pixels)."""
MAX_SCALE = 4.0
MARGIN_PX = 12
DEFAULT_TIMEOUT = 120.0
"""Seconds one Tesseract run may take before the image is reported as failed."""

_LANGS = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\+[A-Za-z][A-Za-z0-9_]*)*$")
_CJK = (
    r"\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf"
    r"\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
)
# Full-width punctuation that Chinese text uses, with the ASCII form it stands for.
_FULL_TO_ASCII = {
    "，": ",", "：": ":", "；": ";", "！": "!", "？": "?", "（": "(", "）": ")",
    "【": "[", "】": "]", "［": "[", "］": "]", "｛": "{", "｝": "}", "。": ".",
    "、": ",", "‘": "'", "’": "'", "“": '"', "”": '"', "＂": '"', "＇": "'",
    "＝": "=", "＜": "<", "＞": ">", "／": "/", "＼": "\\", "＠": "@", "＃": "#",
    "＄": "$", "％": "%", "＆": "&", "＊": "*", "＋": "+", "｜": "|", "～": "~",
    "＿": "_", "．": ".",
}  # fmt: skip
_ASCII_TO_FULL = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？"}
_DASHES = "一－—–‐‑"  # the CJK "one" is Tesseract's usual reading of a hyphen in a code
_CJK_CHAR = re.compile(f"[{_CJK}]")
_FW_PUNCT = "\u3000-\u303f\uff00-\uffef"  # CJK symbols and punctuation, full-width forms
_CJK_SPACE = re.compile(
    f"(?<=[{_CJK}])[ \t]+(?=[{_CJK}])|(?<=[{_FW_PUNCT}])[ \t]+|[ \t]+(?=[{_FW_PUNCT}])"
)
_LATIN = re.compile(r"[A-Za-z]")

__all__ = [
    "DEFAULT_LANGUAGES",
    "MAX_PIXELS",
    "OcrLine",
    "OcrResult",
    "guess_language",
    "ocr_image",
    "otsu_threshold",
    "tidy_text",
]


@dataclass(frozen=True)
class OcrLine:
    """One recognised line; the box is in the original image's pixels."""

    text: str
    confidence: float  # 0..1, mean of the words' confidences weighted by length
    left: int
    top: int
    width: int
    height: int


@dataclass(frozen=True)
class OcrResult:
    text: str  # the lines joined by newlines
    lines: list[OcrLine]
    mean_confidence: float  # 0..1, over all recognised characters; 0 when nothing was read
    language_guess: str  # "zh", "en", "mixed" or "unknown" (no letters read)
    width: int  # of the original image
    height: int
    seconds: float  # wall time: decoding, preprocessing, Tesseract, post-processing
    steps: list[str] = field(default_factory=list)  # preprocessing applied, e.g. "invert"


# -- entry point --------------------------------------------------------------------------------


def ocr_image(
    source: str | os.PathLike[str] | bytes,
    languages: str = DEFAULT_LANGUAGES,
    *,
    name: str | None = None,
    psm: int | None = None,
    binarize: bool = False,
    upscale: bool = True,
    max_pixels: int = MAX_PIXELS,
    timeout: float = DEFAULT_TIMEOUT,
) -> OcrResult:
    """Recognise the text of a screenshot given as a path or as the file's bytes.

    ``name`` is what error messages call the image (default: the path, or
    ``<N bytes>``); ``psm`` forces Tesseract's page segmentation mode;
    ``binarize`` adds Otsu binarisation and ``upscale=False`` turns off the
    enlargement of small text (both for comparisons, see the module notes).

    Raises ``ExtractionError`` for a missing file, data that is not an image
    or is corrupt, an image above ``max_pixels``, a missing Tesseract or
    missing language data (naming the Debian package to install), and an
    OCR run longer than ``timeout`` seconds.
    """
    started = time.perf_counter()
    label = name or (f"<{len(source)} bytes>" if isinstance(source, bytes) else str(source))
    if not _LANGS.match(languages):
        raise ExtractionError(
            f"{label}: bad OCR language list {languages!r} (expected e.g. 'chi_sim+eng')"
        )
    image = _load(source, label, max_pixels)
    _check_tesseract(languages, label)
    width, height = image.size

    gray, steps = _preprocess(image)
    gray = _erase_graphics(gray, steps)
    line_height = _line_height(gray)
    gray, erased = _erase_vertical_rules(gray, line_height)
    if erased:
        steps.append(f"erase {erased} frame lines")
    scale = _upscale_factor(line_height) if upscale else 1.0
    if scale > 1.0 and gray.width * gray.height * scale * scale <= 4 * max_pixels:
        gray = gray.resize(
            (round(gray.width * scale), round(gray.height * scale)), Image.Resampling.LANCZOS
        )
        steps.append(f"upscale x{scale:.2f}")
    else:
        scale = 1.0
    if binarize:
        gray = _binarize(gray)
        steps.append("binarize")
    margin = MARGIN_PX
    core = gray  # before the margin, which would weigh in a threshold taken later
    gray = ImageOps.expand(gray, border=margin, fill=255)
    page_mode = psm if psm is not None else (6 if "invert" in steps else 4)
    steps.append(f"psm {page_mode}")

    data = _tesseract(gray, languages, page_mode, timeout, label)
    lines = _lines(data, scale=scale, margin=margin)
    if not binarize and not any(line.text.strip() for line in lines) and _has_ink(gray):
        # Nothing read from an image that shows something: low contrast (a dark
        # theme saved as a lossy JPEG) defeats Tesseract's own thresholding, so
        # read it once more in black and white.
        gray = ImageOps.expand(_binarize(core), border=margin, fill=255)
        steps.append("binarize (nothing read)")
        data = _tesseract(gray, languages, page_mode, timeout, label)
        lines = _lines(data, scale=scale, margin=margin)
    markers = find_markers(np.asarray(gray) <= otsu_threshold(gray))
    if markers:
        lines = _with_markers(lines, markers, scale=scale, margin=margin)
        steps.append(f"{len(markers)} marker lines")
    text = "\n".join(line.text for line in lines)
    chars = sum(len(line.text) for line in lines)
    mean_conf = sum(line.confidence * len(line.text) for line in lines) / chars if chars else 0.0
    return OcrResult(
        text=text,
        lines=lines,
        mean_confidence=round(mean_conf, 4),
        language_guess=guess_language(text),
        width=width,
        height=height,
        seconds=time.perf_counter() - started,
        steps=steps,
    )


# -- loading ------------------------------------------------------------------------------------


def _load(source: str | os.PathLike[str] | bytes, label: str, max_pixels: int) -> Image.Image:
    if isinstance(source, bytes):
        data = source
    else:
        path = Path(source)
        try:
            data = path.read_bytes()
        except FileNotFoundError as e:
            raise ExtractionError(f"{label}: no such file") from e
        except IsADirectoryError as e:
            raise ExtractionError(f"{label}: is a directory, not an image file") from e
        except OSError as e:
            raise ExtractionError(f"{label}: cannot read the file: {e.strerror or e}") from e
    if not data:
        raise ExtractionError(f"{label}: not an image (the file is empty)")
    image: Image.Image
    try:
        image = Image.open(io.BytesIO(data))
    except UnidentifiedImageError as e:
        raise ExtractionError(
            f"{label}: not an image, or an image format Pillow cannot read "
            "(screenshots are expected as PNG or JPEG)"
        ) from e
    except Image.DecompressionBombError as e:
        raise ExtractionError(f"{label}: image too large ({e})") from e
    except (OSError, SyntaxError, ValueError) as e:
        raise ExtractionError(f"{label}: corrupt image header: {e}") from e
    w, h = image.size
    if w * h > max_pixels:
        raise ExtractionError(
            f"{label}: image too large: {w} x {h} = {w * h / 1e6:.1f} megapixels, "
            f"the limit is {max_pixels / 1e6:g} megapixels"
        )
    if w < 2 or h < 2:
        raise ExtractionError(f"{label}: image too small to hold text ({w} x {h} pixels)")
    try:
        image.load()
        image = ImageOps.exif_transpose(image) or image
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as e:
        raise ExtractionError(f"{label}: corrupt or truncated {image.format} image: {e}") from e
    return image


_NOT_INSTALLED = (
    "Tesseract is not installed or not on PATH "
    "(Debian: apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim)"
)


def _debian_package(lang: str) -> str:
    return "tesseract-ocr-" + lang.lower().replace("_", "-")


@lru_cache(maxsize=8)
def _installed_languages(cmd: str, path_env: str, tessdata: str) -> frozenset[str]:
    return frozenset(pytesseract.get_languages(config=""))


def _check_tesseract(languages: str, label: str) -> None:
    try:
        have = _installed_languages(
            str(pytesseract.pytesseract.tesseract_cmd),
            os.environ.get("PATH", ""),
            os.environ.get("TESSDATA_PREFIX", ""),
        )
    except pytesseract.TesseractNotFoundError as e:
        raise ExtractionError(f"{label}: {_NOT_INSTALLED}") from e
    missing = [lang for lang in languages.split("+") if lang not in have]
    if missing:
        packages = " ".join(_debian_package(lang) for lang in missing)
        raise ExtractionError(
            f"{label}: Tesseract has no language data for {', '.join(missing)} "
            f"(Debian: apt-get install {packages}); installed: {', '.join(sorted(have)) or 'none'}"
        )


# -- preprocessing ------------------------------------------------------------------------------


def _tesseract(
    gray: Image.Image, languages: str, page_mode: int, timeout: float, label: str
) -> dict[str, list[Any]]:
    try:
        data: dict[str, list[Any]] = pytesseract.image_to_data(
            gray,
            lang=languages,
            config=f"--psm {page_mode} --oem 1",
            output_type=pytesseract.Output.DICT,
            timeout=timeout,
        )
    except pytesseract.TesseractNotFoundError as e:
        raise ExtractionError(f"{label}: {_NOT_INSTALLED}") from e
    except pytesseract.TesseractError as e:
        raise ExtractionError(f"{label}: Tesseract failed: {e.message or e}") from e
    except RuntimeError as e:  # pytesseract's timeout
        raise ExtractionError(f"{label}: OCR took longer than {timeout:g} s") from e
    return data


#: Share of dark pixels (after Otsu) above which an image shows something to read.
MIN_INK = 0.002


def _has_ink(gray: Image.Image) -> bool:
    pixels = np.asarray(gray)
    if int(pixels.max()) - int(pixels.min()) < 16:
        return False  # a flat image: nothing there
    return float((pixels <= otsu_threshold(gray)).mean()) >= MIN_INK


def _preprocess(image: Image.Image) -> tuple[Image.Image, list[str]]:
    steps = ["grayscale"]
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    gray = image.convert("L")
    if _mean(gray) < 127.5:
        if image.mode not in ("L", "LA", "1", "I", "F", "I;16"):
            # Light text of any colour on a dark page: the brightest channel, so that a blue or
            # red prompt keeps its contrast (by luminance, blue on black is nearly black).
            rgb = np.asarray(image.convert("RGB"))
            gray = Image.fromarray(rgb.max(axis=2), mode="L")
            steps.append("max channel")
        gray = ImageOps.invert(gray)
        steps.append("invert")
    return gray, steps


def _erase_graphics(gray: Image.Image, steps: list[str]) -> Image.Image:
    arr = np.asarray(gray)
    out, erased, inverted = erase_graphics(arr, arr <= otsu_threshold(gray))
    if erased:
        steps.append(f"erase {erased} graphics")
    if inverted:
        steps.append(f"invert {inverted} filled boxes")
    return Image.fromarray(out, mode="L") if erased or inverted else gray


def _mean(gray: Image.Image) -> float:
    hist = gray.histogram()
    total = sum(hist)
    return sum(i * n for i, n in enumerate(hist)) / total if total else 255.0


def otsu_threshold(gray: Image.Image) -> int:
    """Otsu's threshold of an 8-bit grayscale image: pixels <= it are ink."""
    hist = np.asarray(gray.histogram()[:256], dtype=np.float64)
    total = hist.sum()
    if total == 0:
        return 127
    levels = np.arange(256, dtype=np.float64)
    weight0 = np.cumsum(hist)
    weight1 = total - weight0
    sum0 = np.cumsum(hist * levels)
    mean0 = np.divide(sum0, weight0, out=np.zeros(256), where=weight0 > 0)
    mean1 = np.divide(sum0[-1] - sum0, weight1, out=np.zeros(256), where=weight1 > 0)
    between = weight0 * weight1 * (mean0 - mean1) ** 2
    return int(np.argmax(between))


def _binarize(gray: Image.Image) -> Image.Image:
    t = otsu_threshold(gray)
    arr = np.asarray(gray)
    return Image.fromarray(np.where(arr > t, 255, 0).astype(np.uint8), mode="L")


def _line_height(gray: Image.Image) -> float | None:
    """Median height of the text lines, from the rows that hold ink; None if none are found.

    Frame lines are removed first: columns inked over most of the height
    (dialog borders) and rows inked over most of the width (rules, title bars).
    """
    arr = np.asarray(gray)
    ink = arr <= otsu_threshold(gray)
    w = ink.shape[1]
    ink[:, ink.mean(axis=0) > 0.5] = False
    ink[ink.mean(axis=1) > 0.6, :] = False
    rows = ink.sum(axis=1) >= max(2, w // 500)
    runs: list[int] = []
    start = -1
    for y, on in enumerate(np.append(rows, False)):
        if on and start < 0:
            start = y
        elif not on and start >= 0:
            if y - start >= 4:  # thinner runs are rules and underlines, not text
                runs.append(y - start)
            start = -1
    if not runs:
        return None
    return float(np.median(runs))


def _erase_vertical_rules(gray: Image.Image, line_height: float | None) -> tuple[Image.Image, int]:
    """Paint out vertical lines much taller than a text line: window frames, panel borders.

    Left in, Tesseract reads a dialog's frame as ``|`` at both ends of a line.
    Glyphs are never taller than about 1.3 lines; a ``|`` repeated on touching
    terminal rows (a psql or mysql table) goes too, which costs only the pipes.
    """
    min_len = max(40, round(2.5 * line_height)) if line_height else 60
    arr = np.array(gray)
    h, w = arr.shape
    if h < min_len:
        return gray, 0
    ink = arr <= otsu_threshold(gray)
    padded = np.zeros((w, h + 2), dtype=np.int8)
    padded[:, 1:-1] = ink.T
    edges = np.diff(padded, axis=1)
    starts = np.argwhere(edges == 1)  # (column, row), sorted by column then row
    ends = np.argwhere(edges == -1)
    long = (ends[:, 1] - starts[:, 1]) >= min_len
    columns: set[int] = set()
    for (col, top), (_, bottom) in zip(starts[long], ends[long], strict=True):
        arr[top:bottom, max(0, col - 1) : col + 2] = 255
        columns.add(int(col))
    if not columns:
        return gray, 0
    lines = sum(1 for c in columns if c - 1 not in columns)  # adjacent columns are one line
    return Image.fromarray(arr, mode="L"), lines


def _upscale_factor(height: float | None) -> float:
    if height is None or height >= TARGET_LINE_PX * 0.8:
        return 1.0
    return float(min(MAX_SCALE, TARGET_LINE_PX / height))


# -- post-processing ----------------------------------------------------------------------------


def _is_cjk(ch: str) -> bool:
    return bool(_CJK_CHAR.match(ch))


def _lines(data: dict[str, list[Any]], *, scale: float, margin: int) -> list[OcrLine]:
    """Group Tesseract's words into lines (reading order) and join them."""
    groups: dict[tuple[int, int, int], list[int]] = {}
    for i, level in enumerate(data["level"]):
        word = str(data["text"][i]).strip()
        if int(level) != 5 or not word:
            continue
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        groups.setdefault(key, []).append(i)
    lines: list[OcrLine] = []
    for idxs in groups.values():
        words = [_normalise_width(str(data["text"][i]).strip()) for i in idxs]
        lefts = [int(data["left"][i]) for i in idxs]
        tops = [int(data["top"][i]) for i in idxs]
        rights = [lefts[k] + int(data["width"][i]) for k, i in enumerate(idxs)]
        bottoms = [tops[k] + int(data["height"][i]) for k, i in enumerate(idxs)]
        confs = [max(0.0, float(data["conf"][i])) / 100.0 for i in idxs]
        cell = _monospace_cell(words, lefts, rights)
        parts = [words[0]]
        for k in range(1, len(words)):
            prev, cur = parts[-1], words[k]
            a, b = prev[-1], cur[0]
            # Between Chinese characters there is no space. Between Chinese and Latin words
            # Tesseract's own split is kept: its character boxes for Chinese are too loose
            # to measure the gap, and a space keeps an error code a token of its own.
            if (
                (_is_cjk(a) and _is_cjk(b))
                or _joins_tight(a, b)
                or (cell and _split_identifier(prev, cur, lefts[k] - rights[k - 1], cell))
            ):
                parts[-1] = prev + cur
            else:
                parts.append(cur)
        text = tidy_text(" ".join(parts))
        if not text:
            continue
        n = sum(len(w) for w in words)
        conf = sum(c * len(w) for c, w in zip(confs, words, strict=True)) / n if n else 0.0
        left = (min(lefts) - margin) / scale
        top = (min(tops) - margin) / scale
        lines.append(
            OcrLine(
                text=text,
                confidence=round(conf, 4),
                left=max(0, round(left)),
                top=max(0, round(top)),
                width=round((max(rights) - min(lefts)) / scale),
                height=round((max(bottoms) - min(tops)) / scale),
            )
        )
    return lines


def _with_markers(
    lines: list[OcrLine], markers: list[Marker], *, scale: float, margin: int
) -> list[OcrLine]:
    """Marker rows (``^^^``) in place of what Tesseract made of them, each after the line above."""
    out = list(lines)
    for m in markers:
        top, bottom = (m.top - margin) / scale, (m.bottom - margin) / scale
        out = [ln for ln in out if not top <= ln.top + ln.height / 2 <= bottom]
        marker = OcrLine(
            text=m.text,
            confidence=0.9,
            left=max(0, round((m.left - margin) / scale)),
            top=max(0, round(top)),
            width=round((m.right - m.left) / scale),
            height=max(1, round(bottom - top)),
        )
        at = max((i + 1 for i, ln in enumerate(out) if ln.top < marker.top), default=0)
        out.insert(at, marker)
    return out


def _monospace_cell(words: list[str], lefts: list[int], rights: list[int]) -> float | None:
    """The character cell width if the line is set in a monospace font, else None.

    Judged from the Latin words of four or more characters: in a monospace
    font their width per character agrees within 12%.
    """
    per_char = [
        (rights[k] - lefts[k]) / len(w)
        for k, w in enumerate(words)
        if len(w) >= 4 and w.isascii() and sum(c.isalnum() for c in w) >= 0.75 * len(w)
    ]
    if len(per_char) < 2 or max(per_char) > 1.12 * min(per_char):
        return None
    return float(np.median(per_char))


def _split_identifier(prev: str, cur: str, gap: int, cell: float) -> bool:
    """Tesseract splits code in a monospace font at the wide cell of a dot or a bracket:
    ``pool. acquire (timeout=5)``, ``java. lang.Error``. A real space there is a whole
    cell or more; the split is a fraction of one."""
    if gap >= 0.75 * cell or not prev.isascii() or not cur.isascii():
        return False
    return (prev.endswith(".") and cur[0].islower() and prev[-2:-1].isalnum()) or (
        cur[0] in "([" and prev[-1].isalnum()
    )


def _joins_tight(a: str, b: str) -> bool:
    """No space next to Chinese punctuation: 失败 ： / 上限 。"""
    return any(unicodedata.east_asian_width(c) in "FW" and not c.isalnum() for c in (a, b))


def _normalise_width(word: str) -> str:
    """Full-width ASCII letters and digits (Ａ, １) to ASCII; punctuation is left to context."""
    return "".join(
        chr(ord(c) - 0xFEE0) if "\uff10" <= c <= "\uff19" or "\uff21" <= c <= "\uff5a" else c
        for c in word
    )


def tidy_text(text: str) -> str:
    """Spacing and punctuation of OCR'd text, by context, one line at a time.

    - spaces between Chinese characters, and next to Chinese punctuation, removed;
    - in a line without Chinese, full-width punctuation made ASCII
      (``（28000）：`` -> ``(28000):``); in a line with Chinese, only where
      neither neighbour is Chinese;
    - ASCII ``, ; ! ?`` next to a Chinese character made full-width, ``:``
      after one (``失败:`` -> ``失败：``, but ``ERROR: 连接失败`` stays);
      a bracket pair whose content starts in Chinese made full-width
      (``管理员 (错误码 5003)`` -> ``管理员（错误码 5003）``);
    - error codes repaired: a dash between letters or digits read as ``一``
      or ``—`` (``XYZ一0815`` -> ``XYZ-0815``), a space after the dash
      (``QR- 4711``), a zero for the letter O at the start (``0PQ-0815``) and
      the letter O among the digits (``XYZ-0O815``), ``£`` for the E of a
      code (``£4711``); a zero for O inside a word of letters
      (``Read0nlyVolume``);
    - runs of spaces collapsed, lines stripped, full-width letters and digits made ASCII.
    """
    out = []
    for line in text.splitlines():
        line = _normalise_width(line.replace("\u3000", " "))
        line = " ".join(line.split())
        out.append(_codes(_punctuation(line)))
    return "\n".join(out).strip("\n")


_CODE_DASH_SPACE = re.compile(r"\b([A-Z][A-Z0-9_]*)- (?=\d)")
_CODE_ZERO_FOR_O = re.compile(r"\b0(?=[A-Z]{2,}-\d)")
_CODE_O_IN_DIGITS = re.compile(r"\b([A-Z]{2,}-)([0-9O]*\d[0-9O]*)\b")
_POUND_FOR_E = re.compile(r"(?<![\w.,])£(?=\d{3,5}\b(?![.,]\d))")
_ZERO_IN_WORD = re.compile(r"\b(?!0[xXbBoO])(?=[A-Za-z0]*[A-Za-z]{3})[A-Za-z0]*0[A-Za-z0]*\b")
_ZERO_BEFORE_LETTER = re.compile(r"(?:(?<=^)|(?<=[A-Za-z]))0(?=[A-Za-z])")


def _codes(line: str) -> str:
    line = _CODE_DASH_SPACE.sub(r"\1-", line)
    line = _CODE_ZERO_FOR_O.sub("O", line)
    line = _POUND_FOR_E.sub("E", line)
    line = _ZERO_IN_WORD.sub(lambda m: _ZERO_BEFORE_LETTER.sub("O", m.group()), line)
    return _CODE_O_IN_DIGITS.sub(lambda m: m.group(1) + m.group(2).replace("O", "0"), line)


_OPEN = {"(": "（", "（": "（"}
_CLOSE = {")": "）", "）": "）"}


def _punctuation(line: str) -> str:
    chars = list(line)
    n = len(chars)

    def neighbour(i: int, step: int) -> str:
        j = i + step
        while 0 <= j < n and chars[j] == " ":
            j += step
        return chars[j] if 0 <= j < n else ""

    # bracket pairs: full-width when what they enclose starts in Chinese, else ASCII
    paired: dict[int, str] = {}
    stack: list[int] = []
    for i, c in enumerate(chars):
        if c in _OPEN:
            stack.append(i)
        elif c in _CLOSE and stack:
            j = stack.pop()
            full = _is_cjk(neighbour(j, 1) or " ")
            paired[j], paired[i] = ("（", "）") if full else ("(", ")")
    has_cjk = any(_is_cjk(c) for c in chars)
    for i, c in enumerate(chars):
        before = chars[i - 1] if i else ""
        after = chars[i + 1] if i + 1 < n else ""
        prev, nxt = neighbour(i, -1), neighbour(i, 1)
        if i in paired:
            chars[i] = paired[i]
        elif c in _DASHES:
            if before.isascii() and before.isalnum() and after.isascii() and after.isalnum():
                chars[i] = "-"
        elif c in _FULL_TO_ASCII:
            if not has_cjk:
                chars[i] = _FULL_TO_ASCII[c]
            elif not _is_cjk(prev or " ") and not _is_cjk(nxt or " "):
                if c in "。、" and not (prev and nxt and prev.isascii() and nxt.isascii()):
                    continue  # a sentence end after Latin text in a Chinese line stays
                chars[i] = _FULL_TO_ASCII[c]
        elif c in _ASCII_TO_FULL:
            prev_cjk = _is_cjk(prev or " ")
            next_cjk = _is_cjk((after if c == ":" else nxt) or " ")
            if prev_cjk or next_cjk:
                chars[i] = _ASCII_TO_FULL[c]
    return _CJK_SPACE.sub("", "".join(chars))


def guess_language(text: str) -> str:
    """'zh', 'en', 'mixed' or 'unknown', from the share of Chinese among the letters."""
    cjk = len(_CJK_CHAR.findall(text))
    latin = len(_LATIN.findall(text))
    if cjk + latin == 0:
        return "unknown"
    # A Chinese character carries about as much as a Latin word of 3-4 letters.
    share = cjk * 3 / (cjk * 3 + latin)
    if share >= 0.8:
        return "zh"
    if share <= 0.1:
        return "en"
    return "mixed"
