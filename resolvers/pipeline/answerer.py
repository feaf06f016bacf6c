"""question -> language, entities -> retrieval and fused ranking -> synthesis -> answer."""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from langchain_core.language_models.chat_models import BaseChatModel

from extractors.text.embedding import Embedder
from graph.store import Store
from resolvers.pipeline.cache import AnswerCache, Key, cache_key
from resolvers.pipeline.compose import compose, passage
from resolvers.pipeline.confidence import THRESHOLD
from resolvers.pipeline.confidence import confidence as score_confidence
from resolvers.pipeline.dense import DenseIndex, one_blas_thread
from resolvers.pipeline.errors import BadQuestion
from resolvers.pipeline.linking import Linker
from resolvers.pipeline.pinboard import PinBoard
from resolvers.pipeline.pins import Pin, answer_of
from resolvers.pipeline.question import Carried, Question, analyse, attach, inherit
from resolvers.pipeline.records import Answer, Citation
from resolvers.pipeline.retrieval import DENSE_SECTIONS, Candidate, retrieve
from resolvers.pipeline.synthesis import with_llm
from resolvers.pipeline.termindex import TermIndex

log = logging.getLogger(__name__)
MAX_QUESTION_CHARS = 2000
FRESHNESS_SECONDS = 5.0
DENSE_SYNC_SECONDS = 10.0  # embeddings that landed since are fetched in the background
CACHE_SIZE = 1024
SNIPPET_CHARS = 300
MAX_SNIPPET_CHARS = 800


class Answerer:
    def __init__(
        self, store: Store, llm: BaseChatModel | None = None,
        max_question_chars: int = MAX_QUESTION_CHARS, cache_size: int = CACHE_SIZE,
        embedder: Embedder | None = None,
    ) -> None:  # fmt: skip
        self.store = store
        self.embedder = embedder
        self.dense = DenseIndex(embedder.name, embedder.dimension) if embedder else None
        self._dense_synced = time.monotonic()
        self._dense_busy = threading.Lock()
        self.llm = llm
        self.max_question_chars = max_question_chars
        self._lock = threading.Lock()
        self.linker = Linker(store)
        self.terms = TermIndex(store)
        self._checked = time.monotonic()
        self.cache = AnswerCache(cache_size)
        self.pins = PinBoard(store)
        if self.dense is not None:
            self.dense.sync(store)
        _freeze_heap()

    def warm_up(self) -> None:
        """Load what the first question of each language would otherwise load
        while a client waits (jieba's dictionary, the Chinese-English and
        everyday-frequency tables, spaCy's tokenizers): about a second, once
        per process, before the service takes requests."""
        for text in ("How do I configure this?", "这个怎么配置？"):  # no LLM call
            q = analyse(text, self.linker, self.terms.knows_code, self._embed())
            ranked = retrieve(self.store, self.terms, q, 1, self.dense)
            compose(q, ranked, score_confidence(q, ranked, self.terms) >= THRESHOLD)

    def _refresh_if_stale(self) -> None:
        """Another process (``graphdesk ingest``, an editor's pin) may have changed
        the graph: look at most every few seconds, with small queries on a thread
        of their own, and reload if so. The answering thread never waits on the
        graph (a stalled store would hold up every answer behind it), and every
        answer comes from the indexes held until the new ones are built."""
        now = time.monotonic()
        if self.dense is not None and now - self._dense_synced >= DENSE_SYNC_SECONDS:
            self._dense_synced = now
            if self._dense_busy.acquire(blocking=False):
                threading.Thread(target=self._sync_dense, daemon=True).start()
        if now - self._checked < FRESHNESS_SECONDS:
            return
        self._checked = now
        if self._lock.acquire(blocking=False):  # one check (and rebuild) at a time
            threading.Thread(target=self._check_in_background, daemon=True).start()

    def refresh(self) -> None:
        """Reload names, aliases and term statistics (and embeddings) from the graph
        (after an ingest)."""
        with self._lock:
            self._rebuild()
        if self.dense is not None and self.dense.sync(self.store):
            self.cache.clear()

    def pins_changed(self) -> None:
        """A pin was added, replaced or removed through this process: answer by the
        new pins at once (other processes notice within FRESHNESS_SECONDS)."""
        self.pins.refresh()

    def _sync_dense(self) -> None:
        try:
            assert self.dense is not None
            if self.dense.sync(self.store):
                self.cache.clear()  # answers may change with the new vectors
        except Exception as exc:  # a failed sync keeps the vectors held; try again later
            log.warning("could not read the sections' embeddings: %s", exc)
        finally:
            self._dense_busy.release()

    def _embed(self) -> Callable[[str], np.ndarray] | None:
        if self.embedder is None or self.dense is None or not len(self.dense):
            return None
        return self.embedder.query

    def _check_in_background(self) -> None:
        try:
            if self.pins.is_stale():  # pinned or unpinned by another process
                self.pins.refresh()
            if self.terms.is_stale():
                self._rebuild()
        except Exception as exc:  # the held indexes keep answering; the next check tries again
            log.warning("could not check the graph for changes: %s", exc)
        finally:
            self._lock.release()

    def _rebuild(self) -> None:
        linker = Linker(self.store)
        terms = TermIndex(self.store)
        self.linker, self.terms = linker, terms
        self.cache.clear()
        _freeze_heap()

    def answer(self, question: str, limit: int = 5) -> Answer:
        found = next(self.answers([(question, limit)]))
        if isinstance(found, BadQuestion):
            raise found
        return found

    def answers(self, questions: Sequence[tuple[str, int]]) -> Iterator[Answer | BadQuestion]:
        """(question, limit) pairs answered in turn, each as ``answer`` would (a
        bad one yields its ``BadQuestion``). The questions' vectors and nearest
        sections are computed together first: in a busy server most of their
        cost is streaming the encoder's and the matrix's weights from memory,
        read here once for all the questions waiting (``answer_lane``)."""
        self._refresh_if_stale()
        work: list[Answer | BadQuestion | _Asked] = []
        for question, limit in questions:
            try:
                text = self._valid(question, limit)
            except BadQuestion as exc:
                work.append(exc)
                continue
            pin = self.pins.match(text)
            key = cache_key(text, limit, f"{pin.id}@{pin.updated_ms}" if pin else "")
            work.append(self.cache.get(key) or _Asked(text, limit, pin, key))
        asked = [w for w in work if isinstance(w, _Asked)]
        vectors, nearest = self._dense_of([a.text for a in asked])
        at = {id(a): i for i, a in enumerate(asked)}
        for item in work:
            if not isinstance(item, _Asked):
                yield item
                continue
            i = at[id(item)]
            found = self._answer(
                item.text, item.limit, item.pin,
                None if vectors is None else vectors[i], None if nearest is None else nearest[i],
            )  # fmt: skip
            self.cache.put(item.key, found)
            yield found

    def _valid(self, question: str, limit: int) -> str:
        question = (question or "").strip()
        if not question:
            raise BadQuestion("question", "must not be empty")
        if len(question) > self.max_question_chars:
            raise BadQuestion(
                "question",
                f"{len(question)} characters is over the limit of {self.max_question_chars}",
            )
        if not 1 <= limit <= 50:
            raise BadQuestion("limit", f"must be between 1 and 50, not {limit}")
        return question

    def _dense_of(
        self, texts: list[str]
    ) -> tuple[np.ndarray | None, list[list[tuple[str, float]]] | None]:
        """The questions' vectors and nearest sections, in one pass each."""
        if not texts or self._embed() is None:
            return None, None
        assert self.embedder is not None and self.dense is not None
        with one_blas_thread():
            vectors = self.embedder.queries(texts)
            return vectors, self.dense.nearest_many(vectors, DENSE_SECTIONS)

    def answer_in_context(
        self,
        question: str,
        limit: int = 5,
        context: Carried | None = None,
        on_token: Callable[[str], None] | None = None,
        attached: Carried | None = None,
    ) -> tuple[Answer, Question]:
        """An answer to one turn of a conversation, and the turn's analysed query.

        The query inherits ``context``'s error codes and products where it names
        none of its own ("it still fails" after a turn that named a code); the
        answer is not cached (it depends on the turns before). The question is
        cut at the length limit rather than refused: a conversation's turn may
        carry an attachment's text after the customer's own words. ``on_token``
        receives the LLM's reply as it is written, when an LLM is configured.
        A turn that matches a pinned answer gets the pin (nothing streams then).
        ``attached``: what the turn's attachments point to beyond their text (codes,
        products, components of matched log templates), the turn's own entities.
        """
        question = (question or "").strip()[: self.max_question_chars]
        if not question:
            raise BadQuestion("text", "must not be empty")
        self._refresh_if_stale()
        with one_blas_thread():
            q = analyse(question, self.linker, self.terms.knows_code, self._embed())
            if attached is not None:
                q = attach(q, attached, self.linker.products)
            if context is not None:
                q = inherit(q, context, self.linker.products)
            candidates = retrieve(self.store, self.terms, q, limit, self.dense)
        pin = self.pins.match(question)
        return self._complete(q, question, candidates, on_token, pin, limit), q

    def _answer(
        self, question: str, limit: int, pin: Pin | None = None,
        vector: np.ndarray | None = None, nearest: list[tuple[str, float]] | None = None,
    ) -> Answer:  # fmt: skip
        # The question's vector and its comparison are small matrix products:
        # on this thread only (waking BLAS's own threads for each costs more).
        embed = self._embed() if vector is None else (lambda _text: vector)
        with one_blas_thread():
            q = analyse(question, self.linker, self.terms.knows_code, embed)
            candidates = retrieve(self.store, self.terms, q, limit, self.dense, nearest)
        return self._complete(q, question, candidates, pin=pin, limit=limit)

    def _complete(
        self,
        q: Question,
        question: str,
        candidates: list[Candidate],
        on_token: Callable[[str], None] | None = None,
        pin: Pin | None = None,
        limit: int = 5,
    ) -> Answer:
        lang = q.language
        qtokens = set(q.tokens)
        citations = [_citation(c, qtokens) for c in candidates]
        if pin is not None:  # the editor's text as written: no composing, no LLM
            return answer_of(pin, question, citations, limit, lang, q.entities)
        confidence = score_confidence(q, candidates, self.terms)
        confident = confidence >= THRESHOLD
        composed = compose(q, candidates, confident)
        if self.llm is not None and citations:
            try:
                text = with_llm(self.llm, question, citations, lang, on_token)
                mode = "llm"
            except Exception as exc:  # the model is optional: fall back, say so in the log
                log.warning("LLM synthesis failed, answering extractively: %s", exc)
                text, mode = composed, "extractive"
        else:
            text, mode = composed, "extractive"
        return Answer(
            question=question, text=text, mode=mode, confidence=confidence,  # type: ignore[arg-type]
            citations=citations, language=lang, needs_human=not confident,
            entities=q.entities,
        )  # fmt: skip


@dataclass(frozen=True, eq=False)
class _Asked:
    """A question of a batch still to be answered."""

    text: str
    limit: int
    pin: Pin | None
    key: Key


def _freeze_heap() -> None:
    """Move the long-lived index (millions of small objects) out of the garbage
    collector's sight: otherwise every full collection walks it, a ~100 ms stall
    in the middle of some request."""
    gc.collect()
    gc.freeze()


def _citation(c: Candidate, qtokens: set[str]) -> Citation:
    # Pages and threads are long: quote their best passage. Error codes, fixes
    # and ticket solutions are short facts: quote them whole.
    long_text = c.kind in ("document", "thread")
    text = " ".join(passage(c.text, qtokens, SNIPPET_CHARS)) if long_text else c.text
    if len(text) > MAX_SNIPPET_CHARS:  # one enormous sentence: cut at a word
        text = text[:MAX_SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    return Citation(
        kind=c.kind,  # type: ignore[arg-type]
        uri=c.uri, title=c.title, snippet=text or c.text[:SNIPPET_CHARS], score=round(c.score, 4),
        code=c.code, node_id=c.id, version=c.version,
    )  # fmt: skip
