"""Readiness, body size and introspection switches."""

import logging
from pathlib import Path

import httpx
import pytest

from app.core.identity import ALL_PERMISSIONS, issue_token
from app.core.settings import Settings
from app.web.app import create_app
from tests.web.conftest import SECRET

INTROSPECTION = {"query": "{ __schema { queryType { name } } }"}


def bearer() -> dict[str, str]:
    token = issue_token(SECRET, tenant="acme", user="ops", permissions=tuple(ALL_PERMISSIONS))
    return {"Authorization": f"Bearer {token}", "Accept": "application/graphql-response+json"}


async def test_ready_when_the_database_answers(http: httpx.AsyncClient) -> None:
    response = await http.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


async def test_not_ready_when_the_database_does_not_answer(tmp_path: Path) -> None:
    unreachable = f"sqlite://{tmp_path}/missing-directory/hooks.sqlite3"
    app = create_app(Settings(app_env="test", database_url=unreachable, jwt_secret=SECRET))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client,
    ):
        ready = await client.get("/readyz")
        alive = await client.get("/healthz")

    assert ready.status_code == 503
    assert ready.json() == {
        "status": "not ready",
        "problems": ["the database is not available: no answer to SELECT 1"],
    }
    assert alive.status_code == 200


async def test_a_body_over_the_limit_is_413_and_not_parsed(database_url: str) -> None:
    settings = Settings(
        app_env="test", database_url=database_url, jwt_secret=SECRET, max_body_bytes=100
    )
    app = create_app(settings)
    query = "{ queues { totalCount } }"
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client,
    ):
        small = await client.post("/graphql", json={"query": query}, headers=bearer())
        large = await client.post("/graphql", json={"query": query + " " * 200}, headers=bearer())

    assert small.status_code == 200
    assert large.status_code == 413
    assert large.json()["errors"][0]["message"] == "the request body is larger than 100 bytes"


async def test_introspection_is_on_in_development(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", json=INTROSPECTION, headers=bearer())

    assert response.json() == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


async def test_introspection_is_off_in_production_unless_enabled(database_url: str) -> None:
    answers = []
    for enabled in (None, True):
        settings = Settings(
            app_env="production", database_url=database_url, jwt_secret=SECRET,
            introspection_enabled=enabled,
        )  # fmt: skip
        app = create_app(settings)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://t"
            ) as client,
        ):
            answers.append(await client.post("/graphql", json=INTROSPECTION, headers=bearer()))

    refused, allowed = answers
    assert refused.status_code == 400
    assert "introspection" in refused.json()["errors"][0]["message"].lower()
    assert allowed.status_code == 200


async def test_cors_allows_configured_origins_only(database_url: str) -> None:
    settings = Settings(
        app_env="test", database_url=database_url, jwt_secret=SECRET,
        cors_origins=["https://admin.example"],
    )  # fmt: skip
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client,
    ):
        preflight = await client.options(
            "/graphql",
            headers={
                "Origin": "https://admin.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )
        allowed = await client.post(
            "/graphql", json={"query": "{ queues { totalCount } }"},
            headers={**bearer(), "Origin": "https://admin.example"},
        )  # fmt: skip
        foreign = await client.post(
            "/graphql", json={"query": "{ queues { totalCount } }"},
            headers={**bearer(), "Origin": "https://evil.example"},
        )  # fmt: skip

    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://admin.example"
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://admin.example"
    assert "access-control-allow-origin" not in foreign.headers


async def test_each_request_is_logged_with_its_id_tenant_and_operation(
    http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="app.requests")

    response = await http.post(
        "/graphql",
        json={"query": "query Count { queues { totalCount } }", "operationName": "Count"},
        headers=bearer(),
    )

    (record,) = [r for r in caplog.records if r.name == "app.requests"]
    assert record.__dict__["request_id"] == response.headers["x-request-id"]
    assert record.__dict__["tenant"] == "acme"
    assert record.__dict__["operation"] == "Count"
    assert record.__dict__["client"] == "127.0.0.1"
    assert record.__dict__["status"] == 200
    assert record.__dict__["duration_ms"] > 0


async def test_metrics_count_requests_by_operation_and_outcome(http: httpx.AsyncClient) -> None:
    named = {"query": "query Count { queues { totalCount } }", "operationName": "Count"}
    await http.post("/graphql", json=named, headers=bearer())
    await http.post("/graphql", json=named, headers=bearer())
    await http.post("/graphql", json={"query": "{ queues { totalCount } }"}, headers=bearer())
    await http.post("/graphql", json={"query": "{ queues { "}, headers=bearer())
    await http.post("/graphql", json={**named, "operationName": "Stranger"})  # no token
    # 200 with a BAD_USER_INPUT error: a client error all the same.
    too_big = {"query": "query Big { queues(first: 1000) { totalCount } }"}
    await http.post("/graphql", json=too_big, headers=bearer())

    metrics = (await http.get("/metrics")).text

    assert 'graphql_requests_total{cache="none",operation="Count",outcome="ok"} 2.0' in metrics
    assert 'graphql_requests_total{cache="none",operation="",outcome="ok"} 1.0' in metrics
    assert 'graphql_requests_total{cache="none",operation="",outcome="client_error"} 2.0' in metrics
    assert (
        'graphql_requests_total{cache="none",operation="Big",outcome="client_error"} 1.0' in metrics
    )
    assert "Stranger" not in metrics
    assert 'graphql_request_seconds_bucket{le="0.1",operation="Count",outcome="ok"}' in metrics
    assert "websockets_open 0.0" in metrics
    assert "database_pool_in_use" in metrics
