"""Fonts for rendering test and benchmark screenshots (Debian packages named on failure)."""

from __future__ import annotations

import subprocess
from pathlib import Path

CJK_PACKAGE = "fonts-noto-cjk"
LATIN_PACKAGE = "fonts-dejavu-core"
CJK_KNOWN = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
]


class FontMissing(LookupError):
    """No font of the kind asked for; the message names the package to install."""


def fc_list(pattern: str) -> list[tuple[str, int, str]]:
    """(file, face index, family) of the fonts fontconfig matches."""
    try:
        out = subprocess.run(
            ["fc-list", pattern, "--format", "%{file}|%{index}|%{family}\n"],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    rows = []
    for line in out.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].isdigit():
            rows.append((parts[0], int(parts[1]), parts[2]))
    return rows


def find_font(kind: str) -> tuple[str, int]:
    """A font file and face index; kind is 'sans', 'mono', 'cjk-sans' or 'cjk-mono'."""
    mono = kind.endswith("mono")
    if kind.startswith("cjk"):
        rows = fc_list(":lang=zh-cn")
        rows.sort(
            key=lambda r: (("Mono" in r[2]) != mono, "SC" not in r[2], "Bold" in r[0], r[0]),
        )
        if rows:
            return rows[0][0], rows[0][1]
        for path in CJK_KNOWN:
            if Path(path).exists():
                return path, 0
        raise FontMissing(
            f"no Chinese (zh-cn) font found by fc-list or at {CJK_KNOWN}: "
            f"install the Debian package {CJK_PACKAGE} (apt-get install {CJK_PACKAGE})"
        )
    family = "DejaVu Sans Mono" if mono else "DejaVu Sans"
    for path, index, fam in fc_list(f"{family}:style=Book"):
        if fam.split(",")[0] == family:
            return path, index
    known = Path("/usr/share/fonts/truetype/dejavu") / (family.replace(" ", "") + ".ttf")
    if known.exists():
        return str(known), 0
    raise FontMissing(f"font {family} not found: install the Debian package {LATIN_PACKAGE}")


def screenshot_png(lines: list[str], size: int = 30) -> bytes:
    """Dark text on a light window in DejaVu Sans Mono, as PNG bytes (an error dialog's shot)."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    path, index = find_font("mono")
    font = ImageFont.truetype(path, size, index=index)
    step = 2 * size
    width = max(int(font.getlength(t)) for t in lines) + 2 * size
    image = Image.new("RGB", (width, step * len(lines) + 40), (250, 250, 250))
    draw = ImageDraw.Draw(image)
    for i, text in enumerate(lines):
        draw.text((size, 20 + step * i), text, font=font, fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
