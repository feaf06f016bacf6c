"""Store adapter for Neo4j through the official driver (the production target)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

import neo4j
from neo4j import GraphDatabase
from neo4j import exceptions as nx

from graph.dialect import Backend, Dialect, checked_label
from graph.errors import BackendUnavailable, ConstraintViolation, QueryFailed
from graph.store import Transaction, batches, plain, plain_params
from graph.types import Params, Row


def _value(v: Any) -> object:
    """Plain values all the way down; temporal values (also inside maps and
    lists, as in ``RETURN n {.*}``) become ISO strings."""
    if hasattr(v, "iso_format"):
        return v.iso_format()
    if isinstance(v, dict):
        return {str(k): _value(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_value(x) for x in v]
    return plain(v)


def _rows(records: list[neo4j.Record]) -> list[Row]:
    return [{k: _value(r[k]) for k in r.keys()} for r in records]  # noqa: SIM118 - Record


def _translate(exc: Exception, cypher: str | None = None) -> NoReturn:
    where = f"\n-- in: {cypher[:300]}" if cypher else ""
    if isinstance(exc, nx.ConstraintError):
        raise ConstraintViolation(f"{exc}{where}") from exc
    if isinstance(exc, nx.ServiceUnavailable | nx.SessionExpired):
        raise BackendUnavailable(str(exc)) from exc
    raise QueryFailed(f"{exc}{where}") from exc


_SCHEMES = frozenset({"bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"})


class Neo4jStore:
    dialect = Dialect(Backend.NEO4J)

    def __init__(self, uri: str, user: str, password: str, database: str = "neo4j") -> None:
        self.database = database
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
                notifications_disabled_classifications=[
                    neo4j.NotificationDisabledClassification.UNRECOGNIZED
                ],
            )
        except (nx.DriverError, ValueError) as exc:
            raise BackendUnavailable(f"Neo4j at {uri}: {exc}") from exc
        try:
            self._driver.verify_connectivity()
        except (nx.DriverError, nx.Neo4jError, ValueError, OSError) as exc:
            self._driver.close()
            raise BackendUnavailable(f"Neo4j at {uri}: {exc}") from exc

    def _run(self, cypher: str, params: Params | None, access: str) -> list[Row]:
        args = plain_params(params)
        try:
            with self._driver.session(database=self.database, default_access_mode=access) as s:
                result = s.run(cypher, args)
                return _rows(list(result))
        except (nx.Neo4jError, nx.ServiceUnavailable, nx.SessionExpired) as exc:
            _translate(exc, cypher)

    def read(self, cypher: str, params: Params | None = None) -> list[Row]:
        return self._run(cypher, params, neo4j.READ_ACCESS)

    def write(self, cypher: str, params: Params | None = None) -> list[Row]:
        return self._run(cypher, params, neo4j.WRITE_ACCESS)

    def write_batch(self, cypher: str, rows: Sequence[Row], batch_size: int = 500) -> int:
        sent = 0
        with self.transaction() as tx:
            for chunk in batches(rows, batch_size):
                tx.run(cypher, {"rows": list(chunk)})
                sent += len(chunk)
        return sent

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        try:
            with (
                self._driver.session(database=self.database) as session,
                session.begin_transaction() as tx,
            ):
                yield _Tx(tx)
                tx.commit()
        except (nx.Neo4jError, nx.ServiceUnavailable, nx.SessionExpired) as exc:
            _translate(exc)

    def wait_for_indexes(self, timeout: int = 300) -> None:
        self.write("CALL db.awaitIndexes($timeout)", {"timeout": timeout})

    def checkpoint(self) -> None:
        """Neo4j manages its own transaction log: nothing to do."""

    def drop_all(self) -> None:
        """Every node and relationship, in batches (one transaction for a large
        graph would hold it all in memory), then the constraints and indexes, as
        deleting a FalkorDB graph does."""
        self.write("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS")
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
        self._driver.close()


class _Tx:
    def __init__(self, tx: neo4j.Transaction) -> None:
        self._tx = tx

    def run(self, cypher: str, params: Params | None = None) -> list[Row]:
        args = plain_params(params)
        try:
            return _rows(list(self._tx.run(cypher, args)))
        except (nx.Neo4jError, nx.ServiceUnavailable, nx.SessionExpired) as exc:
            _translate(exc, cypher)
