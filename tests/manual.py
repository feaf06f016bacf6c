"""A small, representative subset of the PostgreSQL 15 manual for quick tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

MANUAL = Path("/usr/share/doc/postgresql-doc-15/html")
PAGES = [
    "errcodes-appendix.html", "ddl-constraints.html", "backup-dump.html", "app-pgdump.html",
    "explicit-locking.html", "runtime-config-locks.html", "datatype-json.html", "gin.html",
    "logical-replication.html", "logical-replication-publication.html", "disk-full.html",
    "tutorial-fk.html", "sql-createtable.html", "indexes-types.html", "backup.html",
    "appendixes.html",
]  # fmt: skip


def copy_subset(dest: Path) -> Path:
    if not MANUAL.is_dir():
        pytest.skip(
            f"PostgreSQL manual not installed at {MANUAL} (apt-get install postgresql-doc-15)"
        )
    dest.mkdir(parents=True, exist_ok=True)
    for name in PAGES:
        shutil.copy(MANUAL / name, dest / name)
    return dest
