"""The largest scores of a vector: the same as sorting them all."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from resolvers.pipeline.best import best


def _sorted(v: np.ndarray, k: int, positive: bool) -> list[int]:
    """The reference: every position sorted by score, the lower position first on ties."""
    order = sorted(range(len(v)), key=lambda i: (-v[i], i))
    return [i for i in order if not positive or v[i] > 0][:k]


# Few distinct values, so ties (and zeros, as in BM25 vectors) are common.
_scores = st.lists(
    st.one_of(st.sampled_from([0.0, 0.5, 1.0, -1.0]), st.floats(-10, 10, allow_nan=False)),
    min_size=0,
    max_size=400,
)


@settings(max_examples=300, deadline=None)
@given(values=_scores, k=st.integers(0, 80), positive=st.booleans())
def test_the_best_are_those_a_full_sort_puts_first(
    values: list[float], k: int, positive: bool
) -> None:
    v = np.asarray(values, dtype=np.float64)
    assert best(v, k, positive).tolist() == _sorted(v, k, positive)


def test_a_large_vector_with_a_few_positive_scores() -> None:
    rng = np.random.default_rng(7)
    v = np.zeros(7000)
    v[rng.choice(7000, 30, replace=False)] = rng.random(30) + 0.1
    got = best(v, 50, positive=True).tolist()
    assert got == _sorted(v, 50, True)
    assert len(got) == 30  # only the positive ones


def test_float32_cosines_keep_their_order() -> None:
    rng = np.random.default_rng(3)
    v = rng.standard_normal(6000).astype(np.float32)
    assert best(v, 60).tolist() == _sorted(v, 60, False)
