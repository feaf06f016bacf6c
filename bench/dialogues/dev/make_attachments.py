"""Render the screenshots attached to the development dialogues (PNG, reproducible).

    .venv/bin/python bench/dialogues/dev/make_attachments.py

Each screenshot is drawn from the text below with DejaVu (Latin) or Noto Sans
CJK (Chinese), the fonts the OCR tests use (``tests/fonts.py`` names the Debian
package when one is missing), and quantised to a small palette so the files
stay a few tens of KB. The text logs and stack traces beside them are plain
files written by hand.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

from tests.fonts import find_font  # noqa: E402

OUT = HERE / "attachments"
PAD = 16
LINE = 1.45


@dataclass(frozen=True)
class Shot:
    name: str
    style: str  # "dialog" (light window with a title bar and a button) or "terminal"
    title: str
    lines: tuple[str, ...]
    cjk: bool = False
    width: int = 760


SHOTS = (
    Shot(
        "dbeaver_readonly_zh.png",
        "dialog",
        "SQL 错误 - 执行失败",
        (
            "执行语句时出错：",
            "INSERT INTO order_items (order_id, sku, qty) VALUES ($1, $2, $3)",
            "",
            '错误 [NDB-1202]：无法在只读事务中执行 INSERT：集群 "mall-prod"',
            "存储使用率达到 95%，已切换为只读",
            "SQLSTATE: 25006",
        ),
        cjk=True,
    ),
    Shot(
        "app_cert_error_en.png",
        "dialog",
        "Inventory Sync - Connection failed",
        (
            "Could not connect to the database.",
            "",
            "FATAL: certificate verify failed: unable to get local issuer",
            "certificate (nimbus-ca-2025)   [NDB-1007]",
            "host=stock-rw.eu-west-2.nimbusdata.cloud port=6433 sslmode=verify-full",
            "sslrootcert=/etc/ssl/certs/nimbus-ca-2021.pem",
        ),
    ),
    Shot(
        "cache_oom_terminal.png",
        "terminal",
        "ops@bastion-02: ~",
        (
            "$ redis-cli --tls -h sess-cache.ap-east-1.nimbusdata.cloud -p 6380",
            "sess-cache:6380> SET session:7f2a91 '{\"uid\": 88213}'",
            "(error) OOM command not allowed when used memory > 'maxmemory'.",
            "sess-cache:6380> INFO keyspace",
            "# Keyspace",
            "db0:keys=9310442,expires=0,avg_ttl=0",
            "sess-cache:6380> CONFIG GET maxmemory-policy",
            '1) "maxmemory-policy"',
            '2) "volatile-lru"',
        ),
    ),
    Shot(
        "console_quorum_lost.png",
        "dialog",
        "Nimbus Console - Cluster events: payments-eu",
        (
            "2026-11-28 03:12:41Z  FATAL    NDB-1309  synchronous replication quorum lost:",
            "                     1 of 3 zones acknowledging (required 2); writes suspended",
            "2026-11-28 03:12:44Z  WARNING  NDB-1308  primary failover in progress for cluster",
            '                     "payments-eu"; writes are temporarily rejected',
            "2026-11-28 03:19:02Z  FATAL    NDB-1309  synchronous replication quorum lost",
            "Status: DEGRADED   Nodes: 4   Writable: no",
        ),
        width=820,
    ),
    Shot(
        "sync_task_status_zh.png",
        "dialog",
        "星云同步 NimbusSync - 任务详情 crm-to-nimbus",
        (
            "任务状态：增量同步中        源：mysql://10.20.1.7:3306/crm",
            "目标：crm-rw.ap-east-1.nimbusdata.cloud:5433",
            "",
            '警告 NSY-3303：任务 "crm-to-nimbus" 的应用延迟为 734 秒，',
            "超过告警阈值 300 秒",
            "切换 (cutover)：不可用，延迟过高",
        ),
        cjk=True,
    ),
)


def font(cjk: bool, mono: bool, size: int) -> ImageFont.FreeTypeFont:
    kind = ("cjk-" if cjk else "") + ("mono" if mono else "sans")
    path, index = find_font(kind)
    return ImageFont.truetype(path, size, index=index)


def render(shot: Shot) -> Image.Image:
    terminal = shot.style == "terminal"
    body = font(shot.cjk, terminal, 15)
    head = font(shot.cjk, False, 15)
    step = int(15 * LINE)
    bar = 30
    button = 0 if terminal else 44
    height = bar + PAD * 2 + step * len(shot.lines) + button
    bg, fg = ((24, 26, 30), (210, 215, 210)) if terminal else ((246, 246, 246), (20, 20, 20))
    image = Image.new("RGB", (shot.width, height), bg)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, shot.width, bar), fill=(60, 63, 70) if terminal else (214, 219, 227))
    draw.text((PAD, 6), shot.title, font=head, fill=(235, 235, 235) if terminal else (30, 30, 30))
    y = bar + PAD
    for line in shot.lines:
        colour = (230, 90, 80) if ("error" in line.lower() or "错误" in line) else fg
        draw.text((PAD, y), line, font=body, fill=colour)
        y += step
    if button:
        x = shot.width - PAD - 90
        draw.rectangle((x, y + 6, x + 90, y + 34), outline=(120, 120, 120), fill=(230, 230, 230))
        draw.text((x + 32, y + 11), "OK", font=head, fill=(20, 20, 20))
    return image.quantize(colors=32)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for shot in SHOTS:
        target = OUT / shot.name
        render(shot).save(target, optimize=True)
        print(f"{target.relative_to(ROOT)}  {target.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
