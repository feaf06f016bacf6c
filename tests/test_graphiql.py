"""GraphiQL works offline: `graphdesk serve` in development, driven by a real Chromium.

The page, its script, styles, fonts and Monaco's workers all come from
graphdesk itself (api/graphiql.py, assets bundled by web/graphiql/build.mjs).
The browser test starts the server as `make run` does (a fresh data directory,
the demo corpus seeded), opens /graphql in Debian's headless Chromium through
Debian's chromedriver (Python selenium; no browser download), waits for the
editor, runs the `ask` query of the first issue from the page and reads the
answer and its citations from the result pane. Every request the browser made
must have gone to the server's own origin.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import pytest
from starlette.testclient import TestClient

from api.app import create_app
from api.graphiql import ASSETS_URL, CSP, STATIC_DIR, bundled_versions
from api.settings import Settings
from graph.falkor import FalkorStore
from tests.auth import SECRET, bearer
from tests.test_embedded_server import servers_on
from tests.test_serve import _free_port

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# The ask query of the first issue, as a user would type it into GraphiQL.
ASK = """{
  ask(question: "NDB-1001 连接数太多怎么办") {
    text mode confidence
    citations { kind uri title snippet code }
  }
}"""
# Chromium on a machine without internet: nothing of its own may phone home or wait for it.
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-dev-shm-usage",
    # Tall enough that Monaco renders the whole answer (it draws visible lines only).
    "--window-size=1400,3000",
]


class _NoAnswerer:
    def answer(self, question: str, limit: int = 5) -> Any:
        raise AssertionError("not asked")

    def refresh(self) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """`graphdesk serve` in development on a fresh data directory; yields its base URL."""
    data_dir = Path(tempfile.mkdtemp(prefix="gdq", dir="/tmp"))  # short unix socket path
    port = _free_port()
    env = {**os.environ, "GRAPHDESK_ENV": "development"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "--data-dir", str(data_dir),
         "serve", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("graphdesk serve did not start:\n" + proc.communicate()[0])
            time.sleep(0.2)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
        for pid in servers_on(data_dir):
            os.kill(pid, signal.SIGKILL)
        shutil.rmtree(data_dir, ignore_errors=True)


def _hosts(html: str) -> set[str]:
    return {urlsplit(u).netloc for u in re.findall(r"""(?i)(?:https?:)?//[^\s"'<>)]+""", html)}


def test_page_references_only_its_own_origin(server: str) -> None:
    resp = httpx.get(server + "/graphql", headers={"Accept": "text/html"}, timeout=10)
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/html")
    assert resp.headers["content-security-policy"] == CSP
    assert "default-src 'self'" in CSP and "http" not in CSP
    html = resp.text
    assert _hosts(html) <= {urlsplit(server).netloc}, _hosts(html)
    assert "unpkg" not in html and "esm.sh" not in html and "jsdelivr" not in html
    srcs = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(s.startswith("static/graphiql/graphiql.js?v=") for s in srcs), srcs
    for src in srcs:
        if src.startswith("data:"):
            continue
        asset = httpx.get(f"{server}/{src}", timeout=10)  # relative to /graphql: the root
        assert asset.status_code == 200, src
        assert len(asset.content) > 1000, src


def test_assets_are_shipped_and_match_the_lock_file() -> None:
    """The committed bundle was built from web/graphiql's lock file (make graphiql)."""
    names = {p.name for p in STATIC_DIR.iterdir()}
    expected = {"graphiql.js", "graphiql.css", "VERSIONS.json", "THIRD_PARTY_LICENSES.txt"}
    assert expected | {"editor.worker.js", "json.worker.js", "graphql.worker.js"} <= names
    lock = json.loads((ROOT / "web" / "graphiql" / "package-lock.json").read_text("utf-8"))
    locked: dict[str, set[str]] = {}
    for key, meta in lock["packages"].items():
        if "node_modules/" in key:
            locked.setdefault(key.rsplit("node_modules/", 1)[1], set()).add(meta["version"])
    bundled = bundled_versions()
    for top in ("graphiql", "@graphiql/plugin-explorer", "react", "react-dom", "graphql"):
        assert top in bundled
    for name, version in bundled.items():
        assert version in locked.get(name, set()), f"{name} {version} is not in the lock file"
    direct = json.loads((ROOT / "web" / "graphiql" / "package.json").read_text("utf-8"))
    for name, spec in {**direct["dependencies"], **direct["devDependencies"]}.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+(-[\w.]+)?", spec), f"{name} is not pinned: {spec}"


def test_no_ide_and_no_assets_in_production(store: FalkorStore, tmp_path: Path) -> None:
    app = create_app(
        Settings(data_dir=tmp_path, env="production", secret_key=SECRET),
        store=store,
        answerer=_NoAnswerer(),  # type: ignore[arg-type]  # never asked
        seed_demo=False,
    )
    with TestClient(app) as c:
        # a stranger is refused before anything (401); a caller with a token finds none
        assert c.get("/graphql", headers={"Accept": "text/html"}).status_code == 401
        signed = {"Accept": "text/html", **bearer("expert")}
        assert c.get("/graphql", headers=signed).status_code == 404
        assert c.get(ASSETS_URL + "/graphiql.js", headers=signed).status_code == 404


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
        pytest.skip(
            f"Chromium is not installed ({CHROMIUM}, {CHROMEDRIVER}): "
            "apt-get install chromium chromium-driver (.ci/run does)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="gdchrome")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM  # with the driver's path: Selenium Manager never runs
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _requested_urls(driver: Any) -> set[str]:
    urls = set()
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.add(message["params"]["request"]["url"])
    return urls


def _wait(driver: Any, seconds: float, what: str, condition: Any) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(driver, seconds, poll_frequency=0.2).until(condition)
    except Exception:
        shot = Path(tempfile.gettempdir()) / "graphiql-test-failure.png"
        driver.save_screenshot(str(shot))
        logs = "\n".join(e["message"] for e in driver.get_log("browser"))
        pytest.fail(f"{what} (screenshot {shot}); browser console:\n{logs}")


def test_graphiql_loads_offline_and_runs_ask(server: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get(f"{server}/graphql?q={quote(ASK)}")  # a shared link

    def editor_text(d: Any) -> str:
        lines = d.find_elements(By.CSS_SELECTOR, ".graphiql-query-editor .view-lines")
        return str(lines[0].text) if lines else ""

    # The editor appears (not "Loading GraphiQL…") and holds the query from the URL.
    _wait(driver, 60, "GraphiQL's query editor did not appear",
          lambda d: "ask(question" in editor_text(d))  # fmt: skip
    assert "Loading" not in driver.find_element(By.ID, "graphiql").text
    assert "NDB-1001" in editor_text(driver)

    # The schema arrived (introspection from the page): the Explorer plugin lists `ask`.
    driver.find_element(By.CSS_SELECTOR, "[aria-label='Show GraphiQL Explorer']").click()
    _wait(driver, 30, "the Explorer plugin did not list the schema's fields",
          lambda d: "ask" in d.find_element(By.CSS_SELECTOR, ".graphiql-plugin").text)  # fmt: skip

    driver.find_element(By.CSS_SELECTOR, ".graphiql-execute-button").click()

    def response(d: Any) -> str:
        panes = d.find_elements(By.CSS_SELECTOR, ".graphiql-response .view-lines")
        text = str(panes[0].text) if panes else ""
        return text if '"citations"' in text or '"errors"' in text else ""

    text = _wait(driver, 60, "the ask query gave no answer in the result pane", response)
    assert '"errors"' not in text, text
    assert '"ask"' in text and '"mode": "extractive"' in text, text
    assert re.search(r'"confidence": 0\.\d+|"confidence": 1', text), text
    assert '"kind": "error_code"' in text and '"code": "NDB-1001"' in text, text
    assert '"uri":' in text and '"snippet":' in text and '"title":' in text, text

    # Offline for real: the browser asked nothing of any other host.
    origin = urlsplit(server).netloc
    fetched = {u for u in _requested_urls(driver) if urlsplit(u).scheme in ("http", "https")}
    assert any(u.startswith(f"{server}{ASSETS_URL}/graphiql.js") for u in fetched), fetched
    assert any(u.endswith(".worker.js") for u in fetched), fetched  # Monaco's own workers
    assert {urlsplit(u).netloc for u in fetched} == {origin}, fetched
    errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors  # no CSP violation, no failed load, no script error
