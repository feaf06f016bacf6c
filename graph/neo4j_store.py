"""Store adapter for Neo4j through the official driver (the production target)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import neo4j
from neo4j import GraphDatabase
from neo4j import exceptions as nx

from graph.dialect import Backend, Dialect
from graph.errors import BackendUnavailable, ConstraintViolation, QueryFailed
from graph.store import Transaction, batches, plain
from graph.types import Params, Row


def _value(v: Any) -> object:
    # Temporal values become ISO strings so both backends hand back plain data.
    if hasattr(v, "iso_format"):
        return v.iso_format()
    return plain(v)


def _rows(records: list[neo4j.Record]) -> list[Row]:
    return [{k: _value(r[k]) for k in r.keys()} for r in records]


class Neo4jStore:
    dialect = Dialect(Backend.NEO4J)

    def __init__(self, uri: str, user: str, password: str, database: str = "neo4j") -> None:
        self.database = database
        try:
            self._driver = GraphDatabase.driver(uri, auth=(user, password))
            self._driver.verify_connectivity()
        except (nx.ServiceUnavailable, nx.AuthError, ValueError, OSError) as exc:
            raise BackendUnavailable(f"Neo4j at {uri}: {exc}") from exc

    def _run(self, cypher: str, params: Params | None, access: str) -> list[Row]:
        try:
            with self._driver.session(database=self.database, default_access_mode=access) as s:
                result = s.run(cypher, params or {})  # type: ignore[arg-type]
                return _rows(list(result))
        except nx.ConstraintError as exc:
            raise ConstraintViolation(str(exc)) from exc
        except nx.ServiceUnavailable as exc:
            raise BackendUnavailable(str(exc)) from exc
        except nx.Neo4jError as exc:
            raise QueryFailed(f"{exc}\n-- in: {cypher[:300]}") from exc

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
        except nx.ConstraintError as exc:
            raise ConstraintViolation(str(exc)) from exc
        except nx.Neo4jError as exc:
            raise QueryFailed(str(exc)) from exc

    def drop_all(self) -> None:
        self.write("MATCH (n) DETACH DELETE n")

    def close(self) -> None:
        self._driver.close()


class _Tx:
    def __init__(self, tx: neo4j.Transaction) -> None:
        self._tx = tx

    def run(self, cypher: str, params: Params | None = None) -> list[Row]:
        return _rows(list(self._tx.run(cypher, params or {})))  # type: ignore[arg-type]
