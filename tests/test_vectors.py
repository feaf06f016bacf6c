"""The vector index statements run on the embedded graph (used by bench/embeddings.py)."""

from __future__ import annotations

import pytest

from graph.falkor import FalkorStore
from graph.queries import vectors


def test_nearest_sections_by_cosine(clean_store: FalkorStore) -> None:
    st = clean_store
    st.write_batch(
        "UNWIND $rows AS r CREATE (s:Section {id: r.id, uri: r.id, title: r.id})",
        [{"id": "a"}, {"id": "b"}, {"id": "c"}],
    )
    vectors.create_section_index(st, dimension=3)
    vecs = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.7, 0.7, 0.0]]
    assert vectors.set_embeddings(st, ["a", "b", "c"], vecs, dimension=3) == 3
    assert vectors.embedded_count(st) == 3
    near = vectors.nearest_sections(st, [1.0, 0.1, 0.0], k=3, dimension=3)
    assert [r["id"] for r in near] == ["a", "c", "b"]
    assert near[0]["similarity"] == pytest.approx(0.995, abs=0.01)
    with pytest.raises(ValueError, match="2 dims, not 3"):
        vectors.nearest_sections(st, [1.0, 0.0], k=1, dimension=3)
