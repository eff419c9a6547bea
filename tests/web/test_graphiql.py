"""GraphiQL is served by this server, with its assets, and needs no internet."""

import json
import re
from typing import Any

import httpx
import jwt
import pytest

from app.core.settings import Settings
from app.graphql.ids import to_global_id
from app.web.app import create_app
from tests.factories import create_queue
from tests.web.conftest import SECRET


async def test_graphiql_opens_with_a_demo_token_in_its_headers(http: httpx.AsyncClient) -> None:
    page = await http.get("/graphql", headers={"Accept": "text/html"})

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    token = re.search(r"Bearer ([\w.-]+)", page.text)
    assert token is not None
    claims = jwt.decode(token.group(1), SECRET, algorithms=["HS256"])
    assert claims["tenant"] == "demo"
    assert claims["sub"] == "demo", "the one demo user `make run` prints a token for"
    assert set(claims["scope"].split()) >= {"queues:read", "queues:write", "flows:read"}


async def test_graphiql_variables_hold_the_first_demo_queue_id(http: httpx.AsyncClient) -> None:
    await create_queue("Zulu", tenant="demo")
    first = await create_queue("Alpha", tenant="demo")
    await create_queue("Aardvark", tenant="another-tenant")

    page = await http.get("/graphql", headers={"Accept": "text/html"})

    variables = re.search(r'variables: ("(?:[^"\\]|\\.)*")', page.text)
    assert variables is not None
    assert json.loads(json.loads(variables.group(1))) == {
        "queueId": to_global_id("Queue", first.pk)
    }


async def test_graphiql_runs_subscriptions_over_the_vendored_same_origin_client(
    http: httpx.AsyncClient,
) -> None:
    page = await http.get("/graphql", headers={"Accept": "text/html"})

    assert 'from "/static/vendor/graphql-ws/client.js"' in page.text
    assert "${location.host}/graphql" in page.text
    assert "connectionParams" in page.text


async def test_graphiql_loads_only_local_assets(http: httpx.AsyncClient) -> None:
    page = await http.get("/graphql", headers={"Accept": "text/html"})
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)

    assert assets, "the page references its scripts and styles"
    assert all(a.startswith(("/static/graphiql/", "/favicon.svg")) for a in assets), assets
    for asset in assets:
        response = await http.get(asset)
        assert response.status_code == 200, asset
        assert len(response.content) > 300


async def test_production_graphiql_has_no_token(database_url: str) -> None:
    settings = Settings(
        app_env="production", database_url=database_url, jwt_secret=SECRET, graphiql_enabled=True
    )
    app = create_app(settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        page = await client.get("/graphql", headers={"Accept": "text/html"})

    assert page.status_code == 200
    assert "Bearer" not in page.text


@pytest.mark.parametrize(
    "overrides",
    [
        {"app_env": "test", "graphiql_enabled": False},
        {"app_env": "production", "jwt_secret": SECRET},  # off unless enabled
    ],
)
async def test_graphiql_can_be_switched_off(database_url: str, overrides: dict[str, Any]) -> None:
    settings = Settings(database_url=database_url, **overrides)
    app = create_app(settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        page = await client.get("/graphql", headers={"Accept": "text/html"})

    assert page.status_code == 406, "no HTML is offered, and only HTML was accepted"
    assert "GraphiQL" not in page.text
