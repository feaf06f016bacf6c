"""The sections' embeddings in memory, and the pages nearest a question.

Read from the graph (``graph/queries/vectors.py``) and compared exhaustively
(no approximate index's misses) in the corpus's principal directions: a few
thousand to tens of thousands of rows are one small matrix product per
question (about 0.05 ms for 7,000 sections). ``sync`` fetches only the
vectors it does not hold yet, so embeddings that land after an ingest are
picked up a batch at a time.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from threadpoolctl import ThreadpoolController

from graph.queries import vectors as vq
from graph.store import Store
from resolvers.pipeline.best import best

FETCH = 500  # vectors fetched per round trip


@lru_cache(maxsize=1)
def _blas() -> ThreadpoolController:
    return ThreadpoolController()  # finds the BLAS libraries once


_pinned = False


def pin_one_blas_thread() -> None:
    """BLAS on one thread for the rest of the process (a serving process, whose
    answers are small products on one thread): ``one_blas_thread`` then costs
    nothing, where setting and restoring the limit around each answer asks the
    library for its thread count each time (13 us alone; under load, a point
    where the answering thread gave up the GIL)."""
    global _pinned
    _blas().limit(limits=1, user_api="blas")  # never restored
    _pinned = True


def one_blas_thread() -> AbstractContextManager[object]:
    """BLAS on the calling thread only, for the block it guards. OpenBLAS's
    own threads spin against the server's request threads (p95 20 ms against
    4 ms on a busy 2-core machine) and cost a wake-up per small product."""
    if _pinned:
        return nullcontext()
    limit: AbstractContextManager[object] = _blas().limit(limits=1, user_api="blas")
    return limit


@dataclass(frozen=True)
class _Matrix:
    ids: tuple[str, ...]
    hashes: dict[str, str]
    vectors: np.ndarray  # len(ids) x dimension, unit rows
    basis: np.ndarray | None = None  # dimension x DIMS, the rows' principal directions
    reduced: np.ndarray | None = None  # len(ids) x DIMS, unit rows


# Questions are compared in the DIMS principal directions of the corpus's own
# section vectors (recomputed at each sync; a corpus of DIMS sections or fewer
# is compared whole). A quarter of the matrix to stream per question, so the
# rest of the answer keeps its caches; on the six tuning sets hit@3 went from
# 80.5% (all 512 dimensions) to 81.1% (128) and 81.4% (256): no loss.
DIMS = 128


def _reduce(vectors: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The principal directions of unit ``vectors`` (uncentred, so dot products
    are what is kept) and the rows projected on them, unit length again."""
    if len(vectors) <= DIMS:
        return None, None
    with one_blas_thread():
        _, vecs = np.linalg.eigh(vectors.T @ vectors)
        basis = np.ascontiguousarray(vecs[:, ::-1][:, :DIMS]).astype(np.float32)
        reduced = vectors @ basis
    reduced /= np.maximum(np.linalg.norm(reduced, axis=1, keepdims=True), 1e-6)
    return basis, np.ascontiguousarray(reduced)


class DenseIndex:
    def __init__(self, model: str, dimension: int) -> None:
        self.model = model
        self.dimension = dimension
        self._m = _Matrix((), {}, np.zeros((0, dimension), dtype=np.float32))
        self._lock = threading.Lock()  # one sync at a time; readers take the last matrix

    def __len__(self) -> int:
        return len(self._m.ids)

    def sync(self, store: Store) -> int:
        """Bring the matrix up to the graph's current embeddings; returns how
        many vectors were fetched."""
        with self._lock:
            old = self._m
            stamps = vq.embedded_stamps(store, self.model)
            keep = [i for i, sid in enumerate(old.ids) if stamps.get(sid) == old.hashes[sid]]
            need = [sid for sid, h in stamps.items() if old.hashes.get(sid) != h]
            ids = [old.ids[i] for i in keep]
            parts = [old.vectors[keep]] if keep else []
            hashes = {sid: old.hashes[sid] for sid in ids}
            for i in range(0, len(need), FETCH):
                rows = vq.embeddings_of(store, self.model, need[i : i + FETCH])
                rows = [r for r in rows if r["vec"] is not None and len(r["vec"]) == self.dimension]
                if not rows:
                    continue
                ids.extend(str(r["id"]) for r in rows)
                hashes.update({str(r["id"]): str(r["hash"]) for r in rows})
                parts.append(np.asarray([r["vec"] for r in rows], dtype=np.float32))
            if not need and len(keep) == len(old.ids):
                return 0
            vectors = np.vstack(parts) if parts else np.zeros((0, self.dimension), dtype=np.float32)
            self._m = _Matrix(tuple(ids), hashes, vectors, *_reduce(vectors))
            return len(need)

    def nearest(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """The ``k`` sections most similar to ``vector`` (cosine), best first."""
        return self.nearest_many(vector[None, :], k)[0]

    def nearest_many(self, vectors: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        """``nearest`` for each row of ``vectors``, the matrix streamed once for
        all of them (in a busy server it comes from memory each time)."""
        m = self._m
        if not m.ids:
            return [[] for _ in range(len(vectors))]
        with one_blas_thread():
            if m.basis is not None and m.reduced is not None:
                q = vectors.astype(np.float32) @ m.basis
                q /= np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-6)
                sims = q @ m.reduced.T  # one row of scores per question
            else:
                sims = vectors.astype(np.float32) @ m.vectors.T
        ids = m.ids
        out = []
        for row in sims:
            top = best(row, k)
            out.append(list(zip([ids[i] for i in top.tolist()], row[top].tolist(), strict=True)))
        return out
