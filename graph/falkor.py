"""Store adapter for the embedded FalkorDB server."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import redis
from falkordb import FalkorDB
from falkordb.query_result import QueryResult
from redis.backoff import NoBackoff
from redis.retry import Retry

from graph.dialect import Backend, Dialect, checked_label
from graph.embedded import EmbeddedServer, Fsync
from graph.errors import BackendUnavailable, ConstraintViolation, QueryFailed
from graph.store import Pending, Transaction, batches, check_param_name, plain_param, rows_from
from graph.types import Params, Row

GRAPH_NAME = "graphdesk"

log = logging.getLogger(__name__)


class FalkorStore:
    dialect = Dialect(Backend.EMBEDDED)

    def __init__(
        self,
        data_dir: Path,
        appendfsync: Fsync = "everysec",
        graph_name: str = GRAPH_NAME,
        timeout: float = 30.0,
        write_timeout: float = 600.0,
    ) -> None:
        """``timeout`` bounds every read (and every short call) and
        ``write_timeout`` every write, so a stalled server is an error in
        bounded time; a large ingest batch may legitimately take minutes."""
        self.server = EmbeddedServer(Path(data_dir), appendfsync=appendfsync)
        self.server.start()
        self.timeout = timeout
        try:
            # No retries inside the client: this adapter decides when a
            # statement is sent again (once, after making sure a server runs).
            socket = str(self.server.socket_path)
            self._db = FalkorDB(
                unix_socket_path=socket, max_connections=64, socket_timeout=timeout,
                retry=Retry(NoBackoff(), 0),
            )  # fmt: skip
            self._writer = FalkorDB(
                unix_socket_path=socket, max_connections=16, socket_timeout=write_timeout,
                retry=Retry(NoBackoff(), 0),
            )  # fmt: skip
            self._graph = self._db.select_graph(graph_name)
            self._wgraph = self._writer.select_graph(graph_name)
        except (redis.RedisError, OSError) as exc:
            self.server.stop()
            raise BackendUnavailable(f"FalkorDB at {self.server.socket_path}: {exc}") from exc
        self.graph_name = graph_name
        self._checked: set[str] = set()  # statement texts GRAPH.EXPLAIN accepted
        self.wait_for_indexes()

    def wait_for_indexes(self, timeout: float = 120.0) -> None:
        """Block until every index is operational.

        After a restart FalkorDB rebuilds its indexes in the background, and a
        full-text query against an index under construction finds nothing.
        """
        deadline = time.monotonic() + timeout
        while True:
            try:
                rows = self._graph.ro_query("CALL db.indexes() YIELD label, status RETURN status")
            except redis.ResponseError:
                return  # no graph yet: no indexes to wait for
            if all(str(r[0]) == "OPERATIONAL" for r in rows.result_set):
                return
            if time.monotonic() > deadline:
                raise BackendUnavailable(f"FalkorDB indexes not ready after {timeout:.0f} s")
            time.sleep(0.05)

    def _query(self, cypher: str, header: str, readonly: bool) -> Any:
        # The parameters go as the header of the query text, encoded here
        # (params_header), not by the client: the client is given none.
        if not readonly:
            return self._wgraph.query(header + cypher)
        try:
            # also bounded on the server: a runaway read is stopped there
            return self._graph.ro_query(header + cypher, timeout=int(self.timeout * 1000))
        except redis.ResponseError as exc:
            if "empty key" not in str(exc):
                raise
            # GRAPH.RO_QUERY refuses a graph that does not exist yet (a fresh
            # directory, or after drop_all); a trivial query creates it empty.
            self._wgraph.query("RETURN 0")
            return self._graph.ro_query(header + cypher, timeout=int(self.timeout * 1000))

    def _run(self, cypher: str, params: Params | None, readonly: bool) -> list[Row]:
        args = params_header(params)
        try:
            try:
                result = self._query(cypher, args, readonly)
            except (redis.ConnectionError, OSError):
                # The server died (or was restarted): bring it back, which
                # replays the AOF, and run the statement once more. graphdesk
                # writes with MERGE on stable ids, so a repeat is harmless.
                self.server.recover()
                self.wait_for_indexes()
                result = self._query(cypher, args, readonly)
        except redis.ResponseError as exc:
            msg = str(exc)
            if "constraint" in msg.lower():
                raise ConstraintViolation(f"{msg}\n-- in: {cypher[:300]}") from exc
            raise QueryFailed(f"{msg}\n-- in: {cypher[:300]}") from exc
        except (redis.RedisError, OSError) as exc:
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
        """One MULTI/EXEC block: Redis runs it without interleaving any other
        client, a client killed before EXEC leaves nothing, and a server killed
        while the block reaches the append-only file has the incomplete block
        reverted when the file is loaded (``aof-load-truncated``).

        Redis cannot undo a block whose statement fails at run time, so every
        statement's syntax is checked (GRAPH.EXPLAIN, once per text) before the
        block is sent; what remains is a run-time failure (a broken constraint,
        no memory), reported as QueryFailed saying the others were applied.
        """
        queue = _Queue()
        yield queue
        if queue.statements:
            self._commit(queue)

    def _explained(self, cypher: str, header: str) -> None:
        if cypher in self._checked:
            return
        try:
            self._db.connection.execute_command("GRAPH.EXPLAIN", self.graph_name, header + cypher)
        except redis.ResponseError as exc:
            raise QueryFailed(f"{exc}\n-- in: {cypher[:300]}") from exc
        self._checked.add(cypher)

    def _exec(self, queue: _Queue) -> list[Any]:
        pipe = self._writer.connection.pipeline(transaction=True)
        for cypher, header, _ in queue.statements:
            pipe.execute_command(QUERY, self.graph_name, header + cypher, "--compact")
        return list(pipe.execute(raise_on_error=False))

    def _commit(self, queue: _Queue) -> None:
        try:
            self.write("RETURN 0")  # GRAPH.EXPLAIN needs the graph to exist
            for cypher, args, _ in queue.statements:
                self._explained(cypher, args)
            try:
                replies = self._exec(queue)
            except (redis.ConnectionError, OSError):
                # As for one statement: the block is made of deletes and MERGEs
                # on stable ids, so sending it again after a lost reply is harmless.
                self.server.recover()
                self.wait_for_indexes()
                replies = self._exec(queue)
        except (redis.ConnectionError, redis.TimeoutError, OSError) as exc:
            raise BackendUnavailable(f"FalkorDB at {self.server.socket_path}: {exc}") from exc
        failed: list[str] = []
        for (cypher, _, pending), reply in zip(queue.statements, replies, strict=True):
            if isinstance(reply, Exception):
                failed.append(f"{reply}\n-- in: {cypher[:300]}")
                continue
            result = QueryResult(self._graph, reply)
            header = [h[1] if isinstance(h, list | tuple) else h for h in result.header]
            pending.resolve(rows_from(header, result.result_set))
        if failed:
            kind = ConstraintViolation if "constraint" in failed[0].lower() else QueryFailed
            raise kind(
                f"{len(failed)} of {len(queue.statements)} statements of a transaction failed "
                f"(FalkorDB applied the others): {failed[0]}"
            )

    def checkpoint(self, timeout: float = 120.0) -> None:
        """Compact the append-only file after a large write, so a restart loads an
        RDB-format base instead of replaying every Cypher write.

        Only an optimisation: everything written is already in the append-only
        file, so a compaction that fails (the server died or stalls) is logged,
        a dead server is started again, and the caller's work still succeeded.
        """
        conn = self._writer.connection
        try:
            if conn.info("persistence").get("aof_rewrite_in_progress"):
                return
            conn.bgrewriteaof()
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                info = conn.info("persistence")
                if not info.get("aof_rewrite_in_progress") and not info.get(
                    "aof_rewrite_scheduled"
                ):
                    return
                time.sleep(0.05)
        except (redis.RedisError, OSError) as exc:
            log.warning(
                "compaction of %s did not finish (%s); nothing written is lost, and the "
                "server compacts the file on its own later",
                self.server.socket_path, exc,
            )  # fmt: skip
            with suppress(BackendUnavailable):
                self.server.recover()

    def drop_all(self) -> None:
        """Delete the whole graph, its indexes included (tests and `graphdesk reset`)."""
        try:
            self._wgraph.delete()
        except redis.ResponseError:
            pass  # graph did not exist yet
        except (redis.ConnectionError, OSError):
            self.server.recover()
            with suppress(redis.ResponseError):
                self._wgraph.delete()

    def require_unique(self, label: str, timeout: float = 600.0) -> None:
        """A FalkorDB unique constraint (it needs an exact-match index on ``id``).

        The server builds a constraint in the background and marks it FAILED
        when existing nodes break it; a failed one is dropped again, so a
        repaired graph can retry.
        """
        label = checked_label(label)
        self.write("RETURN 0")  # the graph must exist before a constraint can
        indexed = self.read(
            "CALL db.indexes() YIELD label, properties WHERE label = $label RETURN properties",
            {"label": label},
        )
        if not any("id" in (r["properties"] or []) for r in indexed):
            self.write(f"CREATE INDEX FOR (n:{label}) ON (n.id)")
        deadline = time.monotonic() + timeout
        created = False
        while True:
            status = self._unique_status(label)
            if status == "OPERATIONAL":
                return
            if status == "FAILED":
                self._call_constraint("DROP", label)
                if created:
                    raise ConstraintViolation(
                        f"{label} nodes share ids, so ids cannot be made unique; "
                        "run `graphdesk doctor --repair`, then migrate again"
                    )
                status = None
            if status is None:
                self._call_constraint("CREATE", label)
                created = True
            if time.monotonic() > deadline:
                raise BackendUnavailable(f"FalkorDB: constraint on {label}.id not built in time")
            time.sleep(0.02)

    def _unique_status(self, label: str) -> str | None:
        rows = self.read(
            "CALL db.constraints() YIELD type, label, properties, entitytype, status "
            "WHERE type = 'UNIQUE' AND label = $label AND properties = ['id'] "
            "AND entitytype = 'NODE' RETURN status",
            {"label": label},
        )
        return str(rows[0]["status"]) if rows else None

    def _call_constraint(self, action: str, label: str) -> None:
        try:
            self._db.connection.execute_command(
                "GRAPH.CONSTRAINT", action, self.graph_name, "UNIQUE", "NODE", label,
                "PROPERTIES", 1, "id",
            )  # fmt: skip
        except redis.ResponseError as exc:
            raise QueryFailed(f"GRAPH.CONSTRAINT {action} UNIQUE {label}.id: {exc}") from exc
        except (redis.RedisError, OSError) as exc:
            raise BackendUnavailable(f"FalkorDB at {self.server.socket_path}: {exc}") from exc

    def close(self) -> None:
        with suppress(redis.RedisError, OSError):
            self._db.connection.close()
            self._writer.connection.close()
        self.server.stop()


QUERY = "GRAPH.QUERY"


class _Queue:
    """The statements of one transaction, their parameters checked and
    encoded (params_header) when queued, kept until commit."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, str, Pending]] = []

    def run(self, cypher: str, params: Params | None = None) -> Pending:
        pending = Pending()
        self.statements.append((cypher, params_header(params), pending))
        return pending

    def run_batch(self, cypher: str, rows: Sequence[Row], batch_size: int = 500) -> int:
        for chunk in batches(rows, batch_size):
            self.run(cypher, {"rows": list(chunk)})
        return len(rows)


_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def params_header(params: Params | None) -> str:
    """``CYPHER `name`=value ... `` (empty without parameters): the parameters
    checked as ``plain_params`` checks them and encoded as the falkordb client
    encodes them (``falkordb.helpers.stringify_param_value`` of the plain
    value, byte for byte), in one pass instead of two.

    Strings are quoted as the client quotes them: backslash and double quote
    escaped, every other character as it is (FalkorDB reads newlines, tabs,
    control characters and any Unicode inside a double-quoted literal as
    themselves); NUL bytes are stripped first, as plain_params does. Values
    the fast paths do not take (a str or int subclass, a map key holding NUL,
    an integer beyond 64 bits, a non-finite float, a non-plain type) go
    through ``plain_param``, which normalises them or raises its QueryFailed.
    """
    if not params:
        return ""
    out = ["CYPHER "]
    for name, value in params.items():
        check_param_name(name)
        out.append(f"`{name}`=")
        mark = len(out)
        try:
            _encode(value, out)
        except _Slow:
            del out[mark:]
            _encode(plain_param(name, value), out)
        out.append(" ")
    return "".join(out)


class _Slow(Exception):
    """A value for plain_param to check and normalise first."""


def _encode(value: Any, out: list[str]) -> None:
    t = type(value)
    if t is str:
        if "\x00" in value:
            value = value.replace("\x00", "")
        out.append('"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"')
    elif t is dict:
        out.append("{")
        first = True
        for key, v in value.items():
            if type(key) is not str or not key or "`" in key or "\x00" in key:
                raise _Slow
            if first:
                out.append(f"`{key}`:")
                first = False
            else:
                out.append(f",`{key}`:")
            if type(v) is str and "\x00" not in v:  # most values: no call for them
                out.append('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"')
            else:
                _encode(v, out)
        out.append("}")
    elif t is int:
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise _Slow
        out.append(int.__repr__(value))
    elif t is list or t is tuple:
        out.append("[")
        first = True
        for v in value:
            if not first:
                out.append(",")
            first = False
            if type(v) is str and "\x00" not in v:
                out.append('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"')
            else:
                _encode(v, out)
        out.append("]")
    elif value is None:
        out.append("null")
    elif t is bool:
        out.append("True" if value else "False")
    elif t is float:
        if not math.isfinite(value):
            raise _Slow
        out.append(float.__repr__(value))
    else:
        raise _Slow
