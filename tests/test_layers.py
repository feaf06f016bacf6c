"""Layers point one way: api -> schema -> resolvers -> the answer pipeline and
extractors -> graph (the storage cipher, extractors/text/crypto, below the rest of
the extractors). Checked on the source's import statements, so a cycle is
caught when it is written, not when it first bites at import time."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# package -> top-level packages (or dotted prefixes) it must never import
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "graph": ("extractors", "resolvers", "schema", "api", "strawberry"),
    "extractors/text/crypto": ("extractors.documents", "extractors.tickets",
                               "extractors.community", "extractors.ingest", "extractors.logs",
                               "extractors.images", "extractors.traces", "extractors.tables",
                               "resolvers", "schema", "api", "strawberry"),
    "extractors": ("resolvers", "schema", "api", "strawberry"),
    "resolvers/pipeline": ("resolvers.ask", "resolvers.catalog", "resolvers.stats",
                           "resolvers.context", "resolvers.errors", "schema", "api",
                           "strawberry", "starlette"),
    "resolvers/conversation": ("resolvers.ask", "resolvers.catalog", "resolvers.stats",
                               "resolvers.context", "resolvers.errors", "resolvers.conversations",
                               "schema", "api", "strawberry", "starlette"),
    "resolvers": ("schema", "api"),
    "schema": ("api",),
}  # fmt: skip


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _hits(module: str, banned: tuple[str, ...]) -> bool:
    return any(module == b or module.startswith(b + ".") for b in banned)


@pytest.mark.parametrize("package", list(FORBIDDEN))
def test_package_imports_only_lower_layers(package: str) -> None:
    banned = FORBIDDEN[package]
    wrong = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for module in sorted(imported(path))
        if _hits(module, banned)
    ]
    assert not wrong, "\n".join(wrong)


def test_the_check_sees_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from schema.answer import Answer\nimport strawberry\n", encoding="utf-8")
    assert {"schema.answer", "strawberry"} <= imported(bad)
    assert _hits("schema.answer", FORBIDDEN["resolvers"])
