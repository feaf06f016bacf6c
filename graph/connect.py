"""Open the configured store: embedded FalkorDB by default, Neo4j on request."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from graph.embedded import Fsync
from graph.errors import BackendUnavailable, DataDirLocked
from graph.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GraphConfig:
    backend: Literal["embedded", "neo4j"] = "embedded"
    data_dir: Path = Path(".graphdesk")
    appendfsync: Fsync = "everysec"
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str = ""
    neo4j_database: str = "neo4j"
    timeout: float = 30.0  # seconds: reads and short calls
    write_timeout: float = 600.0  # seconds: writes


def open_store(config: GraphConfig, wait_seconds: float = 0.0) -> Store:
    """Open the configured store.

    A Neo4j server that is still starting (a container, a service after boot) is
    retried for up to ``wait_seconds``; the embedded server is started here, so
    a failure to start it is final at once.
    """
    deadline = time.monotonic() + (wait_seconds if config.backend == "neo4j" else 0.0)
    delay = 0.5
    while True:
        try:
            return _open(config)
        except DataDirLocked:
            raise
        except BackendUnavailable as exc:
            if time.monotonic() + delay > deadline:
                raise
            log.warning("graph store not ready (%s); retrying in %.1f s", exc, delay)
            time.sleep(delay)
            delay = min(delay * 2, 5.0)


def _open(config: GraphConfig) -> Store:
    if config.backend == "neo4j":
        from graph.neo4j_store import Neo4jStore

        if not config.neo4j_uri:
            raise BackendUnavailable("GRAPHDESK_GRAPH=neo4j needs NEO4J_URI")
        return Neo4jStore(
            config.neo4j_uri,
            config.neo4j_user,
            config.neo4j_password,
            config.neo4j_database,
            timeout=config.timeout,
            write_timeout=config.write_timeout,
        )
    from graph.falkor import FalkorStore

    return FalkorStore(
        config.data_dir,
        appendfsync=config.appendfsync,
        timeout=config.timeout,
        write_timeout=config.write_timeout,
    )
