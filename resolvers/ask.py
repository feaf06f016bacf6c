"""The ``ask`` and ``askResult`` fields: a question in, an answer record out.

The answer pipeline is blocking: CPU work, computed on the event loop one
answer at a time in batches (``answer_lane``), or an LLM call, on the shared
pool so the loop keeps serving other requests meanwhile.
Input is checked here, before any work, so the error names the GraphQL
argument; the pipeline's own ``BadQuestion`` is reported the same way.
"""

from __future__ import annotations

from collections.abc import Callable

from resolvers import answer_lane, redaction
from resolvers.context import Context
from resolvers.errors import Forbidden, InvalidArgument
from resolvers.pipeline import records
from resolvers.pipeline.answerer import Answerer
from resolvers.pipeline.errors import BadQuestion
from resolvers.policy import Operation, mixed_text_in_clear

MAX_LIMIT = 20


def checked_question(question: str, max_chars: int) -> str:
    text = question.strip()
    if not text:
        raise InvalidArgument("question", "is empty; ask a question in words")
    if len(text) > max_chars:
        raise InvalidArgument(
            "question", f"is too long: {len(text)} characters, the limit is {max_chars}"
        )
    return text


def checked_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidArgument("limit", f"must be between 1 and {MAX_LIMIT}, not {limit}")
    return limit


async def answer(context: Context, question: str, limit: int) -> records.Answer:
    if context.identity is None:
        raise Forbidden(Operation.ASK.value)
    text = checked_question(question, context.max_question_chars)
    limit = checked_limit(limit)
    clear = mixed_text_in_clear(context.identity)
    finish = _unchanged if clear else redaction.answer
    try:
        if getattr(context.answerer, "llm", None) is not None:  # doubles have none
            return await answer_lane.run(_answered, context.answerer, text, limit, finish)
        return await answer_lane.answer(context.answerer, text, limit, finish)
    except BadQuestion as exc:
        raise InvalidArgument(exc.argument, exc.problem) from exc


def _answered(
    answerer: Answerer, text: str, limit: int, finish: Callable[[records.Answer], records.Answer]
) -> records.Answer:
    """The answer, masked in the same worker thread: masking is CPU work the
    event loop would otherwise do while other requests wait."""
    return finish(answerer.answer(text, limit))


def _unchanged(found: records.Answer) -> records.Answer:
    return found
