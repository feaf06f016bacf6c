"""A real graphdesk server on a free loopback port, in a thread of the test process.

Production settings with the envelope's key given, uvicorn configured with
the proxy settings ``graphdesk serve`` uses (``api.cli._proxy``), the
session's embedded graph as its store.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

from api.app import create_app
from api.cli import _proxy
from api.envelope_key import ServerKey
from api.settings import Settings
from graph.falkor import FalkorStore
from migrations.runner import migrate
from tests.auth import SECRET


class NoAnswers:
    """An answerer for apps whose tests never ask."""

    def answer(self, question: str, limit: int = 5) -> object:
        raise AssertionError("not asked")

    def refresh(self) -> None:
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


@contextmanager
def live_server(
    store: FalkorStore, tmp_path: Path, key: ServerKey, trusted: str = "127.0.0.1", **values: Any
) -> Iterator[int]:
    """A production graphdesk on a free loopback port, as `serve` configures uvicorn."""
    store.drop_all()
    migrate(store)
    settings = Settings(
        data_dir=tmp_path, env="production", secret_key=SECRET, envelope_key=key.text(),
        forwarded_allow_ips=trusted, **{"envelope_required": "personal-data", **values},
    )  # fmt: skip
    app = create_app(settings, store=store, answerer=NoAnswers(), seed_demo=False)
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="on",
                            log_level="warning", **_proxy(settings))  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        wait_port(port)
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=20)
