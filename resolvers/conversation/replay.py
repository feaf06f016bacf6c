"""Replaying written conversations through the desk, as their customers would
(issue 10 item 7): ``graphdesk dialogue replay FILE.jsonl [--json OUT]``.

Each line of the file is ``{"id": ..., "turns": ["customer text", ...]}``,
optionally with ``"attachments"``: one list of file paths per turn, relative
to the file's folder. Every conversation gets a customer of its own and is
played turn by turn through ``customer_turn`` on the current graph (the
replies are the service's own; the conversations are stored like any
other). The result per conversation: the 0-based customer turn after which
it escalated and the rule, and per turn its emotion, complexity, confidence
and whether it was resolved.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from resolvers.conversation.desk import Desk, customer_turn

MAX_TURNS = 100


class ReplayError(ValueError):
    """A line of the replay file that cannot be played; names the file and line."""


@dataclass(frozen=True)
class Script:
    id: str
    turns: list[str]
    attachments: list[list[Path]] = field(default_factory=list)


def read(path: Path) -> list[Script]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ReplayError(f"{path}: cannot be read: {exc}") from exc
    out: list[Script] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ReplayError(f"{where}: not JSON: {exc.msg} (column {exc.colno})") from None
        if not isinstance(row, dict):
            raise ReplayError(f"{where}: a line must be a JSON object")
        cid, turns = row.get("id"), row.get("turns")
        if not isinstance(cid, str | int) or str(cid) in seen:
            raise ReplayError(f"{where}: 'id' must be a string or number, given once")
        if (not isinstance(turns, list) or not turns or len(turns) > MAX_TURNS
                or not all(isinstance(t, str) for t in turns)):  # fmt: skip
            raise ReplayError(f"{where}: 'turns' must be 1 to {MAX_TURNS} strings")
        files = row.get("attachments") or []
        if (
            not isinstance(files, list)
            or len(files) > len(turns)
            or not all(isinstance(f, list) and all(isinstance(p, str) for p in f) for f in files)
        ):
            raise ReplayError(f"{where}: 'attachments' must be a list of path lists, one a turn")
        seen.add(str(cid))
        folder = path.parent
        out.append(Script(str(cid), list(turns), [[folder / p for p in f] for f in files]))
    return out


def play(desk: Desk, script: Script) -> dict[str, Any]:
    customer = f"customer:replay:{uuid.uuid4().hex[:16]}"
    conversation: str | None = None
    escalated_at: int | None = None
    rule: str | None = None
    turns: list[dict[str, Any]] = []
    for i, text in enumerate(script.turns):
        files = script.attachments[i] if i < len(script.attachments) else []
        state = customer_turn(desk, customer, conversation, text, [str(p) for p in files])
        conversation = state.conversation_id
        if state.escalated_now and escalated_at is None:
            escalated_at = i
            rule = state.escalation.rule if state.escalation else None
        turns.append({"emotion": state.emotion, "complexity": state.complexity,
                      "confidence": state.confidence, "resolved": state.resolved})  # fmt: skip
    return {"id": script.id, "conversation": conversation, "escalated_at": escalated_at,
            "rule": rule, "turns": turns}  # fmt: skip
