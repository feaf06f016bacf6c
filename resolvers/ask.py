"""The ``ask`` and ``askResult`` fields: a question in, an answer with citations out.

The answer pipeline is blocking (graph queries, maybe an LLM call), so it runs
in Starlette's thread pool and the event loop keeps serving other requests.
Input is checked here, before any work, so the error names the GraphQL
argument; the pipeline's own ``ValueError`` for bad questions is reported
the same way.
"""

from __future__ import annotations

import re
from typing import Annotated

import strawberry
from starlette.concurrency import run_in_threadpool

from api.context import Context
from resolvers import types as records
from schema.answer import Answer
from schema.errors import InvalidArgument, InvalidQuestion

MAX_LIMIT = 20
_NAMED = re.compile(r"^(\w+): (.+)$", re.S)

QuestionArg = Annotated[
    str, strawberry.argument(description="The question, in English or Chinese.")
]
LimitArg = Annotated[
    int, strawberry.argument(description=f"Most citations to return (1 to {MAX_LIMIT}).")
]


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


async def answer_record(context: Context, question: str, limit: int) -> records.Answer:
    text = checked_question(question, context.settings.max_question_chars)
    limit = checked_limit(limit)
    try:
        return await run_in_threadpool(context.answerer.answer, text, limit)
    except ValueError as exc:  # the pipeline's documented signal for a bad question
        raise invalid_argument(exc) from exc


def invalid_argument(exc: ValueError) -> InvalidArgument:
    """The pipeline says ``"limit: must be ..."``; keep the argument it names."""
    m = _NAMED.match(str(exc))
    if m and m.group(1) in ("question", "limit"):
        return InvalidArgument(m.group(1), m.group(2))
    return InvalidArgument("question", str(exc))


async def ask(
    info: strawberry.Info[Context, None], question: QuestionArg, limit: LimitArg = 5
) -> Answer:
    """Answer a support question from the knowledge graph, with citations."""
    return Answer.from_record(await answer_record(info.context, question, limit))


async def ask_result(
    info: strawberry.Info[Context, None], question: QuestionArg, limit: LimitArg = 5
) -> Annotated[Answer | InvalidQuestion, strawberry.union("AskResult")]:
    """Like ``ask``, but bad input comes back as an ``InvalidQuestion`` value."""
    try:
        return await ask(info, question, limit)
    except InvalidArgument as exc:
        return InvalidQuestion.from_record(exc)
