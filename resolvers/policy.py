"""Which role may use which GraphQL operation, which tickets it sees, and in clear or masked.

The one table of the API's authorisation; ``schema/permissions.py`` applies it
to every field and mutation, the ticket resolvers apply the scopes, and
``resolvers/redaction.py`` masks personal data for readers who may not see it
in clear. The README's roles table says the same in words.

Personal data is shown in clear only to the customer it belongs to (their
own tickets and conversations) and to the agents who work it (tickets
assigned to them or in one of their groups, the escalated conversations
they may read); everyone else who may read a ticket gets it masked
(``138****1234``), and answers and log lines, which mix many people's text,
are masked for every role.
"""

from __future__ import annotations

from enum import Enum, StrEnum

from resolvers.identity import Identity, Role


class Operation(StrEnum):
    """What a field does; several fields may share one (``ticket`` and ``tickets``)."""

    ASK = "ask"  # ask, askResult
    STATS = "stats"
    TICKETS = "tickets"  # tickets, ticket
    THREADS = "threads"  # threads, thread
    ERROR_CODES = "errorCodes"  # errorCodes, errorCode
    LOG_TEMPLATES = "logTemplates"
    VIEWER = "viewer"
    REVOKE_TOKEN = "revokeToken"
    AUDIT = "audit"  # the audit trail (issue 9, item 5): auditors only
    SEND_MESSAGE = "sendMessage"  # a customer's message, or an agent's reply
    CONVERSATIONS = "conversation"  # a conversation's history, scoped below
    CLOSE_CONVERSATION = "closeConversation"
    FEEDBACK = "feedback"  # a customer's verdict on a turn of their own conversation
    PERSONAL_LOOKUP = "ticketsByPersonalData"  # the blind index: who reads tickets in clear
    # Routing (issue 11): agents work their assignments; experts supervise.
    ROUTING_WORK = "routingWork"  # myAssignments, set status, accept, resolve, transfer
    ROUTING_DECISIONS = "routingDecisions"  # why a ticket went where
    ROUTE = "routeTicket"  # route (again) now
    OVERRIDE = "overrideAssignment"
    # Curation (issue 10, item 8): editors pin answers to question patterns.
    PIN_ANSWER = "pinAnswer"  # pinAnswer, unpinAnswer
    PINNED_ANSWERS = "pinnedAnswers"


C, A, X, E, P = Role.CUSTOMER, Role.AGENT, Role.EXPERT, Role.EDITOR, Role.PRESALES
KNOWLEDGE = frozenset({C, A, X, E, P})  # the support knowledge every desk role reads
STAFF = frozenset({A, X, E})

ALLOWED: dict[Operation, frozenset[Role]] = {
    Operation.ASK: KNOWLEDGE,
    Operation.THREADS: KNOWLEDGE,
    Operation.ERROR_CODES: KNOWLEDGE,
    Operation.TICKETS: frozenset({C, A, X, E}),  # scoped below
    Operation.LOG_TEMPLATES: STAFF,
    Operation.STATS: STAFF | {Role.ADMIN},
    Operation.VIEWER: frozenset(Role),
    Operation.REVOKE_TOKEN: frozenset({Role.ADMIN}),
    Operation.AUDIT: frozenset({Role.AUDITOR}),
    Operation.SEND_MESSAGE: frozenset({C, A, X}),
    Operation.CONVERSATIONS: frozenset({C, A, X, E}),  # scoped below
    Operation.CLOSE_CONVERSATION: frozenset({A, X}),
    Operation.FEEDBACK: frozenset({C}),
    # An exact lookup by a phone number or e-mail address reveals whose it is:
    # only for the roles that read tickets in clear (tickets_in_clear), in scope.
    Operation.PERSONAL_LOOKUP: frozenset({C, A}),
    Operation.ROUTING_WORK: frozenset({A, X}),
    Operation.ROUTING_DECISIONS: frozenset({A, X}),  # agents: their own tickets' only
    Operation.ROUTE: frozenset({X}),
    Operation.OVERRIDE: frozenset({X}),
    Operation.PIN_ANSWER: frozenset({E}),  # knowledge editors curate; each change audited
    Operation.PINNED_ANSWERS: STAFF,  # the desk sees why a question got a pinned answer
}

# Operations that read personal data (tickets hold customers' messages, the
# audit trail their addresses): what the SM envelope's "personal-data" covers.
PERSONAL_DATA = frozenset(
    {Operation.TICKETS, Operation.AUDIT, Operation.CONVERSATIONS, Operation.PERSONAL_LOOKUP}
)


class TicketScope(Enum):
    ALL = "all"
    RAISED_BY_SUBJECT = "own"  # a customer's own tickets
    QUEUE_OF_SUBJECT = "queue"  # assigned to the agent, or in one of the agent's groups


def may(identity: Identity | None, operation: Operation) -> bool:
    if identity is None:
        return False
    if identity.role is None:
        return True  # development without a token
    return identity.role in ALLOWED[operation]


def ticket_scope(identity: Identity) -> TicketScope:
    if identity.role == Role.CUSTOMER:
        return TicketScope.RAISED_BY_SUBJECT
    if identity.role == Role.AGENT:
        return TicketScope.QUEUE_OF_SUBJECT
    return TicketScope.ALL


def tickets_in_clear(identity: Identity) -> bool:
    """Whether the tickets this identity may read come in clear (else masked)."""
    return identity.development or identity.role in (Role.CUSTOMER, Role.AGENT)


def conversations_in_clear(identity: Identity) -> bool:
    """Whether the conversations this identity may read come in clear: as tickets,
    the customer who holds one and the agents who work its handoff (else masked)."""
    return tickets_in_clear(identity)


def mixed_text_in_clear(identity: Identity) -> bool:
    """Answers and log examples hold many people's text: masked for every role."""
    return identity.development


class ConversationScope(Enum):
    """Which conversations an identity reads (and, for staff, replies to and closes).

    A customer: the conversations they hold. An agent: escalated ones whose
    ticket waits in a queue (unassigned: until routing, issue 11, every agent
    may take one), is assigned to them, or sits in one of their groups; the
    first agent who replies takes the ticket, and it leaves the queue. A
    conversation still with the bot is the customer's own, read by no agent.
    Experts and editors (and development): all.
    """

    OWN = "own"
    ESCALATED_TO_QUEUE = "queue"
    ALL = "all"


def conversation_scope(identity: Identity) -> ConversationScope:
    if identity.role == Role.CUSTOMER:
        return ConversationScope.OWN
    if identity.role == Role.AGENT:
        return ConversationScope.ESCALATED_TO_QUEUE
    return ConversationScope.ALL


def speaks_as(identity: Identity) -> str:
    """Who a ``sendMessage`` comes from: "customer" or "agent" (development: a customer)."""
    return "agent" if identity.role in (Role.AGENT, Role.EXPERT) else "customer"
