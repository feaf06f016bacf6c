"""Sealed personal data opened at read (``extractors/text/crypto/sealer.py``), and the lookup by
a personal value (the blind index).

What the store holds for a ticket is its masked text and, beside each field
that held personal data, the clear original sealed (``subject_sealed``,
messages' ``body_sealed``, the solution's ``text_sealed``, the customer's
``name_sealed``, ``email_sealed``, ``phone_sealed``). :func:`opened` puts the
clear values in place of the masked ones and drops the sealed ones; the
catalog then hands them in clear to the roles ``resolvers/policy.py``
allows, and partially masked (``resolvers/redaction.py``) to the others. A
value that does not open (a key version the ring no longer has, an edited
value) keeps its masked text, and the log says which node. The fixes of
*other* tickets (earlier fixes) are never opened: they are other people's.
"""

from __future__ import annotations

import logging
from typing import Any

from extractors.text.crypto.primitives import SealError
from extractors.text.crypto.sealer import SUFFIX, Sealer
from graph.types import Row

log = logging.getLogger("graphdesk.personal")

# ``lookup``: the blind index of a graph not migrated to V0015 yet, never shown.
_DROPPED = frozenset({"sealed", "lookup"})


def _open(sealer: Sealer, node_id: str, record: Row, fields: dict[str, str]) -> Row:
    """``record`` with each ``fields`` key (stored key -> sealed field) opened."""
    out = {k: v for k, v in record.items() if not k.endswith(SUFFIX) and k not in _DROPPED}
    for key, field in fields.items():
        sealed = record.get(field + SUFFIX)
        if not isinstance(sealed, str):
            continue
        try:
            out[key] = sealer.open_value(node_id, field, sealed)
        except SealError as exc:
            log.warning("sealed %s of %s does not open: %s", field, node_id, exc)
    return out


def _customer(sealer: Sealer, customer: Any) -> Row | None:
    if not isinstance(customer, dict) or not customer.get("id"):
        return None
    fields = {"name": "name", "email": "email", "phone": "phone"}
    return _open(sealer, str(customer["id"]), customer, fields)


def opened(row: Row, sealer: Sealer) -> Row:
    """A ticket record of ``resolvers/catalog.py`` with its sealed values opened."""
    t = dict(row["ticket"])
    tid = str(t["id"])
    ticket = _open(sealer, tid, t, {"subject": "subject", "description": "description"})
    ticket["customer"] = _customer(sealer, t.get("customer"))
    messages = [
        _open(sealer, str(m.get("id") or ""), m, {"body": "body"})
        for m in row.get("messages") or []
    ]
    solution = row.get("solution")
    if solution is not None:
        solution = _open(sealer, str(solution.get("id") or ""), solution, {"text": "text"})
    return {**row, "ticket": ticket, "messages": messages, "solution": solution}


def without_sealed(row: Row) -> Row:
    """The same record with nothing sealed in it (no sealer: the masked text as stored)."""
    t = {k: v for k, v in row["ticket"].items() if not k.endswith(SUFFIX) and k not in _DROPPED}
    customer = t.get("customer")
    if isinstance(customer, dict):
        t["customer"] = {"id": customer.get("id")}
    strip = [{k: v for k, v in m.items() if not k.endswith(SUFFIX)} for m in row["messages"]]
    solution = row.get("solution")
    if solution is not None:
        solution = {k: v for k, v in solution.items() if not k.endswith(SUFFIX)}
    return {**row, "ticket": t, "messages": strip, "solution": solution}
