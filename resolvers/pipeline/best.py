"""The positions of a score vector's largest values, best first.

Retrieval asks this several times an answer (sections by BM25, pages, error
codes, nearest section vectors) for a few dozen of several thousand scores.
A full ``argpartition`` reads and shuffles every score; here a bound on the
k-th largest value, read off k blocks, leaves a few hundred scores to sort.
Ties are broken by position (the lower first), so the same scores always give
the same order.
"""

from __future__ import annotations

import numpy as np

# Below this many scores per wanted one, blocks are too small to bound much.
_BLOCKS_FROM = 4
# More candidates than this many per wanted one are cut by a partition first.
_SORT_AT_MOST = 8


def best(v: np.ndarray, k: int, positive: bool = False) -> np.ndarray:
    """Indices of the ``k`` largest values of the 1-d ``v`` (``positive``: of
    those above 0 only, so maybe fewer), largest first."""
    n = len(v)
    k = min(k, n)
    if k <= 0:
        return np.zeros(0, dtype=np.intp)
    if n >= _BLOCKS_FROM * k:
        # Each of k blocks holds a value at least its maximum, so at least k
        # values reach the smallest maximum: the k-th largest does too.
        size = n // k
        bound = v[: size * k].reshape(k, size).max(axis=1).min()
        hits = np.flatnonzero(v > 0 if positive and bound <= 0 else v >= bound)
    else:
        hits = np.flatnonzero(v > 0) if positive else np.arange(n)
    if len(hits) > _SORT_AT_MOST * k:
        scores = v[hits]
        kth = np.partition(scores, len(hits) - k)[len(hits) - k]
        hits = hits[scores >= kth]
    order = np.argsort(-v[hits], kind="stable")[:k]
    out: np.ndarray = hits[order]
    return out
