"""How loaded each worker process is, shared between them (``serve --workers N``),
and the middleware that evens out keep-alive connections with it.

Which worker accepts a connection is chance, and a keep-alive client keeps
it: 20 connections over 2 workers were split 16/4, 14/6, 11/9 and 7/13 in four
runs. Each worker answers on one thread (``resolvers/answer_lane.py``), so its
latency grows with the connections it holds while its throughput does not:
the busier worker sets the tail (a 14/6 split makes its requests wait 40%
longer than an even one would).

The workers share a board, a small file mapped into each (no system call per
request): one slot per worker, (pid, requests in flight). A worker holding
more than its share (the workers' mean plus ``SLACK``) answers with
``Connection: close``; that client reconnects, the connection lands on any
worker, and the split drifts to even. The slack keeps an even load from
closing anything, and one reconnection costs about what one request does.
"""

from __future__ import annotations

import contextlib
import fcntl
import mmap
import os
import struct
import tempfile
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.processes import alive

ENV = "GRAPHDESK_LOAD_BOARD"  # the board's path, from `serve` to its workers
SLOT = struct.Struct("qq")  # pid, requests in flight
SLACK = 1  # requests in flight above the mean before a connection is handed back


def create(workers: int) -> Path:
    """A new empty board for ``workers`` processes (in memory where /dev/shm is)."""
    shm = Path("/dev/shm")
    where = str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None
    fd, name = tempfile.mkstemp(prefix="graphdesk-load-", dir=where)
    try:
        os.ftruncate(fd, SLOT.size * workers)
    finally:
        os.close(fd)
    return Path(name)


class LoadBoard:
    """One worker's view of the board: it writes its own slot and reads all."""

    def __init__(self, path: Path, owner: int | None = None) -> None:
        self.path = path
        self.owner = os.getpid() if owner is None else owner
        fd = os.open(path, os.O_RDWR)
        try:
            size = os.fstat(fd).st_size
            if size == 0 or size % SLOT.size:
                raise ValueError(f"{path}: not a load board ({size} bytes)")
            self._map = mmap.mmap(fd, size)
            self._cells = memoryview(self._map).cast("q")  # pid, in flight, pid, ...
            fcntl.flock(fd, fcntl.LOCK_EX)  # one claim at a time
            try:
                self._mine = self._claim()
            except RuntimeError:
                self._cells.release()
                self._map.close()
                raise
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)  # the mapping keeps the file

    def _claim(self) -> int:
        cells = self._cells
        for i in range(0, len(cells), 2):
            pid = cells[i]
            # a slot of a worker that died (uvicorn starts another in its place)
            if pid in (0, self.owner) or not alive(pid):
                cells[i], cells[i + 1] = self.owner, 0
                return i + 1
        raise RuntimeError(f"{self.path}: every slot is taken by a live worker")

    def enter(self) -> None:
        self._cells[self._mine] += 1  # only this process's event loop writes its slot

    def leave(self) -> None:
        self._cells[self._mine] -= 1

    def over_share(self) -> bool:
        """Whether this worker holds more requests than its share of all in flight."""
        cells = self._cells
        total = live = 0
        for i in range(0, len(cells), 2):
            if cells[i]:
                live += 1
                total += max(0, cells[i + 1])
        return live > 1 and cells[self._mine] > total / live + SLACK

    def close(self) -> None:
        """Give the slot back; the board file stays for the other workers."""
        with contextlib.suppress(ValueError):  # closed already
            if self._cells[self._mine - 1] == self.owner:
                self._cells[self._mine - 1] = self._cells[self._mine] = 0
            self._cells.release()
            self._map.close()


class Balance:
    """ASGI middleware: counts this worker's requests in flight on the board and
    asks the client of a worker over its share to reconnect."""

    def __init__(self, app: ASGIApp, board: LoadBoard) -> None:
        self.app = app
        self.board = board

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        board = self.board

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start" and board.over_share():
                headers = [*message.get("headers", ()), (b"connection", b"close")]
                message = {**message, "headers": headers}
            await send(message)

        board.enter()
        try:
            await self.app(scope, receive, sending)
        finally:
            board.leave()
