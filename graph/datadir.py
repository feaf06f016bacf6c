"""Whether a command that only reads may open the configured graph.

Opening the embedded backend on a directory that does not exist starts a
new, empty graph there: right for a writer (the first ingest), wrong for a
reader, which would then answer from nothing instead of saying that the
directory is mistyped. Neo4j keeps its graph on the server, so for it the
data directory is not where the graph lives and is never required.
"""

from __future__ import annotations

from pathlib import Path

from graph.connect import GraphConfig


def missing_data_dir(config: GraphConfig) -> Path | None:
    """The data directory a reader would have to create, or None when it may open."""
    if config.backend == "neo4j":
        return None
    path = config.data_dir.expanduser()
    return None if path.is_dir() else path
