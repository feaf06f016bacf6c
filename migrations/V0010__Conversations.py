"""Conversations with their turns, and the queue escalated ones wait in (issue 10).

``Conversation``, ``Turn`` and ``Queue`` get a unique ``id`` like every keyed
label; a turn's id is taken once, so two messages sent to one conversation
at the same moment cannot both become its next turn (the second fails and
is told to send again). An index on ``Conversation.state`` for the queue's
escalated conversations.
"""

from graph.dialect import Dialect
from graph.store import Store

LABELS = ["Conversation", "Turn", "Queue"]


def statements(dialect: Dialect) -> list[str]:
    return [dialect.property_index("Conversation", "state")]


def apply(store: Store) -> None:
    for label in LABELS:
        store.require_unique(label)
    for statement in statements(store.dialect):
        store.write(statement)
