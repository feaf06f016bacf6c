"""Writing parsed tickets to the graph: products, rows, write and retire."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from typing import Any

from extractors.records import EXTRACTOR_VERSION, slug
from extractors.text.crypto.sealer import Sealer, ephemeral_sealer
from extractors.text.masking import mask, personal_values
from extractors.text.segment import language, search_field
from extractors.tickets.parse import Deletion, TicketBatch, TicketRecord
from extractors.tickets.text import TraceLike, error_codes, numbered_steps
from extractors.tickets.versions import Version, stored_version
from graph.queries import blind_index as bq
from graph.queries import concepts as cq
from graph.queries import tickets as tq
from graph.store import Store
from graph.types import Params

EXTRACTOR = f"graphdesk.tickets/{EXTRACTOR_VERSION}"


def _facts(uri: str, now_ms: int, confidence: float = 1.0) -> dict[str, Any]:
    return {"source": uri, "extractor": EXTRACTOR, "confidence": confidence,
            "extracted_at": now_ms}  # fmt: skip


class _Products:
    """Product names and aliases of the graph, for resolving names and mentions."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.by_name: dict[str, str] = {}
        for r in rows:
            for name in [r.get("name"), *(r.get("aliases") or [])]:
                if isinstance(name, str) and len(name) >= 2:
                    self.by_name.setdefault(name.lower(), str(r["id"]))
        names = sorted(self.by_name, key=len, reverse=True)
        self.pattern = (
            re.compile(
                r"(?<![A-Za-z0-9])(" + "|".join(re.escape(n) for n in names) + r")"
                r"(?![A-Za-z0-9])(?:\s*[vV]?(\d+(?:\.\d+){0,3}))?",
                re.I,
            )
            if names
            else None
        )

    def resolve(self, name: str) -> str:
        return self.by_name.get(name.lower(), "product:" + slug(name))

    def mentions(self, text: str) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        if self.pattern is None:
            return out
        for m in self.pattern.finditer(text):
            versions = out.setdefault(self.by_name[m.group(1).lower()], [])
            if m.group(2) and m.group(2) not in versions:
                versions.append(m.group(2))
        return out


def _ticket_row(t: TicketRecord, uri: str, now_ms: int, sealer: Sealer) -> dict[str, Any]:
    text = t.text
    originals = {k: v for k, v in t.originals.items() if k != "resolution"}  # the Solution's
    # The ticket's blind index holds every personal value written in it, its
    # messages' and its fix's too: a lookup by phone finds the ticket wherever
    # the number was.
    texts = [*t.originals.values(), *(m.original for m in t.messages if m.original)]
    sealed = sealer.seal(t.id, originals)
    entries = sealer.index(v for x in texts for v in personal_values(x))
    # Private notes are for agents: stored, but no answer is found through them.
    msgs = "\n".join(m.body for m in t.messages if m.public is not False)
    return {
        "id": t.id,
        "entries": entries,
        "props": {
            "id": t.id, "key": t.key, "system": t.system, "subject": t.subject,
            "description": t.description, "text": text, "status": t.status,
            "priority": t.priority, "created_at": t.created_at, "created_ms": t.created_ms,
            "updated_at": t.version.updated_at, "updated_ms": t.version.updated_ms,
            "generated_ms": t.version.generated_ms,
            "language": language(text), "products": t.products, "versions": t.versions,
            "tags": t.tags, "resolved": t.resolved, "resolution": t.resolution_name,
            "location": t.location, "message_count": len(t.messages),
            "search": search_field((t.subject, 3), (t.description, 1), (msgs, 1),
                                   (t.resolution or "", 1)),
            **_facts(uri, now_ms), **sealed,
        },
    }  # fmt: skip


def _file_gone(source: Any) -> bool:
    """Whether ``source`` names a file that is no longer there (its facts are
    retired by the same ingest, after the files still there are written)."""
    if not isinstance(source, str) or not os.path.isabs(source):
        return False
    try:
        os.stat(source)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False  # there, but out of reach: not gone
    return False


def _newest_elsewhere(row: dict[str, Any] | None, uri: str) -> tuple[Version, str] | None:
    """The newest version stored for a ticket by another file than ``uri``
    (a live ticket or a deletion), with what it is, or None."""
    if row is None:
        return None
    found: list[tuple[Version, str]] = []
    live = stored_version(row)
    source = row.get("source")
    if (
        live is not None
        and source != uri
        and row.get("retired_at") is None
        and not _file_gone(source)
    ):
        found.append((live, f"the version stored from {source}"))
    gone = stored_version(row, "d_")
    if gone is not None and row.get("d_source") != uri:
        found.append((gone, f"its deletion recorded from {row.get('d_source')}"))
    newest: tuple[Version, str] | None = None
    for version, what in found:
        if newest is None or newest[0].older_than(version):
            newest = (version, what)
    return newest


def _current(
    store: Store, batch: TicketBatch
) -> tuple[list[TicketRecord], list[Deletion], list[str]]:
    """The batch's records and deletions that are not older than what the
    graph holds from other files, and a line for each one skipped."""
    uri = batch.uri
    ids = [t.id for t in batch.records] + batch.deleted
    rows = {r["id"]: r for r in store.read(tq.STORED_VERSIONS, {"ids": ids})} if ids else {}
    stale: list[str] = []

    def older(event: TicketRecord | Deletion, kind: str) -> bool:
        newest = _newest_elsewhere(rows.get(event.id), uri)
        if newest is None or not event.version.older_than(newest[0]):
            return False
        stale.append(
            f"{uri}: {event.location}: ticket {event.key} {kind} ({event.version.label}) "
            f"is older than {newest[1]} ({newest[0].label}); skipped"
        )
        return True

    records = [t for t in batch.records if not older(t, "version")]
    deletions = [d for d in batch.deletions.values() if not older(d, "deletion")]
    return records, deletions, stale


def write_ticket_batch(
    store: Store,
    batch: TicketBatch,
    now_ms: int,
    traces: Callable[[str], list[TraceLike]],
    extra: Sequence[tuple[str, Params]] = (),
    sealer: Sealer | None = None,
) -> dict[str, int]:
    """Replace the facts of ``batch.uri`` with the batch's tickets; returns counts.

    Facts of other sources are not touched, except that a ticket id written
    here moves to this source (the id is the ticket's, not the file's).
    ``traces`` finds the stack traces of one text (the entry point,
    :func:`extractors.tickets.write_tickets`, passes its own). ``extra``
    statements (the Source record) commit in the same transaction. Tickets
    the batch marks deleted are removed wherever they were written from.
    A record or deletion older than the version another file stored is not
    written (:mod:`extractors.tickets.versions`); ``batch.stale_in_graph``
    says which, and the counts' ``stale`` counts every skipped version.

    Personal data goes through ``sealer`` (``extractors/text/crypto/sealer.py``), the one
    write path: the masked text is stored, the clear original only sealed
    beside it, customer ids keyed. Without one, the process's own
    ephemeral sealer (tests, scripts; see :func:`extractors.text.crypto.sealer.ephemeral_sealer`).
    """
    sealer = sealer or ephemeral_sealer()
    uri = batch.uri
    records, deletions, batch.stale_in_graph = _current(store, batch)
    written = [t.id for t in records]
    ids = written + [d.id for d in deletions]
    shared = store.read(tq.SHARED_OF_TICKETS, {"uris": [uri]})
    shared += store.read(tq.SHARED_OF_IDS, {"ids": ids}) if ids else []
    # Entries of what is replaced: those left without a link go with it.
    known = store.read(bq.ENTRIES_OF_SOURCES, {"uris": [uri]})
    known += store.read(bq.ENTRIES_OF_IDS, {"ids": ids}) if ids else []
    stale = sorted({e for r in known for e in r["entries"] or []})
    symptoms = sorted({s for r in shared for s in r["symptoms"] or []})
    customers = sorted({c for r in shared for c in r["customers"] or []})
    parties = sorted({p for r in shared for p in r["parties"] or []})
    products = _Products(store.read(cq.ALL_PRODUCTS))
    tickets, messages, custs, prods, codes, trace_rows, solutions = [], [], [], [], [], [], []
    entries: list[dict[str, Any]] = []  # customers' blind-index entries
    desk: dict[str, list[dict[str, Any]]] = {"agents": [], "groups": [], "organizations": []}
    members: list[dict[str, Any]] = []
    for t in records:
        facts = _facts(uri, now_ms)
        tickets.append(_ticket_row(t, uri, now_ms, sealer))
        customer = sealer.customer_id(t.system, t.customer_key) if t.customer_key else None
        for kind, party in (("agents", t.assignee), ("groups", t.group),
                            ("organizations", t.organization)):  # fmt: skip
            if party is not None:
                desk[kind].append({"tid": t.id, "id": party.id, "name": party.name,
                                   "props": {"system": t.system, **facts}})  # fmt: skip
        if t.assignee is not None and t.group is not None:
            members.append({"agent": t.assignee.id, "group": t.group.id,
                            "props": _facts(uri, now_ms, 0.9)})  # fmt: skip
        for m in t.messages:
            mid = f"message:{t.system}:{t.key}:{m.ordinal}"
            author = sealer.customer_id(t.system, m.author_key) if m.author_key else m.author_ref
            sealed = sealer.seal(mid, {"body": m.original} if m.original else {})
            messages.append({"tid": t.id, "props": {
                "id": mid, "ticket": t.id, "ordinal": m.ordinal, "role": m.role,
                "author": author, "body": m.body, "created_at": m.created_at,
                "public": m.public, "language": language(m.body), **facts, **sealed}})  # fmt: skip
        if customer is not None:
            contact = [(k.upper(), v) for k, v in t.customer.items() if k in ("email", "phone")]
            record = sealer.seal(customer, t.customer)
            custs.append(
                {"tid": t.id, "cid": customer, "props": {"system": t.system, **facts, **record}}
            )
            # A ticket that carries the requester's record has the current word on
            # their contact; one without a record leaves the entries as they are.
            if t.customer:
                entries.append({"id": customer, "entries": sealer.index(contact)})
        text = t.text
        linked: dict[str, list[str]] = {}
        for name in t.products:
            linked.setdefault(products.resolve(name), [])
        for pid, versions in products.mentions(text).items():
            linked.setdefault(pid, []).extend(v for v in versions if v not in linked.get(pid, []))
        names = {products.resolve(n): n for n in t.products}
        for pid, versions in linked.items():
            prods.append({"tid": t.id, "pid": pid, "name": names.get(pid, pid[8:]),
                          "versions": list(dict.fromkeys([*t.versions, *versions]))
                          if pid in names else versions, **_facts(uri, now_ms, 0.8)})  # fmt: skip
        for code, strong in error_codes(text):
            codes.append({"tid": t.id, "code": code, "strong": strong,
                          "sid": f"symptom:code:{code}",
                          "props": {"id": f"symptom:code:{code}", "kind": "code", "code": code,
                                    **_facts(uri, now_ms, 0.9)}})  # fmt: skip
        found: dict[str, tuple[TraceLike, int]] = {}
        for tr in (tr for part in t.parts for tr in traces(part)):
            prev = found.get(tr.fingerprint)
            found[tr.fingerprint] = (tr, prev[1] + 1 if prev else 1)
        for fp, (tr, n) in found.items():
            template = getattr(tr, "message_template", "") or tr.message
            trace_rows.append({"tid": t.id, "sid": f"symptom:{fp}", "count": n, "props": {
                "id": f"symptom:{fp}", "kind": "stacktrace", "fingerprint": fp,
                "exception_type": tr.exception_type,
                "message_template": mask(template, ips=True),
                "language": tr.language, **_facts(uri, now_ms, 0.9)}})  # fmt: skip
        if t.resolved and t.resolution:
            sid = f"solution:{t.id}"
            clear = t.originals.get("resolution")
            sealed = sealer.seal(sid, {"text": clear} if clear else {})
            solutions.append({"tid": t.id, "props": {
                "id": sid, "kind": "ticket", "ticket": t.id,
                "text": t.resolution, "steps": numbered_steps(t.resolution),
                "language": language(t.resolution), **_facts(uri, now_ms, 0.8),
                **sealed}})  # fmt: skip

    gone = [{"props": {"id": f"deleted:{d.id}", "ticket": d.id, "key": d.key,
                       "updated_at": d.version.updated_at, "updated_ms": d.version.updated_ms,
                       "generated_ms": d.version.generated_ms, "location": d.location,
                       **_facts(uri, now_ms)}} for d in deletions]  # fmt: skip

    # One transaction: the source is wholly the old tickets or wholly the new.
    with store.transaction() as tx:
        tx.run(tq.DELETE_TICKETS_OF, {"uris": [uri]})
        if ids:
            tx.run(tq.DELETE_TICKETS_BY_ID, {"ids": ids})
        tx.run(tq.DELETE_LOOSE_OF, {"uris": [uri]})
        tx.run(tq.DELETE_DELETIONS_OF, {"uris": [uri]})
        if written:
            tx.run(tq.DELETE_DELETIONS_BY_TICKET, {"ids": written})
        tx.run_batch(tq.UPSERT_DELETIONS, gone)

        tx.run_batch(tq.UPSERT_TICKETS, tickets, batch_size=200)
        tx.run_batch(tq.UPSERT_MESSAGES, messages, batch_size=500)
        tx.run_batch(tq.LINK_CUSTOMERS, custs)
        tx.run_batch(bq.SET_TICKET_ENTRIES, [{"id": r["id"], "entries": r["entries"]}
                                             for r in tickets], batch_size=200)  # fmt: skip
        tx.run_batch(bq.SET_CUSTOMER_ENTRIES, entries)
        tx.run_batch(tq.LINK_PRODUCTS, prods)
        tx.run_batch(tq.LINK_CODES, codes)
        tx.run_batch(tq.LINK_TRACES, trace_rows)
        tx.run_batch(tq.UPSERT_SOLUTIONS, solutions)
        tx.run_batch(tq.LINK_AGENTS, desk["agents"])
        tx.run_batch(tq.LINK_GROUPS, desk["groups"])
        tx.run_batch(tq.LINK_ORGANIZATIONS, desk["organizations"])
        tx.run_batch(tq.LINK_MEMBERSHIPS, members)
        if symptoms:
            tx.run(tq.DELETE_ORPHAN_SYMPTOMS, {"ids": symptoms})
        if customers:
            tx.run(tq.DELETE_ORPHAN_CUSTOMERS, {"ids": customers})
        if stale:
            tx.run(bq.DELETE_ORPHAN_ENTRIES, {"entries": stale})
        for prefix, cypher in (("agent:", tq.DELETE_ORPHAN_AGENTS),
                               ("group:", tq.DELETE_ORPHAN_GROUPS),
                               ("organization:", tq.DELETE_ORPHAN_ORGANIZATIONS)):  # fmt: skip
            if mine := [p for p in parties if p.startswith(prefix)]:
                tx.run(cypher, {"ids": mine})
        for cypher, params in extra:
            tx.run(cypher, params)
    return {
        "tickets": len(tickets),
        "messages": len(messages),
        "customers": len({c["cid"] for c in custs}),
        "product_links": len(prods),
        "code_mentions": len(codes),
        "traces": len(trace_rows),
        "solutions": len(solutions),
        "deleted": len(deletions),
        "stale": len(batch.skipped_versions),
        "assignees": len({r["id"] for r in desk["agents"]}),
        "groups": len({r["id"] for r in desk["groups"]}),
        "organizations": len({r["id"] for r in desk["organizations"]}),
        "problems": len(batch.problems),
    }


def retire_tickets(store: Store, uris: list[str]) -> None:
    """A removed export: its tickets and solutions stay traceable but leave search."""
    store.write(tq.RETIRE_TICKETS_OF, {"uris": uris})
