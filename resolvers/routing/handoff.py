"""Tickets created by escalation are routed as soon as they are stored.

The conversation desk calls ``route_handoff`` with the new ticket's id
(``Desk.on_handoff``, wired by the service): its needs are computed from
what the conversation named, the router places it, and a ticket placed
with an agent leaves the conversations' waiting queue. A ticket the router
holds (everyone with the skills busy) stays in that queue, where any agent
of it may take it; ``graphdesk routing route`` or ``routeTicket`` tries
again. Routing failing never fails the customer's message: it is logged.
"""

from __future__ import annotations

import logging

from graph.queries import routing as q
from graph.store import Store
from resolvers.pipeline.linking import Linker
from resolvers.routing.config import RoutingConfig
from resolvers.routing.needs import prepare
from resolvers.routing.router import Decision, Router

log = logging.getLogger("graphdesk.routing")


def route_handoff(
    store: Store, linker: Linker | None, config: RoutingConfig, ticket: str
) -> Decision | None:
    try:
        prepare(store, ticket, linker, config)
        decision = Router(store, config).route(ticket)
        if decision.agent is not None:
            store.write(q.LEAVE_HANDOFF_QUEUE, {"ticket": ticket})
        return decision
    except Exception as exc:  # the handoff is stored; routing may be done again later
        log.error("routing: handoff ticket %s not routed: %s", ticket, exc)
        return None
