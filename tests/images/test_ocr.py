"""OCR of screenshots with the real Tesseract: rendered error text must come back.

Images are rendered with Pillow. English text uses DejaVu (Debian
``fonts-dejavu-core``), Chinese text Noto Sans CJK (Debian ``fonts-noto-cjk``);
without a Chinese font the Chinese tests fail and say which package to install.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont
from rapidfuzz.distance import Levenshtein

from extractors.images.ocr import MAX_PIXELS, OcrResult, guess_language, ocr_image, tidy_text
from extractors.records import ExtractionError
from tests.fonts import FontMissing, find_font

# -- fonts and rendering --------------------------------------------------------------------------


def font(kind: str, size: int) -> ImageFont.FreeTypeFont:
    """kind: 'sans', 'mono', 'cjk-sans' or 'cjk-mono'."""
    try:
        path, index = find_font(kind)
    except FontMissing as exc:
        pytest.fail(str(exc))
    return ImageFont.truetype(path, size, index=index)


def render(
    lines: list[str],
    fnt: ImageFont.FreeTypeFont,
    *,
    dark: bool = False,
    frame: bool = False,
) -> Image.Image:
    """Lines of text on a light window (optionally framed, like a dialog) or a dark terminal."""
    size = int(fnt.size)
    pad = max(10, size)
    ascent, descent = fnt.getmetrics()
    step = ascent + descent + round(size * 0.25)
    width = max(int(fnt.getlength(t)) for t in lines) + 2 * pad
    img = Image.new(
        "RGB", (width, len(lines) * step + 2 * pad), (30, 30, 30) if dark else (240, 240, 240)
    )
    draw = ImageDraw.Draw(img)
    for i, text in enumerate(lines):
        draw.text(
            (pad, pad + i * step), text, font=fnt, fill=(210, 210, 210) if dark else (0, 0, 0)
        )
    if frame:
        draw.rectangle((0, 0, img.width - 1, img.height - 1), outline=(110, 110, 110))
        draw.line((0, pad + step - 2, img.width, pad + step - 2), fill=(190, 190, 190))
    return img


def png(img: Image.Image, fmt: str = "PNG", **kw: int) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def accuracy(reference: str, text: str) -> float:
    """1 - normalised Levenshtein distance, lines stripped, whitespace runs collapsed."""

    def norm(s: str) -> str:
        lines = (" ".join(line.split()) for line in s.splitlines())
        return "\n".join(line for line in lines if line)

    return 1.0 - Levenshtein.normalized_distance(norm(reference), norm(text))


def show(result: OcrResult, reference: str) -> str:
    acc = accuracy(reference, result.text)
    return (
        f"accuracy {acc:.3f}, steps {result.steps}\n"
        f"--- expected\n{reference}\n--- got\n{result.text}"
    )


# -- recognition ----------------------------------------------------------------------------------

MYSQL = "ERROR 1045 (28000): Access denied for user 'app'@'10.0.0.5' (using password: YES)"
DIALOG_EN = ["MySQL Workbench", MYSQL, "Check the user name, the host and the password."]
TRACEBACK = [
    "$ python manage.py migrate",
    "Traceback (most recent call last):",
    '  File "/srv/app/db.py", line 42, in connect',
    "    conn = pool.acquire(timeout=5)",
    '  File "/srv/app/pool.py", line 118, in acquire',
    '    raise PoolExhaustedError("E2031: pool exhausted")',
    "app.errors.PoolExhaustedError: E2031: pool exhausted (max_size=20)",
]
DIALOG_ZH = ["错误", "数据库连接失败：错误码 NDB-1001，连接数已达上限", "请稍后重试或联系管理员。"]
LOG_MIXED = [
    "2024-05-12 10:31:07 ERROR [OrderService] 订单提交失败 ORA-00942: table or view does not exist",
    "2024-05-12 10:31:09 WARN [OrderService] 重试第 2 次，错误码 ORA-00942",
]


def test_english_error_dialog(tmp_path: Path) -> None:
    path = tmp_path / "mysql-error.png"
    render(DIALOG_EN, font("sans", 16), frame=True).save(path)
    result = ocr_image(path)
    reference = "\n".join(DIALOG_EN)
    assert accuracy(reference, result.text) >= 0.97, show(result, reference)
    assert MYSQL in result.text, show(result, reference)  # the whole message, codes included
    assert result.lines[0].text == "MySQL Workbench"  # the frame is not read as "|"
    assert any(step.startswith("erase") for step in result.steps)
    assert result.language_guess == "en"
    assert len(result.lines) == 3
    with Image.open(path) as original:
        assert (result.width, result.height) == original.size
    assert 0.5 < result.mean_confidence <= 1.0
    assert "invert" not in result.steps


def test_terminal_traceback_light_on_dark() -> None:
    img = render(TRACEBACK, font("mono", 14), dark=True)
    result = ocr_image(png(img), name="terminal.png")
    reference = "\n".join(TRACEBACK)
    assert "invert" in result.steps
    assert accuracy(reference, result.text) >= 0.95, show(result, reference)
    assert "E2031" in result.text
    assert "conn = pool.acquire(timeout=5)" in result.text  # no space at the dot in monospace
    assert "app.errors.PoolExhaustedError: E2031: pool exhausted" in result.text
    assert "line 42" in result.text and "line 118" in result.text
    assert len(result.lines) == len(TRACEBACK), show(result, reference)
    # line boxes are in the original image's pixels, top to bottom
    tops = [line.top for line in result.lines]
    assert tops == sorted(tops) and tops[-1] < img.height
    assert all(line.left + line.width <= img.width + 2 for line in result.lines)


def test_chinese_error_dialog() -> None:
    img = render(DIALOG_ZH, font("cjk-sans", 18), frame=True)
    result = ocr_image(png(img))
    reference = "\n".join(DIALOG_ZH)
    assert accuracy(reference, result.text) >= 0.95, show(result, reference)
    assert "NDB-1001" in result.text, show(result, reference)
    assert "连接数已达上限" in result.text, show(result, reference)
    assert result.language_guess == "zh"
    # no spaces between Chinese characters, full-width punctuation in Chinese text
    assert not re.search(r"[\u4e00-\u9fff] +[\u4e00-\u9fff]", result.text), result.text
    assert "失败：" in result.text, result.text


def test_mixed_log_viewer_small_text_as_jpeg() -> None:
    img = render(LOG_MIXED, font("cjk-mono", 13))
    result = ocr_image(png(img, "JPEG", quality=85))
    reference = "\n".join(LOG_MIXED)
    assert any(step.startswith("upscale") for step in result.steps), result.steps
    assert accuracy(reference, result.text) >= 0.95, show(result, reference)
    assert result.text.count("ORA-00942") == 2, show(result, reference)
    assert "table or view does not exist" in result.text
    assert result.language_guess == "mixed"


def test_small_english_text_needs_upscaling() -> None:
    img = render([MYSQL], font("sans", 11))
    result = ocr_image(png(img))
    assert any(step.startswith("upscale") for step in result.steps), result.steps
    assert accuracy(MYSQL, result.text) >= 0.93, show(result, MYSQL)
    assert "1045" in result.text and "28000" in result.text


def test_transparent_png_and_binarisation() -> None:
    img = render(["ORA-12541: TNS:no listener"], font("sans", 20)).convert("RGBA")
    img.putalpha(255)
    result = ocr_image(png(img), binarize=True)
    assert "binarize" in result.steps
    assert "ORA-12541" in result.text, result.text


def with_icon(img: Image.Image, size: int) -> Image.Image:
    """An error icon (a red disc with a white bar, as GTK and Tk draw it) left of the text."""
    out = Image.new(
        "RGB", (img.width + size + 24, max(img.height, size + 24)), img.getpixel((1, 1))
    )
    out.paste(img, (size + 24, 0))
    draw = ImageDraw.Draw(out)
    draw.ellipse((12, 12, 12 + size, 12 + size), fill=(204, 0, 0))
    bar = size // 7
    left, right = 12 + size // 5, 12 + size - size // 5
    draw.rectangle((left, 12 + size // 2 - bar, right, 12 + size // 2 + bar), fill=(255, 255, 255))
    return out


DIALOG_TWO_LINES = [
    "replica sync: connection to 10.1.2.3 port 7000 failed: Connection refused",
    "Is the replica running and accepting connections?",
]


@pytest.mark.parametrize("dark", [False, True])
def test_dialog_icon_is_painted_out_and_lines_keep_their_order(dark: bool) -> None:
    text = render(DIALOG_TWO_LINES, font("sans", 14), dark=dark)
    result = ocr_image(png(with_icon(text, 48)))
    reference = "\n".join(DIALOG_TWO_LINES)
    assert "erase 1 graphics" in result.steps, result.steps
    assert result.lines[0].text.startswith("replica sync:"), show(result, reference)
    assert accuracy(reference, result.text) >= 0.95, show(result, reference)


CARETS = [
    'File "/srv/jobs/export.py", line 12, in run',
    "    total = rows[0]['amount'] * rate",
    "            ~~~~~~~^^^^^^^^^^",
    "IndexError: list index out of range",
]


@pytest.mark.parametrize("size", [12, 16])
def test_caret_markers_under_code_are_read(size: int) -> None:
    result = ocr_image(png(render(CARETS, font("mono", size))))
    assert "1 marker lines" in result.steps, show(result, "\n".join(CARETS))
    assert result.lines[2].text == CARETS[2].strip(), show(result, "\n".join(CARETS))
    assert result.lines[3].text.startswith("IndexError"), show(result, "\n".join(CARETS))


def test_dots_dashes_and_small_words_are_not_markers() -> None:
    lines = [
        "Loading modules",
        "........................",
        "------------------",
        "ok, connect to server",
    ]
    result = ocr_image(png(render(lines, font("mono", 14))))
    assert not any("marker" in step for step in result.steps), result.steps
    assert "^" not in result.text, result.text


def test_blank_image_reads_nothing() -> None:
    result = ocr_image(png(Image.new("RGB", (300, 120), (255, 255, 255))))
    assert result.text == "" and result.lines == []
    assert result.mean_confidence == 0.0 and result.language_guess == "unknown"
    assert "binarize (nothing read)" not in result.steps  # nothing there: no second read


def test_an_image_with_ink_but_nothing_read_is_read_again_in_black_and_white() -> None:
    from extractors.images.ocr import _has_ink

    flat = Image.new("L", (200, 80), 40)
    assert not _has_ink(flat)
    faint = Image.new("L", (200, 80), 40)
    for x in range(20, 180, 3):  # faint strokes on a dark page
        for y in range(30, 50):
            faint.putpixel((x, y), 70)
    assert _has_ink(faint)


# -- post-processing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "tidy"),
    [
        ("数 据 库 连 接 失 败 ： 错 误 码 NDB一1001 ， 连 接 数 已 达 上 限", DIALOG_ZH[1]),
        ("ERROR 1045 （28000）： Access denied for user ‘app’@‘10。0。0。5’", MYSQL[:59]),
        ("失败:错误码 NDB-1001,连接", "失败：错误码 NDB-1001，连接"),
        ("ＥＲＲＯＲ １０４５", "ERROR 1045"),
        ("请联系管理员 (错误码 5003)。", "请联系管理员（错误码 5003）。"),
        ("错误码 BK- 7002, 详情见 0RA-0O942 和 £2031", "错误码 BK-7002，详情见 ORA-00942 和 E2031"),
        ("java.lang.0ut0fMemoryError at 0x7f3a", "java.lang.OutOfMemoryError at 0x7f3a"),
        ("ERROR: 连接失败 (pool exhausted)", "ERROR: 连接失败 (pool exhausted)"),
        ("订单提交失败 ORA-00942： table", "订单提交失败 ORA-00942: table"),
        ('  File  "/srv/app/db.py",  line 42\n\n两 行', 'File "/srv/app/db.py", line 42\n\n两行'),
    ],
)
def test_tidy_text(raw: str, tidy: str) -> None:
    assert tidy_text(raw) == tidy


def test_guess_language() -> None:
    assert guess_language(MYSQL) == "en"
    assert guess_language(DIALOG_ZH[1]) == "zh"
    assert guess_language(LOG_MIXED[0]) == "mixed"
    assert guess_language("12:30 -- 42") == "unknown"


# -- errors ---------------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.png"
    with pytest.raises(ExtractionError, match=r"nope\.png: no such file"):
        ocr_image(path)


def test_directory_is_not_an_image(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError, match="is a directory"):
        ocr_image(tmp_path)


def test_not_an_image(tmp_path: Path) -> None:
    path = tmp_path / "error.png"
    path.write_text("Traceback (most recent call last):\n")
    with pytest.raises(ExtractionError, match=r"error\.png: not an image"):
        ocr_image(path)
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    with pytest.raises(ExtractionError, match=r"empty\.jpg: not an image \(the file is empty\)"):
        ocr_image(empty)


def test_corrupt_image(tmp_path: Path) -> None:
    data = png(render([MYSQL], font("sans", 16)))
    path = tmp_path / "cut.png"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ExtractionError, match=r"cut\.png: corrupt or truncated PNG image"):
        ocr_image(path)


def test_image_too_large(tmp_path: Path) -> None:
    path = tmp_path / "huge.png"
    Image.new("1", (8000, 5001), 1).save(path)  # 40.008 MP, 5 MB in memory, a tiny file
    with pytest.raises(ExtractionError, match=r"huge\.png: image too large: 8000 x 5001") as e:
        ocr_image(path)
    assert f"limit is {MAX_PIXELS / 1e6:g} megapixels" in str(e.value)
    small = png(render([MYSQL], font("sans", 16)))
    with pytest.raises(ExtractionError, match=r"shot\.png: image too large"):
        ocr_image(small, name="shot.png", max_pixels=10_000)


def test_missing_language_names_the_debian_package() -> None:
    data = png(render(["x"], font("sans", 16)))
    with pytest.raises(ExtractionError, match=r"shot\.png: .*no language data for jpn_vert") as e:
        ocr_image(data, "jpn_vert+eng", name="shot.png")
    assert "apt-get install tesseract-ocr-jpn-vert" in str(e.value)
    with pytest.raises(ExtractionError, match="bad OCR language list"):
        ocr_image(data, "eng --psm 0")


def test_tesseract_not_installed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    data = png(render(["x"], font("sans", 16)))
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no tesseract on PATH
    with pytest.raises(ExtractionError, match=r"shot\.png: Tesseract is not installed") as e:
        ocr_image(data, name="shot.png")
    assert "apt-get install tesseract-ocr" in str(e.value)


def test_bytes_are_named_in_errors() -> None:
    with pytest.raises(ExtractionError, match=r"<9 bytes>: not an image"):
        ocr_image(b"not a png")


# -- the command line ---------------------------------------------------------------------------


def test_graphdesk_ocr_prints_what_was_read(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from api.cli import main

    img = tmp_path / "dialog.png"
    render(["psql: ERROR 53300: too many clients", "Retry after closing idle sessions."],
           font("sans", 22), frame=True).save(img)  # fmt: skip
    not_image = tmp_path / "notes.png"
    not_image.write_text("not an image", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["ocr", "--json", str(not_image), str(img)])
    assert result.exit_code == 1  # one image failed; the other is still read
    assert f"FAILED {not_image}" in result.output
    [line] = [ln for ln in result.output.splitlines() if ln.startswith("{")]
    read = json.loads(line)
    assert read["image"] == str(img) and "53300" in read["codes"]
    assert "too many clients" in read["text"] and read["language"] == "en"
    assert len(read["lines"]) == 2 and all(0 < ln["confidence"] <= 1 for ln in read["lines"])
    plain = runner.invoke(main, ["ocr", str(img)])
    assert plain.exit_code == 0 and "codes: 53300" in plain.output
