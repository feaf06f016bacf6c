"""The ``graphdesk`` command: serve, ingest, ask, migrate, doctor ...

Every command loads the settings (``GRAPHDESK_*``, ``GRAPHDESK_CONFIG``; the
global ``--data-dir`` wins over ``GRAPHDESK_DATA_DIR``), opens the store,
and closes it on the way out, also after an error or Ctrl-C. Expected
failures (bad configuration, an unreachable or locked store, a bad question)
end with a one-line message and exit code 1 (2 for bad arguments), no
traceback.

Commands that write the graph (ingest, watch, logs ingest, merges undo,
migrate, doctor --repair) hold the data directory's write lock
(graph/writelock.py) from before the store opens until it is closed, so the
migration they run is covered too. A second writer says once on stderr whom
it waits for; ``--no-wait`` or ``--lock-timeout`` (GRAPHDESK_LOCK_TIMEOUT)
make it give up with exit code 1 instead. Commands that only read (ask,
stats, merges list, migrate --info/--validate, doctor) refuse a data
directory that does not exist rather than start an empty graph there.
"""

from __future__ import annotations

import dataclasses
import errno
import ipaddress
import json
import logging
import os
import socket
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from api.cli_context import settings_of
from api.settings import ConfigError, Settings, load_settings
from graph.datadir import missing_data_dir
from graph.errors import GraphError
from graph.store import Store
from graph.writelock import Holder, write_lock
from resolvers.identity import Role

if TYPE_CHECKING:
    from extractors.ingest.pipeline import IngestReport
    from extractors.ingest.validation import Finding
    from extractors.text.crypto.sealer import Sealer
    from migrations.runner import Status
    from resolvers.pipeline.records import Answer


@contextmanager
def opened_store(
    settings: Settings, migrated: bool = True, reading: bool = False
) -> Iterator[Store]:
    """The configured store, open for the ``with`` block.

    ``reading``: the command only reads, so a data directory that does not
    exist is an error (opening it would create an empty graph to read from).
    """
    from api.app import open_store_waiting
    from migrations.runner import migrate

    if reading and (missing := missing_data_dir(settings.graph_config())) is not None:
        raise click.ClickException(
            f"data directory {missing} does not exist (from --data-dir, GRAPHDESK_DATA_DIR "
            "or the default); this command only reads, so it does not create one: "
            "check the path, or ingest into it first"
        )
    try:
        store = open_store_waiting(settings)
    except GraphError as exc:
        raise click.ClickException(f"cannot open the graph store: {exc}") from None
    try:
        if migrated:
            migrate(store)
        yield store
    except GraphError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        store.close()


def _sealer(settings: Settings) -> Sealer:
    """The configured data keys' sealer (a bad or missing ring stops the command)."""
    from api.data_keys import sealer

    try:
        return sealer(settings)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


F = TypeVar("F", bound=Callable[..., Any])


def lock_options(command: F) -> F:
    """``--no-wait`` and ``--lock-timeout`` for a command that writes the graph."""
    command = click.option(
        "--lock-timeout", type=click.FloatRange(min=0), metavar="SECONDS",
        help="Wait at most this long for another writer of the data directory "
             "(default GRAPHDESK_LOCK_TIMEOUT, or as long as it takes).",
    )(command)  # fmt: skip
    command = click.option(
        "--no-wait", is_flag=True,
        help="Refuse at once when another process is writing the data directory.",
    )(command)  # fmt: skip
    return command


def _lock_timeout(settings: Settings, no_wait: bool, lock_timeout: float | None) -> float | None:
    if no_wait:
        return 0.0
    return lock_timeout if lock_timeout is not None else settings.lock_timeout


def _say_waiting(data_dir: Path) -> Callable[[Holder], None]:
    def say(holder: Holder) -> None:
        click.echo(
            f"waiting for the write lock of {data_dir}, held by {holder.describe()} "
            "(--no-wait or --lock-timeout to give up)",
            err=True,
        )

    return say


@contextmanager
def writing(
    settings: Settings, no_wait: bool = False, lock_timeout: float | None = None
) -> Iterator[None]:
    """Hold the data directory's write lock (waiting as the options say)."""
    data_dir = settings.data_dir.expanduser()
    try:
        with write_lock(
            data_dir,
            timeout=_lock_timeout(settings, no_wait, lock_timeout),
            on_wait=_say_waiting(data_dir),
        ):
            yield
    except GraphError as exc:
        raise click.ClickException(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="graphdesk", prog_name="graphdesk")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Data directory of the embedded graph (overrides GRAPHDESK_DATA_DIR).",
)
@click.pass_context
def main(ctx: click.Context, data_dir: Path | None) -> None:
    """graphdesk: a knowledge graph that answers support questions."""
    overrides = {"data_dir": data_dir} if data_dir is not None else {}
    try:
        ctx.obj = load_settings(**overrides)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: it may resolve beyond this machine


def _tls_files(settings: Settings) -> tuple[Path, Path] | None:
    cert, key = settings.tls_certfile, settings.tls_keyfile
    if cert is None and key is None:
        return None
    if cert is None or key is None:
        raise click.ClickException(
            "TLS needs both GRAPHDESK_TLS_CERTFILE and GRAPHDESK_TLS_KEYFILE (one is unset)"
        )
    for what, path in (("GRAPHDESK_TLS_CERTFILE", cert), ("GRAPHDESK_TLS_KEYFILE", key)):
        if not path.expanduser().is_file():
            raise click.ClickException(f"{what}: {path} is not a readable file")
    return cert.expanduser(), key.expanduser()


def _envelope_key(settings: Settings) -> None:
    from api.app import envelope_key
    from api.envelope_rules import rules_of

    try:
        envelope_key(settings, rules_of(settings))
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def _proxy(settings: Settings) -> dict[str, Any]:
    """uvicorn's proxy settings: the client address (rate limits, lockout, audit) and
    scheme from X-Forwarded-For / -Proto only when the peer is a trusted gateway."""
    trusted = settings.forwarded_allow_ips.strip()
    return {"proxy_headers": bool(trusted), "forwarded_allow_ips": trusted or None}


@main.command()
@click.option("--host", help="Interface to listen on (default GRAPHDESK_HOST or 127.0.0.1).")
@click.option(
    "--port", type=click.IntRange(1, 65535), help="Port (default GRAPHDESK_PORT or 8000)."
)
@click.option("--no-demo", is_flag=True, help="Do not seed the demo corpus into an empty graph.")
@click.option(
    "--workers",
    type=click.IntRange(1, 32),
    help="Worker processes (default GRAPHDESK_WORKERS or 1); they share one graph.",
)
@lock_options
@click.pass_context
def serve(
    ctx: click.Context,
    host: str | None,
    port: int | None,
    no_demo: bool,
    workers: int | None,
    no_wait: bool,
    lock_timeout: float | None,
) -> None:
    """Serve the GraphQL API (the graph store opens at start-up).

    The URL is printed once the server listens on it: a port that is taken is
    an error at once. Seeding the demo into an empty graph takes the write lock
    (the lock options apply to that wait).
    """
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from api import load_board
    from api.app import create_app, prepare_graph

    settings = settings_of(ctx)
    settings = settings.model_copy(
        update={"lock_timeout": _lock_timeout(settings, no_wait, lock_timeout)}
    )
    # uvicorn configures its own loggers; graphdesk's start-up messages need a handler too.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)-8s %(name)s: %(message)s")
    logging.getLogger("graphdesk").setLevel(logging.INFO)
    host = host or settings.host
    port = port or settings.port
    shown = f"[{host}]" if ":" in host else host
    ide = " (GraphiQL in the browser)" if settings.development else ""
    tls = _tls_files(settings)
    if tls is None and not settings.development and not _loopback(host):
        raise click.ClickException(
            f"production refuses to listen on {host} without TLS: set GRAPHDESK_TLS_CERTFILE "
            "and GRAPHDESK_TLS_KEYFILE, or listen on 127.0.0.1 behind a TLS proxy"
        )
    scheme = "https" if tls else "http"
    certfile, keyfile = (str(tls[0]), str(tls[1])) if tls else (None, None)
    from api.token_cli import _key, development_tokens

    _key(settings)  # production without a usable secret stops here, before any work
    _sealer(settings)  # and without the keys that seal personal data
    _envelope_key(settings)  # and without the envelope's key when it is required
    if settings.development and not _loopback(host):
        click.echo(
            f"WARNING development mode on {host}: requests without a token act with every "
            "role, for anyone who reaches this address (GRAPHDESK_ENV=production requires tokens)",
            err=True,
        )
    served: list[Any] = []  # the app, when this process serves it (one worker)

    def announce() -> None:
        click.echo(f"graphdesk serving {scheme}://{shown}:{port}/graphql{ide}")
        if settings.development:
            for line in development_tokens(settings, _subjects(served[0]) if served else {}):
                click.echo(line)

    # Bound here, before any start-up work, so a taken port fails fast and clearly.
    sock = _bind(host, port, shown)
    workers = workers or settings.workers
    if workers == 1:
        app = create_app(settings, seed_demo=not no_demo)
        served.append(app)
        config = uvicorn.Config(
            app, host=host, port=port, log_level="info", lifespan="on",
            ssl_certfile=certfile, ssl_keyfile=keyfile, **_proxy(settings),
        )  # fmt: skip
        server = _announcing_server(config, announce)
        try:
            server.run(sockets=[sock])
        except KeyboardInterrupt:
            pass
        finally:
            sock.close()
        if not server.started:
            raise click.ClickException("graphdesk did not start: see the errors above")
        return
    # Several processes: migrate and seed here once, then each worker opens the
    # same graph (the embedded server is shared through its data directory).
    try:
        prepare_graph(settings, seed_demo=not no_demo)
    except GraphError as exc:
        sock.close()
        raise click.ClickException(str(exc)) from None
    os.environ["GRAPHDESK_DATA_DIR"] = str(settings.data_dir)
    # The workers share how loaded each is, to even out keep-alive connections.
    board = load_board.create(workers)
    os.environ[load_board.ENV] = str(board)
    config = uvicorn.Config(
        "api.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        lifespan="on",
        ssl_certfile=certfile,
        ssl_keyfile=keyfile,
        **_proxy(settings),
    )
    # Listening from here on: a client connecting now waits in the backlog
    # until a worker has started and accepts it, so the URL is true already.
    sock.listen(config.backlog)
    announce()
    try:
        Multiprocess(config, sockets=[sock]).run()
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
        board.unlink(missing_ok=True)


def _subjects(app: Any) -> dict[Role, str]:
    """A customer and an agent of the graph, for the development tokens."""
    from graph.queries import tickets as tq

    store = app.state.runtime.store
    found: dict[Role, str] = {}
    if store is None:
        return found
    for role, cypher in ((Role.AGENT, tq.FIRST_AGENT), (Role.CUSTOMER, tq.FIRST_CUSTOMER)):
        if rows := store.read(cypher):
            found[role] = rows[0]["id"]
    return found


def _bind(host: str, port: int, shown: str) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            reason = "the port is already in use (is another graphdesk serving there?)"
        else:
            reason = exc.strerror or str(exc)
        raise click.ClickException(f"cannot listen on {shown}:{port}: {reason}") from None
    sock.set_inheritable(True)  # the worker processes serve on it
    return sock


def _announcing_server(config: Any, announce: Callable[[], None]) -> Any:
    """uvicorn's server, which calls ``announce`` once start-up is done and it listens."""
    import uvicorn  # only `serve` needs it

    class AnnouncingServer(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if self.started and not self.should_exit:
                announce()

    return AnnouncingServer(config)


def _reason(uri: str, reason: str) -> str:
    """Extractor messages start with the file name; the report prints it once."""
    return reason.removeprefix(f"{uri}: ")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--no-progress", is_flag=True, help="Do not show the progress bar.")
@click.option(
    "--keep-missing",
    is_flag=True,
    help="Keep facts of files that disappeared from an ingested directory (default: retire them).",
)
@click.option(
    "--allow-partial",
    is_flag=True,
    help="Exit 0 when some files or records failed but others were ingested.",
)
@click.option(
    "--no-embed",
    is_flag=True,
    help="Leave the new sections' embeddings to `graphdesk embed` or the server.",
)
@lock_options
@click.pass_context
def ingest(
    ctx: click.Context,
    paths: tuple[Path, ...],
    no_progress: bool,
    keep_missing: bool,
    allow_partial: bool,
    no_embed: bool,
    no_wait: bool,
    lock_timeout: float | None,
) -> None:
    """Ingest documents (HTML, Markdown), error-code and spec tables (CSV, XLSX),
    ticket exports, community dumps, screenshots and log files.

    Unchanged files are skipped; a file that cannot be parsed is reported and
    the others are still ingested. Ends with a validation section. Exit code 1
    when any file or record failed (records that failed before are reported
    again while their file is unchanged); with --allow-partial, only when
    every file failed.

    Then the new sections are embedded (the facts are committed first, so
    answers work at once, by words, and use the embeddings as they land);
    Ctrl-C or --no-embed leaves that to `graphdesk embed` or the server.
    """
    from extractors.ingest.pipeline import Ingestor
    from extractors.ingest.validation import validate

    settings = settings_of(ctx)
    with ExitStack() as open_store:
        # The lock is taken before the store opens (opening migrates) and given
        # up once the facts are in: the embeddings take it a batch at a time.
        with writing(settings, no_wait, lock_timeout):
            store = open_store.enter_context(opened_store(settings))
            report = Ingestor(
                store,
                progress=not no_progress,
                ticket_fields=settings.ticket_fields(),
                limits=settings.limits(),
                sealer=_sealer(settings),
            ).run(list(paths), retire_missing=not keep_missing)
            findings = validate(store)
        _print_report(report, findings)
        if settings.embeddings and not no_embed:
            _embed(store, settings, not no_progress)
    ok = report.new + report.changed + report.unchanged
    if report.failed and ok == 0:
        raise click.exceptions.Exit(1)
    if (report.failed or report.failed_records) and not allow_partial:
        click.echo(
            f"exit 1: {len(report.failed)} files and {len(report.failed_records)} records "
            "failed; the rest is ingested (--allow-partial exits 0 for that)",
            err=True,
        )
        raise click.exceptions.Exit(1)
    if not report.failed and ok == 0:
        from extractors.ingest.pipeline import KINDS

        click.echo(f"nothing to ingest: no {', '.join(sorted(KINDS))} files found")


@main.command()
@click.option("--no-progress", is_flag=True, help="Do not show the progress bar.")
@click.pass_context
def embed(ctx: click.Context, no_progress: bool) -> None:
    """Embed the sections that have no current embedding (new, changed, or of
    another model). `ingest` and the server do this by themselves; this runs
    it now, for example after `ingest --no-embed`."""
    settings = settings_of(ctx)
    if not settings.embeddings:
        raise click.ClickException("embeddings are off (GRAPHDESK_EMBEDDINGS=false)")
    with ExitStack() as open_store:
        with writing(settings):  # opening migrates: as every writer, under the lock
            store = open_store.enter_context(opened_store(settings))
        if not _embed(store, settings, not no_progress):
            click.echo("embeddings: every section has one")


def _embed(store: Store, settings: Settings, progress: bool) -> bool:
    """Embed pending sections, each batch under the write lock; interruptible."""
    from tqdm import tqdm

    from extractors.ingest.embed import embed_pending
    from extractors.text.embedding import shared
    from graph.queries.vectors import pending_count

    data_dir = settings.data_dir.expanduser()
    embedder = shared()
    if not pending_count(store, embedder.name):
        return False
    bar = tqdm(desc="embeddings", unit="section", disable=not progress)

    def advance(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    try:
        report = embed_pending(
            store,
            embedder,
            data_dir=data_dir,
            write_lock=lambda: write_lock(data_dir, timeout=settings.lock_timeout),
            progress=advance,
        )
    except KeyboardInterrupt:
        bar.close()
        click.echo("embeddings interrupted: `graphdesk embed` or the server finishes them")
        return True
    bar.close()
    click.echo(report.summary())
    return True


def _print_report(report: IngestReport, findings: list[Finding]) -> None:
    click.echo(report.summary())
    for uri, reason in report.failed:
        click.echo(f"FAILED {uri}: {_reason(uri, reason)}")
    for record in report.failed_records:
        click.echo(f"FAILED {record}")
    for warning in report.warnings:
        click.echo(f"WARNING {warning}")
    click.echo("validation:" + ("" if findings else " nothing to report"))
    for finding in findings:
        click.echo(f"  {finding.line()}")


@main.group()
def merges() -> None:
    """Product names resolved to another product's node (entity resolution)."""


@merges.command("list")
@click.pass_context
def merges_list(ctx: click.Context) -> None:
    """Every recorded merge: the name as a source spelled it, how, and into what."""
    from graph.queries import concepts as cq

    with opened_store(settings_of(ctx), reading=True) as store:
        rows = store.read(cq.ALIASES)
    if not rows:
        click.echo("no merges recorded")
    for r in rows:
        state = "undone" if r["blocked"] else f"-> {r['product_name']} ({r['product']})"
        click.echo(f"{r['name']!r} {state} [{r['method']} {r['score']:.0f}] from {r['source']}")


@merges.command("undo")
@click.argument("name")
@lock_options
@click.pass_context
def merges_undo(ctx: click.Context, name: str, no_wait: bool, lock_timeout: float | None) -> None:
    """Split NAME off again: its documents and specs move to a product of its own,
    and it is never merged again."""
    from extractors.records import slug
    from extractors.text.resolution import name_key
    from graph.queries import concepts as cq

    settings = settings_of(ctx)
    with writing(settings, no_wait, lock_timeout), opened_store(settings) as store:
        kinds = {r["name"]: r["kind"] for r in store.read(cq.ALIASES)}
        if name not in kinds:
            raise click.ClickException(f"no merge recorded for the name {name!r}")
        if kinds[name] == "component":
            alias_id, own = "alias:component:" + name_key(name), "component:" + slug(name)
            store.write(cq.UNDO_COMPONENT_ALIAS, {"id": alias_id, "own": own})
        else:
            alias_id, own = "alias:" + name_key(name), "product:" + slug(name)
            store.write(cq.UNDO_ALIAS, {"id": alias_id, "own": own})
            store.write(cq.UNDO_ALIAS_SPECS, {"id": alias_id, "own": own})
    click.echo(f"{name!r} is its own {kinds[name]} again ({own})")


@main.command()
@click.argument("images", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per image, per line.")
@click.option("--lang", default=None, help="Tesseract languages (default chi_sim+eng), e.g. 'eng'.")
def ocr(images: tuple[Path, ...], as_json: bool, lang: str | None) -> None:
    """Read the text of screenshots as an ingest would, and show what was read.

    Prints the text, the error codes found in it and the language; with
    --json also each line's confidence and box. Needs no graph. Exit code 1
    when any image could not be read (the others are still printed).
    """
    from extractors.images.ocr import DEFAULT_LANGUAGES, ocr_image
    from extractors.records import ExtractionError
    from extractors.tickets.text import error_codes

    failed = 0
    for path in images:
        try:
            result = ocr_image(path, lang or DEFAULT_LANGUAGES)
        except ExtractionError as exc:
            failed += 1
            click.echo(f"FAILED {exc}", err=True)
            continue
        codes = [code for code, _strong in error_codes(result.text)]
        if as_json:
            click.echo(json.dumps({
                "image": str(path), "text": result.text, "codes": codes,
                "language": result.language_guess,
                "confidence": result.mean_confidence,
                "width": result.width, "height": result.height, "steps": result.steps,
                "lines": [{"text": ln.text, "confidence": round(ln.confidence, 4),
                           "box": [ln.left, ln.top, ln.width, ln.height]}
                          for ln in result.lines],
            }, ensure_ascii=False))  # fmt: skip
            continue
        click.echo(f"== {path} ({result.language_guess}, confidence {result.mean_confidence:.2f})")
        click.echo(result.text or "(no text recognised)")
        click.echo("codes: " + (", ".join(codes) if codes else "none"))
    if failed:
        raise click.exceptions.Exit(1)


@main.command()
@click.option(
    "--file",
    "path",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="UTF-8 text, one message per line ('-' reads standard input).",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line, with reasons.")
@click.option(
    "--conversation",
    is_flag=True,
    help="The lines are one customer's turns: a repeated one counts as frustration.",
)
def emotion(path: str, as_json: bool, conversation: bool) -> None:
    """Score each line's emotion, -1 (angry) to 1 (pleased): one score per line.

    Needs no graph. An empty line scores 0. Exit code 2 when the file cannot
    be read or is not UTF-8 (nothing is printed then).
    """
    from extractors.text.emotion import emotion as score

    raw = b""
    try:
        raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
        text = raw.decode("utf-8-sig")
    except OSError as exc:
        raise click.BadParameter(
            f"cannot read {path}: {exc.strerror or exc}", param_hint="--file"
        ) from None
    except UnicodeDecodeError as exc:
        at = raw[: exc.start].count(b"\n") + 1
        raise click.BadParameter(f"{path} is not UTF-8 (line {at}, byte {exc.start})",
                                 param_hint="--file") from None  # fmt: skip
    earlier: list[str] = []
    for line in text.splitlines():
        result = score(line, earlier if conversation else ())
        if conversation and line.strip():
            earlier.append(line)
        if as_json:
            click.echo(json.dumps({"text": line, "score": result.score,
                                   "polarity": result.polarity, "reasons": result.reasons},
                                  ensure_ascii=False))  # fmt: skip
        else:
            click.echo(f"{result.score:.3f}")


@main.group()
def logs() -> None:
    """Log files: mine event templates."""


@logs.command("parse")
@click.argument("logfile", type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", required=True,
    help="Line format in LogPAI notation, e.g. '<Date> <Time> <Level> <Component>: <Content>'.",
)  # fmt: skip
@click.option(
    "--out", "out", required=True, type=click.Path(path_type=Path),
    help="CSV to write: LineId, the format's fields, EventId, EventTemplate.",
)  # fmt: skip
def logs_parse(logfile: Path, fmt: str, out: Path) -> None:
    """Mine templates from LOGFILE and write one CSV row per line."""
    from extractors.logs.miner import LogParseError, parse_log

    try:
        report = parse_log(logfile, fmt, out)
    except LogParseError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(report.summary())


@logs.command("ingest")
@click.argument("logfile", type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", required=True,
    help="Line format in LogPAI notation, e.g. '<Date> <Time> <Level> <Component>: <Content>'.",
)  # fmt: skip
@click.option("--product", help="Product that wrote the log (links its templates).")
@lock_options
@click.pass_context
def logs_ingest(
    ctx: click.Context,
    logfile: Path,
    fmt: str,
    product: str | None,
    no_wait: bool,
    lock_timeout: float | None,
) -> None:
    """Mine LOGFILE's templates into the graph as LogTemplate nodes."""
    from extractors.logs.miner import LogParseError
    from extractors.logs.write import ingest_log

    settings = settings_of(ctx)
    with writing(settings, no_wait, lock_timeout), opened_store(settings) as store:
        try:
            report = ingest_log(store, logfile, fmt, product)
        except LogParseError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(report.summary())


@main.command()
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option(
    "--debounce", type=click.IntRange(10, 60_000), default=300, show_default=True,
    help="Milliseconds to wait for a burst of changes to settle.",
)  # fmt: skip
@lock_options
@click.pass_context
def watch(
    ctx: click.Context,
    paths: tuple[Path, ...],
    debounce: int,
    no_wait: bool,
    lock_timeout: float | None,
) -> None:
    """Ingest DIRs now and again whenever files in them are added, changed or removed.

    Holds the data directory's write lock until it stops: other writers wait.
    """
    from extractors.ingest.watch import Batch
    from extractors.ingest.watch import watch as run_watch

    def show(batch: Batch) -> None:
        stamp = time.strftime("%H:%M:%S")
        click.echo(f"[{stamp}] {batch.events} change(s); graph updated and validated "
                   f"in {batch.seconds:.2f} s")  # fmt: skip
        _print_report(batch.report, batch.findings)

    settings = settings_of(ctx)
    with writing(settings, no_wait, lock_timeout), opened_store(settings) as store:
        click.echo("watching " + ", ".join(str(p) for p in paths) + " (Ctrl-C stops)")
        run_watch(
            store, list(paths), show, debounce_ms=debounce,
            ticket_fields=settings.ticket_fields(), limits=settings.limits(),
            sealer=_sealer(settings),
        )  # fmt: skip


def _print_answer(answer: Answer) -> None:
    click.echo(answer.text)
    click.echo()
    click.echo(f"mode: {answer.mode}, confidence: {answer.confidence:.2f}")
    if not answer.citations:
        click.echo("no citations")
        return
    click.echo("citations:")
    for n, c in enumerate(answer.citations, start=1):
        code = f" [{c.code}]" if c.code else ""
        click.echo(f"  {n}. {c.kind}{code}: {c.title} <{c.uri}>")


@main.command()
@click.argument("question")
@click.option("--limit", type=click.IntRange(1, 20), default=5, show_default=True,
              help="Most citations to show.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@click.pass_context
def ask(ctx: click.Context, question: str, limit: int, as_json: bool) -> None:
    """Answer QUESTION from the graph, with numbered citations."""
    from api.app import build_answerer

    settings = settings_of(ctx)
    text = question.strip()
    if not text:
        raise click.BadParameter("is empty; ask a question in words", param_hint="QUESTION")
    if len(text) > settings.max_question_chars:
        raise click.BadParameter(
            f"is too long: {len(text)} characters, the limit is {settings.max_question_chars}",
            param_hint="QUESTION",
        )
    from resolvers.pipeline.errors import BadQuestion

    with opened_store(settings, reading=True) as store:
        answerer = build_answerer(store, settings)
        try:
            answer = answerer.answer(text, limit=limit)
        except BadQuestion as exc:
            raise click.BadParameter(exc.problem, param_hint=exc.argument.upper()) from None
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(answer), ensure_ascii=False, indent=2))
    else:
        _print_answer(answer)


@main.command("migrate")
@click.option("--info", "show_info", is_flag=True, help="Show each migration's state; apply none.")
@click.option("--validate", "check", is_flag=True,
              help="Check applied migrations against their files; exit 1 on problems.")  # fmt: skip
@lock_options
@click.pass_context
def migrate_cmd(
    ctx: click.Context, show_info: bool, check: bool, no_wait: bool, lock_timeout: float | None
) -> None:
    """Apply pending graph migrations in order (or inspect them)."""
    from migrations import runner

    settings = settings_of(ctx)
    if not show_info and not check:
        with (
            writing(settings, no_wait, lock_timeout),
            opened_store(settings, migrated=False) as store,
        ):
            applied = runner.migrate(store)
        for m in applied:
            click.echo(f"applied {m.id} {m.description}")
        click.echo("schema is up to date" + (f" ({len(applied)} applied)" if applied else ""))
        return
    with opened_store(settings, migrated=False, reading=True) as store:
        problems = runner.validate(store) if check else []
        if show_info:
            _print_info(runner.info(store))
    if check:
        for problem in problems:
            click.echo(f"PROBLEM {problem}")
        if problems:
            raise click.exceptions.Exit(1)
        click.echo("migrations are valid")


def _print_info(statuses: list[Status]) -> None:
    rows = [("version", "description", "state", "checksum")]
    for s in statuses:
        rows.append((s.migration.id, s.migration.description, s.state, s.migration.checksum[:12]))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())


@main.command()
@click.pass_context
def stats(ctx: click.Context) -> None:
    """Count the graph's nodes by label, and its edges (without migrating)."""
    from graph.queries.documents import counts

    # Counting needs no index, and a graph a migration refuses can still be counted.
    with opened_store(settings_of(ctx), migrated=False, reading=True) as store:
        found = counts(store)
    edges = found.pop("edges", 0)
    width = max([len(label) for label in found] + [len("edges")])
    for label, n in sorted(found.items()):
        click.echo(f"{label.ljust(width)}  {n}")
    click.echo(f"{'edges'.ljust(width)}  {edges}")


@main.command()
@click.option("--repair", is_flag=True, help="Mend what is found (takes the write lock).")
@lock_options
@click.pass_context
def doctor(ctx: click.Context, repair: bool, no_wait: bool, lock_timeout: float | None) -> None:
    """Check the graph's consistency; exit 1 when there are problems.

    Looks for duplicate ids, parallel duplicate edges, documents without a
    source, sections without a document and edges to retired facts. Runs
    without migrating first, so a graph that a migration refuses can be
    repaired before it.
    """
    from graph import doctor as gd
    from graph.writelock import holder

    settings = settings_of(ctx)
    if not repair:
        with opened_store(settings, migrated=False, reading=True) as store:
            found = gd.examine(store)
        if (busy := holder(settings.data_dir)) is not None:
            click.echo(f"note: {busy.describe()} is writing the graph now; "
                       "what it has half written may show below")  # fmt: skip
        for line in found.lines():
            click.echo(line)
        if not found.clean:
            click.echo("run `graphdesk doctor --repair` to mend these")
            raise click.exceptions.Exit(1)
        click.echo("the graph is consistent")
        return
    with writing(settings, no_wait, lock_timeout), opened_store(settings, migrated=False) as store:
        found = gd.examine(store)
        for line in found.lines():
            click.echo(line)
        if found.clean:
            click.echo("the graph is consistent; nothing to repair")
            return
        done = gd.repair(store, found)
        after = gd.examine(store)
    click.echo("repaired:")
    for line in done.lines():
        click.echo(f"  {line}")
    if not after.clean:
        click.echo("still found after the repair:")
        for line in after.lines():
            if line.startswith("PROBLEM"):
                click.echo(f"  {line}")
        raise click.exceptions.Exit(1)
    click.echo("the graph is consistent now")


from api.audit_cli import audit_group  # noqa: E402
from api.dialogue_cli import dialogue_group  # noqa: E402
from api.envelope_cli import envelope_group  # noqa: E402
from api.keys_cli import keys  # noqa: E402
from api.routing_cli import agents_group, routing_group  # noqa: E402
from api.token_cli import token  # noqa: E402  (the group needs `main` defined)

main.add_command(token)
main.add_command(audit_group)
main.add_command(dialogue_group)
main.add_command(keys)
main.add_command(envelope_group)
main.add_command(agents_group)
main.add_command(routing_group)

if __name__ == "__main__":
    main()
