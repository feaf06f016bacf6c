"""The workers' shared load board and the middleware that hands back a
connection of a worker holding more than its share (api/load_board.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from api import load_board
from api.load_board import Balance, LoadBoard


@pytest.fixture
def board_file() -> Iterator[Path]:
    path = load_board.create(2)
    yield path
    path.unlink(missing_ok=True)


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_each_worker_takes_a_slot_and_a_full_board_says_so(board_file: Path) -> None:
    # another live process (not the parent: under nohup or in a container it may be init)
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        one = LoadBoard(board_file, owner=os.getpid())
        two = LoadBoard(board_file, owner=other.pid)
        with pytest.raises(RuntimeError, match="every slot is taken by a live worker"):
            LoadBoard(board_file, owner=1)  # init is alive too
        one.close()
        three = LoadBoard(board_file, owner=1)  # the slot given back is free again
        two.close()
        three.close()
    finally:
        other.kill()
        other.wait()


def test_a_dead_workers_slot_is_taken_over(board_file: Path) -> None:
    ghost = LoadBoard(board_file, owner=_dead_pid())
    ghost.enter()
    ghost.enter()  # it died with requests in flight
    live = LoadBoard(board_file, owner=os.getpid())
    other = LoadBoard(board_file, owner=os.getppid())  # the ghost's slot, its count reset
    for _ in range(2):
        other.enter()
    assert not live.over_share() and not other.over_share()  # 0 and 2: mean 1, slack 1
    other.enter()
    assert other.over_share()  # 3 > 1.5 + 1
    live.close()
    other.close()


def test_share_is_the_mean_plus_slack(board_file: Path) -> None:
    a = LoadBoard(board_file, owner=os.getpid())
    b = LoadBoard(board_file, owner=os.getppid())
    for _ in range(11):
        a.enter()
    for _ in range(9):
        b.enter()
    assert not a.over_share() and not b.over_share()  # 11/9: even enough
    a.enter()
    b.leave()
    assert a.over_share() and not b.over_share()  # 12/8
    for _ in range(12):
        a.leave()
    assert not a.over_share()
    b.close()
    assert not a.over_share()  # alone: nobody to hand a connection to
    a.close()


def test_not_a_board_is_a_clear_error(tmp_path: Path) -> None:
    empty = tmp_path / "board"
    empty.write_bytes(b"")
    with pytest.raises(ValueError, match="not a load board"):
        LoadBoard(empty)


async def _hello(request: Request) -> PlainTextResponse:
    return PlainTextResponse("hello")


def test_a_worker_over_its_share_asks_the_client_to_reconnect(board_file: Path) -> None:
    mine = LoadBoard(board_file, owner=os.getpid())
    other = LoadBoard(board_file, owner=os.getppid())
    app = Starlette(routes=[Route("/", _hello)])
    client = TestClient(Balance(app, board=mine))
    r = client.get("/")  # one in flight here, none there: within the slack
    assert r.text == "hello" and r.headers.get("connection") != "close"
    for _ in range(3):
        mine.enter()  # three more held by this worker
    r = client.get("/")
    assert r.text == "hello" and r.headers.get("connection") == "close"
    for _ in range(4):
        other.enter()  # the other is as busy
    r = client.get("/")
    assert r.headers.get("connection") != "close"
    for _ in range(3):
        mine.leave()
    for _ in range(4):
        other.leave()
    client.get("/")
    assert mine._cells[mine._mine] == 0  # every request it counted it let go
    mine.close()
    other.close()
