"""The audit trail (issue 9, item 5): one append-only, hash-chained record per event.

Recorded: logins (a token refused, every time; a token accepted, the first
time this process sees it in each ``LOGIN_INTERVAL``, so a busy client adds
no graph write per request), reads of personal data in clear (tickets),
knowledge edits, routing decisions and admin actions (tokens created and
revoked, on the command line and by mutation), and pruning. Each record
holds time (UTC), subject, role, operation, target, result, client address
and request id, and ``prev``: the SM3 hash of the previous record's canonical
form (``canonical``: its fields as sorted, compact JSON), and its own
``hash``. ``verify`` walks the chain and names the first record that was
edited, deleted or moved.

Concurrent writers (several workers, the CLI, other hosts on one Neo4j) do
not fork the chain: a writer reads the tail, builds record ``seq + 1`` on
its hash and creates it as ``audit:<seq + 1>``, whose id is unique (V0009);
whoever loses that race gets a constraint violation, reads the tail again
and retries. That works the same on both backends and across hosts, where
the data directory's write lock (one machine only with Neo4j) and a
FalkorDB MULTI block (no read-then-write inside it) would not. Each process
remembers the tail it last wrote, so an append is normally one write.

Retention: records older than ``retention_days`` (``GRAPHDESK_AUDIT_RETENTION_DAYS``,
default 183) are deleted from the chain's start only, after a ``audit.prune``
record saying through which number and with the last deleted record's hash
(the ``anchor`` the first kept record's ``prev`` must equal), so a pruned
chain still verifies and a start deleted without one does not.

A hash chain without a key shows edits by whoever cannot recompute it;
anchor the head hash (``graphdesk audit show`` prints it) outside the graph
to notice a rewritten or truncated tail.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import hashes
from starlette.concurrency import run_in_threadpool

from graph.errors import ConstraintViolation
from graph.queries import audit as q
from graph.store import Store
from graph.types import Row
from resolvers.identity import Identity

if TYPE_CHECKING:
    from resolvers.context import Context

log = logging.getLogger("graphdesk.audit")

GENESIS = "0" * 64  # the first record's ``prev``
FIELDS = ("seq", "id", "time", "kind", "subject", "role", "operation", "target", "result",
          "client", "request_id", "detail", "prev")  # fmt: skip
LOGIN_INTERVAL = 3600.0  # seconds: a token's successful use recorded once per process per hour
DEFAULT_RETENTION_DAYS = 183
MAX_ATTEMPTS = 50  # appends lost to other writers before giving up
PAGE = 1000


def sm3(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def canonical(record: Row) -> bytes:
    """A record's canonical form: its fields (all but ``hash``) as sorted, compact JSON."""
    fields = {k: record.get(k, "" if k != "seq" else 0) for k in FIELDS}
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def record_hash(record: Row) -> str:
    return sm3(canonical(record))


def now_text(at: datetime | None = None) -> str:
    """UTC, fixed width, so strings compare as times do."""
    at = at or datetime.now(UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


@dataclass(frozen=True)
class Event:
    kind: str  # login, personal_data, knowledge, routing, admin, audit
    operation: str  # e.g. "token.revoke"
    subject: str
    role: str
    target: str = ""
    result: str = "ok"
    client: str = ""
    request_id: str = ""
    detail: str = ""


class Trail:
    """The chain's writer for this process (tail remembered between appends)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seq = 0
        self._hash = GENESIS
        self._store: weakref.ref[Store] | None = None  # whose tail that is
        self.retention_days = DEFAULT_RETENTION_DAYS
        self._pruned_at = 0.0  # monotonic; pruning looked at once a day per process

    def append(self, store: Store, event: Event, at: datetime | None = None) -> Row:
        with self._lock:
            if self._store is None or self._store() is not store:
                self._seq, self._hash, self._store = 0, GENESIS, weakref.ref(store)
            for _ in range(MAX_ATTEMPTS):
                tail = store.read(q.TAIL, {"after": self._seq}) if self._seq == 0 else []
                if tail:
                    self._seq, self._hash = int(tail[0]["seq"]), str(tail[0]["hash"])
                seq = self._seq + 1
                record: Row = {
                    "seq": seq, "id": f"audit:{seq}", "time": now_text(at), "kind": event.kind,
                    "subject": event.subject, "role": event.role, "operation": event.operation,
                    "target": event.target, "result": event.result, "client": event.client,
                    "request_id": event.request_id, "detail": event.detail, "prev": self._hash,
                }  # fmt: skip
                record["hash"] = record_hash(record)
                try:
                    store.write(q.APPEND, record)
                except ConstraintViolation:
                    # Another writer took this number: read the tail past it, build on that.
                    found = store.read(q.TAIL, {"after": self._seq})
                    if found:
                        self._seq, self._hash = int(found[0]["seq"]), str(found[0]["hash"])
                    continue
                self._seq, self._hash = seq, str(record["hash"])
                return record
        raise ConstraintViolation(f"audit: no free sequence number after {MAX_ATTEMPTS} tries")

    def forget_tail(self) -> None:
        with self._lock:
            self._seq, self._hash = 0, GENESIS

    def maybe_prune(self, store: Store) -> None:
        if time.monotonic() - self._pruned_at < 86_400 and self._pruned_at:
            return
        self._pruned_at = time.monotonic()
        prune(store, self.retention_days)


trail = Trail()  # this process's writer


def record(store: Store, event: Event) -> Row:
    """Append ``event`` to the trail (pruning what is past retention once a day)."""
    done = trail.append(store, event)
    try:
        trail.maybe_prune(store)
    except Exception as exc:  # pruning late is harmless; the record is written
        log.warning("audit: pruning failed: %s", exc)
    return done


# --- who did it, from a request ---------------------------------------------------


def role_of(identity: Identity | None) -> str:
    if identity is None:
        return "none"
    return identity.role.value if identity.role is not None else "development"


def client_of(context: Context) -> tuple[str, str]:
    """(client address, request id) of the context's request."""
    request = context.request
    if request is None:
        return "", ""
    client = request.client.host if request.client else ""
    return client, str(request.scope.get("state", {}).get("request_id", ""))


async def record_for(context: Context, kind: str, operation: str, target: str, result: str) -> None:
    """Record what the context's caller did; a failure is logged, the answer still goes."""
    who = context.identity
    client, request_id = client_of(context)
    event = Event(kind, operation, who.subject if who else "", role_of(who), target, result,
                  client, request_id)  # fmt: skip
    try:
        await run_in_threadpool(record, context.store, event)
    except Exception as exc:
        log.error("audit: cannot record %s on %s: %s", operation, target, exc)


async def personal_data_read(context: Context, operation: str, ids: list[str]) -> None:
    if ids:
        await record_for(context, "personal_data", operation, ",".join(ids[:50]), "clear")


async def knowledge_edit(context: Context, operation: str, target: str, result: str) -> None:
    await record_for(context, "knowledge", operation, target, result)


async def routing_decision(context: Context, ticket_id: str, chosen: str) -> None:
    await record_for(context, "routing", "routing.decide", ticket_id, chosen)


async def admin_action(context: Context, operation: str, target: str, result: str) -> None:
    await record_for(context, "admin", operation, target, result)


class Logins:
    """Tokens whose successful use this process recorded within ``interval`` seconds."""

    MAX = 10_000

    def __init__(self, interval: float = LOGIN_INTERVAL) -> None:
        self.interval = interval
        self._seen: dict[str, float] = {}

    def first_use(self, token_id: str) -> bool:
        """True (and remembered) when this use is to be recorded."""
        now = time.monotonic()
        seen = self._seen.get(token_id)
        if seen is not None and now - seen < self.interval:
            return False
        self._seen.pop(token_id, None)
        self._seen[token_id] = now
        if len(self._seen) > self.MAX:
            self._seen.pop(next(iter(self._seen)), None)
        return True

    def forget(self, token_id: str) -> None:
        self._seen.pop(token_id, None)


logins = Logins()


# --- reading and checking the chain ----------------------------------------------


def records(store: Store) -> Iterator[Row]:
    after = 0
    while True:
        rows = store.read(q.PAGE, {"after": after, "limit": PAGE})
        for row in rows:
            yield dict(row["record"])
        if len(rows) < PAGE:
            return
        after = int(rows[-1]["record"]["seq"])


def recent(store: Store, limit: int) -> list[Row]:
    """The newest ``limit`` records, newest first."""
    return [dict(r["record"]) for r in store.read(q.RECENT, {"limit": limit})]


@dataclass(frozen=True)
class Problem:
    seq: int
    message: str

    def __str__(self) -> str:
        return f"audit record {self.seq} (audit:{self.seq}): {self.message}"


def _anchors(store: Store) -> dict[int, str]:
    out: dict[int, str] = {}
    for row in store.read(q.PRUNES):
        try:
            detail = json.loads(str(row["detail"]))
            out[int(detail["through"])] = str(detail["anchor"])
        except (ValueError, KeyError, TypeError):
            continue  # an edited prune record fails its own hash below
    return out


def verify(store: Store) -> tuple[int, Problem | None]:
    """(records checked, the first bad one or None)."""
    anchors = _anchors(store)
    last: Row | None = None
    count = 0
    for rec in records(store):
        seq = int(rec.get("seq", 0))
        count += 1
        if rec.get("id") != f"audit:{seq}" or rec.get("hash") != record_hash(rec):
            return count, Problem(seq, "its content does not match its hash (edited)")
        if last is None:
            expected = GENESIS if seq == 1 else anchors.get(seq - 1)
            if rec.get("prev") != expected:
                return count, Problem(
                    seq, f"records before it were deleted (no prune record through {seq - 1})"
                )
        else:
            if seq != int(last["seq"]) + 1:
                gap = f"{int(last['seq']) + 1}..{seq - 1}"
                return count, Problem(seq, f"records {gap} before it are missing (deleted)")
            if rec.get("prev") != last.get("hash"):
                return count, Problem(
                    seq, f"it does not follow record {last['seq']} (reordered or replaced)"
                )
        last = rec
    return count, None


def prune(store: Store, retention_days: int, now: datetime | None = None) -> int:
    """Delete the chain's start older than ``retention_days``; returns records deleted."""
    now = now or datetime.now(UTC)
    cutoff = now_text(now - timedelta(days=retention_days))
    oldest = store.read(q.OLDEST)
    if not oldest or oldest[0]["seq"] is None:
        return 0
    first = store.read(q.FIRST_KEPT, {"cutoff": cutoff})
    kept = first[0]["seq"] if first else None
    if kept is None:
        tail = store.read(q.TAIL, {"after": 0})
        through = int(tail[0]["seq"])  # every record is older: all of them go
    else:
        through = int(kept) - 1
    if through < int(oldest[0]["seq"]):
        return 0
    anchor = store.read(q.HASH_OF, {"id": f"audit:{through}"})
    if not anchor:
        return 0
    detail = json.dumps({"through": through, "anchor": anchor[0]["hash"], "cutoff": cutoff})
    trail.append(store, Event("audit", "audit.prune", "graphdesk", "system",
                              f"audit:{oldest[0]['seq']}..audit:{through}",
                              "ok", detail=detail))  # fmt: skip
    deleted = 0
    while True:
        rows = store.write(q.DELETE_THROUGH, {"through": through, "batch": 5000})
        n = int(rows[0]["deleted"]) if rows else 0
        deleted += n
        if n == 0:
            return deleted


def new_request_id() -> str:
    return secrets.token_hex(8)


MAX_SHOWN = 500


async def audit_trail(context: Context, limit: int) -> list[Row]:
    """The ``auditTrail`` field: the newest records, newest first (auditors only)."""
    from resolvers.errors import InvalidArgument

    if not 1 <= limit <= MAX_SHOWN:
        raise InvalidArgument("limit", f"must be 1 to {MAX_SHOWN}")
    return await run_in_threadpool(recent, context.store, limit)
