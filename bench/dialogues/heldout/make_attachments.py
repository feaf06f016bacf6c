"""Render the held-out dialogue set's screenshots into ``attachments/`` (reproducibly).

The text attachments (logs, stack traces) are committed as written; the PNG
screenshots are drawn here with Pillow so anyone can regenerate them:

    .venv/bin/python bench/dialogues/heldout/make_attachments.py

Latin text uses DejaVu Sans / DejaVu Sans Mono (Debian ``fonts-dejavu-core``),
Chinese text Noto Sans CJK (Debian ``fonts-noto-cjk``), found the same way the
OCR tests find them (``tests/fonts.py``). Images are quantised to a small
palette so each stays at a few tens of KB. Every screenshot shows a fictional
Nimbus Data console, dialog or terminal with an error the customer pastes.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
OUT = HERE / "attachments"

sys.path.insert(0, str(ROOT))
from tests.fonts import find_font  # noqa: E402

Colour = tuple[int, int, int]
Font = ImageFont.FreeTypeFont

WHITE: Colour = (255, 255, 255)
INK: Colour = (33, 37, 41)
GREY: Colour = (108, 117, 125)
LIGHT: Colour = (241, 243, 245)
RED: Colour = (201, 42, 42)
RED_BG: Colour = (255, 227, 227)
AMBER_BG: Colour = (255, 243, 191)
GREEN: Colour = (47, 158, 68)
NAVY: Colour = (28, 46, 74)
TERM_BG: Colour = (24, 26, 31)
TERM_FG: Colour = (220, 223, 228)
TERM_RED: Colour = (255, 107, 107)
TERM_GREEN: Colour = (105, 219, 124)


def font(kind: str, size: int) -> Font:
    """A TrueType font of the given kind ('sans', 'mono', 'cjk-sans') and pixel size."""
    path, index = find_font(kind)
    return ImageFont.truetype(path, size, index=index)


def wrap(draw: ImageDraw.ImageDraw, text: str, fnt: Font, width: int) -> list[str]:
    """Lines of text no wider than width pixels; breaks at spaces, or anywhere in CJK text."""
    lines: list[str] = []
    current = ""
    for ch in text:
        candidate = current + ch
        if draw.textlength(candidate, font=fnt) <= width:
            current = candidate
            continue
        cut = current.rfind(" ")
        if cut > 0 and ch != " " and current.isascii():
            lines.append(current[:cut])
            current = current[cut + 1 :] + ch
        else:
            lines.append(current)
            current = ch.lstrip()
    if current:
        lines.append(current)
    return lines


def paragraph(
    draw: ImageDraw.ImageDraw,
    xy: tuple[int, int],
    text: str,
    fnt: Font,
    width: int,
    fill: Colour = INK,
    spacing: int = 6,
) -> int:
    """Draw wrapped text at xy; returns the y below it."""
    x, y = xy
    height = int(fnt.size * 1.25)
    for line in wrap(draw, text, fnt, width):
        draw.text((x, y), line, font=fnt, fill=fill)
        y += height + spacing
    return y


def window(width: int, height: int, title: str, title_font: Font) -> Image.Image:
    """A blank application window with a dark title bar."""
    img = Image.new("RGB", (width, height), WHITE)
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, width, 38), fill=NAVY)
    for i, colour in enumerate(((255, 95, 86), (255, 189, 46), (39, 201, 63))):
        draw.ellipse((14 + i * 22, 12, 28 + i * 22, 26), fill=colour)
    draw.text((90, 9), title, font=title_font, fill=WHITE)
    draw.rectangle((0, 0, width - 1, height - 1), outline=(173, 181, 189))
    return img


def dashboard_quorum_lost() -> Image.Image:
    sans, bold, mono = font("sans", 17), font("sans", 19), font("mono", 16)
    img = window(900, 430, "Nimbus Data Console - Clusters / payments-prod", sans)
    d = ImageDraw.Draw(img)
    d.rectangle((20, 58, 880, 150), fill=RED_BG, outline=RED)
    d.text((36, 68), "CRITICAL  NDB-1309 synchronous_quorum_lost", font=bold, fill=RED)
    paragraph(
        d,
        (36, 100),
        "synchronous replication quorum lost: 1 of 3 zones acknowledging "
        "(required 2); writes suspended",
        sans,
        820,
    )
    d.text(
        (20, 170),
        "Cluster  payments-prod    Version 3.2.3    Region ap-east-1",
        font=sans,
        fill=GREY,
    )
    d.text(
        (20, 200), "Status   WRITES SUSPENDED   since 2026-12-01 03:01:44 UTC", font=sans, fill=RED
    )
    rows = [
        ("Zone", "Role", "Ack", "Last heartbeat"),
        ("ap-east-1a", "primary", "yes", "03:07:02"),
        ("ap-east-1b", "sync standby", "no", "03:01:39"),
        ("ap-east-1c", "witness", "no", "03:01:41"),
    ]
    y = 245
    for i, row in enumerate(rows):
        if i == 0:
            d.rectangle((20, y - 4, 880, y + 24), fill=LIGHT)
        for col, cell in enumerate(row):
            colour = RED if cell == "no" else GREEN if cell == "yes" else INK
            d.text((36 + col * 210, y), cell, font=mono, fill=colour)
        y += 34
    d.text(
        (20, 392),
        "Reads: serving from ap-east-1a    Write endpoint: payments-prod-rw (rejecting)",
        font=sans,
        fill=GREY,
    )
    return img


def billing_suspended_zh() -> Image.Image:
    cjk, big = font("cjk-sans", 18), font("cjk-sans", 22)
    img = window(880, 360, "星云数据 控制台 - 账号与计费", cjk)
    d = ImageDraw.Draw(img)
    d.rectangle((20, 58, 860, 160), fill=AMBER_BG, outline=(230, 119, 0))
    d.text((36, 68), "账号已暂停 (NDB-1805)", font=big, fill=(217, 72, 15))
    paragraph(
        d,
        (36, 106),
        '账号 "huayue-trade" 因发票逾期已被暂停；集群已停止',
        cjk,
        800,
    )
    y = 185
    for label, value in (
        ("逾期发票", "INV-2026-10-0417    金额 3,842.16 USD    到期日 2026-11-14"),
        ("集群", "trade-main、trade-report、trade-archive（均已停止）"),
        ("数据保留", "集群数据将保留至 2026-12-29，逾期未处理将被删除"),
    ):
        d.text((36, y), label, font=cjk, fill=GREY)
        d.text((150, y), value, font=cjk, fill=INK)
        y += 40
    d.rectangle((36, 310, 196, 344), fill=(34, 139, 230))
    d.text((66, 314), "立即付款", font=cjk, fill=WHITE)
    return img


def cache_oom_zh() -> Image.Image:
    cjk, mono = font("cjk-sans", 17), font("mono", 16)
    img = window(900, 380, "星云缓存 控制台 - sessions - 事件", cjk)
    d = ImageDraw.Draw(img)
    d.text(
        (20, 54),
        "最近 1 小时事件（nimbusctl cache events sessions --since 1h）",
        font=cjk,
        fill=GREY,
    )
    events = [
        ("11:02:13", "NCH-2101", "OOM command not allowed when used memory > 'maxmemory'."),
        ("11:02:13", "", "OOM 已用内存超过 'maxmemory'，不允许执行该命令。"),
        ("11:04:51", "NCH-2101", "OOM command not allowed when used memory > 'maxmemory'."),
        ("11:05:02", "INFO", "used_memory 12.00G / maxmemory 12.00G  policy volatile-lru"),
    ]
    y = 92
    for t, code, text in events:
        d.rectangle((20, y - 6, 880, y + 34), fill=RED_BG if code == "NCH-2101" else LIGHT)
        d.text((30, y), t, font=mono, fill=GREY)
        d.text((130, y), code, font=mono, fill=RED if code.startswith("NCH") else INK)
        d.text((240, y), text, font=cjk if not text.isascii() else mono, fill=INK)
        y += 50
    d.text((20, 310), "版本 2.5.2   分片 6   每分片副本 1   区域 cn-north-2", font=cjk, fill=GREY)
    return img


def dbeaver_dialog(details: str, attempt: str) -> Image.Image:
    cjk, mono = font("cjk-sans", 17), font("mono", 15)
    img = window(820, 330, "连接到 'crm-prod' 失败", cjk)
    d = ImageDraw.Draw(img)
    d.ellipse((28, 62, 76, 110), fill=RED)
    d.text((45, 66), "!", font=font("sans", 34), fill=WHITE)
    d.text((96, 62), "无法连接到数据库", font=cjk, fill=INK)
    y = paragraph(
        d,
        (96, 96),
        'connection rejected: SSL/TLS is required for host "10.20.3.8", '
        'user "crm_ro", database "crm"',
        mono,
        690,
    )
    d.rectangle((96, y + 8, 796, y + 70), fill=LIGHT)
    paragraph(d, (106, y + 16), details, mono, 680, fill=GREY, spacing=2)
    d.text((96, 282), attempt, font=cjk, fill=GREY)
    d.rectangle((690, 278, 796, 310), outline=GREY)
    d.text((725, 282), "确定", font=cjk, fill=INK)
    return img


def dbeaver_tls_required() -> Image.Image:
    return dbeaver_dialog(
        "URL: jdbc:postgresql://crm-rw.ap-east-1.nimbusdata.cloud:5433/crm  ssl=false",
        "2026-11-30 15:02:11",
    )


def dbeaver_tls_required_again() -> Image.Image:
    return dbeaver_dialog(
        "URL: jdbc:postgresql://crm-rw.ap-east-1.nimbusdata.cloud:5433/crm  "
        "sslmode=verify-full sslrootcert=C:\\certs\\nimbus-ca-2025.pem",
        "2026-11-30 15:19:48",
    )


def terminal(lines: list[tuple[str, Colour]], title: str, width: int = 900) -> Image.Image:
    mono, sans = font("mono", 16), font("sans", 15)
    height = 60 + 26 * len(lines) + 20
    img = Image.new("RGB", (width, height), TERM_BG)
    d = ImageDraw.Draw(img)
    d.rectangle((0, 0, width, 30), fill=(52, 58, 64))
    d.text((14, 6), title, font=sans, fill=(206, 212, 218))
    y = 46
    for text, colour in lines:
        d.text((16, y), text, font=mono, fill=colour)
        y += 26
    return img


def cache_clusterdown_terminal() -> Image.Image:
    return terminal(
        [
            ("$ redis-cli --tls -h sessions.ap-east-1.cache.nimbusdata.cloud -p 6380 -c", TERM_FG),
            ("sessions:6380> GET session:7f3c9a", TERM_FG),
            (
                "(error) CLUSTERDOWN The cluster is down: "
                "slots 8192-12287 have no available replica",
                TERM_RED,
            ),
            ("sessions:6380> exit", TERM_FG),
            ("$ nimbusctl cache events sessions --since 15m", TERM_FG),
            (
                "10:41:07Z  NCH-2203  shard sessions-s2 primary unreachable; replicas-per-shard=0",
                TERM_RED,
            ),
            ("10:41:07Z  NCH-2203  slots 8192-12287 unserved", TERM_RED),
            ("10:43:30Z  INFO      node replacement for sessions-s2 started", TERM_GREEN),
            ("$ date -u", TERM_FG),
            ("Tue Dec  1 10:51:22 UTC 2026", TERM_FG),
        ],
        "ops@bastion-1: ~",
    )


def console_readonly_banner() -> Image.Image:
    sans, bold = font("sans", 17), font("sans", 19)
    img = window(900, 330, "Nimbus Data Console - Clusters / analytics", sans)
    d = ImageDraw.Draw(img)
    d.rectangle((20, 58, 880, 170), fill=RED_BG, outline=RED)
    d.text((36, 68), "Cluster is read-only  (NDB-1202)", font=bold, fill=RED)
    paragraph(
        d,
        (36, 100),
        'cannot execute INSERT in a read-only transaction: cluster "analytics" is '
        "read-only because storage usage reached 95%",
        sans,
        820,
    )
    y = 195
    for label, value in (
        ("Storage", "4.75 TiB used of 5.00 TiB provisioned (95.1%)"),
        ("Autoscale", "disabled"),
        ("Version", "NimbusDB 3.1.6, 4 nodes, ap-east-1"),
    ):
        d.text((36, y), label, font=sans, fill=GREY)
        d.text((170, y), value, font=sans, fill=INK)
        y += 36
    return img


SCREENSHOTS: dict[str, Callable[[], Image.Image]] = {
    "dashboard_quorum_lost.png": dashboard_quorum_lost,
    "billing_suspended_zh.png": billing_suspended_zh,
    "cache_oom_zh.png": cache_oom_zh,
    "dbeaver_tls_required.png": dbeaver_tls_required,
    "dbeaver_tls_required_again.png": dbeaver_tls_required_again,
    "cache_clusterdown_terminal.png": cache_clusterdown_terminal,
    "console_readonly_banner.png": console_readonly_banner,
}


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, render in SCREENSHOTS.items():
        image = render().quantize(
            colors=48, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
        path = OUT / name
        image.save(path, optimize=True)
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
