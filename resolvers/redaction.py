"""Personal data masked at read time for readers whose role may not see it in clear.

What is stored is masked already where ingest found personal data
(``extractors/text/masking.py``, tag style); this is the second line, for
what ingest did not catch, for graphs written before masking existed, and
for the clear values the storage encryption hands back (``resolvers/personal.py``). A
reader who may not see a value gets it in the partial style (``138****1234``,
``110***********1234``, ``d***@example.com``) and people's and organisations'
names shortened to their initials (``M** C***``, ``张*``). Who reads what in
clear is ``resolvers/policy.py``'s decision; this module only masks.

Masked, per record: a ticket's subject, its messages' bodies, its solution
and the earlier fixes' text and steps, the names of its assignee and
organisation (a group's name is a team's, not a person's), its customer's
name, e-mail and phone (IP addresses too in all of a ticket's text); a
conversation turn's text, attachments and feedback comment; an answer's text
and its citations' titles and snippets; a log template's example line.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from extractors.text.masking import mask
from graph.types import Row
from resolvers.pipeline.records import Answer

_WORD = re.compile(r"\w+")


def masked_text(text: str | None) -> str | None:
    """Partly masked, IP addresses too (a ticket's or a log line's are a person's)."""
    return None if text is None else mask(text, "partial", ips=True)


def masked_name(name: str | None) -> str | None:
    """Each word's first character, the rest as ``*``: ``Mei Chen`` -> ``M** C***``."""
    if name is None:
        return None
    return _WORD.sub(lambda m: m.group()[0] + "*" * (len(m.group()) - 1), mask(name, "partial"))


def _steps(steps: Any) -> list[str]:
    return [mask(str(s), "partial", ips=True) for s in steps or []]


def _party(party: Row | None) -> Row | None:
    return None if party is None else {**party, "name": masked_name(party.get("name"))}


def ticket(row: Row) -> Row:
    """A ticket record of ``resolvers/catalog.py`` with its personal data masked."""
    t = dict(row["ticket"])
    t["subject"] = masked_text(t.get("subject"))
    for key in ("assignee", "organization"):
        t[key] = _party(t.get(key))
    customer = t.get("customer")
    if isinstance(customer, dict):
        t["customer"] = {**customer, "name": masked_name(customer.get("name")),
                         "email": masked_text(customer.get("email")),
                         "phone": masked_text(customer.get("phone"))}  # fmt: skip
    solution = row.get("solution")
    return {
        **row,
        "ticket": t,
        "messages": [{**m, "body": masked_text(m.get("body"))} for m in row.get("messages") or []],
        "solution": None
        if solution is None
        else {**solution, "text": masked_text(solution.get("text")),
              "steps": _steps(solution.get("steps"))},
        "earlier_fixes": [
            {**f, "text": masked_text(f.get("text")), "steps": _steps(f.get("steps"))}
            for f in row.get("earlier_fixes") or []
        ],
    }  # fmt: skip


def turn(row: Row) -> Row:
    """A conversation turn (``resolvers/conversation/turn_text.py``) with its personal
    data masked: its text, its attachments' read text, its feedback comment. The
    bot's text cites manuals, whose addresses are examples, as answers do."""
    role_text = masked_text if row.get("role") != "bot" else _knowledge
    out = {**row, "text": role_text(row.get("text"))}
    if row.get("attachments"):
        found = json.loads(str(row["attachments"]))
        out["attachments"] = json.dumps(
            [{**f, "text": masked_text(f.get("text"))} for f in found], ensure_ascii=False
        )
    if row.get("feedback_comment"):
        out["feedback_comment"] = masked_text(row["feedback_comment"])
    return out


def _knowledge(text: str | None) -> str | None:
    return None if text is None else mask(text, "partial")


def answer(found: Answer) -> Answer:
    cites = [
        dataclasses.replace(c, title=mask(c.title, "partial"), snippet=mask(c.snippet, "partial"))
        for c in found.citations
    ]
    return dataclasses.replace(found, text=mask(found.text, "partial"), citations=cites)


def log_template(row: Row) -> Row:
    t = dict(row["template"])
    t["example"] = masked_text(t.get("example"))
    return {**row, "template": t}
