"""Section embeddings: stored on the sections, read back by the answer pipeline.

Each live section gets ``embedding`` (the model's vector; FalkorDB stores it
as ``vecf32``), ``embedding_model`` (which model made it, so a new model
re-embeds everything) and ``embedding_hash`` (the section's ``hash`` when it
was embedded, so a section whose text changed is embedded again). A changed
document's sections are replaced whole by ingest and so lose theirs.

The answer pipeline holds the vectors in memory and compares them exactly
(``resolvers/pipeline/dense.py``); the backend's own vector index (DDL and
query from the dialect) is measured by ``bench/embeddings.py``.
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

# Live, searchable sections whose embedding is missing, stale or another model's.
PENDING_SECTIONS = """
MATCH (s:Section)
WHERE s.retired_at IS NULL AND s.search IS NOT NULL
  AND (s.embedding IS NULL OR s.embedding_model IS NULL OR s.embedding_model <> $model
       OR s.embedding_hash IS NULL OR s.embedding_hash <> s.hash)
RETURN s.id AS id, s.title AS title, s.doc_title AS doc_title, s.text AS text, s.hash AS hash
LIMIT $limit
"""

COUNT_PENDING = """
MATCH (s:Section)
WHERE s.retired_at IS NULL AND s.search IS NOT NULL
  AND (s.embedding IS NULL OR s.embedding_model IS NULL OR s.embedding_model <> $model
       OR s.embedding_hash IS NULL OR s.embedding_hash <> s.hash)
RETURN count(s) AS n
"""

# Which live sections hold a current embedding of the model (ids and hashes
# only: the pipeline fetches the vectors of those it does not hold yet).
EMBEDDED_STAMPS = """
MATCH (s:Section)
WHERE s.retired_at IS NULL AND s.embedding_model = $model AND s.embedding_hash = s.hash
RETURN s.id AS id, s.hash AS hash
"""

EMBEDDINGS_OF = """
UNWIND $ids AS sid
MATCH (s:Section {id: sid})
WHERE s.embedding_model = $model
RETURN s.id AS id, s.hash AS hash, s.embedding AS vec
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


def store_embeddings_cypher(d: Dialect) -> str:
    """Vectors with their model and the section hash they were computed from;
    a section whose hash changed meanwhile keeps none (it is pending again)."""
    return (
        "UNWIND $rows AS r MATCH (s:Section {id: r.id}) WHERE s.hash = r.hash "
        f"SET s.embedding = {d.vector_value('r.vec')}, s.embedding_model = $model, "
        "s.embedding_hash = r.hash RETURN s.id AS id"
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


def pending_sections(store: Store, model: str, limit: int) -> list[Row]:
    return store.read(PENDING_SECTIONS, {"model": model, "limit": int(limit)})


def pending_count(store: Store, model: str) -> int:
    return int(store.read(COUNT_PENDING, {"model": model})[0]["n"])


def store_embeddings(store: Store, model: str, rows: Sequence[Row]) -> set[str]:
    """rows: ``{id, hash, vec}``, in one statement (a batch lands whole); the
    ids written (a section that changed or went meanwhile is not)."""
    out = store.write(store_embeddings_cypher(store.dialect), {"rows": list(rows), "model": model})
    return {str(r["id"]) for r in out}


def embedded_stamps(store: Store, model: str) -> dict[str, str]:
    return {str(r["id"]): str(r["hash"]) for r in store.read(EMBEDDED_STAMPS, {"model": model})}


def embeddings_of(store: Store, model: str, ids: Sequence[str]) -> list[Row]:
    return store.read(EMBEDDINGS_OF, {"ids": list(ids), "model": model})


def statements(d: Dialect) -> dict[str, str]:
    """Every statement this module can send, for the linter test."""
    return {
        "vectors.create_section_index": d.vector_index("Section", "embedding", DIMENSION),
        "vectors.set_embeddings": set_embeddings_cypher(d),
        "vectors.nearest_sections": nearest_sections_cypher(d),
        "vectors.store_embeddings": store_embeddings_cypher(d),
        "vectors.pending_sections": PENDING_SECTIONS,
        "vectors.count_pending": COUNT_PENDING,
        "vectors.embedded_stamps": EMBEDDED_STAMPS,
        "vectors.embeddings_of": EMBEDDINGS_OF,
    }
