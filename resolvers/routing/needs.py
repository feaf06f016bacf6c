"""What a ticket needs from whoever works it: the skill targets of the router.

Step 1 (named): the products the ticket is about, the products of the error
codes it mentions, and the products, components and concepts its subject
and description link to (the answer pipeline's entity linking, over the
graph's own names and aliases). Step 2 (related): what other tickets,
threads and documents name together with those, for the fallback that
widens the match. Written as ``NEEDS`` edges, so the router's one query
starts from the ticket.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.queries import routing as q
from graph.store import Store
from graph.types import Row
from resolvers.errors import InvalidArgument
from resolvers.pipeline.linking import Linker
from resolvers.routing.config import RoutingConfig

_WORDY = re.compile(r"^\w[\w .+-]*$")


@dataclass(frozen=True)
class Need:
    target: str
    weight: float
    step: int


def ticket_row(store: Store, ticket: str) -> Row:
    rows = store.read(q.TICKET_FOR_ROUTING, {"ticket": ticket})
    if not rows or rows[0].get("ticket") is None:
        raise InvalidArgument("ticket", f"ticket {ticket!r} does not exist")
    return rows[0]


def _components(store: Store, text: str) -> list[str]:
    """Components whose name appears in ``text`` as a whole word (any case)."""
    low = text.lower()
    found = []
    for r in store.read(q.COMPONENT_NAMES):
        for name in r.get("names") or []:
            n = str(name).lower()
            if len(n) < 3 or not _WORDY.match(n):
                continue
            if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", low):
                found.append(str(r["id"]))
                break
    return found


def named(store: Store, row: Row, linker: Linker | None) -> list[str]:
    t = row["ticket"]
    targets: list[str] = [str(p) for p in row.get("products") or []]
    # A handoff ticket names its conversation's products as ids on itself.
    targets += [str(p) for p in t.get("products") or [] if str(p).startswith("product:")]
    code_products = [str(p) for p in row.get("code_products") or [] if p]
    if code_products:
        found = store.read(q.PRODUCT_IDS_BY_NAME, {"names": code_products})
        targets += [str(r["id"]) for r in found]
    text = " ".join(str(t.get(k) or "") for k in ("subject", "description")).strip()
    if text and linker is not None:
        linked = linker.link(text)
        targets += linked.products + [c.id for c in linked.concepts]
    if text:
        targets += _components(store, text)
    return list(dict.fromkeys(targets))


def prepare(store: Store, ticket: str, linker: Linker | None, config: RoutingConfig) -> list[Need]:
    """Compute and store the ticket's needs (replacing earlier ones)."""
    row = ticket_row(store, ticket)
    needs = [Need(target, 1.0, 1) for target in named(store, row, linker)]
    with store.transaction() as tx:
        tx.run(q.CLEAR_NEEDS, {"ticket": ticket})
        tx.run(q.SET_NEEDS, {"ticket": ticket, "rows": [_row(n) for n in needs]})
    if needs and config.related_limit > 0:
        related = store.read(q.RELATED_TARGETS, {"ticket": ticket, "limit": config.related_limit})
        extra = [Need(str(r["id"]), config.related_weight, 2) for r in related]
        if extra:
            store.write(q.SET_NEEDS, {"ticket": ticket, "rows": [_row(n) for n in extra]})
            needs += extra
    return needs


def _row(n: Need) -> Row:
    return {"target": n.target, "weight": n.weight, "step": n.step}
