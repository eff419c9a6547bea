"""The ASGI application: `create_app(settings)`."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket

from app.core.database import database_answers
from app.core.settings import Settings
from app.graphql.schema import OperationLimits, build_schema
from app.services.change_feed import ChangeFeed, prune_change_log
from app.web.demo import demo_queue_id, demo_token
from app.web.gc_tuning import keep_collections_short
from app.web.graphiql import graphiql_page
from app.web.graphql_http import GraphQLEndpoint
from app.web.hooks_tab import hooks_tab_page
from app.web.metrics import Metrics, database_pool_in_use
from app.web.negotiation import wants_html
from app.web.origins import CorsRefusal, RefusedOrigins
from app.web.startup import Startup
from app.web.tracing import provider_for
from app.web.transport import HEADERS_TOO_LARGE, head_too_large
from app.web.ws import SubscriptionEndpoint

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
FAVICON = STATIC_DIR / "ui" / "favicon.svg"


class HooksApp(Starlette):
    """Starlette, with the registry's hot path (POST /graphql) dispatched first.

    The GraphQL endpoint handles its own errors, so the middleware and routing
    layers in front of it only cost time there (about a tenth of a cold page).
    """

    graphql_endpoint: GraphQLEndpoint
    subscriptions: SubscriptionEndpoint
    # With CORS configured, every request goes through the middleware stack.
    fast_dispatch = True
    max_header_bytes = 32_768

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan" and _head_size(scope) > self.max_header_bytes:
            # A head that arrived in one read (the parser cuts off longer ones itself).
            await _refuse_head(scope, receive, send, self.max_header_bytes)
            return
        if (
            self.fast_dispatch
            and scope["type"] == "http"
            and scope["method"] == "POST"
            and scope["path"] == "/graphql"
        ):
            response = await self.graphql_endpoint.handle(Request(scope, receive))
            await response(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def create_app(settings: Settings) -> HooksApp:
    tracer_provider = provider_for(settings)
    schema = build_schema(
        mask_internal_errors=settings.is_production,
        introspection=settings.allows_introspection,
        suggestions=settings.shows_suggestions,
        tracer_provider=tracer_provider,
        limits=OperationLimits(
            depth=settings.max_query_depth,
            aliases=settings.max_aliases,
            tokens=settings.max_tokens,
            cost=settings.max_query_cost,
        ),
    )
    endpoint = GraphQLEndpoint(schema, settings)
    if tracer_provider is not None:
        endpoint.tracer = tracer_provider.get_tracer("app.web")
    feed = ChangeFeed(buffer_size=settings.subscriber_buffer)
    startup = Startup(settings, feed)
    endpoint.ready = startup.ready
    subscriptions = SubscriptionEndpoint(schema, settings, feed)
    subscriptions.ready = startup.ready
    metrics = Metrics()
    endpoint.metrics = metrics
    subscriptions.shared.on_fan_out = metrics.fan_out.observe
    metrics.gauge(
        "websockets_open", "Open WebSocket connections.", lambda: subscriptions.open_connections
    )
    metrics.gauge(
        "subscriptions_active",
        "Operations running over WebSockets (shared or not).",
        lambda: subscriptions.active_operations,
    )
    metrics.gauge(
        "shared_subscriptions",
        "Live shared subscriptions.",
        lambda: subscriptions.shared.group_count,
    )
    metrics.gauge(
        "subscription_members",
        "Subscribers served by shared subscriptions.",
        lambda: subscriptions.shared.member_count,
    )
    metrics.gauge("database_pool_in_use", "Database connections in use.", database_pool_in_use)

    async def graphql(request: Request) -> Response:
        if (
            request.method == "GET"
            and settings.serves_graphiql
            and "query" not in request.query_params
            and wants_html(request.headers.get("accept"))
        ):
            token = demo_token(settings) if settings.prefill_graphiql_token else None
            return graphiql_page(token, await demo_queue_id(settings) if token else None)
        return await endpoint.handle(request)

    async def hooks_tab(_: Request) -> Response:
        return hooks_tab_page(demo_token(settings))

    async def favicon(_: Request) -> Response:
        return FileResponse(FAVICON, media_type="image/svg+xml")

    async def healthz(_: Request) -> Response:
        return JSONResponse(
            {
                "status": "alive",
                "websockets": subscriptions.open_connections,
                "sharedSubscriptions": subscriptions.shared.group_count,
                "sharedSubscribers": subscriptions.shared.member_count,
                "feedWatchers": feed.watcher_count,
            }
        )

    async def readyz(request: Request) -> Response:
        """Ready when the database answers and, on PostgreSQL, LISTEN is connected."""
        problems = []
        if not startup.ready.is_set():
            problems.append(startup.problem)
        elif not await database_answers():
            problems.append("the database does not answer")
        if startup.listener is not None and not startup.listener.connected.is_set():
            problems.append("the LISTEN connection is down")
        if problems:
            return JSONResponse({"status": "not ready", "problems": problems}, status_code=503)
        return JSONResponse({"status": "ready"})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await startup.start()
        app.state.feed = feed
        background = [asyncio.create_task(_prune_periodically(settings), name="change-log-pruner")]
        if settings.gc_freeze_interval_seconds > 0:
            collections = keep_collections_short(
                settings.gc_freeze_interval_seconds, settings.gc_collect_interval_seconds
            )
            background.append(asyncio.create_task(collections, name="gc-freezer"))
        try:
            yield
        finally:
            for task in background:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await startup.stop()
            if tracer_provider is not None:
                # Flushes the spans still batched; the exporter's timeout bounds it.
                await asyncio.to_thread(tracer_provider.shutdown)

    app = HooksApp(
        routes=[
            Route("/", hooks_tab),
            Route("/favicon.ico", favicon),
            Route("/favicon.svg", favicon),
            Route("/graphql", graphql, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
            WebSocketRoute("/graphql", subscriptions.__call__),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics.endpoint),
            Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
        ],
        lifespan=lifespan,
        middleware=_cors(settings),
    )
    app.fast_dispatch = not settings.cors_origins
    app.max_header_bytes = settings.max_header_bytes
    app.graphql_endpoint = endpoint
    app.subscriptions = subscriptions
    return app


def _head_size(scope: Scope) -> int:
    """The request line and headers as they came, give or take their separators."""
    size = len(scope.get("method", "GET")) + len(scope.get("raw_path") or b"")
    size += len(scope.get("query_string", b""))
    for name, value in scope["headers"]:
        size += len(name) + len(value) + 4
    return size + 12


async def _refuse_head(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    response = Response(head_too_large(limit), HEADERS_TOO_LARGE, media_type="application/json")
    if scope["type"] == "websocket":
        await WebSocket(scope, receive, send).send_denial_response(response)
    else:
        await response(scope, receive, send)


def _cors(settings: Settings) -> list[Middleware]:
    refusal = Middleware(CorsRefusal, allowed=settings.cors_origins, refused=RefusedOrigins())
    if not settings.cors_origins:
        return [refusal]
    return [
        refusal,
        Middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "Accept"],
            expose_headers=["X-Request-Id", "X-Response-Cache", "Retry-After"],
            max_age=600,
        ),
    ]


async def _prune_periodically(settings: Settings) -> None:
    while True:
        await asyncio.sleep(settings.change_prune_interval_seconds)
        try:
            removed = await prune_change_log(settings.change_retention)
        except Exception:  # the database may be away; try again next time
            log.exception("pruning the change log failed")
            continue
        if removed:
            log.info("pruned %d change-log entries", removed)
