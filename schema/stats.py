"""Stats: how many nodes of each label the graph holds, and how many edges."""

from __future__ import annotations

import strawberry


@strawberry.type(description="Number of nodes carrying one label.")
class LabelCount:
    label: str
    count: int


@strawberry.type(description="Size of the knowledge graph.")
class Stats:
    backend: str = strawberry.field(description='"embedded" (FalkorDB) or "neo4j".')
    nodes: int
    edges: int
    labels: list[LabelCount] = strawberry.field(description="Nodes per label, by label name.")

    @classmethod
    def from_record(cls, counts: dict[str, int], backend: str) -> Stats:
        """From ``graph.queries.documents.counts``: label -> count, plus "edges"."""
        labels = [LabelCount(label=k, count=v) for k, v in sorted(counts.items()) if k != "edges"]
        return cls(
            backend=backend,
            nodes=sum(lc.count for lc in labels),
            edges=counts.get("edges", 0),
            labels=labels,
        )
