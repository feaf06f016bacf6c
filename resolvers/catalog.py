"""Browsing the graph's catalog: tickets, threads, error codes and log templates.

List fields page with ``limit`` (1 to ``MAX_PAGE``) and ``offset``; fetch
fields take an id or code. Arguments are checked before any query so the
GraphQL error names the argument. Each field reads the store in Starlette's
thread pool with a fixed number of statements, however long the page.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool

from graph.queries import community as cq
from graph.queries import errorcodes as eq
from graph.queries import logs as lq
from graph.queries import tickets as tq
from graph.store import Store
from graph.types import Params, Row
from resolvers.context import Context
from resolvers.errors import InvalidArgument

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


def ticket_page(store: Store, page: Params) -> list[Row]:
    found = [r["ticket"] for r in store.read(tq.TICKETS, page)]
    messages: dict[str, list[Row]] = {}
    if found:
        ids = [t["id"] for t in found]
        for r in store.read(tq.MESSAGES_OF_TICKETS, {"ids": ids}):
            messages.setdefault(r["ticket"], []).append(r["message"])
    return _complete_tickets(store, found, messages)


def ticket_by_id(store: Store, tid: str) -> Row | None:
    rows = store.read(tq.TICKET, {"id": tid})
    if not rows:
        return None
    done = _complete_tickets(store, [rows[0]["ticket"]], {tid: rows[0]["messages"]})
    return done[0]


async def tickets(context: Context, limit: int, offset: int) -> list[Row]:
    """Live tickets, newest first."""
    page = checked_page(limit, offset)
    rows = await run_in_threadpool(ticket_page, context.store, page)
    return rows


async def ticket(context: Context, ticket_id: str) -> Row | None:
    """One ticket by id (also a retired one), or null."""
    tid = checked_text("id", ticket_id)
    row = await run_in_threadpool(ticket_by_id, context.store, tid)
    return row


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
    page = checked_page(limit, offset)
    rows = await run_in_threadpool(context.store.read, lq.LOG_TEMPLATES, page)
    return rows
