"""How the Neo4j adapter names a server's errors (``graph/neo4j_store._translate``).

A constraint violation found while the driver rolls a managed transaction
back reaches us wrapped in ``ResultFailedError``, a driver error; it must
still be a ``ConstraintViolation`` (the audit trail's losing writer retries
on it), not ``BackendUnavailable``.
"""

from __future__ import annotations

import neo4j.exceptions as nx
import pytest

from graph.errors import BackendUnavailable, ConstraintViolation, QueryFailed
from graph.neo4j_store import _translate


def _wrapped(cause: BaseException) -> nx.ResultFailedError:
    failed = nx.ResultFailedError(None, "The result has failed.")
    failed.__cause__ = cause
    return failed


def test_a_constraint_error_is_a_violation() -> None:
    with pytest.raises(ConstraintViolation):
        _translate(nx.ConstraintError(), "CREATE (n)")


def test_a_constraint_error_behind_a_failed_result_is_a_violation() -> None:
    with pytest.raises(ConstraintViolation, match="CREATE"):
        _translate(_wrapped(nx.ConstraintError()), "CREATE (n)")


def test_a_failed_result_for_another_reason_is_still_unavailable() -> None:
    with pytest.raises(BackendUnavailable):
        _translate(_wrapped(nx.ServiceUnavailable("gone")), "CREATE (n)")
    with pytest.raises(BackendUnavailable):
        _translate(nx.ResultFailedError(None, "The result has failed."))


def test_a_syntax_error_is_a_failed_query() -> None:
    with pytest.raises(QueryFailed):
        _translate(nx.CypherSyntaxError(), "RETURN (")
