"""Real ticket export shapes (tests/data/exports, sources in its README): Zendesk
API pages, incremental exports, side-loaded users, comment pages and ticket
events; Jira search pages with comment pages; byte-order marks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from extractors.records import ExtractionError
from extractors.tickets import (
    companion_digest,
    parse_ticket_file,
    parse_tickets,
    write_tickets,
)
from graph.store import Store

EXPORTS = Path(__file__).resolve().parent.parent / "data" / "exports"
ZENDESK = EXPORTS / "zendesk"
INCREMENTAL = ZENDESK / "incremental"
JIRA = EXPORTS / "jira"
NOW = 1_700_000_000_000


def _file(path: Path):  # type: ignore[no-untyped-def]
    return parse_ticket_file(path, path.read_bytes())


def test_zendesk_ticket_with_its_comments_page_in_the_api_layout() -> None:
    """go-zendesk's recorded ticket 2 and /tickets/2/comments.json (plain_body empty)."""
    batch = _file(ZENDESK / "api" / "ticket.json")
    assert not batch.problems and not batch.notes
    (t,) = batch.records
    assert (t.id, t.status, t.resolved) == ("ticket:zendesk:2", "solved", True)
    assert [m.body for m in t.messages] == ["Mail to create fixture ticket for testing"] * 2
    assert [m.role for m in t.messages] == ["customer", "customer"]  # the requester wrote both
    # the page alone is read with the export, and says nothing
    page = _file(ZENDESK / "api" / "tickets" / "2" / "comments.json")
    assert (page.page, page.records, page.notes) == ("zendesk-comments", [], [])
    assert companion_digest(ZENDESK / "api" / "ticket.json") != ""


def test_side_loaded_users_give_roles_and_decide_who_resolved(tmp_path: Path) -> None:
    batch = _file(INCREMENTAL / "tickets-0002.json")
    (t,) = batch.records
    assert [(m.role, m.public) for m in t.messages] == [
        ("customer", True),  # the requester
        ("customer", True),  # another end-user (users.json): not an agent reply
        ("agent", False),  # a private note
        ("agent", True),
    ]
    assert t.resolution is not None and t.resolution.startswith("1. Switch the printer off.")
    # without users.json the second end-user counts as an agent (not the requester)
    copy = tmp_path / "incremental"
    shutil.copytree(INCREMENTAL, copy)
    (copy / "users.json").unlink()
    (t,) = _file(copy / "tickets-0002.json").records
    assert t.messages[1].role == "agent"


def test_incremental_pages_repeat_and_delete_tickets(tmp_path: Path) -> None:
    first = _file(INCREMENTAL / "tickets-0001.json")
    assert [(r.key, r.status) for r in first.records] == [("35436", "open"), ("35437", "new")]
    second = _file(INCREMENTAL / "tickets-0002.json")
    assert [r.key for r in second.records] == ["35436"]
    assert second.deleted == ["ticket:zendesk:35437"] and not second.problems
    # the same pages as JSON Lines, one page a line: a repeated ticket is an update
    pages = [json.loads((INCREMENTAL / f"tickets-000{i}.json").read_text()) for i in (1, 2)]
    jsonl = tmp_path / "tickets.jsonl"
    jsonl.write_text("\n".join(json.dumps(p) for p in pages) + "\n")
    batch = parse_tickets(jsonl.read_bytes(), str(jsonl))
    assert batch.preset == "zendesk" and not batch.problems
    assert [(r.key, r.status, r.location) for r in batch.records] == [
        ("35436", "solved", "line 2, record 0")
    ]
    assert batch.deleted == ["ticket:zendesk:35437"]
    # outside an incremental export a repeated id is still a problem
    plain = json.dumps({"tickets": pages[0]["tickets"] * 2}).encode()
    assert [p.location for p in parse_tickets(plain, "t.json").problems] == [
        "record 2",
        "record 3",
    ]


def test_deleted_and_private_tickets_in_the_graph(fresh: Store) -> None:
    write_tickets(fresh, _file(INCREMENTAL / "tickets-0001.json"), NOW)
    ids = {r["id"] for r in fresh.read("MATCH (t:Ticket) RETURN t.id AS id")}
    assert ids == {"ticket:zendesk:35436", "ticket:zendesk:35437"}
    counts = write_tickets(fresh, _file(INCREMENTAL / "tickets-0002.json"), NOW + 1)
    assert counts["deleted"] == 1
    ids = {r["id"] for r in fresh.read("MATCH (t:Ticket) RETURN t.id AS id")}
    assert ids == {"ticket:zendesk:35436"}  # removed, not retired
    assert fresh.read("MATCH (y:Symptom {id: 'symptom:code:E-2041'}) RETURN y") == []
    row = fresh.read(
        "MATCH (t:Ticket {id: 'ticket:zendesk:35436'})-[:RESOLVED_BY]->(s:Solution) "
        "RETURN t.search AS search, s.text AS text, s.steps AS steps"
    )[0]
    assert row["steps"][1] == "Update the firmware to 2.2."
    assert "fuser" not in row["text"] and "fuser" not in row["search"]  # the private note
    notes = fresh.read("MATCH (m:Message {public: false}) RETURN m.body AS body")
    assert [n["body"] for n in notes] == ["Known fault in firmware 2.1; replacing the fuser unit."]


def test_jira_search_page_with_comment_pages() -> None:
    """Atlassian's v3 comment example (self URL, visibility) and a v2 page named by key."""
    batch = _file(JIRA / "search-0000.json")
    ex1, ex2 = batch.records
    assert [m.body[:20] for m in ex1.messages] == [
        "It happens every nig",
        "Lorem ipsum dolor si",
        "Raised the export qu",
    ]
    assert [m.public for m in ex1.messages] == [None, False, None]  # visibility: a role only
    assert ex1.description == "The nightly export stops with ERR_QUOTA_EXCEEDED after 2 GB."
    assert ex1.resolution is not None and ex1.resolution.startswith("Raised the export quota")
    # EX-2's comments are neither inline nor on a page: said, not failed
    assert ex2.messages == [] and not batch.problems
    assert len(batch.notes) == 1 and "issue EX-2 has 2 comments, 0 in the export" in batch.notes[0]
    page = _file(JIRA / "comments" / "page-1.json")
    assert (page.page, page.notes) == ("jira-comments", [])


def test_comment_pages_are_matched_by_folder_name_or_comment(tmp_path: Path) -> None:
    export = tmp_path / "export"
    (export / "comments" / "77").mkdir(parents=True)
    (export / "tickets.json").write_text(json.dumps({"tickets": [
        {"id": 77, "subject": "a", "requester_id": 1, "status": "solved"},
        {"id": 78, "subject": "b", "requester_id": 1},
        {"id": 79, "subject": "c", "requester_id": 1},
    ]}))  # fmt: skip

    def page(*comments: dict[str, object]) -> str:
        return json.dumps({"comments": list(comments), "next_page": None, "count": 1})

    (export / "comments" / "77" / "page-2.json").write_text(
        page({"id": 1, "author_id": 2, "body": "by folder", "created_at": "2024-01-01T00:00:00Z"})
    )
    (export / "comments" / "78-comments.json").write_text(
        page({"id": 2, "author_id": 1, "body": "by file name"})
    )
    (export / "all-comments.json").write_text(
        page({"id": 3, "ticket_id": 79, "author_id": 1, "body": "by ticket_id"})
    )
    batch = _file(export / "tickets.json")
    assert [[m.body for m in r.messages] for r in batch.records] == [
        ["by folder"],
        ["by file name"],
        ["by ticket_id"],
    ]
    assert batch.records[0].resolution == "by folder"  # the last public agent reply
    nameless = tmp_path / "loose" / "comments.json"
    nameless.parent.mkdir()
    nameless.write_text(page({"id": 4, "author_id": 1, "body": "whose?"}))
    with pytest.raises(ExtractionError, match=r"loose/comments\.json: a Zendesk comments page"):
        _file(nameless)
    alone = tmp_path / "loose" / "5.json"
    alone.write_text(page({"id": 5, "author_id": 1, "body": "x"}))
    assert "no ticket export in its folder" in _file(alone).notes[0]


# --- byte-order marks ----------------------------------------------------------------

_ROWS = [{"id": "B1", "subject": "Überlauf ERR_QUEUE_FULL", "status": "open"}]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("suffix", [".json", ".jsonl", ".csv"])
def test_byte_order_marks_in_every_ticket_format(encoding: str, suffix: str) -> None:
    text = {
        ".json": json.dumps(_ROWS, ensure_ascii=False),
        ".jsonl": "\n".join(json.dumps(r, ensure_ascii=False) for r in _ROWS) + "\n",
        ".csv": "id,subject,status\r\nB1,Überlauf ERR_QUEUE_FULL,open\r\n",
    }[suffix]
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(encoding, b"")
    data = bom + text.encode(encoding)
    batch = parse_tickets(data, "export" + suffix)
    assert not batch.problems
    assert [(r.key, r.subject) for r in batch.records] == [("B1", "Überlauf ERR_QUEUE_FULL")]


def test_a_page_with_a_byte_order_mark_and_text_in_another_encoding(tmp_path: Path) -> None:
    export = tmp_path / "x"
    (export / "tickets" / "2").mkdir(parents=True)
    shutil.copy(ZENDESK / "api" / "ticket.json", export / "ticket.json")
    page = (ZENDESK / "api" / "tickets" / "2" / "comments.json").read_text()
    (export / "tickets" / "2" / "comments.json").write_bytes(page.encode("utf-16"))
    (t,) = _file(export / "ticket.json").records
    assert len(t.messages) == 2
    with pytest.raises(ExtractionError, match=r"t\.csv: not UTF-8 .*no byte-order mark"):
        parse_tickets("id,subject\n1,Überlauf\n".encode("latin-1"), "t.csv")


def test_a_comment_with_only_its_html_body_is_read_as_text() -> None:
    doc = {
        "ticket": {
            "id": 91, "subject": "Relay stalls", "status": "open", "requester_id": 5,
            "comments": [
                {"author_id": 5, "public": True, "plain_body": "", "body": "",
                 "html_body": "<div><p>Relay stalls with <code>RLY-4031</code>.</p>"
                              "<p>Queue &amp; workers are full.</p></div>"},
            ],
        }
    }  # fmt: skip
    batch = parse_tickets(json.dumps(doc).encode(), "/exports/zendesk-91.json")
    assert not batch.problems
    (body,) = [m.body for m in batch.records[0].messages]
    assert "RLY-4031" in body and "Queue & workers are full." in body and "<p>" not in body
