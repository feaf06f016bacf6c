"""The Starlette application: GraphQL at /graphql, health at /healthz, the envelope's
public key at /envelope/key.

Every request but /healthz and /envelope/key passes ``api/authentication.py``
(bearer tokens; outside development none is refused with 401); a production
app without a usable token secret, or without the envelope's key while some
operation requires the envelope, is not built (``api/signing_key.py`` and
``api/envelope_key.py`` say what to set). Sealed requests are opened, and
plain ones that must be sealed refused, by ``api/envelope_guard.py``.

Start-up (the lifespan) waits for the store, migrates, seeds the demo corpus
into an empty graph, then builds the answer pipeline; shutdown closes the
store. Migrating and seeding are writes: when there is anything to do they
run under the data directory's write lock (graph/writelock.py), and the
"graph has no Document" check is repeated under it, so two servers starting
together on an empty directory seed the demo once. A graph that needs
neither takes no lock, so serving never waits for a running ingest or watch.

A store or answerer handed to ``create_app`` belongs to the caller (tests
share one store across apps): it is migrated and used, never closed.

Start-up work runs before the server accepts connections, so it may block;
request handlers never do: blocking store calls go to the thread pool.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from api import data_keys
from api.authentication import Authentication
from api.body_guard import BodyGuard, BodyLimits
from api.embedding_worker import EmbeddingWorker
from api.envelope import BODY_TYPES as ENVELOPE_BODY_TYPES
from api.envelope import CONTENT_TYPE as ENVELOPE_CONTENT_TYPE
from api.envelope import VERSION as ENVELOPE_VERSION
from api.envelope import VERSIONS as ENVELOPE_VERSIONS
from api.envelope_guard import EnvelopeGuard
from api.envelope_key import ServerKey, server_key
from api.envelope_rules import Rules, rules_of
from api.graphiql import assets_mount, page_response
from api.load_board import ENV as LOAD_BOARD_ENV
from api.load_board import Balance, LoadBoard
from api.lockout import Lockout, SharedLockout
from api.rate_limit import RateLimits, parse_limits
from api.replay_cache import ReplayCache
from api.settings import Settings, load_settings
from api.signing_key import token_key
from api.streaming import stream_message
from extractors.ingest.pipeline import Ingestor
from extractors.text.crypto.sealer import Sealer
from graph.connect import open_store
from graph.errors import BackendUnavailable
from graph.queries.documents import counts, node_count
from graph.store import Store
from graph.writelock import Holder, current_command, write_lock
from migrations.runner import Migration, info, migrate
from resolvers import revocation
from resolvers.context import Context
from resolvers.pipeline.dense import pin_one_blas_thread
from schema import build_schema

if TYPE_CHECKING:
    from extractors.text.embedding import Embedder
    from resolvers.conversation.desk import Desk
    from resolvers.pipeline.answerer import Answerer

log = logging.getLogger("graphdesk.api")

ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = ROOT / "data" / "demo"
HEALTH_TIMEOUT = 5.0  # seconds before /healthz gives up on the store


@dataclass
class Runtime:
    """What the lifespan provides to requests; empty before start-up and after shutdown."""

    settings: Settings
    sealer: Sealer
    store: Store | None = None
    answerer: Answerer | None = None
    desk: Desk | None = None


def build_desk(
    store: Store, answerer: Answerer, settings: Settings, sealer: Sealer | None = None
) -> Desk:
    """Conversations over the store and the answer pipeline, with the configured rules;
    turns sealed with ``sealer`` (default: the configured data keys')."""
    from resolvers.conversation.desk import Desk
    from resolvers.conversation.rules import load_rules
    from resolvers.routing.handoff import route_handoff

    routing = settings.routing_config()
    linker = getattr(answerer, "linker", None)  # a test's stand-in answerer has none
    rules = load_rules(settings.conversation_rules)
    if rules.escalation.learned:
        from resolvers.conversation import reader

        reader.warm_up()
    return Desk(
        store, answerer, rules,
        max_text_chars=settings.max_message_chars,
        max_upload_bytes=settings.max_upload_bytes, max_attachments=settings.max_attachments,
        on_handoff=lambda ticket: route_handoff(store, linker, routing, ticket),
        sealer=sealer if sealer is not None else data_keys.sealer(settings),
    )  # fmt: skip


def open_store_waiting(settings: Settings) -> Store:
    """Open the configured store; a Neo4j server that is still starting is waited for."""
    return open_store(settings.graph_config(), settings.store_wait_seconds)


def build_answerer(store: Store, settings: Settings) -> Answerer:
    # Imported here: LangChain and spaCy load only in commands that answer.
    from resolvers.pipeline.answerer import Answerer
    from resolvers.pipeline.llm import chat_model_from_settings

    llm = chat_model_from_settings(settings.llm_key(), settings.llm_base_url, settings.llm_model)
    answerer = Answerer(
        store,
        llm=llm,
        max_question_chars=settings.max_question_chars,
        cache_size=settings.answer_cache_size,
        embedder=_embedder(settings),
    )
    answerer.warm_up()
    return answerer


def _embedder(settings: Settings) -> Embedder | None:
    if not settings.embeddings:
        return None
    from extractors.text.embedding import shared

    return shared()


def _has_documents(store: Store) -> bool:
    return counts(store).get("Document", 0) > 0


def seed_demo_corpus(store: Store, demo_dir: Path = DEMO_DIR) -> bool:
    """Ingest the bundled demo corpus when the graph holds no Document yet.

    The caller holds the write lock (``start_graph`` does), so the check and the
    seeding are one step for every other writer of the directory. Returns
    whether anything was ingested (the answerer must then refresh).
    """
    if _has_documents(store):
        return False
    if not demo_dir.is_dir():
        log.warning("no demo corpus at %s; starting with an empty graph", demo_dir)
        return False
    # The corpus itself, not the README that describes it.
    parts = [p for p in sorted(demo_dir.iterdir()) if p.is_dir()] or [demo_dir]
    report = Ingestor(store, progress=False).run(parts)
    log.info("seeded demo corpus from %s: %s", demo_dir, report.summary())
    for uri, reason in report.failed:
        log.warning("demo file failed: %s: %s", uri, reason.removeprefix(f"{uri}: "))
    return report.new + report.changed > 0


class GraphQLApp(GraphQL[Context, None]):
    def __init__(self, runtime: Runtime) -> None:
        settings = runtime.settings
        super().__init__(
            build_schema(mask_errors=not settings.development),
            graphql_ide="graphiql" if settings.development else None,
            # A link must not make the server work: queries by GET in development only.
            allow_queries_via_get=settings.development,
            subscription_protocols=(),  # no subscriptions, and no operations over websockets
            # sendMessage's attachments. Every request carries a bearer token outside
            # development (api/authentication.py), which a cross-site form cannot send.
            multipart_uploads_enabled=True,
        )
        self.runtime = runtime

    async def render_graphql_ide(self, request: Request) -> Response:
        # graphdesk's own GraphiQL page and assets (api/graphiql.py), not strawberry's CDN page.
        return page_response()

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        rt = self.runtime
        if rt.store is None or rt.answerer is None:
            raise BackendUnavailable("graphdesk is not started (or already shut down)")
        return Context(
            store=rt.store,
            answerer=rt.answerer,
            max_question_chars=rt.settings.max_question_chars,
            request=request,
            response=response,
            identity=getattr(request.state, "identity", None),  # api/authentication.py
            desk=rt.desk,
            sealer=rt.sealer,
            routing=rt.settings.routing_config(),
        )


def _node_count(store: Store) -> int:
    return node_count(store)


def _waiting(holder: Holder) -> None:
    log.warning("waiting for the write lock of the data directory, held by %s", holder.describe())


def start_graph(store: Store, settings: Settings, seed_demo: bool) -> tuple[list[Migration], bool]:
    """Migrate, and seed the demo into a graph without documents.

    Returns the migrations applied and whether the demo was seeded. Looks
    first without the lock (the usual case: nothing to do, nothing to wait
    for), then does the work under the write lock, where both checks are
    made again because another process may have done it meanwhile.
    """
    pending = any(not status.applied for status in info(store))
    if not pending and not (seed_demo and not _has_documents(store)):
        return [], False
    with write_lock(
        settings.data_dir,
        command=current_command() + " (start-up: migrate and seed)",
        timeout=settings.lock_timeout,
        on_wait=_waiting,
    ):
        applied = migrate(store)
        seeded = seed_demo_corpus(store) if seed_demo else False
    return applied, seeded


def prepare_graph(settings: Settings, seed_demo: bool = True) -> None:
    """Migrate and seed once, before several worker processes start serving."""
    st = open_store_waiting(settings)
    try:
        start_graph(st, settings, seed_demo)
    finally:
        st.close()


def app_from_env() -> Starlette:
    """The app of one worker process (``graphdesk serve --workers N``): settings
    from the environment; the parent process already migrated and seeded."""
    board = os.environ.get(LOAD_BOARD_ENV)
    return create_app(
        load_settings(), seed_demo=False, load_board=LoadBoard(Path(board)) if board else None
    )


def _middleware(
    settings: Settings,
    runtime: Runtime,
    key: ServerKey | None,
    rules: Rules,
    board: LoadBoard | None = None,
) -> list[Middleware]:
    out = []
    if board is not None:  # outermost: it counts every request this worker holds
        out.append(Middleware(Balance, board=board))
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:  # outermost: a pre-flight is answered before the body is read
        out.append(Middleware(
            CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"], max_age=600,
        ))  # fmt: skip
    # Before the body is read: a stranger's request costs no more than its headers.
    local = Lockout(
        settings.auth_max_failures, settings.auth_failure_window, settings.auth_lockout_seconds
    )
    shared = runtime if settings.auth_lockout_shared else None
    lockout = SharedLockout(local, shared, settings.revocation_check_seconds)
    revocation.recent.seconds = settings.revocation_check_seconds  # this process's checks
    out.append(Middleware(
        Authentication, runtime=runtime, key=token_key(settings),
        development=settings.development, lockout=lockout,
    ))  # fmt: skip
    out.append(Middleware(
        RateLimits, per_token=parse_limits(settings.rate_limit_per_token),
        per_address=parse_limits(settings.rate_limit_per_address),
    ))  # fmt: skip
    # A multipart request (sendMessage's attachments) may also carry its files.
    files = settings.max_attachments * settings.max_upload_bytes
    limits = BodyLimits(settings.max_body_bytes, settings.max_body_bytes + files)
    out.append(Middleware(
        BodyGuard, max_bytes=limits.max_bytes, max_multipart_bytes=limits.max_multipart_bytes,
    ))  # fmt: skip
    # Inside the body guard; an opened envelope is held to the same limits again.
    out.append(Middleware(
        EnvelopeGuard, key=key, rules=rules, max_skew=settings.envelope_max_skew_seconds,
        cache=ReplayCache(settings.envelope_replay_cache_size),
        runtime=runtime if settings.envelope_replay_shared else None, limits=limits,
    ))  # fmt: skip
    return out


def envelope_key(settings: Settings, rules: Rules) -> ServerKey | None:
    """The envelope's key pair: always in development, else when configured or needed."""
    configured = settings.envelope_key is not None or settings.envelope_key_file is not None
    if settings.development or configured or rules.any:
        return server_key(settings)  # a ConfigError says what production must set
    return None


def create_app(
    settings: Settings,
    store: Store | None = None,
    answerer: Answerer | None = None,
    seed_demo: bool = True,
    sealer: Sealer | None = None,
    load_board: LoadBoard | None = None,
) -> Starlette:
    """The app; ``sealer`` opens sealed personal data (default: the configured
    data keys, ``api/data_keys.py``; production without them is not built);
    ``load_board`` is this worker's slot among several (``api/load_board.py``)."""
    runtime = Runtime(settings, sealer if sealer is not None else data_keys.sealer(settings))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        own = store is None
        pin_one_blas_thread()  # answers are small products on one thread (answer_lane)
        st = open_store_waiting(settings) if store is None else store
        try:
            applied, seeded = start_graph(st, settings, seed_demo)
            if applied:
                log.info("applied migrations: %s", ", ".join(m.id for m in applied))
            if answerer is None:
                ans = build_answerer(st, settings)
            else:
                ans = answerer
                if seeded:
                    ans.refresh()
            runtime.store, runtime.answerer = st, ans
            runtime.desk = build_desk(st, ans, settings, runtime.sealer)
            worker = None
            embedder = getattr(ans, "embedder", None)  # test doubles have none
            if embedder is not None:
                worker = EmbeddingWorker(st, embedder, settings.data_dir.expanduser())
                worker.start()
            try:
                yield
            finally:
                if worker is not None:
                    worker.stop()
        finally:
            runtime.store = runtime.answerer = runtime.desk = None
            if own:
                st.close()
            if load_board is not None:
                load_board.close()

    async def healthz(request: Request) -> JSONResponse:
        st = runtime.store
        backend = settings.graph
        if st is None:
            return JSONResponse(
                {"status": "unavailable", "backend": backend, "error": "not started"}, 503
            )
        backend = st.dialect.backend.value
        try:
            nodes = await asyncio.wait_for(run_in_threadpool(_node_count, st), HEALTH_TIMEOUT)
        except TimeoutError:
            error = f"store did not answer within {HEALTH_TIMEOUT:.0f} s"
        except Exception as exc:  # any failure of the store means "not healthy"
            log.warning("health check failed: %s", exc)
            error = f"{type(exc).__name__}: {exc}".splitlines()[0]
        else:
            return JSONResponse({"status": "ok", "backend": backend, "nodes": nodes})
        return JSONResponse({"status": "unavailable", "backend": backend, "error": error}, 503)

    async def envelope_public_key(request: Request) -> JSONResponse:
        if key is None:
            return JSONResponse({"errors": [{"message": "this server has no envelope key"}]}, 404)
        return JSONResponse({
            "v": ENVELOPE_VERSION, "versions": list(ENVELOPE_VERSIONS), "kid": key.kid,
            "public_key": key.public.hex(), "algorithms": {"wrap": "SM2", "body": "SM4-GCM"},
            "body_types": list(ENVELOPE_BODY_TYPES),
            "content_type": ENVELOPE_CONTENT_TYPE,
            "max_skew_seconds": settings.envelope_max_skew_seconds,
            "required": rules.describe(),
        })  # fmt: skip

    rules = rules_of(settings)
    key = envelope_key(settings, rules)
    routes: list[BaseRoute] = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/envelope/key", envelope_public_key, methods=["GET"]),
        Route("/graphql", GraphQLApp(runtime)),
        Route("/conversations/stream", stream_message, methods=["POST"]),
    ]
    if settings.development:
        routes.append(assets_mount())  # GraphiQL's script, styles and workers
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=_middleware(settings, runtime, key, rules, load_board),
    )
    app.state.runtime = runtime
    return app
