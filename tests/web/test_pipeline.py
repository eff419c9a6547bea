"""Every route, POST /graphql included, goes through the one middleware stack."""

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.settings import Settings
from app.web.app import create_app
from app.web.call import call_of
from tests.web.test_graphql_over_http import auth

QUERY = {"query": "{ queues { totalCount } }"}


class Stamp:
    """A middleware added after the app was built, as a later change would add one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), (b"x-stamp", b"1")]
            await send(message)

        await self.app(scope, receive, stamped)


class Broken:
    """A layer with a bug: what reaches the client is Starlette's last resort."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and call_of(scope).graphql:
            raise RuntimeError("a bug")
        await self.app(scope, receive, send)


@pytest.fixture
async def stamped(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    app.add_middleware(Stamp)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client,
    ):
        yield client


async def test_a_middleware_added_later_sees_the_main_route(
    stamped: httpx.AsyncClient,
) -> None:
    graphql = await stamped.post("/graphql", json=QUERY, headers=auth())
    health = await stamped.get("/healthz")

    assert graphql.status_code == 200
    assert graphql.headers.get("x-stamp") == "1", "POST /graphql went around the middleware"
    assert health.headers.get("x-stamp") == "1"


async def test_every_response_names_its_request(http: httpx.AsyncClient) -> None:
    responses = [
        await http.post("/graphql", json=QUERY, headers=auth()),
        await http.post("/graphql", json=QUERY),  # 401
        await http.get("/healthz"),
        await http.get("/static/does-not-exist"),
    ]

    ids = [response.headers.get("x-request-id") for response in responses]
    assert all(ids), ids
    assert len(set(ids)) == len(ids), ids
    assert [r.headers.get_list("x-request-id") for r in responses] == [[i] for i in ids]


async def test_an_unhandled_error_is_a_json_500_naming_the_request(settings: Settings) -> None:
    app: Starlette = create_app(settings)
    app.add_middleware(Broken)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://t") as client,
    ):
        response = await client.post("/graphql", json=QUERY, headers=auth())

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    (error,) = response.json()["errors"]
    assert error["extensions"] == {
        "code": "INTERNAL_SERVER_ERROR",
        "requestId": response.headers["x-request-id"],
    }
