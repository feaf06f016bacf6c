"""Screenshots of real applications showing real errors, for the OCR benchmark (bench/ocr_real.py).

Nothing here draws text. Real programs fail for real (Python tracebacks, psql
against a stopped and against a running PostgreSQL, curl, git, ls, cp,
sqlite3, systemctl, ssh, date) in ``LANG=C`` and in ``LANG=zh_CN.UTF-8``
(the GNU tools, git, psql and systemd carry their own Chinese catalogues), and
real applications show what they printed, on an X server (Xvfb):

- terminal emulators: xterm (tuning) and rxvt-unicode (held out), with a
  coloured prompt, light and dark themes, fonts of 12-27 px;
- dialogs: zenity (GTK 3) and Tk's message box (tuning), yad (GTK 3) and a
  Qt 5 QMessageBox (held out), light and dark themes (Tk light only), 1x to
  2x scale;
- Chromium (windowed, under Xvfb): its own network error pages, Python's
  ``http.server`` error pages (404 tuning, 501 held out) and a CI-log-like
  page holding a command's output in ``<pre>``, light and forced dark, device
  scale 1, 1.5 and 2.

Each window is captured with a real screenshot tool: ImageMagick's
``import -window`` for terminals and dialogs, ``scrot`` for Chromium's window,
written by the tool itself as PNG or JPEG of quality 90 or 50.

Ground truth is the applications' own text: for a terminal, the prompt, the
command line and what the command wrote (``cmd 2>&1 | tee``), wrapped at the
terminal's width as the terminal wraps it; for a dialog, the text it was
given (what the failing command wrote) and its button label (from the
toolkit's own translation catalogue); for Chromium, ``document.body.innerText``
read over the DevTools protocol from the page on screen.

The TUNING and HELD-OUT sets differ in application and in command: the
held-out set uses other terminal, dialog programs, themes, commands and pages
(see ``TUNING``/``HELDOUT``); it was fixed before any tuning.

The FRESH set (``--split fresh``) was captured after the OCR pipeline was
final, and nobody looked at its OCR output before its one run: other
applications again and other failures.

- terminals: xfce4-terminal and lxterminal (VTE), st and alacritty (OpenGL,
  Mesa's llvmpipe), in Gruvbox, Dracula, One Light/Nord and Tomorrow/Monokai
  themes, fonts Liberation Mono, DejaVu Sans Mono, Hack and WenQuanYi Micro
  Hei Mono; commands: node (TypeError), npm (missing script), java (a
  NullPointerException), make and gcc, tar, apt-get with an unknown package,
  openssl s_client, the MariaDB client and dig against a closed port;
- dialogs: gxmessage (GTK 3; Adwaita light and dark, fonts DejaVu Sans,
  Liberation Mono, WenQuanYi Micro Hei) and xmessage (Athena widgets, core X
  fonts; English only, core fonts have no Chinese);
- browsers: Chromium and Firefox ESR (kiosk, on its own Xvfb screen, driven
  over WebDriver BiDi) on pages of a small local HTTP API (``api.py`` below):
  a JSON error body, a 500 page with a real Python traceback, a 503 plain-text
  body, a connection closed without a response (Chromium's
  ERR_EMPTY_RESPONSE page), Chromium's ERR_UNSAFE_PORT page and a CI-log page
  of a fresh command; the API answers in Chinese to a Chinese browser.
  Firefox's own error pages are left out: WebDriver BiDi cannot read their
  text (about:neterror), so there is no truth for them.

Debian packages (bookworm): xvfb xterm rxvt-unicode x11-utils imagemagick
scrot zenity yad python3-tk python3-pyqt5 qttranslations5-l10n chromium
postgresql-15 postgresql-client-15 sqlite3 git curl openssh-client
fonts-dejavu-core fonts-noto-cjk locales (with zh_CN.UTF-8 generated), and
the Python package websocket-client (pulled in by selenium). For the fresh
set also: xfce4-terminal lxterminal stterm alacritty libgl1-mesa-dri
gxmessage firefox-esr firefox-esr-l10n-zh-cn dnsutils mariadb-client-core
xfonts-base fonts-liberation fonts-hack fonts-wqy-microhei (nodejs npm
openjdk-17-jdk-headless make gcc tar openssl were already there).

Usage: python bench/screenshots.py [--out DIR] [--split tuning|heldout|fresh ...]
(default DIR /tmp/graphdesk-screenshots, all three splits). Writes
DIR/*.png|jpg and DIR/manifest.json (truth, codes, SHA-256 of each image, tool
versions), and copies both to bench/results/screenshots/ (about 8 MB; the set
the recorded figures were measured on) unless --no-copy. With --split, the
other splits' images and manifest entries are kept as they are.
Runs as root (PostgreSQL is started as the ``postgres`` user).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import html
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import unicodedata
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import websocket  # websocket-client

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.text.codes import find_codes  # noqa: E402

RESULTS = ROOT / "bench" / "results"
DISPLAY = ":97"
SCREEN = (2600, 1800)
HTTP_PORT = 58080  # a python http.server serving SITE
API_PORT = 58081  # the fresh set's small HTTP API (API_SERVER)
UNSAFE_PORT = 6000  # X11: a port browsers refuse to connect to
FIREFOX_DISPLAY, FIREFOX_SCREEN = ":96", (1000, 760)
CLOSED_PORT = 59999  # nothing listens here
PG_PORT = 5998
PROMPT = "\033[1;32mdev@build-01\033[0m:\033[1;34m~/shop\033[0m$ "
PROMPT_TEXT = "dev@build-01:~/shop$ "
FORMATS = ("png", "jpeg90", "jpeg50")
SPLITS = ("tuning", "heldout", "fresh")
SYS_PY = "/usr/bin/python3"

LOCALES = {
    "en": {"LANG": "C.UTF-8", "LC_MESSAGES": "C", "LANGUAGE": ""},
    "zh": {
        "LANG": "zh_CN.UTF-8",
        "LC_MESSAGES": "zh_CN.UTF-8",
        "LANGUAGE": "zh_CN:zh",
        "PGOPTIONS": "-c lc_messages=zh_CN.UTF-8",
    },  # the server's messages too
}

# Small programs that fail the way applications do; written into the work directory.
SCRIPTS = {
    "sync.py": (
        "def load(path):\n    with open(path) as f:\n        return f.read()\n\n"
        "def main():\n    cfg = load('config/sync.ini')\n    print(cfg)\n\nmain()\n"
    ),
    "report.py": (
        "rows = [{'id': 1, 'total': 20}, {'id': 2}]\n\n"
        "def total(row):\n    return row['total'] * 1.2\n\n"
        "print(sum(total(r) for r in rows))\n"
    ),
    "archive.py": (
        "def save(name, data):\n    with open(name, 'w') as f:\n"
        "        f.write(data)\n\nsave('config', 'orders')\n"
    ),
    "worker.py": (
        "import socket\n\n"
        "def connect():\n    return socket.create_connection(('127.0.0.1', 59998), timeout=2)\n\n"
        "connect()\n"
    ),
    "load.py": (
        "import json\n\ndef parse(text):\n    return json.loads(text)\n\n"
        "parse(\"{'sku': 'A-17', 'qty': 3}\")\n"
    ),
}

# (name, command line as typed in the shop directory). Tuning and held-out differ by command.
TUNING_COMMANDS = [
    ("python-filenotfound", "python3 sync.py"),
    ("python-keyerror", "python3 report.py"),
    ("python-isadirectory", "python3 archive.py"),
    ("psql-refused", f"psql -h 127.0.0.1 -p {CLOSED_PORT} -U app shop"),
    ("psql-42P01", "psql -X -v VERBOSITY=verbose -c 'SELECT * FROM orders' shop"),
    ("psql-22P02", "psql -X -v VERBOSITY=verbose -c \"SELECT 'ten'::int\" shop"),
    ("curl-refused", f"curl -sS http://127.0.0.1:{CLOSED_PORT}/api/orders"),
    ("git-not-a-repo", "git log --oneline -3"),
    ("ls-missing", "ls -l /var/log/shop/error.log"),
    ("sqlite-no-table", "sqlite3 shop.db 'SELECT * FROM orders'"),
    ("systemctl", "systemctl status nginx"),
]
HELDOUT_COMMANDS = [
    ("python-refused", "python3 worker.py"),
    ("python-json", "python3 load.py"),
    ("psql-22012", "psql -X -v VERBOSITY=verbose -c 'SELECT 1/0' shop"),
    ("psql-42703", "psql -X -v VERBOSITY=verbose -c 'SELECT nope FROM pg_class' shop"),
    ("curl-404", f"curl -fsS http://127.0.0.1:{HTTP_PORT}/api/v1/status"),
    ("git-pathspec", "git -C repo checkout release-2.4"),
    ("cp-missing", "cp /srv/backup/db.dump ."),
    ("sqlite-not-a-db", "sqlite3 notes.txt .tables"),
    ("ssh-refused", f"ssh -p {CLOSED_PORT} -o BatchMode=yes 127.0.0.1"),
]

# The fresh set's programs, written into the work directory (make_fresh_world).
FRESH_FILES = {
    "checkout.js": (
        "const orders = [{ id: 41, items: [{ sku: 'A-17', qty: 2 }] }];\n\n"
        "function total(order) {\n  return order.items.reduce((sum, item) => sum + item.qty, 0);\n}"
        "\n\nconsole.log(total(orders.find((o) => o.id === 42)));\n"
    ),
    "package.json": (
        '{\n  "name": "shop-web",\n  "version": "2.4.0",\n  "private": true,\n'
        '  "scripts": {\n    "build": "node checkout.js",\n    "test": "node checkout.js"\n  }\n}\n'
    ),
    "Inventory.java": (
        "import java.util.HashMap;\nimport java.util.Map;\n\npublic class Inventory {\n"
        "    static final Map<String, String> LOCATIONS = new HashMap<>();\n\n"
        "    static int shelf(String sku) {\n        return LOCATIONS.get(sku).length();\n    }\n\n"
        "    public static void main(String[] args) {\n"
        '        System.out.println(shelf("A-17"));\n    }\n}\n'
    ),
    "Makefile": "app: main.c\n\tcc -Wall -o app main.c\n",
    "main.c": (
        "#include <stdio.h>\n\nint main(void) {\n    int stock = 12;\n"
        '    printf("%d\\n", stock - qty);\n    return 0;\n}\n'
    ),
}

FRESH_COMMANDS = [
    ("node-typeerror", "node checkout.js"),
    ("npm-missing-script", "npm run deploy"),
    ("java-npe", "java Inventory.java"),
    ("make-gcc", "make"),
    ("tar-missing", "tar -xzf release-2.4.tar.gz"),
    ("apt-unknown", "apt-get install -s libshop-client"),
    ("openssl-refused", f"openssl s_client -connect 127.0.0.1:{CLOSED_PORT} -brief"),
    ("mysql-refused", f"mysql -h 127.0.0.1 -P {CLOSED_PORT} -u app shop"),
    ("dig-refused", f"dig @127.0.0.1 -p {CLOSED_PORT} +tries=1 api.shop.internal"),
]

# A small HTTP API that fails the way web applications do; it answers in Chinese to zh browsers.
API_SERVER = r"""
import html, json, socket, sys, traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def daily_average(rows):
    return sum(r["total"] for r in rows) / len(rows)


def check_database():
    socket.create_connection(("127.0.0.1", int(sys.argv[2])), timeout=2).close()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, ctype, body):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype + "; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        zh = self.headers.get("Accept-Language", "").lower().startswith("zh")
        if self.path.startswith("/api/v2/orders/"):
            message = ("订单 17 已发货，不能再修改数量" if zh
                       else "order 17 has already shipped; its quantity cannot change")
            body = {"error": {"code": "ORDER_ALREADY_SHIPPED", "status": 409,
                              "message": message, "request_id": "req_7f3a9c21"}}
            self.reply(409, "application/json", json.dumps(body, ensure_ascii=False, indent=2))
        elif self.path == "/reports/daily":
            try:
                daily_average([])
                tb = ""
            except ZeroDivisionError:
                tb = traceback.format_exc()
            title = "服务器内部错误" if zh else "Internal Server Error"
            note = ("生成日报时出错。" if zh
                    else "The server could not build the daily report.")
            self.reply(500, "text/html", "<!doctype html><meta name=color-scheme "
                       f"content='light dark'><title>500 {title}</title><h1>{title}</h1>"
                       f"<p>{note}</p><pre>{html.escape(tb)}</pre>")
        elif self.path == "/health":
            try:
                check_database()
                err = ""
            except OSError as e:
                err = str(e)
            head = "数据库不可用" if zh else "database unavailable"
            self.reply(503, "text/plain", f"503 Service Unavailable\n{head}: {err}\n")
        else:  # /api/v2/stream: the connection closes without a response
            self.close_connection = True


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
"""

# Terminal themes: (background, foreground)
THEMES = {
    "xterm": {"light": ("#ffffff", "#000000"), "dark": ("#2e3436", "#d3d7cf")},  # Tango
    "urxvt": {"light": ("#fdf6e3", "#586e75"), "dark": ("#002b36", "#93a1a1")},  # Solarized
    "xfce4-terminal": {"light": ("#fbf1c7", "#3c3836"), "dark": ("#282828", "#ebdbb2")},  # Gruvbox
    "lxterminal": {"light": ("#f5f5f5", "#202020"), "dark": ("#282a36", "#f8f8f2")},  # Dracula
    "st": {"light": ("#fafafa", "#383a42"), "dark": ("#2e3440", "#d8dee9")},  # One Light, Nord
    "alacritty": {"light": ("#ffffff", "#4d4d4c"), "dark": ("#272822", "#f8f8f2")},  # Tomorrow
}
TERM_SIZES = {"xterm": (9, 11, 14, 20), "urxvt": (12, 15, 19, 26),  # points / pixels
              "xfce4-terminal": (10, 13, 16), "lxterminal": (9, 11, 14),  # points
              "st": (14, 17, 21), "alacritty": (8, 11, 13)}  # pixels, points  # fmt: skip
FRESH_TERMINALS = ("xfce4-terminal", "lxterminal", "st", "alacritty")
TERM_FONTS = {"xfce4-terminal": "Liberation Mono", "lxterminal": "DejaVu Sans Mono",
              "st": "Hack", "alacritty": "WenQuanYi Micro Hei Mono"}  # fmt: skip


@dataclass
class Shot:
    id: str
    split: str  # tuning | heldout | fresh
    app: str  # xterm, urxvt, zenity, tk, yad, qt, chromium
    kind: str  # terminal | dialog | browser
    source: str  # the command or page shown
    locale: str  # en | zh
    theme: str  # light | dark
    scale: str  # font size or scale factor, as set
    format: str  # png | jpeg90 | jpeg50
    file: str
    truth: str
    codes: list[str] = field(default_factory=list)
    sha256: str = ""
    width: int = 0
    height: int = 0
    font: str = ""  # the fresh set: the font asked for, where the set chose one


def truth_codes(text: str) -> list[str]:
    """Error codes in the ground truth: strong mentions by shape (extractors.text.codes)."""
    return list(dict.fromkeys(m.code for m in find_codes(text) if m.strong))


# -- processes and X ---------------------------------------------------------------------------


class Session:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.work = out / "work" / "shop"
        self.procs: list[subprocess.Popen[bytes]] = []
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
        self.env.update(
            DISPLAY=DISPLAY, PGHOST=str(out / "work" / "pgsock"), PGPORT=str(PG_PORT),
            PGUSER="postgres", NO_AT_BRIDGE="1", HOME=str(out / "work" / "home"),
            NPM_CONFIG_UPDATE_NOTIFIER="false",
        )  # fmt: skip
        self.counter = itertools.count()

    def start(self, args: list[str], env: dict[str, str] | None = None, **kw: Any) -> Any:
        quiet = subprocess.DEVNULL
        p = subprocess.Popen(args, env={**self.env, **(env or {})}, start_new_session=True,
                             stdout=quiet, stderr=quiet, **kw)  # fmt: skip
        self.procs.append(p)
        return p

    def stop(self, p: subprocess.Popen[bytes]) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGTERM)
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
            p.wait()
        if p in self.procs:
            self.procs.remove(p)

    def close(self) -> None:
        for p in reversed(list(self.procs)):
            self.stop(p)
        pgdata = self.out / "work" / "pgdata"
        if (pgdata / "postmaster.pid").exists():
            subprocess.run(["runuser", "-u", "postgres", "--", PG_BIN / "pg_ctl", "-D", pgdata,
                            "-m", "fast", "stop"], capture_output=True)  # fmt: skip


PG_BIN = Path("/usr/lib/postgresql/15/bin")


def windows() -> list[tuple[str, str, str, int, int, int, int]]:
    """(id, title, class, x, y, w, h) of the X windows, from xwininfo."""
    out = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True,
                         env={**os.environ, "DISPLAY": DISPLAY}).stdout  # fmt: skip
    rows = []
    pat = re.compile(
        r'^\s*(0x[0-9a-f]+) "(.*)": \((.*)\)\s+(\d+)x(\d+)\+-?\d+\+-?\d+\s+\+(-?\d+)\+(-?\d+)'
    )
    for line in out.splitlines():
        m = pat.match(line)
        if m:
            wid, title, cls, w, h, x, y = m.groups()
            rows.append((wid, title, cls, int(x), int(y), int(w), int(h)))
    return rows


def wait_window(pred: Any, timeout: float = 20.0) -> tuple[str, str, str, int, int, int, int]:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = [w for w in windows() if pred(w) and w[5] > 50 and w[6] > 30]
        if found:
            time.sleep(0.8)  # let it finish drawing
            return max(found, key=lambda w: w[5] * w[6])
        time.sleep(0.2)
    raise RuntimeError("window did not appear")


def capture_window(s: Session, wid: str, fmt: str, path: Path) -> None:
    args = ["import", "-window", wid]
    if fmt != "png":
        args += ["-quality", fmt.removeprefix("jpeg")]
    subprocess.run([*args, str(path)], check=True, env=s.env, capture_output=True)


def capture_area(s: Session, geom: tuple[int, int, int, int], fmt: str, path: Path) -> None:
    args = ["scrot", "-o", "-a", ",".join(map(str, geom))]
    if fmt != "png":
        args += ["-q", fmt.removeprefix("jpeg")]
    subprocess.run([*args, str(path)], check=True, env=s.env, capture_output=True)


# -- the world the commands fail in ------------------------------------------------------------


def prepare(s: Session) -> None:
    work = s.work
    if work.parent.exists():
        shutil.rmtree(work.parent)
    (work / "config").mkdir(parents=True)
    (work.parent / "home").mkdir()
    for name, text in SCRIPTS.items():
        (work / name).write_text(text)
    (work / "notes.txt").write_text("call the vendor about the renewal\n")
    subprocess.run(["sqlite3", str(work / "shop.db"), "CREATE TABLE customers (id INTEGER);"],
                   check=True)  # fmt: skip
    repo = work / "repo"
    repo.mkdir()
    git = ["git", "-C", str(repo), "-c", "user.name=dev", "-c", "user.email=dev@example.com"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    (repo / "README").write_text("shop\n")
    subprocess.run([*git, "add", "README"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "init"], check=True)
    site = work.parent / "site"
    (site / "forms").mkdir(parents=True)
    (site / "forms" / "upload.html").write_text(
        '<!doctype html><form method="post" action="/upload"><input name="f" value="x"></form>'
        "<script>document.forms[0].submit()</script>"
    )
    # PostgreSQL 15, running, for real SQLSTATE errors (psql -v VERBOSITY=verbose shows them)
    pgdata, sock = work.parent / "pgdata", work.parent / "pgsock"
    sock.mkdir()
    shutil.chown(work.parent, "postgres")
    for p in (pgdata.parent, sock):
        shutil.chown(p, "postgres")
    os.chmod(work.parent.parent, 0o755)
    pg = ["runuser", "-u", "postgres", "--"]
    subprocess.run([*pg, PG_BIN / "initdb", "-A", "trust", "-E", "UTF8", "--locale=C",
                    "-D", pgdata], check=True, capture_output=True)  # fmt: skip
    subprocess.run([*pg, PG_BIN / "pg_ctl", "-D", pgdata, "-w", "-l", work.parent / "pg.log",
                    "-o", f"-p {PG_PORT} -k {sock} -c listen_addresses=''", "start"],
                   check=True, capture_output=True)  # fmt: skip
    subprocess.run([*pg, "createdb", "-h", sock, "-p", str(PG_PORT), "shop"], check=True)
    # Error pages from Python's http.server, serving the site directory
    s.start([SYS_PY, "-m", "http.server", str(HTTP_PORT), "--bind", "127.0.0.1"], cwd=site)
    s.start(["Xvfb", DISPLAY, "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24", "-dpi", "96",
             "-nolisten", "tcp"])  # fmt: skip
    time.sleep(1.5)


def make_fresh_world(s: Session) -> None:
    """The fresh set's programs in the shop directory, and its HTTP API (API_SERVER) started."""
    for name, text in FRESH_FILES.items():
        (s.work / name).write_text(text)
    app = s.out / "work" / "app"
    app.mkdir(exist_ok=True)
    (app / "api.py").write_text(API_SERVER.lstrip())
    s.start([SYS_PY, str(app / "api.py"), str(API_PORT), str(CLOSED_PORT)], cwd=app)
    time.sleep(0.5)


def run_command(s: Session, cmd: str, locale: str) -> str:
    """What the command writes (stdout and stderr), as a terminal would show it."""
    p = subprocess.run(["sh", "-c", f"{cmd} 2>&1"], cwd=s.work, capture_output=True,
                       env={**s.env, **LOCALES[locale]}, timeout=30)  # fmt: skip
    return p.stdout.decode("utf-8", "replace").rstrip("\n")


# -- terminals ---------------------------------------------------------------------------------


def cell_width(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def screen_lines(text: str, cols: int) -> list[str]:
    """The text as a terminal of ``cols`` columns shows it: tabs to 8, long lines wrapped."""
    out: list[str] = []
    for raw in text.split("\n"):
        line, col = "", 0
        for ch in raw:
            if ch == "\t":
                n = 8 - col % 8
                if col + n > cols:
                    out.append(line)
                    line, col = "", 0
                    continue
                line, col = line + " " * n, col + n
                continue
            w = cell_width(ch)
            if col + w > cols:
                out.append(line)
                line, col = "", 0
            line, col = line + ch, col + w
        out.append(line)
    return [ln.rstrip() for ln in out]


def terminal_shot(s: Session, shot: Shot, cmd: str, size: int, cols: int = 110) -> None:
    out_file = s.out / "work" / f"{shot.id}.out"
    done = s.out / "work" / f"{shot.id}.done"
    runner = s.out / "work" / f"{shot.id}.sh"
    runner.write_text(
        f"cd {s.work}\nprintf '%b' '{PROMPT}'\nprintf '%s\\n' {sh_quote(cmd)}\n"
        f"{cmd} 2>&1 | tee {out_file}\nprintf '%b' '{PROMPT}'\n: > {done}\nexec sleep 600\n"
    )
    bg, fg = THEMES[shot.app][shot.theme]
    env = dict(LOCALES[shot.locale])
    title = f"shot-{shot.id}"
    # rows: enough for the output once it is known; run once to learn it
    printed = run_command(s, cmd, shot.locale)
    lines = screen_lines(PROMPT_TEXT + cmd + "\n" + printed + "\n" + PROMPT_TEXT, cols)
    rows = max(12, len(lines) + 2)
    geometry = ["-geometry", f"{cols}x{rows}+0+0"]
    font = TERM_FONTS.get(shot.app, "")
    if shot.app == "xterm":
        args = ["xterm", "-T", title, "-fa", "DejaVu Sans Mono", "-fd", "Noto Sans Mono CJK SC",
                "-fs", str(size), "-bg", bg, "-fg", fg, "-cr", fg, *geometry]  # fmt: skip
    elif shot.app == "urxvt":
        fonts = f"xft:DejaVu Sans Mono:pixelsize={size},xft:Noto Sans Mono CJK SC:pixelsize={size}"
        args = ["urxvt", "-title", title, "-fn", fonts, "-bg", bg, "-fg", fg, "-cr", fg, *geometry]
    elif shot.app == "xfce4-terminal":
        args = ["xfce4-terminal", "--disable-server", "-T", title, f"--geometry={cols}x{rows}+0+0",
                f"--font={font} {size}", f"--color-bg={bg}", f"--color-text={fg}",
                "--hide-menubar", "--hide-toolbar", "--hide-scrollbar", "-x"]  # fmt: skip
    elif shot.app == "lxterminal":  # colours and font only from its configuration file
        conf = s.out / "work" / f"{shot.id}.config"
        (conf / "lxterminal").mkdir(parents=True, exist_ok=True)
        (conf / "lxterminal" / "lxterminal.conf").write_text(
            f"[general]\nfontname={font} {size}\nbgcolor={bg}\nfgcolor={fg}\n"
            "hidescrollbar=true\nhidemenubar=true\ndisablef10=true\n"
        )
        env["XDG_CONFIG_HOME"] = str(conf)
        args = ["lxterminal", "--no-remote", "-t", title, f"--geometry={cols}x{rows}",
                f"--command=sh {runner}"]  # fmt: skip
    elif shot.app == "st":  # st takes its colours from OSC 10/11, written before the prompt
        osc = f"\\033]11;{bg}\\007\\033]10;{fg}\\007"
        runner.write_text(f"printf '%b' '{osc}'\n" + runner.read_text())
        args = ["st", "-t", title, "-f", f"{font}:pixelsize={size}", "-g", f"{cols}x{rows}+0+0",
                "-e"]  # fmt: skip
    else:  # alacritty
        args = ["alacritty", "--config-file", "/dev/null", "-t", title,
                "-o", f"font.size={size}", "-o", f"font.normal.family={font}",
                "-o", f'colors.primary.background="{bg}"',
                "-o", f'colors.primary.foreground="{fg}"',
                "-o", f"window.dimensions.columns={cols}", "-o", f"window.dimensions.lines={rows}",
                "-e"]  # fmt: skip
    if shot.app in ("xterm", "urxvt"):
        args.append("-e")
    else:
        shot.font = font
    command = [] if shot.app == "lxterminal" else ["sh", str(runner)]
    p = s.start([*args, *command], env=env)
    end = time.monotonic() + 30
    while not done.exists() and time.monotonic() < end:
        time.sleep(0.1)
    win = wait_window(lambda w: w[1] == title)
    capture_window(s, win[0], shot.format, s.out / shot.file)
    s.stop(p)
    printed = out_file.read_text(encoding="utf-8", errors="replace").rstrip("\n")
    shot.truth = "\n".join(screen_lines(PROMPT_TEXT + cmd + "\n" + printed + "\n" + PROMPT_TEXT,
                                        cols))  # fmt: skip


def sh_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


# -- dialogs -----------------------------------------------------------------------------------

QT_DIALOG = r"""
import sys
from PyQt5.QtCore import QLibraryInfo, QLocale, QTranslator
from PyQt5.QtGui import QColor, QPalette
from PyQt5.QtWidgets import QApplication, QMessageBox
title, text, dark, label_file = sys.argv[1], sys.argv[2], sys.argv[3] == "dark", sys.argv[4]
app = QApplication(sys.argv[:1])
tr = QTranslator()
tr.load(QLocale(), "qtbase", "_", QLibraryInfo.location(QLibraryInfo.TranslationsPath))
app.installTranslator(tr)
app.setStyle("Fusion")
if dark:
    pal = QPalette()
    for role, colour in ((QPalette.Window, "#353535"), (QPalette.WindowText, "#ffffff"),
                         (QPalette.Button, "#454545"), (QPalette.ButtonText, "#ffffff"),
                         (QPalette.Base, "#2a2a2a"), (QPalette.Text, "#ffffff")):
        pal.setColor(role, QColor(colour))
    app.setPalette(pal)
box = QMessageBox(QMessageBox.Critical, title, text)
ok = box.addButton(QMessageBox.Ok)
open(label_file, "w", encoding="utf-8").write(ok.text().replace("&", ""))
box.show()
app.exec_()
"""

TK_DIALOG = r"""
import sys, tkinter
from tkinter import messagebox
title, text, dark, label_file = sys.argv[1], sys.argv[2], sys.argv[3] == "dark", sys.argv[5]
scale = float(sys.argv[4])
root = tkinter.Tk()
root.withdraw()
root.tk.call("tk", "scaling", 1.333 * scale)
root.tk.call("package", "require", "msgcat")
label = root.tk.eval("namespace eval ::tk {::msgcat::mc &OK}")
open(label_file, "w", encoding="utf-8").write(str(label).replace("&", ""))
messagebox.showerror(title, text)
"""


def gettext(domain: str, msg: str, locale: str) -> str:
    env = {**os.environ, **LOCALES[locale], "LC_ALL": LOCALES[locale]["LANG"]}
    return subprocess.run(["gettext", "-d", domain, msg], capture_output=True, text=True,
                          env=env).stdout  # fmt: skip


def dialog_shot(s: Session, shot: Shot, text: str, scale: float) -> None:
    title = f"shot-{shot.id}"
    env = dict(LOCALES[shot.locale])
    label_file = s.out / "work" / f"{shot.id}.label"
    if shot.app in ("zenity", "yad"):
        env["GTK_THEME"] = "Adwaita:dark" if shot.theme == "dark" else "Adwaita"
        env["GDK_SCALE"] = "2" if scale >= 2 else "1"
        env["GDK_DPI_SCALE"] = str(scale / 2 if scale >= 2 else scale)
    if shot.app == "zenity":
        label = gettext("zenity", "OK", shot.locale) or "OK"
        args = ["zenity", "--error", "--no-markup", "--title", title, "--text", text,
                "--ok-label", label]  # fmt: skip
    elif shot.app == "yad":
        label = gettext("gtk30", "_OK", shot.locale).replace("_", "") or "OK"
        label = re.sub(r"\(\w\)$", "", label)  # the mnemonic in brackets: shown only with Alt
        args = ["yad", "--title", title, "--image", "dialog-error", "--text",
                html.escape(text, quote=False), "--button", f"{label}:0", "--fixed"]  # fmt: skip
    elif shot.app == "gxmessage":
        env["GTK_THEME"] = "Adwaita:dark" if shot.theme == "dark" else "Adwaita"
        env["GDK_SCALE"] = "2" if scale >= 2 else "1"
        env["GDK_DPI_SCALE"] = str(scale / 2 if scale >= 2 else scale)
        label = gettext("gtk30", "_OK", shot.locale).replace("_", "") or "OK"
        label = re.sub(r"\(\w\)$", "", label)
        # its text view is sized half a line short: blank lines (no text) take the cut
        args = ["gxmessage", "-title", title, "-buttons", f"{label}:0", "-fn", shot.font,
                text + "\n\n"]  # fmt: skip
    elif shot.app == "xmessage":  # core X fonts, Athena widgets; colours from -bg/-fg
        bg, fg = ("#1e1e1e", "#e0e0e0") if shot.theme == "dark" else ("#ffffe0", "#000000")
        label = "OK"
        args = ["xmessage", "-title", title, "-buttons", f"{label}:0", "-fn", shot.font,
                "-bg", bg, "-fg", fg, text]  # fmt: skip
    elif shot.app == "qt":
        env["QT_SCALE_FACTOR"] = str(scale)
        args = [SYS_PY, "-c", QT_DIALOG, title, text, shot.theme, str(label_file)]
        label = ""
    else:  # tk
        args = [SYS_PY, "-c", TK_DIALOG, title, text, shot.theme, str(scale), str(label_file)]
        label = ""
    p = s.start(args, env=env)
    win = wait_window(lambda w: w[1] == title)
    capture_window(s, win[0], shot.format, s.out / shot.file)
    s.stop(p)
    if not label:
        label = label_file.read_text(encoding="utf-8")
    shot.truth = text + "\n" + label


# -- Chromium ----------------------------------------------------------------------------------


class Browser:
    """A windowed Chromium under Xvfb, driven over the DevTools protocol."""

    def __init__(self, s: Session, locale: str, theme: str, scale: float, port: int) -> None:
        self.s, self.port = s, port
        self.size = (1000, 760)
        flags = [
            "chromium", "--no-sandbox", "--test-type", "--no-first-run",
            "--no-default-browser-check", "--disable-gpu", "--disable-extensions",
            "--password-store=basic", f"--user-data-dir={s.out / 'work' / f'chrome-{port}'}",
            "--window-position=0,0", f"--window-size={self.size[0]},{self.size[1]}",
            f"--force-device-scale-factor={scale}", f"--remote-debugging-port={port}",
            f"--lang={'zh-CN' if locale == 'zh' else 'en-US'}", "--app=about:blank",
        ]  # fmt: skip
        flags.append("--disable-features=Translate")  # no "translate this page?" bubble
        if theme == "dark":
            flags += ["--force-dark-mode", "--enable-features=WebContentsForceDark"]
        self.proc = s.start(flags, env=LOCALES[locale])
        end = time.monotonic() + 30
        while True:
            try:
                pages = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json"))
                target = next(p for p in pages if p["type"] == "page")
                break
            except (OSError, StopIteration):
                if time.monotonic() > end:
                    raise
                time.sleep(0.3)
        self.ws = websocket.create_connection(target["webSocketDebuggerUrl"], suppress_origin=True)
        self.ids = itertools.count(1)

    def call(self, method: str, **params: Any) -> Any:
        n = next(self.ids)
        self.ws.send(json.dumps({"id": n, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == n:
                return msg.get("result", {})

    def show(self, url: str) -> str:
        self.call("Page.navigate", url=url)
        time.sleep(1.0)
        for _ in range(50):
            state = self.call("Runtime.evaluate", expression="document.readyState")
            if state.get("result", {}).get("value") == "complete":
                break
            time.sleep(0.2)
        time.sleep(1.0)
        text = self.call("Runtime.evaluate", expression="document.body.innerText")
        return str(text["result"].get("value", ""))

    def capture(self, fmt: str, path: Path) -> None:
        """The page's viewport (the window below tabs and address bar), as on screen."""
        win = wait_window(lambda w: "Chromium" in w[2] and w[5] >= self.size[0] * 0.9)
        got = self.call("Runtime.evaluate", returnByValue=True,
                        expression="[innerWidth, innerHeight, devicePixelRatio]")  # fmt: skip
        iw, ih, dpr = got["result"]["value"]
        w, h = min(win[5], round(iw * dpr)), min(win[6], round(ih * dpr))
        capture_area(self.s, (win[3], win[4] + win[6] - h, w, h), fmt, path)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.ws.close()
        self.s.stop(self.proc)


FIREFOX_PREFS = {
    "browser.shell.checkDefaultBrowser": False, "browser.aboutwelcome.enabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.reportingpolicy.firstRun": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "devtools.jsonview.enabled": False,  # JSON as the server sent it, as text
}  # fmt: skip


class Firefox:
    """Firefox ESR in kiosk mode on its own small Xvfb screen, driven over WebDriver BiDi."""

    def __init__(self, s: Session, locale: str, theme: str, scale: float, port: int) -> None:
        self.s = s
        profile = s.out / "work" / f"firefox-{locale}-{theme}"
        if profile.exists():
            shutil.rmtree(profile)
        profile.mkdir(parents=True)
        prefs = {**FIREFOX_PREFS, "intl.locale.requested": "zh-CN" if locale == "zh" else "en-US",
                 "ui.systemUsesDarkTheme": int(theme == "dark"),
                 "layout.css.devPixelsPerPx": f"{scale:g}"}  # fmt: skip
        (profile / "user.js").write_text(
            "".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in prefs.items())
        )
        w, h = FIREFOX_SCREEN
        self.env = {**LOCALES[locale], "DISPLAY": FIREFOX_DISPLAY}
        self.xvfb = s.start(["Xvfb", FIREFOX_DISPLAY, "-screen", "0", f"{w}x{h}x24", "-dpi", "96",
                             "-nolisten", "tcp"])  # fmt: skip
        time.sleep(1.5)
        self.proc = s.start(["firefox-esr", "--no-remote", "--profile", str(profile), "--kiosk",
                             "--remote-debugging-port", str(port), "about:blank"],
                            env=self.env)  # fmt: skip
        end = time.monotonic() + 60
        while True:
            try:
                self.ws = websocket.create_connection(f"ws://127.0.0.1:{port}/session",
                                                      suppress_origin=True)  # fmt: skip
                break
            except OSError:
                if time.monotonic() > end:
                    raise
                time.sleep(0.5)
        self.ids = itertools.count(1)
        self.call("session.new", capabilities={})
        self.context = self.call("browsingContext.getTree")["contexts"][0]["context"]

    def call(self, method: str, **params: Any) -> Any:
        n = next(self.ids)
        self.ws.send(json.dumps({"id": n, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == n:
                if msg.get("type") == "error":
                    raise RuntimeError(f"{method}: {msg.get('message')}")
                return msg["result"]

    def evaluate(self, expression: str) -> Any:
        got = self.call("script.evaluate", expression=expression, awaitPromise=False,
                        target={"context": self.context}, serializationOptions={})  # fmt: skip
        value = got["result"]
        if value["type"] == "array":
            return [v["value"] for v in value["value"]]
        return value.get("value", "")

    def show(self, url: str) -> str:
        self.call("browsingContext.navigate", context=self.context, url=url, wait="complete")
        time.sleep(1.5)
        return str(self.evaluate("document.body.innerText"))

    def capture(self, fmt: str, path: Path) -> None:
        """The kiosk window is all viewport, at the screen's top left."""
        iw, ih, dpr = self.evaluate("[innerWidth, innerHeight, devicePixelRatio]")
        args = ["scrot", "-o", "-a", f"0,0,{round(iw * dpr)},{round(ih * dpr)}"]
        if fmt != "png":
            args += ["-q", fmt.removeprefix("jpeg")]
        subprocess.run([*args, str(path)], check=True, env={**self.s.env, **self.env},
                       capture_output=True)  # fmt: skip

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.call("session.end")
        with contextlib.suppress(Exception):
            self.ws.close()
        self.s.stop(self.proc)
        self.s.stop(self.xvfb)


def console_page(s: Session, name: str, cmd: str, printed: str, dark: bool) -> str:
    """A CI job log page: the command and its output in <pre> (output as the command wrote it)."""
    colours = ("#1f1f1f", "#e6e6e6") if dark else ("#ffffff", "#24292f")
    body = html.escape(f"$ {cmd}\n{printed}")
    page = (f"<!doctype html><meta charset=utf-8><title>job {name}</title>"
            f"<body style='margin:16px;background:{colours[0]};color:{colours[1]}'>"
            f"<h3 style='font-family:sans-serif'>Job {name} failed</h3>"
            f"<pre style='font:14px/1.4 monospace;white-space:pre-wrap'>{body}</pre>")  # fmt: skip
    path = s.out / "work" / "site" / f"job-{name}.html"
    path.write_text(page, encoding="utf-8")
    return f"http://127.0.0.1:{HTTP_PORT}/{path.name}"


# -- the sets ----------------------------------------------------------------------------------


def cycle(values: tuple[Any, ...] | list[Any]) -> Iterator[Any]:
    return itertools.cycle(values)


def plan(split: str) -> dict[str, Any]:
    if split == "tuning":
        return {"commands": TUNING_COMMANDS, "terminal": "xterm", "dialogs": ("zenity", "tk"),
                "pages": [("chromium-refused", f"http://127.0.0.1:{CLOSED_PORT}/"),
                          ("http-server-404", f"http://127.0.0.1:{HTTP_PORT}/docs/missing.html")],
                "console": ["psql-42P01", "python-keyerror"],
                "browsers": [("en", "light", 1.0), ("zh", "dark", 1.5), ("zh", "light", 2.0)],
                "dialog_scales": (1.0, 1.25, 2.0), "port": 9301}  # fmt: skip
    return {"commands": HELDOUT_COMMANDS, "terminal": "urxvt", "dialogs": ("yad", "qt"),
            "pages": [("chromium-file-not-found", "file:///srv/www/index.html"),
                      ("http-server-501", f"http://127.0.0.1:{HTTP_PORT}/forms/upload.html")],
            "console": ["psql-22012", "python-refused"],
            "browsers": [("zh", "light", 1.0), ("en", "dark", 1.5), ("en", "light", 2.0)],
            "dialog_scales": (1.0, 1.5, 2.0), "port": 9302}  # fmt: skip


def retry(take: Any, s: Session, shot: Shot, *args: Any) -> None:
    """Once more when a window did not show up (Xvfb under load)."""
    try:
        take(s, shot, *args)
    except RuntimeError as e:
        print(f"{shot.id}: {e}; again", flush=True)
        take(s, shot, *args)


def capture_split(s: Session, split: str) -> list[Shot]:
    if split == "fresh":
        return capture_fresh(s)
    p = plan(split)
    fmts = cycle(FORMATS)
    shots: list[Shot] = []
    prefix = "t" if split == "tuning" else "h"

    def new(app: str, kind: str, source: str, locale: str, theme: str, scale: str) -> Shot:
        fmt = next(fmts)
        sid = f"{prefix}{len(shots):03d}-{app}-{source}-{locale}-{theme}"
        ext = "png" if fmt == "png" else "jpg"
        shot = Shot(sid, split, app, kind, source, locale, theme, scale, fmt, f"{sid}.{ext}", "")
        shots.append(shot)
        return shot

    term = p["terminal"]
    sizes = cycle(TERM_SIZES[term])
    outputs: dict[tuple[str, str], str] = {}
    for name, cmd in p["commands"]:
        for locale in ("en", "zh"):
            outputs[name, locale] = run_command(s, cmd, locale)
            for theme in ("light", "dark"):
                size = next(sizes)
                shot = new(term, "terminal", name, locale, theme, str(size))
                retry(terminal_shot, s, shot, cmd, size)
                print(shot.id, flush=True)
    first, second = p["dialogs"]
    # Tk's message box keeps its light look whatever the option database says: light only
    themes = {app: cycle(("light",) if app == "tk" else ("light", "dark")) for app in p["dialogs"]}
    scales = {app: cycle(p["dialog_scales"]) for app in p["dialogs"]}
    for i, (name, _) in enumerate(p["commands"]):
        for locale in ("en", "zh"):
            for app in (first, second) if i % 2 == 0 else (first,):
                scale = next(scales[app])
                shot = new(app, "dialog", name, locale, next(themes[app]), f"x{scale:g}")
                retry(dialog_shot, s, shot, outputs[name, locale], scale)
                print(shot.id, flush=True)
    commands = dict(p["commands"])
    for locale, theme, scale in p["browsers"]:
        b = Browser(s, locale, theme, scale, p["port"])
        try:
            pages = list(p["pages"])
            for k, name in enumerate(p["console"]):
                out_locale = ("zh", "en")[k % 2]
                pages.append(
                    (
                        f"console-{name}",
                        console_page(
                            s, name, commands[name], outputs[name, out_locale], theme == "dark"
                        ),
                    )
                )
            for name, url in pages:
                shot = new("chromium", "browser", name, locale, theme, f"x{scale:g}")
                shot.truth = b.show(url)
                b.capture(shot.format, s.out / shot.file)
                print(shot.id, flush=True)
        finally:
            b.close()
    return shots


API = f"http://127.0.0.1:{API_PORT}"
FRESH_PAGES = {  # name: URL; the Firefox set leaves out the pages that are Chromium's own
    "chromium-unsafe-port": f"http://127.0.0.1:{UNSAFE_PORT}/",
    "chromium-empty-response": f"{API}/api/v2/stream",
    "api-json-409": f"{API}/api/v2/orders/17",
    "api-traceback-500": f"{API}/reports/daily",
    "api-text-503": f"{API}/health",
}
FRESH_BROWSERS = [  # (browser, locale, theme, scale, CI-log page of this command)
    ("chromium", "en", "dark", 1.25, "java-npe"),
    ("chromium", "zh", "light", 1.75, "make-gcc"),
    ("firefox", "zh", "dark", 1.0, "tar-missing"),
    ("firefox", "en", "light", 1.5, "node-typeerror"),
]
GX_FONTS = ("DejaVu Sans 11", "Liberation Mono 10", "WenQuanYi Micro Hei 13")
X_FONTS = {"9x15": "9x15", "6x13": "-misc-fixed-medium-r-normal--13-*-*-*-*-*-iso10646-1",
           "10x20": "10x20"}  # the scale column: the core font's cell  # fmt: skip


def capture_fresh(s: Session) -> list[Shot]:
    """Other terminals, dialogs, browsers and commands than TUNING and HELD-OUT (see the top)."""
    make_fresh_world(s)
    fmts = cycle(FORMATS)
    shots: list[Shot] = []

    def new(app: str, kind: str, source: str, locale: str, theme: str, scale: str) -> Shot:
        fmt = next(fmts)
        sid = f"f{len(shots):03d}-{app}-{source}-{locale}-{theme}"
        ext = "png" if fmt == "png" else "jpg"
        shot = Shot(sid, "fresh", app, kind, source, locale, theme, scale, fmt, f"{sid}.{ext}", "")
        shots.append(shot)
        return shot

    sizes = {app: cycle(TERM_SIZES[app]) for app in FRESH_TERMINALS}
    units = {"st": "px"}
    outputs: dict[tuple[str, str], str] = {}
    combos = [(lo, th) for lo in ("en", "zh") for th in ("light", "dark")]
    for i, (name, cmd) in enumerate(FRESH_COMMANDS):
        for locale in ("en", "zh"):
            outputs[name, locale] = run_command(s, cmd, locale)
        for j, (locale, theme) in enumerate(combos):
            app = FRESH_TERMINALS[(i + j) % len(FRESH_TERMINALS)]
            size = next(sizes[app])
            shot = new(app, "terminal", name, locale, theme, f"{size}{units.get(app, 'pt')}")
            retry(terminal_shot, s, shot, cmd, size)
            print(shot.id, flush=True)
    gx_fonts, x_fonts = cycle(GX_FONTS), cycle(list(X_FONTS))
    scales, themes = cycle((1.0, 1.25, 1.75, 2.0)), cycle(("light", "dark", "dark", "light"))
    for i, (name, _) in enumerate(FRESH_COMMANDS):
        for locale in ("en", "zh"):
            scale = next(scales)
            shot = new("gxmessage", "dialog", name, locale, next(themes), f"x{scale:g}")
            shot.font = next(gx_fonts)
            retry(dialog_shot, s, shot, outputs[name, locale], scale)
            print(shot.id, flush=True)
        if i % 2 == 0:  # English only: the core X fonts have no Chinese
            cell = next(x_fonts)
            shot = new("xmessage", "dialog", name, "en", ("light", "dark")[i // 2 % 2], cell)
            shot.font = X_FONTS[cell]
            retry(dialog_shot, s, shot, outputs[name, "en"], 1.0)
            print(shot.id, flush=True)
    commands = dict(FRESH_COMMANDS)
    for k, (browser, locale, theme, scale, log) in enumerate(FRESH_BROWSERS):
        pages = [(n, u) for n, u in FRESH_PAGES.items()
                 if browser == "chromium" or not n.startswith("chromium")]  # fmt: skip
        page = console_page(s, log, commands[log], outputs[log, locale], theme == "dark")
        pages.append((f"console-{log}", page))
        b: Any = (Browser if browser == "chromium" else Firefox)(s, locale, theme, scale, 9303 + k)
        try:
            for name, url in pages:
                shot = new(browser, "browser", name, locale, theme, f"x{scale:g}")
                shot.truth = b.show(url)
                b.capture(shot.format, s.out / shot.file)
                print(shot.id, flush=True)
        finally:
            b.close()
    return shots


FRESH_PACKAGES = ("xfce4-terminal", "lxterminal", "stterm", "alacritty", "gxmessage", "x11-utils",
                  "firefox-esr", "nodejs", "npm", "openjdk-17-jdk-headless", "gcc", "make", "tar",
                  "apt", "openssl", "mariadb-client-core", "bind9-dnsutils")  # fmt: skip


def tool_versions() -> dict[str, str]:
    def first_line(args: list[str]) -> str:
        try:
            p = subprocess.run(args, capture_output=True, text=True, timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            return "missing"
        return ((p.stdout or p.stderr).strip().splitlines() or [""])[0]

    return {
        "xterm": first_line(["xterm", "-version"]),
        "urxvt": first_line(["dpkg-query", "-W", "-f=${Version}", "rxvt-unicode"]),
        "zenity": first_line(["dpkg-query", "-W", "-f=${Version}", "zenity"]),
        "yad": first_line(["dpkg-query", "-W", "-f=${Version}", "yad"]),
        "qt": first_line([SYS_PY, "-c", "from PyQt5.QtCore import QT_VERSION_STR as v; print(v)"]),
        "tk": first_line([SYS_PY, "-c", "import tkinter; print(tkinter.TkVersion)"]),
        "chromium": first_line(["dpkg-query", "-W", "-f=${Version}", "chromium"]),
        "imagemagick": first_line(["import", "-version"]),
        "scrot": first_line(["scrot", "--version"]),
        "xvfb": first_line(["dpkg-query", "-W", "-f=${Version}", "xvfb"]),
        "postgresql": first_line([str(PG_BIN / "postgres"), "--version"]),
        **{
            name: first_line(["dpkg-query", "-W", "-f=${Version}", name]) for name in FRESH_PACKAGES
        },
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("/tmp/graphdesk-screenshots"))
    ap.add_argument("--split", choices=SPLITS, action="append")
    ap.add_argument("--no-copy", action="store_true", help="keep bench/results/screenshots")
    args = ap.parse_args()
    splits = [x for x in SPLITS if x in (args.split or SPLITS)]
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    for old in itertools.chain(out.glob("*.png"), out.glob("*.jpg")):
        old.unlink()
    kept = RESULTS / "screenshots"
    # the other splits, as they were captured: their manifest entries and images stay
    before: dict[str, Any] = {"tools": {}, "shots": []}
    if (kept / "manifest.json").exists():
        before = json.loads((kept / "manifest.json").read_text(encoding="utf-8"))
    others = [x for x in before["shots"] if x["split"] not in splits]
    for x in others:
        shutil.copy2(kept / x["file"], out / x["file"])
    s = Session(out)
    shots: list[Shot] = []
    try:
        prepare(s)
        for split in splits:
            shots += capture_split(s, split)
    finally:
        s.close()
    from PIL import Image

    for shot in shots:
        data = (out / shot.file).read_bytes()
        shot.sha256 = hashlib.sha256(data).hexdigest()
        with Image.open(out / shot.file) as im:
            shot.width, shot.height = im.size
        shot.codes = truth_codes(shot.truth)
    tools = {**tool_versions(), **(before["tools"] if others else {})}  # as the others had them
    rows = sorted([*others, *(asdict(x) for x in shots)], key=lambda x: SPLITS.index(x["split"]))
    manifest = {"tools": tools, "display_dpi": 96, "shots": rows}
    text = json.dumps(manifest, ensure_ascii=False, indent=1) + "\n"
    (out / "manifest.json").write_text(text, encoding="utf-8")
    if not args.no_copy:  # the set the recorded figures were measured on, 8 MB
        kept.mkdir(parents=True, exist_ok=True)
        for x in before["shots"]:
            if x["split"] in splits:
                (kept / x["file"]).unlink(missing_ok=True)
        for shot in shots:
            shutil.copy2(out / shot.file, kept / shot.file)
        (kept / "manifest.json").write_text(text, encoding="utf-8")
    by: dict[tuple[str, str], int] = {}
    for x in shots:
        by[x.split, x.app] = by.get((x.split, x.app), 0) + 1
    print(json.dumps({f"{k[0]}/{k[1]}": v for k, v in sorted(by.items())}))


if __name__ == "__main__":
    main()
