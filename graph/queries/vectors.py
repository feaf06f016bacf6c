"""Section embeddings in the graph's vector index.

Measured by ``bench/embeddings.py`` (an offline multilingual model did not pay
for its ingest cost, so the service does not use this); the index DDL, the
stored value and the query procedure come from the dialect.
"""

from __future__ import annotations

from collections.abc import Sequence

from graph.dialect import Dialect
from graph.store import Store
from graph.types import Row

DIMENSION = 384  # multilingual-e5-small

# Live sections with what an embedding is computed from.
LIVE_SECTIONS = """
MATCH (s:Section)
WHERE s.retired_at IS NULL
RETURN s.id AS id, s.uri AS uri, s.title AS title, s.doc_title AS doc_title,
       s.doc_id AS doc_id, s.text AS text
ORDER BY s.id
"""

COUNT_EMBEDDED = """
MATCH (s:Section)
WHERE s.embedding IS NOT NULL
RETURN count(s) AS n
"""


def set_embeddings_cypher(d: Dialect) -> str:
    return (
        "UNWIND $rows AS r MATCH (s:Section {id: r.id}) "
        f"SET s.embedding = {d.vector_value('r.vec')}"
    )


def nearest_sections_cypher(d: Dialect) -> str:
    return (
        d.vector_call("Section", "embedding") + " WHERE node.retired_at IS NULL"
        " RETURN node.id AS id, node.uri AS uri, node.title AS title,"
        " node.doc_title AS doc_title, node.doc_id AS doc_id, similarity"
        " ORDER BY similarity DESC"
    )


def live_sections(store: Store) -> list[Row]:
    return store.read(LIVE_SECTIONS)


def create_section_index(store: Store, dimension: int = DIMENSION) -> None:
    store.write(store.dialect.vector_index("Section", "embedding", dimension))
    store.wait_for_indexes()  # the index is built in the background over existing nodes


def set_embeddings(
    store: Store,
    ids: Sequence[str],
    vectors: Sequence[Sequence[float]],
    dimension: int = DIMENSION,
    batch_size: int = 200,
) -> int:
    """Write one vector per section id (unknown ids are skipped); returns rows sent."""
    if len(ids) != len(vectors):
        raise ValueError(f"set_embeddings: {len(ids)} ids but {len(vectors)} vectors")
    for i, v in enumerate(vectors):
        if len(v) != dimension:
            raise ValueError(
                f"set_embeddings: vector {i} ({ids[i]}) has {len(v)} dims, not {dimension}"
            )
    rows: list[Row] = [
        {"id": sid, "vec": [float(x) for x in v]} for sid, v in zip(ids, vectors, strict=True)
    ]
    return store.write_batch(set_embeddings_cypher(store.dialect), rows, batch_size=batch_size)


def nearest_sections(
    store: Store, vector: Sequence[float], k: int, dimension: int = DIMENSION
) -> list[Row]:
    """The ``k`` nearest live sections, most similar first (``similarity`` = cosine)."""
    if len(vector) != dimension:
        raise ValueError(f"nearest_sections: query vector has {len(vector)} dims, not {dimension}")
    return store.read(
        nearest_sections_cypher(store.dialect), {"k": int(k), "vec": [float(x) for x in vector]}
    )


def embedded_count(store: Store) -> int:
    return int(store.read(COUNT_EMBEDDED)[0]["n"])


def statements(d: Dialect) -> dict[str, str]:
    """Every statement this module can send, for the linter test."""
    return {
        "vectors.create_section_index": d.vector_index("Section", "embedding", DIMENSION),
        "vectors.set_embeddings": set_embeddings_cypher(d),
        "vectors.nearest_sections": nearest_sections_cypher(d),
    }
