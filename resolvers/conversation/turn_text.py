"""How a turn's text is stored and read back: the one place for it.

Stored (:func:`stored`), as ticket messages are (``extractors/tickets/write.py``):

- ``text``: the message masked (``[PHONE]``, ``[EMAIL]`` ...; a customer's
  or an agent's IP addresses too, as in tickets; the bot's text cites the
  manuals, whose addresses are examples and stay). Search, the analysis of
  later turns, the handoff packet and every role that reads masked data
  use this;
- ``attachments``: the attachments' findings as JSON, their read text masked;
- beside them, through the one write path of personal data
  (``extractors/text/crypto/sealer.py``), the clear originals sealed, only
  where masking changed something: ``text_sealed`` and ``attachments_sealed``
  (the same JSON with the clear read text), and a feedback comment's
  ``feedback_comment_sealed``: SM4-GCM with the associated data
  *turn id | field | key version*, and ``sealed``, which the key rotation
  looks for.

A closing resolution (``closeConversation``) is stored the same way, by
:func:`closing`: ``resolution`` masked and ``resolution_sealed``, on the
conversation under its id and on the handoff ticket under the ticket's (as
ingest seals a ticket's own text under the ticket), and the ticket's blind
index gains its values. :func:`conversation_opened` reads it back.

Read back: :func:`as_stored` (the masked text, nothing sealed: what the desk
analyses and hands over) or :func:`opened` (the clear originals where they
open; a turn written before sealing, or one whose value does not open, keeps
its masked text). Who gets which is ``resolvers/policy.py``'s decision, made
by the GraphQL adapter (``resolvers/conversations.py``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from typing import Any

from extractors.text.crypto.primitives import SealError
from extractors.text.crypto.sealer import SUFFIX, Sealer
from extractors.text.masking import mask, personal_values
from graph.types import Row
from resolvers.conversation.records import Finding

log = logging.getLogger("graphdesk.personal")

TEXT, ATTACHMENTS, RESOLUTION = "text", "attachments", "resolution"
# ``lookup``: the blind index of a graph not migrated to V0015 yet, never shown.
_DROPPED = frozenset({"sealed", "lookup"})


def masked(text: str, role: str) -> str:
    """A message as it is stored: personal data masked (IP addresses but in the bot's)."""
    return mask(text, ips=role != "bot")


def findings_json(findings: Sequence[Finding], clear: bool = False) -> str:
    """The findings as stored: with the masked read text, or (``clear``) the original."""
    rows = []
    for f in findings:
        row = asdict(f)
        del row["clear"]
        if clear:
            row["text"] = f.clear or f.text
        rows.append(row)
    return json.dumps(rows, ensure_ascii=False)


def stored(
    sealer: Sealer, turn_id: str, role: str, text: str, findings: Sequence[Finding] = ()
) -> dict[str, Any]:
    """A turn's text properties: masked text and findings, the originals sealed."""
    props: dict[str, Any] = {TEXT: masked(text, role)}
    originals: dict[str, str] = {}
    if props[TEXT] != text:
        originals[TEXT] = text
    if findings:
        props[ATTACHMENTS] = findings_json(findings)
        if any(f.clear and f.clear != f.text for f in findings):
            originals[ATTACHMENTS] = findings_json(findings, clear=True)
    props.update(sealer.seal(turn_id, originals))
    return props


def closing(sealer: Sealer, node_id: str, role: str, text: str) -> dict[str, Any]:
    """A closing resolution's properties for the conversation or its ticket
    (``node_id``): the text masked, the original sealed when masking changed it."""
    props: dict[str, Any] = {RESOLUTION: masked(text, role)}
    if props[RESOLUTION] != text:
        props.update(sealer.seal(node_id, {RESOLUTION: text}))
    return props


def conversation_opened(conversation: Row, sealer: Sealer | None) -> Row:
    """The conversation's own properties with nothing sealed, its resolution in
    clear where it was sealed and opens (no ``sealer``: as stored, masked)."""
    out = {k: v for k, v in conversation.items() if not k.endswith(SUFFIX) and k not in _DROPPED}
    sealed = conversation.get(RESOLUTION + SUFFIX)
    if sealer is not None and isinstance(sealed, str):
        cid = str(conversation.get("id") or "")
        try:
            out[RESOLUTION] = sealer.open_value(cid, RESOLUTION, sealed)
        except SealError as exc:
            log.warning("sealed %s of %s does not open: %s", RESOLUTION, cid, exc)
    return out


def personal(texts: Iterable[str]) -> list[tuple[str, str]]:
    """The personal values in ``texts`` (for a handoff ticket's blind index)."""
    return [v for t in texts for v in personal_values(t)]


def not_personal(values: Sequence[str], text: str) -> list[str]:
    """``values`` found in ``text`` (error codes by shape) without those that are
    part of a personal value there: they are stored unsealed."""
    found = [_alnum(v) for _, v in personal_values(text)]
    return [v for v in values if not any(_alnum(v) in p for p in found if _alnum(v))]


def _alnum(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum())


def as_stored(turn: Row) -> Row:
    """The turn with its masked text and nothing sealed."""
    out = {k: v for k, v in turn.items() if not k.endswith(SUFFIX) and k not in _DROPPED}
    out[TEXT] = out.get(TEXT) or ""
    return out


def opened(turn: Row, sealer: Sealer) -> Row:
    """The turn with its clear text, findings and feedback comment where they were
    sealed and open."""
    out = as_stored(turn)
    tid = str(turn.get("id") or "")
    for key, value in turn.items():
        if not key.endswith(SUFFIX) or not isinstance(value, str):
            continue
        field = key[: -len(SUFFIX)]
        try:
            out[field] = sealer.open_value(tid, field, value)
        except SealError as exc:
            log.warning("sealed %s of %s does not open: %s", field, tid, exc)
    return out
