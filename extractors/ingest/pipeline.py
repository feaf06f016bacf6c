"""Ingest files into the graph: detect kind, skip unchanged, replace changed, retire removed.

Each file is one Source (keyed by its absolute path). A source whose content
hash is unchanged costs one hash and no write. A changed source replaces
exactly its own facts: its document's sections (with their edges) and the
error codes it defined. Files that disappeared from a directory that is
ingested again are retired: their facts stay traceable but leave search.
A file that cannot be read or parsed is reported with its name and the
problem; the rest of the ingest goes on and nothing stored is touched.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from tqdm import tqdm

from extractors.community.dump import is_community_file, metadata_digest, parse_community_file
from extractors.community.parse import is_community
from extractors.community.write import write_community
from extractors.documents.docx import parse_docx
from extractors.documents.html import parse_html
from extractors.documents.markdown import parse_markdown
from extractors.documents.pdf import parse_pdf
from extractors.documents.plain_text import parse_text
from extractors.documents.release_notes import mark_release_notes
from extractors.images.screenshot import parse_image
from extractors.limits import SETTING, Limits, applied, mib
from extractors.logs.format import check_log_file, parse_format
from extractors.logs.write import ingest_log
from extractors.records import (
    EXTRACTOR_VERSION,
    ErrorCodeRecord,
    ExtractionError,
    ParsedSource,
    digest,
    short_id,
)
from extractors.tables.errcode_layouts import extract_layouts
from extractors.tables.errcodes import extract_tables, parse_csv
from extractors.tables.specs import SpecRecord
from extractors.tables.xlsx import parse_xlsx
from extractors.text.concepts import ConceptMatcher, load_glossary
from extractors.text.crypto.sealer import Sealer
from extractors.text.resolution import ProductResolver, name_key
from extractors.text.segment import search_field, search_field_of, token_pairs
from extractors.tickets import CustomFields, companion_digest, parse_ticket_file, write_tickets
from graph.queries import community as comq
from graph.queries import concepts as cq
from graph.queries import documents as dq
from graph.queries import errorcodes as eq
from graph.queries import logs as lq
from graph.queries import specs as spq
from graph.queries import tickets as tq
from graph.store import Store, Transaction
from graph.types import Row

# A section's title and text as token_pairs gives them.
Words = tuple[list[tuple[str, str]], list[tuple[str, str]]]

KINDS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown",
         ".csv": "csv", ".xlsx": "xlsx", ".json": "json", ".jsonl": "json",
         ".ndjson": "json", ".xml": "xml", ".png": "image", ".jpg": "image",
         ".jpeg": "image", ".log": "log", ".txt": "text",
         ".docx": "docx", ".pdf": "pdf"}  # fmt: skip
# A log file's line format, when no `FILE.log.format` file next to it says
# otherwise: the whole line is the message (dates and numbers become <*>).
DEFAULT_LOG_FORMAT = "<Content>"
# Kinds whose sources are documents (Document and Section nodes).
DOCUMENT_KINDS = {"html", "markdown", "text", "docx", "pdf", "image"}
BATCH_FILES = 100
# Record failures kept on a Source to report again while the file is unchanged.
MAX_KEPT_PROBLEMS = 200
# A removed source's facts leave search together (each statement reads $uris).
RETIREMENT = (
    dq.RETIRE_SOURCES,
    dq.RETIRE_ERROR_CODES_OF,
    spq.RETIRE_SPECS_OF,
    lq.DELETE_TEMPLATES_OF,
    tq.RETIRE_TICKETS_OF,
    comq.RETIRE_THREADS_OF,
)
MAX_MENTIONS = 12  # concepts linked per section, most frequent first
# Sections in one batch from which their rows are made on two cores (see
# Ingestor._section_rows), and how long the second process may take.
PARALLEL_SECTIONS = 2000
WORKER_TIMEOUT = 600.0
GC_EVERY = 50_000  # see _fewer_collections
MAX_FD = max(os.sysconf("SC_OPEN_MAX"), 1024) if hasattr(os, "sysconf") else 65536


@dataclass
class IngestReport:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    retired: int = 0
    skipped: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    # Parts of otherwise ingested files that were skipped, each "<file>: <where>:
    # <what is wrong>" (a CSV line, a sheet row, a JSON record, an XML line ...).
    failed_records: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    documents: int = 0
    sections: int = 0
    error_codes: int = 0
    specs: int = 0
    tickets: int = 0
    # Ticket versions older than one already known (in the file or the
    # graph): skipped, each also a warning; not a failure, not written.
    stale_tickets: int = 0
    threads: int = 0
    log_templates: int = 0
    mentions: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"new {self.new}, changed {self.changed}, unchanged {self.unchanged}, "
            f"retired {self.retired}, failed {len(self.failed)} files and "
            f"{len(self.failed_records)} records, skipped {self.skipped} other files; "
            f"wrote {self.documents} documents, {self.sections} sections, "
            f"{self.error_codes} error codes, {self.specs} specs, {self.tickets} tickets, "
            f"{self.threads} threads, {self.log_templates} log templates, "
            f"{self.mentions} concept links"
            + (
                f", skipped {self.stale_tickets} older ticket versions"
                if self.stale_tickets
                else ""
            )
            + f" in {self.seconds:.1f} s"
        )


def _files(root: Path, unreadable: list[OSError] | None = None) -> Iterable[Path]:
    """Every file under ``root``; directories that cannot be listed go to
    ``unreadable`` (their files are not gone, only out of reach)."""
    if root.is_file():
        yield root
        return
    errors = unreadable.append if unreadable is not None else None
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors):
        dirnames.sort()
        for name in sorted(filenames):
            yield Path(dirpath) / name


# Documents by kind; each gives sections, and its tables may hold error codes.
DOCUMENT_PARSERS: dict[str, Callable[[bytes, str], ParsedSource]] = {
    "html": parse_html, "markdown": parse_markdown, "text": parse_text,
    "docx": parse_docx, "pdf": parse_pdf,
}  # fmt: skip


# Markup a documentation build keeps beside (or under _sources/) the pages it rendered.
_SOURCE_SUFFIXES = (".rst", ".adoc", ".asciidoc", ".md", ".markdown")
# AsciiDoc and reStructuredText by shape: a definition term or a directive.
_MARKUP_SOURCE = re.compile(
    r"^(?:\S[^\n]*::[ \t]*$|(?:include|ifdef|ifndef|endif)::|\.\. [a-z-]+::)", re.M
)


def _without_page_sources(files: list[Path]) -> list[Path]:
    """Drop the markup sources of rendered pages.

    Documentation builds ship each page's source beside its HTML: Sphinx under
    ``_sources/`` (``<page>.rst.txt``), AsciiDoc builds as ``<page>.txt`` next
    to ``<page>.html`` together with the fragments the pages include.
    Ingesting them would put pages in the graph twice. A ``.txt`` is left out
    when it is under ``_sources/``, when its page was rendered, or when it sits
    among rendered pages and reads as AsciiDoc or reStructuredText markup; a
    plain-text runbook, even beside HTML pages, is kept.
    """
    pages = {p.with_suffix("") for p in files if KINDS.get(p.suffix.lower()) == "html"}
    page_dirs = {p.parent for p in pages}
    kept = []
    for p in files:
        if p.suffix.lower() == ".txt" and _build_input(p, pages, page_dirs):
            continue
        kept.append(p)
    return kept


# Files a web site serves for robots and people, not documentation.
_SITE_FILES = frozenset({"robots.txt", "humans.txt", "security.txt", "ads.txt"})


def _build_input(txt: Path, pages: set[Path], page_dirs: set[Path]) -> bool:
    if "_sources" in txt.parts or (txt.name.lower() in _SITE_FILES and txt.parent in page_dirs):
        return True
    stem = txt.with_suffix("")
    if stem.suffix.lower() in _SOURCE_SUFFIXES:
        stem = stem.with_suffix("")
    if stem in pages:
        return True
    if txt.parent not in page_dirs:
        return False
    try:
        head = txt.read_bytes()[:65536].decode("utf-8", "replace")
    except OSError:
        return False  # reported when it is read
    return _MARKUP_SOURCE.search(head) is not None


def parse_file(path: Path, data: bytes, ticket_fields: CustomFields | None = None) -> ParsedSource:
    """One file's facts. ``ticket_fields``: the custom field ids of ticket
    exports that hold product and version (configured per account)."""
    uri = str(path)
    kind = KINDS.get(path.suffix.lower())
    if kind in DOCUMENT_PARSERS:
        source = DOCUMENT_PARSERS[kind](data, uri)
        mark_release_notes(source)
        # error codes in the document's tables and definition lists
        extract_tables(source)
        extract_layouts(source)
    elif kind == "csv":
        try:
            source = parse_csv(data, uri)
        except ExtractionError as table_error:
            # Not an error-code or spec table: perhaps a ticket export.
            source = _tickets(path, data, table_error, ticket_fields)
    elif kind == "xlsx":
        source = parse_xlsx(data, uri)
    elif kind == "image":
        source = parse_image(data, uri)
    elif kind == "log":
        # Mined at write time from the file itself (it can be large); the
        # format and the file are checked now so a bad one fails on its own.
        _check_format_matches(path, data, _log_format(path))
        check_log_file(path)
        source = ParsedSource(uri=uri, kind="log", hash=source_hash(path, data), title=path.name)
    elif kind in ("json", "xml"):
        if is_community(data) or is_community_file(data):
            batch = parse_community_file(path, data)
            source = ParsedSource(uri=uri, kind=batch.kind, hash=batch.hash, community=batch)
            source.warnings = batch.warnings
        elif kind == "xml":
            raise ExtractionError(f"{uri}: XML that is not a Stack Exchange posts dump")
        else:
            source = _tickets(path, data, None, ticket_fields)
    else:
        raise ExtractionError(f"{uri}: unsupported file type {path.suffix or '(none)'}")
    return source


def _tickets(
    path: Path, data: bytes, table_error: ExtractionError | None, fields: CustomFields | None
) -> ParsedSource:
    uri = str(path)
    batch = parse_ticket_file(path, data, fields)
    if not batch.records and table_error is not None:
        raise table_error
    source = ParsedSource(uri=uri, kind="tickets", hash=batch.hash, tickets=batch)
    source.warnings = [f"{uri}: {p}" for p in batch.problems]
    return source


def _too_large(size: int, limits: Limits) -> str:
    # Refused before it is read: nothing stored from an earlier version is touched.
    return (
        f"file of {mib(size)}, over the limit of {mib(limits.max_file_bytes)} "
        f"({SETTING['max_file_bytes']}); split it or raise the limit"
    )


def source_hash(path: Path, data: bytes) -> str:
    """A file's content with the extractors' version (a new version re-reads
    every file once), and for a log file the format it is read with."""
    tag = b"\x00" + EXTRACTOR_VERSION.encode()
    if KINDS.get(path.suffix.lower()) == "log":
        try:
            fmt = _log_format(path)
        except ExtractionError as exc:
            fmt = str(exc)  # a broken sidecar is reported when the file is parsed
        return digest(data + b"\x00" + fmt.encode() + tag)
    if KINDS.get(path.suffix.lower()) in ("json", "xml", "csv"):
        # the pages an export is read with, the Sites.xml a dump table is read with
        tag += (companion_digest(path) + metadata_digest(path)).encode()
    return digest(data + tag)


def _log_format(path: Path) -> str:
    """The line format from ``FILE.log.format``, else the whole line is the
    message. A sidecar that is there but empty or unreadable is an error, not
    a silent fall-back."""
    sidecar = path.with_name(path.name + ".format")
    if not sidecar.exists():
        return DEFAULT_LOG_FORMAT
    try:
        fmt = sidecar.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeError) as exc:
        raise ExtractionError(
            f"{path}: its format file {sidecar.name} cannot be read: {exc}"
        ) from None
    if not fmt:
        raise ExtractionError(f"{path}: its format file {sidecar.name} is empty")
    return fmt


def _check_format_matches(path: Path, data: bytes, fmt: str, sample: int = 200) -> None:
    """A sidecar format that matches none of the first lines is wrong for the file."""
    if fmt == DEFAULT_LOG_FORMAT:
        return
    pattern = parse_format(fmt)
    lines = [ln for ln in data[: 1 << 20].decode("utf-8", "replace").splitlines() if ln.strip()]
    lines = lines[:sample]
    if lines and not any(pattern.match(ln) for ln in lines):
        raise ExtractionError(
            f"{path}: the format in {path.name}.format ({fmt!r}) matches none of the "
            f"first {len(lines)} lines"
        )


def _order(path: Path) -> tuple[int, str]:
    # A Stack Exchange dump's PostLinks refer to Posts: read them after.
    return (1 if path.name.lower().startswith("postlinks") else 0, str(path))


class Ingestor:
    def __init__(
        self,
        store: Store,
        progress: bool = True,
        ticket_fields: CustomFields | None = None,
        limits: Limits | None = None,
        sealer: Sealer | None = None,
    ) -> None:
        self.store = store
        # Personal data of tickets is sealed with it (extractors/text/crypto/sealer.py); the
        # commands pass the configured keys, others get the process's own.
        self.sealer = sealer
        self.progress = progress
        self.ticket_fields = ticket_fields
        self.limits = limits or Limits()
        load_glossary(store)
        self.matcher = ConceptMatcher.from_store(store)
        self.products = ProductResolver(
            {r["id"]: [r["name"], *(r.get("aliases") or [])] for r in store.read(cq.PRODUCT_NAMES)},
            {r["name"] for r in store.read(cq.BLOCKED_ALIASES, {"kind": "product"})},
        )

    def _product(self, name: str, uri: str, report: IngestReport) -> str:
        """The product id for a name as a source spells it (merges are recorded)."""
        res = self.products.resolve(name)
        if res.method == "ambiguous":
            report.warnings.append(
                f"{uri}: product name {name!r} is ambiguous between "
                f"{' and '.join(res.candidates)}; kept as its own product"
            )
        if res.merged:
            self._aliases[name_key(name)] = {
                "id": "alias:" + name_key(name), "pid": res.product_id,
                "props": {"name": name, "method": res.method, "score": res.score,
                          "source": uri, "product_id": res.product_id, "kind": "product"},
            }  # fmt: skip
        elif res.method != "exact":  # a product the graph does not have yet
            self._new_products.setdefault(res.product_id, name)
            self._product_sources.setdefault(res.product_id, uri)
            self.products.learn(name, res.product_id)
        return res.product_id

    def run(self, paths: Sequence[str | Path], retire_missing: bool = True) -> IngestReport:
        with _fewer_collections():
            return self._run(paths, retire_missing)

    def _run(self, paths: Sequence[str | Path], retire_missing: bool) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport()
        for raw in paths:
            root = Path(raw).resolve()
            if not root.exists():
                report.failed.append((str(raw), "no such file or directory"))
                continue
            prefix = str(root) + (os.sep if root.is_dir() else "")
            under = prefix if root.is_dir() else str(root)
            known = dq.sources_under(self.store, under)
            problems = dq.source_problems(self.store, under)
            unreadable: list[OSError] = []
            every = list(_files(root, unreadable))
            files = sorted((p for p in every if p.suffix.lower() in KINDS or root.is_file()),
                           key=_order)  # fmt: skip
            if root.is_dir():
                files = _without_page_sources(files)
            report.skipped += len(every) - len(files) if root.is_dir() else 0
            out_of_reach = [str(e.filename) for e in unreadable]
            for err in unreadable:
                report.failed.append(
                    (str(err.filename), f"unreadable directory: {err.strerror or err}")
                )
            seen: set[str] = set()
            pending: list[ParsedSource] = []
            bar = tqdm(files, desc=f"ingest {root.name}", unit="file", disable=not self.progress)
            for path in bar:
                uri = str(path)
                seen.add(uri)
                try:
                    size = path.stat().st_size
                    if size > self.limits.max_file_bytes:
                        report.failed.append((uri, _too_large(size, self.limits)))
                        continue
                    data = path.read_bytes()
                except OSError as exc:
                    report.failed.append((uri, f"unreadable: {exc.strerror or exc}"))
                    continue
                content_hash = source_hash(path, data)  # hashed once: it can be large
                if known.get(uri) == content_hash:
                    report.unchanged += 1
                    report.failed_records.extend(problems.get(uri, []))  # still not fixed
                    continue
                try:
                    with applied(self.limits):
                        source = parse_file(path, data, self.ticket_fields)
                except ExtractionError as exc:
                    report.failed.append((uri, str(exc)))
                    continue
                except Exception as exc:  # a parser bug must not stop the whole ingest
                    report.failed.append((uri, f"{type(exc).__name__}: {exc}"))
                    continue
                source.hash = content_hash  # what the next ingest compares
                report.failed_records.extend(source.warnings)
                report.warnings.extend(getattr(source.tickets or source.community, "notes", []))
                if uri in known:
                    report.changed += 1
                else:
                    report.new += 1
                pending.append(source)
                if len(pending) >= BATCH_FILES:
                    self._write(pending, report)
                    pending = []
            if pending:
                self._write(pending, report)
            if retire_missing and root.is_dir():
                # A file under a directory that could not be read is not gone.
                gone = sorted(
                    u for u in set(known) - seen
                    if not any(u.startswith(d.rstrip(os.sep) + os.sep) for d in out_of_reach)
                )  # fmt: skip
                if gone:
                    with self.store.transaction() as tx:  # retired together or not at all
                        for cypher in RETIREMENT:
                            tx.run(cypher, {"uris": gone})
                    report.retired += len(gone)
        if report.new or report.changed or report.retired:
            self.store.checkpoint()
        report.seconds = time.perf_counter() - started
        return report

    def _write(self, sources: list[ParsedSource], report: IngestReport) -> None:
        """Replace the facts of a batch of sources, each source all-or-nothing.

        Documents, error-code and spec tables commit in one transaction with
        their Source records (the hash the next ingest compares), so a killed
        ingest leaves each of them wholly old or wholly new and redoes them
        next time; tickets, community dumps and logs, whose writers read the
        graph first, commit one source per transaction the same way.
        """
        now = int(time.time() * 1000)
        records = [s for s in sources if _is_record_source(s)]
        plain = [s for s in sources if not _is_record_source(s)]
        if plain:
            with self.store.transaction() as tx:
                self._write_plain(tx, plain, report, now)
                tx.run_batch(dq.UPSERT_SOURCES, [_source_row(s, now) for s in plain])
        for s in records:
            extra = [(dq.UPSERT_SOURCES, {"rows": [_source_row(s, now)]})]
            if s.kind == "log":
                try:
                    mined = ingest_log(self.store, s.uri, _log_format(Path(s.uri)), extra=extra)
                    report.log_templates += mined.templates
                except ExtractionError as exc:
                    report.failed.append((s.uri, str(exc)))
            elif s.tickets is not None:
                written = write_tickets(self.store, s.tickets, now, extra, self.sealer)
                report.tickets += written.get("tickets", 0)
                report.stale_tickets += written.get("stale", 0)
                report.warnings.extend(s.tickets.skipped_versions)
            elif s.community is not None:
                threads = write_community(self.store, s.community, self.matcher, now, extra)
                report.threads += threads.get("threads", 0)

    def _write_plain(
        self, tx: Transaction, sources: list[ParsedSource], report: IngestReport, now: int
    ) -> None:
        docs = [s for s in sources if s.kind in DOCUMENT_KINDS]
        uris = [s.uri for s in sources]
        tx.run_batch(dq.DELETE_SECTIONS_OF, [{"id": s.doc_id} for s in docs])
        tx.run(eq.DELETE_FACTS_OF, {"uris": uris})
        tx.run(eq.DELETE_ERROR_CODES_OF, {"uris": uris})
        tx.run(spq.DELETE_SPECS_OF, {"uris": uris})
        tx.run_batch(dq.UPSERT_DOCUMENTS, [self._doc_row(s, now) for s in docs])
        section_rows = self._section_rows([(s, sec) for s in docs for sec in s.sections], now)
        mentions = sum(len(row["mentions"]) for row in section_rows)
        tx.run_batch(dq.UPSERT_SECTIONS, section_rows, batch_size=400)
        self._aliases: dict[str, dict[str, Any]] = {}
        self._new_products: dict[str, str] = {}
        self._product_sources: dict[str, str] = {}
        pids: dict[str, str] = {}
        named = [(s.product, s.uri) for s in sources if s.product]
        named += [(sp.product, s.uri) for s in sources for sp in s.specs]
        for name, uri in named:
            if name not in pids:
                pids[name] = self._product(name, uri, report)
        if pids:
            tx.run_batch(
                cq.UPSERT_PRODUCTS,
                [
                    {
                        "id": pid,
                        "props": {
                            "name": name,
                            "source": self._product_sources[pid],
                            "extractor": f"graphdesk.resolution/{EXTRACTOR_VERSION}",
                            "confidence": 1.0,
                            "extracted_at": now,
                        },
                    }
                    for pid, name in self._new_products.items()
                ],
            )
            tx.run_batch(cq.RECORD_ALIASES, list(self._aliases.values()))
            tx.run_batch(
                cq.LINK_DOCUMENT_PRODUCT,
                [{"doc_id": s.doc_id, "pid": pids[s.product]} for s in docs if s.product],
            )
        # A screenshot names no product in front matter: the products its text shows.
        shown = [
            {"doc_id": s.doc_id, "pid": pid}
            for s in docs
            if s.kind == "image" and not s.product
            for pid in self.products.mentioned_in(" ".join(x.text for x in s.sections))
        ]
        tx.run_batch(cq.LINK_DOCUMENT_PRODUCT, shown)
        codes = [(s, e) for s in sources for e in s.error_codes]
        self._write_error_codes(tx, codes, now)
        # after the error codes, so a screenshot can show a code of the same batch
        tx.run_batch(
            dq.LINK_DOCUMENT_CODES,
            [{"doc_id": s.doc_id, "code": c} for s in docs for c in s.codes],
        )
        tx.run_batch(
            dq.LINK_DOCUMENT_SYMPTOMS,
            [{"doc_id": s.doc_id, "sid": y["id"], "props": {**y, "source": s.uri}}
             for s in docs for y in s.symptoms],
        )  # fmt: skip
        specs = [(s, sp) for s in sources for sp in s.specs]
        for s in sources:  # one source at a time, so disagreeing sources see each other
            if s.specs:
                rows = [self._spec_row(s, sp, now, pids[sp.product]) for sp in s.specs]
                tx.run_batch(spq.UPSERT_SPECS, rows)
        report.documents += len(docs)
        report.sections += len(section_rows)
        report.error_codes += len(codes)
        report.specs += len(specs)
        report.mentions += mentions

    def _section_rows(self, items: list[tuple[ParsedSource, Any]], now: int) -> list[Row]:
        """The rows of sections with their concept mentions, in order.

        The work is per section and CPU-bound (segmenting, stemming, matching
        the glossary): for many sections, the second half (by text: the
        work is about proportional to it) is done by a forked
        copy of this process on another core while this one does the first,
        and sent back pickled. A copy that fails or does not answer leaves its
        half to this process, so the rows are the same either way.
        """
        if (
            len(items) < PARALLEL_SECTIONS
            or (os.cpu_count() or 1) < 2
            or "fork" not in multiprocessing.get_all_start_methods()
        ):
            return self._rows_of(items, now)
        half = _half_by_text(items)
        ctx = multiprocessing.get_context("fork")
        receive, send = ctx.Pipe(duplex=False)
        worker = ctx.Process(target=self._send_rows, args=(items[half:], now, send), daemon=True)
        worker.start()
        send.close()
        try:
            rows = self._rows_of(items[:half], now)
            rest: list[Row] | None = None
            if receive.poll(WORKER_TIMEOUT):
                with suppress(EOFError, OSError):
                    rest = receive.recv()
        finally:
            receive.close()
            if worker.is_alive():
                worker.kill()
            worker.join()
        return rows + (rest if rest is not None else self._rows_of(items[half:], now))

    def _send_rows(self, items: list[tuple[ParsedSource, Any]], now: int, send: Any) -> None:
        """In the forked copy: make the rows and send them. The copy needs only
        its pipe; the files it inherited (the write lock, the connection to the
        graph) are closed first, so they go with this process if it is killed."""
        keep = send.fileno()
        os.closerange(3, keep)
        os.closerange(keep + 1, MAX_FD)
        send.send(self._rows_of(items, now))
        send.close()

    def _rows_of(self, items: list[tuple[ParsedSource, Any]], now: int) -> list[Row]:
        rows = []
        for s, sec in items:
            # Each text is split once, for its search field and its concepts.
            words = (token_pairs(sec.title), token_pairs(sec.text))
            row = self._section_row(s, sec, now, words)
            row["mentions"] = self._mentions(sec.title, sec.text, words)
            rows.append(row)
        return rows

    def _doc_row(self, s: ParsedSource, now: int) -> dict[str, Any]:
        return {
            "id": s.doc_id,
            "props": {
                "uri": s.uri, "title": s.title, "lang": s.lang, "hash": s.hash,
                "kind": s.kind, "product": s.product, "version": s.version,
                "doc_type": s.doc_type, "source": s.uri,
                "extractor": f"graphdesk.{s.kind}/{EXTRACTOR_VERSION}",
                "confidence": s.confidence, "extracted_at": now,
            },
        }  # fmt: skip

    def _section_row(self, s: ParsedSource, sec: Any, now: int, words: Words) -> dict[str, Any]:
        parents = " ".join(sec.heading_path[:-1]) or (s.title or "")
        search = search_field_of((words[0], 3), (token_pairs(parents), 2), (words[1], 1))
        return {
            "doc_id": s.doc_id,
            "props": {
                "id": sec.id, "doc_id": s.doc_id, "uri": sec.uri, "anchor": sec.anchor,
                "title": sec.title, "heading_path": sec.heading_path,
                "doc_title": s.title, "text": sec.text, "lang": sec.lang,
                "ordinal": sec.ordinal, "product": s.product,
                "version": sec.version or s.version,
                "hash": digest(sec.text),
                "search": search,
                "source": s.uri, "extractor": f"graphdesk.{s.kind}/{EXTRACTOR_VERSION}",
                "confidence": s.confidence, "extracted_at": now,
            },
        }  # fmt: skip

    def _spec_row(self, s: ParsedSource, sp: SpecRecord, now: int, pid: str) -> dict[str, Any]:
        return {
            "id": sp.id,
            "pid": pid,
            "product": sp.product,
            "props": {
                "product": sp.product, "version": sp.version, "parameter": sp.parameter,
                "value": sp.value, "number": sp.number, "unit": sp.unit,
                "reference": sp.reference, "location": sp.location, "source": s.uri,
                "extractor": f"graphdesk.spec-csv/{EXTRACTOR_VERSION}", "confidence": 1.0,
                "extracted_at": now,
            },
        }  # fmt: skip

    def _mentions(self, title: str, text: str, words: Words) -> list[dict[str, Any]]:
        """The concepts a section names, most often named first (at most MAX_MENTIONS)."""
        title_tokens = list(map(itemgetter(1), words[0]))
        in_title = set(self.matcher.counts_of(title_tokens, title))
        text_tokens = list(map(itemgetter(1), words[1]))
        counts = self.matcher.counts_of(title_tokens + text_tokens, title + "\n" + text)
        return [
            {"cid": cid, "count": n, "in_title": cid in in_title}
            for cid, n in counts.most_common(MAX_MENTIONS)
        ]

    def _write_error_codes(
        self, tx: Transaction, codes: list[tuple[ParsedSource, ErrorCodeRecord]], now: int
    ) -> None:
        if not codes:
            return
        rows, causes, solutions, described = [], [], [], []
        for s, e in codes:
            layout = "" if e.layout == "table" else f"-{e.layout}"
            facts = {
                "source": s.uri,
                "extractor": f"graphdesk.errcode-{s.kind}{layout}/{EXTRACTOR_VERSION}",
                "confidence": e.confidence,
                "extracted_at": now,
            }
            rows.append({"id": e.id, "props": {**_error_props(e, s), **facts}})
            suffix = short_id(s.uri)  # each source's causes and solutions are its own
            if e.cause or e.cause_zh:
                cause = {"id": f"{e.id}:cause:{suffix}", "text": e.cause, "text_zh": e.cause_zh}
                causes.append({"eid": e.id, "props": {**cause, **facts}})
            if e.steps or e.steps_zh:
                steps = {"id": f"{e.id}:solution:{suffix}", "steps": e.steps,
                         "steps_zh": e.steps_zh}  # fmt: skip
                solutions.append({"eid": e.id, "props": {**steps, **facts}})
            if e.section_id:
                described.append({"eid": e.id, "sid": e.section_id})
        tx.run_batch(eq.UPSERT_ERROR_CODES, rows)
        tx.run_batch(eq.UPSERT_CAUSES, causes)
        tx.run_batch(eq.UPSERT_SOLUTIONS, solutions)
        tx.run_batch(eq.LINK_DESCRIBED_IN, described)


def _half_by_text(items: list[tuple[ParsedSource, Any]]) -> int:
    """Where the items' texts reach half their length (at least one each side;
    sections are far from equal: on a large manual half of them by count held
    56% of the text)."""
    total = sum(len(sec.text) for _, sec in items)
    seen = 0
    for i, (_, sec) in enumerate(items):
        seen += len(sec.text)
        if 2 * seen >= total:
            return min(max(i + 1, 1), len(items) - 1)
    return len(items) // 2


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Python's cycle collector, run less often while ingesting.

    It runs whenever 700 more containers were made than freed; an ingest makes
    millions (token pairs, rows, lxml's proxies) and next to no cycles, and the
    collections cost about 6% of a large file's ingest. It still runs, every
    GC_EVERY containers, so memory stays bounded; the setting is restored after.
    """
    with _GC_LOCK:  # ingests in several threads: the first sets, the last restores
        if not _GC_SAVED:
            _GC_SAVED.append(gc.get_threshold())
            gc.set_threshold(max(_GC_SAVED[0][0], GC_EVERY), *_GC_SAVED[0][1:])
        _GC_USERS.append(None)
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_USERS.pop()
            if not _GC_USERS:
                gc.set_threshold(*_GC_SAVED.pop())


_GC_LOCK = threading.Lock()
_GC_SAVED: list[tuple[int, int, int]] = []
_GC_USERS: list[None] = []


def _is_record_source(s: ParsedSource) -> bool:
    return s.kind == "log" or s.tickets is not None or s.community is not None


def _source_row(s: ParsedSource, now: int) -> dict[str, Any]:
    return {"id": s.uri, "props": {
        "uri": s.uri, "hash": s.hash, "kind": s.kind,
        "extractor": f"graphdesk.{s.kind}/{EXTRACTOR_VERSION}",
        "extracted_at": now, "last_error": None,
        "problems": s.warnings[:MAX_KEPT_PROBLEMS] or None}}  # fmt: skip


def _error_props(e: ErrorCodeRecord, s: ParsedSource) -> dict[str, Any]:
    steps = "\n".join(e.steps + e.steps_zh)
    search = search_field(
        (e.code, 3),
        (" ".join(e.aliases), 3),
        ((e.name or "").replace("_", " "), 3),
        (e.message or "", 2),
        (e.description or "", 1),
        (e.message_zh or "", 2),
        (e.class_name or "", 1),
        (e.cause or "", 1),
        (e.cause_zh or "", 1),
        (steps, 1),
    )
    return {
        "code": e.code,
        "name": e.name,
        "product": e.product,
        "version": e.version,
        "message": e.message,
        "message_zh": e.message_zh,
        "description": e.description,
        "aliases": e.aliases,
        "class_name": e.class_name,
        "severity": e.severity,
        "uri": e.uri or s.uri,
        "location": e.location,
        "search": search,
    }
