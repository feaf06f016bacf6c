"""GraphiQL in development, served by graphdesk itself: it works without internet.

``GET /graphql`` from a browser returns the page below; its script, styles,
fonts and Monaco's web workers come from ``api/static/graphiql/`` (package
data), mounted at ``/static/graphiql``. Nothing is loaded from a CDN: the
assets are bundled from pinned npm packages by ``web/graphiql/build.mjs``
(``make graphiql``) and committed, so serving needs no Node.js. The page's
Content-Security-Policy lets the browser fetch from the page's own origin
only, so a stray external reference fails loudly instead of hanging.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from starlette.responses import HTMLResponse
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parent / "static" / "graphiql"
ASSETS_URL = "/static/graphiql"

# Relative to the page (served at /graphql), so a path prefix in front of the app still works.
PAGE = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>graphdesk GraphiQL</title>
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="{assets}/graphiql.css?v={version}">
    <style>body {{ margin: 0; }} #graphiql {{ height: 100dvh; }}</style>
    <script type="module" src="{assets}/graphiql.js?v={version}"></script>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <noscript>GraphiQL needs JavaScript; POST queries to this URL instead.</noscript>
  </body>
</html>
"""

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "worker-src 'self'",
        "connect-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # React and Monaco set inline styles
        "font-src 'self' data:",  # Roboto and Fira Code are inlined in graphiql.css
        "img-src 'self' data:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)


class AssetsMissing(RuntimeError):
    """The bundled GraphiQL assets are not installed next to this module."""


@cache
def bundled_versions() -> dict[str, str]:
    """Every npm package bundled into the assets, with its version (VERSIONS.json)."""
    path = STATIC_DIR / "VERSIONS.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AssetsMissing(
            f"GraphiQL assets missing: {path} not found (rebuild them with `make graphiql`)"
        ) from None
    bundled: dict[str, str] = data["bundled"]
    return bundled


@cache
def page_html(assets: str = ASSETS_URL.lstrip("/")) -> str:
    # Changes whenever a bundled package does, so browsers never mix old and new files.
    version = hashlib.sha256(json.dumps(bundled_versions(), sort_keys=True).encode()).hexdigest()
    return PAGE.format(assets=assets, version=version[:12])


def page_response() -> HTMLResponse:
    return HTMLResponse(
        page_html(),
        headers={"Content-Security-Policy": CSP, "Cache-Control": "no-cache"},
    )


def assets_mount() -> Mount:
    bundled_versions()  # fail at start-up, not on the first page view
    return Mount(ASSETS_URL, app=StaticFiles(directory=STATIC_DIR), name="graphiql")
