"""The FastAPI application factory every service uses: errors, logging, metrics, health, workers.

A service describes itself with a `ServiceSpec`; `create_app` wires the shared mechanism around it,
runs its migrations on start, and runs its outbox relay and consumers beside the API.
"""

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import structlog
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import Table, func, select, text
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from common import tracing
from common.auth import TokenVerifier
from common.db import Database
from common.errors import MethodNotAllowed, document_problems, install_problem_handlers, problem_response
from common.free_text import FreeText
from common.idempotency import Replayed
from common.limits import BodyGuard
from common.logging import configure_logging, log
from common.messaging.consumer import ConsumerRunner, Subscription
from common.messaging.kafka import broker_topics, ensure_topics
from common.messaging.outbox import Outbox
from common.messaging.relay import OutboxRelay
from common.metrics import HTTP_LATENCY, HTTP_REQUESTS, OUTBOX_BACKLOG, OUTBOX_OLDEST
from common.migrations import upgrade_async, wait_for_schema
from common.regions import regions
from common.settings import CommonSettings
from contracts.topics import dlq_of

PUBLIC_PATHS = frozenset(
    {"/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc", "/docs/static"}
)
# Swagger UI and ReDoc from the package's own copies (fastapi-offline): a government intranet reaches no CDN.
DOCS_STATIC = "/docs/static"


@dataclass
class ServiceSpec:
    name: str
    version: str
    description: str
    settings: CommonSettings
    service_dir: Path  # holds alembic.ini and migrations/
    outbox: Outbox
    inbox: Table
    idempotency: Table
    # What a consumer could neither apply nor dead-letter to its topic (messaging.tables.dead_letter_table).
    dead_letters: Table | None = None
    routers: list[APIRouter] = field(default_factory=list)
    subscriptions: list[Subscription] = field(default_factory=list)
    on_startup: list[Callable[[FastAPI], Awaitable[None]]] = field(default_factory=list)
    # Long-running loops of the service's own (given the app), run and restarted like the relay and consumer.
    background: list[Callable[[FastAPI], Awaitable[None]]] = field(default_factory=list)
    # Steps `python -m common.migrations` (a compose job, a pod's init container) runs after migrating, given
    # the owner's DATABASE_URL (the ledger's grants).
    after_migrations: list[Callable[[str], Awaitable[None]]] = field(default_factory=list)
    openapi_tags: list[dict[str, Any]] = field(default_factory=list)
    # Paths (regular expressions) whose bodies are bulk files, streamed under MAX_UPLOAD_BYTES.
    upload_paths: list[str] = field(default_factory=list)
    # What /readyz tells the operator beside its checks without making the service unready (a jurisdiction
    # without this year's policy): each gives {name: finding}.
    readiness_notes: list[Callable[[FastAPI], Awaitable[dict[str, str]]]] = field(default_factory=list)

    # What the service produces and consumes is read from its code, never listed by hand: the topics its
    # outbox declares (and refuses any other) and those of its subscriptions. Readiness, the README's table
    # and the AsyncAPI document all read these two.
    @property
    def produces(self) -> list[str]:
        return list(self.outbox.topics)

    @property
    def consumes(self) -> list[str]:
        return list(dict.fromkeys(s.topic for s in self.subscriptions))


class Workers:
    """The relay and consumers of one service process."""

    def __init__(self, spec: ServiceSpec, db: Database, url: str, bootstrap: str) -> None:
        s = spec.settings
        self.relay = OutboxRelay(
            spec.outbox.table,
            spec.outbox.channel,
            bootstrap,
            database_url=url,
            batch_size=s.outbox_batch_size,
            poll_interval_s=max(s.outbox_poll_interval_s, 1.0),
            lease_s=s.outbox_lease_s,
            linger_s=s.outbox_linger_s,
            cipher=spec.outbox.cipher,
            client_id=f"{s.kafka_client_id or spec.name}-relay",
        )
        self.consumer = (
            ConsumerRunner(
                db,
                spec.inbox,
                bootstrap,
                f"{spec.name}-service",
                spec.subscriptions,
                client_id=f"{s.kafka_client_id or spec.name}-consumer",
                dead_letters=spec.dead_letters,
                cipher=spec.outbox.cipher,
                dlq_max_bytes=s.dlq_max_bytes,
            )
            if spec.subscriptions
            else None
        )
        self.tasks: list[asyncio.Task[None]] = []
        self.background: list[asyncio.Task[None]] = []

    def start_background(self, app: FastAPI, loops: list[Callable[[FastAPI], Awaitable[None]]]) -> None:
        for loop in loops:
            task = asyncio.create_task(self._supervise(partial(loop, app), self.relay.stopping), name=loop.__name__)
            self.background.append(task)

    def start(self) -> None:
        self.tasks.append(asyncio.create_task(self._supervise(self.relay.run, self.relay.stopping), name="relay"))
        if self.consumer:
            consumer = self.consumer
            self.tasks.append(asyncio.create_task(self._supervise(consumer.run, consumer.stopping), name="consumer"))

    @staticmethod
    async def _supervise(run: Callable[[], Awaitable[None]], stopping: Callable[[], bool]) -> None:
        """Restart a worker that fails unexpectedly: a dead relay or consumer would stall silently."""
        delay = 1.0
        while not stopping():
            try:
                await run()
            except Exception:
                log.exception("worker failed; restarting", retry_in=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)

    async def stop(self) -> None:
        self.relay.stop()
        if self.consumer:
            self.consumer.stop()
        for task in self.background:  # they loop until cancelled; the relay and consumer stop on their own
            task.cancel()
        await asyncio.gather(*self.tasks, *self.background, return_exceptions=True)


def create_app(spec: ServiceSpec) -> FastAPI:
    settings = spec.settings

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(spec.name, settings.log_level, settings.json_logs)
        tracing.configure(spec.name, settings)
        if not settings.database_url or not settings.kafka_bootstrap_servers:
            raise RuntimeError("DATABASE_URL and KAFKA_BOOTSTRAP_SERVERS must be set (`make run` sets them)")
        if settings.run_migrations:
            await upgrade_async(spec.service_dir, settings.database_url)
        else:  # the pod's init container (or a compose job) runs them: wait for it, never start on an old schema
            await wait_for_schema(spec.service_dir, settings.database_url, spec.name, settings.schema_wait_s)
        db = Database(settings.database_url, pool_size=settings.db_pool_size)
        app.state.db = db
        await asyncio.to_thread(regions)  # load the division codes once, off the event loop
        for hook in spec.on_startup:
            await hook(app)
        workers = None
        if settings.run_workers:
            await ensure_topics(settings.kafka_bootstrap_servers, app.state.required_topics, settings)
            workers = Workers(spec, db, settings.database_url, settings.kafka_bootstrap_servers)
            workers.start()
            workers.start_background(app, spec.background)
        app.state.workers = workers
        log.info("service started", workers=bool(workers))
        try:
            yield
        finally:
            if workers:
                await workers.stop()
            await db.dispose()

    app = FastAPIOffline(
        static_url=DOCS_STATIC,
        title=f"safetynet {spec.name}",
        version=spec.version,
        description=spec.description,
        lifespan=lifespan,
        openapi_tags=spec.openapi_tags or None,
    )
    app.state.token_verifier = TokenVerifier(settings)
    # The topics this service writes and reads: readiness fails while the broker has lost any of them.
    app.state.required_topics = list(
        dict.fromkeys(spec.produces + [t for topic in spec.consumes for t in (topic, dlq_of(topic))])
    )
    app.state.idempotency_table = spec.idempotency
    app.state.outbox = spec.outbox
    # Events that carry personal data leave encrypted: only a service holding the encryption key writes them.
    spec.outbox.cipher = settings.pii_cipher() if "pii_encryption_key" in settings.pii_keys else None
    install_problem_handlers(app)

    @app.exception_handler(Replayed)
    async def _replayed(_: Request, exc: Replayed) -> Response:
        return exc.response

    # Innermost: a method the path does not serve is 405 before any route is tried.
    app.add_middleware(MethodsOfPath, owner=app)
    app.add_middleware(
        BodyGuard,
        max_body=settings.max_body_bytes,
        max_upload=settings.max_upload_bytes,
        upload_paths=spec.upload_paths,
        # Every service holds the blind-index key, so a number typed into free text is kept as its pseudonym.
        free_text=FreeText(settings.pii_cipher(), app.openapi),
    )
    # Compressed answers for the app on a village's slow connection (a page of 200 households: 14.7 KB as
    # JSON, a fraction of it gzipped); small answers are not worth it.
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(RequestContext)
    _install_ops_routes(app, settings, spec)
    for router in spec.routers:
        app.include_router(router)
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_problems(generate(), PUBLIC_PATHS)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def route_contexts(app: FastAPI) -> list[Any]:
    """Every route the app serves, included routers flattened (FastAPI includes them lazily)."""
    out: list[Any] = []
    for route in app.router.routes:
        out += route.effective_route_contexts() if hasattr(route, "effective_route_contexts") else [route]
    return out


def route_table(app: FastAPI) -> list[tuple[str, str]]:
    """(path, method) of every route the app serves."""
    out = set()
    for ctx in route_contexts(app):
        out |= {(getattr(ctx, "path", ""), m) for m in (getattr(ctx, "methods", None) or []) if m != "HEAD"}
    return sorted(out)


class MethodsOfPath:
    """405 with the path's own `Allow` (RFC 9110 15.5.6), decided before Starlette routes the request.

    Starlette answers 405 with the methods of the first route whose path matched (`Allow: POST` on `GET
    /national-exports`, which has both), and a parameter route takes a literal path in a method the literal
    does not serve (`GET /policies/what-if` reached `GET /policies/{policy_id}` and answered 422). Here the
    routes whose template matches the path are found, the most literal template wins (`what-if` over
    `{policy_id}`), and a method none of its routes serves is refused, `Allow` naming all they serve."""

    def __init__(self, app: ASGIApp, owner: FastAPI) -> None:
        self.app, self.owner = app, owner
        self._table: list[tuple[Any, int, frozenset[str]]] | None = None

    def _routes(self) -> list[tuple[Any, int, frozenset[str]]]:
        if self._table is None:  # built at the first request: every router is included by then
            self._table = [
                (r.path_regex, sum(1 for part in r.path.split("/") if part and "{" not in part), frozenset(r.methods))
                for r in route_contexts(self.owner)
                if getattr(r, "methods", None) and hasattr(r, "path_regex")
            ]
        return self._table

    def allowed(self, path: str) -> list[str] | None:
        """The methods the path serves (None: no route has it, a 404 for the router to answer)."""
        matching = [(literal, methods) for regex, literal, methods in self._routes() if regex.match(path)]
        if not matching:
            return None
        best = max(literal for literal, _ in matching)
        methods = set().union(*(m for literal, m in matching if literal == best))
        return sorted(methods)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            allow = self.allowed(scope["path"])
            method = scope["method"]
            if allow is not None and method not in allow:
                listed = ", ".join(allow)
                problem = MethodNotAllowed(
                    f"{method} is not served at this path; it serves {listed}",
                    zh=f"此路径不支持 {method} 请求；支持的方法：{listed}",
                )
                await problem_response(problem, Request(scope), {"Allow": listed})(scope, receive, send)
                return
        await self.app(scope, receive, send)


class RequestContext:
    """Request and trace ids in every log line, metrics per route, one access log line per request.

    A plain ASGI middleware: Starlette's `BaseHTTPMiddleware` costs a task and a stream per request.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        request_id = headers.get(b"x-request-id", b"").decode()[:100] or uuid.uuid4().hex
        incoming = {"traceparent": headers.get(b"traceparent", b"").decode("latin-1")[:64]}
        with tracing.server_span(f"{scope['method']} {scope.get('path', '')}", incoming) as span:
            # The request's trace id (the caller's, when it sent a traceparent): in every log line and in every
            # event the request writes (tracing.current_traceparent), so its effects can be followed.
            trace_id = format(span.get_span_context().trace_id, "032x")
            if trace_id == "0" * 32:  # no tracer provider yet (the app is not started): an id of its own
                trace_id = uuid.uuid4().hex
            structlog.contextvars.bind_contextvars(request_id=request_id, trace_id=trace_id)
            await self._handle(scope, receive, send, request_id)

    async def _handle(self, scope: Scope, receive: Receive, send: Send, request_id: str) -> None:
        start = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            elapsed = time.perf_counter() - start
            HTTP_REQUESTS.labels(scope["method"], route, str(status)).inc()
            HTTP_LATENCY.labels(scope["method"], route).observe(elapsed)
            if route not in PUBLIC_PATHS:
                principal = scope.get("state", {}).get("principal")
                log.info(
                    "request",
                    method=scope["method"],
                    route=route,
                    status=status,
                    ms=round(elapsed * 1000, 1),
                    actor=getattr(principal, "sub", None),
                )
            structlog.contextvars.unbind_contextvars("request_id", "trace_id")


def _install_ops_routes(app: FastAPI, settings: CommonSettings, spec: ServiceSpec) -> None:
    ops = APIRouter(tags=["operations"])

    @ops.get("/healthz", summary="Liveness")
    async def healthz() -> dict[str, str]:
        """The process is up. No dependencies are checked."""
        return {"status": "ok"}

    @ops.get("/readyz", summary="Readiness", responses={503: {"description": "A dependency is unreachable"}})
    async def readyz(request: Request) -> JSONResponse:
        """Ready when the database answers and the broker is reachable and still has every topic this
        service writes and reads (a broker that restarted without them would acknowledge and lose events)."""
        checks: dict[str, str] = {}
        try:
            async with request.app.state.db.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"unreachable: {exc.__class__.__name__}"
        bootstrap = settings.kafka_bootstrap_servers
        topics = await broker_topics(bootstrap) if bootstrap else None
        checks["broker"] = "ok" if topics is not None else "unreachable"
        if topics is not None and settings.run_workers:
            missing = [t for t in request.app.state.required_topics if t not in topics]
            checks["topics"] = f"missing: {', '.join(missing)}" if missing else "ok"
        # A consumer held on one batch is not serving: every later event on its partitions waits.
        if (consumer := getattr(getattr(request.app.state, "workers", None), "consumer", None)) is not None:
            checks["consumer"] = consumer.stalled(settings.consumer_stall_s) or "ok"
        ok = all(v == "ok" for v in checks.values())
        body: dict[str, Any] = {"status": "ready" if ok else "not ready", "checks": checks}
        if ok and spec.readiness_notes:
            notes: dict[str, str] = {}
            for note in spec.readiness_notes:
                notes |= await note(request.app)
            body["notes"] = notes
        return JSONResponse(body, status_code=200 if ok else 503)

    @ops.get("/metrics", summary="Prometheus metrics", response_class=Response)
    async def metrics(request: Request) -> Response:
        """Prometheus text exposition; the outbox's backlog and its oldest unsent row are read at each scrape."""
        db: Database | None = getattr(request.app.state, "db", None)
        if db is not None:
            table = spec.outbox.table
            # The oldest row's age by the database's clock, which stamped it: an operational delay (ADR 0016).
            age_s = func.extract("epoch", func.now() - func.min(table.c.created_at))
            q = select(func.count(), age_s).where(table.c.sent_at.is_(None))
            with contextlib.suppress(Exception):  # a scrape must answer even when the database does not
                async with db.engine.connect() as conn:
                    backlog, age = (await conn.execute(q)).one()
                OUTBOX_BACKLOG.labels(spec.name).set(backlog)
                OUTBOX_OLDEST.labels(spec.name).set(float(age or 0.0))
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    app.include_router(ops)
