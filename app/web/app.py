"""The ASGI application: `create_app(settings)`."""

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from app.core.database import close_database, open_database
from app.core.identity import ALL_PERMISSIONS, issue_token
from app.core.settings import Settings
from app.graphql.schema import build_schema
from app.web.graphiql import graphiql_page
from app.web.graphql_http import GraphQLEndpoint
from app.web.negotiation import wants_html

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
GRAPHIQL_TOKEN_TTL = 12 * 3600


def create_app(settings: Settings) -> Starlette:
    endpoint = GraphQLEndpoint(build_schema(mask_internal_errors=settings.is_production), settings)

    async def graphql(request: Request) -> Response:
        if (
            request.method == "GET"
            and settings.graphiql_enabled
            and "query" not in request.query_params
            and wants_html(request.headers.get("accept"))
        ):
            return graphiql_page(_graphiql_token(settings))
        return await endpoint.handle(request)

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "alive"})

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await open_database(settings.database_url)
        try:
            yield
        finally:
            await close_database()

    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
            Route("/healthz", healthz),
            Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
        ],
        lifespan=lifespan,
    )


def _graphiql_token(settings: Settings) -> str | None:
    """A demo-tenant token for GraphiQL's header editor, outside production only."""
    if not settings.prefill_graphiql_token:
        return None
    return issue_token(
        settings.secret,
        tenant=settings.demo_tenant,
        user="graphiql",
        permissions=tuple(ALL_PERMISSIONS),
        ttl_seconds=GRAPHIQL_TOKEN_TTL,
        algorithm=settings.jwt_algorithm,
    )
