"""A learned reading of each customer turn: does it call for a person, and why.

The cue lists of ``rules.toml`` know wordings; a customer who says the same
thing in other words gets past them. This reader sees a turn two ways and
averages them:

- the way the multilingual sentence encoder does (``extractors/text/embedding.py``:
  Chinese and English in one space), beside the customer's previous turn and the
  turn's position: what the turn means;
- as its character 1-4-grams within words (TF-IDF, sublinear counts): how it is
  written, which carries what a sentence vector smooths away (a "?!" run, a
  slang word, a typo of a known word, a Chinese phrase the encoder splits).

Each is a multinomial logistic regression giving the probability of each
escalation rule (``request``, ``emotion``, ``complexity``, ``unresolved``)
against ``none``; their mean is the reading. Trained by ``reader_training.py``;
the weights ship in ``data/escalation_reader.json`` (the n-gram vocabulary and
its IDF included), so nothing trains at run time and numpy is all it needs.
``bench/escalation_reader.py`` validates it leave one conversation set out.

The decision stays the state machine's (``escalation.py``): the reader is
consulted after the configured rules, only when none fired, and fires when the
chance that the turn is not ``none`` reaches the threshold the training chose
(the highest recall at no more than 5% false escalations in cross-validation),
recording its probability as the evidence.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from extractors.text import embedding

WEIGHTS = Path(__file__).with_name("data") / "escalation_reader.json"
NONE = "none"
CLASSES = (NONE, "request", "emotion", "complexity", "unresolved")
PREVIOUS_WEIGHT = 0.5  # the previous turn is context, not the message itself
FIRST_TURN = "-"  # what stands for "no previous turn" (an empty text has no vector)
NGRAMS = (1, 4)  # character n-gram lengths within words


@dataclass(frozen=True)
class Reading:
    rule: str  # the most likely rule other than none
    probability: float  # that the turn is not none
    threshold: float

    @property
    def fires(self) -> bool:
        return self.probability >= self.threshold

    def evidence(self) -> str:
        return (
            f"learned reading: the turn calls for a person with p={self.probability:.2f} "
            f">= {self.threshold:.2f} (most like {self.rule})"
        )


def position(index: int) -> list[float]:
    """The turn's place: first, second, or later (0-based customer turn index)."""
    return [float(index == 0), float(index == 1), float(index >= 2)]


def features(vectors: np.ndarray, index: int) -> np.ndarray:
    """One turn's features from the vectors of (turn, previous turn)."""
    return np.concatenate([vectors[0], vectors[1] * PREVIOUS_WEIGHT, position(index)])


def encode(texts: Sequence[str]) -> np.ndarray:
    return embedding.shared().passages([t.strip() or FIRST_TURN for t in texts])


def char_grams(text: str, low: int = NGRAMS[0], high: int = NGRAMS[1]) -> list[str]:
    """Character n-grams within words, each word padded with a space on both sides
    (scikit-learn's ``char_wb`` analyzer, which trains the weights: a word shorter
    than n gives itself once, padded)."""
    out: list[str] = []
    for word in text.lower().split():
        padded = f" {word} "
        for n in range(low, high + 1):
            out.extend(padded[i : i + n] for i in range(max(1, len(padded) - n + 1)))
            if len(padded) <= n:
                break
    return out


@dataclass(frozen=True)
class Linear:
    """A multinomial logistic regression: classes x features, and intercepts."""

    coef: np.ndarray
    intercept: np.ndarray


def softmax(z: np.ndarray) -> np.ndarray:
    z = np.exp(z - z.max())
    return np.asarray(z / z.sum())


@dataclass(frozen=True)
class Grams:
    """The character n-gram reading: a TF-IDF vector (sublinear counts, L2 norm) of
    the turn over a fixed vocabulary, and its regression."""

    index: dict[str, int]
    idf: np.ndarray
    linear: Linear

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        counts = Counter(g for g in char_grams(text) if g in self.index)
        at = np.fromiter((self.index[g] for g in counts), dtype=np.intp, count=len(counts))
        tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
        values = tf * self.idf[at]
        norm = float(np.linalg.norm(values))
        return at, values / norm if norm else values

    def probabilities(self, text: str) -> np.ndarray:
        at, values = self.vector(text)
        return softmax(self.linear.coef[:, at] @ values + self.linear.intercept)


@dataclass(frozen=True)
class Model:
    coef: np.ndarray  # the sentence-vector regression: classes x features
    intercept: np.ndarray
    threshold: float
    meta: dict[str, Any]
    grams: Grams | None = None  # None: the sentence-vector reading alone
    grams_weight: float = 0.5

    def probabilities(self, x: np.ndarray, text: str | None = None) -> np.ndarray:
        """Class probabilities from a turn's sentence features (and its text, for
        the n-gram reading when the model has one)."""
        p = softmax(self.coef @ x + self.intercept)
        if self.grams is None or text is None:
            return p
        w = self.grams_weight
        return np.asarray((1.0 - w) * p + w * self.grams.probabilities(text))

    def read(self, text: str, previous: str, index: int) -> Reading:
        x = features(encode([text, previous or FIRST_TURN]), index)
        p = self.probabilities(x, text)
        best = 1 + int(np.argmax(p[1:]))
        return Reading(CLASSES[best], float(1.0 - p[0]), self.threshold)

    def to_json(self) -> dict[str, Any]:
        out = {
            **self.meta,
            "classes": list(CLASSES),
            "threshold": round(self.threshold, 4),
            "intercept": _rounded(self.intercept),
            "coef": [_rounded(row) for row in self.coef],
        }
        if self.grams is not None:
            g = self.grams
            out["grams"] = {
                "ngrams": list(NGRAMS),
                "weight": self.grams_weight,
                "vocabulary": sorted(g.index, key=g.index.__getitem__),
                "idf": _rounded(g.idf),
                "intercept": _rounded(g.linear.intercept),
                "coef": [_rounded(row) for row in g.linear.coef],
            }
        return out


def _rounded(values: np.ndarray) -> list[float]:
    return [round(float(v), 5) for v in values]


def from_json(data: dict[str, Any], source: str = "reader weights") -> Model:
    if data.get("classes") != list(CLASSES):
        raise ValueError(f"{source}: classes must be {list(CLASSES)}, not {data.get('classes')}")
    coef = np.asarray(data["coef"], dtype=np.float64)
    intercept = np.asarray(data["intercept"], dtype=np.float64)
    width = 2 * embedding.DIMENSION + len(position(0))
    if coef.shape != (len(CLASSES), width) or intercept.shape != (len(CLASSES),):
        raise ValueError(f"{source}: coef must be {len(CLASSES)}x{width}, not {coef.shape}")
    meta = {k: v for k, v in data.items() if k not in ("classes", "coef", "intercept", "grams")}
    if "grams" not in data:
        return Model(coef, intercept, float(data["threshold"]), meta)
    g = data["grams"]
    if g.get("ngrams") != list(NGRAMS):
        raise ValueError(f"{source}: grams.ngrams must be {list(NGRAMS)}, not {g.get('ngrams')}")
    vocabulary = list(g["vocabulary"])
    idf = np.asarray(g["idf"], dtype=np.float64)
    g_coef = np.asarray(g["coef"], dtype=np.float64)
    g_intercept = np.asarray(g["intercept"], dtype=np.float64)
    size = len(vocabulary)
    if (
        idf.shape != (size,)
        or g_coef.shape != (len(CLASSES), size)
        or g_intercept.shape != (len(CLASSES),)
    ):
        raise ValueError(
            f"{source}: grams.coef must be {len(CLASSES)}x{size} and grams.idf {size} long "
            f"(the vocabulary's size), not {g_coef.shape} and {idf.shape}"
        )
    weight = float(g["weight"])
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"{source}: grams.weight must be within 0..1, not {weight}")
    grams = Grams({v: i for i, v in enumerate(vocabulary)}, idf, Linear(g_coef, g_intercept))
    return Model(coef, intercept, float(data["threshold"]), meta, grams, weight)


@lru_cache(maxsize=1)
def shipped() -> Model | None:
    """The shipped model, or None when the encoder is not installed."""
    if not embedding.available():
        return None
    return from_json(json.loads(WEIGHTS.read_text(encoding="utf-8")), str(WEIGHTS))


def warm_up() -> None:
    """Load the encoder and the weights before the first customer waits for them
    (about a second, once per process)."""
    model = shipped()
    if model is not None:
        model.read("How do I configure this?", "", 0)
