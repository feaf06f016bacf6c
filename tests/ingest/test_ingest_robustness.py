"""Bad input to an ingest: each failure is reported, named and kept reported
until fixed, and never costs facts already stored."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from extractors.ingest.pipeline import Ingestor
from graph.store import Store

PAGE = "# Relay {n}\n\nThe relay {n} forwards frames to the standby broker.\n"


def _live_documents(store: Store) -> set[str]:
    rows = store.read("MATCH (d:Document) WHERE d.retired_at IS NULL RETURN d.source AS s")
    return {Path(r["s"]).name for r in rows}


def test_truncated_json_export_is_one_error_with_line_and_column(
    fresh: Store, tmp_path: Path
) -> None:
    tickets = {"tickets": [{"id": f"T-{i}", "subject": f"Relay {i} drops frames",
                            "description": "frames are lost", "status": "open"}
                           for i in range(5)]}  # fmt: skip
    text = json.dumps(tickets, indent=2)
    (tmp_path / "export.json").write_text(text[: len(text) // 2], encoding="utf-8")
    report = Ingestor(fresh, progress=False).run([tmp_path])
    assert report.new == 0 and report.tickets == 0 and not report.failed_records
    [(uri, reason)] = report.failed
    assert uri.endswith("export.json")
    assert "invalid JSON at line" in reason and "column" in reason and "truncated" in reason


@pytest.mark.parametrize(
    ("sidecar", "problem"),
    [("", "is empty"), ("<Date> <Time> [<Level>] <Content>", "matches none of the first")],
)
def test_a_broken_log_format_sidecar_is_an_error(
    fresh: Store, tmp_path: Path, sidecar: str, problem: str
) -> None:
    log = tmp_path / "relay.log"
    log.write_text("relay 1 up\nrelay 2 down: frame lost\n", encoding="utf-8")
    (tmp_path / "relay.log.format").write_text(sidecar, encoding="utf-8")
    report = Ingestor(fresh, progress=False).run([tmp_path])
    [(uri, reason)] = report.failed
    assert uri == str(log) and problem in reason
    assert report.log_templates == 0


def test_failed_records_stay_reported_until_fixed(fresh: Store, tmp_path: Path) -> None:
    export = tmp_path / "tickets.jsonl"
    good = json.dumps({"id": "T-1", "subject": "Relay drops frames", "status": "open"})
    export.write_text(good + "\n{not json\n", encoding="utf-8")
    first = Ingestor(fresh, progress=False).run([tmp_path])
    assert first.tickets == 1 and len(first.failed_records) == 1
    again = Ingestor(fresh, progress=False).run([tmp_path])
    assert again.unchanged == 1
    assert again.failed_records == first.failed_records  # not fixed: still reported
    export.write_text(good + "\n", encoding="utf-8")
    fixed = Ingestor(fresh, progress=False).run([tmp_path])
    assert fixed.changed == 1 and fixed.failed_records == []
    assert Ingestor(fresh, progress=False).run([tmp_path]).failed_records == []


@pytest.fixture
def unreadable(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Path]]:
    """Directories that cannot be listed: by their mode for an ordinary user;
    root reads any mode, so for root listing them fails as it would."""
    blocked: list[Path] = []
    if os.geteuid() == 0:
        scandir = os.scandir

        def refusing(path: object = ".") -> object:
            if any(Path(str(path)) == b for b in blocked):
                raise PermissionError(13, "Permission denied", str(path))
            return scandir(path)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "scandir", refusing)
    yield blocked
    for b in blocked:
        b.chmod(0o755)


def test_an_unreadable_directory_is_a_failure_never_a_retirement(
    fresh: Store, tmp_path: Path, unreadable: list[Path]
) -> None:
    sub = tmp_path / "private"
    sub.mkdir()
    for n in range(2):
        (sub / f"relay-{n}.md").write_text(PAGE.format(n=n), encoding="utf-8")
    (tmp_path / "relay-top.md").write_text(PAGE.format(n=9), encoding="utf-8")
    assert Ingestor(fresh, progress=False).run([tmp_path]).new == 3
    sub.chmod(0)
    unreadable.append(sub)
    report = Ingestor(fresh, progress=False).run([tmp_path])
    assert report.retired == 0
    assert [(uri, reason.split(":")[0]) for uri, reason in report.failed] == [
        (str(sub), "unreadable directory")
    ]
    assert _live_documents(fresh) == {"relay-0.md", "relay-1.md", "relay-top.md"}


def test_html_nested_beyond_the_parser_limit_is_refused(fresh: Store, tmp_path: Path) -> None:
    deep = "<html><body><h1>Relay</h1>" + "<div>" * 5000 + "frames" + "</div>" * 5000
    (tmp_path / "deep.html").write_text(deep + "</body></html>", encoding="utf-8")
    (tmp_path / "fine.html").write_text(
        "<html><body><h1>Relay</h1><div><p>frames are forwarded</p></div></body></html>",
        encoding="utf-8",
    )
    report = Ingestor(fresh, progress=False).run([tmp_path])
    [(uri, reason)] = report.failed
    assert uri.endswith("deep.html") and "nested deeper than 256 elements" in reason
    assert report.new == 1


def test_a_single_zendesk_ticket_export_is_read(fresh: Store, tmp_path: Path) -> None:
    ticket = {"ticket": {"id": 35436, "subject": "Relay drops frames after upgrade",
                         "description": "Since 2.1 every relay drops frames.",
                         "status": "open", "created_at": "2026-01-01T00:00:00Z"}}  # fmt: skip
    (tmp_path / "ticket.json").write_text(json.dumps(ticket), encoding="utf-8")
    report = Ingestor(fresh, progress=False).run([tmp_path])
    assert not report.failed and not report.failed_records
    assert report.tickets == 1


def _workbook(path: Path, rows: list[list[object]]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)


HEADER: list[object] = ["code", "message", "solution"]


def test_a_workbook_that_unpacks_past_the_limit_is_refused(fresh: Store, tmp_path: Path) -> None:
    """One cell of 300 MiB in a file of well under a megabyte."""
    import zipfile

    from extractors.limits import Limits

    max_unpacked = Limits().max_unpacked_bytes

    plain = tmp_path / "plain.xlsx"
    _workbook(plain, [HEADER, ["RL-1", "relay down", "1. restart the relay"]])
    bomb = tmp_path / "codes.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            if not item.filename.startswith("xl/worksheets/sheet"):
                out.writestr(item, src.read(item))
                continue
            with out.open(item.filename, "w", force_zip64=True) as fh:
                fh.write(
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                    b'2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
                )
                chunk = b"a" * (1 << 20)
                for _ in range(max_unpacked // len(chunk) + 100):
                    fh.write(chunk)
                fh.write(b"</t></is></c></row></sheetData></worksheet>")
    plain.unlink()
    assert bomb.stat().st_size < 2 * 2**20
    report = Ingestor(fresh, progress=False).run([tmp_path])
    [(uri, reason)] = report.failed
    assert uri == str(bomb) and "over the limit of 200 MiB" in reason


def test_a_sheet_wider_than_the_limit_is_skipped_and_said(fresh: Store, tmp_path: Path) -> None:
    wide = [*HEADER, *([""] * 1500), "x"]
    _workbook(tmp_path / "wide.xlsx", [wide, ["RL-1", "relay down", "1. restart"]])
    report = Ingestor(fresh, progress=False).run([tmp_path])
    [(uri, reason)] = report.failed  # its only sheet was not read
    assert uri.endswith("wide.xlsx") and "no sheet holds" in reason
    assert "columns, over the limit of 1,000" in reason


def test_limits_are_configurable_and_named_in_the_failure(fresh: Store, tmp_path: Path) -> None:
    """A file over GRAPHDESK_MAX_FILE_MB is refused before it is read, and what an
    earlier, smaller version stored stays; other limits come from the same settings."""
    from api.settings import Settings
    from extractors.limits import MIB

    page = tmp_path / "relay.md"
    page.write_text("# Relay\n\nError RLY-7 means the relay is down.\n", encoding="utf-8")
    assert Ingestor(fresh, progress=False).run([tmp_path]).new == 1
    settings = Settings(max_file_mb=1, max_columns=5)
    limits = settings.limits()
    assert limits.max_file_bytes == MIB and limits.max_columns == 5
    page.write_text("# Relay\n\n" + "The relay forwards frames. " * 50_000, encoding="utf-8")
    report = Ingestor(fresh, progress=False, limits=limits).run([tmp_path])
    [(uri, reason)] = report.failed
    assert uri == str(page) and "over the limit of 1 MiB (GRAPHDESK_MAX_FILE_MB)" in reason
    assert report.retired == 0
    kept = fresh.read("MATCH (s:Section) WHERE s.text CONTAINS 'RLY-7' RETURN count(s) AS n")
    assert kept[0]["n"] == 1
    wide = tmp_path / "wide.xlsx"
    _workbook(wide, [[*HEADER, "a", "b", "c"], ["RL-2", "queue full", "1. drain it", 1, 2, 3]])
    report = Ingestor(fresh, progress=False, limits=limits).run([wide])
    [(_, reason)] = report.failed
    assert "over the limit of 5 (GRAPHDESK_MAX_COLUMNS)" in reason


def test_a_wide_sheet_without_a_dimension_is_found_by_streaming(tmp_path: Path) -> None:
    """A sheet that does not declare its size is measured before openpyxl reads a row:
    one row of many cells would otherwise be one enormous list."""
    import zipfile

    from extractors.records import ExtractionError
    from extractors.tables.xlsx import parse_xlsx

    plain = tmp_path / "plain.xlsx"
    _workbook(plain, [HEADER, ["RL-1", "relay down", "1. restart the relay"]])
    wide = tmp_path / "wide.xlsx"
    cells = b"".join(b'<c t="inlineStr"><is><t>x</t></is></c>' for _ in range(1_500))
    sheet = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             b'<sheetData><row r="1">' + cells + b"</row></sheetData></worksheet>")  # fmt: skip
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(wide, "w") as out:
        for name in src.namelist():
            out.writestr(name, sheet if name.startswith("xl/worksheets/sheet") else src.read(name))
    with pytest.raises(
        ExtractionError, match=r"has more than 1,000 columns.*GRAPHDESK_MAX_COLUMNS"
    ):
        parse_xlsx(wide.read_bytes(), str(wide))
    assert parse_xlsx(plain.read_bytes(), str(plain)).error_codes  # a normal sheet still reads
