"""Store adapter for the embedded FalkorDB server."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import redis
from falkordb import FalkorDB

from graph.dialect import Backend, Dialect
from graph.embedded import EmbeddedServer, Fsync
from graph.errors import BackendUnavailable, ConstraintViolation, QueryFailed
from graph.store import Transaction, batches, rows_from
from graph.types import Params, Row

GRAPH_NAME = "graphdesk"


class FalkorStore:
    dialect = Dialect(Backend.EMBEDDED)

    def __init__(
        self,
        data_dir: Path,
        appendfsync: Fsync = "everysec",
        graph_name: str = GRAPH_NAME,
    ) -> None:
        self.server = EmbeddedServer(Path(data_dir), appendfsync=appendfsync)
        self.server.start()
        self._db = FalkorDB(unix_socket_path=str(self.server.socket_path), max_connections=64)
        self._graph = self._db.select_graph(graph_name)
        self.graph_name = graph_name

    def _run(self, cypher: str, params: Params | None, readonly: bool) -> list[Row]:
        try:
            if readonly:
                result = self._graph.ro_query(cypher, params)
            else:
                result = self._graph.query(cypher, params)
        except redis.ResponseError as exc:
            msg = str(exc)
            if readonly and "empty key" in msg:
                return []  # the graph does not exist yet: nothing to read
            if "constraint" in msg.lower():
                raise ConstraintViolation(msg) from exc
            raise QueryFailed(f"{msg}\n-- in: {cypher[:300]}") from exc
        except (redis.ConnectionError, OSError) as exc:
            raise BackendUnavailable(f"FalkorDB at {self.server.socket_path}: {exc}") from exc
        header = [h[1] if isinstance(h, list | tuple) else h for h in result.header]
        return rows_from(header, result.result_set)

    def read(self, cypher: str, params: Params | None = None) -> list[Row]:
        return self._run(cypher, params, readonly=True)

    def write(self, cypher: str, params: Params | None = None) -> list[Row]:
        return self._run(cypher, params, readonly=False)

    def write_batch(self, cypher: str, rows: Sequence[Row], batch_size: int = 500) -> int:
        sent = 0
        for chunk in batches(rows, batch_size):
            self._run(cypher, {"rows": list(chunk)}, readonly=False)
            sent += len(chunk)
        return sent

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        # Each FalkorDB statement is atomic; there is no multi-statement commit.
        yield _AutoCommit(self)

    def drop_all(self) -> None:
        """Delete the whole graph (tests and `graphdesk reset`)."""
        try:
            self._graph.delete()
        except redis.ResponseError:
            pass  # graph did not exist yet

    def close(self) -> None:
        try:
            self._db.connection.close()
        except (redis.RedisError, OSError):
            pass
        self.server.stop()


class _AutoCommit:
    def __init__(self, store: FalkorStore) -> None:
        self._store = store

    def run(self, cypher: str, params: Params | None = None) -> list[Row]:
        return self._store.write(cypher, params)
