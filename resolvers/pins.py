"""The curation fields: ``pinAnswer``, ``unpinAnswer``, ``pinnedAnswers``. Thin
adapters over ``resolvers/pipeline/pins.py``.

Editors pin (``resolvers/policy.py``); the curator of a pin is the subject of
the token that set it. Every change, and every refused attempt, is a
knowledge edit in the audit trail. A change takes effect at once in this
process (``Answerer.pins_changed``) and within the answer pipeline's
freshness interval in every other process of the graph.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool

from resolvers import audit
from resolvers.context import Context
from resolvers.errors import Forbidden, InvalidArgument
from resolvers.identity import Identity
from resolvers.pipeline import pins
from resolvers.pipeline.errors import BadPin
from resolvers.pipeline.pins import Pin
from resolvers.policy import Operation


def _identity(context: Context, operation: Operation) -> Identity:
    if context.identity is None:
        raise Forbidden(operation.value)
    return context.identity


async def pin_answer(
    context: Context, pattern: str, answer: str, language: str,
    citations: list[str] | None, pin_id: str | None,
) -> Pin:  # fmt: skip
    identity = _identity(context, Operation.PIN_ANSWER)

    def write() -> tuple[Pin, bool]:
        return pins.pin(context.store, pattern, answer, language, identity.subject,
                        citations, existing=pin_id)  # fmt: skip

    try:
        made, replaced = await run_in_threadpool(write)
    except BadPin as exc:
        await audit.knowledge_edit(context, "pin.set", pin_id or pattern[:200],
                                   f"refused: {exc.argument}")  # fmt: skip
        raise InvalidArgument(exc.argument, exc.problem) from exc
    context.answerer.pins_changed()
    await audit.knowledge_edit(context, "pin.set", made.id, "replaced" if replaced else "created")
    return made


async def unpin_answer(context: Context, pin_id: str) -> Pin:
    _identity(context, Operation.PIN_ANSWER)
    try:
        gone = await run_in_threadpool(pins.unpin, context.store, pin_id)
    except BadPin as exc:
        await audit.knowledge_edit(context, "pin.remove", pin_id[:200], "refused: not found")
        raise InvalidArgument(exc.argument, exc.problem) from exc
    context.answerer.pins_changed()
    await audit.knowledge_edit(context, "pin.remove", gone.id, "removed")
    return gone


async def pinned_answers(context: Context) -> list[Pin]:
    _identity(context, Operation.PINNED_ANSWERS)
    return await run_in_threadpool(pins.pinned, context.store)
