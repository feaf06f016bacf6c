"""An older ticket version never replaces a newer one, whatever the order pages are
read in: across files (in the graph, on both backends), inside one file, and for
deleted tickets (tests/data/exports/zendesk/incremental, constructed; see its README)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from extractors.ingest.pipeline import Ingestor
from extractors.tickets import parse_ticket_file, parse_tickets, write_tickets
from extractors.tickets.versions import Version
from graph.store import Store

INCREMENTAL = Path(__file__).resolve().parent.parent / "data/exports/zendesk/incremental"
NOW = 1_700_000_000_000
LIVE = "ticket:zendesk:35436"
DELETED = "ticket:zendesk:35437"


def _file(path: Path):  # type: ignore[no-untyped-def]
    return parse_ticket_file(path, path.read_bytes())


def _graph(store: Store) -> list[Any]:
    """Every node's properties and every edge, in a stable order."""
    nodes = store.read("MATCH (n) RETURN labels(n) AS labels, n {.*} AS props")
    edges = store.read(
        "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS type, r {.*} AS props, b.id AS b"
    )
    key = lambda r: json.dumps(r, sort_keys=True, default=str)  # noqa: E731
    return sorted(map(key, nodes)) + sorted(map(key, edges))


def _ticket(store: Store, tid: str) -> dict[str, Any] | None:
    rows = store.read("MATCH (t:Ticket {id: $id}) RETURN t {.*} AS t", {"id": tid})
    return rows[0]["t"] if rows else None


def test_versions_compare_by_update_time_then_generated_timestamp() -> None:
    a = Version("2011-05-05T10:38:52Z", 1, None)
    assert a.older_than(Version(None, 2)) and not Version(None, 2).older_than(a)
    assert not a.older_than(Version(None, 1))  # equal: not older (the later read wins)
    assert not a.older_than(Version())  # unknown on either side: not older
    assert not Version().older_than(a)
    assert Version(None, 5, 10).older_than(Version(None, 5, 11))
    assert not Version(None, 5, None).older_than(Version(None, 5, 11))


def test_an_older_page_read_after_a_newer_one_changes_nothing(fresh: Store) -> None:
    newer, older = INCREMENTAL / "tickets-0002.json", INCREMENTAL / "tickets-0001.json"
    counts = write_tickets(fresh, _file(newer), NOW)
    assert (counts["tickets"], counts["deleted"], counts["stale"]) == (1, 1, 0)
    live = _ticket(fresh, LIVE)
    assert live is not None and live["status"] == "solved"
    assert live["updated_at"] == "2011-05-06T09:00:00Z" and live["generated_ms"] == 1304672400000
    before = _graph(fresh)

    batch = _file(older)
    counts = write_tickets(fresh, batch, NOW + 1)
    assert (counts["tickets"], counts["deleted"], counts["stale"]) == (0, 0, 2)
    assert _graph(fresh) == before  # nothing written, nothing lost
    first, second = batch.stale_in_graph
    assert first == (
        f"{older}: record 0: ticket 35436 version (updated 2011-05-05T10:38:52Z) is older than "
        f"the version stored from {newer} (updated 2011-05-06T09:00:00Z); skipped"
    )
    # the deleted ticket does not come back from the page that still has it
    assert second.startswith(f"{older}: record 1: ticket 35437 version (updated 2011-05-06T08")
    assert f"its deletion recorded from {newer} (updated 2011-05-06T09:30:00Z)" in second

    # idempotent: the same stale write again, and the newer page again
    counts = write_tickets(fresh, _file(older), NOW + 2)
    assert counts["stale"] == 2 and _graph(fresh) == before
    write_tickets(fresh, _file(newer), NOW)
    assert _graph(fresh) == before


def test_a_newer_page_still_replaces_an_older_one(fresh: Store) -> None:
    write_tickets(fresh, _file(INCREMENTAL / "tickets-0001.json"), NOW)
    assert (_ticket(fresh, LIVE) or {})["status"] == "open"
    counts = write_tickets(fresh, _file(INCREMENTAL / "tickets-0002.json"), NOW + 1)
    assert (counts["tickets"], counts["deleted"], counts["stale"]) == (1, 1, 0)
    assert (_ticket(fresh, LIVE) or {})["status"] == "solved"
    assert _ticket(fresh, DELETED) is None
    (gone,) = fresh.read("MATCH (d:DeletedTicket) RETURN d {.*} AS d")
    assert gone["d"]["id"] == "deleted:" + DELETED and gone["d"]["updated_ms"] == 1304674200000
    assert not ({"subject", "text", "description", "search"} & set(gone["d"]))  # no text kept


def _restored(tmp_path: Path) -> Path:
    """35437 restored after its deletion: open again, updated later (constructed)."""
    page = json.loads((INCREMENTAL / "tickets-0001.json").read_text())
    ticket = {**page["tickets"][1], "status": "open", "updated_at": "2011-05-06T10:00:00Z"}
    path = tmp_path / "later" / "tickets-0003.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"tickets": [ticket], "end_of_stream": True, "end_time": 0}))
    return path


def test_a_deletion_older_than_the_stored_update_is_skipped(fresh: Store, tmp_path: Path) -> None:
    restored, deleting = _restored(tmp_path), INCREMENTAL / "tickets-0002.json"
    write_tickets(fresh, _file(restored), NOW)
    batch = _file(deleting)
    counts = write_tickets(fresh, batch, NOW + 1)
    assert (counts["deleted"], counts["stale"]) == (0, 1)
    assert (_ticket(fresh, DELETED) or {})["status"] == "open"
    assert fresh.read("MATCH (d:DeletedTicket) RETURN d.id AS id") == []
    (line,) = batch.stale_in_graph
    assert "ticket 35437 deletion (updated 2011-05-06T09:30:00Z) is older than the version" in line


def test_a_ticket_restored_after_its_deletion_comes_back(fresh: Store, tmp_path: Path) -> None:
    write_tickets(fresh, _file(INCREMENTAL / "tickets-0002.json"), NOW)
    assert _ticket(fresh, DELETED) is None
    counts = write_tickets(fresh, _file(_restored(tmp_path)), NOW + 1)
    assert (counts["tickets"], counts["stale"]) == (1, 0)
    assert (_ticket(fresh, DELETED) or {})["status"] == "open"
    assert fresh.read("MATCH (d:DeletedTicket) RETURN d.id AS id") == []


def test_within_one_file_the_newer_version_wins_in_any_order(tmp_path: Path) -> None:
    """Pages appended out of order (JSON Lines, newer page first)."""
    pages = [json.loads((INCREMENTAL / f"tickets-000{i}.json").read_text()) for i in (2, 1)]
    jsonl = tmp_path / "tickets.jsonl"
    jsonl.write_text("\n".join(json.dumps(p) for p in pages) + "\n")
    batch = parse_tickets(jsonl.read_bytes(), str(jsonl))
    assert not batch.problems
    assert [(r.key, r.status, r.location) for r in batch.records] == [
        ("35436", "solved", "line 1, record 0")
    ]
    assert batch.deleted == [DELETED]  # the deletion is newer than the page after it
    assert [s.split(": ")[1] for s in batch.stale] == ["line 2, record 0", "line 2, record 1"]
    assert (
        "is older than the one at line 1, record 1 (updated 2011-05-06T09:30:00Z)"
        in (batch.stale[1])
    )
    # outside an incremental export a repeated id stays a problem, and the newer wins
    issues = [
        {"key": "SUP-1", "fields": {"summary": "newer", "updated": "2024-01-02T10:00:00.000+0000"}},
        {"key": "SUP-1", "fields": {"summary": "older", "updated": "2024-01-01T10:00:00.000+0000"}},
    ]
    plain = parse_tickets(json.dumps(issues).encode(), "issues.json")
    assert [r.subject for r in plain.records] == ["newer"]
    (problem,) = plain.problems
    assert problem.location == "record 1" and "the newer record (record 0) is kept" in str(problem)


def test_jira_issues_are_ordered_by_their_updated_field(fresh: Store) -> None:
    def page(summary: str, updated: str) -> bytes:
        issue = {"key": "SUP-9", "fields": {"summary": summary, "updated": updated}}
        return json.dumps({"startAt": 0, "maxResults": 50, "total": 1, "issues": [issue]}).encode()

    newer = parse_tickets(page("newer", "2024-02-01T10:00:00.000+0000"), "b.json")
    write_tickets(fresh, newer, NOW)
    older = parse_tickets(page("older", "2024-01-31T10:00:00.000+0100"), "a.json")
    assert write_tickets(fresh, older, NOW)["stale"] == 1
    assert (_ticket(fresh, "ticket:jira:SUP-9") or {})["subject"] == "newer"


def test_the_ingest_report_says_a_stale_version_was_skipped(fresh: Store, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    shutil.copy(INCREMENTAL / "tickets-0002.json", folder)
    first = Ingestor(fresh, progress=False).run([folder])
    assert (first.new, first.tickets, first.stale_tickets) == (1, 1, 0)
    shutil.copy(INCREMENTAL / "tickets-0001.json", folder)  # an older page, found later
    report = Ingestor(fresh, progress=False).run([folder])
    assert (report.new, report.changed, report.unchanged) == (1, 0, 1)
    assert not report.failed and not report.failed_records
    assert (report.tickets, report.stale_tickets) == (0, 2)
    assert "skipped 2 older ticket versions" in report.summary()
    stale = [w for w in report.warnings if w.endswith("; skipped")]
    assert len(stale) == 2 and all("tickets-0001.json: record" in w for w in stale)
    assert (_ticket(fresh, LIVE) or {})["status"] == "solved"
    assert _ticket(fresh, DELETED) is None


def test_a_newer_page_replaced_by_an_older_one_leaves_the_older_live(
    fresh: Store, tmp_path: Path
) -> None:
    """The newer page's file is gone: its version no longer blocks (it is retired by
    the same ingest), but its deletion still holds."""
    folder = tmp_path / "export"
    folder.mkdir()
    shutil.copy(INCREMENTAL / "tickets-0002.json", folder)
    Ingestor(fresh, progress=False).run([folder])
    (folder / "tickets-0002.json").unlink()
    shutil.copy(INCREMENTAL / "tickets-0001.json", folder)
    report = Ingestor(fresh, progress=False).run([folder])
    assert (report.new, report.retired, report.tickets, report.stale_tickets) == (1, 1, 1, 1)
    (stale,) = [w for w in report.warnings if w.endswith("; skipped")]
    assert "ticket 35437 version" in stale and "its deletion recorded from" in stale
    live = _ticket(fresh, LIVE) or {}
    assert (live["status"], live.get("retired_at"), live["source"]) == (
        "open",
        None,
        str(folder / "tickets-0001.json"),
    )
    assert _ticket(fresh, DELETED) is None


def test_jira_csv_times_are_ordered_like_iso_ones() -> None:
    from extractors.tickets.values import time_of

    morning, afternoon = time_of("02/Jan/24 10:00 AM"), time_of("02/Jan/24 1:05 PM")
    assert morning[0] == "02/Jan/24 10:00 AM" and morning[1] is not None
    assert afternoon[1] is not None and afternoon[1] - morning[1] == (3 * 60 + 5) * 60_000
    assert time_of("02/Jan/2024 10:00 AM")[1] == morning[1]
    iso = time_of("2024-01-02T10:00:00")[1]
    assert iso == morning[1]  # both without a zone: the same local time
    assert time_of("sometime last week") == ("sometime last week", None)
