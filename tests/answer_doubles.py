"""What an answer-pipeline double needs besides ``answer``: the batch entry point
the server calls (``Answerer.answers``), answering each question alone."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from resolvers.pipeline.errors import BadQuestion
from resolvers.pipeline.records import Answer


class OneAtATime:
    def answer(self, question: str, limit: int = 5) -> Answer:
        raise NotImplementedError

    def answers(self, questions: Sequence[tuple[str, int]]) -> Iterator[Answer | BadQuestion]:
        for question, limit in questions:
            try:
                yield self.answer(question, limit)
            except BadQuestion as exc:
                yield exc
