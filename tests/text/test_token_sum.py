"""The fast question path of the sentence encoder (extractors/text/token_sum.py)."""

from __future__ import annotations

import numpy as np
import pytest

from extractors.text import token_sum
from extractors.text.embedding import MAX_TOKENS, Embedder, shared

PAGES = [
    "Rotate the server's log file when it grows past the configured size.",
    "Choose the network interfaces and the TCP port the server listens on.",
    "Create a user account and give it a role that limits its commands.",
    "Write a consistent snapshot of every table to a directory and restore it.",
    "Keep query results in memory for a number of seconds, then flush them.",
]
QUESTIONS = [  # (question, index of the page that answers it)
    ("my logs keep getting bigger, how do I rotate them", 0),
    ("which port does the server listen on", 1),
    ("how can I add a new user with limited permissions", 2),
    ("怎么把所有表备份到一个目录再恢复", 3),
    ("结果缓存多久过期，怎么清空", 4),
]


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return shared()


def test_a_lone_token_is_exactly_the_models_own_forward_pass(embedder: Embedder) -> None:
    embedder.query("warm up")  # builds the fast path on the loaded weights
    backend = embedder._model._model
    fast = embedder._token_sum
    assert fast is not None
    for piece in (5, 1234, 40_000, 127_000):
        out = np.empty((1, embedder.dimension), dtype=np.float32)
        backend._encode_batch([[piece]], 1, out)  # a one-token sentence: no neighbours
        assert float(out[0] @ fast.encode_ids([piece])) > 0.9999


def test_question_vectors_land_near_the_whole_models_and_pick_the_same_page(
    embedder: Embedder,
) -> None:
    exact = Embedder(exact_queries=True)
    pages = embedder.passages(PAGES)
    for question, page in QUESTIONS:
        fast, whole = embedder.query(question), exact.query(question)
        assert abs(float(fast @ fast) - 1.0) < 1e-5
        assert fast.dtype == np.float32
        assert float(fast @ whole) > 0.5
        assert int(np.argmax(pages @ fast)) == page == int(np.argmax(pages @ whole))


def test_long_questions_are_cut_to_the_models_window(embedder: Embedder) -> None:
    v = embedder.query("rotate logs " * 2000)
    assert v.shape == (embedder.dimension,) and np.isfinite(v).all()
    assert embedder.query("").shape == (embedder.dimension,)
    assert MAX_TOKENS >= 16


def test_kept_token_rows_stay_within_their_bound(
    embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedder.query("warm up")
    backend = embedder._model._model
    fast = token_sum.TokenSumEncoder(backend, embedder._sp_model)
    monkeypatch.setattr(token_sum, "CACHED_TOKENS", 8)
    first = fast.encode("snapshots of every table restored from a directory", MAX_TOKENS)
    fast.encode("a completely different sentence about network ports", MAX_TOKENS)
    assert len(fast._kept) <= 8
    again = fast.encode("snapshots of every table restored from a directory", MAX_TOKENS)
    assert np.allclose(first, again, atol=1e-6)  # evicted rows are computed again, the same


def test_a_batch_of_questions_gets_the_vectors_each_gets_alone(embedder: Embedder) -> None:
    texts = [q for q, _ in QUESTIONS] + ["", "rotate logs " * 2000]
    batch = embedder.queries(texts)
    assert batch.shape == (len(texts), embedder.dimension)
    for text, row in zip(texts, batch, strict=True):
        assert np.allclose(row, embedder.query(text), atol=1e-5)
    assert embedder.queries([]).shape == (0, embedder.dimension)
