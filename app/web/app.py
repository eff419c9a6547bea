"""The ASGI application: `create_app(settings)`."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from opentelemetry.sdk.trace import TracerProvider
from starlette.applications import Starlette
from starlette.datastructures import Headers, QueryParams
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from app.core.database import connections_in_use, database_answers
from app.core.settings import Settings
from app.graphql.schema import OperationLimits, build_schema
from app.services.change_feed import ChangeFeed, prune_change_log
from app.web.auth import Authenticator
from app.web.call import call_of
from app.web.demo import demo_queue_id, demo_token
from app.web.errors import internal_error
from app.web.gc_tuning import keep_collections_short
from app.web.graphiql import graphiql_page
from app.web.graphql_http import GraphQLEndpoint
from app.web.hooks_tab import hooks_tab_page
from app.web.metrics import Metrics, RequestMetrics
from app.web.negotiation import wants_html
from app.web.origins import CorsRefusal, RefusedOrigins
from app.web.rate_limit import RateLimit, RateLimiter
from app.web.request_id import RequestIds
from app.web.request_log import RequestLog
from app.web.startup import Readiness, Startup
from app.web.tracing import Tracing, provider_for
from app.web.transport import HeadLimit
from app.web.ws import SubscriptionEndpoint

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
FAVICON = STATIC_DIR / "ui" / "favicon.svg"


def create_app(settings: Settings) -> Starlette:
    """The app: every route behind one middleware stack (see `_middleware`)."""
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
    feed = ChangeFeed(buffer_size=settings.subscriber_buffer)
    startup = Startup(settings, feed)
    # One limiter, so HTTP requests and subscription starts share each caller's budget.
    limiter = RateLimiter(settings.rate_limit_per_second, settings.rate_limit_burst)
    authenticator = Authenticator(settings)
    endpoint = GraphQLEndpoint(schema, settings, authenticator, limiter)
    subscriptions = SubscriptionEndpoint(schema, settings, feed, limiter)
    subscriptions.ready = startup.ready
    metrics = Metrics()
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
    metrics.gauge("database_pool_in_use", "Database connections in use.", connections_in_use)

    async def graphql(request: Request) -> Response:
        if not call_of(request.scope).graphql:  # the GraphiQL page
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

    app = Starlette(
        routes=[
            # First: the router tries routes in turn, and this one is the hot path.
            Route("/graphql", graphql, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
            WebSocketRoute("/graphql", subscriptions.__call__),
            Route("/", hooks_tab),
            Route("/favicon.ico", favicon),
            Route("/favicon.svg", favicon),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics.endpoint),
            Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
        ],
        lifespan=lifespan,
        middleware=_middleware(settings, startup, limiter, authenticator, metrics, tracer_provider),
        exception_handlers={Exception: internal_error},
    )
    app.state.subscriptions = subscriptions
    app.state.limiter = limiter
    return app


def _middleware(
    settings: Settings,
    startup: Startup,
    limiter: RateLimiter,
    authenticator: Authenticator,
    metrics: Metrics,
    tracer_provider: TracerProvider | None,
) -> list[Middleware]:
    """What every request goes through, outermost first. Starlette puts its own error
    handler (`internal_error`) outside and its exception handling inside these.

    Pure ASGI classes (no BaseHTTPMiddleware: its task and stream per request cost a
    cold page a tenth of its time). The GraphQL-specific layers act on GraphQL requests
    over HTTP (`Call.graphql`) and pass everything else through."""
    stack = [
        Middleware(HeadLimit, max_bytes=settings.max_header_bytes),
        Middleware(RequestIds, is_graphql=_graphql_requests(settings)),
        *_cors(settings),
    ]
    if tracer_provider is not None:
        stack.append(Middleware(Tracing, tracer=tracer_provider.get_tracer("app.web")))
    stack.append(Middleware(RequestMetrics, metrics=metrics))
    if settings.request_log:
        stack.append(Middleware(RequestLog))
    stack += [
        Middleware(RateLimit, limiter=limiter, authenticator=authenticator),
        Middleware(Readiness, ready=startup.ready),
    ]
    return stack


def _graphql_requests(settings: Settings) -> Callable[[Scope], bool]:
    def is_graphql(scope: Scope) -> bool:
        """A GraphQL request over HTTP: anything to /graphql but the GraphiQL page."""
        if scope["path"] != "/graphql":
            return False
        if scope["method"] != "GET" or not settings.serves_graphiql:
            return True
        headers = Headers(scope=scope)
        asks_for_page = "query" not in QueryParams(scope["query_string"]) and wants_html(
            headers.get("accept")
        )
        return not asks_for_page

    return is_graphql


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
