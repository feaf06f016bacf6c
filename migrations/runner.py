"""Versioned, checksummed migrations, applied in order and recorded in the graph.

Files in this folder are named ``V0001__Core_schema.py`` or
``V0002__Something.cypher``; a Cypher migration may have same-numbered
per-backend variants ``V0002__Something.embedded.cypher`` and
``V0002__Something.neo4j.cypher`` where the DDL differs. A Python migration
defines ``statements(dialect) -> list[str]`` (DDL rendered by the backend's
dialect) or ``apply(store)`` (data). An applied migration is immutable: a
changed checksum fails validation.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from graph.dialect import Dialect
from graph.errors import MigrationError
from graph.queries import migrations as q
from graph.store import Store

HERE = Path(__file__).parent
_NAME = re.compile(
    r"^V(?P<version>\d{4})__(?P<name>\w+?)(?:\.(?P<backend>embedded|neo4j))?\.(?P<ext>cypher|py)$"
)


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    path: Path

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()

    @property
    def id(self) -> str:
        return f"V{self.version:04d}"

    def _module(self) -> ModuleType:
        spec = importlib.util.spec_from_file_location(f"migrations._m{self.version}", self.path)
        if spec is None or spec.loader is None:
            raise MigrationError(f"{self.path.name}: cannot be loaded")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    def statements(self, dialect: Dialect) -> list[str]:
        """The Cypher this migration sends (empty for data migrations)."""
        if self.path.suffix == ".cypher":
            return split_statements(self.path.read_text(encoding="utf-8"))
        render: Callable[[Dialect], list[str]] | None = getattr(self._module(), "statements", None)
        return list(render(dialect)) if render else []

    def apply(self, store: Store) -> None:
        if self.path.suffix == ".py":
            module = self._module()
            data: Callable[[Store], None] | None = getattr(module, "apply", None)
            if data is not None:
                data(store)
                return
        for statement in self.statements(store.dialect):
            store.write(statement)


def split_statements(text: str) -> list[str]:
    lines = [ln for ln in text.splitlines() if not ln.strip().startswith("//")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def discover(backend: str, folder: Path = HERE) -> list[Migration]:
    chosen: dict[int, tuple[int, Migration]] = {}
    names: dict[int, str] = {}
    for path in sorted(folder.iterdir()):
        m = _NAME.match(path.name)
        if not m:
            continue
        version = int(m.group("version"))
        name = m.group("name")
        if names.setdefault(version, name) != name:
            raise MigrationError(
                f"two migrations share version {version}: {names[version]}, {name}"
            )
        variant = m.group("backend")
        if variant is not None and variant != backend:
            continue
        rank = 1 if variant == backend else 0  # a backend's own variant wins
        mig = Migration(version, name.replace("_", " "), path)
        if version not in chosen or rank > chosen[version][0]:
            chosen[version] = (rank, mig)
    return [chosen[v][1] for v in sorted(chosen)]


@dataclass(frozen=True)
class Status:
    migration: Migration
    applied: bool
    applied_checksum: str | None

    @property
    def state(self) -> str:
        if not self.applied:
            return "pending"
        return "applied" if self.applied_checksum == self.migration.checksum else "CHANGED"


def _backend(store: Store) -> str:
    return store.dialect.backend.value


def info(store: Store) -> list[Status]:
    applied = {int(r["version"]): r for r in store.read(q.APPLIED)}
    out = []
    for mig in discover(_backend(store)):
        row = applied.get(mig.version)
        out.append(Status(mig, row is not None, row["checksum"] if row else None))
    return out


def validate(store: Store) -> list[str]:
    """Problems: applied migrations whose file changed or disappeared."""
    known = {m.version for m in discover(_backend(store))}
    problems = []
    for status in info(store):
        if status.state == "CHANGED":
            problems.append(
                f"{status.migration.path.name}: checksum differs from the applied one "
                f"({status.applied_checksum} != {status.migration.checksum})"
            )
    for r in store.read(q.APPLIED):
        if int(r["version"]) not in known:
            problems.append(f"V{int(r['version']):04d} is applied but its file is missing")
    return problems


def migrate(store: Store) -> list[Migration]:
    """Apply pending migrations in order; refuses when an applied one changed."""
    problems = validate(store)
    if problems:
        raise MigrationError("; ".join(problems))
    done = []
    for status in info(store):
        if status.applied:
            continue
        mig = status.migration
        try:
            mig.apply(store)
        except Exception as exc:
            raise MigrationError(f"{mig.path.name} failed: {exc}") from exc
        store.write(
            q.RECORD,
            {
                "version": mig.version,
                "id": mig.id,
                "description": mig.description,
                "checksum": mig.checksum,
                "backend": _backend(store),
            },
        )
        done.append(mig)
    return done
