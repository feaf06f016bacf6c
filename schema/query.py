"""The root Query type: arguments and result types here, the work in ``resolvers/``.

Each field checks nothing and computes nothing itself: it hands the typed
context and its arguments to a resolver, which returns plain records, and
maps them to the GraphQL types with their ``from_record``. So ``resolvers/``
never imports ``schema/`` (layers point one way). Every field and mutation
names the operation it performs for the permission check
(``schema/permissions.py``, the table in ``resolvers/policy.py``).
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.file_uploads import Upload

from resolvers import ask as asking
from resolvers import audit, catalog, conversations, pins, revocation
from resolvers.ask import MAX_LIMIT
from resolvers.catalog import MAX_PAGE
from resolvers.context import Context
from resolvers.errors import Forbidden, InvalidArgument
from resolvers.policy import Operation
from resolvers.stats import stats as graph_stats
from schema import routing
from schema.answer import Answer
from schema.audit import AuditRecord
from schema.conversation import Conversation, MessageResult, Turn
from schema.error_code import ErrorCode
from schema.errors import InvalidQuestion
from schema.log_template import LogTemplate
from schema.permissions import allowed
from schema.pinned_answer import PinnedAnswer
from schema.stats import Stats
from schema.thread import Thread
from schema.ticket import Ticket
from schema.viewer import Viewer

Info = strawberry.Info[Context, None]
QuestionArg = Annotated[
    str, strawberry.argument(description="The question, in English or Chinese.")
]
AskLimitArg = Annotated[
    int, strawberry.argument(description=f"Most citations to return (1 to {MAX_LIMIT}).")
]
LimitArg = Annotated[int, strawberry.argument(description=f"Page size, 1 to {MAX_PAGE}.")]
OffsetArg = Annotated[int, strawberry.argument(description="Items to skip, 0 or more.")]
ProductArg = Annotated[
    str | None,
    strawberry.argument(description='Only this product\'s codes ("NimbusDB", any case).'),
]


async def ask(info: Info, question: QuestionArg, limit: AskLimitArg = 5) -> Answer:
    return Answer.from_record(await asking.answer(info.context, question, limit))


async def ask_result(
    info: Info, question: QuestionArg, limit: AskLimitArg = 5
) -> Annotated[Answer | InvalidQuestion, strawberry.union("AskResult")]:
    try:
        return Answer.from_record(await asking.answer(info.context, question, limit))
    except InvalidArgument as exc:
        return InvalidQuestion.from_record(exc)


async def stats(info: Info) -> Stats:
    found, backend = await graph_stats(info.context)
    return Stats.from_record(found, backend)


async def tickets(info: Info, limit: LimitArg = 20, offset: OffsetArg = 0) -> list[Ticket]:
    return [Ticket.from_record(r) for r in await catalog.tickets(info.context, limit, offset)]


async def ticket(
    info: Info,
    ticket_id: Annotated[
        str, strawberry.argument(name="id", description='Like "ticket:generic:T-1001".')
    ],
) -> Ticket | None:
    row = await catalog.ticket(info.context, ticket_id)
    return Ticket.from_record(row) if row else None


async def tickets_by_personal_data(
    info: Info,
    value: Annotated[
        str,
        strawberry.argument(
            description="A phone number, e-mail address, ID-card or card number or IP "
            "address, written any usual way (it is normalised by shape)."
        ),
    ],
    limit: LimitArg = 20,
) -> list[Ticket]:
    rows = await catalog.tickets_by_personal_data(info.context, value, limit)
    return [Ticket.from_record(r) for r in rows]


async def threads(info: Info, limit: LimitArg = 20, offset: OffsetArg = 0) -> list[Thread]:
    return [Thread.from_record(r) for r in await catalog.threads(info.context, limit, offset)]


async def thread(
    info: Info,
    thread_id: Annotated[
        str,
        strawberry.argument(name="id", description='Like "thread:dba.stackexchange.com:1".'),
    ],
) -> Thread | None:
    row = await catalog.thread(info.context, thread_id)
    return Thread.from_record(row) if row else None


async def error_codes(
    info: Info, product: ProductArg = None, limit: LimitArg = 20, offset: OffsetArg = 0
) -> list[ErrorCode]:
    rows = await catalog.error_codes(info.context, product, limit, offset)
    return [ErrorCode.from_record(r) for r in rows]


async def error_code(
    info: Info,
    code: Annotated[str, strawberry.argument(description='e.g. "NDB-1001", "40P01".')],
    product: ProductArg = None,
) -> list[ErrorCode]:
    rows = await catalog.error_code(info.context, code, product)
    return [ErrorCode.from_record(r) for r in rows]


async def log_templates(
    info: Info, limit: LimitArg = 20, offset: OffsetArg = 0
) -> list[LogTemplate]:
    rows = await catalog.log_templates(info.context, limit, offset)
    return [LogTemplate.from_record(r) for r in rows]


def viewer(info: Info) -> Viewer:
    if info.context.identity is None:
        raise Forbidden(Operation.VIEWER.value)
    return Viewer.from_record(info.context.identity)


async def audit_trail(
    info: Info,
    limit: Annotated[
        int, strawberry.argument(description=f"Records, 1 to {audit.MAX_SHOWN}.")
    ] = 50,
) -> list[AuditRecord]:
    return [AuditRecord.from_record(r) for r in await audit.audit_trail(info.context, limit)]


async def revoke_token(
    info: Info,
    token_id: Annotated[
        str, strawberry.argument(name="id", description="The token's id (32 hex characters).")
    ],
) -> bool:
    return await revocation.revoke_token(info.context, token_id)


async def conversation(
    info: Info,
    conversation_id: Annotated[
        strawberry.ID, strawberry.argument(name="id", description='Like "conversation:<hex>".')
    ],
) -> Conversation | None:
    row = await conversations.conversation(info.context, str(conversation_id))
    return Conversation.from_row(row) if row else None


async def send_message(
    info: Info,
    text: Annotated[str, strawberry.argument(description="The message, in English or Chinese.")],
    conversation_id: Annotated[
        strawberry.ID | None,
        strawberry.argument(description="The conversation; leave it out to start one."),
    ] = None,
    attachments: Annotated[
        list[Upload] | None,
        strawberry.argument(
            description="Screenshots (PNG, JPEG ...) and text logs or stack traces "
            "(multipart request)."
        ),
    ] = None,
) -> MessageResult:
    cid = str(conversation_id) if conversation_id is not None else None
    # strawberry types Upload as bytes; on Starlette each is an UploadFile.
    files: list[Any] = list(attachments or [])
    state = await conversations.send_message(info.context, cid, text, files)
    return MessageResult.from_record(state)


async def close_conversation(
    info: Info,
    conversation_id: Annotated[strawberry.ID, strawberry.argument(name="id")],
    resolution: Annotated[str, strawberry.argument(description="How it ended, for the record.")],
) -> Conversation:
    row = await conversations.close_conversation(info.context, str(conversation_id), resolution)
    return Conversation.from_row(row)


async def feedback(
    info: Info,
    turn_id: Annotated[strawberry.ID, strawberry.argument(description="A turn of yours.")],
    helpful: bool | None = None,
    resolved: bool | None = None,
    csat: Annotated[int | None, strawberry.argument(description="1 to 5.")] = None,
    comment: str | None = None,
) -> Turn:
    row = await conversations.feedback(info.context, str(turn_id), helpful, resolved, csat, comment)
    return Turn.from_row(row)


async def pinned_answers(info: Info) -> list[PinnedAnswer]:
    return [PinnedAnswer.from_record(p) for p in await pins.pinned_answers(info.context)]


async def pin_answer(
    info: Info,
    pattern: Annotated[
        str,
        strawberry.argument(
            description='What a question must say: terms (all, any order), "phrases", '
            "a|b alternatives, -word to exclude; case, width and punctuation do not matter."
        ),
    ],
    answer: Annotated[str, strawberry.argument(description="The answer, as it is to be given.")],
    language: Annotated[str, strawberry.argument(description='"en" or "zh".')],
    citations: Annotated[
        list[strawberry.ID] | None,
        strawberry.argument(description="Ids of sections and error codes the answer rests on."),
    ] = None,
    pin_id: Annotated[
        strawberry.ID | None,
        strawberry.argument(
            name="id",
            description="The pin to replace; without it, the pin of the same "
            "pattern is replaced, or a new one made.",
        ),
    ] = None,
) -> PinnedAnswer:
    cited = [str(c) for c in citations] if citations is not None else None
    made = await pins.pin_answer(info.context, pattern, answer, language, cited,
                                 str(pin_id) if pin_id is not None else None)  # fmt: skip
    return PinnedAnswer.from_record(made)


async def unpin_answer(
    info: Info, pin_id: Annotated[strawberry.ID, strawberry.argument(name="id")]
) -> PinnedAnswer:
    return PinnedAnswer.from_record(await pins.unpin_answer(info.context, str(pin_id)))


@strawberry.type(description="Questions to the support knowledge graph.")
class Query:
    ask = strawberry.field(
        resolver=ask,
        permission_classes=allowed(Operation.ASK),
        description="Answer a support question from the knowledge graph, with citations.",
    )
    ask_result = strawberry.field(
        resolver=ask_result,
        permission_classes=allowed(Operation.ASK),
        description="Like `ask`, but bad input comes back as an `InvalidQuestion` value.",
    )
    stats = strawberry.field(
        resolver=stats,
        permission_classes=allowed(Operation.STATS),
        description="Count the graph's nodes per label, and its edges.",
    )
    tickets = strawberry.field(
        resolver=tickets,
        permission_classes=allowed(Operation.TICKETS),
        description="Live tickets, newest first.",
    )
    ticket = strawberry.field(
        resolver=ticket,
        permission_classes=allowed(Operation.TICKETS),
        description="One ticket by id (also a retired one), or null.",
    )
    tickets_by_personal_data = strawberry.field(
        resolver=tickets_by_personal_data,
        permission_classes=allowed(Operation.PERSONAL_LOOKUP),
        description="Tickets by an exact personal value, through the blind index "
        "(HMAC-SM3): the value is never stored. Customers and agents, in their scope; "
        "audited as a personal-data read.",
    )
    threads = strawberry.field(
        resolver=threads,
        permission_classes=allowed(Operation.THREADS),
        description="Live community threads, newest first.",
    )
    thread = strawberry.field(
        resolver=thread,
        permission_classes=allowed(Operation.THREADS),
        description="One thread by id (also a retired one), or null.",
    )
    error_codes = strawberry.field(
        resolver=error_codes,
        permission_classes=allowed(Operation.ERROR_CODES),
        description="Live error codes by code, optionally of one product.",
    )
    error_code = strawberry.field(
        resolver=error_code,
        permission_classes=allowed(Operation.ERROR_CODES),
        description="A code as each product defines it (codes repeat across products); "
        "empty if unknown.",
    )
    log_templates = strawberry.field(
        resolver=log_templates,
        permission_classes=allowed(Operation.LOG_TEMPLATES),
        description="Log templates, most frequent first.",
    )
    viewer = strawberry.field(
        resolver=viewer,
        permission_classes=allowed(Operation.VIEWER),
        description="Who the request's token says the caller is.",
    )
    audit_trail = strawberry.field(
        resolver=audit_trail,
        permission_classes=allowed(Operation.AUDIT),
        description="The audit trail's newest records, newest first (auditors only).",
    )
    conversation = strawberry.field(
        resolver=conversation,
        permission_classes=allowed(Operation.CONVERSATIONS),
        description="A conversation's turns, state and handoff; null when there is none "
        "the caller may read (customers: their own; agents: escalated ones of their queue).",
    )
    pinned_answers = strawberry.field(
        resolver=pinned_answers,
        permission_classes=allowed(Operation.PINNED_ANSWERS),
        description="Every pinned answer, by id, with the facts it cites that are still live.",
    )
    my_assignments = strawberry.field(
        resolver=routing.my_assignments,
        permission_classes=allowed(Operation.ROUTING_WORK),
        description="The caller's open assignments (agents), oldest first.",
    )
    routing_decisions = strawberry.field(
        resolver=routing.routing_decisions,
        permission_classes=allowed(Operation.ROUTING_DECISIONS),
        description="Why a ticket went where: each placement's step, policy and score terms "
        "(agents: tickets assigned to them).",
    )


@strawberry.type(description="Changes: what the caller's role may do to the graph.")
class Mutation:
    revoke_token = strawberry.mutation(
        resolver=revoke_token,
        permission_classes=allowed(Operation.REVOKE_TOKEN),
        description="Revoke an API token by its id, at once for every server of the graph "
        "(admins). True when it was not revoked before.",
    )
    send_message = strawberry.mutation(
        resolver=send_message,
        permission_classes=allowed(Operation.SEND_MESSAGE),
        description="A customer's message (a new conversation without conversationId), "
        "answered while the bot holds the conversation and escalated to a person by the "
        "rules; or an agent's reply to an escalated conversation.",
    )
    close_conversation = strawberry.mutation(
        resolver=close_conversation,
        permission_classes=allowed(Operation.CLOSE_CONVERSATION),
        description="Close a conversation (and its handoff ticket) with a resolution.",
    )
    feedback = strawberry.mutation(
        resolver=feedback,
        permission_classes=allowed(Operation.FEEDBACK),
        description="A customer's verdict on a turn of their conversation: helpful, "
        "resolved, CSAT 1-5, a comment.",
    )
    pin_answer = strawberry.mutation(
        resolver=pin_answer,
        permission_classes=allowed(Operation.PIN_ANSWER),
        description="Pin an answer to a question pattern, or replace a pin (editors): matching "
        "questions get it first, with full confidence, cited to its curator. Audited.",
    )
    unpin_answer = strawberry.mutation(
        resolver=unpin_answer,
        permission_classes=allowed(Operation.PIN_ANSWER),
        description="Remove a pinned answer (editors); returns it as it was. Audited.",
    )
    set_agent_status = strawberry.mutation(
        resolver=routing.set_agent_status,
        permission_classes=allowed(Operation.ROUTING_WORK),
        description="Set an agent's status: available, busy or away.",
    )
    accept_ticket = strawberry.mutation(
        resolver=routing.accept_ticket,
        permission_classes=allowed(Operation.ROUTING_WORK),
        description="Accept an assigned ticket (it becomes in progress).",
    )
    resolve_ticket = strawberry.mutation(
        resolver=routing.resolve_ticket,
        permission_classes=allowed(Operation.ROUTING_WORK),
        description="Resolve an assigned ticket; the outcome teaches the router. "
        "Returns how many skill records learned from it.",
    )
    transfer_ticket = strawberry.mutation(
        resolver=routing.transfer_ticket,
        permission_classes=allowed(Operation.ROUTING_WORK),
        description="Give an assigned ticket back: it is routed again, to someone else.",
    )
    override_assignment = strawberry.mutation(
        resolver=routing.override_assignment,
        permission_classes=allowed(Operation.OVERRIDE),
        description="Put a ticket with an agent whatever the router would choose (experts).",
    )
    route_ticket = strawberry.mutation(
        resolver=routing.route_ticket,
        permission_classes=allowed(Operation.ROUTE),
        description="Route a ticket now (experts): needs, fallback steps, the policy.",
    )
