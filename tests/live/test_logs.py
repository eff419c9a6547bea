"""The log as an operator reads it: one format, every field, from a real server."""

import json
from pathlib import Path

import httpx

from tests.live.servers import running_servers, token

QUERY = "query Who { queues(first: 1) { totalCount } }"


def _traffic(url: str) -> None:
    httpx.post(url, json={"query": QUERY}, headers={"Authorization": f"Bearer {token()}"})
    httpx.post(url, json={"query": QUERY})  # no token: 401


def test_production_logs_are_json_lines_only(sqlite_url: str, tmp_path: Path) -> None:
    with running_servers(sqlite_url, 1, logs=tmp_path, env={"APP_ENV": "production"}) as (server,):
        _traffic(server.http)

    lines = (tmp_path / "0.log").read_text().splitlines()
    records = [json.loads(line) for line in lines if line.strip()]  # fails on any non-JSON line
    loggers = {record["logger"] for record in records}
    assert {"uvicorn.error", "uvicorn.access", "app.requests"} <= loggers, loggers
    [serving] = [r for r in records if r["message"] == "serving"]
    assert serving["graphiql"] is False  # GraphiQL is off in production, and not announced
    requests = [r for r in records if r["logger"] == "app.requests"]
    assert [(r["operation"], r["status"]) for r in requests] == [("Who", 200), ("Who", 401)]
    assert all(r["request_id"] and r["duration_ms"] >= 0 for r in requests)


def test_text_logs_carry_the_same_fields(sqlite_url: str, tmp_path: Path) -> None:
    with running_servers(sqlite_url, 1, logs=tmp_path, env={"LOG_FORMAT": "text"}) as (server,):
        _traffic(server.http)

    lines = (tmp_path / "0.log").read_text().splitlines()
    requests = [line for line in lines if " app.requests graphql request " in line]
    assert len(requests) == 2, lines
    for field in ("request_id=", "client=127.0.0.1", "tenant=", "status=", "duration_ms="):
        assert all(field in line for line in requests), (field, requests)
    assert "operation=Who" in requests[0]
    assert "status=200" in requests[0]
    assert "status=401" in requests[1]
