"""Error-code pages that are not tables of codes: one section per code,
definition lists, lists of codes, tables of symbols and numbers. The pages
are a fictional product's ("Quillstone")."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.documents.html import parse_html
from extractors.ingest.pipeline import Ingestor
from extractors.records import EXTRACTOR_VERSION, ErrorCodeRecord, ParsedSource
from extractors.tables.errcode_layouts import extract_layouts, split_term
from extractors.tables.errcodes import extract_tables
from graph.queries import errorcodes as eq
from graph.store import Store


def page(body: str, title: str = "Quillstone manual") -> bytes:
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>".encode()


def extract(body: str, title: str = "Quillstone manual", uri: str = "/d/p.html") -> ParsedSource:
    source = parse_html(page(body, title), uri)
    extract_tables(source)
    extract_layouts(source)
    return source


def by_code(source: ParsedSource) -> dict[str, ErrorCodeRecord]:
    return {e.code: e for e in source.error_codes}


SECTIONS = """
<h1>Quillstone reference</h1><p>Codes the server reports.</p>
<section id="server"><h2>Server codes</h2><p>Each code below has its own section.</p>
<section id="qst-2001"><h3>QST-2001: Disk quota exceeded</h3>
<p>The spool directory reached its quota; writes are refused until space is freed.</p>
<p>Raise the quota or purge old spools.</p></section>
<section id="qst-2002"><h3>QST-2002 — Ledger sealed</h3><p>The ledger was sealed by an
administrator and accepts no more entries.</p></section>
<section id="qst-2003"><h3>QST-2003</h3><p>The replica fell behind by more than the allowed lag.</p>
</section>
<section id="about"><h3>Reading these codes</h3><p>Codes are stable across releases.</p></section>
</section>
"""

SYMBOLIC_SECTIONS = """
<h1>Quill errors</h1>
<h2>Quill error codes</h2><p>Symbolic codes.</p>
<h3 id="err_tide_low"><code>ERR_TIDE_LOW</code><a href="#err_tide_low">#</a></h3>
<div class="meta"><span>Added in: v2.1.0</span><span>Removed in: v4.0.0</span></div>
<details><summary>History</summary><table><tr><th>Version</th><th>Changes</th></tr>
<tr><td>v3.0.0</td><td><p>Message reworded.</p></td></tr></table></details>
<p>The tide level fell below the configured floor.</p>
<h3 id="err_spool_full"><code>ERR_SPOOL_FULL</code><a href="#err_spool_full">#</a></h3>
<p>The spool cannot take another batch.</p>
<h3 id="spool_write_error"><code>SPOOL_WRITE_ERROR</code></h3><p>Writing a spool file failed.</p>
<h3 id="err_ledger_gap"><code>ERR_LEDGER_GAP</code></h3>
<p>Short.</p><p>A ledger entry is missing.</p>
"""


def test_one_section_per_code() -> None:
    source = extract(SECTIONS)
    codes = by_code(source)
    assert set(codes) == {"QST-2001", "QST-2002", "QST-2003"}
    quota = codes["QST-2001"]
    assert quota.message == "Disk quota exceeded"
    assert quota.description == (
        "The spool directory reached its quota; writes are refused until space is freed."
        " Raise the quota or purge old spools."
    )
    assert quota.uri == "/d/p.html#qst-2001"
    assert quota.section_id and quota.section_id.endswith("#qst-2001")
    assert quota.class_name == "Server codes"
    assert quota.layout == "sections" and quota.confidence < 1
    assert codes["QST-2002"].message == "Ledger sealed"
    # no message in the heading: the first paragraph is the message
    assert codes["QST-2003"].message == "The replica fell behind by more than the allowed lag."
    assert codes["QST-2003"].description is None


def test_sections_skip_version_notes_and_changelogs() -> None:
    codes = by_code(extract(SYMBOLIC_SECTIONS))
    assert set(codes) == {"ERR_TIDE_LOW", "ERR_SPOOL_FULL", "SPOOL_WRITE_ERROR", "ERR_LEDGER_GAP"}
    assert codes["ERR_TIDE_LOW"].message == "The tide level fell below the configured floor."
    assert codes["ERR_TIDE_LOW"].uri == "/d/p.html#err_tide_low"
    # a very short first paragraph takes the next one with it
    assert codes["ERR_LEDGER_GAP"].message == "Short. A ledger entry is missing."


def test_a_page_that_mentions_codes_in_a_few_headings_gives_none() -> None:
    body = """
    <h1>Troubleshooting</h1>
    <h2>Installing</h2><p>Run the installer.</p>
    <h2>QST-2001 when writing</h2><p>Free some space.</p>
    <h2>Upgrading</h2><p>Read the notes.</p>
    <h2>Backups</h2><p>Take them nightly.</p>
    """
    assert extract(body).error_codes == []


def test_constant_headings_without_error_evidence_give_none() -> None:
    body = """
    <h1>Configuration</h1>
    <h2>Settings</h2>
    <h3>MAX_SPOOL_SIZE</h3><p>Largest spool in bytes.</p>
    <h3>SPOOL_DIR</h3><p>Where spools are kept.</p>
    <h3>TIDE_INTERVAL</h3><p>Seconds between tide checks.</p>
    """
    assert extract(body, title="Quillstone configuration").error_codes == []
    # the same shapes under a heading that says they are error codes do count
    coded = extract(body.replace("Settings", "Result codes"), title="Quillstone codes")
    assert {e.code for e in coded.error_codes} == {"MAX_SPOOL_SIZE", "SPOOL_DIR", "TIDE_INTERVAL"}


def test_bare_numbers_only_under_a_heading_that_says_codes() -> None:
    body = """
    <h1>quillctl</h1><h2>{0}</h2>
    <h3>0</h3><p>Success.</p><h3>2</h3><p>Bad arguments.</p>
    <h3>75</h3><p>Temporary failure; try again.</p>
    """
    exit_codes = by_code(extract(body.format("Exit codes")))
    assert set(exit_codes) == {"0", "2", "75"}
    assert exit_codes["75"].message == "Temporary failure; try again."
    assert extract(body.format("Release history")).error_codes == []


DEFINITIONS = """
<h1>quill.errno — error symbols</h1>
<p>The symbols below are raised by the socket layer.</p>
<dl><dt id="quill.errcodes">quill.errcodes</dt><dd><p>Mapping of numbers to names.</p></dd></dl>
<dl><dt id="quill.EPIPE">quill.EPIPE<a class="headerlink" href="#quill.EPIPE">¶</a></dt>
<dd><p>Broken pipe. Raised when the peer closed the stream.</p></dd></dl>
<dl><dt id="quill.ECONNREFUSED">quill.ECONNREFUSED (111)</dt>
<dd><p>Connection refused.</p></dd></dl>
<dl><dt id="quill.ETIMEDOUT">quill.ETIMEDOUT</dt><dd><p>Connection timed out.</p>
<p>New in version 2.4.</p></dd></dl>
"""


def test_definition_lists_of_codes() -> None:
    codes = by_code(extract(DEFINITIONS, title="quill.errno"))
    assert set(codes) == {"EPIPE", "ECONNREFUSED", "ETIMEDOUT"}
    assert codes["EPIPE"].message == "Broken pipe. Raised when the peer closed the stream."
    assert codes["EPIPE"].uri == "/d/p.html#quill.EPIPE"
    assert codes["EPIPE"].layout == "definitions"
    assert codes["ECONNREFUSED"].aliases == ["111"]
    assert codes["ETIMEDOUT"].message == "Connection timed out."  # not the version note


def test_definition_lists_of_options_or_variables_give_none() -> None:
    body = """
    <h1>quillctl</h1><h2>Environment</h2>
    <dl><dt>QUILL_HOME</dt><dd>Where the data lives.</dd>
    <dt>QUILL_EDITOR</dt><dd>The editor for notes.</dd>
    <dt>QUILL_PAGER</dt><dd>The pager for long output.</dd></dl>
    <h2>Options</h2>
    <dl><dt>-v, --verbose</dt><dd>Say more.</dd><dt>--spool DIR</dt><dd>Spool here.</dd>
    <dt>--tide N</dt><dd>Tide floor.</dd></dl>
    """
    assert extract(body, title="quillctl manual").error_codes == []


def test_lists_of_codes_with_explanations() -> None:
    body = """
    <h1>Quill</h1><h2>Common system errors</h2><p>Seen most often:</p>
    <ul>
    <li><p><code>EACCES</code> (Permission denied): The spool file is not writable.</p></li>
    <li><p><code>EADDRINUSE</code> (Address already in use): Another server holds the port.</p></li>
    <li><p><code>ENOENT</code>: The spool file does not exist.</p></li>
    </ul>
    <h2>Contents</h2>
    <ul><li><a href="#a">ERR_TIDE_LOW</a></li><li><a href="#b">ERR_SPOOL_FULL</a></li>
    <li><a href="#c">ERR_LEDGER_GAP</a></li></ul>
    <h2>Notes</h2>
    <ul><li>ENOENT errors are raised when a path is missing.</li><li>Retry later.</li></ul>
    """
    codes = by_code(extract(body))
    assert set(codes) == {"EACCES", "EADDRINUSE", "ENOENT"}  # not the contents, not the notes
    assert codes["EACCES"].message == "Permission denied"
    assert codes["EACCES"].description == "The spool file is not writable."
    assert codes["ENOENT"].message == "The spool file does not exist."
    assert codes["ENOENT"].layout == "list"


def test_tables_of_symbols_and_numbers() -> None:
    body = """
    <h1>Quill status</h1><h2>Error symbols</h2>
    <table><tr><th>Symbol</th><th>Value</th><th>Description</th></tr>
    <tr><td>QUILL_E_SEALED</td><td>17</td><td>The ledger is sealed.</td></tr>
    <tr><td>QUILL_E_GAP</td><td>18</td><td>A ledger entry is missing.</td></tr>
    <tr><td>QUILL_E_TIDE</td><td>0x8004001f</td><td>The tide is too low.</td></tr></table>
    <h2>Client codes</h2>
    <table><tr><th>Name</th><th>Code</th><th>Meaning</th></tr>
    <tr><td>QC_LOST_LINK</td><td>2013</td><td>Lost the connection.</td></tr>
    <tr><td>QC_BAD_HOST</td><td>2005</td><td>Unknown host.</td></tr>
    <tr><td>lower_case_name</td><td>2006</td><td>Server went away.</td></tr></table>
    """
    codes = by_code(extract(body))
    assert codes["QUILL_E_SEALED"].aliases == ["17"]
    assert codes["QUILL_E_SEALED"].message == "The ledger is sealed."
    assert codes["QUILL_E_TIDE"].aliases == ["0x8004001F"]
    assert codes["QC_LOST_LINK"].aliases == ["2013"]
    assert codes["QC_LOST_LINK"].message == "Lost the connection."
    # a name that is not code-shaped: the number stays the code
    assert codes["2006"].name == "lower_case_name"
    assert len(codes) == 6


def test_tables_of_constants_are_not_error_codes() -> None:
    body = """
    <h1>Quill files</h1><h2>Open flags</h2>
    <table><tr><th>Constant</th><th>Value</th><th>Description</th></tr>
    <tr><td>Q_RDONLY</td><td>0</td><td>Open for reading.</td></tr>
    <tr><td>Q_WRONLY</td><td>1</td><td>Open for writing.</td></tr>
    <tr><td>Q_APPEND</td><td>8</td><td>Append.</td></tr></table>
    <h2>Limits</h2>
    <table><tr><th>Name</th><th>Value</th><th>Description</th></tr>
    <tr><td>max_spools</td><td>16</td><td>Spools per node.</td></tr></table>
    """
    assert extract(body, title="Quill files").error_codes == []


def test_a_code_a_table_gave_is_not_taken_again() -> None:
    body = """
    <h1>Quill</h1><h2>Codes</h2>
    <table><tr><th>Code</th><th>Message</th></tr>
    <tr><td>QST-2001</td><td>Disk quota exceeded</td></tr></table>
    <h2>Details</h2>
    <h3>QST-2001</h3><p>More about the quota.</p>
    <h3>QST-2002</h3><p>Ledger sealed.</p><h3>QST-2003</h3><p>Replica lag.</p>
    """
    source = extract(body)
    assert [(e.code, e.layout) for e in source.error_codes] == [
        ("QST-2001", "table"),
        ("QST-2002", "sections"),
        ("QST-2003", "sections"),
    ]


def test_one_page_per_code() -> None:
    body = """
    <h1 id="error-code-q0042">Error code Q0042</h1>
    <h4 id="note">Note: this code is no longer raised.</h4>
    <p>A spool was opened twice by the same writer.</p><p>Close the first handle.</p>
    <h2>Example</h2><p>Opening the spool again fails.</p>
    """
    codes = by_code(extract(body, title="Q0042 - Quill codes"))
    assert list(codes) == ["Q0042"]
    assert codes["Q0042"].layout == "page"
    assert codes["Q0042"].message == "A spool was opened twice by the same writer."
    assert codes["Q0042"].uri == "/d/p.html#note"  # the heading has no text of its own
    # a weak token alone at the top is not enough, nor are two different codes
    assert extract("<h1>Q0042</h1><p>Spool opened twice.</p>").error_codes == []
    two = "<h1>QST-2001</h1><p>Quota.</p><h1>QST-2002</h1><p>Sealed.</p>"
    assert extract(two).error_codes == []


def test_a_lone_error_in_the_title_does_not_make_constants_codes() -> None:
    body = """
    <h1>Spoolcheck: a spool error detector</h1><h2>Client requests</h2>
    <ul><li><p><code>SPOOL_CHECK_VALUE</code>: checks one value.</p></li>
    <li><p><code>SPOOL_DO_SCAN</code>: scans all spools now.</p></li>
    <li><p><code>SPOOL_COUNT_LEAKS</code>: counts leaked spools.</p></li></ul>
    """
    assert extract(body, title="Spoolcheck: a spool error detector").error_codes == []


@pytest.mark.parametrize(
    ("text", "code", "message", "number"),
    [
        ("QST-2001: Disk quota exceeded", "QST-2001", "Disk quota exceeded", None),
        ("E1001 Timeout", "E1001", "Timeout", None),
        ("QUILL_E_GAP (18)", "QUILL_E_GAP", None, "18"),
        ("QUILL_E_GAP = 18", "QUILL_E_GAP", None, "18"),
        ("ERR_TIDE_LOW (deprecated)", "ERR_TIDE_LOW", None, None),
        ("Error 2013: Lost connection", "2013", "Lost connection", None),
        ("503 Service Unavailable", "503", "Service Unavailable", None),
        ("ENOENT（文件不存在）", "ENOENT", "文件不存在", None),
        ("QST-2001：磁盘配额已满", "QST-2001", "磁盘配额已满", None),
        ("错误码 1045：拒绝访问", "1045", "拒绝访问", None),
    ],
)
def test_split_term(text: str, code: str, message: str | None, number: str | None) -> None:
    term = split_term(text)
    assert term is not None
    assert (term.code.code, term.message, term.number) == (code, message, number)


def test_split_term_rejects_prose() -> None:
    assert split_term("Reading these codes") is None
    assert split_term("ENOENT errors are raised when a path is missing", loose=False) is None


# --- through the ingest, into the graph -------------------------------------------


def test_layout_codes_in_the_graph(fresh: Store, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "errno.html").write_bytes(page(DEFINITIONS, "quill.errno"))
    (docs / "server.md").write_text(
        "---\nproduct: Quillstone\nversion: '5.1'\n---\n# Quillstone server codes\n\n"
        "## QST-2001: Disk quota exceeded\n\nThe spool directory reached its quota.\n\n"
        "## QST-2002: Ledger sealed\n\nNo more entries are accepted.\n\n"
        "## QST-2003: Replica lag\n\nThe replica fell behind.\n",
        encoding="utf-8",
    )
    report = Ingestor(fresh, progress=False).run([docs])
    assert report.failed == [] and report.error_codes == 6
    by_number = fresh.read(eq.BY_CODES, {"codes": ["111"]})
    assert [r["error"]["code"] for r in by_number] == ["ECONNREFUSED"]
    by_name = fresh.read(eq.BY_CODES, {"codes": ["ECONNREFUSED"]})
    assert by_name[0]["error"]["id"] == by_number[0]["error"]["id"]
    row = fresh.read(
        "MATCH (e:ErrorCode {code: 'QST-2001'})-[:DESCRIBED_IN]->(s:Section) "
        "RETURN e.product AS product, e.message AS message, e.description AS description, "
        "e.extractor AS extractor, e.confidence AS confidence, s.title AS title"
    )
    assert row == [
        {
            "product": "Quillstone",
            "message": "Disk quota exceeded",
            "description": "The spool directory reached its quota.",
            "extractor": f"graphdesk.errcode-markdown-sections/{EXTRACTOR_VERSION}",
            "confidence": 0.9,
            "title": "QST-2001: Disk quota exceeded",
        }
    ]
    hits = fresh.read(eq.SEARCH_FIELDS)
    refused = next(r for r in hits if r["code"] == "ECONNREFUSED")
    assert refused["aliases"] == ["111"] and "111" in refused["search"].split()


def test_layout_codes_through_graphql(fresh: Store, tmp_path: Path) -> None:
    import asyncio

    from resolvers.context import Context
    from resolvers.identity import Identity, Role
    from resolvers.pipeline.answerer import Answerer
    from schema import build_schema

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "errno.html").write_bytes(page(DEFINITIONS, "quill.errno"))
    Ingestor(fresh, progress=False).run([docs])
    ctx = Context(store=fresh, answerer=Answerer(fresh, cache_size=0), max_question_chars=2000,
                  request=None, response=None,
                  identity=Identity(Role.EXPERT, "tester"))  # type: ignore[arg-type]  # fmt: skip
    query = '{ errorCode(code: "111") { code aliases description message } }'
    result = asyncio.run(build_schema(mask_errors=False).execute(query, context_value=ctx))
    assert result.errors is None, result.errors
    [got] = result.data["errorCode"]  # type: ignore[index]
    assert got["code"] == "ECONNREFUSED" and got["aliases"] == ["111"] and got["message"]
