"""Every Cypher statement graphdesk can send to Neo4j passes Neo4j's own linter.

Statements: the constants of graph/queries/*, the statements the Neo4j
dialect renders (full-text calls), and every migration rendered for Neo4j.
The linter is the npm package @neo4j-cypher/language-support run by Node.js
(tests/cypher-lint, installed by `make test` with `npm ci`).
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import shutil
import subprocess
from pathlib import Path

import pytest

import graph.queries
from graph.dialect import Backend, Dialect
from graph.queries import search, vectors
from migrations.runner import discover

LINT = Path(__file__).parent / "cypher-lint"
NEO4J = Dialect(Backend.NEO4J)


def neo4j_statements() -> dict[str, str]:
    out: dict[str, str] = {}
    for info in pkgutil.iter_modules(graph.queries.__path__):
        module = importlib.import_module(f"graph.queries.{info.name}")
        for name, value in vars(module).items():
            if name.isupper() and isinstance(value, str) and value.strip():
                out[f"{info.name}.{name}"] = value
    out.update(search.statements(NEO4J))
    out.update(vectors.statements(NEO4J))
    for mig in discover("neo4j"):
        for i, stmt in enumerate(mig.statements(NEO4J)):
            out[f"{mig.path.name}[{i}]"] = stmt
    return out


def run_linter(statements: dict[str, str]) -> dict[str, list[dict[str, object]]]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is required for the Neo4j Cypher linter (apt-get install nodejs)")
    if not (LINT / "node_modules").exists():
        pytest.fail(f"linter not installed: run `npm ci --prefix {LINT}` (make test does)")
    payload = json.dumps([{"id": k, "query": v} for k, v in statements.items()])
    proc = subprocess.run(
        [node, str(LINT / "lint.mjs")], input=payload, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    return {item["id"]: item["diagnostics"] for item in json.loads(proc.stdout)}


def test_statements_are_collected() -> None:
    statements = neo4j_statements()
    assert any(k.startswith("documents.") for k in statements)
    assert any(k.startswith("V0001") for k in statements)
    assert "search.sections" in statements


def test_all_neo4j_statements_lint_clean() -> None:
    statements = neo4j_statements()
    results = run_linter(statements)
    errors = {k: [d for d in diags if d["severity"] == "error"] for k, diags in results.items()}
    errors = {k: v for k, v in errors.items() if v}
    assert not errors, json.dumps(errors, indent=1, ensure_ascii=False)
    assert set(results) == set(statements)


def test_linter_catches_a_broken_statement() -> None:
    results = run_linter({"broken": "MATCH (n RETURN n", "undefined": "MATCH (n) RETURN m"})
    assert any(d["severity"] == "error" for d in results["broken"])
    assert any(d["severity"] == "error" for d in results["undefined"])
