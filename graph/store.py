"""The store interface every other package talks to (never to a driver)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Protocol

from graph.dialect import Dialect
from graph.types import Params, Row


class Transaction(Protocol):
    def run(self, cypher: str, params: Params | None = None) -> list[Row]: ...


class Store(Protocol):
    """Read, write, batched write, transactions, close.

    Rows come back as plain dicts of plain values (maps, lists, scalars).
    """

    dialect: Dialect

    def read(self, cypher: str, params: Params | None = None) -> list[Row]: ...

    def write(self, cypher: str, params: Params | None = None) -> list[Row]: ...

    def write_batch(
        self, cypher: str, rows: Sequence[Row], batch_size: int = 500
    ) -> int:
        """Run ``cypher`` (which reads ``$rows``) once per batch; returns rows sent."""
        ...

    def transaction(self) -> AbstractContextManager[Transaction]:
        """Statements run inside commit together on Neo4j.

        FalkorDB has no multi-statement transactions: every statement is atomic
        on its own, and statements inside run one after another.
        """
        ...

    def close(self) -> None: ...


def batches(rows: Sequence[Row], size: int) -> Iterator[Sequence[Row]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def plain(value: object) -> object:
    """Normalise driver values to plain Python: dicts, lists, str, numbers, None."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return value.replace("\x00", "")
    return value


def rows_from(header: Iterable[str], records: Iterable[Sequence[object]]) -> list[Row]:
    names = list(header)
    return [{n: plain(v) for n, v in zip(names, rec, strict=True)} for rec in records]
