"""The store interface every other package talks to (never to a driver)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Protocol

from graph.dialect import Dialect
from graph.errors import QueryFailed
from graph.types import Params, Row


class Pending:
    """The rows of a statement inside a transaction, there once it has committed."""

    __slots__ = ("_rows",)

    def __init__(self) -> None:
        self._rows: list[Row] | None = None

    @property
    def rows(self) -> list[Row]:
        if self._rows is None:
            raise RuntimeError("a transaction's rows exist only after it has committed")
        return self._rows

    def resolve(self, rows: list[Row]) -> None:
        self._rows = rows


class Transaction(Protocol):
    """Statements queued to commit together when the ``with`` block ends."""

    def run(self, cypher: str, params: Params | None = None) -> Pending: ...

    def run_batch(self, cypher: str, rows: Sequence[Row], batch_size: int = 500) -> int:
        """Queue ``cypher`` (which reads ``$rows``) once per batch; returns rows queued."""
        ...


class Queue:
    """The statements of one transaction, checked and kept until commit."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Params, Pending]] = []

    def run(self, cypher: str, params: Params | None = None) -> Pending:
        pending = Pending()
        self.statements.append((cypher, plain_params(params), pending))
        return pending

    def run_batch(self, cypher: str, rows: Sequence[Row], batch_size: int = 500) -> int:
        for chunk in batches(rows, batch_size):
            self.run(cypher, {"rows": list(chunk)})
        return len(rows)


class Store(Protocol):
    """Read, write, batched write, transactions, close.

    Rows come back as plain dicts of plain values (maps, lists, scalars).
    """

    dialect: Dialect

    def read(self, cypher: str, params: Params | None = None) -> list[Row]: ...

    def write(self, cypher: str, params: Params | None = None) -> list[Row]: ...

    def write_batch(self, cypher: str, rows: Sequence[Row], batch_size: int = 500) -> int:
        """Run ``cypher`` (which reads ``$rows``) once per batch; returns rows sent."""
        ...

    def transaction(self) -> AbstractContextManager[Transaction]:
        """Write statements that become visible together, or not at all.

        Statements are queued and sent when the block ends without an error
        (an error inside the block sends nothing); their rows are read from
        ``Pending.rows`` afterwards. Neo4j: one managed write transaction,
        retried on transient errors. FalkorDB: one MULTI/EXEC block, which no
        other client interleaves with and which the append-only file replays
        whole or not at all (see graph/falkor.py for the one difference).
        Reads inside the block see the graph as it was before it.
        """
        ...

    def drop_all(self) -> None:
        """Delete every node and relationship (tests and `graphdesk reset`)."""
        ...

    def require_unique(self, label: str) -> None:
        """Make ``id`` unique among ``label`` nodes, enforced by the database.

        Idempotent. Raises ConstraintViolation naming the label when nodes
        already share an id (``graphdesk doctor --repair`` mends that).
        """
        ...

    def wait_for_indexes(self) -> None:
        """Block until indexes created over existing data are populated."""
        ...

    def checkpoint(self) -> None:
        """Make the next start fast after a large write (compaction where needed)."""
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


_PARAM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def plain_params(params: Params | None) -> Params:
    """Check and normalise statement parameters before they reach a driver.

    Both backends take the same plain values: None, bool, 64-bit int, finite
    float, str (NUL bytes stripped, as on the way out), lists (or tuples) and
    maps with string keys, nested. Anything else (datetimes, sets, bytes,
    objects) raises QueryFailed naming the parameter, before the database sees
    it: FalkorDB would otherwise get the value's ``str()`` spliced into the
    query text (or clamp a too-large integer), and Neo4j would store a type the
    embedded backend cannot. (graph/falkor.py checks and encodes in one pass,
    and hands whatever its fast paths do not take to ``plain_param``.)
    """
    if not params:
        return {}
    out: Params = {}
    for name, value in params.items():
        check_param_name(name)
        out[name] = plain_param(name, value)
    return out


def check_param_name(name: object) -> None:
    if not isinstance(name, str) or not _PARAM_NAME.match(name):
        raise QueryFailed(f"parameter name {name!r} is not a plain identifier")


def plain_param(name: str, value: object) -> object:
    """One parameter's value as plain_params makes it, or QueryFailed naming
    the parameter and where inside it the problem is."""
    try:
        return _param(value)
    except _BadParam as exc:
        where = "$" + name + "".join(reversed(exc.path))
        raise QueryFailed(f"parameter {where}: {exc.problem}") from None


class _BadParam(Exception):
    def __init__(self, problem: str) -> None:
        self.problem = problem
        self.path: list[str] = []  # innermost first


def _param(value: object) -> object:
    if isinstance(value, str):
        clean = value.replace("\x00", "") if "\x00" in value else value
        return clean if type(clean) is str else str(clean)  # str subclasses, e.g. StrEnum
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _BadParam(f"{value} is not a finite number")
        return value if type(value) is float else float(value)  # e.g. numpy.float64
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise _BadParam(f"integer {value} does not fit in 64 bits")
        return value if type(value) is int else int(value)  # e.g. IntEnum
    if isinstance(value, list | tuple):
        items: list[object] = []
        for i, v in enumerate(value):
            try:
                items.append(_param(v))
            except _BadParam as exc:
                exc.path.append(f"[{i}]")
                raise
        return items
    if isinstance(value, dict):
        out: dict[str, object] = {}
        for key, v in value.items():
            if not isinstance(key, str) or not key.strip("\x00") or "`" in key:
                raise _BadParam(f"map key {key!r} must be a non-empty string without backticks")
            try:
                out[key.replace("\x00", "")] = _param(v)
            except _BadParam as exc:
                exc.path.append(f".{key}")
                raise
        return out
    raise _BadParam(
        f"a {type(value).__name__} is not a plain value "
        "(use str, int, float, bool, None, lists and maps; dates as ISO strings)"
    )


def rows_from(header: Iterable[str], records: Iterable[Sequence[object]]) -> list[Row]:
    names = list(header)
    return [{n: plain(v) for n, v in zip(names, rec, strict=True)} for rec in records]
