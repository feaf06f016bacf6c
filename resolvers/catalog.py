"""Browsing the graph's catalog: tickets, threads, error codes and log templates.

List fields page with ``limit`` (1 to ``MAX_PAGE``) and ``offset``; fetch
fields take an id or code. Arguments are checked before any query so the
GraphQL error names the argument. Each field reads the store in Starlette's
thread pool with a fixed number of statements, however long the page.

Tickets are read as the caller may (``resolvers/policy.py``): a customer
only the tickets they raised, an agent only their queue (assigned to them or
in one of their groups), others all; a ticket outside the caller's scope is
"not found" (null), never "forbidden", so its existence does not leak.
Personal data comes masked unless the policy lets the caller read it in
clear (``resolvers/redaction.py``).
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool

from extractors.text.masking import kind_of
from graph.queries import blind_index as bq
from graph.queries import community as cq
from graph.queries import errorcodes as eq
from graph.queries import logs as lq
from graph.queries import tickets as tq
from graph.store import Store
from graph.types import Params, Row
from resolvers import audit, personal, redaction
from resolvers.context import Context
from resolvers.errors import Forbidden, InvalidArgument
from resolvers.identity import Identity
from resolvers.policy import Operation, TicketScope, mixed_text_in_clear, ticket_scope
from resolvers.policy import tickets_in_clear as clear_tickets

MAX_PAGE = 200


def checked_page(limit: int, offset: int) -> Params:
    """The ``skip``/``limit`` parameters of a list statement."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidArgument("limit", f"must be between 1 and {MAX_PAGE}, not {limit}")
    if offset < 0:
        raise InvalidArgument("offset", f"must be 0 or more, not {offset}")
    return {"skip": offset, "limit": limit}


def checked_text(argument: str, value: str) -> str:
    text = value.strip()
    if not text:
        raise InvalidArgument(argument, "is empty")
    return text


def checked_product(product: str | None) -> str | None:
    return None if product is None else checked_text("product", product)


# --- tickets ---------------------------------------------------------------------


def _complete_tickets(store: Store, found: list[Row], messages: dict[str, list[Row]]) -> list[Row]:
    """Add each ticket's solution and the fixes of tickets sharing a symptom."""
    ids = [t["id"] for t in found]
    if not ids:
        return []
    solutions = {r["ticket"]: r for r in store.read(tq.SOLUTIONS_OF_TICKETS, {"ids": ids})}
    fixes: dict[str, list[Row]] = {}
    for r in store.read(tq.EARLIER_FIXES_OF_TICKETS, {"ids": ids}):
        fixes.setdefault(r["for_ticket"], []).append(r)
    return [
        {
            "ticket": t,
            "messages": messages.get(t["id"], []),
            "solution": solutions.get(t["id"]),
            "earlier_fixes": fixes.get(t["id"], []),
        }
        for t in found
    ]


_PAGES = {
    TicketScope.ALL: tq.TICKETS,
    TicketScope.RAISED_BY_SUBJECT: tq.TICKETS_RAISED_BY,
    TicketScope.QUEUE_OF_SUBJECT: tq.TICKETS_OF_QUEUE,
}
_VISIBLE = {
    TicketScope.RAISED_BY_SUBJECT: tq.TICKET_RAISED_BY,
    TicketScope.QUEUE_OF_SUBJECT: tq.TICKET_IN_QUEUE,
}


def ticket_page(store: Store, page: Params, identity: Identity | None = None) -> list[Row]:
    """A page of the tickets ``identity`` may read (all without one: internal callers)."""
    scope = TicketScope.ALL if identity is None else ticket_scope(identity)
    params = page if identity is None else {**page, "subject": identity.subject}
    found = [r["ticket"] for r in store.read(_PAGES[scope], params)]
    messages: dict[str, list[Row]] = {}
    if found:
        ids = [t["id"] for t in found]
        for r in store.read(tq.MESSAGES_OF_TICKETS, {"ids": ids}):
            messages.setdefault(r["ticket"], []).append(r["message"])
    return _complete_tickets(store, found, messages)


def ticket_by_id(store: Store, tid: str, identity: Identity | None = None) -> Row | None:
    """One ticket, or None when there is none or ``identity`` may not read it."""
    scope = TicketScope.ALL if identity is None else ticket_scope(identity)
    if (
        identity is not None
        and scope is not TicketScope.ALL
        and not store.read(_VISIBLE[scope], {"id": tid, "subject": identity.subject})
    ):
        return None
    rows = store.read(tq.TICKET, {"id": tid})
    if not rows:
        return None
    done = _complete_tickets(store, [rows[0]["ticket"]], {tid: rows[0]["messages"]})
    return done[0]


def caller(context: Context, operation: Operation) -> Identity:
    """The caller's identity (the permission classes let none through without one)."""
    if context.identity is None:
        raise Forbidden(operation.value)
    return context.identity


def _shown(context: Context, who: Identity, rows: list[Row]) -> list[Row]:
    """Sealed values opened (resolvers/personal.py), then masked for who may not
    read them in clear."""
    sealer = context.sealer
    rows = [personal.opened(r, sealer) if sealer else personal.without_sealed(r) for r in rows]
    return rows if clear_tickets(who) else [redaction.ticket(r) for r in rows]


async def tickets(context: Context, limit: int, offset: int) -> list[Row]:
    """Live tickets the caller may read, newest first."""
    who = caller(context, Operation.TICKETS)
    page = checked_page(limit, offset)
    rows = await run_in_threadpool(ticket_page, context.store, page, who)
    rows = await run_in_threadpool(_shown, context, who, rows)
    if clear_tickets(who):
        ids = [str(r["ticket"]["id"]) for r in rows]
        await audit.personal_data_read(context, "tickets.read", ids)
    return rows


async def ticket(context: Context, ticket_id: str) -> Row | None:
    """One ticket by id (also a retired one), or null (also when the caller may not read it)."""
    who = caller(context, Operation.TICKETS)
    tid = checked_text("id", ticket_id)
    row = await run_in_threadpool(ticket_by_id, context.store, tid, who)
    if row is None:
        return None
    (shown,) = await run_in_threadpool(_shown, context, who, [row])
    if clear_tickets(who):
        await audit.personal_data_read(context, "ticket.read", [str(row["ticket"]["id"])])
    return shown


def tickets_by_entry(store: Store, entry: str, limit: int, identity: Identity) -> list[Row]:
    """The tickets ``identity`` may read whose blind index (or whose customer's)
    holds ``entry``, newest id first, at most ``limit``."""
    ids = sorted({str(r["id"]) for r in store.read(bq.TICKETS_BY_ENTRY, {"entry": entry})})
    found: list[Row] = []
    for tid in reversed(ids):
        row = ticket_by_id(store, tid, identity)
        if row is not None:
            found.append(row)
            if len(found) == limit:
                break
    return found


async def tickets_by_personal_data(context: Context, value: str, limit: int) -> list[Row]:
    """Tickets by an exact phone number, e-mail address, ID-card or card number or
    IP address (normalised by shape), through the blind index: the value itself
    is never stored or searched. For the roles that read tickets in clear, in
    their scope; recorded in the audit trail as a personal-data read."""
    who = caller(context, Operation.PERSONAL_LOOKUP)
    checked_page(limit, 0)
    try:
        kind = kind_of(value)
    except ValueError as exc:
        raise InvalidArgument("value", str(exc)) from None
    if context.sealer is None:
        return []
    entry = context.sealer.blind(kind, value)
    rows = await run_in_threadpool(tickets_by_entry, context.store, entry, limit, who)
    rows = await run_in_threadpool(_shown, context, who, rows)
    ids = [str(r["ticket"]["id"]) for r in rows]
    await audit.record_for(
        context, "personal_data", "tickets.lookup", ",".join(ids[:50]),
        f"clear: {kind.lower()} lookup, {len(ids)} found",
    )  # fmt: skip
    return rows


# --- community threads -------------------------------------------------------------


async def threads(context: Context, limit: int, offset: int) -> list[Row]:
    """Live community threads, newest first."""
    page = checked_page(limit, offset)
    rows = await run_in_threadpool(cq.threads, context.store, page["skip"], page["limit"])
    return rows


async def thread(context: Context, thread_id: str) -> Row | None:
    """One thread by id (also a retired one), or null."""
    tid = checked_text("id", thread_id)
    row = await run_in_threadpool(cq.thread, context.store, tid)
    return row


# --- error codes ---------------------------------------------------------------------


async def error_codes(context: Context, product: str | None, limit: int, offset: int) -> list[Row]:
    """Live error codes by code, optionally of one product."""
    params = {**checked_page(limit, offset), "product": checked_product(product)}
    rows = await run_in_threadpool(context.store.read, eq.ERROR_CODES, params)
    return rows


async def error_code(context: Context, code: str, product: str | None) -> list[Row]:
    """A code as each product defines it (codes repeat across products); empty if unknown."""
    text = checked_text("code", code)
    params = {
        "codes": list(dict.fromkeys([text, text.upper()])),
        "product": checked_product(product),
    }
    rows = await run_in_threadpool(context.store.read, eq.ERROR_CODE, params)
    return rows


# --- log templates ---------------------------------------------------------------------


async def log_templates(context: Context, limit: int, offset: int) -> list[Row]:
    """Log templates, most frequent first."""
    who = caller(context, Operation.LOG_TEMPLATES)
    page = checked_page(limit, offset)
    rows = await run_in_threadpool(context.store.read, lq.LOG_TEMPLATES, page)
    return rows if mixed_text_in_clear(who) else [redaction.log_template(r) for r in rows]
