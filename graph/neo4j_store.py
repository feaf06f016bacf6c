"""Store adapter for Neo4j through the official driver (the production target)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from typing import Any, NoReturn, TypeVar

import neo4j
from neo4j import GraphDatabase
from neo4j import exceptions as nx

from graph.dialect import Backend, Dialect, checked_label
from graph.errors import BackendUnavailable, ConstraintViolation, QueryFailed
from graph.store import Queue, Transaction, batches, plain, plain_params
from graph.types import Params, Row


def plain_value(v: Any) -> object:
    """Plain values all the way down; temporal values (also inside maps and
    lists, as in ``RETURN n {.*}``) become ISO strings."""
    if hasattr(v, "iso_format"):
        return v.iso_format()
    if isinstance(v, dict):
        return {str(k): plain_value(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [plain_value(x) for x in v]
    return plain(v)


def _rows(records: list[neo4j.Record]) -> list[Row]:
    return [{k: plain_value(r[k]) for k in r.keys()} for r in records]  # noqa: SIM118 - Record


def _server_error(exc: BaseException) -> BaseException:
    """The server's own error behind a driver wrapper: a failure found while a
    transaction rolls back arrives as ``ResultFailedError`` (a driver error)
    whose cause is, say, the ``ConstraintError`` a losing writer must see."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, nx.Neo4jError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return exc


def _translate(exc: Exception, cypher: str | None = None) -> NoReturn:
    where = f"\n-- in: {cypher[:300]}" if cypher else ""
    if isinstance(exc, nx.ConstraintError) or isinstance(_server_error(exc), nx.ConstraintError):
        raise ConstraintViolation(f"{_server_error(exc)}{where}") from exc
    if isinstance(exc, nx.DriverError):  # unreachable, expired, timed out
        raise BackendUnavailable(str(exc)) from exc
    raise QueryFailed(f"{exc}{where}") from exc


log = logging.getLogger(__name__)

T = TypeVar("T")

_SCHEMES = frozenset({"bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"})

# Cypher 5 statements (CALL {} IN TRANSACTIONS, SHOW INDEXES, IF NOT EXISTS):
# Neo4j 5 and its calendar-versioned successors (2025.01 and later).
OLDEST_MAJOR = 5
DELETE_BATCH = 10_000
DELETE_SOME = "MATCH (n) WITH n LIMIT $n DETACH DELETE n RETURN count(*) AS deleted"


class Neo4jStore:
    """Managed transactions as the driver advises: every call retried on
    transient errors for up to ``retry_seconds``; one bookmark manager for the
    whole store, so a read after a write (in any later request this process
    serves) sees that write, also on a cluster; every statement carries a
    server-side ``timeout``.
    """

    dialect = Dialect(Backend.NEO4J)

    def __init__(
        self,
        uri: str,
        user: str,
        password: str,
        database: str = "neo4j",
        timeout: float = 30.0,
        write_timeout: float = 600.0,
        retry_seconds: float = 30.0,
    ) -> None:
        self.database = database
        self.timeout = timeout
        self.write_timeout = write_timeout
        scheme = uri.split("://", 1)[0].lower() if "://" in uri else ""
        if scheme not in _SCHEMES:
            # The driver would also take http(s):// (a preview Query API that needs
            # aiohttp); graphdesk speaks Bolt only.
            raise BackendUnavailable(
                f"Neo4j URI {uri!r} must start with bolt:// or neo4j:// (optionally +s or +ssc)"
            )
        try:
            # "Property key does not exist" is expected on a graph that has not yet
            # held, say, a retired fact; the linter checks the statements instead.
            self._driver = GraphDatabase.driver(
                uri,
                auth=(user, password),
                notifications_disabled_categories=[neo4j.NotificationDisabledCategory.UNRECOGNIZED],
                max_transaction_retry_time=retry_seconds,
                connection_timeout=min(timeout, 30.0),
                connection_acquisition_timeout=timeout,
            )
        except (nx.DriverError, ValueError) as exc:
            raise BackendUnavailable(f"Neo4j at {uri}: {exc}") from exc
        self._bookmarks = self._driver.execute_query_bookmark_manager
        self._calls = ThreadPoolExecutor(max_workers=16, thread_name_prefix="neo4j-call")
        try:
            self._driver.verify_connectivity()
            self._check_version(uri)
        except (nx.DriverError, nx.Neo4jError, ValueError, OSError) as exc:
            self._driver.close()
            raise BackendUnavailable(f"Neo4j at {uri}: {exc}") from exc
        except BackendUnavailable:
            self._driver.close()
            raise

    def _check_version(self, uri: str) -> None:
        rows = self.read("CALL dbms.components() YIELD name, versions RETURN versions[0] AS v")
        version = str(rows[0]["v"]) if rows else "unknown"
        major = version.split(".", 1)[0]
        if not major.isdigit() or int(major) < OLDEST_MAJOR:
            raise BackendUnavailable(
                f"Neo4j at {uri} is version {version}; graphdesk needs Neo4j "
                f"{OLDEST_MAJOR} or later"
            )
        self.server_version = version

    def _query(self, cypher: str, timeout: float) -> neo4j.Query:
        return neo4j.Query(cypher, timeout=timeout)

    def _bounded(self, call: Callable[[], T], timeout: float, what: str) -> T:
        """``call()`` within ``timeout`` seconds of the caller's time.

        The driver notices a server that stalls mid-reply only after the
        server's own keep-alive hint (two minutes by default), so the call runs
        on a worker thread and the caller gets BackendUnavailable at the
        deadline; the abandoned call ends when the driver gives up. A write
        that times out may still commit, which is harmless: writes are
        idempotent.
        """
        future = self._calls.submit(call)
        try:
            return future.result(timeout=timeout)
        except FutureTimeout:
            future.cancel()
            raise BackendUnavailable(
                f"Neo4j did not answer within {timeout:g} s ({what}); the server may be "
                "stalled or overloaded"
            ) from None

    def _run(self, cypher: str, params: Params | None, routing: neo4j.RoutingControl) -> list[Row]:
        args = plain_params(params)
        timeout = self.write_timeout if routing == neo4j.RoutingControl.WRITE else self.timeout

        def call() -> list[neo4j.Record]:
            records, _, _ = self._driver.execute_query(
                self._query(cypher, timeout),
                args,
                database_=self.database,
                routing_=routing,
                bookmark_manager_=self._bookmarks,
            )
            return records

        try:
            records = self._bounded(call, timeout, cypher.strip().split("\n", 1)[0][:80])
        except (nx.Neo4jError, nx.DriverError) as exc:
            _translate(exc, cypher)
        return _rows(records)

    def read(self, cypher: str, params: Params | None = None) -> list[Row]:
        return self._run(cypher, params, neo4j.RoutingControl.READ)

    def write(self, cypher: str, params: Params | None = None) -> list[Row]:
        return self._run(cypher, params, neo4j.RoutingControl.WRITE)

    def write_batch(self, cypher: str, rows: Sequence[Row], batch_size: int = 500) -> int:
        """One transaction per batch (not one for all: a large write would be
        held in the server's memory whole); ``transaction()`` when atomic."""
        for chunk in batches(rows, batch_size):
            self.write(cypher, {"rows": list(chunk)})
        return len(rows)

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        queue = Queue()
        yield queue
        if not queue.statements:
            return

        def work(tx: neo4j.ManagedTransaction) -> list[list[Row]]:
            # Re-run whole on a retry: nothing of a failed attempt was committed.
            return [_rows(list(tx.run(c, a))) for c, a, _ in queue.statements]

        def call() -> list[list[Row]]:
            with self._driver.session(
                database=self.database, bookmark_manager=self._bookmarks
            ) as session:
                return session.execute_write(neo4j.unit_of_work(timeout=self.write_timeout)(work))

        try:
            results = self._bounded(
                call, self.write_timeout, f"a transaction of {len(queue.statements)} statements"
            )
        except (nx.Neo4jError, nx.DriverError) as exc:
            _translate(exc)
        for (_, _, pending), rows in zip(queue.statements, results, strict=True):
            pending.resolve(rows)

    def wait_for_indexes(self, timeout: int = 300) -> None:
        self.write("CALL db.awaitIndexes($timeout)", {"timeout": timeout})

    def checkpoint(self) -> None:
        """Neo4j manages its own transaction log: nothing to do."""

    def drop_all(self) -> None:
        """Every node and relationship, in batches (one transaction for a large
        graph would hold it all in memory), then the constraints and indexes, as
        deleting a FalkorDB graph does."""
        while self.write(DELETE_SOME, {"n": DELETE_BATCH})[0]["deleted"]:
            pass
        for row in self.read("SHOW CONSTRAINTS YIELD name RETURN name"):
            self.write(f"DROP CONSTRAINT `{row['name']}` IF EXISTS")
        # The two token-lookup indexes belong to the database, not to graphdesk.
        for row in self.read("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name"):
            self.write(f"DROP INDEX `{row['name']}` IF EXISTS")

    def require_unique(self, label: str) -> None:
        label = checked_label(label)
        # A plain range index on the same property blocks the constraint, which
        # brings its own index.
        plain_index = self.read(
            "SHOW INDEXES YIELD name, type, labelsOrTypes, properties, owningConstraint "
            "WHERE type = 'RANGE' AND labelsOrTypes = [$label] AND properties = ['id'] "
            "AND owningConstraint IS NULL RETURN name",
            {"label": label},
        )
        for row in plain_index:
            self.write(f"DROP INDEX `{row['name']}` IF EXISTS")
        try:
            self.write(
                f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS "
                f"FOR (n:{label}) REQUIRE n.id IS UNIQUE"
            )
        except QueryFailed as exc:
            if "ConstraintCreationFailed" not in str(exc) and "duplicate" not in str(exc).lower():
                raise
            raise ConstraintViolation(
                f"{label} nodes share ids, so ids cannot be made unique; "
                "run `graphdesk doctor --repair`, then migrate again"
            ) from exc

    def close(self) -> None:
        """Close the driver, also when a call abandoned at its deadline still
        writes on one of its connections: the driver then fails to append its
        goodbye to that connection's buffer (``BufferError``, a known driver
        race). The close is then finished in the background once those calls
        have let go (they end at the server's reply or its socket's error), so
        that no connection is left to the driver's destructor."""
        self._calls.shutdown(wait=False, cancel_futures=True)
        try:
            self._driver.close()
        except (BufferError, OSError, nx.DriverError) as exc:
            # (the text, not the exception: a kept log record would keep its frames alive)
            log.warning("Neo4j connections in use by abandoned calls were dropped: %s", repr(exc))
            closer = threading.Thread(target=self._close_after_calls, name="neo4j-close")
            closer.daemon = True
            closer.start()

    def _close_after_calls(self) -> None:
        self._calls.shutdown(wait=True)
        try:
            self._driver.close()
        except (BufferError, OSError, nx.DriverError) as exc:
            log.warning("Neo4j connections of abandoned calls could not be closed: %s", repr(exc))
