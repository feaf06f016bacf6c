"""Large and hostile files: ingest speed (MB/s) and peak memory, each in a fresh process.

Inputs, all built by this script (deterministic):

- ``html``: one HTML page of ``--mb`` megabytes, the bodies of the PostgreSQL
  manual's pages concatenated in file order (a vendor's single-page manual);
  baseline in the same run: lxml alone parsing it and reading its text (the
  floor any HTML extractor built on lxml pays).
- ``pdf``: a PDF of ``--pdf-pages`` pages of the same manual's text (matplotlib,
  one text layer, headings set larger); MB/s and pages/s.
- ``docx``: a Word document of the same text, headings and one table (python-docx).
- bombs, which must be refused or cut, never read whole: an .xlsx of about
  1 MB whose one cell is 1 GiB; an .xlsx declaring 2,000,000 columns; HTML
  nested 100,000 deep; a file over the size limit (``GRAPHDESK_MAX_FILE_MB``).
  Baseline: the same process ingesting a one-paragraph Markdown file.

Each case runs ``Ingestor.run`` in its own Python process on a fresh embedded
graph; peak memory is that process's ru_maxrss (the graph server is another
process, reported apart as its VmHWM). Times are wall clock on a shared 2-core
machine, so the HTML case runs ``--repeat`` times and reports the median, its
runs interleaved with those of the baselines: lxml alone, and with
``--baseline-ref REF`` the code of an earlier commit (``git archive REF``)
ingesting the same file the same way.

Usage: python bench/ingest_large.py [--manual DIR] [--mb 20] [--pdf-pages 200]
       [--repeat 5] [--baseline-ref COMMIT]
Writes bench/results/ingest_large.json and ingest_large.md.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# ``--code DIR`` (a baseline's source tree) is imported instead of this checkout.
CODE = Path(sys.argv[sys.argv.index("--code") + 1]) if "--code" in sys.argv else ROOT
sys.path.insert(0, str(CODE))

MANUAL = Path("/usr/share/doc/postgresql-doc-15/html")
RESULTS = ROOT / "bench" / "results"
GOAL_MB_S = 10.0
GOAL = "large HTML at >= 10 MB/s; every bomb refused or cut with memory near the baseline"


def _bodies(manual: Path) -> list[str]:
    import lxml.html

    out = []
    for page in sorted(manual.glob("*.html")):
        root = lxml.html.fromstring(page.read_bytes())
        body = root.find("body")
        if body is not None:
            out.append(lxml.html.tostring(body, encoding="unicode")[6:-7])
    return out


def build_html(manual: Path, mb: float, path: Path) -> None:
    bodies, parts, size, i = _bodies(manual), [], 0, 0
    while size < mb * 1e6:
        parts.append(bodies[i % len(bodies)])
        size += len(parts[-1].encode())
        i += 1
    path.write_text(
        "<html><head><title>Manual (one page)</title></head><body>"
        + "".join(parts)
        + "</body></html>",
        encoding="utf-8",
    )


def _paragraphs(manual: Path, n: int) -> list[tuple[str, str]]:
    """(heading, paragraph) pairs from the manual, in file order."""
    import lxml.html

    out: list[tuple[str, str]] = []
    for page in sorted(manual.glob("*.html")):
        root = lxml.html.fromstring(page.read_bytes())
        heading = " ".join((root.findtext(".//title") or page.stem).split())
        for p in root.iter("p"):
            text = " ".join(p.text_content().split())
            if len(text) > 80:
                out.append((heading, text))
                heading = ""
            if len(out) >= n:
                return out
    return out


def build_pdf(manual: Path, pages: int, path: Path) -> None:
    import textwrap

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    paras = _paragraphs(manual, pages * 6)
    with PdfPages(path) as pdf:
        for n in range(pages):
            fig = plt.figure(figsize=(8.27, 11.69))
            y = 0.95
            for heading, text in paras[n * 6 : n * 6 + 6]:
                if heading:
                    fig.text(0.08, y, heading[:70], fontsize=15)
                    y -= 0.035
                for line in textwrap.wrap(text, 95)[:8]:
                    fig.text(0.08, y, line, fontsize=9)
                    y -= 0.017
                y -= 0.01
            pdf.savefig(fig)
            plt.close(fig)


def build_docx(manual: Path, n: int, path: Path) -> None:
    import docx

    doc = docx.Document()
    for i, (heading, text) in enumerate(_paragraphs(manual, n)):
        if heading:
            doc.add_heading(heading, level=1 + (i % 2))
        doc.add_paragraph(text)
    table = doc.add_table(rows=1, cols=3)
    for cell, label in zip(table.rows[0].cells, ("code", "message", "solution"), strict=True):
        cell.text = label
    for k in range(200):
        row = table.add_row().cells
        row[0].text, row[1].text, row[2].text = f"BX-{1000 + k}", "queue full", "1. drain it"
    doc.save(str(path))


def build_bombs(work: Path) -> dict[str, Path]:
    import openpyxl

    plain = work / "plain.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["code", "message", "solution"])
    book.active.append(["BX-1", "relay down", "1. restart"])
    book.save(plain)
    cell = work / "cell.xlsx"
    wide = work / "wide.xlsx"
    with zipfile.ZipFile(plain) as src:
        for target, sheet in ((cell, _big_cell), (wide, _wide_sheet)):
            with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
                for item in src.infolist():
                    if item.filename.startswith("xl/worksheets/sheet"):
                        with out.open(item.filename, "w", force_zip64=True) as fh:
                            sheet(fh)
                    else:
                        out.writestr(item.filename, src.read(item.filename))
    deep = work / "deep.html"
    deep.write_text("<html><body>" + "<div>" * 100_000 + "deep text" + "</div>" * 100_000)
    huge = work / "huge.md"
    with huge.open("wb") as fh:  # sparse: over the limit without using the disk
        fh.truncate(300 * 2**20)
    tiny = work / "tiny.md"
    tiny.write_text("# Relay\n\nError BX-1 means the relay is down; restart it.\n")
    return {"xlsx_1gib_cell": cell, "xlsx_2m_columns": wide, "html_100k_deep": deep,
            "file_over_size_limit": huge, "baseline_tiny_markdown": tiny}  # fmt: skip


_NS = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def _big_cell(fh: Any) -> None:
    fh.write(_NS + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>')
    chunk = b"a" * (1 << 20)
    for _ in range(1024):
        fh.write(chunk)
    fh.write(b"</t></is></c></row></sheetData></worksheet>")


def _wide_sheet(fh: Any) -> None:
    # no <dimension>: the reader learns the width only by reading the row
    fh.write(_NS + b'<sheetData><row r="1">')
    fh.write(b"".join(b'<c t="inlineStr"><is><t>x</t></is></c>' for _ in range(2_000_000)))
    fh.write(b"</row></sheetData></worksheet>")


def child(path: Path, data_dir: Path) -> None:
    """Ingest one file into a fresh graph; print what it cost as JSON."""
    import extractors.ingest.pipeline as pipeline
    from graph.falkor import FalkorStore
    from migrations.runner import migrate

    Ingestor = pipeline.Ingestor
    if not Path(pipeline.__file__).resolve().is_relative_to(CODE.resolve()):
        raise SystemExit(f"imported {pipeline.__file__}, not the code under {CODE}")

    phases = _timed_phases()
    store = FalkorStore(data_dir)
    try:
        migrate(store)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        cpu = _cpu()
        t = time.perf_counter()
        report = Ingestor(store, progress=False).run([path])
        seconds = time.perf_counter() - t
        cpu = _cpu() - cpu
        server = _vmhwm(store.server.pid) if store.server is not None else None
    finally:
        store.close()
    print(json.dumps({
        "seconds": seconds, "cpu_seconds": cpu,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "maxrss_before_mb": before / 1024, "server_vmhwm_mb": server,
        "failed": [r for _, r in report.failed], "warnings": report.failed_records[:3],
        "sections": report.sections, "phases": {k: round(v, 3) for k, v in phases.items()},
    }))  # fmt: skip


# Where an ingest's time goes (wall clock, seconds): each phase is a function
# called a few times per file, timed by a wrapper (costs nothing measurable),
# without the phases it calls (older code encodes inside FalkorStore._exec).
# "encode" is the checking and encoding of parameters (one pass in
# graph.falkor.params_header; two in older code: plain_params, then the
# client's stringify_param_value); "server" is sending the transaction and
# waiting for FalkorDB to run it.
PHASES = [
    ("parse", "extractors.ingest.pipeline", "parse_file"),
    ("section_rows", "extractors.ingest.pipeline", "Ingestor._section_rows"),
    ("encode", "graph.falkor", "params_header"),
    ("encode", "graph.falkor", "plain_params"),
    ("encode", "graph.store", "plain_params"),
    ("encode", "graph.falkor", "_params_header"),
    ("server", "graph.falkor", "FalkorStore._exec"),
    ("checkpoint", "graph.falkor", "FalkorStore.checkpoint"),
]


def _timed_phases() -> dict[str, float]:
    import functools
    import importlib

    spent: dict[str, float] = {}
    inside: list[str] = []  # the phases running, innermost last: each counts its own time

    def wrap(phase: str, f: Any) -> Any:
        @functools.wraps(f)
        def timed(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            inside.append(phase)
            try:
                return f(*args, **kwargs)
            finally:
                inside.pop()
                took = time.perf_counter() - t
                spent[phase] = spent.get(phase, 0.0) + took
                if inside:
                    spent[inside[-1]] = spent.get(inside[-1], 0.0) - took

        return timed

    for phase, module, name in PHASES:
        owner: Any = importlib.import_module(module)
        *path, attr = name.split(".")
        for step in path:
            owner = getattr(owner, step)
        if hasattr(owner, attr):
            setattr(owner, attr, wrap(phase, getattr(owner, attr)))
    return spent


def server_share(path: Path, data_dir: Path) -> None:
    """The FalkorDB server's own time for the file's one transaction, and how
    much of it is full-text indexing: the transaction is captured while the
    file is ingested, then run again (MULTI/EXEC, as sent) on fresh graphs
    with and without the Section full-text index; prints JSON."""
    import extractors.ingest.pipeline as pipeline
    from graph.falkor import QUERY, FalkorStore
    from migrations.runner import migrate

    blocks: list[list[tuple[str, str]]] = []
    exec_ = FalkorStore._exec

    def capture(self: Any, queue: Any) -> Any:
        blocks.append([(c, h) for c, h, _ in queue.statements])
        return exec_(self, queue)

    FalkorStore._exec = capture  # type: ignore[method-assign]
    store = FalkorStore(data_dir)
    try:
        migrate(store)
        pipeline.Ingestor(store, progress=False).run([path])
        block = max(blocks, key=len)
        chars = sum(len(h) + len(c) for c, h in block)
        out: dict[str, Any] = {"statements": len(block), "query_text_mb": round(chars / 1e6, 1)}
        for name in ("with_fulltext", "without_section_fulltext"):
            best = []
            for _ in range(3):
                store.drop_all()
                migrate(store)
                if name.startswith("without"):
                    store.write("CALL db.idx.fulltext.drop('Section')")
                pipe = store._writer.connection.pipeline(transaction=True)
                for cypher, header in block:
                    pipe.execute_command(QUERY, store.graph_name, header + cypher, "--compact")
                t = time.perf_counter()
                pipe.execute(raise_on_error=False)
                best.append(time.perf_counter() - t)
            out[name] = round(statistics.median(best), 3)
    finally:
        store.close()
    print(json.dumps(out))


def _cpu() -> float:
    """CPU seconds of this process and of the children it has waited for (the
    ingest's own workers; not the graph server, which runs until close)."""
    own, done = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + done.ru_utime + done.ru_stime


def _vmhwm(pid: int) -> float | None:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def run_child(path: Path, work: Path, code: Path = ROOT, mode: str = "--child") -> dict[str, Any]:
    data = Path(tempfile.mkdtemp(dir=work, prefix="graph"))
    out = subprocess.run(
        [sys.executable, __file__, mode, str(path), str(data), "--code", str(code)],
        capture_output=True, text=True, check=False, cwd=code,
    )  # fmt: skip
    if out.returncode != 0:
        raise SystemExit(f"{path.name}: child failed\n{out.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def checkout(ref: str, work: Path) -> tuple[Path, str]:
    """The source tree of commit ``ref`` (git archive), and its full hash."""
    commit = subprocess.run(
        ["git", "rev-parse", "--verify", ref + "^{commit}"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout.strip()  # fmt: skip
    tree = work / f"code-{commit[:10]}"
    tar = work / "code.tar"
    with tar.open("wb") as fh:
        subprocess.run(["git", "archive", commit], stdout=fh, check=True, cwd=ROOT)
    with tarfile.open(tar) as archive:
        archive.extractall(tree, filter="data")
    return tree, commit


def lxml_floor(path: Path) -> float:
    import lxml.html

    t = time.perf_counter()
    root = lxml.html.fromstring(path.read_bytes())
    for el in root.iter():
        el.text_content() if el.tag == "p" else None
    return time.perf_counter() - t


def measured(name: str, path: Path, got: dict[str, Any]) -> dict[str, Any]:
    size = path.stat().st_size
    got["mb"] = round(size / 1e6, 2)
    got["mb_per_s"] = round(size / 1e6 / got["seconds"], 2)
    print(f"{name:24s} {got['mb']:8.2f} MB {got['seconds']:7.2f} s "
          f"{got['mb_per_s']:6.2f} MB/s rss {got['maxrss_mb']:7.1f} MB "
          f"failed={bool(got['failed'])}", flush=True)  # fmt: skip
    return got


def html_runs(
    html: Path, work: Path, repeat: int, baseline: tuple[Path, str] | None
) -> dict[str, Any]:
    """The HTML case ``repeat`` times, each run followed by lxml alone and the
    baseline's code on the same file; the median of each (wall clock)."""
    runs: dict[str, list[dict[str, Any]]] = {"current": [], "lxml": [], "baseline": []}
    size = html.stat().st_size / 1e6
    for _ in range(repeat):
        runs["current"].append(measured("html", html, run_child(html, work)))
        floor = lxml_floor(html)
        runs["lxml"].append({"seconds": floor, "mb_per_s": round(size / floor, 2)})
        if baseline is not None:
            got = measured(f"html ({baseline[1][:7]})", html, run_child(html, work, baseline[0]))
            runs["baseline"].append(got)
    out: dict[str, Any] = {"repeat": repeat, "runs": runs}
    for name, got in runs.items():
        if got:
            mid = statistics.median(r["seconds"] for r in got)
            pick = min(got, key=lambda r: abs(r["seconds"] - mid))  # the median run itself
            out["median" if name == "current" else f"{name}_median"] = {
                **pick, "seconds": round(mid, 3), "mb_per_s": round(size / mid, 2)}  # fmt: skip
    if baseline is not None:
        out["baseline_commit"] = baseline[1]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--manual", type=Path, default=MANUAL)
    ap.add_argument("--mb", type=float, default=20.0)
    ap.add_argument("--pdf-pages", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=5, help="runs of the HTML case (median)")
    ap.add_argument("--baseline-ref", help="also time the HTML case with this commit's code")
    ap.add_argument("--child", nargs=2, type=Path, metavar=("FILE", "DATA_DIR"))
    ap.add_argument("--server-share", nargs=2, type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--code", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return 0
    if args.server_share:
        server_share(*args.server_share)
        return 0
    results: dict[str, Any] = {"goal": GOAL, "cases": {}, "pdf_pages": args.pdf_pages}
    with tempfile.TemporaryDirectory(prefix="gdlarge") as tmp:
        work = Path(tmp)
        html, pdf, docx_path = work / "manual.html", work / "manual.pdf", work / "manual.docx"
        build_html(args.manual, args.mb, html)
        build_pdf(args.manual, args.pdf_pages, pdf)
        build_docx(args.manual, args.pdf_pages * 6, docx_path)
        baseline = checkout(args.baseline_ref, work) if args.baseline_ref else None
        results["html_runs"] = html_runs(html, work, args.repeat, baseline)
        results["html_server"] = run_child(html, work, mode="--server-share")
        cases = {"pdf": pdf, "docx": docx_path, **build_bombs(work)}
        results["cases"]["html"] = results["html_runs"]["median"]
        for name, path in cases.items():
            results["cases"][name] = measured(name, path, run_child(path, work))
    c = results["cases"]
    base = c["baseline_tiny_markdown"]["maxrss_mb"]
    bombs = ("xlsx_1gib_cell", "xlsx_2m_columns", "html_100k_deep", "file_over_size_limit")
    results["checks"] = {
        "html_at_least_10_mb_s": c["html"]["mb_per_s"] >= GOAL_MB_S,
        "bombs_refused_or_cut": all(c[b]["failed"] or c[b]["warnings"] for b in bombs),
        "bombs_within_200_mb_of_baseline": all(c[b]["maxrss_mb"] - base < 200 for b in bombs),
    }
    if "baseline_median" in results["html_runs"]:
        old = results["html_runs"]["baseline_median"]
        results["checks"]["html_as_many_sections_as_the_baseline"] = (
            old["sections"] == c["html"]["sections"]
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ingest_large.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / "ingest_large.md").write_text(markdown(results))
    return 0


def markdown(r: dict[str, Any]) -> str:
    out = [
        "# Large and hostile files: ingest speed and peak memory",
        "",
        f"Goal: {r['goal']}.",
        "",
        "| input | size (MB) | wall (s) | MB/s | sections | peak RSS (MB) | graph server "
        "VmHWM (MB) | outcome |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, c in r["cases"].items():
        outcome = ("refused: " + c["failed"][0][:90]) if c["failed"] else (
            ("cut: " + c["warnings"][0][:90]) if c["warnings"] else "ingested")  # fmt: skip
        out.append(
            f"| {name} | {c['mb']:,.2f} | {c['seconds']:.2f} | {c['mb_per_s']:.2f} "
            f"| {c['sections']:,} | {c['maxrss_mb']:.0f} | {c['server_vmhwm_mb'] or 0:.0f} "
            f"| {outcome.replace('|', '/')} |"
        )
    h = r["html_runs"]
    f = h["lxml_median"]
    cpu = {k: statistics.median(r.get("cpu_seconds", 0.0) for r in v) if v else 0.0
           for k, v in h["runs"].items()}  # fmt: skip
    lines = [
        f"- this code: {h['median']['seconds']:.2f} s, {h['median']['mb_per_s']:.2f} MB/s "
        f"(CPU of the ingesting process and its workers: {cpu['current']:.2f} s)",
        f"- lxml alone (parse, then read the paragraphs' text): {f['seconds']:.3f} s, "
        f"{f['mb_per_s']:.1f} MB/s",
    ]
    if "baseline_median" in h:
        b = h["baseline_median"]
        lines.append(
            f"- the code of commit {h['baseline_commit'][:10]} (the previous code path): "
            f"{b['seconds']:.2f} s, {b['mb_per_s']:.2f} MB/s (CPU {cpu['baseline']:.2f} s), "
            f"{b['sections']:,} sections, peak RSS {b['maxrss_mb']:.0f} MB"
        )
    phases = _phase_lines(r)
    out += [
        "",
        f"HTML: median of {h['repeat']} runs each, interleaved in the same run "
        "(wall clock, Ingestor.run on a fresh graph, its start-up included):",
        "",
        *lines,
        "",
        "Per run, this code / baseline (s): "
        + ", ".join(
            f"{c['seconds']:.2f}" + (f" / {b['seconds']:.2f}" if b else "")
            for c, b in itertools.zip_longest(h["runs"]["current"], h["runs"]["baseline"])
        )
        + ".",
        "",
        *phases,
        "The tiny Markdown file's process is the memory baseline for the bombs. The PDF has "
        f"{r['pdf_pages']} pages ({r['pdf_pages'] / r['cases']['pdf']['seconds']:.0f} pages/s); "
        "most of every process's memory is the libraries it loads (spaCy, jieba, lxml).",
        "",
        "Checks:",
        "",
        *(f"- {k.replace('_', ' ')}: {'yes' if v else 'no'}" for k, v in r["checks"].items()),
        "",
    ]
    return "\n".join(out)


PHASE_NAMES = {
    "parse": "parse (lxml, the walk, error-code tables and layouts)",
    "section_rows": "section rows (search fields, concept mentions; two processes)",
    "encode": "parameters checked and encoded",
    "server": "the transaction: sent, run by FalkorDB, replies read",
    "checkpoint": "compaction of the append-only file",
    "other": "the rest (start-up: glossary, products; hashing; reading the file)",
}


def _phase_lines(r: dict[str, Any]) -> list[str]:
    """Where the HTML file's time went: medians over the runs, per phase."""
    h = r["html_runs"]
    cols = [("this code", h["runs"]["current"]), ("baseline", h["runs"]["baseline"])]
    cols = [(name, runs) for name, runs in cols if runs and all("phases" in x for x in runs)]
    if not cols:
        return []

    def median(runs: list[dict[str, Any]], phase: str) -> float:
        if phase == "other":
            return statistics.median(x["seconds"] - sum(x["phases"].values()) for x in runs)
        return statistics.median(x["phases"].get(phase, 0.0) for x in runs)

    out = [
        "Where the HTML file's time goes (wall clock, median of the runs, seconds):",
        "",
        "| phase | " + " | ".join(name for name, _ in cols) + " |",
        "|---|" + "---:|" * len(cols),
    ]
    for phase, label in PHASE_NAMES.items():
        out.append(f"| {label} | " + " | ".join(f"{median(x, phase):.2f}" for _, x in cols) + " |")
    out.append("")
    s = r.get("html_server")
    if s:
        share = s["with_fulltext"] - s["without_section_fulltext"]
        out += [
            f"The FalkorDB server's own time for the file's one transaction ({s['statements']} "
            f"statements, {s['query_text_mb']} MB of query text with its parameters), replayed "
            f"on a fresh graph: {s['with_fulltext']:.2f} s; without the Section full-text "
            f"index {s['without_section_fulltext']:.2f} s, so full-text indexing inside the "
            f"transaction is {share:.2f} s. 10 MB/s is {20.1 / 10:.2f} s for this file.",
            "",
        ]
    return out


if __name__ == "__main__":
    raise SystemExit(main())
