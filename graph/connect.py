"""Open the configured store: embedded FalkorDB by default, Neo4j on request."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from graph.embedded import Fsync
from graph.errors import BackendUnavailable
from graph.store import Store


@dataclass(frozen=True)
class GraphConfig:
    backend: Literal["embedded", "neo4j"] = "embedded"
    data_dir: Path = Path(".graphdesk")
    appendfsync: Fsync = "everysec"
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str = ""
    neo4j_database: str = "neo4j"


def open_store(config: GraphConfig) -> Store:
    if config.backend == "neo4j":
        from graph.neo4j_store import Neo4jStore

        if not config.neo4j_uri:
            raise BackendUnavailable("GRAPHDESK_GRAPH=neo4j needs NEO4J_URI")
        return Neo4jStore(
            config.neo4j_uri, config.neo4j_user, config.neo4j_password, config.neo4j_database
        )
    from graph.falkor import FalkorStore

    return FalkorStore(config.data_dir, appendfsync=config.appendfsync)
